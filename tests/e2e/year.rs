//! The county's year around the quarter: the monthly base payroll (Art.11), withdrawals and
//! the corrections that reach later quarters (3.6, 3.10). Expected figures are worked by hand
//! from the sample files (their rows are asserted first) and from Art.11's formula.

use super::checks::{ledger_rules, line_has, report_rules, same_report};
use super::harness::{Env, Run, sample};
use super::oracle::{self, Inputs};
use super::table::{Table, parse};

/// The sample rows the figures below are worked from.
fn assert_sample_rows() {
    let roster = std::fs::read_to_string(sample("roster.csv")).expect("sample roster");
    for row in [
        "T01V05-04,孙志强,T01,T01V05,委员,组织委员,1406.08,2021-02-20,\n",
        "T03V03-05,尹秀英,T03,T03V03,委员,文书,1500.07,2026-07-10,2026-09-20\n",
        "T02V07-02,傅光明,T02,T02V07,正职,村委会主任,2380.00,2023-06-01,\n",
    ] {
        assert!(roster.contains(row), "sample roster lacks {row}");
    }
    let events = std::fs::read_to_string(sample("events.csv")).expect("sample events");
    assert!(events.contains("EV2026-006,2026-05-28,T02V07,media_exposure,,"));
}

/// `kaohe ledger --month M --format csv`, parsed.
fn month_sheet(env: &Env, month: &str) -> Table {
    parse(
        &env.kaohe(&["ledger", "--month", month, "--format", "csv"])
            .ok()
            .stdout(),
    )
}

/// The amount of `cadre`'s entries in a parsed ledger, as written (one entry expected).
fn amounts_of(t: &Table, cadre: &str) -> Vec<String> {
    t.rows
        .iter()
        .filter(|r| r.get("cadre_id") == cadre)
        .map(|r| r.get("amount").to_owned())
        .collect()
}

/// 3.6: payroll for the three months of 2026Q2, then settlement, gives the report of
/// settlement alone; the ledger still sums to total_paid per cadre; payroll twice changes
/// nothing; a settled quarter's month is refused.
pub fn payroll_then_settle(env: &Env) {
    assert_sample_rows();
    env.import_sample();
    env.kaohe(&["payroll", "--month", "2026-04"])
        .ok()
        .stdout_has("base entries");
    let april = month_sheet(env, "2026-04");
    assert!(!april.rows.is_empty());
    for r in &april.rows {
        assert_eq!(
            (
                r.get("revision"),
                r.get("kind"),
                r.get("month"),
                r.get("article")
            ),
            ("0", "base", "2026-04", "Art.11"),
            "a payroll entry"
        );
    }
    // Art.11: 2380.00 × 30/30 × 0.20 = 476.00; 1406.08 × 0.20 = 281.216 → 281.22.
    assert_eq!(amounts_of(&april, "T02V07-02"), ["476.00"]);
    assert_eq!(amounts_of(&april, "T01V05-04"), ["281.22"]);
    // Not in office before 2026-07-10: nothing in April.
    assert!(amounts_of(&april, "T03V03-05").is_empty());

    // Twice: nothing to do, nothing written.
    env.kaohe(&["payroll", "--month", "2026-04"])
        .ok()
        .stdout_has("nothing to do");
    assert_eq!(month_sheet(env, "2026-04").rows.len(), april.rows.len());
    // A dry run writes nothing.
    env.kaohe(&["payroll", "--month", "2026-05", "--dry-run"])
        .ok()
        .stdout_has("dry run");
    assert!(month_sheet(env, "2026-05").rows.is_empty());
    env.kaohe(&["payroll", "--month", "2026-05"]).ok();
    env.kaohe(&["payroll", "--month", "2026-06"]).ok();

    let settled = env.kaohe(&["settle", "--quarter", "2026Q2"]).ok();
    settled
        .stdout_has("already paid monthly")
        .stdout_has("paid by this settlement");
    let report = env.report_csv("2026Q2");
    let got = report_rules(&report, "2026Q2", (20, 100));
    let want = oracle::report(
        &Inputs::sample(),
        oracle::Policy::default(),
        "2026Q2",
        &oracle::History::new(),
    );
    same_report(&got, &want, "2026Q2 after payroll vs the oracle");
    let entries = ledger_rules(&env.ledger_csv("2026Q2"), "2026Q2", &got);
    assert!(
        entries.iter().all(|e| e.kind != "base" || e.revision == 0),
        "every base of 2026Q2 was paid by payroll: the settlement pays none"
    );
    // The html report shows apart what payroll paid monthly and what the settlement pays
    // (Art.11), from the ledger: revision-0 base entries, and the settlement's revisions.
    let yuan = |f: i64| {
        let sign = if f < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", f.abs() / 100, f.abs() % 100)
    };
    let monthly: i64 = entries
        .iter()
        .filter(|e| e.revision == 0 && e.kind == "base")
        .map(|e| e.amount)
        .sum();
    let by_settlement: i64 = entries
        .iter()
        .filter(|e| e.revision > 0)
        .map(|e| e.amount)
        .sum();
    assert!(monthly > 0 && by_settlement > 0);
    let html = env
        .kaohe(&["report", "--quarter", "2026Q2", "--format", "html"])
        .ok()
        .stdout();
    let split = format!(
        "其中已按月发放 {} 元，本次结算发放 {} 元",
        yuan(monthly),
        yuan(by_settlement)
    );
    assert!(html.contains(&split), "html lacks `{split}`");
    assert!(
        html.contains("不超过 20%"),
        "the default policy's Art.10 ratio"
    );
    // The month's pay sheet as a workbook.
    let sheet = env.path("2026-04.xlsx");
    env.kaohe(&[
        "ledger", "--month", "2026-04", "--format", "xlsx", "--out", &sheet,
    ])
    .ok();
    assert!(
        env.read("2026-04.xlsx").starts_with(b"PK"),
        "a workbook is a zip"
    );

    // The same report as settlement alone, byte for byte, on a store that saw no payroll.
    let alone = format!("redb:{}", env.path("alone.redb"));
    for (kind, file) in [
        ("roster", "roster.csv"),
        ("scores", "scores.csv"),
        ("events", "events.csv"),
    ] {
        let f = sample(file).display().to_string();
        env.kaohe_raw(&["--store", &alone, "import", kind, &f]).ok();
    }
    env.kaohe_raw(&["--store", &alone, "settle", "--quarter", "2026Q2"])
        .ok();
    let alone_report = env
        .kaohe_raw(&[
            "--store",
            &alone,
            "report",
            "--quarter",
            "2026Q2",
            "--format",
            "csv",
        ])
        .ok()
        .stdout();
    assert_eq!(report, alone_report, "payroll changed the report");

    // A settled quarter's month is refused: corrected by `settle --revise`.
    let before = env.ledger_csv("2026Q2");
    env.kaohe(&["payroll", "--month", "2026-05"])
        .code(2)
        .stderr_has("2026Q2 is settled")
        .stderr_has("--revise");
    assert_eq!(env.ledger_csv("2026Q2"), before, "a refused payroll wrote");
    env.kaohe(&["payroll", "--month", "2026-13"])
        .code(2)
        .stderr_has("--month");
}

/// 3.6: a late roster correction gives the correcting entry; a cadre paid by payroll but not
/// assessed after all has it reversed by the settlement.
pub fn payroll_after_roster_correction(env: &Env) {
    assert_sample_rows();
    env.import_sample();
    env.kaohe(&["settle", "--quarter", "2026Q2"]).ok();
    env.kaohe(&["payroll", "--month", "2026-07"]).ok();
    let july = month_sheet(env, "2026-07");
    assert_eq!(amounts_of(&july, "T01V05-04"), ["281.22"]);
    // the worked examples of docs/rules.md Art.11: 1500.07 × 22/31 × 0.20 = 212.913… → 212.91.
    assert_eq!(amounts_of(&july, "T03V03-05"), ["212.91"]);

    // The end of office recorded late (2026-07-15): payroll writes the correcting entry.
    let roster = std::fs::read_to_string(sample("roster.csv")).expect("sample roster");
    let ended = roster.replace(
        "T01V05-04,孙志强,T01,T01V05,委员,组织委员,1406.08,2021-02-20,\n",
        "T01V05-04,孙志强,T01,T01V05,委员,组织委员,1406.08,2021-02-20,2026-07-15\n",
    );
    env.import("roster", &env.write("roster-ended.csv", &ended));
    env.kaohe(&["payroll", "--month", "2026-07"])
        .ok()
        .stdout_has("1 base entries")
        .stdout_has("correct an earlier");
    let july = month_sheet(env, "2026-07");
    // 1406.08 × 15/31 × 0.20 = 136.0722… → 136.07; 136.07 − 281.22 = −145.15.
    assert_eq!(amounts_of(&july, "T01V05-04"), ["281.22", "-145.15"]);
    env.kaohe(&["payroll", "--month", "2026-08"]).ok();
    assert!(amounts_of(&month_sheet(env, "2026-08"), "T01V05-04").is_empty());

    // A start date corrected to after the quarter, with no payroll run since: the settlement
    // reverses July's base; T03V03-05 has no line and its ledger nets to 0.
    let moved = ended.replace(
        "T03V03-05,尹秀英,T03,T03V03,委员,文书,1500.07,2026-07-10,2026-09-20\n",
        "T03V03-05,尹秀英,T03,T03V03,委员,文书,1500.07,2026-10-05,\n",
    );
    env.import("roster", &env.write("roster-moved.csv", &moved));
    env.kaohe(&["settle", "--quarter", "2026Q3"]).ok();
    let report = parse(&env.report_csv("2026Q3"));
    assert!(report.rows.iter().all(|r| r.get("cadre_id") != "T03V03-05"));
    line_has(&report, "T01V05-04", &[("base_paid", "136.07")]);
    let ledger = env.ledger_csv("2026Q3");
    ledger_rules(&ledger, "2026Q3", &report);
    // July (212.91) and August (1500.07 × 0.20 = 300.014 → 300.01) were paid by payroll and
    // are reversed by the settlement.
    assert_eq!(
        amounts_of(&parse(&ledger), "T03V03-05"),
        ["212.91", "300.01", "-212.91", "-300.01"]
    );
    // T01V05-04's base is all paid by payroll: the settlement writes none for it.
    let t01 = parse(&ledger);
    let bases: Vec<&str> = t01
        .rows
        .iter()
        .filter(|r| r.get("cadre_id") == "T01V05-04" && r.get("kind") == "base")
        .map(|r| r.get("revision"))
        .collect();
    assert_eq!(bases, ["0", "0"], "T01V05-04's base entries");
}

/// 3.10: withdrawing the event that made T02V07-02 unqualified in 2026Q2 and revising 2026Q2
/// leaves 2026Q3's `dismissal_review` stale: it is named, its refusal names the flag, and
/// `--revise` removes it without a ledger entry (no money changes).
pub fn stale_flag_after_revision(env: &Env) {
    assert_sample_rows();
    env.settle_sample();
    line_has(
        &parse(&env.report_csv("2026Q3")),
        "T02V07-02",
        &[("total", "57.68"), ("flags", "admonish;dismissal_review")],
    );
    let q3_ledger = env.ledger_csv("2026Q3");

    env.kaohe(&[
        "withdraw",
        "event",
        "EV2026-006",
        "--reason",
        "曝光事实不成立",
    ])
    .ok()
    .stdout_has("withdrawn")
    .stderr_has("2026Q2 is settled");
    env.kaohe(&["withdraw", "event", "EV2026-006", "--reason", "again"])
        .ok()
        .stdout_has("already");
    env.kaohe(&["withdraw", "event", "NO-SUCH", "--reason", "x"])
        .code(2)
        .stderr_has("NO-SUCH");

    // 56.10 + 10 (the −10 of media_exposure no longer counts) = 66.10: qualified.
    env.kaohe(&["settle", "--quarter", "2026Q2"])
        .code(2)
        .stderr_has("T02V07-02")
        .stderr_has("total 56.10 → 66.10")
        .stderr_has("grade unqualified → qualified");
    env.kaohe(&["settle", "--quarter", "2026Q2", "--revise"])
        .ok()
        .stderr_has("2026Q3");
    line_has(
        &parse(&env.report_csv("2026Q2")),
        "T02V07-02",
        &[("total", "66.10"), ("grade", "qualified"), ("flags", "")],
    );

    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .code(2)
        .stderr_has("T02V07-02")
        .stderr_has("flags admonish;dismissal_review → admonish");
    env.kaohe(&["settle", "--quarter", "2026Q3", "--revise"])
        .ok()
        .stdout_has("revision 2");
    let q3 = parse(&env.report_csv("2026Q3"));
    line_has(
        &q3,
        "T02V07-02",
        &[
            ("total", "57.68"),
            ("grade", "unqualified"),
            ("flags", "admonish"),
        ],
    );
    assert_eq!(
        env.ledger_csv("2026Q3"),
        q3_ledger,
        "a revision that changes no money appends no ledger entry"
    );
    // Up to date now.
    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .ok()
        .stdout_has("nothing to do");
}

/// 3.7 and 3.10: the sample's awards and condolence, each one revision-0 entry with its
/// article and month; the same file again is a no-op; the refusals of Art.12 and Art.16 are
/// located; a withdrawal reverses a payment once.
pub fn awards_and_condolences(env: &Env) {
    env.import_sample();
    let awards = sample("awards.csv").display().to_string();
    env.import("awards", &awards)
        .stdout_has("3 new, paid 25000.00");
    env.import("awards", &awards)
        .stdout_has("0 new, paid 0.00; 3 already stored unchanged");
    let june = month_sheet(env, "2026-06");
    let row = |t: &Table, id: &str| -> Vec<(String, String, String, String)> {
        t.rows
            .iter()
            .filter(|r| r.get("cadre_id") == id && r.get("kind") != "base")
            .map(|r| {
                (
                    r.get("revision").to_owned(),
                    r.get("kind").to_owned(),
                    r.get("amount").to_owned(),
                    r.get("article").to_owned(),
                )
            })
            .collect()
    };
    let one = |rev: &str, kind: &str, amount: &str, art: &str| {
        vec![(
            rev.to_owned(),
            kind.to_owned(),
            amount.to_owned(),
            art.to_owned(),
        )]
    };
    assert_eq!(
        row(&june, "T01V05"),
        one("0", "completion_award", "20000.00", "Art.12")
    );
    assert_eq!(
        row(&june, "T01V05-01"),
        one("0", "completion_award", "3000.00", "Art.12")
    );
    let sept = month_sheet(env, "2026-09");
    assert_eq!(
        row(&sept, "T01V05-04"),
        one("0", "commendation_award", "2000.00", "Art.13")
    );

    env.import(
        "condolences",
        &sample("condolences.csv").display().to_string(),
    )
    .stdout_has("1 new, paid 50000.00")
    .stderr_lacks("warning");
    let july = month_sheet(env, "2026-07");
    assert_eq!(
        row(&july, "T03V03-03"),
        one("0", "condolence", "50000.00", "Art.16")
    );

    // Refused, located, nothing written: a second completion award (Art.12: one-time), an
    // award to a cadre not yet in office, a second condolence for one cadre (Art.16).
    let bad = env.write(
        "awards-bad.csv",
        "award_id,date,payee,kind,amount,reason\n\
         AW-X2,2026-06-01,T03V03-05,commendation,100.00,not yet in office\n\
         AW-X3,2026-06-01,T01V05-04,commendation,0,nothing\n",
    );
    env.kaohe(&["import", "awards", &bad])
        .code(2)
        .stderr_has("awards-bad.csv:2: column `payee`")
        .stderr_has("awards-bad.csv:3: column `amount`");
    // Against the store: T01V05 has its completion award already.
    let dup = env.write(
        "awards-dup.csv",
        "award_id,date,payee,kind,amount,reason\nAW-X1,2026-07-01,T01V05,completion,100.00,again\n",
    );
    env.kaohe(&["import", "awards", &dup])
        .code(2)
        .stderr_has("awards-dup.csv:2: column `payee`")
        .stderr_has("Art.12");
    let bad = env.write(
        "condolences-bad.csv",
        "condolence_id,date,cadre_id,cause,recipient,amount,note\n\
         CD-X1,2026-07-09,T03V03-03,disaster,某人,100.00,\n",
    );
    env.kaohe(&["import", "condolences", &bad])
        .code(2)
        .stderr_has("condolences-bad.csv:2: column `cadre_id`")
        .stderr_has("Art.16");
    // A village payee must be known; the same id with other content is refused (3.7).
    let unknown = env.write(
        "awards-unknown.csv",
        "award_id,date,payee,kind,amount,reason\nAW-X4,2026-06-01,T09V99,completion,100.00,x\n",
    );
    env.kaohe(&["import", "awards", &unknown])
        .code(2)
        .stderr_has("awards-unknown.csv:2: column `payee`")
        .stderr_has("T09V99");
    let changed = env.write(
        "awards-changed.csv",
        "award_id,date,payee,kind,amount,reason\n\
         AW2026-001,2026-06-30,T01V05,completion,20001.00,按期全面完成脱贫攻坚任务（村集体）\n",
    );
    env.kaohe(&["import", "awards", &changed])
        .code(2)
        .stderr_has("awards-changed.csv:2: column `award_id`")
        .stderr_has("`20001.00` here, `20000.00` there");
    let changed = env.write(
        "condolences-changed.csv",
        "condolence_id,date,cadre_id,cause,recipient,amount,note\n\
         CD2026-001,2026-07-09,T03V03-03,on_duty,李秀兰（配偶）,50000.01,防汛抢险中因公殉职\n",
    );
    env.kaohe(&["import", "condolences", &changed])
        .code(2)
        .stderr_has("condolences-changed.csv:2: column `condolence_id`")
        .stderr_has("`50000.01` here, `50000.00` there");
    assert_eq!(month_sheet(env, "2026-07").rows.len(), july.rows.len());
    assert_eq!(
        row(&month_sheet(env, "2026-06"), "T01V05"),
        one("0", "completion_award", "20000.00", "Art.12"),
        "refused imports wrote nothing"
    );

    // The roster still shows the cadre in office after the date: a warning, exit 0.
    let warn = env.write(
        "condolences-warn.csv",
        "condolence_id,date,cadre_id,cause,recipient,amount,note\n\
         CD-W1,2026-08-01,T02V07-03,on_duty,家属,100.00,\n",
    );
    env.import("condolences", &warn)
        .stderr_has("condolences-warn.csv:2: column `cadre_id`")
        .stderr_has("the roster should record the end of office on 2026-08-01");

    // Withdrawn: the reversing entry, once.
    env.kaohe(&["withdraw", "award", "AW2026-002", "--reason", "重复发放"])
        .ok()
        .stdout_has("reversing entry");
    env.kaohe(&["withdraw", "award", "AW2026-002", "--reason", "again"])
        .ok()
        .stdout_has("already");
    let june = month_sheet(env, "2026-06");
    assert_eq!(
        row(&june, "T01V05-01")
            .into_iter()
            .map(|r| r.2)
            .collect::<Vec<_>>(),
        ["3000.00", "-3000.00"]
    );
    // Once withdrawn, the payee may get the one-time reward.
    let again = env.write(
        "awards-again.csv",
        "award_id,date,payee,kind,amount,reason\nAW-Y1,2026-06-30,T01V05-01,completion,3000.00,改正\n",
    );
    env.import("awards", &again).stdout_has("1 new");

    // Awards change no settlement line: the quarters settle as the oracle says.
    env.kaohe(&["settle", "--quarter", "2026Q2"]).ok();
    let q2 = parse(&env.report_csv("2026Q2"));
    ledger_rules(&env.ledger_csv("2026Q2"), "2026Q2", &q2);
}

/// 3.6: two payrolls of one month at once pay it once. On PostgreSQL both run: one writes,
/// the other finds nothing left to pay (or, losing the race twice, says so and writes
/// nothing). An embedded store is open in one process at a time: the other is told so.
pub fn concurrent_payrolls_pay_once(env: &Env) {
    env.import_sample();
    let runs: Vec<Run> = std::thread::scope(|s| {
        let a = s.spawn(|| env.kaohe(&["payroll", "--month", "2026-07"]));
        let b = s.spawn(|| env.kaohe(&["payroll", "--month", "2026-07"]));
        vec![a.join().expect("run a"), b.join().expect("run b")]
    });
    let mut wrote = 0;
    for r in &runs {
        match r.code {
            Some(0) => {
                if !r.stdout().contains("nothing to do") {
                    wrote += 1;
                }
            }
            // The other run held the embedded file, or won the race twice; either way this
            // one wrote nothing and says why.
            Some(1 | 2) => assert!(
                r.stderr.contains("another process") || r.stderr.contains("at the same time"),
                "a payroll that did not run must say why: {}",
                r.stderr
            ),
            other => panic!("payroll ended with {other:?}: {}", r.stderr),
        }
    }
    assert_eq!(wrote, 1, "exactly one of the two payrolls wrote");
    let july = month_sheet(env, "2026-07");
    let mut seen = std::collections::BTreeSet::new();
    for r in &july.rows {
        assert!(
            seen.insert(r.get("cadre_id").to_owned()),
            "{} paid twice for 2026-07",
            r.get("cadre_id")
        );
    }
    // the worked examples of docs/rules.md Art.11: 1406.08 × 0.20 = 281.216 → 281.22, once.
    assert_eq!(amounts_of(&july, "T01V05-04"), ["281.22"]);
    env.kaohe(&["payroll", "--month", "2026-07"])
        .ok()
        .stdout_has("nothing to do");
}
