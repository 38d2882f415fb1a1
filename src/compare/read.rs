//! Reading the text tables of a `tenor score` output folder back, whatever `--format` wrote them:
//! CSV with any of the usual delimiters (found from the header row) and decimal commas, TSV, or JSON
//! Lines. Cells come back as the text that was meant: the `'` that guards a formula-like text in CSV
//! and TSV is taken off again. Which columns mean what is left to the parent module; xlsx workbooks are
//! not read (that would need an xlsx reader as a dependency).

use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, Result};

/// How a text table is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// CSV or TSV; the delimiter is found from the header row.
    Delimited,
    Jsonl,
}

impl Layout {
    /// The layout a file name says: `.jsonl` or `.ndjson` is JSON Lines, anything else delimited.
    pub(super) fn of(path: &Path) -> Layout {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("jsonl" | "ndjson") => Layout::Jsonl,
            _ => Layout::Delimited,
        }
    }
}

/// Delimiters a table may use, tried on the header row.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The rows of one text table, read one at a time into reused buffers.
pub(super) struct TextTable<R> {
    path: PathBuf,
    header: Vec<String>,
    rows: Rows<R>,
}

enum Rows<R> {
    Delimited {
        csv: csv::Reader<io::Chain<io::Cursor<Vec<u8>>, R>>,
        record: csv::StringRecord,
        decimal_comma: bool,
    },
    Jsonl {
        lines: R,
        /// The line last read, and its number.
        buffer: String,
        line: u64,
        /// The cells of the row last read, in header order.
        cells: Vec<String>,
        /// Whether `cells` holds the first row, read to learn the columns, not yet handed out.
        pending: bool,
    },
}

/// One row: its cells in header order (an absent one is empty) and its line in the file.
pub(super) struct Row<'t> {
    cells: RowCells<'t>,
    pub(super) line: u64,
    decimal_comma: bool,
    guarded: bool,
}

enum RowCells<'t> {
    Record(&'t csv::StringRecord),
    Owned(&'t [String]),
}

impl<R: BufRead> TextTable<R> {
    /// Starts reading `reader`, laid out as `layout`; `path` names the table in errors.
    pub(super) fn new(mut reader: R, layout: Layout, path: &Path) -> Result<TextTable<R>> {
        let path = path.to_path_buf();
        match layout {
            Layout::Delimited => {
                let mut first = Vec::new();
                reader
                    .read_until(b'\n', &mut first)
                    .map_err(|e| Error::io(&path, e))?;
                let delimiter = sniff_delimiter(&first);
                let mut csv = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .from_reader(io::Cursor::new(first).chain(reader));
                let header = csv
                    .headers()
                    .map_err(|e| csv_error(&path, e))?
                    .iter()
                    .map(|name| name.trim().to_string())
                    .collect();
                Ok(TextTable {
                    path,
                    header,
                    rows: Rows::Delimited {
                        csv,
                        record: csv::StringRecord::new(),
                        // A decimal comma in a comma-separated file would be a field break.
                        decimal_comma: delimiter != b',',
                    },
                })
            }
            Layout::Jsonl => {
                let mut table = TextTable {
                    path,
                    header: Vec::new(),
                    rows: Rows::Jsonl {
                        lines: reader,
                        buffer: String::new(),
                        line: 0,
                        cells: Vec::new(),
                        pending: false,
                    },
                };
                let found = table.next_object(true)?;
                if let Rows::Jsonl { pending, .. } = &mut table.rows {
                    *pending = found;
                }
                Ok(table)
            }
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Column names, trimmed; empty for a JSON Lines table with no rows.
    pub(super) fn header(&self) -> &[String] {
        &self.header
    }

    /// The position of the column `name`.
    pub(super) fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|column| column == name)
    }

    /// An [`Error::Input`] naming the table.
    pub(super) fn error(&self, message: String) -> Error {
        Error::Input {
            path: self.path.clone(),
            message,
        }
    }

    /// The next row, or `None` at the end.
    pub(super) fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        if let Rows::Jsonl { pending, .. } = &mut self.rows {
            let found = std::mem::take(pending) || self.next_object(false)?;
            let Rows::Jsonl { cells, line, .. } = &self.rows else {
                return Ok(None);
            };
            if !found {
                return Ok(None);
            }
            return Ok(Some(Row {
                cells: RowCells::Owned(cells),
                line: *line,
                decimal_comma: false,
                guarded: false,
            }));
        }
        let Rows::Delimited {
            csv,
            record,
            decimal_comma,
        } = &mut self.rows
        else {
            return Ok(None);
        };
        if !csv
            .read_record(record)
            .map_err(|e| csv_error(&self.path, e))?
        {
            return Ok(None);
        }
        Ok(Some(Row {
            line: record.position().map_or(0, |p| p.line()),
            cells: RowCells::Record(record),
            decimal_comma: *decimal_comma,
            guarded: true,
        }))
    }

    /// Reads the next non-blank line of a JSON Lines table into the row's cells; `false` at the end.
    /// With `learn`, the object's keys become the header, in file order; otherwise a key that is
    /// not a column is skipped and a column the object lacks is an empty cell.
    fn next_object(&mut self, learn: bool) -> Result<bool> {
        let Rows::Jsonl {
            lines,
            buffer,
            line,
            cells,
            ..
        } = &mut self.rows
        else {
            return Ok(false);
        };
        loop {
            buffer.clear();
            let read = lines
                .read_line(buffer)
                .map_err(|e| Error::io(&self.path, e))?;
            if read == 0 {
                return Ok(false);
            }
            *line += 1;
            let text = buffer.trim_start_matches('\u{FEFF}').trim();
            if text.is_empty() {
                continue;
            }
            cells.iter_mut().for_each(String::clear);
            let fill = FillRow {
                header: &mut self.header,
                cells,
                learn,
            };
            let mut json = serde_json::Deserializer::from_str(text);
            return match fill.deserialize(&mut json).and_then(|()| json.end()) {
                Ok(()) => Ok(true),
                Err(e) => Err(Error::Input {
                    path: self.path.clone(),
                    message: format!("line {line}: {e}"),
                }),
            };
        }
    }
}

impl Row<'_> {
    /// The text of cell `i` as it was meant: in CSV and TSV without the `'` that kept a spreadsheet
    /// from reading it as a formula. Empty past the row's end.
    pub(super) fn text(&self, i: usize) -> &str {
        let cell = match &self.cells {
            RowCells::Record(record) => record.get(i).unwrap_or(""),
            RowCells::Owned(cells) => cells.get(i).map_or("", String::as_str),
        };
        if self.guarded { unguarded(cell) } else { cell }
    }

    /// Cell `i` as a number: `None` when empty, NaN or infinite (as other tools write a missing
    /// value). A decimal comma is read where the delimiter is not a comma.
    pub(super) fn number(&self, i: usize) -> std::result::Result<Option<f64>, ()> {
        let cell = self.text(i).trim();
        if cell.is_empty() {
            return Ok(None);
        }
        let value: f64 = match cell.parse() {
            Ok(value) => value,
            Err(_) if self.decimal_comma && cell.matches(',').count() == 1 => {
                cell.replacen(',', ".", 1).parse().map_err(|_| ())?
            }
            Err(_) => return Err(()),
        };
        Ok(value.is_finite().then_some(value))
    }
}

/// A cell as it was before the `'` that keeps spreadsheets from reading it as a formula.
pub(super) fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if crate::output::looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// The delimiter that splits the header row into the most columns; a comma when none splits it.
fn sniff_delimiter(header: &[u8]) -> u8 {
    let header = header.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(header);
    let mut best = (0, b',');
    for delimiter in DELIMITERS {
        let count = header.iter().filter(|&&b| b == delimiter).count();
        if count > best.0 {
            best = (count, delimiter);
        }
    }
    best.1
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    if !error.is_io_error() {
        return Error::Input {
            path: path.to_path_buf(),
            message: error.to_string(),
        };
    }
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        kind => Error::Input {
            path: path.to_path_buf(),
            message: format!("{kind:?}"),
        },
    }
}

/// Fills the cells of one row from a JSON object, without keeping the object: keys are looked up
/// as they are read (borrowed from the line when they have no escapes), values written as text into
/// the reused cells.
struct FillRow<'a> {
    header: &'a mut Vec<String>,
    cells: &'a mut Vec<String>,
    /// Whether keys not yet in the header become columns (the first row).
    learn: bool,
}

impl<'de> DeserializeSeed<'de> for FillRow<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FillRow<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("one JSON object per line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key()? {
            let column = match self.header.iter().position(|c| *c == key) {
                Some(column) => Some(column),
                None if self.learn => {
                    self.header.push(key.into_owned());
                    Some(self.header.len() - 1)
                }
                None => None,
            };
            match column {
                Some(column) => {
                    if self.cells.len() < self.header.len() {
                        self.cells.resize(self.header.len(), String::new());
                    }
                    map.next_value_seed(CellText(&mut self.cells[column]))?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An object key, borrowed from the line when it can be.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column name")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> std::result::Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_string())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A JSON value written as a table cell into a cleared string: text as is, numbers as written, null
/// as empty. A list or an object is not a cell.
struct CellText<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for CellText<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellText<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text, a number, true, false or null")
    }

    fn visit_str<E>(self, text: &str) -> std::result::Result<(), E> {
        self.0.push_str(text);
        Ok(())
    }

    fn visit_f64<E>(self, value: f64) -> std::result::Result<(), E> {
        // Display prints the shortest text that parses back to the same number.
        let _ = write!(self.0, "{value}");
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> std::result::Result<(), E> {
        let _ = write!(self.0, "{value}");
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> std::result::Result<(), E> {
        let _ = write!(self.0, "{value}");
        Ok(())
    }

    fn visit_bool<E>(self, value: bool) -> std::result::Result<(), E> {
        self.0.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(layout: Layout, text: &str) -> (Vec<String>, Vec<Vec<String>>) {
        let mut table = TextTable::new(text.as_bytes(), layout, "t".as_ref()).unwrap();
        let header = table.header().to_vec();
        let mut rows = Vec::new();
        while let Some(row) = table.next_row().unwrap() {
            rows.push((0..header.len()).map(|i| row.text(i).to_string()).collect());
        }
        (header, rows)
    }

    #[test]
    fn delimiters_are_found_from_the_header() {
        for (text, delimiter) in [
            ("a,b;c\n1,2;3\n", ','),
            ("a;b;c\n1;2,5;3\n", ';'),
            ("\u{FEFF}a\tb\tc\r\n1\t2\t3\r\n", '\t'),
        ] {
            let (header, rows) = cells(Layout::Delimited, text);
            let split: Vec<String> = text
                .trim_start_matches('\u{FEFF}')
                .lines()
                .next()
                .unwrap()
                .split(delimiter)
                .map(String::from)
                .collect();
            assert_eq!(header, split, "{text:?}");
            assert_eq!(rows[0].len(), header.len());
        }
    }

    #[test]
    fn decimal_commas_are_numbers_only_where_the_delimiter_is_not_a_comma() {
        let mut table = TextTable::new(
            "x;y\n0,25;'=1\n".as_bytes(),
            Layout::Delimited,
            "t".as_ref(),
        )
        .unwrap();
        let row = table.next_row().unwrap().unwrap();
        assert_eq!(row.number(0), Ok(Some(0.25)));
        assert_eq!(row.text(1), "=1");
        let mut table = TextTable::new(
            "x,y\n\"0,25\",\n".as_bytes(),
            Layout::Delimited,
            "t".as_ref(),
        )
        .unwrap();
        let row = table.next_row().unwrap().unwrap();
        assert_eq!(row.number(0), Err(()));
        assert_eq!(row.number(1), Ok(None));
    }

    #[test]
    fn json_lines_keep_the_writers_key_order_and_text_as_is() {
        let text = "{\"z\":\"'=1\",\"a\":-0.1250,\"m\":null}\n\n{\"a\":2,\"z\":\"b\",\"new\":1}\n";
        let (header, rows) = cells(Layout::Jsonl, text);
        assert_eq!(header, ["z", "a", "m"]);
        assert_eq!(rows, [["'=1", "-0.125", ""], ["b", "2", ""]]);
        let (header, rows) = cells(Layout::Jsonl, "");
        assert!(header.is_empty() && rows.is_empty());
        let err = TextTable::new(
            "{\"a\":1}\n[1]\n".as_bytes(),
            Layout::Jsonl,
            "q.jsonl".as_ref(),
        )
        .and_then(|mut t| {
            t.next_row()?;
            t.next_row().map(|_| ())
        })
        .unwrap_err();
        assert!(err.to_string().starts_with("q.jsonl: line 2: "), "{err}");
    }
}
