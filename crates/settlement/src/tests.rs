//! Art.11 by hand-computed examples, the worked examples of docs/rules.md Art.11 to the fen, and the quarter engine end to end.

use super::*;
use kaohe_domain::{
    Date, Decimal, EntryKind, Flag, Item, Money, Month, Scope, Score, Sequence, Subject, TownCode,
    VillageCode,
};

fn q3() -> Quarter {
    Quarter::parse("2026Q3").unwrap()
}
fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}
fn p(s: &str) -> Points {
    Points::parse(s).unwrap()
}

fn cadre(id: &str, town: &str, village: &str, seq: &str, subsidy: &str) -> Cadre {
    Cadre {
        id: CadreId::parse(id).unwrap(),
        name: format!("name {id}"),
        town: TownCode::parse(town).unwrap(),
        village: VillageCode::parse(village).unwrap(),
        sequence: Sequence::parse(seq).unwrap(),
        position: "委员".into(),
        monthly_subsidy: m(subsidy),
        start_date: Date::parse("2020-01-01").unwrap(),
        end_date: None,
    }
}

fn appraisal(id: &str, q: &str, grade: Grade) -> Appraisal {
    Appraisal {
        cadre_id: CadreId::parse(id).unwrap(),
        quarter: Quarter::parse(q).unwrap(),
        grade,
    }
}

#[test]
fn spec_6_partial_quarter_rounds_the_sum_not_the_months() {
    let policy = Policy::default();
    let mut c = cadre("C", "T", "V", "S", "1500.07");
    c.start_date = Date::parse("2026-07-10").unwrap();
    c.end_date = Some(Date::parse("2026-09-20").unwrap());
    let w = cadre_subsidy(&policy, q3(), &c, Grade::Qualified);
    assert_eq!(
        w.months.map(|x| (x.days_in_office, x.days_in_month)),
        [(22, 31), (31, 31), (20, 30)]
    );
    assert_eq!(w.standard, m("3564.68"));
    // Rounding each month first would give 1064.57 + 1500.07 + 1000.05 = 3564.69.
    let monthly_rounded: Money = w
        .months
        .iter()
        .map(|x| {
            let (n, d) = x.standard_exact(w.monthly_subsidy);
            Money::round_ratio(n, d)
        })
        .sum();
    assert_eq!(monthly_rounded, m("3564.69"));
    assert_eq!(
        w.months.map(|x| x.base),
        [m("212.91"), m("300.01"), m("200.01")]
    );
    assert_eq!(w.base_paid, m("712.93"));
    assert_eq!(w.performance_standard, m("2851.75"));
    assert_eq!(w.adjustment, Money::ZERO);
    assert_eq!(w.performance_paid, m("2851.75"));
    assert_eq!(w.total_paid, m("3564.68"));
    // Σ T_m exactly: 1500.07 × (22×30 + 31×30 + 20×31) / 930.
    let (num, den) = w.standard_exact;
    assert_eq!(den, 930);
    assert_eq!(num, m("1500.07").to_decimal() * Decimal::from(2210));
}

#[test]
fn spec_6_full_quarter_excellent() {
    let policy = Policy::default();
    let c = cadre("C", "T", "V", "S", "1406.08");
    let w = cadre_subsidy(&policy, q3(), &c, Grade::Excellent);
    assert_eq!(w.standard, m("4218.24"));
    assert_eq!(w.months.map(|x| x.base), [m("281.22"); 3]);
    assert_eq!(w.base_paid, m("843.66"));
    assert_eq!(w.performance_standard, m("3374.58"));
    assert_eq!(w.adjustment, m("1349.83"));
    assert_eq!(w.performance_paid, m("4724.41"));
    assert_eq!(w.total_paid, m("5568.07"));

    let u = cadre_subsidy(&policy, q3(), &c, Grade::Unqualified);
    assert_eq!(u.adjustment, m("-1349.83"));
    assert_eq!(u.total_paid, m("843.66") + m("3374.58") - m("1349.83"));
    let lenient = policy
        .edit(|p| p.unqualified_deduction_rate = Decimal::new(3, 1))
        .unwrap();
    // 3374.58 × 0.3 = 1012.374 → 1012.37.
    assert_eq!(
        cadre_subsidy(&lenient, q3(), &c, Grade::Unqualified).adjustment,
        m("-1012.37")
    );
}

#[test]
fn art11_half_fen_rounds_away_from_zero() {
    // M = 0.05 for one day of a 30-day month... base = 0.05 × 1 × 0.2 / 30: rounds to 0.
    // M = 0.25 in a full quarter: base_m = 0.05 each, T = 0.75, P = 0.60.
    let policy = Policy::default();
    let w = subsidy(&policy, q3(), m("0.25"), [31, 31, 30], Grade::Excellent);
    assert_eq!(w.base_paid, m("0.15"));
    assert_eq!(w.performance_standard, m("0.60"));
    // 0.60 × 0.40 = 0.24.
    assert_eq!(w.adjustment, m("0.24"));
    // A tie: P × rate = x.xx5 exactly. M = 0.01 × … choose P = 0.05, rate 0.30 → 0.015 → 0.02.
    let pol = policy
        .edit(|p| p.excellent_bonus_rate = Decimal::new(30, 2))
        .unwrap();
    assert_eq!(adjustment(&pol, m("0.05"), Grade::Excellent), m("0.02"));
    assert_eq!(adjustment(&pol, m("0.05"), Grade::Unqualified), m("-0.02"));
    assert_eq!(adjustment(&pol, m("0.05"), Grade::Qualified), Money::ZERO);
    // February of a leap year: Q1 2028 has 31 + 29 + 31 days.
    let q1 = Quarter::parse("2028Q1").unwrap();
    let w = subsidy(&policy, q1, m("2900"), [0, 29, 0], Grade::Qualified);
    assert_eq!(w.standard, m("2900"));
    assert_eq!(w.months[1].days_in_month, 29);
    assert_eq!(w.base_paid, m("580"));
}

#[test]
fn art11_wide_decimals_take_the_exact_slow_path() {
    // A base share written with 28 decimals does not fit the integer fast path; the result
    // must be the same as with 0.2.
    let wide = Policy::default()
        .edit(|p| {
            p.base_share = Decimal::from_str_exact("0.2000000000000000000000000000").unwrap();
            p.excellent_bonus_rate =
                Decimal::from_str_exact("0.4000000000000000000000000000").unwrap();
        })
        .unwrap();
    for (m_, days) in [("1500.07", [22, 31, 20]), ("99999999.99", [31, 31, 30])] {
        for grade in Grade::ALL {
            let a = subsidy(&Policy::default(), q3(), m(m_), days, grade);
            let b = subsidy(&wide, q3(), m(m_), days, grade);
            assert_eq!(
                (a.standard, a.base_paid, a.adjustment, a.total_paid),
                (b.standard, b.base_paid, b.adjustment, b.total_paid),
                "{m_} {grade}"
            );
        }
    }
}

#[test]
fn art11_dismissal_chain_skips_quarters_not_assessed() {
    let policy = Policy::default();
    let id = CadreId::parse("C").unwrap();
    let q = q3();
    // Unqualified in 2026Q1, not assessed in 2026Q2 (no appraisal): the chain holds.
    let gap = [appraisal("C", "2026Q1", Grade::Unqualified)];
    assert!(dismissal_review(&policy, q, &id, Grade::Unqualified, &gap).unwrap());
    assert!(!dismissal_review(&policy, q, &id, Grade::Qualified, &gap).unwrap());
    // The latest earlier appraisal counts, not an older one.
    let broken = [
        appraisal("C", "2025Q4", Grade::Unqualified),
        appraisal("C", "2026Q2", Grade::Qualified),
    ];
    assert!(!dismissal_review(&policy, q, &id, Grade::Unqualified, &broken).unwrap());
    // Appraisals of this quarter or later, and of other cadres, are not looked at.
    let noise = [
        appraisal("C", "2026Q3", Grade::Unqualified),
        appraisal("C", "2026Q4", Grade::Unqualified),
        appraisal("D", "2026Q2", Grade::Unqualified),
    ];
    assert!(!dismissal_review(&policy, q, &id, Grade::Unqualified, &noise).unwrap());
    // First appraisal ever: no chain.
    assert!(!dismissal_review(&policy, q, &id, Grade::Unqualified, &[]).unwrap());

    let three = policy
        .edit(|p| p.consecutive_unqualified_for_dismissal = 3)
        .unwrap();
    assert!(!dismissal_review(&three, q, &id, Grade::Unqualified, &gap).unwrap());
    let two_before = [
        appraisal("C", "2025Q3", Grade::Unqualified),
        appraisal("C", "2026Q1", Grade::Unqualified),
    ];
    assert!(dismissal_review(&three, q, &id, Grade::Unqualified, &two_before).unwrap());

    let one = policy
        .edit(|p| p.consecutive_unqualified_for_dismissal = 1)
        .unwrap();
    assert!(dismissal_review(&one, q, &id, Grade::Unqualified, &[]).unwrap());

    let conflict = [
        appraisal("C", "2026Q2", Grade::Unqualified),
        appraisal("C", "2026Q2", Grade::Qualified),
    ];
    let err = dismissal_review(&policy, q, &id, Grade::Unqualified, &conflict).unwrap_err();
    assert!(err.to_string().contains("Art.11") && err.to_string().contains("`C` in 2026Q2"));
    // The same appraisal twice is the same appraisal.
    let twice = [gap[0].clone(), gap[0].clone()];
    assert!(!dismissal_review(&three, q, &id, Grade::Unqualified, &twice).unwrap());
}

#[test]
fn art11_flags() {
    let f = flags(Grade::Unqualified, true);
    assert_eq!(f.to_string(), "admonish;dismissal_review");
    assert_eq!(flags(Grade::Unqualified, false).to_string(), "admonish");
    assert_eq!(flags(Grade::Excellent, false).to_string(), "recommend");
    assert!(flags(Grade::Qualified, true).is_empty());
}

fn entries(w: &MoneyWorking) -> Vec<LedgerEntry> {
    let mut out = Vec::new();
    let mut next = 7;
    cadre_entries(
        q3(),
        1,
        &CadreId::parse("C").unwrap(),
        w,
        &mut next,
        &mut out,
    );
    assert_eq!(next, 7 + out.len() as u32);
    out
}

#[test]
fn ledger_entries_sum_to_total_paid() {
    let policy = Policy::default();
    let w = subsidy(&policy, q3(), m("1406.08"), [31, 31, 30], Grade::Excellent);
    let e = entries(&w);
    let kinds: Vec<(EntryKind, Option<String>, String)> = e
        .iter()
        .map(|x| {
            (
                x.kind,
                x.month.map(|mo| mo.to_string()),
                x.amount.to_string(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (EntryKind::Base, Some("2026-07".into()), "281.22".into()),
            (EntryKind::Base, Some("2026-08".into()), "281.22".into()),
            (EntryKind::Base, Some("2026-09".into()), "281.22".into()),
            (EntryKind::Performance, None, "3374.58".into()),
            (EntryKind::ExcellentBonus, None, "1349.83".into()),
        ]
    );
    assert!(e.iter().all(|x| x.article() == "Art.11"));
    assert_eq!(e.iter().map(|x| x.amount).sum::<Money>(), w.total_paid);
    assert_eq!(
        e.iter().map(|x| x.entry).collect::<Vec<_>>(),
        [7, 8, 9, 10, 11]
    );

    // Out of office in July: no July entry. Unqualified: a negative deduction entry.
    let w = subsidy(&policy, q3(), m("1000"), [0, 31, 30], Grade::Unqualified);
    let e = entries(&w);
    assert_eq!(e.len(), 4);
    assert_eq!(
        e[0].month,
        Some(Month {
            year: 2026,
            month: 8
        })
    );
    assert_eq!(e[3].kind, EntryKind::UnqualifiedDeduction);
    assert!(e[3].amount.is_negative());
    assert_eq!(e.iter().map(|x| x.amount).sum::<Money>(), w.total_paid);
}

fn sums(entries: &[&LedgerEntry]) -> Vec<(String, Money)> {
    let mut out: Vec<(String, Money)> = Vec::new();
    for e in entries {
        match out.iter_mut().find(|x| x.0 == e.cadre_id.as_str()) {
            Some(x) => x.1 += e.amount,
            None => out.push((e.cadre_id.to_string(), e.amount)),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.retain(|x| !x.1.is_zero());
    out
}

#[test]
fn revise_appends_differences_only() {
    let policy = Policy::default();
    let mk = |id: &str, grade, days| {
        let w = subsidy(&policy, q3(), m("1000"), days, grade);
        let mut out = Vec::new();
        let mut next = 1;
        cadre_entries(
            q3(),
            1,
            &CadreId::parse(id).unwrap(),
            &w,
            &mut next,
            &mut out,
        );
        out
    };
    let mut old = mk("A", Grade::Excellent, [31, 31, 30]);
    old.extend(mk("B", Grade::Qualified, [31, 31, 30]));
    old.extend(mk("GONE", Grade::Unqualified, [31, 31, 30]));
    for (i, e) in old.iter_mut().enumerate() {
        e.entry = i as u32 + 1;
    }
    // A becomes qualified; B unchanged; GONE disappears; NEW appears with two months.
    let mut fresh = mk("NEW", Grade::Qualified, [0, 31, 30]);
    fresh.extend(mk("B", Grade::Qualified, [31, 31, 30]));
    fresh.extend(mk("A", Grade::Qualified, [31, 31, 30]));
    let next = old.len() as u32 + 1;
    let fix = revise(&old, &fresh, 2, next);
    let who: Vec<(&str, EntryKind)> = fix.iter().map(|e| (e.cadre_id.as_str(), e.kind)).collect();
    assert_eq!(
        who,
        [
            ("NEW", EntryKind::Base),
            ("NEW", EntryKind::Base),
            ("NEW", EntryKind::Performance),
            ("A", EntryKind::ExcellentBonus),
            ("GONE", EntryKind::Base),
            ("GONE", EntryKind::Base),
            ("GONE", EntryKind::Base),
            ("GONE", EntryKind::Performance),
            ("GONE", EntryKind::UnqualifiedDeduction),
        ]
    );
    assert!(
        fix.iter()
            .all(|e| e.revision == 2 && e.article() == "Art.11")
    );
    assert_eq!(
        fix.iter().map(|e| e.entry).collect::<Vec<_>>(),
        (next..next + 9).collect::<Vec<_>>()
    );
    let all: Vec<&LedgerEntry> = old.iter().chain(&fix).collect();
    let fresh_refs: Vec<&LedgerEntry> = fresh.iter().collect();
    assert_eq!(sums(&all), sums(&fresh_refs));
    // Revising again with the same fresh ledger changes nothing.
    let all_owned: Vec<LedgerEntry> = all.into_iter().cloned().collect();
    assert!(revise(&all_owned, &fresh, 3, 100).is_empty());
}

// ---- the quarter engine end to end -------------------------------------------------------

/// A small county: every village item at `village_pts` of its max (in percent), every cadre
/// item scored by `cadre_pts(cadre, item)`.
struct World {
    policy: Policy,
    roster: Vec<Cadre>,
    scores: Vec<Score>,
    events: Vec<Event>,
    history: Vec<Appraisal>,
}

impl World {
    fn new(roster: Vec<Cadre>, cadre_pts: impl Fn(&Cadre, &Item) -> Points) -> World {
        let policy = Policy::default();
        let mut scores = Vec::new();
        let mut villages: Vec<&VillageCode> = roster.iter().map(|c| &c.village).collect();
        villages.sort();
        villages.dedup();
        for (_, s, it) in policy.items() {
            match s.scope {
                Scope::Village => {
                    for v in &villages {
                        scores.push(Score {
                            quarter: q3(),
                            subject: Subject::from(*v),
                            item: it.id.clone(),
                            points: it.max,
                        });
                    }
                }
                Scope::Cadre => {
                    for c in &roster {
                        scores.push(Score {
                            quarter: q3(),
                            subject: Subject::from(&c.id),
                            item: it.id.clone(),
                            points: cadre_pts(c, it),
                        });
                    }
                }
            }
        }
        World {
            policy,
            roster,
            scores,
            events: Vec::new(),
            history: Vec::new(),
        }
    }

    fn input(&self) -> QuarterInput<'_> {
        QuarterInput {
            quarter: q3(),
            policy: &self.policy,
            roster: &self.roster,
            roster_index: None,
            scores: (&self.scores).into(),
            events: &self.events,
            history: &self.history,
            missing_as_zero: false,
        }
    }
}

/// `public.satisfaction` from the cadre's id number: C<n> gets n/2 points … everything else
/// at max. Totals are 90 + public.
fn by_number(c: &Cadre, it: &Item) -> Points {
    if it.id.as_str() == "public.satisfaction" {
        let n: i64 = c.id.as_str()[1..].parse().unwrap();
        Points::from_hundredths(n * 50)
    } else {
        it.max
    }
}

#[test]
fn quarter_lines_sorted_and_graded() {
    let mut roster = Vec::new();
    for (i, (town, seq)) in [("T2", "正职"), ("T1", "委员"), ("T1", "正职")]
        .iter()
        .enumerate()
    {
        for k in 0..5 {
            let n = i * 5 + k;
            roster.push(cadre(
                &format!("C{n}"),
                town,
                &format!("V{town}"),
                seq,
                "1000",
            ));
        }
    }
    let world = World::new(roster, by_number);
    let out = compute_quarter(&world.input()).unwrap();
    let rows: Vec<(String, String, u32, String)> = out
        .lines
        .iter()
        .map(|l| {
            (
                l.town.to_string(),
                l.sequence.to_string(),
                l.rank,
                l.cadre_id.to_string(),
            )
        })
        .collect();
    let expect = [
        ("T1", "委员", 1, "C9"),
        ("T1", "委员", 2, "C8"),
        ("T1", "委员", 3, "C7"),
        ("T1", "委员", 4, "C6"),
        ("T1", "委员", 5, "C5"),
        ("T1", "正职", 1, "C14"),
        ("T1", "正职", 2, "C13"),
        ("T1", "正职", 3, "C12"),
        ("T1", "正职", 4, "C11"),
        ("T1", "正职", 5, "C10"),
        ("T2", "正职", 1, "C4"),
        ("T2", "正职", 2, "C3"),
        ("T2", "正职", 3, "C2"),
        ("T2", "正职", 4, "C1"),
        ("T2", "正职", 5, "C0"),
    ];
    let expect: Vec<(String, String, u32, String)> = expect
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), *c, d.to_string()))
        .collect();
    assert_eq!(rows, expect);
    let excellent: Vec<&str> = out
        .lines
        .iter()
        .filter(|l| l.grade == Grade::Excellent)
        .map(|l| l.cadre_id.as_str())
        .collect();
    assert_eq!(excellent, ["C9", "C14", "C4"]);
    assert!(out.lines.iter().all(|l| l.group_size == 5 && l.quota == 1));
    assert!(out.lines[0].flags.contains(Flag::Recommend));
    // Ledger in line order, numbered from 1, summing to total_paid per cadre.
    assert_eq!(out.ledger[0].cadre_id.as_str(), "C9");
    assert_eq!(
        out.ledger.iter().map(|e| e.entry).collect::<Vec<_>>(),
        (1..=out.ledger.len() as u32).collect::<Vec<_>>()
    );
    for l in &out.lines {
        let paid: Money = out
            .ledger
            .iter()
            .filter(|e| e.cadre_id == l.cadre_id)
            .map(|e| e.amount)
            .sum();
        assert_eq!(paid, l.total_paid, "{}", l.cadre_id);
    }

    // County scope: one 正职 group of 10 (quota 2), lines still by town first.
    let county = world
        .policy
        .edit(|p| p.quota_scope = QuotaScope::County)
        .unwrap();
    let input = QuarterInput {
        policy: &county,
        ..world.input()
    };
    let out = compute_quarter(&input).unwrap();
    let first: Vec<(&str, u32, u32)> = out
        .lines
        .iter()
        .map(|l| (l.cadre_id.as_str(), l.rank, l.group_size))
        .collect();
    assert_eq!(first[5], ("C14", 1, 10));
    assert_eq!(first[10], ("C4", 6, 10));
    let excellent: Vec<&str> = out
        .lines
        .iter()
        .filter(|l| l.grade == Grade::Excellent)
        .map(|l| l.cadre_id.as_str())
        .collect();
    assert_eq!(excellent, ["C9", "C14", "C13"]);
}

/// `compute_lines` gives `compute_quarter`'s lines without a ledger, and the lines built in
/// parallel stretches are those built on one thread, whatever the number of threads.
#[test]
fn lines_only_match_the_settled_lines() {
    let roster: Vec<Cadre> = (0..21)
        .map(|n| {
            let town = ["T3", "T1", "T2"][n % 3];
            let seq = ["正职", "委员"][n % 2];
            cadre(
                &format!("C{n}"),
                town,
                &format!("V{town}{}", n % 4),
                seq,
                "1000",
            )
        })
        .collect();
    let world = World::new(roster, by_number);
    let full = compute_quarter(&world.input()).unwrap();
    let lines = crate::compute_lines(&world.input()).unwrap();
    assert_eq!(lines.lines, full.lines);
    assert!(lines.ledger.is_empty());
    let id = full.lines[4].cadre_id.clone();
    let x = lines.explain(&id).unwrap();
    assert_eq!(x.line, &full.lines[4]);
    assert!(x.ledger.is_empty());
    assert!(!full.explain(&id).unwrap().ledger.is_empty());
    let review = crate::dismissal_reviews(&full.input, &full.scores, &full.grading).unwrap();
    for threads in [1, 2, 3, 7, 21, 40] {
        let built = crate::lines_only(
            &full.input,
            &full.scores,
            &full.grading,
            &review,
            &full.line_cadre,
            threads,
        );
        assert_eq!(built, full.lines, "{threads} threads");
    }
    assert_eq!(crate::line_threads(crate::PARALLEL_LINES - 1), 1);
    // Built part by part, the lines are the same, in the same order, whatever the part.
    let unbuilt = crate::compute_without_lines(&world.input()).unwrap();
    assert!(unbuilt.lines.is_empty());
    assert_eq!(unbuilt.line_count(), full.lines.len());
    for part in [0, 1, 2, 5, 20, 21, 100] {
        let mut parts = Vec::new();
        let mut sizes = Vec::new();
        unbuilt
            .lines_in_parts(part, |p| {
                sizes.push(p.len());
                parts.extend_from_slice(p);
                Ok::<(), ()>(())
            })
            .unwrap();
        assert_eq!(parts, full.lines, "parts of {part}");
        assert!(sizes.iter().all(|&n| n <= part.max(1)), "parts of {part}");
    }
    let mut calls = 0;
    let stopped = unbuilt.lines_in_parts(4, |_| {
        calls += 1;
        Err("stop")
    });
    assert_eq!((stopped, calls), (Err("stop"), 1));
}

#[test]
fn quarter_dismissal_review_and_explain() {
    // Five cadres of one group; C0 gets public 0 and a media exposure: 90 − 10 = 80 … make
    // C0 unqualified by a heavy deduction.
    let roster: Vec<Cadre> = (0..5)
        .map(|n| cadre(&format!("C{n}"), "T", "V", "S", "1406.08"))
        .collect();
    let mut world = World::new(roster, by_number);
    world.events = (0..4)
        .map(|k| Event {
            id: kaohe_domain::EventId::parse(&format!("e{k}")).unwrap(),
            date: Date::parse("2026-08-01").unwrap(),
            subject: Subject::parse("C0").unwrap(),
            kind: kaohe_domain::EventKind::parse("commendation").unwrap(),
            level: Some(kaohe_domain::Level::National),
            note: String::new(),
        })
        .collect();
    // Turn the commendations into a deduction kind for C0 by a custom event table.
    world.policy = world
        .policy
        .edit(|pol| {
            pol.events[2].points = kaohe_domain::EventPoints::Levels(
                kaohe_domain::Level::ALL
                    .into_iter()
                    .map(|l| (l, p("-10")))
                    .collect(),
            );
        })
        .unwrap();
    world.history = vec![
        appraisal("C0", "2026Q1", Grade::Unqualified),
        appraisal("C1", "2026Q2", Grade::Unqualified),
    ];
    let out = compute_quarter(&world.input()).unwrap();
    let c0 = out
        .lines
        .iter()
        .find(|l| l.cadre_id.as_str() == "C0")
        .unwrap();
    assert_eq!(c0.total, p("50"));
    assert_eq!(c0.deduction, p("40"));
    assert_eq!(c0.grade, Grade::Unqualified);
    assert_eq!(c0.flags.to_string(), "admonish;dismissal_review");
    assert_eq!(c0.adjustment, m("-1349.83"));

    let id = CadreId::parse("C3").unwrap();
    let x = out.explain(&id).unwrap();
    assert_eq!(x.line.cadre_id, id);
    assert_eq!(x.placement.rank, 2);
    assert_eq!(x.above.as_ref().unwrap().cadre_id.as_str(), "C4");
    assert_eq!(x.placement.above, Separation::Total);
    assert_eq!(x.below.as_ref().unwrap().cadre_id.as_str(), "C2");
    assert_eq!(x.group.quota, 1);
    assert_eq!(x.placement.reason, Reason::PastQuota);
    assert_eq!(x.items.len(), 25);
    let sum: Points = x.sections.iter().map(|s| s.1).sum();
    assert_eq!(sum, x.line.base_score);
    assert_eq!(x.money.total_paid, x.line.total_paid);
    assert_eq!(x.rank_keys[0].0.as_str(), "public");
    assert_eq!(x.rank_keys[0].1, p("1.5"));
    assert_eq!(
        x.ledger.iter().map(|e| e.amount).sum::<Money>(),
        x.line.total_paid
    );
    let x0 = out.explain(&CadreId::parse("C0").unwrap()).unwrap();
    assert_eq!(x0.events.len(), 4);
    assert_eq!(x0.earlier_appraisals.len(), 1);
    assert!(out.explain(&CadreId::parse("NOBODY").unwrap()).is_none());
}

#[test]
fn quarter_errors_name_rule_and_input() {
    let roster: Vec<Cadre> = (0..3)
        .map(|n| cadre(&format!("C{n}"), "T", "V", "S", "1000"))
        .collect();
    let mut world = World::new(roster, by_number);
    world
        .scores
        .retain(|s| !(s.subject.as_str() == "V" && s.item.as_str() == "collective.economy"));
    let err = compute_quarter(&world.input()).unwrap_err();
    let EngineError::Input(p) = &err else {
        panic!("{err}")
    };
    assert_eq!(p.problems.len(), 1, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("Art.7") && text.contains("collective.economy") && text.contains("`V`"),
        "{text}"
    );
    let zero = QuarterInput {
        missing_as_zero: true,
        ..world.input()
    };
    let out = compute_quarter(&zero).unwrap();
    assert!(out.lines.iter().all(|l| l.base_score == l.total));

    // An invalid policy cannot reach the engine: it is refused where it is made (Art.11).
    assert!(
        world
            .policy
            .edit(|p| p.base_share = Decimal::from(2))
            .is_err()
    );

    world.history = vec![
        appraisal("C0", "2026Q2", Grade::Unqualified),
        appraisal("C0", "2026Q2", Grade::Excellent),
    ];
    // Nobody is unqualified: the history is not looked at.
    assert!(
        compute_quarter(&QuarterInput {
            missing_as_zero: true,
            ..world.input()
        })
        .is_ok()
    );
}
