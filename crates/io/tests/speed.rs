//! A quick, criterion-free measurement of the scores reader:
//! `cargo test --release -p kaohe-io --test tests -- --ignored --nocapture read_speed`
//! (`KAOHE_SPEED_ROWS` sets the row count, default 1 000 000; `KAOHE_SPEED_PASSES` the
//! passes, default 3; `KAOHE_SPEED_REVERSE_ROSTER` puts the roster in the opposite order to
//! the file, so that no subject is found by the in-order guess).

use std::fmt::Write as _;
use std::time::Instant;

use kaohe_domain::{Cadre, CadreId, Date, Money, Policy, Scope, Sequence, TownCode, VillageCode};
use kaohe_io::{Context, read_scores};

/// A roster and a scores file of about `rows` rows: every item of every village and cadre,
/// sorted by subject, as a county's export would be.
fn generate(rows: usize, policy: &Policy) -> (Vec<Cadre>, String) {
    let village_items: Vec<_> = policy
        .items()
        .filter(|(_, s, _)| s.scope == Scope::Village)
        .map(|(_, _, i)| i.id.clone())
        .collect();
    let cadre_items: Vec<_> = policy
        .items()
        .filter(|(_, s, _)| s.scope == Scope::Cadre)
        .map(|(_, _, i)| i.id.clone())
        .collect();
    let per_village = village_items.len() + 5 * cadre_items.len();
    let villages = rows.div_ceil(per_village);
    let mut roster = Vec::new();
    let mut out = String::with_capacity(rows * 40);
    out.push_str("quarter,subject,item,points\n");
    for v in 0..villages {
        let village = format!("V{v:07}");
        for item in &village_items {
            writeln!(
                out,
                "2026Q3,{village},{item},{}",
                ["3.5", "4", "2.25"][v % 3]
            )
            .unwrap();
        }
        for k in 0..5 {
            let id = format!("C{v:07}{k}");
            roster.push(Cadre {
                id: CadreId::parse(&id).unwrap(),
                name: "张三".into(),
                town: TownCode::parse(&format!("T{:03}", v / 200)).unwrap(),
                village: VillageCode::parse(&village).unwrap(),
                sequence: Sequence::parse(if k < 2 { "正职" } else { "委员" }).unwrap(),
                position: String::new(),
                monthly_subsidy: Money::parse("1500").unwrap(),
                start_date: Date::parse("2020-01-01").unwrap(),
                end_date: None,
            });
            for item in &cadre_items {
                writeln!(out, "2026Q3,{id},{item},1").unwrap();
            }
        }
    }
    (roster, out)
}

#[test]
#[ignore = "a measurement; run in release with --ignored --nocapture"]
fn read_speed() {
    let rows: usize = std::env::var("KAOHE_SPEED_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let policy = Policy::default();
    let (mut roster, text) = generate(rows, &policy);
    if std::env::var_os("KAOHE_SPEED_REVERSE_ROSTER").is_some() {
        // The roster in the opposite order to the file: every new subject is a hash lookup.
        roster.reverse();
    }
    let path = std::env::temp_dir().join(format!("kaohe-io-speed-{}.csv", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let t = Instant::now();
    let ctx = Context::with_policy(&roster, &policy);
    let ctx_time = t.elapsed();
    let mut best = f64::MAX;
    let _ = std::hint::black_box(&ctx);
    let mut n = 0;
    for _ in 0..std::env::var("KAOHE_SPEED_PASSES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
    {
        let t = Instant::now();
        let scores = read_scores(&path, &ctx).unwrap();
        let secs = t.elapsed().as_secs_f64();
        n = scores.len();
        let t = Instant::now();
        drop(scores);
        let drop_time = t.elapsed();
        eprintln!("  pass: {secs:.3} s read, {drop_time:?} drop");
        best = best.min(secs);
    }
    std::fs::remove_file(&path).unwrap();
    if n == 0 {
        return;
    }
    #[allow(clippy::float_arithmetic)]
    let rate = n as f64 / best / 1e6;
    eprintln!(
        "read_scores: {n} rows, {} MB, {} cadres; context {ctx_time:?}; best pass {best:.3} s \
         = {rate:.2} M rows/s",
        text.len() >> 20,
        roster.len(),
    );
}
