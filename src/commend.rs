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

use kaohe_domain::{CadreId, Grade, Points, Quarter, QuotaScope, Scope, SettlementLine};
use kaohe_grading::{Nominee, commendation};
use kaohe_scoring::{Scorecards, ScoringInput, score_quarter};
use kaohe_store::Store;

use kaohe_report::{CommendList, CommendRow, VillageRow};

use crate::AppError;
use crate::lifecycle::Policies;

/// Computes the list of `year` (`kaohe commend --year`); refuses when a quarter of the year
/// is not settled, unless `preview`.
///
/// With `villages`, the list is of the village party organisations (先进基层党组织): per town,
/// the villages scored in every quarter used, by the mean of their village score (their
/// village-scope item points plus their village-scope events of the quarter, not withdrawn,
/// as Art.7 and Art.8 score them), then village code; the first
/// `floor(n × commendation_ratio)` of a town are candidates.
pub async fn commend(
    store: &dyn Store,
    year: u16,
    preview: bool,
    villages: bool,
) -> Result<CommendList, AppError> {
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
    // Numbered once, for the reading of every quarter's scores and the scoring.
    let index = kaohe_domain::RosterIndex::new(&roster);

    // Per quarter used: the settled lines, and the rank_keys subtotals scored again.
    let mut lines: Vec<HashMap<CadreId, SettlementLine>> = Vec::new();
    let mut keys: Vec<HashMap<CadreId, Vec<i64>>> = Vec::new();
    // Per quarter used: village code → (town, village score in hundredths), scored villages.
    let mut village_scores: Vec<HashMap<String, (String, i64)>> = Vec::new();
    for &q in &used {
        let qpolicy = policies.for_quarter(q);
        let names = kaohe_domain::ScoreNames::new(&index, qpolicy);
        let scores = crate::lifecycle::QuarterScores::load(store, q, &names).await?;
        let events = store.events(q).await?;
        let cards = score_quarter(&ScoringInput {
            quarter: q,
            policy: qpolicy,
            roster: &roster,
            roster_index: Some(&index),
            scores: scores.as_scores(),
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
        village_scores.push(village_scores_of(&cards));
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
    let villages =
        villages.then(|| rank_villages(&village_scores, &used, policy.commendation_ratio));
    Ok(CommendList {
        year,
        quarters: used,
        preview: !open.is_empty(),
        ratio: policy.commendation_ratio,
        excellent_min_score: policy.excellent_min_score,
        qualified_min_score: policy.qualified_min_score,
        cadres,
        villages,
    })
}

/// The village score of every village with a village-scope score in the quarter, read off one
/// assessed cadre of the village (village items and village events count alike for each of
/// them): Σ village-scope item points + Σ points of the village-scope events.
fn village_scores_of(cards: &Scorecards<'_>) -> HashMap<String, (String, i64)> {
    let policy = cards.policy();
    let mut out = HashMap::new();
    for i in 0..cards.len() {
        let c = cards.cadre(i);
        if out.contains_key(c.village.as_str()) {
            continue;
        }
        let mut scored = false;
        let mut sum = 0i64;
        for it in cards
            .items(i)
            .filter(|it| it.section.scope == Scope::Village)
        {
            if let Some(p) = it.points {
                scored = true;
                sum += p.hundredths();
            }
        }
        for e in cards.events(i) {
            let village_kind = policy
                .event_rule(e.event.kind.as_str())
                .is_some_and(|r| r.scope == Scope::Village);
            if village_kind {
                sum += e.points.hundredths();
            }
        }
        if scored {
            out.insert(c.village.to_string(), (c.town.to_string(), sum));
        }
    }
    out
}

/// Art.13's list of villages: scored in every quarter used, ranked per town (the town of the
/// last quarter used), no minimum score.
fn rank_villages(
    scores: &[HashMap<String, (String, i64)>],
    used: &[Quarter],
    ratio: kaohe_domain::Decimal,
) -> Vec<VillageRow> {
    let last = scores.last().expect("a quarter is used");
    let mut codes: Vec<&String> = last
        .keys()
        .filter(|v| scores.iter().all(|q| q.contains_key(*v)))
        .collect();
    codes.sort();
    let nominees: Vec<Nominee<String>> = codes
        .iter()
        .map(|v| Nominee {
            group: last[*v].0.clone(),
            id: (*v).clone(),
            total_sum: scores.iter().map(|q| q[*v].1).sum(),
            key_sums: Vec::new(),
        })
        .collect();
    let k = u32::try_from(used.len()).unwrap_or(4);
    let standings = commendation(&nominees, k, ratio, i64::MIN);
    let mut rows: Vec<VillageRow> = nominees
        .iter()
        .zip(&standings)
        .map(|(n, s)| {
            let mut per_quarter = [None; 4];
            for (q, qs) in used.iter().zip(scores) {
                per_quarter[usize::from(q.number() - 1)] =
                    Some(Points::from_hundredths(qs[&n.id].1));
            }
            VillageRow {
                town: n.group.clone(),
                rank: s.rank,
                group_size: s.group_size,
                quota: s.quota,
                village: n.id.clone(),
                mean: Points::from_hundredths(mean_hundredths(n.total_sum, k)),
                scores: per_quarter,
                candidate: s.candidate,
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.town.as_bytes(), a.rank).cmp(&(b.town.as_bytes(), b.rank)));
    rows
}

/// `sum / k` in hundredths, rounded half away from zero to 0.01 by the domain's one rounding
/// step ([`Points::round_ratio`]).
fn mean_hundredths(sum: i64, k: u32) -> i64 {
    Points::round_ratio(Points::from_hundredths(sum).to_decimal(), k.max(1)).hundredths()
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
