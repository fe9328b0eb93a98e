//! The theme's typst code is trusted but bounded: a project's own `lib.typ`
//! that asks for billions of numbers, or grows or loops without end, stops
//! the build within seconds with an error naming the file, in bounded memory.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::*;

/// The line of the built-in `lib.typ` after which the cases put their code.
const AFTER_LINE: usize = 14;

/// The base project with a `themes/default/typst/lib.typ` of its own: the
/// built-in one with `code` as a new line after [`AFTER_LINE`].
fn project_with_theme_code(code: &str) -> tempfile::TempDir {
    let dir = fixtures_base();
    let builtin = std::fs::read_to_string(repo().join("themes/default/typst/lib.typ")).unwrap();
    let mut lines: Vec<&str> = builtin.lines().collect();
    assert!(lines[AFTER_LINE - 1].starts_with("#let logo"), "{}", lines[AFTER_LINE - 1]);
    lines.insert(AFTER_LINE, code);
    write_file(dir.path(), "themes/default/typst/lib.typ", lines.join("\n") + "\n");
    dir
}

/// `build` with the given environment: exit status, stderr, peak memory in MiB, wall time.
fn build_measured(root: &Path, env: &[(&str, &str)]) -> (Option<i32>, String, i64, Duration) {
    let mut command = bin();
    command.arg("build").arg("--root").arg(root);
    for (name, value) in env {
        command.env(name, value);
    }
    let started = Instant::now();
    let (status, stderr, cost) = measured(&mut command, &root.join("stderr.txt"));
    (status.code(), stderr, cost.peak_kib / 1024, started.elapsed())
}

/// The base project's build is the yardstick of memory and time.
fn base_cost() -> (i64, Duration) {
    let dir = fixtures_base();
    let (code, stderr, mib, time) = build_measured(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    (mib, time)
}

/// `range(2000000000)` took 8 GB before typst's `range` was bounded; now it is
/// an error at the call, in the project's theme file, with no more memory than
/// a good build. Fails with the standard library's `range` back in `world.rs`.
#[test]
fn a_range_of_billions_in_the_theme_stops_at_its_call() {
    let (base_mib, base_time) = base_cost();
    let dir = project_with_theme_code("#for i in range(2000000000) {}");
    let (code, stderr, mib, time) = build_measured(dir.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    let at = format!("themes/default/typst/lib.typ:{}:11", AFTER_LINE + 1);
    assert!(stderr.contains(&at), "expected {at}:\n{stderr}");
    assert!(stderr.contains("2000000000 numbers") && stderr.contains("at most 1000000"), "{stderr}");
    assert!(mib < base_mib + 200, "{mib} MiB (a good build: {base_mib} MiB)");
    assert!(time < base_time * 3 + Duration::from_secs(5), "{time:?} (a good build: {base_time:?})");
    assert!(!dir.path().join("output").exists(), "output was written");
}

/// Growth that `range` does not see (repeating an array) is stopped by the
/// memory limit, and a loop of loops by the time limit: each within seconds,
/// with an error naming the document and the theme file, the previous output
/// unchanged. Without the watchdog the first takes gigabytes and the second
/// runs for hours.
#[test]
fn theme_code_that_grows_or_loops_is_stopped_by_the_limits() {
    let dir = fixtures_base();
    let (code, stderr, _, _) = build_measured(dir.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let good = snapshot(&dir.path().join("output"));

    let cases = [
        ("#let big = (0,) * 200000000", "ARSRAPPORT_TYPST_MEMORY_MIB", "700", "more than the limit of 700 MiB"),
        (
            "#for i in range(1000000) { for j in range(1000000) {} }",
            "ARSRAPPORT_TYPST_SECONDS",
            "3",
            "it took longer than 3 s",
        ),
    ];
    for (theme_code, variable, limit, said) in cases {
        let theme = project_with_theme_code(theme_code);
        copy_dir(&theme.path().join("themes"), &dir.path().join("themes"));
        let (code, stderr, mib, time) = build_measured(dir.path(), &[(variable, limit)]);
        assert_eq!(code, Some(1), "{theme_code}: {stderr}");
        assert!(stderr.contains("typesetting `arsredovisning-2013` was stopped"), "{theme_code}: {stderr}");
        assert!(stderr.contains(said), "{theme_code}: {stderr}");
        assert!(stderr.contains("--> themes/default/typst/lib.typ\n"), "{theme_code}: {stderr}");
        assert!(stderr.contains("previous output is unchanged"), "{theme_code}: {stderr}");
        assert!(mib < 1200, "{theme_code}: {mib} MiB");
        assert!(time < Duration::from_secs(30), "{theme_code}: {time:?}");
        assert!(snapshot(&dir.path().join("output")) == good, "{theme_code}: the output changed");
        eprintln!("{theme_code}: stopped after {time:?} at a peak of {mib} MiB");
    }
}

/// A limit that is not a number is an error, not the default.
#[test]
fn a_limit_that_is_not_a_number_is_an_error() {
    let dir = fixtures_base();
    let (code, stderr, _, _) = build_measured(dir.path(), &[("ARSRAPPORT_TYPST_SECONDS", "tio")]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("ARSRAPPORT_TYPST_SECONDS must be a positive whole number, found `tio`"), "{stderr}");
}
