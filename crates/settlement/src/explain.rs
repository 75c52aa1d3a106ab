//! `explain`: one cadre walked through every number of its line (Art.7–11).

use kaohe_domain::{
    Appraisal, Cadre, CadreId, LedgerEntry, Points, Section, SectionId, SettlementLine,
};
use kaohe_grading::{Group, Placement, Separation};
use kaohe_scoring::{EventContribution, ItemScore};

use crate::{MoneyWorking, QuarterOutcome, cadre_subsidy};

/// A cadre ranked next to the one explained (Art.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour<'o> {
    /// The neighbour.
    pub cadre_id: &'o CadreId,
    /// Its rank.
    pub rank: u32,
    /// Its total.
    pub total: Points,
    /// Its subtotals of the `rank_keys` sections, in `rank_keys` order.
    pub rank_keys: Vec<Points>,
    /// What told the two apart: for the neighbour above, the explained cadre's
    /// [`Placement::above`]; for the one below, the neighbour's.
    pub separation: Separation,
}

/// Every number behind one settlement line, from item points to ledger entries.
#[derive(Debug, Clone)]
pub struct Explanation<'o> {
    /// The line explained.
    pub line: &'o SettlementLine,
    /// The cadre as the roster gives it (dates, monthly standard).
    pub cadre: &'o Cadre,
    /// Art.7: every item with its points (`None`: missing, counted as 0 on request).
    pub items: Vec<ItemScore<'o>>,
    /// Art.7: every section with its subtotal; they add up to `base_score`.
    pub sections: Vec<(&'o Section, Points)>,
    /// Art.8: the events that count, by date then id; they make `bonus` and `deduction`.
    pub events: Vec<EventContribution<'o>>,
    /// Art.10: the `rank_keys` sections and the cadre's subtotals of them.
    pub rank_keys: Vec<(&'o SectionId, Points)>,
    /// Art.10: the quota group and how its quota was used.
    pub group: &'o Group,
    /// Art.10: rank, grade, the reason for the grade and what set the rank apart.
    pub placement: Placement,
    /// The cadre ranked just above, if any.
    pub above: Option<Neighbour<'o>>,
    /// The cadre ranked just below, if any.
    pub below: Option<Neighbour<'o>>,
    /// Art.11: the monthly money arithmetic, the same call that made the line.
    pub money: MoneyWorking,
    /// Art.11: the cadre's appraisals before this quarter, latest first (the chain of the
    /// consecutive-unqualified rule).
    pub earlier_appraisals: Vec<&'o Appraisal>,
    /// docs/reference.md, ledger: the cadre's ledger entries of this computation.
    pub ledger: Vec<&'o LedgerEntry>,
}

impl QuarterOutcome<'_> {
    /// Art.7–11: walks the cadre `id` through every number of its line — item points,
    /// section subtotals, events (Art.7–9), group, quota, rank and what decided it (Art.10),
    /// the monthly money and the dismissal chain (Art.11), and its ledger entries (none for
    /// an outcome of [`crate::compute_lines`]). `None` if it has no line (not in the roster,
    /// or not assessed in the quarter).
    pub fn explain(&self, id: &CadreId) -> Option<Explanation<'_>> {
        let at = self.lines.iter().position(|l| l.cadre_id == *id)?;
        let i = self.line_cadre[at] as usize;
        let scores = &self.scores;
        let policy = self.input.policy;
        let key_sections: Vec<usize> = policy
            .rank_keys
            .iter()
            .filter_map(|k| policy.sections.iter().position(|s| s.id == *k))
            .collect();
        let keys_of = |j: usize| -> Vec<Points> {
            key_sections
                .iter()
                .map(|&s| scores.section_subtotal(j, s))
                .collect()
        };
        let placement = *self.grading.placement(i);
        let (above, below) = self.grading.neighbours(i);
        let neighbour = |j: usize, separation: Separation| Neighbour {
            cadre_id: &scores.cadre(j).id,
            rank: self.grading.placement(j).rank,
            total: scores.total(j),
            rank_keys: keys_of(j),
            separation,
        };
        let cadre = scores.cadre(i);
        let mut earlier: Vec<&Appraisal> = self
            .input
            .history
            .iter()
            .filter(|a| a.cadre_id == *id && a.quarter < self.input.quarter)
            .collect();
        earlier.sort_by(|a, b| b.quarter.cmp(&a.quarter).then(a.grade.cmp(&b.grade)));
        earlier.dedup_by(|a, b| a.quarter == b.quarter && a.grade == b.grade);
        Some(Explanation {
            line: &self.lines[at],
            cadre,
            items: scores.items(i).collect(),
            sections: scores.section_subtotals(i).collect(),
            events: scores.events(i).collect(),
            rank_keys: policy.rank_keys.iter().zip(keys_of(i)).collect(),
            group: &self.grading.groups()[placement.group as usize],
            placement,
            above: above.map(|j| neighbour(j, placement.above)),
            below: below.map(|j| neighbour(j, self.grading.placement(j).above)),
            money: cadre_subsidy(policy, self.input.quarter, cadre, placement.grade),
            earlier_appraisals: earlier,
            ledger: self.ledger.iter().filter(|e| e.cadre_id == *id).collect(),
        })
    }
}
