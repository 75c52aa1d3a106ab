//! An independent reading of docs/rules.md Art.7–3.4 under the default policy of docs/rules.md, the default policy, written for the
//! tests from the spec alone (no kaohe code): from the roster, scores and events files it
//! derives every line of the settlement report and every ledger entry, in integer fen.
//!
//! It is small on purpose — the sample county has no missing scores and one policy — and is
//! itself checked against the hand-worked numbers of the worked examples of docs/rules.md Art.11 and the sample county's README
//! (see `flow`), so a bug in it and the same bug in the engine would both have to agree with
//! those numbers.

use std::collections::{BTreeMap, BTreeSet};

use super::table::{REPORT_HEADER, Row, Table, fmt_cents, round_half_away};

type Date = (i32, u32, u32);

fn date(s: &str) -> Date {
    let p: Vec<&str> = s.split('-').collect();
    assert_eq!(p.len(), 3, "date `{s}`");
    (
        p[0].parse().expect("year"),
        p[1].parse().expect("month"),
        p[2].parse().expect("day"),
    )
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => panic!("month {m}"),
    }
}

/// `"2026Q3"` → (2026, [7, 8, 9]).
fn quarter(q: &str) -> (i32, [u32; 3]) {
    let (y, n) = q.split_once('Q').expect("a quarter like 2026Q3");
    let y: i32 = y.parse().expect("year");
    let n: u32 = n.parse().expect("quarter number");
    assert!((1..=4).contains(&n), "quarter `{q}`");
    let m = 3 * (n - 1) + 1;
    (y, [m, m + 1, m + 2])
}

fn parse_points(s: &str) -> i64 {
    // "4", "4.5", "1.25": at most two decimals (the sample files are valid).
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    assert!(frac.len() <= 2, "points `{s}`");
    let frac = format!("{frac:0<2}");
    let neg = int.starts_with('-');
    let v = int.trim_start_matches('-').parse::<i64>().expect("points") * 100
        + frac.parse::<i64>().expect("points");
    if neg { -v } else { v }
}

/// A roster row.
#[derive(Debug, Clone)]
pub struct Cadre {
    pub id: String,
    pub name: String,
    pub town: String,
    pub village: String,
    pub sequence: String,
    /// Monthly subsidy in fen.
    pub monthly: i64,
    pub start: Date,
    pub end: Option<Date>,
}

impl Cadre {
    fn in_office(&self, d: Date) -> bool {
        self.start <= d && self.end.is_none_or(|e| d <= e)
    }

    /// Days in office in month `m` of year `y`.
    fn days_in(&self, y: i32, m: u32) -> u32 {
        let first = (y, m, 1);
        let last = (y, m, days_in_month(y, m));
        let from = self.start.max(first);
        let to = self.end.map_or(last, |e| e.min(last));
        if from > to { 0 } else { to.2 - from.2 + 1 }
    }
}

/// An events row.
#[derive(Debug, Clone)]
pub struct Event {
    pub date: Date,
    pub subject: String,
    pub kind: String,
    pub level: String,
}

/// The inputs of the appraisal, as the files give them.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub roster: Vec<Cadre>,
    /// (quarter, subject, item) → points in hundredths.
    pub scores: BTreeMap<(String, String, String), i64>,
    pub events: Vec<Event>,
}

fn records(text: &str) -> Vec<BTreeMap<String, String>> {
    let t = super::table::parse(text);
    t.rows.into_iter().map(|Row(m)| m).collect()
}

impl Inputs {
    /// The sample county's files.
    pub fn sample() -> Inputs {
        let read = |f: &str| {
            std::fs::read_to_string(super::harness::sample(f)).expect("a sample county file")
        };
        let roster = records(&read("roster.csv"))
            .into_iter()
            .map(|r| Cadre {
                id: r["cadre_id"].clone(),
                name: r["name"].clone(),
                town: r["town"].clone(),
                village: r["village"].clone(),
                sequence: r["sequence"].clone(),
                monthly: parse_points(&r["monthly_subsidy"]),
                start: date(&r["start_date"]),
                end: (!r["end_date"].is_empty()).then(|| date(&r["end_date"])),
            })
            .collect();
        let events = records(&read("events.csv"))
            .into_iter()
            .map(|r| Event {
                date: date(&r["date"]),
                subject: r["subject"].clone(),
                kind: r["kind"].clone(),
                level: r["level"].clone(),
            })
            .collect();
        let mut inputs = Inputs {
            roster,
            scores: BTreeMap::new(),
            events,
        };
        inputs.apply_scores(&read("scores.csv"));
        inputs
    }

    /// Applies a scores file: each (quarter, subject, item) replaces the one stored (docs/guide.md, file formats).
    pub fn apply_scores(&mut self, text: &str) {
        for r in records(text) {
            self.scores.insert(
                (
                    r["quarter"].clone(),
                    r["subject"].clone(),
                    r["item"].clone(),
                ),
                parse_points(&r["points"]),
            );
        }
    }

    /// The cadre with this id.
    pub fn cadre(&self, id: &str) -> &Cadre {
        self.roster
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no cadre {id} in the roster"))
    }
}

/// The settings of docs/rules.md, the default policy the tests vary.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// `excellent_ratio` as a fraction num/den.
    pub excellent_ratio: (u32, u32),
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            excellent_ratio: (20, 100),
        }
    }
}

/// docs/rules.md, the default policy's event table: (scope is village, points by level national/provincial/municipal/
/// county, or the flat points of a kind without levels).
fn event_points(kind: &str, level: &str) -> (bool, i64) {
    let by_level = |p: [i64; 4]| match level {
        "national" => p[0],
        "provincial" => p[1],
        "municipal" => p[2],
        "county" => p[3],
        _ => panic!("level `{level}` of {kind}"),
    };
    match kind {
        "inspection_praise" => (true, by_level([10, 7, 4, 2])),
        "work_promoted" => (true, by_level([20, 15, 10, 5])),
        "commendation" => (false, by_level([10, 7, 4, 2])),
        "inspection_criticized" => (true, by_level([-10, -7, -4, -2])),
        "media_exposure" => (true, -10),
        _ => panic!("event kind `{kind}`"),
    }
}

/// Sections whose items are scored per village under the default rubric (docs/rules.md Art.7).
fn village_scope(item: &str) -> bool {
    ["party.", "poverty.", "collective."]
        .iter()
        .any(|p| item.starts_with(p))
}

/// Earlier appraisals: cadre → grades of earlier settled quarters, oldest first.
pub type History = BTreeMap<String, Vec<String>>;

/// Adds a quarter's report to `history`.
pub fn remember(history: &mut History, report: &Table) {
    for r in &report.rows {
        history
            .entry(r.get("cadre_id").to_owned())
            .or_default()
            .push(r.get("grade").to_owned());
    }
}

struct Work<'a> {
    c: &'a Cadre,
    base: i64,
    bonus: i64,
    deduction: i64,
    total: i64,
    public: i64,
    duty: i64,
    rank: u32,
    n: u32,
    quota: u32,
    grade: &'static str,
}

/// The report of quarter `q` (docs/reference.md, settlement report), rows in report order.
pub fn report(inputs: &Inputs, policy: Policy, q: &str, history: &History) -> Table {
    let (y, months) = quarter(q);
    let first = (y, months[0], 1);
    let last = (y, months[2], days_in_month(y, months[2]));
    let assessed: Vec<&Cadre> = inputs
        .roster
        .iter()
        .filter(|c| c.start <= last && c.end.is_none_or(|e| e >= first))
        .collect();

    // Art.7–9.
    let mut work: Vec<Work> = assessed
        .iter()
        .map(|c| {
            let (mut base, mut public, mut duty) = (0, 0, 0);
            for ((sq, subject, item), &p) in &inputs.scores {
                if sq != q {
                    continue;
                }
                let mine = if village_scope(item) {
                    *subject == c.village
                } else {
                    *subject == c.id
                };
                if mine {
                    base += p;
                    if item.starts_with("public.") {
                        public += p;
                    }
                    if item.starts_with("duty.") {
                        duty += p;
                    }
                }
            }
            let (mut bonus, mut deduction) = (0, 0);
            for e in &inputs.events {
                if e.date < first || e.date > last || !c.in_office(e.date) {
                    continue;
                }
                let (village, points) = event_points(&e.kind, &e.level);
                let subject = if village { &c.village } else { &c.id };
                if e.subject == *subject {
                    if points > 0 {
                        bonus += points * 100;
                    } else {
                        deduction -= points * 100;
                    }
                }
            }
            Work {
                c,
                base,
                bonus,
                deduction,
                total: base + bonus - deduction,
                public,
                duty,
                rank: 0,
                n: 0,
                quota: 0,
                grade: "",
            }
        })
        .collect();

    // Art.10: per (town, sequence), rank by total, public, duty (desc), cadre_id (asc).
    let groups: BTreeSet<(String, String)> = work
        .iter()
        .map(|w| (w.c.town.clone(), w.c.sequence.clone()))
        .collect();
    for (town, seq) in &groups {
        let mut idx: Vec<usize> = (0..work.len())
            .filter(|&i| work[i].c.town == *town && work[i].c.sequence == *seq)
            .collect();
        idx.sort_by(|&a, &b| {
            let (a, b) = (&work[a], &work[b]);
            (b.total, b.public, b.duty)
                .cmp(&(a.total, a.public, a.duty))
                .then(a.c.id.as_bytes().cmp(b.c.id.as_bytes()))
        });
        let n = idx.len() as u32;
        let (rn, rd) = policy.excellent_ratio;
        let quota = n * rn / rd;
        let mut excellent = 0;
        for (r, &i) in idx.iter().enumerate() {
            let w = &mut work[i];
            w.rank = r as u32 + 1;
            w.n = n;
            w.quota = quota;
            w.grade = if w.total < 6000 {
                "unqualified"
            } else if w.total >= 9000 && excellent < quota {
                excellent += 1;
                "excellent"
            } else {
                "qualified"
            };
        }
    }
    work.sort_by(|a, b| {
        (a.c.town.as_bytes(), a.c.sequence.as_bytes(), a.rank).cmp(&(
            b.c.town.as_bytes(),
            b.c.sequence.as_bytes(),
            b.rank,
        ))
    });

    // Art.11.
    let header: Vec<String> = REPORT_HEADER.split(',').map(str::to_owned).collect();
    let rows = work
        .iter()
        .map(|w| {
            let m = w.c.monthly as i128;
            let dims: Vec<i128> = months
                .iter()
                .map(|&mo| days_in_month(y, mo) as i128)
                .collect();
            let days: Vec<i128> = months
                .iter()
                .map(|&mo| w.c.days_in(y, mo) as i128)
                .collect();
            let l: i128 = dims.iter().product();
            let t_num: i128 = (0..3).map(|i| m * days[i] * (l / dims[i])).sum();
            let standard = round_half_away(t_num, l) as i64;
            // base_m = round(T_m × 0.20) = round(M × d × 20 / (D × 100)).
            let base_paid: i64 = (0..3)
                .map(|i| round_half_away(m * days[i] * 20, dims[i] * 100) as i64)
                .sum();
            let p = standard - base_paid;
            let adjustment = match w.grade {
                "excellent" => round_half_away(p as i128 * 40, 100) as i64,
                "unqualified" => -(round_half_away(p as i128 * 40, 100) as i64),
                _ => 0,
            };
            let mut flags = Vec::new();
            if w.grade == "unqualified" {
                flags.push("admonish");
                // k = 2: the previous appraisal was unqualified too.
                if history
                    .get(&w.c.id)
                    .and_then(|h| h.last())
                    .is_some_and(|g| g == "unqualified")
                {
                    flags.push("dismissal_review");
                }
            }
            if w.grade == "excellent" {
                flags.push("recommend");
            }
            flags.sort_unstable();
            let values = [
                q.to_owned(),
                w.c.id.clone(),
                w.c.name.clone(),
                w.c.town.clone(),
                w.c.village.clone(),
                w.c.sequence.clone(),
                fmt_cents(w.base),
                fmt_cents(w.bonus),
                fmt_cents(w.deduction),
                fmt_cents(w.total),
                w.rank.to_string(),
                w.n.to_string(),
                w.quota.to_string(),
                w.grade.to_owned(),
                fmt_cents(standard),
                fmt_cents(base_paid),
                fmt_cents(p),
                fmt_cents(adjustment),
                fmt_cents(p + adjustment),
                fmt_cents(base_paid + p + adjustment),
                flags.join(";"),
            ];
            Row(header.iter().cloned().zip(values).collect())
        })
        .collect();
    Table { header, rows }
}

/// One ledger entry as the oracle sees it: (cadre, kind, month, amount in fen).
pub type Entry = (String, String, String, i64);

/// The ledger entries of revision 1 for a report (docs/rules.md Art.11; docs/reference.md, ledger): a `base` entry per month in
/// office, `performance`, and the adjustment under its kind when it is not zero.
pub fn ledger(inputs: &Inputs, report: &Table) -> Vec<Entry> {
    let mut out = Vec::new();
    for r in &report.rows {
        let c = inputs.cadre(r.get("cadre_id"));
        let (y, months) = quarter(r.get("quarter"));
        for mo in months {
            let d = c.days_in(y, mo) as i128;
            if d > 0 {
                let dim = days_in_month(y, mo) as i128;
                let amount = round_half_away(c.monthly as i128 * d * 20, dim * 100) as i64;
                out.push((
                    c.id.clone(),
                    "base".to_owned(),
                    format!("{y}-{mo:02}"),
                    amount,
                ));
            }
        }
        out.push((
            c.id.clone(),
            "performance".to_owned(),
            String::new(),
            r.cents("performance_standard"),
        ));
        let adj = r.cents("adjustment");
        if adj != 0 {
            let kind = if adj > 0 {
                "excellent_bonus"
            } else {
                "unqualified_deduction"
            };
            out.push((c.id.clone(), kind.to_owned(), String::new(), adj));
        }
    }
    out.sort();
    out
}
