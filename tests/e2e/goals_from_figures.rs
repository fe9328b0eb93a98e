//! Goal outcomes taken from the computed figures: the goal table shows the
//! figure the statement shows, graded against the target, in both outputs.

use crate::common::*;

const FIGURES: &str = "\
defaults:
  columns: [\"2013\", \"2012\"]
tables:
  - id: br
    title: Balansräkning
    rows:
      - {id: eget_kapital, label: Eget kapital, values: [397, 300]}
      - {id: summa, label: Summa tillgångar, values: [1 000, 600]}
  - id: femar
    title: Femårsöversikt
    unit: antal
    decimals: 1
    rows:
      - {id: soliditet, label: Soliditet, formula: \"round(br.eget_kapital / br.summa * 100; 1)\"}
";

const GOALS: &str = "\
areas:
  - id: ekonomi
    title: Ekonomi
    goals:
      - id: soliditet
        title: Soliditet minst 40 procent
        target: {at_least: 40, unit: procent}
        outcome: {from: \"femar.soliditet[2013]\", unit: procent}
      - id: eget-kapital
        title: Eget kapital minst 350 tkr
        target: {at_least: 350, unit: tkr}
        outcome: {from: \"br.eget_kapital[2013]\"}
      - id: andel
        title: Eget kapital per tillgång
        target: {at_least: 30, unit: procent}
        outcome: {from: \"br.eget_kapital[2013] / br.summa[2013] * 100\", unit: procent}
";

/// Each outcome is the figure computed from the statements: 39,7 % from the
/// five-year table (delvis uppfyllt against 40 %), 397 tkr straight from the
/// balance sheet, and a ratio of two amounts, shown as written by hand. Seen
/// failing while the ratio's value was not normalised (the row showed
/// "39,700 procent").
#[test]
fn outcomes_from_figures_show_the_statements_figures_in_both_outputs() {
    let chapter =
        "# Mål\n\nSoliditeten var {{ figures.femar.soliditet[\"2013\"] }} procent.\n\n{{ goals(area=\"ekonomi\") }}\n";
    let dir = project(&[("01-mal.md", chapter)]);
    let data = dir.path().join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("rakenskaper.yaml"), FIGURES).unwrap();
    std::fs::write(data.join("mal.yaml"), GOALS).unwrap();
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");

    let page = std::fs::read_to_string(dir.path().join("output/html/01-mal.html")).unwrap();
    assert!(page.contains("Soliditeten var 39,7\u{a0}procent."), "{page}");
    let rows: Vec<&str> = page.split("<tr>").collect();
    let find = |title: &str| {
        *rows
            .iter()
            .find(|r| r.replace('\u{a0}', " ").contains(&format!("{title}</th>")))
            .unwrap_or_else(|| panic!("{title}: {page}"))
    };
    let soliditet = find("1. Soliditet minst 40 procent");
    assert!(soliditet.contains("<td>39,7\u{a0}procent</td>") && soliditet.contains("Delvis uppfyllt"), "{soliditet}");
    let eget = find("2. Eget kapital minst 350 tkr");
    assert!(eget.contains("<td>397\u{a0}tkr</td>") && eget.contains("✓ Uppfyllt"), "{eget}");
    let andel = find("3. Eget kapital per tillgång");
    assert!(andel.contains("<td>39,7\u{a0}procent</td>") && andel.contains("✓ Uppfyllt"), "{andel}");

    let pdf = std::fs::read_dir(dir.path().join("output"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("a PDF");
    let text = pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("minst 40 procent 39,7 procent"), "{text}");
    assert!(text.contains("minst 350 tkr 397 tkr"), "{text}");
}
