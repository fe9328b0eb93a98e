//! Markdown events → the HTML body of a chapter page (everything below its
//! `<h1>`, which the page template writes). Accessible by construction: table
//! captions and header scopes, footnotes as real links with a way back.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag, TagEnd};

use super::{Doc, Spanned, TABLE_BLOCK, TableBlocks, cell_text};
use crate::figures::view::RowKind;

/// Labels the HTML body needs, from the theme's language file.
pub struct HtmlLabels<'a> {
    pub footnotes: &'a str,
    pub back_to_text: &'a str,
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The site path of an image, given its project-relative path.
pub fn image_href(path: &str) -> String {
    format!("media/{}", path.strip_prefix("content/").unwrap_or(path))
}

pub fn render(doc: &Doc, labels: &HtmlLabels, tables: Option<&TableBlocks>) -> String {
    let mut r = Renderer {
        doc,
        table_index: 0,
        tables,
        table_block: None,
        out: String::with_capacity(8192),
        heading_index: 0,
        last_heading: doc.title.clone(),
        table: None,
        cell: None,
        footnote_refs: Vec::new(),
        image_index: 0,
        alt: None,
    };
    r.events(&doc.events);
    r.footnote_section(labels);
    r.out
}

struct TableState {
    aligns: Vec<Alignment>,
    column: usize,
    in_head: bool,
}

struct CellState {
    start: usize,
    raw: String,
    plain: bool,
}

struct Renderer<'d, 'a> {
    doc: &'d Doc<'a>,
    /// How many Markdown tables have been started, to find each one's caption.
    table_index: usize,
    tables: Option<&'d TableBlocks<'d>>,
    /// The id of a figures table being read from its fenced block.
    table_block: Option<String>,
    out: String,
    heading_index: usize,
    /// The text of the latest heading, used as the caption of the tables under it.
    last_heading: String,
    table: Option<TableState>,
    cell: Option<CellState>,
    /// Footnote labels in order of first reference; the position is the number.
    footnote_refs: Vec<String>,
    image_index: usize,
    alt: Option<String>,
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
        if let Some(alt) = &mut self.alt {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::End(TagEnd::Image) => self.end(TagEnd::Image),
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
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => self.out.push_str(&escape_html(text)),
            Event::Code(code) => {
                self.out.push_str("<code>");
                self.out.push_str(&escape_html(code));
                self.out.push_str("</code>");
            }
            Event::SoftBreak => self.out.push('\n'),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                let number = match self.footnote_refs.iter().position(|l| *l == label) {
                    Some(i) => i + 1,
                    None => {
                        self.footnote_refs.push(label);
                        self.footnote_refs.len()
                    }
                };
                self.out.push_str(&format!(
                    "<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"fnref-{number}\">{number}</a></sup>"
                ));
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, .. } => {
                let heading = &self.doc.headings[self.heading_index.min(self.doc.headings.len() - 1)];
                // The title (the first heading) is written by the page template as the h1.
                if self.heading_index == 0 {
                    self.out.push_str("<!--title-->");
                } else {
                    self.out.push_str(&format!("<h{} id=\"{}\">", *level as u8, escape_html(&heading.id)));
                }
                self.last_heading = heading.text.clone();
            }
            Tag::BlockQuote(_) => self.out.push_str("<blockquote>\n"),
            Tag::CodeBlock(CodeBlockKind::Fenced(lang)) if lang.as_ref() == TABLE_BLOCK => {
                self.table_block = Some(String::new());
            }
            Tag::CodeBlock(kind) => {
                let class = match kind {
                    CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                        format!(" class=\"language-{}\"", escape_html(lang))
                    }
                    _ => String::new(),
                };
                self.out.push_str(&format!("<pre><code{class}>"));
            }
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(start)) => self.out.push_str(&format!("<ol start=\"{start}\">\n")),
            Tag::Item => self.out.push_str("<li>"),
            Tag::DefinitionList => self.out.push_str("<dl>\n"),
            Tag::DefinitionListTitle => self.out.push_str("<dt>"),
            Tag::DefinitionListDefinition => self.out.push_str("<dd>"),
            Tag::Table(aligns) => {
                let caption = self.doc.table_captions.get(self.table_index).cloned().flatten();
                self.table_index += 1;
                let caption = escape_html(&caption.unwrap_or_else(|| self.last_heading.clone()));
                self.out.push_str(&format!(
                    "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{caption}\">\n<table>\n<caption>{caption}</caption>\n"
                ));
                self.table = Some(TableState { aligns: aligns.clone(), column: 0, in_head: false });
            }
            Tag::TableHead => {
                self.out.push_str("<thead>\n<tr>");
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.column = 0;
                }
            }
            Tag::TableRow => {
                self.out.push_str("<tr>");
                if let Some(t) = &mut self.table {
                    if t.in_head {
                        t.in_head = false;
                    }
                    t.column = 0;
                }
            }
            Tag::TableCell => {
                let Some(t) = &self.table else { return };
                let numeric = t.aligns.get(t.column) == Some(&Alignment::Right);
                let class = if numeric { " class=\"num\"" } else { "" };
                let open = if t.in_head {
                    format!("<th scope=\"col\"{class}>")
                } else if t.column == 0 {
                    "<th scope=\"row\">".to_owned()
                } else {
                    format!("<td{class}>")
                };
                self.out.push_str(&open);
                if numeric && !t.in_head {
                    self.cell = Some(CellState { start: self.out.len(), raw: String::new(), plain: true });
                }
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::Link { dest_url, title, .. } => {
                let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape_html(title)) };
                self.out.push_str(&format!("<a href=\"{}\"{title}>", escape_html(&link_href(dest_url))));
            }
            Tag::Image { .. } => self.alt = Some(String::new()),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("</p>\n"),
            TagEnd::Heading(level) => {
                if self.heading_index == 0 {
                    // Drop the title's text: the template writes it as the h1.
                    if let Some(start) = self.out.rfind("<!--title-->") {
                        self.out.truncate(start);
                    }
                } else {
                    self.out.push_str(&format!("</h{}>\n", level as u8));
                }
                self.heading_index += 1;
            }
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::CodeBlock => self.out.push_str("</code></pre>\n"),
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => self.out.push_str("</li>\n"),
            TagEnd::DefinitionList => self.out.push_str("</dl>\n"),
            TagEnd::DefinitionListTitle => self.out.push_str("</dt>\n"),
            TagEnd::DefinitionListDefinition => self.out.push_str("</dd>\n"),
            TagEnd::Table => {
                self.out.push_str("</tbody>\n</table>\n</div>\n");
                self.table = None;
            }
            TagEnd::TableHead => {
                self.out.push_str("</tr>\n</thead>\n<tbody>\n");
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                let Some(t) = &mut self.table else { return };
                if let Some(cell) = self.cell.take()
                    && cell.plain
                {
                    self.out.truncate(cell.start);
                    self.out.push_str(&escape_html(&cell_text(&cell.raw, true)));
                }
                // An empty header cell (the corner above the row labels) is no header.
                if t.in_head
                    && let Some(open) = ["<th scope=\"col\">", "<th scope=\"col\" class=\"num\">"]
                        .into_iter()
                        .find(|o| self.out.ends_with(o))
                {
                    self.out.truncate(self.out.len() - open.len());
                    self.out.push_str("<td></td>");
                    t.column += 1;
                    return;
                }
                let close = if t.in_head || t.column == 0 { "</th>" } else { "</td>" };
                self.out.push_str(close);
                t.column += 1;
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Superscript => self.out.push_str("</sup>"),
            TagEnd::Subscript => self.out.push_str("</sub>"),
            TagEnd::Link => self.out.push_str("</a>"),
            TagEnd::Image => {
                let alt = self.alt.take().unwrap_or_default();
                let path = self.doc.images.get(self.image_index).map(String::as_str).unwrap_or_default();
                self.image_index += 1;
                self.out.push_str(&format!(
                    "<figure><img src=\"{}\" alt=\"{}\"></figure>\n",
                    escape_html(&image_href(path)),
                    escape_html(alt.trim())
                ));
            }
            _ => {}
        }
    }

    /// A figures table: caption with unit, row headers, note numbers linking to
    /// their notes, and for a note, links back to the lines it explains.
    fn figures_table(&mut self, id: &str) {
        let Some(blocks) = self.tables else { return };
        let Some(view) = blocks.views.get(id) else { return };
        let caption = escape_html(&view.caption);
        let out = &mut self.out;
        out.push_str(&format!(
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{caption}\">\n<table class=\"figures\" id=\"tabell-{}\">\n<caption>{caption}</caption>\n<thead>\n<tr>",
            escape_html(&view.id)
        ));
        if view.row_label.is_empty() {
            out.push_str("<td></td>");
        } else {
            out.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(&view.row_label)));
        }
        for label in &view.columns {
            out.push_str(&format!("<th scope=\"col\" class=\"num\">{}</th>", escape_html(label)));
        }
        if view.has_note_column {
            out.push_str(&format!("<th scope=\"col\" class=\"num\">{}</th>", escape_html(blocks.note)));
        }
        out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in &view.rows {
            let id = row.anchor.as_ref().map(|a| format!(" id=\"{}\"", escape_html(a))).unwrap_or_default();
            let class = match row.kind {
                RowKind::Total => " class=\"total\"",
                RowKind::Heading => " class=\"heading\"",
                RowKind::Normal => "",
            };
            out.push_str(&format!("<tr{id}{class}><th scope=\"row\">{}</th>", escape_html(&row.label)));
            for cell in &row.cells {
                out.push_str(&format!("<td class=\"num\">{}</td>", escape_html(cell)));
            }
            if view.has_note_column {
                let note = match blocks.note_link(row) {
                    Some((number, Some((slug, anchor)))) => format!("<a href=\"{slug}.html#{anchor}\">{number}</a>"),
                    Some((number, None)) => number.to_string(),
                    None => String::new(),
                };
                out.push_str(&format!("<td class=\"num\">{note}</td>"));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>\n</div>\n");
        let links: Vec<String> = blocks
            .back_links(view)
            .iter()
            .map(|l| format!("<a href=\"{}.html#{}\">{}</a>", l.slug, escape_html(&l.anchor), escape_html(&l.text)))
            .collect();
        if !links.is_empty() {
            out.push_str(&format!(
                "<p class=\"note-refs\">{} {}</p>\n",
                escape_html(blocks.refers_to),
                links.join(", ")
            ));
        }
    }

    fn footnote_section(&mut self, labels: &HtmlLabels) {
        if self.footnote_refs.is_empty() {
            return;
        }
        self.out.push_str(&format!(
            "<section class=\"footnotes\" aria-label=\"{}\">\n<ol>\n",
            escape_html(labels.footnotes)
        ));
        let refs = std::mem::take(&mut self.footnote_refs);
        for (i, label) in refs.iter().enumerate() {
            let number = i + 1;
            self.out.push_str(&format!("<li id=\"fn-{number}\">"));
            let mut reopened_paragraph = false;
            if let Some(inner) = self.doc.footnotes.get(label) {
                self.events(inner);
                // Put the back link inside the last paragraph rather than after it.
                if self.out.ends_with("</p>\n") {
                    self.out.truncate(self.out.len() - "</p>\n".len());
                    reopened_paragraph = true;
                }
            }
            self.out.push_str(&format!(
                " <a href=\"#fnref-{number}\" class=\"footnote-backref\" aria-label=\"{}\">↩</a>",
                escape_html(labels.back_to_text)
            ));
            if reopened_paragraph {
                self.out.push_str("</p>");
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ol>\n</section>\n");
    }
}

/// Chapter links (`03-x.md#rubrik`) point at the chapter's page; others are kept.
fn link_href(dest: &str) -> String {
    if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with('#') {
        return dest.to_owned();
    }
    let (file, anchor) = dest.split_once('#').map(|(f, a)| (f, Some(a))).unwrap_or((dest, None));
    match file.strip_suffix(".md") {
        Some(stem) => {
            let page = stem.rsplit('/').next().unwrap_or(stem);
            match anchor {
                Some(a) => format!("{page}.html#{a}"),
                None => format!("{page}.html"),
            }
        }
        None => dest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse;

    const LABELS: HtmlLabels = HtmlLabels { footnotes: "Fotnoter", back_to_text: "Tillbaka till texten" };

    fn html(body: &str) -> String {
        render(&parse(body, "c.md", "content/chapters", 0).unwrap(), &LABELS, None)
    }

    #[test]
    fn title_is_left_to_the_template_and_levels_are_kept() {
        let out = html("# Titel\n\n## Del\n\n### Under\n\nText & mer.\n");
        assert!(!out.contains("Titel") && out.contains("Text &amp; mer."), "{out}");
        assert!(out.contains("<h2 id=\"del\">Del</h2>") && out.contains("<h3 id=\"under\">Under</h3>"), "{out}");
    }

    #[test]
    fn tables_have_caption_scopes_and_swedish_numbers() {
        let out = html("# T\n\n## Noter\n\n| | 2013 |\n|---|---:|\n| Summa | -50 970 |\n");
        assert!(out.contains("<caption>Noter</caption>"), "{out}");
        assert!(
            out.contains("<tr><td></td><th scope=\"col\" class=\"num\">2013</th>"),
            "an empty corner is no header: {out}"
        );
        assert!(out.contains("<th scope=\"col\" class=\"num\">2013</th>"), "{out}");
        assert!(out.contains("<th scope=\"row\">Summa</th><td class=\"num\">\u{2212}50\u{a0}970</td>"), "{out}");
    }

    #[test]
    fn footnotes_link_both_ways() {
        let out = html("# T\n\nText[^a].\n\n[^a]: Källa.\n");
        assert!(out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"), "{out}");
        assert!(out.contains("<li id=\"fn-1\"><p>Källa. <a href=\"#fnref-1\""), "{out}");
    }

    #[test]
    fn chapter_links_point_at_pages() {
        assert_eq!(link_href("03-b.md#resultat"), "03-b.html#resultat");
        assert_eq!(link_href("https://example.se"), "https://example.se");
    }
}
