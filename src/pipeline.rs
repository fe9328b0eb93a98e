//! The build, stage by stage: load (config, theme, data, chapters) → expand
//! figures in chapters → parse Markdown once → render PDF and HTML in
//! parallel. Every stage collects all its problems before the build stops.

use crate::ledger::tables::ReportPeriod;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::content::{self, Chapter};
use crate::data::DataFiles;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::figures::Figures;
use crate::figures::view::TableLabels;
use crate::goals::{self, Goals};
use crate::markdown::{self, ChapterContext, LineIndex, TableBlocks};
use crate::output::OutputFile;
use crate::people;
use crate::project::{DocumentKind, Project, ReportConfig};
use crate::render::layout::Caches;
use crate::render::{self, RenderedChapter, Report};
use crate::templates;
use crate::theme::Theme;

/// What a successful build produced.
pub struct Built {
    pub files: Vec<OutputFile>,
    pub warnings: Diagnostics,
    pub pages: usize,
    pub chapters: Vec<RenderedChapter>,
    /// A warning for each area of the goals that no chapter of this document
    /// places; an area no document places is reported (see `cmd::build`).
    pub unplaced_areas: Diagnostics,
    /// Time spent in each phase, in order.
    pub phases: Vec<(&'static str, Duration)>,
    /// What a revisor would miss (`check --lkbr`).
    pub lkbr: Vec<crate::law::completeness::Finding>,
}

struct Timer {
    last: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl Timer {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.phases.push((name, now - self.last));
        self.last = now;
    }
}

/// Builds one document of the project in memory. Nothing is written.
/// typst's caches are pruned as it goes: nothing in this process will reuse them.
pub fn build(project: &Project, config: &ReportConfig) -> Result<Built, Diagnostics> {
    build_with(project, config, Caches::Prune, None)
}

/// The site's files, paths relative to the site, e.g. `index.html`.
pub type SiteFiles = [(String, Vec<u8>)];

/// Like [`build`], keeping typst's caches if asked (a preview rebuilds the
/// document), and once typst has laid out the document without errors and
/// the site is rendered, hands the site to `site_ready` before the PDF
/// export: a preview can show the new pages while the PDF is written.
pub fn build_with(
    project: &Project,
    config: &ReportConfig,
    caches: Caches,
    site_ready: Option<&dyn Fn(&SiteFiles)>,
) -> Result<Built, Diagnostics> {
    let mut timer = Timer { last: Instant::now(), phases: Vec::new() };

    let theme = Theme::load(&project.root, &config.theme, &config.language);
    let data = DataFiles::load(&project.root).map(|mut data| {
        data.period =
            config.period.as_ref().map(|p| ReportPeriod { first_month: p.first_month, last_month: p.last_month });
        data
    });
    let chapters = content::load_chapters(&project.root, &config.chapters_dir);
    let (theme, data, chapters) = match (theme, data, chapters) {
        (Ok(t), Ok(d), Ok(c)) => (t, d, c),
        (t, d, c) => {
            let mut all = Diagnostics::new();
            for e in [t.err(), d.err(), c.err()].into_iter().flatten() {
                all.extend(e);
            }
            return Err(all);
        }
    };
    timer.lap("load");

    let table_labels =
        TableLabels { amounts_in: theme.label("amounts_in"), rounding: theme.label("rounding_difference") };
    let figures = Figures::load(&data, &table_labels);
    let goals = Goals::load(&data, figures.as_ref().ok().map(|(f, _)| &f.computed));
    let people = people::load(&data);
    // Charts point at computed figures, so they are checked once the figures are.
    let charts = figures.as_ref().ok().map(|(f, _)| {
        let goals = goals.as_ref().ok().map(|goals| crate::charts::GoalSource { goals, labels: &theme.labels });
        crate::charts::Charts::load(&data, f, goals)
    });
    let key_figure_labels = crate::figures::key_figures::KeyFigureLabels::new(|key| theme.label(key));
    let spreads = figures
        .as_ref()
        .ok()
        .map(|(f, _)| crate::figures::key_figures::Spreads::load(&data, &f.computed, &key_figure_labels));
    // The law's relations between the statements, once their figures are computed.
    let law = figures.as_ref().ok().map(|(f, _)| crate::law::check(f, &data)).unwrap_or_default();
    let ((figures, mut warnings), goals, people, charts, (spreads, spread_warnings)) =
        match (figures, goals, people, charts, spreads) {
            (Ok(f), Ok(g), Ok(p), Some(Ok(c)), Some(Ok(k))) => (f, g, p, c, k),
            (f, g, p, c, k) => {
                let mut all = Diagnostics::new();
                for e in
                    [f.err(), g.err(), p.err(), c.and_then(Result::err), k.and_then(Result::err)].into_iter().flatten()
                {
                    all.extend(e);
                }
                all.extend(law);
                return Err(all);
            }
        };
    warnings.extend(spread_warnings);
    if law.has_errors() {
        return Err(law);
    }
    warnings.extend(law);
    warnings.extend(config.site_links.warnings.clone());
    let chapter_texts = crate::figures::unused::chapter_texts(project);
    for warning in crate::figures::unused::warnings(&figures.computed, &data.sources, &chapter_texts) {
        warnings.push(warning);
    }
    timer.lap("validate");

    let report = Report { root: project.root.clone(), config, theme: &theme };
    let mut unplaced_areas = Diagnostics::new();
    let rendered = render_chapters(
        &report,
        &data,
        &figures,
        (&charts, &spreads),
        &goals,
        people,
        &chapters,
        &mut unplaced_areas,
        &mut timer,
    )?;
    timer.lap("markdown");
    let lkbr = crate::law::completeness::check(&crate::law::completeness::Subject {
        config,
        theme: &theme,
        chapters: &chapters,
        rendered: &rendered,
        figures: &figures,
    });

    // The site is rendered on a second thread while typst compiles.
    let pdf_name = format!("{}.pdf", config.output_name);
    let (compiled, (html, html_time)) = std::thread::scope(|scope| {
        let html = scope.spawn(|| {
            let started = Instant::now();
            (render::html::render(&report, &rendered, &pdf_name), started.elapsed())
        });
        let compiled = render::pdf::compile(&report, &rendered, caches);
        (compiled, html.join().unwrap_or_else(|_| (Err(Diagnostics::new()), Duration::ZERO)))
    });
    if let (Some(site_ready), Ok(_), Ok(site)) = (site_ready, &compiled, &html) {
        let mut site = site.clone();
        render::pdf_size::fill(&mut site, None);
        site_ready(&site);
    }
    let pdf = compiled.and_then(|compiled| render::pdf::export(&report, &rendered, compiled));
    let mut html = html;
    if let (Ok(pdf), Ok(site)) = (&pdf, &mut html) {
        // A preview's pages are shown before the PDF exists; they leave its
        // size out for good, so that the PDF's arrival does not reload them.
        let size = if site_ready.is_some() { None } else { Some(pdf.bytes.len()) };
        render::pdf_size::fill(site, size);
    }
    let render_time = timer.last.elapsed();
    if let Ok(pdf) = &pdf {
        // Typst's own work, then the rest of the PDF's (the typst world, the
        // entry file, waiting for the site), then the site's, which overlapped
        // the compile.
        timer.phases.push(("compile", pdf.compile));
        timer.phases.push(("export", pdf.export));
        timer.phases.push(("pdf other", render_time.saturating_sub(pdf.compile + pdf.export)));
        timer.phases.push(("html \u{2225}", html_time));
        timer.last = Instant::now();
    } else {
        timer.lap("render");
    }

    let (pdf, html) = match (pdf, html) {
        (Ok(p), Ok(h)) => (p, h),
        (p, h) => {
            let mut all = Diagnostics::new();
            for e in [p.err(), h.err()].into_iter().flatten() {
                all.extend(e);
            }
            return Err(all);
        }
    };

    let site = &config.site_dir;
    let mut files = vec![OutputFile { path: pdf_name.clone(), bytes: pdf.bytes.clone() }];
    files.push(OutputFile { path: format!("{site}/{pdf_name}"), bytes: pdf.bytes });
    files.extend(html.into_iter().map(|(path, bytes)| OutputFile { path: format!("{site}/{path}"), bytes }));
    warnings.extend(pdf.warnings);
    Ok(Built { files, warnings, pages: pdf.pages, chapters: rendered, unplaced_areas, phases: timer.phases, lkbr })
}

/// An error for each block placed a second time, at the second place.
fn placed_twice(
    expanded: &[(&Chapter, templates::Expanded)],
    what: &str,
    placed: fn(&str) -> Vec<(String, usize)>,
    hint: &str,
) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let mut first: HashMap<String, Location> = HashMap::new();
    for (chapter, expansion) in expanded {
        for (id, byte) in placed(&expansion.body) {
            let (line, column) = expansion.lines.position(byte);
            let here = Location::new(&chapter.file, line, column);
            match first.get(&id) {
                Some(at) => diagnostics.push(
                    Diagnostic::error(
                        Some(here),
                        format!("the {what} `{id}` is placed twice (also at {}:{})", at.file, at.line),
                    )
                    .with_hint(hint)
                    .with_source(&chapter.source),
                ),
                None => {
                    first.insert(id, here);
                }
            }
        }
    }
    diagnostics
}

/// Expands figures in each chapter and converts it for both outputs.
#[allow(clippy::too_many_arguments)]
fn render_chapters(
    report: &Report,
    data: &DataFiles,
    figures: &Figures,
    (charts, spreads): (&crate::charts::Charts, &crate::figures::key_figures::Spreads),
    goals: &Goals,
    people: Vec<people::Person>,
    chapters: &[Chapter],
    unplaced_areas: &mut Diagnostics,
    timer: &mut Timer,
) -> Result<Vec<RenderedChapter>, Diagnostics> {
    let theme = report.theme;
    let mut tera = templates::engine();
    templates::register_figures(&mut tera, figures, theme.label("note"));
    crate::charts::place::register(&mut tera, charts);
    crate::figures::key_figures::register(&mut tera, spreads);
    let goal_view = match report.config.kind {
        DocumentKind::Verksamhetsplan => goals::View::Plan,
        DocumentKind::Arsredovisning => goals::View::FollowUp,
        _ => goals::View::Prognos,
    };
    let period = report.config.period.as_ref().map(|p| (p.first_month, p.last_month, report.config.year));
    let mut context = tera::Context::new();
    let data_value = data.to_value();
    context.insert_value("data", data_value.clone());
    let figures_value = figures.to_value();
    context.insert_value("figures", figures_value.clone());
    context.insert("report", &report.meta());
    let labels =
        markdown::build::Labels { footnotes: theme.label("footnotes"), back_to_text: theme.label("back_to_text") };
    let mut diagnostics = Diagnostics::new();
    // Figures in the texts of area records are expanded as in a chapter.
    let goals = goals::expand::texts(goals, &tera, &context, &data.sources).unwrap_or_else(|d| {
        diagnostics.extend(d);
        goals.clone()
    });
    let placed_areas = goals::render::register(&mut tera, &goals, &theme.labels, goal_view, period);
    people::register(&mut tera, people, &theme.labels);

    // First expand every chapter, so that each table's chapter is known
    // before any chapter links to it.
    let mut expanded = Vec::new();
    for chapter in chapters {
        match templates::expand_chapter(&tera, &chapter.body, &context, &chapter.file, chapter.body_line_offset) {
            Ok(body) => expanded.push((chapter, body)),
            Err(d) => diagnostics.extend(crate::cmd::suggest::chapter_error(
                d,
                chapter,
                &[("data", &data_value), ("figures", &figures_value)],
            )),
        }
    }
    *unplaced_areas = placed_areas.unplaced(&goals, &data.sources);
    let mut placements: HashMap<String, String> = HashMap::new();
    let mut first_placed: HashMap<String, Location> = HashMap::new();
    for (chapter, expansion) in &expanded {
        for (id, byte) in markdown::placed_tables(&expansion.body) {
            let (line, column) = expansion.lines.position(byte);
            let here = Location::new(&chapter.file, line, column);
            placements.entry(id.clone()).or_insert_with(|| chapter.slug.clone());
            match first_placed.get(&id) {
                Some(first) => diagnostics.push(
                    Diagnostic::error(
                        Some(here),
                        format!("the table `{id}` is placed twice (also at {}:{})", first.file, first.line),
                    )
                    .with_hint("place each table once; refer to it elsewhere with a link")
                    .with_source(&chapter.source),
                ),
                None => {
                    first_placed.insert(id, here);
                }
            }
        }
    }
    // A chart placed twice would get two numbers and repeat its SVG's ids;
    // a spread placed twice would repeat its heading and ids.
    let hint = "place each chart once; refer to it elsewhere by its number";
    diagnostics.extend(placed_twice(&expanded, "chart", crate::charts::place::placed_charts, hint));
    let hint = "place each key-figure spread once";
    diagnostics.extend(placed_twice(&expanded, "key-figure spread", crate::figures::key_figures::placed_spreads, hint));
    let chart_labels = crate::charts::alt::ChartLabels::new(|key| theme.label(key));
    let chart_style = crate::charts::style::Style::from_theme(&theme.config);
    let placed = crate::charts::place::place_all(
        expanded.iter().map(|(_, e)| e.body.as_str()),
        charts,
        &chart_style,
        &chart_labels,
    );
    let placed_charts: HashMap<String, crate::charts::place::PlacedChart> =
        placed.into_iter().map(|p| (p.id.clone(), p)).collect();
    timer.lap("templates");
    let key_figures: HashMap<String, markdown::model::KeyFigures> =
        spreads.spreads.iter().map(|s| (s.figures.id.clone(), s.figures.clone())).collect();
    let blocks = TableBlocks {
        charts: &placed_charts,
        key_figures: &key_figures,
        status_colours: &theme.config.colours.status,
        views: &figures.views,
        placements: &placements,
        note: theme.label("note"),
        refers_to: theme.label("refers_to"),
        row_label: theme.label("row_label"),
    };

    let mut rendered = Vec::new();
    for (i, (chapter, expansion)) in expanded.iter().enumerate() {
        let (body, lines) = (&expansion.body, &expansion.lines);
        let chapter_dir = chapter.file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let doc = match markdown::parse_expanded(body, &chapter.file, chapter_dir, lines) {
            Ok(doc) => doc,
            Err(d) => {
                diagnostics.extend(d);
                continue;
            }
        };
        let mut problems = check_images(&report.root, chapter, &doc, lines);
        problems.extend(check_chapter_links(chapter, &doc, lines, chapters));
        if problems.has_errors() {
            diagnostics.extend(problems);
            continue;
        }
        let ctx = ChapterContext {
            file: &chapter.file,
            slug: &chapter.slug,
            body,
            lines,
            line_offset: chapter.body_line_offset,
            tables: Some(&blocks),
        };
        let numbers = markdown::build::SectionNumbers {
            chapter: report.config.chapter_numbers.then_some(i + 1),
            depth: report.config.section_numbers,
        };
        let model = markdown::build::numbered_chapter(&doc, &ctx, &labels, numbers);
        let mut typst = markdown::typst::render(&model);
        if chapter.status.is_some_and(|s| s != content::Status::Klar) {
            mark_as_draft(&mut typst, theme.label("draft"));
        }
        rendered.push(RenderedChapter {
            file: chapter.file.clone(),
            slug: chapter.slug.clone(),
            title: doc.title.clone(),
            number: i + 1,
            status: chapter.status,
            owner: chapter.owner.clone(),
            typst: typst.markup,
            line_map: typst.line_map,
            tables: typst.tables,
            html: markdown::html::render(&model),
            images: doc.images.clone(),
        });
    }
    diagnostics.into_result().map(|_| rendered)
}

/// Every image a chapter shows must be a file inside the project. One that
/// is missing, or that a symbolic link leads out of the project, is named at
/// its line in the chapter, before either renderer tries to read it.
fn check_images(root: &std::path::Path, chapter: &Chapter, doc: &markdown::Doc, lines: &LineIndex) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for (image, &byte) in doc.images.iter().zip(&doc.image_starts) {
        let problem = match root.join(image).canonicalize() {
            Err(_) => "does not exist",
            Ok(path) if !path.starts_with(&inside) => "lies outside the project (through a symbolic link)",
            Ok(path) if !path.is_file() => "is not a file",
            Ok(_) => continue,
        };
        let (line, column) = lines.position(byte);
        diagnostics.push(
            Diagnostic::error(
                Some(Location::new(&chapter.file, line, column)),
                format!("the image `{image}` {problem}"),
            )
            .with_hint("images are files in the project, named relative to the chapter: `../images/karta.png`")
            .with_source(&chapter.source),
        );
    }
    diagnostics
}

/// A link to another chapter (`[noterna](10-noter.md)`) must name one of
/// the report's chapters; a misspelt one is named at its line, with the
/// nearest chapter, rather than left for the PDF to stumble over.
fn check_chapter_links(chapter: &Chapter, doc: &markdown::Doc, lines: &LineIndex, chapters: &[Chapter]) -> Diagnostics {
    use pulldown_cmark::{Event, Tag};
    let mut diagnostics = Diagnostics::new();
    let names: Vec<String> = chapters.iter().map(|c| format!("{}.md", c.slug)).collect();
    let mut footnotes: Vec<_> = doc.footnotes.iter().collect();
    footnotes.sort_by(|a, b| a.0.cmp(b.0));
    for (event, range) in doc.events.iter().chain(footnotes.iter().flat_map(|(_, events)| events.iter())) {
        let Event::Start(Tag::Link { dest_url, .. }) = event else { continue };
        if dest_url.contains("://") || dest_url.starts_with("mailto:") || dest_url.starts_with("tel:") {
            continue;
        }
        let file = dest_url.split('#').next().unwrap_or_default();
        let name = file.rsplit('/').next().unwrap_or(file);
        if !name.ends_with(".md") || names.iter().any(|n| n == name) {
            continue;
        }
        let (line, column) = lines.position(range.start);
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        let hint = match crate::project::nearest(name, &known) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("the chapters are: {}", known.join(", ")),
        };
        diagnostics.push(
            Diagnostic::error(
                Some(Location::new(&chapter.file, line, column)),
                format!("the link `{dest_url}` names no chapter of the report"),
            )
            .with_hint(hint)
            .with_source(&chapter.source),
        );
    }
    diagnostics
}

/// Puts the theme's draft label (`UTKAST`) across every page of a chapter
/// that is not `klar`. The set rule is one extra first line, so the line map
/// gets one entry for it (0: no particular chapter line).
fn mark_as_draft(chapter: &mut markdown::typst::TypstChapter, label: &str) {
    let label = markdown::typst::escape_markup(&label.to_uppercase());
    chapter.markup = format!(
        "#set page(background: place(center + horizon, rotate(-40deg, text(size: 90pt, fill: luma(88%), weight: \"bold\")[{label}])))\n{}",
        chapter.markup
    );
    chapter.line_map.insert(0, 0);
}
