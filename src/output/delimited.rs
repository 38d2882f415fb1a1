//! CSV and TSV rows through the csv crate: fields quoted when needed, text that a spreadsheet would
//! evaluate prefixed with `'`, scores with four decimals (and a decimal comma when asked), and for
//! spreadsheets a byte order mark and CRLF line ends. Choosing the file and moving it into place is left
//! to the parent module.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};

use super::{BUFFER_BYTES, Cells, Delimited, finite_score, looks_like_formula};

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Renders rows of one table, field by field, through a reused buffer: no allocation per row. Errors
/// name the table's final path.
pub(super) struct DelimitedCells<W: Write> {
    csv: csv::Writer<W>,
    path: PathBuf,
    decimal_comma: bool,
    scratch: String,
}

impl<W: Write> DelimitedCells<W> {
    /// Starts the table on `writer` with its byte order mark and header row as `style` asks.
    pub(super) fn new(
        mut writer: W,
        path: PathBuf,
        style: Delimited,
        columns: &[String],
    ) -> Result<Self> {
        if style.excel {
            writer
                .write_all(BYTE_ORDER_MARK)
                .map_err(|e| Error::io(&path, e))?;
        }
        let terminator = if style.excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let csv = csv::WriterBuilder::new()
            .buffer_capacity(BUFFER_BYTES)
            .delimiter(style.delimiter)
            .terminator(terminator)
            .from_writer(writer);
        let mut cells = DelimitedCells {
            csv,
            path,
            decimal_comma: style.decimal_comma,
            scratch: String::with_capacity(256),
        };
        if style.header {
            let result = cells.csv.write_record(columns);
            result.map_err(|e| cells.csv_error(e))?;
        }
        Ok(cells)
    }

    pub(super) fn error_path(&self) -> PathBuf {
        self.path.clone()
    }

    pub(super) fn get_ref(&self) -> &W {
        self.csv.get_ref()
    }

    pub(super) fn flush(&mut self) -> Result<()> {
        self.csv.flush().map_err(|e| Error::io(&self.path, e))
    }

    pub(super) fn into_inner(mut self) -> Result<W> {
        self.flush()?;
        let path = self.path;
        self.csv
            .into_inner()
            .map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))
    }

    fn field(&mut self, field: &[u8]) -> Result<()> {
        let result = self.csv.write_field(field);
        result.map_err(|e| self.csv_error(e))
    }

    fn scratch_field(&mut self) -> Result<()> {
        let result = self.csv.write_field(self.scratch.as_bytes());
        result.map_err(|e| self.csv_error(e))
    }

    fn csv_error(&self, error: csv::Error) -> Error {
        if !error.is_io_error() {
            return self.error(error.to_string());
        }
        match error.into_kind() {
            csv::ErrorKind::Io(source) => Error::io(&self.path, source),
            // `is_io_error` promises the kind above; keep a readable error should that ever change.
            kind => self.error(format!("{kind:?}")),
        }
    }
}

impl<W: Write> Cells for DelimitedCells<W> {
    fn text(&mut self, value: &str) -> Result<()> {
        if !looks_like_formula(value) {
            return self.field(value.as_bytes());
        }
        self.scratch.clear();
        self.scratch.push('\'');
        self.scratch.push_str(value);
        self.scratch_field()
    }

    fn count(&mut self, value: u64) -> Result<()> {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.scratch_field()
    }

    fn score(&mut self, value: f64) -> Result<()> {
        finite_score(value, &mut self.scratch);
        if self.decimal_comma {
            // Four decimals always leave exactly one point, and only ASCII before it.
            if let Some(point) = self.scratch.find('.') {
                self.scratch.replace_range(point..=point, ",");
            }
        }
        self.scratch_field()
    }

    fn end_row(&mut self) -> Result<()> {
        let result = self.csv.write_record(None::<&[u8]>);
        result.map_err(|e| self.csv_error(e))
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
    use crate::output::TableFormat;
    use std::io;

    /// A disk that is always full.
    struct FullDisk;

    impl Write for FullDisk {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(28))
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn style(format: TableFormat) -> Delimited {
        match format {
            TableFormat::Delimited(d) => d,
            other => panic!("{other:?} is not delimited"),
        }
    }

    fn columns() -> Vec<String> {
        vec!["id".into(), "text".into(), "score".into()]
    }

    /// Writes one row of an id, a text and a score.
    fn one_row(format: TableFormat, text: &str, score: f64) -> Vec<u8> {
        let mut cells =
            DelimitedCells::new(Vec::new(), "t.csv".into(), style(format), &columns()).unwrap();
        cells.text("a1").unwrap();
        cells.text(text).unwrap();
        cells.score(score).unwrap();
        cells.end_row().unwrap();
        cells.into_inner().unwrap()
    }

    #[test]
    fn a_full_disk_is_an_error_naming_the_table() {
        let mut cells = DelimitedCells::new(
            FullDisk,
            PathBuf::from("out/quotes.csv"),
            style(TableFormat::csv()),
            &columns(),
        )
        .unwrap();
        let err = cells.flush().unwrap_err();
        assert!(matches!(&err, Error::Io { path, .. } if path.ends_with("quotes.csv")));
        let shown = err.to_string();
        assert!(shown.starts_with("out/quotes.csv: "), "{shown}");
    }

    #[test]
    fn text_that_a_spreadsheet_would_evaluate_gets_a_quote_mark_and_numbers_do_not() {
        let written = one_row(TableFormat::csv(), "=cmd|' /C calc'!A0", -0.5);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "id,text,score\na1,'=cmd|' /C calc'!A0,-0.5000\n"
        );
        let written = one_row(TableFormat::csv(), "-1, said nobody", 0.25);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "id,text,score\na1,\"'-1, said nobody\",0.2500\n"
        );
    }

    #[test]
    fn excel_csv_has_a_byte_order_mark_and_crlf_line_ends() {
        let format = TableFormat::csv().excel().unwrap();
        let written = one_row(format, "line one\nline two", 0.25);
        assert!(written.starts_with(BYTE_ORDER_MARK));
        assert_eq!(
            String::from_utf8_lossy(&written[3..]),
            "id,text,score\r\na1,\"line one\nline two\",0.2500\r\n"
        );
    }

    #[test]
    fn semicolons_and_decimal_commas_for_comma_locales() {
        let format = TableFormat::csv()
            .delimiter(';')
            .and_then(TableFormat::decimal_comma)
            .unwrap();
        let written = one_row(format, "yes; no", -0.125);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "id;text;score\na1;\"yes; no\";-0,1250\n"
        );
    }

    #[test]
    fn tsv_quotes_only_fields_that_need_it() {
        let written = one_row(TableFormat::tsv(), "a, b\tc", 1.0);
        assert_eq!(
            String::from_utf8(written).unwrap(),
            "id\ttext\tscore\na1\t\"a, b\tc\"\t1.0000\n"
        );
    }

    #[test]
    fn no_header_starts_with_the_first_row() {
        let written = one_row(TableFormat::csv().no_header().unwrap(), "fine", 0.0);
        assert_eq!(String::from_utf8(written).unwrap(), "a1,fine,0.0000\n");
    }
}
