//! End-to-end tests of the web site: structure that accessibility depends on,
//! links that resolve inside the site, nothing loaded from outside it, the
//! draft banner, the search index, and the same figures as in the PDF.
//!
//! The checks read the generated HTML with a small tag reader of their own
//! (the pages are the build's own, well-formed output); the browser checks in
//! `tests/browser/` cover what needs a real browser (axe-core, layout, focus).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::*;

// ---------------------------------------------------------------------------
// A minimal HTML tag reader

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open { name: String, attrs: Vec<(String, String)> },
    Close(String),
    Text(String),
}

impl Token {
    fn is_open(&self, tag: &str) -> bool {
        matches!(self, Token::Open { name, .. } if name == tag)
    }
    fn is_close(&self, tag: &str) -> bool {
        matches!(self, Token::Close(name) if name == tag)
    }
    fn attr(&self, key: &str) -> Option<&str> {
        match self {
            Token::Open { attrs, .. } => attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// Splits a page into tags and decoded text. Comments, the doctype and the
/// contents of `<script>` and `<style>` are skipped.
fn tokens(html: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.push(Token::Text(decode(rest)));
            break;
        };
        if lt > 0 {
            out.push(Token::Text(decode(&rest[..lt])));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let gt = tag_end(rest).unwrap_or_else(|| panic!("unterminated tag: {}", &rest[..rest.len().min(80)]));
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            out.push(Token::Close(name.trim().to_ascii_lowercase()));
            continue;
        }
        let tag = tag.trim_end_matches('/');
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        let attrs = attributes(&tag[name_end..]);
        if name == "script" || name == "style" {
            let close = format!("</{name}>");
            rest = rest.find(&close).map_or("", |e| &rest[e..]);
        }
        out.push(Token::Open { name, attrs });
    }
    out
}

/// The end of the tag starting at `s[0] == '<'`, respecting quoted values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes(mut s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return attrs;
        }
        let key_end = s.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(s.len());
        let key = s[..key_end].to_ascii_lowercase();
        s = s[key_end..].trim_start();
        let Some(after_eq) = s.strip_prefix('=') else {
            attrs.push((key, String::new()));
            continue;
        };
        let after_eq = after_eq.trim_start();
        let (value, rest) = match after_eq.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let end = after_eq[1..].find(q).map_or(after_eq.len(), |e| e + 1);
                (&after_eq[1..end], after_eq.get(end + 1..).unwrap_or(""))
            }
            _ => {
                let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                (&after_eq[..end], &after_eq[end..])
            }
        };
        attrs.push((key, decode(value)));
        s = rest;
    }
}

fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.find(';').filter(|&s| s < 12);
        let c = semi.and_then(|s| match &rest[1..s] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n => n
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        });
        match (c, semi) {
            (Some(c), Some(s)) => {
                out.push(c);
                rest = &rest[s + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text between `tokens[start]` (an opening tag) and its closing tag.
fn inner_text(tokens: &[Token], start: usize) -> String {
    let Token::Open { name, .. } = &tokens[start] else { panic!("not an opening tag") };
    let mut depth = 0;
    let mut text = String::new();
    for t in &tokens[start + 1..] {
        match t {
            Token::Open { name: n, .. } if n == name => depth += 1,
            Token::Close(n) if n == name => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Token::Text(s) => text.push_str(s),
            _ => {}
        }
    }
    collapse(&text)
}

/// Runs of ASCII white space as one space; no-break spaces inside figures stay.
fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_ascii_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// The built site

struct Site {
    dir: PathBuf,
    /// Site-relative path → page source, for every .html file.
    pages: BTreeMap<String, String>,
}

impl Site {
    fn load(dir: &Path) -> Site {
        let mut pages = BTreeMap::new();
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "html") {
                let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                pages.insert(rel, std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        assert!(pages.contains_key("index.html"), "the site has no index.html");
        Site { dir: dir.to_path_buf(), pages }
    }

    fn ids(&self, page: &str) -> BTreeSet<String> {
        tokens(&self.pages[page]).iter().filter_map(|t| t.attr("id").map(str::to_owned)).collect()
    }
}

/// Builds the example once for all tests in this file that only read it.
fn example_site() -> &'static (tempfile::TempDir, PathBuf) {
    static SITE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let dir = example();
        let (out, _, stderr) = build(dir.path());
        assert!(out.status.success(), "{stderr}");
        let html = dir.path().join("output/arsredovisning-2013");
        (dir, html)
    })
}

/// Whether a URL names something outside the site: another host, or a path
/// from the server's root (which breaks when the site lies in a sub-folder).
fn leaves_the_site(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//") || lower.starts_with('/')
}

/// Resolves a relative URL against a page's folder. `None` for URLs the
/// site does not serve itself (mail, telephone, data).
fn resolve(page: &str, url: &str) -> Option<(String, Option<String>)> {
    let lower = url.to_ascii_lowercase();
    if ["mailto:", "tel:", "data:"].iter().any(|s| lower.starts_with(s)) {
        return None;
    }
    let url = url.split_once('?').map_or(url, |(u, _)| u);
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (url, None),
    };
    if path.is_empty() {
        return Some((page.to_owned(), fragment));
    }
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in path.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                assert!(parts.pop().is_some(), "{page}: {url} climbs out of the site");
            }
            s => parts.push(s),
        }
    }
    Some((parts.join("/"), fragment))
}

fn heading_level(t: &Token) -> Option<u8> {
    match t {
        Token::Open { name, .. } if name.len() == 2 && name.starts_with('h') => {
            name[1..].parse().ok().filter(|l| (1..=6).contains(l))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Structure and accessibility

#[test]
fn every_page_has_language_one_h1_and_no_skipped_heading_level() {
    let (_dir, html) = example_site();
    let site = Site::load(html);
    assert!(site.pages.len() >= 13, "index, search page and the chapters: {:?}", site.pages.keys());
    for (page, source) in &site.pages {
        let tokens = tokens(source);
        let html_tag = tokens.iter().find(|t| t.is_open("html")).unwrap();
        assert_eq!(html_tag.attr("lang"), Some("sv"), "{page}: <html lang>");

        let levels: Vec<u8> = tokens.iter().filter_map(heading_level).collect();
        assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1, "{page}: exactly one h1, found levels {levels:?}");
        assert_eq!(levels.first(), Some(&1), "{page}: the h1 comes first: {levels:?}");
        for pair in levels.windows(2) {
            assert!(
                pair[1] <= pair[0] + 1,
                "{page}: heading level jumps from h{} to h{}: {levels:?}",
                pair[0],
                pair[1]
            );
        }

        for img in tokens.iter().filter(|t| t.is_open("img")) {
            let alt = img.attr("alt").unwrap_or_else(|| panic!("{page}: an image without alt: {img:?}"));
            assert!(!alt.trim().is_empty() || img.attr("role") == Some("presentation"), "{page}: empty alt: {img:?}");
        }

        let h1 = tokens.iter().position(|t| t.is_open("h1")).unwrap();
        assert!(!inner_text(&tokens, h1).is_empty(), "{page}: the h1 is empty");
        let main = tokens.iter().filter(|t| t.is_open("main")).count();
        assert_eq!(main, 1, "{page}: one <main>");
        let skip = tokens.iter().find(|t| t.is_open("a")).unwrap();
        let target = skip.attr("href").and_then(|h| h.strip_prefix('#')).unwrap_or_default();
        let main_id = tokens.iter().find(|t| t.is_open("main")).and_then(|t| t.attr("id")).unwrap_or_default();
        assert!(!target.is_empty() && target == main_id, "{page}: the first link skips to <main id>");
    }
}

#[test]
fn every_table_has_a_caption_and_scoped_header_cells() {
    let (_dir, html) = example_site();
    let site = Site::load(html);
    let mut tables = 0;
    for (page, source) in &site.pages {
        let tokens = tokens(source);
        for (i, t) in tokens.iter().enumerate() {
            if !t.is_open("table") {
                continue;
            }
            tables += 1;
            let first = tokens[i + 1..].iter().find(|t| !matches!(t, Token::Text(s) if s.trim().is_empty()));
            assert!(
                first.is_some_and(|t| t.is_open("caption")),
                "{page}: table {tables} does not start with a <caption>"
            );
            let caption =
                inner_text(&tokens, i + 1 + tokens[i + 1..].iter().position(|t| t.is_open("caption")).unwrap());
            assert!(!caption.is_empty(), "{page}: empty caption");
            let end = i + tokens[i..].iter().position(|t| t.is_close("table")).unwrap();
            let mut rows_with_header = 0;
            let mut rows = 0;
            for (j, cell) in tokens[i..end].iter().enumerate() {
                if cell.is_open("tr") {
                    rows += 1;
                    let row_end = i + j + tokens[i + j..].iter().position(|t| t.is_close("tr")).unwrap();
                    if tokens[i + j..row_end].iter().any(|t| t.is_open("th")) {
                        rows_with_header += 1;
                    }
                }
                if cell.is_open("th") {
                    let scope = cell.attr("scope").unwrap_or_default();
                    assert!(
                        ["col", "row", "colgroup", "rowgroup"].contains(&scope),
                        "{page}: a header cell of the table \"{caption}\" has no scope"
                    );
                }
            }
            assert_eq!(rows_with_header, rows, "{page}: every row of \"{caption}\" has a header cell");
        }
    }
    assert!(tables >= 10, "the example has its statements and notes as tables, found {tables}");
}

#[test]
fn pages_have_titles_descriptions_and_open_graph_titles() {
    let (_dir, html) = example_site();
    let site = Site::load(html);
    let mut titles = BTreeSet::new();
    for (page, source) in &site.pages {
        let tokens = tokens(source);
        let title_at = tokens.iter().position(|t| t.is_open("title")).unwrap_or_else(|| panic!("{page}: no <title>"));
        let title = inner_text(&tokens, title_at);
        assert!(title.contains("Årsredovisning 2013"), "{page}: the title names the report: {title}");
        assert!(titles.insert(title.clone()), "{page}: the title {title:?} is used twice");
        let meta = |attr: &str, key: &str| {
            tokens
                .iter()
                .find(|t| t.is_open("meta") && t.attr(attr) == Some(key))
                .and_then(|t| t.attr("content"))
                .map(str::to_owned)
        };
        assert_eq!(meta("property", "og:title").as_deref(), Some(title.as_str()), "{page}: og:title");
        let description = meta("name", "description").unwrap_or_default();
        assert!(description.len() > 20, "{page}: a meta description: {description:?}");
        assert!(description.chars().count() <= 300, "{page}: a description is short: {description:?}");
        assert!(!description.contains('<') && !description.contains("&lt;"), "{page}: {description:?}");
    }
    // A chapter page describes itself, not the whole report.
    let chapter = tokens(&site.pages["08-resultatrakning.html"]);
    let description = chapter
        .iter()
        .find(|t| t.is_open("meta") && t.attr("name") == Some("description"))
        .and_then(|t| t.attr("content"))
        .unwrap();
    assert!(description.starts_with("Alla belopp anges i tusentals kronor"), "{description}");
}

/// Every id of a page once: links, `aria-labelledby` and the skip link rely on it.
fn assert_unique_ids(site: &Site) {
    for (page, source) in &site.pages {
        let mut ids = BTreeSet::new();
        for id in tokens(source).iter().filter_map(|t| t.attr("id").map(str::to_owned)) {
            assert!(ids.insert(id.clone()), "{page}: the id \"{id}\" is used twice");
        }
    }
}

#[test]
fn no_page_of_the_example_uses_an_id_twice() {
    let (_dir, html) = example_site();
    assert_unique_ids(&Site::load(html));
}

#[test]
fn a_chapter_heading_never_takes_an_id_of_the_page_itself() {
    // Headings whose ids would be the templates' own if these were not kept apart.
    let dir = project(&[(
        "01-innehall.md",
        "# Innehåll\n\n## Innehåll\n\nText.\n\n## Sök sida\n\nMer.\n\n## Innehållsförteckning\n\nSlut.\n",
    )]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let site = Site::load(&dir.path().join("output/html"));
    assert_unique_ids(&site);
    let page = tokens(&site.pages["01-innehall.html"]);
    let skip = page.iter().find(|t| t.is_open("a")).and_then(|t| t.attr("href")).unwrap();
    let target = page.iter().find(|t| t.attr("id") == skip.strip_prefix('#')).unwrap();
    assert!(target.is_open("main"), "the skip link leads to <main>, not to {target:?}");
}

#[test]
fn note_references_in_the_statements_are_links_to_the_notes() {
    let (_dir, html) = example_site();
    let site = Site::load(html);
    let tokens = tokens(&site.pages["08-resultatrakning.html"]);
    let start = tokens.iter().position(|t| t.is_open("table")).unwrap();
    let end = start + tokens[start..].iter().position(|t| t.is_close("table")).unwrap();
    let table = &tokens[start..end];
    // The column whose heading is "Not".
    let heads: Vec<String> = table
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_open("th") && t.attr("scope") == Some("col"))
        .map(|(i, _)| inner_text(table, i))
        .collect();
    let note_column = heads.iter().position(|h| h == "Not").expect("a Not column"); // the corner is a column header too
    let mut links = 0;
    let mut i = 0;
    while i < table.len() {
        if table[i].is_open("tr") && table[..i].iter().any(|t| t.is_open("tbody")) {
            let row_end = i + table[i..].iter().position(|t| t.is_close("tr")).unwrap();
            let cells: Vec<usize> =
                (i..row_end).filter(|&j| table[j].is_open("td") || table[j].is_open("th")).collect();
            if let Some(&cell) = cells.get(note_column) {
                let cell_end = cell + table[cell..].iter().position(|t| t.is_close("td")).unwrap();
                let text = inner_text(table, cell);
                let link = table[cell..cell_end].iter().find(|t| t.is_open("a")).and_then(|t| t.attr("href"));
                if !text.is_empty() {
                    let href = link.unwrap_or_else(|| panic!("note {text} is not a link"));
                    assert!(href.starts_with("10-noter.html#"), "note {text} links to {href}");
                    links += 1;
                }
            }
            i = row_end;
        }
        i += 1;
    }
    assert!(links >= 7, "notes 1–7 are referenced from the resultaträkning, found {links} links");
    // And a note leads back to the line it explains.
    assert!(site.pages["10-noter.html"].contains("href=\"08-resultatrakning.html#"), "notes link back to their lines");
}

// ---------------------------------------------------------------------------
// Links and self-containment

#[test]
fn every_link_inside_the_site_resolves_and_nothing_is_loaded_from_outside() {
    let (_dir, html) = example_site();
    let site = Site::load(html);
    let ids: BTreeMap<String, BTreeSet<String>> = site.pages.keys().map(|p| (p.clone(), site.ids(p))).collect();
    let mut checked = 0;
    for (page, source) in &site.pages {
        for t in tokens(source) {
            let Token::Open { name, .. } = &t else { continue };
            for attr in ["href", "src", "action", "poster"] {
                let Some(url) = t.attr(attr) else { continue };
                if name != "a" {
                    assert!(!leaves_the_site(url), "{page}: <{name} {attr}=\"{url}\"> loads from outside the site");
                }
                if name == "a" && url.starts_with('/') {
                    panic!("{page}: <a href=\"{url}\"> is not relative");
                }
                if leaves_the_site(url) {
                    continue; // an ordinary link to another web site
                }
                let Some((target, fragment)) = resolve(page, url) else { continue };
                assert!(site.dir.join(&target).is_file(), "{page}: {url} points at {target}, which the site lacks");
                if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    let known = ids.get(&target).unwrap_or_else(|| panic!("{page}: {url}: #{fragment} in a non-page"));
                    assert!(known.contains(&fragment), "{page}: {url}: {target} has no id \"{fragment}\"");
                }
                checked += 1;
            }
            if let Some(srcset) = t.attr("srcset") {
                assert!(!leaves_the_site(srcset), "{page}: srcset loads from outside the site");
            }
        }
    }
    assert!(checked > 100, "only {checked} links were checked");
    // The PDF is part of the site and offered from every page.
    assert!(site.dir.join("arsredovisning-2013.pdf").is_file());
    for (page, source) in &site.pages {
        assert!(source.contains("href=\"arsredovisning-2013.pdf\""), "{page} does not offer the PDF");
    }
}

#[test]
fn stylesheets_and_scripts_load_nothing_from_outside() {
    let (_dir, html) = example_site();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(html) {
        let entry = entry.unwrap();
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !matches!(ext, "css" | "js") || path.file_name().is_some_and(|n| n == "search-index.js") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(path).unwrap();
        let rel = path.strip_prefix(html).unwrap().display().to_string();
        for needle in ["http://", "https://", "@import", "fetch(", "XMLHttpRequest", "sendBeacon", "WebSocket"] {
            assert!(!text.contains(needle), "{rel} contains {needle}");
        }
        // Every url(...) in a stylesheet is relative and names a file of the site.
        let mut rest = text.as_str();
        while let Some(i) = rest.find("url(") {
            rest = &rest[i + 4..];
            let end = rest.find(')').unwrap();
            let url = rest[..end].trim().trim_matches(['"', '\'']);
            if !url.starts_with("data:") {
                assert!(!leaves_the_site(url), "{rel}: url({url})");
                let target = path.parent().unwrap().join(url.split(['?', '#']).next().unwrap());
                assert!(target.is_file(), "{rel}: url({url}) names a missing file");
            }
        }
    }
    assert!(files >= 2, "style.css and search.js");
}

// ---------------------------------------------------------------------------
// Search

#[test]
fn the_search_index_covers_every_chapter_and_points_at_real_anchors() {
    let (_dir, html) = example_site();
    let site = Site::load(html);
    let search = &site.pages["search.html"];
    assert!(search.contains("src=\"search-index.js\""), "the search page loads its index");
    let script = std::fs::read_to_string(html.join("search-index.js")).unwrap();
    let json = script
        .split_once("window.arsrapportSearch = ")
        .map(|(_, j)| j.trim_end().trim_end_matches(';'))
        .expect("the index sets window.arsrapportSearch");
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    let chapters = index["chapters"].as_array().unwrap();
    let pages: Vec<&String> = site.pages.keys().filter(|p| p.as_bytes()[0].is_ascii_digit()).collect();
    assert_eq!(chapters.len(), pages.len());
    let mut words = 0;
    for chapter in chapters {
        let href = chapter["href"].as_str().unwrap();
        let ids = site.ids(href);
        for section in chapter["sections"].as_array().unwrap() {
            let id = section["id"].as_str().unwrap();
            assert!(id.is_empty() || ids.contains(id), "{href}#{id} does not exist");
            let text = section["text"].as_str().unwrap();
            assert!(!text.contains('<') || !text.contains('>'), "markup in the index: {text}");
            words += text.split_whitespace().count();
        }
    }
    assert!(words > 3000, "the index holds the chapters' text, {words} words");
    assert!(json.contains("Medarbetarcentrum") && json.contains("29\u{a0}716"), "text and figures are searchable");
}

// ---------------------------------------------------------------------------
// Draft banner

#[test]
fn chapters_not_yet_final_carry_the_draft_banner() {
    let chapter = |status: &str, title: &str| {
        let front = if status.is_empty() { String::new() } else { format!("---\nstatus: {status}\n---\n") };
        format!("{front}# {title}\n\nText om {title}.\n")
    };
    let dir = project(&[
        ("01-utkast.md", &chapter("utkast", "Utkastet")),
        ("02-granskning.md", &chapter("granskning", "Granskningen")),
        ("03-klar.md", &chapter("klar", "Det klara")),
        ("04-utan.md", &chapter("", "Utan status")),
    ]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = dir.path().join("output/html");
    let banner = |page: &str| {
        let source = std::fs::read_to_string(html.join(page)).unwrap();
        let tokens = tokens(&source);
        let at = tokens.iter().position(|t| t.attr("class") == Some("draft-banner"));
        at.map(|i| inner_text(&tokens, i))
    };
    for page in ["01-utkast.html", "02-granskning.html"] {
        let text = banner(page).unwrap_or_else(|| panic!("{page} has no draft banner"));
        assert!(text.starts_with("Utkast.") && text.contains("inte fastställt"), "{page}: {text}");
    }
    for page in ["03-klar.html", "04-utan.html"] {
        assert_eq!(banner(page), None, "{page} is not a draft");
    }
    assert!(banner("index.html").is_some(), "the start page warns while any chapter is a draft");
    let index = std::fs::read_to_string(html.join("index.html")).unwrap();
    assert_eq!(index.matches("class=\"status-badge\"").count(), 2, "the contents mark the two drafts");

    // Once every chapter is final, no page carries the banner.
    for name in ["01-utkast.md", "02-granskning.md"] {
        let path = dir.path().join("content/chapters").join(name);
        let text = std::fs::read_to_string(&path).unwrap().replace("status: utkast", "status: klar");
        std::fs::write(&path, text.replace("status: granskning", "status: klar")).unwrap();
    }
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    for page in ["index.html", "01-utkast.html", "02-granskning.html"] {
        assert_eq!(banner(page), None, "{page} after all chapters are final");
    }
}

// ---------------------------------------------------------------------------
// The same figures as the PDF

/// Spaces as the PDF text gives them: no-break and narrow spaces are spaces,
/// runs of white space one space. The minus sign is left alone on both sides,
/// so a hyphen in one output and U+2212 in the other is a difference.
fn normalise(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rows of the first table on a page: the row header and the texts of the
/// data cells that are not empty.
fn first_table_rows(source: &str) -> (String, Vec<(String, Vec<String>)>) {
    let tokens = tokens(source);
    let start = tokens.iter().position(|t| t.is_open("table")).expect("a table");
    let end = start + tokens[start..].iter().position(|t| t.is_close("table")).unwrap();
    let caption = tokens[start..end].iter().position(|t| t.is_open("caption")).map(|i| inner_text(&tokens, start + i));
    let body = start + tokens[start..end].iter().position(|t| t.is_open("tbody")).expect("a <tbody>");
    let mut rows = Vec::new();
    let mut i = body;
    while i < end {
        if tokens[i].is_open("tr") {
            let row_end = i + tokens[i..].iter().position(|t| t.is_close("tr")).unwrap();
            let mut label = None;
            let mut values = Vec::new();
            for (j, cell) in tokens.iter().enumerate().take(row_end).skip(i) {
                if cell.is_open("th") && label.is_none() {
                    label = Some(inner_text(&tokens, j));
                } else if cell.is_open("td") {
                    let v = inner_text(&tokens, j);
                    if !v.is_empty() {
                        values.push(v);
                    }
                }
            }
            rows.push((label.expect("a row header"), values));
            i = row_end;
        }
        i += 1;
    }
    (caption.unwrap_or_default(), rows)
}

#[test]
fn the_resultatrakning_shows_the_same_figures_in_html_and_pdf() {
    let (dir, html) = example_site();
    let source = std::fs::read_to_string(html.join("08-resultatrakning.html")).unwrap();
    let (caption, rows) = first_table_rows(&source);
    assert!(rows.len() >= 10, "the consolidated statement has its lines: {rows:?}");
    let labels: Vec<&str> = rows.iter().map(|(l, _)| l.as_str()).collect();
    for expected in ["Verksamhetens intäkter", "Verksamhetens kostnader", "Verksamhetens nettokostnader"] {
        assert!(labels.contains(&expected), "{caption}: no line {expected:?} in {labels:?}");
    }
    assert!(labels.iter().any(|l| l.starts_with("Årets resultat")), "{labels:?}");
    let figures: Vec<&String> = rows.iter().flat_map(|(_, v)| v).collect();
    assert!(figures.iter().any(|f| f.as_str() == "29\u{a0}716"), "grouped with a no-break space: {figures:?}");
    assert!(figures.iter().any(|f| f.as_str() == "\u{2212}50\u{a0}970"), "a real minus sign: {figures:?}");
    assert!(!figures.iter().any(|f| f.contains('-')), "no hyphen as a minus: {figures:?}");

    let pdf = normalise(&pdf_text(&dir.path().join("output/arsredovisning-2013.pdf")));
    // Row by row, in order: each line of the table, label and figures, appears
    // in the PDF's text after the previous one.
    let mut at = 0;
    for (label, values) in &rows {
        let line = normalise(&format!("{label} {}", values.join(" ")));
        let line = line.trim_end();
        match pdf[at..].find(line) {
            Some(i) => at += i + line.len(),
            None => {
                let near =
                    pdf[at..].find(&normalise(label)).map(|i| pdf[at + i..].chars().take(120).collect::<String>());
                panic!("the PDF lacks the line {line:?} after the previous one; near the label it reads {near:?}");
            }
        }
    }
}
