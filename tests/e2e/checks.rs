//! Checks shared by the scenarios: a report against docs/reference.md, settlement report's rules and against the oracle,
//! a ledger against docs/reference.md, ledger and its report, JSON against CSV.

use std::collections::{BTreeMap, BTreeSet};

use super::harness::Env;
use super::oracle::{self, Inputs};
use super::table::{
    LEDGER_HEADER, REPORT_HEADER, SETTLEMENT_KINDS, Table, by_cadre, first_line, parse,
};

/// The quota groups of the sample county and their sizes, from its README's table.
pub fn sample_group_sizes(q: &str) -> BTreeMap<(&'static str, &'static str), u32> {
    let sizes: [u32; 6] = match q {
        "2026Q2" => [18, 27, 20, 30, 18, 28],
        "2026Q3" => [18, 27, 21, 29, 18, 29],
        _ => panic!("the sample county has no {q}"),
    };
    let keys = [
        ("T01", "正职"),
        ("T01", "委员"),
        ("T02", "正职"),
        ("T02", "委员"),
        ("T03", "正职"),
        ("T03", "委员"),
    ];
    keys.into_iter().zip(sizes).collect()
}

/// Checks a report CSV against the rules of docs/rules.md Art.10–3.4 and 5.3 that can be seen in the
/// report alone, with `ratio` = excellent_ratio as (num, den); returns it parsed.
#[track_caller]
pub fn report_rules(text: &str, q: &str, ratio: (u32, u32)) -> Table {
    assert_eq!(
        first_line(text),
        REPORT_HEADER,
        "report header (docs/reference.md, settlement report)"
    );
    let t = parse(text);
    assert!(!t.rows.is_empty(), "{q}: an empty report");
    // Sorted by town, then sequence (UTF-8 bytes), then rank.
    let keys: Vec<(Vec<u8>, Vec<u8>, u32)> = t
        .rows
        .iter()
        .map(|r| {
            (
                r.get("town").as_bytes().to_vec(),
                r.get("sequence").as_bytes().to_vec(),
                r.int("rank"),
            )
        })
        .collect();
    for (i, w) in keys.windows(2).enumerate() {
        assert!(
            w[0] < w[1],
            "{q}: rows {} and {} are not in (town, sequence, rank) order: {:?} then {:?}",
            i + 1,
            i + 2,
            t.rows[i].get("cadre_id"),
            t.rows[i + 1].get("cadre_id")
        );
    }
    let mut groups: BTreeMap<(String, String), Vec<&super::table::Row>> = BTreeMap::new();
    for r in &t.rows {
        assert_eq!(r.get("quarter"), q);
        groups
            .entry((r.get("town").to_owned(), r.get("sequence").to_owned()))
            .or_default()
            .push(r);
    }
    for ((town, seq), rows) in &groups {
        let n = rows.len() as u32;
        let quota = n * ratio.0 / ratio.1;
        let ranks: Vec<u32> = rows.iter().map(|r| r.int("rank")).collect();
        assert_eq!(
            ranks,
            (1..=n).collect::<Vec<_>>(),
            "{q} {town} {seq}: ranks"
        );
        let mut excellent = 0;
        for r in rows {
            let id = r.get("cadre_id");
            assert_eq!(r.int("group_size"), n, "{q} {id}: group_size");
            assert_eq!(
                r.int("quota"),
                quota,
                "{q} {id}: quota = floor({n} × ratio)"
            );
            let total = r.cents("total");
            assert_eq!(
                total,
                r.cents("base_score") + r.cents("bonus") - r.cents("deduction"),
                "{q} {id}: total = base_score + bonus − deduction (Art.9)"
            );
            assert!(r.cents("bonus") >= 0 && r.cents("deduction") >= 0);
            let (standard, base, p) = (
                r.cents("standard"),
                r.cents("base_paid"),
                r.cents("performance_standard"),
            );
            let (adj, perf, paid) = (
                r.cents("adjustment"),
                r.cents("performance_paid"),
                r.cents("total_paid"),
            );
            assert_eq!(
                base + p,
                standard,
                "{q} {id}: base + P = standard (docs/rules.md Art.11)"
            );
            assert_eq!(perf, p + adj, "{q} {id}: performance paid = P + adjustment");
            assert_eq!(
                paid,
                base + perf,
                "{q} {id}: total paid = base + performance paid"
            );
            let flags: Vec<&str> = r
                .get("flags")
                .split(';')
                .filter(|f| !f.is_empty())
                .collect();
            let mut sorted = flags.clone();
            sorted.sort_unstable();
            assert_eq!(
                flags, sorted,
                "{q} {id}: flags sorted (docs/reference.md, settlement report)"
            );
            match r.get("grade") {
                "excellent" => {
                    excellent += 1;
                    assert!(total >= 9000, "{q} {id}: excellent below 90");
                    assert!(adj > 0, "{q} {id}: excellent without a bonus");
                    assert_eq!(
                        flags,
                        ["recommend"],
                        "{q} {id}: flags of an excellent cadre"
                    );
                }
                "qualified" => {
                    assert!(total >= 6000, "{q} {id}: qualified below 60");
                    assert_eq!(adj, 0, "{q} {id}: qualified with an adjustment");
                    assert!(flags.is_empty(), "{q} {id}: flags of a qualified cadre");
                }
                "unqualified" => {
                    assert!(total < 6000, "{q} {id}: unqualified at 60 or more");
                    assert!(adj < 0, "{q} {id}: unqualified without a deduction");
                    assert!(flags.contains(&"admonish"), "{q} {id}: no admonish");
                }
                g => panic!("{q} {id}: grade `{g}`"),
            }
        }
        assert!(
            excellent <= quota,
            "{q} {town} {seq}: {excellent} excellent > quota {quota} (Art.10)"
        );
    }
    t
}

/// Asserts that two reports have the same rows in the same order, listing the differences.
#[track_caller]
pub fn same_report(got: &Table, want: &Table, what: &str) {
    assert_eq!(got.header, want.header, "{what}: header");
    let (g, w) = (by_cadre(got), by_cadre(want));
    let gk: BTreeSet<&String> = g.keys().collect();
    let wk: BTreeSet<&String> = w.keys().collect();
    assert_eq!(
        gk,
        wk,
        "{what}: cadres (extra: {:?}, missing: {:?})",
        gk.difference(&wk).collect::<Vec<_>>(),
        wk.difference(&gk).collect::<Vec<_>>()
    );
    let mut diffs = Vec::new();
    for (id, wr) in &w {
        for col in &want.header {
            let (a, b) = (g[id].get(col), wr.get(col));
            if a != b {
                diffs.push(format!("{id} {col}: got {a}, want {b}"));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{what}: {} differences:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let order = |t: &Table| -> Vec<String> {
        t.rows
            .iter()
            .map(|r| r.get("cadre_id").to_owned())
            .collect()
    };
    assert_eq!(order(got), order(want), "{what}: row order");
}

/// The report of `q` as JSON carries the same fields and values as `csv`, row by row.
#[track_caller]
pub fn json_matches_csv(env: &Env, q: &str, csv: &Table) {
    let text = env
        .kaohe(&["report", "--quarter", q, "--format", "json"])
        .ok()
        .stdout();
    let json: serde_json::Value = serde_json::from_str(&text).expect("report JSON parses");
    let arr = json
        .as_array()
        .expect("the JSON report is an array of lines");
    assert_eq!(arr.len(), csv.rows.len(), "{q}: JSON and CSV line counts");
    let columns: BTreeSet<&str> = csv.header.iter().map(String::as_str).collect();
    for (obj, row) in arr.iter().zip(&csv.rows) {
        let obj = obj.as_object().expect("a JSON line is an object");
        let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(keys, columns, "{q}: JSON fields are the CSV columns");
        for col in &csv.header {
            let v = match &obj[col] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                other => panic!("{q} {col}: unexpected JSON value {other}"),
            };
            assert_eq!(
                v,
                row.get(col),
                "{q} {}: `{col}` differs between JSON and CSV",
                row.get("cadre_id")
            );
        }
    }
}

/// A parsed ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub revision: u32,
    pub entry: u64,
    pub cadre: String,
    pub kind: String,
    pub month: String,
    pub amount: i64,
}

/// Checks a ledger CSV of `q` against docs/reference.md, ledger and against its report (`report`: the latest
/// revision): per cadre, the four settlement kinds add up to `total_paid`. Returns the
/// entries.
#[track_caller]
pub fn ledger_rules(text: &str, q: &str, report: &Table) -> Vec<Entry> {
    assert_eq!(
        first_line(text),
        LEDGER_HEADER,
        "ledger header (docs/reference.md, ledger)"
    );
    let t = parse(text);
    let (year, n) = q.split_once('Q').expect("quarter");
    let n: u32 = n.parse().expect("quarter");
    let months: Vec<String> = (0..3)
        .map(|i| format!("{year}-{:02}", 3 * (n - 1) + 1 + i))
        .collect();
    let mut entries = Vec::new();
    let mut seen = BTreeSet::new();
    for r in &t.rows {
        assert_eq!(r.get("quarter"), q, "ledger of {q}");
        let e = Entry {
            revision: r.int("revision"),
            entry: r.get("entry").parse().expect("entry is an integer"),
            cadre: r.get("cadre_id").to_owned(),
            kind: r.get("kind").to_owned(),
            month: r.get("month").to_owned(),
            amount: r.cents("amount"),
        };
        assert!(seen.insert(e.entry), "{q}: entry {} is not unique", e.entry);
        let kind = e.kind.as_str();
        let payment = ["completion_award", "commendation_award", "condolence"].contains(&kind);
        assert!(
            SETTLEMENT_KINDS.contains(&kind) || payment,
            "{q}: kind `{kind}`"
        );
        // 5.4: revision 0 is written outside a settlement: payroll (base), awards, condolences.
        assert!(
            e.revision >= 1 || kind == "base" || payment,
            "{q}: a `{kind}` entry of revision 0"
        );
        if kind == "base" || payment {
            assert!(
                months.contains(&e.month),
                "{q}: month `{}` of a {kind} entry",
                e.month
            );
        } else {
            assert_eq!(e.month, "", "{q}: month of a {kind} entry");
        }
        let article = match kind {
            "completion_award" => "Art.12",
            "commendation_award" => "Art.13",
            "condolence" => "Art.16",
            _ => "Art.11",
        };
        assert_eq!(r.get("article"), article, "{q}: article of {kind}");
        entries.push(e);
    }
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    for e in &entries {
        if SETTLEMENT_KINDS.contains(&e.kind.as_str()) {
            *sums.entry(e.cadre.as_str()).or_default() += e.amount;
        }
    }
    let lines = by_cadre(report);
    // A cadre paid by payroll but not assessed after all has those entries reversed (3.6).
    for (id, sum) in &sums {
        assert!(
            lines.contains_key(*id) || *sum == 0,
            "{q}: {id} has no line but the ledger pays them {}",
            super::table::fmt_cents(*sum)
        );
    }
    for (id, line) in &lines {
        let sum = sums.get(id.as_str()).copied().unwrap_or(0);
        assert_eq!(
            sum,
            line.cents("total_paid"),
            "{q} {id}: the ledger sums to {}, the report's total_paid is {} (5.4)",
            super::table::fmt_cents(sum),
            line.get("total_paid")
        );
    }
    entries
}

/// The entries of `revision` as (cadre, kind, month, amount), sorted.
pub fn of_revision(entries: &[Entry], revision: u32) -> Vec<oracle::Entry> {
    let mut out: Vec<oracle::Entry> = entries
        .iter()
        .filter(|e| e.revision == revision)
        .map(|e| (e.cadre.clone(), e.kind.clone(), e.month.clone(), e.amount))
        .collect();
    out.sort();
    out
}

/// Settles nothing and checks everything of the sample county's two settled quarters:
/// reports against the rules and the oracle, JSON against CSV, ledgers against docs/reference.md, ledger and
/// the oracle. Returns the report tables (Q2, Q3).
#[track_caller]
pub fn sample_settled_correctly(env: &Env) -> (Table, Table) {
    let inputs = Inputs::sample();
    let mut history = oracle::History::new();
    let mut out = Vec::new();
    for q in ["2026Q2", "2026Q3"] {
        let got = report_rules(&env.report_csv(q), q, (20, 100));
        let sizes = sample_group_sizes(q);
        for ((town, seq), n) in &sizes {
            let r = got
                .rows
                .iter()
                .find(|r| r.get("town") == *town && r.get("sequence") == *seq)
                .unwrap_or_else(|| panic!("{q}: no group {town} {seq}"));
            assert_eq!(
                r.int("group_size"),
                *n,
                "{q} {town} {seq}: n (sample README)"
            );
        }
        assert_eq!(got.rows.len() as u32, sizes.values().sum::<u32>());
        let want = oracle::report(&inputs, oracle::Policy::default(), q, &history);
        same_report(
            &got,
            &want,
            &format!("{q} report vs docs/rules.md (oracle)"),
        );
        json_matches_csv(env, q, &got);
        let entries = ledger_rules(&env.ledger_csv(q), q, &got);
        assert!(entries.iter().all(|e| e.revision == 1), "{q}: one revision");
        assert_eq!(
            of_revision(&entries, 1),
            oracle::ledger(&inputs, &got),
            "{q}: ledger entries vs docs/rules.md Art.11 (oracle)"
        );
        oracle::remember(&mut history, &got);
        out.push(got);
    }
    let q3 = out.pop().expect("Q3");
    let q2 = out.pop().expect("Q2");
    (q2, q3)
}

/// Asserts `want` (column, value) pairs on cadre `id`'s line of `report`.
#[track_caller]
pub fn line_has(report: &Table, id: &str, want: &[(&str, &str)]) {
    let lines = by_cadre(report);
    let line = lines
        .get(id)
        .unwrap_or_else(|| panic!("{id} is not in the report"));
    for (col, v) in want {
        assert_eq!(line.get(col), *v, "{id}: `{col}`");
    }
}
