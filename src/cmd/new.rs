//! `arsrapport new DIR`: a small project that builds at once, with comments
//! in Swedish explaining each file to the people who will fill it in.
//! The files are in `new/` beside this file; `%NAME%` marks what is filled in.

use std::path::Path;
use std::process::ExitCode;

use super::fail;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The project's files: path in the project, text.
const FILES: &[(&str, &str)] = &[
    ("content/report.yaml", include_str!("new/content/report.yaml")),
    ("content/chapters/01-inledning.md", include_str!("new/content/chapters/01-inledning.md")),
    (
        "content/chapters/02-forvaltningsberattelse.md",
        include_str!("new/content/chapters/02-forvaltningsberattelse.md"),
    ),
    ("content/chapters/03-resultatrakning.md", include_str!("new/content/chapters/03-resultatrakning.md")),
    ("content/chapters/04-noter.md", include_str!("new/content/chapters/04-noter.md")),
    ("content/data/nyckeltal.yaml", include_str!("new/content/data/nyckeltal.yaml")),
    ("content/data/resultatrakning.yaml", include_str!("new/content/data/resultatrakning.yaml")),
    ("content/data/mal.yaml", include_str!("new/content/data/mal.yaml")),
    ("LASMIG.md", include_str!("new/LASMIG.md")),
    (".gitignore", include_str!("new/gitignore")),
];

const DEFAULT_ORGANISATION: &str = "Exempelkommunen";

pub fn run(dir: &Path, organisation: Option<&str>, year: Option<i32>) -> ExitCode {
    let year = year.unwrap_or_else(|| current_year() - 1);
    let organisation = organisation.map(str::trim).filter(|o| !o.is_empty()).unwrap_or(DEFAULT_ORGANISATION);
    if let Err(d) = create(dir, organisation, year) {
        return fail(&d, "no project was created");
    }
    let shown = dir.display();
    println!("Created a project for Årsredovisning {year} in {shown}:");
    for (path, what) in [
        ("content/report.yaml", "the document: organisation, title, year, decision"),
        ("content/chapters/", "one Markdown file per chapter, four to start with"),
        ("content/data/", "the figures: key figures, the resultaträkning with a note, the goals"),
        ("LASMIG.md", "how it all fits together, in Swedish"),
    ] {
        println!("  {path:<22} {what}");
    }
    println!(
        "\nNext:\n  cd {shown}\n  arsrapport serve    preview in the browser while you write\n  arsrapport build    the PDF and the web site, into output/"
    );
    ExitCode::SUCCESS
}

/// Writes the project into `dir`, which must not exist or be empty. On
/// failure whatever was written is removed again.
fn create(dir: &Path, organisation: &str, year: i32) -> Result<(), Diagnostics> {
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
    let result = write_files(dir, organisation, year);
    if result.is_err() {
        for (path, _) in FILES {
            let _ = std::fs::remove_file(dir.join(path));
        }
        for sub in ["content/chapters", "content/data", "content"] {
            let _ = std::fs::remove_dir(dir.join(sub));
        }
        if created_dir {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result.map_err(|(path, e)| {
        error(format!("cannot write {}: {e}", dir.join(path).display()), "check that the folder can be written to")
    })
}

fn write_files(dir: &Path, organisation: &str, year: i32) -> Result<(), (&'static str, std::io::Error)> {
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| (*path, e))?;
        }
        std::fs::write(&target, fill(text, organisation, year)).map_err(|e| (*path, e))?;
    }
    Ok(())
}

/// Fills in the placeholders of a template file.
fn fill(text: &str, organisation: &str, year: i32) -> String {
    let description = format!("Årsredovisning {year} för {organisation}.");
    text.replace("%ORGANISATION%", &yaml_string(organisation))
        .replace("%DESCRIPTION%", &yaml_string(&description))
        .replace("%NEXT_YEAR%", &(year + 1).to_string())
        .replace("%PREV_YEAR%", &(year - 1).to_string())
        .replace("%YEAR%", &year.to_string())
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
        let text = fill(include_str!("new/content/report.yaml"), "Förbundet \"Sju\" # härad: 2", 2024);
        let node = crate::yaml::parse(&text, "content/report.yaml").unwrap();
        assert_eq!(node.get("organisation").and_then(|n| n.as_str()), Some("Förbundet \"Sju\" # härad: 2"));
        assert_eq!(node.get("year").and_then(|n| n.as_str()), Some("2024"));
        assert!(!text.contains('%'), "{text}");
    }

    #[test]
    fn every_placeholder_is_filled_in() {
        for (path, text) in FILES {
            let filled = fill(text, "X", 2024);
            let left = filled
                .split('%')
                .skip(1)
                .step_by(2)
                .find(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
            assert_eq!(left, None, "{path} still has a placeholder");
        }
        let statement = FILES.iter().find(|(p, _)| *p == "content/data/resultatrakning.yaml").unwrap().1;
        assert!(fill(statement, "X", 2024).contains("{id: fjol, label: \"2023\"}"));
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("anteckningar.txt"), "viktigt").unwrap();
        let err = create(dir.path(), "X", 2024).unwrap_err();
        assert!(err.to_string().contains("is not empty"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join("anteckningar.txt")).unwrap(), "viktigt");
        assert!(!dir.path().join("content").exists());
    }
}
