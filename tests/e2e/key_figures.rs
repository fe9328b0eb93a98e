//! "Året i siffror": cards of existing figures with their change against the
//! year before, the same in the PDF and on the site.

use arsrapport::data::DataFiles;
use arsrapport::figures::Figures;
use arsrapport::figures::key_figures::{KeyFigureLabels, Spreads};
use arsrapport::figures::view::TableLabels;
use arsrapport::theme::Theme;

use crate::common::*;

/// The PDF's text with every run of white space one space: the cards' lines
/// break where the grid's columns end.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A spread of three cards: an increase, a decrease and an unchanged figure.
const SPREAD: &str = "\nkey_figures:\n  - id: aret\n    year: 2013\n    cards:\n      - {figure: \"br.kassa[2013]\"}\n      - {figure: \"rr.netto[2013]\"}\n      - {figure: \"rr.arets_resultat[2013]\"}\n";

/// The base data: Kassa 300 against 250, nettokostnader −100 against −90,
/// the result 50 in both years. Each card shows its figure, the signed
/// change and, for screen readers, the change in words; the arrows are
/// hidden from them. (An HTML emitter that wrote the arrow without
/// `aria-hidden`, or a change computed the wrong way round, made this fail.)
#[test]
fn cards_show_the_figure_and_its_change_in_both_outputs() {
    let dir = base_with(SPREAD, "{{ key_figures(id=\"aret\") }}");
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-ekonomi.html")).unwrap();
    assert!(page.contains("<h2 id=\"aret-i-siffror\">Året i siffror</h2>"), "a real heading: {page}");
    assert!(page.contains("<ul class=\"key-figures\" id=\"nyckeltal-aret\">"), "{page}");
    for expected in [
        "<p class=\"key-figure-label\">Kassa och bank</p>\n<p class=\"key-figure-value\">300 <span class=\"key-figure-unit\">tkr</span></p>\n<p class=\"key-figure-change key-figure-up\"><span aria-hidden=\"true\"><span class=\"key-figure-arrow\">\u{25b2}</span> +50\u{a0}tkr <span class=\"key-figure-since\">jämfört med 2012</span></span><span class=\"visually-hidden\">ökning med 50\u{a0}tkr jämfört med 2012</span></p>",
        "<p class=\"key-figure-value\">\u{2212}100 <span class=\"key-figure-unit\">tkr</span></p>\n<p class=\"key-figure-change key-figure-down\"><span aria-hidden=\"true\"><span class=\"key-figure-arrow\">\u{25bc}</span> \u{2212}10\u{a0}tkr <span class=\"key-figure-since\">jämfört med 2012</span></span><span class=\"visually-hidden\">minskning med 10\u{a0}tkr jämfört med 2012</span></p>",
        "<p class=\"key-figure-label\">Årets resultat</p>\n<p class=\"key-figure-value\">50 <span class=\"key-figure-unit\">tkr</span></p>\n<p class=\"key-figure-change key-figure-same\"><span aria-hidden=\"true\"><span class=\"key-figure-arrow\">\u{2192}</span> 0\u{a0}tkr <span class=\"key-figure-since\">jämfört med 2012</span></span><span class=\"visually-hidden\">oförändrat jämfört med 2012</span></p>",
    ] {
        assert!(page.contains(expected), "{expected}\n---\n{page}");
    }
    assert!(!page.contains("arsrapport-key-figures"), "no marker left: {page}");
    let pdf = dir.path().join("output/arsredovisning-2013.pdf");
    let text = words(&pdf_text(&pdf));
    // The last "Året i siffror" is the heading; the first is its line in the table of contents.
    let spread = &text[text.rfind("Året i siffror").expect("the heading in the PDF")..];
    assert!(spread.starts_with("Året i siffror ") && spread.contains("Kassa och bank"), "{spread}");
    for expected in [
        "Kassa och bank",
        "300 tkr",
        "+50 tkr",
        "Verksamhetens nettokostnader",
        "\u{2212}100 tkr",
        "\u{2212}10 tkr",
        "50 tkr",
        "0 tkr",
    ] {
        assert!(spread.contains(expected), "{expected:?} in {spread}");
    }
    assert_eq!(spread.matches("jämfört med 2012").count(), 3, "{spread}");
    assert!(!text.contains("arsrapport-key-figures"), "{text}");
}

/// A figure whose year before has no figure shows no change, never a zero,
/// and `check` says so at the card; the build still succeeds.
#[test]
fn a_missing_previous_year_shows_no_change() {
    let spread = "\nkey_figures:\n  - id: aret\n    year: 2012\n    cards:\n      - {figure: \"br.kassa[2012]\"}\n";
    let dir = base_with(spread, "{{ key_figures(id=\"aret\") }}");
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("no change is shown on the card “Kassa och bank”: there is no figure for 2011"),
        "{stderr}"
    );
    assert!(stderr.contains("--> content/data/rakenskaper.yaml:"), "{stderr}");
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-ekonomi.html")).unwrap();
    assert!(
        page.contains("<p class=\"key-figure-value\">250 <span class=\"key-figure-unit\">tkr</span></p>\n</li>"),
        "{page}"
    );
    assert!(!page.contains("key-figure-change"), "{page}");
}

/// Every card of the example's spread shows the figure its table shows, in
/// the site and in the PDF, with the change against 2012 of the same line
/// (or of the figure named under `previous:`).
#[test]
fn the_examples_cards_equal_the_data() {
    let root = repo();
    let theme = Theme::load(&root, "default", "sv").unwrap();
    let data = DataFiles::load(&root).unwrap();
    let table_labels =
        TableLabels { amounts_in: theme.label("amounts_in"), rounding: theme.label("rounding_difference") };
    let (figures, _) = Figures::load(&data, &table_labels).unwrap();
    let (spreads, warnings) =
        Spreads::load(&data, &figures.computed, &KeyFigureLabels::new(|key| theme.label(key))).unwrap();
    assert!(warnings.is_empty(), "{warnings}");
    let cards = &spreads.get("aret").expect("the example's spread").figures.cards;
    // The figures as their tables show them: rr.arets_resultat, br.eget_kapital,
    // br.summa_tillgangar and the participants' totals of 2013 and 2012.
    let shown = |table: &str, row: &str, column: usize| {
        let view = &figures.views[table];
        view.rows.iter().find(|r| r.label == row).unwrap().cells[column].clone()
    };
    let by_label = |label: &str| cards.iter().find(|c| c.label == label).unwrap();
    assert_eq!(by_label("Årets resultat").value, shown("rr", "Årets resultat", 0));
    assert_eq!(by_label("Eget kapital").value, shown("br", "Eget kapital", 0));
    assert_eq!(by_label("Balansomslutning").value, shown("br", "Summa tillgångar", 0));
    let participants = by_label("Deltagare i Navets verksamhet");
    assert_eq!(participants.value, "46\u{a0}188");
    assert_eq!(participants.value, *shown("navet_deltagare_2013", "Summa", 7));
    assert_eq!(participants.change.as_ref().unwrap().words, "minskning med 11\u{a0}388 jämfört med 2012");
    let result = by_label("Årets resultat").change.as_ref().unwrap();
    assert_eq!(result.words, "ökning med 1\u{a0}790\u{a0}tkr jämfört med 2012", "2 702 against 912");

    let dir = example();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    let site = dir.path().join("output/arsredovisning-2013");
    let page = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().contains("forvaltningsberattelse"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .expect("the förvaltningsberättelse page");
    let text = words(&pdf_text(&dir.path().join("output/arsredovisning-2013.pdf")));
    // The spread, from its heading (after its line in the table of contents) to the next heading.
    let start = text.match_indices("Året i siffror").nth(1).expect("the spread in the PDF").0;
    let spread = &text[start..start + text[start..].find("Verksamhetsidé").unwrap()];
    for card in cards {
        assert!(page.contains(&format!("<p class=\"key-figure-label\">{}</p>", card.label)), "{}", card.label);
        assert!(page.contains(&format!("<p class=\"key-figure-value\">{}", card.value)), "{}", card.value);
        let change = card.change.as_ref().unwrap();
        assert!(page.contains(&format!("<span class=\"visually-hidden\">{}</span>", change.words)), "{}", change.words);
        let plain = |t: &str| t.replace('\u{a0}', " ");
        assert!(spread.contains(&plain(&card.label)), "{} in {spread}", card.label);
        assert!(spread.contains(&plain(&card.value)), "{} in {spread}", card.value);
        assert!(spread.contains(&plain(&change.figure)), "{} in {spread}", change.figure);
    }
}
