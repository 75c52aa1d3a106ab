//! Settlement lines and ledger entries built from domain values: the fixtures of the report
//! writers' tests (kaohe-report) and of the read-back tests of kaohe-io, which includes this
//! file by path so that the two crates' tests share one copy.

#![allow(dead_code)]

use kaohe_domain::{
    CadreId, EntryKind, Flag, Flags, Grade, LedgerEntry, Money, Month, Points, Quarter, Sequence,
    SettlementLine, TownCode, VillageCode,
};
/// A settlement line with the given identity, scores and grade; money from `total_paid`.
#[allow(clippy::too_many_arguments)]
pub fn line(
    cadre: &str,
    name: &str,
    town: &str,
    village: &str,
    seq: &str,
    total: &str,
    rank: u32,
    size: u32,
    quota: u32,
    grade: Grade,
) -> SettlementLine {
    let m = |s: &str| Money::parse(s).unwrap();
    let mut flags = Flags::NONE;
    let (adj, perf) = match grade {
        Grade::Excellent => {
            flags.insert(Flag::Recommend);
            ("1349.83", "4724.41")
        }
        Grade::Qualified => ("0", "3374.58"),
        Grade::Unqualified => {
            flags.insert(Flag::Admonish);
            ("-1349.83", "2024.75")
        }
    };
    let perf = m(perf);
    SettlementLine {
        quarter: Quarter::parse("2026Q3").unwrap(),
        cadre_id: CadreId::parse(cadre).unwrap(),
        name: name.into(),
        town: TownCode::parse(town).unwrap(),
        village: VillageCode::parse(village).unwrap(),
        sequence: Sequence::parse(seq).unwrap(),
        base_score: Points::parse(total).unwrap(),
        bonus: Points::ZERO,
        deduction: Points::ZERO,
        total: Points::parse(total).unwrap(),
        rank,
        group_size: size,
        quota,
        grade,
        standard: m("4218.24"),
        base_paid: m("843.66"),
        performance_standard: m("3374.58"),
        adjustment: m(adj),
        performance_paid: perf,
        total_paid: m("843.66") + perf,
        flags,
    }
}

/// Lines of two towns; T1 has five 正职 (quota 1) and one 委员; T2 one 正职. Given out of
/// report order on purpose.
pub fn lines() -> Vec<SettlementLine> {
    vec![
        line(
            "C104",
            "周九",
            "T1",
            "V2",
            "正职",
            "80",
            4,
            5,
            1,
            Grade::Qualified,
        ),
        line(
            "C201",
            "吴十",
            "T2",
            "V3",
            "正职",
            "55.5",
            1,
            1,
            0,
            Grade::Unqualified,
        ),
        line(
            "C101",
            "张三",
            "T1",
            "V1",
            "正职",
            "95",
            1,
            5,
            1,
            Grade::Excellent,
        ),
        line(
            "C102",
            "李四, 小",
            "T1",
            "V1",
            "正职",
            "92.25",
            2,
            5,
            1,
            Grade::Qualified,
        ),
        line(
            "C103",
            "王五",
            "T1",
            "V2",
            "正职",
            "85",
            3,
            5,
            1,
            Grade::Qualified,
        ),
        line(
            "C105",
            "<b>郑</b>",
            "T1",
            "V2",
            "正职",
            "59.99",
            5,
            5,
            1,
            Grade::Unqualified,
        ),
        line(
            "C106",
            "Bob",
            "T1",
            "V1",
            "委员",
            "70",
            1,
            1,
            0,
            Grade::Qualified,
        ),
    ]
}

pub fn ledger() -> Vec<LedgerEntry> {
    let q = Quarter::parse("2026Q3").unwrap();
    let c = CadreId::parse("C101").unwrap();
    let m = |s: &str| Money::parse(s).unwrap();
    let mut out = Vec::new();
    for (i, month) in q.months().into_iter().enumerate() {
        out.push(LedgerEntry {
            quarter: q,
            revision: 1,
            entry: i as u32 + 1,
            cadre_id: c.clone(),
            kind: EntryKind::Base,
            month: Some(month),
            amount: m("281.22"),
        });
    }
    out.push(LedgerEntry {
        quarter: q,
        revision: 1,
        entry: 5,
        cadre_id: c.clone(),
        kind: EntryKind::ExcellentBonus,
        month: None,
        amount: m("1349.83"),
    });
    out.push(LedgerEntry {
        quarter: q,
        revision: 1,
        entry: 4,
        cadre_id: c.clone(),
        kind: EntryKind::Performance,
        month: None,
        amount: m("3374.58"),
    });
    out.push(LedgerEntry {
        quarter: q,
        revision: 2,
        entry: 6,
        cadre_id: c,
        kind: EntryKind::ExcellentBonus,
        month: None,
        amount: m("-0.01"),
    });
    let _ = Month {
        year: 2026,
        month: 7,
    };
    out
}
