//! Crash test: a child process commits a large settlement (or a large monthly payroll) and is
//! killed with SIGKILL at several moments of the commit. After each kill the file must hold
//! the quarter (the month) either not at all or whole, and committing the same again must
//! give exactly what an uninterrupted run gives.
//!
//! The child is this very test binary (`std::env::current_exe()`), run with a filter that
//! selects the hidden, `#[ignore]`d [`crash_child`] test and an environment variable that
//! carries the file path. It prints a marker line just before it starts the commit; the parent
//! kills it a chosen time after that marker.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kaohe_domain::{LedgerEntry, Quarter, SettlementLine};
use kaohe_store::conformance::fixtures::{audit, large_payroll, large_settlement, q};
use kaohe_store::{AuditRecord, SettlementHeader, Store, StoreError};
use kaohe_store_redb::RedbStore;

const FILE_ENV: &str = "KAOHE_CRASH_CHILD_FILE";
const SIZE_ENV: &str = "KAOHE_CRASH_CHILD_CADRES";
const JOB_ENV: &str = "KAOHE_CRASH_CHILD_JOB";
const READY: &str = "KAOHE_CRASH_CHILD_READY";

/// What the child commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Job {
    /// A settlement revision 1 of [`cadres`] lines.
    Settle,
    /// A month's base payroll (Art.11): one revision-0 entry per cadre.
    Payroll,
}

impl Job {
    fn name(self) -> &'static str {
        match self {
            Job::Settle => "settle",
            Job::Payroll => "payroll",
        }
    }

    /// Commits the job's writes on `store`.
    async fn commit(self, store: &RedbStore, cadres: usize) -> Result<(), StoreError> {
        match self {
            Job::Settle => {
                store
                    .commit_settlement(&large_settlement(quarter(), cadres), &audit(1))
                    .await
            }
            Job::Payroll => {
                store
                    .append_entries(&large_payroll(quarter(), cadres), &audit(1))
                    .await
            }
        }
    }
}

/// Lines of the settlement (six ledger entries each). The release size is the one the brief
/// names (200k lines, 1.2M entries); debug builds of this crate run at opt-level 0, so they
/// use a tenth of it to stay within ~30 s.
fn cadres() -> usize {
    if cfg!(debug_assertions) {
        20_000
    } else {
        200_000
    }
}

fn quarter() -> Quarter {
    q("2026Q3")
}

/// The child: does nothing unless the parent set the file path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "child process of crash_mid_commit_leaves_all_or_nothing; idle when run alone"]
async fn crash_child() {
    let Ok(path) = std::env::var(FILE_ENV) else {
        return;
    };
    let cadres = std::env::var(SIZE_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(cadres);
    let job = match std::env::var(JOB_ENV).as_deref() {
        Ok("payroll") => Job::Payroll,
        _ => Job::Settle,
    };
    let store = RedbStore::open(&path).expect("child: open");
    println!("{READY}");
    job.commit(&store, cadres).await.expect("child: commit");
    println!("KAOHE_CRASH_CHILD_DONE");
}

#[derive(Debug, PartialEq)]
struct Snapshot {
    header: Option<SettlementHeader>,
    settled: Vec<Quarter>,
    lines: Vec<SettlementLine>,
    ledger: Vec<LedgerEntry>,
    audit: Vec<AuditRecord>,
}

impl Snapshot {
    async fn of(store: &RedbStore) -> Snapshot {
        let q = quarter();
        Snapshot {
            header: store.settlement(q).await.expect("read header"),
            settled: store.settled_quarters().await.expect("read quarters"),
            lines: store.settlement_lines(q).await.expect("read lines"),
            ledger: store.ledger(q).await.expect("read ledger"),
            audit: store.audit_log().await.expect("read audit"),
        }
    }

    fn ledger_sum_fen(&self) -> i64 {
        self.ledger.iter().map(|e| e.amount.hundredths()).sum()
    }

    fn lines_sum_fen(&self) -> i64 {
        self.lines.iter().map(|l| l.total_paid.hundredths()).sum()
    }

    fn is_empty(&self) -> bool {
        self.header.is_none()
            && self.settled.is_empty()
            && self.lines.is_empty()
            && self.ledger.is_empty()
            && self.audit.is_empty()
    }

    /// Compares counts and sums first, so a failure says something readable, then all.
    fn assert_same(&self, want: &Snapshot, context: &str) {
        assert_eq!(self.header, want.header, "{context}: header");
        assert_eq!(self.settled, want.settled, "{context}: settled quarters");
        assert_eq!(self.lines.len(), want.lines.len(), "{context}: line count");
        assert_eq!(
            self.ledger.len(),
            want.ledger.len(),
            "{context}: entry count"
        );
        assert_eq!(
            self.lines_sum_fen(),
            want.lines_sum_fen(),
            "{context}: sum of lines"
        );
        assert_eq!(
            self.ledger_sum_fen(),
            want.ledger_sum_fen(),
            "{context}: ledger sum"
        );
        assert!(self.lines == want.lines, "{context}: lines differ");
        assert!(self.ledger == want.ledger, "{context}: ledger differs");
        assert_eq!(self.audit, want.audit, "{context}: audit log");
    }
}

/// Runs the child on `path`, kills it `delay` after it reports it is about to commit, and
/// returns how long the child had been committing (the delay, or less if it finished).
fn run_and_kill(path: &Path, job: Job, cadres: usize, delay: Duration) -> Duration {
    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(exe)
        .args([
            "crash::crash_child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(FILE_ENV, path)
        .env(SIZE_ENV, cadres.to_string())
        .env(JOB_ENV, job.name())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(l)) if l.contains(READY) => break,
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("reading the child's output: {e}"),
            None => panic!(
                "the child ended before it started the commit: {:?}",
                child.wait()
            ),
        }
    }
    let start = Instant::now();
    std::thread::sleep(delay);
    // On unix `kill` sends SIGKILL: no destructor, no flush, no chance to finish.
    let _ = child.kill();
    let status = child.wait().expect("wait for child");
    let _ = status;
    start.elapsed()
}

#[test]
fn crash_mid_commit_leaves_all_or_nothing() {
    kill_at_moments(Job::Settle);
}

/// A payroll killed half-way leaves the month all paid or not at all (Art.11, 3.6).
#[test]
fn crash_mid_payroll_leaves_the_month_all_paid_or_not_at_all() {
    kill_at_moments(Job::Payroll);
}

/// Commits `job` once uninterrupted, then in children killed at several moments: each file
/// ends empty or whole, and committing again completes it or finds it done.
fn kill_at_moments(job: Job) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let cadres = cadres();

    // The uninterrupted run: what every crashed file must end up as.
    let (reference, commit_time) = rt.block_on(async {
        let store = RedbStore::open(dir.path().join("reference.redb")).expect("open");
        let t = Instant::now();
        job.commit(&store, cadres).await.expect("commit");
        let took = t.elapsed();
        (Snapshot::of(&store).await, took)
    });
    let per_cadre = match job {
        Job::Settle => {
            assert_eq!(reference.lines.len(), cadres);
            6
        }
        Job::Payroll => {
            assert!(reference.lines.is_empty() && reference.header.is_none());
            1
        }
    };
    assert_eq!(reference.ledger.len(), cadres * per_cadre);
    eprintln!(
        "crash test ({}): {} entries commit in {commit_time:.2?} uninterrupted",
        job.name(),
        cadres * per_cadre
    );

    // Early kills (encoding, the first pages), kills spread over the commit including its
    // final fsync, and one after it should have finished.
    let mut delays: Vec<Duration> = [20, 100, 400]
        .map(Duration::from_millis)
        .into_iter()
        .chain([0.5, 0.8, 0.95, 1.05, 1.5].map(|f| commit_time.mul_f64(f)))
        .collect();
    delays.sort();
    delays.dedup();

    let mut outcomes = Vec::new();
    for (i, delay) in delays.iter().enumerate() {
        let path = dir.path().join(format!("crash-{}-{i}.redb", job.name()));
        let lived = run_and_kill(&path, job, cadres, *delay);
        let context = format!("{} kill {i} after {lived:.0?}", job.name());
        let outcome = rt.block_on(async {
            let store = RedbStore::open(&path).expect("reopen after the kill");
            let after_kill = Snapshot::of(&store).await;
            let outcome = if after_kill.is_empty() {
                "nothing"
            } else {
                after_kill.assert_same(&reference, &format!("{context}, committed whole"));
                "whole"
            };
            // Committing again completes it, or finds it done; either way the same contents.
            match job.commit(&store, cadres).await {
                Ok(()) => assert_eq!(outcome, "nothing", "{context}: committed twice"),
                Err(StoreError::Conflict(_)) => {
                    assert_eq!(outcome, "whole", "{context}: conflict on an empty quarter")
                }
                Err(e) => panic!("{context}: committing again failed: {e}"),
            }
            Snapshot::of(&store)
                .await
                .assert_same(&reference, &format!("{context}, committed again"));
            outcome
        });
        eprintln!("crash test: {context}: found {outcome}");
        outcomes.push(outcome);
    }
    assert!(
        outcomes.contains(&"nothing"),
        "no kill landed before the commit finished: {outcomes:?}"
    );
}
