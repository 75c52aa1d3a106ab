//! Shared fixtures: a small roster, settlement lines and a ledger, built from domain values
//! (this crate reads no file).

#![allow(dead_code)]

use kaohe_domain::{Cadre, CadreId, Date, Money, Sequence, TownCode, VillageCode};

/// Two towns, three villages, five cadres; C005 left office on 2026-05-31 (before 2026Q3).
pub fn roster() -> Vec<Cadre> {
    [
        (
            "C001",
            "张三",
            "T1",
            "V1",
            "正职",
            "党组织书记",
            "1500.07",
            "2020-01-01",
            "",
        ),
        (
            "C002",
            "李四",
            "T1",
            "V1",
            "委员",
            "委员",
            "1200",
            "2020-01-01",
            "",
        ),
        (
            "C003",
            "王五",
            "T1",
            "V2",
            "正职",
            "村委会主任",
            "1406.08",
            "2021-03-01",
            "",
        ),
        (
            "C004",
            "赵六",
            "T2",
            "V3",
            "正职",
            "党组织书记",
            "1500",
            "2022-01-01",
            "",
        ),
        (
            "C005",
            "钱七",
            "T2",
            "V3",
            "委员",
            "委员",
            "1000.5",
            "2019-01-01",
            "2026-05-31",
        ),
    ]
    .into_iter()
    .map(
        |(id, name, town, village, seq, position, pay, start, end)| Cadre {
            id: CadreId::parse(id).unwrap(),
            name: name.into(),
            town: TownCode::parse(town).unwrap(),
            village: VillageCode::parse(village).unwrap(),
            sequence: Sequence::parse(seq).unwrap(),
            position: position.into(),
            monthly_subsidy: Money::parse(pay).unwrap(),
            start_date: Date::parse(start).unwrap(),
            end_date: (!end.is_empty()).then(|| Date::parse(end).unwrap()),
        },
    )
    .collect()
}

pub use crate::lines::*;
