//! The command-line conventions (issue 11, item 4): `--version` names the store schemas,
//! `NO_COLOR` turns colour off, and the hidden generator that `cargo xtask dist` runs writes
//! the man pages and the four shell completions from the clap definition.

use std::path::Path;
use std::process::Command;

use super::harness::{Backend, Env, kaohe_bin, root};

/// The latest migration of `crates/store-postgres/migrations`, by its file name
/// (`0003_….sql` is 3): read from the folder, not from the code under test.
fn latest_migration() -> u32 {
    let dir = root().join("crates/store-postgres/migrations");
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".sql")?.split('_').next()?.parse().ok()
        })
        .max()
        .expect("at least one migration")
}

/// The `schema` of the `meta` table of a redb store file, read with redb itself.
fn redb_schema(file: &Path) -> u64 {
    use redb::ReadableDatabase as _;
    const META: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("meta");
    let db = redb::Database::open(file).expect("open the store file");
    let tx = db.begin_read().expect("a read transaction");
    let meta = tx.open_table(META).expect("the meta table");
    meta.get("schema")
        .expect("read meta")
        .expect("a schema entry")
        .value()
}

pub fn version_names_the_store_schemas() {
    let env = Env::new(Backend::Redb).expect("a redb store");
    // A store written by this build: its schema is what --version must name.
    env.import(
        "roster",
        &super::harness::sample("roster.csv").display().to_string(),
    );
    let file = env.dir().join("store.redb");
    let want = format!(
        "kaohe {} (store schema: redb {}, postgres {})\n",
        env!("CARGO_PKG_VERSION"),
        redb_schema(&file),
        latest_migration()
    );
    let run = env.kaohe_raw(&["--version"]).ok();
    assert_eq!(run.stdout(), want);
    // Every subcommand says the same.
    let run = env.kaohe_raw(&["settle", "--version"]).ok();
    assert_eq!(
        run.stdout(),
        want.replacen("kaohe ", "kaohe-settle ", 1),
        "settle --version"
    );
}

/// Runs the binary with `vars` set; (stdout, stderr) as text.
fn with_env(args: &[&str], vars: &[(&str, &str)]) -> (String, String) {
    let mut cmd = Command::new(kaohe_bin());
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run kaohe");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn no_color_turns_colour_off() {
    const ESC: char = '\u{1b}';
    // Colour forced (as a terminal would get it): the help and a usage error are styled…
    let force = [("CLICOLOR_FORCE", "1")];
    let (help, _) = with_env(&["--help"], &force);
    assert!(
        help.contains(ESC),
        "help is styled when colour is on:\n{help}"
    );
    let (_, err) = with_env(&["settle", "--quartr", "2026Q3"], &force);
    assert!(err.contains(ESC), "a usage error is styled:\n{err}");
    // …and NO_COLOR, even then, turns it off.
    let off = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
    let (help, _) = with_env(&["--help"], &off);
    assert!(!help.contains(ESC), "NO_COLOR: no escape in help:\n{help}");
    assert!(help.contains("Usage: kaohe"), "{help}");
    let (_, err) = with_env(&["settle", "--quartr", "2026Q3"], &off);
    assert!(!err.contains(ESC), "NO_COLOR: no escape in errors:\n{err}");
    assert!(err.contains("--quartr"), "{err}");
    // An empty NO_COLOR does not count (no-color.org).
    let empty = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")];
    let (help, _) = with_env(&["--help"], &empty);
    assert!(help.contains(ESC), "an empty NO_COLOR leaves colour on");
}

pub fn generator_writes_man_pages_and_completions() {
    let env = Env::new(Backend::Redb).expect("a temporary directory");
    let man = env.dir().join("man");
    let done = env
        .kaohe_raw(&["__generate", "man", &man.display().to_string()])
        .ok();
    let main = std::fs::read_to_string(man.join("kaohe.1")).expect("kaohe.1");
    assert!(main.starts_with(".ie \\n(.g .ds Aq"), "roff: {main:.200}");
    for needle in [".TH kaohe 1", "settle", "KAOHE_STORE", "Exit codes"] {
        assert!(main.contains(needle), "kaohe.1 has `{needle}`");
    }
    // A page per subcommand, each listed on stdout.
    let listed = done.stdout();
    for sub in [
        "import",
        "settle",
        "report",
        "ledger",
        "commend",
        "policy-set",
    ] {
        let page = man.join(format!("kaohe-{sub}.1"));
        let text = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{sub}: {e}"));
        assert!(text.contains(".TH kaohe-"), "{sub}: {text:.200}");
        assert!(listed.contains(&page.display().to_string()), "{listed}");
    }
    assert!(!man.join("kaohe-help.1").exists(), "no page for `help`");

    let dir = env.dir().join("completions");
    env.kaohe_raw(&["__generate", "completions", &dir.display().to_string()])
        .ok();
    for (file, needle) in [
        ("kaohe.bash", "_kaohe()"),
        ("_kaohe", "#compdef kaohe"),
        ("kaohe.fish", "complete -c kaohe"),
        ("_kaohe.ps1", "Register-ArgumentCompleter"),
    ] {
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains(needle), "{file} has `{needle}`");
        // The subcommands and their flags are in every one.
        assert!(
            text.contains("settle") && text.contains("missing-as-zero"),
            "{file}"
        );
        // The generator itself is not offered.
        assert!(!text.contains("__generate"), "{file}");
    }

    env.kaohe_raw(&["__generate", "pdf", "x"])
        .code(2)
        .stderr_has("unknown generator");
    env.kaohe_raw(&["__generate"]).code(2).stderr_has("usage");
}
