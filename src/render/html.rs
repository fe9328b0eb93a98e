//! The HTML site: an index page and one page per chapter from the theme's Tera
//! templates, plus the theme's assets and the chapters' images.

use serde::Serialize;
use tera::{Context, Tera};

use super::{RenderedChapter, Report};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::templates;

#[derive(Serialize)]
struct ChapterLink<'a> {
    number: usize,
    title: &'a str,
    href: String,
}

#[derive(Serialize)]
struct Page<'a> {
    number: usize,
    title: &'a str,
    href: String,
    body: &'a str,
    prev: Option<ChapterLink<'a>>,
    next: Option<ChapterLink<'a>>,
}

fn link(ch: &RenderedChapter) -> ChapterLink<'_> {
    ChapterLink { number: ch.number, title: &ch.title, href: ch.href() }
}

/// Renders every page; returns `(site-relative path, bytes)` pairs.
pub fn render(
    report: &Report,
    chapters: &[RenderedChapter],
    pdf_name: &str,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let theme = report.theme;
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
    base.insert("root", "");

    let render = |tera: &Tera, name: &str, context: &Context| -> Result<Vec<u8>, Diagnostics> {
        tera.render(name, context).map(String::into_bytes).map_err(|e| {
            Diagnostics::from(templates::to_diagnostic(&e, |n| theme.display_name(&format!("html/{n}")), 0))
        })
    };

    let mut files = vec![("index.html".to_owned(), render(&tera, "index.html", &base)?)];
    for (i, ch) in chapters.iter().enumerate() {
        let mut context = base.clone();
        let page = Page {
            number: ch.number,
            title: &ch.title,
            href: ch.href(),
            body: &ch.html,
            prev: i.checked_sub(1).map(|p| link(&chapters[p])),
            next: chapters.get(i + 1).map(link),
        };
        context.insert("page", &page);
        files.push((ch.href(), render(&tera, "chapter.html", &context)?));
    }

    for (path, file) in theme.files_under("html/assets/") {
        files.push((path.trim_start_matches("html/").to_owned(), file.bytes.clone()));
    }

    let mut diagnostics = Diagnostics::new();
    let mut images: Vec<&String> = chapters.iter().flat_map(|c| c.images.iter()).collect();
    images.sort();
    images.dedup();
    for image in images {
        match read_inside(&report.root, image) {
            Ok(bytes) => files.push((crate::markdown::html::image_href(image), bytes)),
            Err(message) => diagnostics.push(Diagnostic::error(Some(Location::file(image.as_str())), message)),
        }
    }
    diagnostics.into_result().map(|_| files)
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
