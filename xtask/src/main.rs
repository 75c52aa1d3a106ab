//! Project tasks, run as `cargo xtask <task>` (the alias lives in `.cargo/config.toml`).
//!
//! `cargo xtask settle --quarter Q [--store URL] [--import DIR]` is the finance office's
//! quarterly command. It runs exactly the code path of `kaohe settle`: it builds the `kaohe`
//! binary (release profile) and runs it — first `kaohe import KIND` for the files DIR holds
//! (roster, scores, events, then the year's awards and condolences), then
//! `kaohe settle --quarter Q`. The xtask itself depends on nothing, so it
//! builds in a moment.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
cargo xtask settle --quarter Q [--store URL] [--import DIR]

  Settle quarter Q (e.g. 2026Q3) with the kaohe binary, importing DIR's
  roster.csv, scores.csv, events.csv, awards.csv and condolences.csv (those
  it holds) first when --import is given.

  --quarter Q    the quarter to settle (required)
  --store URL    redb:FILE or postgres://... (default: $KAOHE_STORE, else redb:kaohe.redb)
  --import DIR   a folder holding roster.csv, scores.csv and/or events.csv
  -h, --help     this text

Exit codes are kaohe's: 0 success, 2 invalid input or refused, 1 any other failure.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("settle") => settle(&args[1..]),
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

    let root = workspace_root();
    let status = Command::new(env_or("CARGO", "cargo"))
        .current_dir(&root)
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
        Ok(s) if s.success() => {}
        Ok(_) => return ExitCode::from(1),
        Err(e) => {
            eprintln!("error: could not run cargo: {e}");
            return ExitCode::from(1);
        }
    }
    let kaohe = root.join("target/release/kaohe");

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

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}
