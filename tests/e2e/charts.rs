//! Charts of the example: every figure a chart shows is the figure its
//! table shows, so a chart can never disagree with the statement it draws.

use arsrapport::charts::Charts;
use arsrapport::charts::alt::ChartLabels;
use arsrapport::charts::place::data_table;
use arsrapport::data::DataFiles;
use arsrapport::figures::Figures;
use arsrapport::figures::view::TableLabels;
use arsrapport::theme::Theme;

use crate::common::*;

/// For each chart of the example, each cell of its data table equals the
/// cell of the table it references, as that table shows it; a gap is a cell
/// the table leaves empty. (Reading a `column:` series from the table's first
/// column instead of the one named made this fail.)
#[test]
fn every_value_in_a_charts_data_table_is_the_figure_it_references() {
    let root = repo();
    let theme = Theme::load(&root, "default", "sv").unwrap();
    let data = DataFiles::load(&root).unwrap();
    let rounding = theme.label("rounding_difference");
    let table_labels = TableLabels { amounts_in: theme.label("amounts_in"), rounding };
    let (figures, _) = Figures::load(&data, &table_labels).unwrap();
    let charts = Charts::load(&data, &figures, None).unwrap();
    let labels = ChartLabels::new(|key| theme.label(key));
    assert!(charts.charts.len() >= 3, "the example has charts");
    let mut compared = 0;
    for chart in &charts.charts {
        let data = data_table(chart, &labels);
        for (s, series) in chart.series.iter().enumerate() {
            for (c, source) in series.sources.iter().enumerate() {
                let view = &figures.views[&source.table];
                let table = figures.computed.table(&source.table).unwrap();
                // Lines the view adds (where rounded parts do not add up) are not the table's own.
                let rows: Vec<_> = if view.rows.len() == table.rows.len() {
                    view.rows.iter().collect()
                } else {
                    view.rows.iter().filter(|r| r.label != rounding).collect()
                };
                let shown = &rows[source.row].cells[source.column];
                let in_chart = &data.rows[c].1[s];
                if series.values[c].is_some() {
                    assert_eq!(in_chart, shown, "chart `{}`, series {s}, point {c}", chart.id);
                } else {
                    assert_eq!(in_chart, &labels.missing);
                    assert_eq!(shown, &table.empty, "a gap is a cell the table leaves empty");
                }
                assert_eq!(data.rows[c].0, chart.categories[c]);
                compared += 1;
            }
        }
    }
    assert!(compared >= 20, "{compared}");
}

/// The base project with one chart placed in its chapter.
fn project_with_chart(call: &str) -> tempfile::TempDir {
    base_with(
        "\ncharts:\n  - id: resultat\n    type: bar\n    title: Årets resultat 2012–2013\n    series: [{row: rr.arets_resultat, columns: [\"2012\", \"2013\"]}]\n",
        call,
    )
}

/// A placed chart is a numbered figure in both outputs: on the site an
/// inline `<svg role="img">` with its alt text in a `<figure>` and its data
/// table; in the PDF the same caption, the data table, and a tagged Figure
/// with /Alt. (An HTML emitter that wrote nothing for the Chart block made
/// this fail; so did the site's second copy of the data table in a
/// `<details>`, which the single-table assertion caught.)
#[test]
fn a_placed_chart_is_a_numbered_figure_in_the_pdf_and_on_the_site() {
    let dir = project_with_chart("{{ chart(id=\"resultat\") }}");
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-ekonomi.html")).unwrap();
    assert!(
        page.contains(
            "<figure class=\"chart\" id=\"diagram-resultat\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""
        ),
        "{page}"
    );
    assert!(page.contains("<figcaption>Diagram 1. Årets resultat 2012–2013, tkr</figcaption>"), "{page}");
    assert!(page.contains("<desc>Stapeldiagram. Årets resultat 2012–2013, tkr: 2012 50; 2013 50.</desc>"), "{page}");
    assert!(page.contains("<caption>Diagrammets data: Årets resultat 2012–2013, tkr</caption>"), "{page}");
    assert_eq!(page.matches("<th scope=\"row\">2012</th>").count(), 1, "the data table once: {page}");
    assert!(!page.contains("arsrapport-chart"), "no marker left: {page}");
    let pdf = dir.path().join("output/arsredovisning-2013.pdf");
    let text = pdf_text(&pdf);
    assert!(text.contains("Diagram 1. Årets resultat 2012–2013, tkr"), "{text}");
    assert!(text.contains("Diagrammets data"), "{text}");
    assert!(!text.contains("arsrapport-chart"), "{text}");
    let bytes = std::fs::read(&pdf).unwrap();
    let count = |needle: &[u8]| bytes.windows(needle.len()).filter(|w| *w == needle).count();
    assert!(count(b"/Figure") >= 1 && count(b"/Alt") >= 1, "a tagged Figure with /Alt");
}

/// An unknown chart id in a chapter is an error at its line, with the nearest id.
#[test]
fn an_unknown_chart_in_a_chapter_is_a_located_error() {
    let dir = project_with_chart("{{ chart(id=\"resultatet\") }}");
    let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("there is no chart `resultatet`; did you mean `resultat`?"), "{stderr}");
    assert!(stderr.contains("--> content/chapters/01-ekonomi.md:"), "{stderr}");
}

/// A placed chart is a bookmark "Diagram N. <title>" under its chapter in
/// the PDF's outline, and the PDF/UA build still succeeds. (Typst markup
/// without the hidden bookmarked heading made this fail.)
#[test]
fn a_placed_chart_is_bookmarked_under_its_chapter() {
    let dir = project_with_chart("{{ chart(id=\"resultat\") }}");
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let bytes = std::fs::read(dir.path().join("output/arsredovisning-2013.pdf")).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let mut bookmarks = Vec::new();
    let outlines = resolve(&doc, doc.catalog().unwrap().get(b"Outlines").unwrap()).as_dict().unwrap();
    walk_bookmarks(&doc, outlines.get(b"First").ok(), 1, &mut bookmarks);
    let chart = bookmarks
        .iter()
        .position(|b| *b == (2, "Diagram 1. Årets resultat 2012–2013, tkr".to_owned()))
        .unwrap_or_else(|| panic!("no chart bookmark: {bookmarks:?}"));
    let chapter = bookmarks[..chart].iter().rev().find(|(depth, _)| *depth == 1);
    assert!(chapter.is_some_and(|(_, title)| title.ends_with("Ekonomi")), "{bookmarks:?}");
}

fn resolve<'a>(doc: &'a lopdf::Document, object: &'a lopdf::Object) -> &'a lopdf::Object {
    match object {
        lopdf::Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    }
}

/// The bookmarks as (depth, title), in order.
fn walk_bookmarks<'a>(
    doc: &'a lopdf::Document,
    mut item: Option<&'a lopdf::Object>,
    depth: usize,
    out: &mut Vec<(usize, String)>,
) {
    while let Some(object) = item {
        let dict = resolve(doc, object).as_dict().unwrap();
        let title = resolve(doc, dict.get(b"Title").unwrap()).as_str().unwrap();
        let title = match title.strip_prefix(&[0xfe, 0xff]) {
            Some(utf16) => {
                String::from_utf16_lossy(&utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>())
            }
            None => title.iter().map(|&b| b as char).collect(),
        };
        out.push((depth, title));
        walk_bookmarks(doc, dict.get(b"First").ok(), depth + 1, out);
        item = dict.get(b"Next").ok();
    }
}
