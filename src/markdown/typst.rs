//! The chapter model → typst markup. All text is escaped so it reaches the
//! PDF literally; structure is written as typst function calls, which do not
//! depend on line starts or whitespace. Only writes syntax: every text,
//! number, id and link comes from the model.

use super::emit::{self, Around, Emitter, Wrap};
use super::language::Language;
use super::model::{Align, Chapter, Heading, Image, KeyFigures, LinkTarget, STATUS_MARKER, Table, TableText, Width};
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

/// Markup being written, and the chapter line behind each of its lines: a
/// line is attributed to the block that writes its first text.
struct Out {
    text: String,
    line_map: Vec<usize>,
    /// The chapter line of the block being written.
    line: usize,
    /// The output line being written (0-based).
    output_line: usize,
}

impl Out {
    fn new(line: usize) -> Self {
        Self { text: String::with_capacity(4096), line_map: Vec::new(), line, output_line: 0 }
    }
}

/// Renders a chapter to typst markup. The chapter title gets the label
/// `<slug>`, other headings `<slug--id>`, so links can point at them.
pub fn render(chapter: &Chapter) -> TypstChapter {
    let first_line = chapter.blocks.first().map(|b| b.line).unwrap_or(1);
    let mut out = Out::new(first_line);
    emit::blocks(&mut out, chapter, &chapter.blocks);
    let lines = out.text.matches('\n').count() + 1;
    let last = out.line_map.last().copied().unwrap_or(out.line);
    out.line_map.resize(lines, last);
    TypstChapter { markup: out.text, line_map: out.line_map, tables: chapter.tables() }
}

impl Emitter for Out {
    fn push(&mut self, markup: &str) {
        for piece in markup.split_inclusive('\n') {
            if self.line_map.len() <= self.output_line {
                self.line_map.push(self.line);
            }
            self.text.push_str(piece);
            if piece.ends_with('\n') {
                self.output_line += 1;
            }
        }
    }

    fn written(&self) -> usize {
        self.text.len()
    }

    /// Also forgets the chapter lines of the output lines dropped.
    fn trim_end_from(&mut self, start: usize) {
        let end = start + self.text[start..].trim_end().len();
        self.text.truncate(end);
        self.output_line = self.text.matches('\n').count();
        self.line_map.truncate(self.output_line + 1);
    }

    fn at_line(&mut self, line: usize) {
        self.line = line;
    }

    fn text(&mut self, text: &str) {
        self.push(&escape_markup(text));
    }

    fn wrap(&self, wrap: Wrap) -> Around {
        match wrap {
            Wrap::Paragraph => Around::new("", "\n\n"),
            Wrap::Quote => Around::new("#quote(block: true)[", "]\n\n"),
            Wrap::ListItem => Around::new("[", "],"),
            // A definition list: the term in bold, its definition indented below.
            Wrap::Definitions => Around::new("", "\n"),
            Wrap::Term => Around::new("#block(below: 0.4em, sticky: true)[#strong[", "]]\n"),
            Wrap::Details => Around::new("#pad(left: 1.2em)[", "]\n\n").trimmed(),
            Wrap::Emphasis => Around::new("#emph[", "]"),
            Wrap::Strong => Around::new("#strong[", "]"),
            Wrap::Strikethrough => Around::new("#strike[", "]"),
            Wrap::Superscript => Around::new("#super[", "]"),
            Wrap::Subscript => Around::new("#sub[", "]"),
        }
    }

    fn heading(&self, chapter: &Chapter, h: &Heading) -> Option<Around> {
        let label = if h.title { chapter.slug.clone() } else { format!("{}--{}", chapter.slug, h.id) };
        // The number is the model's; typst shows it where it shows any
        // heading number: before the heading, in the outline and bookmarks.
        let numbering = match &h.number {
            Some(n) => format!(", numbering: (..) => \"{}\"", escape_string(n)),
            None => String::new(),
        };
        Some(Around::new(format!("#heading(level: {}{numbering})[", h.level), format!("] <{label}>\n\n")))
    }

    fn list(&self, start: Option<u64>) -> Around {
        let open = match start {
            None => "#list(".to_owned(),
            Some(n) => format!("#enum(start: {n}, "),
        };
        Around::new(open, ")\n\n")
    }

    /// Sets the phrase's language, so it is hyphenated as that language and the
    /// tagged PDF gives its text that language (`/Lang` on its span). Without a
    /// region of its own it has none, rather than the document's (`en`, not `en-SE`).
    fn language(&self, language: &Language) -> Around {
        let region = match &language.region {
            Some(region) => format!("\"{}\"", escape_string(region)),
            None => "none".to_owned(),
        };
        Around::new(format!("#text(lang: \"{}\", region: {region})[", escape_string(&language.lang)), "]")
    }

    /// The marker is an artifact of the tagged PDF: the symbol and word say it all.
    fn status(&self, colour: &str) -> Around {
        Around::new(format!("#pdf.artifact(text(fill: rgb(\"{}\"))[{STATUS_MARKER}])", escape_string(colour)), "")
    }

    fn link(&self, chapter: &Chapter, target: &LinkTarget, _title: &str) -> Around {
        Around::new(format!("#link({})[", link_target(target, &chapter.slug)), "]")
    }

    fn code_block(&mut self, lang: &str, text: &str) {
        let lang = if lang.is_empty() { String::new() } else { format!(", lang: \"{}\"", escape_string(lang)) };
        self.push(&format!("#raw(block: true{lang}, \"{}\")\n\n", escape_string(text)));
    }

    fn rule(&mut self) {
        self.push("#line(length: 100%)\n\n");
    }

    fn table(&mut self, chapter: &Chapter, t: &Table) {
        table(self, chapter, t);
    }

    fn chart(&mut self, chart: &crate::charts::place::PlacedChart) {
        self.push(&crate::charts::place::typst_markup(chart));
        self.push("\n");
    }

    fn key_figures(&mut self, spread: &KeyFigures) {
        // The arrow is an artifact: the signed figure and "jämfört med 2012" say it in words.
        let columns = match spread.cards.len() {
            1 => 1,
            2 | 4 => 2,
            _ => 3,
        };
        let cards: Vec<String> = spread
            .cards
            .iter()
            .map(|card| {
                let unit = card.unit.as_ref().map(|u| format!("~#text(size: 1.1em)[{}]", escape_markup(u))).unwrap_or_default();
                let change = card
                    .change
                    .as_ref()
                    .map(|c| {
                        format!(
                            "#par[#pdf.artifact[{}]~{}#linebreak()#text(size: 0.85em)[{}]]",
                            c.direction.arrow(),
                            escape_markup(&c.figure),
                            escape_markup(&c.since)
                        )
                    })
                    .unwrap_or_default();
                format!(
                    "block(width: 100%, inset: 9pt, stroke: 0.6pt + luma(150), radius: 3pt)[#set par(spacing: 0.55em, justify: false)\n#par[#text(size: 0.85em)[{}]]#par[#text(size: 1.9em, weight: \"bold\")[{}]{unit}]{change}]",
                    escape_markup(&card.label),
                    escape_markup(&card.value)
                )
            })
            .collect();
        self.push(&format!(
            "#block(breakable: false, below: 1.4em)[#grid(columns: ({}), gutter: 8pt,\n{}\n)]\n\n",
            vec!["1fr"; columns].join(", ") + if columns == 1 { "," } else { "" },
            cards.join(",\n")
        ));
    }

    fn note_references(&mut self, chapter: &Chapter, lead: &str, links: &[(LinkTarget, String)]) {
        let links: Vec<String> = links
            .iter()
            .map(|(target, text)| format!("#link({})[{}]", link_target(target, &chapter.slug), escape_markup(text)))
            .collect();
        self.push(&format!("#text(size: 0.85em)[{} {}]\n\n", escape_markup(lead), links.join(", ")));
    }

    fn code(&mut self, code: &str) {
        self.push(&format!("#raw(\"{}\")", escape_string(code)));
    }

    fn line_break(&mut self, hard: bool) {
        self.push(if hard { "#linebreak()" } else { " " });
    }

    /// The footnote's text is set where it is referred to; typst numbers it.
    fn footnote_ref(&mut self, chapter: &Chapter, number: usize) {
        let note = chapter.footnotes.get(number - 1).map(|f| f.blocks.as_slice()).unwrap_or_default();
        self.push("#footnote[");
        let start = self.written();
        emit::blocks(self, chapter, note);
        self.trim_end_from(start);
        self.push("]");
    }

    fn image(&mut self, image: &Image) {
        self.push(&format!(
            "#figure(image(\"/{}\", alt: \"{}\"))\n\n",
            escape_string(&image.path),
            escape_string(&image.alt)
        ));
    }
}

/// A table, labelled so the theme finds its measured widths; with a caption
/// it is a figure, which keeps caption and table together, else a block that
/// breaks only when the model says it may.
fn table(out: &mut Out, chapter: &Chapter, t: &Table) {
    use emit::inlines;
    out.push("#[");
    if t.compact {
        // Only the column headers may be hyphenated.
        out.push("#set text(size: 0.85em)\n#show table.cell.where(y: 0): set text(hyphenate: true)\n");
    }
    match &t.caption {
        Some(caption) => out.push(&format!(
            "#figure(kind: table, numbering: none, supplement: none, caption: figure.caption(position: top)[{}])[",
            escape_markup(caption)
        )),
        None => out.push(&format!("#block(breakable: {})[", t.breakable)),
    }
    let columns: Vec<String> = t
        .columns
        .iter()
        .map(|c| match c.width {
            Width::Auto => "auto".to_owned(),
            Width::Fraction(n) => format!("{n}fr"),
        })
        .collect();
    let align: Vec<&str> = t
        .columns
        .iter()
        .map(|c| match c.align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        })
        .collect();
    out.push(&format!("#table(columns: ({},), align: ({},),\n", columns.join(", "), align.join(", ")));
    for row in &t.header {
        out.push("table.header(");
        for cell in row {
            out.push("[");
            inlines(out, chapter, &cell.content);
            out.push("], ");
        }
        out.push("),\n");
    }
    for row in &t.rows {
        out.line = row.line;
        for (x, cell) in row.cells.iter().enumerate() {
            out.push("[");
            let anchor = row.anchor.as_ref().filter(|_| x == 0);
            if anchor.is_some() {
                out.push("#box[");
            }
            if cell.strong {
                out.push("#strong[");
            }
            if x == 0 && row.kind == crate::figures::view::RowKind::Part {
                // A "därav" line is indented under the line it is a part of.
                out.push("#h(1em)");
            }
            inlines(out, chapter, &cell.content);
            if cell.strong {
                out.push("]");
            }
            if let Some(anchor) = anchor {
                out.push(&format!("] <{}--{anchor}>", chapter.slug));
            }
            out.push("], ");
        }
        out.push("\n");
    }
    out.push(&format!(") <{}>]]\n\n", t.label));
}

/// A link target as a typst argument: chapters and anchors become labels,
/// anything else stays a URL.
fn link_target(target: &LinkTarget, current_slug: &str) -> String {
    match target {
        LinkTarget::Here(anchor) => format!("<{current_slug}--{}>", label_safe(anchor)),
        LinkTarget::Chapter { slug, anchor } => match anchor.as_deref().filter(|a| !a.is_empty()) {
            Some(anchor) => format!("<{}--{}>", label_safe(slug), label_safe(anchor)),
            None => format!("<{}>", label_safe(slug)),
        },
        LinkTarget::Url(url) => format!("\"{}\"", escape_string(url)),
    }
}

fn label_safe(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{ChapterContext, parse};

    /// The chapter `01-a` converted, its Markdown starting `offset` lines into its file.
    fn converted(body: &str, offset: usize) -> TypstChapter {
        let lines = crate::markdown::LineIndex::new(body, offset);
        let doc = parse(body, "c.md", "content/chapters", offset).unwrap();
        let ctx = ChapterContext { file: "c.md", slug: "01-a", body, lines: &lines, line_offset: offset, tables: None };
        let labels = crate::markdown::build::Labels { footnotes: "Fotnoter", back_to_text: "Tillbaka" };
        render(&crate::markdown::build::chapter(&doc, &ctx, &labels))
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
    fn a_section_number_from_the_model_is_the_headings_numbering() {
        let heading = Heading { level: 2, id: "del".into(), title: false, number: Some("2.1".into()), content: vec![] };
        let chapter = Chapter::without_blocks("02-b");
        let around = Out::new(1).heading(&chapter, &heading).unwrap();
        assert_eq!(around.before, "#heading(level: 2, numbering: (..) => \"2.1\")[");
        assert_eq!(around.after, "] <02-b--del>\n\n");
    }

    #[test]
    fn footnotes_are_placed_inline() {
        let out = typst("# T\n\nText[^1].\n\n[^1]: Källa: SCB.\n");
        assert!(out.contains("Text#footnote[Källa\\: SCB\\.]\\."), "{out}");
    }
}
