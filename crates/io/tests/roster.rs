//! `roster.csv`: every bad-input family of docs/guide.md, file formats, each naming its line and column.

use kaohe_io::{ROSTER_COLUMNS, ReadError, read_roster, read_roster_bytes};

use crate::common::{ROSTER, located, only};

const HEAD: &str =
    "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n";

fn read(body: &str) -> Result<Vec<kaohe_domain::Cadre>, ReadError> {
    read_roster_bytes("roster.csv", format!("{HEAD}{body}").as_bytes())
}

#[test]
fn a_good_roster_reads_in_file_order() {
    let r = read_roster_bytes("roster.csv", ROSTER.as_bytes()).unwrap();
    assert_eq!(r.len(), 5);
    assert_eq!(r[0].id.as_str(), "C001");
    assert_eq!(r[0].name, "张三");
    assert_eq!(r[0].monthly_subsidy.to_string(), "1500.07");
    assert_eq!(r[0].end_date, None);
    assert_eq!(r[4].end_date.unwrap().to_string(), "2026-05-31");
}

#[test]
fn columns_in_any_order_and_quoted_fields() {
    let text = "end_date,start_date,monthly_subsidy,position,sequence,village,town,name,cadre_id\n\
                ,2020-01-01,5.000,\"书记, 主任\",正职,V1,T1,\"王 \"\"小\"\" 五\",C9\n";
    let r = read_roster_bytes("roster.csv", text.as_bytes()).unwrap();
    assert_eq!(r[0].id.as_str(), "C9");
    assert_eq!(r[0].position, "书记, 主任");
    assert_eq!(r[0].name, "王 \"小\" 五");
    assert_eq!(r[0].monthly_subsidy.to_string(), "5.00");
}

#[test]
fn bom_and_crlf_are_accepted_and_lines_stay_exact() {
    let text = format!("\u{feff}{}", ROSTER.replace('\n', "\r\n"));
    assert_eq!(
        read_roster_bytes("roster.csv", text.as_bytes())
            .unwrap()
            .len(),
        5
    );
    // A problem on the fourth line of a CRLF file with a blank line is on line 4.
    let text = format!(
        "\u{feff}{HEAD}C1,甲,T1,V1,正职,,1,2020-01-01,\r\n\r\nC2,乙,T1,V1,正职,,1,2020-13-01,\r\n"
    )
    .replace('\n', "\r\n")
    .replace("\r\r\n", "\r\n");
    let e = read_roster_bytes("roster.csv", text.as_bytes()).unwrap_err();
    assert_eq!(located(&e), [(4, Some("start_date"))]);
}

#[test]
fn missing_column() {
    let text = "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date\nC1,甲,T1,V1,正职,,1,2020-01-01\n";
    let e = read_roster_bytes("roster.csv", text.as_bytes()).unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (1, Some("end_date")));
    assert!(msg.contains("missing column"), "{msg}");
}

#[test]
fn unknown_column_and_doubled_column() {
    let text = format!("{},colour,name\n", HEAD.trim_end());
    let e = read_roster_bytes("roster.csv", text.as_bytes()).unwrap_err();
    assert_eq!(located(&e), [(1, Some("colour")), (1, Some("name"))]);
    assert!(e.problems()[0].message.contains("unknown column"));
    assert!(e.problems()[1].message.contains("given twice"));
    let text =
        "cadre_id ,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n";
    let e = read_roster_bytes("roster.csv", text.as_bytes()).unwrap_err();
    assert!(e.to_string().contains("spaces around `cadre_id`"), "{e}");
}

#[test]
fn a_headerless_file_is_told_to_add_the_header() {
    let e = read_roster_bytes("roster.csv", b"C1,a,T1,V1,x,y,1,2020-01-01,\n").unwrap_err();
    assert!(
        e.to_string()
            .contains("the first row must be the header row"),
        "{e}"
    );
    let e = read_roster_bytes("roster.csv", b"").unwrap_err();
    assert!(e.to_string().contains("the file is empty"), "{e}");
}

#[test]
fn bad_date() {
    let e = read("C1,甲,T1,V1,正职,,1,2026-02-30,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("start_date")));
    assert!(msg.contains("2026-02-30"), "{msg}");
    let e = read("C1,甲,T1,V1,正职,,1,2026-02-01,2026/03/01\n").unwrap_err();
    assert_eq!(located(&e), [(2, Some("end_date"))]);
}

#[test]
fn end_before_start() {
    let e = read("C1,甲,T1,V1,正职,,1,2026-02-01,2026-01-31\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("end_date")));
    assert!(msg.contains("before start_date 2026-02-01"), "{msg}");
}

#[test]
fn three_decimals() {
    let e = read("C1,甲,T1,V1,正职,,1500.125,2020-01-01,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("monthly_subsidy")));
    assert!(msg.contains("more than 2 decimals"), "{msg}");
    // Trailing zeros are dropped first: 5.000 is 5.
    read("C1,甲,T1,V1,正职,,1500.100,2020-01-01,\n").unwrap();
}

#[test]
fn negative_subsidy() {
    let e = read("C1,甲,T1,V1,正职,,-5,2020-01-01,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("monthly_subsidy")));
    assert!(msg.contains("0 or more"), "{msg}");
}

#[test]
fn village_under_two_towns_names_both_lines() {
    let e = read(
        "C1,甲,T1,V1,正职,,1,2020-01-01,\nC2,乙,T1,V2,正职,,1,2020-01-01,\nC3,丙,T2,V1,委员,,1,2020-01-01,\n",
    )
    .unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (4, Some("town")));
    assert!(
        msg.contains("`T2` here") && msg.contains("`T1` on line 2"),
        "{msg}"
    );
}

#[test]
fn duplicate_cadre_id_names_both_lines() {
    let e = read("C1,甲,T1,V1,正职,,1,2020-01-01,\nC1,乙,T1,V1,委员,,1,2020-01-01,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (3, Some("cadre_id")));
    assert!(msg.contains("first on line 2"), "{msg}");
}

#[test]
fn bad_codes_and_names() {
    let e = read(" C1,,T1,V\u{1}1,正职,,1,2020-01-01,\nC2,乙,T1,V2,正职\n").unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("cadre_id")),
            (2, Some("name")),
            (2, Some("village")),
            (3, None)
        ]
    );
    assert!(
        e.problems()[3]
            .message
            .contains("has 5 fields but the header has 9")
    );
}

#[test]
fn every_problem_is_collected_and_printed_with_file_line_and_column() {
    let e = read(
        "C1,甲,T1,V1,正职,,1.234,2020-01-01,\nC2,乙,T1,V1,委员,,1,2020-1-1,\nC3,丙,T1,V1,委员,,x,2020-01-01,\n",
    )
    .unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("monthly_subsidy")),
            (3, Some("start_date")),
            (4, Some("monthly_subsidy"))
        ]
    );
    let text = e.to_string();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("roster.csv: 3 problems; nothing from this file was imported")
    );
    assert_eq!(
        lines.next(),
        Some(
            "roster.csv:2: column `monthly_subsidy`: `1.234` has more than 2 decimals (at most \
             2, as in 87.50)"
        )
    );
    assert_eq!(
        lines.next(),
        Some("roster.csv:3: column `start_date`: `2020-1-1` is not a date like 2026-07-01")
    );
}

#[test]
fn the_printed_list_is_capped() {
    let body: String = (0..60)
        .map(|i| format!("C{i},甲,T1,V1,正职,,-1,2020-01-01,\n"))
        .collect();
    let e = read(&body).unwrap_err();
    assert_eq!(e.problems().len(), 60);
    let text = e.to_string();
    assert!(text.starts_with("roster.csv: 60 problems"));
    assert_eq!(text.lines().count(), 1 + 50 + 1);
    assert!(text.ends_with("… and 10 more"), "{text}");
}

#[test]
fn gbk_bytes_are_refused_with_line_column_and_hint() {
    // "张三" in GBK is D5 C5 C8 FD.
    let mut bytes = format!("{HEAD}C1,").into_bytes();
    bytes.extend_from_slice(b"\xD5\xC5\xC8\xFD");
    bytes.extend_from_slice(",T1,V1,X,,1,2020-01-01,\n".as_bytes());
    let e = read_roster_bytes("roster.csv", &bytes).unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("name")));
    assert!(
        msg.contains("not UTF-8") && msg.contains("\\xD5\\xC5"),
        "{msg}"
    );
    let text = e.to_string();
    assert!(
        text.contains("hint: the file is not UTF-8") && text.contains("GBK"),
        "{text}"
    );
}

#[test]
fn a_missing_file_says_so() {
    let e = read_roster(std::path::Path::new("/nonexistent/roster.csv")).unwrap_err();
    assert!(matches!(e, ReadError::Io { .. }));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/roster.csv: cannot be read"),
        "{e}"
    );
    assert_eq!(ROSTER_COLUMNS.join(","), HEAD.trim_end());
}
