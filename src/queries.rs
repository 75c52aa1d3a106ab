//! What reports, ledgers, the audit log and explanations read (docs/rules.md, the settlement life cycle and paying the base monthly; docs/reference.md), and
//! [`explain`], an explanation as a value; the archives are in [`crate::archive`].

use kaohe_domain::{LedgerEntry, Quarter, SettlementLine};
use kaohe_store::{SettlementHeader, Store};

use crate::AppError;

pub use crate::explain::{
    Basis, CountedEvent, Explanation, ItemPoints, Neighbour, SectionPoints, explain,
};
/// The engine's types an [`Explanation`] holds (Art.10 groups and placements, Art.11 money).
pub use kaohe_settlement::{Group, MoneyWorking, MonthWorking, Placement, Reason, Separation};

fn not_settled(q: Quarter) -> AppError {
    AppError::Refused(format!(
        "{q} is not settled: reports and ledgers show settled quarters only (docs/guide.md, 一、每个季度的工作). \
         Preview it with `kaohe settle --quarter {q} --dry-run`."
    ))
}

/// The settled lines of `q` (latest revision), in report order. Refused when `q` is not
/// settled.
pub async fn report(
    store: &dyn Store,
    q: Quarter,
) -> Result<(SettlementHeader, Vec<SettlementLine>), AppError> {
    let header = store.settlement(q).await?.ok_or_else(|| not_settled(q))?;
    Ok((header, store.settlement_lines(q).await?))
}

/// What the pages for people state beside the lines of settled `q`: the Art.10 ratio and
/// thresholds of the policy in force for `q` and the Art.11 split of its ledger (paid monthly, paid by the
/// settlement).
pub async fn report_notes(
    store: &dyn Store,
    q: Quarter,
) -> Result<kaohe_report::ReportNotes, AppError> {
    let policies = crate::lifecycle::Policies::load(store).await?;
    let policy = policies.for_quarter(q);
    Ok(kaohe_report::ReportNotes::new(policy.excellent_ratio)
        .with_thresholds(policy)
        .with_ledger(&store.ledger(q).await?))
}

/// The audit log as `kaohe audit` shows it, oldest first: the records from day `since` on
/// (UTC), or all. Every password in a command was removed before it was stored; it is removed
/// again here, for records written by an older kaohe.
pub async fn audit(
    store: &dyn Store,
    since: Option<kaohe_domain::Date>,
) -> Result<Vec<kaohe_report::AuditRow>, AppError> {
    let mut rows = Vec::new();
    for a in store.audit_log().await? {
        let at = kaohe_domain::Date::from_unix(a.at_unix);
        if since.is_some_and(|s| at.is_none_or(|(d, _)| d < s)) {
            continue;
        }
        let time = match at {
            Some((d, secs)) => format!(
                "{d}T{:02}:{:02}:{:02}Z",
                secs / 3_600,
                secs / 60 % 60,
                secs % 60
            ),
            None => format!("@{}", a.at_unix),
        };
        let files = match (&a.source_path, &a.source_sha256) {
            (Some(p), Some(h)) => format!("{p}={h}"),
            (None, Some(h)) => format!("={h}"),
            _ => String::new(),
        };
        rows.push(kaohe_report::AuditRow {
            time,
            user: a.user,
            command: kaohe_store::redact_secrets(&a.command),
            files: kaohe_store::redact_secrets(&files),
        });
    }
    Ok(rows)
}

/// Every ledger entry of `q`, all revisions. Refused when `q` is not settled.
pub async fn ledger(store: &dyn Store, q: Quarter) -> Result<Vec<LedgerEntry>, AppError> {
    store.settlement(q).await?.ok_or_else(|| not_settled(q))?;
    Ok(store.ledger(q).await?)
}

/// The ledger entries of `month` (the monthly pay sheet, 5.4): every entry whose month it is —
/// the base paid by payroll or a settlement, awards and condolences — at any time, settled or
/// not, by entry.
pub async fn month_ledger(
    store: &dyn Store,
    month: kaohe_domain::Month,
) -> Result<Vec<LedgerEntry>, AppError> {
    let mut entries = store.ledger(month.quarter()).await?;
    entries.retain(|e| e.month == Some(month));
    Ok(entries)
}

/// What `explain` computes from: a quarter's inputs as stored, with the exact policy the
/// quarter was settled with.
#[derive(Debug, Clone)]
pub struct ExplainContext<'r> {
    /// The inputs (policy replaced by the one the settlement used, when settled).
    pub inputs: crate::lifecycle::QuarterInputs<'r>,
    /// Whether missing scores count as 0 (as the settlement did).
    pub missing_as_zero: bool,
    /// The settlement, if the quarter is settled.
    pub settled: Option<SettlementHeader>,
    /// Whether the inputs changed since the settlement (the explanation then shows what a
    /// revision would give, not what was paid).
    pub inputs_changed: bool,
}

/// Gathers what `explain` needs for quarter `q`, over `roster` (the store's roster, numbered).
pub async fn explain_context<'r>(
    store: &dyn Store,
    q: Quarter,
    roster: &'r kaohe_domain::RosterIndex<'r>,
) -> Result<ExplainContext<'r>, AppError> {
    let settled = store.settlement(q).await?;
    // Scores are read against the policy the quarter was settled with, when settled.
    let policy = match &settled {
        Some(h) => Some(
            kaohe_domain::Policy::from_toml(&h.policy_toml).map_err(|e| {
                AppError::Store(kaohe_store::StoreError::Corrupt(format!(
                    "stored policy of {q}: {e}"
                )))
            })?,
        ),
        None => None,
    };
    let inputs = crate::lifecycle::QuarterInputs::load_with(store, q, roster, policy).await?;
    let (mut missing_as_zero, mut inputs_changed) = (false, false);
    if let Some(h) = &settled {
        match [false, true]
            .into_iter()
            .find(|&m| inputs.fingerprint(m) == h.fingerprint)
        {
            Some(m) => missing_as_zero = m,
            None => inputs_changed = true,
        }
    }
    Ok(ExplainContext {
        inputs,
        missing_as_zero,
        settled,
        inputs_changed,
    })
}
