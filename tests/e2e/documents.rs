//! A project of several documents sharing one set of data: the example's
//! annual report and its plan, and a small delårsrapport.

use crate::common::*;

const REPORT: &str = "arsredovisning-2013";
const PLAN: &str = "verksamhetsplan-och-budget-2013";

#[test]
fn one_document_is_built_alone_and_the_others_output_is_left_as_it_was() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let output = dir.path().join("output");
    for doc in [REPORT, PLAN] {
        assert!(output.join(format!("{doc}.pdf")).is_file(), "{doc}.pdf");
        assert!(output.join(doc).join("index.html").is_file(), "{doc}/index.html");
        assert!(output.join(doc).join(format!("{doc}.pdf")).is_file(), "the site of {doc} offers its PDF");
    }
    let plan_pdf = std::fs::read(output.join(format!("{PLAN}.pdf"))).unwrap();
    let plan_site = snapshot(&output.join(PLAN));

    let chapter = dir.path().join("content/chapters/arsredovisning-2013/02-forvaltningsberattelse.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\nEn mening som kom till i sista stund.\n")).unwrap();
    let (out, stdout, stderr) = run(bin().arg("build").arg("--doc").arg(REPORT).arg("--root").arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with(&format!("Built {REPORT}: ")) && stdout.lines().count() == 1, "{stdout}");
    let page = std::fs::read_to_string(output.join(REPORT).join("02-forvaltningsberattelse.html")).unwrap();
    assert!(page.contains("En mening som kom till i sista stund."));
    assert_eq!(std::fs::read(output.join(format!("{PLAN}.pdf"))).unwrap(), plan_pdf, "the plan's PDF is untouched");
    assert_eq!(snapshot(&output.join(PLAN)), plan_site, "the plan's site is untouched");

    let (out, _, stderr) =
        run(bin().arg("build").arg("--doc").arg("arsredovisning-2031").arg("--root").arg(dir.path()));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the project has no document `arsredovisning-2031`"), "{stderr}");
    assert!(stderr.contains("did you mean `arsredovisning-2013`?"), "{stderr}");
    let (out, stdout, stderr) = run(bin().arg("status").arg("--doc").arg(PLAN).arg("--root").arg(dir.path()));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("06-navet-science-center.md") && !stdout.contains("08-resultatrakning.md"), "{stdout}");
}

/// The numbered goal rows of a page's goal tables: title → the first cell (the target).
fn goal_rows(page: &str) -> Vec<(String, String)> {
    page.split("<tr><th scope=\"row\">")
        .skip(1)
        .filter_map(|row| {
            let (title, rest) = row.split_once("</th><td>")?;
            let number = title.split_once(". ")?.0;
            number.parse::<u32>().ok()?;
            let target = rest.split("</td>").next()?;
            Some((title.to_owned(), target.to_owned()))
        })
        .collect()
}

#[test]
fn the_plan_sets_the_targets_the_report_follows_up() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let output = dir.path().join("output");
    let plan = std::fs::read_to_string(output.join(PLAN).join("06-navet-science-center.html")).unwrap();
    let report = std::fs::read_to_string(output.join(REPORT).join("06-navet.html")).unwrap();
    let (planned, followed) = (goal_rows(&plan), goal_rows(&report));
    assert_eq!(planned.len(), 18, "Navet's 18 targets in the plan: {planned:?}");
    assert_eq!(planned, followed, "the plan's targets are the report's, in the same order and words");
    assert!(planned.contains(&("3. Elever på teman".to_owned(), "minst 20\u{a0}000\u{a0}elever".to_owned())));

    // The plan shows no outcomes; the report shows them beside the same targets.
    assert!(!plan.contains("14\u{a0}263") && report.contains("14\u{a0}263\u{a0}elever"));
    assert!(!plan.contains("Ej uppfyllt") && report.contains("Ej uppfyllt"));
    let result = "Alla medlemskommuner har haft elever och pedagoger på Navet under året.";
    assert!(report.contains(result) && !plan.contains(result), "the planning sheet's results belong to the report");
}

#[test]
fn the_report_sets_the_plans_budget_against_the_outcome() {
    let dir = example();
    assert!(build(dir.path()).0.status.success());
    let page =
        std::fs::read_to_string(dir.path().join("output").join(REPORT).join("02-forvaltningsberattelse.html")).unwrap();
    let row = |id: &str| {
        page.split(&format!("<tr id=\"drift-{id}\"")).nth(1).unwrap().split("</tr>").next().unwrap().to_owned()
    };
    let cells = |id: &str| -> Vec<String> {
        row(id).split("<td class=\"num\">").skip(1).map(|c| c.split("</td>").next().unwrap().to_owned()).collect()
    };
    assert_eq!(cells("kansli"), ["\u{2212}545", "2\u{a0}161", "2\u{a0}706"]);
    assert_eq!(cells("navet"), ["0", "169", "169"]);
    assert_eq!(cells("forbundet"), ["\u{2212}545", "2\u{a0}702", "3\u{a0}247"]);
    assert!(page.contains("en avvikelse på 2\u{a0}706\u{a0}tkr mot budgeten"), "the text takes the same figures");

    // The plan places the budget the report compares with.
    let plan = std::fs::read_to_string(dir.path().join("output").join(PLAN).join("02-budget-2013.html")).unwrap();
    assert!(plan.contains("Personalkostnader</th><td class=\"num\">7\u{a0}022</td>"), "{plan}");
}

#[test]
fn an_account_in_two_budget_categories_is_named_with_both() {
    let dir = example();
    let budget = dir.path().join("content/data/budget.yaml");
    let text = std::fs::read_to_string(&budget).unwrap();
    let moved = text.replace("except: \"7460, 7530\"", "except: \"7530\"");
    assert_ne!(text, moved);
    std::fs::write(&budget, moved).unwrap();
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = text.lines().position(|l| l.contains("account: 7460")).unwrap() + 1;
    assert!(stderr.contains(&format!("content/data/budget.yaml:{line}:")), "{stderr}");
    let personal = text.lines().position(|l| l.contains("label: Personalkostnader")).unwrap() + 1;
    let pension = text.lines().position(|l| l.contains("label: Pensionskostnader")).unwrap() + 1;
    assert!(
        stderr.contains(&format!(
            "the account 7460 (Pensionskostnader) belongs to more than one category: Personalkostnader (line {personal}), Pensionskostnader (line {pension})"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("the account 7460").count(), 1, "reported once, not once per document: {stderr}");
    assert!(!dir.path().join("output").exists(), "nothing is written");
}

#[test]
fn a_delarsrapport_shows_its_period_prognos_and_periodised_columns() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/delarsrapport"), dir.path());
    let _ = std::fs::remove_dir_all(dir.path().join("output"));
    let (out, stdout, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.starts_with("Built delarsrapport-2013: "), "{stdout}");
    let text = pdf_text(&dir.path().join("output/delarsrapport-2013.pdf"));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Delårsrapport 2013 januari–augusti 2013"), "the title page names the period: {words}");
    assert!(
        words.contains(
            "Prognosen för helåret är ett resultat på 975 tkr, vilket är 390 tkr bättre än budgeten på 585 tkr"
        ),
        "{words}"
    );
    for label in ["Utfall jan–aug 2012", "Periodiserad budget", "Prognos helår 2013", "Avvikelse prognos mot budget"]
    {
        let label: String = label.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(label.split(' ').all(|w| words.contains(w)), "the PDF lacks the column {label}");
    }
    assert!(words.contains("Periodens resultat 80 665 390 585 975 390"), "{words}");
    let index = std::fs::read_to_string(dir.path().join("output/html/index.html")).unwrap();
    assert!(index.contains("<time datetime=\"2013-01-01\">2013-01-01</time> – <time datetime=\"2013-08-31\">2013-08-31</time> (januari–augusti 2013)"), "{index}");

    // A period longer than two thirds of the year is refused at its line.
    let report = dir.path().join("content/report.yaml");
    let yaml = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, yaml.replace("to: 2013-08-31", "to: 2013-09-30")).unwrap();
    let (out, _, stderr) = build(dir.path());
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/report.yaml:6:") && stderr.contains("this period covers 9"), "{stderr}");
}

/// The rows of every table on a page: each cell's text, tags removed.
fn table_rows(page: &str) -> Vec<Vec<String>> {
    page.split("<tr")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap();
            row.split(['<'])
                .filter(|part| part.starts_with("th") || part.starts_with("td"))
                .map(|cell| cell.split_once('>').map(|(_, text)| text.trim().to_owned()).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// A budget typed in kronor and shown in tkr whose rounded categories do
/// not add up to its rounded total gets an "Avrundningsdifferens" line
/// before the total, in the PDF and on the site; one that adds up gets none.
///
/// Failed when `with_rounding_lines` in src/figures/view.rs returned the rows
/// unchanged.
#[test]
fn a_budget_whose_rounded_parts_miss_the_rounded_total_says_so() {
    let chapter = "# Budget\n\n{{ table(id=\"ojamn\") }}\n\n{{ table(id=\"jamn\") }}\n";
    let dir = project(&[("01-budget.md", chapter)]);
    let budget = |id: &str, title: &str, amount: &str| {
        format!(
            "  - id: {id}\n    title: {title}\n    input_unit: kr\n    unit: tkr\n    categories:\n      - {{id: personal, label: Personalkostnader, accounts: \"7000-7099\"}}\n      - {{id: lokaler, label: Lokalkostnader, accounts: \"5000-5099\"}}\n      - {{id: ovrigt, label: Övriga kostnader, residual: true}}\n    lines:\n      - {{account: 7010, name: Löner, amount: {amount}}}\n      - {{account: 5010, name: Hyra, amount: {amount}}}\n      - {{account: 6000, name: Telefon, amount: {amount}}}\n"
        )
    };
    let data = dir.path().join("content/data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("budget.yaml"),
        format!("budgets:\n{}{}", budget("ojamn", "Ojämn budget", "1 400"), budget("jamn", "Jämn budget", "1 000")),
    )
    .unwrap();
    let (out, _, stderr) = build(dir.path());
    assert!(out.status.success(), "{stderr}");

    let page = std::fs::read_to_string(dir.path().join("output/html/01-budget.html")).unwrap();
    let rows = table_rows(&page);
    let table = |lines: &[(&str, &str)]| -> Vec<Vec<String>> {
        [("Post", "Budget")].iter().chain(lines).map(|(a, b)| vec![a.to_string(), b.to_string()]).collect()
    };
    let parts = [("Personalkostnader", "1"), ("Lokalkostnader", "1"), ("Övriga kostnader", "1")];
    let uneven = table(&[&parts[..], &[("Avrundningsdifferens", "1"), ("Summa", "4")]].concat());
    let even = table(&[&parts[..], &[("Summa", "3")]].concat());
    assert_eq!(rows, [uneven, even].concat(), "{page}");

    // The PDF shows the same line, with the same figure, before the total.
    let text = pdf_text(&dir.path().join("output/arsredovisning-2013.pdf"));
    let uneven_table = text.split("Ojämn budget").nth(1).unwrap().split("Jämn budget").next().unwrap().to_owned();
    let words: Vec<&str> = uneven_table.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "Avrundningsdifferens").unwrap_or_else(|| panic!("{uneven_table}"));
    assert_eq!(&words[at..at + 4], ["Avrundningsdifferens", "1", "Summa", "4"], "{uneven_table}");
    assert_eq!(text.matches("Avrundningsdifferens").count(), 1, "only the uneven budget has the line: {text}");
}
