//! One module per command, plus what several of them share: finding the
//! project and printing diagnostics.

pub mod build;
pub mod ledger;
pub mod new;
pub mod serve;
pub mod status;
pub mod suggest;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::ProjectArgs;
use crate::diagnostics::Diagnostics;
use crate::project::Project;

/// Prints every diagnostic to standard error, in the one style of `diagnostics.rs`.
pub fn report(diagnostics: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics.iter() {
        let _ = writeln!(err, "{d}");
    }
}

/// Prints the diagnostics and a count, and gives the exit code for problems in the project.
pub fn fail(diagnostics: &Diagnostics, consequence: &str) -> ExitCode {
    report(diagnostics);
    let n = diagnostics.error_count();
    eprintln!("{n} error{} found; {consequence}.", if n == 1 { "" } else { "s" });
    ExitCode::from(1)
}

pub fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// The project named by `--root`, or found from the current folder upwards.
pub fn load_project(args: &ProjectArgs) -> Result<Project, Diagnostics> {
    Project::load(args.root.as_deref(), &current_dir())
}

/// The start of the line that sums up a built document:
/// `Built arsredovisning-2013: 48 pages, 11 chapters`.
pub fn summary(what: &str, name: &str, built: &crate::pipeline::Built) -> String {
    format!(
        "{what} {name}: {}, {}",
        count(built.pages, "page", "pages"),
        count(built.chapters.len(), "chapter", "chapters")
    )
}

/// The time of each phase of a build, for `--verbose`.
pub fn print_phases(built: &crate::pipeline::Built) {
    for (phase, time) in &built.phases {
        eprintln!("  {phase:<10} {:>7.1} ms", time.as_secs_f64() * 1000.0);
    }
}

/// `n` and the noun, singular or plural: `1 chapter`, `3 chapters`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}
