//! Builds a chapter's [`model`](super::model) once from its parsed Markdown
//! and the figures views: the only place that reads Markdown events after
//! parsing, and the only place that decides what a reader sees.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag};

use super::language::Marker;
use super::model::{
    Align, Block, BlockKind, Cell, Chapter, Column, DefinitionItem, Footnote, Heading, Image, Inline, LinkTarget, Row,
    Table, Width,
};
use super::{ChapterContext, Doc, Spanned, TABLE_BLOCK, cell_text};
use crate::figures::view::{RowKind, TableView};

/// Labels the model takes from the theme's language file.
pub struct Labels<'a> {
    /// The heading of the site's footnote list and its links back to the text.
    pub footnotes: &'a str,
    pub back_to_text: &'a str,
}

/// How the document numbers its sections (`section_numbers:` in report.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionNumbers {
    /// The chapter's number, the first part of its sections' numbers; none
    /// when chapters are not numbered.
    pub chapter: Option<usize>,
    /// How many heading levels below the title are numbered; 0 for none.
    pub depth: u8,
}

impl SectionNumbers {
    pub const OFF: Self = Self { chapter: None, depth: 0 };
}

/// Tables up to this many body rows are kept on one page, so that no table
/// leaves a lone row behind; longer ones break with their header repeated.
const UNBREAKABLE_ROWS: usize = 25;

/// Tables with this many figure columns or more are set as wide tables.
const WIDE_COLUMNS: usize = 5;

/// Text columns whose longest cell is at most this long take their natural width.
const SHORT_CELL: usize = 20;

/// The model of one chapter whose sections are not numbered.
pub fn chapter(doc: &Doc, ctx: &ChapterContext, labels: &Labels) -> Chapter {
    numbered_chapter(doc, ctx, labels, SectionNumbers::OFF)
}

/// The model of one chapter, its sections numbered as the document says.
pub fn numbered_chapter(doc: &Doc, ctx: &ChapterContext, labels: &Labels, numbers: SectionNumbers) -> Chapter {
    let mut b = Builder {
        doc,
        ctx,
        numbers,
        sections: Vec::new(),
        heading_index: 0,
        last_heading: doc.title.clone(),
        captions: 0,
        tables: 0,
        image_index: 0,
        footnote_labels: Vec::new(),
        footnotes: Vec::new(),
    };
    let mut i = 0;
    let blocks = b.blocks(&doc.events, &mut i);
    Chapter {
        slug: ctx.slug.to_owned(),
        blocks,
        footnotes: b.footnotes,
        footnotes_label: labels.footnotes.to_owned(),
        back_to_text_label: labels.back_to_text.to_owned(),
    }
}

struct Builder<'d, 'a> {
    doc: &'d Doc<'a>,
    ctx: &'d ChapterContext<'d>,
    numbers: SectionNumbers,
    /// The count of sections at each level below the title, down to the latest heading.
    sections: Vec<usize>,
    heading_index: usize,
    /// The text of the latest heading: the site's name of the tables under it.
    last_heading: String,
    /// How many Markdown tables have been read, to find each one's caption.
    captions: usize,
    /// How many tables of any kind have been read, for their labels.
    tables: usize,
    image_index: usize,
    /// Footnote labels in order of first reference; the position is the number.
    footnote_labels: Vec<String>,
    footnotes: Vec<Footnote>,
}

/// Starts a block (as opposed to inline text).
fn is_block(event: &Event) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::Rule => true,
        _ => false,
    }
}

impl Builder<'_, '_> {
    fn line(&self, events: &[Spanned], i: usize) -> usize {
        match events.get(i) {
            Some((_, range)) => self.ctx.lines.position(range.start).0,
            None => self.ctx.line_offset + 1,
        }
    }

    /// Blocks from `events[*i]` up to the end of the enclosing element (whose
    /// end event is consumed) or of the events.
    fn blocks(&mut self, events: &[Spanned], i: &mut usize) -> Vec<Block> {
        let mut blocks = Vec::new();
        while let Some((event, _)) = events.get(*i) {
            let line = self.line(events, *i);
            if matches!(event, Event::End(_)) {
                *i += 1;
                break;
            }
            if !is_block(event) {
                let inlines = self.plain(events, i);
                blocks.push(Block { kind: BlockKind::Plain(inlines), line });
                continue;
            }
            *i += 1;
            let kinds = match event {
                Event::Rule => vec![BlockKind::Rule],
                Event::Start(tag) => self.block(tag, events, i, line),
                _ => Vec::new(),
            };
            blocks.extend(kinds.into_iter().map(|kind| Block { kind, line }));
        }
        blocks
    }

    /// The theme's colour of a goal status.
    fn status_colour(&self, status: crate::goals::Status) -> String {
        match self.ctx.tables {
            Some(blocks) => blocks.status_colours.get(status).to_owned(),
            None => crate::theme::ThemeConfig::default().colours.status.get(status).to_owned(),
        }
    }

    /// Inline text up to the next block or the end of the enclosing element (not consumed).
    fn plain(&mut self, events: &[Spanned], i: &mut usize) -> Vec<Inline> {
        let mut inlines = Vec::new();
        while let Some(spanned @ (event, _)) = events.get(*i) {
            if is_block(event) || matches!(event, Event::End(_)) {
                break;
            }
            *i += 1;
            inlines.extend(self.inline(spanned, events, i));
        }
        inlines
    }

    /// Inline content up to its element's end event (consumed).
    fn inlines(&mut self, events: &[Spanned], i: &mut usize) -> Vec<Inline> {
        let mut inlines = Vec::new();
        while let Some(spanned @ (event, _)) = events.get(*i) {
            *i += 1;
            if matches!(event, Event::End(_)) {
                break;
            }
            inlines.extend(self.inline(spanned, events, i));
        }
        inlines
    }

    /// The content of a phrase in another language, up to its closing marker (consumed).
    /// The marker is in the same element as the opening one: the parser paired them so.
    fn phrase(&mut self, events: &[Spanned], i: &mut usize) -> Vec<Inline> {
        let mut inlines = Vec::new();
        while let Some(spanned) = events.get(*i) {
            *i += 1;
            if self.doc.languages.get(spanned) == Some(&Marker::Close) {
                break;
            }
            inlines.extend(self.inline(spanned, events, i));
        }
        inlines
    }

    /// Skips to the end of the element just started, returning its text.
    fn text_until_end(events: &[Spanned], i: &mut usize) -> String {
        let mut depth = 0;
        let mut text = String::new();
        while let Some((event, _)) = events.get(*i) {
            *i += 1;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => break,
                Event::End(_) => depth -= 1,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        text
    }

    fn block(&mut self, tag: &Tag, events: &[Spanned], i: &mut usize, line: usize) -> Vec<BlockKind> {
        vec![match tag {
            Tag::Paragraph => BlockKind::Paragraph(self.inlines(events, i)),
            Tag::Heading { level, .. } => {
                let heading = &self.doc.headings[self.heading_index.min(self.doc.headings.len() - 1)];
                let (id, title) = (heading.id.clone(), self.heading_index == 0);
                self.last_heading = heading.text.clone();
                self.heading_index += 1;
                let number = self.section_number(*level as u8);
                BlockKind::Heading(Heading { level: *level as u8, id, title, number, content: self.inlines(events, i) })
            }
            Tag::BlockQuote(_) => BlockKind::Quote(self.blocks(events, i)),
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if lang.as_ref() == TABLE_BLOCK => {
                let id = Self::text_until_end(events, i);
                return self.figures_table(id.trim(), line);
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if lang.as_ref() == crate::charts::place::CHART_BLOCK => {
                let id = Self::text_until_end(events, i);
                return self.chart(id.trim(), line);
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(lang))
                if lang.as_ref() == crate::figures::key_figures::KEY_FIGURES_BLOCK =>
            {
                let id = Self::text_until_end(events, i);
                let spread = self.ctx.tables.and_then(|b| b.key_figures.get(id.trim()));
                return spread.map(|s| BlockKind::KeyFigures(Box::new(s.clone()))).into_iter().collect();
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                BlockKind::Code { lang, text: Self::text_until_end(events, i) }
            }
            Tag::List(start) => {
                let mut items = Vec::new();
                while let Some((event, _)) = events.get(*i) {
                    *i += 1;
                    match event {
                        Event::Start(Tag::Item) => items.push(self.blocks(events, i)),
                        _ => break,
                    }
                }
                BlockKind::List { start: *start, items }
            }
            Tag::DefinitionList => {
                let mut items = Vec::new();
                while let Some((event, _)) = events.get(*i) {
                    *i += 1;
                    match event {
                        Event::Start(Tag::DefinitionListTitle) => {
                            items.push(DefinitionItem::Term(self.blocks(events, i)))
                        }
                        Event::Start(Tag::DefinitionListDefinition) => {
                            items.push(DefinitionItem::Details(self.blocks(events, i)))
                        }
                        _ => break,
                    }
                }
                BlockKind::Definitions(items)
            }
            Tag::Table(aligns) => BlockKind::Table(Box::new(self.markdown_table(aligns, events, i))),
            _ => {
                Self::text_until_end(events, i);
                return Vec::new();
            }
        }]
    }

    /// The inline event `spanned` and, for an element, its content up to its end.
    fn inline(&mut self, spanned: &Spanned, events: &[Spanned], i: &mut usize) -> Option<Inline> {
        Some(match &spanned.0 {
            Event::Text(_) if let Some(marker) = self.doc.languages.get(spanned) => match marker {
                Marker::Open(language) => {
                    Inline::Language { language: language.clone(), content: self.phrase(events, i) }
                }
                Marker::OpenStatus(status) => Inline::Status {
                    status: *status,
                    colour: self.status_colour(*status),
                    content: self.phrase(events, i),
                },
                Marker::Close => return None,
            },
            Event::Text(t) => Inline::Text(super::keep::keep_numbers_together(t)),
            Event::Code(t) => Inline::Code(t.to_string()),
            Event::SoftBreak => Inline::SoftBreak,
            Event::HardBreak => Inline::HardBreak,
            Event::FootnoteReference(label) => Inline::FootnoteRef(self.footnote(label)),
            Event::Start(Tag::Emphasis) => Inline::Emphasis(self.inlines(events, i)),
            Event::Start(Tag::Strong) => Inline::Strong(self.inlines(events, i)),
            Event::Start(Tag::Strikethrough) => Inline::Strikethrough(self.inlines(events, i)),
            Event::Start(Tag::Superscript) => Inline::Superscript(self.inlines(events, i)),
            Event::Start(Tag::Subscript) => Inline::Subscript(self.inlines(events, i)),
            Event::Start(Tag::Link { dest_url, title, .. }) => Inline::Link {
                target: link_target(dest_url),
                title: title.to_string(),
                content: self.inlines(events, i),
            },
            Event::Start(Tag::Image { .. }) => {
                let alt = Self::text_until_end(events, i).trim().to_owned();
                let path = self.doc.images.get(self.image_index).cloned().unwrap_or_default();
                self.image_index += 1;
                Inline::Image(Image { path, alt })
            }
            // Raw HTML and math are refused or disabled when parsing.
            _ => return None,
        })
    }

    /// The number of a heading at `level` (2 for `##`): its place among its
    /// siblings after its parents' numbers, `2.1.3`; none for the title and
    /// for levels deeper than the document numbers.
    fn section_number(&mut self, level: u8) -> Option<String> {
        let depth = usize::from(level).checked_sub(1).filter(|d| *d > 0)?;
        self.sections.resize(depth, 0);
        self.sections[depth - 1] += 1;
        if depth > usize::from(self.numbers.depth) {
            return None;
        }
        let parts = self.numbers.chapter.into_iter().chain(self.sections.iter().copied());
        Some(parts.map(|n| n.to_string()).collect::<Vec<_>>().join("."))
    }

    /// The number of a footnote; its text is read at its first reference.
    fn footnote(&mut self, label: &str) -> usize {
        if let Some(i) = self.footnote_labels.iter().position(|l| l == label) {
            return i + 1;
        }
        self.footnote_labels.push(label.to_owned());
        self.footnotes.push(Footnote { blocks: Vec::new() });
        let number = self.footnotes.len();
        let doc = self.doc;
        if let Some(inner) = doc.footnotes.get(label) {
            let blocks = self.blocks(inner, &mut 0);
            self.footnotes[number - 1].blocks = blocks;
        }
        number
    }

    fn next_table_label(&mut self) -> String {
        self.tables += 1;
        format!("arsrapport-table-{}-{}", self.ctx.slug, self.tables)
    }

    /// A Markdown table: amounts in right-aligned body cells are shown the
    /// Swedish way; text columns share the width by how much text they hold.
    fn markdown_table(&mut self, aligns: &[Alignment], events: &[Spanned], i: &mut usize) -> Table {
        let caption = self.doc.table_captions.get(self.captions).cloned().flatten();
        self.captions += 1;
        let figures: Vec<bool> = aligns.iter().map(|a| *a == Alignment::Right).collect();
        let mut header = Vec::new();
        let mut rows = Vec::new();
        // Characters of text per column, and the longest cell of each column.
        let mut lengths = vec![0; aligns.len()];
        let mut longest = vec![0; aligns.len()];
        while let Some((event, _)) = events.get(*i) {
            let line = self.line(events, *i);
            *i += 1;
            let head = match event {
                Event::Start(Tag::TableHead) => true,
                Event::Start(Tag::TableRow) => false,
                _ => break,
            };
            let mut cells = Vec::new();
            while let Some((Event::Start(Tag::TableCell), _)) = events.get(*i) {
                *i += 1;
                let column = cells.len();
                let mut content = self.inlines(events, i);
                let length = text_length(&content);
                if let (Some(total), Some(max)) = (lengths.get_mut(column), longest.get_mut(column)) {
                    *total += length;
                    *max = (*max).max(length);
                }
                let numeric = !head && figures.get(column) == Some(&true);
                if numeric && content.iter().all(|c| matches!(c, Inline::Text(_))) {
                    let raw: String =
                        content.iter().map(|c| if let Inline::Text(t) = c { t.as_str() } else { "" }).collect();
                    content = vec![Inline::Text(cell_text(&raw, true))];
                }
                cells.push(Cell { content, strong: false });
            }
            *i += 1; // the row's end
            match head {
                true => header.push(cells),
                false => rows.push(Row { kind: RowKind::Normal, anchor: None, cells, line }),
            }
        }
        let wide = figures.iter().filter(|f| **f).count() >= WIDE_COLUMNS;
        let per_row = rows.len() + 1;
        // Short text columns (a status) keep their natural width when a long one can take the rest.
        let has_long_text = figures.iter().zip(&longest).any(|(f, l)| !f && *l > SHORT_CELL);
        let columns = aligns
            .iter()
            .zip(lengths.iter().zip(&longest))
            .map(|(a, (length, longest))| {
                let figures = *a == Alignment::Right;
                let width = if figures || wide || (*longest <= SHORT_CELL && has_long_text) {
                    Width::Auto
                } else {
                    // The square root keeps one long column from squeezing the others.
                    let per_row = (*length / per_row).max(1) as f64;
                    Width::Fraction((per_row.sqrt().round() as usize).clamp(1, 8))
                };
                let align = match a {
                    Alignment::Right => Align::Right,
                    Alignment::Center => Align::Center,
                    _ => Align::Left,
                };
                Column { align, figures, width }
            })
            .collect();
        Table {
            label: self.next_table_label(),
            id: None,
            figures: false,
            caption,
            name: self.last_heading.clone(),
            columns,
            breakable: rows.len() > UNBREAKABLE_ROWS,
            header,
            rows,
            compact: false,
        }
    }

    /// A chart placed by `{{ chart(id=…) }}`, followed by its data table.
    fn chart(&mut self, id: &str, line: usize) -> Vec<BlockKind> {
        let Some(placed) = self.ctx.tables.and_then(|b| b.charts.get(id)) else { return Vec::new() };
        let text = |t: &str| if t.is_empty() { Vec::new() } else { vec![Inline::Text(t.to_owned())] };
        let data = &placed.data;
        let mut columns = vec![Column { align: Align::Left, figures: false, width: Width::Fraction(1) }];
        columns.extend(data.header.iter().skip(1).map(|_| Column {
            align: Align::Right,
            figures: true,
            width: Width::Auto,
        }));
        let header = data.header.iter().map(|h| Cell { content: text(h), strong: false }).collect();
        let rows = data
            .rows
            .iter()
            .map(|(label, cells)| {
                let mut row = vec![Cell { content: text(label), strong: false }];
                row.extend(cells.iter().map(|c| Cell { content: text(c), strong: false }));
                Row { kind: RowKind::Normal, anchor: None, cells: row, line }
            })
            .collect();
        let table = Table {
            label: self.next_table_label(),
            id: Some(format!("diagramdata-{}", placed.id)),
            figures: true,
            caption: Some(data.caption.clone()),
            name: data.caption.clone(),
            columns,
            header: vec![header],
            rows,
            breakable: true,
            compact: false,
        };
        vec![BlockKind::Chart(Box::new(placed.clone())), BlockKind::Table(Box::new(table))]
    }

    /// A figures table placed by `{{ table(id=…) }}`, and for a note, the
    /// links back to the statement lines that refer to it.
    fn figures_table(&mut self, id: &str, line: usize) -> Vec<BlockKind> {
        let Some(blocks) = self.ctx.tables else { return Vec::new() };
        let Some(view) = blocks.views.get(id) else { return Vec::new() };
        let text = |t: &str| if t.is_empty() { Vec::new() } else { vec![Inline::Text(t.to_owned())] };
        let figure_columns = view.columns.len() + usize::from(view.has_note_column);
        // With many figure columns, the labels keep their natural width and the
        // figure columns share the rest equally, in smaller type.
        let wide = figure_columns >= WIDE_COLUMNS;
        let (label_width, figure_width) =
            if wide { (Width::Auto, Width::Fraction(1)) } else { (Width::Fraction(1), Width::Auto) };
        let mut columns = vec![Column { align: Align::Left, figures: false, width: label_width }];
        columns.extend((0..figure_columns).map(|_| Column { align: Align::Right, figures: true, width: figure_width }));
        // The corner cell heads the label column, so a screen reader has a
        // name for it: the table's own heading, or the theme's.
        let row_label = if view.row_label.is_empty() { blocks.row_label } else { &view.row_label };
        let mut header = vec![Cell { content: text(row_label), strong: false }];
        header.extend(view.columns.iter().map(|c| Cell { content: vec![Inline::Text(c.clone())], strong: false }));
        if view.has_note_column {
            header.push(Cell { content: vec![Inline::Text(blocks.note.to_owned())], strong: false });
        }
        let rows = view
            .rows
            .iter()
            .map(|row| {
                let strong = matches!(row.kind, RowKind::Total | RowKind::Heading);
                let mut cells = vec![Cell { content: vec![Inline::Text(row.label.clone())], strong }];
                cells.extend(row.cells.iter().map(|c| Cell { content: vec![Inline::Text(c.clone())], strong }));
                if view.has_note_column {
                    let content = match blocks.note_link(row) {
                        Some((number, Some((slug, anchor)))) => vec![Inline::Link {
                            target: LinkTarget::Chapter { slug: slug.to_owned(), anchor: Some(anchor) },
                            title: String::new(),
                            content: vec![Inline::Text(number.to_string())],
                        }],
                        Some((number, None)) => vec![Inline::Text(number.to_string())],
                        None => Vec::new(),
                    };
                    cells.push(Cell { content, strong: false });
                }
                Row { kind: row.kind, anchor: row.anchor.clone(), cells, line }
            })
            .collect();
        let table = Table {
            label: self.next_table_label(),
            id: Some(format!("tabell-{}", view.id)),
            figures: true,
            caption: Some(view.caption.clone()),
            name: view.caption.clone(),
            columns,
            header: vec![header],
            rows,
            breakable: true,
            compact: wide,
        };
        std::iter::once(BlockKind::Table(Box::new(table))).chain(note_references(view, blocks)).collect()
    }
}

/// The links from a note back to the placed statement lines that refer to it.
fn note_references(view: &TableView, blocks: &super::TableBlocks) -> Option<BlockKind> {
    let links: Vec<(LinkTarget, String)> = blocks
        .back_links(view)
        .into_iter()
        .map(|l| (LinkTarget::Chapter { slug: l.slug.to_owned(), anchor: Some(l.anchor) }, l.text))
        .collect();
    (!links.is_empty()).then(|| BlockKind::NoteReferences { lead: blocks.refers_to.to_owned(), links })
}

/// Characters of text in a cell as written, before amounts are reformatted.
fn text_length(inlines: &[Inline]) -> usize {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(t) => t.chars().count(),
            Inline::Emphasis(inner)
            | Inline::Strong(inner)
            | Inline::Strikethrough(inner)
            | Inline::Superscript(inner)
            | Inline::Subscript(inner)
            | Inline::Link { content: inner, .. }
            | Inline::Language { content: inner, .. }
            | Inline::Status { content: inner, .. } => text_length(inner),
            Inline::Image(image) => image.alt.chars().count(),
            _ => 0,
        })
        .sum()
}

/// Where a link written in a chapter leads: chapters (`03-x.md`,
/// `03-x.md#rubrik`), anchors in this chapter (`#rubrik`) or anything else as written.
fn link_target(dest: &str) -> LinkTarget {
    if let Some(anchor) = dest.strip_prefix('#') {
        return LinkTarget::Here(anchor.to_owned());
    }
    if !dest.contains("://") && !dest.starts_with("mailto:") {
        let (file, anchor) = match dest.split_once('#') {
            Some((file, anchor)) => (file, Some(anchor.to_owned())),
            None => (dest, None),
        };
        if let Some(slug) = file.rsplit('/').next().and_then(|f| f.strip_suffix(".md")) {
            return LinkTarget::Chapter { slug: slug.to_owned(), anchor };
        }
    }
    LinkTarget::Url(dest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::model::BlockKind;
    use crate::markdown::{LineIndex, parse};

    /// The numbers of a chapter's headings, titles and unnumbered ones as `-`.
    fn numbers(body: &str, numbers: SectionNumbers) -> Vec<String> {
        let lines = LineIndex::new(body, 0);
        let ctx = ChapterContext { file: "c.md", slug: "01-a", body, lines: &lines, line_offset: 0, tables: None };
        let labels = Labels { footnotes: "Fotnoter", back_to_text: "Tillbaka" };
        let doc = parse(body, "c.md", "content/chapters", 0).unwrap();
        let chapter = numbered_chapter(&doc, &ctx, &labels, numbers);
        chapter
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Heading(h) => Some(h.number.clone().unwrap_or_else(|| "-".into())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn sections_are_numbered_under_their_chapter_to_the_depth_asked() {
        let body = "# T\n\n## A\n\n### B\n\n#### C\n\n### D\n\n## E\n\n### F\n";
        let shown = numbers(body, SectionNumbers { chapter: Some(3), depth: 2 });
        assert_eq!(shown, ["-", "3.1", "3.1.1", "-", "3.1.2", "3.2", "3.2.1"]);
        let shown = numbers(body, SectionNumbers { chapter: None, depth: 3 });
        assert_eq!(shown, ["-", "1", "1.1", "1.1.1", "1.2", "2", "2.1"]);
        assert!(numbers(body, SectionNumbers::OFF).iter().all(|n| n == "-"));
    }
}
