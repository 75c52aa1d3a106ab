use std::path::Path;
use std::sync::Arc;

use kaohe_store::{Store, StoreError};

/// The store used when neither `--store` nor `KAOHE_STORE` is given (docs/guide.md): an embedded
/// file in the current directory.
pub const DEFAULT_STORE: &str = "redb:kaohe.redb";

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The file an embedded store URL names (`redb:FILE`, or a plain path); `None` for a
/// PostgreSQL URL or a URL that names no file.
pub fn store_file(url: &str) -> Option<&Path> {
    if is_postgres(url) {
        return None;
    }
    let path = url.strip_prefix("redb:").unwrap_or(url);
    (!path.is_empty()).then(|| Path::new(path))
}

/// Opens the store a URL names: `postgres://…` or `postgresql://…` for PostgreSQL,
/// `redb:FILE` (or a plain path) for an embedded redb file, created if absent.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if is_postgres(url) {
        let store = kaohe_store_postgres::PgStore::connect(url).await?;
        return Ok(Arc::new(store));
    }
    let Some(path) = store_file(url) else {
        return Err(StoreError::Unavailable(format!(
            "`{url}` names no file; use redb:FILE or postgres://…"
        )));
    };
    let store = kaohe_store_redb::RedbStore::open(path)?;
    Ok(Arc::new(store))
}
