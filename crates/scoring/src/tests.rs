//! Art.7–9 by hand-computed examples. Each helper builds input the way an importer would.

use super::*;
use kaohe_domain::{
    Date, EventId, EventKind, ItemId, Level, Money, Sequence, Subject, TownCode, VillageCode,
};

fn q() -> Quarter {
    Quarter::parse("2026Q3").unwrap()
}

fn p(s: &str) -> Points {
    Points::parse(s).unwrap()
}

fn cadre(id: &str, village: &str, start: &str, end: Option<&str>) -> Cadre {
    Cadre {
        id: CadreId::parse(id).unwrap(),
        name: format!("name {id}"),
        town: TownCode::parse("T1").unwrap(),
        village: VillageCode::parse(village).unwrap(),
        sequence: Sequence::parse("正职").unwrap(),
        position: "书记".into(),
        monthly_subsidy: Money::parse("1000").unwrap(),
        start_date: Date::parse(start).unwrap(),
        end_date: end.map(|e| Date::parse(e).unwrap()),
    }
}

fn score(subject: &str, item: &str, points: &str) -> Score {
    Score {
        quarter: q(),
        subject: Subject::parse(subject).unwrap(),
        item: ItemId::parse(item).unwrap(),
        points: p(points),
    }
}

/// Every item of `scope` for `subject`, at the points `f` gives.
fn scores_for(
    policy: &Policy,
    scope: Scope,
    subject: &str,
    f: impl Fn(&Item) -> Points,
) -> Vec<Score> {
    policy
        .items()
        .filter(|(_, s, _)| s.scope == scope)
        .map(|(_, _, it)| Score {
            quarter: q(),
            subject: Subject::parse(subject).unwrap(),
            item: it.id.clone(),
            points: f(it),
        })
        .collect()
}

fn event(id: &str, date: &str, subject: &str, kind: &str, level: Option<Level>) -> Event {
    Event {
        id: EventId::parse(id).unwrap(),
        date: Date::parse(date).unwrap(),
        subject: Subject::parse(subject).unwrap(),
        kind: EventKind::parse(kind).unwrap(),
        level,
        note: String::new(),
    }
}

fn run<'a>(
    policy: &'a Policy,
    roster: &'a [Cadre],
    scores: &'a [Score],
    events: &'a [Event],
    missing_as_zero: bool,
) -> Result<Scorecards<'a>, ScoringError> {
    score_quarter(&ScoringInput {
        quarter: q(),
        policy,
        roster,
        roster_index: None,
        scores: scores.into(),
        events,
        missing_as_zero,
    })
}

fn problems(e: ScoringError) -> Vec<Problem> {
    match e {
        ScoringError::Input(p) => p.problems,
        other => panic!("not an input problem: {other}"),
    }
}

/// Two cadres of V1 and one of V2; village items at max, cadre items at max except
/// `public.satisfaction` = 7.5 for A.
fn village_world(policy: &Policy) -> (Vec<Cadre>, Vec<Score>) {
    let roster = vec![
        cadre("A", "V1", "2020-01-01", None),
        cadre("B", "V1", "2020-01-01", None),
        cadre("C", "V2", "2020-01-01", None),
    ];
    let mut scores = scores_for(policy, Scope::Village, "V1", |it| it.max);
    scores.extend(scores_for(policy, Scope::Village, "V2", |_| p("1")));
    for c in ["A", "B", "C"] {
        scores.extend(scores_for(policy, Scope::Cadre, c, |it| {
            if c == "A" && it.id.as_str() == "public.satisfaction" {
                p("7.5")
            } else {
                it.max
            }
        }));
    }
    (roster, scores)
}

#[test]
fn art7_village_items_count_for_every_cadre_of_the_village() {
    let policy = Policy::default();
    let (roster, scores) = village_world(&policy);
    let s = run(&policy, &roster, &scores, &[], false).unwrap();
    assert_eq!(s.len(), 3);
    let a = s.position(&roster[0].id).unwrap();
    let b = s.position(&roster[1].id).unwrap();
    let c = s.position(&roster[2].id).unwrap();
    // A: 80 village points + 10 duty + 7.5 public.
    assert_eq!(s.base_score(a), p("97.5"));
    assert_eq!(s.base_score(b), p("100"));
    // C: 16 village items at 1 point + 20 cadre points.
    assert_eq!(s.base_score(c), p("36"));
    let subtotals: Vec<String> = s
        .section_subtotals(a)
        .map(|(sec, v)| format!("{}={v}", sec.id))
        .collect();
    assert_eq!(
        subtotals,
        [
            "party=30.00",
            "poverty=40.00",
            "collective=10.00",
            "duty=10.00",
            "public=7.50"
        ]
    );
    assert_eq!(s.section_subtotal(c, 0), p("7"));
    assert_eq!(s.total(a), s.base_score(a));
    assert_eq!(s.items(a).count(), 25);
    assert!(s.items(a).all(|i| i.points.is_some()));
}

#[test]
fn art7_missing_village_item_is_named_once() {
    let policy = Policy::default();
    let (roster, mut scores) = village_world(&policy);
    scores.retain(|s| !(s.subject.as_str() == "V1" && s.item.as_str() == "party.venue"));
    scores.retain(|s| !(s.subject.as_str() == "B" && s.item.as_str() == "duty.audit"));
    let got = problems(run(&policy, &roster, &scores, &[], false).unwrap_err());
    assert_eq!(
        got,
        [
            Problem::MissingScore {
                subject: Subject::parse("B").unwrap(),
                item: ItemId::parse("duty.audit").unwrap(),
                scope: Scope::Cadre,
            },
            Problem::MissingScore {
                subject: Subject::parse("V1").unwrap(),
                item: ItemId::parse("party.venue").unwrap(),
                scope: Scope::Village,
            },
        ]
    );
    let msg = got[1].to_string();
    assert!(
        msg.contains("Art.7") && msg.contains("party.venue") && msg.contains("V1"),
        "{msg}"
    );

    // Counted as 0 on request.
    let s = run(&policy, &roster, &scores, &[], true).unwrap();
    let a = s.position(&roster[0].id).unwrap();
    let b = s.position(&roster[1].id).unwrap();
    assert_eq!(s.base_score(a), p("93.5"));
    assert_eq!(s.base_score(b), p("94.75"));
    let venue = s
        .items(a)
        .find(|i| i.item.id.as_str() == "party.venue")
        .unwrap();
    assert_eq!(venue.points, None);
}

#[test]
fn art7_bad_scores_are_each_named() {
    let policy = Policy::default();
    let (roster, mut scores) = village_world(&policy);
    scores.push(score("A", "duty.nothing", "1"));
    scores.push(score("V9", "party.venue", "1"));
    scores.push(score("Z", "duty.audit", "1"));
    // A cadre id given for a village item is no village.
    scores.push(score("A", "party.venue", "1"));
    // Duplicate of A's public.satisfaction.
    scores.push(score("A", "public.satisfaction", "7.5"));
    // Out of range: replace C's duty.audit (max 1.25) with 1.5, B's with −1.
    scores.retain(|s| {
        !((s.subject.as_str() == "C" || s.subject.as_str() == "B")
            && s.item.as_str() == "duty.audit")
    });
    scores.push(score("C", "duty.audit", "1.5"));
    scores.push(score("B", "duty.audit", "-1"));
    let got = problems(run(&policy, &roster, &scores, &[], false).unwrap_err());
    let text: Vec<String> = got.iter().map(ToString::to_string).collect();
    assert_eq!(got.len(), 7, "{text:#?}");
    assert!(
        matches!(&got[0], Problem::UnknownItem { item, .. } if item.as_str() == "duty.nothing")
    );
    assert!(
        matches!(&got[1], Problem::UnknownScoreSubject { subject, scope: Scope::Village, .. } if subject.as_str() == "A")
    );
    assert!(
        matches!(&got[2], Problem::UnknownScoreSubject { subject, .. } if subject.as_str() == "V9")
    );
    assert!(
        matches!(&got[3], Problem::UnknownScoreSubject { subject, scope: Scope::Cadre, .. } if subject.as_str() == "Z")
    );
    assert!(
        matches!(&got[4], Problem::PointsOutOfRange { subject, .. } if subject.as_str() == "B")
    );
    assert!(
        matches!(&got[5], Problem::PointsOutOfRange { subject, max, .. } if subject.as_str() == "C" && *max == p("1.25"))
    );
    assert!(matches!(&got[6], Problem::DuplicateScore { subject, .. } if subject.as_str() == "A"));
    assert!(
        text[5].contains("1.50") && text[5].contains("0–1.25"),
        "{}",
        text[5]
    );
    assert!(text.iter().all(|t| t.contains("Art.7")));
}

#[test]
fn scores_of_other_quarters_and_unassessed_cadres_are_ignored() {
    let policy = Policy::default();
    let (mut roster, mut scores) = village_world(&policy);
    roster.push(cadre("GONE", "V1", "2020-01-01", Some("2026-06-30")));
    scores.extend(scores_for(&policy, Scope::Cadre, "GONE", |it| it.max));
    let mut other = score("NOBODY", "nothing", "500");
    other.quarter = q().prev();
    scores.push(other);
    let s = run(&policy, &roster, &scores, &[], false).unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(s.position(&CadreId::parse("GONE").unwrap()), None);
}

#[test]
fn roster_problems() {
    let policy = Policy::default();
    let (mut roster, scores) = village_world(&policy);
    roster.push(cadre("A", "V3", "2020-01-01", None));
    let mut other_town = cadre("D", "V2", "2020-01-01", None);
    other_town.town = TownCode::parse("T0").unwrap();
    roster.push(other_town);
    let got = problems(run(&policy, &roster, &scores, &[], true).unwrap_err());
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(matches!(&got[0], Problem::DuplicateCadre { cadre } if cadre.as_str() == "A"));
    assert!(
        matches!(&got[1], Problem::VillageInTwoTowns { village, towns } if village.as_str() == "V2" && towns.iter().map(|t| t.as_str()).collect::<Vec<_>>() == ["T0", "T1"])
    );
}

#[test]
fn art8_events_count_for_cadres_in_office_on_the_date() {
    let policy = Policy::default();
    let (mut roster, mut scores) = village_world(&policy);
    // N joins V1 on 2026-08-15.
    roster.push(cadre("N", "V1", "2026-08-15", None));
    scores.extend(scores_for(&policy, Scope::Cadre, "N", |it| it.max));
    let events = vec![
        // Village praise before N joined: A and B only.
        event(
            "e1",
            "2026-08-01",
            "V1",
            "inspection_praise",
            Some(Level::Provincial),
        ),
        // Media exposure after: A, B and N.
        event("e2", "2026-09-01", "V1", "media_exposure", None),
        // A commendation of N dated before N took office: no effect.
        event(
            "e3",
            "2026-08-01",
            "N",
            "commendation",
            Some(Level::National),
        ),
        // A commendation of C; another of C in the next quarter, ignored.
        event("e4", "2026-07-01", "C", "commendation", Some(Level::County)),
        event(
            "e5",
            "2026-10-01",
            "C",
            "commendation",
            Some(Level::National),
        ),
        event(
            "e6",
            "2026-09-30",
            "V2",
            "inspection_criticized",
            Some(Level::Municipal),
        ),
    ];
    let s = run(&policy, &roster, &scores, &events, false).unwrap();
    let at = |id: &str| s.position(&CadreId::parse(id).unwrap()).unwrap();
    let (a, n, c) = (at("A"), at("N"), at("C"));
    assert_eq!((s.bonus(a), s.deduction(a)), (p("7"), p("10")));
    assert_eq!(s.total(a), p("94.5"));
    assert_eq!((s.bonus(n), s.deduction(n)), (p("0"), p("10")));
    assert_eq!(s.total(n), p("90"));
    assert_eq!((s.bonus(c), s.deduction(c)), (p("2"), p("4")));
    assert_eq!(s.total(c), p("34"));
    let listed: Vec<(String, String)> = s
        .events(a)
        .map(|e| (e.event.id.to_string(), e.points.to_string()))
        .collect();
    assert_eq!(
        listed,
        [("e1".into(), "7.00".into()), ("e2".into(), "-10.00".into())]
    );
}

#[test]
fn art9_total_is_uncapped() {
    let policy = Policy::default();
    let (roster, scores) = village_world(&policy);
    let events: Vec<Event> = (0..3)
        .map(|i| {
            event(
                &format!("up{i}"),
                "2026-07-02",
                "V1",
                "work_promoted",
                Some(Level::National),
            )
        })
        .chain((0..12).map(|i| {
            event(
                &format!("down{i}"),
                "2026-07-02",
                "V2",
                "media_exposure",
                None,
            )
        }))
        .collect();
    let s = run(&policy, &roster, &scores, &events, false).unwrap();
    let b = s.position(&roster[1].id).unwrap();
    let c = s.position(&roster[2].id).unwrap();
    assert_eq!(s.total(b), p("160"));
    assert_eq!(s.total(c), p("-84"));
}

#[test]
fn art8_bad_events_are_each_named() {
    let policy = Policy::default();
    let (roster, scores) = village_world(&policy);
    let events = vec![
        event("k", "2026-08-01", "V1", "parade", Some(Level::County)),
        event(
            "l1",
            "2026-08-01",
            "V1",
            "media_exposure",
            Some(Level::County),
        ),
        event("l2", "2026-08-01", "A", "commendation", None),
        event(
            "s1",
            "2026-08-01",
            "A",
            "inspection_praise",
            Some(Level::County),
        ),
        event(
            "s2",
            "2026-08-01",
            "V1",
            "commendation",
            Some(Level::County),
        ),
        event("d", "2026-08-01", "V1", "media_exposure", None),
        event("d", "2026-08-02", "V1", "media_exposure", None),
    ];
    let got = problems(run(&policy, &roster, &scores, &events, false).unwrap_err());
    let text: Vec<String> = got.iter().map(ToString::to_string).collect();
    assert_eq!(got.len(), 6, "{text:#?}");
    assert!(matches!(&got[0], Problem::DuplicateEvent { event } if event.as_str() == "d"));
    assert!(matches!(&got[1], Problem::UnknownEventKind { event, .. } if event.as_str() == "k"));
    assert!(
        matches!(&got[2], Problem::LevelMismatch { event, level: Some(Level::County), expected, .. } if event.as_str() == "l1" && expected.is_empty())
    );
    assert!(
        matches!(&got[3], Problem::LevelMismatch { event, level: None, expected, .. } if event.as_str() == "l2" && expected.len() == 4)
    );
    assert!(
        matches!(&got[4], Problem::UnknownEventSubject { event, scope: Scope::Village, .. } if event.as_str() == "s1")
    );
    assert!(
        matches!(&got[5], Problem::UnknownEventSubject { event, scope: Scope::Cadre, .. } if event.as_str() == "s2")
    );
    assert!(text.iter().all(|t| t.contains("Art.8")), "{text:#?}");
    assert!(text[2].contains("no level"), "{}", text[2]);
}

#[test]
fn input_order_does_not_matter() {
    let policy = Policy::default();
    let (roster, scores) = village_world(&policy);
    let events = vec![
        event("e2", "2026-08-01", "V1", "media_exposure", None),
        event(
            "e1",
            "2026-08-01",
            "V1",
            "inspection_praise",
            Some(Level::County),
        ),
    ];
    let forward = run(&policy, &roster, &scores, &events, false).unwrap();
    let (mut r2, mut s2, mut e2) = (roster.clone(), scores.clone(), events.clone());
    r2.reverse();
    s2.reverse();
    e2.reverse();
    let backward = run(&policy, &r2, &s2, &e2, false).unwrap();
    for c in &roster {
        let (i, j) = (
            forward.position(&c.id).unwrap(),
            backward.position(&c.id).unwrap(),
        );
        assert_eq!(forward.total(i), backward.total(j));
        let ev = |s: &Scorecards<'_>, k| {
            s.events(k)
                .map(|e| e.event.id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ev(&forward, i), ev(&backward, j));
        assert_eq!(
            forward
                .section_subtotals(i)
                .map(|x| x.1)
                .collect::<Vec<_>>(),
            backward
                .section_subtotals(j)
                .map(|x| x.1)
                .collect::<Vec<_>>()
        );
    }
    assert_eq!(ev_ids(&forward), ["e1", "e2"]);

    fn ev_ids(s: &Scorecards<'_>) -> Vec<String> {
        s.events(0).map(|e| e.event.id.to_string()).collect()
    }
}

/// A county large enough for the rows to be split among threads: the same problems and the
/// same totals whatever the order, with a duplicate far from its twin.
#[test]
fn large_input_is_split_and_order_free() {
    let policy = Policy::default();
    let n = 25_000;
    let roster: Vec<Cadre> = (0..n)
        .map(|i| {
            cadre(
                &format!("C{i:05}"),
                &format!("V{:04}", i / 5),
                "2020-01-01",
                None,
            )
        })
        .collect();
    let mut scores = Vec::new();
    for v in 0..n / 5 {
        scores.extend(scores_for(
            &policy,
            Scope::Village,
            &format!("V{v:04}"),
            |it| it.max,
        ));
    }
    for c in &roster {
        scores.extend(scores_for(&policy, Scope::Cadre, c.id.as_str(), |_| {
            p("0.5")
        }));
    }
    assert!(scores.len() > 200_000, "{}", scores.len());
    let forward = run(&policy, &roster, &scores, &[], false).unwrap();
    let mut reversed = scores.clone();
    reversed.reverse();
    let backward = run(&policy, &roster, &reversed, &[], false).unwrap();
    for i in [0, 7, n - 1] {
        assert_eq!(forward.total(i), p("84.5"));
        assert_eq!(backward.total(i), p("84.5"));
    }
    // A duplicate at the far end and an out-of-range score at the start.
    let mut bad = scores.clone();
    bad.push(scores[3].clone());
    bad[0].points = p("99");
    let want = problems(run(&policy, &roster, &bad, &[], false).unwrap_err());
    bad.reverse();
    assert_eq!(
        want,
        problems(run(&policy, &roster, &bad, &[], false).unwrap_err())
    );
    assert_eq!(want.len(), 2, "{want:?}");
    assert!(matches!(&want[0], Problem::PointsOutOfRange { .. }));
    assert!(matches!(&want[1], Problem::DuplicateScore { .. }));
}

/// A grid that does not fit the quarter or the roster is refused, naming both shapes; one
/// that fits scores like the rows it holds.
#[test]
fn a_grid_must_fit_the_quarter_and_the_roster() {
    let policy = Policy::default();
    let (roster, scores) = village_world(&policy);
    let columns = kaohe_domain::ItemColumns::new(&policy);
    fn grid_run<'a>(
        policy: &'a Policy,
        roster: &'a [Cadre],
        grid: &'a ScoreGrid,
    ) -> Result<Scorecards<'a>, ScoringError> {
        score_quarter(&ScoringInput {
            quarter: q(),
            policy,
            roster,
            roster_index: None,
            scores: grid.into(),
            events: &[],
            missing_as_zero: true,
        })
    }
    let other = Quarter::parse("2026Q2").unwrap();
    for grid in [
        ScoreGrid::new(other, &columns, 2, roster.len()),
        ScoreGrid::new(q(), &columns, 3, roster.len()),
        ScoreGrid::new(q(), &columns, 2, roster.len() + 1),
    ] {
        let e = grid_run(&policy, &roster, &grid).unwrap_err();
        assert!(matches!(e, ScoringError::GridMismatch { .. }), "{e}");
        assert!(e.to_string().starts_with("Art.7"), "{e}");
    }
    let mut grid = ScoreGrid::new(q(), &columns, 2, roster.len());
    let rubric: Vec<_> = policy.items().map(|(_, _, i)| i.id.clone()).collect();
    for s in &scores {
        let (scope, column) = columns.place(rubric.iter().position(|i| *i == s.item).unwrap());
        let subject = match scope {
            Scope::Village => ["V1", "V2"].iter().position(|v| *v == s.subject.as_str()),
            Scope::Cadre => roster
                .iter()
                .position(|c| c.id.as_str() == s.subject.as_str()),
        };
        let h = u16::try_from(s.points.hundredths()).unwrap();
        grid.set(scope, subject.unwrap(), column, h).unwrap();
    }
    let by_grid = grid_run(&policy, &roster, &grid).unwrap();
    let by_rows = run(&policy, &roster, &scores, &[], true).unwrap();
    assert_eq!(by_grid.len(), by_rows.len());
    for i in 0..by_rows.len() {
        assert_eq!(by_grid.total(i), by_rows.total(i));
        assert!(by_grid.items(i).eq(by_rows.items(i)));
    }
}

/// Art.7: a full card is every section at its maximum and a `base_score` of the card's 100
/// points, the most a subtotal can hold (kept in hundredths).
#[test]
fn art7_a_full_card_is_every_section_at_its_maximum() {
    let policy = Policy::default();
    let (roster, scores) = village_world(&policy);
    let s = run(&policy, &roster, &scores, &[], false).unwrap();
    let b = s.position(&roster[1].id).unwrap();
    assert_eq!(s.base_score(b), p("100"));
    assert_eq!(s.total(b), p("100"));
    for (k, (section, subtotal)) in s.section_subtotals(b).enumerate() {
        assert_eq!(subtotal, section.max, "{}", section.id);
        assert_eq!(s.section_subtotal(b, k), section.max);
    }
}
