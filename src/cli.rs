//! The command line: `build` and `check`. Exit codes: 0 fine, 1 problems in
//! the project, 2 wrong usage.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::project::Project;
use crate::{output, pipeline};

#[derive(Parser)]
#[command(
    name = "arsrapport",
    version,
    about = "Builds annual reports from Markdown and YAML into an accessible PDF and HTML site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the PDF and the HTML site into output/.
    Build {
        #[command(flatten)]
        args: ProjectArgs,
        /// Also print the time of each phase.
        #[arg(long)]
        verbose: bool,
    },
    /// Load, check and typeset everything, writing nothing.
    Check {
        #[command(flatten)]
        args: ProjectArgs,
    },
}

#[derive(clap::Args)]
struct ProjectArgs {
    /// The project folder (the one holding content/report.yaml). Default: found from the current folder upwards.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Command::Build { args, verbose } => build(&args, true, verbose),
        Command::Check { args } => build(&args, false, false),
    }
}

fn report(diagnostics: &Diagnostics) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics.iter() {
        let _ = writeln!(err, "{d}");
    }
}

fn fail(diagnostics: &Diagnostics) -> ExitCode {
    report(diagnostics);
    eprintln!(
        "{} error{} found; nothing was written.",
        diagnostics.error_count(),
        if diagnostics.error_count() == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

fn build(args: &ProjectArgs, write: bool, verbose: bool) -> ExitCode {
    let started = Instant::now();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let project = match Project::load(args.root.as_deref(), &cwd) {
        Ok(p) => p,
        Err(d) => return fail(&d),
    };
    let built = match pipeline::build(&project) {
        Ok(b) => b,
        Err(d) => return fail(&d),
    };
    report(&built.warnings);
    if write {
        let out = project.output_dir();
        if let Err(e) = output::write(&out, &built.files) {
            return fail(&Diagnostic::error(None, format!("cannot write to {}: {e}", out.display())).into());
        }
    }
    if verbose {
        for (phase, time) in &built.phases {
            eprintln!("  {phase:<10} {:>7.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    let warnings = match built.warnings.warning_count() {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    let what = if write { "Built" } else { "Checked" };
    println!(
        "{what} {}: {} pages, {} chapters{warnings} in {:.2} s",
        project.config.output_name,
        built.pages,
        built.chapters.len(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
