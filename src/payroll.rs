//! The monthly base payroll (Art.11: 基础补贴按月发放): one month's base paid before its
//! quarter is settled, as differences against the ledger.
//!
//! - For every cadre in office on at least one day of the month, the base owed is Art.11's
//!   `base_m = round(M × f_m × base_share)` ([`month_base`], the very function the settlement
//!   uses), with the roster as stored now and the policy in force for the month's quarter.
//! - What is written is `owed − already in the ledger` per cadre (owed is 0 for a cadre no
//!   longer in office in the month), and nothing where that is 0: running payroll twice changes
//!   nothing, and a late roster correction gives the correcting (possibly negative) entry.
//! - A month whose quarter is settled is refused: a settled quarter is corrected by
//!   `settle --revise`.
//! - The entries are revision 0 and numbered after the quarter's ledger; the store refuses an
//!   entry number already taken, so of two payrolls of one month at once one writes and the
//!   other, reading again, finds nothing left to pay.

use std::collections::{BTreeMap, HashMap};

use kaohe_domain::{CadreId, EntryKind, LedgerEntry, Money, Month, TownCode};
use kaohe_settlement::month_base;
use kaohe_store::{AuditRecord, Store, StoreError};

use crate::AppError;
use crate::lifecycle::Policies;

/// What a payroll run did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payroll {
    /// The month paid.
    pub month: Month,
    /// The entries written (or to write, for a dry run), in roster order.
    pub entries: Vec<LedgerEntry>,
    /// The sum of the entries per town (a payee no longer in the roster counts under no town).
    pub by_town: BTreeMap<Option<TownCode>, (usize, Money)>,
    /// Cadres paid for the month in all, after this run (entries net of earlier ones).
    pub cadres_paid: usize,
    /// Whether nothing was written because nothing was owed.
    pub nothing_to_do: bool,
}

impl Payroll {
    /// The sum of the entries.
    pub fn total(&self) -> Money {
        self.entries
            .iter()
            .fold(Money::ZERO, |sum, e| sum + e.amount)
    }
}

/// Pays the base of `month` (`kaohe payroll --month`); writes nothing when `dry_run`.
pub async fn payroll(
    store: &dyn Store,
    month: Month,
    dry_run: bool,
    audit: &AuditRecord,
) -> Result<Payroll, AppError> {
    // Two tries: a lost race re-reads the ledger, and then finds what the winner paid.
    for attempt in 0..2 {
        let run = compute(store, month).await?;
        if dry_run || run.entries.is_empty() {
            return Ok(run);
        }
        match store.append_entries(&run.entries, audit).await {
            Ok(()) => return Ok(run),
            Err(StoreError::Conflict(_)) if attempt == 0 => continue,
            Err(StoreError::Conflict(why)) => {
                return Err(AppError::Refused(format!(
                    "another payment of {} was written at the same time ({why}); nothing was \
                     written by this run: run payroll again to see where it stands",
                    month.quarter()
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    unreachable!("the loop returns on its second try")
}

/// The entries that would bring the ledger of `month` to what Art.11 owes now.
async fn compute(store: &dyn Store, month: Month) -> Result<Payroll, AppError> {
    let q = month.quarter();
    if let Some(h) = store.settlement(q).await? {
        return Err(AppError::Refused(format!(
            "{q} is settled (revision {}), so {month} is paid by its settlement: payroll pays \
             months of unsettled quarters only. To correct a settled quarter, import the \
             correction and run `kaohe settle --quarter {q} --revise` (Art.11).",
            h.revision
        )));
    }
    let policies = Policies::load(store).await?;
    let policy = policies.for_quarter(q);
    let roster = store.roster().await?;
    let ledger = store.ledger(q).await?;
    let mut paid: HashMap<&str, Money> = HashMap::new();
    for e in ledger
        .iter()
        .filter(|e| e.kind == EntryKind::Base && e.month == Some(month))
    {
        *paid.entry(e.cadre_id.as_str()).or_insert(Money::ZERO) += e.amount;
    }
    let mut next = ledger.iter().map(|e| e.entry).max().unwrap_or(0) + 1;
    let mut entries = Vec::new();
    let mut by_town: BTreeMap<Option<TownCode>, (usize, Money)> = BTreeMap::new();
    let mut cadres_paid = 0;
    let mut pay = |payee: &CadreId, town: Option<&TownCode>, amount: Money| {
        let t = by_town.entry(town.cloned()).or_insert((0, Money::ZERO));
        t.0 += 1;
        t.1 += amount;
        entries.push(LedgerEntry {
            quarter: q,
            revision: 0,
            entry: next,
            cadre_id: payee.clone(),
            kind: EntryKind::Base,
            month: Some(month),
            amount,
        });
        next += 1;
    };
    let mut in_roster = std::collections::HashSet::new();
    for c in &roster {
        in_roster.insert(c.id.as_str());
        let days = c.days_in_office(month);
        let owed = if days == 0 {
            Money::ZERO
        } else {
            month_base(policy, c.monthly_subsidy, days, month)
        };
        if days > 0 {
            cadres_paid += 1;
        }
        let before = paid.get(c.id.as_str()).copied().unwrap_or(Money::ZERO);
        if owed != before {
            pay(&c.id, Some(&c.town), owed - before);
        }
    }
    // A payee paid earlier but no longer in the roster at all is owed nothing.
    let mut gone: Vec<(&str, Money)> = paid
        .iter()
        .filter(|(id, m)| !in_roster.contains(*id) && !m.is_zero())
        .map(|(id, m)| (*id, *m))
        .collect();
    gone.sort_unstable();
    for (id, before) in gone {
        if let Ok(id) = CadreId::parse(id) {
            pay(&id, None, -before);
        }
    }
    Ok(Payroll {
        month,
        nothing_to_do: entries.is_empty(),
        entries,
        by_town,
        cadres_paid,
    })
}

#[cfg(test)]
mod tests {
    //! Art.11 / 3.6 as a property: whatever months payroll paid, and whatever the roster said
    //! when it paid them, the settled ledger of every (quarter, cadre) adds up to the line's
    //! `total_paid`, and every month's base is paid exactly once.

    use std::collections::HashMap;
    use std::sync::Arc;

    use kaohe_domain::{
        Cadre, CadreId, Date, EntryKind, Money, Month, Policy, Quarter, Sequence, TownCode,
        VillageCode,
    };
    use kaohe_settlement::month_base;
    use kaohe_store::{AuditRecord, Store};
    use proptest::prelude::*;

    use crate::lifecycle::{Quiet, SettleOptions, settle};

    fn audit() -> AuditRecord {
        AuditRecord {
            at_unix: 1_790_000_000,
            user: "test".into(),
            command: "test".into(),
            source_sha256: None,
            source_path: None,
            rows: 0,
            summary: "test".into(),
        }
    }

    /// A cadre: subsidy in fen, and office from/to as days after 2026-05-01 (to: none when
    /// past the quarter).
    type Spec = (i64, u16, Option<u16>);

    fn day(n: u16) -> Date {
        let mut d = Date::parse("2026-05-01").unwrap();
        for _ in 0..n {
            let (y, m, dd) = (d.year(), d.month(), d.day());
            d = Date::new(y, m, dd + 1)
                .or_else(|| Date::new(y, m + 1, 1))
                .unwrap();
        }
        d
    }

    fn roster(specs: &[Spec]) -> Vec<Cadre> {
        specs
            .iter()
            .enumerate()
            .map(|(i, &(fen, from, to))| Cadre {
                id: CadreId::parse(&format!("C{i}")).unwrap(),
                name: format!("干部{i}"),
                town: TownCode::parse("T1").unwrap(),
                village: VillageCode::parse("V1").unwrap(),
                sequence: Sequence::parse("委员").unwrap(),
                position: "委员".into(),
                monthly_subsidy: Money::from_hundredths(fen),
                start_date: day(from),
                end_date: to.map(|t| day(from + t)),
            })
            .collect()
    }

    fn spec() -> impl Strategy<Value = Spec> {
        (0i64..400_000, 0u16..120, proptest::option::of(0u16..90))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn payroll_then_settlement_pays_each_base_once(
            before in proptest::collection::vec(spec(), 1..6),
            after in proptest::collection::vec(spec(), 1..6),
            first_months in 0u8..8,
            second_months in 0u8..8,
        ) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let s: Arc<dyn Store> =
                    Arc::new(kaohe_store_redb::RedbStore::open(dir.path().join("t.redb")).unwrap());
                let q = Quarter::parse("2026Q3").unwrap();
                let months = q.months();
                s.import_roster(&roster(&before), &audit()).await.unwrap();
                for (k, m) in months.iter().enumerate() {
                    if first_months & (1 << k) != 0 {
                        super::payroll(&*s, *m, false, &audit()).await.unwrap();
                    }
                }
                // A later roster: changed, added or (by length) fewer cadres updated.
                s.import_roster(&roster(&after), &audit()).await.unwrap();
                for (k, m) in months.iter().enumerate() {
                    if second_months & (1 << k) != 0 {
                        super::payroll(&*s, *m, false, &audit()).await.unwrap();
                        // Twice changes nothing.
                        let again = super::payroll(&*s, *m, false, &audit()).await.unwrap();
                        assert!(again.nothing_to_do, "{m}: {:?}", again.entries);
                    }
                }
                let opts = SettleOptions { missing_as_zero: true, ..SettleOptions::default() };
                let settled = settle(&*s, q, opts, &audit(), &Quiet).await.unwrap();
                let ledger = s.ledger(q).await.unwrap();
                let mut sums: HashMap<String, Money> = HashMap::new();
                let mut base: HashMap<(String, Month), Money> = HashMap::new();
                for e in &ledger {
                    assert!(e.kind.is_settlement());
                    *sums.entry(e.cadre_id.to_string()).or_default() += e.amount;
                    if e.kind == EntryKind::Base {
                        *base.entry((e.cadre_id.to_string(), e.month.unwrap())).or_default() +=
                            e.amount;
                    }
                }
                let stored = s.roster().await.unwrap();
                let policy = Policy::default();
                for c in &stored {
                    let paid = sums.remove(c.id.as_str()).unwrap_or_default();
                    match settled.lines.iter().find(|l| l.cadre_id == c.id) {
                        Some(l) => assert_eq!(paid, l.total_paid, "{}", c.id),
                        None => assert!(paid.is_zero(), "{} has no line but is paid {paid}", c.id),
                    }
                    for m in months {
                        let d = c.days_in_office(m);
                        let owed = if d == 0 {
                            Money::ZERO
                        } else {
                            month_base(&policy, c.monthly_subsidy, d, m)
                        };
                        let got = base.get(&(c.id.to_string(), m)).copied().unwrap_or_default();
                        assert_eq!(got, owed, "{} {m}: base paid once", c.id);
                    }
                }
                assert!(sums.values().all(|m| m.is_zero()), "{sums:?}");
            });
        }
    }
}
