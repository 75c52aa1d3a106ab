//! The `kaohe` command line (docs/guide.md): a thin shell over the `kaohe` application layer.
//! It parses arguments, shows progress on a terminal, prints reports and maps every error to
//! the exit codes of docs/guide.md — 0 success, 2 invalid input or refused request, 1 any other
//! failure — as a short readable message, never a panic or a backtrace.

mod cmd;
mod generate;
mod progress;
mod render;
mod year;

use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{LazyLock, Mutex};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// `kaohe --version`: the version and the store schema versions this build writes, e.g.
/// `kaohe 0.1.0 (store schema: redb 2, postgres 3)`.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} (store schema: redb {}, postgres {})",
        env!("CARGO_PKG_VERSION"),
        kaohe::REDB_SCHEMA_VERSION,
        kaohe::POSTGRES_SCHEMA_VERSION
    )
});

/// kaohe (考核): the quarterly appraisal of village cadres and the settlement of their
/// subsidies, as the county regulation says.
#[derive(Debug, Parser)]
#[command(name = "kaohe", version = VERSION.as_str(), propagate_version = true)]
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
    /// Import a CSV file: a roster, scores, events, awards, condolences, supervision records or
    /// health check-ups (formats: docs/guide.md, 三、文件格式). A file with any problem imports
    /// nothing.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: ImportKind,
        /// The CSV file (UTF-8, header row first), or an Excel workbook (`.xlsx`: the first
        /// row of the sheet is the header; docs/guide.md, Excel 工作簿).
        file: PathBuf,
        /// The sheet of an `.xlsx` workbook to read (default: the first).
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    /// Write an empty Excel workbook to fill in for `import KIND`: the header row, a Chinese
    /// note per column and cell validation (docs/guide.md, Excel 工作簿).
    Template {
        /// Which file the workbook is for.
        #[arg(value_enum)]
        kind: TemplateKind,
        /// The workbook to write (`.xlsx`).
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// Show, check or set the appraisal policy (Art.7–11; docs/rules.md).
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// Settle a quarter: grades and subsidies of every assessed cadre, written atomically with
    /// the ledger (Art.7–11).
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
        /// Count missing scores as 0 instead of refusing (Art.7).
        #[arg(long)]
        missing_as_zero: bool,
    },
    /// Compute a quarter's report from files alone; no store is opened.
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
        /// policy.toml (default: the built-in policy, docs/rules.md).
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
    /// Print the settlement report of a settled quarter (columns: docs/reference.md).
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
    /// Print the payment ledger: of a settled quarter, every revision and the payroll entries
    /// (`--quarter`), or of one month at any time, the monthly pay sheet (`--month`).
    #[command(group(clap::ArgGroup::new("period").required(true).args(["quarter", "month"])))]
    Ledger {
        /// The quarter, e.g. 2026Q3 (settled quarters only).
        #[arg(long)]
        quarter: Option<String>,
        /// The month, e.g. 2026-07: every entry of the month, settled or not.
        #[arg(long)]
        month: Option<String>,
        /// Output format (xlsx needs --out).
        #[arg(long, value_enum, default_value = "table")]
        format: LedgerFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Pay one month's base subsidy before its quarter is settled (Art.11: 基础补贴按月发放):
    /// for every cadre in office in the month, what is owed less what the ledger already
    /// holds. Running it twice changes nothing; a roster correction gives correcting entries.
    Payroll {
        /// The month, e.g. 2026-07.
        #[arg(long)]
        month: String,
        /// Compute and show without writing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Withdraw a wrong event (it stops counting, Art.8), award (Art.12, Art.13) or
    /// condolence payment (Art.16, its payment is reversed). The record is kept, marked.
    Withdraw {
        /// What to withdraw.
        #[arg(value_enum)]
        kind: WithdrawKind,
        /// Its id (event_id, award_id or condolence_id).
        id: String,
        /// Why: kept with the record and in the audit log.
        #[arg(long)]
        reason: String,
    },
    /// Walk one cadre through Art.7 → 8 → 9 → 10 → 11 with every number, in Chinese, with the
    /// quarter's supervision records (Art.14) as evidence.
    Explain {
        /// The quarter, e.g. 2026Q3.
        #[arg(long)]
        quarter: String,
        /// The cadre id.
        #[arg(long)]
        cadre: String,
    },
    /// List the year's commendation candidates (Art.13, 表彰推荐名单) from its settled quarters:
    /// in each quota group (Art.10), by mean total, the first floor(n × commendation_ratio)
    /// whose mean reaches excellent_min_score. Records nothing: import the rewards as awards.
    Commend {
        /// The year, e.g. 2026.
        #[arg(long)]
        year: u16,
        /// List the village party organisations (先进基层党组织) instead: per town, by the
        /// mean of their village score (village items and village events).
        #[arg(long)]
        villages: bool,
        /// List from the settled quarters when some of the year's are not settled yet.
        #[arg(long)]
        preview: bool,
        /// Output format: table and html for people (in Chinese), csv for scripts.
        #[arg(long, value_enum, default_value = "table")]
        format: CommendFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show the audit log, oldest first: every command that wrote to the store, with its time
    /// (UTC), operating-system user, command line (passwords removed) and the SHA-256 of the
    /// file it read.
    Audit {
        /// Only the records from this day on, e.g. 2026-07-01 (UTC).
        #[arg(long)]
        since: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: AuditFormat,
    },
    /// Show a cadre's work archive (Art.15): basic facts and their changes, every appraisal
    /// with its section subtotals, events, supervision records (Art.14), awards, condolences
    /// and every payment with totals per year.
    Archive {
        /// The cadre id.
        #[arg(long)]
        cadre: String,
        /// Also show the health archive (personal data, Art.15: only when asked for; every
        /// showing is written to the audit log).
        #[arg(long)]
        include_health: bool,
        /// Output format: table and html for people (in Chinese), json for scripts.
        #[arg(long, value_enum, default_value = "table")]
        format: ArchiveFormat,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The health archive (Art.15): who is due a yearly check-up.
    Health {
        #[command(subcommand)]
        action: HealthAction,
    },
}

/// What `kaohe health` does.
#[derive(Debug, Subcommand)]
pub enum HealthAction {
    /// List the cadres in office in a year with no check-up dated in it (Art.15).
    Due {
        /// The year, e.g. 2026.
        #[arg(long)]
        year: u16,
    },
}

/// Formats of `kaohe archive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ArchiveFormat {
    /// A table for people, in Chinese.
    Table,
    /// An object with English keys (docs/reference.md, Archive).
    Json,
    /// One page to print, in Chinese.
    Html,
}

/// Formats of `kaohe commend`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CommendFormat {
    /// A table for people, in Chinese.
    Table,
    /// year,town,sequence,rank,group_size,quota,cadre_id,name,village,mean,q1,q2,q3,q4,candidate
    Csv,
    /// One page to print, in Chinese.
    Html,
}

/// Formats of `kaohe audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// A table for people.
    Table,
    /// `time,user,command,files` (files: `path=sha256` joined by `;`).
    Csv,
    /// An array of objects with the csv's fields.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKind {
    /// roster.csv: cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date
    Roster,
    /// scores.csv: quarter,subject,item,points
    Scores,
    /// events.csv: event_id,date,subject,kind,level,note
    Events,
    /// awards.csv (Art.12, Art.13): award_id,date,payee,kind,amount,reason
    Awards,
    /// condolences.csv (Art.16): condolence_id,date,cadre_id,cause,recipient,amount,note
    Condolences,
    /// inspections.csv (Art.14): inspection_id,date,subject,area,finding,note
    Inspections,
    /// health.csv (Art.15): cadre_id,date,institution,conclusion,note
    Health,
}

/// The files `kaohe template` writes a workbook for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TemplateKind {
    /// roster.csv
    Roster,
    /// scores.csv (Art.7)
    Scores,
    /// events.csv (Art.8)
    Events,
    /// awards.csv (Art.12, Art.13)
    Awards,
    /// condolences.csv (Art.16)
    Condolences,
    /// inspections.csv (Art.14)
    Inspections,
    /// health.csv (Art.15)
    Health,
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
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WithdrawKind {
    /// A bonus or deduction event (Art.8).
    Event,
    /// An award (Art.12, Art.13).
    Award,
    /// A condolence payment (Art.16).
    Condolence,
}

/// Whether the user asked for no colour: `NO_COLOR` set and not empty (no-color.org).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == generate::ARG) {
        return generate::run(&args[2..]);
    }
    // The only colour kaohe writes is clap's help and usage errors on a terminal; NO_COLOR
    // turns it off (the spinner is unstyled, reports are plain text).
    let mut command = Cli::command();
    if no_color() {
        command = command.color(clap::ColorChoice::Never);
    }
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
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
            cmd::note(&format!("error: cannot start: {e}"));
            return ExitCode::from(1);
        }
    };
    report_panics_as_errors();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(cmd::run(cli))));
    let outcome = outcome.unwrap_or_else(|_| {
        let what = LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut p| p.take())
            .unwrap_or_default();
        Err(cmd::Failure::other(format!(
            "internal error (a bug of kaohe; please report it): {what}"
        )))
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The one place every failure is shown: no password of a store URL gets past it.
            let message = kaohe::redact_secrets(e.message.trim_end());
            cmd::note(&format!("error: {message}"));
            ExitCode::from(e.code)
        }
    }
}

/// The last panic's message and place, kept by the hook of [`report_panics_as_errors`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// A panic is not shown as Rust's panic text (a reader of the terminal cannot act on it): its
/// message is kept, and `main` reports it as an error (exit 1) if nothing handled it — the
/// stores turn a panic of their engine on a damaged file into a "damaged" error of their own.
/// With `RUST_BACKTRACE` set, panics are shown as usual, for whoever debugs kaohe.
fn report_panics_as_errors() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message}{place}"));
        }
    }));
}
