//! What the archives of Art.14 and Art.15 keep beside the appraisals: supervision records
//! (Art.14), health check-ups, and the earlier versions of roster rows (the work archive's
//! history).
//!
//! - Supervision records are kept by id and never replaced (`inspection id → record`), like
//!   events: the same content again is a no-op, other content refuses the whole import.
//! - Health records replace by (cadre, date) (`cadre id, 0x00, date → record`), so one cadre's
//!   check-ups are one range, by date.
//! - Roster versions are appended by [`keep_versions`] inside the roster import's own write
//!   transaction (`cadre id, 0x00, sequence → when, file, row`): the sequence counts a cadre's
//!   versions from 1 in the order they were kept.

use kaohe_domain::{Cadre, CadreId, HealthRecord, Inspection, RosterVersion};
use kaohe_store::{RecordImport, RosterImport};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::codec::*;
use crate::{Fail, HEALTH, INSPECTIONS, ROSTER_HISTORY, Rows, compare_by_id, prefix_range};

/// Adds the supervision records (Art.14) not stored yet, in the caller's transaction; ids
/// stored (or given before in this import) with the same content are counted unchanged, and
/// any with other content refuses the import ([`kaohe_store::StoreError::Rejected`]).
pub(crate) fn import_inspections(
    txn: &WriteTransaction,
    records: &[Inspection],
) -> Result<RecordImport, Fail> {
    let mut t = txn.open_table(INSPECTIONS)?;
    let (fresh, r) = compare_by_id(&t, records, decode_inspection, encode_inspection)?;
    for (k, v) in fresh.iter() {
        t.insert(k, v)?;
    }
    Ok(r)
}

/// Every supervision record, by date then id.
pub(crate) fn inspections(txn: &ReadTransaction) -> Result<Vec<Inspection>, Fail> {
    let t = txn.open_table(INSPECTIONS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        out.push(decode_inspection(k.value(), v.value())?);
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// Adds or replaces health records by (cadre, date) in the caller's transaction, counted as
/// if applied one at a time (a key twice: one added, one updated; the last wins).
pub(crate) fn import_health(
    txn: &WriteTransaction,
    records: &[HealthRecord],
) -> Result<RosterImport, Fail> {
    let mut rows = Rows::with_capacity(records.len(), records.len() * 32);
    for h in records {
        rows.push(health_key(&h.cadre_id, h.date), |b| encode_health(b, h));
    }
    // Equal keys stay in input order, so the last one is inserted last and wins.
    rows.sort();
    let mut t = txn.open_table(HEALTH)?;
    let mut r = RosterImport::default();
    for (k, v) in rows.iter() {
        if t.insert(k, v)?.is_some() {
            r.updated += 1;
        } else {
            r.added += 1;
        }
    }
    Ok(r)
}

/// Every health record, by cadre then date (the key order).
pub(crate) fn health_records(txn: &ReadTransaction) -> Result<Vec<HealthRecord>, Fail> {
    let t = txn.open_table(HEALTH)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (k, v) = row?;
        out.push(decode_health(k.value(), v.value())?);
    }
    Ok(out)
}

/// Keeps `old`, the rows a roster import replaced with other content, as versions replaced at
/// `at_unix` by `file` (Art.15 work archive), in the import's own transaction: each after the
/// cadre's last kept version.
pub(crate) fn keep_versions(
    txn: &WriteTransaction,
    old: &[Cadre],
    at_unix: i64,
    file: &str,
) -> Result<(), Fail> {
    if old.is_empty() {
        return Ok(());
    }
    let mut t = txn.open_table(ROSTER_HISTORY)?;
    for c in old {
        let last = match prefix_range(&t, &cadre_prefix(&c.id))?.next_back() {
            Some(row) => decode_history_seq(row?.0.value())?,
            None => 0,
        };
        let key = history_key(&c.id, last + 1);
        let val = value(|b| encode_version(b, c, at_unix, file));
        t.insert(key.as_slice(), val.as_slice())?;
    }
    Ok(())
}

/// The kept versions of `cadre`'s roster row, oldest first: by replacement time, then in the
/// order they were kept.
pub(crate) fn roster_history(
    txn: &ReadTransaction,
    cadre: &CadreId,
) -> Result<Vec<RosterVersion>, Fail> {
    let t = txn.open_table(ROSTER_HISTORY)?;
    let mut out = Vec::new();
    for row in prefix_range(&t, &cadre_prefix(cadre))? {
        let (k, v) = row?;
        out.push(decode_version(k.value(), v.value())?);
    }
    // Stable: versions kept at the same time stay in the order they were kept (the key's).
    out.sort_by_key(|v| v.replaced_at_unix);
    Ok(out)
}
