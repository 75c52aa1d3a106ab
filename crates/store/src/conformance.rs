//! The conformance suite: every check a [`Store`] backend must pass, written once against the
//! trait, in the manner of `object_store`'s integration tests and `iox_catalog`'s interface
//! tests.
//!
//! A backend's test calls [`run_all`] with a factory that returns a fresh, empty store on each
//! call (a new temporary file, a new database schema), or calls the checks one by one: each is a
//! `pub async fn` taking such a store, and [`CHECKS`] lists them all by name. A failing check
//! panics with a message that starts `conformance check `name` failed:`.
//!
//! The fixtures (module [`fixtures`]) are built by hand here, without the rules engine: the
//! store is a dumb keeper of records, so the numbers need only be consistent enough to be
//! recognised when they come back.
//!
//! Where the contract leaves the backend a choice, the suite accepts either: an entry number
//! given twice in one write may be refused as [`StoreError::Rejected`] or
//! [`StoreError::Conflict`]. An entry number already stored is a [`StoreError::Conflict`].

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use kaohe_domain::{
    AwardKind, CadreId, Cause, Decimal, EntryKind, Grade, Level, Money, Policy, Stored,
};

use crate::{RecordImport, Result, RosterImport, Store, StoreError, WithdrawTarget};

use self::fixtures::*;

mod archive;
mod grid;
pub use archive::*;
pub use grid::*;

/// One conformance check: takes a fresh, empty store and panics on failure.
pub type Check = fn(Arc<dyn Store>) -> Pin<Box<dyn Future<Output = ()> + Send>>;

macro_rules! checks {
    ($($name:ident),* $(,)?) => {
        /// Every check of the suite with its name, in the order [`run_all`] runs them.
        pub const CHECKS: &[(&str, Check)] = &[
            $((stringify!($name), |s| Box::pin($name(s)))),*
        ];
    };
}

checks![
    describe_is_set,
    policies_round_trip,
    roster_round_trip,
    roster_reimport_is_idempotent,
    scores_round_trip,
    scores_reimport_is_idempotent,
    score_sheets_round_trip,
    scores_on_keeps_what_does_not_fit,
    score_sheets_refusals,
    events_round_trip,
    events_reimport_is_idempotent,
    event_id_conflict_is_rejected,
    settlement_round_trip,
    settlement_compare_and_set,
    settlement_revisions_append,
    appraisals_latest_revision_before,
    doubled_ledger_entry_is_refused,
    failed_settlement_leaves_nothing,
    concurrent_settlements_one_wins,
    exact_values_survive,
    audit_log_round_trip,
    revision0_entries_round_trip,
    taken_entry_number_is_conflict,
    append_refuses_other_revisions,
    settlement_after_revision0_entries,
    settlement_revision_0_is_conflict,
    awards_round_trip,
    payments_reimport_is_a_no_op,
    payment_other_content_is_rejected,
    withdraw_payment_marks_and_reverses,
    withdrawn_events_leave_events,
    withdraw_unknown_is_rejected,
    concurrent_appends_one_wins,
    inspections_round_trip,
    inspections_reimport_is_a_no_op,
    inspection_other_content_is_rejected,
    health_round_trip,
    health_replaces_by_key,
    roster_history_keeps_changed_rows,
    record_audit_writes_one_record,
];

/// Runs every check of [`CHECKS`], each on a fresh store from `new_store`.
///
/// Panics with the name of the first check that fails. Run it on a multi-threaded tokio
/// runtime, so that [`concurrent_settlements_one_wins`] races for real.
pub async fn run_all<F, Fut>(new_store: F)
where
    F: Fn() -> Fut + Sync,
    Fut: Future<Output = Arc<dyn Store>> + Send,
{
    for (name, check) in CHECKS {
        let store = new_store().await;
        eprintln!("conformance: {name} on {}", store.describe());
        check(store).await;
    }
}

/// Assertions that name the check they belong to.
struct Ck(&'static str);

impl Ck {
    fn fail(&self, what: &str, detail: impl std::fmt::Display) -> ! {
        panic!("conformance check `{}` failed: {what}: {detail}", self.0)
    }

    fn ok<T>(&self, what: &str, r: Result<T>) -> T {
        r.unwrap_or_else(|e| self.fail(what, format_args!("unexpected error: {e}")))
    }

    fn eq<T: PartialEq + Debug>(&self, what: &str, got: T, want: T) {
        if got != want {
            self.fail(what, format_args!("\n  got:  {got:?}\n  want: {want:?}"));
        }
    }

    /// Large lists: compare lengths first so a failure prints something readable.
    fn eq_list<T: PartialEq + Debug>(&self, what: &str, got: &[T], want: &[T]) {
        if got.len() != want.len() {
            self.fail(
                what,
                format_args!("{} records, want {}", got.len(), want.len()),
            );
        }
        if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
            self.fail(
                what,
                format_args!(
                    "record {i} differs\n  got:  {:?}\n  want: {:?}",
                    got[i], want[i]
                ),
            );
        }
    }

    fn that(&self, what: &str, cond: bool) {
        if !cond {
            self.fail(what, "is false");
        }
    }

    fn conflict<T: Debug>(&self, what: &str, r: Result<T>) -> String {
        match r {
            Err(StoreError::Conflict(m)) => m,
            other => self.fail(what, format_args!("want Conflict, got {other:?}")),
        }
    }

    fn rejected<T: Debug>(&self, what: &str, r: Result<T>) -> String {
        match r {
            Err(StoreError::Rejected(m)) => m,
            other => self.fail(what, format_args!("want Rejected, got {other:?}")),
        }
    }

    fn refused<T: Debug>(&self, what: &str, r: Result<T>) -> String {
        match r {
            Err(StoreError::Rejected(m) | StoreError::Conflict(m)) => m,
            other => self.fail(
                what,
                format_args!("want Rejected or Conflict, got {other:?}"),
            ),
        }
    }
}

/// The store describes itself for messages.
pub async fn describe_is_set(store: Arc<dyn Store>) {
    let ck = Ck("describe_is_set");
    ck.that(
        "describe() is not empty",
        !store.describe().trim().is_empty(),
    );
}

/// Policies come back by effective quarter ascending; a policy for the same quarter replaces
/// the earlier one.
pub async fn policies_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("policies_round_trip");
    ck.eq(
        "empty store",
        ck.ok("policies", store.policies().await),
        vec![],
    );

    let default = Policy::default();
    let tuned = Policy::default()
        .edit(|p| {
            p.excellent_bonus_rate = Decimal::new(35, 2);
            p.unqualified_deduction_rate = Decimal::new(5, 1);
            p.sections[0].name = "村级党组织\"标准化\"建设 \\ 试行".into();
        })
        .expect("a valid policy");
    let other = tuned
        .edit(|p| p.consecutive_unqualified_for_dismissal = 3)
        .expect("a valid policy");

    let (q3, q1, q4) = (q("2026Q3"), q("2026Q1"), q("2025Q4"));
    ck.ok("set Q3", store.set_policy(q3, &default, &audit(1)).await);
    ck.ok("set Q1", store.set_policy(q1, &tuned, &audit(2)).await);
    ck.ok(
        "set 2025Q4",
        store.set_policy(q4, &default, &audit(3)).await,
    );
    ck.eq(
        "policies by quarter",
        ck.ok("policies", store.policies().await),
        vec![
            (q4, default.clone()),
            (q1, tuned.clone()),
            (q3, default.clone()),
        ],
    );
    ck.ok("replace Q3", store.set_policy(q3, &other, &audit(4)).await);
    ck.eq(
        "policies after replacing Q3",
        ck.ok("policies", store.policies().await),
        vec![(q4, default), (q1, tuned), (q3, other)],
    );
}

/// Cadres are added, then replaced by `cadre_id`, with counts; read back by id (byte order).
pub async fn roster_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("roster_round_trip");
    ck.eq(
        "empty roster",
        ck.ok("roster", store.roster().await),
        vec![],
    );
    // Byte order: "C10" < "C9" < "c1" < "张三".
    let first = vec![
        cadre("张三", "张三", "1500.07", "2026-07-10", Some("2026-09-20")),
        cadre("C9", "李四", "0.00", "2020-01-01", None),
        cadre("c1", "王五", "1234567.89", "2019-02-28", None),
        cadre("C10", "赵六", "0.01", "2026-01-01", Some("2026-01-01")),
    ];
    let r = ck.ok("first import", store.import_roster(&first, &audit(1)).await);
    ck.eq(
        "counts of first import",
        r,
        RosterImport {
            added: 4,
            updated: 0,
        },
    );
    let mut sorted = first.clone();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    ck.eq(
        "roster by cadre_id",
        ck.ok("roster", store.roster().await),
        sorted.clone(),
    );

    let mut changed = first[1].clone();
    changed.name = "李四（改）".into();
    changed.end_date = Some(date("2026-08-31"));
    changed.monthly_subsidy = money("999.99");
    let new = cadre("C11", "钱七", "1200", "2026-07-01", None);
    let r = ck.ok(
        "second import",
        store
            .import_roster(&[new.clone(), changed.clone()], &audit(2))
            .await,
    );
    ck.eq(
        "counts of second import",
        r,
        RosterImport {
            added: 1,
            updated: 1,
        },
    );
    let want = vec![
        sorted[0].clone(), // C10
        new,               // C11
        changed,           // C9
        sorted[2].clone(), // c1
        sorted[3].clone(), // 张三
    ];
    ck.eq(
        "roster after update",
        ck.ok("roster", store.roster().await),
        want,
    );
}

/// The same roster again changes nothing and counts every cadre as updated.
pub async fn roster_reimport_is_idempotent(store: Arc<dyn Store>) {
    let ck = Ck("roster_reimport_is_idempotent");
    let cadres = vec![
        cadre("C2", "李四", "1406.08", "2020-01-01", None),
        cadre("C1", "张三", "1500.07", "2026-07-10", Some("2026-09-20")),
    ];
    ck.ok(
        "first import",
        store.import_roster(&cadres, &audit(1)).await,
    );
    let before = ck.ok("roster", store.roster().await);
    let r = ck.ok("again", store.import_roster(&cadres, &audit(2)).await);
    ck.eq(
        "counts of the same roster again",
        r,
        RosterImport {
            added: 0,
            updated: 2,
        },
    );
    ck.eq(
        "roster unchanged",
        ck.ok("roster", store.roster().await),
        before,
    );
}

/// Scores replace by (quarter, subject, item) and come back by (subject, item) in byte order;
/// `scored_quarters` lists the quarters that have any.
pub async fn scores_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("scores_round_trip");
    let (q3, q4, q1) = (q("2026Q3"), q("2026Q4"), q("2027Q1"));
    ck.eq(
        "no scored quarters",
        ck.ok("scored_quarters", store.scored_quarters().await),
        vec![],
    );
    // Tuple order puts ("V1", "z") before ("V1-2", "a"): a backend that concatenates subject
    // and item with a separator above '-' gets this wrong.
    let batch = vec![
        score(q3, "V1-2", "party.venue", "4"),
        score(q4, "V1", "party.venue", "1.5"),
        score(q3, "V1", "z.item", "0"),
        score(q3, "C1", "public.satisfaction", "9.99"),
        score(q3, "V1", "party.funding", "3.25"),
        score(q1, "村一", "duty.audit", "1.25"),
    ];
    let n = ck.ok("import", store.import_scores(&batch, &audit(1)).await);
    ck.eq("rows written", n, 6);
    ck.eq(
        "scores of 2026Q3 by (subject, item)",
        ck.ok("scores", store.scores(q3).await),
        vec![
            score(q3, "C1", "public.satisfaction", "9.99"),
            score(q3, "V1", "party.funding", "3.25"),
            score(q3, "V1", "z.item", "0"),
            score(q3, "V1-2", "party.venue", "4"),
        ],
    );
    ck.eq(
        "scores of 2026Q4",
        ck.ok("scores", store.scores(q4).await),
        vec![score(q4, "V1", "party.venue", "1.5")],
    );
    ck.eq(
        "scores of an unscored quarter",
        ck.ok("scores", store.scores(q("2026Q2")).await),
        vec![],
    );
    ck.eq(
        "scored quarters ascending",
        ck.ok("scored_quarters", store.scored_quarters().await),
        vec![q3, q4, q1],
    );

    let replace = vec![
        score(q3, "V1", "party.funding", "1"),
        score(q3, "V2", "party.funding", "2"),
    ];
    let n = ck.ok("replace", store.import_scores(&replace, &audit(2)).await);
    ck.eq("rows written by the replacement", n, 2);
    ck.eq(
        "scores of 2026Q3 after replacing by key",
        ck.ok("scores", store.scores(q3).await),
        vec![
            score(q3, "C1", "public.satisfaction", "9.99"),
            score(q3, "V1", "party.funding", "1"),
            score(q3, "V1", "z.item", "0"),
            score(q3, "V1-2", "party.venue", "4"),
            score(q3, "V2", "party.funding", "2"),
        ],
    );
    ck.eq(
        "other quarter untouched",
        ck.ok("scores", store.scores(q4).await),
        vec![score(q4, "V1", "party.venue", "1.5")],
    );
}

/// The same scores again change nothing and count every row.
pub async fn scores_reimport_is_idempotent(store: Arc<dyn Store>) {
    let ck = Ck("scores_reimport_is_idempotent");
    let q3 = q("2026Q3");
    let batch: Vec<_> = (0..50)
        .map(|i| score(q3, &format!("V{:02}", 49 - i), "party.venue", "3.5"))
        .collect();
    ck.eq(
        "first import",
        ck.ok("import", store.import_scores(&batch, &audit(1)).await),
        50,
    );
    let before = ck.ok("scores", store.scores(q3).await);
    ck.eq(
        "same scores again",
        ck.ok("import", store.import_scores(&batch, &audit(2)).await),
        50,
    );
    ck.eq(
        "scores unchanged",
        ck.ok("scores", store.scores(q3).await),
        before.clone(),
    );
    ck.eq("50 scores", before.len(), 50);
    ck.eq(
        "scored quarters",
        ck.ok("scored_quarters", store.scored_quarters().await),
        vec![q3],
    );
}

/// Events come back per quarter of their date, by (date, event_id).
pub async fn events_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("events_round_trip");
    let batch = vec![
        event(
            "E9",
            "2026-07-02",
            "V1",
            "inspection_praise",
            Some(Level::County),
            "",
        ),
        event(
            "E10",
            "2026-07-02",
            "C1",
            "commendation",
            Some(Level::National),
            "表彰",
        ),
        event(
            "Z",
            "2026-07-01",
            "V2",
            "media_exposure",
            None,
            "曝光\n第二行",
        ),
        event(
            "A",
            "2026-09-30",
            "V1",
            "work_promoted",
            Some(Level::Provincial),
            "",
        ),
        event(
            "B",
            "2026-10-01",
            "V1",
            "work_promoted",
            Some(Level::Municipal),
            "",
        ),
        event(
            "C",
            "2026-06-30",
            "V1",
            "inspection_criticized",
            Some(Level::County),
            "",
        ),
    ];
    let r = ck.ok("import", store.import_events(&batch, &audit(1)).await);
    ck.eq("added", (r.added, r.unchanged), (6, 0));
    ck.eq(
        "events of 2026Q3 by (date, event_id)",
        ck.ok("events", store.events(q("2026Q3")).await),
        vec![
            batch[2].clone(), // 07-01 Z
            batch[1].clone(), // 07-02 E10
            batch[0].clone(), // 07-02 E9
            batch[3].clone(), // 09-30 A
        ],
    );
    ck.eq(
        "events of 2026Q4",
        ck.ok("events", store.events(q("2026Q4")).await),
        vec![batch[4].clone()],
    );
    ck.eq(
        "events of 2026Q2",
        ck.ok("events", store.events(q("2026Q2")).await),
        vec![batch[5].clone()],
    );
    ck.eq(
        "events of a quarter without any",
        ck.ok("events", store.events(q("2027Q1")).await),
        vec![],
    );
}

/// The same events again (also twice within one batch) are no-ops, counted as unchanged.
pub async fn events_reimport_is_idempotent(store: Arc<dyn Store>) {
    let ck = Ck("events_reimport_is_idempotent");
    let e1 = event(
        "E1",
        "2026-07-02",
        "V1",
        "inspection_praise",
        Some(Level::County),
        "好",
    );
    let e2 = event("E2", "2026-08-02", "V1", "media_exposure", None, "");
    let e3 = event(
        "E3",
        "2026-08-03",
        "C1",
        "commendation",
        Some(Level::Municipal),
        "",
    );
    let r = ck.ok(
        "first import",
        store
            .import_events(&[e1.clone(), e2.clone()], &audit(1))
            .await,
    );
    ck.eq("first import counts", (r.added, r.unchanged), (2, 0));
    let r = ck.ok(
        "same events again",
        store
            .import_events(&[e2.clone(), e1.clone()], &audit(2))
            .await,
    );
    ck.eq("same events again counts", (r.added, r.unchanged), (0, 2));
    let r = ck.ok(
        "one new, one old, one twice",
        store
            .import_events(&[e3.clone(), e1.clone(), e3.clone()], &audit(3))
            .await,
    );
    ck.eq(
        "counts with an id twice in one batch",
        (r.added, r.unchanged),
        (1, 2),
    );
    ck.eq(
        "events stored once each",
        ck.ok("events", store.events(q("2026Q3")).await),
        vec![e1, e2, e3],
    );
}

/// An event id imported again with other content is refused, naming the id and the fields
/// that differ, and nothing of that import is written (nor its audit record).
pub async fn event_id_conflict_is_rejected(store: Arc<dyn Store>) {
    let ck = Ck("event_id_conflict_is_rejected");
    let q3 = q("2026Q3");
    let e1 = event(
        "E1",
        "2026-07-02",
        "V1",
        "inspection_praise",
        Some(Level::County),
        "原文",
    );
    ck.ok(
        "first import",
        store
            .import_events(std::slice::from_ref(&e1), &audit(1))
            .await,
    );
    let audit_before = ck.ok("audit_log", store.audit_log().await).len();

    let valid = event("E2", "2026-07-03", "V1", "media_exposure", None, "");
    let mut changed = e1.clone();
    changed.level = Some(Level::Provincial);
    changed.note = "改过".into();
    let msg = ck.rejected(
        "E1 with other level and note",
        store
            .import_events(&[valid.clone(), changed], &audit(2))
            .await,
    );
    ck.that("message names the event id E1", msg.contains("E1"));
    ck.that("message names the field `level`", msg.contains("level"));
    ck.that("message names the field `note`", msg.contains("note"));
    ck.eq(
        "nothing of the refused import is written",
        ck.ok("events", store.events(q3).await),
        vec![e1.clone()],
    );

    // A conflict inside one batch is refused as well, and the batch leaves nothing.
    let e3 = event(
        "E3",
        "2026-08-01",
        "C1",
        "commendation",
        Some(Level::County),
        "",
    );
    let mut e3_other = e3.clone();
    e3_other.date = date("2026-08-02");
    let msg = ck.rejected(
        "E3 twice in one batch with other dates",
        store
            .import_events(&[e3, valid.clone(), e3_other], &audit(3))
            .await,
    );
    ck.that("message names the event id E3", msg.contains("E3"));
    ck.that("message names the field `date`", msg.contains("date"));
    ck.eq(
        "nothing of the second refused import is written",
        ck.ok("events", store.events(q3).await),
        vec![e1],
    );
    ck.eq(
        "no audit record for refused imports",
        ck.ok("audit_log", store.audit_log().await).len(),
        audit_before,
    );
    // And the valid event can still be imported.
    let r = ck.ok(
        "valid event alone",
        store.import_events(&[valid], &audit(4)).await,
    );
    ck.eq("valid event added", (r.added, r.unchanged), (1, 0));
}

/// A settlement's header, lines (in the order written) and ledger (by entry) come back
/// exactly; unsettled quarters give nothing.
pub async fn settlement_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("settlement_round_trip");
    let q3 = q("2026Q3");
    ck.eq(
        "not settled",
        ck.ok("settlement", store.settlement(q3).await),
        None,
    );
    // Lines in report order, which is not cadre order; entries handed over shuffled.
    let lines = vec![
        line(q3, "C3", "王五", Grade::Excellent, 140608),
        line(q3, "C1", "张三", Grade::Qualified, 150007),
        line(q3, "C2", "李四", Grade::Unqualified, 99999),
    ];
    let mut s = settlement(q3, 1, lines.clone(), 1);
    let sorted_entries = s.entries.clone();
    s.entries.reverse();
    s.entries.swap(0, 3);
    ck.ok("commit", store.commit_settlement(&s, &audit(1)).await);

    ck.eq(
        "header",
        ck.ok("settlement", store.settlement(q3).await),
        Some(s.header.clone()),
    );
    ck.eq(
        "lines in the order written",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        lines,
    );
    ck.eq(
        "ledger by entry ascending",
        ck.ok("ledger", store.ledger(q3).await),
        sorted_entries,
    );
    ck.eq(
        "settled quarters",
        ck.ok("settled_quarters", store.settled_quarters().await),
        vec![q3],
    );
    let q4 = q("2026Q4");
    ck.eq(
        "other quarter header",
        ck.ok("settlement", store.settlement(q4).await),
        None,
    );
    ck.eq(
        "other quarter lines",
        ck.ok("settlement_lines", store.settlement_lines(q4).await),
        vec![],
    );
    ck.eq(
        "other quarter ledger",
        ck.ok("ledger", store.ledger(q4).await),
        vec![],
    );
}

/// Revision `r` is written only when the latest stored revision is `r − 1`.
pub async fn settlement_compare_and_set(store: Arc<dyn Store>) {
    let ck = Ck("settlement_compare_and_set");
    let q3 = q("2026Q3");
    let lines = vec![line(q3, "C1", "张三", Grade::Qualified, 150007)];
    let r1 = settlement(q3, 1, lines.clone(), 1);
    ck.conflict(
        "revision 2 before any revision",
        store
            .commit_settlement(&settlement(q3, 2, lines.clone(), 1), &audit(1))
            .await,
    );
    ck.eq(
        "nothing written by the refused revision 2",
        ck.ok("settlement", store.settlement(q3).await),
        None,
    );
    ck.ok("revision 1", store.commit_settlement(&r1, &audit(2)).await);

    let mut r1_again = settlement(q3, 1, lines.clone(), 100);
    r1_again.header.fingerprint = "f".repeat(64);
    ck.conflict(
        "revision 1 twice",
        store.commit_settlement(&r1_again, &audit(3)).await,
    );
    ck.conflict(
        "revision 3 while the latest is 1",
        store
            .commit_settlement(&settlement(q3, 3, lines.clone(), 100), &audit(4))
            .await,
    );
    ck.eq(
        "header still revision 1",
        ck.ok("settlement", store.settlement(q3).await),
        Some(r1.header.clone()),
    );
    ck.eq(
        "ledger still revision 1's",
        ck.ok("ledger", store.ledger(q3).await),
        r1.entries.clone(),
    );
    let r2 = settlement(q3, 2, lines, 100);
    ck.ok("revision 2", store.commit_settlement(&r2, &audit(5)).await);
    ck.eq(
        "header revision 2",
        ck.ok("settlement", store.settlement(q3).await)
            .map(|h| h.revision),
        Some(2),
    );
    ck.conflict(
        "revision 2 twice",
        store.commit_settlement(&r2, &audit(6)).await,
    );
}

/// Revisions append: the ledger holds every revision's entries by entry ascending, while the
/// lines and the header are the latest revision's.
pub async fn settlement_revisions_append(store: Arc<dyn Store>) {
    let ck = Ck("settlement_revisions_append");
    let q3 = q("2026Q3");
    let r1 = settlement(
        q3,
        1,
        vec![
            line(q3, "C1", "张三", Grade::Qualified, 150007),
            line(q3, "C2", "李四", Grade::Qualified, 120000),
        ],
        1,
    );
    ck.ok("revision 1", store.commit_settlement(&r1, &audit(1)).await);
    let next = next_entry(&r1);
    // Revision 2: C2 becomes excellent; the correcting entries follow the existing ones.
    let lines2 = vec![
        line(q3, "C2", "李四", Grade::Excellent, 150000),
        line(q3, "C1", "张三", Grade::Qualified, 150007),
    ];
    let mut r2 = with_entries(
        q3,
        2,
        lines2.clone(),
        vec![
            entry(q3, 2, next, "C2", EntryKind::ExcellentBonus, None, "300.00"),
            entry(q3, 2, next + 1, "C2", EntryKind::Performance, None, "-0.01"),
        ],
    );
    r2.header.fingerprint = "2".repeat(64);
    r2.entries.reverse();
    ck.ok("revision 2", store.commit_settlement(&r2, &audit(2)).await);

    let mut want = r1.entries.clone();
    let mut r2_sorted = r2.entries.clone();
    r2_sorted.sort_by_key(|e| e.entry);
    want.extend(r2_sorted);
    ck.eq(
        "ledger of both revisions by entry",
        ck.ok("ledger", store.ledger(q3).await),
        want,
    );
    ck.eq(
        "lines of the latest revision",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        lines2,
    );
    ck.eq(
        "header of the latest revision",
        ck.ok("settlement", store.settlement(q3).await),
        Some(r2.header.clone()),
    );
    ck.eq(
        "settled quarters counts the quarter once",
        ck.ok("settled_quarters", store.settled_quarters().await),
        vec![q3],
    );
    ck.eq(
        "appraisals give the latest revision's grades",
        ck.ok("appraisals", store.appraisals(None, q3.next()).await),
        vec![
            appraisal("C1", q3, Grade::Qualified),
            appraisal("C2", q3, Grade::Excellent),
        ],
    );
}

/// Appraisals are the latest revision's grades of settled quarters before the given one, by
/// (cadre_id, quarter), optionally of one cadre.
pub async fn appraisals_latest_revision_before(store: Arc<dyn Store>) {
    let ck = Ck("appraisals_latest_revision_before");
    let (p4, q1, q2, q3) = (q("2025Q4"), q("2026Q1"), q("2026Q2"), q("2026Q3"));
    let l = |qq, id: &str, g| line(qq, id, "某", g, 100000);
    let commits = [
        settlement(
            q1,
            1,
            vec![
                l(q1, "C2", Grade::Unqualified),
                l(q1, "C1", Grade::Excellent),
            ],
            1,
        ),
        settlement(p4, 1, vec![l(p4, "C1", Grade::Qualified)], 1),
        settlement(
            q3,
            1,
            vec![l(q3, "C1", Grade::Qualified), l(q3, "C2", Grade::Qualified)],
            1,
        ),
        // C2 not assessed in Q2 (no line): no appraisal, the chain is not broken.
        settlement(
            q2,
            1,
            vec![
                l(q2, "C1", Grade::Unqualified),
                l(q2, "C3", Grade::Qualified),
            ],
            1,
        ),
    ];
    for (i, s) in commits.iter().enumerate() {
        ck.ok("commit", store.commit_settlement(s, &audit(i as u64)).await);
    }
    ck.eq(
        "appraisals before 2026Q3",
        ck.ok("appraisals", store.appraisals(None, q3).await),
        vec![
            appraisal("C1", p4, Grade::Qualified),
            appraisal("C1", q1, Grade::Excellent),
            appraisal("C1", q2, Grade::Unqualified),
            appraisal("C2", q1, Grade::Unqualified),
            appraisal("C3", q2, Grade::Qualified),
        ],
    );
    let c2 = CadreId::parse("C2").expect("literal id");
    ck.eq(
        "appraisals of C2 before 2026Q4",
        ck.ok("appraisals", store.appraisals(Some(&c2), q("2026Q4")).await),
        vec![
            appraisal("C2", q1, Grade::Unqualified),
            appraisal("C2", q3, Grade::Qualified),
        ],
    );
    let c1 = CadreId::parse("C1").expect("literal id");
    ck.eq(
        "appraisals of C1 before 2026Q3 (settled itself, so left out)",
        ck.ok("appraisals", store.appraisals(Some(&c1), q3).await),
        vec![
            appraisal("C1", p4, Grade::Qualified),
            appraisal("C1", q1, Grade::Excellent),
            appraisal("C1", q2, Grade::Unqualified),
        ],
    );
    ck.eq(
        "appraisals before the first settled quarter",
        ck.ok("appraisals", store.appraisals(None, p4).await),
        vec![],
    );
    let nobody = CadreId::parse("C404").expect("literal id");
    ck.eq(
        "appraisals of an unknown cadre",
        ck.ok(
            "appraisals",
            store.appraisals(Some(&nobody), q("2027Q1")).await,
        ),
        vec![],
    );

    // Revision 2 of Q2: C1 becomes qualified, C3 is dropped, C2 appears.
    let mut r2 = settlement(
        q2,
        2,
        vec![l(q2, "C2", Grade::Excellent), l(q2, "C1", Grade::Qualified)],
        next_entry(&commits[3]),
    );
    r2.header.fingerprint = "9".repeat(64);
    ck.ok(
        "revision 2 of Q2",
        store.commit_settlement(&r2, &audit(9)).await,
    );
    ck.eq(
        "appraisals before 2026Q3 after the revision",
        ck.ok("appraisals", store.appraisals(None, q3).await),
        vec![
            appraisal("C1", p4, Grade::Qualified),
            appraisal("C1", q1, Grade::Excellent),
            appraisal("C1", q2, Grade::Qualified),
            appraisal("C2", q1, Grade::Unqualified),
            appraisal("C2", q2, Grade::Excellent),
        ],
    );
}

/// The ledger refuses an entry number the quarter already has, and the refused revision leaves
/// nothing behind (its revision number stays free).
pub async fn doubled_ledger_entry_is_refused(store: Arc<dyn Store>) {
    let ck = Ck("doubled_ledger_entry_is_refused");
    let q3 = q("2026Q3");
    let lines = vec![line(q3, "C1", "张三", Grade::Qualified, 150007)];
    let r1 = settlement(q3, 1, lines.clone(), 1);
    ck.ok("revision 1", store.commit_settlement(&r1, &audit(1)).await);
    let audit_before = ck.ok("audit_log", store.audit_log().await).len();
    let next = next_entry(&r1);

    let lines2 = vec![line(q3, "C1", "张三", Grade::Excellent, 170000)];
    let bad = with_entries(
        q3,
        2,
        lines2.clone(),
        vec![
            entry(q3, 2, next, "C1", EntryKind::ExcellentBonus, None, "1.00"),
            entry(q3, 2, 1, "C1", EntryKind::Performance, None, "2.00"),
        ],
    );
    ck.conflict(
        "revision 2 reusing entry 1",
        store.commit_settlement(&bad, &audit(2)).await,
    );
    ck.eq(
        "header still revision 1",
        ck.ok("settlement", store.settlement(q3).await),
        Some(r1.header.clone()),
    );
    ck.eq(
        "lines still revision 1's",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        lines,
    );
    ck.eq(
        "ledger still revision 1's",
        ck.ok("ledger", store.ledger(q3).await),
        r1.entries.clone(),
    );
    ck.eq(
        "no audit record for the refused revision",
        ck.ok("audit_log", store.audit_log().await).len(),
        audit_before,
    );
    let good = with_entries(
        q3,
        2,
        lines2,
        vec![entry(
            q3,
            2,
            next,
            "C1",
            EntryKind::ExcellentBonus,
            None,
            "1.00",
        )],
    );
    ck.ok(
        "revision 2 with fresh entry numbers",
        store.commit_settlement(&good, &audit(3)).await,
    );
    ck.eq(
        "ledger length",
        ck.ok("ledger", store.ledger(q3).await).len(),
        r1.entries.len() + 1,
    );
}

/// A write that fails midway leaves nothing: a settlement whose entries hold one entry number
/// twice leaves no header, no lines, no entries, no appraisal and no audit record.
pub async fn failed_settlement_leaves_nothing(store: Arc<dyn Store>) {
    let ck = Ck("failed_settlement_leaves_nothing");
    let q3 = q("2026Q3");
    let lines = vec![
        line(q3, "C1", "张三", Grade::Qualified, 150007),
        line(q3, "C2", "李四", Grade::Excellent, 160000),
    ];
    let good = settlement(q3, 1, lines.clone(), 1);
    let mut bad = good.clone();
    // The duplicate sits at the end, after most rows would have been written.
    let mut dup = bad.entries[0].clone();
    dup.amount = money("0.01");
    bad.entries.push(dup);
    ck.refused(
        "settlement with entry 1 twice",
        store.commit_settlement(&bad, &audit(1)).await,
    );
    ck.eq(
        "no header",
        ck.ok("settlement", store.settlement(q3).await),
        None,
    );
    ck.eq(
        "no lines",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        vec![],
    );
    ck.eq(
        "no entries",
        ck.ok("ledger", store.ledger(q3).await),
        vec![],
    );
    ck.eq(
        "not settled",
        ck.ok("settled_quarters", store.settled_quarters().await),
        vec![],
    );
    ck.eq(
        "no appraisals",
        ck.ok("appraisals", store.appraisals(None, q3.next()).await),
        vec![],
    );
    ck.eq(
        "no audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![],
    );
    ck.ok(
        "the valid settlement as revision 1",
        store.commit_settlement(&good, &audit(2)).await,
    );
    ck.eq(
        "ledger of the valid settlement",
        ck.ok("ledger", store.ledger(q3).await),
        good.entries,
    );
}

/// Several tasks commit revision 1 of one quarter at once: exactly one succeeds, the others
/// get a conflict, and the stored ledger holds exactly one copy.
pub async fn concurrent_settlements_one_wins(store: Arc<dyn Store>) {
    let ck = Ck("concurrent_settlements_one_wins");
    const TASKS: usize = 8;
    let q3 = q("2026Q3");
    let lines: Vec<_> = (0..200)
        .map(|i| {
            line(
                q3,
                &format!("C{i:04}"),
                "某某",
                Grade::Qualified,
                100000 + i,
            )
        })
        .collect();
    let base = settlement(q3, 1, lines, 1);
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for i in 0..TASKS {
        let (store, barrier) = (store.clone(), barrier.clone());
        let mut s = base.clone();
        s.header.fingerprint = format!("{i:064}");
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let r = store.commit_settlement(&s, &audit(i as u64)).await;
            (s.header.fingerprint, r)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (fp, r) = t
            .await
            .unwrap_or_else(|e| ck.fail("task", format_args!("panicked: {e}")));
        match r {
            Ok(()) => winners.push(fp),
            Err(StoreError::Conflict(_)) => {}
            Err(e) => ck.fail("a losing commit", format_args!("want Conflict, got {e:?}")),
        }
    }
    ck.eq("number of successful commits", winners.len(), 1);
    let header = ck.ok("settlement", store.settlement(q3).await);
    ck.eq(
        "the stored header is the winner's",
        header.map(|h| h.fingerprint),
        Some(winners[0].clone()),
    );
    ck.eq_list(
        "ledger holds exactly one copy",
        &ck.ok("ledger", store.ledger(q3).await),
        &base.entries,
    );
    ck.eq_list(
        "lines hold exactly one copy",
        &ck.ok("settlement_lines", store.settlement_lines(q3).await),
        &base.lines,
    );
    ck.eq(
        "one audit record",
        ck.ok("audit_log", store.audit_log().await).len(),
        1,
    );
}

/// Large and negative amounts, Chinese text and ids with odd characters survive exactly in
/// every kind of record.
pub async fn exact_values_survive(store: Arc<dyn Store>) {
    let ck = Ck("exact_values_survive");
    let q3 = q("2026Q3");
    let odd_ids = [
        "C-01/甲 #1",
        "x'y\"z\\w",
        "semi;colon,comma",
        "%_*?[]{}",
        "NULL",
        "emoji😀村",
        "a b",
        "Ω≈ç√",
    ];
    let mut cadres = Vec::new();
    for (i, id) in odd_ids.iter().enumerate() {
        let mut c = cadre(id, "欧阳·买买提\"引\"\\'", "1234567.89", "2026-07-01", None);
        c.position = format!("党组织书记（兼）第{i}号\n第二行\t制表");
        c.town = kaohe_domain::TownCode::parse("城关镇/01").expect("literal");
        c.village = kaohe_domain::VillageCode::parse("东村 '一'").expect("literal");
        c.sequence = kaohe_domain::Sequence::parse("正职").expect("literal");
        cadres.push(c);
    }
    cadres[1].monthly_subsidy = money("0.01");
    cadres[2].monthly_subsidy = money("999999999999.99");
    ck.ok("roster", store.import_roster(&cadres, &audit(1)).await);
    let mut sorted = cadres.clone();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    ck.eq("roster", ck.ok("roster", store.roster().await), sorted);

    let scores: Vec<_> = odd_ids
        .iter()
        .map(|id| score(q3, id, "public.满意度", "99.99"))
        .chain([score(q3, "东村 '一'", "neg.item", "-123456.78")])
        .collect();
    ck.ok("scores", store.import_scores(&scores, &audit(2)).await);
    let mut sorted = scores.clone();
    sorted.sort_by(|a, b| (&a.subject, &a.item).cmp(&(&b.subject, &b.item)));
    ck.eq("scores", ck.ok("scores", store.scores(q3).await), sorted);

    let events: Vec<_> = odd_ids
        .iter()
        .map(|id| {
            event(
                id,
                "2026-08-15",
                id,
                "commendation",
                Some(Level::County),
                "备注：\"引号\",逗号\n换行",
            )
        })
        .collect();
    ck.ok("events", store.import_events(&events, &audit(3)).await);
    let mut sorted = events.clone();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    ck.eq("events", ck.ok("events", store.events(q3).await), sorted);

    let mut lines = Vec::new();
    for id in odd_ids {
        let mut l = line(q3, id, "欧阳·买买提", Grade::Unqualified, 123456789);
        l.total = points("-123456.78");
        l.deduction = points("123556.78");
        l.adjustment = money("-0.01");
        l.town = kaohe_domain::TownCode::parse("城关镇/01").expect("literal");
        lines.push(l);
    }
    let mut entries = Vec::new();
    for (i, id) in odd_ids.iter().enumerate() {
        let n = i as u32 * 3 + 1;
        entries.push(entry(q3, 1, n, id, EntryKind::Base, Some(0), "1234567.89"));
        entries.push(entry(
            q3,
            1,
            n + 1,
            id,
            EntryKind::UnqualifiedDeduction,
            None,
            "-0.01",
        ));
        entries.push(entry(q3, 1, n + 2, id, EntryKind::Condolence, None, "0.00"));
    }
    let mut s = with_entries(q3, 1, lines.clone(), entries.clone());
    s.header.policy_toml = Policy::default().to_toml();
    s.header.fingerprint = "0123456789abcdef".repeat(4);
    s.header.settled_at_unix = -1;
    ck.ok("settlement", store.commit_settlement(&s, &audit(4)).await);
    ck.eq(
        "header",
        ck.ok("settlement", store.settlement(q3).await),
        Some(s.header),
    );
    ck.eq(
        "lines",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        lines,
    );
    let ledger = ck.ok("ledger", store.ledger(q3).await);
    ck.eq("ledger", ledger.clone(), entries);
    ck.eq(
        "ledger amounts in fen",
        ledger
            .iter()
            .map(|e| e.amount.hundredths())
            .take(3)
            .collect::<Vec<_>>(),
        vec![123456789, -1, 0],
    );
}

/// One audit record per write, oldest first, with every field exact.
pub async fn audit_log_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("audit_log_round_trip");
    ck.eq(
        "empty log",
        ck.ok("audit_log", store.audit_log().await),
        vec![],
    );
    let q3 = q("2026Q3");
    let mut records = Vec::new();
    let mut a = audit(1);
    a.source_sha256 = None;
    a.command = "kaohe policy set \"政策 1.toml\" --from 2026Q3".into();
    ck.ok("policy", store.set_policy(q3, &Policy::default(), &a).await);
    records.push(a);
    let mut a = audit(2);
    a.at_unix = i64::MAX;
    a.summary = "2 名干部（新增 2，更新 0）".into();
    a.rows = u64::MAX;
    let cadres = vec![
        cadre("C1", "张三", "1", "2020-01-01", None),
        cadre("C2", "李四", "1", "2020-01-01", None),
    ];
    ck.ok("roster", store.import_roster(&cadres, &a.clone()).await);
    records.push(a);
    let mut a = audit(3);
    a.at_unix = -5;
    a.user = String::new();
    ck.ok(
        "scores",
        store
            .import_scores(&[score(q3, "C1", "x", "1")], &a.clone())
            .await,
    );
    records.push(a);
    let a = audit(4);
    ck.ok(
        "events",
        store
            .import_events(
                &[event("E1", "2026-07-01", "V1", "media_exposure", None, "")],
                &a,
            )
            .await,
    );
    records.push(a);
    let a = audit(5);
    ck.ok(
        "settlement",
        store
            .commit_settlement(
                &settlement(q3, 1, vec![line(q3, "C1", "张三", Grade::Qualified, 1)], 1),
                &a,
            )
            .await,
    );
    records.push(a);
    ck.eq(
        "audit log oldest first",
        ck.ok("audit_log", store.audit_log().await),
        records,
    );
}

/// Revision-0 entries (payroll, Art.11) come back exactly in `ledger(q)`, by entry, one
/// quarter's apart from another's, with an audit record per write.
pub async fn revision0_entries_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("revision0_entries_round_trip");
    let (q3, q4) = (q("2026Q3"), q("2026Q4"));
    let mut first = vec![
        entry(q3, 0, 1, "C2", EntryKind::Base, Some(0), "1406.08"),
        entry(q3, 0, 2, "C1", EntryKind::Base, Some(0), "0.01"),
        entry(
            q3,
            0,
            3,
            "村一",
            EntryKind::CommendationAward,
            Some(1),
            "999999999999.99",
        ),
        entry(q3, 0, 4, "C1", EntryKind::Condolence, Some(2), "-20000.00"),
        entry(q3, 0, 5, "C3", EntryKind::CompletionAward, Some(1), "0.00"),
    ];
    let sorted = first.clone();
    first.reverse();
    ck.ok("append", store.append_entries(&first, &audit(1)).await);
    ck.eq(
        "ledger by entry",
        ck.ok("ledger", store.ledger(q3).await),
        sorted.clone(),
    );
    // One write may span quarters.
    let second = vec![
        entry(q4, 0, 1, "C1", EntryKind::Base, Some(0), "12.34"),
        entry(q3, 0, 6, "C1", EntryKind::Base, Some(1), "-0.01"),
    ];
    ck.ok(
        "append again",
        store.append_entries(&second, &audit(2)).await,
    );
    let mut want = sorted;
    want.push(second[1].clone());
    ck.eq(
        "ledger of Q3",
        ck.ok("ledger", store.ledger(q3).await),
        want,
    );
    ck.eq(
        "ledger of Q4",
        ck.ok("ledger", store.ledger(q4).await),
        vec![second[0].clone()],
    );
    ck.eq(
        "appending settles nothing",
        ck.ok("settled_quarters", store.settled_quarters().await),
        vec![],
    );
    ck.eq(
        "one audit record per append",
        ck.ok("audit_log", store.audit_log().await),
        vec![audit(1), audit(2)],
    );
}

/// An entry number the quarter already has is a conflict for every writer of revision-0
/// entries (payroll, awards, condolences, withdrawals) and for a settlement, and nothing of
/// the refused write is stored; a number given twice in one write is refused too.
pub async fn taken_entry_number_is_conflict(store: Arc<dyn Store>) {
    let ck = Ck("taken_entry_number_is_conflict");
    let q3 = q("2026Q3");
    let paid = payroll(q3, 0, 3, 1);
    ck.ok("payroll", store.append_entries(&paid, &audit(1)).await);
    let n_audit = ck.ok("audit_log", store.audit_log().await).len();

    let mut racing = payroll(q3, 1, 3, 4);
    racing.push(entry(q3, 0, 2, "C9", EntryKind::Base, Some(1), "1.00"));
    let msg = ck.conflict(
        "payroll reusing entry 2",
        store.append_entries(&racing, &audit(2)).await,
    );
    ck.that("the message names the entry number", msg.contains('2'));
    let twice = vec![
        entry(q3, 0, 9, "C1", EntryKind::Base, Some(1), "1.00"),
        entry(q3, 0, 9, "C2", EntryKind::Base, Some(1), "2.00"),
    ];
    ck.refused(
        "entry 9 twice in one write",
        store.append_entries(&twice, &audit(3)).await,
    );

    let a = award("A1", "2026-08-01", "C1", AwardKind::Commendation, "500.00");
    ck.conflict(
        "award paid by a taken entry",
        store
            .import_awards(
                std::slice::from_ref(&a),
                &[award_entry(&a, 3, 1)],
                &audit(4),
            )
            .await,
    );
    let c = condolence("F1", "2026-08-02", "C2", Cause::OnDuty, "20000.00");
    ck.conflict(
        "condolence paid by a taken entry",
        store
            .import_condolences(
                std::slice::from_ref(&c),
                &[condolence_entry(&c, 1, 1)],
                &audit(5),
            )
            .await,
    );
    let s = settlement(
        q3,
        1,
        vec![line(q3, "C1", "张三", Grade::Qualified, 150007)],
        3,
    );
    ck.conflict(
        "settlement numbered over the payroll",
        store.commit_settlement(&s, &audit(6)).await,
    );

    ck.eq(
        "ledger holds the first payroll only",
        ck.ok("ledger", store.ledger(q3).await),
        paid.clone(),
    );
    ck.eq("no award", ck.ok("awards", store.awards().await), vec![]);
    ck.eq(
        "no condolence",
        ck.ok("condolences", store.condolences().await),
        vec![],
    );
    ck.eq(
        "not settled",
        ck.ok("settlement", store.settlement(q3).await),
        None,
    );
    ck.eq(
        "no audit record for refused writes",
        ck.ok("audit_log", store.audit_log().await).len(),
        n_audit,
    );

    // The award paid with the next free number is stored; a withdrawal whose reversing entry
    // takes a used number is a conflict and leaves the award standing.
    ck.ok(
        "award with a fresh entry",
        store
            .import_awards(
                std::slice::from_ref(&a),
                &[award_entry(&a, 4, 1)],
                &audit(7),
            )
            .await,
    );
    ck.conflict(
        "withdrawal reversing into a taken entry",
        store
            .withdraw(
                &WithdrawTarget::Award(a.id.clone()),
                &withdrawal("错误", 1_780_000_100),
                &[award_entry(&a, 4, -1)],
                &audit(8),
            )
            .await,
    );
    ck.eq(
        "the award still stands",
        ck.ok("awards", store.awards().await),
        vec![Stored {
            record: a.clone(),
            withdrawn: None,
        }],
    );
    let mut want = paid;
    want.push(award_entry(&a, 4, 1));
    ck.eq("ledger", ck.ok("ledger", store.ledger(q3).await), want);
}

/// `append_entries` writes revision 0 only: an entry of another revision is refused, and
/// nothing of that write is stored.
pub async fn append_refuses_other_revisions(store: Arc<dyn Store>) {
    let ck = Ck("append_refuses_other_revisions");
    let q3 = q("2026Q3");
    let mut batch = payroll(q3, 0, 4, 1);
    batch[2].revision = 1;
    ck.rejected(
        "a revision-1 entry among revision-0 ones",
        store.append_entries(&batch, &audit(1)).await,
    );
    ck.rejected("award paid by a revision-2 entry", {
        let a = award("A1", "2026-08-01", "V1", AwardKind::Completion, "1.00");
        let mut e = award_entry(&a, 1, 1);
        e.revision = 2;
        store.import_awards(&[a], &[e], &audit(2)).await
    });
    ck.eq(
        "nothing written",
        ck.ok("ledger", store.ledger(q3).await),
        vec![],
    );
    ck.eq("no award", ck.ok("awards", store.awards().await), vec![]);
    ck.eq(
        "no audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![],
    );
    batch[2].revision = 0;
    ck.ok(
        "all revision 0",
        store.append_entries(&batch, &audit(3)).await,
    );
    ck.eq("written", ck.ok("ledger", store.ledger(q3).await), batch);
}

/// A settlement after payroll: its entries are numbered after the revision-0 ones, and the
/// ledger holds both, revisions mixed, by entry; a revision and later revision-0 entries
/// append after them.
pub async fn settlement_after_revision0_entries(store: Arc<dyn Store>) {
    let ck = Ck("settlement_after_revision0_entries");
    let q3 = q("2026Q3");
    let paid = [payroll(q3, 0, 2, 1), payroll(q3, 1, 2, 3)].concat();
    ck.ok("payroll", store.append_entries(&paid, &audit(1)).await);
    let lines = vec![
        line(q3, "C0000001", "李四", Grade::Excellent, 160000),
        line(q3, "C0000000", "张三", Grade::Qualified, 150007),
    ];
    let r1 = settlement(q3, 1, lines.clone(), 5);
    ck.ok("revision 1", store.commit_settlement(&r1, &audit(2)).await);
    ck.eq(
        "header",
        ck.ok("settlement", store.settlement(q3).await),
        Some(r1.header.clone()),
    );
    ck.eq(
        "lines",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        lines,
    );
    let mut want = paid.clone();
    want.extend(r1.entries.iter().cloned());
    ck.eq(
        "ledger: payroll then settlement",
        ck.ok("ledger", store.ledger(q3).await),
        want.clone(),
    );

    let a = award(
        "A1",
        "2026-09-30",
        "C0000000",
        AwardKind::Commendation,
        "800.00",
    );
    let n = next_entry(&r1);
    ck.ok(
        "an award after the settlement",
        store
            .import_awards(
                std::slice::from_ref(&a),
                &[award_entry(&a, n, 1)],
                &audit(3),
            )
            .await,
    );
    let lines2 = vec![line(q3, "C0000000", "张三", Grade::Excellent, 150007)];
    let r2 = with_entries(
        q3,
        2,
        lines2.clone(),
        vec![entry(
            q3,
            2,
            n + 1,
            "C0000000",
            EntryKind::ExcellentBonus,
            None,
            "0.01",
        )],
    );
    ck.ok("revision 2", store.commit_settlement(&r2, &audit(4)).await);
    want.push(award_entry(&a, n, 1));
    want.extend(r2.entries.iter().cloned());
    ck.eq(
        "ledger of every revision, 0 included",
        ck.ok("ledger", store.ledger(q3).await),
        want,
    );
    ck.eq(
        "lines of revision 2",
        ck.ok("settlement_lines", store.settlement_lines(q3).await),
        lines2,
    );
    ck.eq(
        "appraisals of revision 2",
        ck.ok("appraisals", store.appraisals(None, q3.next()).await),
        vec![appraisal("C0000000", q3, Grade::Excellent)],
    );
}

/// A settlement header of revision 0 is a conflict, whatever else is wrong with it, and
/// writes nothing.
pub async fn settlement_revision_0_is_conflict(store: Arc<dyn Store>) {
    let ck = Ck("settlement_revision_0_is_conflict");
    let q3 = q("2026Q3");
    let lines = vec![line(q3, "C1", "张三", Grade::Qualified, 150007)];
    ck.conflict(
        "revision 0",
        store
            .commit_settlement(&settlement(q3, 0, lines.clone(), 1), &audit(1))
            .await,
    );
    let mut odd = settlement(q3, 0, lines, 1);
    odd.lines[0].quarter = q("2026Q4");
    ck.conflict(
        "revision 0 with a line of another quarter",
        store.commit_settlement(&odd, &audit(2)).await,
    );
    ck.eq(
        "not settled",
        ck.ok("settlement", store.settlement(q3).await),
        None,
    );
    ck.eq(
        "no entries",
        ck.ok("ledger", store.ledger(q3).await),
        vec![],
    );
    ck.eq(
        "no audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![],
    );
}

/// Awards come back exactly, by id in byte order, with their entries in the ledger of their
/// quarter.
pub async fn awards_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("awards_round_trip");
    ck.eq("no awards", ck.ok("awards", store.awards().await), vec![]);
    let (q3, q4) = (q("2026Q3"), q("2026Q4"));
    // Byte order: "A10" < "A9" < "a1" < "奖1".
    let awards = vec![
        award(
            "奖1",
            "2026-07-01",
            "村一",
            AwardKind::Completion,
            "50000.00",
        ),
        award("A9", "2026-09-30", "C1", AwardKind::Commendation, "0.01"),
        award(
            "a1",
            "2026-10-01",
            "C2",
            AwardKind::Commendation,
            "999999999999.99",
        ),
        award("A10", "2026-08-15", "V 2", AwardKind::Completion, "1234.56"),
    ];
    let entries = vec![
        award_entry(&awards[0], 1, 1),
        award_entry(&awards[1], 2, 1),
        award_entry(&awards[2], 1, 1),
        award_entry(&awards[3], 3, 1),
    ];
    let r = ck.ok(
        "import",
        store.import_awards(&awards, &entries, &audit(1)).await,
    );
    ck.eq(
        "counts",
        r,
        RecordImport {
            added: 4,
            unchanged: 0,
        },
    );
    let mut want: Vec<_> = awards
        .iter()
        .map(|a| Stored {
            record: a.clone(),
            withdrawn: None,
        })
        .collect();
    want.sort_by(|a, b| a.record.id.cmp(&b.record.id));
    ck.eq("awards by id", ck.ok("awards", store.awards().await), want);
    ck.eq(
        "ledger of Q3",
        ck.ok("ledger", store.ledger(q3).await),
        vec![entries[0].clone(), entries[1].clone(), entries[3].clone()],
    );
    ck.eq(
        "ledger of Q4",
        ck.ok("ledger", store.ledger(q4).await),
        vec![entries[2].clone()],
    );
    ck.eq(
        "audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![audit(1)],
    );
}

/// The same awards or condolences again are a no-op, counted unchanged (also an id twice in
/// one import), and write no entry; a new one beside them is added with its entry. An entry
/// for a record already stored would pay it twice: refused.
pub async fn payments_reimport_is_a_no_op(store: Arc<dyn Store>) {
    let ck = Ck("payments_reimport_is_a_no_op");
    let q3 = q("2026Q3");
    let a1 = award("A1", "2026-07-01", "V1", AwardKind::Completion, "500.00");
    let a2 = award("A2", "2026-08-01", "C1", AwardKind::Commendation, "300.00");
    let c1 = condolence("F1", "2026-08-03", "C2", Cause::Disaster, "20000.00");
    ck.ok(
        "awards",
        store
            .import_awards(
                &[a1.clone(), a2.clone()],
                &[award_entry(&a1, 1, 1), award_entry(&a2, 2, 1)],
                &audit(1),
            )
            .await,
    );
    ck.ok(
        "condolence",
        store
            .import_condolences(
                std::slice::from_ref(&c1),
                &[condolence_entry(&c1, 3, 1)],
                &audit(2),
            )
            .await,
    );
    let ledger = ck.ok("ledger", store.ledger(q3).await);
    ck.eq("three entries", ledger.len(), 3);

    let r = ck.ok(
        "same awards again",
        store
            .import_awards(&[a2.clone(), a1.clone(), a2.clone()], &[], &audit(3))
            .await,
    );
    ck.eq(
        "counts",
        r,
        RecordImport {
            added: 0,
            unchanged: 3,
        },
    );
    let r = ck.ok(
        "same condolence again",
        store
            .import_condolences(std::slice::from_ref(&c1), &[], &audit(4))
            .await,
    );
    ck.eq(
        "counts",
        r,
        RecordImport {
            added: 0,
            unchanged: 1,
        },
    );
    ck.eq(
        "ledger unchanged",
        ck.ok("ledger", store.ledger(q3).await),
        ledger.clone(),
    );

    ck.refused(
        "an entry for an award already stored",
        store
            .import_awards(
                std::slice::from_ref(&a1),
                &[award_entry(&a1, 4, 1)],
                &audit(5),
            )
            .await,
    );
    ck.eq(
        "ledger still unchanged",
        ck.ok("ledger", store.ledger(q3).await),
        ledger.clone(),
    );

    let a3 = award("A3", "2026-09-01", "C3", AwardKind::Commendation, "1.00");
    let r = ck.ok(
        "one new beside the old",
        store
            .import_awards(
                &[a1.clone(), a3.clone()],
                &[award_entry(&a3, 4, 1)],
                &audit(6),
            )
            .await,
    );
    ck.eq(
        "counts",
        r,
        RecordImport {
            added: 1,
            unchanged: 1,
        },
    );
    let mut want = ledger;
    want.push(award_entry(&a3, 4, 1));
    ck.eq("ledger", ck.ok("ledger", store.ledger(q3).await), want);
    ck.eq(
        "awards",
        ck.ok("awards", store.awards().await)
            .into_iter()
            .map(|s| s.record)
            .collect::<Vec<_>>(),
        vec![a1, a2, a3],
    );
    ck.eq(
        "condolences",
        ck.ok("condolences", store.condolences().await),
        vec![Stored {
            record: c1,
            withdrawn: None,
        }],
    );
}

/// An award or condolence id stored (or given twice) with other content is refused, naming
/// the id and the fields that differ, and nothing of that import is written.
pub async fn payment_other_content_is_rejected(store: Arc<dyn Store>) {
    let ck = Ck("payment_other_content_is_rejected");
    let q3 = q("2026Q3");
    let a1 = award("A1", "2026-07-01", "V1", AwardKind::Completion, "500.00");
    let c1 = condolence("F1", "2026-08-03", "C2", Cause::Disaster, "20000.00");
    ck.ok(
        "award",
        store
            .import_awards(
                std::slice::from_ref(&a1),
                &[award_entry(&a1, 1, 1)],
                &audit(1),
            )
            .await,
    );
    ck.ok(
        "condolence",
        store
            .import_condolences(
                std::slice::from_ref(&c1),
                &[condolence_entry(&c1, 2, 1)],
                &audit(2),
            )
            .await,
    );
    let audit_before = ck.ok("audit_log", store.audit_log().await);
    let ledger_before = ck.ok("ledger", store.ledger(q3).await);

    let fresh = award("A2", "2026-07-02", "C1", AwardKind::Commendation, "1.00");
    let mut changed = a1.clone();
    changed.amount = money("600.00");
    changed.reason = "改过".into();
    let msg = ck.rejected(
        "A1 with another amount and reason",
        store
            .import_awards(
                &[fresh.clone(), changed],
                &[award_entry(&fresh, 3, 1)],
                &audit(3),
            )
            .await,
    );
    ck.that("message names the award id A1", msg.contains("A1"));
    ck.that("message names the field `amount`", msg.contains("amount"));
    ck.that("message names the field `reason`", msg.contains("reason"));
    ck.that("message does not blame A2", !msg.contains("A2"));

    let mut twin = fresh.clone();
    twin.payee = kaohe_domain::Subject::parse("C9").expect("literal");
    let msg = ck.rejected(
        "A2 twice in one import with other payees",
        store
            .import_awards(
                &[fresh.clone(), twin],
                &[award_entry(&fresh, 3, 1)],
                &audit(4),
            )
            .await,
    );
    ck.that("message names A2", msg.contains("A2"));
    ck.that("message names the field `payee`", msg.contains("payee"));

    let c2 = condolence("F2", "2026-09-01", "C3", Cause::OnDuty, "1.00");
    let mut changed = c1.clone();
    changed.cause = Cause::OnDuty;
    changed.recipient = "另一人".into();
    let msg = ck.rejected(
        "F1 with another cause and recipient",
        store
            .import_condolences(
                &[changed, c2.clone()],
                &[condolence_entry(&c2, 3, 1)],
                &audit(5),
            )
            .await,
    );
    ck.that("message names the id F1", msg.contains("F1"));
    ck.that("message names the field `cause`", msg.contains("cause"));
    ck.that(
        "message names the field `recipient`",
        msg.contains("recipient"),
    );

    ck.eq(
        "awards unchanged",
        ck.ok("awards", store.awards().await),
        vec![Stored {
            record: a1,
            withdrawn: None,
        }],
    );
    ck.eq(
        "condolences unchanged",
        ck.ok("condolences", store.condolences().await),
        vec![Stored {
            record: c1,
            withdrawn: None,
        }],
    );
    ck.eq(
        "ledger unchanged",
        ck.ok("ledger", store.ledger(q3).await),
        ledger_before,
    );
    ck.eq(
        "no audit record for refused imports",
        ck.ok("audit_log", store.audit_log().await),
        audit_before,
    );
}

/// Withdrawing an award or condolence keeps the record with its mark and appends the
/// reversing entry; withdrawing it again changes nothing; re-importing it is a no-op (it stays
/// withdrawn), with other content refused.
pub async fn withdraw_payment_marks_and_reverses(store: Arc<dyn Store>) {
    let ck = Ck("withdraw_payment_marks_and_reverses");
    let q3 = q("2026Q3");
    let a1 = award("A1", "2026-07-01", "V1", AwardKind::Completion, "500.00");
    let a2 = award("A2", "2026-07-02", "C1", AwardKind::Commendation, "300.00");
    let c1 = condolence("F1", "2026-08-03", "C2", Cause::Disaster, "20000.00");
    ck.ok(
        "awards",
        store
            .import_awards(
                &[a1.clone(), a2.clone()],
                &[award_entry(&a1, 1, 1), award_entry(&a2, 2, 1)],
                &audit(1),
            )
            .await,
    );
    ck.ok(
        "condolence",
        store
            .import_condolences(
                std::slice::from_ref(&c1),
                &[condolence_entry(&c1, 3, 1)],
                &audit(2),
            )
            .await,
    );
    let mark = withdrawal("发放对象错误：应为村集体\n（复核）", 1_780_000_500);
    let did = ck.ok(
        "withdraw A1",
        store
            .withdraw(
                &WithdrawTarget::Award(a1.id.clone()),
                &mark,
                &[award_entry(&a1, 4, -1)],
                &audit(3),
            )
            .await,
    );
    ck.that("A1 was withdrawn now", did);
    let cmark = withdrawal("重复发放", -7);
    let did = ck.ok(
        "withdraw F1",
        store
            .withdraw(
                &WithdrawTarget::Condolence(c1.id.clone()),
                &cmark,
                &[condolence_entry(&c1, 5, -1)],
                &audit(4),
            )
            .await,
    );
    ck.that("F1 was withdrawn now", did);
    let awards_want = vec![
        Stored {
            record: a1.clone(),
            withdrawn: Some(mark.clone()),
        },
        Stored {
            record: a2.clone(),
            withdrawn: None,
        },
    ];
    ck.eq(
        "awards with the mark",
        ck.ok("awards", store.awards().await),
        awards_want.clone(),
    );
    let condolences_want = vec![Stored {
        record: c1.clone(),
        withdrawn: Some(cmark.clone()),
    }];
    ck.eq(
        "condolence with the mark",
        ck.ok("condolences", store.condolences().await),
        condolences_want.clone(),
    );
    let ledger_want = vec![
        award_entry(&a1, 1, 1),
        award_entry(&a2, 2, 1),
        condolence_entry(&c1, 3, 1),
        award_entry(&a1, 4, -1),
        condolence_entry(&c1, 5, -1),
    ];
    ck.eq(
        "ledger with the reversals",
        ck.ok("ledger", store.ledger(q3).await),
        ledger_want.clone(),
    );
    let audit_before = ck.ok("audit_log", store.audit_log().await);
    ck.eq("an audit record per withdrawal", audit_before.len(), 4);

    let did = ck.ok(
        "withdraw A1 again",
        store
            .withdraw(
                &WithdrawTarget::Award(a1.id.clone()),
                &withdrawal("again", 1),
                &[award_entry(&a1, 6, -1)],
                &audit(5),
            )
            .await,
    );
    ck.that("A1 again: nothing to do", !did);
    let did = ck.ok(
        "withdraw F1 again",
        store
            .withdraw(
                &WithdrawTarget::Condolence(c1.id.clone()),
                &withdrawal("again", 1),
                &[],
                &audit(6),
            )
            .await,
    );
    ck.that("F1 again: nothing to do", !did);

    let r = ck.ok(
        "A1 imported again",
        store
            .import_awards(std::slice::from_ref(&a1), &[], &audit(7))
            .await,
    );
    ck.eq(
        "counts",
        r,
        RecordImport {
            added: 0,
            unchanged: 1,
        },
    );
    let mut other = c1.clone();
    other.amount = money("1.00");
    ck.rejected(
        "F1 with other content",
        store.import_condolences(&[other], &[], &audit(8)).await,
    );
    ck.eq(
        "awards: A1 stays withdrawn",
        ck.ok("awards", store.awards().await),
        awards_want,
    );
    ck.eq(
        "condolences unchanged",
        ck.ok("condolences", store.condolences().await),
        condolences_want,
    );
    ck.eq(
        "ledger unchanged",
        ck.ok("ledger", store.ledger(q3).await),
        ledger_want,
    );
    let mut want_audit = audit_before;
    want_audit.push(audit(7));
    ck.eq(
        "audit: only the no-op import",
        ck.ok("audit_log", store.audit_log().await),
        want_audit,
    );
}

/// A withdrawn event leaves `events(q)` and shows with its mark in `events_by_id`; withdrawing
/// it again changes nothing; re-importing it is a no-op (it stays withdrawn), with other
/// content refused.
pub async fn withdrawn_events_leave_events(store: Arc<dyn Store>) {
    let ck = Ck("withdrawn_events_leave_events");
    let q3 = q("2026Q3");
    let e1 = event(
        "E1",
        "2026-07-02",
        "V1",
        "inspection_praise",
        Some(Level::County),
        "",
    );
    let e2 = event("E2", "2026-07-02", "C1", "media_exposure", None, "曝光");
    let e3 = event(
        "E3",
        "2026-10-02",
        "C1",
        "commendation",
        Some(Level::National),
        "",
    );
    ck.ok(
        "import",
        store
            .import_events(&[e1.clone(), e2.clone(), e3.clone()], &audit(1))
            .await,
    );
    let mark = withdrawal("录入错误：并无此事", 1_780_000_900);
    let did = ck.ok(
        "withdraw E1",
        store
            .withdraw(&WithdrawTarget::Event(e1.id.clone()), &mark, &[], &audit(2))
            .await,
    );
    ck.that("E1 was withdrawn now", did);
    ck.eq(
        "events of Q3 without E1",
        ck.ok("events", store.events(q3).await),
        vec![e2.clone()],
    );
    let ids = [
        e3.id.clone(),
        e1.id.clone(),
        kaohe_domain::EventId::parse("E404").expect("literal"),
        e1.id.clone(),
    ];
    ck.eq(
        "events by id, with their marks",
        ck.ok("events_by_id", store.events_by_id(&ids).await),
        vec![
            Stored {
                record: e1.clone(),
                withdrawn: Some(mark.clone()),
            },
            Stored {
                record: e3.clone(),
                withdrawn: None,
            },
        ],
    );
    ck.eq(
        "events by no id",
        ck.ok("events_by_id", store.events_by_id(&[]).await),
        vec![],
    );
    let n_audit = ck.ok("audit_log", store.audit_log().await).len();
    ck.eq("an audit record for the withdrawal", n_audit, 2);
    let did = ck.ok(
        "withdraw E1 again",
        store
            .withdraw(
                &WithdrawTarget::Event(e1.id.clone()),
                &withdrawal("again", 5),
                &[],
                &audit(3),
            )
            .await,
    );
    ck.that("E1 again: nothing to do", !did);
    ck.eq(
        "no audit record for the no-op",
        ck.ok("audit_log", store.audit_log().await).len(),
        n_audit,
    );

    let r = ck.ok(
        "E1 imported again",
        store
            .import_events(std::slice::from_ref(&e1), &audit(4))
            .await,
    );
    ck.eq("counted unchanged", (r.added, r.unchanged), (0, 1));
    let mut other = e1.clone();
    other.note = "另一说".into();
    let msg = ck.rejected(
        "E1 with other content",
        store.import_events(&[other], &audit(5)).await,
    );
    ck.that("message names E1", msg.contains("E1"));
    ck.eq(
        "E1 still left out",
        ck.ok("events", store.events(q3).await),
        vec![e2],
    );
    ck.eq(
        "E1 still withdrawn",
        ck.ok("events_by_id", store.events_by_id(&ids[1..2]).await),
        vec![Stored {
            record: e1,
            withdrawn: Some(mark),
        }],
    );
}

/// Withdrawing what is not stored is refused and writes nothing.
pub async fn withdraw_unknown_is_rejected(store: Arc<dyn Store>) {
    let ck = Ck("withdraw_unknown_is_rejected");
    let q3 = q("2026Q3");
    let a = award("A1", "2026-07-01", "V1", AwardKind::Completion, "500.00");
    let mark = withdrawal("x", 1);
    let targets = [
        WithdrawTarget::Event(kaohe_domain::EventId::parse("A1").expect("literal")),
        WithdrawTarget::Award(a.id.clone()),
        WithdrawTarget::Condolence(kaohe_domain::CondolenceId::parse("A1").expect("literal")),
    ];
    for t in &targets {
        let msg = ck.rejected(
            "withdraw an unknown record",
            store
                .withdraw(t, &mark, &[award_entry(&a, 1, -1)], &audit(1))
                .await,
        );
        ck.that("message names the id", msg.contains("A1"));
    }
    ck.eq(
        "no entries",
        ck.ok("ledger", store.ledger(q3).await),
        vec![],
    );
    ck.eq(
        "no audit record",
        ck.ok("audit_log", store.audit_log().await),
        vec![],
    );
    // An award is not a condolence: its id does not withdraw one.
    ck.ok(
        "award",
        store
            .import_awards(
                std::slice::from_ref(&a),
                &[award_entry(&a, 1, 1)],
                &audit(2),
            )
            .await,
    );
    ck.rejected(
        "withdraw the award's id as a condolence",
        store.withdraw(&targets[2], &mark, &[], &audit(3)).await,
    );
    ck.rejected(
        "withdraw the award's id as an event",
        store.withdraw(&targets[0], &mark, &[], &audit(4)).await,
    );
    ck.eq(
        "the award stands",
        ck.ok("awards", store.awards().await)[0].withdrawn.clone(),
        None,
    );
}

/// Several tasks append the same numbering of one quarter's entries at once (two payrolls of
/// one month): exactly one takes effect, the others get a conflict.
pub async fn concurrent_appends_one_wins(store: Arc<dyn Store>) {
    let ck = Ck("concurrent_appends_one_wins");
    const TASKS: usize = 8;
    let q3 = q("2026Q3");
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut tasks = Vec::new();
    for i in 0..TASKS {
        let (store, barrier) = (store.clone(), barrier.clone());
        // The same numbers, amounts that tell the writers apart.
        let mut entries = payroll(q3, 0, 500, 1);
        for e in &mut entries {
            e.amount = Money::from_hundredths(e.amount.hundredths() + i as i64);
        }
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let r = store.append_entries(&entries, &audit(i as u64)).await;
            (entries, r)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (entries, r) = t
            .await
            .unwrap_or_else(|e| ck.fail("task", format_args!("panicked: {e}")));
        match r {
            Ok(()) => winners.push(entries),
            Err(StoreError::Conflict(_)) => {}
            Err(e) => ck.fail("a losing append", format_args!("want Conflict, got {e:?}")),
        }
    }
    ck.eq("number of successful appends", winners.len(), 1);
    ck.eq_list(
        "the ledger holds the winner's entries once",
        &ck.ok("ledger", store.ledger(q3).await),
        &winners[0],
    );
    ck.eq(
        "one audit record",
        ck.ok("audit_log", store.audit_log().await).len(),
        1,
    );
}

/// Hand-built records for the checks and for backends' own tests (a crash test, a benchmark).
pub mod fixtures {
    use kaohe_domain::{
        Appraisal, Area, Award, AwardId, AwardKind, Cadre, CadreId, Cause, Condolence,
        CondolenceId, Date, EntryKind, Event, EventId, EventKind, Finding, Flag, Flags, Grade,
        HealthRecord, Inspection, InspectionId, ItemId, LedgerEntry, Level, Money, Month, Points,
        Quarter, Score, Sequence, SettlementLine, Subject, TownCode, VillageCode, Withdrawal,
    };

    use crate::{AuditRecord, NewSettlement, SettlementHeader};

    /// A quarter from a literal like `2026Q3`. Panics on a bad literal.
    pub fn q(s: &str) -> Quarter {
        Quarter::parse(s).expect("fixture quarter")
    }

    /// A date from a literal like `2026-07-01`. Panics on a bad literal.
    pub fn date(s: &str) -> Date {
        Date::parse(s).expect("fixture date")
    }

    /// Money from a literal like `1500.07`. Panics on a bad literal.
    pub fn money(s: &str) -> Money {
        Money::parse(s).expect("fixture money")
    }

    /// Points from a literal like `87.50`. Panics on a bad literal.
    pub fn points(s: &str) -> Points {
        Points::parse(s).expect("fixture points")
    }

    /// An audit record numbered `n` (the number shows in the command and summary).
    pub fn audit(n: u64) -> AuditRecord {
        AuditRecord {
            at_unix: 1_780_000_000 + n as i64,
            user: "县委组织部 clerk".into(),
            command: format!("kaohe import scores \"第{n}批.csv\""),
            source_sha256: Some(format!("{n:064x}")),
            source_path: Some(format!("县里/第{n}批.csv")),
            rows: n,
            summary: format!("第{n}次导入"),
        }
    }

    /// A cadre of town `T1`, village `V1`, sequence `正职`.
    pub fn cadre(id: &str, name: &str, subsidy: &str, start: &str, end: Option<&str>) -> Cadre {
        Cadre {
            id: CadreId::parse(id).expect("fixture id"),
            name: name.into(),
            town: TownCode::parse("T1").expect("fixture town"),
            village: VillageCode::parse("V1").expect("fixture village"),
            sequence: Sequence::parse("正职").expect("fixture sequence"),
            position: "党组织书记".into(),
            monthly_subsidy: money(subsidy),
            start_date: date(start),
            end_date: end.map(date),
        }
    }

    /// A score.
    pub fn score(quarter: Quarter, subject: &str, item: &str, pts: &str) -> Score {
        Score {
            quarter,
            subject: Subject::parse(subject).expect("fixture subject"),
            item: ItemId::parse(item).expect("fixture item"),
            points: points(pts),
        }
    }

    /// An event.
    pub fn event(
        id: &str,
        day: &str,
        subject: &str,
        kind: &str,
        level: Option<Level>,
        note: &str,
    ) -> Event {
        Event {
            id: EventId::parse(id).expect("fixture event id"),
            date: date(day),
            subject: Subject::parse(subject).expect("fixture subject"),
            kind: EventKind::parse(kind).expect("fixture kind"),
            level,
            note: note.into(),
        }
    }

    /// A settlement line paying `total_paid_fen` in all, split consistently into base and
    /// performance, with the flags of the grade.
    pub fn line(
        quarter: Quarter,
        cadre_id: &str,
        name: &str,
        grade: Grade,
        total_paid_fen: i64,
    ) -> SettlementLine {
        let base = total_paid_fen / 5;
        let perf = total_paid_fen - base;
        let mut flags = Flags::NONE;
        match grade {
            Grade::Excellent => flags.insert(Flag::Recommend),
            Grade::Unqualified => {
                flags.insert(Flag::Admonish);
                flags.insert(Flag::DismissalReview);
            }
            Grade::Qualified => {}
        }
        SettlementLine {
            quarter,
            cadre_id: CadreId::parse(cadre_id).expect("fixture id"),
            name: name.into(),
            town: TownCode::parse("T1").expect("fixture town"),
            village: VillageCode::parse("V1").expect("fixture village"),
            sequence: Sequence::parse("委员").expect("fixture sequence"),
            base_score: points("87.50"),
            bonus: points("10"),
            deduction: points("2.25"),
            total: points("95.25"),
            rank: 1,
            group_size: 7,
            quota: 1,
            grade,
            standard: Money::from_hundredths(total_paid_fen),
            base_paid: Money::from_hundredths(base),
            performance_standard: Money::from_hundredths(perf),
            adjustment: Money::ZERO,
            performance_paid: Money::from_hundredths(perf),
            total_paid: Money::from_hundredths(total_paid_fen),
            flags,
        }
    }

    /// A ledger entry; `month` is the index 0–2 of the quarter's month, for `base` entries.
    pub fn entry(
        quarter: Quarter,
        revision: u32,
        number: u32,
        cadre_id: &str,
        kind: EntryKind,
        month: Option<usize>,
        amount: &str,
    ) -> LedgerEntry {
        LedgerEntry {
            quarter,
            revision,
            entry: number,
            cadre_id: CadreId::parse(cadre_id).expect("fixture id"),
            kind,
            month: month.map(|m| quarter.months()[m]),
            amount: money(amount),
        }
    }

    /// An award of `amount` to `payee` (a village code or a cadre id) on `day`.
    pub fn award(id: &str, day: &str, payee: &str, kind: AwardKind, amount: &str) -> Award {
        Award {
            id: AwardId::parse(id).expect("fixture award id"),
            date: date(day),
            payee: Subject::parse(payee).expect("fixture payee"),
            kind,
            amount: money(amount),
            reason: format!("按期完成任务 \"{id}\"\n第二行\t制表"),
        }
    }

    /// A condolence payment for `cadre_id`, who died on `day`.
    pub fn condolence(
        id: &str,
        day: &str,
        cadre_id: &str,
        cause: Cause,
        amount: &str,
    ) -> Condolence {
        Condolence {
            id: CondolenceId::parse(id).expect("fixture condolence id"),
            date: date(day),
            cadre_id: CadreId::parse(cadre_id).expect("fixture id"),
            cause,
            recipient: "家属 欧阳某\t（配偶）".into(),
            amount: money(amount),
            note: format!("{id}: 抢险中牺牲\n\\备注"),
        }
    }

    /// The revision-0 ledger entry numbered `number` that pays `award` (or reverses it, with
    /// `sign` −1): payee, kind, article and month from the award.
    pub fn award_entry(award: &Award, number: u32, sign: i64) -> LedgerEntry {
        let kind = award.kind.entry_kind();
        LedgerEntry {
            quarter: award.quarter(),
            revision: 0,
            entry: number,
            cadre_id: CadreId::parse(award.payee.as_str()).expect("fixture payee"),
            kind,
            month: Some(Month::of(award.date)),
            amount: Money::from_hundredths(sign * award.amount.hundredths()),
        }
    }

    /// The revision-0 ledger entry numbered `number` that pays `c` (or reverses it, `sign` −1).
    pub fn condolence_entry(c: &Condolence, number: u32, sign: i64) -> LedgerEntry {
        LedgerEntry {
            quarter: c.quarter(),
            revision: 0,
            entry: number,
            cadre_id: c.cadre_id.clone(),
            kind: EntryKind::Condolence,
            month: Some(Month::of(c.date)),
            amount: Money::from_hundredths(sign * c.amount.hundredths()),
        }
    }

    /// A supervision record (Art.14) on `subject` (a village code or a cadre id) on `day`.
    pub fn inspection(
        id: &str,
        day: &str,
        subject: &str,
        area: Area,
        finding: Finding,
        note: &str,
    ) -> Inspection {
        Inspection {
            id: InspectionId::parse(id).expect("fixture inspection id"),
            date: date(day),
            subject: Subject::parse(subject).expect("fixture subject"),
            area,
            finding,
            note: note.into(),
        }
    }

    /// A health check-up record (Art.15) of `cadre_id` on `day`.
    pub fn health(cadre_id: &str, day: &str, conclusion: &str) -> HealthRecord {
        HealthRecord {
            cadre_id: CadreId::parse(cadre_id).expect("fixture id"),
            date: date(day),
            institution: "县人民医院\\体检中心".into(),
            conclusion: conclusion.into(),
            note: format!("{cadre_id}\t复查\n\"备注\""),
        }
    }

    /// A withdrawal mark.
    pub fn withdrawal(reason: &str, at_unix: i64) -> Withdrawal {
        Withdrawal {
            reason: reason.into(),
            at_unix,
        }
    }

    /// A month's payroll (Art.11): one revision-0 `base` entry for each of `cadres` cadres
    /// (`C0000000`…, as [`large_settlement`]) in month `month` (0–2) of `quarter`, numbered
    /// from `first_entry`, amounts varying with the cadre. Deterministic.
    pub fn payroll(
        quarter: Quarter,
        month: usize,
        cadres: usize,
        first_entry: u32,
    ) -> Vec<LedgerEntry> {
        let m = quarter.months()[month];
        (0..cadres)
            .map(|i| LedgerEntry {
                quarter,
                revision: 0,
                entry: first_entry + i as u32,
                cadre_id: CadreId::parse(&format!("C{i:07}")).expect("fixture id"),
                kind: EntryKind::Base,
                month: Some(m),
                amount: Money::from_hundredths(20_000 + (i as i64 % 997)),
            })
            .collect()
    }

    /// An appraisal.
    pub fn appraisal(cadre_id: &str, quarter: Quarter, grade: Grade) -> Appraisal {
        Appraisal {
            cadre_id: CadreId::parse(cadre_id).expect("fixture id"),
            quarter,
            grade,
        }
    }

    /// A header for revision `revision` of `quarter` (fingerprint and time derive from both).
    pub fn header(quarter: Quarter, revision: u32) -> SettlementHeader {
        SettlementHeader {
            quarter,
            revision,
            fingerprint: format!(
                "{:064x}",
                u64::from(quarter.year()) * 100 + u64::from(revision)
            ),
            policy_toml: "# 政策\nexcellent_ratio = 0.2\n".into(),
            settled_at_unix: 1_780_000_000 + i64::from(revision),
        }
    }

    /// A settlement with the given lines and entries.
    pub fn with_entries(
        quarter: Quarter,
        revision: u32,
        lines: Vec<SettlementLine>,
        entries: Vec<LedgerEntry>,
    ) -> NewSettlement {
        NewSettlement {
            header: header(quarter, revision),
            lines,
            entries,
        }
    }

    /// A settlement whose entries pay each line (three `base` entries, `performance`, and an
    /// adjustment for excellent and unqualified grades), numbered from `first_entry`.
    pub fn settlement(
        quarter: Quarter,
        revision: u32,
        lines: Vec<SettlementLine>,
        first_entry: u32,
    ) -> NewSettlement {
        let mut entries = Vec::with_capacity(lines.len() * 5);
        let mut n = first_entry;
        for l in &lines {
            let months = quarter.months();
            let base = l.base_paid.hundredths();
            let per_month = [base / 3, base / 3, base - 2 * (base / 3)];
            for (m, fen) in months.iter().zip(per_month) {
                entries.push(LedgerEntry {
                    quarter,
                    revision,
                    entry: n,
                    cadre_id: l.cadre_id.clone(),
                    kind: EntryKind::Base,
                    month: Some(*m),
                    amount: Money::from_hundredths(fen),
                });
                n += 1;
            }
            let mut push = |kind: EntryKind, amount: Money| {
                entries.push(LedgerEntry {
                    quarter,
                    revision,
                    entry: n,
                    cadre_id: l.cadre_id.clone(),
                    kind,
                    month: None,
                    amount,
                });
                n += 1;
            };
            push(EntryKind::Performance, l.performance_standard);
            match l.grade {
                Grade::Excellent => push(EntryKind::ExcellentBonus, money("0.01")),
                Grade::Unqualified => push(EntryKind::UnqualifiedDeduction, money("-0.01")),
                Grade::Qualified => {}
            }
        }
        NewSettlement {
            header: header(quarter, revision),
            lines,
            entries,
        }
    }

    /// The entry number after the last one of `s`.
    pub fn next_entry(s: &NewSettlement) -> u32 {
        s.entries.iter().map(|e| e.entry).max().map_or(1, |m| m + 1)
    }

    /// A large monthly payroll for crash and race tests: one revision-0 `base` entry (Art.11)
    /// per cadre for the first month of `quarter`, numbered from 1, with the cadre ids of
    /// [`large_settlement`]. Deterministic.
    pub fn large_payroll(quarter: Quarter, cadres: usize) -> Vec<LedgerEntry> {
        let month = quarter.months()[0];
        (0..cadres)
            .map(|i| LedgerEntry {
                quarter,
                revision: 0,
                entry: u32::try_from(i + 1).expect("fixture size"),
                cadre_id: CadreId::parse(&format!("C{i:07}")).expect("fixture id"),
                kind: EntryKind::Base,
                month: Some(month),
                amount: Money::from_hundredths((100_000 + 5 * (i as i64 % 997)) / 5),
            })
            .collect()
    }

    /// A large revision 1 for crash tests and benchmarks: `cadres` lines and six entries per
    /// line (three `base`, `performance`, an adjustment and an Art.12 award), grades cycling
    /// through excellent, qualified and unqualified. Deterministic.
    pub fn large_settlement(quarter: Quarter, cadres: usize) -> NewSettlement {
        let mut lines = Vec::with_capacity(cadres);
        let mut entries = Vec::with_capacity(cadres * 6);
        let town = TownCode::parse("城关镇").expect("fixture town");
        let seq = Sequence::parse("委员").expect("fixture sequence");
        let mut n = 1u32;
        for i in 0..cadres {
            let id = CadreId::parse(&format!("C{i:07}")).expect("fixture id");
            let village = VillageCode::parse(&format!("V{:05}", i / 6)).expect("fixture village");
            let grade = [Grade::Excellent, Grade::Qualified, Grade::Unqualified][i % 3];
            let m = 100_000 + 5 * (i as i64 % 997);
            let base_m = m / 5;
            let standard = 3 * m;
            let perf = standard - 3 * base_m;
            let adj = match grade {
                Grade::Excellent => perf * 2 / 5,
                Grade::Qualified => 0,
                Grade::Unqualified => -(perf * 2 / 5),
            };
            let mut flags = Flags::NONE;
            match grade {
                Grade::Excellent => flags.insert(Flag::Recommend),
                Grade::Unqualified => flags.insert(Flag::Admonish),
                Grade::Qualified => {}
            }
            lines.push(SettlementLine {
                quarter,
                cadre_id: id.clone(),
                name: format!("干部{i}"),
                town: town.clone(),
                village,
                sequence: seq.clone(),
                base_score: Points::from_hundredths(8_000 + (i as i64 % 2_000)),
                bonus: Points::from_hundredths(i as i64 % 700),
                deduction: Points::from_hundredths(i as i64 % 300),
                total: Points::from_hundredths(
                    8_000 + (i as i64 % 2_000) + (i as i64 % 700) - (i as i64 % 300),
                ),
                rank: (i % 50) as u32 + 1,
                group_size: 50,
                quota: 10,
                grade,
                standard: Money::from_hundredths(standard),
                base_paid: Money::from_hundredths(3 * base_m),
                performance_standard: Money::from_hundredths(perf),
                adjustment: Money::from_hundredths(adj),
                performance_paid: Money::from_hundredths(perf + adj),
                total_paid: Money::from_hundredths(standard + adj),
                flags,
            });
            let mut push = |kind: EntryKind, month: Option<usize>, fen: i64| {
                entries.push(LedgerEntry {
                    quarter,
                    revision: 1,
                    entry: n,
                    cadre_id: id.clone(),
                    kind,
                    month: month.map(|k| quarter.months()[k]),
                    amount: Money::from_hundredths(fen),
                });
                n += 1;
            };
            for k in 0..3 {
                push(EntryKind::Base, Some(k), base_m);
            }
            push(EntryKind::Performance, None, perf);
            match grade {
                Grade::Excellent => push(EntryKind::ExcellentBonus, None, adj),
                Grade::Qualified => push(EntryKind::ExcellentBonus, None, 0),
                Grade::Unqualified => push(EntryKind::UnqualifiedDeduction, None, adj),
            }
            push(EntryKind::CompletionAward, None, 50_000);
        }
        NewSettlement {
            header: header(quarter, 1),
            lines,
            entries,
        }
    }
}
