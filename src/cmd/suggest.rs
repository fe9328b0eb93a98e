//! Turns the error Tera gives for a chapter into messages a communicator can
//! act on. Tera stops at the first problem and knows nothing about data
//! files; when it fails, the chapter's expressions are scanned here, every
//! figure name that does not exist (`data.…`, `figures.…`) is reported at its
//! own position with the nearest existing name as a suggestion, and so is
//! every unknown filter.

use std::ops::Range;

use crate::content::Chapter;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::LineIndex;
use crate::project::nearest;

/// The filters a chapter is most likely to mean, offered as suggestions.
const FILTERS: &[&str] = &["belopp", "procent", "upper", "lower", "capitalize", "trim", "round", "default"];
/// The functions a chapter is most likely to mean.
const FUNCTIONS: &[&str] = &["table", "figure", "notes", "goals", "goal_summary", "area", "people", "range"];

/// Better diagnostics for a chapter whose expansion failed with `errors`.
/// `roots` are the values chapters see by name, e.g. `("data", …)`.
pub fn chapter_error(errors: Vec<Diagnostic>, chapter: &Chapter, roots: &[(&str, &tera::Value)]) -> Diagnostics {
    let lines = LineIndex::new(&chapter.body, chapter.body_line_offset);
    let at = |byte: usize| {
        let (line, column) = lines.position(byte);
        Location::new(&chapter.file, line, column)
    };
    let messages: String = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\n");
    let unknown_filters = names_after(&messages, "Unknown filter `");
    let unknown_functions = names_after(&messages, "Unknown function `");
    let errors: Vec<Diagnostic> = errors
        .into_iter()
        .map(|e| locate_report(e, &chapter.file, chapter.body_line_offset, &chapter.source))
        .collect();

    let mut found = Diagnostics::new();
    let mut covered: Vec<(Location, Location)> = Vec::new();
    for (expr, output) in expressions(&chapter.body) {
        let text = &chapter.body[expr.clone()];
        let mut problems = Vec::new();
        for call in calls(text) {
            let name = &text[call.clone()];
            if unknown_functions.iter().any(|n| n == name) {
                let hint = match nearest(name, FUNCTIONS) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the functions are: {}", sorted(FUNCTIONS).join(", ")),
                };
                problems.push(
                    Diagnostic::error(Some(at(expr.start + call.start)), format!("there is no function `{name}`"))
                        .with_hint(hint),
                );
            }
        }
        for filter in filters(text) {
            let name = &text[filter.clone()];
            if unknown_filters.iter().any(|n| n == name) {
                let hint = match nearest(name, FILTERS) {
                    Some(near) => {
                        format!("did you mean `{near}`? Amounts use `belopp` (2 702), percentages `procent` (3,2 %)")
                    }
                    None => "amounts use the filter `belopp` (2 702), percentages `procent` (3,2 %)".to_owned(),
                };
                problems.push(
                    Diagnostic::error(Some(at(expr.start + filter.start)), format!("there is no filter `{name}`"))
                        .with_hint(hint),
                );
            }
        }
        // Paths are checked in `{{ … }}` only: tags may test whether a name exists.
        if output && !text.contains("default") {
            for (root, value) in roots {
                for path in paths(text, root) {
                    if let Some((segment, message, hint)) = check_path(&path, value) {
                        let start = expr.start + path.segments[segment].1.start;
                        problems.push(Diagnostic::error(Some(at(start)), message).with_hint(hint));
                    }
                }
            }
        }
        if !problems.is_empty() {
            covered.push((at(expr.start), at(expr.end)));
            for d in problems {
                found.push(d.with_source(&chapter.source));
            }
        }
    }
    let scanned_unknown_names = (!unknown_filters.is_empty() || !unknown_functions.is_empty()) && !found.is_empty();
    for error in errors {
        let explained = scanned_unknown_names && error.message.starts_with("Unknown ")
            || match &error.location {
                Some(loc) if loc.line > 0 => covered.iter().any(|(from, to)| from <= loc && loc <= to),
                _ => scanned_unknown_names,
            };
        if !explained {
            found.push(error);
        }
    }
    found
}

/// Tera reports some errors (unknown filters, tests, functions) only as text
/// naming its internal template, `--> __tera_one_off:5:28`. Points such a
/// diagnostic at the chapter line instead, and keeps only the message.
fn locate_report(error: Diagnostic, file: &str, line_offset: usize, source: &str) -> Diagnostic {
    let Some(position) = error.message.split("__tera_one_off:").nth(1) else { return error };
    let first = error.message.lines().next().unwrap_or_default().trim_start_matches("error: ").trim().to_owned();
    if let Some(location) = error.location {
        let mut located = Diagnostic::error(Some(location), first);
        located.hint = error.hint;
        return located.with_source(source);
    }
    let mut numbers = position.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    let (Some(Ok(line)), Some(Ok(column))) =
        (numbers.next().map(str::parse::<usize>), numbers.next().map(str::parse::<usize>))
    else {
        return error;
    };
    let mut located = Diagnostic::error(Some(Location::new(file, line + line_offset, column)), first);
    located.hint = error.hint;
    located.with_source(source)
}

/// Every `name` in `text` written as `{prefix}name\``.
fn names_after(text: &str, prefix: &str) -> Vec<String> {
    text.split(prefix).skip(1).filter_map(|rest| rest.split_once('`').map(|(name, _)| name.to_owned())).collect()
}

/// Byte ranges of the insides of `{{ … }}` (`true`) and `{% … %}` (`false`),
/// skipping comments and raw blocks.
fn expressions(body: &str) -> Vec<(Range<usize>, bool)> {
    let mut found = Vec::new();
    let mut raw = false;
    let mut i = 0;
    while let Some(offset) = body[i..].find('{') {
        let start = i + offset;
        let rest = &body[start..];
        let close = if rest.starts_with("{{") {
            "}}"
        } else if rest.starts_with("{%") {
            "%}"
        } else if rest.starts_with("{#") {
            "#}"
        } else {
            i = start + 1;
            continue;
        };
        let inner_start = start + 2;
        let Some(len) = find_outside_strings(&body[inner_start..], close) else { break };
        let inner = inner_start..inner_start + len;
        i = inner.end + 2;
        match close {
            "%}" => {
                let tag = body[inner.clone()].trim_matches(|c: char| c == '-' || c.is_whitespace());
                if tag == "raw" {
                    raw = true;
                } else if tag == "endraw" {
                    raw = false;
                } else if !raw {
                    found.push((inner, false));
                }
            }
            "}}" if !raw => found.push((inner, true)),
            _ => {}
        }
    }
    found
}

/// Position of `needle` in `text`, ignoring anything inside string literals.
fn find_outside_strings(text: &str, needle: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if text[i..].starts_with(needle) => return Some(i),
            None => {}
        }
    }
    None
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Ranges of the filter names in an expression: `x | belopp(decimaler=1)` → `belopp`.
fn filters(expr: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let bytes = expr.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if b == b'|' && bytes.get(i + 1) != Some(&b'|') && (i == 0 || bytes[i - 1] != b'|') => {
                let after = &expr[i + 1..];
                let start = i + 1 + (after.len() - after.trim_start().len());
                let len = expr[start..].find(|c: char| !is_ident(c)).unwrap_or(expr.len() - start);
                if len > 0 {
                    found.push(start..start + len);
                }
            }
            None => {}
        }
    }
    found
}

/// Ranges of the names of called functions: `table(id="rr")` → `table`; not
/// filters with arguments (`| belopp(decimaler=1)`) or methods.
fn calls(expr: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    for (i, c) in expr.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if is_ident(c) => {
                start.get_or_insert(i);
            }
            None => {
                if let Some(s) = start.take() {
                    let before = expr[..s].trim_end();
                    let rest = expr[i..].trim_start();
                    if rest.starts_with('(') && !before.ends_with(['|', '.']) {
                        found.push(s..i);
                    }
                }
            }
        }
    }
    found
}

/// A path from a named value, `data.nyckeltal["2013"]`: the name and each
/// segment with its range in the expression.
#[derive(Debug, PartialEq)]
struct ValuePath<'r> {
    root: &'r str,
    segments: Vec<(String, Range<usize>)>,
}

/// Every path starting with `root` in an expression, outside string literals.
fn paths<'r>(expr: &str, root: &'r str) -> Vec<ValuePath<'r>> {
    let mut found = Vec::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < expr.len() {
        let c = expr[i..].chars().next().unwrap_or(' ');
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if expr[i..].starts_with(root)
                && !expr[i + root.len()..].starts_with(is_ident)
                && !expr[..i].ends_with(|p: char| is_ident(p) || p == '.') =>
            {
                let (path, end) = read_path(expr, root, i + root.len());
                if !path.segments.is_empty() {
                    found.push(path);
                }
                i = end;
                continue;
            }
            None => {}
        }
        i += c.len_utf8();
    }
    found
}

/// Reads `.name` and `["key"]` segments from `start`; returns them and where they end.
fn read_path<'r>(expr: &str, root: &'r str, mut i: usize) -> (ValuePath<'r>, usize) {
    let mut segments = Vec::new();
    loop {
        let rest = &expr[i..];
        if let Some(after) = rest.strip_prefix('.') {
            let len = after.find(|c: char| !is_ident(c)).unwrap_or(after.len());
            if len == 0 {
                break;
            }
            segments.push((after[..len].to_owned(), i + 1..i + 1 + len));
            i += 1 + len;
        } else if let Some(after) = rest.strip_prefix('[') {
            let inner = after.trim_start();
            let lead = after.len() - inner.len();
            let Some(q) = inner.chars().next().filter(|c| matches!(c, '"' | '\'')) else { break };
            let Some(len) = inner[1..].find(q) else { break };
            let Some(close) = inner[1 + len + 1..].find(']') else { break };
            let key_start = i + 1 + lead + 1;
            segments.push((inner[1..1 + len].to_owned(), key_start..key_start + len));
            i += 1 + lead + 1 + len + 1 + close + 1;
        } else {
            break;
        }
    }
    (ValuePath { root, segments }, i)
}

/// How a path is written in a chapter.
fn written(root: &str, segments: &[&str]) -> String {
    let mut text = String::from(root);
    for s in segments {
        if !s.is_empty() && s.chars().all(is_ident) && !s.starts_with(|c: char| c.is_ascii_digit()) {
            text.push('.');
            text.push_str(s);
        } else {
            text.push_str(&format!("[\"{s}\"]"));
        }
    }
    text
}

/// Finds the first segment of `path` that does not exist in `value`: its
/// index, a message and a hint.
fn check_path(path: &ValuePath, value: &tera::Value) -> Option<(usize, String, String)> {
    let names: Vec<&str> = path.segments.iter().map(|(s, _)| s.as_str()).collect();
    let written = |segments: &[&str]| written(path.root, segments);
    let mut value = value;
    for (i, name) in names.iter().enumerate() {
        let so_far = written(&names[..i]);
        let whole = written(&names);
        let Some(map) = value.as_map() else {
            let message = format!("`{so_far}` is a single value, so it has no part `{name}`");
            return Some((i, message, format!("write `{so_far}` without `{}`", &whole[so_far.len()..])));
        };
        let mut keys: Vec<String> = map.keys().map(ToString::to_string).collect();
        keys.sort();
        if let Some((_, next)) = map.iter().find(|(k, _)| k.to_string() == *name) {
            value = next;
            continue;
        }
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let suggestion = nearest(name, &key_refs).map(|near| {
            let mut fixed = names.clone();
            fixed[i] = near;
            written(&fixed)
        });
        let hint = |otherwise: String| match &suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => otherwise,
        };
        if path.root != "data" {
            let message = format!("`{so_far}` has no `{name}`");
            return Some((i, message, hint(format!("`{so_far}` has: {}", listing(&keys)))));
        }
        let (message, hint) = if i == 0 {
            let message = format!("there is no data file content/data/{name}.yaml (used as `{whole}`)");
            let hint = if keys.is_empty() {
                hint(format!(
                    "create content/data/{name}.yaml with lines such as `{}: 2702`",
                    names.get(1).unwrap_or(&"belopp")
                ))
            } else {
                hint(format!("the data files are: {}", listing(&keys)))
            };
            (message, hint)
        } else {
            let file = format!("content/data/{}.yaml", names[0]);
            let message = if i == 1 {
                format!("there is no figure `{name}` in {file}")
            } else {
                format!("`{so_far}` in {file} has no `{name}`")
            };
            (message, hint(format!("`{so_far}` has: {}", listing(&keys))))
        };
        return Some((i, message, hint));
    }
    None
}

fn sorted<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut names = names.to_vec();
    names.sort_unstable();
    names
}

/// A short list of names: the first ten, then how many more.
fn listing(names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = names.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_chapter;

    fn data() -> tera::Value {
        let mut files = crate::data::DataFiles::default();
        let node = crate::yaml::parse("arets_resultat: 2702\nar:\n  \"2013\": 5\n", "d.yaml").unwrap();
        files.files.insert("nyckeltal".into(), node);
        files.to_value()
    }

    fn figures() -> tera::Value {
        let mut columns = std::collections::BTreeMap::new();
        columns.insert("2013".to_owned(), tera::Value::from(2702));
        let mut rows = std::collections::BTreeMap::new();
        rows.insert("arets_resultat".to_owned(), tera::Value::from(columns));
        let mut tables = std::collections::BTreeMap::new();
        tables.insert("rr".to_owned(), tera::Value::from(rows));
        tera::Value::from(tables)
    }

    fn diagnose(text: &str) -> Vec<Diagnostic> {
        let chapter = parse_chapter("content/chapters/02-a.md", text).unwrap();
        let tera = crate::templates::engine();
        let mut context = tera::Context::new();
        context.insert_value("data", data());
        context.insert_value("figures", figures());
        let Err(error) =
            crate::templates::expand_chapter(&tera, &chapter.body, &context, &chapter.file, chapter.body_line_offset)
        else {
            panic!("the chapter expanded without an error");
        };
        let figures = figures();
        chapter_error(error, &chapter, &[("data", &data()), ("figures", &figures)]).iter().cloned().collect()
    }

    #[test]
    fn a_misspelt_figure_points_at_the_name_and_suggests_the_nearest() {
        let all = diagnose(
            "---\nstatus: klar\n---\n# A\n\nResultatet blev {{ data.nyckeltal.arets_resultet | belopp }} tkr.\n",
        );
        assert_eq!(all.len(), 1, "{all:?}");
        let d = &all[0];
        assert_eq!(d.location, Some(Location::new("content/chapters/02-a.md", 6, 35)));
        assert_eq!(d.message, "there is no figure `arets_resultet` in content/data/nyckeltal.yaml");
        assert_eq!(d.hint.as_deref(), Some("did you mean `data.nyckeltal.arets_resultat`?"));
        assert_eq!(d.source_line.as_deref(), Some("Resultatet blev {{ data.nyckeltal.arets_resultet | belopp }} tkr."));
    }

    #[test]
    fn every_wrong_name_in_a_chapter_is_reported_at_once() {
        let all = diagnose(
            "# A\n\nÅr {{ data.nyckeltl.arets_resultat | belopp }}, {{ data.nyckeltal.ar[\"2031\"] }} och {{ data.nyckeltal.arets_resultat.x }} {{ data.nyckeltal.arets_resultat | belopp }}\n",
        );
        let text: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(all.len(), 3, "{text:#?}");
        assert_eq!(all[0].hint.as_deref(), Some("did you mean `data.nyckeltal.arets_resultat`?"));
        assert!(all[0].message.contains("no data file content/data/nyckeltl.yaml"));
        assert_eq!(all[1].hint.as_deref(), Some("did you mean `data.nyckeltal.ar[\"2013\"]`?"));
        assert!(all[2].message.contains("single value"), "{}", all[2]);
    }

    #[test]
    fn names_under_figures_are_checked_too() {
        let all = diagnose(
            "# A\n\n{{ figures.rr.arets_resultat[\"2031\"] | belopp }} och {{ figures.r.arets_resultat[\"2013\"] }}\n",
        );
        let text: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(all.len(), 2, "{text:#?}");
        assert_eq!(all[0].message, "`figures.rr.arets_resultat` has no `2031`");
        assert_eq!(all[0].hint.as_deref(), Some("did you mean `figures.rr.arets_resultat[\"2013\"]`?"));
        assert_eq!(all[0].location, Some(Location::new("content/chapters/02-a.md", 3, 31)));
        assert_eq!(all[1].hint.as_deref(), Some("did you mean `figures.rr.arets_resultat[\"2013\"]`?"));
    }

    #[test]
    fn an_unknown_filter_is_located_and_corrected() {
        let all = diagnose("# A\n\nText {{ data.nyckeltal.arets_resultat | beloppp }} och {{ 3 | procnt }}.\n");
        let text: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(all.len(), 2, "{text:#?}");
        assert_eq!(all[0].location, Some(Location::new("content/chapters/02-a.md", 3, 41)));
        assert_eq!(all[0].message, "there is no filter `beloppp`");
        assert!(all[0].hint.as_deref().unwrap().starts_with("did you mean `belopp`?"));
        assert!(all[1].hint.as_deref().unwrap().starts_with("did you mean `procent`?"));
        assert!(!text.iter().any(|t| t.contains("__tera")), "{text:#?}");
    }

    #[test]
    fn other_errors_are_kept_and_names_in_strings_comments_and_raw_blocks_are_ignored() {
        let all = diagnose(
            "# A\n\n{# data.x #}{% raw %}{{ data.y }}{% endraw %}{{ \"data.z\" }} {{ data.nyckeltal.arets_resultat }\n",
        );
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].message.contains("expected }}"), "{}", all[0]);
    }

    #[test]
    fn an_unknown_function_is_located_and_corrected() {
        let all = diagnose(
            "# A\n\n{% set t = 1 %}Text {{ tabel(id=\"rr\") }} {{ data.nyckeltal.arets_resultat | belopp(decimaler=1) }}\n",
        );
        let text: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(all.len(), 1, "{text:#?}");
        assert_eq!(all[0].message, "there is no function `tabel`");
        assert_eq!(all[0].location, Some(Location::new("content/chapters/02-a.md", 3, 24)));
        assert_eq!(all[0].hint.as_deref(), Some("did you mean `table`?"));
        assert_eq!(calls("x | f(a=g(1)) + h (2) + x.m(3) + \"k(\""), [8..9, 16..17]);
    }

    /// Fails when the keys are listed as Tera's map holds them (hash order).
    #[test]
    fn the_names_a_hint_lists_are_sorted() {
        let node = crate::yaml::parse(
            "hotell: 1\nfika: 2\nbuss: 3\nzon: 4\nankare: 5\nmoln: 6\ncykel: 7\nelva: 8\n",
            "d.yaml",
        )
        .unwrap();
        let mut files = crate::data::DataFiles::default();
        files.files.insert("nyckeltal".into(), node);
        let path = ValuePath { root: "data", segments: vec![("nyckeltal".into(), 0..1), ("qqqqqqqqqq".into(), 0..1)] };
        let (_, _, hint) = check_path(&path, &files.to_value()).unwrap();
        assert_eq!(hint, "`data.nyckeltal` has: ankare, buss, cykel, elva, fika, hotell, moln, zon");
    }

    #[test]
    fn paths_are_read_with_their_positions() {
        let paths = paths(" metadata.x + data.a[\"b c\"].d | f(x=data)", "data");
        assert_eq!(paths.len(), 1);
        let segs: Vec<_> = paths[0].segments.iter().map(|(s, r)| (s.as_str(), r.clone())).collect();
        assert_eq!(segs, [("a", 19..20), ("b c", 22..25), ("d", 28..29)]);
        assert_eq!(filters("a | f(x=\"|\") | g"), [4..5, 15..16]);
    }
}
