//! The roster of a quarter, numbered by [`RosterIndex`] (cadre ids and village codes mapped to
//! dense indices, the one numbering of a roster), the cadres assessed in the quarter (docs/rules.md Art.2) and the assessed cadres of each village
//! (Art.7 village items and Art.8 village events count for all of them).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use foldhash::fast::FixedState;
use kaohe_domain::{Cadre, Quarter, RosterIndex, TownCode};

use crate::Problem;

pub(crate) type Map<K, V> = HashMap<K, V, FixedState>;
pub(crate) type Set<K> = std::collections::HashSet<K, FixedState>;

/// A code → dense index map, built once and then only read (shared by worker threads).
#[derive(Debug)]
pub(crate) struct Index<'a> {
    map: Map<&'a str, u32>,
    len: usize,
}

impl<'a> Index<'a> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Index {
            map: Map::with_capacity_and_hasher(n, FixedState::default()),
            len: 0,
        }
    }

    /// Gives `code` the next index, or returns the index it already has (`Err`). A repeated
    /// code still takes up an index, unreachable by lookup, so that indices stay equal to
    /// input positions.
    pub(crate) fn push(&mut self, code: &'a str) -> Result<u32, u32> {
        let next = self.len as u32;
        self.len += 1;
        match self.map.entry(code) {
            Entry::Occupied(o) => Err(*o.get()),
            Entry::Vacant(e) => Ok(*e.insert(next)),
        }
    }

    pub(crate) fn get(&self, code: &str) -> Option<u32> {
        self.map.get(code).copied()
    }
}

/// The numbering of a roster: built here, or lent by a caller that has built it already
/// (`kaohe compute` numbers the roster once for its readers and the engine).
#[derive(Debug)]
pub(crate) enum Numbering<'a> {
    Built(RosterIndex<'a>),
    Lent(&'a RosterIndex<'a>),
}

impl<'a> std::ops::Deref for Numbering<'a> {
    type Target = RosterIndex<'a>;
    fn deref(&self) -> &RosterIndex<'a> {
        match self {
            Numbering::Built(ix) => ix,
            Numbering::Lent(ix) => ix,
        }
    }
}

/// The roster of a quarter, numbered by its [`RosterIndex`], with the cadres assessed in the
/// quarter.
#[derive(Debug)]
pub(crate) struct County<'a> {
    pub(crate) roster: &'a [Cadre],
    /// Cadre ids (by roster position) and village codes (by first appearance) numbered.
    pub(crate) index: Numbering<'a>,
    /// Roster position of each assessed cadre, in roster order.
    pub(crate) assessed: Vec<u32>,
    /// Village index of each assessed cadre.
    pub(crate) village_of: Vec<u32>,
    /// Assessed position of each roster cadre; `None` if not assessed in the quarter.
    pub(crate) position: Vec<Option<u32>>,
    /// The assessed cadres of village `v` are `members[member_start[v]..member_start[v + 1]]`.
    member_start: Vec<u32>,
    members: Vec<u32>,
}

impl<'a> County<'a> {
    /// Numbers `roster` (or takes `lent`, its numbering already built) and picks the cadres
    /// assessed in `quarter`; a repeated cadre id and a village under two towns (Art.4) are
    /// problems.
    pub(crate) fn new(
        roster: &'a [Cadre],
        lent: Option<&'a RosterIndex<'a>>,
        quarter: Quarter,
        problems: &mut Vec<Problem>,
    ) -> Self {
        let index = match lent {
            Some(ix) => Numbering::Lent(ix),
            None => Numbering::Built(RosterIndex::new(roster)),
        };
        problems.extend(index.repeated().map(|r| Problem::DuplicateCadre {
            cadre: roster[r].id.clone(),
        }));
        problems.extend(villages_in_two_towns(&index));
        let mut assessed = Vec::new();
        let mut village_of = Vec::new();
        let mut position = vec![None; roster.len()];
        for (r, c) in roster.iter().enumerate() {
            if c.assessed_in(quarter) {
                position[r] = Some(assessed.len() as u32);
                assessed.push(r as u32);
                village_of.push(index.village_of(r) as u32);
            }
        }
        let (member_start, members) = group_by_village(&village_of, index.village_count());
        County {
            roster,
            index,
            assessed,
            village_of,
            position,
            member_start,
            members,
        }
    }

    /// Number of assessed cadres.
    pub(crate) fn len(&self) -> usize {
        self.assessed.len()
    }

    /// Number of villages of the roster.
    pub(crate) fn n_villages(&self) -> usize {
        self.index.village_count()
    }

    /// The `a`-th assessed cadre.
    pub(crate) fn cadre(&self, a: usize) -> &'a Cadre {
        &self.roster[self.assessed[a] as usize]
    }

    /// The assessed cadres of village `v`.
    pub(crate) fn members(&self, v: usize) -> &[u32] {
        &self.members[self.member_start[v] as usize..self.member_start[v + 1] as usize]
    }
}

/// The assessed cadres of each village, as offsets and members (CSR).
fn group_by_village(village_of: &[u32], n_villages: usize) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; n_villages + 1];
    for &v in village_of {
        start[v as usize + 1] += 1;
    }
    for v in 0..n_villages {
        start[v + 1] += start[v];
    }
    let mut members = vec![0u32; village_of.len()];
    let mut fill = start.clone();
    for (a, &v) in village_of.iter().enumerate() {
        members[fill[v as usize] as usize] = a as u32;
        fill[v as usize] += 1;
    }
    (start, members)
}

/// Art.4: every town of each village found under two, whatever the roster order.
fn villages_in_two_towns(index: &RosterIndex<'_>) -> Vec<Problem> {
    let roster = index.roster();
    let village_town = |r: usize| &roster[index.first_cadre(index.village_of(r))].town;
    let mut conflicted: Vec<usize> = (0..roster.len())
        .filter(|&r| *village_town(r) != roster[r].town)
        .map(|r| index.village_of(r))
        .collect();
    if conflicted.is_empty() {
        return Vec::new();
    }
    conflicted.sort_unstable();
    conflicted.dedup();
    let mut towns: Map<usize, Vec<&TownCode>> =
        conflicted.iter().map(|&v| (v, Vec::new())).collect();
    for (r, c) in roster.iter().enumerate() {
        if let Some(t) = towns.get_mut(&index.village_of(r)) {
            t.push(&c.town);
        }
    }
    conflicted
        .into_iter()
        .map(|v| {
            let mut t = towns.remove(&v).unwrap_or_default();
            t.sort_unstable();
            t.dedup();
            Problem::VillageInTwoTowns {
                village: index.village_code(v).clone(),
                towns: t.into_iter().cloned().collect(),
            }
        })
        .collect()
}
