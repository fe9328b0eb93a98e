//! Property tests of what reads hostile input: the amount parser, YAML and
//! figures loading, front matter, and Markdown converted for typst and HTML.
//!
//! The normal test run tries a few dozen cases of each; a long run is
//! `PROPTEST_CASES=5000 cargo test --release --test e2e properties`.
//! A failure prints the smallest input that shows it; each such input is
//! then kept as a plain regression test in `super::regressions`.

use std::path::Path;

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
fn figures_file() -> impl Strategy<Value = String> {
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
fn mutated_base() -> impl Strategy<Value = String> {
    let base = std::fs::read_to_string(crate::common::repo().join("tests/fixtures/base/content/data/rakenskaper.yaml"))
        .unwrap();
    edits_of(base)
}

/// A text with a few lines deleted, repeated, or with a value, a word or a
/// piece of text changed.
fn edits_of(base: String) -> impl Strategy<Value = String> {
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

/// Loads one data file the way a build does, then its figures. Never panics;
/// fails only with located errors.
fn load_figures(text: &[u8]) -> Result<(), TestCaseError> {
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
    if let Err(d) = arsrapport::goals::Goals::load(&files) {
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
    fn yaml_parsing_of_any_text_never_panics(text in any::<String>()) {
        if let Err(d) = arsrapport::yaml::parse(&text, "content/data/x.yaml") {
            located(&d).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn any_bytes_as_a_data_file_give_figures_or_located_errors(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        load_figures(&bytes)?;
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
    fn front_matter_of_any_text_never_panics(text in any::<String>()) {
        if let Err(d) = arsrapport::content::parse_chapter("content/chapters/01-a.md", &text) {
            located(&d).map_err(TestCaseError::fail)?;
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
