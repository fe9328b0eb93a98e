//! `check --lkbr`: each completeness rule fires when only its part is
//! missing, and a document with every part has no finding.
//!
//! Each case starts from a document with every part the rules ask for and
//! takes exactly one away. Deliberate breaks that made these tests fail:
//! matching headings by equality instead of by their beginning (the
//! "Balanskravsresultat 2013" heading was reported missing), and counting a
//! `{# … #}` comment as content (the empty section passed).

use std::path::Path;

use crate::common::*;

/// A förvaltningsberättelse of an årsredovisning with every part RKR R15 names.
const ARSREDOVISNING_FB: &str = "---
status: klar
---
# Förvaltningsberättelse

## Översikt över verksamhetens utveckling

Verksamheten har utvecklats som planerat.

## Viktiga förhållanden för resultat och ekonomisk ställning

Resultatet påverkades av lägre kostnader.

## Händelser av väsentlig betydelse

Inga händelser av väsentlig betydelse har inträffat.

## Styrning och uppföljning av den kommunala verksamheten

Direktionen följer upp verksamheten varje kvartal.

## God ekonomisk hushållning och ekonomisk ställning

De finansiella målen är uppfyllda.

## Balanskravsresultat 2013

{# Balanskravsutredningen: årets resultat efter balanskravsjusteringar. #}
Balanskravsresultatet är positivt.

## Väsentliga personalförhållanden

Sjukfrånvaron var 4,2 procent.

## Förväntad utveckling

Verksamheten väntas växa.
";

/// A förenklad förvaltningsberättelse of a delårsrapport with every part RKR R17 names.
const DELARSRAPPORT_FB: &str = "---
status: klar
---
# Förvaltningsberättelse

Delårsrapporten avser {{ report.period }}.

## Väsentliga händelser

Inga väsentliga händelser har inträffat under perioden.

## God ekonomisk hushållning

Målen bedöms nås vid årets slut.

## Balanskravsresultat

Utifrån prognosen väntas ett positivt balanskravsresultat.

## Förväntad utveckling

Prognosen för helåret är {{ figures.rr.arets_resultat.prognos | belopp }} tkr.
";

/// The statements of an årsredovisning beside the resultaträkning and balansräkning.
const ARSREDOVISNING_STATEMENTS: &str = "defaults:
  unit: tkr
  columns: [\"2013\", \"2012\"]
tables:
  - id: kfa
    title: Kassaflödesanalys
    role: kassaflodesanalys
    rows:
      - {id: lopande, label: Kassaflöde från den löpande verksamheten, values: [50, 40]}
  - id: drift
    title: Driftredovisning
    role: driftredovisning
    rows:
      - {id: kansli, label: Kansliet, values: [-100, -90]}
  - id: investering
    title: Investeringsredovisning
    role: investeringsredovisning
    rows:
      - {id: inventarier, label: Inventarier, values: [-10, -5]}
  - id: sjukfranvaro
    title: Sjukfrånvaro
    unit: procent
    role: sjukfranvaro
    rows:
      - {id: total, label: Total sjukfrånvaro, values: [4, 5]}
      - {id: langtidssjukfranvaro, label: Därav långtidssjukfrånvaro, values: [40, 38]}
      - {id: kvinnor, label: Kvinnor, values: [5, 6]}
      - {id: man, label: Män, values: [3, 3]}
      - {id: alder_29_och_yngre, label: 29 år och yngre, values: [3, 4]}
      - {id: alder_30_49, label: 30–49 år, values: [4, 5]}
      - {id: alder_50_och_aldre, label: 50 år och äldre, values: [5, 6]}
";

const STATEMENTS_CHAPTER: &str = "content/chapters/02-redovisningar.md";

/// The small årsredovisning of the fixtures with a complete förvaltningsberättelse
/// and every statement, each with its role, placed.
fn arsredovisning() -> tempfile::TempDir {
    let dir = fixtures_base();
    write_file(dir.path(), AR_FB, ARSREDOVISNING_FB);
    edit(
        dir.path(),
        "content/data/rakenskaper.yaml",
        "title: Resultaträkning\n",
        "title: Resultaträkning\n    role: resultatrakning\n",
    );
    edit(
        dir.path(),
        "content/data/rakenskaper.yaml",
        "title: Balansräkning\n",
        "title: Balansräkning\n    role: balansrakning\n",
    );
    write_file(dir.path(), "content/data/redovisningar.yaml", ARSREDOVISNING_STATEMENTS);
    let chapter: String = ["kfa", "drift", "investering", "sjukfranvaro"]
        .iter()
        .map(|t| format!("{{{{ table(id=\"{t}\") }}}}\n\n"))
        .collect();
    write_file(dir.path(), STATEMENTS_CHAPTER, format!("---\nstatus: klar\n---\n# Redovisningar\n\n{chapter}"));
    dir
}

/// The small delårsrapport of the fixtures with a complete förvaltningsberättelse
/// and its statements' roles.
fn delarsrapport() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/delarsrapport"), dir.path());
    write_file(dir.path(), DELAR_FB, DELARSRAPPORT_FB);
    let data = "content/data/delar.yaml";
    edit(
        dir.path(),
        data,
        "title: Resultaträkning januari–augusti\n",
        "title: Resultaträkning januari–augusti\n    role: resultatrakning\n",
    );
    edit(dir.path(), data, "title: Balansräkning\n", "title: Balansräkning\n    role: balansrakning\n");
    dir
}

/// `check --lkbr --json`: the findings of the only document, as (rule, message, file:line:column).
fn findings(root: &Path) -> Vec<(String, String, String)> {
    let (out, stdout, stderr) = run(bin().args(["check", "--lkbr", "--json", "--root"]).arg(root));
    assert!(out.status.success(), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let documents = json["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1, "{stdout}");
    documents[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = match (f["file"].as_str(), f["line"].as_u64(), f["column"].as_u64()) {
                (Some(file), Some(line), Some(column)) => format!("{file}:{line}:{column}"),
                (Some(file), _, _) => file.to_owned(),
                _ => String::new(),
            };
            (f["rule"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned(), at)
        })
        .collect()
}

/// Replaces the first `from` in the file `rel` by `to`.
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

const AR_FB: &str = "content/chapters/00-forvaltningsberattelse.md";
const DELAR_FB: &str = "content/chapters/01-forvaltningsberattelse.md";

#[test]
fn a_complete_arsredovisning_has_no_finding() {
    let dir = arsredovisning();
    assert_eq!(findings(dir.path()), []);
}

/// Removing the kassaflödesanalys's placement reports exactly that, at its
/// role in the data; removing the table too reports it absent.
#[test]
fn a_statement_not_placed_or_absent() {
    let dir = arsredovisning();
    edit(dir.path(), STATEMENTS_CHAPTER, "{{ table(id=\"kfa\") }}", "");
    assert_eq!(
        findings(dir.path()),
        [(
            "rakning".to_owned(),
            "the kassaflödesanalys `kfa` is not placed in any chapter of the document".to_owned(),
            "content/data/redovisningar.yaml:7:11".to_owned()
        )]
    );
    edit(dir.path(), "content/data/redovisningar.yaml", "role: kassaflodesanalys", "role: flerarsoversikt");
    assert_eq!(
        findings(dir.path()),
        [(
            "rakning".to_owned(),
            "the document has no kassaflödesanalys: no table has `role: kassaflodesanalys`".to_owned(),
            String::new()
        )]
    );
}

/// `status` has a section with the findings, one line each.
/// Failed before `status` printed the section (its call removed).
#[test]
fn status_lists_the_findings() {
    let dir = arsredovisning();
    let (out, stdout, stderr) = run(bin().args(["status", "--root"]).arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.ends_with("\nLKBR: nothing missing.\n"), "{stdout}");
    edit(dir.path(), STATEMENTS_CHAPTER, "{{ table(id=\"kfa\") }}", "");
    let (_, stdout, _) = run(bin().args(["status", "--root"]).arg(dir.path()));
    assert!(
        stdout.ends_with("\nLKBR: 1 finding (`arsrapport check --lkbr` shows them in full)\n  - the kassaflödesanalys `kfa` is not placed in any chapter of the document (LKBR 4 kap. 1 §; 8 kap.) at content/data/redovisningar.yaml:7\n"),
        "{stdout}"
    );
}

/// A koncern needs sammanställda räkenskaper as well as a section on the koncern.
#[test]
fn a_koncern_needs_sammanstallda_rakenskaper() {
    let dir = arsredovisning();
    edit(dir.path(), "content/report.yaml", "language: sv\n", "language: sv\nkoncern: true\n");
    edit(dir.path(), AR_FB, "## Viktiga", "## Den kommunala koncernen\n\nKoncernen består av förbundet.\n\n## Viktiga");
    let rules: Vec<String> =
        findings(dir.path()).into_iter().map(|(rule, message, _)| format!("{rule}: {message}")).collect();
    assert_eq!(
        rules,
        [
            "sammanstallda_rakenskaper: the document has no sammanställd resultaträkning: no table has `role: sammanstalld_resultatrakning`",
            "sammanstallda_rakenskaper: the document has no sammanställd balansräkning: no table has `role: sammanstalld_balansrakning`",
            "sammanstallda_rakenskaper: the document has no sammanställd kassaflödesanalys: no table has `role: sammanstalld_kassaflodesanalys`",
        ]
    );
}

/// A plan's resultatbudget covers the budget year and two plan years.
#[test]
fn a_plan_with_fewer_than_three_years() {
    let dir = fixtures_base();
    edit(
        dir.path(),
        "content/report.yaml",
        "title: Årsredovisning 2013\nkind: arsredovisning",
        "title: Budget 2014\nkind: verksamhetsplan",
    );
    edit(dir.path(), "content/report.yaml", "year: 2013", "year: 2014");
    write_file(
        dir.path(),
        "content/data/budget.yaml",
        "tables:\n  - id: rb\n    title: Resultatbudget\n    role: resultatbudget\n    unit: tkr\n    columns: [\"2014\", \"2015\", \"2016\"]\n    rows:\n      - {id: arets_resultat, label: Årets resultat, values: [1, 2, 3]}\n  - id: bb\n    title: Balansbudget\n    role: balansbudget\n    unit: tkr\n    columns: [\"2014\"]\n    rows:\n      - {id: eget_kapital, label: Eget kapital, values: [1]}\n  - id: kb\n    title: Kassaflödesbudget\n    role: kassaflodesbudget\n    unit: tkr\n    columns: [\"2014\"]\n    rows:\n      - {id: arets_kassaflode, label: Årets kassaflöde, values: [1]}\n",
    );
    write_file(
        dir.path(),
        "content/chapters/02-budget.md",
        "# Budget\n\n{{ table(id=\"rb\") }}\n\n{{ table(id=\"bb\") }}\n\n{{ table(id=\"kb\") }}\n",
    );
    assert_eq!(findings(dir.path()), []);
    edit(dir.path(), "content/data/budget.yaml", "[\"2014\", \"2015\", \"2016\"]", "[\"2014\", \"2015\"]");
    edit(dir.path(), "content/data/budget.yaml", "values: [1, 2, 3]", "values: [1, 2]");
    assert_eq!(
        findings(dir.path()),
        [(
            "plan_tre_ar".to_owned(),
            "the resultatbudget `rb` does not cover the three years of the plan: 2016 missing".to_owned(),
            "content/data/budget.yaml:2:5".to_owned()
        )]
    );
}

#[test]
fn a_missing_part_of_the_forvaltningsberattelse_is_named_at_its_title() {
    let dir = arsredovisning();
    edit(
        dir.path(),
        AR_FB,
        "## Händelser av väsentlig betydelse\n\nInga händelser av väsentlig betydelse har inträffat.\n",
        "",
    );
    assert_eq!(
        findings(dir.path()),
        [(
            "forvaltningsberattelse".to_owned(),
            "the document has no section \"Händelser av väsentlig betydelse\"".to_owned(),
            format!("{AR_FB}:4:1")
        )]
    );
}

#[test]
fn an_empty_part_is_named_at_its_heading_even_with_a_comment_under_it() {
    let dir = arsredovisning();
    edit(dir.path(), AR_FB, "Balanskravsresultatet är positivt.\n", "");
    assert_eq!(
        findings(dir.path()),
        [(
            "forvaltningsberattelse".to_owned(),
            "the section \"Balanskravsresultat 2013\" is empty".to_owned(),
            format!("{AR_FB}:26:1")
        )]
    );
}

#[test]
fn a_koncern_needs_the_koncern_described() {
    let dir = arsredovisning();
    edit(dir.path(), "content/report.yaml", "language: sv\n", "language: sv\nkoncern: true\n");
    let found: Vec<_> = findings(dir.path()).into_iter().filter(|f| f.0 == "forvaltningsberattelse").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "the document has no section \"Den kommunala koncernen\"");
}

#[test]
fn a_complete_delarsrapport_has_no_finding() {
    let dir = delarsrapport();
    assert_eq!(findings(dir.path()), []);
}

#[test]
fn a_delarsrapport_without_a_part_of_its_forvaltningsberattelse() {
    let dir = delarsrapport();
    edit(dir.path(), DELAR_FB, "## God ekonomisk hushållning\n\nMålen bedöms nås vid årets slut.\n", "");
    let found = findings(dir.path());
    assert_eq!(
        found,
        [(
            "delarsrapport_forvaltningsberattelse".to_owned(),
            "the document has no section \"God ekonomisk hushållning\"".to_owned(),
            format!("{DELAR_FB}:4:1")
        )]
    );
}

#[test]
fn a_delarsrapport_without_a_helarsprognos() {
    let dir = delarsrapport();
    // The resultaträkning's column for the whole year is no longer the prognos.
    let data = "content/data/delar.yaml";
    // In the resultaträkning and in its note, so that the note's figures still reach it.
    for _ in 0..2 {
        edit(dir.path(), data, "{id: prognos, label: Prognos helår 2013}", "{id: helar, label: Helår 2013}");
    }
    edit(dir.path(), data, "sum: [prognos, -budget]", "sum: [helar, -budget]");
    edit(dir.path(), DELAR_FB, "arets_resultat.prognos", "arets_resultat.helar");
    let found = findings(dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].2.as_str()), ("helarsprognos", ""));
}

#[test]
fn a_delarsrapport_without_a_balanskrav_assessment() {
    let dir = delarsrapport();
    edit(
        dir.path(),
        DELAR_FB,
        "## Balanskravsresultat\n\nUtifrån prognosen väntas ett positivt balanskravsresultat.\n",
        "",
    );
    let found = findings(dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "balanskrav_bedomning");
}

#[test]
fn a_delarsrapport_decided_more_than_two_months_after_its_period() {
    let dir = delarsrapport();
    // The period ends on 2013-08-31: 2013-10-31 is in time, 2013-11-01 is not.
    edit(dir.path(), "content/report.yaml", "date: 2013-10-10", "date: 2013-10-31");
    assert_eq!(findings(dir.path()), []);
    edit(dir.path(), "content/report.yaml", "date: 2013-10-31", "date: 2013-11-01");
    assert_eq!(
        findings(dir.path()),
        [(
            "delarsrapport_beslut".to_owned(),
            "the delårsrapport is decided on 2013-11-01, more than two months after its period ended on 2013-08-31"
                .to_owned(),
            "content/report.yaml:9:9".to_owned()
        )]
    );
}

/// `lkbr: strict` makes the findings errors under `--final`, and only there.
/// Failed when the strict check was left out of `build.rs` on purpose.
#[test]
fn strict_makes_findings_errors_under_final() {
    let dir = arsredovisning();
    edit(dir.path(), "content/report.yaml", "language: sv\n", "language: sv\nlkbr: strict\n");
    edit(dir.path(), AR_FB, "## Förväntad utveckling\n\nVerksamheten väntas växa.\n", "");
    edit(dir.path(), "content/chapters/01-ekonomi.md", "# Ekonomi", "---\nstatus: klar\n---\n# Ekonomi");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let (out, _, stderr) = run(bin().args(["check", "--final", "--root"]).arg(dir.path()));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: the document has no section \"Förväntad utveckling\" (LKBR 11 kap.; RKR R15)\n"),
        "{stderr}"
    );
    assert!(stderr.contains("`lkbr: strict` asks for every part the law requires; nothing was written"), "{stderr}");
    let (out, _, _) = run(bin().args(["build", "--final", "--root"]).arg(dir.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("output").exists());
}

/// The example's årsredovisning for 2013 was written before LKBR: its
/// förvaltningsberättelse lacks the parts RKR R15 names, and `check --lkbr`
/// says so in text, per document.
#[test]
fn the_example_is_checked_and_its_gaps_reported() {
    let dir = example();
    let (out, stdout, stderr) = run(bin().args(["check", "--lkbr", "--root"]).arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("\nLKBR arsredovisning-2013: "), "{stdout}");
    assert!(
        stdout.contains(
            "warning: the document has no section \"Balanskravsresultat\" (LKBR 11 kap.; RKR R15)\n  --> content/chapters/arsredovisning-2013/02-forvaltningsberattelse.md:5:1\n"
        ),
        "{stdout}"
    );
}
