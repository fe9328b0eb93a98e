//! The theme's settings, `theme.yaml`: page size and margins, fonts, colours,
//! an optional logo and a few layout switches. They are read and checked here,
//! with the line of every mistake, and reach typst as plain numbers (points)
//! and strings in `/report.json`, so theme authors never touch typst code.
//!
//! Every key is optional: a project's `theme.yaml` only lists what it changes,
//! and anything it leaves out keeps the built-in value.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::project::Fields;
use crate::yaml::{self, Node};

/// The named paper sizes a theme may ask for, in millimetres.
const PAPERS: [(&str, f64, f64); 7] = [
    ("a3", 297.0, 420.0),
    ("a4", 210.0, 297.0),
    ("a5", 148.0, 210.0),
    ("b5", 176.0, 250.0),
    ("g5", 169.0, 239.0),
    ("us-letter", 215.9, 279.4),
    ("us-legal", 215.9, 355.6),
];

const POINTS_PER_MM: f64 = 72.0 / 25.4;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeConfig {
    pub page: PageConfig,
    pub fonts: FontConfig,
    pub colours: Colours,
    pub chapters: ChapterConfig,
    pub tables: TableConfig,
    pub contents: ContentsConfig,
    pub hyphenate: HyphenateConfig,
    /// A logo shipped with the theme (a report's own `logo:` takes precedence).
    pub logo: Option<ThemeLogo>,
    /// Where each font family was named, to point at it if it is missing.
    #[serde(skip)]
    pub font_locations: Vec<(String, Location)>,
}

/// Sizes in points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageConfig {
    pub paper: String,
    pub width: f64,
    pub height: f64,
    pub margin: Margins,
    /// The width of running text, if narrower than the space between the
    /// margins: tables, the running header and the footer still use all of it.
    pub text_width: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Margins {
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FontConfig {
    /// Font families in order of preference.
    pub body: Vec<String>,
    pub headings: Vec<String>,
    /// Sizes in points.
    pub size: f64,
    pub table_size: f64,
    /// The smallest size a wide table may be set in before it gets a landscape page.
    pub table_min_size: f64,
}

/// Colours as `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Colours {
    pub text: String,
    pub accent: String,
    pub muted: String,
    pub rule: String,
    pub table_header: Option<String>,
    /// Series colours of charts, each at least 3:1 against the white page.
    pub chart: Vec<String>,
    /// The marker of each goal status, each at least 3:1 against the white page.
    pub status: StatusColours,
}

/// A colour per goal status, keyed as goals files name the statuses. It
/// colours a marker beside the status's symbol and word; the text stays in
/// the text colour.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusColours {
    pub uppfyllt: String,
    pub delvis_uppfyllt: String,
    pub ej_uppfyllt: String,
    pub ej_matbart: String,
    pub ej_rapporterat: String,
}

impl StatusColours {
    pub fn get(&self, status: crate::goals::Status) -> &str {
        use crate::goals::Status;
        match status {
            Status::Met => &self.uppfyllt,
            Status::Partly => &self.delvis_uppfyllt,
            Status::NotMet => &self.ej_uppfyllt,
            Status::NotMeasurable => &self.ej_matbart,
            Status::NotReported => &self.ej_rapporterat,
        }
    }

    fn slot(&mut self, status: crate::goals::Status) -> &mut String {
        use crate::goals::Status;
        match status {
            Status::Met => &mut self.uppfyllt,
            Status::Partly => &mut self.delvis_uppfyllt,
            Status::NotMet => &mut self.ej_uppfyllt,
            Status::NotMeasurable => &mut self.ej_matbart,
            Status::NotReported => &mut self.ej_rapporterat,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChapterConfig {
    /// `new-page`, `right-page` or `continue`.
    pub start: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableConfig {
    /// Hairlines between body rows (the header, totals and the end always have a rule).
    pub row_rules: bool,
    /// Whether a table too wide for the page even at the smallest size gets a landscape page.
    pub landscape: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentsConfig {
    /// Heading levels listed in the table of contents (1–4).
    pub depth: u8,
}

/// Where long words may be hyphenated, by the rules of the document's
/// language (Swedish compounds): `hyphenate:` in `theme.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HyphenateConfig {
    /// Running text.
    pub text: bool,
    /// The cells of tables.
    pub tables: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeLogo {
    /// Theme-relative path, e.g. `logo.svg`.
    pub file: String,
    pub alt: String,
}

impl Default for ThemeConfig {
    /// The built-in look; `themes/default/theme.yaml` states the same values.
    fn default() -> Self {
        Self {
            page: PageConfig {
                paper: "a4".into(),
                width: 210.0 * POINTS_PER_MM,
                height: 297.0 * POINTS_PER_MM,
                margin: Margins {
                    top: 25.0 * POINTS_PER_MM,
                    bottom: 22.0 * POINTS_PER_MM,
                    left: 24.0 * POINTS_PER_MM,
                    right: 24.0 * POINTS_PER_MM,
                },
                text_width: Some(142.0 * POINTS_PER_MM),
            },
            fonts: FontConfig {
                body: vec!["Inter".into()],
                headings: vec!["Inter".into()],
                size: 10.5,
                table_size: 9.0,
                table_min_size: 7.0,
            },
            colours: Colours {
                text: "#1a1a1a".into(),
                accent: "#1f4e79".into(),
                muted: "#595959".into(),
                rule: "#8c8c8c".into(),
                table_header: None,
                chart: ["#1f4e79", "#b34700", "#3b6e22", "#6f2f9e", "#8a6d00"].map(String::from).to_vec(),
                status: StatusColours {
                    uppfyllt: "#2e7d32".into(),
                    delvis_uppfyllt: "#b06000".into(),
                    ej_uppfyllt: "#c62828".into(),
                    ej_matbart: "#8a8a8a".into(),
                    ej_rapporterat: "#5f5f5f".into(),
                },
            },
            chapters: ChapterConfig { start: "new-page".into() },
            tables: TableConfig { row_rules: true, landscape: true },
            contents: ContentsConfig { depth: 2 },
            hyphenate: HyphenateConfig { text: false, tables: false },
            logo: None,
            font_locations: Vec::new(),
        }
    }
}

impl ThemeConfig {
    /// Reads `theme.yaml` (shown to the user as `name`) over the built-in defaults.
    pub fn parse(source: &str, name: &str) -> Result<ThemeConfig, Diagnostics> {
        let node = yaml::parse(source, name)?;
        let mut config = ThemeConfig::default();
        if node.kind == yaml::NodeKind::Null {
            return Ok(config);
        }
        let mut reader = Reader { name, source, diagnostics: Diagnostics::new() };
        let mut top = Fields::new(&node, name, source, "the theme settings")?;
        if let Some(page) = top.optional("page") {
            reader.page(page, &mut config.page);
        }
        if let Some(fonts) = top.optional("fonts") {
            reader.fonts(fonts, &mut config);
        }
        if let Some(colours) = top.optional("colours") {
            reader.colours(colours, &mut config.colours);
        }
        if let Some(chapters) = top.optional("chapters") {
            reader.section(chapters, "the chapter settings", |r, f| {
                if let Some(start) =
                    f.optional("start").and_then(|n| r.choice(n, &["new-page", "right-page", "continue"]))
                {
                    config.chapters.start = start;
                }
            });
        }
        if let Some(tables) = top.optional("tables") {
            reader.section(tables, "the table settings", |_, f| {
                if let Some(v) = f.optional("row_rules").and_then(|n| f.boolean(Some(n))) {
                    config.tables.row_rules = v;
                }
                if let Some(v) = f.optional("landscape").and_then(|n| f.boolean(Some(n))) {
                    config.tables.landscape = v;
                }
            });
        }
        if let Some(contents) = top.optional("contents") {
            reader.section(contents, "the table of contents settings", |r, f| {
                if let Some(n) = f.optional("depth") {
                    match n.as_str().and_then(|t| t.parse::<u8>().ok()) {
                        Some(d @ 1..=4) => config.contents.depth = d,
                        _ => r.error(n, format!("expected a heading level from 1 to 4, found {}", n.describe()), None),
                    }
                }
            });
        }
        if let Some(hyphenate) = top.optional("hyphenate") {
            reader.section(hyphenate, "the hyphenation settings (`text` and `tables`)", |_, f| {
                if let Some(v) = f.optional("text").and_then(|n| f.boolean(Some(n))) {
                    config.hyphenate.text = v;
                }
                if let Some(v) = f.optional("tables").and_then(|n| f.boolean(Some(n))) {
                    config.hyphenate.tables = v;
                }
            });
        }
        if let Some(logo) = top.optional("logo") {
            reader.section(logo, "the logo (`file` and `alt`)", |r, f| {
                let file = f.required("file", "logo.svg").and_then(|n| f.string(Some(n)));
                let alt = f.required("alt", "Organisationens logotyp").and_then(|n| f.string(Some(n)));
                if let (Some(file), Some(alt)) = (file, alt) {
                    if alt.trim().is_empty() {
                        r.error(
                            logo,
                            "the logo needs an alt text".into(),
                            Some("describe it, e.g. `alt: Förbundets logotyp`".into()),
                        );
                    }
                    config.logo = Some(ThemeLogo { file, alt });
                }
            });
        }
        reader.diagnostics.extend(top.finish());
        config.font_locations = reader.font_locations(&node);
        let margins = &config.page.margin;
        if reader.diagnostics.is_empty()
            && (margins.left + margins.right >= config.page.width * 0.8
                || margins.top + margins.bottom >= config.page.height * 0.8)
        {
            reader.diagnostics.push(
                Diagnostic::error(Some(Location::file(name)), "the margins leave almost no room for text")
                    .with_hint("margins are measured from each edge of the page, e.g. `left: 24mm`"),
            );
        }
        // Running text is never wider than the space between the margins.
        let frame = config.page.width - config.page.margin.left - config.page.margin.right;
        config.page.text_width = config.page.text_width.filter(|w| *w < frame);
        reader.diagnostics.into_result().map(|_| config)
    }

    /// `/report.json` needs the theme logo under the path typst reads it from.
    pub fn logo_path(&self) -> Option<String> {
        self.logo.as_ref().map(|l| format!("{THEME_ASSETS}/{}", l.file.trim_start_matches('/')))
    }
}

/// Where theme files other than typst sources are served to typst.
pub const THEME_ASSETS: &str = "/.theme";

struct Reader<'a> {
    name: &'a str,
    source: &'a str,
    diagnostics: Diagnostics,
}

impl<'a> Reader<'a> {
    fn error(&mut self, at: &Node, message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(Some(at.location(self.name)), message).with_source(self.source);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diagnostics.push(d);
    }

    /// Reads one mapping with `read`, then reports its unknown keys.
    fn section(&mut self, node: &'a Node, what: &str, read: impl FnOnce(&mut Self, &mut Fields<'a>)) {
        match Fields::new(node, self.name, self.source, what) {
            Ok(mut fields) => {
                read(self, &mut fields);
                self.diagnostics.extend(fields.finish());
            }
            Err(e) => self.diagnostics.extend(e),
        }
    }

    fn page(&mut self, node: &'a Node, page: &mut PageConfig) {
        self.section(node, "the page settings", |r, f| {
            if let Some(n) = f.optional("size") {
                match n.as_str().map(paper_size) {
                    Some(Some((name, w, h))) => {
                        page.paper = name;
                        page.width = w;
                        page.height = h;
                    }
                    _ => {
                        let names: Vec<&str> = PAPERS.iter().map(|p| p.0).collect();
                        r.error(
                            n,
                            format!("expected a paper size, found {}", n.describe()),
                            Some(format!("one of {}, or width × height such as `170mm x 240mm`", names.join(", "))),
                        );
                    }
                }
            }
            if let Some(n) = f.optional("text_width") {
                page.text_width = match n.as_str() {
                    Some("full") => None,
                    _ => r.length(n).or(page.text_width),
                };
            }
            if let Some(margins) = f.optional("margins") {
                r.section(margins, "the margins (`top`, `bottom`, `left`, `right`)", |r, m| {
                    for (key, slot) in [
                        ("top", &mut page.margin.top),
                        ("bottom", &mut page.margin.bottom),
                        ("left", &mut page.margin.left),
                        ("right", &mut page.margin.right),
                    ] {
                        if let Some(n) = m.optional(key)
                            && let Some(v) = r.length(n)
                        {
                            *slot = v;
                        }
                    }
                });
            }
        });
    }

    fn fonts(&mut self, node: &'a Node, config: &mut ThemeConfig) {
        self.section(node, "the font settings", |r, f| {
            for key in ["body", "headings"] {
                if let Some(n) = f.optional(key) {
                    let families = r.families(n);
                    if !families.is_empty() {
                        match key {
                            "body" => config.fonts.body = families,
                            _ => config.fonts.headings = families,
                        }
                    }
                }
            }
            for (key, slot, range) in [
                ("size", &mut config.fonts.size, 6.0..=16.0),
                ("table_size", &mut config.fonts.table_size, 5.0..=16.0),
                ("table_min_size", &mut config.fonts.table_min_size, 5.0..=16.0),
            ] {
                if let Some(n) = f.optional(key)
                    && let Some(v) = r.length(n)
                {
                    if range.contains(&v) {
                        *slot = v;
                    } else {
                        r.error(
                            n,
                            format!("a type size of {v:.1}pt is not readable in a report"),
                            Some(format!("use {}pt to {}pt", range.start(), range.end())),
                        );
                    }
                }
            }
        });
        if config.fonts.table_min_size > config.fonts.table_size {
            config.fonts.table_min_size = config.fonts.table_size;
        }
    }

    fn colours(&mut self, node: &'a Node, colours: &mut Colours) {
        self.section(node, "the colours", |r, f| {
            for (key, slot) in [
                ("text", &mut colours.text),
                ("accent", &mut colours.accent),
                ("muted", &mut colours.muted),
                ("rule", &mut colours.rule),
            ] {
                if let Some(n) = f.optional(key)
                    && let Some(c) = r.colour(n)
                {
                    *slot = c;
                }
            }
            if let Some(n) = f.optional("table_header") {
                colours.table_header = match n.as_str() {
                    Some("none") => None,
                    _ => r.colour(n),
                };
            }
            if let Some(list) = f.optional("chart") {
                r.chart_colours(list, &mut colours.chart);
            }
            if let Some(map) = f.optional("status") {
                r.section(map, "the colours of goal statuses", |r, m| {
                    for (name, status) in crate::goals::Status::NAMES {
                        if let Some(n) = m.optional(name)
                            && let Some(c) = r.graphic_colour(n, "the status colour")
                        {
                            *colours.status.slot(status) = c;
                        }
                    }
                });
            }
        });
    }

    /// A colour of a graphic (a chart's series, a status marker): it must
    /// stand out from the page at 3:1 (WCAG 1.4.11).
    fn graphic_colour(&mut self, n: &Node, what: &str) -> Option<String> {
        let c = self.colour(n)?;
        match crate::charts::style::contrast(&c, crate::charts::style::BACKGROUND) {
            Some(ratio) if ratio < 3.0 => {
                self.error(
                    n,
                    format!("{what} {c} has a contrast of {ratio:.1}:1 against the white page; graphics need 3:1"),
                    Some("choose a darker colour".into()),
                );
                None
            }
            _ => Some(c),
        }
    }

    /// Chart colours: a list, each one standing out from the page.
    fn chart_colours(&mut self, list: &Node, slot: &mut Vec<String>) {
        let items = list.as_seq().unwrap_or_default();
        let colours: Vec<String> = items.iter().filter_map(|n| self.graphic_colour(n, "the chart colour")).collect();
        if items.is_empty() {
            self.error(list, format!("expected a list of colours, found {}", list.describe()), None);
        } else if colours.len() == items.len() {
            *slot = colours;
        }
    }

    fn families(&mut self, node: &Node) -> Vec<String> {
        let names: Vec<&Node> = match node.as_seq() {
            Some(items) => items.iter().collect(),
            None => vec![node],
        };
        let mut out = Vec::new();
        for n in names {
            match n.as_str().map(str::trim) {
                Some(name) if !name.is_empty() => out.push(name.to_owned()),
                _ => self.error(n, format!("expected a font family name, found {}", n.describe()), None),
            }
        }
        out
    }

    fn length(&mut self, node: &Node) -> Option<f64> {
        let parsed = node.as_str().and_then(parse_length);
        if parsed.is_none() {
            self.error(
                node,
                format!("expected a length with a unit, found {}", node.describe()),
                Some("for example `24mm`, `2.5cm`, `10pt` or `1in`".into()),
            );
        }
        parsed
    }

    fn colour(&mut self, node: &Node) -> Option<String> {
        let parsed = node.as_str().and_then(parse_colour);
        if parsed.is_none() {
            self.error(
                node,
                format!("expected a colour written `#rrggbb`, found {}", node.describe()),
                Some("quote it, since `#` starts a comment in YAML: `accent: \"#1f4e79\"`".into()),
            );
        }
        parsed
    }

    fn choice(&mut self, node: &Node, choices: &[&str]) -> Option<String> {
        match node.as_str() {
            Some(text) if choices.contains(&text) => Some(text.to_owned()),
            _ => {
                let names: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
                self.error(node, format!("expected one of {}, found {}", names.join(", "), node.describe()), None);
                None
            }
        }
    }

    /// Every font family named in the file, with its position.
    fn font_locations(&self, root: &Node) -> Vec<(String, Location)> {
        let mut out = Vec::new();
        if let Some(fonts) = root.get("fonts") {
            for key in ["body", "headings"] {
                if let Some(n) = fonts.get(key) {
                    let items: Vec<&Node> = match n.as_seq() {
                        Some(items) => items.iter().collect(),
                        None => vec![n],
                    };
                    for item in items {
                        if let Some(name) = item.as_str() {
                            out.push((name.trim().to_owned(), item.location(self.name)));
                        }
                    }
                }
            }
        }
        out
    }
}

/// `a4`, `A4`, `170mm x 240mm` → (name, width, height) in points.
fn paper_size(text: &str) -> Option<(String, f64, f64)> {
    let lower = text.trim().to_lowercase();
    if let Some((name, w, h)) = PAPERS.iter().find(|p| p.0 == lower) {
        return Some(((*name).to_owned(), w * POINTS_PER_MM, h * POINTS_PER_MM));
    }
    let (w, h) = lower.split_once(['x', '×'])?;
    let (w, h) = (parse_length(w)?, parse_length(h)?);
    (w >= 72.0 && h >= 72.0).then(|| (lower.clone(), w, h))
}

/// `24mm`, `2,5 cm`, `10pt`, `1in` → points. A unit is required.
pub fn parse_length(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.trim().replace(',', ".").parse().ok()?;
    let factor = match unit.trim() {
        "pt" => 1.0,
        "mm" => POINTS_PER_MM,
        "cm" => POINTS_PER_MM * 10.0,
        "in" => 72.0,
        _ => return None,
    };
    (value.is_finite() && value >= 0.0).then_some(value * factor)
}

/// `#1f4e79` or `#17a` → `#1f4e79`.
pub fn parse_colour(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_lowercase())),
        3 => Some(format!("#{}", hex.chars().flat_map(|c| [c, c]).collect::<String>().to_lowercase())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> String {
        ThemeConfig::parse(text, "themes/default/theme.yaml").unwrap_err().to_string()
    }

    #[test]
    fn the_built_in_file_states_the_defaults() {
        let source = std::str::from_utf8(
            super::super::embedded::DEFAULT_THEME.iter().find(|(p, _)| *p == "theme.yaml").expect("theme.yaml").1,
        )
        .unwrap();
        let mut parsed = ThemeConfig::parse(source, "theme.yaml").unwrap();
        parsed.font_locations.clear();
        assert_eq!(parsed, ThemeConfig::default());
    }

    #[test]
    fn a_partial_file_changes_only_what_it_names() {
        let c = ThemeConfig::parse(
            "page:\n  size: A5\n  margins:\n    left: 2,5 cm\ncolours:\n  accent: \"#8A1538\"\nfonts:\n  body: [Libertinus Serif, Inter]\n",
            "t.yaml",
        )
        .unwrap();
        assert_eq!(c.page.paper, "a5");
        assert!((c.page.margin.left - 70.866).abs() < 0.01, "{}", c.page.margin.left);
        assert_eq!(c.page.margin.right, ThemeConfig::default().page.margin.right);
        assert_eq!(c.colours.accent, "#8a1538");
        assert_eq!(c.colours.text, ThemeConfig::default().colours.text);
        assert_eq!(c.fonts.body, ["Libertinus Serif", "Inter"]);
        assert_eq!(c.font_locations[0].1, Location::new("t.yaml", 8, 10));
    }

    #[test]
    fn hyphenation_is_set_for_text_and_tables_apart() {
        let c = ThemeConfig::parse("hyphenate:\n  text: true\n", "t.yaml").unwrap();
        assert_eq!(c.hyphenate, HyphenateConfig { text: true, tables: false });
        let text = errors("hyphenate:\n  tables: kanske\n  txt: true\n");
        assert!(text.contains("t.yaml:2:11") || text.contains("theme.yaml:2:11"), "{text}");
        assert!(text.contains("expected `true` or `false`") && text.contains("did you mean `text`?"), "{text}");
    }

    #[test]
    fn custom_page_sizes() {
        let c = ThemeConfig::parse("page:\n  size: 170mm x 240mm\n", "t.yaml").unwrap();
        assert!((c.page.width - 481.89).abs() < 0.01 && (c.page.height - 680.31).abs() < 0.01);
    }

    #[test]
    fn every_mistake_is_reported_with_its_line() {
        let text = errors(
            "page:\n  size: a9\n  margins:\n    top: 25\ncolours:\n  accent: blå\nfonts:\n  size: 30pt\nchapters:\n  start: sometimes\ncolour: x\n",
        );
        for expected in [
            "theme.yaml:2:9",
            "expected a paper size",
            "theme.yaml:4:10",
            "expected a length with a unit",
            "theme.yaml:6:11",
            "#rrggbb",
            "not readable",
            "expected one of `new-page`",
            "unknown key `colour`",
            "did you mean `colours`?",
        ] {
            assert!(text.contains(expected), "{expected:?} missing in\n{text}");
        }
    }

    /// The default status markers stand out from the page as graphics must
    /// (3:1); they colour a marker only, so no text colour needs 4.5:1.
    /// (Setting `delvis_uppfyllt` to `#f0b000` made this fail.)
    #[test]
    fn the_default_status_colours_stand_out_from_the_page() {
        let source =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/theme.yaml")).unwrap();
        let config = ThemeConfig::parse(&source, "themes/default/theme.yaml").unwrap();
        let mut seen = Vec::new();
        for (name, status) in crate::goals::Status::NAMES {
            let colour = config.colours.status.get(status);
            let ratio = crate::charts::style::contrast(colour, crate::charts::style::BACKGROUND).unwrap();
            assert!(ratio >= 3.0, "{name}: {colour} has {ratio:.2}:1 against the page");
            assert!(!seen.contains(&colour), "{name} shares its colour {colour}");
            seen.push(colour);
        }
    }

    #[test]
    fn a_too_light_status_colour_is_an_error_at_its_line() {
        let text = errors(
            "colours:\n  status:\n    uppfyllt: \"#2e7d32\"\n    delvis_uppfyllt: \"#ffd966\"\n    ej_klart: \"#000000\"\n",
        );
        assert!(text.contains("theme.yaml:4:22"), "{text}");
        assert!(
            text.contains("the status colour #ffd966 has a contrast of 1.4:1") && text.contains("need 3:1"),
            "{text}"
        );
        assert!(text.contains("unknown key `ej_klart`"), "{text}");
        let c = ThemeConfig::parse("colours:\n  status:\n    ej_uppfyllt: \"#8b0000\"\n", "t.yaml").unwrap();
        assert_eq!(c.colours.status.get(crate::goals::Status::NotMet), "#8b0000");
        assert_eq!(c.colours.status.uppfyllt, ThemeConfig::default().colours.status.uppfyllt);
    }

    #[test]
    fn lengths_and_colours() {
        assert_eq!(parse_length("10pt"), Some(10.0));
        assert_eq!(parse_length("1in"), Some(72.0));
        assert_eq!(parse_length("10"), None);
        assert_eq!(parse_length("10px"), None);
        assert_eq!(parse_colour("#ABC"), Some("#aabbcc".into()));
        assert_eq!(parse_colour("1f4e79"), None);
    }
}
