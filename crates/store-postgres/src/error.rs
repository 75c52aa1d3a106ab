//! Mapping of sqlx errors into the neutral [`StoreError`]: no sqlx type leaves this crate.

use kaohe_store::{StoreError, redact_secrets};
use sqlx::migrate::MigrateError;

/// Names of constraints whose violation means something to the Store contract.
pub(crate) const SETTLEMENTS_PKEY: &str = "settlements_pkey";
pub(crate) const LEDGER_PKEY: &str = "ledger_pkey";
pub(crate) const LINES_ONE_PER_CADRE: &str = "settlement_lines_one_per_cadre";

/// Maps a sqlx error met while doing `what` (e.g. "import scores"). The message never holds a
/// password: a driver or server message that echoes the URL is redacted.
pub(crate) fn map(what: &str, e: sqlx::Error) -> StoreError {
    redacted(map_unredacted(what, e))
}

/// `e` with any password in its message masked ([`redact_secrets`]).
pub(crate) fn redacted(e: StoreError) -> StoreError {
    match e {
        StoreError::Unavailable(m) => StoreError::Unavailable(redact_secrets(&m)),
        StoreError::Conflict(m) => StoreError::Conflict(redact_secrets(&m)),
        StoreError::Rejected(m) => StoreError::Rejected(redact_secrets(&m)),
        StoreError::Corrupt(m) => StoreError::Corrupt(redact_secrets(&m)),
        StoreError::Backend(m) => StoreError::Backend(redact_secrets(&m)),
        other => other,
    }
}

fn map_unredacted(what: &str, e: sqlx::Error) -> StoreError {
    use sqlx::Error as E;
    match e {
        E::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let msg = match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                Some(pg) => match pg.detail() {
                    Some(detail) => format!("{} ({detail})", pg.message()),
                    None => pg.message().to_owned(),
                },
                None => db.message().to_owned(),
            };
            let constraint = db.constraint().unwrap_or_default().to_owned();
            map_sqlstate(what, &code, &constraint, &msg)
        }
        E::Configuration(e) => StoreError::Unavailable(format!("{what}: configuration: {e}")),
        E::Io(e) => StoreError::Unavailable(format!("{what}: connection to PostgreSQL: {e}")),
        E::Tls(e) => StoreError::Unavailable(format!("{what}: TLS: {e}")),
        E::PoolTimedOut => StoreError::Unavailable(format!(
            "{what}: timed out waiting for a PostgreSQL connection"
        )),
        E::PoolClosed | E::WorkerCrashed => {
            StoreError::Unavailable(format!("{what}: the connection pool is closed"))
        }
        e @ (E::ColumnDecode { .. }
        | E::Decode(_)
        | E::ColumnNotFound(_)
        | E::ColumnIndexOutOfBounds { .. }
        | E::TypeNotFound { .. }) => StoreError::Corrupt(format!("{what}: {e}")),
        E::Migrate(m) => migrate(*m),
        e => StoreError::Backend(format!("{what}: {e}")),
    }
}

fn map_sqlstate(what: &str, code: &str, constraint: &str, msg: &str) -> StoreError {
    match code {
        "23505" if constraint == SETTLEMENTS_PKEY => StoreError::Conflict(format!(
            "{what}: the settlement revision was written by another settlement first ({msg})"
        )),
        "23505" if constraint == LEDGER_PKEY => StoreError::Rejected(format!(
            "{what}: a ledger entry number is already taken; the ledger never holds an entry \
             twice ({msg})"
        )),
        "23505" if constraint == LINES_ONE_PER_CADRE => StoreError::Rejected(format!(
            "{what}: a cadre has two lines in one settlement ({msg})"
        )),
        // numeric_value_out_of_range: an amount beyond numeric(14,2);
        // character_not_in_repertoire / untranslatable_character: e.g. a NUL in text.
        "22003" => StoreError::Rejected(format!(
            "{what}: a value is out of the store's range (amounts up to 999999999999.99): {msg}"
        )),
        "22021" | "22P05" => StoreError::Rejected(format!(
            "{what}: text PostgreSQL cannot store (NUL character?): {msg}"
        )),
        c if c.starts_with("08") // connection exception
            || c.starts_with("28") // invalid authorization
            || c.starts_with("53") // insufficient resources (too many connections)
            || c == "3D000" // database does not exist
            || c == "57P01" // admin shutdown
            || c == "57P02" // crash shutdown
            || c == "57P03" =>
        // cannot connect now
        {
            StoreError::Unavailable(format!("{what}: {msg} [SQLSTATE {c}]"))
        }
        c => StoreError::Backend(format!("{what}: {msg} [SQLSTATE {c}]")),
    }
}

/// Maps a failure of the embedded migrations. A database that has applied a migration this
/// build does not know, or a different text of one it does know, was written by another
/// (newer) kaohe: it is reported as [`StoreError::Corrupt`] and left untouched.
pub(crate) fn migrate(e: MigrateError) -> StoreError {
    redacted(match e {
        MigrateError::Execute(e) => map("apply schema migrations", e),
        MigrateError::ExecuteMigration(e, v) => map(&format!("apply schema migration {v}"), e),
        MigrateError::VersionMissing(v) | MigrateError::VersionTooNew(v, _) => {
            StoreError::Corrupt(format!(
                "the database has schema migration {v}, which this kaohe does not know: \
                 it was written by a newer kaohe"
            ))
        }
        MigrateError::VersionMismatch(v) => StoreError::Corrupt(format!(
            "schema migration {v} in the database differs from this kaohe's; refusing to use it"
        )),
        MigrateError::Dirty(v) => StoreError::Corrupt(format!(
            "schema migration {v} is partially applied; repair the database by hand"
        )),
        e => StoreError::Backend(format!("apply schema migrations: {e}")),
    })
}
