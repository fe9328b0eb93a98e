//! Phrases in another language: `[Business Region Borås]{lang=en}`.
//!
//! pulldown-cmark has no such syntax, so the brackets reach us as text. [`mark`] finds them
//! in the parsed events, checks the language code, and splits the text so each `[` that
//! opens a phrase and each `]{lang=…}` that closes one is a text event of its own; the
//! model then turns what lies between into one inline span. The brackets pair as brackets
//! do (`[a [b] c]{lang=en}` marks `a [b] c`), within one paragraph, cell, heading or
//! emphasis; the work is linear in the events, however many brackets are open.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Spanned;

/// A language as BCP 47 names it: a primary language subtag of two or three
/// letters (ISO 639) and an optional region of two letters (ISO 3166-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Lowercase: `en`, `fi`, `sme`.
    pub lang: String,
    /// Uppercase: `GB`.
    pub region: Option<String>,
}

impl Language {
    /// Reads `en`, `sme`, `en-GB` (any case); `None` for anything else.
    pub fn parse(code: &str) -> Option<Self> {
        let letters = |s: &str, n: Range<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic());
        let (lang, region) = match code.split_once('-') {
            Some((lang, region)) => (lang, Some(region)),
            None => (code, None),
        };
        if !letters(lang, 2..4) || region.is_some_and(|r| !letters(r, 2..3)) {
            return None;
        }
        Some(Self { lang: lang.to_ascii_lowercase(), region: region.map(str::to_ascii_uppercase) })
    }

    /// The BCP 47 tag, as HTML's `lang` attribute takes it: `en-GB`.
    pub fn tag(&self) -> String {
        match &self.region {
            Some(region) => format!("{}-{region}", self.lang),
            None => self.lang.clone(),
        }
    }
}

/// What a marker text event does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// The `[` before a phrase in `language`.
    Open(Language),
    /// The `[` before a goal status's symbol and word: `[✓ Uppfyllt]{status=uppfyllt}`,
    /// shown with the status's colour as a marker beside it.
    OpenStatus(crate::goals::Status),
    /// The `]{lang=…}` or `]{status=…}` after it.
    Close,
}

/// The markers among a chapter's text events, by the body byte where each starts.
#[derive(Debug, Default, Clone)]
pub struct Markers(HashMap<usize, Marker>);

impl Markers {
    /// The marker an event is, if it is one (only text events are).
    pub fn get(&self, (event, range): &Spanned<'_>) -> Option<&Marker> {
        match event {
            Event::Text(_) => self.0.get(&range.start),
            _ => None,
        }
    }
}

/// A language code is read up to its `}` on the same line, and never further than this.
const MAX_CODE: usize = 64;

/// A mistake in marking a phrase: where, what, and how to put it right.
pub struct Problem {
    pub at: Range<usize>,
    pub message: String,
    pub hint: &'static str,
}

/// One `[`…`]{lang=…}` found: the `[`, the `]{lang=…}` and what it opens.
struct Phrase {
    open: usize,
    close: Range<usize>,
    marker: Marker,
}

/// The attribute that closes a phrase.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Attribute {
    Lang,
    Status,
}

/// Finds the phrases marked with a language in `events` (parsed from `body`)
/// and returns the events with each marker split out as a text event of its own.
pub fn mark<'a>(body: &'a str, events: Vec<Spanned<'a>>) -> (Vec<Spanned<'a>>, Markers, Vec<Problem>) {
    let (phrases, problems) = find(body, &events);
    if phrases.is_empty() {
        return (events, Markers::default(), problems);
    }
    let mut markers = HashMap::new();
    let mut cuts: Vec<Range<usize>> = Vec::new();
    for phrase in phrases {
        markers.insert(phrase.open, phrase.marker);
        markers.insert(phrase.close.start, Marker::Close);
        cuts.push(phrase.open..phrase.open + 1);
        cuts.push(phrase.close);
    }
    cuts.sort_by_key(|c| c.start);
    (split(body, events, &cuts), Markers(markers), problems)
}

/// Inline elements: a phrase may hold them; any other element it may not span.
fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript | Tag::Link { .. }
    )
}

/// Whether the byte at `at` is escaped by an odd number of backslashes before it.
fn escaped(body: &str, at: usize) -> bool {
    body.as_bytes()[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// The language code after a `]` at `at`: `{lang=en}` → the range of `en` and the byte after `}`.
fn code_after(body: &str, at: usize) -> Option<(Range<usize>, usize)> {
    attribute_after(body, at).filter(|(a, ..)| *a == Attribute::Lang).map(|(_, code, end)| (code, end))
}

/// The attribute after a `]` at `at`: `{lang=en}` or `{status=uppfyllt}` → which, the
/// range of its value and the byte after `}`.
fn attribute_after(body: &str, at: usize) -> Option<(Attribute, Range<usize>, usize)> {
    let after = body.get(at + 1..)?;
    let (attribute, key) = [(Attribute::Lang, "{lang="), (Attribute::Status, "{status=")]
        .into_iter()
        .find(|(_, key)| after.starts_with(key))?;
    let rest = &after[key.len()..];
    let start = at + 1 + key.len();
    let end = rest.bytes().take(MAX_CODE).position(|b| b == b'}' || b == b'\n')?;
    (rest.as_bytes()[end] == b'}').then_some((attribute, start..start + end, start + end + 1))
}

/// The phrases in `events`, paired as brackets pair within one element.
fn find(body: &str, events: &[Spanned<'_>]) -> (Vec<Phrase>, Vec<Problem>) {
    let mut phrases = Vec::new();
    let mut problems = Vec::new();
    // Open elements (each an id), and the `[` still open in them, innermost last.
    let mut elements: Vec<usize> = vec![0];
    let mut next_element = 1;
    let mut open: Vec<(usize, usize)> = Vec::new();
    // Text in images (alt text) and code is not marked.
    let mut verbatim_depth = 0;
    // A heading's `{lang=…}` (pulldown-cmark reads it as a heading attribute): its code.
    let mut heading_code: Option<Range<usize>> = None;
    for (k, (event, range)) in events.iter().enumerate() {
        let element = *elements.last().unwrap_or(&0);
        match event {
            Event::Start(tag) => {
                if !is_inline(tag) {
                    // A phrase cannot span a block: the `[` before it stays text.
                    while open.last().is_some_and(|(e, _)| *e == element) {
                        open.pop();
                    }
                }
                if matches!(tag, Tag::Image { .. } | Tag::CodeBlock(_)) {
                    verbatim_depth += 1;
                }
                if let Tag::Heading { attrs, .. } = tag
                    && attrs.iter().any(|(key, _)| key.as_ref() == "lang")
                {
                    // `{lang=en}` alone, right after the phrase; `{#id lang=en}` is not read.
                    let line = &body[range.clone()];
                    let code = line.rfind("{lang=").and_then(|i| code_after(body, range.start + i - 1));
                    heading_code = code.as_ref().map(|(code, _)| code.clone());
                    if code.is_none() {
                        problems.push(Problem {
                            at: range.start..range.start,
                            message: "this heading's attributes hold a `lang=`, which marks nothing there".into(),
                            hint: "mark the phrase and give the id apart: `## Om [Science Center]{lang=en} {#om}`",
                        });
                    }
                }
                elements.push(next_element);
                next_element += 1;
            }
            Event::End(tag) => {
                while open.last().is_some_and(|(e, _)| *e == element) {
                    open.pop();
                }
                elements.pop();
                if matches!(tag, TagEnd::Image | TagEnd::CodeBlock) {
                    verbatim_depth -= 1;
                }
                if matches!(tag, TagEnd::Heading(_))
                    && let Some(code) = heading_code.take()
                {
                    problems.push(Problem {
                        at: code,
                        message: "`{lang=…}` at the end of a heading marks the phrase in brackets right before it, and there is none".into(),
                        hint: "write the phrase in brackets: `## Om [Science Center]{lang=en}`",
                    });
                }
            }
            Event::Text(text) if verbatim_depth == 0 && body.get(range.clone()) == Some(text.as_ref()) => {
                let last_in_heading = matches!(events.get(k + 1), Some((Event::End(TagEnd::Heading(_)), _)));
                for (i, b) in text.bytes().enumerate() {
                    let at = range.start + i;
                    if !matches!(b, b'[' | b']') || escaped(body, at) {
                        continue;
                    }
                    let innermost = open.last().filter(|(e, _)| *e == element).map(|(_, at)| *at);
                    if b == b'[' {
                        open.push((element, at));
                        continue;
                    }
                    // `## Om [Science Center]{lang=en}`: the heading's last `]` closes
                    // the phrase its attribute marks.
                    let ends_heading = last_in_heading && i + 1 == text.len();
                    let closes = match attribute_after(body, at) {
                        Some((attribute, code, end)) => {
                            heading_code.take_if(|_| ends_heading);
                            Some((attribute, code, at..end))
                        }
                        None if ends_heading => heading_code.take().map(|code| (Attribute::Lang, code, at..at + 1)),
                        None => None,
                    };
                    if innermost.is_some() {
                        open.pop();
                    }
                    let Some((attribute, code, close)) = closes else { continue };
                    let Some(open) = innermost else {
                        problems.push(Problem {
                            at: at..at,
                            message: "this `]{lang=…}` closes no `[` before it in the same paragraph, cell or heading"
                                .into(),
                            hint: "put the whole phrase in the brackets, `[Business Region Borås]{lang=en}`, with no blank line or unclosed emphasis inside; to show the brackets as written, write `\\]`",
                        });
                        continue;
                    };
                    if attribute == Attribute::Status {
                        match crate::goals::Status::NAMES.iter().find(|(name, _)| *name == &body[code.clone()]) {
                            Some((_, status)) => phrases.push(Phrase { open, close, marker: Marker::OpenStatus(*status) }),
                            None => problems.push(Problem {
                                message: format!(
                                    "expected a goal status (uppfyllt, delvis_uppfyllt, ej_uppfyllt, ej_matbart or ej_rapporterat), found `{}`",
                                    &body[code.clone()]
                                ),
                                at: code,
                                hint: "mark a status as `[✓ Uppfyllt]{status=uppfyllt}`",
                            }),
                        }
                        continue;
                    }
                    match Language::parse(&body[code.clone()]) {
                        Some(language) => phrases.push(Phrase { open, close, marker: Marker::Open(language) }),
                        None => problems.push(Problem {
                            message: format!(
                                "expected a language code of two or three letters (ISO 639) and an optional region of two (`en`, `sme`, `en-GB`), found `{}`",
                                &body[code.clone()]
                            ),
                            at: code,
                            hint: "mark an English phrase as `[Business Region Borås]{lang=en}`",
                        }),
                    }
                }
            }
            _ => {}
        }
    }
    (phrases, problems)
}

/// `events` with the bytes of every cut taken out of the text events they fall in and
/// put back as text events of their own, one per cut. `cuts` are sorted and disjoint,
/// and lie in text events that are verbatim slices of `body`.
fn split<'a>(body: &'a str, events: Vec<Spanned<'a>>, cuts: &[Range<usize>]) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len() + 2 * cuts.len());
    for (event, range) in events {
        let Event::Text(_) = event else {
            out.push((event, range));
            continue;
        };
        let first = cuts.partition_point(|c| c.end <= range.start);
        let inside = cuts[first..].iter().take_while(|c| c.start < range.end);
        let mut at = range.start;
        let mut touched = false;
        for cut in inside {
            touched = true;
            if cut.start > at {
                out.push((Event::Text(CowStr::Borrowed(&body[at..cut.start])), at..cut.start));
            }
            if cut.start >= range.start {
                out.push((Event::Text(CowStr::Borrowed(&body[cut.clone()])), cut.clone()));
            }
            at = cut.end.min(range.end).max(at);
        }
        if !touched {
            out.push((event, range));
        } else if at < range.end {
            out.push((Event::Text(CowStr::Borrowed(&body[at..range.end])), at..range.end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn marked(body: &str) -> (Vec<String>, Vec<Marker>, Vec<String>) {
        let events: Vec<_> = Parser::new_ext(body, super::super::options()).into_offset_iter().collect();
        let (events, markers, problems) = mark(body, events);
        let texts = events
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect();
        let found = events.iter().filter_map(|e| markers.get(e).cloned()).collect();
        (texts, found, problems.into_iter().map(|p| format!("{}: {}", p.at.start, p.message)).collect())
    }

    #[test]
    fn language_codes_are_two_or_three_letters_and_an_optional_region() {
        assert_eq!(Language::parse("en").unwrap().tag(), "en");
        assert_eq!(Language::parse("EN-gb").unwrap().tag(), "en-GB");
        assert_eq!(Language::parse("sme").unwrap().tag(), "sme");
        for bad in ["", "e", "engl", "english", "en-", "en-GBR", "en-419", "e1", "en_GB", "sv-FI-x", " en"] {
            assert_eq!(Language::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_marked_phrase_becomes_markers_around_its_text() {
        let en = Marker::Open(Language::parse("en").unwrap());
        let (texts, markers, problems) = marked("Foo [Business Region Borås]{lang=en} bar.");
        assert_eq!(texts, ["Foo ", "[", "Business Region Borås", "]{lang=en}", " bar."]);
        assert_eq!(markers, [en.clone(), Marker::Close]);
        assert!(problems.is_empty());
        // Brackets pair as brackets do; emphasis may lie inside.
        let (texts, markers, _) = marked("a [b [c] *d*]{lang=en} e");
        assert_eq!(texts, ["a ", "[", "b ", "[", "c", "]", " ", "d", "]{lang=en}", " e"]);
        assert_eq!(markers, [en.clone(), Marker::Close]);
        // At the end of a heading, pulldown-cmark reads `{lang=en}` as an attribute.
        for heading in [
            "## Om [Science Center]{lang=en}\n",
            "## Om [Science Center] {lang=en}\n",
            "## Om [Science Center]{lang=en} {#om}\n",
            "# T\n\nA.\n\n## Om [Science Center]{lang=en-GB}\n\nB.\n",
        ] {
            let (texts, markers, problems) = marked(heading);
            let at = texts.iter().position(|t| t == "Om ").unwrap();
            assert_eq!(texts[at..at + 3], ["Om ", "[", "Science Center"]);
            assert!(texts[at + 3].starts_with(']'));
            assert_eq!(markers.len(), 2);
            assert!(problems.is_empty(), "{problems:?}");
        }
    }

    #[test]
    fn escaped_brackets_code_and_alt_text_are_left_as_they_are() {
        for body in ["x \\[a\\]{lang=en} y", "`[a]{lang=en}`", "![[a]{lang=en}](b.png)", "[a\n\nb]{lang=en}"] {
            let (_, markers, _) = marked(body);
            assert!(markers.is_empty(), "{body}");
        }
        assert!(marked("[a\n\nb]{lang=en}").2[0].contains("closes no `[`"));
        assert!(marked("[a](x.md){lang=en}").2.is_empty(), "a link's attributes are text");
    }

    #[test]
    fn a_bad_code_or_a_close_without_open_is_named_at_its_byte() {
        assert_eq!(
            marked("A [b]{lang=english}.").2,
            [
                "11: expected a language code of two or three letters (ISO 639) and an optional region of two (`en`, `sme`, `en-GB`), found `english`"
            ]
        );
        assert!(marked("A b]{lang=en}.").2[0].starts_with("3: this `]{lang=…}` closes no `[`"));
        assert!(marked("## Om Science Center {lang=en}\n").2[0].contains("there is none"));
    }

    #[test]
    fn thousands_of_open_brackets_take_linear_work() {
        let body = format!("{}x]{{lang=en}}", "[".repeat(100_000));
        let (_, markers, problems) = marked(&body);
        assert_eq!(markers.len(), 2);
        assert!(problems.is_empty());
    }
}
