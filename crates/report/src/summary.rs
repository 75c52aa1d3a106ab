//! Aggregations of a quarter's settlement lines, computed from the lines alone: totals per town
//! and grade, and the use of the excellence quota (Art.10) per quota group. Pure functions; the
//! HTML and xlsx reports use them, and the command line prints a settle summary from them.

use std::collections::BTreeMap;

use kaohe_domain::{
    CadreId, Decimal, Flag, Grade, LedgerEntry, Money, PaidSplit, Points, Policy, Quarter,
    QuotaScope, Sequence, SettlementLine, TownCode,
};

/// Counts and money of a set of lines (a town, or the whole county).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Cadres (lines).
    pub cadres: u32,
    /// Cadres graded excellent (优秀).
    pub excellent: u32,
    /// Cadres graded qualified (合格).
    pub qualified: u32,
    /// Cadres graded unqualified (不合格).
    pub unqualified: u32,
    /// Cadres flagged for an admonishment talk (诫勉谈话, Art.11).
    pub admonish: u32,
    /// Cadres flagged for dismissal review (免职审查, Art.11).
    pub dismissal_review: u32,
    /// Cadres recommended first (优先推荐, Art.11).
    pub recommend: u32,
    /// Σ standard (T).
    pub standard: Money,
    /// Σ base paid.
    pub base_paid: Money,
    /// Σ performance standard (P).
    pub performance_standard: Money,
    /// Σ adjustment (signed).
    pub adjustment: Money,
    /// Σ performance paid.
    pub performance_paid: Money,
    /// Σ total paid.
    pub total_paid: Money,
    /// Of the Art.11 money, what the monthly payroll paid and what the settlement pays (zero
    /// unless the summary was given the ledger: [`Summary::with_notes`]).
    pub paid: PaidSplit,
}

impl Totals {
    /// Adds one line.
    pub fn add(&mut self, l: &SettlementLine) {
        self.cadres += 1;
        match l.grade {
            Grade::Excellent => self.excellent += 1,
            Grade::Qualified => self.qualified += 1,
            Grade::Unqualified => self.unqualified += 1,
        }
        self.admonish += u32::from(l.flags.contains(Flag::Admonish));
        self.dismissal_review += u32::from(l.flags.contains(Flag::DismissalReview));
        self.recommend += u32::from(l.flags.contains(Flag::Recommend));
        self.standard += l.standard;
        self.base_paid += l.base_paid;
        self.performance_standard += l.performance_standard;
        self.adjustment += l.adjustment;
        self.performance_paid += l.performance_paid;
        self.total_paid += l.total_paid;
    }

    /// The number of cadres with `grade`.
    pub fn count(&self, grade: Grade) -> u32 {
        match grade {
            Grade::Excellent => self.excellent,
            Grade::Qualified => self.qualified,
            Grade::Unqualified => self.unqualified,
        }
    }
}

/// The excellence quota of one quota group (Art.10, docs/rules.md Art.10) and how much of it was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaUse {
    /// The quarter.
    pub quarter: Quarter,
    /// The town, or `None` when the quota is counted county-wide (`quota_scope = "county"`).
    pub town: Option<TownCode>,
    /// The sequence (序列).
    pub sequence: Sequence,
    /// Cadres of the group assessed in the quarter, as the lines report it.
    pub group_size: u32,
    /// floor(group_size × excellent_ratio), as the lines report it.
    pub quota: u32,
    /// Cadres of the group graded excellent.
    pub excellent: u32,
}

/// Everything the people's reports show above the full table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The quarters of the lines, ascending (normally one).
    pub quarters: Vec<Quarter>,
    /// Totals per town, by town code (UTF-8 byte order).
    pub towns: Vec<(TownCode, Totals)>,
    /// Totals of all lines.
    pub county: Totals,
    /// Where the quota was counted, as read from the lines ([`infer_quota_scope`]).
    pub quota_scope: QuotaScope,
    /// Quota use per group, by quarter, town, then sequence.
    pub groups: Vec<QuotaUse>,
}

impl Summary {
    /// The summary of `lines` with the Art.11 split of `notes` in its totals.
    pub fn with_notes(lines: &[SettlementLine], notes: &ReportNotes) -> Summary {
        let mut s = Summary::of(lines);
        let mut by_town: BTreeMap<&str, PaidSplit> = BTreeMap::new();
        for l in lines {
            let split = notes.paid_of(l);
            let town = by_town.entry(l.town.as_str()).or_default();
            town.monthly += split.monthly;
            town.by_settlement += split.by_settlement;
            s.county.paid.monthly += split.monthly;
            s.county.paid.by_settlement += split.by_settlement;
        }
        for (code, t) in &mut s.towns {
            t.paid = by_town.get(code.as_str()).copied().unwrap_or_default();
        }
        s
    }

    /// The summary of `lines`.
    pub fn of(lines: &[SettlementLine]) -> Summary {
        let mut towns: BTreeMap<&str, (TownCode, Totals)> = BTreeMap::new();
        let mut county = Totals::default();
        let mut quarters: Vec<Quarter> = Vec::new();
        for l in lines {
            towns
                .entry(l.town.as_str())
                .or_insert_with(|| (l.town.clone(), Totals::default()))
                .1
                .add(l);
            county.add(l);
            if !quarters.contains(&l.quarter) {
                quarters.push(l.quarter);
            }
        }
        quarters.sort();
        let quota_scope = infer_quota_scope(lines);
        Summary {
            quarters,
            towns: towns.into_values().collect(),
            county,
            quota_scope,
            groups: quota_use(lines, quota_scope),
        }
    }
}

/// What a page for people states beside the lines that the lines do not hold: the policy's
/// figures (Art.10's ratio is the policy's, never a constant) and, for a settled quarter, how
/// its Art.11 money was paid — already monthly by payroll, or by the settlement — per cadre.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportNotes {
    /// Art.10: the share of a quota group that may be graded excellent, as the policy in force
    /// for the quarter sets it.
    pub excellent_ratio: Decimal,
    /// Art.11's split per (quarter, cadre); empty when the ledger is not known (the split is
    /// then not shown).
    pub paid: BTreeMap<(Quarter, CadreId), PaidSplit>,
    /// Art.10's thresholds, drawn as lines over the distribution of totals: the lowest total
    /// that qualifies and the lowest that may be excellent (default: the regulation's 60 and
    /// 90, [`Policy::default`]).
    pub qualified_min_score: Points,
    /// See [`ReportNotes::qualified_min_score`].
    pub excellent_min_score: Points,
}

impl ReportNotes {
    /// Notes stating `excellent_ratio`, without the ledger.
    pub fn new(excellent_ratio: Decimal) -> ReportNotes {
        let regulation = Policy::default();
        ReportNotes {
            excellent_ratio,
            paid: BTreeMap::new(),
            qualified_min_score: regulation.qualified_min_score,
            excellent_min_score: regulation.excellent_min_score,
        }
    }

    /// The notes with the Art.10 thresholds of the policy in force.
    pub fn with_thresholds(mut self, policy: &Policy) -> ReportNotes {
        self.qualified_min_score = policy.qualified_min_score;
        self.excellent_min_score = policy.excellent_min_score;
        self
    }

    /// The notes with the Art.11 split of `ledger` (the quarter's entries, every revision).
    pub fn with_ledger(mut self, ledger: &[LedgerEntry]) -> ReportNotes {
        for e in ledger {
            self.paid
                .entry((e.quarter, e.cadre_id.clone()))
                .or_default()
                .add(e);
        }
        self
    }

    /// Whether the split of the money is known (a settled quarter's ledger was given).
    pub fn shows_paid(&self) -> bool {
        !self.paid.is_empty()
    }

    /// The split of line `l`'s money (zero when unknown).
    pub fn paid_of(&self, l: &SettlementLine) -> PaidSplit {
        self.paid
            .get(&(l.quarter, l.cadre_id.clone()))
            .copied()
            .unwrap_or_default()
    }

    /// Art.10's ratio as a percentage for people, e.g. `20%` or `15.5%`.
    pub fn excellent_percent(&self) -> String {
        format!(
            "{}%",
            (self.excellent_ratio * Decimal::ONE_HUNDRED).normalize()
        )
    }
}

/// Quota use per group, with groups keyed by (quarter, town, sequence) under
/// [`QuotaScope::Town`] and by (quarter, sequence) under [`QuotaScope::County`].
pub fn quota_use(lines: &[SettlementLine], scope: QuotaScope) -> Vec<QuotaUse> {
    let mut groups: BTreeMap<(Quarter, &str, &str), QuotaUse> = BTreeMap::new();
    for l in lines {
        let town = match scope {
            QuotaScope::Town => Some(&l.town),
            QuotaScope::County => None,
        };
        let key = (
            l.quarter,
            town.map_or("", |t| t.as_str()),
            l.sequence.as_str(),
        );
        let g = groups.entry(key).or_insert_with(|| QuotaUse {
            quarter: l.quarter,
            town: town.cloned(),
            sequence: l.sequence.clone(),
            group_size: l.group_size,
            quota: l.quota,
            excellent: 0,
        });
        g.excellent += u32::from(l.grade == Grade::Excellent);
    }
    groups.into_values().collect()
}

/// Where the quota was counted, read from the lines: `Town` when every (quarter, town,
/// sequence) group has as many lines as its `group_size`; otherwise `County` when every
/// (quarter, sequence) does. The lines do not name the policy's `quota_scope`, but on a whole
/// quarter this reading is exact: the two can only both fit when each sequence lives in one
/// town, and then the groups are the same. For a part of a quarter that fits neither, `Town`.
pub fn infer_quota_scope(lines: &[SettlementLine]) -> QuotaScope {
    let fits = |scope: QuotaScope| {
        let mut counts: BTreeMap<(Quarter, &str, &str), (u32, u32)> = BTreeMap::new();
        for l in lines {
            let town = match scope {
                QuotaScope::Town => l.town.as_str(),
                QuotaScope::County => "",
            };
            let e = counts
                .entry((l.quarter, town, l.sequence.as_str()))
                .or_insert((0, l.group_size));
            e.0 += 1;
            if e.1 != l.group_size {
                e.1 = u32::MAX;
            }
        }
        counts.values().all(|(n, size)| n == size)
    };
    if fits(QuotaScope::Town) || !fits(QuotaScope::County) {
        QuotaScope::Town
    } else {
        QuotaScope::County
    }
}

/// The lines in the order of the list for public notice (公示): by town, then grade (优秀
/// first), village, sequence and rank. The html and xlsx reports both print it.
pub fn in_notice_order(lines: &[SettlementLine]) -> Vec<&SettlementLine> {
    let mut v: Vec<&SettlementLine> = lines.iter().collect();
    v.sort_by_key(|l| {
        (
            l.town.as_str(),
            l.grade,
            l.village.as_str(),
            l.sequence.as_str(),
            l.rank,
        )
    });
    v
}

/// The lines in the order of docs/reference.md, settlement report: by town, then sequence (both by UTF-8 bytes), then
/// rank (then quarter and cadre id, so that the order is total). Every report writer uses it.
pub fn in_report_order(lines: &[SettlementLine]) -> Vec<&SettlementLine> {
    let by_key = |a: &&SettlementLine, b: &&SettlementLine| report_key(a).cmp(&report_key(b));
    let mut v: Vec<&SettlementLine> = lines.iter().collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || v.len() < PARALLEL_SORT_MIN {
        v.sort_by(by_key);
        return v;
    }
    // A national report is two million lines: each half is sorted on its own thread, then
    // the halves are merged, the first half's line first among equals — the order a stable
    // sort of the whole gives.
    let (a, b) = v.split_at_mut(lines.len() / 2);
    std::thread::scope(|s| {
        s.spawn(|| b.sort_by(by_key));
        a.sort_by(by_key);
    });
    let (a, b) = v.split_at(lines.len() / 2);
    let mut out = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if by_key(&b[j], &a[i]).is_lt() {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// What the report order sorts by: town, sequence, rank, then quarter and cadre id.
pub(crate) fn report_key(l: &SettlementLine) -> (&str, &str, u32, Quarter, &str) {
    (
        l.town.as_str(),
        l.sequence.as_str(),
        l.rank,
        l.quarter,
        l.cadre_id.as_str(),
    )
}

/// Reports with fewer lines than this are sorted on one thread.
const PARALLEL_SORT_MIN: usize = 100_000;
