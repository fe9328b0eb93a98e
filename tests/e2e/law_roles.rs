//! Statement roles (`role:` on a table) and standard line ids (`standard:` on a
//! line): a project that declares them builds as before; the mistakes are
//! error fixtures (`role-unknown`, `standard-*`).

use crate::common::*;

const ROLED: &str = "defaults:\n  columns: [\"2013\", \"2012\"]\ntables:\n  - id: rr\n    role: resultatrakning\n    title: Resultaträkning\n    rows:\n      - {id: intakter, label: Intäkter, standard: verksamhetens_intakter, values: [300, 290]}\n      - {id: arets_resultat, label: Årets resultat, sum: [intakter]}\n  - id: br\n    role: balansrakning\n    title: Balansräkning\n    rows:\n      - {label: Kassa och bank, standard: kassa_och_bank, values: [300, 250]}\n      - {id: summa, label: Summa tillgångar, standard: summa_tillgangar, sum: [kassa_och_bank]}\n";

/// Roles and standard ids change nothing a reader sees, and a line mapped to a
/// standard id without an id of its own is named by it (`br.kassa_och_bank`).
/// Failed with the line's id not defaulting to its standard id (the sum then
/// named a line that does not exist).
#[test]
fn a_line_mapped_to_a_standard_id_is_named_by_it() {
    let dir = with_figures(ROLED, &["rr", "br"]);
    write_file(
        dir.path(),
        "content/chapters/02-kassa.md",
        "# Kassa\n\nKassan var {{ figures.br.kassa_och_bank[\"2013\"] }} tkr.\n",
    );
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let html = std::fs::read_to_string(dir.path().join("output/html/02-kassa.html")).unwrap();
    assert!(html.contains("<p>Kassan var 300"), "{html}");
}

/// Every mistake in roles and standard ids of one file is reported at once,
/// each at its own line. Failed with `check_standard_ids` not called.
#[test]
fn every_role_mistake_is_reported_at_once() {
    let figures = ROLED
        .replace("standard: verksamhetens_intakter", "standard: verksamhetens_intakte")
        .replace("standard: summa_tillgangar", "standard: kassa_och_bank");
    let dir = with_figures(&figures, &["rr", "br"]);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("`verksamhetens_intakte` is not a standard line of the role `resultatrakning`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `verksamhetens_intakter`?"), "{stderr}");
    assert!(stderr.contains("the standard line `kassa_och_bank` is mapped twice in this table"), "{stderr}");
    assert!(stderr.contains("content/data/tal.yaml:15:"), "{stderr}");
    assert!(stderr.contains("2 errors found"), "{stderr}");
}
