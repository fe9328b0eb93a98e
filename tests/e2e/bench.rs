//! The benchmark's generated projects (tests/bench/generate.py) must stay
//! valid as the formats evolve: a small one builds without a warning, and the
//! generator is deterministic. No timings are checked here.

use std::path::Path;
use std::process::Command;

use crate::common::{bin, repo, run, snapshot};

fn generate(pages: u32, dir: &Path) {
    let out = Command::new("python3")
        .arg(repo().join("tests/bench/generate.py"))
        .arg(pages.to_string())
        .arg(dir)
        .output()
        .expect("python3 runs the benchmark's generator");
    assert!(out.status.success(), "generate.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_generated_project_builds_cleanly_with_every_kind_of_content() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    generate(24, &root);

    let chapters = std::fs::read_dir(root.join("content/chapters")).unwrap().count();
    assert!(chapters >= 6, "only {chapters} chapters");
    let all_text: String = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    // The mix the benchmark claims: prose with footnotes and lists, statements
    // with notes, goals, per-municipality tables, figures in running text.
    for needle in ["[^n", "\n- ", "{{ notes() }}", "{{ goals(area=", "_kommuner\") }}", "figures.rr.", "| ---: |"] {
        assert!(all_text.contains(needle), "no `{needle}` in the generated project");
    }

    let (out, stdout, stderr) = run(bin().arg("build").arg("--verbose").arg("--root").arg(&root));
    assert!(out.status.success(), "{stderr}{stdout}");
    assert!(!stderr.contains("warning"), "a benchmark project must build without warnings:\n{stderr}");
    assert!(stdout.contains(" pages, "), "{stdout}");
    // The phases the benchmark reads from --verbose.
    for phase in ["load", "validate", "templates", "markdown", "compile", "export", "html"] {
        assert!(stderr.lines().any(|l| l.trim_start().starts_with(phase)), "no phase `{phase}` in:\n{stderr}");
    }
}

#[test]
fn the_generator_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    generate(30, &dir.path().join("a"));
    generate(30, &dir.path().join("b"));
    assert!(snapshot(&dir.path().join("a")) == snapshot(&dir.path().join("b")), "two runs gave different projects");
}
