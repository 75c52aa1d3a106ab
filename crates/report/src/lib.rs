//! The writing half of kaohe's file formats: the settlement report and the ledger for machines
//! (csv, json) and for people (terminal table, html, xlsx), the commendation list, the work
//! archive, the audit log, and [`summary`], the aggregates they share. The reading half is
//! `kaohe-io`; as grep-printer stands without grep-searcher, this crate depends on neither
//! `kaohe-io` nor the engine nor any store: it takes domain values (and the plain views of this
//! crate, [`ArchiveView`], [`CommendList`]) and writes bytes.
//!
//! Design decisions:
//! - **Exact numbers out.** Money and scores are written from the domain's exact decimals with
//!   two decimals (csv, json strings). The xlsx number cell is the single place an amount
//!   becomes a float, by parsing its text, with no arithmetic after (see `xlsx`).
//! - **Ordered by the writer.** Report writers put the lines in the report's order themselves
//!   ([`summary::in_report_order`]); ledger writers order entries by quarter and entry.
//! - **Aggregates are pure.** [`summary`] computes totals per town and grade and the quota use
//!   per group from the lines alone; the html and xlsx reports and the command line share it.
//! - **Pages stand alone.** The html pages have inline CSS and inline SVG charts (`svg`,
//!   integer geometry from exact figures, data labels the figures the tables print), no
//!   script and no outside asset; they open offline and print on A4.
//! - **Nothing a spreadsheet would run.** Text a user typed that no import checked (the audit
//!   log) is made inert on the way out.
//! - **Shared names live lower.** The report's and the ledger's column names are the domain's
//!   (`kaohe_domain::REPORT_COLUMNS`), since `kaohe-io` reads a report back with them; the
//!   Chinese headings ([`REPORT_HEADINGS_ZH`]) and [`display_width`] are only ever written, so
//!   they are here.
//!
//! # Example
//!
//! A ledger entry written as csv, with the ledger's columns and two decimals:
//!
//! ```
//! use kaohe_domain::{CadreId, EntryKind, LedgerEntry, Money, Quarter};
//!
//! let entry = LedgerEntry {
//!     quarter: Quarter::parse("2026Q3").unwrap(),
//!     revision: 1,
//!     entry: 1,
//!     cadre_id: CadreId::parse("T01V01-01").unwrap(),
//!     kind: EntryKind::Performance,
//!     month: None,
//!     amount: Money::parse("3374.58").unwrap(),
//! };
//! let mut out = Vec::new();
//! kaohe_report::write_ledger_csv(&mut out, &[entry]).unwrap();
//! let text = String::from_utf8(out).unwrap();
//! assert_eq!(
//!     text,
//!     "quarter,revision,entry,cadre_id,kind,month,amount,article\n\
//!      2026Q3,1,1,T01V01-01,performance,,3374.58,Art.11\n"
//! );
//! ```

mod archive;
mod columns;
mod commend;
mod csv;
mod error;
mod html;
mod json;
pub mod summary;
mod svg;
mod table;
mod width;
mod xlsx;
mod zh;

pub use self::csv::{ReportCsv, write_audit_csv, write_ledger_csv, write_report_csv};
pub use archive::{
    ArchiveAppraisal, ArchiveEvent, ArchiveView, FieldChange, RosterChange, SectionSubtotal,
    archive_json, cadre_changes, write_archive_html, write_archive_json, write_archive_table,
    write_health_due_table,
};
pub use columns::{AUDIT_COLUMNS, LEDGER_COLUMNS, REPORT_COLUMNS};
pub use commend::{
    COMMEND_COLUMNS, COMMEND_VILLAGE_COLUMNS, CommendList, CommendRow, VillageRow,
    write_commend_csv, write_commend_html, write_commend_table,
};
pub use error::WriteError;
pub use html::write_report_html;
pub use json::{write_audit_json, write_ledger_json, write_report_json};
pub use summary::ReportNotes;
pub use table::{write_audit_table, write_ledger_table, write_report_table, write_summary_table};
pub use width::{char_width, display_width};
pub use xlsx::{report_xlsx_bytes, write_ledger_xlsx, write_report_xlsx};
pub use zh::{LEDGER_HEADINGS as LEDGER_HEADINGS_ZH, REPORT_HEADINGS as REPORT_HEADINGS_ZH};

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

/// Ledger entries by (quarter, entry): the ledger's natural order (docs/reference.md, ledger).
pub(crate) fn ledger_order(entries: &[LedgerEntry]) -> Vec<&LedgerEntry> {
    let mut v: Vec<&LedgerEntry> = entries.iter().collect();
    v.sort_by_key(|e| (e.quarter, e.entry));
    v
}
