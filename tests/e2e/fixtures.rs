//! Broken projects, one mistake each, with the exact diagnostic as a snapshot.
//!
//! `tests/fixtures/base/` is a small valid project. Each folder under
//! `tests/fixtures/err/` holds files that replace or add to the base (and an
//! optional `remove` file listing base paths to delete), plus `expected.txt`:
//! what `arsrapport check` prints on stderr. Run with `UPDATE_SNAPSHOTS=1` to
//! rewrite the snapshots after a deliberate change, then review the diff.

use std::path::Path;

use crate::common::*;

const EXPECTED: &str = "expected.txt";

/// The base project with the case's files laid over it.
fn assemble(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/base"), dir.path());
    for entry in walkdir::WalkDir::new(case).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(case).unwrap();
        if rel == Path::new(EXPECTED) || rel == Path::new("remove") {
            continue;
        }
        let target = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join("remove")) {
        for path in list.lines().filter(|l| !l.trim().is_empty()) {
            let target = dir.path().join(path.trim());
            if target.is_dir() {
                std::fs::remove_dir_all(target).unwrap();
            } else {
                std::fs::remove_file(target).unwrap();
            }
        }
    }
    dir
}

#[test]
fn the_base_project_is_valid() {
    let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(repo().join("tests/fixtures/base")));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "no warnings expected: {stderr}");
}

#[test]
fn every_broken_project_fails_with_its_snapshot_and_writes_nothing() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/fixtures/err"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let project = assemble(case);
        let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(project.path()));
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: exit code {:?}, expected 1\n{stderr}", out.status.code()));
            continue;
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked\n{stderr}"));
        }
        let snapshot = case.join(EXPECTED);
        if update {
            std::fs::write(&snapshot, &stderr).unwrap();
        } else {
            let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
            if expected != stderr {
                failures.push(format!("{name}: the diagnostic changed\n--- expected\n{expected}--- found\n{stderr}"));
            }
        }
        // A build of the same project fails the same way and writes nothing.
        let (out, _, _) = build(project.path());
        if out.status.code() != Some(1) || project.path().join("output").exists() {
            failures.push(format!("{name}: build did not fail cleanly without output"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
