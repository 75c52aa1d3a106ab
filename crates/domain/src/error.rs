use thiserror::Error;

/// Why a single value could not be parsed. The message names the expected form; callers add
/// where the value came from (file, line, column).
///
/// A value quoted in a message is [`ParseError::shown`]: cut to [`ParseError::SHOWN_CHARS`]
/// characters, control characters escaped, so that a huge or hostile field neither fills
/// memory with copies of itself nor reaches a terminal raw.
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
    #[error("`{0}` has more than 2 decimals (at most 2, as in 87.50)")]
    TooManyDecimals(String),
    /// A value is outside the range it must lie in.
    #[error("`{value}` is out of range: {rule}")]
    OutOfRange {
        /// The text that was given.
        value: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// A text field holds a control character (tab, line break, ESC, NUL, …), which a
    /// terminal or spreadsheet would act on and no name or note needs.
    #[error(
        "`{value}` holds a control character ({code}) at character {at}; text fields hold \
         none (retype the value without tabs, line breaks or other invisible characters)"
    )]
    Control {
        /// The text that was given.
        value: String,
        /// The character, as `U+0007`.
        code: String,
        /// Its 1-based position in the text.
        at: usize,
    },
    /// A field begins with `=`, `+`, `-` or `@`, which a spreadsheet opening the file, or a
    /// report that repeats the value, would run as a formula (formula injection).
    #[error("`{value}` begins with `{first}`: a spreadsheet would run it as a formula")]
    Formula {
        /// The text that was given.
        value: String,
        /// The character it begins with.
        first: char,
    },
    /// A text is longer than its limit.
    #[error("is {chars} characters long; at most {max} are allowed")]
    TooLong {
        /// Its length in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
}

impl ParseError {
    /// The most characters of a value that a message quotes.
    pub const SHOWN_CHARS: usize = 40;

    /// `value` as a message quotes it: at most [`ParseError::SHOWN_CHARS`] characters (then
    /// `…`), each control character escaped (`\t`, `\u{1b}`).
    pub fn shown(value: &str) -> String {
        let mut out = String::with_capacity(value.len().min(Self::SHOWN_CHARS * 4 + 8));
        for (i, c) in value.chars().enumerate() {
            if i == Self::SHOWN_CHARS {
                out.push('…');
                break;
            }
            if c.is_control() {
                out.extend(c.escape_debug());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// `value` is not `expected`.
    pub fn invalid(value: &str, expected: &'static str) -> Self {
        ParseError::Invalid {
            value: Self::shown(value),
            expected,
        }
    }

    /// `value` breaks `rule`.
    pub fn out_of_range(value: &str, rule: &'static str) -> Self {
        ParseError::OutOfRange {
            value: Self::shown(value),
            rule,
        }
    }
}
