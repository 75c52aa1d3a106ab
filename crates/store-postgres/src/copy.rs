//! Bulk writes with `COPY … FROM STDIN` in PostgreSQL's text format, streamed in chunks.
//!
//! Text format: columns separated by a tab, rows ended by a newline, `\N` for NULL, and a
//! backslash, tab, newline or carriage return inside a value written as `\\`, `\t`, `\n`,
//! `\r`. Numbers and dates are written in forms PostgreSQL reads the same whatever the
//! session's settings (`-12.50`, `2026-07-01`).

use std::fmt::{Display, Write as _};

use kaohe_store::StoreError;
use sqlx::PgConnection;

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

#[cfg(test)]
mod tests {
    use super::*;

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
