//! Bulk writes with `COPY … FROM STDIN` and bulk reads with `COPY … TO STDOUT`, in
//! PostgreSQL's text format, streamed in chunks.
//!
//! Text format: columns separated by a tab, rows ended by a newline, `\N` for NULL, and a
//! backslash, tab, newline or carriage return inside a value written as `\\`, `\t`, `\n`,
//! `\r`. Numbers and dates are written in forms PostgreSQL reads the same whatever the
//! session's settings (`-12.50`, `2026-07-01`). The server writes a few more escapes (`\b`,
//! `\f`, `\v`) and reads octal and hex ones (`\011`, `\x09`); the reader decodes them all.

use std::fmt::{Display, Write as _};
use std::future::poll_fn;

use kaohe_store::StoreError;
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgPoolCopyExt as _};

use crate::error;

/// Data is sent to the server whenever this much is buffered.
const CHUNK_BYTES: usize = 4 << 20;

/// One COPY row being written: call the field methods in column order, then [`Row::end`].
pub(crate) struct Row<'a> {
    buf: &'a mut String,
    first: bool,
}

impl Row<'_> {
    fn sep(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.buf.push('\t');
        }
    }

    /// A text value, escaped.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        if s.bytes()
            .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
        {
            for c in s.chars() {
                match c {
                    '\\' => self.buf.push_str("\\\\"),
                    '\t' => self.buf.push_str("\\t"),
                    '\n' => self.buf.push_str("\\n"),
                    '\r' => self.buf.push_str("\\r"),
                    c => self.buf.push(c),
                }
            }
        } else {
            self.buf.push_str(s);
        }
        self
    }

    /// A value whose display form needs no escaping (numbers, dates, quarters).
    pub(crate) fn plain(&mut self, v: impl Display) -> &mut Self {
        self.sep();
        // Writing to a String cannot fail.
        let _ = write!(self.buf, "{v}");
        self
    }

    /// A text value or NULL.
    pub(crate) fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    /// A value without escaping, or NULL.
    pub(crate) fn opt_plain(&mut self, v: Option<impl Display>) -> &mut Self {
        match v {
            Some(v) => self.plain(v),
            None => self.null(),
        }
    }

    /// NULL.
    pub(crate) fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.push_str("\\N");
        self
    }

    /// Ends the row.
    pub(crate) fn end(&mut self) {
        self.buf.push('\n');
    }
}

/// Runs `statement` (a `COPY t (…) FROM STDIN`) on `conn`, writing one row per item with
/// `write`, and returns the number of rows the server stored. On any error the COPY is
/// abandoned and the caller's transaction must be rolled back (dropping it does).
pub(crate) async fn copy_in<T>(
    conn: &mut PgConnection,
    what: &str,
    statement: &str,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut Row<'_>, T),
) -> Result<u64, StoreError> {
    let mut copy = conn
        .copy_in_raw(statement)
        .await
        .map_err(|e| error::map(what, e))?;
    let mut buf = String::with_capacity(CHUNK_BYTES + (64 << 10));
    for item in items {
        write(
            &mut Row {
                buf: &mut buf,
                first: true,
            },
            item,
        );
        if buf.len() >= CHUNK_BYTES {
            // On error the PgCopyIn is dropped, which sends CopyFail: the server discards the
            // COPY and the transaction is aborted.
            copy.send(buf.as_bytes())
                .await
                .map_err(|e| error::map(what, e))?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        copy.send(buf.as_bytes())
            .await
            .map_err(|e| error::map(what, e))?;
    }
    copy.finish().await.map_err(|e| error::map(what, e))
}

/// Runs `statement` (a `COPY (…) TO STDOUT`, text format) on a pooled connection and hands
/// each row to `row` as its `N` fields, unescaped (`None` for NULL). A row with another number
/// of fields, or an error returned by `row`, fails the read; the rest of the COPY is still
/// read (and dropped), so that the connection goes back to the pool ready for its next use.
pub(crate) async fn copy_out<const N: usize>(
    pool: &PgPool,
    what: &str,
    statement: &str,
    mut row: impl FnMut([Option<&[u8]>; N]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stream = pool
        .copy_out_raw(statement)
        .await
        .map_err(|e| error::map(what, e))?;
    // The bytes of an unfinished row, when a row spans chunks.
    let mut carry: Vec<u8> = Vec::new();
    let mut scratch: Vec<u8> = Vec::new();
    let mut failed: Option<StoreError> = None;
    while let Some(chunk) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        let chunk = chunk.map_err(|e| error::map(what, e))?;
        if failed.is_some() {
            continue;
        }
        let mut each = |line: &[u8]| match split_row::<N>(line, &mut scratch) {
            Some(fields) => row(fields),
            None => Err(StoreError::Corrupt(format!(
                "{what}: a COPY row without {N} fields: {:?}",
                String::from_utf8_lossy(line)
            ))),
        };
        let done = if carry.is_empty() {
            let used = rows_of(&chunk, &mut each);
            carry.extend_from_slice(&chunk[used.as_ref().map_or(0, |&u| u)..]);
            used
        } else {
            carry.extend_from_slice(&chunk);
            let used = rows_of(&carry, &mut each);
            if let Ok(u) = used {
                carry.drain(..u);
            }
            used
        };
        if let Err(e) = done {
            failed = Some(e);
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    if !carry.is_empty() {
        return Err(StoreError::Corrupt(format!(
            "{what}: the COPY data ends inside a row"
        )));
    }
    Ok(())
}

/// Calls `each` on every complete (newline-ended) row of `data`, without its newline; returns
/// the bytes used (the rest is an unfinished row), or the first error.
fn rows_of(
    data: &[u8],
    each: &mut impl FnMut(&[u8]) -> Result<(), StoreError>,
) -> Result<usize, StoreError> {
    let mut start = 0;
    while let Some(len) = data[start..].iter().position(|&b| b == b'\n') {
        each(&data[start..start + len])?;
        start += len + 1;
    }
    Ok(start)
}

/// Splits one row of text-format COPY data into exactly `N` fields, unescaped (`None` for
/// `\N`); `None` if it has another number of fields. A row without a backslash (the usual
/// case) is split in place; otherwise it is decoded into `scratch`.
fn split_row<'a, const N: usize>(
    line: &'a [u8],
    scratch: &'a mut Vec<u8>,
) -> Option<[Option<&'a [u8]>; N]> {
    let mut fields: [Option<&[u8]>; N] = [None; N];
    if !line.contains(&b'\\') {
        let mut parts = line.split(|&b| b == b'\t');
        for f in &mut fields {
            *f = Some(parts.next()?);
        }
        return parts.next().is_none().then_some(fields);
    }
    // Decode every field into `scratch`, noting where each one ends (None for NULL).
    scratch.clear();
    let mut ends: [Option<usize>; N] = [None; N];
    let mut n = 0;
    for raw in line.split(|&b| b == b'\t') {
        let slot = ends.get_mut(n)?;
        n += 1;
        if raw == b"\\N" {
            continue;
        }
        unescape(raw, scratch);
        *slot = Some(scratch.len());
    }
    if n != N {
        return None;
    }
    let mut start = 0;
    for (f, end) in fields.iter_mut().zip(ends) {
        if let Some(end) = end {
            *f = Some(&scratch[start..end]);
            start = end;
        }
    }
    Some(fields)
}

/// Appends the text-format field `raw` to `out`, decoding its backslash escapes as PostgreSQL
/// reads them: `\b \f \n \r \t \v`, octal `\ooo`, hex `\xhh`, and any other `\c` as `c`.
fn unescape(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        if b != b'\\' || i == raw.len() {
            out.push(b);
            continue;
        }
        let c = raw[i];
        i += 1;
        match c {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // PostgreSQL keeps the low byte of `\ooo`.
                out.push((v & 0xff) as u8);
            }
            b'x' if raw.get(i).is_some_and(u8::is_ascii_hexdigit) => {
                let mut v = 0u8;
                for _ in 0..2 {
                    match raw.get(i).and_then(|&d| char::from(d).to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d as u8;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(v);
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_unescapes_rows() {
        let mut scratch = Vec::new();
        let plain: [Option<&[u8]>; 3] =
            split_row(b"A01\t\xe5\xbc\xa0\t4.00", &mut scratch).unwrap();
        assert_eq!(
            plain,
            [Some(&b"A01"[..]), Some("张".as_bytes()), Some(&b"4.00"[..])]
        );
        let mut scratch = Vec::new();
        let odd: [Option<&[u8]>; 4] = split_row(
            b"a\\tb\\nc\\\\d\\re\t\\N\t\t\\b\\f\\v\\011\\x41\\q",
            &mut scratch,
        )
        .unwrap();
        assert_eq!(
            odd,
            [
                Some(&b"a\tb\nc\\d\re"[..]),
                None,
                Some(&b""[..]),
                Some(&b"\x08\x0c\x0b\tAq"[..])
            ]
        );
        let mut scratch = Vec::new();
        assert!(split_row::<3>(b"a\tb", &mut scratch).is_none());
        assert!(split_row::<3>(b"a\tb\tc\td", &mut scratch).is_none());
        assert!(split_row::<2>(b"a\\\\\tb\tc", &mut scratch).is_none());
    }

    #[test]
    fn copy_in_escapes_read_back() {
        let mut buf = String::new();
        Row {
            buf: &mut buf,
            first: true,
        }
        .text("x\\\t\n\r y")
        .null()
        .end();
        let line = buf.strip_suffix('\n').unwrap().as_bytes();
        let mut scratch = Vec::new();
        let back: [Option<&[u8]>; 2] = split_row(line, &mut scratch).unwrap();
        assert_eq!(back, [Some("x\\\t\n\r y".as_bytes()), None]);
    }

    #[test]
    fn escapes_text_format() {
        let mut buf = String::new();
        Row {
            buf: &mut buf,
            first: true,
        }
        .text("a\tb\nc\\d\re")
        .plain("-12.50")
        .null()
        .opt_text(Some("张三"))
        .end();
        assert_eq!(buf, "a\\tb\\nc\\\\d\\re\t-12.50\t\\N\t张三\n");
    }
}
