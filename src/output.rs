//! Writing the build's files. Everything is first written into a staging
//! folder beside the output, then moved into place by renames, so a failed
//! or interrupted build never leaves a half-written file behind.

use std::path::{Path, PathBuf};

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
    let staging = output_dir.join(format!(".staging-{}", std::process::id()));
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
    let trash = staging.join(".previous");
    std::fs::create_dir_all(&trash)?;
    for top in &top_level {
        let destination: PathBuf = output_dir.join(top);
        if destination.exists() {
            std::fs::rename(&destination, trash.join(top))?;
        }
        std::fs::rename(staging.join(top), &destination)?;
    }
    Ok(())
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
}
