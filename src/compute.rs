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
