//! The PDF: a thin `report.typ` rendered by Tera includes the theme's
//! `lib.typ` and the chapters converted to typst; metadata and labels reach
//! typst as JSON, never as spliced markup. Compiled and exported in-process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use typst::World;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::syntax::DiagSpanKind;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::bounds;
use super::layout::{self, Caches};
use super::measure::TableFonts;
use super::world::ReportWorld;
use super::{RenderedChapter, Report};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::typst::escape_string;
use crate::templates;
use crate::theme::Origin;

pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub warnings: Diagnostics,
    /// Time spent in typst's compile (evaluation and layout) and in the PDF export.
    pub compile: Duration,
    pub export: Duration,
}

fn chapter_path(slug: &str) -> String {
    format!("/chapters/{slug}.typ")
}

/// The document's date as typst's `datetime.today()` and the PDF's timestamp
/// (see `ReportConfig::document_date` for where it comes from).
fn document_day(report: &Report) -> Result<Datetime, Diagnostics> {
    let invalid = |message: String| {
        Diagnostics::from(
            Diagnostic::error(Some(Location::file("content/report.yaml")), message)
                .with_hint("write the document's `date:` as YYYY-MM-DD"),
        )
    };
    let (y, m, d) = report.config.document_date().map_err(invalid)?;
    let month = u8::try_from(m).ok();
    let day = u8::try_from(d).ok();
    month
        .zip(day)
        .and_then(|(m, d)| Datetime::from_ymd(y, m, d))
        .ok_or_else(|| invalid(format!("{y}-{m:02}-{d:02} is not a date typst can use")))
}

/// Each chapter's table widths as JSON (see `measure.rs`), the chapters
/// shared out between the cores. A chapter whose tables are as in an
/// earlier build of this process (a rebuild in `serve`) keeps its widths.
fn table_widths(fonts: &[&[u8]], families: &[String], language: &str, chapters: &[RenderedChapter]) -> Vec<Vec<u8>> {
    use std::hash::{Hash, Hasher};
    static KNOWN: Mutex<Option<HashMap<u64, Vec<u8>>>> = Mutex::new(None);
    let mut setting = std::collections::hash_map::DefaultHasher::new();
    (fonts, families, language).hash(&mut setting);
    let keys: Vec<u64> = chapters
        .iter()
        .map(|c| {
            let mut key = setting.clone();
            c.tables.hash(&mut key);
            key.finish()
        })
        .collect();
    let known = KNOWN.lock().unwrap_or_else(|p| p.into_inner()).take().unwrap_or_default();
    let wanted: Vec<&RenderedChapter> =
        chapters.iter().zip(&keys).filter(|(_, key)| !known.contains_key(key)).map(|(c, _)| c).collect();

    let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 4);
    let per_thread = wanted.len().div_ceil(threads).max(1);
    let measured: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let parts: Vec<_> = wanted
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    let table_fonts = TableFonts::new(fonts, families, language);
                    part.iter()
                        .map(|c| {
                            let widths = table_fonts.as_ref().map(|f| f.measure(&c.tables)).unwrap_or_default();
                            serde_json::to_vec(&widths).unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A thread that failed leaves its chapters' tables to typst to measure.
        let mut all = Vec::with_capacity(wanted.len());
        for (part, handle) in wanted.chunks(per_thread).zip(parts) {
            all.extend(handle.join().unwrap_or_else(|_| vec![b"{}".to_vec(); part.len()]));
        }
        all
    });
    // Only this build's chapters are kept: the cache cannot grow over a long session.
    let mut measured = measured.into_iter();
    let widths: Vec<Vec<u8>> = keys
        .iter()
        .map(|key| known.get(key).cloned().or_else(|| measured.next()).unwrap_or_else(|| b"{}".to_vec()))
        .collect();
    *KNOWN.lock().unwrap_or_else(|p| p.into_inner()) = Some(keys.into_iter().zip(widths.iter().cloned()).collect());
    widths
}

/// A document typst has laid out, ready for the PDF export.
pub struct Compiled {
    world: ReportWorld,
    document: PagedDocument,
    warnings: Diagnostics,
    compile: Duration,
}

impl Compiled {
    /// The laid-out pages, for checks of where typst placed what.
    pub fn document(&self) -> &PagedDocument {
        &self.document
    }
}

/// Lays out the document: every error typst can find is found here.
pub fn compile(report: &Report, chapters: &[RenderedChapter], caches: Caches) -> Result<Compiled, Diagnostics> {
    let theme = report.theme;
    let today = document_day(report)?;
    let fonts: Vec<&[u8]> = theme
        .files_under("fonts/")
        .filter(|(p, _)| p.ends_with(".ttf") || p.ends_with(".otf"))
        .map(|(_, f)| f.bytes.as_slice())
        .collect();
    let mut world = ReportWorld::new(&report.root, &fonts, today);

    let paths: Vec<String> = chapters.iter().map(|c| chapter_path(&c.slug)).collect();
    let mut context = tera::Context::new();
    context.insert("chapters", &paths);
    let mut tera = templates::engine();
    let entry = theme.text("typst/report.typ")?;
    tera.add_raw_template("typst/report.typ", entry)
        .map_err(|e| Diagnostics::from(templates::to_diagnostic(&e, |n| theme.display_name(n), 0)))?;
    let main = tera
        .render("typst/report.typ", &context)
        .map_err(|e| Diagnostics::from(templates::to_diagnostic(&e, |n| theme.display_name(n), 0)))?;
    world.add_source("/report.typ", main);
    for (path, file) in theme.files_under("typst/") {
        if path != "typst/report.typ" {
            let name = format!("/{}", path.trim_start_matches("typst/"));
            match std::str::from_utf8(&file.bytes) {
                Ok(text) if name.ends_with(".typ") => world.add_source(&name, text.to_owned()),
                _ => world.add_file(&name, file.bytes.clone()),
            }
        }
    }
    if let (Some(logo), Some(path)) = (&theme.config.logo, theme.config.logo_path())
        && let Some(file) = theme.files.get(logo.file.trim_start_matches('/'))
    {
        world.add_file(&path, file.bytes.clone());
    }
    check_fonts(&world, report)?;
    world.add_file("/report.json", report.metadata_json().into_bytes());
    // The widths of the tables' cells, one file per chapter, so that an
    // edit to one chapter leaves typst's work on the others' tables valid.
    let widths = table_widths(&fonts, &theme.config.fonts.body, &report.config.language, chapters);
    for ((chapter, path), widths) in chapters.iter().zip(&paths).zip(widths) {
        world.add_source(path, chapter.typst.clone());
        world.add_file(&format!("/measures/{}.json", chapter.slug), widths);
        // Imported by the theme's `computed-widths`: typst reads the file once.
        let module = format!("#let widths = json(\"{}.json\")\n", escape_string(&chapter.slug));
        world.add_source(&format!("/measures/{}.typ", chapter.slug), module);
    }

    let limits = bounds::Limits::from_env()?;
    let document = report.config.output_name.clone();
    let overridden: Vec<String> = theme
        .files_under("typst/")
        .filter_map(|(_, file)| match &file.origin {
            Origin::Project(path) => Some(path.clone()),
            Origin::BuiltIn => None,
        })
        .collect();
    let started = Instant::now();
    let watchdog = bounds::Watchdog::start(limits, move |passed| bounds::stopped_error(&document, &overridden, passed));
    let warned = layout::layout(&world, caches);
    drop(watchdog);
    let compile = started.elapsed();
    let mut warnings = Diagnostics::new();
    for w in &warned.warnings {
        warnings.push(to_diagnostic(&world, report, chapters, w));
    }
    let document = warned.output.map_err(|errors| {
        let mut all = Diagnostics::new();
        for e in &errors {
            all.push(to_diagnostic(&world, report, chapters, e));
        }
        all
    })?;
    Ok(Compiled { world, document, warnings, compile })
}

/// Writes the laid-out document as a PDF with the report's standards and metadata.
pub fn export(report: &Report, chapters: &[RenderedChapter], compiled: Compiled) -> Result<Pdf, Diagnostics> {
    let Compiled { world, document, warnings, compile } = compiled;
    let today = document_day(report)?;
    let (y, m, d) = (today.year().unwrap_or_default(), today.month().unwrap_or(1), today.day().unwrap_or(1));
    let standards = report.pdf_standards().map_err(Diagnostics::from)?;
    let options = PdfOptions {
        ident: Smart::Custom(report.config.output_name.clone()),
        creator: Smart::Custom(Some("arsrapport".into())),
        timestamp: Some(Timestamp::new_utc(Datetime::from_ymd_hms(y, m, d, 0, 0, 0).unwrap_or(today))),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    let started = Instant::now();
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| {
        let mut all = Diagnostics::new();
        for e in &errors {
            all.push(to_diagnostic(&world, report, chapters, e));
        }
        all
    })?;
    let bytes = finish_for_readers(bytes).map_err(|problem| {
        Diagnostics::from(Diagnostic::error(None, format!("the PDF could not be finished: {problem}")))
    })?;
    Ok(Pdf { bytes, pages: document.pages().len(), warnings, compile, export: started.elapsed() })
}

/// What typst cannot yet say in the PDF, said in its objects: the viewer
/// opens with the bookmarks shown (`/PageMode /UseOutlines` in the catalog),
/// and bullet lists are tagged with the disc the theme draws
/// (`/ListNumbering /Disc`; typst tags every bullet list as `/Circle`).
/// Both are edits of uncompressed dictionaries; the cross-reference table
/// is moved to match, so the file stays one valid revision.
fn finish_for_readers(pdf: Vec<u8>) -> Result<Vec<u8>, &'static str> {
    let mut edits: Vec<(usize, usize, &[u8])> = Vec::new();
    let xref = startxref(&pdf).ok_or("no cross-reference table")?;
    let catalog = catalog_offset(&pdf, xref).ok_or("no document catalog")?;
    let open = catalog + find(&pdf[catalog..], b"<<").ok_or("the catalog is not a dictionary")?;
    let end = open + find(&pdf[open..], b"endobj").ok_or("the catalog does not end")?;
    if find(&pdf[open..end], b"/PageMode").is_none() {
        edits.push((open + 2, 0, b"\n  /PageMode /UseOutlines"));
    }
    const CIRCLE: &[u8] = b"/ListNumbering/Circle";
    let mut at = 0;
    while let Some(i) = find(&pdf[at..xref], CIRCLE) {
        edits.push((at + i, CIRCLE.len(), b"/ListNumbering/Disc"));
        at += i + CIRCLE.len();
    }
    edits.sort_by_key(|e| e.0);
    // How far the text at or after each edit has moved, edit by edit.
    let shifts: Vec<isize> = edits
        .iter()
        .scan(0isize, |shift, (_, removed, inserted)| {
            *shift += inserted.len() as isize - *removed as isize;
            Some(*shift)
        })
        .collect();
    // Where an offset of the original file lies in the edited one.
    let moved = |offset: usize| -> usize {
        match edits.partition_point(|(at, _, _)| *at < offset) {
            0 => offset,
            n => offset.wrapping_add_signed(shifts[n - 1]),
        }
    };
    let mut out = Vec::with_capacity(pdf.len() + 32);
    let mut from = 0;
    for (at, removed, inserted) in &edits {
        out.extend_from_slice(&pdf[from..*at]);
        out.extend_from_slice(inserted);
        from = at + removed;
    }
    out.extend_from_slice(&pdf[from..xref]);
    // The table: `xref`, `0 N`, then N entries of 20 bytes, `oooooooooo ggggg n\r\n`.
    let table = &pdf[xref..];
    let header_end = nth_line_end(table, 2).ok_or("a cross-reference table without entries")?;
    let count: usize = std::str::from_utf8(&table[..header_end])
        .ok()
        .and_then(|h| h.split_whitespace().nth(2)?.parse().ok())
        .ok_or("a cross-reference table of an unknown form")?;
    out.extend_from_slice(&table[..header_end]);
    let entries = &table[header_end..];
    if entries.len() < count * 20 {
        return Err("a cross-reference table shorter than it says");
    }
    for entry in entries[..count * 20].chunks(20) {
        let offset: usize =
            std::str::from_utf8(&entry[..10]).ok().and_then(|o| o.parse().ok()).ok_or("a cross-reference entry")?;
        if entry[17] == b'n' {
            out.extend_from_slice(format!("{:010}", moved(offset)).as_bytes());
        } else {
            out.extend_from_slice(&entry[..10]);
        }
        out.extend_from_slice(&entry[10..]);
    }
    let rest = &entries[count * 20..];
    let tail = find(rest, b"startxref").ok_or("no startxref")?;
    out.extend_from_slice(&rest[..tail]);
    out.extend_from_slice(format!("startxref\n{}\n%%EOF", moved(xref)).as_bytes());
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The offset of the cross-reference table, from the file's last `startxref`.
fn startxref(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(9).rposition(|w| w == b"startxref")?;
    let digits: String = pdf[at + 9..]
        .iter()
        .map(|&b| b as char)
        .skip_while(char::is_ascii_whitespace)
        .take_while(char::is_ascii_digit)
        .collect();
    let offset: usize = digits.parse().ok()?;
    pdf[offset..].starts_with(b"xref").then_some(offset)
}

/// Where the catalog (the trailer's `/Root`) starts, from the table.
fn catalog_offset(pdf: &[u8], xref: usize) -> Option<usize> {
    let trailer = xref + find(&pdf[xref..], b"trailer")?;
    let root = trailer + find(&pdf[trailer..], b"/Root")? + 5;
    let id: usize = std::str::from_utf8(&pdf[root..root + 24]).ok()?.split_whitespace().next()?.parse().ok()?;
    let header_end = xref + nth_line_end(&pdf[xref..], 2)?;
    let entry = header_end + id * 20;
    let offset: usize = std::str::from_utf8(pdf.get(entry..entry + 10)?).ok()?.parse().ok()?;
    pdf[offset..].starts_with(format!("{id} 0 obj").as_bytes()).then_some(offset)
}

/// The offset just after the `n`th line break.
fn nth_line_end(text: &[u8], n: usize) -> Option<usize> {
    text.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(n - 1).map(|(i, _)| i + 1)
}

/// Every font family the theme names must be one typst has: the theme's own
/// fonts or typst's embedded ones. Typst would silently fall back instead.
fn check_fonts(world: &ReportWorld, report: &Report) -> Result<(), Diagnostics> {
    let config = &report.theme.config;
    let book = world.book();
    let mut diagnostics = Diagnostics::new();
    let mut named: Vec<&String> = config.fonts.body.iter().chain(&config.fonts.headings).collect();
    named.sort();
    named.dedup();
    for family in named {
        if book.contains_family(&family.to_lowercase()) {
            continue;
        }
        let location = config
            .font_locations
            .iter()
            .find(|(name, _)| name == family)
            .map(|(_, loc)| loc.clone())
            .unwrap_or_else(|| Location::file(report.theme.display_name(crate::theme::CONFIG_FILE)));
        let mut available: Vec<&str> = book.families().map(|(name, _)| name).collect();
        available.dedup();
        diagnostics.push(
            Diagnostic::error(Some(location), format!("the font family `{family}` is not available")).with_hint(
                format!(
                    "put its font files (.otf, .ttf) in the theme's fonts/ folder, or use one of: {}",
                    available.join(", ")
                ),
            ),
        );
    }
    diagnostics.into_result().map(|_| ())
}

impl Report<'_> {
    fn pdf_standards(&self) -> Result<PdfStandards, Diagnostic> {
        let list: &[PdfStandard] =
            if self.config.accessible_pdf { &[PdfStandard::Ua_1, PdfStandard::A_2a] } else { &[] };
        PdfStandards::new(list).map_err(|e| Diagnostic::error(None, format!("PDF standards: {}", e.message())))
    }
}

/// Maps a typst diagnostic back to the file the user wrote: a chapter's
/// Markdown file for generated chapter code, the theme file otherwise.
fn to_diagnostic(
    world: &ReportWorld,
    report: &Report,
    chapters: &[RenderedChapter],
    diag: &SourceDiagnostic,
) -> Diagnostic {
    let mut location = None;
    if let DiagSpanKind::Number { id, .. } | DiagSpanKind::Range { id, .. } = diag.span.get() {
        let vpath = id.vpath().get_without_slash().to_owned();
        let chapter = chapters.iter().find(|c| chapter_path(&c.slug).trim_start_matches('/') == vpath);
        location = match chapter {
            Some(ch) => {
                let line = world
                    .range(diag.span)
                    .and_then(|r| world.source(id).ok().and_then(|s| s.lines().byte_to_line(r.start)))
                    .and_then(|line| ch.line_map.get(line).copied())
                    .unwrap_or(0);
                Some(if line > 0 { Location::new(&ch.file, line, 1) } else { Location::file(&ch.file) })
            }
            None => {
                let theme_name = report.theme.display_name(&format!("typst/{vpath}"));
                let position = world
                    .range(diag.span)
                    .and_then(|r| world.source(id).ok().and_then(|s| s.lines().byte_to_line_column(r.start)));
                let source = world.source(id).ok();
                let (line, column) = position.map(|(l, c)| (l + 1, c + 1)).unwrap_or((0, 0));
                let loc = if line > 0 { Location::new(theme_name, line, column) } else { Location::file(theme_name) };
                return finish(diag, Some(loc), source.as_ref().map(|s| s.text()));
            }
        };
    }
    finish(diag, location, None)
}

fn finish(diag: &SourceDiagnostic, location: Option<Location>, source: Option<&str>) -> Diagnostic {
    let message = format!("typesetting: {}", diag.message);
    let mut d = match diag.severity {
        TypstSeverity::Error => Diagnostic::error(location, message),
        TypstSeverity::Warning => Diagnostic::warning(location, message),
    };
    if let Some(source) = source {
        d = d.with_source(source);
    }
    let hints: Vec<String> = diag.hints.iter().map(|h| h.v.to_string()).collect();
    if !hints.is_empty() {
        d = d.with_hint(hints.join("; "));
    }
    d
}

use typst::WorldExt;
