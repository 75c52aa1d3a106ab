//! `roster.csv` (SPEC 5.1).

use std::path::Path;

use kaohe_domain::{Cadre, CadreId, Date, Money, ParseError, Sequence, TownCode, VillageCode};

use super::{Collector, load, open};
use crate::error::ReadError;
use crate::fxhash::FxHashMap;

/// The columns of `roster.csv`, in the order the project writes them (any order is read).
pub const ROSTER_COLUMNS: [&str; 9] = [
    "cadre_id",
    "name",
    "town",
    "village",
    "sequence",
    "position",
    "monthly_subsidy",
    "start_date",
    "end_date",
];

/// Reads `roster.csv`: every cadre, in file order. See [`read_roster_bytes`].
pub fn read_roster(path: &Path) -> Result<Vec<Cadre>, ReadError> {
    let (file, bytes) = load(path)?;
    read_roster_bytes(&file, &bytes)
}

/// Reads a roster from bytes; `file` names it in messages.
///
/// Checks (SPEC 5.1): ids are codes; `name` is not empty; `monthly_subsidy` ≥ 0 with at most
/// two decimals; dates `YYYY-MM-DD`, `end_date` empty or not before `start_date`; each
/// `cadre_id` once; each village under one town. `name` and `position` are trimmed.
pub fn read_roster_bytes(file: &str, bytes: &[u8]) -> Result<Vec<Cadre>, ReadError> {
    let table = open(file, bytes, ROSTER_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out = Vec::new();
    let mut ids: FxHashMap<CadreId, u64> = FxHashMap::default();
    let mut towns: FxHashMap<VillageCode, (TownCode, u64)> = FxHashMap::default();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| {
            let [
                id,
                name,
                town,
                village,
                sequence,
                position,
                subsidy,
                start,
                end,
            ] = vals;
            let before = problems.total_count();
            let mut check = |col: &str, r: Result<(), ParseError>| {
                if let Err(e) = r {
                    problems.push(line, Some(col), e.to_string());
                }
            };
            let id = take(&mut check, "cadre_id", CadreId::parse(id));
            let name = take(&mut check, "name", free_text(name, false));
            let town = take(&mut check, "town", TownCode::parse(town));
            let village = take(&mut check, "village", VillageCode::parse(village));
            let sequence = take(&mut check, "sequence", Sequence::parse(sequence));
            let position = take(&mut check, "position", free_text(position, true));
            let subsidy = take(
                &mut check,
                "monthly_subsidy",
                Money::parse(subsidy).and_then(|m| {
                    if m.is_negative() {
                        Err(ParseError::OutOfRange {
                            value: subsidy.to_owned(),
                            rule: "a monthly subsidy is 0 or more",
                        })
                    } else {
                        Ok(m)
                    }
                }),
            );
            let start = take(&mut check, "start_date", Date::parse(start));
            let end = if end.is_empty() {
                Some(None)
            } else {
                take(&mut check, "end_date", Date::parse(end)).map(Some)
            };
            if let (Some(s), Some(Some(e))) = (start, end)
                && e < s
            {
                problems.push(
                    line,
                    Some("end_date"),
                    format!("{e} is before start_date {s}"),
                );
            }
            if let Some(id) = &id {
                if let Some(first) = ids.get(id) {
                    problems.push(
                        line,
                        Some("cadre_id"),
                        format!(
                            "`{id}` is given again (first on line {first}); a cadre_id appears \
                             once per file"
                        ),
                    );
                } else {
                    ids.insert(id.clone(), line);
                }
            }
            if let (Some(t), Some(v)) = (&town, &village) {
                match towns.get(v) {
                    Some((t0, l0)) if t0 != t => {
                        problems.push(
                            line,
                            Some("town"),
                            format!(
                                "village `{v}` is under town `{t}` here but under town `{t0}` on \
                                 line {l0}; a village belongs to one town"
                            ),
                        );
                    }
                    Some(_) => {}
                    None => {
                        towns.insert(v.clone(), (t.clone(), line));
                    }
                }
            }
            if problems.total_count() != before {
                return;
            }
            if let (
                Some(id),
                Some(name),
                Some(town),
                Some(village),
                Some(sequence),
                Some(position),
                Some(monthly_subsidy),
                Some(start_date),
                Some(end_date),
            ) = (
                id, name, town, village, sequence, position, subsidy, start, end,
            ) {
                out.push(Cadre {
                    id,
                    name,
                    town,
                    village,
                    sequence,
                    position,
                    monthly_subsidy,
                    start_date,
                    end_date,
                });
            }
        },
    );
    problems.finish(file, None)?;
    Ok(out)
}

/// The value of `r`, reporting its error through `check`.
fn take<T>(
    check: &mut impl FnMut(&str, Result<(), ParseError>),
    col: &str,
    r: Result<T, ParseError>,
) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            check(col, Err(e));
            None
        }
    }
}

/// Free text (a name, a position): trimmed; no control characters; empty only if allowed.
pub(crate) fn free_text(s: &str, may_be_empty: bool) -> Result<String, ParseError> {
    let t = s.trim();
    if t.is_empty() && !may_be_empty {
        return Err(ParseError::Empty);
    }
    if t.chars().any(char::is_control) {
        return Err(ParseError::Invalid {
            value: t.escape_debug().to_string(),
            expected: "text without control characters",
        });
    }
    Ok(t.to_owned())
}
