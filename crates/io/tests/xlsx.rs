//! Excel workbooks in (docs/guide.md, file formats "Excel workbooks"): the same checks as CSV, each problem
//! located as `FILE:SHEET!CELL`; number cells exact or refused, date cells in both date
//! systems, formula and error cells refused; and the templates of `kaohe template`.
//!
//! Workbooks are written here with rust_xlsxwriter, and by hand (a zip of minimal XML parts),
//! so that shared and inline strings, a double stored as `0.30000000000000004`, the 1904 date
//! system, a formula with a cached value and an error cell are exactly what the file holds.

use std::io::Write as _;

use kaohe_domain::Money;
use kaohe_io::{
    Input, ROSTER_COLUMNS, ReadError, Template, read_events_bytes, read_roster_bytes,
    template_xlsx_bytes,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use crate::common::{ctx, policy, roster};

/// A workbook of minimal XML parts: one sheet named `sheet` with `rows` (the `<row>`
/// elements) and `extra` after `<sheetData>` (merged cells), shared strings `shared`, and a
/// style 1 with the built-in date format 14.
fn hand_built(sheet: &str, rows: &str, extra: &str, shared: &[&str], date1904: bool) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const CT: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    let sst: String = shared
        .iter()
        .map(|s| format!("<si><t xml:space=\"preserve\">{s}</t></si>"))
        .collect();
    let parts = [
        (
            "[Content_Types].xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
                 <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                 <Override PartName=\"/xl/workbook.xml\" ContentType=\"{CT}.sheet.main+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"{CT}.worksheet+xml\"/>\
                 <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"{CT}.sharedStrings+xml\"/>\
                 <Override PartName=\"/xl/styles.xml\" ContentType=\"{CT}.styles+xml\"/>\
                 </Types>"
            ),
        ),
        (
            "_rels/.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{PKG}\">\
                 <Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/>\
                 </Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\">\
                 <workbookPr{}/><sheets><sheet name=\"{sheet}\" sheetId=\"1\" r:id=\"rId1\"/></sheets>\
                 </workbook>",
                if date1904 { " date1904=\"1\"" } else { "" }
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{PKG}\">\
                 <Relationship Id=\"rId1\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 <Relationship Id=\"rId2\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
                 <Relationship Id=\"rId3\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
                 </Relationships>"
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{MAIN}\" xmlns:r=\"{REL}\">\
                 <sheetData>{rows}</sheetData>{extra}</worksheet>"
            ),
        ),
        (
            "xl/sharedStrings.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"{MAIN}\" count=\"{n}\" \
                 uniqueCount=\"{n}\">{sst}</sst>",
                n = shared.len()
            ),
        ),
        (
            "xl/styles.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"{MAIN}\">\
                 <cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>\
                 </cellXfs></styleSheet>"
            ),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The roster header as shared strings 0..=8, in row 1.
fn header_row() -> String {
    let cells: String = (0..9)
        .map(|i| {
            format!(
                "<c r=\"{}1\" t=\"s\"><v>{i}</v></c>",
                (b'A' + i as u8) as char
            )
        })
        .collect();
    format!("<row r=\"1\">{cells}</row>")
}

fn inline(r: &str, s: &str) -> String {
    format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{s}</t></is></c>")
}

fn num(r: &str, v: &str) -> String {
    format!("<c r=\"{r}\"><v>{v}</v></c>")
}

fn date(r: &str, serial: &str) -> String {
    format!("<c r=\"{r}\" s=\"1\"><v>{serial}</v></c>")
}

/// A roster row: cadre id, then the fixed name/town/village/sequence (shared strings 9..=12),
/// `g` (monthly_subsidy) and `h` (start_date) cells given whole.
fn roster_row(r: u32, id: &str, g: &str, h: &str) -> String {
    format!(
        "<row r=\"{r}\">{}<c r=\"B{r}\" t=\"s\"><v>9</v></c><c r=\"C{r}\" t=\"s\"><v>10</v></c>\
         <c r=\"D{r}\" t=\"s\"><v>11</v></c><c r=\"E{r}\" t=\"s\"><v>12</v></c>{g}{h}</row>",
        inline(&format!("A{r}"), id)
    )
}

fn shared() -> Vec<&'static str> {
    let mut s: Vec<&str> = ROSTER_COLUMNS.to_vec();
    s.extend(["张三", "T1", "V1", "正职"]);
    s
}

fn workbook(bytes: Vec<u8>) -> Input {
    Input::workbook("roster.xlsx".into(), bytes, None).unwrap()
}

fn roster_of(input: &Input) -> Result<Vec<kaohe_domain::Cadre>, ReadError> {
    input.located(read_roster_bytes(input.name(), input.text()))
}

/// Each problem as `place: column: message` for compact assertions.
fn places(e: &ReadError) -> Vec<String> {
    e.problems()
        .iter()
        .map(|p| p.cell.clone().unwrap_or_else(|| p.line.to_string()))
        .collect()
}

/// Shared and inline strings, a number cell shown exactly, a date cell, empty cells (the
/// position and end date are absent), an empty trailing row of styled cells.
#[test]
fn hand_built_good_roster() {
    let rows = format!(
        "{}{}{}<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"G5\" s=\"1\"/></row>",
        header_row(),
        roster_row(2, "C001", &num("G2", "1406.08"), &date("H2", "43831")),
        roster_row(3, "C002", &num("G3", "1500"), &date("H3", "46204")),
    );
    let input = workbook(hand_built("花名册", &rows, "", &shared(), false));
    assert_eq!(input.sheet(), Some("花名册"));
    let cadres = roster_of(&input).unwrap();
    assert_eq!(cadres.len(), 2);
    assert_eq!(cadres[0].id.as_str(), "C001");
    assert_eq!(cadres[0].name, "张三");
    assert_eq!(cadres[0].monthly_subsidy, Money::from_hundredths(140_608));
    // 43831 is 2020-01-01 and 46204 2026-07-01 in the 1900 date system.
    assert_eq!(cadres[0].start_date.to_string(), "2020-01-01");
    assert_eq!(cadres[1].start_date.to_string(), "2026-07-01");
    assert_eq!(cadres[1].monthly_subsidy, Money::from_hundredths(150_000));
    assert_eq!(cadres[0].position, "");
    assert_eq!(cadres[0].end_date, None);
}

/// The same serial numbers mean other dates in the 1904 system: 42369 is 2020-01-01.
#[test]
fn hand_built_1904_dates() {
    let rows = format!(
        "{}{}",
        header_row(),
        roster_row(2, "C001", &num("G2", "1406.08"), &date("H2", "42369")),
    );
    let cadres = roster_of(&workbook(hand_built("花名册", &rows, "", &shared(), true))).unwrap();
    assert_eq!(cadres[0].start_date.to_string(), "2020-01-01");
}

/// Every refusal names its cell: a double that is not a two-decimal amount (0.1 + 0.2 as
/// Excel stores it), a formula (even with a cached value), an error cell, a date with a time
/// of day, and a check of the CSV reader (a bad date typed as text) after a multi-line cell.
#[test]
fn hand_built_refusals_name_their_cells() {
    let rows = format!(
        "{}{}{}{}{}{}",
        header_row(),
        roster_row(
            2,
            "C001",
            &num("G2", "0.30000000000000004"),
            &date("H2", "43831")
        ),
        roster_row(
            3,
            "C002",
            "<c r=\"F3\" t=\"inlineStr\"><is><t>文\n书</t></is></c><c r=\"G3\"><f>G2*2</f><v>0.6</v></c>",
            &date("H3", "43831")
        ),
        roster_row(
            4,
            "C003",
            "<c r=\"G4\" t=\"e\"><v>#DIV/0!</v></c>",
            &date("H4", "43831.5")
        ),
        roster_row(
            5,
            "C004",
            &num("G5", "1406.08"),
            &inline("H5", "2020-13-01")
        ),
        roster_row(6, "C005", &num("G6", "1406.080"), &date("H6", "43831")),
    );
    let input = workbook(hand_built("花名册", &rows, "", &shared(), false));
    let e = roster_of(&input).unwrap_err();
    assert_eq!(
        places(&e),
        [
            "花名册!G2",
            "花名册!F3",
            "花名册!G3",
            "花名册!G4",
            "花名册!H4",
            "花名册!H5"
        ],
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains(
            "roster.xlsx:花名册!G2: column `monthly_subsidy`: `0.30000000000000004` has more \
             than 2 decimals"
        ),
        "{text}"
    );
    assert!(
        text.contains("roster.xlsx:花名册!G3: column `monthly_subsidy`: is a formula (`=G2*2`)"),
        "{text}"
    );
    assert!(
        text.contains(
            "roster.xlsx:花名册!G4: column `monthly_subsidy`: holds the spreadsheet error `#DIV/0!`"
        ),
        "{text}"
    );
    assert!(text.contains("roster.xlsx:花名册!H4: column `start_date`: is a date with a time of day (2020-01-01 12:00:00)"), "{text}");
    assert!(
        text.contains("roster.xlsx:花名册!H5: column `start_date`: `2020-13-01`"),
        "{text}"
    );
    assert!(
        text.contains("roster.xlsx:花名册!F3: column `position`"),
        "{text}"
    );
    assert!(text.starts_with("roster.xlsx: 6 problems"), "{text}");
    // Row 6 is good: `1406.080` is the double 1406.08.
}

/// A merged header cell holds its text in its first cell only: the column it spans is an
/// empty header field, and the column it hid is missing.
#[test]
fn merged_header_cells_are_refused_by_cell() {
    let mut cells: String = (0..9)
        .filter(|&i| i != 1)
        .map(|i| {
            format!(
                "<c r=\"{}1\" t=\"s\"><v>{i}</v></c>",
                (b'A' + i as u8) as char
            )
        })
        .collect();
    cells = cells.replacen("<c r=\"C1\"", "<c r=\"B1\"/><c r=\"C1\"", 1);
    let rows = format!(
        "<row r=\"1\">{cells}</row>{}",
        roster_row(2, "C001", &num("G2", "1406.08"), &date("H2", "43831"))
    );
    let merged = "<mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>";
    let e = roster_of(&workbook(hand_built(
        "花名册",
        &rows,
        merged,
        &shared(),
        false,
    )))
    .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("roster.xlsx:花名册!B1: column ``: field 2 of the header is empty"),
        "{text}"
    );
    assert!(
        text.contains("roster.xlsx:花名册!1:1: column `name`: missing column"),
        "{text}"
    );
}

/// Not a workbook, a sheet that is not there, a sheet chosen by name, an empty sheet.
#[test]
fn sheets_and_broken_workbooks() {
    let e = Input::workbook("x.xlsx".into(), b"cadre_id,name\n".to_vec(), None).unwrap_err();
    assert!(matches!(e, ReadError::Workbook { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("x.xlsx: is not an Excel workbook"),
        "{e}"
    );

    let mut wb = Workbook::new();
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "见第二页")
        .unwrap();
    let ws = wb.add_worksheet().set_name("花名册").unwrap();
    for (i, c) in ROSTER_COLUMNS.iter().enumerate() {
        ws.write_string(0, i as u16, *c).unwrap();
    }
    wb.add_worksheet().set_name("空").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let e = Input::workbook("r.xlsx".into(), bytes.clone(), Some("名单")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "r.xlsx: has no sheet `名单`; its sheets are: 说明, 花名册, 空"
    );
    let chosen = Input::workbook("r.xlsx".into(), bytes.clone(), Some("花名册")).unwrap();
    assert_eq!(roster_of(&chosen).unwrap().len(), 0);
    // The first sheet by default: its header is refused, located.
    let first = Input::workbook("r.xlsx".into(), bytes.clone(), None).unwrap();
    let e = roster_of(&first).unwrap_err();
    assert!(
        e.to_string()
            .contains("r.xlsx:说明!A1: column `见第二页`: unknown column"),
        "{e}"
    );
    let empty = Input::workbook("r.xlsx".into(), bytes, Some("空")).unwrap();
    let e = roster_of(&empty).unwrap_err();
    assert!(
        e.to_string().contains("r.xlsx:空!1:1: the file is empty"),
        "{e}"
    );
}

/// A workbook as rust_xlsxwriter writes it: numbers, dates with a date format, a formula with
/// a cached result, text with a comma and a quote, a value right of the header.
#[test]
fn written_by_rust_xlsxwriter() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("花名册").unwrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (i, c) in ROSTER_COLUMNS.iter().enumerate() {
        ws.write_string(0, i as u16, *c).unwrap();
    }
    let rows: [(&str, &str, f64); 3] = [
        ("C001", "张三, \"老张\"", 1406.08),
        ("C002", "李四", 1500.07),
        ("C003", "王五", 0.30000000000000004),
    ];
    for (r, (id, name, pay)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, "T1").unwrap();
        ws.write_string(r, 3, "V1").unwrap();
        ws.write_string(r, 4, "正职").unwrap();
        ws.write_number(r, 6, *pay).unwrap();
        ws.write_datetime_with_format(r, 7, ExcelDateTime::from_ymd(2020, 1, 1).unwrap(), &day)
            .unwrap();
    }
    let bytes = {
        let mut good = Workbook::new();
        let g = good.add_worksheet().set_name("花名册").unwrap();
        for (i, c) in ROSTER_COLUMNS.iter().enumerate() {
            g.write_string(0, i as u16, *c).unwrap();
        }
        for (r, (id, name, pay)) in rows[..2].iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in [(0u16, *id), (1, *name), (2, "T1"), (3, "V1"), (4, "正职")] {
                g.write_string(r, c, v).unwrap();
            }
            g.write_number(r, 6, *pay).unwrap();
            g.write_datetime_with_format(r, 8, ExcelDateTime::from_ymd(2026, 9, 30).unwrap(), &day)
                .unwrap();
            g.write_datetime_with_format(r, 7, ExcelDateTime::from_ymd(2020, 1, 1).unwrap(), &day)
                .unwrap();
        }
        good.save_to_buffer().unwrap()
    };
    let cadres = roster_of(&workbook(bytes)).unwrap();
    assert_eq!(cadres[0].name, "张三, \"老张\"");
    assert_eq!(cadres[0].monthly_subsidy, Money::from_hundredths(140_608));
    assert_eq!(cadres[1].monthly_subsidy, Money::from_hundredths(150_007));
    assert_eq!(
        cadres[1].end_date.map(|d| d.to_string()).as_deref(),
        Some("2026-09-30")
    );

    ws.write_formula(3, 5, Formula::new("=B4&\"x\"").set_result("王五x"))
        .unwrap();
    ws.write_string(2, 9, "stray").unwrap();
    let e = roster_of(&workbook(wb.save_to_buffer().unwrap())).unwrap_err();
    assert_eq!(places(&e), ["花名册!J3", "花名册!F4", "花名册!G4"], "{e}");
    let text = e.to_string();
    assert!(
        text.contains("花名册!J3: lies outside the header's columns"),
        "{text}"
    );
    assert!(
        text.contains("花名册!F4: column `position`: is a formula"),
        "{text}"
    );
    assert!(
        text.contains("`0.30000000000000004` has more than 2 decimals"),
        "{text}"
    );
}

/// Checks against the roster and policy come through located too (events of the sample's
/// shape).
#[test]
fn events_checked_against_the_roster() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("事件").unwrap();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (i, c) in kaohe_io::EVENTS_COLUMNS.iter().enumerate() {
        ws.write_string(0, i as u16, *c).unwrap();
    }
    for (r, (id, subject, kind)) in [("E1", "V1", "inspection_praise"), ("E2", "V9", "praise")]
        .iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_datetime_with_format(r, 1, ExcelDateTime::from_ymd(2026, 7, 3).unwrap(), &day)
            .unwrap();
        ws.write_string(r, 2, *subject).unwrap();
        ws.write_string(r, 3, *kind).unwrap();
        ws.write_string(r, 4, "county").unwrap();
    }
    let input = Input::workbook("events.xlsx".into(), wb.save_to_buffer().unwrap(), None).unwrap();
    let r = roster();
    let e = input
        .located(read_events_bytes(input.name(), input.text(), &ctx(&r)))
        .unwrap_err();
    assert_eq!(places(&e), ["事件!C3", "事件!D3"], "{e}");
    assert!(
        e.to_string()
            .contains("events.xlsx:事件!D3: column `kind`: `praise` is not an event kind"),
        "{e}"
    );
}

/// A template: the header row is the file's columns, row 2 the notes, frozen, with cell
/// validation; filled in (the template's two rows kept, data below) it imports as it is.
#[test]
fn a_filled_template_imports() {
    use calamine::{Data, Reader, Xlsx};
    let bytes = template_xlsx_bytes(Template::Roster, policy()).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["花名册"]);
    let range = wb.worksheet_range("花名册").unwrap();
    let row = |r: u32| -> Vec<String> {
        (0..9)
            .map(|c| match range.get_value((r, c)) {
                Some(Data::String(s)) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(row(0), ROSTER_COLUMNS);
    let notes = row(1);
    assert!(notes[6].contains("最多两位小数"), "{notes:?}");
    // The sheet's XML: frozen below row 2, validation of the date and money columns.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains("ySplit=\"2\"") && xml.contains("topLeftCell=\"A3\""),
        "{xml}"
    );
    assert!(
        xml.contains("type=\"date\"") && xml.contains("sqref=\"H3:H1048576\""),
        "{xml}"
    );
    assert!(xml.contains("ROUND(G3,2)=G3"), "{xml}");
    let events = template_xlsx_bytes(Template::Events, policy()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(events)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains("type=\"list\"") && xml.contains("national,provincial,municipal,county"),
        "{xml}"
    );
    assert!(xml.contains("media_exposure"), "{xml}");

    // Filled in: the two rows of the template, then data.
    let mut filled = Workbook::new();
    let ws = filled.add_worksheet().set_name("花名册").unwrap();
    for (c, (h, n)) in ROSTER_COLUMNS.iter().zip(&notes).enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
        ws.write_string(1, c as u16, n).unwrap();
    }
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (c, v) in [
        (0u16, "007"),
        (1, "张三"),
        (2, "T1"),
        (3, "V1"),
        (4, "正职"),
    ] {
        ws.write_string(2, c, v).unwrap();
    }
    ws.write_number(2, 6, 1406.08).unwrap();
    ws.write_datetime_with_format(2, 7, ExcelDateTime::from_ymd(2020, 1, 1).unwrap(), &day)
        .unwrap();
    let input = Input::workbook("t.xlsx".into(), filled.save_to_buffer().unwrap(), None).unwrap();
    let cadres = roster_of(&input).unwrap();
    assert_eq!(cadres.len(), 1);
    assert_eq!(cadres[0].id.as_str(), "007");
    // A second row that is not the template's notes is data, and checked as such.
    filled
        .worksheet_from_index(0)
        .unwrap()
        .write_string(1, 0, "干部编号")
        .unwrap();
    let input = Input::workbook("t.xlsx".into(), filled.save_to_buffer().unwrap(), None).unwrap();
    let e = roster_of(&input).unwrap_err();
    assert!(places(&e).contains(&"花名册!G2".to_owned()), "{e}");
}

/// A stray value in the sheet's last cell is refused by its cell, and costs no memory for the
/// empty cells up to it (a dense sheet of that size would be billions of cells); a text cell
/// holding nothing is an empty cell.
#[test]
fn a_stray_value_far_away() {
    let rows = format!(
        "{}{}<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t></t></is></c></row>\
         <row r=\"1048576\">{}</row>",
        header_row(),
        roster_row(2, "C001", &num("G2", "1406.08"), &date("H2", "43831")),
        inline("XFD1048576", "x"),
    );
    let e = roster_of(&workbook(hand_built("花名册", &rows, "", &shared(), false))).unwrap_err();
    assert_eq!(places(&e), ["花名册!XFD1048576"], "{e}");
    assert!(
        e.to_string()
            .contains("lies outside the header's columns (the header ends at column I)"),
        "{e}"
    );
}

/// A formula filled down (a shared formula: the cells below the first hold no text of their
/// own) is refused in every cell.
#[test]
fn shared_formulas_are_refused_in_every_cell() {
    let rows = format!(
        "{}{}{}{}",
        header_row(),
        roster_row(
            2,
            "C001",
            "<c r=\"G2\"><f t=\"shared\" ref=\"G2:G4\" si=\"0\">1406.08*1</f><v>1406.08</v></c>",
            &date("H2", "43831")
        ),
        roster_row(
            3,
            "C002",
            "<c r=\"G3\"><f t=\"shared\" si=\"0\"/><v>1406.08</v></c>",
            &date("H3", "43831")
        ),
        roster_row(
            4,
            "C003",
            "<c r=\"G4\"><f t=\"shared\" si=\"0\"/><v>1406.08</v></c>",
            &date("H4", "43831")
        ),
    );
    let e = roster_of(&workbook(hand_built("花名册", &rows, "", &shared(), false))).unwrap_err();
    assert_eq!(places(&e), ["花名册!G2", "花名册!G3", "花名册!G4"], "{e}");
    assert!(
        e.to_string()
            .contains("花名册!G2: column `monthly_subsidy`: is a formula (`=1406.08*1`)"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("花名册!G3: column `monthly_subsidy`: is a formula"),
        "{e}"
    );
}
