//! `roster.csv` (docs/guide.md, file formats).

use std::collections::hash_map::Entry;
use std::path::Path;

use kaohe_domain::{
    Cadre, CadreId, Date, MAX_NAME_CHARS, Money, ParseError, Sequence, TownCode, VillageCode,
    free_text,
};

use super::{Collector, Table, estimate_records, input, open};
use crate::error::ReadError;
use crate::hash::{Map, Set};

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
    let i = input(path)?;
    i.located(read_roster_bytes(i.name(), i.text()))
}

/// Reads a roster from bytes; `file` names it in messages.
///
/// Checks (docs/guide.md, file formats): ids are codes (at most 64 characters); `name` is not empty; `name` and
/// `position` are text of at most 64 characters, trimmed; no field holds a control character
/// or begins with `=`, `+`, `-` or `@` ([`kaohe_domain::check_text`]); `monthly_subsidy` is
/// 0 to 1,000,000.00 with at most two decimals ([`Money::parse_monthly_subsidy`], Art.11);
/// dates `YYYY-MM-DD`, `end_date` empty or not before `start_date`; each `cadre_id` once; each
/// village under one town.
///
/// A large roster without quotes (a national one is two million rows) is read in parts, one
/// per core; when any part has a problem, or the parts disagree (an id in two parts, a
/// village under two towns), the file is read again whole, which names every problem in
/// order.
pub fn read_roster_bytes(file: &str, bytes: &[u8]) -> Result<Vec<Cadre>, ReadError> {
    let table = open(file, bytes, ROSTER_COLUMNS)?;
    match read_in_parts(&table) {
        Some(cadres) => Ok(cadres),
        None => read_whole(file, &table),
    }
}

/// The roster read in one piece, every problem named.
fn read_whole(file: &str, table: &Table<'_, 9>) -> Result<Vec<Cadre>, ReadError> {
    let mut problems = Collector::default();
    let mut part = Part::new(table.body);
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, problems| part.row(line, vals, problems),
    );
    problems.finish(file, None)?;
    Ok(part.out)
}

/// The shortest roster record that gives a cadre, without its line break:
/// `C,a,T,V,x,,0,2020-01-01,` (an empty position and end date, one-character codes).
const MIN_RECORD_BYTES: usize = 24;

/// Inputs smaller than this are read on one thread.
const PARALLEL_MIN_BYTES: usize = 4 << 20;

/// The roster read in parts on every core, or `None` when it must be read whole: it is
/// small or has quotes, a part has a problem, or the parts disagree.
fn read_in_parts(table: &Table<'_, 9>) -> Option<Vec<Cadre>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let body = table.body;
    if threads < 2 || table.has_quotes || body.len() < PARALLEL_MIN_BYTES {
        return None;
    }
    // Cut at line breaks: without quotes, every line break ends a record.
    let mut cuts = Vec::with_capacity(threads);
    let mut start = 0;
    for k in 1..threads {
        let target = (body.len() / threads * k).max(start);
        let Some(nl) = body.as_bytes()[target..].iter().position(|&b| b == b'\n') else {
            break;
        };
        cuts.push(&body[start..target + nl + 1]);
        start = target + nl + 1;
    }
    cuts.push(&body[start..]);
    let read = |data: &str| {
        let mut problems = Collector::default();
        let mut part = Part::new(data);
        table.text_rows_in(data, 1, true, &mut problems, |line, vals, problems| {
            part.row(line, vals, problems)
        });
        problems.is_empty().then_some(part)
    };
    let parts: Vec<Option<Part>> = std::thread::scope(|s| {
        let handles: Vec<_> = cuts[1..]
            .iter()
            .map(|&data| s.spawn(move || read(data)))
            .collect();
        let mut parts = vec![read(cuts[0])];
        parts.extend(
            handles
                .into_iter()
                .map(|h| h.join().expect("a roster reader thread panicked")),
        );
        parts
    });
    let parts: Vec<Part> = parts.into_iter().collect::<Option<_>>()?;

    // An id in two parts. Rosters are usually sorted by id: then the parts' ranges are enough.
    let mut ranges = parts.iter().filter_map(|p| p.ids.range());
    let mut ordered = parts
        .iter()
        .all(|p| p.ids.range().is_some() || p.out.is_empty());
    if ordered && let Some(mut prev) = ranges.next() {
        for r in ranges {
            if prev.1 >= r.0 {
                ordered = false;
                break;
            }
            prev = r;
        }
    }
    if !ordered {
        let total: usize = parts.iter().map(|p| p.out.len()).sum();
        let mut seen: Set<&str> = Set::with_capacity_and_hasher(total, Default::default());
        for c in parts.iter().flat_map(|p| &p.out) {
            if !seen.insert(c.id.as_str()) {
                return None;
            }
        }
    }
    // A village under two towns across parts (each part is consistent in itself).
    let mut town_of: Map<&str, &str> = Map::default();
    for p in &parts {
        for (v, (t, _)) in &p.towns {
            match town_of.entry(v.as_str()) {
                Entry::Occupied(e) if *e.get() != t.as_str() => return None,
                Entry::Occupied(_) => {}
                Entry::Vacant(e) => {
                    e.insert(t.as_str());
                }
            }
        }
    }
    drop(town_of);

    let total: usize = parts.iter().map(|p| p.out.len()).sum();
    let mut parts = parts.into_iter();
    let mut out = parts.next()?.out;
    out.reserve_exact(total - out.len());
    for mut p in parts {
        out.append(&mut p.out);
    }
    Some(out)
}

/// The ids met so far, to find one given twice: a list while they come in increasing order
/// (as rosters sorted by id do; then an id given again is the last one), a table after.
enum Ids {
    Sorted(Vec<(CadreId, u64)>),
    Table(Map<CadreId, u64>),
}

impl Ids {
    /// Notes `id` on `line`; the line it was first given on when it was given before.
    fn first_line(&mut self, id: &CadreId, line: u64) -> Option<u64> {
        if let Ids::Sorted(v) = self {
            match v.last() {
                Some((last, _)) if id < last => {
                    let mut t = Map::with_capacity_and_hasher(v.capacity(), Default::default());
                    t.extend(v.drain(..));
                    *self = Ids::Table(t);
                }
                Some((last, first)) if id == last => return Some(*first),
                _ => {
                    v.push((id.clone(), line));
                    return None;
                }
            }
        }
        let Ids::Table(t) = self else {
            unreachable!("a sorted list was turned into a table above")
        };
        match t.entry(id.clone()) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        }
    }

    /// The first and last id, when every id came in increasing order.
    fn range(&self) -> Option<(&CadreId, &CadreId)> {
        match self {
            Ids::Sorted(v) => Some((&v.first()?.0, &v.last()?.0)),
            Ids::Table(_) => None,
        }
    }
}

/// What reading (a part of) a roster keeps: the cadres and what the checks need.
struct Part {
    out: Vec<Cadre>,
    ids: Ids,
    /// Village → (its town, the line that first placed it). The codes kept here are handed
    /// out again for later cadres of the same village (an `Arc` clone instead of a new
    /// allocation each), and so are the sequences: a roster names few of them.
    towns: Map<VillageCode, (TownCode, u64)>,
    sequences: Vec<Sequence>,
    /// The last row's town and village when they were placed without conflict: rows are
    /// usually grouped by village, so most rows need no table lookup at all.
    last: Option<(TownCode, VillageCode)>,
}

impl Part {
    /// State for reading `data`, sized for the records it seems to hold
    /// ([`estimate_records`]; a roster record is rarely shorter than 48 bytes).
    fn new(data: &str) -> Part {
        let rows = estimate_records(data.as_bytes(), data.len(), MIN_RECORD_BYTES, 48);
        Part {
            out: Vec::with_capacity(rows),
            ids: Ids::Sorted(Vec::with_capacity(rows)),
            towns: Map::with_capacity_and_hasher(rows / 4, Default::default()),
            sequences: Vec::new(),
            last: None,
        }
    }

    /// Checks one row and keeps its cadre.
    fn row(&mut self, line: u64, vals: [&str; 9], problems: &mut Collector) {
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
        let name = take(&mut check, "name", free_text(name, MAX_NAME_CHARS, false));
        // Where the village already stands: `Placed` when under this same town (nothing
        // to check, nothing to parse), else the town it stands under.
        let known = match &self.last {
            Some((t, v)) if v.as_str() == village && t.as_str() == town => {
                Known::Placed(t.clone(), v.clone())
            }
            _ => match self.towns.get_key_value(village) {
                Some((v, (t, _))) if t.as_str() == town => Known::Placed(t.clone(), v.clone()),
                Some((v, (t0, l0))) => Known::Elsewhere(v.clone(), t0.clone(), *l0),
                None => Known::New,
            },
        };
        let (town, village) = match &known {
            Known::Placed(t, v) => (Some(t.clone()), Some(v.clone())),
            Known::Elsewhere(v, _, _) => (
                take(&mut check, "town", TownCode::parse(town)),
                Some(v.clone()),
            ),
            Known::New => (
                take(&mut check, "town", TownCode::parse(town)),
                take(&mut check, "village", VillageCode::parse(village)),
            ),
        };
        let sequence = match self.sequences.iter().find(|s| s.as_str() == sequence) {
            Some(s) => Some(s.clone()),
            None => {
                let parsed = take(&mut check, "sequence", Sequence::parse(sequence));
                if let Some(s) = &parsed {
                    self.sequences.push(s.clone());
                }
                parsed
            }
        };
        let position = take(
            &mut check,
            "position",
            free_text(position, MAX_NAME_CHARS, true),
        );
        let subsidy = take(
            &mut check,
            "monthly_subsidy",
            Money::parse_monthly_subsidy(subsidy),
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
        if let Some(id) = &id
            && let Some(first) = self.ids.first_line(id, line)
        {
            problems.push(
                line,
                Some("cadre_id"),
                format!(
                    "`{id}` is given again (first on line {first}); a cadre_id appears once per \
                     file"
                ),
            );
        }
        if let (Some(t), Some(v)) = (&town, &village) {
            match known {
                Known::Elsewhere(_, t0, l0) => {
                    problems.push(
                        line,
                        Some("town"),
                        format!(
                            "village `{v}` is under town `{t}` here but under town `{t0}` on \
                             line {l0}; a village belongs to one town"
                        ),
                    );
                }
                Known::Placed(..) => self.last = Some((t.clone(), v.clone())),
                Known::New => {
                    self.towns.insert(v.clone(), (t.clone(), line));
                    self.last = Some((t.clone(), v.clone()));
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
            self.out.push(Cadre {
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
    }
}

/// Where a row's village already stands in the file, as far as read.
enum Known {
    /// Under the row's own town: both codes, to share.
    Placed(TownCode, VillageCode),
    /// Under another town, first placed on a line.
    Elsewhere(VillageCode, TownCode, u64),
    /// Not met yet.
    New,
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n";

    /// A roster large enough to be read in parts: villages of 4 cadres, 20 villages a town,
    /// ids in increasing order unless `shuffled`.
    fn roster(rows: usize, shuffled: bool) -> String {
        let mut s = String::from(HEADER);
        for k in 0..rows {
            let i = if shuffled { (k * 7919) % rows } else { k };
            let v = i / 4;
            let seq = if i % 4 == 0 { "正职" } else { "委员" };
            let end = if i % 50 == 1 { "2026-09-20" } else { "" };
            s.push_str(&format!(
                "C{i:08},干部{i},T{:05},V{v:07},{seq},委员,{}.{:02},2020-01-01,{end}\n",
                v / 20,
                1500 + i % 500,
                i % 100
            ));
        }
        s
    }

    fn whole(text: &str) -> Result<Vec<Cadre>, ReadError> {
        let table = open("r.csv", text.as_bytes(), ROSTER_COLUMNS)?;
        read_whole("r.csv", &table)
    }

    fn in_parts(text: &str) -> Option<Vec<Cadre>> {
        let table = open("r.csv", text.as_bytes(), ROSTER_COLUMNS).ok()?;
        read_in_parts(&table)
    }

    #[test]
    fn parts_give_what_the_whole_file_gives() {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            return;
        }
        for shuffled in [false, true] {
            let text = roster(100_000, shuffled);
            assert!(text.len() > PARALLEL_MIN_BYTES);
            let parts = in_parts(&text).expect("a clean large roster is read in parts");
            assert_eq!(parts, whole(&text).unwrap());
            assert_eq!(parts.len(), 100_000);
        }
    }

    #[test]
    fn disagreeing_parts_are_read_whole_and_every_problem_named() {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            return;
        }
        let text = roster(100_000, false);
        let lines: Vec<&str> = text.lines().collect();
        // The first cadre given again at the very end (another part), and the first
        // village's cadre at the end under another town.
        let mut dup = text.clone();
        dup.push_str(&lines[1].replace("干部0", "又一个"));
        dup.push('\n');
        let mut moved = text.clone();
        moved.push_str("C99999999,新人,T99999,V0000000,委员,委员,1500.00,2020-01-01,\n");
        for bad in [dup, moved] {
            assert!(in_parts(&bad).is_none());
            let e = read_roster_bytes("r.csv", bad.as_bytes()).unwrap_err();
            assert_eq!(e.to_string(), whole(&bad).unwrap_err().to_string());
            assert!(e.to_string().contains("on line 2"), "{e}");
        }
        // A problem inside one part: the file is read whole for its messages.
        let broken = text.replacen(",2020-01-01,", ",2020-13-01,", 1);
        assert!(in_parts(&broken).is_none());
        assert!(read_roster_bytes("r.csv", broken.as_bytes()).is_err());
    }

    #[test]
    fn ids_out_of_order_are_still_checked() {
        let text = format!(
            "{HEADER}C3,a,T1,V1,正职,x,1.00,2020-01-01,\nC1,b,T1,V1,委员,x,1.00,2020-01-01,\n\
             C2,c,T1,V1,委员,x,1.00,2020-01-01,\nC1,d,T1,V1,委员,x,1.00,2020-01-01,\n\
             C3,e,T1,V1,委员,x,1.00,2020-01-01,\nC4,f,T1,V1,委员,x,1.00,2020-01-01,\n\
             C4,g,T1,V1,委员,x,1.00,2020-01-01,\n"
        );
        let e = whole(&text).unwrap_err().to_string();
        for (line, id, first) in [(5, "C1", 3), (6, "C3", 2), (8, "C4", 7)] {
            assert!(
                e.contains(&format!(
                    "r.csv:{line}: column `cadre_id`: `{id}` is given again (first on line {first})"
                )),
                "{e}"
            );
        }
        assert!(e.contains("3 problems"), "{e}");
    }
}
