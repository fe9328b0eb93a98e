//! Sjukfrånvaro: the seven figures the law asks for, or an omission declared
//! with one of the law's reasons.

use crate::common::*;
use crate::law_relations::VALID;

/// The seven figures, in per cent of ordinary working time.
const SJUKFRANVARO: &str = "  - id: sjuk
    role: sjukfranvaro
    title: Sjukfrånvaro
    unit: procent
    decimals: 1
    rows:
      - {id: total, label: Total sjukfrånvaro, values: [\"5,1\", \"4,8\"]}
      - {id: langtidssjukfranvaro, label: Därav långtidssjukfrånvaro, values: [\"40,2\", \"38,0\"]}
      - {id: kvinnor, label: Kvinnor, values: [\"5,9\", \"5,5\"]}
      - {id: man, label: Män, values: [\"3,2\", \"3,1\"]}
      - {id: alder_29_och_yngre, label: 29 år och yngre, values: [\"4,0\", \"3,9\"]}
      - {id: alder_30_49, label: 30–49 år, values: [\"4,9\", \"4,6\"]}
      - {id: alder_50_och_aldre, label: 50 år och äldre, values: [\"5,8\", \"5,5\"]}
";

fn with_sjukfranvaro(table: &str) -> String {
    VALID.replace("\nnotes:\n", &format!("{table}\nnotes:\n"))
}

fn checked(table: &str) -> (Option<i32>, String) {
    let dir = fixtures_base();
    write_file(dir.path(), "content/data/rakenskaper.yaml", with_sjukfranvaro(table));
    check(dir.path())
}

/// All seven figures pass clean.
#[test]
fn the_seven_figures_pass() {
    let (code, stderr) = checked(SJUKFRANVARO);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

/// A missing line and an empty cell are one error at the table's role,
/// naming both. Failed before the check existed (the build passed).
#[test]
fn a_missing_figure_is_an_error_naming_every_one() {
    let table = SJUKFRANVARO
        .replace("      - {id: man, label: Män, values: [\"3,2\", \"3,1\"]}\n", "")
        .replace("[\"4,0\", \"3,9\"]", "[\"4,0\", ~]");
    let (code, stderr) = checked(&table);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the sjukfrånvaro `sjuk` lacks figures the law asks for: `man` (no line), `alder_29_och_yngre` (empty in 2012)"),
        "{stderr}"
    );
    assert!(stderr.contains("role: sjukfranvaro"), "the error shows the table's role line: {stderr}");
}

/// An omission with one of the law's reasons passes without the figures;
/// any other reason is an error listing the accepted ones. Failed with the
/// omission not read (the missing figures were still an error).
#[test]
fn an_omission_needs_one_of_the_laws_reasons() {
    let bare = "  - id: sjuk\n    role: sjukfranvaro\n    title: Sjukfrånvaro\n    law:\n      omission: {reason: REASON}\n    rows:\n      - {id: total, label: Total sjukfrånvaro, values: [~, ~]}\n";
    let (code, stderr) = checked(&bare.replace("REASON", "tio_eller_farre"));
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = checked(&bare.replace("REASON", "inga_uppgifter"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("expected one of the law's reasons to leave out the sjukfrånvaro figures, found `inga_uppgifter`\n  --> content/data/rakenskaper.yaml:99:26"), "{stderr}");
    assert!(stderr.contains("tio_eller_farre") && stderr.contains("identifierbar"), "{stderr}");
}
