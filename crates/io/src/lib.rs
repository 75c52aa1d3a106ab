//! The reading half of kaohe's file formats: the CSV (and xlsx) readers of the input files with
//! located errors, and the blank workbooks to fill them in (`kaohe template`). Writing reports,
//! ledgers, lists and archives is `kaohe-report`'s, as grep-searcher and grep-printer are kept
//! apart: neither crate depends on the other, and what both name (the report's and the ledger's
//! columns) is the domain's.
//!
//! **Architecture invariant:** this crate turns bytes into domain values, and nothing else. It
//! computes no score, grade or payment: it does not depend on the engine (`kaohe-settlement`
//! and below), on any store or on `kaohe-report`. Its checks are the ones a file can be held to
//! alone or against the roster and policy it is given ([`Context`]).
//!
//! Design decisions:
//! - **Every problem, located.** A reader checks every row and reports every problem as
//!   `file:line: column `x`: what is wrong` ([`FileErrors`]); a file with any problem yields an
//!   error and nothing of it. Columns are matched by header name in any order; unknown, missing
//!   or doubled columns are errors. A file that is not UTF-8 is refused with the line and column
//!   of each foreign byte and a hint to save it as UTF-8 (GBK is the usual culprit).
//! - **Own tokenizer, exact lines.** The `csv` crate's reader reports the wrong line after a
//!   CRLF or a blank line, so reading uses a small RFC 4180 tokenizer over bytes in memory (the
//!   file, or a block of it; `read::tokenizer`); the `csv` crate still writes.
//! - **Fast scores.** `scores.csv` can be 26 million rows. A large file without quotes is
//!   streamed in blocks on every core; fields are borrowed from the block; items and subjects
//!   are found by their bytes (by an in-order guess, then prebuilt hash tables), and every id
//!   handed out is a clone of one shared `Arc<str>`; duplicates are caught with one bit per
//!   (subject, item). The checks are the same on every path, and a test holds the streamed
//!   reader to the whole-file one.
//! - **Excel workbooks in, through the CSV readers.** An `.xlsx` sheet is turned into CSV text
//!   in memory ([`Input`]), cell by cell without float arithmetic (a number cell as the
//!   shortest decimal of its double, so `0.30000000000000004` is refused and `1406.08` taken
//!   exactly; formula and error cells refused), and read by the same readers; each problem is
//!   then located as `FILE:SHEET!CELL`. `kaohe template` writes the workbooks to fill in
//!   ([`template_xlsx_bytes`]); they stay here because the reader skips their notes row, so
//!   template and reader must agree on it.
//!
//! # Example
//!
//! A roster read from bytes; a bad row is refused with its file, line and column:
//!
//! ```
//! let ok = "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n\
//!           T01V01-01,郝金山,T01,T01V01,正职,党组织书记,2683.15,2021-02-09,\n";
//! let roster = kaohe_io::read_roster_bytes("roster.csv", ok.as_bytes()).expect("a valid roster");
//! assert_eq!(roster.len(), 1);
//! assert_eq!(roster[0].monthly_subsidy.to_string(), "2683.15");
//!
//! let bad = ok.replace("2683.15", "2683.155");
//! let err = kaohe_io::read_roster_bytes("roster.csv", bad.as_bytes()).unwrap_err();
//! let msg = err.to_string();
//! assert!(msg.contains("roster.csv:2") && msg.contains("monthly_subsidy"), "{msg}");
//! ```

mod columns;
mod error;
mod hash;
mod read;
mod write;

pub use columns::{EVENTS_COLUMNS, LEDGER_COLUMNS, REPORT_COLUMNS, ROSTER_COLUMNS, SCORES_COLUMNS};
pub use error::{FileErrors, KEPT_PROBLEMS, PRINTED_PROBLEMS, Problem, ReadError, TemplateError};
pub use read::{
    AWARDS_COLUMNS, CONDOLENCES_COLUMNS, CondolencesRead, Context, HEALTH_COLUMNS,
    INSPECTIONS_COLUMNS, Input, MAX_PAYMENT, UTF8_HINT, appraisals, award_differences, award_lines,
    condolence_differences, condolence_lines, event_differences, event_lines, health_lines,
    inspection_differences, inspection_lines, is_xlsx, read_awards, read_awards_bytes,
    read_condolences, read_condolences_bytes, read_events, read_events_bytes, read_health,
    read_health_bytes, read_inspections, read_inspections_bytes, read_report, read_report_bytes,
    read_roster, read_roster_bytes, read_scores, read_scores_bytes, read_scores_grid,
    read_scores_grid_bytes, read_scores_grids, read_scores_grids_bytes, roster_lines,
};
pub use write::{Template, template_xlsx_bytes};
