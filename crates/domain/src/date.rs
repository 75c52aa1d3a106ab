use std::fmt;

use crate::ParseError;

/// A calendar day (proleptic Gregorian), written `YYYY-MM-DD`.
///
/// Ordering is chronological. Only what the regulation needs is here: parsing, the month a day
/// falls in, and counting days within a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

impl Date {
    /// A date from its parts, if it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1000..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, ParseError> {
        const EXPECTED: &str = "a date like 2026-07-01";
        let b = s.as_bytes();
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(ParseError::invalid(s, EXPECTED));
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            b[r].iter().try_fold(0u16, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
            })
        };
        let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
            return Err(ParseError::invalid(s, EXPECTED));
        };
        Date::new(y, m as u8, d as u8).ok_or_else(|| ParseError::invalid(s, "an existing date"))
    }

    /// The UTC date of `secs` seconds since the Unix epoch (1970-01-01T00:00:00Z), with the
    /// seconds into that day; `None` outside the years 1000–9999.
    pub fn from_unix(secs: i64) -> Option<(Date, u32)> {
        let days = secs.div_euclid(86_400);
        let in_day = u32::try_from(secs.rem_euclid(86_400)).ok()?;
        // Days to a civil date in the proleptic Gregorian calendar (H. Hinnant's algorithm):
        // eras of 400 years from 0000-03-01.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        let date = Date::new(
            u16::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )?;
        Some((date, in_day))
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

#[cfg(test)]
mod tests {
    /// Unix time to a UTC date: the epoch, a leap day, the turn of a year, before the epoch.
    #[test]
    fn from_unix_gives_the_utc_date() {
        let at = |secs| super::Date::from_unix(secs).map(|(d, s)| format!("{d} {s}"));
        assert_eq!(at(0).as_deref(), Some("1970-01-01 0"));
        // 56 years of 365 days and 14 leap days to 2026-01-01.
        assert_eq!(
            at((56 * 365 + 14) * 86_400 - 1).as_deref(),
            Some("2025-12-31 86399")
        );
        assert_eq!(
            at((56 * 365 + 14) * 86_400).as_deref(),
            Some("2026-01-01 0")
        );
        // 2024-02-29: 54 years and 13 leap days, then 31 + 28 days of 2024.
        assert_eq!(
            at((54 * 365 + 13 + 59) * 86_400 + 3_600).as_deref(),
            Some("2024-02-29 3600")
        );
        assert_eq!(at(-1).as_deref(), Some("1969-12-31 86399"));
        assert_eq!(at(i64::MAX), None);
    }
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let d = Date::parse("2026-02-28").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 2, 28));
        assert_eq!(d.to_string(), "2026-02-28");
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("2026-1-01").is_err());
        assert!(Date::parse("2026/01/01").is_err());
        assert_eq!(Date::parse(""), Err(ParseError::Empty));
        assert!(Date::parse("2026-01-01").unwrap() < Date::parse("2026-01-02").unwrap());
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }
}
