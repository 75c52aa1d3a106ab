//! The one test binary of the `kaohe` package (`cargo test -p kaohe --test tests`).
//!
//! `e2e`: end-to-end tests that run the real `kaohe` binary on both stores (redb always,
//! PostgreSQL when `KAOHE_TEST_POSTGRES` names a server). See `tests/e2e/mod.rs`.
//! `tidy`: checks on the source tree that the architecture promises (crate docs, no IO in
//! the core crates, no backend in the store contract).

mod e2e;
mod tidy;
