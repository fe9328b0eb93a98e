//! Folder listings for chapter, data and theme discovery. Entries come in the
//! order the file system gives them, which differs between machines; every
//! caller sorts what it gets, so that nothing a build makes depends on it.
//!
//! Test-only: `ARSRAPPORT_TEST_LISTING_ORDER=reversed` (or `interleaved`)
//! hands the entries out in another order, so that a test can show that the
//! output is the same whatever the listing order (tests/e2e/determinism.rs).
//! A file system alone does not vary its order enough to show it.

use walkdir::{DirEntry, WalkDir};

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

/// Every entry the walk reaches (unreadable ones are left out), unsorted.
pub fn entries(walk: WalkDir) -> Vec<DirEntry> {
    entries_in(walk, Order::from_env())
}

pub fn entries_in(walk: WalkDir, order: Order) -> Vec<DirEntry> {
    let mut entries: Vec<DirEntry> = walk.into_iter().filter_map(Result::ok).collect();
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
            entries_in(WalkDir::new(dir.path()).min_depth(1), order)
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
