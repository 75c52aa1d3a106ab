//! Scenario 2: a correction after settling (docs/rules.md, the settlement life cycle): refused without `--revise`, appended
//! as correcting entries with it, old entries untouched.

use std::collections::BTreeMap;

use super::checks::{ledger_rules, line_has, of_revision, report_rules, same_report};
use super::harness::{Env, sample};
use super::oracle::{self, Inputs};
use super::table::parse;

/// The correction: two of T01V05-04's cadre items in 2026Q3.
const CORRECTION: &str = "quarter,subject,item,points\n\
2026Q3,T01V05-04,public.satisfaction,0\n\
2026Q3,T01V05-04,duty.attendance,0.25\n";

pub fn correct_a_settled_quarter(env: &Env) {
    // The numbers below are worked by hand from the sample files; make sure they still hold.
    let scores = std::fs::read_to_string(sample("scores.csv")).expect("sample scores");
    assert!(scores.contains("\n2026Q3,T01V05-04,public.satisfaction,9.62\n"));
    assert!(scores.contains("\n2026Q3,T01V05-04,duty.attendance,1.25\n"));

    env.settle_sample();
    let old_report = env.report_csv("2026Q3");
    let old_ledger = env.ledger_csv("2026Q3");
    let q2_ledger = env.ledger_csv("2026Q2");
    let q2_report = env.report_csv("2026Q2");
    line_has(
        &parse(&old_report),
        "T01V05-04",
        &[("total", "97.12"), ("grade", "excellent")],
    );

    // The import is allowed and says the quarter needs a revision.
    let fix = env.write("scores-fix.csv", CORRECTION);
    env.import("scores", &fix)
        .stderr_has("2026Q3 is settled and its inputs have changed")
        .stderr_has("revision")
        .stderr_lacks("2026Q2");

    // Settling without --revise: refused, naming what changed; nothing written.
    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .code(2)
        .stderr_has("T01V05-04")
        .stderr_has("97.12")
        // 97.12 − 9.62 − 1.00
        .stderr_has("86.50")
        .stderr_has("--revise");
    assert_eq!(
        env.ledger_csv("2026Q3"),
        old_ledger,
        "a refused settle wrote to the ledger"
    );
    assert_eq!(
        env.report_csv("2026Q3"),
        old_report,
        "a refused settle changed the report"
    );

    // With --revise: revision 2.
    env.kaohe(&["settle", "--quarter", "2026Q3", "--revise"])
        .ok()
        .stdout_has("revision 2");

    let mut inputs = Inputs::sample();
    inputs.apply_scores(CORRECTION);
    let mut history = oracle::History::new();
    oracle::remember(&mut history, &parse(&q2_report));
    let new_text = env.report_csv("2026Q3");
    let new = report_rules(&new_text, "2026Q3", (20, 100));
    let want = oracle::report(&inputs, oracle::Policy::default(), "2026Q3", &history);
    same_report(
        &new,
        &want,
        "2026Q3 revised report vs docs/rules.md (oracle)",
    );
    // By hand: below 90, so no longer a candidate; the next candidate in T01 委员 is below 90
    // too (89.38), so no one moves up, and he is paid his standard.
    line_has(
        &new,
        "T01V05-04",
        &[
            ("total", "86.50"),
            ("grade", "qualified"),
            ("standard", "4218.24"),
            ("adjustment", "0.00"),
            ("total_paid", "4218.24"),
            ("flags", ""),
        ],
    );

    let ledger_text = env.ledger_csv("2026Q3");
    let entries = ledger_rules(&ledger_text, "2026Q3", &new);
    // Revision 1 untouched, byte for byte and in the same order.
    let rev1: Vec<&str> = ledger_text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("1"))
        .collect();
    let old: Vec<&str> = old_ledger.lines().skip(1).collect();
    assert_eq!(rev1, old, "revision 1's entries changed");
    assert!(
        entries.iter().all(|e| e.revision == 1 || e.revision == 2),
        "only revisions 1 and 2"
    );
    let first_new = entries
        .iter()
        .filter(|e| e.revision == 2)
        .map(|e| e.entry)
        .min();
    let last_old = entries
        .iter()
        .filter(|e| e.revision == 1)
        .map(|e| e.entry)
        .max();
    assert!(
        first_new > last_old,
        "revision 2's entries follow revision 1's"
    );

    // Revision 2 = new − old, per cadre, kind and month (docs/rules.md, the settlement life cycle).
    let mut net: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for (c, k, m, a) in oracle::ledger(&inputs, &want) {
        *net.entry((c, k, m)).or_default() += a;
    }
    for e in entries.iter().filter(|e| e.revision == 1) {
        *net.entry((e.cadre.clone(), e.kind.clone(), e.month.clone()))
            .or_default() -= e.amount;
    }
    let mut want_corrections: Vec<oracle::Entry> = net
        .into_iter()
        .filter(|(_, a)| *a != 0)
        .map(|((c, k, m), a)| (c, k, m, a))
        .collect();
    want_corrections.sort();
    assert_eq!(
        of_revision(&entries, 2),
        want_corrections,
        "revision 2's entries"
    );
    // By hand: only his excellent bonus (the worked examples of docs/rules.md Art.11: 1349.83) is taken back.
    assert_eq!(
        want_corrections,
        [(
            "T01V05-04".to_owned(),
            "excellent_bonus".to_owned(),
            String::new(),
            -134983
        )]
    );

    // Settling again, with or without --revise: nothing to do.
    for args in [
        &["settle", "--quarter", "2026Q3"][..],
        &["settle", "--quarter", "2026Q3", "--revise"][..],
    ] {
        env.kaohe(args).ok().stdout_has("nothing to do");
    }
    assert_eq!(env.ledger_csv("2026Q3"), ledger_text);
    // 2026Q2 was not touched.
    assert_eq!(env.ledger_csv("2026Q2"), q2_ledger);
    assert_eq!(env.report_csv("2026Q2"), q2_report);
}
