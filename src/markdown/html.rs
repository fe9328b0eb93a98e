//! The chapter model → the HTML body of a chapter page (everything below its
//! `<h1>`, which the page template writes). Accessible by construction: table
//! captions and header scopes, footnotes as real links with a way back. Only
//! writes syntax: every text, number, id and link comes from the model.

use super::emit::{self, Around, Emitter, Wrap};
use super::language::Language;
use super::model::{Align, Cell, Chapter, Heading, Image, KeyFigures, LinkTarget, Table};
use crate::figures::view::RowKind;

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

pub fn render(chapter: &Chapter) -> String {
    let mut html = Html { out: String::with_capacity(8192) };
    emit::blocks(&mut html, chapter, &chapter.blocks);
    footnotes(&mut html, chapter);
    html.out
}

struct Html {
    out: String,
}

/// The element a container is written as.
fn element(wrap: Wrap) -> &'static str {
    match wrap {
        Wrap::Paragraph => "p",
        Wrap::Quote => "blockquote",
        Wrap::ListItem => "li",
        Wrap::Definitions => "dl",
        Wrap::Term => "dt",
        Wrap::Details => "dd",
        Wrap::Emphasis => "em",
        Wrap::Strong => "strong",
        Wrap::Strikethrough => "del",
        Wrap::Superscript => "sup",
        Wrap::Subscript => "sub",
    }
}

/// Ends a line after a block's tag.
fn newline_if(block: bool) -> &'static str {
    if block { "\n" } else { "" }
}

impl Emitter for Html {
    fn push(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    fn written(&self) -> usize {
        self.out.len()
    }

    fn trim_end_from(&mut self, start: usize) {
        let end = start + self.out[start..].trim_end().len();
        self.out.truncate(end);
    }

    fn text(&mut self, text: &str) {
        self.out.push_str(&escape_html(text));
    }

    fn wrap(&self, wrap: Wrap) -> Around {
        let name = element(wrap);
        Around::new(
            format!("<{name}>{}", newline_if(wrap.holds_blocks())),
            format!("</{name}>{}", newline_if(wrap.is_block())),
        )
    }

    /// The title (a level-1 heading) is written by the page template as the h1.
    fn heading(&self, _chapter: &Chapter, h: &Heading) -> Option<Around> {
        let level = h.level;
        let number = match &h.number {
            Some(n) => format!("<span class=\"section-number\">{}</span> ", escape_html(n)),
            None => String::new(),
        };
        (!h.title)
            .then(|| Around::new(format!("<h{level} id=\"{}\">{number}", escape_html(&h.id)), format!("</h{level}>\n")))
    }

    fn list(&self, start: Option<u64>) -> Around {
        match start {
            None => Around::new("<ul>\n", "</ul>\n"),
            Some(1) => Around::new("<ol>\n", "</ol>\n"),
            Some(n) => Around::new(format!("<ol start=\"{n}\">\n"), "</ol>\n"),
        }
    }

    fn link(&self, _chapter: &Chapter, target: &LinkTarget, title: &str) -> Around {
        let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape_html(title)) };
        Around::new(format!("<a href=\"{}\"{title}>", escape_html(&href(target))), "</a>")
    }

    fn language(&self, language: &Language) -> Around {
        Around::new(format!("<span lang=\"{}\">", escape_html(&language.tag())), "</span>")
    }

    /// The marker is a graphic beside the symbol and word, hidden from screen
    /// readers (the word says it all); its fill is an attribute, so it shows
    /// whatever the site's style sheet says and when printed.
    fn status(&self, colour: &str) -> Around {
        Around::new(
            format!(
                "<span class=\"goal-status\"><svg class=\"goal-status__marker\" aria-hidden=\"true\" focusable=\"false\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"5\" fill=\"{}\"/></svg> ",
                escape_html(colour)
            ),
            "</span>",
        )
    }

    fn code_block(&mut self, lang: &str, text: &str) {
        let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape_html(lang)) };
        self.out.push_str(&format!("<pre><code{class}>{}</code></pre>\n", escape_html(text)));
    }

    fn rule(&mut self) {
        self.out.push_str("<hr>\n");
    }

    fn table(&mut self, chapter: &Chapter, t: &Table) {
        table(self, chapter, t);
    }

    fn chart(&mut self, chart: &crate::charts::place::PlacedChart) {
        self.out.push_str(&crate::charts::place::html(chart));
    }

    fn key_figures(&mut self, spread: &KeyFigures) {
        // A list, so a screen reader says how many cards there are; the arrow
        // and the signed figure are for the eye, the words for the ear.
        let mut out = format!("<ul class=\"key-figures\" id=\"nyckeltal-{}\">\n", escape_html(&spread.id));
        for card in &spread.cards {
            out.push_str("<li class=\"key-figure\">\n");
            out.push_str(&format!("<p class=\"key-figure-label\">{}</p>\n", escape_html(&card.label)));
            let unit = card
                .unit
                .as_ref()
                .map(|u| format!(" <span class=\"key-figure-unit\">{}</span>", escape_html(u)))
                .unwrap_or_default();
            out.push_str(&format!("<p class=\"key-figure-value\">{}{unit}</p>\n", escape_html(&card.value)));
            if let Some(change) = &card.change {
                out.push_str(&format!(
                    "<p class=\"key-figure-change key-figure-{}\"><span aria-hidden=\"true\"><span class=\"key-figure-arrow\">{}</span> {} <span class=\"key-figure-since\">{}</span></span><span class=\"visually-hidden\">{}</span></p>\n",
                    change.direction.name(),
                    change.direction.arrow(),
                    escape_html(&change.figure),
                    escape_html(&change.since),
                    escape_html(&change.words)
                ));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
        self.out.push_str(&out);
    }

    fn note_references(&mut self, _chapter: &Chapter, lead: &str, links: &[(LinkTarget, String)]) {
        let links: Vec<String> = links
            .iter()
            .map(|(target, text)| format!("<a href=\"{}\">{}</a>", escape_html(&href(target)), escape_html(text)))
            .collect();
        self.out.push_str(&format!("<p class=\"note-refs\">{} {}</p>\n", escape_html(lead), links.join(", ")));
    }

    fn code(&mut self, code: &str) {
        self.out.push_str(&format!("<code>{}</code>", escape_html(code)));
    }

    fn line_break(&mut self, hard: bool) {
        self.out.push_str(if hard { "<br>\n" } else { "\n" });
    }

    /// A numbered link to the footnote, which is listed at the end of the page.
    fn footnote_ref(&mut self, _chapter: &Chapter, n: usize) {
        self.out.push_str(&format!("<sup class=\"footnote-ref\"><a href=\"#fn-{n}\" id=\"fnref-{n}\">{n}</a></sup>"));
    }

    fn image(&mut self, image: &Image) {
        self.out.push_str(&format!(
            "<figure><img src=\"{}\" alt=\"{}\"></figure>\n",
            escape_html(&image_href(&image.path)),
            escape_html(&image.alt)
        ));
    }
}

/// A table: caption, header scopes, row headers, figures right-aligned.
fn table(html: &mut Html, chapter: &Chapter, t: &Table) {
    let caption = escape_html(t.caption.as_deref().unwrap_or(&t.name));
    let class = if t.figures { " class=\"figures\"" } else { "" };
    let id = t.id.as_ref().map(|id| format!(" id=\"{}\"", escape_html(id))).unwrap_or_default();
    html.out.push_str(&format!(
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{caption}\">\n<table{class}{id}>\n<caption>{caption}</caption>\n"
    ));
    for row in &t.header {
        html.out.push_str("<thead>\n<tr>");
        for (cell, column) in row.iter().zip(&t.columns) {
            // An empty header cell (the corner above the row labels) is no header.
            if cell.is_empty() {
                html.out.push_str("<td></td>");
                continue;
            }
            let class = if column.align == Align::Right { " class=\"num\"" } else { "" };
            table_cell(html, chapter, &format!("th scope=\"col\"{class}"), "th", cell);
        }
        html.out.push_str("</tr>\n</thead>\n");
    }
    html.out.push_str("<tbody>\n");
    for row in &t.rows {
        let id = row.anchor.as_ref().map(|a| format!(" id=\"{}\"", escape_html(a))).unwrap_or_default();
        let class = match row.kind {
            RowKind::Total => " class=\"total\"",
            RowKind::Heading => " class=\"heading\"",
            RowKind::Part => " class=\"part\"",
            RowKind::Normal => "",
        };
        html.out.push_str(&format!("<tr{id}{class}>"));
        for (x, (cell, column)) in row.cells.iter().zip(&t.columns).enumerate() {
            match (x, column.align) {
                (0, _) => table_cell(html, chapter, "th scope=\"row\"", "th", cell),
                (_, Align::Right) => table_cell(html, chapter, "td class=\"num\"", "td", cell),
                _ => table_cell(html, chapter, "td", "td", cell),
            }
        }
        html.out.push_str("</tr>\n");
    }
    html.out.push_str("</tbody>\n</table>\n</div>\n");
}

fn table_cell(html: &mut Html, chapter: &Chapter, open: &str, close: &str, cell: &Cell) {
    html.out.push_str(&format!("<{open}>"));
    emit::inlines(html, chapter, &cell.content);
    html.out.push_str(&format!("</{close}>"));
}

/// The chapter's footnotes, numbered as referred to, each with a link back.
fn footnotes(html: &mut Html, chapter: &Chapter) {
    if chapter.footnotes.is_empty() {
        return;
    }
    html.push(&format!(
        "<section class=\"footnotes\" aria-label=\"{}\">\n<ol>\n",
        escape_html(&chapter.footnotes_label)
    ));
    for (i, note) in chapter.footnotes.iter().enumerate() {
        let number = i + 1;
        html.push(&format!("<li id=\"fn-{number}\">"));
        emit::blocks(html, chapter, &note.blocks);
        // Put the back link inside the last paragraph rather than after it.
        let reopened_paragraph = html.out.ends_with("</p>\n");
        if reopened_paragraph {
            html.out.truncate(html.out.len() - "</p>\n".len());
        }
        html.push(&format!(
            " <a href=\"#fnref-{number}\" class=\"footnote-backref\" aria-label=\"{}\">↩</a>",
            escape_html(&chapter.back_to_text_label)
        ));
        if reopened_paragraph {
            html.push("</p>");
        }
        html.push("</li>\n");
    }
    html.push("</ol>\n</section>\n");
}

/// A link target as an `href`: chapters are pages of the site.
fn href(target: &LinkTarget) -> String {
    match target {
        LinkTarget::Url(url) => url.clone(),
        LinkTarget::Here(anchor) => format!("#{anchor}"),
        LinkTarget::Chapter { slug, anchor: Some(anchor) } => format!("{slug}.html#{anchor}"),
        LinkTarget::Chapter { slug, anchor: None } => format!("{slug}.html"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::build::{Labels, chapter};
    use crate::markdown::{ChapterContext, LineIndex, parse};

    const LABELS: Labels = Labels { footnotes: "Fotnoter", back_to_text: "Tillbaka till texten" };

    fn html(body: &str) -> String {
        let lines = LineIndex::new(body, 0);
        let ctx = ChapterContext { file: "c.md", slug: "01-a", body, lines: &lines, line_offset: 0, tables: None };
        render(&chapter(&parse(body, "c.md", "content/chapters", 0).unwrap(), &ctx, &LABELS))
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
    fn a_section_number_from_the_model_is_written_before_the_heading_text() {
        let heading = Heading { level: 2, id: "del".into(), title: false, number: Some("2.1".into()), content: vec![] };
        let chapter = Chapter::without_blocks("02-b");
        let around = Html { out: String::new() }.heading(&chapter, &heading).unwrap();
        assert_eq!(around.before, "<h2 id=\"del\"><span class=\"section-number\">2.1</span> ");
    }

    #[test]
    fn footnotes_link_both_ways() {
        let out = html("# T\n\nText[^a].\n\n[^a]: Källa.\n");
        assert!(out.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>"), "{out}");
        assert!(out.contains("<li id=\"fn-1\"><p>Källa. <a href=\"#fnref-1\""), "{out}");
    }

    #[test]
    fn chapter_links_point_at_pages() {
        let out = html("# T\n\n[a](03-b.md#resultat), [b](https://example.se), [c](#del)\n");
        assert!(out.contains("<a href=\"03-b.html#resultat\">a</a>"), "{out}");
        assert!(out.contains("<a href=\"https://example.se\">b</a>"), "{out}");
        assert!(out.contains("<a href=\"#del\">c</a>"), "{out}");
    }
}
