use std::fmt;

use crate::{Date, EventId, EventKind, ItemId, Points, Quarter, Subject};

/// The level of the body behind an Art.8 event: 国家 / 省 / 市 / 县.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// National (国家级).
    National,
    /// Provincial (省级).
    Provincial,
    /// Municipal (市级).
    Municipal,
    /// County (县级).
    County,
}

impl Level {
    /// All levels, highest first (the order of Art.8's figures).
    pub const ALL: [Level; 4] = [
        Level::National,
        Level::Provincial,
        Level::Municipal,
        Level::County,
    ];

    /// The machine name: `national`, `provincial`, `municipal`, `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Provincial => "provincial",
            Level::Municipal => "municipal",
            Level::County => "county",
        }
    }

    /// The Chinese name: 国家级, 省级, 市级, 县级.
    pub fn zh(self) -> &'static str {
        match self {
            Level::National => "国家级",
            Level::Provincial => "省级",
            Level::Municipal => "市级",
            Level::County => "县级",
        }
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A bonus or deduction event (Art.8), as `events.csv` gives it (SPEC 3.2, 5.1).
///
/// It counts in the quarter that contains `date`, for the cadres in office on that date.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Event {
    /// Unique id; importing the same id again with the same content is a no-op.
    pub id: EventId,
    /// The day it happened; decides the quarter and who was in office.
    pub date: Date,
    /// A village code or a cadre id, by the kind's scope.
    pub subject: Subject,
    /// The kind, a key of the policy's event table.
    pub kind: EventKind,
    /// The level; `None` for a kind without levels (`media_exposure`).
    pub level: Option<Level>,
    /// Free text.
    pub note: String,
}

impl Event {
    /// The quarter the event counts in (SPEC 3.2).
    pub fn quarter(&self) -> Quarter {
        Quarter::of(self.date)
    }
}

/// One scorecard entry (Art.7): the points of one item for one subject in one quarter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Score {
    /// The quarter scored.
    pub quarter: Quarter,
    /// A village code for a village-scope item, a cadre id for a cadre-scope item.
    pub subject: Subject,
    /// The item, an id of the policy's rubric.
    pub item: ItemId,
    /// 0 ≤ points ≤ the item's maximum.
    pub points: Points,
}
