//! The file format: byte keys that sort like the contract's orders, and a compact hand-written
//! value encoding.
//!
//! **Keys** are built so that "one quarter" is one contiguous range and byte order is the
//! order the contract documents:
//! - a quarter is 2 bytes, `year × 4 + (q − 1)` big-endian, so quarters sort chronologically;
//! - a date is 4 bytes, year big-endian, month, day;
//! - numbers (revision, entry, line sequence, audit sequence) are big-endian fixed width;
//! - text codes are their UTF-8 bytes; where a code is followed by another part, a `0x00`
//!   separator ends it. Codes cannot hold control characters (`CadreId::parse` and friends
//!   refuse them), and `0x00` sorts below every other byte, so `(subject, item)` tuples sort
//!   exactly as the concatenated keys do (`("V1", "z") < ("V1-2", "a")`).
//!
//! **Values** start with a format version byte ([`VALUE_FORMAT`]), then fields in a fixed
//! order: unsigned integers as LEB128 varints, signed ones zig-zag encoded, money and points
//! as their exact count of hundredths, text as a varint length and UTF-8 bytes. A reader
//! refuses a version it does not know rather than guess ([`StoreError::Corrupt`]).

use std::collections::HashMap;

use kaohe_domain::{
    Appraisal, Area, Award, AwardId, AwardKind, Cadre, CadreId, Cause, Condolence, CondolenceId,
    Date, EntryKind, Event, EventId, EventKind, Finding, Flag, Flags, Grade, HealthRecord,
    Inspection, InspectionId, ItemId, LedgerEntry, Level, Money, Month, Points, Quarter,
    RosterVersion, Score, Sequence, SettlementLine, Subject, TownCode, VillageCode, Withdrawal,
};
use kaohe_store::{AuditRecord, SettlementHeader, StoreError};

/// The version byte every value starts with.
pub(crate) const VALUE_FORMAT: u8 = 1;

type Result<T, E = StoreError> = std::result::Result<T, E>;

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}

// ---------------------------------------------------------------------------------------------
// Keys

/// A quarter's 2-byte key part.
pub(crate) fn quarter_key(q: Quarter) -> [u8; 2] {
    (q.year() * 4 + u16::from(q.number() - 1)).to_be_bytes()
}

/// The quarter of a key that starts with one.
pub(crate) fn decode_quarter(key: &[u8]) -> Result<Quarter> {
    let [a, b, ..] = *key else {
        return Err(corrupt("key", "too short for a quarter"));
    };
    let code = u16::from_be_bytes([a, b]);
    Quarter::new(code / 4, (code % 4) as u8 + 1)
        .ok_or_else(|| corrupt("key", format_args!("quarter code {code} out of range")))
}

/// A date's 4-byte key part.
pub(crate) fn date_key(d: Date) -> [u8; 4] {
    let [y0, y1] = d.year().to_be_bytes();
    [y0, y1, d.month(), d.day()]
}

fn decode_date(b: &[u8]) -> Result<Date> {
    match b {
        [y0, y1, m, d] => Date::new(u16::from_be_bytes([*y0, *y1]), *m, *d)
            .ok_or_else(|| corrupt("date", format_args!("{b:?} is not a date"))),
        _ => Err(corrupt("date", "wrong length")),
    }
}

/// The smallest key greater than every key that starts with `prefix`, or `None` when there
/// is none (the prefix is all `0xFF`).
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Key of a score: quarter, subject, `0x00`, item.
pub(crate) fn score_key(s: &Score) -> Vec<u8> {
    let (subject, item) = (s.subject.as_str().as_bytes(), s.item.as_str().as_bytes());
    let mut k = Vec::with_capacity(3 + subject.len() + item.len());
    k.extend_from_slice(&quarter_key(s.quarter));
    k.extend_from_slice(subject);
    k.push(0);
    k.extend_from_slice(item);
    k
}

/// [`score_key`] of (`q`, `subject`, `item`) into `k`, reused.
pub(crate) fn score_key_into(k: &mut Vec<u8>, q: Quarter, subject: &str, item: &str) {
    k.clear();
    k.extend_from_slice(&quarter_key(q));
    k.extend_from_slice(subject.as_bytes());
    k.push(0);
    k.extend_from_slice(item.as_bytes());
}

/// Key of an event in date order: date, event id.
pub(crate) fn event_date_key(date: Date, id: &EventId) -> Vec<u8> {
    let mut k = date_key(date).to_vec();
    k.extend_from_slice(id.as_str().as_bytes());
    k
}

/// Key of a settlement header: quarter, revision.
pub(crate) fn header_key(q: Quarter, revision: u32) -> [u8; 6] {
    let [a, b] = quarter_key(q);
    let [r0, r1, r2, r3] = revision.to_be_bytes();
    [a, b, r0, r1, r2, r3]
}

/// Key of a settlement line: quarter, revision, sequence number in the order written.
pub(crate) fn line_key(q: Quarter, revision: u32, seq: u32) -> [u8; 10] {
    let mut k = [0; 10];
    k[..6].copy_from_slice(&header_key(q, revision));
    k[6..].copy_from_slice(&seq.to_be_bytes());
    k
}

/// Key of a ledger entry: quarter, entry number.
pub(crate) fn ledger_key(q: Quarter, entry: u32) -> [u8; 6] {
    header_key(q, entry)
}

/// Key of an appraisal: quarter, cadre id.
pub(crate) fn appraisal_key(q: Quarter, cadre: &CadreId) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + cadre.as_str().len());
    appraisal_key_into(&mut k, q, cadre);
    k
}

/// [`appraisal_key`] written into `key` (cleared first), for a write of many.
pub(crate) fn appraisal_key_into(key: &mut Vec<u8>, q: Quarter, cadre: &CadreId) {
    key.clear();
    key.extend_from_slice(&quarter_key(q));
    key.extend_from_slice(cadre.as_str().as_bytes());
}

/// Key of a health record (Art.15): cadre id, `0x00`, date; so a cadre's check-ups are one
/// range, by date.
pub(crate) fn health_key(cadre: &CadreId, date: Date) -> Vec<u8> {
    let id = cadre.as_str().as_bytes();
    let mut k = Vec::with_capacity(id.len() + 5);
    k.extend_from_slice(id);
    k.push(0);
    k.extend_from_slice(&date_key(date));
    k
}

/// The first part of the keys of one cadre's health records or roster versions: its id and
/// `0x00`.
pub(crate) fn cadre_prefix(cadre: &CadreId) -> Vec<u8> {
    let mut k = cadre.as_str().as_bytes().to_vec();
    k.push(0);
    k
}

/// Key of an earlier roster row (Art.15 work archive): cadre id, `0x00`, the version's
/// sequence number among the cadre's (from 1, in the order they were kept).
pub(crate) fn history_key(cadre: &CadreId, seq: u64) -> Vec<u8> {
    let mut k = cadre_prefix(cadre);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The sequence number of a [`history_key`].
pub(crate) fn decode_history_seq(k: &[u8]) -> Result<u64> {
    k.len()
        .checked_sub(8)
        .and_then(|at| <[u8; 8]>::try_from(&k[at..]).ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| corrupt("roster version", "key too short"))
}

/// The cadre id and the rest of a key that starts with a cadre id and `0x00`.
fn split_cadre_key<'a>(k: &'a [u8], what: &str) -> Result<(CadreId, &'a [u8])> {
    let sep = k
        .iter()
        .position(|&b| b == 0)
        .ok_or_else(|| corrupt(what, "key without separator"))?;
    let id = code(key_text(&k[..sep], what)?, what, CadreId::parse)?;
    Ok((id, &k[sep + 1..]))
}

fn be_u32(b: &[u8], what: &str) -> Result<u32> {
    <[u8; 4]>::try_from(b)
        .map(u32::from_be_bytes)
        .map_err(|_| corrupt(what, "key has the wrong length"))
}

/// The revision of a header key.
pub(crate) fn decode_header_key(k: &[u8]) -> Result<(Quarter, u32)> {
    Ok((
        decode_quarter(k)?,
        be_u32(k.get(2..).unwrap_or_default(), "header")?,
    ))
}

fn key_text<'a>(b: &'a [u8], what: &str) -> Result<&'a str> {
    std::str::from_utf8(b).map_err(|_| corrupt(what, "key is not UTF-8"))
}

fn code<T>(
    text: &str,
    what: &str,
    parse: impl FnOnce(&str) -> Result<T, kaohe_domain::ParseError>,
) -> Result<T> {
    parse(text).map_err(|e| corrupt(what, e))
}

// ---------------------------------------------------------------------------------------------
// Values: the writer

/// Appends one value to a buffer.
pub(crate) struct Enc<'a>(&'a mut Vec<u8>);

impl<'a> Enc<'a> {
    /// Starts a value: writes the format version byte.
    pub(crate) fn start(buf: &'a mut Vec<u8>) -> Enc<'a> {
        buf.push(VALUE_FORMAT);
        Enc(buf)
    }
    fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    fn u64(&mut self, mut v: u64) -> &mut Self {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.u64(u64::from(v))
    }
    fn i64(&mut self, v: i64) -> &mut Self {
        self.u64(((v << 1) ^ (v >> 63)) as u64)
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            None => self.u8(0),
            Some(s) => self.u8(1).str(s),
        }
    }
    fn date(&mut self, d: Date) -> &mut Self {
        self.0.extend_from_slice(&date_key(d));
        self
    }
    fn money(&mut self, m: Money) -> &mut Self {
        self.i64(m.hundredths())
    }
    fn points(&mut self, p: Points) -> &mut Self {
        self.i64(p.hundredths())
    }
}

/// One value in a fresh buffer.
pub(crate) fn value(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut v = Vec::with_capacity(32);
    f(&mut v);
    v
}

// ---------------------------------------------------------------------------------------------
// Values: the reader

/// Reads one value; every read checks bounds and reports [`StoreError::Corrupt`].
pub(crate) struct Dec<'a> {
    b: &'a [u8],
    what: &'static str,
}

impl<'a> Dec<'a> {
    pub(crate) fn new(b: &'a [u8], what: &'static str) -> Result<Dec<'a>> {
        match b.split_first() {
            Some((&VALUE_FORMAT, rest)) => Ok(Dec { b: rest, what }),
            Some((v, _)) => Err(corrupt(
                what,
                format_args!("value format {v} is unknown (written by a newer kaohe?)"),
            )),
            None => Err(corrupt(what, "empty value")),
        }
    }
    fn err(&self, detail: &str) -> StoreError {
        corrupt(self.what, detail)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.b.len() < n {
            return Err(self.err("value is truncated"));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u64(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.err("varint too long"))
    }
    fn u32(&mut self) -> Result<u32> {
        u32::try_from(self.u64()?).map_err(|_| self.err("number out of range"))
    }
    fn i64(&mut self) -> Result<i64> {
        let z = self.u64()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }
    fn str(&mut self) -> Result<&'a str> {
        let n = usize::try_from(self.u64()?).map_err(|_| self.err("length out of range"))?;
        std::str::from_utf8(self.take(n)?).map_err(|_| self.err("text is not UTF-8"))
    }
    fn opt_str(&mut self) -> Result<Option<&'a str>> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.str().map(Some),
            _ => Err(self.err("bad option tag")),
        }
    }
    fn date(&mut self) -> Result<Date> {
        decode_date(self.take(4)?)
    }
    fn money(&mut self) -> Result<Money> {
        self.i64().map(Money::from_hundredths)
    }
    fn points(&mut self) -> Result<Points> {
        self.i64().map(Points::from_hundredths)
    }
    fn code<T>(
        &mut self,
        parse: impl FnOnce(&str) -> Result<T, kaohe_domain::ParseError>,
    ) -> Result<T> {
        let s = self.str()?;
        parse(s).map_err(|e| corrupt(self.what, e))
    }
    /// A cadre id, reusing `last` when the text is the same (ledger entries come in runs of
    /// one cadre, so this saves an allocation per entry).
    fn cadre_id(&mut self, last: &mut Option<CadreId>) -> Result<CadreId> {
        let s = self.str()?;
        if let Some(id) = last.as_ref().filter(|id| id.as_str() == s) {
            return Ok(id.clone());
        }
        let id = CadreId::parse(s).map_err(|e| corrupt(self.what, e))?;
        *last = Some(id.clone());
        Ok(id)
    }
    /// Checks that the whole value was read.
    fn end(&self) -> Result<()> {
        if self.b.is_empty() {
            Ok(())
        } else {
            Err(self.err("trailing bytes after the value"))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Small enumerations

fn grade_code(g: Grade) -> u8 {
    match g {
        Grade::Excellent => 1,
        Grade::Qualified => 2,
        Grade::Unqualified => 3,
    }
}

fn grade_of(c: u8) -> Result<Grade> {
    match c {
        1 => Ok(Grade::Excellent),
        2 => Ok(Grade::Qualified),
        3 => Ok(Grade::Unqualified),
        _ => Err(corrupt("grade", format_args!("unknown code {c}"))),
    }
}

fn level_code(l: Option<Level>) -> u8 {
    match l {
        None => 0,
        Some(Level::National) => 1,
        Some(Level::Provincial) => 2,
        Some(Level::Municipal) => 3,
        Some(Level::County) => 4,
    }
}

fn level_of(c: u8) -> Result<Option<Level>> {
    match c {
        0 => Ok(None),
        1 => Ok(Some(Level::National)),
        2 => Ok(Some(Level::Provincial)),
        3 => Ok(Some(Level::Municipal)),
        4 => Ok(Some(Level::County)),
        _ => Err(corrupt("event level", format_args!("unknown code {c}"))),
    }
}

fn kind_code(k: EntryKind) -> u8 {
    match k {
        EntryKind::Base => 1,
        EntryKind::Performance => 2,
        EntryKind::ExcellentBonus => 3,
        EntryKind::UnqualifiedDeduction => 4,
        EntryKind::CompletionAward => 5,
        EntryKind::Condolence => 6,
        EntryKind::CommendationAward => 7,
    }
}

fn kind_of(c: u8) -> Result<EntryKind> {
    match c {
        1 => Ok(EntryKind::Base),
        2 => Ok(EntryKind::Performance),
        3 => Ok(EntryKind::ExcellentBonus),
        4 => Ok(EntryKind::UnqualifiedDeduction),
        5 => Ok(EntryKind::CompletionAward),
        6 => Ok(EntryKind::Condolence),
        7 => Ok(EntryKind::CommendationAward),
        _ => Err(corrupt("ledger kind", format_args!("unknown code {c}"))),
    }
}

fn award_kind_code(k: AwardKind) -> u8 {
    match k {
        AwardKind::Completion => 1,
        AwardKind::Commendation => 2,
    }
}

fn award_kind_of(c: u8) -> Result<AwardKind> {
    match c {
        1 => Ok(AwardKind::Completion),
        2 => Ok(AwardKind::Commendation),
        _ => Err(corrupt("award kind", format_args!("unknown code {c}"))),
    }
}

fn area_code(a: Area) -> u8 {
    match a {
        Area::Archives => 1,
        Area::Policy => 2,
        Area::Measures => 3,
        Area::Industry => 4,
    }
}

fn area_of(c: u8) -> Result<Area> {
    match c {
        1 => Ok(Area::Archives),
        2 => Ok(Area::Policy),
        3 => Ok(Area::Measures),
        4 => Ok(Area::Industry),
        _ => Err(corrupt(
            "supervision area",
            format_args!("unknown code {c}"),
        )),
    }
}

fn finding_code(f: Finding) -> u8 {
    match f {
        Finding::Good => 1,
        Finding::Fair => 2,
        Finding::Poor => 3,
    }
}

fn finding_of(c: u8) -> Result<Finding> {
    match c {
        1 => Ok(Finding::Good),
        2 => Ok(Finding::Fair),
        3 => Ok(Finding::Poor),
        _ => Err(corrupt(
            "supervision finding",
            format_args!("unknown code {c}"),
        )),
    }
}

fn cause_code(c: Cause) -> u8 {
    match c {
        Cause::OnDuty => 1,
        Cause::Disaster => 2,
    }
}

fn cause_of(c: u8) -> Result<Cause> {
    match c {
        1 => Ok(Cause::OnDuty),
        2 => Ok(Cause::Disaster),
        _ => Err(corrupt(
            "condolence cause",
            format_args!("unknown code {c}"),
        )),
    }
}

fn flags_code(f: Flags) -> u8 {
    Flag::ALL
        .iter()
        .enumerate()
        .filter(|(_, flag)| f.contains(**flag))
        .fold(0, |acc, (i, _)| acc | (1 << i))
}

fn flags_of(c: u8) -> Result<Flags> {
    if c >> Flag::ALL.len() != 0 {
        return Err(corrupt("flags", format_args!("unknown bits in {c:#x}")));
    }
    let mut f = Flags::NONE;
    for (i, flag) in Flag::ALL.iter().enumerate() {
        if c & (1 << i) != 0 {
            f.insert(*flag);
        }
    }
    Ok(f)
}

/// The articles of the regulation (第一条 … 第二十条) as the ledger writes them. A ledger entry
/// stores the article's number; the text comes back as the same `&'static str`.
const ARTICLES: [&str; 20] = [
    "Art.1", "Art.2", "Art.3", "Art.4", "Art.5", "Art.6", "Art.7", "Art.8", "Art.9", "Art.10",
    "Art.11", "Art.12", "Art.13", "Art.14", "Art.15", "Art.16", "Art.17", "Art.18", "Art.19",
    "Art.20",
];

/// The number of an article as stored, or `None` for text that is not the article of any
/// ledger entry kind (a ledger entry names where its kind of payment comes from: Art.11, 12
/// or 16; the PostgreSQL store accepts the same set).
pub(crate) fn article_code(article: &str) -> Option<u8> {
    if !kaohe_store::shared::is_entry_article(article) {
        return None;
    }
    ARTICLES
        .iter()
        .position(|a| *a == article)
        .map(|i| i as u8 + 1)
}

fn article_of(c: u8) -> Result<&'static str> {
    ARTICLES
        .get(usize::from(c).wrapping_sub(1))
        .copied()
        .ok_or_else(|| corrupt("ledger article", format_args!("unknown article {c}")))
}

// ---------------------------------------------------------------------------------------------
// Records

pub(crate) fn encode_policy(buf: &mut Vec<u8>, toml: &str) {
    Enc::start(buf).str(toml);
}

pub(crate) fn decode_policy(v: &[u8]) -> Result<String> {
    let mut d = Dec::new(v, "policy")?;
    let s = d.str()?.to_owned();
    d.end()?;
    Ok(s)
}

pub(crate) fn encode_cadre(buf: &mut Vec<u8>, c: &Cadre) {
    cadre_fields(&mut Enc::start(buf), c);
}

/// A cadre's fields after its id (which is, or starts, the key).
fn cadre_fields(e: &mut Enc<'_>, c: &Cadre) {
    e.str(&c.name)
        .str(c.town.as_str())
        .str(c.village.as_str())
        .str(c.sequence.as_str())
        .str(&c.position)
        .money(c.monthly_subsidy)
        .date(c.start_date);
    match c.end_date {
        None => e.u8(0),
        Some(d) => e.u8(1).date(d),
    };
}

pub(crate) fn decode_cadre(k: &[u8], v: &[u8]) -> Result<Cadre> {
    let mut d = Dec::new(v, "cadre")?;
    let id = code(key_text(k, "cadre")?, "cadre", CadreId::parse)?;
    let c = read_cadre(&mut d, id)?;
    d.end()?;
    Ok(c)
}

/// The fields [`cadre_fields`] wrote.
fn read_cadre(d: &mut Dec<'_>, id: CadreId) -> Result<Cadre> {
    Ok(Cadre {
        id,
        name: d.str()?.to_owned(),
        town: d.code(TownCode::parse)?,
        village: d.code(VillageCode::parse)?,
        sequence: d.code(Sequence::parse)?,
        position: d.str()?.to_owned(),
        monthly_subsidy: d.money()?,
        start_date: d.date()?,
        end_date: match d.u8()? {
            0 => None,
            1 => Some(d.date()?),
            _ => return Err(corrupt("cadre", "bad end date tag")),
        },
    })
}

pub(crate) fn encode_points(buf: &mut Vec<u8>, p: Points) {
    Enc::start(buf).points(p);
}

/// Ids already decoded while reading a quarter's scores: the previous row's subject (rows come
/// in runs of one subject) and every item seen, so that a read allocates per distinct id, not
/// per row.
#[derive(Default)]
pub(crate) struct ScoreIds {
    subject: Option<Subject>,
    items: HashMap<Vec<u8>, ItemId>,
}

/// The subject, item and points of a stored score, without making ids of them (the key's
/// quarter is the caller's).
pub(crate) fn score_parts<'k>(k: &'k [u8], v: &[u8]) -> Result<(&'k str, &'k str, Points)> {
    let rest = k
        .get(2..)
        .ok_or_else(|| corrupt("score", "key too short"))?;
    let sep = rest
        .iter()
        .position(|&b| b == 0)
        .ok_or_else(|| corrupt("score", "key without separator"))?;
    let subject = key_text(&rest[..sep], "score")?;
    let item = key_text(&rest[sep + 1..], "score")?;
    let mut d = Dec::new(v, "score")?;
    let points = d.points()?;
    d.end()?;
    Ok((subject, item, points))
}

pub(crate) fn decode_score(k: &[u8], v: &[u8], ids: &mut ScoreIds) -> Result<Score> {
    let quarter = decode_quarter(k)?;
    let rest = &k[2..];
    let sep = rest
        .iter()
        .position(|&b| b == 0)
        .ok_or_else(|| corrupt("score", "key without separator"))?;
    let (subject, item) = (&rest[..sep], &rest[sep + 1..]);
    let subject = match &ids.subject {
        Some(s) if s.as_str().as_bytes() == subject => s.clone(),
        _ => {
            let s = code(key_text(subject, "score")?, "score", Subject::parse)?;
            ids.subject = Some(s.clone());
            s
        }
    };
    let item = match ids.items.get(item) {
        Some(i) => i.clone(),
        None => {
            let i = code(key_text(item, "score")?, "score", ItemId::parse)?;
            ids.items.insert(item.to_vec(), i.clone());
            i
        }
    };
    let mut d = Dec::new(v, "score")?;
    let s = Score {
        quarter,
        subject,
        item,
        points: d.points()?,
    };
    d.end()?;
    Ok(s)
}

/// The value of the event-id index: the event's date, to find it in date order.
pub(crate) fn encode_event_date(buf: &mut Vec<u8>, date: Date) {
    Enc::start(buf).date(date);
}

pub(crate) fn decode_event_date(v: &[u8]) -> Result<Date> {
    let mut d = Dec::new(v, "event index")?;
    let date = d.date()?;
    d.end()?;
    Ok(date)
}

pub(crate) fn encode_event(buf: &mut Vec<u8>, ev: &Event) {
    Enc::start(buf)
        .str(ev.subject.as_str())
        .str(ev.kind.as_str())
        .u8(level_code(ev.level))
        .str(&ev.note);
}

pub(crate) fn decode_event(k: &[u8], v: &[u8]) -> Result<Event> {
    let (date, id) = k
        .split_at_checked(4)
        .ok_or_else(|| corrupt("event", "key too short"))?;
    let mut d = Dec::new(v, "event")?;
    let ev = Event {
        id: code(key_text(id, "event")?, "event", EventId::parse)?,
        date: decode_date(date)?,
        subject: d.code(Subject::parse)?,
        kind: d.code(EventKind::parse)?,
        level: level_of(d.u8()?)?,
        note: d.str()?.to_owned(),
    };
    d.end()?;
    Ok(ev)
}

pub(crate) fn encode_header(buf: &mut Vec<u8>, h: &SettlementHeader) {
    Enc::start(buf)
        .str(&h.fingerprint)
        .str(&h.policy_toml)
        .i64(h.settled_at_unix);
}

pub(crate) fn decode_header(k: &[u8], v: &[u8]) -> Result<SettlementHeader> {
    let (quarter, revision) = decode_header_key(k)?;
    let mut d = Dec::new(v, "settlement header")?;
    let h = SettlementHeader {
        quarter,
        revision,
        fingerprint: d.str()?.to_owned(),
        policy_toml: d.str()?.to_owned(),
        settled_at_unix: d.i64()?,
    };
    d.end()?;
    Ok(h)
}

pub(crate) fn encode_line(buf: &mut Vec<u8>, l: &SettlementLine) {
    Enc::start(buf)
        .str(l.cadre_id.as_str())
        .str(&l.name)
        .str(l.town.as_str())
        .str(l.village.as_str())
        .str(l.sequence.as_str())
        .points(l.base_score)
        .points(l.bonus)
        .points(l.deduction)
        .points(l.total)
        .u32(l.rank)
        .u32(l.group_size)
        .u32(l.quota)
        .u8(grade_code(l.grade))
        .money(l.standard)
        .money(l.base_paid)
        .money(l.performance_standard)
        .money(l.adjustment)
        .money(l.performance_paid)
        .money(l.total_paid)
        .u8(flags_code(l.flags));
}

pub(crate) fn decode_line(quarter: Quarter, v: &[u8]) -> Result<SettlementLine> {
    let mut d = Dec::new(v, "settlement line")?;
    let l = SettlementLine {
        quarter,
        cadre_id: d.code(CadreId::parse)?,
        name: d.str()?.to_owned(),
        town: d.code(TownCode::parse)?,
        village: d.code(VillageCode::parse)?,
        sequence: d.code(Sequence::parse)?,
        base_score: d.points()?,
        bonus: d.points()?,
        deduction: d.points()?,
        total: d.points()?,
        rank: d.u32()?,
        group_size: d.u32()?,
        quota: d.u32()?,
        grade: grade_of(d.u8()?)?,
        standard: d.money()?,
        base_paid: d.money()?,
        performance_standard: d.money()?,
        adjustment: d.money()?,
        performance_paid: d.money()?,
        total_paid: d.money()?,
        flags: flags_of(d.u8()?)?,
    };
    d.end()?;
    Ok(l)
}

/// Encodes a ledger entry; `article` is the code from [`article_code`].
pub(crate) fn encode_entry(buf: &mut Vec<u8>, e: &LedgerEntry, article: u8) {
    let mut w = Enc::start(buf);
    w.u32(e.revision)
        .str(e.cadre_id.as_str())
        .u8(kind_code(e.kind));
    match e.month {
        None => w.u8(0),
        Some(m) => w.u8(m.month).u32(u32::from(m.year)),
    };
    w.money(e.amount).u8(article);
}

pub(crate) fn decode_entry(
    k: &[u8],
    v: &[u8],
    last_id: &mut Option<CadreId>,
) -> Result<LedgerEntry> {
    let (quarter, entry) = decode_header_key(k)?;
    let mut d = Dec::new(v, "ledger entry")?;
    let (revision, cadre_id, kind) = (d.u32()?, d.cadre_id(last_id)?, kind_of(d.u8()?)?);
    let e = LedgerEntry {
        quarter,
        entry,
        revision,
        cadre_id,
        kind,
        month: match d.u8()? {
            0 => None,
            m @ 1..=12 => Some(Month {
                month: m,
                year: u16::try_from(d.u32()?).map_err(|_| d.err("year out of range"))?,
            }),
            _ => return Err(d.err("bad month")),
        },
        amount: d.money()?,
    };
    // The article is stored beside the kind, and must be the kind's (Art.11, 12, 13, 16).
    if article_of(d.u8()?)? != e.article() {
        return Err(d.err("the article is not the entry kind's"));
    }
    d.end()?;
    Ok(e)
}

pub(crate) fn encode_grade(buf: &mut Vec<u8>, g: Grade) {
    Enc::start(buf).u8(grade_code(g));
}

pub(crate) fn decode_appraisal(k: &[u8], v: &[u8]) -> Result<Appraisal> {
    let quarter = decode_quarter(k)?;
    let mut d = Dec::new(v, "appraisal")?;
    let a = Appraisal {
        cadre_id: code(key_text(&k[2..], "appraisal")?, "appraisal", CadreId::parse)?,
        quarter,
        grade: grade_of(d.u8()?)?,
    };
    d.end()?;
    Ok(a)
}

/// An award; its id is the key.
pub(crate) fn encode_award(buf: &mut Vec<u8>, a: &Award) {
    Enc::start(buf)
        .date(a.date)
        .str(a.payee.as_str())
        .u8(award_kind_code(a.kind))
        .money(a.amount)
        .str(&a.reason);
}

pub(crate) fn decode_award(k: &[u8], v: &[u8]) -> Result<Award> {
    let mut d = Dec::new(v, "award")?;
    let a = Award {
        id: code(key_text(k, "award")?, "award", AwardId::parse)?,
        date: d.date()?,
        payee: d.code(Subject::parse)?,
        kind: award_kind_of(d.u8()?)?,
        amount: d.money()?,
        reason: d.str()?.to_owned(),
    };
    d.end()?;
    Ok(a)
}

/// A condolence payment; its id is the key.
pub(crate) fn encode_condolence(buf: &mut Vec<u8>, c: &Condolence) {
    Enc::start(buf)
        .date(c.date)
        .str(c.cadre_id.as_str())
        .u8(cause_code(c.cause))
        .str(&c.recipient)
        .money(c.amount)
        .str(&c.note);
}

pub(crate) fn decode_condolence(k: &[u8], v: &[u8]) -> Result<Condolence> {
    let mut d = Dec::new(v, "condolence payment")?;
    let c = Condolence {
        id: code(
            key_text(k, "condolence payment")?,
            "condolence payment",
            CondolenceId::parse,
        )?,
        date: d.date()?,
        cadre_id: d.code(CadreId::parse)?,
        cause: cause_of(d.u8()?)?,
        recipient: d.str()?.to_owned(),
        amount: d.money()?,
        note: d.str()?.to_owned(),
    };
    d.end()?;
    Ok(c)
}

/// The withdrawal mark of an event, award or condolence; the record's id is the key.
pub(crate) fn encode_withdrawal(buf: &mut Vec<u8>, w: &Withdrawal) {
    Enc::start(buf).str(&w.reason).i64(w.at_unix);
}

pub(crate) fn decode_withdrawal(v: &[u8]) -> Result<Withdrawal> {
    let mut d = Dec::new(v, "withdrawal mark")?;
    let w = Withdrawal {
        reason: d.str()?.to_owned(),
        at_unix: d.i64()?,
    };
    d.end()?;
    Ok(w)
}

/// A supervision record (Art.14); its id is the key.
pub(crate) fn encode_inspection(buf: &mut Vec<u8>, i: &Inspection) {
    Enc::start(buf)
        .date(i.date)
        .str(i.subject.as_str())
        .u8(area_code(i.area))
        .u8(finding_code(i.finding))
        .str(&i.note);
}

pub(crate) fn decode_inspection(k: &[u8], v: &[u8]) -> Result<Inspection> {
    let what = "supervision record";
    let mut d = Dec::new(v, what)?;
    let i = Inspection {
        id: code(key_text(k, what)?, what, InspectionId::parse)?,
        date: d.date()?,
        subject: d.code(Subject::parse)?,
        area: area_of(d.u8()?)?,
        finding: finding_of(d.u8()?)?,
        note: d.str()?.to_owned(),
    };
    d.end()?;
    Ok(i)
}

/// A health record (Art.15); cadre and date are the key ([`health_key`]).
pub(crate) fn encode_health(buf: &mut Vec<u8>, h: &HealthRecord) {
    Enc::start(buf)
        .str(&h.institution)
        .str(&h.conclusion)
        .str(&h.note);
}

pub(crate) fn decode_health(k: &[u8], v: &[u8]) -> Result<HealthRecord> {
    let what = "health record";
    let (cadre_id, date) = split_cadre_key(k, what)?;
    let mut d = Dec::new(v, what)?;
    let h = HealthRecord {
        cadre_id,
        date: decode_date(date)?,
        institution: d.str()?.to_owned(),
        conclusion: d.str()?.to_owned(),
        note: d.str()?.to_owned(),
    };
    d.end()?;
    Ok(h)
}

/// An earlier roster row (Art.15): when and by which file it was replaced, then the row's
/// fields as [`encode_cadre`] writes them; the cadre id starts the key ([`history_key`]).
pub(crate) fn encode_version(buf: &mut Vec<u8>, c: &Cadre, at_unix: i64, file: &str) {
    let mut e = Enc::start(buf);
    e.i64(at_unix).str(file);
    cadre_fields(&mut e, c);
}

pub(crate) fn decode_version(k: &[u8], v: &[u8]) -> Result<RosterVersion> {
    let what = "roster version";
    let (id, _) = split_cadre_key(k, what)?;
    let mut d = Dec::new(v, what)?;
    let replaced_at_unix = d.i64()?;
    let replaced_by_file = d.str()?.to_owned();
    let cadre = read_cadre(&mut d, id)?;
    d.end()?;
    Ok(RosterVersion {
        cadre,
        replaced_at_unix,
        replaced_by_file,
    })
}

pub(crate) fn encode_audit(buf: &mut Vec<u8>, a: &AuditRecord) {
    Enc::start(buf)
        .i64(a.at_unix)
        .str(&a.user)
        .str(&a.command)
        .opt_str(a.source_sha256.as_deref())
        .u64(a.rows)
        .str(&a.summary)
        .opt_str(a.source_path.as_deref());
}

pub(crate) fn decode_audit(v: &[u8]) -> Result<AuditRecord> {
    let mut d = Dec::new(v, "audit record")?;
    let a = AuditRecord {
        at_unix: d.i64()?,
        user: d.str()?.to_owned(),
        command: d.str()?.to_owned(),
        source_sha256: d.opt_str()?.map(str::to_owned),
        rows: d.u64()?,
        summary: d.str()?.to_owned(),
        // Records written before the path was kept end here.
        source_path: if d.b.is_empty() {
            None
        } else {
            d.opt_str()?.map(str::to_owned)
        },
    };
    d.end()?;
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An audit record written before the source path was kept still reads, with no path;
    /// one written now keeps it.
    #[test]
    fn audit_records_with_and_without_a_path() {
        let mut a = AuditRecord {
            at_unix: 1_790_000_000,
            user: "u".into(),
            command: "kaohe import roster r.csv".into(),
            source_sha256: Some("ab".into()),
            source_path: Some("r.csv".into()),
            rows: 3,
            summary: "s".into(),
        };
        let mut buf = Vec::new();
        encode_audit(&mut buf, &a);
        assert_eq!(decode_audit(&buf).unwrap(), a);
        let mut old = Vec::new();
        Enc::start(&mut old)
            .i64(a.at_unix)
            .str(&a.user)
            .str(&a.command)
            .opt_str(a.source_sha256.as_deref())
            .u64(a.rows)
            .str(&a.summary);
        a.source_path = None;
        assert_eq!(decode_audit(&old).unwrap(), a);
    }

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, -1, 63, -64, 64, i64::MAX, i64::MIN, 123_456_789, -1] {
            let mut buf = Vec::new();
            Enc::start(&mut buf).i64(v).u64(v as u64);
            let mut d = Dec::new(&buf, "t").unwrap();
            assert_eq!(d.i64().unwrap(), v);
            assert_eq!(d.u64().unwrap(), v as u64);
            d.end().unwrap();
        }
    }

    #[test]
    fn quarter_keys_sort_chronologically() {
        let qs =
            ["2025Q4", "2026Q1", "2026Q2", "2026Q4", "9999Q4"].map(|s| Quarter::parse(s).unwrap());
        for w in qs.windows(2) {
            assert!(quarter_key(w[0]) < quarter_key(w[1]));
        }
        for q in qs {
            assert_eq!(decode_quarter(&quarter_key(q)).unwrap(), q);
        }
    }

    #[test]
    fn prefix_ends() {
        assert_eq!(prefix_end(&[1, 2]), Some(vec![1, 3]));
        assert_eq!(prefix_end(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xFF, 0xFF]), None);
    }

    #[test]
    fn unknown_format_is_corrupt() {
        assert!(matches!(
            Dec::new(&[2, 0], "x"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(decode_audit(&[1, 0]), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn payments_round_trip() {
        let award = Award {
            id: AwardId::parse("A-2026-01").unwrap(),
            date: Date::new(2026, 8, 31).unwrap(),
            payee: Subject::parse("村一").unwrap(),
            kind: AwardKind::Commendation,
            amount: Money::from_hundredths(123_456_789),
            reason: "表彰\n第二行".into(),
        };
        let v = value(|b| encode_award(b, &award));
        assert_eq!(decode_award(b"A-2026-01", &v).unwrap(), award);
        let c = Condolence {
            id: CondolenceId::parse("F1").unwrap(),
            date: Date::new(2026, 7, 1).unwrap(),
            cadre_id: CadreId::parse("C1").unwrap(),
            cause: Cause::Disaster,
            recipient: "张某".into(),
            amount: Money::from_hundredths(1),
            note: String::new(),
        };
        let v = value(|b| encode_condolence(b, &c));
        assert_eq!(decode_condolence(b"F1", &v).unwrap(), c);
        let w = Withdrawal {
            reason: "录入错误".into(),
            at_unix: -3,
        };
        let v = value(|b| encode_withdrawal(b, &w));
        assert_eq!(decode_withdrawal(&v).unwrap(), w);
        let mut bad = value(|b| encode_award(b, &award));
        bad.push(0);
        assert!(matches!(
            decode_award(b"A-2026-01", &bad),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn archives_round_trip() {
        let i = Inspection {
            id: InspectionId::parse("I-2026-08").unwrap(),
            date: Date::new(2026, 8, 3).unwrap(),
            subject: Subject::parse("村一").unwrap(),
            area: Area::Industry,
            finding: Finding::Poor,
            note: "账目\n不清".into(),
        };
        let v = value(|b| encode_inspection(b, &i));
        assert_eq!(decode_inspection(b"I-2026-08", &v).unwrap(), i);
        let mut bad = v.clone();
        // The area code follows the format byte, the date and the subject.
        let at = 1 + 4 + 1 + "村一".len();
        bad[at] = 9;
        assert!(matches!(
            decode_inspection(b"I-2026-08", &bad),
            Err(StoreError::Corrupt(m)) if m.contains("area")
        ));

        let h = HealthRecord {
            cadre_id: CadreId::parse("C1").unwrap(),
            date: Date::new(2025, 12, 31).unwrap(),
            institution: "县医院".into(),
            conclusion: "良好".into(),
            note: String::new(),
        };
        let k = health_key(&h.cadre_id, h.date);
        assert_eq!(
            decode_health(&k, &value(|b| encode_health(b, &h))).unwrap(),
            h
        );
        // One cadre's records sort together, before a longer id's: ("C1", 2025) < ("C1-2", 2000).
        let longer = health_key(
            &CadreId::parse("C1-2").unwrap(),
            Date::new(2000, 1, 1).unwrap(),
        );
        assert!(k < longer);
        assert!(k.starts_with(&cadre_prefix(&h.cadre_id)));

        let c = Cadre {
            id: CadreId::parse("C1").unwrap(),
            name: "张三".into(),
            town: TownCode::parse("T1").unwrap(),
            village: VillageCode::parse("V1").unwrap(),
            sequence: Sequence::parse("正职").unwrap(),
            position: "书记".into(),
            monthly_subsidy: Money::from_hundredths(150_007),
            start_date: Date::new(2020, 1, 1).unwrap(),
            end_date: Some(Date::new(2026, 9, 30).unwrap()),
        };
        let k = history_key(&c.id, 7);
        assert_eq!(decode_history_seq(&k).unwrap(), 7);
        assert!(history_key(&c.id, 255) < history_key(&c.id, 256));
        let v = value(|b| encode_version(b, &c, -12, "县里/花名册.csv"));
        assert_eq!(
            decode_version(&k, &v).unwrap(),
            RosterVersion {
                cadre: c,
                replaced_at_unix: -12,
                replaced_by_file: "县里/花名册.csv".into(),
            }
        );
        assert!(matches!(
            decode_version(&k, &v[..v.len() - 1]),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn articles() {
        assert_eq!(article_code("Art.11"), Some(11));
        assert_eq!(article_of(11).unwrap(), "Art.11");
        assert_eq!(article_code("Art.16"), Some(16));
        assert_eq!(article_code("Art.8"), None);
        assert_eq!(article_code("Art.21"), None);
        assert!(article_of(0).is_err());
        assert!(article_of(21).is_err());
    }
}
