//! `kaohe explain` as a value: one cadre walked through every number of its line (Art.7 → 8 →
//! 9 → 10 → 11), with the quarter's supervision records (Art.14) as evidence. Whoever shows it
//! (the CLI, in Chinese) only formats these figures; nothing here is text for people but the
//! refusal.

use kaohe_domain::{
    Appraisal, Cadre, CadreId, Event, Inspection, ItemId, LedgerEntry, Money, Points, Policy,
    Quarter, Scope, SectionId, SettlementLine,
};
use kaohe_settlement::{Group, MoneyWorking, Placement, Separation};
use kaohe_store::Store;

use crate::AppError;

/// What the numbers of an [`Explanation`] are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The quarter is settled and its inputs are unchanged: the numbers are those settled.
    Settled {
        /// The revision in force.
        revision: u32,
    },
    /// The quarter is settled but its inputs have changed since: the numbers are what a
    /// revision would give, not what was paid.
    Changed {
        /// The revision in force.
        revision: u32,
    },
    /// The quarter is not settled: a preview from the inputs as they are.
    Preview,
}

/// One Art.7 section of the cadre's card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionPoints {
    /// The section's id (`rank_keys` name sections by it).
    pub id: SectionId,
    /// Its name.
    pub name: String,
    /// Scored per village or per cadre.
    pub scope: Scope,
    /// Its most points.
    pub max: Points,
    /// The cadre's subtotal (Art.7).
    pub subtotal: Points,
    /// Its items, in rubric order.
    pub items: Vec<ItemPoints>,
}

/// One Art.7 item of the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPoints {
    /// The item.
    pub id: ItemId,
    /// Its most points.
    pub max: Points,
    /// The points scored; `None` when missing (counted as 0).
    pub points: Option<Points>,
}

/// An event that counts for the cadre (Art.8), with its points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedEvent {
    /// The event.
    pub event: Event,
    /// Positive adds to the bonus, negative to the deduction.
    pub points: Points,
}

/// A cadre ranked next to the one explained (Art.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour.
    pub cadre_id: CadreId,
    /// Its rank.
    pub rank: u32,
    /// Its total.
    pub total: Points,
    /// Its subtotals of the `rank_keys` sections, in `rank_keys` order.
    pub rank_keys: Vec<Points>,
    /// What told the two apart.
    pub separation: Separation,
}

/// Every number behind one settlement line, from item points to ledger entries.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The quarter.
    pub quarter: Quarter,
    /// Whether these are the settled numbers, a revision's or a preview's.
    pub basis: Basis,
    /// The policy the numbers follow (for a settled quarter, the one it was settled with).
    pub policy: Policy,
    /// The cadre as the roster gives it.
    pub cadre: Cadre,
    /// The line explained.
    pub line: SettlementLine,
    /// Art.7: the sections with their subtotals and items; they add up to `base_score`.
    pub sections: Vec<SectionPoints>,
    /// Art.8: the events that count, by date then id.
    pub events: Vec<CountedEvent>,
    /// Art.14: the quarter's supervision records of the cadre or the village, while in office.
    pub supervision: Vec<Inspection>,
    /// Art.10: the `rank_keys` sections and the cadre's subtotals of them.
    pub rank_keys: Vec<(SectionId, Points)>,
    /// Art.10: the quota group and how its quota was used.
    pub group: Group,
    /// Art.10: rank, grade, the reason for the grade and what set the rank apart.
    pub placement: Placement,
    /// The cadre ranked just above, if any.
    pub above: Option<Neighbour>,
    /// The cadre ranked just below, if any.
    pub below: Option<Neighbour>,
    /// Art.11: the monthly money arithmetic.
    pub money: MoneyWorking,
    /// Art.11: each month's standard `T_m = M × f_m`, rounded to the fen as shown (the
    /// quarter's `T` is rounded once from their exact sum, [`MoneyWorking::standard`]).
    pub month_standards: [Money; 3],
    /// Art.11: the cadre's appraisals before this quarter, latest first.
    pub earlier_appraisals: Vec<Appraisal>,
    /// Art.11: the cadre's ledger entries of this computation.
    pub ledger: Vec<LedgerEntry>,
}

/// Explains cadre `id` in quarter `q`: from the inputs as stored, computed as the settlement
/// was (its policy, and missing scores as 0 when it counted them so; a preview counts them as 0
/// when it must). Refused (exit 2) when the cadre is not assessed in `q`.
pub async fn explain(store: &dyn Store, q: Quarter, id: &CadreId) -> Result<Explanation, AppError> {
    let roster = store.roster().await?;
    let index = kaohe_domain::RosterIndex::new(&roster);
    let ctx = crate::queries::explain_context(store, q, &index).await?;
    let basis = match (&ctx.settled, ctx.inputs_changed) {
        (Some(h), false) => Basis::Settled {
            revision: h.revision,
        },
        (Some(h), true) => Basis::Changed {
            revision: h.revision,
        },
        (None, _) => Basis::Preview,
    };
    let mut explanation = {
        let outcome = match ctx.inputs.compute(ctx.missing_as_zero) {
            Ok(o) => o,
            Err(_) if !ctx.missing_as_zero => ctx.inputs.compute(true)?,
            Err(e) => return Err(e),
        };
        let Some(x) = outcome.explain(id) else {
            return Err(AppError::Invalid(format!(
                "cadre `{id}` is not assessed in {q} (not in the roster, or not in office on any day of the quarter)"
            )));
        };
        owned(&x, q, basis, &ctx.inputs.policy)
    };
    explanation.supervision = crate::archive::supervision_in(store, q, &explanation.cadre).await?;
    Ok(explanation)
}

/// The engine's explanation, which borrows the computation, as a value of its own.
fn owned(
    x: &kaohe_settlement::Explanation<'_>,
    quarter: Quarter,
    basis: Basis,
    policy: &Policy,
) -> Explanation {
    let sections = x
        .sections
        .iter()
        .map(|(s, subtotal)| SectionPoints {
            id: s.id.clone(),
            name: s.name.clone(),
            scope: s.scope,
            max: s.max,
            subtotal: *subtotal,
            items: x
                .items
                .iter()
                .filter(|it| it.section.id == s.id)
                .map(|it| ItemPoints {
                    id: it.item.id.clone(),
                    max: it.item.max,
                    points: it.points,
                })
                .collect(),
        })
        .collect();
    let neighbour = |n: &kaohe_settlement::Neighbour<'_>| Neighbour {
        cadre_id: n.cadre_id.clone(),
        rank: n.rank,
        total: n.total,
        rank_keys: n.rank_keys.clone(),
        separation: n.separation,
    };
    let m = &x.money;
    let month_standards = m.months.map(|mw| {
        let (num, den) = mw.standard_exact(m.monthly_subsidy);
        Money::round_ratio(num, den)
    });
    Explanation {
        quarter,
        basis,
        policy: policy.clone(),
        cadre: x.cadre.clone(),
        line: x.line.clone(),
        sections,
        events: x
            .events
            .iter()
            .map(|e| CountedEvent {
                event: e.event.clone(),
                points: e.points,
            })
            .collect(),
        supervision: Vec::new(),
        rank_keys: x
            .rank_keys
            .iter()
            .map(|(k, p)| ((*k).clone(), *p))
            .collect(),
        group: x.group.clone(),
        placement: x.placement,
        above: x.above.as_ref().map(neighbour),
        below: x.below.as_ref().map(neighbour),
        money: x.money,
        month_standards,
        earlier_appraisals: x.earlier_appraisals.iter().map(|a| (*a).clone()).collect(),
        ledger: x.ledger.iter().map(|e| (*e).clone()).collect(),
    }
}
