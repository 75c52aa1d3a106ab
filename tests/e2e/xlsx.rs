//! Excel workbooks (docs/guide.md, file formats, "Excel workbooks"; `import KIND FILE.xlsx [--sheet NAME]`,
//! `template KIND --out FILE.xlsx`): the sample county imported from workbooks gives the very
//! bytes of the CSV import; every bad-input case of [`super::bad_input`] has a workbook twin,
//! refused with `FILE:SHEET!CELL`; templates are written 0600 and import once filled in.
//!
//! Workbooks are made here from the CSV files with rust_xlsxwriter: money and points as number
//! cells (the double nearest the text), dates as date cells, the rest as text cells.

use kaohe_domain::Date;
use kaohe_io::Template;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::bad_input::{At, cases, nothing_changed};
use super::harness::{Env, sample};

const NUMBERS: [&str; 3] = ["monthly_subsidy", "points", "amount"];
const DATES: [&str; 3] = ["start_date", "end_date", "date"];

fn sheet_of(kind: &str) -> &'static str {
    match kind {
        "roster" => Template::Roster.sheet_name(),
        "scores" => Template::Scores.sheet_name(),
        "events" => Template::Events.sheet_name(),
        "awards" => Template::Awards.sheet_name(),
        _ => Template::Condolences.sheet_name(),
    }
}

/// The CSV text `csv` as a workbook of one sheet `sheet` (see the module notes). A value that
/// is not a number or a valid date stays text, as a clerk's typo would; with `same_text`, so
/// does a number whose cell would show other digits (`-5.00` shows as `-5`), so that a
/// message quoting the value quotes the CSV's text.
fn to_xlsx(csv: &[u8], sheet: &str, same_text: bool) -> Vec<u8> {
    let csv = csv.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).expect("sheet name");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let mut header: Vec<String> = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.expect("a CSV record");
        if r == 0 {
            header = rec.iter().map(str::to_owned).collect();
        }
        let row = u32::try_from(r).expect("rows");
        for (c, v) in rec.iter().enumerate() {
            let col = u16::try_from(c).expect("columns");
            let name = header.get(c).map_or("", String::as_str);
            if v.is_empty() {
                continue;
            }
            if r > 0
                && NUMBERS.contains(&name)
                && let Ok(f) = v.parse::<f64>()
                && (!same_text || f.to_string() == v)
            {
                ws.write_number(row, col, f).expect("number cell");
                continue;
            }
            if r > 0
                && DATES.contains(&name)
                && let Ok(d) = Date::parse(v)
            {
                let (y, m, dd) = (&v[0..4], &v[5..7], &v[8..10]);
                let x = ExcelDateTime::from_ymd(
                    y.parse().expect("year"),
                    m.parse().expect("month"),
                    dd.parse().expect("day"),
                )
                .expect("a date");
                assert_eq!(d.to_string(), v);
                ws.write_datetime_with_format(row, col, &x, &day)
                    .expect("date cell");
                continue;
            }
            ws.write_string(row, col, v).expect("text cell");
        }
    }
    wb.save_to_buffer().expect("a workbook")
}

/// Writes `kind`'s sample CSV as `NAME.xlsx`; returns its path.
fn sample_xlsx(env: &Env, file: &str, kind: &str) -> String {
    let csv = std::fs::read(sample(&format!("{file}.csv"))).expect("a sample file");
    env.write(
        &format!("{file}.xlsx"),
        to_xlsx(&csv, sheet_of(kind), false),
    )
}

/// The sample county from workbooks: the same counts on import, and `report --format csv` of
/// both quarters byte-identical to `compute` over the CSV files (which the `compute` scenario
/// holds to the CSV import's `settle` + `report`); `compute` over the workbooks too.
pub fn sample_county_from_workbooks(env: &Env) {
    let roster = sample_xlsx(env, "roster", "roster");
    let scores = sample_xlsx(env, "scores", "scores");
    let events = sample_xlsx(env, "events", "events");
    env.import("roster", &roster)
        .stdout_has("imported 144 cadres");
    env.import("scores", &scores)
        .stdout_has("imported 3443 scores");
    env.import("events", &events).stdout_has("21 new");
    env.kaohe(&["settle", "--quarter", "2026Q2"]).ok();
    env.kaohe(&["settle", "--quarter", "2026Q3"]).ok();
    let compute = |files: [String; 3], q: &str, previous: Option<&str>| -> String {
        let mut args = vec![
            "compute".to_owned(),
            "--quarter".into(),
            q.into(),
            "--roster".into(),
            files[0].clone(),
            "--scores".into(),
            files[1].clone(),
            "--events".into(),
            files[2].clone(),
        ];
        if let Some(p) = previous {
            args.extend(["--previous".to_owned(), p.to_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.kaohe_raw(&args).ok().stdout()
    };
    let csv_files =
        ["roster", "scores", "events"].map(|f| sample(&format!("{f}.csv")).display().to_string());
    let xlsx_files = [roster, scores, events.clone()];
    let q2 = compute(csv_files.clone(), "2026Q2", None);
    let previous = env.write("q2.csv", &q2);
    let q3 = compute(csv_files, "2026Q3", Some(&previous));
    assert!(q3.contains("admonish;dismissal_review"), "{q3}");
    assert_eq!(
        env.report_csv("2026Q2"),
        q2,
        "2026Q2 from workbooks = from CSV"
    );
    assert_eq!(
        env.report_csv("2026Q3"),
        q3,
        "2026Q3 from workbooks = from CSV"
    );
    assert_eq!(compute(xlsx_files.clone(), "2026Q2", None), q2);
    assert_eq!(compute(xlsx_files, "2026Q3", Some(&previous)), q3);

    // Awards and condolences too (Art.12, Art.13, Art.16).
    let awards = sample_xlsx(env, "awards", "awards");
    env.import("awards", &awards).stdout_has("3 new");
    let condolences = sample_xlsx(env, "condolences", "condolences");
    env.import("condolences", &condolences).stdout_has("1 new");

    // --sheet: another sheet by name; an unknown one is refused with the sheet names; a CSV
    // file takes no --sheet.
    env.kaohe(&["import", "events", &events, "--sheet", "加减分事件"])
        .ok()
        .stdout_has("21 already stored unchanged");
    env.kaohe(&["import", "events", &events, "--sheet", "Sheet9"])
        .code(2)
        .stderr_has(&format!(
            "{events}: has no sheet `Sheet9`; its sheets are: 加减分事件"
        ));
    let csv = sample("events.csv").display().to_string();
    env.kaohe(&["import", "events", &csv, "--sheet", "x"])
        .code(2)
        .stderr_has("is for an Excel workbook");
    // A CSV file named .xlsx is refused as not a workbook.
    let fake = env.write(
        "fake.XLSX",
        std::fs::read(sample("events.csv")).expect("events"),
    );
    env.kaohe(&["import", "events", &fake])
        .code(2)
        .stderr_has(&format!("{fake}: is not an Excel workbook"));
}

/// The column letter of `column` in the header line of `body`, if it is there.
fn letter(body: &[u8], column: &str) -> Option<char> {
    let text = String::from_utf8_lossy(body);
    let header = text.lines().next().unwrap_or("");
    header
        .split(',')
        .position(|h| h == column)
        .map(|i| char::from(b'A' + u8::try_from(i).expect("a narrow header")))
}

/// Every bad-input case of the CSV suite, as a workbook: refused (exit 2) at its cell, saying
/// what the CSV refusal says, and nothing imported. The one CSV-only case (bytes that are not
/// UTF-8) has no twin: a workbook's text is Unicode.
pub fn bad_input_twins_located(env: &Env) {
    env.settle_sample();
    let mut twins = 0;
    let all = cases();
    let total = all.len();
    for case in all {
        if std::str::from_utf8(&case.body).is_err() {
            continue;
        }
        let sheet = sheet_of(case.kind);
        let path = env.write(
            &format!("{}.xlsx", case.name),
            to_xlsx(&case.body, sheet, true),
        );
        let r = env.kaohe(&["import", case.kind, &path]).code(2);
        let (line, column) = match case.at {
            At::Line(line, column) => (line, column),
            At::File => (
                3,
                Some(if case.kind == "roster" {
                    "town"
                } else {
                    "event_id"
                }),
            ),
        };
        let at = match column.and_then(|c| letter(&case.body, c)) {
            Some(l) => format!("{path}:{sheet}!{l}{line}: "),
            None => format!("{path}:{sheet}!{line}:{line}: "),
        };
        r.stderr_has(&at);
        if let Some(c) = column {
            r.stderr_has(&format!("{at}column `{c}`"));
        }
        for s in case.says {
            r.stderr_has(s);
        }
        twins += 1;
    }
    assert_eq!(twins, total - 1, "every case but the GBK one has a twin");
    nothing_changed(env, "the workbook twins");
}

/// `kaohe template KIND --out FILE.xlsx`: a workbook readable by its owner only, that imports
/// (nothing) as it is and, filled in below its two rows, imports the rows.
pub fn templates_written_and_filled(env: &Env) {
    for kind in [
        "roster",
        "scores",
        "events",
        "awards",
        "condolences",
        "inspections",
        "health",
    ] {
        let out = env.path(&format!("{kind}-template.xlsx"));
        env.kaohe(&["template", kind, "--out", &out]).ok();
        let bytes = std::fs::read(&out).expect("the template");
        assert!(bytes.starts_with(b"PK"), "{kind}: not a zip");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&out)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{kind}: mode {mode:o}");
        }
    }
    env.kaohe(&["template", "payroll", "--out", &env.path("x.xlsx")])
        .code(2);

    // The empty template is its header and notes: it reads as a file without rows.
    let input = kaohe_io::Input::open(
        std::path::Path::new(&env.path("roster-template.xlsx")),
        None,
    )
    .expect("the template reads");
    assert_eq!(
        String::from_utf8_lossy(input.text()),
        format!("{}\n", kaohe_io::ROSTER_COLUMNS.join(","))
    );

    // Filled in: the template's two rows, then a cadre.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(Template::Roster.sheet_name()).expect("name");
    for (c, (h, n)) in Template::Roster
        .columns()
        .iter()
        .zip(Template::Roster.notes())
        .enumerate()
    {
        let c = u16::try_from(c).expect("columns");
        ws.write_string(0, c, *h).expect("header");
        ws.write_string(1, c, n).expect("note");
    }
    for (c, v) in ["T09V09-01", "填表人", "T09", "T09V09", "委员", "文书"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, u16::try_from(c).expect("c"), *v)
            .expect("cell");
    }
    ws.write_number(2, 6, 1406.08).expect("number");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_datetime_with_format(2, 7, ExcelDateTime::from_ymd(2021, 1, 1).expect("d"), &day)
        .expect("date");
    let filled = env.write("filled.xlsx", wb.save_to_buffer().expect("workbook"));
    env.import("roster", &filled)
        .stdout_has("imported 1 cadres");
}
