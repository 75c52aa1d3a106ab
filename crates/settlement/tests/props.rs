//! Invariants of Art.7–11 over random counties and policies. Each check recomputes what it
//! asserts from the input by its own route (no expected value comes from the engine).

use std::collections::{BTreeMap, BTreeSet};

use kaohe_domain::{
    Decimal, EntryKind, Flag, Grade, LedgerEntry, Money, QuotaScope, SettlementLine, TieBreak,
};
use kaohe_settlement::{QuarterInput, QuarterOutcome, compute_quarter, revise};
use proptest::prelude::*;

use crate::county::{County, Knobs, Rng, county, quarter};

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        (any::<u64>(), 1usize..40, 1usize..8, 1usize..4),
        (
            prop::sample::select(vec![0u32, 10, 15, 20]),
            any::<bool>(),
            any::<bool>(),
            0usize..4,
        ),
        (60u32..=100, 0u32..=30, 30u32..=50, 30u32..=50),
        (
            prop::sample::select(vec![20u32, 20, 10, 25, 100]),
            1u32..=3,
            0usize..8,
        ),
    )
        .prop_map(
            |(
                (seed, cadres, villages, towns),
                (ratio_percent, county, exclude, rank_keys),
                (excellent_min, qualified_gap, bonus_rate, deduction_rate),
                (base_share_percent, k, events),
            )| Knobs {
                seed,
                cadres,
                villages,
                towns,
                ratio_percent,
                county,
                exclude,
                rank_keys,
                excellent_min,
                qualified_gap,
                bonus_rate,
                deduction_rate,
                base_share_percent,
                k,
                events,
            },
        )
}

/// The quota group of a line as docs/rules.md Art.10 defines it.
fn group_of(c: &County, l: &SettlementLine) -> (String, String) {
    let town = match c.policy.quota_scope {
        QuotaScope::Town => l.town.to_string(),
        QuotaScope::County => String::new(),
    };
    (town, l.sequence.to_string())
}

fn groups<'l>(
    c: &County,
    lines: &'l [SettlementLine],
) -> BTreeMap<(String, String), Vec<&'l SettlementLine>> {
    let mut g: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for l in lines {
        g.entry(group_of(c, l)).or_default().push(l);
    }
    for v in g.values_mut() {
        v.sort_by_key(|l| l.rank);
    }
    g
}

/// Every invariant of one computed quarter.
fn check(c: &County, out: &QuarterOutcome<'_>) -> Result<(), TestCaseError> {
    let p = &c.policy;
    let q = quarter();

    // Every assessed cadre exactly one line; nobody else.
    let assessed: BTreeSet<&str> = c
        .roster
        .iter()
        .filter(|x| x.assessed_in(q))
        .map(|x| x.id.as_str())
        .collect();
    let lined: Vec<&str> = out.lines.iter().map(|l| l.cadre_id.as_str()).collect();
    let lined_set: BTreeSet<&str> = lined.iter().copied().collect();
    prop_assert_eq!(lined.len(), lined_set.len(), "a cadre has two lines");
    prop_assert_eq!(&lined_set, &assessed);

    // docs/reference.md, settlement report order: town, sequence, rank.
    for w in out.lines.windows(2) {
        let a = (w[0].town.as_str(), w[0].sequence.as_str(), w[0].rank);
        let b = (w[1].town.as_str(), w[1].sequence.as_str(), w[1].rank);
        prop_assert!(a < b, "lines out of order: {:?} then {:?}", a, b);
    }

    // Art.10 per group.
    for (key, members) in groups(c, &out.lines) {
        let n = members.len() as u32;
        let quota = (Decimal::from(n) * p.excellent_ratio).floor();
        prop_assert!(
            members.iter().all(|l| l.group_size == n),
            "group {key:?} size"
        );
        prop_assert!(members.iter().all(|l| Decimal::from(l.quota) == quota));
        let excellent = members
            .iter()
            .filter(|l| l.grade == Grade::Excellent)
            .count();
        prop_assert!(
            Decimal::from(excellent as u32) <= quota,
            "group {key:?} over quota"
        );
        prop_assert_eq!(
            members.iter().map(|l| l.rank).collect::<Vec<_>>(),
            (1..=n).collect::<Vec<_>>()
        );
        // Rank order is the total order: total, rank keys, id.
        for w in members.windows(2) {
            let (a, b) = (w[0], w[1]);
            let ka: Vec<_> = out.explain(&a.cadre_id).unwrap().rank_keys;
            let kb: Vec<_> = out.explain(&b.cadre_id).unwrap().rank_keys;
            let ka: Vec<_> = ka.iter().map(|x| std::cmp::Reverse(x.1)).collect();
            let kb: Vec<_> = kb.iter().map(|x| std::cmp::Reverse(x.1)).collect();
            let ordered = (
                std::cmp::Reverse(a.total),
                ka,
                a.cadre_id.as_str().as_bytes(),
            ) < (
                std::cmp::Reverse(b.total),
                kb,
                b.cadre_id.as_str().as_bytes(),
            );
            prop_assert!(ordered, "{} ranked before {}", a.cadre_id, b.cadre_id);
        }
        // Keys: excellent is exactly the first min(quota, candidates) in rank order.
        if p.tie_break == TieBreak::Keys {
            let candidates = members
                .iter()
                .filter(|l| l.total >= p.excellent_min_score)
                .count();
            let want = candidates.min(quota.to_string().parse::<usize>().unwrap());
            for (i, l) in members.iter().enumerate() {
                prop_assert_eq!(l.grade == Grade::Excellent, i < want);
            }
        }
    }

    for l in &out.lines {
        // Grades against the thresholds.
        prop_assert_eq!(
            l.grade == Grade::Unqualified,
            l.total < p.qualified_min_score,
            "{}",
            l.cadre_id
        );
        if l.grade == Grade::Excellent {
            prop_assert!(l.total >= p.excellent_min_score);
        }
        prop_assert_eq!(l.total, l.base_score + l.bonus - l.deduction);

        // Art.11 money, by its own route: T over the product of the month lengths.
        let cadre = c.roster.iter().find(|x| x.id == l.cadre_id).unwrap();
        let months = q.months();
        let days = months.map(|m| i64::from(cadre.days_in_office(m)));
        let dims = months.map(|m| i64::from(m.days()));
        let weight =
            days[0] * dims[1] * dims[2] + days[1] * dims[0] * dims[2] + days[2] * dims[0] * dims[1];
        let m = cadre.monthly_subsidy.to_decimal();
        let t = Money::round_ratio(
            m * Decimal::from(weight),
            (dims[0] * dims[1] * dims[2]) as u32,
        );
        prop_assert_eq!(l.standard, t);
        let base: Money = (0..3)
            .map(|i| Money::round_ratio(m * Decimal::from(days[i]) * p.base_share, dims[i] as u32))
            .sum();
        prop_assert_eq!(l.base_paid, base);
        prop_assert_eq!(l.base_paid + l.performance_standard, l.standard);
        // |P − (1 − base_share)·T| ≤ base_share·0.005 + 3·0.005.
        let gap = (l.performance_standard.to_decimal()
            - (Decimal::ONE - p.base_share) * l.standard.to_decimal())
        .abs();
        prop_assert!(
            gap <= p.base_share * Decimal::new(5, 3) + Decimal::new(15, 3),
            "P {} vs T {}",
            l.performance_standard,
            l.standard
        );
        let pd = l.performance_standard.to_decimal();
        let adj = match l.grade {
            Grade::Excellent => Money::round(pd * p.excellent_bonus_rate),
            Grade::Qualified => Money::ZERO,
            Grade::Unqualified => -Money::round(pd * p.unqualified_deduction_rate),
        };
        prop_assert_eq!(l.adjustment, adj);
        prop_assert_eq!(l.performance_paid, l.performance_standard + l.adjustment);
        prop_assert_eq!(l.total_paid, l.base_paid + l.performance_paid);

        // Flags.
        prop_assert_eq!(
            l.flags.contains(Flag::Recommend),
            l.grade == Grade::Excellent
        );
        prop_assert_eq!(
            l.flags.contains(Flag::Admonish),
            l.grade == Grade::Unqualified
        );
        let mut earlier: Vec<_> = c
            .history
            .iter()
            .filter(|a| a.cadre_id == l.cadre_id && a.quarter < q)
            .collect();
        earlier.sort_by_key(|a| std::cmp::Reverse(a.quarter));
        let need = p.consecutive_unqualified_for_dismissal as usize - 1;
        let chain = earlier.len() >= need
            && earlier[..need]
                .iter()
                .all(|a| a.grade == Grade::Unqualified);
        prop_assert_eq!(
            l.flags.contains(Flag::DismissalReview),
            l.grade == Grade::Unqualified && chain
        );

        // Ledger of the cadre.
        let entries: Vec<&LedgerEntry> = out
            .ledger
            .iter()
            .filter(|e| e.cadre_id == l.cadre_id)
            .collect();
        prop_assert_eq!(
            entries.iter().map(|e| e.amount).sum::<Money>(),
            l.total_paid
        );
        let base_months = entries.iter().filter(|e| e.kind == EntryKind::Base).count();
        prop_assert_eq!(base_months, days.iter().filter(|&&d| d > 0).count());
        prop_assert!(
            entries
                .iter()
                .all(|e| e.article() == "Art.11" && e.revision == 1)
        );
    }
    prop_assert_eq!(
        out.ledger.iter().map(|e| e.entry).collect::<Vec<_>>(),
        (1..=out.ledger.len() as u32).collect::<Vec<_>>()
    );
    Ok(())
}

/// Per cadre, the sum of the four settlement kinds; zero sums left out.
fn sums<'e>(entries: impl Iterator<Item = &'e LedgerEntry>) -> BTreeMap<String, Money> {
    let mut out: BTreeMap<String, Money> = BTreeMap::new();
    for e in entries.filter(|e| e.kind.is_settlement()) {
        *out.entry(e.cadre_id.to_string()).or_default() += e.amount;
    }
    out.retain(|_, v| !v.is_zero());
    out
}

/// A later state of the county: some cadres gone (with their scores and events), other
/// scores and rates changed.
fn revised(c: &County, seed: u64) -> County {
    let mut rng = Rng(seed);
    let mut n = c.clone();
    n.roster.retain(|_| !rng.chance(20));
    let cadres: BTreeSet<String> = n.roster.iter().map(|x| x.id.to_string()).collect();
    let villages: BTreeSet<String> = n.roster.iter().map(|x| x.village.to_string()).collect();
    let known = |s: &str| cadres.contains(s) || villages.contains(s);
    n.scores.retain(|s| known(s.subject.as_str()));
    n.events.retain(|e| known(e.subject.as_str()));
    for s in &mut n.scores {
        if rng.chance(10) {
            s.points = kaohe_domain::Points::ZERO;
        }
    }
    n.policy = n
        .policy
        .edit(|p| {
            p.excellent_bonus_rate = Decimal::new(30 + rng.below(21) as i64, 2);
            p.excellent_ratio = Decimal::new(rng.below(21) as i64, 2);
        })
        .unwrap();
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn invariants_of_a_quarter(k in knobs()) {
        let c = county(&k);
        let out = compute_quarter(&c.input()).unwrap();
        check(&c, &out)?;
    }

    /// The compact grid (as a reader or a store gives it) computes exactly what the score
    /// rows compute: lines, ledger, and every item's points for `explain`.
    #[test]
    fn the_grid_computes_what_the_rows_compute(k in knobs(), shuffle in any::<u64>()) {
        let c = county(&k).shuffled(shuffle);
        let grid = c.grid();
        let rows = compute_quarter(&c.input()).unwrap();
        let by_grid = compute_quarter(&QuarterInput { scores: (&grid).into(), ..c.input() })
            .unwrap();
        prop_assert_eq!(&rows.lines, &by_grid.lines);
        prop_assert_eq!(&rows.ledger, &by_grid.ledger);
        let (a, b) = (rows.scorecards(), by_grid.scorecards());
        for i in 0..a.len() {
            prop_assert!(a.items(i).eq(b.items(i)));
            prop_assert!(a.section_subtotals(i).eq(b.section_subtotals(i)));
        }
    }

    #[test]
    fn input_order_changes_nothing(k in knobs(), shuffle in any::<u64>()) {
        let c = county(&k);
        let s = c.shuffled(shuffle);
        let a = compute_quarter(&c.input()).unwrap();
        let b = compute_quarter(&s.input()).unwrap();
        prop_assert_eq!(&a.lines, &b.lines);
        prop_assert_eq!(&a.ledger, &b.ledger);
    }

    #[test]
    fn exclude_never_gives_more_excellent_than_keys(k in knobs()) {
        let mut with_keys = county(&k);
        with_keys.policy = with_keys.policy.edit(|p| p.tie_break = TieBreak::Keys).unwrap();
        let mut with_exclude = with_keys.clone();
        with_exclude.policy = with_keys.policy.edit(|p| p.tie_break = TieBreak::Exclude).unwrap();
        let keys = compute_quarter(&with_keys.input()).unwrap();
        let exclude = compute_quarter(&with_exclude.input()).unwrap();
        check(&with_exclude, &exclude)?;
        let excellent = |out: &QuarterOutcome<'_>| -> BTreeSet<String> {
            out.lines
                .iter()
                .filter(|l| l.grade == Grade::Excellent)
                .map(|l| l.cadre_id.to_string())
                .collect()
        };
        let (ek, ee) = (excellent(&keys), excellent(&exclude));
        prop_assert!(ee.is_subset(&ek), "exclude {:?} vs keys {:?}", ee, ek);
        // Ranks never change with the tie rule.
        let ranks = |out: &QuarterOutcome<'_>| -> Vec<(String, u32)> {
            out.lines.iter().map(|l| (l.cadre_id.to_string(), l.rank)).collect()
        };
        prop_assert_eq!(ranks(&keys), ranks(&exclude));
    }

    #[test]
    fn revise_brings_the_ledger_to_the_new_totals(k in knobs(), seed in any::<u64>()) {
        let old_county = county(&k);
        let old = compute_quarter(&old_county.input()).unwrap();
        let new_county = revised(&old_county, seed);
        let new = compute_quarter(&new_county.input()).unwrap();
        let next = old.ledger.len() as u32 + 1;
        let fix = revise(&old.ledger, &new.ledger, 2, next);
        prop_assert!(fix.iter().all(|e| e.revision == 2 && !e.amount.is_zero()));
        prop_assert_eq!(
            fix.iter().map(|e| e.entry).collect::<Vec<_>>(),
            (next..next + fix.len() as u32).collect::<Vec<_>>()
        );
        let mut all = old.ledger.clone();
        all.extend(fix);
        let want: BTreeMap<String, Money> = new
            .lines
            .iter()
            .filter(|l| !l.total_paid.is_zero())
            .map(|l| (l.cadre_id.to_string(), l.total_paid))
            .collect();
        prop_assert_eq!(sums(all.iter()), want);
        // Per cadre, kind and month too: nothing left to correct.
        prop_assert!(revise(&all, &new.ledger, 3, 1).is_empty());
    }
}
