use std::collections::HashMap;
use std::fmt::Write as _;

use kaohe_domain::{Appraisal, Cadre, Event, Policy, Quarter, Score};
use sha2::{Digest, Sha256};

/// The fingerprint of everything a quarter's settlement is computed from (SPEC 3.5): the
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

    let assessed: std::collections::HashSet<&str> = cadres.iter().map(|c| c.id.as_str()).collect();
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
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
