//! `--format csv` of the report (docs/reference.md, settlement report) and the ledger (docs/reference.md, ledger).

use std::fmt::{Display, Write as _};
use std::io::Write;

use kaohe_domain::{LedgerEntry, SettlementLine};

use super::ledger_order;
use crate::columns::{LEDGER_COLUMNS, REPORT_COLUMNS};
use crate::error::WriteError;
use crate::summary::{in_report_order, report_key};

/// A CSV writer with a scratch buffer, so numbers are formatted without an allocation each.
struct Out<W: Write> {
    w: csv::Writer<W>,
    scratch: String,
}

impl<W: Write> Out<W> {
    fn new(w: W) -> Out<W> {
        Out {
            w: csv::WriterBuilder::new()
                .buffer_capacity(1 << 16)
                .from_writer(w),
            scratch: String::new(),
        }
    }
    fn text(&mut self, s: &str) -> Result<(), WriteError> {
        Ok(self.w.write_field(s)?)
    }
    fn show(&mut self, v: impl Display) -> Result<(), WriteError> {
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        Ok(self.w.write_field(&self.scratch)?)
    }
    fn end(&mut self) -> Result<(), WriteError> {
        Ok(self.w.write_record(None::<&[u8]>)?)
    }
    fn finish(mut self) -> Result<(), WriteError> {
        self.w.flush()?;
        Ok(())
    }
}

/// Writes the settlement report as CSV (docs/reference.md, settlement report): the header, then one row per line in
/// report order; scores and money with exactly two decimals (as `Points` and `Money` display
/// them), never `-0.00`; `flags` sorted and joined by `;`. Records end with `\n`; a field is
/// quoted only when it must be (a name with a comma), as the `csv` crate writes it.
pub fn write_report_csv(w: impl Write, lines: &[SettlementLine]) -> Result<(), WriteError> {
    let mut o = Out::new(w);
    o.w.write_record(REPORT_COLUMNS)?;
    for l in in_report_order(lines) {
        report_row(&mut o, l)?;
    }
    o.finish()
}

/// One row of the settlement report (docs/reference.md, settlement report).
fn report_row<W: Write>(o: &mut Out<W>, l: &SettlementLine) -> Result<(), WriteError> {
    o.show(l.quarter)?;
    for t in [
        l.cadre_id.as_str(),
        &l.name,
        l.town.as_str(),
        l.village.as_str(),
        l.sequence.as_str(),
    ] {
        o.text(t)?;
    }
    for p in [l.base_score, l.bonus, l.deduction, l.total] {
        o.show(p)?;
    }
    for n in [l.rank, l.group_size, l.quota] {
        o.show(n)?;
    }
    o.text(l.grade.as_str())?;
    for m in [
        l.standard,
        l.base_paid,
        l.performance_standard,
        l.adjustment,
        l.performance_paid,
        l.total_paid,
    ] {
        o.show(m)?;
    }
    o.show(l.flags)?;
    o.end()
}

/// The settlement report as CSV written part by part, for lines made in report order a part
/// at a time (`kaohe compute` of a national quarter holds no more than a part): the same bytes
/// as [`write_report_csv`] of all the parts together. Each part is put in report order; a
/// part that does not follow the one before in report order is refused (the lines were not
/// made in report order, and only the whole could be sorted).
pub struct ReportCsv<W: Write> {
    o: Out<W>,
    /// The last line written, which the next part must not come before.
    last: Option<SettlementLine>,
}

impl<W: Write> std::fmt::Debug for ReportCsv<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportCsv").finish_non_exhaustive()
    }
}

impl<W: Write> ReportCsv<W> {
    /// Starts the report: writes the header.
    pub fn new(w: W) -> Result<ReportCsv<W>, WriteError> {
        let mut o = Out::new(w);
        o.w.write_record(REPORT_COLUMNS)?;
        Ok(ReportCsv { o, last: None })
    }

    /// Writes the next part of the lines.
    pub fn part(&mut self, lines: &[SettlementLine]) -> Result<(), WriteError> {
        let sorted = in_report_order(lines);
        if let (Some(last), Some(&first)) = (&self.last, sorted.first())
            && report_key(first) < report_key(last)
        {
            return Err(WriteError::OutOfOrder {
                cadre: first.cadre_id.as_str().to_owned(),
                after: last.cadre_id.as_str().to_owned(),
            });
        }
        for &l in &sorted {
            report_row(&mut self.o, l)?;
        }
        if let Some(&l) = sorted.last() {
            self.last = Some(l.clone());
        }
        Ok(())
    }

    /// Ends the report: flushes it.
    pub fn finish(self) -> Result<(), WriteError> {
        self.o.finish()
    }
}

/// Writes the audit log as CSV: `time,user,command,files`, oldest first; a field that would
/// start like a spreadsheet formula gets a leading `'`.
pub fn write_audit_csv(w: impl Write, rows: &[super::AuditRow]) -> Result<(), WriteError> {
    let mut o = Out::new(w);
    o.w.write_record(crate::columns::AUDIT_COLUMNS)?;
    for r in rows {
        for field in [&r.time, &r.user, &r.command, &r.files] {
            o.text(&super::inert(field))?;
        }
        o.end()?;
    }
    o.finish()
}

/// Writes ledger entries as CSV (docs/reference.md, ledger), by quarter and entry: `month` is `YYYY-MM` for
/// `base` entries and empty otherwise; `amount` signed with two decimals.
pub fn write_ledger_csv(w: impl Write, entries: &[LedgerEntry]) -> Result<(), WriteError> {
    let mut o = Out::new(w);
    o.w.write_record(LEDGER_COLUMNS)?;
    for e in ledger_order(entries) {
        o.show(e.quarter)?;
        o.show(e.revision)?;
        o.show(e.entry)?;
        o.text(e.cadre_id.as_str())?;
        o.text(e.kind.as_str())?;
        match e.month {
            Some(m) => o.show(m)?,
            None => o.text("")?,
        }
        o.show(e.amount)?;
        o.text(e.article())?;
        o.end()?;
    }
    o.finish()
}

#[cfg(test)]
mod tests {
    use kaohe_domain::{
        CadreId, Decimal, Flag, Flags, Grade, Money, Points, Quarter, Sequence, SettlementLine,
        TownCode, VillageCode,
    };

    use super::*;

    fn line(id: &str, name: &str, village: &str, rank: u32) -> SettlementLine {
        let p = |m: i64, s: u32| Points::from_decimal(Decimal::new(m, s)).unwrap();
        let m = |v: i64, s: u32| Money::from_decimal(Decimal::new(v, s)).unwrap();
        SettlementLine {
            quarter: Quarter::new(2026, 3).unwrap(),
            cadre_id: CadreId::parse(id).unwrap(),
            name: name.to_owned(),
            town: TownCode::parse("T1").unwrap(),
            village: VillageCode::parse(village).unwrap(),
            sequence: Sequence::parse("正职").unwrap(),
            base_score: p(875, 1),
            bonus: p(-0, 2),
            deduction: p(3, 0),
            total: p(-1, 2),
            rank,
            group_size: 2,
            quota: 1,
            grade: Grade::Excellent,
            standard: m(1500, 0),
            base_paid: m(-134_983, 2),
            performance_standard: m(7, 2),
            adjustment: m(0, 0),
            performance_paid: m(1, 0),
            total_paid: m(100, 2),
            flags: Flags::default(),
        }
    }

    /// Written out by hand: quoted only for `,`, `"` and line breaks (a `"` doubled), two
    /// decimals always and no `-0.00`, flags sorted and joined by `;`, rows in report order
    /// (by rank here), `\n` at the end of every record.
    #[test]
    fn report_csv_bytes() {
        let mut second = line("C002", "a\nb", "V2", 2);
        second.grade = Grade::Qualified;
        second.flags.insert(Flag::DismissalReview);
        second.flags.insert(Flag::Admonish);
        let mut first = line("C001", "李四, 小", "V\"1", 1);
        first.flags.insert(Flag::Recommend);
        let mut out = Vec::new();
        write_report_csv(&mut out, &[second, first]).unwrap();
        let expected = "quarter,cadre_id,name,town,village,sequence,base_score,bonus,deduction,\
            total,rank,group_size,quota,grade,standard,base_paid,performance_standard,adjustment,\
            performance_paid,total_paid,flags\n\
            2026Q3,C001,\"李四, 小\",T1,\"V\"\"1\",正职,87.50,0.00,3.00,-0.01,1,2,1,excellent,\
            1500.00,-1349.83,0.07,0.00,1.00,1.00,recommend\n\
            2026Q3,C002,\"a\nb\",T1,V2,正职,87.50,0.00,3.00,-0.01,2,2,1,qualified,\
            1500.00,-1349.83,0.07,0.00,1.00,1.00,admonish;dismissal_review\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);

        let mut empty = Vec::new();
        write_report_csv(&mut empty, &[]).unwrap();
        assert_eq!(
            empty,
            expected.split_inclusive('\n').next().unwrap().as_bytes()
        );
    }
}
