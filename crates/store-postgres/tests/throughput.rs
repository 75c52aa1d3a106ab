//! Measured write and read speeds (not a pass/fail test). Run in a release build:
//!
//! ```text
//! KAOHE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test \
//!   cargo test --release -p kaohe-store-postgres --test tests -- --ignored --nocapture throughput
//! ```
//!
//! Each figure is the median of three runs, each on a fresh schema after a `CHECKPOINT` (when
//! the role may issue one), so that one run's write-ahead log does not slow the next.

use std::time::{Duration, Instant};

use kaohe_domain::Points;
use kaohe_store::Store;
use kaohe_store::conformance::fixtures::large_settlement;
use kaohe_store_postgres::PgStore;
use sqlx::{Connection, PgConnection};

use crate::support::{self, audit, q};

const RUNS: usize = 3;
const SCORES: usize = 1_000_000;
const LINES: usize = 200_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rate(rows: usize, d: Duration) -> String {
    let r = rows as u128 * 1000 / d.as_millis().max(1);
    format!("{r} rows/s ({} ms)", d.as_millis())
}

async fn checkpoint(url: &str) {
    let mut conn = PgConnection::connect(url).await.unwrap();
    let _ = sqlx::query("CHECKPOINT").execute(&mut conn).await;
    let _ = conn.close().await;
}

/// Runs `op` RUNS times, each on a fresh store prepared by `setup`, and gives the median time.
async fn measure<S, SF, O, OF>(url: &str, what: &str, setup: S, op: O) -> Duration
where
    S: Fn(PgStore) -> SF,
    SF: Future<Output = PgStore>,
    O: Fn(PgStore) -> OF,
    OF: Future<Output = ()>,
{
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let (store, schema) = support::open_fresh(url).await.unwrap();
        let store = setup(store).await;
        checkpoint(url).await;
        let t = Instant::now();
        op(store.clone()).await;
        times.push(t.elapsed());
        println!("  {what}: {:?}", times.last().unwrap());
        store.close().await;
        support::drop_schema(url, &schema).await;
    }
    median(times)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement; see the module docs for the command"]
async fn throughput() {
    if cfg!(debug_assertions) {
        println!("throughput: measure in a release build (cargo test --release …)");
        return;
    }
    let Some(url) = support::url() else { return };
    let quarter = q("2026Q3");
    let scores = support::scores(quarter, SCORES);
    let changed: Vec<_> = scores
        .iter()
        .cloned()
        .map(|mut s| {
            s.points = Points::from_hundredths(s.points.hundredths() + 1);
            s
        })
        .collect();
    let settlement = large_settlement(quarter, LINES);
    let rows = settlement.lines.len() + settlement.entries.len();
    let a = audit("bench", 1);
    // The closures below capture references, which `async move` copies.
    let (scores, changed, settlement, a) = (&scores, &changed, &settlement, &a);

    let import = measure(
        &url,
        "import 1M scores",
        |s| async { s },
        |s| async move {
            s.import_scores(scores, a).await.unwrap();
        },
    )
    .await;
    let with_scores = |s: PgStore| async {
        s.import_scores(scores, a).await.unwrap();
        s
    };
    let replace = measure(&url, "replace 1M scores", with_scores, |s| async move {
        s.import_scores(changed, a).await.unwrap();
    })
    .await;
    let read_scores = measure(&url, "read 1M scores", with_scores, |s| async move {
        assert_eq!(s.scores(quarter).await.unwrap().len(), SCORES);
    })
    .await;
    let commit = measure(
        &url,
        "commit settlement",
        |s| async { s },
        |s| async move {
            s.commit_settlement(settlement, a).await.unwrap();
        },
    )
    .await;
    let settled = |s: PgStore| async {
        s.commit_settlement(settlement, a).await.unwrap();
        s
    };
    let read_ledger = measure(&url, "read ledger", settled, |s| async move {
        assert_eq!(
            s.ledger(quarter).await.unwrap().len(),
            settlement.entries.len()
        );
    })
    .await;

    println!(
        "import 1M scores, first of the quarter: {}",
        rate(SCORES, import)
    );
    println!(
        "import 1M scores, replacing every one:  {}",
        rate(SCORES, replace)
    );
    println!(
        "read 1M scores:                         {}",
        rate(SCORES, read_scores)
    );
    println!(
        "commit {} lines + {} entries:      {} = {} entries/s",
        settlement.lines.len(),
        settlement.entries.len(),
        rate(rows, commit),
        settlement.entries.len() as u128 * 1000 / commit.as_millis().max(1)
    );
    println!(
        "read {} ledger entries:             {}",
        settlement.entries.len(),
        rate(settlement.entries.len(), read_ledger)
    );
}
