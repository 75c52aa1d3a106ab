//! The one integration-test binary of kaohe-report: the writers of the report and the ledger
//! (docs/reference.md), the summary, and the work archive.

mod archive;
mod common;
mod lines;
mod writers;
