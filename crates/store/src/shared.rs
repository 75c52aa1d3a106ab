//! Checks and messages every backend shares, written once here so that the backends cannot
//! drift apart on them (the same refusal, the same words).

use kaohe_domain::{Award, Condolence, EntryKind, Inspection, LedgerEntry};

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

fn field(out: &mut Vec<String>, name: &str, stored: String, new: String) {
    if stored != new {
        out.push(format!("{name} `{stored}` → `{new}`"));
    }
}

/// What differs between a stored award and one given under the same id, field by field
/// (`amount `500.00` → `600.00``); empty when they are the same.
pub fn award_differences(stored: &Award, new: &Award) -> Vec<String> {
    let mut out = Vec::new();
    field(
        &mut out,
        "date",
        stored.date.to_string(),
        new.date.to_string(),
    );
    field(
        &mut out,
        "payee",
        stored.payee.to_string(),
        new.payee.to_string(),
    );
    field(
        &mut out,
        "kind",
        stored.kind.to_string(),
        new.kind.to_string(),
    );
    field(
        &mut out,
        "amount",
        stored.amount.to_string(),
        new.amount.to_string(),
    );
    field(
        &mut out,
        "reason",
        stored.reason.clone(),
        new.reason.clone(),
    );
    out
}

/// What differs between a stored condolence payment and one given under the same id.
pub fn condolence_differences(stored: &Condolence, new: &Condolence) -> Vec<String> {
    let mut out = Vec::new();
    field(
        &mut out,
        "date",
        stored.date.to_string(),
        new.date.to_string(),
    );
    field(
        &mut out,
        "cadre_id",
        stored.cadre_id.to_string(),
        new.cadre_id.to_string(),
    );
    field(
        &mut out,
        "cause",
        stored.cause.to_string(),
        new.cause.to_string(),
    );
    field(
        &mut out,
        "recipient",
        stored.recipient.clone(),
        new.recipient.clone(),
    );
    field(
        &mut out,
        "amount",
        stored.amount.to_string(),
        new.amount.to_string(),
    );
    field(&mut out, "note", stored.note.clone(), new.note.clone());
    out
}

/// What differs between a stored supervision record (Art.14) and one given under the same id.
pub fn inspection_differences(stored: &Inspection, new: &Inspection) -> Vec<String> {
    let mut out = Vec::new();
    field(
        &mut out,
        "date",
        stored.date.to_string(),
        new.date.to_string(),
    );
    field(
        &mut out,
        "subject",
        stored.subject.to_string(),
        new.subject.to_string(),
    );
    field(
        &mut out,
        "area",
        stored.area.to_string(),
        new.area.to_string(),
    );
    field(
        &mut out,
        "finding",
        stored.finding.to_string(),
        new.finding.to_string(),
    );
    field(&mut out, "note", stored.note.clone(), new.note.clone());
    out
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
