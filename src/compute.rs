//! `kaohe compute`: a quarter computed from files alone, without a store (Art.7–11). The
//! report needs the lines only: no ledger is built.

use std::path::{Path, PathBuf};

use kaohe_domain::{Appraisal, Policy, Quarter, SettlementLine};
use kaohe_report::ReportNotes;
use kaohe_settlement::QuarterOutcome;

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

/// Lines built and handed over at a time by [`Computed::lines_in_parts`]: a national
/// quarter's two million lines are never held at once.
const LINES_PART: usize = 1 << 16;

/// A computed quarter: its lines in report order, built part by part on demand, and what the
/// pages for people state beside them (the Art.10 ratio).
#[derive(Debug)]
pub struct Computed<'o, 'a> {
    /// The quarter.
    pub quarter: Quarter,
    /// The notes of the report.
    pub notes: ReportNotes,
    outcome: &'o QuarterOutcome<'a>,
}

impl Computed<'_, '_> {
    /// The number of lines (one per assessed cadre).
    pub fn line_count(&self) -> usize {
        self.outcome.line_count()
    }

    /// Builds the lines in report order a part at a time and hands each part to `f`; stops
    /// at `f`'s first error.
    pub fn lines_in_parts<E>(
        &self,
        f: impl FnMut(&[SettlementLine]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.outcome.lines_in_parts(LINES_PART, f)
    }

    /// Every line, in report order.
    pub fn lines(&self) -> Vec<SettlementLine> {
        let mut lines = Vec::with_capacity(self.line_count());
        let _ = self.lines_in_parts(|part| {
            lines.extend_from_slice(part);
            Ok::<(), std::convert::Infallible>(())
        });
        lines
    }
}

/// Reads the files, each checked (Art.7–9; a file with problems is refused, every problem
/// located), computes the quarter (Art.7–11) and calls `write` with it, whose lines are
/// built while it writes them. Errors are invalid input (exit 2).
pub fn compute_from_files<T>(
    files: &ComputeFiles<'_>,
    write: impl FnOnce(&Computed<'_, '_>) -> T,
) -> Result<T, AppError> {
    let q = files.quarter;
    let policy = match files.policy {
        Some(p) => crate::files::read_policy_file(p)?.0,
        None => Policy::default(),
    };
    let roster = kaohe_io::read_roster(files.roster)?;
    // The roster is numbered once, for the readers and the engine.
    let index = kaohe_domain::RosterIndex::new(&roster);
    let ctx = kaohe_io::Context::over(&index, |_| Some(&policy));
    // The quarter's scores in their compact grid: no score row is held as a record.
    let scores = kaohe_io::read_scores_grid(files.scores, &ctx, q)?;
    let events = kaohe_io::read_events(files.events, &ctx)?;
    drop(ctx);
    let mut history: Vec<Appraisal> = Vec::new();
    for p in files.previous {
        history.extend(kaohe_io::appraisals(&kaohe_io::read_report(p)?));
    }
    let outcome = kaohe_settlement::compute_without_lines(&kaohe_settlement::QuarterInput {
        quarter: q,
        policy: &policy,
        roster: &roster,
        roster_index: Some(&index),
        scores: (&scores).into(),
        events: &events,
        history: &history,
        missing_as_zero: false,
    })
    .map_err(|e| AppError::Invalid(format!("{q} cannot be computed: {e}")))?;
    let written = write(&Computed {
        quarter: q,
        notes: ReportNotes::new(policy.excellent_ratio),
        outcome: &outcome,
    });
    drop(outcome);
    drop(index);
    // A national roster is millions of strings, which take a moment to free: they are freed
    // on a thread of their own, which the process does not wait for.
    std::thread::spawn(move || drop((roster, scores, events, history)));
    Ok(written)
}

#[cfg(test)]
mod tests {
    use kaohe_domain::{ItemId, Points, Policy, Quarter, Score, Subject};
    use kaohe_scoring::{Problem, Scores, ScoringError, ScoringInput, score_quarter};

    /// Art.7: the reader and the engine's rows refuse the same points, by the one check of
    /// `kaohe_domain::score_cell` (item `party.leadership`, maximum 5.00).
    #[test]
    fn reader_and_engine_refuse_the_same_points() {
        let roster = kaohe_io::read_roster_bytes(
            "roster.csv",
            "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n\
             C001,张三,T1,V1,正职,党组织书记,1500,2020-01-01,\n"
                .as_bytes(),
        )
        .unwrap();
        let policy = Policy::default();
        let q = Quarter::parse("2026Q3").unwrap();
        let ctx = kaohe_io::Context::with_policy(&roster, &policy);
        let values = (-700..=700i64)
            .step_by(7)
            .chain([-1, 0, 499, 500, 501, 100_000_000_000_000]);
        let (mut refused, mut kept) = (0, 0);
        for h in values {
            let points = Points::from_hundredths(h);
            let csv = format!("quarter,subject,item,points\n2026Q3,V1,party.leadership,{points}\n");
            let by_reader =
                kaohe_io::read_scores_bytes("scores.csv", csv.as_bytes(), &ctx).is_err();
            let rows = [Score {
                quarter: q,
                subject: Subject::parse("V1").unwrap(),
                item: ItemId::parse("party.leadership").unwrap(),
                points,
            }];
            let by_engine = match score_quarter(&ScoringInput {
                quarter: q,
                policy: &policy,
                roster: &roster,
                roster_index: None,
                scores: Scores::Rows(&rows),
                events: &[],
                missing_as_zero: true,
            }) {
                Ok(_) => false,
                Err(ScoringError::Input(p)) => p
                    .problems
                    .iter()
                    .any(|p| matches!(p, Problem::PointsOutOfRange { .. })),
                Err(e) => panic!("{e}"),
            };
            assert_eq!(by_reader, by_engine, "points {points}");
            if by_reader { refused += 1 } else { kept += 1 }
        }
        assert!(refused > 0 && kept > 0, "{refused} refused, {kept} kept");
    }
}
