//! Errors of the readers (and of the template workbooks). The `Display` text of [`ReadError`] goes to users as it
//! is: one line per problem, `file:line: column `x`: what is wrong`, or for an Excel workbook
//! `file:SHEET!CELL: column `x`: what is wrong` (see [`Problem::cell`]).

use std::fmt;
use std::io;

use thiserror::Error;

/// How many problems [`FileErrors`] prints before "… and N more".
pub const PRINTED_PROBLEMS: usize = 50;

/// How many problems a reader keeps in memory; [`FileErrors::total`] still counts every one.
/// (A 26-million-row file where every row is wrong must not need gigabytes of messages.)
pub const KEPT_PROBLEMS: usize = 10_000;

/// Why a file could not be imported. Nothing of a file with an error is imported.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file cannot be opened or read at all.
    #[error("{file}: cannot be read: {source}")]
    Io {
        /// The file's name as the user gave it.
        file: String,
        /// The operating system's reason.
        #[source]
        source: io::Error,
    },
    /// The file was read and has problems, each located by line and column.
    #[error(transparent)]
    Invalid(#[from] FileErrors),
    /// An `.xlsx` file that is not a workbook that can be read, or has no sheet of the name
    /// asked for (`--sheet`).
    #[error("{file}: {message}")]
    Workbook {
        /// The file's name as the user gave it.
        file: String,
        /// What is wrong, in words a clerk can act on.
        message: String,
    },
}

impl ReadError {
    /// The located problems (empty for [`ReadError::Io`]).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ReadError::Io { .. } | ReadError::Workbook { .. } => &[],
            ReadError::Invalid(f) => &f.problems,
        }
    }
}

/// One problem of a file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the file (the header is line 1; a quoted field spanning lines counts
    /// from the line its record starts on).
    pub line: u64,
    /// The column by its header name, when the problem is in one field.
    pub column: Option<String>,
    /// What is wrong, in words a clerk can act on.
    pub message: String,
    /// In an Excel workbook, where the problem is as `SHEET!CELL` (`花名册!G7`), or
    /// `SHEET!ROW:ROW` for a whole row (`花名册!7:7`); messages show it in place of the line
    /// (`line` is then the sheet's row number). `None` for a CSV file.
    pub cell: Option<String>,
}

impl Problem {
    /// A problem of a CSV file at `line`, in `column` when given.
    pub fn at(line: u64, column: Option<&str>, message: impl Into<String>) -> Problem {
        Problem {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
            cell: None,
        }
    }

    /// Where the problem is, as messages show it after the file's name: the line, or the
    /// workbook's `SHEET!CELL`.
    pub fn place(&self) -> String {
        match &self.cell {
            Some(c) => c.clone(),
            None => self.line.to_string(),
        }
    }
}

/// Every problem found in one file (docs/guide.md, file formats: all are reported, and the file imports nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileErrors {
    /// The file's name as the user gave it.
    pub file: String,
    /// The problems in line order; at most [`KEPT_PROBLEMS`] are kept.
    pub problems: Vec<Problem>,
    /// How many problems there are in all (≥ `problems.len()`).
    pub total: usize,
    /// Advice that applies to the whole file (for example: save it as UTF-8).
    pub hint: Option<String>,
}

impl std::error::Error for FileErrors {}

impl fmt::Display for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.total.max(self.problems.len());
        write!(
            f,
            "{}: {} problem{}; nothing from this file was imported",
            self.file,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.problems.iter().take(PRINTED_PROBLEMS) {
            match &p.cell {
                Some(cell) => write!(f, "\n{}:{cell}: ", self.file)?,
                None => write!(f, "\n{}:{}: ", self.file, p.line)?,
            }
            if let Some(c) = &p.column {
                write!(f, "column `{c}`: ")?;
            }
            f.write_str(&p.message)?;
        }
        let shown = self.problems.len().min(PRINTED_PROBLEMS);
        if n > shown {
            write!(f, "\n… and {} more", n - shown)?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

/// Why a template workbook (`kaohe template`) could not be written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The xlsx workbook could not be assembled.
    #[error("cannot build the xlsx workbook: {0}")]
    Xlsx(String),
}

impl From<rust_xlsxwriter::XlsxError> for TemplateError {
    fn from(e: rust_xlsxwriter::XlsxError) -> TemplateError {
        TemplateError::Xlsx(e.to_string())
    }
}
