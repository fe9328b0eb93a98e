//! `arsrapport build` and `arsrapport check`: the same pipeline; `build`
//! writes the files, `check` only reports.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use super::{count, fail, load_project, print_phases, report, summary};
use crate::cli::{BuildOptions, ProjectArgs};
use crate::content::{self, Status};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::{output, pipeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What went wrong while writing, and what it changed in the output.
fn write_error(error: &output::WriteError) -> (Diagnostic, String) {
    use output::WriteError;
    let unchanged = "the previous output is unchanged".to_owned();
    match error {
        WriteError::NotWrittenByABuild(entries) => {
            let names: Vec<String> = entries.iter().map(|e| format!("output/{e}")).collect();
            let (subject, pronoun) = if names.len() == 1 { ("is", "it") } else { ("are", "them") };
            let d = Diagnostic::error(
                None,
                format!("{} {subject} in the way of the build, and arsrapport did not write {pronoun}", names.join(", ")),
            )
            .with_hint(format!(
                "move {pronoun} out of output/ (a build replaces only what a build wrote, marked by a `{}` file inside)",
                output::MARK
            ));
            (d, unchanged)
        }
        WriteError::Failed { path, error, changed } => {
            let d = Diagnostic::error(None, format!("cannot write {}: {error}", path.display()))
                .with_hint("check that the output folder and everything in it is writable, and that no other program holds its files open");
            let consequence = match changed.as_slice() {
                [] => unchanged,
                changed => format!(
                    "these were replaced by the new build and could not be put back: {} (the next build tries again); the rest of the output is unchanged",
                    changed.iter().map(|c| format!("output/{c}")).collect::<Vec<_>>().join(", ")
                ),
            };
            (d, consequence)
        }
    }
}

/// Takes the project's build lock: an advisory lock on the project folder
/// itself, so that two builds of one project never interleave (the output
/// never shows older content than the last build that started). A second
/// build waits for the first, and says so. The operating system releases
/// the lock when its holder ends, however it ends, so no killed build
/// blocks the next, and no lock file is left in the project.
fn lock_project(root: &Path) -> Result<std::fs::File, Diagnostic> {
    let cannot = |e: std::io::Error| {
        Diagnostic::error(None, format!("cannot lock the project folder {} for the build: {e}", root.display()))
            .with_hint("the folder must be readable by the user who builds")
    };
    let folder = std::fs::File::open(root).map_err(cannot)?;
    match folder.try_lock() {
        Ok(()) => Ok(folder),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!("Another build of this project is running; this one starts when it has finished.");
            folder.lock().map_err(cannot)?;
            Ok(folder)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(cannot(e)),
    }
}

pub fn run(args: &ProjectArgs, options: BuildOptions, mode: Mode) -> ExitCode {
    let nothing_written = "nothing was written";
    let project = match load_project(args) {
        Ok(p) => p,
        Err(d) => return fail(&d, nothing_written),
    };
    let documents = match project.select(args.document.as_deref()) {
        Ok(d) => d,
        Err(d) => return fail(&d.into(), nothing_written),
    };
    // Held until this build returns; the OS releases it if the build is killed.
    let _lock = match mode {
        Mode::Write => match lock_project(&project.root) {
            Ok(lock) => Some(lock),
            Err(d) => return fail(&d.into(), nothing_written),
        },
        Mode::Check => None,
    };
    if mode == Mode::Write {
        // A build killed while writing is undone first, so that the output
        // is whole again whether or not this build gets as far as writing.
        output::recover(&project.output_dir());
    }
    if options.final_version {
        let mut unfinished = Diagnostics::new();
        for doc in &documents {
            match content::load_chapters(&project.root, &doc.chapters_dir) {
                Ok(chapters) => unfinished.extend(super::status::unfinished(&chapters)),
                Err(d) => return fail(&d, nothing_written),
            }
        }
        if unfinished.has_errors() {
            report(&unfinished);
            let n = unfinished.error_count();
            eprintln!(
                "{} not `klar`; a final version is built only when every chapter is. Nothing was written.",
                if n == 1 { "1 chapter is".to_owned() } else { format!("{n} chapters are") }
            );
            return ExitCode::from(1);
        }
    }
    // Every document is built before any is written, so that a mistake in
    // one leaves the output of all of them as it was.
    // Documents that share data share its problems: each is reported once.
    let mut built = Vec::new();
    let mut problems = Diagnostics::new();
    let mut seen = std::collections::HashSet::new();
    for doc in &documents {
        let started = Instant::now();
        match pipeline::build(&project, doc) {
            Ok(b) => built.push((*doc, b, started.elapsed())),
            Err(d) => {
                for problem in d.iter().filter(|p| seen.insert(p.to_string())) {
                    problems.push(problem.clone());
                }
            }
        }
    }
    if problems.has_errors() {
        return fail(&problems, nothing_written);
    }
    // An area that no document places is reported once every document has
    // been built (with `--doc`, one not built may place it).
    if built.len() == project.documents.len() {
        let everywhere: Vec<Diagnostic> = built.first().map_or(Vec::new(), |(_, b, _)| {
            let placed_nowhere =
                |w: &&Diagnostic| built.iter().all(|(_, other, _)| other.unplaced_areas.iter().any(|o| o == *w));
            b.unplaced_areas.iter().filter(placed_nowhere).cloned().collect()
        });
        if let Some((_, first, _)) = built.first_mut() {
            for warning in everywhere {
                first.warnings.push(warning);
            }
        }
    }
    if options.final_version && project.documents.first().is_some_and(|d| d.law.strict) {
        let mut missing = Diagnostics::new();
        for (_, b, _) in &built {
            for finding in &b.lkbr {
                missing.push(finding.to_diagnostic(crate::diagnostics::Severity::Error));
            }
        }
        if missing.has_errors() {
            return fail(&missing, &format!("`lkbr: strict` asks for every part the law requires; {nothing_written}"));
        }
    }
    if mode == Mode::Write {
        let out = project.output_dir();
        let files: Vec<_> = built.iter_mut().flat_map(|(_, b, _)| std::mem::take(&mut b.files)).collect();
        if let Err(e) = output::write(&out, &files) {
            let (d, consequence) = write_error(&e);
            return fail(&d.into(), &consequence);
        }
    }
    for (doc, built, elapsed) in &built {
        let mut fresh = Diagnostics::new();
        for warning in built.warnings.iter().filter(|w| seen.insert(w.to_string())) {
            fresh.push(warning.clone());
        }
        report(&fresh);
        if options.verbose {
            print_phases(built);
        }
        let drafts = built.chapters.iter().filter(|c| c.status.is_some_and(|s| s != Status::Klar)).count();
        let drafts = match drafts {
            0 => String::new(),
            n => format!(" ({})", count(n, "draft", "drafts")),
        };
        let warnings = match (built.warnings.warning_count(), fresh.warning_count()) {
            (0, _) => String::new(),
            (n, 0) => format!(", {} as above", count(n, "warning", "warnings")),
            (n, _) => format!(", {}", count(n, "warning", "warnings")),
        };
        let what = match mode {
            Mode::Write => "Built",
            Mode::Check => "Checked",
        };
        if !options.json {
            println!("{}{drafts}{warnings} in {:.2} s", summary(what, &doc.output_name, built), elapsed.as_secs_f64());
        }
    }
    if options.lkbr {
        print_findings(&built, options.json);
    }
    ExitCode::SUCCESS
}

/// `--lkbr`: each document's findings, as text or (`--json`) as one JSON object.
fn print_findings(built: &[(&crate::project::ReportConfig, pipeline::Built, std::time::Duration)], json: bool) {
    if json {
        let documents: Vec<_> = built
            .iter()
            .map(|(doc, b, _)| {
                serde_json::json!({
                    "document": doc.output_name,
                    "kind": doc.kind.name(),
                    "organisation_type": doc.law.organisation_type.map(|t| t.name()),
                    "koncern": doc.law.koncern,
                    "strict": doc.law.strict,
                    "findings": b.lkbr.iter().map(crate::law::completeness::Finding::to_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let all = serde_json::json!({ "documents": documents });
        println!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
        return;
    }
    for (doc, b, _) in built {
        println!();
        print!("{}", crate::law::completeness::text(&doc.output_name, &b.lkbr));
    }
}
