//! Imports that need the store: checks across files and the notice that a settled quarter
//! needs a revision (docs/rules.md, the settlement life cycle; docs/guide.md, file formats). Files are read and checked by `kaohe-io` first; a file
//! with any problem imports nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use kaohe_domain::{Cadre, Event, EventId, Policy, Quarter};
use kaohe_store::{AuditRecord, EventImport, RosterImport, ScoreSheet, Store};

use crate::{AppError, Conflict};

/// What an import did, and which settled quarters it leaves needing a revision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Rows written (added or replaced).
    pub rows: u64,
    /// Rows already stored with the same content.
    pub unchanged: u64,
    /// Settled quarters whose inputs now differ from what they were settled from.
    pub needs_revision: Vec<Quarter>,
}

/// Imports a roster (docs/guide.md, file formats): adds or updates cadres by `cadre_id`. Refuses a village that
/// would stand under two towns once the file is merged with the stored roster.
pub async fn import_roster(
    store: &dyn Store,
    cadres: &[Cadre],
    audit: &AuditRecord,
) -> Result<(RosterImport, Imported), AppError> {
    let stored = store.roster().await?;
    let conflicts = village_conflicts(&stored, cadres);
    if !conflicts.is_empty() {
        return Err(AppError::Conflicts(conflicts));
    }
    let touched = touched_quarters_roster(store, &stored, cadres).await?;
    let before: HashMap<&str, &Cadre> = stored.iter().map(|c| (c.id.as_str(), c)).collect();
    let unchanged = cadres
        .iter()
        .filter(|c| before.get(c.id.as_str()) == Some(c))
        .count() as u64;
    let result = store.import_roster(cadres, audit).await?;
    let needs_revision = needing_revision(store, touched).await?;
    Ok((
        result,
        Imported {
            rows: result.added + result.updated - unchanged.min(result.updated),
            unchanged,
            needs_revision,
        },
    ))
}

/// Villages the file puts under another town than the store does (docs/rules.md Art.2: a village belongs
/// to one town), once per village and file town: the first file row of each. Stored cadres
/// that the file replaces do not count, so a file may move a whole village.
fn village_conflicts(stored: &[Cadre], cadres: &[Cadre]) -> Vec<Conflict> {
    let incoming: HashSet<&str> = cadres.iter().map(|c| c.id.as_str()).collect();
    let mut store_town: HashMap<&str, &Cadre> = HashMap::new();
    for c in stored.iter().filter(|c| !incoming.contains(c.id.as_str())) {
        store_town.entry(c.village.as_str()).or_insert(c);
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for c in cadres {
        let Some(s) = store_town.get(c.village.as_str()) else {
            continue;
        };
        if s.town != c.town && seen.insert((c.village.as_str(), c.town.as_str())) {
            out.push(Conflict {
                key: c.id.to_string(),
                column: "town",
                message: format!(
                    "village {} is under town {} here but under town {} in the store (cadre {}); \
                     a village belongs to one town (Art.4: towns run the appraisal)",
                    c.village, c.town, s.town, s.id
                ),
            });
        }
    }
    out
}

/// Imports scores (docs/guide.md, file formats): replaces the same (quarter, subject, item).
/// Each quarter's scores come in their grid, named by the roster and the policy in force for
/// it; nothing is held as one record per score.
pub async fn import_scores(
    store: &dyn Store,
    sheets: &[ScoreSheet<'_>],
    audit: &AuditRecord,
) -> Result<Imported, AppError> {
    let touched: BTreeSet<Quarter> = sheets.iter().map(|s| s.grid.quarter()).collect();
    let rows = store.import_score_sheets(sheets, audit).await?;
    let needs_revision = needing_revision(store, touched).await?;
    Ok(Imported {
        rows,
        unchanged: 0,
        needs_revision,
    })
}

/// Imports events (docs/guide.md, file formats): the same `event_id` with the same content is a no-op; with other
/// content the whole file is refused, naming what differs.
pub async fn import_events(
    store: &dyn Store,
    events: &[Event],
    audit: &AuditRecord,
) -> Result<Imported, AppError> {
    let touched: BTreeSet<Quarter> = events.iter().map(Event::quarter).collect();
    // Checked here first to name every conflict the same way on every store, with its line:
    // every stored event of these ids, whatever its quarter (a changed date may move an event
    // to another quarter) and withdrawn or not. The store checks again inside its
    // transaction, which settles a race.
    let ids: Vec<EventId> = events.iter().map(|e| e.id.clone()).collect();
    let stored: HashMap<EventId, Event> = store
        .events_by_id(&ids)
        .await?
        .into_iter()
        .map(|s| (s.record.id.clone(), s.record))
        .collect();
    let mut seen = HashSet::new();
    let conflicts: Vec<Conflict> = events
        .iter()
        .filter(|e| seen.insert(&e.id))
        .filter_map(|e| stored.get(&e.id).and_then(|old| event_conflict(old, e)))
        .collect();
    if !conflicts.is_empty() {
        return Err(AppError::Conflicts(conflicts));
    }
    let EventImport { added, unchanged } = store.import_events(events, audit).await?;
    let needs_revision = if added > 0 {
        needing_revision(store, touched).await?
    } else {
        Vec::new()
    };
    Ok(Imported {
        rows: added,
        unchanged,
        needs_revision,
    })
}

/// The conflict of an incoming event with the stored one of the same id, if they differ
/// (docs/guide.md, file formats: the same id again with other content is an error naming what differs).
fn event_conflict(old: &Event, new: &Event) -> Option<Conflict> {
    let diffs = kaohe_io::event_differences(old, new);
    (!diffs.is_empty()).then(|| Conflict {
        key: new.id.to_string(),
        column: "event_id",
        message: format!(
            "event `{}` is already stored with other content: {} (\"there\" is the store); an \
             event id names one event: give a correction a new id, or withdraw the wrong one (`kaohe withdraw event ID`)",
            new.id,
            diffs.join("; ")
        ),
    })
}

/// Sets the policy in force from quarter `from` on (`kaohe policy set`). A settled quarter keeps
/// the policy it was settled with until it is revised; the settled quarters whose policy this
/// changes are returned as needing a revision.
pub async fn set_policy(
    store: &dyn Store,
    from: Quarter,
    policy: &Policy,
    audit: &AuditRecord,
) -> Result<Vec<Quarter>, AppError> {
    store.set_policy(from, policy, audit).await?;
    let touched: BTreeSet<Quarter> = store
        .settled_quarters()
        .await?
        .into_iter()
        .filter(|q| *q >= from)
        .collect();
    needing_revision(store, touched).await
}

/// Settled quarters in which an added or changed cadre is (or was) assessed.
async fn touched_quarters_roster(
    store: &dyn Store,
    stored: &[Cadre],
    cadres: &[Cadre],
) -> Result<BTreeSet<Quarter>, AppError> {
    let settled = store.settled_quarters().await?;
    if settled.is_empty() {
        return Ok(BTreeSet::new());
    }
    let before: HashMap<&str, &Cadre> = stored.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut out = BTreeSet::new();
    for c in cadres {
        let old = before.get(c.id.as_str());
        if old.is_some_and(|o| *o == c) {
            continue;
        }
        for q in &settled {
            if c.assessed_in(*q) || old.is_some_and(|o| o.assessed_in(*q)) {
                out.insert(*q);
            }
        }
    }
    Ok(out)
}

/// Of `quarters`, those settled whose lines would change if settled again now (3.10): a
/// change of inputs that changes no value of a line (a roster edit touching later quarters
/// only) leaves the quarter as it is.
pub(crate) async fn needing_revision(
    store: &dyn Store,
    quarters: BTreeSet<Quarter>,
) -> Result<Vec<Quarter>, AppError> {
    let mut out = Vec::new();
    for q in quarters {
        if let Some(header) = store.settlement(q).await?
            && crate::lifecycle::lines_would_change(store, &header).await?
        {
            out.push(q);
        }
    }
    Ok(out)
}
