//! Reading the project's own text files (chapters, data files, report.yaml):
//! ordinary files only, within a size limit checked before they are read,
//! valid UTF-8, and without control characters that no page can show.

use std::io::Read;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The largest chapter, data file or report.yaml read: far beyond a real
/// one (a 300-page report's chapters are a few hundred kB together), small
/// enough that parsing it stays within a bounded memory.
pub const MAX_TEXT_FILE: u64 = 4 << 20;

/// The text of the project file at `path`; `file` is its project-relative
/// name for messages. A named pipe, a device or a folder is refused before
/// it is opened (so nothing waits on it), and so is a file over
/// [`MAX_TEXT_FILE`]. Control characters are errors at their line and column.
pub fn read_text(path: &Path, file: &str) -> Result<String, Diagnostics> {
    let at_file = || Some(Location::file(file));
    let metadata = std::fs::metadata(path)
        .map_err(|e| Diagnostics::from(Diagnostic::error(at_file(), format!("cannot read the file: {e}"))))?;
    if !metadata.file_type().is_file() {
        return Err(not_a_file(file, &metadata.file_type()).into());
    }
    if metadata.len() > MAX_TEXT_FILE {
        return Err(too_large(file, metadata.len()).into());
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    open(path)
        .and_then(|f| f.take(MAX_TEXT_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| Diagnostics::from(Diagnostic::error(at_file(), format!("cannot read the file: {e}"))))?;
    // The file grew between the look and the read.
    if bytes.len() as u64 > MAX_TEXT_FILE {
        return Err(too_large(file, bytes.len() as u64).into());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostics::from(
            Diagnostic::error(Some(Location::new(file, line, 1)), "the file is not valid UTF-8 text")
                .with_hint("save the file as UTF-8 in your editor"),
        )
    })?;
    let problems = control_characters(&text, file);
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(text)
}

/// Opens without waiting: should the file have been replaced by a named
/// pipe since it was looked at, the open returns at once.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(std::io::Error::other("it is no longer an ordinary file"));
    }
    Ok(file)
}

fn not_a_file(file: &str, kind: &std::fs::FileType) -> Diagnostic {
    let what = kind_of(kind);
    Diagnostic::error(Some(Location::file(file)), format!("this is {what}, not an ordinary file, so it is not read"))
        .with_hint("only ordinary files are read as chapters and data; remove it or rename it")
}

#[cfg(unix)]
fn kind_of(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn kind_of(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() { "a folder" } else { "something else" }
}

fn too_large(file: &str, size: u64) -> Diagnostic {
    Diagnostic::error(
        Some(Location::file(file)),
        format!("the file is {} large; files of up to {} are read", megabytes(size), megabytes(MAX_TEXT_FILE)),
    )
    .with_hint("split it into several files (a chapter per file, a data file per table)")
}

/// A size in MB for messages: `21.3 MB`, `4 MB`.
fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1 << 20);
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        d => format!("{}.{d} MB", tenths / 10),
    }
}

/// Whether `c` is a control character that text may not hold: C0 except
/// tab, line feed and carriage return.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{7f}')
}

/// The name of a control character for messages: `U+0000`.
pub fn describe_control(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// One error for each line that holds a control character, at the first
/// one, so that none reaches a page or the PDF.
pub fn control_characters(text: &str, file: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (index, line) in text.split('\n').enumerate() {
        if let Some(column) = line.chars().position(is_forbidden_control) {
            let c = line.chars().nth(column).unwrap_or_default();
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::new(file, index + 1, column + 1)),
                    format!("the text holds the control character {}, which no page can show", describe_control(c)),
                )
                .with_hint("delete it (it often comes along with text copied from another program)"),
            );
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_in_megabytes() {
        assert_eq!(megabytes(MAX_TEXT_FILE), "4 MB");
        assert_eq!(megabytes(21 << 20), "21 MB");
        assert_eq!(megabytes((4 << 20) + 1), "4.1 MB");
    }

    #[test]
    fn control_characters_are_found_at_their_line_and_column() {
        let found = control_characters("ok\ttab\r\nå\u{0}x\u{1b}\n\u{c}\n", "a.md");
        let at: Vec<_> = found.iter().map(|d| d.location.clone().unwrap()).collect();
        assert_eq!(at, [Location::new("a.md", 2, 2), Location::new("a.md", 3, 1)]);
        assert!(found.iter().next().unwrap().message.contains("U+0000"));
    }
}
