//! Art.13: the yearly commendation candidates (表彰推荐), as this project reads the article.
//!
//! Every nominee was appraised in the same quarters of the year (those used), so means over
//! them compare as their sums do: the rule works on exact sums in hundredths and divides only
//! to show a mean.
//!
//! - Groups are Art.10's quota groups (the group key is the caller's: town and sequence, or
//!   sequence alone county-wide).
//! - In each group: `mean` descending, then the means of the `rank_keys` sections descending,
//!   in order, then the id; `rank` is the place from 1.
//! - The first `floor(n × commendation_ratio)` of a group of `n` whose mean is at least
//!   `excellent_min_score` are candidates.

use std::collections::BTreeMap;

use kaohe_domain::Decimal;

use crate::quota;

/// One cadre (or village) that may be commended: sums over the quarters used, in hundredths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nominee<K> {
    /// The group (Art.10's quota group).
    pub group: K,
    /// The id that breaks the last tie (cadre id or village code), by byte order.
    pub id: String,
    /// Σ of the quarterly totals.
    pub total_sum: i64,
    /// Σ of each `rank_keys` section's quarterly subtotals, in `rank_keys` order (empty for
    /// villages, ranked by their score alone).
    pub key_sums: Vec<i64>,
}

/// Where a nominee stands in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Place in the group, from 1.
    pub rank: u32,
    /// Nominees in the group.
    pub group_size: u32,
    /// `floor(group_size × commendation_ratio)`.
    pub quota: u32,
    /// Among the first `quota` and with a mean at least the minimum.
    pub candidate: bool,
}

/// The standing of every nominee, in the order given. `quarters` is how many quarters the
/// sums cover (≥ 1); `min_mean` is `excellent_min_score` in hundredths.
pub fn commendation<K: Ord>(
    nominees: &[Nominee<K>],
    quarters: u32,
    ratio: Decimal,
    min_mean: i64,
) -> Vec<Standing> {
    let mut groups: BTreeMap<&K, Vec<usize>> = BTreeMap::new();
    for (i, n) in nominees.iter().enumerate() {
        groups.entry(&n.group).or_default().push(i);
    }
    let mut out = vec![
        Standing {
            rank: 0,
            group_size: 0,
            quota: 0,
            candidate: false
        };
        nominees.len()
    ];
    // mean ≥ min  ⇔  sum ≥ min × quarters (exact: sums and the minimum are in hundredths).
    let min_sum = min_mean.saturating_mul(i64::from(quarters));
    for members in groups.into_values() {
        let mut order = members;
        order.sort_by(|&a, &b| {
            let (x, y) = (&nominees[a], &nominees[b]);
            y.total_sum
                .cmp(&x.total_sum)
                .then_with(|| y.key_sums.cmp(&x.key_sums))
                .then_with(|| x.id.as_bytes().cmp(y.id.as_bytes()))
        });
        let size = u32::try_from(order.len()).unwrap_or(u32::MAX);
        let q = quota(size, ratio);
        for (place, &i) in (1u32..).zip(&order) {
            out[i] = Standing {
                rank: place,
                group_size: size,
                quota: q,
                candidate: place <= q && nominees[i].total_sum >= min_sum,
            };
        }
    }
    out
}

#[cfg(test)]
// Points in hundredths read best grouped as yuan and fen: 380_00 is 380.00.
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn n(group: u8, id: &str, total: i64, keys: &[i64]) -> Nominee<u8> {
        Nominee {
            group,
            id: id.into(),
            total_sum: total,
            key_sums: keys.to_vec(),
        }
    }

    /// A group of 10 at 20% has 2 places; the tie for the second on the mean is broken by the
    /// first key section, a full tie by the id; a group of 4 has none; below the minimum
    /// mean no one is a candidate even within the quota.
    #[test]
    fn ties_at_the_line_and_a_group_without_places() {
        let mut v = vec![
            n(1, "A", 380_00, &[30_00]),
            n(1, "C", 370_00, &[29_00]),
            n(1, "B", 370_00, &[31_00]),
        ];
        for i in 0..7 {
            v.push(n(1, &format!("Z{i}"), 300_00, &[20_00]));
        }
        v.push(n(2, "D", 390_00, &[]));
        for i in 0..3 {
            v.push(n(2, &format!("E{i}"), 300_00, &[]));
        }
        let s = commendation(&v, 4, Decimal::new(20, 2), 90_00);
        let at = |id: &str| s[v.iter().position(|x| x.id == id).unwrap()];
        // Means: A 95.00, B and C 92.50 (B's key section is higher).
        assert_eq!(
            (at("A").rank, at("A").quota, at("A").candidate),
            (1, 2, true)
        );
        assert_eq!((at("B").rank, at("B").candidate), (2, true));
        assert_eq!((at("C").rank, at("C").candidate), (3, false));
        assert_eq!(at("Z0").rank, 4, "full ties by id");
        assert_eq!(at("Z6").rank, 10);
        assert_eq!(
            (at("D").rank, at("D").quota, at("D").candidate),
            (1, 0, false)
        );
        // A minimum of 94: only A's mean (95.00) reaches it.
        let s = commendation(&v, 4, Decimal::new(20, 2), 94_00);
        assert!(s[0].candidate && !s[2].candidate && !s[1].candidate);
    }

    proptest! {
        /// Art.13 (as read here, capped like Art.10): at most floor(n × ratio) candidates per
        /// group, candidates are the best ranks, ranks are a permutation of 1..=n ordered by
        /// the sums, and the result does not depend on the input order.
        #[test]
        fn capped_ordered_and_deterministic(
            raw in proptest::collection::vec((0u8..3, 0i64..40_000, 0i64..3_000), 0..60),
            ratio in 0i64..=20,
            min in 0i64..10_000,
        ) {
            let v: Vec<Nominee<u8>> = raw
                .iter()
                .enumerate()
                .map(|(i, &(g, t, k))| n(g, &format!("C{i:03}"), t, &[k]))
                .collect();
            let ratio = Decimal::new(ratio, 2);
            let s = commendation(&v, 4, ratio, min);
            for g in 0u8..3 {
                let members: Vec<usize> = (0..v.len()).filter(|&i| v[i].group == g).collect();
                let size = members.len() as u32;
                let cands = members.iter().filter(|&&i| s[i].candidate).count() as u32;
                prop_assert!(cands <= quota(size, ratio));
                let mut ranks: Vec<u32> = members.iter().map(|&i| s[i].rank).collect();
                ranks.sort_unstable();
                prop_assert_eq!(ranks, (1..=size).collect::<Vec<_>>());
                for &a in &members {
                    for &b in &members {
                        if s[a].rank < s[b].rank {
                            prop_assert!(v[a].total_sum >= v[b].total_sum);
                        }
                        if s[b].candidate && s[a].rank < s[b].rank {
                            prop_assert!(s[a].candidate);
                        }
                    }
                }
            }
            let mut rev = v.clone();
            rev.reverse();
            let r = commendation(&rev, 4, ratio, min);
            for (i, st) in s.iter().enumerate() {
                prop_assert_eq!(*st, r[v.len() - 1 - i]);
            }
        }
    }
}
