//! Figures tables fed from a SIE file: lines with `accounts:` summed from the
//! ledger in the statements' signs, columns bound to the file's years, rounded
//! once into tkr, and every account mapped exactly once.

use arsrapport::data::DataFiles;
use arsrapport::figures::Figures;
use arsrapport::figures::view::TableLabels;

use crate::common::{check, with_figures, write_file};

/// A small kommun's ledger, two years. Year 0 (2024): intäkter 1 334 600,
/// kostnader 900 400, avskrivningar 200 400, årets resultat 233 800 kr; year
/// −1 (2023): 1 050 000, 800 000, 150 000 and 100 000 kr. Year −1 is closed
/// (its result booked on 2099, so its #UB sum to zero and year 0 opens with
/// them); year 0 is not. Names are ASCII so the file is the same bytes in code
/// page 437.
pub const SIE: &str = "#FLAGGA 0
#PROGRAM \"Testprogram\" 1.0
#FORMAT PC8
#SIETYP 4
#FNAMN \"Exempelby kommun\"
#RAR 0 20240101 20241231
#RAR -1 20230101 20231231
#KONTO 1110 \"Byggnader\"
#KONTO 1930 \"Bank\"
#KONTO 2010 \"Eget kapital\"
#KONTO 2099 \"Arets resultat\"
#KONTO 2440 \"Leverantorsskulder\"
#KONTO 3010 \"Taxor och avgifter\"
#KONTO 3510 \"Hyror\"
#KONTO 5010 \"Loner\"
#KONTO 7810 \"Avskrivningar\"
#IB 0 1110 5200400.00
#UB 0 1110 5000000.00
#IB 0 1930 700000.00
#UB 0 1930 1234000.00
#IB 0 2010 -4000000.00
#UB 0 2010 -4000000.00
#IB 0 2099 -100000.00
#UB 0 2099 -100000.00
#IB 0 2440 -1800400.00
#UB 0 2440 -1900200.00
#UB -1 1110 5200400.00
#UB -1 1930 700000.00
#UB -1 2010 -4000000.00
#UB -1 2099 -100000.00
#UB -1 2440 -1800400.00
#RES 0 3010 -1234600.00
#RES 0 3510 -100000.00
#RES 0 5010 900400.00
#RES 0 7810 200400.00
#RES -1 3010 -1000000.00
#RES -1 3510 -50000.00
#RES -1 5010 800000.00
#RES -1 7810 150000.00
";

/// A resultaträkning and a balansräkning summed from `content/ledger/bokslut-2024.se`.
pub const FIGURES: &str = "defaults:
  unit: tkr
  columns: [\"2024\", \"2023\"]
tables:
  - id: rr
    title: Resultaträkning
    input_unit: kr
    ledger: content/ledger/bokslut-2024.se
    rows:
      - {id: intakter, label: Verksamhetens intäkter, accounts: \"30-36\"}
      - {id: kostnader, label: Verksamhetens kostnader, accounts: \"40-77\"}
      - {id: avskrivningar, label: Avskrivningar, accounts: \"78\"}
      - {id: arets_resultat, label: Årets resultat, sum: all}
  - id: br
    title: Balansräkning
    input_unit: kr
    ledger: {file: content/ledger/bokslut-2024.se, columns: {\"2024\": 0, \"2023\": -1}}
    rows:
      - {id: materiella, label: Materiella anläggningstillgångar, accounts: \"11-12\"}
      - {id: kassa, label: Kassa och bank, accounts: \"19\"}
      - {id: summa_tillgangar, label: Summa tillgångar, sum: [materiella, kassa]}
      - {id: eget_kapital, label: Eget kapital, accounts: \"20\"}
      - {id: skulder, label: Kortfristiga skulder, accounts: \"24-29\"}
      - {id: summa_ek_skulder, label: Summa eget kapital och skulder, sum: [eget_kapital, skulder]}
checks:
  - br.summa_tillgangar[2024] = br.summa_ek_skulder[2024] + rr.arets_resultat[2024]
  - br.summa_tillgangar[2023] = br.summa_ek_skulder[2023]
";

fn project(figures: &str, sie: &str) -> tempfile::TempDir {
    let dir = with_figures(figures, &["rr", "br"]);
    write_file(dir.path(), "content/ledger/bokslut-2024.se", sie);
    dir
}

fn load(dir: &std::path::Path) -> Result<Figures, String> {
    let data = DataFiles::load(dir).map_err(|d| d.to_string())?;
    let labels = TableLabels { amounts_in: "belopp i", rounding: "Avrundningsdifferens" };
    Figures::load(&data, &labels).map(|(f, _)| f).map_err(|d| d.to_string())
}

/// The figure of `table.line[column]` as shown (tkr), from the chapters' view.
fn shown(figures: &Figures, table: &str, line: &str, column: &str) -> String {
    let c = &figures.computed;
    let t = c.index[table];
    let r = c.tables[t].row_index(line).unwrap();
    let k = c.tables[t].column_index(column).unwrap();
    c.lines[t][r][k].map_or(String::new(), |v| arsrapport::figures::view::shown(&c.tables[t], r, v).to_string())
}

/// Intäkter credit-positive, kostnader negative, tillgångar +UB, eget kapital
/// and skulder −UB, each column from its own SIE year. Fails when the signs are
/// taken as the ledger states them (intäkter came out −1 335) or when the
/// columns are bound to the wrong #RAR year.
#[test]
fn statements_are_summed_from_the_ledger_in_their_signs() {
    let dir = project(FIGURES, SIE);
    let f = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let rr = [("intakter", "1335", "1050"), ("kostnader", "-900", "-800"), ("avskrivningar", "-200", "-150")];
    for (line, now, before) in rr {
        assert_eq!(shown(&f, "rr", line, "2024"), now, "rr.{line}");
        assert_eq!(shown(&f, "rr", line, "2023"), before, "rr.{line}");
    }
    assert_eq!(shown(&f, "rr", "arets_resultat", "2024"), "234");
    assert_eq!(shown(&f, "rr", "arets_resultat", "2023"), "100");
    let br = [("materiella", "5000", "5200"), ("kassa", "1234", "700"), ("eget_kapital", "4100", "4100")];
    for (line, now, before) in br {
        assert_eq!(shown(&f, "br", line, "2024"), now, "br.{line}");
        assert_eq!(shown(&f, "br", line, "2023"), before, "br.{line}");
    }
    assert_eq!(shown(&f, "br", "skulder", "2024"), "1900");
    assert_eq!(shown(&f, "br", "skulder", "2023"), "1800");
}

/// Kronor are rounded once into tkr, and where the rounded lines miss the
/// rounded total the table says so in its rounding line: 1 335 − 900 − 200 is
/// 235, the result 233 800 kr is 234 tkr. Fails when the ledger's kronor are
/// rounded per account or put in as tkr.
#[test]
fn kronor_round_once_into_tkr_with_the_rounding_line() {
    let dir = project(FIGURES, SIE);
    let f = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let rr = &f.views["rr"];
    let rounding: Vec<&Vec<String>> =
        rr.rows.iter().filter(|r| r.label == "Avrundningsdifferens").map(|r| &r.cells).collect();
    assert_eq!(rounding, [&vec!["\u{2212}1".to_owned(), String::new()]], "{:?}", rr.rows);
}

/// A figure typed in a claim (in the typed unit, kr) and a check across tables hold on ledger-fed lines,
/// and a wrong claim is still an error. Fails when ledger lines are left out of
/// claims (the wrong claim passed).
#[test]
fn claims_and_checks_work_on_ledger_lines() {
    let good = FIGURES.replace("accounts: \"30-36\"}", "accounts: \"30-36\", claimed: [1 334 600, 1 050 000]}");
    let dir = project(&good, SIE);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");

    let wrong = FIGURES.replace("accounts: \"30-36\"}", "accounts: \"30-36\", claimed: [1 334 601, 1 050 000]}");
    let dir = project(&wrong, SIE);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("content/data/tal.yaml:10:"), "{stderr}");
    assert!(
        stderr.replace('\u{a0}', " ").contains("1 334 601 is written here, but the line's figures is 1 334 600,00"),
        "{stderr}"
    );
}

/// `sign: negative` still turns a ledger line. Fails when `sign` is refused on
/// `accounts:` lines or ignored.
#[test]
fn sign_turns_a_ledger_line() {
    let turned = FIGURES.replace(
        "{id: kostnader, label: Verksamhetens kostnader, accounts: \"40-77\"}",
        "{id: kostnader, label: Verksamhetens kostnader, accounts: \"40-77\", sign: negative}",
    );
    let turned = turned.replace("sum: all}", "sum: [intakter, -kostnader, avskrivningar]}");
    let dir = project(&turned, SIE);
    let f = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shown(&f, "rr", "kostnader", "2024"), "900");
    assert_eq!(shown(&f, "rr", "arets_resultat", "2024"), "234");
}

/// An account of a mapped class that lands in no line, and one that lands in
/// two, stop the check with the account's number, #KONTO name, balance and its
/// line in the SIE file, both at once. Fails when `check_ledger` is not run for
/// ledger tables (the build went through, 3510 silently left out).
#[test]
fn an_unmapped_or_doubly_mapped_account_is_named() {
    let broken = FIGURES.replace("accounts: \"30-36\"}", "accounts: \"30-34\"}").replace("\"78\"", "\"50, 78\"");
    let dir = project(&broken, SIE);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the account 3510 (Hyror, balance \u{2212}100 000,00 in 2024) lands in no line of `rr`")
            && stderr.contains("--> content/ledger/bokslut-2024.se:14:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "the account 5010 (Loner, balance 900 400,00 in 2024) lands in more than one line of `rr`: kostnader, avskrivningar"
        ) && stderr.contains("--> content/ledger/bokslut-2024.se:15:1"),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors found"), "{stderr}");
}

/// Wrong bindings are located errors: a column with no year of the file, a
/// missing ledger file, `accounts:` in a table without a ledger.
#[test]
fn bad_bindings_are_located_errors() {
    let no_year = FIGURES.replace("columns: {\"2024\": 0, \"2023\": -1}", "columns: {\"2024\": 0, \"2023\": -2}");
    let dir = project(&no_year, SIE);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the ledger `content/ledger/bokslut-2024.se` has no year -2"), "{stderr}");
    assert!(stderr.contains("content/data/tal.yaml:17:"), "{stderr}");

    let dir = with_figures(FIGURES, &["rr", "br"]);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("there is no ledger file `content/ledger/bokslut-2024.se`"), "{stderr}");
    assert!(stderr.contains("content/data/tal.yaml:8:13"), "{stderr}");

    let outside = FIGURES.replace("ledger: content/ledger/bokslut-2024.se", "ledger: ../bokslut.se");
    let dir = project(&outside, SIE);
    let (_, stderr) = check(dir.path());
    assert!(stderr.contains("the ledger file `../bokslut.se` lies outside the project"), "{stderr}");

    let no_ledger = FIGURES.replace("    ledger: content/ledger/bokslut-2024.se\n", "");
    let dir = project(&no_ledger, SIE);
    let (_, stderr) = check(dir.path());
    assert!(stderr.contains("this line sums accounts, but its table names no ledger file"), "{stderr}");
    assert!(stderr.contains("content/data/tal.yaml:9:"), "{stderr}");
}

/// Per nämnd, a budget from #PBUDGET, a typed column and internal accounts.
const DRIFT_SIE: &str = "#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#FNAMN \"Exempelby kommun\"
#RAR 0 20240101 20241231
#DIM 1 \"Ansvar\"
#OBJEKT 1 \"10\" \"Kommunstyrelsen\"
#OBJEKT 1 \"20\" \"Socialnamnden\"
#KONTO 1930 \"Bank\"
#KONTO 3010 \"Taxor\"
#KONTO 3590 \"Interna intakter\"
#KONTO 4590 \"Interna kostnader\"
#KONTO 5010 \"Loner\"
#PBUDGET 0 202401 5010 {1 \"10\"} 1000
#PBUDGET 0 202402 5010 {1 \"10\"} 500
#PBUDGET 0 202401 5010 {1 \"20\"} 3000
#PBUDGET 0 202401 3010 {1 \"20\"} -200
#VER A 1 20240115 \"Utfall\"
{
#TRANS 5010 {1 \"10\"} 1200
#TRANS 5010 {1 \"20\"} 2800
#TRANS 3010 {1 \"20\"} -300
#TRANS 1930 {} -3700
}
#VER A 2 20240120 \"Intern tjanst\"
{
#TRANS 4590 {1 \"10\"} 100
#TRANS 3590 {1 \"20\"} -100
}
";

const DRIFT: &str = "defaults:
  unit: kr
tables:
  - id: drift
    title: Driftredovisning per nämnd
    columns: [budget, plan, utfall]
    ledger: {file: content/ledger/drift.se, columns: {budget: budget, utfall: 0}, internal: \"3590, 4590\"}
    rows:
      - {id: ks, label: Kommunstyrelsen, accounts: \"3-7\", objects: {dim: 1, ids: \"10\"}, values: {plan: -1 600}}
      - {id: soc, label: Socialnämnden, accounts: \"3-7\", objects: {dim: 1, ids: \"20\"}}
      - {id: summa, label: Summa, sum: all}
  - id: rr
    title: Resultaträkning
    columns: [\"2024\"]
    ledger: {file: content/ledger/drift.se, internal: \"3590, 4590\"}
    rows:
      - {id: intakter, label: Verksamhetens intäkter, accounts: \"30-36\"}
      - {id: kostnader, label: Verksamhetens kostnader, accounts: \"40-79\"}
  - id: interna
    title: Interna poster
    columns: [\"2024\"]
    ledger: {file: content/ledger/drift.se, complete: false}
    rows:
      - {id: intakter, label: Interna intäkter, accounts: \"3590\"}
      - {id: kostnader, label: Interna kostnader, accounts: \"4590\"}
";

fn value(figures: &Figures, table: &str, line: &str, column: &str) -> Option<rust_decimal::Decimal> {
    let c = &figures.computed;
    let t = c.index[table];
    c.lines[t][c.tables[t].row_index(line).unwrap()][c.tables[t].column_index(column).unwrap()]
}

fn dec(text: &str) -> Option<rust_decimal::Decimal> {
    Some(text.parse().unwrap())
}

/// A driftredovisning sums each nämnd's object, its budget column from
/// #PBUDGET and a typed column beside them; internal accounts are left out of
/// the statements and shown in their own table. Fails when objects are ignored
/// (each nämnd got the whole 3 900), when #PBUDGET is read without its objects,
/// or when `internal:` is not honoured (intäkter 400, kostnader −4 100).
#[test]
fn drift_per_namnd_with_budget_and_internal_items() {
    let dir = with_figures(DRIFT, &["drift", "rr", "interna"]);
    write_file(dir.path(), "content/ledger/drift.se", DRIFT_SIE);
    let f = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let expected = [
        ("drift", "ks", "budget", "-1500"),
        ("drift", "ks", "plan", "-1600"),
        ("drift", "ks", "utfall", "-1200"),
        ("drift", "soc", "budget", "-2800"),
        ("drift", "soc", "utfall", "-2500"),
        ("drift", "summa", "utfall", "-3700"),
        ("rr", "intakter", "2024", "300"),
        ("rr", "kostnader", "2024", "-4000"),
        ("interna", "intakter", "2024", "100"),
        ("interna", "kostnader", "2024", "-100"),
    ];
    for (table, line, column, amount) in expected {
        assert_eq!(value(&f, table, line, column), dec(amount), "{table}.{line}[{column}]");
    }
    assert_eq!(value(&f, "drift", "soc", "plan"), None);
}

/// An object that carries an amount but lands in no line, and an object named
/// in two lines, are located errors; so is an amount on the accounts with no
/// object. Fails when `check_objects` is not run.
#[test]
fn every_object_lands_in_exactly_one_line() {
    let missing = DRIFT
        .replace("      - {id: soc, label: Socialnämnden, accounts: \"3-7\", objects: {dim: 1, ids: \"20\"}}\n", "");
    let dir = with_figures(&missing, &["drift", "rr", "interna"]);
    write_file(dir.path(), "content/ledger/drift.se", DRIFT_SIE);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "the object 20 (Socialnamnden) of dimension 1 carries 2 500,00 on the accounts of `drift` but lands in no line of it"
        ),
        "{stderr}"
    );
    let twice = DRIFT.replace("ids: \"20\"", "ids: \"20, 10\"");
    let dir = with_figures(&twice, &["drift", "rr", "interna"]);
    write_file(dir.path(), "content/ledger/drift.se", DRIFT_SIE);
    let (_, stderr) = check(dir.path());
    assert!(
        stderr
            .contains("the object 10 (Kommunstyrelsen) of dimension 1 lands in more than one line of `drift`: ks, soc"),
        "{stderr}"
    );
    let untagged = DRIFT_SIE.replace("#TRANS 5010 {1 \"20\"} 2800", "#TRANS 5010 {} 2800");
    let dir = with_figures(DRIFT, &["drift", "rr", "interna"]);
    write_file(dir.path(), "content/ledger/drift.se", untagged);
    let (_, stderr) = check(dir.path());
    assert!(stderr.contains("2 800,00 on the accounts of `drift` carries no object of dimension 1"), "{stderr}");
    assert!(stderr.contains("--> content/data/tal.yaml:7:20"), "{stderr}");
}

/// The generated kommun (tests/bench/generate_sie.py) summed per nämnd gives
/// the generator's known answer: each nämnd's nettokostnad is minus the sum of
/// its rows on classes 3–7. Fails when rows are summed by account only.
#[test]
fn the_generated_kommun_per_namnd_gives_its_known_answer() {
    let dir = tempfile::tempdir().unwrap();
    let answer_file = dir.path().join("answer.json");
    let sie = dir.path().join("content/ledger/kommun.se");
    std::fs::create_dir_all(sie.parent().unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .arg(crate::common::repo().join("tests/bench/generate_sie.py"))
        .args(["3000".as_ref(), sie.as_os_str(), "--answer".as_ref(), answer_file.as_os_str()])
        .output()
        .expect("python3 runs the SIE generator");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&answer_file).unwrap()).unwrap();
    let namnder = ["100", "200", "300", "400", "500", "600"];
    let mut rows = String::new();
    for n in namnder {
        rows.push_str(&format!(
            "      - {{id: n{n}, label: Nämnd {n}, accounts: \"3-7\", objects: {{dim: 1, ids: \"{n}\"}}}}\n"
        ));
    }
    let figures = format!(
        "tables:\n  - id: drift\n    title: Drift\n    unit: kr\n    columns: [\"2024\"]\n    ledger: content/ledger/kommun.se\n    rows:\n{rows}"
    );
    let project = with_figures(&figures, &["drift"]);
    crate::common::copy_dir(dir.path().join("content").as_path(), &project.path().join("content"));
    let f = load(project.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut expected: std::collections::HashMap<&str, rust_decimal::Decimal> = Default::default();
    for (key, sum) in answer["by_namnd"].as_object().unwrap() {
        let (account, namnd) = key.split_once(' ').unwrap();
        if ('3'..='7').contains(&account.chars().next().unwrap()) {
            *expected.entry(namnder.iter().find(|n| **n == namnd).unwrap()).or_default() -=
                sum.as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        }
    }
    for n in namnder {
        assert_eq!(value(&f, "drift", &format!("n{n}"), "2024"), Some(expected[n]), "nämnd {n}");
    }
}

/// The months of a period: result accounts summed over them, the balance at
/// the period's end IB plus its rows; the same months given as #PSALDO give
/// the same resultaträkning. Fails when a period column takes the whole year.
#[test]
fn a_period_sums_its_months_from_rows_or_from_psaldo() {
    let postings = [(1, "3010", "-100.00"), (3, "5010", "40.50"), (4, "3010", "-20.00"), (9, "5010", "1000.00")];
    let head = "#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#KONTO 1930 Bank\n#KONTO 3010 Taxor\n#KONTO 5010 Loner\n#KONTO 2010 Kapital\n#IB 0 1930 500.00\n#IB 0 2010 -500.00\n";
    let mut from_rows = head.to_owned();
    let mut from_psaldo = head.to_owned();
    for (i, (month, account, amount)) in postings.iter().enumerate() {
        let bank = -amount.parse::<rust_decimal::Decimal>().unwrap();
        from_rows.push_str(&format!(
            "#VER A {n} 2024{month:02}10 \"v\"\n{{\n#TRANS {account} {{}} {amount}\n#TRANS 1930 {{}} {bank}\n}}\n",
            n = i + 1
        ));
        from_psaldo.push_str(&format!("#PSALDO 0 2024{month:02} {account} {{}} {amount}\n"));
    }
    let figures = "defaults:\n  unit: kr\n  columns: [jan_apr]\ntables:\n  - id: rr\n    title: RR\n    ledger: {file: content/ledger/p.se, columns: {jan_apr: \"2024-01..2024-04\"}}\n    rows:\n      - {id: intakter, label: Intäkter, accounts: \"3\"}\n      - {id: kostnader, label: Kostnader, accounts: \"4-7\"}\n  - id: br\n    title: BR\n    ledger: {file: content/ledger/p.se, columns: {jan_apr: \"2024-01..2024-04\"}}\n    rows:\n      - {id: kassa, label: Kassa, accounts: \"19\"}\n";
    let mut results = Vec::new();
    for sie in [&from_rows, &from_psaldo] {
        let dir = with_figures(figures, &["rr", "br"]);
        write_file(dir.path(), "content/ledger/p.se", sie);
        let f = load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        results.push([value(&f, "rr", "intakter", "jan_apr"), value(&f, "rr", "kostnader", "jan_apr")]);
        if sie == &from_rows {
            assert_eq!(value(&f, "br", "kassa", "jan_apr"), dec("579.50"));
        }
    }
    assert_eq!(results[0], [dec("120.00"), dec("-40.50")]);
    assert_eq!(results[0], results[1]);
}

/// Without `ledger: {columns: …}`, a year-named column of an interim
/// document (report.yaml's `period`) covers the document's months of that
/// year; of an årsredovisning, the whole year. Fails when the column ignores
/// the document's period.
#[test]
fn year_columns_bind_to_the_document_period_by_default() {
    let sie = "#FLAGGA 0\n#SIETYP 4\n#RAR 0 20130101 20131231\n#KONTO 1930 Bank\n#KONTO 3010 Taxor\n#KONTO 2010 Kapital\n\
#IB 0 1930 500.00\n#IB 0 2010 -500.00\n\
#VER A 1 20130210 \"v\"\n{\n#TRANS 3010 {} -100.00\n#TRANS 1930 {} 100.00\n}\n\
#VER A 2 20130910 \"v\"\n{\n#TRANS 3010 {} -1000.00\n#TRANS 1930 {} 1000.00\n}\n";
    let figures = "defaults:\n  unit: kr\n  columns: [\"2013\"]\ntables:\n  - id: rr\n    title: RR\n    ledger: content/ledger/p.se\n    rows:\n      - {id: intakter, label: Intäkter, accounts: \"3\"}\n  - id: br\n    title: BR\n    ledger: content/ledger/p.se\n    rows:\n      - {id: kassa, label: Kassa, accounts: \"19\"}\n";
    let dir = with_figures(figures, &["rr", "br"]);
    write_file(dir.path(), "content/ledger/p.se", sie);
    let mut data = DataFiles::load(dir.path()).unwrap();
    let labels = TableLabels { amounts_in: "belopp i", rounding: "Avrundningsdifferens" };
    let whole = Figures::load(&data, &labels).unwrap().0;
    assert_eq!(value(&whole, "rr", "intakter", "2013"), dec("1100.00"));
    assert_eq!(value(&whole, "br", "kassa", "2013"), dec("1600.00"));

    data.period = Some(arsrapport::ledger::tables::ReportPeriod { first_month: 1, last_month: 4 });
    let interim = Figures::load(&data, &labels).unwrap().0;
    assert_eq!(value(&interim, "rr", "intakter", "2013"), dec("100.00"));
    assert_eq!(value(&interim, "br", "kassa", "2013"), dec("600.00"));

    // The same from report.yaml, through `check`: the figure printed for the
    // tertial is the period's, not the year's.
    let claimed = figures.replace("accounts: \"3\"}", "accounts: \"3\", claimed: [100]}");
    write_file(dir.path(), "content/data/tal.yaml", &claimed);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "the årsredovisning sums the whole year: {stderr}");
    assert!(stderr.contains("but the line's figures is 1"), "{stderr}");
    let report = std::fs::read_to_string(dir.path().join("content/report.yaml")).unwrap();
    let report = report.replace("kind: arsredovisning", "kind: tertialrapport");
    write_file(dir.path(), "content/report.yaml", format!("{report}period: {{from: 2013-01-01, to: 2013-04-30}}\n"));
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
}

/// Generates the synthetic kommun's SIE file (tests/bench/generate_sie.py)
/// into `dir`/content/ledger/`name`, with its known answer beside it.
fn generated_kommun(dir: &std::path::Path, name: &str) -> serde_json::Value {
    let answer_file = dir.join("answer.json");
    let sie = dir.join("content/ledger").join(name);
    std::fs::create_dir_all(sie.parent().unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .arg(crate::common::repo().join("tests/bench/generate_sie.py"))
        .args(["3000".as_ref(), sie.as_os_str(), "--answer".as_ref(), answer_file.as_os_str()])
        .output()
        .expect("python3 runs the SIE generator");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(&std::fs::read_to_string(&answer_file).unwrap()).unwrap()
}

/// The shipped Kommun-Bas mapping: every line it fills from accounts is a
/// standard line of its role in the law's registry, each class 1–8 account of
/// the generated kommun lands in exactly one of its lines, and the statements
/// it sums balance. Fails when a line id is not standard, a group is left out
/// or mapped twice.
#[test]
fn the_default_kommun_bas_mapping_targets_standard_lines_and_covers_each_account_once() {
    use arsrapport::law::roles::Role;
    use arsrapport::ledger::mapping::AccountRanges;

    let mapping = arsrapport::ledger::KOMMUN_BAS_MAPPING;
    let node = arsrapport::yaml::parse(mapping, "rakenskaper.yaml").unwrap();
    let mut lines = Vec::new();
    for table in node.get("tables").and_then(|t| t.as_seq()).unwrap() {
        let role = Role::parse(table.get("role").and_then(|r| r.as_str()).unwrap()).unwrap();
        assert!(matches!(role, Role::Resultatrakning | Role::Balansrakning));
        for row in table.get("rows").and_then(|r| r.as_seq()).unwrap() {
            let id = row.get("id").and_then(|i| i.as_str()).unwrap();
            // The balance sheet's one helper line: eget kapital before the year's result.
            if id != "eget_kapital_konton" {
                assert!(role.standard_line(id).is_some(), "{id} is no standard line of {}", role.name());
            }
            if let Some(accounts) = row.get("accounts").and_then(|a| a.as_str()) {
                let except = row.get("except").and_then(|e| e.as_str()).unwrap_or_default();
                lines.push((id.to_owned(), AccountRanges::parse(accounts, except).unwrap()));
            }
        }
    }
    for required in [
        "verksamhetens_intakter",
        "verksamhetens_kostnader",
        "avskrivningar",
        "skatteintakter",
        "generella_statsbidrag_och_utjamning",
        "finansiella_intakter",
        "finansiella_kostnader",
        "immateriella_anlaggningstillgangar",
        "materiella_anlaggningstillgangar",
        "finansiella_anlaggningstillgangar",
        "forrad",
        "fordringar",
        "kortfristiga_placeringar",
        "kassa_och_bank",
        "eget_kapital_konton",
        "summa_avsattningar",
        "langfristiga_skulder",
        "kortfristiga_skulder",
    ] {
        assert!(lines.iter().any(|(id, _)| id == required), "{required} has no accounts");
    }

    let dir = tempfile::tempdir().unwrap();
    generated_kommun(dir.path(), "bokslut.se");
    let sie = std::fs::read(dir.path().join("content/ledger/bokslut.se")).unwrap();
    let (ledger, _) = arsrapport::ledger::sie::read(sie.as_slice(), "bokslut.se").unwrap();
    let classes_1_to_8: Vec<&String> =
        ledger.accounts.keys().filter(|a| ('1'..='8').contains(&a.chars().next().unwrap())).collect();
    assert!(classes_1_to_8.len() >= 20, "{classes_1_to_8:?}");
    for account in classes_1_to_8 {
        let landing: Vec<&str> = lines.iter().filter(|(_, r)| r.covers(account)).map(|(id, _)| id.as_str()).collect();
        assert_eq!(landing.len(), 1, "account {account} lands in {landing:?}");
    }

    let project = with_figures(mapping, &["rr", "br"]);
    crate::common::copy_dir(dir.path().join("content").as_path(), &project.path().join("content"));
    let f = load(project.path()).unwrap_or_else(|e| panic!("{e}"));
    for year in ["2024", "2023"] {
        assert_eq!(
            value(&f, "br", "summa_tillgangar", year),
            value(&f, "br", "summa_eget_kapital_avsattningar_och_skulder", year),
            "{year}"
        );
    }
    assert_ne!(value(&f, "rr", "arets_resultat", "2024"), Some(rust_decimal::Decimal::ZERO));
}
