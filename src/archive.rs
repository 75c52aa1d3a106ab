//! The two archives of Art.15 and the supervision records of Art.14:
//!
//! - `kaohe import inspections|health`: supervision records (by `inspection_id`, never
//!   replaced) and health check-ups (replaced by (cadre, date)), each with its audit record.
//! - [`archive`]: a cadre's work archive (工作档案) — the roster row and its history, every
//!   appraisal with its section subtotals, the events that counted, supervision records,
//!   awards, condolences and every payment with totals per year — and, only when asked, the
//!   health archive (健康档案), whose every showing is written to the audit log first.
//! - [`health_due`]: who has no check-up in a year.
//!
//! Supervision records change no score (Art.14: the town scores the card, using them); they
//! are evidence, shown beside the appraisals and by `explain`.

use std::collections::{BTreeMap, HashMap, HashSet};

use kaohe_domain::{
    Cadre, CadreId, Date, Event, HealthRecord, Inspection, Money, Policy, Quarter, Score,
    SettlementLine,
};
use kaohe_report::{ArchiveAppraisal, ArchiveEvent, ArchiveView, RosterChange, SectionSubtotal};
use kaohe_store::{AuditRecord, RecordImport, RosterImport, Store, StoreError};

use crate::{AppError, Conflict};

/// Imports supervision records (Art.14), already read and checked against the roster: every
/// subject must be a village code or cadre id of the stored roster, and a record stored under
/// the same `inspection_id` with other content refuses the file (the same content again is a
/// no-op). Nothing of a refused file is written.
pub async fn import_inspections(
    store: &dyn Store,
    records: &[Inspection],
    audit: &AuditRecord,
) -> Result<RecordImport, AppError> {
    let roster = store.roster().await?;
    let known: HashSet<&str> = roster
        .iter()
        .flat_map(|c| [c.id.as_str(), c.village.as_str()])
        .collect();
    let stored = store.inspections().await?;
    let by_id: HashMap<&str, &Inspection> = stored.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut conflicts = Vec::new();
    for r in records {
        if !known.contains(r.subject.as_str()) {
            conflicts.push(Conflict {
                key: r.id.to_string(),
                column: "subject",
                message: format!(
                    "`{}` is neither a village code nor a cadre id of the roster (Art.14: \
                     supervision is of a village or a cadre); import the roster first",
                    r.subject
                ),
            });
        }
        if let Some(old) = by_id.get(r.id.as_str()) {
            let diffs = kaohe_io::inspection_differences(old, r);
            if !diffs.is_empty() {
                conflicts.push(Conflict {
                    key: r.id.to_string(),
                    column: "inspection_id",
                    message: format!(
                        "supervision record `{}` is already stored with other content: {} \
                         (\"there\" is the store); an inspection id names one record: give a \
                         correction a new id",
                        r.id,
                        diffs.join("; ")
                    ),
                });
            }
        }
    }
    if !conflicts.is_empty() {
        return Err(AppError::Conflicts(conflicts));
    }
    Ok(store.import_inspections(records, audit).await?)
}

/// Imports health check-ups (Art.15, the health archive), already read and checked against the
/// roster: every `cadre_id` must be in the stored roster. A check-up stored for the same
/// (cadre, date) is replaced.
pub async fn import_health(
    store: &dyn Store,
    records: &[HealthRecord],
    audit: &AuditRecord,
) -> Result<RosterImport, AppError> {
    let roster = store.roster().await?;
    let known: HashSet<&str> = roster.iter().map(|c| c.id.as_str()).collect();
    let mut seen = HashSet::new();
    let conflicts: Vec<Conflict> = records
        .iter()
        .filter(|r| !known.contains(r.cadre_id.as_str()) && seen.insert(r.cadre_id.as_str()))
        .map(|r| Conflict {
            key: r.cadre_id.to_string(),
            column: "cadre_id",
            message: format!(
                "`{}` is not a cadre id of the roster; import the roster first",
                r.cadre_id
            ),
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(AppError::Conflicts(conflicts));
    }
    Ok(store.import_health(records, audit).await?)
}

/// The cadres in office on at least one day of `year` with no check-up dated in it (Art.15:
/// a yearly check-up), by cadre id.
pub async fn health_due(store: &dyn Store, year: u16) -> Result<Vec<Cadre>, AppError> {
    let (Some(first), Some(last)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else {
        return Err(AppError::Invalid(format!("--year {year}: not a year")));
    };
    let checked: HashSet<CadreId> = store
        .health_records()
        .await?
        .into_iter()
        .filter(|h| h.date.year() == year)
        .map(|h| h.cadre_id)
        .collect();
    let mut due: Vec<Cadre> = store
        .roster()
        .await?
        .into_iter()
        .filter(|c| c.start_date <= last && c.end_date.is_none_or(|e| e >= first))
        .filter(|c| !checked.contains(&c.id))
        .collect();
    due.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(due)
}

/// What `kaohe archive` is asked to show.
#[derive(Debug, Clone)]
pub struct ArchiveRequest {
    /// The cadre.
    pub cadre: CadreId,
    /// Today (UTC): payments are looked for up to its quarter (monthly base paid before a
    /// quarter is settled).
    pub today: Date,
    /// `Some` to include the health archive: this record of the showing (command, user,
    /// time) is written to the audit log, with a summary naming the cadre, before any health
    /// data is read.
    pub health: Option<AuditRecord>,
}

/// The most quarters a cadre's payments are looked for in (a century).
const MAX_QUARTERS: usize = 400;

/// Reads a cadre's archive (Art.15; see the module notes).
pub async fn archive(store: &dyn Store, req: &ArchiveRequest) -> Result<ArchiveView, AppError> {
    let id = &req.cadre;
    let cadre = store
        .roster()
        .await?
        .into_iter()
        .find(|c| &c.id == id)
        .ok_or_else(|| AppError::Invalid(format!("no cadre `{id}` in the roster")))?;

    let versions = store.roster_history(id).await?;
    let mut history = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let after = versions.get(i + 1).map_or(&cadre, |n| &n.cadre);
        history.push(RosterChange {
            at_unix: v.replaced_at_unix,
            file: v.replaced_by_file.clone(),
            changes: kaohe_report::cadre_changes(&v.cadre, after),
        });
    }

    let settled = store.settled_quarters().await?;
    let mut appraisals = Vec::new();
    let mut events = Vec::new();
    let mut village_of: HashMap<Quarter, String> = HashMap::new();
    for &q in &settled {
        let Some(line) = store
            .settlement_lines(q)
            .await?
            .into_iter()
            .find(|l| &l.cadre_id == id)
        else {
            continue;
        };
        village_of.insert(q, line.village.to_string());
        let header = store.settlement(q).await?;
        let policy = match &header {
            Some(h) => Policy::from_toml(&h.policy_toml).map_err(|e| {
                AppError::Store(StoreError::Corrupt(format!("stored policy of {q}: {e}")))
            })?,
            None => continue,
        };
        let scores = store.scores(q).await?;
        let quarter_events = store.events(q).await?;
        let card = scorecard(&policy, &cadre, &line, &scores, &quarter_events);
        match card {
            Some((sections, counted)) => {
                events.extend(counted);
                appraisals.push(ArchiveAppraisal {
                    line,
                    sections: Some(sections),
                    qualified_min_score: policy.qualified_min_score,
                    excellent_min_score: policy.excellent_min_score,
                });
            }
            None => {
                events.extend(
                    quarter_events
                        .into_iter()
                        .filter(|e| {
                            cadre.in_office_on(e.date)
                                && (e.subject.as_str() == id.as_str()
                                    || e.subject.as_str() == line.village.as_str())
                        })
                        .map(|event| ArchiveEvent {
                            event,
                            points: None,
                        }),
                );
                appraisals.push(ArchiveAppraisal {
                    line,
                    sections: None,
                    qualified_min_score: policy.qualified_min_score,
                    excellent_min_score: policy.excellent_min_score,
                });
            }
        }
    }
    events.sort_by(|a, b| (a.event.date, &a.event.id).cmp(&(b.event.date, &b.event.id)));

    // Art.14: records on the cadre, or on the village the cadre was in that quarter, while in
    // office.
    let inspections: Vec<Inspection> = store
        .inspections()
        .await?
        .into_iter()
        .filter(|i| {
            let village = village_of
                .get(&i.quarter())
                .map_or(cadre.village.as_str(), String::as_str);
            cadre.in_office_on(i.date)
                && (i.subject.as_str() == id.as_str() || i.subject.as_str() == village)
        })
        .collect();

    let awards: Vec<_> = store
        .awards()
        .await?
        .into_iter()
        .filter(|a| a.record.payee.as_str() == id.as_str())
        .collect();
    let condolences: Vec<_> = store
        .condolences()
        .await?
        .into_iter()
        .filter(|c| &c.record.cadre_id == id)
        .collect();

    // Every quarter a payment to the cadre can be in: from the first day in office (any
    // version of the row) to the latest of today, the settled quarters and the awards and
    // condolences.
    let first = versions
        .iter()
        .map(|v| v.cadre.start_date)
        .chain([cadre.start_date])
        .min()
        .map_or(Quarter::of(req.today), Quarter::of);
    let last = settled
        .iter()
        .copied()
        .chain(awards.iter().map(|a| a.record.quarter()))
        .chain(condolences.iter().map(|c| c.record.quarter()))
        .chain([Quarter::of(req.today)])
        .max()
        .unwrap_or(first);
    let mut payments = Vec::new();
    let mut q = first;
    for _ in 0..MAX_QUARTERS {
        if q > last {
            break;
        }
        payments.extend(
            store
                .ledger(q)
                .await?
                .into_iter()
                .filter(|e| &e.cadre_id == id),
        );
        q = q.next();
    }
    payments.sort_by_key(|e| (e.quarter, e.entry));
    let mut totals: BTreeMap<u16, Money> = BTreeMap::new();
    for p in &payments {
        let t = totals.entry(p.year()).or_insert(Money::ZERO);
        *t += p.amount;
    }

    let health = match &req.health {
        None => None,
        Some(audit) => {
            // Art.15: personal health data; the showing is on the audit log before any of it
            // is read.
            let record = AuditRecord {
                rows: 0,
                source_sha256: None,
                source_path: None,
                summary: format!("health archive shown (Art.15): {} {}", cadre.id, cadre.name),
                ..audit.clone()
            };
            store.record_audit(&record).await?;
            Some(
                store
                    .health_records()
                    .await?
                    .into_iter()
                    .filter(|h| &h.cadre_id == id)
                    .collect(),
            )
        }
    };

    Ok(ArchiveView {
        cadre,
        history,
        appraisals,
        events,
        inspections,
        awards,
        condolences,
        payments,
        year_totals: totals.into_iter().collect(),
        health,
    })
}

/// The section subtotals (Art.7) and counted events (Art.8) of `line`, recomputed with
/// `kaohe-scoring` from the quarter's stored scores under the policy its settlement stored:
/// the cadre alone, in the town, village and sequence of the line, with the scores and events
/// of the cadre and that village. `None` when they no longer score (a stored value that the
/// settlement's policy refuses).
fn scorecard(
    policy: &Policy,
    cadre: &Cadre,
    line: &SettlementLine,
    scores: &[Score],
    events: &[Event],
) -> Option<(Vec<SectionSubtotal>, Vec<ArchiveEvent>)> {
    let mut one = cadre.clone();
    one.town = line.town.clone();
    one.village = line.village.clone();
    one.sequence = line.sequence.clone();
    let ours = |s: &str| s == one.id.as_str() || s == one.village.as_str();
    let scores: Vec<Score> = scores
        .iter()
        .filter(|s| ours(s.subject.as_str()))
        .cloned()
        .collect();
    let events: Vec<Event> = events
        .iter()
        .filter(|e| ours(e.subject.as_str()))
        .cloned()
        .collect();
    let roster = [one];
    let cards = kaohe_scoring::score_quarter(&kaohe_scoring::ScoringInput {
        quarter: line.quarter,
        policy,
        roster: &roster,
        roster_index: None,
        scores: (&scores).into(),
        events: &events,
        missing_as_zero: true,
    })
    .ok()?;
    let i = cards.position(&line.cadre_id)?;
    let sections = cards
        .section_subtotals(i)
        .map(|(s, points)| SectionSubtotal {
            id: s.id.to_string(),
            name: s.name.clone(),
            max: s.max,
            points,
        })
        .collect();
    let counted = cards
        .events(i)
        .map(|c| ArchiveEvent {
            event: c.event.clone(),
            points: Some(c.points),
        })
        .collect();
    Some((sections, counted))
}

/// The supervision records (Art.14) of quarter `q` on `cadre` or on the cadre's village, dated
/// while the cadre was in office, by date: the evidence `explain` lists beside the scorecard.
pub async fn supervision_in(
    store: &dyn Store,
    q: Quarter,
    cadre: &Cadre,
) -> Result<Vec<Inspection>, AppError> {
    Ok(store
        .inspections()
        .await?
        .into_iter()
        .filter(|i| {
            q.contains(i.date)
                && cadre.in_office_on(i.date)
                && (i.subject.as_str() == cadre.id.as_str()
                    || i.subject.as_str() == cadre.village.as_str())
        })
        .collect())
}
