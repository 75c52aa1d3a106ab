//! The roster interned once: cadre ids and village codes mapped to dense indices (the
//! numbering of [`ScoreGrid`](crate::ScoreGrid)), shared by the readers, the engine and the
//! stores, so that a roster is numbered by one rule in one place.
//!
//! - a **cadre** is numbered by its roster position;
//! - a **village** is numbered in order of first appearance in the roster, and is named by the
//!   code of its first cadre.
//!
//! The strings are not copied: the index borrows them from the roster.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use crate::{Cadre, VillageCode};

/// The dense numbering of a roster's cadres and villages (see the module documentation).
#[derive(Debug, Clone)]
pub struct RosterIndex<'a> {
    roster: &'a [Cadre],
    /// Roster positions of the first occurrence of each cadre id, hashed by id: the ids
    /// themselves are read from the roster, so an entry is 4 bytes.
    cadres: HashTable<u32>,
    /// Village indices, hashed by code (read from the roster through `first_cadre`).
    villages: HashTable<u32>,
    /// Roster position of the first cadre of each village.
    first_cadre: Vec<u32>,
    /// Village index of each roster cadre.
    village_of: Vec<u32>,
    /// Roster positions of the cadres whose id an earlier cadre already has.
    repeated: Vec<u32>,
}

/// The hash of a cadre id or village code in the tables (the workspace's fixed-seed foldhash).
fn hash(id: &str) -> u64 {
    FixedState::default().hash_one(id)
}

/// A roster position or village number as a `u32`; a roster of 4 billion cadres is refused
/// long before (its file could not be read).
fn ix(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion cadres")
}

impl<'a> RosterIndex<'a> {
    /// Numbers `roster`. A repeated cadre id keeps its roster position (positions stay equal
    /// to indices) but is found by id at its first occurrence; see [`RosterIndex::repeated`].
    pub fn new(roster: &'a [Cadre]) -> RosterIndex<'a> {
        let mut cadres = HashTable::with_capacity(roster.len());
        let mut villages = HashTable::with_capacity(roster.len() / 4 + 16);
        let mut first_cadre = Vec::new();
        let mut village_of = Vec::with_capacity(roster.len());
        let mut repeated = Vec::new();
        let mut last: Option<(&str, u32)> = None;
        for (r, c) in roster.iter().enumerate() {
            let id = c.id.as_str();
            let h = hash(id);
            if cadres
                .find(h, |&f| roster[f as usize].id.as_str() == id)
                .is_some()
            {
                repeated.push(ix(r));
            } else {
                cadres.insert_unique(h, ix(r), |&f| hash(roster[f as usize].id.as_str()));
            }
            let code = c.village.as_str();
            let v = match last {
                // Cadres of a village usually come together: skip the hash.
                Some((l, v)) if l == code => v,
                _ => {
                    let h = hash(code);
                    let at = |v: u32| roster[first_cadre[v as usize] as usize].village.as_str();
                    match villages.find(h, |&v| at(v) == code) {
                        Some(&v) => v,
                        None => {
                            let v = ix(first_cadre.len());
                            first_cadre.push(ix(r));
                            let at = |v: &u32| {
                                hash(roster[first_cadre[*v as usize] as usize].village.as_str())
                            };
                            villages.insert_unique(h, v, at);
                            v
                        }
                    }
                }
            };
            last = Some((code, v));
            village_of.push(v);
        }
        RosterIndex {
            roster,
            cadres,
            villages,
            first_cadre,
            village_of,
            repeated,
        }
    }

    /// The roster numbered.
    pub fn roster(&self) -> &'a [Cadre] {
        self.roster
    }

    /// The number of cadres (roster positions).
    pub fn cadre_count(&self) -> usize {
        self.roster.len()
    }

    /// The number of villages.
    pub fn village_count(&self) -> usize {
        self.first_cadre.len()
    }

    /// The roster position of cadre `id` (its first occurrence), if on the roster.
    pub fn cadre(&self, id: &str) -> Option<usize> {
        self.cadres
            .find(hash(id), |&r| self.roster[r as usize].id.as_str() == id)
            .map(|&r| r as usize)
    }

    /// The number of village `code`, if on the roster.
    pub fn village(&self, code: &str) -> Option<usize> {
        self.villages
            .find(hash(code), |&v| {
                self.village_code(v as usize).as_str() == code
            })
            .map(|&v| v as usize)
    }

    /// The cadre at roster position `r`.
    pub fn cadre_at(&self, r: usize) -> &'a Cadre {
        &self.roster[r]
    }

    /// The village of the cadre at roster position `r`.
    pub fn village_of(&self, r: usize) -> usize {
        self.village_of[r] as usize
    }

    /// The roster position of the first cadre of village `v`.
    pub fn first_cadre(&self, v: usize) -> usize {
        self.first_cadre[v] as usize
    }

    /// The code of village `v`.
    pub fn village_code(&self, v: usize) -> &'a VillageCode {
        &self.roster[self.first_cadre(v)].village
    }

    /// The roster position of cadre `id`, trying `*hint` and the next position before the hash
    /// table: rows grouped by subject in roster order (a national scores file) then find
    /// every cadre without a random memory access. `*hint` follows the answer, and the answer
    /// is always [`RosterIndex::cadre`]'s, whatever the hint.
    #[inline]
    pub fn cadre_near(&self, id: &[u8], hint: &mut usize) -> Option<usize> {
        for r in [*hint, *hint + 1] {
            if let Some(c) = self.roster.get(r)
                && c.id.as_str().as_bytes() == id
                && !self.is_repeated(r)
            {
                *hint = r;
                return Some(r);
            }
        }
        let r = self.cadre(std::str::from_utf8(id).ok()?)?;
        *hint = r;
        Some(r)
    }

    /// The number of village `code`, as [`RosterIndex::cadre_near`] finds cadres.
    #[inline]
    pub fn village_near(&self, code: &[u8], hint: &mut usize) -> Option<usize> {
        for v in [*hint, *hint + 1] {
            if v < self.first_cadre.len() && self.village_code(v).as_str().as_bytes() == code {
                *hint = v;
                return Some(v);
            }
        }
        let v = self.village(std::str::from_utf8(code).ok()?)?;
        *hint = v;
        Some(v)
    }

    /// Whether an earlier cadre has the id of the cadre at roster position `r`.
    fn is_repeated(&self, r: usize) -> bool {
        !self.repeated.is_empty() && self.repeated.binary_search(&ix(r)).is_ok()
    }

    /// Roster positions of the cadres whose id an earlier cadre already has, in roster order.
    pub fn repeated(&self) -> impl Iterator<Item = usize> + '_ {
        self.repeated.iter().map(|&r| r as usize)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{CadreId, Date, Money, Sequence, TownCode};

    /// A cadre of `village`, in office since 2020 (the domain tests' one roster fixture).
    pub(crate) fn cadre(id: &str, village: &str) -> Cadre {
        Cadre {
            id: CadreId::parse(id).unwrap(),
            name: "张三".into(),
            town: TownCode::parse("T01").unwrap(),
            village: VillageCode::parse(village).unwrap(),
            sequence: Sequence::parse("正职").unwrap(),
            position: "书记".into(),
            monthly_subsidy: Money::from_hundredths(300_000),
            start_date: Date::parse("2020-01-01").unwrap(),
            end_date: None,
        }
    }

    #[test]
    fn cadres_by_position_villages_by_first_appearance() {
        let roster = [
            cadre("C1", "V2"),
            cadre("C2", "V1"),
            cadre("C3", "V2"),
            cadre("C1", "V3"),
        ];
        let ix = RosterIndex::new(&roster);
        assert_eq!(ix.cadre_count(), 4);
        assert_eq!(ix.village_count(), 3);
        assert_eq!(ix.cadre("C3"), Some(2));
        assert_eq!(
            ix.cadre("C1"),
            Some(0),
            "a repeated id is found at its first place"
        );
        assert_eq!(ix.cadre("C9"), None);
        assert_eq!(ix.village("V2"), Some(0));
        assert_eq!(ix.village("V1"), Some(1));
        assert_eq!(ix.village("V3"), Some(2));
        assert_eq!(ix.village("V4"), None);
        let of: Vec<_> = (0..4).map(|r| ix.village_of(r)).collect();
        assert_eq!(of, [0, 1, 0, 2]);
        assert_eq!(ix.village_code(0).as_str(), "V2");
        assert_eq!(ix.first_cadre(2), 3);
        assert_eq!(ix.repeated().collect::<Vec<_>>(), [3]);
    }

    /// The hinted lookups answer as the hash table does, whatever the hint.
    #[test]
    fn near_lookups_agree_with_the_table() {
        let roster = [
            cadre("C1", "V2"),
            cadre("C2", "V1"),
            cadre("C1", "V2"),
            cadre("C3", "V3"),
        ];
        let ix = RosterIndex::new(&roster);
        for id in ["C1", "C2", "C3", "C4", ""] {
            for start in 0..6 {
                let mut hint = start;
                let got = ix.cadre_near(id.as_bytes(), &mut hint);
                assert_eq!(got, ix.cadre(id), "{id} from {start}");
                if let Some(r) = got {
                    assert_eq!(hint, r);
                }
            }
        }
        for code in ["V1", "V2", "V3", "V4"] {
            for start in 0..5 {
                let mut hint = start;
                assert_eq!(
                    ix.village_near(code.as_bytes(), &mut hint),
                    ix.village(code)
                );
            }
        }
        assert_eq!(ix.cadre_near(&[0xff], &mut 0), None);
    }

    /// On rosters with many repeated ids and villages out of order, every lookup agrees with
    /// a plain scan for the first occurrence, from every hint.
    #[test]
    fn lookups_agree_with_a_scan() {
        for n in [1usize, 7, 64, 300] {
            let roster: Vec<Cadre> = (0..n)
                .map(|k| {
                    cadre(
                        &format!("C{}", (k * 7919) % (n / 2 + 1)),
                        &format!("V{}", k % 5),
                    )
                })
                .collect();
            let ix = RosterIndex::new(&roster);
            let first = |id: &str| roster.iter().position(|c| c.id.as_str() == id);
            let mut repeated = Vec::new();
            for (r, c) in roster.iter().enumerate() {
                let id = c.id.as_str();
                assert_eq!(ix.cadre(id), first(id));
                if first(id) != Some(r) {
                    repeated.push(r);
                }
                for start in 0..=n {
                    let mut hint = start;
                    assert_eq!(ix.cadre_near(id.as_bytes(), &mut hint), first(id));
                }
                let v = ix.village_of(r);
                assert_eq!(ix.village_code(v), &c.village);
                assert_eq!(ix.village(c.village.as_str()), Some(v));
            }
            assert_eq!(ix.repeated().collect::<Vec<_>>(), repeated);
            assert_eq!(ix.cadre("C-none"), None);
        }
    }
}
