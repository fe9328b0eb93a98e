//! `hyphenate:` in the theme: long Swedish compounds are hyphenated in
//! running text when the theme asks for it, and not otherwise.

use crate::common::*;

/// Lines of the PDF's text that end in a word broken by a hyphen
/// ("kompetensutveck-"); the text layer holds it as a soft hyphen, which
/// the extractor gives after a space.
fn hyphenated_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|line| {
            let Some(rest) = line.trim_end().strip_suffix(['\u{ad}', '-']) else { return false };
            rest.trim_end().chars().next_back().is_some_and(char::is_alphabetic)
        })
        .map(str::to_owned)
        .collect()
}

/// Without the setting no line is hyphenated (the first half): that is the
/// output of lib.typ without `hyphenate: settings.hyphenate.text`, on which
/// the second half fails.
#[test]
fn long_compounds_are_hyphenated_in_running_text_when_the_theme_says_so() {
    let sentence = "Lärarutbildningsdagarna, kompetensutvecklingsinsatserna och verksamhetsuppföljningen ";
    let chapter = format!("# Kapitel\n\n{}\n", sentence.repeat(12));
    let dir = project(&[("01-kapitel.md", &chapter)]);
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let plain = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert!(plain.contains("Lärarutbildningsdagarna"), "{plain}");
    assert_eq!(hyphenated_lines(&plain), Vec::<String>::new(), "hyphenated without being asked");

    let theme = dir.path().join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("theme.yaml"), "hyphenate:\n  text: true\n").unwrap();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let hyphenated = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    assert!(!hyphenated_lines(&hyphenated).is_empty(), "no word was hyphenated:\n{hyphenated}");
}
