//! The PostgreSQL backend of the kaohe [`Store`]: a county's appraisal records, settlements
//! and payment ledger kept on a database server, for offices that share one store.
//!
//! Design decisions:
//!
//! - **One transaction per write.** Every write method opens one transaction, writes all of
//!   its rows and its [`AuditRecord`], and commits; any error rolls everything back.
//! - **Bulk, never a query per row.** Imports and settlements stream their rows with
//!   `COPY … FROM STDIN` (text format, chunks of 4 MiB). Replace-by-key imports (roster,
//!   scores, health records) COPY into a temporary staging table (`ON COMMIT DROP`) and then
//!   merge with one `INSERT … SELECT … ON CONFLICT … DO UPDATE`; the first scores of a quarter
//!   (nothing to replace, checked under a lock) are COPied straight into their table, four
//!   times faster.
//!   A key given twice in one import counts once, the last one winning, as if applied in turn.
//!   The roster import first copies the stored row of every cadre it changes into
//!   `roster_history` (Art.15 work archive), in the same transaction.
//!   The big reads (a quarter's scores and ledger) stream `COPY (SELECT …) TO STDOUT` and parse
//!   the text format here, several times faster than decoding millions of rows through sqlx.
//! - **Compare-and-set settlements.** [`Store::commit_settlement`] takes a transaction-scoped
//!   advisory lock on (schema, quarter), checks that the latest stored revision is `r − 1`, and
//!   inserts the header row, whose primary key `(quarter, revision)` is a second guard: two
//!   racing commits of one revision end with one `Ok` and one [`StoreError::Conflict`].
//! - **Compare-and-set ledger entries.** Every write that appends ledger entries (settlement,
//!   payroll, awards, condolences, withdrawals) takes the advisory lock `ledger:<quarter>` and
//!   refuses an entry number already stored with [`StoreError::Conflict`] before it COPies a
//!   row (module `payments`): two racing payrolls of one month pay once.
//! - **Natural keys, byte order.** Natural keys are the primary keys; every text key is
//!   `COLLATE "C"`, so `ORDER BY` is byte order, as Rust's `str` ordering. A quarter is stored
//!   as its text `2026Q3`: fixed width, so byte order is chronological, and readable in `psql`.
//!   Money and points are `numeric(14,2)` (up to 999 999 999 999.99; a larger amount is
//!   refused with [`StoreError::Rejected`]); `u32` counters are `bigint` and `u64` ones
//!   `numeric(20,0)`; times are Unix seconds (`bigint`), exactly as the API gives them.
//! - **No sqlx in the API.** Errors are mapped into [`StoreError`]: connection failures are
//!   `Unavailable`; a taken settlement revision or ledger entry number is `Conflict`; an entry
//!   number given twice in one write, an out-of-range amount or an event, award, condolence or
//!   supervision record id imported with other content is `Rejected`; stored
//!   values that do not parse back are `Corrupt`; anything else is `Backend`.
//!
//! # Durability
//!
//! A write that returns `Ok` is committed, and its session runs with
//! `synchronous_commit = on` whatever the server's default: the commit is flushed to the
//! write-ahead log before `Ok` is returned, so it survives a crash of this process, of the
//! server process or of the machine (given the server's `fsync` is on). Every table is logged:
//! none is `UNLOGGED`, the ledger least of all (an unlogged table is emptied after a server
//! crash). Settlements, their lines, the ledger, awards, condolences, withdrawal marks,
//! supervision records, roster versions and the audit log are append-only in the database
//! itself: triggers refuse `UPDATE`, `DELETE` and `TRUNCATE` on them, and `(quarter, entry)` is
//! the ledger's primary key, so a doubled entry is refused. A withdrawal is a row of its own
//! beside the record it marks.
//!
//! # Schema and migrations
//!
//! The schema is this crate's `migrations/NNNN_name.sql`, embedded in the binary and applied
//! when a store is opened ([`PgStore::connect`]), each migration in its own transaction under
//! sqlx's migration lock (so concurrent opens are safe) and recorded in `_sqlx_migrations`.
//! Migrations are append-only: an applied file is never edited (its checksum is verified); a
//! change of schema is a new numbered file. A database that holds a migration this build does
//! not know was written by a newer kaohe: it is refused as [`StoreError::Corrupt`] and left
//! untouched. (The migrator is built with `include_str!` rather than `sqlx::migrate!()`, which
//! in sqlx 0.9 needs the `macros` feature this workspace does not enable; either way no
//! database is needed at build time.) The tables live in the connection's `search_path`
//! schema (normally `public`), or in a named schema with [`PgStore::connect_with_schema`].
//! PostgreSQL 11 or later is required (`hashtextextended`, `EXECUTE FUNCTION`); 15 is tested.
//!
//! # Example
//!
//! Opening needs a server; when none answers, the error says where it looked, without the
//! password of the URL:
//!
//! ```
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let url = "postgres://kaohe:s3cret@127.0.0.1:1/kaohe"; // nothing listens on port 1
//! let err = rt.block_on(kaohe_store_postgres::PgStore::connect(url)).unwrap_err();
//! let shown = err.to_string();
//! assert!(!shown.contains("s3cret"), "{shown}");
//! # Ok::<(), std::io::Error>(())
//! ```

mod archive;
mod copy;
mod error;
mod payments;

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::convert::Infallible;
use std::hash::Hash;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use kaohe_domain::{
    Appraisal, Award, Cadre, CadreId, Condolence, Date, EntryKind, Event, EventId, EventKind,
    Flags, Grade, HealthRecord, Inspection, ItemId, LedgerEntry, Level, Money, Month, ParseError,
    Points, Policy, Quarter, RosterVersion, Score, ScoreNames, Sequence, SettlementLine, Stored,
    Subject, TownCode, VillageCode, Withdrawal,
};
use kaohe_store::shared::Compared;
use kaohe_store::{
    AuditRecord, EventImport, NewSettlement, RecordImport, Result, RosterImport, ScoreSheet,
    SettlementHeader, Store, StoreError, StoredScores, WithdrawTarget, checked_sheets,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, Connection, PgConnection, Postgres, Row, SqlSafeStr};

/// The embedded migrations: (version, description, SQL), one per file of `migrations/`.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "schema", include_str!("../migrations/0001_schema.sql")),
    (
        2,
        "payments",
        include_str!("../migrations/0002_payments.sql"),
    ),
    (
        3,
        "audit_source_path",
        include_str!("../migrations/0003_audit_source_path.sql"),
    ),
    (
        4,
        "archives",
        include_str!("../migrations/0004_archives.sql"),
    ),
];

/// The schema version this build migrates a database to: the version of its latest embedded
/// migration (`kaohe --version` shows it).
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// How long opening a store waits for the server to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an operation waits for a free pooled connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// Pooled connections per store.
const MAX_CONNECTIONS: u32 = 5;

type Tx = sqlx::Transaction<'static, Postgres>;

/// A [`Store`] on a PostgreSQL server (a pool of connections). Cloning shares the pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    describe: String,
}

impl PgStore {
    /// Opens the store at `url` (`postgres://user:password@host:port/database`, any libpq-style
    /// parameter sqlx accepts, e.g. `?sslmode=require`), applying this crate's migrations.
    /// The tables live in the session's `search_path` schema (normally `public`).
    ///
    /// Fails with [`StoreError::Unavailable`] when the URL is invalid or the server cannot be
    /// reached within 10 seconds, and [`StoreError::Corrupt`] when the database was migrated by
    /// a newer kaohe.
    ///
    /// No error message holds the URL's password (see [`kaohe_store::redact_secrets`]).
    pub async fn connect(url: &str) -> Result<PgStore> {
        PgStore::open(url, None).await.map_err(error::redacted)
    }

    /// Opens the store at `url` in schema `schema`, creating the schema if it does not exist
    /// and applying the migrations inside it (the connections' `search_path` is `schema`).
    ///
    /// `schema` must be a plain lower-case identifier: ASCII letters `a–z`, digits and `_`,
    /// not starting with a digit, at most 63 bytes.
    pub async fn connect_with_schema(url: &str, schema: &str) -> Result<PgStore> {
        if !is_plain_identifier(schema) {
            return Err(StoreError::Unavailable(format!(
                "schema name `{schema}` is not a plain lower-case identifier \
                 (a-z, 0-9, _, not starting with a digit, at most 63 bytes)"
            )));
        }
        PgStore::open(url, Some(schema))
            .await
            .map_err(error::redacted)
    }

    /// Closes the pool: waits for connections in use to be returned, then closes them all.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn open(url: &str, schema: Option<&str>) -> Result<PgStore> {
        let mut opts = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::Unavailable(format!("invalid PostgreSQL URL: {}", e.to_string().trim()))
        })?;
        // Durable on return, whatever the server's or role's default (see the crate docs).
        opts = opts.options([("synchronous_commit", "on")]);
        if let Some(schema) = schema {
            opts = opts.options([("search_path", schema)]);
        }
        let describe = describe(&opts, schema);

        let what = format!("open {describe}");
        let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&opts))
            .await
            .map_err(|_| {
                StoreError::Unavailable(format!(
                    "{what}: no answer from the server within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|e| error::map(&what, e))?;
        if let Some(schema) = schema {
            // `schema` is a checked plain identifier, safe to splice into SQL.
            sqlx::query(AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS \"{schema}\""
            )))
            .persistent(false)
            .execute(&mut conn)
            .await
            .map_err(|e| error::map(&what, e))?;
        }
        // The server answered (and the schema exists); saying goodbye may fail harmlessly.
        let _ = conn.close().await;

        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy_with(opts);
        // On the pool rather than a `&mut PgConnection`: the future of `Migrator::run` on a
        // connection cannot be proven `Send` ("`Acquire` is not general enough").
        migrator().run(&pool).await.map_err(error::migrate)?;
        Ok(PgStore { pool, describe })
    }

    async fn begin(&self, what: &str) -> Result<Tx> {
        self.pool.begin().await.map_err(|e| error::map(what, e))
    }
}

/// The embedded migrator (see the crate docs on the migration policy).
fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

fn is_plain_identifier(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

/// `postgres://user@host:port/database[?schema=s]`: never the password.
fn describe(opts: &PgConnectOptions, schema: Option<&str>) -> String {
    let mut s = format!(
        "postgres://{}@{}:{}/{}",
        opts.get_username(),
        opts.get_host(),
        opts.get_port(),
        opts.get_database().unwrap_or(opts.get_username()),
    );
    if let Some(schema) = schema {
        s.push_str("?schema=");
        s.push_str(schema);
    }
    s
}

/// Commits `tx`. A connection lost during COMMIT leaves the outcome unknown; the message says so.
async fn commit(tx: Tx, what: &str) -> Result<()> {
    tx.commit().await.map_err(|e| match error::map(what, e) {
        StoreError::Unavailable(m) => StoreError::Unavailable(format!(
            "{m}; the connection was lost while committing, so the write may or may not have \
             been stored: check before retrying"
        )),
        other => other,
    })
}

/// The stored records among `ids`, by id: `select` is a query ending in `… = ANY($1)`. An
/// import compares its rows with them (an id stored with other content is refused).
async fn stored_by_id<T: Send + Unpin + 'static>(
    tx: &mut Tx,
    select: String,
    ids: &[&str],
    of_row: fn(&PgRow) -> std::result::Result<T, sqlx::Error>,
    id: fn(&T) -> &str,
    what: &str,
) -> Result<HashMap<String, T>> {
    let rows = sqlx::query(AssertSqlSafe(select))
        .bind(ids)
        .try_map(|row: PgRow| of_row(&row))
        .fetch_all(&mut **tx)
        .await
        .map_err(|e| error::map(what, e))?;
    Ok(rows.into_iter().map(|r| (id(&r).to_owned(), r)).collect())
}

/// Serializes the transactions that take the same `name` in this schema (released at the end
/// of the transaction).
async fn lock(tx: &mut Tx, name: &str, what: &str) -> Result<()> {
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended(
             'kaohe:' || coalesce(current_schema(), '') || ':' || $1, 0))",
    )
    .bind(name)
    .execute(&mut **tx)
    .await
    .map_err(|e| error::map(what, e))?;
    Ok(())
}

async fn insert_audit(tx: &mut Tx, audit: &AuditRecord, what: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at_unix, os_user, command, source_sha256, rows, summary,
                                source_path)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(audit.at_unix)
    .bind(&audit.user)
    .bind(&audit.command)
    .bind(audit.source_sha256.as_deref())
    .bind(Decimal::from(audit.rows))
    .bind(&audit.summary)
    .bind(audit.source_path.as_deref())
    .execute(&mut **tx)
    .await
    .map_err(|e| error::map(what, e))?;
    Ok(())
}

/// The items of `items`, keeping for each key only its last occurrence (the outcome of
/// applying them one after another), in order of those last occurrences. Borrows when there
/// is no duplicate.
fn last_wins<'a, T, K: Hash + Eq>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<&'a T> {
    let mut last: HashMap<K, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        last.insert(key(item), i);
    }
    if last.len() == items.len() {
        return items.iter().collect();
    }
    let keep: HashSet<usize> = last.into_values().collect();
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, t)| t)
        .collect()
}

// ---- decoding rows --------------------------------------------------------------------------
//
// Decoders return sqlx errors so that they run inside `try_map` while rows stream in; a stored
// value that does not parse back is `sqlx::Error::Decode`, mapped to `StoreError::Corrupt`.

fn bad(detail: String) -> sqlx::Error {
    sqlx::Error::Decode(detail.into())
}

fn text<'r>(row: &'r PgRow, col: &str) -> Result<&'r str, sqlx::Error> {
    row.try_get(col)
}

fn parsed<T>(
    row: &PgRow,
    col: &str,
    parse: impl FnOnce(&str) -> Result<T, ParseError>,
) -> Result<T, sqlx::Error> {
    let s = text(row, col)?;
    parse(s).map_err(|e| bad(format!("column {col}: {e}")))
}

fn quarter(row: &PgRow, col: &str) -> Result<Quarter, sqlx::Error> {
    parsed(row, col, Quarter::parse)
}

fn money(row: &PgRow, col: &str) -> Result<Money, sqlx::Error> {
    let d: Decimal = row.try_get(col)?;
    Money::from_decimal(d).ok_or_else(|| bad(format!("column {col}: {d} has over 2 decimals")))
}

fn points(row: &PgRow, col: &str) -> Result<Points, sqlx::Error> {
    let d: Decimal = row.try_get(col)?;
    Points::from_decimal(d).ok_or_else(|| bad(format!("column {col}: {d} has over 2 decimals")))
}

fn u32_of(row: &PgRow, col: &str) -> Result<u32, sqlx::Error> {
    let v: i64 = row.try_get(col)?;
    u32::try_from(v).map_err(|_| bad(format!("column {col}: {v} is out of range")))
}

fn month_of(s: &str) -> Option<Month> {
    let (y, m) = s.split_once('-')?;
    let (year, month): (u16, u8) = (y.parse().ok()?, m.parse().ok()?);
    (y.len() == 4 && m.len() == 2 && (1..=12).contains(&month)).then_some(Month { year, month })
}

/// Shares the text of ids that repeat across rows (items, villages, towns), as the domain's
/// `Arc<str>` ids allow.
/// A COPY field as text, or why it is not.
fn utf8(b: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(b).map_err(|_| format!("not UTF-8: {:?}", String::from_utf8_lossy(b)))
}

/// A non-NULL COPY field of column `col` as text, read while doing `what`.
fn copy_text<'a>(what: &str, col: &str, f: Option<&'a [u8]>) -> Result<&'a str> {
    let detail = match f {
        None => "NULL".to_owned(),
        Some(b) => match utf8(b) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        },
    };
    Err(StoreError::Corrupt(format!(
        "{what}: column {col}: {detail}"
    )))
}

struct Interner<T>(HashMap<String, T>);

impl<T: Clone> Interner<T> {
    fn new() -> Self {
        Interner(HashMap::new())
    }
    fn get(
        &mut self,
        row: &PgRow,
        col: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Result<T, sqlx::Error> {
        let s = text(row, col)?;
        if let Some(t) = self.0.get(s) {
            return Ok(t.clone());
        }
        let t = parse(s).map_err(|e| bad(format!("column {col}: {e}")))?;
        self.0.insert(s.to_owned(), t.clone());
        Ok(t)
    }
}

const EVENT_COLUMNS: &str =
    "event_id, to_char(date, 'YYYY-MM-DD') AS date, subject, kind, level, note";

fn event_of(row: &PgRow) -> Result<Event, sqlx::Error> {
    let level: Option<&str> = row.try_get("level")?;
    Ok(Event {
        id: parsed(row, "event_id", EventId::parse)?,
        date: parsed(row, "date", Date::parse)?,
        subject: parsed(row, "subject", Subject::parse)?,
        kind: parsed(row, "kind", EventKind::parse)?,
        level: match level {
            None => None,
            Some(l) => Some(Level::parse(l).ok_or_else(|| bad(format!("level `{l}`")))?),
        },
        note: text(row, "note")?.to_owned(),
    })
}

/// Score rows to write: (quarter, subject, item, points).
type ScoreRows<'r> = Box<dyn Iterator<Item = (Quarter, &'r str, &'r str, Points)> + Send + 'r>;

impl PgStore {
    /// Writes score rows (quarter, subject, item, points), each key once, replacing by key,
    /// with the audit record, in one transaction; `quarters` are the quarters they touch.
    async fn write_scores(
        &self,
        quarters: &BTreeSet<Quarter>,
        rows: ScoreRows<'_>,
        audit: &AuditRecord,
    ) -> Result<()> {
        let what = "import scores";
        let quarters: Vec<String> = quarters.iter().map(Quarter::to_string).collect();
        fn write(r: &mut copy::Row<'_>, (q, subject, item, points): (Quarter, &str, &str, Points)) {
            r.plain(q)
                .text(subject)
                .text(item)
                .plain(points.to_decimal())
                .end();
        }
        let mut tx = self.begin(what).await?;
        // Score imports take turns, so that what the check below finds stays true until commit.
        lock(&mut tx, "scores", what).await?;
        let replacing: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM scores WHERE quarter = ANY($1))")
                .bind(&quarters)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| error::map(what, e))?;
        if !replacing {
            // The first scores of these quarters: nothing to replace, so COPY straight into the
            // table (about four times faster than merging through a staging table).
            copy::copy_in(
                &mut tx,
                what,
                "COPY scores (quarter, subject, item, points) FROM STDIN",
                rows,
                write,
            )
            .await?;
        } else {
            sqlx::query("CREATE TEMP TABLE scores_in (LIKE scores) ON COMMIT DROP")
                .execute(&mut *tx)
                .await
                .map_err(|e| error::map(what, e))?;
            copy::copy_in(
                &mut tx,
                what,
                "COPY scores_in (quarter, subject, item, points) FROM STDIN",
                rows,
                write,
            )
            .await?;
            // Rows whose points are unchanged are not rewritten.
            sqlx::query(
                "INSERT INTO scores (quarter, subject, item, points)
                 SELECT quarter, subject, item, points FROM scores_in
                 ON CONFLICT (quarter, subject, item) DO UPDATE SET points = EXCLUDED.points
                 WHERE scores.points IS DISTINCT FROM EXCLUDED.points",
            )
            .execute(&mut *tx)
            .await
            .map_err(|e| error::map(what, e))?;
        }
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await
    }
}

#[async_trait]
impl Store for PgStore {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    async fn set_policy(&self, from: Quarter, policy: &Policy, audit: &AuditRecord) -> Result<()> {
        let what = "set policy";
        let mut tx = self.begin(what).await?;
        sqlx::query(
            "INSERT INTO policies (effective_quarter, policy_toml) VALUES ($1, $2)
             ON CONFLICT (effective_quarter) DO UPDATE SET policy_toml = EXCLUDED.policy_toml",
        )
        .bind(from.to_string())
        .bind(policy.to_toml())
        .execute(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await
    }

    async fn policies(&self) -> Result<Vec<(Quarter, Policy)>> {
        let what = "read policies";
        let rows = sqlx::query(
            "SELECT effective_quarter, policy_toml FROM policies ORDER BY effective_quarter",
        )
        .try_map(|row: PgRow| {
            let q = quarter(&row, "effective_quarter")?;
            let policy = Policy::from_toml(text(&row, "policy_toml")?)
                .map_err(|e| bad(format!("policy from {q}: {e}")))?;
            Ok((q, policy))
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map(what, e))?;
        Ok(rows)
    }

    async fn import_roster(&self, cadres: &[Cadre], audit: &AuditRecord) -> Result<RosterImport> {
        let what = "import roster";
        let unique = last_wins(cadres, |c| c.id.as_str());
        let mut tx = self.begin(what).await?;
        lock(&mut tx, "roster", what).await?;
        sqlx::query("CREATE TEMP TABLE roster_in (LIKE cadres) ON COMMIT DROP")
            .execute(&mut *tx)
            .await
            .map_err(|e| error::map(what, e))?;
        copy::copy_in(
            &mut tx,
            what,
            "COPY roster_in (cadre_id, name, town, village, sequence, position, \
             monthly_subsidy, start_date, end_date) FROM STDIN",
            unique,
            |r, c| {
                r.text(c.id.as_str())
                    .text(&c.name)
                    .text(c.town.as_str())
                    .text(c.village.as_str())
                    .text(c.sequence.as_str())
                    .text(&c.position)
                    .plain(c.monthly_subsidy.to_decimal())
                    .plain(c.start_date)
                    .opt_plain(c.end_date)
                    .end();
            },
        )
        .await?;
        // The rows this import changes are kept first, as versions (Art.15 work archive).
        archive::keep_versions(&mut tx, audit, what).await?;
        let new: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM roster_in r
             WHERE NOT EXISTS (SELECT 1 FROM cadres c WHERE c.cadre_id = r.cadre_id)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        sqlx::query(
            "INSERT INTO cadres SELECT * FROM roster_in
             ON CONFLICT (cadre_id) DO UPDATE SET
                 name = EXCLUDED.name, town = EXCLUDED.town, village = EXCLUDED.village,
                 sequence = EXCLUDED.sequence, position = EXCLUDED.position,
                 monthly_subsidy = EXCLUDED.monthly_subsidy,
                 start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date",
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await?;
        // As if applied one by one: each cadre either adds a new id or replaces one.
        let added = u64::try_from(new).unwrap_or(0);
        Ok(RosterImport {
            added,
            updated: cadres.len() as u64 - added,
        })
    }

    async fn roster(&self) -> Result<Vec<Cadre>> {
        let what = "read roster";
        let mut towns = Interner::new();
        let mut villages = Interner::new();
        let mut sequences = Interner::new();
        sqlx::query(
            "SELECT cadre_id, name, town, village, sequence, position, monthly_subsidy,
                    to_char(start_date, 'YYYY-MM-DD') AS start_date,
                    to_char(end_date, 'YYYY-MM-DD') AS end_date
             FROM cadres ORDER BY cadre_id",
        )
        .try_map(|row: PgRow| {
            let end: Option<&str> = row.try_get("end_date")?;
            Ok(Cadre {
                id: parsed(&row, "cadre_id", CadreId::parse)?,
                name: text(&row, "name")?.to_owned(),
                town: towns.get(&row, "town", TownCode::parse)?,
                village: villages.get(&row, "village", VillageCode::parse)?,
                sequence: sequences.get(&row, "sequence", Sequence::parse)?,
                position: text(&row, "position")?.to_owned(),
                monthly_subsidy: money(&row, "monthly_subsidy")?,
                start_date: parsed(&row, "start_date", Date::parse)?,
                end_date: match end {
                    None => None,
                    Some(e) => Some(Date::parse(e).map_err(|e| bad(format!("end_date: {e}")))?),
                },
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map(what, e))
    }

    async fn import_scores(&self, scores: &[Score], audit: &AuditRecord) -> Result<u64> {
        let unique = last_wins(scores, |s| (s.quarter, s.subject.as_str(), s.item.as_str()));
        let quarters: BTreeSet<Quarter> = scores.iter().map(|s| s.quarter).collect();
        let rows: ScoreRows<'_> = Box::new(
            unique
                .into_iter()
                .map(|s| (s.quarter, s.subject.as_str(), s.item.as_str(), s.points)),
        );
        self.write_scores(&quarters, rows, audit).await?;
        // As if applied one by one: every given row was written.
        Ok(scores.len() as u64)
    }

    async fn import_score_sheets(
        &self,
        sheets: &[ScoreSheet<'_>],
        audit: &AuditRecord,
    ) -> Result<u64> {
        let sheets = checked_sheets(sheets)?;
        let quarters: BTreeSet<Quarter> = sheets.iter().map(|s| s.grid.quarter()).collect();
        // Streamed from the grids into the COPY: no score is held as a record.
        let rows: ScoreRows<'_> = Box::new(sheets.iter().flat_map(|s| {
            let (q, names) = (s.grid.quarter(), s.names);
            s.grid.iter().map(move |(scope, subject, column, points)| {
                let item = names.item(scope, column).as_str();
                (q, names.subject(scope, subject), item, points)
            })
        }));
        self.write_scores(&quarters, rows, audit).await?;
        Ok(sheets.iter().map(|s| s.grid.scored() as u64).sum())
    }

    async fn scores(&self, q: Quarter) -> Result<Vec<Score>> {
        // COPY TO STDOUT, parsed here: several times faster than decoding rows through sqlx
        // (millions of rows a quarter). Rows come in runs of one subject, so a subject equal
        // to the previous row's is shared, and items are interned: a read allocates per
        // distinct id, not per row.
        let what = "read scores";
        // `q` is a parsed quarter (`2026Q3`): safe to write into the statement.
        let statement = format!(
            "COPY (SELECT subject, item, points FROM scores WHERE quarter = '{q}' \
             ORDER BY subject COLLATE \"C\", item COLLATE \"C\") TO STDOUT"
        );
        let mut out = Vec::new();
        let mut last: Option<Subject> = None;
        let mut items: HashMap<Vec<u8>, ItemId> = HashMap::new();
        copy::copy_out(&self.pool, what, &statement, |[subject, item, pts]| {
            let bad = |col: &str, e: &dyn std::fmt::Display| {
                StoreError::Corrupt(format!("{what}: column {col}: {e}"))
            };
            let (subject, item, pts) = match (subject, item, pts) {
                (Some(s), Some(i), Some(p)) => (s, i, p),
                _ => return Err(bad("subject/item/points", &"NULL")),
            };
            let subject = match &last {
                Some(s) if s.as_str().as_bytes() == subject => s.clone(),
                _ => {
                    let s = utf8(subject)
                        .and_then(|t| Subject::parse(t).map_err(|e| e.to_string()))
                        .map_err(|e| bad("subject", &e))?;
                    last = Some(s.clone());
                    s
                }
            };
            let item = match items.get(item) {
                Some(i) => i.clone(),
                None => {
                    let i = utf8(item)
                        .and_then(|t| ItemId::parse(t).map_err(|e| e.to_string()))
                        .map_err(|e| bad("item", &e))?;
                    items.insert(item.to_vec(), i.clone());
                    i
                }
            };
            let points = utf8(pts)
                .and_then(|t| Points::parse(t).map_err(|e| e.to_string()))
                .map_err(|e| bad("points", &e))?;
            out.push(Score {
                quarter: q,
                subject,
                item,
                points,
            });
            Ok(())
        })
        .await?;
        Ok(out)
    }

    async fn scores_on(&self, q: Quarter, names: &ScoreNames<'_>) -> Result<StoredScores> {
        // As `scores`, but each row goes straight into the grid of `names`; only a row that
        // does not fit it becomes a record.
        let what = "read scores";
        // `q` is a parsed quarter (`2026Q3`): safe to write into the statement.
        let statement = format!(
            "COPY (SELECT subject, item, points FROM scores WHERE quarter = '{q}' \
             ORDER BY subject COLLATE \"C\", item COLLATE \"C\") TO STDOUT"
        );
        let mut out = StoredScores::empty(names, q);
        copy::copy_out(&self.pool, what, &statement, |[subject, item, pts]| {
            let bad = |col: &str, e: &dyn std::fmt::Display| {
                StoreError::Corrupt(format!("{what}: column {col}: {e}"))
            };
            let (subject, item, pts) = match (subject, item, pts) {
                (Some(s), Some(i), Some(p)) => (s, i, p),
                _ => return Err(bad("subject/item/points", &"NULL")),
            };
            let subject = utf8(subject).map_err(|e| bad("subject", &e))?;
            let item = utf8(item).map_err(|e| bad("item", &e))?;
            let points = utf8(pts)
                .and_then(|t| Points::parse(t).map_err(|e| e.to_string()))
                .map_err(|e| bad("points", &e))?;
            out.place(names, (subject, item, points), || {
                Ok(Score {
                    quarter: q,
                    subject: Subject::parse(subject).map_err(|e| bad("subject", &e))?,
                    item: ItemId::parse(item).map_err(|e| bad("item", &e))?,
                    points,
                })
            })
        })
        .await?;
        Ok(out)
    }

    async fn scored_quarters(&self) -> Result<Vec<Quarter>> {
        // A loose index scan: one index probe per distinct quarter, not a scan of every score.
        sqlx::query(
            "WITH RECURSIVE q AS (
                 (SELECT quarter FROM scores ORDER BY quarter LIMIT 1)
                 UNION ALL
                 SELECT (SELECT s.quarter FROM scores s WHERE s.quarter > q.quarter
                         ORDER BY s.quarter LIMIT 1)
                 FROM q WHERE q.quarter IS NOT NULL
             )
             SELECT quarter FROM q WHERE quarter IS NOT NULL ORDER BY quarter",
        )
        .try_map(|row: PgRow| quarter(&row, "quarter"))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read scored quarters", e))
    }

    async fn import_events(&self, events: &[Event], audit: &AuditRecord) -> Result<EventImport> {
        let what = "import events";
        let compared = Compared::distinct(events);

        let mut tx = self.begin(what).await?;
        // Two imports of the same new id must not both find it absent.
        lock(&mut tx, "events", what).await?;
        let ids: Vec<&str> = compared.new.iter().map(|e| e.id.as_str()).collect();
        let stored = stored_by_id(
            &mut tx,
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ANY($1)"),
            &ids,
            event_of,
            |e: &Event| e.id.as_str(),
            what,
        )
        .await?;
        let Ok(compared) = compared.against(|e| Ok::<_, Infallible>(stored.get(e.id.as_str())));
        if !compared.problems.is_empty() {
            // Dropping `tx` rolls back: nothing of this import is written.
            return Err(StoreError::Rejected(format!(
                "{what}: {} (nothing was imported)",
                compared.problems.join("; ")
            )));
        }
        let (new, unchanged) = (compared.new, compared.unchanged);
        let added = new.len() as u64;
        copy::copy_in(
            &mut tx,
            what,
            "COPY events (event_id, date, subject, kind, level, note) FROM STDIN",
            new,
            |r, e| {
                r.text(e.id.as_str())
                    .plain(e.date)
                    .text(e.subject.as_str())
                    .text(e.kind.as_str())
                    .opt_text(e.level.map(Level::as_str))
                    .text(&e.note)
                    .end();
            },
        )
        .await?;
        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await?;
        Ok(EventImport { added, unchanged })
    }

    async fn events(&self, q: Quarter) -> Result<Vec<Event>> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM events
             WHERE date BETWEEN $1::date AND $2::date
               AND NOT EXISTS (SELECT 1 FROM event_withdrawals w
                               WHERE w.event_id = events.event_id)
             ORDER BY date, event_id"
        )))
        .bind(q.first_day().to_string())
        .bind(q.last_day().to_string())
        .try_map(|row: PgRow| event_of(&row))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read events", e))
    }

    async fn settlement(&self, q: Quarter) -> Result<Option<SettlementHeader>> {
        sqlx::query(
            "SELECT quarter, revision, fingerprint, policy_toml, settled_at_unix
             FROM settlements WHERE quarter = $1 ORDER BY revision DESC LIMIT 1",
        )
        .bind(q.to_string())
        .try_map(|row: PgRow| {
            Ok(SettlementHeader {
                quarter: quarter(&row, "quarter")?,
                revision: u32_of(&row, "revision")?,
                fingerprint: text(&row, "fingerprint")?.to_owned(),
                policy_toml: text(&row, "policy_toml")?.to_owned(),
                settled_at_unix: row.try_get("settled_at_unix")?,
            })
        })
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| error::map("read settlement", e))
    }

    async fn settlement_lines(&self, q: Quarter) -> Result<Vec<SettlementLine>> {
        let mut towns = Interner::new();
        let mut villages = Interner::new();
        let mut sequences = Interner::new();
        sqlx::query(
            "SELECT cadre_id, name, town, village, sequence, base_score, bonus, deduction,
                    total, rank, group_size, quota, grade, standard, base_paid,
                    performance_standard, adjustment, performance_paid, total_paid, flags
             FROM settlement_lines
             WHERE quarter = $1
               AND revision = (SELECT max(revision) FROM settlements WHERE quarter = $1)
             ORDER BY seq",
        )
        .bind(q.to_string())
        .try_map(|row: PgRow| {
            let grade = text(&row, "grade")?;
            let flags = text(&row, "flags")?;
            Ok(SettlementLine {
                quarter: q,
                cadre_id: parsed(&row, "cadre_id", CadreId::parse)?,
                name: text(&row, "name")?.to_owned(),
                town: towns.get(&row, "town", TownCode::parse)?,
                village: villages.get(&row, "village", VillageCode::parse)?,
                sequence: sequences.get(&row, "sequence", Sequence::parse)?,
                base_score: points(&row, "base_score")?,
                bonus: points(&row, "bonus")?,
                deduction: points(&row, "deduction")?,
                total: points(&row, "total")?,
                rank: u32_of(&row, "rank")?,
                group_size: u32_of(&row, "group_size")?,
                quota: u32_of(&row, "quota")?,
                grade: Grade::parse(grade).ok_or_else(|| bad(format!("grade `{grade}`")))?,
                standard: money(&row, "standard")?,
                base_paid: money(&row, "base_paid")?,
                performance_standard: money(&row, "performance_standard")?,
                adjustment: money(&row, "adjustment")?,
                performance_paid: money(&row, "performance_paid")?,
                total_paid: money(&row, "total_paid")?,
                flags: Flags::parse(flags).ok_or_else(|| bad(format!("flags `{flags}`")))?,
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read settlement lines", e))
    }

    async fn settled_quarters(&self) -> Result<Vec<Quarter>> {
        sqlx::query("SELECT DISTINCT quarter FROM settlements ORDER BY quarter")
            .try_map(|row: PgRow| quarter(&row, "quarter"))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| error::map("read settled quarters", e))
    }

    async fn commit_settlement(&self, s: &NewSettlement, audit: &AuditRecord) -> Result<()> {
        let h = &s.header;
        let (q, r) = (h.quarter, h.revision);
        let what = format!("settle {q} revision {r}");
        let what = what.as_str();
        kaohe_store::shared::check_new_settlement(s)?;
        let qs = q.to_string();

        let mut tx = self.begin(what).await?;
        lock(&mut tx, &format!("settlement:{qs}"), what).await?;
        let latest: Option<i64> =
            sqlx::query_scalar("SELECT max(revision) FROM settlements WHERE quarter = $1")
                .bind(&qs)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| error::map(what, e))?;
        let latest = latest.unwrap_or(0);
        if latest != i64::from(r) - 1 {
            return Err(StoreError::Conflict(match latest {
                0 => format!("{what}: {q} is not settled yet, so the next revision is 1"),
                l if l >= i64::from(r) => {
                    format!("{what}: revision {r} is already taken (latest stored: {l})")
                }
                l => format!("{what}: out of turn, the latest stored revision is {l}"),
            }));
        }
        sqlx::query(
            "INSERT INTO settlements (quarter, revision, fingerprint, policy_toml, settled_at_unix)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&qs)
        .bind(i64::from(r))
        .bind(&h.fingerprint)
        .bind(&h.policy_toml)
        .bind(h.settled_at_unix)
        .execute(&mut *tx)
        .await
        .map_err(|e| error::map(what, e))?;

        copy::copy_in(
            &mut tx,
            what,
            "COPY settlement_lines (quarter, revision, seq, cadre_id, name, town, village, \
             sequence, base_score, bonus, deduction, total, rank, group_size, quota, grade, \
             standard, base_paid, performance_standard, adjustment, performance_paid, \
             total_paid, flags) FROM STDIN",
            s.lines.iter().enumerate(),
            |w, (seq, l)| {
                w.plain(&qs)
                    .plain(r)
                    .plain(seq)
                    .text(l.cadre_id.as_str())
                    .text(&l.name)
                    .text(l.town.as_str())
                    .text(l.village.as_str())
                    .text(l.sequence.as_str())
                    .plain(l.base_score.to_decimal())
                    .plain(l.bonus.to_decimal())
                    .plain(l.deduction.to_decimal())
                    .plain(l.total.to_decimal())
                    .plain(l.rank)
                    .plain(l.group_size)
                    .plain(l.quota)
                    .plain(l.grade.as_str())
                    .plain(l.standard.to_decimal())
                    .plain(l.base_paid.to_decimal())
                    .plain(l.performance_standard.to_decimal())
                    .plain(l.adjustment.to_decimal())
                    .plain(l.performance_paid.to_decimal())
                    .plain(l.total_paid.to_decimal())
                    .plain(l.flags)
                    .end();
            },
        )
        .await?;

        // Numbered after the quarter's entries, revision-0 ones included: a number already
        // taken (a payment written meanwhile) is a Conflict.
        payments::append_ledger(&mut tx, &s.entries, what).await?;

        insert_audit(&mut tx, audit, what).await?;
        commit(tx, what).await
    }

    async fn ledger(&self, q: Quarter) -> Result<Vec<LedgerEntry>> {
        // COPY TO STDOUT, parsed here, as `scores`: a quarter's ledger is several rows a cadre.
        let what = "read ledger";
        // `q` is a parsed quarter (`2026Q3`): safe to write into the statement.
        let statement = format!(
            "COPY (SELECT entry, revision, cadre_id, kind, month, amount, article \
             FROM ledger WHERE quarter = '{q}' ORDER BY entry) TO STDOUT"
        );
        let mut out = Vec::new();
        let mut last: Option<CadreId> = None;
        copy::copy_out(&self.pool, what, &statement, |fields| {
            let bad = |col: &str, e: &dyn std::fmt::Display| {
                StoreError::Corrupt(format!("{what}: column {col}: {e}"))
            };
            let [entry, revision, cadre, kind, month, amount, article] = fields;
            let counter = |col: &str, f: Option<&[u8]>| {
                let t = copy_text(what, col, f)?;
                t.parse::<u32>()
                    .map_err(|_| bad(col, &format!("{t} is out of range")))
            };
            let cadre = copy_text(what, "cadre_id", cadre)?;
            let cadre_id = match &last {
                Some(c) if c.as_str() == cadre => c.clone(),
                _ => {
                    let c = CadreId::parse(cadre).map_err(|e| bad("cadre_id", &e))?;
                    last = Some(c.clone());
                    c
                }
            };
            let kind = copy_text(what, "kind", kind)?;
            let article = copy_text(what, "article", article)?;
            let kind = EntryKind::parse(kind).ok_or_else(|| bad("kind", &kind))?;
            // The article is stored beside the kind, and must be the kind's (Art.11, 12, 13, 16).
            if article != kind.article() {
                return Err(bad("article", &article));
            }
            out.push(LedgerEntry {
                quarter: q,
                revision: counter("revision", revision)?,
                entry: counter("entry", entry)?,
                cadre_id,
                kind,
                month: match month {
                    None => None,
                    Some(m) => {
                        let m = copy_text(what, "month", Some(m))?;
                        Some(month_of(m).ok_or_else(|| bad("month", &m))?)
                    }
                },
                amount: Money::parse(copy_text(what, "amount", amount)?)
                    .map_err(|e| bad("amount", &e))?,
            });
            Ok(())
        })
        .await?;
        Ok(out)
    }

    async fn appraisals(&self, cadre: Option<&CadreId>, before: Quarter) -> Result<Vec<Appraisal>> {
        // Two statements rather than `$2 IS NULL OR …`, which a generic plan cannot serve from
        // the (quarter, revision, cadre_id) index.
        let query = match cadre {
            None => sqlx::query(
                "SELECT l.cadre_id, l.quarter, l.grade
                 FROM (SELECT quarter, max(revision) AS revision FROM settlements
                       WHERE quarter < $1 GROUP BY quarter) s
                 JOIN settlement_lines l ON l.quarter = s.quarter AND l.revision = s.revision
                 ORDER BY l.cadre_id, l.quarter",
            )
            .bind(before.to_string()),
            Some(c) => sqlx::query(
                "SELECT l.cadre_id, l.quarter, l.grade
                 FROM (SELECT quarter, max(revision) AS revision FROM settlements
                       WHERE quarter < $1 GROUP BY quarter) s
                 JOIN settlement_lines l ON l.quarter = s.quarter AND l.revision = s.revision
                 WHERE l.cadre_id = $2
                 ORDER BY l.quarter",
            )
            .bind(before.to_string())
            .bind(c.as_str()),
        };
        query
            .try_map(|row: PgRow| {
                let grade = text(&row, "grade")?;
                Ok(Appraisal {
                    cadre_id: parsed(&row, "cadre_id", CadreId::parse)?,
                    quarter: quarter(&row, "quarter")?,
                    grade: Grade::parse(grade).ok_or_else(|| bad(format!("grade `{grade}`")))?,
                })
            })
            .fetch_all(&self.pool)
            .await
            .map_err(|e| error::map("read appraisals", e))
    }

    async fn audit_log(&self) -> Result<Vec<AuditRecord>> {
        sqlx::query(
            "SELECT at_unix, os_user, command, source_sha256, rows, summary, source_path
             FROM audit_log ORDER BY id",
        )
        .try_map(|row: PgRow| {
            let rows: Decimal = row.try_get("rows")?;
            Ok(AuditRecord {
                at_unix: row.try_get("at_unix")?,
                user: text(&row, "os_user")?.to_owned(),
                command: text(&row, "command")?.to_owned(),
                source_sha256: row.try_get::<Option<String>, _>("source_sha256")?,
                rows: rows.to_u64().ok_or_else(|| bad(format!("rows {rows}")))?,
                summary: text(&row, "summary")?.to_owned(),
                source_path: row.try_get::<Option<String>, _>("source_path")?,
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(|e| error::map("read audit log", e))
    }

    async fn append_entries(&self, entries: &[LedgerEntry], audit: &AuditRecord) -> Result<()> {
        self.do_append_entries(entries, audit).await
    }

    async fn events_by_id(&self, ids: &[EventId]) -> Result<Vec<Stored<Event>>> {
        self.do_events_by_id(ids).await
    }

    async fn import_awards(
        &self,
        awards: &[Award],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        self.do_import_awards(awards, entries, audit).await
    }

    async fn awards(&self) -> Result<Vec<Stored<Award>>> {
        self.do_awards().await
    }

    async fn import_condolences(
        &self,
        condolences: &[Condolence],
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        self.do_import_condolences(condolences, entries, audit)
            .await
    }

    async fn condolences(&self) -> Result<Vec<Stored<Condolence>>> {
        self.do_condolences().await
    }

    async fn withdraw(
        &self,
        target: &WithdrawTarget,
        mark: &Withdrawal,
        entries: &[LedgerEntry],
        audit: &AuditRecord,
    ) -> Result<bool> {
        self.do_withdraw(target, mark, entries, audit).await
    }

    async fn import_inspections(
        &self,
        records: &[Inspection],
        audit: &AuditRecord,
    ) -> Result<RecordImport> {
        self.do_import_inspections(records, audit).await
    }

    async fn inspections(&self) -> Result<Vec<Inspection>> {
        self.do_inspections().await
    }

    async fn import_health(
        &self,
        records: &[HealthRecord],
        audit: &AuditRecord,
    ) -> Result<RosterImport> {
        self.do_import_health(records, audit).await
    }

    async fn health_records(&self) -> Result<Vec<HealthRecord>> {
        self.do_health_records().await
    }

    async fn roster_history(&self, cadre: &CadreId) -> Result<Vec<RosterVersion>> {
        self.do_roster_history(cadre).await
    }

    async fn record_audit(&self, audit: &AuditRecord) -> Result<()> {
        self.do_record_audit(audit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations dir")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "{files:?}");
        for (file, (version, description, _)) in files.iter().zip(MIGRATIONS) {
            assert_eq!(file, &format!("{version:04}_{description}.sql"));
        }
    }

    #[test]
    fn schema_names() {
        assert!(is_plain_identifier("kaohe_test_0a9f"));
        assert!(is_plain_identifier("_x"));
        for bad in ["", "9a", "A", "a-b", "a b", "a\"b", &"a".repeat(64)] {
            assert!(!is_plain_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn months_parse_back() {
        assert_eq!(
            month_of("2026-07"),
            Some(Month {
                year: 2026,
                month: 7
            })
        );
        for bad in ["2026-7", "2026-13", "26-07", "2026/07", ""] {
            assert_eq!(month_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn last_occurrence_wins() {
        let v = [(1, 'a'), (2, 'b'), (1, 'c')];
        let kept: Vec<_> = last_wins(&v, |t| t.0).into_iter().copied().collect();
        assert_eq!(kept, [(2, 'b'), (1, 'c')]);
    }
}
