//! A quarter's scores as the big paths write and read them: the compact grid (Art.7) with what
//! names its rows and columns, never one record per score.

use kaohe_domain::{KeyOrder, Quarter, Score, ScoreGrid, ScoreNames};

/// One quarter's scores to import: the grid and the names of its subjects and items.
#[derive(Debug, Clone, Copy)]
pub struct ScoreSheet<'a> {
    /// The names of the grid's subjects (the roster) and columns (the policy's items).
    pub names: &'a ScoreNames<'a>,
    /// The scores; every scored cell is written, every other one left as stored.
    pub grid: &'a ScoreGrid,
}

/// A quarter's stored scores read against a roster and a policy: those that fit them in the
/// grid, the rest as rows, so that a caller reports them exactly as it would any row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredScores {
    /// The stored scores that fit: a subject of the roster of its item's scope, an item of
    /// the policy, points within 0..=the item's maximum (Art.7).
    pub grid: ScoreGrid,
    /// Every other stored score of the quarter, by (subject, item) ascending (byte order).
    pub others: Vec<Score>,
}

impl StoredScores {
    /// An empty result of quarter `q` of the shape of `names`.
    pub fn empty(names: &ScoreNames<'_>, q: Quarter) -> StoredScores {
        StoredScores {
            grid: names.empty_grid(q),
            others: Vec::new(),
        }
    }

    /// Places a stored score: in the grid when it fits `names`, else among the others.
    /// `row` makes the record of one that does not fit.
    pub fn place(
        &mut self,
        names: &ScoreNames<'_>,
        (subject, item, points): (&str, &str, kaohe_domain::Points),
        row: impl FnOnce() -> Result<Score, crate::StoreError>,
    ) -> Result<(), crate::StoreError> {
        match names.cell(subject, item, points) {
            Some((scope, s, column, h)) => {
                // A store holds one score per key: a cell is never met twice.
                let _ = self.grid.set(scope, s, column, h);
            }
            None => self.others.push(row()?),
        }
        Ok(())
    }

    /// The number of stored scores of the quarter.
    pub fn len(&self) -> usize {
        self.grid.scored() + self.others.len()
    }

    /// Whether the quarter has no stored score.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f(subject, item, hundredths)` for every stored score, by (subject, item)
    /// ascending (byte order), as the rows a store keeps. `order` is `names.key_order()`.
    pub fn for_each_sorted(&self, order: &KeyOrder, mut f: impl FnMut(&str, &str, i64)) {
        let mut others = self.others.iter().peekable();
        order.for_each(&self.grid, |s, i, h| {
            while let Some(o) = others.next_if(|o| (o.subject.as_str(), o.item.as_str()) < (s, i)) {
                f(o.subject.as_str(), o.item.as_str(), o.points.hundredths());
            }
            f(s, i, i64::from(h));
        });
        for o in others {
            f(o.subject.as_str(), o.item.as_str(), o.points.hundredths());
        }
    }

    /// Every stored score as a row, by (subject, item) ascending: the one conversion for the
    /// callers that take rows (one cadre's archive, a commendation list, a quarter whose
    /// stored scores do not all fit its roster and policy).
    pub fn into_rows(self, names: &ScoreNames<'_>) -> Vec<Score> {
        let mut cells: Vec<Score> = names.rows(&self.grid).collect();
        cells.extend(self.others);
        cells.sort_by(|a, b| {
            (a.subject.as_str(), a.item.as_str()).cmp(&(b.subject.as_str(), b.item.as_str()))
        });
        cells
    }
}

/// The sheets of one import, checked (see [`crate::Store::import_score_sheets`]): each grid of
/// its names' shape, each quarter once. Returns them by quarter ascending, as keys sort.
pub fn checked_sheets<'s, 'a>(
    sheets: &'s [ScoreSheet<'a>],
) -> Result<Vec<&'s ScoreSheet<'a>>, crate::StoreError> {
    let mut by_quarter: Vec<&ScoreSheet<'a>> = sheets.iter().collect();
    by_quarter.sort_by_key(|s| s.grid.quarter());
    for (k, s) in by_quarter.iter().enumerate() {
        if !s.names.fits(s.grid) {
            return Err(crate::StoreError::Rejected(format!(
                "the scores of {} do not have the shape of their roster and policy",
                s.grid.quarter()
            )));
        }
        if k > 0 && by_quarter[k - 1].grid.quarter() == s.grid.quarter() {
            return Err(crate::StoreError::Rejected(format!(
                "the scores of {} are given twice in one import",
                s.grid.quarter()
            )));
        }
    }
    Ok(by_quarter)
}
