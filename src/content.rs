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
    // Chapter files with a usable name so far, to compare each new name with.
    let mut paths_seen: Vec<String> = Vec::new();
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
        if let Some(problem) = name_other_systems_refuse(&stem, &file, &paths_seen) {
            diagnostics.push(problem);
            continue;
        }
        paths_seen.push(file.clone());
        let text = match crate::input::read_text(&path, &file) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.extend(e);
                continue;
            }
        };
        let mut references = control_references(&text, &file);
        references.extend(nesting_too_deep(&text, &file));
        if references.has_errors() {
            diagnostics.extend(references);
            continue;
        }
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

/// Names Windows reserves for devices: no file, with any extension, may
/// have them there, so a site holding one cannot be copied to a file share.
const RESERVED_ON_WINDOWS: [&str; 4] = ["con", "prn", "aux", "nul"];

/// Why the site could not be copied to any web server or file share with a
/// page named after this chapter: its name is reserved on Windows, or it
/// differs only in case from an earlier chapter's (one file where case
/// does not count).
fn name_other_systems_refuse(stem: &str, file: &str, earlier: &[String]) -> Option<Diagnostic> {
    let lower = stem.to_ascii_lowercase();
    let numbered_device = ["com", "lpt"]
        .iter()
        .any(|p| lower.strip_prefix(p).is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit()));
    if RESERVED_ON_WINDOWS.contains(&lower.as_str()) || numbered_device {
        return Some(
            Diagnostic::error(
                Some(Location::file(file)),
                format!("`{stem}` is a device name on Windows, where no file may be called `{stem}.html`"),
            )
            .with_hint(format!("give the chapter another name, e.g. with its number first: `02-{stem}.md`")),
        );
    }
    let other = earlier.iter().find(|e| {
        let earlier_stem = e.rsplit('/').next().unwrap_or(e).trim_end_matches(".md");
        earlier_stem != stem && earlier_stem.eq_ignore_ascii_case(stem)
    })?;
    Some(
        Diagnostic::error(
            Some(Location::file(file)),
            format!("the chapter file names {other} and {file} differ only in upper and lower case"),
        )
        .with_hint("where case does not count (Windows, macOS, many web servers) they are one file: rename one"),
    )
}

/// A character reference such as `&#27;` would put a control character on
/// the page as surely as the character itself: each is an error at its place.
fn control_references(text: &str, file: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (index, line) in text.split('\n').enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("&#") {
            let after = &rest[start + 2..];
            let (digits, radix) = match after.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16),
                None => (after, 10),
            };
            let end = digits.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(digits.len());
            let value = u32::from_str_radix(&digits[..end], radix).ok();
            let closed = digits[end..].starts_with(';');
            if let Some(c) = value.filter(|_| closed && end <= 8).and_then(char::from_u32)
                && crate::input::is_forbidden_control(c)
            {
                let column = line[..line.len() - rest.len() + start].chars().count() + 1;
                diagnostics.push(
                    Diagnostic::error(
                        Some(Location::new(file, index + 1, column)),
                        format!(
                            "this character reference is the control character {}, which no page can show",
                            crate::input::describe_control(c)
                        ),
                    )
                    .with_hint("delete it")
                    .with_source(text),
                );
            }
            rest = &after[end.min(after.len())..];
        }
    }
    diagnostics
}

/// The deepest nesting of lists and quotes started on one line, and of
/// `[` (links and images) open in one paragraph, that a chapter may hold.
/// No real text comes near it; beyond it, reading the Markdown takes time
/// that grows with the square of the depth (20 000 nested `![a` took half
/// a minute, 20 000 `- ` on one line over a minute).
pub const MAX_NESTING: usize = 32;

/// An error at the first place a chapter nests deeper than [`MAX_NESTING`].
fn nesting_too_deep(text: &str, file: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let mut open_brackets = 0usize;
    for (index, line) in text.split('\n').enumerate() {
        let mut problem = None;
        if line.trim().is_empty() {
            open_brackets = 0;
        }
        // List and quote markers at the start of the line: `- `, `* `, `+ `, `1. `, `1) `, `>`.
        let mut rest = line;
        let mut markers = 0;
        loop {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            let digits = trimmed.len() - trimmed.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let after = if let Some(r) = trimmed.strip_prefix('>') {
                Some(r)
            } else if (1..=9).contains(&digits) {
                trimmed[digits..].strip_prefix(['.', ')']).filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
            } else {
                trimmed.strip_prefix(['-', '*', '+']).filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
            };
            let Some(after) = after else { break };
            markers += 1;
            if markers > MAX_NESTING {
                problem = Some((line.len() - trimmed.len(), "lists or quotes nested"));
                break;
            }
            rest = after;
        }
        if problem.is_none() {
            let mut escaped = false;
            for (at, c) in line.char_indices() {
                match c {
                    '[' if !escaped => {
                        open_brackets += 1;
                        if open_brackets > MAX_NESTING {
                            problem = Some((at, "`[` (links or images) open"));
                            break;
                        }
                    }
                    ']' if !escaped => open_brackets = open_brackets.saturating_sub(1),
                    _ => {}
                }
                escaped = c == '\\' && !escaped;
            }
        }
        if let Some((at, what)) = problem {
            let column = line[..at].chars().count() + 1;
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::new(file, index + 1, column)),
                    format!("more than {MAX_NESTING} {what} at once, the most a chapter may hold"),
                )
                .with_hint("this is rarely meant: check the line; a `[` meant as text is written `\\[`")
                .with_source(text),
            );
            // One error is enough; the rest of the chapter is not read.
            break;
        }
    }
    diagnostics
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
    fn names_windows_reserves_or_that_differ_only_in_case_are_refused() {
        for stem in ["CON", "aux", "nul", "com1", "LPT1", "prn", "Com9"] {
            let d = name_other_systems_refuse(stem, &format!("c/{stem}.md"), &[]).expect(stem);
            assert!(d.message.contains("device name on Windows"), "{d}");
        }
        for stem in ["01-con", "console", "com10", "lpt", "comx"] {
            assert!(name_other_systems_refuse(stem, "c/x.md", &[]).is_none(), "{stem}");
        }
        let earlier = ["c/bilaga.md".to_owned()];
        let d = name_other_systems_refuse("Bilaga", "c/Bilaga.md", &earlier).unwrap();
        assert_eq!(d.message, "the chapter file names c/bilaga.md and c/Bilaga.md differ only in upper and lower case");
        assert!(name_other_systems_refuse("bilagor", "c/bilagor.md", &earlier).is_none());
    }

    #[test]
    fn character_references_to_control_characters_are_refused_where_they_are() {
        let found = control_references("a &#27; b\nå &#x0; &#x1B; &#10; &#65; &amp;#1;\n&#x7;", "c.md");
        let at: Vec<_> = found.iter().map(|d| d.location.clone().unwrap()).collect();
        let at: Vec<_> = at.iter().map(|l| (l.line, l.column)).collect();
        assert_eq!(at, [(1, 3), (2, 3), (2, 9), (3, 1)]);
        assert!(found.iter().next().unwrap().message.contains("U+001B"));
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused_at_its_place() {
        let deep = |unit: &str, n: usize| format!("# T\n\n{}x\n", unit.repeat(n));
        for unit in ["- ", "> ", "1. ", "* ", "![a", "["] {
            assert!(nesting_too_deep(&deep(unit, MAX_NESTING), "c.md").is_empty(), "{unit}");
            let found = nesting_too_deep(&deep(unit, MAX_NESTING + 1), "c.md");
            let d = found.iter().next().unwrap_or_else(|| panic!("{unit}"));
            let column = MAX_NESTING * unit.chars().count() + if unit == "![a" { 2 } else { 1 };
            assert_eq!(d.location, Some(Location::new("c.md", 3, column)), "{unit}: {d}");
        }
        // Escaped brackets, closed ones, and a new paragraph do not count.
        let text = format!("{}\n\n{}\n{}", "[".repeat(30), "\\[".repeat(100), "[a] ".repeat(100));
        assert!(nesting_too_deep(&text, "c.md").is_empty());
    }

    #[test]
    fn no_front_matter_is_fine() {
        let ch = parse_chapter("c.md", "# Titel\n\nText.\n").unwrap();
        assert_eq!(ch.body_line_offset, 0);
        assert!(ch.status.is_none());
    }
}
