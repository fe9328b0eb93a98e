//! Computed lines (`formula:`), checks with `<`, `<=`, `>`, `>=`, the user's
//! own message and severity, and reconciliations that show their items.

use crate::common::*;

/// The figure cells of line `id` of table `table` on the site.
fn site_cells(html: &str, table: &str, id: &str) -> Vec<String> {
    let start = html.find(&format!("<tr id=\"{table}-{id}\"")).unwrap_or_else(|| panic!("no line {table}-{id}"));
    let end = start + html[start..].find("</tr>").unwrap();
    html[start..end]
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap().replace(['\u{a0}', '\u{202f}'], " ").replace("&nbsp;", " "))
        .collect()
}

const BALANCE: &str = "defaults:\n  columns: [\"2013\", \"2012\"]\ntables:\n  - id: br\n    title: Balansräkning\n    input_unit: kr\n    rows:\n      - {id: eget_kapital, label: Eget kapital, values: [3 970 000, 3 000 000]}\n      - {id: skulder, label: Skulder, values: [6 030 000, 3 000 000]}\n      - {id: summa, label: Summa tillgångar, sum: [eget_kapital, skulder]}\n";

/// Soliditet computed from the balance sheet in another table, shown with
/// one decimal in both outputs. Failed with every formula column taken from
/// the first column (the 2012 figure then read 39,7).
#[test]
fn a_formula_line_is_computed_from_other_tables_and_shown_in_both_outputs() {
    let figures = format!(
        "{BALANCE}  - id: nyckeltal\n    title: Nyckeltal\n    unit: antal\n    decimals: 1\n    rows:\n      - {{id: soliditet, label: Soliditet procent, formula: \"br.eget_kapital / br.summa * 100\"}}\n"
    );
    let dir = with_figures(&figures, &["br", "nyckeltal"]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("output/html/01-tal.html")).unwrap();
    assert_eq!(site_cells(&html, "nyckeltal", "soliditet"), ["39,7", "50,0"]);
    let pdf = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert!(pdf.contains("Soliditet procent 39,7 50,0"), "{pdf}");
}

/// A budget in deficit fails the build with the user's message at the
/// check's line; a surplus passes; `severity: warning` only warns. Failed
/// with `>=` compared as `=` (the surplus then failed too).
#[test]
fn an_inequality_check_fails_with_the_users_message() {
    let figures = |result: &str, severity: &str| {
        format!(
            "tables:\n  - id: rb\n    title: Resultatbudget\n    columns: [{{id: budget, label: Budget 2014}}]\n    rows:\n      - {{id: arets_resultat, label: Årets resultat, values: [{result}]}}\nchecks:\n  - check: rb.arets_resultat[budget] >= 0\n    message: Budgeten ska vara i balans\n{severity}"
        )
    };
    let (code, stderr) = check(with_figures(&figures("-20", ""), &["rb"]).path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: Budgeten ska vara i balans: `rb.arets_resultat[budget] >= 0` does not hold: the left side is −20, the right side 0\n  --> content/data/tal.yaml:8:12"
        ),
        "{stderr}"
    );
    let (code, stderr) = check(with_figures(&figures("20", ""), &["rb"]).path());
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    let (code, stderr) = check(with_figures(&figures("-20", "    severity: warning\n"), &["rb"]).path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("warning: Budgeten ska vara i balans"), "{stderr}");
}

/// A reconciliation that fails names each of its items with its figure.
/// Failed with the items left out of the message.
#[test]
fn a_failing_reconciliation_shows_each_item() {
    let figures = format!(
        "{BALANCE}  - id: drift\n    title: Drift\n    rows:\n      - {{id: summa, label: Summa, values: [-110, -90]}}\n  - id: avst\n    title: Avstämning\n    rows:\n      - {{id: netto, label: Netto, values: [-100, -90]}}\n      - {{id: kapital, label: Kapitalkostnader, values: [-5, -5]}}\n      - {{id: interna, label: Interna, values: [15, -5]}}\nchecks:\n  - drift.summa = avst.netto + avst.kapital - avst.interna\n"
    );
    let (code, stderr) = check(with_figures(&figures, &["br", "drift", "avst"]).path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("does not hold for 2013: the left side is −110, the right side −120 (drift.summa −110, avst.netto −100, avst.kapital −5, avst.interna 15)"),
        "{stderr}"
    );
    assert!(!stderr.contains("for 2012"), "2012 reconciles: {stderr}");
}

/// A consolidated statement whose lines are `sum:` of three unit tables,
/// one typed in kr, shows their true total in both outputs. Failed on the
/// code before, which refused a `sum:` term naming another table.
#[test]
fn a_consolidated_line_is_the_sum_of_its_units_lines() {
    let figures = "defaults:\n  columns: [\"2013\", \"2012\"]\ntables:\n  - id: kansli\n    title: Kansli\n    rows:\n      - {id: personal, label: Personal, values: [-1 200, -1 100]}\n  - id: navet\n    title: Navet\n    input_unit: kr\n    rows:\n      - {id: personal, label: Personal, values: [-2 300 000, -2 000 000]}\n  - id: mc\n    title: Medarbetarcentrum\n    rows:\n      - {id: personal, label: Personal, values: [-400, -350]}\n  - id: koncern\n    title: Sammanställd redovisning\n    rows:\n      - {id: personal, label: Personalkostnader koncern, sum: [kansli.personal, navet.personal, mc.personal]}\n";
    let dir = with_figures(figures, &["koncern"]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("output/html/01-tal.html")).unwrap();
    assert_eq!(site_cells(&html, "koncern", "personal"), ["−3 900", "−3 450"]);
    let pdf = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert!(pdf.contains("Personalkostnader koncern −3 900 −3 450"), "{pdf}");
}
