//! Each Store method on PostgreSQL, one behaviour per test.

use kaohe_domain::{
    CadreId, EntryKind, Event, EventId, EventKind, Grade, ItemId, Level, Policy, Score, Sequence,
    Subject, TownCode, VillageCode,
};
use kaohe_store::{EventImport, RosterImport, Store, StoreError};
use kaohe_store_postgres::PgStore;
use sqlx::{Connection, PgConnection};

use crate::support::{self, Ctx, audit, date, money, pts, q, run};

fn cadre(id: &str, name: &str) -> kaohe_domain::Cadre {
    kaohe_domain::Cadre {
        id: CadreId::parse(id).unwrap(),
        name: name.into(),
        town: TownCode::parse("T1").unwrap(),
        village: VillageCode::parse("V1").unwrap(),
        sequence: Sequence::parse("正职").unwrap(),
        position: "党组织书记".into(),
        monthly_subsidy: money("1500.07"),
        start_date: date("2026-07-10"),
        end_date: None,
    }
}

fn event(id: &str, day: &str, note: &str) -> Event {
    Event {
        id: EventId::parse(id).unwrap(),
        date: date(day),
        subject: Subject::parse("V1").unwrap(),
        kind: EventKind::parse("inspection_praise").unwrap(),
        level: Some(Level::Provincial),
        note: note.into(),
    }
}

#[tokio::test]
async fn unreachable_server_is_unavailable_quickly() {
    let started = std::time::Instant::now();
    let err = PgStore::connect("postgres://postgres@127.0.0.1:1/test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(started.elapsed().as_secs() < 5);
    let err = PgStore::connect("mysql://nope").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let err = PgStore::connect_with_schema("postgres://x@127.0.0.1:1/t", "Bad-Name")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn opening_twice_migrates_once_and_hides_the_password() {
    run(|ctx: Ctx| async move {
        let again = ctx.reopen().await;
        let d = again.describe();
        assert!(d.starts_with("postgres://"), "{d}");
        assert!(d.ends_with(&format!("?schema={}", ctx.schema)), "{d}");
        let mut conn = PgConnection::connect(&ctx.url).await.unwrap();
        let applied: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM \"{}\"._sqlx_migrations",
            ctx.schema
        )))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        // Each file of migrations/ applied once, though the store was opened twice.
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
            })
            .count();
        assert_eq!(applied, files as i64);
        assert!(files >= 3);
        // No table of the store is unlogged.
        let unlogged: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relpersistence <> 'p'",
        )
        .bind(&ctx.schema)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(unlogged, 0);
    })
    .await;
}

#[tokio::test]
async fn policies_replace_by_quarter_and_come_back_in_order() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        assert!(s.policies().await.unwrap().is_empty());
        let p = Policy::default();
        s.set_policy(q("2026Q3"), &p, &audit("policy set", 1))
            .await
            .unwrap();
        s.set_policy(q("2025Q1"), &p, &audit("policy set", 1))
            .await
            .unwrap();
        let p = p
            .edit(|p| p.excellent_bonus_rate = "0.35".parse().unwrap())
            .unwrap();
        s.set_policy(q("2026Q3"), &p, &audit("policy set", 1))
            .await
            .unwrap();
        let got = s.policies().await.unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], (q("2025Q1"), Policy::default()));
        assert_eq!(got[1], (q("2026Q3"), p));
    })
    .await;
}

#[tokio::test]
async fn roster_adds_updates_and_sorts_by_bytes() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let first = [cadre("C2", "a"), cadre("C10", "b"), cadre("张", "c")];
        assert_eq!(
            s.import_roster(&first, &audit("import roster", 3))
                .await
                .unwrap(),
            RosterImport {
                added: 3,
                updated: 0
            }
        );
        let mut changed = cadre("C2", "a2\twith tab");
        changed.end_date = Some(date("2026-08-31"));
        changed.monthly_subsidy = money("0");
        let second = [changed.clone(), cadre("Z", "z"), cadre("a", "lower")];
        assert_eq!(
            s.import_roster(&second, &audit("import roster", 3))
                .await
                .unwrap(),
            RosterImport {
                added: 2,
                updated: 1
            }
        );
        let ids: Vec<String> = s
            .roster()
            .await
            .unwrap()
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(ids, ["C10", "C2", "Z", "a", "张"]);
        let stored = s.roster().await.unwrap();
        assert_eq!(stored[1], changed);
        // The same id twice in one import: applied in order, the last one stays.
        let twice = [cadre("N", "first"), cadre("N", "second")];
        assert_eq!(
            s.import_roster(&twice, &audit("import roster", 2))
                .await
                .unwrap(),
            RosterImport {
                added: 1,
                updated: 1
            }
        );
        let n = s
            .roster()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id.as_str() == "N");
        assert_eq!(n.unwrap().name, "second");
    })
    .await;
}

#[tokio::test]
async fn scores_replace_by_key_and_list_quarters() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let score = |quarter: &str, subject: &str, item: &str, p: &str| Score {
            quarter: q(quarter),
            subject: Subject::parse(subject).unwrap(),
            item: ItemId::parse(item).unwrap(),
            points: pts(p),
        };
        let first = [
            score("2026Q3", "V1", "party.venue", "4"),
            score("2026Q3", "C1", "public.satisfaction", "8.5"),
            score("2026Q2", "V1", "party.venue", "3"),
            score("2027Q1", "V1", "party.venue", "1.25"),
        ];
        assert_eq!(
            s.import_scores(&first, &audit("import scores", 4))
                .await
                .unwrap(),
            4
        );
        let second = [
            score("2026Q3", "V1", "party.venue", "2.75"),
            score("2026Q3", "V1", "collective.economy", "10"),
        ];
        assert_eq!(
            s.import_scores(&second, &audit("import scores", 2))
                .await
                .unwrap(),
            2
        );
        let got = s.scores(q("2026Q3")).await.unwrap();
        assert_eq!(
            got,
            [
                score("2026Q3", "C1", "public.satisfaction", "8.50"),
                score("2026Q3", "V1", "collective.economy", "10"),
                score("2026Q3", "V1", "party.venue", "2.75"),
            ]
        );
        assert_eq!(
            s.scored_quarters().await.unwrap(),
            [q("2026Q2"), q("2026Q3"), q("2027Q1")]
        );
        assert!(s.scores(q("2030Q1")).await.unwrap().is_empty());
        // Duplicates in one import: the last one wins.
        let dup = [
            score("2026Q2", "V9", "x", "1"),
            score("2026Q2", "V9", "x", "2"),
        ];
        s.import_scores(&dup, &audit("import scores", 2))
            .await
            .unwrap();
        let got = s.scores(q("2026Q2")).await.unwrap();
        assert_eq!(got.last().unwrap().points, pts("2"));
        // … also on the direct path, into a quarter without scores.
        let dup = [
            score("2028Q1", "V9", "x", "1"),
            score("2028Q1", "V9", "y", "5"),
            score("2028Q1", "V9", "x", "3"),
        ];
        assert_eq!(
            s.import_scores(&dup, &audit("import scores", 3))
                .await
                .unwrap(),
            3
        );
        let got = s.scores(q("2028Q1")).await.unwrap();
        assert_eq!(
            got,
            [
                score("2028Q1", "V9", "x", "3"),
                score("2028Q1", "V9", "y", "5")
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn events_same_content_is_a_no_op_other_content_is_refused() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let e1 = event("E1", "2026-08-01", "县检查");
        let e2 = event("E2", "2026-07-01", "");
        let mut e3 = event("E3", "2026-07-01", "media");
        e3.kind = EventKind::parse("media_exposure").unwrap();
        e3.level = None;
        let e_q4 = event("E4", "2026-10-01", "next quarter");
        let got = s
            .import_events(
                &[e1.clone(), e2.clone(), e3.clone(), e_q4.clone(), e1.clone()],
                &audit("import events", 5),
            )
            .await
            .unwrap();
        assert_eq!(
            got,
            EventImport {
                added: 4,
                unchanged: 1
            }
        );
        assert_eq!(
            s.events(q("2026Q3")).await.unwrap(),
            [e2.clone(), e3.clone(), e1.clone()]
        );
        assert_eq!(s.events(q("2026Q4")).await.unwrap(), [e_q4]);

        let again = s
            .import_events(std::slice::from_ref(&e2), &audit("import events", 1))
            .await
            .unwrap();
        assert_eq!(
            again,
            EventImport {
                added: 0,
                unchanged: 1
            }
        );

        // A changed event next to a new one: refused, naming the id and fields; nothing written.
        let mut changed = e1.clone();
        changed.date = date("2026-08-02");
        changed.level = Some(Level::National);
        let e5 = event("E5", "2026-07-05", "");
        let err = s
            .import_events(&[e5.clone(), changed], &audit("import events", 2))
            .await
            .unwrap_err();
        let StoreError::Rejected(msg) = err else {
            panic!("{err:?}")
        };
        assert!(msg.contains("`E1`"), "{msg}");
        assert!(msg.contains("date") && msg.contains("level"), "{msg}");
        assert!(!msg.contains("note"), "{msg}");
        assert_eq!(s.events(q("2026Q3")).await.unwrap().len(), 3);

        // Conflicting twins within one import are refused too.
        let mut twin = e5.clone();
        twin.note = "other".into();
        let err = s
            .import_events(&[e5, twin], &audit("import events", 2))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Rejected(ref m) if m.contains("`E5`") && m.contains("note")),
            "{err:?}"
        );
        assert_eq!(s.audit_log().await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn settlement_revisions_are_compare_and_set() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let quarter = q("2026Q3");
        assert_eq!(s.settlement(quarter).await.unwrap(), None);
        assert!(s.settlement_lines(quarter).await.unwrap().is_empty());

        let r2_early = support::settlement(quarter, 2, 10, 1);
        let err = s
            .commit_settlement(&r2_early, &audit("settle", 10))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

        let r1 = support::settlement(quarter, 1, 1500, 1);
        s.commit_settlement(&r1, &audit("settle", 1500))
            .await
            .unwrap();
        support::assert_holds(s, &r1).await;
        let err = s
            .commit_settlement(&r1, &audit("settle", 1500))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

        // Revision 2 appends entries after revision 1's and replaces the lines.
        let mut r2 = support::settlement(quarter, 2, 1200, r1.entries.len() as u32 + 1);
        r2.lines[0].grade = Grade::Unqualified;
        s.commit_settlement(&r2, &audit("settle --revise", 1200))
            .await
            .unwrap();
        assert_eq!(
            s.settlement(quarter).await.unwrap(),
            Some(r2.header.clone())
        );
        assert_eq!(s.settlement_lines(quarter).await.unwrap(), r2.lines);
        let ledger = s.ledger(quarter).await.unwrap();
        let all: Vec<_> = r1.entries.iter().chain(&r2.entries).cloned().collect();
        assert!(ledger == all);
        assert_eq!(s.settled_quarters().await.unwrap(), [quarter]);

        // Appraisals: latest revision of quarters before `before`.
        let next = q("2026Q4");
        let r4 = support::settlement(next, 1, 3, 1);
        s.commit_settlement(&r4, &audit("settle", 3)).await.unwrap();
        assert_eq!(s.settled_quarters().await.unwrap(), [quarter, next]);
        let c0 = CadreId::parse("C0000000").unwrap();
        let a = s.appraisals(Some(&c0), q("2027Q1")).await.unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].quarter, a[0].grade), (quarter, Grade::Unqualified));
        assert_eq!((a[1].quarter, a[1].grade), (next, Grade::Excellent));
        assert_eq!(s.appraisals(Some(&c0), next).await.unwrap().len(), 1);
        let all = s.appraisals(None, q("2027Q1")).await.unwrap();
        assert_eq!(all.len(), 1203);
        assert!(
            all.windows(2)
                .all(|w| (&w[0].cadre_id, w[0].quarter) < (&w[1].cadre_id, w[1].quarter))
        );
        assert!(s.appraisals(None, quarter).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_doubled_ledger_entry_is_refused_and_nothing_is_written() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let quarter = q("2026Q3");
        let r1 = support::settlement(quarter, 1, 100, 1);
        s.commit_settlement(&r1, &audit("settle", 100))
            .await
            .unwrap();
        // Revision 2 numbering its entries over revision 1's: another writer's numbers.
        let r2 = support::settlement(quarter, 2, 100, 550);
        let err = s
            .commit_settlement(&r2, &audit("settle", 100))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        support::assert_holds(s, &r1).await;
        assert_eq!(s.audit_log().await.unwrap().len(), 1);

        // Entries of another revision or quarter, two lines for one cadre: refused.
        let mut bad = support::settlement(quarter, 2, 10, 601);
        bad.entries[3].revision = 1;
        assert!(matches!(
            s.commit_settlement(&bad, &audit("settle", 10)).await,
            Err(StoreError::Rejected(_))
        ));
        let mut bad = support::settlement(quarter, 2, 10, 601);
        bad.lines[1].cadre_id = bad.lines[0].cadre_id.clone();
        assert!(matches!(
            s.commit_settlement(&bad, &audit("settle", 10)).await,
            Err(StoreError::Rejected(_))
        ));
        let mut bad = support::settlement(quarter, 2, 10, 601);
        // 13 integer digits: more than numeric(14,2) holds (and than a file may give).
        bad.entries[0].amount = kaohe_domain::Money::from_hundredths(999_999_999_999_900);
        let err = s
            .commit_settlement(&bad, &audit("settle", 10))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Rejected(_)), "{err:?}");
        support::assert_holds(s, &r1).await;

        // The database itself refuses to edit the ledger.
        let mut conn = PgConnection::connect(&ctx.url).await.unwrap();
        let err = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE \"{}\".ledger SET amount = 0",
            ctx.schema
        )))
        .execute(&mut conn)
        .await
        .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn audit_log_is_kept_in_order_with_each_write() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let mut a = audit("kaohe policy set p.toml --from 2026Q3", 1);
        a.source_sha256 = Some("ab".repeat(32));
        a.summary = "policy\twith\nodd text \\".into();
        s.set_policy(q("2026Q3"), &Policy::default(), &a)
            .await
            .unwrap();
        s.import_roster(&[cadre("C1", "x")], &audit("kaohe import roster r.csv", 1))
            .await
            .unwrap();
        let log = s.audit_log().await.unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[0], a);
        assert_eq!(log[1].command, "kaohe import roster r.csv");
        assert_eq!(log[1].source_sha256, None);
    })
    .await;
}

#[tokio::test]
async fn entry_kinds_and_months_round_trip() {
    run(|ctx: Ctx| async move {
        let s = &ctx.store;
        let mut r1 = support::settlement(q("2026Q1"), 1, 2, 1);
        r1.entries[4].kind = EntryKind::CompletionAward;
        r1.entries[5].kind = EntryKind::Condolence;
        s.commit_settlement(&r1, &audit("settle", 2)).await.unwrap();
        support::assert_holds(s, &r1).await;
    })
    .await;
}

#[tokio::test]
async fn sslmode_require_encrypts_the_sessions() {
    run(|ctx: Ctx| async move {
        let mut conn = PgConnection::connect(&ctx.url).await.unwrap();
        let ssl: String = sqlx::query_scalar("SHOW ssl")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        if ssl != "on" {
            eprintln!("sslmode test skipped: the server has ssl = {ssl}");
            return;
        }
        let app = format!("kaohe_tls_{}", ctx.schema);
        let sep = if ctx.url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}sslmode=require&application_name={app}", ctx.url);
        let store = PgStore::connect_with_schema(&url, &ctx.schema)
            .await
            .unwrap();
        store
            .set_policy(q("2026Q3"), &Policy::default(), &audit("policy set", 1))
            .await
            .unwrap();
        let (sessions, encrypted): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE s.ssl)
             FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
             WHERE a.application_name = $1",
        )
        .bind(&app)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert!(sessions >= 1);
        assert_eq!(encrypted, sessions);
        assert_eq!(store.policies().await.unwrap().len(), 1);
        store.close().await;
    })
    .await;
}
