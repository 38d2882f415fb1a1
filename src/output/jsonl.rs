//! JSON Lines rows: one object per row, keys in column order, numbers as JSON numbers (scores with the
//! same four decimals as CSV), text escaped by serde_json and otherwise kept as is. Choosing the file and
//! moving it into place is left to the parent module.

use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};

use super::number::{push_count, push_score};
use super::{BUFFER_BYTES, Cells, take_pending_rows};

/// Renders rows into one reused byte buffer that goes to the writer in writes of about
/// [`BUFFER_BYTES`]. Errors name the table's final path.
///
/// On a worker thread ([`JsonCells::rows_only`]) the buffer is never handed over: the worker takes
/// the rendered rows with [`JsonCells::take_rows`] and the writing thread appends them to the file's
/// cells with [`JsonCells::append_rows`].
#[derive(Clone)]
pub(super) struct JsonCells<W: Write> {
    out: W,
    /// Rendered bytes not yet handed to `out`; only whole rows are handed over, except on a flush.
    pending: Vec<u8>,
    /// `pending` goes to `out` once it holds this many bytes.
    hand_over_at: usize,
    path: PathBuf,
    /// Each column's key, rendered once: `"name":`.
    keys: Vec<String>,
    /// The next cell's column.
    column: usize,
}

impl<W: Write> JsonCells<W> {
    pub(super) fn new(writer: W, path: PathBuf, columns: &[String]) -> Self {
        let mut cells = JsonCells::rows_only(writer, path, columns);
        cells.pending = Vec::with_capacity(BUFFER_BYTES + 64 * 1024);
        cells.hand_over_at = BUFFER_BYTES;
        cells
    }

    /// Cells that render rows for [`JsonCells::take_rows`] and never hand them to `writer`.
    pub(super) fn rows_only(writer: W, path: PathBuf, columns: &[String]) -> Self {
        let keys = columns
            .iter()
            .map(|name| {
                // A String key always serialises.
                let mut key = serde_json::to_string(name).unwrap_or_default();
                key.push(':');
                key
            })
            .collect();
        JsonCells {
            out: writer,
            // About one article's rows.
            pending: Vec::with_capacity(16 * 1024),
            hand_over_at: usize::MAX,
            path,
            keys,
            column: 0,
        }
    }

    pub(super) fn error_path(&self) -> PathBuf {
        self.path.clone()
    }

    /// The writer; bytes still pending are not in it until [`JsonCells::flush`].
    pub(super) fn get_ref(&self) -> &W {
        &self.out
    }

    /// Hands everything rendered so far to the writer and flushes it.
    pub(super) fn flush(&mut self) -> Result<()> {
        self.hand_over()?;
        self.out.flush().map_err(|e| Error::io(&self.path, e))
    }

    /// Hands everything rendered so far to the writer and gives the writer back.
    pub(super) fn into_inner(mut self) -> Result<W> {
        self.hand_over()?;
        Ok(self.out)
    }

    /// How many rendered bytes wait to be taken or handed over.
    pub(super) fn pending_bytes(&self) -> usize {
        self.pending.len()
    }

    /// Appends the whole rows rendered since the last take to `rows`, and forgets them.
    pub(super) fn take_rows(&mut self, rows: &mut Vec<u8>) {
        take_pending_rows(&mut self.pending, rows);
    }

    /// Forgets what was rendered since the last take, a row cut short by an error included.
    pub(super) fn discard_rows(&mut self) {
        self.pending.clear();
        self.column = 0;
    }

    /// Renders with `render` straight onto the end of `rows`, where [`JsonCells::take_rows`] would
    /// have copied them. On an error `rows` is left as it was.
    pub(super) fn render_onto(
        &mut self,
        rows: &mut Vec<u8>,
        render: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        std::mem::swap(&mut self.pending, rows);
        let before = self.pending.len();
        let rendered = render(self);
        if rendered.is_err() {
            self.pending.truncate(before);
            self.column = 0;
        }
        std::mem::swap(&mut self.pending, rows);
        rendered
    }

    /// Writes whole rows that [`JsonCells::rows_only`] cells with this table's columns rendered.
    pub(super) fn append_rows(&mut self, rows: &[u8]) -> Result<()> {
        self.pending.extend_from_slice(rows);
        if self.pending.len() >= self.hand_over_at {
            self.hand_over()?;
        }
        Ok(())
    }

    fn hand_over(&mut self) -> Result<()> {
        let written = self.out.write_all(&self.pending);
        self.pending.clear();
        if self.pending.capacity() > 4 * BUFFER_BYTES {
            // A huge row is past: memory stays flat however long the run.
            self.pending = Vec::with_capacity(BUFFER_BYTES);
        }
        written.map_err(|e| Error::io(&self.path, e))
    }

    /// Opens the row or separates the cell from the one before, then writes the cell's key.
    fn key(&mut self) -> Result<()> {
        let Some(key) = self.keys.get(self.column) else {
            return Err(self.error(format!("a row has more than {} cells", self.keys.len())));
        };
        self.pending
            .push(if self.column == 0 { b'{' } else { b',' });
        self.pending.extend_from_slice(key.as_bytes());
        self.column += 1;
        Ok(())
    }
}

impl<W: Write> Cells for JsonCells<W> {
    fn text(&mut self, value: &str) -> Result<()> {
        self.key()?;
        serde_json::to_writer(&mut self.pending, value).map_err(|e| {
            let source = std::io::Error::from(e);
            Error::io(&self.path, source)
        })
    }

    fn count(&mut self, value: u64) -> Result<()> {
        self.key()?;
        push_count(value, &mut self.pending);
        Ok(())
    }

    fn score(&mut self, value: f64) -> Result<()> {
        self.key()?;
        if !push_score(value, b'.', &mut self.pending) {
            self.pending.extend_from_slice(b"null");
        }
        Ok(())
    }

    fn end_row(&mut self) -> Result<()> {
        if self.column != self.keys.len() {
            return Err(self.error(format!(
                "a row has {} cells for {} columns",
                self.column,
                self.keys.len()
            )));
        }
        self.column = 0;
        self.pending.extend_from_slice(b"}\n");
        if self.pending.len() >= self.hand_over_at {
            self.hand_over()?;
        }
        Ok(())
    }

    fn error(&self, message: String) -> Error {
        Error::Output {
            path: self.path.clone(),
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_one_object_with_numbers_as_numbers() {
        let columns = ["id", "text", "words", "score", "missing"].map(String::from);
        let mut cells = JsonCells::new(Vec::new(), "t.jsonl".into(), &columns);
        cells.text("=1+1").unwrap();
        cells.text("“Quoted”\nnext line").unwrap();
        cells.count(12).unwrap();
        cells.score(-0.125).unwrap();
        cells.score(f64::NAN).unwrap();
        cells.end_row().unwrap();
        let line = String::from_utf8(cells.into_inner().unwrap()).unwrap();
        assert_eq!(
            line,
            "{\"id\":\"=1+1\",\"text\":\"“Quoted”\\nnext line\",\"words\":12,\"score\":-0.1250,\
             \"missing\":null}\n"
        );
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["score"], -0.125);
    }

    #[test]
    fn a_short_row_is_an_error() {
        let columns = ["id", "text"].map(String::from);
        let mut cells = JsonCells::new(Vec::new(), "t.jsonl".into(), &columns);
        cells.text("a").unwrap();
        assert!(cells.end_row().is_err());
    }
}
