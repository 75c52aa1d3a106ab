//! Scenario 5: the two stores give the same bytes.

use super::harness::{Backend, Env};

/// The sample county settled on redb and on PostgreSQL: byte-identical report and ledger CSVs
/// (and JSON) for both quarters.
pub fn same_bytes_on_both_stores() {
    let Some(pg) = Env::new(Backend::Postgres) else {
        return;
    };
    let redb = Env::new(Backend::Redb).expect("a redb store");
    std::thread::scope(|s| {
        s.spawn(|| redb.settle_sample());
        s.spawn(|| pg.settle_sample());
    });
    for q in ["2026Q2", "2026Q3"] {
        assert_eq!(
            redb.report_csv(q),
            pg.report_csv(q),
            "{q}: report CSV differs between redb and PostgreSQL"
        );
        assert_eq!(
            redb.ledger_csv(q),
            pg.ledger_csv(q),
            "{q}: ledger CSV differs between redb and PostgreSQL"
        );
        for cmd in ["report", "ledger"] {
            let args = [cmd, "--quarter", q, "--format", "json"];
            assert_eq!(
                redb.kaohe(&args).ok().stdout,
                pg.kaohe(&args).ok().stdout,
                "{q}: {cmd} JSON differs between redb and PostgreSQL"
            );
        }
    }
    let args = ["archive", "--cadre", "T02V07-02"];
    assert_eq!(
        redb.kaohe(&args).ok().stdout,
        pg.kaohe(&args).ok().stdout,
        "archive differs between redb and PostgreSQL"
    );
}
