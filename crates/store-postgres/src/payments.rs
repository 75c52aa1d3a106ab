//! Writes and reads outside the quarterly settlement: revision-0 ledger entries (monthly
//! payroll, Art.11), awards (Art.12, Art.13), condolence payments (Art.16) and withdrawal
//! marks; and the ledger append that settlements share with them.
//!
//! **Ledger writers of a quarter take turns.** Every write that appends entries takes the
//! transaction-scoped advisory lock `ledger:<quarter>` of each quarter it touches (ascending,
//! after any record lock such as `awards` or `settlement:<quarter>`, so that no two writers
//! wait for each other in a circle), then looks for entry numbers already stored. The second
//! of two racing payrolls of one month therefore finds the first one's entries and is refused
//! with [`StoreError::Conflict`] before it writes a row; the `(quarter, entry)` primary key
//! stays as the database's own guard.

use std::collections::BTreeMap;
use std::convert::Infallible;

use kaohe_domain::{
    Award, AwardId, AwardKind, CadreId, Cause, Condolence, CondolenceId, Date, Event, EventId,
    LedgerEntry, Quarter, Stored, Subject, Withdrawal,
};
use kaohe_store::shared::{
    ById, Compared, check_outside_settlement, entries_for_stored, entry_taken, entry_twice,
};
use kaohe_store::{AuditRecord, RecordImport, Result, StoreError, WithdrawTarget};
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Row};

use crate::{
    EVENT_COLUMNS, PgStore, Tx, bad, commit, copy, error, event_of, insert_audit, lock, money,
    parsed, stored_by_id, text,
};

/// Most refusals listed in one message.
const MAX_LISTED: usize = 20;

/// Appends `entries` to the ledger in `tx`: takes the quarters' ledger locks, refuses an entry
/// number given twice ([`StoreError::Rejected`]) or already stored ([`StoreError::Conflict`]),
/// and COPies the rows. On an error the caller drops `tx`: nothing is written.
pub(crate) async fn append_ledger(tx: &mut Tx, entries: &[LedgerEntry], what: &str) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut numbers: BTreeMap<Quarter, Vec<u32>> = BTreeMap::new();
    for e in entries {
        numbers.entry(e.quarter).or_default().push(e.entry);
    }
    for q in numbers.keys() {
        lock(tx, &format!("ledger:{q}"), what).await?;
    }
    for (q, nums) in &mut numbers {
        nums.sort_unstable();
        if let Some(w) = nums.windows(2).find(|w| w[0] == w[1]) {
            return Err(entry_twice(q, w[0]));
        }
        // The stored entries within the range of the new numbers: normally none, as a writer
        // numbers its entries after the quarter's last one.
        let (lo, hi) = (nums[0], nums[nums.len() - 1]);
        let stored: Vec<i64> = sqlx::query_scalar(
            "SELECT entry FROM ledger WHERE quarter = $1 AND entry BETWEEN $2 AND $3
             ORDER BY entry",
        )
        .bind(q.to_string())
        .bind(i64::from(lo))
        .bind(i64::from(hi))
        .fetch_all(&mut **tx)
        .await
        .map_err(|e| error::map(what, e))?;
        if let Some(n) = stored
            .iter()
            .filter_map(|&n| u32::try_from(n).ok())
            .find(|n| nums.binary_search(n).is_ok())
        {
            return Err(entry_taken(q, n));
        }
    }
    copy::copy_in(
        tx,
        what,
        "COPY ledger (quarter, entry, revision, cadre_id, kind, month, amount, article) \
         FROM STDIN",
        entries,
        |w, e| {
            w.plain(e.quarter)
                .plain(e.entry)
                .plain(e.revision)
                .text(e.cadre_id.as_str())
                .plain(e.kind.as_str())
                .opt_plain(e.month)
                .plain(e.amount.to_decimal())
                .plain(e.article())
                .end();
        },
    )
    .await?;
    Ok(())
}

/// A record kept by id and never replaced, paid by one revision-0 entry: its table and how its
/// rows are read and written.
trait Payment: Sized + ById {
    /// The advisory lock its imports and withdrawals take.
    const LOCK: &'static str;
    /// `SELECT … FROM <table> r LEFT JOIN <withdrawals> w …`: every column with the mark as
    /// `withdrawn_reason`, `withdrawn_at_unix`.
    const SELECT: &'static str;
    /// The id column, e.g. `award_id`.
    const ID: &'static str;
    /// The COPY of new records.
    const COPY: &'static str;
    fn of_row(row: &PgRow) -> Result<Self, sqlx::Error>;
    fn write(&self, w: &mut copy::Row<'_>);
}

impl Payment for Award {
    const LOCK: &'static str = "awards";
    const SELECT: &'static str = "SELECT r.award_id, to_char(r.date, 'YYYY-MM-DD') AS date, \
         r.payee, r.kind, r.amount, r.reason, \
         w.reason AS withdrawn_reason, w.withdrawn_at_unix \
         FROM awards r LEFT JOIN award_withdrawals w ON w.award_id = r.award_id";
    const ID: &'static str = "award_id";
    const COPY: &'static str =
        "COPY awards (award_id, date, payee, kind, amount, reason) FROM STDIN";
    fn of_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        let kind = text(row, "kind")?;
        Ok(Award {
            id: parsed(row, "award_id", AwardId::parse)?,
            date: parsed(row, "date", Date::parse)?,
            payee: parsed(row, "payee", Subject::parse)?,
            kind: AwardKind::parse(kind).ok_or_else(|| bad(format!("award kind `{kind}`")))?,
            amount: money(row, "amount")?,
            reason: text(row, "reason")?.to_owned(),
        })
    }
    fn write(&self, w: &mut copy::Row<'_>) {
        w.text(self.id.as_str())
            .plain(self.date)
            .text(self.payee.as_str())
            .plain(self.kind.as_str())
            .plain(self.amount.to_decimal())
            .text(&self.reason)
            .end();
    }
}

impl Payment for Condolence {
    const LOCK: &'static str = "condolences";
    const SELECT: &'static str = "SELECT r.condolence_id, to_char(r.date, 'YYYY-MM-DD') AS date, \
         r.cadre_id, r.cause, r.recipient, r.amount, r.note, \
         w.reason AS withdrawn_reason, w.withdrawn_at_unix \
         FROM condolences r \
         LEFT JOIN condolence_withdrawals w ON w.condolence_id = r.condolence_id";
    const ID: &'static str = "condolence_id";
    const COPY: &'static str = "COPY condolences (condolence_id, date, cadre_id, cause, \
         recipient, amount, note) FROM STDIN";
    fn of_row(row: &PgRow) -> Result<Self, sqlx::Error> {
        let cause = text(row, "cause")?;
        Ok(Condolence {
            id: parsed(row, "condolence_id", CondolenceId::parse)?,
            date: parsed(row, "date", Date::parse)?,
            cadre_id: parsed(row, "cadre_id", CadreId::parse)?,
            cause: Cause::parse(cause).ok_or_else(|| bad(format!("cause `{cause}`")))?,
            recipient: text(row, "recipient")?.to_owned(),
            amount: money(row, "amount")?,
            note: text(row, "note")?.to_owned(),
        })
    }
    fn write(&self, w: &mut copy::Row<'_>) {
        w.text(self.id.as_str())
            .plain(self.date)
            .text(self.cadre_id.as_str())
            .plain(self.cause.as_str())
            .text(&self.recipient)
            .plain(self.amount.to_decimal())
            .text(&self.note)
            .end();
    }
}

/// The withdrawal mark of a row with `withdrawn_reason` and `withdrawn_at_unix` (NULL when the
/// record stands).
fn mark_of(row: &PgRow) -> Result<Option<Withdrawal>, sqlx::Error> {
    let reason: Option<String> = row.try_get("withdrawn_reason")?;
    let at: Option<i64> = row.try_get("withdrawn_at_unix")?;
    Ok(match (reason, at) {
        (Some(reason), Some(at_unix)) => Some(Withdrawal { reason, at_unix }),
        _ => None,
    })
}

fn stored_of<T: Payment>(row: &PgRow) -> Result<Stored<T>, sqlx::Error> {
    Ok(Stored {
        record: T::of_row(row)?,
        withdrawn: mark_of(row)?,
    })
}

/// Every record of `T` with its mark, by id.
async fn all<T: Payment + Send + Unpin + 'static>(store: &PgStore) -> Result<Vec<Stored<T>>> {
    sqlx::query(AssertSqlSafe(format!("{} ORDER BY r.{}", T::SELECT, T::ID)))
        .try_map(|row: PgRow| stored_of::<T>(&row))
        .fetch_all(&store.pool)
        .await
        .map_err(|e| error::map(&format!("read {}s", T::WHAT), e))
}

/// Adds the records not stored yet with the entries that pay them, in one transaction.
async fn import<T: Payment + Send + Sync + Unpin + 'static>(
    store: &PgStore,
    records: &[T],
    entries: &[LedgerEntry],
    audit: &AuditRecord,
) -> Result<RecordImport> {
    let what = format!("import {}s", T::WHAT);
    let what = what.as_str();
    check_outside_settlement(entries)?;
    let compared = Compared::distinct(records);

    let mut tx = store.begin(what).await?;
    // Two imports of the same new id must not both find it absent.
    lock(&mut tx, T::LOCK, what).await?;
    let ids: Vec<&str> = compared.new.iter().map(|rec| rec.id()).collect();
    let stored = stored_by_id(
        &mut tx,
        format!("{} WHERE r.{} = ANY($1)", T::SELECT, T::ID),
        &ids,
        T::of_row,
        |rec: &T| rec.id(),
        what,
    )
    .await?;
    let Ok(compared) = compared.against(|rec| Ok::<_, Infallible>(stored.get(rec.id())));
    // On a refusal, dropping `tx` rolls back: nothing of this import is written.
    let (new, r) = compared.outcome(MAX_LISTED)?;
    // A taken entry number first: a racing import of the same records gets a Conflict.
    append_ledger(&mut tx, entries, what).await?;
    if entries.len() as u64 != r.added {
        return Err(entries_for_stored(T::WHAT, entries.len(), r.added));
    }
    copy::copy_in(&mut tx, what, T::COPY, new, |w, rec| rec.write(w)).await?;
    insert_audit(&mut tx, audit, what).await?;
    commit(tx, what).await?;
    Ok(r)
}

impl PgStore {
    pub(crate) async fn do_append_entries(
        &self,
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<()> {
        let what = "append ledger entries";
        check_outside_settlement(entries)?;
        let mut tx = self.begin(what).await?;
        append_ledger(&mut tx, entries, what).await?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await
    }

    pub(crate) async fn do_events_by_id(&self, ids: &[EventId]) -> Result<Vec<Stored<Event>>> {
        let ids: Vec<&str> = ids.iter().map(EventId::as_str).collect();
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS}, w.reason AS withdrawn_reason, w.withdrawn_at_unix
             FROM events LEFT JOIN event_withdrawals w USING (event_id)
             WHERE event_id = ANY($1) ORDER BY event_id"
        )))
        .bind(&ids)
        .try_map(|row: PgRow| {
            Ok(Stored {
                record: event_of(&row)?,
                withdrawn: mark_of(&row)?,
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read events by id", e))
    }

    pub(crate) async fn do_import_awards(
        &self,
        awards: &[Award],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        import(self, awards, entries, audit).await
    }

    pub(crate) async fn do_awards(&self) -> Result<Vec<Stored<Award>>> {
        all(self).await
    }

    pub(crate) async fn do_import_condolences(
        &self,
        condolences: &[Condolence],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        import(self, condolences, entries, audit).await
    }

    pub(crate) async fn do_condolences(&self) -> Result<Vec<Stored<Condolence>>> {
        all(self).await
    }

    pub(crate) async fn do_withdraw(
        &self,
        target: &WithdrawTarget,
        mark: &Withdrawal,
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<bool> {
        // (lock, record table, mark table, id column, id, what, import command)
        let (lock_name, records, marks, column, id, whose, import) = match target {
            WithdrawTarget::Event(id) => (
                "events",
                "events",
                "event_withdrawals",
                "event_id",
                id.as_str(),
                "event",
                "events",
            ),
            WithdrawTarget::Award(id) => (
                Award::LOCK,
                "awards",
                "award_withdrawals",
                Award::ID,
                id.as_str(),
                Award::WHAT,
                "awards",
            ),
            WithdrawTarget::Condolence(id) => (
                Condolence::LOCK,
                "condolences",
                "condolence_withdrawals",
                Condolence::ID,
                id.as_str(),
                Condolence::WHAT,
                "condolences",
            ),
        };
        let what = format!("withdraw {whose} `{id}`");
        let what = what.as_str();
        check_outside_settlement(entries)?;
        let mut tx = self.begin(what).await?;
        lock(&mut tx, lock_name, what).await?;
        // The names above are constants of this crate: safe to write into the statement.
        let (exists, withdrawn): (bool, bool) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT 1 FROM {records} WHERE {column} = $1),
                    EXISTS (SELECT 1 FROM {marks} WHERE {column} = $1)"
        )))
        .bind(id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        if !exists {
            return Err(StoreError::Rejected(format!(
                "no {whose} `{id}` is stored, so none can be withdrawn (`kaohe import {import}` \
                 records them); nothing was written"
            )));
        }
        if withdrawn {
            // Dropping `tx` rolls back the nothing it did.
            return Ok(false);
        }
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {marks} ({column}, reason, withdrawn_at_unix) VALUES ($1, $2, $3)"
        )))
        .bind(id)
        .bind(&mark.reason)
        .bind(mark.at_unix)
        .execute(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        append_ledger(&mut tx, entries, what).await?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await?;
        Ok(true)
    }
}
