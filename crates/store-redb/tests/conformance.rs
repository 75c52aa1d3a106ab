//! The shared conformance suite of `kaohe-store`, plus what only a file-backed store has.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use kaohe_domain::Policy;
use kaohe_store::conformance::{fixtures::*, run_all};
use kaohe_store::{Store, StoreError};
use kaohe_store_redb::RedbStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conformance_suite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let counter = AtomicUsize::new(0);
    run_all(|| {
        let path = dir.path().join(format!(
            "check-{}.redb",
            counter.fetch_add(1, Ordering::Relaxed)
        ));
        async move {
            let store = RedbStore::open(&path).expect("open a fresh store");
            Arc::new(store) as Arc<dyn Store>
        }
    })
    .await;
}

#[cfg(unix)]
#[test]
fn new_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kaohe.redb");
    drop(RedbStore::open(&path).expect("open"));
    let mode = std::fs::metadata(&path)
        .expect("metadata")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
}

#[tokio::test]
async fn reopen_keeps_every_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kaohe.redb");
    let q3 = q("2026Q3");
    let s = settlement(
        q3,
        1,
        vec![line(
            q3,
            "C1",
            "张三",
            kaohe_domain::Grade::Qualified,
            150007,
        )],
        1,
    );
    {
        let store = RedbStore::open(&path).expect("open");
        store
            .set_policy(q3, &Policy::default(), &audit(1))
            .await
            .expect("policy");
        store
            .commit_settlement(&s, &audit(2))
            .await
            .expect("settle");
    }
    let store = RedbStore::open(&path).expect("reopen");
    assert_eq!(
        store.settlement(q3).await.expect("read"),
        Some(s.header.clone())
    );
    assert_eq!(store.ledger(q3).await.expect("read"), s.entries);
    assert_eq!(store.audit_log().await.expect("read").len(), 2);
    assert_eq!(store.policies().await.expect("read").len(), 1);
}

#[test]
fn second_open_of_one_file_is_unavailable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kaohe.redb");
    let _first = RedbStore::open(&path).expect("open");
    match RedbStore::open(&path) {
        Err(StoreError::Unavailable(m)) => assert!(m.contains("kaohe.redb"), "{m}"),
        other => panic!("want Unavailable, got {other:?}"),
    }
}

#[test]
fn a_file_that_is_not_a_store_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "quarter,cadre_id\n".repeat(1000)).expect("write");
    match RedbStore::open(&path) {
        Err(StoreError::Unavailable(_) | StoreError::Corrupt(_)) => {}
        other => panic!("want Unavailable or Corrupt, got {other:?}"),
    }
}

#[test]
fn describe_names_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kaohe.redb");
    let store = RedbStore::open(&path).expect("open");
    assert_eq!(store.describe(), format!("redb:{}", path.display()));
}
