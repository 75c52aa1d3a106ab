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

/// One quarter's scores (Art.7) in compact form: villages × village items and roster cadres ×
/// cadre items, each cell the points in hundredths or `None` when not scored.
///
/// Every item's maximum is at most 100 points (the rubric adds up to 100), so a valid score
/// fits a `u16` of hundredths exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreGrid {
    quarter: Quarter,
    village_width: usize,
    cadre_width: usize,
    villages: usize,
    cadres: usize,
    village: Vec<Option<u16>>,
    cadre: Vec<Option<u16>>,
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
            village: vec![None; villages * vw],
            cadre: vec![None; cadres * cw],
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

    fn cells(&self, scope: Scope) -> (&[Option<u16>], usize) {
        match scope {
            Scope::Village => (&self.village, self.village_width),
            Scope::Cadre => (&self.cadre, self.cadre_width),
        }
    }

    /// The cells of subject `s` of `scope`, in column order.
    pub fn row(&self, scope: Scope, s: usize) -> &[Option<u16>] {
        let (cells, w) = self.cells(scope);
        &cells[s * w..(s + 1) * w]
    }

    /// The points of subject `s` for item `column` of `scope`, in hundredths.
    pub fn get(&self, scope: Scope, s: usize, column: usize) -> Option<u16> {
        self.row(scope, s)[column]
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
        let cell = &mut cells[s * w + column];
        match *cell {
            Some(old) => Err(old),
            None => {
                *cell = Some(hundredths);
                Ok(())
            }
        }
    }

    /// The number of cells scored.
    pub fn scored(&self) -> usize {
        self.village.iter().chain(&self.cadre).flatten().count()
    }

    /// Every scored cell as (scope, subject, column, points), villages first, each scope by
    /// subject then column.
    pub fn iter(&self) -> impl Iterator<Item = (Scope, usize, usize, Points)> + '_ {
        [Scope::Village, Scope::Cadre]
            .into_iter()
            .flat_map(move |scope| {
                let (cells, w) = self.cells(scope);
                cells.iter().enumerate().filter_map(move |(k, c)| {
                    c.map(|h| (scope, k / w, k % w, Points::from_hundredths(i64::from(h))))
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
}
