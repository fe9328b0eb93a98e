//! Property tests of what reads hostile input: the amount parser, YAML and
//! figures loading, front matter, and Markdown converted for typst and HTML.
//!
//! The normal test run tries a few dozen cases of each; a long run is
//! `PROPTEST_CASES=5000 cargo test --release --test e2e properties`.
//! A failure prints the smallest input that shows it; each such input is
//! then kept as a plain regression test in `super::regressions`.

use std::path::Path;

use arsrapport::content::Status;
use arsrapport::diagnostics::Diagnostics;
use arsrapport::format::{MINUS, NBSP, format_amount, format_percent, parse_amount};
use proptest::prelude::*;
use proptest::test_runner::Config;
use rust_decimal::Decimal;

/// `short` cases unless `PROPTEST_CASES` asks for more; failures are never
/// written to files (they become regression tests instead).
pub fn config(short: u32) -> Config {
    let mut config = Config { failure_persistence: None, ..Config::default() };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = short;
    }
    config
}

/// Every error has a place the writer can go to: at least a file.
pub fn located(diagnostics: &Diagnostics) -> Result<(), String> {
    for d in diagnostics.iter() {
        if d.is_error() && d.location.is_none() {
            return Err(format!("an error without a location: {d}"));
        }
        if d.message.trim().is_empty() {
            return Err(format!("an error without a message: {d:?}"));
        }
    }
    if !diagnostics.has_errors() {
        return Err("a failure without any error".into());
    }
    Ok(())
}

// ---------------------------------------------------------------- amounts

/// Text close to an amount: digits, separators, signs and a few strangers.
fn amount_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0",
        "1",
        "2",
        "9",
        "12",
        "123",
        "999",
        " ",
        "\u{a0}",
        "\u{202f}",
        ",",
        ".",
        "-",
        "+",
        "\u{2212}",
        "e",
        "%",
        "x",
        "٣",
        "１",
        "\t",
        "\n",
        "00",
        "000",
        "99999999999",
        "—",
        "\u{0}",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

/// An amount written the way a person would: grouped or not, decimal comma
/// or point, any minus sign. Returns the text and its exact value.
fn written_amount() -> impl Strategy<Value = (String, Decimal)> {
    (
        any::<bool>(),
        0u64..=999_999_999_999_999,
        prop::option::of("[0-9]{1,6}"),
        prop::sample::select(vec!["-", "\u{2212}"]),
        prop::sample::select(vec![",", "."]),
        prop::sample::select(vec!["", " ", "\u{a0}", "\u{202f}"]),
    )
        .prop_map(|(negative, int, frac, minus, point, group)| {
            let digits = int.to_string();
            let grouped = if group.is_empty() {
                digits.clone()
            } else {
                let first = digits.len() % 3;
                let mut out = digits[..first].to_owned();
                for (i, chunk) in digits.as_bytes()[first..].chunks(3).enumerate() {
                    if first > 0 || i > 0 {
                        out.push_str(group);
                    }
                    out.push_str(std::str::from_utf8(chunk).unwrap());
                }
                out
            };
            let mut text = String::new();
            let mut exact = String::new();
            if negative {
                text.push_str(minus);
                exact.push('-');
            }
            text.push_str(&grouped);
            exact.push_str(&digits);
            if let Some(f) = &frac {
                text.push_str(point);
                text.push_str(f);
                exact.push('.');
                exact.push_str(f);
            }
            (text, Decimal::from_str_exact(&exact).unwrap())
        })
}

/// A decimal of any size and scale an amount can have.
fn decimal() -> impl Strategy<Value = Decimal> {
    const MAX: i64 = 999_999_999_999_999;
    (-MAX..=MAX, 0u32..=12).prop_map(|(m, scale)| Decimal::new(m, scale))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parsing_any_text_never_panics(text in any::<String>()) {
        let _ = parse_amount(&text);
    }

    #[test]
    fn parsing_amount_like_text_never_panics_and_errors_say_what_was_found(text in amount_like()) {
        if let Err(message) = parse_amount(&text) {
            prop_assert!(!message.is_empty());
        }
    }

    #[test]
    fn formatting_never_panics(
        (lo, mid, hi, negative, scale) in (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28),
        decimals in any::<Option<u32>>(),
    ) {
        let value = Decimal::from_parts(lo, mid, hi, negative, scale);
        let shown = format_amount(value, decimals);
        prop_assert!(!shown.is_empty());
        let _ = format_percent(value, decimals);
    }

    #[test]
    fn numbers_beyond_fifteen_digits_are_refused(digits in "[1-9][0-9]{15,40}", frac in "[0-9]{0,5}") {
        let text = if frac.is_empty() { digits } else { format!("{digits},{frac}") };
        let message = parse_amount(&text).unwrap_err();
        prop_assert!(message.contains("too large"), "{}", message);
    }

    #[test]
    fn every_written_form_is_read_exactly((text, value) in written_amount()) {
        prop_assert_eq!(parse_amount(&text), Ok(value), "{:?}", text);
    }

    #[test]
    fn what_is_formatted_reads_back_as_the_same_value(value in decimal(), decimals in prop::option::of(0u32..=6)) {
        let shown = format_amount(value, decimals);
        let expected = match decimals {
            Some(n) => value.round_dp_with_strategy(n, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            None => value,
        };
        prop_assert_eq!(parse_amount(&shown).map(|d| d.normalize()), Ok(expected.normalize()), "{:?}", shown);
        // The Swedish form: real minus, no-break spaces, decimal comma, never a point.
        prop_assert!(!shown.contains(['-', '.', ' ']), "{:?}", shown);
        if let Some(n) = decimals.filter(|n| *n > 0) {
            let frac = shown.rsplit_once(',').map(|(_, f)| f.len());
            prop_assert_eq!(frac, Some(n as usize), "{:?}", shown);
        }
        let groups: Vec<&str> = shown.trim_start_matches(MINUS).split(',').next().unwrap().split(NBSP).collect();
        prop_assert!(groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3), "{:?}", shown);
        let percent = format_percent(value, decimals);
        prop_assert!(percent.ends_with("\u{a0}%"), "{:?}", percent);
    }
}

// ---------------------------------------------------------------- YAML and figures

/// Scalars a hurried writer or a hostile file might hold.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "29 716",
            "-50 970",
            "29 716,5",
            "1.10",
            "0",
            "~",
            "null",
            "true",
            "ja",
            "''",
            "\"\"",
            "[]",
            "{}",
            "rr",
            "rr.intakter",
            "summa",
            "all",
            "intakter",
            "kostnader",
            "negative",
            "kr",
            "tkr",
            "mnkr",
            "antal",
            "99999999999999999999999999999999",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7922816251426433759354395033,5",
            "1e400",
            "0,0000000000000000000000000001",
            "29 71",
            "2014-02-06",
            "\"<script>alert(1)</script>\"",
            "'\" onmouseover=alert(1) x=\"'",
            "&x",
            "*x",
            "!!str 5",
            "!tag x",
            "\"\\u0000\"",
            "\"\\uD800\"",
            "'a: b'",
            "- x",
            "? x",
            "|",
            ">",
            "%YAML",
            "@x",
            "`x`",
            "#",
            "rr.netto[2013]",
            "a.b = c.d + e.f",
            "a.b = ",
            "= a.b",
            "[2013]",
            "\"2013\"",
            "2013",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
        "-?[0-9]{1,30}([,.][0-9]{1,30})?",
        any::<String>().prop_map(|s| format!("{s:?}")),
    ]
}

#[derive(Debug, Clone)]
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "tables", "notes", "checks", "defaults", "id", "title", "rows", "label", "values", "sum", "from",
            "note", "sign", "claimed", "total", "unit", "input_unit", "decimals", "tolerance", "columns",
            "row_total", "column_total", "row_label", "empty", "check", "heading", "2013", "2012",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z_]{1,6}",
    ]
}

fn yaml_value() -> impl Strategy<Value = Yaml> {
    scalar().prop_map(Yaml::Scalar).prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Yaml::Seq),
            prop::collection::vec((key(), inner), 0..6).prop_map(Yaml::Map),
        ]
    })
}

/// Writes the tree in flow style, which needs no indentation bookkeeping;
/// unusual scalars may make it invalid YAML, which is a case worth trying too.
fn render_yaml(y: &Yaml, out: &mut String) {
    match y {
        Yaml::Scalar(s) => out.push_str(s),
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_yaml(item, out);
            }
            out.push(']');
        }
        Yaml::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                render_yaml(v, out);
            }
            out.push('}');
        }
    }
}

/// A figures file: the top-level keys in block style, the rest in flow style.
pub(super) fn figures_file() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), yaml_value()), 1..5).prop_map(|entries| {
        let mut out = String::new();
        for (k, v) in &entries {
            out.push_str(k);
            out.push_str(": ");
            render_yaml(v, &mut out);
            out.push('\n');
        }
        out
    })
}

/// The base fixture's figures file with lines deleted, repeated or changed:
/// the mistakes of real editing.
pub(super) fn mutated_base() -> impl Strategy<Value = String> {
    let base = std::fs::read_to_string(crate::common::repo().join("tests/fixtures/base/content/data/rakenskaper.yaml"))
        .unwrap();
    edits_of(base)
}

/// A text with a few lines deleted, repeated, or with a value, a word or a
/// piece of text changed.
pub(super) fn edits_of(base: String) -> impl Strategy<Value = String> {
    let lines: Vec<String> = base.lines().map(str::to_owned).collect();
    let n = lines.len();
    prop::collection::vec((0..n, 0..5u8, scalar(), 0usize..80), 1..6).prop_map(move |edits| {
        let mut lines = lines.clone();
        for (at, what, text, column) in edits {
            let at = at.min(lines.len().saturating_sub(1));
            if lines.is_empty() {
                break;
            }
            match what {
                0 => {
                    lines.remove(at);
                }
                1 => {
                    let line = lines[at].clone();
                    lines.insert(at, line);
                }
                2 => {
                    // Replace a value: everything after the first `: ` on the line.
                    if let Some((head, _)) = lines[at].split_once(": ") {
                        lines[at] = format!("{head}: {text}");
                    }
                }
                3 => {
                    // Replace one word (a figure, an id, a key) inside the line.
                    let line = &lines[at];
                    let words: Vec<(usize, usize)> = word_spans(line);
                    if !words.is_empty() {
                        let (start, end) = words[column % words.len()];
                        lines[at] = format!("{}{text}{}", &line[..start], &line[end..]);
                    }
                }
                _ => {
                    // Insert text at a column, possibly inside a flow mapping.
                    let line = &lines[at];
                    let cut = line.char_indices().map(|(i, _)| i).nth(column).unwrap_or(line.len());
                    lines[at] = format!("{}{text}{}", &line[..cut], &line[cut..]);
                }
            }
        }
        lines.join("\n") + "\n"
    })
}

/// An amount as typed in a figures file, extremes included.
fn typed_amount() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-100_000i64..100_000).prop_map(|n| n.to_string()),
        2 => written_amount().prop_map(|(text, _)| text),
        1 => prop::sample::select(vec![
            "79228162514264337593543950335", "-79228162514264337593543950335", "999 999 999 999 999",
            "-999 999 999 999 999", "1 000 000 000 000 000", "0,0000000000000000000000000001",
            "99999999999999,99999999999999", "~",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A well-formed figures file with any figures: statements with sums and
/// claimed totals, notes, scaled units, computed columns and checks.
fn figures_with_amounts() -> impl Strategy<Value = String> {
    let unit = || prop::sample::select(vec!["kr", "tkr", "mnkr", "antal"]);
    let row = (0u8..4, prop::collection::vec(typed_amount(), 2), prop::collection::vec(typed_amount(), 2));
    (
        unit(),
        unit(),
        0u32..=6,
        typed_amount(),
        prop::collection::vec(row, 1..6),
        prop::collection::vec(prop::collection::vec(typed_amount(), 2), 1..4),
        any::<bool>(),
    )
        .prop_map(|(unit, input_unit, decimals, tolerance, rows, note_rows, computed_column)| {
            let mut out = format!(
                "defaults:\n  unit: {unit}\n  input_unit: {input_unit}\n  decimals: {decimals}\n  tolerance: {tolerance}\n"
            );
            if computed_column {
                out.push_str("  columns: [a, b, {id: c, label: C, sum: [a, -b]}]\n");
            } else {
                out.push_str("  columns: [a, b]\n");
            }
            out.push_str("tables:\n  - id: t\n    title: T\n    rows:\n");
            let mut ids = Vec::new();
            for (i, (kind, values, claimed)) in rows.iter().enumerate() {
                let id = format!("r{i}");
                let line = match kind {
                    0 | 1 => format!("values: [{}]", values.join(", ")),
                    2 if !ids.is_empty() => format!("sum: [{}], claimed: [{}]", ids.join(", "), claimed.join(", ")),
                    _ => "note: n, sign: negative".to_owned(),
                };
                out.push_str(&format!("      - {{id: {id}, label: L{i}, {line}}}\n"));
                ids.push(id);
            }
            out.push_str(&format!("      - {{id: s, label: S, sum: [{}]}}\n", ids.join(", ")));
            out.push_str("notes:\n  - id: n\n    title: N\n    rows:\n");
            for values in &note_rows {
                out.push_str(&format!("      - {{label: X, values: [{}]}}\n", values.join(", ")));
            }
            out.push_str("      - {id: summa, label: Summa, sum: all}\nchecks:\n  - t.s = t.r0 + n.summa\n  - t.s[a] = t.s[b]\n");
            out
        })
}

/// Byte ranges of the words of a line: runs between YAML's separators.
fn word_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
        let separator = matches!(c, ' ' | ',' | ':' | '[' | ']' | '{' | '}' | '-');
        match (start, separator) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    spans
}

/// Text a report may hold and YAML treats specially: indicators, quotes,
/// markup, template syntax, scripts and letters from far beyond ASCII.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[a-zåäöA-ZÅÄÖ0-9]{1,8}",
        2 => prop::sample::select(vec![
            "#", ": ", " #", "- ", "? ", "&a", "*a", "!tag", "!!str", "%", "@", "`", "{", "}", "[", "]", ",", "\"", "'",
            "''", "\\", "\\n", "---", "...", "|", ">", "<script>alert(1)</script>", "{{ data.x }}", "{% if %}", "\t",
            "\u{a0}", "\u{2212}", "\u{202e}", "\u{200b}", "e\u{301}", "名", "🙂", "~", "null", "true", "1.10", "29 716",
            " ", "=", "$", "<", "&amp;",
        ])
        .prop_map(str::to_owned),
    ];
    // Starts and ends with a letter: YAML keeps inner spaces but a reader would not see outer ones.
    ("[a-zåäö]", prop::collection::vec(piece, 0..6), "[a-zåäö]").prop_map(|(a, v, b)| format!("{a}{}{b}", v.concat()))
}

/// `text` as a single-quoted YAML scalar, which needs only `'` doubled.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Hostile text that may also begin or end with spaces or a tab, which a
/// quoted YAML scalar keeps.
fn padded_text() -> impl Strategy<Value = String> {
    let pad = || prop::sample::select(vec!["", "", " ", "  ", "\t"]);
    (pad(), hostile_text(), pad()).prop_map(|(a, t, b)| format!("{a}{t}{b}"))
}

#[derive(Debug, Clone)]
enum Tree {
    Scalar(String),
    Seq(Vec<Tree>),
    Map(Vec<(String, Tree)>),
}

fn tree() -> impl Strategy<Value = Tree> {
    padded_text().prop_map(Tree::Scalar).prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Tree::Seq),
            // Keys are unique in a mapping: a repeated key is the broken case below.
            prop::collection::btree_map(padded_text(), inner, 0..5)
                .prop_map(|m| m.into_iter().collect::<Vec<_>>())
                .prop_shuffle()
                .prop_map(Tree::Map),
        ]
    })
}

/// A block-style YAML document and what reading it must give: every scalar
/// (keys included) in document order, with its line and column.
#[derive(Debug, Clone)]
struct YamlDocument {
    text: String,
    expected: Vec<String>,
}

struct Writer {
    text: String,
    eol: &'static str,
    step: usize,
    expected: Vec<String>,
}

impl Writer {
    fn line(&self) -> usize {
        self.text.matches('\n').count() + 1
    }

    fn column(&self) -> usize {
        self.text.rsplit('\n').next().unwrap().chars().count() + 1
    }

    fn scalar(&mut self, text: &str) {
        self.expected.push(format!("{text:?}@{}:{}", self.line(), self.column()));
        self.text.push_str(&single_quoted(text));
    }

    /// Writes `tree` as the value after a `key:` or `-` that is already written.
    fn value(&mut self, tree: &Tree, indent: usize) {
        match tree {
            Tree::Scalar(s) => {
                self.text.push(' ');
                self.scalar(s);
                self.text.push_str(self.eol);
            }
            Tree::Seq(items) if items.is_empty() => {
                self.expected.push("[".into());
                self.expected.push("]".into());
                self.text.push_str(" []");
                self.text.push_str(self.eol);
            }
            Tree::Map(entries) if entries.is_empty() => {
                self.expected.push("{".into());
                self.expected.push("}".into());
                self.text.push_str(" {}");
                self.text.push_str(self.eol);
            }
            _ => {
                self.text.push_str(self.eol);
                self.block(tree, indent + self.step);
            }
        }
    }

    /// Writes a collection in block style at `indent`.
    fn block(&mut self, tree: &Tree, indent: usize) {
        let pad = " ".repeat(indent);
        match tree {
            Tree::Scalar(s) => {
                self.text.push_str(&pad);
                self.scalar(s);
                self.text.push_str(self.eol);
            }
            Tree::Seq(items) => {
                self.expected.push("[".into());
                for item in items {
                    self.text.push_str(&pad);
                    self.text.push('-');
                    self.value(item, indent);
                }
                self.expected.push("]".into());
            }
            Tree::Map(entries) => {
                self.expected.push("{".into());
                for (key, value) in entries {
                    self.text.push_str(&pad);
                    self.scalar(key);
                    self.text.push(':');
                    self.value(value, indent);
                }
                self.expected.push("}".into());
            }
        }
    }
}

/// A mapping or list at the top, with comments and blank lines between the
/// entries, LF or CRLF line ends and an indentation of 2 or 4.
fn yaml_document() -> impl Strategy<Value = YamlDocument> {
    let top = prop_oneof![
        prop::collection::btree_map(padded_text(), tree(), 1..5).prop_map(|m| Tree::Map(m.into_iter().collect())),
        prop::collection::vec(tree(), 1..5).prop_map(Tree::Seq),
    ];
    (top, prop::sample::select(vec!["\n", "\r\n"]), prop::sample::select(vec![2usize, 4]), any::<bool>()).prop_map(
        |(top, eol, step, comment)| {
            let mut w = Writer { text: String::new(), eol, step, expected: Vec::new() };
            if comment {
                w.text.push_str(&format!("# Siffror: {{{{ inte mall }}}} & 'citat'{eol}{eol}"));
            }
            w.block(&top, 0);
            YamlDocument { text: w.text, expected: w.expected }
        },
    )
}

/// Every scalar of a parsed tree, in document order, as [`Writer`] records them.
fn read_back(node: &arsrapport::yaml::Node, out: &mut Vec<String>) {
    use arsrapport::yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar { text, quoted: true } => out.push(format!("{text:?}@{}:{}", node.line, node.column)),
        NodeKind::Scalar { text, quoted: false } => out.push(format!("plain {text:?}")),
        NodeKind::Null => out.push("null".into()),
        NodeKind::Seq(items) => {
            out.push("[".into());
            for item in items {
                read_back(item, out);
            }
            out.push("]".into());
        }
        NodeKind::Map(entries) => {
            out.push("{".into());
            for (key, value) in entries {
                read_back(key, out);
                read_back(value, out);
            }
            out.push("}".into());
        }
    }
}

/// A valid document with a line or two inserted before one of its mapping
/// entries, the way a hand edit breaks YAML, and the line the reader must be
/// sent to.
fn broken_yaml_document() -> impl Strategy<Value = (String, usize)> {
    let entries = |doc: &YamlDocument| -> Vec<usize> {
        doc.text.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with('\'')).map(|(i, _)| i).collect()
    };
    (
        yaml_document().prop_filter("a mapping to break", move |d| !entries(d).is_empty()),
        any::<prop::sample::Index>(),
        0..4u8,
    )
        .prop_map(move |(doc, at, how)| {
            let eol = if doc.text.contains("\r\n") { "\r\n" } else { "\n" };
            let mut lines: Vec<String> = doc.text.split_terminator(eol).map(str::to_owned).collect();
            let at = *at.get(&entries(&doc));
            let pad = " ".repeat(lines[at].len() - lines[at].trim_start().len());
            let (line, broken) = match how {
                // A key written twice in the same mapping: the second is wrong.
                0 => (format!("{pad}'dubbel': 1{eol}{pad}'dubbel': 2"), at + 2),
                // An alias, which arsrapport refuses.
                1 => (format!("{pad}'alias': *ankare"), at + 1),
                // Text after a closed quote.
                2 => (format!("{pad}'oavslutad: 'citat"), at + 1),
                // A tab where the indentation should be.
                _ => (format!("{pad}'flik':{eol}\t'värde': 1"), at + 2),
            };
            lines.insert(at, line);
            (lines.join(eol) + eol, broken)
        })
}

/// A figures file with hostile text in its title and labels and typed figures,
/// and the rows its table must show: each label with its formatted cells.
#[derive(Debug, Clone)]
struct HostileFigures {
    text: String,
    title: String,
    rows: Vec<(String, Vec<String>)>,
}

fn hostile_figures_file() -> impl Strategy<Value = HostileFigures> {
    let row = (hostile_text(), prop::collection::vec(-9_999_999i64..9_999_999, 2));
    (hostile_text(), prop::collection::vec(row, 1..6), hostile_text(), prop::sample::select(vec!["\n", "\r\n"]))
        .prop_map(|(title, rows, total, eol)| {
            let mut text = format!(
                "tables:{eol}  - id: t{eol}    title: {}{eol}    columns: [a, b]{eol}    rows:{eol}",
                single_quoted(&title)
            );
            let mut shown = Vec::new();
            let mut sums = [0i64; 2];
            for (label, values) in &rows {
                // Amounts as a person types them: grouped with spaces, a real minus sign.
                let typed: Vec<String> =
                    values.iter().map(|v| format_amount(Decimal::from(*v), Some(0)).replace(NBSP, " ")).collect();
                text.push_str(&format!(
                    "      - label: {}{eol}        values: [{}]{eol}",
                    single_quoted(label),
                    typed.join(", ")
                ));
                shown.push((label.clone(), values.iter().map(|v| format_amount(Decimal::from(*v), Some(0))).collect()));
                sums[0] += values[0];
                sums[1] += values[1];
            }
            text.push_str(&format!("      - {{label: {}, sum: all}}{eol}", single_quoted(&total)));
            shown.push((total, sums.iter().map(|v| format_amount(Decimal::from(*v), Some(0))).collect()));
            HostileFigures { text, title, rows: shown }
        })
}

/// A valid data file (with letters of two, three and four bytes) with one
/// sequence that is not UTF-8 put into one of its lines, and that line's number.
fn data_file_with_a_bad_byte() -> impl Strategy<Value = (Vec<u8>, usize)> {
    let bad = prop::sample::select(vec![
        vec![0xff],
        vec![0xc3],
        vec![0xe2, 0x82],
        vec![0xed, 0xa0, 0x80],
        vec![0xf4, 0x90, 0x80, 0x80],
        vec![0xc0, 0xae],
        vec![0x80],
    ]);
    (prop::collection::vec(hostile_text(), 1..12), any::<prop::sample::Index>(), any::<prop::sample::Index>(), bad)
        .prop_map(|(values, line, column, bad)| {
            let lines: Vec<String> =
                values.iter().enumerate().map(|(i, v)| format!("nyckel_{i}: {}", single_quoted(v))).collect();
            let at = line.index(lines.len());
            let text = &lines[at];
            let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let cut = cuts[column.index(cuts.len())];
            let mut bytes = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                if i == at {
                    bytes.extend_from_slice(&l.as_bytes()[..cut]);
                    bytes.extend_from_slice(&bad);
                    bytes.extend_from_slice(&l.as_bytes()[cut..]);
                } else {
                    bytes.extend_from_slice(l.as_bytes());
                }
                bytes.push(b'\n');
            }
            (bytes, at + 1)
        })
}

/// Loads one data file the way a build does, then its figures. Never panics;
/// fails only with located errors.
pub(super) fn load_figures(text: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("figurer.yaml"), text).unwrap();
    load_figures_in(dir.path())
}

fn load_figures_in(root: &Path) -> Result<(), TestCaseError> {
    use arsrapport::data::DataFiles;
    use arsrapport::figures::Figures;
    use arsrapport::figures::view::TableLabels;
    let files = match DataFiles::load(root) {
        Ok(files) => files,
        Err(d) => return located(&d).map_err(TestCaseError::fail),
    };
    let _ = files.to_value();
    match Figures::load(&files, &TableLabels { amounts_in: "belopp i", rounding: "Avrundning" }) {
        Ok((figures, warnings)) => {
            prop_assert!(!warnings.has_errors());
            let _ = figures.to_value();
        }
        Err(d) => located(&d).map_err(TestCaseError::fail)?,
    }
    if let Err(d) = arsrapport::goals::Goals::load(&files, None) {
        located(&d).map_err(TestCaseError::fail)?;
    }
    if let Err(d) = arsrapport::people::load(&files) {
        located(&d).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

/// The example's data files, one of them edited as [`mutated_base`] edits:
/// figures, budget, goals, people and statistics each get their turn.
fn mutated_example() -> impl Strategy<Value = (String, String)> {
    let dir = crate::common::repo().join("content/data");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    prop::sample::select(names).prop_flat_map(move |name| {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        (Just(name), edits_of(text))
    })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    /// Every key and value of a block-style document with hostile text comes
    /// back as written (quoted, outer spaces kept) at its line and column.
    /// Failed when src/yaml.rs trimmed scalar text (`text.trim()`).
    fn a_yaml_document_reads_back_every_value_at_its_line_and_column(doc in yaml_document()) {
        let node = arsrapport::yaml::parse(&doc.text, "content/data/x.yaml")
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{}", doc.text)))?;
        let mut found = Vec::new();
        read_back(&node, &mut found);
        prop_assert_eq!(found, doc.expected, "{}", doc.text);
    }

    #[test]
    /// A duplicate key, an alias, text after a quote or a tab as indentation
    /// is refused at its own line. Failed when the duplicate-key error in
    /// src/yaml.rs pointed at the first occurrence instead of the second.
    fn a_broken_yaml_document_is_refused_at_the_broken_line((doc, broken) in broken_yaml_document()) {
        let Err(d) = arsrapport::yaml::parse(&doc, "content/data/x.yaml") else {
            return Err(TestCaseError::fail(format!("accepted:\n{doc}")));
        };
        located(&d).map_err(TestCaseError::fail)?;
        let lines: Vec<usize> = d.iter().filter_map(|e| e.location.as_ref()).map(|l| l.line).collect();
        prop_assert!(lines.contains(&broken), "no error at line {}: {:?}\n{}", broken, d, doc);
    }

    #[test]
    /// Title and labels with markup, template syntax and far-away letters come
    /// back exactly, and the sum line adds the typed figures. Failed when
    /// src/figures/view.rs escaped `<` in labels (escaping belongs to the renderers).
    fn a_figures_file_with_hostile_text_gives_back_its_labels_and_sums(file in hostile_figures_file()) {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("content/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("figurer.yaml"), &file.text).unwrap();
        let files = arsrapport::data::DataFiles::load(dir.path()).map_err(|d| TestCaseError::fail(format!("{d:?}")))?;
        let labels = arsrapport::figures::view::TableLabels { amounts_in: "belopp i", rounding: "Avrundning" };
        let (figures, warnings) = arsrapport::figures::Figures::load(&files, &labels)
            .map_err(|d| TestCaseError::fail(format!("{d:?}\n{}", file.text)))?;
        prop_assert!(warnings.iter().next().is_none(), "{:?}", warnings);
        let view = &figures.views["t"];
        prop_assert_eq!(&view.title, &file.title);
        let found: Vec<(String, Vec<String>)> = view.rows.iter().map(|r| (r.label.clone(), r.cells.clone())).collect();
        prop_assert_eq!(found, file.rows, "{}", file.text);
    }

    #[test]
    /// A valid file with a broken sequence in one line (after letters of
    /// several bytes) is refused once, at that line. Failed when src/data.rs
    /// counted lines with `from_utf8_lossy(valid).lines()`.
    fn bytes_that_are_not_utf8_are_reported_at_their_line((bytes, line) in data_file_with_a_bad_byte()) {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("content/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("figurer.yaml"), &bytes).unwrap();
        let Err(d) = arsrapport::data::DataFiles::load(dir.path()) else {
            return Err(TestCaseError::fail("invalid UTF-8 was accepted"));
        };
        let errors: Vec<String> = d.iter().map(|e| format!("{}|{:?}", e.message, e.location)).collect();
        prop_assert_eq!(errors.len(), 1, "{:?}", errors);
        let e = d.iter().next().unwrap();
        prop_assert_eq!(e.message.as_str(), "the file is not valid UTF-8 text");
        prop_assert_eq!(e.location.as_ref().map(|l| (l.line, l.column)), Some((line, 1)));
    }

    #[test]
    fn any_figures_file_gives_figures_or_located_errors(text in figures_file()) {
        load_figures(text.as_bytes())?;
    }

    #[test]
    fn figures_of_any_size_give_figures_or_located_errors(text in figures_with_amounts()) {
        load_figures(text.as_bytes())?;
    }

    #[test]
    fn an_edited_example_data_file_gives_figures_or_located_errors((name, text) in mutated_example()) {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("content/data");
        crate::common::copy_dir(&crate::common::repo().join("content/data"), &data);
        std::fs::write(data.join(name), text).unwrap();
        load_figures_in(dir.path())?;
    }

    #[test]
    fn an_edited_figures_file_gives_figures_or_located_errors(text in mutated_base()) {
        load_figures(text.as_bytes())?;
    }
}

// ---------------------------------------------------------------- front matter

fn front_matter_value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "klar",
            "utkast",
            "granskning",
            "KLAR",
            "",
            "~",
            "[klar]",
            "{a: b}",
            "'klar'",
            "\"utkast\"",
            "1",
            "true",
            "Ekonom",
            "\"<script>alert(1)</script>\"",
            "'\" onmouseover=x'",
            "&a",
            "*a",
            "|",
            ">",
            "---",
            "\"---\"",
            "é\u{feff}",
            "\u{2028}",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,20}",
        any::<String>().prop_map(|s| format!("{s:?}")),
    ]
}

/// One line of generated front matter.
#[derive(Debug, Clone)]
enum FrontLine {
    /// `status:` with a known value or, when `false`, an unknown one.
    Status(String, bool),
    Owner(String),
    /// A key the front matter does not have (misspelt or foreign).
    Unknown(String),
    Comment(String),
    Blank,
}

#[derive(Debug, Clone)]
enum Expect {
    Chapter {
        status: Option<&'static str>,
        owner: Option<String>,
        body_line: usize,
    },
    /// The lines the errors point at, in order.
    Errors(Vec<usize>),
}

#[derive(Debug, Clone)]
struct FrontMatterCase {
    text: String,
    body: String,
    expect: Expect,
}

/// A chapter body that never holds a line of only `---`, with Markdown,
/// template syntax and hostile text.
fn chapter_body(eol: &'static str) -> impl Strategy<Value = String> {
    let line = prop_oneof![
        prop::sample::select(vec![
            "# Titel",
            "",
            "## Avsnitt",
            "- punkt",
            "--- inte slut",
            "status: klar",
            "> citat",
            "{{ data.x }}"
        ])
        .prop_map(str::to_owned),
        hostile_text(),
    ];
    prop::collection::vec(line, 0..6).prop_map(move |lines| lines.iter().map(|l| format!("{l}{eol}")).collect())
}

/// Front matter as writers write it and as they get it wrong: known and
/// unknown statuses, an owner with any text, foreign keys, comments, blank
/// lines, LF or CRLF, a byte-order mark, and an opening `---` that is never
/// closed. Each case says what reading it must give.
fn front_matter_case() -> impl Strategy<Value = FrontMatterCase> {
    let status = prop_oneof![
        3 => prop::sample::select(vec!["klar", "utkast", "granskning"]).prop_map(|s| FrontLine::Status(s.into(), true)),
        1 => prop::sample::select(vec!["halvklar", "KLAR", "[klar]", "1", "'klar '", "{a: b}", "Klar"])
            .prop_map(|s| FrontLine::Status(s.into(), false)),
    ];
    let extra = prop_oneof![
        1 => prop::sample::select(vec!["statsu", "title", "ägare", "Status", "ansvarig_2"]).prop_map(|k| FrontLine::Unknown(k.into())),
        2 => hostile_text().prop_map(FrontLine::Comment),
        1 => Just(FrontLine::Blank),
    ];
    (
        prop::option::of(status),
        prop::option::of(hostile_text()),
        prop::collection::vec(extra, 0..4),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["\n", "\r\n"]),
    )
        .prop_flat_map(|(status, owner, extras, bom, closed, eol)| {
            // A foreign key written twice would be a YAML error of its own: once each.
            let mut seen = std::collections::BTreeSet::new();
            let mut lines: Vec<FrontLine> = extras
                .into_iter()
                .filter(|l| if let FrontLine::Unknown(k) = l { seen.insert(k.clone()) } else { true })
                .collect();
            lines.extend(status);
            lines.extend(owner.map(FrontLine::Owner));
            (Just(lines).prop_shuffle(), Just(bom), Just(closed), Just(eol), chapter_body(eol))
        })
        .prop_map(|(lines, bom, closed, eol, body)| {
            let mut text = String::from(if bom { "\u{feff}---" } else { "---" });
            text.push_str(eol);
            let (mut status, mut owner, mut errors) = (None, None, Vec::new());
            for (i, line) in lines.iter().enumerate() {
                let number = i + 2;
                let written = match line {
                    FrontLine::Status(value, known) => {
                        if *known {
                            status = Status::NAMES.iter().map(|(n, _)| *n).find(|n| n == value);
                        } else {
                            errors.push(number);
                        }
                        format!("status: {value}")
                    }
                    FrontLine::Owner(name) => {
                        owner = Some(name.clone());
                        format!("ansvarig: {}", single_quoted(name))
                    }
                    FrontLine::Unknown(key) => {
                        errors.push(number);
                        format!("{key}: x")
                    }
                    FrontLine::Comment(c) => format!("# {c}"),
                    FrontLine::Blank => String::new(),
                };
                text.push_str(&written);
                text.push_str(eol);
            }
            let body_line = lines.len() + 3;
            let expect = if !closed && !body.lines().any(|l| l.trim_end() == "---") {
                // Nothing closes it: the opening line is where to look.
                Expect::Errors(vec![1])
            } else if errors.is_empty() {
                Expect::Chapter { status, owner, body_line }
            } else {
                errors.sort();
                Expect::Errors(errors)
            };
            if closed {
                text.push_str("---");
                text.push_str(eol);
            }
            text.push_str(&body);
            FrontMatterCase { text, body, expect }
        })
}

fn chapter_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        (
            prop::sample::select(vec!["status", "ansvarig", "statsu", "title", "status ", " status"]),
            front_matter_value()
        )
            .prop_map(|(k, v)| format!("{k}: {v}")),
        prop::sample::select(vec!["---", "--- ", "----", "", "# Titel", "---\r", "...", "#"]).prop_map(str::to_owned),
        "[ -~]{0,30}",
    ];
    (
        prop::sample::select(vec!["---\n", "---\r\n", "\u{feff}---\n", "", "--- \n", "---"]),
        prop::collection::vec(line, 0..8),
        prop::sample::select(vec!["\n", "\r\n"]),
    )
        .prop_map(|(open, lines, eol)| format!("{open}{}", lines.join(eol)))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    /// Status, owner and body come back as written; an unknown status or key
    /// is refused at its line, all at once; an unclosed block at line 1.
    /// Failed when src/content.rs no longer accepted `---\r\n` as the opening.
    fn front_matter_is_read_back_or_refused_at_the_lines_of_its_mistakes(case in front_matter_case()) {
        let file = "content/chapters/01-a.md";
        match (arsrapport::content::parse_chapter(file, &case.text), &case.expect) {
            (Ok(chapter), Expect::Chapter { status, owner, body_line }) => {
                prop_assert_eq!(chapter.status.map(|s| s.name()), *status, "{:?}", case.text);
                prop_assert_eq!(chapter.owner.as_deref(), owner.as_deref(), "{:?}", case.text);
                prop_assert_eq!(&chapter.body, &case.body, "{:?}", case.text);
                prop_assert_eq!(chapter.body_line_offset + 1, *body_line, "{:?}", case.text);
            }
            (Err(d), Expect::Errors(lines)) => {
                located(&d).map_err(TestCaseError::fail)?;
                // Every mistake is reported, each at its own line (in any order).
                let mut found: Vec<usize> = d.iter().map(|e| e.location.as_ref().unwrap().line).collect();
                found.sort();
                prop_assert_eq!(&found, lines, "{:?}\n{:?}", case.text, d);
                prop_assert!(d.iter().all(|e| e.location.as_ref().unwrap().file == file));
            }
            (found, expected) => {
                return Err(TestCaseError::fail(format!("expected {expected:?}, found {found:?} for {:?}", case.text)));
            }
        }
    }

    #[test]
    fn front_matter_gives_a_chapter_or_errors_inside_the_file(text in chapter_text()) {
        let lines = text.lines().count().max(1);
        match arsrapport::content::parse_chapter("content/chapters/01-a.md", &text) {
            Ok(chapter) => {
                // The body is what follows the front matter, and its line offset says where it starts.
                prop_assert!(text.ends_with(&chapter.body), "{:?}", chapter.body);
                let before = &text[..text.len() - chapter.body.len()];
                prop_assert!(chapter.body_line_offset == 0 || before.lines().count() == chapter.body_line_offset,
                    "offset {} for {:?}", chapter.body_line_offset, before);
            }
            Err(d) => {
                located(&d).map_err(TestCaseError::fail)?;
                for e in d.iter() {
                    let loc = e.location.as_ref().unwrap();
                    prop_assert!(loc.line <= lines, "{} is past the end of the file ({} lines)", e, lines);
                }
            }
        }
    }

    #[test]
    fn status_and_owner_are_read_back(
        status in prop::sample::select(vec!["klar", "utkast", "granskning"]),
        owner in "[A-Za-zåäöÅÄÖ][A-Za-zåäöÅÄÖ .,<>&\"'-]{0,20}",
    ) {
        let quoted = format!("{owner:?}");
        let text = format!("---\nstatus: {status}\nansvarig: {quoted}\n---\n# Titel\n");
        let chapter = arsrapport::content::parse_chapter("content/chapters/01-a.md", &text).unwrap();
        prop_assert_eq!(chapter.status.map(|s| s.name()), Some(status));
        prop_assert_eq!(chapter.owner.as_deref(), Some(owner.as_str()));
        prop_assert_eq!(chapter.body, "# Titel\n");
        prop_assert_eq!(chapter.body_line_offset, 4);
    }
}
