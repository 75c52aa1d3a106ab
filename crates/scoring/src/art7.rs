//! Art.7: the scorecard. Item points by scope (a village item is scored once per village and
//! counts for every cadre of the village; a cadre item is scored per cadre), each within
//! 0..=the item's maximum; section subtotals; `base_score`, their sum.

use kaohe_domain::{Item, Points, Policy, Quarter, Scope, Score, Subject};

use crate::county::{County, Index, Lookup};
use crate::{Matrix, Problem};

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

/// One cell of a points matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    /// No score given.
    Missing,
    /// A score was given but is out of range: present for the missing check, never summed.
    Refused,
    /// The points, in hundredths.
    Scored(u16),
}

impl Cell {
    /// The points counted in a subtotal, in hundredths.
    fn hundredths(self) -> i64 {
        match self {
            Cell::Scored(h) => i64::from(h),
            Cell::Missing | Cell::Refused => 0,
        }
    }
}

/// The points of `p` in hundredths if `0 ≤ p ≤ max` (`max` in hundredths), without ever
/// overflowing on absurd values.
fn hundredths_within(p: Points, max: u16) -> Option<u16> {
    let d = p.to_decimal();
    if d.scale() == 2 {
        return u16::try_from(d.mantissa()).ok().filter(|&h| h <= max);
    }
    if p.is_negative() || p > Points::from_hundredths(i64::from(max)) {
        return None;
    }
    u16::try_from(p.hundredths()).ok()
}

/// The item points of a quarter: villages × village items and assessed cadres × cadre items.
#[derive(Debug)]
pub(crate) struct ItemPoints {
    pub(crate) village: Matrix<Cell>,
    pub(crate) cadre: Matrix<Cell>,
}

/// A score row resolved to its cell.
#[derive(Debug)]
struct Placement<'s> {
    row: &'s Score,
    scope: Scope,
    cell: usize,
    value: Cell,
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

impl ItemPoints {
    pub(crate) fn new(rubric: &Rubric<'_>, county: &County<'_>) -> Self {
        ItemPoints {
            village: Matrix::new(county.n_villages(), rubric.village.len(), Cell::Missing),
            cadre: Matrix::new(county.len(), rubric.cadre.len(), Cell::Missing),
        }
    }

    /// Art.7: checks and records every score row of the quarter. Rows are resolved to their
    /// cells on threads over consecutive blocks, then placed in input order on this thread: a
    /// second score of a cell is a duplicate, so the problems found never depend on the
    /// number of threads.
    pub(crate) fn record(
        &mut self,
        rows: Rows<'_, '_>,
        scores: &[Score],
        problems: &mut Vec<Problem>,
    ) {
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
                    self.place(p, problems);
                }
            }
        }
    }

    fn place(&mut self, p: Placement<'_>, problems: &mut Vec<Problem>) {
        let matrix = match p.scope {
            Scope::Village => &mut self.village,
            Scope::Cadre => &mut self.cadre,
        };
        let cell = &mut matrix.cells[p.cell];
        if *cell == Cell::Missing {
            *cell = p.value;
        } else {
            problems.push(Problem::DuplicateScore {
                subject: p.row.subject.clone(),
                item: p.row.item.clone(),
            });
        }
    }

    /// Art.7: a missing score is a problem, named once per (subject, item): a village item
    /// once per village with an assessed cadre.
    pub(crate) fn missing(&self, rubric: &Rubric<'_>, county: &County<'_>) -> Vec<Problem> {
        let mut problems = Vec::new();
        for v in 0..county.n_villages() {
            if county.members(v).is_empty() {
                continue;
            }
            let village = &county.roster[county.first_cadre[v]].village;
            for (col, _) in self
                .village
                .row(v)
                .iter()
                .enumerate()
                .filter(|c| *c.1 == Cell::Missing)
            {
                problems.push(Problem::MissingScore {
                    subject: Subject::from(village),
                    item: rubric.village.item[col].id.clone(),
                    scope: Scope::Village,
                });
            }
        }
        for a in 0..county.len() {
            for (col, _) in self
                .cadre
                .row(a)
                .iter()
                .enumerate()
                .filter(|c| *c.1 == Cell::Missing)
            {
                problems.push(Problem::MissingScore {
                    subject: Subject::from(&county.cadre(a).id),
                    item: rubric.cadre.item[col].id.clone(),
                    scope: Scope::Cadre,
                });
            }
        }
        problems
    }

    /// Art.7: the section subtotals of every assessed cadre (the village's items once per
    /// village, plus the cadre's own), in hundredths, and `base_score`, their sum.
    pub(crate) fn subtotals(
        &self,
        rubric: &Rubric<'_>,
        county: &County<'_>,
        n_sections: usize,
    ) -> (Matrix<i64>, Vec<i64>) {
        let mut village = Matrix::new(county.n_villages(), n_sections, 0i64);
        for v in 0..county.n_villages() {
            let row = village.row_mut(v);
            for (col, cell) in self.village.row(v).iter().enumerate() {
                row[rubric.village.section[col]] += cell.hundredths();
            }
        }
        let mut subtotals = Matrix::new(county.len(), n_sections, 0i64);
        let mut base = Vec::with_capacity(county.len());
        for a in 0..county.len() {
            let row = subtotals.row_mut(a);
            row.copy_from_slice(village.row(county.village_of[a] as usize));
            for (col, cell) in self.cadre.row(a).iter().enumerate() {
                row[rubric.cadre.section[col]] += cell.hundredths();
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
        let mut villages = Lookup::new(&self.county.villages);
        let mut cadres = Lookup::new(&self.county.cadres);
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
                Scope::Village => villages.get(s.subject.as_str()).map(Some),
                // `None` inside: a cadre of the roster not assessed in the quarter, nothing
                // to count in.
                Scope::Cadre => cadres
                    .get(s.subject.as_str())
                    .map(|r| self.county.position[r as usize]),
            };
            let row = match subject {
                Some(Some(row)) => row as usize,
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
            let value = hundredths_within(s.points, max).map_or_else(
                || {
                    problems.push(Problem::PointsOutOfRange {
                        subject: s.subject.clone(),
                        item: s.item.clone(),
                        points: s.points,
                        max: Points::from_hundredths(i64::from(max)),
                    });
                    Cell::Refused
                },
                Cell::Scored,
            );
            let width = match scope {
                Scope::Village => self.rubric.village.len(),
                Scope::Cadre => self.rubric.cadre.len(),
            };
            placements.push(Placement {
                row: s,
                scope,
                cell: row * width + column,
                value,
            });
        }
        (placements, problems)
    }
}
