//! The compact form of one quarter's scores (Art.7): one cell per (subject, item), points in
//! integer hundredths, subjects and items numbered densely.
//!
//! Numbering, shared by the readers, the engine and the stores:
//! - a **village** is numbered in order of first appearance in the roster;
//! - a **cadre** is numbered by roster position;
//! - an **item** is numbered within its scope, in rubric order ([`ItemColumns`]).
//!
//! The strings (codes, ids) are not kept here: they are the roster's and the policy's, kept
//! once, for output.

use crate::{Points, Policy, Quarter, Scope};

/// Why a score's points do not fit its item (Art.7: 0 ≤ points ≤ the item's maximum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// Below 0.
    BelowZero,
    /// Above the item's maximum.
    AboveMaximum,
}

/// Art.7: the points of item I lie in 0 ≤ p ≤ the item's maximum, with at most two decimals
/// (every [`Points`] has), one score per (subject, item) cell ([`ScoreGrid::set`]). Given the
/// points and the maximum in hundredths, the cell's value; the one range check of a score,
/// for the readers and the engine alike.
pub fn score_cell(hundredths: i64, max: i64) -> Result<u16, OutOfRange> {
    if hundredths < 0 {
        Err(OutOfRange::BelowZero)
    } else if hundredths > max {
        Err(OutOfRange::AboveMaximum)
    } else {
        u16::try_from(hundredths).map_err(|_| OutOfRange::AboveMaximum)
    }
}

/// [`score_cell`] for points of any size (a value beyond `i64` hundredths is out of range on
/// its side of 0).
pub fn score_cell_points(points: Points, max: Points) -> Result<u16, OutOfRange> {
    match points.checked_hundredths() {
        Some(h) => score_cell(h, max.hundredths()),
        None if points.is_negative() => Err(OutOfRange::BelowZero),
        None => Err(OutOfRange::AboveMaximum),
    }
}

/// Where each item of a policy sits in a [`ScoreGrid`]: its scope and its column there, in
/// rubric order (Art.7: village items are scored per village, cadre items per cadre). The
/// default has no item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemColumns {
    /// (scope, column) of each item, in rubric order.
    places: Vec<(Scope, usize)>,
    village: usize,
    cadre: usize,
}

impl ItemColumns {
    /// The columns of `policy`'s rubric.
    pub fn new(policy: &Policy) -> ItemColumns {
        let (mut village, mut cadre) = (0, 0);
        let places = policy
            .items()
            .map(|(_, section, _)| {
                let next = match section.scope {
                    Scope::Village => &mut village,
                    Scope::Cadre => &mut cadre,
                };
                *next += 1;
                (section.scope, *next - 1)
            })
            .collect();
        ItemColumns {
            places,
            village,
            cadre,
        }
    }

    /// The scope and column of the `i`-th item of the rubric.
    pub fn place(&self, i: usize) -> (Scope, usize) {
        self.places[i]
    }

    /// Every item's (scope, column), in rubric order.
    pub fn places(&self) -> &[(Scope, usize)] {
        &self.places
    }

    /// The number of items of `scope`.
    pub fn width(&self, scope: Scope) -> usize {
        match scope {
            Scope::Village => self.village,
            Scope::Cadre => self.cadre,
        }
    }
}

/// The cells of one scope: each cell's points in hundredths, and one bit per cell saying
/// whether it is scored (a cell not scored holds 0, never read as points).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cells {
    values: Vec<u16>,
    scored: Vec<u64>,
}

impl Cells {
    fn new(n: usize) -> Cells {
        Cells {
            values: vec![0; n],
            scored: vec![0; n.div_ceil(64)],
        }
    }

    fn is_scored(&self, k: usize) -> bool {
        self.scored[k / 64] >> (k % 64) & 1 == 1
    }

    fn get(&self, k: usize) -> Option<u16> {
        let value = self.values[k];
        self.is_scored(k).then_some(value)
    }

    fn set(&mut self, k: usize, hundredths: u16) -> Result<(), u16> {
        let value = &mut self.values[k];
        if self.scored[k / 64] >> (k % 64) & 1 == 1 {
            return Err(*value);
        }
        *value = hundredths;
        self.scored[k / 64] |= 1 << (k % 64);
        Ok(())
    }

    fn count(&self) -> usize {
        self.scored.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// One quarter's scores (Art.7) in compact form: villages × village items and roster cadres ×
/// cadre items, each cell the points in hundredths or not scored.
///
/// Every item's maximum is at most 100 points (the rubric adds up to 100), so a valid score
/// fits a `u16` of hundredths exactly; whether a cell is scored is one bit beside it, so a
/// national quarter's 26 million cells take about 2 bytes each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreGrid {
    quarter: Quarter,
    village_width: usize,
    cadre_width: usize,
    villages: usize,
    cadres: usize,
    village: Cells,
    cadre: Cells,
}

impl ScoreGrid {
    /// An empty grid for `quarter`: `villages` × the village items and `cadres` × the cadre
    /// items of `columns`.
    pub fn new(quarter: Quarter, columns: &ItemColumns, villages: usize, cadres: usize) -> Self {
        let (vw, cw) = (columns.width(Scope::Village), columns.width(Scope::Cadre));
        ScoreGrid {
            quarter,
            village_width: vw,
            cadre_width: cw,
            villages,
            cadres,
            village: Cells::new(villages * vw),
            cadre: Cells::new(cadres * cw),
        }
    }

    /// The quarter scored.
    pub fn quarter(&self) -> Quarter {
        self.quarter
    }

    /// The number of items of `scope` (the width of its rows).
    pub fn width(&self, scope: Scope) -> usize {
        match scope {
            Scope::Village => self.village_width,
            Scope::Cadre => self.cadre_width,
        }
    }

    /// The number of subjects (villages or cadres) of `scope`.
    pub fn subjects(&self, scope: Scope) -> usize {
        match scope {
            Scope::Village => self.villages,
            Scope::Cadre => self.cadres,
        }
    }

    fn cells(&self, scope: Scope) -> (&Cells, usize) {
        match scope {
            Scope::Village => (&self.village, self.village_width),
            Scope::Cadre => (&self.cadre, self.cadre_width),
        }
    }

    /// The cells of subject `s` of `scope`, in column order: the points in hundredths, or
    /// `None` when not scored.
    pub fn row(&self, scope: Scope, s: usize) -> impl Iterator<Item = Option<u16>> + '_ {
        let (cells, w) = self.cells(scope);
        (s * w..(s + 1) * w).map(|k| cells.get(k))
    }

    /// The points of subject `s` for item `column` of `scope`, in hundredths.
    pub fn get(&self, scope: Scope, s: usize, column: usize) -> Option<u16> {
        let (cells, w) = self.cells(scope);
        assert!(column < w, "column {column} of a row of {w}");
        cells.get(s * w + column)
    }

    /// Records `hundredths` for subject `s`, item `column` of `scope`. A cell already scored
    /// keeps its points and gives them back (`Err`): a second score of it is a duplicate.
    pub fn set(
        &mut self,
        scope: Scope,
        s: usize,
        column: usize,
        hundredths: u16,
    ) -> Result<(), u16> {
        let (cells, w) = match scope {
            Scope::Village => (&mut self.village, self.village_width),
            Scope::Cadre => (&mut self.cadre, self.cadre_width),
        };
        assert!(column < w, "column {column} of a row of {w}");
        cells.set(s * w + column, hundredths)
    }

    /// The number of cells scored.
    pub fn scored(&self) -> usize {
        self.village.count() + self.cadre.count()
    }

    /// Every scored cell as (scope, subject, column, points), villages first, each scope by
    /// subject then column.
    pub fn iter(&self) -> impl Iterator<Item = (Scope, usize, usize, Points)> + '_ {
        [Scope::Village, Scope::Cadre]
            .into_iter()
            .flat_map(move |scope| {
                let (cells, w) = self.cells(scope);
                (0..cells.values.len()).filter_map(move |k| {
                    cells
                        .get(k)
                        .map(|h| (scope, k / w, k % w, Points::from_hundredths(i64::from(h))))
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn art7_points_lie_between_0_and_the_maximum() {
        assert_eq!(score_cell(-1, 500), Err(OutOfRange::BelowZero));
        assert_eq!(score_cell(0, 500), Ok(0));
        assert_eq!(score_cell(500, 500), Ok(500));
        assert_eq!(score_cell(501, 500), Err(OutOfRange::AboveMaximum));
        let huge = Points::from_decimal(crate::Decimal::MAX).unwrap();
        let five = Points::from_hundredths(500);
        assert_eq!(score_cell_points(huge, five), Err(OutOfRange::AboveMaximum));
        assert_eq!(score_cell_points(-huge, five), Err(OutOfRange::BelowZero));
        assert_eq!(
            score_cell_points(Points::from_hundredths(425), five),
            Ok(425)
        );
    }

    #[test]
    fn a_cell_is_scored_once_and_read_back() {
        let policy = Policy::default();
        let columns = ItemColumns::new(&policy);
        let (vw, cw) = (columns.width(Scope::Village), columns.width(Scope::Cadre));
        assert_eq!(vw + cw, policy.items().count());
        let q = Quarter::parse("2026Q3").unwrap();
        let mut g = ScoreGrid::new(q, &columns, 3, 5);
        assert_eq!(g.subjects(Scope::Village), 3);
        assert_eq!(g.subjects(Scope::Cadre), 5);
        assert_eq!(g.set(Scope::Village, 2, vw - 1, 425), Ok(()));
        assert_eq!(g.set(Scope::Village, 2, vw - 1, 100), Err(425));
        assert_eq!(g.set(Scope::Cadre, 4, 0, 0), Ok(()));
        assert_eq!(g.get(Scope::Village, 2, vw - 1), Some(425));
        assert_eq!(g.get(Scope::Village, 1, vw - 1), None);
        assert_eq!(g.get(Scope::Cadre, 4, 0), Some(0));
        assert_eq!(g.scored(), 2);
        let all: Vec<_> = g.iter().collect();
        assert_eq!(
            all,
            vec![
                (Scope::Village, 2, vw - 1, Points::from_hundredths(425)),
                (Scope::Cadre, 4, 0, Points::from_hundredths(0)),
            ]
        );
    }

    /// Whether a cell is scored is kept beside its points: a score of 0 is scored, a cell
    /// never set is not, across the 64-cell words of the bits, and two grids with the same
    /// scores are equal whatever order they were set in.
    #[test]
    fn a_score_of_zero_is_scored_and_an_unset_cell_is_not() {
        let columns = ItemColumns::new(&Policy::default());
        let cw = columns.width(Scope::Cadre);
        let q = Quarter::parse("2026Q3").unwrap();
        let cadres = 150;
        let mut a = ScoreGrid::new(q, &columns, 1, cadres);
        let mut b = a.clone();
        let cells: Vec<usize> = (0..cadres * cw).filter(|k| k % 7 < 2).collect();
        for &k in &cells {
            assert_eq!(a.set(Scope::Cadre, k / cw, k % cw, (k % 3) as u16), Ok(()));
        }
        for &k in cells.iter().rev() {
            assert_eq!(b.set(Scope::Cadre, k / cw, k % cw, (k % 3) as u16), Ok(()));
        }
        assert_eq!(a, b);
        assert_eq!(a.scored(), cells.len());
        for k in 0..cadres * cw {
            let want = (k % 7 < 2).then_some((k % 3) as u16);
            assert_eq!(a.get(Scope::Cadre, k / cw, k % cw), want, "cell {k}");
        }
        let row: Vec<Option<u16>> = a.row(Scope::Cadre, 9).collect();
        assert_eq!(row.len(), cw);
        assert!(
            row.iter()
                .enumerate()
                .all(|(c, &v)| v == a.get(Scope::Cadre, 9, c))
        );
        assert_eq!(a.iter().count(), cells.len());
        assert_eq!(a.set(Scope::Cadre, 0, 0, 5), Err(0));
        assert_eq!(a.get(Scope::Cadre, 0, 0), Some(0));
        assert_ne!(a, ScoreGrid::new(q, &columns, 1, cadres));
    }

    #[test]
    #[should_panic]
    fn a_subject_past_the_grid_is_a_bug() {
        let columns = ItemColumns::new(&Policy::default());
        let q = Quarter::parse("2026Q3").unwrap();
        let _ = ScoreGrid::new(q, &columns, 1, 3).get(Scope::Cadre, 3, 0);
    }
}
