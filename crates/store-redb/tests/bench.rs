//! Throughput of the store's bulk paths, opt-in:
//!
//! ```text
//! cargo test --release -p kaohe-store-redb -- --ignored bench --nocapture
//! ```
//!
//! Imports 1M scores and commits a settlement of 200k lines + 1.2M ledger entries, each on a
//! fresh file, three times, and prints rows per second (median) beside the reads back.

use std::time::{Duration, Instant};

use kaohe_domain::{ItemId, Points, Score, Subject};
use kaohe_store::Store;
use kaohe_store::conformance::fixtures::{audit, large_settlement, q};
use kaohe_store_redb::RedbStore;

const RUNS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rate(rows: usize, d: Duration) -> String {
    let per_s = rows as u128 * 1_000_000_000 / d.as_nanos().max(1);
    format!("{per_s:>9} rows/s ({d:.2?})")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark; run with --release --ignored bench --nocapture"]
async fn bench_bulk_paths() {
    let dir = tempfile::tempdir().expect("temp dir");
    let quarter = q("2026Q3");

    // 10,000 subjects × 100 items, handed over item-major (not in key order).
    let items: Vec<ItemId> = (0..100)
        .map(|i| ItemId::parse(&format!("section{}.item{i:02}", i / 10)).expect("item"))
        .collect();
    let subjects: Vec<Subject> = (0..10_000)
        .map(|i| Subject::parse(&format!("V{i:05}")).expect("subject"))
        .collect();
    let mut scores = Vec::with_capacity(1_000_000);
    for item in &items {
        for (i, subject) in subjects.iter().enumerate() {
            scores.push(Score {
                quarter,
                subject: subject.clone(),
                item: item.clone(),
                points: Points::from_hundredths((i % 500) as i64),
            });
        }
    }
    let settlement = large_settlement(quarter, 200_000);
    let settle_rows = settlement.lines.len() + settlement.entries.len();

    let (mut imp, mut settle, mut read_scores, mut read_ledger) = (vec![], vec![], vec![], vec![]);
    for run in 0..RUNS {
        let store = RedbStore::open(dir.path().join(format!("bench-{run}.redb"))).expect("open");
        let t = Instant::now();
        let n = store
            .import_scores(&scores, &audit(1))
            .await
            .expect("import");
        imp.push(t.elapsed());
        assert_eq!(n, 1_000_000);

        let t = Instant::now();
        store
            .commit_settlement(&settlement, &audit(2))
            .await
            .expect("settle");
        settle.push(t.elapsed());

        let t = Instant::now();
        assert_eq!(
            store.scores(quarter).await.expect("scores").len(),
            1_000_000
        );
        read_scores.push(t.elapsed());
        let t = Instant::now();
        assert_eq!(
            store.ledger(quarter).await.expect("ledger").len(),
            1_200_000
        );
        read_ledger.push(t.elapsed());
    }
    println!("redb store, median of {RUNS} runs on a fresh file each:");
    println!(
        "  import_scores 1M           {}",
        rate(1_000_000, median(imp))
    );
    println!(
        "  commit_settlement {}k+{}k {}",
        settlement.lines.len() / 1000,
        settlement.entries.len() / 1000,
        rate(settle_rows, median(settle))
    );
    println!(
        "  scores(q) read 1M          {}",
        rate(1_000_000, median(read_scores))
    );
    println!(
        "  ledger(q) read 1.2M        {}",
        rate(1_200_000, median(read_ledger))
    );
}
