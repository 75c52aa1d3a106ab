//! The commands: each reads its inputs, calls the application layer and prints.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use kaohe::AppError;
use kaohe::lifecycle::{self, Policies, SettleOptions, SettleStatus};
use kaohe_domain::{Appraisal, CadreId, Policy, Quarter};
use kaohe_store::{AuditRecord, Store, StoreError};

use crate::progress::Spinner;
use crate::render;
use crate::{Cli, Command, ComputeFormat, ImportKind, LedgerFormat, PolicyAction, ReportFormat};

/// A failure with its exit code (SPEC 5.2) and the message for standard error.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    pub fn other(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        Failure {
            code: e.exit_code() as u8,
            message: e.to_string(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        AppError::from(e).into()
    }
}

type Result<T> = std::result::Result<T, Failure>;

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Import { kind, file } => import(&cli.store, kind, &file).await,
        Command::Policy { action } => policy(&cli.store, action).await,
        Command::Settle {
            quarter,
            dry_run,
            revise,
            missing_as_zero,
        } => {
            let q = quarter_arg(&quarter)?;
            settle(
                &cli.store,
                q,
                SettleOptions {
                    dry_run,
                    revise,
                    missing_as_zero,
                },
            )
            .await
        }
        Command::Compute {
            quarter,
            roster,
            scores,
            events,
            policy,
            previous,
            format,
            out,
        } => compute(
            &quarter,
            &roster,
            &scores,
            &events,
            policy.as_deref(),
            &previous,
            format,
            out.as_deref(),
        ),
        Command::Report {
            quarter,
            format,
            out,
        } => report(&cli.store, &quarter, format, out.as_deref()).await,
        Command::Ledger { quarter, format } => ledger(&cli.store, &quarter, format).await,
        Command::Explain { quarter, cadre } => explain(&cli.store, &quarter, &cadre).await,
        Command::Archive {
            cadre,
            include_health,
        } => archive(&cli.store, &cadre, include_health).await,
    }
}

fn quarter_arg(s: &str) -> Result<Quarter> {
    Quarter::parse(s).map_err(|e| Failure::invalid(format!("--quarter: {e}")))
}

fn cadre_arg(s: &str) -> Result<CadreId> {
    CadreId::parse(s).map_err(|e| Failure::invalid(format!("--cadre: {e}")))
}

async fn open(url: &str) -> Result<Arc<dyn Store>> {
    kaohe::open_store(url)
        .await
        .map_err(|e| Failure::other(format!("{e} (store: {url})")))
}

/// A file that cannot be read or has problems: invalid input (exit 2), every problem listed.
fn read_failure(e: kaohe_io::ReadError) -> Failure {
    Failure::invalid(e.to_string())
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Failure::invalid(format!("{}: cannot read: {e}", path.display())))
}

fn audit(rows: u64, summary: String, source: Option<&[u8]>) -> AuditRecord {
    AuditRecord {
        at_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
        user: std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into()),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        source_sha256: source.map(kaohe::sha256_hex),
        rows,
        summary,
    }
}

fn say_needs_revision(quarters: &[Quarter]) {
    for q in quarters {
        eprintln!(
            "note: {q} is settled and its inputs have changed: it needs a revision \
             (`kaohe settle --quarter {q} --revise`, SPEC 3.5)"
        );
    }
}

async fn import(url: &str, kind: ImportKind, path: &Path) -> Result<()> {
    let bytes = read_file(path)?;
    let name = path.display().to_string();
    // A refusal by a check against the store (SPEC 5.1: a village under another town, an
    // event id stored with other content) names the file, line and column like the readers'
    // problems do.
    let in_file = |e: AppError| -> Failure {
        match e {
            AppError::Conflicts(conflicts) => {
                let lines = match kind {
                    ImportKind::Roster => kaohe_io::roster_lines(&bytes),
                    _ => kaohe_io::event_lines(&bytes),
                };
                let problems: Vec<kaohe_io::Problem> = conflicts
                    .into_iter()
                    .map(|c| kaohe_io::Problem {
                        line: lines.get(&c.key).copied().unwrap_or(0),
                        column: Some(c.column.to_owned()),
                        message: c.message,
                    })
                    .collect();
                let total = problems.len();
                let errors = kaohe_io::FileErrors {
                    file: name.clone(),
                    problems,
                    total,
                    hint: None,
                };
                Failure::invalid(errors.to_string())
            }
            other => {
                let f = Failure::from(other);
                if f.code == 2 {
                    Failure::invalid(format!("{name}: {}", f.message))
                } else {
                    f
                }
            }
        }
    };
    let store = open(url).await?;
    let spinner = Spinner::new(&format!("reading {name}"));
    match kind {
        ImportKind::Roster => {
            let cadres = kaohe_io::read_roster_bytes(&name, &bytes).map_err(read_failure)?;
            spinner.set(&format!("importing {} cadres", cadres.len()));
            let summary = format!("roster: {} cadres from {name}", cadres.len());
            let (r, imported) = kaohe::imports::import_roster(
                &*store,
                &cadres,
                &audit(cadres.len() as u64, summary, Some(&bytes)),
            )
            .await
            .map_err(in_file)?;
            spinner.done();
            println!(
                "imported {} cadres from {name}: {} new, {} updated, {} unchanged",
                cadres.len(),
                r.added,
                r.updated.saturating_sub(imported.unchanged),
                imported.unchanged
            );
            say_needs_revision(&imported.needs_revision);
        }
        ImportKind::Scores => {
            let policies = Policies::load(&*store).await?;
            let roster = store.roster().await?;
            let ctx = kaohe_io::Context::new(&roster, |q| Some(policies.for_quarter(q)));
            let scores = kaohe_io::read_scores_bytes(&name, &bytes, &ctx).map_err(read_failure)?;
            spinner.set(&format!("importing {} scores", scores.len()));
            let summary = format!("scores: {} rows from {name}", scores.len());
            let imported = kaohe::imports::import_scores(
                &*store,
                &scores,
                &audit(scores.len() as u64, summary, Some(&bytes)),
            )
            .await
            .map_err(in_file)?;
            spinner.done();
            println!("imported {} scores from {name}", imported.rows);
            say_needs_revision(&imported.needs_revision);
        }
        ImportKind::Events => {
            let policies = Policies::load(&*store).await?;
            let roster = store.roster().await?;
            let ctx = kaohe_io::Context::new(&roster, |q| Some(policies.for_quarter(q)));
            let events = kaohe_io::read_events_bytes(&name, &bytes, &ctx).map_err(read_failure)?;
            spinner.set(&format!("importing {} events", events.len()));
            let summary = format!("events: {} rows from {name}", events.len());
            let imported = kaohe::imports::import_events(
                &*store,
                &events,
                &audit(events.len() as u64, summary, Some(&bytes)),
            )
            .await
            .map_err(in_file)?;
            spinner.done();
            println!(
                "imported events from {name}: {} new, {} already stored unchanged",
                imported.rows, imported.unchanged
            );
            say_needs_revision(&imported.needs_revision);
        }
    }
    Ok(())
}

fn read_policy(path: &Path) -> Result<Policy> {
    let bytes = read_file(path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::invalid(format!("{}: not UTF-8; save it as UTF-8", path.display()))
    })?;
    Policy::from_toml(&text).map_err(|e| Failure::invalid(format!("{}: {e}", path.display())))
}

async fn policy(url: &str, action: PolicyAction) -> Result<()> {
    match action {
        PolicyAction::Check { file } => {
            let p = read_policy(&file)?;
            println!(
                "{}: valid policy ({} sections, {} items, {} event kinds)",
                file.display(),
                p.sections.len(),
                p.items().count(),
                p.events.len()
            );
        }
        PolicyAction::Show { quarter } => {
            let store = open(url).await?;
            let policies = Policies::load(&*store).await?;
            let text = match quarter {
                Some(q) => {
                    let q = quarter_arg(&q)?;
                    let from = policies
                        .effective_from(q)
                        .map_or("the built-in default (SPEC 4)".into(), |f| {
                            format!("in force from {f}")
                        });
                    format!(
                        "# policy for {q}: {from}\n{}",
                        policies.for_quarter(q).to_toml()
                    )
                }
                None => {
                    let all = store.policies().await?;
                    match all.last() {
                        Some((from, p)) => format!(
                            "# latest stored policy, in force from {from}\n{}",
                            p.to_toml()
                        ),
                        None => format!(
                            "# no policy stored: the built-in default (SPEC 4)\n{}",
                            Policy::default().to_toml()
                        ),
                    }
                }
            };
            print!("{text}");
        }
        PolicyAction::Set { file, from } => {
            let from =
                Quarter::parse(&from).map_err(|e| Failure::invalid(format!("--from: {e}")))?;
            let p = read_policy(&file)?;
            let bytes = read_file(&file)?;
            let store = open(url).await?;
            let summary = format!("policy from {from}: {}", file.display());
            let needs =
                kaohe::imports::set_policy(&*store, from, &p, &audit(1, summary, Some(&bytes)))
                    .await?;
            println!(
                "policy from {} stored: in force from {from} on",
                file.display()
            );
            say_needs_revision(&needs);
        }
    }
    Ok(())
}

async fn settle(url: &str, q: Quarter, opts: SettleOptions) -> Result<()> {
    let store = open(url).await?;
    let spinner = Spinner::new(&format!("settling {q}"));
    let summary = format!("settle {q}{}", if opts.revise { " --revise" } else { "" });
    let result = lifecycle::settle(&*store, q, opts, &audit(0, summary, None), &spinner).await;
    spinner.done();
    let s = result?;
    let headline = match &s.status {
        SettleStatus::Settled => format!("{q} settled (revision {}).", s.revision),
        SettleStatus::Revised { corrections } => {
            format!(
                "{q} revised: revision {} appended {corrections} correcting ledger entries.",
                s.revision
            )
        }
        SettleStatus::Unchanged => {
            format!(
                "{q} is already settled (revision {}) from the same inputs and policy: nothing to do.",
                s.revision
            )
        }
        SettleStatus::DoneElsewhere => {
            format!(
                "{q} was settled by another run at the same time (revision {}): nothing to do.",
                s.revision
            )
        }
        SettleStatus::DryRun => format!("{q} dry run: computed, nothing written."),
    };
    println!("{headline}");
    print!("{}", render::settle_summary(&s.lines, &s.policy));
    for note in &s.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn compute(
    quarter: &str,
    roster: &Path,
    scores: &Path,
    events: &Path,
    policy: Option<&Path>,
    previous: &[PathBuf],
    format: ComputeFormat,
    out: Option<&Path>,
) -> Result<()> {
    let q = quarter_arg(quarter)?;
    let policy = match policy {
        Some(p) => read_policy(p)?,
        None => Policy::default(),
    };
    let roster = kaohe_io::read_roster(roster).map_err(read_failure)?;
    let ctx = kaohe_io::Context::new(&roster, |_| Some(&policy));
    let scores = kaohe_io::read_scores(scores, &ctx).map_err(read_failure)?;
    let events = kaohe_io::read_events(events, &ctx).map_err(read_failure)?;
    drop(ctx);
    let mut history: Vec<Appraisal> = Vec::new();
    for p in previous {
        history.extend(kaohe_io::appraisals(
            &kaohe_io::read_report(p).map_err(read_failure)?,
        ));
    }
    // The report needs the lines only: no ledger is built.
    let outcome = kaohe_settlement::compute_lines(&kaohe_settlement::QuarterInput {
        quarter: q,
        policy: &policy,
        roster: &roster,
        scores: &scores,
        events: &events,
        history: &history,
        missing_as_zero: false,
    })
    .map_err(|e| Failure::invalid(format!("{q} cannot be computed: {e}")))?;
    let (lines, _) = outcome.into_parts();
    // The inputs are not needed any more. A national quarter is tens of millions of
    // reference-counted ids, which take most of a second to free, and the process ends once
    // the report is written: they are left to the end of the process, so that the report is
    // written on every core (`kaohe compute` is a command, run once per process).
    std::mem::forget((roster, scores, events, history));
    let format = match format {
        ComputeFormat::Csv => ReportFormat::Csv,
        ComputeFormat::Json => ReportFormat::Json,
        ComputeFormat::Table => ReportFormat::Table,
    };
    let written = write_report(q, &lines, format, out);
    // The process ends once the report is written: the lines are not freed one by one.
    std::mem::forget(lines);
    written
}

fn write_report(
    q: Quarter,
    lines: &[kaohe_domain::SettlementLine],
    format: ReportFormat,
    out: Option<&Path>,
) -> Result<()> {
    if format == ReportFormat::Xlsx && out.is_none() {
        return Err(Failure::invalid(
            "--format xlsx needs --out FILE.xlsx (a workbook is not for a terminal)",
        ));
    }
    let render = |w: &mut dyn Write| match format {
        ReportFormat::Csv => kaohe_io::write_report_csv(w, lines),
        ReportFormat::Json => kaohe_io::write_report_json(w, lines),
        ReportFormat::Table => kaohe_io::write_report_table(w, lines),
        ReportFormat::Html => kaohe_io::write_report_html(w, lines),
        ReportFormat::Xlsx => kaohe_io::write_report_xlsx(w, lines),
    };
    let what = format!("the {q} report");
    match out {
        None => {
            let mut buf: Vec<u8> = Vec::new();
            render(&mut buf).map_err(|e| Failure::other(format!("cannot write {what}: {e}")))?;
            emit(&buf, None)
        }
        Some(path) => write_out(path, &what, render),
    }
}

/// Writes `render`'s output to `path`, whole or not at all: streamed into a temporary file
/// beside it, which is renamed into place once complete (a report of two million lines is
/// never held whole in memory). A path that exists and is neither a regular file nor a
/// folder — a device such as `/dev/null` or `/dev/stdout`, a named pipe — is written
/// directly: renaming a file over it would replace the device.
fn write_out(
    path: &Path,
    what: &str,
    render: impl FnOnce(&mut dyn Write) -> std::result::Result<(), kaohe_io::WriteError>,
) -> Result<()> {
    let cannot = |e: &dyn std::fmt::Display| {
        Failure::other(format!("{}: cannot write: {e}", path.display()))
    };
    let failed = |e: kaohe_io::WriteError| match e {
        kaohe_io::WriteError::Io(e) => cannot(&e),
        e => Failure::other(format!("cannot write {what}: {e}")),
    };
    let special = fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if special {
        let file = fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| cannot(&e))?;
        return render(&mut io::BufWriter::with_capacity(1 << 20, file)).map_err(failed);
    }
    let tmp = path.with_extension("kaohe-tmp");
    let written = fs::File::create(&tmp)
        .map_err(|e| cannot(&e))
        .and_then(|file| {
            let mut w = io::BufWriter::with_capacity(1 << 20, file);
            render(&mut w).map_err(failed)?;
            let file = w.into_inner().map_err(|e| cannot(e.error()))?;
            drop(file);
            fs::rename(&tmp, path).map_err(|e| cannot(&e))
        });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Writes to `out`, whole or not at all (see [`write_out`]), or to stdout.
fn emit(bytes: &[u8], out: Option<&Path>) -> Result<()> {
    match out {
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .or_else(|e| {
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        Ok(())
                    } else {
                        Err(Failure::other(format!("cannot write: {e}")))
                    }
                })
        }
        Some(path) => write_out(path, "the output", |w| Ok(w.write_all(bytes)?)),
    }
}

async fn report(url: &str, quarter: &str, format: ReportFormat, out: Option<&Path>) -> Result<()> {
    let q = quarter_arg(quarter)?;
    let store = open(url).await?;
    let (_, lines) = kaohe::queries::report(&*store, q).await?;
    write_report(q, &lines, format, out)
}

async fn ledger(url: &str, quarter: &str, format: LedgerFormat) -> Result<()> {
    let q = quarter_arg(quarter)?;
    let store = open(url).await?;
    let entries = kaohe::queries::ledger(&*store, q).await?;
    let mut buf = Vec::new();
    let io_err = |e: kaohe_io::WriteError| Failure::other(format!("cannot write the ledger: {e}"));
    match format {
        LedgerFormat::Csv => kaohe_io::write_ledger_csv(&mut buf, &entries).map_err(io_err)?,
        LedgerFormat::Json => kaohe_io::write_ledger_json(&mut buf, &entries).map_err(io_err)?,
        LedgerFormat::Table => kaohe_io::write_ledger_table(&mut buf, &entries).map_err(io_err)?,
    }
    emit(&buf, None)
}

async fn explain(url: &str, quarter: &str, cadre: &str) -> Result<()> {
    let q = quarter_arg(quarter)?;
    let id = cadre_arg(cadre)?;
    let store = open(url).await?;
    let text = render::explain(&*store, q, &id).await?;
    emit(text.as_bytes(), None)
}

async fn archive(url: &str, cadre: &str, include_health: bool) -> Result<()> {
    let id = cadre_arg(cadre)?;
    let store = open(url).await?;
    let a = kaohe::queries::archive(&*store, &id).await?;
    let mut text = render::archive(&a);
    if include_health {
        text.push_str("\n健康档案 (Art.15): no health records are kept in this store yet.\n");
    }
    emit(text.as_bytes(), None)
}
