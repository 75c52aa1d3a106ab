//! Charts for the html pages, as SVG inline in the page (HTML5 needs no namespace, so the page
//! names no address at all): no script, no outside asset, so a page
//! opens offline and prints as it shows (the page's CSS, `html::CSS`, sizes them for
//! A4).
//!
//! Four small charts, each a function of plain rows so that any page can draw one: a strip of
//! totals per town with lines at the policy's thresholds ([`strip_chart`]), one bar per row
//! (a cadre's total per quarter) against the same lines ([`score_chart`]), the quota use per
//! group ([`quota_chart`]), and money per row (a town, a year), stacked base, performance and
//! adjustment, then any payments of their own such as awards ([`money_chart`]). Each chart is an `<svg class="chart" id=…>` with a `<title>`, an
//! `aria-label` and data labels that print the exact values (formatted from the domain's
//! decimals, never recomputed): every labelled element carries `data-key` (what it is about)
//! and the text the reader sees. Coordinates are integer arithmetic on hundredths (the
//! workspace forbids float arithmetic); only where things are drawn is rounded, never a
//! figure.

use std::fmt::Write as _;

use kaohe_domain::{Money, Points};

use super::html::esc;

/// Width of every chart (user units; the page scales it to its column).
const WIDTH: i64 = 720;
/// Left margin: the row labels.
const LEFT: i64 = 110;
/// Right margin: the row's figures.
const RIGHT: i64 = 210;
/// Width of the plot between the margins.
const PLOT: i64 = WIDTH - LEFT - RIGHT;
/// Height of one label line.
const LINE: i64 = 16;

/// One value on a strip: a cadre's total, say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dot {
    /// What the value is of (a cadre id): `data-key`.
    pub key: String,
    /// The tooltip beside the key (a name).
    pub label: String,
    /// The value.
    pub value: Points,
    /// A CSS class for its colour (`g-excellent`, …), or empty.
    pub class: &'static str,
}

/// One row of a strip chart: a town and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strip {
    /// The row's key (a town code): `data-key` of its figures.
    pub key: String,
    /// The row's label.
    pub label: String,
    /// Its values, in any order.
    pub dots: Vec<Dot>,
}

/// A vertical line across a strip chart at a value (a threshold of the policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Where.
    pub at: Points,
    /// Its label (`合格 60.00`).
    pub label: String,
}

/// One bar of a score chart: a quarter's total of one cadre, say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreBar {
    /// The row's key (a quarter): `data-key` of its figures.
    pub key: String,
    /// The row's label.
    pub label: String,
    /// The value, drawn from 0.
    pub value: Points,
    /// A CSS class for its colour (`g-excellent`, …), or empty.
    pub class: &'static str,
    /// Figures shown after the value, each `(data-part, text)` (the grade, the rank).
    pub notes: Vec<(&'static str, String)>,
}

/// One bar of the quota chart: a quota group (Art.10) or a commendation group (Art.13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaBar {
    /// The group's key (`2026Q3/T01/正职`): `data-key` of its figures.
    pub key: String,
    /// The group's label.
    pub label: String,
    /// Members of the group.
    pub size: u32,
    /// Its quota.
    pub quota: u32,
    /// How much of the quota was used.
    pub used: u32,
}

/// One bar of the money chart: a town's sums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyBar {
    /// The town's key (its code): `data-key` of its figures.
    pub key: String,
    /// The town's label.
    pub label: String,
    /// Σ base paid.
    pub base: Money,
    /// Σ performance standard.
    pub performance: Money,
    /// Σ adjustment (signed).
    pub adjustment: Money,
    /// Payments of their own stacked after the adjustment (awards, condolences); empty on
    /// the report.
    pub extras: Vec<Extra>,
    /// Σ total paid (base + performance + adjustment + the extras).
    pub total: Money,
}

/// A payment of its own on a money bar, after the settlement's three parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    /// Its `data-part` and CSS class (`award`, `condolence`).
    pub part: &'static str,
    /// Its name in the legend and under the bar (`奖励`).
    pub name: &'static str,
    /// The sum (signed: a withdrawal in a later year makes it negative).
    pub amount: Money,
}

/// Room for a figure of digits and a space after it, at the charts' 12px.
fn advance(figure: &str) -> i64 {
    7 * i64::try_from(figure.len()).unwrap_or(0) + 6
}

/// `v` scaled from `0..=max` to `0..=PLOT` (0 when `max` is not positive).
fn scale(v: i64, max: i64) -> i64 {
    if max <= 0 {
        0
    } else {
        v.clamp(0, max) * PLOT / max
    }
}

/// The opening of a chart: the `<svg>` with its size, title and description.
fn open(h: &mut String, id: &str, title: &str, height: i64) {
    let _ = writeln!(
        h,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
         aria-label=\"{t}\"><title>{t}</title>",
        id = esc(id),
        t = esc(title),
    );
}

/// A text label; `key` and `part` (when not empty) become `data-key` and `data-part`.
#[allow(clippy::too_many_arguments)]
fn text(h: &mut String, x: i64, y: i64, anchor: &str, class: &str, key: &str, part: &str, s: &str) {
    let _ = write!(
        h,
        "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\" class=\"{class}\""
    );
    if !key.is_empty() {
        let _ = write!(h, " data-key=\"{}\"", esc(key));
    }
    if !part.is_empty() {
        let _ = write!(h, " data-part=\"{part}\"");
    }
    let _ = writeln!(h, ">{}</text>", esc(s));
}

/// The axis of a chart of points, in hundredths: from 0 (or the lowest value, down to a whole
/// ten) to 100 (or the highest, up to a whole ten).
fn span(values: impl Iterator<Item = Points> + Clone) -> (i64, i64) {
    let values = values.map(|v| v.hundredths());
    let lo = values.clone().min().unwrap_or(0).min(0).div_euclid(1000) * 1000;
    let hi = (values.max().unwrap_or(0).max(10_000) + 999).div_euclid(1000) * 1000;
    (lo, hi)
}

/// The axis of a chart of points over `lo..=hi` (hundredths) with a tick and label every 10
/// points, and the rules (thresholds) from `top` down to the axis at `bottom`.
fn grid(h: &mut String, (lo, hi): (i64, i64), (top, bottom): (i64, i64), rules: &[Rule]) {
    let x = |v: i64| LEFT + scale(v - lo, hi - lo);
    let _ = writeln!(
        h,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\"/>",
        LEFT + PLOT
    );
    let mut tick = lo;
    while tick <= hi {
        let tx = x(tick);
        let _ = writeln!(
            h,
            "<line class=\"tick\" x1=\"{tx}\" y1=\"{top}\" x2=\"{tx}\" y2=\"{}\"/>",
            bottom + 4
        );
        let label = (tick / 100).to_string();
        text(h, tx, bottom + LINE, "middle", "axis", "", "", &label);
        tick += 1000;
    }
    for r in rules {
        let rx = x(r.at.hundredths());
        let _ = writeln!(
            h,
            "<line class=\"rule\" x1=\"{rx}\" y1=\"{}\" x2=\"{rx}\" y2=\"{bottom}\"/>",
            top - 4
        );
        let key = r.at.to_string();
        text(h, rx, top - 8, "middle", "rule", &key, "rule", &r.label);
    }
}

/// A strip of values per row with vertical rules: each value a dot at its place, dots that
/// fall in the same column stacked, so the strip reads as a histogram. The axis runs from 0
/// (or the lowest value) to 100 (or the highest), in steps of 10. Each row's figures: the
/// count, the lowest and the highest value (`data-part` `count`, `min`, `max`); each dot has
/// `data-key` and `data-value`.
pub fn strip_chart(id: &str, title: &str, rows: &[Strip], rules: &[Rule]) -> String {
    /// Diameter of a dot and width of a column.
    const DOT: i64 = 6;
    let (lo, hi) = span(rows.iter().flat_map(|r| &r.dots).map(|d| d.value));
    let x = |v: i64| LEFT + scale(v - lo, hi - lo);

    // Every row's columns, stacked.
    let mut heights = Vec::with_capacity(rows.len());
    let mut placed: Vec<Vec<(i64, i64, &Dot)>> = Vec::with_capacity(rows.len());
    for r in rows {
        let mut dots: Vec<&Dot> = r.dots.iter().collect();
        dots.sort_by(|a, b| a.value.cmp(&b.value).then_with(|| a.key.cmp(&b.key)));
        let mut stack: std::collections::BTreeMap<i64, i64> = Default::default();
        let mut row = Vec::with_capacity(dots.len());
        for d in dots {
            let cx = x(d.value.hundredths());
            let level = stack.entry((cx - LEFT) / DOT).or_insert(0);
            row.push((cx, *level, d));
            *level += 1;
        }
        let tallest = stack.values().copied().max().unwrap_or(0);
        heights.push((tallest * DOT + 14).max(3 * LINE));
        placed.push(row);
    }
    let top = 2 * LINE;
    let height = top + heights.iter().sum::<i64>() + 2 * LINE;

    let mut h = String::with_capacity(1024 + rows.len() * 256 + placed.len() * 4096);
    open(&mut h, id, title, height);
    let bottom = height - 2 * LINE;
    grid(&mut h, (lo, hi), (top, bottom), rules);
    // The rows.
    let mut y = top;
    for ((r, row), rh) in rows.iter().zip(&placed).zip(&heights) {
        let base = y + rh - 6;
        let _ = writeln!(
            h,
            "<line class=\"base\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>",
            LEFT + PLOT
        );
        text(&mut h, LEFT - 8, base - 4, "end", "label", "", "", &r.label);
        for (cx, level, d) in row {
            let cy = base - DOT / 2 - level * DOT;
            let _ = writeln!(
                h,
                "<circle class=\"dot {class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"2.6\" data-key=\"{key}\" \
                 data-value=\"{v}\"><title>{key} {label} {v}</title></circle>",
                class = d.class,
                key = esc(&d.key),
                label = esc(&d.label),
                v = d.value,
            );
        }
        let count = row.len().to_string();
        let fx = LEFT + PLOT + 12;
        text(
            &mut h,
            fx,
            base - 4 - LINE,
            "start",
            "v",
            &r.key,
            "count",
            &count,
        );
        text(
            &mut h,
            fx + advance(&count),
            base - 4 - LINE,
            "start",
            "unit",
            "",
            "",
            "人",
        );
        if let (Some(min), Some(max)) = (row.first(), row.last()) {
            let min = min.2.value.to_string();
            text(&mut h, fx, base - 4, "start", "v", &r.key, "min", &min);
            let dash = fx + advance(&min);
            text(&mut h, dash, base - 4, "start", "unit", "", "", "–");
            let max = max.2.value.to_string();
            text(
                &mut h,
                dash + 14,
                base - 4,
                "start",
                "v",
                &r.key,
                "max",
                &max,
            );
        }
        y += rh;
    }
    h.push_str("</svg>\n");
    h
}

/// One horizontal bar per row from 0 to its value, on the strip chart's axis and with its
/// rules (the Art.10 thresholds): a cadre's total per quarter. Each row's figures after the
/// plot: the value (`data-part` `value`), then its notes (`data-part` as given).
pub fn score_chart(id: &str, title: &str, bars: &[ScoreBar], rules: &[Rule]) -> String {
    const ROW: i64 = 24;
    let (lo, hi) = span(bars.iter().map(|b| b.value));
    let x = |v: i64| LEFT + scale(v - lo, hi - lo);
    let top = 2 * LINE;
    let bottom = top + ROW * i64::try_from(bars.len()).unwrap_or(0) + 4;
    let height = bottom + 2 * LINE;
    let mut h = String::with_capacity(1024 + bars.len() * 512);
    open(&mut h, id, title, height);
    grid(&mut h, (lo, hi), (top, bottom), rules);
    let mut y = top + 4;
    for b in bars {
        let v = b.value.hundredths();
        let (from, to) = (x(v.min(0)), x(v.max(0)));
        text(&mut h, LEFT - 8, y + 13, "end", "label", "", "", &b.label);
        let _ = writeln!(
            h,
            "<rect class=\"bar {class}\" x=\"{from}\" y=\"{y}\" width=\"{w}\" height=\"16\" \
             data-key=\"{key}\" data-value=\"{value}\"/>",
            class = b.class,
            w = (to - from).max(1),
            key = esc(&b.key),
            value = b.value,
        );
        let mut fx = LEFT + PLOT + 12;
        let value = b.value.to_string();
        text(&mut h, fx, y + 13, "start", "v", &b.key, "value", &value);
        fx += advance(&value);
        for (part, note) in &b.notes {
            text(&mut h, fx, y + 13, "start", "unit", &b.key, part, note);
            fx += 6 + note
                .chars()
                .map(|c| if c.is_ascii() { 7 } else { 12 })
                .sum::<i64>();
        }
        y += ROW;
    }
    h.push_str("</svg>\n");
    h
}

/// Bars of quota use: per group, a light track for its size, a mid bar for its quota and a
/// dark bar for what was used. Each group's figures: `used`, `quota` and `size`
/// (`data-part`).
pub fn quota_chart(id: &str, title: &str, bars: &[QuotaBar], used_label: &str) -> String {
    const ROW: i64 = 22;
    let max = bars.iter().map(|b| i64::from(b.size)).max().unwrap_or(0);
    let top = LINE;
    let height = top + ROW * i64::try_from(bars.len()).unwrap_or(0) + LINE;
    let mut h = String::with_capacity(512 + bars.len() * 640);
    open(&mut h, id, title, height);
    let mut y = top;
    for b in bars {
        let w = |n: u32| scale(i64::from(n), max).max(i64::from(n > 0));
        text(&mut h, LEFT - 8, y + 14, "end", "label", "", "", &b.label);
        let _ = writeln!(
            h,
            "<rect class=\"track\" x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"14\"/>\
             <rect class=\"quota\" x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"14\"/>\
             <rect class=\"used\" x=\"{LEFT}\" y=\"{}\" width=\"{}\" height=\"8\"/>",
            y + 3,
            w(b.size),
            y + 3,
            w(b.quota),
            y + 6,
            w(b.used),
        );
        let fx = LEFT + PLOT + 12;
        text(&mut h, fx, y + 14, "start", "unit", "", "", used_label);
        text(
            &mut h,
            fx + 30,
            y + 14,
            "start",
            "v",
            &b.key,
            "used",
            &b.used.to_string(),
        );
        text(&mut h, fx + 52, y + 14, "start", "unit", "", "", "/ 名额");
        text(
            &mut h,
            fx + 96,
            y + 14,
            "start",
            "v",
            &b.key,
            "quota",
            &b.quota.to_string(),
        );
        text(&mut h, fx + 118, y + 14, "start", "unit", "", "", "/ 人数");
        text(
            &mut h,
            fx + 162,
            y + 14,
            "start",
            "v",
            &b.key,
            "size",
            &b.size.to_string(),
        );
        y += ROW;
    }
    h.push_str("</svg>\n");
    h
}

/// Money per row (a town, a year): a bar of base, then performance standard, then the
/// adjustment, then each extra — a positive part extends the bar, a negative one is hatched
/// back over its end, so the bar ends at the total paid. Each row's figures under its bar:
/// `base`, `performance`, `adjustment`, each extra's part and `total` (`data-part`, yuan with
/// two decimals). The legend names the extras that any row has.
pub fn money_chart(id: &str, title: &str, bars: &[MoneyBar]) -> String {
    const ROW: i64 = 44;
    // The parts of a bar in drawing order: (data-part, class, name, amount).
    let parts = |b: &MoneyBar| {
        let mut p = vec![
            ("base", "base", "基础", b.base),
            ("performance", "perf", "绩效标准", b.performance),
            ("adjustment", "adj", "调整", b.adjustment),
        ];
        p.extend(b.extras.iter().map(|e| (e.part, e.part, e.name, e.amount)));
        p
    };
    // How far right a bar reaches: the highest running sum of its parts.
    let reach = |b: &MoneyBar| {
        parts(b)
            .iter()
            .scan(0_i64, |at, p| {
                *at += p.3.hundredths();
                Some(*at)
            })
            .max()
            .unwrap_or(0)
    };
    let max = bars.iter().map(reach).max().unwrap_or(0);
    let top = 2 * LINE;
    let height = top + ROW * i64::try_from(bars.len()).unwrap_or(0) + 8;
    let mut h = String::with_capacity(1024 + bars.len() * 1024);
    open(&mut h, id, title, height);
    legend(&mut h, bars);
    let mut y = top;
    for b in bars {
        text(&mut h, LEFT - 8, y + 14, "end", "label", "", "", &b.label);
        let mut at = 0_i64;
        for (_, class, _, amount) in parts(b) {
            let v = amount.hundredths();
            let (from, to) = (LEFT + scale(at, max), LEFT + scale(at + v, max));
            at += v;
            let (from, to, class) = match (class, v.signum()) {
                (_, 0) => continue,
                ("adj", 1) => (from, to, "adj-plus".to_owned()),
                ("adj", _) => (to, from, "adj-minus".to_owned()),
                (c, 1) => (from, to, c.to_owned()),
                (c, _) => (to, from, format!("{c} minus")),
            };
            let _ = writeln!(
                h,
                "<rect class=\"{class}\" x=\"{from}\" y=\"{y}\" width=\"{}\" height=\"18\"/>",
                (to - from).max(1)
            );
        }
        let ty = y + 18 + 14;
        let mut fx = LEFT;
        let total = [("total", "", "实发", b.total)];
        for (part, _, name, value) in parts(b).into_iter().chain(total) {
            let value = value.to_string();
            text(&mut h, fx, ty, "start", "unit", "", "", name);
            let nx = fx + 14 * i64::try_from(name.chars().count()).unwrap_or(0) + 4;
            text(&mut h, nx, ty, "start", "v", &b.key, part, &value);
            fx = nx + 8 * i64::try_from(value.len()).unwrap_or(0) + 18;
        }
        y += ROW;
    }
    h.push_str("</svg>\n");
    h
}

/// The money chart's legend: the settlement's parts, then every extra some bar has.
fn legend(h: &mut String, bars: &[MoneyBar]) {
    let mut entries = vec![
        ("base", "基础补贴"),
        ("perf", "绩效补贴标准"),
        ("adj-plus", "上浮"),
        ("adj-minus", "扣减"),
    ];
    for e in bars.iter().flat_map(|b| &b.extras) {
        if !entries.contains(&(e.part, e.name)) {
            entries.push((e.part, e.name));
        }
    }
    let mut lx = LEFT;
    for (class, name) in entries {
        let _ = writeln!(
            h,
            "<rect class=\"{class}\" x=\"{lx}\" y=\"6\" width=\"14\" height=\"12\"/>"
        );
        text(h, lx + 18, 16, "start", "unit", "", "", name);
        lx += 30 + 14 * i64::try_from(name.chars().count()).unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Points {
        Points::parse(s).expect("points")
    }

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn strip_places_and_labels_every_value_exactly() {
        let dot = |key: &str, v: &str| Dot {
            key: key.into(),
            label: "<名>".into(),
            value: p(v),
            class: "",
        };
        let rows = [Strip {
            key: "T01".into(),
            label: "T01 镇".into(),
            dots: vec![dot("b", "90.00"), dot("a", "59.99"), dot("c", "90.01")],
        }];
        let rules = [
            Rule {
                at: p("60"),
                label: "合格 60.00".into(),
            },
            Rule {
                at: p("90"),
                label: "优秀 90.00".into(),
            },
        ];
        let svg = strip_chart("c1", "总分 & 分布", &rows, &rules);
        assert!(svg.starts_with("<svg class=\"chart\" id=\"c1\""), "{svg}");
        assert!(svg.contains("<title>总分 &amp; 分布</title>"), "{svg}");
        assert!(svg.contains("aria-label=\"总分 &amp; 分布\""), "{svg}");
        assert!(!svg.contains("<名>"), "labels are escaped: {svg}");
        assert!(
            svg.contains("data-key=\"T01\" data-part=\"count\">3<"),
            "{svg}"
        );
        assert!(
            svg.contains("data-key=\"T01\" data-part=\"min\">59.99<"),
            "{svg}"
        );
        assert!(
            svg.contains("data-key=\"T01\" data-part=\"max\">90.01<"),
            "{svg}"
        );
        // Axis 0..100 over 400 units from x = 110: 60 at 350, 90 at 470.
        assert!(svg.contains("<line class=\"rule\" x1=\"350\""), "{svg}");
        assert!(svg.contains("<line class=\"rule\" x1=\"470\""), "{svg}");
        // 90.00 and 90.01 fall in the same column: the second is stacked above the first.
        let cy = |key: &str| {
            let at = svg
                .find(&format!("data-key=\"{key}\" data-value"))
                .expect("dot");
            let start = svg[..at].rfind("cy=\"").expect("cy") + 4;
            svg[start..]
                .split('"')
                .next()
                .and_then(|s| s.parse::<i64>().ok())
                .expect("cy")
        };
        assert_eq!(cy("b") - cy("c"), 6, "{svg}");
        assert_eq!(cy("a"), cy("b"), "{svg}");
        assert!(!svg.contains("script"));
    }

    #[test]
    fn strip_axis_widens_for_values_out_of_0_to_100() {
        let rows = [Strip {
            key: "T".into(),
            label: "T".into(),
            dots: vec![
                Dot {
                    key: "x".into(),
                    label: String::new(),
                    value: p("-3.5"),
                    class: "",
                },
                Dot {
                    key: "y".into(),
                    label: String::new(),
                    value: p("104"),
                    class: "",
                },
            ],
        }];
        let svg = strip_chart("c", "t", &rows, &[]);
        // -10..110 in steps of 10: 13 ticks, the first labelled -10, the last 110.
        assert_eq!(svg.matches("<line class=\"tick\"").count(), 13, "{svg}");
        assert!(
            svg.contains(">-10</text>") && svg.contains(">110</text>"),
            "{svg}"
        );
        assert!(svg.contains("data-part=\"min\">-3.50<"), "{svg}");
    }

    #[test]
    fn quota_bars_show_used_quota_and_size() {
        let bars = [QuotaBar {
            key: "2026Q3/T01/正职".into(),
            label: "T01 正职".into(),
            size: 10,
            quota: 2,
            used: 1,
        }];
        let svg = quota_chart("q", "名额", &bars, "优秀");
        assert!(
            svg.contains("data-key=\"2026Q3/T01/正职\" data-part=\"used\">1<"),
            "{svg}"
        );
        assert!(svg.contains("data-part=\"quota\">2<"), "{svg}");
        assert!(svg.contains("data-part=\"size\">10<"), "{svg}");
        // Size 10 is the whole plot (400), the quota a fifth of it, the used half the quota.
        assert!(
            svg.contains("class=\"track\" x=\"110\" y=\"19\" width=\"400\""),
            "{svg}"
        );
        assert!(
            svg.contains("class=\"quota\" x=\"110\" y=\"19\" width=\"80\""),
            "{svg}"
        );
        assert!(
            svg.contains("class=\"used\" x=\"110\" y=\"22\" width=\"40\""),
            "{svg}"
        );
    }

    #[test]
    fn money_bars_stack_and_end_at_the_total() {
        let bars = [
            MoneyBar {
                key: "A".into(),
                label: "A".into(),
                base: m("600"),
                performance: m("400"),
                adjustment: m("-200"),
                extras: Vec::new(),
                total: m("800"),
            },
            MoneyBar {
                key: "B".into(),
                label: "B".into(),
                base: m("300"),
                performance: m("200"),
                adjustment: m("0.01"),
                extras: Vec::new(),
                total: m("500.01"),
            },
        ];
        let svg = money_chart("m", "金额", &bars);
        for (part, v) in [
            ("base", "600.00"),
            ("performance", "400.00"),
            ("adjustment", "-200.00"),
            ("total", "800.00"),
        ] {
            assert!(
                svg.contains(&format!("data-key=\"A\" data-part=\"{part}\">{v}<")),
                "{part}: {svg}"
            );
        }
        assert!(
            svg.contains("data-key=\"B\" data-part=\"adjustment\">0.01<"),
            "{svg}"
        );
        // A reaches 1000 (the widest): base 240 units, performance 160, the cut hatched from
        // 800 (x = 430) back to 1000 (x = 510).
        assert!(
            svg.contains("class=\"base\" x=\"110\" y=\"32\" width=\"240\""),
            "{svg}"
        );
        assert!(
            svg.contains("class=\"perf\" x=\"350\" y=\"32\" width=\"160\""),
            "{svg}"
        );
        assert!(
            svg.contains("class=\"adj-minus\" x=\"430\" y=\"32\" width=\"80\""),
            "{svg}"
        );
        // B's one fen still shows (at least one unit wide).
        assert!(
            svg.contains("class=\"adj-plus\" x=\"310\" y=\"76\" width=\"1\""),
            "{svg}"
        );
    }

    #[test]
    fn score_bars_run_from_zero_with_their_figures() {
        let bar = |key: &str, v: &str, class| ScoreBar {
            key: key.into(),
            label: key.into(),
            value: p(v),
            class,
            notes: vec![("grade", "合格".into()), ("rank", "3/12".into())],
        };
        let bars = [
            bar("2026Q2", "75.00", "g-qualified"),
            bar("2026Q3", "-5", ""),
        ];
        let rules = [Rule {
            at: p("60"),
            label: "合格 60.00".into(),
        }];
        let svg = score_chart("s", "总分", &bars, &rules);
        // Axis -10..100 over 400 units from x = 110: 0 at 146, 75 at 419, -5 at 128.
        assert!(
            svg.contains("class=\"bar g-qualified\" x=\"146\" y=\"36\" width=\"273\""),
            "{svg}"
        );
        assert!(
            svg.contains("class=\"bar \" x=\"128\" y=\"60\" width=\"18\""),
            "{svg}"
        );
        assert!(svg.contains("data-key=\"2026Q2\" data-part=\"value\">75.00<"));
        assert!(svg.contains("data-key=\"2026Q3\" data-part=\"value\">-5.00<"));
        assert!(svg.contains("data-key=\"2026Q2\" data-part=\"rank\">3/12<"));
        assert!(svg.contains("data-key=\"60.00\" data-part=\"rule\">合格 60.00<"));
        assert_eq!(svg.matches("<line class=\"tick\"").count(), 12, "{svg}");
    }

    #[test]
    fn money_extras_stack_after_the_adjustment_and_join_the_legend() {
        let bar = MoneyBar {
            key: "2026".into(),
            label: "2026 年".into(),
            base: m("100"),
            performance: m("300"),
            adjustment: m("0"),
            extras: vec![
                Extra {
                    part: "award",
                    name: "奖励",
                    amount: m("600"),
                },
                Extra {
                    part: "condolence",
                    name: "抚恤",
                    amount: m("-200"),
                },
            ],
            total: m("800"),
        };
        let svg = money_chart("m", "金额", &[bar]);
        // Reach 1000: base 40 units, performance 120, the award 240, the condolence's
        // withdrawal hatched back 80 from x = 510; no rectangle for a zero adjustment.
        assert!(svg.contains("class=\"base\" x=\"110\" y=\"32\" width=\"40\""));
        assert!(svg.contains("class=\"perf\" x=\"150\" y=\"32\" width=\"120\""));
        assert!(svg.contains("class=\"award\" x=\"270\" y=\"32\" width=\"240\""));
        assert!(
            svg.contains("class=\"condolence minus\" x=\"430\" y=\"32\" width=\"80\""),
            "{svg}"
        );
        assert!(!svg.contains("class=\"adj-plus\" x=\"270\""), "{svg}");
        for (part, v) in [
            ("adjustment", "0.00"),
            ("award", "600.00"),
            ("condolence", "-200.00"),
            ("total", "800.00"),
        ] {
            assert!(
                svg.contains(&format!("data-key=\"2026\" data-part=\"{part}\">{v}<")),
                "{part}: {svg}"
            );
        }
        assert_eq!(
            svg.matches(">奖励</text>").count(),
            2,
            "legend and figure: {svg}"
        );
    }
}
