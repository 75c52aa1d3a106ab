//! `kaohe __generate man|completions DIR`: the man pages and the shell completions, generated
//! from the clap definition itself, so they cannot drift from the binary. Hidden (not in the
//! help): `cargo xtask dist` runs it to pack them with the release binary.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::Cli;

/// The hidden first argument that selects the generator.
pub const ARG: &str = "__generate";

const USAGE: &str = "usage: kaohe __generate man|completions DIR";

/// Runs the generator for `args` (the arguments after [`ARG`]): prints the files written, one
/// a line; exit 2 on a bad argument, 1 when a file cannot be written.
pub fn run(args: &[OsString]) -> ExitCode {
    let (what, dir) = match args {
        [what, dir] => (what.to_string_lossy(), PathBuf::from(dir)),
        _ => {
            eprintln!("error: {USAGE}");
            return ExitCode::from(2);
        }
    };
    let written = match what.as_ref() {
        "man" => man(&dir),
        "completions" => completions(&dir),
        other => {
            eprintln!("error: unknown generator `{other}`; {USAGE}");
            return ExitCode::from(2);
        }
    };
    match written {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            ExitCode::from(1)
        }
    }
}

/// `kaohe.1` and one page per subcommand (`kaohe-settle.1`, …) in `dir`.
fn man(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    // Not built beforehand: `generate_to` builds the command with the help subcommand off,
    // which a prior build would have added as pages of its own.
    clap_mangen::generate_to(Cli::command(), dir)?;
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "1"))
        .collect();
    pages.sort();
    Ok(pages)
}

/// Completions for bash (`kaohe.bash`), zsh (`_kaohe`), fish (`kaohe.fish`) and PowerShell
/// (`_kaohe.ps1`) in `dir`.
fn completions(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut cmd = Cli::command();
    [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell]
        .into_iter()
        .map(|shell| clap_complete::generate_to(shell, &mut cmd, "kaohe", dir))
        .collect()
}
