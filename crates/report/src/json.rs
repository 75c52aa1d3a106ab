//! `--format json` of the report and the ledger: the same fields as the CSV.
//!
//! An array of objects, one object per line of text, with the CSV's field names in the CSV's
//! order. Scores and money are JSON **strings** with exactly two decimals (`"87.50"`), so no
//! reader turns them into binary floating point on the way in; `rank`, `group_size`, `quota`,
//! `revision` and `entry` are JSON integers; `flags` and `month` are strings as in the CSV
//! (empty when none).

use std::io::Write;

use kaohe_domain::{LedgerEntry, SettlementLine};

use super::ledger_order;
use crate::error::WriteError;
use crate::summary::in_report_order;

fn array<T: serde::Serialize + ?Sized>(
    mut w: impl Write,
    items: impl ExactSizeIterator<Item = impl std::ops::Deref<Target = T>>,
) -> Result<(), WriteError> {
    if items.len() == 0 {
        w.write_all(b"[]\n")?;
        return Ok(w.flush()?);
    }
    w.write_all(b"[\n")?;
    for (i, item) in items.enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut w, &*item)?;
    }
    w.write_all(b"\n]\n")?;
    Ok(w.flush()?)
}

/// Writes the audit log as JSON: objects with the CSV's fields, oldest first.
pub fn write_audit_json(w: impl Write, rows: &[super::AuditRow]) -> Result<(), WriteError> {
    array::<super::AuditRow>(w, rows.iter())
}

/// Writes the settlement report as JSON (see the module notes), in report order.
pub fn write_report_json(w: impl Write, lines: &[SettlementLine]) -> Result<(), WriteError> {
    array::<SettlementLine>(w, in_report_order(lines).into_iter())
}

/// Writes ledger entries as JSON (see the module notes), by quarter and entry.
pub fn write_ledger_json(w: impl Write, entries: &[LedgerEntry]) -> Result<(), WriteError> {
    array::<LedgerEntry>(w, ledger_order(entries).into_iter())
}
