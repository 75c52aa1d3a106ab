//! A damaged store file is an error, never a panic.
//!
//! redb trusts the pages it reads: a page altered behind its back (a bad disk, a copy cut
//! short, another program writing to the file) can make it panic, and a panic while a
//! transaction unwinds can abort the process. So the file is checked whole when it is opened
//! (`Builder::set_check_integrity_on_open`: every page of the committed trees against its
//! checksum), which turns such damage into [`StoreError::Corrupt`] before any transaction
//! runs; a panic that still happens inside redb (on the blocking pool, or while opening) is
//! caught and reported the same way.

use std::any::Any;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use kaohe_store::StoreError;

/// What the user is told to do about a damaged file.
pub(crate) const DAMAGED: &str = "the store file is damaged: restore it from a backup";

/// The error of a damaged file: `what` is redb's own account of the damage.
pub(crate) fn damaged(what: &str) -> StoreError {
    StoreError::Corrupt(format!("{DAMAGED} ({what})"))
}

/// Maps the failure to open `path` as a redb database.
pub(crate) fn open_error(path: &Path, e: redb::DatabaseError) -> StoreError {
    let at = path.display();
    match redb::Error::from(e) {
        redb::Error::Corrupted(m) => damaged(&format!("{at}: {m}")),
        // A file redb does not recognise at all (its header is gone, or it never was a store).
        redb::Error::Io(e) if e.kind() == io::ErrorKind::InvalidData => StoreError::Corrupt(
            format!("{at} is not a kaohe store file; if it was one, {DAMAGED} ({e})"),
        ),
        // A file shorter than its own header says: cut short (a copy or a disk that ran out).
        redb::Error::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            damaged(&format!("{at} is cut short: {e}"))
        }
        redb::Error::DatabaseAlreadyOpen => StoreError::Unavailable(format!(
            "{at}: the file is open in another process (is kaohe running?)"
        )),
        redb::Error::UpgradeRequired(v) => StoreError::Corrupt(format!(
            "{at}: the file has redb format {v}, which this kaohe cannot read"
        )),
        e => StoreError::Unavailable(format!("{at}: {e}")),
    }
}

/// Runs `f`, turning a panic inside it into [`StoreError::Corrupt`].
pub(crate) fn catch<T>(f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panicked(&*payload)))
}

/// The error for a panic in redb, whose payload is `payload`.
pub(crate) fn panicked(payload: &(dyn Any + Send)) -> StoreError {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "redb stopped reading it".to_owned());
    damaged(&what)
}
