//! `events.csv`: kinds, levels and subjects by the policy of the event's quarter (docs/rules.md Art.8,
//! 5.1), and event ids given twice.

use kaohe_domain::{Event, Level};
use kaohe_io::{ReadError, read_events_bytes};

use crate::common::{ctx, located, only, roster};

const HEAD: &str = "event_id,date,subject,kind,level,note\n";

fn read(body: &str) -> Result<Vec<Event>, ReadError> {
    let r = roster();
    read_events_bytes("events.csv", format!("{HEAD}{body}").as_bytes(), &ctx(&r))
}

#[test]
fn good_events() {
    let e = read(
        "E1,2026-07-03,V1,inspection_praise,provincial,省检查好评\nE2,2026-08-01,V3,media_exposure,,\"报道, 负面\"\nE3,2026-09-30,C001,commendation,county,\n",
    )
    .unwrap();
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].level, Some(Level::Provincial));
    assert_eq!(e[1].level, None);
    assert_eq!(e[1].note, "报道, 负面");
    assert_eq!(e[2].subject.as_str(), "C001");
}

#[test]
fn kind_unknown() {
    let e = read("E1,2026-07-03,V1,praise,county,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("kind")));
    assert!(
        msg.contains("`praise` is not an event kind") && msg.contains("media_exposure"),
        "{msg}"
    );
}

#[test]
fn level_on_media_exposure() {
    let e = read("E1,2026-07-03,V1,media_exposure,county,\n").unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (2, Some("level")));
    assert!(
        msg.contains("must be empty") && msg.contains("no levels"),
        "{msg}"
    );
}

#[test]
fn missing_or_unknown_level() {
    let e = read("E1,2026-07-03,C001,commendation,,\nE2,2026-07-03,C001,commendation,town,\n")
        .unwrap_err();
    assert_eq!(located(&e), [(2, Some("level")), (3, Some("level"))]);
    let m = &e.problems()[0].message;
    assert!(
        m.contains("is empty, but kind `commendation` has the levels"),
        "{m}"
    );
    assert!(e.problems()[1].message.contains("`town` is not a level"));
}

#[test]
fn subject_by_the_kind_scope() {
    let e =
        read("E1,2026-07-03,V1,commendation,county,\nE2,2026-07-03,C001,work_promoted,county,\n")
            .unwrap_err();
    assert_eq!(located(&e), [(2, Some("subject")), (3, Some("subject"))]);
    assert!(
        e.problems()[0]
            .message
            .contains("event kind `commendation` is per cadre")
    );
}

#[test]
fn a_commendation_before_taking_office_is_valid_input() {
    // docs/rules.md Art.8: it has no effect, which is the engine's business, not an input error.
    read("E1,2010-07-03,C004,commendation,county,\n").unwrap();
}

#[test]
fn same_event_id_same_content_is_kept_once() {
    let e =
        read("E1,2026-07-03,V1,media_exposure,,x\nE1,2026-07-03,V1,media_exposure,,x\n").unwrap();
    assert_eq!(e.len(), 1);
}

#[test]
fn same_event_id_other_content_names_what_differs() {
    let e = read(
        "E1,2026-07-03,V1,inspection_praise,county,a\nE1,2026-07-04,V1,inspection_praise,national,a\n",
    )
    .unwrap_err();
    let (line, col, msg) = only(&e);
    assert_eq!((line, col), (3, Some("event_id")));
    assert!(msg.contains("other content than on line 2"), "{msg}");
    assert!(
        msg.contains("date `2026-07-04` here, `2026-07-03` there"),
        "{msg}"
    );
    assert!(
        msg.contains("level `national` here, `county` there"),
        "{msg}"
    );
    assert!(!msg.contains("note"), "{msg}");
}

#[test]
fn bad_id_and_date() {
    let e = read(",2026-13-01,V1,media_exposure,,\n").unwrap_err();
    assert_eq!(located(&e), [(2, Some("event_id")), (2, Some("date"))]);
}
