//! `arsrapport build` and `arsrapport check`: the same pipeline; `build`
//! writes the files, `check` only reports.

use std::process::ExitCode;
use std::time::Instant;

use super::{count, fail, load_project, report};
use crate::cli::{BuildOptions, ProjectArgs};
use crate::content::{self, Status};
use crate::diagnostics::Diagnostic;
use crate::{output, pipeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

pub fn run(args: &ProjectArgs, options: BuildOptions, mode: Mode) -> ExitCode {
    let started = Instant::now();
    let nothing_written = "nothing was written";
    let project = match load_project(args) {
        Ok(p) => p,
        Err(d) => return fail(&d, nothing_written),
    };
    if options.final_version {
        let unfinished = match content::load_chapters(&project.root) {
            Ok(chapters) => super::status::unfinished(&chapters),
            Err(d) => return fail(&d, nothing_written),
        };
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
    let built = match pipeline::build(&project) {
        Ok(b) => b,
        Err(d) => return fail(&d, nothing_written),
    };
    report(&built.warnings);
    if mode == Mode::Write {
        let out = project.output_dir();
        if let Err(e) = output::write(&out, &built.files) {
            let d = Diagnostic::error(None, format!("cannot write to {}: {e}", out.display()))
                .with_hint("check that the folder is writable and that no other program holds its files open");
            return fail(&d.into(), "the previous output is unchanged");
        }
    }
    if options.verbose {
        for (phase, time) in &built.phases {
            eprintln!("  {phase:<10} {:>7.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    let drafts = built.chapters.iter().filter(|c| c.status.is_some_and(|s| s != Status::Klar)).count();
    let drafts = match drafts {
        0 => String::new(),
        n => format!(" ({})", count(n, "draft", "drafts")),
    };
    let warnings = match built.warnings.warning_count() {
        0 => String::new(),
        n => format!(", {}", count(n, "warning", "warnings")),
    };
    let what = match mode {
        Mode::Write => "Built",
        Mode::Check => "Checked",
    };
    println!(
        "{what} {}: {}, {}{drafts}{warnings} in {:.2} s",
        project.config.output_name,
        count(built.pages, "page", "pages"),
        count(built.chapters.len(), "chapter", "chapters"),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
