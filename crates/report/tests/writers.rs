//! The writers of the report and the ledger (docs/reference.md), and the summary they share.

use kaohe_domain::{Decimal, EntryKind, LedgerEntry, Money, QuotaScope};
use kaohe_report::summary::{Summary, infer_quota_scope};
use kaohe_report::{
    LEDGER_COLUMNS, REPORT_COLUMNS, ReportNotes, display_width, report_xlsx_bytes,
    write_ledger_csv, write_ledger_json, write_ledger_table, write_ledger_xlsx, write_report_csv,
    write_report_html, write_report_json, write_report_table, write_summary_table,
};

use crate::common::{ledger, lines};

/// Notes at the regulation's 20% without the ledger.
fn notes() -> ReportNotes {
    ReportNotes::new(Decimal::new(20, 2))
}

/// The text of every sheet and the shared strings of a workbook, for assertions.
fn xlsx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.ends_with(".xml")) {
            f.read_to_string(&mut all).unwrap();
        }
    }
    all
}

fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8(out).unwrap()
}

/// Written part by part, the report is the bytes of the whole; a part before the one written
/// earlier is refused.
#[test]
fn report_csv_in_parts_is_the_whole_report() {
    let whole = text(|o| write_report_csv(o, &lines()).unwrap());
    let mut sorted = lines();
    sorted.sort_by(|a, b| {
        (a.town.as_str(), a.sequence.as_str(), a.rank).cmp(&(
            b.town.as_str(),
            b.sequence.as_str(),
            b.rank,
        ))
    });
    for part in 1..=sorted.len() {
        let parts = text(|o| {
            let mut w = kaohe_report::ReportCsv::new(o).unwrap();
            for p in sorted.chunks(part) {
                w.part(p).unwrap();
            }
            w.finish().unwrap();
        });
        assert_eq!(parts, whole, "parts of {part}");
    }
    let mut out = Vec::new();
    let mut w = kaohe_report::ReportCsv::new(&mut out).unwrap();
    w.part(&sorted[1..]).unwrap();
    let e = w.part(&sorted[..1]).unwrap_err().to_string();
    assert!(e.contains("not made in report order"), "{e}");
}

#[test]
fn report_csv_header_is_exact_and_rows_are_in_report_order() {
    let csv = text(|o| write_report_csv(o, &lines()).unwrap());
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some(
            "quarter,cadre_id,name,town,village,sequence,base_score,bonus,deduction,total,rank,\
             group_size,quota,grade,standard,base_paid,performance_standard,adjustment,\
             performance_paid,total_paid,flags"
        )
    );
    assert_eq!(REPORT_COLUMNS.join(","), csv.lines().next().unwrap());
    let ids: Vec<&str> = rows.map(|r| r.split(',').nth(1).unwrap()).collect();
    // By town, then sequence by UTF-8 bytes (委 E5… before 正 E6…), then rank.
    assert_eq!(
        ids,
        ["C106", "C101", "C102", "C103", "C104", "C105", "C201"]
    );
    assert!(
        csv.contains(
            "2026Q3,C101,张三,T1,V1,正职,95.00,0.00,0.00,95.00,1,5,1,excellent,4218.24,843.66,\
             3374.58,1349.83,4724.41,5568.07,recommend\n"
        ),
        "{csv}"
    );
    // A name with a comma is quoted; a negative adjustment is signed; never -0.00.
    assert!(csv.contains(",\"李四, 小\","), "{csv}");
    assert!(csv.contains(",-1349.83,"), "{csv}");
    assert!(!csv.contains("-0.00"));
    assert!(csv.contains(",0.00,3374.58,"));
}

#[test]
fn report_json_has_the_csv_fields_in_order_with_exact_strings() {
    let json = text(|o| write_report_json(o, &lines()).unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 7);
    let first = &arr[1];
    assert_eq!(first["cadre_id"], "C101");
    assert_eq!(first["total"], "95.00");
    assert_eq!(first["total_paid"], "5568.07");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["grade"], "excellent");
    assert_eq!(first["flags"], "recommend");
    // Field order as the CSV columns: read the keys off the first object's text.
    let obj = json.lines().nth(2).unwrap();
    let mut at = 0;
    for col in REPORT_COLUMNS {
        let pos = obj[at..].find(&format!("\"{col}\":")).map(|p| p + at);
        at = pos.unwrap_or_else(|| panic!("{col} missing or out of order in {obj}"));
    }
    assert_eq!(text(|o| write_report_json(o, &[]).unwrap()), "[]\n");
}

#[test]
fn ledger_csv_and_json() {
    let csv = text(|o| write_ledger_csv(o, &ledger()).unwrap());
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "quarter,revision,entry,cadre_id,kind,month,amount,article"
    );
    assert_eq!(rows[0], LEDGER_COLUMNS.join(","));
    assert_eq!(rows[1], "2026Q3,1,1,C101,base,2026-07,281.22,Art.11");
    assert_eq!(rows[4], "2026Q3,1,4,C101,performance,,3374.58,Art.11");
    assert_eq!(rows[5], "2026Q3,1,5,C101,excellent_bonus,,1349.83,Art.11");
    assert_eq!(rows[6], "2026Q3,2,6,C101,excellent_bonus,,-0.01,Art.11");
    let json = text(|o| write_ledger_json(o, &ledger()).unwrap());
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["month"], "2026-07");
    assert_eq!(v[3]["month"], "");
    assert_eq!(v[3]["amount"], "3374.58");
    assert_eq!(v[3]["entry"], 4);
}

#[test]
fn terminal_tables_are_chinese_and_aligned_by_display_width() {
    let t = text(|o| write_report_table(o, &lines()).unwrap());
    let rows: Vec<&str> = t.lines().collect();
    assert!(rows[0].starts_with("季度"), "{t}");
    for h in ["镇", "村", "序列", "等次", "实发合计"] {
        assert!(rows[0].contains(h), "{h} in {}", rows[0]);
    }
    assert!(t.contains("优秀") && t.contains("合格") && t.contains("不合格"));
    assert!(t.contains("优先推荐") && t.contains("诫勉谈话"));
    // The village column starts at the same display column on every row, whatever the
    // width of the names before it (张三 is 4 columns wide, Bob 3).
    let col_of = |row: &str, needle: &str| display_width(&row[..row.find(needle).unwrap()]);
    let v = col_of(rows[0], "村");
    for row in &rows[2..] {
        let village = if row.contains(" V1 ") {
            " V1 "
        } else if row.contains(" V2 ") {
            " V2 "
        } else {
            " V3 "
        };
        assert_eq!(col_of(row, village) + 1, v, "{row}");
    }
    let l = text(|o| write_ledger_table(o, &ledger()).unwrap());
    assert!(
        l.contains("基础补贴") && l.contains("第十一条") && l.contains("2026-07"),
        "{l}"
    );
    let s = text(|o| write_summary_table(o, &lines()).unwrap());
    assert!(s.contains("合计") && s.contains("优秀名额使用"), "{s}");
}

#[test]
fn html_is_self_contained_with_chinese_headings() {
    let h = text(|o| write_report_html(o, &lines(), &notes()).unwrap());
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert!(!h.contains("http"), "no link of any kind");
    assert!(!h.contains("<script") && !h.contains("<link"));
    for chart in ["chart-totals", "chart-money", "chart-quota"] {
        assert!(
            h.contains(&format!("<svg class=\"chart\" id=\"{chart}\"")),
            "the report draws {chart}"
        );
    }
    for s in [
        "汇总",
        "优秀名额使用",
        "公示名单",
        "明细",
        "镇",
        "村",
        "序列",
        "优秀",
        "合格",
        "不合格",
    ] {
        assert!(h.contains(s), "{s}");
    }
    assert!(
        h.contains("&lt;b&gt;郑&lt;/b&gt;") && !h.contains("<b>郑"),
        "names are escaped"
    );
    assert!(h.contains("<td>合计</td>"));
}

#[test]
fn xlsx_is_a_zip_workbook() {
    let bytes = report_xlsx_bytes(&lines(), &notes()).unwrap();
    assert!(bytes.len() > 1000);
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let mut out = Vec::new();
    kaohe_report::write_report_xlsx(&mut out, &lines(), &notes()).unwrap();
    assert!(out.starts_with(b"PK"));
}

/// Art.10's ratio on the pages is the policy's, never a constant.
#[test]
fn pages_state_the_policys_ratio() {
    let at = |ratio: i64| ReportNotes::new(Decimal::new(ratio, 2));
    let h = text(|o| write_report_html(o, &lines(), &at(15)).unwrap());
    assert!(h.contains("不超过 15%") && !h.contains("20%"), "{h}");
    let x = xlsx_text(&report_xlsx_bytes(&lines(), &at(15)).unwrap());
    assert!(x.contains("不超过15%") && !x.contains("20%"));
    let h = text(|o| write_report_html(o, &lines(), &at(20)).unwrap());
    assert!(h.contains("不超过 20%"));
}

/// A revision-0 base entry of `amount` for C101 in the quarter's first month.
fn payroll_entry(amount: &str) -> LedgerEntry {
    let mut e = ledger()
        .into_iter()
        .find(|e| e.kind == EntryKind::Base)
        .unwrap();
    e.revision = 0;
    e.entry = 100;
    e.amount = Money::parse(amount).unwrap();
    e
}

/// Art.11: what payroll paid monthly and what the settlement pays are shown apart, per
/// cadre on the 发放表 and per town on the html page; the two add up to 实发合计.
#[test]
fn pages_show_the_base_paid_monthly_apart() {
    let lines = lines();
    let c101 = lines
        .iter()
        .find(|l| l.cadre_id.as_str() == "C101")
        .unwrap();
    // Payroll paid 281.22 for July; the settlement pays the rest of C101's total.
    let rest = c101.total_paid - Money::parse("281.22").unwrap();
    let mut settled = payroll_entry(&rest.to_string());
    settled.revision = 1;
    settled.entry = 101;
    let ledger = vec![payroll_entry("281.22"), settled];
    let paid = notes().with_ledger(&ledger);
    let split = paid.paid_of(c101);
    assert_eq!(split.monthly.to_string(), "281.22");
    assert_eq!(split.total(), c101.total_paid);

    let h = text(|o| write_report_html(o, &lines, &paid).unwrap());
    assert!(
        h.contains("其中已按月发放") && h.contains("本次结算发放"),
        "{h}"
    );
    assert!(h.contains("已按月发放 281.22 元"), "{h}");
    let x = xlsx_text(&report_xlsx_bytes(&lines, &paid).unwrap());
    assert!(x.contains("已按月发放") && x.contains("本次发放") && x.contains("领款人签字"));
    assert!(
        x.contains("<v>281.22</v>"),
        "C101's monthly base is a number cell"
    );

    // Without the ledger nothing claims the base was paid monthly.
    let h = text(|o| write_report_html(o, &lines, &notes()).unwrap());
    assert!(!h.contains("按月发放"), "{h}");
    let x = xlsx_text(&report_xlsx_bytes(&lines, &notes()).unwrap());
    assert!(!x.contains("按月发放"));
}

/// The ledger as a workbook: Chinese headings and kinds, amounts as numbers, an exact total.
#[test]
fn ledger_xlsx_has_headings_kinds_and_total() {
    let entries = ledger();
    let mut out = Vec::new();
    write_ledger_xlsx(&mut out, &entries).unwrap();
    let x = xlsx_text(&out);
    for s in ["台账", "季度", "金额", "基础补贴", "第十一条", "合计"] {
        assert!(x.contains(s), "{s}");
    }
    let total = entries.iter().fold(Money::ZERO, |s, e| s + e.amount);
    assert!(x.contains(&format!("<v>{total}</v>")), "total {total}");
    assert!(x.contains(&format!("{} 笔", entries.len())));
}

#[test]
fn summary_per_town_grade_and_quota_group() {
    let s = Summary::of(&lines());
    assert_eq!(s.quarters.len(), 1);
    assert_eq!(s.towns.len(), 2);
    let (t1, tot) = &s.towns[0];
    assert_eq!(t1.as_str(), "T1");
    assert_eq!(
        (tot.cadres, tot.excellent, tot.qualified, tot.unqualified),
        (6, 1, 4, 1)
    );
    assert_eq!(s.county.cadres, 7);
    assert_eq!(s.county.standard.to_string(), "29527.68");
    assert_eq!(s.quota_scope, QuotaScope::Town);
    let g: Vec<_> = s
        .groups
        .iter()
        .map(|g| {
            (
                g.town.as_ref().unwrap().as_str(),
                g.sequence.as_str(),
                g.group_size,
                g.quota,
                g.excellent,
            )
        })
        .collect();
    assert_eq!(
        g,
        [
            ("T1", "委员", 1, 0, 0),
            ("T1", "正职", 5, 1, 1),
            ("T2", "正职", 1, 0, 0)
        ]
    );
    // County-wide groups: 正职 has six lines over two towns with group_size 6.
    let mut county = lines();
    for l in county.iter_mut().filter(|l| l.sequence.as_str() == "正职") {
        l.group_size = 6;
    }
    assert_eq!(infer_quota_scope(&county), QuotaScope::County);
}

#[test]
#[ignore = "prints the people's formats for a look"]
fn show() {
    let mut out = std::io::stdout();
    write_report_table(&mut out, &lines()).unwrap();
    write_summary_table(&mut out, &lines()).unwrap();
    write_ledger_table(&mut out, &ledger()).unwrap();
    std::fs::write(
        "/tmp/kaohe-report.html",
        text(|o| write_report_html(o, &lines(), &notes()).unwrap()),
    )
    .unwrap();
    std::fs::write(
        "/tmp/kaohe-report.xlsx",
        report_xlsx_bytes(&lines(), &notes()).unwrap(),
    )
    .unwrap();
}

/// The audit log's csv: its header, and a typed field that starts like a formula made inert.
#[test]
fn audit_csv_header_and_inert_fields() {
    let rows = vec![kaohe_report::AuditRow {
        time: "2026-07-01T08:30:00Z".into(),
        user: "=HYPERLINK(\"x\")".into(),
        command: "kaohe import roster r,1.csv".into(),
        files: "r,1.csv=ab".into(),
    }];
    let csv = text(|o| kaohe_report::write_audit_csv(o, &rows).unwrap());
    assert_eq!(
        csv,
        "time,user,command,files\n\
         2026-07-01T08:30:00Z,\"'=HYPERLINK(\"\"x\"\")\",\"kaohe import roster r,1.csv\",\"r,1.csv=ab\"\n"
    );
    let t = text(|o| kaohe_report::write_audit_table(o, &rows).unwrap());
    assert!(
        t.starts_with("时间") && t.contains("kaohe import roster"),
        "{t}"
    );
}
