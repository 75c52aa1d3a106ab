//! Terminal tables for people: Chinese headings and grades, columns aligned by display width
//! (a 汉字 takes two columns).

use std::io::Write;

use kaohe_domain::{Grade, LedgerEntry, QuotaScope, SettlementLine};

use super::ledger_order;
use crate::error::WriteError;
use crate::summary::{Summary, in_report_order};
use crate::width::display_width;
use crate::zh;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

/// Writes rows under headings, each column as wide as its widest cell, separated by two
/// spaces, with a rule of `-` under the headings.
fn render(
    w: &mut impl Write,
    headings: &[&str],
    aligns: &[Align],
    rows: &[Vec<String>],
) -> Result<(), WriteError> {
    let mut widths: Vec<usize> = headings.iter().map(|h| display_width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(display_width(c));
        }
    }
    let mut line = String::new();
    let mut put =
        |w: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| -> std::io::Result<()> {
            line.clear();
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = widths[i] - display_width(c);
                let right = aligns[i] == Align::Right;
                if right {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
                line.push_str(c);
                if !right {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(w, "{}", line.trim_end())
        };
    put(w, &mut headings.iter().copied())?;
    let rule: Vec<String> = widths.iter().map(|n| "-".repeat(*n)).collect();
    put(w, &mut rule.iter().map(String::as_str))?;
    for r in rows {
        put(w, &mut r.iter().map(String::as_str))?;
    }
    Ok(())
}

/// [`render`] with every column aligned left.
pub(crate) fn render_left(
    w: &mut impl Write,
    headings: &[&str],
    rows: &[Vec<String>],
) -> Result<(), WriteError> {
    render(w, headings, &vec![Align::Left; headings.len()], rows)
}

/// Writes the settlement report as a terminal table with Chinese headings (季度 … 处理) and
/// grades (优秀 / 合格 / 不合格), in report order.
pub fn write_report_table(mut w: impl Write, lines: &[SettlementLine]) -> Result<(), WriteError> {
    use Align::{Left as L, Right as R};
    let aligns = [
        L, L, L, L, L, L, R, R, R, R, R, R, R, L, R, R, R, R, R, R, L,
    ];
    let rows: Vec<Vec<String>> = in_report_order(lines)
        .into_iter()
        .map(|l| {
            vec![
                l.quarter.to_string(),
                l.cadre_id.to_string(),
                l.name.clone(),
                l.town.to_string(),
                l.village.to_string(),
                l.sequence.to_string(),
                l.base_score.to_string(),
                l.bonus.to_string(),
                l.deduction.to_string(),
                l.total.to_string(),
                l.rank.to_string(),
                l.group_size.to_string(),
                l.quota.to_string(),
                l.grade.zh().to_owned(),
                l.standard.to_string(),
                l.base_paid.to_string(),
                l.performance_standard.to_string(),
                l.adjustment.to_string(),
                l.performance_paid.to_string(),
                l.total_paid.to_string(),
                zh::flags(l.flags),
            ]
        })
        .collect();
    render(&mut w, &zh::REPORT_HEADINGS, &aligns, &rows)?;
    Ok(w.flush()?)
}

/// Writes the audit log as a terminal table (时间, 用户, 命令, 文件), oldest first; control
/// characters in what was typed are shown as `?`.
pub fn write_audit_table(mut w: impl Write, rows: &[super::AuditRow]) -> Result<(), WriteError> {
    use Align::Left as L;
    let clean = |s: &str| {
        s.chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect()
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                clean(&r.time),
                clean(&r.user),
                clean(&r.command),
                clean(&r.files),
            ]
        })
        .collect();
    render(
        &mut w,
        &["时间", "用户", "命令", "文件"],
        &[L, L, L, L],
        &cells,
    )?;
    Ok(w.flush()?)
}

/// Writes ledger entries as a terminal table with Chinese headings, kinds (基础补贴 …) and
/// articles (第十一条), by quarter and entry.
pub fn write_ledger_table(mut w: impl Write, entries: &[LedgerEntry]) -> Result<(), WriteError> {
    use Align::{Left as L, Right as R};
    let aligns = [L, R, R, L, L, L, R, L];
    let rows: Vec<Vec<String>> = ledger_order(entries)
        .into_iter()
        .map(|e| {
            vec![
                e.quarter.to_string(),
                e.revision.to_string(),
                e.entry.to_string(),
                e.cadre_id.to_string(),
                e.kind.zh().to_owned(),
                e.month.map_or(String::new(), |m| m.to_string()),
                e.amount.to_string(),
                zh::article(e.article()),
            ]
        })
        .collect();
    render(&mut w, &zh::LEDGER_HEADINGS, &aligns, &rows)?;
    Ok(w.flush()?)
}

/// Writes the summary of a settlement as terminal tables: totals per town and grade (with a
/// 合计 row), then the quota use of every group.
pub fn write_summary_table(mut w: impl Write, lines: &[SettlementLine]) -> Result<(), WriteError> {
    use Align::{Left as L, Right as R};
    let s = Summary::of(lines);
    let quarters: Vec<String> = s.quarters.iter().map(|q| q.to_string()).collect();
    writeln!(
        w,
        "{} 考核汇总（共 {} 人）",
        quarters.join("、"),
        s.county.cadres
    )?;
    let totals_row = |name: String, t: &crate::summary::Totals| {
        vec![
            name,
            t.cadres.to_string(),
            t.count(Grade::Excellent).to_string(),
            t.count(Grade::Qualified).to_string(),
            t.count(Grade::Unqualified).to_string(),
            t.dismissal_review.to_string(),
            t.standard.to_string(),
            t.adjustment.to_string(),
            t.total_paid.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = s
        .towns
        .iter()
        .map(|(town, t)| totals_row(town.to_string(), t))
        .collect();
    rows.push(totals_row("合计".to_owned(), &s.county));
    render(
        &mut w,
        &[
            "镇",
            "人数",
            "优秀",
            "合格",
            "不合格",
            "免职审查",
            "补贴标准",
            "绩效调整",
            "实发合计",
        ],
        &[L, R, R, R, R, R, R, R, R],
        &rows,
    )?;
    writeln!(w)?;
    let scope = match s.quota_scope {
        QuotaScope::Town => "按镇",
        QuotaScope::County => "全县",
    };
    writeln!(w, "优秀名额使用（{scope}、按序列计算，第十条）")?;
    let rows: Vec<Vec<String>> = s
        .groups
        .iter()
        .map(|g| {
            vec![
                g.town.as_ref().map_or("全县".to_owned(), |t| t.to_string()),
                g.sequence.to_string(),
                g.group_size.to_string(),
                g.quota.to_string(),
                g.excellent.to_string(),
            ]
        })
        .collect();
    render(
        &mut w,
        &["镇", "序列", "人数", "名额", "优秀"],
        &[L, L, R, R, R],
        &rows,
    )?;
    Ok(w.flush()?)
}
