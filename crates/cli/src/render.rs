//! Text for people: the settle summary and `explain`, formatted from the application layer's
//! values.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kaohe::queries::{Basis, Explanation, Reason, Separation};
use kaohe_domain::{Flag, Grade, Money, Policy, QuotaScope, Scope, SettlementLine};

/// Art.11: the base already paid monthly and what the settlement pays, shown apart so that
/// nothing is paid twice.
pub fn paid_split(paid: &kaohe_domain::PaidSplit, dry_run: bool) -> String {
    let now = if dry_run {
        "this settlement would pay"
    } else {
        "paid by this settlement"
    };
    format!(
        "money (Art.11): already paid monthly (基础补贴, by payroll) {}; {now} (本次结算发放) {}\n",
        paid.monthly, paid.by_settlement
    )
}

/// What `settle` prints after its headline: cadres, grades per quota group with quota use, and
/// money totals.
pub fn settle_summary(lines: &[SettlementLine], policy: &Policy) -> String {
    let mut out = String::new();
    let count = |g: Grade| lines.iter().filter(|l| l.grade == g).count();
    let _ = writeln!(
        out,
        "cadres assessed: {}  (优秀 excellent {}, 合格 qualified {}, 不合格 unqualified {})",
        lines.len(),
        count(Grade::Excellent),
        count(Grade::Qualified),
        count(Grade::Unqualified)
    );
    // (group label) -> [size, quota, excellent, qualified, unqualified]
    let mut groups: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    for l in lines {
        let key = match policy.quota_scope {
            QuotaScope::Town => format!("镇 {} · {}", l.town, l.sequence),
            QuotaScope::County => format!("全县 · {}", l.sequence),
        };
        let g = groups.entry(key).or_default();
        g[0] = l.group_size as usize;
        g[1] = l.quota as usize;
        g[2 + l.grade as usize] += 1;
    }
    let _ = writeln!(
        out,
        "quota groups (Art.10: at most {}% excellent per sequence, quota = floor(n × {})):",
        (policy.excellent_ratio * kaohe_domain::Decimal::ONE_HUNDRED).normalize(),
        policy.excellent_ratio
    );
    for (key, [n, quota, ex, qu, un]) in &groups {
        let _ = writeln!(
            out,
            "  {key}: {n} cadres, quota {quota}, excellent {ex}/{quota}, qualified {qu}, unqualified {un}"
        );
    }
    let sum = |f: fn(&SettlementLine) -> Money| lines.iter().map(f).sum::<Money>();
    let plus: Money = lines
        .iter()
        .map(|l| l.adjustment)
        .filter(|a| !a.is_negative())
        .sum();
    let minus: Money = lines
        .iter()
        .map(|l| l.adjustment)
        .filter(|a| a.is_negative())
        .sum();
    let _ = writeln!(
        out,
        "money (Art.11): standard {}, base paid {}, performance standard {}, adjustments +{} / {}, total paid {}",
        sum(|l| l.standard),
        sum(|l| l.base_paid),
        sum(|l| l.performance_standard),
        plus,
        minus,
        sum(|l| l.total_paid)
    );
    let flagged = |f: Flag| lines.iter().filter(|l| l.flags.contains(f)).count();
    let _ = writeln!(
        out,
        "flags (Art.11): recommend {}, admonish {}, dismissal_review {}",
        flagged(Flag::Recommend),
        flagged(Flag::Admonish),
        flagged(Flag::DismissalReview)
    );
    for l in lines
        .iter()
        .filter(|l| l.flags.contains(Flag::DismissalReview))
    {
        let _ = writeln!(
            out,
            "  dismissal review (免职审查): {} {} ({} {})",
            l.cadre_id, l.name, l.town, l.village
        );
    }
    out
}

/// A signed number of points as an event gives it: `+2.00`, `-10.00`.
fn signed(p: kaohe_domain::Points) -> String {
    if p.is_negative() {
        p.to_string()
    } else {
        format!("+{p}")
    }
}

/// `kaohe explain`: one cadre through Art.7 → 8 → 9 → 10 → 11 for a clerk, in Chinese, with
/// every number: each formula with its figures, amounts in yuan with two decimals, each step
/// naming its article, and the quarter's supervision records (Art.14) as evidence. The figures
/// are [`kaohe::queries::explain`]'s; this only words them.
pub fn explain(x: &Explanation) -> String {
    let mut o = String::new();
    explain_header(&mut o, x);
    explain_scores(&mut o, x);
    explain_events(&mut o, x);
    explain_supervision(&mut o, x);
    explain_total(&mut o, x);
    explain_grade(&mut o, x);
    explain_money(&mut o, x);
    o
}

fn explain_header(o: &mut String, x: &Explanation) {
    let (q, c) = (x.quarter, &x.cadre);
    let _ = writeln!(
        o,
        "{q} · {} {} · 镇 {} · 村 {} · 序列 {} · {}",
        c.id, c.name, c.town, c.village, c.sequence, c.position
    );
    match x.basis {
        Basis::Settled { revision } => {
            let _ = writeln!(o, "已结算（修订号 {revision}），以下即结算所用的数字。");
        }
        Basis::Changed { revision } => {
            let _ = writeln!(
                o,
                "已结算（修订号 {revision}），但此后输入已有变化：以下是修订后将得到的数字（`kaohe settle --quarter {q} --revise`），不是已发放的数字。"
            );
        }
        Basis::Preview => {
            let _ = writeln!(o, "{q} 尚未结算：以下按现有输入预览。");
        }
    }
}

fn explain_scores(o: &mut String, x: &Explanation) {
    let _ = writeln!(o, "\n一、百分制评分（Art.7）");
    for section in &x.sections {
        let scope = match section.scope {
            Scope::Village => "按村评分",
            Scope::Cadre => "按人评分",
        };
        let _ = writeln!(
            o,
            "  {}（{}，{scope}，满分 {}）：{} 分（Art.7）",
            section.name, section.id, section.max, section.subtotal
        );
        for it in &section.items {
            let pts = it
                .points
                .map_or_else(|| "缺评分，按 0 计".to_owned(), |p| p.to_string());
            let _ = writeln!(o, "      {:<28} {:>6} / {}", it.id, pts, it.max);
        }
    }
    let parts: Vec<String> = x.sections.iter().map(|s| s.subtotal.to_string()).collect();
    let _ = writeln!(
        o,
        "  基础分 = 各部分之和 = {} = {}（Art.7）",
        parts.join(" + "),
        x.line.base_score
    );
}

fn explain_events(o: &mut String, x: &Explanation) {
    let _ = writeln!(o, "\n二、加减分事项（Art.8，事项日期在任的才计入）");
    if x.events.is_empty() {
        let _ = writeln!(o, "  无");
    }
    for ev in &x.events {
        let e = &ev.event;
        let level = e.level.map_or("无级别".to_owned(), |lv| {
            format!("{} {}", lv.zh(), lv.as_str())
        });
        let _ = writeln!(
            o,
            "  {} {} {}（{level}），对象 {}：{} 分（Art.8）{}",
            e.date,
            e.id,
            e.kind,
            e.subject,
            signed(ev.points),
            e.note
        );
    }
    let _ = writeln!(
        o,
        "  加分 {} · 减分 {}（Art.8）",
        x.line.bonus, x.line.deduction
    );
}

fn explain_supervision(o: &mut String, x: &Explanation) {
    let _ = writeln!(o, "\n督查记录（Art.14，日常督查，作为评分依据列出）");
    if x.supervision.is_empty() {
        let _ = writeln!(o, "  本季度无对本人或本村的督查记录。");
    }
    for i in &x.supervision {
        let _ = writeln!(
            o,
            "  {} {} 对象 {} · {}（{}）· 结果 {}（{}）（Art.14）{}",
            i.date,
            i.id,
            i.subject,
            i.area.zh(),
            i.area.as_str(),
            i.finding.zh(),
            i.finding.as_str(),
            if i.note.is_empty() {
                String::new()
            } else {
                format!(" · {}", i.note)
            }
        );
    }
    let _ = writeln!(o, "  督查结果本身不改变分数：由镇在评分时参考（Art.14）。");
}

fn explain_total(o: &mut String, x: &Explanation) {
    let l = &x.line;
    let _ = writeln!(o, "\n三、总分（Art.9，上不封顶、下不保底）");
    let _ = writeln!(
        o,
        "  总分 = 基础分 {} + 加分 {} − 减分 {} = {}（Art.9）",
        l.base_score, l.bonus, l.deduction, l.total
    );
}

fn explain_grade(o: &mut String, x: &Explanation) {
    let (policy, l, g) = (&x.policy, &x.line, &x.group);
    let _ = writeln!(
        o,
        "\n四、等次（Art.10，同一序列优秀不超过 {}）",
        policy.excellent_ratio
    );
    let group = match &g.town {
        Some(t) => format!("镇 {t} · 序列 {}", g.sequence),
        None => format!("全县 · 序列 {}", g.sequence),
    };
    let _ = writeln!(
        o,
        "  名额组 {group}：{} 人，优秀名额 = floor({} × {}) = {}；总分达到 {} 的候选 {} 人，评为优秀 {} 人（Art.10）",
        g.size,
        g.size,
        policy.excellent_ratio,
        g.quota,
        policy.excellent_min_score,
        g.candidates,
        g.excellent
    );
    let keys: Vec<String> = x
        .rank_keys
        .iter()
        .map(|(k, p)| format!("{k} {p}"))
        .collect();
    let _ = writeln!(
        o,
        "  名次 {} / {}（Art.10 排序：先比总分，再比 {}，最后比 cadre_id）",
        l.rank,
        l.group_size,
        if keys.is_empty() {
            "—".into()
        } else {
            keys.join("、")
        }
    );
    let sep = |s: Separation| match s {
        Separation::Top => "组内第一".to_owned(),
        Separation::Total => "总分不同".to_owned(),
        Separation::RankKey(k) => format!("总分相同，以 `{}` 区分", policy.rank_keys[k]),
        Separation::CadreId => "总分和各排序项都相同，以 cadre_id 区分".to_owned(),
    };
    for (label, n) in [("前一名", &x.above), ("后一名", &x.below)] {
        if let Some(n) = n {
            let _ = writeln!(
                o,
                "  {label}：第 {} 名 {} 总分 {} — {}",
                n.rank,
                n.cadre_id,
                n.total,
                sep(n.separation)
            );
        }
    }
    let why = match x.placement.reason {
        Reason::BelowQualifiedMin => format!(
            "总分 {} 低于合格线 {}（qualified_min_score）",
            l.total, policy.qualified_min_score
        ),
        Reason::BelowExcellentMin => format!(
            "总分 {} 低于优秀线 {}（excellent_min_score），不是优秀候选",
            l.total, policy.excellent_min_score
        ),
        Reason::WithinQuota => format!("优秀候选，在名额 {} 之内", g.quota),
        Reason::ExcludedTie => {
            "与名额外第一名候选总分相同，按 tie_break = \"exclude\" 一并不评优秀".to_owned()
        }
        Reason::PastQuota => format!("优秀候选，但在名额 {} 之外", g.quota),
    };
    let _ = writeln!(
        o,
        "  等次：{}（{}）— {why}（Art.10）",
        l.grade.zh(),
        l.grade
    );
}

fn explain_money(o: &mut String, x: &Explanation) {
    let (policy, m) = (&x.policy, &x.money);
    let _ = writeln!(
        o,
        "\n五、补贴（Art.11，月补贴标准 M = {} 元，基础补贴占 {}）",
        m.monthly_subsidy, policy.base_share
    );
    let mut month_terms = Vec::new();
    for (mw, standard) in m.months.iter().zip(&x.month_standards) {
        let term = format!(
            "{} × {}/{}",
            m.monthly_subsidy, mw.days_in_office, mw.days_in_month
        );
        let _ = writeln!(
            o,
            "  {}：在任 {}/{} 天，应发 {term} = {} 元；基础补贴 {term} × {} = {} 元（按月发放，Art.11）",
            mw.month, mw.days_in_office, mw.days_in_month, standard, policy.base_share, mw.base
        );
        month_terms.push(term);
    }
    let _ = writeln!(
        o,
        "  季度应发 T = {} = {} 元（三个月精确相加后一次四舍五入到分，Art.11）",
        month_terms.join(" + "),
        m.standard
    );
    let bases: Vec<String> = m.months.iter().map(|mw| mw.base.to_string()).collect();
    let _ = writeln!(
        o,
        "  基础补贴合计 = {} = {} 元（Art.11）",
        bases.join(" + "),
        m.base_paid
    );
    let _ = writeln!(
        o,
        "  绩效补贴 P = T − 基础补贴 = {} − {} = {} 元（Art.11）",
        m.standard, m.base_paid, m.performance_standard
    );
    let adj = match x.line.grade {
        Grade::Excellent => format!(
            "优秀加发 = {} × {} = {} 元",
            m.performance_standard, policy.excellent_bonus_rate, m.adjustment
        ),
        Grade::Unqualified => format!(
            "不合格扣除 = −({} × {}) = {} 元",
            m.performance_standard, policy.unqualified_deduction_rate, m.adjustment
        ),
        Grade::Qualified => "合格，绩效补贴全额发放，调整 0.00 元".to_owned(),
    };
    let _ = writeln!(o, "  调整：{adj}（Art.11）");
    let _ = writeln!(
        o,
        "  绩效补贴实发 = {} + ({}) = {} 元；实发合计 = {} + {} = {} 元（Art.11）",
        m.performance_standard,
        m.adjustment,
        m.performance_paid,
        m.base_paid,
        m.performance_paid,
        m.total_paid
    );
    explain_chain(o, x);
}

fn explain_chain(o: &mut String, x: &Explanation) {
    if !x.earlier_appraisals.is_empty() {
        let chain: Vec<String> = x
            .earlier_appraisals
            .iter()
            .map(|a| format!("{} {}", a.quarter, a.grade.zh()))
            .collect();
        let _ = writeln!(o, "  此前考核（由近及远，Art.11）：{}", chain.join("、"));
    }
    let flags = if x.line.flags.is_empty() {
        "无".to_owned()
    } else {
        x.line
            .flags
            .iter()
            .map(|f| format!("{}（{}）", f.zh(), f.as_str()))
            .collect::<Vec<_>>()
            .join("、")
    };
    let _ = writeln!(
        o,
        "  处理：{flags}（连续 {} 次不合格的进入免职审查，Art.11）",
        x.policy.consecutive_unqualified_for_dismissal
    );
    let _ = writeln!(o, "\n台账记录（Art.11；格式见 docs/reference.md）");
    for e in &x.ledger {
        let month = e.month.map(|mm| mm.to_string()).unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<8} {:<7} {:>10} 元  {}",
            e.kind.zh(),
            month,
            e.amount,
            e.article()
        );
    }
}
