//! How series tell themselves apart: a colour from the theme and, because
//! colour alone is not enough (WCAG 1.4.1), a fill pattern for bars and a
//! marker and dash for lines. Colours must stand out from the page at 3:1
//! (WCAG 1.4.11).

/// The page behind a chart: charts have no background fill of their own, so
/// they print cleanly.
pub const BACKGROUND: &str = "#ffffff";

/// The colours and font a chart is drawn with, from the theme.
#[derive(Debug, Clone)]
pub struct Style {
    /// Series colours, in order; they repeat (with other patterns) if a chart has more series.
    pub palette: Vec<String>,
    pub text: String,
    /// Grid lines.
    pub grid: String,
    pub font: String,
    /// The colour of each goal status, for the series of a goal chart.
    pub status: crate::theme::StatusColours,
}

impl Style {
    pub fn from_theme(config: &crate::theme::ThemeConfig) -> Style {
        Style {
            palette: config.colours.chart.clone(),
            text: config.colours.text.clone(),
            grid: "#d0d0d0".into(),
            font: config.fonts.body.first().cloned().unwrap_or_else(|| "Inter".into()),
            status: config.colours.status.clone(),
        }
    }

    /// The style of one chart: a chart of goal statuses draws each series
    /// in its status's colour instead of the series colours.
    pub fn for_chart(&self, chart: &super::Chart) -> Style {
        let statuses: Option<Vec<_>> = chart.series.iter().map(|s| s.status).collect();
        match statuses {
            Some(statuses) if !statuses.is_empty() => {
                Style { palette: statuses.into_iter().map(|s| self.status.get(s).to_owned()).collect(), ..self.clone() }
            }
            _ => self.clone(),
        }
    }

    pub fn colour(&self, series: usize) -> &str {
        self.palette.get(series % self.palette.len().max(1)).map(String::as_str).unwrap_or("#1a1a1a")
    }
}

/// The fill pattern of a bar series: solid, then hatchings and dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    Solid,
    Diagonal,
    Dots,
    Crosshatch,
    Horizontal,
}

pub fn pattern(series: usize) -> Pattern {
    [Pattern::Solid, Pattern::Diagonal, Pattern::Dots, Pattern::Crosshatch, Pattern::Horizontal][series % 5]
}

/// The point marker of a line series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

pub fn marker(series: usize) -> Marker {
    [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond][series % 4]
}

/// The dash of a line series (`None`: solid).
pub fn dash(series: usize) -> Option<&'static str> {
    [None, Some("8 4"), Some("2 4"), Some("10 4 2 4")][series % 4]
}

/// `#rrggbb` as its three channels.
fn rgb(colour: &str) -> Option<[u8; 3]> {
    let hex = colour.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// Relative luminance as WCAG 2 defines it.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The WCAG contrast ratio of two `#rrggbb` colours (1 to 21), if both are such colours.
pub fn contrast(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(rgb(a)?), luminance(rgb(b)?));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::ThemeConfig;

    #[test]
    fn contrast_is_computed_as_wcag_does() {
        assert!((contrast("#000000", "#ffffff").unwrap() - 21.0).abs() < 1e-9);
        assert!((contrast("#777777", "#ffffff").unwrap() - 4.48).abs() < 0.01);
        assert_eq!(contrast("#fff", "#ffffff"), None);
    }

    /// Every series colour of the default theme, as its theme.yaml states
    /// them, stands out from the page at 3:1 or more. (Setting one to
    /// `#a6c8e8` in theme.yaml made this fail.)
    #[test]
    fn the_default_chart_colours_stand_out_from_the_page() {
        let source =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/theme.yaml")).unwrap();
        let config = ThemeConfig::parse(&source, "themes/default/theme.yaml").unwrap();
        assert!(config.colours.chart.len() >= 4, "{:?}", config.colours.chart);
        assert_eq!(config.colours.chart, ThemeConfig::default().colours.chart);
        for colour in &config.colours.chart {
            let ratio = contrast(colour, BACKGROUND).unwrap();
            assert!(ratio >= 3.0, "{colour} has {ratio:.2}:1 against the page");
        }
    }

    #[test]
    fn series_differ_by_more_than_colour() {
        for s in 1..4 {
            assert_ne!(pattern(s), pattern(0));
            assert_ne!(marker(s), marker(0));
            assert_ne!(dash(s), dash(0));
        }
    }
}
