//! Empty workbooks for clerks to fill in (`kaohe template KIND --out FILE.xlsx`, docs/guide.md, file formats).
//!
//! One sheet: row 1 the exact column names of the file (what the readers match), row 2 a note
//! in Chinese per column (what goes there, which article), both frozen; from row 3 on, each
//! column carries cell validation: a list for a closed set of values (`kind`, `level`, `area`,
//! `finding`, `cause`, from the domain's enums and the policy's event kinds), a date for date
//! columns, a number with at most two decimals for money and points; id and text columns are
//! formatted as text, so that `007` stays `007`.
//!
//! **The notes row is skipped on import** when its first cell is still the note written here
//! under the first column ([`is_template_note`]): a filled template imports as it is, and a
//! workbook of any other origin is read from row 2 as usual.

use kaohe_domain::{Area, AwardKind, Cause, Finding, Level, Policy};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Workbook, XlsxError,
};

use crate::error::TemplateError;
use crate::read::{
    AWARDS_COLUMNS, CONDOLENCES_COLUMNS, EVENTS_COLUMNS, ROSTER_COLUMNS, SCORES_COLUMNS,
};

/// `inspections.csv` (Art.14), docs/guide.md, file formats.
const INSPECTION_COLUMNS: [&str; 6] = [
    "inspection_id",
    "date",
    "subject",
    "area",
    "finding",
    "note",
];
/// `health.csv` (Art.15), docs/guide.md, file formats.
const HEALTH_CHECK_COLUMNS: [&str; 5] = ["cadre_id", "date", "institution", "conclusion", "note"];

/// The files a template can be written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// `roster.csv`.
    Roster,
    /// `scores.csv` (Art.7).
    Scores,
    /// `events.csv` (Art.8).
    Events,
    /// `awards.csv` (Art.12, Art.13).
    Awards,
    /// `condolences.csv` (Art.16).
    Condolences,
    /// `inspections.csv` (Art.14).
    Inspections,
    /// `health.csv` (Art.15).
    Health,
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 7] = [
        Template::Roster,
        Template::Scores,
        Template::Events,
        Template::Awards,
        Template::Condolences,
        Template::Inspections,
        Template::Health,
    ];

    /// The file's columns, in the template's order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Template::Roster => &ROSTER_COLUMNS,
            Template::Scores => &SCORES_COLUMNS,
            Template::Events => &EVENTS_COLUMNS,
            Template::Awards => &AWARDS_COLUMNS,
            Template::Condolences => &CONDOLENCES_COLUMNS,
            Template::Inspections => &INSPECTION_COLUMNS,
            Template::Health => &HEALTH_CHECK_COLUMNS,
        }
    }

    /// The Chinese notes of row 2, one per column.
    pub fn notes(self) -> Vec<&'static str> {
        self.columns().iter().map(|c| note(self, c)).collect()
    }

    /// The sheet's name.
    pub fn sheet_name(self) -> &'static str {
        match self {
            Template::Roster => "花名册",
            Template::Scores => "考核得分",
            Template::Events => "加减分事件",
            Template::Awards => "奖励",
            Template::Condolences => "抚恤",
            Template::Inspections => "督查",
            Template::Health => "体检",
        }
    }
}

/// What a column holds, for its format and validation.
enum Cell {
    Text,
    Date,
    /// Money or points: a number with at most two decimals, at least 0 (`> 0` when `positive`).
    Decimal {
        positive: bool,
    },
    List(Vec<String>),
}

fn strings<T>(all: impl IntoIterator<Item = T>, name: impl Fn(T) -> &'static str) -> Vec<String> {
    all.into_iter().map(|v| name(v).to_owned()).collect()
}

fn cell_of(t: Template, column: &str, policy: &Policy) -> Cell {
    match (t, column) {
        (_, "start_date" | "end_date" | "date") => Cell::Date,
        (_, "monthly_subsidy" | "points") => Cell::Decimal { positive: false },
        (_, "amount") => Cell::Decimal { positive: true },
        (Template::Events, "kind") => Cell::List(
            policy
                .events
                .iter()
                .map(|e| e.kind.as_str().to_owned())
                .collect(),
        ),
        (Template::Awards, "kind") => Cell::List(strings(AwardKind::ALL, AwardKind::as_str)),
        (_, "level") => Cell::List(strings(Level::ALL, Level::as_str)),
        (_, "cause") => Cell::List(strings(Cause::ALL, Cause::as_str)),
        (_, "area") => Cell::List(strings(Area::ALL, Area::as_str)),
        (_, "finding") => Cell::List(strings(Finding::ALL, Finding::as_str)),
        _ => Cell::Text,
    }
}

/// The note under `column` in row 2 of `t`'s template.
fn note(t: Template, column: &str) -> &'static str {
    match (t, column) {
        (Template::Health, "cadre_id") => "干部编号（须在花名册中）",
        (_, "cadre_id") => "干部编号（每人唯一，必填）",
        (_, "name") => "姓名",
        (_, "town") => "乡镇代码",
        (_, "village") => "村代码（一个村只属于一个乡镇）",
        (_, "sequence") => "考核序列（如 书记、委员；同序列分组排名，第十条）",
        (_, "position") => "职务（可空）",
        (_, "monthly_subsidy") => "月补贴标准（元，≥0，最多两位小数）",
        (_, "start_date") => "任职开始日期（YYYY-MM-DD）",
        (_, "end_date") => "任职结束日期（YYYY-MM-DD，在任留空）",
        (_, "quarter") => "季度（如 2026Q3）",
        (Template::Scores, "subject") => "对象：村级项目填村代码，个人项目填干部编号",
        (_, "subject") => "对象：村代码或干部编号",
        (_, "item") => "考核项目编号（见考核办法，第七条）",
        (_, "points") => "得分（0 至该项满分，最多两位小数）",
        (_, "event_id") => "事件编号（唯一，必填）",
        (Template::Condolences, "date") => "去世日期（YYYY-MM-DD）",
        (Template::Health, "date") => "体检日期（YYYY-MM-DD）",
        (Template::Inspections, "date") => "督查日期（YYYY-MM-DD）",
        (_, "date") => "日期（YYYY-MM-DD）",
        (Template::Events, "kind") => "事件类型（下拉选择，第八条）",
        (_, "kind") => "completion 一次性奖励（第十二条）或 commendation 表彰奖励（第十三条）",
        (_, "level") => {
            "级别：national 国家级 / provincial 省级 / municipal 市级 / county 县级；\
             media_exposure 留空"
        }
        (_, "note") => "备注（可空）",
        (_, "award_id") => "奖励编号（唯一，必填）",
        (_, "payee") => "领取方：村代码（村集体）或干部编号",
        (Template::Condolences, "amount") => "抚恤金额（元，>0，最多两位小数，第十六条）",
        (_, "amount") => "金额（元，>0，最多两位小数）",
        (_, "reason") => "事由",
        (_, "condolence_id") => "抚恤编号（唯一，必填）",
        (_, "cause") => "on_duty 因公 或 disaster 因灾（第十六条）",
        (_, "recipient") => "领取人（家属姓名）",
        (_, "inspection_id") => "督查编号（唯一，必填，第十四条）",
        (_, "area") => {
            "督查内容：archives 档案资料整理 / policy 脱贫政策掌握 / measures 扶贫措施推进 / \
             industry 产业规划实施"
        }
        (_, "finding") => "督查结果：good 好 / fair 一般 / poor 差",
        (_, "institution") => "体检机构（第十五条）",
        (_, "conclusion") => "体检结论",
        _ => "",
    }
}

/// Whether `row`, the first row under a workbook's `header`, is a template's notes row: its
/// first cell is the note [`template_xlsx_bytes`] writes under that first column.
pub(crate) fn is_template_note(header: &[(String, u32)], row: &[String]) -> bool {
    let (Some((first, _)), Some(cell)) = (header.first(), row.first()) else {
        return false;
    };
    !cell.is_empty()
        && Template::ALL
            .iter()
            .any(|t| t.columns().first() == Some(&first.as_str()) && note(*t, first) == cell)
}

/// The last row validation covers: the sheet's last (0-based).
const LAST_ROW: u32 = 1_048_575;

/// The template workbook of `t`: event kinds are `policy`'s. See the module notes.
pub fn template_xlsx_bytes(t: Template, policy: &Policy) -> Result<Vec<u8>, TemplateError> {
    Ok(build(t, policy)?)
}

fn build(t: Template, policy: &Policy) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(t.sheet_name())?;
    let border = Format::new().set_border(FormatBorder::Thin);
    let head = border
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF3ECEC))
        .set_align(FormatAlign::Center);
    let notes = border
        .clone()
        .set_italic()
        .set_font_color(Color::RGB(0x595959))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let decimal = Format::new().set_num_format("0.00");
    let first_date = ExcelDateTime::from_ymd(1900, 1, 1)?;
    let last_date = ExcelDateTime::from_ymd(9999, 12, 31)?;
    for (i, column) in t.columns().iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        let letter = crate::read::column_letters(u32::from(col));
        let kind = cell_of(t, column, policy);
        let (format, dv) = match &kind {
            Cell::Text => (&text, None),
            Cell::Date => (
                &date,
                Some(
                    DataValidation::new()
                        .allow_date(DataValidationRule::Between(&first_date, &last_date))
                        .set_error_message("请输入日期，例如 2026-07-01（年-月-日），不含时间")?,
                ),
            ),
            Cell::Decimal { positive } => {
                let (cmp, words) = if *positive {
                    (">0", "大于 0")
                } else {
                    (">=0", "不小于 0")
                };
                (
                    &decimal,
                    Some(
                        DataValidation::new()
                            .allow_custom(Formula::new(format!(
                                "=AND(ISNUMBER({letter}3),{letter}3{cmp},\
                                 ROUND({letter}3,2)={letter}3)"
                            )))
                            .set_error_message(format!(
                                "请输入{words}的数字，最多两位小数（不要输入公式）"
                            ))?,
                    ),
                )
            }
            Cell::List(values) => (
                &text,
                Some(
                    DataValidation::new()
                        .allow_list_strings(values)?
                        .set_error_message(format!("请从下拉列表中选择：{}", values.join(", ")))?,
                ),
            ),
        };
        ws.set_column_format(col, format)?;
        let width = column
            .len()
            .max(note(t, column).chars().count().min(24) * 2);
        ws.set_column_width(col, u32::try_from(width.min(48)).unwrap_or(48))?;
        ws.write_string_with_format(0, col, *column, &head)?;
        ws.write_string_with_format(1, col, note(t, column), &notes)?;
        if let Some(dv) = dv {
            let dv = dv.set_error_style(DataValidationErrorStyle::Stop);
            ws.add_data_validation(2, col, LAST_ROW, col, &dv)?;
        }
    }
    ws.set_row_height(1, 48)?;
    ws.set_freeze_panes(2, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of every template has a note, and the notes row is recognised by its
    /// first cell only when it is the template's.
    #[test]
    fn every_column_has_a_note() {
        for t in Template::ALL {
            for c in t.columns() {
                assert!(!note(t, c).is_empty(), "{t:?} {c}");
            }
            let header: Vec<(String, u32)> = t
                .columns()
                .iter()
                .zip(0..)
                .map(|(c, i)| ((*c).to_owned(), i))
                .collect();
            let notes: Vec<String> = t.columns().iter().map(|c| note(t, c).to_owned()).collect();
            assert!(is_template_note(&header, &notes), "{t:?}");
            let mut data = notes.clone();
            data[0] = "T01V01-01".into();
            assert!(!is_template_note(&header, &data), "{t:?}");
        }
    }
}
