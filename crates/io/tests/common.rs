//! Shared fixtures: a small roster, the default policy, settlement lines, and helpers.

#![allow(dead_code)]

use kaohe_domain::{Cadre, Policy};
use kaohe_io::{Context, ReadError, read_roster_bytes};

/// Two towns, three villages, five cadres; C005 left office on 2026-05-31 (before 2026Q3).
pub const ROSTER: &str = "\
cadre_id,name,town,village,sequence,position,monthly_subsidy,start_date,end_date
C001,张三,T1,V1,正职,党组织书记,1500.07,2020-01-01,
C002,李四,T1,V1,委员,委员,1200,2020-01-01,
C003,王五,T1,V2,正职,村委会主任,1406.08,2021-03-01,
C004,赵六,T2,V3,正职,党组织书记,1500,2022-01-01,
C005,钱七,T2,V3,委员,委员,1000.5,2019-01-01,2026-05-31
";

pub fn roster() -> Vec<Cadre> {
    read_roster_bytes("roster.csv", ROSTER.as_bytes()).unwrap()
}

pub fn policy() -> &'static Policy {
    static P: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    P.get_or_init(Policy::default)
}

pub fn ctx(roster: &[Cadre]) -> Context<'_> {
    Context::with_policy(roster, policy())
}

/// The problems of an error as `(line, column)` pairs, for compact assertions.
pub fn located(e: &ReadError) -> Vec<(u64, Option<&str>)> {
    e.problems()
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect()
}

/// The one problem of an error: its line, column and message.
#[track_caller]
pub fn only(e: &ReadError) -> (u64, Option<&str>, &str) {
    let p = e.problems();
    assert_eq!(p.len(), 1, "expected one problem, got:\n{e}");
    (p[0].line, p[0].column.as_deref(), p[0].message.as_str())
}

pub use crate::lines::*;
