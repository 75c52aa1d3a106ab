//! `kaohe commend` (Art.13): a small county built for the rule, with the list worked by hand.
//!
//! Town T01, village T01V01, cadre items only (the rest missing, counted as 0), a policy with
//! `excellent_min_score = 5` and `qualified_min_score = 1` so that small totals grade:
//! - 正职: A and B tie on the mean (9.00) at the line of a quota of 1 (five eligible:
//!   floor(5 × 0.20) = 1) and `public` (the first rank key) puts A first; F is unqualified in
//!   2027Q1 and so not eligible; D's mean 20.01 / 4 = 5.0025 shows as 5.00.
//! - 委员: three eligible, floor(3 × 0.20) = 0: no candidate, whatever the means.
//! - 村委 (town T02): one cadre in each of five villages scored by village items alone; J and
//!   K tie at the line (4.50) and J's mean is below 5, so no candidate either. The same five
//!   villages make the `--villages` list, where no minimum applies.

use super::harness::Env;

const ROSTER: &str =
    "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date
A,甲,T01,T01V01,正职,书记,1000.00,2026-01-01,
B,乙,T01,T01V01,正职,主任,1000.00,2026-01-01,
C,丙,T01,T01V01,正职,副书记,1000.00,2026-01-01,
D,丁,T01,T01V01,正职,副主任,1000.00,2026-01-01,
E,戊,T01,T01V01,正职,监委主任,1000.00,2026-01-01,
F,己,T01,T01V01,正职,文书,1000.00,2026-01-01,
G,庚,T01,T01V01,委员,委员,800.00,2026-01-01,
H,辛,T01,T01V01,委员,委员,800.00,2026-01-01,
I,壬,T01,T01V01,委员,委员,800.00,2026-01-01,
J,癸,T02,T02V01,村委,委员,800.00,2026-01-01,
K,子,T02,T02V02,村委,委员,800.00,2026-01-01,
L,丑,T02,T02V03,村委,委员,800.00,2026-01-01,
M,寅,T02,T02V04,村委,委员,800.00,2026-01-01,
N,卯,T02,T02V05,村委,委员,800.00,2026-01-01,
";

/// (cadre, [(item, points); …]) per quarter number 1–4.
fn scores(q: u8) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let p = "public.satisfaction";
    let d = "duty.attendance";
    let v = "party.organization";
    vec![
        ("A", vec![(p, "8"), (d, "1")]),
        ("B", vec![(p, "7"), (d, "1.25"), ("duty.work_log", "0.75")]),
        ("C", vec![(p, "6"), (d, "1")]),
        ("D", vec![(p, if q == 4 { "5.01" } else { "5" })]),
        ("E", vec![(p, if q == 1 { "9" } else { "1" })]),
        ("F", vec![(p, if q == 1 { "0" } else { "10" })]),
        ("G", vec![(p, "9"), (d, "1")]),
        ("H", vec![(p, "9"), (d, "0.5")]),
        ("I", vec![(p, "8")]),
        // Village items: the five villages of T02 (each cadre of T02 scores its village's).
        ("T02V01", vec![(v, "4")]),
        ("T02V02", vec![(v, "4"), ("party.leadership", "0.5")]),
        ("T02V03", vec![(v, "3")]),
        ("T02V04", vec![(v, "2")]),
        ("T02V05", vec![(v, "1")]),
    ]
}

fn settle(env: &Env, q: u8) {
    let quarter = format!("2027Q{q}");
    let mut csv = String::from("quarter,subject,item,points\n");
    for (cadre, items) in scores(q) {
        for (item, points) in items {
            csv.push_str(&format!("{quarter},{cadre},{item},{points}\n"));
        }
    }
    env.import("scores", &env.write(&format!("scores-{q}.csv"), csv));
    env.kaohe(&["settle", "--quarter", &quarter, "--missing-as-zero"])
        .ok();
}

pub fn commendation_list(env: &Env) {
    env.import("roster", &env.write("roster.csv", ROSTER));
    // Art.8: a village event, +2 (inspection_praise at county level) for T02V01 in 2027Q2.
    env.import(
        "events",
        &env.write(
            "events.csv",
            "event_id,date,subject,kind,level,note\nEV1,2027-05-10,T02V01,inspection_praise,county,督查表扬\n",
        ),
    );
    let policy = env.write(
        "low.toml",
        "excellent_min_score = 5\nqualified_min_score = 1\n",
    );
    env.kaohe(&["policy", "set", &policy, "--from", "2027Q1"])
        .ok();
    for q in 1..=3 {
        settle(env, q);
    }

    // Before 2027Q4 is settled: refused without --preview, naming it.
    env.kaohe(&["commend", "--year", "2027"])
        .code(2)
        .stderr_has("Art.13")
        .stderr_has("2027Q4")
        .stderr_lacks("2027Q1");
    let preview = env
        .kaohe(&["commend", "--year", "2027", "--preview", "--format", "csv"])
        .ok();
    preview.stderr_has("preview");
    assert_eq!(
        preview.stdout(),
        "year,town,sequence,rank,group_size,quota,cadre_id,name,village,mean,q1,q2,q3,q4,candidate
2027,T01,委员,1,3,0,G,庚,T01V01,10.00,10.00,10.00,10.00,,false
2027,T01,委员,2,3,0,H,辛,T01V01,9.50,9.50,9.50,9.50,,false
2027,T01,委员,3,3,0,I,壬,T01V01,8.00,8.00,8.00,8.00,,false
2027,T01,正职,1,5,1,A,甲,T01V01,9.00,9.00,9.00,9.00,,true
2027,T01,正职,2,5,1,B,乙,T01V01,9.00,9.00,9.00,9.00,,false
2027,T01,正职,3,5,1,C,丙,T01V01,7.00,7.00,7.00,7.00,,false
2027,T01,正职,4,5,1,D,丁,T01V01,5.00,5.00,5.00,5.00,,false
2027,T01,正职,5,5,1,E,戊,T01V01,3.67,9.00,1.00,1.00,,false
2027,T02,村委,1,5,1,J,癸,T02V01,4.67,4.00,6.00,4.00,,false
2027,T02,村委,2,5,1,K,子,T02V02,4.50,4.50,4.50,4.50,,false
2027,T02,村委,3,5,1,L,丑,T02V03,3.00,3.00,3.00,3.00,,false
2027,T02,村委,4,5,1,M,寅,T02V04,2.00,2.00,2.00,2.00,,false
2027,T02,村委,5,5,1,N,卯,T02V05,1.00,1.00,1.00,1.00,,false
",
        "preview from 2027Q1–Q3: E's mean 11 / 3 = 3.666… → 3.67"
    );

    settle(env, 4);
    let list = env
        .kaohe(&["commend", "--year", "2027", "--format", "csv"])
        .ok();
    list.stderr_lacks("preview");
    assert_eq!(
        list.stdout(),
        "year,town,sequence,rank,group_size,quota,cadre_id,name,village,mean,q1,q2,q3,q4,candidate
2027,T01,委员,1,3,0,G,庚,T01V01,10.00,10.00,10.00,10.00,10.00,false
2027,T01,委员,2,3,0,H,辛,T01V01,9.50,9.50,9.50,9.50,9.50,false
2027,T01,委员,3,3,0,I,壬,T01V01,8.00,8.00,8.00,8.00,8.00,false
2027,T01,正职,1,5,1,A,甲,T01V01,9.00,9.00,9.00,9.00,9.00,true
2027,T01,正职,2,5,1,B,乙,T01V01,9.00,9.00,9.00,9.00,9.00,false
2027,T01,正职,3,5,1,C,丙,T01V01,7.00,7.00,7.00,7.00,7.00,false
2027,T01,正职,4,5,1,D,丁,T01V01,5.00,5.00,5.00,5.00,5.01,false
2027,T01,正职,5,5,1,E,戊,T01V01,3.00,9.00,1.00,1.00,1.00,false
2027,T02,村委,1,5,1,J,癸,T02V01,4.50,4.00,6.00,4.00,4.00,false
2027,T02,村委,2,5,1,K,子,T02V02,4.50,4.50,4.50,4.50,4.50,false
2027,T02,村委,3,5,1,L,丑,T02V03,3.00,3.00,3.00,3.00,3.00,false
2027,T02,村委,4,5,1,M,寅,T02V04,2.00,2.00,2.00,2.00,2.00,false
2027,T02,村委,5,5,1,N,卯,T02V05,1.00,1.00,1.00,1.00,1.00,false
"
    );
    // Villages: T01V01 has no village score, so it is not ranked; T02V01 and T02V02 tie on
    // the mean (18 / 4 = 4.50) and the village code decides; no minimum score.
    assert_eq!(
        env.kaohe(&["commend", "--year", "2027", "--villages", "--format", "csv"])
            .ok()
            .stdout(),
        "year,town,rank,group_size,quota,village,mean,q1,q2,q3,q4,candidate
2027,T02,1,5,1,T02V01,4.50,4.00,6.00,4.00,4.00,true
2027,T02,2,5,1,T02V02,4.50,4.50,4.50,4.50,4.50,false
2027,T02,3,5,1,T02V03,3.00,3.00,3.00,3.00,3.00,false
2027,T02,4,5,1,T02V04,2.00,2.00,2.00,2.00,2.00,false
2027,T02,5,5,1,T02V05,1.00,1.00,1.00,1.00,1.00,false
"
    );
    env.kaohe(&[
        "commend",
        "--year",
        "2027",
        "--villages",
        "--format",
        "html",
    ])
    .ok()
    .stdout_has("先进基层党组织（村）表彰推荐名单")
    .stdout_has("<td>T02V01</td>");
    // For people: Chinese, the policy's ratio, the candidate marked.
    env.kaohe(&["commend", "--year", "2027"])
        .ok()
        .stdout_has("2027 年度优秀村干部表彰推荐名单")
        .stdout_has("不超过 20%")
        .stdout_has("推荐");
    env.kaohe(&["commend", "--year", "2027", "--format", "html"])
        .ok()
        .stdout_has("<h2>一、推荐名单</h2>")
        .stdout_has("<td>甲</td>");
    // The list records nothing.
    let audit = env.kaohe(&["audit", "--format", "csv"]).ok().stdout();
    assert!(!audit.contains("commend"), "{audit}");
    env.kaohe(&["commend", "--year", "2031"])
        .code(2)
        .stderr_has("none is settled");
}
