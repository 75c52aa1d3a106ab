//! Scenario 6: `kaohe compute` (files only, no store) gives the report of `settle` + `report`.

use super::harness::{Env, sample};

pub fn compute_equals_settle(env: &Env) {
    env.settle_sample();
    let files = |q: &'static str| -> Vec<String> {
        let mut v: Vec<String> = vec!["compute".into(), "--quarter".into(), q.into()];
        for f in ["roster", "scores", "events"] {
            v.push(format!("--{f}"));
            v.push(sample(&format!("{f}.csv")).display().to_string());
        }
        v
    };
    // compute opens no store: give it one that cannot be opened.
    let no_store = format!("redb:{}", env.path("no/such/dir/x.redb"));
    let run = |args: &[String]| {
        let mut all: Vec<&str> = vec!["--store", &no_store];
        all.extend(args.iter().map(String::as_str));
        env.kaohe_raw(&all).ok().stdout()
    };

    let q2 = run(&files("2026Q2"));
    // Byte identity: the report as written before the writer went through the `csv` crate
    // (commit 0cb03ac); its figures are checked by the oracle and flow scenarios.
    assert_eq!(q2, include_str!("../data/sample-2026Q2-report.csv"));
    assert_eq!(
        q2,
        env.report_csv("2026Q2"),
        "compute 2026Q2 = settle + report"
    );

    let previous = env.write("q2.csv", &q2);
    let mut args = files("2026Q3");
    args.extend(["--previous".to_owned(), previous]);
    let q3 = run(&args);
    assert_eq!(
        q3,
        env.report_csv("2026Q3"),
        "compute 2026Q3 --previous Q2 = settle + report"
    );
    assert!(q3.contains("admonish;dismissal_review"), "{q3}");
    assert_eq!(q3, include_str!("../data/sample-2026Q3-report.csv"));

    // Without the earlier appraisal, the consecutive-unqualified rule has nothing to read.
    let alone = run(&files("2026Q3"));
    assert!(!alone.contains("dismissal_review"), "{alone}");

    // --out writes the same bytes.
    let mut args = files("2026Q2");
    args.extend(["--out".to_owned(), env.path("out.csv")]);
    run(&args);
    assert_eq!(env.read("out.csv"), q2.as_bytes());
    assert!(
        !std::path::Path::new(&env.path("kaohe.redb")).exists(),
        "compute created the default store"
    );
}
