//! The report as an xlsx workbook for the finance office (docs/reference.md, settlement report `xlsx`).
//!
//! Sheets: 汇总 (totals per town and grade, and the quota use per group), 公示名单 (names and
//! grades per town for public notice), 发放表 (the payment sheet, with a signature column) and
//! 明细 (every column of the report). Scores and money are number cells formatted `0.00`, so
//! the finance office can sum and filter them.
//!
//! **The one float on the money path.** An xlsx number cell *is* an IEEE double: there is no
//! decimal cell type. Each exact amount is turned into the nearest double once, here, by
//! parsing its two-decimal text ([`cell`]); no arithmetic is ever done on the doubles, and every
//! total in the workbook is summed exactly in decimal before it is converted. Amounts below
//! 2^53 fen (90 trillion yuan) display exactly at two decimals.

use std::fmt::Display;
use std::io::Write;

use kaohe_domain::{LedgerEntry, Money, PaidSplit, QuotaScope, SettlementLine};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::ledger_order;
use crate::error::WriteError;
use crate::summary::{ReportNotes, Summary, Totals, in_notice_order, in_report_order};
use crate::width::display_width;
use crate::zh;

/// An exact two-decimal amount as the value of a number cell: the nearest double to its text.
/// No arithmetic is done on it (see the module notes), and the workspace's `float_arithmetic`
/// lint stays on: this conversion is the only place a float appears.
fn cell(v: impl Display) -> f64 {
    v.to_string().parse().unwrap_or_default()
}

/// Formats of the workbook.
struct Styles {
    title: Format,
    head: Format,
    text: Format,
    int: Format,
    money: Format,
    sum_text: Format,
    sum_int: Format,
    sum_money: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new().set_border(FormatBorder::Thin);
        let sum = base
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(0xFAF7F7));
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            head: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF3ECEC))
                .set_align(FormatAlign::Center),
            text: base.clone(),
            int: base.clone().set_num_format("0"),
            money: base.clone().set_num_format("0.00"),
            sum_text: sum.clone(),
            sum_int: sum.clone().set_num_format("0"),
            sum_money: sum.set_num_format("0.00"),
        }
    }
}

/// One cell value.
enum V {
    T(String),
    I(u32),
    M(f64),
}

/// Writes a table at `row`: headings, then rows; tracks column widths. Returns the next row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Vec<usize>,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet) -> Sheet<'a> {
        Sheet {
            ws,
            widths: Vec::new(),
        }
    }

    fn fit(&mut self, col: u16, text: &str) {
        let c = usize::from(col);
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(display_width(text));
    }

    fn head(&mut self, row: u32, heads: &[&str], st: &Styles) -> Result<(), XlsxError> {
        for (c, h) in (0u16..).zip(heads) {
            self.ws.write_string_with_format(row, c, *h, &st.head)?;
            self.fit(c, h);
        }
        Ok(())
    }

    fn row(&mut self, row: u32, vals: &[V], sum: bool, st: &Styles) -> Result<(), XlsxError> {
        let (t, i, m) = if sum {
            (&st.sum_text, &st.sum_int, &st.sum_money)
        } else {
            (&st.text, &st.int, &st.money)
        };
        for (c, v) in (0u16..).zip(vals) {
            match v {
                V::T(s) => {
                    self.ws.write_string_with_format(row, c, s, t)?;
                    self.fit(c, s);
                }
                V::I(n) => {
                    self.ws.write_number_with_format(row, c, *n, i)?;
                    self.fit(c, &n.to_string());
                }
                V::M(x) => {
                    self.ws.write_number_with_format(row, c, *x, m)?;
                    self.fit(c, &format!("{x:.2}"));
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<(), XlsxError> {
        for (c, w) in (0u16..).zip(&self.widths) {
            let w = u32::try_from(*w + 2).unwrap_or(60).min(60);
            self.ws.set_column_width(c, w)?;
        }
        Ok(())
    }
}

fn totals_row(name: &str, t: &Totals) -> Vec<V> {
    vec![
        V::T(name.to_owned()),
        V::I(t.cadres),
        V::I(t.excellent),
        V::I(t.qualified),
        V::I(t.unqualified),
        V::I(t.dismissal_review),
        V::M(cell(t.standard)),
        V::M(cell(t.base_paid)),
        V::M(cell(t.performance_standard)),
        V::M(cell(t.adjustment)),
        V::M(cell(t.performance_paid)),
        V::M(cell(t.total_paid)),
    ]
}

/// The workbook as bytes. `notes` gives the policy's Art.10 ratio and, with the ledger, the
/// 发放表's split of each cadre's money: already paid monthly (Art.11) and paid now.
pub fn report_xlsx_bytes(
    lines: &[SettlementLine],
    notes: &ReportNotes,
) -> Result<Vec<u8>, WriteError> {
    const MAX_ROWS: usize = 1_048_576 - 4;
    if lines.len() > MAX_ROWS {
        return Err(WriteError::Xlsx(format!(
            "{} lines do not fit in one sheet (an xlsx sheet holds 1048576 rows); write csv \
             instead, or one report per county",
            lines.len()
        )));
    }
    let st = Styles::new();
    let s = Summary::with_notes(lines, notes);
    let paid = notes.shows_paid();
    let quarters: Vec<String> = s.quarters.iter().map(|q| q.to_string()).collect();
    let quarters = quarters.join("、");
    let ordered = in_report_order(lines);
    let mut wb = Workbook::new();

    // 汇总
    {
        let ws = wb.add_worksheet().set_name("汇总")?;
        ws.write_string_with_format(
            0,
            0,
            format!("村干部绩效考核汇总 {quarters}（金额单位：元）"),
            &st.title,
        )?;
        let mut sh = Sheet::new(ws);
        sh.head(
            2,
            &[
                "镇",
                "人数",
                "优秀",
                "合格",
                "不合格",
                "免职审查",
                "补贴标准",
                "基础补贴",
                "绩效补贴标准",
                "绩效调整",
                "实发绩效补贴",
                "实发合计",
            ],
            &st,
        )?;
        let mut r = 3;
        for (town, t) in &s.towns {
            sh.row(r, &totals_row(town.as_str(), t), false, &st)?;
            r += 1;
        }
        sh.row(r, &totals_row("合计", &s.county), true, &st)?;
        r += 2;
        let scope = match s.quota_scope {
            QuotaScope::Town => "按镇",
            QuotaScope::County => "全县统一",
        };
        sh.ws.write_string_with_format(
            r,
            0,
            format!(
                "优秀名额使用（第十条：同一序列优秀比例不超过{}；名额{scope}、按序列计算，向下取整）",
                notes.excellent_percent()
            ),
            &st.title,
        )?;
        r += 1;
        sh.head(
            r,
            &["季度", "镇", "序列", "人数", "名额", "优秀", "未用名额"],
            &st,
        )?;
        r += 1;
        for g in &s.groups {
            sh.row(
                r,
                &[
                    V::T(g.quarter.to_string()),
                    V::T(g.town.as_ref().map_or("全县".to_owned(), |t| t.to_string())),
                    V::T(g.sequence.to_string()),
                    V::I(g.group_size),
                    V::I(g.quota),
                    V::I(g.excellent),
                    V::I(g.quota.saturating_sub(g.excellent)),
                ],
                false,
                &st,
            )?;
            r += 1;
        }
        sh.finish()?;
    }

    // 公示名单
    {
        let ws = wb.add_worksheet().set_name("公示名单")?;
        ws.write_string_with_format(
            0,
            0,
            format!("村干部绩效考核结果公示 {quarters}"),
            &st.title,
        )?;
        let mut sh = Sheet::new(ws);
        sh.head(2, &["镇", "村", "姓名", "序列", "等次"], &st)?;
        let notice = in_notice_order(lines);
        for (r, l) in (3u32..).zip(notice) {
            sh.row(
                r,
                &[
                    V::T(l.town.to_string()),
                    V::T(l.village.to_string()),
                    V::T(l.name.clone()),
                    V::T(l.sequence.to_string()),
                    V::T(l.grade.zh().to_owned()),
                ],
                false,
                &st,
            )?;
        }
        sh.ws.set_freeze_panes(3, 0)?;
        sh.finish()?;
    }

    // 发放表: with the ledger, each cadre's money split into what payroll already paid
    // monthly (Art.11) and what is paid now, so that no one pays the base twice.
    {
        let ws = wb.add_worksheet().set_name("发放表")?;
        let title = if paid {
            format!(
                "村干部补贴发放表 {quarters}（金额单位：元；本次发放 = 实发合计 − 已按月发放的基础补贴，第十一条）"
            )
        } else {
            format!("村干部补贴发放表 {quarters}（金额单位：元）")
        };
        ws.write_string_with_format(0, 0, title, &st.title)?;
        let mut sh = Sheet::new(ws);
        let mut heads = vec![
            "镇",
            "村",
            "编号",
            "姓名",
            "序列",
            "等次",
            "补贴标准",
            "基础补贴",
            "绩效补贴标准",
            "绩效调整",
            "实发绩效补贴",
            "实发合计",
        ];
        if paid {
            heads.extend(["已按月发放", "本次发放"]);
        }
        heads.push("领款人签字");
        sh.head(2, &heads, &st)?;
        let money = |t_std, base, p_std, adj, p_paid, total, split: PaidSplit| {
            let mut v = vec![
                V::M(cell(t_std)),
                V::M(cell(base)),
                V::M(cell(p_std)),
                V::M(cell(adj)),
                V::M(cell(p_paid)),
                V::M(cell(total)),
            ];
            if paid {
                v.extend([V::M(cell(split.monthly)), V::M(cell(split.by_settlement))]);
            }
            v.push(V::T(String::new()));
            v
        };
        let signature = u16::try_from(heads.len() - 1).unwrap_or(u16::MAX);
        let mut r = 3u32;
        for l in &ordered {
            let mut row = vec![
                V::T(l.town.to_string()),
                V::T(l.village.to_string()),
                V::T(l.cadre_id.to_string()),
                V::T(l.name.clone()),
                V::T(l.sequence.to_string()),
                V::T(l.grade.zh().to_owned()),
            ];
            row.extend(money(
                l.standard,
                l.base_paid,
                l.performance_standard,
                l.adjustment,
                l.performance_paid,
                l.total_paid,
                notes.paid_of(l),
            ));
            sh.row(r, &row, false, &st)?;
            sh.fit(signature, "            ");
            r += 1;
        }
        let t = &s.county;
        let mut row = vec![
            V::T("合计".to_owned()),
            V::T(String::new()),
            V::T(String::new()),
            V::T(format!("{} 人", t.cadres)),
            V::T(String::new()),
            V::T(String::new()),
        ];
        row.extend(money(
            t.standard,
            t.base_paid,
            t.performance_standard,
            t.adjustment,
            t.performance_paid,
            t.total_paid,
            t.paid,
        ));
        sh.row(r, &row, true, &st)?;
        sh.ws.set_freeze_panes(3, 0)?;
        sh.ws.set_landscape();
        sh.ws.set_repeat_rows(2, 2)?;
        sh.finish()?;
    }

    // 明细
    {
        let ws = wb.add_worksheet().set_name("明细")?;
        let mut sh = Sheet::new(ws);
        sh.head(0, &zh::REPORT_HEADINGS, &st)?;
        for (r, l) in (1u32..).zip(&ordered) {
            sh.row(
                r,
                &[
                    V::T(l.quarter.to_string()),
                    V::T(l.cadre_id.to_string()),
                    V::T(l.name.clone()),
                    V::T(l.town.to_string()),
                    V::T(l.village.to_string()),
                    V::T(l.sequence.to_string()),
                    V::M(cell(l.base_score)),
                    V::M(cell(l.bonus)),
                    V::M(cell(l.deduction)),
                    V::M(cell(l.total)),
                    V::I(l.rank),
                    V::I(l.group_size),
                    V::I(l.quota),
                    V::T(l.grade.zh().to_owned()),
                    V::M(cell(l.standard)),
                    V::M(cell(l.base_paid)),
                    V::M(cell(l.performance_standard)),
                    V::M(cell(l.adjustment)),
                    V::M(cell(l.performance_paid)),
                    V::M(cell(l.total_paid)),
                    V::T(zh::flags(l.flags)),
                ],
                false,
                &st,
            )?;
        }
        sh.ws.set_freeze_panes(1, 0)?;
        sh.finish()?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes the workbook to `w` (see [`report_xlsx_bytes`]).
pub fn write_report_xlsx(
    mut w: impl Write,
    lines: &[SettlementLine],
    notes: &ReportNotes,
) -> Result<(), WriteError> {
    w.write_all(&report_xlsx_bytes(lines, notes)?)?;
    Ok(w.flush()?)
}

/// Writes ledger entries (a quarter's ledger or a month's pay sheet) as a one-sheet workbook
/// 台账: Chinese headings, kinds (基础补贴 …) and articles (第十一条) as the terminal table
/// shows them, amounts as `0.00` number cells, by quarter and entry, with a 合计 row summed
/// exactly in decimal.
pub fn write_ledger_xlsx(mut w: impl Write, entries: &[LedgerEntry]) -> Result<(), WriteError> {
    const MAX_ROWS: usize = 1_048_576 - 2;
    if entries.len() > MAX_ROWS {
        return Err(WriteError::Xlsx(format!(
            "{} entries do not fit in one sheet (an xlsx sheet holds 1048576 rows); write csv \
             instead",
            entries.len()
        )));
    }
    let st = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("台账")?;
    let mut sh = Sheet::new(ws);
    sh.head(0, &zh::LEDGER_HEADINGS, &st)?;
    let mut total = Money::ZERO;
    let mut r = 1u32;
    for e in ledger_order(entries) {
        total += e.amount;
        sh.row(
            r,
            &[
                V::T(e.quarter.to_string()),
                V::I(e.revision),
                V::I(e.entry),
                V::T(e.cadre_id.to_string()),
                V::T(e.kind.zh().to_owned()),
                V::T(e.month.map_or(String::new(), |m| m.to_string())),
                V::M(cell(e.amount)),
                V::T(zh::article(e.article())),
            ],
            false,
            &st,
        )?;
        r += 1;
    }
    sh.row(
        r,
        &[
            V::T("合计".to_owned()),
            V::T(String::new()),
            V::T(String::new()),
            V::T(format!("{} 笔", entries.len())),
            V::T(String::new()),
            V::T(String::new()),
            V::M(cell(total)),
            V::T(String::new()),
        ],
        true,
        &st,
    )?;
    sh.ws.set_freeze_panes(1, 0)?;
    sh.finish()?;
    w.write_all(&wb.save_to_buffer()?)?;
    Ok(w.flush()?)
}
