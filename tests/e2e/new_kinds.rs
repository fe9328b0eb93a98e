//! `new --kind --organisation-type`: every combination makes a project that
//! builds with no warning and that `check --lkbr` finds complete, and the
//! law's relations hold in it without a check written by the user.

use std::path::Path;

use crate::common::*;

const KINDS: [&str; 5] = ["arsredovisning", "verksamhetsplan", "delarsrapport", "tertialrapport", "manadsrapport"];
const TYPES: [&str; 3] = ["kommun", "region", "kommunalforbund"];

/// `new` into `dir`, which must succeed.
fn new(dir: &Path, kind: &str, organisation_type: &str) {
    let (out, stdout, stderr) = run(bin().arg("new").arg(dir).args([
        "--kind",
        kind,
        "--organisation-type",
        organisation_type,
        "--year",
        "2024",
    ]));
    assert!(out.status.success(), "{kind} {organisation_type}: {stderr}");
    assert!(stdout.contains(&format!("({kind}, {organisation_type})")), "{stdout}");
}

/// `check --lkbr`: exit code, stdout, stderr.
fn check_lkbr(dir: &Path) -> (Option<i32>, String, String) {
    let (out, stdout, stderr) = run(bin().args(["check", "--lkbr", "--root"]).arg(dir));
    (out.status.code(), stdout, stderr)
}

#[test]
fn every_kind_and_organisation_type_builds_without_warnings_and_is_complete() {
    let parent = tempfile::tempdir().unwrap();
    let combinations: Vec<(&str, &str)> = KINDS.iter().flat_map(|k| TYPES.iter().map(move |t| (*k, *t))).collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = combinations
            .chunks(4)
            .map(|chunk| {
                let parent = parent.path();
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for (kind, organisation_type) in chunk {
                        let dir = parent.join(format!("{kind}-{organisation_type}"));
                        new(&dir, kind, organisation_type);
                        let (code, stdout, stderr) = check_lkbr(&dir);
                        let clean = code == Some(0)
                            && stdout.contains(": nothing missing")
                            && !stdout.contains("warning")
                            && !stderr.contains("warning")
                            && !stderr.contains("error");
                        if !clean {
                            failures.push(format!("{kind} {organisation_type}: {code:?}\n{stdout}\n{stderr}"));
                        }
                    }
                    failures
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n----\n"));

    // The organisation type shows in the wording: a förbund has medlemsavgifter.
    let forbund =
        std::fs::read_to_string(parent.path().join("arsredovisning-kommunalforbund/content/data/rakenskaper.yaml"));
    assert!(forbund.unwrap().contains("Medlemsavgifter"));
    let region = parent.path().join("delarsrapport-region/content/report.yaml");
    assert!(std::fs::read_to_string(region).unwrap().contains("body: Regionfullmäktige"));
    // The guide lists the files of its own kind.
    let plan = std::fs::read_to_string(parent.path().join("verksamhetsplan-kommun/LASMIG.md")).unwrap();
    assert!(plan.contains("`content/data/budget.yaml`") && !plan.contains("personal.yaml"), "{plan}");
}

#[test]
fn a_new_projects_pdf_is_built_with_its_statements() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("plan");
    new(&dir, "verksamhetsplan", "kommunalforbund");
    let (out, stdout, stderr) = build(&dir);
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains("warning") && !stderr.contains("warning"), "{stdout}{stderr}");
    let text = pdf_text(&dir.join("output/verksamhetsplan-och-budget-2024.pdf"));
    for expected in [
        "Resultatbudget",
        "Balansbudget",
        "Kassaflödesbudget",
        "Budget 2024",
        "Plan 2025",
        "Plan 2026",
        "Medlemsavgifter",
    ] {
        assert!(text.contains(expected), "the plan's PDF lacks {expected:?}:\n{text}");
    }
    assert!(!text.contains("Skatteintäkter"), "a förbund levies no tax:\n{text}");
}

#[test]
fn a_kassafloedesanalys_not_placed_is_the_only_finding() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("kommun2024");
    new(&dir, "arsredovisning", "kommun");
    let chapter = dir.join("content/chapters/03-rakenskaper.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    assert!(text.contains("{{ table(id=\"kfa\") }}\n"));
    std::fs::write(&chapter, text.replace("{{ table(id=\"kfa\") }}\n", "")).unwrap();

    let (code, stdout, stderr) = check_lkbr(&dir);
    assert_eq!(code, Some(0), "a finding is a warning:\n{stdout}\n{stderr}");
    assert!(stdout.contains("LKBR arsredovisning-2024: 1 finding\n"), "{stdout}");
    assert!(stdout.contains("the kassaflödesanalys `kfa` is not placed in any chapter"), "{stdout}");
    assert!(stdout.contains("content/data/rakenskaper.yaml:"), "the finding points at the table: {stdout}");
    assert_eq!(stdout.matches("warning:").count(), 1, "{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn kassa_och_bank_off_by_3_tkr_fails_at_the_kassaflodesanalys_and_the_balance_sheet() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("kommun2024");
    new(&dir, "arsredovisning", "kommun");
    let file = dir.join("content/data/rakenskaper.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let kassa = "{id: kassa_och_bank, label: Kassa och bank, values: [236 000, 198 000]}";
    assert!(text.contains(kassa), "{text}");
    std::fs::write(
        &file,
        text.replace(kassa, "{id: kassa_och_bank, label: Kassa och bank, values: [236 003, 198 000]}"),
    )
    .unwrap();

    let (out, _, stderr) = build(&dir);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let at = |needle: &str| format!("content/data/rakenskaper.yaml:{}:", line_of(needle));
    let kfa = at("id: likvida_medel_vid_arets_slut");
    assert!(stderr.contains(&kfa), "no error at the kassaflödesanalys ({kfa}):\n{stderr}");
    assert!(stderr.contains("likvida medel vid årets slut = kassa och bank"), "{stderr}");
    let br = at("{id: summa_tillgangar");
    assert!(stderr.contains(&br), "no error at the balance sheet ({br}):\n{stderr}");
    assert!(stderr.contains("summa tillgångar = summa eget kapital, avsättningar och skulder"), "{stderr}");
    assert!(stderr.contains("the difference is 3 tkr"), "{stderr}");
    assert!(!dir.join("output").exists(), "a failed build writes nothing");
}
