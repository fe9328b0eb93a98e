//! Broken projects, one mistake each, with the exact diagnostic as a snapshot.
//!
//! `tests/fixtures/base/` is a small valid project. Each folder under
//! `tests/fixtures/err/` holds files that replace or add to the base (and an
//! optional `remove` file listing base paths to delete), plus `expected.txt`:
//! what `arsrapport check` prints on stderr, and what `arsrapport build` prints
//! too, since both stop before anything is written.
//!
//! After a deliberate change of a message, `UPDATE_SNAPSHOTS=<case>[,<case>…]`
//! rewrites the snapshots of the cases named (`UPDATE_SNAPSHOTS=all` every
//! one) and prints the difference of each; review it with `git diff`.

use std::io::Write;
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

/// Which snapshots `UPDATE_SNAPSHOTS` asks to rewrite.
enum Update {
    None,
    All,
    Cases(Vec<String>),
}

impl Update {
    fn from_env() -> Update {
        match std::env::var("UPDATE_SNAPSHOTS") {
            Err(_) => Update::None,
            Ok(v) if v == "all" || v == "1" => Update::All,
            Ok(v) => Update::Cases(v.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect()),
        }
    }

    fn wants(&self, case: &str) -> bool {
        match self {
            Update::None => false,
            Update::All => true,
            Update::Cases(cases) => cases.iter().any(|c| c == case),
        }
    }
}

/// A line diff of two snapshots (`-` expected, `+` found), for the test's
/// message and for reviewing an update.
fn line_diff(expected: &str, found: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = found.lines().collect();
    // Longest common subsequence, from the ends; snapshots are a few dozen lines.
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

#[test]
fn line_diff_marks_removed_and_added_lines() {
    assert_eq!(line_diff("a\nb\nc\n", "a\nc\nd\n"), "  a\n- b\n  c\n+ d\n");
    assert_eq!(line_diff("", "x\n"), "+ x\n");
}

/// `check` and `build` of every broken project fail with exit code 1 and
/// print exactly the snapshot; `build` writes nothing.
///
/// The build half compared to the snapshot failed when `build`'s message was
/// changed on purpose ("nothing was written" in src/cmd/build.rs made
/// "nothing is written" for `Mode::Write` only).
#[test]
fn every_broken_project_fails_with_its_snapshot_in_check_and_build() {
    let update = Update::from_env();
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/fixtures/err"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    if let Update::Cases(names) = &update {
        for name in names {
            assert!(cases.iter().any(|c| c.ends_with(name)), "UPDATE_SNAPSHOTS names no case `{name}`");
        }
    }
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let project = assemble(case);
        let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(project.path()));
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: check exited with {:?}, expected 1\n{stderr}", out.status.code()));
            continue;
        }
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked\n{stderr}"));
        }
        let snapshot = case.join(EXPECTED);
        let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
        if update.wants(&name) {
            if expected != stderr {
                std::fs::write(&snapshot, &stderr).unwrap();
                // Straight to the terminal: the test harness captures `eprintln!`.
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "updated {}:\n{}",
                    snapshot.display(),
                    line_diff(&expected, &stderr)
                );
            }
        } else if expected != stderr {
            failures.push(format!("{name}: check's message changed\n{}", line_diff(&expected, &stderr)));
        }
        // `build` runs the same pipeline: the same message, and nothing written.
        let (out, _, build_stderr) = build(project.path());
        if out.status.code() != Some(1) {
            failures.push(format!("{name}: build exited with {:?}, expected 1\n{build_stderr}", out.status.code()));
        } else if build_stderr != stderr {
            failures
                .push(format!("{name}: build's message differs from check's\n{}", line_diff(&stderr, &build_stderr)));
        }
        if project.path().join("output").exists() {
            failures.push(format!("{name}: build created output/"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
