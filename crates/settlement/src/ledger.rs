//! Art.11's payments as ledger entries (docs/reference.md, ledger), and revisions of them.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use kaohe_domain::{CadreId, EntryKind, Grade, LedgerEntry, Money, Month, Quarter};

use crate::money::MoneyWorking;

/// Art.11 / docs/reference.md, ledger: the entries of one cadre's settlement, numbered from `*next` (which is
/// advanced): one `base` entry per month the cadre was in office, one `performance` entry
/// (P), and one `excellent_bonus` or `unqualified_deduction` entry when the adjustment is not
/// zero. They add up to `total_paid`.
pub fn cadre_entries(
    quarter: Quarter,
    revision: u32,
    cadre: &CadreId,
    money: &MoneyWorking,
    next: &mut u32,
    out: &mut Vec<LedgerEntry>,
) {
    let mut push = |kind: EntryKind, month: Option<Month>, amount: Money| {
        out.push(LedgerEntry {
            quarter,
            revision,
            entry: *next,
            cadre_id: cadre.clone(),
            kind,
            month,
            amount,
        });
        *next += 1;
    };
    for m in &money.months {
        if m.days_in_office > 0 {
            push(EntryKind::Base, Some(m.month), m.base);
        }
    }
    push(EntryKind::Performance, None, money.performance_standard);
    if !money.adjustment.is_zero() {
        let kind = match money.grade {
            Grade::Excellent => EntryKind::ExcellentBonus,
            _ => EntryKind::UnqualifiedDeduction,
        };
        push(kind, None, money.adjustment);
    }
}

type Key<'e> = (&'e str, EntryKind, Option<Month>);
/// A cadre of a revision: its id, its quarter, and the (kind, month) keys it has entries for.
type CadreKeys<'e> = (&'e CadreId, Quarter, Vec<(EntryKind, Option<Month>)>);

/// Art.11 / docs/rules.md, the settlement life cycle; docs/reference.md, ledger: the correcting entries of a revision: for each (cadre, kind, month)
/// of the four settlement kinds of Art.11, `new amount − old amount`, where the old amount is the sum of every
/// earlier entry (all revisions) and the new one that of `fresh`. Zero differences are
/// omitted; nothing earlier is edited. Appended to `previous`, the ledger then sums per cadre
/// and kind to `fresh`, including cadres absent from `fresh` (their entries are reversed).
///
/// Entries are numbered from `next_entry` and carry `revision`; they come cadre by cadre, in
/// the order cadres first appear in `fresh` (report order), then the cadres found only in
/// `previous` by id; within a cadre by kind, then month. Entries of other kinds
/// (`completion_award`, `condolence`) are left alone. All entries are of one quarter.
pub fn revise(
    previous: &[LedgerEntry],
    fresh: &[LedgerEntry],
    revision: u32,
    next_entry: u32,
) -> Vec<LedgerEntry> {
    let settlement = |e: &&LedgerEntry| e.kind.is_settlement();
    let mut old: HashMap<Key<'_>, i64, FixedState> = HashMap::default();
    let mut new: HashMap<Key<'_>, i64, FixedState> = HashMap::default();
    // Per cadre: its id, quarter, and keys.
    let mut cadres: HashMap<&str, usize, FixedState> = HashMap::default();
    let mut per_cadre: Vec<CadreKeys<'_>> = Vec::new();
    for e in fresh.iter().filter(settlement) {
        *new.entry((e.cadre_id.as_str(), e.kind, e.month))
            .or_default() += e.amount.hundredths();
        let c = *cadres.entry(e.cadre_id.as_str()).or_insert_with(|| {
            per_cadre.push((&e.cadre_id, e.quarter, Vec::new()));
            per_cadre.len() - 1
        });
        per_cadre[c].2.push((e.kind, e.month));
    }
    let fresh_cadres = per_cadre.len();
    for e in previous.iter().filter(settlement) {
        *old.entry((e.cadre_id.as_str(), e.kind, e.month))
            .or_default() += e.amount.hundredths();
        let c = *cadres.entry(e.cadre_id.as_str()).or_insert_with(|| {
            per_cadre.push((&e.cadre_id, e.quarter, Vec::new()));
            per_cadre.len() - 1
        });
        per_cadre[c].2.push((e.kind, e.month));
    }
    per_cadre[fresh_cadres..].sort_unstable_by(|a, b| a.0.as_str().cmp(b.0.as_str()));

    let mut out = Vec::new();
    let mut next = next_entry;
    for (cadre, quarter, mut keys) in per_cadre {
        keys.sort_unstable();
        keys.dedup();
        for (kind, month) in keys {
            let key = (cadre.as_str(), kind, month);
            let diff = new.get(&key).copied().unwrap_or(0) - old.get(&key).copied().unwrap_or(0);
            if diff != 0 {
                out.push(LedgerEntry {
                    quarter,
                    revision,
                    entry: next,
                    cadre_id: cadre.clone(),
                    kind,
                    month,
                    amount: Money::from_hundredths(diff),
                });
                next += 1;
            }
        }
    }
    out
}
