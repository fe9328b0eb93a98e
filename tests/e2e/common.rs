//! Helpers shared by the end-to-end tests.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::Duration;

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_arsrapport"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the example project in `content/`.
pub fn example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    dir
}

/// The footer links of the site, which `check` warns about when missing.
pub const SITE_LINKS: &str =
    "accessibility_statement: https://www.testforbundet.se/tillganglighet\ncontact: mailto:info@testforbundet.se\n";

/// A minimal project with the given chapters.
pub fn project(chapters: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("chapters")).unwrap();
    std::fs::write(
        content.join("report.yaml"),
        format!("organisation: Testförbundet\ntitle: Årsredovisning 2013\nkind: arsredovisning\nyear: 2013\ndecision:\n  body: Direktionen\n  date: 2014-02-06\n{SITE_LINKS}"),
    )
    .unwrap();
    for (name, text) in chapters {
        std::fs::write(content.join("chapters").join(name), text).unwrap();
    }
    dir
}

pub fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

pub fn build(root: &Path) -> (Output, String, String) {
    run(bin().arg("build").arg("--root").arg(root))
}

/// The PDF's text, with no-break spaces made plain so tests read naturally.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    pdf_extract::extract_text_from_mem(&bytes).unwrap().replace(['\u{a0}', '\u{202f}'], " ")
}

/// Every file under `dir` with its bytes, for comparing whole outputs.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// A copy of the small valid project of the fixtures.
pub fn fixtures_base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/base"), dir.path());
    dir
}

/// Writes `text` to `rel` under `root`, making its folders.
pub fn write_file(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project with one chapter placing `tables` and the figures file `figures`.
pub fn with_figures(figures: &str, tables: &[&str]) -> tempfile::TempDir {
    let mut chapter = String::from("# Tal\n\n");
    for t in tables {
        chapter.push_str(&format!("{{{{ table(id=\"{t}\") }}}}\n\n"));
    }
    let dir = project(&[("01-tal.md", &chapter)]);
    write_file(dir.path(), "content/data/tal.yaml", figures);
    dir
}

/// `arsrapport check` on `dir`: its exit code and stderr.
pub fn check(dir: &Path) -> (Option<i32>, String) {
    let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(dir));
    (out.status.code(), stderr)
}

/// What one `check` cost: CPU time (user and system) and peak resident memory.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub cpu: Duration,
    pub peak_kib: i64,
}

/// Runs `command` and reads its cost from the kernel's account of that one process
/// (`wait4`), so tests running beside it do not count; its stderr goes through
/// `stderr_path`.
#[allow(clippy::zombie_processes, reason = "the child is reaped by wait4, which std does not see")]
pub fn measured(command: &mut Command, stderr_path: &Path) -> (ExitStatus, String, Cost) {
    let child = command.stdout(Stdio::null()).stderr(std::fs::File::create(stderr_path).unwrap()).spawn().unwrap();
    // A command still running after a minute is killed: the test should fail, not hang.
    let pid = child.id() as libc::pid_t;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            for _ in 0..600 {
                std::thread::sleep(Duration::from_millis(100));
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
            }
            // SAFETY: the child has not been waited for, so `pid` is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        })
    };
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in; the child is ours and
    // not waited for elsewhere.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    assert_eq!(waited, pid, "wait4 failed");
    let time = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    let cost = Cost { cpu: time(usage.ru_utime) + time(usage.ru_stime), peak_kib: usage.ru_maxrss };
    (ExitStatus::from_raw(status), std::fs::read_to_string(stderr_path).unwrap_or_default(), cost)
}

/// The fixtures' base project with `data` added to its figures file and
/// `call` placed at the end of its chapter.
pub fn base_with(data: &str, call: &str) -> tempfile::TempDir {
    let dir = fixtures_base();
    let append = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        let mut whole = std::fs::read_to_string(&path).unwrap();
        whole.push_str(text);
        std::fs::write(&path, whole).unwrap();
    };
    append("content/data/rakenskaper.yaml", data);
    append("content/chapters/01-ekonomi.md", &format!("\n{call}\n"));
    dir
}
