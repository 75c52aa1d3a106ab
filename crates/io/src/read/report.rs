//! Report CSVs of docs/reference.md, settlement report, read back: `kaohe compute --previous` recovers earlier appraisals
//! from them (docs/guide.md).

use std::path::Path;

use kaohe_domain::{
    Appraisal, CadreId, Flags, Grade, MAX_NAME_CHARS, Money, ParseError, Points, Quarter, Sequence,
    SettlementLine, TownCode, VillageCode, free_text,
};

use super::{Collector, load, open};
use crate::columns::REPORT_COLUMNS;
use crate::error::ReadError;
use crate::hash::Map;

/// Reads a report CSV (docs/reference.md, settlement report) back into its lines. See [`read_report_bytes`].
pub fn read_report(path: &Path) -> Result<Vec<SettlementLine>, ReadError> {
    let (file, bytes) = load(path)?;
    read_report_bytes(&file, &bytes)
}

/// Reads a report CSV from bytes; `file` names it in messages. Every column must be present
/// and well-formed (a report is kaohe's own output, so anything else means the wrong file or a
/// damaged one); a (quarter, cadre_id) may appear once. Text and ids follow the rule of every
/// file ([`kaohe_domain::check_text`]); amounts may be negative (an `adjustment`). Lines come
/// back in file order.
pub fn read_report_bytes(file: &str, bytes: &[u8]) -> Result<Vec<SettlementLine>, ReadError> {
    let table = open(file, bytes, REPORT_COLUMNS)?;
    let mut problems = Collector::default();
    let mut out = Vec::new();
    let mut seen: Map<(Quarter, CadreId), u64> = Map::default();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, v, problems| {
            let before = problems.total_count();
            let mut col = 0;
            let mut next = || {
                col += 1;
                (REPORT_COLUMNS[col - 1], v[col - 1])
            };
            macro_rules! field {
                ($parse:expr) => {{
                    let (name, text) = next();
                    let r: Result<_, ParseError> = $parse(text);
                    r.map_err(|e| problems.push(line, Some(name), e.to_string()))
                        .ok()
                }};
            }
            let count = |s: &str| {
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    s.parse::<u32>()
                        .map_err(|_| ParseError::out_of_range(s, "at most 4294967295"))
                } else {
                    Err(ParseError::invalid(s, "a whole number like 3"))
                }
            };
            let quarter = field!(Quarter::parse);
            let cadre_id = field!(CadreId::parse);
            let name = field!(|s| free_text(s, MAX_NAME_CHARS, false));
            let town = field!(TownCode::parse);
            let village = field!(VillageCode::parse);
            let sequence = field!(Sequence::parse);
            let base_score = field!(Points::parse);
            let bonus = field!(Points::parse);
            let deduction = field!(Points::parse);
            let total = field!(Points::parse);
            let rank = field!(count);
            let group_size = field!(count);
            let quota = field!(count);
            let grade = field!(|s: &str| Grade::parse(s).ok_or_else(|| ParseError::invalid(
                s,
                "a grade: excellent, qualified or unqualified"
            )));
            let standard = field!(Money::parse);
            let base_paid = field!(Money::parse);
            let performance_standard = field!(Money::parse);
            let adjustment = field!(Money::parse);
            let performance_paid = field!(Money::parse);
            let total_paid = field!(Money::parse);
            let flags = field!(|s: &str| Flags::parse(s).ok_or_else(|| ParseError::invalid(
                s,
                "flags joined by `;` (admonish, dismissal_review, recommend)"
            )));
            if let (Some(q), Some(c)) = (quarter, &cadre_id) {
                let key = (q, c.clone());
                if let Some(l0) = seen.get(&key) {
                    problems.push(
                        line,
                        Some("cadre_id"),
                        format!("`{c}` appears again for {q} (first on line {l0})"),
                    );
                } else {
                    seen.insert(key, line);
                }
            }
            if problems.total_count() != before {
                return;
            }
            let line = (|| {
                Some(SettlementLine {
                    quarter: quarter?,
                    cadre_id: cadre_id?,
                    name: name?,
                    town: town?,
                    village: village?,
                    sequence: sequence?,
                    base_score: base_score?,
                    bonus: bonus?,
                    deduction: deduction?,
                    total: total?,
                    rank: rank?,
                    group_size: group_size?,
                    quota: quota?,
                    grade: grade?,
                    standard: standard?,
                    base_paid: base_paid?,
                    performance_standard: performance_standard?,
                    adjustment: adjustment?,
                    performance_paid: performance_paid?,
                    total_paid: total_paid?,
                    flags: flags?,
                })
            })();
            out.extend(line);
        },
    );
    problems.finish(file, None)?;
    Ok(out)
}

/// The appraisals a report records: one per line (a cadre on a report was assessed in its
/// quarter), the input of the consecutive-unqualified rule (Art.11, docs/rules.md Art.11).
pub fn appraisals(lines: &[SettlementLine]) -> Vec<Appraisal> {
    lines
        .iter()
        .map(|l| Appraisal {
            cadre_id: l.cadre_id.clone(),
            quarter: l.quarter,
            grade: l.grade,
        })
        .collect()
}
