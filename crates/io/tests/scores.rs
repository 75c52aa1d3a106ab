//! `scores.csv`: checked against the policy in force and the roster (docs/rules.md Art.7; docs/guide.md, file formats).

use std::fmt::Write as _;

use kaohe_domain::{Policy, Score};
use kaohe_io::{Context, ReadError, read_scores, read_scores_bytes};

use crate::common::{ctx, located, only, roster};

const HEAD: &str = "quarter,subject,item,points\n";

fn read(body: &str) -> Result<Vec<Score>, ReadError> {
    let r = roster();
    read_scores_bytes("scores.csv", format!("{HEAD}{body}").as_bytes(), &ctx(&r))
}

#[test]
fn good_scores_read_in_file_order() {
    let s = read("2026Q3,V1,party.organization,4\n2026q3,C001,duty.attendance,1.25\n2026Q3,C002,public.satisfaction,9.50\n")
        .unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s[0].subject.as_str(), "V1");
    assert_eq!(s[0].points.to_string(), "4.00");
    assert_eq!(s[1].quarter.to_string(), "2026Q3");
    assert_eq!(s[1].item.as_str(), "duty.attendance");
    assert_eq!(s[2].points.to_string(), "9.50");
}

#[test]
fn item_not_in_policy() {
    let e = read("2026Q3,V1,party.nope,1\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("item")));
    assert!(
        msg.contains("`party.nope` is not an item of the policy in force for 2026Q3"),
        "{msg}"
    );
}

#[test]
fn points_above_max_negative_or_three_decimals() {
    let e = read(
        "2026Q3,V1,party.leadership,5.01\n2026Q3,V1,party.members,-1\n2026Q3,V1,party.venue,1.125\n2026Q3,V1,party.funding,abc\n",
    )
    .unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("points")),
            (3, Some("points")),
            (4, Some("points")),
            (5, Some("points"))
        ]
    );
    let m: Vec<&str> = e.problems().iter().map(|p| p.message.as_str()).collect();
    assert!(
        m[0].contains("above the maximum 5.00 of item `party.leadership`"),
        "{}",
        m[0]
    );
    assert!(m[1].contains("below 0"), "{}", m[1]);
    assert!(m[2].contains("more than 2 decimals"), "{}", m[2]);
    assert!(m[3].contains("`abc` is not a decimal number"), "{}", m[3]);
    // At the maximum, and with trailing zeros, is fine.
    read("2026Q3,V1,party.leadership,5.000\n2026Q3,C001,duty.audit,1.250\n").unwrap();
}

#[test]
fn score_for_a_cadre_not_in_office() {
    // C005 left office on 2026-05-31: assessed in 2026Q2, not in 2026Q3.
    read("2026Q2,C005,duty.attendance,1\n").unwrap();
    let e = read("2026Q3,C005,duty.attendance,1\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("subject")));
    assert!(
        msg.contains("not in office in 2026Q3") && msg.contains("2019-01-01 to 2026-05-31"),
        "{msg}"
    );
}

#[test]
fn subject_must_fit_the_item_scope() {
    let e = read(
        "2026Q3,C001,party.venue,1\n2026Q3,V1,duty.audit,1\n2026Q3,V9,party.venue,1\n2026Q3,C9,duty.audit,1\n2026Q3,X,nope,1\n",
    )
    .unwrap_err();
    assert_eq!(
        located(&e),
        [
            (2, Some("subject")),
            (3, Some("subject")),
            (4, Some("subject")),
            (5, Some("subject")),
            (6, Some("item")),
            (6, Some("subject")),
        ]
    );
    let m: Vec<&str> = e.problems().iter().map(|p| p.message.as_str()).collect();
    assert!(
        m[0].contains("`C001` is a cadre id, but item `party.venue` is per village"),
        "{}",
        m[0]
    );
    assert!(
        m[1].contains("`V1` is a village code, but item `duty.audit` is per cadre"),
        "{}",
        m[1]
    );
    assert!(
        m[2].contains("`V9` is not a village code of the roster"),
        "{}",
        m[2]
    );
    assert!(
        m[3].contains("`C9` is not a cadre id of the roster"),
        "{}",
        m[3]
    );
    assert!(
        m[5].contains("neither a village code nor a cadre id"),
        "{}",
        m[5]
    );
}

#[test]
fn duplicate_key_names_both_lines() {
    let e = read(
        "2026Q3,V1,party.venue,1\n2026Q3,V2,party.venue,1\n2026q3,V1,party.venue,2\n2026Q3,V1,party.venue,3\n",
    )
    .unwrap_err();
    assert_eq!(located(&e), [(4, None), (5, None)]);
    let m = &e.problems()[0].message;
    assert!(
        m.contains("(2026Q3, V1, party.venue) is given again (first on line 2)"),
        "{m}"
    );
    // The same key in another quarter is another score.
    read("2026Q3,V1,party.venue,1\n2026Q2,V1,party.venue,1\n").unwrap();
}

#[test]
fn quarter_must_parse_and_have_a_policy() {
    let e = read("2026Q5,V1,party.venue,1\n").unwrap_err();
    assert_eq!(located(&e), [(2, Some("quarter"))]);
    let r = roster();
    let p = Policy::default();
    let c = Context::new(&r, |q| (q.year() >= 2026).then_some(&p));
    let e = read_scores_bytes(
        "scores.csv",
        format!("{HEAD}2025Q4,V1,party.venue,1\n2026Q1,V1,party.venue,1\n").as_bytes(),
        &c,
    )
    .unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("quarter")));
    assert!(msg.contains("no policy is in force for 2025Q4"), "{msg}");
}

#[test]
fn policy_history_picks_the_latest_effective_quarter() {
    let r = roster();
    // party.organization out of 2 (party.leadership takes the other 2, so the section keeps
    // its 30, Art.7).
    let small = Policy::default()
        .edit(|p| {
            p.sections[0].items[0].max = kaohe_domain::Points::parse("2").unwrap();
            p.sections[0].items[1].max = kaohe_domain::Points::parse("7").unwrap();
        })
        .unwrap();
    let history = vec![
        (kaohe_domain::Quarter::parse("2026Q3").unwrap(), small),
        (
            kaohe_domain::Quarter::parse("2020Q1").unwrap(),
            Policy::default(),
        ),
    ];
    let c = Context::with_policies(&r, &history);
    let text = format!("{HEAD}2026Q2,V1,party.organization,4\n2026Q3,V1,party.organization,4\n");
    let e = read_scores_bytes("scores.csv", text.as_bytes(), &c).unwrap_err();
    assert_eq!(located(&e), [(3, Some("points"))]);
}

/// A file large enough to be read on several threads, with problems near both ends: lines
/// must be counted from the file's start in every part.
#[test]
fn a_large_file_is_read_in_parts_with_exact_lines() {
    let r = roster();
    let items: Vec<String> = crate::common::policy()
        .items()
        .filter(|(_, s, _)| s.scope == kaohe_domain::Scope::Village)
        .map(|(_, _, i)| i.id.to_string())
        .collect();
    let mut text = String::from(HEAD);
    let mut n = 0usize;
    for year in 1100..=9999u16 {
        for q in 1..=4 {
            for v in ["V1", "V2", "V3"] {
                for it in &items {
                    writeln!(text, "{year}Q{q},{v},{it},1").unwrap();
                    n += 1;
                }
            }
        }
        if text.len() > 6 << 20 {
            break;
        }
    }
    let good = read_scores_bytes("scores.csv", text.as_bytes(), &ctx(&r)).unwrap();
    assert_eq!(good.len(), n);
    assert_eq!(good[n - 1].subject.as_str(), "V3");
    // From a file, the large-file path (streamed, in parallel) gives the same.
    let path = temp_file("good", &text);
    assert_eq!(read_scores(&path, &ctx(&r)).unwrap(), good);
    // A problem on line 3, one on the last line, and the second line repeated at the end.
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.len(); // 1-based number of the last line
    lines[2] = "1100Q1,V1,party.leadership,7";
    let second = lines[1].to_owned();
    lines[last - 1] = "9999Q4,V3,collective.economy,x";
    lines.push(&second);
    let bad = lines.join("\r\n");
    let e = read_scores_bytes("scores.csv", bad.as_bytes(), &ctx(&r)).unwrap_err();
    assert_eq!(
        located(&e),
        [
            (3, Some("points")),
            (last as u64, Some("points")),
            (last as u64 + 1, None)
        ]
    );
    assert!(e.problems()[2].message.contains("first on line 2"), "{e}");
    let path = temp_file("bad", &bad);
    let from_file = read_scores(&path, &ctx(&r)).unwrap_err();
    assert_eq!(
        from_file.to_string(),
        e.to_string()
            .replace("scores.csv", &path.display().to_string())
    );
    // Without the repeated line (no slow pass needed), the problems are the same too.
    let bad = bad.rsplit_once("\r\n").unwrap().0;
    let path = temp_file("bad2", bad);
    assert_eq!(
        located(&read_scores(&path, &ctx(&r)).unwrap_err()),
        [(3, Some("points")), (last as u64, Some("points"))]
    );
}

/// A file of its own in the temporary directory, removed when dropped.
struct TempFile(std::path::PathBuf);

impl std::ops::Deref for TempFile {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes `text` to a [`TempFile`].
fn temp_file(tag: &str, text: &str) -> TempFile {
    let path = std::env::temp_dir().join(format!("kaohe-io-test-{}-{tag}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    TempFile(path)
}
