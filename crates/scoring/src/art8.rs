//! Art.8: bonus and deduction events. An event counts in the quarter containing its date, for
//! the cadres in office on that date: every such cadre of the village for a village event, the
//! cadre for a cadre event. Its points are the policy's for its kind and level.

use kaohe_domain::{Event, EventPoints, EventRule, Level, Points, Policy, Quarter, Scope};

use crate::Problem;
use crate::county::{County, Map};

/// One event's contribution to one assessed cadre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) cadre: u32,
    pub(crate) event: u32,
    pub(crate) points: i64,
}

/// Art.8: the contributions of every event dated in `quarter`, and a problem per event that
/// cannot count (repeated id, unknown kind, level not in the policy's table, unknown subject).
pub(crate) fn hits(
    policy: &Policy,
    county: &County<'_>,
    quarter: Quarter,
    events: &[Event],
    problems: &mut Vec<Problem>,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut seen: Map<&str, ()> = Map::default();
    for (e, ev) in events.iter().enumerate() {
        if !quarter.contains(ev.date) {
            continue;
        }
        if seen.insert(ev.id.as_str(), ()).is_some() {
            problems.push(Problem::DuplicateEvent {
                event: ev.id.clone(),
            });
            continue;
        }
        let Some(rule) = policy.event_rule(ev.kind.as_str()) else {
            problems.push(Problem::UnknownEventKind {
                event: ev.id.clone(),
                kind: ev.kind.clone(),
            });
            continue;
        };
        let subject = match rule.scope {
            Scope::Village => county.index.village(ev.subject.as_str()),
            Scope::Cadre => county.index.cadre(ev.subject.as_str()),
        };
        if subject.is_none() {
            problems.push(Problem::UnknownEventSubject {
                event: ev.id.clone(),
                kind: ev.kind.clone(),
                subject: ev.subject.clone(),
                scope: rule.scope,
            });
        }
        let Some(points) = rule.points_at(ev.level) else {
            problems.push(level_mismatch(ev, rule));
            continue;
        };
        if let Some(subject) = subject {
            let points = points.hundredths();
            for cadre in counted_for(county, rule.scope, subject, ev) {
                hits.push(Hit {
                    cadre,
                    event: e as u32,
                    points,
                });
            }
        }
    }
    hits
}

/// Art.8: the assessed cadres an event of `scope` about `subject` (a village or a roster
/// position) counts for: those in office on its date.
fn counted_for<'c>(
    county: &'c County<'_>,
    scope: Scope,
    subject: usize,
    ev: &'c Event,
) -> impl Iterator<Item = u32> + 'c {
    let cadres: &[u32] = match scope {
        Scope::Village => county.members(subject),
        Scope::Cadre => county.position[subject].as_slice(),
    };
    cadres
        .iter()
        .copied()
        .filter(move |&a| county.cadre(a as usize).in_office_on(ev.date))
}

fn level_mismatch(ev: &Event, rule: &EventRule) -> Problem {
    let expected: Vec<Level> = match &rule.points {
        EventPoints::Levels(t) => t.keys().copied().collect(),
        EventPoints::Flat(_) => Vec::new(),
    };
    Problem::LevelMismatch {
        event: ev.id.clone(),
        kind: ev.kind.clone(),
        level: ev.level,
        expected,
    }
}

/// Art.8 and Art.9: every cadre's contributions by (date, event id), `bonus` (the positive
/// points) and `deduction` (the absolute value of the negative ones), in hundredths.
#[derive(Debug)]
pub(crate) struct EventTotals {
    /// The contributions of cadre `a` are `hits[start[a]..start[a + 1]]`.
    pub(crate) start: Vec<u32>,
    pub(crate) hits: Vec<Hit>,
    pub(crate) bonus: Vec<i64>,
    pub(crate) deduction: Vec<i64>,
}

impl EventTotals {
    pub(crate) fn new(mut hits: Vec<Hit>, events: &[Event], n: usize) -> Self {
        hits.sort_unstable_by(|x, y| {
            let (ex, ey) = (&events[x.event as usize], &events[y.event as usize]);
            x.cadre
                .cmp(&y.cadre)
                .then(ex.date.cmp(&ey.date))
                .then_with(|| ex.id.cmp(&ey.id))
        });
        let mut bonus = vec![0i64; n];
        let mut deduction = vec![0i64; n];
        let mut start = vec![0u32; n + 1];
        for h in &hits {
            start[h.cadre as usize + 1] += 1;
            if h.points >= 0 {
                bonus[h.cadre as usize] += h.points;
            } else {
                deduction[h.cadre as usize] -= h.points;
            }
        }
        for a in 0..n {
            start[a + 1] += start[a];
        }
        EventTotals {
            start,
            hits,
            bonus,
            deduction,
        }
    }

    /// The contributions to cadre `a`, with their points.
    pub(crate) fn of(&self, a: usize) -> impl Iterator<Item = (u32, Points)> + '_ {
        let (from, to) = (self.start[a] as usize, self.start[a + 1] as usize);
        self.hits[from..to]
            .iter()
            .map(|h| (h.event, Points::from_hundredths(h.points)))
    }
}
