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

/// What the tables of `path` hold under the `meta` key `schema`.
fn stored_schema(path: &std::path::Path) -> u64 {
    use redb::ReadableDatabase;
    let db = redb::Database::open(path).expect("open with redb");
    let txn = db.begin_read().expect("read");
    let meta = txn
        .open_table(redb::TableDefinition::<&str, u64>::new("meta"))
        .expect("meta");
    meta.get("schema").expect("get").expect("schema").value()
}

/// Turns a store file into one as a kaohe of schema 2 wrote it: without the tables of the
/// archives (Art.14, Art.15), marked schema 2.
fn make_schema_2(path: &std::path::Path) {
    let db = redb::Database::open(path).expect("open with redb");
    let txn = db.begin_write().expect("write");
    for name in ["inspections", "health", "roster_history"] {
        let gone = txn
            .delete_table(redb::TableDefinition::<&[u8], &[u8]>::new(name))
            .expect("delete table");
        assert!(gone, "table {name} was there");
    }
    txn.open_table(redb::TableDefinition::<&str, u64>::new("meta"))
        .expect("meta")
        .insert("schema", 2)
        .expect("insert");
    txn.commit().expect("commit");
}

/// A file of schema 2 (before the archives) opens, keeps what it held, is marked schema 3, and
/// then keeps roster versions, supervision and health records like a new one.
#[tokio::test]
async fn a_file_of_schema_2_is_brought_up_to_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kaohe.redb");
    let c1 = cadre("C1", "张三", "1500.07", "2020-01-01", None);
    {
        let store = RedbStore::open(&path).expect("open");
        store
            .import_roster(std::slice::from_ref(&c1), &audit(1))
            .await
            .expect("roster");
    }
    make_schema_2(&path);
    assert_eq!(stored_schema(&path), 2);

    let store = RedbStore::open(&path).expect("open a schema 2 file");
    assert_eq!(store.roster().await.expect("roster"), vec![c1.clone()]);
    assert_eq!(store.audit_log().await.expect("audit").len(), 1);
    assert_eq!(store.inspections().await.expect("inspections"), vec![]);
    assert_eq!(store.health_records().await.expect("health"), vec![]);
    assert_eq!(store.roster_history(&c1.id).await.expect("history"), vec![]);

    let mut changed = c1.clone();
    changed.monthly_subsidy = money("1600.00");
    store
        .import_roster(std::slice::from_ref(&changed), &audit(2))
        .await
        .expect("re-import");
    let versions = store.roster_history(&c1.id).await.expect("history");
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0].cadre, c1);
    let i = inspection(
        "I1",
        "2026-07-01",
        "V1",
        kaohe_domain::Area::Policy,
        kaohe_domain::Finding::Good,
        "",
    );
    store
        .import_inspections(std::slice::from_ref(&i), &audit(3))
        .await
        .expect("inspections");
    assert_eq!(store.inspections().await.expect("inspections"), vec![i]);
    drop(store);
    assert_eq!(stored_schema(&path), 3);
}

/// A file of a schema newer than this kaohe's is refused as written by a newer kaohe, and left
/// as it was.
#[test]
fn a_file_of_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kaohe.redb");
    drop(RedbStore::open(&path).expect("open"));
    {
        let db = redb::Database::open(&path).expect("open with redb");
        let txn = db.begin_write().expect("write");
        txn.open_table(redb::TableDefinition::<&str, u64>::new("meta"))
            .expect("meta")
            .insert("schema", 99)
            .expect("insert");
        txn.commit().expect("commit");
    }
    match RedbStore::open(&path) {
        Err(StoreError::Corrupt(m)) => assert!(m.contains("newer kaohe"), "{m}"),
        other => panic!("want Corrupt, got {other:?}"),
    }
    assert_eq!(stored_schema(&path), 99);
}
