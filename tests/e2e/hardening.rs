//! Hostile or broken input: it never crashes the tool, never makes it read
//! outside the project, never turns into script on the website, and never
//! costs the last good output. Property tests of the parsers are in
//! `hardening/properties.rs`.

mod markdown;
mod properties;

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Stdio;

use crate::common::*;

/// A 1×1 PNG, for chapters with an image.
const PNG: [u8; 69] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 144, 119, 83,
    222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1, 1, 0, 201, 254, 146, 239, 0, 0, 0, 0,
    73, 69, 78, 68, 174, 66, 96, 130,
];

/// A copy of the small valid project of the fixtures.
fn base() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/base"), dir.path());
    dir
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

// ---------------------------------------------------------------- nothing is read outside the project

/// Text that must never reach a message or an output.
const SECRET: &str = "HEMLIGT-4711";

/// Each way a symbolic link can lead out of the project. The target lies in
/// another folder and holds the secret; the build must refuse, say why, and
/// show nothing of it.
#[test]
fn symbolic_links_out_of_the_project_are_refused() {
    type Setup = fn(&Path, &Path);
    let cases: &[(&str, Setup)] = &[
        ("a chapter", |root, outside| {
            write(outside, "kapitel.md", format!("# {SECRET}\n"));
            symlink(outside.join("kapitel.md"), root.join("content/chapters/02-lank.md")).unwrap();
        }),
        ("a data file", |root, outside| {
            write(outside, "data.yaml", format!("hemligt: {SECRET}\n"));
            symlink(outside.join("data.yaml"), root.join("content/data/hemligt.yaml")).unwrap();
        }),
        ("the chapters folder", |root, outside| {
            write(outside, "kapitel/01-a.md", format!("# {SECRET}\n"));
            std::fs::remove_dir_all(root.join("content/chapters")).unwrap();
            symlink(outside.join("kapitel"), root.join("content/chapters")).unwrap();
        }),
        ("the data folder", |root, outside| {
            write(outside, "data/rakenskaper.yaml", format!("hemligt: {SECRET}\n"));
            std::fs::remove_dir_all(root.join("content/data")).unwrap();
            symlink(outside.join("data"), root.join("content/data")).unwrap();
        }),
        ("a theme file", |root, outside| {
            write(outside, "chapter.html", format!("<p>{SECRET}</p>\n"));
            std::fs::create_dir_all(root.join("themes/default/html")).unwrap();
            symlink(outside.join("chapter.html"), root.join("themes/default/html/chapter.html")).unwrap();
        }),
        ("the theme folder", |root, outside| {
            write(outside, "tema/html/chapter.html", format!("<p>{SECRET}</p>\n"));
            std::fs::create_dir_all(root.join("themes")).unwrap();
            symlink(outside.join("tema"), root.join("themes/default")).unwrap();
        }),
        ("an image", |root, outside| {
            write(outside, "karta.png", PNG);
            std::fs::create_dir_all(root.join("content/images")).unwrap();
            symlink(outside.join("karta.png"), root.join("content/images/karta.png")).unwrap();
            write(root, "content/chapters/02-bild.md", "# Bild\n\n![Karta över Sjuhärad](../images/karta.png)\n");
        }),
        ("the logo", |root, outside| {
            write(outside, "logo.png", PNG);
            std::fs::create_dir_all(root.join("content/images")).unwrap();
            symlink(outside.join("logo.png"), root.join("content/images/logo.png")).unwrap();
            let report = std::fs::read_to_string(root.join("content/report.yaml")).unwrap();
            write(root, "content/report.yaml", format!("{report}logo:\n  file: images/logo.png\n  alt: Logotyp\n"));
        }),
        ("report.yaml", |root, outside| {
            let report = std::fs::read_to_string(root.join("content/report.yaml")).unwrap();
            write(outside, "report.yaml", report.replace("Testförbundet", SECRET));
            std::fs::remove_file(root.join("content/report.yaml")).unwrap();
            symlink(outside.join("report.yaml"), root.join("content/report.yaml")).unwrap();
        }),
    ];
    let mut failures = Vec::new();
    for (what, setup) in cases {
        let project = base();
        let outside = tempfile::tempdir().unwrap();
        setup(project.path(), outside.path());
        for command in ["check", "build"] {
            let (out, stdout, stderr) = run(bin().arg(command).arg("--root").arg(project.path()));
            let said_why = stderr.contains("outside the project") || stderr.contains("symbolic link");
            if out.status.code() != Some(1) || !said_why || stderr.contains("panicked") {
                failures.push(format!("{what} ({command}): exit {:?}\n{stderr}", out.status.code()));
            }
            if stderr.contains(SECRET) || stdout.contains(SECRET) {
                failures.push(format!("{what} ({command}): the secret is shown\n{stderr}"));
            }
            if project.path().join("output").exists() {
                failures.push(format!("{what} ({command}): output was written"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The typst World reads project files only: not through `..`, not through
/// a symbolic link that leads out, not from outside the project root.
#[test]
fn typst_reads_nothing_outside_the_project() {
    use arsrapport::render::world::{ReportWorld, file_id};
    use typst::World;
    let project = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "hemligt.txt", SECRET);
    write(project.path(), "content/inne.txt", "inne");
    symlink(outside.path().join("hemligt.txt"), project.path().join("content/lank.txt")).unwrap();
    let date = typst::foundations::Datetime::from_ymd(2014, 2, 6).unwrap();
    let world = ReportWorld::new(project.path(), &[], date);
    assert_eq!(world.file(file_id("/content/inne.txt")).unwrap().as_slice(), b"inne");
    let escape = format!("/../{}/hemligt.txt", outside.path().file_name().unwrap().to_string_lossy());
    for path in ["/content/lank.txt", &escape, "/../../../../etc/passwd", "/content/../../hemligt.txt"] {
        let read = world.file(file_id(path));
        assert!(read.as_ref().is_err(), "{path} was read");
    }
}

// ---------------------------------------------------------------- the last good output survives

/// A build that fails after a good one leaves every output file as it was,
/// byte for byte, whatever the mistake.
#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let project = base();
    let root = project.path();
    write(root, "content/images/karta.png", PNG);
    write(root, "content/chapters/02-bild.md", "# Bild\n\n![Karta över Sjuhärad](../images/karta.png)\n");
    let (out, _, stderr) = build(root);
    assert!(out.status.success(), "{stderr}");
    let good = snapshot(&root.join("output"));
    assert!(good.len() > 5, "{good:?}");

    let breakages: &[(&str, &str)] = &[
        ("content/data/rakenskaper.yaml", "tables: [\n"),
        ("content/chapters/02-bild.md", "# Bild\n\n![Karta](../images/saknas.png)\n"),
        ("content/chapters/03-tera.md", "# Tera\n\n{{ figures.rr.saknas | belopp }}\n"),
        ("content/chapters/03-html.md", "# HTML\n\n<script>alert(1)</script>\n"),
        ("themes/default/typst/lib.typ", "#let report(body) = {\n"),
        (
            "themes/default/html/chapter.html",
            "{% extends \"base.html\" %}{% block content %}{{ x.y }}{% endblock content %}",
        ),
        ("content/report.yaml", "organisation: [\n"),
    ];
    for (file, text) in breakages {
        let path = root.join(file);
        let before = std::fs::read(&path).ok();
        write(root, file, text);
        let (out, _, stderr) = build(root);
        assert_eq!(out.status.code(), Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains("the previous output is unchanged") || stderr.contains("nothing was written"),
            "{stderr}"
        );
        assert!(snapshot(&root.join("output")) == good, "{file}: the output changed");
        match before {
            Some(bytes) => std::fs::write(&path, bytes).unwrap(),
            None => std::fs::remove_file(&path).unwrap(),
        }
    }
    // Corrected, the project builds again, to the same bytes.
    std::fs::remove_dir_all(root.join("themes")).unwrap();
    let (out, _, stderr) = build(root);
    assert!(out.status.success(), "{stderr}");
    assert!(snapshot(&root.join("output")) == good);
}

/// A build killed at any moment leaves each part of the output (the PDF, the
/// site) either as it was or as the new build made it, never half-written;
/// the next build cleans up after it.
#[test]
fn a_killed_build_leaves_a_complete_output() {
    let project = base();
    let root = project.path();
    let (out, _, stderr) = build(root);
    assert!(out.status.success(), "{stderr}");
    let old = snapshot(&root.join("output"));
    // The new version of the project, and what it builds to.
    let chapter = root.join("content/chapters/01-ekonomi.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    let changed = text.replace("# Ekonomi", "# Ekonomin i korthet");
    let new = {
        let copy = base();
        std::fs::write(copy.path().join("content/chapters/01-ekonomi.md"), &changed).unwrap();
        let (out, _, stderr) = build(copy.path());
        assert!(out.status.success(), "{stderr}");
        snapshot(&copy.path().join("output"))
    };
    assert!(old != new);
    std::fs::write(&chapter, &changed).unwrap();

    // Kill builds at moments spread over how long one takes (measured here,
    // not assumed), most of them near its end, where the files are written.
    let started = std::time::Instant::now();
    let (out, _, _) = build(root);
    assert!(out.status.success());
    let took = started.elapsed();
    let restore = |root: &Path| {
        std::fs::remove_dir_all(root.join("output")).unwrap();
        for (path, bytes) in &old {
            write(&root.join("output"), path.to_str().unwrap(), bytes);
        }
    };
    let part = |files: &[(std::path::PathBuf, Vec<u8>)], top: &str| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        files.iter().filter(|(p, _)| p.starts_with(top)).cloned().collect()
    };
    let mut outcomes = [0; 4];
    for i in 0..24u32 {
        restore(root);
        let mut child =
            bin().arg("build").arg("--root").arg(root).stderr(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(took.mul_f64(0.5 + f64::from(i) / 36.0));
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&root.join("output"));
        let visible: Vec<_> =
            now.iter().filter(|(p, _)| !p.to_string_lossy().starts_with(".staging-")).cloned().collect();
        for top in ["arsredovisning-2013.pdf", "html"] {
            let found = part(&visible, top);
            assert!(
                found == part(&old, top) || found == part(&new, top),
                "kill {i}: {top} is neither the old nor the new one"
            );
        }
        assert_eq!(visible.len(), old.len(), "kill {i}: files appeared or went missing");
        outcomes[usize::from(visible == new) + 2 * usize::from(visible.len() != now.len())] += 1;
    }
    // Not asserted (it depends on the machine), but shown: how many kills came
    // before the writing, after it, and in the middle of it.
    eprintln!(
        "killed builds: {} before writing, {} after, {} while writing",
        outcomes[0],
        outcomes[1],
        outcomes[2] + outcomes[3]
    );
    let (out, _, stderr) = build(root);
    assert!(out.status.success(), "{stderr}");
    assert!(snapshot(&root.join("output")) == new, "the last build did not clean up");
}

/// Inputs the property tests found to crash the tool, kept as plain tests.
mod regressions {
    use arsrapport::markdown::{self, ChapterContext, LineIndex};

    fn typst(body: &str) -> markdown::typst::TypstChapter {
        let doc = markdown::parse(body, "content/chapters/01-a.md", "content/chapters", 0).unwrap();
        let lines = LineIndex::new(body, 0);
        let ctx = ChapterContext {
            file: "content/chapters/01-a.md",
            slug: "01-a",
            body,
            lines: &lines,
            line_offset: 0,
            tables: None,
        };
        markdown::typst::render(&doc, &ctx)
    }

    /// A table's head is inserted before its rows when the table ends; the
    /// line count then sliced the markup inside a multi-byte letter (a panic).
    #[test]
    fn a_table_with_letters_beyond_ascii_keeps_its_line_map() {
        let out = typst("# Titel Förbundet\n\n|  |\n| :--- |\n| äöaö !aA:! |\n| https://example.se/a?b=c&d ääaa |\n");
        assert_eq!(out.line_map.len(), out.markup.matches('\n').count() + 1, "{}", out.markup);
    }

    /// Text in a code block was escaped as markup inside a string literal,
    /// so the PDF showed `\#` for `#`.
    #[test]
    fn a_code_block_reaches_the_pdf_literally() {
        let out = typst("# T\n\n```\n#set x = \"a\\b\"\n```\n");
        assert!(out.markup.contains(r##"#raw(block: true, "#set x = \"a\\b\"\n")"##), "{}", out.markup);
    }

    use arsrapport::data::DataFiles;
    use arsrapport::figures::Figures;
    use arsrapport::figures::view::TableLabels;

    fn figures(text: &str) -> Result<(), String> {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("content/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("figurer.yaml"), text).unwrap();
        let files = DataFiles::load(dir.path()).map_err(|d| d.to_string())?;
        Figures::load(&files, &TableLabels { amounts_in: "belopp i", rounding: "Avrundning" })
            .map(drop)
            .map_err(|d| d.to_string())
    }

    /// `{:.4}` of a 29-digit decimal overflowed rust_decimal's buffer (a
    /// panic), reachable with `{{ 10000000000000000000000000000 | belopp(decimaler=4) }}`.
    #[test]
    fn a_long_number_with_decimals_is_formatted() {
        use arsrapport::format::format_amount;
        use rust_decimal::Decimal;
        let long = Decimal::from_parts(0, 0, 54210109, false, 0);
        assert_eq!(format_amount(long, Some(4)), format!("{},0000", format_amount(long, None)));
        assert_eq!(format_amount(Decimal::MAX, Some(2)).len(), format_amount(Decimal::MAX, None).len() + 3);
        assert_eq!(format_amount(Decimal::new(11, 1), Some(3)), "1,100");
    }

    /// Two figures near `Decimal::MAX` in one note made its sum overflow
    /// (a panic in `rust_decimal`). Amounts now have at most 15 digits.
    #[test]
    fn a_sum_of_huge_figures_is_an_error_not_a_crash() {
        let text = "defaults:\n  columns: [a, b]\ntables:\n  - id: t\n    title: T\n    rows:\n      - {id: r0, label: L0, note: n}\nnotes:\n  - id: n\n    title: N\n    rows:\n      - {label: X, values: [0, -1]}\n      - {label: X, values: [0, -79228162514264337593543950335]}\n      - {id: summa, label: Summa, sum: all}\n";
        let message = figures(text).unwrap_err();
        assert!(message.contains("content/data/figurer.yaml:13:") && message.contains("too large"), "{message}");
        // The largest accepted amounts still add up, in every unit.
        let max = "999 999 999 999 999";
        let ok = format!(
            "defaults:\n  unit: kr\n  input_unit: mnkr\n  columns: [a, b]\ntables:\n  - id: t\n    title: T\n    rows:\n      - {{id: x, label: X, values: [{max}, -{max}]}}\n      - {{id: y, label: Y, values: [{max}, -{max}]}}\n      - {{id: s, label: S, sum: [x, y, -x, -y, x]}}\n"
        );
        figures(&ok).unwrap();
    }
}

/// Links a browser would run as script are refused, however they are written.
#[test]
fn links_that_would_run_script_are_refused() {
    use arsrapport::markdown::unsafe_scheme;
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
    ] {
        assert!(unsafe_scheme(bad).is_some(), "{bad:?} should be refused");
    }
    for good in [
        "https://example.se/a?b=c",
        "http://example.se",
        "mailto:ekonomi@example.se",
        "tel:+4633123456",
        "03-noter.md#not-1",
        "#resultat",
        "noter.md#not:1",
        "bilagor/a:b.pdf",
        "java script:x",
    ] {
        assert_eq!(unsafe_scheme(good), None, "{good:?} should be allowed");
    }
}
