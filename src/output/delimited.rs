//! CSV and TSV rows, written by hand with the csv crate's rules: a field is quoted when it holds the
//! delimiter, a double quote or a line break (quotes inside doubled), a row of one empty field is `""`,
//! and every row has as many fields as the first. Text that a spreadsheet would evaluate is prefixed
//! with `'`, scores have four decimals (and a decimal comma when asked), and for spreadsheets there is a
//! byte order mark and CRLF line ends. Numbers are written straight, without a quoting check, unless
//! the delimiter is a character a number can hold. Choosing the file and moving it into place is left
//! to the parent module.

use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};

use super::number::{push_count, push_delimited_scores, push_delimited_wide_scores, push_score};
use super::{
    BUFFER_BYTES, Cells, Delimited, formula_start, looks_like_formula, push_evidence,
    take_pending_rows,
};
use crate::scoring::{Evidence, Scores};

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Fields at least this long are scanned for special bytes with memchr; shorter ones eight bytes at
/// a time, where memchr's set-up would cost more than the scan.
const MEMCHR_FIELD_BYTES: usize = 48;

/// Renders rows of one table, field by field, into one reused byte buffer that goes to the writer in
/// writes of about [`BUFFER_BYTES`]: no allocation per row. Errors name the table's final path.
///
/// On a worker thread ([`DelimitedCells::rows_only`]) the buffer is never handed over: the worker
/// takes the rendered rows with [`DelimitedCells::take_rows`] and the writing thread appends them to
/// the file's cells with [`DelimitedCells::append_rows`].
#[derive(Clone)]
pub(super) struct DelimitedCells<W: Write> {
    out: W,
    /// Rendered bytes not yet handed to `out`; only whole rows are handed over, except on a flush.
    pending: Vec<u8>,
    /// `pending` goes to `out` once it holds this many bytes.
    hand_over_at: usize,
    path: PathBuf,
    delimiter: u8,
    /// The bytes that make a field need quotes: the delimiter, a double quote, CR and LF.
    special: [bool; 256],
    terminator: &'static [u8],
    decimal_mark: u8,
    /// The delimiter is a digit, a minus sign or the decimal mark, so numbers need the quoting check
    /// too.
    numbers_need_quoting_check: bool,
    /// Fields written in the current row.
    fields: usize,
    /// Whether the current row has any bytes yet: a row of one empty field is written `""`.
    row_has_bytes: bool,
    /// The number of fields of the first row; every later row must match it.
    width: Option<usize>,
    /// A number rendered before its quoting check, when the delimiter could be part of it.
    number: Vec<u8>,
}

impl<W: Write> DelimitedCells<W> {
    /// Starts the table on `writer` with its byte order mark and header row as `style` asks.
    pub(super) fn new(
        writer: W,
        path: PathBuf,
        style: Delimited,
        columns: &[String],
    ) -> Result<Self> {
        // Room for the largest row that usually comes before a hand-over.
        let mut cells = DelimitedCells::blank(writer, path, style, BUFFER_BYTES + 64 * 1024);
        cells.hand_over_at = BUFFER_BYTES;
        if style.excel {
            cells.pending.extend_from_slice(BYTE_ORDER_MARK);
        }
        if style.header {
            for column in columns {
                cells.field(column.as_bytes());
            }
            cells.end_row()?;
        }
        Ok(cells)
    }

    /// Cells that render rows of `width` fields for [`DelimitedCells::take_rows`], with neither byte
    /// order mark nor header row (the file's own cells wrote those). Rows are checked against `width`
    /// as a header row would have them checked, whether or not the file has one.
    pub(super) fn rows_only(writer: W, path: PathBuf, style: Delimited, width: usize) -> Self {
        // About one article's rows.
        let mut cells = DelimitedCells::blank(writer, path, style, 16 * 1024);
        cells.width = Some(width);
        cells
    }

    /// Cells with nothing written and no hand-over, which the constructors shape.
    fn blank(writer: W, path: PathBuf, style: Delimited, capacity: usize) -> Self {
        let mut special = [false; 256];
        for b in [style.delimiter, b'"', b'\r', b'\n'] {
            special[usize::from(b)] = true;
        }
        // Numbers are digits, a minus sign and this mark: no thousands separators, no exponents.
        let decimal_mark = if style.decimal_comma { b',' } else { b'.' };
        DelimitedCells {
            out: writer,
            pending: Vec::with_capacity(capacity),
            hand_over_at: usize::MAX,
            path,
            delimiter: style.delimiter,
            special,
            terminator: if style.excel { b"\r\n" } else { b"\n" },
            decimal_mark,
            numbers_need_quoting_check: style.delimiter.is_ascii_digit()
                || style.delimiter == b'-'
                || style.delimiter == decimal_mark,
            fields: 0,
            row_has_bytes: false,
            width: None,
            number: Vec::with_capacity(32),
        }
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
        self.fields = 0;
        self.row_has_bytes = false;
    }

    /// Writes whole rows that [`DelimitedCells::rows_only`] cells with this table's style rendered.
    pub(super) fn append_rows(&mut self, rows: &[u8]) -> Result<()> {
        self.pending.extend_from_slice(rows);
        if self.pending.len() >= self.hand_over_at {
            self.hand_over()?;
        }
        Ok(())
    }

    pub(super) fn error_path(&self) -> PathBuf {
        self.path.clone()
    }

    /// The writer; bytes still pending are not in it until [`DelimitedCells::flush`].
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

    fn hand_over(&mut self) -> Result<()> {
        let written = self.out.write_all(&self.pending);
        self.pending.clear();
        if self.pending.capacity() > 4 * BUFFER_BYTES {
            // A huge row is past: memory stays flat however long the run.
            self.pending = Vec::with_capacity(BUFFER_BYTES);
        }
        written.map_err(|e| Error::io(&self.path, e))
    }

    /// Writes the delimiter before every field but a row's first.
    fn separate(&mut self) {
        if self.fields > 0 {
            self.row_has_bytes = true;
            self.pending.push(self.delimiter);
        }
        self.fields += 1;
    }

    // Inlined into the two callers: a call costs a fifth of a short field's scan.
    #[inline(always)]
    fn needs_quotes(&self, field: &[u8]) -> bool {
        if field.len() >= MEMCHR_FIELD_BYTES {
            return memchr::memchr3(self.delimiter, b'"', b'\n', field).is_some()
                || memchr::memchr(b'\r', field).is_some();
        }
        let has_special = || field.iter().any(|&b| self.special[usize::from(b)]);
        let word_at = |at: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&field[at..at + 8]);
            u64::from_le_bytes(bytes)
        };
        let suspects = if field.len() >= 8 {
            // Eight bytes at a time, the last word overlapping the one before it rather than a
            // tail read byte by byte.
            let last = field.len() - 8;
            let mut suspects = self.suspect_lanes(word_at(last));
            let mut at = 0;
            while at < last {
                suspects |= self.suspect_lanes(word_at(at));
                at += 8;
            }
            suspects
        } else if field.len() >= 4 {
            // The first four bytes and the last four, overlapping, as one word.
            let mut first = [0u8; 4];
            let mut last = [0u8; 4];
            first.copy_from_slice(&field[..4]);
            last.copy_from_slice(&field[field.len() - 4..]);
            self.suspect_lanes(
                u64::from(u32::from_le_bytes(first)) | u64::from(u32::from_le_bytes(last)) << 32,
            )
        } else {
            return has_special();
        };
        // A suspect is a special byte or another control byte (a tab in a CSV field): rare, so
        // the field is then looked at byte by byte.
        suspects & 0x8080_8080_8080_8080 != 0 && has_special()
    }

    /// The lanes of `word` that may hold a byte that needs quotes, flagged in their top bits: bytes
    /// below 0x0E (LF and CR among them), double quotes and the delimiter, in three tests rather
    /// than four exact ones. Whether any lane is flagged is exact; a borrow may flag a lane above a
    /// flagged one.
    #[inline(always)]
    fn suspect_lanes(&self, word: u64) -> u64 {
        const ONES: u64 = 0x0101_0101_0101_0101;
        let below_line_ends = word.wrapping_sub(ONES * 0x0E) & !word;
        let quote = word ^ (ONES * u64::from(b'"'));
        let delimiter = word ^ (ONES * u64::from(self.delimiter));
        below_line_ends
            | (quote.wrapping_sub(ONES) & !quote)
            | (delimiter.wrapping_sub(ONES) & !delimiter)
    }

    /// Writes a field, quoted when it holds the delimiter, a double quote or a line break.
    fn field(&mut self, field: &[u8]) {
        self.prefixed_field(b"", field);
    }

    /// Writes `prefix` and `field` as one field; the prefix holds no byte that needs quoting.
    fn prefixed_field(&mut self, prefix: &[u8], field: &[u8]) {
        self.separate();
        self.row_has_bytes |= !prefix.is_empty() || !field.is_empty();
        if !self.needs_quotes(field) {
            if !prefix.is_empty() {
                self.pending.extend_from_slice(prefix);
            }
            self.pending.extend_from_slice(field);
            return;
        }
        self.pending.push(b'"');
        self.pending.extend_from_slice(prefix);
        let mut start = 0;
        for quote in memchr::memchr_iter(b'"', field) {
            self.pending.extend_from_slice(&field[start..=quote]);
            self.pending.push(b'"');
            start = quote + 1;
        }
        self.pending.extend_from_slice(&field[start..]);
        self.pending.push(b'"');
    }

    /// Renders with `render` straight onto the end of `rows`, where [`DelimitedCells::take_rows`]
    /// would have copied them. On an error `rows` is left as it was.
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
            self.fields = 0;
            self.row_has_bytes = false;
        }
        std::mem::swap(&mut self.pending, rows);
        rendered
    }

    /// A row of the `tenor rate` table: the same bytes as the cells of `output::rate_row` with the
    /// evidence joined by `output::join_evidence`, written a run of cells at a time.
    pub(super) fn rate_row(
        &mut self,
        id: &str,
        scores: &Scores,
        evidence: &[Evidence],
    ) -> Result<()> {
        self.text(id)?;
        self.score_fields(&scores.values());
        self.evidence_field(evidence);
        self.end_row()
    }

    /// Writes a score field for each of `values`.
    fn score_fields(&mut self, values: &[f32]) {
        if self.numbers_need_quoting_check || self.fields == 0 {
            for &value in values {
                let decimal_mark = self.decimal_mark;
                self.number_field(|out| {
                    push_score(f64::from(value), decimal_mark, out);
                });
            }
            return;
        }
        // Every field gets a delimiter before it, so the row has bytes.
        push_delimited_scores(values, self.delimiter, self.decimal_mark, &mut self.pending);
        self.fields += values.len();
        self.row_has_bytes |= !values.is_empty();
    }

    /// Writes a score field for each of `values`, as [`DelimitedCells::score_fields`] does for
    /// scores held as `f32`.
    fn wide_score_fields(&mut self, values: &[f64]) {
        if self.numbers_need_quoting_check || self.fields == 0 {
            for &value in values {
                let decimal_mark = self.decimal_mark;
                self.number_field(|out| {
                    push_score(value, decimal_mark, out);
                });
            }
            return;
        }
        push_delimited_wide_scores(values, self.delimiter, self.decimal_mark, &mut self.pending);
        self.fields += values.len();
        self.row_has_bytes |= !values.is_empty();
    }

    /// Writes `count` empty fields: after a row's first field, only their delimiters.
    fn blank_fields(&mut self, count: usize) {
        if self.fields == 0 {
            for _ in 0..count {
                self.field(b"");
            }
            return;
        }
        let end = self.pending.len() + count;
        self.pending.resize(end, self.delimiter);
        self.fields += count;
        self.row_has_bytes |= count > 0;
    }

    /// Writes the evidence joined as `label:value;...` as a text field. It is joined straight into
    /// the row and looked at there; the rare cell that needs quotes or a formula guard is written
    /// again from a copy.
    fn evidence_field(&mut self, evidence: &[Evidence]) {
        let before = self.pending.len();
        self.separate();
        let start = self.pending.len();
        push_evidence(evidence, &mut self.pending);
        let cell = &self.pending[start..];
        let guarded = cell.first().is_some_and(|&b| formula_start(b));
        if guarded || self.needs_quotes(cell) {
            let cell = self.pending.split_off(start);
            self.pending.truncate(before);
            self.fields -= 1;
            let prefix: &[u8] = if guarded { b"'" } else { b"" };
            self.prefixed_field(prefix, &cell);
        } else {
            self.row_has_bytes |= !cell.is_empty();
        }
    }

    /// Writes a number that `render` appends, with a quoting check only when one can be needed.
    fn number_field(&mut self, render: impl FnOnce(&mut Vec<u8>)) {
        if self.numbers_need_quoting_check {
            let mut number = std::mem::take(&mut self.number);
            number.clear();
            render(&mut number);
            self.field(&number);
            self.number = number;
            return;
        }
        self.separate();
        let before = self.pending.len();
        render(&mut self.pending);
        self.row_has_bytes |= self.pending.len() > before;
    }
}

impl<W: Write> Cells for DelimitedCells<W> {
    fn text(&mut self, value: &str) -> Result<()> {
        let prefix: &[u8] = if looks_like_formula(value) { b"'" } else { b"" };
        self.prefixed_field(prefix, value.as_bytes());
        Ok(())
    }

    fn count(&mut self, value: u64) -> Result<()> {
        self.number_field(|out| push_count(value, out));
        Ok(())
    }

    fn score(&mut self, value: f64) -> Result<()> {
        let decimal_mark = self.decimal_mark;
        self.number_field(|out| {
            push_score(value, decimal_mark, out);
        });
        Ok(())
    }

    fn scores(&mut self, scores: &Scores) -> Result<()> {
        self.score_fields(&scores.values());
        Ok(())
    }

    fn score_run(&mut self, values: &[f64]) -> Result<()> {
        self.wide_score_fields(values);
        Ok(())
    }

    fn blanks(&mut self, count: usize) -> Result<()> {
        self.blank_fields(count);
        Ok(())
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
        if !self.row_has_bytes {
            self.pending.extend_from_slice(b"\"\"");
        }
        self.fields = 0;
        self.row_has_bytes = false;
        self.pending.extend_from_slice(self.terminator);
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
    use crate::output::{RowsOnly, TableFormat};
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
                        cells.field(field.as_bytes());
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
    fn a_field_is_quoted_for_a_special_byte_wherever_it_lies() {
        let style = style(TableFormat::csv());
        let cells = DelimitedCells::rows_only(RowsOnly, "t.csv".into(), style, 1);
        for length in 0..80 {
            let plain = "a".repeat(length);
            assert!(!cells.needs_quotes(plain.as_bytes()), "{length}");
            for at in 0..length {
                for special in [b',', b'"', b'\n', b'\r'] {
                    let mut field = plain.clone().into_bytes();
                    field[at] = special;
                    assert!(cells.needs_quotes(&field), "{length} {at} {special}");
                }
                // Bytes one off a special one, and those with the high bit set, are not special.
                for other in [b'+', b'-', b'!', b'#', b'\t', b'\x0b', b'\x0e', 0xAC, 0x8D] {
                    let mut field = plain.clone().into_bytes();
                    field[at] = other;
                    assert!(!cells.needs_quotes(&field), "{length} {at} {other}");
                }
            }
        }
    }

    #[test]
    fn runs_of_scores_and_blanks_are_the_cells_written_one_at_a_time() {
        let values = [
            0.5,
            f64::NAN,
            -0.000_04,
            12.0,
            -1.0,
            0.999_95,
            f64::INFINITY,
        ];
        let formats = [
            TableFormat::csv(),
            TableFormat::tsv(),
            TableFormat::csv().delimiter('.').unwrap(),
            TableFormat::csv().delimiter('-').unwrap(),
            TableFormat::csv().delimiter('7').unwrap(),
            TableFormat::csv()
                .delimiter(';')
                .and_then(TableFormat::decimal_comma)
                .unwrap(),
        ];
        for format in formats {
            for leading_text in [false, true] {
                for (scores, blanks) in [
                    (&values[..], 3),
                    (&[][..], 1),
                    (&[][..], 0),
                    (&values[1..2], 0),
                ] {
                    let width = usize::from(leading_text) + scores.len() + blanks;
                    let write = |one_at_a_time: bool| {
                        let mut cells = DelimitedCells::rows_only(
                            RowsOnly,
                            "t.csv".into(),
                            style(format),
                            width,
                        );
                        if leading_text {
                            cells.text("a").unwrap();
                        }
                        if one_at_a_time {
                            for &value in scores {
                                cells.score(value).unwrap();
                            }
                            for _ in 0..blanks {
                                cells.score(f64::NAN).unwrap();
                            }
                        } else {
                            cells.score_run(scores).unwrap();
                            cells.blanks(blanks).unwrap();
                        }
                        cells.end_row().unwrap();
                        let mut rows = Vec::new();
                        cells.take_rows(&mut rows);
                        String::from_utf8(rows).unwrap()
                    };
                    assert_eq!(
                        write(false),
                        write(true),
                        "{format:?} {leading_text} {width}"
                    );
                }
            }
        }
        let mut cells =
            DelimitedCells::rows_only(RowsOnly, "t.csv".into(), style(TableFormat::csv()), 4);
        cells.text("a").unwrap();
        cells.score_run(&[0.25, f64::NAN]).unwrap();
        cells.blanks(1).unwrap();
        cells.end_row().unwrap();
        let mut rows = Vec::new();
        cells.take_rows(&mut rows);
        assert_eq!(String::from_utf8(rows).unwrap(), "a,0.2500,,\n");
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
        let minus = one_row(TableFormat::csv().delimiter('-').unwrap(), "x", -0.125);
        assert_eq!(
            String::from_utf8(minus).unwrap(),
            "id-text-score\na1-x-\"-0.1250\"\n"
        );
        // With a decimal comma a point cannot be part of a number.
        let comma_decimals = TableFormat::csv()
            .delimiter('.')
            .and_then(TableFormat::decimal_comma)
            .unwrap();
        let dotted = one_row(comma_decimals, "x", -0.125);
        assert_eq!(
            String::from_utf8(dotted).unwrap(),
            "id.text.score\na1.x.-0,1250\n"
        );
    }
}
