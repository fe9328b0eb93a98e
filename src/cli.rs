//! The command line. Each command lives in its own module under `cmd/`.
//! Exit codes: 0 fine, 1 problems in the project, 2 wrong usage.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cmd;
use crate::project::{DocumentKind, OrganisationType};

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
    /// Create a new project in DIR that builds at once, with every part the law requires.
    New {
        /// The folder to create; it must not exist or be empty.
        dir: PathBuf,
        /// The kind of document.
        #[arg(long, default_value = "arsredovisning", value_parser = clap::builder::PossibleValuesParser::new(DocumentKind::NAMES.map(|(n, _)| n)))]
        kind: String,
        /// The type of organisation, for the law's parts and the wording.
        #[arg(long, default_value = "kommun", value_parser = clap::builder::PossibleValuesParser::new(OrganisationType::NAMES.map(|(n, _)| n)))]
        organisation_type: String,
        /// The organisation's name, e.g. "Sjuhärads kommunalförbund".
        #[arg(long)]
        organisation: Option<String>,
        /// The year the document covers. Default: last year for an årsredovisning, next year for a
        /// verksamhetsplan, this year for an interim report.
        #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=2200))]
        year: Option<i32>,
    },
    /// Build each document's PDF and HTML site into output/.
    Build {
        #[command(flatten)]
        args: ProjectArgs,
        #[command(flatten)]
        options: BuildOptions,
    },
    /// Load, check and typeset everything, writing nothing.
    Check {
        #[command(flatten)]
        args: ProjectArgs,
        #[command(flatten)]
        options: BuildOptions,
    },
    /// Preview the report in a browser; rebuilds and reloads the page on every save.
    Serve {
        #[command(flatten)]
        args: ProjectArgs,
        /// The port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on. Other machines can reach the preview only
        /// if this is not a loopback address such as 127.0.0.1.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Also print the time of each phase of every rebuild.
        #[arg(long)]
        verbose: bool,
    },
    /// List the chapters with their status and who is responsible for each.
    Status {
        #[command(flatten)]
        args: ProjectArgs,
    },
    /// Show what a SIE 4 ledger file holds: organisation, years, accounts with balances, dimensions.
    Ledger {
        /// The SIE file (.se), as exported from the finance system.
        file: PathBuf,
        /// Also list accounts without balances and the posts skipped.
        #[arg(long)]
        verbose: bool,
        /// The project whose tables map the file (content/report.yaml). Default: found from the current folder upwards.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
pub struct ProjectArgs {
    /// The project folder (the one holding content/report.yaml). Default: found from the current folder upwards.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Only the document NAME (its output name, e.g. arsredovisning-2013). Default: every document.
    #[arg(long = "doc", value_name = "NAME")]
    pub document: Option<String>,
}

#[derive(clap::Args, Clone, Copy)]
pub struct BuildOptions {
    /// Also print the time of each phase.
    #[arg(long)]
    pub verbose: bool,
    /// Refuse to build unless every chapter has `status: klar`.
    #[arg(long = "final")]
    pub final_version: bool,
    /// Also list, per document, the parts LKBR requires that are missing or empty.
    #[arg(long)]
    pub lkbr: bool,
    /// With --lkbr: print the findings as JSON on standard output, and nothing else there.
    #[arg(long, requires = "lkbr")]
    pub json: bool,
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
        Command::New { dir, kind, organisation_type, organisation, year } => {
            // clap has checked both names against these lists.
            let kind =
                DocumentKind::NAMES.iter().find(|(n, _)| *n == kind).map_or(DocumentKind::Arsredovisning, |(_, k)| *k);
            let organisation_type = OrganisationType::NAMES
                .iter()
                .find(|(n, _)| *n == organisation_type)
                .map_or(OrganisationType::Kommun, |(_, t)| *t);
            let request = cmd::new::Request {
                kind,
                organisation_type,
                organisation: organisation.as_deref(),
                year: year.unwrap_or_else(|| cmd::new::default_year(kind)),
            };
            cmd::new::run(&dir, &request)
        }
        Command::Build { args, options } => cmd::build::run(&args, options, cmd::build::Mode::Write),
        Command::Check { args, options } => cmd::build::run(&args, options, cmd::build::Mode::Check),
        Command::Serve { args, port, host, verbose } => cmd::serve::run(&args, host, port, verbose),
        Command::Status { args } => cmd::status::run(&args),
        Command::Ledger { file, verbose, root } => cmd::ledger::run(&file, verbose, root.as_deref()),
    }
}
