//! Scenario 1: the whole quarterly flow over the sample county's two quarters (docs/rules.md, the settlement life cycle).

use super::checks::{line_has, sample_settled_correctly};
use super::harness::Env;
use super::table::by_cadre;

pub fn two_quarters(env: &Env) {
    env.import_sample();

    // Quarters are settled in order: 2026Q2 has scores and is not settled.
    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .code(2)
        .stderr_has("2026Q2");
    // … and the refusal wrote nothing.
    env.kaohe(&["report", "--quarter", "2026Q3", "--format", "csv"])
        .code(2);

    env.kaohe(&["settle", "--quarter", "2026Q2"])
        .ok()
        .stdout_has("2026Q2 settled");
    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .ok()
        .stdout_has("2026Q3 settled");

    // Every line and entry against docs/rules.md (the oracle), docs/reference.md, JSON = CSV.
    let (q2, q3) = sample_settled_correctly(env);

    // The hand-worked anchors, from the worked examples of docs/rules.md Art.11 and the sample county's README (these also hold
    // the oracle to the spec).
    line_has(
        &q3,
        "T03V03-05",
        &[
            ("total", "82.73"),
            ("bonus", "0.00"), // EV2026-011 is dated before she took office
            ("grade", "qualified"),
            ("standard", "3564.68"),
            ("base_paid", "712.93"),
            ("performance_standard", "2851.75"),
            ("adjustment", "0.00"),
            ("performance_paid", "2851.75"),
            ("total_paid", "3564.68"),
            ("flags", ""),
        ],
    );
    line_has(
        &q3,
        "T01V05-04",
        &[
            ("total", "97.12"),
            ("rank", "1"),
            ("grade", "excellent"),
            ("standard", "4218.24"),
            ("base_paid", "843.66"),
            ("performance_standard", "3374.58"),
            ("adjustment", "1349.83"),
            ("performance_paid", "4724.41"),
            ("total_paid", "5568.07"),
            ("flags", "recommend"),
        ],
    );
    line_has(
        &q2,
        "T02V07-02",
        &[
            ("total", "56.10"),
            ("grade", "unqualified"),
            ("flags", "admonish"),
        ],
    );
    line_has(
        &q3,
        "T02V07-02",
        &[
            ("total", "57.68"),
            ("grade", "unqualified"),
            ("flags", "admonish;dismissal_review"),
        ],
    );
    line_has(
        &q2,
        "T01V04-04",
        &[("total", "59.62"), ("flags", "admonish")],
    );
    line_has(&q3, "T01V04-04", &[("grade", "qualified")]);
    // Unqualified in Q3 only: no dismissal review.
    line_has(
        &q3,
        "T03V06-03",
        &[("total", "58.88"), ("flags", "admonish")],
    );
    line_has(
        &q3,
        "T02V04-02",
        &[
            ("total", "94.08"),
            ("rank", "3"),
            ("group_size", "21"),
            ("grade", "excellent"),
            ("standard", "3783.87"),
            ("total_paid", "4994.71"),
        ],
    );
    for (q, report, unqualified) in [
        ("2026Q2", &q2, ["T01V04-04", "T02V07-02"]),
        ("2026Q3", &q3, ["T02V07-02", "T03V06-03"]),
    ] {
        let got: Vec<&str> = report
            .rows
            .iter()
            .filter(|r| r.get("grade") == "unqualified")
            .map(|r| r.get("cadre_id"))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(
            got, unqualified,
            "{q}: the unqualified cadres (sample README)"
        );
        let review: Vec<&str> = report
            .rows
            .iter()
            .filter(|r| r.get("flags").contains("dismissal_review"))
            .map(|r| r.get("cadre_id"))
            .collect();
        let want: &[&str] = if q == "2026Q3" { &["T02V07-02"] } else { &[] };
        assert_eq!(review, want, "{q}: dismissal reviews");
    }
    // Office changes: who is assessed when.
    let (l2, l3) = (by_cadre(&q2), by_cadre(&q3));
    for (id, in_q2, in_q3) in [
        ("T01V06-03", false, false),
        ("T01V06-06", true, true),
        ("T02V09-03", true, false),
        ("T02V04-05", false, true),
        ("T03V03-05", false, true),
        ("T01V02-05", true, true),
    ] {
        assert_eq!(l2.contains_key(id), in_q2, "{id} assessed in 2026Q2");
        assert_eq!(l3.contains_key(id), in_q3, "{id} assessed in 2026Q3");
    }
    // Ties (sample README): public decides at the quota line in Q3 T02 委员; cadre_id decides
    // in Q3 T03 正职.
    line_has(
        &q3,
        "T02V03-03",
        &[("total", "91.58"), ("rank", "5"), ("grade", "excellent")],
    );
    line_has(
        &q3,
        "T02V03-04",
        &[("total", "91.58"), ("rank", "6"), ("grade", "qualified")],
    );
    line_has(
        &q3,
        "T03V02-01",
        &[("total", "100.20"), ("rank", "1"), ("grade", "excellent")],
    );
    line_has(
        &q3,
        "T03V02-02",
        &[("total", "100.20"), ("rank", "2"), ("grade", "excellent")],
    );
    // Groups that do not fill their quota (T03 委员: 2 of 5 in Q2, 4 of 5 in Q3).
    for (q, report, want) in [("2026Q2", &q2, 2), ("2026Q3", &q3, 4)] {
        let n = report
            .rows
            .iter()
            .filter(|r| {
                r.get("town") == "T03"
                    && r.get("sequence") == "委员"
                    && r.get("grade") == "excellent"
            })
            .count();
        assert_eq!(n, want, "{q}: excellent in T03 委员");
    }

    // Settling again changes nothing and says so.
    let ledgers = [env.ledger_csv("2026Q2"), env.ledger_csv("2026Q3")];
    let reports = [env.report_csv("2026Q2"), env.report_csv("2026Q3")];
    for q in ["2026Q2", "2026Q3"] {
        env.kaohe(&["settle", "--quarter", q])
            .ok()
            .stdout_has("nothing to do");
    }
    assert_eq!(
        [env.ledger_csv("2026Q2"), env.ledger_csv("2026Q3")],
        ledgers,
        "a no-op settle left the ledgers as they were"
    );
    assert_eq!(
        [env.report_csv("2026Q2"), env.report_csv("2026Q3")],
        reports,
        "a no-op settle left the reports as they were"
    );
}
