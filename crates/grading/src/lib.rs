//! Art.10 of the regulation: quota groups, ranking, the excellence quota and the three grades
//! (优秀 / 合格 / 不合格), exactly as SPEC 3.3 reads it.
//!
//! [`grade`] takes one [`Entrant`] per assessed cadre (its total and the subtotals of the
//! policy's `rank_keys` sections, from `kaohe-scoring`) and gives every cadre its quota group,
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
//!   quota (the invariant of SPEC 3.3).
//! - **Sort indices, not structs.** Totals and keys are turned into `i64` hundredths once
//!   (exact: points have at most two decimals) and one flat array of small records is sorted.
//!
//! **Architecture invariant:** no IO; depends on `kaohe-domain` alone (plus a hasher). It does
//! not know how totals were scored nor what grades pay.

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

/// What set a cadre's rank apart from the cadre ranked just above it (SPEC 3.3 ranking).
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

/// Why a cadre got its grade (Art.10, SPEC 3.3).
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

/// A quota group (同一序列, SPEC 3.3) and how its quota was used.
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

/// Art.10 / SPEC 3.3: the excellence quota of a group of `n` assessed cadres,
/// `floor(n × ratio)`, in exact decimals ("at most 20%": never rounded up).
pub fn quota(n: u32, ratio: Decimal) -> u32 {
    let q = (Decimal::from(n) * ratio).floor().normalize();
    if q.is_sign_negative() {
        return 0;
    }
    u32::try_from(q.mantissa()).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy)]
struct Rec {
    group: u32,
    total: i64,
    idx: u32,
}

/// Art.10 / SPEC 3.3: ranks every entrant within its quota group and grades it.
///
/// Quota groups are (town, sequence), or (sequence) under `quota_scope = "county"`. Within a
/// group the order is `total` desc, then each `rank_keys` subtotal desc, then `cadre_id`
/// asc; `rank` is the 1-based position. Excellent: among cadres with
/// `total ≥ excellent_min_score`, the first `quota` in rank order, less, under
/// `tie_break = "exclude"`, those tied on `total` with the first candidate past the quota.
/// Unqualified: `total < qualified_min_score`. Qualified: everyone else.
///
/// The policy must be valid (`Policy::validate`); entrant ids must be unique and each
/// `rank_keys` slice as long as `policy.rank_keys`.
pub fn grade(policy: &Policy, entrants: &[Entrant<'_>]) -> Grading {
    let nk = policy.rank_keys.len();
    let county = policy.quota_scope == QuotaScope::County;

    // Groups, interned; a cache on the shared text of consecutive entrants skips hashing.
    let mut group_of: HashMap<(&str, &str), u32, FixedState> = HashMap::default();
    let mut group_keys: Vec<(&str, &str, usize)> = Vec::new();
    let mut recs = Vec::with_capacity(entrants.len());
    let mut keys = Vec::with_capacity(entrants.len() * nk);
    // A small cache keyed by the addresses of the shared town and sequence text.
    let mut cache = [([0usize; 4], 0u32); 16];
    for (i, e) in entrants.iter().enumerate() {
        debug_assert_eq!(e.rank_keys.len(), nk, "one subtotal per rank key");
        let town = if county { "" } else { e.town.as_str() };
        let seq = e.sequence.as_str();
        let addr = [
            town.as_ptr() as usize,
            town.len(),
            seq.as_ptr() as usize,
            seq.len(),
        ];
        let slot = ((addr[0] >> 4) ^ (addr[2] >> 4) ^ (addr[2] >> 9)) & 15;
        let g = if cache[slot].0 == addr && !seq.is_empty() {
            cache[slot].1
        } else {
            let next = group_keys.len() as u32;
            let g = *group_of.entry((town, seq)).or_insert_with(|| {
                group_keys.push((town, seq, i));
                next
            });
            cache[slot] = (addr, g);
            g
        };
        recs.push(Rec {
            group: g,
            total: e.total.hundredths(),
            idx: i as u32,
        });
        keys.extend(e.rank_keys.iter().map(|k| k.hundredths()));
    }

    // Canonical group numbers: by (town, sequence) bytes.
    let mut by_name: Vec<u32> = (0..group_keys.len() as u32).collect();
    by_name.sort_unstable_by(|&a, &b| {
        let (x, y) = (group_keys[a as usize], group_keys[b as usize]);
        (x.0, x.1).cmp(&(y.0, y.1))
    });
    let mut renumber = vec![0u32; group_keys.len()];
    for (new, &old) in by_name.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    for r in &mut recs {
        r.group = renumber[r.group as usize];
    }

    let key_row = |i: u32| &keys[i as usize * nk..(i as usize + 1) * nk];
    let separation = |a: &Rec, b: &Rec| -> (Ordering, Separation) {
        // How `b` compares to `a` in rank order, and what decided it.
        let o = b.total.cmp(&a.total);
        if o != Ordering::Equal {
            return (o, Separation::Total);
        }
        for (k, (x, y)) in key_row(a.idx).iter().zip(key_row(b.idx)).enumerate() {
            let o = y.cmp(x);
            if o != Ordering::Equal {
                return (o, Separation::RankKey(k));
            }
        }
        let o = entrants[a.idx as usize]
            .cadre_id
            .as_str()
            .as_bytes()
            .cmp(entrants[b.idx as usize].cadre_id.as_str().as_bytes());
        (o, Separation::CadreId)
    };
    // Bucket by group (counting sort), then sort each group on its own: groups are small,
    // so each sort runs in cache.
    let n_groups = by_name.len();
    let mut bucket_start = vec![0usize; n_groups + 1];
    for r in &recs {
        bucket_start[r.group as usize + 1] += 1;
    }
    for g in 0..n_groups {
        bucket_start[g + 1] += bucket_start[g];
    }
    let mut fill = bucket_start.clone();
    let mut bucketed = vec![
        Rec {
            group: 0,
            total: 0,
            idx: 0
        };
        recs.len()
    ];
    for r in recs {
        bucketed[fill[r.group as usize]] = r;
        fill[r.group as usize] += 1;
    }
    let mut recs = bucketed;
    for g in 0..n_groups {
        recs[bucket_start[g]..bucket_start[g + 1]].sort_unstable_by(|a, b| separation(a, b).0);
    }

    let emin = policy.excellent_min_score.hundredths();
    let qmin = policy.qualified_min_score.hundredths();
    let exclude = policy.tie_break == TieBreak::Exclude;
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
    let mut groups = Vec::with_capacity(by_name.len());
    let mut start = 0usize;
    for (g, &old) in by_name.iter().enumerate() {
        let end = bucket_start[g + 1];
        let members = &recs[start..end];
        let n = members.len() as u32;
        let q = quota(n, policy.excellent_ratio);
        let candidates = members.iter().take_while(|r| r.total >= emin).count() as u32;
        let mut excellent = candidates.min(q);
        if exclude && candidates > q {
            let edge = members[q as usize].total;
            excellent = members[..q as usize]
                .iter()
                .take_while(|r| r.total != edge)
                .count() as u32;
        }
        let mut unqualified = 0;
        for (pos, r) in members.iter().enumerate() {
            let pos = pos as u32;
            let (grade, reason) = if r.total < qmin {
                unqualified += 1;
                (Grade::Unqualified, Reason::BelowQualifiedMin)
            } else if r.total < emin {
                (Grade::Qualified, Reason::BelowExcellentMin)
            } else if pos < excellent {
                (Grade::Excellent, Reason::WithinQuota)
            } else if pos < q {
                (Grade::Qualified, Reason::ExcludedTie)
            } else {
                (Grade::Qualified, Reason::PastQuota)
            };
            let above = if pos == 0 {
                Separation::Top
            } else {
                separation(&members[pos as usize - 1], r).1
            };
            placements[r.idx as usize] = Placement {
                group: g as u32,
                rank: pos + 1,
                grade,
                reason,
                above,
            };
        }
        let (_, seq, first) = group_keys[old as usize];
        let e = &entrants[first];
        groups.push(Group {
            town: (!county).then(|| e.town.clone()),
            sequence: e.sequence.clone(),
            size: n,
            quota: q,
            candidates,
            excellent,
            excluded_ties: q.min(candidates) - excellent,
            unqualified,
            start: start as u32,
        });
        debug_assert_eq!(seq, e.sequence.as_str());
        start = end;
    }
    let order = recs.iter().map(|r| r.idx).collect();
    Grading {
        placements,
        groups,
        order,
    }
}
