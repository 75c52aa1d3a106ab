use std::sync::Arc;

use kaohe_store::{Store, StoreError};

/// The store used when neither `--store` nor `KAOHE_STORE` is given (SPEC 5.2): an embedded
/// file in the current directory.
pub const DEFAULT_STORE: &str = "redb:kaohe.redb";

/// Opens the store a URL names: `postgres://…` or `postgresql://…` for PostgreSQL,
/// `redb:FILE` (or a plain path) for an embedded redb file, created if absent.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = kaohe_store_postgres::PgStore::connect(url).await?;
        return Ok(Arc::new(store));
    }
    let path = url.strip_prefix("redb:").unwrap_or(url);
    if path.is_empty() {
        return Err(StoreError::Unavailable(format!(
            "`{url}` names no file; use redb:FILE or postgres://…"
        )));
    }
    let store = kaohe_store_redb::RedbStore::open(path)?;
    Ok(Arc::new(store))
}
