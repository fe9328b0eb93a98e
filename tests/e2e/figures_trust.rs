//! Figures the board can trust: every figure in the PDF and on the site is
//! the one the data defines or computes, cell by cell; an empty cell is no
//! figure; known differences are accepted only exactly and with a reason.
//!
//! The property test generates figures files (typed, `sum`, `note` and
//! `from` lines, several columns, a computed column, empty cells, units and
//! decimals), computes what each cell must show with plain `Decimal`
//! arithmetic of its own, builds the project and compares both outputs cell
//! by cell. A long run: `PROPTEST_CASES=200 cargo test --release --test e2e figures_trust`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::Config;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::common::*;

// ---------------------------------------------------------------- the generated data

/// The typed unit, the unit shown and the decimals shown.
#[derive(Debug, Clone, Copy)]
struct Units {
    input: &'static str,
    shown: &'static str,
    decimals: u32,
}

const UNITS: [Units; 5] = [
    Units { input: "tkr", shown: "tkr", decimals: 0 },
    Units { input: "kr", shown: "tkr", decimals: 0 },
    Units { input: "tkr", shown: "tkr", decimals: 1 },
    Units { input: "antal", shown: "antal", decimals: 0 },
    Units { input: "tkr", shown: "mnkr", decimals: 2 },
];

fn kronor(unit: &str) -> Decimal {
    match unit {
        "tkr" => Decimal::from(1_000),
        "mnkr" => Decimal::from(1_000_000),
        _ => Decimal::ONE,
    }
}

/// Where a generated line takes its figures from.
#[derive(Debug, Clone)]
enum Source {
    Typed(Vec<Option<Decimal>>),
    /// The note's total, optionally with the opposite sign.
    Note {
        negative: bool,
    },
    /// Line `row` of the first table, optionally with the opposite sign.
    From {
        row: usize,
        negative: bool,
    },
    /// Earlier lines of the same table, each added or subtracted.
    Sum(Vec<(usize, bool)>),
    SumAll,
}

#[derive(Debug, Clone)]
struct Case {
    units: Units,
    /// Typed columns (`2013`, `2012`, …); with `change`, a computed column
    /// `2013 − 2012` follows them.
    typed: usize,
    change: bool,
    /// Amounts written as quoted Swedish text (`"-1 234,5"`) or plain (`-1234.5`).
    swedish: bool,
    /// `tables[0]` holds the note line; `tables[1]` (if any) takes lines of it with `from`.
    tables: Vec<Vec<Source>>,
    note: Vec<Vec<Option<Decimal>>>,
}

const YEARS: [&str; 3] = ["2013", "2012", "2011"];

fn amount(decimals: u32) -> impl Strategy<Value = Option<Decimal>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(Decimal::ZERO)),
        6 => (-99_999_999i64..=99_999_999, 0..=decimals).prop_map(|(m, scale)| Some(Decimal::new(m, scale))),
    ]
}

fn typed_line(columns: usize, decimals: u32) -> impl Strategy<Value = Vec<Option<Decimal>>> {
    prop::collection::vec(amount(decimals), columns)
}

/// A line of a table that already has `earlier` lines: typed, or a sum of
/// earlier ones (never itself, so no cycles).
fn line(earlier: usize, columns: usize, decimals: u32) -> BoxedStrategy<Source> {
    let typed = typed_line(columns, decimals).prop_map(Source::Typed);
    if earlier == 0 {
        return typed.boxed();
    }
    let sum = prop::collection::vec((0..earlier, any::<bool>()), 1..=3).prop_map(Source::Sum);
    prop_oneof![3 => typed, 2 => sum, 1 => Just(Source::SumAll)].boxed()
}

fn table(columns: usize, decimals: u32, from: Option<usize>) -> impl Strategy<Value = Vec<Source>> {
    (2usize..=5).prop_flat_map(move |n| {
        let lines: Vec<BoxedStrategy<Source>> = (0..n)
            .map(|earlier| match from {
                // Every other line of the second table comes from the first.
                Some(rows) if earlier % 2 == 0 => {
                    (0..rows, any::<bool>()).prop_map(|(row, negative)| Source::From { row, negative }).boxed()
                }
                _ => line(earlier, columns, decimals),
            })
            .collect();
        lines
    })
}

fn case() -> impl Strategy<Value = Case> {
    (prop::sample::select(UNITS.to_vec()), 2usize..=3, any::<bool>(), any::<bool>(), any::<bool>()).prop_flat_map(
        |(units, typed, change, swedish, second)| {
            let decimals = 2;
            let first =
                (table(typed, decimals, None), 0usize..=5, any::<bool>()).prop_map(|(mut rows, at, negative)| {
                    let at = at.min(rows.len());
                    // Sums refer to lines by position; the note line shifts those after it.
                    for source in &mut rows[at..] {
                        if let Source::Sum(terms) = source {
                            for (row, _) in terms.iter_mut().filter(|(row, _)| *row >= at) {
                                *row += 1;
                            }
                        }
                    }
                    rows.insert(at, Source::Note { negative });
                    rows
                });
            let note = prop::collection::vec(typed_line(typed, decimals), 1..=3);
            (first, note).prop_flat_map(move |(first, note)| {
                let rows = first.len();
                let second =
                    if second { table(typed, decimals, Some(rows)).prop_map(Some).boxed() } else { Just(None).boxed() };
                (Just(first), Just(note), second).prop_map(move |(first, note, second)| Case {
                    units,
                    typed,
                    change,
                    swedish,
                    tables: std::iter::once(first).chain(second).collect(),
                    note: note.clone(),
                })
            })
        },
    )
}

// ---------------------------------------------------------------- the expected figures

type Cells = Vec<Option<Decimal>>;

/// Adds terms column by column; a column with any empty term stays empty.
fn add(width: usize, terms: &[(&Cells, bool)]) -> Cells {
    (0..width)
        .map(|c| {
            let mut total = Decimal::ZERO;
            for (cells, negative) in terms {
                let v = cells[c]?;
                total += if *negative { -v } else { v };
            }
            Some(total)
        })
        .collect()
}

fn negated(cells: &Cells, negative: bool) -> Cells {
    cells.iter().map(|v| v.map(|v| if negative { -v } else { v })).collect()
}

impl Case {
    fn columns(&self) -> usize {
        self.typed + usize::from(self.change)
    }

    /// The typed columns, then the computed change column from the first two.
    fn with_change(&self, typed: Cells) -> Cells {
        let mut cells = typed;
        if self.change {
            cells.push(match (cells[0], cells[1]) {
                (Some(a), Some(b)) => Some(a - b),
                _ => None,
            });
        }
        cells
    }

    /// Every line of the note (its typed lines, then the total), in the typed unit.
    fn note_lines(&self) -> Vec<Cells> {
        let mut lines: Vec<Cells> = self.note.iter().map(|l| self.with_change(l.clone())).collect();
        let total = add(self.columns(), &lines.iter().map(|l| (l, false)).collect::<Vec<_>>());
        lines.push(total);
        lines
    }

    /// Every line of every table, in the typed unit: first the lines typed or
    /// taken from a note or another table, then the sums in their order.
    fn table_lines(&self) -> Vec<Vec<Cells>> {
        let note_total = self.note_lines().pop().unwrap();
        let mut out: Vec<Vec<Cells>> = Vec::new();
        for rows in &self.tables {
            let mut lines: Vec<Option<Cells>> = rows
                .iter()
                .map(|source| match source {
                    Source::Typed(values) => Some(self.with_change(values.clone())),
                    Source::Note { negative } => Some(negated(&note_total, *negative)),
                    Source::From { row, negative } => Some(negated(&out[0][*row], *negative)),
                    Source::Sum(_) | Source::SumAll => None,
                })
                .collect();
            let parts: Vec<Cells> = lines.iter().flatten().cloned().collect();
            for (r, source) in rows.iter().enumerate() {
                let total = match source {
                    Source::Sum(terms) => {
                        let terms: Vec<(&Cells, bool)> =
                            terms.iter().map(|(t, neg)| (lines[*t].as_ref().unwrap(), *neg)).collect();
                        add(self.columns(), &terms)
                    }
                    // `sum: all` adds every typed, note or `from` line, before it or after.
                    Source::SumAll => add(self.columns(), &parts.iter().map(|l| (l, false)).collect::<Vec<_>>()),
                    _ => continue,
                };
                lines[r] = Some(total);
            }
            out.push(lines.into_iter().map(Option::unwrap).collect());
        }
        out
    }

    /// What a cell shows: in the unit shown, rounded half away from zero.
    fn shown(&self, value: Option<Decimal>) -> String {
        let Some(v) = value else { return EMPTY.to_owned() };
        let v = v * kronor(self.units.input) / kronor(self.units.shown);
        swedish(
            v.round_dp_with_strategy(self.units.decimals, RoundingStrategy::MidpointAwayFromZero),
            self.units.decimals,
        )
    }
}

const EMPTY: &str = "–";

/// `-1234.5` with 2 decimals → `−1 234,50` (no-break spaces, real minus).
fn swedish(value: Decimal, decimals: u32) -> String {
    let negative = value.is_sign_negative() && !value.is_zero();
    let digits = value.abs().to_string();
    let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut out = String::new();
    if negative {
        out.push('\u{2212}');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if decimals > 0 {
        out.push(',');
        out.push_str(&format!("{frac:0<width$}", width = decimals as usize));
    }
    out
}

// ---------------------------------------------------------------- the project

fn written(value: Option<Decimal>, swedish_form: bool) -> String {
    match value {
        None => "~".to_owned(),
        Some(v) if swedish_form => {
            format!("\"{}\"", swedish(v, v.scale()).replace('\u{2212}', "-").replace('\u{a0}', " "))
        }
        Some(v) => v.to_string(),
    }
}

/// Table ids, and each line's id and label: unique words, so each row can be
/// found in the PDF's text by its label.
fn table_id(t: usize) -> String {
    format!("t{t}")
}

fn row_label(t: &str, r: usize) -> String {
    format!("Rad {t}{}", (b'a' + r as u8) as char)
}

impl Case {
    fn figures_file(&self) -> String {
        let u = self.units;
        let years: Vec<String> =
            YEARS[..self.typed].iter().map(|y| format!("{{id: \"{y}\", label: \"{y}\"}}")).collect();
        let mut columns = years.join(", ");
        if self.change {
            columns.push_str(", {id: forandring, label: Förändring, sum: [\"2013\", \"-2012\"]}");
        }
        let mut out = format!(
            "defaults:\n  unit: {}\n  input_unit: {}\n  decimals: {}\n  columns: [{columns}]\n\ntables:\n",
            u.shown, u.input, u.decimals
        );
        let values = |cells: &Cells| cells.iter().map(|v| written(*v, self.swedish)).collect::<Vec<_>>().join(", ");
        for (t, rows) in self.tables.iter().enumerate() {
            let id = table_id(t);
            out.push_str(&format!("  - id: {id}\n    title: Tabell {id}\n    empty: \"{EMPTY}\"\n    rows:\n"));
            for (r, source) in rows.iter().enumerate() {
                let what = match source {
                    Source::Typed(cells) => format!("values: [{}]", values(cells)),
                    Source::Note { negative } => format!("note: n0{}", if *negative { ", sign: negative" } else { "" }),
                    Source::From { row, negative } => {
                        format!("from: t0.r{row}{}", if *negative { ", sign: negative" } else { "" })
                    }
                    Source::Sum(terms) => {
                        let terms: Vec<String> =
                            terms.iter().map(|(row, neg)| format!("{}r{row}", if *neg { "-" } else { "" })).collect();
                        format!("sum: [{}]", terms.join(", "))
                    }
                    Source::SumAll => "sum: all".to_owned(),
                };
                out.push_str(&format!("      - {{id: r{r}, label: {}, {what}}}\n", row_label(&id, r)));
            }
        }
        out.push_str("\nnotes:\n  - id: n0\n    title: Noten\n    empty: \"–\"\n    rows:\n");
        for (r, cells) in self.note.iter().enumerate() {
            out.push_str(&format!(
                "      - {{id: r{r}, label: {}, values: [{}]}}\n",
                row_label("n0", r),
                values(cells)
            ));
        }
        let total = self.note.len();
        out.push_str(&format!("      - {{id: r{total}, label: {}, sum: all}}\n", row_label("n0", total)));
        out
    }

    /// Every cell the outputs must show: (table, line, column) → text.
    fn expected(&self) -> BTreeMap<(String, usize, usize), String> {
        let mut cells = BTreeMap::new();
        let tables = self.table_lines().into_iter().enumerate().map(|(t, l)| (table_id(t), l));
        for (id, lines) in tables.chain(std::iter::once(("n0".to_owned(), self.note_lines()))) {
            for (r, line) in lines.iter().enumerate() {
                for (c, v) in line.iter().enumerate() {
                    cells.insert((id.clone(), r, c), self.shown(*v));
                }
            }
        }
        cells
    }

    fn build(&self) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let mut chapter = String::from("# Tal\n\n");
        for t in 0..self.tables.len() {
            chapter.push_str(&format!("{{{{ table(id=\"{}\") }}}}\n\n", table_id(t)));
        }
        chapter.push_str("## Noter\n\n{{ notes(level=3) }}\n");
        let dir = project(&[("01-tal.md", &chapter)]);
        let data = dir.path().join("content/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("tal.yaml"), self.figures_file()).unwrap();
        let (out, _, stderr) = build(dir.path());
        assert!(out.status.success(), "the build failed:\n{stderr}\n{}", self.figures_file());
        let output = dir.path().join("output");
        let (pdf, html) = (output.join("arsredovisning-2013.pdf"), output.join("html/01-tal.html"));
        assert!(pdf.is_file() && html.is_file(), "the build wrote no PDF or no page for the chapter");
        (dir, pdf, html)
    }
}

// ---------------------------------------------------------------- reading the outputs

/// The cells of each table line on the site: `<tr id="t0-r2">…<td class="num">…</td>`.
fn html_cells(html: &str, table: &str, row: usize, columns: usize) -> Option<Vec<String>> {
    let start = html.find(&format!("<tr id=\"{table}-r{row}\""))?;
    let end = start + html[start..].find("</tr>")?;
    let cells: Vec<String> = html[start..end]
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap_or_default().to_owned())
        .take(columns)
        .collect();
    Some(cells)
}

/// The cells that follow a line's label in the PDF's text.
fn pdf_cells(words: &[String], label: &str, columns: usize) -> Option<Vec<String>> {
    let label: Vec<&str> = label.split(' ').collect();
    let at = words.windows(label.len()).position(|w| w.iter().map(String::as_str).eq(label.iter().copied()))?;
    Some(words[at + label.len()..].iter().take(columns).cloned().collect())
}

/// The PDF's text in words, keeping the no-break spaces inside numbers.
fn pdf_words(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    text.split([' ', '\n', '\t', '\r']).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

fn config(short: u32) -> Config {
    let mut config = Config { failure_persistence: None, ..Config::default() };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = short;
    }
    config
}

proptest! {
    #![proptest_config(config(24))]

    /// Every figure on the site and in the PDF is the one the data defines or
    /// computes, in its own table, line and column. Deliberate breaks that made
    /// it fail: swapping the first two cells of total lines in `figures::view`
    /// (caught on the site, and in the PDF with the site's assertion removed);
    /// on main it fails too, where an empty cell adds as 0.
    #[test]
    fn every_figure_shown_is_the_one_the_data_defines(case in case()) {
        let (_dir, pdf, html) = case.build();
        let html = std::fs::read_to_string(html).unwrap();
        let words = pdf_words(&pdf);
        let columns = case.columns();
        let mut rows: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
        for ((table, row, _), text) in case.expected() {
            rows.entry((table, row)).or_default().push(text);
        }
        for ((table, row), expected) in rows {
            let site = html_cells(&html, &table, row, columns);
            prop_assert_eq!(site.as_ref(), Some(&expected), "site, table {} line r{}\n{}", table, row, case.figures_file());
            let printed = pdf_cells(&words, &row_label(&table, row), columns);
            prop_assert_eq!(printed.as_ref(), Some(&expected), "PDF, table {} line r{}\n{}", table, row, case.figures_file());
        }
    }
}

// ---------------------------------------------------------------- accepted differences, tolerance, limits

/// A project with one figures file, checked: (exit code, stderr).
fn check_figures(figures: &str) -> (Option<i32>, String) {
    let dir = project(&[("01-tal.md", "# Tal\n\n{{ table(id=\"t\") }}\n")]);
    let data = dir.path().join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("tal.yaml"), figures).unwrap();
    let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    (out.status.code(), stderr)
}

const TABLE: &str = "defaults:\n  columns: [\"2013\", \"2012\"]\n  tolerance: 1\ntables:\n  - id: t\n    title: T\n    rows:\n      - {id: a, label: A, values: [100, 90]}\n      - {id: b, label: B, values: [50, 40]}\n";

/// `check` lists each accepted difference with its reason and succeeds.
/// Fails on main, where `accepted:` is an unknown key.
#[test]
fn check_lists_every_accepted_difference_with_its_reason() {
    let figures = format!(
        "{TABLE}      - {{id: s, label: Summa, sum: [a, b], claimed: [153, 130], accepted: {{\"2013\": 3}}, reason: Tryckfel i den fastställda årsredovisningen}}\nchecks:\n  - check: t.a = t.b\n    accepted: {{\"2013\": 50, \"2012\": 50}}\n    reason: Jämförs bara för att visa formen\n"
    );
    let (code, stderr) = check_figures(&figures);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: Summa 2013: 153 is written here, but the sum of a, b is 150 (an accepted difference of 3 tkr: Tryckfel i den fastställda årsredovisningen)"),
        "{stderr}"
    );
    assert!(stderr.contains("content/data/tal.yaml:10:54"), "{stderr}");
    for year in ["2013", "2012"] {
        assert!(stderr.contains(&format!("warning: `t.a = t.b` does not hold for {year}")), "{stderr}");
    }
    assert_eq!(
        stderr.matches("(an accepted difference of 50 tkr: Jämförs bara för att visa formen)").count(),
        2,
        "{stderr}"
    );
}

/// A difference within the tolerance states itself and the allowance. Fails
/// on main, which says "within the tolerance of 1" however large the gap.
#[test]
fn the_tolerance_warning_states_the_difference_and_the_allowance() {
    let figures = format!("{TABLE}      - {{id: s, label: Summa, sum: [a, b], claimed: [151, 130]}}\n");
    let (code, stderr) = check_figures(&figures);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: Summa 2013: 151 is written here, but the sum of a, b is 150 (differs by 1 tkr; tolerance 1 tkr)"
        ),
        "{stderr}"
    );
}

/// Six decimals, the most a table shows, are read and added exactly at the
/// largest amounts; a seventh is refused (see the fixture
/// `amounts-at-the-decimal-limit`). Fails if the limit is set to 5.
#[test]
fn amounts_at_the_decimal_limit_add_up_exactly() {
    let figures = "defaults:\n  columns: [\"2013\"]\n  input_unit: kr\n  unit: mnkr\n  decimals: 6\ntables:\n  - id: t\n    title: T\n    rows:\n      - {id: a, label: A, values: [\"999 999 999 999 999,999999\"]}\n      - {id: b, label: B, values: [\"-999 999 999 999 998,999998\"]}\n      - {id: s, label: S, sum: [a, b], claimed: [\"1,000001\"]}\n";
    let (code, stderr) = check_figures(figures);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let (code, stderr) = check_figures(&figures.replace("1,000001", "1,000002"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("S 2013: 1,000002 is written here, but the sum of a, b is 1,000001"), "{stderr}");
}

/// An empty cell is no figure: a sum over it is shown empty, not as the total
/// of the others; a table whose blanks mean none says so and adds them as 0.
/// Fails on main, which shows 50 for the 2012 sum of the first table.
#[test]
fn a_sum_over_an_empty_cell_is_shown_empty_unless_blanks_mean_none() {
    let figures = "defaults:\n  columns: [\"2013\", \"2012\"]\ntables:\n  - id: t\n    title: T\n    empty: \"..\"\n    rows:\n      - {id: a, label: A, values: [100, ~]}\n      - {id: b, label: B, values: [50, 50]}\n      - {id: s, label: Summa t, sum: all}\n  - id: u\n    title: U\n    empty: \"–\"\n    empty_is_zero: true\n    rows:\n      - {id: a, label: A, values: [100, ~]}\n      - {id: b, label: B, values: [50, 50]}\n      - {id: s, label: Summa u, sum: all}\n";
    let dir = project(&[("01-tal.md", "# Tal\n\n{{ table(id=\"t\") }}\n\n{{ table(id=\"u\") }}\n")]);
    let data = dir.path().join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("tal.yaml"), figures).unwrap();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("output/html/01-tal.html")).unwrap();
    let row = |table: &str, id: &str| {
        let start = html.find(&format!("<tr id=\"{table}-{id}\"")).unwrap();
        let end = start + html[start..].find("</tr>").unwrap();
        html[start..end]
            .split("<td class=\"num\">")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(row("t", "a"), ["100", ".."]);
    assert_eq!(row("t", "s"), ["150", ".."]);
    assert_eq!(row("u", "a"), ["100", "–"]);
    assert_eq!(row("u", "s"), ["150", "50"]);
    let words = pdf_words(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert_eq!(pdf_cells(&words, "Summa t", 2), Some(vec!["150".to_owned(), "..".to_owned()]), "{words:?}");
    assert_eq!(pdf_cells(&words, "Summa u", 2), Some(vec!["150".to_owned(), "50".to_owned()]), "{words:?}");
}
