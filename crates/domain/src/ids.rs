//! Identifiers: codes as the county writes them, checked once at the edge.

use std::fmt;

use crate::ParseError;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, ": non-empty, no surrounding white space, no control characters, not beginning with `=`, `+`, `-` or `@`, at most 64 characters (see [`check_text`](crate::check_text)).")]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            #[doc = concat!("Parses a ", $what, ".")]
            pub fn parse(s: &str) -> Result<$name, $crate::ParseError> {
                $crate::ids::check_code(s).map(|()| $name(s.into()))
            }
            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

pub(crate) use id_type;

/// The most characters of a code: a cadre id, town or village code, sequence, event id, item
/// or section id. Codes are keys in both stores and appear in every report line.
pub const MAX_CODE_CHARS: usize = 64;
/// The most characters of a name: a cadre's `name` and `position`, a section's name.
pub const MAX_NAME_CHARS: usize = 64;
/// The most characters of a note or reason: an event's `note`, an award's `reason`.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// The characters that make a spreadsheet read a cell as a formula when they begin it.
pub const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// The one rule for every text and id field of every file (names, codes, notes): no control
/// character anywhere (tab, line break, ESC, BEL, NUL, …); not beginning with `=`, `+`, `-` or
/// `@`, which a spreadsheet would run as a formula (formula injection), neither as given nor
/// once leading spaces are trimmed; at most `max_chars` characters once trimmed.
///
/// `raw` is the field exactly as the file gives it: a leading tab or CR, which trimming would
/// remove and so expose a `=` behind it, is itself a control character and is refused.
/// Numbers are not text: where a format allows a number (`points`, `monthly_subsidy`), its
/// own parser decides, and a sign it does not allow is refused by its own rule.
pub fn check_text(raw: &str, max_chars: usize) -> Result<(), ParseError> {
    if let Some((i, c)) = raw.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(ParseError::Control {
            value: ParseError::shown(raw),
            code: format!("U+{:04X}", u32::from(c)),
            at: i + 1,
        });
    }
    let trimmed = raw.trim();
    for first in [raw.chars().next(), trimmed.chars().next()]
        .into_iter()
        .flatten()
    {
        if FORMULA_STARTS.contains(&first) {
            return Err(ParseError::Formula {
                value: ParseError::shown(raw),
                first,
            });
        }
    }
    // Counting stops past the limit: a huge field costs no more than a long one.
    let chars = trimmed.chars().take(max_chars.saturating_add(1)).count();
    if chars > max_chars {
        return Err(ParseError::TooLong {
            chars: trimmed.chars().count(),
            max: max_chars,
        });
    }
    Ok(())
}

/// Free text (a name, a position, a note): [`check_text`], then trimmed; empty only if
/// `may_be_empty`.
pub fn free_text(raw: &str, max_chars: usize, may_be_empty: bool) -> Result<String, ParseError> {
    let t = raw.trim();
    if t.is_empty() && !may_be_empty {
        return Err(ParseError::Empty);
    }
    check_text(raw, max_chars)?;
    Ok(t.to_owned())
}

pub(crate) fn check_code(s: &str) -> Result<(), ParseError> {
    if s.is_empty() {
        return Err(ParseError::Empty);
    }
    check_text(s, MAX_CODE_CHARS)?;
    if s.trim() != s {
        return Err(ParseError::invalid(
            s,
            "a code without leading or trailing spaces",
        ));
    }
    Ok(())
}

id_type!(CadreId, "cadre id (`cadre_id`, unique in the county)");
id_type!(VillageCode, "village code (村)");
id_type!(TownCode, "town code (镇)");
id_type!(
    Sequence,
    "sequence, the quota group label of Art.10 (同一序列), e.g. 正职"
);
id_type!(EventId, "bonus or deduction event id");
id_type!(ItemId, "scorecard item id, e.g. `party.organization`");
id_type!(SectionId, "scorecard section id, e.g. `party`");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(CadreId::parse("C001").unwrap().as_str(), "C001");
        assert_eq!(Sequence::parse("正职").unwrap().to_string(), "正职");
        assert_eq!(CadreId::parse(""), Err(ParseError::Empty));
        assert!(CadreId::parse(" C1").is_err());
        assert!(CadreId::parse("C\t1").is_err());
    }

    #[test]
    fn text_refuses_formulas_controls_and_length() {
        for (raw, want) in [
            (
                "=1+1",
                "begins with `=`: a spreadsheet would run it as a formula",
            ),
            ("+86 123", "begins with `+`"),
            ("-2", "begins with `-`"),
            ("@SUM(A1)", "begins with `@`"),
            ("  =1", "begins with `=`"),
            ("\t=1", "control character (U+0009) at character 1"),
            ("\r=1", "control character (U+000D) at character 1"),
            ("a\u{1b}[31m", "(U+001B) at character 2"),
            ("a\u{7}", "(U+0007)"),
            ("a\u{8}", "(U+0008)"),
            ("a\0b", "(U+0000)"),
            ("a\nb", "(U+000A)"),
        ] {
            let e = check_text(raw, 64).unwrap_err().to_string();
            assert!(e.contains(want), "{raw:?}: {e}");
            assert!(!e.chars().any(char::is_control), "{e:?}");
        }
        for ok in ["张三", "a-b", "1+1", "T01V05-01", " 书记 ", "x=1", ""] {
            check_text(ok, 64).unwrap();
        }
        let long = "长".repeat(65);
        let e = check_text(&long, 64).unwrap_err().to_string();
        assert_eq!(e, "is 65 characters long; at most 64 are allowed");
        check_text(&long[..64 * 3], 64).unwrap();
        let e = CadreId::parse(&"C".repeat(65)).unwrap_err().to_string();
        assert!(e.contains("at most 64"), "{e}");
        assert!(matches!(
            EventId::parse("=HYPERLINK(1)"),
            Err(ParseError::Formula { first: '=', .. })
        ));
        // A huge value is quoted cut short.
        let e = CadreId::parse(&format!("={}", "x".repeat(1 << 20)))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 200, "{e}");
        assert_eq!(free_text("  王五 ", 64, false).unwrap(), "王五");
        assert_eq!(free_text("  ", 64, false), Err(ParseError::Empty));
    }
}

id_type!(
    EventKind,
    "bonus or deduction event kind of the policy's event table, e.g. `commendation`"
);
id_type!(
    Subject,
    "score or event subject: a village code or a cadre id, by the item's or kind's scope"
);

impl From<&VillageCode> for Subject {
    fn from(v: &VillageCode) -> Subject {
        Subject(v.0.clone())
    }
}
impl From<&CadreId> for Subject {
    fn from(c: &CadreId) -> Subject {
        Subject(c.0.clone())
    }
}
