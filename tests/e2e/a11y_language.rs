//! Phrases in another language (`[Business Region Borås]{lang=en}`) are tagged with
//! their language in both outputs: `<span lang>` on the site, `/Lang` on the PDF's
//! marked text, so a screen reader switches voice for them.

use std::collections::BTreeMap;
use std::path::Path;

use lopdf::{Document, Object};

use crate::common::*;

const CHAPTER: &str = "# Samarbete

Förbundet driver [Business Region Borås]{lang=en} tillsammans med näringslivet.

## Om [Science Center]{lang=en-GB}

| Verksamhet | Besök |
|---|---:|
| [Navet *Science* Center]{lang=EN} | 14 263 |
| Teman [i huset] | 2 013 |
";

/// The languages of the PDF's marked text, with how many marked sequences carry each.
fn marked_languages(pdf: &Path) -> BTreeMap<String, usize> {
    let doc = Document::load(pdf).unwrap();
    let mut languages = BTreeMap::new();
    for page in doc.get_pages().into_values() {
        for op in doc.get_and_decode_page_content(page).unwrap().operations {
            let properties = match op.operands.get(1) {
                Some(Object::Dictionary(d)) if op.operator == "BDC" => d,
                _ => continue,
            };
            if let Ok(Object::String(lang, _)) = properties.get(b"Lang") {
                *languages.entry(String::from_utf8_lossy(lang).into_owned()).or_default() += 1;
            }
        }
    }
    languages
}

/// Failed with the typst emitter writing the phrase without `#text(lang: …)`
/// (its `language()` returning an empty `Around`): the PDF's marked text carried
/// only `sv-SE`. With the document's region not reset, the English phrases were
/// tagged `en-SE`, which the exact list of languages refuses.
#[test]
fn a_phrase_marked_with_a_language_is_tagged_in_the_site_and_the_pdf() {
    let dir = fixtures_base();
    write_file(dir.path(), "content/chapters/02-samarbete.md", CHAPTER);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");

    let html = std::fs::read_to_string(dir.path().join("output/html/02-samarbete.html")).unwrap();
    assert!(html.contains("driver <span lang=\"en\">Business Region Borås</span> tillsammans"), "{html}");
    assert!(html.contains("<h2 id=\"om-science-center\">Om <span lang=\"en-GB\">Science Center</span></h2>"));
    assert!(html.contains("<th scope=\"row\"><span lang=\"en\">Navet <em>Science</em> Center</span></th>"));
    // Brackets that mark nothing stay text; the markers themselves are never shown.
    assert!(html.contains("Teman [i huset]"));
    assert!(!html.contains("{lang") && !html.contains("[Business") && !html.contains("Center]"));

    let pdf = dir.path().join("output/arsredovisning-2013.pdf");
    // The extractor puts a space of its own where marked text begins and ends.
    let text = pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("driver Business Region Borås tillsammans"), "{text}");
    assert!(text.contains("Teman [i huset]") && !text.contains("{lang"), "{text}");
    let languages = marked_languages(&pdf);
    let others: Vec<&String> = languages.keys().filter(|l| *l != "sv-SE").collect();
    assert_eq!(others, ["en", "en-GB"], "{languages:?}");
    // The paragraph's phrase and the cell's; the heading's in the body and in the contents.
    assert!(languages["en"] >= 2 && languages["en-GB"] >= 2, "{languages:?}");
}

/// The same chapter without the markings: nothing but the document's language.
#[test]
fn text_without_markings_is_in_the_documents_language() {
    let dir = fixtures_base();
    let plain = ["{lang=en}", "{lang=en-GB}", "{lang=EN}"].iter().fold(CHAPTER.to_owned(), |t, m| t.replace(m, ""));
    write_file(dir.path(), "content/chapters/02-samarbete.md", plain.replace(['[', ']'], ""));
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let languages = marked_languages(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert_eq!(languages.keys().collect::<Vec<_>>(), ["sv-SE"]);
    let html = std::fs::read_to_string(dir.path().join("output/html/02-samarbete.html")).unwrap();
    assert!(!html.contains("<span lang"));
}
