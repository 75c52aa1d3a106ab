//! The one integration-test binary of kaohe-io: every bad-input family of SPEC 5.1 with the
//! line and column it must name, and the writers of SPEC 5.3 and 5.4.

mod archive;
mod common;
mod events;
mod fuzz;
mod roster;
mod scores;
mod speed;
mod writers;
mod xlsx;
