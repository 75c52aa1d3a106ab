//! `read_report`: a report written by kaohe-report (a dev-dependency only) reads back as the
//! same lines, and a damaged one is refused with its lines and columns.

use kaohe_domain::Grade;
use kaohe_io::{appraisals, read_report_bytes};
use kaohe_report::summary::in_report_order;
use kaohe_report::write_report_csv;

use crate::common::lines;

fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn report_csv_round_trips_through_read_report() {
    let csv = text(|o| write_report_csv(o, &lines()).unwrap());
    let back = read_report_bytes("q3.csv", csv.as_bytes()).unwrap();
    let expected: Vec<_> = in_report_order(&lines()).into_iter().cloned().collect();
    assert_eq!(back, expected);
    let a = appraisals(&back);
    assert_eq!(a.len(), 7);
    assert_eq!(
        (a[1].cadre_id.as_str(), a[1].grade),
        ("C101", Grade::Excellent)
    );
}

#[test]
fn read_report_refuses_a_damaged_report() {
    let csv = text(|o| write_report_csv(o, &lines()).unwrap());
    let bad = csv
        .replacen(",excellent,", ",best,", 1)
        .replacen(",C102,", ",C101,", 1);
    // C106 is on line 2, C101 (now `best`) on line 3, the doubled C101 on line 4.
    let e = read_report_bytes("q3.csv", bad.as_bytes()).unwrap_err();
    let located: Vec<_> = e
        .problems()
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect();
    assert_eq!(located, [(3, Some("grade")), (4, Some("cadre_id"))]);
    let e =
        read_report_bytes("q3.csv", b"cadre_id,quarter,grade\nC1,2026Q3,qualified\n").unwrap_err();
    assert!(e.to_string().contains("missing column"), "{e}");
}
