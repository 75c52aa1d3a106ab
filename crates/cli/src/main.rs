//! The `kaohe` command line (SPEC 5.2): a thin shell over the `kaohe` application layer.
//! It parses arguments, shows progress on a terminal, prints reports and maps every error to
//! the exit codes of SPEC 5.2 — 0 success, 2 invalid input or refused request, 1 any other
//! failure — as a short readable message, never a panic or a backtrace.

mod cmd;
mod progress;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// kaohe (考核): the quarterly appraisal of village cadres and the settlement of their
/// subsidies, as the county regulation says.
#[derive(Debug, Parser)]
#[command(name = "kaohe", version, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 success; 2 invalid input or refused request; 1 any other failure."
)]
pub struct Cli {
    /// The store: redb:FILE (embedded, the default) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "KAOHE_STORE", default_value = kaohe::DEFAULT_STORE)]
    pub store: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a roster, scores or events CSV file (SPEC 5.1). A file with any problem imports
    /// nothing.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The CSV file (UTF-8, header row first).
        file: PathBuf,
    },
    /// Show, check or set the appraisal policy (SPEC 4, 5.1).
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Settle a quarter: grades and subsidies of every assessed cadre, written atomically with
    /// the ledger (Art.7–11, SPEC 3.5).
    Settle {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// Compute and show without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Append a correcting revision when the inputs changed since the quarter was settled.
        #[arg(long)]
        revise: bool,
        /// Count missing scores as 0 instead of refusing (SPEC 3.1).
        #[arg(long)]
        missing_as_zero: bool,
    },
    /// Compute a quarter's report from files alone; no store is opened (SPEC 5.2).
    Compute {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// roster.csv
        #[arg(long)]
        roster: PathBuf,
        /// scores.csv
        #[arg(long)]
        scores: PathBuf,
        /// events.csv
        #[arg(long)]
        events: PathBuf,
        /// policy.toml (default: the built-in policy of SPEC 4).
        #[arg(long)]
        policy: Option<PathBuf>,
        /// A report CSV of an earlier quarter, for the consecutive-unqualified rule (Art.11).
        #[arg(long)]
        previous: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "csv")]
        format: ComputeFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the settlement report of a settled quarter (SPEC 5.3).
    Report {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// Output format: table, html and xlsx are for people (in Chinese); csv and json for
        /// scripts.
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        /// Write to this file instead of standard output (required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the payment ledger of a settled quarter, every revision (SPEC 5.4).
    Ledger {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: LedgerFormat,
    },
    /// Walk one cadre through Art.7 → 8 → 9 → 10 → 11 with every number.
    Explain {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// The cadre id.
        #[arg(long)]
        cadre: String,
    },
    /// Show a cadre's work archive: office period and every appraisal (Art.15).
    Archive {
        /// The cadre id.
        #[arg(long)]
        cadre: String,
        /// Also show the health archive (personal data: only when asked for).
        #[arg(long)]
        include_health: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKind {
    /// roster.csv: cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date
    Roster,
    /// scores.csv: quarter,subject,item,points
    Scores,
    /// events.csv: event_id,date,subject,kind,level,note
    Events,
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Print the policy in force (as policy.toml).
    Show {
        /// The quarter whose policy to show (default: the latest stored policy).
        #[arg(long)]
        quarter: Option<String>,
    },
    /// Check a policy.toml without storing it.
    Check {
        /// policy.toml
        file: PathBuf,
    },
    /// Store a policy.toml as in force from a quarter on.
    Set {
        /// policy.toml
        file: PathBuf,
        /// The first quarter it applies to, e.g. 2026Q3.
        #[arg(long)]
        from: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ComputeFormat {
    Csv,
    Json,
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
    Xlsx,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LedgerFormat {
    Table,
    Csv,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cmd::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message.trim_end());
            ExitCode::from(e.code)
        }
    }
}
