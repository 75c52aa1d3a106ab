//! Payments outside the quarterly settlement: one-time completion rewards (Art.12), yearly
//! commendation rewards (Art.13) and condolence payments (Art.16), and the withdrawal mark that
//! corrects a wrong record without deleting it.
//!
//! Each award or condolence is paid by one ledger entry of revision 0 (see
//! [`EntryKind`](crate::EntryKind)) in the quarter of its date; withdrawing it appends the
//! reversing entry. The records themselves are never deleted.

use std::fmt;

use crate::{CadreId, Date, Difference, EntryKind, Money, Quarter, Subject};

crate::ids::id_type!(AwardId, "award id (`award_id`)");
crate::ids::id_type!(CondolenceId, "condolence payment id (`condolence_id`)");

/// Which article an award pays under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AwardKind {
    /// Art.12: a one-time reward for completing the tasks on time (一次性奖励); at most one
    /// standing per payee.
    Completion,
    /// Art.13: a yearly commendation reward (表彰奖励).
    Commendation,
}

impl AwardKind {
    /// Both kinds.
    pub const ALL: [AwardKind; 2] = [AwardKind::Completion, AwardKind::Commendation];

    /// The machine name of `awards.csv`: `completion` or `commendation`.
    pub fn as_str(self) -> &'static str {
        match self {
            AwardKind::Completion => "completion",
            AwardKind::Commendation => "commendation",
        }
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<AwardKind> {
        AwardKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The ledger kind that pays it (`completion_award`, Art.12; `commendation_award`, Art.13).
    pub fn entry_kind(self) -> EntryKind {
        match self {
            AwardKind::Completion => EntryKind::CompletionAward,
            AwardKind::Commendation => EntryKind::CommendationAward,
        }
    }
}

impl fmt::Display for AwardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An award (Art.12, Art.13), as `awards.csv` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Award {
    /// Unique id; the same id again with the same content is a no-op.
    pub id: AwardId,
    /// The day it is granted; decides the quarter and month of its ledger entry.
    pub date: Date,
    /// A village code (the village collective) or a cadre id (in office on `date`).
    pub payee: Subject,
    /// Completion (Art.12) or commendation (Art.13).
    pub kind: AwardKind,
    /// More than 0, in yuan.
    pub amount: Money,
    /// Why it is granted.
    pub reason: String,
}

impl Award {
    /// What differs between this award (known first) and `new`, given under the same id
    /// (Art.12, Art.13: an award is never replaced), field by field; empty when the same.
    pub fn differences(&self, new: &Award) -> Vec<Difference> {
        Difference::between([
            ("date", self.date.to_string(), new.date.to_string()),
            ("payee", self.payee.to_string(), new.payee.to_string()),
            ("kind", self.kind.to_string(), new.kind.to_string()),
            ("amount", self.amount.to_string(), new.amount.to_string()),
            ("reason", self.reason.clone(), new.reason.clone()),
        ])
    }

    /// The quarter whose ledger pays it.
    pub fn quarter(&self) -> Quarter {
        Quarter::of(self.date)
    }
}

/// Why a cadre died, for a condolence payment (Art.16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// Died on duty (因公).
    OnDuty,
    /// Died in a disaster (因灾).
    Disaster,
}

impl Cause {
    /// Both causes.
    pub const ALL: [Cause; 2] = [Cause::OnDuty, Cause::Disaster];

    /// The machine name of `condolences.csv`: `on_duty` or `disaster`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::OnDuty => "on_duty",
            Cause::Disaster => "disaster",
        }
    }

    /// The Chinese name: 因公 or 因灾.
    pub fn zh(self) -> &'static str {
        match self {
            Cause::OnDuty => "因公",
            Cause::Disaster => "因灾",
        }
    }

    /// Parses the machine name.
    pub fn parse(s: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condolence payment (Art.16), as `condolences.csv` gives it: to the family of a cadre who
/// died on duty or in a disaster while in office.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Condolence {
    /// Unique id; the same id again with the same content is a no-op.
    pub id: CondolenceId,
    /// The date of death; the cadre was in office on it.
    pub date: Date,
    /// The deceased cadre (the payee of the ledger entry).
    pub cadre_id: CadreId,
    /// On duty or disaster.
    pub cause: Cause,
    /// The family member paid.
    pub recipient: String,
    /// More than 0, in yuan.
    pub amount: Money,
    /// Free text.
    pub note: String,
}

impl Condolence {
    /// What differs between this condolence payment (known first) and `new`, given under the
    /// same id (Art.16), field by field; empty when the same.
    pub fn differences(&self, new: &Condolence) -> Vec<Difference> {
        Difference::between([
            ("date", self.date.to_string(), new.date.to_string()),
            (
                "cadre_id",
                self.cadre_id.to_string(),
                new.cadre_id.to_string(),
            ),
            ("cause", self.cause.to_string(), new.cause.to_string()),
            ("recipient", self.recipient.clone(), new.recipient.clone()),
            ("amount", self.amount.to_string(), new.amount.to_string()),
            ("note", self.note.clone(), new.note.clone()),
        ])
    }

    /// The quarter whose ledger pays it.
    pub fn quarter(&self) -> Quarter {
        Quarter::of(self.date)
    }
}

/// The mark on a withdrawn event, award or condolence: the record stays, it stops counting
/// (an event) or is reversed in the ledger (an award or condolence).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Withdrawal {
    /// Why it was withdrawn, as the clerk gave it.
    pub reason: String,
    /// When, seconds since the Unix epoch (UTC).
    pub at_unix: i64,
}

/// A stored record with its withdrawal mark, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stored<T> {
    /// The record as imported.
    pub record: T,
    /// Set once the record is withdrawn.
    pub withdrawn: Option<Withdrawal>,
}

impl<T> Stored<T> {
    /// Whether the record still stands (is not withdrawn).
    pub fn stands(&self) -> bool {
        self.withdrawn.is_none()
    }
}
