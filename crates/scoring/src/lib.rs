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
//! - **Interned, flat, integer.** Items, villages and cadres are mapped once to `u32` indices
//!   (one hash lookup per row, with a small cache keyed by the address of the shared `Arc<str>`
//!   text, so rows that share an id skip hashing); item points sit in flat matrices of `i32`
//!   hundredths and subtotals in flat `i64` hundredths. Every point has at most two decimals,
//!   so hundredths are exact and sums in integers are the exact decimal sums.
//! - **Order-free.** Nothing in the result depends on the order of the input: events of a
//!   cadre are listed by (date, event id), problems in their fixed order.
//! - **Two cores when it pays.** For a large input the roster's two indexes are built on two
//!   threads and the score rows are split among the machine's threads (at most 8); each row
//!   claims its cell by compare-and-swap, so a duplicate is found whichever thread sees it and
//!   the result is the same for any number of threads. Small counties stay on one thread.
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
//!     scores: &scores,
//!     events: &[],
//!     missing_as_zero: true,
//! })
//! .expect("scored");
//! assert_eq!(cards.len(), 1);
//! assert_eq!(cards.total(0), Points::parse("4")?);
//! # Ok::<(), kaohe_domain::ParseError>(())
//! ```

mod error;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::atomic::{AtomicI32, Ordering};

use foldhash::fast::FixedState;
use kaohe_domain::{
    Cadre, CadreId, Event, EventPoints, Item, Level, Points, Policy, Quarter, Scope, Score,
    Section, Subject, TownCode,
};

pub use error::{Problem, Problems, ScoringError};

type Map<K, V> = HashMap<K, V, FixedState>;

/// The input of [`score_quarter`]: everything Art.7–9 look at for one quarter.
#[derive(Debug, Clone, Copy)]
pub struct ScoringInput<'a> {
    /// The quarter scored. Scores of other quarters and events dated outside it are ignored.
    pub quarter: Quarter,
    /// The policy in force for the quarter (its rubric and event table).
    pub policy: &'a Policy,
    /// Every cadre of the roster; those in office on at least one day of the quarter are
    /// assessed (SPEC 2).
    pub roster: &'a [Cadre],
    /// The scorecard entries.
    pub scores: &'a [Score],
    /// The bonus and deduction events.
    pub events: &'a [Event],
    /// Count a missing score as 0 instead of refusing (SPEC 3.1).
    pub missing_as_zero: bool,
}

/// No score for the cell.
const MISSING: i32 = i32::MIN;
/// A score was given but refused (out of range): present for the missing check, never summed.
const REFUSED: i32 = i32::MIN + 1;
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct ItemInfo {
    scope: Scope,
    /// Column in the matrix of its scope.
    column: u32,
}

/// One event's contribution to one cadre (Art.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    cadre: u32,
    event: u32,
    points: i64,
}

/// A code → index map, built once and then only read (shared by the worker threads), with
/// the code of every index.
#[derive(Debug)]
struct Index<'a> {
    map: Map<&'a str, u32>,
    codes: Vec<&'a str>,
}

impl<'a> Index<'a> {
    fn with_capacity(n: usize) -> Self {
        Index {
            map: Map::with_capacity_and_hasher(n, FixedState::default()),
            codes: Vec::with_capacity(n),
        }
    }

    /// Adds `code` as the next index unless present; returns the index it already had.
    fn insert(&mut self, code: &'a str) -> Option<u32> {
        match self.map.entry(code) {
            Entry::Occupied(o) => Some(*o.get()),
            Entry::Vacant(e) => {
                e.insert(self.codes.len() as u32);
                self.codes.push(code);
                None
            }
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

/// A per-thread memo in front of an [`Index`]. Rows usually come grouped by subject (the same
/// code as the row before), in the order of the roster (the code after the previous one), and
/// share the `Arc<str>` of an item id (the same address and length is the same text while the
/// input is borrowed), so most rows skip hashing and its cache misses. A miss falls back to
/// the map: correctness never depends on grouping, order or sharing.
#[derive(Debug)]
struct Memo<'r> {
    last: (&'r str, u32),
    by_address: [(usize, usize, u32); 64],
}

impl<'r> Memo<'r> {
    fn new() -> Self {
        Memo {
            last: ("", u32::MAX),
            by_address: [(0, 0, 0); 64],
        }
    }

    fn get(&mut self, index: &Index<'_>, s: &'r str) -> Option<u32> {
        let (address, len) = (s.as_ptr() as usize, s.len());
        // Codes are never empty, so the initial "" never matches.
        if address == self.last.0.as_ptr() as usize && len == self.last.0.len() && len != 0 {
            return Some(self.last.1);
        }
        let slot = ((address >> 4) ^ (address >> 10)) & 63;
        let (a, l, v) = self.by_address[slot];
        let v = if a == address && l == len && l != 0 {
            v
        } else if len != 0 && s == self.last.0 {
            self.last.1
        } else {
            let next = self.last.1.wrapping_add(1);
            let v = match index.codes.get(next as usize) {
                Some(code) if same(s, code) => next,
                _ => *index.map.get(s)?,
            };
            self.by_address[slot] = (address, len, v);
            v
        };
        self.last = (s, v);
        Some(v)
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

/// Runs `a` and `b`, on two threads when `parallel`.
fn join<A: Send, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let h = s.spawn(a);
        let rb = b();
        let ra = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (ra, rb)
    })
}

/// The points of `p` in hundredths if `0 ≤ p ≤ max` (`max` in hundredths), without ever
/// overflowing on absurd values.
fn hundredths_within(p: Points, max: i64) -> Option<i64> {
    let d = p.to_decimal();
    if d.scale() == 2 {
        let m = d.mantissa();
        return (0..=i128::from(max)).contains(&m).then_some(m as i64);
    }
    (!p.is_negative() && p <= Points::from_hundredths(max)).then(|| p.hundredths())
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
    /// Roster index of each assessed cadre.
    assessed: Vec<u32>,
    /// Village index of each assessed cadre.
    village_of: Vec<u32>,
    n_sections: usize,
    /// `len × n_sections` subtotals in hundredths.
    subtotals: Vec<i64>,
    base: Vec<i64>,
    bonus: Vec<i64>,
    deduction: Vec<i64>,
    /// CSR over `hits`, `len + 1` offsets.
    hit_start: Vec<u32>,
    hits: Vec<Hit>,
    items: Vec<ItemInfo>,
    village_columns: usize,
    cadre_columns: usize,
    /// `villages × village_columns`, hundredths or [`MISSING`].
    village_points: Vec<i32>,
    /// `len × cadre_columns`, hundredths or [`MISSING`].
    cadre_points: Vec<i32>,
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
        pts(self.base[i])
    }
    /// Art.8: the sum of the cadre's positive event points.
    pub fn bonus(&self, i: usize) -> Points {
        pts(self.bonus[i])
    }
    /// Art.8: the sum of the absolute values of the cadre's negative event points.
    pub fn deduction(&self, i: usize) -> Points {
        pts(self.deduction[i])
    }
    /// Art.9: `base_score + bonus − deduction`, no cap and no floor.
    pub fn total(&self, i: usize) -> Points {
        pts(self.total_hundredths(i))
    }
    /// [`Scorecards::total`] in hundredths of a point (exact), for sorting.
    pub fn total_hundredths(&self, i: usize) -> i64 {
        self.base[i] + self.bonus[i] - self.deduction[i]
    }
    /// Art.7: the subtotal of section `s` (index into `policy.sections`).
    pub fn section_subtotal(&self, i: usize, s: usize) -> Points {
        pts(self.subtotals[i * self.n_sections + s])
    }
    /// Art.7: every section with the cadre's subtotal, in policy order.
    pub fn section_subtotals(&self, i: usize) -> impl Iterator<Item = (&'a Section, Points)> + '_ {
        let row = &self.subtotals[i * self.n_sections..(i + 1) * self.n_sections];
        self.policy
            .sections
            .iter()
            .zip(row)
            .map(|(s, &h)| (s, pts(h)))
    }
    /// Art.7: every item with the cadre's points (the village's for a village item), in
    /// rubric order.
    pub fn items(&self, i: usize) -> impl Iterator<Item = ItemScore<'a>> + '_ {
        let v = self.village_of[i] as usize;
        self.policy
            .items()
            .zip(&self.items)
            .map(move |((_, section, item), info)| {
                let h = match info.scope {
                    Scope::Village => {
                        self.village_points[v * self.village_columns + info.column as usize]
                    }
                    Scope::Cadre => {
                        self.cadre_points[i * self.cadre_columns + info.column as usize]
                    }
                };
                ItemScore {
                    section,
                    item,
                    points: (h != MISSING).then(|| pts(i64::from(h))),
                }
            })
    }
    /// Art.8: the events that count for the cadre, by date then event id.
    pub fn events(&self, i: usize) -> impl Iterator<Item = EventContribution<'a>> + '_ {
        let (a, b) = (self.hit_start[i] as usize, self.hit_start[i + 1] as usize);
        self.hits[a..b].iter().map(|h| EventContribution {
            event: &self.events[h.event as usize],
            points: pts(h.points),
        })
    }
}

/// Art.7–9: scores every cadre assessed in `input.quarter`.
///
/// - Art.7 / SPEC 3.1: a village item is scored once per village and counts for every cadre of
///   the village assessed in the quarter; a cadre item is scored per cadre; `base_score` is
///   the sum. Points must lie in 0..=the item's maximum. A missing score is a problem named
///   once per (subject, item), unless `missing_as_zero`.
/// - Art.8 / SPEC 3.2: an event counts in the quarter containing its date, for the cadres in
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
        scores,
        events,
        missing_as_zero,
    } = *input;
    let mut problems = Vec::new();

    // The rubric, interned: columns of the village and the cadre matrices.
    let mut items = Vec::new();
    let mut item_index = Index::with_capacity(64);
    let mut item_max = Vec::new();
    let mut column_section: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut column_item: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (s, section, item) in policy.items() {
        let side = usize::from(section.scope == Scope::Cadre);
        items.push(ItemInfo {
            scope: section.scope,
            column: column_section[side].len() as u32,
        });
        column_section[side].push(s);
        column_item[side].push(items.len() - 1);
        item_index.insert(item.id.as_str());
        item_max.push(item.max.hundredths());
    }
    let (village_columns, cadre_columns) = (column_section[0].len(), column_section[1].len());
    let item_refs: Vec<&Item> = policy.items().map(|(_, _, it)| it).collect();

    // The roster: cadres and villages, indexed on two threads for a large county.
    let parallel = threads_for(roster.len() * 4) > 1;
    let ((cadre_index, duplicates), villages) =
        join(parallel, || index_cadres(roster), || index_villages(roster));
    problems.extend(duplicates);
    problems.extend(villages.problems);
    let VillageIndex {
        index: village_index,
        first_cadre: village_code,
        of_roster: village_of_roster,
        ..
    } = villages;
    let mut assessed = Vec::new();
    let mut assessed_pos = vec![NONE; roster.len()];
    let mut village_of = Vec::new();
    for (r, c) in roster.iter().enumerate() {
        if c.assessed_in(quarter) {
            assessed_pos[r] = assessed.len() as u32;
            assessed.push(r as u32);
            village_of.push(village_of_roster[r]);
        }
    }
    drop(village_of_roster);
    let n_villages = village_code.len();
    let n = assessed.len();

    // Scores (Art.7), rows split among threads; a cell is claimed by compare-and-swap, so a
    // second score of the same (subject, item) is found whichever thread sees it.
    let village_cells: Vec<AtomicI32> = (0..n_villages * village_columns)
        .map(|_| AtomicI32::new(MISSING))
        .collect();
    let cadre_cells: Vec<AtomicI32> = (0..n * cadre_columns)
        .map(|_| AtomicI32::new(MISSING))
        .collect();
    let ctx = RowContext {
        quarter,
        items: &items,
        item_index: &item_index,
        item_max: &item_max,
        village_index: &village_index,
        cadre_index: &cadre_index,
        assessed_pos: &assessed_pos,
        village_cells: &village_cells,
        cadre_cells: &cadre_cells,
        village_columns,
        cadre_columns,
    };
    let threads = threads_for(scores.len());
    if threads == 1 {
        problems.extend(score_rows(&ctx, scores));
    } else {
        let chunk = scores.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = scores
                .chunks(chunk)
                .map(|rows| s.spawn(|| score_rows(&ctx, rows)))
                .collect();
            for h in handles {
                problems.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
    }
    let village_points: Vec<i32> = village_cells
        .into_iter()
        .map(AtomicI32::into_inner)
        .collect();
    let cadre_points: Vec<i32> = cadre_cells.into_iter().map(AtomicI32::into_inner).collect();

    // Who is in each village (CSR over assessed cadres), for missing scores and events.
    let mut village_start = vec![0u32; n_villages + 1];
    for &v in &village_of {
        village_start[v as usize + 1] += 1;
    }
    for v in 0..n_villages {
        village_start[v + 1] += village_start[v];
    }
    let mut village_members = vec![0u32; n];
    {
        let mut fill = village_start.clone();
        for (a, &v) in village_of.iter().enumerate() {
            village_members[fill[v as usize] as usize] = a as u32;
            fill[v as usize] += 1;
        }
    }

    // Missing scores, each (subject, item) once: a village item once per village.
    if !missing_as_zero {
        for v in 0..n_villages {
            if village_start[v] == village_start[v + 1] {
                continue;
            }
            let row = &village_points[v * village_columns..(v + 1) * village_columns];
            for (col, &h) in row.iter().enumerate() {
                if h == MISSING {
                    problems.push(Problem::MissingScore {
                        subject: Subject::from(&roster[village_code[v]].village),
                        item: item_refs[column_item[0][col]].id.clone(),
                        scope: Scope::Village,
                    });
                }
            }
        }
        for a in 0..n {
            let row = &cadre_points[a * cadre_columns..(a + 1) * cadre_columns];
            for (col, &h) in row.iter().enumerate() {
                if h == MISSING {
                    problems.push(Problem::MissingScore {
                        subject: Subject::from(&roster[assessed[a] as usize].id),
                        item: item_refs[column_item[1][col]].id.clone(),
                        scope: Scope::Cadre,
                    });
                }
            }
        }
    }

    // Events (Art.8).
    let mut hits: Vec<Hit> = Vec::new();
    let mut event_ids: Map<&str, u32> = Map::default();
    let (mut village_memo, mut cadre_memo) = (Memo::new(), Memo::new());
    for (e, ev) in events.iter().enumerate() {
        if !quarter.contains(ev.date) {
            continue;
        }
        if event_ids.insert(ev.id.as_str(), e as u32).is_some() {
            problems.push(Problem::DuplicateEvent {
                event: ev.id.clone(),
            });
            continue;
        }
        let Some(rule) = policy.event_rule(ev.kind.as_str()) else {
            problems.push(Problem::UnknownEventKind {
                event: ev.id.clone(),
                kind: ev.kind.clone(),
            });
            continue;
        };
        let points = rule.points_at(ev.level);
        let subject = match rule.scope {
            Scope::Village => village_memo.get(&village_index, ev.subject.as_str()),
            Scope::Cadre => cadre_memo.get(&cadre_index, ev.subject.as_str()),
        };
        if subject.is_none() {
            problems.push(Problem::UnknownEventSubject {
                event: ev.id.clone(),
                kind: ev.kind.clone(),
                subject: ev.subject.clone(),
                scope: rule.scope,
            });
        }
        let Some(points) = points else {
            let expected: Vec<Level> = match &rule.points {
                EventPoints::Levels(t) => t.keys().copied().collect(),
                EventPoints::Flat(_) => Vec::new(),
            };
            problems.push(Problem::LevelMismatch {
                event: ev.id.clone(),
                kind: ev.kind.clone(),
                level: ev.level,
                expected,
            });
            continue;
        };
        let Some(subject) = subject else { continue };
        let points = points.hundredths();
        let mut hit = |a: u32| {
            if roster[assessed[a as usize] as usize].in_office_on(ev.date) {
                hits.push(Hit {
                    cadre: a,
                    event: e as u32,
                    points,
                });
            }
        };
        match rule.scope {
            Scope::Village => {
                let v = subject as usize;
                let members =
                    &village_members[village_start[v] as usize..village_start[v + 1] as usize];
                members.iter().for_each(|&a| hit(a));
            }
            Scope::Cadre => {
                let a = assessed_pos[subject as usize];
                if a != NONE {
                    hit(a);
                }
            }
        }
    }

    if let Some(p) = Problems::new(quarter, problems) {
        return Err(ScoringError::Input(p));
    }

    // Subtotals and totals, in hundredths. Village subtotals once per village.
    let ns = policy.sections.len();
    let value = |h: i32| if h < 0 { 0 } else { i64::from(h) };
    let mut village_subtotals = vec![0i64; n_villages * ns];
    for v in 0..n_villages {
        let row = &village_points[v * village_columns..(v + 1) * village_columns];
        for (col, &h) in row.iter().enumerate() {
            village_subtotals[v * ns + column_section[0][col]] += value(h);
        }
    }
    let mut subtotals = vec![0i64; n * ns];
    let mut base = vec![0i64; n];
    for a in 0..n {
        let row = &mut subtotals[a * ns..(a + 1) * ns];
        let v = village_of[a] as usize;
        row.copy_from_slice(&village_subtotals[v * ns..(v + 1) * ns]);
        let crow = &cadre_points[a * cadre_columns..(a + 1) * cadre_columns];
        for (col, &h) in crow.iter().enumerate() {
            row[column_section[1][col]] += value(h);
        }
        base[a] = row.iter().sum();
    }

    hits.sort_unstable_by(|x, y| {
        let (ex, ey) = (&events[x.event as usize], &events[y.event as usize]);
        x.cadre
            .cmp(&y.cadre)
            .then(ex.date.cmp(&ey.date))
            .then_with(|| ex.id.cmp(&ey.id))
    });
    let mut bonus = vec![0i64; n];
    let mut deduction = vec![0i64; n];
    let mut hit_start = vec![0u32; n + 1];
    for h in &hits {
        hit_start[h.cadre as usize + 1] += 1;
        if h.points >= 0 {
            bonus[h.cadre as usize] += h.points;
        } else {
            deduction[h.cadre as usize] -= h.points;
        }
    }
    for a in 0..n {
        hit_start[a + 1] += hit_start[a];
    }

    Ok(Scorecards {
        quarter,
        policy,
        roster,
        events,
        assessed,
        village_of,
        n_sections: ns,
        subtotals,
        base,
        bonus,
        deduction,
        hit_start,
        hits,
        items,
        village_columns,
        cadre_columns,
        village_points,
        cadre_points,
    })
}

/// The cadre index of a roster, and a problem per repeated id.
fn index_cadres(roster: &[Cadre]) -> (Index<'_>, Vec<Problem>) {
    let mut index = Index::with_capacity(roster.len());
    let mut problems = Vec::new();
    for c in roster {
        if index.insert(c.id.as_str()).is_some() {
            problems.push(Problem::DuplicateCadre {
                cadre: c.id.clone(),
            });
            // Keep indices equal to roster positions: a repeated id gets its own slot,
            // unreachable by lookup (the error stops the computation anyway).
            index.codes.push(c.id.as_str());
        }
    }
    (index, problems)
}

/// The villages of a roster.
struct VillageIndex<'a> {
    index: Index<'a>,
    /// Roster index of the first cadre seen of each village.
    first_cadre: Vec<usize>,
    /// Village index of each roster cadre.
    of_roster: Vec<u32>,
    /// A village under two towns.
    problems: Vec<Problem>,
}

fn index_villages(roster: &[Cadre]) -> VillageIndex<'_> {
    let mut index = Index::with_capacity(roster.len() / 4 + 16);
    let mut memo = Memo::new();
    let mut first_cadre = Vec::new();
    let mut of_roster = Vec::with_capacity(roster.len());
    let mut conflicted = Vec::new();
    for (r, c) in roster.iter().enumerate() {
        let v = match memo.get(&index, c.village.as_str()) {
            Some(v) => v,
            None => {
                index.insert(c.village.as_str());
                first_cadre.push(r);
                (first_cadre.len() - 1) as u32
            }
        };
        if roster[first_cadre[v as usize]].town != c.town {
            conflicted.push(v);
        }
        of_roster.push(v);
    }
    // Every town of each village found under two, whatever the roster order.
    let mut problems = Vec::new();
    if !conflicted.is_empty() {
        conflicted.sort_unstable();
        conflicted.dedup();
        let mut towns: Map<u32, Vec<&TownCode>> =
            conflicted.iter().map(|&v| (v, Vec::new())).collect();
        for (c, &v) in roster.iter().zip(&of_roster) {
            if let Some(t) = towns.get_mut(&v) {
                t.push(&c.town);
            }
        }
        for v in conflicted {
            let mut t = towns.remove(&v).unwrap_or_default();
            t.sort_unstable();
            t.dedup();
            problems.push(Problem::VillageInTwoTowns {
                village: roster[first_cadre[v as usize]].village.clone(),
                towns: t.into_iter().cloned().collect(),
            });
        }
    }
    VillageIndex {
        index,
        first_cadre,
        of_roster,
        problems,
    }
}

/// What a worker needs to score its rows.
struct RowContext<'c, 'a> {
    quarter: Quarter,
    items: &'c [ItemInfo],
    item_index: &'c Index<'a>,
    item_max: &'c [i64],
    village_index: &'c Index<'a>,
    cadre_index: &'c Index<'a>,
    assessed_pos: &'c [u32],
    village_cells: &'c [AtomicI32],
    cadre_cells: &'c [AtomicI32],
    village_columns: usize,
    cadre_columns: usize,
}

/// Art.7: checks and records a run of score rows; returns their problems. Every row is judged
/// on its own (unknown item or subject, out of range), and a row whose cell is already taken
/// is a duplicate, so the problems found do not depend on how rows are split or ordered.
fn score_rows(ctx: &RowContext<'_, '_>, rows: &[Score]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let (mut item_memo, mut village_memo, mut cadre_memo) = (Memo::new(), Memo::new(), Memo::new());
    for s in rows {
        if s.quarter != ctx.quarter {
            continue;
        }
        let Some(it) = item_memo.get(ctx.item_index, s.item.as_str()) else {
            problems.push(Problem::UnknownItem {
                subject: s.subject.clone(),
                item: s.item.clone(),
            });
            continue;
        };
        let info = ctx.items[it as usize];
        let column = info.column as usize;
        let cell = match info.scope {
            Scope::Village => village_memo
                .get(ctx.village_index, s.subject.as_str())
                .map(|v| &ctx.village_cells[v as usize * ctx.village_columns + column]),
            Scope::Cadre => match cadre_memo.get(ctx.cadre_index, s.subject.as_str()) {
                // A cadre of the roster not assessed in the quarter: nothing to count in.
                Some(r) if ctx.assessed_pos[r as usize] == NONE => continue,
                Some(r) => Some(
                    &ctx.cadre_cells
                        [ctx.assessed_pos[r as usize] as usize * ctx.cadre_columns + column],
                ),
                None => None,
            },
        };
        let Some(cell) = cell else {
            problems.push(Problem::UnknownScoreSubject {
                subject: s.subject.clone(),
                item: s.item.clone(),
                scope: info.scope,
            });
            continue;
        };
        let max = ctx.item_max[it as usize];
        // 0 ≤ points ≤ max ≤ 100 (the rubric adds up to 100): fits i32 hundredths.
        let value = match hundredths_within(s.points, max) {
            Some(h) => h as i32,
            None => {
                problems.push(Problem::PointsOutOfRange {
                    subject: s.subject.clone(),
                    item: s.item.clone(),
                    points: s.points,
                    max: Points::from_hundredths(max),
                });
                REFUSED
            }
        };
        if cell
            .compare_exchange(MISSING, value, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            problems.push(Problem::DuplicateScore {
                subject: s.subject.clone(),
                item: s.item.clone(),
            });
        }
    }
    problems
}
