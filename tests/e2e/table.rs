//! Reading what the binary prints: CSV tables by column name, money as integer fen.
//!
//! Nothing here uses kaohe's own readers or column lists: the expected headers are copied from
//! docs/reference.md, settlement report and 5.4, so the tests hold the binary to the spec, not to itself.

use std::collections::BTreeMap;

/// docs/reference.md, settlement report's report columns, in order.
pub const REPORT_HEADER: &str = "quarter,cadre_id,name,town,village,sequence,base_score,bonus,deduction,total,rank,group_size,quota,grade,standard,base_paid,performance_standard,adjustment,performance_paid,total_paid,flags";

/// docs/reference.md, ledger's ledger columns, in order.
pub const LEDGER_HEADER: &str = "quarter,revision,entry,cadre_id,kind,month,amount,article";

/// The four settlement kinds of docs/reference.md, ledger (their sum per cadre is the report's `total_paid`).
pub const SETTLEMENT_KINDS: [&str; 4] = [
    "base",
    "performance",
    "excellent_bonus",
    "unqualified_deduction",
];

/// A CSV table: its header and its rows as column → value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// One row, by column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub BTreeMap<String, String>);

impl Row {
    /// The value of `col` (panics if there is no such column).
    #[track_caller]
    pub fn get(&self, col: &str) -> &str {
        self.0
            .get(col)
            .unwrap_or_else(|| panic!("no column `{col}` in {:?}", self.0))
    }

    /// The value of `col` as money or points in fen (hundredths), checking docs/reference.md, settlement report's format.
    #[track_caller]
    pub fn cents(&self, col: &str) -> i64 {
        cents(self.get(col))
    }

    /// The value of `col` as an integer.
    #[track_caller]
    pub fn int(&self, col: &str) -> u32 {
        let v = self.get(col);
        v.parse()
            .unwrap_or_else(|_| panic!("`{col}` = `{v}` is not an integer"))
    }
}

/// Parses CSV text with a header row.
#[track_caller]
pub fn parse(text: &str) -> Table {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("a CSV header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.expect("a CSV record");
            assert_eq!(rec.len(), header.len(), "row width in {text:.200}");
            Row(header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect())
        })
        .collect();
    Table { header, rows }
}

/// The first line of `text` (the header row of a CSV).
pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `"-2284.80"` → -228480. Asserts docs/reference.md, settlement report's form: an optional `-`, digits, a point and
/// exactly two decimals; never `+`, never `-0.00`.
#[track_caller]
pub fn cents(v: &str) -> i64 {
    let (neg, digits) = match v.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, v),
    };
    let ok = digits.len() >= 4
        && digits.as_bytes()[digits.len() - 3] == b'.'
        && digits
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || i == digits.len() - 3);
    assert!(
        ok,
        "`{v}` is not an amount with exactly two decimals (docs/reference.md, settlement report)"
    );
    let n: i64 = digits.replace('.', "").parse().expect("digits");
    assert!(
        !(neg && n == 0),
        "`{v}`: docs/reference.md, settlement report says never -0.00"
    );
    if neg { -n } else { n }
}

/// 228480 → `"2284.80"`, -5 → `"-0.05"`.
pub fn fmt_cents(c: i64) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// `num / den` rounded to an integer, half away from zero (docs/rules.md Art.11's 四舍五入).
pub fn round_half_away(num: i128, den: i128) -> i128 {
    assert!(den > 0);
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

/// The rows of a report, by cadre id.
#[track_caller]
pub fn by_cadre(t: &Table) -> BTreeMap<String, Row> {
    let mut out = BTreeMap::new();
    for row in &t.rows {
        let id = row.get("cadre_id").to_owned();
        assert!(
            out.insert(id.clone(), row.clone()).is_none(),
            "cadre {id} appears twice in one report"
        );
    }
    out
}
