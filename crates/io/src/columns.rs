//! The column names of every CSV file kaohe-io reads (docs/reference.md): the input files'
//! are spelled by their readers; the report's and the ledger's are the domain's (kaohe-report
//! writes them, `read_report` reads a report back).

pub use crate::read::{EVENTS_COLUMNS, ROSTER_COLUMNS, SCORES_COLUMNS};
pub use kaohe_domain::{LEDGER_COLUMNS, REPORT_COLUMNS};
