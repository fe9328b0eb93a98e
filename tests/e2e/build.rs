//! End-to-end tests of `arsrapport build` and `check`, each in its own temporary project.

use crate::common::*;

#[test]
fn builds_the_example_into_a_pdf_and_a_site() {
    let dir = example();
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one summary per document: {stdout}");
    assert!(lines[0].starts_with("Built arsredovisning-2013: "), "{stdout}");
    assert!(lines[1].starts_with("Built verksamhetsplan-och-budget-2013: "), "{stdout}");
    assert!(lines.iter().all(|l| l.ends_with(" s")), "each summary gives the time taken: {stdout}");

    let output = dir.path().join("output");
    let text = pdf_text(&output.join("arsredovisning-2013.pdf"));
    for expected in ["Årsredovisning 2013", "Sjuhärads kommunalförbund", "29 716", "58 985", "Medarbetarcentrum"] {
        assert!(text.contains(expected), "the PDF lacks {expected:?}");
    }

    let html = output.join("arsredovisning-2013");
    let index = std::fs::read_to_string(html.join("index.html")).unwrap();
    assert!(index.contains("lang=\"sv\""));
    let chapters: Vec<_> = std::fs::read_dir(dir.path().join("content/chapters/arsredovisning-2013"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(chapters.len() >= 8);
    for stem in &chapters {
        let page = format!("{stem}.html");
        assert!(html.join(&page).is_file(), "{page} missing");
        assert!(index.contains(&format!("href=\"{page}\"")), "the index does not link {page}");
    }
    assert!(html.join("arsredovisning-2013.pdf").is_file(), "the PDF is copied into the site");
    assert!(html.join("assets/style.css").is_file());
}

#[test]
fn figures_in_text_come_from_data_formatted_the_swedish_way() {
    let dir = project(&[(
        "01-resultat.md",
        "# Resultat\n\nÅrets resultat blev {{ data.nyckeltal.resultat | belopp }} tkr och kostnaderna {{ data.nyckeltal.kostnader | belopp }} tkr.\n",
    )]);
    std::fs::create_dir_all(dir.path().join("content/data")).unwrap();
    std::fs::write(dir.path().join("content/data/nyckeltal.yaml"), "resultat: 2702\nkostnader: -50 970\n").unwrap();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-resultat.html")).unwrap();
    assert!(page.contains("blev 2\u{a0}702\u{a0}tkr och kostnaderna \u{2212}50\u{a0}970\u{a0}tkr"), "{page}");
    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert!(text.contains("2 702") && text.contains("\u{2212}50 970"), "{text}");
}

#[test]
fn any_text_reaches_the_pdf_literally() {
    // Each line is its own paragraph; Markdown escapes keep list markers literal.
    let lines = [
        ("# $ * _ ` < > @ [ ] ~ \\ = - + / \" '", r#"\# \$ \* \_ \` \< \> \@ \[ \] \~ \\ = - + / " '"#),
        ("1. januari är inte en lista", r"1\. januari är inte en lista"),
        ("+ 3,2 % jämfört med 2012", r"\+ 3,2 % jämfört med 2012"),
        ("- inte heller en punkt", r"\- inte heller en punkt"),
        ("= ingen rubrik", r"\= ingen rubrik"),
        ("// ingen kommentar", r"// ingen kommentar"),
        ("Skriv till kansli@borasregionen.se", r"Skriv till kansli@borasregionen.se"),
        ("Räntan var < 0,5 % och -- inget tankstreck ...", r"Räntan var \< 0,5 % och -- inget tankstreck ..."),
        ("http://example.se och <etikett> och @ref", r"http://example.se och \<etikett\> och @ref"),
    ];
    let body: String = lines.iter().map(|(_, md)| format!("{md}\n\n")).collect();
    let dir = project(&[("01-tecken.md", &format!("# Tecken\n\n{body}"))]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    let pdf_lines: Vec<&str> = text.lines().map(str::trim).collect();
    for (expected, _) in lines {
        assert!(pdf_lines.contains(&expected), "{expected:?} is not a line of the PDF text:\n{text}");
    }
}

#[test]
fn building_twice_gives_identical_bytes() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let first = snapshot(&dir.path().join("output"));
    assert!(build(dir.path()).0.status.success());
    let second = snapshot(&dir.path().join("output"));
    assert_eq!(first.len(), second.len());
    for ((path, a), (_, b)) in first.iter().zip(&second) {
        assert!(a == b, "{} differs between builds", path.display());
    }
}

#[test]
fn finds_the_project_root_from_a_subfolder() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n")]);
    let (out, stdout, stderr) = run(bin().arg("build").current_dir(dir.path().join("content/chapters")));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Built arsredovisning-2013"), "{stdout}");
    assert!(dir.path().join("output/html/01-a.html").is_file());

    let elsewhere = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(bin().arg("build").current_dir(elsewhere.path()));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("no project found"), "{stderr}");
}

#[test]
fn broken_input_reports_every_problem_and_keeps_the_last_good_output() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n"), ("02-b.md", "# B\n\nText.\n")]);
    assert!(build(dir.path()).0.status.success());
    let before = snapshot(&dir.path().join("output"));

    std::fs::write(dir.path().join("content/chapters/01-a.md"), "# A\n\n### Hoppar över en nivå\n").unwrap();
    std::fs::write(dir.path().join("content/chapters/02-b.md"), "# B\n\n{{ data.saknas.x | belopp }}\n").unwrap();
    let (out, stdout, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("content/chapters/01-a.md:3:1"), "{stderr}");
    assert!(stderr.contains("skips a level"), "{stderr}");
    assert!(stderr.contains("content/chapters/02-b.md:3:"), "{stderr}");
    assert!(stderr.contains("2 errors found; nothing was written."), "{stderr}");
    assert_eq!(snapshot(&dir.path().join("output")), before, "the previous output is untouched");
}

#[test]
fn check_writes_nothing_and_usage_errors_exit_with_2() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n")]);
    let (out, stdout, _) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert!(out.status.success());
    assert!(stdout.starts_with("Checked"), "{stdout}");
    assert!(!dir.path().join("output").exists());

    let (out, _, _) = run(bin().arg("bygg"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_example_statements_are_checked_and_its_rounding_gaps_are_warnings() {
    let dir = example();
    let (out, stdout, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("arsredovisning-2013: ") && stdout.contains(", 3 warnings in"), "{stdout}");
    assert!(stdout.contains(", 3 warnings as above in"), "the plan shares the data and its warnings: {stdout}");
    assert_eq!(stderr.matches("warning: ").count(), 3, "each warning is printed once: {stderr}");
    for gap in [
        "`maskiner.utgaende = maskiner.ingaende + maskiner.investeringar + maskiner.avskrivningar` does not hold for 2012: the left side is 928, the right side 927",
        "`rr.arets_resultat = kansli.arets_resultat + navet.arets_resultat + mc.arets_resultat` does not hold for 2012: the left side is 912, the right side 913",
        "`rr.avskrivningar = kansli.avskrivningar + navet.avskrivningar + mc.avskrivningar` does not hold for 2012",
    ] {
        assert!(stderr.contains(gap), "missing warning {gap:?} in:\n{stderr}");
    }

    // Build, then break one note line: the build fails at that line with both sums, output untouched.
    assert!(build(dir.path()).0.status.success());
    let before = snapshot(&dir.path().join("output"));
    let notes = dir.path().join("content/data/noter.yaml");
    let text = std::fs::read_to_string(&notes).unwrap();
    let broken = text
        .replace("{label: Statsbidrag, values: [10 523, 15 380]}", "{label: Statsbidrag, values: [10 532, 15 380]}");
    assert_ne!(text, broken);
    std::fs::write(&notes, broken).unwrap();
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = text.lines().position(|l| l.contains("claimed: [29 716, 39 072]")).unwrap() + 1;
    assert!(stderr.contains(&format!("content/data/noter.yaml:{line}:")), "{stderr}");
    assert!(
        stderr.contains("Summa 2013: 29\u{a0}716 is written here, but the sum of the table's lines is 29\u{a0}725"),
        "{stderr}"
    );
    assert_eq!(snapshot(&dir.path().join("output")), before, "the previous output is untouched");
}

#[test]
fn statement_figures_are_the_same_in_the_pdf_and_on_the_site() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    let html = std::fs::read_to_string(dir.path().join("output/arsredovisning-2013/09-balansrakning.html")).unwrap();
    let row = html
        .split("<tr id=\"br-summa_tillgangar\"")
        .nth(1)
        .expect("the line has an anchor")
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("<th scope=\"row\">Summa tillgångar</th><td class=\"num\">58\u{a0}985</td><td class=\"num\">55\u{a0}561</td>"), "{row}");
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Summa tillgångar 58 985 55 561"), "the PDF's line reads otherwise:\n{text}");
    // Note links: the Not column links to the note's anchor on the notes page.
    assert!(html.contains("<a href=\"10-noter.html#not-maskiner\">8</a>"), "{html}");
    let notes = std::fs::read_to_string(dir.path().join("output/arsredovisning-2013/10-noter.html")).unwrap();
    assert!(notes.contains("id=\"not-maskiner\""), "the note heading carries the anchor");
    assert!(notes.contains("href=\"09-balansrakning.html#br-maskiner\""), "the note links back to its line");
}

#[test]
fn goal_statuses_are_computed_and_shown_alike_in_pdf_and_site() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let page = std::fs::read_to_string(dir.path().join("output/arsredovisning-2013/06-navet.html")).unwrap();
    let row = page.split("<tr>").find(|r| r.contains("Elever på teman</th>")).expect("the goal's row");
    assert!(row.contains("minst 20\u{a0}000\u{a0}elever"), "{row}");
    assert!(row.contains("14\u{a0}263\u{a0}elever"), "{row}");
    assert!(row.contains("✗ Ej uppfyllt"), "14 263 of 20 000 is below the partial threshold: {row}");
    let summary = page.split("<tr>").find(|r| r.contains("Navet Science Center</th>")).expect("the summary row");
    assert!(summary.contains("12 (67\u{a0}%)"), "{summary}");

    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    // A word hyphenated at a line end ("upp-/fyllt") is extracted as `upp - fyllt`: read it as one.
    // The status's coloured marker is an artifact, which a screen reader skips
    // but text extraction keeps.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ").replace(" - ", "").replace("● ", "");
    assert!(
        words.contains("3. Elever på teman minst 20 000 elever 14 263 elever ✗ Ej uppfyllt"),
        "the PDF's row reads otherwise: {}",
        words.split("3. Elever på teman").nth(1).unwrap_or_default().chars().take(120).collect::<String>()
    );
}

/// The example with a sentence added to one chapter of each document, so
/// that a new build changes both documents' PDFs and sites.
fn change_both_documents(root: &std::path::Path) {
    for chapter in [
        "content/chapters/arsredovisning-2013/02-forvaltningsberattelse.md",
        "content/chapters/verksamhetsplan-och-budget-2013/01-inledning.md",
    ] {
        let path = root.join(chapter);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{chapter}: {e}"));
        std::fs::write(&path, format!("{text}\nEn mening som kom till i sista stund.\n")).unwrap();
    }
}

/// One document that cannot be built beside one that can: nothing is
/// written, for either of them, byte for byte. Broke it by writing each
/// document as soon as it was built: the good one's output changed.
#[test]
fn a_broken_document_beside_a_good_one_leaves_every_output_as_it_was() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let before = snapshot(&dir.path().join("output"));
    change_both_documents(dir.path());
    let plan = dir.path().join("content/chapters/verksamhetsplan-och-budget-2013/01-inledning.md");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, format!("{text}\n{{{{ data.nyckeltal.saknas | belopp }}}}\n")).unwrap();
    let (out, stdout, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("verksamhetsplan-och-budget-2013/01-inledning.md:"), "{stderr}");
    assert!(stderr.ends_with("1 error found; nothing was written.\n"), "{stderr}");
    assert!(stdout.is_empty(), "no document is reported as built: {stdout}");
    assert!(snapshot(&dir.path().join("output")) == before, "an output changed");
}

/// Makes a folder impossible to move (for root too) until dropped.
struct Locked(std::path::PathBuf);

impl Locked {
    fn new(dir: &std::path::Path) -> Locked {
        let immutable = std::process::Command::new("chattr").arg("+i").arg(dir).status().is_ok_and(|s| s.success());
        if !immutable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        let locked = Locked(dir.to_path_buf());
        // Not skipped where neither works: the test would prove nothing.
        let moved = dir.with_extension("moved");
        if std::fs::rename(dir, &moved).is_ok() {
            std::fs::rename(&moved, dir).unwrap();
            panic!("cannot make {} impossible to move here (chattr +i or chmod)", dir.display());
        }
        locked
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

/// The last of the four entries cannot be replaced: the three replaced
/// before it are put back, and the message says so truly. Broke it by
/// leaving out the roll-back: the report's PDF and site were the new ones.
#[test]
fn a_write_that_fails_half_way_puts_back_what_it_had_replaced() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let output = dir.path().join("output");
    let before = snapshot(&output);
    change_both_documents(dir.path());
    let (out, stdout, stderr) = {
        let _locked = Locked::new(&output.join("verksamhetsplan-och-budget-2013"));
        build(dir.path())
    };
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("error: cannot write ") && stderr.contains("output/verksamhetsplan-och-budget-2013:"),
        "{stderr}"
    );
    assert!(stderr.ends_with("1 error found; the previous output is unchanged.\n"), "{stderr}");
    assert!(snapshot(&output) == before, "an output changed");
    let names: Vec<_> = std::fs::read_dir(&output).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 4, "nothing is left behind: {names:?}");

    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    for page in
        ["arsredovisning-2013/02-forvaltningsberattelse.html", "verksamhetsplan-och-budget-2013/01-inledning.html"]
    {
        let html = std::fs::read_to_string(output.join(page)).unwrap();
        assert!(html.contains("En mening som kom till i sista stund."), "{page}");
    }
}

/// A folder of the user's own in `output/` under an output's name is not
/// deleted: the build refuses, names it, and writes nothing. Broke it by
/// replacing every folder (as before): `anteckningar.txt` was gone.
#[test]
fn a_folder_of_the_users_own_in_the_output_is_kept() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n")]);
    let notes = dir.path().join("output/html/anteckningar.txt");
    std::fs::create_dir_all(notes.parent().unwrap()).unwrap();
    std::fs::write(&notes, "mina anteckningar").unwrap();
    let (out, stdout, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.starts_with("error: output/html/ is in the way of the build, and arsrapport did not write it\n"),
        "{stderr}"
    );
    assert!(stderr.contains("move it out of output/"), "{stderr}");
    assert!(stderr.ends_with("1 error found; the previous output is unchanged.\n"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mina anteckningar");
    assert!(!dir.path().join("output/arsredovisning-2013.pdf").exists());

    // Moved away, the build writes the site; the next build replaces it.
    std::fs::rename(dir.path().join("output/html"), dir.path().join("anteckningar")).unwrap();
    assert!(build(dir.path()).0.status.success());
    assert!(build(dir.path()).0.status.success());
    assert!(dir.path().join("output/html/01-a.html").is_file());
}

/// The date in the PDF's metadata (XMP `CreateDate`).
fn pdf_date(pdf: &std::path::Path) -> String {
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let start = text.find("<xmp:CreateDate>").expect("the PDF has a creation date") + "<xmp:CreateDate>".len();
    text[start..start + 10].to_owned()
}

/// A plan decided before its date is set names its decision body, and its
/// PDF's date comes from the document's `date:` or else SOURCE_DATE_EPOCH,
/// never from the plan's year. Fails on the code before: the decision
/// demanded a date, and a document without one was dated 31 December.
#[test]
fn a_decision_without_a_date_names_its_body_and_the_date_comes_from_a_documented_source() {
    let dir = project(&[("01-a.md", "# A\n\nText.\n")]);
    let report = dir.path().join("content/report.yaml");
    let plan = "organisation: Testförbundet\ntitle: Verksamhetsplan 2014\nkind: verksamhetsplan\nyear: 2014\ndecision:\n  body: Direktionen\n";
    std::fs::write(&report, plan).unwrap();
    let build_at = |epoch: &str| run(bin().arg("build").arg("--root").arg(dir.path()).env("SOURCE_DATE_EPOCH", epoch));
    let (out, _, stderr) = build_at("1386806400"); // 2013-12-12
    assert!(out.status.success(), "{stderr}");
    let pdf = dir.path().join("output/verksamhetsplan-2014.pdf");
    assert_eq!(pdf_date(&pdf), "2013-12-12");
    assert!(pdf_text(&pdf).contains("Beslutad av Direktionen"));
    let index = std::fs::read_to_string(dir.path().join("output/html/index.html")).unwrap();
    assert!(index.contains("Beslutad av Direktionen</p>"), "{index}");

    std::fs::write(&report, format!("{plan}date: 2013-11-28\n")).unwrap();
    let (out, _, stderr) = build_at("1386806400");
    assert!(out.status.success(), "{stderr}");
    assert_eq!(pdf_date(&pdf), "2013-11-28", "the document's own date comes first");

    std::fs::write(&report, plan).unwrap();
    let (out, _, stderr) = build_at("i morgon");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01, found `i morgon`"),
        "{stderr}"
    );
}
