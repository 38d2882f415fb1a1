//! CSV and TSV rows, written by hand with the csv crate's rules: a field is quoted when it holds the
//! delimiter, a double quote or a line break (quotes inside doubled), a row of one empty field is `""`,
//! and every row has as many fields as the first. Text that a spreadsheet would evaluate is prefixed
//! with `'`, scores have four decimals (and a decimal comma when asked), and for spreadsheets there is a
//! byte order mark and CRLF line ends. Numbers are written straight, without a quoting check, unless
//! the delimiter is a character a number can hold. Choosing the file and moving it into place is left
//! to the parent module.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::error::{Error, Result};

use super::{BUFFER_BYTES, Cells, Delimited, finite_score, looks_like_formula};

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Renders rows of one table, field by field, through a reused buffer: no allocation per row. Errors
/// name the table's final path.
pub(super) struct DelimitedCells<W: Write> {
    out: BufWriter<W>,
    path: PathBuf,
    delimiter: u8,
    /// The bytes that make a field need quotes: the delimiter, a double quote, CR and LF.
    special: [bool; 256],
    terminator: &'static [u8],
    decimal_comma: bool,
    /// The delimiter is a digit, a sign or a decimal mark, so numbers need the quoting check too.
    numbers_need_quoting_check: bool,
    /// Fields written in the current row.
    fields: usize,
    /// Bytes written in the current row: none means a row of one empty field, written `""`.
    row_bytes: usize,
    /// The number of fields of the first row; every later row must match it.
    width: Option<usize>,
    scratch: String,
}

impl<W: Write> DelimitedCells<W> {
    /// Starts the table on `writer` with its byte order mark and header row as `style` asks.
    pub(super) fn new(
        writer: W,
        path: PathBuf,
        style: Delimited,
        columns: &[String],
    ) -> Result<Self> {
        let mut special = [false; 256];
        for b in [style.delimiter, b'"', b'\r', b'\n'] {
            special[usize::from(b)] = true;
        }
        let mut cells = DelimitedCells {
            out: BufWriter::with_capacity(BUFFER_BYTES, writer),
            path,
            delimiter: style.delimiter,
            special,
            terminator: if style.excel { b"\r\n" } else { b"\n" },
            decimal_comma: style.decimal_comma,
            numbers_need_quoting_check: matches!(style.delimiter, b'0'..=b'9' | b'-' | b'.' | b','),
            fields: 0,
            row_bytes: 0,
            width: None,
            scratch: String::with_capacity(256),
        };
        if style.excel {
            cells.write(BYTE_ORDER_MARK)?;
        }
        if style.header {
            for column in columns {
                cells.field(column.as_bytes())?;
            }
            cells.end_row()?;
        }
        Ok(cells)
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

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Writes the delimiter before every field but a row's first.
    fn separate(&mut self) -> Result<()> {
        if self.fields > 0 {
            self.row_bytes += 1;
            self.write(&[self.delimiter])?;
        }
        self.fields += 1;
        Ok(())
    }

    /// Writes a field, quoted when it holds the delimiter, a double quote or a line break.
    fn field(&mut self, field: &[u8]) -> Result<()> {
        self.separate()?;
        if !field.iter().any(|&b| self.special[usize::from(b)]) {
            self.row_bytes += field.len();
            return self.write(field);
        }
        self.row_bytes += field.len() + 2;
        self.write(b"\"")?;
        for piece in field.split_inclusive(|&b| b == b'"') {
            self.write(piece)?;
            if piece.ends_with(b"\"") {
                self.write(b"\"")?;
            }
        }
        self.write(b"\"")
    }

    /// Writes `self.scratch`, a number, without a quoting check when none can be needed.
    fn number_field(&mut self) -> Result<()> {
        if self.numbers_need_quoting_check {
            let number = std::mem::take(&mut self.scratch);
            let result = self.field(number.as_bytes());
            self.scratch = number;
            return result;
        }
        self.separate()?;
        self.row_bytes += self.scratch.len();
        let result = self.out.write_all(self.scratch.as_bytes());
        result.map_err(|e| Error::io(&self.path, e))
    }
}

impl<W: Write> Cells for DelimitedCells<W> {
    fn text(&mut self, value: &str) -> Result<()> {
        if !looks_like_formula(value) {
            return self.field(value.as_bytes());
        }
        let mut guarded = std::mem::take(&mut self.scratch);
        guarded.clear();
        guarded.push('\'');
        guarded.push_str(value);
        let result = self.field(guarded.as_bytes());
        self.scratch = guarded;
        result
    }

    fn count(&mut self, value: u64) -> Result<()> {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.number_field()
    }

    fn score(&mut self, value: f64) -> Result<()> {
        finite_score(value, &mut self.scratch);
        if self.decimal_comma {
            // Four decimals always leave exactly one point, and only ASCII before it.
            if let Some(point) = self.scratch.find('.') {
                self.scratch.replace_range(point..=point, ",");
            }
        }
        self.number_field()
    }

    fn end_row(&mut self) -> Result<()> {
        match self.width {
            None => self.width = Some(self.fields),
            Some(width) if width != self.fields => {
                return Err(self.error(format!(
                    "a row has {} fields, but the first row has {width}",
                    self.fields
                )));
            }
            Some(_) => {}
        }
        if self.row_bytes == 0 {
            self.write(b"\"\"")?;
        }
        self.fields = 0;
        self.row_bytes = 0;
        self.write(self.terminator)
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
    /// Rows written through the csv crate with the same settings, for comparison.
    fn through_csv(delimiter: u8, excel: bool, rows: &[Vec<&str>]) -> Vec<u8> {
        let terminator = if excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .from_writer(Vec::new());
        for row in rows {
            writer.write_record(row).unwrap();
        }
        writer.into_inner().unwrap()
    }

    #[test]
    fn fields_are_quoted_exactly_as_the_csv_crate_quotes_them() {
        let rows = vec![
            vec!["plain", "with \"quotes\" inside", "a,b"],
            vec!["semi;colon", "tab\there", "line\nbreak"],
            vec!["carriage\rreturn", "", "5 o'clock"],
            vec!["", "", ""],
        ];
        for delimiter in [b',', b';', b'\t', b'5'] {
            for excel in [false, true] {
                let style = Delimited {
                    delimiter,
                    excel,
                    header: false,
                    decimal_comma: false,
                };
                let mut cells =
                    DelimitedCells::new(Vec::new(), "t.csv".into(), style, &[]).unwrap();
                for row in &rows {
                    for field in row {
                        cells.field(field.as_bytes()).unwrap();
                    }
                    cells.end_row().unwrap();
                }
                let mut written = cells.into_inner().unwrap();
                if excel {
                    written.drain(..BYTE_ORDER_MARK.len());
                }
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    String::from_utf8(through_csv(delimiter, excel, &rows)).unwrap(),
                    "delimiter {:?}, excel {excel}",
                    char::from(delimiter)
                );
            }
        }
    }

    #[test]
    fn a_row_of_one_empty_field_is_two_quotes_and_rows_must_match_the_first() {
        let mut cells = DelimitedCells::new(
            Vec::new(),
            "t.csv".into(),
            style(TableFormat::csv()),
            &["only".to_string()],
        )
        .unwrap();
        cells.text("").unwrap();
        cells.end_row().unwrap();
        cells.text("a").unwrap();
        cells.text("b").unwrap();
        let err = cells.end_row().unwrap_err();
        assert!(err.to_string().contains("2 fields"), "{err}");
        assert_eq!(
            String::from_utf8(cells.into_inner().unwrap()).unwrap(),
            "only\n\"\"\na,b"
        );
    }

    #[test]
    fn numbers_are_quoted_only_when_the_delimiter_could_be_part_of_them() {
        let plain = one_row(TableFormat::csv(), "x", -0.125);
        assert_eq!(
            String::from_utf8(plain).unwrap(),
            "id,text,score\na1,x,-0.1250\n"
        );
        let dotted = one_row(TableFormat::csv().delimiter('.').unwrap(), "x", -0.125);
        assert_eq!(
            String::from_utf8(dotted).unwrap(),
            "id.text.score\na1.x.\"-0.1250\"\n"
        );
    }
}
