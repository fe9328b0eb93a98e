//! Lines readers expect: "därav" lines (`part_of:`).

use crate::common::*;

const BALANCE: &str = "defaults:\n  columns: [\"2013\", \"2012\"]\ntables:\n  - id: br\n    title: Balansräkning\n    rows:\n      - {id: eget_kapital, label: Eget kapital, values: [400, 350]}\n      - {id: darav, label: därav årets resultat, values: [PART], part_of: eget_kapital}\n      - {id: skulder, label: Skulder, values: [600, 650]}\n      - {id: summa, label: Summa eget kapital och skulder, sum: all}\n";

/// A "därav" line is shown indented in both outputs, a real row of the
/// site's table, and left out of `sum: all`. Failed with the line counted in
/// the sum (1 050 instead of 1 000) and with the site's row without its class.
#[test]
fn a_part_line_is_indented_and_outside_the_sum() {
    let dir = with_figures(&BALANCE.replace("PART", "50, 20"), &["br"]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("output/html/01-tal.html")).unwrap();
    let html = html.replace(['\u{a0}', '\u{202f}'], " ").replace("&nbsp;", " ");
    assert!(
        html.contains("<tr id=\"br-darav\" class=\"part\"><th scope=\"row\">därav årets resultat</th><td class=\"num\">50</td><td class=\"num\">20</td></tr>"),
        "{html}"
    );
    assert!(html.contains("<th scope=\"row\">Summa eget kapital och skulder</th><td class=\"num\">1 000</td><td class=\"num\">1 000</td>"), "{html}");
    let css = std::fs::read_to_string(dir.path().join("output/html/assets/style.css")).unwrap();
    assert!(css.contains("tr.part > th {\n  padding-left: 1.5rem;"), "the site indents the line");
    let pdf = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf")).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(pdf.contains("därav årets resultat 50 20"), "{pdf}");
    assert!(pdf.contains("Summa eget kapital och skulder 1 000 1 000"), "{pdf}");
}

/// The indent in the PDF: the label of the "därav" line starts further
/// right than its whole's. Failed without the `#h(1em)` in the typst markup.
#[test]
fn a_part_line_is_indented_in_the_pdf() {
    let dir = with_figures(&BALANCE.replace("PART", "50, 20"), &["br"]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let runs = crate::layout::text_runs(dir.path());
    let start = |label: &str| {
        let run = runs.iter().find(|(text, _)| text.starts_with(label));
        run.unwrap_or_else(|| panic!("no run starts with {label} in {runs:?}")).1
    };
    assert!(start("därav årets resultat") > start("Eget kapital"), "{runs:?}");
}

/// A part larger than its whole, or of the other sign, is an error at its
/// `part_of:` naming both lines and the column. Failed before the check
/// existed (the build went through).
#[test]
fn a_part_must_be_within_its_whole() {
    let (code, stderr) = check(with_figures(&BALANCE.replace("PART", "450, -20"), &["br"]).path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("error: därav årets resultat 2013: 450 is larger than Eget kapital, 400, which it is a part of\n  --> content/data/tal.yaml:8:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "error: därav årets resultat 2012: −20 is not of the same sign as Eget kapital, 350, which it is a part of"
        ),
        "{stderr}"
    );
    let (code, stderr) = check(
        with_figures(
            &BALANCE.replace("PART", "5, 5").replace("part_of: eget_kapital", "part_of: eget_kapitl"),
            &["br"],
        )
        .path(),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("has no other line `eget_kapitl`") && stderr.contains("did you mean `eget_kapital`?"),
        "{stderr}"
    );
}

/// A table placed nowhere and used by nothing warns at its definition; one
/// used by another table's `from:`, by a check or only in a chapter's text
/// does not. (The example's two documents place different tables and share
/// the data: `build::the_example_statements_are_checked_and_its_rounding_gaps_are_warnings`
/// holds that neither warns.) Failed before the warning existed (stderr was empty).
/// A table with a `role:` is read by the law's relations and named by
/// `check --lkbr` when unplaced, so it gets no warning here (`overview`;
/// failed with roles not exempted: two warnings).
#[test]
fn a_table_used_nowhere_is_a_warning_at_its_definition() {
    let figures = "defaults:\n  columns: [\"2013\"]\ntables:\n  - id: shown\n    title: Placerad\n    rows:\n      - {id: a, label: A, from: source.a}\n  - id: source\n    title: Källa\n    rows:\n      - {id: a, label: A, values: [1]}\n  - id: checked\n    title: Kontrollerad\n    rows:\n      - {id: a, label: A, values: [1]}\n  - id: in_text\n    title: I texten\n    rows:\n      - {id: a, label: A, values: [2]}\n  - id: forgotten\n    title: Glömd\n    rows:\n      - {id: a, label: A, values: [3]}\n  - id: overview\n    title: Flerårsöversikt\n    role: flerarsoversikt\n    rows:\n      - {id: a, label: A, values: [4]}\nchecks:\n  - checked.a = source.a\n";
    let dir = with_figures(figures, &["shown"]);
    write_file(dir.path(), "content/chapters/02-text.md", "# Text\n\nTvå: {{ figures.in_text.a[\"2013\"] }}.\n");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the table `forgotten` is placed in no chapter and used by no other table, check or chart\n  --> content/data/tal.yaml:20:5"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
}

/// A note's own words before and after its figures are Markdown, shown
/// under the note's number in both outputs, in the order written. Failed
/// before notes took them (`text_before` was an unknown key).
#[test]
fn a_note_carries_its_own_words_before_and_after_its_figures() {
    let dir = project(&[("01-tal.md", "# Tal\n\n{{ table(id=\"rr\") }}\n\n## Noter\n\n{{ notes(level=3) }}\n")]);
    write_file(
        dir.path(),
        "content/data/tal.yaml",
        "defaults:\n  columns: [\"2013\"]\ntables:\n  - id: rr\n    title: Resultaträkning\n    rows:\n      - {id: intakter, label: Intäkter, note: intakter}\nnotes:\n  - id: intakter\n    title: Verksamhetens intäkter\n    text_before: \"Intäkterna redovisas **när** de uppstår.\"\n    text_after: |\n      Förbundet har inga ansvarsförbindelser.\n\n      - Borgen för Navet\n    rows:\n      - {label: Statsbidrag, values: [10]}\n",
    );
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("output/html/01-tal.html")).unwrap();
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {html}"));
    let (heading, before, table, after, list) = (
        at("id=\"not-intakter\""),
        at("<p>Intäkterna redovisas <strong>när</strong> de uppstår.</p>"),
        at("id=\"tabell-intakter\""),
        at("<p>Förbundet har inga ansvarsförbindelser.</p>"),
        at("<li>Borgen för Navet</li>"),
    );
    assert!(heading < before && before < table && table < after && after < list, "{html}");
    let pdf =
        pdf_text(&dir.path().join("output/arsredovisning-2013.pdf")).split_whitespace().collect::<Vec<_>>().join(" ");
    let at = |needle: &str| pdf.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {pdf}"));
    assert!(
        at("Not 1 Verksamhetens intäkter") < at("Intäkterna redovisas när de uppstår.")
            && at("Intäkterna redovisas när de uppstår.") < at("Statsbidrag")
            && at("Statsbidrag") < at("Förbundet har inga ansvarsförbindelser.")
            && at("Förbundet har inga ansvarsförbindelser.") < at("Borgen för Navet"),
        "{pdf}"
    );
}
