//! A chapter body as Tera reads it, and the way back from Tera's output to the
//! author's lines.
//!
//! Before a chapter is expanded, [`prepare`] reads its template syntax once:
//! it checks the comments (`{# … #}`), keeps heading attributes (`{#id}`)
//! away from Tera, gives every figure placed without a filter the
//! [`FIGURE_FILTER`], and puts an invisible marker at each line start of the
//! author's text and around each expression. Markers travel through Tera
//! (also through loops) and [`strip`] takes them out again, leaving for each
//! stretch of the expanded text the place in the chapter it came from. Text
//! inserted by `table()`, `goals()` or `area()` is thereby attributed to the
//! line of its call, and every later line keeps its own number.

use std::ops::Range;

/// The filter given to a figure placed without one: Swedish number format.
pub const FIGURE_FILTER: &str = "arsrapport_figure";

/// Markers are written with Unicode noncharacters, which no editor produces
/// and no filter changes: a start, the marker's number in private digits, an end.
const MARK_START: char = '\u{FDD0}';
const MARK_END: char = '\u{FDD1}';
const DIGIT_ZERO: u32 = 0xFDE0;
const RESERVED: std::ops::RangeInclusive<char> = '\u{FDD0}'..='\u{FDEF}';

/// Where a stretch of expanded text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// Byte offset in the chapter body.
    pub source: usize,
    /// `true`: the text that follows is the author's, byte for byte, from
    /// `source` on. `false`: it was written by the expression at `source`.
    pub literal: bool,
}

/// A place in the body where the marked text differs from the author's.
#[derive(Debug, Clone)]
struct Edit {
    /// Where it starts in the marked text, and its length there.
    at: usize,
    len: usize,
    /// What it replaces in the body.
    source: usize,
    source_len: usize,
    /// The body byte an error inside the edit is put at.
    blame: usize,
}

/// A problem in the template syntax of a chapter, at a byte of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: usize,
    pub message: String,
    pub hint: String,
}

/// The text Tera renders, and how to find the author's text in it.
#[derive(Debug)]
pub struct Prepared {
    pub text: String,
    edits: Vec<Edit>,
    pub anchors: Vec<Anchor>,
    /// Body ranges of the `{{ … }}` expressions, in order.
    pub expressions: Vec<Range<usize>>,
}

impl Prepared {
    /// The body byte behind a byte of the marked text (as Tera reports it).
    pub fn source_byte(&self, marked: usize) -> usize {
        let i = self.edits.partition_point(|e| e.at <= marked);
        let Some(edit) = i.checked_sub(1).map(|i| &self.edits[i]) else { return marked };
        if marked < edit.at + edit.len {
            edit.blame
        } else {
            edit.source + edit.source_len + (marked - edit.at - edit.len)
        }
    }

    /// The expression whose `{{` … `}}` holds a body byte.
    pub fn expression_at(&self, byte: usize) -> Option<Range<usize>> {
        self.expressions.iter().find(|r| r.contains(&byte)).cloned()
    }
}

/// Builds the marked text from the body.
struct Builder<'b> {
    body: &'b str,
    out: String,
    edits: Vec<Edit>,
    anchors: Vec<Anchor>,
    /// The body offset up to which the body has been copied.
    copied: usize,
}

impl Builder<'_> {
    fn copy_to(&mut self, end: usize) {
        if end > self.copied {
            self.out.push_str(&self.body[self.copied..end]);
            self.copied = end;
        }
    }

    /// Writes `text` in place of the body's `range`.
    fn replace(&mut self, range: Range<usize>, text: &str) {
        self.replace_blamed(range.clone(), text, range.start);
    }

    /// Like [`Self::replace`]; an error inside `text` is put at `blame`.
    fn replace_blamed(&mut self, range: Range<usize>, text: &str, blame: usize) {
        self.copy_to(range.start);
        let edit = Edit { at: self.out.len(), len: text.len(), source: range.start, source_len: range.len(), blame };
        self.edits.push(edit);
        self.out.push_str(text);
        self.copied = range.end;
    }

    fn mark(&mut self, at: usize, literal: bool) {
        let number = self.anchors.len();
        self.anchors.push(Anchor { source: at, literal });
        let mut text = String::from(MARK_START);
        text.extend(
            number
                .to_string()
                .chars()
                .map(|d| char::from_u32(DIGIT_ZERO + (d as u32 - '0' as u32)).unwrap_or(MARK_END)),
        );
        text.push(MARK_END);
        self.replace(at..at, &text);
    }

    /// Marks the start of a stretch of the author's text and each line
    /// start in it. Whitespace that a `-` of the tag before (`lead`) or after
    /// (`trail`) trims away gets no marker: a marker would stop the trimming.
    fn literal(&mut self, segment: Range<usize>, lead: bool, trail: bool) {
        let text = &self.body[segment.clone()];
        let first = if lead { segment.start + (text.len() - text.trim_start().len()) } else { segment.start };
        let last = if trail { (segment.start + text.trim_end().len()).max(first) } else { segment.end };
        let line_starts = text.match_indices('\n').map(|(i, _)| segment.start + i + 1).filter(|&p| p > first);
        for p in std::iter::once(first).chain(line_starts) {
            if p <= last {
                self.mark(p, true);
            }
        }
    }
}

/// The end of a tag opened at `open` (the byte after its closing delimiter),
/// skipping string literals; `None` when it is never closed.
fn tag_end(body: &str, open: usize, close: &str) -> Option<usize> {
    if close == "#}" {
        return body[open + 2..].find(close).map(|i| open + 2 + i + close.len());
    }
    let mut quote: Option<char> = None;
    let inner = &body[open + 2..];
    for (i, c) in inner.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if inner[i..].starts_with(close) => return Some(open + 2 + i + close.len()),
            None => {}
        }
    }
    None
}

/// Whether an expression holds a filter (`|`) outside strings and brackets.
fn has_filter(expr: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let chars: Vec<char> = expr.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                '|' if depth == 0 && chars.get(i + 1) != Some(&'|') && (i == 0 || chars[i - 1] != '|') => return true,
                _ => {}
            },
        }
    }
    false
}

/// Whether the line holding `at` is a Markdown heading (`## Rubrik`).
fn is_heading_line(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return false;
    }
    let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
    (1..=6).contains(&hashes) && trimmed[hashes..].chars().next().is_none_or(|c| c == ' ' || c == '\t')
}

fn line_around(body: &str, at: usize) -> Range<usize> {
    let start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = body[at..].find('\n').map_or(body.len(), |i| at + i);
    start..end
}

/// `{#id}` (or `{#id .class}`) at the end of a heading line: Markdown's
/// heading attributes, not a template comment.
fn is_heading_attribute(body: &str, at: usize) -> bool {
    let line = line_around(body, at);
    let rest = body[at..line.end].trim_end();
    is_heading_line(&body[line.start..at])
        && rest.ends_with('}')
        && !rest.ends_with("#}")
        && !rest[2..rest.len() - 1].contains(['{', '}'])
}

/// What makes a comment suspicious: it holds another `{#`, a blank line or a
/// heading, so it probably runs on past where the author meant it to end.
fn comment_problem(body: &str, open: usize, end: usize) -> Option<Problem> {
    let inner = &body[open + 2..end - 2];
    let line_of = |byte: usize| body[..byte].matches('\n').count() + 1;
    let close_line = line_of(end - 2);
    let lines: Vec<&str> = inner.split('\n').collect();
    let middle = if lines.len() > 2 { &lines[1..lines.len() - 1] } else { &[][..] };
    let what = if let Some(i) = inner.find("{#") {
        format!("another `{{#` (line {})", line_of(open + 2 + i))
    } else if middle.iter().any(|l| l.trim().is_empty()) {
        "a blank line".to_owned()
    } else if lines[1..].iter().any(|l| is_heading_line(l)) {
        "a heading".to_owned()
    } else {
        return None;
    };
    Some(Problem {
        at: open,
        message: format!("this template comment holds {what} before it ends on line {close_line}"),
        hint: "a comment `{# … #}` probably lacks its `#}` here; close it on the line it belongs to (for a heading id write `## Rubrik {#id}` at the end of the heading)".to_owned(),
    })
}

/// Reads the template syntax of a body and marks it (see the module's
/// description). `blanked` are bodies of `{{ … }}` expressions to leave out,
/// so that the expressions after one that failed are still tried.
pub fn prepare(body: &str, blanked: &[Range<usize>]) -> Result<Prepared, Vec<Problem>> {
    let mut problems = Vec::new();
    if let Some((at, c)) = body.char_indices().find(|(_, c)| RESERVED.contains(c)) {
        problems.push(Problem {
            at,
            message: format!("the character U+{:04X} cannot be used in a chapter", c as u32),
            hint: "it is reserved for internal use and shows nothing; delete it".to_owned(),
        });
    }
    let mut b = Builder {
        body,
        out: String::with_capacity(body.len() + body.len() / 8),
        edits: Vec::new(),
        anchors: Vec::new(),
        copied: 0,
    };
    let mut expressions = Vec::new();
    let mut i = 0;
    // The start of the author's text being read, and whether the tag before it trims it.
    let mut segment = 0;
    let mut lead = false;
    let mut raw = false;
    // A `{{` or `{%` never closed: left to Tera as it is, which reports it.
    let mut unclosed = None;
    while let Some(offset) = body[i..].find('{') {
        let open = i + offset;
        let rest = &body[open..];
        let close = match rest.as_bytes().get(1) {
            Some(b'{') if !raw => "}}",
            Some(b'%') => "%}",
            Some(b'#') if !raw => "#}",
            _ => {
                i = open + 1;
                continue;
            }
        };
        if close == "#}" && is_heading_attribute(body, open) {
            b.literal(segment..open, lead, false);
            b.replace(open..open + 2, "{{ \"{#\" }}");
            segment = open + 2;
            lead = false;
            i = open + 2;
            continue;
        }
        let Some(end) = tag_end(body, open, close) else {
            if close == "#}" {
                problems.push(Problem {
                    at: open,
                    message: "this template comment is never closed".to_owned(),
                    hint: "end the comment with `#}`; to show `{#` as text write `{{ \"{#\" }}`".to_owned(),
                });
            }
            unclosed = Some(open);
            break;
        };
        let inner = &body[open + 2..end - 2];
        if raw {
            let name = inner.trim_matches(|c: char| c == '-' || c.is_whitespace());
            if name != "endraw" {
                i = open + 2;
                continue;
            }
            raw = false;
        }
        let trims_before = inner.starts_with('-');
        let trims_after = inner.ends_with('-');
        b.literal(segment..open, lead, trims_before);
        match close {
            "#}" => {
                if let Some(problem) = comment_problem(body, open, end) {
                    problems.push(problem);
                }
            }
            "%}" => {
                problems.extend(super::bounds::tag_problem(inner, open, true));
                raw |= inner.trim_matches(|c: char| c == '-' || c.is_whitespace()) == "raw";
            }
            _ => {
                if blanked.contains(&(open..end)) {
                    b.replace(open..end, "");
                } else {
                    problems.extend(super::bounds::tag_problem(inner, open, false));
                    expressions.push(open..end);
                    if !trims_before {
                        b.mark(open, false);
                    }
                    // `figure("…")`: Tera's functions take named arguments only.
                    let name_arguments = |b: &mut Builder| {
                        for at in crate::figures::in_text::unnamed_arguments(inner) {
                            let at = open + 2 + at;
                            b.replace(at..at, &format!("{}=", crate::figures::in_text::ARGUMENT));
                        }
                    };
                    if !has_filter(inner) && !inner.trim_matches(|c: char| c == '-' || c.is_whitespace()).is_empty() {
                        let (start, stop) = (open + 2 + usize::from(trims_before), end - 2 - usize::from(trims_after));
                        b.replace(start..start, " (");
                        name_arguments(&mut b);
                        b.copy_to(stop);
                        let expression =
                            open + 2 + (inner.len() - inner.trim_start_matches(['-', ' ', '\t', '\n']).len());
                        b.replace_blamed(stop..stop, &format!(") | {FIGURE_FILTER} "), expression);
                    } else {
                        name_arguments(&mut b);
                    }
                }
            }
        }
        segment = end;
        lead = trims_after;
        i = end;
    }
    if problems.is_empty() {
        b.literal(segment..unclosed.unwrap_or(body.len()).max(segment), lead, false);
        b.copy_to(body.len());
        Ok(Prepared { text: b.out, edits: b.edits, anchors: b.anchors, expressions })
    } else {
        Err(problems)
    }
}

/// Takes the markers out of Tera's output: the text, and for each marker
/// the byte of the text where it stood with its anchor, in order.
pub fn strip(expanded: &str, anchors: &[Anchor]) -> (String, Vec<(usize, Anchor)>) {
    let mut text = String::with_capacity(expanded.len());
    let mut found = Vec::new();
    let mut chars = expanded.chars().peekable();
    while let Some(c) = chars.next() {
        if c != MARK_START {
            if !RESERVED.contains(&c) {
                text.push(c);
            }
            continue;
        }
        let mut number = 0usize;
        while let Some(&d) = chars.peek() {
            match (d as u32).checked_sub(DIGIT_ZERO).filter(|n| *n < 10) {
                Some(n) => number = number.saturating_mul(10).saturating_add(n as usize),
                None => break,
            }
            chars.next();
        }
        if chars.peek() == Some(&MARK_END) {
            chars.next();
            if let Some(anchor) = anchors.get(number) {
                found.push((text.len(), *anchor));
            }
        }
    }
    (text, found)
}

/// The anchor of the last marker written to a (partial) output, for a
/// chapter whose expansion stopped: the author's text it had reached.
pub fn last_anchor(partial: &[u8], anchors: &[Anchor]) -> Option<Anchor> {
    let start = MARK_START.to_string();
    let text = String::from_utf8_lossy(partial);
    let at = text.rfind(&start)?;
    strip(&text[at..], anchors).1.first().map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_survive_and_are_stripped_with_their_places() {
        let body = "# T\n\nEtt {{ x }} två.\nTre.\n";
        let p = prepare(body, &[]).unwrap();
        assert!(p.text.contains(&format!("( x ) | {FIGURE_FILTER}")), "{}", p.text);
        // Stripped before Tera runs: the expression is still there, marked as output.
        let (text, anchors) = strip(&p.text, &p.anchors);
        assert_eq!(text, format!("# T\n\nEtt {{{{ ( x ) | {FIGURE_FILTER} }}}} två.\nTre.\n"));
        let lines: Vec<usize> = anchors
            .iter()
            .filter(|(_, a)| a.literal)
            .map(|(_, a)| body[..a.source].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [1, 2, 3, 3, 4, 5]);
    }

    #[test]
    fn marked_bytes_map_back_to_the_body() {
        let body = "A\n{{ data.x }} b";
        let p = prepare(body, &[]).unwrap();
        let b = p.text.find(" b").unwrap();
        assert_eq!(p.source_byte(b), body.find(" b").unwrap());
        let x = p.text.find("data.x").unwrap();
        assert_eq!(p.source_byte(x), body.find("data.x").unwrap());
    }

    #[test]
    fn an_unclosed_comment_before_a_later_one_is_refused_at_its_line() {
        let body = "# T\n\n{# TODO\n\n## Del\n\nText {# ok #}\n";
        let problems = prepare(body, &[]).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].at, body.find("{# TODO").unwrap());
        assert!(problems[0].message.contains("another `{#` (line 7)"), "{}", problems[0].message);
        assert!(prepare("# T\n\n{# never closed\n", &[]).unwrap_err()[0].message.contains("never closed"));
        assert!(prepare("# T\n\n{# a\n\nb #}\n", &[]).unwrap_err()[0].message.contains("blank line"));
        assert!(prepare("# T\n\n{# a\n## Del\nb #}\n", &[]).unwrap_err()[0].message.contains("a heading"));
        assert!(prepare("# T\n\n{# one\nline two #}\n", &[]).is_ok());
    }

    #[test]
    fn heading_attributes_are_not_comments() {
        let p = prepare("# T\n\n## Rubrik {#resultat}\n\nText {# kommentar #}\n", &[]).unwrap();
        let (text, _) = strip(&p.text, &p.anchors);
        assert!(text.contains("Rubrik {{ \"{#\" }}resultat}"), "{text}");
    }

    #[test]
    fn filters_are_found_outside_strings_and_brackets() {
        assert!(has_filter(" x | belopp "));
        assert!(!has_filter(" table(id=\"a|b\") "));
        assert!(!has_filter(" a || b "));
        assert!(!has_filter(" f(x=y | g) "));
    }
}
