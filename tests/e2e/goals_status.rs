//! Goal statuses keep their symbol and word and gain the theme's colour, as
//! a marker beside them, in goal tables, summaries, the legend and the goal
//! chart, in both outputs; a theme changes the colours in `theme.yaml`.

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

fn has_colour(fills: &[[u8; 3]], hex: &str) -> bool {
    let want: Vec<u8> = (0..3).map(|i| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()).collect();
    fills.iter().any(|f| f[..] == want[..])
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

    // The PDF as typst laid it out: its runs of text and their colours.
    let runs = crate::layout::text_runs(dir.path());
    let text = runs.iter().map(|(run, _)| run.as_str()).collect::<Vec<_>>().join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in ["Uppfyllt", "Ej uppfyllt", "Teckenförklaring:", "Ej mätbart"] {
        assert!(text.contains(words), "{words:?} in the PDF: {text}");
    }
    let fills = crate::layout::fills(dir.path());
    assert!(has_colour(&fills, "#2e7d32"), "green markers in the PDF");
    assert!(has_colour(&fills, "#8b0000"), "the theme's red in the PDF");
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
