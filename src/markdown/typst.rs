//! Markdown events → typst markup. All text is escaped so it reaches the PDF
//! literally; structure is written as typst function calls, which do not
//! depend on line starts or whitespace.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag, TagEnd};

use super::{ChapterContext, Doc, Spanned, TABLE_BLOCK, cell_text};
use crate::figures::view::{RowKind, TableView};

/// Escapes text for typst markup. Every ASCII punctuation character that has a
/// meaning in markup (or could start one: `//`, `--`, `1.`, `= `, `http://`,
/// `@label`, `<label>`, smart quotes …) gets a backslash; newlines become spaces.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '\\' | '#' | '$' | '*' | '_' | '`' | '<' | '>' | '@' | '[' | ']' | '~' | '=' | '-' | '+' | '/' | '"'
            | '\'' | '.' | ':' | '{' | '}' | '(' | ')' | '^' | '|' | '&' | '%' | '!' | '?' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a typst string literal (`"…"`).
pub fn escape_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Typst markup for one chapter, with the chapter-file line behind each output line.
pub struct TypstChapter {
    pub markup: String,
    /// `line_map[i]` is the 1-based line in the chapter file that produced
    /// line `i` (0-based) of `markup`, so typst errors can point at the Markdown.
    pub line_map: Vec<usize>,
    /// Every table's text, by the label the table carries in `markup`.
    pub tables: Vec<TableText>,
}

/// The text of a table as typst will set it, row by row, header rows first.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct TableText {
    /// The table's label in the markup: `arsrapport-table-<slug>-<n>`.
    pub label: String,
    pub header_rows: usize,
    /// Whether each column holds figures (is right-aligned): its body cells
    /// never wrap, so their words are not needed.
    pub figure_columns: Vec<bool>,
    /// `None` for a cell holding more than text (italics, code, a footnote):
    /// its width is left to typst.
    pub rows: Vec<Vec<Option<CellText>>>,
}

#[derive(Debug, Clone, PartialEq, Hash)]
pub struct CellText {
    /// The text, white space collapsed as typst collapses it.
    pub text: String,
    /// Set in bold throughout.
    pub strong: bool,
}

impl CellText {
    fn new(text: &str, strong: bool) -> Self {
        // Markup collapses runs of spaces and line breaks; a no-break space stays.
        let text = text.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        Self { text: text.chars().filter(|c| !c.is_control()).collect(), strong }
    }
}

/// Renders a chapter to typst markup. The chapter title gets the label
/// `<slug>`, other headings `<slug--id>`, so links can point at them.
pub fn render(doc: &Doc, ctx: &ChapterContext) -> TypstChapter {
    let mut r = Renderer {
        doc,
        ctx,
        out: String::with_capacity(4096),
        heading_index: 0,
        table: None,
        cell: None,
        image_index: 0,
        alt_start: None,
        table_block: None,
        in_code_block: false,
        table_index: 0,
        tables: Vec::new(),
        strong_depth: 0,
    };
    // Each output line is attributed to the event that writes its first text.
    let mut line_map = Vec::new();
    let mut output_line = 0;
    let mut line = ctx.line_offset + 1;
    for (event, range) in &doc.events {
        line = ctx.lines.position(range.start).0;
        if line_map.len() <= output_line {
            line_map.push(line);
        }
        let before = r.out.len();
        r.event(event);
        // Most events only append; those that rewrite what is already written
        // (a table's head, an image's alt text, a trimmed definition) are counted again.
        let rewrites = matches!(
            event,
            Event::End(TagEnd::Table | TagEnd::Image | TagEnd::DefinitionListDefinition) | Event::FootnoteReference(_)
        );
        output_line = match r.out.get(before..) {
            Some(added) if !rewrites => output_line + added.matches('\n').count(),
            _ => r.out.matches('\n').count(),
        };
    }
    line_map.resize(output_line + 1, line);
    TypstChapter { markup: r.out, line_map, tables: r.tables }
}

struct TableState {
    aligns: Vec<Alignment>,
    column: usize,
    in_head: bool,
    /// Where the table's markup starts in the output, and its body row count.
    start: usize,
    rows: usize,
    /// The text of each row's cells so far, and of the cell being read.
    text: Vec<Vec<Option<CellText>>>,
    cell_text: Option<CellReading>,
    /// Characters of text per column, to share the width by content, and
    /// the longest cell of each column and the current cell so far.
    text_lengths: Vec<usize>,
    longest_cell: Vec<usize>,
    cell_length: usize,
}

/// A table cell's text as it is read: whether it is text only, and all of it bold.
struct CellReading {
    text: String,
    text_only: bool,
    strong: bool,
}

/// Text columns whose longest cell is at most this long take their natural width.
const SHORT_CELL: usize = 20;

/// `#table(columns: …, align: …,` for a Markdown table: number columns take
/// their natural width; text columns share the rest in proportion to how much
/// text they hold, so a comment column gets more room than a status column.
fn table_spec(t: &TableState) -> String {
    let numbers = t.aligns.iter().filter(|a| **a == Alignment::Right).count();
    let wide = numbers >= WIDE_COLUMNS;
    let rows = (t.rows + 1).max(1);
    // Short text columns (a status) keep their natural width when a long one can take the rest.
    let has_long_text = t.aligns.iter().zip(&t.longest_cell).any(|(a, l)| *a != Alignment::Right && *l > SHORT_CELL);
    let columns: Vec<String> = t
        .aligns
        .iter()
        .zip(t.text_lengths.iter().zip(&t.longest_cell))
        .map(|(a, (len, longest))| {
            if *a == Alignment::Right || wide || (*longest <= SHORT_CELL && has_long_text) {
                "auto".to_owned()
            } else {
                // The square root keeps one long column from squeezing the others.
                let per_row = (*len / rows).max(1) as f64;
                format!("{}fr", (per_row.sqrt().round() as usize).clamp(1, 8))
            }
        })
        .collect();
    let align: Vec<&str> = t
        .aligns
        .iter()
        .map(|a| match a {
            Alignment::Right => "right",
            Alignment::Center => "center",
            _ => "left",
        })
        .collect();
    // No line break: the table is written before this is inserted, and the line map must not shift.
    format!("#table(columns: ({},), align: ({},), ", columns.join(", "), align.join(", "))
}

/// Tables up to this many body rows are kept on one page, so that no table
/// leaves a lone row behind; longer ones break with their header repeated.
const UNBREAKABLE_ROWS: usize = 25;

/// Tables with this many figure columns or more are set as wide tables.
const WIDE_COLUMNS: usize = 5;

/// A numeric body cell being collected, to reformat its amount when it ends.
struct CellState {
    start: usize,
    raw: String,
    plain: bool,
}

struct Renderer<'d, 'a> {
    doc: &'d Doc<'a>,
    ctx: &'d ChapterContext<'d>,
    out: String,
    heading_index: usize,
    table: Option<TableState>,
    cell: Option<CellState>,
    image_index: usize,
    /// Where the alt text of the image being rendered starts in `out`.
    alt_start: Option<usize>,
    /// The id of a figures table being read from its fenced block.
    table_block: Option<String>,
    /// Inside a code block, whose text is a string literal, not markup.
    in_code_block: bool,
    /// How many Markdown tables have been started, to find each one's caption.
    table_index: usize,
    /// The text of every table written so far, Markdown and figures tables.
    tables: Vec<TableText>,
    /// How deep in `**…**` the text is.
    strong_depth: usize,
}

impl Renderer<'_, '_> {
    fn events(&mut self, events: &[Spanned<'_>]) {
        for (event, _) in events {
            self.event(event);
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        if let Some(id) = &mut self.table_block {
            match event {
                Event::Text(t) => id.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let id = self.table_block.take().unwrap_or_default();
                    self.figures_table(id.trim());
                }
                _ => {}
            }
            return;
        }
        if let Some(cell) = &mut self.cell {
            match event {
                Event::Text(t) => cell.raw.push_str(t),
                Event::End(TagEnd::TableCell) => {}
                _ => cell.plain = false,
            }
        }
        if let Some(reading) = self.table.as_mut().and_then(|t| t.cell_text.as_mut()) {
            match event {
                Event::Text(t) => {
                    reading.text.push_str(t);
                    reading.strong &= self.strong_depth > 0 || t.trim().is_empty();
                }
                Event::Start(Tag::Strong | Tag::Link { .. })
                | Event::End(TagEnd::Strong | TagEnd::Link | TagEnd::TableCell) => {}
                _ => reading.text_only = false,
            }
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => {
                if let Some(t) = &mut self.table
                    && let Some(len) = t.text_lengths.get_mut(t.column)
                {
                    *len += text.chars().count();
                    t.cell_length += text.chars().count();
                }
                let escaped = if self.in_code_block { escape_string(text) } else { escape_markup(text) };
                self.out.push_str(&escaped);
            }
            Event::Code(code) => {
                self.out.push_str(&format!("#raw(\"{}\")", escape_string(code)));
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self.out.push_str("#line(length: 100%)\n\n"),
            Event::FootnoteReference(label) => {
                self.out.push_str("#footnote[");
                if let Some(inner) = self.doc.footnotes.get(label.as_ref()) {
                    let start = self.out.len();
                    self.events(inner);
                    let trimmed = self.out[start..].trim_end().len();
                    self.out.truncate(start + trimmed);
                }
                self.out.push(']');
            }
            // Raw HTML and math are refused or disabled when parsing.
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.out.push_str(&format!("#heading(level: {})[", *level as u8));
            }
            Tag::BlockQuote(_) => self.out.push_str("#quote(block: true)["),
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if lang.as_ref() == TABLE_BLOCK => {
                self.table_block = Some(String::new());
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) if !lang.is_empty() => format!(", lang: \"{}\"", escape_string(lang)),
                    _ => String::new(),
                };
                self.out.push_str(&format!("#raw(block: true{lang}, \""));
                self.in_code_block = true;
            }
            Tag::List(None) => self.out.push_str("#list("),
            Tag::List(Some(start)) => self.out.push_str(&format!("#enum(start: {start}, ")),
            Tag::Item => self.out.push('['),
            // A definition list: the term in bold, its definition indented below.
            Tag::DefinitionList => {}
            Tag::DefinitionListTitle => self.out.push_str("#block(below: 0.4em, sticky: true)[#strong["),
            Tag::DefinitionListDefinition => self.out.push_str("#pad(left: 1.2em)["),
            Tag::Table(aligns) => {
                // The column specification is written when the table ends,
                // once the length of the text in each column is known.
                let start = self.out.len();
                self.table_index += 1;
                self.table = Some(TableState {
                    aligns: aligns.clone(),
                    column: 0,
                    in_head: false,
                    start,
                    rows: 0,
                    text: Vec::new(),
                    cell_text: None,
                    text_lengths: vec![0; aligns.len()],
                    longest_cell: vec![0; aligns.len()],
                    cell_length: 0,
                });
            }
            Tag::TableHead => {
                self.out.push_str("table.header(");
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.column = 0;
                    t.text.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.column = 0;
                    t.rows += 1;
                    t.text.push(Vec::new());
                }
            }
            Tag::TableCell => {
                self.out.push('[');
                if let Some(t) = &mut self.table {
                    t.cell_text = Some(CellReading { text: String::new(), text_only: true, strong: true });
                }
                if let Some(t) = &self.table
                    && !t.in_head
                    && t.aligns.get(t.column) == Some(&Alignment::Right)
                {
                    self.cell = Some(CellState { start: self.out.len(), raw: String::new(), plain: true });
                }
            }
            Tag::Emphasis => self.out.push_str("#emph["),
            Tag::Strong => {
                self.strong_depth += 1;
                self.out.push_str("#strong[");
            }
            Tag::Strikethrough => self.out.push_str("#strike["),
            Tag::Superscript => self.out.push_str("#super["),
            Tag::Subscript => self.out.push_str("#sub["),
            Tag::Link { dest_url, .. } => {
                let target = link_target(dest_url, self.ctx.slug);
                self.out.push_str(&format!("#link({target})["));
            }
            Tag::Image { .. } => {
                // The alt text is collected from the image's text events.
                let path = self.doc.images.get(self.image_index).map(String::as_str).unwrap_or_default();
                self.image_index += 1;
                self.out.push_str(&format!("#figure(image(\"/{}\", alt: \"", escape_string(path)));
                self.alt_start = Some(self.out.len());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("\n\n"),
            TagEnd::Heading(_) => {
                let heading = &self.doc.headings[self.heading_index.min(self.doc.headings.len() - 1)];
                let label = if self.heading_index == 0 {
                    self.ctx.slug.to_owned()
                } else {
                    format!("{}--{}", self.ctx.slug, heading.id)
                };
                self.heading_index += 1;
                self.out.push_str(&format!("] <{label}>\n\n"));
            }
            TagEnd::BlockQuote(_) => self.out.push_str("]\n\n"),
            TagEnd::CodeBlock => {
                self.in_code_block = false;
                self.out.push_str("\")\n\n");
            }
            TagEnd::List(_) => self.out.push_str(")\n\n"),
            TagEnd::Item => self.out.push_str("],"),
            TagEnd::DefinitionList => self.out.push('\n'),
            TagEnd::DefinitionListTitle => self.out.push_str("]]\n"),
            TagEnd::DefinitionListDefinition => {
                let trimmed = self.out.trim_end().len();
                self.out.truncate(trimmed);
                self.out.push_str("]\n\n");
            }
            TagEnd::Table => {
                self.out.push(')');
                if let Some(t) = self.table.take() {
                    let label = self.table_label();
                    self.out.push_str(&format!(" <{label}>"));
                    let header_rows = usize::from(t.text.len() > t.rows);
                    let figure_columns = t.aligns.iter().map(|a| *a == Alignment::Right).collect();
                    self.tables.push(TableText { label, header_rows, figure_columns, rows: t.text.clone() });
                    let mut head = table_spec(&t);
                    let caption = self.doc.table_captions.get(self.table_index - 1).cloned().flatten();
                    if let Some(caption) = caption {
                        // A captioned table is a figure, which keeps caption and table together.
                        head.insert_str(
                            0,
                            &format!(
                                "#figure(kind: table, numbering: none, supplement: none, caption: figure.caption(position: top)[{}])[",
                                escape_markup(&caption)
                            ),
                        );
                        self.out.push(']');
                    } else {
                        // Short tables stay whole; the theme decides where long ones break.
                        let breakable = t.rows > UNBREAKABLE_ROWS;
                        head.insert_str(0, &format!("#block(breakable: {breakable})["));
                        self.out.push(']');
                    }
                    self.out.insert_str(t.start, &head);
                }
                self.out.push_str("\n\n");
            }
            TagEnd::TableHead => {
                self.out.push_str("),\n");
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => self.out.push('\n'),
            TagEnd::TableCell => {
                let mut reformatted = None;
                if let Some(cell) = self.cell.take()
                    && cell.plain
                {
                    let text = cell_text(&cell.raw, true);
                    self.out.truncate(cell.start);
                    self.out.push_str(&escape_markup(&text));
                    reformatted = Some(text);
                }
                if let Some(t) = &mut self.table
                    && let Some(reading) = t.cell_text.take()
                {
                    let text = reformatted.unwrap_or(reading.text);
                    let strong = reading.strong && !text.trim().is_empty();
                    let cell = reading.text_only.then(|| CellText::new(&text, strong));
                    if let Some(row) = t.text.last_mut() {
                        row.push(cell);
                    }
                }
                self.out.push_str("], ");
                if let Some(t) = &mut self.table {
                    if let Some(longest) = t.longest_cell.get_mut(t.column) {
                        *longest = (*longest).max(t.cell_length);
                    }
                    t.cell_length = 0;
                    t.column += 1;
                }
            }
            TagEnd::Strong => {
                self.strong_depth = self.strong_depth.saturating_sub(1);
                self.out.push(']');
            }
            TagEnd::Emphasis | TagEnd::Strikethrough | TagEnd::Superscript | TagEnd::Subscript => self.out.push(']'),
            TagEnd::Link => self.out.push(']'),
            TagEnd::Image => {
                if let Some(start) = self.alt_start.take() {
                    // The alt text was written as markup; make it a string literal instead.
                    let alt = unescape_markup(&self.out[start..]);
                    self.out.truncate(start);
                    self.out.push_str(&escape_string(&alt));
                }
                self.out.push_str("\"))\n\n");
            }
            _ => {}
        }
    }
}

impl Renderer<'_, '_> {
    /// The label of the next table: the theme looks its widths up by it.
    fn table_label(&self) -> String {
        format!("arsrapport-table-{}-{}", self.ctx.slug, self.tables.len() + 1)
    }

    /// A figures table: caption with unit, right-aligned figures, totals set
    /// apart, note numbers linking to their notes, and for a note, links back
    /// to the statement lines it explains.
    fn figures_table(&mut self, id: &str) {
        let Some(blocks) = self.ctx.tables else { return };
        let Some(view) = blocks.views.get(id) else { return };
        let slug = self.ctx.slug;
        let figure_columns = view.columns.len() + usize::from(view.has_note_column);
        // With many figure columns, the labels keep their natural width and the
        // figure columns share the rest equally, in smaller type; only the
        // column headers may be hyphenated.
        let wide = figure_columns >= WIDE_COLUMNS;
        let (label_column, figure_column) = if wide { ("auto", "1fr") } else { ("1fr", "auto") };
        let columns =
            std::iter::once(label_column).chain(std::iter::repeat_n(figure_column, figure_columns)).collect::<Vec<_>>();
        let align = std::iter::once("left").chain(std::iter::repeat_n("right", figure_columns)).collect::<Vec<_>>();
        let out = &mut self.out;
        out.push_str("#[");
        if wide {
            out.push_str("#set text(size: 0.85em)\n#show table.cell.where(y: 0): set text(hyphenate: true)\n");
        }
        out.push_str(&format!(
            "#figure(kind: table, numbering: none, supplement: none, caption: figure.caption(position: top)[{}])[#table(columns: ({},), align: ({},),\n",
            escape_markup(&view.caption),
            columns.join(", "),
            align.join(", ")
        ));
        let mut header = vec![view.row_label.as_str()];
        header.extend(view.columns.iter().map(String::as_str));
        if view.has_note_column {
            header.push(blocks.note);
        }
        let mut text = vec![header.iter().map(|h| Some(CellText::new(h, false))).collect::<Vec<_>>()];
        out.push_str("table.header(");
        for cell in &header {
            out.push_str(&format!("[{}], ", escape_markup(cell)));
        }
        out.push_str("),\n");
        for row in &view.rows {
            let bold = row.kind != RowKind::Normal;
            let strong = |text: String| if bold { format!("#strong[{text}]") } else { text };
            let mut label = strong(escape_markup(&row.label));
            if let Some(anchor) = &row.anchor {
                label = format!("#box[{label}] <{slug}--{anchor}>");
            }
            out.push_str(&format!("[{label}], "));
            let mut row_text = vec![Some(CellText::new(&row.label, bold))];
            for cell in &row.cells {
                out.push_str(&format!("[{}], ", strong(escape_markup(cell))));
                row_text.push(Some(CellText::new(cell, bold && !cell.is_empty())));
            }
            if view.has_note_column {
                let (note, number) = match blocks.note_link(row) {
                    Some((number, Some((note_slug, anchor)))) => {
                        (format!("#link(<{note_slug}--{anchor}>)[{number}]"), number.to_string())
                    }
                    Some((number, None)) => (number.to_string(), number.to_string()),
                    None => (String::new(), String::new()),
                };
                out.push_str(&format!("[{note}], "));
                row_text.push(Some(CellText::new(&number, false)));
            }
            out.push('\n');
            text.push(row_text);
        }
        let label = self.table_label();
        self.out.push_str(&format!(") <{label}>]]\n\n"));
        let figure_columns = (0..=figure_columns).map(|x| x > 0).collect();
        self.tables.push(TableText { label, header_rows: 1, figure_columns, rows: text });
        self.note_back_links(view, blocks);
    }

    fn note_back_links(&mut self, view: &TableView, blocks: &super::TableBlocks) {
        let links: Vec<String> = blocks
            .back_links(view)
            .iter()
            .map(|l| format!("#link(<{}--{}>)[{}]", l.slug, l.anchor, escape_markup(&l.text)))
            .collect();
        if !links.is_empty() {
            self.out.push_str(&format!(
                "#text(size: 0.85em)[{} {}]\n\n",
                escape_markup(blocks.refers_to),
                links.join(", ")
            ));
        }
    }
}

/// Undoes [`escape_markup`] (used where collected text must become a string).
fn unescape_markup(markup: &str) -> String {
    let mut out = String::with_capacity(markup.len());
    let mut chars = markup.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A link destination as a typst argument: chapters (`03-x.md`, `03-x.md#rubrik`)
/// and in-page anchors (`#rubrik`) become labels, anything else stays a URL.
fn link_target(dest: &str, current_slug: &str) -> String {
    if let Some(anchor) = dest.strip_prefix('#') {
        return format!("<{current_slug}--{}>", label_safe(anchor));
    }
    if !dest.contains("://") && !dest.starts_with("mailto:") {
        let (file, anchor) = dest.split_once('#').unwrap_or((dest, ""));
        if let Some(stem) = file.rsplit('/').next().and_then(|f| f.strip_suffix(".md")) {
            let stem = label_safe(stem);
            return if anchor.is_empty() { format!("<{stem}>") } else { format!("<{stem}--{}>", label_safe(anchor)) };
        }
    }
    format!("\"{}\"", escape_string(dest))
}

fn label_safe(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    /// The chapter `01-a` converted, its Markdown starting `offset` lines into its file.
    fn converted(body: &str, offset: usize) -> TypstChapter {
        let lines = crate::markdown::LineIndex::new(body, offset);
        let doc = parse(body, "c.md", "content/chapters", 0).unwrap();
        let ctx = ChapterContext { file: "c.md", slug: "01-a", body, lines: &lines, line_offset: offset, tables: None };
        render(&doc, &ctx)
    }

    fn typst(body: &str) -> String {
        converted(body, 0).markup
    }

    #[test]
    fn each_table_carries_a_label_and_its_text_for_the_widths() {
        let body = "# T\n\n| Post | Belopp |\n| --- | ---: |\n| **Summa** | 29716 |\n| *Övrigt*, se not | 1 |\n| Hälso- och sjukvård | 2 |\n";
        let out = converted(body, 0);
        assert!(out.markup.contains(") <arsrapport-table-01-a-1>]"), "{}", out.markup);
        let table = &out.tables[0];
        assert_eq!((table.label.as_str(), table.header_rows), ("arsrapport-table-01-a-1", 1));
        assert_eq!(table.figure_columns, [false, true]);
        let text = |y: usize, x: usize| table.rows[y][x].as_ref().map(|c| (c.text.as_str(), c.strong));
        assert_eq!(text(0, 1), Some(("Belopp", false)));
        assert_eq!(text(1, 0), Some(("Summa", true)));
        assert_eq!(text(1, 1), Some(("29\u{a0}716", false)), "the amount as it is shown");
        assert_eq!(text(2, 0), None, "italics are left to typst to measure");
        assert_eq!(text(3, 0), Some(("Hälso- och sjukvård", false)));
    }

    #[test]
    fn maps_output_lines_to_markdown_lines() {
        let body = "# T\n\nEtt.\n\nTvå.\n";
        let out = converted(body, 2);
        let line_of = |needle: &str| {
            let i = out.markup.lines().position(|l| l.contains(needle)).unwrap();
            out.line_map[i]
        };
        assert_eq!((line_of("Ett"), line_of("Två")), (5, 7), "{:?}", out.line_map);
    }

    #[test]
    fn escapes_every_markup_character() {
        let line = r##"# $ * _ ` < > @ [ ] ~ \ = - + / " ' // http://x.se a@b.se 1. -- ... -5"##;
        let escaped = escape_markup(line);
        for (i, c) in escaped.char_indices() {
            if "#$*_`<>@[]~=+/\"'.".contains(c) {
                assert_eq!(&escaped[i - 1..i], "\\", "{c} unescaped in {escaped}");
            }
        }
        assert_eq!(unescape_markup(&escaped), line);
    }

    #[test]
    fn renders_structure_as_function_calls() {
        let out = typst("# Titel\n\n## Del\n\nEn *viktig* och **stark** [länk](03-b.md).\n\n- ett\n  1. två\n");
        assert!(out.starts_with("#heading(level: 1)[Titel] <01-a>\n\n#heading(level: 2)[Del] <01-a--del>"), "{out}");
        assert!(out.contains("#emph[viktig]") && out.contains("#strong[stark]"), "{out}");
        assert!(out.contains("#link(<03-b>)[länk]"), "{out}");
        assert!(out.contains("#list([ett#enum(start: 1, [två],)"), "{out}");
    }

    #[test]
    fn tables_right_align_and_reformat_amounts() {
        let out = typst("# T\n\n| | 2013 |\n|---|---:|\n| Intäkter | -50 970 |\n");
        assert!(out.contains("columns: (2fr, auto,), align: (left, right,)"), "{out}");
        let mixed = typst("# T\n\n| Mål | Status |\n|---|---|\n| Ett mycket långt mål som tar plats | ✓ Uppfyllt |\n");
        assert!(mixed.contains("columns: (4fr, auto,)"), "{mixed}");
        assert!(out.contains("table.header([], [2013], )"), "{out}");
        assert!(out.contains("[\u{2212}50\u{a0}970]"), "{out}");
    }

    #[test]
    fn footnotes_are_placed_inline() {
        let out = typst("# T\n\nText[^1].\n\n[^1]: Källa: SCB.\n");
        assert!(out.contains("Text#footnote[Källa\\: SCB\\.]\\."), "{out}");
    }
}
