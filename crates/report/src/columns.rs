//! The column names of the files kaohe-report writes: the report's and the ledger's are the
//! domain's (kaohe-io reads a report back with the same names); the audit log's are its own.

pub use kaohe_domain::{LEDGER_COLUMNS, REPORT_COLUMNS};

/// Columns of `kaohe audit --format csv`.
pub const AUDIT_COLUMNS: [&str; 4] = ["time", "user", "command", "files"];
