use kaohe_store::StoreError;
use thiserror::Error;

/// The exit codes of SPEC 5.2.
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
    /// The request is refused by a rule of the life cycle (SPEC 3.5); nothing was written.
    #[error("{0}")]
    Refused(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// The exit code SPEC 5.2 gives this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            AppError::Invalid(_) | AppError::Refused(_) => ExitCode::Invalid,
            AppError::Store(StoreError::Rejected(_)) => ExitCode::Invalid,
            AppError::Store(_) => ExitCode::Failure,
        }
    }
}
