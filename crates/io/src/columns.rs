//! The column names of every CSV file kaohe reads or writes (SPEC 5.1, 5.3, 5.4): the one
//! place they are spelled.

pub use crate::read::{EVENTS_COLUMNS, ROSTER_COLUMNS, SCORES_COLUMNS};

/// The settlement report (SPEC 5.3), in this order.
pub const REPORT_COLUMNS: [&str; 21] = [
    "quarter",
    "cadre_id",
    "name",
    "town",
    "village",
    "sequence",
    "base_score",
    "bonus",
    "deduction",
    "total",
    "rank",
    "group_size",
    "quota",
    "grade",
    "standard",
    "base_paid",
    "performance_standard",
    "adjustment",
    "performance_paid",
    "total_paid",
    "flags",
];

/// The ledger (SPEC 5.4), in this order.
pub const LEDGER_COLUMNS: [&str; 8] = [
    "quarter", "revision", "entry", "cadre_id", "kind", "month", "amount", "article",
];

/// Columns of `kaohe audit --format csv`.
pub const AUDIT_COLUMNS: [&str; 4] = ["time", "user", "command", "files"];
