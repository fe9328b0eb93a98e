//! The HTML site: an index page, one page per chapter and a search page from
//! the theme's Tera templates, plus the search index, the theme's assets and
//! the chapters' images.
//!
//! Every link the site holds is relative, so the folder works opened from disk
//! and from any path of a web server; nothing is loaded from outside it.

use serde::Serialize;
use tera::{Context, Tera};

use super::{RenderedChapter, Report};
use crate::content::Status;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::templates;

/// The site's own pages besides the chapters; a chapter may not take their names.
const INDEX_PAGE: &str = "index.html";
const SEARCH_PAGE: &str = "search.html";
/// The search index: JSON assigned to a global, so it loads with a `<script>`
/// element also from disk, where a browser refuses to fetch a JSON file.
const SEARCH_INDEX: &str = "search-index.js";
/// Longest page description, in characters; search engines show about this much.
const DESCRIPTION_MAX: usize = 160;

#[derive(Serialize)]
struct ChapterLink<'a> {
    /// `None` when the report's chapters are not numbered (`chapter_numbers: false`).
    number: Option<usize>,
    title: &'a str,
    href: String,
    /// Not yet final: `utkast` or `granskning`.
    draft: bool,
}

#[derive(Serialize)]
struct Page<'a> {
    number: Option<usize>,
    title: &'a str,
    href: String,
    body: &'a str,
    /// The chapter's first paragraph, shortened; empty when it has none.
    description: String,
    prev: Option<ChapterLink<'a>>,
    next: Option<ChapterLink<'a>>,
}

fn is_draft(status: Option<Status>) -> bool {
    matches!(status, Some(Status::Utkast | Status::Granskning))
}

/// The number a chapter is shown with: none when the report numbers no chapters.
fn shown_number(ch: &RenderedChapter, numbered: bool) -> Option<usize> {
    numbered.then_some(ch.number)
}

fn link(ch: &RenderedChapter, numbered: bool) -> ChapterLink<'_> {
    ChapterLink { number: shown_number(ch, numbered), title: &ch.title, href: ch.href(), draft: is_draft(ch.status) }
}

/// Renders every page; returns `(site-relative path, bytes)` pairs.
pub fn render(
    report: &Report,
    chapters: &[RenderedChapter],
    pdf_name: &str,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    reserved_names(chapters)?;
    let theme = report.theme;
    let numbered = report.config.chapter_numbers;
    let link = |ch| link(ch, numbered);
    let mut tera = templates::engine();
    let mut templates = Vec::new();
    for (path, _) in theme.files_under("html/") {
        if path.ends_with(".html") {
            templates.push((path.trim_start_matches("html/"), theme.text(path)?));
        }
    }
    tera.add_raw_templates(templates).map_err(|e| {
        Diagnostics::from(templates::to_diagnostic(&e, |n| theme.display_name(&format!("html/{n}")), 0))
    })?;

    let mut base = Context::new();
    base.insert("report", &report.meta());
    base.insert("labels", &theme.labels);
    base.insert("chapters", &chapters.iter().map(link).collect::<Vec<_>>());
    base.insert("pdf_href", pdf_name);
    base.insert("pdf_file_type", super::pdf_size::slot());
    base.insert("site_links", &report.config.site_links);
    base.insert("root", "");
    base.insert("search_href", SEARCH_PAGE);

    let render = |tera: &Tera, name: &str, context: &Context| -> Result<Vec<u8>, Diagnostics> {
        tera.render(name, context).map(String::into_bytes).map_err(|e| {
            Diagnostics::from(templates::to_diagnostic(&e, |n| theme.display_name(&format!("html/{n}")), 0))
        })
    };

    // The start page speaks for the whole report: a draft while any chapter is.
    let mut index = base.clone();
    index.insert("current_href", INDEX_PAGE);
    index.insert("draft", &chapters.iter().any(|c| is_draft(c.status)));
    let mut files = vec![(INDEX_PAGE.to_owned(), render(&tera, INDEX_PAGE, &index)?)];

    for (i, ch) in chapters.iter().enumerate() {
        let mut context = base.clone();
        let page = Page {
            number: shown_number(ch, numbered),
            title: &ch.title,
            href: ch.href(),
            body: &ch.html,
            description: description(&ch.html),
            prev: i.checked_sub(1).map(|p| link(&chapters[p])),
            next: chapters.get(i + 1).map(link),
        };
        context.insert("current_href", &page.href);
        context.insert("draft", &is_draft(ch.status));
        context.insert("page", &page);
        files.push((ch.href(), render(&tera, "chapter.html", &context)?));
    }

    // A project theme made before the search page existed still gets the
    // built-in one, since theme files fall back to the default theme.
    if theme.files.contains_key(&format!("html/{SEARCH_PAGE}")) {
        let mut search = base.clone();
        search.insert("current_href", SEARCH_PAGE);
        search.insert("search_index_href", SEARCH_INDEX);
        files.push((SEARCH_PAGE.to_owned(), render(&tera, SEARCH_PAGE, &search)?));
        files.push((SEARCH_INDEX.to_owned(), search_index(chapters, numbered).into_bytes()));
    }

    for (path, file) in theme.files_under("html/assets/") {
        files.push((path.trim_start_matches("html/").to_owned(), file.bytes.clone()));
    }

    let mut diagnostics = Diagnostics::new();
    let mut images: Vec<&String> = chapters.iter().flat_map(|c| c.images.iter()).collect();
    images.sort();
    images.dedup();
    let fonts: Vec<&[u8]> = theme
        .files_under("fonts/")
        .filter(|(p, _)| p.ends_with(".ttf") || p.ends_with(".otf"))
        .map(|(_, f)| f.bytes.as_slice())
        .collect();
    for image in images {
        let bytes = match read_inside(&report.root, image) {
            Ok(bytes) => bytes,
            Err(message) => {
                diagnostics.push(Diagnostic::error(Some(Location::file(image.as_str())), message));
                continue;
            }
        };
        // An SVG could carry script: the site gets it re-drawn, never as written.
        if !image.to_lowercase().ends_with(".svg") {
            files.push((crate::markdown::html::image_href(image), bytes));
            continue;
        }
        match crate::svg::redraw(&bytes, &fonts) {
            Ok(svg) => files.push((crate::markdown::html::image_href(image), svg)),
            Err(e) => {
                let location = match e.position {
                    Some((line, column)) => Location::new(image.as_str(), line, column),
                    None => Location::file(image.as_str()),
                };
                let source = String::from_utf8_lossy(&bytes);
                diagnostics.push(
                    Diagnostic::error(Some(location), format!("the image cannot be used: {}", e.message))
                        .with_hint("save it again from the drawing program as plain SVG")
                        .with_source(&source),
                );
            }
        }
    }
    diagnostics.into_result().map(|_| files)
}

/// A chapter page may not overwrite one of the site's own pages.
fn reserved_names(chapters: &[RenderedChapter]) -> Result<(), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    for ch in chapters {
        let href = ch.href();
        if href == INDEX_PAGE || href == SEARCH_PAGE {
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::file(&ch.file)),
                    format!("the chapter's web page would be named {href}, which the site uses for its own page"),
                )
                .with_hint("give the file a number first, e.g. 01-inledning.md"),
            );
        }
    }
    diagnostics.into_result().map(drop)
}

/// Reads a project file, refusing one that resolves (through links) outside the project.
fn read_inside(root: &std::path::Path, rel: &str) -> Result<Vec<u8>, String> {
    let path = root.join(rel);
    let resolved = path.canonicalize().map_err(|e| format!("cannot read the image: {e}"))?;
    if !resolved.starts_with(root) {
        return Err("the image lies outside the project (through a symbolic link)".into());
    }
    std::fs::read(&resolved).map_err(|e| format!("cannot read the image: {e}"))
}

/// The page description: the text of the chapter's first paragraph, cut at a
/// word before [`DESCRIPTION_MAX`] characters.
fn description(body: &str) -> String {
    let Some(start) = body.find("<p>") else { return String::new() };
    let rest = &body[start + 3..];
    let paragraph = &rest[..rest.find("</p>").unwrap_or(rest.len())];
    let text = plain_text(paragraph);
    if text.chars().count() <= DESCRIPTION_MAX {
        return text;
    }
    let cut: String = text.chars().take(DESCRIPTION_MAX - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > DESCRIPTION_MAX / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// One searchable part of a chapter: the text from a heading to the next.
#[derive(Serialize, Debug, PartialEq)]
struct Section {
    /// The heading's id, empty for the text before the first heading.
    id: String,
    heading: String,
    text: String,
}

#[derive(Serialize)]
struct IndexedChapter<'a> {
    number: Option<usize>,
    title: &'a str,
    href: String,
    sections: Vec<Section>,
}

/// The search index, as a script that sets `window.arsrapportSearch`.
fn search_index(chapters: &[RenderedChapter], numbered: bool) -> String {
    let pages: Vec<IndexedChapter> = chapters
        .iter()
        .map(|ch| IndexedChapter {
            number: shown_number(ch, numbered),
            title: &ch.title,
            href: ch.href(),
            sections: sections(&ch.html),
        })
        .collect();
    let json = serde_json::to_string(&serde_json::json!({ "chapters": pages })).unwrap_or_else(|_| "{}".into());
    format!("// The search index of the site, written by arsrapport.\nwindow.arsrapportSearch = {json};\n")
}

/// Splits a chapter body at its headings (`<h2 id="…">` and deeper).
fn sections(body: &str) -> Vec<Section> {
    let mut out = Vec::new();
    let mut id = String::new();
    let mut heading = String::new();
    let mut rest = body;
    loop {
        let next = find_heading(rest);
        let end = next.as_ref().map_or(rest.len(), |h| h.start);
        let text = plain_text(&rest[..end]);
        if !text.is_empty() || !heading.is_empty() {
            out.push(Section { id: std::mem::take(&mut id), heading: std::mem::take(&mut heading), text });
        }
        let Some(h) = next else { break };
        id = h.id;
        heading = plain_text(&rest[h.content..h.end]);
        rest = &rest[h.after..];
    }
    out
}

struct HeadingAt {
    /// Offsets into the searched text: the `<`, the inner text, the closing tag, past it.
    start: usize,
    content: usize,
    end: usize,
    after: usize,
    id: String,
}

fn find_heading(html: &str) -> Option<HeadingAt> {
    let mut from = 0;
    while let Some(i) = html[from..].find("<h").map(|i| i + from) {
        let level = html.as_bytes().get(i + 2).copied().unwrap_or_default();
        let next = html.as_bytes().get(i + 3).copied().unwrap_or_default();
        if (b'2'..=b'6').contains(&level) && (next == b' ' || next == b'>') {
            let open_end = html[i..].find('>')? + i;
            let tag = &html[i..open_end];
            let id = attribute(tag, "id").unwrap_or_default();
            let close = format!("</h{}>", level as char);
            let end = html[open_end..].find(&close).map_or(html.len(), |e| e + open_end);
            return Some(HeadingAt {
                start: i,
                content: open_end + 1,
                end,
                after: (end + close.len()).min(html.len()),
                id,
            });
        }
        from = i + 2;
    }
    None
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(decode_entities(&tag[start..end]))
}

/// The visible text of an HTML fragment made by the Markdown renderer:
/// tags dropped, entities decoded, runs of white space made one space.
/// Footnote marks and back links are left out.
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[lt..lt + gt + 1];
        rest = &rest[lt + gt + 1..];
        // Footnote marks carry a number that would run into the word before it.
        if tag.starts_with("<sup class=\"footnote-ref\"") {
            rest = rest.find("</sup>").map_or("", |e| &rest[e + "</sup>".len()..]);
            continue;
        }
        if tag.contains("class=\"footnote-backref\"") {
            rest = rest.find("</a>").map_or("", |e| &rest[e + "</a>".len()..]);
            continue;
        }
        // Block boundaries and table cells separate words.
        let name: String =
            tag.trim_start_matches(['<', '/']).chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if !matches!(name.as_str(), "a" | "em" | "strong" | "code" | "del" | "sup" | "sub" | "span" | "abbr" | "mark") {
            text.push(' ');
        }
    }
    text.push_str(rest);
    // ASCII white space only: the no-break spaces inside figures stay.
    let decoded = decode_entities(&text);
    decoded.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest.find(';').filter(|&semi| semi <= 10).map(|semi| (&rest[1..semi], semi));
        let decoded = entity.and_then(|(name, semi)| {
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_tags_footnote_marks_and_decodes_entities() {
        let html = "<p>Kostnader &amp; intäkter<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup> \
                    var &lt;&#160;5&#x25;.</p>\n<table><tr><th scope=\"row\">Summa</th><td class=\"num\">\u{2212}50\u{a0}970</td></tr></table>\
                    <li id=\"fn-1\"><p>Källa. <a href=\"#fnref-1\" class=\"footnote-backref\" aria-label=\"Tillbaka\">↩</a></p></li>";
        assert_eq!(
            plain_text(html),
            "Kostnader & intäkter var <\u{a0}5%. Summa \u{2212}50\u{a0}970 Källa.",
            "no-break spaces inside figures are kept"
        );
    }

    #[test]
    fn sections_follow_the_headings() {
        let html = "<p>Inledning.</p>\n<h2 id=\"resultat\">Resultat &amp; mål</h2>\n<p>Text ett.</p>\n\
                    <h3 id=\"navet\">Navet</h3>\n<p>Text två.</p>\n";
        assert_eq!(
            sections(html),
            vec![
                Section { id: String::new(), heading: String::new(), text: "Inledning.".into() },
                Section { id: "resultat".into(), heading: "Resultat & mål".into(), text: "Text ett.".into() },
                Section { id: "navet".into(), heading: "Navet".into(), text: "Text två.".into() },
            ]
        );
        assert_eq!(sections(""), vec![]);
        // A heading with nothing under it is still found.
        assert_eq!(sections("<h2 id=\"a\">A</h2>").len(), 1);
    }

    #[test]
    fn description_is_the_first_paragraph_cut_at_a_word() {
        assert_eq!(description("<h2 id=\"x\">X</h2><p>Kort <em>text</em>.</p><p>Nästa.</p>"), "Kort text.");
        assert_eq!(description("<table></table>"), "");
        let long = format!("<p>{}</p>", "ordet ".repeat(60));
        let d = description(&long);
        assert!(d.chars().count() <= DESCRIPTION_MAX, "{d}");
        assert!(d.ends_with("ordet…"), "{d}");
    }

    #[test]
    fn search_index_is_a_script_holding_json() {
        let ch = RenderedChapter {
            file: "content/chapters/01-a.md".into(),
            slug: "01-a".into(),
            title: "Rubrik \"ett\" </script>".into(),
            number: 1,
            status: None,
            owner: None,
            typst: String::new(),
            line_map: Vec::new(),
            tables: Vec::new(),
            html: "<p>Text.</p>".into(),
            images: Vec::new(),
        };
        let js = search_index(std::slice::from_ref(&ch), true);
        let json = js.split_once("window.arsrapportSearch = ").unwrap().1.trim_end().trim_end_matches(';');
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["chapters"][0]["href"], "01-a.html");
        assert_eq!(value["chapters"][0]["title"], "Rubrik \"ett\" </script>");
        assert_eq!(value["chapters"][0]["sections"][0]["text"], "Text.");
    }

    #[test]
    fn a_chapter_may_not_take_the_name_of_a_site_page() {
        let mut ch = RenderedChapter {
            file: "content/chapters/search.md".into(),
            slug: "search".into(),
            title: "Sök".into(),
            number: 1,
            status: None,
            owner: None,
            typst: String::new(),
            line_map: Vec::new(),
            tables: Vec::new(),
            html: String::new(),
            images: Vec::new(),
        };
        assert!(reserved_names(std::slice::from_ref(&ch)).is_err());
        ch.slug = "01-sok".into();
        assert!(reserved_names(std::slice::from_ref(&ch)).is_ok());
    }

    #[test]
    fn drafts_are_utkast_and_granskning() {
        assert!(is_draft(Some(Status::Utkast)) && is_draft(Some(Status::Granskning)));
        assert!(!is_draft(Some(Status::Klar)) && !is_draft(None));
    }
}
