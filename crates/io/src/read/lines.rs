//! Where rows stand: the line of each row's key, so that a problem found after reading — a
//! conflict with what the store holds — can be named by file, line and column like any other.

use std::collections::HashMap;

use super::{
    AWARDS_COLUMNS, CONDOLENCES_COLUMNS, Collector, EVENTS_COLUMNS, HEALTH_COLUMNS,
    INSPECTIONS_COLUMNS, ROSTER_COLUMNS, open,
};

/// The line of each `cadre_id` of a `roster.csv` (the first, if one repeats). Empty when the
/// file cannot be read as a roster.
pub fn roster_lines(bytes: &[u8]) -> HashMap<String, u64> {
    key_lines(bytes, ROSTER_COLUMNS, 0)
}

/// The line of each `event_id` of an `events.csv` (the first, if one repeats). Empty when
/// the file cannot be read as events.
pub fn event_lines(bytes: &[u8]) -> HashMap<String, u64> {
    key_lines(bytes, EVENTS_COLUMNS, 0)
}

/// The line of each `award_id` of an `awards.csv`.
pub fn award_lines(bytes: &[u8]) -> HashMap<String, u64> {
    key_lines(bytes, AWARDS_COLUMNS, 0)
}

/// The line of each `condolence_id` of a `condolences.csv`.
pub fn condolence_lines(bytes: &[u8]) -> HashMap<String, u64> {
    key_lines(bytes, CONDOLENCES_COLUMNS, 0)
}

/// The line of each `inspection_id` of an `inspections.csv`.
pub fn inspection_lines(bytes: &[u8]) -> HashMap<String, u64> {
    key_lines(bytes, INSPECTIONS_COLUMNS, 0)
}

/// The first line of each `cadre_id` of a `health.csv`.
pub fn health_lines(bytes: &[u8]) -> HashMap<String, u64> {
    key_lines(bytes, HEALTH_COLUMNS, 0)
}

fn key_lines<const N: usize>(
    bytes: &[u8],
    names: [&'static str; N],
    key: usize,
) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    let Ok(table) = open("", bytes, names) else {
        return out;
    };
    let mut problems = Collector::default();
    table.rows(
        table.body,
        table.body_line,
        &mut problems,
        |line, vals, _| {
            out.entry(vals[key].to_owned()).or_insert(line);
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys() {
        let csv = "\u{feff}event_id,date,subject,kind,level,note\r\nE1,2026-07-01,V1,media_exposure,,\r\n\r\nE2,2026-07-02,V1,media_exposure,,\"a\nb\"\r\nE3,2026-07-03,V1,media_exposure,,\r\n";
        let lines = event_lines(csv.as_bytes());
        assert_eq!(lines.get("E1"), Some(&2));
        assert_eq!(lines.get("E2"), Some(&4));
        assert_eq!(lines.get("E3"), Some(&6));
        assert!(roster_lines(csv.as_bytes()).is_empty());
    }
}
