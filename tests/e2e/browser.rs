//! The html pages in a real browser (issue 11, item 6): headless Chromium loads the report, the
//! commendation list and a cadre's work archive of the sample county from their files, offline,
//! and its DOM must hold every table and every chart, with the charts' data labels equal to the
//! csv's or the json's figures (summed here, in whole fen). A screenshot of each page, and the
//! report and the archive printed to PDF (A4, checked page by page), are kept under
//! `target/browser/` for a person to look at.
//!
//! Chromium is Debian's `chromium` package (`KAOHE_CHROMIUM` names another binary). When it is
//! missing the test says so and passes, unless `KAOHE_REQUIRE_BROWSER=1` (set by `.ci/run`),
//! which makes it fail.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::harness::{Backend, Env, kaohe_bin};

/// With `1`, a missing browser fails the test instead of skipping it.
const REQUIRE_VAR: &str = "KAOHE_REQUIRE_BROWSER";

/// The browser to run, or `None` (after saying so) when the test is skipped.
fn chromium() -> Option<PathBuf> {
    let named = std::env::var_os("KAOHE_CHROMIUM").map(PathBuf::from);
    let found = named.or_else(|| {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var(REQUIRE_VAR).as_deref() != Ok("1"),
            "{REQUIRE_VAR}=1 but no Chromium: install Debian's `chromium` package \
             (apt-get install --no-install-recommends chromium) or set KAOHE_CHROMIUM"
        );
        let _ = writeln!(
            std::io::stderr(),
            "browser test SKIPPED: no /usr/bin/chromium (set {REQUIRE_VAR}=1 to fail instead)"
        );
    }
    found
}

/// Runs headless Chromium on `page` with `args`; its stdout. Fails after 90 seconds.
fn run_chromium(bin: &Path, profile: &Path, args: &[String], page: &Path) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    // Read stdout on a thread so that a large DOM cannot block the browser.
    let mut out = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = reader.join().expect("the reader thread");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
    }
    assert!(
        status.success(),
        "chromium {args:?} failed ({status}):\n{stderr}"
    );
    stdout
}

/// Where screenshots are kept: `target/browser/` beside the binary's profile folder.
fn screenshot_dir() -> PathBuf {
    let profile_dir = kaohe_bin().parent().expect("the binary's folder");
    let dir = profile_dir.parent().unwrap_or(profile_dir).join("browser");
    std::fs::create_dir_all(&dir).expect("create target/browser");
    dir
}

/// Loads `page`: its DOM as the browser built it, and a screenshot at A4's proportions
/// (1240 × 1754) saved as `shot`.
fn load(env: &Env, bin: &Path, page: &Path, shot: &str) -> String {
    let profile = env.dir().join("chromium-profile");
    let dom = run_chromium(bin, &profile, &["--dump-dom".to_owned()], page);
    let png = screenshot_dir().join(shot);
    let _ = std::fs::remove_file(&png);
    run_chromium(
        bin,
        &profile,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1240,1754".to_owned(),
        ],
        page,
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000,
        "a screenshot of the page ({} bytes)",
        bytes.len()
    );
    let _ = writeln!(std::io::stderr(), "screenshot: {}", png.display());
    dom
}

/// Prints `page` to PDF as Chromium would on paper (`@page` rules honoured); the size of each
/// page, in points, from the PDF's `/MediaBox`es, in file order.
fn print_pages(env: &Env, bin: &Path, page: &Path, pdf: &str) -> Vec<(u32, u32)> {
    let profile = env.dir().join("chromium-profile");
    let out = screenshot_dir().join(pdf);
    let _ = std::fs::remove_file(&out);
    run_chromium(
        bin,
        &profile,
        &[
            format!("--print-to-pdf={}", out.display()),
            "--no-pdf-header-footer".to_owned(),
        ],
        page,
    );
    let bytes = std::fs::read(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let text = String::from_utf8_lossy(&bytes);
    let _ = writeln!(std::io::stderr(), "printed: {}", out.display());
    text.match_indices("/MediaBox [")
        .map(|(i, m)| {
            let inner = &text[i + m.len()..];
            let inner = &inner[..inner.find(']').expect("a closed MediaBox")];
            let n: Vec<u32> = inner
                .split_whitespace()
                .map(|v| {
                    // Whole points are enough to tell A4 (595 × 842) apart.
                    let whole = v.split('.').next().unwrap_or(v);
                    whole.parse().expect("a number")
                })
                .collect();
            assert_eq!(n.len(), 4, "{inner}");
            (n[2] - n[0], n[3] - n[1])
        })
        .collect()
}

/// The element with `id` in `dom`, from its tag to the end of the chart or table.
fn element<'a>(dom: &'a str, tag: &str, id: &str) -> &'a str {
    let open = format!("<{tag} ");
    let needle = format!("id=\"{id}\"");
    let at = dom
        .match_indices(&open)
        .find(|(i, _)| {
            let end = dom[*i..].find('>').map_or(dom.len(), |e| i + e);
            dom[*i..end].contains(&needle)
        })
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no <{tag} id=\"{id}\"> in the DOM"));
    let close = format!("</{tag}>");
    let end = dom[at..]
        .find(&close)
        .unwrap_or_else(|| panic!("<{tag} id=\"{id}\"> is not closed"));
    &dom[at..at + end + close.len()]
}

/// The text of the data label `key`/`part` of a chart.
fn label(chart: &str, key: &str, part: &str) -> String {
    let needle = format!("data-key=\"{key}\" data-part=\"{part}\">");
    let at = chart
        .find(&needle)
        .unwrap_or_else(|| panic!("no label {key}/{part} in the chart"))
        + needle.len();
    chart[at..].split('<').next().unwrap_or_default().to_owned()
}

/// Every dot of a strip chart: key → value.
fn dots(chart: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (i, _) in chart.match_indices("<circle ") {
        let tag = &chart[i..i + chart[i..].find('>').expect("a closed tag")];
        let attr = |name: &str| {
            let n = format!("{name}=\"");
            let at = tag.find(&n).expect("the attribute") + n.len();
            tag[at..].split('"').next().unwrap_or_default().to_owned()
        };
        let old = out.insert(attr("data-key"), attr("data-value"));
        assert!(old.is_none(), "one dot per key: {tag}");
    }
    out
}

/// An amount of the csv (`-12.30`) in fen, parsed here and not by kaohe.
fn fen(s: &str) -> i64 {
    let (neg, digits) = s.strip_prefix('-').map_or((false, s), |d| (true, d));
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    assert_eq!(frac.len(), 2, "two decimals: {s}");
    let v = whole.parse::<i64>().expect("whole part") * 100 + frac.parse::<i64>().expect("fen");
    if neg { -v } else { v }
}

/// Fen as the csv writes it.
fn yuan(f: i64) -> String {
    let sign = if f < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", f.abs() / 100, f.abs() % 100)
}

/// The csv's records as maps of column → value.
fn records(csv_text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let heads: Vec<String> = r
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.expect("a csv record");
            heads
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

pub fn pages_in_chromium() {
    let Some(bin) = chromium() else {
        return;
    };
    let env = Env::new(Backend::Redb).expect("a redb store");
    env.settle_sample();

    // The report of 2026Q3.
    let page = env.dir().join("report-2026Q3.html");
    env.kaohe(&[
        "report",
        "--quarter",
        "2026Q3",
        "--format",
        "html",
        "--out",
        &page.display().to_string(),
    ])
    .ok();
    let dom = load(&env, &bin, &page, "report-2026Q3.png");
    assert!(!dom.contains("<script"), "no script");
    let lines = records(&env.report_csv("2026Q3"));
    assert_eq!(
        lines.len(),
        142,
        "the sample county's 2026Q3 report has 142 lines"
    );

    let mut towns: BTreeMap<&str, Vec<&BTreeMap<String, String>>> = BTreeMap::new();
    for l in &lines {
        towns.entry(l["town"].as_str()).or_default().push(l);
    }
    assert_eq!(towns.len(), 3, "T01, T02, T03");
    for id in ["t-towns", "t-quota", "t-detail"] {
        element(&dom, "table", id);
    }
    for town in towns.keys() {
        let table = element(&dom, "table", &format!("t-notice-{town}"));
        assert_eq!(
            table.matches("<tr>").count() - 1,
            towns[town].len(),
            "the notice list of {town} lists its cadres"
        );
    }
    assert_eq!(
        element(&dom, "table", "t-detail").matches("<tr>").count() - 1,
        lines.len(),
        "the full table has every line"
    );

    // Totals per town: every cadre a dot at the csv's total; the count, lowest and highest.
    let chart = element(&dom, "svg", "chart-totals");
    assert!(chart.contains("<title>"), "the chart has a title");
    let want: BTreeMap<String, String> = lines
        .iter()
        .map(|l| (l["cadre_id"].clone(), l["total"].clone()))
        .collect();
    assert_eq!(dots(chart), want, "one dot per line, at its total");
    for (town, ls) in &towns {
        let totals: Vec<i64> = ls.iter().map(|l| fen(&l["total"])).collect();
        assert_eq!(label(chart, town, "count"), ls.len().to_string(), "{town}");
        let min = totals.iter().min().copied().unwrap_or_default();
        let max = totals.iter().max().copied().unwrap_or_default();
        assert_eq!(label(chart, town, "min"), yuan(min), "{town}");
        assert_eq!(label(chart, town, "max"), yuan(max), "{town}");
    }
    // The thresholds of the policy in force (the regulation's: Art.10's 60 and 90).
    assert_eq!(label(chart, "60.00", "rule"), "合格 60.00");
    assert_eq!(label(chart, "90.00", "rule"), "优秀 90.00");

    // Money per town: the csv's columns summed in fen.
    let chart = element(&dom, "svg", "chart-money");
    for (town, ls) in &towns {
        for (part, column) in [
            ("base", "base_paid"),
            ("performance", "performance_standard"),
            ("adjustment", "adjustment"),
            ("total", "total_paid"),
        ] {
            let sum: i64 = ls.iter().map(|l| fen(&l[column])).sum();
            assert_eq!(label(chart, town, part), yuan(sum), "{town} {column}");
        }
    }

    // Quota use per group: excellent counted in the csv against its quota and group size.
    let chart = element(&dom, "svg", "chart-quota");
    let mut groups: BTreeMap<String, (u32, String, String)> = BTreeMap::new();
    for l in &lines {
        let key = format!("{}/{}/{}", l["quarter"], l["town"], l["sequence"]);
        let g = groups
            .entry(key)
            .or_insert((0, l["quota"].clone(), l["group_size"].clone()));
        g.0 += u32::from(l["grade"] == "excellent");
    }
    assert!(groups.len() >= 6, "two sequences in each of three towns");
    for (key, (used, quota, size)) in &groups {
        assert_eq!(label(chart, key, "used"), used.to_string(), "{key}");
        assert_eq!(&label(chart, key, "quota"), quota, "{key}");
        assert_eq!(&label(chart, key, "size"), size, "{key}");
    }

    // On paper: A4 throughout, upright, with the 21 columns of the full table on landscape
    // pages (the page's `@page` rules).
    let pages = print_pages(&env, &bin, &page, "report-2026Q3.pdf");
    assert!(pages.len() >= 2, "{pages:?}");
    let upright = (594, 841);
    let landscape = (841, 594);
    assert_eq!(pages[0], upright, "the first page is A4 upright: {pages:?}");
    assert!(
        pages.iter().all(|p| *p == upright || *p == landscape),
        "every page is A4: {pages:?}"
    );
    assert!(
        pages.contains(&landscape),
        "the full table prints landscape: {pages:?}"
    );

    // The commendation list of 2026 (a preview: two quarters settled).
    let page = env.dir().join("commend-2026.html");
    env.kaohe(&[
        "commend",
        "--year",
        "2026",
        "--preview",
        "--format",
        "html",
        "--out",
        &page.display().to_string(),
    ])
    .ok();
    let dom = load(&env, &bin, &page, "commend-2026.png");
    let list = records(
        &env.kaohe(&["commend", "--year", "2026", "--preview", "--format", "csv"])
            .ok()
            .stdout(),
    );
    assert!(
        !list.is_empty(),
        "the sample county has commendation candidates"
    );
    let candidates = list.iter().filter(|r| r["candidate"] == "true").count();
    assert!(candidates > 0);
    let table = element(&dom, "table", "t-candidates");
    assert_eq!(
        table.matches("<tr>").count() - 1,
        candidates,
        "the candidates"
    );
    let table = element(&dom, "table", "t-all");
    assert_eq!(table.matches("<tr>").count() - 1, list.len(), "every cadre");
    let chart = element(&dom, "svg", "chart-means");
    let want: BTreeMap<String, String> = list
        .iter()
        .map(|r| (r["cadre_id"].clone(), r["mean"].clone()))
        .collect();
    assert_eq!(dots(chart), want, "one dot per cadre, at its mean");
    let chart = element(&dom, "svg", "chart-commend-quota");
    let mut groups: BTreeMap<String, (u32, String, String)> = BTreeMap::new();
    for r in &list {
        let g = groups
            .entry(format!("{}/{}", r["town"], r["sequence"]))
            .or_insert((0, r["quota"].clone(), r["group_size"].clone()));
        g.0 += u32::from(r["candidate"] == "true");
    }
    for (key, (used, quota, size)) in &groups {
        assert_eq!(label(chart, key, "used"), used.to_string(), "{key}");
        assert_eq!(&label(chart, key, "quota"), quota, "{key}");
        assert_eq!(&label(chart, key, "size"), size, "{key}");
    }

    archive_in_chromium(&env, &bin);
}

/// The work archive (Art.15) of a cadre with two appraisals and an award: every part's table
/// as long as the json's list, and the charts' labels equal to the json's figures.
fn archive_in_chromium(env: &Env, bin: &Path) {
    let cadre = "T01V05-04";
    env.import(
        "awards",
        &super::harness::sample("awards.csv").display().to_string(),
    );
    let page = env.dir().join("archive.html");
    env.kaohe(&[
        "archive",
        "--cadre",
        cadre,
        "--format",
        "html",
        "--out",
        &page.display().to_string(),
    ])
    .ok();
    let dom = load(env, bin, &page, "archive-T01V05-04.png");
    assert!(!dom.contains("<script"), "no script");
    let out = env
        .kaohe(&["archive", "--cadre", cadre, "--format", "json"])
        .ok()
        .stdout();
    let json: serde_json::Value = serde_json::from_str(&out).expect("archive json");
    let list = |key: &str| json[key].as_array().cloned().unwrap_or_default();
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();

    // Every part with rows is a table with one row per item; a part without has none.
    element(&dom, "table", "t-cadre");
    for (key, id) in [
        ("history", "t-history"),
        ("appraisals", "t-appraisals"),
        ("events", "t-events"),
        ("inspections", "t-inspections"),
        ("awards", "t-awards"),
        ("condolences", "t-condolences"),
        ("payments", "t-payments"),
    ] {
        let n = list(key).len();
        if n == 0 {
            assert!(!dom.contains(&format!("id=\"{id}\"")), "{id} without rows");
            continue;
        }
        let table = element(&dom, "table", id);
        assert_eq!(
            table.matches("<tr>").count() - 1,
            n,
            "{id}: one row per {key}"
        );
    }
    assert_eq!(list("appraisals").len(), 2, "2026Q2 and 2026Q3");
    assert_eq!(list("awards").len(), 1, "the commendation award");
    let table = element(&dom, "table", "t-payments");
    assert_eq!(
        table.matches("<tr class=\"sum\">").count(),
        list("year_totals").len(),
        "one 年度合计 row per year"
    );
    assert!(!dom.contains("t-health"), "no health data unless asked for");

    // The totals per quarter, with the grade and rank as 考核记录 prints them.
    let chart = element(&dom, "svg", "chart-archive-totals");
    assert!(chart.contains("<title>"), "the chart has a title");
    for a in list("appraisals") {
        let q = s(&a["quarter"]);
        assert_eq!(label(chart, &q, "value"), s(&a["total"]), "{q}");
        let rank = format!("{}/{}", a["rank"], a["group_size"]);
        assert_eq!(label(chart, &q, "rank"), rank, "{q}");
        let grade = match a["grade"].as_str() {
            Some("excellent") => "优秀",
            Some("qualified") => "合格",
            _ => "不合格",
        };
        assert_eq!(label(chart, &q, "grade"), grade, "{q}");
    }
    assert_eq!(label(chart, "60.00", "rule"), "合格 60.00");
    assert_eq!(label(chart, "90.00", "rule"), "优秀 90.00");

    // The money per year: the json's payments summed by kind in fen; the total its year total.
    let chart = element(&dom, "svg", "chart-archive-money");
    let mut sums: BTreeMap<(String, &str), i64> = BTreeMap::new();
    for p in list("payments") {
        let month = s(&p["month"]);
        let year = if month.is_empty() {
            s(&p["quarter"])
        } else {
            month
        };
        let part = match p["kind"].as_str() {
            Some("base") => "base",
            Some("performance") => "performance",
            Some("excellent_bonus" | "unqualified_deduction") => "adjustment",
            Some("completion_award" | "commendation_award") => "award",
            _ => "condolence",
        };
        *sums.entry((year[..4].to_owned(), part)).or_default() += fen(&s(&p["amount"]));
    }
    let years = list("year_totals");
    assert!(!years.is_empty());
    for y in &years {
        let year = y["year"].to_string();
        let mut parts = 0;
        for part in ["base", "performance", "adjustment", "award"] {
            let want = sums.get(&(year.clone(), part)).copied().unwrap_or_default();
            assert_eq!(label(chart, &year, part), yuan(want), "{year} {part}");
            parts += want;
        }
        assert_eq!(label(chart, &year, "total"), s(&y["amount"]), "{year}");
        assert_eq!(yuan(parts), s(&y["amount"]), "{year}: the parts add up");
    }
    assert!(
        !chart.contains("data-part=\"condolence\""),
        "no condolence part for a cadre without one"
    );

    // On paper: A4 throughout.
    let pages = print_pages(env, bin, &page, "archive-T01V05-04.pdf");
    assert!(!pages.is_empty());
    assert!(
        pages.iter().all(|p| *p == (594, 841) || *p == (841, 594)),
        "every page is A4: {pages:?}"
    );
}
