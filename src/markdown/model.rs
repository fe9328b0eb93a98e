//! The document model: one chapter as the blocks a reader sees, built once
//! by [`super::build`] from the parsed Markdown and the figures views.
//!
//! Everything a reader sees is decided here: the text, formatted numbers,
//! link targets, ids, captions, alt texts, footnote numbers and table rows.
//! The emitters ([`super::html`], [`super::typst`]) only write each block in
//! their own syntax. A new kind of block is a new [`BlockKind`] variant plus
//! one function in each emitter (see ARCHITECTURE.md).

use crate::figures::view::RowKind;

/// One chapter, ready for either emitter.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    /// The chapter's slug: the site page's name and the prefix of its typst labels.
    pub slug: String,
    pub blocks: Vec<Block>,
    /// Footnotes in the order of their first reference; the position is the number.
    pub footnotes: Vec<Footnote>,
    /// Labels of the site's footnote list, from the theme's language file.
    pub footnotes_label: String,
    pub back_to_text_label: String,
}

/// "Året i siffror": cards of figures, each with its change against the year before.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFigures {
    pub id: String,
    pub cards: Vec<KeyFigure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyFigure {
    /// "Årets resultat".
    pub label: String,
    /// The figure as its line shows it: "2\u{a0}702".
    pub value: String,
    /// "tkr", "%"; none for plain counts.
    pub unit: Option<String>,
    /// None when there is no figure for the year before (never a zero).
    pub change: Option<Change>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub direction: Direction,
    /// The signed figure with its unit: "+918\u{a0}tkr", "\u{2212}1\u{a0}310".
    pub figure: String,
    /// "jämfört med 2012".
    pub since: String,
    /// The change in words, for screen readers: "ökning med 918 tkr jämfört med 2012".
    pub words: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Same,
}

impl Direction {
    /// The arrow shown before the signed figure; decoration only, the words say it.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Up => "\u{25b2}",
            Direction::Down => "\u{25bc}",
            Direction::Same => "\u{2192}",
        }
    }

    /// A name for styling: `up`, `down` or `same`.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Same => "same",
        }
    }
}

/// A block and the chapter-file line it was written on (for typst's errors).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// 1-based line in the chapter file.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Heading(Heading),
    Paragraph(Vec<Inline>),
    /// Inline text not wrapped in a paragraph: a tight list item, a term.
    Plain(Vec<Inline>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Code {
        lang: String,
        text: String,
    },
    Rule,
    /// A definition list: terms and their definitions, in the order written.
    Definitions(Vec<DefinitionItem>),
    /// A chart placed by `{{ chart(id=…) }}`: its numbered caption, SVG and
    /// alt text (its data table follows as a `Table`).
    Chart(Box<crate::charts::place::PlacedChart>),
    /// A spread of key figures placed by `{{ key_figures(id=…) }}` (its
    /// heading is the `Heading` before it).
    KeyFigures(Box<KeyFigures>),
    Table(Box<Table>),
    /// Under a note: links back to the statement lines that refer to it.
    NoteReferences {
        lead: String,
        links: Vec<(LinkTarget, String)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    /// Unique within the chapter.
    pub id: String,
    /// The chapter title (the level-1 heading): the site's page template writes it.
    pub title: bool,
    /// The section number shown before the text (`2.1`), when sections are numbered.
    pub number: Option<String>,
    pub content: Vec<Inline>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefinitionItem {
    Term(Vec<Block>),
    Details(Vec<Block>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    SoftBreak,
    HardBreak,
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    Link {
        target: LinkTarget,
        title: String,
        content: Vec<Inline>,
    },
    /// A phrase in another language than the document's: `[Science Center]{lang=en}`.
    Language {
        language: super::language::Language,
        content: Vec<Inline>,
    },
    /// A goal status's symbol and word, `[✓ Uppfyllt]{status=uppfyllt}`: a
    /// marker in the status's colour (`#rrggbb`, from the theme) goes before it.
    Status {
        status: crate::goals::Status,
        colour: String,
        content: Vec<Inline>,
    },
    /// The number of a footnote in [`Chapter::footnotes`].
    FootnoteRef(usize),
    Image(Image),
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkTarget {
    /// A web page, e-mail address, phone number or file, written as it stands.
    Url(String),
    /// A chapter of the report (its slug), and a heading or line in it.
    Chapter { slug: String, anchor: Option<String> },
    /// A heading or line in this chapter.
    Here(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Project-relative path.
    pub path: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    pub blocks: Vec<Block>,
}

/// A table: a Markdown table or a figures table, cells already formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Stable within the chapter: `arsrapport-table-<slug>-<n>`; the theme
    /// finds the table's measured widths by it.
    pub label: String,
    /// The site's id of a figures table: `tabell-<id>`.
    pub id: Option<String>,
    /// A figures table (a statement or note), styled as one.
    pub figures: bool,
    /// The caption the author gave (`Tabell: …`) or the figures table's title with unit.
    pub caption: Option<String>,
    /// The name of a table without a caption on the site: the heading it is under.
    pub name: String,
    pub columns: Vec<Column>,
    pub header: Vec<Vec<Cell>>,
    pub rows: Vec<Row>,
    /// Kept on one page (short tables) or allowed to break.
    pub breakable: bool,
    /// Many figure columns: set in smaller type.
    pub compact: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Width {
    /// As wide as the column's content.
    Auto,
    /// A share of the remaining width.
    Fraction(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub align: Align,
    /// Holds figures: right-aligned, never wrapped.
    pub figures: bool,
    pub width: Width,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    /// Id of a statement line, for links from its note.
    pub anchor: Option<String>,
    pub cells: Vec<Cell>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub content: Vec<Inline>,
    /// Set in bold (the label and figures of a total or heading line).
    pub strong: bool,
}

impl Cell {
    /// Nothing in it: a header cell like this (the corner above the row labels) is no header.
    pub fn is_empty(&self) -> bool {
        self.content.iter().all(|i| matches!(i, Inline::Text(t) if t.is_empty()))
    }

    /// The cell's text as typst sets it, for measuring; `None` when it holds
    /// more than text (italics, code, a footnote).
    fn text(&self) -> Option<CellText> {
        fn walk(inlines: &[Inline], in_strong: bool, text: &mut String, strong: &mut bool) -> bool {
            inlines.iter().all(|inline| match inline {
                Inline::Text(t) => {
                    text.push_str(t);
                    *strong &= in_strong || t.trim().is_empty();
                    true
                }
                Inline::Strong(inner) => walk(inner, true, text, strong),
                Inline::Link { content, .. } | Inline::Language { content, .. } => {
                    walk(content, in_strong, text, strong)
                }
                Inline::Status { content, .. } => {
                    text.push_str(STATUS_MARKER);
                    walk(content, in_strong, text, strong)
                }
                _ => false,
            })
        }
        let (mut text, mut strong) = (String::new(), true);
        walk(&self.content, self.strong, &mut text, &mut strong).then(|| {
            let strong = strong && !text.trim().is_empty();
            CellText::new(&text, strong)
        })
    }
}

/// What the PDF sets before a goal status, in the status's colour: a glyph of
/// the theme's font and a no-break space, so table widths can be measured.
pub const STATUS_MARKER: &str = "●\u{a0}";

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
    pub fn new(text: &str, strong: bool) -> Self {
        // Markup collapses runs of spaces and line breaks; a no-break space stays.
        let text = text.split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
        Self { text: text.chars().filter(|c| !c.is_control()).collect(), strong }
    }
}

impl Table {
    /// The table's text for measuring its columns.
    pub fn text(&self) -> TableText {
        let rows = self.header.iter().chain(self.rows.iter().map(|r| &r.cells));
        TableText {
            label: self.label.clone(),
            header_rows: self.header.len(),
            figure_columns: self.columns.iter().map(|c| c.figures).collect(),
            rows: rows.map(|cells| cells.iter().map(Cell::text).collect()).collect(),
        }
    }
}

impl Chapter {
    /// A chapter with nothing in it yet, for tests of single blocks.
    #[cfg(test)]
    pub fn without_blocks(slug: &str) -> Self {
        Self {
            slug: slug.to_owned(),
            blocks: Vec::new(),
            footnotes: Vec::new(),
            footnotes_label: String::new(),
            back_to_text_label: String::new(),
        }
    }

    /// The text of every table, in order, for measuring their columns.
    pub fn tables(&self) -> Vec<TableText> {
        fn walk(blocks: &[Block], out: &mut Vec<TableText>) {
            for block in blocks {
                match &block.kind {
                    BlockKind::Table(table) => out.push(table.text()),
                    BlockKind::List { items, .. } => items.iter().for_each(|item| walk(item, out)),
                    BlockKind::Quote(inner) => walk(inner, out),
                    BlockKind::Definitions(items) => {
                        for DefinitionItem::Term(inner) | DefinitionItem::Details(inner) in items {
                            walk(inner, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.blocks, &mut out);
        out
    }
}
