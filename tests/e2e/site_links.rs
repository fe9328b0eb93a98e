//! The site's links out of the report: the organisation's accessibility
//! statement and contact (from `report.yaml`) in every page's footer, and the
//! PDF link with the document's kind and the file's real size.

use std::path::Path;

use crate::common::*;

/// Every HTML page of the site in `dir`: (file name, source).
fn pages(dir: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    pages.sort();
    assert!(pages.len() >= 3, "expected the index, a chapter and the search page in {}", dir.display());
    pages
}

/// The page's footer, from `<footer` to `</footer>`.
fn footer(page: &str) -> &str {
    let start = page.find("<footer").expect("the page has a footer");
    &page[start..start + page[start..].find("</footer>").expect("the footer is closed")]
}

const CHAPTER: &str = "# Förvaltningsberättelse\n\nFörbundet redovisar ett resultat.\n";

/// Fails when `site_links` is left out of the site's context (the
/// templates then cannot render the footer and the build fails).
#[test]
fn every_page_links_to_the_accessibility_statement_and_the_contact() {
    let dir = project(&[("01-forvaltningsberattelse.md", CHAPTER)]);
    let config = dir.path().join("content/report.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap().replace(SITE_LINKS, "");
    text.push_str("accessibility_statement: https://www.testforbundet.se/om-webbplatsen?del=tillganglighet&sv\n");
    text.push_str("contact: mailto:registrator@testforbundet.se\n");
    std::fs::write(&config, text).unwrap();
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("warning") && !stdout.contains("warning"), "no warning expected: {stdout}{stderr}");
    for (name, page) in pages(&dir.path().join("output/html")) {
        let footer = footer(&page);
        let statement = "<a href=\"https://www.testforbundet.se/om-webbplatsen?del=tillganglighet&amp;sv\">Tillgänglighetsredogörelse</a>";
        assert_eq!(footer.matches(statement).count(), 1, "{name}: {footer}");
        let contact = "<a href=\"mailto:registrator@testforbundet.se\">Kontakt</a>";
        assert_eq!(footer.matches(contact).count(), 1, "{name}: {footer}");
    }
}

/// Fails when the pipeline does not pass the warnings on from
/// `report.yaml`: `check` is then silent.
#[test]
fn check_warns_at_report_yaml_when_the_site_links_are_missing() {
    let dir = project(&[("01-forvaltningsberattelse.md", CHAPTER)]);
    let config = dir.path().join("content/report.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains(SITE_LINKS));
    std::fs::write(&config, text.replace(SITE_LINKS, "")).unwrap();
    let (out, _, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert!(out.status.success(), "missing links are a warning, not an error: {stderr}");
    for (what, key) in [
        ("the organisation's accessibility statement (tillgänglighetsredogörelse)", "accessibility_statement"),
        ("a contact page or address", "contact"),
    ] {
        let message =
            format!("warning: the site has no link to {what}: `{key}:` is missing\n  --> content/report.yaml:1:1\n");
        assert_eq!(stderr.matches(&message).count(), 1, "{stderr}");
    }
    assert!(stderr.contains("add a line such as `contact: mailto:info@kommunen.se`"), "{stderr}");
    // Built anyway, the footer offers no empty list of links.
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    for (name, page) in pages(&dir.path().join("output/html")) {
        assert!(!footer(&page).contains("site-footer__links"), "{name}");
    }
}

/// The size shown as the test computes it from the file: whole kB below a
/// megabyte, else MB with one decimal, joined to the unit by a no-break space.
fn shown_size(bytes: u64) -> String {
    if bytes < 999_500 {
        format!("{}\u{a0}kB", ((bytes + 500) / 1000).max(1))
    } else {
        let tenths = (bytes + 50_000) / 100_000;
        format!("{},{}\u{a0}MB", tenths / 10, tenths % 10)
    }
}

/// Fails when the size slot is filled with a fixed 857 000 bytes instead of
/// the PDF's length: the pages then say 857 kB, not the file's 867 kB.
#[test]
fn the_pdf_link_names_the_document_and_gives_the_files_real_size() {
    let dir = example();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    for (name, label) in [
        ("arsredovisning-2013", "Ladda ner årsredovisningen"),
        ("verksamhetsplan-och-budget-2013", "Ladda ner verksamhetsplanen"),
    ] {
        let site = dir.path().join("output").join(name);
        let pdf = format!("{name}.pdf");
        let bytes = std::fs::metadata(site.join(&pdf)).unwrap().len();
        assert_eq!(bytes, std::fs::metadata(dir.path().join("output").join(&pdf)).unwrap().len());
        let link_text = format!("{label} <span class=\"file-type\">(PDF, {})</span></a>", shown_size(bytes));
        for (page, source) in pages(&site) {
            assert!(!source.contains('\u{FDD0}'), "{page}: the size slot was left unfilled");
            // Once in the footer of every page, and on the start page once more.
            let expected = if page == "index.html" { 2 } else { 1 };
            assert_eq!(source.matches(&link_text).count(), expected, "{page}: expected `{link_text}`");
            assert_eq!(source.matches(&format!("href=\"{pdf}\"")).count(), expected, "{page}");
            // Opened in the browser's own viewer, not forced to a download.
            assert!(!source.contains(" download"), "{page} forces a download");
        }
    }
}
