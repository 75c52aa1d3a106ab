//! Checks of the big score paths: a quarter's grid written and read back through its names
//! (roster and policy), as the same rows would be stored.

use std::sync::Arc;

use kaohe_domain::{Cadre, Policy, RosterIndex, Scope, Score, ScoreNames, VillageCode};

use super::Ck;
use super::fixtures::*;
use crate::{ScoreSheet, Store, StoreError};

/// A roster of two villages (`V2` first met, then `V1`) and three cadres, not in id order.
fn grid_roster() -> Vec<Cadre> {
    let mut roster = vec![
        cadre("C3", "王五", "3000", "2020-01-01", None),
        cadre("C1", "张三", "3000", "2020-01-01", None),
        cadre("C2", "李四", "3000", "2020-01-01", None),
    ];
    roster[0].village = VillageCode::parse("V2").expect("fixture village");
    roster
}

/// The first item of each scope of `policy`, with its maximum in hundredths.
fn first_items(policy: &Policy) -> [(String, i64); 2] {
    let first = |scope: Scope| {
        let (_, _, item) = policy
            .items()
            .find(|(_, s, _)| s.scope == scope)
            .expect("the default rubric has items of both scopes");
        (item.id.as_str().to_owned(), item.max.hundredths())
    };
    [first(Scope::Village), first(Scope::Cadre)]
}

fn sorted(mut rows: Vec<Score>) -> Vec<Score> {
    rows.sort_by(|a, b| {
        (a.subject.as_str(), a.item.as_str()).cmp(&(b.subject.as_str(), b.item.as_str()))
    });
    rows
}

/// A grid written comes back as the same grid and as the rows it holds; a second grid of a
/// quarter replaces by key the cells it scores and leaves the others; sheets of several
/// quarters are one import with one audit record.
pub async fn score_sheets_round_trip(store: Arc<dyn Store>) {
    let ck = Ck("score_sheets_round_trip");
    let policy = Policy::default();
    let roster = grid_roster();
    let index = RosterIndex::new(&roster);
    let names = ScoreNames::new(&index, &policy);
    let [(village_item, vmax), (cadre_item, cmax)] = first_items(&policy);
    let (q3, q4) = (q("2026Q3"), q("2026Q4"));
    let cell = |s: &str, item: &str, h: i64| {
        names
            .cell(s, item, kaohe_domain::Points::from_hundredths(h))
            .expect("a cell of the fixture")
    };

    let mut g3 = names.empty_grid(q3);
    let mut g4 = names.empty_grid(q4);
    for (quarter, s, item, h) in [
        (q3, "V1", &village_item, vmax),
        (q3, "V2", &village_item, 0),
        (q3, "C3", &cadre_item, cmax - 1),
        (q3, "C1", &cadre_item, 1),
        (q4, "C2", &cadre_item, 25),
    ] {
        let grid = if quarter == q3 { &mut g3 } else { &mut g4 };
        let (scope, sub, col, h) = cell(s, item, h);
        ck.that("a cell is set once", grid.set(scope, sub, col, h).is_ok());
    }
    let audits = ck.ok("audit log", store.audit_log().await).len();
    let sheets = [
        ScoreSheet {
            names: &names,
            grid: &g4,
        },
        ScoreSheet {
            names: &names,
            grid: &g3,
        },
    ];
    ck.eq(
        "cells written",
        ck.ok(
            "import",
            store.import_score_sheets(&sheets, &audit(1)).await,
        ),
        5,
    );
    ck.eq(
        "one audit record for the import",
        ck.ok("audit log", store.audit_log().await).len(),
        audits + 1,
    );
    let back = ck.ok("scores_on", store.scores_on(q3, &names).await);
    ck.eq("the grid comes back", &back.grid, &g3);
    ck.eq("every score fits", back.others.len(), 0);
    ck.eq(
        "the rows stored are the grid's, by (subject, item)",
        ck.ok("scores", store.scores(q3).await),
        sorted(names.rows(&g3).collect()),
    );
    ck.eq(
        "the other quarter",
        ck.ok("scores_on", store.scores_on(q4, &names).await).grid,
        g4.clone(),
    );
    ck.eq(
        "scored quarters",
        ck.ok("scored_quarters", store.scored_quarters().await),
        vec![q3, q4],
    );

    // Replace by key: V1 changes, C2 is new in 2026Q3, the rest stays.
    let mut again = names.empty_grid(q3);
    for (s, item, h) in [("V1", &village_item, 5), ("C2", &cadre_item, 7)] {
        let (scope, sub, col, h) = cell(s, item, h);
        let _ = again.set(scope, sub, col, h);
    }
    let sheet = [ScoreSheet {
        names: &names,
        grid: &again,
    }];
    ck.eq(
        "cells written again",
        ck.ok("import", store.import_score_sheets(&sheet, &audit(2)).await),
        2,
    );
    let mut want = g3.clone();
    let (scope, sub, col, _) = cell("V1", &village_item, 5);
    let mut merged = names.empty_grid(q3);
    for (sc, s, c, p) in want.iter() {
        let h = if (sc, s, c) == (scope, sub, col) {
            5
        } else {
            p.hundredths() as u16
        };
        let _ = merged.set(sc, s, c, h);
    }
    let (scope, sub, col, h) = cell("C2", &cadre_item, 7);
    let _ = merged.set(scope, sub, col, h);
    want = merged;
    ck.eq(
        "replaced by key, the rest kept",
        ck.ok("scores_on", store.scores_on(q3, &names).await).grid,
        want,
    );
    ck.eq(
        "2026Q4 untouched",
        ck.ok("scores_on", store.scores_on(q4, &names).await).grid,
        g4,
    );
}

/// Stored scores that do not fit the roster or the policy read against come back as rows, by
/// (subject, item), beside the grid of those that do: together, exactly the stored rows.
pub async fn scores_on_keeps_what_does_not_fit(store: Arc<dyn Store>) {
    let ck = Ck("scores_on_keeps_what_does_not_fit");
    let policy = Policy::default();
    let roster = grid_roster();
    let index = RosterIndex::new(&roster);
    let names = ScoreNames::new(&index, &policy);
    let [(village_item, vmax), (cadre_item, _)] = first_items(&policy);
    let q3 = q("2026Q3");
    let over = kaohe_domain::Points::from_hundredths(vmax + 1)
        .to_decimal()
        .to_string();
    let rows = vec![
        score(q3, "V1", &village_item, "0"),
        score(q3, "V9", &village_item, "1"),
        score(q3, "V2", &village_item, &over),
        score(q3, "C1", "no.such.item", "1"),
        score(q3, "C1", &cadre_item, "0.5"),
        // A cadre item given to a village: no cell of the grid.
        score(q3, "V1", &cadre_item, "1"),
    ];
    ck.ok("import", store.import_scores(&rows, &audit(1)).await);
    let stored = ck.ok("scores_on", store.scores_on(q3, &names).await);
    ck.eq("two fit", stored.grid.scored(), 2);
    ck.eq(
        "the others, by (subject, item)",
        stored.others.clone(),
        sorted(vec![
            score(q3, "V9", &village_item, "1"),
            score(q3, "V2", &village_item, &over),
            score(q3, "C1", "no.such.item", "1"),
            score(q3, "V1", &cadre_item, "1"),
        ]),
    );
    ck.eq(
        "together, the stored rows",
        stored.into_rows(&names),
        ck.ok("scores", store.scores(q3).await),
    );
}

/// A sheet whose grid is not of its names' shape, or two sheets of one quarter, are refused
/// and nothing is written.
pub async fn score_sheets_refusals(store: Arc<dyn Store>) {
    let ck = Ck("score_sheets_refusals");
    let policy = Policy::default();
    let roster = grid_roster();
    let index = RosterIndex::new(&roster);
    let names = ScoreNames::new(&index, &policy);
    let smaller = RosterIndex::new(&roster[..1]);
    let small = ScoreNames::new(&smaller, &policy);
    let q3 = q("2026Q3");
    let mut grid = names.empty_grid(q3);
    let [(village_item, _), _] = first_items(&policy);
    let (scope, s, c, h) = names
        .cell(
            "V1",
            &village_item,
            kaohe_domain::Points::from_hundredths(1),
        )
        .expect("a cell");
    let _ = grid.set(scope, s, c, h);
    let audits = ck.ok("audit log", store.audit_log().await).len();
    let refused = |r: crate::Result<u64>| matches!(r, Err(StoreError::Rejected(_)));
    let wrong_shape = [ScoreSheet {
        names: &small,
        grid: &grid,
    }];
    ck.that(
        "a grid of another shape is refused",
        refused(store.import_score_sheets(&wrong_shape, &audit(1)).await),
    );
    let twice = [
        ScoreSheet {
            names: &names,
            grid: &grid,
        },
        ScoreSheet {
            names: &names,
            grid: &grid,
        },
    ];
    ck.that(
        "one quarter twice is refused",
        refused(store.import_score_sheets(&twice, &audit(2)).await),
    );
    ck.eq(
        "nothing written",
        ck.ok("scored_quarters", store.scored_quarters().await),
        vec![],
    );
    ck.eq(
        "no audit record",
        ck.ok("audit log", store.audit_log().await).len(),
        audits,
    );
}
