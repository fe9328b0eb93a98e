//! Inputs that are too large, not ordinary files, unreadable, named in a
//! way another system cannot hold, or holding control characters: each is
//! refused with a message naming the file, before it costs time or memory.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Runs `arsrapport <command>` on `root`; kills it after `limit`.
/// Returns the exit code (None when it had to be killed) and stderr.
fn run_within(command: &str, root: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child =
        bin().arg(command).arg("--root").arg(root).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let code = wait_within(&mut child, limit);
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    (code, stderr)
}

fn wait_within(child: &mut Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A chapter and a data file over the 4 MB limit are refused with their
/// size and the limit, before they are parsed. Fails on the code before the
/// limit: both files were read and the build went through.
#[test]
fn a_chapter_or_data_file_over_the_size_limit_is_refused_with_its_size() {
    let project = fixtures_base();
    let root = project.path();
    // Exactly 5 MB of ASCII text.
    let paragraph = "Verksamheten har under aret utvecklats enligt plan. ".repeat(20) + "\n\n";
    let mut chapter = format!("# Stor\n\n{}", paragraph.repeat((5 << 20) / paragraph.len() + 1));
    chapter.truncate(5 << 20);
    write_file(root, "content/chapters/02-stor.md", chapter);
    let lines: String = (0..500_000).map(|i| format!("nyckel_{i}: {i}\n")).collect();
    write_file(root, "content/data/stor.yaml", lines);
    let started = Instant::now();
    let (code, stderr) = run_within("check", root, Duration::from_secs(60));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: the file is 5 MB large; files of up to 4 MB are read\n  --> content/chapters/02-stor.md\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("  --> content/data/stor.yaml\n"), "{stderr}");
    assert!(stderr.contains("2 errors found"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}

/// A named pipe called `*.md` or `*.yaml` is refused at once, never opened
/// and waited on. Fails on the code before: `check` hung on the pipe until
/// the test killed it.
#[test]
fn a_named_pipe_is_refused_not_waited_on() {
    for rel in ["content/chapters/02-ror.md", "content/data/ror.yaml"] {
        let project = fixtures_base();
        let path = project.path().join(rel);
        let made = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(made.success());
        let (code, stderr) = run_within("check", project.path(), Duration::from_secs(20));
        assert_eq!(code, Some(1), "{rel}: {stderr}");
        assert!(
            stderr.contains(&format!("  --> {rel}\n"))
                && stderr.contains("error: this is a named pipe, not an ordinary file, so it is not read"),
            "{rel}: {stderr}"
        );
    }
}

/// A chapters, data or theme folder that cannot be read is an error naming
/// it and the reason, never "there are no chapters", no data or the
/// built-in theme. A link that leads to itself can never be read, also by
/// root; a folder without read permission is tried as well where the test
/// does not run as a user who may read anything. Fails on the code before:
/// the chapters folder was "missing", the data folder and the theme were
/// silently left out (the build went through).
#[test]
fn an_unreadable_folder_is_an_error_naming_it_and_why() {
    let cases: &[(&str, &str)] = &[
        ("content/chapters", "Too many levels of symbolic links"),
        ("content/data", "Too many levels of symbolic links"),
        ("themes/default", "Too many levels of symbolic links"),
    ];
    let mut failures = Vec::new();
    for (folder, reason) in cases {
        let project = fixtures_base();
        let path = project.path().join(folder);
        if path.exists() {
            std::fs::remove_dir_all(&path).unwrap();
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(path.file_name().unwrap(), &path).unwrap();
        let (code, stderr) = run_within("check", project.path(), Duration::from_secs(60));
        let said = stderr.contains(&format!("  --> {folder}\n")) && stderr.contains("error: cannot read the folder: ");
        if code != Some(1) || !said || !stderr.contains(reason) {
            failures.push(format!("{folder}: exit {code:?}\n{stderr}"));
        }
    }
    // Without read permission: only where that stops this user.
    for folder in ["content/chapters", "content/data"] {
        let project = fixtures_base();
        let path = project.path().join(folder);
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&path).is_err() {
            let (code, stderr) = run_within("check", project.path(), Duration::from_secs(60));
            if code != Some(1) || !stderr.contains("error: cannot read the folder: Permission denied") {
                failures.push(format!("{folder} without permission: exit {code:?}\n{stderr}"));
            }
        }
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------- one build at a time

/// Reads a child's stderr on a thread, so that the test can look at what
/// it has said so far while it runs.
fn stderr_so_far(child: &mut Child) -> std::sync::Arc<std::sync::Mutex<String>> {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut pipe = child.stderr.take().unwrap();
    let writer = seen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut pipe, &mut buf) {
            if n == 0 {
                break;
            }
            writer.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    seen
}

fn spawn_build(root: &Path) -> Child {
    bin().arg("build").arg("--root").arg(root).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
}

/// While another process holds the project's lock, a build says it waits
/// and writes nothing; it builds once the lock is free. Fails on the code
/// before the lock: the build wrote its output at once.
#[test]
fn a_second_build_waits_for_the_first_and_says_so() {
    let project = fixtures_base();
    let root = project.path();
    let holder = std::fs::File::open(root).unwrap();
    holder.lock().unwrap();
    let mut build = spawn_build(root);
    let stderr = stderr_so_far(&mut build);
    let started = Instant::now();
    while !stderr.lock().unwrap().contains("Another build of this project is running") {
        assert!(build.try_wait().unwrap().is_none(), "the build ended: {}", stderr.lock().unwrap());
        assert!(started.elapsed() < Duration::from_secs(30), "no word of waiting");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(build.try_wait().unwrap().is_none(), "the build did not wait");
    assert!(!root.join("output").exists(), "the build wrote while another held the lock");
    drop(holder);
    assert_eq!(wait_within(&mut build, Duration::from_secs(60)), Some(0), "{}", stderr.lock().unwrap());
    assert!(root.join("output").exists());
}

/// A build killed while it holds the lock does not block the next: the
/// operating system releases the lock with the process. Fails against the
/// binary before the lock: no build is ever seen holding it.
#[test]
fn a_killed_build_never_blocks_the_next() {
    let project = fixtures_base();
    let root = project.path();
    let folder = std::fs::File::open(root).unwrap();
    // Start builds until one is caught holding the lock, then kill it.
    let mut caught = false;
    for _ in 0..50 {
        let mut build = spawn_build(root);
        loop {
            if build.try_wait().unwrap().is_some() {
                break;
            }
            match folder.try_lock() {
                Err(std::fs::TryLockError::WouldBlock) => {
                    build.kill().unwrap();
                    build.wait().unwrap();
                    caught = true;
                    break;
                }
                Ok(()) => folder.unlock().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if caught {
            break;
        }
    }
    assert!(caught, "no build was seen holding the lock");
    let (code, stderr) = run_within("build", root, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("Another build"), "{stderr}");
}

// ---------------------------------------------------------------- bounded template work

/// Runs `check` on the base project with one more chapter, `02-slinga.md`.
fn check_chapter(chapter: &str, data: Option<&str>) -> (Option<i32>, String, Duration) {
    let project = fixtures_base();
    write_file(project.path(), "content/chapters/02-slinga.md", chapter);
    if let Some(data) = data {
        write_file(project.path(), "content/data/lista.yaml", data);
    }
    let started = Instant::now();
    let (code, stderr) = run_within("check", project.path(), Duration::from_secs(60));
    (code, stderr, started.elapsed())
}

/// Loops nested 2 to 6 deep, over `range` and over a list from a data
/// file, with and without text of their own: each stops within seconds at
/// the bound on total work, located in the chapter. Capping one `range`
/// would not be enough: 1 000 × 1 000 × 1 000 passes over data stop too.
/// Fails against the previous binary: the loops ran on until 64 MB of
/// output (or the test's time limit), and no message named the steps.
#[test]
fn loops_nested_2_to_6_deep_stop_at_the_bound_on_total_work() {
    let list: String = (0..1000).map(|i| format!("- {i}\n")).collect();
    let list = format!("rader:\n{}", list.replace("- ", "  - "));
    let mut failures = Vec::new();
    for depth in 2..=6 {
        for (over, body) in [("range(end=100000)", "x"), ("data.lista.rader", ""), ("range(end=100000)", "")] {
            let open: String = (0..depth).map(|d| format!("{{% for v{d} in {over} %}}")).collect();
            let close = "{% endfor %}".repeat(depth);
            let chapter = format!("# Slinga\n\nText före.\n{open}{body}{close}\n\nText efter.\n");
            let (code, stderr, took) = check_chapter(&chapter, Some(&list));
            let stopped = stderr.contains("error: expanding the chapter's template expressions takes more than 1 000 000 steps (the limit)\n  --> content/chapters/02-slinga.md:4:");
            if code != Some(1) || !stopped || took > Duration::from_secs(20) {
                failures
                    .push(format!("depth {depth} over {over} with {body:?}: exit {code:?} after {took:?}\n{stderr}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Ways to grow a value without writing it are refused where they stand,
/// before anything runs: doubling text with `set_global` in a loop (4 GB
/// in 40 steps), a component that calls itself, a list built with `for`
/// inside an expression. Fails when the call of `bounds::tag_problem` in
/// `source::prepare` is removed (then the doubling runs out of memory).
#[test]
fn template_forms_that_grow_without_writing_are_refused_at_their_place() {
    let cases = [
        (
            "# Slinga\n\n{% set_global x = \"ab\" %}{% for i in range(end=40) %}{% set_global x = x ~ x %}{% endfor %}{{ x | length }}\n",
            "error: `{% set_global %}` cannot be used in a chapter\n  --> content/chapters/02-slinga.md:3:4",
        ),
        (
            "# Slinga\n\n{% component rec(n) %}{% if n > 0 %}{{ <rec n={{ n - 1 }} /> }}{{ <rec n={{ n - 1 }} /> }}{% endif %}{% endcomponent %}\n\n{{ <rec n={{ 18 }} /> }}\n",
            "error: `{% component %}` cannot be used in a chapter\n  --> content/chapters/02-slinga.md:3:4",
        ),
        (
            "# Slinga\n\nAntal: {{ [[1 for a in range(end=100000)] for b in range(end=100000)] | length }}\n",
            "error: a list built with `for` inside an expression cannot be used in a chapter\n  --> content/chapters/02-slinga.md:3:",
        ),
    ];
    for (chapter, expected) in cases {
        let (code, stderr, took) = check_chapter(chapter, None);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{chapter}\n{stderr}");
        assert!(took < Duration::from_secs(20), "{took:?}");
    }
}

// ---------------------------------------------------------------- quadratic shapes

/// Nested image syntax and nested list markers on one line, at two sizes:
/// both are refused at the documented depth (`content::MAX_NESTING`), at
/// the place the limit is passed, within seconds. Fails against the
/// previous binary: 20 000 × `![a` was accepted after half a minute, and
/// 20 000 × `- ` ran for over a minute.
#[test]
fn deep_nesting_of_images_and_lists_is_refused_at_the_documented_depth() {
    let mut failures = Vec::new();
    for (unit, column) in [("![a", 3 * 32 + 2), ("- ", 2 * 32 + 1)] {
        for n in [2_000, 20_000] {
            let (code, stderr, took) = check_chapter(&format!("# Djup\n\n{}x\n", unit.repeat(n)), None);
            let expected = format!("  --> content/chapters/02-slinga.md:3:{column}\n");
            if code != Some(1) || !stderr.contains(&expected) || took > Duration::from_secs(10) {
                failures.push(format!("{n} × {unit:?}: exit {code:?} after {took:?}\n{stderr}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
