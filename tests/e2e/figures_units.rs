//! Lines in units of their own (`unit:`, `decimals:` per line), the caption
//! that names a unit only when every line is in it, and the warning for
//! figures typed finer than they are shown.

use crate::common::*;

/// The text of line `id` of table `table` on the site, tags removed.
fn site_row(html: &str, table: &str, id: &str) -> String {
    let start = html.find(&format!("<tr id=\"{table}-{id}\"")).unwrap_or_else(|| panic!("no line {table}-{id}"));
    let end = start + html[start..].find("</tr>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for ch in html[start..end].chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(ch),
            _ => {}
        }
    }
    text.replace(['\u{a0}', '\u{202f}'], " ").replace("&nbsp;", " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

const OVERVIEW: &str = "defaults:\n  columns: [\"2013\", \"2012\"]\ntables:\n  - id: br\n    title: Balansräkning\n    rows:\n      - {id: eget_kapital, label: Eget kapital, values: [3 970, 3 000]}\n      - {id: skulder, label: Skulder, values: [6 030, 3 000]}\n      - {id: summa, label: Summa tillgångar, sum: [eget_kapital, skulder]}\n  - id: oversikt\n    title: Femårsöversikt\n    rows:\n      - {id: invanare, label: Invånare, unit: antal, values: [15 234, 15 101]}\n      - {id: skattesats, label: Skattesats, unit: procent, decimals: 2, values: [\"21,35\", \"21,10\"]}\n      - {id: nettokostnad, label: Nettokostnad, unit: mnkr, decimals: 1, values: [\"812,4\", \"790,0\"]}\n      - {id: soliditet, label: Soliditet, unit: procent, decimals: 1, formula: \"br.eget_kapital / br.summa * 100\"}\n      - {id: besok, label: Besök, unit: besök per dag, values: [140, 120]}\n";

/// Each line of a five-year overview is shown in its own unit and decimals,
/// the unit after its label, the same in both outputs, and the caption names
/// no unit; the all-tkr balance sheet still says "belopp i tkr". Failed with
/// `Table::row_decimals` returning the table's decimals (21,35 then read 21).
#[test]
fn each_line_is_shown_in_its_own_unit_in_both_outputs() {
    let dir = with_figures(OVERVIEW, &["br", "oversikt"]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr, "");
    let html = std::fs::read_to_string(dir.path().join("output/html/01-tal.html")).unwrap();
    assert_eq!(site_row(&html, "oversikt", "invanare"), "Invånare, antal 15 234 15 101");
    assert_eq!(site_row(&html, "oversikt", "skattesats"), "Skattesats, procent 21,35 21,10");
    assert_eq!(site_row(&html, "oversikt", "nettokostnad"), "Nettokostnad, mnkr 812,4 790,0");
    assert_eq!(site_row(&html, "oversikt", "soliditet"), "Soliditet, procent 39,7 50,0");
    assert_eq!(site_row(&html, "oversikt", "besok"), "Besök, besök per dag 140 120");
    assert!(html.contains("Balansräkning (belopp i tkr)"), "{html}");
    assert!(!html.contains("Femårsöversikt (belopp i"), "{html}");
    let pdf = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    for line in [
        "Invånare, antal 15 234 15 101",
        "Skattesats, procent 21,35 21,10",
        "Nettokostnad, mnkr 812,4 790,0",
        "Soliditet, procent 39,7 50,0",
        "Besök, besök per dag 140 120",
        "Balansräkning (belopp i tkr)",
    ] {
        assert!(pdf.contains(line), "{line} missing in {pdf}");
    }
    assert!(!pdf.contains("Femårsöversikt (belopp i"), "{pdf}");
}

/// A figure typed with more decimals than its line shows is a warning at
/// the figure, naming what is shown. Failed with `Table::row_decimals`
/// returning the table's decimals (the warning then said "shown with 0").
#[test]
fn a_figure_typed_finer_than_shown_is_a_warning_at_its_line() {
    let figures = OVERVIEW.replace("values: [\"21,35\", \"21,10\"]", "values: [\"21,355\", \"21,10\"]");
    let (code, stderr) = check(with_figures(&figures, &["br", "oversikt"]).path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "warning: Skattesats: 21,355 is typed with 3 decimals but shown with 2, as 21,36\n  --> content/data/tal.yaml:14:"
        ),
        "{stderr}"
    );
}
