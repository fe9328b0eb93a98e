//! Placing a chart in a chapter: `{{ chart(id="resultat") }}` leaves a block
//! marker in the chapter; the charts placed are numbered in the order they
//! appear in the document ("Diagram 3"), and each becomes the pieces both
//! outputs show: the caption with the unit, the SVG, its alt text and the
//! data table that follows it.

use tera::{Kwargs, State, Tera, Value};

use super::alt::{ChartLabels, alt_text, title_with_unit};
use super::spec::{Chart, Charts};
use super::style::Style;
use crate::project::nearest;

/// The language of the fenced block that marks a placed chart.
pub const CHART_BLOCK: &str = "arsrapport-chart";

/// The marker `chart()` leaves in a chapter, on lines of its own.
pub fn chart_block(id: &str) -> String {
    format!("\n```{CHART_BLOCK}\n{id}\n```\n")
}

/// Registers `chart(id="…")`: an unknown id is an error naming the nearest.
pub fn register(tera: &mut Tera, charts: &Charts) {
    let ids: Vec<String> = charts.ids().into_iter().map(str::to_owned).collect();
    tera.register_function("chart", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let id: &str = kwargs.must_get("id")?;
        if !ids.iter().any(|i| i == id) {
            let names: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = match nearest(id, &names) {
                Some(n) => format!("; did you mean `{n}`?"),
                None if names.is_empty() => "; charts are declared under `charts:` in a figures file".to_owned(),
                None => format!("; the charts are: {}", names.join(", ")),
            };
            return Err(tera::Error::message(format!("there is no chart `{id}`{hint}")));
        }
        Ok(Value::safe_string(&chart_block(id)))
    });
}

/// The ids of the charts placed in an expanded chapter body, in order, each
/// with the byte where its block starts.
pub fn placed_charts(body: &str) -> Vec<(String, usize)> {
    let fence = format!("```{CHART_BLOCK}\n");
    body.match_indices(&fence)
        .filter_map(|(i, _)| body[i + fence.len()..].lines().next().map(|id| (id.trim().to_owned(), i)))
        .collect()
}

/// The figures of a chart as a table: one line per category, one column per
/// series, each figure as its table shows it; a missing figure says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataTable {
    pub caption: String,
    /// The header of the label column, then one per series.
    pub header: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

/// A chart as placed: what the site and the PDF show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedChart {
    pub id: String,
    pub number: usize,
    /// "Diagram 3. Årets resultat 2012–2013, tkr".
    pub caption: String,
    pub svg: String,
    pub alt: String,
    pub data: DataTable,
}

pub fn data_table(chart: &Chart, labels: &ChartLabels) -> DataTable {
    let rows = chart
        .categories
        .iter()
        .enumerate()
        .map(|(c, category)| {
            let cells = chart
                .series
                .iter()
                .map(|s| match s.values[c] {
                    Some(_) => s.texts[c].clone(),
                    None => labels.missing.clone(),
                })
                .collect();
            (category.clone(), cells)
        })
        .collect();
    let mut header = vec![labels.category.clone()];
    header.extend(chart.series.iter().map(|s| s.label.clone()));
    DataTable { caption: format!("{}: {}", labels.data, title_with_unit(chart)), header, rows }
}

/// The chart `id` as the `number`th chart of its document.
pub fn place(chart: &Chart, number: usize, style: &Style, labels: &ChartLabels) -> PlacedChart {
    PlacedChart {
        id: chart.id.clone(),
        number,
        caption: format!("{} {number}. {}", labels.chart, title_with_unit(chart)),
        svg: super::svg::render(chart, style, labels),
        alt: alt_text(chart, labels),
        data: data_table(chart, labels),
    }
}

/// Every chart placed in a document's chapters (expanded bodies, in order),
/// numbered from 1 in that order.
pub fn place_all<'b>(
    bodies: impl IntoIterator<Item = &'b str>,
    charts: &Charts,
    style: &Style,
    labels: &ChartLabels,
) -> Vec<PlacedChart> {
    bodies
        .into_iter()
        .flat_map(placed_charts)
        .filter_map(|(id, _)| charts.get(&id))
        .enumerate()
        .map(|(i, chart)| place(chart, i + 1, style, labels))
        .collect()
}

/// The chart in the PDF: a figure typst numbers with the same number, the
/// SVG as an image with its alt text (a Figure with /Alt in the tagged PDF).
/// Before it a bookmark under its chapter: typst bookmarks only headings, so
/// a hidden, unnumbered heading outside the table of contents. It is not
/// marked an artifact: typst refuses an artifact holding a heading wherever
/// the heading becomes a link target, which depends on where pages break.
pub fn typst_markup(placed: &PlacedChart) -> String {
    use crate::markdown::typst::{escape_markup, escape_string};
    format!(
        "#place(hide(heading(level: 2, numbering: none, outlined: false, bookmarked: true)[{}]))\n\
         #figure(image(bytes(\"{}\"), format: \"svg\", alt: \"{}\", width: 100%), caption: figure.caption(separator: none)[{}], numbering: none, kind: \"{CHART_BLOCK}\", supplement: none)\n",
        escape_markup(&placed.caption),
        escape_string(&placed.svg),
        escape_string(&placed.alt),
        escape_markup(&placed.caption)
    )
}

/// The chart on the site: the SVG inlined in a `<figure>` with its caption.
/// Its data table is the Table block that follows the Chart block, so the
/// site shows it once, visible, as the PDF does.
pub fn html(placed: &PlacedChart) -> String {
    use crate::markdown::html::escape_html;
    format!(
        "<figure class=\"chart\" id=\"diagram-{}\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        escape_html(&placed.id),
        placed.svg,
        escape_html(&placed.caption)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::alt::tests::labels;
    use crate::charts::testing::load;
    use crate::theme::ThemeConfig;

    const FIGURES: &str = r#"
defaults: {unit: tkr, columns: ["2012", "2013"]}
tables:
  - id: rr
    title: Resultat
    rows:
      - {id: kansli, label: Kansli, values: [-1 310, 2 702]}
      - {id: navet, label: Navet, values: [~, 450]}
charts:
  - {id: resultat, type: grouped, title: Årets resultat 2012–2013, series: [{row: rr.kansli}, {row: rr.navet}]}
  - {id: kansli, type: bar, title: Kansliets resultat, series: [{row: rr.kansli}]}
"#;

    #[test]
    fn an_unknown_chart_is_an_error_naming_the_nearest() {
        let charts = load(FIGURES).unwrap();
        let mut tera = crate::templates::engine();
        register(&mut tera, &charts);
        let placed = tera.render_str("A\n{{ chart(id=\"kansli\") }}\nB", &tera::Context::new(), false).unwrap();
        assert_eq!(placed, "A\n\n```arsrapport-chart\nkansli\n```\n\nB");
        let error = tera.render_str("{{ chart(id=\"resultet\") }}", &tera::Context::new(), false).unwrap_err();
        let message = format!("{error:?}");
        assert!(message.contains("there is no chart `resultet`; did you mean `resultat`?"), "{message}");
    }

    /// Charts are numbered in the order they are placed, across chapters;
    /// every figure in the data table is the one its table shows. (Numbering
    /// by the order of `charts:` made the first assertion fail.)
    #[test]
    fn placed_charts_are_numbered_in_order_with_their_data() {
        let charts = load(FIGURES).unwrap();
        let style = Style::from_theme(&ThemeConfig::default());
        let bodies = [format!("Text{}", chart_block("kansli")), format!("Mer{}", chart_block("resultat"))];
        let placed = place_all(bodies.iter().map(String::as_str), &charts, &style, &labels());
        assert_eq!(
            placed.iter().map(|p| p.caption.as_str()).collect::<Vec<_>>(),
            ["Diagram 1. Kansliets resultat, tkr", "Diagram 2. Årets resultat 2012–2013, tkr"]
        );
        let data = &placed[1].data;
        assert_eq!(data.caption, "Diagrammets data: Årets resultat 2012–2013, tkr");
        assert_eq!(data.header, ["Kategori", "Kansli", "Navet"]);
        assert_eq!(
            data.rows,
            [
                ("2012".to_owned(), vec!["\u{2212}1\u{a0}310".to_owned(), "uppgift saknas".to_owned()]),
                ("2013".to_owned(), vec!["2\u{a0}702".to_owned(), "450".to_owned()]),
            ]
        );
        let html = html(&placed[1]);
        assert!(html.contains("<figcaption>Diagram 2. Årets resultat 2012–2013, tkr</figcaption>"), "{html}");
        assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\""), "{html}");
        let typst = typst_markup(&placed[1]);
        assert!(typst.contains("format: \"svg\", alt: \"Grupperat stapeldiagram. Årets resultat"), "{typst}");
    }

    /// The SVG is read by usvg, the library typst draws SVG images with, at
    /// the size of its viewBox and with its text kept as text in the theme's
    /// font. (Writing the SVG without its viewBox made this fail.)
    #[test]
    fn typst_can_read_the_svg() {
        let charts = load(FIGURES).unwrap();
        let style = Style::from_theme(&ThemeConfig::default());
        let svg = super::super::svg::render(&charts.charts[0], &style, &labels());
        let mut db = usvg::fontdb::Database::new();
        db.load_fonts_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/fonts"));
        let options = usvg::Options { fontdb: std::sync::Arc::new(db), ..usvg::Options::default() };
        let tree = usvg::Tree::from_str(&svg, &options).unwrap();
        assert_eq!(tree.size().width(), 640.0);
        let viewbox_height: f32 =
            svg.split("viewBox=\"0 0 640 ").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert_eq!(tree.size().height(), viewbox_height);
        fn texts(group: &usvg::Group) -> usize {
            group
                .children()
                .iter()
                .map(|node| match node {
                    usvg::Node::Text(t) => usize::from(!t.flattened().children().is_empty()),
                    usvg::Node::Group(g) => texts(g),
                    _ => 0,
                })
                .sum()
        }
        // Ticks, value labels, categories and legend: all shaped with the theme's font.
        assert!(texts(tree.root()) >= 10, "{}", texts(tree.root()));
    }
}
