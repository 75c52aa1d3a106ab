//! Project tasks, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! `cargo xtask dist` packs a release: it builds the `kaohe` binary (release profile), has it
//! write its man pages and shell completions from its own clap definition
//! (`kaohe __generate man|completions DIR`, clap_mangen and clap_complete), and packs
//! `target/dist/kaohe-VERSION-TARGET.tar.gz` with the binary, `man/`, `completions/`, the
//! README and `docs/` (with the system `tar`).
//!
//! `cargo xtask settle --quarter Q [--store URL] [--import DIR]` is the finance office's
//! quarterly command. It runs exactly the code path of `kaohe settle`: it builds the `kaohe`
//! binary (release profile) and runs it — first `kaohe import KIND` for the files DIR holds
//! (roster, scores, events, then the year's awards and condolences), then
//! `kaohe settle --quarter Q`. The xtask itself depends on nothing, so it
//! builds in a moment.
//!
//! `cargo xtask bench [--cadres N] [--store redb|postgres|both] [--runs R] [--peer CMD]`
//! builds the release `kaohe` binary and runs `cargo bench --bench scale -- binary ...`
//! with it (`KAOHE_BIN`): the synthetic county's generator and the raw bulk writes need redb
//! and sqlx, which this crate does not depend on. The bench runs each phase as the binary in
//! a child process (see `benches/scale/children.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
cargo xtask dist

  Build the release binary and pack it with its man pages, shell completions
  (bash, zsh, fish, PowerShell), README.md and docs/ as
  target/dist/kaohe-VERSION-TARGET.tar.gz.

cargo xtask settle --quarter Q [--store URL] [--import DIR]

  Settle quarter Q (e.g. 2026Q3) with the kaohe binary, importing DIR's
  roster.csv, scores.csv, events.csv, awards.csv and condolences.csv (those
  it holds) first when --import is given.

  --quarter Q    the quarter to settle (required)
  --store URL    redb:FILE or postgres://... (default: $KAOHE_STORE, else redb:kaohe.redb)
  --import DIR   a folder holding roster.csv, scores.csv and/or events.csv
  -h, --help     this text

cargo xtask bench [--cadres N] [--store redb|postgres|both] [--runs R]
                  [--peer CMD]

  Build the release binary, generate (once, kept in target/bench/county-N/) a
  synthetic county of N cadres, and time each phase as the kaohe binary in a
  child process: `kaohe compute` from the files, then on each store (a fresh
  one per run) `kaohe import roster`, `import scores`, `import events` and
  `kaohe settle`, then the raw bulk write of the same rows on that store.
  Prints, per phase, the rows, the median wall time, rows/s, the peak RSS, the
  CPU time and the ratio to the raw bulk write, with the machine's cores and
  load average.

  --cadres N     the county's size: 100000 (default), 100k, 2m
  --store S      redb, postgres or both (default); PostgreSQL needs
                 KAOHE_TEST_POSTGRES=postgres://USER@HOST:PORT/DB (a fresh
                 schema per run, dropped after)
  --runs R       runs of each phase; medians are printed (default 3)
  --peer CMD     also time an outside tool on the same files, alternating with
                 `kaohe compute`, and print the ratio. CMD is split on spaces (no
                 shell); {dir} (the folder of roster.csv, scores.csv,
                 events.csv), {quarter} and {out} (a file to write) are replaced
  -h, --help     this text

Exit codes are kaohe's: 0 success, 2 invalid input or refused, 1 any other failure.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("settle") => settle(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("dist") if args.len() == 1 => dist(),
        Some("dist") => {
            eprintln!("error: `dist` takes no arguments\n\n{USAGE}");
            ExitCode::from(2)
        }
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown task `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn settle(args: &[String]) -> ExitCode {
    let mut quarter = None;
    let mut store = None;
    let mut import = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (a.as_str(), None),
        };
        let slot = match flag {
            "--quarter" => &mut quarter,
            "--store" => &mut store,
            "--import" => &mut import,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("error: unexpected argument `{a}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        match inline.or_else(|| it.next().cloned()) {
            Some(v) => *slot = Some(v),
            None => {
                eprintln!("error: {flag} needs a value\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(quarter) = quarter else {
        eprintln!("error: --quarter is required\n\n{USAGE}");
        return ExitCode::from(2);
    };

    let kaohe = match build_release() {
        Ok(kaohe) => kaohe,
        Err(code) => return code,
    };

    let mut steps: Vec<Vec<String>> = Vec::new();
    if let Some(dir) = &import {
        let dir = Path::new(dir);
        if !dir.is_dir() {
            eprintln!("error: --import {}: not a folder", dir.display());
            return ExitCode::from(2);
        }
        let mut found = false;
        for kind in ["roster", "scores", "events", "awards", "condolences"] {
            let file = dir.join(format!("{kind}.csv"));
            if file.is_file() {
                found = true;
                steps.push(vec![
                    "import".into(),
                    kind.into(),
                    file.display().to_string(),
                ]);
            }
        }
        if !found {
            eprintln!(
                "error: --import {}: no roster.csv, scores.csv or events.csv in it",
                dir.display()
            );
            return ExitCode::from(2);
        }
    }
    steps.push(vec!["settle".into(), "--quarter".into(), quarter]);

    for step in steps {
        let mut cmd = Command::new(&kaohe);
        cmd.args(&step);
        if let Some(url) = &store {
            cmd.env("KAOHE_STORE", url);
        }
        match cmd.status() {
            Ok(s) if s.success() => {}
            Ok(s) => {
                let code = s.code().map_or(1, |c| u8::try_from(c).unwrap_or(1));
                return ExitCode::from(code);
            }
            Err(e) => {
                eprintln!("error: could not run {}: {e}", kaohe.display());
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The arguments of `cargo xtask bench`, checked.
#[derive(Debug, PartialEq, Eq)]
struct BenchArgs {
    cadres: u64,
    redb: bool,
    postgres: bool,
    runs: u64,
    peer: Option<String>,
}

/// `100000`, `100_000`, `100k`, `2m`: a positive count.
fn parse_count(s: &str) -> Option<u64> {
    let s = s.replace('_', "").to_ascii_lowercase();
    let (digits, mult) = if let Some(d) = s.strip_suffix('k') {
        (d, 1_000)
    } else if let Some(d) = s.strip_suffix('m') {
        (d, 1_000_000)
    } else {
        (s.as_str(), 1)
    };
    let n = digits.parse::<u64>().ok()?.checked_mul(mult)?;
    (n > 0).then_some(n)
}

/// `Ok(None)` for `--help`; `Err(message)` for bad arguments.
fn bench_args(args: &[String]) -> Result<Option<BenchArgs>, String> {
    let mut a = BenchArgs {
        cadres: 100_000,
        redb: true,
        postgres: true,
        runs: 3,
        peer: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        if matches!(flag, "-h" | "--help") {
            return Ok(None);
        }
        if !matches!(flag, "--cadres" | "--store" | "--runs" | "--peer") {
            return Err(format!("unexpected argument `{arg}`"));
        }
        let Some(v) = inline.or_else(|| it.next().cloned()) else {
            return Err(format!("{flag} needs a value"));
        };
        match flag {
            "--cadres" => {
                a.cadres = parse_count(&v).ok_or_else(|| {
                    format!("--cadres {v}: not a positive number of cadres (e.g. 100000, 100k, 2m)")
                })?;
            }
            "--store" => {
                (a.redb, a.postgres) = match v.as_str() {
                    "redb" => (true, false),
                    "postgres" | "pg" => (false, true),
                    "both" => (true, true),
                    _ => return Err(format!("--store {v}: use redb, postgres or both")),
                };
            }
            "--runs" => {
                a.runs = v
                    .parse()
                    .ok()
                    .filter(|r| *r > 0)
                    .ok_or_else(|| format!("--runs {v}: not a positive whole number"))?;
            }
            _ => {
                if v.split_whitespace().next().is_none() {
                    return Err("--peer needs a command".into());
                }
                a.peer = Some(v);
            }
        }
    }
    Ok(Some(a))
}

/// `cargo xtask bench`: see the crate docs.
fn bench(args: &[String]) -> ExitCode {
    let a = match bench_args(args) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let pg_set = std::env::var("KAOHE_TEST_POSTGRES").is_ok_and(|u| !u.is_empty());
    if a.postgres && !a.redb && !pg_set {
        eprintln!(
            "error: --store postgres needs KAOHE_TEST_POSTGRES \
             (e.g. postgres://postgres@127.0.0.1:5432/test)"
        );
        return ExitCode::from(2);
    }
    let kaohe = match build_release() {
        Ok(kaohe) => kaohe,
        Err(code) => return code,
    };
    let mut forward = vec![
        "binary".to_owned(),
        a.cadres.to_string(),
        format!("runs={}", a.runs),
    ];
    if a.redb {
        forward.push("redb".into());
    }
    if a.postgres {
        forward.push("postgres".into());
    }
    if let Some(peer) = a.peer {
        forward.push(format!("peer={peer}"));
    }
    let status = Command::new(env_or("CARGO", "cargo"))
        .current_dir(workspace_root())
        .args([
            "bench",
            "--quiet",
            "--package",
            "kaohe",
            "--bench",
            "scale",
            "--",
        ])
        .args(&forward)
        .env("KAOHE_BIN", &kaohe)
        .status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: could not run cargo: {e}");
            ExitCode::from(1)
        }
    }
}

/// Builds the `kaohe` binary with the release profile; its path, or the exit code of failure.
fn build_release() -> Result<PathBuf, ExitCode> {
    let status = Command::new(env_or("CARGO", "cargo"))
        .current_dir(workspace_root())
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "kaohe-cli",
            "--bin",
            "kaohe",
        ])
        .status();
    match status {
        Ok(s) if s.success() => Ok(target_dir()
            .join("release")
            .join(format!("kaohe{}", std::env::consts::EXE_SUFFIX))),
        Ok(_) => Err(ExitCode::from(1)),
        Err(e) => {
            eprintln!("error: could not run cargo: {e}");
            Err(ExitCode::from(1))
        }
    }
}

/// `cargo xtask dist`: see the crate docs.
fn dist() -> ExitCode {
    match pack() {
        Ok(archive) => {
            println!("{}", archive.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn pack() -> Result<PathBuf, String> {
    let kaohe = build_release().map_err(|_| "the release build failed".to_owned())?;
    let root = workspace_root();
    let name = format!("kaohe-{}-{}", env!("CARGO_PKG_VERSION"), host_target()?);
    let out = target_dir().join("dist");
    let stage = out.join(&name);
    if stage.exists() {
        std::fs::remove_dir_all(&stage).map_err(|e| format!("{}: {e}", stage.display()))?;
    }
    std::fs::create_dir_all(&stage).map_err(|e| format!("{}: {e}", stage.display()))?;
    let bin = stage.join(kaohe.file_name().unwrap_or_else(|| "kaohe".as_ref()));
    copy(&kaohe, &bin)?;
    for (what, dir) in [("man", "man"), ("completions", "completions")] {
        run(Command::new(&kaohe)
            .args(["__generate", what])
            .arg(stage.join(dir)))?;
    }
    copy(&root.join("README.md"), &stage.join("README.md"))?;
    copy_dir(&root.join("docs"), &stage.join("docs"))?;
    let archive = out.join(format!("{name}.tar.gz"));
    run(Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&out)
        .arg(&name))?;
    Ok(archive)
}

/// Runs `cmd`, its output discarded; an error unless it succeeds.
fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "{shown} failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim_end()
        )),
        Err(e) => Err(format!("could not run {shown}: {e}")),
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            copy(&path, &dest)?;
        }
    }
    Ok(())
}

/// The host's target triple (`rustc -vV`), which the release build is for.
fn host_target() -> Result<String, String> {
    let out = Command::new(env_or("RUSTC", "rustc"))
        .arg("-vV")
        .output()
        .map_err(|e| format!("could not run rustc: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else the workspace's `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<BenchArgs>, String> {
        bench_args(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn bench_arguments() {
        let a = args(&["--cadres", "10k", "--store=redb", "--runs", "1"])
            .expect("valid")
            .expect("not help");
        assert_eq!(
            (a.cadres, a.redb, a.postgres, a.runs),
            (10_000, true, false, 1)
        );
        let a = args(&[]).expect("valid").expect("not help");
        assert_eq!(
            (a.cadres, a.redb, a.postgres, a.runs),
            (100_000, true, true, 3)
        );
        assert_eq!(
            args(&["--store", "pg"]).expect("valid").map(|a| a.redb),
            Some(false)
        );
        assert_eq!(
            args(&["--peer", "duck {dir} {quarter} {out}"])
                .expect("valid")
                .and_then(|a| a.peer),
            Some("duck {dir} {quarter} {out}".to_owned())
        );
        assert_eq!(args(&["--help"]), Ok(None));
    }

    #[test]
    fn bad_bench_arguments_are_refused() {
        for bad in [
            &["--cadres", "0"][..],
            &["--cadres", "many"],
            &["--cadres"],
            &["--store", "sqlite"],
            &["--runs", "0"],
            &["--runs", "-1"],
            &["--peer", " "],
            &["--fast"],
            &["100000"],
        ] {
            assert!(args(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("100_000"), Some(100_000));
        assert_eq!(parse_count("2M"), Some(2_000_000));
        assert_eq!(parse_count("k"), None);
        assert_eq!(parse_count("99999999999999999999m"), None);
    }
}
