//! Fuzzing of the five readers of what a user writes: the Markdown reader,
//! the YAML figures reader, template expansion, the SIE reader and the
//! expression evaluator. Each gets arbitrary text and text shaped like its
//! input (real files edited at random); for any of it the reader must not
//! panic, must give a result or errors that each say where, and must finish
//! a case within [`CASE_TIME`].
//!
//! The normal test run tries a few dozen cases of each. The long run tries
//! new random cases until `FUZZ_SECONDS` (default 300) have passed, one
//! reader at a time:
//! `FUZZ_SECONDS=300 nice -n 10 cargo test --release --test e2e fuzz_ -- --ignored --test-threads 1`.

use std::fmt::Debug;
use std::time::{Duration, Instant};

use arsrapport::diagnostics::{Diagnostics, Location};
use arsrapport::figures::expr;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rust_decimal::Decimal;

use super::properties::{config, edits_of, figures_file, load_figures, located, mutated_base};

/// The longest one case may take: every reader is linear in its input, and
/// these inputs are a few kilobytes.
const CASE_TIME: Duration = Duration::from_secs(5);

/// Runs `check` on `value`, failing the case when it takes too long.
fn timed<T: Debug>(value: T, check: impl Fn(&T) -> Result<(), TestCaseError>) -> Result<(), TestCaseError> {
    let started = Instant::now();
    check(&value)?;
    let took = started.elapsed();
    prop_assert!(took < CASE_TIME, "{:?} for {:?}", took, value);
    Ok(())
}

/// The long run of one reader: new random cases until `FUZZ_SECONDS` have
/// passed. A failure is shrunk to its smallest input by proptest and fails the test.
fn fuzz_for_a_while<S>(name: &str, strategy: S, check: impl Fn(&S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
    S::Value: Debug,
{
    let seconds = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let started = Instant::now();
    let mut cases = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        // Each round starts from a new random seed.
        let mut runner = TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
        if let Err(e) = runner.run(&strategy, |value| timed(value, &check)) {
            panic!("{name}: {e}");
        }
        cases += 64;
    }
    eprintln!("{name}: {cases} cases in {:.0} s, no failure", started.elapsed().as_secs_f64());
}

/// Text of any kind, weighted towards the characters that mean something to the readers.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(
            prop::sample::select(vec![
                "#", "{", "}", "{{", "}}", "{%", "%}", "\"", "\\", "\n", "\r\n", " ", "\t", "-", "*", "[", "]", "(",
                ")", "|", ":", ";", ",", ".", "0", "1", "9", "å", "\u{0}", "\u{feff}", "\u{2212}", "😀", "a", "x",
            ]),
            0..200,
        )
        .prop_map(|pieces| pieces.concat()),
    ]
}

// ---------------------------------------------------------------- Markdown

fn check_markdown(body: &str) -> Result<(), TestCaseError> {
    use arsrapport::markdown::{self, ChapterContext, LineIndex};
    let file = "content/chapters/01-a.md";
    let doc = match markdown::parse(body, file, "content/chapters", 0) {
        Ok(doc) => doc,
        Err(d) => return located(&d).map_err(TestCaseError::fail),
    };
    let lines = LineIndex::new(body, 0);
    let ctx = ChapterContext { file, slug: "01-a", body, lines: &lines, line_offset: 0, tables: None };
    let labels = markdown::build::Labels { footnotes: "Fotnoter", back_to_text: "Tillbaka" };
    let model = markdown::build::chapter(&doc, &ctx, &labels);
    let typst = markdown::typst::render(&model);
    prop_assert_eq!(typst.line_map.len(), typst.markup.matches('\n').count() + 1);
    let _ = markdown::html::render(&model);
    Ok(())
}

/// The example's chapters, edited at random.
fn edited_example_chapter() -> impl Strategy<Value = String> {
    let dir = crate::common::repo().join("content/chapters");
    let mut texts: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        // The reader gets the body, after the front matter.
        .map(|t| t.rsplit_once("\n---\n").map_or(t.clone(), |(_, body)| body.to_owned()))
        .collect();
    texts.sort();
    prop::sample::select(texts).prop_flat_map(edits_of)
}

fn markdown_input() -> impl Strategy<Value = String> {
    prop_oneof![any_text(), super::markdown::chapter(), edited_example_chapter()]
}

// ---------------------------------------------------------------- YAML figures

fn check_figures(text: &str) -> Result<(), TestCaseError> {
    load_figures(text.as_bytes())
}

fn figures_input() -> impl Strategy<Value = String> {
    prop_oneof![any_text(), figures_file(), mutated_base()]
}

// ---------------------------------------------------------------- templates

/// Figures and data loaded once from the base fixture, as chapters see them.
fn template_setup() -> (tera::Tera, tera::Context) {
    use arsrapport::data::DataFiles;
    use arsrapport::figures::Figures;
    use arsrapport::figures::view::TableLabels;
    let root = crate::common::repo().join("tests/fixtures/base");
    let files = DataFiles::load(&root).unwrap();
    let (figures, _) = Figures::load(&files, &TableLabels { amounts_in: "belopp i", rounding: "Avrundning" }).unwrap();
    let mut tera = arsrapport::templates::engine();
    arsrapport::templates::register_figures(&mut tera, &figures, "Not");
    let mut context = tera::Context::new();
    context.insert_value("data", files.to_value());
    context.insert_value("figures", figures.to_value());
    context.insert("report", &serde_json::json!({ "title": "Årsredovisning 2013", "year": 2013 }));
    (tera, context)
}

fn check_template(body: &str) -> Result<(), TestCaseError> {
    thread_local! {
        static SETUP: (tera::Tera, tera::Context) = template_setup();
    }
    let file = "content/chapters/01-a.md";
    SETUP.with(|(tera, context)| match arsrapport::templates::expand_chapter(tera, body, context, file, 0) {
        Ok(expanded) => {
            prop_assert!(expanded.body.len() <= 64 << 20);
            Ok(())
        }
        Err(errors) => {
            let mut all = Diagnostics::new();
            for e in errors {
                prop_assert!(
                    e.location.as_ref().is_some_and(|l| l.file == file && l.line >= 1),
                    "not in the chapter: {}",
                    e
                );
                all.push(e);
            }
            located(&all).map_err(TestCaseError::fail)
        }
    })
}

/// Template syntax, whole and broken, among words.
fn template_input() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        2 => "[a-zåäö ]{0,8}",
        3 => prop::sample::select(vec![
            "{{", "}}", "{%", "%}", "{#", "#}", "{{ figures.rr.arets_resultat[\"2013\"] | belopp }}",
            "{{ figures.rr | belopp }}", "{{ figures.rr.arets_resultat }}", "{{ table(id=\"rr\") }}",
            "{{ table(id=", "{{ report.title | upper }}", "{{ report.year + 1 }}", "{{ 1 / 0 }}", "{{ 10 ** 400 }}",
            "{{ \"x\" * 99999999 }}", "{{ data.rakenskaper }}", "{{ data.saknas.x }}",
            "{% for i in range(end=1000000) %}x{% endfor %}", "{% for i in range(end=3) %}", "{% endfor %}",
            "{% for k, v in figures %}{{ k }}{% endfor %}", "{% if ", "{% if true %}", "{% else %}", "{% endif %}",
            "{% set x = 1 %}", "{% set_global y = 2 %}", "{% raw %}", "{% endraw %}", "{{ x }}", "{{ x | belopp }}",
            "{{ 5 | belopp(decimaler=99999999999) }}", "{{ -0.5 | procent(decimaler=1) }}", "{% include \"x\" %}",
            "{% macro m() %}", "{{ self }}", "{{ __tera_context }}", "\n", "\n\n", "\r\n", "|", "~", "\"", "'",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

// ---------------------------------------------------------------- SIE

fn check_sie(text: &[u8]) -> Result<(), TestCaseError> {
    let shown = "content/ledger/bokforing.se";
    match arsrapport::ledger::sie::read(text, shown) {
        Ok((_, warnings)) => {
            prop_assert!(!warnings.has_errors());
            for w in warnings.iter() {
                prop_assert!(w.location.as_ref().is_some_and(|l| l.file == shown), "{}", w);
            }
            Ok(())
        }
        Err(d) => {
            for e in d.iter() {
                prop_assert!(e.location.as_ref().is_some_and(|l| l.file == shown), "{}", e);
            }
            located(&d).map_err(TestCaseError::fail)
        }
    }
}

/// One SIE post, with fields that are right, wrong or strange.
fn sie_line() -> impl Strategy<Value = String> {
    let label = prop::sample::select(vec![
        "#FLAGGA",
        "#FORMAT",
        "#SIETYP",
        "#PROGRAM",
        "#GEN",
        "#FNAMN",
        "#ORGNR",
        "#RAR",
        "#KPTYP",
        "#KONTO",
        "#KTYP",
        "#SRU",
        "#ENHET",
        "#DIM",
        "#UNDERDIM",
        "#OBJEKT",
        "#IB",
        "#UB",
        "#RES",
        "#OIB",
        "#OUB",
        "#PSALDO",
        "#PBUDGET",
        "#VER",
        "#TRANS",
        "#RTRANS",
        "#BTRANS",
        "#KSUMMA",
        "#OKÄND",
        "{",
        "}",
        "",
    ]);
    let field = prop_oneof![
        prop::sample::select(vec![
            "0",
            "-1",
            "1",
            "3010",
            "1910",
            "99999",
            "2013",
            "20130101",
            "20131231",
            "20131301",
            "PC8",
            "4",
            "4E",
            "\"Förbundet\"",
            "\"\"",
            "\"a\\\"b\"",
            "\"",
            "{}",
            "{1 \"10\"}",
            "{1 \"10\" 6 \"a\"}",
            "{",
            "}",
            "T",
            "S",
            "K",
            "I",
            "29716.50",
            "-50970",
            "1e5",
            "1,5",
            "79228162514264337593543950335",
            "0.000000000000000000001",
            "A",
            "1",
            "x",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,8}",
    ];
    (label, prop::collection::vec(field, 0..7)).prop_map(|(label, fields)| {
        let mut line = label.to_owned();
        for f in fields {
            line.push(' ');
            line.push_str(&f);
        }
        line
    })
}

/// The fixtures' SIE files, edited at random.
fn edited_sie_file() -> impl Strategy<Value = String> {
    let dir = crate::common::repo().join("tests/fixtures/ledger");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "se"))
        // Latin-1 (PC8) files become text of the same bytes where they are not UTF-8.
        .map(|p| std::fs::read(p).unwrap().iter().map(|&b| b as char).collect::<String>())
        .collect();
    texts.sort();
    prop::sample::select(texts).prop_flat_map(edits_of)
}

fn sie_input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<Vec<u8>>(),
        any_text().prop_map(String::into_bytes),
        prop::collection::vec(sie_line(), 0..40).prop_map(|lines| (lines.join("\r\n") + "\r\n").into_bytes()),
        edited_sie_file().prop_map(|t| t.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()),
    ]
}

// ---------------------------------------------------------------- expressions

/// Parses the text at a place in a data file and evaluates it with `values`
/// as the figures; a mistake is at a place on that line of that file.
fn check_expression((text, quoted, values): &(String, bool, Vec<Option<Decimal>>)) -> Result<(), TestCaseError> {
    let at = Location::new("content/data/tal.yaml", 7, 12);
    let in_file = |loc: &Location| loc.file == at.file && loc.line == at.line && loc.column >= at.column;
    let parsed = match expr::parse(text, &at, *quoted) {
        Ok(parsed) => parsed,
        Err(e) => {
            prop_assert!(in_file(&e.loc) && !e.message.is_empty(), "{:?}", e);
            return Ok(());
        }
    };
    let mut next = values.iter().cycle();
    let mut value = |_: &expr::Ref| Ok(next.next().copied().flatten());
    if let Err(e) = parsed.eval(&mut value) {
        prop_assert!(in_file(&e.loc) && !e.message.is_empty(), "{:?}", e);
    }
    Ok(())
}

fn expression_input() -> impl Strategy<Value = (String, bool, Vec<Option<Decimal>>)> {
    let token = prop::sample::select(vec![
        "1",
        "0",
        "0,5",
        "2.25",
        "100",
        "99999999999999999999999999999",
        "0,0000000000000000000000000001",
        "-",
        "+",
        "*",
        "/",
        "×",
        "÷",
        "\u{2212}",
        "(",
        ")",
        "round(",
        "abs(",
        "min(",
        "max(",
        "floor(",
        ";",
        ",",
        " ",
        "rr.x",
        "rr.x[2013]",
        "x",
        "x[",
        "]",
        "br.",
        ".",
        "_",
        "1e5",
        "%",
        "\"",
        "\t",
    ]);
    let text = prop_oneof![
        3 => prop::collection::vec(token, 0..30).prop_map(|t| t.concat()),
        1 => any::<String>(),
    ];
    let value = prop_oneof![
        Just(None),
        Just(Some(Decimal::MAX)),
        Just(Some(Decimal::MIN)),
        Just(Some(Decimal::ZERO)),
        Just(Some(Decimal::new(1, 28))),
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Some(Decimal::new(m, s))),
    ];
    (text, any::<bool>(), prop::collection::vec(value, 1..6))
}

// ---------------------------------------------------------------- the short runs

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn markdown_reader_gives_a_chapter_or_located_errors(body in markdown_input()) {
        timed(body, |v: &String| check_markdown(v))?;
    }

    #[test]
    fn figures_reader_gives_figures_or_located_errors(text in figures_input()) {
        timed(text, |v: &String| check_figures(v))?;
    }

    #[test]
    fn template_expansion_gives_text_or_errors_in_the_chapter(body in template_input()) {
        timed(body, |v: &String| check_template(v))?;
    }

    #[test]
    fn sie_reader_gives_a_ledger_or_located_errors(bytes in sie_input()) {
        timed(bytes, |v: &Vec<u8>| check_sie(v))?;
    }

    #[test]
    fn expressions_give_a_value_or_an_error_at_their_place(input in expression_input()) {
        timed(input, check_expression)?;
    }
}

// ---------------------------------------------------------------- the long runs

#[test]
#[ignore = "long: FUZZ_SECONDS (default 300)"]
fn fuzz_markdown_reader() {
    fuzz_for_a_while("Markdown reader", markdown_input(), |v: &String| check_markdown(v));
}

#[test]
#[ignore = "long: FUZZ_SECONDS (default 300)"]
fn fuzz_figures_reader() {
    fuzz_for_a_while("YAML figures reader", figures_input(), |v: &String| check_figures(v));
}

#[test]
#[ignore = "long: FUZZ_SECONDS (default 300)"]
fn fuzz_template_expansion() {
    fuzz_for_a_while("template expansion", template_input(), |v: &String| check_template(v));
}

#[test]
#[ignore = "long: FUZZ_SECONDS (default 300)"]
fn fuzz_sie_reader() {
    fuzz_for_a_while("SIE reader", sie_input(), |v: &Vec<u8>| check_sie(v));
}

#[test]
#[ignore = "long: FUZZ_SECONDS (default 300)"]
fn fuzz_expression_evaluator() {
    fuzz_for_a_while("expression evaluator", expression_input(), check_expression);
}
