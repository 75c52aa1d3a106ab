//! Tidy checks on the source tree (in the manner of rust-analyzer's): what the architecture
//! promises and no compiler checks.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every crate root of the workspace.
fn crate_roots() -> Vec<PathBuf> {
    let mut roots = vec![root().join("src/lib.rs"), root().join("xtask/src/main.rs")];
    for entry in fs::read_dir(root().join("crates")).expect("crates/") {
        let dir = entry.expect("crates/ entry").path();
        for file in ["src/lib.rs", "src/main.rs"] {
            if dir.join(file).is_file() {
                roots.push(dir.join(file));
            }
        }
    }
    roots
}

fn manifest_dependencies(crate_dir: &Path) -> String {
    let text = fs::read_to_string(crate_dir.join("Cargo.toml")).expect("Cargo.toml");
    // Only the dependency tables, not the description.
    text.split("\n[")
        .filter(|t| t.starts_with("dependencies") || t.starts_with("dev-dependencies"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every crate root opens with a `//!` paragraph on the crate's role (ARCHITECTURE.md).
#[test]
fn every_crate_says_what_it_is_for() {
    let roots = crate_roots();
    assert!(roots.len() >= 11, "found only {roots:?}");
    for path in roots {
        let text = fs::read_to_string(&path).expect("crate root");
        assert!(
            text.starts_with("//! "),
            "{} does not open with a `//!` paragraph",
            path.display()
        );
    }
}

/// ARCHITECTURE.md: the four core crates do no IO — they never depend on tokio, sqlx, redb,
/// csv or any store or file crate of the workspace.
#[test]
fn core_crates_do_no_io() {
    let forbidden = [
        "tokio",
        "sqlx",
        "redb",
        "csv",
        "kaohe-store",
        "kaohe-io",
        "kaohe-report",
        "rust_xlsxwriter",
        "calamine",
    ];
    for name in ["domain", "scoring", "grading", "settlement"] {
        let deps = manifest_dependencies(&root().join("crates").join(name));
        for f in forbidden {
            let named = deps.lines().any(|l| {
                l.trim_start().starts_with(&format!("{f} "))
                    || l.trim_start().starts_with(&format!("{f}."))
                    || l.trim_start().starts_with(&format!("{f}="))
            });
            assert!(
                !named,
                "crates/{name} depends on {f}: the core crates do no IO"
            );
        }
    }
}

/// ARCHITECTURE.md: the reading and the writing halves of the file formats stand alone —
/// kaohe-io (readers) and kaohe-report (writers) never depend on each other (only kaohe-io's
/// tests use kaohe-report, to read back what it writes), nor on the engine or a store.
#[test]
fn readers_and_writers_stand_apart() {
    for (name, other) in [("io", "kaohe-report"), ("report", "kaohe-io")] {
        let text = fs::read_to_string(root().join("crates").join(name).join("Cargo.toml"))
            .expect("Cargo.toml");
        let deps: String = text
            .split("\n[")
            .filter(|t| t.starts_with("dependencies"))
            .collect();
        for f in [
            other,
            "kaohe-settlement",
            "kaohe-grading",
            "kaohe-scoring",
            "kaohe-store",
        ] {
            let named = deps.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with(&format!("{f} ")) || l.starts_with(&format!("{f}."))
            });
            assert!(!named, "crates/{name} depends on {f}");
        }
    }
}

/// ARCHITECTURE.md: no sqlx or redb type crosses the Store trait.
#[test]
fn the_store_contract_names_no_backend() {
    let deps = manifest_dependencies(&root().join("crates/store"));
    for f in ["sqlx", "redb"] {
        assert!(!deps.contains(f), "crates/store depends on {f}");
    }
}

/// The source files that make up the product (every `src/` of the workspace, the xtask
/// included), without test files.
fn product_sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).expect("source dir") {
            let p = entry.expect("dir entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs")
                && !p.ends_with("tests.rs")
                && !p.ends_with("conformance.rs")
            {
                out.push(p);
            }
        }
    }
    let mut dirs = vec![root().join("src"), root().join("xtask/src")];
    for entry in fs::read_dir(root().join("crates")).expect("crates/") {
        dirs.push(entry.expect("crates/ entry").path().join("src"));
    }
    let mut out = Vec::new();
    for d in dirs.iter().filter(|d| d.is_dir()) {
        walk(d, &mut out);
    }
    out
}

/// The text users see in `source`, with the line it starts on: string literals (messages,
/// pages, help) and, for the command line, `///` comments (clap turns them into `--help`).
/// Stops at `#[cfg(test)]`: test modules are last in their file by the project's layout.
fn user_visible_text(source: &str, doc_comments: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let code = source.split("#[cfg(test)]").next().unwrap_or("");
    let mut chars = code.char_indices().peekable();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if code[i..].starts_with("//") => {
                let end = code[i..].find('\n').map_or(code.len(), |n| i + n);
                if doc_comments && code[i..].starts_with("///") {
                    out.push((line_of(i), code[i..end].to_owned()));
                }
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            '\'' => {
                // A char literal ('"' or '\'') is skipped; a lifetime is one quote only.
                let rest = &code[i + 1..];
                let len = if let Some(escaped) = rest.strip_prefix('\\') {
                    escaped.find('\'').map(|n| n + 2)
                } else {
                    rest.chars()
                        .next()
                        .filter(|_| rest.chars().nth(1) == Some('\''))
                        .map(|ch| ch.len_utf8())
                };
                if let Some(n) = len {
                    while chars.peek().is_some_and(|&(j, _)| j <= i + n + 1) {
                        chars.next();
                    }
                }
            }
            '"' => {
                let start = i;
                let mut text = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        c => text.push(c),
                    }
                }
                out.push((line_of(start), text));
            }
            _ => {}
        }
    }
    out
}

/// What kaohe prints cites articles (`Art.10`) and the project's own docs, never the design
/// contract behind them (it is not in the repository, so no user can open it).
#[test]
fn messages_and_help_cite_articles_and_docs_not_the_spec() {
    let mut found = Vec::new();
    for file in product_sources() {
        let text = fs::read_to_string(&file).expect("source");
        // The binary's sources, by their place in the repository (not by a folder named `cli`
        // somewhere above the checkout).
        let cli = file
            .strip_prefix(root())
            .is_ok_and(|rel| rel.starts_with("crates/cli"));
        for (line, s) in user_visible_text(&text, cli) {
            if s.contains("SPEC") {
                let rel = file.strip_prefix(root()).unwrap_or(&file).display();
                found.push(format!("{rel}:{line}: {}", s.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "user-visible text cites SPEC (cite the article or docs/ instead):\n{}",
        found.join("\n")
    );
}

/// The scanner sees strings and the command line's doc comments, and nothing else.
#[test]
fn user_visible_text_is_strings_and_cli_docs() {
    let src = "/// help SPEC\n// note SPEC\nlet a = \"msg SPEC \\\" q\"; let c = '\"';\n\
               let l: &'static str = \"two\";\n#[cfg(test)]\nmod tests { \"SPEC\" }";
    let got: Vec<String> = user_visible_text(src, true)
        .into_iter()
        .map(|(l, s)| format!("{l}:{s}"))
        .collect();
    assert_eq!(got, ["1:/// help SPEC", "3:msg SPEC  q", "4:two"]);
    assert_eq!(user_visible_text(src, false).len(), 2);
}
