//! The one integration-test binary of kaohe-io: every bad-input family of docs/guide.md, file formats with the
//! line and column it must name, the xlsx inputs and templates, and the readers' speed.

mod archive;
mod common;
mod events;
mod fuzz;
#[path = "../../report/tests/lines.rs"]
mod lines;
mod report;
mod roster;
mod scores;
mod speed;
mod xlsx;
