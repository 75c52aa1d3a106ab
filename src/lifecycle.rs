//! The settlement life cycle of docs/rules.md, the settlement life cycle, identical on every store.
//!
//! - Quarters are settled in order: settling is refused while an earlier quarter with imported
//!   scores is unsettled, because Art.11's "two consecutive unqualified" rule reads the earlier
//!   grades.
//! - A settlement is one atomic write of every line and ledger entry
//!   ([`Store::commit_settlement`]).
//! - Settling again with the same inputs and policy (the same [`fingerprint`]) changes nothing.
//!   Changed inputs are refused with what changed, unless `revise`, which appends correcting
//!   ledger entries and never edits old ones.
//! - Two settlements racing on one quarter: the store's compare-and-set lets exactly one write;
//!   the other finds the work done (same fingerprint) or is refused.

use std::collections::{BTreeMap, HashMap};

use kaohe_domain::{
    Appraisal, Event, LedgerEntry, PaidSplit, Policy, Quarter, RosterIndex, Score, ScoreGrid,
    ScoreNames, SettlementLine,
};
use kaohe_scoring::Scores;
use kaohe_settlement::{
    EngineError, PayTerms, QuarterInput, QuarterOutcome, compute_quarter, compute_without_lines,
    first_ledger, revise,
};
use kaohe_store::{AuditRecord, NewSettlement, SettlementHeader, Store, StoreError};

use crate::fingerprint::fingerprint_grid;
use crate::{AppError, fingerprint};

/// What `settle` was asked to do (docs/guide.md).
#[derive(Debug, Clone, Copy, Default)]
pub struct SettleOptions {
    /// Compute and show, write nothing.
    pub dry_run: bool,
    /// Append a revision when the inputs changed since the quarter was settled.
    pub revise: bool,
    /// Count missing scores as 0 instead of refusing (docs/rules.md Art.7).
    pub missing_as_zero: bool,
}

/// What `settle` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettleStatus {
    /// Revision 1 was written.
    Settled,
    /// A revision was appended with this many correcting ledger entries.
    Revised {
        /// Correcting entries appended.
        corrections: usize,
    },
    /// Already settled from the same inputs and policy: nothing written.
    Unchanged,
    /// Another settlement of the same inputs finished first: nothing written by this one.
    DoneElsewhere,
    /// Computed only (`--dry-run`).
    DryRun,
}

/// The result of `settle`: its status, the lines of the quarter and the policy used.
#[derive(Debug, Clone)]
pub struct Settlement {
    /// The quarter.
    pub quarter: Quarter,
    /// What happened.
    pub status: SettleStatus,
    /// The revision now in force (0 for a dry run of an unsettled quarter).
    pub revision: u32,
    /// The lines, in report order (docs/reference.md, settlement report).
    pub lines: Vec<SettlementLine>,
    /// The policy the quarter was computed with.
    pub policy: Policy,
    /// Things the user should know about the result (e.g. a dry run ahead of an unsettled
    /// earlier quarter).
    pub notes: Vec<String>,
    /// What was paid before this settlement and what it pays (Art.11, shown apart so that no
    /// one pays the base twice).
    pub paid: PaidSplit,
    /// Later settled quarters whose lines would now change (after a revision: their
    /// `dismissal_review` flags may rest on the grades it changed), each needing a revision.
    pub later_need_revision: Vec<Quarter>,
}

/// Receives the phases of long work, for a progress display.
pub trait Progress: Sync {
    /// A new phase begins, e.g. "reading scores".
    fn phase(&self, name: &str);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Progress for Quiet {
    fn phase(&self, _name: &str) {}
}

/// The policies of a store, by the quarter they take effect (docs/rules.md Art.2: "a policy is effective
/// from a quarter on"); the built-in default before the first one.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    by_quarter: Vec<(Quarter, Policy)>,
    default: Policy,
}

impl Policies {
    /// Reads every stored policy.
    pub async fn load(store: &dyn Store) -> Result<Policies, AppError> {
        let mut by_quarter = store.policies().await?;
        by_quarter.sort_by_key(|(q, _)| *q);
        Ok(Policies {
            by_quarter,
            default: Policy::default(),
        })
    }

    /// The policy in force in quarter `q`.
    pub fn for_quarter(&self, q: Quarter) -> &Policy {
        Policy::in_force(&self.by_quarter, q).map_or(&self.default, |(_, p)| p)
    }

    /// The quarter from which the policy in force in `q` applies (`None`: built-in default).
    pub fn effective_from(&self, q: Quarter) -> Option<Quarter> {
        Policy::in_force(&self.by_quarter, q).map(|(from, _)| from)
    }
}

/// A quarter's stored scores as the engine takes them (Art.7): the grid of the roster and the
/// policy in force, read without a record per score; or, when some stored score does not fit
/// them (a subject or an item they do not have, points above an item's maximum), every score
/// as a row, so that the quarter is refused exactly as its rows say.
#[derive(Debug, Clone)]
pub enum QuarterScores {
    /// Every stored score, in the grid of the roster and the policy.
    Grid(ScoreGrid),
    /// Every stored score as a row, by (subject, item) ascending.
    Rows(Vec<Score>),
}

impl QuarterScores {
    /// Reads quarter `q`'s scores against `names`: a roster numbered once ([`RosterIndex`])
    /// and the policy the scores are read with.
    pub async fn load(
        store: &dyn Store,
        q: Quarter,
        names: &ScoreNames<'_>,
    ) -> Result<QuarterScores, AppError> {
        let stored = store.scores_on(q, names).await?;
        Ok(if stored.others.is_empty() {
            QuarterScores::Grid(stored.grid)
        } else {
            QuarterScores::Rows(stored.into_rows(names))
        })
    }

    /// Whether the quarter has no stored score.
    pub fn is_empty(&self) -> bool {
        match self {
            QuarterScores::Grid(g) => g.scored() == 0,
            QuarterScores::Rows(r) => r.is_empty(),
        }
    }

    /// The scores as the engine takes them.
    pub fn as_scores(&self) -> Scores<'_> {
        match self {
            QuarterScores::Grid(g) => Scores::Grid(g),
            QuarterScores::Rows(r) => Scores::Rows(r),
        }
    }
}

/// The inputs of one quarter as the store holds them, over the roster numbered once by the
/// caller ([`RosterIndex`], lent to the reading of the scores, the fingerprint and the engine:
/// a national roster of two million cadres is numbered once, not three times).
#[derive(Debug, Clone)]
pub struct QuarterInputs<'r> {
    /// The quarter.
    pub quarter: Quarter,
    /// The policy in force (or the one the quarter was settled with, see
    /// [`QuarterInputs::load_with`]): the scores are read against it.
    pub policy: Policy,
    /// The whole roster, numbered (the engine picks those assessed).
    pub roster: &'r RosterIndex<'r>,
    /// The quarter's scores, read against `roster` and `policy`.
    pub scores: QuarterScores,
    /// The quarter's events.
    pub events: Vec<Event>,
    /// Grades of earlier settled quarters.
    pub history: Vec<Appraisal>,
}

impl<'r> QuarterInputs<'r> {
    /// Reads a quarter's inputs from the store, with the policy in force, over `roster` (the
    /// store's roster, numbered).
    pub async fn load(
        store: &dyn Store,
        quarter: Quarter,
        roster: &'r RosterIndex<'r>,
    ) -> Result<QuarterInputs<'r>, AppError> {
        QuarterInputs::load_with(store, quarter, roster, None).await
    }

    /// Reads a quarter's inputs from the store, with `policy` instead of the one in force
    /// when given.
    pub async fn load_with(
        store: &dyn Store,
        quarter: Quarter,
        roster: &'r RosterIndex<'r>,
        policy: Option<Policy>,
    ) -> Result<QuarterInputs<'r>, AppError> {
        let policy = match policy {
            Some(p) => p,
            None => Policies::load(store).await?.for_quarter(quarter).clone(),
        };
        let scores = QuarterScores::load(store, quarter, &ScoreNames::new(roster, &policy)).await?;
        Ok(QuarterInputs {
            quarter,
            policy,
            roster,
            scores,
            events: store.events(quarter).await?,
            history: store.appraisals(None, quarter).await?,
        })
    }

    /// The fingerprint of these inputs (see [`fingerprint`]).
    pub fn fingerprint(&self, missing_as_zero: bool) -> String {
        let (q, policy, index) = (self.quarter, &self.policy, self.roster);
        let (events, history) = (&self.events[..], &self.history[..]);
        match &self.scores {
            QuarterScores::Grid(g) => {
                fingerprint_grid(q, policy, index, g, events, history, missing_as_zero)
            }
            QuarterScores::Rows(r) => fingerprint(
                q,
                policy,
                index.roster(),
                r,
                events,
                history,
                missing_as_zero,
            ),
        }
    }

    /// The engine's input of these inputs.
    fn input(&self, missing_as_zero: bool) -> QuarterInput<'_> {
        QuarterInput {
            quarter: self.quarter,
            policy: &self.policy,
            roster: self.roster.roster(),
            roster_index: Some(self.roster),
            scores: self.scores.as_scores(),
            events: &self.events,
            history: &self.history,
            missing_as_zero,
        }
    }

    /// The engine's refusal of these inputs.
    fn refused(&self, e: EngineError) -> AppError {
        AppError::Invalid(format!("{} cannot be settled: {e}", self.quarter))
    }

    /// Runs the engine over these inputs.
    pub fn compute(&self, missing_as_zero: bool) -> Result<QuarterOutcome<'_>, AppError> {
        compute_quarter(&self.input(missing_as_zero)).map_err(|e| self.refused(e))
    }

    /// The lines of [`QuarterInputs::compute`], built 65,536 at a time and gathered
    /// (Art.11), each with the [`PayTerms`] of its cadre: the engine's grades and scorecards,
    /// then the roster, can be let go before the ledger is built from them ([`first_ledger`]),
    /// so that a national quarter never holds its roster, scorecards, lines and ledger at once.
    pub fn lines(
        &self,
        missing_as_zero: bool,
    ) -> Result<(Vec<SettlementLine>, Vec<PayTerms>), AppError> {
        let outcome =
            compute_without_lines(&self.input(missing_as_zero)).map_err(|e| self.refused(e))?;
        let mut lines = Vec::with_capacity(outcome.line_count());
        let mut terms = Vec::with_capacity(outcome.line_count());
        outcome.lines_in_parts(LINE_PART, |part| {
            for l in part {
                let r = self.roster.cadre(l.cadre_id.as_str()).ok_or_else(|| {
                    AppError::Invalid(format!(
                        "{}: the line of cadre `{}` has no cadre in the roster",
                        self.quarter, l.cadre_id
                    ))
                })?;
                terms.push(PayTerms::of(self.roster.cadre_at(r), self.quarter));
            }
            lines.extend_from_slice(part);
            Ok::<(), AppError>(())
        })?;
        Ok((lines, terms))
    }
}

/// Lines built at a time by [`QuarterInputs::lines`].
const LINE_PART: usize = 1 << 16;

/// Refuses to settle `quarter` while an earlier quarter with scores is unsettled (docs/rules.md, the settlement life cycle).
pub async fn check_order(store: &dyn Store, quarter: Quarter) -> Result<(), AppError> {
    let settled = store.settled_quarters().await?;
    let waiting: Vec<String> = store
        .scored_quarters()
        .await?
        .into_iter()
        .filter(|q| *q < quarter && !settled.contains(q))
        .map(|q| q.to_string())
        .collect();
    if waiting.is_empty() {
        return Ok(());
    }
    Err(AppError::Refused(format!(
        "{quarter} cannot be settled before {}: quarters are settled in order, because Art.11's \
         consecutive-unqualified rule reads the earlier grades. Settle {} first.",
        waiting.join(", "),
        waiting[0]
    )))
}

/// Settles `quarter` (docs/rules.md, the settlement life cycle, `kaohe settle`).
pub async fn settle(
    store: &dyn Store,
    quarter: Quarter,
    opts: SettleOptions,
    audit: &AuditRecord,
    progress: &dyn Progress,
) -> Result<Settlement, AppError> {
    progress.phase("checking earlier quarters");
    let mut notes = Vec::new();
    match check_order(store, quarter).await {
        Ok(()) => {}
        // A preview may run ahead of the order; it says what it cannot know yet.
        Err(AppError::Refused(why)) if opts.dry_run => notes.push(format!(
            "{why} This dry run computes {quarter} anyway: its dismissal_review flags (Art.11) \
             may change once the earlier quarters are settled."
        )),
        Err(e) => return Err(e),
    }
    let previous = store.settlement(quarter).await?;

    progress.phase("reading inputs");
    // The roster is numbered once, for the reading of the scores, the fingerprint and the
    // engine.
    let roster = store.roster().await?;
    let index = RosterIndex::new(&roster);
    let inputs = QuarterInputs::load(store, quarter, &index).await?;
    if inputs.scores.is_empty() && !opts.missing_as_zero {
        return Err(AppError::Refused(format!(
            "{quarter} has no imported scores: import scores.csv first (`kaohe import scores FILE`)"
        )));
    }
    let print = inputs.fingerprint(opts.missing_as_zero);

    if let Some(prev) = &previous
        && prev.fingerprint == print
    {
        return Ok(Settlement {
            quarter,
            status: SettleStatus::Unchanged,
            revision: prev.revision,
            lines: store.settlement_lines(quarter).await?,
            policy: inputs.policy,
            notes,
            paid: PaidSplit::of(&store.ledger(quarter).await?),
            later_need_revision: Vec::new(),
        });
    }

    progress.phase("computing (Art.7–11)");
    // The lines first, then, with the scores, events, history and the engine's scorecards let
    // go, the ledger; then the roster and its numbering are let go too: a national quarter's
    // roster, score grid, lines and ledger are each hundreds of megabytes.
    let (lines, terms) = inputs.lines(opts.missing_as_zero)?;
    // Every field named: a field left to `..` would only be dropped at the end of the scope.
    let QuarterInputs {
        policy,
        scores,
        events,
        history,
        ..
    } = inputs;
    drop((scores, events, history));
    drop(index);
    drop(roster);
    let ledger = first_ledger(&policy, quarter, &lines, &terms);
    drop(terms);

    // Art.11 / 3.6: what the settlement writes is the difference to what the ledger holds (the
    // base already paid by payroll, or an earlier revision); the first settlement of a quarter
    // no payroll touched writes the engine's entries as they are.
    let old_ledger = store.ledger(quarter).await?;
    let next_entry = old_ledger.iter().map(|e| e.entry).max().unwrap_or(0) + 1;
    let revision = previous.as_ref().map_or(1, |p| p.revision + 1);
    let entries = if old_ledger.iter().any(|e| e.kind.is_settlement()) {
        revise(&old_ledger, &ledger, revision, next_entry)
    } else {
        renumbered(ledger, next_entry)
    };

    if opts.dry_run {
        return Ok(Settlement {
            quarter,
            status: SettleStatus::DryRun,
            revision: previous.as_ref().map_or(0, |p| p.revision),
            paid: PaidSplit::of(old_ledger.iter().chain(&entries)),
            lines,
            policy,
            notes,
            later_need_revision: Vec::new(),
        });
    }

    let status = match &previous {
        None => SettleStatus::Settled,
        Some(prev) => {
            // 3.10: a quarter needs a revision only when a value of its lines would change.
            let old_lines = store.settlement_lines(quarter).await?;
            let same_policy = prev.policy_toml == policy.to_toml();
            if old_lines == lines && same_policy {
                notes.push(format!(
                    "the inputs of {quarter} changed since it was settled, but no value of its \
                     lines changes: nothing to revise"
                ));
                return Ok(Settlement {
                    quarter,
                    status: SettleStatus::Unchanged,
                    revision: prev.revision,
                    lines: old_lines,
                    policy,
                    notes,
                    paid: PaidSplit::of(&old_ledger),
                    later_need_revision: Vec::new(),
                });
            }
            if !opts.revise {
                return Err(AppError::Refused(describe_change(
                    prev, &old_lines, &policy, &lines,
                )));
            }
            SettleStatus::Revised {
                corrections: entries.len(),
            }
        }
    };
    let new = NewSettlement {
        header: SettlementHeader {
            quarter,
            revision,
            fingerprint: print,
            policy_toml: policy.to_toml(),
            settled_at_unix: audit.at_unix,
        },
        lines,
        entries,
    };

    progress.phase("writing the settlement");
    match store.commit_settlement(&new, audit).await {
        Ok(()) => {
            let later_need_revision = if previous.is_some() {
                progress.phase("checking later quarters");
                later_needing_revision(store, quarter).await?
            } else {
                Vec::new()
            };
            let NewSettlement { lines, entries, .. } = new;
            Ok(Settlement {
                quarter,
                status,
                revision,
                paid: PaidSplit::of(old_ledger.iter().chain(&entries)),
                lines,
                policy,
                notes,
                later_need_revision,
            })
        }
        Err(StoreError::Conflict(why)) => {
            // Lost a race: done elsewhere from the same inputs, or refused.
            match store.settlement(quarter).await? {
                Some(now) if now.fingerprint == new.header.fingerprint => Ok(Settlement {
                    quarter,
                    status: SettleStatus::DoneElsewhere,
                    revision: now.revision,
                    lines: store.settlement_lines(quarter).await?,
                    paid: PaidSplit::of(&store.ledger(quarter).await?),
                    policy,
                    notes,
                    later_need_revision: Vec::new(),
                }),
                _ => Err(AppError::Refused(format!(
                    "another settlement or payment of {quarter} was written at the same time \
                     ({why}); nothing was written by this one: run settle again to see where it \
                     stands"
                ))),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The entries of a first settlement, numbered from `next` (after entries written outside a
/// settlement, such as awards).
fn renumbered(mut entries: Vec<LedgerEntry>, next: u32) -> Vec<LedgerEntry> {
    for (k, e) in entries.iter_mut().enumerate() {
        e.entry = next + k as u32;
    }
    entries
}

/// 3.10: whether settling `header`'s quarter again from what is stored now would change any
/// value of its lines (flags included) or its policy. Same fingerprint: nothing changed.
pub async fn lines_would_change(
    store: &dyn Store,
    header: &SettlementHeader,
) -> Result<bool, AppError> {
    let q = header.quarter;
    let roster = store.roster().await?;
    let index = RosterIndex::new(&roster);
    let inputs = QuarterInputs::load(store, q, &index).await?;
    if [false, true]
        .iter()
        .any(|&m| inputs.fingerprint(m) == header.fingerprint)
    {
        return Ok(false);
    }
    if header.policy_toml != inputs.policy.to_toml() {
        return Ok(true);
    }
    // The header does not say whether missing scores counted as 0: a quarter that cannot be
    // computed without counting them was settled with them counted.
    let lines = match inputs.compute(false) {
        Ok(outcome) => outcome.into_parts().0,
        Err(_) => inputs.compute(true)?.into_parts().0,
    };
    Ok(lines != store.settlement_lines(q).await?)
}

/// 3.10: the settled quarters after `quarter` whose lines would change now (their
/// `dismissal_review` flags read the grades of earlier quarters, Art.11).
pub async fn later_needing_revision(
    store: &dyn Store,
    quarter: Quarter,
) -> Result<Vec<Quarter>, AppError> {
    let mut out = Vec::new();
    for q in store.settled_quarters().await? {
        if q <= quarter {
            continue;
        }
        if let Some(h) = store.settlement(q).await?
            && lines_would_change(store, &h).await?
        {
            out.push(q);
        }
    }
    Ok(out)
}

/// Every value of a line that differs between `o` (settled) and `n` (now), as `name a → b`.
fn line_changes(o: &SettlementLine, n: &SettlementLine) -> Vec<String> {
    let mut out = Vec::new();
    let mut cmp = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} → {b}"));
        }
    };
    cmp("town", o.town.to_string(), n.town.to_string());
    cmp("village", o.village.to_string(), n.village.to_string());
    cmp("sequence", o.sequence.to_string(), n.sequence.to_string());
    cmp(
        "base_score",
        o.base_score.to_string(),
        n.base_score.to_string(),
    );
    cmp("bonus", o.bonus.to_string(), n.bonus.to_string());
    cmp(
        "deduction",
        o.deduction.to_string(),
        n.deduction.to_string(),
    );
    cmp("total", o.total.to_string(), n.total.to_string());
    cmp("rank", o.rank.to_string(), n.rank.to_string());
    cmp(
        "group_size",
        o.group_size.to_string(),
        n.group_size.to_string(),
    );
    cmp("quota", o.quota.to_string(), n.quota.to_string());
    cmp("grade", o.grade.to_string(), n.grade.to_string());
    cmp("standard", o.standard.to_string(), n.standard.to_string());
    cmp(
        "base_paid",
        o.base_paid.to_string(),
        n.base_paid.to_string(),
    );
    cmp(
        "performance_standard",
        o.performance_standard.to_string(),
        n.performance_standard.to_string(),
    );
    cmp(
        "adjustment",
        o.adjustment.to_string(),
        n.adjustment.to_string(),
    );
    cmp(
        "performance_paid",
        o.performance_paid.to_string(),
        n.performance_paid.to_string(),
    );
    cmp(
        "total_paid",
        o.total_paid.to_string(),
        n.total_paid.to_string(),
    );
    let flags = |l: &SettlementLine| {
        let f = l.flags.to_string();
        if f.is_empty() { "(none)".to_owned() } else { f }
    };
    cmp("flags", flags(o), flags(n));
    cmp("name", o.name.clone(), n.name.clone());
    out
}

/// Says what changed between a settled quarter and its inputs now, for the refusal of 3.5 and
/// 3.10: every changed value of every line, flags included.
fn describe_change(
    prev: &SettlementHeader,
    old: &[SettlementLine],
    policy: &Policy,
    new: &[SettlementLine],
) -> String {
    let q = prev.quarter;
    let mut out = format!(
        "{q} is already settled (revision {}) and its lines would change; nothing was written.\n",
        prev.revision
    );
    if prev.policy_toml != policy.to_toml() {
        out.push_str("- the policy in force for the quarter changed\n");
    }
    let old_by: HashMap<&str, &SettlementLine> =
        old.iter().map(|l| (l.cadre_id.as_str(), l)).collect();
    let new_by: HashMap<&str, &SettlementLine> =
        new.iter().map(|l| (l.cadre_id.as_str(), l)).collect();
    let mut changes: BTreeMap<&str, String> = BTreeMap::new();
    for (id, n) in &new_by {
        match old_by.get(id) {
            None => {
                changes.insert(
                    id,
                    format!("- {id} {}: newly assessed, {} {}", n.name, n.total, n.grade),
                );
            }
            Some(o) => {
                let diffs = line_changes(o, n);
                if !diffs.is_empty() {
                    changes.insert(id, format!("- {id} {}: {}", n.name, diffs.join(", ")));
                }
            }
        }
    }
    for (id, o) in &old_by {
        if !new_by.contains_key(id) {
            changes.insert(id, format!("- {id} {}: no longer assessed in {q}", o.name));
        }
    }
    let n = changes.len();
    for line in changes.values().take(30) {
        out.push_str(line);
        out.push('\n');
    }
    if n > 30 {
        out.push_str(&format!("- … and {} more cadres\n", n - 30));
    }
    out.push_str(&format!(
        "To append a correcting revision, run `kaohe settle --quarter {q} --revise` (Art.11)."
    ));
    out
}

#[cfg(test)]
mod tests {
    //! The life cycle of docs/rules.md, the settlement life cycle over a real store (redb in a temp file); the end-to-end tests
    //! in `tests/` run the same rules through the binary on both backends.

    use std::sync::Arc;

    use kaohe_domain::{
        Cadre, CadreId, Date, EntryKind, ItemId, Money, Points, Quarter, Scope, Score, Sequence,
        Subject, TownCode, VillageCode,
    };
    use kaohe_store::{AuditRecord, Store};

    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    fn audit() -> AuditRecord {
        AuditRecord {
            at_unix: 1_790_000_000,
            user: "test".into(),
            command: "test".into(),
            source_sha256: None,
            source_path: None,
            rows: 0,
            summary: "test".into(),
        }
    }

    /// Two villages of one town, five cadres each (two 正职, three 委员).
    fn roster() -> Vec<Cadre> {
        let mut out = Vec::new();
        for v in 1..=2 {
            for i in 1..=5 {
                out.push(Cadre {
                    id: CadreId::parse(&format!("V{v}-{i}")).unwrap(),
                    name: format!("干部{v}{i}"),
                    town: TownCode::parse("T1").unwrap(),
                    village: VillageCode::parse(&format!("V{v}")).unwrap(),
                    sequence: Sequence::parse(if i <= 2 { "正职" } else { "委员" }).unwrap(),
                    position: "委员".into(),
                    monthly_subsidy: Money::parse(&format!("{}.07", 1500 + 100 * i)).unwrap(),
                    start_date: Date::parse("2020-01-01").unwrap(),
                    end_date: None,
                });
            }
        }
        out
    }

    /// Every item of the default policy for `quarter`, at `share` percent of its maximum
    /// (cadre items shifted per cadre so totals differ).
    fn scores(quarter: Quarter, roster: &[Cadre], share: i64) -> Vec<Score> {
        let policy = Policy::default();
        let mut out = Vec::new();
        let villages: std::collections::BTreeSet<&VillageCode> =
            roster.iter().map(|c| &c.village).collect();
        for (_, section, item) in policy.items() {
            let subjects: Vec<(Subject, i64)> = match section.scope {
                Scope::Village => villages.iter().map(|v| (Subject::from(*v), 0)).collect(),
                Scope::Cadre => roster
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (Subject::from(&c.id), i as i64))
                    .collect(),
            };
            for (subject, shift) in subjects {
                let pct = (share - shift).clamp(0, 100);
                let points = Points::from_hundredths(item.max.hundredths() * pct / 100);
                out.push(Score {
                    quarter,
                    subject,
                    item: ItemId::parse(item.id.as_str()).unwrap(),
                    points,
                });
            }
        }
        out
    }

    async fn store() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        let s = kaohe_store_redb::RedbStore::open(dir.path().join("t.redb")).unwrap();
        (dir, Arc::new(s))
    }

    async fn seeded() -> (tempfile::TempDir, Arc<dyn Store>) {
        let (dir, s) = store().await;
        let r = roster();
        s.import_roster(&r, &audit()).await.unwrap();
        s.import_scores(&scores(q("2026Q2"), &r, 90), &audit())
            .await
            .unwrap();
        s.import_scores(&scores(q("2026Q3"), &r, 95), &audit())
            .await
            .unwrap();
        (dir, s)
    }

    const DRY_RUN: SettleOptions = SettleOptions {
        dry_run: true,
        revise: false,
        missing_as_zero: false,
    };

    async fn run(
        s: &dyn Store,
        quarter: &str,
        opts: SettleOptions,
    ) -> Result<Settlement, AppError> {
        settle(s, q(quarter), opts, &audit(), &Quiet).await
    }

    /// Per cadre, the ledger's four settlement kinds must add up to the lines' total_paid.
    async fn assert_ledger_matches_lines(s: &dyn Store, quarter: &str) {
        let lines = s.settlement_lines(q(quarter)).await.unwrap();
        let mut sums: HashMap<String, Money> = HashMap::new();
        for e in s.ledger(q(quarter)).await.unwrap() {
            assert!(e.kind.is_settlement() || e.kind == EntryKind::CompletionAward);
            *sums.entry(e.cadre_id.to_string()).or_default() += e.amount;
        }
        for l in &lines {
            assert_eq!(
                sums.remove(l.cadre_id.as_str()).unwrap_or_default(),
                l.total_paid,
                "{}",
                l.cadre_id
            );
        }
        assert!(
            sums.values().all(|m| m.is_zero()),
            "ledger of cadres without a line must net to 0: {sums:?}"
        );
    }

    /// The lines built part by part and the ledger built from them after the engine's
    /// scorecards are let go are exactly [`compute_quarter`]'s: grades of all three kinds, a
    /// cadre who leaves and one who starts during the quarter.
    #[test]
    fn lines_then_first_ledger_are_compute_quarters() {
        let quarter = q("2026Q3");
        let mut cadres = roster();
        cadres[3].end_date = Some(Date::parse("2026-08-14").unwrap());
        cadres[7].start_date = Date::parse("2026-09-02").unwrap();
        let index = RosterIndex::new(&cadres);
        let mut kinds = std::collections::BTreeSet::new();
        for share in [95, 70, 40] {
            let inputs = QuarterInputs {
                quarter,
                policy: Policy::default(),
                roster: &index,
                scores: QuarterScores::Rows(scores(quarter, &cadres, share)),
                events: Vec::new(),
                history: Vec::new(),
            };
            let (lines, ledger) = inputs.compute(false).unwrap().into_parts();
            let (built, terms) = inputs.lines(false).unwrap();
            assert_eq!(built, lines, "share {share}");
            let first = first_ledger(&inputs.policy, quarter, &built, &terms);
            assert_eq!(first, ledger, "share {share}");
            kinds.extend(ledger.iter().map(|e| e.kind));
        }
        for kind in [
            EntryKind::Base,
            EntryKind::Performance,
            EntryKind::ExcellentBonus,
            EntryKind::UnqualifiedDeduction,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
        }
    }

    #[tokio::test]
    async fn quarters_settle_in_order_and_resettling_is_a_no_op() {
        let (_d, s) = seeded().await;
        let err = run(&*s, "2026Q3", SettleOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, AppError::Refused(ref m) if m.contains("2026Q2")),
            "{err}"
        );
        assert!(s.settlement(q("2026Q3")).await.unwrap().is_none());

        let first = run(&*s, "2026Q2", SettleOptions::default()).await.unwrap();
        assert_eq!((first.status, first.revision), (SettleStatus::Settled, 1));
        assert_eq!(first.lines.len(), 10);
        let ledger = s.ledger(q("2026Q2")).await.unwrap();
        let again = run(&*s, "2026Q2", SettleOptions::default()).await.unwrap();
        assert_eq!((again.status, again.revision), (SettleStatus::Unchanged, 1));
        assert_eq!(s.ledger(q("2026Q2")).await.unwrap(), ledger);
        assert_eq!(again.lines, first.lines);
        assert_ledger_matches_lines(&*s, "2026Q2").await;

        let q3 = run(&*s, "2026Q3", SettleOptions::default()).await.unwrap();
        assert_eq!(q3.status, SettleStatus::Settled);
    }

    #[tokio::test]
    async fn a_dry_run_may_run_ahead_of_the_order_and_says_so() {
        let (_d, s) = seeded().await;
        let dry = run(&*s, "2026Q3", DRY_RUN).await.unwrap();
        assert_eq!(dry.status, SettleStatus::DryRun);
        assert!(
            dry.notes
                .iter()
                .any(|n| n.contains("2026Q2") && n.contains("dismissal_review")),
            "{:?}",
            dry.notes
        );
        assert!(s.settlement(q("2026Q3")).await.unwrap().is_none());
        // Without --dry-run the order is enforced.
        assert!(run(&*s, "2026Q3", SettleOptions::default()).await.is_err());
    }

    #[tokio::test]
    async fn roster_imports_count_unchanged_and_refuse_a_village_under_two_towns() {
        let (_d, s) = store().await;
        let r = roster();
        let (first, imported) = crate::imports::import_roster(&*s, &r, &audit())
            .await
            .unwrap();
        assert_eq!((first.added, imported.unchanged), (10, 0));
        let mut again = r.clone();
        again[0].name = "改名".into();
        let (_, imported) = crate::imports::import_roster(&*s, &again, &audit())
            .await
            .unwrap();
        assert_eq!((imported.rows, imported.unchanged), (1, 9));

        // One cadre of V1 moved to another town while the others stay: refused, once.
        let mut moved = vec![r[0].clone()];
        moved[0].town = TownCode::parse("T2").unwrap();
        let err = crate::imports::import_roster(&*s, &moved, &audit())
            .await
            .unwrap_err();
        let AppError::Conflicts(c) = &err else {
            panic!("{err}")
        };
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].key.as_str(), c[0].column), ("V1-1", "town"));
        assert!(
            c[0].message
                .contains("a village belongs to one town (Art.4")
        );
        assert_eq!(
            s.roster().await.unwrap()[0].town.as_str(),
            "T1",
            "nothing written"
        );

        // The whole village moving is allowed.
        let all: Vec<Cadre> = r[..5]
            .iter()
            .cloned()
            .map(|mut c| {
                c.town = TownCode::parse("T2").unwrap();
                c
            })
            .collect();
        crate::imports::import_roster(&*s, &all, &audit())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn dry_run_writes_nothing() {
        let (_d, s) = seeded().await;
        let dry = run(&*s, "2026Q2", DRY_RUN).await.unwrap();
        assert_eq!(dry.status, SettleStatus::DryRun);
        assert_eq!(dry.lines.len(), 10);
        assert!(s.settlement(q("2026Q2")).await.unwrap().is_none());
        assert!(s.ledger(q("2026Q2")).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn changed_inputs_are_refused_then_revised_by_appending() {
        let (_d, s) = seeded().await;
        run(&*s, "2026Q2", SettleOptions::default()).await.unwrap();
        let before = s.ledger(q("2026Q2")).await.unwrap();
        let old_lines = s.settlement_lines(q("2026Q2")).await.unwrap();

        // Lower every score of the quarter: totals and grades change.
        s.import_scores(&scores(q("2026Q2"), &roster(), 50), &audit())
            .await
            .unwrap();
        let err = run(&*s, "2026Q2", SettleOptions::default())
            .await
            .unwrap_err();
        let AppError::Refused(msg) = &err else {
            panic!("{err}")
        };
        assert!(msg.contains("--revise") && msg.contains("V1-1"), "{msg}");
        assert_eq!(
            s.ledger(q("2026Q2")).await.unwrap(),
            before,
            "a refusal writes nothing"
        );

        let rev = run(
            &*s,
            "2026Q2",
            SettleOptions {
                revise: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(rev.revision, 2);
        let SettleStatus::Revised { corrections } = rev.status else {
            panic!("{:?}", rev.status)
        };
        assert!(corrections > 0);
        let after = s.ledger(q("2026Q2")).await.unwrap();
        assert_eq!(
            &after[..before.len()],
            &before[..],
            "earlier entries are never edited"
        );
        assert!(after[before.len()..].iter().all(|e| e.revision == 2));
        assert_ne!(s.settlement_lines(q("2026Q2")).await.unwrap(), old_lines);
        assert_ledger_matches_lines(&*s, "2026Q2").await;
        // Some cadre is now unqualified: the revision carries the deduction.
        assert!(
            rev.lines
                .iter()
                .any(|l| l.grade == kaohe_domain::Grade::Unqualified)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn racing_settlements_take_effect_once() {
        let (_d, s) = seeded().await;
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let s = Arc::clone(&s);
            tasks.push(tokio::spawn(async move {
                run(&*s, "2026Q2", SettleOptions::default()).await
            }));
        }
        let mut settled = 0;
        for t in tasks {
            match t.await.unwrap().unwrap().status {
                SettleStatus::Settled => settled += 1,
                SettleStatus::Unchanged | SettleStatus::DoneElsewhere => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(settled, 1, "exactly one settlement takes effect");
        let header = s.settlement(q("2026Q2")).await.unwrap().unwrap();
        assert_eq!(header.revision, 1);
        assert_ledger_matches_lines(&*s, "2026Q2").await;
    }
}
