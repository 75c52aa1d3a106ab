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

/// A bonus or deduction event (Art.8), as `events.csv` gives it (docs/rules.md Art.8; docs/guide.md, file formats).
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
    /// The quarter the event counts in (docs/rules.md Art.8).
    pub fn quarter(&self) -> Quarter {
        Quarter::of(self.date)
    }

    /// What differs between this event (known first: stored, or on an earlier line) and
    /// `new`, given under the same id, field by field; empty when they are the same event (then
    /// importing it again is a no-op; otherwise the import is refused, naming what differs).
    /// Every reader and store words its message from these.
    pub fn differences(&self, new: &Event) -> Vec<Difference> {
        let level = |l: Option<Level>| l.map_or(String::new(), |l| l.as_str().to_owned());
        Difference::between([
            ("date", self.date.to_string(), new.date.to_string()),
            ("subject", self.subject.to_string(), new.subject.to_string()),
            ("kind", self.kind.to_string(), new.kind.to_string()),
            ("level", level(self.level), level(new.level)),
            ("note", self.note.clone(), new.note.clone()),
        ])
    }
}

/// One field in which two records given under one id differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The field (a column name of the import file).
    pub field: &'static str,
    /// Its value in the record known first.
    pub old: String,
    /// Its value in the record given again.
    pub new: String,
}

impl Difference {
    /// The fields whose two values (known first, given again) differ, in the order given: the
    /// one comparison behind every record kind's `differences`.
    pub fn between<const N: usize>(fields: [(&'static str, String, String); N]) -> Vec<Difference> {
        fields
            .into_iter()
            .filter(|(_, old, new)| old != new)
            .map(|(field, old, new)| Difference { field, old, new })
            .collect()
    }
}

impl fmt::Display for Difference {
    /// `date `2026-07-02` → `2026-07-03``, control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}` → `{}`",
            self.field,
            self.old.escape_debug(),
            self.new.escape_debug()
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Date;

    #[test]
    fn differences_name_each_changed_field() {
        let old = Event {
            id: EventId::parse("E1").unwrap(),
            date: Date::parse("2026-07-02").unwrap(),
            subject: Subject::parse("V1").unwrap(),
            kind: EventKind::parse("inspection_praise").unwrap(),
            level: Some(Level::County),
            note: "原文".into(),
        };
        assert!(old.differences(&old.clone()).is_empty());
        let mut new = old.clone();
        new.date = Date::parse("2026-07-03").unwrap();
        new.level = None;
        new.note = "a\tb".into();
        let shown: Vec<String> = old
            .differences(&new)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "date `2026-07-02` → `2026-07-03`",
                "level `county` → ``",
                "note `原文` → `a\\tb`",
            ]
        );
    }
}
