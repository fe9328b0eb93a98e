//! Goals shaped like real plans: declared goal fields shown as the view
//! declares, goals grouped under strategic goals with a summary per group,
//! several measures per goal, measures in words counted as "ej mätbart", and a
//! plan's summary that says there are no outcomes yet — in both outputs.

use crate::common::*;

const GOALS: &str = "\
strategic_goals:
  - {id: attraktiv, title: Attraktiv arbetsgivare}
  - {id: halsa, title: God hälsa på arbetsplatserna}
  - {id: samverkan, title: Samverkan över gränserna}
goal_fields:
  - {id: ansvarig, label: Ansvarig}
  - {id: matetal, label: Mätetal}
goal_views:
  plan: [goal, matetal, ansvarig, target]
  uppfoljning: [goal, ansvarig, target, outcome, status]
areas:
  - id: hr
    title: Medarbetarcentrum
    goals:
      - id: peup
        title: Utbilda chefer i PEUP
        strategic: [attraktiv]
        fields: {ansvarig: HR-enheten, matetal: Antal utbildade}
        target: {at_least: 50, unit: personer}
        outcome: {value: 60, unit: personer}
      - id: friskvard
        title: Fler medarbetare friska
        strategic: [halsa]
        fields: {ansvarig: Personalkontoret}
        measures:
          - {measure: Friskvårdstimmar, target: {at_least: 100, unit: timmar}, outcome: {value: 120, unit: timmar}}
          - {measure: Sjukfrånvaro, target: {at_most: 5, unit: procent}, outcome: {value: 7, unit: procent}}
      - id: natverk
        title: Nätverk med grannkommunerna
        strategic: [samverkan]
        fields: {ansvarig: Kansliet, matetal: Beskrivning i ord}
        measure: Nätverket har träffats regelbundet
";

fn goals_project(kind: &str, chapter: &str) -> tempfile::TempDir {
    let dir = project(&[("01-mal.md", chapter)]);
    let content = dir.path().join("content");
    let report = std::fs::read_to_string(content.join("report.yaml")).unwrap();
    let report = report.replace("kind: arsredovisning", &format!("kind: {kind}"));
    std::fs::write(content.join("report.yaml"), report).unwrap();
    std::fs::create_dir_all(content.join("data")).unwrap();
    std::fs::write(content.join("data/mal.yaml"), GOALS).unwrap();
    dir
}

fn words(path: &std::path::Path) -> String {
    pdf_text(path).split_whitespace().collect::<Vec<_>>().join(" ").replace(" - ", "")
}

/// The plan: the declared columns in the declared order, a heading per
/// strategic goal with its goals and their count, and a summary that says
/// there are no outcomes. Failed before goal fields and grouping existed
/// (`fields` was an unknown key, `group_by` was ignored).
#[test]
fn a_plan_shows_declared_columns_grouped_under_strategic_goals() {
    let chapter = "# Mål\n\n## Mål per strategiskt mål\n\n{{ goals(area=\"hr\", group_by=\"strategic\") }}\n\n## Sammanfattning\n\n{{ goal_summary() }}\n";
    let dir = goals_project("verksamhetsplan", chapter);
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-mal.html")).unwrap();
    for heading in ["Attraktiv arbetsgivare", "God hälsa på arbetsplatserna", "Samverkan över gränserna"] {
        assert!(page.contains(&format!("{heading}</h3>")), "a sub-heading for {heading}: {page}");
    }
    assert!(
        page.contains("<th scope=\"col\">Mätetal</th><th scope=\"col\">Ansvarig</th><th scope=\"col\">Målvärde</th>"),
        "{page}"
    );
    let row = page.split("<tr>").find(|r| r.contains("1. Utbilda chefer i PEUP</th>")).expect("the goal's row");
    assert!(row.contains("<td>Antal utbildade</td><td>HR-enheten</td><td>minst 50\u{a0}personer</td>"), "{row}");
    assert!(!page.contains("<strong>"), "no bold paragraph stands in for a heading: {page}");
    assert!(page.contains("Antal mål: 1"), "a summary per group: {page}");
    assert!(page.contains("utfallen redovisas i uppföljningen och finns ännu inte"), "{page}");
    assert!(!page.contains("Ej rapporterat"), "a plan does not count goals as not reported: {page}");

    // The status's coloured marker is an artifact, which a screen reader skips
    // but text extraction keeps.
    let text = words(&dir.path().join(format!("output/{}", pdf_name(dir.path())))).replace("● ", "");
    assert!(text.contains("1. Utbilda chefer i PEUP Antal utbildade HR-enheten minst 50 personer"), "{text}");
    assert!(text.contains("God hälsa på arbetsplatserna"), "{text}");
    assert!(text.contains("utfallen redovisas i uppföljningen"), "{text}");
}

/// The follow-up: a goal of two measures gets a row with its derived status
/// and a row per measure; the measure in words is "ej mätbart" in the table
/// and the summary. Broke the rule to take the first measure: `friskvard`
/// showed its first measure's ✓ Uppfyllt for
/// the goal and the test failed.
#[test]
fn a_follow_up_shows_each_measure_and_the_derived_status() {
    let chapter = "# Mål\n\n{{ goals(area=\"hr\") }}\n\n{{ goal_summary() }}\n";
    let dir = goals_project("arsredovisning", chapter);
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-mal.html")).unwrap();
    let rows: Vec<&str> = page.split("<tr>").collect();
    let find = |title: &str| {
        *rows
            .iter()
            .find(|r| r.replace('\u{a0}', " ").contains(&format!("{title}</th>")))
            .unwrap_or_else(|| panic!("{title}: {page}"))
    };
    assert!(find("2. Fler medarbetare friska").contains("✗ Ej uppfyllt"), "the lowest of its measures");
    assert!(
        find("2.2 Sjukfrånvaro")
            .contains("<td>högst 5\u{a0}procent</td><td>7\u{a0}procent</td><td><span class=\"goal-status\">")
            && find("2.2 Sjukfrånvaro").contains("✗ Ej uppfyllt</span></td>"),
        "{page}"
    );
    assert!(find("2.1 Friskvårdstimmar").contains("✓ Uppfyllt"), "{page}");
    let words_row = find("3. Nätverk med grannkommunerna");
    assert!(
        words_row.contains("Nätverket har träffats regelbundet") && words_row.contains("○ Ej mätbart"),
        "{words_row}"
    );
    let summary = find("Medarbetarcentrum");
    assert!(summary.contains("1 (33\u{a0}%)"), "{summary}");
    assert!(page.contains("○ Ej mätbart</span></th>"), "the summary has a column for goals in words: {page}");

    // The status's coloured marker is an artifact, which a screen reader skips
    // but text extraction keeps.
    let text = words(&dir.path().join(format!("output/{}", pdf_name(dir.path())))).replace("● ", "");
    assert!(text.contains("2.2 Sjukfrånvaro högst 5 procent 7 procent ✗ Ej uppfyllt"), "{text}");
    assert!(text.contains("Nätverket har träffats regelbundet ○ Ej mätbart"), "{text}");
}

/// The one PDF in `output/`.
fn pdf_name(root: &std::path::Path) -> String {
    std::fs::read_dir(root.join("output"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with(".pdf"))
        .expect("a PDF")
}

/// A tertialrapport for January–April: any whole-month period is accepted,
/// the goal view shows the prognos, and the outcome column is headed by the
/// period. Failed before: `tertialrapport` was an unknown kind, and a
/// delårsrapport of four months was refused.
#[test]
fn a_tertial_report_shows_the_prognos_under_the_periods_heading() {
    let goals = GOALS
        .replace(
            "outcome: {value: 60, unit: personer}",
            "outcome: {value: 20, unit: personer}\n        prognos: uppfylls",
        )
        .replace(
            "outcome: {value: 120, unit: timmar}}",
            "outcome: {value: 40, unit: timmar}, prognos: {value: 90, unit: timmar}}",
        );
    let dir = goals_project("tertialrapport", "# Mål\n\n{{ goals(area=\"hr\", view=\"prognos\") }}\n");
    let content = dir.path().join("content");
    std::fs::write(content.join("data/mal.yaml"), goals).unwrap();
    let report = std::fs::read_to_string(content.join("report.yaml")).unwrap();
    std::fs::write(content.join("report.yaml"), format!("{report}period: {{from: 2013-01-01, to: 2013-04-30}}\n"))
        .unwrap();
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-mal.html")).unwrap();
    assert!(page.contains("<th scope=\"col\">Utfall jan–apr 2013</th><th scope=\"col\">Prognos helår</th>"), "{page}");
    let rows: Vec<&str> = page.split("<tr>").collect();
    let find = |title: &str| {
        *rows
            .iter()
            .find(|r| r.replace('\u{a0}', " ").contains(&format!("{title}</th>")))
            .unwrap_or_else(|| panic!("{title}: {page}"))
    };
    assert!(find("1. Utbilda chefer i PEUP").contains("<td>20\u{a0}personer</td><td>Bedöms uppfyllas</td>"), "{page}");
    assert!(
        find("2.1 Friskvårdstimmar").contains("<td>90\u{a0}timmar (Bedöms delvis uppfyllas)</td>"),
        "90 of 100 is past 75 %: {page}"
    );
    // The status's coloured marker is an artifact, which a screen reader skips
    // but text extraction keeps.
    let text = words(&dir.path().join(format!("output/{}", pdf_name(dir.path())))).replace("● ", "");
    assert!(text.contains("Utfall jan–apr"), "{text}");
    assert!(text.contains("1. Utbilda chefer i PEUP minst 50 personer 20 personer Bedöms uppfyllas"), "{text}");
}

/// The example's plan declares a column for the strategic goal each goal
/// serves; the annual report keeps its follow-up columns. Failed before the
/// example's `goal_views:` was added (the plan had goal and target only).
#[test]
fn the_examples_plan_shows_the_strategic_goal_of_each_goal() {
    let dir = example();
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let plan =
        std::fs::read_to_string(dir.path().join("output/verksamhetsplan-och-budget-2013/07-medarbetarcentrum.html"))
            .unwrap();
    assert!(plan.contains("<th scope=\"col\">Målvärde</th><th scope=\"col\">Strategiskt mål</th>"), "{plan}");
    let row = plan
        .split("<tr>")
        .find(|r| r.contains("8. Riksringens möte i Borås hösten 2013</th>"))
        .expect("the goal's row");
    assert!(row.contains("<td>Gränsöverskridande möten och samverkan</td>"), "{row}");
    let report = std::fs::read_to_string(dir.path().join("output/arsredovisning-2013/06-navet.html")).unwrap();
    assert!(!report.contains("Strategiskt mål</th>"), "the follow-up keeps its own columns");
    let text = words(&dir.path().join("output/verksamhetsplan-och-budget-2013.pdf"));
    assert!(
        text.contains("8. Riksringens möte i Borås hösten 2013 Ska genomföras Gränsöverskridande möten och samverkan"),
        "{text}"
    );
}
