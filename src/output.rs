//! Writing the build's files. Everything is first written into a staging
//! folder beside the output, then moved into place by renames, so a failed
//! or interrupted build never leaves a half-written file behind.
//!
//! Each top-level entry the build produces (a PDF, a site's folder) replaces
//! its predecessor in one step where the system can (Linux's
//! `RENAME_EXCHANGE`); elsewhere the old one is moved aside first. The
//! entries are swapped one after the other, so the output as a whole changes
//! in one step only through the staging folder's plan: it names every entry
//! and the new entry's identity (its inode). Until all are swapped and the
//! plan is removed, a failure swaps back what was swapped, and a build killed
//! meanwhile is undone by the next one before anything else: the output is
//! always either all old or all new once the next build has started.
//!
//! Folders are replaced as a whole, so a build writes the mark file
//! `.arsrapport` into each folder it makes, and replaces only folders that
//! carry it. A folder of the user's own in `output/` that bears an output's
//! name is never deleted: the build refuses and says so, and the user
//! decides where the folder goes.

use std::fmt;
use std::path::{Component, Path, PathBuf};

const STAGING: &str = ".staging-";
/// In the staging folder: the new entries, and the old ones moved aside.
const NEW: &str = "new";
const OLD: &str = "old";
/// In the staging folder while entries are being swapped: one line per
/// entry, `<identity of the new entry> <name>`.
const PLAN: &str = "plan";
/// In every folder a build writes: the sign that a later build may replace it.
pub const MARK: &str = ".arsrapport";
const MARK_TEXT: &str = "This folder is written by `arsrapport build`, which replaces it as a whole.\n";

/// A file the build produced, relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why the output could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// Entries the build would replace that it did not write (paths relative
    /// to the output folder). Nothing was changed.
    NotWrittenByABuild(Vec<String>),
    /// Writing `path` failed. `changed` names the entries that are new and
    /// could not be put back (empty: the output is as it was).
    Failed { path: PathBuf, error: std::io::Error, changed: Vec<String> },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotWrittenByABuild(entries) => write!(f, "{} not written by arsrapport", entries.join(", ")),
            WriteError::Failed { path, error, .. } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

fn failed(path: &Path, error: std::io::Error) -> WriteError {
    WriteError::Failed { path: path.to_path_buf(), error, changed: Vec::new() }
}

/// Writes `files` under `output_dir`. Each top-level entry the build produces
/// (the PDF, the site's folder) replaces the previous one as a whole; other
/// entries in the output folder are left alone. Either every entry is
/// replaced or, on failure, none is.
pub fn write(output_dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    std::fs::create_dir_all(output_dir).map_err(|e| failed(output_dir, e))?;
    recover(output_dir);
    let entries = top_level(files)?;
    let foreign: Vec<String> = entries
        .iter()
        .filter(|(name, is_folder)| !replaceable(&output_dir.join(name), *is_folder))
        .map(|(name, is_folder)| if *is_folder { format!("{name}/") } else { name.clone() })
        .collect();
    if !foreign.is_empty() {
        return Err(WriteError::NotWrittenByABuild(foreign));
    }
    let staging = output_dir.join(format!("{STAGING}{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| failed(&staging, e))?;
    }
    let result = stage(&staging, files, &entries).and_then(|()| swap_all(output_dir, &staging, &entries));
    // What could not be put back is still in the staging folder, with its
    // plan: kept, so that the next build can try again.
    let stuck = matches!(&result, Err(WriteError::Failed { changed, .. }) if !changed.is_empty());
    if !stuck {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// The top-level entries of `files` in order, each with whether it is a
/// folder; refuses paths that would leave the output folder.
fn top_level(files: &[OutputFile]) -> Result<Vec<(String, bool)>, WriteError> {
    let mut entries: Vec<(String, bool)> = Vec::new();
    for file in files {
        if file.path.is_empty() || !Path::new(&file.path).components().all(|c| matches!(c, Component::Normal(_))) {
            let error = std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{}` is not a path inside the output folder", file.path),
            );
            return Err(failed(Path::new(&file.path), error));
        }
        let (top, is_folder) = match file.path.split_once('/') {
            Some((top, _)) => (top, true),
            None => (file.path.as_str(), false),
        };
        if !entries.iter().any(|(name, _)| name == top) {
            entries.push((top.to_owned(), is_folder));
        }
    }
    Ok(entries)
}

/// Whether a build may replace what is at `path`: nothing, a file where a
/// file goes, or a folder a build wrote where a folder goes.
fn replaceable(path: &Path, is_folder: bool) -> bool {
    match std::fs::symlink_metadata(path) {
        Err(_) => true,
        Ok(meta) if is_folder => meta.is_dir() && (path.join(MARK).is_file() || site_from_before_the_mark(path)),
        Ok(meta) => meta.is_file(),
    }
}

/// A site written before folders were marked: exactly the files every site
/// has at its top (its index, search page and index, and assets), so that
/// upgrading needs no clearing of `output/`. A folder of one's own rarely
/// has that shape, and one that does is still a site.
fn site_from_before_the_mark(path: &Path) -> bool {
    ["index.html", "search.html", "search-index.js", "assets/style.css"].iter().all(|f| path.join(f).is_file())
}

/// Writes every file into `staging/new/`, a mark into each folder, and then
/// the plan.
fn stage(staging: &Path, files: &[OutputFile], entries: &[(String, bool)]) -> Result<(), WriteError> {
    let new = staging.join(NEW);
    let write = |path: &Path, bytes: &[u8]| -> Result<(), WriteError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
        }
        std::fs::write(path, bytes).map_err(|e| failed(path, e))
    };
    for file in files {
        write(&new.join(&file.path), &file.bytes)?;
    }
    let mut plan = String::new();
    for (name, is_folder) in entries {
        if *is_folder {
            write(&new.join(name).join(MARK), MARK_TEXT.as_bytes())?;
        }
        let identity = identity(&new.join(name)).map_err(|e| failed(&new.join(name), e))?;
        plan.push_str(&format!("{identity} {name}\n"));
    }
    std::fs::create_dir_all(staging.join(OLD)).map_err(|e| failed(staging, e))?;
    // Complete or absent, whenever the build is killed.
    let unfinished = staging.join(format!("{PLAN}.part"));
    write(&unfinished, plan.as_bytes())?;
    std::fs::rename(&unfinished, staging.join(PLAN)).map_err(|e| failed(staging, e))
}

/// Swaps every entry into place; on a failure swaps back those already
/// swapped. Removing the plan is the moment the new output is complete.
fn swap_all(output_dir: &Path, staging: &Path, entries: &[(String, bool)]) -> Result<(), WriteError> {
    for (name, _) in entries {
        if let Err(error) = swap_in(output_dir, staging, name) {
            let changed = roll_back(output_dir, staging);
            return Err(WriteError::Failed { path: output_dir.join(name), error, changed });
        }
    }
    std::fs::remove_file(staging.join(PLAN)).map_err(|e| failed(staging, e))
}

/// Puts the staged `name` in place of the output's.
fn swap_in(output_dir: &Path, staging: &Path, name: &str) -> std::io::Result<()> {
    let (new, destination) = (staging.join(NEW).join(name), output_dir.join(name));
    if std::fs::symlink_metadata(&destination).is_err() {
        return std::fs::rename(&new, &destination);
    }
    // The previous entry ends up in the staging folder, in the new one's place.
    if exchange(&new, &destination).is_ok() {
        return Ok(());
    }
    let old = staging.join(OLD).join(name);
    std::fs::rename(&destination, &old)?;
    std::fs::rename(&new, &destination).inspect_err(|_| {
        let _ = std::fs::rename(&old, &destination);
    })
}

/// Undoes the swaps of the plan in `staging`, last first. Returns the
/// entries that are new and could not be put back.
fn roll_back(output_dir: &Path, staging: &Path) -> Vec<String> {
    let Ok(plan) = std::fs::read_to_string(staging.join(PLAN)) else { return Vec::new() };
    let mut stuck = Vec::new();
    for line in plan.lines().rev() {
        let Some((identity, name)) = line.split_once(' ') else { continue };
        if swap_out(output_dir, staging, name, identity).is_err() {
            stuck.push(name.to_owned());
        }
    }
    if stuck.is_empty() {
        let _ = std::fs::remove_file(staging.join(PLAN));
    }
    stuck.reverse();
    stuck
}

/// Puts the previous `name` back if the new one (known by its identity) is in place.
fn swap_out(output_dir: &Path, staging: &Path, name: &str, new_identity: &str) -> std::io::Result<()> {
    let destination = output_dir.join(name);
    let (new, old) = (staging.join(NEW).join(name), staging.join(OLD).join(name));
    let swapped = identity(&destination).is_ok_and(|id| id == new_identity);
    if !swapped {
        // Killed between moving the old entry aside and moving the new one in.
        if std::fs::symlink_metadata(&destination).is_err() && std::fs::symlink_metadata(&old).is_ok() {
            std::fs::rename(&old, &destination)?;
        }
        return Ok(());
    }
    if std::fs::symlink_metadata(&new).is_ok() {
        // Exchanged: the staging folder holds the previous entry.
        if exchange(&new, &destination).is_ok() {
            return Ok(());
        }
        std::fs::rename(&destination, &old)?;
        return std::fs::rename(&new, &destination);
    }
    std::fs::rename(&destination, &new)?;
    if std::fs::symlink_metadata(&old).is_ok() {
        std::fs::rename(&old, &destination)?;
    }
    Ok(())
}

/// What tells an entry apart from any other: its device and inode, which a
/// rename keeps.
#[cfg(unix)]
fn identity(path: &Path) -> std::io::Result<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(path)?;
    Ok(format!("{}:{}", meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> std::io::Result<String> {
    let meta = std::fs::symlink_metadata(path)?;
    let created = meta.created()?.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    Ok(format!("{}:{}", created.as_nanos(), meta.len()))
}

/// Swaps two paths in one step, or fails where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Cleans up after a build that was killed while writing: what it had
/// swapped is swapped back, and its staging folder is removed. Staging
/// folders of builds still running are left alone.
pub fn recover(output_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(output_dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(STAGING)).and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        let stuck = roll_back(output_dir, &entry.path());
        if stuck.is_empty() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether a process is running; where this cannot be known, it is assumed to be.
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_folders_as_a_whole_and_leaves_no_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&out, &[file("a.pdf", "1"), file("html/index.html", "x"), file("html/old.html", "o")]).unwrap();
        std::fs::write(out.join("keep.txt"), "mine").unwrap();
        write(&out, &[file("a.pdf", "2"), file("html/index.html", "y")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("a.pdf")).unwrap(), "2");
        assert_eq!(std::fs::read_to_string(out.join("html/index.html")).unwrap(), "y");
        assert!(!out.join("html/old.html").exists());
        assert!(out.join("keep.txt").exists());
        let names: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 3, "{names:?}");
    }

    fn file(p: &str, b: &str) -> OutputFile {
        OutputFile { path: p.into(), bytes: b.as_bytes().to_vec() }
    }

    /// A build killed while swapping (its plan still there) is undone by
    /// the next: every entry it swapped is swapped back. Broke it by
    /// removing the plan before swapping: the new `b.pdf` stayed.
    #[test]
    fn the_swaps_of_a_killed_build_are_undone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        write(&out, &[file("a.pdf", "old"), file("html/index.html", "old")]).unwrap();
        // A build (pid beyond any real one) that swapped `html` and `b.pdf` in,
        // and was killed before `a.pdf`.
        let stale = out.join(format!("{STAGING}4294967295"));
        let entries = [("a.pdf".to_owned(), false), ("html".to_owned(), true), ("b.pdf".to_owned(), false)];
        stage(&stale, &[file("a.pdf", "new"), file("html/index.html", "new"), file("b.pdf", "new")], &entries).unwrap();
        swap_in(&out, &stale, "html").unwrap();
        swap_in(&out, &stale, "b.pdf").unwrap();
        assert_eq!(std::fs::read_to_string(out.join("html/index.html")).unwrap(), "new");
        recover(&out);
        assert_eq!(std::fs::read_to_string(out.join("a.pdf")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(out.join("html/index.html")).unwrap(), "old");
        assert!(!out.join("b.pdf").exists());
        assert!(!stale.exists());
        // A running build's staging folder is left alone.
        let running = out.join(format!("{STAGING}{}", std::process::id()));
        std::fs::create_dir_all(&running).unwrap();
        recover(&out);
        assert!(running.exists());
    }

    /// A folder in the output that no build wrote is not replaced, and a
    /// refusal changes nothing. Broke it by making `replaceable` always
    /// true: the user's folder was replaced.
    #[test]
    fn a_folder_of_the_users_own_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(out.join("html")).unwrap();
        std::fs::write(out.join("html/anteckningar.txt"), "mine").unwrap();
        std::fs::write(out.join("a.pdf"), "old").unwrap();
        let Err(WriteError::NotWrittenByABuild(entries)) =
            write(&out, &[file("a.pdf", "new"), file("html/index.html", "new")])
        else {
            panic!("the user's folder was replaced");
        };
        assert_eq!(entries, ["html/"]);
        assert_eq!(std::fs::read_to_string(out.join("html/anteckningar.txt")).unwrap(), "mine");
        assert_eq!(std::fs::read_to_string(out.join("a.pdf")).unwrap(), "old");
    }

    /// A site of a version before the mark is replaced like a marked one.
    /// Broke it by checking only the mark: the old site was refused.
    #[test]
    fn a_site_written_before_the_mark_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        for f in ["index.html", "search.html", "search-index.js", "assets/style.css", "01-a.html"] {
            let path = out.join("html").join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "old").unwrap();
        }
        write(&out, &[file("html/index.html", "new")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("html/index.html")).unwrap(), "new");
        assert!(!out.join("html/01-a.html").exists() && out.join("html").join(MARK).is_file());
    }

    #[test]
    fn refuses_paths_that_leave_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        for path in ["../x.pdf", "/etc/x", "html/../../x", ""] {
            let file = OutputFile { path: path.into(), bytes: Vec::new() };
            assert!(write(&out, &[file]).is_err(), "{path:?}");
        }
        assert!(!dir.path().join("x.pdf").exists() && !dir.path().join("x").exists());
    }
}
