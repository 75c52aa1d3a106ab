use std::fmt;

/// The three grades of Art.10: 优秀 / 合格 / 不合格.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// 优秀 (Art.10); at most `excellent_ratio` of a quota group.
    Excellent,
    /// 合格 (Art.10).
    Qualified,
    /// 不合格 (Art.10).
    Unqualified,
}

impl Grade {
    /// All grades, best first.
    pub const ALL: [Grade; 3] = [Grade::Excellent, Grade::Qualified, Grade::Unqualified];

    /// The machine name used in reports (docs/reference.md, settlement report): `excellent`, `qualified`, `unqualified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Qualified => "qualified",
            Grade::Unqualified => "unqualified",
        }
    }

    /// The Chinese name used in reports for people: 优秀, 合格, 不合格.
    pub fn zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Qualified => "合格",
            Grade::Unqualified => "不合格",
        }
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Grade {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A consequence of the grade that Art.11 names beyond money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// Unqualified: an admonishment talk (诫勉谈话), Art.11.
    Admonish,
    /// Unqualified for the `k`-th appraisal in a row: removal by procedure (免职), Art.11.
    DismissalReview,
    /// Excellent: recommended first for exams and model selection (优先推荐), Art.11.
    Recommend,
}

impl Flag {
    /// All flags, in the byte order of their names (the order docs/reference.md, settlement report sorts them in).
    pub const ALL: [Flag; 3] = [Flag::Admonish, Flag::DismissalReview, Flag::Recommend];

    /// The machine name used in reports: `admonish`, `dismissal_review`, `recommend`.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Admonish => "admonish",
            Flag::DismissalReview => "dismissal_review",
            Flag::Recommend => "recommend",
        }
    }

    /// The Chinese name used in reports for people.
    pub fn zh(self) -> &'static str {
        match self {
            Flag::Admonish => "诫勉谈话",
            Flag::DismissalReview => "免职审查",
            Flag::Recommend => "优先推荐",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`Flag`]s, shown sorted and joined by `;` (docs/reference.md, settlement report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u8);

impl Flags {
    /// No flag.
    pub const NONE: Flags = Flags(0);

    /// Adds a flag.
    pub fn insert(&mut self, f: Flag) {
        self.0 |= f.bit();
    }
    /// Whether the set holds `f`.
    pub fn contains(self, f: Flag) -> bool {
        self.0 & f.bit() != 0
    }
    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The flags, sorted by name.
    pub fn iter(self) -> impl Iterator<Item = Flag> {
        Flag::ALL.into_iter().filter(move |f| self.contains(*f))
    }
    /// Parses `a;b` (the report's `flags` column); empty text is no flag.
    pub fn parse(s: &str) -> Option<Flags> {
        let mut out = Flags::NONE;
        for part in s.split(';').filter(|p| !p.is_empty()) {
            out.insert(Flag::ALL.into_iter().find(|f| f.as_str() == part)?);
        }
        Some(out)
    }
}

impl fmt::Display for Flags {
    /// Sorted and joined by `;`, empty when none (docs/reference.md, settlement report).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, flag) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(flag.as_str())?;
        }
        Ok(())
    }
}

impl serde::Serialize for Flags {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_sorted_by_name() {
        let mut f = Flags::NONE;
        f.insert(Flag::DismissalReview);
        f.insert(Flag::Admonish);
        assert_eq!(f.to_string(), "admonish;dismissal_review");
        assert_eq!(Flags::parse("admonish;dismissal_review"), Some(f));
        assert_eq!(Flags::parse(""), Some(Flags::NONE));
        assert_eq!(Flags::parse("bogus"), None);
        let mut names: Vec<_> = Flag::ALL.iter().map(|f| f.as_str()).collect();
        names.sort();
        assert_eq!(names, Flag::ALL.map(|f| f.as_str()));
    }
}
