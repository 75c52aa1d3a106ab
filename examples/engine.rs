//! Using the engine crates from Rust: read the sample county's files and compute 2026Q2 with
//! the built-in policy, no store. Run with `cargo run --example engine`.

use std::path::Path;

use kaohe_domain::{Policy, Quarter};
use kaohe_settlement::{QuarterInput, compute_quarter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample-county");
    let policy = Policy::default(); // docs/rules.md, the default policy; or Policy::from_toml(&text)?
    let roster = kaohe_io::read_roster(&dir.join("roster.csv"))?;
    let ctx = kaohe_io::Context::with_policy(&roster, &policy);
    let scores = kaohe_io::read_scores(&dir.join("scores.csv"), &ctx)?;
    let events = kaohe_io::read_events(&dir.join("events.csv"), &ctx)?;

    let outcome = compute_quarter(&QuarterInput {
        quarter: Quarter::parse("2026Q2")?,
        policy: &policy,
        roster: &roster,
        roster_index: None,
        scores: (&scores).into(),
        events: &events,
        history: &[], // earlier appraisals, for Art.11's dismissal rule
        missing_as_zero: false,
    })?;
    for line in outcome.lines.iter().take(5) {
        println!(
            "{} {} {} {} {}",
            line.cadre_id, line.name, line.total, line.grade, line.total_paid
        );
    }
    println!(
        "… {} cadres, {} ledger entries",
        outcome.lines.len(),
        outcome.ledger.len()
    );
    Ok(())
}
