//! The appraisal policy: every number a county may tune (docs/rules.md, the default policy), the built-in default that is
//! the regulation as read here, and `policy.toml` (docs/guide.md, file formats).
//!
//! Parsed, not validated: `policy.toml` is read into a [`RawPolicy`] (serde, unknown keys
//! refused, every value with its span), and `Policy::try_from` reads its values exactly and
//! checks every rule once. A [`Policy`] cannot be invalid, so the engine takes it as it is.

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::ops::Deref;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use thiserror::Error;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::{EventKind, ItemId, Level, Points, Quarter, SectionId};

/// Who a scorecard item or an event kind is about (docs/rules.md Art.7, Art.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Scored once per village; counts for every cadre of the village assessed in the quarter.
    Village,
    /// Scored per cadre.
    Cadre,
}

impl Scope {
    /// `village` or `cadre`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Village => "village",
            Scope::Cadre => "cadre",
        }
    }
}

/// Where the excellence quota of Art.10 is counted (docs/rules.md Art.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuotaScope {
    /// Per (town, sequence): towns run the appraisal (Art.4). The default.
    Town,
    /// Per sequence across the whole county.
    County,
}

impl QuotaScope {
    /// `town` or `county`.
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaScope::Town => "town",
            QuotaScope::County => "county",
        }
    }
}

/// How candidates tied on `total` at the quota's edge are treated (docs/rules.md Art.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieBreak {
    /// Ties are decided by `rank_keys`, then `cadre_id`. The default.
    Keys,
    /// Candidates inside the quota tied on `total` with the first one left out are left out
    /// too; their slots stay empty.
    Exclude,
}

impl TieBreak {
    /// `keys` or `exclude`.
    pub fn as_str(self) -> &'static str {
        match self {
            TieBreak::Keys => "keys",
            TieBreak::Exclude => "exclude",
        }
    }
}

/// One scorecard item (Art.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Unique across the rubric, e.g. `party.organization`.
    pub id: ItemId,
    /// The most points the item can give.
    pub max: Points,
}

/// One scorecard section (Art.7's five aspects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Unique, e.g. `party`; `rank_keys` name sections by this id.
    pub id: SectionId,
    /// The name people read, e.g. 村级党组织标准化建设.
    pub name: String,
    /// The section's points; the items add up to it.
    pub max: Points,
    /// Whether its items are scored per village or per cadre.
    pub scope: Scope,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// The points of an event kind (Art.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPoints {
    /// Points by level (national / provincial / municipal / county).
    Levels(BTreeMap<Level, Points>),
    /// One figure for a kind without levels (`media_exposure`, −10).
    Flat(Points),
}

/// One row of the event table (Art.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRule {
    /// The kind, e.g. `commendation`.
    pub kind: EventKind,
    /// Whether the subject is a village or a cadre.
    pub scope: Scope,
    /// Positive for a bonus, negative for a deduction.
    pub points: EventPoints,
}

impl EventRule {
    /// The points of this kind at `level`, or `None` when the level does not fit the kind
    /// (a level for a kind without levels, or a level the table does not list).
    pub fn points_at(&self, level: Option<Level>) -> Option<Points> {
        match (&self.points, level) {
            (EventPoints::Levels(t), Some(l)) => t.get(&l).copied(),
            (EventPoints::Flat(p), None) => Some(*p),
            _ => None,
        }
    }
}
/// Everything a county may tune (docs/rules.md Art.2, 4), as plain values nobody has checked yet: what
/// code fills in before it asks for a [`Policy`] with `Policy::try_from(parts)`, the one place
/// every rule is checked. `PolicyParts::default()` is the regulation as read here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyParts {
    /// Art.10: at most this share of a quota group is excellent (≤ 0.20).
    pub excellent_ratio: Decimal,
    /// Art.10 / Art.4: the quota groups.
    pub quota_scope: QuotaScope,
    /// docs/rules.md Art.10: how ties at the quota's edge are treated.
    pub tie_break: TieBreak,
    /// docs/rules.md Art.10 / Art.3: section ids that break ties on `total`, in order.
    pub rank_keys: Vec<SectionId>,
    /// Excellent needs at least this total (common practice; not in the regulation).
    pub excellent_min_score: Points,
    /// Below this total a cadre is unqualified (common practice; not in the regulation).
    pub qualified_min_score: Points,
    /// Art.11: the share of the subsidy paid monthly as base (20%).
    pub base_share: Decimal,
    /// Art.11: excellent gets this share of the performance subsidy on top (30–50%).
    pub excellent_bonus_rate: Decimal,
    /// Art.11: unqualified loses this share of the performance subsidy (30–50%).
    pub unqualified_deduction_rate: Decimal,
    /// Art.11: this many unqualified appraisals in a row lead to dismissal review (2).
    pub consecutive_unqualified_for_dismissal: u32,
    /// Art.13: at most this share of a group is recommended for the yearly commendation
    /// (表彰 "a batch"; read here as at most 20%, capped like Art.10).
    pub commendation_ratio: Decimal,
    /// Art.7: the scorecard.
    pub sections: Vec<Section>,
    /// Art.8: the bonus and deduction table.
    pub events: Vec<EventRule>,
}

/// A policy that keeps every rule of Art.7, 8, 10, 11 and 13 (docs/guide.md, file formats): the only policy the
/// engine takes, so nothing checks it twice. It is made by `Policy::try_from` from
/// [`PolicyParts`] or from a [`RawPolicy`] (`policy.toml`, [`Policy::from_toml`]), and it is
/// read, never changed, through its parts (`policy.excellent_ratio`; it dereferences to
/// [`PolicyParts`], without `DerefMut`). [`Policy::default`] is the regulation as read here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy(PolicyParts);

impl Deref for Policy {
    type Target = PolicyParts;
    fn deref(&self) -> &PolicyParts {
        &self.0
    }
}

/// Why a policy was refused. Each message names the rule or article it breaks and, for
/// `policy.toml`, the line and column.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not TOML.
    #[error("policy.toml is not valid TOML: {0}")]
    Toml(String),
    /// A key the policy does not know.
    #[error("policy.toml line {line}, column {column}: unknown key `{key}`{}", expected_keys(.expected))]
    UnknownKey {
        /// Line, 1-based.
        line: usize,
        /// Column in characters, 1-based.
        column: usize,
        /// The dotted key.
        key: String,
        /// The keys allowed there (as serde lists them), or empty.
        expected: String,
    },
    /// A value of the wrong type or form.
    #[error("policy.toml line {line}, column {column}: `{key}` {problem}")]
    BadValue {
        /// Line, 1-based.
        line: usize,
        /// Column in characters, 1-based.
        column: usize,
        /// The dotted key.
        key: String,
        /// What is wrong.
        problem: String,
    },
    /// The policy breaks a rule of the regulation (the message names the article); `at` is
    /// where `policy.toml` gives the value at fault, when it does.
    #[error("policy rejected: {rule}{}", at_suffix(.at))]
    Rule {
        /// The article and what breaks it.
        rule: String,
        /// Line and column (1-based) in `policy.toml`, when known.
        at: Option<(usize, usize)>,
    },
    /// The text is longer than any policy needs (see [`Policy::MAX_TOML_BYTES`]).
    #[error("policy.toml is {bytes} bytes; a policy is at most {max} bytes")]
    TooLarge {
        /// The size of the text.
        bytes: usize,
        /// The limit.
        max: usize,
    },
}

fn expected_keys(expected: &str) -> String {
    if expected.is_empty() {
        String::new()
    } else {
        format!(" ({expected})")
    }
}

fn at_suffix(at: &Option<(usize, usize)>) -> String {
    match at {
        Some((line, column)) => format!(" (policy.toml line {line}, column {column})"),
        None => String::new(),
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal decimal")
}
fn p(s: &str) -> Points {
    Points::parse(s).expect("literal points")
}

impl Default for PolicyParts {
    /// The regulation as read here (docs/rules.md): the Art.7 card, the Art.8 event table and
    /// the settings of Art.10, Art.11 and Art.13.
    fn default() -> PolicyParts {
        PolicyParts {
            // Art.10: at most 20% excellent per sequence; quotas per town (Art.4: towns run
            // the appraisal); ties broken by the public's and the duty section (Art.3). The
            // 90 and 60 grade lines are not in the regulation: common practice.
            excellent_ratio: d("0.20"),
            quota_scope: QuotaScope::Town,
            tie_break: TieBreak::Keys,
            rank_keys: vec![
                SectionId::parse("public").unwrap(),
                SectionId::parse("duty").unwrap(),
            ],
            excellent_min_score: p("90"),
            qualified_min_score: p("60"),
            // Art.11: 20% base; the excellent bonus and the unqualified deduction, each in
            // Art.11's range 0.30–0.50; dismissal review after two unqualified in a row.
            base_share: d("0.20"),
            excellent_bonus_rate: d("0.40"),
            unqualified_deduction_rate: d("0.40"),
            consecutive_unqualified_for_dismissal: 2,
            // Art.13 ("a batch"): our reading, capped like Art.10.
            commendation_ratio: d("0.20"),
            sections: default_card(),
            events: default_events(),
        }
    }
}

/// Art.7: the 100-point card: its five sections, with this project's split of each section
/// into items.
fn default_card() -> Vec<Section> {
    let section = |id: &str, name: &str, max: &str, scope, items: &[(&str, &str)]| Section {
        id: SectionId::parse(id).expect("id"),
        name: name.into(),
        max: p(max),
        scope,
        items: items
            .iter()
            .map(|(i, m)| Item {
                id: ItemId::parse(i).expect("id"),
                max: p(m),
            })
            .collect(),
    };
    // Eight poverty tasks of 5 points each.
    let poverty = [
        "industry",
        "medical",
        "education",
        "employment",
        "ecology",
        "relocation",
        "social_security",
        "finance",
    ]
    .map(|n| format!("poverty.{n}"));
    let poverty: Vec<(&str, &str)> = poverty.iter().map(|n| (n.as_str(), "5")).collect();
    // Eight duties of 1.25 points each.
    let duty: Vec<(&str, &str)> = [
        "duty.attendance",
        "duty.work_log",
        "duty.leave",
        "duty.talks",
        "duty.reporting",
        "duty.commitment",
        "duty.audit",
        "duty.review",
    ]
    .iter()
    .map(|n| (*n, "1.25"))
    .collect();
    vec![
        section(
            "party",
            "村级党组织标准化建设",
            "30",
            Scope::Village,
            &[
                ("party.organization", "4"),
                ("party.leadership", "5"),
                ("party.members", "5"),
                ("party.org_life", "4"),
                ("party.operations", "4"),
                ("party.funding", "4"),
                ("party.venue", "4"),
            ],
        ),
        section(
            "poverty",
            "脱贫攻坚任务完成情况",
            "40",
            Scope::Village,
            &poverty,
        ),
        section(
            "collective",
            "发展村集体经济",
            "10",
            Scope::Village,
            &[("collective.economy", "10")],
        ),
        section("duty", "干部履职", "10", Scope::Cadre, &duty),
        section(
            "public",
            "群众评价",
            "10",
            Scope::Cadre,
            &[("public.satisfaction", "10")],
        ),
    ]
}

/// Art.8: the bonus and deduction events, points by level (national, provincial, municipal,
/// county).
fn default_events() -> Vec<EventRule> {
    let levels =
        |pts: [&str; 4]| EventPoints::Levels(Level::ALL.into_iter().zip(pts.map(p)).collect());
    let ev = |kind: &str, scope, points| EventRule {
        kind: EventKind::parse(kind).expect("kind"),
        scope,
        points,
    };
    vec![
        ev(
            "inspection_praise",
            Scope::Village,
            levels(["10", "7", "4", "2"]),
        ),
        ev(
            "work_promoted",
            Scope::Village,
            levels(["20", "15", "10", "5"]),
        ),
        ev("commendation", Scope::Cadre, levels(["10", "7", "4", "2"])),
        ev(
            "inspection_criticized",
            Scope::Village,
            levels(["-10", "-7", "-4", "-2"]),
        ),
        ev(
            "media_exposure",
            Scope::Village,
            EventPoints::Flat(p("-10")),
        ),
    ]
}

impl Default for Policy {
    /// The regulation as read here (docs/rules.md), through the same check as any other policy.
    fn default() -> Policy {
        Policy::try_from(PolicyParts::default())
            .expect("the regulation's own policy keeps every rule (tested)")
    }
}

impl Policy {
    /// The policy in force in quarter `q` among `policies`, each stored with the quarter it
    /// applies from (`kaohe policy set FILE --from Q`): the one with the latest such quarter
    /// not after `q`, with that quarter; `None` when none applies yet.
    pub fn in_force(policies: &[(Quarter, Policy)], q: Quarter) -> Option<(Quarter, &Policy)> {
        policies
            .iter()
            .filter(|(from, _)| *from <= q)
            .max_by_key(|(from, _)| *from)
            .map(|(from, p)| (*from, p))
    }
}

impl PolicyParts {
    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id.as_str() == id)
    }

    /// The event rule of this kind.
    pub fn event_rule(&self, kind: &str) -> Option<&EventRule> {
        self.events.iter().find(|e| e.kind.as_str() == kind)
    }

    /// Every item with the index of its section, in rubric order.
    pub fn items(&self) -> impl Iterator<Item = (usize, &Section, &Item)> {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.items.iter().map(move |it| (i, s, it)))
    }
}

/// What part of a policy a broken rule is about, for `policy.toml` to name its line.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// A top-level setting.
    Key(&'static str),
    /// The rubric as a whole.
    Sections,
    /// Section `i`.
    Section(usize),
    /// Item `j` of section `i`.
    Item(usize, usize),
    /// Entry `i` of `rank_keys`.
    RankKey(usize),
    /// Event rule `i`.
    Event(usize),
}

/// A broken rule: where, and the message naming its article.
struct Broken {
    place: Place,
    rule: String,
}

fn broken(place: Place, rule: impl Into<String>) -> Result<(), Broken> {
    Err(Broken {
        place,
        rule: rule.into(),
    })
}

/// Every rule docs/guide.md, file formats names for a policy, checked once, on the way to a [`Policy`].
fn check(p: &PolicyParts) -> Result<(), Broken> {
    check_rubric(p)?;
    check_settings(p)?;
    check_events(p)
}

/// Art.7: the sections add up to 100 (百分制), each section's items to the section; Art.10:
/// `rank_keys` name sections.
fn check_rubric(p: &PolicyParts) -> Result<(), Broken> {
    if p.sections.is_empty() {
        return broken(Place::Sections, "Art.7: the scorecard has no sections");
    }
    let total: Points = p.sections.iter().map(|s| s.max).sum();
    if total != Points::from_hundredths(10_000) {
        return broken(
            Place::Sections,
            format!("Art.7: the section maxima add up to {total}, not 100 (百分制)"),
        );
    }
    let mut section_ids = HashSet::new();
    let mut item_ids = HashSet::new();
    for (i, s) in p.sections.iter().enumerate() {
        if !section_ids.insert(s.id.as_str()) {
            return broken(
                Place::Section(i),
                format!("Art.7: section `{}` is given twice", s.id),
            );
        }
        if s.items.is_empty() {
            return broken(
                Place::Section(i),
                format!("Art.7: section `{}` has no items", s.id),
            );
        }
        let sum: Points = s.items.iter().map(|i| i.max).sum();
        if sum != s.max {
            return broken(
                Place::Section(i),
                format!(
                    "Art.7: the items of section `{}` add up to {sum}, not its maximum {}",
                    s.id, s.max
                ),
            );
        }
        for (j, it) in s.items.iter().enumerate() {
            if !item_ids.insert(it.id.as_str()) {
                return broken(
                    Place::Item(i, j),
                    format!("Art.7: item `{}` is given twice", it.id),
                );
            }
            if it.max.is_negative() || it.max.is_zero() {
                return broken(
                    Place::Item(i, j),
                    format!(
                        "Art.7: item `{}` has maximum {}, not above 0",
                        it.id, it.max
                    ),
                );
            }
        }
    }
    check_rank_keys(p)
}

/// Art.10: ties are broken by sections of the scorecard, each named once.
fn check_rank_keys(p: &PolicyParts) -> Result<(), Broken> {
    let mut keys = HashSet::new();
    for (i, k) in p.rank_keys.iter().enumerate() {
        if p.section(k.as_str()).is_none() {
            return broken(
                Place::RankKey(i),
                format!(
                    "Art.10: rank_keys (ties broken by sections) names `{k}`, which is not a section (sections: {})",
                    p.sections
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !keys.insert(k.as_str()) {
            return broken(
                Place::RankKey(i),
                format!("Art.10: rank_keys names `{k}` twice"),
            );
        }
    }
    Ok(())
}

/// Art.10 and Art.13 ratios (at most 20%), Art.11 shares and rates, the score thresholds.
fn check_settings(p: &PolicyParts) -> Result<(), Broken> {
    let cap = d("0.20");
    if p.excellent_ratio < Decimal::ZERO || p.excellent_ratio > cap {
        return broken(
            Place::Key("excellent_ratio"),
            format!(
                "Art.10: excellent_ratio is {}, outside 0–0.20 (优秀比例最多不超过20%)",
                p.excellent_ratio
            ),
        );
    }
    if p.commendation_ratio < Decimal::ZERO || p.commendation_ratio > cap {
        return broken(
            Place::Key("commendation_ratio"),
            format!(
                "Art.13: commendation_ratio is {}, outside 0–0.20 (表彰比例不超过20%)",
                p.commendation_ratio
            ),
        );
    }
    if p.base_share < Decimal::ZERO || p.base_share > Decimal::ONE {
        return broken(
            Place::Key("base_share"),
            format!("Art.11: base_share is {}, outside 0–1", p.base_share),
        );
    }
    for (name, rate) in [
        ("excellent_bonus_rate", p.excellent_bonus_rate),
        ("unqualified_deduction_rate", p.unqualified_deduction_rate),
    ] {
        if rate < d("0.30") || rate > d("0.50") {
            return broken(
                Place::Key(name),
                format!("Art.11: {name} is {rate}, outside the regulation's range 0.30–0.50"),
            );
        }
    }
    if p.excellent_min_score < p.qualified_min_score {
        return broken(
            Place::Key("excellent_min_score"),
            format!(
                "Art.10: excellent_min_score {} is below qualified_min_score {}",
                p.excellent_min_score, p.qualified_min_score
            ),
        );
    }
    if p.consecutive_unqualified_for_dismissal == 0 {
        return broken(
            Place::Key("consecutive_unqualified_for_dismissal"),
            "Art.11: consecutive_unqualified_for_dismissal must be at least 1",
        );
    }
    Ok(())
}

/// Art.8: each event kind once, with points.
fn check_events(p: &PolicyParts) -> Result<(), Broken> {
    let mut kinds = HashSet::new();
    for (i, e) in p.events.iter().enumerate() {
        if !kinds.insert(e.kind.as_str()) {
            return broken(
                Place::Event(i),
                format!("Art.8: event kind `{}` is given twice", e.kind),
            );
        }
        if let EventPoints::Levels(t) = &e.points
            && t.is_empty()
        {
            return broken(
                Place::Event(i),
                format!("Art.8: event kind `{}` has no points", e.kind),
            );
        }
    }
    Ok(())
}

impl TryFrom<PolicyParts> for Policy {
    type Error = PolicyError;

    /// Checks every rule of docs/guide.md, file formats (Art.7, 8, 10, 11, 13) once.
    fn try_from(parts: PolicyParts) -> Result<Policy, PolicyError> {
        Policy::checked(parts, |_| None)
    }
}

impl Policy {
    /// `parts` as a policy when they keep every rule; `locate` gives the line and column of a
    /// place in the file they were read from, if any.
    fn checked(
        parts: PolicyParts,
        locate: impl Fn(Place) -> Option<(usize, usize)>,
    ) -> Result<Policy, PolicyError> {
        match check(&parts) {
            Ok(()) => Ok(Policy(parts)),
            Err(b) => Err(PolicyError::Rule {
                rule: b.rule,
                at: locate(b.place),
            }),
        }
    }

    /// The parts of this policy, to change and check again with `Policy::try_from`.
    pub fn into_parts(self) -> PolicyParts {
        self.0
    }

    /// This policy with `change` made to a copy of its parts, checked again like any other.
    pub fn edit(&self, change: impl FnOnce(&mut PolicyParts)) -> Result<Policy, PolicyError> {
        let mut parts = self.0.clone();
        change(&mut parts);
        Policy::try_from(parts)
    }

    /// What a valid policy sets against the figures the regulation fixes, for `policy check`
    /// and `policy set` to warn about (the policy is still accepted): Art.11 pays 20% of the
    /// subsidy monthly as the base (基础补贴占20%).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.base_share != d("0.20") {
            out.push(format!(
                "Art.11: base_share is {}, but the regulation pays 20% of the subsidy monthly as \
                 the base (基础补贴占20%) and 80% by the appraisal; kept as given",
                self.base_share
            ));
        }
        out
    }

    /// The longest `policy.toml` read: 64 KiB. The default policy is about 3 KB and a rubric
    /// of a hundred items about 8 KB; the bound keeps what parsing TOML costs (tens of bytes
    /// of memory per byte of text) small.
    pub const MAX_TOML_BYTES: usize = 64 << 10;

    /// The points a policy may name (an item's or a section's maximum, a score threshold, an
    /// event's points) lie within −100 and 100: the scorecard is out of 100 (Art.7), so no
    /// figure needs more, and any sum of them stays exact in every store.
    pub const MAX_POINTS: i64 = 100;

    /// Reads `policy.toml` (docs/guide.md, file formats) over the default: settings may be omitted; given
    /// `[[sections]]` replace the whole rubric and given `[[events]]` the whole event table.
    /// Numbers may be TOML numbers or strings and are read as exact decimals from their text.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        Policy::try_from(RawPolicy::parse(text)?)
    }

    /// The policy as `policy.toml` text: every setting, the rubric and the event table, with
    /// exact numbers. Reading it back with [`Policy::from_toml`] gives the same policy, so the
    /// text serves as the policy's canonical form (stores keep it; fingerprints hash it).
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(w, "# kaohe policy (docs/rules.md, docs/guide.md)");
        let _ = writeln!(w, "excellent_ratio = {}", self.excellent_ratio);
        let _ = writeln!(w, "quota_scope = \"{}\"", self.quota_scope.as_str());
        let _ = writeln!(w, "tie_break = \"{}\"", self.tie_break.as_str());
        let keys: Vec<String> = self
            .rank_keys
            .iter()
            .map(|k| toml_str(k.as_str()))
            .collect();
        let _ = writeln!(w, "rank_keys = [{}]", keys.join(", "));
        let _ = writeln!(
            w,
            "excellent_min_score = {}",
            self.excellent_min_score.to_decimal().normalize()
        );
        let _ = writeln!(
            w,
            "qualified_min_score = {}",
            self.qualified_min_score.to_decimal().normalize()
        );
        let _ = writeln!(w, "base_share = {}", self.base_share);
        let _ = writeln!(w, "excellent_bonus_rate = {}", self.excellent_bonus_rate);
        let _ = writeln!(
            w,
            "unqualified_deduction_rate = {}",
            self.unqualified_deduction_rate
        );
        let _ = writeln!(
            w,
            "consecutive_unqualified_for_dismissal = {}",
            self.consecutive_unqualified_for_dismissal
        );
        // Written only when it is not the default, so that a policy stored before the setting
        // existed keeps its text and its fingerprint (a settled quarter does not look changed).
        if self.commendation_ratio != PolicyParts::default().commendation_ratio {
            let _ = writeln!(w, "commendation_ratio = {}", self.commendation_ratio);
        }
        // An empty event table is written as such (no `[[events]]` would mean the default).
        if self.events.is_empty() {
            let _ = writeln!(w, "events = []");
        }
        for s in &self.sections {
            let _ = writeln!(w, "\n[[sections]]");
            let _ = writeln!(w, "id = {}", toml_str(s.id.as_str()));
            let _ = writeln!(w, "name = {}", toml_str(&s.name));
            let _ = writeln!(w, "max = {}", s.max.to_decimal().normalize());
            let _ = writeln!(w, "scope = \"{}\"", s.scope.as_str());
            for it in &s.items {
                let _ = writeln!(
                    w,
                    "[[sections.items]]\nid = {}\nmax = {}",
                    toml_str(it.id.as_str()),
                    it.max.to_decimal().normalize()
                );
            }
        }
        for e in &self.events {
            let _ = writeln!(w, "\n[[events]]");
            let _ = writeln!(w, "kind = {}", toml_str(e.kind.as_str()));
            let _ = writeln!(w, "scope = \"{}\"", e.scope.as_str());
            match &e.points {
                EventPoints::Flat(pts) => {
                    let _ = writeln!(w, "points = {}", pts.to_decimal().normalize());
                }
                EventPoints::Levels(t) => {
                    let parts: Vec<String> = t
                        .iter()
                        .map(|(l, pts)| {
                            format!("{} = {}", l.as_str(), pts.to_decimal().normalize())
                        })
                        .collect();
                    let _ = writeln!(w, "points = {{ {} }}", parts.join(", "));
                }
            }
        }
        out
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_toml())
    }
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `policy.toml` as written (docs/guide.md, file formats): its keys known (`deny_unknown_fields`), each value with
/// its span in the text, nothing else checked. `Policy::try_from(raw)` reads the values exactly
/// and checks every rule once; [`Policy::from_toml`] is both steps.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// The text, for lines and for numbers read exactly as written.
    #[serde(skip)]
    text: String,
    excellent_ratio: Option<Spanned<RawNumber>>,
    quota_scope: Option<Spanned<String>>,
    tie_break: Option<Spanned<String>>,
    rank_keys: Option<Spanned<Vec<Spanned<String>>>>,
    excellent_min_score: Option<Spanned<RawNumber>>,
    qualified_min_score: Option<Spanned<RawNumber>>,
    base_share: Option<Spanned<RawNumber>>,
    excellent_bonus_rate: Option<Spanned<RawNumber>>,
    unqualified_deduction_rate: Option<Spanned<RawNumber>>,
    consecutive_unqualified_for_dismissal: Option<Spanned<RawNumber>>,
    commendation_ratio: Option<Spanned<RawNumber>>,
    sections: Option<Spanned<Vec<Spanned<RawSection>>>>,
    events: Option<Spanned<Vec<Spanned<RawEvent>>>>,
}

/// One `[[sections]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    name: Option<Spanned<String>>,
    max: Spanned<RawNumber>,
    scope: Spanned<String>,
    items: Spanned<Vec<Spanned<RawItem>>>,
}

/// One `[[sections.items]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: Spanned<String>,
    max: Spanned<RawNumber>,
}

/// One `[[events]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    kind: Spanned<String>,
    scope: Spanned<String>,
    points: Spanned<RawPoints>,
}

/// A number as written: a TOML number (read exactly from its text, by its span) or a string.
#[derive(Debug)]
enum RawNumber {
    /// A TOML integer or float; its digits are the text under its span.
    Literal,
    /// A string meaning a decimal.
    Text(String),
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<RawNumber, D::Error> {
        de.deserialize_any(NumberVisitor)
    }
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = RawNumber;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number (a TOML number or a string)")
    }
    fn visit_i64<E>(self, _: i64) -> Result<RawNumber, E> {
        Ok(RawNumber::Literal)
    }
    fn visit_u64<E>(self, _: u64) -> Result<RawNumber, E> {
        Ok(RawNumber::Literal)
    }
    fn visit_i128<E>(self, _: i128) -> Result<RawNumber, E> {
        Ok(RawNumber::Literal)
    }
    fn visit_u128<E>(self, _: u128) -> Result<RawNumber, E> {
        Ok(RawNumber::Literal)
    }
    fn visit_f64<E>(self, _: f64) -> Result<RawNumber, E> {
        Ok(RawNumber::Literal)
    }
    fn visit_str<E>(self, s: &str) -> Result<RawNumber, E> {
        Ok(RawNumber::Text(s.to_owned()))
    }
}

/// An event's `points`: a table of level = points, or one figure.
#[derive(Debug)]
enum RawPoints {
    Levels(Vec<(Spanned<String>, Spanned<RawNumber>)>),
    Flat(RawNumber),
}

impl<'de> Deserialize<'de> for RawPoints {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<RawPoints, D::Error> {
        struct PointsVisitor;
        impl<'de> Visitor<'de> for PointsVisitor {
            type Value = RawPoints;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of level = points, or a decimal number")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPoints, A::Error> {
                let mut levels = Vec::new();
                while let Some(level) = map.next_key::<Spanned<String>>()? {
                    levels.push((level, map.next_value::<Spanned<RawNumber>>()?));
                }
                Ok(RawPoints::Levels(levels))
            }
            fn visit_i64<E>(self, _: i64) -> Result<RawPoints, E> {
                Ok(RawPoints::Flat(RawNumber::Literal))
            }
            fn visit_u64<E>(self, _: u64) -> Result<RawPoints, E> {
                Ok(RawPoints::Flat(RawNumber::Literal))
            }
            fn visit_i128<E>(self, _: i128) -> Result<RawPoints, E> {
                Ok(RawPoints::Flat(RawNumber::Literal))
            }
            fn visit_u128<E>(self, _: u128) -> Result<RawPoints, E> {
                Ok(RawPoints::Flat(RawNumber::Literal))
            }
            fn visit_f64<E>(self, _: f64) -> Result<RawPoints, E> {
                Ok(RawPoints::Flat(RawNumber::Literal))
            }
            fn visit_str<E>(self, s: &str) -> Result<RawPoints, E> {
                Ok(RawPoints::Flat(RawNumber::Text(s.to_owned())))
            }
        }
        de.deserialize_any(PointsVisitor)
    }
}

impl RawPolicy {
    /// Parses `policy.toml` text: TOML syntax, known keys, value types. Refusals name the
    /// line and column, and the dotted key.
    pub fn parse(text: &str) -> Result<RawPolicy, PolicyError> {
        if text.len() > Policy::MAX_TOML_BYTES {
            return Err(PolicyError::TooLarge {
                bytes: text.len(),
                max: Policy::MAX_TOML_BYTES,
            });
        }
        let doc = DeTable::parse(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        let mut raw = RawPolicy::deserialize(toml::de::Deserializer::from(doc))
            .map_err(|e| form_error(text, &e))?;
        raw.text = text.to_owned();
        Ok(raw)
    }
}

/// A serde refusal (unknown key, missing key, wrong type) as a located [`PolicyError`].
fn form_error(text: &str, e: &toml::de::Error) -> PolicyError {
    let span = e.span().unwrap_or(0..0);
    let (line, column) = line_col(text, span.start);
    let path = DeTable::parse(text)
        .ok()
        .and_then(|doc| key_at(doc.get_ref(), &span, "", 0))
        .unwrap_or_default();
    let msg = e.message();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        return PolicyError::UnknownKey {
            line,
            column,
            key: if path.is_empty() { name.into() } else { path },
            expected: expected.trim_start_matches(", ").into(),
        };
    }
    let (key, problem) = match msg.strip_prefix("missing field `") {
        Some(rest) => (
            join(&path, rest.trim_end_matches('`')),
            "is missing".to_string(),
        ),
        None => (path, format!("is refused: {msg}")),
    };
    PolicyError::BadValue {
        line,
        column,
        key,
        problem,
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.into()
    } else {
        format!("{prefix}.{name}")
    }
}

fn contains(outer: &std::ops::Range<usize>, inner: &std::ops::Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The dotted key (array indices left out, as `sections.items.max`) whose key or value lies at
/// `span`, the innermost one. A policy nests four deep (`events.points.county` in an array of
/// tables); deeper values are not searched, so no text can make this recurse far.
fn key_at(
    t: &DeTable<'_>,
    span: &std::ops::Range<usize>,
    prefix: &str,
    depth: usize,
) -> Option<String> {
    t.iter().find_map(|(k, v)| {
        let name = join(prefix, k.get_ref());
        if k.span() == *span {
            return Some(name);
        }
        key_in(v, span, &name, depth + 1).or_else(|| contains(&v.span(), span).then_some(name))
    })
}

fn key_in(
    v: &Spanned<DeValue<'_>>,
    span: &std::ops::Range<usize>,
    name: &str,
    depth: usize,
) -> Option<String> {
    const DEEPEST: usize = 8;
    if depth > DEEPEST {
        return None;
    }
    match v.get_ref() {
        DeValue::Table(t) => key_at(t, span, name, depth),
        DeValue::Array(a) => a.iter().find_map(|e| {
            key_in(e, span, name, depth + 1)
                .or_else(|| contains(&e.span(), span).then(|| name.to_string()))
        }),
        _ => None,
    }
}

/// Line and column (characters), both 1-based, of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// Where each part of a policy read from `policy.toml` was written, for rule messages.
#[derive(Default)]
struct Spans {
    keys: BTreeMap<&'static str, std::ops::Range<usize>>,
    sections: Vec<std::ops::Range<usize>>,
    items: Vec<Vec<std::ops::Range<usize>>>,
    rank_keys: Vec<std::ops::Range<usize>>,
    events: Vec<std::ops::Range<usize>>,
}

impl Spans {
    fn of(&self, place: Place) -> Option<std::ops::Range<usize>> {
        let key = |k: &str| self.keys.get(k).cloned();
        match place {
            Place::Key(k) => key(k),
            Place::Sections => key("sections"),
            Place::Section(i) => self.sections.get(i).cloned().or_else(|| key("sections")),
            Place::Item(i, j) => self
                .items
                .get(i)
                .and_then(|s| s.get(j))
                .cloned()
                .or_else(|| self.of(Place::Section(i))),
            Place::RankKey(i) => self.rank_keys.get(i).cloned().or_else(|| key("sections")),
            Place::Event(i) => self.events.get(i).cloned().or_else(|| key("events")),
        }
    }
}

impl TryFrom<RawPolicy> for Policy {
    type Error = PolicyError;

    /// Reads every value of `policy.toml` over the default (exact decimals, ids, names, the
    /// points within ±[`Policy::MAX_POINTS`]), then checks every rule once, naming the line of
    /// the value at fault.
    fn try_from(raw: RawPolicy) -> Result<Policy, PolicyError> {
        let r = Reader { text: &raw.text };
        let mut spans = Spans::default();
        let mut p = PolicyParts::default();
        let mut note = |k: &'static str, span: std::ops::Range<usize>| {
            spans.keys.insert(k, span);
        };
        macro_rules! set {
            ($field:ident, $read:ident) => {
                if let Some(v) = &raw.$field {
                    note(stringify!($field), v.span());
                    p.$field = r.$read(stringify!($field), v)?;
                }
            };
        }
        set!(excellent_ratio, decimal);
        set!(base_share, decimal);
        set!(commendation_ratio, decimal);
        set!(excellent_bonus_rate, decimal);
        set!(unqualified_deduction_rate, decimal);
        set!(excellent_min_score, points);
        set!(qualified_min_score, points);
        set!(consecutive_unqualified_for_dismissal, count);
        set!(quota_scope, quota_scope);
        set!(tie_break, tie_break);
        if let Some(keys) = &raw.rank_keys {
            note("rank_keys", keys.span());
            p.rank_keys = keys
                .get_ref()
                .iter()
                .map(|k| {
                    spans.rank_keys.push(k.span());
                    SectionId::parse(k.get_ref()).map_err(|e| r.bad("rank_keys", k, &e))
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(sections) = &raw.sections {
            spans.keys.insert("sections", sections.span());
            p.sections = Vec::with_capacity(sections.get_ref().len());
            for s in sections.get_ref() {
                spans.sections.push(s.span());
                spans.items.push(
                    s.get_ref()
                        .items
                        .get_ref()
                        .iter()
                        .map(|i| i.span())
                        .collect(),
                );
                p.sections.push(r.section(s.get_ref())?);
            }
        }
        if let Some(events) = &raw.events {
            spans.keys.insert("events", events.span());
            p.events = Vec::with_capacity(events.get_ref().len());
            for e in events.get_ref() {
                spans.events.push(e.span());
                p.events.push(r.event(e.get_ref())?);
            }
        }
        Policy::checked(p, |place| {
            spans.of(place).map(|s| line_col(r.text, s.start))
        })
    }
}

/// Reads the values of a [`RawPolicy`], keeping its text to name lines and read numbers
/// exactly.
struct Reader<'t> {
    text: &'t str,
}

impl Reader<'_> {
    fn bad<T>(&self, key: &str, v: &Spanned<T>, problem: &dyn fmt::Display) -> PolicyError {
        let (line, column) = line_col(self.text, v.span().start);
        PolicyError::BadValue {
            line,
            column,
            key: key.into(),
            problem: problem.to_string(),
        }
    }

    /// An exact decimal from a TOML integer, float or string: the digits as written.
    fn decimal(&self, key: &str, v: &Spanned<RawNumber>) -> Result<Decimal, PolicyError> {
        let raw: &str = match v.get_ref() {
            RawNumber::Literal => self.text.get(v.span()).unwrap_or_default(),
            RawNumber::Text(s) => s,
        };
        let raw = raw.replace('_', "");
        let raw = raw.strip_prefix('+').unwrap_or(&raw);
        let plain = !raw.is_empty()
            && raw
                .trim_start_matches('-')
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'.');
        if !plain {
            return Err(self.bad(
                key,
                v,
                &format!("must be a plain decimal number, not `{raw}`"),
            ));
        }
        Decimal::from_str(raw).map_err(|e| self.bad(key, v, &format!("is not a decimal: {e}")))
    }

    fn points(&self, key: &str, v: &Spanned<RawNumber>) -> Result<Points, PolicyError> {
        let dec = self.decimal(key, v)?;
        let max = Decimal::from(Policy::MAX_POINTS);
        if dec.abs() > max {
            return Err(self.bad(
                key,
                v,
                &format!("is {dec}, outside −{max}…{max} (the scorecard is out of 100, Art.7)"),
            ));
        }
        Points::from_decimal(dec).ok_or_else(|| self.bad(key, v, &"has more than 2 decimals"))
    }

    fn count(&self, key: &str, v: &Spanned<RawNumber>) -> Result<u32, PolicyError> {
        let n = self.decimal(key, v)?.normalize();
        u32::try_from(n.mantissa())
            .ok()
            .filter(|_| n.scale() == 0)
            .ok_or_else(|| self.bad(key, v, &"must be a whole number"))
    }

    fn quota_scope(&self, key: &str, v: &Spanned<String>) -> Result<QuotaScope, PolicyError> {
        match v.get_ref().as_str() {
            "town" => Ok(QuotaScope::Town),
            "county" => Ok(QuotaScope::County),
            _ => Err(self.bad(key, v, &"must be \"town\" or \"county\"")),
        }
    }

    fn tie_break(&self, key: &str, v: &Spanned<String>) -> Result<TieBreak, PolicyError> {
        match v.get_ref().as_str() {
            "keys" => Ok(TieBreak::Keys),
            "exclude" => Ok(TieBreak::Exclude),
            _ => Err(self.bad(key, v, &"must be \"keys\" or \"exclude\"")),
        }
    }

    fn scope(&self, key: &str, v: &Spanned<String>) -> Result<Scope, PolicyError> {
        match v.get_ref().as_str() {
            "village" => Ok(Scope::Village),
            "cadre" => Ok(Scope::Cadre),
            _ => Err(self.bad(key, v, &"must be \"village\" or \"cadre\"")),
        }
    }

    fn section(&self, s: &RawSection) -> Result<Section, PolicyError> {
        let id =
            SectionId::parse(s.id.get_ref()).map_err(|e| self.bad("sections.id", &s.id, &e))?;
        let name = match &s.name {
            Some(n) => crate::free_text(n.get_ref(), crate::MAX_NAME_CHARS, false)
                .map_err(|e| self.bad("sections.name", n, &e))?,
            None => id.to_string(),
        };
        let mut items = Vec::with_capacity(s.items.get_ref().len());
        for it in s.items.get_ref() {
            let it = it.get_ref();
            items.push(Item {
                id: ItemId::parse(it.id.get_ref())
                    .map_err(|e| self.bad("sections.items.id", &it.id, &e))?,
                max: self.points("sections.items.max", &it.max)?,
            });
        }
        Ok(Section {
            id,
            name,
            max: self.points("sections.max", &s.max)?,
            scope: self.scope("sections.scope", &s.scope)?,
            items,
        })
    }

    fn event(&self, e: &RawEvent) -> Result<EventRule, PolicyError> {
        let points = match e.points.get_ref() {
            RawPoints::Levels(levels) => {
                let mut m = BTreeMap::new();
                for (k, v) in levels {
                    let level = Level::parse(k.get_ref()).ok_or_else(|| {
                        let (line, column) = line_col(self.text, k.span().start);
                        PolicyError::UnknownKey {
                            line,
                            column,
                            key: format!("events.points.{}", k.get_ref()),
                            expected: "levels: national, provincial, municipal, county".into(),
                        }
                    })?;
                    m.insert(level, self.points("events.points", v)?);
                }
                EventPoints::Levels(m)
            }
            RawPoints::Flat(_) => {
                let v = &e.points;
                let n = Spanned::new(
                    v.span(),
                    match v.get_ref() {
                        RawPoints::Flat(RawNumber::Text(s)) => RawNumber::Text(s.clone()),
                        _ => RawNumber::Literal,
                    },
                );
                EventPoints::Flat(self.points("events.points", &n)?)
            }
        };
        Ok(EventRule {
            kind: EventKind::parse(e.kind.get_ref())
                .map_err(|err| self.bad("events.kind", &e.kind, &err))?,
            scope: self.scope("events.scope", &e.scope)?,
            points,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_force_is_the_latest_not_after_the_quarter() {
        let q = |s: &str| Quarter::parse(s).unwrap();
        let late = Policy::try_from(PolicyParts {
            excellent_ratio: Decimal::new(15, 2),
            ..PolicyParts::default()
        })
        .unwrap();
        // Out of order on purpose: the rule is the latest effective quarter, not the last row.
        let policies = [(q("2026Q3"), late), (q("2026Q1"), Policy::default())];
        assert_eq!(Policy::in_force(&policies, q("2025Q4")), None);
        let at =
            |s: &str| Policy::in_force(&policies, q(s)).map(|(from, p)| (from, p.excellent_ratio));
        assert_eq!(at("2026Q1"), Some((q("2026Q1"), Decimal::new(20, 2))));
        assert_eq!(at("2026Q2"), Some((q("2026Q1"), Decimal::new(20, 2))));
        assert_eq!(at("2026Q3"), Some((q("2026Q3"), Decimal::new(15, 2))));
        assert_eq!(at("2027Q2"), Some((q("2026Q3"), Decimal::new(15, 2))));
    }

    #[test]
    fn default_is_valid_and_matches_spec_4() {
        let p = Policy::default();
        assert_eq!(Policy::try_from(PolicyParts::default()), Ok(p.clone()));
        assert_eq!(
            p.sections.iter().map(|s| s.items.len()).collect::<Vec<_>>(),
            [7, 8, 1, 8, 1]
        );
        assert_eq!(
            p.event_rule("work_promoted")
                .unwrap()
                .points_at(Some(Level::National)),
            Some(Points::parse("20").unwrap())
        );
        assert_eq!(
            p.event_rule("media_exposure").unwrap().points_at(None),
            Some(Points::parse("-10").unwrap())
        );
        assert_eq!(
            p.event_rule("media_exposure")
                .unwrap()
                .points_at(Some(Level::County)),
            None
        );
    }

    #[test]
    fn toml_round_trip_is_exact() {
        let p = Policy::default();
        let back = Policy::from_toml(&p.to_toml()).unwrap();
        assert_eq!(back, p);
    }

    /// Art.13's ratio is read, capped at 0.20 like Art.10's, and kept through the canonical
    /// text; at its default it leaves the text as it was before the setting existed.
    #[test]
    fn commendation_ratio_is_capped_and_round_trips() {
        let p = Policy::from_toml("commendation_ratio = 0.1").unwrap();
        assert_eq!(p.commendation_ratio, d("0.1"));
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
        assert!(p.to_toml().contains("commendation_ratio = 0.1"));
        assert!(!Policy::default().to_toml().contains("commendation_ratio"));
        let e = err("commendation_ratio = 0.21");
        assert!(e.contains("Art.13") && e.contains("0.21"), "{e}");
        assert!(err("excellent_ratio = 0.2000001").contains("Art.10"));
    }

    /// A base share other than the regulation's 20% is accepted with a warning naming Art.11.
    #[test]
    fn base_share_off_twenty_percent_warns() {
        assert!(Policy::default().warnings().is_empty());
        assert!(
            Policy::from_toml("base_share = 0.2")
                .unwrap()
                .warnings()
                .is_empty()
        );
        let w = Policy::from_toml("base_share = 1").unwrap().warnings();
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("Art.11: base_share is 1"), "{w:?}");
    }

    #[test]
    fn numbers_are_exact_decimals() {
        let p = Policy::from_toml(
            "excellent_ratio = 0.1\nexcellent_bonus_rate = \"0.35\"\nbase_share = 0.2",
        )
        .unwrap();
        assert_eq!(p.excellent_ratio, d("0.1"));
        assert_eq!(p.excellent_bonus_rate, d("0.35"));
        assert_eq!(p.base_share, d("0.2"));
        assert_eq!(p.sections, Policy::default().sections);
    }

    fn err(text: &str) -> String {
        Policy::from_toml(text).unwrap_err().to_string()
    }

    #[test]
    fn refusals_name_the_rule() {
        assert!(err("excellent_bonus_rate = 0.6").contains("Art.11"));
        assert!(err("unqualified_deduction_rate = 0.29").contains("0.30–0.50"));
        assert!(err("excellent_min_score = 50").contains("below qualified_min_score"));
        assert!(err("rank_keys = [\"nope\"]").contains("not a section"));
        let e = err("\n\nfoo = 1");
        assert!(
            e.contains("line 3") && e.contains("unknown key `foo`"),
            "{e}"
        );
        assert!(err("excellent_ratio = 0.25").contains("Art.10"));
        assert!(err("excellent_ratio = 1e-1").contains("plain decimal"));
        assert!(err("excellent_min_score = 90.125").contains("2 decimals"));
        let bad_sum = "[[sections]]\nid = \"a\"\nmax = 60\nscope = \"village\"\n[[sections.items]]\nid = \"a.x\"\nmax = 60\n";
        assert!(err(bad_sum).contains("not 100"), "{}", err(bad_sum));
        let bad_items = "rank_keys = []\n[[sections]]\nid = \"a\"\nmax = 100\nscope = \"village\"\n[[sections.items]]\nid = \"a.x\"\nmax = 60\n";
        assert!(
            err(bad_items).contains("items of section `a`"),
            "{}",
            err(bad_items)
        );
        let e = err("excellent_min_score = 99999999999999999999999999");
        assert!(e.contains("line 1") && e.contains("Art.7"), "{e}");
        let huge = "[[sections]]\nid = \"a\"\nmax = 100\nscope = \"village\"\n\
            [[sections.items]]\nid = \"a.x\"\nmax = 79228162514264337593543950335\n\
            [[sections.items]]\nid = \"a.y\"\nmax = 79228162514264337593543950335\n";
        assert!(err(huge).contains("outside −100…100"), "{}", err(huge));
        let e = err("[[events]]\nkind = \"x\"\nscope = \"cadre\"\npoints = -101\n");
        assert!(e.contains("line 4") && e.contains("events.points"), "{e}");
        let e = err("[[events]]\nkind = \"=x\"\nscope = \"cadre\"\npoints = 1\n");
        assert!(e.contains("a spreadsheet would run it as a formula"), "{e}");
        let named = |name: &str| {
            format!(
                "[[sections]]\nid = \"a\"\nname = \"{name}\"\nmax = 100\nscope = \"village\"\n\
                 [[sections.items]]\nid = \"a.x\"\nmax = 100\n"
            )
        };
        assert!(
            err(&named("=cmd")).contains("line 3"),
            "{}",
            err(&named("=cmd"))
        );
        assert!(err(&named("a\\u001Bb")).contains("U+001B"));
        assert!(err(&named(&"长".repeat(65))).contains("at most 64"));
        let e = err(&format!("# {}", "x".repeat(Policy::MAX_TOML_BYTES)));
        assert!(e.contains("a policy is at most 65536 bytes"), "{e}");
        let unknown_nested =
            "[[events]]\nkind = \"x\"\nscope = \"cadre\"\npoints = 3\ncolour = \"red\"\n";
        assert!(err(unknown_nested).contains("events.colour"));
    }

    #[test]
    fn replacing_rubric_and_events() {
        let text = "rank_keys = [\"b\"]\n\
            [[sections]]\nid = \"a\"\nmax = 60\nscope = \"village\"\n[[sections.items]]\nid = \"a.x\"\nmax = 60\n\
            [[sections]]\nid = \"b\"\nmax = \"40\"\nscope = \"cadre\"\n[[sections.items]]\nid = \"b.x\"\nmax = 39.5\n[[sections.items]]\nid = \"b.y\"\nmax = 0.5\n\
            [[events]]\nkind = \"praise\"\nscope = \"cadre\"\npoints = { county = 2, national = 9 }\n";
        let p = Policy::from_toml(text).unwrap();
        assert_eq!(p.sections.len(), 2);
        assert_eq!(p.events.len(), 1);
        assert_eq!(
            p.events[0].points_at(Some(Level::National)),
            Some(Points::parse("9").unwrap())
        );
        assert_eq!(p.events[0].points_at(Some(Level::Provincial)), None);
        assert_eq!(Policy::from_toml(&p.to_toml()).unwrap(), p);
    }

    /// The canonical text of the default policy is the text it had before the policy was
    /// parsed into `RawPolicy` (kept in `policy_default.toml`): settled quarters keep their
    /// fingerprints.
    #[test]
    fn default_text_is_byte_identical() {
        assert_eq!(
            Policy::default().to_toml(),
            include_str!("policy_default.toml")
        );
        assert_eq!(
            Policy::from_toml(include_str!("policy_default.toml")).unwrap(),
            Policy::default()
        );
        assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
    }

    type Change = fn(&mut PolicyParts);

    /// Each change breaks one rule: the policy is refused with a message naming it.
    fn assert_refused(cases: &[(&str, Change)]) {
        for (want, change) in cases {
            let e = Policy::default().edit(change).unwrap_err();
            assert!(matches!(e, PolicyError::Rule { at: None, .. }), "{e:?}");
            let text = e.to_string();
            assert!(
                text.starts_with("policy rejected: ") && text.contains(want),
                "{want}: {text}"
            );
        }
    }

    /// Refused: the card (Art.7): sections and items that do not add up, repeat or are empty.
    #[test]
    fn broken_card_is_refused() {
        assert_refused(&[
            ("Art.7: the scorecard has no sections", |p| {
                p.sections.clear();
                p.rank_keys.clear();
            }),
            ("Art.7: the section maxima add up to 90.00, not 100", |p| {
                p.sections.pop();
                p.rank_keys.clear();
            }),
            ("Art.7: section `party` is given twice", |p| {
                p.sections[1].id = p.sections[0].id.clone();
            }),
            ("Art.7: section `collective` has no items", |p| {
                p.sections[2].items.clear();
            }),
            (
                "items of section `party` add up to 29.00, not its maximum 30.00",
                |p| {
                    p.sections[0].items[0].max = Points::parse("3").unwrap();
                },
            ),
            ("Art.7: item `party.organization` is given twice", |p| {
                p.sections[0].items[1].id = p.sections[0].items[0].id.clone();
            }),
            (
                "Art.7: item `party.leadership` has maximum 0.00, not above 0",
                |p| {
                    p.sections[0].items[0].max = Points::parse("9").unwrap();
                    p.sections[0].items[1].max = Points::ZERO;
                },
            ),
            ("Art.7: item `party.leadership` has maximum -1.00", |p| {
                p.sections[0].items[0].max = Points::parse("10").unwrap();
                p.sections[0].items[1].max = Points::parse("-1").unwrap();
            }),
        ]);
    }

    /// Refused: the event table (Art.8): a kind twice or without points.
    #[test]
    fn broken_event_table_is_refused() {
        assert_refused(&[
            ("Art.8: event kind `commendation` is given twice", |p| {
                p.events[0].kind = p.events[2].kind.clone();
            }),
            ("Art.8: event kind `work_promoted` has no points", |p| {
                p.events[1].points = EventPoints::Levels(BTreeMap::new());
            }),
        ]);
    }

    /// Refused: the grading settings (Art.10): rank keys, the excellent ratio and the grade lines.
    #[test]
    fn broken_grading_settings_are_refused() {
        assert_refused(&[
            (
                "Art.10: rank_keys (ties broken by sections) names `nope`",
                |p| {
                    p.rank_keys = vec![SectionId::parse("nope").unwrap()];
                },
            ),
            ("Art.10: rank_keys names `duty` twice", |p| {
                p.rank_keys.push(SectionId::parse("duty").unwrap());
            }),
            ("Art.10: excellent_ratio is 0.21", |p| {
                p.excellent_ratio = d("0.21")
            }),
            ("Art.10: excellent_ratio is -0.01", |p| {
                p.excellent_ratio = d("-0.01")
            }),
            (
                "Art.10: excellent_min_score 59.00 is below qualified_min_score 60.00",
                |p| p.excellent_min_score = Points::parse("59").unwrap(),
            ),
        ]);
    }

    /// Refused: the money settings (Art.11): rates outside its ranges, the dismissal count.
    #[test]
    fn broken_money_settings_are_refused() {
        assert_refused(&[
            ("Art.11: base_share is 1.01", |p| p.base_share = d("1.01")),
            ("Art.11: base_share is -0.1", |p| p.base_share = d("-0.1")),
            ("Art.11: excellent_bonus_rate is 0.29", |p| {
                p.excellent_bonus_rate = d("0.29")
            }),
            ("Art.11: excellent_bonus_rate is 0.51", |p| {
                p.excellent_bonus_rate = d("0.51")
            }),
            ("Art.11: unqualified_deduction_rate is 0.2", |p| {
                p.unqualified_deduction_rate = d("0.2")
            }),
            ("Art.11: unqualified_deduction_rate is 0.6", |p| {
                p.unqualified_deduction_rate = d("0.6")
            }),
            (
                "Art.11: consecutive_unqualified_for_dismissal must be at least 1",
                |p| p.consecutive_unqualified_for_dismissal = 0,
            ),
        ]);
    }

    /// Refused: the commendation ratio (Art.13), capped like Art.10.
    #[test]
    fn broken_commendation_ratio_is_refused() {
        assert_refused(&[
            ("Art.13: commendation_ratio is 0.3", |p| {
                p.commendation_ratio = d("0.3")
            }),
            ("Art.13: commendation_ratio is -1", |p| {
                p.commendation_ratio = d("-1")
            }),
        ]);
    }

    /// The edges of each range are inside it, and the default is the regulation's parts.
    #[test]
    fn range_edges_are_accepted() {
        let edges = Policy::default().edit(|p| {
            p.excellent_ratio = Decimal::ZERO;
            p.commendation_ratio = d("0.20");
            p.base_share = Decimal::ONE;
            p.excellent_bonus_rate = d("0.30");
            p.unqualified_deduction_rate = d("0.50");
            p.excellent_min_score = p.qualified_min_score;
            p.consecutive_unqualified_for_dismissal = 1;
            p.rank_keys.clear();
        });
        assert!(edges.is_ok(), "{edges:?}");
        assert_eq!(
            Policy::default().into_parts(),
            PolicyParts::default(),
            "the default policy is the regulation's parts, unchanged"
        );
    }

    /// Refusals of `policy.toml` name the line and column, and the dotted key.
    #[test]
    fn refusals_are_located() {
        let e = Policy::from_toml("\n\nfoo = 1").unwrap_err();
        assert!(
            matches!(&e, PolicyError::UnknownKey { line: 3, column: 1, key, expected }
                if key == "foo" && expected.contains("`excellent_ratio`")),
            "{e:?}"
        );
        let e = err("[[events]]\nkind = \"x\"\nscope = \"cadre\"\npoints = 3\ncolour = \"red\"\n");
        assert!(
            e.starts_with("policy.toml line 5, column 1: unknown key `events.colour`"),
            "{e}"
        );
        let e = err("excellent_ratio = 0.1\nquota_scope = 3\n");
        assert!(
            e.starts_with("policy.toml line 2, column 15: `quota_scope`") && e.contains("string"),
            "{e}"
        );
        let e = err("quota_scope = \"province\"");
        assert!(
            e.contains("line 1, column 15") && e.contains("\"town\" or \"county\""),
            "{e}"
        );
        let e = err("excellent_ratio = true");
        assert!(
            e.contains("line 1, column 19")
                && e.contains("`excellent_ratio`")
                && e.contains("decimal"),
            "{e}"
        );
        let e = err(
            "[[sections]]\nid = \"a\"\nmax = 100\nscope = \"village\"\n[[sections.items]]\nid = \"a.x\"\n",
        );
        assert!(
            e.contains("line 5") && e.contains("`sections.items.max` is missing"),
            "{e}"
        );
        let e =
            err("[[events]]\nkind = \"x\"\nscope = \"cadre\"\npoints = { county = 2, city = 1 }\n");
        assert!(
            e.contains("line 4, column 24") && e.contains("unknown key `events.points.city`"),
            "{e}"
        );
        let e = err("[[events]]\nkind = \"x\"\nscope = \"cadre\"\npoints = [1]\n");
        assert!(e.contains("line 4") && e.contains("`events.points`"), "{e}");
        let e = err("rank_keys = [\"public\", 3]");
        assert!(
            e.contains("line 1, column 24") && e.contains("`rank_keys`"),
            "{e}"
        );
        let e = err("consecutive_unqualified_for_dismissal = 1.5");
        assert!(
            e.contains("line 1, column 41") && e.contains("whole number"),
            "{e}"
        );
        // A broken rule names the value at fault.
        let e = err("# a policy\nexcellent_bonus_rate = 0.6\n");
        assert!(
            e.starts_with("policy rejected: Art.11: excellent_bonus_rate is 0.6")
                && e.ends_with("(policy.toml line 2, column 24)"),
            "{e}"
        );
        let text = "rank_keys = []\n[[sections]]\nid = \"a\"\nmax = 40\nscope = \"village\"\n[[sections.items]]\nid = \"a.x\"\nmax = 40\n\
            [[sections]]\nid = \"b\"\nmax = 60\nscope = \"village\"\n[[sections.items]]\nid = \"b.x\"\nmax = 50\n";
        let e = err(text);
        assert!(
            e.contains("items of section `b` add up to 50") && e.contains("line 9, column 1"),
            "{e}"
        );
        let e = err("rank_keys = [\"duty\", \"nope\"]");
        assert!(
            e.contains("`nope`") && e.ends_with("line 1, column 22)"),
            "{e}"
        );
        // Deep nesting under an unknown key is refused without searching it all.
        let deep = format!("x = {}1{}", "[".repeat(5000), "]".repeat(5000));
        assert!(err(&deep).contains("unknown key `x`") || err(&deep).contains("TOML"));
    }

    /// A small generator of valid policies, to check the canonical text reads back equal.
    struct Gen(u64);

    impl Gen {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
        fn policy(&mut self) -> Policy {
            let mut parts = PolicyParts::default();
            let hundredths = |h: u64| Points::from_hundredths(h as i64);
            // A rubric of 1–5 sections adding up to 100, each of 1–4 items.
            let n = 1 + self.below(5) as usize;
            let mut left = 10_000_u64;
            parts.sections = (0..n)
                .map(|i| {
                    let max = if i + 1 == n {
                        left
                    } else {
                        let m = 1 + self.below(left - (n - i - 1) as u64 * 100) / 100 * 100;
                        left -= m;
                        m
                    };
                    let k = 1 + self.below(4.min(max)) as usize;
                    let mut rest = max;
                    let items = (0..k)
                        .map(|j| {
                            let m = if j + 1 == k {
                                rest
                            } else {
                                1 + self.below(rest - (k - j - 1) as u64)
                            };
                            rest -= m;
                            Item {
                                id: ItemId::parse(&format!("s{i}.i{j}")).unwrap(),
                                max: hundredths(m),
                            }
                        })
                        .collect();
                    Section {
                        id: SectionId::parse(&format!("s{i}")).unwrap(),
                        name: ["村务 \"公开\"", "a\\b", "干部履职", "x"][self.below(4) as usize]
                            .into(),
                        max: hundredths(max),
                        scope: if self.below(2) == 0 {
                            Scope::Village
                        } else {
                            Scope::Cadre
                        },
                        items,
                    }
                })
                .collect();
            parts.rank_keys = (0..self.below(n as u64 + 1))
                .map(|i| parts.sections[i as usize].id.clone())
                .collect();
            parts.excellent_ratio = Decimal::new(self.below(21) as i64, 2);
            parts.commendation_ratio = Decimal::new(self.below(201) as i64, 3);
            parts.base_share = Decimal::new(self.below(101) as i64, 2);
            parts.excellent_bonus_rate = Decimal::new(30 + self.below(21) as i64, 2);
            parts.unqualified_deduction_rate = Decimal::new(300 + self.below(201) as i64, 3);
            parts.qualified_min_score = hundredths(self.below(6_000));
            parts.excellent_min_score = parts.qualified_min_score + hundredths(self.below(4_000));
            parts.consecutive_unqualified_for_dismissal = 1 + self.below(4) as u32;
            parts.quota_scope = if self.below(2) == 0 {
                QuotaScope::Town
            } else {
                QuotaScope::County
            };
            parts.tie_break = if self.below(2) == 0 {
                TieBreak::Keys
            } else {
                TieBreak::Exclude
            };
            parts.events.truncate(self.below(6) as usize);
            for e in &mut parts.events {
                if self.below(3) == 0 {
                    e.points = EventPoints::Flat(hundredths(self.below(2_000)) - hundredths(1_000));
                }
            }
            Policy::try_from(parts).expect("the generator keeps every rule")
        }
    }

    /// Policy → to_toml → from_toml gives the same policy, and the same text again.
    #[test]
    fn random_policies_round_trip() {
        let mut g = Gen(7);
        for _ in 0..500 {
            let p = g.policy();
            let text = p.to_toml();
            let back = Policy::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(back, p, "{text}");
            assert_eq!(back.to_toml(), text);
        }
    }
}
