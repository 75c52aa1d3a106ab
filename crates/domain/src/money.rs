//! Exact amounts: [`Money`] in yuan and [`Points`] on the scorecard, both with at most two
//! decimals, and the project's one rounding rule.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};

use crate::ParseError;

/// Rounds `numerator / denominator` to 0.01, half away from zero (四舍五入), exactly.
///
/// docs/rules.md Art.11: "every amount written anywhere is rounded to 0.01 yuan (fen), half away from zero".
/// This is the one place that rule lives. The quotient is never formed as a truncated decimal:
/// the division is done on integers, so `1500.07 × 22 / 31` rounds as the true rational number
/// does, whatever its expansion.
pub fn round_half_away(numerator: Decimal, denominator: u32) -> Decimal {
    assert!(
        denominator > 0,
        "round_half_away: denominator must be positive"
    );
    let scale = numerator.scale();
    let mantissa = numerator.mantissa();
    // value in fen = mantissa * 100 / (10^scale * denominator)
    let (n, d) = if scale <= 2 {
        (mantissa * 10i128.pow(2 - scale), i128::from(denominator))
    } else {
        (mantissa, 10i128.pow(scale - 2) * i128::from(denominator))
    };
    // The same division on i64 when it fits (the usual case; i128 division is a slow call).
    let fen = match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) if n.checked_abs().is_some() => {
            let (q, r) = (n / d, n % d);
            i128::from(if 2 * i128::from(r.abs()) >= i128::from(d) {
                q + n.signum()
            } else {
                q
            })
        }
        _ => {
            let (q, r) = (n / d, n % d);
            if 2 * r.abs() >= d { q + n.signum() } else { q }
        }
    };
    Decimal::from_i128_with_scale(fen, 2)
}

/// Parses a decimal with at most two decimals (once trailing zeros are dropped) into hundredths.
///
/// Accepts an optional leading `-`, digits, and an optional `.` with digits. `5.000` is 500;
/// `8.125` is refused (docs/guide.md, file formats).
fn parse_hundredths(s: &str) -> Result<i64, ParseError> {
    const EXPECTED: &str = "a decimal number like 87.50";
    if s.is_empty() {
        return Err(ParseError::Empty);
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
        return Err(ParseError::invalid(s, EXPECTED));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Err(ParseError::TooManyDecimals(ParseError::shown(s)));
    }
    let int = int.trim_start_matches('0');
    // Twelve digits: what every store keeps exactly (PostgreSQL `numeric(14,2)`).
    if int.len() > 12 {
        return Err(ParseError::out_of_range(
            s,
            "at most 12 digits before the decimal point",
        ));
    }
    let mut v: i64 = 0;
    for c in int.bytes() {
        v = v * 10 + i64::from(c - b'0');
    }
    let mut f: i64 = 0;
    for (i, c) in frac.bytes().enumerate() {
        f += i64::from(c - b'0') * if i == 0 { 10 } else { 1 };
    }
    let v = v * 100 + f;
    Ok(if neg { -v } else { v })
}

fn fmt2(d: Decimal, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // Exactly two decimals, never "-0.00", never "+".
    let mut d = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if d.is_zero() {
        d = Decimal::ZERO;
    }
    d.rescale(2);
    if f.width().is_some() {
        // Through `pad`, so that width and alignment (`{:>10}`) apply.
        f.pad(&d.to_string())
    } else {
        fmt::Display::fmt(&d, f)
    }
}

macro_rules! two_decimal_type {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(Decimal);

        impl $name {
            /// Zero.
            pub const ZERO: $name = $name(Decimal::ZERO);

            /// Parses a decimal with at most two decimals (docs/guide.md, file formats): `5.000` is 5, `8.125` is
            /// refused, `-3` is -3.00.
            pub fn parse(s: &str) -> Result<$name, ParseError> {
                parse_hundredths(s).map($name::from_hundredths)
            }

            /// The value from an integer number of hundredths (fen for money).
            pub fn from_hundredths(h: i64) -> $name {
                $name(Decimal::new(h, 2))
            }

            /// The value in hundredths (fen for money). Exact: the value never has more than
            /// two decimals.
            pub fn hundredths(self) -> i64 {
                // Fast path: values made by `parse`, `from_hundredths` and sums of them
                // already have scale 2.
                if self.0.scale() == 2
                    && let Ok(h) = i64::try_from(self.0.mantissa())
                {
                    return h;
                }
                let mut d = self.0;
                d.rescale(2);
                i64::try_from(d.mantissa()).expect("two-decimal amounts fit in i64 hundredths")
            }

            /// The value in hundredths, or `None` if it does not fit an `i64`.
            pub fn checked_hundredths(self) -> Option<i64> {
                let mut d = self.0;
                if d.scale() != 2 {
                    d.rescale(2);
                }
                // A value too large to take two decimals keeps a smaller scale.
                (d.scale() == 2).then(|| i64::try_from(d.mantissa()).ok())?
            }

            /// An exact decimal with at most two decimals, or `None` if it has more.
            pub fn from_decimal(d: Decimal) -> Option<$name> {
                let n = d.normalize();
                (n.scale() <= 2).then_some($name(n))
            }

            /// Rounds `d` to 0.01 half away from zero ([`round_half_away`]).
            pub fn round(d: Decimal) -> $name {
                $name(round_half_away(d, 1))
            }

            /// Rounds `numerator / denominator` to 0.01 half away from zero, exactly.
            pub fn round_ratio(numerator: Decimal, denominator: u32) -> $name {
                $name(round_half_away(numerator, denominator))
            }

            /// The exact decimal value.
            pub fn to_decimal(self) -> Decimal {
                self.0
            }

            /// Whether the value is zero.
            pub fn is_zero(self) -> bool {
                self.0.is_zero()
            }

            /// Whether the value is below zero.
            pub fn is_negative(self) -> bool {
                self.0.is_sign_negative() && !self.0.is_zero()
            }

            /// The absolute value.
            pub fn abs(self) -> $name {
                $name(self.0.abs())
            }
        }

        impl fmt::Display for $name {
            /// Exactly two decimals (`87.50`, `-3.00`), never `-0.00` (docs/reference.md, settlement report).
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt2(self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }

        impl serde::Serialize for $name {
            /// As a string with exactly two decimals, so no reader turns it into a float.
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name(self.0 + o.0)
            }
        }
        impl Sub for $name {
            type Output = $name;
            fn sub(self, o: $name) -> $name {
                $name(self.0 - o.0)
            }
        }
        impl Neg for $name {
            type Output = $name;
            fn neg(self) -> $name {
                $name(-self.0)
            }
        }
        impl AddAssign for $name {
            fn add_assign(&mut self, o: $name) {
                self.0 += o.0;
            }
        }
        impl SubAssign for $name {
            fn sub_assign(&mut self, o: $name) {
                self.0 -= o.0;
            }
        }
        impl Sum for $name {
            fn sum<I: Iterator<Item = $name>>(iter: I) -> $name {
                iter.fold($name::ZERO, Add::add)
            }
        }
        impl<'a> Sum<&'a $name> for $name {
            fn sum<I: Iterator<Item = &'a $name>>(iter: I) -> $name {
                iter.fold($name::ZERO, |a, b| a + *b)
            }
        }
    };
}

two_decimal_type!(
    Money,
    "An exact amount of money in yuan with at most two decimals (whole fen).\n\n\
     Amounts are only ever made by parsing (at most two decimals) or by rounding with \
     [`round_half_away`], so a `Money` is always a whole number of fen."
);
two_decimal_type!(
    Points,
    "Exact scorecard points with at most two decimals (Art.7–9): item points, section \
     subtotals, event points and totals, which have no cap and no floor (Art.9)."
);

impl Money {
    /// The most a cadre's `monthly_subsidy` may be: 1,000,000.00 yuan.
    ///
    /// Why this bound: Art.11 pays a quarter at most three months of the subsidy, the
    /// performance part raised by the excellent bonus (at most 50%), so a quarter's
    /// `total_paid` stays below 3 × 1.5 × 1,000,000.00 = 4,500,000.00, and every sum a store
    /// keeps for one cadre (a ledger over many years) stays far inside the 12 integer digits
    /// that both stores hold exactly (PostgreSQL `numeric(14,2)`). Real subsidies are a few
    /// thousand yuan a month.
    pub const MAX_MONTHLY_SUBSIDY: Money = Money(Decimal::from_parts(100_000_000, 0, 0, false, 2));

    /// Parses a `monthly_subsidy` of `roster.csv`: at most two decimals, 0 ≤ amount ≤
    /// [`Money::MAX_MONTHLY_SUBSIDY`].
    pub fn parse_monthly_subsidy(s: &str) -> Result<Money, ParseError> {
        let m = Money::parse(s)?;
        if m.is_negative() {
            return Err(ParseError::out_of_range(
                s,
                "a monthly subsidy is 0 or more",
            ));
        }
        if m > Money::MAX_MONTHLY_SUBSIDY {
            return Err(ParseError::out_of_range(
                s,
                "a monthly subsidy is at most 1000000.00 (Art.11 pays a quarter up to 4.5 \
                 times it, and every amount must fit the stores' 12 integer digits)",
            ));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(d("0.005"), 1), d("0.01"));
        assert_eq!(round_half_away(d("-0.005"), 1), d("-0.01"));
        assert_eq!(round_half_away(d("0.0049999"), 1), d("0.00"));
        assert_eq!(round_half_away(d("1349.832"), 1), d("1349.83"));
        assert_eq!(round_half_away(d("2.675"), 1), d("2.68"));
        // the worked examples of docs/rules.md Art.11: 1500.07 * 22 / 31 = 1064.5658..., rounded from the exact ratio.
        assert_eq!(round_half_away(d("1500.07") * d("22"), 31), d("1064.57"));
        // 1/3 of a fen and 2/3 of a fen.
        assert_eq!(round_half_away(d("0.01"), 3), d("0.00"));
        assert_eq!(round_half_away(d("0.02"), 3), d("0.01"));
        // an exact tie through a ratio: 0.03 / 2 = 0.015 -> 0.02, -0.015 -> -0.02
        assert_eq!(round_half_away(d("0.03"), 2), d("0.02"));
        assert_eq!(round_half_away(d("-0.03"), 2), d("-0.02"));
    }

    #[test]
    fn parse_two_decimals() {
        assert_eq!(Money::parse("5.000").unwrap().to_string(), "5.00");
        assert_eq!(Money::parse("1500.07").unwrap().hundredths(), 150007);
        assert_eq!(Points::parse("-3").unwrap().to_string(), "-3.00");
        assert_eq!(Points::parse("1.25").unwrap().to_string(), "1.25");
        assert_eq!(Points::parse("007.5").unwrap().to_string(), "7.50");
        assert!(matches!(
            Points::parse("8.125"),
            Err(ParseError::TooManyDecimals(_))
        ));
        for bad in [
            "", "abc", "1.", ".5", "+1", "1e3", "1,5", " 1", "1.2.3", "--1",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn monthly_subsidy_bounds() {
        assert_eq!(Money::MAX_MONTHLY_SUBSIDY.to_string(), "1000000.00");
        assert_eq!(
            Money::parse_monthly_subsidy("1000000").unwrap(),
            Money::MAX_MONTHLY_SUBSIDY
        );
        assert_eq!(Money::parse_monthly_subsidy("0").unwrap(), Money::ZERO);
        let e = Money::parse_monthly_subsidy("1000000.01").unwrap_err();
        assert!(e.to_string().contains("at most 1000000.00 (Art.11"), "{e}");
        let e = Money::parse_monthly_subsidy("-1").unwrap_err();
        assert!(e.to_string().contains("0 or more"), "{e}");
        let e = Money::parse(&"9".repeat(100_000)).unwrap_err().to_string();
        assert!(e.len() < 200, "{e}");
    }

    #[test]
    fn display_never_negative_zero() {
        let z = Money::parse("-0.00").unwrap();
        assert_eq!(z.to_string(), "0.00");
        assert_eq!(
            (Money::parse("1").unwrap() - Money::parse("1.00").unwrap()).to_string(),
            "0.00"
        );
        assert_eq!(Money::round(d("-0.004")).to_string(), "0.00");
        assert!(!Money::round(d("-0.004")).is_negative());
        assert_eq!(
            format!("[{:>8}]", Money::parse("-3").unwrap()),
            "[   -3.00]"
        );
        assert_eq!(
            format!("[{:<6}]", Points::parse("1.5").unwrap()),
            "[1.50  ]"
        );
    }
}
