//! What names the rows and columns of a [`ScoreGrid`] (Art.7): the roster's [`RosterIndex`]
//! for its subjects and the policy's items for its columns. The stores write a grid and read
//! one back through it, keyed as score rows are keyed, (quarter, subject, item); one
//! conversion here serves both backends and the callers that still want rows.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use crate::{ItemColumns, ItemId, Points, Policy, Quarter, RosterIndex, Scope, Score, ScoreGrid};

/// The names of a grid's subjects and items: villages and cadres by [`RosterIndex`], items by
/// the [`ItemColumns`] of a policy.
#[derive(Debug, Clone)]
pub struct ScoreNames<'a> {
    roster: &'a RosterIndex<'a>,
    columns: ItemColumns,
    /// The item ids of the village columns, then of the cadre columns.
    village_items: Vec<&'a ItemId>,
    cadre_items: Vec<&'a ItemId>,
    /// Item id → (scope, column, maximum in hundredths).
    by_id: HashMap<&'a str, (Scope, usize, u16), FixedState>,
}

/// A cell of a grid: its scope, subject, column and points in hundredths.
pub type Cell = (Scope, usize, usize, u16);

impl<'a> ScoreNames<'a> {
    /// The names of a grid of `roster`'s subjects and `policy`'s items.
    pub fn new(roster: &'a RosterIndex<'a>, policy: &'a Policy) -> ScoreNames<'a> {
        let columns = ItemColumns::new(policy);
        let (mut village_items, mut cadre_items) = (Vec::new(), Vec::new());
        let mut by_id = HashMap::with_hasher(FixedState::default());
        for (i, (_, _, item)) in policy.items().enumerate() {
            let (scope, column) = columns.place(i);
            match scope {
                Scope::Village => village_items.push(&item.id),
                Scope::Cadre => cadre_items.push(&item.id),
            }
            // An item's maximum is at most 100 points (the rubric adds up to 100).
            let max = u16::try_from(item.max.hundredths()).unwrap_or(u16::MAX);
            by_id.insert(item.id.as_str(), (scope, column, max));
        }
        ScoreNames {
            roster,
            columns,
            village_items,
            cadre_items,
            by_id,
        }
    }

    /// The roster's numbering.
    pub fn roster(&self) -> &'a RosterIndex<'a> {
        self.roster
    }

    /// The policy's columns.
    pub fn columns(&self) -> &ItemColumns {
        &self.columns
    }

    /// An empty grid of quarter `q` of this shape.
    pub fn empty_grid(&self, q: Quarter) -> ScoreGrid {
        ScoreGrid::new(
            q,
            &self.columns,
            self.roster.village_count(),
            self.roster.cadre_count(),
        )
    }

    /// Whether `grid` has this shape (its subjects and columns are the ones named here).
    pub fn fits(&self, grid: &ScoreGrid) -> bool {
        grid.subjects(Scope::Village) == self.roster.village_count()
            && grid.subjects(Scope::Cadre) == self.roster.cadre_count()
            && grid.width(Scope::Village) == self.village_items.len()
            && grid.width(Scope::Cadre) == self.cadre_items.len()
    }

    /// The subject `s` of `scope`: a village code or a cadre id.
    pub fn subject(&self, scope: Scope, s: usize) -> &'a str {
        match scope {
            Scope::Village => self.roster.village_code(s).as_str(),
            Scope::Cadre => self.roster.cadre_at(s).id.as_str(),
        }
    }

    /// The item of column `column` of `scope`.
    pub fn item(&self, scope: Scope, column: usize) -> &'a ItemId {
        match scope {
            Scope::Village => self.village_items[column],
            Scope::Cadre => self.cadre_items[column],
        }
    }

    /// The cell of a score row, if it has one: an item of the policy, a subject of the roster
    /// of that item's scope (a village code for a village item, a cadre id for a cadre item,
    /// Art.7) and points within 0..=the item's maximum. Any other row does not fit the grid.
    pub fn cell(&self, subject: &str, item: &str, points: Points) -> Option<Cell> {
        let &(scope, column, max) = self.by_id.get(item)?;
        let s = match scope {
            Scope::Village => self.roster.village(subject)?,
            Scope::Cadre => self.roster.cadre(subject)?,
        };
        let h = u16::try_from(points.hundredths())
            .ok()
            .filter(|&h| h <= max)?;
        Some((scope, s, column, h))
    }

    /// Every scored cell of `grid` as a score row, in grid order (villages first).
    pub fn rows<'g>(&'g self, grid: &'g ScoreGrid) -> impl Iterator<Item = Score> + 'g {
        grid.iter().map(move |(scope, s, column, points)| Score {
            quarter: grid.quarter(),
            subject: crate::Subject::parse(self.subject(scope, s))
                .expect("a roster's ids are valid subjects"),
            item: self.item(scope, column).clone(),
            points,
        })
    }

    /// The grid's cells in key order, to write or hash them sorted as stored rows are.
    pub fn key_order(&self) -> KeyOrder {
        KeyOrder::new(self)
    }
}

/// A grid's subjects and items sorted by their text (byte order), owned: the order in which a
/// store keeps score rows, (subject, item) ascending.
#[derive(Debug, Clone)]
pub struct KeyOrder {
    /// The subjects' text, one after another, in order.
    text: String,
    /// Where each subject's text ends in `text`.
    ends: Vec<usize>,
    /// Each subject's scope and number, in order.
    subjects: Vec<(Scope, u32)>,
    /// Each scope's (item id, column), by id.
    village_items: Vec<(Box<str>, usize)>,
    cadre_items: Vec<(Box<str>, usize)>,
}

impl KeyOrder {
    fn new(names: &ScoreNames<'_>) -> KeyOrder {
        let ix = names.roster;
        let num = |n: usize| u32::try_from(n).expect("fewer than 4 billion subjects");
        let mut subjects: Vec<(Scope, u32)> = (0..ix.village_count())
            .map(|v| (Scope::Village, num(v)))
            .chain(
                // A repeated id is one subject, found at its first place.
                (0..ix.cadre_count())
                    .filter(|&r| ix.cadre(ix.cadre_at(r).id.as_str()) == Some(r))
                    .map(|r| (Scope::Cadre, num(r))),
            )
            .collect();
        // Stable and run-aware: a roster read from a store is sorted by id already.
        subjects.sort_by(|a, b| {
            let (sa, sb) = (
                names.subject(a.0, a.1 as usize),
                names.subject(b.0, b.1 as usize),
            );
            sa.cmp(sb)
        });
        let mut text = String::new();
        let mut ends = Vec::with_capacity(subjects.len());
        for &(scope, s) in &subjects {
            text.push_str(names.subject(scope, s as usize));
            ends.push(text.len());
        }
        let sorted = |ids: &[&ItemId]| {
            let mut v: Vec<(Box<str>, usize)> = ids
                .iter()
                .enumerate()
                .map(|(c, id)| (Box::from(id.as_str()), c))
                .collect();
            v.sort();
            v
        };
        KeyOrder {
            text,
            ends,
            village_items: sorted(&names.village_items),
            cadre_items: sorted(&names.cadre_items),
            subjects,
        }
    }

    fn text(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    fn items(&self, scope: Scope) -> &[(Box<str>, usize)] {
        match scope {
            Scope::Village => &self.village_items,
            Scope::Cadre => &self.cadre_items,
        }
    }

    /// Calls `f(subject, item, hundredths)` for every scored cell of `grid` (a grid of the
    /// names this order was made from), by (subject, item) ascending.
    pub fn for_each(&self, grid: &ScoreGrid, mut f: impl FnMut(&str, &str, u16)) {
        let mut k = 0;
        let mut both: Vec<(&str, u16)> = Vec::new();
        while k < self.subjects.len() {
            let subject = self.text(k);
            let mut end = k + 1;
            while end < self.subjects.len() && self.text(end) == subject {
                end += 1;
            }
            if end == k + 1 {
                let (scope, s) = self.subjects[k];
                for (item, c) in self.items(scope) {
                    if let Some(h) = grid.get(scope, s as usize, *c) {
                        f(subject, item, h);
                    }
                }
            } else {
                // A village code that is also a cadre id: its items of both scopes, merged.
                both.clear();
                for &(scope, s) in &self.subjects[k..end] {
                    for (item, c) in self.items(scope) {
                        if let Some(h) = grid.get(scope, s as usize, *c) {
                            both.push((item, h));
                        }
                    }
                }
                both.sort();
                for &(item, h) in &both {
                    f(subject, item, h);
                }
            }
            k = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Subject;
    use crate::roster_index::tests::cadre;

    #[test]
    fn cells_are_named_and_listed_in_key_order() {
        let policy = Policy::default();
        // "B" is a village and a cadre: its rows of both scopes come together, by item.
        let roster = [cadre("C2", "V9"), cadre("B", "B"), cadre("C1", "V9")];
        let ix = RosterIndex::new(&roster);
        let names = ScoreNames::new(&ix, &policy);
        let q = Quarter::parse("2026Q3").unwrap();
        let mut grid = names.empty_grid(q);
        assert!(names.fits(&grid));
        let mut rows = Vec::new();
        for (i, (_, section, item)) in policy.items().enumerate() {
            let subjects: &[&str] = match section.scope {
                Scope::Village => &["V9", "B"],
                Scope::Cadre => &["C1", "C2", "B"],
            };
            for (n, s) in subjects.iter().enumerate() {
                let p = Points::from_hundredths((i * 7 + n) as i64 % (item.max.hundredths() + 1));
                let (scope, sub, col, h) = names.cell(s, item.id.as_str(), p).unwrap();
                grid.set(scope, sub, col, h).unwrap();
                rows.push((s.to_string(), item.id.as_str().to_string(), h));
            }
        }
        rows.sort();
        let mut got = Vec::new();
        names
            .key_order()
            .for_each(&grid, |s, i, h| got.push((s.to_string(), i.to_string(), h)));
        assert_eq!(got, rows);
        let back: Vec<Score> = names.rows(&grid).collect();
        assert_eq!(back.len(), rows.len());
        assert!(
            back.iter()
                .any(|r| r.subject == Subject::parse("B").unwrap())
        );

        let (_, _, item) = policy
            .items()
            .find(|(_, section, _)| section.scope == Scope::Village)
            .unwrap();
        assert!(names.cell("V9", item.id.as_str(), item.max).is_some());
        assert_eq!(names.cell("nobody", item.id.as_str(), Points::ZERO), None);
        assert_eq!(names.cell("V9", "no.such.item", Points::ZERO), None);
        let over = Points::from_hundredths(item.max.hundredths() + 1);
        assert_eq!(names.cell("V9", item.id.as_str(), over), None);
        assert_eq!(
            names.cell("V9", item.id.as_str(), Points::from_hundredths(-1)),
            None
        );
    }
}
