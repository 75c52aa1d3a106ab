//! A CSV tokenizer over a byte slice that knows the line every record starts on.
//!
//! Why not the `csv` crate's reader: its `Position::line` counts a CRLF's `\n` and skipped
//! blank lines into the *next* record's start (a CRLF file reports its second record on line 1),
//! and every message of docs/guide.md, file formats must name the right line. Working on the whole file in memory
//! also gives fields as borrowed slices, with no copy for the common unquoted field.
//!
//! The dialect is RFC 4180 as spreadsheets write it: `,` separates fields; `\n`, `\r\n` or a
//! lone `\r` ends a record; a field that starts with `"` is quoted, may hold separators and line
//! breaks, and writes a quote as `""`; blank lines are skipped. A quote inside an unquoted field
//! is kept as text. Text after a closing quote, or a quote never closed, is an error.
//!
//! Memory stays a small multiple of the input: a [`Row`] keeps at most its `max_fields`
//! fields (the header's width) and only counts the rest, so a line of a hundred million commas
//! costs a count, not a hundred million field records.

/// One field of a record.
#[derive(Debug)]
pub(crate) enum Field {
    /// The field is `data[start..end]` (unquoted, or quoted without `""`).
    Span(usize, usize),
    /// A quoted field with `""` in it, unescaped.
    Owned(Vec<u8>),
}

/// One record: the line it starts on and its fields.
#[derive(Debug)]
pub(crate) struct Row {
    /// 1-based line of the record's first byte.
    pub line: u64,
    /// The first `max_fields` fields, unquoted.
    pub fields: Vec<Field>,
    /// How many fields the record has, kept or not.
    pub width: usize,
    /// The most fields kept.
    max_fields: usize,
}

impl Default for Row {
    /// A row that keeps every field (for tests; readers bound it with [`Row::keeping`]).
    fn default() -> Row {
        Row::keeping(usize::MAX)
    }
}

impl Row {
    /// A row that keeps at most `max_fields` fields of a record and counts the rest.
    pub fn keeping(max_fields: usize) -> Row {
        Row {
            line: 0,
            fields: Vec::new(),
            width: 0,
            max_fields,
        }
    }

    /// Starts a new record.
    #[inline]
    fn clear(&mut self) {
        self.fields.clear();
        self.width = 0;
    }

    /// Whether the next field will be kept.
    #[inline]
    fn keeps_next(&self) -> bool {
        self.fields.len() < self.max_fields
    }

    /// Adds a field: kept while there is room, counted always.
    #[inline]
    fn push(&mut self, f: Field) {
        self.width += 1;
        if self.keeps_next() {
            self.fields.push(f);
        }
    }

    /// The field at `i` as bytes of `data` (empty if absent).
    #[inline]
    pub fn bytes<'r>(&'r self, data: &'r [u8], i: usize) -> &'r [u8] {
        match self.fields.get(i) {
            Some(Field::Span(a, b)) => &data[*a..*b],
            Some(Field::Owned(v)) => v,
            None => &[],
        }
    }

    /// The field at `i` as text of `text` (empty if absent). Fields are cut at ASCII
    /// separators, so a field of UTF-8 text is UTF-8 text and this costs no validation.
    #[inline]
    pub fn text<'r>(&'r self, text: &'r str, i: usize) -> &'r str {
        match self.fields.get(i) {
            Some(Field::Span(a, b)) => text.get(*a..*b).unwrap_or_default(),
            Some(Field::Owned(v)) => std::str::from_utf8(v).unwrap_or_default(),
            None => "",
        }
    }

    /// Every field as bytes of `data`.
    pub fn all<'r>(&'r self, data: &'r [u8]) -> impl Iterator<Item = &'r [u8]> {
        (0..self.fields.len()).map(move |i| self.bytes(data, i))
    }
}

/// Reads records one after another.
#[derive(Debug)]
pub(crate) struct Tokenizer<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer over `data`, whose first byte is on line `first_line`.
    pub fn new(data: &'a [u8], first_line: u64) -> Tokenizer<'a> {
        Tokenizer {
            data,
            pos: 0,
            line: first_line,
        }
    }

    /// The byte offset of the next record (after the one just read).
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The line the next byte is on.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Consumes a line ending at `pos` if there is one; returns whether it did.
    #[inline]
    fn eol(&mut self) -> bool {
        match self.data.get(self.pos) {
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
                true
            }
            Some(b'\r') => {
                self.pos += 1;
                if self.data.get(self.pos) == Some(&b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
                true
            }
            _ => false,
        }
    }

    /// Skips to just after the end of the current line (after an error).
    fn skip_line(&mut self) {
        while self.pos < self.data.len() && !self.eol() {
            self.pos += 1;
        }
    }

    /// Reads the next non-blank record into `row`. `None` at the end of the data;
    /// `Some(Err(message))` for a malformed record, which is skipped (`row.line` names it).
    pub fn next_row(&mut self, row: &mut Row) -> Option<Result<(), String>> {
        while self.eol() {}
        if self.pos >= self.data.len() {
            return None;
        }
        row.line = self.line;
        row.clear();
        let data = self.data;
        loop {
            if data.get(self.pos) == Some(&b'"') {
                if let Err(e) = self.quoted(row) {
                    return Some(Err(e));
                }
            } else {
                let start = self.pos;
                let mut i = start;
                while i < data.len() && !matches!(data[i], b',' | b'\n' | b'\r') {
                    i += 1;
                }
                row.push(Field::Span(start, i));
                self.pos = i;
            }
            // After a field: a separator, a line ending or the end of the data.
            match data.get(self.pos) {
                Some(b',') => self.pos += 1,
                None => return Some(Ok(())),
                Some(_) => {
                    self.eol();
                    return Some(Ok(()));
                }
            }
        }
    }

    /// A quoted field starting at `pos` (on the opening quote). A field past the row's
    /// `max_fields` is only scanned, never unescaped into a buffer.
    fn quoted(&mut self, row: &mut Row) -> Result<(), String> {
        let data = self.data;
        let keep = row.keeps_next();
        let open_line = self.line;
        let start = self.pos + 1;
        let mut i = start;
        let mut owned: Option<Vec<u8>> = None;
        let mut piece = start;
        loop {
            let Some(&b) = data.get(i) else {
                self.pos = data.len();
                return Err(format!(
                    "a quoted field opened on line {open_line} is never closed (a `\"` is missing)"
                ));
            };
            match b {
                b'"' if data.get(i + 1) == Some(&b'"') => {
                    if keep {
                        let buf = owned.get_or_insert_with(Vec::new);
                        buf.extend_from_slice(&data[piece..=i]);
                    }
                    i += 2;
                    piece = i;
                }
                b'"' => break,
                b'\n' => {
                    self.line += 1;
                    i += 1;
                }
                b'\r' => {
                    if data.get(i + 1) != Some(&b'\n') {
                        self.line += 1;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let field = match owned {
            Some(mut buf) => {
                buf.extend_from_slice(&data[piece..i]);
                Field::Owned(buf)
            }
            None => Field::Span(start, i),
        };
        self.pos = i + 1;
        if !matches!(data.get(self.pos), None | Some(b',' | b'\n' | b'\r')) {
            self.skip_line();
            return Err(
                "text follows the closing quote of a quoted field (write a quote inside a \
                 quoted field as `\"\"`)"
                    .to_owned(),
            );
        }
        row.push(field);
        Ok(())
    }
}

/// Calls `f` with each non-blank record of `data`, which must hold no `"`: the fast path for
/// files without quotes, where every `,` ends a field and every line break a record. It finds
/// separators eight bytes at a time (SWAR) and gives the same records and lines as
/// [`Tokenizer`].
///
/// Returns the line after the data (the line its last line break leads to).
pub(crate) fn for_each_plain(
    data: &[u8],
    first_line: u64,
    row: &mut Row,
    mut f: impl FnMut(&Row),
) -> u64 {
    /// The high bit of each byte of `x` that is zero, exactly (no carry between bytes).
    #[inline(always)]
    fn zero_bytes(x: u64) -> u64 {
        const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        let y = (x & LOW7).wrapping_add(LOW7);
        !(y | x | LOW7)
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const COMMA: u64 = ONES * b',' as u64;
    const LF: u64 = ONES * b'\n' as u64;
    const CR: u64 = ONES * b'\r' as u64;

    let n = data.len();
    let mut line = first_line;
    let mut start = 0usize;
    let mut skip_lf = usize::MAX;
    row.clear();
    let mut end_row = |row: &mut Row, start: usize, i: usize, line: &mut u64| {
        if !(row.width == 0 && start == i) {
            row.push(Field::Span(start, i));
            row.line = *line;
            f(row);
        }
        row.clear();
        *line += 1;
    };
    let mut base = 0usize;
    while base < n {
        let w = match data.get(base..base + 8) {
            Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
            None => {
                let mut b = [0u8; 8];
                b[..n - base].copy_from_slice(&data[base..]);
                u64::from_le_bytes(b)
            }
        };
        let mut m = zero_bytes(w ^ COMMA) | zero_bytes(w ^ LF) | zero_bytes(w ^ CR);
        while m != 0 {
            let i = base + (m.trailing_zeros() / 8) as usize;
            m &= m - 1;
            match data[i] {
                b',' => {
                    row.push(Field::Span(start, i));
                    start = i + 1;
                }
                b'\r' => {
                    end_row(row, start, i, &mut line);
                    start = i + 1;
                    skip_lf = i + 1;
                }
                _ => {
                    if i != skip_lf {
                        end_row(row, start, i, &mut line);
                    }
                    start = i + 1;
                }
            }
        }
        base += 8;
    }
    if start < n || row.width != 0 {
        end_row(row, start, n, &mut line);
        line -= 1;
    }
    line
}

/// The number of line breaks in `data`, counted as the tokenizer counts them (`\n`, `\r\n`
/// and a lone `\r` are one each).
pub(crate) fn count_lines(data: &[u8]) -> u64 {
    let mut n = 0u64;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\n' => n += 1,
            b'\r' if data.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &str) -> Vec<(u64, Result<Vec<String>, String>)> {
        let mut t = Tokenizer::new(data.as_bytes(), 1);
        let mut row = Row::default();
        let mut out = Vec::new();
        while let Some(r) = t.next_row(&mut row) {
            out.push((
                row.line,
                r.map(|()| {
                    row.all(data.as_bytes())
                        .map(|f| String::from_utf8(f.to_vec()).unwrap())
                        .collect()
                }),
            ));
        }
        out
    }

    fn ok(line: u64, fields: &[&str]) -> (u64, Result<Vec<String>, String>) {
        (line, Ok(fields.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn lines_are_exact_with_crlf_blank_lines_and_quoted_breaks() {
        let rows = all("a,b\r\n1,2\r\n\r\n3,4\r\n\"x\r\ny\",5\r\n6,\"say \"\"hi\"\"\"\r\n7,");
        assert_eq!(
            rows,
            vec![
                ok(1, &["a", "b"]),
                ok(2, &["1", "2"]),
                ok(4, &["3", "4"]),
                ok(5, &["x\r\ny", "5"]),
                ok(7, &["6", "say \"hi\""]),
                ok(8, &["7", ""]),
            ]
        );
        assert_eq!(all("a\n\n\nb\n"), vec![ok(1, &["a"]), ok(4, &["b"])]);
        assert_eq!(all("a\rb\r"), vec![ok(1, &["a"]), ok(2, &["b"])]);
        assert_eq!(all(",\n"), vec![ok(1, &["", ""])]);
        assert_eq!(all("a\"b,c"), vec![ok(1, &["a\"b", "c"])]);
    }

    #[test]
    fn malformed_quotes_are_reported_and_skipped() {
        let rows = all("\"a\"x,1\n2,3\n\"open\n4");
        assert_eq!(rows[0].0, 1);
        assert!(rows[0].1.as_ref().unwrap_err().contains("closing quote"));
        assert_eq!(rows[1], ok(2, &["2", "3"]));
        assert_eq!(rows[2].0, 3);
        assert!(
            rows[2]
                .1
                .as_ref()
                .unwrap_err()
                .contains("line 3 is never closed")
        );
        assert_eq!(rows.len(), 3);
    }

    fn plain(data: &str) -> Vec<(u64, Result<Vec<String>, String>)> {
        let mut out = Vec::new();
        let mut row = Row::default();
        for_each_plain(data.as_bytes(), 1, &mut row, |row| {
            out.push((
                row.line,
                Ok(row
                    .all(data.as_bytes())
                    .map(|f| String::from_utf8(f.to_vec()).unwrap())
                    .collect()),
            ))
        });
        out
    }

    #[test]
    fn the_fast_path_agrees_with_the_tokenizer() {
        for data in [
            "a,b\r\n1,2\r\n\r\n3,4\r\n\r\n",
            "a\n\n\nb\n",
            "a\rb\r",
            ",\n",
            "",
            "\n\n",
            "x",
            "2026Q3,V0000001,party.organization,3.5\n2026Q3,C00000010,duty.attendance,1.25",
            "long field with no separator at all for more than eight bytes,and another one\r\n,,,\n",
            "a,b\r\r\nc",
            "张三,李四\n王五,赵六\r\n",
        ] {
            assert_eq!(plain(data), all(data), "{data:?}");
        }
    }

    #[test]
    fn fields_past_the_limit_are_counted_not_kept() {
        let data = "a,\"b\"\"c\",d,\"e\"\"f\",g\n1,2\n";
        let mut tok = Tokenizer::new(data.as_bytes(), 1);
        let mut row = Row::keeping(2);
        assert_eq!(tok.next_row(&mut row), Some(Ok(())));
        assert_eq!((row.width, row.fields.len()), (5, 2));
        assert_eq!(row.bytes(data.as_bytes(), 1), b"b\"c");
        assert_eq!(tok.next_row(&mut row), Some(Ok(())));
        assert_eq!((row.line, row.width, row.fields.len()), (2, 2, 2));
        let mut widths = Vec::new();
        let plain = ",,,,,,,,\nx\n,";
        for_each_plain(plain.as_bytes(), 1, &mut Row::keeping(3), |r| {
            widths.push((r.line, r.width, r.fields.len()))
        });
        assert_eq!(widths, [(1, 9, 3), (2, 1, 1), (3, 2, 2)]);
    }

    #[test]
    fn count_lines_matches_the_tokenizer() {
        assert_eq!(count_lines(b"a\r\nb\nc\rd"), 3);
    }
}
