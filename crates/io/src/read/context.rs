//! What scores and events are checked against: the roster, numbered by its
//! [`RosterIndex`], and the policy in force.

use std::borrow::Cow;
use std::fmt;

use kaohe_domain::{
    Cadre, CadreId, Date, Policy, Quarter, RosterIndex, Scope, Subject, VillageCode,
};

/// A village of the roster, as a score or event subject.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VillageRef<'a> {
    pub code: &'a VillageCode,
    /// Dense index among subjects: villages first, then cadres.
    pub idx: u32,
}

impl VillageRef<'_> {
    /// The village as a subject (a shared id: no text is copied).
    pub fn subject(&self) -> Subject {
        Subject::from(self.code)
    }
}

/// A cadre of the roster, as a score or event subject.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CadreRef<'a> {
    pub id: &'a CadreId,
    /// Dense index among subjects: villages first, then cadres.
    pub idx: u32,
    pub start: Date,
    pub end: Option<Date>,
}

impl CadreRef<'_> {
    /// In office on at least one day of `q` (docs/rules.md Art.2, "assessed").
    #[inline]
    pub fn assessed_in(&self, first: Date, last: Date) -> bool {
        self.start <= last && self.end.is_none_or(|e| e >= first)
    }

    /// The cadre as a subject (a shared id: no text is copied).
    pub fn subject(&self) -> Subject {
        Subject::from(self.id)
    }

    pub fn office(&self) -> String {
        match self.end {
            Some(e) => format!("in office {} to {}", self.start, e),
            None => format!("in office from {}", self.start),
        }
    }
}

/// A subject found on the roster, made a [`Subject`] only when a row is kept as a record.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found<'a> {
    Village(&'a VillageCode),
    Cadre(&'a CadreId),
}

impl Found<'_> {
    pub fn subject(self) -> Subject {
        match self {
            Found::Village(v) => Subject::from(v),
            Found::Cadre(c) => Subject::from(c),
        }
    }
}

type PolicyFor<'p> = dyn Fn(Quarter) -> Option<&'p Policy> + Sync + 'p;

/// The reference that `scores.csv` and `events.csv` are checked against (docs/guide.md, file
/// formats): the roster (village codes and cadre ids, with office dates) and the policy in
/// force for each quarter. Build it once and use it for both files.
///
/// The roster is numbered by a [`RosterIndex`], lent by the caller ([`Context::over`]) or
/// built here; the readers hand out the roster's own shared ids, so reading 26 million
/// scores allocates no subject text and copies no id.
pub struct Context<'p> {
    index: Cow<'p, RosterIndex<'p>>,
    policy_for: Box<PolicyFor<'p>>,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("villages", &self.index.village_count())
            .field("cadres", &self.index.cadre_count())
            .finish_non_exhaustive()
    }
}

impl<'p> Context<'p> {
    /// A context over `roster`, with `policy_for(q)` giving the policy in force for quarter `q`
    /// (`None`: no policy is set for it, and its scores and events are refused).
    pub fn new(
        roster: &'p [Cadre],
        policy_for: impl Fn(Quarter) -> Option<&'p Policy> + Sync + 'p,
    ) -> Context<'p> {
        Context {
            index: Cow::Owned(RosterIndex::new(roster)),
            policy_for: Box::new(policy_for),
        }
    }

    /// A context over a roster already numbered by the caller (who hands the same index to
    /// the engine, so that the roster is numbered once), with `policy_for` as for
    /// [`Context::new`].
    pub fn over(
        index: &'p RosterIndex<'p>,
        policy_for: impl Fn(Quarter) -> Option<&'p Policy> + Sync + 'p,
    ) -> Context<'p> {
        Context {
            index: Cow::Borrowed(index),
            policy_for: Box::new(policy_for),
        }
    }

    /// A context where one policy is in force for every quarter (`kaohe compute --policy`).
    pub fn with_policy(roster: &'p [Cadre], policy: &'p Policy) -> Context<'p> {
        Context::new(roster, move |_| Some(policy))
    }

    /// A context over a store's policy history: the policy in force for `q` is the one with
    /// the latest effective quarter not after `q` (`kaohe policy set FILE --from Q`).
    pub fn with_policies(roster: &'p [Cadre], policies: &'p [(Quarter, Policy)]) -> Context<'p> {
        Context::new(roster, move |q| {
            Policy::in_force(policies, q).map(|(_, p)| p)
        })
    }

    /// The policy in force for `q`.
    pub fn policy_for(&self, q: Quarter) -> Option<&'p Policy> {
        (self.policy_for)(q)
    }

    fn village_ref(&self, v: usize) -> VillageRef<'_> {
        VillageRef {
            code: self.index.village_code(v),
            idx: u32::try_from(v).expect("fewer than 4 billion subjects"),
        }
    }

    fn cadre_ref(&self, r: usize) -> CadreRef<'_> {
        let c = self.index.cadre_at(r);
        CadreRef {
            id: &c.id,
            idx: u32::try_from(self.index.village_count() + r)
                .expect("fewer than 4 billion subjects"),
            start: c.start_date,
            end: c.end_date,
        }
    }

    /// The village with this code.
    pub(crate) fn village(&self, code: &[u8]) -> Option<VillageRef<'_>> {
        let v = self.index.village(std::str::from_utf8(code).ok()?)?;
        Some(self.village_ref(v))
    }

    /// The cadre with this id (the first, if a roster named one twice).
    pub(crate) fn cadre(&self, code: &[u8]) -> Option<CadreRef<'_>> {
        let r = self.index.cadre(std::str::from_utf8(code).ok()?)?;
        Some(self.cadre_ref(r))
    }

    /// The village with this code, trying the one at `*hint` and the next before the hash
    /// table ([`RosterIndex::village_near`]): a scores file sorted like the roster then finds
    /// every village without a random memory access. `*hint` follows the answer.
    #[inline]
    pub(crate) fn village_near(&self, code: &[u8], hint: &mut usize) -> Option<VillageRef<'_>> {
        let v = self.index.village_near(code, hint)?;
        Some(self.village_ref(v))
    }

    /// The cadre with this id, as [`Context::village_near`] finds villages.
    #[inline]
    pub(crate) fn cadre_near(&self, code: &[u8], hint: &mut usize) -> Option<CadreRef<'_>> {
        let r = self.index.cadre_near(code, hint)?;
        Some(self.cadre_ref(r))
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
        (self.index.village_count(), self.index.cadre_count())
    }

    /// The number of distinct subjects (villages and cadres).
    pub(crate) fn subject_count(&self) -> usize {
        self.index.village_count() + self.index.cadre_count()
    }
}

#[cfg(test)]
mod tests {
    use kaohe_domain::{Money, Sequence, TownCode};

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

    /// Hinted lookups give the cadre and village that the table gives, whatever the hint;
    /// cadres are numbered after the villages.
    #[test]
    fn near_lookups_agree_with_the_table() {
        let policy = Policy::default();
        for shuffled in [false, true] {
            let roster = roster(3000, shuffled);
            let ctx = Context::with_policy(&roster, &policy);
            let (villages, cadres) = ctx.counts();
            assert_eq!((villages, cadres), (750, 3000));
            let mut codes: Vec<String> = (0..3000).map(|i| format!("C{i:06}")).collect();
            codes.extend(["C", "C999999", "", "D000001", "C0000011", "V3"].map(String::from));
            for (k, code) in codes.iter().enumerate() {
                let code = code.as_bytes();
                let want = ctx.cadre(code).map(|c| c.idx);
                let mut hint = (k * 31) % 3000;
                assert_eq!(ctx.cadre_near(code, &mut hint).map(|c| c.idx), want);
                if let Some(i) = want {
                    assert!(i as usize >= villages);
                    assert_eq!(
                        ctx.cadre_ref(i as usize - villages).id.as_str().as_bytes(),
                        code
                    );
                }
            }
            for v in 0..villages {
                let code = ctx.village_ref(v).code.as_str().to_owned();
                let mut hint = (v * 7) % villages;
                let got = ctx.village_near(code.as_bytes(), &mut hint).map(|v| v.idx);
                assert_eq!(got, Some(v as u32));
            }
            assert!(ctx.village(b"C000001").is_none());
        }
    }
}
