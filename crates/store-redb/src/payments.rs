//! Writes and reads outside the quarterly settlement: revision-0 ledger entries (monthly
//! payroll, Art.11), awards (Art.12, Art.13), condolence payments (Art.16), and the withdrawal
//! marks of events, awards and condolences.
//!
//! Records are kept by id and never replaced; a withdrawal is a mark in a table of its own
//! (`… id → reason, time`), so a record's bytes never change once written. Every write is one
//! transaction with its ledger entries and audit record; a refused write aborts it.

use kaohe_domain::{Award, Condolence, Event, EventId, LedgerEntry, Stored, Withdrawal};
use kaohe_store::shared::{
    ById, check_outside_settlement, entries_for_stored, entry_taken, entry_twice,
};
use kaohe_store::{RecordImport, StoreError, WithdrawTarget};
use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};

use crate::codec::*;
use crate::{
    AWARD_WITHDRAWALS, AWARDS, Bytes, CONDOLENCE_WITHDRAWALS, CONDOLENCES, EVENT_IDS,
    EVENT_WITHDRAWALS, EVENTS, Fail, LEDGER, Rows, compare_by_id, rejected,
};

type Table = TableDefinition<'static, Bytes, Bytes>;

/// Ledger rows ready to insert: keyed by (quarter, entry), sorted, each number once.
pub(crate) struct EntryRows(Rows<[u8; 6]>);

impl EntryRows {
    /// Encodes `entries` (of any revision: the caller checks that), refusing an article that
    /// is no ledger kind's and an entry number given twice ([`StoreError::Rejected`]).
    pub(crate) fn new(entries: &[LedgerEntry]) -> Result<EntryRows, StoreError> {
        let mut rows = Rows::with_capacity(entries.len(), entries.len() * 24);
        for e in entries {
            let article = entry_article(e)?;
            rows.push(ledger_key(e.quarter, e.entry), |b| {
                encode_entry(b, e, article)
            });
        }
        rows.sort();
        if let Some(w) = rows.index.windows(2).find(|w| w[0].0 == w[1].0) {
            let (q, n) = decode_header_key(&w[0].0)?;
            return Err(entry_twice(q, n));
        }
        Ok(EntryRows(rows))
    }

    /// Entries written outside a settlement: revision 0 each ([`StoreError::Rejected`]
    /// otherwise).
    pub(crate) fn outside_settlement(entries: &[LedgerEntry]) -> Result<EntryRows, StoreError> {
        check_outside_settlement(entries)?;
        EntryRows::new(entries)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.index.len()
    }

    /// Appends the rows to the ledger; an entry number already stored is
    /// [`StoreError::Conflict`] (the caller's transaction is then aborted: nothing is written).
    pub(crate) fn insert(&self, txn: &WriteTransaction) -> Result<(), Fail> {
        let mut t = txn.open_table(LEDGER)?;
        for (k, v) in self.0.iter() {
            if t.insert(k, v)?.is_some() {
                let (q, n) = decode_header_key(k)?;
                return Err(entry_taken(q, n).into());
            }
        }
        Ok(())
    }
}

/// A settlement's ledger entries, checked as [`EntryRows::new`] checks them, in key order
/// without a copy: each is encoded only as it is inserted, so a national quarter's millions of
/// entries are not held twice.
pub(crate) struct EntryOrder<'e> {
    entries: &'e [LedgerEntry],
    /// Positions in `entries` by entry number, when they do not come so (every number once).
    sorted: Option<Vec<u32>>,
}

impl<'e> EntryOrder<'e> {
    /// Refuses an article that is no ledger kind's and an entry number given twice
    /// ([`StoreError::Rejected`]), as [`EntryRows::new`] does; `entries` are of one quarter
    /// (the caller checks that), so their keys sort by entry number.
    pub(crate) fn new(entries: &'e [LedgerEntry]) -> Result<EntryOrder<'e>, StoreError> {
        for e in entries {
            entry_article(e)?;
        }
        // A settlement's entries come numbered in order: then they are not sorted again.
        if entries.windows(2).all(|w| w[0].entry < w[1].entry) {
            return Ok(EntryOrder {
                entries,
                sorted: None,
            });
        }
        let count = u32::try_from(entries.len())
            .map_err(|_| StoreError::Rejected("too many ledger entries in one write".into()))?;
        let mut order: Vec<u32> = (0..count).collect();
        order.sort_unstable_by_key(|&i| entries[i as usize].entry);
        if let Some(w) = order
            .windows(2)
            .find(|w| entries[w[0] as usize].entry == entries[w[1] as usize].entry)
        {
            let e = &entries[w[0] as usize];
            return Err(entry_twice(e.quarter, e.entry));
        }
        Ok(EntryOrder {
            entries,
            sorted: Some(order),
        })
    }

    /// Appends the entries to the ledger, as [`EntryRows::insert`] does.
    pub(crate) fn insert(&self, txn: &WriteTransaction) -> Result<(), Fail> {
        let mut t = txn.open_table(LEDGER)?;
        let mut value = Vec::with_capacity(64);
        let mut put = |e: &LedgerEntry| -> Result<(), Fail> {
            value.clear();
            encode_entry(&mut value, e, entry_article(e)?);
            let key = ledger_key(e.quarter, e.entry);
            if t.insert(key.as_slice(), value.as_slice())?.is_some() {
                return Err(entry_taken(e.quarter, e.entry).into());
            }
            Ok(())
        };
        match &self.sorted {
            None => self.entries.iter().try_for_each(&mut put),
            Some(order) => order
                .iter()
                .try_for_each(|&i| put(&self.entries[i as usize])),
        }
    }
}

/// The stored code of `e`'s article; an article that is no ledger kind's is refused.
fn entry_article(e: &LedgerEntry) -> Result<u8, StoreError> {
    article_code(e.article()).ok_or_else(|| {
        StoreError::Rejected(format!(
            "ledger entry {} of {} names `{}`, which is not the article of any ledger entry kind",
            e.entry,
            e.quarter,
            e.article()
        ))
    })
}

/// A record kept by id and never replaced, paid by one revision-0 ledger entry.
pub(crate) trait Payment: Clone + ById + Send + Sync + 'static {
    /// id → record.
    const TABLE: Table;
    /// id → withdrawal mark.
    const WITHDRAWN: Table;
    fn encode(&self, buf: &mut Vec<u8>);
    fn decode(k: &[u8], v: &[u8]) -> Result<Self, StoreError>;
}

impl Payment for Award {
    const TABLE: Table = AWARDS;
    const WITHDRAWN: Table = AWARD_WITHDRAWALS;
    fn encode(&self, buf: &mut Vec<u8>) {
        encode_award(buf, self)
    }
    fn decode(k: &[u8], v: &[u8]) -> Result<Self, StoreError> {
        decode_award(k, v)
    }
}

impl Payment for Condolence {
    const TABLE: Table = CONDOLENCES;
    const WITHDRAWN: Table = CONDOLENCE_WITHDRAWALS;
    fn encode(&self, buf: &mut Vec<u8>) {
        encode_condolence(buf, self)
    }
    fn decode(k: &[u8], v: &[u8]) -> Result<Self, StoreError> {
        decode_condolence(k, v)
    }
}

/// Stores the records not stored yet and appends `entries` (which pay exactly those), in the
/// caller's transaction; ids stored with the same content are counted unchanged.
pub(crate) fn import<T: Payment>(
    txn: &WriteTransaction,
    records: &[T],
    entries: &EntryRows,
) -> Result<RecordImport, Fail> {
    let mut t = txn.open_table(T::TABLE)?;
    let (fresh, r) = compare_by_id(&t, records, T::decode, |b, rec| rec.encode(b))?;
    // A taken entry number first: a racing import of the same records gets a Conflict.
    entries.insert(txn)?;
    if entries.len() as u64 != r.added {
        return Err(entries_for_stored(T::WHAT, entries.len(), r.added).into());
    }
    for (k, v) in fresh.iter() {
        t.insert(k, v)?;
    }
    Ok(r)
}

/// Every record of `T` with its mark, by id.
pub(crate) fn stored<T: Payment>(txn: &ReadTransaction) -> Result<Vec<Stored<T>>, Fail> {
    let t = txn.open_table(T::TABLE)?;
    let w = txn.open_table(T::WITHDRAWN)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        let withdrawn = match w.get(k.value())? {
            Some(m) => Some(decode_withdrawal(m.value())?),
            None => None,
        };
        out.push(Stored {
            record: T::decode(k.value(), v.value())?,
            withdrawn,
        });
    }
    Ok(out)
}

/// The withdrawal mark of the event `id`, if it is withdrawn.
pub(crate) fn event_withdrawal<T: ReadableTable<Bytes, Bytes>>(
    withdrawn: &T,
    id: &[u8],
) -> Result<Option<Withdrawal>, Fail> {
    match withdrawn.get(id)? {
        Some(m) => Ok(Some(decode_withdrawal(m.value())?)),
        None => Ok(None),
    }
}

/// The stored events with these ids (sorted, each once), withdrawn or not.
pub(crate) fn events_by_id(
    txn: &ReadTransaction,
    ids: &[EventId],
) -> Result<Vec<Stored<Event>>, Fail> {
    let index = txn.open_table(EVENT_IDS)?;
    let dated = txn.open_table(EVENTS)?;
    let withdrawn = txn.open_table(EVENT_WITHDRAWALS)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let key = id.as_str().as_bytes();
        let Some(date) = index.get(key)? else {
            continue;
        };
        let k = event_date_key(decode_event_date(date.value())?, id);
        let record = match dated.get(k.as_slice())? {
            Some(v) => decode_event(&k, v.value())?,
            None => {
                return Err(
                    StoreError::Corrupt(format!("event `{id}` is indexed but missing")).into(),
                );
            }
        };
        out.push(Stored {
            record,
            withdrawn: event_withdrawal(&withdrawn, key)?,
        });
    }
    Ok(out)
}

/// Marks `target` withdrawn and appends `entries`, in the caller's transaction. `Ok(false)`
/// when it is withdrawn already (the caller then writes nothing).
pub(crate) fn withdraw(
    txn: &WriteTransaction,
    target: &WithdrawTarget,
    mark: &[u8],
    entries: &EntryRows,
) -> Result<bool, Fail> {
    let (records, marks, what, id, import) = match target {
        WithdrawTarget::Event(id) => (EVENT_IDS, EVENT_WITHDRAWALS, "event", id.as_str(), "events"),
        WithdrawTarget::Award(id) => (AWARDS, AWARD_WITHDRAWALS, "award", id.as_str(), "awards"),
        WithdrawTarget::Condolence(id) => (
            CONDOLENCES,
            CONDOLENCE_WITHDRAWALS,
            "condolence payment",
            id.as_str(),
            "condolences",
        ),
    };
    if txn.open_table(records)?.get(id.as_bytes())?.is_none() {
        return Err(rejected(format!(
            "no {what} `{id}` is stored, so none can be withdrawn (`kaohe import {import}` \
             records them); nothing was written"
        )));
    }
    let mut t = txn.open_table(marks)?;
    if t.get(id.as_bytes())?.is_some() {
        return Ok(false);
    }
    t.insert(id.as_bytes(), mark)?;
    drop(t);
    entries.insert(txn)?;
    Ok(true)
}
