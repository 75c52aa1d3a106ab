//! Scale smoke of the application layer and the national `kaohe compute` timing.
//!
//! **Smoke** (the default): a synthetic county of 200,000 cadres (villages of 4–6 cadres, 20
//! villages a town, every village and cadre item of the default policy scored, one event per
//! 40 cadres: 50,000 in a national quarter) is written as CSV files into a temporary folder,
//! then imported and settled on each store through the CLI's own entry points (`kaohe::files::import_file`, timed phase by
//! phase from the progress it reports, and `kaohe::lifecycle::settle`). Each phase is timed and given in rows/s,
//! beside a raw bulk write of the same rows in the same run: for redb one write transaction of
//! the same number of sorted (key, value) rows of similar size into a bare table, for
//! PostgreSQL a `COPY` of the same rows into bare tables with only a primary key. The
//! PostgreSQL part uses `KAOHE_TEST_POSTGRES` (a URL) and a fresh schema that it drops after;
//! without the variable it says so and skips. Before each PostgreSQL write phase (kaohe's and
//! the raw one) a `CHECKPOINT` is issued, so that one phase's WAL does not slow the next. The
//! raw rows are prepared before their clock starts; kaohe's phases include their encoding.
//! `detail:` rows read settle's inputs again one by one (roster, scores, events and earlier
//! grades, fingerprint) to show what "read inputs" is made of.
//!
//! **National** (`-- national`): 2,000,000 cadres in 500,000 villages (3–5 a village), about
//! 26 million score rows. The files are generated once into `KAOHE_NATIONAL_DIR` (kept and
//! reused) or a temporary folder (removed after). Then the library calls of `kaohe compute` are
//! timed in process, phase by phase (wall clock, and the process's user and system CPU from
//! `/proc/self/stat`, steadier than wall time on a shared machine), and the real binary
//! `target/release/kaohe compute` (or `KAOHE_BIN`) is timed end to end, with its peak RSS and
//! CPU (`/usr/bin/time -v`, else the peak polled from `/proc`). Build the binary first:
//! `cargo build --release -p kaohe-cli`.
//!
//! **Binary** (`-- binary`, what `cargo xtask bench` runs; `scale/children.rs`): every phase
//! as the real binary in a child process — `kaohe compute`, then per store `kaohe import
//! roster|scores|events` and `kaohe settle` — with wall time, peak RSS and CPU, beside the raw
//! bulk write of the same rows; the county is cached in `target/bench/county-N/`.
//!
//! ```text
//! cargo bench --bench scale                         # redb and PostgreSQL, 200,000 cadres, 3 runs
//! cargo bench --bench scale -- redb 50000 runs=1    # one store, another size
//! KAOHE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test cargo bench --bench scale -- pg
//! cargo bench --bench scale -- national             # national compute, 3 runs
//! cargo bench --bench scale -- national 500000 runs=1
//! cargo xtask bench --cadres 100k                   # = -- binary 100000 (after building kaohe)
//! ```
//!
//! Arguments (any order): `redb`, `pg`/`postgres`, `national`, `binary`, a number of cadres
//! (`200000`, `200k`, `2m`), `runs=N`, `peer=CMD` (binary mode). Medians of the runs are printed, with the machine's load average.

use std::error::Error;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kaohe::files::FileKind;
use kaohe::lifecycle::{self, Progress, SettleOptions, SettleStatus};
use kaohe_domain::{Cadre, LedgerEntry, Policy, Quarter, Scope, Score, SettlementLine};
use kaohe_store::{AuditRecord, Store};
use redb::{
    Database, Durability, ReadableDatabase as _, ReadableTableMetadata as _, TableDefinition,
};
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

#[path = "scale/children.rs"]
mod children;

type R<T> = Result<T, Box<dyn Error + Send + Sync>>;

const QUARTER: &str = "2026Q3";
const PG_VAR: &str = "KAOHE_TEST_POSTGRES";
const NATIONAL_DIR_VAR: &str = "KAOHE_NATIONAL_DIR";

// ---- arguments ------------------------------------------------------------------------------

#[derive(Debug)]
struct Args {
    redb: bool,
    postgres: bool,
    national: bool,
    /// `binary`: every phase as the real `kaohe` binary in a child process (`children.rs`).
    binary: bool,
    cadres: Option<usize>,
    runs: usize,
    /// `peer=CMD`: an outside tool timed beside `kaohe compute` (binary mode only).
    peer: Option<String>,
}

fn parse_count(s: &str) -> Option<usize> {
    let s = s.replace('_', "").to_ascii_lowercase();
    let (digits, mult) = match s.strip_suffix('k') {
        Some(d) => (d.to_owned(), 1_000),
        None => match s.strip_suffix('m') {
            Some(d) => (d.to_owned(), 1_000_000),
            None => (s.clone(), 1),
        },
    };
    digits.parse::<usize>().ok().map(|n| n * mult)
}

fn args() -> R<Args> {
    let mut a = Args {
        redb: false,
        postgres: false,
        national: false,
        binary: false,
        cadres: None,
        runs: 3,
        peer: None,
    };
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            // cargo bench passes `--bench`; libtest-style flags mean nothing here.
            s if s.starts_with('-') => {}
            "redb" => a.redb = true,
            "pg" | "postgres" | "postgresql" => a.postgres = true,
            "national" => a.national = true,
            "binary" => a.binary = true,
            s if s.starts_with("peer=") => a.peer = Some(s["peer=".len()..].to_owned()),
            s => match s.strip_prefix("runs=") {
                Some(n) => a.runs = n.parse().map_err(|_| format!("bad `{s}`: runs=N"))?,
                None => match parse_count(s) {
                    Some(n) if n > 0 => a.cadres = Some(n),
                    _ => {
                        return Err(format!(
                            "unknown argument `{s}`: use redb, pg, national, binary, a \
                             number of cadres, runs=N, peer=CMD"
                        )
                        .into());
                    }
                },
            },
        }
    }
    if a.peer.is_some() && !a.binary {
        return Err("peer=CMD is for the binary mode only".into());
    }
    if !a.redb && !a.postgres && !a.national {
        a.redb = true;
        a.postgres = true;
    }
    a.runs = a.runs.max(1);
    Ok(a)
}

// ---- small helpers --------------------------------------------------------------------------

/// The machine's load averages, as `uptime` gives them.
fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| {
            let v: Vec<&str> = s.split_whitespace().take(3).collect();
            format!("load average {}", v.join(", "))
        })
        .unwrap_or_else(|_| "load average unknown".into())
}

fn ms(d: Duration) -> String {
    let us = d.as_micros();
    format!("{}.{:01}", us / 1000, (us % 1000) / 100)
}

/// Rows per second, without floats.
fn rate(rows: u64, d: Duration) -> u64 {
    let us = d.as_micros().max(1);
    u64::try_from(u128::from(rows) * 1_000_000 / us).unwrap_or(u64::MAX)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// A folder removed when dropped (unless kept).
struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    fn new(what: &str) -> R<TempDir> {
        let path = std::env::temp_dir().join(format!("kaohe-{what}-{}", unique_suffix()));
        fs::create_dir_all(&path)?;
        Ok(TempDir { path, keep: false })
    }
    fn kept(path: PathBuf) -> R<TempDir> {
        fs::create_dir_all(&path)?;
        Ok(TempDir { path, keep: true })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// A small deterministic generator (SplitMix64): the county must not depend on a random crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

// ---- the synthetic county -------------------------------------------------------------------

/// How the county is shaped.
#[derive(Debug, Clone, Copy)]
struct Shape {
    cadres: usize,
    /// Cadres per village, from `village_min` to `village_max`.
    village_min: u64,
    village_max: u64,
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default)]
struct County {
    cadres: u64,
    villages: u64,
    scores: u64,
    events: u64,
    bytes: u64,
}

struct Files {
    roster: PathBuf,
    scores: PathBuf,
    events: PathBuf,
}

impl Files {
    fn in_dir(dir: &Path) -> Files {
        Files {
            roster: dir.join("roster.csv"),
            scores: dir.join("scores.csv"),
            events: dir.join("events.csv"),
        }
    }
}

/// Creates (or truncates) a file only its owner can read and write (mode 0600).
fn create_private(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

/// Points as the file writes them: two decimals.
fn hundredths_text(out: &mut String, h: i64) {
    let _ = write!(out, "{}.{:02}", h / 100, h % 100);
}

/// Writes `roster.csv`, `scores.csv` and `events.csv` of a synthetic county into `dir`.
///
/// Villages have `village_min..=village_max` cadres, towns 20 villages; the first cadre of a
/// village is in sequence 正职, the others in 委员. One cadre in 50 joins or leaves within the
/// quarter. Scores: every item of the default policy, village items for each village and
/// cadre items for each cadre, in roster order (village by village), multiples of 0.25 from
/// 60% of the item's maximum up to it. Events: one per 40 cadres (50,000 for 2M), every kind
/// of the default table, cadre events only for cadres in office all quarter. The files are created 0600.
fn generate(dir: &Path, shape: Shape) -> R<County> {
    let files = Files::in_dir(dir);
    let policy = Policy::default();
    let items: Vec<(String, Scope, i64)> = policy
        .items()
        .map(|(_, s, it)| (it.id.as_str().to_owned(), s.scope, it.max.hundredths()))
        .collect();
    let village_items: Vec<&(String, Scope, i64)> =
        items.iter().filter(|i| i.1 == Scope::Village).collect();
    let cadre_items: Vec<&(String, Scope, i64)> =
        items.iter().filter(|i| i.1 == Scope::Cadre).collect();

    let mut rng = Rng(0x6B61_6F68_6500_0000 ^ shape.cadres as u64);
    let mut roster = BufWriter::with_capacity(1 << 20, create_private(&files.roster)?);
    let mut scores = BufWriter::with_capacity(1 << 20, create_private(&files.scores)?);
    roster.write_all(
        b"cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n",
    )?;
    scores.write_all(b"quarter,subject,item,points\n")?;
    let mut county = County::default();
    let mut steady: Vec<bool> = Vec::with_capacity(shape.cadres);
    let mut line = String::with_capacity(256);
    let points = |max: i64, rng: &mut Rng, line: &mut String| {
        let top = max / 25;
        let h = (top * 6 / 10 + rng.below((top * 4 / 10 + 1) as u64) as i64) * 25;
        hundredths_text(line, h);
    };
    let span = shape.village_max - shape.village_min + 1;
    let mut i = 0usize;
    let mut v = 0usize;
    while i < shape.cadres {
        let size = ((shape.village_min + rng.below(span)) as usize).min(shape.cadres - i);
        let village = format!("V{v:07}");
        let town = format!("T{:05}", v / 20);
        line.clear();
        for (id, _, max) in &village_items {
            let _ = write!(line, "{QUARTER},{village},{id},");
            points(*max, &mut rng, &mut line);
            line.push('\n');
            county.scores += 1;
        }
        scores.write_all(line.as_bytes())?;
        for j in 0..size {
            let (sequence, position) = match j {
                0 => ("正职", "党组织书记"),
                1 => ("委员", "村委会主任"),
                _ => ("委员", "委员"),
            };
            let subsidy = 150_000 + rng.below(50_000) as i64;
            let (start, end) = match rng.below(50) {
                0 => ("2026-08-10", ""),
                1 => ("2020-01-01", "2026-09-20"),
                _ => ("2020-01-01", ""),
            };
            steady.push(start == "2020-01-01" && end.is_empty());
            line.clear();
            let _ = write!(
                line,
                "C{i:08},干部{i},{town},{village},{sequence},{position},"
            );
            hundredths_text(&mut line, subsidy);
            let _ = writeln!(line, ",{start},{end}");
            roster.write_all(line.as_bytes())?;
            line.clear();
            for (id, _, max) in &cadre_items {
                let _ = write!(line, "{QUARTER},C{i:08},{id},");
                points(*max, &mut rng, &mut line);
                line.push('\n');
                county.scores += 1;
            }
            scores.write_all(line.as_bytes())?;
            i += 1;
        }
        v += 1;
    }
    county.cadres = shape.cadres as u64;
    county.villages = v as u64;
    roster.flush()?;
    scores.flush()?;

    let mut events = BufWriter::new(create_private(&files.events)?);
    events.write_all(b"event_id,date,subject,kind,level,note\n")?;
    let kinds = [
        ("inspection_praise", true),
        ("work_promoted", true),
        ("inspection_criticized", true),
        ("media_exposure", true),
        ("commendation", false),
    ];
    let levels = ["national", "provincial", "municipal", "county"];
    for e in 0..shape.cadres / 40 {
        let (kind, village) = kinds[e % kinds.len()];
        let subject = if village {
            format!("V{:07}", rng.below(county.villages))
        } else {
            let mut c = rng.below(county.cadres) as usize;
            while !steady[c] {
                c = (c + 1) % steady.len();
            }
            format!("C{c:08}")
        };
        let level = if kind == "media_exposure" {
            ""
        } else {
            levels[e % 4]
        };
        let note = if e % 3 == 0 { "县委督查通报" } else { "" };
        writeln!(
            events,
            "E{e:07},2026-{:02}-{:02},{subject},{kind},{level},{note}",
            7 + e % 3,
            1 + e % 28
        )?;
        county.events += 1;
    }
    events.flush()?;
    county.bytes = [&files.roster, &files.scores, &files.events]
        .iter()
        .map(|p| fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    Ok(county)
}

// ---- the smoke: import and settle on a store ------------------------------------------------

/// The phases measured, in table order.
const PHASES: &[&str] = &[
    "roster: read + check file",
    "roster: import (store)",
    "scores: load roster + policy",
    "scores: read + check file",
    "scores: import (store)",
    "events: load roster + policy",
    "events: read + check file",
    "events: import (store)",
    "settle: check quarter order",
    "settle: read inputs + fingerprint",
    "settle: compute (Art.7-11)",
    "settle: write (lines, ledger[, idx])",
    "settle: total",
    "raw: roster rows, one write",
    "raw: score rows, one write",
    "raw: settle rows, one write",
    "detail: store.roster()",
    "detail: store.scores(q)",
    "detail: store.events + appraisals",
    "detail: fingerprint",
];

/// One run's times and row counts, by phase (indices of [`PHASES`]).
#[derive(Debug, Clone, Default)]
struct Run {
    times: Vec<Duration>,
    rows: Vec<u64>,
}

impl Run {
    fn new() -> Run {
        Run {
            times: vec![Duration::ZERO; PHASES.len()],
            rows: vec![0; PHASES.len()],
        }
    }
    fn set(&mut self, phase: &str, rows: u64, d: Duration) {
        let i = PHASES
            .iter()
            .position(|p| *p == phase)
            .expect("a known phase");
        self.times[i] = d;
        self.rows[i] = rows;
    }
}

/// Records when each settle phase starts.
#[derive(Default)]
struct Clock(Mutex<Vec<(String, Instant)>>);

impl Clock {
    /// When the first phase named `name…` began.
    fn at(&self, name: &str) -> R<Instant> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(n, _)| n.starts_with(name))
            .map(|(_, t)| *t)
            .ok_or_else(|| format!("no phase `{name}` was reported").into())
    }
}

impl Progress for Clock {
    fn phase(&self, name: &str) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name.to_owned(), Instant::now()));
    }
}

fn audit(rows: u64, summary: &str, source: Option<&[u8]>) -> AuditRecord {
    AuditRecord {
        at_unix: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
        user: "bench".into(),
        command: format!("cargo bench --bench scale ({summary})"),
        source_sha256: source.map(kaohe::sha256_hex),
        source_path: source.map(|_| "bench input".into()),
        rows,
        summary: summary.into(),
    }
}

/// What the raw writes need: the rows kaohe wrote.
struct Written {
    cadres: Vec<Cadre>,
    scores: Vec<Score>,
    lines: Vec<SettlementLine>,
    ledger: Vec<LedgerEntry>,
}

/// Imports the county's files and settles the quarter as the CLI does, timing each phase.
/// With `checkpoint_url`, a PostgreSQL `CHECKPOINT` is issued before each write phase.
async fn pipeline(
    store: &dyn Store,
    files: &Files,
    checkpoint_url: Option<&str>,
    run: &mut Run,
) -> R<Written> {
    let q = Quarter::parse(QUARTER)?;
    let before_write = || async {
        if let Some(url) = checkpoint_url {
            checkpoint(url).await;
        }
    };

    // kaohe import roster|scores|events FILE, through the CLI's own entry point. The reading
    // phases write nothing, so one checkpoint before each import serves its write phase.
    let who = kaohe::Invocation {
        user: "bench".into(),
        command: "cargo bench --bench scale".into(),
    };
    let (mut inputs, mut cadres) = (0, 0);
    for (kind, path, phases) in [
        (FileKind::Roster, &files.roster, &PHASES[0..2]),
        (FileKind::Scores, &files.scores, &PHASES[2..5]),
        (FileKind::Events, &files.events, &PHASES[5..8]),
    ] {
        before_write().await;
        let clock = Clock::default();
        let t0 = Instant::now();
        let done = kaohe::files::import_file(store, kind, (path, None), &who, &clock).await?;
        let end = Instant::now();
        let at = |name: &str| clock.at(name);
        let (checking, importing) = (at("checking")?, at("importing")?);
        let rows = done.rows;
        if let [load, read, write] = phases {
            run.set(load, cadres, checking - t0);
            run.set(read, rows, importing - checking);
            run.set(write, rows, end - importing);
        } else if let [read, write] = phases {
            run.set(read, rows, importing - t0);
            run.set(write, rows, end - importing);
            cadres = rows;
        }
        inputs += rows;
    }

    // kaohe settle --quarter Q
    before_write().await;
    let clock = Clock::default();
    let t0 = Instant::now();
    let s = lifecycle::settle(
        store,
        q,
        SettleOptions::default(),
        &audit(0, "settle", None),
        &clock,
    )
    .await?;
    let end = Instant::now();
    if s.status != SettleStatus::Settled {
        return Err(format!("settle ended {:?}, not Settled", s.status).into());
    }
    let ledger = store.ledger(q).await?;
    let at = |name: &str| clock.at(name);
    let (read, compute, write) = (at("reading")?, at("computing")?, at("writing")?);
    run.set(PHASES[8], 0, read - t0);
    run.set(PHASES[9], inputs, compute - read);
    run.set(PHASES[10], s.lines.len() as u64, write - compute);
    run.set(
        PHASES[11],
        (s.lines.len() + ledger.len()) as u64,
        end - write,
    );
    run.set(PHASES[12], s.lines.len() as u64, end - t0);

    // What settle's "read inputs" is made of, read again (after the settlement, untimed there).
    let t = Instant::now();
    let roster = store.roster().await?;
    run.set(PHASES[16], roster.len() as u64, t.elapsed());
    let t = Instant::now();
    let stored_scores = store.scores(q).await?;
    run.set(PHASES[17], stored_scores.len() as u64, t.elapsed());
    let t = Instant::now();
    let stored_events = store.events(q).await?;
    let history = store.appraisals(None, q).await?;
    run.set(PHASES[18], stored_events.len() as u64, t.elapsed());
    let t = Instant::now();
    let print = kaohe::fingerprint(
        q,
        &s.policy,
        &roster,
        &stored_scores,
        &stored_events,
        &history,
        false,
    );
    run.set(PHASES[19], stored_scores.len() as u64, t.elapsed());
    std::hint::black_box(print);
    drop((stored_events, history));
    // The rows the raw writes compare with: those kaohe stored (the raw rows are sorted).
    Ok(Written {
        cadres: roster,
        scores: stored_scores,
        lines: s.lines,
        ledger,
    })
}

// ---- raw bulk writes: redb ------------------------------------------------------------------

const RAW: TableDefinition<&[u8], &[u8]> = TableDefinition::new("raw");

/// A value of `n` bytes (a stand-in for an encoded record of that size).
fn blob(parts: &[&[u8]], fixed: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(fixed + parts.iter().map(|p| p.len() + 4).sum::<usize>());
    v.push(1);
    for p in parts {
        v.extend_from_slice(&(p.len() as u32).to_le_bytes());
        v.extend_from_slice(p);
    }
    v.resize(v.len() + fixed, 7);
    v
}

/// Rows shaped like the redb store's: same key layout, values of about the same size.
fn raw_rows(w: &Written) -> [Vec<(Vec<u8>, Vec<u8>)>; 3] {
    let qk = [0x1f, 0xaa];
    let mut roster: Vec<(Vec<u8>, Vec<u8>)> = w
        .cadres
        .iter()
        .map(|c| {
            let v = blob(
                &[
                    c.name.as_bytes(),
                    c.town.as_str().as_bytes(),
                    c.village.as_str().as_bytes(),
                    c.sequence.as_str().as_bytes(),
                    c.position.as_bytes(),
                ],
                8 + 4 + 5,
            );
            (c.id.as_str().as_bytes().to_vec(), v)
        })
        .collect();
    let mut scores: Vec<(Vec<u8>, Vec<u8>)> = w
        .scores
        .iter()
        .map(|s| {
            let mut k = qk.to_vec();
            k.extend_from_slice(s.subject.as_str().as_bytes());
            k.push(0);
            k.extend_from_slice(s.item.as_str().as_bytes());
            (k, blob(&[], 8))
        })
        .collect();
    let mut settle: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for (seq, l) in w.lines.iter().enumerate() {
        let mut k = vec![0u8];
        k.extend_from_slice(&qk);
        k.extend_from_slice(&1u32.to_be_bytes());
        k.extend_from_slice(&(seq as u32).to_be_bytes());
        let v = blob(
            &[
                l.cadre_id.as_str().as_bytes(),
                l.name.as_bytes(),
                l.town.as_str().as_bytes(),
                l.village.as_str().as_bytes(),
                l.sequence.as_str().as_bytes(),
            ],
            4 * 8 + 3 * 4 + 1 + 6 * 8 + 1,
        );
        settle.push((k, v));
        let mut k = vec![1u8];
        k.extend_from_slice(&qk);
        k.extend_from_slice(l.cadre_id.as_str().as_bytes());
        settle.push((k, blob(&[], 1)));
    }
    for e in &w.ledger {
        let mut k = vec![2u8];
        k.extend_from_slice(&qk);
        k.extend_from_slice(&e.entry.to_be_bytes());
        settle.push((
            k,
            blob(&[e.cadre_id.as_str().as_bytes()], 4 + 1 + 5 + 8 + 1),
        ));
    }
    for rows in [&mut roster, &mut scores, &mut settle] {
        rows.sort_unstable();
    }
    [roster, scores, settle]
}

/// One durable write transaction of `rows` (sorted) into a bare table of a new file.
fn raw_redb_write(path: &Path, rows: &[(Vec<u8>, Vec<u8>)]) -> R<Duration> {
    let db = Database::create(path)?;
    let t = Instant::now();
    let mut txn = db.begin_write()?;
    txn.set_durability(Durability::Immediate)?;
    {
        let mut table = txn.open_table(RAW)?;
        for (k, v) in rows {
            table.insert(k.as_slice(), v.as_slice())?;
        }
    }
    txn.commit()?;
    let d = t.elapsed();
    // Read one row back, so that the write is known to be there.
    let check = db.begin_read()?.open_table(RAW)?.len()?;
    if check != rows.len() as u64 {
        return Err(format!("raw redb write: {check} rows stored of {}", rows.len()).into());
    }
    drop(db);
    let _ = fs::remove_file(path);
    Ok(d)
}

/// The raw bulk writes of the rows kaohe wrote, on redb: the roster, score and settle rows of
/// [`raw_rows`], each one durable write transaction into a new file `path` (removed after).
/// The rows and the time of each write.
fn raw_redb(path: &Path, written: Written) -> R<[(u64, Duration); 3]> {
    let sets = raw_rows(&written);
    drop(written);
    let mut out = [(0, Duration::ZERO); 3];
    for (slot, rows) in out.iter_mut().zip(&sets) {
        *slot = (rows.len() as u64, raw_redb_write(path, rows)?);
    }
    Ok(out)
}

async fn smoke_redb(args: &Args, cadres: usize) -> R<()> {
    println!(
        "\n== redb: {} cadres, {} runs ==",
        thousands(cadres as u64),
        args.runs
    );
    let dir = TempDir::new("scale-redb")?;
    let county = generate(
        &dir.path,
        Shape {
            cadres,
            village_min: 4,
            village_max: 6,
        },
    )?;
    print_county(&county);
    let files = Files::in_dir(&dir.path);
    let load_before = load();
    let mut runs = Vec::new();
    for k in 0..args.runs {
        let mut run = Run::new();
        let path = dir.path.join(format!("kaohe-{k}.redb"));
        let store = kaohe::open_store(&format!("redb:{}", path.display())).await?;
        let written = pipeline(&*store, &files, None, &mut run).await?;
        // The redb store also rewrites its appraisal index: one row per line.
        run.rows[11] += written.lines.len() as u64;
        drop(store);
        let _ = fs::remove_file(&path);
        let raw = raw_redb(&dir.path.join("raw.redb"), written)?;
        for (i, (rows, d)) in raw.into_iter().enumerate() {
            run.set(PHASES[13 + i], rows, d);
        }
        println!(
            "  run {}: settle total {} ms, scores import {} ms ({})",
            k + 1,
            ms(run.times[12]),
            ms(run.times[4]),
            load()
        );
        runs.push(run);
    }
    print_table("redb", &runs, &load_before);
    Ok(())
}

// ---- raw bulk writes: PostgreSQL -------------------------------------------------------------

/// Bare tables: the kaohe tables' columns and primary keys, nothing else.
const PG_RAW_DDL: &str = r#"
CREATE TABLE raw_cadres (cadre_id text COLLATE "C" NOT NULL, name text NOT NULL,
    town text COLLATE "C" NOT NULL, village text COLLATE "C" NOT NULL,
    sequence text COLLATE "C" NOT NULL, position text NOT NULL,
    monthly_subsidy numeric(14,2) NOT NULL, start_date date NOT NULL, end_date date,
    PRIMARY KEY (cadre_id));
CREATE TABLE raw_scores (quarter text COLLATE "C" NOT NULL, subject text COLLATE "C" NOT NULL,
    item text COLLATE "C" NOT NULL, points numeric(14,2) NOT NULL,
    PRIMARY KEY (quarter, subject, item));
CREATE TABLE raw_lines (quarter text COLLATE "C" NOT NULL, revision bigint NOT NULL,
    seq bigint NOT NULL, cadre_id text COLLATE "C" NOT NULL, name text NOT NULL,
    town text COLLATE "C" NOT NULL, village text COLLATE "C" NOT NULL,
    sequence text COLLATE "C" NOT NULL, base_score numeric(14,2) NOT NULL,
    bonus numeric(14,2) NOT NULL, deduction numeric(14,2) NOT NULL,
    total numeric(14,2) NOT NULL, rank bigint NOT NULL, group_size bigint NOT NULL,
    quota bigint NOT NULL, grade text NOT NULL, standard numeric(14,2) NOT NULL,
    base_paid numeric(14,2) NOT NULL, performance_standard numeric(14,2) NOT NULL,
    adjustment numeric(14,2) NOT NULL, performance_paid numeric(14,2) NOT NULL,
    total_paid numeric(14,2) NOT NULL, flags text NOT NULL,
    PRIMARY KEY (quarter, revision, seq));
CREATE TABLE raw_ledger (quarter text COLLATE "C" NOT NULL, entry bigint NOT NULL,
    revision bigint NOT NULL, cadre_id text COLLATE "C" NOT NULL, kind text NOT NULL,
    month text COLLATE "C", amount numeric(14,2) NOT NULL, article text NOT NULL,
    PRIMARY KEY (quarter, entry));
"#;

/// COPY text rows of the same data kaohe wrote (the generated text needs no escaping).
fn copy_texts(w: &Written) -> [(&'static str, String); 4] {
    let mut cadres = String::new();
    for c in &w.cadres {
        let end = c.end_date.map_or("\\N".to_owned(), |d| d.to_string());
        let _ = writeln!(
            cadres,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{end}",
            c.id,
            c.name,
            c.town,
            c.village,
            c.sequence,
            c.position,
            c.monthly_subsidy,
            c.start_date
        );
    }
    let mut scores = String::new();
    for s in &w.scores {
        let _ = writeln!(
            scores,
            "{}\t{}\t{}\t{}",
            s.quarter, s.subject, s.item, s.points
        );
    }
    let mut lines = String::new();
    for (seq, l) in w.lines.iter().enumerate() {
        let _ = writeln!(
            lines,
            "{}\t1\t{seq}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            l.quarter,
            l.cadre_id,
            l.name,
            l.town,
            l.village,
            l.sequence,
            l.base_score,
            l.bonus,
            l.deduction,
            l.total,
            l.rank,
            l.group_size,
            l.quota,
            l.grade.as_str(),
            l.standard,
            l.base_paid,
            l.performance_standard,
            l.adjustment,
            l.performance_paid,
            l.total_paid,
            l.flags
        );
    }
    let mut ledger = String::new();
    for e in &w.ledger {
        let month = e.month.map_or("\\N".to_owned(), |m| m.to_string());
        let _ = writeln!(
            ledger,
            "{}\t{}\t{}\t{}\t{}\t{month}\t{}\t{}",
            e.quarter,
            e.entry,
            e.revision,
            e.cadre_id,
            e.kind.as_str(),
            e.amount,
            e.article()
        );
    }
    [
        ("COPY raw_cadres FROM STDIN", cadres),
        ("COPY raw_scores FROM STDIN", scores),
        ("COPY raw_lines FROM STDIN", lines),
        ("COPY raw_ledger FROM STDIN", ledger),
    ]
}

/// One transaction of COPYs of `texts`, committed (`synchronous_commit = on`).
async fn raw_pg_copy(conn: &mut PgConnection, texts: &[&(&str, String)]) -> R<Duration> {
    let t = Instant::now();
    let mut tx = conn.begin().await?;
    for pair in texts {
        let (statement, text) = (pair.0, &pair.1);
        let mut copy = tx.copy_in_raw(statement).await?;
        for chunk in text.as_bytes().chunks(4 << 20) {
            copy.send(chunk).await?;
        }
        copy.finish().await?;
    }
    tx.commit().await?;
    Ok(t.elapsed())
}

async fn checkpoint(url: &str) {
    if let Ok(mut conn) = PgConnection::connect(url).await {
        let _ = sqlx::query("CHECKPOINT").execute(&mut conn).await;
        let _ = conn.close().await;
    }
}

async fn drop_schema(url: &str, schema: &str) -> R<()> {
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
    )))
    .execute(&mut conn)
    .await?;
    let _ = conn.close().await;
    Ok(())
}

/// One PostgreSQL run on schema `schema` (created by the store, dropped by the caller).
async fn pg_run(url: String, schema: String, dir: PathBuf) -> R<Run> {
    let mut run = Run::new();
    let files = Files::in_dir(&dir);
    let store = kaohe_store_postgres::PgStore::connect_with_schema(&url, &schema).await?;
    let written = pipeline(&store, &files, Some(&url), &mut run).await?;
    store.close().await;
    let raw = raw_pg(&url, &schema, &written).await?;
    for (i, (rows, d)) in raw.into_iter().enumerate() {
        run.set(PHASES[13 + i], rows, d);
    }
    Ok(run)
}

/// The raw bulk writes of the rows kaohe wrote, on PostgreSQL: bare tables ([`PG_RAW_DDL`])
/// created in `schema`, then one committed transaction of `COPY`s each for the roster rows,
/// the score rows and the settle rows (lines and ledger), a `CHECKPOINT` before each. The
/// rows and the time of each write (the COPY text is made before the clock starts).
async fn raw_pg(url: &str, schema: &str, written: &Written) -> R<[(u64, Duration); 3]> {
    let opts = PgConnectOptions::from_str(url)?
        .options([("search_path", schema), ("synchronous_commit", "on")]);
    let mut conn = PgConnection::connect_with(&opts).await?;
    sqlx::raw_sql(PG_RAW_DDL).execute(&mut conn).await?;
    let texts = copy_texts(written);
    let [cadres, scores, lines, ledger] = &texts;
    checkpoint(url).await;
    let roster = raw_pg_copy(&mut conn, &[cadres]).await?;
    checkpoint(url).await;
    let score = raw_pg_copy(&mut conn, &[scores]).await?;
    checkpoint(url).await;
    let settle = raw_pg_copy(&mut conn, &[lines, ledger]).await?;
    let _ = conn.close().await;
    Ok([
        (written.cadres.len() as u64, roster),
        (written.scores.len() as u64, score),
        ((written.lines.len() + written.ledger.len()) as u64, settle),
    ])
}

async fn smoke_postgres(args: &Args, cadres: usize) -> R<()> {
    let Some(url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
        println!(
            "\n== PostgreSQL: SKIPPED — {PG_VAR} is not set (e.g. \
             {PG_VAR}=postgres://postgres@127.0.0.1:5432/test) =="
        );
        return Ok(());
    };
    println!(
        "\n== PostgreSQL: {} cadres, {} runs, fresh schema per run (dropped after) ==",
        thousands(cadres as u64),
        args.runs
    );
    let dir = TempDir::new("scale-pg")?;
    let county = generate(
        &dir.path,
        Shape {
            cadres,
            village_min: 4,
            village_max: 6,
        },
    )?;
    print_county(&county);
    let load_before = load();
    let mut runs = Vec::new();
    for k in 0..args.runs {
        let schema = format!("kaohe_scale_{}_{k}", unique_suffix());
        let outcome = tokio::spawn(pg_run(url.clone(), schema.clone(), dir.path.clone())).await;
        let dropped = drop_schema(&url, &schema).await;
        let run = match outcome {
            Ok(r) => r?,
            Err(e) => match e.try_into_panic() {
                Ok(p) => std::panic::resume_unwind(p),
                Err(e) => return Err(e.into()),
            },
        };
        dropped?;
        println!(
            "  run {}: settle total {} ms, scores import {} ms ({})",
            k + 1,
            ms(run.times[12]),
            ms(run.times[4]),
            load()
        );
        runs.push(run);
    }
    print_table("PostgreSQL", &runs, &load_before);
    Ok(())
}

// ---- output ---------------------------------------------------------------------------------

fn print_county(c: &County) {
    println!(
        "  county: {} cadres, {} villages, {} score rows, {} events, {} MB of CSV",
        thousands(c.cadres),
        thousands(c.villages),
        thousands(c.scores),
        thousands(c.events),
        c.bytes >> 20
    );
}

fn print_table(store: &str, runs: &[Run], load_before: &str) {
    println!(
        "\n  {store}: median of {} runs (before: {load_before}; after: {})",
        runs.len(),
        load()
    );
    println!(
        "  {:<36} {:>11} {:>11} {:>13} {:>19}",
        "phase", "rows", "median ms", "rows/s", "min–max ms"
    );
    for (i, phase) in PHASES.iter().enumerate() {
        let times: Vec<Duration> = runs.iter().map(|r| r.times[i]).collect();
        let rows = runs[0].rows[i];
        let m = median(&times);
        let lo = times.iter().min().copied().unwrap_or_default();
        let hi = times.iter().max().copied().unwrap_or_default();
        let r = if rows == 0 {
            "—".to_owned()
        } else {
            thousands(rate(rows, m))
        };
        println!(
            "  {:<36} {:>11} {:>11} {:>13} {:>19}",
            phase,
            thousands(rows),
            ms(m),
            r,
            format!("{}–{}", ms(lo), ms(hi))
        );
    }
    let col = |name: &str| -> Duration {
        let i = PHASES.iter().position(|p| *p == name).expect("a phase");
        median(&runs.iter().map(|r| r.times[i]).collect::<Vec<_>>())
    };
    let ratio = |a: Duration, b: Duration| {
        let (a, b) = (a.as_micros(), b.as_micros().max(1));
        format!("{}.{:02}×", a / b, a * 100 / b % 100)
    };
    println!(
        "  kaohe write / raw write: roster {}, scores {}, settlement {}",
        ratio(col(PHASES[1]), col(PHASES[13])),
        ratio(col(PHASES[4]), col(PHASES[14])),
        ratio(col(PHASES[11]), col(PHASES[15]))
    );
}

// ---- national compute -----------------------------------------------------------------------

fn kaohe_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KAOHE_BIN") {
        return PathBuf::from(bin);
    }
    // Cargo's target folder: `CARGO_TARGET_DIR` (relative to the workspace when relative),
    // as when the bench is run by hand, else `target/`.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |d| root.join(d))
        .join("release/kaohe")
}

/// Peak resident set size of this process so far, in KiB.
fn self_peak_kib() -> Option<u64> {
    status_kib(&fs::read_to_string("/proc/self/status").ok()?, "VmHWM:")
}

fn status_kib(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU time of this process so far (all threads), user and system, from `/proc/self/stat`
/// (clock ticks of 1/100 s, Linux's `USER_HZ`).
fn cpu_times() -> (Duration, Duration) {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let tick = |i: usize| Duration::from_millis(f.get(i).copied().unwrap_or(0) * 10);
    (tick(11), tick(12))
}

/// One phase: name, rows, wall, user CPU, system CPU.
type Phase = (&'static str, u64, Duration, Duration, Duration);

/// Times phases: wall clock and CPU of the whole process.
struct Meter {
    phases: Vec<Phase>,
    wall: Instant,
    cpu: (Duration, Duration),
}

impl Meter {
    fn new() -> Meter {
        Meter {
            phases: Vec::new(),
            wall: Instant::now(),
            cpu: cpu_times(),
        }
    }
    fn done(&mut self, name: &'static str, rows: u64) {
        let cpu = cpu_times();
        self.phases.push((
            name,
            rows,
            self.wall.elapsed(),
            cpu.0.saturating_sub(self.cpu.0),
            cpu.1.saturating_sub(self.cpu.1),
        ));
        self.wall = Instant::now();
        self.cpu = cpu;
    }
}

/// `kaohe compute` in process, by the same entry point as the binary
/// (`kaohe::compute::compute_from_files`, with its csv report written part by part as the
/// lines are built), timed in two phases: reading and computing, then building and writing
/// the lines.
fn national_in_process(files: &Files, out: &Path) -> R<Vec<Phase>> {
    let compute_files = kaohe::compute::ComputeFiles {
        quarter: Quarter::parse(QUARTER)?,
        roster: &files.roster,
        scores: &files.scores,
        events: &files.events,
        policy: None,
        previous: &[],
    };
    let mut m = Meter::new();
    let written = kaohe::compute::compute_from_files(&compute_files, |c| -> R<u64> {
        let n = c.line_count() as u64;
        m.done("read files + compute (Art.7-11)", n);
        let mut w = BufWriter::with_capacity(1 << 20, File::create(out)?);
        let mut csv = kaohe_report::ReportCsv::new(&mut w)?;
        c.lines_in_parts(|part| csv.part(part))?;
        csv.finish()?;
        drop(w.into_inner().map_err(|e| e.into_error())?);
        m.done("build lines + write report csv", n);
        Ok(n)
    })??;
    m.done("free engine state (inputs: bg)", written);
    Ok(m.phases)
}

/// Runs the binary once: wall time and peak RSS (KiB) of the child.
fn national_binary(bin: &Path, files: &Files, out: &Path) -> R<(Duration, Option<u64>)> {
    let time_v = Path::new("/usr/bin/time");
    let args: Vec<String> = [
        "compute",
        "--quarter",
        QUARTER,
        "--roster",
        &files.roster.display().to_string(),
        "--scores",
        &files.scores.display().to_string(),
        "--events",
        &files.events.display().to_string(),
        "--format",
        "csv",
        "--out",
        &out.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if time_v.exists() {
        let t = Instant::now();
        let o = Command::new(time_v)
            .arg("-v")
            .arg(bin)
            .args(&args)
            .output()?;
        let wall = t.elapsed();
        let stderr = String::from_utf8_lossy(&o.stderr);
        if !o.status.success() {
            return Err(format!("kaohe compute failed: {stderr}").into());
        }
        let field = |name: &str| {
            stderr
                .lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        let rss = field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok());
        println!(
            "    child CPU: user {} s, system {} s, {} of a core",
            field("User time (seconds):").unwrap_or_default(),
            field("System time (seconds):").unwrap_or_default(),
            field("Percent of CPU this job got:").unwrap_or_default()
        );
        return Ok((wall, rss));
    }
    // No /usr/bin/time: poll the child's VmHWM (its peak so far) until it exits.
    let t = Instant::now();
    let mut child = Command::new(bin).args(&args).spawn()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = None;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if let Some(k) = fs::read_to_string(&status_path)
            .ok()
            .and_then(|s| status_kib(&s, "VmHWM:"))
        {
            peak = Some(k);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = t.elapsed();
    if !status.success() {
        return Err(format!("kaohe compute failed: {status}").into());
    }
    Ok((wall, peak))
}

fn national(args: &Args) -> R<()> {
    let cadres = args.cadres.unwrap_or(2_000_000);
    let dir = match std::env::var_os(NATIONAL_DIR_VAR) {
        Some(d) => TempDir::kept(PathBuf::from(d).join(format!("n{cadres}")))?,
        None => TempDir::new("national")?,
    };
    println!(
        "\n== national compute: {} cadres, {} runs, files in {} ==",
        thousands(cadres as u64),
        args.runs,
        dir.path.display()
    );
    let files = Files::in_dir(&dir.path);
    let marker = dir.path.join("generated.txt");
    if marker.exists() {
        println!("  reusing the files generated before ({NATIONAL_DIR_VAR})");
        print!("  {}", fs::read_to_string(&marker)?);
    } else {
        let t = Instant::now();
        let county = generate(
            &dir.path,
            Shape {
                cadres,
                village_min: 3,
                village_max: 5,
            },
        )?;
        print_county(&county);
        println!("  generated in {} ms", ms(t.elapsed()));
        fs::write(
            &marker,
            format!(
                "county: {} cadres, {} villages, {} score rows, {} events, {} MB of CSV\n",
                thousands(county.cadres),
                thousands(county.villages),
                thousands(county.scores),
                thousands(county.events),
                county.bytes >> 20
            ),
        )?;
    }
    let out = dir.path.join("report.csv");

    // In process, phase by phase.
    let load_before = load();
    let mut all: Vec<Vec<Phase>> = Vec::new();
    for k in 0..args.runs {
        let phases = national_in_process(&files, &out)?;
        let total: Duration = phases.iter().map(|p| p.2).sum();
        let cpu: Duration = phases.iter().map(|p| p.3 + p.4).sum();
        println!(
            "  in-process run {}: {} ms wall, {} ms CPU ({})",
            k + 1,
            ms(total),
            ms(cpu),
            load()
        );
        all.push(phases);
    }
    println!(
        "\n  in process (the library calls of `kaohe compute`), median of {} runs \
         (before: {load_before}; after: {}); peak RSS of this process {} MiB",
        all.len(),
        load(),
        self_peak_kib().map_or("?".into(), |k| (k >> 10).to_string())
    );
    println!(
        "  {:<22} {:>12} {:>9} {:>12} {:>15} {:>9} {:>9}",
        "phase", "rows", "wall ms", "rows/s", "min–max ms", "user ms", "sys ms"
    );
    let mut sums = [Duration::ZERO; 3];
    for i in 0..all[0].len() {
        let (name, rows, ..) = all[0][i];
        let col =
            |f: fn(&Phase) -> Duration| median(&all.iter().map(|r| f(&r[i])).collect::<Vec<_>>());
        let (wall, user, sys) = (col(|p| p.2), col(|p| p.3), col(|p| p.4));
        sums[0] += wall;
        sums[1] += user;
        sums[2] += sys;
        let walls: Vec<Duration> = all.iter().map(|r| r[i].2).collect();
        let lo = walls.iter().min().copied().unwrap_or_default();
        let hi = walls.iter().max().copied().unwrap_or_default();
        println!(
            "  {:<22} {:>12} {:>9} {:>12} {:>15} {:>9} {:>9}",
            name,
            thousands(rows),
            ms(wall),
            thousands(rate(rows, wall)),
            format!("{}–{}", ms(lo), ms(hi)),
            ms(user),
            ms(sys)
        );
    }
    println!(
        "  {:<22} {:>12} {:>9} {:>12} {:>15} {:>9} {:>9}",
        "sum of medians",
        "",
        ms(sums[0]),
        "",
        "",
        ms(sums[1]),
        ms(sums[2])
    );

    // The real binary, end to end.
    let bin = kaohe_bin();
    if !bin.exists() {
        println!(
            "\n  binary: SKIPPED — {} does not exist; build it with \
             `cargo build --release -p kaohe-cli` (or set KAOHE_BIN)",
            bin.display()
        );
        return Ok(());
    }
    let load_before = load();
    let mut walls = Vec::new();
    let mut peaks = Vec::new();
    for k in 0..args.runs {
        let (wall, peak) = national_binary(&bin, &files, &out)?;
        println!(
            "  binary run {}: {} ms wall, peak RSS {} MiB ({})",
            k + 1,
            ms(wall),
            peak.map_or("?".into(), |p| (p >> 10).to_string()),
            load()
        );
        walls.push(wall);
        peaks.extend(peak);
    }
    let _ = fs::remove_file(&out);
    println!(
        "\n  `{} compute --quarter {QUARTER} --roster … --scores … --events … --format csv \
         --out FILE`:\n  median wall {} ms (min {} ms) over {} runs, peak RSS {} MiB \
         (before: {load_before}; after: {})",
        bin.display(),
        ms(median(&walls)),
        ms(walls.iter().min().copied().unwrap_or_default()),
        walls.len(),
        peaks
            .iter()
            .max()
            .map_or("?".into(), |p| (p >> 10).to_string()),
        load()
    );
    Ok(())
}

// ---- main -----------------------------------------------------------------------------------

fn main() -> R<()> {
    let args = args()?;
    if args.binary {
        return children::run(&args);
    }
    println!("kaohe scale bench ({}; {} cores)", load(), {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    });
    if args.redb || args.postgres {
        let cadres = args.cadres.unwrap_or(200_000);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        if args.redb {
            rt.block_on(smoke_redb(&args, cadres))?;
        }
        if args.postgres {
            rt.block_on(smoke_postgres(&args, cadres))?;
        }
    }
    if args.national {
        national(&args)?;
    }
    Ok(())
}
