//! `kaohe audit`: every command that wrote to the store, one record each, with the file it
//! read as `path=sha256`; dry runs and reads leave no record.

use super::harness::{Env, sample};
use super::table::parse;

pub fn audit_log_lists_writes(env: &Env) {
    env.import_sample();
    env.kaohe(&["settle", "--quarter", "2026Q2", "--dry-run"])
        .ok();
    env.kaohe(&["report", "--quarter", "2026Q1"]).code(2);
    env.kaohe(&["settle", "--quarter", "2026Q2"]).ok();
    env.kaohe(&["payroll", "--month", "2026-07"]).ok();

    let csv = env.kaohe(&["audit", "--format", "csv"]).ok().stdout();
    assert_eq!(csv.lines().next(), Some("time,user,command,files"));
    let t = parse(&csv);
    // Three imports, the settlement, the payroll: the dry run and the reads wrote nothing.
    assert_eq!(t.rows.len(), 5, "{csv}");
    for (row, (verb, file)) in t.rows.iter().zip([
        ("import roster", Some("roster.csv")),
        ("import scores", Some("scores.csv")),
        ("import events", Some("events.csv")),
        ("settle --quarter 2026Q2", None),
        ("payroll --month 2026-07", None),
    ]) {
        assert!(
            row.get("command").contains(verb),
            "{verb}: {}",
            row.get("command")
        );
        let time = row.get("time");
        assert!(
            time.len() == 20 && time.ends_with('Z') && &time[10..11] == "T",
            "RFC 3339 UTC: {time}"
        );
        match file {
            Some(f) => {
                let path = sample(f);
                let bytes = std::fs::read(&path).expect("sample file");
                assert_eq!(
                    row.get("files"),
                    format!("{}={}", path.display(), kaohe::sha256_hex(&bytes))
                );
            }
            None => assert_eq!(row.get("files"), ""),
        }
    }
    let today = &t.rows[0].get("time")[..10];
    let since = env
        .kaohe(&["audit", "--since", today, "--format", "csv"])
        .ok()
        .stdout();
    assert_eq!(parse(&since).rows.len(), 5, "all of today");
    let none = env
        .kaohe(&["audit", "--since", "2999-01-01", "--format", "csv"])
        .ok()
        .stdout();
    assert_eq!(none, "time,user,command,files\n");
    env.kaohe(&["audit", "--since", "2026-13-01"])
        .code(2)
        .stderr_has("--since");

    let json = env.kaohe(&["audit", "--format", "json"]).ok().stdout();
    assert_eq!(json.matches("\"command\":").count(), 5, "{json}");
    env.kaohe(&["audit"])
        .ok()
        .stdout_has("时间")
        .stdout_has("import roster");
}
