//! `arsrapport new DIR`: a project that builds at once and that `check
//! --lkbr` finds complete, for each kind of document and each type of
//! organisation, with comments in Swedish explaining each file to the people
//! who will fill it in.
//!
//! The template files are in `new/` beside this file, by part: `common/` for
//! every kind, `arsredovisning/`, `plan/` (verksamhetsplan) and `interim/`
//! (delårsrapport, tertialrapport, månadsrapport). `%NAME%` marks what is
//! filled in; a line beginning with `%ONLY:a,b%` is kept only for a project
//! whose kind or organisation type is one of the names (or `interim`).

use std::path::Path;
use std::process::ExitCode;

use super::fail;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::{DocumentKind, OrganisationType};

/// A template file: its path in the project, its text and what it holds (for LASMIG.md).
struct Template {
    path: &'static str,
    text: &'static str,
    about: &'static str,
}

macro_rules! template {
    ($path:literal, $source:literal, $about:literal) => {
        Template { path: $path, text: include_str!(concat!("new/", $source)), about: $about }
    };
}

const COMMON: &[Template] = &[
    template!("content/report.yaml", "common/report.yaml", "uppgifter om dokumentet: organisation, titel, år, beslut"),
    template!("content/data/nyckeltal.yaml", "common/nyckeltal.yaml", "nyckeltal som hämtas till löptexten"),
    template!(".gitignore", "common/gitignore", "håller det byggda (`output/`) utanför versionshanteringen"),
];

const ARSREDOVISNING: &[Template] = &[
    template!(
        "content/chapters/01-inledning.md",
        "arsredovisning/chapters/01-inledning.md",
        "ordföranden har ordet och året i korthet"
    ),
    template!(
        "content/chapters/02-forvaltningsberattelse.md",
        "arsredovisning/chapters/02-forvaltningsberattelse.md",
        "förvaltningsberättelsen med lagens alla avsnitt"
    ),
    template!(
        "content/chapters/03-rakenskaper.md",
        "arsredovisning/chapters/03-rakenskaper.md",
        "resultaträkning, balansräkning och kassaflödesanalys"
    ),
    template!("content/chapters/04-noter.md", "arsredovisning/chapters/04-noter.md", "redovisningsprinciper och noter"),
    template!(
        "content/chapters/05-drift-och-investeringar.md",
        "arsredovisning/chapters/05-drift-och-investeringar.md",
        "driftredovisning och investeringsredovisning"
    ),
    template!(
        "content/data/rakenskaper.yaml",
        "arsredovisning/data/rakenskaper.yaml",
        "resultaträkning, balansräkning, kassaflödesanalys och noter"
    ),
    template!(
        "content/data/drift.yaml",
        "arsredovisning/data/drift.yaml",
        "driftredovisning och investeringsredovisning, avstämda mot räkenskaperna"
    ),
    template!(
        "content/data/forvaltning.yaml",
        "arsredovisning/data/forvaltning.yaml",
        "balanskravsutredning och flerårsöversikt"
    ),
    template!("content/data/personal.yaml", "arsredovisning/data/personal.yaml", "sjukfrånvarons sju uppgifter"),
    template!(
        "content/data/mal.yaml",
        "arsredovisning/data/mal.yaml",
        "de finansiella målen för god ekonomisk hushållning, med utfall"
    ),
];

const PLAN: &[Template] = &[
    template!(
        "content/chapters/01-inledning.md",
        "plan/chapters/01-inledning.md",
        "inledning och planens förutsättningar"
    ),
    template!(
        "content/chapters/02-mal.md",
        "plan/chapters/02-mal.md",
        "mål för god ekonomisk hushållning och verksamhetsmål"
    ),
    template!(
        "content/chapters/03-budget.md",
        "plan/chapters/03-budget.md",
        "resultat-, balans- och kassaflödesbudget, driftbudget och investeringsbudget"
    ),
    template!(
        "content/data/budget.yaml",
        "plan/data/budget.yaml",
        "budgetarna för budgetåret och två planår, med kontrollen att budgeten är i balans"
    ),
];

const INTERIM: &[Template] = &[
    template!(
        "content/chapters/01-forvaltningsberattelse.md",
        "interim/chapters/01-forvaltningsberattelse.md",
        "den förenklade förvaltningsberättelsen med prognos och balanskrav"
    ),
    template!(
        "content/chapters/02-rakenskaper.md",
        "interim/chapters/02-rakenskaper.md",
        "resultaträkning, balansräkning och driftredovisning för perioden"
    ),
    template!(
        "content/data/rakenskaper.yaml",
        "interim/data/rakenskaper.yaml",
        "periodens räkenskaper med helårsprognos, balanskravsutredning och driftredovisning"
    ),
];

/// The guide to the project, with the listing of the files filled in.
const LASMIG: &str = include_str!("new/common/LASMIG.md");

/// The words and example names that differ between the types of organisation.
struct Wording {
    default_name: &'static str,
    /// "kommunen": the organisation in running text.
    definite: &'static str,
    /// The body that decides the budget and the reports, in running text and as a title.
    fullmaktige: &'static str,
    fullmaktige_title: &'static str,
    styrelsens_ordforande: &'static str,
    /// What finances the activities: a förbund levies no tax.
    financing: &'static str,
    skattesats: &'static str,
    units: [&'static str; 4],
    projects: [&'static str; 4],
}

fn wording(organisation_type: OrganisationType) -> Wording {
    match organisation_type {
        OrganisationType::Kommun => Wording {
            default_name: "Exempelkommunen",
            definite: "kommunen",
            fullmaktige: "kommunfullmäktige",
            fullmaktige_title: "Kommunfullmäktige",
            styrelsens_ordforande: "kommunstyrelsens ordförande",
            financing: "skatteintäkter och generella statsbidrag",
            skattesats: "21,35",
            units: ["Kommunstyrelsen", "Barn- och utbildningsnämnden", "Socialnämnden", "Samhällsbyggnadsnämnden"],
            projects: [
                "Skolor och förskolor",
                "Gator, vatten och avlopp",
                "Vård- och omsorgsboenden",
                "Övriga investeringar",
            ],
        },
        OrganisationType::Region => Wording {
            default_name: "Exempelregionen",
            definite: "regionen",
            fullmaktige: "regionfullmäktige",
            fullmaktige_title: "Regionfullmäktige",
            styrelsens_ordforande: "regionstyrelsens ordförande",
            financing: "skatteintäkter och generella statsbidrag",
            skattesats: "11,71",
            units: [
                "Regionstyrelsen",
                "Hälso- och sjukvårdsnämnden",
                "Kollektivtrafiknämnden",
                "Regionala utvecklingsnämnden",
            ],
            projects: ["Sjukhusbyggnader", "Medicinteknisk utrustning", "Kollektivtrafik", "Övriga investeringar"],
        },
        OrganisationType::Kommunalforbund => Wording {
            default_name: "Exempelförbundet",
            definite: "förbundet",
            fullmaktige: "förbundsdirektionen",
            fullmaktige_title: "Förbundsdirektionen",
            styrelsens_ordforande: "direktionens ordförande",
            financing: "medlemsavgifterna",
            skattesats: "",
            units: ["Direktion och kansli", "Verksamhetsområde 1", "Verksamhetsområde 2", "Gemensamma kostnader"],
            projects: ["Lokaler", "Fordon och utrustning", "IT-system", "Övriga investeringar"],
        },
    }
}

/// The kinds of document `new` makes, with what tells them apart in the templates.
struct KindProfile {
    title: String,
    /// An interim report's period: first and last day (`MM-DD`), its months
    /// in words ("januari–augusti") and in short ("Jan–aug").
    period: Option<(&'static str, &'static str)>,
    months: &'static str,
    months_short: &'static str,
    decision_date: String,
    /// The first column of the statements, for the guide's example.
    first_column: &'static str,
    law: &'static str,
}

fn kind_profile(kind: DocumentKind, year: i32) -> KindProfile {
    let interim = |name: &str, months: &'static str, months_short, to: &'static str, decided: &str| KindProfile {
        title: format!("{name} {months} {year}"),
        period: Some(("01-01", to)),
        months,
        months_short,
        decision_date: format!("{year}-{decided}"),
        first_column: "period",
        law: "En delårsrapport ska enligt LKBR 13 kap. och RKR R17 ha en förenklad förvaltningsberättelse \
              (väsentliga händelser, god ekonomisk hushållning, förväntad utveckling), en resultaträkning \
              och en balansräkning för perioden, en prognos för helåret och en bedömning av \
              balanskravsresultatet. Den behandlas av fullmäktige senast två månader efter periodens slut. \
              En tertial- eller månadsrapport är frivillig och har här samma delar.",
    };
    match kind {
        DocumentKind::Arsredovisning => KindProfile {
            title: format!("Årsredovisning {year}"),
            period: None,
            months: "",
            months_short: "",
            decision_date: format!("{}-04-24", year + 1),
            first_column: "ar",
            law: "En årsredovisning ska enligt lagen om kommunal bokföring och redovisning (LKBR) ha en \
                  förvaltningsberättelse (11 kap.), en resultaträkning, en balansräkning, en kassaflödesanalys, \
                  noter, en driftredovisning och en investeringsredovisning (4 kap. 1 §). Förvaltningsberättelsen \
                  ska bland annat utvärdera god ekonomisk hushållning, redovisa balanskravsresultatet, \
                  pensionsförpliktelserna och sjukfrånvarons sju uppgifter. Har organisationen koncernföretag \
                  krävs också sammanställda räkenskaper (12 kap.).",
        },
        DocumentKind::Verksamhetsplan => KindProfile {
            title: format!("Verksamhetsplan och budget {year}"),
            period: None,
            months: "",
            months_short: "",
            decision_date: format!("{}-11-20", year - 1),
            first_column: "budget",
            law: "Budgeten ska enligt kommunallagen 11 kap. omfatta en plan för ekonomin för tre år, budgetåret \
                  först, med resultatbudget, balansbudget och kassaflödesbudget, skattesatsen och anslagen, och \
                  mål och riktlinjer för god ekonomisk hushållning. Budgeten ska vara i balans: intäkterna ska \
                  överstiga kostnaderna.",
        },
        DocumentKind::Delarsrapport => interim("Delårsrapport", "januari–augusti", "Jan–aug", "08-31", "10-20"),
        DocumentKind::Tertialrapport => interim("Tertialrapport", "januari–april", "Jan–apr", "04-30", "06-15"),
        DocumentKind::Manadsrapport => interim("Månadsrapport", "januari–oktober", "Jan–okt", "10-31", "12-10"),
    }
}

/// The templates of a kind of document: the common ones and those of its part.
fn templates(kind: DocumentKind) -> impl Iterator<Item = &'static Template> {
    let part = match kind {
        DocumentKind::Arsredovisning => ARSREDOVISNING,
        DocumentKind::Verksamhetsplan => PLAN,
        DocumentKind::Delarsrapport | DocumentKind::Tertialrapport | DocumentKind::Manadsrapport => INTERIM,
    };
    COMMON.iter().chain(part)
}

/// What `new` is asked to make.
pub struct Request<'a> {
    pub kind: DocumentKind,
    pub organisation_type: OrganisationType,
    /// The organisation's name; none for the type's example name.
    pub organisation: Option<&'a str>,
    pub year: i32,
}

impl Request<'_> {
    fn organisation(&self) -> &str {
        self.organisation
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .unwrap_or(wording(self.organisation_type).default_name)
    }
}

/// The files of a new project for `request`: (path in the project, text),
/// LASMIG.md last.
pub fn files(request: &Request) -> Vec<(String, String)> {
    let placeholders = placeholders(request);
    let tags =
        [request.kind.name(), request.organisation_type.name(), if request.kind.is_interim() { "interim" } else { "" }];
    let mut out: Vec<(String, String)> =
        templates(request.kind).map(|t| (t.path.to_owned(), fill(&keep_lines(t.text, &tags), &placeholders))).collect();
    let listing: String = templates(request.kind).map(|t| format!("- `{}`: {}.\n", t.path, t.about)).collect();
    let guide = fill(LASMIG, &placeholders).replace("%FILES%\n", &listing);
    out.push(("LASMIG.md".to_owned(), guide));
    out
}

/// The placeholders of the templates and what each is filled in with.
fn placeholders(request: &Request) -> Vec<(&'static str, String)> {
    let year = request.year;
    let organisation = request.organisation();
    let words = wording(request.organisation_type);
    let profile = kind_profile(request.kind, year);
    let (from, to) = profile.period.unwrap_or_default();
    let mut list = vec![
        ("%ORGANISATION%", yaml_string(organisation)),
        ("%ORGANISATION_PLAIN%", organisation.to_owned()),
        ("%ORGANISATION_TYPE%", request.organisation_type.name().to_owned()),
        ("%TITLE%", profile.title.clone()),
        ("%DESCRIPTION%", yaml_string(&format!("{} för {organisation}.", profile.title))),
        ("%KIND%", request.kind.name().to_owned()),
        ("%PERIOD_FROM%", format!("{year}-{from}")),
        ("%PERIOD_TO%", format!("{year}-{to}")),
        ("%PERIOD_NAME%", profile.months.to_owned()),
        ("%PERIOD_SHORT%", profile.months_short.to_owned()),
        ("%DECISION_DATE%", profile.decision_date),
        ("%FIRST_COLUMN%", profile.first_column.to_owned()),
        ("%LAW%", profile.law.to_owned()),
        ("%ORG_DEFINITE%", words.definite.to_owned()),
        ("%FULLMAKTIGE_TITLE%", words.fullmaktige_title.to_owned()),
        ("%FULLMAKTIGE%", words.fullmaktige.to_owned()),
        ("%STYRELSENS_ORDFORANDE%", words.styrelsens_ordforande.to_owned()),
        ("%INTAKTSKALLA%", words.financing.to_owned()),
        ("%SKATTESATS%", words.skattesats.to_owned()),
        ("%YEAR_MINUS_4%", (year - 4).to_string()),
        ("%YEAR_MINUS_3%", (year - 3).to_string()),
        ("%YEAR_MINUS_2%", (year - 2).to_string()),
        ("%YEAR_PLUS_2%", (year + 2).to_string()),
        ("%YEAR_PLUS_3%", (year + 3).to_string()),
        ("%NEXT_YEAR%", (year + 1).to_string()),
        ("%PREV_YEAR%", (year - 1).to_string()),
        ("%YEAR%", year.to_string()),
    ];
    for (i, (unit, project)) in words.units.iter().zip(words.projects).enumerate() {
        list.push((["%UNIT_1%", "%UNIT_2%", "%UNIT_3%", "%UNIT_4%"][i], (*unit).to_owned()));
        list.push((["%PROJECT_1%", "%PROJECT_2%", "%PROJECT_3%", "%PROJECT_4%"][i], project.to_owned()));
    }
    list
}

/// The lines of `text` for a project with `tags`: a line marked
/// `%ONLY:a,b%` is kept, without its mark, when one of its names is a tag.
fn keep_lines(text: &str, tags: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.strip_prefix("%ONLY:") else {
            out.push_str(line);
            continue;
        };
        let Some((names, kept)) = rest.split_once('%') else {
            out.push_str(line);
            continue;
        };
        if names.split(',').any(|n| tags.contains(&n.trim())) {
            out.push_str(kept);
        }
    }
    out
}

/// Fills in the placeholders of a template file.
fn fill(text: &str, placeholders: &[(&str, String)]) -> String {
    placeholders.iter().fold(text.to_owned(), |text, (name, value)| text.replace(name, value))
}

pub fn run(dir: &Path, request: &Request) -> ExitCode {
    let files = files(request);
    if let Err(d) = create(dir, &files) {
        return fail(&d, "no project was created");
    }
    let shown = dir.display();
    let title = kind_profile(request.kind, request.year).title;
    println!(
        "Created a project for {title} ({}, {}) in {shown}:",
        request.kind.name(),
        request.organisation_type.name()
    );
    for (path, _) in &files {
        println!("  {path}");
    }
    println!(
        "\nLASMIG.md explains the files (in Swedish).\n\nNext:\n  cd {shown}\n  arsrapport serve          preview in the browser while you write\n  arsrapport check --lkbr   what the law requires and is missing\n  arsrapport build          the PDF and the web site, into output/"
    );
    ExitCode::SUCCESS
}

/// The year a document of `kind` made today is most likely for: last year's
/// årsredovisning, next year's plan, this year's interim report.
pub fn default_year(kind: DocumentKind) -> i32 {
    let year = current_year();
    match kind {
        DocumentKind::Arsredovisning => year - 1,
        DocumentKind::Verksamhetsplan => year + 1,
        DocumentKind::Delarsrapport | DocumentKind::Tertialrapport | DocumentKind::Manadsrapport => year,
    }
}

/// Writes `files` into `dir`, which must not exist or be empty. On failure
/// whatever was written is removed again.
fn create(dir: &Path, files: &[(String, String)]) -> Result<(), Diagnostics> {
    let error = |message: String, hint: &str| Diagnostics::from(Diagnostic::error(None, message).with_hint(hint));
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut entries| entries.next().is_none())
            .map_err(|e| error(format!("{} cannot be used: {e}", dir.display()), "give the name of a new folder"))?;
        if !empty {
            return Err(error(
                format!("{} is not empty", dir.display()),
                "`new` only creates a project in a new or empty folder, so that nothing is overwritten; give the name of a new folder",
            ));
        }
    }
    let created_dir = !dir.exists();
    let result = write_files(dir, files);
    if let Err((written, _)) = &result {
        for (path, _) in &files[..*written] {
            let _ = std::fs::remove_file(dir.join(path));
        }
        // Folders deepest first; a folder that is not empty stays.
        let mut folders: Vec<&Path> = files.iter().flat_map(|(p, _)| Path::new(p).ancestors().skip(1)).collect();
        folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
        folders.dedup();
        for folder in folders.into_iter().filter(|f| !f.as_os_str().is_empty()) {
            let _ = std::fs::remove_dir(dir.join(folder));
        }
        if created_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result.map_err(|(i, e)| {
        let path = dir.join(&files[i].0);
        error(format!("cannot write {}: {e}", path.display()), "check that the folder can be written to")
    })
}

/// Writes each file; on failure, how many were written and why the next was not.
fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), (usize, std::io::Error)> {
    for (i, (path, text)) in files.iter().enumerate() {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| (i, e))?;
        }
        // `create_new`: a file that appeared meanwhile is never overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
            .map_err(|e| (i, e))?;
    }
    Ok(())
}
/// A YAML double-quoted string: safe whatever the text holds (`#`, `:`, quotes).
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The current calendar year (UTC) from the system clock.
fn current_year() -> i32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    year_of_day(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// The year of a day counted from 1970-01-01 (proleptic Gregorian calendar).
fn year_of_day(days: i64) -> i32 {
    // Howard Hinnant's civil_from_days, reduced to the year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month_is_jan_or_feb = mp >= 10;
    i32::try_from(yoe + era * 400 + i64::from(month_is_jan_or_feb)).unwrap_or(1970)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [DocumentKind; 5] = [
        DocumentKind::Arsredovisning,
        DocumentKind::Verksamhetsplan,
        DocumentKind::Delarsrapport,
        DocumentKind::Tertialrapport,
        DocumentKind::Manadsrapport,
    ];

    fn every_request() -> impl Iterator<Item = Request<'static>> {
        KINDS.into_iter().flat_map(|kind| {
            OrganisationType::NAMES.into_iter().map(move |(_, organisation_type)| Request {
                kind,
                organisation_type,
                organisation: None,
                year: 2024,
            })
        })
    }

    #[test]
    fn years_from_day_numbers() {
        assert_eq!(year_of_day(0), 1970);
        assert_eq!(year_of_day(364), 1970);
        assert_eq!(year_of_day(365), 1971);
        // 2000-02-29 and 2000-12-31 (a leap year), 2001-01-01.
        assert_eq!(year_of_day(11_016), 2000);
        assert_eq!(year_of_day(11_322), 2000);
        assert_eq!(year_of_day(11_323), 2001);
    }

    #[test]
    fn filled_in_text_is_valid_yaml_whatever_the_name() {
        for kind in KINDS {
            let request = Request {
                kind,
                organisation_type: OrganisationType::Kommunalforbund,
                organisation: Some("Förbundet \"Sju\" # härad: 2"),
                year: 2024,
            };
            for (path, text) in files(&request).iter().filter(|(p, _)| p.ends_with(".yaml")) {
                let node = crate::yaml::parse(text, path).unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
                if path == "content/report.yaml" {
                    let get = |key: &str| node.get(key).and_then(|n| n.as_str()).map(str::to_owned);
                    assert_eq!(get("organisation").as_deref(), Some("Förbundet \"Sju\" # härad: 2"));
                    assert_eq!(get("kind").as_deref(), Some(kind.name()));
                    assert_eq!(get("organisation_type").as_deref(), Some("kommunalforbund"));
                    assert_eq!(node.get("period").is_some(), kind.is_interim(), "{}", kind.name());
                }
            }
        }
    }

    #[test]
    fn every_placeholder_and_mark_is_filled_in() {
        for request in every_request() {
            for (path, text) in files(&request) {
                let left = text.split('%').skip(1).step_by(2).find(|w| {
                    !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
                });
                let what = format!("{} {}: {path}", request.kind.name(), request.organisation_type.name());
                assert_eq!(left, None, "{what} still has a placeholder");
                assert!(!text.contains("%ONLY:"), "{what} still has a mark");
            }
        }
    }

    #[test]
    fn a_kommunalforbund_has_medlemsavgifter_and_no_skatteintakter() {
        let text = |organisation_type| {
            let request =
                Request { kind: DocumentKind::Arsredovisning, organisation_type, organisation: None, year: 2024 };
            files(&request).into_iter().find(|(p, _)| p == "content/data/rakenskaper.yaml").unwrap().1
        };
        let forbund = text(OrganisationType::Kommunalforbund);
        assert!(forbund.contains("id: medlemsavgifter") && !forbund.contains("id: skatteintakter"), "{forbund}");
        let region = text(OrganisationType::Region);
        assert!(region.contains("id: skatteintakter") && !region.contains("medlemsavgifter"), "{region}");
    }

    #[test]
    fn lines_are_kept_by_their_marks() {
        let text = "a\n%ONLY:kommun,region%b\n%ONLY:kommunalforbund%c\n%ONLY:interim%d\n";
        assert_eq!(keep_lines(text, &["arsredovisning", "region", ""]), "a\nb\n");
        assert_eq!(keep_lines(text, &["delarsrapport", "kommunalforbund", "interim"]), "a\nc\nd\n");
    }

    #[test]
    fn the_guide_lists_exactly_the_files_created() {
        for request in every_request() {
            let files = files(&request);
            let guide = &files.last().unwrap().1;
            let section = guide.split("## Filerna i projektet").nth(1).unwrap().split("\n## ").next().unwrap();
            let listed: Vec<&str> =
                section.lines().filter_map(|l| l.strip_prefix("- `")?.split_once('`')).map(|(p, _)| p).collect();
            let mut created: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
            created.push("output/");
            assert_eq!(listed, created, "{}", request.kind.name());
        }
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("anteckningar.txt"), "viktigt").unwrap();
        let request = Request {
            kind: DocumentKind::Arsredovisning,
            organisation_type: OrganisationType::Kommun,
            organisation: None,
            year: 2024,
        };
        let err = create(dir.path(), &files(&request)).unwrap_err();
        assert!(err.to_string().contains("is not empty"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join("anteckningar.txt")).unwrap(), "viktigt");
        assert!(!dir.path().join("content").exists());
    }

    #[test]
    fn a_file_that_cannot_be_written_leaves_nothing_behind() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("p");
        let files = vec![
            ("content/data/a.yaml".to_owned(), "a: 1\n".to_owned()),
            ("content/data/a.yaml/b".to_owned(), "b\n".to_owned()),
        ];
        assert!(create(&dir, &files).is_err());
        assert!(!dir.exists(), "{:?}", std::fs::read_dir(parent.path()).unwrap().collect::<Vec<_>>());
    }
}
