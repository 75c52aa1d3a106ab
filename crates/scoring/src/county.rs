//! The roster of a quarter, interned once: cadre ids and village codes mapped to dense `u32`
//! indices, the cadres assessed in the quarter (docs/rules.md Art.2) and the assessed cadres of each village
//! (Art.7 village items and Art.8 village events count for all of them).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use foldhash::fast::FixedState;
use kaohe_domain::{Cadre, Quarter, TownCode};

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

/// Looks codes up in an [`Index`], answering a code equal to the previous one without hashing:
/// rows come grouped by subject, so most rows name the subject of the row before. The last
/// answer came from the map, so the answer never depends on the order of the rows.
#[derive(Debug)]
pub(crate) struct Lookup<'i, 'a, 'r> {
    index: &'i Index<'a>,
    last: Option<(&'r str, u32)>,
}

impl<'i, 'a, 'r> Lookup<'i, 'a, 'r> {
    pub(crate) fn new(index: &'i Index<'a>) -> Self {
        Lookup { index, last: None }
    }

    pub(crate) fn get(&mut self, code: &'r str) -> Option<u32> {
        if let Some((last, i)) = self.last
            && last == code
        {
            return Some(i);
        }
        let i = self.index.get(code)?;
        self.last = Some((code, i));
        Some(i)
    }
}

/// The roster of a quarter, interned.
#[derive(Debug)]
pub(crate) struct County<'a> {
    pub(crate) roster: &'a [Cadre],
    /// Cadre id → roster position.
    pub(crate) cadres: Index<'a>,
    /// Village code → village index (in order of first appearance in the roster).
    pub(crate) villages: Index<'a>,
    /// Roster position of the first cadre of each village (whose code names the village).
    pub(crate) first_cadre: Vec<usize>,
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
    /// Interns `roster` and picks the cadres assessed in `quarter`; a repeated cadre id
    /// and a village under two towns (Art.4) are problems.
    pub(crate) fn new(roster: &'a [Cadre], quarter: Quarter, problems: &mut Vec<Problem>) -> Self {
        // Two independent indexes: on two threads for a large county.
        let parallel = crate::threads_for(roster.len() * 4) > 1;
        let ((cadres, duplicates), villages) =
            crate::join(parallel, || index_cadres(roster), || index_villages(roster));
        problems.extend(duplicates);
        problems.extend(villages.problems);
        let mut assessed = Vec::new();
        let mut village_of = Vec::new();
        let mut position = vec![None; roster.len()];
        for (r, c) in roster.iter().enumerate() {
            if c.assessed_in(quarter) {
                position[r] = Some(assessed.len() as u32);
                assessed.push(r as u32);
                village_of.push(villages.of_roster[r]);
            }
        }
        let (member_start, members) = group_by_village(&village_of, villages.first_cadre.len());
        County {
            roster,
            cadres,
            villages: villages.index,
            first_cadre: villages.first_cadre,
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
        self.first_cadre.len()
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

/// The cadre index of a roster (index = roster position), and a problem per repeated id.
fn index_cadres(roster: &[Cadre]) -> (Index<'_>, Vec<Problem>) {
    let mut index = Index::with_capacity(roster.len());
    let mut problems = Vec::new();
    for c in roster {
        if index.push(c.id.as_str()).is_err() {
            problems.push(Problem::DuplicateCadre {
                cadre: c.id.clone(),
            });
        }
    }
    (index, problems)
}

/// The villages of a roster.
struct VillageIndex<'a> {
    index: Index<'a>,
    /// Roster position of the first cadre seen of each village.
    first_cadre: Vec<usize>,
    /// Village index of each roster cadre.
    of_roster: Vec<u32>,
    /// A village under two towns.
    problems: Vec<Problem>,
}

fn index_villages(roster: &[Cadre]) -> VillageIndex<'_> {
    let mut index = Index::with_capacity(roster.len() / 4 + 16);
    let mut first_cadre = Vec::new();
    let mut of_roster = Vec::with_capacity(roster.len());
    let mut conflicted = Vec::new();
    let mut last: Option<(&str, u32)> = None;
    for (r, c) in roster.iter().enumerate() {
        let code = c.village.as_str();
        let v = match last {
            // Cadres of a village usually come together: skip the hash.
            Some((l, v)) if l == code => v,
            _ => index.get(code).unwrap_or_else(|| {
                first_cadre.push(r);
                index.push(code).unwrap_or_else(|v| v)
            }),
        };
        last = Some((code, v));
        if roster[first_cadre[v as usize]].town != c.town {
            conflicted.push(v);
        }
        of_roster.push(v);
    }
    let problems = villages_in_two_towns(roster, &first_cadre, &of_roster, conflicted);
    VillageIndex {
        index,
        first_cadre,
        of_roster,
        problems,
    }
}

/// Art.4: every town of each village found under two, whatever the roster order.
fn villages_in_two_towns(
    roster: &[Cadre],
    first_cadre: &[usize],
    of_roster: &[u32],
    mut conflicted: Vec<u32>,
) -> Vec<Problem> {
    if conflicted.is_empty() {
        return Vec::new();
    }
    conflicted.sort_unstable();
    conflicted.dedup();
    let mut towns: Map<u32, Vec<&TownCode>> = conflicted.iter().map(|&v| (v, Vec::new())).collect();
    for (c, &v) in roster.iter().zip(of_roster) {
        if let Some(t) = towns.get_mut(&v) {
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
                village: roster[first_cadre[v as usize]].village.clone(),
                towns: t.into_iter().cloned().collect(),
            }
        })
        .collect()
}
