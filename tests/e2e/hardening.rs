//! Issue 9, hardening, end to end: each defect the issue reproduced, tried again against the
//! real binary — on both stores where a store is involved.
//!
//! - a store password is never printed (a failed connection of every kind, `--store URL`,
//!   `--store=URL`, `KAOHE_STORE`, `?password=`) nor kept in the audit log (PostgreSQL's
//!   `audit_log` table, read directly);
//! - `--out` writes through no planted symbolic link, leaves a file of mode 0600 whatever was
//!   there, and is refused (exit 2) when it is the store's file under any name;
//! - a closed standard output ends a command quietly, after its write is committed or before
//!   it began;
//! - a field that starts like a spreadsheet formula, a control character in any text field and
//!   an amount the stores cannot both hold are refused at import with `FILE:LINE: column`
//!   (docs/guide.md, file formats), and nothing is imported;
//! - an event imported again with another date is refused with its line and column (issue 9,
//!   item 10);
//! - a damaged redb file gives exit 0, 1 or 2 — never a panic, never a signal — and when it
//!   fails, says that the store file is damaged.
//!
//! Exit codes are docs/guide.md's: 0 success, 2 invalid input or refused request, 1 any other
//! failure (the store cannot be reached).

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

use super::harness::{self, Backend, Env, Run, kaohe_bin, sample};

const ROSTER: &str =
    "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date";
const SCORES: &str = "quarter,subject,item,points";
const EVENTS: &str = "event_id,date,subject,kind,level,note";
const AWARDS: &str = "award_id,date,payee,kind,amount,reason";
const CONDOLENCES: &str = "condolence_id,date,cadre_id,cause,recipient,amount,note";

/// One good row per kind, line 2 of every bad file below; each would change what the checks
/// of [`nothing_imported`] look at.
const CANARY_CADRE: &str = "T01V01-99,金丝雀,T01,T01V01,委员,文书,1500.00,2021-01-01,";
const CANARY_EVENT: &str = "EVX-CANARY,2026-07-15,T01V01,inspection_praise,county,canary";
const CANARY_AWARD: &str = "AWX-CANARY,2026-07-20,T01V05,completion,100.00,canary";
const CANARY_CONDOLENCE: &str = "CDX-CANARY,2026-08-01,T01V01-01,on_duty,家属,1000.00,canary";

/// What the user is told about a damaged store file (crates/store-redb, `damage`).
const DAMAGED: &str = "the store file is damaged";

fn file(lines: &[&str]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

/// A CSV row of `fields`, quoting those that need it.
fn row(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r', '\t']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                (*f).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs the binary in `dir` with `args`, `KAOHE_STORE` set to `store` when given (and removed
/// otherwise), and `stdout` as its standard output.
fn run_in(dir: &Path, args: &[&str], store_var: Option<&str>, stdout: Stdio) -> Run {
    let mut cmd = Command::new(kaohe_bin());
    cmd.args(args)
        .current_dir(dir)
        .stdout(stdout)
        .stderr(Stdio::piped());
    match store_var {
        Some(url) => cmd.env("KAOHE_STORE", url),
        None => cmd.env_remove("KAOHE_STORE"),
    };
    // As a user runs it: with `RUST_BACKTRACE`, kaohe shows panics it handles (for whoever
    // debugs it), which would read as unhandled here.
    cmd.env_remove("RUST_BACKTRACE");
    let out = cmd.output().expect("run the kaohe binary");
    let described = match store_var {
        Some(url) => format!("(KAOHE_STORE={url}) {}", args.join(" ")),
        None => args.join(" "),
    };
    if let Some(signal) = out.status.signal() {
        panic!("kaohe {described}: killed by signal {signal}");
    }
    Run {
        args: described,
        code: out.status.code(),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `kaohe --store STORE ARGS…` whose standard output is a pipe already closed at its read end
/// (`kaohe … | true` with `true` gone before kaohe writes).
fn with_closed_stdout(env: &Env, args: &[&str]) -> Run {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut all = vec!["--store", env.store()];
    all.extend_from_slice(args);
    run_in(env.dir(), &all, None, Stdio::from(writer))
}

// ---------------------------------------------------------------------------------------------
// 1. Passwords

/// What a test password is; the URLs below carry it.
const SECRET: &str = "SECRETPW";

#[track_caller]
fn no_secret(r: &Run, secret: &str) {
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(
        !stdout.contains(secret) && !r.stderr.contains(secret),
        "the password is shown\n  command: kaohe {}\n  exit: {:?}\n  stdout: {stdout}\n  stderr: {}",
        r.args,
        r.code,
        r.stderr
    );
}

/// `host:port` of the test server, from `KAOHE_TEST_POSTGRES`, if set.
fn pg_authority() -> Option<String> {
    let url = std::env::var(harness::PG_VAR).ok()?;
    let rest = url.trim().split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (!host.is_empty()).then(|| host.to_owned())
}

/// Every way a store URL can fail to open, with a password in it: exit 1 (docs/guide.md: the
/// store cannot be reached), a message that names the store, and never the password — given
/// as `--store URL`, `--store=URL` or `KAOHE_STORE`, to a reading and a writing command.
#[test]
fn store_password_never_shown() {
    let env = Env::new(Backend::Redb).expect("a redb world");
    let roster = sample("roster.csv").display().to_string();
    // (URL, a text of the message that shows it is about this store)
    let mut urls: Vec<(String, String)> = vec![
        (
            format!("postgres://postgres:{SECRET}@127.0.0.1:1/test"),
            "127.0.0.1:1".to_owned(),
        ),
        (
            format!("postgres://postgres:{SECRET}@kaohe-no-such-host.invalid:5432/test"),
            "kaohe-no-such-host.invalid".to_owned(),
        ),
        (
            format!("postgres://postgres:{SECRET}@127.0.0.1:1/test?sslmode=bogus"),
            "bogus".to_owned(),
        ),
        (
            format!("postgres://postgres@127.0.0.1:1/test?password={SECRET}"),
            "127.0.0.1:1".to_owned(),
        ),
        (
            format!("postgresql://postgres@127.0.0.1:1/test?sslmode=disable&Password={SECRET}"),
            "127.0.0.1:1".to_owned(),
        ),
        // A password holding `%2F` (an escaped `/`) and a `:`.
        (
            format!("postgres://postgres:{SECRET}%2F:x@127.0.0.1:1/test"),
            "127.0.0.1:1".to_owned(),
        ),
    ];
    // Failures that need a server: a database that does not exist, a certificate that cannot
    // be verified (the test server has none a client trusts for its address).
    if let Some(host) = pg_authority() {
        urls.push((
            format!("postgres://postgres:{SECRET}@{host}/kaohe_no_such_db"),
            "kaohe_no_such_db".to_owned(),
        ));
        urls.push((
            format!("postgres://postgres:{SECRET}@{host}/kaohe_no_such_db?sslmode=verify-full"),
            host,
        ));
    }
    for (url, about) in &urls {
        let flag = format!("--store={url}");
        for command in [&["policy", "show"][..], &["import", "roster", &roster][..]] {
            let mut spaced = vec!["--store", url.as_str()];
            spaced.extend_from_slice(command);
            let mut glued = vec![flag.as_str()];
            glued.extend_from_slice(command);
            for r in [
                run_in(env.dir(), &spaced, None, Stdio::piped()),
                run_in(env.dir(), &glued, None, Stdio::piped()),
                run_in(env.dir(), command, Some(url), Stdio::piped()),
            ] {
                no_secret(&r, SECRET);
                r.stderr_has(about).stderr_lacks("panicked");
                let _ = r.code(1);
            }
        }
    }
}

/// `url` with `secret` as the password of its user (added after the user name, or replacing
/// none: a URL that has a password keeps it, and that password is the secret).
fn with_password(url: &str, secret: &str) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => match rest[..at].split_once(':') {
            Some((_, pw)) => (url.to_owned(), pw.to_owned()),
            None => (
                format!("{scheme}://{}:{secret}{}", &rest[..at], &rest[at..]),
                secret.to_owned(),
            ),
        },
        None => (
            format!("{scheme}://postgres:{secret}@{rest}"),
            secret.to_owned(),
        ),
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

/// Every row of this store's `audit_log` as PostgreSQL's text of the row, and its `command`.
fn pg_audit_rows(store: &str) -> Vec<(String, String)> {
    use sqlx::{Connection as _, Row as _};
    block_on(async {
        let mut conn = sqlx::PgConnection::connect(store)
            .await
            .expect("connect to the test schema");
        let rows = sqlx::query("SELECT a::text AS whole, a.command FROM audit_log a ORDER BY id")
            .fetch_all(&mut conn)
            .await
            .expect("read audit_log");
        let _ = conn.close().await;
        rows.iter()
            .map(|r| (r.get::<String, _>("whole"), r.get::<String, _>("command")))
            .collect()
    })
}

/// Commands run with a password in the store URL (user information and `password=`, as
/// `--store URL`, `--store=URL` and `KAOHE_STORE`) keep no password in PostgreSQL's
/// `audit_log`, column by column: `***` stands in its place. The test server accepts any
/// password (trust), so these commands succeed.
#[test]
fn postgres_audit_log_keeps_no_password() {
    harness::run(Backend::Postgres, |env| {
        let (with_user_pw, secret) = with_password(env.store(), SECRET);
        let with_query_pw = format!("{}&password={secret}", env.store());
        let roster = sample("roster.csv").display().to_string();
        let scores = sample("scores.csv").display().to_string();
        let events = sample("events.csv").display().to_string();
        let glued_user = format!("--store={with_user_pw}");
        let glued_query = format!("--store={with_query_pw}");
        let runs = [
            run_in(
                env.dir(),
                &["--store", &with_user_pw, "import", "roster", &roster],
                None,
                Stdio::piped(),
            ),
            run_in(
                env.dir(),
                &[&glued_user, "import", "scores", &scores],
                None,
                Stdio::piped(),
            ),
            run_in(
                env.dir(),
                &["import", "events", &events],
                Some(&with_user_pw),
                Stdio::piped(),
            ),
            run_in(
                env.dir(),
                &["--store", &with_query_pw, "settle", "--quarter", "2026Q2"],
                None,
                Stdio::piped(),
            ),
            run_in(
                env.dir(),
                &[&glued_query, "payroll", "--month", "2026-07"],
                None,
                Stdio::piped(),
            ),
        ];
        for r in runs {
            no_secret(&r, &secret);
            let _ = r.ok();
        }
        let rows = pg_audit_rows(env.store());
        assert_eq!(rows.len(), 5, "one record per write: {rows:#?}");
        for (whole, _) in &rows {
            assert!(
                !whole.contains(&secret),
                "audit_log keeps the password: {whole}"
            );
        }
        // The command lines are kept, with `***` for the password (the third came from
        // KAOHE_STORE, which is not on the command line).
        for (i, want) in [
            Some("import roster"),
            Some("import scores"),
            None,
            Some("settle --quarter 2026Q2"),
            Some("payroll --month 2026-07"),
        ]
        .into_iter()
        .enumerate()
        {
            let command = &rows[i].1;
            match want {
                Some(verb) => assert!(
                    command.contains(verb) && command.contains("***"),
                    "record {i}: {command}"
                ),
                None => assert!(command.contains("import events"), "record {i}: {command}"),
            }
        }
        let shown = env.kaohe(&["audit", "--format", "csv"]).ok();
        no_secret(&shown, &secret);
    });
}

// ---------------------------------------------------------------------------------------------
// 2, 3. --out

#[track_caller]
fn mode_of(path: &str) -> u32 {
    fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .permissions()
        .mode()
        & 0o7777
}

#[track_caller]
fn regular_0600(path: &str) {
    let meta = fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(meta.file_type().is_file(), "{path} is not a regular file");
    assert_eq!(mode_of(path), 0o600, "{path}: mode {:o}", mode_of(path));
}

fn entries(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .expect("read the test folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// `--out` creates no file at a name an attacker can guess: symbolic links planted at the
/// names a temporary file could take are not followed (their target is unchanged), the file
/// written is a regular file of mode 0600 holding what stdout would, an existing file of mode
/// 0644 ends 0600, a symbolic link at the output name itself is replaced, not written
/// through, and no temporary file is left behind.
pub fn out_file_private(env: &Env) {
    env.settle_sample();
    let report = env.report_csv("2026Q3");
    let ledger = env.ledger_csv("2026Q3");
    let victim = env.write("victim.txt", "victim: must not change\n");
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).expect("chmod");
    let planted = [
        "out.kaohe-tmp",
        "out.csv.kaohe-tmp",
        "out.csv.tmp",
        ".out.csv.tmp",
        "out.tmp",
        ".out.csv.swp",
        "out.csv~",
        ".kaohe-tmp",
        ".kaohe-.tmp",
    ];
    for name in planted {
        std::os::unix::fs::symlink("victim.txt", env.path(name)).expect("plant a link");
    }
    let before = entries(env.dir());

    env.kaohe(&[
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        "csv",
        "--out",
        "out.csv",
    ])
    .ok();
    regular_0600(&env.path("out.csv"));
    assert_eq!(String::from_utf8(env.read("out.csv")).unwrap(), report);

    // A file already there, readable by all: replaced, and readable by its owner only.
    for (name, args) in [
        (
            "old-report.csv",
            &["report", "--quarter", "2026Q3", "--format", "csv"][..],
        ),
        (
            "old-ledger.csv",
            &["ledger", "--quarter", "2026Q3", "--format", "csv"][..],
        ),
        (
            "old-month.csv",
            &["ledger", "--month", "2026-07", "--format", "csv"][..],
        ),
        (
            "old-commend.csv",
            &["commend", "--year", "2026", "--preview", "--format", "csv"][..],
        ),
    ] {
        let p = env.write(name, "old content\n");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
        let mut all = args.to_vec();
        all.extend(["--out", name]);
        env.kaohe(&all).ok();
        regular_0600(&p);
        assert_ne!(env.read(name), b"old content\n", "{name} not rewritten");
    }
    assert_eq!(
        String::from_utf8(env.read("old-ledger.csv")).unwrap(),
        ledger
    );

    // A symbolic link at the output name: the link is replaced by the report.
    std::os::unix::fs::symlink("victim.txt", env.path("linked.csv")).expect("plant a link");
    env.kaohe(&[
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        "csv",
        "--out",
        "linked.csv",
    ])
    .ok();
    regular_0600(&env.path("linked.csv"));

    assert_eq!(
        env.read("victim.txt"),
        b"victim: must not change\n",
        "written through a planted link"
    );
    assert_eq!(mode_of(&victim), 0o644);
    for name in planted {
        let meta = fs::symlink_metadata(env.path(name)).expect("the planted link");
        assert!(meta.file_type().is_symlink(), "{name} was replaced");
    }
    let added: BTreeSet<String> = entries(env.dir()).difference(&before).cloned().collect();
    let want: BTreeSet<String> = [
        "out.csv",
        "old-report.csv",
        "old-ledger.csv",
        "old-month.csv",
        "old-commend.csv",
        "linked.csv",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(added, want, "files left in the folder");
}

/// `--out` naming the store's file, by any name, is refused (exit 2) and the store still
/// works; redb only (a PostgreSQL store has no file).
#[test]
fn out_is_never_the_store_file() {
    let env = Env::new(Backend::Redb).expect("a redb world");
    env.settle_sample();
    let report = env.report_csv("2026Q3");
    let store = env.path("store.redb");
    assert_eq!(
        env.store(),
        format!("redb:{store}"),
        "the harness's redb file"
    );
    fs::create_dir(env.path("sub")).expect("a subfolder");
    std::os::unix::fs::symlink("store.redb", env.path("link.redb")).expect("a link");
    fs::hard_link(&store, env.path("hard.redb")).expect("a hard link");
    let spellings = [
        "store.redb",
        "./store.redb",
        "sub/../store.redb",
        store.as_str(),
        "link.redb",
        "hard.redb",
    ];
    let commands: [&[&str]; 4] = [
        &["report", "--quarter", "2026Q3", "--format", "csv"],
        &["report", "--quarter", "2026Q3", "--format", "xlsx"],
        &["ledger", "--quarter", "2026Q3", "--format", "csv"],
        &["commend", "--year", "2026", "--preview", "--format", "csv"],
    ];
    let inode = || {
        use std::os::unix::fs::MetadataExt as _;
        fs::metadata(&store).expect("the store file").ino()
    };
    // A file renamed over the store would be another inode.
    let before = inode();
    for out in spellings {
        for command in commands {
            let mut args = command.to_vec();
            args.extend(["--out", out]);
            env.kaohe(&args).code(2).stderr_has("store");
            // The store given relative to the working directory, --out absolute.
            let mut raw = vec!["--store", "redb:store.redb"];
            raw.extend_from_slice(&args);
            env.kaohe_raw(&raw).code(2).stderr_has("store");
        }
    }
    assert_eq!(inode(), before, "the store file was replaced");
    assert_eq!(env.report_csv("2026Q3"), report);
    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .ok()
        .stdout_has("nothing to do");
    // Another file is still fine.
    env.kaohe(&[
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        "csv",
        "--out",
        "r.csv",
    ])
    .ok();
}

// ---------------------------------------------------------------------------------------------
// 4. A closed standard output

#[track_caller]
fn quiet_end(r: Run) -> Run {
    r.stderr_lacks("panicked")
        .stderr_lacks("Broken pipe")
        .stderr_lacks("error");
    r.ok()
}

/// `kaohe … | true`: a dry run, `policy show`, a report, imports and a settlement whose
/// standard output is closed end with exit 0 and no message; what they write is in the store
/// whole (an import of three cadres: all three; the settlement: done), never half.
pub fn closed_stdout(env: &Env) {
    env.import_sample();
    quiet_end(with_closed_stdout(
        env,
        &["settle", "--quarter", "2026Q2", "--dry-run"],
    ));
    quiet_end(with_closed_stdout(env, &["policy", "show"]));

    let roster = env.write(
        "three.csv",
        file(&[
            ROSTER,
            "T03V99-01,甲,T03,T03V99,正职,党组织书记,2500.00,2027-01-01,",
            "T03V99-02,乙,T03,T03V99,正职,村委会主任,2400.00,2027-01-01,",
            "T03V99-03,丙,T03,T03V99,委员,文书,1500.00,2027-01-01,",
        ]),
    );
    let r = with_closed_stdout(env, &["import", "roster", &roster]);
    assert!(r.code != Some(101), "exit 101");
    let again = env.import("roster", &roster);
    let imported = r.code == Some(0);
    again.stdout_has(if imported {
        "0 new, 0 updated, 3 unchanged"
    } else {
        "3 new, 0 updated, 0 unchanged"
    });
    quiet_end(r);

    let events = sample("events-mistaken.csv").display().to_string();
    quiet_end(with_closed_stdout(env, &["import", "events", &events]));
    env.import("events", &events)
        .stdout_has("0 new, 1 already stored unchanged");

    quiet_end(with_closed_stdout(env, &["settle", "--quarter", "2026Q2"]));
    env.kaohe(&["settle", "--quarter", "2026Q2"])
        .ok()
        .stdout_has("nothing to do");
    quiet_end(with_closed_stdout(
        env,
        &["report", "--quarter", "2026Q2", "--format", "csv"],
    ));
    quiet_end(with_closed_stdout(
        env,
        &["explain", "--quarter", "2026Q2", "--cadre", "T01V01-01"],
    ));
}

// ---------------------------------------------------------------------------------------------
// 5, 6, 7. Hostile and out-of-range fields

/// A file with a canary at line 2 and `bad` at line 3, refused naming line 3 and `column`.
struct Bad {
    kind: &'static str,
    column: &'static str,
    bad: String,
}

fn header_and_canary(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "roster" => (ROSTER, CANARY_CADRE),
        "events" => (EVENTS, CANARY_EVENT),
        "awards" => (AWARDS, CANARY_AWARD),
        "condolences" => (CONDOLENCES, CANARY_CONDOLENCE),
        other => panic!("no canary for {other}"),
    }
}

/// Rows of each kind with `value` in each text or id column.
fn with_value_in_each_column(value: &str) -> Vec<Bad> {
    let mut out = Vec::new();
    let roster = [
        "T01V01-98",
        "李四",
        "T01",
        "T01V01",
        "委员",
        "文书",
        "1500.00",
        "2021-01-01",
        "",
    ];
    for (i, column) in [
        (0, "cadre_id"),
        (1, "name"),
        (2, "town"),
        (3, "village"),
        (5, "position"),
    ] {
        let mut f = roster;
        f[i] = value;
        out.push(Bad {
            kind: "roster",
            column,
            bad: row(&f),
        });
    }
    let event = [
        "EVX-2",
        "2026-07-20",
        "T01V02",
        "inspection_praise",
        "county",
        "x",
    ];
    for (i, column) in [(0, "event_id"), (2, "subject"), (5, "note")] {
        let mut f = event;
        f[i] = value;
        out.push(Bad {
            kind: "events",
            column,
            bad: row(&f),
        });
    }
    let award = ["AWX-2", "2026-07-20", "T01V05", "completion", "100.00", "x"];
    for (i, column) in [(0, "award_id"), (2, "payee"), (5, "reason")] {
        let mut f = award;
        f[i] = value;
        out.push(Bad {
            kind: "awards",
            column,
            bad: row(&f),
        });
    }
    let condolence = [
        "CDX-2",
        "2026-08-02",
        "T01V01-02",
        "on_duty",
        "家属",
        "1000.00",
        "x",
    ];
    for (i, column) in [(0, "condolence_id"), (4, "recipient"), (6, "note")] {
        let mut f = condolence;
        f[i] = value;
        out.push(Bad {
            kind: "condolences",
            column,
            bad: row(&f),
        });
    }
    out
}

/// What [`nothing_imported`] compares.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    reports: [String; 2],
    months: [String; 2],
}

fn snapshot(env: &Env) -> Snapshot {
    let month = |m: &str| {
        env.kaohe(&["ledger", "--month", m, "--format", "csv"])
            .ok()
            .stdout()
    };
    Snapshot {
        reports: [env.report_csv("2026Q2"), env.report_csv("2026Q3")],
        months: [month("2026-07"), month("2026-08")],
    }
}

/// No canary got in: both settled quarters' inputs are as they were, the months' pay sheets
/// (where the award and condolence canaries would be paid) are unchanged, and the canary
/// cadre is unknown.
#[track_caller]
fn nothing_imported(env: &Env, before: &Snapshot, after: &str) {
    for q in ["2026Q2", "2026Q3"] {
        let r = env.kaohe(&["settle", "--quarter", q]);
        assert!(
            r.code == Some(0) && r.stdout().contains("nothing to do"),
            "after {after}: the inputs of {q} changed:\n{}\n{}",
            r.stdout(),
            r.stderr
        );
    }
    assert_eq!(&snapshot(env), before, "after {after}");
    env.kaohe(&["archive", "--cadre", "T01V01-99"])
        .code(2)
        .stderr_has("T01V01-99");
}

/// The canaries alone do change what [`nothing_imported`] looks at, so it can fail.
fn canaries_count(env: &Env, before: &Snapshot) {
    for kind in ["roster", "events", "awards", "condolences"] {
        let (header, canary) = header_and_canary(kind);
        let p = env.write(&format!("canary-{kind}.csv"), file(&[header, canary]));
        env.import(kind, &p);
    }
    env.kaohe(&["archive", "--cadre", "T01V01-99"]).ok();
    env.kaohe(&["settle", "--quarter", "2026Q3"]).code(2);
    let now = snapshot(env);
    assert_ne!(
        now.months[0], before.months[0],
        "the award canary is paid in 2026-07"
    );
    assert_ne!(
        now.months[1], before.months[1],
        "the condolence canary in 2026-08"
    );
}

/// Imports `case` (as `name`), which must be refused with exit 2 naming line 3 and its
/// column; returns the run.
#[track_caller]
fn refused_at_line_3(env: &Env, name: &str, case: &Bad) -> Run {
    let (header, canary) = header_and_canary(case.kind);
    let path = env.write(name, file(&[header, canary, &case.bad]));
    let r = env.kaohe(&["import", case.kind, &path]).code(2);
    r.stderr_has(&format!("{path}:3: column `{}`", case.column))
        .stderr_lacks("panicked");
    r
}

/// docs/guide.md, file formats: a field that begins with `=`, `+`, `-` or `@` — also after a leading tab or
/// carriage return, which a trim would remove — is refused at import with its line and
/// column: names, ids, towns, villages, subjects, payees, notes, reasons, recipients.
pub fn formula_fields_refused(env: &Env) {
    env.settle_sample();
    let before = snapshot(env);
    let mut n = 0;
    for start in ["=", "+", "-", "@", "\t=", "\r=", " ="] {
        let value = format!("{start}HYPERLINK(\"http://x.example/\",\"点我\")");
        for case in with_value_in_each_column(&value) {
            n += 1;
            refused_at_line_3(env, &format!("formula-{n}.csv"), &case);
        }
    }
    assert_eq!(n, 7 * 14);
    nothing_imported(env, &before, "the formula files");
    canaries_count(env, &before);
}

/// docs/guide.md, file formats: a control character in any text field (ESC of a terminal escape, BEL, BS, NUL,
/// DEL, a C1 control) is refused at import with its line and column, by the reader, so the
/// same way on both stores, and the message shows it escaped, never raw.
pub fn control_characters_refused(env: &Env) {
    env.settle_sample();
    let before = snapshot(env);
    let mut n = 0;
    for c in ['\u{1b}', '\u{7}', '\u{8}', '\0', '\u{7f}', '\u{9b}'] {
        let value = format!("好评{c}[2J{c}");
        for case in with_value_in_each_column(&value) {
            n += 1;
            let r = refused_at_line_3(env, &format!("control-{n}.csv"), &case);
            assert!(
                !r.stderr.contains(c),
                "{:?} printed raw:\n{}",
                c,
                r.stderr.escape_debug()
            );
        }
    }
    nothing_imported(env, &before, "the control-character files");
    canaries_count(env, &before);
}

/// The refusal of a NUL in an event note is the same on both stores (PostgreSQL cannot hold
/// a NUL; redb could): the reader's, byte for byte.
#[test]
fn nul_refused_alike_on_both_stores() {
    let Some(pg) = Env::new(Backend::Postgres) else {
        return;
    };
    let redb = Env::new(Backend::Redb).expect("a redb world");
    let messages: Vec<String> = [&redb, &pg]
        .into_iter()
        .map(|env| {
            env.import_sample();
            let bad = format!(
                "{EVENTS}\n{CANARY_EVENT}\nEVX-2,2026-07-20,T01V02,inspection_praise,county,a\0b\n"
            );
            env.write("nul.csv", bad);
            env.kaohe(&["import", "events", "nul.csv"])
                .code(2)
                .stderr_has("nul.csv:3: column `note`")
                .stderr
                .clone()
        })
        .collect();
    assert_eq!(messages[0], messages[1]);
}

/// `fen` cents more than the amount `m` (`1000000.00` + 1 fen = `1000000.01`).
fn plus_fen(m: &str, fen: u64) -> String {
    let (yuan, cents) = m.split_once('.').expect("two decimals");
    let total: u64 = format!("{yuan}{cents}").parse::<u64>().expect("digits") + fen;
    format!("{}.{:02}", total / 100, total % 100)
}

/// Issue 9, item 7: an amount is bounded at import so that everything derived from it fits
/// both stores. `999999999999.99` and one fen above the largest accepted value are refused
/// with their line (roster `monthly_subsidy`, award and condolence `amount`); the largest
/// accepted monthly subsidy settles (a revision of 2026Q3, the cadre at full cadre-scope
/// marks) and pays a month on both stores.
pub fn amounts_bounded(env: &Env) {
    env.settle_sample();
    let max_subsidy = kaohe::domain::Money::MAX_MONTHLY_SUBSIDY.to_string();
    let max_payment = kaohe_io::MAX_PAYMENT;
    let before = snapshot(env);
    let mut cases = Vec::new();
    for amount in ["999999999999.99".to_owned(), plus_fen(&max_subsidy, 1)] {
        cases.push(Bad {
            kind: "roster",
            column: "monthly_subsidy",
            bad: row(&[
                "T01V01-98",
                "李四",
                "T01",
                "T01V01",
                "委员",
                "文书",
                &amount,
                "2021-01-01",
                "",
            ]),
        });
    }
    for amount in ["999999999999.99".to_owned(), plus_fen(max_payment, 1)] {
        cases.push(Bad {
            kind: "awards",
            column: "amount",
            bad: row(&["AWX-2", "2026-07-20", "T01V05", "completion", &amount, "x"]),
        });
        cases.push(Bad {
            kind: "condolences",
            column: "amount",
            bad: row(&[
                "CDX-2",
                "2026-08-02",
                "T01V01-02",
                "on_duty",
                "家属",
                &amount,
                "x",
            ]),
        });
    }
    for (i, case) in cases.iter().enumerate() {
        refused_at_line_3(env, &format!("amount-{i}.csv"), case);
    }
    nothing_imported(env, &before, "the out-of-range amounts");

    // The largest accepted values go through, up to the settlement and the ledger.
    let roster = env.write(
        "max.csv",
        file(&[
            ROSTER,
            &row(&[
                "T01V01-97",
                "王大",
                "T01",
                "T01V01",
                "委员",
                "文书",
                &max_subsidy,
                "2026-07-01",
                "",
            ]),
        ]),
    );
    env.import("roster", &roster);
    let mut scores = vec![SCORES.to_owned()];
    for item in [
        "attendance",
        "work_log",
        "leave",
        "talks",
        "reporting",
        "commitment",
        "audit",
        "review",
    ] {
        scores.push(format!("2026Q3,T01V01-97,duty.{item},1.25"));
    }
    scores.push("2026Q3,T01V01-97,public.satisfaction,10".to_owned());
    let scores = env.write(
        "max-scores.csv",
        file(&scores.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    env.import("scores", &scores);
    env.kaohe(&["settle", "--quarter", "2026Q3", "--revise"])
        .ok();
    assert!(
        env.report_csv("2026Q3").contains("2026Q3,T01V01-97,王大,"),
        "the cadre at the largest subsidy is settled"
    );
    env.kaohe(&["payroll", "--month", "2026-10"]).ok();
    let award = env.write(
        "max-award.csv",
        file(&[
            AWARDS,
            &row(&[
                "AWX-MAX",
                "2026-10-20",
                "T01V05",
                "completion",
                max_payment,
                "x",
            ]),
        ]),
    );
    env.import("awards", &award);
    let month = env
        .kaohe(&["ledger", "--month", "2026-10", "--format", "csv"])
        .ok()
        .stdout();
    assert!(
        month.contains(&format!(",T01V05,completion_award,2026-10,{max_payment},")),
        "{month}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 10. A changed event date

/// An event imported again with another date — into another quarter, within its quarter, or
/// a withdrawn one — is refused naming the file, the line and the column (docs/guide.md, file formats/5.2), and
/// both dates; nothing is imported.
pub fn changed_event_date_located(env: &Env) {
    env.import_sample();
    let events = fs::read_to_string(sample("events.csv")).expect("sample events");
    let ev021 = events
        .lines()
        .find(|l| l.starts_with("EV2026-021,"))
        .expect("EV2026-021 in the sample");
    assert!(ev021.starts_with("EV2026-021,2026-09-24,"), "{ev021}");
    let mistaken = fs::read_to_string(sample("events-mistaken.csv")).expect("mistaken events");
    let ev099 = mistaken
        .lines()
        .find(|l| l.starts_with("EV2026-099,"))
        .expect("EV2026-099 in the sample");
    assert!(ev099.starts_with("EV2026-099,2026-08-20,"), "{ev099}");
    env.import(
        "events",
        &sample("events-mistaken.csv").display().to_string(),
    );
    env.kaohe(&["withdraw", "event", "EV2026-099", "--reason", "误录"])
        .ok();

    for (i, (changed, old, new)) in [
        (
            ev021.replace(",2026-09-24,", ",2026-10-01,"),
            "2026-09-24",
            "2026-10-01",
        ),
        (
            ev021.replace(",2026-09-24,", ",2026-06-30,"),
            "2026-09-24",
            "2026-06-30",
        ),
        (
            ev021.replace(",2026-09-24,", ",2026-09-25,"),
            "2026-09-24",
            "2026-09-25",
        ),
        (
            ev099.replace(",2026-08-20,", ",2026-10-20,"),
            "2026-08-20",
            "2026-10-20",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let path = env.write(
            &format!("moved-{i}.csv"),
            file(&[EVENTS, CANARY_EVENT, &changed]),
        );
        env.kaohe(&["import", "events", &path])
            .code(2)
            .stderr_has(&format!("{path}:3: column `event_id`"))
            .stderr_has(old)
            .stderr_has(new);
    }
    let canary = env.write("canary.csv", file(&[EVENTS, CANARY_EVENT]));
    env.import("events", &canary)
        .stdout_has("1 new, 0 already stored unchanged");
}

// ---------------------------------------------------------------------------------------------
// 9. A damaged redb file

/// One way of damaging a copy of the store.
#[derive(Debug, Clone, Copy)]
enum Damage {
    /// Every bit of the byte at this offset flipped.
    Flip(usize),
    /// The file cut to this length.
    Cut(usize),
    /// This 4 KiB page zeroed.
    ZeroPage(usize),
    /// 16 bytes from this offset replaced by noise from this seed.
    Noise(usize, u64),
}

/// A small deterministic generator (64-bit LCG, Knuth's constants).
fn next(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

fn damages(len: usize) -> Vec<Damage> {
    let pages = len.div_ceil(4096);
    let mut seed = 0x006b_616f_6865_u64; // "kaohe"
    let mut out = Vec::new();
    // The header page (the database header and the commit slots) byte by byte at a stride,
    // then bytes spread over the file.
    out.extend((0..64).map(|i| Damage::Flip(i * 4096 / 64 + i % 5)));
    out.extend((0..50).map(|_| Damage::Flip(next(&mut seed) as usize % len)));
    out.extend(
        [1, 16, 511, 512, 4095, 4096, 4097, len - 1]
            .into_iter()
            .chain((1..40).map(|k| len * k / 40))
            .map(Damage::Cut),
    );
    out.extend((0..pages.min(80)).map(|k| Damage::ZeroPage(k * pages / pages.min(80))));
    out.extend((0..40).map(|_| {
        let at = next(&mut seed) as usize % len;
        Damage::Noise(at, next(&mut seed))
    }));
    out
}

fn damaged_copy(original: &[u8], d: Damage) -> Vec<u8> {
    let mut b = original.to_vec();
    match d {
        Damage::Flip(at) => b[at] ^= 0xFF,
        Damage::Cut(len) => b.truncate(len),
        Damage::ZeroPage(k) => {
            let end = ((k + 1) * 4096).min(b.len());
            b[k * 4096..end].fill(0);
        }
        Damage::Noise(at, mut seed) => {
            let end = (at + 16).min(b.len());
            for x in &mut b[at..end] {
                *x = next(&mut seed) as u8;
            }
        }
    }
    b
}

/// Issue 9, item 9: of about 280 damaged copies of a store (bytes flipped over the header and
/// the file, the file cut at many lengths, pages zeroed, noise), none makes kaohe panic, exit
/// 101 or die by a signal. Each copy is opened by `report` and then `policy show`: exit 0 only
/// with what the intact store shows (damage in unused space), otherwise exit 1 saying the
/// store file is damaged — or exit 2 for a request the damaged file cannot serve, which must
/// still say so (a file cut to nothing is a new, empty store: "not settled").
///
/// About 280 copies, 560 runs of the debug binary: about 4 s here (2 cores), so all of them run.
#[test]
fn damaged_redb_never_panics() {
    let env = Env::new(Backend::Redb).expect("a redb world");
    env.settle_sample();
    env.import("awards", &sample("awards.csv").display().to_string());
    env.kaohe(&["payroll", "--month", "2026-10"]).ok();
    let report = env.report_csv("2026Q3");
    let policy = env.kaohe(&["policy", "show"]).ok().stdout();
    let original = env.read("store.redb");
    let copy = env.path("copy.redb");
    let store = format!("redb:{copy}");
    let started = std::time::Instant::now();
    let list = damages(original.len());
    assert!(list.len() >= 240, "{} damaged copies", list.len());
    let mut problems = Vec::new();
    let mut codes = [0usize; 3];
    for d in &list {
        fs::write(&copy, damaged_copy(&original, *d)).expect("write the copy");
        for (args, intact) in [
            (
                &["report", "--quarter", "2026Q3", "--format", "csv"][..],
                &report,
            ),
            (&["policy", "show"][..], &policy),
        ] {
            let mut all = vec!["--store", store.as_str()];
            all.extend_from_slice(args);
            // `run_in` fails the test on a signal.
            let r = run_in(env.dir(), &all, None, Stdio::piped());
            let what = format!("{d:?} {}", args.join(" "));
            let stdout = String::from_utf8_lossy(&r.stdout);
            match r.code {
                Some(0) if stdout == **intact => codes[0] += 1,
                Some(0) => problems.push(format!("{what}: exit 0 with other output")),
                Some(1) if r.stderr.contains(DAMAGED) => codes[1] += 1,
                Some(2) if r.stderr.contains(DAMAGED) => codes[2] += 1,
                code => problems.push(format!("{what}: exit {code:?}: {}", r.stderr.trim())),
            }
            if r.stderr.contains("panicked") {
                problems.push(format!("{what}: {}", r.stderr.trim()));
            }
        }
    }
    let _ = fs::remove_file(&copy);
    assert!(
        problems.is_empty(),
        "{} of {} runs:\n{}",
        problems.len(),
        list.len() * 2,
        problems.join("\n")
    );
    // Many copies are damaged where it matters (a third of the runs at least, here about
    // half), and the check on open sees them.
    assert!(
        codes[1] * 3 > list.len() * 2,
        "runs ending 0/1/2: {codes:?}"
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "damaged redb: {} copies, runs ending 0/1/2 {codes:?}, {:.1} s",
        list.len(),
        started.elapsed().as_secs_f64()
    );
}
