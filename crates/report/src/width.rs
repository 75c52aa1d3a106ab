//! Display width of text in a terminal: CJK characters take two columns.

/// The number of terminal columns `s` takes: 2 for East Asian wide and fullwidth characters
/// (汉字, fullwidth punctuation, Hangul, most emoji), 0 for control characters and combining
/// marks, 1 otherwise. A small table of ranges, close to Unicode's East Asian Width for the
/// text a roster holds; not a full implementation of UAX #11.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// The terminal width of one character (see [`display_width`]).
pub fn char_width(c: char) -> usize {
    let cp = u32::from(c);
    if cp < 0x20 || (0x7f..0xa0).contains(&cp) {
        return 0;
    }
    if cp < 0x300 {
        return 1;
    }
    const ZERO: &[(u32, u32)] = &[
        (0x0300, 0x036F),
        (0x200B, 0x200F),
        (0x20D0, 0x20FF),
        (0xFE00, 0xFE0F),
        (0xFE20, 0xFE2F),
    ];
    const WIDE: &[(u32, u32)] = &[
        (0x1100, 0x115F),
        (0x231A, 0x231B),
        (0x2329, 0x232A),
        (0x23E9, 0x23EC),
        (0x2E80, 0x303E),
        (0x3041, 0x33FF),
        (0x3400, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xA000, 0xA4CF),
        (0xA960, 0xA97F),
        (0xAC00, 0xD7A3),
        (0xF900, 0xFAFF),
        (0xFE10, 0xFE19),
        (0xFE30, 0xFE6F),
        (0xFF00, 0xFF60),
        (0xFFE0, 0xFFE6),
        (0x1F300, 0x1F64F),
        (0x1F900, 0x1F9FF),
        (0x20000, 0x2FFFD),
        (0x30000, 0x3FFFD),
    ];
    let within = |t: &[(u32, u32)]| t.iter().any(|&(a, b)| (a..=b).contains(&cp));
    if within(ZERO) {
        0
    } else if within(WIDE) {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("张三"), 4);
        assert_eq!(display_width("优秀（1）"), 9);
        assert_eq!(display_width("é"), 1);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("１２"), 4);
        assert_eq!(display_width("가"), 2);
        assert_eq!(display_width("、"), 2);
    }
}
