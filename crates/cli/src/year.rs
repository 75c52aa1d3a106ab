//! The county's year around the quarter: the monthly base payroll (Art.11), the monthly pay
//! sheet, and withdrawals of wrong records (Art.8, Art.12, Art.13, Art.16).

use std::fmt::Write as _;
use std::path::Path;

use kaohe_domain::{AwardId, CondolenceId, EventId, LedgerEntry, Month, Withdrawal};
use kaohe_store::WithdrawTarget;

use crate::cmd::{Failure, Result, audit, emit, open, say_needs_revision, write_out};
use crate::progress::Spinner;
use crate::{LedgerFormat, WithdrawKind};

fn month_arg(s: &str) -> Result<Month> {
    Month::parse(s).map_err(|e| Failure::invalid(format!("--month: {e}")))
}

/// `kaohe payroll --month YYYY-MM [--dry-run]`.
pub async fn payroll(url: &str, month: &str, dry_run: bool) -> Result<()> {
    let month = month_arg(month)?;
    let store = open(url).await?;
    let spinner = Spinner::new(&format!("paying the base of {month}"));
    let summary = format!("payroll {month}");
    let run = kaohe::payroll::payroll(&*store, month, dry_run, &audit(0, summary, None)).await;
    spinner.done();
    let run = run?;
    let mut out = String::new();
    let verb = if dry_run { "would write" } else { "wrote" };
    if run.nothing_to_do {
        let _ = writeln!(
            out,
            "{month}: the base of every cadre in office is paid already ({} cadres): nothing to do.",
            run.cadres_paid
        );
    } else {
        let _ = writeln!(
            out,
            "{month} payroll (Art.11, 基础补贴按月发放){}: {verb} {} base entries, sum {}; {} cadres in \
             office in the month.",
            if dry_run {
                ", dry run: nothing written"
            } else {
                ""
            },
            run.entries.len(),
            run.total(),
            run.cadres_paid
        );
        for (town, (n, sum)) in &run.by_town {
            let town = town
                .as_ref()
                .map_or("(no longer in the roster)".to_owned(), |t| {
                    format!("镇 {t}")
                });
            let _ = writeln!(out, "  {town}: {n} entries, {sum}");
        }
        let negative = run
            .entries
            .iter()
            .filter(|e| e.amount.is_negative())
            .count();
        if negative > 0 {
            let _ = writeln!(
                out,
                "  {negative} of them correct an earlier payment (negative: the roster now \
                 gives fewer days in office)."
            );
        }
    }
    emit(out.as_bytes(), None)
}

/// `kaohe ledger --month YYYY-MM`: the month's pay sheet, at any time.
pub async fn ledger_month(
    url: &str,
    month: &str,
    format: LedgerFormat,
    out: Option<&Path>,
) -> Result<()> {
    let month = month_arg(month)?;
    let store = open(url).await?;
    let entries: Vec<LedgerEntry> = kaohe::queries::month_ledger(&*store, month).await?;
    write_ledger(&entries, &format!("the {month} pay sheet"), format, out)
}

/// Writes ledger entries (a quarter's or a month's) in `format`, to `out` or stdout.
pub fn write_ledger(
    entries: &[LedgerEntry],
    what: &str,
    format: LedgerFormat,
    out: Option<&Path>,
) -> Result<()> {
    if format == LedgerFormat::Xlsx && out.is_none() {
        return Err(Failure::invalid(
            "--format xlsx needs --out FILE.xlsx (a workbook is not for a terminal)",
        ));
    }
    let render = |w: &mut dyn std::io::Write| match format {
        LedgerFormat::Csv => kaohe_report::write_ledger_csv(w, entries),
        LedgerFormat::Json => kaohe_report::write_ledger_json(w, entries),
        LedgerFormat::Table => kaohe_report::write_ledger_table(w, entries),
        LedgerFormat::Xlsx => kaohe_report::write_ledger_xlsx(w, entries),
    };
    match out {
        Some(path) => write_out(path, what, render),
        None => {
            let mut buf = Vec::new();
            render(&mut buf).map_err(|e| Failure::other(format!("cannot write {what}: {e}")))?;
            emit(&buf, None)
        }
    }
}

/// `kaohe withdraw event|award|condolence ID --reason TEXT`.
pub async fn withdraw(url: &str, kind: WithdrawKind, id: &str, reason: &str) -> Result<()> {
    let bad_id = |e: kaohe_domain::ParseError| Failure::invalid(format!("ID: {e}"));
    let target = match kind {
        WithdrawKind::Event => WithdrawTarget::Event(EventId::parse(id).map_err(bad_id)?),
        WithdrawKind::Award => WithdrawTarget::Award(AwardId::parse(id).map_err(bad_id)?),
        WithdrawKind::Condolence => {
            WithdrawTarget::Condolence(CondolenceId::parse(id).map_err(bad_id)?)
        }
    };
    let store = open(url).await?;
    let what = match kind {
        WithdrawKind::Event => "event",
        WithdrawKind::Award => "award",
        WithdrawKind::Condolence => "condolence payment",
    };
    let reason = reason.trim().to_owned();
    let record = audit(1, format!("withdraw {what} {id}: {reason}"), None);
    let mark = Withdrawal {
        reason,
        at_unix: record.at_unix,
    };
    let done = kaohe::payments::withdraw(&*store, &target, &mark, &record).await?;
    let mut out = String::new();
    if done.already {
        let _ = writeln!(out, "{what} `{id}` is withdrawn already: nothing to do.");
    } else {
        let _ = write!(out, "{what} `{id}` withdrawn");
        match &done.reversal {
            Some(e) => {
                let _ = writeln!(
                    out,
                    ": reversing entry {} of {} written ({} {}, {}, {}).",
                    e.entry,
                    e.quarter,
                    e.kind,
                    e.amount,
                    e.cadre_id,
                    e.article()
                );
            }
            None => {
                let _ = writeln!(out, ": it no longer counts (Art.8).");
            }
        }
    }
    emit(out.as_bytes(), None)?;
    say_needs_revision(&done.needs_revision);
    Ok(())
}
