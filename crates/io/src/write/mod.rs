//! The writers: machine formats of SPEC 5.3 and 5.4 (csv, json) and formats for people
//! (terminal table, html, xlsx). Report writers put the lines in SPEC 5.3 order themselves
//! ([`crate::summary::in_report_order`]); ledger writers order entries by quarter and entry.

mod csv;
mod html;
mod json;
mod table;
mod xlsx;

pub use self::csv::{write_ledger_csv, write_report_csv};
pub use html::write_report_html;
pub use json::{write_ledger_json, write_report_json};
pub use table::{write_ledger_table, write_report_table, write_summary_table};
pub use xlsx::{report_xlsx_bytes, write_ledger_xlsx, write_report_xlsx};

use kaohe_domain::LedgerEntry;

/// Ledger entries by (quarter, entry): the ledger's natural order (SPEC 5.4).
pub(crate) fn ledger_order(entries: &[LedgerEntry]) -> Vec<&LedgerEntry> {
    let mut v: Vec<&LedgerEntry> = entries.iter().collect();
    v.sort_by_key(|e| (e.quarter, e.entry));
    v
}
