//! The Chinese words of the reports for people (终端表格, html, xlsx).

use kaohe_domain::Flags;

/// Chinese headings of the report columns, in the order of [`crate::REPORT_COLUMNS`].
pub const REPORT_HEADINGS: [&str; 21] = [
    "季度",
    "编号",
    "姓名",
    "镇",
    "村",
    "序列",
    "基础分",
    "加分",
    "减分",
    "总分",
    "名次",
    "组人数",
    "优秀名额",
    "等次",
    "补贴标准",
    "基础补贴",
    "绩效补贴标准",
    "绩效调整",
    "实发绩效补贴",
    "实发合计",
    "处理",
];

/// Chinese headings of the ledger columns, in the order of [`crate::LEDGER_COLUMNS`].
pub const LEDGER_HEADINGS: [&str; 8] = [
    "季度", "修订", "序号", "编号", "类别", "月份", "金额", "依据",
];

/// The flags in Chinese, joined by 、 (empty when none).
pub fn flags(f: Flags) -> String {
    f.iter().map(|f| f.zh()).collect::<Vec<_>>().join("、")
}

/// `Art.11` as 第十一条 (articles 1–99); anything else as it is.
pub fn article(a: &str) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let n: Option<usize> = a.strip_prefix("Art.").and_then(|n| n.parse().ok());
    match n {
        Some(n @ 1..=99) => {
            let (tens, ones) = (n / 10, n % 10);
            let tens = match tens {
                0 => String::new(),
                1 => "十".to_owned(),
                t => format!("{}十", DIGITS[t]),
            };
            format!("第{tens}{}条", DIGITS[ones])
        }
        _ => a.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn articles() {
        assert_eq!(super::article("Art.11"), "第十一条");
        assert_eq!(super::article("Art.8"), "第八条");
        assert_eq!(super::article("Art.20"), "第二十条");
        assert_eq!(super::article("Art.16"), "第十六条");
        assert_eq!(super::article("other"), "other");
    }
}
