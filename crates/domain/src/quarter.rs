use std::fmt;

use crate::{Date, ParseError, days_in_month};

/// An appraisal quarter (Art.6: "一般每季度进行一次"), written `2026Q3`.
///
/// Q1 is January–March, and so on. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: u16,
    q: u8,
}

/// One month of a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
}

impl Month {
    /// Parses `YYYY-MM`, as `kaohe payroll --month` and the ledger's `month` column write it.
    pub fn parse(s: &str) -> Result<Month, ParseError> {
        const EXPECTED: &str = "a month like 2026-07";
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let b = s.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
        {
            return Err(ParseError::invalid(s, EXPECTED));
        }
        let year: u16 = s[..4]
            .parse()
            .map_err(|_| ParseError::invalid(s, EXPECTED))?;
        let month: u8 = s[5..]
            .parse()
            .map_err(|_| ParseError::invalid(s, EXPECTED))?;
        if !(1000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(ParseError::invalid(s, EXPECTED));
        }
        Ok(Month { year, month })
    }

    /// The month that contains `date`.
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The quarter the month belongs to.
    pub fn quarter(self) -> Quarter {
        Quarter::of(self.first_day())
    }

    /// Number of days in this month.
    pub fn days(self) -> u8 {
        days_in_month(self.year, self.month)
    }
    /// The first day of the month.
    pub fn first_day(self) -> Date {
        Date::new(self.year, self.month, 1).expect("a month's first day exists")
    }
    /// The last day of the month.
    pub fn last_day(self) -> Date {
        Date::new(self.year, self.month, self.days()).expect("a month's last day exists")
    }
}

impl fmt::Display for Month {
    /// `YYYY-MM`, as in the ledger's `month` column (docs/reference.md, ledger).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Quarter {
    /// A quarter from a year and its number 1–4.
    pub fn new(year: u16, q: u8) -> Option<Quarter> {
        ((1000..=9999).contains(&year) && (1..=4).contains(&q)).then_some(Quarter { year, q })
    }

    /// Parses `YYYYQn` (a lower-case `q` is accepted too).
    pub fn parse(s: &str) -> Result<Quarter, ParseError> {
        const EXPECTED: &str = "a quarter like 2026Q3";
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let b = s.as_bytes();
        if b.len() != 6 || !(b[4] == b'Q' || b[4] == b'q') {
            return Err(ParseError::invalid(s, EXPECTED));
        }
        let year: u16 = s[..4]
            .parse()
            .map_err(|_| ParseError::invalid(s, EXPECTED))?;
        let q = b[5].wrapping_sub(b'0');
        Quarter::new(year, q).ok_or_else(|| ParseError::invalid(s, EXPECTED))
    }

    /// The quarter that contains `date`.
    pub fn of(date: Date) -> Quarter {
        Quarter {
            year: date.year(),
            q: (date.month() - 1) / 3 + 1,
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The quarter number, 1–4.
    pub fn number(self) -> u8 {
        self.q
    }

    /// The three months of the quarter, in order.
    pub fn months(self) -> [Month; 3] {
        let first = (self.q - 1) * 3 + 1;
        [0, 1, 2].map(|i| Month {
            year: self.year,
            month: first + i,
        })
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> Date {
        self.months()[0].first_day()
    }
    /// The last day of the quarter.
    pub fn last_day(self) -> Date {
        self.months()[2].last_day()
    }
    /// Whether `date` falls in this quarter.
    pub fn contains(self, date: Date) -> bool {
        Quarter::of(date) == self
    }

    /// The quarter before this one.
    pub fn prev(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }
    /// The quarter after this one.
    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}Q{}", self.year, self.q)
    }
}

impl std::str::FromStr for Quarter {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quarter::parse(s)
    }
}

impl serde::Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display_months() {
        let q = Quarter::parse("2026Q3").unwrap();
        assert_eq!(q.to_string(), "2026Q3");
        assert_eq!(q.months().map(|m| m.month), [7, 8, 9]);
        assert_eq!(q.first_day().to_string(), "2026-07-01");
        assert_eq!(q.last_day().to_string(), "2026-09-30");
        assert_eq!(q.prev().to_string(), "2026Q2");
        assert_eq!(
            Quarter::parse("2026Q4").unwrap().next().to_string(),
            "2027Q1"
        );
        assert_eq!(
            Quarter::parse("2026Q1").unwrap().prev().to_string(),
            "2025Q4"
        );
        for bad in ["2026Q5", "2026Q0", "2026-3", "26Q3", "2026Q33", "2026Q"] {
            assert!(Quarter::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Quarter::of(Date::parse("2026-09-30").unwrap()), q);
        assert!(!q.contains(Date::parse("2026-10-01").unwrap()));
        assert_eq!(q.months()[1].to_string(), "2026-08");
        let m = Month::parse("2026-08").unwrap();
        assert_eq!((m.year, m.month, m.quarter()), (2026, 8, q));
        assert_eq!(Month::of(Date::parse("2026-08-31").unwrap()), m);
        for bad in [
            "2026-13", "2026-00", "2026-8", "202608", "2026/08", "abcd-08", "",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}
