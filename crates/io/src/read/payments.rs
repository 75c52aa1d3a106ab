//! `awards.csv` (Art.12, Art.13) and `condolences.csv` (Art.16): payments outside the
//! quarterly settlement, checked against the roster.

use std::collections::HashMap;
use std::path::Path;

use kaohe_domain::{
    Award, AwardId, AwardKind, CadreId, Cause, Condolence, CondolenceId, Date, Difference,
    MAX_NAME_CHARS, MAX_NOTE_CHARS, Money, Subject, free_text,
};

use super::{Collector, Context, input, open, refusal};
use crate::error::{Problem, ReadError};

/// The columns of `awards.csv`.
pub const AWARDS_COLUMNS: [&str; 6] = ["award_id", "date", "payee", "kind", "amount", "reason"];
/// The columns of `condolences.csv`.
pub const CONDOLENCES_COLUMNS: [&str; 7] = [
    "condolence_id",
    "date",
    "cadre_id",
    "cause",
    "recipient",
    "amount",
    "note",
];

/// The largest payment a file may give, in yuan: it and every sum of it fit the stores'
/// amounts (12 integer digits).
pub const MAX_PAYMENT: &str = "1000000.00";

/// An amount paid (Art.12, 13, 16): more than 0, at most 2 decimals, at most [`MAX_PAYMENT`].
fn payment(s: &str) -> Result<Money, String> {
    let m = Money::parse(s).map_err(|e| e.to_string())?;
    let max = Money::parse(MAX_PAYMENT).expect("a valid bound");
    if m.is_negative() || m.is_zero() {
        return Err(format!("`{s}` must be more than 0"));
    }
    if m > max {
        return Err(format!(
            "`{s}` is more than {max}, the largest payment kaohe takes"
        ));
    }
    Ok(m)
}

/// What differs between a record stored or given earlier and one given again with the same
/// id, as the readers word it: ``date `2026-07-02` here, `2026-07-01` there``. Every "same id,
/// other content" message of a reader uses it; which fields are compared is the record kind's
/// `differences` (kaohe-domain).
pub fn here_and_there(differences: Vec<Difference>) -> Vec<String> {
    differences
        .into_iter()
        .map(|d| format!("{} `{}` here, `{}` there", d.field, d.new, d.old))
        .collect()
}

/// What differs between two awards of one id, field by field.
pub fn award_differences(old: &Award, new: &Award) -> Vec<String> {
    here_and_there(old.differences(new))
}

/// What differs between two condolence payments of one id, field by field.
pub fn condolence_differences(old: &Condolence, new: &Condolence) -> Vec<String> {
    here_and_there(old.differences(new))
}

/// Reads `awards.csv`, checked against `ctx`'s roster. See [`read_awards_bytes`].
pub fn read_awards(path: &Path, ctx: &Context<'_>) -> Result<Vec<Award>, ReadError> {
    let i = input(path)?;
    i.located(read_awards_bytes(i.name(), i.text(), ctx))
}

/// Reads awards from bytes; `file` names them in messages. Awards come back in file order, one
/// given twice with the same content once.
///
/// Checks: `award_id` a code; `date` `YYYY-MM-DD`; `kind` `completion` (Art.12) or
/// `commendation` (Art.13); `payee` a village code of the roster (the village collective) or a
/// cadre id in office on the date; `amount` more than 0 with at most 2 decimals; `reason` text;
/// Art.12's reward is one-time: a second `completion` award to one payee is refused.
pub fn read_awards_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<Vec<Award>, ReadError> {
    let table = open(file, bytes, AWARDS_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out: Vec<Award> = Vec::new();
    let mut seen: HashMap<AwardId, (usize, u64)> = HashMap::new();
    let mut completion: HashMap<Subject, (AwardId, u64)> = HashMap::new();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| {
            let [id, date, payee, kind, amount, reason] = vals;
            let before = problems.total_count();
            let mut bad = |col: &str, msg: String| problems.push(line, Some(col), msg);
            let id = AwardId::parse(id)
                .map_err(|e| bad("award_id", e.to_string()))
                .ok();
            let date = Date::parse(date)
                .map_err(|e| bad("date", e.to_string()))
                .ok();
            let kind = match AwardKind::parse(kind) {
                Some(k) => Some(k),
                None => {
                    bad(
                        "kind",
                        refusal(kind, |k| {
                            format!(
                                "`{k}` is not an award kind: completion (Art.12, one-time \
                                 reward) or commendation (Art.13)"
                            )
                        }),
                    );
                    None
                }
            };
            let amount = payment(amount).map_err(|e| bad("amount", e)).ok();
            let reason = free_text(reason, MAX_NOTE_CHARS, false)
                .map_err(|e| bad("reason", e.to_string()))
                .ok();
            let pb = payee.as_bytes();
            let payee_ref = if let Some(v) = ctx.village(pb) {
                Some(v.subject())
            } else if let Some(c) = ctx.cadre(pb) {
                match date {
                    Some(d) if d < c.start || c.end.is_some_and(|e| d > e) => {
                        bad(
                            "payee",
                            format!(
                                "cadre `{payee}` is not in office on {d} ({}); an award to a \
                                 cadre needs them in office on its date",
                                c.office()
                            ),
                        );
                        None
                    }
                    _ => Some(c.subject()),
                }
            } else {
                bad(
                    "payee",
                    refusal(payee, |p| {
                        format!("`{p}` is neither a village code nor a cadre id of the roster")
                    }),
                );
                None
            };
            if problems.total_count() != before {
                return;
            }
            let (Some(id), Some(date), Some(kind), Some(amount), Some(reason), Some(payee)) =
                (id, date, kind, amount, reason, payee_ref)
            else {
                return;
            };
            let award = Award {
                id,
                date,
                payee,
                kind,
                amount,
                reason,
            };
            if let Some(&(i, l0)) = seen.get(&award.id) {
                let diff = award_differences(&out[i], &award);
                if !diff.is_empty() {
                    problems.push(
                        line,
                        Some("award_id"),
                        format!(
                            "award `{}` is given again with other content than on line {l0}: \
                             {}; an award id names one award",
                            award.id,
                            diff.join("; ")
                        ),
                    );
                }
                return;
            }
            if award.kind == AwardKind::Completion {
                if let Some((first, l0)) = completion.get(&award.payee) {
                    problems.push(
                        line,
                        Some("payee"),
                        format!(
                            "`{}` already has the completion award `{first}` on line {l0}: \
                             Art.12's reward is one-time",
                            award.payee
                        ),
                    );
                    return;
                }
                completion.insert(award.payee.clone(), (award.id.clone(), line));
            }
            seen.insert(award.id.clone(), (out.len(), line));
            out.push(award);
        },
    );
    problems.finish(file, None)?;
    Ok(out)
}

/// Condolence payments as read, with the warnings they give (exit 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CondolencesRead {
    /// The payments, in file order.
    pub condolences: Vec<Condolence>,
    /// Located warnings: a cadre the roster still shows in office after the date of death.
    pub warnings: Vec<Problem>,
}

/// Reads `condolences.csv`, checked against `ctx`'s roster. See [`read_condolences_bytes`].
pub fn read_condolences(path: &Path, ctx: &Context<'_>) -> Result<CondolencesRead, ReadError> {
    let i = input(path)?;
    let mut read = i.located(read_condolences_bytes(i.name(), i.text(), ctx))?;
    read.warnings = i.locate_problems(std::mem::take(&mut read.warnings));
    Ok(read)
}

/// Reads condolence payments from bytes; `file` names them in messages.
///
/// Checks (Art.16): `condolence_id` a code; `date` (of death) `YYYY-MM-DD`; `cadre_id` a cadre
/// in office (在岗) on the date; `cause` `on_duty` (因公) or `disaster` (因灾); `recipient` the
/// family member paid, not empty; `amount` more than 0 with at most 2 decimals; `note` text;
/// one payment per cadre. A cadre whose roster shows them in office after the date gives a
/// warning: the roster should record the end of office.
pub fn read_condolences_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<CondolencesRead, ReadError> {
    let table = open(file, bytes, CONDOLENCES_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out: Vec<Condolence> = Vec::new();
    let mut warnings = Vec::new();
    let mut seen: HashMap<CondolenceId, (usize, u64)> = HashMap::new();
    let mut per_cadre: HashMap<CadreId, (CondolenceId, u64)> = HashMap::new();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| {
            let [id, date, cadre, cause, recipient, amount, note] = vals;
            let before = problems.total_count();
            let mut bad = |col: &str, msg: String| problems.push(line, Some(col), msg);
            let id = CondolenceId::parse(id)
                .map_err(|e| bad("condolence_id", e.to_string()))
                .ok();
            let date = Date::parse(date)
                .map_err(|e| bad("date", e.to_string()))
                .ok();
            let cause = match Cause::parse(cause) {
                Some(c) => Some(c),
                None => {
                    bad(
                        "cause",
                        refusal(cause, |c| {
                            format!(
                                "`{c}` is not a cause of Art.16: on_duty (因公) or disaster (因灾)"
                            )
                        }),
                    );
                    None
                }
            };
            let recipient = free_text(recipient, MAX_NAME_CHARS, false)
                .map_err(|e| bad("recipient", e.to_string()))
                .ok();
            let amount = payment(amount).map_err(|e| bad("amount", e)).ok();
            let note = free_text(note, MAX_NOTE_CHARS, true)
                .map_err(|e| bad("note", e.to_string()))
                .ok();
            let cadre_id = match ctx.cadre(cadre.as_bytes()) {
                Some(c) => {
                    if let Some(d) = date {
                        if d < c.start || c.end.is_some_and(|e| d > e) {
                            bad(
                                "cadre_id",
                                format!(
                                    "`{cadre}` is not in office on {d} ({}); Art.16 pays for a \
                                     cadre who died while in office (在岗)",
                                    c.office()
                                ),
                            );
                        } else if c.end.is_none_or(|e| e > d) {
                            warnings.push(Problem::at(
                                line,
                                Some("cadre_id"),
                                format!(
                                    "the roster shows `{cadre}` in office after {d} ({}): the \
                                     roster should record the end of office on {d}",
                                    c.office()
                                ),
                            ));
                        }
                    }
                    CadreId::parse(cadre).ok()
                }
                None => {
                    bad(
                        "cadre_id",
                        refusal(cadre, |c| format!("`{c}` is not a cadre id of the roster")),
                    );
                    None
                }
            };
            if problems.total_count() != before {
                return;
            }
            let (
                Some(id),
                Some(date),
                Some(cadre_id),
                Some(cause),
                Some(recipient),
                Some(amount),
                Some(note),
            ) = (id, date, cadre_id, cause, recipient, amount, note)
            else {
                return;
            };
            let c = Condolence {
                id,
                date,
                cadre_id,
                cause,
                recipient,
                amount,
                note,
            };
            if let Some(&(i, l0)) = seen.get(&c.id) {
                let diff = condolence_differences(&out[i], &c);
                if !diff.is_empty() {
                    problems.push(
                        line,
                        Some("condolence_id"),
                        format!(
                            "condolence payment `{}` is given again with other content than on \
                             line {l0}: {}; an id names one payment",
                            c.id,
                            diff.join("; ")
                        ),
                    );
                }
                return;
            }
            if let Some((first, l0)) = per_cadre.get(&c.cadre_id) {
                problems.push(
                    line,
                    Some("cadre_id"),
                    format!(
                        "`{}` already has the condolence payment `{first}` on line {l0}: Art.16 \
                         pays one per cadre",
                        c.cadre_id
                    ),
                );
                return;
            }
            per_cadre.insert(c.cadre_id.clone(), (c.id.clone(), line));
            seen.insert(c.id.clone(), (out.len(), line));
            out.push(c);
        },
    );
    problems.finish(file, None)?;
    Ok(CondolencesRead {
        condolences: out,
        warnings,
    })
}
