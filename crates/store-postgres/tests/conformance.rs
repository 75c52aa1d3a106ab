//! The kaohe-store conformance suite, each check on a store in a fresh schema.

use std::sync::Arc;

use kaohe_store::Store;
use kaohe_store::conformance::CHECKS;

use crate::support;

/// Every check of the suite. Runs them all (each on its own fresh schema, dropped after) and
/// then fails naming every check that failed, rather than stopping at the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_suite() {
    let Some(url) = support::url() else { return };
    let mut failed = Vec::new();
    for (name, check) in CHECKS {
        let Some((store, schema)) = support::open_fresh(&url).await else {
            return;
        };
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let outcome = tokio::spawn(check(shared)).await;
        store.close().await;
        support::drop_schema(&url, &schema).await;
        if let Err(e) = outcome {
            let why = match e.try_into_panic() {
                Ok(p) => p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
                Err(e) => e.to_string(),
            };
            failed.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} conformance checks failed:\n{}",
        failed.len(),
        CHECKS.len(),
        failed.join("\n")
    );
}
