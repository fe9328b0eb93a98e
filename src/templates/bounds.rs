//! Bounds on what a chapter's template expressions may cost.
//!
//! Tera has no budget of its own, so the bound is kept in two ways:
//!
//! - Total work: every stretch of a chapter's text carries a marker
//!   ([`super::source`]), so every pass through a loop body writes to the
//!   output, however deeply the loops are nested and whether or not they
//!   write text of their own. [`Budget`] counts those writes and the bytes,
//!   and stops the expansion at [`MAX_WORK`] writes or [`MAX_EXPANDED`] bytes.
//! - What chapters may use ([`tag_problem`]): only the tags real chapters
//!   need (`for`, `if`, `set name = …`, `raw`), and no way to build a large
//!   value without writing it: no `~` (joining text), no `for` inside an
//!   expression (a list built in one step), and only literal arguments to
//!   filters and functions (`replace(to=x)` or `join(sep=x)` could multiply
//!   a value's size). Components, `set_global`, `set` blocks, `filter`
//!   sections, `include` and the like are refused at their place.

use super::source::Problem;

/// The most writes one chapter's expansion may make: about one per pass
/// through a loop body and one per expression. A real chapter makes a few
/// thousand; a million take about a second.
pub const MAX_WORK: usize = 1_000_000;

/// The most a chapter may grow to when its expressions are expanded: far
/// beyond any real chapter, well before a runaway loop exhausts the memory.
pub const MAX_EXPANDED: usize = 64 << 20;

/// Which limit an expansion ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exceeded {
    Work,
    Size,
}

impl Exceeded {
    pub fn message(self) -> String {
        match self {
            Exceeded::Work => format!(
                "expanding the chapter's template expressions takes more than {} steps (the limit)",
                thousands(MAX_WORK)
            ),
            Exceeded::Size => {
                format!("the chapter grows beyond {} MB when its template expressions are expanded", MAX_EXPANDED >> 20)
            }
        }
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The output of a chapter's expansion, stopped at the first limit it meets.
pub struct Budget {
    pub bytes: Vec<u8>,
    writes: usize,
    pub exceeded: Option<Exceeded>,
}

impl Budget {
    pub fn new(capacity: usize) -> Budget {
        Budget { bytes: Vec::with_capacity(capacity), writes: 0, exceeded: None }
    }
}

impl std::io::Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        if self.writes > MAX_WORK {
            self.exceeded = Some(Exceeded::Work);
        } else if self.bytes.len() + buf.len() > MAX_EXPANDED {
            self.exceeded = Some(Exceeded::Size);
        }
        if self.exceeded.is_some() {
            return Err(std::io::Error::other("the chapter's expansion is over its limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The block tags a chapter may use.
const TAGS: [&str; 11] = ["for", "endfor", "if", "elif", "else", "endif", "set", "break", "continue", "raw", "endraw"];

/// What is wrong with a tag a chapter uses, if anything. `inner` is the
/// text between the delimiters, `open` the body byte of the tag; `block` is
/// true for `{% … %}`, false for `{{ … }}`.
pub fn tag_problem(inner: &str, open: usize, block: bool) -> Option<Problem> {
    let trimmed = inner.trim_start_matches(['-', ' ', '\t', '\r', '\n']);
    let start = open + 2 + (inner.len() - trimmed.len());
    let tokens = tokens(inner);
    let problem = |at: usize, message: String, hint: &str| Problem { at, message, hint: hint.to_owned() };
    let mut expression = &tokens[..];
    if block {
        let name = tokens.first().map_or("", |t| t.text);
        if !TAGS.contains(&name) {
            let shown: String = if tokens.first().is_some_and(Token::is_name) {
                name.to_owned()
            } else {
                trimmed.trim_end_matches(['-', ' ', '\t', '\r', '\n']).chars().take(20).collect()
            };
            return Some(problem(
                start,
                format!("`{{% {shown} %}}` cannot be used in a chapter"),
                "chapters may use `{% for %}`, `{% if %}`, `{% set name = … %}` and `{% raw %}`; layout belongs in the theme",
            ));
        }
        if name == "set" && !tokens.iter().any(|t| t.text == "=") {
            return Some(problem(
                start,
                "a `{% set %}` block cannot be used in a chapter".to_owned(),
                "write `{% set name = value %}` on one tag",
            ));
        }
        // `for x in …`: the loop's own `for` is the tag, not an expression.
        expression = tokens.get(1..).unwrap_or_default();
    }
    for (i, token) in expression.iter().enumerate() {
        let at = open + 2 + token.at;
        match token.text {
            "~" => {
                return Some(problem(
                    at,
                    "`~` (joining text) cannot be used in a chapter".to_owned(),
                    "write the text around the expressions instead: `{{ a }} och {{ b }}`",
                ));
            }
            "for" => {
                return Some(problem(
                    at,
                    "a list built with `for` inside an expression cannot be used in a chapter".to_owned(),
                    "loop with `{% for x in … %}` … `{% endfor %}` instead",
                ));
            }
            "(" if expression.get(i.wrapping_sub(1)).is_some_and(|t| t.is_name()) => {
                if let Some(arg) = non_literal_argument(&expression[i + 1..]) {
                    return Some(problem(
                        open + 2 + arg.at,
                        format!(
                            "the argument `{}` of `{}` is not a plain value; in a chapter, filters and functions take only text or numbers written out",
                            arg.text,
                            expression[i - 1].text
                        ),
                        "write the value itself, e.g. `decimaler=1` or `id=\"rr\"`",
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// The first argument value inside a call's parentheses that is not a
/// literal (`tokens` start after the `(`).
fn non_literal_argument<'t>(tokens: &'t [Token<'t>]) -> Option<&'t Token<'t>> {
    let mut depth = 0usize;
    let mut after_equals = false;
    for token in tokens {
        match token.text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" if depth == 0 => return None,
            ")" | "]" | "}" => depth -= 1,
            "=" => after_equals = true,
            "," => after_equals = false,
            _ if token.is_name() && after_equals && !matches!(token.text, "true" | "false" | "none") => {
                return Some(token);
            }
            _ if token.is_name() && depth > 0 => return Some(token),
            _ => {}
        }
    }
    None
}

#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    /// Byte offset in the tag's inner text.
    at: usize,
}

impl Token<'_> {
    fn is_name(&self) -> bool {
        self.text.starts_with(|c: char| c.is_alphabetic() || c == '_')
    }
}

/// The tag's words, numbers, string literals (as one token) and signs.
fn tokens(inner: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let end = if c == '"' || c == '\'' || c == '`' {
            let mut end = inner.len();
            for (i, d) in chars.by_ref() {
                if d == c {
                    end = i + d.len_utf8();
                    break;
                }
            }
            end
        } else if c.is_alphanumeric() || c == '_' {
            let mut end = at + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            end
        } else if c.is_whitespace() || c == '-' && (at == 0 || at + 1 == inner.len()) {
            continue;
        } else if c == '=' && chars.peek().is_some_and(|&(_, d)| d == '=') {
            chars.next();
            at + 2
        } else {
            at + c.len_utf8()
        };
        out.push(Token { text: &inner[at..end], at });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(tag: &str) -> Option<String> {
        let block = tag.starts_with("{%");
        tag_problem(&tag[2..tag.len() - 2], 0, block).map(|p| p.message)
    }

    #[test]
    fn what_real_chapters_write_is_accepted() {
        for tag in [
            "{{ figures.rr.arets_resultat[\"2013\"] | belopp }}",
            "{{ data.nyckeltal.x | belopp(decimaler=1) }}",
            "{{ table(id=\"rr\") }}",
            "{{ notes(level=3) }}",
            "{{ goals(area=\"navet\") }}",
            "{% for rad in data.lista %}",
            "{%- for i in range(end=3) -%}",
            "{% endfor %}",
            "{% if data.x > 0 and not data.y %}",
            "{% set rr = figures.rr %}",
            "{{ \"a ~ b for x\" }}",
            "{{ data.namn | join(sep=\", \") }}",
            "{% raw %}",
        ] {
            assert_eq!(problem(tag), None, "{tag}");
        }
    }

    #[test]
    fn what_could_grow_without_bound_is_refused() {
        for (tag, expected) in [
            ("{% set_global x = x ~ x %}", "`{% set_global %}` cannot be used"),
            ("{% set x = x ~ x %}", "`~` (joining text)"),
            ("{% component rec(n) %}", "`{% component %}` cannot be used"),
            ("{% <rec n=1 /> %}", "`{% <rec n=1 /> %}` cannot be used"),
            ("{% set x %}", "a `{% set %}` block"),
            ("{% filter upper %}", "`{% filter %}` cannot be used"),
            ("{% include \"x\" %}", "`{% include %}` cannot be used"),
            ("{{ [i for i in range(end=100000)] | length }}", "a list built with `for`"),
            ("{{ data.x | replace(from=\"a\", to=data.x) }}", "the argument `data` of `replace`"),
            ("{{ data.l | join(sep=data.x) }}", "the argument `data` of `join`"),
            ("{{ range(end=data.n) }}", "the argument `data` of `range`"),
        ] {
            let found = problem(tag).unwrap_or_default();
            assert!(found.contains(expected), "{tag}: {found}");
        }
    }

    #[test]
    fn the_budget_stops_at_the_first_limit() {
        use std::io::Write;
        let mut budget = Budget::new(0);
        for _ in 0..MAX_WORK {
            budget.write_all(b"x").unwrap();
        }
        assert!(budget.write_all(b"x").is_err());
        assert_eq!(budget.exceeded, Some(Exceeded::Work));
        let mut budget = Budget::new(0);
        assert!(budget.write_all(&vec![b'x'; MAX_EXPANDED + 1]).is_err());
        assert_eq!(budget.exceeded, Some(Exceeded::Size));
        assert_eq!(thousands(MAX_WORK), "1 000 000");
    }
}
