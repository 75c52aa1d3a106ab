//! Integration tests of the PostgreSQL store: one binary (`autotests = false`).
//!
//! They need a server named by `KAOHE_TEST_POSTGRES` (a URL, e.g.
//! `postgres://postgres@127.0.0.1:5432/test`); each test works in a fresh, randomly named
//! schema and drops it after. Without the variable they say so and pass, unless
//! `KAOHE_REQUIRE_POSTGRES=1`.

mod conformance;
mod crash;
mod race;
mod smoke;
mod support;
mod throughput;
