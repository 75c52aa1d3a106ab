//! Scenario 4: `kaohe explain` walks a cadre through Art.7 → 11 with the numbers of the worked examples of docs/rules.md Art.11, and
//! says what decided a tie.

use super::harness::Env;

/// The line of `text` that mentions `needle` (panics when none does).
#[track_caller]
fn line_with<'t>(text: &'t str, needle: &str) -> &'t str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line mentions `{needle}` in:\n{text}"))
}

pub fn explain(env: &Env) {
    env.settle_sample();

    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T03V03-05"])
        .ok()
        .stdout();
    for article in ["Art.7", "Art.8", "Art.9", "Art.10", "Art.11"] {
        assert!(text.contains(article), "explain names {article}:\n{text}");
    }
    // the worked examples of docs/rules.md Art.11's first worked example.
    for n in ["82.73", "3564.68", "712.93", "2851.75", "1500.07"] {
        assert!(text.contains(n), "explain shows {n}:\n{text}");
    }
    // Her month fractions: 22 of 31 days in July, 20 of 30 in September, each with its
    // formula and figures in yuan (1500.07 × 22/31 = 1064.5658… → 1064.57; its base
    // 1064.5658… × 0.20 = 212.913… → 212.91).
    let july = line_with(&text, "2026-07：");
    assert!(
        july.contains("22/31")
            && july.contains("1500.07 × 22/31 = 1064.57 元")
            && july.contains("1500.07 × 22/31 × 0.20 = 212.91 元")
            && july.contains("Art.11"),
        "{july}"
    );
    let september = line_with(&text, "2026-09：");
    assert!(
        september.contains("20/30") && september.contains("= 1000.05 元"),
        "{september}"
    );
    // The quarter's standard from the exact sum, not from the rounded months (the worked examples of docs/rules.md Art.11): no raw
    // fraction is shown.
    assert!(
        line_with(&text, "季度应发 T")
            .contains("1500.07 × 22/31 + 1500.07 × 31/31 + 1500.07 × 20/30 = 3564.68 元"),
        "{text}"
    );
    assert!(
        !text.contains("/930"),
        "no raw fraction for a clerk:\n{text}"
    );
    assert!(
        line_with(&text, "绩效补贴 P").contains("3564.68 − 712.93 = 2851.75 元"),
        "{text}"
    );
    assert!(
        line_with(&text, "总分 = 基础分").contains("= 82.73（Art.9）"),
        "{text}"
    );
    assert!(line_with(&text, "等次：").contains("合格"), "{text}");
    // EV2026-011 (a commendation dated before she took office) gives her no bonus.
    assert!(
        !text.contains("EV2026-011"),
        "EV2026-011 does not count:\n{text}"
    );

    // T02V04-02 left on 2026-08-15: EV2026-015 (2026-08-10) counts, EV2026-018 (09-04) not.
    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T02V04-02"])
        .ok()
        .stdout();
    assert!(text.contains("EV2026-015"), "{text}");
    assert!(!text.contains("EV2026-018"), "{text}");

    // A tie at the quota line (Q3, T02 委员, both 91.58): public decides.
    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T02V03-04"])
        .ok()
        .stdout();
    let above = line_with(&text, "T02V03-03");
    assert!(
        above.contains("前一名") && above.contains("91.58") && above.contains("public"),
        "the tie with T02V03-03 is decided by `public`: {above}\n{text}"
    );
    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T02V03-03"])
        .ok()
        .stdout();
    let below = line_with(&text, "T02V03-04");
    assert!(
        below.contains("后一名") && below.contains("public"),
        "{below}\n{text}"
    );
    // Excellent within the quota: the bonus with its figures.
    assert!(line_with(&text, "等次：").contains("优秀"), "{text}");
    assert!(line_with(&text, "调整：").contains("优秀加发"), "{text}");

    // A tie on total, public and duty (Q3, T03 正职, both 100.20): cadre_id decides.
    let text = env
        .kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T03V02-02"])
        .ok()
        .stdout();
    let above = line_with(&text, "T03V02-01");
    assert!(
        above.contains("100.20") && above.contains("cadre_id"),
        "the tie with T03V02-01 is decided by cadre_id: {above}\n{text}"
    );

    // A cadre not assessed in the quarter.
    env.kaohe(&["explain", "--quarter", "2026Q3", "--cadre", "T01V06-03"])
        .code(2)
        .stderr_has("T01V06-03");
}
