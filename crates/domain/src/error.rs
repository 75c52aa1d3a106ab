use thiserror::Error;

/// Why a single value could not be parsed. The message names the expected form; callers add
/// where the value came from (file, line, column).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The value is empty where one is required.
    #[error("is empty")]
    Empty,
    /// The value does not have the expected form.
    #[error("`{value}` is not {expected}")]
    Invalid {
        /// The text that was given.
        value: String,
        /// What was expected, e.g. "a quarter like 2026Q3".
        expected: &'static str,
    },
    /// An amount or score has more than two decimals once trailing zeros are dropped.
    #[error("`{0}` has more than 2 decimals (SPEC 5.1: at most 2, as in 87.50)")]
    TooManyDecimals(String),
    /// A value is outside the range it must lie in.
    #[error("`{value}` is out of range: {rule}")]
    OutOfRange {
        /// The text that was given.
        value: String,
        /// The rule it breaks.
        rule: &'static str,
    },
}

impl ParseError {
    pub(crate) fn invalid(value: &str, expected: &'static str) -> Self {
        ParseError::Invalid {
            value: value.to_owned(),
            expected,
        }
    }
}
