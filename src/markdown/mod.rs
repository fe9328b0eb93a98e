//! Markdown chapters: one pulldown-cmark parse, one model, two emitters.
//!
//! [`parse`] reads a chapter body once, checks what both outputs need (one
//! level-1 title, no skipped heading levels, alt text on images, no raw HTML)
//! and returns a [`Doc`]; [`build::chapter`] turns it and the figures views
//! into the chapter's [`model`]; [`typst::render`] and [`html::render`] write
//! that model in their own syntax.

pub mod build;
pub mod emit;
pub mod html;
pub mod keep;
pub mod language;
pub mod model;
pub mod typst;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::view::{RowView, TableView};
use crate::format::{format_amount, parse_amount};
use crate::project::slugify;

/// The fenced-block language that places a figures table: the block's text is the table id.
/// Chapters write `{{ table(id="rr") }}`, which expands to such a block.
pub const TABLE_BLOCK: &str = "arsrapport-table";

/// Figures tables that chapters may place, and where each one is placed.
pub struct TableBlocks<'a> {
    pub views: &'a BTreeMap<String, TableView>,
    /// Table id → slug of the chapter that shows it.
    pub placements: &'a HashMap<String, String>,
    /// Labels: the "Not" column header and the words before a note's link
    /// back to its line.
    pub note: &'a str,
    pub refers_to: &'a str,
    /// The label column's heading in the corner cell, unless the table names its own.
    pub row_label: &'a str,
    /// The charts placed in the document, numbered, by id.
    pub charts: &'a HashMap<String, crate::charts::place::PlacedChart>,
    /// The key-figure spreads, by id.
    pub key_figures: &'a HashMap<String, model::KeyFigures>,
    /// The theme's colour of each goal status.
    pub status_colours: &'a crate::theme::StatusColours,
}

/// A link both renderers write in their own syntax.
pub struct BlockLink<'a> {
    pub slug: &'a str,
    pub anchor: String,
    pub text: String,
}

impl TableBlocks<'_> {
    /// The chapter slug and anchor of a placed note, for links to it.
    pub fn note_target(&self, note_id: &str) -> Option<(&str, String)> {
        self.placements.get(note_id).map(|slug| (slug.as_str(), format!("not-{note_id}")))
    }

    /// The note number of a statement line, and where the note is placed (if it is).
    pub fn note_link(&self, row: &RowView) -> Option<(usize, Option<(&str, String)>)> {
        row.note.as_ref().map(|link| (link.number, self.note_target(&link.note_id)))
    }

    /// For a note: links back to the placed statement lines that refer to it.
    pub fn back_links(&self, view: &TableView) -> Vec<BlockLink<'_>> {
        if view.note_number.is_none() {
            return Vec::new();
        }
        view.referenced_by
            .iter()
            .filter_map(|r| {
                Some(BlockLink {
                    slug: self.placements.get(&r.table_id)?,
                    anchor: r.anchor.clone(),
                    text: format!("{} ({})", r.label, r.table_title),
                })
            })
            .collect()
    }
}

/// The ids of the figures tables placed in an expanded chapter body, in
/// order, each with the byte where its block starts.
pub fn placed_tables(body: &str) -> Vec<(String, usize)> {
    let fence = format!("```{TABLE_BLOCK}\n");
    body.match_indices(&fence)
        .filter_map(|(i, _)| body[i + fence.len()..].lines().next().map(|id| (id.trim().to_owned(), i)))
        .collect()
}

pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// A parsed chapter body, ready for either renderer.
#[derive(Debug)]
pub struct Doc<'a> {
    /// The body's events without the footnote definitions.
    pub events: Vec<Spanned<'a>>,
    /// Footnote definitions by label, as their inner events.
    pub footnotes: HashMap<String, Vec<Spanned<'a>>>,
    /// The level-1 heading's text: the chapter title.
    pub title: String,
    /// Every heading in order of appearance, the title first.
    pub headings: Vec<Heading>,
    /// Images referenced, as project-relative paths, in order of appearance.
    pub images: Vec<String>,
    /// Where each image is in the body, in the same order.
    pub image_starts: Vec<usize>,
    /// The caption of each table, in order of appearance: a paragraph
    /// `Tabell: …` right before a table becomes its caption.
    pub table_captions: Vec<Option<String>>,
    /// The text events that open and close a phrase in another language.
    pub languages: language::Markers,
}

/// Words that start a caption paragraph before a table.
const CAPTION_PREFIXES: [&str; 2] = ["Tabell: ", "Table: "];

/// Takes caption paragraphs (`Tabell: …` right before a table) out of the
/// events and returns the caption of each table in order.
/// A caption is plain text: the brackets of a phrase marked with a language
/// are left out of it, and the phrase is read in the document's language.
fn extract_captions(events: &mut Vec<Spanned<'_>>, languages: &language::Markers) -> Vec<Option<String>> {
    let mut captions = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i].0, Event::Start(Tag::Table(_))) {
            captions.push(None);
        }
        if matches!(events[i].0, Event::Start(Tag::Paragraph)) {
            let end = (i..events.len()).find(|&j| matches!(events[j].0, Event::End(TagEnd::Paragraph)));
            if let Some(end) = end {
                let plain = events[i + 1..end].iter().all(|(e, _)| matches!(e, Event::Text(_) | Event::SoftBreak));
                let text: String = events[i + 1..end]
                    .iter()
                    .map(|spanned| match &spanned.0 {
                        _ if languages.get(spanned).is_some() => "",
                        Event::Text(t) => t.as_ref(),
                        _ => " ",
                    })
                    .collect();
                let before_table = matches!(events.get(end + 1).map(|e| &e.0), Some(Event::Start(Tag::Table(_))));
                if let (true, true, Some(caption)) =
                    (plain, before_table, CAPTION_PREFIXES.iter().find_map(|p| text.strip_prefix(p)))
                {
                    let caption = caption.trim().to_owned();
                    events.drain(i..=end);
                    captions.push(Some(caption));
                    i += 1; // now at the table's start, already counted
                    continue;
                }
            }
        }
        i += 1;
    }
    captions
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// Unique within the chapter; used as HTML id and typst label suffix.
    pub id: String,
}

/// What a renderer needs to know about the chapter it is rendering.
pub struct ChapterContext<'a> {
    /// Project-relative path of the chapter file, e.g. `content/chapters/02-a.md`.
    pub file: &'a str,
    pub slug: &'a str,
    /// The expanded body the events were parsed from, and its line index.
    pub body: &'a str,
    pub lines: &'a LineIndex,
    pub line_offset: usize,
    /// The figures tables this chapter may place.
    pub tables: Option<&'a TableBlocks<'a>>,
}

/// Maps byte offsets in a chapter's expanded body to line and column in the
/// chapter file. Text that figures, tables and goals were expanded into is
/// mapped to the expression that wrote it; everything else to the author's own
/// line, however many lines were inserted before it.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// The body as the author wrote it, and where its lines start.
    source: String,
    starts: Vec<usize>,
    offset: usize,
    /// Bytes of the expanded body with the place in `source` the text from
    /// there on comes from; empty when the body was not expanded.
    anchors: Vec<(usize, crate::templates::source::Anchor)>,
}

impl LineIndex {
    /// The index of a body that is shown as it was written.
    pub fn new(body: &str, line_offset: usize) -> Self {
        Self::expanded(body, line_offset, Vec::new())
    }

    /// The index of an expanded body, from the anchors its expansion left.
    pub fn expanded(source: &str, line_offset: usize, anchors: Vec<(usize, crate::templates::source::Anchor)>) -> Self {
        let starts = std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { source: source.to_owned(), starts, offset: line_offset, anchors }
    }

    /// The body byte behind a byte of the expanded body.
    pub fn source_byte(&self, byte: usize) -> usize {
        let i = self.anchors.partition_point(|(at, _)| *at <= byte);
        let source = match i.checked_sub(1).map(|i| self.anchors[i]) {
            None if self.anchors.is_empty() => byte,
            None => 0,
            Some((at, anchor)) if anchor.literal => anchor.source + (byte - at),
            Some((_, anchor)) => anchor.source,
        };
        let mut source = source.min(self.source.len());
        while !self.source.is_char_boundary(source) {
            source -= 1;
        }
        source
    }

    /// 1-based line and column in the chapter file of a byte of the (expanded) body.
    pub fn position(&self, byte: usize) -> (usize, usize) {
        let byte = self.source_byte(byte);
        let line = self.starts.partition_point(|&s| s <= byte).max(1);
        let start = self.starts[line - 1];
        let column = self.source.get(start..byte).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (line + self.offset, column)
    }

    /// The chapter file's text from the body on, at its own line numbers,
    /// for showing the line a message points at.
    pub fn display_source(&self) -> String {
        format!("{}{}", "\n".repeat(self.offset), self.source)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Parses and checks a chapter body that is shown as it was written, starting
/// `line_offset` lines into its file.
pub fn parse<'a>(body: &'a str, file: &str, chapter_dir: &str, line_offset: usize) -> Result<Doc<'a>, Diagnostics> {
    parse_expanded(body, file, chapter_dir, &LineIndex::new(body, line_offset))
}

/// Like [`parse`] for an expanded body: `lines` maps it back to the chapter file.
pub fn parse_expanded<'a>(
    body: &'a str,
    file: &str,
    chapter_dir: &str,
    lines: &LineIndex,
) -> Result<Doc<'a>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let display = lines.display_source();
    let error_at = |range: &Range<usize>, message: String, hint: &str| {
        let (line, column) = lines.position(range.start);
        Diagnostic::error(Some(Location::new(file, line, column)), message).with_hint(hint).with_source(&display)
    };

    let mut events = Vec::new();
    let mut footnotes: HashMap<String, Vec<Spanned<'a>>> = HashMap::new();
    let mut in_footnote: Option<(String, Vec<Spanned<'a>>)> = None;
    let mut headings: Vec<Heading> = Vec::new();
    let mut images = Vec::new();
    let mut image_starts = Vec::new();
    let mut table_columns = 0;
    let mut footnote_references: Vec<String> = Vec::new();
    let mut footnote_definitions: Vec<(String, Range<usize>)> = Vec::new();
    let mut text_run: Vec<(CowStr<'a>, Range<usize>)> = Vec::new();
    let mut in_code_block = false;
    let mut heading_text: Option<(u8, String, Range<usize>)> = None;
    let mut image_alt: Option<(String, Range<usize>)> = None;
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut explicit_id: Option<String> = None;

    let (parsed, languages, problems) =
        language::mark(body, Parser::new_ext(body, options()).into_offset_iter().collect());
    for problem in problems {
        diagnostics.push(error_at(&problem.at, problem.message, problem.hint));
    }
    for spanned in parsed {
        let is_marker = languages.get(&spanned).is_some();
        let (event, range) = spanned;
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            _ => {}
        }
        match &event {
            // Text in a code block is shown as it stands anyway.
            Event::Text(_) if in_code_block => {}
            Event::Text(text) => text_run.push((text.clone(), range.clone())),
            _ => {
                for (at, label) in undefined_footnotes(body, &text_run) {
                    diagnostics.push(error_at(
                        &(at..at),
                        format!("the footnote `[^{label}]` is not defined, so it would be printed as it stands"),
                        &format!("add the footnote's text on a line of its own: `[^{label}]: Källa: …`; to show the brackets, write `\\[^{label}]`"),
                    ));
                }
                text_run.clear();
            }
        }
        match &event {
            Event::FootnoteReference(label) => footnote_references.push(label.to_string()),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                footnote_definitions.push((label.to_string(), range.clone()))
            }
            Event::Start(Tag::Table(aligns)) => table_columns = aligns.len(),
            Event::Start(Tag::TableRow) => {
                let cells = source_cells(&body[range.clone()]);
                if cells > table_columns {
                    diagnostics.push(error_at(
                        &range,
                        format!("this table row has {cells} cells, but the table's header has {table_columns}: the last would be lost"),
                        "give the header a column for every cell, or write a `|` inside a cell as `\\|`",
                    ));
                }
            }
            _ => {}
        }
        match &event {
            // A footnote that refers to itself (or to one that refers back) would never end.
            Event::FootnoteReference(_) if in_footnote.is_some() => diagnostics.push(error_at(
                &range,
                "a footnote cannot refer to a footnote".into(),
                "put the reference in the text the footnote belongs to",
            )),
            Event::Html(_) | Event::InlineHtml(_) => diagnostics.push(error_at(
                &range,
                "raw HTML is not allowed in a chapter".into(),
                "write it in Markdown; HTML would not reach the PDF and could be unsafe on the website",
            )),
            Event::Start(Tag::Heading { level, id, .. }) => {
                explicit_id = id.as_ref().map(|i| i.to_string());
                if let Some(id) =
                    explicit_id.take_if(|id| !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c)))
                {
                    diagnostics.push(error_at(
                        &range,
                        format!("the heading id `{id}` may hold only ASCII letters, digits, `-`, `_`, `.` and `:`"),
                        "write the id like `{#resultat-2013}`",
                    ));
                }
                heading_text = Some((level_number(*level), String::new(), range.clone()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, start)) = heading_text.take() {
                    let previous = headings.last().map(|h| h.level);
                    let problem = match previous {
                        None if level != 1 => {
                            Some("a chapter must start with its title as a level-1 heading (`# Title`)".to_owned())
                        }
                        Some(_) if level == 1 => Some(
                            "only the chapter title may be a level-1 heading (`#`); use `##` for sections".to_owned(),
                        ),
                        Some(prev) if level > prev + 1 => Some(format!(
                            "this heading skips a level: a level-{level} heading (`{}`) cannot follow a level-{prev} heading",
                            "#".repeat(level as usize)
                        )),
                        _ => None,
                    };
                    let length = pdf_length(&text);
                    if length > PDF_STRING_MAX {
                        diagnostics.push(error_at(
                            &start,
                            format!("this heading is {length} characters long; the PDF holds at most {PDF_STRING_MAX} in one heading"),
                            "a heading is a short title for the text below it; move the rest into a paragraph",
                        ));
                    }
                    if let Some(message) = problem {
                        diagnostics.push(error_at(
                            &start,
                            message,
                            "heading levels must go down one step at a time so screen readers and the PDF outline make sense",
                        ));
                    }
                    let base = match explicit_id.take().unwrap_or_else(|| slugify(&text)) {
                        s if s.is_empty() => "avsnitt".to_owned(),
                        s => s,
                    };
                    let count = used_ids.entry(base.clone()).or_insert(0);
                    *count += 1;
                    let id = if *count == 1 { base } else { format!("{base}-{count}") };
                    headings.push(Heading { level, text: text.trim().to_owned(), id });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(scheme) = unsafe_scheme(dest_url) {
                    diagnostics.push(error_at(
                        &range,
                        format!("links with `{scheme}:` are not allowed: `{dest_url}`"),
                        "link to web pages (`https://…`), e-mail (`mailto:…`), phone numbers (`tel:…`) or chapters (`03-noter.md`)",
                    ));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                match resolve_image(chapter_dir, dest_url) {
                    Ok(path) => {
                        images.push(path);
                        image_starts.push(range.start);
                    }
                    Err(message) => diagnostics.push(error_at(
                        &range,
                        message,
                        "images must be files inside the project, e.g. `![Karta](../images/karta.png)`",
                    )),
                }
                image_alt = Some((String::new(), range.clone()));
            }
            Event::End(TagEnd::Image) => {
                if let Some((alt, start)) = &image_alt
                    && pdf_length(alt) > PDF_STRING_MAX
                {
                    diagnostics.push(error_at(
                        start,
                        format!(
                            "this image's alt text is {} characters long; the PDF holds at most {PDF_STRING_MAX}",
                            pdf_length(alt)
                        ),
                        "describe the image in a sentence or two; put a long description in the text beside it",
                    ));
                }
                if let Some((alt, start)) = image_alt.take()
                    && alt.trim().is_empty()
                {
                    diagnostics.push(error_at(
                        &start,
                        "this image has no alt text".into(),
                        "describe the image between the brackets: `![Karta över Sjuhärad](karta.png)`",
                    ));
                }
            }
            // The brackets around a phrase in another language are not its text.
            Event::Text(_) if is_marker => {}
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, t, _)) = &mut heading_text {
                    t.push_str(text);
                }
                if let Some((alt, _)) = &mut image_alt {
                    alt.push_str(text);
                }
            }
            _ => {}
        }

        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => in_footnote = Some((label.to_string(), Vec::new())),
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, inner)) = in_footnote.take() {
                    footnotes.insert(label, inner);
                }
            }
            event => match &mut in_footnote {
                Some((_, inner)) => inner.push((event, range)),
                None => events.push((event, range)),
            },
        }
    }
    for (label, range) in &footnote_definitions {
        if !footnote_references.contains(label) {
            diagnostics.push(error_at(
                range,
                format!("the footnote `[^{label}]` is never referred to, so its text would be left out"),
                &format!("put `[^{label}]` in the text where the footnote belongs, or delete the footnote"),
            ));
        }
    }
    if headings.is_empty() {
        diagnostics.push(
            Diagnostic::error(Some(Location::new(file, lines.position(0).0, 1)), "this chapter has no title")
                .with_hint("start the chapter with a level-1 heading: `# Förvaltningsberättelse`"),
        );
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let title = headings[0].text.clone();
    let table_captions = extract_captions(&mut events, &languages);
    Ok(Doc { events, footnotes, title, headings, images, image_starts, table_captions, languages })
}

/// The most characters a heading or an alt text may have: PDF/A limits every
/// string of the file (bookmarks, alt texts) to 32 767 bytes, and typst
/// writes text as UTF-16 (two bytes a character, after a two-byte mark).
const PDF_STRING_MAX: usize = 16_382;

/// The length of a text as the PDF counts it: UTF-16 code units.
fn pdf_length(text: &str) -> usize {
    text.trim().encode_utf16().count()
}

/// The cells of a table row as written: `|` that are not escaped as `\|`,
/// with an outer `|` at either end being optional.
fn source_cells(row: &str) -> usize {
    let row = row.trim();
    let mut pipes = Vec::new();
    let mut escaped = false;
    for (i, c) in row.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => pipes.push(i),
            _ => {}
        }
    }
    let leading = usize::from(pipes.first() == Some(&0));
    let trailing = usize::from(pipes.last().is_some_and(|&i| i + 1 == row.len()) && row.len() > 1);
    pipes.len() + 1 - leading - trailing
}

/// `[^label]` left as text in a run of text events: a reference to a
/// footnote that is not defined. Returns each one's body byte and label;
/// brackets the author escaped (`\[^a]`) are meant as text.
fn undefined_footnotes(body: &str, run: &[(CowStr<'_>, Range<usize>)]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let text: String = run.iter().map(|(t, _)| t.as_ref()).collect();
    let mut offset = 0;
    let mut starts = Vec::new();
    for (t, range) in run {
        starts.push((offset, range.clone(), body.get(range.clone()) == Some(t.as_ref())));
        offset += t.len();
    }
    for (i, _) in text.match_indices("[^") {
        let Some(len) = text[i + 2..].find(']') else { continue };
        let label = &text[i + 2..i + 2 + len];
        if label.is_empty() || label.contains(char::is_whitespace) || text[i + 2 + len + 1..].starts_with(':') {
            continue;
        }
        let Some((start, range, verbatim)) = starts.iter().rev().find(|(s, _, _)| *s <= i) else { continue };
        let at = range.start + (i - start);
        if !verbatim || body[..at].ends_with('\\') {
            continue;
        }
        found.push((at, label.to_owned()));
    }
    found
}

/// The scheme of a link a reader's browser would run or that leaves the
/// report in a way nobody meant (`javascript:`, `data:`, `file:` …), read as a
/// browser reads it: tabs and line breaks dropped, leading blanks ignored,
/// any case. `None` for web, e-mail and phone links and for relative links.
pub fn unsafe_scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c <= ' ');
    let end = cleaned.find([':', '/', '?', '#'])?;
    if !cleaned[end..].starts_with(':') {
        return None;
    }
    let scheme = cleaned[..end].to_ascii_lowercase();
    // Not a scheme at all: a browser reads the link as a relative path.
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    (valid && !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")).then_some(scheme)
}

/// Resolves an image reference relative to the chapter's folder to a
/// project-relative path, refusing anything that leaves the project.
fn resolve_image(chapter_dir: &str, dest: &str) -> Result<String, String> {
    if dest.contains("://") || dest.starts_with("//") {
        return Err(format!("the image `{dest}` is on the web; the report is built offline"));
    }
    if dest.starts_with('/') || dest.starts_with('\\') || dest.contains(':') {
        return Err(format!("the image path `{dest}` is absolute"));
    }
    let mut parts: Vec<&str> = chapter_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in dest.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("the image `{dest}` lies outside the project"));
                }
            }
            p => parts.push(p),
        }
    }
    Ok(parts.join("/"))
}

/// The text of a table cell as shown: amounts in right-aligned body cells are
/// reformatted the Swedish way (`-50 970` → `−50 970`), anything else is kept.
pub fn cell_text(text: &str, numeric_column: bool) -> String {
    if numeric_column && let Ok(value) = parse_amount(text) {
        return format_amount(value, None);
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(body: &str) -> String {
        match parse(body, "content/chapters/01-a.md", "content/chapters", 0) {
            Ok(_) => String::new(),
            Err(d) => d.to_string(),
        }
    }

    #[test]
    fn checks_headings_images_and_html() {
        assert_eq!(errors("# T\n\n## A\n\n### B\n"), "");
        assert!(errors("## A\n").contains("must start with its title"));
        assert!(errors("# T\n\n### B\n").contains("content/chapters/01-a.md:3:1"));
        assert!(errors("# T\n\n# U\n").contains("only the chapter title"));
        assert!(errors("# T\n\n![](../images/a.png)\n").contains("no alt text"));
        assert!(errors("# T\n\n<script>x</script>\n").contains("raw HTML"));
        assert!(errors("# T\n\n![a](../../../etc/passwd)\n").contains("outside the project"));
        assert!(errors("# T\n\n![a](/etc/passwd)\n").contains("absolute"));
    }

    #[test]
    fn rows_footnotes_and_long_texts_are_checked() {
        assert!(errors("# T\n\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n").contains("01-a.md:5:1"));
        assert_eq!(errors("# T\n\n| a | b |\n|---|---|\n| 1 \\| 2 | 3 |\n| 4 |\n"), "");
        assert!(errors("# T\n\nText[^x].\n").contains("01-a.md:3:5"));
        assert_eq!(errors("# T\n\nText \\[^x] och `[^y]`.\n\n```\nkod[^z]\n```\n"), "");
        assert!(errors("# T\n\nText.\n\n[^x]: Fotnot.\n").contains("never referred to"));
        let alt = |n: usize| format!("# T\n\n![{}](../images/a.png)\n", "ä".repeat(n));
        assert!(errors(&alt(16_383)).contains("alt text is 16383 characters long"));
        assert!(!errors(&alt(16_382)).contains("alt text"));
    }

    #[test]
    fn a_caption_paragraph_before_a_table_becomes_its_caption() {
        let body =
            "# T\n\n| a |\n|---|\n| 1 |\n\nTabell: Mål 2013\n\n| b |\n|---|\n| 2 |\n\nTabell: inte före en tabell\n";
        let doc = parse(body, "f.md", "c", 0).unwrap();
        assert_eq!(doc.table_captions, [None, Some("Mål 2013".to_owned())]);
        let paragraphs = doc.events.iter().filter(|(e, _)| matches!(e, Event::Start(Tag::Paragraph))).count();
        assert_eq!(paragraphs, 1, "only the caption before a table is taken out");
    }

    #[test]
    fn heading_ids_are_unique_and_ascii() {
        let body = "# Året\n\n## Resultat\n\n## Resultat\n";
        let doc = parse(body, "f.md", "content/chapters", 0).unwrap();
        let ids: Vec<_> = doc.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["aret", "resultat", "resultat-2"]);
        assert_eq!(doc.title, "Året");
    }

    #[test]
    fn line_numbers_include_the_front_matter() {
        let body = "# T\n\n#### X\n";
        let err = parse(body, "f.md", "content/chapters", 4).unwrap_err();
        assert_eq!(err.iter().next().unwrap().location, Some(Location::new("f.md", 7, 1)));
    }

    #[test]
    fn resolves_images_inside_the_project() {
        assert_eq!(resolve_image("content/chapters", "../images/a.png").unwrap(), "content/images/a.png");
        assert!(resolve_image("content/chapters", "../../../x.png").is_err());
    }
}
