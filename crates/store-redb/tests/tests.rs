//! The one integration-test binary of the redb store: the shared conformance suite on a fresh
//! file per check, redb-specific behaviour (file mode, reopening, locking), a crash test that
//! kills a process mid-commit, and an opt-in throughput benchmark.

mod bench;
mod conformance;
mod crash;
