//! The yearly commendation list (Art.13, 表彰推荐名单): csv for scripts, a terminal table and
//! an html page in Chinese, ready to print.

use std::fmt::Write as _;
use std::io::Write;

use kaohe_domain::{CadreId, Points, Quarter};

use crate::error::WriteError;

/// One cadre of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommendRow {
    /// Town in the last quarter used.
    pub town: String,
    /// Sequence in the last quarter used.
    pub sequence: String,
    /// Place in the group, from 1.
    pub rank: u32,
    /// Eligible cadres in the group.
    pub group_size: u32,
    /// `floor(group_size × commendation_ratio)`.
    pub quota: u32,
    /// The cadre.
    pub cadre_id: CadreId,
    /// The name in the last quarter used.
    pub name: String,
    /// The village in the last quarter used.
    pub village: String,
    /// The mean of the quarterly totals, rounded half away from zero to 0.01.
    pub mean: Points,
    /// The total of each quarter of the year, `None` for a quarter not used.
    pub totals: [Option<Points>; 4],
    /// Recommended for commendation.
    pub candidate: bool,
}

/// One village of the list of village party organisations (先进基层党组织, `--villages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageRow {
    /// Town in the last quarter used.
    pub town: String,
    /// Place in the town, from 1.
    pub rank: u32,
    /// Villages ranked in the town.
    pub group_size: u32,
    /// `floor(group_size × commendation_ratio)`.
    pub quota: u32,
    /// The village code.
    pub village: String,
    /// The mean of the quarterly village scores, rounded half away from zero to 0.01.
    pub mean: Points,
    /// The village score of each quarter of the year, `None` for a quarter not used.
    pub scores: [Option<Points>; 4],
    /// Recommended for commendation.
    pub candidate: bool,
}

/// The commendation list of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommendList {
    /// The year.
    pub year: u16,
    /// The quarters used (settled), ascending.
    pub quarters: Vec<Quarter>,
    /// Whether some quarter of the year is not settled yet (a preview).
    pub preview: bool,
    /// Art.13's share of a group that may be recommended, as the policy sets it.
    pub ratio: kaohe_domain::Decimal,
    /// Art.13: the mean a cadre must reach (the policy's excellent_min_score), drawn as a line
    /// over the distribution of means.
    pub excellent_min_score: Points,
    /// The policy's qualified_min_score (Art.10), drawn beside it.
    pub qualified_min_score: Points,
    /// Every eligible cadre, by group (town, sequence) then rank.
    pub cadres: Vec<CommendRow>,
    /// With `--villages`: every village scored in every quarter used, by town then rank.
    pub villages: Option<Vec<VillageRow>>,
}

/// Columns of `kaohe commend --format csv`.
pub const COMMEND_COLUMNS: [&str; 15] = [
    "year",
    "town",
    "sequence",
    "rank",
    "group_size",
    "quota",
    "cadre_id",
    "name",
    "village",
    "mean",
    "q1",
    "q2",
    "q3",
    "q4",
    "candidate",
];

fn points(p: Option<Points>) -> String {
    p.map_or(String::new(), |p| p.to_string())
}

/// Columns of `kaohe commend --villages --format csv`.
pub const COMMEND_VILLAGE_COLUMNS: [&str; 12] = [
    "year",
    "town",
    "rank",
    "group_size",
    "quota",
    "village",
    "mean",
    "q1",
    "q2",
    "q3",
    "q4",
    "candidate",
];

/// Writes the list as csv ([`COMMEND_COLUMNS`], or [`COMMEND_VILLAGE_COLUMNS`] for the
/// villages' list): means and totals with two decimals, `qN` empty for a quarter not used,
/// `candidate` `true` or `false`.
pub fn write_commend_csv(w: impl Write, list: &CommendList) -> Result<(), WriteError> {
    let mut out = csv::Writer::from_writer(w);
    if let Some(villages) = &list.villages {
        out.write_record(COMMEND_VILLAGE_COLUMNS)?;
        for v in villages {
            let [q1, q2, q3, q4] = v.scores.map(points);
            out.write_record([
                list.year.to_string(),
                v.town.clone(),
                v.rank.to_string(),
                v.group_size.to_string(),
                v.quota.to_string(),
                v.village.clone(),
                v.mean.to_string(),
                q1,
                q2,
                q3,
                q4,
                v.candidate.to_string(),
            ])?;
        }
        out.flush()?;
        return Ok(());
    }
    out.write_record(COMMEND_COLUMNS)?;
    for r in &list.cadres {
        let [q1, q2, q3, q4] = r.totals.map(points);
        out.write_record([
            list.year.to_string(),
            r.town.clone(),
            r.sequence.clone(),
            r.rank.to_string(),
            r.group_size.to_string(),
            r.quota.to_string(),
            r.cadre_id.to_string(),
            r.name.clone(),
            r.village.clone(),
            r.mean.to_string(),
            q1,
            q2,
            q3,
            q4,
            r.candidate.to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// Whom the list commends.
fn who(list: &CommendList) -> &'static str {
    if list.villages.is_some() {
        "先进基层党组织（村）"
    } else {
        "优秀村干部"
    }
}

/// The headline of the list for people.
fn headline(list: &CommendList) -> String {
    let quarters: Vec<String> = list.quarters.iter().map(Quarter::to_string).collect();
    let mut h = format!(
        "{} 年度{}表彰推荐名单（第十三条）：依据 {}，每组推荐不超过 {}%",
        list.year,
        who(list),
        quarters.join("、"),
        (list.ratio * kaohe_domain::Decimal::ONE_HUNDRED).normalize()
    );
    if list.preview {
        h.push_str("。预览：本年尚有季度未结算，名单可能变化");
    }
    h
}

const HEADINGS: [&str; 13] = [
    "镇",
    "序列",
    "名次",
    "人数",
    "名额",
    "编号",
    "姓名",
    "村",
    "平均分",
    "一季度",
    "二季度",
    "三季度",
    "四季度",
];

const VILLAGE_HEADINGS: [&str; 10] = [
    "镇",
    "名次",
    "村数",
    "名额",
    "村",
    "平均分",
    "一季度",
    "二季度",
    "三季度",
    "四季度",
];

fn village_cells(v: &VillageRow) -> Vec<String> {
    let mut c = vec![
        v.town.clone(),
        v.rank.to_string(),
        v.group_size.to_string(),
        v.quota.to_string(),
        v.village.clone(),
        v.mean.to_string(),
    ];
    c.extend(v.scores.map(points));
    c
}

/// The headings and rows a table or page shows: the villages' list with `--villages`,
/// otherwise the cadres'; the last column marks the candidates.
fn table_of(list: &CommendList) -> (Vec<&'static str>, Vec<(Vec<String>, bool)>) {
    let (mut heads, rows): (Vec<&str>, Vec<(Vec<String>, bool)>) = match &list.villages {
        Some(vs) => (
            VILLAGE_HEADINGS.to_vec(),
            vs.iter().map(|v| (village_cells(v), v.candidate)).collect(),
        ),
        None => (
            HEADINGS.to_vec(),
            list.cadres
                .iter()
                .map(|r| (cells(r), r.candidate))
                .collect(),
        ),
    };
    heads.push("推荐");
    (heads, rows)
}

fn cells(r: &CommendRow) -> Vec<String> {
    let mut v = vec![
        r.town.clone(),
        r.sequence.clone(),
        r.rank.to_string(),
        r.group_size.to_string(),
        r.quota.to_string(),
        r.cadre_id.to_string(),
        r.name.clone(),
        r.village.clone(),
        r.mean.to_string(),
    ];
    v.extend(r.totals.map(points));
    v
}

/// Writes the list as a terminal table in Chinese; candidates are marked 推荐.
pub fn write_commend_table(mut w: impl Write, list: &CommendList) -> Result<(), WriteError> {
    writeln!(w, "{}", headline(list))?;
    let (heads, rows) = table_of(list);
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(mut c, candidate)| {
            c.push(if candidate { "推荐" } else { "" }.to_owned());
            c
        })
        .collect();
    super::table::render_left(&mut w, &heads, &rows)?;
    Ok(w.flush()?)
}

/// The charts between the two tables: the means per town with the thresholds
/// (`chart-means`), and per group the candidates against the quota (`chart-commend-quota`).
fn charts(h: &mut String, list: &CommendList) {
    use super::svg::{Dot, QuotaBar, Rule, Strip, quota_chart, strip_chart};
    fn town_label(t: &str) -> String {
        if t.is_empty() {
            "全县".to_owned()
        } else {
            format!("{t} 镇")
        }
    }
    fn strip_of(strips: &mut Vec<Strip>, town: &str, dot: Dot) {
        match strips.last_mut() {
            Some(s) if s.key == town => s.dots.push(dot),
            _ => strips.push(Strip {
                key: town.to_owned(),
                label: town_label(town),
                dots: vec![dot],
            }),
        }
    }
    fn bar_of(bars: &mut Vec<QuotaBar>, key: String, label: String, of: (u32, u32, bool)) {
        let (size, quota, candidate) = of;
        match bars.last_mut() {
            Some(b) if b.key == key => b.used += u32::from(candidate),
            _ => bars.push(QuotaBar {
                key,
                label,
                size,
                quota,
                used: u32::from(candidate),
            }),
        }
    }
    let class = |candidate: bool| if candidate { "g-excellent" } else { "" };
    let mut strips: Vec<Strip> = Vec::new();
    let mut bars: Vec<QuotaBar> = Vec::new();
    let rules = match &list.villages {
        Some(villages) => {
            for v in villages {
                let dot = Dot {
                    key: v.village.clone(),
                    label: String::new(),
                    value: v.mean,
                    class: class(v.candidate),
                };
                strip_of(&mut strips, &v.town, dot);
                let of = (v.group_size, v.quota, v.candidate);
                bar_of(&mut bars, v.town.clone(), town_label(&v.town), of);
            }
            // Village scores are not totals on the 100-point scale: no thresholds.
            Vec::new()
        }
        None => {
            for r in &list.cadres {
                let dot = Dot {
                    key: r.cadre_id.as_str().to_owned(),
                    label: r.name.clone(),
                    value: r.mean,
                    class: class(r.candidate),
                };
                strip_of(&mut strips, &r.town, dot);
                let key = format!("{}/{}", r.town, r.sequence);
                let label = format!("{} {}", town_label(&r.town), r.sequence);
                bar_of(&mut bars, key, label, (r.group_size, r.quota, r.candidate));
            }
            vec![
                Rule {
                    at: list.qualified_min_score,
                    label: format!("合格 {}", list.qualified_min_score),
                },
                Rule {
                    at: list.excellent_min_score,
                    label: format!("优秀 {}", list.excellent_min_score),
                },
            ]
        }
    };
    h.push_str(if rules.is_empty() {
        "<h3>平均分分布（按镇）</h3>\n<p class=\"meta\">每点一个参评村，绿为推荐。</p>\n"
    } else {
        "<h3>平均分分布（按镇）</h3>\n<p class=\"meta\">每点一人，绿为推荐；\
         虚线为合格与优秀分数线（第十条、第十三条）。</p>\n"
    });
    h.push_str(&strip_chart(
        "chart-means",
        "各镇年度平均分分布（第十三条）",
        &strips,
        &rules,
    ));
    h.push_str("<h3>推荐名额使用（第十三条）</h3>\n");
    h.push_str(&quota_chart(
        "chart-commend-quota",
        "各组推荐人数与名额（第十三条）",
        &bars,
        "推荐",
    ));
}

/// Writes the list as one html page (no script, nothing outside the file): candidates first,
/// then every eligible cadre (or village) by group and rank.
pub fn write_commend_html(mut w: impl Write, list: &CommendList) -> Result<(), WriteError> {
    let esc = super::html::esc;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{y} 年度表彰推荐名单</title>\n<style>{css}</style>\n</head>\n<body>\n\
         <h1>{y} 年度{who}表彰推荐名单</h1>\n<p class=\"meta\">{head}</p>\n",
        y = list.year,
        who = who(list),
        css = super::html::CSS,
        head = esc(&headline(list)),
    );
    let (heads, rows) = table_of(list);
    let all = if list.villages.is_some() {
        "二、全部参评村"
    } else {
        "二、全部参评人员"
    };
    for (title, only) in [("一、推荐名单", true), (all, false)] {
        if !only {
            charts(&mut h, list);
        }
        let id = if only { "t-candidates" } else { "t-all" };
        let _ = write!(h, "<h2>{title}</h2>\n<table id=\"{id}\">\n<tr>");
        for c in &heads {
            let _ = write!(h, "<th>{c}</th>");
        }
        h.push_str("</tr>\n");
        for (cells, candidate) in rows.iter().filter(|(_, c)| !only || *c) {
            h.push_str("<tr>");
            for c in cells {
                let _ = write!(h, "<td>{}</td>", esc(c));
            }
            let _ = writeln!(h, "<td>{}</td></tr>", if *candidate { "推荐" } else { "" });
        }
        h.push_str("</table>\n");
    }
    h.push_str("<footer>由 kaohe 生成。</footer>\n</body>\n</html>\n");
    w.write_all(h.as_bytes())?;
    Ok(w.flush()?)
}
