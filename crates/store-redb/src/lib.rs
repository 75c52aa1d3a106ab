//! The embedded backend of the kaohe [`Store`]: one redb file (`redb:kaohe.redb`), for a
//! county office that runs kaohe on one machine without a database server.
//!
//! # Design
//!
//! - **One write transaction per call.** Every import, policy change and settlement revision is
//!   one redb write transaction, together with its audit record: it commits whole or not at
//!   all. A refused write (an event id with other content, a doubled ledger entry, a revision
//!   out of turn) aborts the transaction, so nothing of it is ever visible.
//! - **Compare-and-set without races.** redb admits one write transaction at a time, so the
//!   settlement's revision check ("latest stored revision is `r − 1`") is done inside the write
//!   transaction that then writes revision `r`: no other writer can slip in between. The
//!   event-id check reads the stored events inside the import's own write transaction, and
//!   the roster import keeps the rows it replaces with other content (Art.15 work archive) in
//!   its own.
//! - **Never on the executor.** redb is synchronous. Every transaction runs on
//!   `tokio::task::spawn_blocking` over a shared `Arc<Database>`; the async methods only encode
//!   their input (pure CPU) and wait.
//! - **Tables for range scans.** Keys are bytes built so that "one quarter" is one contiguous
//!   range and byte order is the order the contract documents: scores by (quarter, subject,
//!   item), events by (date, event id), ledger entries by (quarter, entry), lines by (quarter,
//!   revision, sequence), headers by (quarter, revision), appraisals by (quarter, cadre), health
//!   records by (cadre, date), roster versions by (cadre, sequence). A
//!   batch's keys are sorted before they are inserted (redb takes sorted keys about 2.5× as fast
//!   as shuffled ones). Values are a compact hand-written binary encoding with a format version
//!   byte, not JSON. The tables are the `TableDefinition` constants below, each with its key
//!   and value; the byte encoding of both is in the `codec` module.
//! - **Neutral errors.** No redb type appears in the API beyond [`RedbStore::open`]'s path;
//!   every redb error maps into [`StoreError`].
//!
//! # Durability
//!
//! Every write transaction commits with `Durability::Immediate`: `commit` returns only after
//! redb has written the new state and called `fsync`, so **every write that returned `Ok`
//! survives a crash** of the process or of the machine. A write interrupted by a crash is not
//! there at all after reopening: redb keeps two commit slots and switches to the new one only
//! when it is complete, so a settlement is found either whole or absent (the crash test in
//! `tests/crash.rs` kills a process mid-commit to hold this). Each commit also saves redb's
//! allocator state (quick repair, which implies two-phase commit), so reopening after a crash is
//! quick and does not walk the whole file.
//!
//! What the file assumes of the disk, as redb does: `fsync` returns only once the data is on
//! stable storage (a drive or controller that acknowledges writes still in a volatile cache
//! breaks that: then the last commits may be lost after a power cut, and if the disk also
//! reorders writes the file may be found damaged, which redb's checksums detect and kaohe
//! reports as [`StoreError::Corrupt`] rather than reading wrong numbers); writing a sector does
//! not corrupt its neighbours; nobody else writes to the file. Keep it on a local disk, not a
//! network share. The file is created with mode `0600` (owner only), since
//! it holds names and pay.
//!
//! # Example
//!
//! ```
//! use kaohe_store::Store as _;
//!
//! let dir = tempfile::tempdir()?;
//! let store = kaohe_store_redb::RedbStore::open(dir.path().join("kaohe.redb"))?;
//! let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! // A new file holds no roster and no policy yet.
//! assert!(rt.block_on(store.roster())?.is_empty());
//! assert!(rt.block_on(store.policies())?.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod codec;
mod damage;
mod payments;

use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use kaohe_domain::{
    Appraisal, Award, Cadre, CadreId, Condolence, Event, EventId, HealthRecord, Inspection,
    KeyOrder, LedgerEntry, Points, Policy, Quarter, RosterVersion, Score, ScoreGrid, ScoreNames,
    SettlementLine, Stored, Withdrawal,
};
use kaohe_store::shared::Compared;
use kaohe_store::{
    AuditRecord, EventImport, NewSettlement, RecordImport, Result, RosterImport, ScoreSheet,
    SettlementHeader, Store, StoreError, StoredScores, WithdrawTarget, checked_sheets,
};
use redb::{
    Builder, Database, Durability, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableDefinition, WriteTransaction,
};

use crate::codec::*;
use crate::payments::{EntryOrder, EntryRows};

/// Schema of the tables below; a file with a higher one was written by a newer kaohe.
/// Schema 2 added awards, condolences and withdrawal marks (an older kaohe would count a
/// withdrawn event and miss the payments, so it must refuse such a file). Schema 3 added
/// supervision records (Art.14), health records and roster versions (Art.15): an older kaohe
/// would replace roster rows without keeping their versions. A file of an older schema is
/// brought up to this one when opened: the tables it lacks are created empty.
const SCHEMA: u64 = 3;

/// The schema version of the tables this build writes (`kaohe --version` shows it). A file of
/// a lower schema is upgraded on open; a file of a higher one is refused.
pub const SCHEMA_VERSION: u64 = SCHEMA;

type Bytes = &'static [u8];

/// `schema` → [`SCHEMA`].
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// quarter → policy.toml text.
const POLICIES: TableDefinition<Bytes, Bytes> = TableDefinition::new("policies");
/// cadre id → cadre.
const CADRES: TableDefinition<Bytes, Bytes> = TableDefinition::new("cadres");
/// (quarter, subject, 0, item) → points.
const SCORES: TableDefinition<Bytes, Bytes> = TableDefinition::new("scores");
/// (date, event id) → event.
const EVENTS: TableDefinition<Bytes, Bytes> = TableDefinition::new("events");
/// event id → date (index into `EVENTS`).
const EVENT_IDS: TableDefinition<Bytes, Bytes> = TableDefinition::new("event_ids");
/// (quarter, revision) → settlement header; every revision is kept.
const HEADERS: TableDefinition<Bytes, Bytes> = TableDefinition::new("settlement_headers");
/// (quarter, revision, sequence) → settlement line.
const LINES: TableDefinition<Bytes, Bytes> = TableDefinition::new("settlement_lines");
/// (quarter, entry) → ledger entry, of a settlement revision or of revision 0 (payroll,
/// awards, condolences, withdrawals); append-only.
const LEDGER: TableDefinition<Bytes, Bytes> = TableDefinition::new("ledger");
/// (quarter, cadre id) → grade of the latest revision (rewritten with each revision).
const APPRAISALS: TableDefinition<Bytes, Bytes> = TableDefinition::new("appraisals");
/// award id → award (Art.12, Art.13); never replaced.
const AWARDS: TableDefinition<Bytes, Bytes> = TableDefinition::new("awards");
/// condolence id → condolence payment (Art.16); never replaced.
const CONDOLENCES: TableDefinition<Bytes, Bytes> = TableDefinition::new("condolences");
/// event id → withdrawal mark; the event itself stays in `EVENTS`.
const EVENT_WITHDRAWALS: TableDefinition<Bytes, Bytes> = TableDefinition::new("event_withdrawals");
/// award id → withdrawal mark.
const AWARD_WITHDRAWALS: TableDefinition<Bytes, Bytes> = TableDefinition::new("award_withdrawals");
/// condolence id → withdrawal mark.
const CONDOLENCE_WITHDRAWALS: TableDefinition<Bytes, Bytes> =
    TableDefinition::new("condolence_withdrawals");
/// inspection id → supervision record (Art.14); never replaced.
const INSPECTIONS: TableDefinition<Bytes, Bytes> = TableDefinition::new("inspections");
/// (cadre id, 0, date) → health record (Art.15); replaced by key.
const HEALTH: TableDefinition<Bytes, Bytes> = TableDefinition::new("health");
/// (cadre id, 0, sequence) → an earlier roster row with when and by which file it was replaced
/// (Art.15 work archive); append-only.
const ROSTER_HISTORY: TableDefinition<Bytes, Bytes> = TableDefinition::new("roster_history");
/// sequence → audit record.
const AUDIT: TableDefinition<u64, Bytes> = TableDefinition::new("audit");

/// The page cache of the store file (read cache and write buffer together). redb's default,
/// 1 GiB, grows the process by as much as it reads or writes of the file, up to that: the
/// integrity check on open, a national quarter's 26 million scores read for `settle`. The
/// big paths read and write in key order and gain nothing from a larger cache (the same CPU
/// time at 16 MiB as at 1 GiB, measured at 500,000 cadres); 32 MiB holds the B-trees' branch
/// pages of a national file several times over.
const CACHE_BYTES: usize = 32 << 20;

/// Most conflicts listed in one refusal message.
const MAX_LISTED: usize = 20;

/// The embedded redb store. Cheap to share: clone the `Arc` it is usually held in.
#[derive(Debug)]
pub struct RedbStore {
    db: Arc<Database>,
    path: PathBuf,
}

impl RedbStore {
    /// Opens the store file at `path`, creating it (mode `0600`) if absent, and recovers it
    /// after a crash if needed.
    ///
    /// This blocks (file IO, a small commit): call it before the async work starts or inside
    /// `spawn_blocking`. Fails with [`StoreError::Unavailable`] when the file cannot be
    /// opened or is open in another process, and [`StoreError::Corrupt`] when it is damaged or
    /// was written by a newer kaohe.
    ///
    /// Every page of the file is checked against its checksum first (the whole file is read),
    /// so that a damaged file is refused here rather than met half-way through a transaction
    /// (see the `damage` module).
    pub fn open(path: impl AsRef<Path>) -> Result<RedbStore> {
        let path = path.as_ref().to_path_buf();
        create_private(&path)
            .map_err(|e| StoreError::Unavailable(format!("{}: {e}", path.display())))?;
        let db = damage::catch(|| {
            let db = Builder::new()
                .set_cache_size(CACHE_BYTES)
                .set_check_integrity_on_open(true)
                .create(&path)
                .map_err(|e| damage::open_error(&path, e))?;
            init(&db).map_err(|Fail(e)| e)?;
            Ok(db)
        })?;
        Ok(RedbStore {
            db: Arc::new(db),
            path,
        })
    }

    /// Runs `f` in one write transaction on the blocking pool: commits (durably) when it
    /// returns `Ok`, aborts when it returns an error, so a refused write leaves nothing.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&WriteTransaction) -> Result<T, Fail> + Send + 'static,
        T: Send + 'static,
    {
        self.write_if(|txn| f(txn).map(|v| (v, true))).await
    }

    /// As [`RedbStore::write`], but `f` also says whether it wrote anything: when it did not
    /// (`false`), the transaction is aborted rather than committed.
    async fn write_if<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&WriteTransaction) -> Result<(T, bool), Fail> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        blocking(move || write_txn(&db, f)).await
    }

    /// Runs `f` in one read transaction (a consistent snapshot) on the blocking pool.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&ReadTransaction) -> Result<T, Fail> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.db.clone();
        blocking(move || {
            let txn = db.begin_read()?;
            f(&txn)
        })
        .await
    }
}

impl RedbStore {
    /// Awards or condolences with the entries that pay the new ones, in one transaction.
    async fn import_payments<T: payments::Payment>(
        &self,
        records: &[T],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        let rows = EntryRows::outside_settlement(entries)?;
        let records = records.to_vec();
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            let r = payments::import(txn, &records, &rows)?;
            append_audit(txn, &audit)?;
            Ok(r)
        })
        .await
    }
}

/// Creates `path` readable and writable by its owner only, unless it exists.
fn create_private(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn begin_write(db: &Database) -> Result<WriteTransaction, Fail> {
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate)?;
    txn.set_quick_repair(true);
    Ok(txn)
}

/// Creates the tables of a new file and checks the schema of an existing one.
fn init(db: &Database) -> Result<(), Fail> {
    let txn = begin_write(db)?;
    {
        let mut meta = txn.open_table(META)?;
        let stored = meta.get("schema")?.map(|v| v.value());
        match stored {
            // A new file, or one of an older schema: the tables it lacks are created below.
            None => {
                meta.insert("schema", SCHEMA)?;
            }
            Some(v) if v < SCHEMA => {
                meta.insert("schema", SCHEMA)?;
            }
            Some(v) if v > SCHEMA => {
                return Err(StoreError::Corrupt(format!(
                    "the file has schema {v}, written by a newer kaohe (this one knows {SCHEMA})"
                ))
                .into());
            }
            Some(_) => {}
        }
        for t in [
            POLICIES,
            CADRES,
            SCORES,
            EVENTS,
            EVENT_IDS,
            HEADERS,
            LINES,
            LEDGER,
            APPRAISALS,
            AWARDS,
            CONDOLENCES,
            EVENT_WITHDRAWALS,
            AWARD_WITHDRAWALS,
            CONDOLENCE_WITHDRAWALS,
            INSPECTIONS,
            HEALTH,
            ROSTER_HISTORY,
        ] {
            txn.open_table(t)?;
        }
        txn.open_table(AUDIT)?;
    }
    txn.commit()?;
    Ok(())
}

async fn blocking<T, F>(f: F) -> Result<T>
where
    F: FnOnce() -> Result<T, Fail> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(|Fail(e)| e),
        // redb panics on some damage it meets reading a page (see the `damage` module).
        Err(e) if e.is_panic() => Err(damage::panicked(&*e.into_panic())),
        Err(e) => Err(StoreError::Backend(format!("store task failed: {e}"))),
    }
}

/// Runs `f` in one write transaction: commits (durably) when it returns `Ok((_, true))`,
/// aborts otherwise, so a refused write leaves nothing.
fn write_txn<T>(
    db: &Database,
    f: impl FnOnce(&WriteTransaction) -> Result<(T, bool), Fail>,
) -> Result<T, Fail> {
    let txn = begin_write(db)?;
    match f(&txn) {
        Ok((v, true)) => {
            txn.commit()?;
            Ok(v)
        }
        Ok((v, false)) => {
            txn.abort()?;
            Ok(v)
        }
        Err(e) => {
            // The write's own error says what went wrong; a failure to abort on top of it
            // changes nothing for the caller (the transaction is dropped unwritten).
            let _ = txn.abort();
            Err(e)
        }
    }
}

/// Runs `f` in one write transaction, as [`RedbStore::write`] does, on the caller's thread:
/// for a write from what the caller borrows (a grid of scores), with no copy of it.
fn write_here<T>(db: &Database, f: impl FnOnce(&WriteTransaction) -> Result<T, Fail>) -> Result<T> {
    let run = std::panic::AssertUnwindSafe(|| write_txn(db, |txn| f(txn).map(|v| (v, true))));
    match std::panic::catch_unwind(run) {
        Ok(r) => r.map_err(|Fail(e)| e),
        Err(payload) => Err(damage::panicked(&*payload)),
    }
}

/// Runs `f` in one read transaction on the caller's thread, for a read that fills what the
/// caller borrows; a panic of redb on damage is reported as [`blocking`] reports it.
fn read_here<T>(db: &Database, f: impl FnOnce(&ReadTransaction) -> Result<T, Fail>) -> Result<T> {
    let run = std::panic::AssertUnwindSafe(|| {
        let txn = db.begin_read()?;
        f(&txn)
    });
    match std::panic::catch_unwind(run) {
        Ok(r) => r.map_err(|Fail(e)| e),
        Err(payload) => Err(damage::panicked(&*payload)),
    }
}

/// A [`StoreError`] on its way out of a transaction; redb's errors convert into it with `?`.
struct Fail(StoreError);

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Fail {
        Fail(e)
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for Fail {
            fn from(e: $t) -> Fail {
                Fail(map_redb(e.into()))
            }
        }
    )*};
}
from_redb!(
    redb::Error,
    redb::StorageError,
    redb::TableError,
    redb::TransactionError,
    redb::CommitError,
    redb::SetDurabilityError
);

/// Maps a redb error into the neutral error.
fn map_redb(e: redb::Error) -> StoreError {
    match e {
        redb::Error::Corrupted(m) => damage::damaged(&m),
        redb::Error::DatabaseAlreadyOpen => {
            StoreError::Unavailable("the file is open in another process".into())
        }
        redb::Error::Io(e) => StoreError::Backend(format!("I/O error: {e}")),
        e => StoreError::Backend(e.to_string()),
    }
}

fn rejected(msg: String) -> Fail {
    Fail(StoreError::Rejected(msg))
}

/// Rows of a batch: keys with their values in one buffer (no allocation per row), sortable.
struct Rows<K> {
    index: Vec<(K, usize, usize)>,
    data: Vec<u8>,
}

impl<K: AsRef<[u8]>> Rows<K> {
    fn with_capacity(rows: usize, bytes: usize) -> Rows<K> {
        Rows {
            index: Vec::with_capacity(rows),
            data: Vec::with_capacity(bytes),
        }
    }
    fn push(&mut self, key: K, encode: impl FnOnce(&mut Vec<u8>)) {
        let start = self.data.len();
        encode(&mut self.data);
        self.index.push((key, start, self.data.len()));
    }
    /// Sorts by key, keeping the input order among equal keys (so the last one wins when
    /// inserted in this order): the value's offset, which grows with the input order, breaks
    /// ties, which lets the faster unstable sort do a stable sort's job.
    fn sort(&mut self) {
        self.index
            .sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()).then(a.1.cmp(&b.1)));
    }
    fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.index
            .iter()
            .map(|(k, s, e)| (k.as_ref(), &self.data[*s..*e]))
    }
}

/// An import's records compared by id with table `t` (id → record), by the compare both
/// stores share ([`Compared`]): the new records encoded, sorted by id, and what the import did.
fn compare_by_id<'r, T: kaohe_store::shared::ById>(
    t: &impl ReadableTable<Bytes, Bytes>,
    records: &'r [T],
    decode: impl Fn(&[u8], &[u8]) -> Result<T, StoreError>,
    encode: impl Fn(&mut Vec<u8>, &T),
) -> Result<(Rows<&'r [u8]>, RecordImport), Fail> {
    let compared = Compared::distinct(records).against(|rec| {
        let id = rec.id().as_bytes();
        t.get(id)?
            .map(|v| decode(id, v.value()))
            .transpose()
            .map_err(Fail::from)
    })?;
    let (new, r) = compared.outcome(MAX_LISTED)?;
    let mut fresh = Rows::with_capacity(new.len(), new.len() * 48);
    for rec in new {
        fresh.push(rec.id().as_bytes(), |b| encode(b, rec));
    }
    fresh.sort();
    Ok((fresh, r))
}

/// The stored rows whose keys start with `prefix`, in key order.
fn prefix_range<'t, T: ReadableTable<Bytes, Bytes>>(
    table: &'t T,
    prefix: &[u8],
) -> Result<redb::Range<'t, Bytes, Bytes>, Fail> {
    Ok(match prefix_end(prefix) {
        Some(end) => table.range::<&[u8]>(prefix..end.as_slice())?,
        None => table.range::<&[u8]>(prefix..)?,
    })
}

/// The latest stored revision of quarter `q`.
fn latest_revision<T: ReadableTable<Bytes, Bytes>>(
    headers: &T,
    q: Quarter,
) -> Result<Option<u32>, Fail> {
    match prefix_range(headers, &quarter_key(q))?.next_back() {
        Some(row) => Ok(Some(decode_header_key(row?.0.value())?.1)),
        None => Ok(None),
    }
}

/// Distinct quarters that start the keys of `table`, ascending, by skipping from one quarter
/// to the next (one seek per quarter, not one row per record).
fn key_quarters<T: ReadableTable<Bytes, Bytes>>(table: &T) -> Result<Vec<Quarter>, Fail> {
    let mut out = Vec::new();
    let mut from = Vec::new();
    loop {
        let Some(row) = table.range::<&[u8]>(from.as_slice()..)?.next() else {
            break;
        };
        let q = decode_quarter(row?.0.value())?;
        out.push(q);
        match prefix_end(&quarter_key(q)) {
            Some(next) => from = next,
            None => break,
        }
    }
    Ok(out)
}

fn append_audit(txn: &WriteTransaction, record: &[u8]) -> Result<(), Fail> {
    let mut t = txn.open_table(AUDIT)?;
    let next = t.last()?.map_or(1, |(k, _)| k.value() + 1);
    t.insert(next, record)?;
    Ok(())
}

fn encoded_audit(a: &AuditRecord) -> Vec<u8> {
    value(|b| encode_audit(b, a))
}

#[async_trait]
impl Store for RedbStore {
    fn describe(&self) -> String {
        format!("redb:{}", self.path.display())
    }

    async fn set_policy(&self, from: Quarter, policy: &Policy, audit: &AuditRecord) -> Result<()> {
        // The policy is kept as its canonical policy.toml text; make sure it reads back.
        let text = policy.to_toml();
        match Policy::from_toml(&text) {
            Ok(back) if back == *policy => {}
            Ok(_) => {
                return Err(StoreError::Rejected(
                    "the policy does not read back the same from its policy.toml form".into(),
                ));
            }
            Err(e) => {
                return Err(StoreError::Rejected(format!(
                    "the policy cannot be stored: {e}"
                )));
            }
        }
        let (key, val, audit) = (
            quarter_key(from),
            value(|b| encode_policy(b, &text)),
            encoded_audit(audit),
        );
        self.write(move |txn| {
            txn.open_table(POLICIES)?
                .insert(key.as_slice(), val.as_slice())?;
            append_audit(txn, &audit)
        })
        .await
    }

    async fn policies(&self) -> Result<Vec<(Quarter, Policy)>> {
        self.read(|txn| {
            let t = txn.open_table(POLICIES)?;
            let mut out = Vec::new();
            for row in t.iter()? {
                let (k, v) = row?;
                let q = decode_quarter(k.value())?;
                let policy = Policy::from_toml(&decode_policy(v.value())?).map_err(|e| {
                    StoreError::Corrupt(format!("stored policy of {q} does not read: {e}"))
                })?;
                out.push((q, policy));
            }
            Ok(out)
        })
        .await
    }

    async fn import_roster(&self, cadres: &[Cadre], audit: &AuditRecord) -> Result<RosterImport> {
        let mut rows = Rows::with_capacity(cadres.len(), cadres.len() * 64);
        for c in cadres {
            rows.push(c.id.as_str().as_bytes().to_vec(), |b| encode_cadre(b, c));
        }
        rows.sort();
        let (at_unix, file) = (audit.at_unix, audit.source_path.clone().unwrap_or_default());
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            let mut t = txn.open_table(CADRES)?;
            let mut r = RosterImport::default();
            // The rows a changed cadre had before this import, kept as versions (Art.15).
            let mut replaced = Vec::new();
            let rows: Vec<(&[u8], &[u8])> = rows.iter().collect();
            for run in rows.chunk_by(|a, b| a.0 == b.0) {
                // A cadre given twice: the last row wins, counted as if applied in turn.
                let (k, v) = run[run.len() - 1];
                let repeats = run.len() as u64 - 1;
                match t.insert(k, v)? {
                    Some(old) => {
                        r.updated += repeats + 1;
                        if old.value() != v {
                            replaced.push(decode_cadre(k, old.value())?);
                        }
                    }
                    None => {
                        r.added += 1;
                        r.updated += repeats;
                    }
                }
            }
            drop(t);
            archive::keep_versions(txn, &replaced, at_unix, &file)?;
            append_audit(txn, &audit)?;
            Ok(r)
        })
        .await
    }

    async fn roster(&self) -> Result<Vec<Cadre>> {
        self.read(|txn| {
            let t = txn.open_table(CADRES)?;
            let mut out = Vec::with_capacity(usize::try_from(t.len()?).unwrap_or(0));
            for row in t.iter()? {
                let (k, v) = row?;
                out.push(decode_cadre(k.value(), v.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn import_scores(&self, scores: &[Score], audit: &AuditRecord) -> Result<u64> {
        let mut rows = Rows::with_capacity(scores.len(), scores.len() * 4);
        for s in scores {
            rows.push(score_key(s), |b| encode_points(b, s.points));
        }
        rows.sort();
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            let mut t = txn.open_table(SCORES)?;
            let mut written = 0u64;
            let mut last: Option<&[u8]> = None;
            for (k, v) in rows.iter() {
                t.insert(k, v)?;
                if last != Some(k) {
                    written += 1;
                    last = Some(k);
                }
            }
            drop(t);
            append_audit(txn, &audit)?;
            Ok(written)
        })
        .await
    }

    async fn scores(&self, q: Quarter) -> Result<Vec<Score>> {
        self.read(move |txn| {
            let t = txn.open_table(SCORES)?;
            let mut out = Vec::new();
            let mut ids = ScoreIds::default();
            for row in prefix_range(&t, &quarter_key(q))? {
                let (k, v) = row?;
                out.push(decode_score(k.value(), v.value(), &mut ids)?);
            }
            Ok(out)
        })
        .await
    }

    async fn import_score_sheets(
        &self,
        sheets: &[ScoreSheet<'_>],
        audit: &AuditRecord,
    ) -> Result<u64> {
        // Each grid's cells in key order (quarters ascending, then subject and item), so the
        // keys go in sorted, in one write transaction on the caller's thread, straight from
        // the grids: never one record per score, nor a copy of a grid.
        let plan: Vec<(Quarter, KeyOrder, &ScoreGrid)> = checked_sheets(sheets)?
            .into_iter()
            .map(|s| (s.grid.quarter(), s.names.key_order(), s.grid))
            .collect();
        let audit = encoded_audit(audit);
        write_here(&self.db, |txn| {
            let mut t = txn.open_table(SCORES)?;
            let mut written = 0u64;
            let (mut key, mut value) = (Vec::with_capacity(64), Vec::with_capacity(16));
            let mut failed = None;
            for (q, order, grid) in &plan {
                order.for_each(grid, |subject, item, h| {
                    if failed.is_some() {
                        return;
                    }
                    score_key_into(&mut key, *q, subject, item);
                    value.clear();
                    encode_points(&mut value, Points::from_hundredths(i64::from(h)));
                    match t.insert(key.as_slice(), value.as_slice()) {
                        Ok(_) => written += 1,
                        Err(e) => failed = Some(e),
                    }
                });
            }
            if let Some(e) = failed {
                return Err(e.into());
            }
            drop(t);
            append_audit(txn, &audit)?;
            Ok(written)
        })
    }

    async fn scores_on(&self, q: Quarter, names: &ScoreNames<'_>) -> Result<StoredScores> {
        // Read on the caller's thread: the grid is filled through `names`, which it borrows.
        read_here(&self.db, |txn| {
            let t = txn.open_table(SCORES)?;
            let mut out = StoredScores::empty(names, q);
            let mut ids = ScoreIds::default();
            for row in prefix_range(&t, &quarter_key(q))? {
                let (k, v) = row?;
                let (k, v) = (k.value(), v.value());
                let (subject, item, points) = score_parts(k, v)?;
                out.place(names, (subject, item, points), || {
                    decode_score(k, v, &mut ids)
                })?;
            }
            Ok(out)
        })
    }

    async fn scored_quarters(&self) -> Result<Vec<Quarter>> {
        self.read(|txn| key_quarters(&txn.open_table(SCORES)?))
            .await
    }

    async fn import_events(&self, events: &[Event], audit: &AuditRecord) -> Result<EventImport> {
        let events = events.to_vec();
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            let mut ids = txn.open_table(EVENT_IDS)?;
            let mut dated = txn.open_table(EVENTS)?;
            let compared = Compared::distinct(&events).against(|ev| {
                let id = ev.id.as_str();
                let Some(date) = ids.get(id.as_bytes())? else {
                    return Ok(None);
                };
                let key = event_date_key(decode_event_date(date.value())?, &ev.id);
                match dated.get(key.as_slice())? {
                    Some(v) => Ok(Some(decode_event(&key, v.value())?)),
                    None => Err(Fail::from(StoreError::Corrupt(format!(
                        "event `{id}` is indexed but missing"
                    )))),
                }
            })?;
            let mut conflicts = compared.problems;
            if !conflicts.is_empty() {
                let more = conflicts.len().saturating_sub(MAX_LISTED);
                conflicts.truncate(MAX_LISTED);
                let mut msg = conflicts.join("; ");
                if more > 0 {
                    msg.push_str(&format!("; and {more} more"));
                }
                msg.push_str(" (nothing of this import was written)");
                return Err(rejected(msg));
            }
            let fresh = compared.new;
            let r = EventImport {
                added: fresh.len() as u64,
                unchanged: compared.unchanged,
            };
            let mut by_id = Rows::with_capacity(fresh.len(), fresh.len() * 5);
            let mut by_date = Rows::with_capacity(fresh.len(), fresh.len() * 32);
            for ev in fresh {
                by_id.push(ev.id.as_str().as_bytes(), |b| encode_event_date(b, ev.date));
                by_date.push(event_date_key(ev.date, &ev.id), |b| encode_event(b, ev));
            }
            by_id.sort();
            by_date.sort();
            for (k, v) in by_id.iter() {
                ids.insert(k, v)?;
            }
            for (k, v) in by_date.iter() {
                dated.insert(k, v)?;
            }
            drop((ids, dated));
            append_audit(txn, &audit)?;
            Ok(r)
        })
        .await
    }

    async fn events(&self, q: Quarter) -> Result<Vec<Event>> {
        self.read(move |txn| {
            let t = txn.open_table(EVENTS)?;
            let from = date_key(q.first_day());
            // Event ids are UTF-8, which never holds 0xFF: this bound is past every key of
            // the quarter's last day.
            let mut to = date_key(q.last_day()).to_vec();
            to.push(0xFF);
            let withdrawn = txn.open_table(EVENT_WITHDRAWALS)?;
            let mut out = Vec::new();
            for row in t.range::<&[u8]>(from.as_slice()..to.as_slice())? {
                let (k, v) = row?;
                let ev = decode_event(k.value(), v.value())?;
                // A withdrawn event stops counting (Art.8); its record stays.
                if withdrawn.get(ev.id.as_str().as_bytes())?.is_none() {
                    out.push(ev);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn settlement(&self, q: Quarter) -> Result<Option<SettlementHeader>> {
        self.read(move |txn| {
            let t = txn.open_table(HEADERS)?;
            match prefix_range(&t, &quarter_key(q))?.next_back() {
                Some(row) => {
                    let (k, v) = row?;
                    Ok(Some(decode_header(k.value(), v.value())?))
                }
                None => Ok(None),
            }
        })
        .await
    }

    async fn settlement_lines(&self, q: Quarter) -> Result<Vec<SettlementLine>> {
        self.read(move |txn| {
            let Some(revision) = latest_revision(&txn.open_table(HEADERS)?, q)? else {
                return Ok(Vec::new());
            };
            let t = txn.open_table(LINES)?;
            let mut out = Vec::new();
            for row in prefix_range(&t, &header_key(q, revision))? {
                out.push(decode_line(q, row?.1.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn settled_quarters(&self) -> Result<Vec<Quarter>> {
        self.read(|txn| key_quarters(&txn.open_table(HEADERS)?))
            .await
    }

    async fn commit_settlement(&self, s: &NewSettlement, audit: &AuditRecord) -> Result<()> {
        let h = &s.header;
        let (q, revision) = (h.quarter, h.revision);
        kaohe_store::shared::check_new_settlement(s)?;
        let header = value(|b| encode_header(b, h));
        if u32::try_from(s.lines.len()).is_err() {
            return Err(StoreError::Rejected(format!("{q}: too many lines")));
        }
        // The appraisal index by cadre id (the last line of an id wins, as inserted in order).
        let mut by_cadre: Vec<u32> = (0..s.lines.len() as u32).collect();
        by_cadre.sort_by(|&a, &b| {
            let id = |i: u32| s.lines[i as usize].cadre_id.as_str().as_bytes();
            id(a).cmp(id(b))
        });
        let entries = EntryOrder::new(&s.entries)?;
        let audit = encoded_audit(audit);

        // On the caller's thread, straight from `s`: each row is encoded as it is inserted
        // (in key order), so a national quarter's lines and entries are not held twice.
        write_here(&self.db, |txn| {
            let mut headers = txn.open_table(HEADERS)?;
            let latest = latest_revision(&headers, q)?;
            if latest.unwrap_or(0) != revision - 1 {
                return Err(Fail(StoreError::Conflict(match latest {
                    None => format!(
                        "{q} is not settled, so revision {revision} cannot be written before \
                         revision 1"
                    ),
                    Some(l) => format!(
                        "{q}: revision {revision} cannot be written, the latest stored revision \
                         is {l} (did another settlement get there first?)"
                    ),
                })));
            }
            headers.insert(header_key(q, revision).as_slice(), header.as_slice())?;
            drop(headers);

            let mut value = Vec::with_capacity(128);
            let mut t = txn.open_table(LINES)?;
            for (seq, l) in (0u32..).zip(&s.lines) {
                value.clear();
                encode_line(&mut value, l);
                let key = line_key(q, revision, seq);
                if t.insert(key.as_slice(), value.as_slice())?.is_some() {
                    return Err(StoreError::Corrupt(format!(
                        "{q}: lines of revision {revision} exist without its header"
                    ))
                    .into());
                }
            }
            drop(t);

            // Numbered after the quarter's existing entries (revision 0 ones included); a
            // number already taken means another writer got there first.
            entries.insert(txn)?;

            // The appraisal index holds the latest revision's grades: replace the quarter's.
            let mut t = txn.open_table(APPRAISALS)?;
            let from = quarter_key(q);
            match prefix_end(&from) {
                Some(to) => {
                    t.retain_in::<&[u8], _>(from.as_slice()..to.as_slice(), |_, _| false)?
                }
                None => t.retain_in::<&[u8], _>(from.as_slice().., |_, _| false)?,
            }
            let mut key = Vec::with_capacity(64);
            for &i in &by_cadre {
                let l = &s.lines[i as usize];
                appraisal_key_into(&mut key, q, &l.cadre_id);
                value.clear();
                encode_grade(&mut value, l.grade);
                t.insert(key.as_slice(), value.as_slice())?;
            }
            drop(t);

            append_audit(txn, &audit)
        })
    }

    async fn ledger(&self, q: Quarter) -> Result<Vec<LedgerEntry>> {
        self.read(move |txn| {
            let t = txn.open_table(LEDGER)?;
            let mut out = Vec::new();
            let mut last_id = None;
            for row in prefix_range(&t, &quarter_key(q))? {
                let (k, v) = row?;
                out.push(decode_entry(k.value(), v.value(), &mut last_id)?);
            }
            Ok(out)
        })
        .await
    }

    async fn appraisals(&self, cadre: Option<&CadreId>, before: Quarter) -> Result<Vec<Appraisal>> {
        let cadre = cadre.cloned();
        self.read(move |txn| {
            let t = txn.open_table(APPRAISALS)?;
            let mut out = Vec::new();
            match cadre {
                Some(c) => {
                    for q in key_quarters(&txn.open_table(HEADERS)?)? {
                        if q >= before {
                            break;
                        }
                        let key = appraisal_key(q, &c);
                        if let Some(v) = t.get(key.as_slice())? {
                            out.push(decode_appraisal(&key, v.value())?);
                        }
                    }
                }
                None => {
                    let to = quarter_key(before);
                    for row in t.range::<&[u8]>(..to.as_slice())? {
                        let (k, v) = row?;
                        out.push(decode_appraisal(k.value(), v.value())?);
                    }
                    out.sort_by(|a, b| (&a.cadre_id, a.quarter).cmp(&(&b.cadre_id, b.quarter)));
                }
            }
            Ok(out)
        })
        .await
    }

    async fn audit_log(&self) -> Result<Vec<AuditRecord>> {
        self.read(|txn| {
            let t = txn.open_table(AUDIT)?;
            let mut out = Vec::new();
            for row in t.iter()? {
                out.push(decode_audit(row?.1.value())?);
            }
            Ok(out)
        })
        .await
    }

    async fn append_entries(&self, entries: &[LedgerEntry], audit: &AuditRecord) -> Result<()> {
        let rows = EntryRows::outside_settlement(entries)?;
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            rows.insert(txn)?;
            append_audit(txn, &audit)
        })
        .await
    }

    async fn events_by_id(&self, ids: &[EventId]) -> Result<Vec<Stored<Event>>> {
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        self.read(move |txn| payments::events_by_id(txn, &ids))
            .await
    }

    async fn import_awards(
        &self,
        awards: &[Award],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        self.import_payments(awards, entries, audit).await
    }

    async fn awards(&self) -> Result<Vec<Stored<Award>>> {
        self.read(payments::stored::<Award>).await
    }

    async fn import_condolences(
        &self,
        condolences: &[Condolence],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        self.import_payments(condolences, entries, audit).await
    }

    async fn condolences(&self) -> Result<Vec<Stored<Condolence>>> {
        self.read(payments::stored::<Condolence>).await
    }

    async fn withdraw(
        &self,
        target: &WithdrawTarget,
        mark: &Withdrawal,
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<bool> {
        let rows = EntryRows::outside_settlement(entries)?;
        let (target, mark, audit) = (
            target.clone(),
            value(|b| encode_withdrawal(b, mark)),
            encoded_audit(audit),
        );
        self.write_if(move |txn| {
            if !payments::withdraw(txn, &target, &mark, &rows)? {
                return Ok((false, false));
            }
            append_audit(txn, &audit)?;
            Ok((true, true))
        })
        .await
    }

    async fn import_inspections(
        &self,
        records: &[Inspection],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        let records = records.to_vec();
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            let r = archive::import_inspections(txn, &records)?;
            append_audit(txn, &audit)?;
            Ok(r)
        })
        .await
    }

    async fn inspections(&self) -> Result<Vec<Inspection>> {
        self.read(archive::inspections).await
    }

    async fn import_health(
        &self,
        records: &[HealthRecord],
        audit: &AuditRecord,
    ) -> Result<RosterImport> {
        let records = records.to_vec();
        let audit = encoded_audit(audit);
        self.write(move |txn| {
            let r = archive::import_health(txn, &records)?;
            append_audit(txn, &audit)?;
            Ok(r)
        })
        .await
    }

    async fn health_records(&self) -> Result<Vec<HealthRecord>> {
        self.read(archive::health_records).await
    }

    async fn roster_history(&self, cadre: &CadreId) -> Result<Vec<RosterVersion>> {
        let cadre = cadre.clone();
        self.read(move |txn| archive::roster_history(txn, &cadre))
            .await
    }

    async fn record_audit(&self, audit: &AuditRecord) -> Result<()> {
        let audit = encoded_audit(audit);
        self.write(move |txn| append_audit(txn, &audit)).await
    }
}
