//! The work archive (Art.15) as a terminal table, an html page with its charts, and json.

use kaohe_domain::{
    Award, AwardId, AwardKind, Cadre, Date, EntryKind, Grade, HealthRecord, LedgerEntry, Money,
    Month, Points, Quarter, Stored, Subject, Withdrawal,
};
use kaohe_report::{
    ArchiveAppraisal, ArchiveView, FieldChange, RosterChange, SectionSubtotal, cadre_changes,
    write_archive_html, write_archive_json, write_archive_table, write_health_due_table,
};

use crate::common::{line, roster};

fn cadre() -> Cadre {
    let mut c = roster().remove(0);
    c.name = "张<三>&\"".into();
    c
}

fn view(health: Option<Vec<HealthRecord>>) -> ArchiveView {
    let c = cadre();
    let d = |s: &str| Date::parse(s).unwrap();
    ArchiveView {
        cadre: c.clone(),
        history: vec![RosterChange {
            at_unix: 1_780_000_000,
            file: "roster-2.csv".into(),
            changes: vec![FieldChange {
                field: "end_date",
                before: String::new(),
                after: "2026-12-31".into(),
            }],
        }],
        appraisals: vec![ArchiveAppraisal {
            line: line(
                "C001",
                "张三",
                "T1",
                "V1",
                "正职",
                "91.25",
                1,
                5,
                1,
                Grade::Excellent,
            ),
            sections: Some(vec![SectionSubtotal {
                id: "party".into(),
                name: "村级党组织标准化建设".into(),
                max: Points::parse("30").unwrap(),
                points: Points::parse("27.5").unwrap(),
            }]),
            qualified_min_score: Points::parse("60").unwrap(),
            excellent_min_score: Points::parse("90").unwrap(),
        }],
        events: Vec::new(),
        inspections: Vec::new(),
        awards: vec![Stored {
            record: Award {
                id: AwardId::parse("AW1").unwrap(),
                date: d("2026-09-28"),
                payee: Subject::from(&c.id),
                kind: AwardKind::Commendation,
                amount: Money::parse("2000").unwrap(),
                reason: "<script>alert(1)</script>".into(),
            },
            withdrawn: Some(Withdrawal {
                reason: "误录".into(),
                at_unix: 1_780_000_000,
            }),
        }],
        condolences: Vec::new(),
        payments: payments(&c),
        year_totals: vec![(2026, Money::parse("4000").unwrap())],
        health,
    }
}

/// The view's ledger: 4000.00 in 2026, of which the award and its withdrawal cancel out.
fn payments(c: &Cadre) -> Vec<LedgerEntry> {
    let q = Quarter::parse("2026Q3").unwrap();
    [
        (EntryKind::Base, Some("2026-07"), "300.00"),
        (EntryKind::Base, Some("2026-08"), "300.00"),
        (EntryKind::Performance, None, "2400.00"),
        (EntryKind::ExcellentBonus, None, "960.00"),
        (EntryKind::CommendationAward, Some("2026-09"), "2000.00"),
        (EntryKind::CommendationAward, Some("2026-09"), "-2000.00"),
        (EntryKind::Condolence, Some("2026-09"), "40.00"),
    ]
    .into_iter()
    .zip(1..)
    .map(|((kind, month, amount), entry)| LedgerEntry {
        quarter: q,
        revision: u32::from(kind.article() == "Art.11"),
        entry,
        cadre_id: c.id.clone(),
        kind,
        month: month.map(|m| Month::parse(m).unwrap()),
        amount: Money::parse(amount).unwrap(),
    })
    .collect()
}

fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn changes_are_named_by_column_in_roster_order() {
    let old = cadre();
    let mut new = old.clone();
    new.position = "文书".into();
    new.monthly_subsidy = Money::parse("1600").unwrap();
    new.end_date = Some(Date::parse("2026-12-31").unwrap());
    let ch = cadre_changes(&old, &new);
    let got: Vec<(&str, &str, &str)> = ch
        .iter()
        .map(|c| (c.field, c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("position", "党组织书记", "文书"),
            ("monthly_subsidy", "1500.07", "1600.00"),
            ("end_date", "", "2026-12-31"),
        ]
    );
    assert!(cadre_changes(&old, &old).is_empty());
}

#[test]
fn table_in_chinese_with_subtotals_and_year_totals() {
    let t = text(|w| write_archive_table(w, &view(None)).unwrap());
    for h in [
        "基本信息",
        "信息变更记录",
        "考核记录",
        "加减分事项",
        "督查记录",
        "奖励",
        "抚恤",
        "发放记录",
    ] {
        assert!(t.contains(h), "{h}:\n{t}");
    }
    assert!(t.contains("村级党组织标准化建设 27.50/30.00"), "{t}");
    assert!(t.contains("离任日期 （空） → 2026-12-31"), "{t}");
    assert!(t.contains("2026-05-28T20:26:40Z"), "{t}");
    assert!(t.contains("已撤回（误录"), "{t}");
    assert!(t.contains("2026 年度合计") && t.contains("4000.00"), "{t}");
    assert!(!t.contains("健康档案"), "no health part unless given:\n{t}");
}

#[test]
fn html_is_escaped_and_self_contained() {
    let h = text(|w| write_archive_html(w, &view(None)).unwrap());
    assert!(h.contains("张&lt;三&gt;&amp;&quot;"), "{h}");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!h.contains("<script"), "{h}");
    assert!(!h.contains("http://") && !h.contains("https://"));
    assert!(h.contains("<tr class=\"sum\"><td>2026 年度合计</td>"));
}

/// The value of the data label `key`/`part` in `svg`.
fn label<'a>(svg: &'a str, key: &str, part: &str) -> &'a str {
    let needle = format!("data-key=\"{key}\" data-part=\"{part}\">");
    let at = svg
        .find(&needle)
        .unwrap_or_else(|| panic!("{needle}: {svg}"))
        + needle.len();
    svg[at..].split('<').next().unwrap()
}

/// The element `<tag … id="id"…>…</tag>` of `h`.
fn element<'a>(h: &'a str, tag: &str, id: &str) -> &'a str {
    let at = h
        .find(&format!("<{tag} class=\"chart\" id=\"{id}\""))
        .or_else(|| h.find(&format!("<{tag} id=\"{id}\"")))
        .unwrap_or_else(|| panic!("no {tag} {id}: {h}"));
    let close = format!("</{tag}>");
    &h[at..at + h[at..].find(&close).unwrap() + close.len()]
}

#[test]
fn html_tables_have_ids_and_charts_print_the_table_figures() {
    let h = text(|w| write_archive_html(w, &view(None)).unwrap());
    for id in [
        "t-cadre",
        "t-history",
        "t-appraisals",
        "t-awards",
        "t-payments",
    ] {
        element(&h, "table", id);
    }
    assert!(
        !h.contains("id=\"t-events\""),
        "no table for no events: {h}"
    );
    assert!(!h.contains("id=\"t-health\""), "{h}");
    // The totals per quarter: the bar, its figures as 考核记录 prints them, the Art.10 lines.
    let totals = element(&h, "svg", "chart-archive-totals");
    assert_eq!(label(totals, "2026Q3", "value"), "91.25");
    assert_eq!(label(totals, "2026Q3", "grade"), "优秀");
    assert_eq!(label(totals, "2026Q3", "rank"), "1/5");
    assert_eq!(label(totals, "60.00", "rule"), "合格 60.00");
    assert_eq!(label(totals, "90.00", "rule"), "优秀 90.00");
    assert!(totals.contains("class=\"bar g-excellent\""), "{totals}");
    let table = element(&h, "table", "t-appraisals");
    assert!(table.contains("<td>91.25</td>") && table.contains("<td>1/5</td>"));
    // The money per year: each kind summed, the total the 年度合计 row's.
    let money = element(&h, "svg", "chart-archive-money");
    for (part, v) in [
        ("base", "600.00"),
        ("performance", "2400.00"),
        ("adjustment", "960.00"),
        ("award", "0.00"),
        ("condolence", "40.00"),
        ("total", "4000.00"),
    ] {
        assert_eq!(label(money, "2026", part), v, "{part}");
    }
    assert!(
        money.contains(">奖励<") && money.contains(">抚恤<"),
        "{money}"
    );
    let payments = element(&h, "table", "t-payments");
    assert!(payments.contains("<td>4000.00</td>"), "{payments}");
    // The charts come after their tables.
    assert!(h.find("id=\"t-appraisals\"") < h.find("id=\"chart-archive-totals\""));
    assert!(h.find("id=\"t-payments\"") < h.find("id=\"chart-archive-money\""));
}

#[test]
fn json_keys_are_english_and_health_only_when_given() {
    let j: serde_json::Value =
        serde_json::from_str(&text(|w| write_archive_json(w, &view(None)).unwrap())).unwrap();
    let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = [
        "appraisals",
        "awards",
        "cadre",
        "condolences",
        "events",
        "history",
        "inspections",
        "payments",
        "year_totals",
    ];
    want.sort();
    assert_eq!(keys, want);
    assert_eq!(j["appraisals"][0]["sections"][0]["points"], "27.50");
    assert_eq!(j["awards"][0]["withdrawn"]["reason"], "误录");
    assert_eq!(j["year_totals"][0]["amount"], "4000.00");
    let record = HealthRecord {
        cadre_id: cadre().id,
        date: Date::parse("2026-04-18").unwrap(),
        institution: "县人民医院".into(),
        conclusion: "未见异常".into(),
        note: String::new(),
    };
    let with: serde_json::Value = serde_json::from_str(&text(|w| {
        write_archive_json(w, &view(Some(vec![record]))).unwrap()
    }))
    .unwrap();
    assert_eq!(with["health"][0]["institution"], "县人民医院");
    let t = text(|w| write_archive_table(w, &view(Some(Vec::new()))).unwrap());
    assert!(t.contains("健康档案") && t.contains("无体检记录"), "{t}");
}

#[test]
fn health_due_lists_each_cadre() {
    let r = roster();
    let t = text(|w| write_health_due_table(w, 2026, &r[..2]).unwrap());
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 5, "{t}");
    assert!(lines[0].contains("2026 年度") && lines[0].contains("2 人"));
    assert!(lines[3].starts_with("C001") && lines[4].starts_with("C002"));
}
