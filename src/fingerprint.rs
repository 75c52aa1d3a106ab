use std::collections::HashSet;
use std::fmt::Write as _;

use kaohe_domain::{
    Appraisal, Cadre, Event, Policy, Quarter, RosterIndex, Score, ScoreGrid, ScoreNames,
};
use sha2::{Digest, Sha256};

/// The fingerprint of everything a quarter's settlement is computed from (docs/rules.md, the settlement life cycle): the
/// policy, the cadres assessed, the quarter's scores and events, the earlier appraisals of those
/// cadres and the missing-score choice. Hex SHA-256 over a canonical byte stream, so the order
/// the inputs come in does not matter.
///
/// Settling again with the same fingerprint is a no-op; a different one means the inputs
/// changed since the quarter was settled. Scores dominate the volume (26M rows for a national
/// quarter), so they are fed as compact binary records and sorted only if they do not arrive
/// sorted (stores return them sorted).
pub fn fingerprint(
    quarter: Quarter,
    policy: &Policy,
    roster: &[Cadre],
    scores: &[Score],
    events: &[Event],
    history: &[Appraisal],
    missing_as_zero: bool,
) -> String {
    fn key<'s>(s: &&'s Score) -> (&'s str, &'s str) {
        (s.subject.as_str(), s.item.as_str())
    }
    let mut in_quarter: Vec<&Score> = scores.iter().filter(|s| s.quarter == quarter).collect();
    if !in_quarter.is_sorted_by(|a, b| key(a) <= key(b)) {
        in_quarter.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }
    let sorted = |f: &mut dyn FnMut(&str, &str, i64)| {
        for s in in_quarter {
            f(s.subject.as_str(), s.item.as_str(), s.points.hundredths());
        }
    };
    hashed(
        quarter,
        policy,
        roster,
        sorted,
        events,
        history,
        missing_as_zero,
    )
}

/// [`fingerprint`] of a quarter whose scores are `grid` (of `roster` and `policy`; the roster
/// as the caller numbered it, once, with [`RosterIndex`]): the same hash as of the same scores
/// as rows, so that a settlement stored from rows is recognised unchanged.
pub fn fingerprint_grid(
    quarter: Quarter,
    policy: &Policy,
    roster: &RosterIndex<'_>,
    grid: &ScoreGrid,
    events: &[Event],
    history: &[Appraisal],
    missing_as_zero: bool,
) -> String {
    let names = ScoreNames::new(roster, policy);
    let order = names.key_order();
    let sorted = |f: &mut dyn FnMut(&str, &str, i64)| {
        order.for_each(grid, |s, i, h| f(s, i, i64::from(h)));
    };
    hashed(
        quarter,
        policy,
        roster.roster(),
        sorted,
        events,
        history,
        missing_as_zero,
    )
}

/// The fingerprint's byte stream; `scores` gives the quarter's scores (subject, item,
/// hundredths) by (subject, item) ascending.
fn hashed(
    quarter: Quarter,
    policy: &Policy,
    roster: &[Cadre],
    scores: impl FnOnce(&mut dyn FnMut(&str, &str, i64)),
    events: &[Event],
    history: &[Appraisal],
    missing_as_zero: bool,
) -> String {
    let mut w = Hasher::default();
    w.text(&format!("kaohe-fingerprint-v1 {quarter} {missing_as_zero}"));
    w.text(&policy.to_toml());

    let mut cadres: Vec<&Cadre> = roster.iter().filter(|c| c.assessed_in(quarter)).collect();
    cadres.sort_by(|a, b| a.id.cmp(&b.id));
    // Numbers and dates as their text, formatted into one reused buffer.
    let mut text = String::new();
    let mut shown = |w: &mut Hasher, v: &dyn std::fmt::Display| {
        text.clear();
        let _ = write!(text, "{v}");
        w.text(&text);
    };
    for c in &cadres {
        for field in [
            c.id.as_str(),
            &c.name,
            c.town.as_str(),
            c.village.as_str(),
            c.sequence.as_str(),
            &c.position,
        ] {
            w.text(field);
        }
        shown(&mut w, &c.monthly_subsidy);
        shown(&mut w, &c.start_date);
        match c.end_date {
            Some(d) => shown(&mut w, &d),
            None => w.text(""),
        }
    }

    // Items by their rubric position: the policy above is hashed whole.
    let items = ItemNumbers::new(policy);
    let mut hint = 0;
    scores(&mut |subject, item, hundredths| {
        w.text(subject);
        match items.number(item, &mut hint) {
            Some(n) => w.bytes(&n.to_le_bytes()),
            None => w.text(item),
        }
        w.bytes(&hundredths.to_le_bytes());
    });

    let mut events: Vec<&Event> = events.iter().filter(|e| quarter.contains(e.date)).collect();
    events.sort_by(|a, b| a.id.cmp(&b.id));
    for e in events {
        let level = e.level.map(|l| l.as_str()).unwrap_or("");
        for field in [
            e.id.as_str(),
            &e.date.to_string(),
            e.subject.as_str(),
            e.kind.as_str(),
            level,
            &e.note,
        ] {
            w.text(field);
        }
    }

    let mut history: Vec<&Appraisal> = history.iter().filter(|a| a.quarter < quarter).collect();
    if !history.is_empty() {
        let assessed: HashSet<&str> = cadres.iter().map(|c| c.id.as_str()).collect();
        history.retain(|a| assessed.contains(a.cadre_id.as_str()));
    }
    history.sort_by(|a, b| (&a.cadre_id, a.quarter).cmp(&(&b.cadre_id, b.quarter)));
    for a in history {
        w.text(a.cadre_id.as_str());
        w.text(&a.quarter.to_string());
        w.text(a.grade.as_str());
    }
    w.finish()
}

/// The rubric position of each item id, found without hashing: the ids sorted by their bytes,
/// searched from where the last one was found (a subject's scores come by item in that
/// order), else by bisection. 26 million scores make a hash lookup each cost seconds.
struct ItemNumbers<'p> {
    /// (id, position), by id; an id given twice in a rubric keeps its last position.
    sorted: Vec<(&'p str, u32)>,
}

impl<'p> ItemNumbers<'p> {
    fn new(policy: &'p Policy) -> ItemNumbers<'p> {
        let mut sorted: Vec<(&str, u32)> = policy
            .items()
            .enumerate()
            .map(|(i, (_, _, it))| (it.id.as_str(), i as u32))
            .collect();
        // Stable: among equal ids the last position ends last, and is kept.
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut kept: Vec<(&str, u32)> = Vec::with_capacity(sorted.len());
        for (id, n) in sorted {
            match kept.last_mut() {
                Some(last) if last.0 == id => last.1 = n,
                _ => kept.push((id, n)),
            }
        }
        ItemNumbers { sorted: kept }
    }

    #[inline]
    fn number(&self, item: &str, hint: &mut usize) -> Option<u32> {
        if let Some(&(id, n)) = self.sorted.get(*hint)
            && id == item
        {
            *hint += 1;
            return Some(n);
        }
        let i = self
            .sorted
            .binary_search_by(|(id, _)| (*id).cmp(item))
            .ok()?;
        *hint = i + 1;
        Some(self.sorted[i].1)
    }
}

/// SHA-256 fed through a buffer, every field length-prefixed so that no two different inputs
/// give the same stream.
#[derive(Default)]
struct Hasher {
    sha: Sha256,
    buf: Vec<u8>,
}

impl Hasher {
    fn text(&mut self, s: &str) {
        self.bytes(&(s.len() as u32).to_le_bytes());
        self.bytes(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= 1 << 16 {
            self.sha.update(&self.buf);
            self.buf.clear();
        }
    }
    fn finish(mut self) -> String {
        self.sha.update(&self.buf);
        self.sha
            .finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

/// Hex SHA-256 of a file's bytes, for the audit log.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use kaohe_domain::{
        CadreId, Date, EventId, EventKind, Grade, ItemId, Level, Money, Points, Sequence, Subject,
        TownCode, VillageCode,
    };

    use super::*;

    /// The fingerprint as first written (hash lookups, a string per number): the faster one
    /// must hash exactly the same stream, since stores keep fingerprints.
    fn old_fingerprint(
        quarter: Quarter,
        policy: &Policy,
        roster: &[Cadre],
        scores: &[Score],
        events: &[Event],
        history: &[Appraisal],
        missing_as_zero: bool,
    ) -> String {
        let mut w = Hasher::default();
        w.text(&format!("kaohe-fingerprint-v1 {quarter} {missing_as_zero}"));
        w.text(&policy.to_toml());

        let mut cadres: Vec<&Cadre> = roster.iter().filter(|c| c.assessed_in(quarter)).collect();
        cadres.sort_by(|a, b| a.id.cmp(&b.id));
        for c in &cadres {
            let end = c.end_date.map(|d| d.to_string()).unwrap_or_default();
            for field in [
                c.id.as_str(),
                &c.name,
                c.town.as_str(),
                c.village.as_str(),
                c.sequence.as_str(),
                &c.position,
                &c.monthly_subsidy.to_string(),
                &c.start_date.to_string(),
                &end,
            ] {
                w.text(field);
            }
        }

        // Items by their rubric position: the policy above is hashed whole.
        let item_no: HashMap<&str, u32> = policy
            .items()
            .enumerate()
            .map(|(i, (_, _, it))| (it.id.as_str(), i as u32))
            .collect();
        fn key<'s>(s: &&'s Score) -> (&'s str, &'s str) {
            (s.subject.as_str(), s.item.as_str())
        }
        let mut in_quarter: Vec<&Score> = scores.iter().filter(|s| s.quarter == quarter).collect();
        if !in_quarter.is_sorted_by(|a, b| key(a) <= key(b)) {
            in_quarter.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        }
        for s in in_quarter {
            w.text(s.subject.as_str());
            match item_no.get(s.item.as_str()) {
                Some(n) => w.bytes(&n.to_le_bytes()),
                None => w.text(s.item.as_str()),
            }
            w.bytes(&s.points.hundredths().to_le_bytes());
        }

        let mut events: Vec<&Event> = events.iter().filter(|e| quarter.contains(e.date)).collect();
        events.sort_by(|a, b| a.id.cmp(&b.id));
        for e in events {
            let level = e.level.map(|l| l.as_str()).unwrap_or("");
            for field in [
                e.id.as_str(),
                &e.date.to_string(),
                e.subject.as_str(),
                e.kind.as_str(),
                level,
                &e.note,
            ] {
                w.text(field);
            }
        }

        let assessed: std::collections::HashSet<&str> =
            cadres.iter().map(|c| c.id.as_str()).collect();
        let mut history: Vec<&Appraisal> = history
            .iter()
            .filter(|a| a.quarter < quarter && assessed.contains(a.cadre_id.as_str()))
            .collect();
        history.sort_by(|a, b| (&a.cadre_id, a.quarter).cmp(&(&b.cadre_id, b.quarter)));
        for a in history {
            w.text(a.cadre_id.as_str());
            w.text(&a.quarter.to_string());
            w.text(a.grade.as_str());
        }
        w.finish()
    }

    #[test]
    fn the_stream_is_unchanged() {
        let q = Quarter::parse("2026Q3").unwrap();
        let policy = Policy::default();
        let d = |s: &str| Date::parse(s).unwrap();
        let roster: Vec<Cadre> = (0..40)
            .map(|i| Cadre {
                id: CadreId::parse(&format!("C{:03}", (i * 7) % 40)).unwrap(),
                name: format!("干部{i}"),
                town: TownCode::parse("T1").unwrap(),
                village: VillageCode::parse(&format!("V{}", i / 4)).unwrap(),
                sequence: Sequence::parse(if i % 4 == 0 { "正职" } else { "委员" }).unwrap(),
                position: if i % 3 == 0 {
                    String::new()
                } else {
                    "委员".into()
                },
                monthly_subsidy: Money::from_hundredths(150_000 + i * 37),
                start_date: if i % 9 == 0 {
                    d("2026-10-01")
                } else {
                    d("2020-01-01")
                },
                end_date: (i % 5 == 0).then(|| d("2026-08-31")),
            })
            .collect();
        let mut scores = Vec::new();
        let mut n = 0i64;
        for (_, section, item) in policy.items() {
            let subjects: Vec<Subject> = match section.scope {
                kaohe_domain::Scope::Village => (0..10)
                    .map(|v| Subject::from(&VillageCode::parse(&format!("V{v}")).unwrap()))
                    .collect(),
                kaohe_domain::Scope::Cadre => roster.iter().map(|c| Subject::from(&c.id)).collect(),
            };
            for subject in subjects {
                n += 1;
                scores.push(Score {
                    quarter: if n % 17 == 0 { q.prev() } else { q },
                    subject,
                    item: item.id.clone(),
                    points: Points::from_hundredths(n % 400),
                });
            }
        }
        scores.push(Score {
            quarter: q,
            subject: Subject::parse("V1").unwrap(),
            item: ItemId::parse("not.in.the.rubric").unwrap(),
            points: Points::from_hundredths(5),
        });
        let events: Vec<Event> = (0..6)
            .map(|e| Event {
                id: EventId::parse(&format!("E{}", 6 - e)).unwrap(),
                date: Date::new(2026, 6 + e as u8, 3).unwrap(),
                subject: Subject::parse("V1").unwrap(),
                kind: EventKind::parse("inspection_praise").unwrap(),
                level: Some(Level::ALL[e % 4]),
                note: format!("note {e}"),
            })
            .collect();
        let history: Vec<Appraisal> = roster
            .iter()
            .enumerate()
            .map(|(i, c)| Appraisal {
                cadre_id: c.id.clone(),
                quarter: if i % 6 == 0 { q } else { q.prev() },
                grade: [Grade::Excellent, Grade::Qualified, Grade::Unqualified][i % 3],
            })
            .collect();
        let mut sorted = scores.clone();
        sorted.sort_by(|a, b| (&a.subject, &a.item).cmp(&(&b.subject, &b.item)));
        for scores in [&scores, &sorted] {
            for history in [&history[..], &[]] {
                for m in [false, true] {
                    assert_eq!(
                        fingerprint(q, &policy, &roster, scores, &events, history, m),
                        old_fingerprint(q, &policy, &roster, scores, &events, history, m)
                    );
                }
            }
        }

        // The same scores in the grid a store reads them into hash as the rows do: a
        // settlement fingerprinted from rows is recognised from the grid.
        let index = RosterIndex::new(&roster);
        let names = ScoreNames::new(&index, &policy);
        let mut grid = names.empty_grid(q);
        let fitting: Vec<Score> = scores
            .iter()
            .filter(|s| s.quarter == q)
            .filter(
                |s| match names.cell(s.subject.as_str(), s.item.as_str(), s.points) {
                    Some((scope, sub, col, h)) => grid.set(scope, sub, col, h).is_ok(),
                    None => false,
                },
            )
            .cloned()
            .collect();
        assert!(grid.scored() > 100, "the grid holds most scores");
        assert!(fitting.len() < scores.len(), "some rows do not fit");
        for m in [false, true] {
            assert_eq!(
                fingerprint_grid(q, &policy, &index, &grid, &events, &history, m),
                fingerprint(q, &policy, &roster, &fitting, &events, &history, m),
            );
        }
        // And a change of one cell changes it.
        let before = fingerprint_grid(q, &policy, &index, &grid, &events, &history, false);
        let (scope, sub, col, _) = grid.iter().next().unwrap();
        let mut changed = names.empty_grid(q);
        for (sc, s2, c2, p) in grid.iter() {
            let h = p.hundredths() as u16;
            let h = if (sc, s2, c2) == (scope, sub, col) {
                h ^ 1
            } else {
                h
            };
            changed.set(sc, s2, c2, h).unwrap();
        }
        assert_ne!(
            fingerprint_grid(q, &policy, &index, &changed, &events, &history, false),
            before
        );
    }
}
