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

Exit codes are kaohe's: 0 success, 2 invalid input or refused, 1 any other failure.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("settle") => settle(&args[1..]),
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
