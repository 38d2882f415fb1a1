//! JSON Lines rows: one object per row, keys in column order, numbers as JSON numbers (scores with the
//! same four decimals as CSV), text escaped by serde_json and otherwise kept as is. Choosing the file and
//! moving it into place is left to the parent module.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::error::{Error, Result};

use super::{BUFFER_BYTES, Cells, finite_score};

pub(super) struct JsonCells<W: Write> {
    out: BufWriter<W>,
    path: PathBuf,
    /// Each column's key, rendered once: `"name":`.
    keys: Vec<String>,
    /// The next cell's column.
    column: usize,
    scratch: String,
}

impl<W: Write> JsonCells<W> {
    pub(super) fn new(writer: W, path: PathBuf, columns: &[String]) -> Self {
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
            out: BufWriter::with_capacity(BUFFER_BYTES, writer),
            path,
            keys,
            column: 0,
            scratch: String::with_capacity(32),
        }
    }

    pub(super) fn error_path(&self) -> PathBuf {
        self.path.clone()
    }

    pub(super) fn get_ref(&self) -> &W {
        self.out.get_ref()
    }

    pub(super) fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))
    }

    pub(super) fn into_inner(self) -> Result<W> {
        let path = self.path;
        self.out
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))
    }

    /// Opens the row or separates the cell from the one before, then writes the cell's key.
    fn key(&mut self) -> Result<()> {
        let separator: &[u8] = if self.column == 0 { b"{" } else { b"," };
        let key = self
            .keys
            .get(self.column)
            .ok_or_else(|| Error::Output {
                path: self.path.clone(),
                message: format!("a row has more than {} cells", self.keys.len()),
            })?
            .as_bytes();
        self.column += 1;
        let result = self
            .out
            .write_all(separator)
            .and_then(|()| self.out.write_all(key));
        result.map_err(|e| Error::io(&self.path, e))
    }

    fn raw(&mut self, value: &str) -> Result<()> {
        let result = self.out.write_all(value.as_bytes());
        result.map_err(|e| Error::io(&self.path, e))
    }
}

impl<W: Write> Cells for JsonCells<W> {
    fn text(&mut self, value: &str) -> Result<()> {
        self.key()?;
        serde_json::to_writer(&mut self.out, value).map_err(|e| {
            let source = std::io::Error::from(e);
            Error::io(&self.path, source)
        })
    }

    fn count(&mut self, value: u64) -> Result<()> {
        self.key()?;
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        let scratch = std::mem::take(&mut self.scratch);
        let result = self.raw(&scratch);
        self.scratch = scratch;
        result
    }

    fn score(&mut self, value: f64) -> Result<()> {
        self.key()?;
        let mut scratch = std::mem::take(&mut self.scratch);
        let result = if finite_score(value, &mut scratch) {
            self.raw(&scratch)
        } else {
            self.raw("null")
        };
        self.scratch = scratch;
        result
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
        self.raw("}\n")
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
