//! The application layer of kaohe: the county's use cases, written once over the
//! [`Store`](kaohe_store::Store) trait so that the embedded (redb) and server (PostgreSQL)
//! stores behave identically.
//!
//! - [`open_store`] picks the backend from a URL (`redb:FILE`, a bare path, or `postgres://…`).
//! - [`compute`]: `kaohe compute`, a quarter from files alone (no store).
//! - [`files`]: `kaohe import KIND FILE` as one use case — open, read and check, write with
//!   its audit record, every error located in the file.
//! - [`imports`]: roster, scores, events and policy imports with the checks that need the
//!   store (a village under two towns across files, imports into a settled quarter).
//! - [`lifecycle`]: the settlement life cycle of docs/rules.md, the settlement life cycle — quarters in order, one atomic
//!   write, no-op re-settles, refusal or revision when inputs changed, races.
//! - [`queries`]: what reports, ledgers and explanations read.
//! - [`archive`]: the work and health archives of Art.15 and the supervision records of
//!   Art.14 (imports, `kaohe archive`, `kaohe health due`).
//!
//! The rules themselves live in the engine crates (`kaohe-scoring`, `kaohe-grading`,
//! `kaohe-settlement`); this crate only gathers their inputs and keeps their outputs.
//!
//! # Example
//!
//! ```
//! use kaohe::store::Store as _;
//!
//! let dir = tempfile::tempdir()?;
//! let url = format!("redb:{}", dir.path().join("kaohe.redb").display());
//! let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! let store = rt.block_on(kaohe::open_store(&url))?;
//! // A new store has no settled quarter and no roster.
//! assert!(rt.block_on(store.roster())?.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod archive;
pub mod commend;
pub mod compute;
mod error;
mod explain;
pub mod files;
mod fingerprint;
pub mod imports;
mod invocation;
pub mod lifecycle;
mod open;
pub mod payments;
pub mod payroll;
pub mod queries;

pub use error::{AppError, Conflict, ExitCode};
pub use fingerprint::{fingerprint, sha256_hex};
pub use invocation::Invocation;
/// Masks the passwords in a text (a store URL, a message, a command line) before it is shown
/// or kept.
pub use kaohe_store::redact_secrets;
pub use open::{DEFAULT_STORE, open_store, store_file};

/// The store schema versions of this build: of the redb file and of the PostgreSQL
/// migrations (`kaohe --version`).
pub use kaohe_store_postgres::SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION;
pub use kaohe_store_redb::SCHEMA_VERSION as REDB_SCHEMA_VERSION;

pub use kaohe_domain as domain;
pub use kaohe_store as store;
