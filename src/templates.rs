//! Tera: figures in chapter bodies (`{{ data.nyckeltal.arets_resultat | belopp }}`)
//! and the theme's page templates. Errors point into the chapter or theme file.

pub mod bounds;
pub mod source;

use rust_decimal::Decimal;
use tera::{Context, Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Location};
use crate::figures::Figures;
use crate::format::{format_amount, format_percent, parse_amount};
use crate::markdown::LineIndex;
use crate::project::nearest;

/// A Tera engine with the document filters registered.
pub fn engine() -> Tera {
    let mut tera = Tera::new();
    tera.register_filter("belopp", |value: &Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        let value = decimal(value, "belopp")?;
        Ok(format_amount(value, shown_decimals(value, decimals(&kwargs)?)?))
    });
    tera.register_filter("procent", |value: &Value, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        let value = decimal(value, "procent")?;
        Ok(format_percent(value, shown_decimals(value, decimals(&kwargs)?)?))
    });
    tera.register_filter(source::FIGURE_FILTER, |value: &Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
        figure_as_text(value)
    });
    tera
}

/// A value placed in a chapter without a filter: a number is shown the
/// Swedish way (`2,5`, `−50 970`; four digits stay as they are, like a year),
/// anything else as it is. A float can only come from arithmetic in the
/// chapter and is never shown: it may be rounded.
fn figure_as_text(value: &Value) -> tera::TeraResult<Value> {
    if value.as_f64().is_some() && value.as_i128().is_none() {
        return Err(tera::Error::message(computed_in_chapter(value)));
    }
    let exact = if let Some(i) = value.as_i128() {
        Decimal::try_from_i128_with_scale(i, 0).ok()
    } else {
        value.as_str().filter(|t| is_decimal_text(t)).and_then(|t| parse_amount(t).ok())
    };
    match exact {
        Some(d) if d.scale() == 0 && d.abs() < Decimal::from(10_000) => {
            Ok(Value::from(d.to_string().replace('-', "\u{2212}")))
        }
        Some(d) => Ok(Value::from(format_amount(d, shown_decimals(d, None)?))),
        None => Ok(value.clone()),
    }
}

/// The decimals to show `value` with: those asked for, else its own, but a
/// value of more than 6 decimals (a ratio from `figure`) must say how many.
fn shown_decimals(value: Decimal, asked: Option<u32>) -> tera::TeraResult<Option<u32>> {
    let limit = crate::figures::model::MAX_FIGURE_DECIMALS;
    match asked {
        None if value.normalize().scale() > limit => Err(tera::Error::message(format!(
            "this figure has {} decimals; say how many to show, e.g. `| procent(decimaler=1)`, or round it in the expression: `round(x; 1)`",
            value.normalize().scale()
        ))),
        _ => Ok(asked),
    }
}

/// The text of an exact decimal as the data files hand it to chapters: `-2.5`.
fn is_decimal_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int_part, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !int_part.is_empty()
        && !frac.is_empty()
        && int_part.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Why a float cannot be placed: it was computed in the chapter.
fn computed_in_chapter(value: &Value) -> String {
    format!(
        "this expression computes {value} from figures in the chapter; the result may be rounded, so it is not shown (compute it exactly with `figure(\"…\")`, or as a line of a table in content/data/)"
    )
}

/// Registers `table(id="rr")`, which places a figures table, and
/// `notes(level=2)`, which places every note under its own heading.
pub fn register_figures(tera: &mut Tera, figures: &Figures, note_label: &str) {
    crate::figures::in_text::register(tera, &figures.computed);
    let ids: Vec<String> = figures.views.keys().cloned().collect();
    tera.register_function("table", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let id: &str = kwargs.must_get("id")?;
        if !ids.iter().any(|i| i == id) {
            let names: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = nearest(id, &names).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
            return Err(tera::Error::message(format!("there is no table `{id}`{hint}")));
        }
        Ok(Value::safe_string(&table_block(id)))
    });
    let notes: Vec<crate::figures::view::TableView> =
        figures.notes.iter().filter_map(|id| figures.views.get(id)).cloned().collect();
    let note_label = note_label.to_owned();
    tera.register_function("notes", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let level = kwargs.get::<usize>("level")?.unwrap_or(2).clamp(2, 6);
        let mut out = String::new();
        for note in &notes {
            let (id, number) = (&note.id, note.note_number.unwrap_or(0));
            // The title is text, not Markdown: `*`, `<` or `#` in it are shown as they are.
            let title = crate::goals::render::escape_markdown(&note.title);
            out.push_str(&format!("\n{} {note_label} {number} {title} {{#not-{id}}}\n", "#".repeat(level)));
            // The note's own words are Markdown of the chapter, read like the rest of it.
            out.push_str(&note_text(&note.text_before));
            out.push_str(&table_block(id));
            out.push_str(&note_text(&note.text_after));
        }
        Ok(Value::safe_string(&out))
    });
}

/// A note's text before or after its figures, as paragraphs of their own.
fn note_text(text: &str) -> String {
    match text.trim() {
        "" => String::new(),
        text => format!("\n{text}\n\n"),
    }
}

fn table_block(id: &str) -> String {
    format!("\n```{}\n{id}\n```\n", crate::markdown::TABLE_BLOCK)
}

fn decimals(kwargs: &Kwargs) -> tera::TeraResult<Option<u32>> {
    match kwargs.get::<u32>("decimaler")? {
        Some(n) if n > 6 => Err(tera::Error::message(format!("`decimaler` must be from 0 to 6, found {n}"))),
        n => Ok(n),
    }
}

/// The exact decimal behind a template value: an integer, or the text of an amount.
fn decimal(value: &Value, filter: &str) -> tera::TeraResult<Decimal> {
    if let Some(i) = value.as_i128() {
        return Decimal::try_from_i128_with_scale(i, 0)
            .map_err(|_| tera::Error::message(format!("the number {i} is too large for `{filter}`")));
    }
    if let Some(text) = value.as_str() {
        return parse_amount(text).map_err(|e| tera::Error::message(format!("`{filter}`: {e}")));
    }
    if value.is_undefined() {
        return Err(tera::Error::message(format!("`{filter}` was given a figure that does not exist")));
    }
    if value.as_f64().is_some() {
        return Err(tera::Error::message(format!("`{filter}`: {}", computed_in_chapter(value))));
    }
    Err(tera::Error::message(format!("`{filter}` expects a number, found {}", value.name())))
}

/// A chapter body with its template expressions expanded, and the way back
/// from each byte of it to the chapter file.
#[derive(Debug)]
pub struct Expanded {
    pub body: String,
    pub lines: LineIndex,
}

/// At most this many template errors are reported for one chapter.
const MAX_ERRORS: usize = 20;

/// Expands the Tera expressions in a chapter body. Bodies without any are
/// returned as they are. On failure, returns every error found: after an
/// expression that fails, the chapter is expanded again without it, so that
/// the errors in later expressions are found too.
pub fn expand_chapter(
    tera: &Tera,
    body: &str,
    context: &Context,
    file: &str,
    line_offset: usize,
) -> Result<Expanded, Vec<Diagnostic>> {
    let plain = LineIndex::new(body, line_offset);
    if !(body.contains("{{") || body.contains("{%") || body.contains("{#")) {
        return Ok(Expanded { body: body.to_owned(), lines: plain });
    }
    let display = plain.display_source();
    let at = |byte: usize| {
        let (line, column) = plain.position(byte);
        Location::new(file, line, column)
    };
    let mut errors = Vec::new();
    let mut blanked = Vec::new();
    loop {
        let prepared = match source::prepare(body, &blanked) {
            Ok(p) => p,
            Err(problems) => {
                return Err(problems
                    .into_iter()
                    .map(|p| Diagnostic::error(Some(at(p.at)), p.message).with_hint(p.hint).with_source(&display))
                    .collect());
            }
        };
        let mut out = bounds::Budget::new(body.len());
        let error = match tera.render_str_to(&prepared.text, context, false, &mut out) {
            Ok(()) if errors.is_empty() => {
                let (text, anchors) = source::strip(&String::from_utf8_lossy(&out.bytes), &prepared.anchors);
                return Ok(Expanded { body: text, lines: LineIndex::expanded(body, line_offset, anchors) });
            }
            Ok(()) => return Err(errors),
            Err(e) => e,
        };
        if let Some(exceeded) = out.exceeded {
            let location =
                source::last_anchor(&out.bytes, &prepared.anchors).map_or(Location::file(file), |a| at(a.source));
            errors.push(
                Diagnostic::error(Some(location), exceeded.message())
                    .with_hint("a loop (`{% for … %}`) around this line probably repeats far more often than meant")
                    .with_source(&display),
            );
            return Err(errors);
        }
        let byte = error_byte(&error, &prepared.text).map(|b| prepared.source_byte(b));
        let diagnostic = match (to_diagnostic(&error, |_| file.to_owned(), 0), byte) {
            (d, Some(byte)) => Diagnostic { location: Some(at(byte)), ..d },
            (d, None) => d,
        };
        errors.push(diagnostic.with_source(&display));
        match byte.and_then(|b| prepared.expression_at(b)) {
            Some(expression) if errors.len() < MAX_ERRORS && !blanked.contains(&expression) => blanked.push(expression),
            _ => return Err(errors),
        }
    }
}

/// The byte of the rendered text a Tera error points at: from its span, or
/// for errors Tera only gives as text, from the `__tera_one_off:line:column` in it.
fn error_byte(error: &tera::Error, text: &str) -> Option<usize> {
    use tera::ErrorKind;
    if let ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) = error.kind() {
        return Some(report.span().range.start);
    }
    let position = error.to_string().split("__tera_one_off:").nth(1)?.to_owned();
    let mut numbers = position.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    let line: usize = numbers.next()?.parse().ok()?;
    let column: usize = numbers.next()?.parse().ok()?;
    let line_start = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
    let within = text[line_start..].char_indices().nth(column.saturating_sub(1)).map_or(0, |(i, _)| i);
    Some(line_start + within)
}

/// Converts a Tera error into a diagnostic. `file_for` maps a template name to
/// the file shown to the user; `line_offset` is added to the reported line.
pub fn to_diagnostic(err: &tera::Error, file_for: impl Fn(&str) -> String, line_offset: usize) -> Diagnostic {
    use tera::ErrorKind;
    match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let location =
                Location::new(file_for(report.filename()), span.start_line + line_offset, span.start_col + 1);
            let message = plain_message(report.message(), err);
            Diagnostic::error(Some(location), message).with_hint(hint_for(report.message()))
        }
        _ => Diagnostic::error(None, plain_message(&err.to_string(), err)),
    }
}

/// Tera's message, followed by the cause a filter gave, if any.
fn plain_message(message: &str, err: &tera::Error) -> String {
    let mut text = message.to_owned();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn hint_for(message: &str) -> &'static str {
    if message.contains("Found integer but expected identifier") {
        // `figures.rr.arets_resultat.2013`: a column written like a name.
        "a column such as 2013 is written in brackets and quotes after the line: `figures.rr.arets_resultat[\"2013\"]`"
    } else if message.contains("from figures in the chapter") {
        "`{{ figure(\"rr.arets_resultat[2013] / 4\") | belopp(decimaler=1) }}` computes exactly with the figures of tables; a line with `sum:` or `formula:` in content/data/ can be placed too"
    } else if message.contains("`figure(") {
        "`figure(\"…\")` computes with the figures of content/data/ tables, each written `table.line[column]`, as in a `formula:`"
    } else if message.contains("there is no key-figure spread") {
        "a spread is declared in content/data/*.yaml under `key_figures:` with its `id`, `year:` and `cards:`"
    } else if message.contains("there is no table") {
        "tables and notes are declared in content/data/*.yaml under `tables:` and `notes:`; use their `id`"
    } else if message.contains("not found") || message.contains("undefined") || message.contains("does not exist") {
        "figures come from content/data/<file>.yaml and are written `{{ data.<file>.<key> | belopp }}`"
    } else {
        "template expressions are written `{{ … }}`; check the brackets and names"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, data: &str) -> Result<String, Diagnostic> {
        let node = crate::yaml::parse(data, "d.yaml").unwrap();
        let mut files = crate::data::DataFiles::default();
        files.files.insert("nyckeltal".into(), node);
        let mut context = Context::new();
        context.insert_value("data", files.to_value());
        expand_chapter(&engine(), body, &context, "content/chapters/02-a.md", 3)
            .map(|e| e.body)
            .map_err(|mut e| e.remove(0))
    }

    #[test]
    fn belopp_formats_the_swedish_way() {
        let out = render(
            "Resultat {{ data.nyckeltal.r | belopp }}, {{ data.nyckeltal.k | belopp }}, {{ data.nyckeltal.x | belopp(decimaler=1) }}, {{ data.nyckeltal.p | procent }}.",
            "r: 2702\nk: -50 970\nx: 29 716,54\np: 3,2\n",
        )
        .unwrap();
        assert_eq!(out, "Resultat 2\u{a0}702, \u{2212}50\u{a0}970, 29\u{a0}716,5, 3,2\u{a0}%.");
    }

    #[test]
    fn a_figure_without_a_filter_is_shown_the_swedish_way() {
        let out = render(
            "{{ data.nyckeltal.x }} {{ data.nyckeltal.k }} {{ data.nyckeltal.y }} {{ data.nyckeltal.t }}",
            "x: 2,5\nk: -50 970\ny: 2013\nt: text\n",
        )
        .unwrap();
        assert_eq!(out, "2,5 \u{2212}50\u{a0}970 2013 text");
    }

    #[test]
    fn arithmetic_that_gives_a_float_is_refused_at_its_line() {
        for body in ["A\n\n{{ data.nyckeltal.r / 4 }}", "A\n\n{{ (data.nyckeltal.r / 4) | belopp }}"] {
            let err = render(body, "r: 2702\n").unwrap_err();
            assert_eq!(err.location.as_ref().map(|l| l.line), Some(6), "{err}");
            assert!(err.message.contains("computes 675.5"), "{err}");
        }
    }

    #[test]
    fn expanded_lines_map_back_to_the_authors_lines() {
        let mut tera = engine();
        tera.register_function("block", |_: Kwargs, _: &State| -> tera::TeraResult<Value> {
            Ok(Value::safe_string("\nett\ntvå\ntre\n"))
        });
        let body = "# T\n\n{{ block() }}\n\nEfter {# en\nkommentar #} och {{ 5 }} sist.\n";
        let expanded = expand_chapter(&tera, body, &Context::new(), "c.md", 2).unwrap();
        let line_of = |needle: &str| expanded.lines.position(expanded.body.find(needle).unwrap());
        assert_eq!(line_of("två"), (5, 1), "inserted text is at its call");
        assert_eq!(line_of("Efter"), (7, 1));
        assert_eq!(line_of("sist"), (8, 26));
    }

    #[test]
    fn every_failing_expression_of_a_chapter_is_reported() {
        let body = "A {{ 1 | belopp(decimaler=9) }}\n\nB {{ \"x\" | procent }}\n";
        let errors = expand_chapter(&engine(), body, &Context::new(), "c.md", 0).unwrap_err();
        let lines: Vec<usize> = errors.iter().filter_map(|e| e.location.as_ref().map(|l| l.line)).collect();
        assert_eq!(lines, [1, 3], "{errors:?}");
    }

    #[test]
    fn a_missing_figure_names_the_chapter_line() {
        let err = render("Rad ett\n\nResultat {{ data.nyckeltal.saknas | belopp }}.", "r: 1\n").unwrap_err();
        let loc = err.location.clone().unwrap();
        assert_eq!((loc.file.as_str(), loc.line), ("content/chapters/02-a.md", 6), "{err}");
    }
}
