//! `kaohe compute`: a quarter computed from files alone, without a store (Art.7–11). The
//! report needs the lines only: no ledger is built.

use std::path::{Path, PathBuf};

use kaohe_domain::{Appraisal, Cadre, Event, Policy, Quarter, ScoreGrid, SettlementLine};
use kaohe_report::ReportNotes;

use crate::AppError;

/// The files `kaohe compute` reads.
#[derive(Debug, Clone, Copy)]
pub struct ComputeFiles<'a> {
    /// The quarter to compute.
    pub quarter: Quarter,
    /// `roster.csv`.
    pub roster: &'a Path,
    /// `scores.csv`.
    pub scores: &'a Path,
    /// `events.csv`.
    pub events: &'a Path,
    /// `policy.toml`; the built-in default (docs/rules.md) when `None`.
    pub policy: Option<&'a Path>,
    /// Reports of earlier quarters (`kaohe report --format csv`): the grades Art.11's
    /// consecutive-unqualified rule reads.
    pub previous: &'a [PathBuf],
}

/// A computed quarter: its lines in report order and what the pages for people state beside
/// them (the Art.10 ratio).
#[derive(Debug)]
pub struct Computed {
    /// The quarter.
    pub quarter: Quarter,
    /// The lines, in report order.
    pub lines: Vec<SettlementLine>,
    /// The notes of the report.
    pub notes: ReportNotes,
    /// The inputs, kept to be freed apart (see [`Computed::write_while_freeing`]).
    inputs: (Vec<Cadre>, ScoreGrid, Vec<Event>, Vec<Appraisal>),
}

impl Computed {
    /// Calls `write` with the lines and notes while the inputs are freed on a thread of their
    /// own: a national roster is millions of strings, which take a moment to free. Returns once both are done.
    pub fn write_while_freeing<T>(
        self,
        write: impl FnOnce(Quarter, &[SettlementLine], &ReportNotes) -> T,
    ) -> T {
        let Computed {
            quarter,
            lines,
            notes,
            inputs,
        } = self;
        std::thread::scope(|s| {
            s.spawn(move || drop(inputs));
            write(quarter, &lines, &notes)
        })
    }
}

/// Reads the files, each checked (Art.7–9; a file with problems is refused, every problem
/// located), and computes the quarter's lines (Art.7–11). Errors are invalid input (exit 2).
pub fn compute_from_files(files: &ComputeFiles<'_>) -> Result<Computed, AppError> {
    let q = files.quarter;
    let policy = match files.policy {
        Some(p) => crate::files::read_policy_file(p)?.0,
        None => Policy::default(),
    };
    let roster = kaohe_io::read_roster(files.roster)?;
    let ctx = kaohe_io::Context::new(&roster, |_| Some(&policy));
    // The quarter's scores in their compact grid: no score row is held as a record.
    let scores = kaohe_io::read_scores_grid(files.scores, &ctx, q)?;
    let events = kaohe_io::read_events(files.events, &ctx)?;
    drop(ctx);
    let mut history: Vec<Appraisal> = Vec::new();
    for p in files.previous {
        history.extend(kaohe_io::appraisals(&kaohe_io::read_report(p)?));
    }
    let outcome = kaohe_settlement::compute_lines(&kaohe_settlement::QuarterInput {
        quarter: q,
        policy: &policy,
        roster: &roster,
        scores: (&scores).into(),
        events: &events,
        history: &history,
        missing_as_zero: false,
    })
    .map_err(|e| AppError::Invalid(format!("{q} cannot be computed: {e}")))?;
    let (lines, _) = outcome.into_parts();
    Ok(Computed {
        quarter: q,
        lines,
        notes: ReportNotes::new(policy.excellent_ratio),
        inputs: (roster, scores, events, history),
    })
}
