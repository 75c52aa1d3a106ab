//! Art.7: the scorecard. Item points by scope (a village item is scored once per village and
//! counts for every cadre of the village; a cadre item is scored per cadre), each within
//! 0..=the item's maximum; section subtotals; `base_score`, their sum.

use std::borrow::Cow;

use kaohe_domain::{
    Item, ItemColumns, Points, Policy, Quarter, Scope, Score, ScoreGrid, Subject, score_cell_points,
};

use crate::county::{County, Index, Set};
use crate::{Matrix, Problem, ScoringError};

/// Where an item sits: the matrix of its scope and its column there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub(crate) scope: Scope,
    pub(crate) column: usize,
}

/// The columns of one scope's matrix: the section and the item of each.
#[derive(Debug, Default)]
pub(crate) struct Columns<'a> {
    section: Vec<usize>,
    item: Vec<&'a Item>,
}

impl Columns<'_> {
    pub(crate) fn len(&self) -> usize {
        self.section.len()
    }
}

/// The policy's rubric, interned: every item's place and maximum.
#[derive(Debug)]
pub(crate) struct Rubric<'a> {
    /// Item id → rubric position.
    index: Index<'a>,
    /// The place of each item, in rubric order.
    pub(crate) places: Vec<Column>,
    /// The maximum of each item in hundredths; at most 100 points (the rubric adds up to 100),
    /// so any valid score fits a `u16`.
    max: Vec<u16>,
    pub(crate) village: Columns<'a>,
    pub(crate) cadre: Columns<'a>,
    /// The grid's columns of the rubric.
    pub(crate) columns: ItemColumns,
}

impl<'a> Rubric<'a> {
    /// `policy` must be valid.
    pub(crate) fn new(policy: &'a Policy) -> Self {
        let mut rubric = Rubric {
            index: Index::with_capacity(64),
            places: Vec::new(),
            max: Vec::new(),
            village: Columns::default(),
            cadre: Columns::default(),
            columns: ItemColumns::new(policy),
        };
        for (s, section, item) in policy.items() {
            let columns = match section.scope {
                Scope::Village => &mut rubric.village,
                Scope::Cadre => &mut rubric.cadre,
            };
            rubric.places.push(Column {
                scope: section.scope,
                column: columns.len(),
            });
            columns.section.push(s);
            columns.item.push(item);
            // A valid policy has no repeated item id.
            let _ = rubric.index.push(item.id.as_str());
            rubric
                .max
                .push(u16::try_from(item.max.hundredths()).unwrap_or(u16::MAX));
        }
        rubric
    }
}

/// The item points of a quarter (Art.7): the grid of villages × village items and roster
/// cadres × cadre items, given by the caller or built here from score rows.
#[derive(Debug)]
pub(crate) struct ItemPoints<'g> {
    pub(crate) grid: Cow<'g, ScoreGrid>,
    /// Cells given a score out of range (from rows only): present for the missing check and
    /// the duplicate check, never summed (their quarter is refused).
    refused: Set<(Scope, usize)>,
}

/// A score row resolved to its cell.
#[derive(Debug)]
struct Placement<'s> {
    row: &'s Score,
    scope: Scope,
    subject: usize,
    column: usize,
    /// `None`: out of range (refused).
    value: Option<u16>,
}

/// Rows resolved by one thread at a time; the placements of a block wait to be placed.
const BLOCK: usize = 1 << 16;

/// What resolving a score row needs, shared by the worker threads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rows<'c, 'a> {
    pub(crate) quarter: Quarter,
    pub(crate) rubric: &'c Rubric<'a>,
    pub(crate) county: &'c County<'a>,
}

impl<'g> ItemPoints<'g> {
    /// Art.7: takes a grid built by the caller (a reader or a store), checked whole and
    /// valid, once its shape is seen to fit the quarter, the roster and the rubric.
    pub(crate) fn from_grid(
        grid: &'g ScoreGrid,
        quarter: Quarter,
        rubric: &Rubric<'_>,
        county: &County<'_>,
    ) -> Result<Self, ScoringError> {
        let shape = |v: usize, vw: usize, c: usize, cw: usize| format!("{v} × {vw}, {c} × {cw}");
        let (vw, cw) = (rubric.village.len(), rubric.cadre.len());
        let fits = grid.quarter() == quarter
            && grid.width(Scope::Village) == vw
            && grid.width(Scope::Cadre) == cw
            && grid.subjects(Scope::Village) == county.n_villages()
            && grid.subjects(Scope::Cadre) == county.roster.len();
        if !fits {
            return Err(ScoringError::GridMismatch {
                quarter,
                got_quarter: grid.quarter(),
                grid: shape(
                    grid.subjects(Scope::Village),
                    grid.width(Scope::Village),
                    grid.subjects(Scope::Cadre),
                    grid.width(Scope::Cadre),
                ),
                expected: shape(county.n_villages(), vw, county.roster.len(), cw),
            });
        }
        Ok(ItemPoints {
            grid: Cow::Borrowed(grid),
            refused: Set::default(),
        })
    }

    /// Art.7: checks and records every score row of the quarter. Rows are resolved to their
    /// cells on threads over consecutive blocks, then placed in input order on this thread: a
    /// second score of a cell is a duplicate, so the problems found never depend on the
    /// number of threads.
    pub(crate) fn from_rows(
        rows: Rows<'_, '_>,
        scores: &[Score],
        problems: &mut Vec<Problem>,
    ) -> Self {
        let grid = ScoreGrid::new(
            rows.quarter,
            &rows.rubric.columns,
            rows.county.n_villages(),
            rows.county.roster.len(),
        );
        let mut points = ItemPoints {
            grid: Cow::Owned(grid),
            refused: Set::default(),
        };
        let threads = crate::threads_for(scores.len());
        for block in scores.chunks(threads * BLOCK) {
            let parts: Vec<(Vec<Placement<'_>>, Vec<Problem>)> = if threads == 1 {
                vec![rows.resolve(block)]
            } else {
                std::thread::scope(|s| {
                    let handles: Vec<_> = block
                        .chunks(BLOCK)
                        .map(|part| s.spawn(move || rows.resolve(part)))
                        .collect();
                    handles.into_iter().map(crate::joined).collect()
                })
            };
            for (placements, found) in parts {
                problems.extend(found);
                for p in placements {
                    points.place(p, problems);
                }
            }
        }
        points
    }

    fn place(&mut self, p: Placement<'_>, problems: &mut Vec<Problem>) {
        let cell = (p.scope, p.subject * self.grid.width(p.scope) + p.column);
        let taken = self.grid.get(p.scope, p.subject, p.column).is_some()
            || self.refused.contains(&cell)
            || match p.value {
                Some(h) => self
                    .grid
                    .to_mut()
                    .set(p.scope, p.subject, p.column, h)
                    .is_err(),
                None => !self.refused.insert(cell),
            };
        if taken {
            problems.push(Problem::DuplicateScore {
                subject: p.row.subject.clone(),
                item: p.row.item.clone(),
            });
        }
    }

    /// Whether a cell has a score (in range or refused).
    fn given(&self, scope: Scope, subject: usize, column: usize) -> bool {
        self.grid.get(scope, subject, column).is_some()
            || self
                .refused
                .contains(&(scope, subject * self.grid.width(scope) + column))
    }

    /// Art.7: a missing score is a problem, named once per (subject, item): a village item
    /// once per village with an assessed cadre.
    pub(crate) fn missing(&self, rubric: &Rubric<'_>, county: &County<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut scan = |scope: Scope, s: usize, subject: Subject, items: &Columns<'_>| {
            for col in 0..items.len() {
                if !self.given(scope, s, col) {
                    problems.push(Problem::MissingScore {
                        subject: subject.clone(),
                        item: items.item[col].id.clone(),
                        scope,
                    });
                }
            }
        };
        for v in 0..county.n_villages() {
            if county.members(v).is_empty() || rubric.village.len() == 0 {
                continue;
            }
            let village = county.index.village_code(v);
            scan(Scope::Village, v, Subject::from(village), &rubric.village);
        }
        for a in 0..county.len() {
            if rubric.cadre.len() == 0 {
                break;
            }
            let r = county.assessed[a] as usize;
            scan(
                Scope::Cadre,
                r,
                Subject::from(&county.cadre(a).id),
                &rubric.cadre,
            );
        }
        problems
    }

    /// Art.7: the section subtotals of every assessed cadre (the village's items once per
    /// village, plus the cadre's own), in hundredths, and `base_score`, their sum.
    ///
    /// Every cell lies within its item's maximum (checked by the grid's maker, or here for
    /// rows), so a subtotal is at most its section's maximum and `base_score` at most the
    /// card's 100 points: 10,000 hundredths, which an `i32` holds exactly.
    pub(crate) fn subtotals(
        &self,
        rubric: &Rubric<'_>,
        county: &County<'_>,
        n_sections: usize,
    ) -> (Matrix<i32>, Vec<i32>) {
        fn add(row: &mut [i32], cells: impl Iterator<Item = Option<u16>>, section: &[usize]) {
            for (col, cell) in cells.enumerate() {
                row[section[col]] += cell.map_or(0, i32::from);
            }
        }
        let mut village = Matrix::new(county.n_villages(), n_sections, 0i32);
        if rubric.village.len() > 0 {
            for v in 0..county.n_villages() {
                let cells = self.grid.row(Scope::Village, v);
                add(village.row_mut(v), cells, &rubric.village.section);
            }
        }
        let mut subtotals = Matrix::new(county.len(), n_sections, 0i32);
        let mut base = Vec::with_capacity(county.len());
        for a in 0..county.len() {
            let row = subtotals.row_mut(a);
            row.copy_from_slice(village.row(county.village_of[a] as usize));
            if rubric.cadre.len() > 0 {
                let cells = self.grid.row(Scope::Cadre, county.assessed[a] as usize);
                add(row, cells, &rubric.cadre.section);
            }
            base.push(row.iter().sum());
        }
        (subtotals, base)
    }
}

impl Rows<'_, '_> {
    /// Art.7: resolves a run of score rows to their cells, each row judged on its own
    /// (unknown item or subject, points out of range).
    fn resolve<'s>(self, rows: &'s [Score]) -> (Vec<Placement<'s>>, Vec<Problem>) {
        let (mut placements, mut problems) = (Vec::with_capacity(rows.len()), Vec::new());
        // Rows come grouped by subject: most name the subject of the row before.
        let (mut village_hint, mut cadre_hint) = (0, 0);
        for s in rows.iter().filter(|s| s.quarter == self.quarter) {
            let Some(it) = self.rubric.index.get(s.item.as_str()) else {
                problems.push(Problem::UnknownItem {
                    subject: s.subject.clone(),
                    item: s.item.clone(),
                });
                continue;
            };
            let Column { scope, column } = self.rubric.places[it as usize];
            let subject = match scope {
                Scope::Village => self
                    .county
                    .index
                    .village_near(s.subject.as_str().as_bytes(), &mut village_hint)
                    .map(Some),
                // `None` inside: a cadre of the roster not assessed in the quarter, nothing
                // to count in.
                Scope::Cadre => self
                    .county
                    .index
                    .cadre_near(s.subject.as_str().as_bytes(), &mut cadre_hint)
                    .map(|r| self.county.position[r].map(|_| r)),
            };
            let subject = match subject {
                Some(Some(row)) => row,
                Some(None) => continue,
                None => {
                    problems.push(Problem::UnknownScoreSubject {
                        subject: s.subject.clone(),
                        item: s.item.clone(),
                        scope,
                    });
                    continue;
                }
            };
            let max = self.rubric.max[it as usize];
            let value = score_cell_points(s.points, Points::from_hundredths(i64::from(max))).ok();
            if value.is_none() {
                problems.push(Problem::PointsOutOfRange {
                    subject: s.subject.clone(),
                    item: s.item.clone(),
                    points: s.points,
                    max: Points::from_hundredths(i64::from(max)),
                });
            }
            placements.push(Placement {
                row: s,
                scope,
                subject,
                column,
                value,
            });
        }
        (placements, problems)
    }
}
