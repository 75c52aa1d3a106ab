//! The yearly commendation list (Art.13: 每年评选表彰一批优秀村干部): candidates from the
//! year's settled quarters, ranked in Art.10's quota groups. It records nothing: the rewards
//! are imported as awards afterwards.
//!
//! - The year's four quarters must be settled, unless it is a preview, which uses the settled
//!   ones and says so.
//! - The policy is the one in force for the last quarter used.
//! - A cadre is eligible when appraised in every quarter used and never unqualified in them;
//!   the group is the cadre's town and sequence in the last quarter used (sequence alone when
//!   the quota is county-wide). The ranking rule is [`kaohe_grading::commendation`].
//! - The `rank_keys` section subtotals that break ties are scored again from the stored
//!   scores and events of each quarter (the settled lines keep totals, not sections).

use std::collections::HashMap;

use kaohe_domain::{CadreId, Grade, Points, Quarter, QuotaScope, SettlementLine};
use kaohe_grading::{Nominee, commendation};
use kaohe_scoring::{ScoringInput, score_quarter};
use kaohe_store::Store;

use kaohe_io::{CommendList, CommendRow};

use crate::AppError;
use crate::lifecycle::Policies;

/// Computes the list of `year` (`kaohe commend --year`); refuses when a quarter of the year
/// is not settled, unless `preview`.
pub async fn commend(store: &dyn Store, year: u16, preview: bool) -> Result<CommendList, AppError> {
    let all: Vec<Quarter> = (1..=4)
        .map(|n| Quarter::new(year, n).ok_or_else(|| AppError::Invalid(format!("year {year}"))))
        .collect::<Result<_, _>>()?;
    let settled = store.settled_quarters().await?;
    let (used, open): (Vec<Quarter>, Vec<Quarter>) = all.iter().partition(|q| settled.contains(q));
    if used.is_empty() || (!open.is_empty() && !preview) {
        let names: Vec<String> = open.iter().map(Quarter::to_string).collect();
        return Err(AppError::Refused(format!(
            "Art.13: the commendation list of {year} needs its four quarters settled; not \
             settled: {}. Settle them, or add --preview for a list from the settled ones{}.",
            names.join(", "),
            if used.is_empty() {
                " (none is settled yet)"
            } else {
                ""
            }
        )));
    }
    let policies = Policies::load(store).await?;
    let last = *used.last().expect("a quarter is used");
    let policy = policies.for_quarter(last);
    let roster = store.roster().await?;

    // Per quarter used: the settled lines, and the rank_keys subtotals scored again.
    let mut lines: Vec<HashMap<CadreId, SettlementLine>> = Vec::new();
    let mut keys: Vec<HashMap<CadreId, Vec<i64>>> = Vec::new();
    for &q in &used {
        let qpolicy = policies.for_quarter(q);
        let scores = store.scores(q).await?;
        let events = store.events(q).await?;
        let cards = score_quarter(&ScoringInput {
            quarter: q,
            policy: qpolicy,
            roster: &roster,
            scores: &scores,
            events: &events,
            missing_as_zero: true,
        })
        .map_err(|e| AppError::Refused(format!("{q} cannot be scored again: {e}")))?;
        let key_sections: Vec<usize> = policy
            .rank_keys
            .iter()
            .filter_map(|k| qpolicy.sections.iter().position(|s| s.id == *k))
            .collect();
        let mut by_id = HashMap::new();
        for i in 0..cards.len() {
            let subtotals = key_sections
                .iter()
                .map(|&s| cards.section_subtotal(i, s).hundredths())
                .collect();
            by_id.insert(cards.cadre(i).id.clone(), subtotals);
        }
        keys.push(by_id);
        let q_lines = store.settlement_lines(q).await?;
        lines.push(
            q_lines
                .into_iter()
                .map(|l| (l.cadre_id.clone(), l))
                .collect(),
        );
    }

    // Eligible: a line in every quarter used, none unqualified (Art.13 reads Art.10's grades).
    let last_lines = lines.last().expect("a quarter is used");
    let mut ids: Vec<&CadreId> = last_lines
        .keys()
        .filter(|id| {
            lines
                .iter()
                .all(|q| q.get(*id).is_some_and(|l| l.grade != Grade::Unqualified))
        })
        .collect();
    ids.sort();
    let nominees: Vec<Nominee<(String, String)>> = ids
        .iter()
        .map(|id| {
            let l = &last_lines[*id];
            let town = match policy.quota_scope {
                QuotaScope::Town => l.town.to_string(),
                QuotaScope::County => String::new(),
            };
            let mut key_sums = vec![0i64; policy.rank_keys.len()];
            for q in &keys {
                for (sum, v) in key_sums.iter_mut().zip(q.get(*id).into_iter().flatten()) {
                    *sum += v;
                }
            }
            Nominee {
                group: (town, l.sequence.to_string()),
                id: id.to_string(),
                total_sum: lines.iter().map(|q| q[*id].total.hundredths()).sum(),
                key_sums,
            }
        })
        .collect();
    let k = u32::try_from(used.len()).unwrap_or(4);
    let standings = commendation(
        &nominees,
        k,
        policy.commendation_ratio,
        policy.excellent_min_score.hundredths(),
    );
    let mut cadres: Vec<CommendRow> = ids
        .iter()
        .zip(&nominees)
        .zip(&standings)
        .map(|((id, n), s)| {
            let l = &last_lines[*id];
            let mut totals = [None; 4];
            for (q, q_lines) in used.iter().zip(&lines) {
                totals[usize::from(q.number() - 1)] = Some(q_lines[*id].total);
            }
            CommendRow {
                // County-wide groups name no town.
                town: match policy.quota_scope {
                    QuotaScope::Town => l.town.to_string(),
                    QuotaScope::County => String::new(),
                },
                sequence: l.sequence.to_string(),
                rank: s.rank,
                group_size: s.group_size,
                quota: s.quota,
                cadre_id: (*id).clone(),
                name: l.name.clone(),
                village: l.village.to_string(),
                mean: Points::from_hundredths(mean_hundredths(n.total_sum, k)),
                totals,
                candidate: s.candidate,
            }
        })
        .collect();
    // By town, sequence (bytes) and rank.
    cadres.sort_by(|a, b| {
        (a.town.as_bytes(), a.sequence.as_bytes(), a.rank).cmp(&(
            b.town.as_bytes(),
            b.sequence.as_bytes(),
            b.rank,
        ))
    });
    Ok(CommendList {
        year,
        quarters: used,
        preview: !open.is_empty(),
        ratio: policy.commendation_ratio,
        cadres,
    })
}

/// `sum / k` in hundredths, rounded half away from zero.
fn mean_hundredths(sum: i64, k: u32) -> i64 {
    let k = i64::from(k.max(1));
    let (q, r) = (sum / k, sum % k);
    if 2 * r.abs() >= k {
        q + sum.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn means_round_half_away_from_zero() {
        use super::mean_hundredths as m;
        assert_eq!(m(9_001 + 9_002 + 9_002, 3), 9_002); // 90.0166… → 90.02
        assert_eq!(m(9_001 + 9_002, 2), 9_002); // 90.015 → 90.02
        assert_eq!(m(-3, 2), -2); // −0.015 → −0.02
        assert_eq!(m(9_000 * 4, 4), 9_000);
    }
}
