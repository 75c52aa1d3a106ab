//! The readers of docs/guide.md, file formats: `roster.csv`, `scores.csv`, `events.csv`, `awards.csv`,
//! `condolences.csv`, `inspections.csv`, `health.csv`, and report CSVs (docs/reference.md, settlement report) for earlier
//! appraisals.
//!
//! Every reader works the same way: a UTF-8 BOM is dropped, the file is refused as a whole if it
//! is not UTF-8 (naming each line and column with foreign bytes, with a hint to save it as
//! UTF-8), the header row is matched by name, and then every row is checked and **every**
//! problem collected. Any problem fails the whole file. Files are read whole into memory,
//! except a large `scores.csv`, which is streamed (see `scores`).
//!
//! **Every text and id field** goes through one rule, [`kaohe_domain::check_text`] (through
//! the id types' `parse`, [`kaohe_domain::free_text`], or, for a value looked up in the roster
//! or the policy and not found, [`refusal`]): no control characters, nothing a spreadsheet
//! would run as a formula, a bounded length.
//!
//! **Memory** stays a small multiple of the input: a row keeps at most the header's fields
//! and counts the rest ([`MAX_COLUMNS`] bound the header itself), a value quoted in a message
//! is cut to [`kaohe_domain::ParseError::SHOWN_CHARS`] characters, and at most
//! [`KEPT_PROBLEMS`] problems are kept.

mod archive;
mod context;
mod events;
mod lines;
mod payments;
mod report;
mod roster;
mod scores;
pub(crate) mod tokenizer;
mod xlsx;

use std::path::Path;

pub use archive::{
    HEALTH_COLUMNS, INSPECTIONS_COLUMNS, inspection_differences, read_health, read_health_bytes,
    read_inspections, read_inspections_bytes,
};
pub use context::Context;
pub use events::{EVENTS_COLUMNS, event_differences, read_events, read_events_bytes};
pub use lines::{
    award_lines, condolence_lines, event_lines, health_lines, inspection_lines, roster_lines,
};
pub use payments::{
    AWARDS_COLUMNS, CONDOLENCES_COLUMNS, CondolencesRead, MAX_PAYMENT, award_differences,
    condolence_differences, read_awards, read_awards_bytes, read_condolences,
    read_condolences_bytes,
};
pub use report::{appraisals, read_report, read_report_bytes};
pub use roster::{ROSTER_COLUMNS, read_roster, read_roster_bytes};
pub use scores::{
    SCORES_COLUMNS, read_scores, read_scores_bytes, read_scores_grid, read_scores_grid_bytes,
    read_scores_grids, read_scores_grids_bytes,
};
pub(crate) use xlsx::column_letters;
pub use xlsx::{Input, is_xlsx};

use kaohe_domain::{MAX_CODE_CHARS, ParseError, check_text};

use crate::error::{FileErrors, KEPT_PROBLEMS, Problem, ReadError};
use tokenizer::{Row, Tokenizer};

/// The most fields a header row may have. Every file of kaohe has fewer columns (a report
/// has 21); a wider header is refused before its fields are looked at.
pub const MAX_COLUMNS: usize = 64;

/// Why `raw`, a field looked up by value (a subject, an item, an event kind or level) and not
/// found, is refused: the text rule's reason when it breaks it (a formula, a control
/// character), else `otherwise`.
#[cold]
pub(crate) fn refusal(raw: &str, otherwise: impl FnOnce(&str) -> String) -> String {
    match check_text(raw, MAX_CODE_CHARS) {
        Err(e) => e.to_string(),
        Ok(()) => otherwise(&ParseError::shown(raw)),
    }
}

/// About how many records a body of `len` bytes holds, judged from `sample`, its first bytes
/// (at most 64 KiB of it are looked at): the sample's lines of at least `min_record` bytes
/// (the shortest record that can give a value, without its line break), scaled to `len`, and
/// at most one per `typical` bytes (a record is rarely shorter), with an eighth to spare.
/// Readers reserve room for that many values up front, so that a large valid file is read
/// without its vectors growing and copying.
///
/// Shorter lines (blank ones, junk) count for nothing, and a line longer than the sample
/// counts once: a file of millions of empty or broken lines, or of one huge line, reserves
/// nothing for values it will never hold; `typical` bounds what millions of short invalid
/// records reserve. Memory stays a small multiple of the input.
pub(crate) fn estimate_records(
    sample: &[u8],
    len: usize,
    min_record: usize,
    typical: usize,
) -> usize {
    let sample = &sample[..sample.len().min(len).min(64 << 10)];
    if sample.is_empty() {
        return 16;
    }
    let plausible = sample
        .split(|&b| b == b'\n' || b == b'\r')
        .filter(|l| l.len() >= min_record)
        .count();
    let n = sample.len();
    let rows = (len / n * plausible + len % n * plausible / n).min(len / typical.max(1));
    rows + rows / 8 + 16
}

/// The hint given with a file that is not UTF-8.
pub const UTF8_HINT: &str = "the file is not UTF-8 text. Spreadsheets in China often save CSV \
    as GBK (\"ANSI\"): in Excel choose 另存为 → \"CSV UTF-8 (逗号分隔)\", in WPS choose the \
    UTF-8 encoding when saving, then import the file again";

/// Reads a whole file, naming it as the user gave it: a CSV file, or the first sheet of an
/// `.xlsx` workbook ([`Input`]).
pub(crate) fn input(path: &Path) -> Result<Input, ReadError> {
    Input::open(path, None)
}

/// Reads a whole file, naming it as the user gave it.
pub(crate) fn load(path: &Path) -> Result<(String, Vec<u8>), ReadError> {
    let file = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((file, bytes)),
        Err(source) => Err(ReadError::Io { file, source }),
    }
}

/// Collects problems; keeps the first [`KEPT_PROBLEMS`] and counts them all.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    problems: Vec<Problem>,
    total: usize,
}

impl Collector {
    #[cold]
    pub fn push(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        self.total += 1;
        if self.problems.len() < KEPT_PROBLEMS {
            self.problems.push(Problem::at(line, column, message));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many problems were pushed so far.
    #[inline]
    pub fn total_count(&self) -> usize {
        self.total
    }

    /// Adds the problems of another part of the file whose lines were counted from 1 at
    /// `first_line`.
    pub fn merge(&mut self, other: Collector, first_line: u64) {
        self.total += other.total;
        self.problems
            .extend(other.problems.into_iter().map(|mut p| {
                p.line += first_line - 1;
                p
            }));
    }

    /// `Ok` when there is no problem, else every problem in line order.
    pub fn finish(mut self, file: &str, hint: Option<String>) -> Result<(), FileErrors> {
        if self.total == 0 {
            return Ok(());
        }
        self.problems.sort_by_key(|p| p.line);
        self.problems.truncate(KEPT_PROBLEMS);
        Err(FileErrors {
            file: file.to_owned(),
            problems: self.problems,
            total: self.total,
            hint,
        })
    }
}

/// A CSV file whose header has been matched: where its rows start and which field holds each
/// expected column.
#[derive(Debug)]
pub(crate) struct Table<'a, const N: usize> {
    /// The text after the header row.
    pub body: &'a str,
    /// The line the body starts on.
    pub body_line: u64,
    /// For each expected column, its index in a row.
    cols: [usize; N],
    /// The number of fields of the header.
    width: usize,
    /// Whether the body holds a `"` (else the fast tokenizer applies).
    pub has_quotes: bool,
}

fn list(names: &[&str]) -> String {
    names.join(",")
}

/// Strips a BOM, checks the encoding and matches the header against `names`.
pub(crate) fn open<'a, const N: usize>(
    file: &str,
    bytes: &'a [u8],
    names: [&'static str; N],
) -> Result<Table<'a, N>, FileErrors> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(not_utf8(file, bytes));
    };
    let mut problems = Collector::default();
    let mut tok = Tokenizer::new(bytes, 1);
    let mut row = Row::keeping(MAX_COLUMNS);
    let header_line = match tok.next_row(&mut row) {
        None => {
            problems.push(
                1,
                None,
                format!("the file is empty; it needs a header row: {}", list(&names)),
            );
            return Err(problems.finish(file, None).unwrap_err());
        }
        Some(Err(e)) => {
            problems.push(row.line, None, format!("the header row is malformed: {e}"));
            return Err(problems.finish(file, None).unwrap_err());
        }
        Some(Ok(())) => row.line,
    };
    if row.width > MAX_COLUMNS {
        problems.push(
            row.line,
            None,
            format!(
                "the header row has {} fields; a file has at most {MAX_COLUMNS} columns (the \
                 columns are: {})",
                row.width,
                list(&names)
            ),
        );
        return Err(problems.finish(file, None).unwrap_err());
    }
    let mut cols = [usize::MAX; N];
    let mut matched = 0;
    for i in 0..row.fields.len() {
        let name = row.text(text, i);
        let shown = ParseError::shown(name);
        match names.iter().position(|n| *n == name) {
            Some(k) if cols[k] != usize::MAX => problems.push(
                header_line,
                Some(&shown),
                format!("is given twice (fields {} and {})", cols[k] + 1, i + 1),
            ),
            Some(k) => {
                cols[k] = i;
                matched += 1;
            }
            None => {
                let trimmed = name.trim();
                let why = if trimmed != name && names.contains(&trimmed) {
                    format!("unknown column (spaces around `{trimmed}`?)")
                } else if let Err(e) = check_text(name, MAX_CODE_CHARS) {
                    format!("unknown column: {e}")
                } else if name.is_empty() {
                    format!("field {} of the header is empty", i + 1)
                } else {
                    "unknown column".to_owned()
                };
                problems.push(
                    header_line,
                    Some(&shown),
                    format!("{why}; the columns are: {}", list(&names)),
                );
            }
        }
    }
    for (k, n) in names.iter().enumerate() {
        if cols[k] == usize::MAX {
            problems.push(
                header_line,
                Some(n),
                format!("missing column; the columns are: {}", list(&names)),
            );
        }
    }
    if !problems.is_empty() {
        let hint = (matched == 0).then(|| {
            format!(
                "the first row must be the header row, naming the columns: {}",
                list(&names)
            )
        });
        return Err(problems.finish(file, hint).unwrap_err());
    }
    Ok(Table {
        body: &text[tok.offset()..],
        body_line: tok.line(),
        cols,
        width: row.width,
        has_quotes: bytes[tok.offset()..].contains(&b'"'),
    })
}

/// The body of [`Table::raw_rows_in`] and [`Table::text_rows_in`]: calls `$f` with each
/// well-formed row of `$data`, its expected fields taken from the row by `$get`.
macro_rules! for_each_row {
    ($table:expr, $data:expr, $first_line:expr, $plain:expr, $problems:expr, $f:expr,
     |$row:ident, $i:ident| $get:expr) => {{
        let table = $table;
        let bytes = $data.as_bytes();
        let problems: &mut Collector = $problems;
        let mut handle = |$row: &Row, problems: &mut Collector| {
            if $row.width != table.width {
                problems.push(
                    $row.line,
                    None,
                    format!(
                        "has {} fields but the header has {} (a comma too many or too few? \
                         quote a value that contains a comma)",
                        $row.width, table.width
                    ),
                );
                return;
            }
            let vals = std::array::from_fn(|k| {
                let $i = table.cols[k];
                $get
            });
            $f($row.line, vals, problems);
        };
        let mut row = Row::keeping(table.width);
        if $plain {
            tokenizer::for_each_plain(bytes, $first_line, &mut row, |row| handle(row, problems))
        } else {
            let mut tok = Tokenizer::new(bytes, $first_line);
            while let Some(r) = tok.next_row(&mut row) {
                match r {
                    Ok(()) => handle(&row, problems),
                    Err(e) => problems.push(row.line, None, e),
                }
            }
            tok.line()
        }
    }};
}

impl<'a, const N: usize> Table<'a, N> {
    /// Calls `f` with each well-formed row of `data` (the body or a part of it starting at
    /// `first_line`) and its expected columns as text; malformed rows and rows with the wrong
    /// number of fields become problems.
    pub fn rows(
        &self,
        data: &'a str,
        first_line: u64,
        problems: &mut Collector,
        f: impl FnMut(u64, [&str; N], &mut Collector),
    ) {
        self.text_rows_in(data, first_line, !self.has_quotes, problems, f);
    }

    /// As [`Table::raw_rows_in`], the fields cut from `data` as text without validating them
    /// again. Returns the line after the part.
    pub fn text_rows_in(
        &self,
        data: &'a str,
        first_line: u64,
        plain: bool,
        problems: &mut Collector,
        mut f: impl FnMut(u64, [&str; N], &mut Collector),
    ) -> u64 {
        for_each_row!(self, data, first_line, plain, problems, f, |row, i| row
            .text(data, i))
    }

    /// Calls `f` with each well-formed row of any part of the body that starts a record, its
    /// expected fields as bytes (each is UTF-8: see [`txt`]), with the fast tokenizer when
    /// `plain` (the part holds no `"`). Returns the line after the part.
    pub fn raw_rows_in(
        &self,
        data: &str,
        first_line: u64,
        plain: bool,
        problems: &mut Collector,
        mut f: impl FnMut(u64, [&[u8]; N], &mut Collector),
    ) -> u64 {
        let bytes = data.as_bytes();
        for_each_row!(self, data, first_line, plain, problems, f, |row, i| row
            .bytes(bytes, i))
    }
}

/// A field as text. The file was checked to be UTF-8 and fields are cut at ASCII separators,
/// so this cannot fail; an empty string would stand in if it ever did.
#[inline]
pub(crate) fn txt(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

/// The problems of a file that is not UTF-8: every field with foreign bytes, by line and
/// column.
#[cold]
fn not_utf8(file: &str, bytes: &[u8]) -> FileErrors {
    let mut problems = Collector::default();
    let mut tok = Tokenizer::new(bytes, 1);
    // Fields past the first MAX_COLUMNS are checked as one stretch of the record.
    let mut row = Row::keeping(MAX_COLUMNS);
    let mut header: Vec<String> = Vec::new();
    let mut first = true;
    let foreign = |f: &[u8], e: std::str::Utf8Error| {
        let at = e.valid_up_to();
        let bad = &f[at..(at + 4).min(f.len())];
        let shown: String = bad.iter().map(|b| format!("\\x{b:02X}")).collect();
        format!("is not UTF-8 text (first foreign bytes: {shown})")
    };
    loop {
        let start = tok.offset();
        let Some(r) = tok.next_row(&mut row) else {
            break;
        };
        if r.is_err() {
            continue;
        }
        let mut kept_end = start;
        for (i, f) in row.all(bytes).enumerate() {
            if let tokenizer::Field::Span(_, end) = row.fields[i] {
                kept_end = end;
            }
            if let Err(e) = std::str::from_utf8(f) {
                let column = header
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", i + 1));
                problems.push(row.line, Some(&column), foreign(f, e));
            }
        }
        if row.width > row.fields.len() {
            let rest = &bytes[kept_end..tok.offset()];
            if let Err(e) = std::str::from_utf8(rest) {
                problems.push(
                    row.line,
                    None,
                    format!("past field {MAX_COLUMNS}: {}", foreign(rest, e)),
                );
            }
        }
        if first {
            header = row
                .all(bytes)
                .map(|f| ParseError::shown(&String::from_utf8_lossy(f)))
                .collect();
            first = false;
        }
    }
    if problems.is_empty() {
        // Only a malformed record can hide the bad bytes; name the first one by line.
        let e = std::str::from_utf8(bytes).expect_err("the caller saw invalid UTF-8");
        let line = tokenizer::count_lines(&bytes[..e.valid_up_to()]) + 1;
        problems.push(line, None, "is not UTF-8 text");
    }
    problems
        .finish(file, Some(UTF8_HINT.to_owned()))
        .expect_err("at least one problem")
}
