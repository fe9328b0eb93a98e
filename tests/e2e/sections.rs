//! Section numbers (`section_numbers:` in report.yaml): decided once in the
//! document model, shown the same in the PDF, its outline and the site.
//! The unit tests of the model and both emitters were made to fail by
//! numbering one level too few and by leaving the number out of each emitter.

use crate::common::{build, pdf_text, project};

const CHAPTER: &str = "# Förvaltning\n\n## Ekonomi\n\n### Resultat\n\n#### Detaljer\n\n## Personal\n";

/// The project with `section_numbers:` set as given.
fn built(setting: &str) -> (String, String) {
    let dir = project(&[("01-forvaltning.md", CHAPTER)]);
    let report = dir.path().join("content/report.yaml");
    let yaml = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{yaml}section_numbers: {setting}\n")).unwrap();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let output = dir.path().join("output");
    let pdf = pdf_text(&output.join("arsredovisning-2013.pdf"));
    let html = std::fs::read_to_string(output.join("html/01-forvaltning.html")).unwrap();
    (pdf, html)
}

#[test]
fn numbered_sections_show_the_same_numbers_in_the_pdf_and_the_site() {
    let (pdf, html) = built("2");
    for (number, text) in [("1.1", "Ekonomi"), ("1.1.1", "Resultat"), ("1.2", "Personal")] {
        assert!(pdf.contains(&format!("{number} {text}")), "{number} {text} missing in the PDF:\n{pdf}");
        assert!(
            html.contains(&format!("<span class=\"section-number\">{number}</span> {text}</h")),
            "{number} {text} missing on the site:\n{html}"
        );
    }
    assert!(!pdf.contains("1.1.1.1"), "depth 2 numbers `##` and `###` only:\n{pdf}");
    assert!(html.contains("<h4 id=\"detaljer\">Detaljer</h4>"), "{html}");
}

#[test]
fn sections_are_not_numbered_by_default() {
    let (pdf, html) = built("false");
    assert!(!pdf.contains("1.1 Ekonomi") && pdf.contains("Ekonomi"), "{pdf}");
    assert!(!html.contains("section-number"), "{html}");
}
