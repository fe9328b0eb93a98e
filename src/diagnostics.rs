//! One diagnostic type for every stage (YAML, Markdown, Tera, typst, validation),
//! printed one way everywhere: `file:line:col`, the source line with a marker,
//! a plain-language message and an optional hint.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a project file. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path relative to the project root, with `/` separators.
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Self {
        Self { file: file.into(), line: line.max(1), column: column.max(1) }
    }

    /// A location that names a whole file (no particular line).
    pub fn file(file: impl Into<String>) -> Self {
        Self { file: file.into(), line: 0, column: 0 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    pub message: String,
    pub hint: Option<String>,
    /// The offending source line, shown under the location with a marker.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Option<Location>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, location, message: message.into(), hint: None, source_line: None }
    }

    pub fn warning(location: Option<Location>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(location, message) }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches the source line the location points at, read from `source`.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(loc) = &self.location
            && loc.line > 0
        {
            self.source_line = source.lines().nth(loc.line - 1).map(str::to_owned);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        if let Some(loc) = &self.location {
            if loc.line == 0 {
                writeln!(f, "  --> {}", loc.file)?;
            } else {
                writeln!(f, "  --> {}:{}:{}", loc.file, loc.line, loc.column)?;
                if let Some(line) = &self.source_line {
                    write_source_line(f, loc, line)?;
                }
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// At most this many characters of a source line are shown; a longer line (a
/// minified file, a data file on one line) is cut around the column.
const SHOWN_CHARS: usize = 120;
/// How many of the shown characters come before the column in a cut line.
const SHOWN_BEFORE: usize = 40;

/// Prints the source line with its number and a `^` under the column.
fn write_source_line(f: &mut fmt::Formatter<'_>, loc: &Location, line: &str) -> fmt::Result {
    let number = loc.line.to_string();
    let pad = " ".repeat(number.len());
    let column = loc.column.saturating_sub(1);
    let (shown, marker_at) = shortened(line, column);
    let marker_pad: String = shown.chars().take(marker_at).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    writeln!(f, "{pad} |")?;
    writeln!(f, "{number} | {shown}")?;
    writeln!(f, "{pad} | {marker_pad}^")
}

/// The part of `line` to show, at most [`SHOWN_CHARS`] characters around the
/// 0-based character `column` with `…` where text is left out, and where the
/// column falls in it.
fn shortened(line: &str, column: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let length = line.chars().count();
    if length <= SHOWN_CHARS {
        return (line.into(), column);
    }
    let column = column.min(length);
    let start = column.saturating_sub(SHOWN_BEFORE).min(length - SHOWN_CHARS);
    let end = start + SHOWN_CHARS;
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(SHOWN_CHARS));
    if end < length {
        shown.push('…');
    }
    let marker_at = column - start + usize::from(start > 0);
    (shown.into(), marker_at)
}

/// Every problem found in one run. Stages push into it and keep going, so the
/// user sees all problems at once.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Fails with all collected diagnostics if any of them is an error.
    pub fn into_result(self) -> Result<Diagnostics, Diagnostics> {
        if self.has_errors() { Err(self) } else { Ok(self) }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self { items: vec![d] }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The path of `path` relative to `root`, with `/` separators, for messages.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(line: &str, column: usize) -> String {
        Diagnostic::error(Some(Location::new("content/data/a.yaml", 3, column)), "wrong")
            .with_source(&format!("a\nb\n{line}\n"))
            .to_string()
    }

    /// A megabyte on one line prints a window of it around the column, with
    /// the marker still under the character the location names. Fails when
    /// `shortened` returns every line whole.
    #[test]
    fn a_long_source_line_is_shortened_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500_000), "b".repeat(500_000));
        let text = shown(&line, 500_001);
        assert!(text.len() < 1_000, "{} bytes printed", text.len());
        let lines: Vec<&str> = text.lines().collect();
        let source = lines[3].strip_prefix("3 | ").unwrap();
        let marker = lines[4].strip_prefix("  | ").unwrap();
        assert_eq!(source.chars().count(), SHOWN_CHARS + 2, "{source}");
        assert!(source.starts_with("…a") && source.ends_with("b…"), "{source}");
        assert_eq!(source.chars().nth(marker.chars().count() - 1), Some('X'), "{source}\n{marker}");

        // At the start and at the end of the line, only one side is cut.
        let start = shown(&line, 1);
        assert!(start.contains("3 | aaa") && start.contains("a…\n  | ^\n"), "{start}");
        let end = shown(&line, line.chars().count());
        let source = end.lines().nth(3).unwrap();
        let marker = end.lines().nth(4).unwrap();
        assert!(source.starts_with("3 | …b") && !source.ends_with('…'), "{source}");
        assert_eq!(marker.chars().count(), source.chars().count(), "the marker is under the last character");
    }

    #[test]
    fn a_short_source_line_is_shown_whole() {
        let line = format!("\t{}", "x".repeat(SHOWN_CHARS - 1));
        let text = shown(&line, 5);
        assert!(text.contains(&format!("3 | {line}\n  | \t   ^\n")), "{text}");
    }
}
