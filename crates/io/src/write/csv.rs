//! `--format csv` of the report (SPEC 5.3) and the ledger (SPEC 5.4).

use std::fmt::{Display, Write as _};
use std::io::Write;

use kaohe_domain::{LedgerEntry, SettlementLine};

use super::ledger_order;
use crate::columns::{LEDGER_COLUMNS, REPORT_COLUMNS};
use crate::error::WriteError;
use crate::summary::in_report_order;

/// A CSV writer with a scratch buffer, so numbers are formatted without an allocation each.
struct Out<W: Write> {
    w: csv::Writer<W>,
    scratch: String,
}

impl<W: Write> Out<W> {
    fn new(w: W) -> Out<W> {
        Out {
            w: csv::WriterBuilder::new().from_writer(w),
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

/// Writes the settlement report as CSV (SPEC 5.3): the header, then one row per line in
/// report order; scores and money with exactly two decimals, never `-0.00`; `flags` sorted and
/// joined by `;`. Records end with `\n`; a field is quoted only when it must be (a name with a
/// comma).
pub fn write_report_csv(w: impl Write, lines: &[SettlementLine]) -> Result<(), WriteError> {
    let mut o = Out::new(w);
    o.w.write_record(REPORT_COLUMNS)?;
    for l in in_report_order(lines) {
        o.show(l.quarter)?;
        o.text(l.cadre_id.as_str())?;
        o.text(&l.name)?;
        o.text(l.town.as_str())?;
        o.text(l.village.as_str())?;
        o.text(l.sequence.as_str())?;
        o.show(l.base_score)?;
        o.show(l.bonus)?;
        o.show(l.deduction)?;
        o.show(l.total)?;
        o.show(l.rank)?;
        o.show(l.group_size)?;
        o.show(l.quota)?;
        o.text(l.grade.as_str())?;
        o.show(l.standard)?;
        o.show(l.base_paid)?;
        o.show(l.performance_standard)?;
        o.show(l.adjustment)?;
        o.show(l.performance_paid)?;
        o.show(l.total_paid)?;
        o.show(l.flags)?;
        o.end()?;
    }
    o.finish()
}

/// Writes ledger entries as CSV (SPEC 5.4), by quarter and entry: `month` is `YYYY-MM` for
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
        o.text(e.article)?;
        o.end()?;
    }
    o.finish()
}
