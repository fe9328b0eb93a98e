//! Area records shaped like real plans: fields in the order each area (or a
//! group of areas) declares, in both outputs.

use crate::common::*;

const GOALS: &str = "\
record_fields:
  - {id: uppgift, label: Uppgift}
  - {id: tidplan, label: Tidplan}
  - {id: hur_mata, label: Hur mäta}
record_orders:
  beredning: [hur_mata, tidplan]
areas:
  - id: kansli
    title: Kansliet
    record: {uppgift: Uppgift K, tidplan: Tidplan K, hur_mata: Mätning K}
  - id: egen
    title: Egen ordning
    record_order: [tidplan, uppgift, hur_mata]
    record: {uppgift: Uppgift E, tidplan: Tidplan E, hur_mata: Mätning E}
  - id: grupp
    title: Gruppens ordning
    record_order: beredning
    record: {uppgift: Uppgift G, tidplan: Tidplan G, hur_mata: Mätning G}
";

fn areas_project(chapter: &str, goals: &str) -> tempfile::TempDir {
    let dir = project(&[("01-omraden.md", chapter)]);
    write_file(dir.path(), "content/data/mal.yaml", goals);
    dir
}

fn pdf_words(root: &std::path::Path) -> String {
    let pdf = std::fs::read_dir(root.join("output"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("a PDF");
    pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The byte offsets of `needles` in `text`, which must be found in this order.
fn in_order(text: &str, needles: &[&str]) -> bool {
    let at: Vec<Option<usize>> = needles.iter().map(|n| text.find(n)).collect();
    at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1])
}

/// Each area's fields in its own order: the declared one, the area's list,
/// and a named order shared by a group of areas (the fields it leaves out
/// after it). Failed before `record_order` existed: it was an unknown key.
#[test]
fn each_area_shows_its_record_fields_in_its_own_order() {
    let chapter = "# Områden\n\n## Kansliet\n\n{{ area(id=\"kansli\") }}\n\n## Egen\n\n{{ area(id=\"egen\") }}\n\n## Grupp\n\n{{ area(id=\"grupp\") }}\n";
    let dir = areas_project(chapter, GOALS);
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-omraden.html")).unwrap();
    assert!(in_order(&page, &["Uppgift K", "Tidplan K", "Mätning K"]), "{page}");
    assert!(in_order(&page, &["Tidplan E", "Uppgift E", "Mätning E"]), "{page}");
    assert!(in_order(&page, &["Mätning G", "Tidplan G", "Uppgift G"]), "{page}");
    let text = pdf_words(dir.path());
    assert!(text.contains("Tidplan Tidplan E Uppgift Uppgift E Hur mäta Mätning E"), "{text}");
    assert!(text.contains("Hur mäta Mätning G Tidplan Tidplan G Uppgift Uppgift G"), "{text}");
}

const MARKDOWN: &str = "\
record_fields:
  - {id: uppgift, label: Uppgift}
  - {id: aktiviteter, label: Aktiviteter}
strategic_goals:
  - {id: samverkan, title: Samverkan}
areas:
  - id: navet
    title: Navet
    record:
      uppgift: |
        Att väcka *intresse* för [teknik](https://www.navet.com) hos
        {{ data.tal.elever | belopp }} elever.

        Budgeten är {{ figures.ekonomi.kostnad[\"2013\"] }} tkr.
      aktiviteter:
        - Teman för **elever**
        - Kurser för pedagoger
        - Fysik <b>och</b> kemi
    narrative:
      samverkan:
        text: Ett projekt med *fem* partner.
        result: Projektet har startat, se [rapporten](https://www.navet.com/rapport).
";

const FIGURES: &str = "\
defaults:
  columns: [\"2013\"]
tables:
  - id: ekonomi
    title: Ekonomi
    rows:
      - {id: kostnad, label: Kostnad, values: [12 500]}
";

/// Markdown in a field: two paragraphs with emphasis, a link and figures
/// from the data and the tables (formatted as in a chapter), a list from a
/// list of texts, and Markdown in the narrative. Failed while field values
/// were escaped: the page showed `*intresse*` and `{{ data.tal.elever … }}` as
/// written. HTML stays text: without the escaping of `<`, the build failed on
/// raw HTML (as `hardening::no_script_reaches_the_site_from_yaml_or_markdown` did).
#[test]
fn markdown_and_figures_in_area_fields_are_rendered_in_both_outputs() {
    let chapter = "# Navet\n\n{{ area(id=\"navet\") }}\n";
    let dir = areas_project(chapter, MARKDOWN);
    write_file(dir.path(), "content/data/tal.yaml", "elever: 14263\n");
    write_file(dir.path(), "content/data/rakenskaper.yaml", FIGURES);
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stdout}{stderr}");
    let page = std::fs::read_to_string(dir.path().join("output/html/01-omraden.html")).unwrap();
    // No-break spaces (between a figure's digits, and before its unit) made plain.
    let page = page.replace('\u{a0}', " ");
    let dd = page.split("<dd>").nth(1).and_then(|d| d.split("</dd>").next()).expect("a definition");
    assert!(dd.contains("Att väcka <em>intresse</em> för <a href=\"https://www.navet.com\">teknik</a> hos"), "{dd}");
    assert!(dd.contains("14 263 elever.</p>"), "{dd}");
    assert!(dd.contains("<p>Budgeten är 12 500 tkr.</p>"), "a second paragraph in the same definition: {dd}");
    let list = page.split("<dd>").nth(2).expect("the activities");
    assert!(list.contains("<li>") && list.contains("Teman för <strong>elever</strong>"), "{list}");
    assert!(list.contains("Fysik &lt;b&gt;och&lt;/b&gt; kemi"), "HTML in a field is text: {list}");
    assert!(page.contains("Ett projekt med <em>fem</em> partner."), "{page}");
    assert!(page.contains("<a href=\"https://www.navet.com/rapport\">rapporten</a>"), "{page}");
    assert!(!page.contains("{{") && !page.contains("*intresse*"), "nothing is left as written: {page}");

    let text = pdf_words(dir.path());
    assert!(text.contains("Att väcka intresse för teknik hos 14 263 elever."), "{text}");
    assert!(text.contains("Budgeten är 12 500 tkr."), "{text}");
    assert!(text.contains("Teman för elever") && text.contains("Kurser för pedagoger"), "{text}");
}

/// A figure in a field that does not exist is an error at its own line and
/// column of the goals file, not at the chapter that places the area.
/// Broke `expand::in_file` to name the text's start: the error pointed at
/// 11:9, the text's first line, and the test failed.
#[test]
fn a_missing_figure_in_a_field_names_its_line_in_the_goals_file() {
    let chapter = "# Navet\n\n{{ area(id=\"navet\") }}\n";
    let dir = areas_project(chapter, MARKDOWN);
    write_file(dir.path(), "content/data/tal.yaml", "elevr: 14263\n");
    write_file(dir.path(), "content/data/rakenskaper.yaml", FIGURES);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--> content/data/mal.yaml:12:"), "{stderr}");
    assert!(stderr.contains("12 |         {{ data.tal.elever | belopp }} elever."), "{stderr}");
}

/// An area no chapter places is named at its line; one placed by either
/// document of the example is not, nor with `--doc` (the other document may
/// place it). Failed before the warning existed (stderr was empty).
#[test]
fn an_area_no_document_places_is_a_warning_at_its_line() {
    let dir = example();
    let (out, before, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("is not placed"), "each area is placed by one of the documents: {stderr}");

    let chapter = dir.path().join("content/chapters/verksamhetsplan-och-budget-2013/03-hallbar-regional-utveckling.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, text.replace("{{ area(id=\"kultur\") }}", "")).unwrap();
    let (out, stdout, stderr) = run(bin().arg("check").arg("--root").arg(dir.path()));
    assert!(out.status.success(), "a warning, not an error: {stderr}");
    let source = std::fs::read_to_string(dir.path().join("content/data/mal.yaml")).unwrap();
    let line = source.lines().position(|l| l == "  - id: kultur").unwrap() + 1;
    assert!(stderr.contains("warning: the area `kultur` is not placed in any chapter"), "{stderr}");
    assert!(stderr.contains(&format!("--> content/data/mal.yaml:{line}:5")), "{stderr}");
    assert_eq!(stderr.matches("is not placed").count(), 1, "{stderr}");
    // Counted once, with the first document's warnings.
    let warnings = |stdout: &str| -> usize {
        let first = stdout.lines().next().unwrap_or_default();
        let part = first.split(", ").find(|p| p.contains(" warning"));
        part.and_then(|p| p.split(' ').next()).map_or(0, |n| n.parse().unwrap())
    };
    assert_eq!(warnings(&stdout), warnings(&before) + 1, "{before}{stdout}");

    let (out, _, stderr) =
        run(bin().arg("check").arg("--doc").arg("arsredovisning-2013").arg("--root").arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("is not placed"), "the plan is not built, and may place it: {stderr}");
}
