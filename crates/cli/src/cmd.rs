//! The commands: each reads its inputs, calls the application layer and prints.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use kaohe::AppError;
use kaohe::lifecycle::{self, Policies, SettleOptions, SettleStatus};
use kaohe_domain::{CadreId, Policy, Quarter};
use kaohe_store::{AuditRecord, Store, StoreError};

use crate::progress::Spinner;
use crate::render;
use crate::year;
use crate::{
    Cli, Command, ComputeFormat, ImportKind, LedgerFormat, PolicyAction, ReportFormat, TemplateKind,
};

/// A failure with its exit code (docs/reference.md, Exit codes) and the message for standard error.
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

pub(crate) type Result<T> = std::result::Result<T, Failure>;

pub async fn run(cli: Cli) -> Result<()> {
    // Recorded before anything is written: `write_out` never replaces the store's file.
    let _ = STORE_FILE.set(kaohe::store_file(&cli.store).map(Path::to_path_buf));
    match cli.command {
        Command::Import { kind, file, sheet } => {
            import(&cli.store, kind, &file, sheet.as_deref()).await
        }
        Command::Template { kind, out } => template(kind, &out),
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
        Command::Ledger {
            quarter,
            month,
            format,
            out,
        } => match (quarter, month) {
            (Some(q), _) => ledger(&cli.store, &q, format, out.as_deref()).await,
            (None, Some(m)) => year::ledger_month(&cli.store, &m, format, out.as_deref()).await,
            (None, None) => Err(Failure::invalid("give --quarter Q or --month YYYY-MM")),
        },
        Command::Payroll { month, dry_run } => year::payroll(&cli.store, &month, dry_run).await,
        Command::Withdraw { kind, id, reason } => {
            year::withdraw(&cli.store, kind, &id, &reason).await
        }
        Command::Explain { quarter, cadre } => explain(&cli.store, &quarter, &cadre).await,
        Command::Archive {
            cadre,
            include_health,
            format,
            out,
        } => archive(&cli.store, &cadre, include_health, format, out.as_deref()).await,
        Command::Health {
            action: crate::HealthAction::Due { year },
        } => health_due(&cli.store, year).await,
        Command::Commend {
            year,
            villages,
            preview,
            format,
            out,
        } => {
            commend(
                &cli.store,
                year,
                (villages, preview),
                format,
                out.as_deref(),
            )
            .await
        }
        Command::Audit { since, format } => audit_log(&cli.store, since.as_deref(), format).await,
    }
}

fn quarter_arg(s: &str) -> Result<Quarter> {
    Quarter::parse(s).map_err(|e| Failure::invalid(format!("--quarter: {e}")))
}

fn cadre_arg(s: &str) -> Result<CadreId> {
    CadreId::parse(s).map_err(|e| Failure::invalid(format!("--cadre: {e}")))
}

pub(crate) async fn open(url: &str) -> Result<Arc<dyn Store>> {
    kaohe::open_store(url)
        .await
        .map_err(|e| Failure::other(kaohe::redact_secrets(&format!("{e} (store: {url})"))))
}

/// Who runs this command, for the audit records of what it writes: the user, and the command
/// line as typed (less any password in a store URL, `--store URL` or `--store=URL`, removed by
/// [`kaohe::Invocation::record`]); an argument that is not UTF-8 is kept with U+FFFD in its
/// place.
pub(crate) fn invocation() -> kaohe::Invocation {
    kaohe::Invocation {
        user: std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into()),
        command: std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The audit record of a command that writes to the store; `source` is the file it read (its
/// path as given, and its bytes, of which the SHA-256 is kept).
pub(crate) fn audit(rows: u64, summary: String, source: Option<(&str, &[u8])>) -> AuditRecord {
    invocation().record(rows, summary, source)
}

pub(crate) fn say_needs_revision(quarters: &[Quarter]) {
    for q in quarters {
        note(&format!(
            "note: {q} is settled and its inputs have changed: it needs a revision \
             (`kaohe settle --quarter {q} --revise`)"
        ));
    }
}

/// Writes one line to standard error. A standard error that cannot be written (a closed pipe)
/// loses the line but never stops the command: what it did is done.
pub(crate) fn note(line: &str) {
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// Writes `text` to standard output (see [`emit`]).
fn say(text: &str) -> Result<()> {
    emit(text.as_bytes(), None)
}

/// `kaohe template KIND --out FILE.xlsx`: an empty workbook for clerks to fill in
/// (docs/guide.md, Excel 工作簿), written 0600 like every file kaohe writes. Event kinds are the
/// default policy's (Art.8).
fn template(kind: TemplateKind, out: &Path) -> Result<()> {
    use kaohe_io::Template;
    let t = match kind {
        TemplateKind::Roster => Template::Roster,
        TemplateKind::Scores => Template::Scores,
        TemplateKind::Events => Template::Events,
        TemplateKind::Awards => Template::Awards,
        TemplateKind::Condolences => Template::Condolences,
        TemplateKind::Inspections => Template::Inspections,
        TemplateKind::Health => Template::Health,
    };
    let bytes = kaohe_io::template_xlsx_bytes(t, &Policy::default())
        .map_err(|e| Failure::other(format!("cannot write the template: {e}")))?;
    write_out(out, "the template", |w| Ok(w.write_all(&bytes)?))?;
    note(&format!(
        "wrote {}: sheet {}, columns {}",
        out.display(),
        t.sheet_name(),
        t.columns().join(",")
    ));
    Ok(())
}

async fn import(url: &str, kind: ImportKind, path: &Path, sheet: Option<&str>) -> Result<()> {
    use kaohe::files::{FileKind, FileToImport, Outcome};
    let kind = match kind {
        ImportKind::Roster => FileKind::Roster,
        ImportKind::Scores => FileKind::Scores,
        ImportKind::Events => FileKind::Events,
        ImportKind::Awards => FileKind::Awards,
        ImportKind::Condolences => FileKind::Condolences,
        ImportKind::Inspections => FileKind::Inspections,
        ImportKind::Health => FileKind::Health,
    };
    // The file first: one that cannot be read is refused before any store is opened.
    let file = FileToImport::open(kind, path, sheet)?;
    let store = open(url).await?;
    let spinner = Spinner::new(&format!("reading {}", file.name()));
    let done = file.import(&*store, &invocation(), &spinner).await;
    spinner.done();
    let done = done?;
    let name = &done.file;
    let text = match &done.outcome {
        Outcome::Roster {
            added,
            updated,
            unchanged,
        } => format!(
            "imported {} cadres from {name}: {added} new, {updated} updated, {unchanged} unchanged",
            done.rows
        ),
        Outcome::Scores { rows } => format!("imported {rows} scores from {name}"),
        Outcome::Events { added, unchanged } => format!(
            "imported events from {name}: {added} new, {unchanged} already stored unchanged"
        ),
        Outcome::Awards(p) => format!(
            "imported awards from {name} (Art.12, Art.13): {} new, paid {}; {} already stored \
             unchanged",
            p.added, p.paid, p.unchanged
        ),
        Outcome::Condolences(p) => format!(
            "imported condolence payments from {name} (Art.16): {} new, paid {}; {} already \
             stored unchanged",
            p.added, p.paid, p.unchanged
        ),
        Outcome::Inspections { added, unchanged } => format!(
            "imported supervision records from {name} (Art.14): {added} new, {unchanged} already \
             stored unchanged; they change no score by themselves (the town scores the card)"
        ),
        Outcome::Health { added, updated } => format!(
            "imported health check-ups from {name} (Art.15, health archive): {added} new, \
             {updated} replaced"
        ),
    };
    say(&format!("{text}\n"))?;
    for w in &done.warnings {
        let col = w.column.as_deref().unwrap_or("");
        note(&format!(
            "warning: {name}:{}: column `{col}`: {}",
            w.place(),
            w.message
        ));
    }
    say_needs_revision(&done.needs_revision);
    Ok(())
}

/// Warns (the policy is still accepted) where it departs from a figure the regulation fixes.
fn warn_policy(file: &Path, p: &Policy) {
    for w in p.warnings() {
        note(&format!("warning: {}: {w}", file.display()));
    }
}

async fn policy(url: &str, action: PolicyAction) -> Result<()> {
    match action {
        PolicyAction::Check { file } => {
            let (p, _) = kaohe::files::read_policy_file(&file)?;
            warn_policy(&file, &p);
            say(&format!(
                "{}: valid policy ({} sections, {} items, {} event kinds)\n",
                file.display(),
                p.sections.len(),
                p.items().count(),
                p.events.len()
            ))?;
        }
        PolicyAction::Show { quarter } => {
            let store = open(url).await?;
            let policies = Policies::load(&*store).await?;
            let text = match quarter {
                Some(q) => {
                    let q = quarter_arg(&q)?;
                    let from = policies
                        .effective_from(q)
                        .map_or("the built-in default (docs/rules.md)".into(), |f| {
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
                            "# no policy stored: the built-in default (docs/rules.md)\n{}",
                            Policy::default().to_toml()
                        ),
                    }
                }
            };
            say(&text)?;
        }
        PolicyAction::Set { file, from } => {
            let from =
                Quarter::parse(&from).map_err(|e| Failure::invalid(format!("--from: {e}")))?;
            let policy = kaohe::files::PolicyFile::read(&file)?;
            for w in policy.warnings() {
                note(&format!("warning: {}: {w}", file.display()));
            }
            let store = open(url).await?;
            let needs = policy.set(&*store, from, &invocation()).await?;
            say(&format!(
                "policy from {} stored: in force from {from} on\n",
                file.display()
            ))?;
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
                "{q} is already settled (revision {}) and nothing in it would change: nothing to do.",
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
    let mut text = format!("{headline}\n");
    text.push_str(&render::settle_summary(&s.lines, &s.policy));
    text.push_str(&render::paid_split(
        &s.paid,
        s.status == SettleStatus::DryRun,
    ));
    emit(text.as_bytes(), None)?;
    for line in &s.notes {
        note(&format!("note: {line}"));
    }
    for later in &s.later_need_revision {
        note(&format!(
            "note: {later} is settled and its lines would change now that {q} is revised (its \
             dismissal_review flags read {q}'s grades, Art.11): it needs a revision \
             (`kaohe settle --quarter {later} --revise`)"
        ));
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
    let files = kaohe::compute::ComputeFiles {
        quarter: quarter_arg(quarter)?,
        roster,
        scores,
        events,
        policy,
        previous,
    };
    let format = match format {
        ComputeFormat::Csv => ReportFormat::Csv,
        ComputeFormat::Json => ReportFormat::Json,
        ComputeFormat::Table => ReportFormat::Table,
    };
    kaohe::compute::compute_from_files(&files, |c| {
        if format != ReportFormat::Csv {
            return write_report(c.quarter, &c.lines(), &c.notes, format, out);
        }
        // The csv report is written as its lines are built, a part at a time.
        let render = |w: &mut dyn Write| {
            let mut csv = kaohe_report::ReportCsv::new(w)?;
            c.lines_in_parts(|part| csv.part(part))?;
            csv.finish()
        };
        let what = format!("the {} report", c.quarter);
        match out {
            Some(path) => write_out(path, &what, render),
            None => {
                let mut buf: Vec<u8> = Vec::new();
                render(&mut buf)
                    .map_err(|e| Failure::other(format!("cannot write {what}: {e}")))?;
                emit(&buf, None)
            }
        }
    })?
}

fn write_report(
    q: Quarter,
    lines: &[kaohe_domain::SettlementLine],
    notes: &kaohe_report::ReportNotes,
    format: ReportFormat,
    out: Option<&Path>,
) -> Result<()> {
    if format == ReportFormat::Xlsx && out.is_none() {
        return Err(Failure::invalid(
            "--format xlsx needs --out FILE.xlsx (a workbook is not for a terminal)",
        ));
    }
    let render = |w: &mut dyn Write| match format {
        ReportFormat::Csv => kaohe_report::write_report_csv(w, lines),
        ReportFormat::Json => kaohe_report::write_report_json(w, lines),
        ReportFormat::Table => kaohe_report::write_report_table(w, lines),
        ReportFormat::Html => kaohe_report::write_report_html(w, lines, notes),
        ReportFormat::Xlsx => kaohe_report::write_report_xlsx(w, lines, notes),
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

/// The store's file when the store is embedded (set once, by [`run`]): no output replaces it.
static STORE_FILE: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Refuses an output path that is the store's file, by any name: the same path, another
/// spelling of it, a symbolic link to it or a hard link of it (the same device and inode).
fn refuse_store_file(path: &Path) -> Result<()> {
    let Some(store) = STORE_FILE.get().and_then(Option::as_deref) else {
        return Ok(());
    };
    if same_file(path, store) {
        return Err(Failure::invalid(format!(
            "--out {}: this is the store's file ({}); writing there would replace the store. \
             Choose another file.",
            path.display(),
            store.display()
        )));
    }
    Ok(())
}

/// Whether `a` and `b` name one file: by device and inode when both exist, else by their
/// absolute paths (with the folder's symbolic links resolved).
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(ma), Ok(mb)) => same_inode(a, &ma, b, &mb),
        _ => resolved(a).is_some_and(|ra| resolved(b).is_some_and(|rb| ra == rb)),
    }
}

#[cfg(unix)]
fn same_inode(_: &Path, a: &fs::Metadata, _: &Path, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(a: &Path, _: &fs::Metadata, b: &Path, _: &fs::Metadata) -> bool {
    matches!((fs::canonicalize(a), fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// The absolute path of a file that may not exist: its folder resolved, then its name.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => fs::canonicalize(d).ok()?,
        _ => std::env::current_dir().ok()?,
    };
    Some(dir.join(name))
}

/// Writes `render`'s output to `path`, whole or not at all: streamed into a new temporary file
/// beside it (a fresh random name, created exclusively with mode `0600`, so that no file or
/// symbolic link planted there is followed), which is renamed into place once complete (a
/// report of two million lines is never held whole in memory). The file written is therefore
/// readable by its owner only, whatever the mode of a file it replaces: reports hold names and
/// pay. A path that exists and is neither a regular file nor a folder — a device such as
/// `/dev/null` or `/dev/stdout`, a named pipe — is written directly: renaming a file over it
/// would replace the device. The store's own file is refused (exit 2).
pub(crate) fn write_out(
    path: &Path,
    what: &str,
    render: impl FnOnce(&mut dyn Write) -> std::result::Result<(), kaohe_report::WriteError>,
) -> Result<()> {
    refuse_store_file(path)?;
    let cannot = |e: &dyn std::fmt::Display| {
        Failure::other(format!("{}: cannot write: {e}", path.display()))
    };
    let failed = |e: kaohe_report::WriteError| match e {
        kaohe_report::WriteError::Io(e) => cannot(&e),
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
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kaohe-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o600));
    }
    // Dropped unpersisted (an error below), the temporary file is removed.
    let tmp = builder.tempfile_in(dir).map_err(|e| cannot(&e))?;
    let mut w = io::BufWriter::with_capacity(1 << 20, tmp);
    render(&mut w).map_err(failed)?;
    let tmp = w.into_inner().map_err(|e| cannot(e.error()))?;
    tmp.persist(path).map_err(|e| cannot(&e.error))?;
    Ok(())
}

/// Writes to `out`, whole or not at all (see [`write_out`]), or to stdout. A closed standard
/// output (`kaohe … | head`) is a quiet end, as for ripgrep or coreutils: the command's work is
/// done (every command prints only once its writes are committed, or when it writes nothing),
/// only its printout is cut short.
pub(crate) fn emit(bytes: &[u8], out: Option<&Path>) -> Result<()> {
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
    let notes = kaohe::queries::report_notes(&*store, q).await?;
    write_report(q, &lines, &notes, format, out)
}

async fn ledger(url: &str, quarter: &str, format: LedgerFormat, out: Option<&Path>) -> Result<()> {
    let q = quarter_arg(quarter)?;
    let store = open(url).await?;
    let entries = kaohe::queries::ledger(&*store, q).await?;
    year::write_ledger(&entries, &format!("the {q} ledger"), format, out)
}

async fn explain(url: &str, quarter: &str, cadre: &str) -> Result<()> {
    let q = quarter_arg(quarter)?;
    let id = cadre_arg(cadre)?;
    let store = open(url).await?;
    let explanation = kaohe::queries::explain(&*store, q, &id).await?;
    emit(render::explain(&explanation).as_bytes(), None)
}

/// `kaohe commend --year YYYY [--preview]` (Art.13).
async fn commend(
    url: &str,
    year: u16,
    (villages, preview): (bool, bool),
    format: crate::CommendFormat,
    out: Option<&Path>,
) -> Result<()> {
    let store = open(url).await?;
    let list = kaohe::commend::commend(&*store, year, preview, villages).await?;
    if list.preview {
        note(&format!(
            "note: a preview of {year} from {} settled quarter(s): the list may change when the \
             rest are settled",
            list.quarters.len()
        ));
    }
    let render = |w: &mut dyn Write| match format {
        crate::CommendFormat::Table => kaohe_report::write_commend_table(w, &list),
        crate::CommendFormat::Csv => kaohe_report::write_commend_csv(w, &list),
        crate::CommendFormat::Html => kaohe_report::write_commend_html(w, &list),
    };
    let what = format!("the {year} commendation list");
    match out {
        Some(path) => write_out(path, &what, render),
        None => {
            let mut buf = Vec::new();
            render(&mut buf).map_err(|e| Failure::other(format!("cannot write {what}: {e}")))?;
            emit(&buf, None)
        }
    }
}

/// `kaohe audit [--since DAY] [--format …]`.
async fn audit_log(url: &str, since: Option<&str>, format: crate::AuditFormat) -> Result<()> {
    let since = since
        .map(kaohe_domain::Date::parse)
        .transpose()
        .map_err(|e| Failure::invalid(format!("--since: {e}")))?;
    let store = open(url).await?;
    let rows = kaohe::queries::audit(&*store, since).await?;
    let mut buf = Vec::new();
    match format {
        crate::AuditFormat::Table => kaohe_report::write_audit_table(&mut buf, &rows),
        crate::AuditFormat::Csv => kaohe_report::write_audit_csv(&mut buf, &rows),
        crate::AuditFormat::Json => kaohe_report::write_audit_json(&mut buf, &rows),
    }
    .map_err(|e| Failure::other(format!("cannot write the audit log: {e}")))?;
    emit(&buf, None)
}

async fn archive(
    url: &str,
    cadre: &str,
    include_health: bool,
    format: crate::ArchiveFormat,
    out: Option<&Path>,
) -> Result<()> {
    let id = cadre_arg(cadre)?;
    let store = open(url).await?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let today = kaohe_domain::Date::from_unix(now)
        .map(|(d, _)| d)
        .ok_or_else(|| Failure::other("the system clock is out of range"))?;
    let request = kaohe::archive::ArchiveRequest {
        cadre: id.clone(),
        today,
        health: include_health
            .then(|| audit(0, format!("archive --cadre {id} --include-health"), None)),
    };
    let view = kaohe::archive::archive(&*store, &request).await?;
    let render = |w: &mut dyn Write| match format {
        crate::ArchiveFormat::Table => kaohe_report::write_archive_table(w, &view),
        crate::ArchiveFormat::Json => kaohe_report::write_archive_json(w, &view),
        crate::ArchiveFormat::Html => kaohe_report::write_archive_html(w, &view),
    };
    let what = format!("the archive of {id}");
    match out {
        Some(path) => write_out(path, &what, render),
        None => {
            let mut buf = Vec::new();
            render(&mut buf).map_err(|e| Failure::other(format!("cannot write {what}: {e}")))?;
            emit(&buf, None)
        }
    }
}

/// `kaohe health due --year YYYY` (Art.15).
async fn health_due(url: &str, year: u16) -> Result<()> {
    let store = open(url).await?;
    let due = kaohe::archive::health_due(&*store, year).await?;
    let mut buf = Vec::new();
    kaohe_report::write_health_due_table(&mut buf, year, &due)
        .map_err(|e| Failure::other(format!("cannot write the list: {e}")))?;
    emit(&buf, None)
}
