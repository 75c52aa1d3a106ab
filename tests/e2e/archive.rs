//! The archives of Art.15 and the supervision records of Art.14 (issue 8): the roster's
//! history after re-imports, the section subtotals of the work archive against a sum of the
//! sample's own scores, supervision records in `explain` and `archive`, `health due`, and the
//! health data's gate (only `--include-health` shows it, every showing on the audit log).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::harness::{Env, sample};

/// The line of `text` that mentions `needle` (panics when none does).
#[track_caller]
fn line_with<'t>(text: &'t str, needle: &str) -> &'t str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line mentions `{needle}` in:\n{text}"))
}

fn json(env: &Env, args: &[&str]) -> Value {
    let out = env.kaohe(args).ok().stdout();
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not json ({e}):\n{out}"))
}

fn sample_text(file: &str) -> String {
    std::fs::read_to_string(sample(file)).expect("a sample file")
}

/// The sample roster with the row of `cadre` replaced by `row`.
fn roster_with(base: &str, cadre: &str, row: &str) -> String {
    base.lines()
        .map(|l| {
            if l.starts_with(&format!("{cadre},")) {
                row.to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Two re-imports that change one cadre's row: the archive keeps both earlier versions, with
/// the file and time of the import that replaced each, and what changed.
pub fn roster_history(env: &Env) {
    env.import_sample();
    let base = sample_text("roster.csv");
    let original = line_with(&base, "T01V05-04,").to_owned();
    assert_eq!(
        original,
        "T01V05-04,孙志强,T01,T01V05,委员,组织委员,1406.08,2021-02-20,"
    );
    // The same file again changes nothing: no version.
    env.import("roster", &sample("roster.csv").display().to_string())
        .stdout_has("0 new, 0 updated, 144 unchanged");
    let second = roster_with(
        &base,
        "T01V05-04",
        "T01V05-04,孙志强,T01,T01V05,委员,文书,1500.00,2021-02-20,",
    );
    let second_path = env.write("roster-2.csv", &second);
    env.import("roster", &second_path)
        .stdout_has("0 new, 1 updated, 143 unchanged");
    let third = roster_with(
        &second,
        "T01V05-04",
        "T01V05-04,孙志强,T01,T01V05,委员,文书,1500.00,2021-02-20,2026-12-31",
    );
    let third_path = env.write("roster-3.csv", &third);
    env.import("roster", &third_path)
        .stdout_has("0 new, 1 updated, 143 unchanged");

    let v = json(
        env,
        &["archive", "--cadre", "T01V05-04", "--format", "json"],
    );
    assert_eq!(v["cadre"]["position"], "文书");
    assert_eq!(v["cadre"]["monthly_subsidy"], "1500.00");
    assert_eq!(v["cadre"]["end_date"], "2026-12-31");
    let history = v["history"].as_array().expect("history");
    assert_eq!(history.len(), 2, "two changes: {history:?}");
    assert_eq!(history[0]["file"], second_path.as_str());
    assert_eq!(
        history[0]["changes"],
        serde_json::json!([
            {"field": "position", "before": "组织委员", "after": "文书"},
            {"field": "monthly_subsidy", "before": "1406.08", "after": "1500.00"},
        ])
    );
    assert_eq!(history[1]["file"], third_path.as_str());
    assert_eq!(
        history[1]["changes"],
        serde_json::json!([{"field": "end_date", "before": "", "after": "2026-12-31"}])
    );
    // The times are the imports' (UTC, RFC 3339), in order, and match the audit log's.
    let audit = env.kaohe(&["audit", "--format", "csv"]).ok().stdout();
    let times: Vec<String> = audit
        .lines()
        .filter(|l| l.contains("import roster") && l.contains("roster-"))
        .map(|l| l[..20].to_owned())
        .collect();
    assert_eq!(times.len(), 2, "{audit}");
    assert_eq!(history[0]["replaced_at"], times[0].as_str());
    assert_eq!(history[1]["replaced_at"], times[1].as_str());

    let table = env
        .kaohe(&["archive", "--cadre", "T01V05-04"])
        .ok()
        .stdout();
    assert!(table.contains("信息变更记录"), "{table}");
    let first = line_with(&table, "roster-2.csv");
    assert!(
        first.contains("职务 组织委员 → 文书") && first.contains("月补贴标准 1406.08 → 1500.00"),
        "{first}"
    );
    assert!(
        line_with(&table, "roster-3.csv").contains("离任日期 （空） → 2026-12-31"),
        "{table}"
    );
    // Another cadre's archive has no change.
    env.kaohe(&["archive", "--cadre", "T01V05-01"])
        .ok()
        .stdout_has("花名册导入以来未有变更");
}

/// The sum of the sample's 2026Q3 scores of `subject` whose item starts with `prefix.`,
/// in hundredths: the section subtotals computed from the file, outside kaohe.
fn section_sum(scores: &str, quarter: &str, subject: &str, prefix: &str) -> i64 {
    scores
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0] == quarter && f[1] == subject && f[2].starts_with(&format!("{prefix}."))).then(
                || {
                    let (int, frac) = f[3].split_once('.').unwrap_or((f[3], "0"));
                    let frac = format!("{frac:0<2}");
                    int.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap()
                },
            )
        })
        .sum()
}

fn hundredths(s: &str) -> i64 {
    let (int, frac) = s.split_once('.').expect("two decimals");
    int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

/// The archive's section subtotals against the sample's scores summed here, and the rest of
/// each appraisal against the sample README (T01V05-04: 97.12 in 2026Q3, excellent, paid
/// 5568.07).
pub fn section_subtotals(env: &Env) {
    env.settle_sample();
    let scores = sample_text("scores.csv");
    let v = json(
        env,
        &["archive", "--cadre", "T01V05-04", "--format", "json"],
    );
    let appraisals = v["appraisals"].as_array().expect("appraisals");
    assert_eq!(
        appraisals
            .iter()
            .map(|a| a["quarter"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2026Q2", "2026Q3"]
    );
    for a in appraisals {
        let q = a["quarter"].as_str().unwrap();
        let sections = a["sections"].as_array().expect("subtotals recomputed");
        let ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["party", "poverty", "collective", "duty", "public"]);
        let mut sum = 0;
        for s in sections {
            let id = s["id"].as_str().unwrap();
            let subject = if ["duty", "public"].contains(&id) {
                "T01V05-04"
            } else {
                "T01V05"
            };
            let want = section_sum(&scores, q, subject, id);
            assert_eq!(hundredths(s["points"].as_str().unwrap()), want, "{q} {id}");
            sum += want;
        }
        assert_eq!(hundredths(a["base_score"].as_str().unwrap()), sum, "{q}");
        let total = hundredths(a["base_score"].as_str().unwrap())
            + hundredths(a["bonus"].as_str().unwrap())
            - hundredths(a["deduction"].as_str().unwrap());
        assert_eq!(hundredths(a["total"].as_str().unwrap()), total, "{q}");
    }
    let q3 = &appraisals[1];
    assert_eq!(q3["total"], "97.12");
    assert_eq!(q3["grade"], "excellent");
    assert_eq!(q3["rank"], 1);
    assert_eq!(q3["total_paid"], "5568.07");
    // The maxima are the default rubric's (docs/rules.md).
    let maxima: Vec<&str> = q3["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["max"].as_str().unwrap())
        .collect();
    assert_eq!(maxima, ["30.00", "40.00", "10.00", "10.00", "10.00"]);

    // The events that counted, with their points: EV2026-020 (+2, the cadre, 2026Q3).
    let events = v["events"].as_array().unwrap();
    let ev20 = events
        .iter()
        .find(|e| e["event_id"] == "EV2026-020")
        .expect("EV2026-020 counted");
    assert_eq!(ev20["points"], "2.00");
    // Payments per year: the ledger's entries for the cadre, summed here.
    let mut by_year: BTreeMap<String, i64> = BTreeMap::new();
    for p in v["payments"].as_array().unwrap() {
        assert_eq!(p["kind"].as_str().map(|k| k.is_empty()), Some(false));
        *by_year
            .entry(p["quarter"].as_str().unwrap()[..4].to_owned())
            .or_default() += hundredths(p["amount"].as_str().unwrap());
    }
    // 2026Q2 and 2026Q3 both pay 5568.07 (README): 11136.14.
    assert_eq!(by_year.get("2026"), Some(&1_113_614));
    assert_eq!(
        v["year_totals"],
        serde_json::json!([{"year": 2026, "amount": "11136.14"}])
    );

    // Table and html in Chinese, with the subtotals and the year's total.
    let table = env
        .kaohe(&["archive", "--cadre", "T01V05-04"])
        .ok()
        .stdout();
    for heading in [
        "基本信息",
        "信息变更记录",
        "考核记录",
        "加减分事项",
        "督查记录",
        "奖励",
        "抚恤",
        "发放记录",
    ] {
        assert!(table.contains(heading), "{heading}:\n{table}");
    }
    let row = line_with(&table, "97.12");
    assert!(row.starts_with("2026Q3") && row.contains("优秀"), "{row}");
    assert!(
        line_with(&table, "2026 年度合计").contains("11136.14"),
        "{table}"
    );
    let html = env.path("archive.html");
    env.kaohe(&[
        "archive",
        "--cadre",
        "T01V05-04",
        "--format",
        "html",
        "--out",
        &html,
    ])
    .ok();
    let page = String::from_utf8(env.read("archive.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("考核记录"));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("<script"));
    assert!(page.contains("11136.14"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&html).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the archive file is private");
    }
}

/// Supervision records (Art.14): evidence in `explain` (the quarter's, on the cadre and the
/// village, while in office) and in the archive (every quarter); they change no score.
pub fn supervision(env: &Env) {
    env.settle_sample();
    let before = env.report_csv("2026Q3");
    let path = sample("inspections.csv").display().to_string();
    env.import("inspections", &path)
        .stdout_has("6 new, 0 already stored unchanged");
    env.import("inspections", &path)
        .stdout_has("0 new, 6 already stored unchanged");
    // No score changed: the quarter needs no revision.
    assert_eq!(env.report_csv("2026Q3"), before);
    env.kaohe(&["settle", "--quarter", "2026Q3"])
        .ok()
        .stdout_has("nothing to do");

    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T01V05-04"])
        .ok()
        .stdout();
    let found = line_with(&text, "DC2026-004");
    assert!(
        found.contains("脱贫政策掌握") && found.contains("好") && found.contains("Art.14"),
        "{found}"
    );
    // DC2026-001 is 2026Q2's, DC2026-002 another village's.
    assert!(
        !text.contains("DC2026-001") && !text.contains("DC2026-002"),
        "{text}"
    );
    assert!(text.contains("督查结果本身不改变分数"), "{text}");
    assert!(
        line_with(&text, "总分 = 基础分").contains("97.12"),
        "{text}"
    );

    // DC2026-006 (2026-09-15, on T03V03): for 尹秀英 (in office to 09-20), not for 赵成林
    // (left 07-09).
    env.kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T03V03-05"])
        .ok()
        .stdout_has("DC2026-006");
    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T03V03-03"])
        .ok()
        .stdout();
    assert!(!text.contains("DC2026-006"), "{text}");
    assert!(text.contains("本季度无对本人或本村的督查记录"), "{text}");

    // The archive: every quarter's records on the cadre or the village.
    let v = json(
        env,
        &["archive", "--cadre", "T02V07-02", "--format", "json"],
    );
    let ids: Vec<&str> = v["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["inspection_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["DC2026-002", "DC2026-003", "DC2026-005"]);
    assert_eq!(v["inspections"][1]["area"], "policy");
    assert_eq!(v["inspections"][1]["finding"], "poor");
    let table = env
        .kaohe(&["archive", "--cadre", "T02V07-02"])
        .ok()
        .stdout();
    assert!(
        line_with(&table, "DC2026-003").contains("脱贫政策掌握"),
        "{table}"
    );

    // Refused, located, nothing written: an unknown subject, and a stored id with other
    // content.
    let bad = env.write(
        "inspections-bad.csv",
        "inspection_id,date,subject,area,finding,note\nDC2026-101,2026-07-01,T01V05,archives,good,\nDC2026-102,2026-07-01,T09V99,archives,good,\n",
    );
    env.kaohe(&["import", "inspections", &bad])
        .code(2)
        .stderr_has("inspections-bad.csv:3: column `subject`")
        .stderr_has("T09V99");
    let changed = env.write(
        "inspections-changed.csv",
        "inspection_id,date,subject,area,finding,note\nDC2026-101,2026-07-01,T01V05,archives,good,\nDC2026-001,2026-05-12,T01V05,archives,poor,扶贫档案分户整理齐全\n",
    );
    env.kaohe(&["import", "inspections", &changed])
        .code(2)
        .stderr_has("inspections-changed.csv:3: column `inspection_id`")
        .stderr_has("finding `poor` here, `good` there");
    let v = json(
        env,
        &["archive", "--cadre", "T01V05-04", "--format", "json"],
    );
    let ids: Vec<&str> = v["inspections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["inspection_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["DC2026-001", "DC2026-004"], "DC2026-101 not imported");
}

/// The cadres in office in 2026 (by the sample roster, read here).
fn in_office_in(roster: &str, year: &str) -> BTreeSet<String> {
    roster
        .lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            f[7][..4] <= *year && (f[8].is_empty() || f[8][..4] >= *year)
        })
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect()
}

/// The ids a `health due` table lists.
fn due_ids(text: &str) -> BTreeSet<String> {
    text.lines()
        .skip(3)
        .map(|l| l.split_whitespace().next().unwrap_or_default().to_owned())
        .collect()
}

/// `kaohe health due --year YYYY`: in office in the year, no check-up dated in it.
pub fn health_due(env: &Env) {
    env.import_sample();
    let roster = sample_text("roster.csv");
    let all_2026 = in_office_in(&roster, "2026");
    // T01V06-03 left at the end of 2025.
    assert!(!all_2026.contains("T01V06-03") && all_2026.len() == 143);

    let text = env
        .kaohe(&["health", "due", "--year", "2026"])
        .ok()
        .stdout();
    assert!(
        text.starts_with("2026 年度未体检的村干部（第十五条"),
        "{text}"
    );
    assert_eq!(due_ids(&text), all_2026);

    env.import("health", &sample("health.csv").display().to_string())
        .stdout_has("4 new, 0 replaced");
    let text = env
        .kaohe(&["health", "due", "--year", "2026"])
        .ok()
        .stdout();
    let mut want = all_2026.clone();
    // Checked in 2026: T01V05-04, T01V05-01, T03V06-03; T02V07-02's check-up is of 2025.
    for id in ["T01V05-04", "T01V05-01", "T03V06-03"] {
        want.remove(id);
    }
    assert!(want.contains("T02V07-02"));
    assert_eq!(due_ids(&text), want);
    assert!(text.contains("140 人"), "{text}");
    // 2025: T02V07-02 was checked; T01V06-03 was in office.
    let text = env
        .kaohe(&["health", "due", "--year", "2025"])
        .ok()
        .stdout();
    let ids = due_ids(&text);
    assert!(
        ids.contains("T01V06-03") && !ids.contains("T02V07-02"),
        "{text}"
    );
    assert_eq!(ids.len(), in_office_in(&roster, "2025").len() - 1);
    // A check-up for a cadre not in the roster is refused, located.
    let bad = env.write(
        "health-bad.csv",
        "cadre_id,date,institution,conclusion,note\nT01V01-01,2026-03-01,县医院,正常,\nT09V99-01,2026-03-01,县医院,正常,\n",
    );
    env.kaohe(&["import", "health", &bad])
        .code(2)
        .stderr_has("health-bad.csv:3: column `cadre_id`");
    assert_eq!(
        due_ids(
            &env.kaohe(&["health", "due", "--year", "2026"])
                .ok()
                .stdout()
        ),
        want,
        "nothing of the refused file was imported"
    );
}

const INSTITUTION: &str = "QZX7-INSTITUTION-K2";
const CONCLUSION: &str = "QZX7-CONCLUSION-P9";

/// The text of every xml part of a workbook.
fn xlsx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("a part");
        let mut s = String::new();
        let _ = f.read_to_string(&mut s);
        all.push_str(&s);
    }
    all
}

/// Health data is in no output but `archive --include-health`, and that showing is on the
/// audit log (Art.15).
pub fn health_gate(env: &Env) {
    env.settle_sample();
    env.import("awards", &sample("awards.csv").display().to_string());
    env.import(
        "inspections",
        &sample("inspections.csv").display().to_string(),
    );
    let health = env.write(
        "health-private.csv",
        format!(
            "cadre_id,date,institution,conclusion,note\nT01V05-04,2026-04-18,{INSTITUTION},{CONCLUSION},年度体检\n"
        ),
    );
    let r = env.import("health", &health);
    let secret = |what: &str, text: &str| {
        assert!(
            !text.contains(INSTITUTION) && !text.contains(CONCLUSION),
            "health data in {what}:\n{text}"
        );
    };
    secret("the import's output", &(r.stdout() + &r.stderr));

    let mut outputs: Vec<(String, String)> = Vec::new();
    let mut run = |args: &[&str]| {
        let r = env.kaohe(args).ok();
        outputs.push((args.join(" "), r.stdout() + &r.stderr));
    };
    for q in ["2026Q2", "2026Q3"] {
        for f in ["table", "csv", "json", "html"] {
            run(&["report", "--quarter", q, "--format", f]);
        }
        for f in ["table", "csv", "json"] {
            run(&["ledger", "--quarter", q, "--format", f]);
        }
    }
    run(&["ledger", "--month", "2026-04", "--format", "table"]);
    for f in ["table", "csv", "html"] {
        run(&["commend", "--year", "2026", "--preview", "--format", f]);
    }
    for f in ["table", "json", "html"] {
        run(&["archive", "--cadre", "T01V05-04", "--format", f]);
    }
    for f in ["table", "csv", "json"] {
        run(&["audit", "--format", f]);
    }
    for q in ["2026Q2", "2026Q3"] {
        run(&["explain", "--quarter", q, "--cadre", "T01V05-04"]);
    }
    run(&["health", "due", "--year", "2026"]);
    run(&["policy", "show"]);
    for (what, text) in &outputs {
        secret(what, text);
    }
    // The files written.
    let files = [
        (
            "report.xlsx",
            vec!["report", "--quarter", "2026Q3", "--format", "xlsx"],
        ),
        (
            "report.html",
            vec!["report", "--quarter", "2026Q3", "--format", "html"],
        ),
        (
            "ledger.xlsx",
            vec!["ledger", "--month", "2026-04", "--format", "xlsx"],
        ),
        (
            "commend.html",
            vec!["commend", "--year", "2026", "--preview", "--format", "html"],
        ),
        (
            "archive.html",
            vec!["archive", "--cadre", "T01V05-04", "--format", "html"],
        ),
        (
            "archive.json",
            vec!["archive", "--cadre", "T01V05-04", "--format", "json"],
        ),
    ];
    for (name, mut args) in files {
        let out = env.path(name);
        args.extend(["--out", out.as_str()]);
        env.kaohe(&args).ok();
        let bytes = env.read(name);
        let text = if name.ends_with(".xlsx") {
            xlsx_text(&bytes)
        } else {
            String::from_utf8(bytes).unwrap()
        };
        assert!(text.len() > 100, "{name} was written");
        secret(name, &text);
    }
    // Not one showing was recorded so far.
    let audit = env.kaohe(&["audit", "--format", "csv"]).ok().stdout();
    assert!(!audit.contains("--include-health"), "{audit}");
    let v = json(
        env,
        &["archive", "--cadre", "T01V05-04", "--format", "json"],
    );
    assert!(v.get("health").is_none(), "no health key without the flag");

    // With --include-health: shown, and on the audit log, naming the cadre.
    let table = env
        .kaohe(&["archive", "--cadre", "T01V05-04", "--include-health"])
        .ok()
        .stdout();
    assert!(table.contains("健康档案"), "{table}");
    let row = line_with(&table, INSTITUTION);
    assert!(
        row.contains("2026-04-18") && row.contains(CONCLUSION),
        "{row}"
    );
    let v = json(
        env,
        &[
            "archive",
            "--cadre",
            "T01V05-04",
            "--include-health",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        v["health"],
        serde_json::json!([{
            "date": "2026-04-18",
            "institution": INSTITUTION,
            "conclusion": CONCLUSION,
            "note": "年度体检",
        }])
    );
    // Another cadre's showing (no records) is recorded too.
    env.kaohe(&["archive", "--cadre", "T01V05-01", "--include-health"])
        .ok()
        .stdout_has("无体检记录");
    let audit = env.kaohe(&["audit", "--format", "json"]).ok().stdout();
    let rows: Vec<Value> = serde_json::from_str(&audit).unwrap();
    let shown: Vec<&Value> = rows
        .iter()
        .filter(|r| r["command"].as_str().unwrap().contains("--include-health"))
        .collect();
    assert_eq!(shown.len(), 3, "{audit}");
    assert!(
        shown[0]["command"].as_str().unwrap().contains("T01V05-04")
            && shown[2]["command"].as_str().unwrap().contains("T01V05-01"),
        "{audit}"
    );
    assert!(shown.iter().all(|r| r["files"] == ""));
    secret("the audit log", &audit);
    env.kaohe(&["audit"]).ok().stdout_has("--include-health");
}
