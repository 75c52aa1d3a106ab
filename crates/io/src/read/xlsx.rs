//! Excel workbooks in (docs/guide.md, file formats "Excel workbooks"): every file kaohe reads may instead be an
//! `.xlsx` workbook, with the same columns, checks and messages, each problem located as
//! `FILE:SHEET!CELL`.
//!
//! **One set of checks.** A sheet is turned into CSV text in memory, one record per non-empty
//! row, keeping where each record and column came from; the CSV readers run over that text
//! unchanged, and [`Input::located`] rewrites each problem's `FILE:LINE` + column into the
//! cell (`roster.xlsx:花名册!G7`), or `SHEET!7:7` for a problem of a whole row.
//!
//! **Cells to text, exactly** (no float arithmetic anywhere):
//! - a number cell is an IEEE double; it becomes the shortest decimal that reads back as the
//!   same double (Rust's `f64` `Display`): `1406.08` stays `1406.08`, and a cell holding
//!   0.1+0.2 (`0.30000000000000004`) shows all its digits, so the readers' "at most 2 decimals"
//!   check refuses it. A value is therefore taken exactly or refused, never off by a fen.
//!   Whole numbers show no `.0`.
//! - a date cell (a serial number with a date format, in the workbook's 1900 or 1904 system)
//!   becomes `YYYY-MM-DD`; a date with a time of day is refused.
//! - a text cell is taken as it is; `TRUE`/`FALSE` as those words.
//! - a formula cell is refused (its cached value may be stale), as is an error cell
//!   (`#DIV/0!`) or a number that is not finite.
//!
//! The header row is the first non-empty row; empty rows are skipped (as blank lines of a CSV
//! file are). Cells are read as a stream and only those holding something are kept, so memory
//! follows the file's content, not the sheet's extent. The row right under the header is skipped when its first cell is the note that
//! `kaohe template` writes there (see `write::template`): a filled template imports as it is.
//! A merged header cell holds its text in its first cell only (calamine gives the others
//! empty), so the columns it spans are refused as empty header fields.

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataType, Reader, Xlsx, XlsxFormulaMetadata};
use kaohe_domain::ParseError;

use crate::error::{FileErrors, KEPT_PROBLEMS, Problem, ReadError};
use crate::read::tokenizer::count_lines;

/// Whether `path` names an Excel workbook: its extension is `.xlsx` (any case).
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// One input file as the readers take it: a CSV file as it is, or a sheet of an `.xlsx`
/// workbook turned into CSV text (see the module notes). Give [`Input::text`] to a reader and
/// pass what it returns through [`Input::located`].
#[derive(Debug)]
pub struct Input {
    name: String,
    raw: Vec<u8>,
    sheet: Option<SheetText>,
}

/// A sheet as CSV text, and where each of its records and columns came from.
#[derive(Debug)]
struct SheetText {
    sheet: String,
    csv: Vec<u8>,
    /// (first CSV line of a record, its 0-based sheet row), in line order.
    records: Vec<(u64, u32)>,
    /// The header's cells: (text, 0-based sheet column).
    header: Vec<(String, u32)>,
    /// What was refused while the cells were turned into text.
    problems: Vec<CellProblem>,
    /// How many such problems there are in all (≥ `problems.len()`).
    total: usize,
}

#[derive(Debug)]
struct CellProblem {
    row: u32,
    col: u32,
    column: Option<String>,
    message: String,
}

impl Input {
    /// Reads `path`: an `.xlsx` workbook ([`is_xlsx`]) from `sheet` (default the first), any
    /// other file as CSV (`sheet` must then be `None`).
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<Input, ReadError> {
        let name = path.display().to_string();
        let raw = match std::fs::read(path) {
            Ok(raw) => raw,
            Err(source) => return Err(ReadError::Io { file: name, source }),
        };
        if is_xlsx(path) {
            Input::workbook(name, raw, sheet)
        } else if let Some(s) = sheet {
            Err(ReadError::Workbook {
                file: name,
                message: format!(
                    "`--sheet {s}` is for an Excel workbook (a file named .xlsx); this file is \
                     read as CSV"
                ),
            })
        } else {
            Ok(Input::csv(name, raw))
        }
    }

    /// A CSV file's bytes, named `name` in messages.
    pub fn csv(name: String, raw: Vec<u8>) -> Input {
        Input {
            name,
            raw,
            sheet: None,
        }
    }

    /// An `.xlsx` workbook's bytes, named `name` in messages: its sheet `sheet` (default the
    /// first) as CSV text. A file that is not a workbook, or has no such sheet, is refused.
    pub fn workbook(name: String, raw: Vec<u8>, sheet: Option<&str>) -> Result<Input, ReadError> {
        let text = convert(&name, &raw, sheet)?;
        Ok(Input {
            name,
            raw,
            sheet: Some(text),
        })
    }

    /// The file's name as the user gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's bytes as read (of a workbook: the `.xlsx` file itself).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The CSV text for a reader.
    pub fn text(&self) -> &[u8] {
        match &self.sheet {
            Some(s) => &s.csv,
            None => &self.raw,
        }
    }

    /// The sheet read, for a workbook.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_ref().map(|s| s.sheet.as_str())
    }

    /// A reader's result over [`Input::text`], its problems located in the workbook, with the
    /// cells refused while reading the sheet (a formula, an error cell, a time of day) added.
    /// A CSV file's result is returned as it is.
    pub fn located<T>(&self, r: Result<T, ReadError>) -> Result<T, ReadError> {
        let Some(s) = &self.sheet else {
            return r;
        };
        match r {
            Ok(v) if s.total == 0 => Ok(v),
            Ok(_) => Err(ReadError::Invalid(s.errors(&self.name, None))),
            Err(ReadError::Invalid(f)) => Err(ReadError::Invalid(s.errors(&self.name, Some(f)))),
            Err(e) => Err(e),
        }
    }

    /// Problems found over [`Input::text`] (by a check against the store), located in the
    /// workbook; a CSV file's as they are.
    pub fn locate(&self, errors: FileErrors) -> FileErrors {
        match &self.sheet {
            Some(s) => s.errors(&self.name, Some(errors)),
            None => errors,
        }
    }

    /// Problems that are not errors (warnings), located in the workbook.
    pub fn locate_problems(&self, problems: Vec<Problem>) -> Vec<Problem> {
        match &self.sheet {
            Some(s) => problems.into_iter().map(|p| s.locate(p).0).collect(),
            None => problems,
        }
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
pub(crate) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl SheetText {
    /// `p` (of the CSV text) located in the sheet, and its 0-based column when it is in one
    /// cell.
    fn locate(&self, mut p: Problem) -> (Problem, Option<u32>) {
        let i = self.records.partition_point(|(line, _)| *line <= p.line);
        let Some(&(_, row)) = i.checked_sub(1).and_then(|i| self.records.get(i)) else {
            return (p, None);
        };
        let is_header = i == 1;
        let col = p.column.as_deref().and_then(|name| {
            self.header
                .iter()
                .find(|(h, _)| {
                    if is_header {
                        ParseError::shown(h) == name
                    } else {
                        h == name
                    }
                })
                .map(|(_, c)| *c)
        });
        let r = row + 1;
        p.line = u64::from(r);
        p.cell = Some(match col {
            Some(c) => format!("{}!{}{r}", self.sheet, column_letters(c)),
            None => format!("{}!{r}:{r}", self.sheet),
        });
        (p, col)
    }

    /// Every problem of the sheet: the reader's (`found`), located, and the cells refused
    /// while reading it; a reader's problem in a cell already refused is left out.
    fn errors(&self, file: &str, found: Option<FileErrors>) -> FileErrors {
        let mut out: Vec<(Problem, u32)> = Vec::new();
        let mut refused: HashSet<(u32, u32)> = HashSet::new();
        for c in &self.problems {
            refused.insert((c.row, c.col));
            let r = c.row + 1;
            out.push((
                Problem {
                    line: u64::from(r),
                    column: c.column.clone(),
                    message: c.message.clone(),
                    cell: Some(format!("{}!{}{r}", self.sheet, column_letters(c.col))),
                },
                c.col + 1,
            ));
        }
        let mut total = self.total;
        let mut hint = None;
        if let Some(f) = found {
            let mut dropped = 0;
            for p in f.problems {
                let (p, col) = self.locate(p);
                let row = u32::try_from(p.line.saturating_sub(1)).unwrap_or(u32::MAX);
                if col.is_some_and(|c| refused.contains(&(row, c))) {
                    dropped += 1;
                    continue;
                }
                out.push((p, col.map_or(0, |c| c + 1)));
            }
            total += f.total.saturating_sub(dropped);
            hint = f.hint;
        }
        out.sort_by_key(|(p, col)| (p.line, *col));
        out.truncate(KEPT_PROBLEMS);
        FileErrors {
            file: file.to_owned(),
            total: total.max(out.len()),
            problems: out.into_iter().map(|(p, _)| p).collect(),
            hint,
        }
    }
}

/// Reads sheet `want` (default the first) of the workbook `bytes` into CSV text.
fn convert(file: &str, bytes: &[u8], want: Option<&str>) -> Result<SheetText, ReadError> {
    let bad = |message: String| ReadError::Workbook {
        file: file.to_owned(),
        message,
    };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        bad(format!(
            "is not an Excel workbook that can be read ({e}); save it as an .xlsx workbook \
             (Excel 2007 or later), or as CSV UTF-8 with a .csv name"
        ))
    })?;
    let names = wb.sheet_names();
    let sheet = match want {
        Some(w) => names.iter().find(|n| *n == w).cloned().ok_or_else(|| {
            bad(format!(
                "has no sheet `{}`; its sheets are: {}",
                ParseError::shown(w),
                names.join(", ")
            ))
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("has no sheet".to_owned()))?,
    };
    let is_1904 = wb.has_1904_epoch();
    let cannot = |e: calamine::XlsxError| bad(format!("sheet `{sheet}` cannot be read: {e}"));
    // The cells are read as a stream and kept by row, only those that hold something (a value
    // or a formula): a dense range would take memory for every empty cell up to the farthest
    // one, billions for a stray value in XFD1048576.
    let mut rows: BTreeMap<u32, Vec<(u32, Data, Option<String>)>> = BTreeMap::new();
    {
        let mut cells = wb.worksheet_cells_reader(&sheet).map_err(cannot)?;
        while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(cannot)? {
            // A cell of a shared formula (Excel's fill-down) has no text of its own: it is
            // kept as a formula without text.
            let formula = match cell.formula {
                Some(XlsxFormulaMetadata::Normal { formula }) if formula.is_empty() => None,
                Some(
                    XlsxFormulaMetadata::Normal { formula }
                    | XlsxFormulaMetadata::Shared { formula, .. },
                ) => Some(formula),
                // A derived cell of a shared formula, or any other kind: a formula all the same.
                Some(_) => Some(String::new()),
                None => None,
            };
            let value: Data = cell.value.into();
            let blank = match &value {
                Data::String(s) => s.is_empty(),
                v => v.is_empty(),
            };
            if blank && formula.is_none() {
                continue;
            }
            let (r, c) = cell.pos;
            rows.entry(r).or_default().push((c, value, formula));
        }
    }
    for cells in rows.values_mut() {
        cells.sort_by_key(|(c, ..)| *c);
    }
    let mut out = SheetText {
        sheet: sheet.clone(),
        csv: Vec::new(),
        records: Vec::new(),
        header: Vec::new(),
        problems: Vec::new(),
        total: 0,
    };
    let Some((&header_row, header_cells)) = rows.iter().next() else {
        // An empty sheet: the reader refuses the empty text, naming the header it needs.
        out.records.push((1, 0));
        return Ok(out);
    };
    let c0 = rows
        .values()
        .filter_map(|cells| cells.first().map(|(c, ..)| *c))
        .min()
        .unwrap_or(0);
    let header_end = header_cells.last().map_or(c0, |(c, ..)| *c);
    let width = (header_end - c0 + 1) as usize;
    // A header wider than any file is refused by the reader from the header alone: the rows
    // under it are not turned into text.
    let too_wide = width > super::MAX_COLUMNS;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut line = 1u64;
    let mut fields: Vec<String> = Vec::new();
    for (&r, cells) in &rows {
        if too_wide && r != header_row {
            break;
        }
        fields.clear();
        fields.resize(width, String::new());
        let column_of = |c: u32, header: &[(String, u32)]| {
            header
                .iter()
                .find(|(_, hc)| *hc == c)
                .map(|(h, _)| ParseError::shown(h))
                .filter(|h| !h.is_empty())
        };
        for (c, value, formula) in cells {
            let c = *c;
            let refuse = |out: &mut SheetText, message: String| {
                out.total += 1;
                if out.problems.len() < KEPT_PROBLEMS {
                    let column = column_of(c, &out.header);
                    out.problems.push(CellProblem {
                        row: r,
                        col: c,
                        column,
                        message,
                    });
                }
            };
            let text = if let Some(f) = formula {
                let what = if f.is_empty() {
                    "a formula (shared with the cells above it)".to_owned()
                } else {
                    format!("a formula (`={}`)", ParseError::shown(f))
                };
                refuse(
                    &mut out,
                    format!(
                        "is {what}; its computed value may be stale: enter the value itself \
                         (copy the column and paste it as values)"
                    ),
                );
                continue;
            } else {
                match text_of(value, is_1904) {
                    Ok(t) => t,
                    Err(why) => {
                        refuse(&mut out, why);
                        continue;
                    }
                }
            };
            if c > header_end {
                if !text.is_empty() {
                    refuse(
                        &mut out,
                        format!(
                            "lies outside the header's columns (the header ends at column {}); \
                             every value needs a column named in row {}",
                            column_letters(header_end),
                            header_row + 1
                        ),
                    );
                }
                continue;
            }
            if let Some(slot) = fields.get_mut((c - c0) as usize) {
                *slot = text;
            }
        }
        if r == header_row {
            out.header = fields
                .iter()
                .zip(c0..)
                .map(|(h, c)| (h.clone(), c))
                .collect();
        } else if fields.iter().all(String::is_empty)
            || (out.records.len() == 1 && crate::write::is_template_note(&out.header, &fields))
        {
            // Nothing left to check (every cell of the row was refused above, or lies right
            // of the header), or the template's notes.
            continue;
        }
        out.records.push((line, r));
        let before = w.get_ref().len();
        w.write_record(&fields)
            .and_then(|()| w.flush().map_err(csv::Error::from))
            .map_err(|e| bad(format!("sheet `{sheet}` cannot be read: {e}")))?;
        line += count_lines(&w.get_ref()[before..]);
    }
    out.csv = w
        .into_inner()
        .map_err(|e| bad(format!("sheet `{sheet}` cannot be read: {e}")))?;
    Ok(out)
}

/// A cell's value as CSV text, or why it is refused.
fn text_of(v: &Data, is_1904: bool) -> Result<String, String> {
    match v {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.clone()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Float(f) => number(*f),
        Data::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(d) => {
            if d.is_duration() {
                return Err("is a duration, not a date or a number".to_owned());
            }
            let serial = d.as_f64();
            let first = if is_1904 { 0.0 } else { 1.0 };
            if !serial.is_finite() || serial < first {
                return Err(format!(
                    "is a date cell with the serial number {}, before Excel's first date",
                    number(serial).unwrap_or_default()
                ));
            }
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            if serial.fract() != 0.0 || (h, min, s, ms) != (0, 0, 0, 0) {
                return Err(format!(
                    "is a date with a time of day ({y:04}-{m:02}-{day:02} \
                     {h:02}:{min:02}:{s:02}); enter the date alone (YYYY-MM-DD)"
                ));
            }
            Ok(format!("{y:04}-{m:02}-{day:02}"))
        }
        Data::DateTimeIso(s) => match s.split_once('T') {
            None => Ok(s.clone()),
            Some((date, "00:00:00" | "00:00" | "00:00:00.000")) => Ok(date.to_owned()),
            Some(_) => Err(format!(
                "is a date with a time of day ({}); enter the date alone (YYYY-MM-DD)",
                ParseError::shown(s)
            )),
        },
        Data::DurationIso(_) => Err("is a duration, not a date or a number".to_owned()),
        Data::Error(e) => Err(format!(
            "holds the spreadsheet error `{e}`; enter the value itself"
        )),
    }
}

/// A number cell's double as the shortest decimal that reads back as it (see the module
/// notes); `-0` is `0`.
fn number(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err("is not a finite number".to_owned());
    }
    if f == 0.0 {
        return Ok("0".to_owned());
    }
    Ok(f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(6), "G");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(column_letters(16383), "XFD");
    }

    /// The shortest round trip, never a rounded or padded figure.
    #[test]
    fn numbers_show_what_they_hold() {
        assert_eq!(number(1406.08).unwrap(), "1406.08");
        assert_eq!(number(0.30000000000000004).unwrap(), "0.30000000000000004");
        assert_eq!(number(5.0).unwrap(), "5");
        assert_eq!(number(-0.0).unwrap(), "0");
        assert_eq!(number(-3.5).unwrap(), "-3.5");
        assert_eq!(number(1e21).unwrap(), "1000000000000000000000");
        assert!(number(f64::NAN).is_err());
        assert!(number(f64::INFINITY).is_err());
    }

    #[test]
    fn dates_and_times() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::*};
        let d = |v: f64, is_1904: bool| Data::DateTime(ExcelDateTime::new(v, DateTime, is_1904));
        // 2026-07-01 is serial 46204 (1900 system) and 44742 (1904 system).
        assert_eq!(text_of(&d(46204.0, false), false).unwrap(), "2026-07-01");
        assert_eq!(text_of(&d(44742.0, true), true).unwrap(), "2026-07-01");
        assert!(
            text_of(&d(46204.5, false), false)
                .unwrap_err()
                .contains("time of day")
        );
        assert!(text_of(&d(0.0, false), false).is_err());
        assert!(
            text_of(
                &Data::DateTime(ExcelDateTime::new(1.5, TimeDelta, false)),
                false
            )
            .is_err()
        );
        assert_eq!(
            text_of(&Data::DateTimeIso("2026-07-01T00:00:00".into()), false).unwrap(),
            "2026-07-01"
        );
        assert!(text_of(&Data::DateTimeIso("2026-07-01T08:00:00".into()), false).is_err());
    }
}
