use crate::{CadreId, Date, Money, Month, Quarter, Sequence, TownCode, VillageCode};

/// A subsidised village cadre (村“两委”干部, Art.2) as the roster gives them (docs/rules.md Art.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cadre {
    /// Unique code.
    pub id: CadreId,
    /// Full name.
    pub name: String,
    /// The town (镇) of the village.
    pub town: TownCode,
    /// The village (村).
    pub village: VillageCode,
    /// The quota group label of Art.10 (同一序列), e.g. `正职` or `委员`.
    pub sequence: Sequence,
    /// Free text, e.g. 党组织书记.
    pub position: String,
    /// Monthly subsidy standard in yuan (Art.11), ≥ 0.
    pub monthly_subsidy: Money,
    /// First day in office (included).
    pub start_date: Date,
    /// Last day in office (included); `None` while still in office.
    pub end_date: Option<Date>,
}

impl Cadre {
    /// Whether the cadre is in office on `date`: from `start_date` to `end_date`, both days
    /// included (docs/rules.md Art.2).
    pub fn in_office_on(&self, date: Date) -> bool {
        self.start_date <= date && self.end_date.is_none_or(|end| date <= end)
    }

    /// Days in office in `month`, 0 to the month's length (docs/rules.md Art.11, `f_m`).
    pub fn days_in_office(&self, month: Month) -> u8 {
        let (first, last) = (month.first_day(), month.last_day());
        let from = self.start_date.max(first);
        let to = self.end_date.map_or(last, |e| e.min(last));
        if from > to {
            0
        } else {
            to.day() - from.day() + 1
        }
    }

    /// Whether the cadre is assessed in `quarter`: in office on at least one of its days
    /// (docs/rules.md Art.2).
    pub fn assessed_in(&self, quarter: Quarter) -> bool {
        self.start_date <= quarter.last_day()
            && self.end_date.is_none_or(|end| end >= quarter.first_day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cadre(start: &str, end: Option<&str>) -> Cadre {
        Cadre {
            id: CadreId::parse("C1").unwrap(),
            name: "张三".into(),
            town: TownCode::parse("T1").unwrap(),
            village: VillageCode::parse("V1").unwrap(),
            sequence: Sequence::parse("正职").unwrap(),
            position: "党组织书记".into(),
            monthly_subsidy: Money::parse("1500.07").unwrap(),
            start_date: Date::parse(start).unwrap(),
            end_date: end.map(|e| Date::parse(e).unwrap()),
        }
    }

    #[test]
    fn office_days_spec_6() {
        let c = cadre("2026-07-10", Some("2026-09-20"));
        let q = Quarter::parse("2026Q3").unwrap();
        assert_eq!(q.months().map(|m| c.days_in_office(m)), [22, 31, 20]);
        assert!(c.assessed_in(q));
        assert!(!c.assessed_in(q.next()));
        assert!(!c.assessed_in(q.prev()));
        assert!(c.in_office_on(Date::parse("2026-09-20").unwrap()));
        assert!(!c.in_office_on(Date::parse("2026-09-21").unwrap()));
        assert!(!c.in_office_on(Date::parse("2026-07-09").unwrap()));
        let open = cadre("2020-01-01", None);
        assert_eq!(q.months().map(|m| open.days_in_office(m)), [31, 31, 30]);
        let one_day = cadre("2026-09-30", Some("2026-09-30"));
        assert_eq!(q.months().map(|m| one_day.days_in_office(m)), [0, 0, 1]);
    }
}
