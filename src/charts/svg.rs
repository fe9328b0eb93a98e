//! The SVG of a chart, written from its layout: inlined in the site's
//! `<figure>` and placed by typst in the PDF, so both show one picture. It
//! scales to any width (a viewBox, width 100 %), uses the theme's font by
//! family name, and has no background fill, so it prints cleanly.

use std::fmt::Write;

use super::alt::{ChartLabels, alt_text, title_with_unit};
use super::layout::{Anchor, FONT_SIZE, Label, Layout, Rect, layout};
use super::measure::line_step;
use super::spec::Chart;
use super::style::{self, Marker, Pattern, Style};

/// Text for XML: the site's own escaping, which SVG reads alike.
pub use crate::markdown::html::escape_html as escape;

/// A position written short: `12.5`, `40`.
fn n(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if v == v.trunc() { format!("{}", v as i64) } else { format!("{v:.1}") }
}

fn anchor(a: Anchor) -> &'static str {
    match a {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    }
}

fn text(out: &mut String, label: &Label) {
    let size = if label.size == FONT_SIZE { String::new() } else { format!(r#" font-size="{}""#, n(label.size)) };
    let _ = write!(out, r#"<text x="{}" y="{}" text-anchor="{}"{size}>"#, n(label.x), n(label.y), anchor(label.anchor));
    if let [line] = &label.lines[..] {
        out.push_str(&escape(line));
    } else {
        for (i, line) in label.lines.iter().enumerate() {
            let dy = if i == 0 { "0".to_owned() } else { n(line_step(label.size)) };
            let _ = write!(out, r#"<tspan x="{}" dy="{dy}">{}</tspan>"#, n(label.x), escape(line));
        }
    }
    out.push_str("</text>");
}

/// The fill of a bar series: its colour, with a pattern of white over it.
fn pattern_def(out: &mut String, id: &str, colour: &str, pattern: Pattern) {
    let marks = match pattern {
        Pattern::Solid => return,
        Pattern::Diagonal => r##"<path d="M-2 2l4-4M0 8l8-8M6 10l4-4" stroke="#fff" stroke-width="1.6"/>"##,
        Pattern::Dots => r##"<circle cx="4" cy="4" r="1.6" fill="#fff"/>"##,
        Pattern::Crosshatch => r##"<path d="M0 0l8 8M8 0l-8 8" stroke="#fff" stroke-width="1.2"/>"##,
        Pattern::Horizontal => r##"<path d="M0 4h8" stroke="#fff" stroke-width="1.8"/>"##,
    };
    let _ = write!(
        out,
        r#"<pattern id="{id}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{colour}"/>{marks}</pattern>"#
    );
}

fn marker_shape(out: &mut String, marker: Marker, x: f64, y: f64, colour: &str) {
    let _ = match marker {
        Marker::Circle => write!(out, r#"<circle cx="{}" cy="{}" r="4.5" fill="{colour}"/>"#, n(x), n(y)),
        Marker::Square => {
            write!(out, r#"<rect x="{}" y="{}" width="8" height="8" fill="{colour}"/>"#, n(x - 4.0), n(y - 4.0))
        }
        Marker::Triangle => write!(out, r#"<path d="M{} {}l5 9h-10z" fill="{colour}"/>"#, n(x), n(y - 5.5)),
        Marker::Diamond => write!(out, r#"<path d="M{} {}l5 5-5 5-5-5z" fill="{colour}"/>"#, n(x), n(y - 5.0)),
    };
}

fn rect(out: &mut String, r: &Rect, fill: &str, stroke: &str) {
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>"#,
        n(r.x),
        n(r.y),
        n(r.width),
        n(r.height)
    );
}

/// The chart as a standalone SVG document; `id` makes its pattern and title
/// ids unique on a page that shows several charts.
pub fn render(chart: &Chart, style: &Style, labels: &ChartLabels) -> String {
    let l: Layout = layout(chart);
    let style = &style.for_chart(chart);
    let id = &chart.id;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" font-family="{}" font-size="{}" color="{}" fill="currentColor">"#,
        n(l.width),
        n(l.height),
        escape(&style.font),
        n(FONT_SIZE),
        style.text
    );
    let _ = write!(
        out,
        r#"<title>{}</title><desc>{}</desc>"#,
        escape(&title_with_unit(chart)),
        escape(&alt_text(chart, labels))
    );
    let fill = |s: usize| match style::pattern(s) {
        Pattern::Solid => style.colour(s).to_owned(),
        _ => format!("url(#chart-{id}-{s})"),
    };
    out.push_str("<defs>");
    for s in 0..chart.series.len() {
        pattern_def(&mut out, &format!("chart-{id}-{s}"), style.colour(s), style::pattern(s));
    }
    out.push_str("</defs>");

    // Grid and value axis. Each piece of grid is an element of its own (no
    // group): a group's box would cover the labels between its lines.
    let p = &l.plot;
    for g in &l.grid {
        let _ = write!(
            out,
            r#"<path d="M{} {}L{} {}" stroke="{}" stroke-width="1"/>"#,
            n(g.from.0),
            n(g.from.1),
            n(g.to.0),
            n(g.to.1),
            style.grid
        );
    }
    for label in &l.tick_labels {
        text(&mut out, label);
    }

    // Bars, then lines over them.
    for bar in &l.bars {
        rect(&mut out, &bar.rect, &fill(bar.series), style.colour(bar.series));
    }
    // The zero line: the bars' base, stronger when values fall below it.
    let width = if l.negative { "2" } else { "1.2" };
    let _ = if l.horizontal {
        write!(
            out,
            r#"<path d="M{} {}V{}" stroke="{}" stroke-width="{width}"/>"#,
            n(l.zero),
            n(p.y),
            n(p.y + p.height),
            style.text
        )
    } else {
        write!(
            out,
            r#"<path d="M{} {}H{}" stroke="{}" stroke-width="{width}"/>"#,
            n(p.x),
            n(l.zero),
            n(p.x + p.width),
            style.text
        )
    };
    for line in &l.lines {
        let colour = style.colour(line.series);
        let dash = style::dash(line.series).map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
        for run in &line.runs {
            let d: Vec<String> = run
                .iter()
                .enumerate()
                .map(|(i, (x, y))| format!("{}{} {}", if i == 0 { "M" } else { "L" }, n(*x), n(*y)))
                .collect();
            let _ = write!(out, r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>"#, d.join(""));
            for (x, y) in run {
                marker_shape(&mut out, style::marker(line.series), *x, *y, colour);
            }
        }
    }

    for label in l.value_labels.iter().chain(&l.gaps).chain(&l.categories) {
        text(&mut out, label);
    }

    // The legend: each series' swatch, as drawn, and its name.
    for item in &l.legend {
        let colour = style.colour(item.series);
        if item.as_line {
            let dash = style::dash(item.series).map(|d| format!(r#" stroke-dasharray="{d}""#)).unwrap_or_default();
            let _ = write!(
                out,
                r#"<path d="M{} {}h22" stroke="{colour}" stroke-width="2.5"{dash}/>"#,
                n(item.x),
                n(item.y + 8.0)
            );
            marker_shape(&mut out, style::marker(item.series), item.x + 11.0, item.y + 8.0, colour);
        } else {
            rect(&mut out, &item.swatch(), &fill(item.series), colour);
        }
        text(&mut out, &item.label());
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::charts::alt::tests::labels;
    use crate::theme::ThemeConfig;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/charts");

    /// One chart of each kind against its reviewed SVG. After a deliberate
    /// change, `UPDATE_SNAPSHOTS=charts` rewrites them; look at each again
    /// (`chromium --headless --screenshot`) before committing. (Drawing bars
    /// from the lowest tick instead of zero made the snapshots differ.)
    #[test]
    fn each_kind_of_chart_matches_its_reviewed_svg() {
        let source = std::fs::read_to_string(format!("{DIR}/figures.yaml")).unwrap();
        let charts = crate::charts::testing::load(&source).unwrap();
        let style = Style::from_theme(&ThemeConfig::default());
        let update = std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "all" || v.split(',').any(|c| c == "charts"));
        let mut differ = Vec::new();
        assert_eq!(charts.charts.len(), 6);
        for chart in &charts.charts {
            let svg = render(chart, &style, &labels());
            let path = format!("{DIR}/{}.svg", chart.id);
            if update {
                std::fs::write(&path, format!("{svg}\n")).unwrap();
            } else if std::fs::read_to_string(&path).unwrap_or_default() != format!("{svg}\n") {
                differ.push(path);
            }
        }
        assert!(differ.is_empty(), "differs from the snapshot: {differ:?}");
    }

    /// Goals counted per status and area, as a stacked horizontal bar in
    /// the statuses' colours. (Drawing it in the series colours made this fail.)
    #[test]
    fn a_goal_chart_matches_its_reviewed_svg() {
        let goals = std::fs::read_to_string(format!("{DIR}/goals.yaml")).unwrap();
        let charts = crate::charts::testing::load_with_goals(GOAL_CHART, Some(&goals)).unwrap();
        let chart = &charts.charts[0];
        let style = Style::from_theme(&ThemeConfig::default());
        let svg = render(chart, &style, &labels());
        for status in [crate::goals::Status::Met, crate::goals::Status::NotMet] {
            assert!(svg.contains(&format!("fill=\"{}\"", style.status.get(status))), "{svg}");
        }
        assert!(!svg.contains(&format!("fill=\"{}\"", style.palette[0])), "{svg}");
        let path = format!("{DIR}/{}.svg", chart.id);
        if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "all" || v.split(',').any(|c| c == "charts")) {
            std::fs::write(&path, format!("{svg}\n")).unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), format!("{svg}\n"), "differs from {path}");
    }

    pub const GOAL_CHART: &str = "charts:\n  - {id: goals, type: stacked, horizontal: true, title: Måluppfyllelse, source: {goals: mal, by: area}}\n";

    #[test]
    fn text_from_the_data_is_escaped() {
        let source = "tables:\n  - id: t\n    title: T\n    columns: [a]\n    rows:\n      - {id: r, label: \"<b>&</b>\", values: [1]}\ncharts:\n  - {id: c, type: bar, title: \"A & <B>\", series: [{column: \"t[a]\"}]}\n";
        let charts = crate::charts::testing::load(source).unwrap();
        let svg = render(&charts.charts[0], &Style::from_theme(&ThemeConfig::default()), &labels());
        assert!(svg.contains("<title>A &amp; &lt;B&gt;, tkr</title>"), "{svg}");
        assert!(svg.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 640 "#), "{svg}");
    }
}
