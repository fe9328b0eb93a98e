//! Keeping a chart's labels clear. No label stands on another label, on a
//! bar, on a line or its markers, on the zero line or on a legend swatch, and
//! grid lines break where a label crosses them: every label stands on the
//! page itself, so what a reader sees, and what a contrast checker measures,
//! is the text colour against the page. Label boxes are measured with the
//! font (`measure`).

use super::layout::{Label, Layout, Rect, Segment};
use super::measure::{label_box, overlap};

/// Room a label keeps from other labels.
const LABEL_GAP: f64 = 3.0;
/// Room a label keeps from bars and lines (the zero line is 2 units wide).
const MARK_GAP: f64 = 0.5;
/// Room a grid line keeps from a label it passes.
const GRID_GAP: f64 = 2.0;
/// Room below the lowest label.
const PAD: f64 = 8.0;

fn boxes(labels: &[Label]) -> Vec<Rect> {
    labels.iter().map(label_box).collect()
}

/// The first pair of boxes in `a` that share room (`gap` apart at least).
fn crowded_among(a: &[Rect], gap: f64) -> Option<(usize, usize)> {
    (0..a.len()).flat_map(|i| (i + 1..a.len()).map(move |j| (i, j))).find(|&(i, j)| overlap(&a[i], &a[j], gap))
}

fn any_between(a: &[Rect], b: &[Rect], gap: f64) -> bool {
    a.iter().any(|x| b.iter().any(|y| overlap(x, y, gap)))
}

/// Whether a segment passes through a box grown by `gap` (Liang–Barsky clipping).
fn crosses(s: &Segment, r: &Rect, gap: f64) -> bool {
    let (x0, y0) = s.from;
    let (dx, dy) = (s.to.0 - x0, s.to.1 - y0);
    let (left, right, top, bottom) = (r.x - gap, r.x + r.width + gap, r.y - gap, r.y + r.height + gap);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [(-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 <= t1
}

/// Everything drawn that is not text: bars, legend swatches and marker boxes
/// as boxes; lines and the zero line as segments.
fn marks(l: &Layout) -> (Vec<Rect>, Vec<Segment>) {
    let mut rects: Vec<Rect> = l.bars.iter().map(|b| b.rect.clone()).collect();
    rects.extend(l.legend.iter().map(|i| i.swatch()));
    let mut segments = vec![zero_line(l)];
    for line in &l.lines {
        for run in &line.runs {
            segments.extend(run.windows(2).map(|w| Segment { from: w[0], to: w[1] }));
            rects.extend(run.iter().map(|&(x, y)| Rect { x: x - 5.5, y: y - 5.5, width: 11.0, height: 11.0 }));
        }
    }
    (rects, segments)
}

/// The bars' base line, across the plot.
pub fn zero_line(l: &Layout) -> Segment {
    let p = &l.plot;
    if l.horizontal {
        Segment { from: (l.zero, p.y), to: (l.zero, p.y + p.height) }
    } else {
        Segment { from: (p.x, l.zero), to: (p.x + p.width, l.zero) }
    }
}

fn hits_marks(labels: &[Rect], l: &Layout) -> bool {
    let (rects, segments) = marks(l);
    any_between(labels, &rects, MARK_GAP) || labels.iter().any(|b| segments.iter().any(|s| crosses(s, b, MARK_GAP)))
}

fn outside(labels: &[Rect], l: &Layout) -> bool {
    labels.iter().any(|b| b.x < 0.0 || b.x + b.width > l.width || b.y < 0.0)
}

/// Every label on the drawing.
fn all_labels(l: &Layout) -> Vec<Label> {
    let legend = l.legend.iter().map(|i| i.label());
    l.tick_labels.iter().chain(&l.categories).chain(&l.value_labels).chain(&l.gaps).cloned().chain(legend).collect()
}

/// Moves labels until none stands on anything, and breaks the grid around them.
pub fn keep_labels_clear(l: &mut Layout) {
    thin_ticks(l);
    if !l.horizontal {
        stagger_categories(l);
    }
    let width = l.width;
    for label in l.categories.iter_mut().chain(&mut l.tick_labels) {
        nudge_inside(label, width);
    }
    let fixed: Vec<Rect> = boxes(&l.tick_labels).into_iter().chain(boxes(&l.categories)).collect();
    let legend: Vec<Rect> = l.legend.iter().map(|i| label_box(&i.label())).collect();
    // Values at their bars: all of them, or none when one would stand on
    // something (the data table under the chart has every value).
    let values: Vec<Rect> = boxes(&l.value_labels).into_iter().chain(boxes(&l.gaps)).collect();
    if crowded_among(&values, LABEL_GAP).is_some()
        || any_between(&values, &fixed, LABEL_GAP)
        || any_between(&values, &legend, LABEL_GAP)
        || hits_marks(&values, l)
        || outside(&values, l)
    {
        l.value_labels.clear();
    }
    let gaps = boxes(&l.gaps);
    l.crowded = crowded_among(&fixed, LABEL_GAP).is_some()
        || any_between(&gaps, &fixed, LABEL_GAP)
        || crowded_among(&gaps, LABEL_GAP).is_some()
        || hits_marks(&gaps, l);
    let labels = all_labels(l);
    let lowest = labels.iter().map(|label| {
        let b = label_box(label);
        b.y + b.height
    });
    let bottom = lowest.fold(l.plot.y + l.plot.height, f64::max);
    l.height = ((bottom + PAD) * 10.0).round() / 10.0;
    l.grid = grid(l);
}

/// On a crowded value axis, labels only every second (third, …) tick,
/// counted from zero so that zero keeps its label.
fn thin_ticks(l: &mut Layout) {
    let all = l.tick_labels.clone();
    let zero = l.ticks.iter().position(|t| t.value.is_zero()).unwrap_or(0);
    for every in 1..=all.len().max(1) {
        let kept: Vec<Label> =
            all.iter().enumerate().filter(|(i, _)| i.abs_diff(zero) % every == 0).map(|(_, t)| t.clone()).collect();
        if crowded_among(&boxes(&kept), LABEL_GAP).is_none() {
            l.tick_labels = kept;
            return;
        }
    }
}

/// A label that would run past either side of the drawing is moved in.
fn nudge_inside(label: &mut Label, width: f64) {
    let b = label_box(label);
    if b.x < 1.0 {
        label.x += 1.0 - b.x;
    } else if b.x + b.width > width - 1.0 {
        label.x -= b.x + b.width - (width - 1.0);
    }
    label.x = round(label.x);
}

/// Names of categories too wide for their place side by side go on two
/// rows: every second one a row lower.
fn stagger_categories(l: &mut Layout) {
    if crowded_among(&boxes(&l.categories), LABEL_GAP).is_none() {
        return;
    }
    // The lower row starts a full label's height below the upper one.
    let tallest = boxes(&l.categories).iter().map(|b| b.height).fold(0.0, f64::max);
    for (c, label) in l.categories.iter_mut().enumerate() {
        if c % 2 == 1 {
            label.y += tallest + LABEL_GAP + 1.0;
        }
    }
}

/// One grid line per tick across the plot, left out where it would pass a label.
fn grid(l: &Layout) -> Vec<Segment> {
    let labels = boxes(&all_labels(l));
    let p = &l.plot;
    let mut out = Vec::new();
    for tick in &l.ticks {
        // The line as an interval along its own direction, at `tick.at` across it.
        let (start, end) = if l.horizontal { (p.y, p.y + p.height) } else { (p.x, p.x + p.width) };
        let mut cuts: Vec<(f64, f64)> = labels
            .iter()
            .filter_map(|b| {
                let (across, along) = if l.horizontal {
                    ((b.x, b.x + b.width), (b.y, b.y + b.height))
                } else {
                    ((b.y, b.y + b.height), (b.x, b.x + b.width))
                };
                (tick.at >= across.0 - GRID_GAP && tick.at <= across.1 + GRID_GAP)
                    .then_some((along.0 - GRID_GAP, along.1 + GRID_GAP))
            })
            .collect();
        cuts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut from = start;
        let mut pieces = Vec::new();
        for (a, b) in cuts {
            if a > from {
                pieces.push((from, a.min(end)));
            }
            from = from.max(b);
        }
        if from < end {
            pieces.push((from, end));
        }
        for (a, b) in pieces.into_iter().filter(|(a, b)| b - a > 0.5) {
            let (a, b) = (round(a), round(b));
            out.push(if l.horizontal {
                Segment { from: (tick.at, a), to: (tick.at, b) }
            } else {
                Segment { from: (a, tick.at), to: (b, tick.at) }
            });
        }
    }
    out
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Every way the labels of a layout stand on something, described; empty
/// when all are clear. What the tests hold every layout to.
pub fn collisions(l: &Layout) -> Vec<String> {
    let labels = all_labels(l);
    let b = boxes(&labels);
    let (rects, segments) = marks(l);
    let name = |i: usize| format!("{:?}", labels[i].lines);
    let mut out = Vec::new();
    for i in 0..b.len() {
        for j in i + 1..b.len() {
            if overlap(&b[i], &b[j], 0.0) {
                out.push(format!("{} on {}", name(i), name(j)));
            }
        }
        if let Some(r) = rects.iter().find(|r| overlap(&b[i], r, 0.0)) {
            out.push(format!("{} on a mark at {r:?}", name(i)));
        }
        if let Some(s) = segments.iter().chain(&l.grid).find(|s| crosses(s, &b[i], 0.0)) {
            out.push(format!("{} on a line {s:?}", name(i)));
        }
        if b[i].x < 0.0 || b[i].x + b[i].width > l.width || b[i].y < 0.0 || b[i].y + b[i].height > l.height {
            out.push(format!("{} outside the drawing", name(i)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::layout::layout;
    use crate::charts::testing::load;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/charts");

    /// Figures that crowd a chart: long names, many categories, wide values
    /// on both sides of zero.
    const CROWDED: &str = r#"
defaults: {unit: tkr, columns: ["2011", "2012", "2013"]}
tables:
  - id: t
    title: T
    rows:
      - {id: a, label: Kansli och tillväxtmedel, values: [-1 234 567, 2 345 678, 150]}
      - {id: b, label: Navet Science Center, values: [987 654, ~, 2 000 000]}
      - {id: c, label: Medarbetarcentrum, values: [1 999 999, 5, -7]}
  - id: m
    title: Månader
    unit: antal
    columns: [januari, februari, mars, april, maj, juni, juli, augusti, september, oktober, november, december]
    rows:
      - {id: a, label: Besökare, values: [1 200, 1 350, 1 980, 2 400, 2 210, 900, 150, 300, 2 050, 2 600, 2 480, 1 100]}
      - {id: b, label: Elever, values: [900, 1 000, 1 500, 1 800, 1 700, 700, ~, 200, 1 600, 2 000, 1 900, 800]}
"#;

    const SPECS: &[&str] = &[
        "{id: g, type: grouped, title: T, series: [{row: t.a}, {row: t.b}, {row: t.c}]}",
        "{id: h, type: grouped, horizontal: true, title: T, series: [{column: \"t[2011]\"}, {column: \"t[2012]\"}]}",
        "{id: s, type: stacked, title: T, series: [{row: t.a}, {row: t.b}, {row: t.c}]}",
        "{id: c, type: bar, title: T, series: [{column: \"t[2012]\"}]}",
        "{id: l, type: line, title: T, series: [{row: m.a}, {row: m.b}]}",
        "{id: bl, type: bar-line, title: T, series: [{row: m.a}, {row: m.b, as: line}]}",
        "{id: mb, type: grouped, title: T, series: [{row: m.a}, {row: m.b}]}",
        "{id: mh, type: bar, horizontal: true, title: T, series: [{row: m.a}]}",
    ];

    /// No label of any chart stands on another label, a bar, a line, a
    /// marker, the zero line or the grid, or leaves the drawing: the reviewed
    /// charts and charts crowded on purpose. (Failed with the grid drawn
    /// whole under the values of sideways bars, and, before they were moved
    /// in, with the last month's name past the drawing's edge.)
    #[test]
    fn no_label_stands_on_anything() {
        let reviewed = load(&std::fs::read_to_string(format!("{DIR}/figures.yaml")).unwrap()).unwrap().charts;
        let crowded: Vec<_> = SPECS
            .iter()
            .map(|spec| load(&format!("{CROWDED}charts:\n  - {spec}\n")).unwrap().charts.remove(0))
            .collect();
        for chart in reviewed.iter().chain(&crowded) {
            let l = layout(chart);
            assert!(!l.crowded, "chart `{}` fits", chart.id);
            assert_eq!(collisions(&l), Vec::<String>::new(), "chart `{}`", chart.id);
        }
        // The crowded charts were made to fit, not merely found to fit.
        let g = layout(&crowded[0]);
        assert!(g.value_labels.is_empty(), "the values of the crowded grouped bars are left to the data table");
        let h = layout(&crowded[1]);
        assert!(h.tick_labels.len() < h.ticks.len(), "a crowded axis labels every second tick");
        assert!(h.tick_labels.iter().any(|t| t.lines == ["0"]), "zero keeps its label");
        let months = layout(&crowded[4]);
        assert!(months.categories[1].y > months.categories[0].y, "month names on two rows");
        assert!(h.grid.len() > h.ticks.len(), "grid lines break around the values");
    }

    /// Categories that cannot be set side by side even on two rows are a
    /// located error of `check` (the layout never overprints them); sideways
    /// bars give each its own line. (Without the crowded flag the chart loaded.)
    #[test]
    fn categories_that_do_not_fit_are_reported() {
        let names: Vec<String> = (1..=30).map(|i| format!("Verksamhetsområde{i}")).collect();
        let rows: String = names.iter().map(|n| format!("      - {{label: {n}, values: [1]}}\n")).collect();
        let source = format!(
            "tables:\n  - id: t\n    title: T\n    unit: antal\n    columns: [a]\n    rows:\n{rows}charts:\n  - {{id: c, type: bar, title: T, series: [{{column: \"t[a]\"}}]}}\n"
        );
        let error = load(&source).unwrap_err();
        assert!(error.contains("the 30 names along the axis of chart `c` do not fit side by side"), "{error}");
        assert!(error.contains("figurer.yaml:38:5"), "{error}");
        let sideways = source.replace("type: bar,", "type: bar, horizontal: true,");
        let chart = &load(&sideways).unwrap().charts[0];
        assert_eq!(collisions(&layout(chart)), Vec::<String>::new());
    }

    #[test]
    fn a_segment_crosses_a_box_it_passes_through() {
        let r = Rect { x: 10.0, y: 10.0, width: 10.0, height: 10.0 };
        assert!(crosses(&Segment { from: (0.0, 0.0), to: (30.0, 30.0) }, &r, 0.0));
        assert!(crosses(&Segment { from: (15.0, 0.0), to: (15.0, 12.0) }, &r, 0.0));
        assert!(!crosses(&Segment { from: (0.0, 25.0), to: (30.0, 25.0) }, &r, 0.0));
        assert!(!crosses(&Segment { from: (0.0, 0.0), to: (9.0, 30.0) }, &r, 0.0));
    }
}
