//! `inspections.csv` (Art.14, daily supervision) and `health.csv` (Art.15, the health
//! archive), checked against the roster.

use std::collections::HashMap;
use std::path::Path;

use kaohe_domain::{
    Area, CadreId, Date, Finding, HealthRecord, Inspection, InspectionId, MAX_NAME_CHARS,
    MAX_NOTE_CHARS, free_text,
};

use super::payments::here_and_there;
use super::{Collector, Context, load, open, refusal};
use crate::error::ReadError;

/// The columns of `inspections.csv`.
pub const INSPECTIONS_COLUMNS: [&str; 6] = [
    "inspection_id",
    "date",
    "subject",
    "area",
    "finding",
    "note",
];
/// The columns of `health.csv`.
pub const HEALTH_COLUMNS: [&str; 5] = ["cadre_id", "date", "institution", "conclusion", "note"];

/// What differs between two supervision records of one id: empty when
/// they are the same record, and importing it again is then a no-op.
pub fn inspection_differences(old: &Inspection, new: &Inspection) -> Vec<String> {
    here_and_there(old.differences(new))
}

/// Reads `inspections.csv`, checked against `ctx`'s roster. See [`read_inspections_bytes`].
pub fn read_inspections(path: &Path, ctx: &Context<'_>) -> Result<Vec<Inspection>, ReadError> {
    let (file, bytes) = load(path)?;
    read_inspections_bytes(&file, &bytes, ctx)
}

/// Reads supervision records (Art.14) from bytes; `file` names them in messages. Records come
/// back in file order, one given twice with the same content once.
///
/// Checks: `inspection_id` a code; `date` `YYYY-MM-DD`; `subject` a village code or a cadre id
/// of the roster; `area` one of Art.14's four (`archives`, `policy`, `measures`, `industry`);
/// `finding` `good`, `fair` or `poor`; `note` text of at most 1,000 characters; the same
/// `inspection_id` again only with the same content.
pub fn read_inspections_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<Vec<Inspection>, ReadError> {
    let table = open(file, bytes, INSPECTIONS_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out: Vec<Inspection> = Vec::new();
    let mut seen: HashMap<InspectionId, (usize, u64)> = HashMap::new();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| {
            let [id, date, subject, area, finding, note] = vals;
            let before = problems.total_count();
            let mut bad = |col: &str, msg: String| problems.push(line, Some(col), msg);
            let id = InspectionId::parse(id)
                .map_err(|e| bad("inspection_id", e.to_string()))
                .ok();
            let date = Date::parse(date)
                .map_err(|e| bad("date", e.to_string()))
                .ok();
            let sb = subject.as_bytes();
            let subject = match ctx.village(sb) {
                Some(v) => Some(v.subject()),
                None => match ctx.cadre(sb) {
                    Some(c) => Some(c.subject()),
                    None => {
                        let msg = if subject.is_empty() {
                            "is empty".to_owned()
                        } else {
                            refusal(subject, |s| {
                                format!(
                                    "`{s}` is neither a village code nor a cadre id of the \
                                     roster (Art.14: supervision is of a village or a cadre)"
                                )
                            })
                        };
                        bad("subject", msg);
                        None
                    }
                },
            };
            let area = match Area::parse(area) {
                Some(a) => Some(a),
                None => {
                    bad(
                        "area",
                        refusal(area, |a| {
                            format!(
                                "`{a}` is not one of Art.14's areas: archives (档案资料整理), \
                                 policy (脱贫政策掌握), measures (扶贫措施推进), industry \
                                 (产业规划实施)"
                            )
                        }),
                    );
                    None
                }
            };
            let finding = match Finding::parse(finding) {
                Some(f) => Some(f),
                None => {
                    bad(
                        "finding",
                        refusal(finding, |f| {
                            format!("`{f}` is not a finding: good (好), fair (一般) or poor (差)")
                        }),
                    );
                    None
                }
            };
            let note = free_text(note, MAX_NOTE_CHARS, true)
                .map_err(|e| bad("note", e.to_string()))
                .ok();
            if problems.total_count() != before {
                return;
            }
            let (Some(id), Some(date), Some(subject), Some(area), Some(finding), Some(note)) =
                (id, date, subject, area, finding, note)
            else {
                return;
            };
            let record = Inspection {
                id,
                date,
                subject,
                area,
                finding,
                note,
            };
            if let Some(&(i, l0)) = seen.get(&record.id) {
                let diff = inspection_differences(&out[i], &record);
                if !diff.is_empty() {
                    problems.push(
                        line,
                        Some("inspection_id"),
                        format!(
                            "supervision record `{}` is given again with other content than on \
                             line {l0}: {}; an inspection id names one record",
                            record.id,
                            diff.join("; ")
                        ),
                    );
                }
                return;
            }
            seen.insert(record.id.clone(), (out.len(), line));
            out.push(record);
        },
    );
    problems.finish(file, None)?;
    Ok(out)
}

/// Reads `health.csv`, checked against `ctx`'s roster. See [`read_health_bytes`].
pub fn read_health(path: &Path, ctx: &Context<'_>) -> Result<Vec<HealthRecord>, ReadError> {
    let (file, bytes) = load(path)?;
    read_health_bytes(&file, &bytes, ctx)
}

/// Reads health check-up records (Art.15, the health archive) from bytes; `file` names them
/// in messages. Records come back in file order.
///
/// Checks: `cadre_id` a cadre of the roster; `date` `YYYY-MM-DD`; `institution` text of at
/// most 64 characters, not empty; `conclusion` text of at most 1,000 characters, not empty;
/// `note` text; one row per (`cadre_id`, `date`): a key given twice in one file is refused.
///
/// The messages never quote `institution`, `conclusion` or `note`: they are personal health
/// data, and a message may end up in a terminal log.
pub fn read_health_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<Vec<HealthRecord>, ReadError> {
    let table = open(file, bytes, HEALTH_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out: Vec<HealthRecord> = Vec::new();
    let mut seen: HashMap<(CadreId, Date), u64> = HashMap::new();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| {
            let [cadre, date, institution, conclusion, note] = vals;
            let before = problems.total_count();
            let mut bad = |col: &str, msg: String| problems.push(line, Some(col), msg);
            let cadre_id = match ctx.cadre(cadre.as_bytes()) {
                Some(_) => CadreId::parse(cadre)
                    .map_err(|e| bad("cadre_id", e.to_string()))
                    .ok(),
                None => {
                    let msg = if cadre.is_empty() {
                        "is empty".to_owned()
                    } else {
                        refusal(cadre, |c| format!("`{c}` is not a cadre id of the roster"))
                    };
                    bad("cadre_id", msg);
                    None
                }
            };
            let date = Date::parse(date)
                .map_err(|e| bad("date", e.to_string()))
                .ok();
            let text = |raw: &str, max: usize, may_be_empty: bool| {
                free_text(raw, max, may_be_empty).map_err(|e| private(&e))
            };
            let institution = text(institution, MAX_NAME_CHARS, false)
                .map_err(|e| bad("institution", e))
                .ok();
            let conclusion = text(conclusion, MAX_NOTE_CHARS, false)
                .map_err(|e| bad("conclusion", e))
                .ok();
            let note = text(note, MAX_NOTE_CHARS, true)
                .map_err(|e| bad("note", e))
                .ok();
            if problems.total_count() != before {
                return;
            }
            let (Some(cadre_id), Some(date), Some(institution), Some(conclusion), Some(note)) =
                (cadre_id, date, institution, conclusion, note)
            else {
                return;
            };
            if let Some(l0) = seen.get(&(cadre_id.clone(), date)) {
                problems.push(
                    line,
                    Some("date"),
                    format!(
                        "`{cadre_id}` has a check-up on {date} on line {l0} already; one row per \
                         check-up (cadre_id, date)"
                    ),
                );
                return;
            }
            seen.insert((cadre_id.clone(), date), line);
            out.push(HealthRecord {
                cadre_id,
                date,
                institution,
                conclusion,
                note,
            });
        },
    );
    problems.finish(file, None)?;
    Ok(out)
}

/// Why a health text field is refused, without quoting it (it is personal health data).
fn private(e: &kaohe_domain::ParseError) -> String {
    use kaohe_domain::ParseError as P;
    match e {
        P::Empty => "is empty".to_owned(),
        P::Control { code, at, .. } => format!(
            "holds a control character ({code}) at character {at}; text fields hold none \
             (retype the value without tabs, line breaks or other invisible characters)"
        ),
        P::Formula { first, .. } => {
            format!("begins with `{first}`: a spreadsheet would run it as a formula")
        }
        P::TooLong { chars, max } => {
            format!("is {chars} characters long; at most {max} are allowed")
        }
        _ => "is not valid text".to_owned(),
    }
}
