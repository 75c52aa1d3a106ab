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
        "rust_xlsxwriter",
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

/// ARCHITECTURE.md: no sqlx or redb type crosses the Store trait.
#[test]
fn the_store_contract_names_no_backend() {
    let deps = manifest_dependencies(&root().join("crates/store"));
    for f in ["sqlx", "redb"] {
        assert!(!deps.contains(f), "crates/store depends on {f}");
    }
}
