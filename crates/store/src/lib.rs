//! The storage contract of kaohe: one async [`Store`] trait that the embedded (redb) and the
//! server (PostgreSQL) backends implement identically, and the neutral [`StoreError`].
//!
//! The trait is deliberately dumb: it keeps records and makes each write atomic; the rules of
//! the settlement life cycle (order of quarters, no-op re-settles, revisions) live once, in the
//! application layer (the `kaohe` crate), over this trait. The conformance suite
//! (`conformance` feature) holds every backend to the same contract, in the manner of
//! `object_store`'s integration tests: a third-party backend can run it too.
//!
//! **Architecture invariant:** no sqlx, redb or tokio type appears in this crate's API.
//!
//! # Contract
//!
//! - **Atomic writes.** Every method that writes does so in one transaction: all of its records
//!   and its [`AuditRecord`] are stored, or none are (a failure midway leaves nothing).
//! - **Durable on return.** When a write returns `Ok`, it survives a crash of the process.
//! - **Imports replace by natural key.** Cadres by `cadre_id`; scores by
//!   (quarter, subject, item); policies by effective quarter. Events are keyed by `event_id`
//!   and never replaced: the same content again is a no-op, different content is
//!   [`StoreError::Rejected`] naming what differs, and nothing of that import is written.
//! - **Settlements are compare-and-set.** [`Store::commit_settlement`] writes revision `r` of a
//!   quarter only if the latest stored revision is `r − 1` (none for `r = 1`); otherwise it
//!   fails with [`StoreError::Conflict`] and writes nothing. Two racing settlements of one
//!   quarter therefore end with exactly one.
//! - **The ledger is append-only.** Entries are never edited or deleted; `(quarter, entry)` is
//!   unique, and the store itself refuses a doubled entry.
//! - **A key given twice in one batch: the last wins**, counted as if the rows were applied one
//!   at a time (a roster naming a cadre twice counts one added and one updated).
//! - **Settlement records are consistent.** Revision 0, or a line or entry whose quarter or
//!   revision differs from the header's, is refused ([`StoreError::Conflict`] for revision 0,
//!   [`StoreError::Rejected`] otherwise); so is a ledger entry whose `article` is not one of
//!   [`kaohe_domain::EntryKind::article`]'s.
//! - **Entries outside a settlement have revision 0** (monthly payroll, awards, condolences,
//!   withdrawals: Art.11, 12, 13, 16). They are appended with the records they pay for, in one
//!   transaction, numbered after the quarter's existing entries like a settlement's; an entry
//!   number already taken is [`StoreError::Conflict`] and nothing is written, which is how two
//!   racing writers of one quarter's ledger end with one. [`Store::append_entries`] refuses an
//!   entry of revision ≠ 0 ([`StoreError::Rejected`]).
//! - **Awards and condolences** are keyed by id and never replaced, like events: the same
//!   content again is a no-op (its entry is not written again), other content is
//!   [`StoreError::Rejected`] naming what differs.
//! - **Withdrawals mark, never delete.** A withdrawn event, award or condolence keeps its
//!   record with the [`Withdrawal`] mark; [`Store::events`] leaves withdrawn events out (they
//!   stop counting, Art.8), the `*_by_id`, [`Store::awards`] and [`Store::condolences`] reads
//!   show them with their mark. Withdrawing what is already withdrawn changes nothing.
//! - **Supervision records** (Art.14) are keyed by `inspection_id` and never replaced, like
//!   events: the same content again is a no-op, other content is [`StoreError::Rejected`]
//!   naming what differs, and nothing of that import is written.
//! - **Health records** (Art.15) are added or replaced by (`cadre_id`, `date`) and counted as
//!   a roster import is (added / updated; a key twice in one batch: the last wins).
//! - **The roster keeps its history** (Art.15 work archive). [`Store::import_roster`] keeps,
//!   in its own transaction, the old row of every cadre whose content changed (an identical
//!   row is not a version), stamped with the import's `audit.at_unix` and `audit.source_path`
//!   (empty if none); [`Store::roster_history`] gives them oldest first.
//! - **A showing writes its audit record.** [`Store::record_audit`] writes one audit record
//!   alone (a showing of health data, Art.15), durable on return.
//! - **Reads are ordered.** Every list comes back in the order its method documents, so that
//!   two backends give byte-identical reports.
//!
//! # Example
//!
//! Whatever a backend reports, a password in a store URL never reaches a message:
//!
//! ```
//! let shown = kaohe_store::redact_secrets("cannot reach postgres://kaohe:s3cret@db/kaohe");
//! assert!(!shown.contains("s3cret"), "{shown}");
//! assert!(shown.contains("postgres://kaohe:"), "{shown}");
//! ```

use std::fmt;

use async_trait::async_trait;
use kaohe_domain::{
    Appraisal, Award, AwardId, Cadre, CadreId, Condolence, CondolenceId, Event, EventId,
    HealthRecord, Inspection, LedgerEntry, Policy, Quarter, RosterVersion, Score, ScoreNames,
    SettlementLine, Stored, Withdrawal,
};
use thiserror::Error;

mod grid;
mod redact;
pub use grid::{ScoreSheet, StoredScores, checked_sheets};
pub use redact::redact_secrets;

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod shared;

/// A backend-neutral storage error. No backend type leaks through it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store cannot be opened or reached (bad URL, server down, file locked).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Another writer got there first: the settlement revision was already taken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The write is refused by the store's own rules (an event id imported again with other
    /// content); nothing was written.
    #[error("refused: {0}")]
    Rejected(String),
    /// Stored data cannot be read back (damaged, or written by a newer kaohe).
    #[error("stored data unreadable: {0}")]
    Corrupt(String),
    /// Any other failure of the backend.
    #[error("store failure: {0}")]
    Backend(String),
}

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who did what, when, from which file: one record per import, settlement and revision,
/// written in the same transaction as the change it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Seconds since the Unix epoch (UTC).
    pub at_unix: i64,
    /// The operating-system user.
    pub user: String,
    /// The command line, e.g. `kaohe import scores q3.csv`.
    pub command: String,
    /// SHA-256 of the source file, hex, when the change came from a file.
    pub source_sha256: Option<String>,
    /// The source file's path as given on the command line, when the change came from a file.
    pub source_path: Option<String>,
    /// Rows read from the source, or lines settled.
    pub rows: u64,
    /// A short human summary, e.g. `120 cadres (3 new, 117 updated)`.
    pub summary: String,
}

/// The latest revision of a settled quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementHeader {
    /// The quarter.
    pub quarter: Quarter,
    /// The latest revision, from 1.
    pub revision: u32,
    /// Fingerprint of the inputs and policy it was computed from (hex SHA-256).
    pub fingerprint: String,
    /// The exact policy used, as [`Policy::to_toml`] text.
    pub policy_toml: String,
    /// When it was written, seconds since the Unix epoch.
    pub settled_at_unix: i64,
}

/// A settlement revision to write atomically: its header, every line and the ledger entries
/// this revision appends (for revision 1, all of them; later, the correcting ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSettlement {
    /// Quarter, revision, fingerprint, policy and time.
    pub header: SettlementHeader,
    /// One line per assessed cadre, in report order (docs/reference.md, settlement report).
    pub lines: Vec<SettlementLine>,
    /// The entries appended by this revision, numbered after the quarter's existing ones.
    pub entries: Vec<LedgerEntry>,
}

/// What a roster import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RosterImport {
    /// Cadres not stored before.
    pub added: u64,
    /// Cadres replaced by `cadre_id`.
    pub updated: u64,
}

/// What an events import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventImport {
    /// Events not stored before.
    pub added: u64,
    /// Events already stored with the same content.
    pub unchanged: u64,
}

/// What a withdrawal names (`kaohe withdraw event|award|condolence ID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawTarget {
    /// An event (Art.8): it stops counting.
    Event(EventId),
    /// An award (Art.12, Art.13): its payment is reversed.
    Award(AwardId),
    /// A condolence payment (Art.16): its payment is reversed.
    Condolence(CondolenceId),
}

/// What a write of awards or condolences did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordImport {
    /// Records not stored before (each with its ledger entry).
    pub added: u64,
    /// Records already stored with the same content.
    pub unchanged: u64,
}

/// The storage of kaohe. See the crate docs for the contract every backend keeps.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// A short description for messages, e.g. `redb:kaohe.redb`.
    fn describe(&self) -> String;

    /// Stores `policy` as in force from quarter `from` on, replacing one from the same quarter.
    async fn set_policy(&self, from: Quarter, policy: &Policy, audit: &AuditRecord) -> Result<()>;
    /// Every stored policy with its first quarter, by quarter ascending.
    async fn policies(&self) -> Result<Vec<(Quarter, Policy)>>;

    /// Adds or replaces cadres by `cadre_id`.
    async fn import_roster(&self, cadres: &[Cadre], audit: &AuditRecord) -> Result<RosterImport>;
    /// Every cadre, by `cadre_id` ascending (byte order).
    async fn roster(&self) -> Result<Vec<Cadre>>;

    /// Adds or replaces scores by (quarter, subject, item), as rows (small callers and
    /// tests). Returns the rows written.
    async fn import_scores(&self, scores: &[Score], audit: &AuditRecord) -> Result<u64>;
    /// The scores of quarter `q` as rows, by (subject, item) ascending (byte order).
    async fn scores(&self, q: Quarter) -> Result<Vec<Score>>;
    /// Adds or replaces the scored cells of each sheet by (quarter, subject, item), all sheets
    /// in one transaction: the big path of `kaohe import scores`, which holds no score as a
    /// record. Stored exactly as [`Store::import_scores`] stores the same rows. Returns the
    /// cells written. A sheet whose grid does not have its names' shape, or two sheets of
    /// one quarter, is [`StoreError::Rejected`] and nothing is written.
    async fn import_score_sheets(
        &self,
        sheets: &[ScoreSheet<'_>],
        audit: &AuditRecord,
    ) -> Result<u64>;
    /// The scores of quarter `q` read into the grid of `names` (the big path of `settle`):
    /// those that do not fit it (a subject or an item `names` does not know, points above
    /// the item's maximum) come back as rows. Together they are exactly [`Store::scores`].
    async fn scores_on(&self, q: Quarter, names: &ScoreNames<'_>) -> Result<StoredScores>;
    /// Quarters that have at least one score, ascending.
    async fn scored_quarters(&self) -> Result<Vec<Quarter>>;

    /// Adds events by `event_id`; see the contract for ids already stored.
    async fn import_events(&self, events: &[Event], audit: &AuditRecord) -> Result<EventImport>;
    /// The events dated in quarter `q`, by (date, event_id) ascending.
    async fn events(&self, q: Quarter) -> Result<Vec<Event>>;

    /// The latest revision of quarter `q`, if settled.
    async fn settlement(&self, q: Quarter) -> Result<Option<SettlementHeader>>;
    /// The lines of the latest revision of `q`, in the order they were written (empty when not
    /// settled).
    async fn settlement_lines(&self, q: Quarter) -> Result<Vec<SettlementLine>>;
    /// Settled quarters, ascending.
    async fn settled_quarters(&self) -> Result<Vec<Quarter>>;
    /// Writes a settlement revision atomically, compare-and-set on the revision (see the
    /// contract); [`StoreError::Conflict`] when the revision is taken or out of turn.
    async fn commit_settlement(&self, s: &NewSettlement, audit: &AuditRecord) -> Result<()>;
    /// Every ledger entry of quarter `q`, all revisions, by `entry` ascending.
    async fn ledger(&self, q: Quarter) -> Result<Vec<LedgerEntry>>;
    /// The grades of settled quarters before `before` (latest revisions), optionally of one
    /// cadre, by (cadre_id, quarter) ascending.
    async fn appraisals(&self, cadre: Option<&CadreId>, before: Quarter) -> Result<Vec<Appraisal>>;

    /// The audit log, oldest first.
    async fn audit_log(&self) -> Result<Vec<AuditRecord>>;

    /// Appends revision-0 ledger entries (monthly payroll, Art.11) atomically; see the
    /// contract: an entry number already taken in its quarter is [`StoreError::Conflict`], an
    /// entry of another revision [`StoreError::Rejected`], and nothing is written.
    async fn append_entries(&self, entries: &[LedgerEntry], audit: &AuditRecord) -> Result<()>;

    /// Every stored event with these ids, withdrawn or not, whatever its quarter, by
    /// `event_id` ascending.
    async fn events_by_id(&self, ids: &[EventId]) -> Result<Vec<Stored<Event>>>;

    /// Adds awards (Art.12, Art.13) by `award_id` with the revision-0 entries that pay the new
    /// ones, in one transaction (see the contract for ids already stored).
    async fn import_awards(
        &self,
        awards: &[Award],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport>;
    /// Every award, withdrawn or not, by `award_id` ascending.
    async fn awards(&self) -> Result<Vec<Stored<Award>>>;

    /// Adds condolence payments (Art.16) by `condolence_id` with the revision-0 entries that
    /// pay the new ones, in one transaction (see the contract for ids already stored).
    async fn import_condolences(
        &self,
        condolences: &[Condolence],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport>;
    /// Every condolence payment, withdrawn or not, by `condolence_id` ascending.
    async fn condolences(&self) -> Result<Vec<Stored<Condolence>>>;

    /// Marks a record withdrawn and appends `entries` (the reversing revision-0 entry of an
    /// award or condolence; none for an event) in one transaction. Returns `false`, writing
    /// nothing, when it was already withdrawn; [`StoreError::Rejected`] when no such record is
    /// stored.
    async fn withdraw(
        &self,
        target: &WithdrawTarget,
        mark: &Withdrawal,
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<bool>;

    /// Adds supervision records (Art.14) by `inspection_id`, never replaced: the same content
    /// again is a no-op, other content is [`StoreError::Rejected`] naming what differs, and
    /// nothing of that import is written.
    async fn import_inspections(
        &self,
        records: &[Inspection],
        audit: &AuditRecord,
    ) -> Result<RecordImport>;
    /// Every supervision record, by `date` then `inspection_id` ascending.
    async fn inspections(&self) -> Result<Vec<Inspection>>;

    /// Adds or replaces health check-up records (Art.15) by (`cadre_id`, `date`); counts as a
    /// roster import does (added / updated; a key twice in one batch: the last wins).
    async fn import_health(
        &self,
        records: &[HealthRecord],
        audit: &AuditRecord,
    ) -> Result<RosterImport>;
    /// Every health record, by `cadre_id` then `date` ascending.
    async fn health_records(&self) -> Result<Vec<HealthRecord>>;

    /// The earlier versions of a cadre's roster row (Art.15 work archive), oldest first
    /// (by `replaced_at_unix`, then insertion order). `import_roster` keeps, in the same
    /// transaction, the old row of every cadre whose content changed (an identical row is not a
    /// version), with the import's `audit.at_unix` and `audit.source_path` (empty if None).
    async fn roster_history(&self, cadre: &CadreId) -> Result<Vec<RosterVersion>>;

    /// Writes one audit record alone (a showing of health data, Art.15), durable on return.
    async fn record_audit(&self, audit: &AuditRecord) -> Result<()>;
}
