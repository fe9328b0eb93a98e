//! The balanskravsutredning: its lines in the law's order, its two results the
//! sums of their parts, årets resultat the resultaträkning's, and a negative
//! result with a stated återställande. Each rule has an error fixture
//! (`tests/fixtures/err/law-balanskrav-*`) made from [`with_balanskrav`].

use crate::common::*;
use crate::law_relations::VALID;

/// A balanskravsutredning that agrees with the resultaträkning of [`VALID`].
pub const BALANSKRAV: &str = "  - id: bkr
    role: balanskravsutredning
    title: Balanskravsutredning
    rows:
      - {id: arets_resultat, label: Årets resultat, values: [50, 50]}
      - {id: samtliga_realisationsvinster, label: Samtliga realisationsvinster, values: [-10, 0]}
      - {id: arets_resultat_efter_balanskravsjusteringar, label: Årets resultat efter balanskravsjusteringar, values: [40, 50]}
      - {id: medel_till_resultatutjamningsreserv, label: Medel till resultatutjämningsreserv, values: [-20, 0]}
      - {id: arets_balanskravsresultat, label: Årets balanskravsresultat, values: [20, 50]}
";

/// [`VALID`] with `bkr` (edited by `edit`) among its tables.
pub fn with_balanskrav(edit: impl Fn(&str) -> String) -> String {
    VALID.replace("\nnotes:\n", &format!("{}\nnotes:\n", edit(BALANSKRAV)))
}

/// A balanskravsutredning that adds up passes clean. Failed with the parts
/// summed from the first line for the balanskravsresultat too (20 ≠ 40 + 50 − 10 − 20).
#[test]
fn a_balanskravsutredning_that_adds_up_passes() {
    let dir = fixtures_base();
    write_file(dir.path(), "content/data/rakenskaper.yaml", with_balanskrav(str::to_owned));
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

/// A negative balanskravsresultat passes once the återställande is stated
/// under `law:`, and fails without it. Failed with the statement not read
/// (the error stayed).
#[test]
fn a_negative_result_passes_with_a_stated_aterstallande() {
    let negative = |s: &str| {
        s.replace("values: [-20, 0]}", "values: [-60, 0]}")
            .replace("Årets balanskravsresultat, values: [20, 50]", "Årets balanskravsresultat, values: [-20, 50]")
    };
    let dir = fixtures_base();
    write_file(dir.path(), "content/data/rakenskaper.yaml", with_balanskrav(negative));
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the balanskravsresultat of `bkr` is negative (−20 tkr in 2013)"), "{stderr}");

    let stated = |s: &str| {
        negative(s).replace(
            "    role: balanskravsutredning\n",
            "    role: balanskravsutredning\n    law:\n      aterstallande: Återställs 2014 enligt fullmäktiges beslut (avsnitt Balanskrav)\n",
        )
    };
    write_file(dir.path(), "content/data/rakenskaper.yaml", with_balanskrav(stated));
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
}
