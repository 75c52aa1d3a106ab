//! The appraisal policy: every number a county may tune (SPEC 4), the built-in default that is
//! the regulation as read here, and `policy.toml` (SPEC 5.1).

use std::collections::{BTreeMap, HashSet};
use std::fmt::{self, Write as _};
use std::str::FromStr;

use rust_decimal::Decimal;
use thiserror::Error;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::{EventKind, ItemId, Level, Points, Quarter, SectionId};

/// Who a scorecard item or an event kind is about (SPEC 3.1, 3.2).
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

/// Where the excellence quota of Art.10 is counted (SPEC 3.3).
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

/// How candidates tied on `total` at the quota's edge are treated (SPEC 3.3).
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

/// Everything a county may tune (SPEC 2, 4). [`Policy::default`] is the regulation as read
/// here; [`Policy::from_toml`] reads `policy.toml`.
///
/// A policy from `default` or `from_toml` is valid. One assembled by hand should be checked
/// with [`Policy::validate`], which the engine does before it computes anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Art.10: at most this share of a quota group is excellent (≤ 0.20).
    pub excellent_ratio: Decimal,
    /// Art.10 / Art.4: the quota groups.
    pub quota_scope: QuotaScope,
    /// SPEC 3.3: how ties at the quota's edge are treated.
    pub tie_break: TieBreak,
    /// SPEC 3.3 / Art.3: section ids that break ties on `total`, in order.
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

/// Why a policy was refused. Each message names the rule or article it breaks and, for
/// `policy.toml`, the line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not TOML.
    #[error("policy.toml is not valid TOML: {0}")]
    Toml(String),
    /// A key the policy does not know.
    #[error("policy.toml line {line}: unknown key `{key}`")]
    UnknownKey {
        /// Line, 1-based.
        line: usize,
        /// The dotted key.
        key: String,
    },
    /// A value of the wrong type or form.
    #[error("policy.toml line {line}: `{key}` {problem}")]
    BadValue {
        /// Line, 1-based (0 when not from a file).
        line: usize,
        /// The dotted key.
        key: String,
        /// What is wrong.
        problem: String,
    },
    /// The policy breaks a rule of the regulation or SPEC.
    #[error("policy rejected: {0}")]
    Rule(String),
    /// The text is longer than any policy needs (see [`Policy::MAX_TOML_BYTES`]).
    #[error("policy.toml is {bytes} bytes; a policy is at most {max} bytes")]
    TooLarge {
        /// The size of the text.
        bytes: usize,
        /// The limit.
        max: usize,
    },
}

fn rule(msg: impl Into<String>) -> PolicyError {
    PolicyError::Rule(msg.into())
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal decimal")
}
fn p(s: &str) -> Points {
    Points::parse(s).expect("literal points")
}

impl Default for Policy {
    /// The regulation as read here (SPEC 4).
    fn default() -> Policy {
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
        let five = |names: &[&str]| -> Vec<(String, &'static str)> {
            names.iter().map(|n| (n.to_string(), "5")).collect()
        };
        let poverty = five(&[
            "poverty.industry",
            "poverty.medical",
            "poverty.education",
            "poverty.employment",
            "poverty.ecology",
            "poverty.relocation",
            "poverty.social_security",
            "poverty.finance",
        ]);
        let poverty: Vec<(&str, &str)> = poverty.iter().map(|(a, b)| (a.as_str(), *b)).collect();
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
        let levels =
            |pts: [&str; 4]| EventPoints::Levels(Level::ALL.into_iter().zip(pts.map(p)).collect());
        let ev = |kind: &str, scope, points| EventRule {
            kind: EventKind::parse(kind).expect("kind"),
            scope,
            points,
        };
        Policy {
            excellent_ratio: d("0.20"),
            quota_scope: QuotaScope::Town,
            tie_break: TieBreak::Keys,
            rank_keys: vec![
                SectionId::parse("public").unwrap(),
                SectionId::parse("duty").unwrap(),
            ],
            excellent_min_score: p("90"),
            qualified_min_score: p("60"),
            base_share: d("0.20"),
            excellent_bonus_rate: d("0.40"),
            unqualified_deduction_rate: d("0.40"),
            consecutive_unqualified_for_dismissal: 2,
            commendation_ratio: d("0.20"),
            sections: vec![
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
            ],
            events: vec![
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
            ],
        }
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

    /// Checks every rule SPEC 5.1 names for a policy.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let hundred = p("100");
        if self.sections.is_empty() {
            return Err(rule("Art.7: the scorecard has no sections"));
        }
        let total: Points = self.sections.iter().map(|s| s.max).sum();
        if total != hundred {
            return Err(rule(format!(
                "Art.7: the section maxima add up to {total}, not 100 (百分制)"
            )));
        }
        let mut section_ids = HashSet::new();
        let mut item_ids = HashSet::new();
        for s in &self.sections {
            if !section_ids.insert(s.id.as_str()) {
                return Err(rule(format!("Art.7: section `{}` is given twice", s.id)));
            }
            if s.items.is_empty() {
                return Err(rule(format!("Art.7: section `{}` has no items", s.id)));
            }
            let sum: Points = s.items.iter().map(|i| i.max).sum();
            if sum != s.max {
                return Err(rule(format!(
                    "Art.7: the items of section `{}` add up to {sum}, not its maximum {}",
                    s.id, s.max
                )));
            }
            for it in &s.items {
                if !item_ids.insert(it.id.as_str()) {
                    return Err(rule(format!("Art.7: item `{}` is given twice", it.id)));
                }
                if it.max.is_negative() || it.max.is_zero() {
                    return Err(rule(format!(
                        "Art.7: item `{}` has maximum {}, not above 0",
                        it.id, it.max
                    )));
                }
            }
        }
        let mut keys = HashSet::new();
        for k in &self.rank_keys {
            if self.section(k.as_str()).is_none() {
                return Err(rule(format!(
                    "Art.10: rank_keys (ties broken by sections) names `{k}`, which is not a section (sections: {})",
                    self.sections
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            if !keys.insert(k.as_str()) {
                return Err(rule(format!("Art.10: rank_keys names `{k}` twice")));
            }
        }
        if self.excellent_ratio < Decimal::ZERO || self.excellent_ratio > d("0.20") {
            return Err(rule(format!(
                "Art.10: excellent_ratio is {}, outside 0–0.20 (优秀比例最多不超过20%)",
                self.excellent_ratio
            )));
        }
        if self.commendation_ratio < Decimal::ZERO || self.commendation_ratio > d("0.20") {
            return Err(rule(format!(
                "Art.13: commendation_ratio is {}, outside 0–0.20 (表彰比例不超过20%)",
                self.commendation_ratio
            )));
        }
        if self.base_share < Decimal::ZERO || self.base_share > Decimal::ONE {
            return Err(rule(format!(
                "Art.11: base_share is {}, outside 0–1",
                self.base_share
            )));
        }
        for (name, rate) in [
            ("excellent_bonus_rate", self.excellent_bonus_rate),
            (
                "unqualified_deduction_rate",
                self.unqualified_deduction_rate,
            ),
        ] {
            if rate < d("0.30") || rate > d("0.50") {
                return Err(rule(format!(
                    "Art.11: {name} is {rate}, outside the regulation's range 0.30–0.50"
                )));
            }
        }
        if self.excellent_min_score < self.qualified_min_score {
            return Err(rule(format!(
                "Art.10: excellent_min_score {} is below qualified_min_score {}",
                self.excellent_min_score, self.qualified_min_score
            )));
        }
        if self.consecutive_unqualified_for_dismissal == 0 {
            return Err(rule(
                "Art.11: consecutive_unqualified_for_dismissal must be at least 1",
            ));
        }
        let mut kinds = HashSet::new();
        for e in &self.events {
            if !kinds.insert(e.kind.as_str()) {
                return Err(rule(format!(
                    "Art.8: event kind `{}` is given twice",
                    e.kind
                )));
            }
            if let EventPoints::Levels(t) = &e.points
                && t.is_empty()
            {
                return Err(rule(format!(
                    "Art.8: event kind `{}` has no points",
                    e.kind
                )));
            }
        }
        Ok(())
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

    /// Reads `policy.toml` (SPEC 5.1) over the default: settings may be omitted; given
    /// `[[sections]]` replace the whole rubric and given `[[events]]` the whole event table.
    /// Numbers may be TOML numbers or strings and are read as exact decimals from their text.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > Self::MAX_TOML_BYTES {
            return Err(PolicyError::TooLarge {
                bytes: text.len(),
                max: Self::MAX_TOML_BYTES,
            });
        }
        let doc = DeTable::parse(text).map_err(|e| PolicyError::Toml(e.to_string()))?;
        let r = Reader { text };
        let mut policy = Policy::default();
        for (key, value) in doc.get_ref() {
            let k = key.get_ref().as_ref();
            match k {
                "excellent_ratio" => policy.excellent_ratio = r.decimal(k, value)?,
                "base_share" => policy.base_share = r.decimal(k, value)?,
                "commendation_ratio" => policy.commendation_ratio = r.decimal(k, value)?,
                "excellent_bonus_rate" => policy.excellent_bonus_rate = r.decimal(k, value)?,
                "unqualified_deduction_rate" => {
                    policy.unqualified_deduction_rate = r.decimal(k, value)?
                }
                "excellent_min_score" => policy.excellent_min_score = r.points(k, value)?,
                "qualified_min_score" => policy.qualified_min_score = r.points(k, value)?,
                "consecutive_unqualified_for_dismissal" => {
                    let v = r.decimal(k, value)?;
                    policy.consecutive_unqualified_for_dismissal =
                        u32::try_from(v.normalize().mantissa())
                            .ok()
                            .filter(|_| v.normalize().scale() == 0)
                            .ok_or_else(|| r.bad(k, value, "must be a whole number"))?;
                }
                "quota_scope" => {
                    policy.quota_scope = match r.string(k, value)? {
                        "town" => QuotaScope::Town,
                        "county" => QuotaScope::County,
                        _ => return Err(r.bad(k, value, "must be \"town\" or \"county\"")),
                    }
                }
                "tie_break" => {
                    policy.tie_break = match r.string(k, value)? {
                        "keys" => TieBreak::Keys,
                        "exclude" => TieBreak::Exclude,
                        _ => return Err(r.bad(k, value, "must be \"keys\" or \"exclude\"")),
                    }
                }
                "rank_keys" => {
                    let DeValue::Array(items) = value.get_ref() else {
                        return Err(r.bad(k, value, "must be a list of section ids"));
                    };
                    policy.rank_keys = items
                        .iter()
                        .map(|v| {
                            SectionId::parse(r.string(k, v)?)
                                .map_err(|e| r.bad(k, v, &e.to_string()))
                        })
                        .collect::<Result<_, _>>()?;
                }
                "sections" => policy.sections = r.sections(value)?,
                "events" => policy.events = r.events(value)?,
                _ => {
                    return Err(PolicyError::UnknownKey {
                        line: r.line_of(key.span().start),
                        key: k.into(),
                    });
                }
            }
        }
        policy.validate()?;
        Ok(policy)
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
        if self.commendation_ratio != Policy::default().commendation_ratio {
            let _ = writeln!(w, "commendation_ratio = {}", self.commendation_ratio);
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

/// Walks the parsed TOML, keeping the source text to name lines and read numbers exactly.
struct Reader<'t> {
    text: &'t str,
}

type Val<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }
    fn line(&self, v: &Val<'_>) -> usize {
        self.line_of(v.span().start)
    }
    fn bad(&self, key: &str, v: &Val<'_>, problem: &str) -> PolicyError {
        PolicyError::BadValue {
            line: self.line(v),
            key: key.into(),
            problem: problem.into(),
        }
    }

    fn string<'v>(&self, key: &str, v: &'v Val<'_>) -> Result<&'v str, PolicyError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.as_ref()),
            _ => Err(self.bad(key, v, "must be a string")),
        }
    }

    /// An exact decimal from a TOML integer, float or string: the digits as written.
    fn decimal(&self, key: &str, v: &Val<'_>) -> Result<Decimal, PolicyError> {
        let raw: String = match v.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().to_owned(),
            DeValue::Float(f) => f.as_str().to_owned(),
            DeValue::String(s) => s.to_string(),
            _ => return Err(self.bad(key, v, "must be a decimal number")),
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

    fn points(&self, key: &str, v: &Val<'_>) -> Result<Points, PolicyError> {
        let dec = self.decimal(key, v)?;
        let max = Decimal::from(Policy::MAX_POINTS);
        if dec.abs() > max {
            return Err(self.bad(
                key,
                v,
                &format!("is {dec}, outside −{max}…{max} (the scorecard is out of 100, Art.7)"),
            ));
        }
        Points::from_decimal(dec).ok_or_else(|| self.bad(key, v, "has more than 2 decimals"))
    }

    fn table<'a, 'i>(&self, key: &str, v: &'a Val<'i>) -> Result<&'a DeTable<'i>, PolicyError> {
        match v.get_ref() {
            DeValue::Table(t) => Ok(t),
            _ => Err(self.bad(key, v, "must be a table")),
        }
    }

    fn array<'a, 'i>(&self, key: &str, v: &'a Val<'i>) -> Result<&'a [Val<'i>], PolicyError> {
        match v.get_ref() {
            DeValue::Array(a) => Ok(a.as_ref()),
            _ => Err(self.bad(key, v, "must be an array of tables ([[...]])")),
        }
    }

    /// The fields of a table, refusing unknown keys and requiring `required` ones.
    fn fields<'a, 'i>(
        &self,
        prefix: &str,
        whole: &Val<'_>,
        t: &'a DeTable<'i>,
        known: &[&str],
        required: &[&str],
    ) -> Result<BTreeMap<&'a str, &'a Val<'i>>, PolicyError> {
        let mut out = BTreeMap::new();
        for (k, v) in t {
            let name: &str = k.get_ref().as_ref();
            if !known.contains(&name) {
                return Err(PolicyError::UnknownKey {
                    line: self.line_of(k.span().start),
                    key: format!("{prefix}.{name}"),
                });
            }
            out.insert(name, v);
        }
        for r in required {
            if !out.contains_key(r) {
                return Err(self.bad(&format!("{prefix}.{r}"), whole, "is missing"));
            }
        }
        Ok(out)
    }

    fn scope(&self, key: &str, v: &Val<'_>) -> Result<Scope, PolicyError> {
        match self.string(key, v)? {
            "village" => Ok(Scope::Village),
            "cadre" => Ok(Scope::Cadre),
            _ => Err(self.bad(key, v, "must be \"village\" or \"cadre\"")),
        }
    }

    fn sections(&self, v: &Val<'_>) -> Result<Vec<Section>, PolicyError> {
        let mut out = Vec::new();
        for sv in self.array("sections", v)? {
            let t = self.table("sections", sv)?;
            let f = self.fields(
                "sections",
                sv,
                t,
                &["id", "name", "max", "scope", "items"],
                &["id", "max", "scope", "items"],
            )?;
            let id = SectionId::parse(self.string("sections.id", f["id"])?)
                .map_err(|e| self.bad("sections.id", f["id"], &e.to_string()))?;
            let name = match f.get("name") {
                Some(n) => crate::free_text(
                    self.string("sections.name", n)?,
                    crate::MAX_NAME_CHARS,
                    false,
                )
                .map_err(|e| self.bad("sections.name", n, &e.to_string()))?,
                None => id.to_string(),
            };
            let mut items = Vec::new();
            for iv in self.array("sections.items", f["items"])? {
                let it = self.table("sections.items", iv)?;
                let g = self.fields("sections.items", iv, it, &["id", "max"], &["id", "max"])?;
                items.push(Item {
                    id: ItemId::parse(self.string("sections.items.id", g["id"])?)
                        .map_err(|e| self.bad("sections.items.id", g["id"], &e.to_string()))?,
                    max: self.points("sections.items.max", g["max"])?,
                });
            }
            out.push(Section {
                id,
                name,
                max: self.points("sections.max", f["max"])?,
                scope: self.scope("sections.scope", f["scope"])?,
                items,
            });
        }
        Ok(out)
    }

    fn events(&self, v: &Val<'_>) -> Result<Vec<EventRule>, PolicyError> {
        let mut out = Vec::new();
        for ev in self.array("events", v)? {
            let t = self.table("events", ev)?;
            let f = self.fields(
                "events",
                ev,
                t,
                &["kind", "scope", "points"],
                &["kind", "scope", "points"],
            )?;
            let pv = f["points"];
            let points = match pv.get_ref() {
                DeValue::Table(levels) => {
                    let mut m = BTreeMap::new();
                    for (k, lv) in levels {
                        let name: &str = k.get_ref().as_ref();
                        let level = Level::parse(name).ok_or_else(|| PolicyError::UnknownKey {
                            line: self.line_of(k.span().start),
                            key: format!("events.points.{name} (levels: national, provincial, municipal, county)"),
                        })?;
                        m.insert(level, self.points("events.points", lv)?);
                    }
                    EventPoints::Levels(m)
                }
                _ => EventPoints::Flat(self.points("events.points", pv)?),
            };
            out.push(EventRule {
                kind: EventKind::parse(self.string("events.kind", f["kind"])?)
                    .map_err(|e| self.bad("events.kind", f["kind"], &e.to_string()))?,
                scope: self.scope("events.scope", f["scope"])?,
                points,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_force_is_the_latest_not_after_the_quarter() {
        let q = |s: &str| Quarter::parse(s).unwrap();
        let late = Policy {
            excellent_ratio: Decimal::new(25, 2),
            ..Policy::default()
        };
        // Out of order on purpose: the rule is the latest effective quarter, not the last row.
        let policies = [(q("2026Q3"), late), (q("2026Q1"), Policy::default())];
        assert_eq!(Policy::in_force(&policies, q("2025Q4")), None);
        let at =
            |s: &str| Policy::in_force(&policies, q(s)).map(|(from, p)| (from, p.excellent_ratio));
        assert_eq!(at("2026Q1"), Some((q("2026Q1"), Decimal::new(20, 2))));
        assert_eq!(at("2026Q2"), Some((q("2026Q1"), Decimal::new(20, 2))));
        assert_eq!(at("2026Q3"), Some((q("2026Q3"), Decimal::new(25, 2))));
        assert_eq!(at("2027Q2"), Some((q("2026Q3"), Decimal::new(25, 2))));
    }

    #[test]
    fn default_is_valid_and_matches_spec_4() {
        let p = Policy::default();
        p.validate().unwrap();
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
}
