//! The alternative text of a chart, generated from its data: what kind of
//! chart, its title and unit, and every value, or for long series a summary
//! of lowest, highest and trend. A missing figure is said to be missing.

use rust_decimal::Decimal;

use super::spec::{Chart, ChartKind};
use crate::format::format_amount;

/// Series longer than this are summarised rather than read out point by point.
pub const MAX_LISTED_POINTS: usize = 12;

/// The words of charts, from the theme's language file.
#[derive(Debug, Clone)]
pub struct ChartLabels {
    /// "Diagram", before a chart's number.
    pub chart: String,
    kinds: [(ChartKind, String); 5],
    pub missing: String,
    pub values: String,
    pub from: String,
    pub to: String,
    pub lowest: String,
    pub highest: String,
    pub rising: String,
    pub falling: String,
    pub unchanged: String,
    /// The heading of the data table that follows a chart.
    pub data: String,
    /// The header of the data table's first column, the chart's categories.
    pub category: String,
}

impl ChartLabels {
    /// Reads the labels with `label` (the theme's `label` lookup).
    pub fn new<'a>(label: impl Fn(&'a str) -> &'a str) -> ChartLabels {
        let text = |key: &'a str| label(key).to_owned();
        ChartLabels {
            chart: text("chart"),
            kinds: ChartKind::NAMES.map(|(_, k)| (k, text(k.label_key()))),
            missing: text("chart_missing"),
            values: text("chart_values"),
            from: text("chart_from"),
            to: text("chart_to"),
            lowest: text("chart_lowest"),
            highest: text("chart_highest"),
            rising: text("chart_rising"),
            falling: text("chart_falling"),
            unchanged: text("chart_unchanged"),
            data: text("chart_data"),
            category: text("chart_category"),
        }
    }

    pub fn kind(&self, kind: ChartKind) -> &str {
        self.kinds.iter().find(|(k, _)| *k == kind).map(|(_, l)| l.as_str()).unwrap_or_default()
    }
}

/// "Årets resultat 2012–2013, tkr": the title with the unit, as in the caption.
pub fn title_with_unit(chart: &Chart) -> String {
    match chart.unit_name() {
        Some(unit) => format!("{}, {unit}", chart.title),
        None => chart.title.clone(),
    }
}

/// The chart's alternative text: the written `alt:` if there is one, else
/// one generated from the data.
pub fn alt_text(chart: &Chart, labels: &ChartLabels) -> String {
    if let Some(alt) = &chart.alt {
        return alt.clone();
    }
    let value = |v: &Option<Decimal>| match v {
        Some(v) => format_amount(*v, Some(chart.decimals)),
        None => labels.missing.clone(),
    };
    let mut out = format!("{}. {}", labels.kind(chart.kind), title_with_unit(chart));
    let single = chart.series.len() == 1;
    for (i, series) in chart.series.iter().enumerate() {
        out.push_str(if single {
            ": "
        } else if i == 0 {
            ". "
        } else {
            " "
        });
        if !single {
            out.push_str(&format!("{}: ", series.label));
        }
        if series.values.len() > MAX_LISTED_POINTS {
            out.push_str(&summary(chart, i, labels));
        } else {
            let points: Vec<String> =
                chart.categories.iter().zip(&series.values).map(|(c, v)| format!("{c} {}", value(v))).collect();
            out.push_str(&points.join("; "));
        }
        out.push('.');
    }
    out
}

/// "20 värden från 2001 till 2020; lägst 96 (2003), högst 142 (2011); ökande;
/// uppgift saknas för 2005": a long series in one sentence.
fn summary(chart: &Chart, s: usize, labels: &ChartLabels) -> String {
    let series = &chart.series[s];
    let shown = |v: Decimal| format_amount(v, Some(chart.decimals));
    let present: Vec<(usize, Decimal)> =
        series.values.iter().enumerate().filter_map(|(c, v)| v.map(|v| (c, v))).collect();
    let (first_category, last_category) = (&chart.categories[0], &chart.categories[chart.categories.len() - 1]);
    let mut parts = vec![format!(
        "{} {} {} {first_category} {} {last_category}",
        series.values.len(),
        labels.values,
        labels.from,
        labels.to
    )];
    if let (Some(&(lo_c, lo)), Some(&(hi_c, hi))) =
        (present.iter().min_by_key(|(_, v)| *v), present.iter().rev().max_by_key(|(_, v)| *v))
    {
        parts.push(format!(
            "{} {} ({}), {} {} ({})",
            labels.lowest,
            shown(lo),
            chart.categories[lo_c],
            labels.highest,
            shown(hi),
            chart.categories[hi_c]
        ));
    }
    if let (Some(&(_, first)), Some(&(_, last))) = (present.first(), present.last()) {
        let trend = match last.cmp(&first) {
            std::cmp::Ordering::Greater => &labels.rising,
            std::cmp::Ordering::Less => &labels.falling,
            std::cmp::Ordering::Equal => &labels.unchanged,
        };
        parts.push(format!("{trend} {} {} {} {}", labels.from, shown(first), labels.to, shown(last)));
    }
    let missing: Vec<&str> = series
        .values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| chart.categories[c].as_str())
        .collect();
    if !missing.is_empty() {
        parts.push(format!("{} {}", labels.missing, missing.join(", ")));
    }
    parts.join("; ")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::charts::testing::load;

    pub fn labels() -> ChartLabels {
        let source =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/i18n/sv.yaml")).unwrap();
        let node = crate::yaml::parse(&source, "sv.yaml").unwrap();
        let words: std::collections::BTreeMap<String, String> = node
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str().unwrap().to_owned(), v.as_str().unwrap_or_default().to_owned()))
            .collect();
        ChartLabels::new(|key| words.get(key).map(String::as_str).unwrap_or("?"))
    }

    fn alt(figures: &str, chart: &str) -> String {
        let charts = load(&format!("{figures}charts:\n  - {chart}\n")).unwrap();
        alt_text(&charts.charts[0], &labels())
    }

    const TWO_YEARS: &str = r#"
defaults: {unit: tkr, columns: ["2012", "2013"]}
tables:
  - id: rr
    title: Resultat
    rows:
      - {id: kansli, label: Kansli, values: [-1 310, 2 702]}
      - {id: navet, label: Navet, values: [~, 450]}
"#;

    #[test]
    fn every_value_is_read_out_and_a_gap_is_named() {
        assert_eq!(
            alt(TWO_YEARS, "{id: a, type: bar, title: Årets resultat 2012–2013, series: [{row: rr.kansli}]}"),
            "Stapeldiagram. Årets resultat 2012–2013, tkr: 2012 \u{2212}1\u{a0}310; 2013 2\u{a0}702."
        );
        assert_eq!(
            alt(TWO_YEARS, "{id: a, type: grouped, title: Resultat, series: [{row: rr.kansli}, {row: rr.navet}]}"),
            "Grupperat stapeldiagram. Resultat, tkr. Kansli: 2012 \u{2212}1\u{a0}310; 2013 2\u{a0}702. Navet: 2012 uppgift saknas; 2013 450."
        );
        assert_eq!(
            alt(TWO_YEARS, "{id: a, type: bar, title: T, alt: Egen text., series: [{row: rr.kansli}]}"),
            "Egen text."
        );
    }

    #[test]
    fn a_long_series_is_summarised() {
        let years: Vec<String> = (2001..=2020).map(|y| format!("\"{y}\"")).collect();
        let values: Vec<String> =
            (0..20).map(|i| if i == 4 { "~".into() } else { (100 + i * 3).to_string() }).collect();
        let figures = format!(
            "defaults: {{unit: mnkr, columns: [{}]}}\ntables:\n  - id: f\n    title: Femår\n    rows:\n      - {{id: r, label: Resultat, values: [{}]}}\n",
            years.join(", "),
            values.join(", ")
        );
        assert_eq!(
            alt(&figures, "{id: a, type: line, title: Resultat 2001–2020, series: [{row: f.r}]}"),
            "Linjediagram. Resultat 2001–2020, mnkr: 20 värden från 2001 till 2020; lägst 100 (2001), högst 157 (2020); ökande från 100 till 157; uppgift saknas 2005."
        );
    }
}
