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
    let charts = Charts::load(&data, &figures).unwrap();
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
