//! `kaohe import KIND FILE`, the whole use case: open the file (CSV, or a sheet of an `.xlsx`
//! workbook), read and check it against what it needs from the store (the roster, the
//! policies), write it with its audit record, and say what was imported.
//!
//! The steps are written once for the seven kinds ([`FileKind`]); only the reader and the
//! store call differ. Every error of a file comes back located, as [`AppError::File`] (exit
//! code 2): a reader's problems by `FILE:LINE` and column (`FILE:SHEET!CELL` in a workbook),
//! and a refusal by a check against the store (a village under another town, an id stored with
//! other content) named the same way, by the line of the row's key.

use std::collections::HashMap;
use std::path::Path;

use kaohe_domain::{
    Award, Cadre, Condolence, Event, HealthRecord, Inspection, Quarter, RosterIndex, ScoreGrid,
    ScoreNames,
};
use kaohe_io::{Context, FileErrors, Input, Problem, ReadError};
use kaohe_store::ScoreSheet;
use kaohe_store::Store;

use crate::lifecycle::{Policies, Progress};
use crate::payments::PaymentsImported;
use crate::{AppError, Conflict, Invocation};

/// The kinds of file `kaohe import` takes (docs/reference.md lists their columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `roster.csv`: cadres by `cadre_id` (Art.4, Art.7).
    Roster,
    /// `scores.csv`: item points of a quarter (Art.7).
    Scores,
    /// `events.csv`: bonus and deduction events (Art.8).
    Events,
    /// `awards.csv`: completion and commendation rewards (Art.12, Art.13).
    Awards,
    /// `condolences.csv`: condolence payments (Art.16).
    Condolences,
    /// `inspections.csv`: supervision records (Art.14).
    Inspections,
    /// `health.csv`: health check-ups (Art.15, the health archive).
    Health,
}

impl FileKind {
    /// What its rows are, as progress and summaries count them.
    fn rows_noun(self) -> &'static str {
        match self {
            FileKind::Roster => "cadres",
            FileKind::Scores => "scores",
            FileKind::Events => "events",
            FileKind::Awards => "awards",
            FileKind::Condolences => "condolences",
            FileKind::Inspections => "supervision records",
            FileKind::Health => "health records",
        }
    }

    /// The audit record's summary: the kind and a count of rows, never their content (health
    /// data never reaches the log).
    fn summary(self, rows: usize, file: &str) -> String {
        match self {
            FileKind::Roster => format!("roster: {rows} cadres from {file}"),
            FileKind::Scores => format!("scores: {rows} rows from {file}"),
            FileKind::Events => format!("events: {rows} rows from {file}"),
            FileKind::Awards => format!("awards: {rows} rows from {file}"),
            FileKind::Condolences => format!("condolences: {rows} rows from {file}"),
            FileKind::Inspections => format!("inspections: {rows} rows from {file}"),
            FileKind::Health => format!("health: {rows} check-ups from {file}"),
        }
    }

    /// The line of each row's key in the file's text, to locate a conflict with the store.
    fn key_lines(self, text: &[u8]) -> HashMap<String, u64> {
        match self {
            FileKind::Roster => kaohe_io::roster_lines(text),
            FileKind::Awards => kaohe_io::award_lines(text),
            FileKind::Condolences => kaohe_io::condolence_lines(text),
            FileKind::Inspections => kaohe_io::inspection_lines(text),
            FileKind::Health => kaohe_io::health_lines(text),
            // Scores meet no conflict; events are keyed by `event_id`.
            FileKind::Scores | FileKind::Events => kaohe_io::event_lines(text),
        }
    }
}

/// What an import of a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileImported {
    /// The kind of file.
    pub kind: FileKind,
    /// The file's name as given.
    pub file: String,
    /// The rows read from the file.
    pub rows: u64,
    /// What the store did with them.
    pub outcome: Outcome,
    /// Settled quarters whose inputs now differ from what they were settled from.
    pub needs_revision: Vec<Quarter>,
    /// Problems that are not errors (the import is done), located in the file: a condolence
    /// for a cadre the roster still shows in office (Art.16).
    pub warnings: Vec<Problem>,
}

/// What the store did with a file's rows, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Cadres added, updated with other content, and stored already as they are.
    Roster {
        /// Not stored before.
        added: u64,
        /// Replaced with other content.
        updated: u64,
        /// Stored with the same content.
        unchanged: u64,
    },
    /// Score rows written (a row replaces the same quarter, subject and item).
    Scores {
        /// Rows written.
        rows: u64,
    },
    /// Events added, and those stored with the same content already.
    Events {
        /// Not stored before.
        added: u64,
        /// Stored with the same content.
        unchanged: u64,
    },
    /// Awards (Art.12, Art.13), each paid by one ledger entry.
    Awards(PaymentsImported),
    /// Condolence payments (Art.16), each paid by one ledger entry.
    Condolences(PaymentsImported),
    /// Supervision records (Art.14).
    Inspections {
        /// Not stored before.
        added: u64,
        /// Stored with the same content.
        unchanged: u64,
    },
    /// Health check-ups (Art.15): added, or replacing the one of the same cadre and date.
    Health {
        /// Not stored before.
        added: u64,
        /// Replaced.
        updated: u64,
    },
}

/// A file's rows as read and checked.
enum Records {
    Roster(Vec<Cadre>),
    /// One grid per quarter of the file, by quarter ascending.
    Scores(Vec<ScoreGrid>),
    Events(Vec<Event>),
    Awards(Vec<Award>),
    Condolences(Vec<Condolence>),
    Inspections(Vec<Inspection>),
    Health(Vec<HealthRecord>),
}

impl Records {
    fn len(&self) -> usize {
        match self {
            Records::Roster(v) => v.len(),
            Records::Scores(grids) => grids.iter().map(ScoreGrid::scored).sum(),
            Records::Events(v) => v.len(),
            Records::Awards(v) => v.len(),
            Records::Condolences(v) => v.len(),
            Records::Inspections(v) => v.len(),
            Records::Health(v) => v.len(),
        }
    }
}

/// A file opened for import: its bytes read (a workbook's sheet turned into CSV text), nothing
/// checked yet. [`FileToImport::import`] does the rest.
#[derive(Debug)]
pub struct FileToImport {
    kind: FileKind,
    input: Input,
    /// A CSV scores file, read streamed from its path (`input` then holds no bytes): a
    /// national file is never held whole in memory.
    streamed: Option<std::path::PathBuf>,
}

/// Opens, reads, checks and imports `path` (an `.xlsx` workbook from `sheet`, default the
/// first, or a CSV file): [`FileToImport::open`], then [`FileToImport::import`].
pub async fn import_file(
    store: &dyn Store,
    kind: FileKind,
    (path, sheet): (&Path, Option<&str>),
    who: &Invocation,
    progress: &dyn Progress,
) -> Result<FileImported, AppError> {
    FileToImport::open(kind, path, sheet)?
        .import(store, who, progress)
        .await
}

impl FileToImport {
    /// Reads `path`: an `.xlsx` workbook from `sheet` (default the first), any other file as
    /// CSV (`sheet` must then be `None`). A file that cannot be read is refused (exit 2).
    pub fn open(
        kind: FileKind,
        path: &Path,
        sheet: Option<&str>,
    ) -> Result<FileToImport, AppError> {
        if kind == FileKind::Scores && sheet.is_none() && !kaohe_io::is_xlsx(path) {
            let name = path.display().to_string();
            if let Err(source) = std::fs::File::open(path) {
                return Err(ReadError::Io { file: name, source }.into());
            }
            return Ok(FileToImport {
                kind,
                input: Input::csv(name, Vec::new()),
                streamed: Some(path.to_owned()),
            });
        }
        Ok(FileToImport {
            kind,
            input: Input::open(path, sheet)?,
            streamed: None,
        })
    }

    /// The file's name as given.
    pub fn name(&self) -> &str {
        self.input.name()
    }

    /// Reads and checks the file against the store's roster and policies, then writes it with
    /// its audit record (the file's name and the SHA-256 of its bytes as read). A file with
    /// any problem, or refused by a check against the store, imports nothing. `progress` is
    /// told each phase: `reading`, `checking`, `importing`.
    pub async fn import(
        self,
        store: &dyn Store,
        who: &Invocation,
        progress: &dyn Progress,
    ) -> Result<FileImported, AppError> {
        let (kind, name) = (self.kind, self.input.name().to_owned());
        progress.phase(&format!("reading {name}"));
        let roster = match kind {
            FileKind::Roster => Vec::new(),
            _ => store.roster().await?,
        };
        let policies = match kind {
            FileKind::Scores | FileKind::Events => Some(Policies::load(store).await?),
            _ => None,
        };
        progress.phase(&format!("checking {name}"));
        let (records, warnings) = self.read(&roster, policies.as_ref())?;
        // Scores are written from their grids, named by the roster and the policies.
        let names = if matches!(records, Records::Scores(_)) {
            Some((roster, policies.unwrap_or_default()))
        } else {
            drop((roster, policies));
            None
        };
        let rows = records.len();
        progress.phase(&format!("importing {rows} {}", kind.rows_noun()));
        let audit = match &self.streamed {
            Some(path) => {
                let sha256 = file_sha256(path).map_err(|source| ReadError::Io {
                    file: name.clone(),
                    source,
                })?;
                who.record_hashed(rows as u64, kind.summary(rows, &name), (&name, sha256))
            }
            None => who.record(
                rows as u64,
                kind.summary(rows, &name),
                Some((&name, self.input.raw())),
            ),
        };
        let names = names.as_ref().map(|(r, p)| (&r[..], p));
        let (outcome, needs_revision) = write(store, &records, names, &audit)
            .await
            .map_err(|e| self.in_file(e))?;
        Ok(FileImported {
            kind,
            file: name,
            rows: rows as u64,
            outcome,
            needs_revision,
            warnings,
        })
    }

    /// The rows of the file, read and checked by `kaohe-io` against `roster` and `policies`,
    /// and the warnings, every problem located in the file.
    fn read(
        &self,
        roster: &[Cadre],
        policies: Option<&Policies>,
    ) -> Result<(Records, Vec<Problem>), ReadError> {
        let (name, text) = (self.input.name(), self.input.text());
        // Not `Send`: it lives only in this synchronous call.
        let ctx = Context::new(roster, move |q| policies.map(|p| p.for_quarter(q)));
        let mut warnings = Vec::new();
        let read = match self.kind {
            FileKind::Roster => kaohe_io::read_roster_bytes(name, text).map(Records::Roster),
            FileKind::Scores => match &self.streamed {
                Some(path) => kaohe_io::read_scores_grids(path, &ctx).map(Records::Scores),
                None => kaohe_io::read_scores_grids_bytes(name, text, &ctx).map(Records::Scores),
            },
            FileKind::Events => kaohe_io::read_events_bytes(name, text, &ctx).map(Records::Events),
            FileKind::Awards => kaohe_io::read_awards_bytes(name, text, &ctx).map(Records::Awards),
            FileKind::Condolences => kaohe_io::read_condolences_bytes(name, text, &ctx).map(|r| {
                warnings = r.warnings;
                Records::Condolences(r.condolences)
            }),
            FileKind::Inspections => {
                kaohe_io::read_inspections_bytes(name, text, &ctx).map(Records::Inspections)
            }
            FileKind::Health => kaohe_io::read_health_bytes(name, text, &ctx).map(Records::Health),
        };
        let records = self.input.located(read)?;
        Ok((records, self.input.locate_problems(warnings)))
    }

    /// An error of the store write, named in the file: each conflict with the store at the
    /// line (or cell) of its row's key and its column; another refusal prefixed with the
    /// file's name. A failure of the store itself is left as it is (exit 1).
    fn in_file(&self, e: AppError) -> AppError {
        let name = self.input.name();
        match e {
            AppError::Conflicts(conflicts) => {
                let lines = self.kind.key_lines(self.input.text());
                let problems: Vec<Problem> = conflicts
                    .into_iter()
                    .map(
                        |Conflict {
                             key,
                             column,
                             message,
                         }| {
                            Problem::at(
                                lines.get(&key).copied().unwrap_or(0),
                                Some(column),
                                message,
                            )
                        },
                    )
                    .collect();
                let total = problems.len();
                AppError::File(ReadError::Invalid(self.input.locate(FileErrors {
                    file: name.to_owned(),
                    problems,
                    total,
                    hint: None,
                })))
            }
            e if e.exit_code() == crate::ExitCode::Invalid => {
                AppError::Invalid(format!("{name}: {e}"))
            }
            e => e,
        }
    }
}

/// Writes the rows with their audit record by the import of their kind, which checks them
/// against the store first.
async fn write(
    store: &dyn Store,
    records: &Records,
    names: Option<(&[Cadre], &Policies)>,
    audit: &kaohe_store::AuditRecord,
) -> Result<(Outcome, Vec<Quarter>), AppError> {
    use crate::{archive, imports, payments};
    Ok(match records {
        Records::Roster(cadres) => {
            let (r, done) = imports::import_roster(store, cadres, audit).await?;
            let outcome = Outcome::Roster {
                added: r.added,
                updated: r.updated.saturating_sub(done.unchanged),
                unchanged: done.unchanged,
            };
            (outcome, done.needs_revision)
        }
        Records::Scores(grids) => {
            let (roster, policies) = names.expect("scores are read with the roster and policies");
            let index = RosterIndex::new(roster);
            let names: Vec<ScoreNames<'_>> = grids
                .iter()
                .map(|g| ScoreNames::new(&index, policies.for_quarter(g.quarter())))
                .collect();
            let sheets: Vec<ScoreSheet<'_>> = grids
                .iter()
                .zip(&names)
                .map(|(grid, names)| ScoreSheet { names, grid })
                .collect();
            let done = imports::import_scores(store, &sheets, audit).await?;
            (Outcome::Scores { rows: done.rows }, done.needs_revision)
        }
        Records::Events(events) => {
            let done = imports::import_events(store, events, audit).await?;
            let outcome = Outcome::Events {
                added: done.rows,
                unchanged: done.unchanged,
            };
            (outcome, done.needs_revision)
        }
        Records::Awards(awards) => {
            let done = payments::import_awards(store, awards, audit).await?;
            (Outcome::Awards(done), Vec::new())
        }
        Records::Condolences(condolences) => {
            let done = payments::import_condolences(store, condolences, audit).await?;
            (Outcome::Condolences(done), Vec::new())
        }
        Records::Inspections(records) => {
            let done = archive::import_inspections(store, records, audit).await?;
            let outcome = Outcome::Inspections {
                added: done.added,
                unchanged: done.unchanged,
            };
            (outcome, Vec::new())
        }
        Records::Health(records) => {
            let done = archive::import_health(store, records, audit).await?;
            let outcome = Outcome::Health {
                added: done.added,
                updated: done.updated,
            };
            (outcome, Vec::new())
        }
    })
}

/// A policy file read and checked for `kaohe policy set`, to be stored in force.
#[derive(Debug)]
pub struct PolicyFile {
    name: String,
    policy: kaohe_domain::Policy,
    bytes: Vec<u8>,
}

impl PolicyFile {
    /// Reads and checks the policy file (errors located, exit 2).
    pub fn read(path: &Path) -> Result<PolicyFile, AppError> {
        let (policy, bytes) = read_policy_file(path)?;
        Ok(PolicyFile {
            name: path.display().to_string(),
            policy,
            bytes,
        })
    }

    /// What the policy allows but a county should look at again.
    pub fn warnings(&self) -> Vec<String> {
        self.policy.warnings()
    }

    /// `kaohe policy set FILE --from QUARTER`: stores the policy in force from `from` on,
    /// with its audit record (the file's name and bytes). Returns the settled quarters whose
    /// policy this changes: they need a revision.
    pub async fn set(
        &self,
        store: &dyn Store,
        from: Quarter,
        who: &Invocation,
    ) -> Result<Vec<Quarter>, AppError> {
        let summary = format!("policy from {from}: {}", self.name);
        let record = who.record(1, summary, Some((&self.name, &self.bytes)));
        crate::imports::set_policy(store, from, &self.policy, &record).await
    }
}

/// Reads a policy file (`policy.toml`, exact decimals; docs/reference.md): refused (exit 2)
/// when it cannot be read, is not UTF-8 or is not a valid policy, naming the file.
pub fn read_policy_file(path: &Path) -> Result<(kaohe_domain::Policy, Vec<u8>), AppError> {
    let bytes = std::fs::read(path)
        .map_err(|e| AppError::Invalid(format!("{}: cannot read: {e}", path.display())))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        AppError::Invalid(format!("{}: not UTF-8; save it as UTF-8", path.display()))
    })?;
    let policy = kaohe_domain::Policy::from_toml(text)
        .map_err(|e| AppError::Invalid(format!("{}: {e}", path.display())))?;
    Ok((policy, bytes))
}

/// The SHA-256 (hex) of the file at `path`, read in blocks.
fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha.update(&buf[..n]);
    }
    Ok(crate::fingerprint::hex(&sha.finalize()))
}
