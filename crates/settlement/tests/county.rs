//! Random counties for the property tests: a roster with cadres joining and leaving around the
//! quarter, every score a policy asks for (with shared profiles, so totals tie), a few events,
//! earlier appraisals, and a policy with its knobs turned.

use kaohe_domain::{
    Appraisal, Cadre, CadreId, Date, Decimal, Event, EventId, EventKind, EventPoints, Grade,
    ItemColumns, Level, Money, Points, Policy, PolicyParts, Quarter, QuotaScope, Scope, Score,
    ScoreGrid, SectionId, Sequence, Subject, TieBreak, TownCode, VillageCode,
};
use kaohe_settlement::QuarterInput;

/// SplitMix64: the data of a case follows from its seed.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

pub fn quarter() -> Quarter {
    Quarter::parse("2026Q3").unwrap()
}

/// The knobs of a case, drawn by proptest.
#[derive(Debug, Clone)]
pub struct Knobs {
    pub seed: u64,
    pub cadres: usize,
    pub villages: usize,
    pub towns: usize,
    pub ratio_percent: u32,
    pub county: bool,
    pub exclude: bool,
    pub rank_keys: usize,
    pub excellent_min: u32,
    pub qualified_gap: u32,
    pub bonus_rate: u32,
    pub deduction_rate: u32,
    pub base_share_percent: u32,
    pub k: u32,
    pub events: usize,
}

#[derive(Debug, Clone)]
pub struct County {
    pub policy: Policy,
    pub roster: Vec<Cadre>,
    pub scores: Vec<Score>,
    pub events: Vec<Event>,
    pub history: Vec<Appraisal>,
}

impl County {
    pub fn input(&self) -> QuarterInput<'_> {
        QuarterInput {
            quarter: quarter(),
            policy: &self.policy,
            roster: &self.roster,
            roster_index: None,
            scores: (&self.scores).into(),
            events: &self.events,
            history: &self.history,
            missing_as_zero: false,
        }
    }

    /// The quarter's scores as a compact grid, built by a plain route of its own: villages
    /// numbered in order of first appearance in the roster, cadres by roster position, items
    /// by their scope's rubric order. Scores of other quarters are left out.
    pub fn grid(&self) -> ScoreGrid {
        let columns = ItemColumns::new(&self.policy);
        let mut villages: Vec<&str> = Vec::new();
        for c in &self.roster {
            if !villages.contains(&c.village.as_str()) {
                villages.push(c.village.as_str());
            }
        }
        let mut grid = ScoreGrid::new(quarter(), &columns, villages.len(), self.roster.len());
        let items: Vec<&str> = self.policy.items().map(|(_, _, i)| i.id.as_str()).collect();
        for s in self.scores.iter().filter(|s| s.quarter == quarter()) {
            let item = items.iter().position(|i| *i == s.item.as_str()).unwrap();
            let (scope, column) = columns.place(item);
            let subject = match scope {
                Scope::Village => villages.iter().position(|v| *v == s.subject.as_str()),
                Scope::Cadre => self
                    .roster
                    .iter()
                    .position(|c| c.id.as_str() == s.subject.as_str()),
            };
            let h = u16::try_from(s.points.hundredths()).unwrap();
            grid.set(scope, subject.unwrap(), column, h).unwrap();
        }
        grid
    }

    /// The same county with every input list shuffled.
    pub fn shuffled(&self, seed: u64) -> County {
        let mut rng = Rng(seed);
        let mut c = self.clone();
        rng.shuffle(&mut c.roster);
        rng.shuffle(&mut c.scores);
        rng.shuffle(&mut c.events);
        rng.shuffle(&mut c.history);
        c
    }
}

fn date(rng: &mut Rng, from_month: u8) -> Date {
    // A day in 2026 from `from_month` on (days 1–28 so every month has them).
    let month = from_month + rng.below(u64::from(13 - from_month)) as u8;
    Date::new(2026, month, 1 + rng.below(28) as u8).unwrap()
}

fn pct(p: u32) -> Decimal {
    Decimal::new(i64::from(p), 2)
}

pub fn policy(k: &Knobs) -> Policy {
    let keys: &[&str] = match k.rank_keys {
        0 => &[],
        1 => &["public"],
        2 => &["public", "duty"],
        _ => &["duty", "party"],
    };
    let excellent = Points::from_hundredths(i64::from(k.excellent_min) * 100);
    Policy::try_from(PolicyParts {
        excellent_ratio: pct(k.ratio_percent),
        quota_scope: if k.county {
            QuotaScope::County
        } else {
            QuotaScope::Town
        },
        tie_break: if k.exclude {
            TieBreak::Exclude
        } else {
            TieBreak::Keys
        },
        rank_keys: keys.iter().map(|s| SectionId::parse(s).unwrap()).collect(),
        excellent_min_score: excellent,
        qualified_min_score: excellent - Points::from_hundredths(i64::from(k.qualified_gap) * 100),
        base_share: pct(k.base_share_percent),
        excellent_bonus_rate: pct(k.bonus_rate),
        unqualified_deduction_rate: pct(k.deduction_rate),
        consecutive_unqualified_for_dismissal: k.k,
        ..PolicyParts::default()
    })
    .expect("the knobs keep every rule of the policy")
}

/// Points for an item: a multiple of 0.25 up to its maximum.
fn points(rng: &mut Rng, max: Points) -> Points {
    let steps = max.hundredths() / 25;
    Points::from_hundredths(rng.below(steps as u64 + 1) as i64 * 25)
}

pub fn county(k: &Knobs) -> County {
    let policy = policy(k);
    let mut rng = Rng(k.seed);
    let towns: Vec<TownCode> = (0..k.towns)
        .map(|t| TownCode::parse(&format!("T{t}")).unwrap())
        .collect();
    let villages: Vec<VillageCode> = (0..k.villages)
        .map(|v| VillageCode::parse(&format!("V{v}")).unwrap())
        .collect();
    let seqs = [
        Sequence::parse("正职").unwrap(),
        Sequence::parse("委员").unwrap(),
    ];
    let roster: Vec<Cadre> = (0..k.cadres)
        .map(|i| {
            let v = rng.below(k.villages as u64) as usize;
            // Most in office the whole quarter; some join or leave within it, some are gone.
            let (start_date, end_date) = match rng.below(10) {
                0 => (date(&mut rng, 7), None),
                1 => {
                    let s = Date::new(2025, 3, 1).unwrap();
                    (s, Some(date(&mut rng, 6)))
                }
                2 => {
                    let s = date(&mut rng, 1);
                    let e = date(&mut rng, s.month());
                    (s, (e >= s).then_some(e))
                }
                _ => (Date::new(2024, 1, 1).unwrap(), None),
            };
            Cadre {
                id: CadreId::parse(&format!("C{:02}", i)).unwrap(),
                name: format!("干部{i}"),
                town: towns[v % k.towns].clone(),
                village: villages[v].clone(),
                sequence: seqs[rng.below(2) as usize].clone(),
                position: "委员".into(),
                monthly_subsidy: Money::from_hundredths(rng.below(300_000) as i64),
                start_date,
                end_date,
            }
        })
        .collect();

    // Villages of the roster only: a village is known by its cadres.
    let villages: Vec<VillageCode> = villages
        .into_iter()
        .filter(|v| roster.iter().any(|c| c.village == *v))
        .collect();

    // Three shared profiles of cadre-item points make ties on totals likely.
    let cadre_items: Vec<_> = policy
        .items()
        .filter(|(_, s, _)| s.scope == Scope::Cadre)
        .map(|(_, _, it)| it.clone())
        .collect();
    let profiles: Vec<Vec<Points>> = (0..3)
        .map(|_| {
            cadre_items
                .iter()
                .map(|it| points(&mut rng, it.max))
                .collect()
        })
        .collect();
    let mut scores = Vec::new();
    for (_, s, it) in policy.items() {
        if s.scope == Scope::Village {
            for v in &villages {
                scores.push(Score {
                    quarter: quarter(),
                    subject: Subject::from(v),
                    item: it.id.clone(),
                    points: if rng.chance(70) {
                        it.max
                    } else {
                        points(&mut rng, it.max)
                    },
                });
            }
        }
    }
    for c in &roster {
        let profile = rng.below(5) as usize;
        for (j, it) in cadre_items.iter().enumerate() {
            scores.push(Score {
                quarter: quarter(),
                subject: Subject::from(&c.id),
                item: it.id.clone(),
                points: match profiles.get(profile) {
                    Some(p) => p[j],
                    None => points(&mut rng, it.max),
                },
            });
        }
    }

    let events = (0..k.events)
        .map(|e| {
            let rule = &policy.events[rng.below(policy.events.len() as u64) as usize];
            let subject = match rule.scope {
                Scope::Village => {
                    Subject::from(&villages[rng.below(villages.len() as u64) as usize])
                }
                Scope::Cadre => Subject::from(&roster[rng.below(roster.len() as u64) as usize].id),
            };
            let level = match &rule.points {
                EventPoints::Levels(_) => Some(Level::ALL[rng.below(4) as usize]),
                EventPoints::Flat(_) => None,
            };
            Event {
                id: EventId::parse(&format!("E{e}")).unwrap(),
                date: date(&mut rng, 6),
                subject,
                kind: EventKind::parse(rule.kind.as_str()).unwrap(),
                level,
                note: String::new(),
            }
        })
        .collect();

    let grades = [Grade::Excellent, Grade::Qualified, Grade::Unqualified];
    let mut history = Vec::new();
    for c in &roster {
        let mut q = Quarter::parse("2025Q2").unwrap();
        while q <= quarter().next() {
            if rng.chance(60) {
                history.push(Appraisal {
                    cadre_id: c.id.clone(),
                    quarter: q,
                    grade: grades[rng.below(3) as usize],
                });
            }
            q = q.next();
        }
    }
    County {
        policy,
        roster,
        scores,
        events,
        history,
    }
}
