//! Imports that need the store: checks across files and the notice that a settled quarter
//! needs a revision (SPEC 3.5, 5.1). Files are read and checked by `kaohe-io` first; a file
//! with any problem imports nothing.

use std::collections::{BTreeSet, HashMap};

use kaohe_domain::{Cadre, Event, Policy, Quarter, Score};
use kaohe_store::{AuditRecord, EventImport, RosterImport, Store};

use crate::AppError;
use crate::lifecycle::QuarterInputs;

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

/// Imports a roster (SPEC 5.1): adds or updates cadres by `cadre_id`. Refuses a village that
/// would stand under two towns once the file is merged with the stored roster.
pub async fn import_roster(
    store: &dyn Store,
    cadres: &[Cadre],
    audit: &AuditRecord,
) -> Result<(RosterImport, Imported), AppError> {
    let stored = store.roster().await?;
    let incoming: HashMap<&str, &Cadre> = cadres.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut town_of: HashMap<&str, (&str, &str)> = HashMap::new(); // village -> (town, cadre)
    for c in cadres {
        town_of
            .entry(c.village.as_str())
            .or_insert((c.town.as_str(), c.id.as_str()));
    }
    let mut problems = Vec::new();
    for c in stored
        .iter()
        .filter(|c| !incoming.contains_key(c.id.as_str()))
    {
        if let Some((town, by)) = town_of.get(c.village.as_str())
            && *town != c.town.as_str()
        {
            problems.push(format!(
                "village {} is under town {town} in this file (cadre {by}) but under town {} in \
                 the store (cadre {}); a village belongs to one town (SPEC 2)",
                c.village, c.town, c.id
            ));
        }
    }
    if !problems.is_empty() {
        problems.truncate(50);
        return Err(AppError::Invalid(format!(
            "roster refused, nothing imported:\n{}",
            problems.join("\n")
        )));
    }
    let touched = touched_quarters_roster(store, &stored, cadres).await?;
    let result = store.import_roster(cadres, audit).await?;
    let needs_revision = needing_revision(store, touched).await?;
    Ok((
        result,
        Imported {
            rows: result.added + result.updated,
            unchanged: 0,
            needs_revision,
        },
    ))
}

/// Imports scores (SPEC 5.1): replaces the same (quarter, subject, item).
pub async fn import_scores(
    store: &dyn Store,
    scores: &[Score],
    audit: &AuditRecord,
) -> Result<Imported, AppError> {
    let touched: BTreeSet<Quarter> = scores.iter().map(|s| s.quarter).collect();
    let rows = store.import_scores(scores, audit).await?;
    let needs_revision = needing_revision(store, touched).await?;
    Ok(Imported {
        rows,
        unchanged: 0,
        needs_revision,
    })
}

/// Imports events (SPEC 5.1): the same `event_id` with the same content is a no-op; with other
/// content the whole file is refused, naming what differs.
pub async fn import_events(
    store: &dyn Store,
    events: &[Event],
    audit: &AuditRecord,
) -> Result<Imported, AppError> {
    let touched: BTreeSet<Quarter> = events.iter().map(Event::quarter).collect();
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

/// Sets the policy in force from quarter `from` on (`kaohe policy set`). A settled quarter keeps
/// the policy it was settled with until it is revised; the settled quarters whose policy this
/// changes are returned as needing a revision.
pub async fn set_policy(
    store: &dyn Store,
    from: Quarter,
    policy: &Policy,
    audit: &AuditRecord,
) -> Result<Vec<Quarter>, AppError> {
    policy
        .validate()
        .map_err(|e| AppError::Invalid(e.to_string()))?;
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

/// Of `quarters`, those settled whose inputs now give another fingerprint than the one they
/// were settled from.
async fn needing_revision(
    store: &dyn Store,
    quarters: BTreeSet<Quarter>,
) -> Result<Vec<Quarter>, AppError> {
    let mut out = Vec::new();
    for q in quarters {
        let Some(header) = store.settlement(q).await? else {
            continue;
        };
        let inputs = QuarterInputs::load(store, q).await?;
        let same = [false, true]
            .iter()
            .any(|&m| inputs.fingerprint(m) == header.fingerprint);
        if !same {
            out.push(q);
        }
    }
    Ok(out)
}
