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
          - {measure: Sjukfrånvaro, target: {at_most: 5, unit: procent}, outcome: {value: 7, unit: procent}}
          - {measure: Friskvårdstimmar, target: {at_least: 100, unit: timmar}, outcome: {value: 120, unit: timmar}}
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

    let text = words(&dir.path().join(format!("output/{}", pdf_name(dir.path()))));
    assert!(text.contains("1. Utbilda chefer i PEUP Antal utbildade HR-enheten minst 50 personer"), "{text}");
    assert!(text.contains("God hälsa på arbetsplatserna"), "{text}");
    assert!(text.contains("utfallen redovisas i uppföljningen"), "{text}");
}

/// The follow-up: a goal of two measures gets a row with its derived status
/// and a row per measure; the measure in words is "ej mätbart" in the table
/// and the summary. Broke the rule to take the first measure: `friskvard`
/// showed Ej uppfyllt for its goal row and the test failed.
#[test]
fn a_follow_up_shows_each_measure_and_the_derived_status() {
    let chapter = "# Mål\n\n{{ goals(area=\"hr\") }}\n\n{{ goal_summary() }}\n";
    let dir = goals_project("arsredovisning", chapter);
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-mal.html")).unwrap();
    let rows: Vec<&str> = page.split("<tr>").collect();
    let find = |title: &str| {
        *rows.iter().find(|r| r.contains(&format!("{title}</th>"))).unwrap_or_else(|| panic!("{title}: {page}"))
    };
    assert!(find("2. Fler medarbetare friska").contains("✗ Ej uppfyllt"), "the lowest of its measures");
    assert!(
        find("2.1 Sjukfrånvaro").contains("<td>högst 5\u{a0}procent</td><td>7\u{a0}procent</td><td>✗ Ej uppfyllt</td>"),
        "{page}"
    );
    assert!(find("2.2 Friskvårdstimmar").contains("✓ Uppfyllt"), "{page}");
    let words_row = find("3. Nätverk med grannkommunerna");
    assert!(
        words_row.contains("Nätverket har träffats regelbundet") && words_row.contains("○ Ej mätbart"),
        "{words_row}"
    );
    let summary = find("Medarbetarcentrum");
    assert!(summary.contains("1 (33\u{a0}%)"), "{summary}");
    assert!(page.contains("○ Ej mätbart</th>"), "the summary has a column for goals in words: {page}");

    let text = words(&dir.path().join(format!("output/{}", pdf_name(dir.path()))));
    assert!(text.contains("2.1 Sjukfrånvaro högst 5 procent 7 procent ✗ Ej uppfyllt"), "{text}");
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
