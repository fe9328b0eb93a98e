//! Goal statuses keep their symbol and word and gain the theme's colour, as
//! a marker beside them, in goal tables, summaries, the legend and the goal
//! chart, in both outputs; a theme changes the colours in `theme.yaml`.

use std::path::Path;

use crate::common::*;

const GOALS: &str = "\
areas:
  - id: hr
    title: Medarbetarcentrum
    goals:
      - {id: a, title: Fler utbildade chefer, target: {at_least: 50, unit: personer}, outcome: {value: 60, unit: personer}}
      - {id: b, title: Lägre sjukfrånvaro, target: {at_most: 5, unit: procent}, outcome: {value: 9, unit: procent}}
";

const CHARTS: &str = "\
charts:
  - {id: mal, type: stacked, horizontal: true, title: Måluppfyllelse, source: {goals: mal, by: area}}
";

const CHAPTER: &str =
    "# Mål\n\n{{ goals(area=\"hr\") }}\n\n{{ goal_summary() }}\n\n{{ goal_legend() }}\n\n{{ chart(id=\"mal\") }}\n";

fn goals_project() -> tempfile::TempDir {
    let dir = project(&[("01-mal.md", CHAPTER)]);
    write_file(dir.path(), "content/data/mal.yaml", GOALS);
    write_file(dir.path(), "content/data/diagram.yaml", CHARTS);
    dir
}

/// The pixels of every page of the PDF (`pdftoppm`, 50 dpi), as RGB.
fn pdf_pixels(pdf: &Path) -> Vec<[u8; 3]> {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "50"])
        .arg(pdf)
        .arg(dir.path().join("p"))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let mut pixels = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let ppm = std::fs::read(entry.unwrap().path()).unwrap();
        // `P6 <width> <height> 255` and one white space, then the pixels.
        let mut fields = 0;
        let start = ppm
            .iter()
            .enumerate()
            .position(|(i, b)| {
                if b.is_ascii_whitespace() && i > 0 && !ppm[i - 1].is_ascii_whitespace() {
                    fields += 1;
                }
                fields == 4
            })
            .unwrap();
        pixels.extend(ppm[start + 1..].chunks_exact(3).map(|c| [c[0], c[1], c[2]]));
    }
    pixels
}

fn has_colour(pixels: &[[u8; 3]], hex: &str) -> bool {
    let want: Vec<i32> = (0..3).map(|i| i32::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()).collect();
    pixels.iter().filter(|p| (0..3).all(|i| (i32::from(p[i]) - want[i]).abs() <= 6)).count() >= 4
}

/// The site shows each status as marker, symbol and word, the marker hidden
/// from screen readers; the PDF sets the same words and has the colours on
/// its page. A theme's `colours.status` changes both. (Before, statuses had
/// no colour: no marker in the site, no such pixels in the PDF.)
#[test]
fn statuses_show_colour_symbol_and_word_in_both_outputs() {
    let dir = goals_project();
    write_file(dir.path(), "themes/default/theme.yaml", "colours:\n  status:\n    ej_uppfyllt: \"#8b0000\"\n");
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-mal.html")).unwrap();
    let marker = |colour: &str| {
        format!(
            "<span class=\"goal-status\"><svg class=\"goal-status__marker\" aria-hidden=\"true\" focusable=\"false\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"5\" fill=\"{colour}\"/></svg> "
        )
    };
    assert!(page.contains(&format!("{}✓ Uppfyllt</span>", marker("#2e7d32"))), "{page}");
    assert!(page.contains(&format!("{}✗ Ej uppfyllt</span>", marker("#8b0000"))), "the theme's colour: {page}");
    assert!(!page.contains("#c62828"), "the default red is replaced everywhere: {page}");
    // The legend names every status, "ej mätbart" too.
    let legend = page.rsplit("Teckenförklaring:").next().expect("a legend").split("</p>").next().unwrap();
    assert_eq!(legend.matches("goal-status__marker").count(), 5, "{legend}");
    assert!(legend.contains("○ Ej mätbart"), "{legend}");
    // The chart's bars are in the statuses' colours, and its data table counts them.
    let chart = page.split("<figure class=\"chart\"").nth(1).expect("the goal chart");
    assert!(chart.contains("fill=\"#2e7d32\"") && chart.contains("#8b0000"), "{chart}");

    let pdf = std::fs::read_dir(dir.path().join("output")).unwrap().map(|e| e.unwrap().path());
    let pdf = pdf.into_iter().find(|p| p.extension().is_some_and(|e| e == "pdf")).unwrap();
    // poppler, as for the pixels below (pdf_extract reads no text after the chart's image).
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext runs").stdout;
    let text = String::from_utf8(text).unwrap();
    for words in ["✓ Uppfyllt", "✗ Ej uppfyllt", "Teckenförklaring:"] {
        assert!(text.contains(words), "{words:?} in the PDF: {text}");
    }
    let pixels = pdf_pixels(&pdf);
    assert!(has_colour(&pixels, "#2e7d32"), "green markers on the PDF's page");
    assert!(has_colour(&pixels, "#8b0000"), "the theme's red on the PDF's page");
}

/// A goal chart naming a goals file that does not exist is an error at its line.
#[test]
fn a_goal_chart_of_an_unknown_goal_set_is_a_located_error() {
    let dir = goals_project();
    write_file(dir.path(), "content/data/diagram.yaml", CHARTS.replace("{goals: mal,", "{goals: maal,"));
    let (out, stdout, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("there is no goal set `maal`"), "{stderr}");
    assert!(stderr.contains("content/data/diagram.yaml:2:"), "{stderr}");
    assert!(stderr.contains("did you mean `mal`?"), "{stderr}");
}
