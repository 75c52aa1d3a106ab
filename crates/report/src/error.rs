//! Why a report, ledger, list or archive could not be written.

use std::io;

use thiserror::Error;

/// Why a report or ledger could not be written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WriteError {
    /// Writing to the output failed.
    #[error("cannot write the output: {0}")]
    Io(#[from] io::Error),
    /// The xlsx workbook could not be assembled.
    #[error("cannot build the xlsx workbook: {0}")]
    Xlsx(String),
    /// A part of a report written part by part came before the part written earlier
    /// (docs/reference.md, settlement report order).
    #[error(
        "the report's lines were not made in report order (town, sequence, rank): cadre \
         `{cadre}` comes after cadre `{after}`"
    )]
    OutOfOrder {
        /// The first cadre of the part.
        cadre: String,
        /// The last cadre of the part before.
        after: String,
    },
}

impl From<csv::Error> for WriteError {
    fn from(e: csv::Error) -> WriteError {
        match e.into_kind() {
            csv::ErrorKind::Io(e) => WriteError::Io(e),
            other => WriteError::Io(io::Error::other(format!("{other:?}"))),
        }
    }
}

impl From<serde_json::Error> for WriteError {
    fn from(e: serde_json::Error) -> WriteError {
        WriteError::Io(io::Error::other(e))
    }
}

impl From<rust_xlsxwriter::XlsxError> for WriteError {
    fn from(e: rust_xlsxwriter::XlsxError) -> WriteError {
        WriteError::Xlsx(e.to_string())
    }
}
