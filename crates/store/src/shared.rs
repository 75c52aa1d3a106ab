//! Checks and messages every backend shares, written once here so that the backends cannot
//! drift apart on them (the same refusal, the same words).

use kaohe_domain::{Award, Condolence, Difference, EntryKind, Inspection, LedgerEntry};

use crate::StoreError;

/// Whether `article` is the article of some ledger entry kind (`Art.11`, `Art.12`, `Art.13`,
/// `Art.16`): the only ones a ledger entry may name.
pub fn is_entry_article(article: &str) -> bool {
    EntryKind::ALL.iter().any(|k| k.article() == article)
}

/// Checks entries written outside a settlement (payroll, awards, condolences, withdrawals):
/// each has revision 0 and names the article of a ledger entry kind. [`StoreError::Rejected`]
/// otherwise, naming the first entry that does not.
pub fn check_outside_settlement(entries: &[LedgerEntry]) -> Result<(), StoreError> {
    if let Some(e) = entries.iter().find(|e| e.revision != 0) {
        return Err(StoreError::Rejected(format!(
            "ledger entry {} of {} has revision {}: an entry written outside a settlement \
             (monthly payroll, Art.11; awards, Art.12, Art.13; condolences, Art.16; withdrawals) \
             has revision 0, and a settlement's entries are written with it (nothing was written)",
            e.entry, e.quarter, e.revision
        )));
    }
    if let Some(e) = entries.iter().find(|e| !is_entry_article(e.article)) {
        return Err(StoreError::Rejected(format!(
            "ledger entry {} of {} names `{}`, which is not the article of any ledger entry kind \
             (nothing was written)",
            e.entry, e.quarter, e.article
        )));
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
    differences
        .into_iter()
        .map(|d| format!("{} `{}` → `{}`", d.field, d.old, d.new))
        .collect()
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
