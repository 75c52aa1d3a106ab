//! Art.11: the subsidy of one cadre for one quarter, to the fen (docs/rules.md Art.11, worked in the worked examples of docs/rules.md Art.11).

use kaohe_domain::{Cadre, Decimal, Grade, Money, Month, Policy, Quarter};

/// One month of the Art.11 working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthWorking {
    /// The month.
    pub month: Month,
    /// Days in office in the month (`f_m = days_in_office / days_in_month`).
    pub days_in_office: u8,
    /// Days in the month.
    pub days_in_month: u8,
    /// `base_m = round(M × f_m × base_share)`, paid monthly.
    pub base: Money,
}

impl MonthWorking {
    /// `T_m = M × f_m`, exactly, as `(numerator, denominator)`: `M × days_in_office` over
    /// `days_in_month`.
    pub fn standard_exact(&self, monthly_subsidy: Money) -> (Decimal, u32) {
        (
            monthly_subsidy.to_decimal() * Decimal::from(self.days_in_office),
            u32::from(self.days_in_month),
        )
    }
}

/// Art.11 for one cadre and quarter, every step kept (docs/rules.md Art.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyWorking {
    /// `M`, the monthly standard.
    pub monthly_subsidy: Money,
    /// The three months of the quarter.
    pub months: [MonthWorking; 3],
    /// `Σ T_m` exactly, as `(numerator, denominator)` over a common denominator of the three
    /// months' lengths.
    pub standard_exact: (Decimal, u32),
    /// `T = round(Σ T_m)`, the quarter's standard (never the sum of rounded months).
    pub standard: Money,
    /// `Σ base_m`.
    pub base_paid: Money,
    /// `P = T − Σ base_m`: base + performance = T to the fen.
    pub performance_standard: Money,
    /// The grade the adjustment follows.
    pub grade: Grade,
    /// `+round(P × excellent_bonus_rate)`, `−round(P × unqualified_deduction_rate)` or 0.
    pub adjustment: Money,
    /// `P + adjustment`.
    pub performance_paid: Money,
    /// `Σ base_m + performance paid`.
    pub total_paid: Money,
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u32, b: u32) -> u32 {
    a / gcd(a, b) * b
}

/// Art.11 / docs/rules.md Art.11: the subsidy of a cadre with monthly standard `monthly_subsidy` and
/// `days_in_office` days in office in each month of `quarter`, graded `grade`.
///
/// Every division is exact: `T = round(M × Σ days_m × (L / dim_m) / L)` with `L` the least
/// common multiple of the months' lengths, and `base_m = round(M × days_m × base_share /
/// dim_m)`, each rounded once, half away from zero, with [`Money::round_ratio`].
pub fn subsidy(
    policy: &Policy,
    quarter: Quarter,
    monthly_subsidy: Money,
    days_in_office: [u8; 3],
    grade: Grade,
) -> MoneyWorking {
    let m = monthly_subsidy.to_decimal();
    let m_fen = i128::from(monthly_subsidy.hundredths());
    let months = quarter.months();
    let dims = months.map(|mo| u32::from(mo.days()));
    let l = dims.into_iter().fold(1, lcm);
    let weighted: u32 = (0..3)
        .map(|i| u32::from(days_in_office[i]) * (l / dims[i]))
        .sum();
    let standard_exact = (
        product(m_fen, i128::from(weighted), 0).unwrap_or_else(|| m * Decimal::from(weighted)),
        l,
    );
    let standard = Money::round_ratio(standard_exact.0, l);
    let months = std::array::from_fn(|i| MonthWorking {
        month: months[i],
        days_in_office: days_in_office[i],
        days_in_month: dims[i] as u8,
        base: month_base(policy, monthly_subsidy, days_in_office[i], months[i]),
    });
    // Whole fen from here on: sums and differences of rounded amounts are exact in integers.
    let fen = Money::from_hundredths;
    let base_fen: i64 = months
        .iter()
        .map(|w: &MonthWorking| w.base.hundredths())
        .sum();
    let p_fen = standard.hundredths() - base_fen;
    let adjustment = adjustment(policy, fen(p_fen), grade);
    let paid_fen = p_fen + adjustment.hundredths();
    MoneyWorking {
        monthly_subsidy,
        months,
        standard_exact,
        standard,
        base_paid: fen(base_fen),
        performance_standard: fen(p_fen),
        grade,
        adjustment,
        performance_paid: fen(paid_fen),
        total_paid: fen(base_fen + paid_fen),
    }
}

/// Art.11: 基础补贴按月发放 — the base of one month, `base_m = round(M × days / days_in_month ×
/// base_share)`, rounded once, half away from zero. The quarter's settlement and the monthly
/// payroll both pay exactly this.
pub fn month_base(
    policy: &Policy,
    monthly_subsidy: Money,
    days_in_office: u8,
    month: Month,
) -> Money {
    let share = policy.base_share;
    let d = days_in_office;
    let numerator = product(
        i128::from(monthly_subsidy.hundredths()) * i128::from(d),
        share.mantissa(),
        share.scale(),
    )
    .unwrap_or_else(|| monthly_subsidy.to_decimal() * Decimal::from(d) * share);
    Money::round_ratio(numerator, u32::from(month.days()))
}

/// `fen × mantissa` as the exact decimal `fen/100 × mantissa/10^scale`, computed on integers
/// (the hot path; `Decimal` multiplication is slower), or `None` if it does not fit a
/// `Decimal`, in which case the caller multiplies decimals.
fn product(fen: i128, mantissa: i128, scale: u32) -> Option<Decimal> {
    let n = fen.checked_mul(mantissa)?;
    Decimal::try_from_i128_with_scale(n, scale.checked_add(2)?).ok()
}

/// Art.11 / docs/rules.md Art.11: the grade's adjustment of the performance standard `p`: excellent
/// `+round(P × excellent_bonus_rate)`, unqualified `−round(P × unqualified_deduction_rate)`,
/// qualified 0.
pub fn adjustment(policy: &Policy, p: Money, grade: Grade) -> Money {
    let share = |rate: Decimal| {
        let n = product(i128::from(p.hundredths()), rate.mantissa(), rate.scale())
            .unwrap_or_else(|| p.to_decimal() * rate);
        Money::round(n)
    };
    match grade {
        Grade::Excellent => share(policy.excellent_bonus_rate),
        Grade::Qualified => Money::ZERO,
        Grade::Unqualified => -share(policy.unqualified_deduction_rate),
    }
}

/// Art.11: [`subsidy`] of a cadre, with the days in office read from its dates.
pub fn cadre_subsidy(
    policy: &Policy,
    quarter: Quarter,
    cadre: &Cadre,
    grade: Grade,
) -> MoneyWorking {
    let days = quarter.months().map(|m| cadre.days_in_office(m));
    subsidy(policy, quarter, cadre.monthly_subsidy, days, grade)
}
