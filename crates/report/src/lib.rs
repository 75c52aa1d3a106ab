//! The writers: machine formats of SPEC 5.3 and 5.4 (csv, json) and formats for people
//! (terminal table, html, xlsx). Report writers put the lines in SPEC 5.3 order themselves
//! ([`crate::summary::in_report_order`]); ledger writers order entries by quarter and entry.

mod archive;
mod commend;
mod csv;
mod html;
mod json;
pub(crate) mod svg;
mod table;
mod template;
mod xlsx;

pub use self::csv::{write_ledger_csv, write_report_csv};
pub use html::write_report_html;
pub use json::{write_ledger_json, write_report_json};
pub use table::{write_ledger_table, write_report_table, write_summary_table};
pub(crate) use template::is_template_note;
pub use template::{Template, template_xlsx_bytes};
pub use xlsx::{report_xlsx_bytes, write_ledger_xlsx, write_report_xlsx};

pub use self::csv::write_audit_csv;
pub use archive::{
    ArchiveAppraisal, ArchiveEvent, ArchiveView, FieldChange, RosterChange, SectionSubtotal,
    archive_json, cadre_changes, write_archive_html, write_archive_json, write_archive_table,
    write_health_due_table,
};
pub use commend::{
    COMMEND_COLUMNS, COMMEND_VILLAGE_COLUMNS, CommendList, CommendRow, VillageRow,
    write_commend_csv, write_commend_html, write_commend_table,
};
pub use json::write_audit_json;
pub use table::write_audit_table;

use kaohe_domain::LedgerEntry;

/// One record of the audit log as `kaohe audit` shows it (Art.15's archives are kept with a
/// trail of who changed them): every command that wrote to the store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    /// UTC, RFC 3339 (`2026-07-01T08:30:00Z`).
    pub time: String,
    /// The operating-system user.
    pub user: String,
    /// The command line, passwords removed.
    pub command: String,
    /// The files read, `path=sha256`, joined by `;` (empty when none).
    pub files: String,
}

/// A text field as a spreadsheet must not run it: one that starts like a formula (`=`, `+`,
/// `-`, `@`, or a tab or CR before one) gets a leading `'`. The audit log holds what users
/// typed, which no import checked, so it is guarded on the way out.
pub(crate) fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    let first = s.chars().next();
    if first.is_some_and(|c| kaohe_domain::FORMULA_STARTS.contains(&c) || c == '\t' || c == '\r') {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Ledger entries by (quarter, entry): the ledger's natural order (SPEC 5.4).
pub(crate) fn ledger_order(entries: &[LedgerEntry]) -> Vec<&LedgerEntry> {
    let mut v: Vec<&LedgerEntry> = entries.iter().collect();
    v.sort_by_key(|e| (e.quarter, e.entry));
    v
}
