//! Art.7–9 of the regulation: the scorecard, bonus and deduction events, and the total of every
//! cadre assessed in a quarter.
//!
//! [`score_quarter`] takes the roster, the scores and the events of a quarter as parsed domain
//! values and gives [`Scorecards`]: per assessed cadre the section subtotals, `base_score`,
//! `bonus`, `deduction` and `total` (Art.9: no cap, no floor), with every item's points and
//! every event's contribution kept for `explain`.
//!
//! Design decisions:
//!
//! - **All problems at once.** The input is checked whole; every problem (a missing score, a
//!   score of an item the policy does not have, points out of range, an event of an unknown
//!   kind, …) is collected, sorted into a fixed order and returned together, each naming its
//!   article and its input. A missing village item is one problem, not one per cadre.
//! - **Other quarters are ignored.** Scores whose `quarter` and events whose date lie outside
//!   the quarter computed are skipped without a check: they belong to another quarter, which
//!   may have another policy. A cadre-scope score for a cadre of the roster who is not assessed
//!   in the quarter is skipped too (it has no line to count in); importers refuse it earlier.
//! - **Interned, flat, integer.** Items, villages and cadres are mapped once to dense `u32`
//!   indices (one hash lookup per row; a row naming the subject of the row before skips it);
//!   item points sit in a [`kaohe_domain::ScoreGrid`] (hundredths or not scored; a refused
//!   cell is noted beside it) and subtotals in flat `i32` hundredths (at most the card's 100
//!   points). A caller that already
//!   holds the grid (a reader) gives it as [`Scores::Grid`] and no row is looked at. Every point has at most two decimals, so hundredths are exact
//!   and sums in integers are the exact decimal sums.
//! - **Order-free.** Nothing in the result depends on the order of the input: events of a
//!   cadre are listed by (date, event id), problems in their fixed order.
//! - **Two cores when it pays.** For a large input the roster's two indexes are built on two
//!   threads, and the score rows are resolved to their cells on the machine's threads (at most
//!   8) over consecutive blocks, then placed in input order on one thread, where a second
//!   score of a cell is a duplicate: the result is the same for any number of threads. Small
//!   counties stay on one thread.
//!
//! **Architecture invariant:** this crate does no IO and knows nothing of files, stores or
//! grades; it depends on `kaohe-domain` alone (plus a hasher).
//!
//! # Example
//!
//! One cadre whose village scored 4 of the 4 points of `party.organization`; every other item
//! missing and counted as 0 (`missing_as_zero`, Art.7), no event:
//!
//! ```
//! use kaohe_domain::{Cadre, CadreId, Date, Money, Points, Policy, Quarter, Score, Sequence,
//!                    Subject, TownCode, VillageCode, ItemId};
//! use kaohe_scoring::{ScoringInput, score_quarter};
//!
//! let village = VillageCode::parse("T01V01")?;
//! let cadre = Cadre {
//!     id: CadreId::parse("T01V01-01")?,
//!     name: "郝金山".into(),
//!     town: TownCode::parse("T01")?,
//!     village: village.clone(),
//!     sequence: Sequence::parse("正职")?,
//!     position: "党组织书记".into(),
//!     monthly_subsidy: Money::parse("2683.15")?,
//!     start_date: Date::parse("2021-02-09")?,
//!     end_date: None,
//! };
//! let q = Quarter::parse("2026Q3")?;
//! let scores = [Score {
//!     quarter: q,
//!     subject: Subject::from(&village),
//!     item: ItemId::parse("party.organization")?,
//!     points: Points::parse("4")?,
//! }];
//! let policy = Policy::default();
//! let roster = [cadre];
//! let cards = score_quarter(&ScoringInput {
//!     quarter: q,
//!     policy: &policy,
//!     roster: &roster,
//!     roster_index: None,
//!     scores: (&scores[..]).into(),
//!     events: &[],
//!     missing_as_zero: true,
//! })
//! .expect("scored");
//! assert_eq!(cards.len(), 1);
//! assert_eq!(cards.total(0), Points::parse("4")?);
//! # Ok::<(), kaohe_domain::ParseError>(())
//! ```

mod art7;
mod art8;
mod county;
mod error;
#[cfg(test)]
mod tests;

use kaohe_domain::{
    Cadre, CadreId, Event, Item, Points, Policy, Quarter, RosterIndex, Scope, Score, ScoreGrid,
    Section,
};

use art7::{ItemPoints, Rows, Rubric};
use art8::EventTotals;
use county::County;
pub use error::{Problem, Problems, ScoringError};

/// The input of [`score_quarter`]: everything Art.7–9 look at for one quarter.
#[derive(Debug, Clone, Copy)]
pub struct ScoringInput<'a> {
    /// The quarter scored. Scores of other quarters and events dated outside it are ignored.
    pub quarter: Quarter,
    /// The policy in force for the quarter (its rubric and event table).
    pub policy: &'a Policy,
    /// Every cadre of the roster; those in office on at least one day of the quarter are
    /// assessed (docs/rules.md Art.2).
    pub roster: &'a [Cadre],
    /// The roster already numbered by the caller (who read the scores against it), so that
    /// it is numbered once; `None`: numbered here. It must be `RosterIndex::new(roster)`.
    pub roster_index: Option<&'a RosterIndex<'a>>,
    /// The scorecard entries: rows, checked here, or a grid already checked by its maker.
    pub scores: Scores<'a>,
    /// The bonus and deduction events.
    pub events: &'a [Event],
    /// Count a missing score as 0 instead of refusing (docs/rules.md Art.7).
    pub missing_as_zero: bool,
}

/// A quarter's scorecard entries (Art.7), in one of two forms.
#[derive(Debug, Clone, Copy)]
pub enum Scores<'a> {
    /// Score rows, as small callers hold them (tests, `explain`): every row is checked
    /// (quarter, item, subject, range, duplicates) and placed in a grid here.
    Rows(&'a [Score]),
    /// The compact grid of one quarter (a reader's or a store's), every cell already
    /// checked: villages numbered in order of first appearance in the roster, cadres by
    /// roster position, items by [`kaohe_domain::ItemColumns`] of the policy.
    Grid(&'a ScoreGrid),
}

impl<'a> From<&'a [Score]> for Scores<'a> {
    fn from(rows: &'a [Score]) -> Self {
        Scores::Rows(rows)
    }
}

impl<'a> From<&'a Vec<Score>> for Scores<'a> {
    fn from(rows: &'a Vec<Score>) -> Self {
        Scores::Rows(rows)
    }
}

impl<'a> From<&'a ScoreGrid> for Scores<'a> {
    fn from(grid: &'a ScoreGrid) -> Self {
        Scores::Grid(grid)
    }
}

/// A row-major matrix of `rows × width` cells.
#[derive(Debug)]
struct Matrix<T> {
    width: usize,
    cells: Vec<T>,
}

impl<T: Copy> Matrix<T> {
    fn new(rows: usize, width: usize, fill: T) -> Self {
        Matrix {
            width,
            cells: vec![fill; rows * width],
        }
    }
    fn row(&self, r: usize) -> &[T] {
        &self.cells[r * self.width..(r + 1) * self.width]
    }
    fn row_mut(&mut self, r: usize) -> &mut [T] {
        &mut self.cells[r * self.width..(r + 1) * self.width]
    }
}

/// How many threads to use for `work` rows: one for a small county, else the machine's
/// parallelism (at most 8). Results never depend on it.
fn threads_for(work: usize) -> usize {
    if work < 200_000 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    }
}

/// The result of a finished scoped thread; a panic in it goes on in the caller.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The points of one item for one assessed cadre (Art.7), as [`Scorecards::items`] lists
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemScore<'a> {
    /// The section of the item.
    pub section: &'a Section,
    /// The item.
    pub item: &'a Item,
    /// The points scored; `None` when the score was missing and counted as 0 on request.
    pub points: Option<Points>,
}

/// One event's contribution to a cadre's total (Art.8), as [`Scorecards::events`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventContribution<'a> {
    /// The event.
    pub event: &'a Event,
    /// Its points: positive adds to `bonus`, negative to `deduction`.
    pub points: Points,
}

/// The scores of every cadre assessed in a quarter (Art.7–9).
///
/// Cadres are numbered `0..len()` in roster order; use [`Scorecards::position`] to find one
/// by id. All figures are exact.
#[derive(Debug)]
pub struct Scorecards<'a> {
    quarter: Quarter,
    policy: &'a Policy,
    roster: &'a [Cadre],
    events: &'a [Event],
    /// Roster position of each assessed cadre.
    assessed: Vec<u32>,
    /// Village index of each assessed cadre.
    village_of: Vec<u32>,
    /// `len × sections` subtotals in hundredths (each at most 10,000: the card has 100 points).
    subtotals: Matrix<i32>,
    /// Art.7 `base_score` of each assessed cadre in hundredths (at most 10,000).
    base: Vec<i32>,
    events_counted: EventTotals,
    /// The place of each item, in rubric order.
    places: Vec<art7::Column>,
    points: ItemPoints<'a>,
}

fn pts(h: i64) -> Points {
    Points::from_hundredths(h)
}

impl<'a> Scorecards<'a> {
    /// The quarter scored.
    pub fn quarter(&self) -> Quarter {
        self.quarter
    }
    /// The policy used.
    pub fn policy(&self) -> &'a Policy {
        self.policy
    }
    /// Number of assessed cadres.
    pub fn len(&self) -> usize {
        self.assessed.len()
    }
    /// Whether no cadre is assessed.
    pub fn is_empty(&self) -> bool {
        self.assessed.is_empty()
    }
    /// The `i`-th assessed cadre.
    pub fn cadre(&self, i: usize) -> &'a Cadre {
        &self.roster[self.assessed[i] as usize]
    }
    /// The index of the assessed cadre with this id (a linear scan: for `explain`).
    pub fn position(&self, id: &CadreId) -> Option<usize> {
        (0..self.len()).find(|&i| self.cadre(i).id == *id)
    }
    /// Art.7: the sum of the cadre's item points.
    pub fn base_score(&self, i: usize) -> Points {
        pts(i64::from(self.base[i]))
    }
    /// Art.8: the sum of the cadre's positive event points.
    pub fn bonus(&self, i: usize) -> Points {
        pts(self.events_counted.bonus[i])
    }
    /// Art.8: the sum of the absolute values of the cadre's negative event points.
    pub fn deduction(&self, i: usize) -> Points {
        pts(self.events_counted.deduction[i])
    }
    /// Art.9: `base_score + bonus − deduction`, no cap and no floor.
    pub fn total(&self, i: usize) -> Points {
        pts(self.total_hundredths(i))
    }
    /// [`Scorecards::total`] in hundredths of a point (exact), for sorting.
    pub fn total_hundredths(&self, i: usize) -> i64 {
        i64::from(self.base[i]) + self.events_counted.bonus[i] - self.events_counted.deduction[i]
    }
    /// Art.7: the subtotal of section `s` (index into `policy.sections`).
    pub fn section_subtotal(&self, i: usize, s: usize) -> Points {
        pts(i64::from(self.subtotals.row(i)[s]))
    }
    /// Art.7: every section with the cadre's subtotal, in policy order.
    pub fn section_subtotals(&self, i: usize) -> impl Iterator<Item = (&'a Section, Points)> + '_ {
        self.policy
            .sections
            .iter()
            .zip(self.subtotals.row(i))
            .map(|(s, &h)| (s, pts(i64::from(h))))
    }
    /// Art.7: every item with the cadre's points (the village's for a village item), in
    /// rubric order.
    pub fn items(&self, i: usize) -> impl Iterator<Item = ItemScore<'a>> + '_ {
        let v = self.village_of[i] as usize;
        let r = self.assessed[i] as usize;
        self.policy
            .items()
            .zip(&self.places)
            .map(move |((_, section, item), place)| {
                let subject = match place.scope {
                    Scope::Village => v,
                    Scope::Cadre => r,
                };
                ItemScore {
                    section,
                    item,
                    // A refused score stops the computation: none is left here.
                    points: self
                        .points
                        .grid
                        .get(place.scope, subject, place.column)
                        .map(|h| pts(i64::from(h))),
                }
            })
    }
    /// Art.8: the events that count for the cadre, by date then event id.
    pub fn events(&self, i: usize) -> impl Iterator<Item = EventContribution<'a>> + '_ {
        self.events_counted
            .of(i)
            .map(|(e, points)| EventContribution {
                event: &self.events[e as usize],
                points,
            })
    }
}

/// Art.7–9: scores every cadre assessed in `input.quarter`.
///
/// - Art.7 / docs/rules.md Art.7: a village item is scored once per village and counts for every cadre of
///   the village assessed in the quarter; a cadre item is scored per cadre; `base_score` is
///   the sum. Points must lie in 0..=the item's maximum. A missing score is a problem named
///   once per (subject, item), unless `missing_as_zero`.
/// - Art.8 / docs/rules.md Art.8: an event counts in the quarter containing its date, for the cadres in
///   office on that date (every such cadre of the village for a village event; the cadre for
///   a cadre event). Its points are the policy's for its kind and level.
/// - Art.9: `total = base_score + bonus − deduction`, uncapped above and below.
///
/// # Errors
///
/// [`ScoringError::Input`] with every problem of the roster, scores and events of the
/// quarter. The policy is a [`Policy`], valid by construction: it is not checked again.
pub fn score_quarter<'a>(input: &ScoringInput<'a>) -> Result<Scorecards<'a>, ScoringError> {
    let ScoringInput {
        quarter,
        policy,
        roster,
        roster_index,
        scores,
        events,
        missing_as_zero,
    } = *input;
    let mut problems = Vec::new();
    let rubric = Rubric::new(policy);
    let county = County::new(roster, roster_index, quarter, &mut problems);

    // Art.7: item points by scope.
    let points = match scores {
        Scores::Grid(grid) => ItemPoints::from_grid(grid, quarter, &rubric, &county)?,
        Scores::Rows(scores) => {
            let rows = Rows {
                quarter,
                rubric: &rubric,
                county: &county,
            };
            ItemPoints::from_rows(rows, scores, &mut problems)
        }
    };
    if !missing_as_zero {
        problems.extend(points.missing(&rubric, &county));
    }
    // Art.8: events.
    let hits = art8::hits(policy, &county, quarter, events, &mut problems);
    if let Some(p) = Problems::new(quarter, problems) {
        return Err(ScoringError::Input(p));
    }

    // Art.7 subtotals and base score; Art.8 bonus and deduction.
    let (subtotals, base) = points.subtotals(&rubric, &county, policy.sections.len());
    let events_counted = EventTotals::new(hits, events, county.len());
    Ok(Scorecards {
        quarter,
        policy,
        events,
        subtotals,
        base,
        events_counted,
        roster,
        assessed: county.assessed,
        village_of: county.village_of,
        places: rubric.places,
        points,
    })
}
