use std::fmt;

use kaohe_domain::{
    CadreId, EventId, EventKind, ItemId, Level, Points, Quarter, Scope, Subject, TownCode,
    VillageCode,
};
use thiserror::Error;

/// One thing wrong with the input of a quarter. Every message names the rule it breaks and
/// the input it is about (subject, item, event id), so that a person can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Problem {
    /// A cadre id appears twice in the roster.
    #[error("cadre `{cadre}` appears twice in the roster (cadre_id is unique)")]
    DuplicateCadre {
        /// The cadre id.
        cadre: CadreId,
    },
    /// A village is listed under more than one town.
    #[error(
        "Art.4: village `{village}` appears under towns {} (a village belongs to one town)",
        towns.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
    )]
    VillageInTwoTowns {
        /// The village.
        village: VillageCode,
        /// Every town it appears under, by byte order.
        towns: Vec<TownCode>,
    },
    /// A score names an item that is not in the policy's scorecard.
    #[error(
        "Art.7: score of `{subject}` names item `{item}`, which is not in the policy's scorecard"
    )]
    UnknownItem {
        /// The score's subject.
        subject: Subject,
        /// The item it names.
        item: ItemId,
    },
    /// A score's subject is no village (village item) or cadre (cadre item) of the roster.
    #[error(
        "Art.7: score of item `{item}` (a {} item) names `{subject}`, which is no {} of the roster",
        scope.as_str(), scope.as_str()
    )]
    UnknownScoreSubject {
        /// The subject given.
        subject: Subject,
        /// The item.
        item: ItemId,
        /// The item's scope.
        scope: Scope,
    },
    /// Points below 0 or above the item's maximum.
    #[error("Art.7: score of `{subject}` for item `{item}` is {points}, outside 0–{max}")]
    PointsOutOfRange {
        /// The subject.
        subject: Subject,
        /// The item.
        item: ItemId,
        /// The points given.
        points: Points,
        /// The item's maximum.
        max: Points,
    },
    /// The same (subject, item) is scored twice in the quarter.
    #[error("Art.7: item `{item}` of `{subject}` is scored twice")]
    DuplicateScore {
        /// The subject.
        subject: Subject,
        /// The item.
        item: ItemId,
    },
    /// An item of an assessed cadre (or of the village of one) has no score.
    #[error(
        "Art.7: no score for item `{item}` of {} `{subject}` (every item must be \
         scored; ask for missing scores to count as 0 to settle anyway)",
        scope.as_str()
    )]
    MissingScore {
        /// The village or cadre.
        subject: Subject,
        /// The item.
        item: ItemId,
        /// The item's scope.
        scope: Scope,
    },
    /// An event of a kind the policy's event table does not have.
    #[error("Art.8: event `{event}` has kind `{kind}`, which is not in the policy's event table")]
    UnknownEventKind {
        /// The event id.
        event: EventId,
        /// The kind given.
        kind: EventKind,
    },
    /// An event's level does not fit its kind.
    #[error(
        "Art.8: event `{event}` of kind `{kind}` has level `{}`, which does not fit the kind \
         (it takes {})",
        level.map_or("(none)", Level::as_str), LevelsDisplay(expected)
    )]
    LevelMismatch {
        /// The event id.
        event: EventId,
        /// The kind.
        kind: EventKind,
        /// The level given.
        level: Option<Level>,
        /// The levels the kind takes; empty for a kind without levels.
        expected: Vec<Level>,
    },
    /// An event's subject is no village (village kind) or cadre (cadre kind) of the roster.
    #[error(
        "Art.8: event `{event}` of kind `{kind}` (a {} event) names `{subject}`, which is no {} \
         of the roster",
        scope.as_str(), scope.as_str()
    )]
    UnknownEventSubject {
        /// The event id.
        event: EventId,
        /// The kind.
        kind: EventKind,
        /// The subject given.
        subject: Subject,
        /// The kind's scope.
        scope: Scope,
    },
    /// Two events of the quarter share an id.
    #[error("Art.8: event id `{event}` is given twice")]
    DuplicateEvent {
        /// The event id.
        event: EventId,
    },
}

struct LevelsDisplay<'a>(&'a [Level]);

impl fmt::Display for LevelsDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("no level");
        }
        for (i, l) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(l.as_str())?;
        }
        Ok(())
    }
}

impl Problem {
    /// A key that orders problems the same way whatever the order of the input: by kind, then
    /// the subject or event, then the item or kind.
    pub fn sort_key(&self) -> (u8, &str, &str) {
        match self {
            Problem::DuplicateCadre { cadre } => (0, cadre.as_str(), ""),
            Problem::VillageInTwoTowns { village, .. } => (1, village.as_str(), ""),
            Problem::UnknownItem { subject, item } => (2, subject.as_str(), item.as_str()),
            Problem::UnknownScoreSubject { subject, item, .. } => {
                (3, subject.as_str(), item.as_str())
            }
            Problem::PointsOutOfRange { subject, item, .. } => (4, subject.as_str(), item.as_str()),
            Problem::DuplicateScore { subject, item } => (5, subject.as_str(), item.as_str()),
            Problem::MissingScore { subject, item, .. } => (6, subject.as_str(), item.as_str()),
            Problem::DuplicateEvent { event } => (7, event.as_str(), ""),
            Problem::UnknownEventKind { event, kind } => (8, event.as_str(), kind.as_str()),
            Problem::LevelMismatch { event, kind, .. } => (9, event.as_str(), kind.as_str()),
            Problem::UnknownEventSubject { event, kind, .. } => (10, event.as_str(), kind.as_str()),
        }
    }
}

/// Every problem found in the input of one quarter, in a fixed order (see
/// [`Problem::sort_key`]). Nothing is computed when there is any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The quarter being computed.
    pub quarter: Quarter,
    /// The problems, sorted; never empty.
    pub problems: Vec<Problem>,
}

impl Problems {
    /// Sorts `problems` into their fixed order and wraps them; `None` when there is none.
    pub fn new(quarter: Quarter, mut problems: Vec<Problem>) -> Option<Problems> {
        if problems.is_empty() {
            return None;
        }
        problems.sort_by(|a, b| {
            a.sort_key()
                .cmp(&b.sort_key())
                .then_with(|| a.to_string().cmp(&b.to_string()))
        });
        problems.dedup();
        Some(Problems { quarter, problems })
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{n} problem{} in the input of {}:",
            if n == 1 { "" } else { "s" },
            self.quarter
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Why a quarter could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ScoringError {
    /// The roster, scores or events have problems; every one is listed.
    #[error(transparent)]
    Input(#[from] Problems),
    /// The scores were given as a [`kaohe_domain::ScoreGrid`] that does not fit the quarter,
    /// the roster or the policy's rubric (Art.7): a caller's mistake, not the county's.
    #[error(
        "Art.7: the scores given are a grid of {grid} for {got_quarter}, but {quarter} with this \
         roster and policy needs {expected}"
    )]
    GridMismatch {
        /// The quarter computed.
        quarter: Quarter,
        /// The grid's quarter.
        got_quarter: Quarter,
        /// The grid's shape (villages × items, cadres × items).
        grid: String,
        /// The shape the roster and the policy give.
        expected: String,
    },
}
