//! Text for people: the settle summary and `explain`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kaohe_domain::{Flag, Grade, Money, Policy, QuotaScope, SettlementLine};

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

/// `kaohe explain`: one cadre through Art.7 → 8 → 9 → 10 → 11 with every number.
pub async fn explain(
    store: &dyn kaohe_store::Store,
    q: kaohe_domain::Quarter,
    id: &kaohe_domain::CadreId,
) -> Result<String, kaohe::AppError> {
    use kaohe_settlement::{Reason, Separation};
    let ctx = kaohe::queries::explain_context(store, q).await?;
    let outcome = match ctx.inputs.compute(ctx.missing_as_zero) {
        Ok(o) => o,
        Err(_) if !ctx.missing_as_zero => ctx.inputs.compute(true)?,
        Err(e) => return Err(e),
    };
    let Some(x) = outcome.explain(id) else {
        return Err(kaohe::AppError::Invalid(format!(
            "cadre `{id}` is not assessed in {q} (not in the roster, or not in office on any day of the quarter)"
        )));
    };
    let policy = &ctx.inputs.policy;
    let l = x.line;
    let c = x.cadre;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{q} · {} {} · 镇 {} · 村 {} · 序列 {} · {}",
        c.id, c.name, c.town, c.village, c.sequence, c.position
    );
    match (&ctx.settled, ctx.inputs_changed) {
        (Some(h), false) => {
            let _ = writeln!(
                o,
                "settled, revision {}; the numbers below are those of the settlement.",
                h.revision
            );
        }
        (Some(h), true) => {
            let _ = writeln!(
                o,
                "settled, revision {}, but the inputs have changed since: the numbers below are what a revision would give (`kaohe settle --quarter {q} --revise`).",
                h.revision
            );
        }
        (None, _) => {
            let _ = writeln!(
                o,
                "{q} is not settled yet: a preview from the inputs as they stand."
            );
        }
    }

    let _ = writeln!(o, "\nArt.7 — scorecard (百分制)");
    for (section, subtotal) in &x.sections {
        let _ = writeln!(
            o,
            "  {} {} ({}, max {}): {}",
            section.id,
            section.name,
            section.scope.as_str(),
            section.max,
            subtotal
        );
        for it in x.items.iter().filter(|it| it.section.id == section.id) {
            let pts = it
                .points
                .map_or_else(|| "missing → 0".to_owned(), |p| p.to_string());
            let _ = writeln!(o, "      {:<28} {:>6} / {}", it.item.id, pts, it.item.max);
        }
    }
    let _ = writeln!(o, "  base_score = Σ sections = {}", l.base_score);

    let _ = writeln!(
        o,
        "\nArt.8 — bonus and deduction events (in office on the event date)"
    );
    if x.events.is_empty() {
        let _ = writeln!(o, "  none");
    }
    for ev in &x.events {
        let e = ev.event;
        let level = e.level.map_or("—".to_owned(), |lv| {
            format!("{} {}", lv.as_str(), lv.zh())
        });
        let _ = writeln!(
            o,
            "  {} {} {} ({level}) on {}: {}{} {}",
            e.date,
            e.id,
            e.kind,
            e.subject,
            if ev.points.is_negative() { "" } else { "+" },
            ev.points,
            e.note
        );
    }
    let _ = writeln!(o, "  bonus {} · deduction {}", l.bonus, l.deduction);

    let _ = writeln!(o, "\nArt.9 — total, no cap and no floor");
    let _ = writeln!(
        o,
        "  total = {} + {} − {} = {}",
        l.base_score, l.bonus, l.deduction, l.total
    );

    let _ = writeln!(
        o,
        "\nArt.10 — grade (at most {} of a sequence excellent)",
        policy.excellent_ratio
    );
    let g = x.group;
    let group = match &g.town {
        Some(t) => format!("镇 {t} · 序列 {}", g.sequence),
        None => format!("全县 · 序列 {}", g.sequence),
    };
    let _ = writeln!(
        o,
        "  quota group {group}: {} cadres, quota = floor({} × {}) = {}; {} candidates at ≥ {}, {} excellent",
        g.size,
        g.size,
        policy.excellent_ratio,
        g.quota,
        g.candidates,
        policy.excellent_min_score,
        g.excellent
    );
    let keys: Vec<String> = x
        .rank_keys
        .iter()
        .map(|(k, p)| format!("{k} {p}"))
        .collect();
    let _ = writeln!(
        o,
        "  rank {} of {} (order: total, then {}, then cadre_id)",
        l.rank,
        l.group_size,
        if keys.is_empty() {
            "—".into()
        } else {
            keys.join(", ")
        }
    );
    let sep = |s: Separation| match s {
        Separation::Top => "first in the group".to_owned(),
        Separation::Total => "a different total".to_owned(),
        Separation::RankKey(k) => format!("equal totals, told apart by `{}`", policy.rank_keys[k]),
        Separation::CadreId => {
            "equal on total and every rank key, told apart by cadre_id".to_owned()
        }
    };
    if let Some(a) = &x.above {
        let _ = writeln!(
            o,
            "  above: rank {} {} total {} — {}",
            a.rank,
            a.cadre_id,
            a.total,
            sep(a.separation)
        );
    }
    if let Some(b) = &x.below {
        let _ = writeln!(
            o,
            "  below: rank {} {} total {} — {}",
            b.rank,
            b.cadre_id,
            b.total,
            sep(b.separation)
        );
    }
    let why = match x.placement.reason {
        Reason::BelowQualifiedMin => format!("total {} < qualified_min_score {}", l.total, policy.qualified_min_score),
        Reason::BelowExcellentMin => format!("total {} < excellent_min_score {}: not a candidate for excellent", l.total, policy.excellent_min_score),
        Reason::WithinQuota => format!("a candidate within the quota of {}", g.quota),
        Reason::ExcludedTie => "tied on total with the first candidate past the quota: left out (tie_break = \"exclude\")".to_owned(),
        Reason::PastQuota => format!("a candidate past the quota of {}", g.quota),
    };
    let _ = writeln!(o, "  grade: {} {} — {why}", l.grade.zh(), l.grade);

    let m = &x.money;
    let _ = writeln!(
        o,
        "\nArt.11 — subsidy (M = {} a month; base share {})",
        m.monthly_subsidy, policy.base_share
    );
    for mw in &m.months {
        let (num, den) = mw.standard_exact(m.monthly_subsidy);
        let _ = writeln!(
            o,
            "  {}: {} / {} days  T_m = {} × {}/{} = {}/{}  base_m = round(T_m × {}) = {}",
            mw.month,
            mw.days_in_office,
            mw.days_in_month,
            m.monthly_subsidy,
            mw.days_in_office,
            mw.days_in_month,
            num.normalize(),
            den,
            policy.base_share,
            mw.base
        );
    }
    let _ = writeln!(
        o,
        "  T = round(Σ T_m) = round({}/{}) = {}",
        m.standard_exact.0.normalize(),
        m.standard_exact.1,
        m.standard
    );
    let _ = writeln!(o, "  base paid Σ base_m = {}", m.base_paid);
    let _ = writeln!(
        o,
        "  P = T − Σ base_m = {} − {} = {}",
        m.standard, m.base_paid, m.performance_standard
    );
    let adj = match l.grade {
        kaohe_domain::Grade::Excellent => format!(
            "+round({} × {}) = {}",
            m.performance_standard, policy.excellent_bonus_rate, m.adjustment
        ),
        kaohe_domain::Grade::Unqualified => format!(
            "−round({} × {}) = {}",
            m.performance_standard, policy.unqualified_deduction_rate, m.adjustment
        ),
        kaohe_domain::Grade::Qualified => "0.00 (qualified: paid in full)".to_owned(),
    };
    let _ = writeln!(o, "  adjustment: {adj}");
    let _ = writeln!(
        o,
        "  performance paid = {} ; total paid = {} + {} = {}",
        m.performance_paid, m.base_paid, m.performance_paid, m.total_paid
    );
    if !x.earlier_appraisals.is_empty() {
        let chain: Vec<String> = x
            .earlier_appraisals
            .iter()
            .map(|a| format!("{} {}", a.quarter, a.grade))
            .collect();
        let _ = writeln!(
            o,
            "  earlier appraisals (latest first): {}",
            chain.join(", ")
        );
    }
    let flags = if l.flags.is_empty() {
        "none".to_owned()
    } else {
        l.flags
            .iter()
            .map(|f| format!("{} {}", f.as_str(), f.zh()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        o,
        "  flags: {flags} (dismissal review after {} unqualified in a row)",
        policy.consecutive_unqualified_for_dismissal
    );
    let _ = writeln!(o, "\nledger entries (docs/reference.md, Ledger):");
    for e in &x.ledger {
        let month = e.month.map(|mm| mm.to_string()).unwrap_or_default();
        let _ = writeln!(
            o,
            "  {:<22} {:<7} {:>10}  {}",
            e.kind.as_str(),
            month,
            e.amount,
            e.article
        );
    }
    Ok(o)
}
