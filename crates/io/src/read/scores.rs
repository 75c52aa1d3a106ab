//! `scores.csv` (docs/guide.md, file formats), the big one: a national file is tens of millions of rows.
//!
//! How it stays fast:
//! - A large file is read **streamed and in parallel**: its body is cut at line breaks into
//!   one part per core, and each thread reads its part in 4 MiB blocks into one reused buffer
//!   (`read_at`), so the file is never held whole in memory and its pages are not faulted in
//!   one by one. A block with a `"` or bytes that are not UTF-8 sends the whole file to the
//!   careful path (whole file in memory, the quoting tokenizer, every encoding error located).
//! - Rows are tokenized in place, eight bytes at a time, with no copy of the fields.
//! - Items and subjects are found by their bytes: first by a guess (the item after the previous
//!   one in the rubric; the same subject as the previous row, or the next one in roster order),
//!   since exports are sorted, then in a prebuilt hash table. Every id handed out is a clone
//!   of one shared `Arc<str>`, so a row allocates nothing.
//! - Duplicate keys are found with one bit per (subject, item) per quarter. They are only
//!   *detected* on the fast path; naming both lines of each is done by a slow second pass over
//!   the whole file that runs only when there are any.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kaohe_domain::{
    Date, ItemColumns, ItemId, OutOfRange, ParseError, Points, Policy, Quarter, Scope, Score,
    ScoreGrid, score_cell,
};

use super::context::Found;
use super::{Collector, Context, Table, estimate_records, input, open, refusal, txt};
use crate::error::ReadError;
use crate::hash::{Map, Set};

/// The columns of `scores.csv`.
pub const SCORES_COLUMNS: [&str; 4] = ["quarter", "subject", "item", "points"];

/// Inputs smaller than this are read on one thread, whole.
const PARALLEL_MIN_BYTES: usize = 4 << 20;

/// The block a streaming thread reads at a time.
const BLOCK: usize = 4 << 20;

/// Reads `scores.csv`, checked against `ctx`. See [`read_scores_bytes`] for the checks.
///
/// A large file without quotes is read streamed, on every core; any other file whole.
pub fn read_scores(path: &Path, ctx: &Context<'_>) -> Result<Vec<Score>, ReadError> {
    read_path(path, ctx, Keep::Rows).map(|r| r.scores)
}

/// Reads `scores.csv` as [`read_scores`] does, with the same checks and messages for every
/// row of every quarter, but keeps only the scores of `quarter`, in its compact grid (Art.7):
/// no score row is ever held as a record.
///
/// The grid numbers villages in order of first appearance in the roster, cadres by roster
/// position and items by [`ItemColumns`] of the policy in force for `quarter` (no item when
/// none is), as the engine reads it.
pub fn read_scores_grid(
    path: &Path,
    ctx: &Context<'_>,
    quarter: Quarter,
) -> Result<ScoreGrid, ReadError> {
    read_path(path, ctx, Keep::Grid(quarter)).map(|r| one_grid(r, quarter))
}

/// [`read_scores_grid`] from bytes; `file` names it in messages.
pub fn read_scores_grid_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
    quarter: Quarter,
) -> Result<ScoreGrid, ReadError> {
    read_bytes(file, bytes, ctx, Keep::Grid(quarter)).map(|r| one_grid(r, quarter))
}

/// [`read_scores_grids_bytes`] of the file at `path`: a large file without quotes is read
/// streamed, on every core, never held whole.
pub fn read_scores_grids(path: &Path, ctx: &Context<'_>) -> Result<Vec<ScoreGrid>, ReadError> {
    read_path(path, ctx, Keep::Grids).map(|r| r.grids)
}

/// Reads `scores.csv` as [`read_scores`] does, with the same checks and messages, into one
/// compact grid per quarter of the file (numbered as [`read_scores_grid`]'s), by quarter
/// ascending: no score row is ever held as a record.
pub fn read_scores_grids_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<Vec<ScoreGrid>, ReadError> {
    read_bytes(file, bytes, ctx, Keep::Grids).map(|r| r.grids)
}

fn one_grid(kept: Kept, quarter: Quarter) -> ScoreGrid {
    let grid = kept.grids.into_iter().find(|g| g.quarter() == quarter);
    grid.expect("a grid was asked for")
}

/// What a reading keeps: every score as a record, one quarter's grid, or every quarter's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    Rows,
    Grid(Quarter),
    Grids,
}

/// What a reading kept: every score as a record, or grids, by quarter ascending.
struct Kept {
    scores: Vec<Score>,
    grids: Vec<ScoreGrid>,
}

fn read_path(path: &Path, ctx: &Context<'_>, grid: Keep) -> Result<Kept, ReadError> {
    #[cfg(unix)]
    if !super::is_xlsx(path)
        && let Ok(f) = std::fs::File::open(path)
    {
        let name = path.display().to_string();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        if let Some(done) = streamed::read(&f, &name, ctx, grid, BLOCK, PARALLEL_MIN_BYTES, threads)
        {
            return done;
        }
    }
    let i = input(path)?;
    i.located(read_bytes(i.name(), i.text(), ctx, grid))
}

/// Reads scores from bytes; `file` names it in messages. The scores come back in file order.
///
/// Checks (docs/rules.md Art.7; docs/guide.md, file formats): the quarter has a policy in force and the item is one of its items;
/// the subject is a village code of the roster for a village-scope item and a cadre id of the
/// roster for a cadre-scope item, and that cadre is in office in the quarter;
/// 0 ≤ points ≤ the item's maximum, at most two decimals; no (quarter, subject, item) twice.
pub fn read_scores_bytes(
    file: &str,
    bytes: &[u8],
    ctx: &Context<'_>,
) -> Result<Vec<Score>, ReadError> {
    read_bytes(file, bytes, ctx, Keep::Rows).map(|r| r.scores)
}

fn read_bytes(file: &str, bytes: &[u8], ctx: &Context<'_>, grid: Keep) -> Result<Kept, ReadError> {
    let table = open(file, bytes, SCORES_COLUMNS)?;
    let shared = Shared::new(ctx, bytes.len(), grid);
    let parts = split(table.body, table.has_quotes);
    let plain = !table.has_quotes;
    let mut results: Vec<PartReader<'_, '_, '_>> = Vec::with_capacity(parts.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = parts[1..]
            .iter()
            .map(|&(_, data)| {
                let (shared, table) = (&shared, &table);
                s.spawn(move || {
                    let mut r = PartReader::new(shared, estimate_rows(data.as_bytes()));
                    r.lines = r.feed(table, data, 1, plain) - 1;
                    r
                })
            })
            .collect();
        let mut r = PartReader::new(&shared, estimate_rows(table.body.as_bytes()));
        let end = r.feed(&table, parts[0].1, table.body_line, plain);
        r.lines = end - table.body_line;
        results.push(r);
        for h in handles {
            results.push(h.join().expect("a scores reader thread panicked"));
        }
    });
    let (out, mut problems, dups) = merge(results, table.body_line);
    if !dups.is_empty() {
        name_duplicates(&table, &dups, &mut problems);
    }
    problems.finish(file, None)?;
    Ok(Kept {
        scores: out,
        grids: shared.into_grids(),
    })
}

/// Joins the parts in file order: scores appended, problem lines made absolute (each part
/// counted its lines from 1, the first from `first_line`).
fn merge(parts: Vec<PartReader<'_, '_, '_>>, first_line: u64) -> (Vec<Score>, Collector, Set<Key>) {
    let mut problems = Collector::default();
    let mut dups: Set<Key> = Set::default();
    let mut line = first_line;
    let mut out: Option<Vec<Score>> = None;
    let total: usize = parts.iter().map(|p| p.scores.len()).sum();
    for (k, mut part) in parts.into_iter().enumerate() {
        problems.merge(part.problems, if k == 0 { 1 } else { line });
        line += part.lines;
        dups.extend(part.dups);
        let clean = problems.is_empty() && dups.is_empty();
        match &mut out {
            None => {
                let mut o = part.scores;
                o.reserve_exact(total - o.len());
                out = Some(o);
            }
            Some(o) if clean => o.append(&mut part.scores),
            Some(_) => {}
        }
    }
    (out.unwrap_or_default(), problems, dups)
}

/// The parts of the body to read in parallel: (offset in body, text). One part unless the
/// body is large and has no quote (so that every line break ends a record).
fn split(body: &str, has_quotes: bool) -> Vec<(usize, &str)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads < 2 || body.len() < PARALLEL_MIN_BYTES || has_quotes {
        return vec![(0, body)];
    }
    let mut parts = Vec::with_capacity(threads);
    let mut start = 0;
    for k in 1..threads {
        let target = (body.len() / threads * k).max(start);
        let Some(nl) = body.as_bytes()[target..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let end = target + nl + 1;
        parts.push((start, &body[start..end]));
        start = end;
    }
    parts.push((start, &body[start..]));
    parts
}

/// A (quarter, subject, item) key given twice, by its text.
type Key = (Quarter, Box<str>, Box<str>);

/// State shared by the threads: one entry per quarter met in the file.
struct Shared<'c, 'p> {
    ctx: &'c Context<'p>,
    quarters: Mutex<Quarters<'p>>,
    /// The grid kept instead of records, when one is asked for.
    grid: Option<GridSink>,
}

/// The quarters whose scores are kept, each in its grid; threads add their rows in batches.
struct GridSink {
    /// The one quarter kept, or `None`: every quarter.
    only: Option<Quarter>,
    /// The number of villages: subject indexes past it are cadres.
    villages: u32,
    /// The number of cadres.
    cadres: usize,
    grids: Mutex<Map<Quarter, ScoreGrid>>,
}

impl GridSink {
    fn keeps(&self, q: Quarter) -> bool {
        self.only.is_none_or(|only| only == q)
    }
}

/// A score kept for a grid: its quarter, its cell and its points in hundredths.
#[derive(Clone, Copy)]
struct Placed {
    quarter: Quarter,
    scope: Scope,
    subject: u32,
    column: u16,
    hundredths: u16,
}

/// Rows a thread keeps before adding them to the grid.
const PLACED_BATCH: usize = 1 << 16;

/// The quarters met so far, and how many bytes of dense bit sets are still allowed.
struct Quarters<'p> {
    by_quarter: Map<Quarter, Arc<QuarterState<'p>>>,
    dense_left: usize,
}

/// Dense bit sets may take this much memory whatever the input's size.
const DENSE_ALLOWANCE: usize = 1 << 20;

/// A quarter of the file: its policy and which (subject, item) pairs were seen.
struct QuarterState<'p> {
    quarter: Quarter,
    policy: Option<&'p Policy>,
    n_items: usize,
    seen: Seen,
}

/// Which (subject index, item index) pairs of a quarter were seen.
enum Seen {
    /// One bit per pair: the usual case.
    Dense(Box<[AtomicU64]>),
    /// The pairs met, for a quarter whose bit set would cost more than the input is worth
    /// (a file naming a few rows in each of many quarters, against a large roster).
    Sparse(Mutex<Set<usize>>),
}

impl Seen {
    /// Marks `bit`; whether it was marked already.
    #[inline]
    fn mark(&self, bit: usize) -> bool {
        match self {
            Seen::Dense(words) => {
                let mask = 1u64 << (bit % 64);
                words[bit / 64].fetch_or(mask, Ordering::Relaxed) & mask != 0
            }
            Seen::Sparse(set) => !set.lock().unwrap_or_else(|e| e.into_inner()).insert(bit),
        }
    }
}

impl<'c, 'p> Shared<'c, 'p> {
    /// State for reading `input_len` bytes against `ctx`. The quarters' dense bit sets may
    /// take as many bytes as the input (at least [`DENSE_ALLOWANCE`]); quarters past that
    /// are tracked sparsely, so memory stays a small multiple of the input.
    fn new(ctx: &'c Context<'p>, input_len: usize, keep: Keep) -> Shared<'c, 'p> {
        let only = match keep {
            Keep::Rows => None,
            Keep::Grid(q) => Some(Some(q)),
            Keep::Grids => Some(None),
        };
        let grid = only.map(|only| {
            let (villages, cadres) = ctx.counts();
            let sink = GridSink {
                only,
                villages: u32::try_from(villages).expect("fewer than 4 billion villages"),
                cadres,
                grids: Mutex::new(Map::default()),
            };
            if let Some(q) = only {
                // The quarter asked for has a grid even with no row.
                let mut grids = sink.grids.lock().unwrap_or_else(|e| e.into_inner());
                grids.insert(q, Self::empty_grid(ctx, &sink, q));
            }
            sink
        });
        Shared {
            ctx,
            quarters: Mutex::new(Quarters {
                by_quarter: Map::default(),
                dense_left: input_len.max(DENSE_ALLOWANCE),
            }),
            grid,
        }
    }

    /// An empty grid of quarter `q`, of the roster and the policy in force for `q`.
    fn empty_grid(ctx: &Context<'_>, sink: &GridSink, q: Quarter) -> ScoreGrid {
        // No policy in force: every row of the quarter is refused, the grid has no item.
        let columns = ctx.policy_for(q).map(ItemColumns::new).unwrap_or_default();
        ScoreGrid::new(q, &columns, sink.villages as usize, sink.cadres)
    }

    /// Adds `placed` to their grids (each cell is new: the seen bits let each through once).
    fn place(&self, placed: &mut Vec<Placed>) {
        if let Some(sink) = &self.grid
            && !placed.is_empty()
        {
            let mut grids = sink.grids.lock().unwrap_or_else(|e| e.into_inner());
            for p in placed.drain(..) {
                let subject = match p.scope {
                    Scope::Village => p.subject,
                    Scope::Cadre => p.subject - sink.villages,
                };
                let grid = grids
                    .entry(p.quarter)
                    .or_insert_with(|| Self::empty_grid(self.ctx, sink, p.quarter));
                // A cell is placed once: a second score of it was a duplicate, not kept.
                let _ = grid.set(p.scope, subject as usize, p.column.into(), p.hundredths);
            }
        }
    }

    fn into_grids(self) -> Vec<ScoreGrid> {
        let Some(sink) = self.grid else {
            return Vec::new();
        };
        let grids = sink.grids.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut grids: Vec<ScoreGrid> = grids.into_values().collect();
        grids.sort_by_key(ScoreGrid::quarter);
        grids
    }

    fn quarter(&self, q: Quarter) -> Arc<QuarterState<'p>> {
        let mut qs = self.quarters.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = qs.by_quarter.get(&q) {
            return s.clone();
        }
        let policy = self.ctx.policy_for(q);
        let n_items = policy.map_or(0, |p| p.items().count());
        let words = (self.ctx.subject_count() * n_items).div_ceil(64);
        let seen = if words * 8 <= qs.dense_left {
            qs.dense_left -= words * 8;
            Seen::Dense((0..words).map(|_| AtomicU64::new(0)).collect())
        } else {
            Seen::Sparse(Mutex::default())
        };
        let state = Arc::new(QuarterState {
            quarter: q,
            policy,
            n_items,
            seen,
        });
        qs.by_quarter.insert(q, state.clone());
        state
    }
}

/// An item of the policy, as one thread sees it.
struct ItemRef {
    /// The id's bytes, to check a guess.
    code: Box<[u8]>,
    /// A copy made by this thread, so that threads do not fight over one reference count.
    id: ItemId,
    idx: usize,
    scope: Scope,
    /// The item's column in a [`ScoreGrid`].
    column: u16,
    max: Points,
    /// `max` in hundredths, for a cheap comparison.
    max_h: i64,
}

/// The items of a policy as one thread sees them (one table per policy, shared by the
/// quarters it is in force for).
struct ItemTable<'p> {
    policy: &'p Policy,
    /// The items in rubric order.
    items: Vec<ItemRef>,
    index: Map<Box<[u8]>, usize>,
}

/// A quarter as one thread sees it.
struct LocalQuarter<'p> {
    /// The quarter as the file writes it (a quarter is six bytes, `2026Q3`).
    raw: [u8; 6],
    state: Arc<QuarterState<'p>>,
    first: Date,
    last: Date,
    /// Its policy's [`ItemTable`] in [`PartReader::tables`], if it has a policy.
    table: Option<usize>,
}

impl<'p> ItemTable<'p> {
    fn new(p: &'p Policy) -> ItemTable<'p> {
        let mut items = Vec::new();
        let mut index = Map::default();
        let columns = ItemColumns::new(p);
        {
            for (idx, (_, section, item)) in p.items().enumerate() {
                let id = ItemId::parse(item.id.as_str()).expect("a policy's item id is valid");
                index.insert(item.id.as_str().as_bytes().into(), idx);
                items.push(ItemRef {
                    code: item.id.as_str().as_bytes().into(),
                    id,
                    idx,
                    scope: section.scope,
                    column: u16::try_from(columns.place(idx).1).expect("fewer than 65536 items"),
                    max: item.max,
                    max_h: item.max.hundredths(),
                });
            }
        }
        ItemTable {
            policy: p,
            items,
            index,
        }
    }

    /// The item with this id: the one after `*hint` first (files list a subject's items in
    /// rubric order), then by the table. `*hint` follows the answer.
    #[inline]
    fn item(&self, code: &[u8], hint: &mut usize) -> Option<&ItemRef> {
        let next = (*hint + 1) % self.items.len().max(1);
        if let Some(it) = self.items.get(next)
            && *it.code == *code
        {
            *hint = next;
            return Some(it);
        }
        let i = *self.index.get(code)?;
        *hint = i;
        self.items.get(i)
    }
}

/// Reads one part of the body, block after block; keeps what it found.
struct PartReader<'s, 'c, 'p> {
    shared: &'s Shared<'c, 'p>,
    scores: Vec<Score>,
    /// Scores of the grid's quarter waiting to be added to it.
    placed: Vec<Placed>,
    problems: Collector,
    dups: Set<Key>,
    quarters: Vec<LocalQuarter<'p>>,
    /// The position in `quarters` of each quarter as written.
    quarter_index: Map<[u8; 6], usize>,
    tables: Vec<ItemTable<'p>>,
    last_q: usize,
    item_hint: usize,
    village_hint: usize,
    cadre_hint: usize,
    /// Line breaks in the part (set by the caller from what `feed` returns).
    lines: u64,
}

impl<'s, 'c, 'p> PartReader<'s, 'c, 'p> {
    fn new(shared: &'s Shared<'c, 'p>, capacity: usize) -> PartReader<'s, 'c, 'p> {
        // With a grid, no score is kept as a record.
        let capacity = if shared.grid.is_some() { 0 } else { capacity };
        PartReader {
            shared,
            scores: Vec::with_capacity(capacity),
            placed: Vec::new(),
            problems: Collector::default(),
            dups: Set::default(),
            quarters: Vec::new(),
            quarter_index: Map::default(),
            tables: Vec::new(),
            last_q: usize::MAX,
            item_hint: usize::MAX - 1,
            village_hint: 0,
            cadre_hint: 0,
            lines: 0,
        }
    }

    /// Reads the records of `data` (whole records, from line `first_line`); returns the line
    /// after them.
    fn feed(&mut self, table: &Table<'_, 4>, data: &str, first_line: u64, plain: bool) -> u64 {
        let mut problems = std::mem::take(&mut self.problems);
        let end = table.raw_rows_in(data, first_line, plain, &mut problems, |line, vals, p| {
            self.row(line, vals, p)
        });
        self.problems = problems;
        self.shared.place(&mut self.placed);
        end
    }

    /// The position in `quarters` of the quarter written `raw`, met before or new.
    fn local_quarter(&mut self, raw: &[u8]) -> Result<usize, ParseError> {
        let key: Option<[u8; 6]> = raw.try_into().ok();
        if let Some(&i) = key.as_ref().and_then(|k| self.quarter_index.get(k)) {
            return Ok(i);
        }
        let q = Quarter::parse(txt(raw))?;
        let key = key.expect("a quarter is six bytes");
        let state = self.shared.quarter(q);
        let table = state.policy.map(|p| {
            self.tables
                .iter()
                .position(|t| t.policy == p)
                .unwrap_or_else(|| {
                    self.tables.push(ItemTable::new(p));
                    self.tables.len() - 1
                })
        });
        self.quarters.push(LocalQuarter {
            raw: key,
            first: q.first_day(),
            last: q.last_day(),
            state,
            table,
        });
        self.quarter_index.insert(key, self.quarters.len() - 1);
        Ok(self.quarters.len() - 1)
    }

    /// Checks one row and keeps its score.
    #[inline]
    fn row(&mut self, line: u64, vals: [&[u8]; 4], problems: &mut Collector) {
        let ctx = self.shared.ctx;
        let [q_raw, sb, item_raw, points_raw] = vals;
        let before = problems.total_count();

        // Quarter, and the policy in force for it.
        let qi = if self.last_q < self.quarters.len() && self.quarters[self.last_q].raw == q_raw {
            Some(self.last_q)
        } else {
            self.local_quarter(q_raw)
                .map_err(|e| problems.push(line, Some("quarter"), e.to_string()))
                .ok()
        };
        if let Some(i) = qi {
            self.last_q = i;
        }
        let quarters = &self.quarters;
        let tables = &self.tables;
        let lq = qi.map(|i| &quarters[i]);
        if let Some(lq) = lq
            && lq.state.policy.is_none()
        {
            problems.push(
                line,
                Some("quarter"),
                format!(
                    "no policy is in force for {}; set one first (`kaohe policy set FILE \
                         --from QUARTER`)",
                    lq.state.quarter
                ),
            );
        }

        // Item.
        let it = match lq.and_then(|l| Some((l, l.table?))) {
            Some((lq, t)) => match tables[t].item(item_raw, &mut self.item_hint) {
                Some(it) => Some(it),
                None => {
                    let item = txt(item_raw);
                    let msg = if item.is_empty() {
                        "is empty".to_owned()
                    } else {
                        refusal(item, |item| {
                            format!(
                                "`{item}` is not an item of the policy in force for {} (items \
                                 are like `party.organization`; `kaohe policy show` lists them)",
                                lq.state.quarter
                            )
                        })
                    };
                    problems.push(line, Some("item"), msg);
                    None
                }
            },
            None => None,
        };

        // Subject, by the item's scope.
        let mut village = None;
        let mut cadre = None;
        let scope = it.map(|i| i.scope);
        if scope != Some(Scope::Cadre) {
            village = ctx.village_near(sb, &mut self.village_hint);
        }
        if scope != Some(Scope::Village) {
            cadre = ctx.cadre_near(sb, &mut self.cadre_hint);
        }
        let subject_idx = match (it, village, cadre) {
            (Some(it), Some(v), _) if it.scope == Scope::Village => {
                Some((v.idx, Found::Village(v.code)))
            }
            (Some(it), _, Some(c)) if it.scope == Scope::Cadre => {
                let lq = lq.expect("an item implies a quarter");
                if c.assessed_in(lq.first, lq.last) {
                    Some((c.idx, Found::Cadre(c.id)))
                } else {
                    problems.push(
                        line,
                        Some("subject"),
                        format!(
                            "cadre `{}` is not in office in {} ({}); only cadres assessed in \
                                 the quarter are scored",
                            txt(sb),
                            lq.state.quarter,
                            c.office()
                        ),
                    );
                    None
                }
            }
            (Some(it), _, _) => {
                let subject = txt(sb);
                let msg = if subject.is_empty() {
                    "is empty".to_owned()
                } else {
                    refusal(subject, |_| {
                        ctx.wrong_subject(subject, &format!("item `{}`", it.id), it.scope)
                    })
                };
                problems.push(line, Some("subject"), msg);
                None
            }
            (None, None, None) => {
                let subject = txt(sb);
                let msg = if subject.is_empty() {
                    "is empty".to_owned()
                } else {
                    refusal(subject, |subject| {
                        format!(
                            "`{subject}` is neither a village code nor a cadre id of the roster"
                        )
                    })
                };
                problems.push(line, Some("subject"), msg);
                None
            }
            (None, _, _) => None,
        };

        // Points (Art.7: 0 ≤ points ≤ the item's maximum, `score_cell`).
        let pts = match simple_hundredths(points_raw)
            .map(|h| Ok((Points::from_hundredths(h), h)))
            .unwrap_or_else(|| Points::parse(txt(points_raw)).map(|p| (p, p.hundredths())))
        {
            // Without an item only the floor is known: the points are judged against it alone.
            Ok((p, h)) => match it.map_or(score_cell(h.min(0), 0), |it| score_cell(h, it.max_h)) {
                Ok(_) => Some(p),
                Err(OutOfRange::BelowZero) => {
                    problems.push(
                        line,
                        Some("points"),
                        format!(
                            "`{}` is below 0 (Art.7: 0 ≤ points ≤ the item's maximum)",
                            ParseError::shown(txt(points_raw))
                        ),
                    );
                    None
                }
                Err(OutOfRange::AboveMaximum) => {
                    let it = it.expect("a maximum implies an item");
                    problems.push(
                        line,
                        Some("points"),
                        format!(
                            "`{}` is above the maximum {} of item `{}`",
                            ParseError::shown(txt(points_raw)),
                            it.max,
                            it.id
                        ),
                    );
                    None
                }
            },
            Err(e) => {
                problems.push(line, Some("points"), e.to_string());
                None
            }
        };

        if problems.total_count() != before {
            return;
        }
        let (Some(lq), Some(it), Some((sidx, subj)), Some(points)) = (lq, it, subject_idx, pts)
        else {
            return;
        };
        let bit = sidx as usize * lq.state.n_items + it.idx;
        if lq.state.seen.mark(bit) {
            self.dups
                .insert((lq.state.quarter, txt(sb).into(), txt(item_raw).into()));
            return;
        }
        match &self.shared.grid {
            None => self.scores.push(Score {
                quarter: lq.state.quarter,
                subject: subj.subject(),
                item: it.id.clone(),
                points,
            }),
            Some(sink) if sink.keeps(lq.state.quarter) => {
                self.placed.push(Placed {
                    quarter: lq.state.quarter,
                    scope: it.scope,
                    subject: sidx,
                    column: it.column,
                    hundredths: u16::try_from(points.hundredths())
                        .expect("points within an item's maximum fit"),
                });
                if self.placed.len() >= PLACED_BATCH {
                    self.shared.place(&mut self.placed);
                }
            }
            Some(_) => {}
        }
    }
}

/// The streamed, parallel reading of a large file (see the module notes).
#[cfg_attr(not(unix), allow(dead_code))]
mod streamed {

    use super::{
        Keep, Kept, MIN_RECORD_BYTES, PartReader, SCORES_COLUMNS, Shared, TYPICAL_RECORD_BYTES,
        merge, open,
    };
    use crate::error::ReadError;
    use crate::read::estimate_records;
    use crate::read::{Context, Table};

    /// Where the bytes come from: a file (`read_at`), or memory in tests.
    pub(super) trait Source: Sync {
        fn len(&self) -> Option<usize>;
        fn read_exact_at(&self, buf: &mut [u8], at: usize) -> Option<()>;
    }

    #[cfg(unix)]
    impl Source for std::fs::File {
        fn len(&self) -> Option<usize> {
            usize::try_from(self.metadata().ok()?.len()).ok()
        }
        fn read_exact_at(&self, buf: &mut [u8], at: usize) -> Option<()> {
            std::os::unix::fs::FileExt::read_exact_at(self, buf, at as u64).ok()
        }
    }

    impl Source for [u8] {
        fn len(&self) -> Option<usize> {
            Some(<[u8]>::len(self))
        }
        fn read_exact_at(&self, buf: &mut [u8], at: usize) -> Option<()> {
            buf.copy_from_slice(self.get(at..at + buf.len())?);
            Some(())
        }
    }

    /// The scores of `src`, or `None` when it must be read whole instead (smaller than `min`,
    /// with quotes, not UTF-8, a header problem, duplicate keys to name, or a read error).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn read<S: Source + ?Sized>(
        src: &S,
        name: &str,
        ctx: &Context<'_>,
        grid: Keep,
        block: usize,
        min: usize,
        threads: usize,
    ) -> Option<Result<Kept, ReadError>> {
        let len = src.len()?;
        if len < min.max(1) {
            return None;
        }
        // The header, from the first block.
        let mut head = vec![0u8; block.min(len)];
        src.read_exact_at(&mut head, 0)?;
        let cut = head.iter().rposition(|&b| b == b'\n')? + 1;
        let table = open(name, &head[..cut], SCORES_COLUMNS).ok()?;
        let body_start = cut - table.body.len();
        let body_line = table.body_line;
        // Cut the body at line breaks into one part per thread.
        let mut bounds = vec![body_start];
        for k in 1..threads.max(1) {
            let target = body_start + (len - body_start) / threads * k;
            let mut window = vec![0u8; (64 << 10).min(len - target)];
            src.read_exact_at(&mut window, target)?;
            let Some(nl) = window.iter().position(|&b| b == b'\n') else {
                continue;
            };
            let at = target + nl + 1;
            if at > *bounds.last().expect("one bound") && at < len {
                bounds.push(at);
            }
        }
        bounds.push(len);
        let shared = Shared::new(ctx, len, grid);
        // Records per byte from the first block: the first part's vector receives every
        // part, and must not have to grow (and copy) at the end.
        let sample = &head[..cut];
        let estimate =
            |bytes: usize| estimate_records(sample, bytes, MIN_RECORD_BYTES, TYPICAL_RECORD_BYTES);
        let results: Option<Vec<PartReader<'_, '_, '_>>> = std::thread::scope(|s| {
            let handles: Vec<_> = bounds
                .windows(2)
                .skip(1)
                .map(|w| {
                    let (from, to) = (w[0], w[1]);
                    let (shared, table) = (&shared, &table);
                    s.spawn(move || {
                        part(src, table, shared, from, to, 1, block, estimate(to - from))
                    })
                })
                .collect();
            let first = part(
                src,
                &table,
                &shared,
                bounds[0],
                bounds[1],
                body_line,
                block,
                estimate(len - body_start),
            );
            let mut all = vec![first];
            for h in handles {
                all.push(h.join().expect("a scores reader thread panicked"));
            }
            all.into_iter().collect()
        });
        let (out, problems, dups) = merge(results?, body_line);
        if !dups.is_empty() {
            return None;
        }
        Some(match problems.finish(name, None) {
            Ok(()) => Ok(Kept {
                scores: out,
                grids: shared.into_grids(),
            }),
            Err(e) => Err(e.into()),
        })
    }

    /// Reads bytes `from..to` of `src` (whole lines) block by block into one buffer. `None` if
    /// a block is not plain UTF-8 text without quotes, a line is longer than a block, or a
    /// read fails.
    #[allow(clippy::too_many_arguments)]
    fn part<'s, 'c, 'p, S: Source + ?Sized>(
        src: &S,
        table: &Table<'_, 4>,
        shared: &'s Shared<'c, 'p>,
        from: usize,
        to: usize,
        first_line: u64,
        block: usize,
        capacity: usize,
    ) -> Option<PartReader<'s, 'c, 'p>> {
        let mut r = PartReader::new(shared, capacity);
        let mut buf = vec![0u8; block.min(to - from).max(1)];
        let mut filled = 0;
        let mut at = from;
        let mut line = first_line;
        while at < to || filled > 0 {
            let n = (buf.len() - filled).min(to - at);
            src.read_exact_at(&mut buf[filled..filled + n], at)?;
            at += n;
            filled += n;
            // Whole lines only, unless this is the end of the part.
            let end = if at == to {
                filled
            } else {
                buf[..filled].iter().rposition(|&b| b == b'\n')? + 1
            };
            let text = std::str::from_utf8(&buf[..end]).ok()?;
            if text.as_bytes().contains(&b'"') {
                return None;
            }
            line = r.feed(table, text, line, true);
            buf.copy_within(end..filled, 0);
            filled -= end;
        }
        r.lines = line - first_line;
        Some(r)
    }
}

/// The hundredths of a plain non-negative decimal with at most six integer digits and at most
/// two decimals (`4`, `3.5`, `1.25`): the usual form of a score, read without the general
/// parser. Anything else (`-1`, `5.000`, `8.125`, ` 3`) gives `None` and goes to
/// `Points::parse`, which decides it and words the error, so the two always agree.
#[inline]
pub(crate) fn simple_hundredths(b: &[u8]) -> Option<i64> {
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(dot) => (&b[..dot], &b[dot + 1..]),
        None => (b, &b[b.len()..]),
    };
    if int.is_empty() || int.len() > 6 || frac.len() > 2 || (frac.is_empty() && int.len() < b.len())
    {
        return None;
    }
    let mut v: i64 = 0;
    for &c in int {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    let mut f: i64 = 0;
    for (i, &c) in frac.iter().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        f += i64::from(c - b'0') * if i == 0 { 10 } else { 1 };
    }
    Some(v * 100 + f)
}

/// The shortest record that gives a score, without its line break: `2026Q3,V,i,1`.
const MIN_RECORD_BYTES: usize = 12;

/// A score record is rarely shorter than this (`2026Q3,V01,duty.audit,1` and its line
/// break); real ones are 30 to 40 bytes.
const TYPICAL_RECORD_BYTES: usize = 24;

/// About how many records `data` holds ([`estimate_records`], from its first 64 KiB).
fn estimate_rows(data: &[u8]) -> usize {
    estimate_records(data, data.len(), MIN_RECORD_BYTES, TYPICAL_RECORD_BYTES)
}

/// Names both lines of every key given twice (the slow pass; only when there are any).
#[cold]
fn name_duplicates(table: &Table<'_, 4>, dups: &Set<Key>, problems: &mut Collector) {
    let mut first: Map<Key, u64> = Map::default();
    let mut found = Collector::default();
    table.rows(
        table.body,
        table.body_line,
        &mut Collector::default(),
        |line, [q, subject, item, _], _| {
            let Ok(q) = Quarter::parse(q) else { return };
            let key: Key = (q, subject.into(), item.into());
            if !dups.contains(&key) {
                return;
            }
            match first.get(&key) {
                Some(l0) => found.push(
                    line,
                    None,
                    format!(
                        "the score of ({q}, {subject}, {item}) is given again (first on line \
                         {l0}); a file gives each (quarter, subject, item) once"
                    ),
                ),
                None => {
                    first.insert(key, line);
                }
            }
        },
    );
    problems.merge(found, 1);
}

#[cfg(test)]
mod tests {
    use super::{
        Keep, read_scores_bytes, read_scores_grid_bytes, read_scores_grids_bytes,
        simple_hundredths, streamed,
    };
    use crate::read::{Context, read_roster_bytes};
    use kaohe_domain::{ItemColumns, Points, Policy, Quarter, Scope, Score, ScoreGrid};

    /// The streamed reader gives exactly what the whole-file reader gives, or steps aside.
    #[test]
    fn streamed_reading_agrees_with_whole_file_reading() {
        let roster = read_roster_bytes(
            "roster.csv",
            "cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date\n\
             C1,a,T1,V1,x,,1,2020-01-01,\nC2,b,T1,V2,x,,1,2020-01-01,2026-03-31\n"
                .as_bytes(),
        )
        .unwrap();
        let policy = Policy::default();
        let ctx = Context::with_policy(&roster, &policy);
        let items: Vec<(String, bool)> = policy
            .items()
            .map(|(_, s, i)| (i.id.to_string(), s.scope == kaohe_domain::Scope::Village))
            .collect();
        let mut text = String::from("\u{feff}\r\nquarter,subject,item,points\r\n");
        for year in 2000..2026 {
            for q in 1..=4 {
                for (it, village) in &items {
                    let subjects: &[&str] = if *village {
                        &["V1", "V2"]
                    } else {
                        &["C1", "C2"]
                    };
                    for s in subjects {
                        text.push_str(&format!("{year}Q{q},{s},{it},1.5\r\n"));
                    }
                }
                text.push_str("\r\n");
            }
        }
        let lines: Vec<&str> = text.split("\r\n").collect();
        let n = lines.len();
        let with = |i: usize, new: &str| {
            let mut l = lines.clone();
            l[i] = new;
            l.join("\r\n")
        };
        let variants = [
            text.clone(),
            with(5, "2000Q1,V1,party.venue,9"),
            with(n / 2, "2000Q1,V9,party.venue,1"),
            with(n - 3, "2026Q2,C2,duty.audit,1"),
            with(n / 3, "2000Q1,V1,party.venue,\"1\""),
            with(7, lines[4]),
            with(n / 2 + 1, "2000Q1,V1,party.venue,1,1"),
        ];
        for (k, v) in variants.iter().enumerate() {
            let whole = read_scores_bytes("s.csv", v.as_bytes(), &ctx);
            for q in ["2000Q1", "2013Q4", "2025Q4", "1999Q1"] {
                let q = Quarter::parse(q).unwrap();
                let want = whole.as_ref().map(|rows| grid_of(&ctx, &policy, q, rows));
                let got = read_scores_grid_bytes("s.csv", v.as_bytes(), &ctx, q);
                for (block, threads) in [(4096, 3), (300, 1)] {
                    let streamed = streamed::read(
                        v.as_bytes(),
                        "s.csv",
                        &ctx,
                        Keep::Grid(q),
                        block,
                        0,
                        threads,
                    )
                    .map(|r| r.map(|k| k.grids.into_iter().next().unwrap()));
                    match (&want, streamed) {
                        (_, None) => assert!(k >= 4, "variant {k} should stream"),
                        (Ok(a), Some(Ok(b))) => assert_eq!(a, &b, "variant {k} {q}"),
                        (Err(a), Some(Err(b))) => assert_eq!(a.to_string(), b.to_string()),
                        (a, Some(b)) => panic!("variant {k}: {a:?} vs {b:?}"),
                    }
                }
                match (want, got) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "variant {k} {q}"),
                    (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "variant {k}"),
                    (a, b) => panic!("variant {k}: {a:?} vs {b:?}"),
                }
            }
            // Every quarter's grid at once: the grids of the quarters the rows name.
            match (&whole, read_scores_grids_bytes("s.csv", v.as_bytes(), &ctx)) {
                (Ok(rows), Ok(grids)) => {
                    let quarters: std::collections::BTreeSet<Quarter> =
                        rows.iter().map(|s| s.quarter).collect();
                    let got: Vec<Quarter> = grids.iter().map(ScoreGrid::quarter).collect();
                    assert_eq!(got, quarters.into_iter().collect::<Vec<_>>(), "variant {k}");
                    for g in grids {
                        assert_eq!(g, grid_of(&ctx, &policy, g.quarter(), rows), "variant {k}");
                    }
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "variant {k}"),
                (a, b) => panic!("variant {k}: {a:?} vs {b:?}"),
            }
            for (block, threads) in [(4096, 3), (1 << 20, 2), (300, 1)] {
                let got =
                    streamed::read(v.as_bytes(), "s.csv", &ctx, Keep::Rows, block, 0, threads)
                        .map(|r| r.map(|k| k.scores));
                match (&whole, got) {
                    (_, None) => assert!(k >= 4, "variant {k} should stream"),
                    (Ok(a), Some(Ok(b))) => assert_eq!(a, &b, "variant {k}"),
                    (Err(a), Some(Err(b))) => {
                        assert_eq!(a.to_string(), b.to_string(), "variant {k}")
                    }
                    (a, Some(b)) => panic!("variant {k}: {a:?} vs {b:?}"),
                }
            }
        }
    }

    /// The grid of quarter `q` from score rows, by a plain route: subjects looked up in the
    /// context, items by their place in the rubric.
    fn grid_of(ctx: &Context<'_>, policy: &Policy, q: Quarter, rows: &[Score]) -> ScoreGrid {
        let columns = ItemColumns::new(policy);
        let (villages, cadres) = ctx.counts();
        let mut grid = ScoreGrid::new(q, &columns, villages, cadres);
        let items: Vec<&str> = policy.items().map(|(_, _, i)| i.id.as_str()).collect();
        for s in rows.iter().filter(|s| s.quarter == q) {
            let item = items.iter().position(|i| *i == s.item.as_str()).unwrap();
            let (scope, column) = columns.place(item);
            let code = s.subject.as_str().as_bytes();
            let subject = match scope {
                Scope::Village => ctx.village(code).unwrap().idx as usize,
                Scope::Cadre => ctx.cadre(code).unwrap().idx as usize - villages,
            };
            let h = u16::try_from(s.points.hundredths()).unwrap();
            grid.set(scope, subject, column, h).unwrap();
        }
        grid
    }

    #[test]
    fn the_fast_points_path_agrees_with_the_domain_parser() {
        for s in [
            "0",
            "4",
            "3.5",
            "1.25",
            "10",
            "10.00",
            "5.0",
            "999999",
            "999999.99",
            "1234567",
            "-1",
            "5.000",
            "8.125",
            "1.",
            ".5",
            "",
            " 3",
            "3 ",
            "+1",
            "1e3",
            "0.05",
            "00.50",
            "1.2.3",
            "abc",
            "1,5",
        ] {
            let fast = simple_hundredths(s.as_bytes());
            let slow = Points::parse(s).ok().map(|p| p.hundredths());
            if let Some(h) = fast {
                assert_eq!(Some(h), slow, "{s}");
            }
            if slow.is_none() {
                assert_eq!(fast, None, "{s}");
            }
        }
    }
}
