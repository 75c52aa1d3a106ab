//! The report as one self-contained HTML page for people (docs/reference.md, settlement report `html`): inline CSS, no
//! script, no link to anything outside the file, so it opens offline and prints as it shows.

use std::fmt::Write as _;
use std::io::Write;

use kaohe_domain::{Grade, QuotaScope, SettlementLine};

use super::svg;
use crate::error::WriteError;
use crate::summary::{ReportNotes, Summary, Totals, in_notice_order, in_report_order};
use crate::zh;

pub(crate) const CSS: &str = "\
body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",\"WenQuanYi Micro Hei\",sans-serif;\
margin:2em auto;max-width:80em;color:#222;line-height:1.5;padding:0 1em}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:2px solid #933;padding-bottom:.2em}\
h3{font-size:1.05em;margin:1.2em 0 .4em}p.meta{color:#555;margin-top:0}\
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}\
th,td{border:1px solid #bbb;padding:.25em .6em;white-space:nowrap}\
th{background:#f3ecec;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}\
tr.sum td{font-weight:600;background:#faf7f7}\
.g-excellent{color:#0a6b2d;font-weight:600}.g-unqualified{color:#b00020;font-weight:600}\
.wide{overflow-x:auto}footer{margin-top:3em;color:#777;font-size:.85em}\
svg.chart{display:block;width:100%;max-width:960px;height:auto;margin:.4em 0 1.2em;font-size:12px}\
.chart text{fill:#333}.chart text.v{font-weight:600;font-variant-numeric:tabular-nums}\
.chart text.unit,.chart text.axis{fill:#666}.chart text.rule{fill:#933;font-weight:600}\
.chart line.axis,.chart line.base{stroke:#888}.chart line.tick{stroke:#eee}\
.chart line.rule{stroke:#933;stroke-dasharray:4 3}\
.chart circle.dot{fill:#777}.chart circle.g-excellent{fill:#0a6b2d}.chart circle.g-unqualified{fill:#b00020}\
.chart rect.track{fill:#eee}.chart rect.quota{fill:#d9b8b8}.chart rect.used{fill:#933}\
.chart rect.base{fill:#7a94b8}.chart rect.perf{fill:#b8cbe0}.chart rect.adj-plus{fill:#0a6b2d}\
.chart rect.adj-minus{fill:#b00020;fill-opacity:.55}\
.chart rect.award{fill:#c08a1e}.chart rect.condolence{fill:#7d6aa8}.chart rect.minus{fill-opacity:.45}\
.chart rect.bar{fill:#7a94b8}.chart rect.g-excellent{fill:#0a6b2d}.chart rect.g-unqualified{fill:#b00020}\
@page{size:A4;margin:14mm}@page landscape{size:A4 landscape;margin:10mm}\
@media print{body{margin:0;max-width:none;font-size:10pt}.wide{overflow:visible}h2,h3{break-after:avoid}\
svg.chart{max-width:100%;break-inside:avoid}table{break-inside:auto}tr{break-inside:avoid}\
th{white-space:normal}.landscape{page:landscape}.landscape table{font-size:7pt}\
.landscape th,.landscape td{padding:.15em .3em}}";

/// Escapes text for HTML.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn grade_cell(g: Grade) -> String {
    format!("<td class=\"g-{}\">{}</td>", g.as_str(), g.zh())
}

fn totals_cells(h: &mut String, t: &Totals, paid: bool) {
    let _ = write!(
        h,
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
         <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        t.cadres,
        t.excellent,
        t.qualified,
        t.unqualified,
        t.dismissal_review,
        t.standard,
        t.base_paid,
        t.performance_standard,
        t.adjustment,
        t.performance_paid,
        t.total_paid
    );
    if paid {
        let _ = write!(
            h,
            "<td class=\"n\">{}</td><td class=\"n\">{}</td>",
            t.paid.monthly, t.paid.by_settlement
        );
    }
}

/// The charts of section 1: the totals of each town's cadres as a strip with the Art.10
/// thresholds (`chart-totals`), and each town's money stacked (`chart-money`).
fn charts_of_towns(h: &mut String, lines: &[SettlementLine], s: &Summary, notes: &ReportNotes) {
    let strips: Vec<svg::Strip> = s
        .towns
        .iter()
        .map(|(town, _)| svg::Strip {
            key: town.as_str().to_owned(),
            label: format!("{} 镇", town.as_str()),
            dots: lines
                .iter()
                .filter(|l| l.town == *town)
                .map(|l| svg::Dot {
                    key: l.cadre_id.as_str().to_owned(),
                    label: l.name.clone(),
                    value: l.total,
                    class: match l.grade {
                        Grade::Excellent => "g-excellent",
                        Grade::Qualified => "g-qualified",
                        Grade::Unqualified => "g-unqualified",
                    },
                })
                .collect(),
        })
        .collect();
    let rules = [
        svg::Rule {
            at: notes.qualified_min_score,
            label: format!("合格 {}", notes.qualified_min_score),
        },
        svg::Rule {
            at: notes.excellent_min_score,
            label: format!("优秀 {}", notes.excellent_min_score),
        },
    ];
    h.push_str(
        "<h3>总分分布（按镇）</h3>\n<p class=\"meta\">每点一人，绿为优秀、红为不合格；\
         虚线为第十条的合格与优秀分数线。</p>\n",
    );
    h.push_str(&svg::strip_chart(
        "chart-totals",
        "各镇总分分布（第十条分数线）",
        &strips,
        &rules,
    ));
    let bars: Vec<svg::MoneyBar> = s
        .towns
        .iter()
        .map(|(town, t)| svg::MoneyBar {
            key: town.as_str().to_owned(),
            label: format!("{} 镇", town.as_str()),
            base: t.base_paid,
            performance: t.performance_standard,
            adjustment: t.adjustment,
            extras: Vec::new(),
            total: t.total_paid,
        })
        .collect();
    h.push_str("<h3>补贴金额（按镇，第十一条）</h3>\n");
    h.push_str(&svg::money_chart(
        "chart-money",
        "各镇补贴金额：基础补贴、绩效补贴标准与绩效调整（元）",
        &bars,
    ));
}

/// The chart of section 2: the quota use of every group (`chart-quota`).
fn quota_chart(s: &Summary) -> String {
    let several = s.quarters.len() > 1;
    let bars: Vec<svg::QuotaBar> = s
        .groups
        .iter()
        .map(|g| {
            let town = g.town.as_ref().map_or("全县", |t| t.as_str());
            let label = if several {
                format!("{} {town} {}", g.quarter, g.sequence.as_str())
            } else {
                format!("{town} {}", g.sequence.as_str())
            };
            svg::QuotaBar {
                key: format!("{}/{town}/{}", g.quarter, g.sequence.as_str()),
                label,
                size: g.group_size,
                quota: g.quota,
                used: g.excellent,
            }
        })
        .collect();
    svg::quota_chart("chart-quota", "各序列优秀名额使用（第十条）", &bars, "优秀")
}

/// Writes the report as one HTML page: totals per town and grade (with, when `notes` has the
/// ledger, the Art.11 money already paid monthly and paid by the settlement, apart), the quota
/// use of every group at the policy's ratio, the 公示 list (names and grades per town, for
/// public notice) and the full table.
pub fn write_report_html(
    mut w: impl Write,
    lines: &[SettlementLine],
    notes: &ReportNotes,
) -> Result<(), WriteError> {
    let s = Summary::with_notes(lines, notes);
    let paid = notes.shows_paid();
    let quarters: Vec<String> = s.quarters.iter().map(|q| q.to_string()).collect();
    let quarters = quarters.join("、");
    let mut h = String::with_capacity(4096 + lines.len() * 600);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>村干部绩效考核结果 {q}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <h1>村干部绩效考核结果</h1>\n<p class=\"meta\">考核季度：{q}　参加考核：{n} 人　\
         优秀 {e} 人　合格 {ok} 人　不合格 {u} 人</p>\n",
        q = esc(&quarters),
        n = s.county.cadres,
        e = s.county.excellent,
        ok = s.county.qualified,
        u = s.county.unqualified,
    );

    // 1. Totals per town and grade.
    h.push_str(
        "<h2>一、汇总（按镇、等次）</h2>\n<div class=\"wide\"><table id=\"t-towns\">\n<tr><th>镇</th><th>人数</th>\
         <th>优秀</th><th>合格</th><th>不合格</th><th>免职审查</th><th>补贴标准</th><th>基础补贴</th>\
         <th>绩效补贴标准</th><th>绩效调整</th><th>实发绩效补贴</th><th>实发合计</th>",
    );
    if paid {
        h.push_str("<th>其中已按月发放</th><th>本次结算发放</th>");
    }
    h.push_str("</tr>\n");
    for (town, t) in &s.towns {
        let _ = write!(h, "<tr><td>{}</td>", esc(town.as_str()));
        totals_cells(&mut h, t, paid);
        h.push_str("</tr>\n");
    }
    h.push_str("<tr class=\"sum\"><td>合计</td>");
    totals_cells(&mut h, &s.county, paid);
    h.push_str("</tr>\n</table></div>\n");
    charts_of_towns(&mut h, lines, &s, notes);
    if paid {
        let _ = writeln!(
            h,
            "<p>基础补贴按月发放（第十一条）：实发合计 {} 元，其中已按月发放 {} 元，\
             本次结算发放 {} 元。已按月发放的部分不再重复发放。</p>",
            s.county.total_paid, s.county.paid.monthly, s.county.paid.by_settlement
        );
    }

    // 2. Quota use per group (Art.10).
    let scope = match s.quota_scope {
        QuotaScope::Town => "按镇",
        QuotaScope::County => "全县统一",
    };
    let _ = write!(
        h,
        "<h2>二、优秀名额使用</h2>\n<p>同一序列优秀比例不超过 {ratio}（第十条，本县政策设定）；名额{scope}、\
         按序列计算，名额 = 人数 × {ratio}，向下取整。</p>\n<table id=\"t-quota\">\n<tr><th>季度</th><th>镇</th><th>序列</th>\
         <th>人数</th><th>名额</th><th>优秀</th><th>未用名额</th></tr>\n",
        ratio = notes.excellent_percent(),
    );
    for g in &s.groups {
        let town = g
            .town
            .as_ref()
            .map_or("全县".to_owned(), |t| esc(t.as_str()));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            g.quarter,
            town,
            esc(g.sequence.as_str()),
            g.group_size,
            g.quota,
            g.excellent,
            g.quota.saturating_sub(g.excellent)
        );
    }
    h.push_str("</table>\n");
    h.push_str(&quota_chart(&s));

    // 3. The list for public notice (公示): per town, by grade, village and name.
    h.push_str("<h2>三、公示名单</h2>\n");
    let notice = in_notice_order(lines);
    for town in notice.chunk_by(|a, b| a.town == b.town) {
        let _ = write!(
            h,
            "<h3>{t} 镇（{} 人）</h3>\n<table id=\"t-notice-{t}\">\n<tr><th>村</th><th>姓名</th><th>序列</th><th>等次</th></tr>\n",
            town.len(),
            t = esc(town[0].town.as_str()),
        );
        for l in town {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
                esc(l.village.as_str()),
                esc(&l.name),
                esc(l.sequence.as_str()),
                grade_cell(l.grade)
            );
        }
        h.push_str("</table>\n");
    }

    // 4. The full table.
    // Printed on landscape pages of its own: 21 columns do not fit A4 upright.
    h.push_str(
        "<section class=\"landscape\">\n<h2>四、明细</h2>\n<div class=\"wide\"><table id=\"t-detail\">\n<tr>",
    );
    for head in zh::REPORT_HEADINGS {
        let _ = write!(h, "<th>{head}</th>");
    }
    h.push_str("</tr>\n");
    for l in in_report_order(lines) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{}\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            l.quarter,
            esc(l.cadre_id.as_str()),
            esc(&l.name),
            esc(l.town.as_str()),
            esc(l.village.as_str()),
            esc(l.sequence.as_str()),
            l.base_score,
            l.bonus,
            l.deduction,
            l.total,
            l.rank,
            l.group_size,
            l.quota,
            grade_cell(l.grade),
            l.standard,
            l.base_paid,
            l.performance_standard,
            l.adjustment,
            l.performance_paid,
            l.total_paid,
            esc(&zh::flags(l.flags)),
        );
    }
    h.push_str(
        "</table></div>\n</section>\n<footer>金额单位：元。由 kaohe 生成。</footer>\n</body>\n</html>\n",
    );
    w.write_all(h.as_bytes())?;
    Ok(w.flush()?)
}
