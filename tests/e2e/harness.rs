//! Running the `kaohe` binary against a fresh store.
//!
//! - [`kaohe_bin`] finds `target/<profile>/kaohe` next to this test executable and builds it
//!   once per test process with `cargo build -p kaohe-cli --bin kaohe` (a no-op when it is up
//!   to date), so a test never runs a stale binary. `KAOHE_E2E_BIN` names a binary to use
//!   instead (no build).
//! - [`Env`] is one test's world: a temporary directory (the binary's working directory, where
//!   test files are written) and a fresh store — a redb file in that directory, or a fresh
//!   PostgreSQL schema on the `KAOHE_TEST_POSTGRES` server, dropped afterwards.
//! - [`Run`] is one finished command: exit code, stdout, stderr, and assertions that print all
//!   three on failure.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Once, OnceLock};

/// The variable naming the PostgreSQL server of the tests (a URL).
pub const PG_VAR: &str = "KAOHE_TEST_POSTGRES";
/// With `1`, a missing [`PG_VAR`] fails the PostgreSQL tests instead of skipping them.
pub const PG_REQUIRE_VAR: &str = "KAOHE_REQUIRE_POSTGRES";

/// The workspace root (this package's manifest directory).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the sample county.
pub fn sample(file: &str) -> PathBuf {
    root().join("examples/sample-county").join(file)
}

/// The `kaohe` binary, built once per test process.
pub fn kaohe_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("KAOHE_E2E_BIN") {
            return PathBuf::from(bin);
        }
        let exe = std::env::current_exe().expect("the test executable's path");
        let mut dir = exe
            .parent()
            .expect("the test executable's folder")
            .to_path_buf();
        if dir.ends_with("deps") {
            dir.pop();
        }
        let bin = dir.join(format!("kaohe{}", std::env::consts::EXE_SUFFIX));
        // `cargo test -p kaohe` does not build another package's binaries: build it here, so
        // that an edit of the CLI is always what is tested.
        let profile = dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(root()).args([
            "build",
            "--quiet",
            "--package",
            "kaohe-cli",
            "--bin",
            "kaohe",
        ]);
        match profile {
            "debug" => {}
            "release" => {
                cmd.arg("--release");
            }
            other => {
                cmd.args(["--profile", other]);
            }
        }
        let status = cmd
            .status()
            .unwrap_or_else(|e| panic!("cannot run {cargo:?} to build the kaohe binary: {e}"));
        assert!(
            status.success(),
            "`cargo build -p kaohe-cli --bin kaohe` failed ({status})"
        );
        assert!(
            bin.is_file(),
            "built the kaohe binary, but it is not at {} (set KAOHE_E2E_BIN to its path)",
            bin.display()
        );
        bin
    })
}

/// Writes to the terminal even when libtest captures output (it captures `print!`/`eprint!`,
/// not writes to the stderr handle), once per process.
fn say_once(msg: &str) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{msg}");
    });
}

/// Which store a scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded redb file in the test's temporary directory.
    Redb,
    /// A fresh schema on the `KAOHE_TEST_POSTGRES` server.
    Postgres,
}

/// The PostgreSQL server's URL, or `None` (after saying so) when the tests are skipped.
pub fn pg_url() -> Option<String> {
    match std::env::var(PG_VAR) {
        Ok(u) if !u.trim().is_empty() => Some(u.trim().to_owned()),
        _ if std::env::var(PG_REQUIRE_VAR).is_ok_and(|v| v == "1") => {
            panic!("{PG_VAR} is not set, and {PG_REQUIRE_VAR}=1 requires the PostgreSQL tests")
        }
        _ => {
            say_once("skipping PostgreSQL end-to-end tests: KAOHE_TEST_POSTGRES not set");
            None
        }
    }
}

/// `url` with `key=value` appended to its query.
fn with_param(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{key}={value}")
}

/// The test server's URL for this suite's own connections and for the binary. Unless the URL
/// chooses an `sslmode`, TLS is turned off: the server is a local test server, and the
/// default `prefer` costs each command about 0.25 s of TLS handshakes.
fn pg_base(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_owned()
    } else {
        with_param(url, "sslmode", "disable")
    }
}

/// A schema of the test server that lives as long as the test.
#[derive(Debug)]
struct PgSchema {
    base: String,
    name: String,
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

async fn pg_exec(base: &str, sql: String) -> Result<(), String> {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(base)
        .await
        .map_err(|e| format!("cannot connect to {PG_VAR}: {e}"))?;
    sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("`{sql}`: {e}"))?;
    let _ = conn.close().await;
    Ok(())
}

impl PgSchema {
    fn create(url: &str) -> PgSchema {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("kaohe_e2e_{}_{nanos:08x}_{n}", std::process::id());
        let base = pg_base(url);
        block_on(pg_exec(&base, format!("CREATE SCHEMA \"{name}\"")))
            .unwrap_or_else(|e| panic!("PostgreSQL end-to-end tests: {e}"));
        PgSchema { base, name }
    }

    /// The store URL for the binary: the tables live in this schema (`search_path`).
    fn store_url(&self) -> String {
        with_param(&self.base, "options[search_path]", &self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name);
        if let Err(e) = block_on(pg_exec(&self.base, sql)) {
            let _ = writeln!(std::io::stderr(), "could not drop a test schema: {e}");
        }
    }
}

/// One test's world: a temporary directory and a fresh store.
#[derive(Debug)]
pub struct Env {
    dir: tempfile::TempDir,
    store: String,
    // The PostgreSQL schema, dropped with the `Env`.
    _pg: Option<PgSchema>,
}

impl Env {
    /// A fresh world on `backend`; `None` when PostgreSQL tests are skipped.
    pub fn new(backend: Backend) -> Option<Env> {
        let dir = tempfile::Builder::new()
            .prefix("kaohe-e2e-")
            .tempdir()
            .expect("a temporary directory");
        let (store, pg) = match backend {
            Backend::Redb => (
                format!("redb:{}", dir.path().join("store.redb").display()),
                None,
            ),
            Backend::Postgres => {
                let schema = PgSchema::create(&pg_url()?);
                (schema.store_url(), Some(schema))
            }
        };
        Some(Env {
            dir,
            store,
            _pg: pg,
        })
    }

    /// The store URL given to the binary (`redb:FILE`, or a PostgreSQL URL naming this test's
    /// schema).
    pub fn store(&self) -> &str {
        &self.store
    }

    /// The temporary directory (the binary's working directory).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A path in the temporary directory, as text for an argument.
    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Writes `bytes` to `name` in the temporary directory; returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write a test file");
        path
    }

    /// Reads a file of the temporary directory.
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Runs `kaohe --store STORE ARGS…` in the temporary directory.
    pub fn kaohe(&self, args: &[&str]) -> Run {
        let mut all = vec!["--store", self.store.as_str()];
        all.extend_from_slice(args);
        self.kaohe_raw(&all)
    }

    /// Runs `kaohe ARGS…` (no `--store` added) in the temporary directory, with no
    /// `KAOHE_STORE` in its environment.
    pub fn kaohe_raw(&self, args: &[&str]) -> Run {
        let out = Command::new(kaohe_bin())
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("KAOHE_STORE")
            .output()
            .expect("run the kaohe binary");
        Run {
            args: args
                .iter()
                .map(|a| shell_word(a))
                .collect::<Vec<_>>()
                .join(" "),
            code: out.status.code(),
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `kaohe import KIND FILE` that must succeed.
    #[track_caller]
    pub fn import(&self, kind: &str, file: &str) -> Run {
        self.kaohe(&["import", kind, file]).ok()
    }

    /// Imports the sample county's roster, scores and events, checking the counts its README
    /// gives (144 roster rows, 3443 scores, 21 events).
    #[track_caller]
    pub fn import_sample(&self) {
        let r = self.import("roster", &sample("roster.csv").display().to_string());
        r.stdout_has("imported 144 cadres");
        let r = self.import("scores", &sample("scores.csv").display().to_string());
        r.stdout_has("imported 3443 scores");
        let r = self.import("events", &sample("events.csv").display().to_string());
        r.stdout_has("21 new");
    }

    /// Imports the sample county and settles 2026Q2, then 2026Q3.
    #[track_caller]
    pub fn settle_sample(&self) {
        self.import_sample();
        self.kaohe(&["settle", "--quarter", "2026Q2"]).ok();
        self.kaohe(&["settle", "--quarter", "2026Q3"]).ok();
    }

    /// `kaohe report --quarter Q --format csv` (must succeed), as text.
    #[track_caller]
    pub fn report_csv(&self, q: &str) -> String {
        self.kaohe(&["report", "--quarter", q, "--format", "csv"])
            .ok()
            .stdout()
    }

    /// `kaohe ledger --quarter Q --format csv` (must succeed), as text.
    #[track_caller]
    pub fn ledger_csv(&self, q: &str) -> String {
        self.kaohe(&["ledger", "--quarter", q, "--format", "csv"])
            .ok()
            .stdout()
    }
}

fn shell_word(a: &str) -> String {
    if !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@+,".contains(&b))
    {
        a.to_owned()
    } else {
        format!("'{}'", a.replace('\'', r"'\''"))
    }
}

/// A finished `kaohe` command.
#[derive(Debug)]
pub struct Run {
    pub args: String,
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "\n  command: kaohe {}\n  exit: {:?}\n  stdout: {}\n  stderr: {}",
            self.args,
            self.code,
            excerpt(&String::from_utf8_lossy(&self.stdout)),
            excerpt(&self.stderr)
        );
        s
    }

    /// Asserts exit code 0.
    #[track_caller]
    pub fn ok(self) -> Run {
        self.code(0)
    }

    /// Asserts the exit code.
    #[track_caller]
    pub fn code(self, want: i32) -> Run {
        assert_eq!(self.code, Some(want), "want exit {want}{}", self.describe());
        self
    }

    /// Standard output as UTF-8 text.
    #[track_caller]
    pub fn stdout(&self) -> String {
        String::from_utf8(self.stdout.clone())
            .unwrap_or_else(|_| panic!("stdout is not UTF-8{}", self.describe()))
    }

    /// Asserts that stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Run {
        assert!(
            self.stdout().contains(needle),
            "want `{needle}` on stdout{}",
            self.describe()
        );
        self
    }

    /// Asserts that stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "want `{needle}` on stderr{}",
            self.describe()
        );
        self
    }

    /// Asserts that stderr does not contain `needle`.
    #[track_caller]
    pub fn stderr_lacks(&self, needle: &str) -> &Run {
        assert!(
            !self.stderr.contains(needle),
            "want no `{needle}` on stderr{}",
            self.describe()
        );
        self
    }
}

fn excerpt(s: &str) -> String {
    const MAX: usize = 3000;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..end], s.len())
}

/// Runs `scenario` on a fresh [`Env`] of `backend` (nothing when PostgreSQL is skipped).
pub fn run(backend: Backend, scenario: fn(&Env)) {
    if let Some(env) = Env::new(backend) {
        scenario(&env);
    }
}
