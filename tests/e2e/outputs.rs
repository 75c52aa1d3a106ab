//! Scenario 7: the outputs for people (html, xlsx) and the work archive.

use super::harness::Env;

pub fn html_xlsx_archive(env: &Env) {
    env.settle_sample();

    let html = env.path("q3.html");
    env.kaohe(&[
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        "html",
        "--out",
        &html,
    ])
    .ok();
    let text = String::from_utf8(env.read("q3.html")).expect("the html report is UTF-8");
    assert!(
        !text.contains("http://") && !text.contains("https://"),
        "the html report references nothing outside itself"
    );
    for heading in ["优秀", "合格", "不合格"] {
        assert!(text.contains(heading), "the html report has `{heading}`");
    }
    assert!(
        text.contains("T02V07-02"),
        "the html report lists the cadres"
    );

    let xlsx = env.path("q3.xlsx");
    env.kaohe(&[
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        "xlsx",
        "--out",
        &xlsx,
    ])
    .ok();
    let bytes = env.read("q3.xlsx");
    assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip");
    assert!(bytes.len() > 1000, "an xlsx of 142 lines");
    // A workbook is not for a terminal.
    env.kaohe(&["report", "--quarter", "2026Q3", "--format", "xlsx"])
        .code(2);

    let text = env
        .kaohe(&["archive", "--cadre", "T02V07-02"])
        .ok()
        .stdout();
    let q2 = text
        .lines()
        .find(|l| l.contains("2026Q2") && l.contains("56.10"))
        .unwrap_or_else(|| panic!("the archive lists the 2026Q2 appraisal:\n{text}"));
    // The flags in Chinese: 诫勉谈话 (admonish), 免职审查 (dismissal_review), Art.11.
    assert!(q2.contains("诫勉谈话") && !q2.contains("免职审查"), "{q2}");
    let q3 = text
        .lines()
        .find(|l| l.contains("2026Q3") && l.contains("57.68"))
        .unwrap_or_else(|| panic!("the archive lists the 2026Q3 appraisal:\n{text}"));
    assert!(q3.contains("免职审查"), "{q3}");
    // Its events: EV2026-006 (Q2) and EV2026-014 (Q3).
    assert!(
        text.contains("EV2026-006") && text.contains("EV2026-014"),
        "{text}"
    );
}
