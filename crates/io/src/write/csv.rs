//! `--format csv` of the report (SPEC 5.3) and the ledger (SPEC 5.4).

use std::fmt::{Display, Write as _};
use std::io::Write;

use kaohe_domain::{Decimal, LedgerEntry, Quarter, SettlementLine};

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
///
/// A national report is two million rows, so rows are assembled by hand rather than through
/// the `csv` crate, with the bytes it would write (a field is quoted when it holds `,`, `"`,
/// `\r` or `\n`, a `"` inside doubled; the unit test below holds the two to each other), and
/// amounts are formatted from their integer hundredths instead of through `Decimal`'s
/// `Display`.
///
/// A large report is formatted on two threads: the lines in report order are cut into runs of
/// 10 000 lines, a helper formats every other run into a buffer of its own, and the caller's
/// thread formats the others and writes every run in order — the same bytes as on one thread.
pub fn write_report_csv(mut w: impl Write, lines: &[SettlementLine]) -> Result<(), WriteError> {
    const FLUSH_AT: usize = 1 << 20;
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 4096);
    for (i, c) in REPORT_COLUMNS.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        field(&mut buf, c);
    }
    buf.push(b'\n');
    let ordered = in_report_order(lines);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || ordered.len() < 4 * RUN {
        let mut row = RowWriter::default();
        for l in ordered {
            row.write(&mut buf, l);
            if buf.len() >= FLUSH_AT {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        w.write_all(&buf)?;
        w.flush()?;
        return Ok(());
    }
    w.write_all(&buf)?;
    buf.clear();
    let runs: Vec<&[&SettlementLine]> = ordered.chunks(RUN).collect();
    std::thread::scope(|s| {
        // Formatted runs come back in order; emptied buffers go back to be filled again. A
        // closed channel (the caller gave up on a write error) ends the helper.
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let helper_runs = &runs;
        s.spawn(move || {
            let mut row = RowWriter::default();
            for run in helper_runs.iter().skip(1).step_by(2) {
                let mut b = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(FLUSH_AT + 4096));
                b.clear();
                for l in *run {
                    row.write(&mut b, l);
                }
                if full_tx.send(b).is_err() {
                    return;
                }
            }
        });
        let mut row = RowWriter::default();
        for (k, run) in runs.iter().enumerate() {
            if k % 2 == 0 {
                buf.clear();
                for l in *run {
                    row.write(&mut buf, l);
                }
                w.write_all(&buf)?;
            } else {
                let b = full_rx
                    .recv()
                    .expect("the report formatting thread ended early");
                w.write_all(&b)?;
                let _ = empty_tx.send(b);
            }
        }
        w.flush()?;
        Ok(())
    })
}

/// The lines a run of the report has when formatted on two threads (about 1.4 MB of CSV).
const RUN: usize = 10_000;

/// Formats report rows, remembering the last quarter's text and a scratch buffer.
#[derive(Default)]
struct RowWriter {
    quarter: Option<(Quarter, String)>,
    scratch: String,
}

impl RowWriter {
    /// Appends the CSV row of `l` to `buf`.
    fn write(&mut self, buf: &mut Vec<u8>, l: &SettlementLine) {
        let scratch = &mut self.scratch;
        let q = match &self.quarter {
            Some((q, text)) if *q == l.quarter => text,
            _ => &self.quarter.insert((l.quarter, l.quarter.to_string())).1,
        };
        field(buf, q);
        buf.push(b',');
        field(buf, l.cadre_id.as_str());
        buf.push(b',');
        field(buf, &l.name);
        buf.push(b',');
        field(buf, l.town.as_str());
        buf.push(b',');
        field(buf, l.village.as_str());
        buf.push(b',');
        field(buf, l.sequence.as_str());
        for p in [l.base_score, l.bonus, l.deduction, l.total] {
            buf.push(b',');
            fixed2(buf, p.to_decimal(), p, scratch);
        }
        for n in [l.rank, l.group_size, l.quota] {
            buf.push(b',');
            digits(buf, u64::from(n));
        }
        buf.push(b',');
        field(buf, l.grade.as_str());
        for m in [
            l.standard,
            l.base_paid,
            l.performance_standard,
            l.adjustment,
            l.performance_paid,
            l.total_paid,
        ] {
            buf.push(b',');
            fixed2(buf, m.to_decimal(), m, scratch);
        }
        buf.push(b',');
        if !l.flags.is_empty() {
            scratch.clear();
            let _ = write!(scratch, "{}", l.flags);
            field(buf, scratch);
        }
        buf.push(b'\n');
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

/// A field as the `csv` crate writes it by default: quoted only when it holds a delimiter, a
/// quote or a line break, with quotes doubled.
#[inline]
fn field(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// "00", "01", … "99": two digits at a time.
const PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

#[inline]
fn pair(n: u64) -> [u8; 2] {
    let i = 2 * n as usize;
    [PAIRS[i], PAIRS[i + 1]]
}

/// The decimal digits of `n`.
#[inline]
fn digits(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    while n >= 100 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&pair(n % 100));
        n /= 100;
    }
    if n >= 10 {
        i -= 2;
        tmp[i..i + 2].copy_from_slice(&pair(n));
    } else {
        i -= 1;
        tmp[i] = b'0' + n as u8;
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// An amount `v` (whose value is `d`) with exactly two decimals, as `Points` and `Money`
/// display it (`87.50`, `-3.00`, never `-0.00`): from its integer hundredths when it has at
/// most two decimals (always, for values of the domain), else through `Display`.
#[inline]
fn fixed2(buf: &mut Vec<u8>, d: Decimal, v: impl Display, scratch: &mut String) {
    let scale = d.scale();
    let hundredths = if scale <= 2 {
        d.mantissa()
            .checked_mul(if scale == 2 { 1 } else { 10i128.pow(2 - scale) })
            .and_then(|h| i64::try_from(h).ok())
    } else {
        None
    };
    let Some(h) = hundredths else {
        scratch.clear();
        let _ = write!(scratch, "{v}");
        buf.extend_from_slice(scratch.as_bytes());
        return;
    };
    if h < 0 {
        buf.push(b'-');
    }
    let a = h.unsigned_abs();
    digits(buf, a / 100);
    let [x, y] = pair(a % 100);
    buf.extend_from_slice(&[b'.', x, y]);
}

#[cfg(test)]
mod tests {
    use kaohe_domain::{
        CadreId, Decimal, Flag, Flags, Grade, Money, Points, Quarter, Sequence, SettlementLine,
        TownCode, VillageCode,
    };

    use super::*;

    /// The report as the `csv` crate writes it, field by field through `Display`: what the
    /// hand-written writer must reproduce byte for byte.
    fn by_the_csv_crate(lines: &[SettlementLine]) -> Vec<u8> {
        let mut o = Out::new(Vec::new());
        o.w.write_record(REPORT_COLUMNS).unwrap();
        for l in in_report_order(lines) {
            o.show(l.quarter).unwrap();
            o.text(l.cadre_id.as_str()).unwrap();
            o.text(&l.name).unwrap();
            o.text(l.town.as_str()).unwrap();
            o.text(l.village.as_str()).unwrap();
            o.text(l.sequence.as_str()).unwrap();
            o.show(l.base_score).unwrap();
            o.show(l.bonus).unwrap();
            o.show(l.deduction).unwrap();
            o.show(l.total).unwrap();
            o.show(l.rank).unwrap();
            o.show(l.group_size).unwrap();
            o.show(l.quota).unwrap();
            o.text(l.grade.as_str()).unwrap();
            o.show(l.standard).unwrap();
            o.show(l.base_paid).unwrap();
            o.show(l.performance_standard).unwrap();
            o.show(l.adjustment).unwrap();
            o.show(l.performance_paid).unwrap();
            o.show(l.total_paid).unwrap();
            o.show(l.flags).unwrap();
            o.end().unwrap();
        }
        o.w.into_inner().unwrap()
    }

    #[test]
    fn hand_written_report_csv_is_what_the_csv_crate_writes() {
        let names = [
            "张三",
            "李四, 小",
            "say \"hi\"",
            "a\nb",
            "cr\rhere",
            "\"",
            ",",
            "plain",
            "",
        ];
        let amounts = [
            Decimal::new(0, 0),
            Decimal::new(-0, 2),
            Decimal::new(5, 0),
            Decimal::new(55, 1),
            Decimal::new(-134_983, 2),
            Decimal::new(99_999_999_999_999, 2),
            Decimal::new(i64::MAX, 2),
            Decimal::new(i64::MIN + 1, 1),
            Decimal::from_i128_with_scale(-(10i128.pow(25)), 2),
            Decimal::new(-1, 2),
            Decimal::new(7, 2),
            Decimal::new(100, 2),
        ];
        let p = |i: usize| Points::from_decimal(amounts[i % amounts.len()]).unwrap();
        let m = |i: usize| Money::from_decimal(amounts[(i + 3) % amounts.len()]).unwrap();
        let flag_sets = [
            Flags::default(),
            {
                let mut f = Flags::default();
                f.insert(Flag::Recommend);
                f
            },
            {
                let mut f = Flags::default();
                f.insert(Flag::DismissalReview);
                f.insert(Flag::Admonish);
                f
            },
        ];
        // 60 lines, and enough to be sorted and formatted on two threads.
        for n in [60, 101_234] {
            let lines: Vec<SettlementLine> = (0..n)
                .map(|i| SettlementLine {
                    quarter: Quarter::new(2026, 1 + (i % 4) as u8).unwrap(),
                    cadre_id: CadreId::parse(&format!("C{i:03}")).unwrap(),
                    name: names[i % names.len()].to_owned(),
                    town: TownCode::parse(if i % 2 == 0 { "T1" } else { "镇,2" }).unwrap(),
                    village: VillageCode::parse(if i % 3 == 0 { "V\"1" } else { "V2" }).unwrap(),
                    sequence: Sequence::parse(if i % 5 == 0 { "正职" } else { "委员" }).unwrap(),
                    base_score: p(i),
                    bonus: p(i + 1),
                    deduction: p(i + 2),
                    total: p(i + 4),
                    rank: (i % 1000) as u32,
                    group_size: if i == 7 { u32::MAX } else { 60 },
                    quota: (i % 13) as u32,
                    grade: [Grade::Excellent, Grade::Qualified, Grade::Unqualified][i % 3],
                    standard: m(i),
                    base_paid: m(i + 1),
                    performance_standard: m(i + 2),
                    adjustment: m(i + 5),
                    performance_paid: m(i + 6),
                    total_paid: m(i + 7),
                    flags: flag_sets[i % flag_sets.len()],
                })
                .collect();
            let mut fast = Vec::new();
            write_report_csv(&mut fast, &lines).unwrap();
            let slow = by_the_csv_crate(&lines);
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(slow).unwrap()
            );
            let mut sorted: Vec<&SettlementLine> = lines.iter().collect();
            sorted.sort_by_key(|l| {
                (
                    l.town.as_str(),
                    l.sequence.as_str(),
                    l.rank,
                    l.quarter,
                    l.cadre_id.as_str(),
                )
            });
            assert!(
                in_report_order(&lines)
                    .iter()
                    .zip(&sorted)
                    .all(|(a, b)| std::ptr::eq(*a, *b))
            );
        }
        let mut empty = Vec::new();
        write_report_csv(&mut empty, &[]).unwrap();
        assert_eq!(empty, by_the_csv_crate(&[]));
    }
}
