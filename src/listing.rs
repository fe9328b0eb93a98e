//! Folder listings for chapter, data and theme discovery. Entries come in the
//! order the file system gives them, which differs between machines; every
//! caller sorts what it gets, so that nothing a build makes depends on it.
//!
//! Test-only: `ARSRAPPORT_TEST_LISTING_ORDER=reversed` (or `interleaved`)
//! hands the entries out in another order, so that a test can show that the
//! output is the same whatever the listing order (tests/e2e/determinism.rs).
//! A file system alone does not vary its order enough to show it.

use std::path::Path;

use walkdir::{DirEntry, WalkDir};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};

/// The test-only variable that permutes every listing.
pub const ORDER_VARIABLE: &str = "ARSRAPPORT_TEST_LISTING_ORDER";

/// The order listings are handed out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As the file system lists them.
    FileSystem,
    /// Last first.
    Reversed,
    /// Every second entry first, then the others.
    Interleaved,
}

impl Order {
    fn from_env() -> Order {
        match std::env::var(ORDER_VARIABLE).as_deref() {
            Ok("reversed") => Order::Reversed,
            Ok("interleaved") => Order::Interleaved,
            _ => Order::FileSystem,
        }
    }
}

/// Every entry the walk reaches, unsorted. A folder that cannot be read, or
/// that leads back to a folder above it, is an error naming it and the
/// reason (`root` makes the names project-relative): leaving it out would
/// silently lose what it holds.
pub fn entries(walk: WalkDir, root: &Path) -> Result<Vec<DirEntry>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let entries = entries_in(walk, Order::from_env(), |error| diagnostics.push(unreadable(&error, root)));
    diagnostics.into_result().map(|_| entries)
}

/// Whether the folder `dir` is there: `Ok(false)` when nothing is at its
/// path (or something that is not a folder), an error naming the reason when
/// something is there but cannot be read, such as a link that leads to itself.
pub fn folder_exists(root: &Path, dir: &Path) -> Result<bool, Diagnostic> {
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(false);
    }
    match std::fs::metadata(dir) {
        Ok(m) => Ok(m.is_dir()),
        Err(e) => Err(Diagnostic::error(
            Some(Location::file(display_path(root, dir))),
            format!("cannot read the folder: {e}"),
        )
        .with_hint("make the folder readable to the user who builds, or replace the link by a folder")),
    }
}

/// The error for a part of a listing that could not be read.
fn unreadable(error: &walkdir::Error, root: &Path) -> Diagnostic {
    let file = error.path().map_or_else(String::new, |p| display_path(root, p));
    let reason = match (error.loop_ancestor(), error.io_error()) {
        (Some(ancestor), _) => format!("it leads back to {}, a folder it is in", display_path(root, ancestor)),
        (None, Some(io)) => io.to_string(),
        (None, None) => error.to_string(),
    };
    Diagnostic::error(Some(Location::file(file)), format!("cannot read the folder: {reason}"))
        .with_hint("make the folder readable to the user who builds, or move it out of the project")
}

pub fn entries_in(walk: WalkDir, order: Order, mut on_error: impl FnMut(walkdir::Error)) -> Vec<DirEntry> {
    let mut entries = Vec::new();
    for entry in walk {
        match entry {
            Ok(entry) => entries.push(entry),
            Err(error) => on_error(error),
        }
    }
    match order {
        Order::FileSystem => {}
        Order::Reversed => entries.reverse(),
        Order::Interleaved => {
            let (odd, even): (Vec<_>, Vec<_>) = entries.into_iter().enumerate().partition(|(i, _)| i % 2 == 1);
            entries = odd.into_iter().chain(even).map(|(_, e)| e).collect();
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_order_permutes_the_file_systems_listing() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "b", "c", "d", "e"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let names = |order| -> Vec<String> {
            entries_in(WalkDir::new(dir.path()).min_depth(1), order, |e| panic!("{e}"))
                .iter()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        };
        let listed = names(Order::FileSystem);
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(sorted, ["a", "b", "c", "d", "e"]);
        let reversed: Vec<String> = listed.iter().rev().cloned().collect();
        assert_eq!(names(Order::Reversed), reversed);
        let interleaved: Vec<String> = [1, 3, 0, 2, 4].iter().map(|&i| listed[i].clone()).collect();
        assert_eq!(names(Order::Interleaved), interleaved);
    }
}
