//! Art.11 of the regulation — subsidy settlement, its flags and its ledger — and the one pure
//! entry point of the rules engine, [`compute_quarter`], which runs Art.7–9 (`kaohe-scoring`),
//! Art.10 (`kaohe-grading`) and Art.11 (here) over a quarter's input.
//!
//! Design decisions:
//!
//! - **One pure function.** [`compute_quarter`] takes parsed domain values ([`QuarterInput`])
//!   and returns the settlement lines, sorted as docs/reference.md, settlement report (town, then sequence, both by
//!   bytes, then rank), and the revision-1 ledger (docs/reference.md, ledger), numbered in that order. It does
//!   no IO, reads no clock and gives the same output for its inputs in any order. `settle`
//!   and `explain` go through it, and `compute` through [`compute_lines`], the same
//!   computation without the ledger, so they cannot disagree.
//! - **Other quarters are ignored.** Scores of another quarter, events dated outside the
//!   quarter and appraisals not before it are skipped without a check: they belong to other
//!   quarters, which may have other policies.
//! - **Exact money, rounded once.** Every amount follows docs/rules.md Art.11 with exact decimals:
//!   `T = round(Σ T_m)` over a common denominator of the month lengths, never a sum of rounded
//!   months; `P = T − Σ base_m`, so that base and performance add up to `T` to the fen. All
//!   rounding goes through `Money::round_ratio` (half away from zero). No float anywhere.
//! - **Explain from the same numbers.** The outcome keeps the scorecards, the grading and the
//!   input it borrowed, and [`QuarterOutcome::explain`] walks one cadre through every number
//!   by calling the very functions that made the line ([`subsidy`], [`dismissal_review`]).
//! - **Revisions append.** [`revise`] turns a fresh ledger into correcting entries
//!   (new − old per cadre, kind and month) so that the append-only ledger always sums to the
//!   latest revision.
//!
//! **Architecture invariant:** the engine crates (`kaohe-scoring`, `kaohe-grading`, this one)
//! do no IO and name no runtime, database or file format crate.
//!
//! # Example
//!
//! Art.11 for one cadre with a monthly standard of 3000.00, in office all of 2026Q3: the
//! standard is 9000.00, of which 20% is the base (600.00 a month); the rest, 7200.00, is the
//! performance standard, raised by 40% (2880.00) for an excellent cadre and cut by as much for an
//! unqualified one.
//!
//! ```
//! use kaohe_domain::{Grade, Money, Policy, Quarter};
//! use kaohe_settlement::subsidy;
//!
//! let policy = Policy::default();
//! let q = Quarter::parse("2026Q3")?;
//! let monthly = Money::parse("3000")?;
//! let full = [31, 31, 30]; // days in office in July, August and September
//!
//! let w = subsidy(&policy, q, monthly, full, Grade::Excellent);
//! assert_eq!(w.standard.to_string(), "9000.00");
//! assert_eq!(w.base_paid.to_string(), "1800.00");
//! assert_eq!(w.performance_standard.to_string(), "7200.00");
//! assert_eq!(w.adjustment.to_string(), "2880.00");
//! assert_eq!(w.total_paid.to_string(), "11880.00");
//!
//! let w = subsidy(&policy, q, monthly, full, Grade::Unqualified);
//! assert_eq!(w.adjustment.to_string(), "-2880.00");
//! assert_eq!(w.total_paid.to_string(), "6120.00");
//! # Ok::<(), kaohe_domain::ParseError>(())
//! ```

mod explain;
mod flags;
mod ledger;
mod money;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use foldhash::fast::FixedState;
use kaohe_domain::{
    Appraisal, Cadre, CadreId, Event, Grade, LedgerEntry, Money, Points, Policy, Quarter,
    QuotaScope, RosterIndex, Sequence, SettlementLine, TownCode,
};
use kaohe_grading::{Entrants, grade_entrants};
use kaohe_scoring::{ScoringInput, score_quarter};
use thiserror::Error;

pub use explain::{Explanation, Neighbour};
pub use flags::{dismissal_review, flags};
pub use kaohe_grading::{Grading, Group, Placement, Reason, Separation, quota};
pub use kaohe_scoring::{
    EventContribution, ItemScore, Problem, Problems, Scorecards, Scores, ScoringError,
};
pub use ledger::{cadre_entries, revise};
pub use money::{MoneyWorking, MonthWorking, adjustment, cadre_subsidy, month_base, subsidy};

/// Everything one quarter's settlement depends on, already parsed.
#[derive(Debug, Clone, Copy)]
pub struct QuarterInput<'a> {
    /// The quarter to compute.
    pub quarter: Quarter,
    /// The policy in force for the quarter (valid by construction, not checked again).
    pub policy: &'a Policy,
    /// Every cadre; those in office on at least one day of the quarter get a line.
    pub roster: &'a [Cadre],
    /// The roster already numbered by the caller (`RosterIndex::new(roster)`), so that it is
    /// numbered once; `None`: numbered by the engine.
    pub roster_index: Option<&'a RosterIndex<'a>>,
    /// Scores: rows (those of other quarters are ignored) or the quarter's compact grid.
    pub scores: Scores<'a>,
    /// Events; those dated outside the quarter are ignored.
    pub events: &'a [Event],
    /// Earlier appraisals (settled quarters in which a cadre was assessed) for the
    /// consecutive-unqualified rule of Art.11; those not before `quarter` are ignored.
    pub history: &'a [Appraisal],
    /// Count a missing score as 0 instead of refusing (docs/rules.md Art.7).
    pub missing_as_zero: bool,
}

/// Why a quarter could not be computed. Every message names the rule and the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The roster, scores or events have problems (Art.7–8); every one is listed.
    #[error(transparent)]
    Input(#[from] Problems),
    /// The history of earlier appraisals gives two different grades for a cadre in one
    /// quarter, so Art.11's consecutive-unqualified rule cannot be applied.
    #[error(
        "Art.11 (two consecutive unqualified appraisals): the earlier appraisals give two \
         different grades for {}",
        .0.iter().map(|(c, q)| format!("cadre `{c}` in {q}")).collect::<Vec<_>>().join(", ")
    )]
    ConflictingAppraisals(Vec<(CadreId, Quarter)>),
    /// Any other failure of Art.7–9 scoring.
    #[error(transparent)]
    Scoring(ScoringError),
}

impl From<ScoringError> for EngineError {
    fn from(e: ScoringError) -> Self {
        match e {
            ScoringError::Input(p) => EngineError::Input(p),
            other => EngineError::Scoring(other),
        }
    }
}

/// A computed quarter: the report's lines, the ledger, and what `explain` needs.
#[derive(Debug)]
pub struct QuarterOutcome<'a> {
    /// One line per assessed cadre, sorted by town, sequence (bytes), then rank (docs/reference.md, settlement report).
    pub lines: Vec<SettlementLine>,
    /// Revision 1 of the ledger, entries numbered from 1 in line order (docs/reference.md, ledger); empty
    /// when computed by [`compute_lines`].
    pub ledger: Vec<LedgerEntry>,
    input: QuarterInput<'a>,
    scores: Scorecards<'a>,
    grading: Grading,
    /// Scorecard index of each line.
    line_cadre: Vec<u32>,
    /// Art.11: whether each scorecard's cadre is flagged for dismissal review.
    review: Vec<bool>,
}

impl<'a> QuarterOutcome<'a> {
    /// The lines and the ledger, for a store to keep.
    pub fn into_parts(self) -> (Vec<SettlementLine>, Vec<LedgerEntry>) {
        (self.lines, self.ledger)
    }
    /// The quota groups (Art.10) in (town, sequence) order: size, quota and its use.
    pub fn groups(&self) -> &[Group] {
        self.grading.groups()
    }
    /// The scores of Art.7–9 behind the lines.
    pub fn scorecards(&self) -> &Scorecards<'a> {
        &self.scores
    }
    /// The grading of Art.10 behind the lines (indexed like [`QuarterOutcome::scorecards`]).
    pub fn grading(&self) -> &Grading {
        &self.grading
    }
    /// The input computed.
    pub fn input(&self) -> &QuarterInput<'a> {
        &self.input
    }
    /// The number of lines of the quarter (one per assessed cadre), built or not.
    pub fn line_count(&self) -> usize {
        self.line_cadre.len()
    }
    /// Art.11: builds the lines of [`compute_lines`] `part` at a time, in report order, and
    /// hands each part to `f` (the parts together are [`QuarterOutcome::lines`] of
    /// [`compute_lines`]); stops at `f`'s first error. For an outcome of
    /// [`compute_without_lines`]: a national quarter's lines need not all be held at once.
    pub fn lines_in_parts<E>(
        &self,
        part: usize,
        mut f: impl FnMut(&[SettlementLine]) -> Result<(), E>,
    ) -> Result<(), E> {
        // On as many threads as the whole would be built on.
        let threads = line_threads(self.line_cadre.len());
        for rows in self.line_cadre.chunks(part.max(1)) {
            let lines = lines_only(
                &self.input,
                &self.scores,
                &self.grading,
                &self.review,
                rows,
                threads,
            );
            f(&lines)?;
        }
        Ok(())
    }
}

/// Art.7–11: computes a whole quarter — scores, grades, subsidies, flags and ledger.
///
/// Scores every assessed cadre (Art.7–9, every input problem reported
/// at once), grades them in their quota groups (Art.10), settles each subsidy and sets the
/// flags (Art.11), and writes revision 1 of the ledger. Pure and deterministic.
///
/// # Errors
///
/// [`EngineError::Input`] listing every
/// problem of the roster, scores and events, [`EngineError::ConflictingAppraisals`] for a
/// history that contradicts itself.
pub fn compute_quarter<'a>(input: &QuarterInput<'a>) -> Result<QuarterOutcome<'a>, EngineError> {
    compute(input, Build::Ledger)
}

/// Art.7–11: computes a whole quarter's lines — scores, grades, subsidies and flags — without
/// the ledger.
///
/// The same computation and the same lines as [`compute_quarter`], for callers that only
/// report them (`kaohe compute`): the outcome's [`QuarterOutcome::ledger`] is empty, and so is
/// the ledger of its [`QuarterOutcome::explain`]. A large quarter's lines are built on several
/// threads, each filling its own stretch of the report order, so the output does not depend
/// on the number of threads. Pure and deterministic.
///
/// # Errors
///
/// As [`compute_quarter`].
pub fn compute_lines<'a>(input: &QuarterInput<'a>) -> Result<QuarterOutcome<'a>, EngineError> {
    compute(input, Build::Lines)
}

/// Art.7–11: [`compute_lines`] without building the lines: scores, grades and dismissal
/// reviews are computed, and the outcome's [`QuarterOutcome::lines`] is empty until built
/// part by part by [`QuarterOutcome::lines_in_parts`] (the same lines, in the same order).
///
/// # Errors
///
/// As [`compute_quarter`].
pub fn compute_without_lines<'a>(
    input: &QuarterInput<'a>,
) -> Result<QuarterOutcome<'a>, EngineError> {
    compute(input, Build::Nothing)
}

/// What [`compute`] builds after the grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Build {
    /// The lines and revision 1 of the ledger.
    Ledger,
    /// The lines only.
    Lines,
    /// Neither.
    Nothing,
}

/// Art.7–11: [`compute_quarter`], with revision 1 of the ledger or without it.
fn compute<'a>(input: &QuarterInput<'a>, build: Build) -> Result<QuarterOutcome<'a>, EngineError> {
    let policy = input.policy;
    let quarter = input.quarter;
    let scores = score_quarter(&ScoringInput {
        quarter,
        policy,
        roster: input.roster,
        roster_index: input.roster_index,
        scores: input.scores,
        events: input.events,
        missing_as_zero: input.missing_as_zero,
    })?;
    // Art.10, then the report's order of the graded cadres.
    let grading = grade_quarter(policy, &scores);
    let line_cadre = report_order(policy, &scores, &grading);

    // Art.11: dismissal review for the unqualified.
    let review = dismissal_reviews(input, &scores, &grading)?;

    // Art.11: money, lines and ledger, in report order. With the ledger, one thread: its
    // entries are numbered in line order. Without it, a large quarter's lines are built in
    // parallel stretches of the report order.
    let (lines, ledger) = match build {
        Build::Ledger => settle_lines(input, &scores, &grading, &review, &line_cadre),
        Build::Lines => {
            let threads = line_threads(line_cadre.len());
            (
                lines_only(input, &scores, &grading, &review, &line_cadre, threads),
                Vec::new(),
            )
        }
        Build::Nothing => (Vec::new(), Vec::new()),
    };

    Ok(QuarterOutcome {
        lines,
        ledger,
        input: *input,
        scores,
        grading,
        line_cadre,
        review,
    })
}

/// Art.10: grades the scored cadres, each with its total and its rank keys (the subtotals of
/// the policy's `rank_keys` sections, in order).
fn grade_quarter(policy: &Policy, scores: &Scorecards<'_>) -> Grading {
    let key_sections = policy
        .rank_keys
        .iter()
        .map(|k| {
            policy
                .sections
                .iter()
                .position(|s| s.id == *k)
                .expect("a valid policy's rank keys are sections")
        })
        .collect();
    grade_entrants(
        policy,
        &Scored {
            scores,
            key_sections,
        },
    )
}

/// The scored cadres as Art.10 sees them, read from their scorecards when asked: no record
/// is copied per cadre.
struct Scored<'s, 'a> {
    scores: &'s Scorecards<'a>,
    /// The section (index into `policy.sections`) of each of the policy's `rank_keys`.
    key_sections: Vec<usize>,
}

impl Entrants for Scored<'_, '_> {
    fn len(&self) -> usize {
        self.scores.len()
    }
    fn cadre_id(&self, i: usize) -> &CadreId {
        &self.scores.cadre(i).id
    }
    fn town(&self, i: usize) -> &TownCode {
        &self.scores.cadre(i).town
    }
    fn sequence(&self, i: usize) -> &Sequence {
        &self.scores.cadre(i).sequence
    }
    fn total(&self, i: usize) -> Points {
        self.scores.total(i)
    }
    fn rank_key(&self, i: usize, k: usize) -> Points {
        self.scores.section_subtotal(i, self.key_sections[k])
    }
}

/// docs/reference.md, settlement report order: town, sequence, rank; the scorecard index of
/// each line.
fn report_order(policy: &Policy, scores: &Scorecards<'_>, grading: &Grading) -> Vec<u32> {
    match policy.quota_scope {
        // Groups are (town, sequence) in byte order: the grading order is the report order.
        QuotaScope::Town => grading.order().to_vec(),
        QuotaScope::County => {
            let town_rank = town_ranks(scores);
            let mut order = grading.order().to_vec();
            order.sort_unstable_by_key(|&i| {
                let p = grading.placement(i as usize);
                (town_rank[i as usize], p.group, p.rank)
            });
            order
        }
    }
}

/// Art.11: the lines and ledger entries (numbered from 1) of the cadres `rows` (scorecard
/// indices, in report order).
fn settle_lines(
    input: &QuarterInput<'_>,
    scores: &Scorecards<'_>,
    grading: &Grading,
    review: &[bool],
    rows: &[u32],
) -> (Vec<SettlementLine>, Vec<LedgerEntry>) {
    let (policy, quarter) = (input.policy, input.quarter);
    let mut lines = Vec::with_capacity(rows.len());
    // At most 3 base entries, performance, and an adjustment.
    let mut ledger = Vec::with_capacity(rows.len() * 5);
    let mut next = 1u32;
    for &i in rows {
        let i = i as usize;
        let c = scores.cadre(i);
        let money = cadre_subsidy(policy, quarter, c, grading.placement(i).grade);
        lines.push(line(input, scores, grading, review, i, &money));
        cadre_entries(quarter, 1, &c.id, &money, &mut next, &mut ledger);
    }
    (lines, ledger)
}

/// Fewest lines worth building on more than one thread: below it (a county) one thread is
/// as fast and starts nothing.
const PARALLEL_LINES: usize = 200_000;

/// Art.11: how many threads build `rows` lines: one below [`PARALLEL_LINES`], else one per
/// available core (at most 8).
fn line_threads(rows: usize) -> usize {
    if rows < PARALLEL_LINES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    }
}

/// Art.11: the lines of the cadres `rows` (scorecard indices, in report order), without
/// ledger entries. The rows are cut into `threads` consecutive stretches; each thread builds
/// its stretch's lines in order and the stretches are joined in order, so the result is that
/// of one thread.
fn lines_only(
    input: &QuarterInput<'_>,
    scores: &Scorecards<'_>,
    grading: &Grading,
    review: &[bool],
    rows: &[u32],
    threads: usize,
) -> Vec<SettlementLine> {
    let build = |rows: &[u32], out: &mut Vec<SettlementLine>| {
        for &i in rows {
            let i = i as usize;
            let c = scores.cadre(i);
            let money = cadre_subsidy(input.policy, input.quarter, c, grading.placement(i).grade);
            out.push(line(input, scores, grading, review, i, &money));
        }
    };
    let mut lines = Vec::with_capacity(rows.len());
    if threads <= 1 || rows.len() < 2 {
        build(rows, &mut lines);
        return lines;
    }
    let stretch = rows.len().div_ceil(threads);
    let mut stretches = rows.chunks(stretch);
    let first = stretches.next().unwrap_or_default();
    let rest: Vec<Vec<SettlementLine>> = std::thread::scope(|s| {
        let handles: Vec<_> = stretches
            .map(|part| {
                s.spawn(move || {
                    let mut out = Vec::with_capacity(part.len());
                    build(part, &mut out);
                    out
                })
            })
            .collect();
        build(first, &mut lines);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for part in rest {
        lines.extend(part);
    }
    lines
}

/// Art.11: the settlement line of the cadre `i` (scorecard index), paid `money`.
fn line(
    input: &QuarterInput<'_>,
    scores: &Scorecards<'_>,
    grading: &Grading,
    review: &[bool],
    i: usize,
    money: &MoneyWorking,
) -> SettlementLine {
    let c = scores.cadre(i);
    let p = grading.placement(i);
    let g = &grading.groups()[p.group as usize];
    SettlementLine {
        quarter: input.quarter,
        cadre_id: c.id.clone(),
        name: c.name.clone(),
        town: c.town.clone(),
        village: c.village.clone(),
        sequence: c.sequence.clone(),
        base_score: scores.base_score(i),
        bonus: scores.bonus(i),
        deduction: scores.deduction(i),
        total: scores.total(i),
        rank: p.rank,
        group_size: g.size,
        quota: g.quota,
        grade: p.grade,
        standard: money.standard,
        base_paid: money.base_paid,
        performance_standard: money.performance_standard,
        adjustment: money.adjustment,
        performance_paid: money.performance_paid,
        total_paid: money.total_paid,
        flags: flags(p.grade, review[i]),
    }
}

/// The byte-order rank of each assessed cadre's town.
fn town_ranks(scores: &Scorecards<'_>) -> Vec<u32> {
    let mut ids: HashMap<&str, u32, FixedState> = HashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let mut of = Vec::with_capacity(scores.len());
    for i in 0..scores.len() {
        let t = scores.cadre(i).town.as_str();
        let next = names.len() as u32;
        of.push(*ids.entry(t).or_insert_with(|| {
            names.push(t);
            next
        }));
    }
    let mut sorted: Vec<u32> = (0..names.len() as u32).collect();
    sorted.sort_unstable_by_key(|&t| names[t as usize]);
    let mut rank = vec![0u32; names.len()];
    for (r, &t) in sorted.iter().enumerate() {
        rank[t as usize] = r as u32;
    }
    of.into_iter().map(|t| rank[t as usize]).collect()
}

/// Art.11: whether each unqualified cadre (by scorecard index) goes to dismissal review.
fn dismissal_reviews(
    input: &QuarterInput<'_>,
    scores: &Scorecards<'_>,
    grading: &Grading,
) -> Result<Vec<bool>, EngineError> {
    let mut unqualified: HashMap<&str, u32, FixedState> = HashMap::default();
    for (i, p) in grading.placements().iter().enumerate() {
        if p.grade == Grade::Unqualified {
            unqualified.insert(scores.cadre(i).id.as_str(), i as u32);
        }
    }
    let mut prior: HashMap<u32, Vec<&Appraisal>, FixedState> = HashMap::default();
    if !unqualified.is_empty() {
        for a in input.history {
            if a.quarter < input.quarter
                && let Some(&i) = unqualified.get(a.cadre_id.as_str())
            {
                prior.entry(i).or_default().push(a);
            }
        }
    }
    let mut out = vec![false; scores.len()];
    let mut conflicts: Vec<(CadreId, Quarter)> = Vec::new();
    for (_, &i) in unqualified.iter() {
        match flags::chain(input.policy, prior.remove(&i).unwrap_or_default()) {
            Ok(review) => out[i as usize] = review,
            Err(q) => conflicts.push((scores.cadre(i as usize).id.clone(), q)),
        }
    }
    if !conflicts.is_empty() {
        conflicts.sort();
        return Err(EngineError::ConflictingAppraisals(conflicts));
    }
    Ok(out)
}

/// What Art.11 pays a cadre from in a quarter, besides the grade: the monthly subsidy and the
/// days in office in each month ([`cadre_subsidy`]'s reading of the cadre), 20 bytes where the
/// cadre is a roster row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayTerms {
    /// The cadre's monthly subsidy.
    pub monthly_subsidy: Money,
    /// Days in office in each month of the quarter.
    pub days_in_office: [u8; 3],
}

impl PayTerms {
    /// The terms of `cadre` in `quarter`, as [`cadre_subsidy`] reads them.
    pub fn of(cadre: &Cadre, quarter: Quarter) -> PayTerms {
        PayTerms {
            monthly_subsidy: cadre.monthly_subsidy,
            days_in_office: quarter.months().map(|m| cadre.days_in_office(m)),
        }
    }
}

/// Art.11 (docs/reference.md, ledger): revision 1 of a quarter's ledger from its `lines` (in
/// report order) and their cadres' `terms` (one per line), as
/// [`compute_quarter`] writes it: for each line, the entries of its cadre's subsidy
/// ([`subsidy`] at the line's grade, [`cadre_entries`]), numbered from 1 in line order.
pub fn first_ledger(
    policy: &Policy,
    quarter: Quarter,
    lines: &[SettlementLine],
    terms: &[PayTerms],
) -> Vec<LedgerEntry> {
    assert_eq!(lines.len(), terms.len(), "one PayTerms per line");
    // At most 3 base entries, performance, and an adjustment per line; the room left unused
    // is never touched.
    let mut ledger = Vec::with_capacity(lines.len() * 5);
    let mut next = 1u32;
    for (l, t) in lines.iter().zip(terms) {
        let money = subsidy(
            policy,
            quarter,
            t.monthly_subsidy,
            t.days_in_office,
            l.grade,
        );
        cadre_entries(quarter, 1, &l.cadre_id, &money, &mut next, &mut ledger);
    }
    ledger
}
