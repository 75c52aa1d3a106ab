//! What scores and events are checked against: the roster and the policy in force.

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use kaohe_domain::{Cadre, Date, Policy, Quarter, Scope, Subject};

use crate::hash::{Code, Map};

/// A village of the roster, as a score or event subject.
#[derive(Debug, Clone)]
pub(crate) struct VillageRef {
    pub code: Code,
    pub subject: Subject,
    /// Dense index among subjects: villages first, then cadres.
    pub idx: u32,
}

/// A cadre of the roster, as a score or event subject.
#[derive(Debug, Clone)]
pub(crate) struct CadreRef {
    pub code: Code,
    pub subject: Subject,
    /// Dense index among subjects: villages first, then cadres.
    pub idx: u32,
    pub start: Date,
    pub end: Option<Date>,
}

impl CadreRef {
    /// In office on at least one day of `q` (docs/rules.md Art.2, "assessed").
    #[inline]
    pub fn assessed_in(&self, first: Date, last: Date) -> bool {
        self.start <= last && self.end.is_none_or(|e| e >= first)
    }

    pub fn office(&self) -> String {
        match self.end {
            Some(e) => format!("in office {} to {}", self.start, e),
            None => format!("in office from {}", self.start),
        }
    }
}

type PolicyFor<'p> = dyn Fn(Quarter) -> Option<&'p Policy> + Sync + 'p;

/// The reference that `scores.csv` and `events.csv` are checked against (docs/guide.md, file formats): the
/// roster (village codes and cadre ids, with office dates) and the policy in force for each
/// quarter. Build it once and use it for both files.
///
/// Every subject is made once here; the readers hand out clones of these shared ids, so
/// reading 26 million scores allocates no subject text.
pub struct Context<'p> {
    /// Villages in roster order (first appearance); `idx` is the position.
    villages: Vec<VillageRef>,
    village_index: Map<Code, u32>,
    /// Cadres in roster order; `idx` is `villages.len()` + the position.
    cadres: Vec<CadreRef>,
    /// Built on first use: a scores file in roster order never needs it (see
    /// [`Context::cadre_near`]), and for a national roster it is the costliest part.
    cadre_index: OnceLock<Map<Code, u32>>,
    /// Whether `cadres` are in increasing order of id (bytes), so that they can be bisected.
    sorted: bool,
    /// Cadre lookups answered without `cadre_index` so far (see
    /// [`Context::cadre_without_index`]).
    lookups: AtomicU32,
    policy_for: Box<PolicyFor<'p>>,
}

/// Lookups by bisection of a sorted roster before the table is built: each costs about a
/// microsecond at most, so that this many cost about what the table of a national roster
/// does.
const SORTED_LOOKUPS: u32 = 1 << 16;
/// Rosters with fewer cadres than this are indexed on one thread.
const PARALLEL_MIN_CADRES: usize = 100_000;
/// Lookups by a scan of an unsorted roster before the table is built.
const SCANS: u32 = 4;

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("villages", &self.villages.len())
            .field("cadres", &self.cadres.len())
            .finish_non_exhaustive()
    }
}

impl<'p> Context<'p> {
    /// A context over `roster`, with `policy_for(q)` giving the policy in force for quarter `q`
    /// (`None`: no policy is set for it, and its scores and events are refused).
    pub fn new(
        roster: &[Cadre],
        policy_for: impl Fn(Quarter) -> Option<&'p Policy> + Sync + 'p,
    ) -> Context<'p> {
        let idx = |n: usize| u32::try_from(n).expect("fewer than 4 billion subjects");
        let villages_of = || {
            let mut villages = Vec::new();
            let mut village_index: Map<Code, u32> = Map::default();
            for c in roster {
                let code = Code::new(c.village.as_str().as_bytes());
                if let std::collections::hash_map::Entry::Vacant(e) = village_index.entry(code) {
                    let code = e.key().clone();
                    e.insert(idx(villages.len()));
                    villages.push(VillageRef {
                        code,
                        subject: Subject::from(&c.village),
                        idx: idx(villages.len()),
                    });
                }
            }
            (villages, village_index)
        };
        // The cadres' indexes are counted from 0 here and moved past the villages below.
        let cadres_of = || {
            let cadres: Vec<CadreRef> = roster
                .iter()
                .enumerate()
                .map(|(i, c)| CadreRef {
                    code: Code::new(c.id.as_str().as_bytes()),
                    subject: Subject::from(&c.id),
                    idx: idx(i),
                    start: c.start_date,
                    end: c.end_date,
                })
                .collect();
            let sorted = cadres
                .windows(2)
                .all(|w| w[0].code.bytes() < w[1].code.bytes());
            (cadres, sorted)
        };
        // A national roster is two million cadres: the villages and the cadres are made on
        // two threads.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let ((villages, village_index), (mut cadres, sorted)) =
            if threads < 2 || roster.len() < PARALLEL_MIN_CADRES {
                (villages_of(), cadres_of())
            } else {
                std::thread::scope(|s| {
                    let cadres = s.spawn(cadres_of);
                    let villages = villages_of();
                    (villages, cadres.join().expect("a context thread panicked"))
                })
            };
        let base = idx(villages.len());
        for c in &mut cadres {
            c.idx = c
                .idx
                .checked_add(base)
                .expect("fewer than 4 billion subjects");
        }
        Context {
            villages,
            village_index,
            cadres,
            cadre_index: OnceLock::new(),
            sorted,
            lookups: AtomicU32::new(0),
            policy_for: Box::new(policy_for),
        }
    }

    /// A context where one policy is in force for every quarter (`kaohe compute --policy`).
    pub fn with_policy(roster: &[Cadre], policy: &'p Policy) -> Context<'p> {
        Context::new(roster, move |_| Some(policy))
    }

    /// A context over a store's policy history: the policy in force for `q` is the one with
    /// the latest effective quarter not after `q` (`kaohe policy set FILE --from Q`).
    pub fn with_policies(roster: &[Cadre], policies: &'p [(Quarter, Policy)]) -> Context<'p> {
        Context::new(roster, move |q| {
            Policy::in_force(policies, q).map(|(_, p)| p)
        })
    }

    /// The policy in force for `q`.
    pub fn policy_for(&self, q: Quarter) -> Option<&'p Policy> {
        (self.policy_for)(q)
    }

    /// The village with this code.
    pub(crate) fn village(&self, code: &[u8]) -> Option<&VillageRef> {
        let i = *self.village_index.get(code)?;
        self.villages.get(i as usize)
    }

    /// The cadre with this id (the first, if a roster named one twice).
    pub(crate) fn cadre(&self, code: &[u8]) -> Option<&CadreRef> {
        if let Some(found) = self.cadre_without_index(code) {
            return found.and_then(|i| self.cadres.get(i));
        }
        let i = *self.cadre_index().get(code)?;
        self.cadres.get(i as usize)
    }

    /// The position of the cadre with this id found without the table, while that is
    /// cheaper than building it (`None`: use the table). The table costs a large part of a
    /// second for a national roster, and is often not needed: a roster sorted by id (every
    /// store's is) is bisected, for the first lookups; an unsorted one is scanned, for a
    /// few. A scores file in roster order misses once per reading thread (where its part
    /// starts), an events file a few thousand times.
    fn cadre_without_index(&self, code: &[u8]) -> Option<Option<usize>> {
        if self.cadre_index.get().is_some() {
            return None;
        }
        let n = self.lookups.fetch_add(1, Ordering::Relaxed);
        if self.sorted && n < SORTED_LOOKUPS {
            let i = self.cadres.partition_point(|c| c.code.bytes() < code);
            let hit = self.cadres.get(i).is_some_and(|c| c.code.bytes() == code);
            return Some(hit.then_some(i));
        }
        if n < SCANS {
            return Some(self.cadres.iter().position(|c| c.code.bytes() == code));
        }
        None
    }

    fn cadre_index(&self) -> &Map<Code, u32> {
        self.cadre_index.get_or_init(|| {
            let mut index: Map<Code, u32> = Map::default();
            index.reserve(self.cadres.len());
            for (i, c) in self.cadres.iter().enumerate() {
                index
                    .entry(c.code.clone())
                    .or_insert(u32::try_from(i).expect("fewer than 4 billion cadres"));
            }
            index
        })
    }

    /// The village with this code, trying the one at `*hint` and the next before the hash
    /// table: a scores file sorted like the roster then finds every village without a random
    /// memory access. `*hint` follows the answer.
    #[inline]
    pub(crate) fn village_near(&self, code: &[u8], hint: &mut usize) -> Option<&VillageRef> {
        for i in [*hint, *hint + 1] {
            if let Some(v) = self.villages.get(i)
                && v.code.bytes() == code
            {
                *hint = i;
                return Some(v);
            }
        }
        let i = *self.village_index.get(code)? as usize;
        *hint = i;
        self.villages.get(i)
    }

    /// The cadre with this id, as [`Context::village_near`] finds villages.
    #[inline]
    pub(crate) fn cadre_near(&self, code: &[u8], hint: &mut usize) -> Option<&CadreRef> {
        for i in [*hint, *hint + 1] {
            if let Some(c) = self.cadres.get(i)
                && c.code.bytes() == code
            {
                *hint = i;
                return Some(c);
            }
        }
        if let Some(found) = self.cadre_without_index(code) {
            let i = found?;
            *hint = i;
            return self.cadres.get(i);
        }
        let i = *self.cadre_index().get(code)? as usize;
        *hint = i;
        self.cadres.get(i)
    }

    /// Why `subject` does not fit `what` (an item or event kind) of `scope`.
    #[cold]
    pub(crate) fn wrong_subject(&self, subject: &str, what: &str, scope: Scope) -> String {
        if subject.is_empty() {
            return "is empty".to_owned();
        }
        let sb = subject.as_bytes();
        let subject = kaohe_domain::ParseError::shown(subject);
        match scope {
            Scope::Village if self.cadre(sb).is_some() => format!(
                "`{subject}` is a cadre id, but {what} is per village: the subject must be a \
                 village code"
            ),
            Scope::Village => {
                format!("`{subject}` is not a village code of the roster ({what} is per village)")
            }
            Scope::Cadre if self.village(sb).is_some() => format!(
                "`{subject}` is a village code, but {what} is per cadre: the subject must be a \
                 cadre id"
            ),
            Scope::Cadre => {
                format!("`{subject}` is not a cadre id of the roster ({what} is per cadre)")
            }
        }
    }

    /// The number of villages and of cadres (a [`kaohe_domain::ScoreGrid`]'s subjects).
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.villages.len(), self.cadres.len())
    }

    /// The number of distinct subjects (villages and cadres).
    pub(crate) fn subject_count(&self) -> usize {
        self.villages.len() + self.cadres.len()
    }
}

#[cfg(test)]
mod tests {
    use kaohe_domain::{CadreId, Date, Money, Sequence, TownCode, VillageCode};

    use super::*;

    fn roster(n: usize, shuffled: bool) -> Vec<Cadre> {
        (0..n)
            .map(|k| {
                let i = if shuffled { (k * 7919) % n } else { k };
                Cadre {
                    id: CadreId::parse(&format!("C{i:06}")).unwrap(),
                    name: "x".into(),
                    town: TownCode::parse("T1").unwrap(),
                    village: VillageCode::parse(&format!("V{}", i / 4)).unwrap(),
                    sequence: Sequence::parse("委员").unwrap(),
                    position: String::new(),
                    monthly_subsidy: Money::from_hundredths(100),
                    start_date: Date::parse("2020-01-01").unwrap(),
                    end_date: None,
                }
            })
            .collect()
    }

    /// Lookups give the same cadre with and without the table, before and after it is built.
    #[test]
    fn cadre_lookups_agree_with_the_table() {
        let policy = Policy::default();
        for shuffled in [false, true] {
            let roster = roster(3000, shuffled);
            let ctx = Context::with_policy(&roster, &policy);
            assert_eq!(ctx.sorted, !shuffled);
            let table = Context::with_policy(&roster, &policy);
            let expected = |code: &[u8]| table.cadre_index().get(code).map(|&i| i as usize);
            let mut codes: Vec<String> = (0..3000).map(|i| format!("C{i:06}")).collect();
            codes.extend(["C", "C999999", "", "D000001", "C0000011"].map(String::from));
            // Enough rounds to pass every budget and reach the table.
            for round in 0..(SORTED_LOOKUPS as usize / codes.len() + 2) {
                for (k, code) in codes.iter().enumerate() {
                    let code = code.as_bytes();
                    let want = expected(code);
                    let got = if (round + k) % 2 == 0 {
                        ctx.cadre(code)
                            .map(|c| (c.idx as usize) - ctx.villages.len())
                    } else {
                        let mut hint = (k * 31) % 3000;
                        ctx.cadre_near(code, &mut hint)
                            .map(|c| (c.idx as usize) - ctx.villages.len())
                    };
                    assert_eq!(got, want, "{}", String::from_utf8_lossy(code));
                }
            }
            assert!(ctx.cadre_index.get().is_some());
        }
    }
}
