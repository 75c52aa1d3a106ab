//! `inspections.csv` (Art.14) and `health.csv` (Art.15): subjects against the roster, areas
//! and findings by name, ids and (cadre, date) keys given twice, text guards, encodings.

use kaohe_domain::{Area, Finding, HealthRecord, Inspection};
use kaohe_io::{
    HEALTH_COLUMNS, INSPECTIONS_COLUMNS, ReadError, health_lines, inspection_lines,
    read_health_bytes, read_inspections_bytes,
};

use crate::common::{ctx, located, only, roster};

const IHEAD: &str = "inspection_id,date,subject,area,finding,note\n";
const HHEAD: &str = "cadre_id,date,institution,conclusion,note\n";

fn inspections(body: &str) -> Result<Vec<Inspection>, ReadError> {
    let r = roster();
    read_inspections_bytes(
        "inspections.csv",
        format!("{IHEAD}{body}").as_bytes(),
        &ctx(&r),
    )
}

fn health(body: &str) -> Result<Vec<HealthRecord>, ReadError> {
    let r = roster();
    read_health_bytes("health.csv", format!("{HHEAD}{body}").as_bytes(), &ctx(&r))
}

#[test]
fn good_inspections_in_file_order() {
    let v = inspections(
        "I1,2026-07-03,V1,archives,good,档案齐全\nI2,2026-08-01,C003,policy,poor,\"政策, 不清\"\nI1,2026-07-03,V1,archives,good,档案齐全\n",
    )
    .unwrap();
    assert_eq!(v.len(), 2, "the same record twice is kept once");
    assert_eq!(v[0].id.as_str(), "I1");
    assert_eq!(v[0].subject.as_str(), "V1");
    assert_eq!((v[0].area, v[0].finding), (Area::Archives, Finding::Good));
    assert_eq!(v[1].subject.as_str(), "C003");
    assert_eq!((v[1].area, v[1].finding), (Area::Policy, Finding::Poor));
    assert_eq!(v[1].note, "政策, 不清");
    assert_eq!(v[1].quarter().to_string(), "2026Q3");
}

#[test]
fn columns_in_any_order_bom_and_crlf() {
    let csv = "\u{feff}note,finding,area,subject,date,inspection_id\r\n,fair,industry,V2,2026-09-30,I9\r\n";
    let r = roster();
    let v = read_inspections_bytes("inspections.csv", csv.as_bytes(), &ctx(&r)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].area, v[0].finding), (Area::Industry, Finding::Fair));
    assert_eq!(INSPECTIONS_COLUMNS.join(","), IHEAD.trim_end());
    assert_eq!(HEALTH_COLUMNS.join(","), HHEAD.trim_end());
}

#[test]
fn unknown_subject_area_and_finding_are_located() {
    let e = inspections(
        "I1,2026-07-03,V9,archives,good,\nI2,2026-07-03,V1,roads,good,\nI3,2026-07-03,V1,policy,bad,\nI4,2026-07-03,,policy,good,\n",
    )
    .unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("subject")),
            (3, Some("area")),
            (4, Some("finding")),
            (5, Some("subject"))
        ]
    );
    let p = e.problems();
    assert!(
        p[0].message
            .contains("`V9` is neither a village code nor a cadre id")
            && p[0].message.contains("Art.14"),
        "{}",
        p[0].message
    );
    assert!(
        p[1].message
            .contains("`roads` is not one of Art.14's areas")
            && p[1].message.contains("档案资料整理"),
        "{}",
        p[1].message
    );
    assert!(p[2].message.contains("`bad` is not a finding"));
    assert_eq!(p[3].message, "is empty");
}

#[test]
fn an_inspection_id_again_with_other_content_names_both_lines() {
    let e = inspections("I1,2026-07-03,V1,archives,good,\nI1,2026-07-04,V1,archives,poor,\n")
        .unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (3, Some("inspection_id")));
    assert!(
        msg.contains("other content than on line 2")
            && msg.contains("date `2026-07-04` here, `2026-07-03` there")
            && msg.contains("finding `poor` here, `good` there"),
        "{msg}"
    );
}

#[test]
fn formulas_and_control_characters_are_refused() {
    let e = inspections(
        "I1,2026-07-03,V1,archives,good,=HYPERLINK(\"x\")\nI2,2026-07-03,V1,archives,good,\"a\u{7}b\"\n=I3,2026-07-03,V1,archives,good,\n",
    )
    .unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("note")),
            (3, Some("note")),
            (4, Some("inspection_id"))
        ]
    );
    assert!(e.problems()[0].message.contains("formula"));
    assert!(e.problems()[1].message.contains("control character"));
}

#[test]
fn missing_and_unknown_columns() {
    let r = roster();
    let e = read_inspections_bytes(
        "inspections.csv",
        b"inspection_id,date,subject,area,result,note\n",
        &ctx(&r),
    )
    .unwrap_err();
    assert_eq!(located(&e), [(1, Some("result")), (1, Some("finding"))]);
    assert!(e.problems()[0].message.contains("unknown column"));
    assert!(e.problems()[1].message.contains("missing column"));
}

#[test]
fn gbk_is_refused_with_the_hint() {
    let mut bytes = IHEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"I1,2026-07-03,V1,archives,good,\xD5\xC5\xC8\xFD\n");
    let r = roster();
    let e = read_inspections_bytes("inspections.csv", &bytes, &ctx(&r)).unwrap_err();
    let (line, col, _) = only(&e);
    assert_eq!((line, col), (2, Some("note")));
    assert!(e.to_string().contains("GBK"), "{e}");
}

#[test]
fn inspection_lines_name_each_id() {
    let csv =
        format!("{IHEAD}I1,2026-07-03,V1,archives,good,\n\nI2,2026-07-03,V1,archives,good,\n");
    let lines = inspection_lines(csv.as_bytes());
    assert_eq!(lines.get("I1"), Some(&2));
    assert_eq!(lines.get("I2"), Some(&4));
}

#[test]
fn good_health_records() {
    let v = health(
        "C001,2026-04-18,县人民医院,未见明显异常,年度体检\nC001,2025-04-20,县人民医院,血压偏高,\nC005,2026-03-01,镇卫生院,正常,\n",
    )
    .unwrap();
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].cadre_id.as_str(), "C001");
    assert_eq!(v[0].date.to_string(), "2026-04-18");
    assert_eq!(v[0].institution, "县人民医院");
    assert_eq!(v[1].conclusion, "血压偏高");
    assert_eq!(v[1].note, "");
    assert_eq!(
        health_lines(format!("{HHEAD}C001,2026-04-18,a,b,\n").as_bytes()).get("C001"),
        Some(&2)
    );
}

#[test]
fn a_check_up_twice_in_one_file_is_refused() {
    let e =
        health("C001,2026-04-18,县人民医院,正常,\nC001,2026-04-18,县中医院,正常,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (3, Some("date")));
    assert!(msg.contains("on line 2") && msg.contains("C001"), "{msg}");
}

#[test]
fn health_problems_are_located_and_never_quote_the_health_data() {
    let e = health(
        "C009,2026-04-18,县人民医院,正常,\nC001,2026-13-01,县人民医院,正常,\nC001,2026-04-18,,正常,\nC002,2026-04-18,县人民医院,=SECRET_DIAGNOSIS,\nC003,2026-04-18,县人民医院,\"SECRET\u{1b}DIAGNOSIS\",\n",
    )
    .unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("cadre_id")),
            (3, Some("date")),
            (4, Some("institution")),
            (5, Some("conclusion")),
            (6, Some("conclusion"))
        ]
    );
    let text = e.to_string();
    assert!(
        text.contains("`C009` is not a cadre id of the roster"),
        "{text}"
    );
    assert!(
        text.contains("formula") && text.contains("control character"),
        "{text}"
    );
    assert!(
        !text.contains("SECRET"),
        "health data quoted in a message: {text}"
    );
}
