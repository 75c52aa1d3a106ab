//! Two settlements of one quarter at once: exactly one takes effect, nothing is doubled.

use kaohe_store::{Store, StoreError};

use crate::support::{self, Ctx, audit, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_commits_of_revision_1_end_with_one() {
    run(|ctx: Ctx| async move {
        // Each round on a quarter of its own: two stores (two pools) commit revision 1 at once.
        for round in 0..3u16 {
            let quarter = kaohe_domain::Quarter::new(2026 + round, 3).unwrap();
            let s = std::sync::Arc::new(support::settlement(quarter, 1, 20_000, 1));
            let a = ctx.reopen().await;
            let b = ctx.reopen().await;
            let (sa, sb) = (s.clone(), s.clone());
            let ta =
                tokio::spawn(async move { a.commit_settlement(&sa, &audit("settle A", 1)).await });
            let tb =
                tokio::spawn(async move { b.commit_settlement(&sb, &audit("settle B", 1)).await });
            let outcomes = [ta.await.unwrap(), tb.await.unwrap()];
            let ok = outcomes.iter().filter(|o| o.is_ok()).count();
            let conflicts = outcomes
                .iter()
                .filter(|o| matches!(o, Err(StoreError::Conflict(_))))
                .count();
            assert_eq!((ok, conflicts), (1, 1), "{outcomes:?}");
            support::assert_holds(&ctx.store, &s).await;
        }
        assert_eq!(ctx.store.audit_log().await.unwrap().len(), 3);
    })
    .await;
}

/// Two payrolls of one month at once (Art.11, 3.6): the entries of one are written, the other
/// is a conflict and writes nothing, so the month is paid once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_payrolls_of_one_month_pay_once() {
    run(|ctx: Ctx| async move {
        let quarter = kaohe_domain::Quarter::new(2026, 3).unwrap();
        let entries = std::sync::Arc::new(kaohe_store::conformance::fixtures::large_payroll(
            quarter, 20_000,
        ));
        let a = ctx.reopen().await;
        let b = ctx.reopen().await;
        let (ea, eb) = (entries.clone(), entries.clone());
        let ta = tokio::spawn(async move { a.append_entries(&ea, &audit("payroll A", 1)).await });
        let tb = tokio::spawn(async move { b.append_entries(&eb, &audit("payroll B", 1)).await });
        let outcomes = [ta.await.unwrap(), tb.await.unwrap()];
        let ok = outcomes.iter().filter(|o| o.is_ok()).count();
        let conflicts = outcomes
            .iter()
            .filter(|o| matches!(o, Err(StoreError::Conflict(_))))
            .count();
        assert_eq!((ok, conflicts), (1, 1), "{outcomes:?}");
        let ledger = ctx.store.ledger(quarter).await.unwrap();
        assert_eq!(ledger, *entries, "the month is paid once, as written");
        assert_eq!(ctx.store.audit_log().await.unwrap().len(), 1);
    })
    .await;
}
