//! Same input, same bytes: whatever order the file system lists the
//! project's files in, wherever the project lies, whenever and in whatever
//! environment it is built.
//!
//! A file system lists a folder in much the same order however its files were
//! created, so the listing order is varied through the test-only variable
//! `ARSRAPPORT_TEST_LISTING_ORDER` (src/listing.rs), which reverses or
//! interleaves every listing of chapters, data files and theme files.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use arsrapport::listing::ORDER_VARIABLE;

use crate::common::*;

/// A 1×1 PNG, for a chapter with images.
const PNG: [u8; 69] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 144, 119, 83,
    222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1, 1, 0, 201, 254, 146, 239, 0, 0, 0, 0,
    73, 69, 78, 68, 174, 66, 96, 130,
];

/// One way of running the tool: a listing order and an environment.
struct Setting {
    order: Option<&'static str>,
    env: &'static [(&'static str, &'static str)],
    removed: &'static [&'static str],
}

const SETTINGS: [Setting; 3] = [
    Setting {
        order: None,
        env: &[("TZ", "UTC"), ("LANG", "C.UTF-8"), ("LC_ALL", "C.UTF-8"), ("SOURCE_DATE_EPOCH", "0")],
        removed: &[],
    },
    Setting {
        order: Some("reversed"),
        env: &[
            ("TZ", "Pacific/Kiritimati"),
            ("LANG", "sv_SE.UTF-8"),
            ("LC_ALL", "sv_SE.UTF-8"),
            ("SOURCE_DATE_EPOCH", "2000000000"),
        ],
        removed: &[],
    },
    Setting {
        order: Some("interleaved"),
        env: &[("TZ", "America/St_Johns"), ("LANG", "en_US.ISO-8859-1")],
        removed: &["LC_ALL", "SOURCE_DATE_EPOCH", "HOME"],
    },
];

/// The command for `setting`, with a home folder of its own (or none).
fn command(setting: &Setting, home: &Path, args: &[&str], root: &Path) -> Command {
    let mut cmd = bin();
    cmd.args(args).arg("--root").arg(root).env_remove(ORDER_VARIABLE).env("HOME", home);
    if let Some(order) = setting.order {
        cmd.env(ORDER_VARIABLE, order);
    }
    for (key, value) in setting.env {
        cmd.env(key, value);
    }
    for key in setting.removed {
        cmd.env_remove(key);
    }
    cmd
}

/// The example with images in a chapter of their own and a theme file of the
/// project, so that chapters, data, images and theme files are all listed.
fn full_example(at: &Path) {
    copy_dir(&repo().join("content"), &at.join("content"));
    let write = |rel: &str, bytes: &[u8]| {
        let path = at.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write("content/images/karta.png", &PNG);
    write("content/images/logga.png", &PNG);
    write(
        "content/chapters/arsredovisning-2013/12-bilder.md",
        "# Bilder\n\n![Karta över Sjuhärad](../../images/karta.png)\n\n![Logga](../../images/logga.png)\n".as_bytes(),
    );
    write("themes/default/i18n/sv.yaml", &std::fs::read(repo().join("themes/default/i18n/sv.yaml")).unwrap());
    // The example's plan has no decision yet, so its PDF would be dated by
    // SOURCE_DATE_EPOCH or the day of the build, as documented; a date of its
    // own makes it the same on every day, which is what is tested here.
    let report = std::fs::read_to_string(at.join("content/report.yaml")).unwrap();
    let dated = report.replacen("kind: verksamhetsplan\n", "kind: verksamhetsplan\n    date: 2013-01-01\n", 1);
    assert_ne!(report, dated, "the example's plan is no longer where this test dates it");
    write("content/report.yaml", dated.as_bytes());
}

/// Built three times — listed as the file system lists it, reversed and
/// interleaved; in a short and in a long path with spaces and å; in three
/// time zones and locales, with and without `SOURCE_DATE_EPOCH` and `HOME`, at
/// least a second apart — the PDFs and every file of the sites are the same
/// bytes.
///
/// Failed when the sorting of chapters was removed (`paths.sort()` in
/// src/content.rs): the reversed listing put the chapters in reverse order.
#[test]
fn the_same_project_builds_to_the_same_bytes_whatever_the_listing_order_path_time_and_environment() {
    let places = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let roots = [
        places[0].path().join("p"),
        places[1].path().join("ett mycket längre namn på en mapp/med å, ä och ö/årsredovisning"),
        places[2].path().join("r"),
    ];
    let mut outputs = Vec::new();
    let mut last_start: Option<Instant> = None;
    for ((setting, root), place) in SETTINGS.iter().zip(&roots).zip(&places) {
        full_example(root);
        // The clock moves on between builds: nothing may depend on it.
        if let Some(started) = last_start {
            std::thread::sleep(Duration::from_millis(1100).saturating_sub(started.elapsed()));
        }
        last_start = Some(Instant::now());
        let home = place.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let (out, _, stderr) = run(&mut command(setting, &home, &["build"], root));
        assert!(out.status.success(), "{:?}: {stderr}", setting.order);
        outputs.push(snapshot(&root.join("output")));
    }
    assert!(outputs[0].len() > 20, "the two documents' PDFs and sites: {} files", outputs[0].len());
    let names = |o: &[(std::path::PathBuf, Vec<u8>)]| o.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    for (other, setting) in outputs[1..].iter().zip(&SETTINGS[1..]) {
        assert_eq!(names(&outputs[0]), names(other), "{:?}", setting.order);
        for ((path, a), (_, b)) in outputs[0].iter().zip(other) {
            assert!(a == b, "{} differs when listed {:?}", path.display(), setting.order);
        }
    }
}

/// Problems in several chapters, data files and theme files are reported in
/// the same order, and with the same words, whatever the listing order.
///
/// Failed when the sorting of data files (`entries.sort_by` in src/data.rs)
/// was removed, and when that of chapters (`paths.sort()` in src/content.rs) was.
#[test]
fn problems_are_reported_in_the_same_order_whatever_the_listing_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&repo().join("tests/fixtures/base"), root);
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    for (name, line) in [("a", "a: [1"), ("b", "b: {x"), ("c", "c: ]"), ("d", "d: [2")] {
        write(&format!("content/data/{name}.yaml"), &format!("{line}\n"));
    }
    for name in ["02-b", "03-c", "04-d"] {
        write(&format!("content/chapters/{name}.md"), "---\nstatus: halvklar\n---\n# Rubrik\n");
    }
    for name in ["x.typ", "y.typ", "z.typ"] {
        write(&format!("themes/default/extra/{name}"), "");
        std::os::unix::fs::symlink(
            root.join(format!("themes/default/extra/{name}")),
            root.join(format!("themes/default/{name}")),
        )
        .unwrap();
    }
    let mut reports = Vec::new();
    for setting in &SETTINGS {
        let (out, _, stderr) = run(&mut command(setting, root, &["check"], root));
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        reports.push(stderr);
    }
    let first = &reports[0];
    for name in ["a", "b", "c", "d"] {
        assert!(first.contains(&format!("content/data/{name}.yaml:1:")), "{first}");
    }
    for name in ["x", "y", "z"] {
        assert!(first.contains(&format!("themes/default/{name}.typ")), "{first}");
    }
    for name in ["02-b", "03-c", "04-d"] {
        assert!(first.contains(&format!("content/chapters/{name}.md:2:")), "{first}");
    }
    for (report, setting) in reports[1..].iter().zip(&SETTINGS[1..]) {
        assert!(report == first, "listed {:?}:\n{report}\nlisted by the file system:\n{first}", setting.order);
    }
}
