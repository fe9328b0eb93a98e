//! `arsrapport status`: every chapter with its status and who is responsible,
//! and the check behind `build --final`.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::{count, fail, load_project};
use crate::cli::ProjectArgs;
use crate::content::{self, Chapter, Status};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

pub fn run(args: &ProjectArgs) -> ExitCode {
    let project = match load_project(args) {
        Ok(p) => p,
        Err(d) => return fail(&d, "cannot list the chapters"),
    };
    let documents = match project.select(args.document.as_deref()) {
        Ok(d) => d,
        Err(d) => return fail(&d.into(), "cannot list the chapters"),
    };
    for (i, doc) in documents.iter().enumerate() {
        let chapters = match content::load_chapters(&project.root, &doc.chapters_dir) {
            Ok(c) => c,
            Err(d) => return fail(&d, "cannot list the chapters"),
        };
        if i > 0 {
            println!();
        }
        print!("{}", table(&doc.title, &chapters));
        print!("{}", lkbr_section(&project, doc));
    }
    ExitCode::SUCCESS
}

/// What `check --lkbr` finds in the document, one line each. Finding it
/// takes a build (in memory); a document that does not build is not checked.
fn lkbr_section(project: &crate::project::Project, doc: &crate::project::ReportConfig) -> String {
    let built = match crate::pipeline::build(project, doc) {
        Ok(built) => built,
        Err(_) => {
            return "\nLKBR: not checked, the document does not build (`arsrapport check` names the problems).\n"
                .into();
        }
    };
    let mut out = match built.lkbr.len() {
        0 => return "\nLKBR: nothing missing.\n".into(),
        n => format!("\nLKBR: {} (`arsrapport check --lkbr` shows them in full)\n", count(n, "finding", "findings")),
    };
    for f in &built.lkbr {
        let at = match &f.location {
            Some(l) if l.line > 0 => format!(" at {}:{}", l.file, l.line),
            Some(l) => format!(" in {}", l.file),
            None => String::new(),
        };
        let _ = writeln!(out, "  - {} ({}){at}", f.message, f.rule.source);
    }
    out
}

/// The status table and a summary line under it.
pub fn table(title: &str, chapters: &[Chapter]) -> String {
    let header = ["#", "file", "status", "ansvarig", "title"];
    let rows: Vec<[String; 5]> = chapters
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            [
                (i + 1).to_string(),
                ch.file.rsplit('/').next().unwrap_or(&ch.file).to_owned(),
                ch.status.map_or("-", Status::name).to_owned(),
                ch.owner.clone().unwrap_or_else(|| "-".into()),
                chapter_title(&ch.body).unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = format!("{title}: {}\n\n", count(chapters.len(), "chapter", "chapters"));
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            let _ = match i {
                0 => write!(text, "{}{cell}", " ".repeat(pad)),
                4 => write!(text, "  {cell}"),
                _ => write!(text, "  {cell}{}", " ".repeat(pad)),
            };
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }

    let tally = |status: Option<Status>| chapters.iter().filter(|c| c.status == status).count();
    let klar = tally(Some(Status::Klar));
    out.push('\n');
    if klar == chapters.len() {
        out.push_str(&format!(
            "All {} are klar; `arsrapport build --final` builds the final version.\n",
            count(chapters.len(), "chapter", "chapters")
        ));
    } else {
        let mut rest = Vec::new();
        for (status, name) in [(Some(Status::Utkast), "utkast"), (Some(Status::Granskning), "granskning")] {
            let n = tally(status);
            if n > 0 {
                rest.push(format!("{n} {name}"));
            }
        }
        let none = tally(None);
        if none > 0 {
            rest.push(format!("{none} without status"));
        }
        out.push_str(&format!(
            "{klar} of {} klar ({}).\n",
            count(chapters.len(), "chapter", "chapters"),
            rest.join(", ")
        ));
    }
    out
}

/// The text of the first level-1 heading (`# Title`) outside code blocks.
fn chapter_title(body: &str) -> Option<String> {
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if line.len() - trimmed.len() > 3 {
            continue;
        }
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                fence = match fence {
                    None => Some(marker),
                    Some(open) if open == marker => None,
                    other => other,
                };
            }
        }
        if fence.is_none()
            && let Some(title) = trimmed.strip_prefix("# ")
        {
            let title = title.trim().trim_end_matches('#').trim_end();
            return Some(title.to_owned());
        }
    }
    None
}

/// An error for every chapter that is not `klar`, pointing at its `status:` line.
pub fn unfinished(chapters: &[Chapter]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for ch in chapters {
        let d = match ch.status {
            Some(Status::Klar) => continue,
            Some(status) => Diagnostic::error(
                Some(status_location(ch)),
                format!("the chapter is not finished: its status is `{}`", status.name()),
            )
            .with_hint("once the chapter is approved, change the line to `status: klar`; without --final a draft version is built"),
            None => Diagnostic::error(Some(Location::new(&ch.file, 1, 1)), "the chapter has no status")
                .with_hint("once the chapter is approved, put `status: klar` at the top of the file, between two lines holding only `---`"),
        };
        diagnostics.push(d.with_source(&ch.source));
    }
    diagnostics
}

/// The `status:` line of the front matter; the first line if there is none.
fn status_location(ch: &Chapter) -> Location {
    // Front matter spans lines 2 .. body_line_offset - 1 (1-based); line 1 is `---`.
    let front = ch.source.lines().enumerate().take(ch.body_line_offset.saturating_sub(1)).skip(1);
    for (i, line) in front {
        if let Some(rest) = line.strip_prefix("status:") {
            let column = "status:".len() + rest.chars().take_while(|c| c.is_whitespace()).count() + 1;
            return Location::new(&ch.file, i + 1, column);
        }
    }
    Location::new(&ch.file, 1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_chapter;

    #[test]
    fn titles_skip_code_blocks_and_closing_hashes() {
        assert_eq!(chapter_title("```\n# kod\n```\n# Noter #\n").as_deref(), Some("Noter"));
        assert_eq!(chapter_title("## Bara underrubrik\n"), None);
    }

    #[test]
    fn unfinished_chapters_point_at_their_status_line() {
        let draft =
            parse_chapter("content/chapters/01-a.md", "---\nansvarig: Ekonom\nstatus:  utkast\n---\n# A\n").unwrap();
        let done = parse_chapter("content/chapters/02-b.md", "---\nstatus: klar\n---\n# B\n").unwrap();
        let bare = parse_chapter("content/chapters/03-c.md", "# C\n").unwrap();
        let d = unfinished(&[draft, done, bare]);
        let all: Vec<_> = d.iter().collect();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].location, Some(Location::new("content/chapters/01-a.md", 3, 10)));
        assert!(all[0].message.contains("`utkast`"));
        assert_eq!(all[0].source_line.as_deref(), Some("status:  utkast"));
        assert_eq!(all[1].location, Some(Location::new("content/chapters/03-c.md", 1, 1)));
    }

    #[test]
    fn the_table_lines_up_and_counts() {
        let a = parse_chapter("content/chapters/01-a.md", "---\nstatus: klar\nansvarig: Åsa Öberg\n---\n# Förord\n")
            .unwrap();
        let b = parse_chapter("content/chapters/02-bb.md", "---\nstatus: granskning\n---\n# Resultat\n").unwrap();
        let text = table("Årsredovisning 2013", &[a, b]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Årsredovisning 2013: 2 chapters");
        assert_eq!(lines[2], "#  file      status      ansvarig   title");
        assert_eq!(lines[3], "1  01-a.md   klar        Åsa Öberg  Förord");
        assert_eq!(lines[4], "2  02-bb.md  granskning  -          Resultat");
        assert_eq!(lines[6], "1 of 2 chapters klar (1 granskning).");
    }
}
