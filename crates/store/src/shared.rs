//! Checks and messages every backend shares, written once here so that the backends cannot
//! drift apart on them (the same refusal, the same words).

use std::borrow::Borrow;
use std::collections::HashMap;

use kaohe_domain::{Award, Condolence, Difference, EntryKind, Event, Inspection, LedgerEntry};

use crate::{NewSettlement, RecordImport, StoreError};

/// Whether `article` is the article of some ledger entry kind (`Art.11`, `Art.12`, `Art.13`,
/// `Art.16`): the only ones a ledger entry may name.
pub fn is_entry_article(article: &str) -> bool {
    entry_article(article).is_some()
}

/// `article` as the article of some ledger entry kind, or `None` when it is none of them.
pub fn entry_article(article: &str) -> Option<&'static str> {
    EntryKind::ALL
        .iter()
        .map(|k| k.article())
        .find(|a| *a == article)
}

/// Checks entries written outside a settlement (payroll, awards, condolences, withdrawals):
/// each has revision 0. [`StoreError::Rejected`] otherwise, naming the first entry that has not.
pub fn check_outside_settlement(entries: &[LedgerEntry]) -> Result<(), StoreError> {
    if let Some(e) = entries.iter().find(|e| e.revision != 0) {
        return Err(StoreError::Rejected(format!(
            "ledger entry {} of {} has revision {}: an entry written outside a settlement \
             (monthly payroll, Art.11; awards, Art.12, Art.13; condolences, Art.16; withdrawals) \
             has revision 0, and a settlement's entries are written with it (nothing was written)",
            e.entry, e.quarter, e.revision
        )));
    }
    Ok(())
}

/// Checks a settlement revision before anything is written, the same on every store
/// (docs/guide.md, the settlement life cycle). Revision 0 is a [`StoreError::Conflict`],
/// whatever else is wrong with it: revisions count from 1, and revision 0 is for the entries
/// written outside a settlement. Otherwise a line of another quarter, an entry of another
/// quarter or revision is
/// [`StoreError::Rejected`].
pub fn check_new_settlement(s: &NewSettlement) -> Result<(), StoreError> {
    let (q, r) = (s.header.quarter, s.header.revision);
    let refused = |m: String| format!("settle {q} revision {r}: {m} (nothing was written)");
    if r == 0 {
        return Err(StoreError::Conflict(refused(
            "revisions count from 1 (revision 0 is for entries written outside a settlement)"
                .into(),
        )));
    }
    if let Some(l) = s.lines.iter().find(|l| l.quarter != q) {
        return Err(StoreError::Rejected(refused(format!(
            "the line of cadre `{}` is for {}",
            l.cadre_id, l.quarter
        ))));
    }
    if let Some(e) = s.entries.iter().find(|e| e.quarter != q || e.revision != r) {
        return Err(StoreError::Rejected(refused(format!(
            "ledger entry {} is for {} revision {}",
            e.entry, e.quarter, e.revision
        ))));
    }
    Ok(())
}

/// The refusal of a write whose ledger entry is numbered like one already stored: another
/// writer of the quarter's ledger got there first.
pub fn entry_taken(quarter: impl std::fmt::Display, entry: u32) -> StoreError {
    StoreError::Conflict(format!(
        "ledger entry {entry} of {quarter} is already taken: another payment or settlement of \
         {quarter} was written meanwhile (the ledger is append-only and never holds an entry \
         number twice; nothing was written)"
    ))
}

/// The refusal of a write that holds one entry number twice.
pub fn entry_twice(quarter: impl std::fmt::Display, entry: u32) -> StoreError {
    StoreError::Rejected(format!(
        "ledger entry {entry} of {quarter} appears twice in one write (nothing was written)"
    ))
}

/// The refusal of an import that brings more ledger entries than it adds records: a record
/// the caller took for new is stored already (with the same content), so its entry would pay
/// it twice.
pub fn entries_for_stored(what: &str, entries: usize, added: u64) -> StoreError {
    let msg = format!(
        "{entries} ledger entries for {added} new {what} records: each new record is paid by \
         one entry, and a record already stored is not paid again (nothing was written)"
    );
    if entries as u64 > added {
        StoreError::Conflict(format!("{msg}; was the same record imported meanwhile?"))
    } else {
        StoreError::Rejected(msg)
    }
}

/// What differs between a stored record and one given under the same id, as the stores word
/// it: ``amount `500.00` → `600.00` ``; which fields are compared is the record kind's
/// `differences` (kaohe-domain).
fn stored_to_new(differences: Vec<Difference>) -> Vec<String> {
    differences.iter().map(ToString::to_string).collect()
}

/// What differs between a stored event and one imported under the same id.
pub fn event_differences(stored: &Event, new: &Event) -> Vec<String> {
    stored_to_new(stored.differences(new))
}

/// What differs between a stored award and one given under the same id, field by field
/// (`amount `500.00` → `600.00``); empty when they are the same.
pub fn award_differences(stored: &Award, new: &Award) -> Vec<String> {
    stored_to_new(stored.differences(new))
}

/// What differs between a stored condolence payment and one given under the same id.
pub fn condolence_differences(stored: &Condolence, new: &Condolence) -> Vec<String> {
    stored_to_new(stored.differences(new))
}

/// What differs between a stored supervision record (Art.14) and one given under the same id.
pub fn inspection_differences(stored: &Inspection, new: &Inspection) -> Vec<String> {
    stored_to_new(stored.differences(new))
}

/// The refusal of an import naming ids stored (or given twice) with other content. `problems`
/// are `"award `A1`: amount `500.00` → `600.00`"`-like texts; at most `max` are listed.
pub fn other_content(what: &str, mut problems: Vec<String>, max: usize) -> StoreError {
    let more = problems.len().saturating_sub(max);
    problems.truncate(max);
    let mut msg = problems.join("; ");
    if more > 0 {
        msg.push_str(&format!("; and {more} more"));
    }
    StoreError::Rejected(format!(
        "{msg} (an id names one {what}: the same content again is a no-op, other content is \
         refused; nothing of this import was written)"
    ))
}

/// A record an import adds by its id, never replacing one (events, supervision records,
/// awards, condolences): the same content again is a no-op, other content is refused.
pub trait ById: PartialEq {
    /// What one is called in messages (`event`, `award`, `supervision record`).
    const WHAT: &'static str;
    /// Its id.
    fn id(&self) -> &str;
    /// What differs between `self` (stored, or given first) and `new`, as the stores word it.
    fn differences(&self, new: &Self) -> Vec<String>;
}

impl ById for Event {
    const WHAT: &'static str = "event";
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn differences(&self, new: &Self) -> Vec<String> {
        event_differences(self, new)
    }
}

impl ById for Inspection {
    const WHAT: &'static str = "supervision record";
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn differences(&self, new: &Self) -> Vec<String> {
        inspection_differences(self, new)
    }
}

impl ById for Award {
    const WHAT: &'static str = "award";
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn differences(&self, new: &Self) -> Vec<String> {
        award_differences(self, new)
    }
}

impl ById for Condolence {
    const WHAT: &'static str = "condolence payment";
    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn differences(&self, new: &Self) -> Vec<String> {
        condolence_differences(self, new)
    }
}

/// An import's records compared by id, with each other and then with what is stored: the one
/// compare of every backend's imports by id.
#[derive(Debug)]
pub struct Compared<'a, T> {
    /// The first record of each id, in input order; after [`Compared::against`], only those
    /// not stored yet.
    pub new: Vec<&'a T>,
    /// Records given again with the same content, in this import or stored.
    pub unchanged: u64,
    /// ``award `A1` is already stored with other content: amount `500.00` → `600.00``-like
    /// texts, empty when nothing is refused.
    pub problems: Vec<String>,
}

impl<'a, T: ById> Compared<'a, T> {
    /// The first record of each id; a later one with the same content is unchanged, with
    /// other content a problem.
    pub fn distinct(records: &'a [T]) -> Self {
        let mut first: HashMap<&str, &T> = HashMap::with_capacity(records.len());
        let mut c = Compared {
            new: Vec::with_capacity(records.len()),
            unchanged: 0,
            problems: Vec::new(),
        };
        for rec in records {
            match first.get(rec.id()) {
                None => {
                    first.insert(rec.id(), rec);
                    c.new.push(rec);
                }
                Some(earlier) if *earlier == rec => c.unchanged += 1,
                Some(earlier) => c.problems.push(format!(
                    "{} `{}` appears twice in this import with other content: {}",
                    T::WHAT,
                    rec.id(),
                    earlier.differences(rec).join(", ")
                )),
            }
        }
        c
    }

    /// Keeps in `new` the records `stored` does not hold (it looks a record up by its id);
    /// one stored with the same content is unchanged, with other content a problem.
    pub fn against<S: Borrow<T>, E>(
        mut self,
        mut stored: impl FnMut(&T) -> Result<Option<S>, E>,
    ) -> Result<Self, E> {
        let mut new = Vec::with_capacity(self.new.len());
        for rec in std::mem::take(&mut self.new) {
            match stored(rec)? {
                None => new.push(rec),
                Some(s) if s.borrow() == rec => self.unchanged += 1,
                Some(s) => self.problems.push(format!(
                    "{} `{}` is already stored with other content: {}",
                    T::WHAT,
                    rec.id(),
                    s.borrow().differences(rec).join(", ")
                )),
            }
        }
        self.new = new;
        Ok(self)
    }

    /// The records to add and what the import did; the refusal ([`other_content`], at most
    /// `max` listed) when a record has other content.
    pub fn outcome(self, max: usize) -> Result<(Vec<&'a T>, RecordImport), StoreError> {
        if !self.problems.is_empty() {
            return Err(other_content(T::WHAT, self.problems, max));
        }
        let r = RecordImport {
            added: self.new.len() as u64,
            unchanged: self.unchanged,
        };
        Ok((self.new, r))
    }
}
