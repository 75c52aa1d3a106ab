//! Identifiers: codes as the county writes them, checked once at the edge.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use crate::ParseError;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, ": non-empty, no surrounding white space, no control characters.")]
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Arc<str>);

        impl $name {
            #[doc = concat!("Parses a ", $what, ".")]
            pub fn parse(s: &str) -> Result<$name, ParseError> {
                check_code(s).map(|()| $name(s.into()))
            }
            /// The code as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl Borrow<str> for $name {
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
            type Err = ParseError;
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

fn check_code(s: &str) -> Result<(), ParseError> {
    if s.is_empty() {
        return Err(ParseError::Empty);
    }
    if s.trim() != s {
        return Err(ParseError::invalid(
            s,
            "a code without leading or trailing spaces",
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(ParseError::invalid(s, "a code without control characters"));
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
