//! Chapters: discovery in a document's folder (`content/chapters/`), front matter, order.

use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};
use crate::project::Fields;
use crate::yaml;

/// How far a chapter has come; set in its front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Utkast,
    Granskning,
    Klar,
}

impl Status {
    pub const NAMES: [(&'static str, Status); 3] =
        [("utkast", Status::Utkast), ("granskning", Status::Granskning), ("klar", Status::Klar)];

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(_, s)| *s == self).map(|(n, _)| *n).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Chapter {
    /// Project-relative path, e.g. `content/chapters/02-forvaltningsberattelse.md`.
    pub file: String,
    /// File stem, used for output names: `02-forvaltningsberattelse`.
    pub slug: String,
    pub status: Option<Status>,
    pub owner: Option<String>,
    /// The Markdown after the front matter.
    pub body: String,
    /// Number of file lines before `body` starts, to map body lines back to the file.
    pub body_line_offset: usize,
    /// The whole file, for showing source lines in messages.
    pub source: String,
}

/// Finds and reads every chapter, sorted by file name (the numeric prefix sets the order).
/// `folder` is project-relative, e.g. `content/chapters`.
pub fn load_chapters(root: &Path, folder: &str) -> Result<Vec<Chapter>, Diagnostics> {
    let dir = root.join(folder);
    let mut diagnostics = Diagnostics::new();
    if !crate::listing::folder_exists(root, &dir)? {
        return Err(Diagnostic::error(Some(Location::file(folder)), "the folder for chapters is missing")
            .with_hint(format!("create {folder}/ and put one Markdown file per chapter in it, e.g. 01-inledning.md"))
            .into());
    }
    if !crate::project::resolves_inside(root, &dir) {
        return Err(crate::project::outside_the_project(folder).into());
    }
    let mut paths: Vec<_> = crate::listing::entries(WalkDir::new(&dir).min_depth(1).max_depth(1), root)?
        .into_iter()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    let mut chapters = Vec::new();
    for path in paths {
        let file = display_path(root, &path);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            diagnostics.push(
                Diagnostic::error(Some(Location::file(&file)), "chapters may not be symbolic links")
                    .with_hint(format!("copy the file into {folder}/ instead")),
            );
            continue;
        }
        // The name becomes the chapter's web page and its link target in the PDF.
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        if stem.is_empty() || !stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::file(&file)),
                    format!("the chapter file name `{stem}.md` cannot be used for its web page"),
                )
                .with_hint("use ASCII letters, digits, `-` and `_` only, e.g. `03-regional-utveckling.md`"),
            );
            continue;
        }
        let text = match crate::input::read_text(&path, &file) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.extend(e);
                continue;
            }
        };
        match parse_chapter(&file, &text) {
            Ok(ch) => chapters.push(ch),
            Err(e) => diagnostics.extend(e),
        }
    }
    diagnostics.extend(shared_numbers(&chapters));
    if chapters.is_empty() && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::error(Some(Location::file(folder)), "there are no chapters")
                .with_hint(format!("add a Markdown file such as {folder}/01-inledning.md")),
        );
    }
    diagnostics.into_result().map(|_| chapters)
}

/// The number a chapter's file name starts with (`03` in `03-intakter.md`).
fn number(slug: &str) -> Option<u64> {
    let digits = &slug[..slug.find(|c: char| !c.is_ascii_digit()).unwrap_or(slug.len())];
    digits.parse().ok()
}

/// Chapters whose file names start with the same number would be put in
/// order by the rest of their names, which nobody meant: each is an error.
fn shared_numbers(chapters: &[Chapter]) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (i, chapter) in chapters.iter().enumerate() {
        let Some(n) = number(&chapter.slug) else { continue };
        if let Some(first) = chapters[..i].iter().find(|c| number(&c.slug) == Some(n)) {
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::new(&chapter.file, 1, 1)),
                    format!("this chapter has the same number as {}.md, so their order is unclear", first.slug),
                )
                .with_hint("give each chapter a number of its own, e.g. by renaming one of the files"),
            );
        }
    }
    diagnostics
}

/// Splits the front matter (between `---` lines at the very top) from the body.
pub fn parse_chapter(file: &str, text: &str) -> Result<Chapter, Diagnostics> {
    let slug = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".md").to_owned();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut chapter = Chapter {
        file: file.to_owned(),
        slug,
        status: None,
        owner: None,
        body: text.to_owned(),
        body_line_offset: 0,
        source: text.to_owned(),
    };
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok(chapter);
    };
    let mut offset = 0;
    let mut end = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start)) = end else {
        return Err(Diagnostic::error(
            Some(Location::new(file, 1, 1)),
            "the front matter that starts here is never closed",
        )
        .with_hint("end the front matter with a line holding only `---`")
        .into());
    };
    let front = &rest[..fm_end];
    // Parse the front matter with its real line numbers: pad with the line of the opening `---`.
    let padded = format!("\n{front}");
    let node = yaml::parse(&padded, file)?;
    let mut diagnostics = Diagnostics::new();
    if node.kind != yaml::NodeKind::Null {
        let mut f = Fields::new(&node, file, &padded, "the front matter")?;
        chapter.status = f.optional("status").and_then(|n| f.one_of(Some(n), &Status::NAMES));
        chapter.owner = f.optional("ansvarig").and_then(|n| f.string(Some(n)));
        diagnostics.extend(f.finish());
    }
    chapter.body = rest[body_start..].to_owned();
    chapter.body_line_offset = 2 + front.lines().count();
    diagnostics.into_result().map(|_| chapter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_keeps_line_offsets() {
        let ch =
            parse_chapter("content/chapters/02-a.md", "---\nstatus: klar\nansvarig: Ekonom\n---\n# Titel\n").unwrap();
        assert_eq!(ch.slug, "02-a");
        assert_eq!(ch.status, Some(Status::Klar));
        assert_eq!(ch.owner.as_deref(), Some("Ekonom"));
        assert_eq!(ch.body, "# Titel\n");
        assert_eq!(ch.body_line_offset, 4);
    }

    #[test]
    fn front_matter_errors_point_at_the_file_line() {
        let err = parse_chapter("c.md", "---\nstatus: klar\nstatsu: klar\n---\n").unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.location, Some(Location::new("c.md", 3, 1)));
        assert_eq!(d.hint.as_deref(), Some("did you mean `status`?"));
    }

    #[test]
    fn two_chapters_with_one_number_are_refused() {
        let chapters: Vec<Chapter> =
            ["content/chapters/03-a.md", "content/chapters/03-b.md", "content/chapters/04-c.md"]
                .iter()
                .map(|f| parse_chapter(f, "# T\n").unwrap())
                .collect();
        let found = shared_numbers(&chapters);
        let d: Vec<_> = found.iter().collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, Some(Location::new("content/chapters/03-b.md", 1, 1)));
        assert!(d[0].message.contains("03-a.md"), "{}", d[0]);
    }

    #[test]
    fn no_front_matter_is_fine() {
        let ch = parse_chapter("c.md", "# Titel\n\nText.\n").unwrap();
        assert_eq!(ch.body_line_offset, 0);
        assert!(ch.status.is_none());
    }
}
