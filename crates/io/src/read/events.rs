//! `events.csv` (docs/guide.md, file formats): Art.8's bonus and deduction events.

use std::path::Path;

use kaohe_domain::{
    Date, Event, EventId, EventKind, EventPoints, Level, MAX_NOTE_CHARS, ParseError, Policy,
    Quarter, Scope, Subject, free_text,
};

use super::{Collector, Context, input, open, refusal};
use crate::error::ReadError;
use crate::hash::Map;

/// The columns of `events.csv`.
pub const EVENTS_COLUMNS: [&str; 6] = ["event_id", "date", "subject", "kind", "level", "note"];

/// Reads `events.csv`, checked against `ctx`. See [`read_events_bytes`].
pub fn read_events(path: &Path, ctx: &Context<'_>) -> Result<Vec<Event>, ReadError> {
    let i = input(path)?;
    i.located(read_events_bytes(i.name(), i.text(), ctx))
}

fn levels_of(kind: &str, p: &EventPoints) -> String {
    match p {
        EventPoints::Levels(t) => {
            let names: Vec<&str> = t.keys().map(|l| l.as_str()).collect();
            format!("kind `{kind}` has the levels {}", names.join(", "))
        }
        EventPoints::Flat(_) => format!("kind `{kind}` has no levels"),
    }
}

/// Reads events from bytes; `file` names it in messages. Events come back in file order, an
/// event given twice with the same content once.
///
/// Checks (docs/rules.md Art.8; docs/guide.md, file formats): `event_id` a code; `date` `YYYY-MM-DD` in a quarter with a policy
/// in force; `kind` one of that policy's kinds; `level` empty exactly for a kind without levels,
/// otherwise one of the kind's levels; `subject` a village code or cadre id of the roster, by the
/// kind's scope (whether the cadre was in office on the date decides whether the event counts,
/// docs/rules.md Art.8, not whether it is valid); `note` text of at most 1,000 characters, trimmed; no
/// field holds a control character or begins with `=`, `+`, `-` or `@`
/// ([`kaohe_domain::check_text`]); the same `event_id` again only with the same content.
pub fn read_events_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<Vec<Event>, ReadError> {
    let table = open(file, bytes, EVENTS_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out: Vec<Event> = Vec::new();
    let mut seen: Map<EventId, (usize, u64)> = Map::default();
    let mut policies: Map<Quarter, Option<&Policy>> = Map::default();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| {
            let [id, date, subject, kind, level, note] = vals;
            let before = problems.total_count();
            let id = EventId::parse(id)
                .map_err(|e| problems.push(line, Some("event_id"), e.to_string()))
                .ok();
            let date = Date::parse(date)
                .map_err(|e| problems.push(line, Some("date"), e.to_string()))
                .ok();
            let policy = date.and_then(|d| {
                let q = Quarter::of(d);
                let p = *policies.entry(q).or_insert_with(|| ctx.policy_for(q));
                if p.is_none() {
                    problems.push(
                        line,
                        Some("date"),
                        format!(
                            "no policy is in force for {q}, the quarter of {d}; set one first \
                             (`kaohe policy set FILE --from QUARTER`)"
                        ),
                    );
                }
                p.map(|p| (q, p))
            });
            let rule = policy.and_then(|(q, p)| {
                let r = p.event_rule(kind);
                if r.is_none() {
                    let msg = if kind.is_empty() {
                        "is empty".to_owned()
                    } else {
                        refusal(kind, |kind| {
                            let kinds: Vec<&str> =
                                p.events.iter().map(|e| e.kind.as_str()).collect();
                            format!(
                                "`{kind}` is not an event kind of the policy in force for {q} \
                                 (kinds: {})",
                                kinds.join(", ")
                            )
                        })
                    };
                    problems.push(line, Some("kind"), msg);
                }
                r
            });
            let level = if level.is_empty() {
                Some(None)
            } else {
                match Level::parse(level) {
                    Some(l) => Some(Some(l)),
                    None => {
                        let msg = refusal(level, |level| {
                            format!(
                                "`{level}` is not a level (national, provincial, municipal, \
                                 county)"
                            )
                        });
                        problems.push(line, Some("level"), msg);
                        None
                    }
                }
            };
            if let (Some(rule), Some(lv)) = (rule, level)
                && rule.points_at(lv).is_none()
            {
                let why = match (&rule.points, lv) {
                    (EventPoints::Flat(_), Some(_)) => {
                        format!("must be empty: {}", levels_of(kind, &rule.points))
                    }
                    (_, None) => format!("is empty, but {}", levels_of(kind, &rule.points)),
                    (_, Some(l)) => format!(
                        "`{l}` has no points for this kind: {}",
                        levels_of(kind, &rule.points)
                    ),
                };
                problems.push(line, Some("level"), why);
            }
            let sb = subject.as_bytes();
            let subject_ref: Option<Subject> = match rule.map(|r| r.scope) {
                Some(Scope::Village) => ctx.village(sb).map(|v| v.subject()),
                Some(Scope::Cadre) => ctx.cadre(sb).map(|c| c.subject()),
                None => ctx
                    .village(sb)
                    .map(|v| v.subject())
                    .or_else(|| ctx.cadre(sb).map(|c| c.subject())),
            };
            if subject_ref.is_none() {
                let msg = match rule {
                    _ if subject.is_empty() => "is empty".to_owned(),
                    Some(r) => refusal(subject, |_| {
                        ctx.wrong_subject(subject, &format!("event kind `{}`", r.kind), r.scope)
                    }),
                    None => refusal(subject, |subject| {
                        format!(
                            "`{subject}` is neither a village code nor a cadre id of the roster"
                        )
                    }),
                };
                problems.push(line, Some("subject"), msg);
            }
            let note = free_text(note, MAX_NOTE_CHARS, true)
                .map_err(|e| problems.push(line, Some("note"), e.to_string()))
                .ok();
            if problems.total_count() != before {
                return;
            }
            let (Some(id), Some(date), Some(rule), Some(level), Some(subject), Some(note)) =
                (id, date, rule, level, subject_ref, note)
            else {
                return;
            };
            let event = Event {
                id,
                date,
                subject,
                kind: EventKind::clone(&rule.kind),
                level,
                note,
            };
            match seen.get(&event.id) {
                Some(&(i, l0)) => {
                    let diff = event_differences(&out[i], &event);
                    if !diff.is_empty() {
                        problems.push(
                            line,
                            Some("event_id"),
                            format!(
                                "event `{}` is given again with other content than on line {l0}: \
                                 {}; an event id names one event",
                                event.id,
                                diff.join("; ")
                            ),
                        );
                    }
                }
                None => {
                    seen.insert(event.id.clone(), (out.len(), line));
                    out.push(event);
                }
            }
        },
    );
    problems.finish(file, None)?;
    Ok(out)
}

/// What differs between an event already known (`old`) and one given again with the same id
/// (`new`), field by field: `date `2026-07-02` here, `2026-07-01` there`. Empty when they are
/// the same event (docs/guide.md, file formats: then importing it again is a no-op). The words suit a message
/// about a file (`here`) against an earlier line or import (`there`).
pub fn event_differences(old: &Event, new: &Event) -> Vec<String> {
    old.differences(new)
        .into_iter()
        .map(|d| {
            let (a, b) = (ParseError::shown(&d.old), ParseError::shown(&d.new));
            format!("{} `{b}` here, `{a}` there", d.field)
        })
        .collect()
}
