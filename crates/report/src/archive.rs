//! A cadre's work archive (工作档案, Art.15) for `kaohe archive --cadre ID`: a terminal table
//! and an html page in Chinese, and json with English keys for scripts. The health archive
//! (健康档案) is part of it only when the caller put it in ([`ArchiveView::health`]): the
//! application layer does so only when asked, and records that showing first.

use std::fmt::Write as _;
use std::io::Write;

use kaohe_domain::{
    Award, Cadre, Condolence, Date, EntryKind, Event, Grade, HealthRecord, Inspection, LedgerEntry,
    Money, Points, SettlementLine, Stored,
};
use serde_json::{Value, json};

use crate::error::WriteError;

/// One field of a roster row that an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The column of `roster.csv`, e.g. `monthly_subsidy`.
    pub field: &'static str,
    /// The value before the import.
    pub before: String,
    /// The value the import gave.
    pub after: String,
}

/// One roster import that changed the cadre's row (信息变更记录).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterChange {
    /// When the import ran, seconds since the Unix epoch (UTC).
    pub at_unix: i64,
    /// The file it read, as given on its command line (empty when unknown).
    pub file: String,
    /// What it changed, in roster column order.
    pub changes: Vec<FieldChange>,
}

/// One section's subtotal of a quarter's scorecard (Art.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionSubtotal {
    /// The section id, e.g. `party`.
    pub id: String,
    /// Its name, e.g. 村级党组织标准化建设.
    pub name: String,
    /// Its maximum.
    pub max: Points,
    /// The cadre's points in it.
    pub points: Points,
}

/// One settled appraisal (Art.7–11) with its section subtotals, recomputed from the stored
/// scores and the policy the settlement used; `None` when they cannot be recomputed (a score
/// or the roster row changed since in a way that no longer scores).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveAppraisal {
    /// The line as settled (latest revision).
    pub line: SettlementLine,
    /// The subtotals, in rubric order.
    pub sections: Option<Vec<SectionSubtotal>>,
    /// Art.10: the total from which the settlement's policy graded qualified.
    pub qualified_min_score: Points,
    /// Art.10: the total from which the settlement's policy allowed excellent.
    pub excellent_min_score: Points,
}

/// An event that counted for the cadre (Art.8), with its points when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveEvent {
    /// The event.
    pub event: Event,
    /// The points it gave, by the policy of its settlement.
    pub points: Option<Points>,
}

/// Everything `kaohe archive` shows of one cadre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveView {
    /// The cadre as the roster has them now (基本信息).
    pub cadre: Cadre,
    /// Every import that changed the row, oldest first.
    pub history: Vec<RosterChange>,
    /// Every settled quarter in which the cadre was assessed, oldest first.
    pub appraisals: Vec<ArchiveAppraisal>,
    /// The events that counted, by date.
    pub events: Vec<ArchiveEvent>,
    /// Supervision records (Art.14) on the cadre or the cadre's village while in office.
    pub inspections: Vec<Inspection>,
    /// Awards paid to the cadre (Art.12, Art.13), withdrawn ones marked.
    pub awards: Vec<Stored<Award>>,
    /// Condolence payments for the cadre (Art.16).
    pub condolences: Vec<Stored<Condolence>>,
    /// Every ledger entry paying the cadre, by quarter and entry.
    pub payments: Vec<LedgerEntry>,
    /// The sum of the payments per year (年度合计), by year.
    pub year_totals: Vec<(u16, Money)>,
    /// The health archive, only when asked for (`--include-health`).
    pub health: Option<Vec<HealthRecord>>,
}

/// What changed between two versions of a cadre's roster row, in roster column order.
pub fn cadre_changes(old: &Cadre, new: &Cadre) -> Vec<FieldChange> {
    let end = |d: Option<Date>| d.map_or(String::new(), |d| d.to_string());
    let fields: [(&'static str, String, String); 8] = [
        ("name", old.name.clone(), new.name.clone()),
        ("town", old.town.to_string(), new.town.to_string()),
        ("village", old.village.to_string(), new.village.to_string()),
        (
            "sequence",
            old.sequence.to_string(),
            new.sequence.to_string(),
        ),
        ("position", old.position.clone(), new.position.clone()),
        (
            "monthly_subsidy",
            old.monthly_subsidy.to_string(),
            new.monthly_subsidy.to_string(),
        ),
        (
            "start_date",
            old.start_date.to_string(),
            new.start_date.to_string(),
        ),
        ("end_date", end(old.end_date), end(new.end_date)),
    ];
    fields
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, before, after)| FieldChange {
            field,
            before,
            after,
        })
        .collect()
}

/// The Chinese name of a roster column.
fn field_zh(field: &str) -> &str {
    match field {
        "name" => "姓名",
        "town" => "镇",
        "village" => "村",
        "sequence" => "序列",
        "position" => "职务",
        "monthly_subsidy" => "月补贴标准",
        "start_date" => "任职日期",
        "end_date" => "离任日期",
        other => other,
    }
}

/// A time as UTC RFC 3339 (`2026-07-01T08:30:00Z`).
pub(crate) fn utc(at_unix: i64) -> String {
    match Date::from_unix(at_unix) {
        Some((d, secs)) => format!(
            "{d}T{:02}:{:02}:{:02}Z",
            secs / 3_600,
            secs / 60 % 60,
            secs % 60
        ),
        None => format!("@{at_unix}"),
    }
}

fn withdrawn_zh<T>(s: &Stored<T>) -> String {
    match &s.withdrawn {
        None => String::new(),
        Some(w) => format!("已撤回（{}，{}）", w.reason, utc(w.at_unix)),
    }
}

/// The sections of the page, each a title and a table (headings, rows), or a note alone.
struct Part {
    title: String,
    /// The html table's id (`t-appraisals`).
    id: &'static str,
    note: Option<String>,
    headings: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

fn office(c: &Cadre) -> String {
    match c.end_date {
        Some(e) => format!("{} 至 {e}", c.start_date),
        None => format!("{} 至今", c.start_date),
    }
}

fn subtotals_zh(a: &ArchiveAppraisal) -> String {
    match &a.sections {
        None => "—（无法按现存评分重算）".to_owned(),
        Some(s) => s
            .iter()
            .map(|s| format!("{} {}/{}", s.name, s.points, s.max))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

fn flags_zh(l: &SettlementLine) -> String {
    l.flags
        .iter()
        .map(|f| f.zh())
        .collect::<Vec<_>>()
        .join("、")
}

fn parts(a: &ArchiveView) -> Vec<Part> {
    let c = &a.cadre;
    let none = |what: &str| Some(format!("无{what}。"));
    let mut out = vec![Part {
        title: "基本信息".into(),
        id: "t-cadre",
        note: None,
        headings: vec![
            "编号",
            "姓名",
            "镇",
            "村",
            "序列",
            "职务",
            "月补贴标准（元）",
            "任职",
        ],
        rows: vec![vec![
            c.id.to_string(),
            c.name.clone(),
            c.town.to_string(),
            c.village.to_string(),
            c.sequence.to_string(),
            c.position.clone(),
            c.monthly_subsidy.to_string(),
            office(c),
        ]],
    }];
    out.push(Part {
        title: "信息变更记录".into(),
        id: "t-history",
        note: a
            .history
            .is_empty()
            .then(|| "花名册导入以来未有变更。".to_owned()),
        headings: vec!["导入时间（UTC）", "文件", "变更"],
        rows: a
            .history
            .iter()
            .map(|h| {
                vec![
                    utc(h.at_unix),
                    h.file.clone(),
                    h.changes
                        .iter()
                        .map(|f| {
                            let shown = |v: &str| {
                                if v.is_empty() {
                                    "（空）".to_owned()
                                } else {
                                    v.to_owned()
                                }
                            };
                            format!(
                                "{} {} → {}",
                                field_zh(f.field),
                                shown(&f.before),
                                shown(&f.after)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("；"),
                ]
            })
            .collect(),
    });
    out.push(Part {
        title: "考核记录（第七至十一条）".into(),
        id: "t-appraisals",
        note: a
            .appraisals
            .is_empty()
            .then(|| "尚无已结算的考核。".to_owned()),
        headings: vec![
            "季度",
            "各部分小计（第七条）",
            "基础分",
            "加分",
            "减分",
            "总分",
            "名次",
            "等次",
            "处理",
            "实发（元）",
        ],
        rows: a
            .appraisals
            .iter()
            .map(|ap| {
                let l = &ap.line;
                vec![
                    l.quarter.to_string(),
                    subtotals_zh(ap),
                    l.base_score.to_string(),
                    l.bonus.to_string(),
                    l.deduction.to_string(),
                    l.total.to_string(),
                    format!("{}/{}", l.rank, l.group_size),
                    l.grade.zh().to_owned(),
                    flags_zh(l),
                    l.total_paid.to_string(),
                ]
            })
            .collect(),
    });
    out.push(Part {
        title: "加减分事项（第八条）".into(),
        id: "t-events",
        note: if a.events.is_empty() {
            none("计入的加减分事项")
        } else {
            None
        },
        headings: vec!["日期", "编号", "类别", "级别", "对象", "分值", "说明"],
        rows: a
            .events
            .iter()
            .map(|e| {
                let ev = &e.event;
                vec![
                    ev.date.to_string(),
                    ev.id.to_string(),
                    ev.kind.to_string(),
                    ev.level.map_or("—", |l| l.zh()).to_owned(),
                    ev.subject.to_string(),
                    e.points.map_or("—".to_owned(), |p| {
                        if p.is_negative() {
                            p.to_string()
                        } else {
                            format!("+{p}")
                        }
                    }),
                    ev.note.clone(),
                ]
            })
            .collect(),
    });
    out.push(Part {
        title: "督查记录（第十四条）".into(),
        id: "t-inspections",
        note: Some(if a.inspections.is_empty() {
            "无督查记录。".to_owned()
        } else {
            "日常督查结果是考核的重要依据，由镇在评分时参考；督查记录本身不改变分数（第十四条）。"
                .to_owned()
        }),
        headings: vec!["日期", "编号", "对象", "督查内容", "结果", "说明"],
        rows: a
            .inspections
            .iter()
            .map(|i| {
                vec![
                    i.date.to_string(),
                    i.id.to_string(),
                    i.subject.to_string(),
                    i.area.zh().to_owned(),
                    i.finding.zh().to_owned(),
                    i.note.clone(),
                ]
            })
            .collect(),
    });
    out.push(Part {
        title: "奖励（第十二、十三条）".into(),
        id: "t-awards",
        note: if a.awards.is_empty() {
            none("奖励")
        } else {
            None
        },
        headings: vec!["日期", "编号", "类别", "金额（元）", "事由", "状态"],
        rows: a
            .awards
            .iter()
            .map(|s| {
                let r = &s.record;
                vec![
                    r.date.to_string(),
                    r.id.to_string(),
                    format!(
                        "{}（{}）",
                        r.kind.entry_kind().zh(),
                        r.kind.entry_kind().article()
                    ),
                    r.amount.to_string(),
                    r.reason.clone(),
                    withdrawn_zh(s),
                ]
            })
            .collect(),
    });
    out.push(Part {
        title: "抚恤（第十六条）".into(),
        id: "t-condolences",
        note: if a.condolences.is_empty() {
            none("抚恤")
        } else {
            None
        },
        headings: vec![
            "日期",
            "编号",
            "原因",
            "领取人",
            "金额（元）",
            "说明",
            "状态",
        ],
        rows: a
            .condolences
            .iter()
            .map(|s| {
                let r = &s.record;
                vec![
                    r.date.to_string(),
                    r.id.to_string(),
                    r.cause.zh().to_owned(),
                    r.recipient.clone(),
                    r.amount.to_string(),
                    r.note.clone(),
                    withdrawn_zh(s),
                ]
            })
            .collect(),
    });
    let mut rows: Vec<Vec<String>> = a
        .payments
        .iter()
        .map(|p| {
            vec![
                p.quarter.to_string(),
                p.revision.to_string(),
                p.entry.to_string(),
                p.kind.zh().to_owned(),
                p.month.map(|m| m.to_string()).unwrap_or_default(),
                p.amount.to_string(),
                p.article().to_owned(),
            ]
        })
        .collect();
    for (year, sum) in &a.year_totals {
        rows.push(vec![
            format!("{year} 年度合计"),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            sum.to_string(),
            String::new(),
        ]);
    }
    out.push(Part {
        title: "发放记录".into(),
        id: "t-payments",
        note: if a.payments.is_empty() {
            none("发放记录")
        } else {
            None
        },
        headings: vec!["季度", "修订", "序号", "类别", "月份", "金额（元）", "依据"],
        rows,
    });
    if let Some(health) = &a.health {
        out.push(Part {
            title: "健康档案（第十五条）".into(),
            id: "t-health",
            note: Some(if health.is_empty() {
                "个人健康信息，本次查看已记入审计日志。无体检记录。".to_owned()
            } else {
                "个人健康信息，本次查看已记入审计日志（kaohe audit）。".to_owned()
            }),
            headings: vec!["体检日期", "体检机构", "结论", "备注"],
            rows: health
                .iter()
                .map(|h| {
                    vec![
                        h.date.to_string(),
                        h.institution.clone(),
                        h.conclusion.clone(),
                        h.note.clone(),
                    ]
                })
                .collect(),
        });
    }
    out
}

fn title(a: &ArchiveView) -> String {
    format!(
        "村干部工作档案（第十五条）：{} {}",
        a.cadre.id, a.cadre.name
    )
}

/// Writes the archive as a terminal table in Chinese: 基本信息, 信息变更记录, 考核记录 with
/// the section subtotals, 加减分事项, 督查记录, 奖励, 抚恤, 发放记录 with 年度合计, and
/// 健康档案 only when the view holds it.
pub fn write_archive_table(mut w: impl Write, a: &ArchiveView) -> Result<(), WriteError> {
    writeln!(w, "{}", title(a))?;
    for p in parts(a) {
        writeln!(w, "\n{}", p.title)?;
        if let Some(n) = &p.note {
            writeln!(w, "{n}")?;
        }
        if !p.rows.is_empty() {
            super::table::render_left(&mut w, &p.headings, &p.rows)?;
        }
    }
    Ok(w.flush()?)
}

/// The archive page's own rules: the section subtotals wrap, so that 考核记录 fits A4 upright.
const ARCHIVE_CSS: &str = "#t-appraisals td:nth-child(2){white-space:normal;min-width:14em}";

/// Writes the archive as one html page in Chinese: the table's parts, each table with an id
/// (`t-appraisals`, …), and two charts drawn by the `svg` module: the total of every quarter
/// against the Art.10 lines under 考核记录 (`chart-archive-totals`), and the money paid per
/// year under 发放记录 (`chart-archive-money`). No script, nothing outside the file, every
/// text escaped; it prints on A4.
pub fn write_archive_html(mut w: impl Write, a: &ArchiveView) -> Result<(), WriteError> {
    let esc = super::html::esc;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{css}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = esc(&title(a)),
        css = format_args!("{}{ARCHIVE_CSS}", super::html::CSS),
    );
    for p in parts(a) {
        let _ = writeln!(h, "<h2>{}</h2>", esc(&p.title));
        if let Some(n) = &p.note {
            let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(n));
        }
        if p.rows.is_empty() {
            continue;
        }
        let _ = write!(h, "<div class=\"wide\"><table id=\"{}\">\n<tr>", p.id);
        for c in &p.headings {
            let _ = write!(h, "<th>{}</th>", esc(c));
        }
        h.push_str("</tr>\n");
        for r in &p.rows {
            let sum = r.first().is_some_and(|c| c.ends_with("年度合计"));
            h.push_str(if sum { "<tr class=\"sum\">" } else { "<tr>" });
            for c in r {
                let _ = write!(h, "<td>{}</td>", esc(c));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table></div>\n");
        match p.id {
            "t-appraisals" => totals_chart(&mut h, a),
            "t-payments" => money_chart(&mut h, a),
            _ => {}
        }
    }
    h.push_str("<footer>金额单位：元。由 kaohe 生成。</footer>\n</body>\n</html>\n");
    w.write_all(h.as_bytes())?;
    Ok(w.flush()?)
}

/// The total of every appraisal as a bar against the Art.10 lines of the policies the
/// settlements used (each distinct line once), with the grade and rank as 考核记录 prints them.
fn totals_chart(h: &mut String, a: &ArchiveView) {
    use super::svg::{Rule, ScoreBar, score_chart};
    let mut rules: Vec<Rule> = Vec::new();
    for ap in &a.appraisals {
        for (at, name) in [
            (ap.qualified_min_score, "合格"),
            (ap.excellent_min_score, "优秀"),
        ] {
            let label = format!("{name} {at}");
            if !rules.iter().any(|r| r.at == at && r.label == label) {
                rules.push(Rule { at, label });
            }
        }
    }
    let bars: Vec<ScoreBar> = a
        .appraisals
        .iter()
        .map(|ap| {
            let l = &ap.line;
            ScoreBar {
                key: l.quarter.to_string(),
                label: l.quarter.to_string(),
                value: l.total,
                class: match l.grade {
                    Grade::Excellent => "g-excellent",
                    Grade::Qualified => "g-qualified",
                    Grade::Unqualified => "g-unqualified",
                },
                notes: vec![
                    ("grade", l.grade.zh().to_owned()),
                    ("rank", format!("{}/{}", l.rank, l.group_size)),
                ],
            }
        })
        .collect();
    h.push_str(
        "<h3>各季度总分（第十条）</h3>\n<p class=\"meta\">绿为优秀、红为不合格；\
         虚线为结算所用政策的合格与优秀分数线；右侧为总分、等次和名次/人数。</p>\n",
    );
    h.push_str(&score_chart(
        "chart-archive-totals",
        "各季度总分与第十条分数线",
        &bars,
        &rules,
    ));
}

/// The payments of every year (the years of 年度合计), stacked by kind: base, performance
/// standard, adjustment (Art.11), awards (Art.12, Art.13) and condolences (Art.16) when the
/// cadre has any; the total is the 年度合计 the table prints.
fn money_chart(h: &mut String, a: &ArchiveView) {
    use super::svg::{Extra, MoneyBar};
    let sum = |year: u16, kinds: &[EntryKind]| {
        a.payments
            .iter()
            .filter(|p| p.year() == year && kinds.contains(&p.kind))
            .fold(Money::ZERO, |s, p| s + p.amount)
    };
    let has = |kinds: &[EntryKind]| a.payments.iter().any(|p| kinds.contains(&p.kind));
    const AWARDS: [EntryKind; 2] = [EntryKind::CompletionAward, EntryKind::CommendationAward];
    const CONDOLENCE: [EntryKind; 1] = [EntryKind::Condolence];
    let bars: Vec<MoneyBar> = a
        .year_totals
        .iter()
        .map(|&(year, total)| {
            let mut extras = Vec::new();
            for (part, name, kinds) in [
                ("award", "奖励", &AWARDS[..]),
                ("condolence", "抚恤", &CONDOLENCE[..]),
            ] {
                if has(kinds) {
                    let amount = sum(year, kinds);
                    extras.push(Extra { part, name, amount });
                }
            }
            MoneyBar {
                key: year.to_string(),
                label: format!("{year} 年"),
                base: sum(year, &[EntryKind::Base]),
                performance: sum(year, &[EntryKind::Performance]),
                adjustment: sum(
                    year,
                    &[EntryKind::ExcellentBonus, EntryKind::UnqualifiedDeduction],
                ),
                extras,
                total,
            }
        })
        .collect();
    h.push_str("<h3>各年度发放金额</h3>\n");
    h.push_str(&super::svg::money_chart(
        "chart-archive-money",
        "各年度发放金额：基础补贴、绩效补贴标准、绩效调整（第十一条）及奖励、抚恤（元）",
        &bars,
    ));
}

fn withdrawn_json<T>(s: &Stored<T>) -> Value {
    match &s.withdrawn {
        None => Value::Null,
        Some(wd) => json!({ "reason": wd.reason, "at": utc(wd.at_unix) }),
    }
}

/// The archive as a JSON value with English keys (docs/reference.md, Archive json): money and
/// points as strings with two decimals; `health` present only when the view holds it.
pub fn archive_json(a: &ArchiveView) -> Value {
    let c = &a.cadre;
    let mut v = json!({
        "cadre": {
            "cadre_id": c.id.as_str(),
            "name": c.name,
            "town": c.town.as_str(),
            "village": c.village.as_str(),
            "sequence": c.sequence.as_str(),
            "position": c.position,
            "monthly_subsidy": c.monthly_subsidy.to_string(),
            "start_date": c.start_date.to_string(),
            "end_date": c.end_date.map(|d| d.to_string()),
        },
        "history": a.history.iter().map(|h| json!({
            "replaced_at": utc(h.at_unix),
            "file": h.file,
            "changes": h.changes.iter().map(|f| json!({
                "field": f.field, "before": f.before, "after": f.after,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "appraisals": a.appraisals.iter().map(|ap| {
            let l = &ap.line;
            json!({
                "quarter": l.quarter.to_string(),
                "sections": ap.sections.as_ref().map(|s| s.iter().map(|s| json!({
                    "id": s.id, "name": s.name, "max": s.max.to_string(),
                    "points": s.points.to_string(),
                })).collect::<Vec<_>>()),
                "base_score": l.base_score.to_string(),
                "bonus": l.bonus.to_string(),
                "deduction": l.deduction.to_string(),
                "total": l.total.to_string(),
                "rank": l.rank,
                "group_size": l.group_size,
                "grade": l.grade.as_str(),
                "flags": l.flags.to_string(),
                "total_paid": l.total_paid.to_string(),
            })
        }).collect::<Vec<_>>(),
        "events": a.events.iter().map(|e| json!({
            "event_id": e.event.id.as_str(),
            "date": e.event.date.to_string(),
            "subject": e.event.subject.as_str(),
            "kind": e.event.kind.to_string(),
            "level": e.event.level.map_or("", |l| l.as_str()),
            "points": e.points.map(|p| p.to_string()),
            "note": e.event.note,
        })).collect::<Vec<_>>(),
        "inspections": a.inspections.iter().map(|i| json!({
            "inspection_id": i.id.as_str(),
            "date": i.date.to_string(),
            "subject": i.subject.as_str(),
            "area": i.area.as_str(),
            "finding": i.finding.as_str(),
            "note": i.note,
        })).collect::<Vec<_>>(),
        "awards": a.awards.iter().map(|s| json!({
            "award_id": s.record.id.as_str(),
            "date": s.record.date.to_string(),
            "kind": s.record.kind.as_str(),
            "amount": s.record.amount.to_string(),
            "reason": s.record.reason,
            "withdrawn": withdrawn_json(s),
        })).collect::<Vec<_>>(),
        "condolences": a.condolences.iter().map(|s| json!({
            "condolence_id": s.record.id.as_str(),
            "date": s.record.date.to_string(),
            "cause": s.record.cause.as_str(),
            "recipient": s.record.recipient,
            "amount": s.record.amount.to_string(),
            "note": s.record.note,
            "withdrawn": withdrawn_json(s),
        })).collect::<Vec<_>>(),
        "payments": a.payments.iter().map(|p| json!({
            "quarter": p.quarter.to_string(),
            "revision": p.revision,
            "entry": p.entry,
            "kind": p.kind.as_str(),
            "month": p.month.map(|m| m.to_string()).unwrap_or_default(),
            "amount": p.amount.to_string(),
            "article": p.article(),
        })).collect::<Vec<_>>(),
        "year_totals": a.year_totals.iter().map(|(y, m)| json!({
            "year": y, "amount": m.to_string(),
        })).collect::<Vec<_>>(),
    });
    if let (Some(health), Some(obj)) = (&a.health, v.as_object_mut()) {
        obj.insert(
            "health".into(),
            health
                .iter()
                .map(|h| {
                    json!({
                        "date": h.date.to_string(),
                        "institution": h.institution,
                        "conclusion": h.conclusion,
                        "note": h.note,
                    })
                })
                .collect(),
        );
    }
    v
}

/// Writes [`archive_json`], pretty-printed.
pub fn write_archive_json(mut w: impl Write, a: &ArchiveView) -> Result<(), WriteError> {
    serde_json::to_writer_pretty(&mut w, &archive_json(a))?;
    w.write_all(b"\n")?;
    Ok(w.flush()?)
}

/// Writes `kaohe health due --year YYYY` as a terminal table in Chinese: the cadres in office
/// in `year` with no check-up dated in it (Art.15), by cadre id.
pub fn write_health_due_table(
    mut w: impl Write,
    year: u16,
    cadres: &[Cadre],
) -> Result<(), WriteError> {
    writeln!(
        w,
        "{year} 年度未体检的村干部（第十五条，健康档案）：{} 人",
        cadres.len()
    )?;
    if !cadres.is_empty() {
        let rows: Vec<Vec<String>> = cadres
            .iter()
            .map(|c| {
                vec![
                    c.id.to_string(),
                    c.name.clone(),
                    c.town.to_string(),
                    c.village.to_string(),
                    c.position.clone(),
                    office(c),
                ]
            })
            .collect();
        super::table::render_left(&mut w, &["编号", "姓名", "镇", "村", "职务", "任职"], &rows)?;
    }
    Ok(w.flush()?)
}
