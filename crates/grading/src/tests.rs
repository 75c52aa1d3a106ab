//! Art.10 by hand-computed examples.

use super::*;
use kaohe_domain::SectionId;
use std::str::FromStr;

fn p(s: &str) -> Points {
    Points::parse(s).unwrap()
}

/// A cadre for the tests: id, town, sequence, total, then the `public` and `duty` subtotals.
struct Row {
    id: CadreId,
    town: TownCode,
    seq: Sequence,
    total: Points,
    keys: Vec<Points>,
}

fn row(id: &str, town: &str, seq: &str, total: &str, public: &str, duty: &str) -> Row {
    Row {
        id: CadreId::parse(id).unwrap(),
        town: TownCode::parse(town).unwrap(),
        seq: Sequence::parse(seq).unwrap(),
        total: p(total),
        keys: vec![p(public), p(duty)],
    }
}

fn entrants(rows: &[Row]) -> Vec<Entrant<'_>> {
    rows.iter()
        .map(|r| Entrant {
            cadre_id: &r.id,
            town: &r.town,
            sequence: &r.seq,
            total: r.total,
            rank_keys: &r.keys,
        })
        .collect()
}

/// `(id, rank, grade)` of every row, in rank order per group.
fn check(policy: &Policy, rows: &[Row]) -> Vec<(String, u32, Grade)> {
    let es = entrants(rows);
    let g = grade(policy, &es);
    g.order()
        .iter()
        .map(|&i| {
            let pl = g.placement(i as usize);
            (rows[i as usize].id.to_string(), pl.rank, pl.grade)
        })
        .collect()
}

fn ids_of(graded: &[(String, u32, Grade)], grade: Grade) -> Vec<&str> {
    graded
        .iter()
        .filter(|x| x.2 == grade)
        .map(|x| x.0.as_str())
        .collect()
}

#[test]
fn quota_is_floor_never_rounded_up() {
    let r = Decimal::from_str("0.20").unwrap();
    let cases = [
        (0, 0),
        (1, 0),
        (4, 0),
        (5, 1),
        (9, 1),
        (10, 2),
        (14, 2),
        (15, 3),
    ];
    for (n, q) in cases {
        assert_eq!(quota(n, r), q, "n = {n}");
    }
    assert_eq!(quota(7, Decimal::from_str("0.15").unwrap()), 1);
    assert_eq!(quota(20, Decimal::from_str("0.15").unwrap()), 3);
    assert_eq!(quota(100, Decimal::ZERO), 0);
}

#[test]
fn group_of_four_has_no_excellent() {
    let rows: Vec<Row> = (0..4)
        .map(|i| row(&format!("C{i}"), "T", "正职", "99", "10", "10"))
        .collect();
    let got = check(&Policy::default(), &rows);
    assert!(got.iter().all(|x| x.2 == Grade::Qualified), "{got:?}");
    let es = entrants(&rows);
    let g = grade(&Policy::default(), &es);
    assert_eq!(g.groups().len(), 1);
    let grp = &g.groups()[0];
    assert_eq!(
        (grp.size, grp.quota, grp.candidates, grp.excellent),
        (4, 0, 4, 0)
    );
    assert!(
        g.placements()
            .iter()
            .all(|pl| pl.reason == Reason::PastQuota)
    );
}

/// Ten cadres of one group (quota 2): B, C, D tie on 93 behind A's 95.
fn ten_with_tie() -> Vec<Row> {
    let mut rows = vec![
        row("A", "T", "委员", "95", "9", "9"),
        row("B", "T", "委员", "93", "8", "10"),
        row("C", "T", "委员", "93", "9", "9"),
        row("D", "T", "委员", "93", "9", "8"),
        row("E", "T", "委员", "91", "9", "9"),
    ];
    for (i, t) in ["89.99", "80", "60", "59.99", "10"].iter().enumerate() {
        rows.push(row(&format!("F{i}"), "T", "委员", t, "5", "5"));
    }
    rows
}

#[test]
fn keys_break_ties_by_public_then_duty_then_id() {
    let rows = ten_with_tie();
    let got = check(&Policy::default(), &rows);
    let order: Vec<&str> = got.iter().map(|x| x.0.as_str()).collect();
    // C and D tie on public (9) and C wins on duty; B has public 8.
    assert_eq!(
        order,
        ["A", "C", "D", "B", "E", "F0", "F1", "F2", "F3", "F4"]
    );
    assert_eq!(
        got.iter().map(|x| x.1).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(ids_of(&got, Grade::Excellent), ["A", "C"]);
    assert_eq!(ids_of(&got, Grade::Unqualified), ["F3", "F4"]);

    let es = entrants(&rows);
    let g = grade(&Policy::default(), &es);
    let sep = |id: &str| {
        g.placement(rows.iter().position(|r| r.id.as_str() == id).unwrap())
            .above
    };
    assert_eq!(sep("A"), Separation::Top);
    assert_eq!(sep("C"), Separation::Total);
    assert_eq!(sep("D"), Separation::RankKey(1));
    assert_eq!(sep("B"), Separation::RankKey(0));
    let d = rows.iter().position(|r| r.id.as_str() == "D").unwrap();
    let (above, below) = g.neighbours(d);
    assert_eq!(rows[above.unwrap()].id.as_str(), "C");
    assert_eq!(rows[below.unwrap()].id.as_str(), "B");

    // Equal on everything: the id decides, by bytes.
    let twins = vec![
        row("b", "T", "S", "70", "5", "5"),
        row("B", "T", "S", "70", "5", "5"),
    ];
    let es = entrants(&twins);
    let g = grade(&Policy::default(), &es);
    assert_eq!(g.placement(1).rank, 1);
    assert_eq!(g.placement(0).rank, 2);
    assert_eq!(g.placement(0).above, Separation::CadreId);
}

#[test]
fn exclude_leaves_tied_slots_empty() {
    let rows = ten_with_tie();
    let policy = Policy::default()
        .edit(|p| p.tie_break = TieBreak::Exclude)
        .unwrap();
    let got = check(&policy, &rows);
    // The first left out is D (rank 3, 93); C (rank 2, 93) is left out too. Ranks unchanged.
    assert_eq!(ids_of(&got, Grade::Excellent), ["A"]);
    assert_eq!(got[1], ("C".to_string(), 2, Grade::Qualified));
    let es = entrants(&rows);
    let g = grade(&policy, &es);
    let c = rows.iter().position(|r| r.id.as_str() == "C").unwrap();
    assert_eq!(g.placement(c).reason, Reason::ExcludedTie);
    let grp = &g.groups()[0];
    assert_eq!(
        (grp.quota, grp.candidates, grp.excellent, grp.excluded_ties),
        (2, 5, 1, 1)
    );

    // No tie at the edge: exclude changes nothing.
    let mut rows = ten_with_tie();
    rows[2].total = p("94");
    let a = check(&policy, &rows);
    let keys = policy.edit(|p| p.tie_break = TieBreak::Keys).unwrap();
    assert_eq!(a, check(&keys, &rows));
    assert_eq!(ids_of(&a, Grade::Excellent), ["A", "C"]);

    // Every candidate tied: nobody is excellent under exclude.
    let rows: Vec<Row> = (0..10)
        .map(|i| row(&format!("X{i}"), "T", "S", "90", "5", "5"))
        .collect();
    assert!(ids_of(&check(&policy, &rows), Grade::Excellent).is_empty());
    assert_eq!(ids_of(&check(&keys, &rows), Grade::Excellent), ["X0", "X1"]);
}

#[test]
fn excellent_needs_the_minimum_score() {
    // 10 cadres, quota 2, but only one reaches 90.
    let mut rows = ten_with_tie();
    for r in rows.iter_mut().skip(1) {
        if r.total >= p("90") {
            r.total = p("89.99");
        }
    }
    let got = check(&Policy::default(), &rows);
    assert_eq!(ids_of(&got, Grade::Excellent), ["A"]);
    let es = entrants(&rows);
    let g = grade(&Policy::default(), &es);
    assert_eq!(g.placement(1).reason, Reason::BelowExcellentMin);
}

#[test]
fn groups_by_town_and_sequence_or_county() {
    let mut rows = Vec::new();
    for town in ["T2", "T1"] {
        for i in 0..5 {
            let total = format!("{}", 99 - i);
            rows.push(row(&format!("{town}-{i}"), town, "正职", &total, "5", "5"));
        }
    }
    rows.push(row("W", "T1", "委员", "99", "5", "5"));
    let policy = Policy::default();
    let es = entrants(&rows);
    let g = grade(&policy, &es);
    let names: Vec<(Option<&str>, &str, u32, u32)> = g
        .groups()
        .iter()
        .map(|x| {
            (
                x.town.as_ref().map(|t| t.as_str()),
                x.sequence.as_str(),
                x.size,
                x.quota,
            )
        })
        .collect();
    // "委员" sorts before "正职" by UTF-8 bytes (E5 A7 94 < E6 AD A3).
    assert_eq!(
        names,
        [
            (Some("T1"), "委员", 1, 0),
            (Some("T1"), "正职", 5, 1),
            (Some("T2"), "正职", 5, 1)
        ]
    );
    let got = check(&policy, &rows);
    assert_eq!(ids_of(&got, Grade::Excellent), ["T1-0", "T2-0"]);

    let county = policy.edit(|p| p.quota_scope = QuotaScope::County).unwrap();
    let g = grade(&county, &es);
    let names: Vec<(Option<&str>, &str, u32, u32)> = g
        .groups()
        .iter()
        .map(|x| {
            (
                x.town.as_ref().map(|t| t.as_str()),
                x.sequence.as_str(),
                x.size,
                x.quota,
            )
        })
        .collect();
    assert_eq!(names, [(None, "委员", 1, 0), (None, "正职", 10, 2)]);
    let got = check(&county, &rows);
    // T1-0 and T2-0 tie on everything but the id.
    assert_eq!(ids_of(&got, Grade::Excellent), ["T1-0", "T2-0"]);
    assert_eq!(got[1].0, "T1-0");
    assert_eq!(got[2].0, "T2-0");
}

#[test]
fn rank_keys_follow_the_policy() {
    let rows = vec![
        row("A", "T", "S", "70", "5", "9"),
        row("B", "T", "S", "70", "6", "1"),
    ];
    let policy = Policy::default();
    let got = check(&policy, &rows);
    assert_eq!(got[0].0, "B");
    let policy = policy
        .edit(|p| p.rank_keys = vec![SectionId::parse("duty").unwrap()])
        .unwrap();
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|mut r| {
            r.keys.remove(0);
            r
        })
        .collect();
    assert_eq!(check(&policy, &rows)[0].0, "A");
    let policy = policy.edit(|p| p.rank_keys.clear()).unwrap();
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|mut r| {
            r.keys.clear();
            r
        })
        .collect();
    assert_eq!(check(&policy, &rows)[0].0, "A");
}

#[test]
fn input_order_does_not_matter() {
    let mut rows = ten_with_tie();
    let forward = check(&Policy::default(), &rows);
    rows.reverse();
    assert_eq!(forward, check(&Policy::default(), &rows));
    rows.swap(2, 7);
    assert_eq!(forward, check(&Policy::default(), &rows));
}

/// The rows as columns read on demand, as a caller's own scorecards give them to
/// [`grade_entrants`].
impl Entrants for [Row] {
    fn len(&self) -> usize {
        <[Row]>::len(self)
    }
    fn cadre_id(&self, i: usize) -> &CadreId {
        &self[i].id
    }
    fn town(&self, i: usize) -> &TownCode {
        &self[i].town
    }
    fn sequence(&self, i: usize) -> &Sequence {
        &self[i].seq
    }
    fn total(&self, i: usize) -> Points {
        self[i].total
    }
    fn rank_key(&self, i: usize, k: usize) -> Points {
        self[i].keys[k]
    }
}

/// Art.10: entrants read on demand are graded exactly as the same entrants given as records
/// (groups by town or county, ties broken by keys, by id, under either tie break).
#[test]
fn entrants_on_demand_grade_as_records() {
    let mut rows = ten_with_tie();
    rows.extend([
        row("b", "T", "委员", "93", "9", "8"),
        row("Z", "T2", "委员", "95", "9", "9"),
        row("Y", "T2", "正职", "70", "1", "2"),
    ]);
    let policy = Policy::default();
    let county = policy.edit(|p| p.quota_scope = QuotaScope::County).unwrap();
    let exclude = policy.edit(|p| p.tie_break = TieBreak::Exclude).unwrap();
    for policy in [policy, county, exclude] {
        let by_records = grade(&policy, &entrants(&rows));
        assert_eq!(grade_entrants(&policy, &rows[..]), by_records);
    }
}
