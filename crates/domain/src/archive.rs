//! What the two archives of Art.15 keep beside the appraisals: daily supervision findings
//! (Art.14), yearly health check-ups (the health archive) and the earlier versions of a
//! cadre's roster row (the work archive's history).

use std::fmt;

use crate::{Cadre, CadreId, Date, Difference, Quarter, Subject};

crate::ids::id_type!(InspectionId, "inspection id (`inspection_id`)");

/// The four areas of daily work that Art.14 names for supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// 档案资料整理: keeping the poverty-alleviation records and files.
    Archives,
    /// 脱贫政策掌握: knowing the policies.
    Policy,
    /// 扶贫措施推进: carrying the measures forward.
    Measures,
    /// 产业规划实施: carrying out the industry plans.
    Industry,
}

impl Area {
    /// Every area, in the order Art.14 names them.
    pub const ALL: [Area; 4] = [Area::Archives, Area::Policy, Area::Measures, Area::Industry];

    /// The machine name of `inspections.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Archives => "archives",
            Area::Policy => "policy",
            Area::Measures => "measures",
            Area::Industry => "industry",
        }
    }

    /// The Chinese name, as Art.14 words it.
    pub fn zh(self) -> &'static str {
        match self {
            Area::Archives => "档案资料整理",
            Area::Policy => "脱贫政策掌握",
            Area::Measures => "扶贫措施推进",
            Area::Industry => "产业规划实施",
        }
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a supervision visit found (Art.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// 好.
    Good,
    /// 一般.
    Fair,
    /// 差.
    Poor,
}

impl Finding {
    /// Every finding, best first.
    pub const ALL: [Finding; 3] = [Finding::Good, Finding::Fair, Finding::Poor];

    /// The machine name of `inspections.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::Good => "good",
            Finding::Fair => "fair",
            Finding::Poor => "poor",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Finding::Good => "好",
            Finding::Fair => "一般",
            Finding::Poor => "差",
        }
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<Finding> {
        Finding::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dated supervision finding on a village or a cadre (Art.14), as `inspections.csv` gives
/// it. It changes no score by itself: the town scores the card using it, and `explain` and the
/// work archive show it as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inspection {
    /// Unique id; the same id again with the same content is a no-op.
    pub id: InspectionId,
    /// The day of the visit; decides its quarter.
    pub date: Date,
    /// A village code or a cadre id.
    pub subject: Subject,
    /// Which of Art.14's four areas.
    pub area: Area,
    /// Good, fair or poor.
    pub finding: Finding,
    /// Free text.
    pub note: String,
}

impl Inspection {
    /// The quarter it is evidence for.
    pub fn quarter(&self) -> Quarter {
        Quarter::of(self.date)
    }

    /// What differs between this supervision record (known first) and `new`, given under the
    /// same id (Art.14: a record is never replaced), field by field; empty when the same.
    pub fn differences(&self, new: &Inspection) -> Vec<Difference> {
        Difference::between([
            ("date", self.date.to_string(), new.date.to_string()),
            ("subject", self.subject.to_string(), new.subject.to_string()),
            ("area", self.area.to_string(), new.area.to_string()),
            ("finding", self.finding.to_string(), new.finding.to_string()),
            ("note", self.note.clone(), new.note.clone()),
        ])
    }
}

/// One yearly check-up of a cadre (the health archive, Art.15), as `health.csv` gives it; keyed
/// by (cadre, date). Personal health data: shown only when explicitly asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HealthRecord {
    /// The cadre examined.
    pub cadre_id: CadreId,
    /// The day of the check-up.
    pub date: Date,
    /// Where it was made.
    pub institution: String,
    /// The doctor's conclusion.
    pub conclusion: String,
    /// Free text.
    pub note: String,
}

/// An earlier version of a cadre's roster row (the work archive keeps every one, Art.15): the
/// row as it stood until a later import replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterVersion {
    /// The row as it was.
    pub cadre: Cadre,
    /// When the import that replaced it ran, seconds since the Unix epoch (UTC).
    pub replaced_at_unix: i64,
    /// The file that import read, as given on its command line (empty when unknown).
    pub replaced_by_file: String,
}
