//! What a settled quarter is: one line per assessed cadre (docs/reference.md, settlement report) and the ledger of
//! payment entries (docs/reference.md, ledger). The engine makes them; stores keep them; reports print them.

use std::fmt;

use crate::{
    CadreId, Flags, Grade, Money, Month, Points, Quarter, Sequence, TownCode, VillageCode,
};

/// One row of the settlement report (docs/reference.md, settlement report): a cadre's scores, grade and money for a
/// quarter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettlementLine {
    /// The quarter settled.
    pub quarter: Quarter,
    /// The cadre.
    pub cadre_id: CadreId,
    /// The cadre's name.
    pub name: String,
    /// Town (镇).
    pub town: TownCode,
    /// Village (村).
    pub village: VillageCode,
    /// Sequence (序列), the quota group label.
    pub sequence: Sequence,
    /// Art.7: the sum of the cadre's item points.
    pub base_score: Points,
    /// Art.8: the sum of positive event points.
    pub bonus: Points,
    /// Art.8: the sum of the absolute values of negative event points.
    pub deduction: Points,
    /// Art.9: base_score + bonus − deduction, no cap, no floor.
    pub total: Points,
    /// Art.10: 1-based, unique within the quota group.
    pub rank: u32,
    /// Art.10: cadres of the quota group assessed in the quarter.
    pub group_size: u32,
    /// Art.10: floor(group_size × excellent_ratio).
    pub quota: u32,
    /// Art.10: the grade.
    pub grade: Grade,
    /// Art.11: T, the quarter's subsidy standard.
    pub standard: Money,
    /// Art.11: Σ base_m, the base paid monthly.
    pub base_paid: Money,
    /// Art.11: P = T − Σ base_m.
    pub performance_standard: Money,
    /// Art.11: + bonus for excellent, − deduction for unqualified, 0 otherwise.
    pub adjustment: Money,
    /// Art.11: P + adjustment.
    pub performance_paid: Money,
    /// Art.11: base_paid + performance_paid.
    pub total_paid: Money,
    /// Art.11: admonish, dismissal_review, recommend.
    pub flags: Flags,
}

/// The kind of a ledger entry (docs/reference.md, ledger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// Art.11: the monthly base subsidy, one per month.
    Base,
    /// Art.11: the performance subsidy standard P.
    Performance,
    /// Art.11: the excellent grade's extra share of P.
    ExcellentBonus,
    /// Art.11: the unqualified grade's loss of a share of P (negative).
    UnqualifiedDeduction,
    /// Art.12: a one-time reward for completing the tasks on time.
    CompletionAward,
    /// Art.13: a yearly commendation reward.
    CommendationAward,
    /// Art.16: a condolence payment.
    Condolence,
}

impl EntryKind {
    /// Every kind.
    pub const ALL: [EntryKind; 7] = [
        EntryKind::Base,
        EntryKind::Performance,
        EntryKind::ExcellentBonus,
        EntryKind::UnqualifiedDeduction,
        EntryKind::CompletionAward,
        EntryKind::CommendationAward,
        EntryKind::Condolence,
    ];

    /// The machine name of docs/reference.md, ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Base => "base",
            EntryKind::Performance => "performance",
            EntryKind::ExcellentBonus => "excellent_bonus",
            EntryKind::UnqualifiedDeduction => "unqualified_deduction",
            EntryKind::CompletionAward => "completion_award",
            EntryKind::CommendationAward => "commendation_award",
            EntryKind::Condolence => "condolence",
        }
    }

    /// The Chinese name used in reports for people.
    pub fn zh(self) -> &'static str {
        match self {
            EntryKind::Base => "基础补贴",
            EntryKind::Performance => "绩效补贴",
            EntryKind::ExcellentBonus => "优秀加发",
            EntryKind::UnqualifiedDeduction => "不合格扣除",
            EntryKind::CompletionAward => "一次性奖励",
            EntryKind::CommendationAward => "表彰奖励",
            EntryKind::Condolence => "抚恤金",
        }
    }

    /// The article the kind comes from, as written in the ledger (`Art.11`).
    pub fn article(self) -> &'static str {
        match self {
            EntryKind::Base
            | EntryKind::Performance
            | EntryKind::ExcellentBonus
            | EntryKind::UnqualifiedDeduction => "Art.11",
            EntryKind::CompletionAward => "Art.12",
            EntryKind::CommendationAward => "Art.13",
            EntryKind::Condolence => "Art.16",
        }
    }

    /// Whether the kind is one of the four a quarter's settlement writes.
    pub fn is_settlement(self) -> bool {
        matches!(
            self,
            EntryKind::Base
                | EntryKind::Performance
                | EntryKind::ExcellentBonus
                | EntryKind::UnqualifiedDeduction
        )
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for EntryKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One immutable payment entry of the ledger (docs/reference.md, ledger). Entries are only ever appended: a
/// revision adds correcting entries (new amount − old amount) and never edits old ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The quarter the payment belongs to.
    pub quarter: Quarter,
    /// The settlement revision that wrote it, from 1; 0 for an entry written outside a
    /// settlement (monthly payroll, awards, condolences, withdrawals).
    pub revision: u32,
    /// Unique within the quarter, from 1, across revisions.
    pub entry: u32,
    /// The payee: a cadre id, or a village code for a village collective's award (Art.12).
    pub cadre_id: CadreId,
    /// What the payment is.
    pub kind: EntryKind,
    /// The month: for `base` entries, and for awards and condolences the month of their date.
    pub month: Option<Month>,
    /// Signed amount in yuan.
    pub amount: Money,
}

impl LedgerEntry {
    /// The article the payment comes from, e.g. `Art.11`: its kind's (Art.11, 12, 13, 16),
    /// derived, never stored beside it.
    pub fn article(&self) -> &'static str {
        self.kind.article()
    }
}

/// A ledger entry as written out (docs/reference.md, ledger): its fields, and its article.
#[derive(serde::Serialize)]
struct EntryOut<'a> {
    quarter: Quarter,
    revision: u32,
    entry: u32,
    cadre_id: &'a CadreId,
    kind: EntryKind,
    #[serde(serialize_with = "ser_month")]
    month: Option<Month>,
    amount: Money,
    article: &'static str,
}

impl serde::Serialize for LedgerEntry {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntryOut {
            quarter: self.quarter,
            revision: self.revision,
            entry: self.entry,
            cadre_id: &self.cadre_id,
            kind: self.kind,
            month: self.month,
            amount: self.amount,
            article: self.article(),
        }
        .serialize(s)
    }
}

/// The machine names of a [`SettlementLine`]'s fields: the columns of the settlement report
/// (docs/reference.md), in this order: the one list that the report's writers and its
/// readers both take from here.
pub const REPORT_COLUMNS: [&str; 21] = [
    "quarter",
    "cadre_id",
    "name",
    "town",
    "village",
    "sequence",
    "base_score",
    "bonus",
    "deduction",
    "total",
    "rank",
    "group_size",
    "quota",
    "grade",
    "standard",
    "base_paid",
    "performance_standard",
    "adjustment",
    "performance_paid",
    "total_paid",
    "flags",
];

/// The machine names of a [`LedgerEntry`]'s fields: the columns of the ledger
/// (docs/reference.md), in this order.
pub const LEDGER_COLUMNS: [&str; 8] = [
    "quarter", "revision", "entry", "cadre_id", "kind", "month", "amount", "article",
];

impl LedgerEntry {
    /// The calendar year the payment counts in (the archive's 年度合计, Art.15): the year of
    /// its month when it has one, else of its quarter.
    pub fn year(&self) -> u16 {
        self.month.map_or(self.quarter, Month::quarter).year()
    }
}

fn ser_month<S: serde::Serializer>(m: &Option<Month>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.collect_str(m),
        None => s.serialize_str(""),
    }
}

/// Art.11 pays the base monthly (基础补贴按月发放): of a quarter's Art.11 money, what the
/// monthly payroll paid before the settlement and what the settlement pays. Pages for people
/// show the two apart so that no one pays the base twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaidSplit {
    /// The net sum of the `base` entries written outside a settlement (revision 0: payroll).
    pub monthly: Money,
    /// The net sum of the Art.11 entries written by the quarter's settlement revisions.
    pub by_settlement: Money,
}

impl PaidSplit {
    /// Counts one ledger entry: a revision-0 `base` entry was paid monthly, an Art.11 entry of
    /// a settlement revision was paid by the settlement; awards and condolences are neither.
    pub fn add(&mut self, e: &LedgerEntry) {
        if e.revision == 0 && e.kind == EntryKind::Base {
            self.monthly += e.amount;
        } else if e.revision > 0 && e.kind.is_settlement() {
            self.by_settlement += e.amount;
        }
    }

    /// The split of `entries`.
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a LedgerEntry>) -> PaidSplit {
        let mut split = PaidSplit::default();
        for e in entries {
            split.add(e);
        }
        split
    }

    /// What both paid: for a quarter's latest revision, its `total_paid`.
    pub fn total(&self) -> Money {
        self.monthly + self.by_settlement
    }
}

/// A cadre's grade in an earlier settled quarter: the input of the consecutive-unqualified
/// rule (Art.11, docs/rules.md Art.11).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Appraisal {
    /// The cadre.
    pub cadre_id: CadreId,
    /// The settled quarter in which the cadre was assessed.
    pub quarter: Quarter,
    /// The grade of the latest revision of that quarter.
    pub grade: Grade,
}
