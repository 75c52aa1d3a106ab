//! Art.10 of the regulation: quota groups, ranking, the excellence quota and the three grades
//! (优秀 / 合格 / 不合格), exactly as docs/rules.md Art.10 reads it.
//!
//! [`grade`] takes one [`Entrant`] per assessed cadre (its total and the subtotals of the
//! policy's `rank_keys` sections, from `kaohe-scoring`), or [`grade_entrants`] the same
//! figures read on demand through [`Entrants`] (a national quarter's scorecards are not
//! copied into two million records), and gives every cadre its quota group,
//! rank and grade, with the reason for the grade and how its rank was decided against the
//! cadre ranked just above ([`Separation`]), so that `explain` can say why.
//!
//! Design decisions:
//!
//! - **One total order.** Within a group: `total` descending, then each `rank_keys` subtotal
//!   descending, then `cadre_id` ascending by bytes. Cadre ids are unique, so the order is
//!   total and ranks are unique; the result cannot depend on the order of the input.
//! - **The quota never rounds up.** `quota = floor(n × excellent_ratio)` in exact decimals:
//!   a group of 4 at 20% has no excellent slot ([`quota`]).
//! - **Candidates are a prefix.** Since the order is by total first, the cadres with
//!   `total ≥ excellent_min_score` are the first ones of the group; the `keys` rule takes the
//!   first `quota` of them, the `exclude` rule then drops those tied on `total` with the first
//!   one left out, leaving their slots empty. Either way the excellent count is at most the
//!   quota (the invariant of docs/rules.md Art.10).
//! - **Sort indices, not structs.** Totals and keys are turned into `i64` hundredths once
//!   (exact: points have at most two decimals) and one flat array of small records is sorted.
//!
//! **Architecture invariant:** no IO; depends on `kaohe-domain` alone (plus a hasher). It does
//! not know how totals were scored nor what grades pay.
//!
//! # Example
//!
//! The quota of a group (Art.10) never rounds up:
//!
//! ```
//! use kaohe_domain::Decimal;
//! use kaohe_grading::quota;
//!
//! let twenty_percent = Decimal::new(20, 2);
//! assert_eq!(quota(27, twenty_percent), 5); // 5.4
//! assert_eq!(quota(5, twenty_percent), 1);
//! assert_eq!(quota(4, twenty_percent), 0); // 0.8: no excellent slot
//! ```

mod commend;
#[cfg(test)]
mod tests;

pub use commend::{Nominee, Standing, commendation};

use std::cmp::Ordering;
use std::collections::HashMap;

use foldhash::fast::FixedState;
use kaohe_domain::{
    CadreId, Decimal, Grade, Points, Policy, QuotaScope, Sequence, TieBreak, TownCode,
};

/// One assessed cadre as Art.10 sees it.
#[derive(Debug, Clone, Copy)]
pub struct Entrant<'a> {
    /// The cadre; the last tie-break (byte order). Unique among the entrants.
    pub cadre_id: &'a CadreId,
    /// The town; part of the quota group under `quota_scope = "town"`.
    pub town: &'a TownCode,
    /// The sequence (同一序列), the quota group label.
    pub sequence: &'a Sequence,
    /// Art.9 total.
    pub total: Points,
    /// The subtotals of the policy's `rank_keys` sections, in `rank_keys` order.
    pub rank_keys: &'a [Points],
}

/// The entrants of Art.10, numbered `0..len()`, as [`grade_entrants`] reads them: a slice
/// of [`Entrant`] records, or a caller's own columns read on demand (a national quarter's
/// scorecards, whose two million entrants are then never copied into records).
pub trait Entrants {
    /// The number of entrants.
    fn len(&self) -> usize;
    /// Whether there is no entrant.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Entrant `i`'s cadre: the last tie-break (byte order). Unique among the entrants.
    fn cadre_id(&self, i: usize) -> &CadreId;
    /// Entrant `i`'s town; part of the quota group under `quota_scope = "town"`.
    fn town(&self, i: usize) -> &TownCode;
    /// Entrant `i`'s sequence (同一序列), the quota group label.
    fn sequence(&self, i: usize) -> &Sequence;
    /// Entrant `i`'s Art.9 total.
    fn total(&self, i: usize) -> Points;
    /// Entrant `i`'s subtotal of the `k`-th of the policy's `rank_keys` sections.
    fn rank_key(&self, i: usize, k: usize) -> Points;
}

impl Entrants for [Entrant<'_>] {
    fn len(&self) -> usize {
        <[Entrant<'_>]>::len(self)
    }
    fn cadre_id(&self, i: usize) -> &CadreId {
        self[i].cadre_id
    }
    fn town(&self, i: usize) -> &TownCode {
        self[i].town
    }
    fn sequence(&self, i: usize) -> &Sequence {
        self[i].sequence
    }
    fn total(&self, i: usize) -> Points {
        self[i].total
    }
    fn rank_key(&self, i: usize, k: usize) -> Points {
        self[i].rank_keys[k]
    }
}

/// What set a cadre's rank apart from the cadre ranked just above it (docs/rules.md Art.10 ranking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Separation {
    /// Rank 1: no one above.
    Top,
    /// A lower `total`.
    Total,
    /// Equal totals; a lower subtotal of the `rank_keys` section at this index (into
    /// `policy.rank_keys`), the earlier keys being equal.
    RankKey(usize),
    /// Equal on total and every rank key; a greater `cadre_id` by bytes.
    CadreId,
}

/// Why a cadre got its grade (Art.10, docs/rules.md Art.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// `total < qualified_min_score`: unqualified.
    BelowQualifiedMin,
    /// `qualified_min_score ≤ total < excellent_min_score`: qualified, not a candidate.
    BelowExcellentMin,
    /// A candidate within the first `quota` in rank order: excellent.
    WithinQuota,
    /// A candidate within the first `quota`, left out by `tie_break = "exclude"` for being
    /// tied on `total` with the first candidate past the quota: qualified, slot left empty.
    ExcludedTie,
    /// A candidate past the first `quota`: qualified.
    PastQuota,
}

/// One cadre's place (Art.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index into [`Grading::groups`].
    pub group: u32,
    /// 1-based, unique within the group.
    pub rank: u32,
    /// The grade.
    pub grade: Grade,
    /// Why this grade.
    pub reason: Reason,
    /// How the cadre was told apart from the one ranked just above.
    pub above: Separation,
}

/// A quota group (同一序列, docs/rules.md Art.10) and how its quota was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The town, under `quota_scope = "town"`; `None` for a county-wide group.
    pub town: Option<TownCode>,
    /// The sequence.
    pub sequence: Sequence,
    /// `n`: cadres of the group assessed in the quarter.
    pub size: u32,
    /// `floor(n × excellent_ratio)`.
    pub quota: u32,
    /// Cadres with `total ≥ excellent_min_score`.
    pub candidates: u32,
    /// Cadres graded excellent (≤ `quota`).
    pub excellent: u32,
    /// Candidates within the quota left out by `tie_break = "exclude"`.
    pub excluded_ties: u32,
    /// Cadres graded unqualified.
    pub unqualified: u32,
    start: u32,
}

/// The result of [`grade`]: a placement per entrant, the groups in order of (town, sequence)
/// by bytes, and each group's entrants in rank order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grading {
    placements: Vec<Placement>,
    groups: Vec<Group>,
    /// Entrant indices, by group then rank.
    order: Vec<u32>,
}

impl Grading {
    /// The placement of entrant `i` (index into the slice given to [`grade`]).
    pub fn placement(&self, i: usize) -> &Placement {
        &self.placements[i]
    }
    /// Every placement, in entrant order.
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }
    /// The quota groups, sorted by (town, sequence) by bytes.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }
    /// The entrants of group `g`, in rank order (rank 1 first).
    pub fn ranked(&self, g: usize) -> &[u32] {
        let start = self.groups[g].start as usize;
        &self.order[start..start + self.groups[g].size as usize]
    }
    /// Every entrant, by group (in [`Grading::groups`] order) then rank.
    pub fn order(&self) -> &[u32] {
        &self.order
    }
    /// The entrants ranked just above and just below entrant `i` in its group.
    pub fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let p = &self.placements[i];
        let ranked = self.ranked(p.group as usize);
        let at = p.rank as usize - 1;
        let above = at.checked_sub(1).map(|j| ranked[j] as usize);
        let below = ranked.get(at + 1).map(|&j| j as usize);
        (above, below)
    }
}

/// Art.10 / docs/rules.md Art.10: the excellence quota of a group of `n` assessed cadres,
/// `floor(n × ratio)`, in exact decimals ("at most 20%": never rounded up).
pub fn quota(n: u32, ratio: Decimal) -> u32 {
    let q = (Decimal::from(n) * ratio).floor().normalize();
    if q.is_sign_negative() {
        return 0;
    }
    u32::try_from(q.mantissa()).unwrap_or(u32::MAX)
}

/// An entrant as the ranking sees it: its total in hundredths and its index.
#[derive(Debug, Clone, Copy)]
struct Rec {
    total: i64,
    idx: u32,
}

/// The quota groups of Art.10 (同一序列): (town, sequence), or (sequence) alone under
/// `quota_scope = "county"`. Returns each entrant's group, numbered in (town, sequence) byte
/// order, and for each group the index of its first entrant (which names it).
fn quota_groups<E: Entrants + ?Sized>(county: bool, entrants: &E) -> (Vec<u32>, Vec<usize>) {
    let key = |i: usize| -> (&str, &str) {
        let town = if county {
            ""
        } else {
            entrants.town(i).as_str()
        };
        (town, entrants.sequence(i).as_str())
    };
    let mut seen: HashMap<(&str, &str), u32, FixedState> = HashMap::default();
    let mut firsts: Vec<usize> = Vec::new();
    let mut group_of: Vec<u32> = (0..entrants.len())
        .map(|i| {
            *seen.entry(key(i)).or_insert_with(|| {
                firsts.push(i);
                firsts.len() as u32 - 1
            })
        })
        .collect();
    // Canonical numbers: by (town, sequence) bytes, whatever the input order.
    let mut by_name: Vec<u32> = (0..firsts.len() as u32).collect();
    by_name.sort_unstable_by_key(|&g| key(firsts[g as usize]));
    let mut renumber = vec![0u32; firsts.len()];
    for (new, &old) in by_name.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    for g in &mut group_of {
        *g = renumber[*g as usize];
    }
    let firsts = by_name.iter().map(|&old| firsts[old as usize]).collect();
    (group_of, firsts)
}

/// The rank order of Art.10 between two entrants of one group: how `b` compares to `a`
/// (`Less` when `b` ranks first) and what decided it — `total` descending, then each of the
/// `keys` `rank_keys` subtotals descending, then `cadre_id` ascending by bytes.
fn compare<E: Entrants + ?Sized>(
    entrants: &E,
    keys: usize,
    a: &Rec,
    b: &Rec,
) -> (Ordering, Separation) {
    let o = b.total.cmp(&a.total);
    if o != Ordering::Equal {
        return (o, Separation::Total);
    }
    let (ia, ib) = (a.idx as usize, b.idx as usize);
    for k in 0..keys {
        let o = entrants.rank_key(ib, k).cmp(&entrants.rank_key(ia, k));
        if o != Ordering::Equal {
            return (o, Separation::RankKey(k));
        }
    }
    let o = entrants
        .cadre_id(ia)
        .as_str()
        .as_bytes()
        .cmp(entrants.cadre_id(ib).as_str().as_bytes());
    (o, Separation::CadreId)
}

/// Every entrant by group, then in rank order within its group, and where each group starts
/// (`starts[g]..starts[g + 1]`). A counting sort by group, then one small sort per group.
fn rank_order<E: Entrants + ?Sized>(
    entrants: &E,
    keys: usize,
    group_of: &[u32],
    n_groups: usize,
) -> (Vec<Rec>, Vec<usize>) {
    let mut starts = vec![0usize; n_groups + 1];
    for &g in group_of {
        starts[g as usize + 1] += 1;
    }
    for g in 0..n_groups {
        starts[g + 1] += starts[g];
    }
    let mut fill = starts.clone();
    let mut recs = vec![Rec { total: 0, idx: 0 }; entrants.len()];
    for (i, &g) in group_of.iter().enumerate() {
        recs[fill[g as usize]] = Rec {
            total: entrants.total(i).hundredths(),
            idx: i as u32,
        };
        fill[g as usize] += 1;
    }
    for g in 0..n_groups {
        recs[starts[g]..starts[g + 1]].sort_unstable_by(|a, b| compare(entrants, keys, a, b).0);
    }
    (recs, starts)
}

/// Art.10 within one group, its members in rank order: `quota = floor(n × excellent_ratio)`;
/// the candidates (`total ≥ excellent_min_score`) are a prefix of the order; the first
/// `quota` of them are excellent, less, under `tie_break = "exclude"`, those tied on `total`
/// with the first candidate past the quota (their slots stay empty). Below
/// `qualified_min_score`: unqualified. Everyone else: qualified. Returns each member's grade
/// and reason, in rank order, and the group's counts.
fn grade_group(policy: &Policy, members: &[Rec]) -> (Vec<(Grade, Reason)>, Counts) {
    let emin = policy.excellent_min_score.hundredths();
    let qmin = policy.qualified_min_score.hundredths();
    let quota = quota(members.len() as u32, policy.excellent_ratio);
    let candidates = members.iter().take_while(|r| r.total >= emin).count() as u32;
    let mut excellent = candidates.min(quota);
    if policy.tie_break == TieBreak::Exclude && candidates > quota {
        let edge = members[quota as usize].total;
        excellent = members[..quota as usize]
            .iter()
            .take_while(|r| r.total != edge)
            .count() as u32;
    }
    let grades: Vec<(Grade, Reason)> = (0u32..)
        .zip(members)
        .map(|(pos, r)| {
            if r.total < qmin {
                (Grade::Unqualified, Reason::BelowQualifiedMin)
            } else if r.total < emin {
                (Grade::Qualified, Reason::BelowExcellentMin)
            } else if pos < excellent {
                (Grade::Excellent, Reason::WithinQuota)
            } else if pos < quota {
                (Grade::Qualified, Reason::ExcludedTie)
            } else {
                (Grade::Qualified, Reason::PastQuota)
            }
        })
        .collect();
    let unqualified = grades
        .iter()
        .filter(|(g, _)| *g == Grade::Unqualified)
        .count() as u32;
    let counts = Counts {
        quota,
        candidates,
        excellent,
        unqualified,
    };
    (grades, counts)
}

/// What [`grade_group`] counts in a group.
#[derive(Debug, Clone, Copy)]
struct Counts {
    quota: u32,
    candidates: u32,
    excellent: u32,
    unqualified: u32,
}

/// Art.10 / docs/rules.md Art.10: ranks every entrant within its quota group and grades it.
///
/// Quota groups are (town, sequence), or (sequence) under `quota_scope = "county"`
/// (`quota_groups`). Within a group the order is `total` desc, then each `rank_keys`
/// subtotal desc, then `cadre_id` asc (`compare`); `rank` is the 1-based position. The
/// grades follow `grade_group`.
///
/// The policy is valid by construction ([`Policy`]); entrant ids must be unique and each
/// `rank_keys` slice as long as `policy.rank_keys`.
pub fn grade(policy: &Policy, entrants: &[Entrant<'_>]) -> Grading {
    debug_assert!(
        entrants
            .iter()
            .all(|e| e.rank_keys.len() == policy.rank_keys.len())
    );
    grade_entrants(policy, entrants)
}

/// Art.10: [`grade`] of entrants given as [`Entrants`] (read on demand, not copied into
/// records); entrant `i` is placed at [`Grading::placement`]`(i)`. Entrant ids must be
/// unique and every entrant must have a subtotal for each of `policy.rank_keys`.
pub fn grade_entrants<E: Entrants + ?Sized>(policy: &Policy, entrants: &E) -> Grading {
    let county = policy.quota_scope == QuotaScope::County;
    let (group_of, firsts) = quota_groups(county, entrants);
    let keys = policy.rank_keys.len();
    let (recs, starts) = rank_order(entrants, keys, &group_of, firsts.len());

    let mut placements = vec![
        Placement {
            group: 0,
            rank: 0,
            grade: Grade::Qualified,
            reason: Reason::BelowExcellentMin,
            above: Separation::Top,
        };
        entrants.len()
    ];
    let mut groups = Vec::with_capacity(firsts.len());
    for (g, &first) in firsts.iter().enumerate() {
        let members = &recs[starts[g]..starts[g + 1]];
        let (grades, counts) = grade_group(policy, members);
        for (pos, (r, (grade, reason))) in members.iter().zip(grades).enumerate() {
            let above = match pos {
                0 => Separation::Top,
                _ => compare(entrants, keys, &members[pos - 1], r).1,
            };
            placements[r.idx as usize] = Placement {
                group: g as u32,
                rank: pos as u32 + 1,
                grade,
                reason,
                above,
            };
        }
        groups.push(Group {
            town: (!county).then(|| entrants.town(first).clone()),
            sequence: entrants.sequence(first).clone(),
            size: members.len() as u32,
            quota: counts.quota,
            candidates: counts.candidates,
            excellent: counts.excellent,
            excluded_ties: counts.quota.min(counts.candidates) - counts.excellent,
            unqualified: counts.unqualified,
            start: starts[g] as u32,
        });
    }
    let order = recs.iter().map(|r| r.idx).collect();
    Grading {
        placements,
        groups,
        order,
    }
}
