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
    /// Every eligible cadre, by group (town, sequence) then rank.
    pub cadres: Vec<CommendRow>,
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

/// Writes the list as csv ([`COMMEND_COLUMNS`]): means and totals with two decimals, `qN`
/// empty for a quarter not used, `candidate` `true` or `false`.
pub fn write_commend_csv(w: impl Write, list: &CommendList) -> Result<(), WriteError> {
    let mut out = csv::Writer::from_writer(w);
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

/// The headline of the list for people.
fn headline(list: &CommendList) -> String {
    let quarters: Vec<String> = list.quarters.iter().map(Quarter::to_string).collect();
    let mut h = format!(
        "{} 年度优秀村干部表彰推荐名单（第十三条）：依据 {}，每组推荐不超过 {}%",
        list.year,
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
    let mut heads: Vec<&str> = HEADINGS.to_vec();
    heads.push("推荐");
    let rows: Vec<Vec<String>> = list
        .cadres
        .iter()
        .map(|r| {
            let mut c = cells(r);
            c.push(if r.candidate { "推荐" } else { "" }.to_owned());
            c
        })
        .collect();
    super::table::render_left(&mut w, &heads, &rows)?;
    Ok(w.flush()?)
}

/// Writes the list as one html page (no script, nothing outside the file): candidates first,
/// then every eligible cadre by group and rank.
pub fn write_commend_html(mut w: impl Write, list: &CommendList) -> Result<(), WriteError> {
    let esc = super::html::esc;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{y} 年度表彰推荐名单</title>\n<style>{css}</style>\n</head>\n<body>\n\
         <h1>{y} 年度优秀村干部表彰推荐名单</h1>\n<p class=\"meta\">{head}</p>\n",
        y = list.year,
        css = super::html::CSS,
        head = esc(&headline(list)),
    );
    for (title, only) in [("一、推荐名单", true), ("二、全部参评人员", false)] {
        let _ = write!(h, "<h2>{title}</h2>\n<table>\n<tr>");
        for c in HEADINGS {
            let _ = write!(h, "<th>{c}</th>");
        }
        h.push_str("<th>推荐</th></tr>\n");
        for r in list.cadres.iter().filter(|r| !only || r.candidate) {
            h.push_str("<tr>");
            for c in cells(r) {
                let _ = write!(h, "<td>{}</td>", esc(&c));
            }
            let _ = writeln!(h, "<td>{}</td></tr>", if r.candidate { "推荐" } else { "" });
        }
        h.push_str("</table>\n");
    }
    h.push_str("<footer>由 kaohe 生成。</footer>\n</body>\n</html>\n");
    w.write_all(h.as_bytes())?;
    Ok(w.flush()?)
}
