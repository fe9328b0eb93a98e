//! The walk over a chapter's model that both emitters share: which block or
//! inline comes next and what it holds is decided here, once; an emitter
//! only says how each one is written in its syntax.

use super::language::Language;
use super::model::{Block, BlockKind, Chapter, DefinitionItem, Heading, Image, Inline, LinkTarget, Table};

/// A block or inline that is its content with syntax around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    Paragraph,
    Quote,
    ListItem,
    Definitions,
    Term,
    Details,
    Emphasis,
    Strong,
    Strikethrough,
    Superscript,
    Subscript,
}

impl Wrap {
    /// A block (rather than a run of text): it ends a line.
    pub fn is_block(self) -> bool {
        matches!(self, Self::Paragraph | Self::Quote | Self::ListItem | Self::Definitions | Self::Term | Self::Details)
    }

    /// Holds blocks (rather than text): its content starts on a line of its own.
    pub fn holds_blocks(self) -> bool {
        matches!(self, Self::Quote | Self::Definitions)
    }
}

/// The syntax around some content: what comes before and after it, and
/// whether white space at the end of the content is dropped.
pub struct Around {
    pub before: String,
    pub after: String,
    pub trim: bool,
}

impl Around {
    pub fn new(before: impl Into<String>, after: impl Into<String>) -> Self {
        Self { before: before.into(), after: after.into(), trim: false }
    }

    pub fn trimmed(self) -> Self {
        Self { trim: true, ..self }
    }
}

/// How one output writes each kind of block and inline. A new block kind is
/// one more method here and in each emitter, and one arm in [`blocks`].
pub trait Emitter: Sized {
    /// Appends markup as it stands.
    fn push(&mut self, markup: &str);
    /// How much has been written.
    fn written(&self) -> usize;
    /// Drops white space at the end of what was written from `start` on.
    fn trim_end_from(&mut self, start: usize);
    /// The chapter line of what is written next, for error messages.
    fn at_line(&mut self, _line: usize) {}
    /// Writes text so it is shown literally.
    fn text(&mut self, text: &str);
    fn wrap(&self, wrap: Wrap) -> Around;
    /// `None` for a heading this output does not write in the body.
    fn heading(&self, chapter: &Chapter, heading: &Heading) -> Option<Around>;
    fn list(&self, start: Option<u64>) -> Around;
    fn link(&self, chapter: &Chapter, target: &LinkTarget, title: &str) -> Around;
    /// Around a phrase in another language than the document's.
    fn language(&self, language: &Language) -> Around;
    /// Around a goal status's symbol and word: a marker in `colour` before them.
    fn status(&self, colour: &str) -> Around;
    fn code_block(&mut self, lang: &str, text: &str);
    fn rule(&mut self);
    fn table(&mut self, chapter: &Chapter, table: &Table);
    fn chart(&mut self, chart: &crate::charts::place::PlacedChart);
    fn key_figures(&mut self, spread: &super::model::KeyFigures);
    fn note_references(&mut self, chapter: &Chapter, lead: &str, links: &[(LinkTarget, String)]);
    fn code(&mut self, code: &str);
    fn line_break(&mut self, hard: bool);
    fn footnote_ref(&mut self, chapter: &Chapter, number: usize);
    fn image(&mut self, image: &Image);
}

/// Writes blocks in order.
pub fn blocks(e: &mut impl Emitter, chapter: &Chapter, blocks: &[Block]) {
    for block in blocks {
        e.at_line(block.line);
        match &block.kind {
            BlockKind::Heading(h) => {
                if let Some(around) = e.heading(chapter, h) {
                    around_content(e, around, |e| inlines(e, chapter, &h.content));
                }
            }
            BlockKind::Paragraph(content) => wrapped(e, Wrap::Paragraph, |e| inlines(e, chapter, content)),
            BlockKind::Plain(content) => inlines(e, chapter, content),
            BlockKind::List { start, items } => around_content(e, e.list(*start), |e| {
                for item in items {
                    wrapped(e, Wrap::ListItem, |e| self::blocks(e, chapter, item));
                }
            }),
            BlockKind::Quote(inner) => wrapped(e, Wrap::Quote, |e| self::blocks(e, chapter, inner)),
            BlockKind::Code { lang, text } => e.code_block(lang, text),
            BlockKind::Rule => e.rule(),
            BlockKind::Definitions(items) => wrapped(e, Wrap::Definitions, |e| {
                for item in items {
                    let (wrap, inner) = match item {
                        DefinitionItem::Term(inner) => (Wrap::Term, inner),
                        DefinitionItem::Details(inner) => (Wrap::Details, inner),
                    };
                    wrapped(e, wrap, |e| self::blocks(e, chapter, inner));
                }
            }),
            BlockKind::Table(table) => e.table(chapter, table),
            BlockKind::Chart(chart) => e.chart(chart),
            BlockKind::KeyFigures(spread) => e.key_figures(spread),
            BlockKind::NoteReferences { lead, links } => e.note_references(chapter, lead, links),
        }
    }
}

/// Writes inline content in order.
pub fn inlines(e: &mut impl Emitter, chapter: &Chapter, content: &[Inline]) {
    for inline in content {
        match inline {
            Inline::Text(text) => e.text(text),
            Inline::Code(code) => e.code(code),
            Inline::SoftBreak => e.line_break(false),
            Inline::HardBreak => e.line_break(true),
            Inline::Emphasis(inner) => wrapped(e, Wrap::Emphasis, |e| inlines(e, chapter, inner)),
            Inline::Strong(inner) => wrapped(e, Wrap::Strong, |e| inlines(e, chapter, inner)),
            Inline::Strikethrough(inner) => wrapped(e, Wrap::Strikethrough, |e| inlines(e, chapter, inner)),
            Inline::Superscript(inner) => wrapped(e, Wrap::Superscript, |e| inlines(e, chapter, inner)),
            Inline::Subscript(inner) => wrapped(e, Wrap::Subscript, |e| inlines(e, chapter, inner)),
            Inline::Link { target, title, content } => {
                around_content(e, e.link(chapter, target, title), |e| inlines(e, chapter, content))
            }
            Inline::Language { language, content } => {
                around_content(e, e.language(language), |e| inlines(e, chapter, content))
            }
            Inline::Status { colour, content, .. } => {
                around_content(e, e.status(colour), |e| inlines(e, chapter, content))
            }
            Inline::FootnoteRef(number) => e.footnote_ref(chapter, *number),
            Inline::Image(image) => e.image(image),
        }
    }
}

/// Writes content with the syntax of `wrap` around it.
pub fn wrapped<E: Emitter>(e: &mut E, wrap: Wrap, content: impl FnOnce(&mut E)) {
    let around = e.wrap(wrap);
    around_content(e, around, content);
}

fn around_content<E: Emitter>(e: &mut E, around: Around, content: impl FnOnce(&mut E)) {
    e.push(&around.before);
    let start = e.written();
    content(e);
    if around.trim {
        e.trim_end_from(start);
    }
    e.push(&around.after);
}
