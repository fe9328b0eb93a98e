//! The geometry of a chart, computed once: the value scale with round ticks,
//! bars from zero, line points, category labels and the legend. The SVG (for
//! the site and the PDF alike) is written from this, so both show the same
//! picture. Values stay exact decimals; only positions on the drawing are
//! floating point.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::spec::{Chart, ChartKind};
use crate::format::format_amount;

/// Width of the drawing in its own units (the SVG's viewBox); it is scaled
/// to the width of the page or the screen.
pub const WIDTH: f64 = 640.0;
/// Size of labels, in the drawing's units.
pub const FONT_SIZE: f64 = 14.0;
/// Height of a line of label text.
const LINE_HEIGHT: f64 = 17.0;
/// Height of the plot area of a chart whose categories run left to right.
const PLOT_HEIGHT: f64 = 260.0;
/// Room around the drawing.
const PAD: f64 = 8.0;
/// Ticks the value axis aims at.
const TICKS: usize = 5;
/// Labels of categories are wrapped at about this width.
const CATEGORY_WIDTH: f64 = 170.0;

/// Size of the value axis' tick labels.
pub const TICK_FONT_SIZE: f64 = 13.0;

/// The width of a label in the usual size, measured with the font.
pub fn text_width(text: &str) -> f64 {
    super::measure::width(text, FONT_SIZE)
}

/// Round tick values covering `min`..`max` and zero: steps of 1, 2, 2.5 or 5
/// times a power of ten, never finer than the figures' `decimals`.
pub fn ticks(min: Decimal, max: Decimal, decimals: u32) -> Vec<Decimal> {
    let lo = min.min(Decimal::ZERO);
    let hi = max.max(Decimal::ZERO);
    let finest = Decimal::new(1, decimals.min(6));
    let raw = if hi > lo { (hi - lo) / Decimal::from(TICKS) } else { finest };
    let mut magnitude = Decimal::ONE;
    while magnitude * Decimal::TEN <= raw {
        magnitude *= Decimal::TEN;
    }
    while magnitude > raw && magnitude > finest {
        magnitude /= Decimal::TEN;
    }
    let step = [Decimal::ONE, Decimal::TWO, Decimal::new(25, 1), Decimal::from(5), Decimal::TEN]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw && *s >= finest)
        .unwrap_or(magnitude * Decimal::TEN)
        .normalize();
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let end = if end == start { start + step } else { end };
    let mut out = Vec::new();
    let mut t = start;
    while t <= end {
        out.push(t.normalize());
        t += step;
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: Decimal,
    pub label: String,
    /// Where the tick lies along the value axis (y when categories run left
    /// to right, x when bars run sideways).
    pub at: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A bar, or one part of a stacked bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub series: usize,
    pub category: usize,
    pub rect: Rect,
    pub value: Decimal,
}

/// A text placed on the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub lines: Vec<String>,
    /// Where the first line's base line starts, ends or has its middle.
    pub x: f64,
    pub y: f64,
    pub anchor: Anchor,
    pub size: f64,
}

/// A straight line on the drawing, from one point to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub from: (f64, f64),
    pub to: (f64, f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// One series drawn as a line: its runs of points between gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct LinePath {
    pub series: usize,
    pub runs: Vec<Vec<(f64, f64)>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub series: usize,
    pub label: String,
    /// The top left corner of the item's swatch.
    pub x: f64,
    pub y: f64,
    pub as_line: bool,
}

impl LegendItem {
    /// The swatch: a patch of the bar's fill, or a piece of the line with its marker.
    pub fn swatch(&self) -> Rect {
        if self.as_line {
            Rect { x: self.x, y: self.y + 2.5, width: 22.0, height: 11.0 }
        } else {
            Rect { x: self.x, y: self.y + 1.0, width: 16.0, height: 14.0 }
        }
    }

    /// The series' name beside the swatch.
    pub fn label(&self) -> Label {
        Label {
            lines: vec![self.label.clone()],
            x: self.x + 26.0,
            y: self.y + 13.0,
            anchor: Anchor::Start,
            size: FONT_SIZE,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub horizontal: bool,
    pub plot: Rect,
    pub ticks: Vec<Tick>,
    /// The ticks' labels; on a crowded axis only every second or third.
    pub tick_labels: Vec<Label>,
    /// The grid, one line per tick, broken where a label stands on it.
    pub grid: Vec<Segment>,
    /// Where zero lies along the value axis: the bars' base line.
    pub zero: f64,
    /// Some value is below zero: the zero line is drawn stronger.
    pub negative: bool,
    pub categories: Vec<Label>,
    pub bars: Vec<Bar>,
    pub lines: Vec<LinePath>,
    /// Values written at their bar or point (direct labels), when they fit.
    pub value_labels: Vec<Label>,
    /// A dash where a bar has no figure: a gap, not a zero.
    pub gaps: Vec<Label>,
    pub legend: Vec<LegendItem>,
    /// The categories' names do not fit side by side even on two rows.
    pub crowded: bool,
}

/// Splits a label into lines of about `width`, at spaces.
fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}")) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// The legend's items in rows across the top, and the height they take.
fn legend(chart: &Chart) -> (Vec<LegendItem>, f64) {
    if chart.series.len() < 2 {
        return (Vec::new(), 0.0);
    }
    let mut items = Vec::new();
    let (mut x, mut y) = (PAD, PAD);
    for (s, series) in chart.series.iter().enumerate() {
        let width = 26.0 + text_width(&series.label) + 18.0;
        if x > PAD && x + width > WIDTH - PAD {
            x = PAD;
            y += LINE_HEIGHT + 6.0;
        }
        items.push(LegendItem { series: s, label: series.label.clone(), x, y, as_line: series.as_line });
        x += width;
    }
    (items, y + LINE_HEIGHT + 12.0 - PAD)
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The value axis: maps a value to a position between `from` (the lowest
/// tick) and `to` (the highest).
struct Scale {
    lo: Decimal,
    hi: Decimal,
    from: f64,
    to: f64,
}

impl Scale {
    fn at(&self, v: Decimal) -> f64 {
        let share = ((v - self.lo) / (self.hi - self.lo)).to_f64().unwrap_or(0.0);
        round(self.from + share * (self.to - self.from))
    }
}

/// The lowest and highest value the axis must show: stacked bars reach as far
/// as their parts add up to on each side of zero.
fn extent(chart: &Chart) -> (Decimal, Decimal) {
    let mut lo = Decimal::ZERO;
    let mut hi = Decimal::ZERO;
    for c in 0..chart.categories.len() {
        let (mut up, mut down) = (Decimal::ZERO, Decimal::ZERO);
        for s in &chart.series {
            let Some(v) = s.values[c] else { continue };
            if chart.kind == ChartKind::Stacked {
                if v >= Decimal::ZERO { up += v } else { down += v }
            } else {
                hi = hi.max(v);
                lo = lo.min(v);
            }
        }
        hi = hi.max(up);
        lo = lo.min(down);
    }
    (lo, hi)
}

/// Lays a chart out.
pub fn layout(chart: &Chart) -> Layout {
    let (lo, hi) = extent(chart);
    let ticks = ticks(lo, hi, chart.decimals);
    let step_decimals = ticks.windows(2).map(|w| (w[1] - w[0]).normalize().scale()).max().unwrap_or(0);
    let tick_labels: Vec<String> = ticks.iter().map(|t| format_amount(*t, Some(step_decimals))).collect();
    let (legend, legend_height) = legend(chart);
    let n = chart.categories.len().max(1);
    let bar_series: Vec<usize> = (0..chart.series.len()).filter(|&s| !chart.series[s].as_line).collect();
    let slots = if chart.kind == ChartKind::Stacked { 1 } else { bar_series.len().max(1) };
    let value_text = |v: Decimal| format_amount(v, Some(chart.decimals));

    let (plot, categories, height) = if chart.horizontal {
        let wrapped: Vec<Vec<String>> = chart.categories.iter().map(|c| wrap(c, CATEGORY_WIDTH)).collect();
        let label_width = wrapped.iter().flatten().map(|l| text_width(l)).fold(0.0, f64::max);
        let band = (slots as f64 * 20.0 + 14.0)
            .max(wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64 * LINE_HEIGHT + 8.0);
        let widest_value = chart.series.iter().flat_map(|s| &s.values).flatten().map(|v| text_width(&value_text(*v)));
        let value_room = widest_value.fold(0.0, f64::max) + 6.0;
        let x = PAD + label_width + 8.0;
        let plot = Rect {
            x: round(x + value_room),
            y: round(legend_height + PAD),
            width: round(WIDTH - PAD - x - 2.0 * value_room),
            height: round(band * n as f64),
        };
        let labels = wrapped
            .into_iter()
            .enumerate()
            .map(|(c, lines)| {
                let middle = plot.y + band * (c as f64 + 0.5);
                let top = middle - (lines.len() as f64 - 1.0) * LINE_HEIGHT / 2.0 + FONT_SIZE * 0.35;
                Label { lines, x: round(x - 8.0), y: round(top), anchor: Anchor::End, size: FONT_SIZE }
            })
            .collect();
        let height = plot.y + plot.height + LINE_HEIGHT + 2.0 * PAD;
        (plot, labels, height)
    } else {
        let tick_width = tick_labels.iter().map(|t| text_width(t)).fold(0.0, f64::max);
        let x = PAD + tick_width + 8.0;
        let band_width = (WIDTH - PAD - x) / n as f64;
        let wrapped: Vec<Vec<String>> =
            chart.categories.iter().map(|c| wrap(c, (band_width - 6.0).max(40.0))).collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f64;
        let plot = Rect {
            x: round(x),
            y: round(legend_height + PAD + LINE_HEIGHT),
            width: round(WIDTH - PAD - x),
            height: PLOT_HEIGHT,
        };
        let labels = wrapped
            .into_iter()
            .enumerate()
            .map(|(c, lines)| Label {
                lines,
                x: round(plot.x + band_width * (c as f64 + 0.5)),
                y: round(plot.y + plot.height + LINE_HEIGHT + 2.0),
                anchor: Anchor::Middle,
                size: FONT_SIZE,
            })
            .collect();
        let height = plot.y + plot.height + lines * LINE_HEIGHT + 2.0 * PAD;
        (plot, labels, height)
    };

    let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
    let scale = if chart.horizontal {
        Scale { lo, hi, from: plot.x, to: plot.x + plot.width }
    } else {
        Scale { lo, hi, from: plot.y + plot.height, to: plot.y }
    };
    let zero = scale.at(Decimal::ZERO);
    let band = if chart.horizontal { plot.height } else { plot.width } / n as f64;
    let band_start = if chart.horizontal { plot.y } else { plot.x };
    let slot = band * 0.72 / slots as f64;

    let mut bars = Vec::new();
    let mut gaps = Vec::new();
    for c in 0..chart.categories.len() {
        let first_slot = band_start + band * c as f64 + band * 0.14;
        let (mut up, mut down) = (Decimal::ZERO, Decimal::ZERO);
        for (k, &s) in bar_series.iter().enumerate() {
            let across = first_slot + slot * if chart.kind == ChartKind::Stacked { 0.0 } else { k as f64 };
            let Some(v) = chart.series[s].values[c] else {
                if chart.kind != ChartKind::Stacked {
                    let (x, y) = if chart.horizontal {
                        (zero + 4.0, across + slot / 2.0 + FONT_SIZE * 0.35)
                    } else {
                        (across + slot / 2.0, zero - 5.0)
                    };
                    let anchor = if chart.horizontal { Anchor::Start } else { Anchor::Middle };
                    gaps.push(Label { lines: vec!["–".into()], x: round(x), y: round(y), anchor, size: FONT_SIZE });
                }
                continue;
            };
            let (base, end) = if chart.kind == ChartKind::Stacked {
                let side = if v >= Decimal::ZERO { &mut up } else { &mut down };
                let base = *side;
                *side += v;
                (base, *side)
            } else {
                (Decimal::ZERO, v)
            };
            let (a, b) = (scale.at(base), scale.at(end));
            let rect = if chart.horizontal {
                Rect { x: a.min(b), y: round(across), width: round((b - a).abs()), height: round(slot) }
            } else {
                Rect { x: round(across), y: a.min(b), width: round(slot), height: round((b - a).abs()) }
            };
            bars.push(Bar { series: s, category: c, rect, value: v });
        }
    }

    let lines = (0..chart.series.len())
        .filter(|&s| chart.series[s].as_line)
        .map(|s| {
            let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
            let mut run = Vec::new();
            for (c, v) in chart.series[s].values.iter().enumerate() {
                match v {
                    Some(v) => run.push((round(band_start + band * (c as f64 + 0.5)), scale.at(*v))),
                    None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                    None => {}
                }
            }
            if !run.is_empty() {
                runs.push(run);
            }
            LinePath { series: s, runs }
        })
        .collect();

    let value_labels = direct_labels(chart, &bars, zero, slot, &value_text);

    let ticks: Vec<Tick> =
        ticks.iter().zip(tick_labels).map(|(&value, label)| Tick { value, label, at: scale.at(value) }).collect();
    let tick_labels = ticks
        .iter()
        .map(|t| {
            let (x, y, anchor) = if chart.horizontal {
                (t.at, plot.y + plot.height + 18.0, Anchor::Middle)
            } else {
                (plot.x - 8.0, t.at + 4.5, Anchor::End)
            };
            Label { lines: vec![t.label.clone()], x, y, anchor, size: TICK_FONT_SIZE }
        })
        .collect();
    let mut layout = Layout {
        width: WIDTH,
        height: round(height),
        horizontal: chart.horizontal,
        plot,
        ticks,
        tick_labels,
        grid: Vec::new(),
        zero,
        negative: lo < Decimal::ZERO,
        categories,
        bars,
        lines,
        value_labels,
        gaps,
        legend,
        crowded: false,
    };
    super::clear::keep_labels_clear(&mut layout);
    layout
}

/// Each bar's value at its end, for bar and grouped charts, when every label
/// fits the width of its bar (sideways bars always have room).
fn direct_labels(chart: &Chart, bars: &[Bar], zero: f64, slot: f64, text: &dyn Fn(Decimal) -> String) -> Vec<Label> {
    if !matches!(chart.kind, ChartKind::Bar | ChartKind::Grouped) {
        return Vec::new();
    }
    if !chart.horizontal && bars.iter().any(|b| text_width(&text(b.value)) > slot + 4.0) {
        return Vec::new();
    }
    bars.iter()
        .map(|b| {
            let negative = b.value < Decimal::ZERO;
            let r = &b.rect;
            let (x, y, anchor) = if chart.horizontal {
                let y = r.y + r.height / 2.0 + FONT_SIZE * 0.35;
                if negative { (r.x - 4.0, y, Anchor::End) } else { (r.x + r.width + 4.0, y, Anchor::Start) }
            } else if negative {
                (r.x + r.width / 2.0, zero + r.height + FONT_SIZE + 2.0, Anchor::Middle)
            } else {
                (r.x + r.width / 2.0, r.y - 5.0, Anchor::Middle)
            };
            Label { lines: vec![text(b.value)], x: round(x), y: round(y), anchor, size: FONT_SIZE }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::testing::load;

    fn d(v: i64) -> Decimal {
        Decimal::from(v)
    }

    /// Equal within the rounding of positions to a tenth.
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.15
    }

    fn ticks_of(min: i64, max: i64) -> Vec<String> {
        ticks(d(min), d(max), 0).iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn ticks_are_round_and_cover_zero() {
        assert_eq!(ticks_of(96, 142), ["0", "50", "100", "150"]);
        assert_eq!(ticks_of(0, 2702), ["0", "1000", "2000", "3000"]);
        assert_eq!(ticks_of(-1250, 3100), ["-2000", "-1000", "0", "1000", "2000", "3000", "4000"]);
        // Counts are never split below their decimals.
        assert_eq!(ticks_of(0, 2), ["0", "1", "2"]);
        // Nothing to show still gives an axis.
        assert_eq!(ticks_of(0, 0), ["0", "1"]);
        // A step of 2.5 times a power of ten.
        assert_eq!(
            ticks(d(0), d(11), 1).iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            ["0", "2.5", "5", "7.5", "10", "12.5"]
        );
    }

    const FIGURES: &str = r#"
defaults: {unit: tkr, columns: ["2011", "2012", "2013"]}
tables:
  - id: rr
    title: Resultat
    rows:
      - {id: kansli, label: Kansli och tillväxtmedel, values: [1 200, -300, 2 702]}
      - {id: navet, label: Navet Science Center, values: [400, ~, 450]}
"#;

    fn chart(spec: &str) -> (Chart, Layout) {
        let charts = load(&format!("{FIGURES}charts:\n  - {spec}\n")).unwrap();
        let chart = charts.charts[0].clone();
        let layout = layout(&chart);
        (chart, layout)
    }

    #[test]
    fn bars_start_at_zero_and_negative_values_hang_below_the_zero_line() {
        let (_, l) = chart("{id: a, type: bar, title: T, series: [{row: rr.kansli}]}");
        assert!(l.negative);
        let labels: Vec<&str> = l.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["\u{2212}1\u{a0}000", "0", "1\u{a0}000", "2\u{a0}000", "3\u{a0}000"]);
        let [a, b, c] = &l.bars[..] else { panic!("{:?}", l.bars) };
        // Positive bars end at the zero line, the negative one starts there.
        assert!(close(a.rect.y + a.rect.height, l.zero));
        assert!(close(b.rect.y, l.zero));
        assert!(close(c.rect.y + c.rect.height, l.zero));
        // Heights are proportional to the values: 2 702 is 9 times 300 and a bit.
        let ratio = c.rect.height / b.rect.height;
        assert!((ratio - 2702.0 / 300.0).abs() < 0.05, "{ratio}");
        assert_eq!(l.value_labels[1].lines, ["\u{2212}300"]);
    }

    #[test]
    fn a_missing_value_is_a_gap_not_a_zero() {
        let (_, l) = chart("{id: a, type: grouped, title: T, series: [{row: rr.kansli}, {row: rr.navet}]}");
        assert_eq!(l.bars.len(), 5, "one bar less than 2 × 3");
        assert!(!l.bars.iter().any(|b| b.series == 1 && b.category == 1));
        assert_eq!(l.gaps.len(), 1);
        assert_eq!(l.legend.len(), 2);
        let (_, l) = chart("{id: a, type: line, title: T, series: [{row: rr.navet}]}");
        // The line breaks at the gap: two runs of one point each.
        assert_eq!(l.lines[0].runs.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1]);
    }

    #[test]
    fn stacked_bars_stack_each_sign_from_zero() {
        let (_, l) = chart("{id: a, type: stacked, title: T, series: [{row: rr.kansli}, {row: rr.navet}]}");
        let first: Vec<&Bar> = l.bars.iter().filter(|b| b.category == 0).collect();
        // Navet's part sits on top of the kansli's.
        assert!(close(first[1].rect.y + first[1].rect.height, first[0].rect.y));
        assert!(close(first[0].rect.y + first[0].rect.height, l.zero));
        assert_eq!(l.ticks.last().unwrap().value, d(4000));
    }

    #[test]
    fn sideways_bars_put_categories_down_the_left() {
        let (_, l) = chart("{id: a, type: bar, horizontal: true, title: T, series: [{column: \"rr[2013]\"}]}");
        assert!(l.horizontal);
        assert!(l.categories.iter().all(|c| c.anchor == Anchor::End && c.x < l.plot.x));
        assert!(close(l.bars[0].rect.x, l.zero));
        assert!(l.plot.x + l.plot.width <= WIDTH);
    }
}
