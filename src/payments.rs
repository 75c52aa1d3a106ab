//! Payments outside the quarterly settlement and the corrections that withdraw a record:
//! one-time completion rewards (Art.12), yearly commendation rewards (Art.13), condolence
//! payments (Art.16), and `kaohe withdraw event|award|condolence`.
//!
//! - Each award and condolence is paid by one ledger entry of revision 0 in the quarter of its
//!   date (kind `completion_award`, `commendation_award` or `condolence`, with its article and
//!   month). They change no settlement line, so they never make a settled quarter need a
//!   revision.
//! - The same id again with the same content is a no-op; with other content the file is
//!   refused, naming what differs. Art.12's reward is one-time: a second `completion` award to
//!   a payee is refused while the first stands; Art.16 pays one condolence per cadre.
//! - A wrong record is withdrawn, never deleted: an event stops counting (its settled quarter
//!   then needs a revision, Art.8), an award or condolence gets the reversing entry (−amount,
//!   same payee, kind, article and month). Withdrawing twice is a no-op.

use std::collections::{BTreeSet, HashMap};

use kaohe_domain::{
    Award, AwardKind, CadreId, Condolence, LedgerEntry, Money, Month, Quarter, Stored, Withdrawal,
};
use kaohe_store::{AuditRecord, RecordImport, Store, StoreError, WithdrawTarget};

use crate::{AppError, Conflict};

/// What an import of awards or condolences did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentsImported {
    /// Records added, each with its ledger entry.
    pub added: u64,
    /// Records already stored with the same content.
    pub unchanged: u64,
    /// The sum of the entries written.
    pub paid: Money,
}

/// Imports awards (Art.12, Art.13), already read and checked against the roster.
pub async fn import_awards(
    store: &dyn Store,
    awards: &[Award],
    audit: &AuditRecord,
) -> Result<PaymentsImported, AppError> {
    for attempt in 0..2 {
        let stored = store.awards().await?;
        let by_id: HashMap<&str, &Stored<Award>> =
            stored.iter().map(|a| (a.record.id.as_str(), a)).collect();
        let mut conflicts = Vec::new();
        let mut new = Vec::new();
        for a in awards {
            match by_id.get(a.id.as_str()) {
                Some(old) if old.record == *a => {}
                Some(old) => conflicts.push(differs(
                    "award_id",
                    a.id.as_ref(),
                    "award",
                    kaohe_io::award_differences(&old.record, a),
                )),
                None => new.push(a),
            }
        }
        // Art.12: one completion award per payee while it stands.
        for a in new.iter().filter(|a| a.kind == AwardKind::Completion) {
            if let Some(first) = stored.iter().find(|s| {
                s.stands() && s.record.kind == AwardKind::Completion && s.record.payee == a.payee
            }) {
                conflicts.push(Conflict {
                    key: a.id.to_string(),
                    column: "payee",
                    message: format!(
                        "`{}` already has the one-time completion award `{}` of {} (Art.12: \
                         a one-time reward); withdraw it first if it was wrong \
                         (`kaohe withdraw award {} --reason …`)",
                        a.payee, first.record.id, first.record.date, first.record.id
                    ),
                });
            }
        }
        if !conflicts.is_empty() {
            return Err(AppError::Conflicts(conflicts));
        }
        let entries = number(
            store,
            new.iter().map(|a| PaymentOf {
                quarter: a.quarter(),
                payee: a.payee.as_str().to_owned(),
                kind: a.kind.entry_kind(),
                month: Month::of(a.date),
                amount: a.amount,
            }),
        )
        .await?;
        match store.import_awards(awards, &entries, audit).await {
            Ok(r) => return Ok(imported(r, &entries)),
            Err(StoreError::Conflict(_)) if attempt == 0 => continue,
            Err(e) => return Err(raced(e)),
        }
    }
    unreachable!("the loop returns on its second try")
}

/// Imports condolence payments (Art.16), already read and checked against the roster.
pub async fn import_condolences(
    store: &dyn Store,
    condolences: &[Condolence],
    audit: &AuditRecord,
) -> Result<PaymentsImported, AppError> {
    for attempt in 0..2 {
        let stored = store.condolences().await?;
        let by_id: HashMap<&str, &Stored<Condolence>> =
            stored.iter().map(|c| (c.record.id.as_str(), c)).collect();
        let mut conflicts = Vec::new();
        let mut new = Vec::new();
        for c in condolences {
            match by_id.get(c.id.as_str()) {
                Some(old) if old.record == *c => {}
                Some(old) => conflicts.push(differs(
                    "condolence_id",
                    c.id.as_ref(),
                    "condolence payment",
                    kaohe_io::condolence_differences(&old.record, c),
                )),
                None => new.push(c),
            }
        }
        // Art.16: one condolence payment per deceased cadre while it stands.
        for c in &new {
            if let Some(first) = stored
                .iter()
                .find(|s| s.stands() && s.record.cadre_id == c.cadre_id)
            {
                conflicts.push(Conflict {
                    key: c.id.to_string(),
                    column: "cadre_id",
                    message: format!(
                        "a condolence payment for `{}` is already stored (`{}`, {}); Art.16 pays \
                         one per cadre: withdraw it first if it was wrong \
                         (`kaohe withdraw condolence {} --reason …`)",
                        c.cadre_id, first.record.id, first.record.date, first.record.id
                    ),
                });
            }
        }
        if !conflicts.is_empty() {
            return Err(AppError::Conflicts(conflicts));
        }
        let entries = number(
            store,
            new.iter().map(|c| PaymentOf {
                quarter: c.quarter(),
                payee: c.cadre_id.as_str().to_owned(),
                kind: kaohe_domain::EntryKind::Condolence,
                month: Month::of(c.date),
                amount: c.amount,
            }),
        )
        .await?;
        match store.import_condolences(condolences, &entries, audit).await {
            Ok(r) => return Ok(imported(r, &entries)),
            Err(StoreError::Conflict(_)) if attempt == 0 => continue,
            Err(e) => return Err(raced(e)),
        }
    }
    unreachable!("the loop returns on its second try")
}

/// What a withdrawal did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    /// It was withdrawn before: nothing was written.
    pub already: bool,
    /// The reversing entry written (awards and condolences).
    pub reversal: Option<LedgerEntry>,
    /// Settled quarters whose lines change now that an event stops counting.
    pub needs_revision: Vec<Quarter>,
}

/// Withdraws an event, award or condolence (`kaohe withdraw`), with the clerk's reason.
pub async fn withdraw(
    store: &dyn Store,
    target: &WithdrawTarget,
    mark: &Withdrawal,
    audit: &AuditRecord,
) -> Result<Withdrawn, AppError> {
    if mark.reason.trim().is_empty() {
        return Err(AppError::Invalid(
            "--reason is empty: say why the record is withdrawn (it is kept in the record and \
             the audit log)"
                .into(),
        ));
    }
    for attempt in 0..2 {
        let (payment, withdrawn, event_quarter) = find(store, target).await?;
        if withdrawn {
            return Ok(Withdrawn {
                already: true,
                reversal: None,
                needs_revision: Vec::new(),
            });
        }
        let entries = match &payment {
            Some(p) => {
                number(
                    store,
                    std::iter::once(PaymentOf {
                        amount: -p.amount,
                        ..p.clone()
                    }),
                )
                .await?
            }
            None => Vec::new(),
        };
        match store.withdraw(target, mark, &entries, audit).await {
            Ok(false) => {
                return Ok(Withdrawn {
                    already: true,
                    reversal: None,
                    needs_revision: Vec::new(),
                });
            }
            Ok(true) => {
                let needs_revision = match event_quarter {
                    Some(q) => crate::imports::needing_revision(store, BTreeSet::from([q])).await?,
                    None => Vec::new(),
                };
                return Ok(Withdrawn {
                    already: false,
                    reversal: entries.into_iter().next(),
                    needs_revision,
                });
            }
            Err(StoreError::Conflict(_)) if attempt == 0 => continue,
            Err(e) => return Err(raced(e)),
        }
    }
    unreachable!("the loop returns on its second try")
}

/// The payment a target made (none for an event), whether it is withdrawn, and an event's
/// quarter.
async fn find(
    store: &dyn Store,
    target: &WithdrawTarget,
) -> Result<(Option<PaymentOf>, bool, Option<Quarter>), AppError> {
    let missing = |what: &str, id: &str, import: &str| {
        AppError::Invalid(format!(
            "no {what} `{id}` is stored (`kaohe import {import}` records them)"
        ))
    };
    match target {
        WithdrawTarget::Event(id) => {
            let found = store.events_by_id(std::slice::from_ref(id)).await?;
            let e = found
                .first()
                .ok_or_else(|| missing("event", id.as_str(), "events"))?;
            Ok((None, !e.stands(), Some(e.record.quarter())))
        }
        WithdrawTarget::Award(id) => {
            let all = store.awards().await?;
            let a = all
                .iter()
                .find(|a| &a.record.id == id)
                .ok_or_else(|| missing("award", id.as_str(), "awards"))?;
            Ok((
                Some(PaymentOf {
                    quarter: a.record.quarter(),
                    payee: a.record.payee.as_str().to_owned(),
                    kind: a.record.kind.entry_kind(),
                    month: Month::of(a.record.date),
                    amount: a.record.amount,
                }),
                !a.stands(),
                None,
            ))
        }
        WithdrawTarget::Condolence(id) => {
            let all = store.condolences().await?;
            let c = all
                .iter()
                .find(|c| &c.record.id == id)
                .ok_or_else(|| missing("condolence payment", id.as_str(), "condolences"))?;
            Ok((
                Some(PaymentOf {
                    quarter: c.record.quarter(),
                    payee: c.record.cadre_id.as_str().to_owned(),
                    kind: kaohe_domain::EntryKind::Condolence,
                    month: Month::of(c.record.date),
                    amount: c.record.amount,
                }),
                !c.stands(),
                None,
            ))
        }
    }
}

/// One payment to write as a revision-0 ledger entry.
#[derive(Debug, Clone)]
struct PaymentOf {
    quarter: Quarter,
    /// A cadre id, or a village code for a village collective's award.
    payee: String,
    kind: kaohe_domain::EntryKind,
    month: Month,
    amount: Money,
}

/// The ledger entries of `payments`, revision 0, numbered after each quarter's ledger.
async fn number(
    store: &dyn Store,
    payments: impl Iterator<Item = PaymentOf>,
) -> Result<Vec<LedgerEntry>, AppError> {
    let mut next: HashMap<Quarter, u32> = HashMap::new();
    let mut out = Vec::new();
    for p in payments {
        let n = match next.get_mut(&p.quarter) {
            Some(n) => n,
            None => {
                let last = store
                    .ledger(p.quarter)
                    .await?
                    .iter()
                    .map(|e| e.entry)
                    .max()
                    .unwrap_or(0);
                next.entry(p.quarter).or_insert(last + 1)
            }
        };
        let payee = CadreId::parse(&p.payee).map_err(|e| {
            AppError::Invalid(format!("payee `{}` cannot be a ledger payee: {e}", p.payee))
        })?;
        out.push(LedgerEntry {
            quarter: p.quarter,
            revision: 0,
            entry: *n,
            cadre_id: payee,
            kind: p.kind,
            month: Some(p.month),
            amount: p.amount,
        });
        *n += 1;
    }
    Ok(out)
}

fn imported(r: RecordImport, entries: &[LedgerEntry]) -> PaymentsImported {
    PaymentsImported {
        added: r.added,
        unchanged: r.unchanged,
        paid: entries.iter().fold(Money::ZERO, |s, e| s + e.amount),
    }
}

/// A store error of a payment write; a race lost twice is a clean refusal.
fn raced(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(why) => AppError::Refused(format!(
            "another payment was written to the same quarter at the same time ({why}); nothing \
             was written by this run: run it again"
        )),
        e => e.into(),
    }
}

/// The conflict of a record stored under the same id with other content.
fn differs(column: &'static str, id: &str, what: &str, diffs: Vec<String>) -> Conflict {
    Conflict {
        key: id.to_owned(),
        column,
        message: format!(
            "{what} `{id}` is already stored with other content: {} (\"there\" is the store); \
             an id names one record: give a correction a new id, or withdraw the stored one",
            diffs.join("; ")
        ),
    }
}
