//! Writing the build's files. Everything is first written into a staging
//! folder beside the output, then moved into place by renames, so a failed
//! or interrupted build never leaves a half-written file behind.
//!
//! A file replaces its predecessor in one rename. A folder (`html/`) is
//! swapped with its predecessor in one step where the system can (Linux's
//! `RENAME_EXCHANGE`), so that at every moment the output holds either the
//! whole previous site or the whole new one. Elsewhere the old folder is moved
//! aside first; if the build is killed between the two renames, the next build
//! puts it back before anything else.

use std::path::{Component, Path, PathBuf};

const STAGING: &str = ".staging-";
const PREVIOUS: &str = ".previous";

/// A file the build produced, relative to the output folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Writes `files` under `output_dir`. Each top-level entry the build produces
/// (the PDF, the `html/` folder) replaces the previous one as a whole; other
/// entries in the output folder are left alone.
pub fn write(output_dir: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(output_dir)?;
    recover(output_dir);
    let staging = output_dir.join(format!("{STAGING}{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let result = stage_and_swap(output_dir, &staging, files);
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn stage_and_swap(output_dir: &Path, staging: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    let mut top_level: Vec<String> = Vec::new();
    for file in files {
        if file.path.is_empty() || !Path::new(&file.path).components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{}` is not a path inside the output folder", file.path),
            ));
        }
        let target = staging.join(&file.path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &file.bytes)?;
        let top = file.path.split('/').next().unwrap_or(&file.path).to_owned();
        if !top_level.contains(&top) {
            top_level.push(top);
        }
    }
    let trash = staging.join(PREVIOUS);
    std::fs::create_dir_all(&trash)?;
    for top in &top_level {
        let destination: PathBuf = output_dir.join(top);
        let staged = staging.join(top);
        if destination.is_dir() {
            // The previous folder ends up in the staging folder, which is removed.
            if exchange(&staged, &destination).is_ok() {
                continue;
            }
            std::fs::rename(&destination, trash.join(top))?;
        }
        // Over a file, a rename replaces it in one step.
        std::fs::rename(&staged, &destination)?;
    }
    Ok(())
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

/// Cleans up after a build that was killed while writing: an entry it had
/// moved aside but not yet replaced is put back, and its staging folder is
/// removed. Staging folders of builds still running are left alone.
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
        if let Ok(previous) = std::fs::read_dir(entry.path().join(PREVIOUS)) {
            for old in previous.flatten() {
                let destination = output_dir.join(old.file_name());
                if !destination.exists() {
                    let _ = std::fs::rename(old.path(), destination);
                }
            }
        }
        let _ = std::fs::remove_dir_all(entry.path());
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
        let file = |p: &str, b: &str| OutputFile { path: p.into(), bytes: b.as_bytes().to_vec() };
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

    #[test]
    fn a_folder_left_aside_by_a_killed_build_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        // A build (pid beyond any real one) killed between its two renames.
        let stale = out.join(format!("{STAGING}4294967295"));
        std::fs::create_dir_all(stale.join(PREVIOUS).join("html")).unwrap();
        std::fs::write(stale.join(PREVIOUS).join("html/index.html"), "old").unwrap();
        std::fs::create_dir_all(stale.join("html")).unwrap();
        std::fs::write(stale.join("html/index.html"), "half").unwrap();
        recover(&out);
        assert_eq!(std::fs::read_to_string(out.join("html/index.html")).unwrap(), "old");
        assert!(!stale.exists());
        // A running build's staging folder is left alone.
        let running = out.join(format!("{STAGING}{}", std::process::id()));
        std::fs::create_dir_all(&running).unwrap();
        recover(&out);
        assert!(running.exists());
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
