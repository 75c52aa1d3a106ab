//! The domain model of kaohe: the parsed, always-valid values that every other crate speaks.
//!
//! Values are built once, at the edge, by `parse` constructors (`Quarter::parse`,
//! `Money::parse`, `CadreId::parse`, `Policy::from_toml`), so that an invalid quarter, an amount
//! with three decimals or a policy whose sections do not add up to 100 cannot exist past it.
//!
//! **Architecture invariant:** this crate does no IO and names no storage, runtime or file
//! format crate beyond TOML text for the policy. Money is exact decimal ([`Money`], [`Points`]);
//! the one rounding rule of the regulation as read here (half away from zero, to 0.01) lives in
//! [`round_half_away`] and nowhere else.
//!
//! # Example
//!
//! ```
//! use kaohe_domain::{Money, Points, Policy, Quarter, round_half_away, Decimal};
//!
//! // Parsed at the edge: two decimals at most, so 8.125 cannot be an amount.
//! let m = Money::parse("2683.15")?;
//! assert_eq!(m.to_string(), "2683.15");
//! assert!(Money::parse("8.125").is_err());
//!
//! // The one rounding rule: half away from zero, to 0.01 (10 / 8 = 1.25; -1 / 8 = -0.125).
//! assert_eq!(round_half_away(Decimal::from(10), 8), Decimal::new(125, 2));
//! assert_eq!(round_half_away(Decimal::from(-1), 8), Decimal::new(-13, 2));
//!
//! let q = Quarter::parse("2026Q3")?;
//! assert_eq!(q.to_string(), "2026Q3");
//! // The regulation's thresholds (Art.10): 60 to qualify, 90 to be excellent.
//! let policy = Policy::default();
//! assert_eq!(policy.qualified_min_score, Points::parse("60")?);
//! assert_eq!(policy.excellent_min_score, Points::parse("90")?);
//! # Ok::<(), kaohe_domain::ParseError>(())
//! ```

mod archive;
mod cadre;
mod date;
mod error;
mod event;
mod grade;
mod grid;
mod ids;
mod money;
mod payment;
mod policy;
mod quarter;
mod roster_index;
mod settlement;
mod sheet;

pub use archive::{Area, Finding, HealthRecord, Inspection, InspectionId, RosterVersion};
pub use cadre::Cadre;
pub use date::{Date, days_in_month};
pub use error::ParseError;
pub use event::{Difference, Event, Level, Score};
pub use grade::{Flag, Flags, Grade};
pub use grid::{ItemColumns, OutOfRange, ScoreGrid, score_cell, score_cell_points};
pub use ids::{
    CadreId, EventId, EventKind, FORMULA_STARTS, ItemId, MAX_CODE_CHARS, MAX_NAME_CHARS,
    MAX_NOTE_CHARS, SectionId, Sequence, Subject, TownCode, VillageCode, check_text, free_text,
};
pub use money::{Money, Points, round_half_away};
pub use payment::{Award, AwardId, AwardKind, Cause, Condolence, CondolenceId, Stored, Withdrawal};
pub use policy::{
    EventPoints, EventRule, Item, Policy, PolicyError, PolicyParts, QuotaScope, RawPolicy, Scope,
    Section, TieBreak,
};
pub use quarter::{Month, Quarter};
pub use roster_index::RosterIndex;
pub use settlement::{
    Appraisal, EntryKind, LEDGER_COLUMNS, LedgerEntry, PaidSplit, REPORT_COLUMNS, SettlementLine,
};
pub use sheet::{Cell, KeyOrder, ScoreNames};

/// The decimal type used for every exact quantity (re-exported so that users of the domain
/// need not name `rust_decimal` themselves).
pub use rust_decimal::Decimal;
