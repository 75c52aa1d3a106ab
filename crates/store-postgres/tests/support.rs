//! Test support: the database to test against, a fresh schema per test, data generators.
//!
//! The server is named by `KAOHE_TEST_POSTGRES` (a URL). Without it the tests say so on the
//! terminal and pass, unless `KAOHE_REQUIRE_POSTGRES=1`, when a missing variable or an
//! unreachable server fails them.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::io::Write as _;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use kaohe_domain::{
    CadreId, Date, EntryKind, Flag, Flags, Grade, ItemId, LedgerEntry, Money, Points, Quarter,
    Score, Sequence, SettlementLine, Subject, TownCode, VillageCode,
};
use kaohe_store::{AuditRecord, NewSettlement, SettlementHeader, Store, StoreError};
use kaohe_store_postgres::PgStore;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

pub const URL_VAR: &str = "KAOHE_TEST_POSTGRES";
pub const REQUIRE_VAR: &str = "KAOHE_REQUIRE_POSTGRES";

fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

/// Writes straight to the terminal: libtest captures `println!`/`eprintln!` of passing tests,
/// not writes to the stderr handle, so a skip is visible in a plain `cargo test`.
fn say_once(msg: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{msg}");
    });
}

/// The test server's URL, or `None` (after saying so) when the tests are to be skipped.
pub fn url() -> Option<String> {
    match std::env::var(URL_VAR) {
        Ok(u) if !u.is_empty() => Some(u),
        _ if required() => panic!("{URL_VAR} is not set and {REQUIRE_VAR}=1"),
        _ => {
            say_once("skipping PostgreSQL tests: KAOHE_TEST_POSTGRES not set");
            None
        }
    }
}

/// A new schema name, unique across processes and runs.
pub fn fresh_schema_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one((std::process::id(), n, std::time::SystemTime::now()));
    format!("kaohe_t_{random:016x}_{n}")
}

/// Opens a store on a fresh schema; `None` (after saying so) when the server cannot be
/// reached and reaching it is not required.
pub async fn open_fresh(url: &str) -> Option<(PgStore, String)> {
    let schema = fresh_schema_name();
    match PgStore::connect_with_schema(url, &schema).await {
        Ok(store) => Some((store, schema)),
        Err(e @ StoreError::Unavailable(_)) if !required() => {
            say_once(&format!(
                "skipping PostgreSQL tests: server not reachable: {e}"
            ));
            None
        }
        Err(e) => panic!("cannot open a PostgreSQL store: {e}"),
    }
}

/// Drops `schema` and everything in it.
pub async fn drop_schema(url: &str, schema: &str) {
    let mut conn = PgConnection::connect(url)
        .await
        .expect("connect to drop the schema");
    sqlx::query(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
    )))
    .execute(&mut conn)
    .await
    .expect("drop schema");
    let _ = conn.close().await;
}

/// What a test body gets: a store on its own fresh schema, and how to open it again.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub url: String,
    pub schema: String,
    pub store: PgStore,
}

impl Ctx {
    /// A second, independent store (its own pool) on the same schema.
    pub async fn reopen(&self) -> PgStore {
        PgStore::connect_with_schema(&self.url, &self.schema)
            .await
            .expect("reopen")
    }
}

/// Runs `body` on a store in a fresh schema, then drops the schema, even when `body` panics.
pub async fn run<F, Fut>(body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(url) = url() else { return };
    let Some((store, schema)) = open_fresh(&url).await else {
        return;
    };
    let ctx = Ctx {
        url: url.clone(),
        schema: schema.clone(),
        store: store.clone(),
    };
    let outcome = tokio::spawn(body(ctx)).await;
    store.close().await;
    drop_schema(&url, &schema).await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(p) => std::panic::resume_unwind(p),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

// ---- data ---------------------------------------------------------------------------------

pub fn q(s: &str) -> Quarter {
    Quarter::parse(s).unwrap()
}
pub fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}
pub fn pts(s: &str) -> Points {
    Points::parse(s).unwrap()
}
pub fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

pub fn audit(command: &str, rows: u64) -> AuditRecord {
    AuditRecord {
        at_unix: 1_790_000_000,
        user: "tester".into(),
        command: command.into(),
        source_sha256: None,
        source_path: None,
        rows,
        summary: format!("{rows} rows"),
    }
}

/// `n` scores of quarter `quarter`: subjects `S000000…` × 10 items, points from the index.
pub fn scores(quarter: Quarter, n: usize) -> Vec<Score> {
    let items: Vec<ItemId> = (0..10)
        .map(|i| ItemId::parse(&format!("item.{i}")).unwrap())
        .collect();
    let mut subject = Subject::parse("S000000").unwrap();
    (0..n)
        .map(|i| {
            if i % 10 == 0 {
                subject = Subject::parse(&format!("S{:06}", i / 10)).unwrap();
            }
            Score {
                quarter,
                subject: subject.clone(),
                item: items[i % 10].clone(),
                points: Points::from_hundredths((i % 500) as i64),
            }
        })
        .collect()
}

/// A settlement of `lines` cadres with six ledger entries each (three monthly bases,
/// performance, excellent bonus, unqualified deduction), entries numbered from `first_entry`.
/// Deterministic: the same arguments give the same settlement, in any process.
pub fn settlement(
    quarter: Quarter,
    revision: u32,
    lines: usize,
    first_entry: u32,
) -> NewSettlement {
    let towns: Vec<TownCode> = (0..20)
        .map(|t| TownCode::parse(&format!("T{t:02}")).unwrap())
        .collect();
    let seqs = [
        Sequence::parse("正职").unwrap(),
        Sequence::parse("委员").unwrap(),
    ];
    let months = quarter.months();
    let mut out_lines = Vec::with_capacity(lines);
    let mut entries = Vec::with_capacity(lines * 6);
    let mut entry = first_entry;
    for i in 0..lines {
        let cadre_id = CadreId::parse(&format!("C{i:07}")).unwrap();
        let village = VillageCode::parse(&format!("V{:05}", i / 8)).unwrap();
        let grade = match i % 10 {
            0 => Grade::Excellent,
            9 => Grade::Unqualified,
            _ => Grade::Qualified,
        };
        let monthly = 100_000 + (i as i64 * 7919) % 100_000; // fen
        let base_m = Money::from_hundredths(monthly / 5);
        let standard = Money::from_hundredths(monthly * 3);
        let base_paid = base_m + base_m + base_m;
        let perf = standard - base_paid;
        let adjustment = match grade {
            Grade::Excellent => Money::from_hundredths(perf.hundredths() * 2 / 5),
            Grade::Unqualified => -Money::from_hundredths(perf.hundredths() * 2 / 5),
            Grade::Qualified => Money::ZERO,
        };
        let mut flags = Flags::NONE;
        match grade {
            Grade::Excellent => flags.insert(Flag::Recommend),
            Grade::Unqualified => flags.insert(Flag::Admonish),
            Grade::Qualified => {}
        }
        let name = if i % 1000 == 7 {
            // Exercises COPY escaping.
            format!("张\t三\\{i}\n\r\"'")
        } else {
            format!("干部{i}")
        };
        out_lines.push(SettlementLine {
            quarter,
            cadre_id: cadre_id.clone(),
            name,
            town: towns[i % towns.len()].clone(),
            village,
            sequence: seqs[i % 2].clone(),
            base_score: Points::from_hundredths(6000 + (i as i64 % 4000)),
            bonus: Points::from_hundredths((i as i64 % 3) * 200),
            deduction: Points::from_hundredths((i as i64 % 5) * 100),
            total: Points::from_hundredths(6000 + (i as i64 % 4000) - 150),
            rank: (i % 500) as u32 + 1,
            group_size: 500,
            quota: 100,
            grade,
            standard,
            base_paid,
            performance_standard: perf,
            adjustment,
            performance_paid: perf + adjustment,
            total_paid: base_paid + perf + adjustment,
            flags,
        });
        let mut push = |kind: EntryKind, month, amount| {
            entries.push(LedgerEntry {
                quarter,
                revision,
                entry,
                cadre_id: cadre_id.clone(),
                kind,
                month,
                amount,
            });
            entry += 1;
        };
        for m in months {
            push(EntryKind::Base, Some(m), base_m);
        }
        push(EntryKind::Performance, None, perf);
        let (bonus, deduction) = match grade {
            Grade::Excellent => (adjustment, Money::ZERO),
            Grade::Unqualified => (Money::ZERO, adjustment),
            Grade::Qualified => (Money::ZERO, Money::ZERO),
        };
        push(EntryKind::ExcellentBonus, None, bonus);
        push(EntryKind::UnqualifiedDeduction, None, deduction);
    }
    NewSettlement {
        header: SettlementHeader {
            quarter,
            revision,
            fingerprint: format!("fp-{quarter}-{revision}-{lines}"),
            policy_toml: kaohe_domain::Policy::default().to_toml(),
            settled_at_unix: 1_790_000_000 + i64::from(revision),
        },
        lines: out_lines,
        entries,
    }
}

/// Sum of the amounts of `entries`, in fen.
pub fn ledger_sum(entries: &[LedgerEntry]) -> i64 {
    entries.iter().map(|e| e.amount.hundredths()).sum()
}

/// Reads back through the API and checks that quarter `s.header.quarter` holds exactly `s`.
pub async fn assert_holds(store: &dyn Store, s: &NewSettlement) {
    let quarter = s.header.quarter;
    assert_eq!(
        store.settlement(quarter).await.unwrap().as_ref(),
        Some(&s.header)
    );
    let lines = store.settlement_lines(quarter).await.unwrap();
    assert_eq!(lines.len(), s.lines.len());
    assert!(
        lines == s.lines,
        "settlement lines differ from those written"
    );
    let ledger = store.ledger(quarter).await.unwrap();
    assert_eq!(ledger.len(), s.entries.len());
    assert!(
        ledger == s.entries,
        "ledger differs from the entries written"
    );
}
