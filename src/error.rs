use kaohe_store::StoreError;
use thiserror::Error;

/// The exit codes of docs/guide.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: success.
    Success = 0,
    /// 1: any other failure (the store cannot be reached, a backend failure).
    Failure = 1,
    /// 2: invalid input or a refused request.
    Invalid = 2,
}

/// Why a use case did not complete.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AppError {
    /// The input is invalid (a file, an argument, a policy); nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The request is refused by a rule of the life cycle (docs/rules.md, the settlement life cycle); nothing was written.
    #[error("{0}")]
    Refused(String),
    /// The input conflicts with what the store holds (docs/rules.md Art.2; docs/guide.md, file formats); nothing was written. Each
    /// conflict names the row by its key (`cadre_id` or `event_id`) so that a caller holding
    /// the file can name its line.
    #[error("{}", conflicts_text(.0))]
    Conflicts(Vec<Conflict>),
    /// A file cannot be read, has problems, or conflicts with the store; nothing from it was
    /// written. Every problem is located: `FILE:LINE` and column, or `FILE:SHEET!CELL` in a
    /// workbook.
    #[error(transparent)]
    File(#[from] kaohe_io::ReadError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// The exit code docs/guide.md gives this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            AppError::Invalid(_)
            | AppError::Refused(_)
            | AppError::Conflicts(_)
            | AppError::File(_) => ExitCode::Invalid,
            AppError::Store(StoreError::Rejected(_)) => ExitCode::Invalid,
            AppError::Store(_) => ExitCode::Failure,
        }
    }
}

/// One row of an import that conflicts with the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The row's key in its file: a `cadre_id` (roster) or an `event_id` (events).
    pub key: String,
    /// The column at fault, by its header name.
    pub column: &'static str,
    /// What is wrong, naming the rule.
    pub message: String,
}

fn conflicts_text(conflicts: &[Conflict]) -> String {
    let mut out = String::from("the file conflicts with the store; nothing was imported:");
    for c in conflicts {
        out.push_str(&format!(
            "\n  {} (column `{}`): {}",
            c.key, c.column, c.message
        ));
    }
    out
}
