//! Who runs a command that writes, as its audit record keeps it (Art.15: every showing of the
//! health archive and every write is logged; docs/reference.md, `kaohe audit`).

use std::time::{SystemTime, UNIX_EPOCH};

use kaohe_store::AuditRecord;

/// The user and the command line of a run that writes to the store. The caller gathers them
/// (the CLI: `$USER` and its arguments); [`Invocation::record`] stamps each record with the
/// time and removes any password from what it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The user name.
    pub user: String,
    /// The command line as typed.
    pub command: String,
}

impl Invocation {
    /// The audit record of a write of `rows` rows described by `summary`; `source` is the file
    /// read (its path as given, and its bytes, of which the SHA-256 is kept).
    pub fn record(&self, rows: u64, summary: String, source: Option<(&str, &[u8])>) -> AuditRecord {
        AuditRecord {
            at_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
            user: self.user.clone(),
            command: kaohe_store::redact_secrets(&self.command),
            source_sha256: source.map(|(_, bytes)| crate::sha256_hex(bytes)),
            source_path: source.map(|(path, _)| kaohe_store::redact_secrets(path)),
            rows,
            summary,
        }
    }

    /// [`Invocation::record`] of a source whose SHA-256 (hex) was taken already (a file read
    /// streamed, never held whole).
    pub fn record_hashed(&self, rows: u64, summary: String, source: (&str, String)) -> AuditRecord {
        let mut audit = self.record(rows, summary, None);
        audit.source_sha256 = Some(source.1);
        audit.source_path = Some(kaohe_store::redact_secrets(source.0));
        audit
    }
}
