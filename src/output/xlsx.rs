//! One xlsx workbook in place of a set of table files: a sheet per table, named as the file it
//! replaces, each with a bold header row that stays in view (frozen) and carries a filter, numbers
//! stored as numbers with four decimals shown, and column widths that fit the column's kind; then a
//! README sheet that defines every column from [`super::columns`].
//!
//! Data sheets are written row by row to temporary files beside the workbook (rust_xlsxwriter's
//! constant-memory mode), so a run of millions of quotes does not hold them in memory. The workbook
//! appears under its name only when saved. Text is always a string cell, which no spreadsheet
//! evaluates as a formula. What goes in the rows is left to the parent module.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};

use super::columns::{self, ColumnKind};
use super::number::shown_score;
use super::{Cells, Table, temp_path};

/// Rows in an xlsx sheet, the header included.
const MAX_ROWS: u32 = 1_048_576;
/// Characters (UTF-16 code units) in an xlsx cell.
const MAX_CELL_UNITS: usize = 32_767;
/// Marks a text cut to fit a cell.
const CUT_MARK: char = '…';

pub(super) struct Book {
    workbook: Workbook,
    path: PathBuf,
    sheets: Vec<Sheet>,
    score: Format,
    integer: Format,
    /// Holds a cell's text while it is cut to fit.
    scratch: String,
}

/// Where the writing of one data sheet stands.
struct Sheet {
    name: String,
    /// What the README sheet says of each column.
    docs: Vec<columns::ColumnDoc>,
    columns: u16,
    /// The row the next cell goes to.
    row: u32,
    /// The column the next cell goes to.
    column: u16,
}

impl Book {
    /// Starts a workbook with a data sheet per table, in the order given. More sheets may be added
    /// with [`Book::add_sheet`]; the README sheet comes last, written on [`Book::save`].
    pub(super) fn create(path: PathBuf, tables: &[Table]) -> Result<Book> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut book = Book {
            workbook: Workbook::new(),
            path,
            sheets: Vec::with_capacity(tables.len()),
            score: Format::new().set_num_format("0.0000"),
            integer: Format::new().set_num_format("0"),
            scratch: String::new(),
        };
        // Sheet data waits beside the workbook, not in a temporary directory that may be in memory.
        if let Err(e) = book.workbook.set_tempdir(&dir) {
            return Err(book.xlsx_error(e));
        }
        for &table in tables {
            book.add_sheet(table.name(), columns::columns(table))?;
        }
        Ok(book)
    }

    /// Adds a data sheet after the others, for a table whose columns are known only at run time;
    /// returns its index for [`Book::sheet`].
    pub(super) fn add_sheet(&mut self, name: &str, docs: Vec<columns::ColumnDoc>) -> Result<usize> {
        let header = Format::new().set_bold();
        let error = |e: XlsxError| Error::Output {
            path: self.path.clone(),
            message: format!("sheet {name}: {e}"),
        };
        let sheet = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(error)?;
        let result = start_sheet(sheet, name, &docs, &header, &self.score, &self.integer);
        result.map_err(error)?;
        self.sheets.push(Sheet {
            name: name.to_string(),
            columns: docs.len() as u16,
            docs,
            row: 1,
            column: 0,
        });
        Ok(self.sheets.len() - 1)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The cells of the next row of data sheet `index` (in the order given to [`Book::create`]).
    pub(super) fn sheet(&mut self, index: usize) -> SheetCells<'_> {
        SheetCells { book: self, index }
    }

    pub(super) fn error(&self, message: String) -> Error {
        Error::Output {
            path: self.path.clone(),
            message,
        }
    }

    /// Sets each data sheet's filter over its rows, adds the README sheet, then writes the workbook
    /// beside its final name and moves it into place.
    pub(super) fn save(mut self) -> Result<()> {
        let header = Format::new().set_bold();
        let readme = self.workbook.add_worksheet();
        write_readme(readme, &self.sheets, &header).map_err(|e| Error::Output {
            path: self.path.clone(),
            message: format!("sheet README: {e}"),
        })?;
        for (index, sheet) in self.sheets.iter().enumerate() {
            let last_row = sheet.row.saturating_sub(1);
            let last_column = sheet.columns.saturating_sub(1);
            let worksheet =
                self.workbook
                    .worksheet_from_index(index)
                    .map_err(|e| Error::Output {
                        path: self.path.clone(),
                        message: format!("sheet {}: {e}", sheet.name),
                    })?;
            worksheet
                .autofilter(0, 0, last_row, last_column)
                .map_err(|e| Error::Output {
                    path: self.path.clone(),
                    message: format!("sheet {}: {e}", sheet.name),
                })?;
        }
        let temp = temp_path(&self.path);
        let written = File::create(&temp)
            .map_err(|e| Error::io(&temp, e))
            .and_then(|mut file| {
                self.workbook
                    .save_to_writer(&mut file)
                    .map_err(|e| self.xlsx_error(e))?;
                // The data reaches the disk before the rename, so a crash never leaves a short file
                // under the workbook's name.
                file.sync_all().map_err(|e| Error::io(&temp, e))
            })
            .and_then(|()| {
                fs::rename(&temp, &self.path).map_err(|e| {
                    self.error(format!("cannot move {} into place: {e}", temp.display()))
                })
            });
        if written.is_err() {
            // Best effort: the run is already failing, and a leftover hidden file harms nothing.
            let _ = fs::remove_file(&temp);
        }
        written
    }

    fn xlsx_error(&self, error: XlsxError) -> Error {
        match error {
            XlsxError::IoError(source) => Error::io(&self.path, source),
            other => self.error(other.to_string()),
        }
    }
}

/// Header row, widths, number formats, frozen header.
fn start_sheet(
    sheet: &mut Worksheet,
    name: &str,
    docs: &[columns::ColumnDoc],
    header: &Format,
    score: &Format,
    integer: &Format,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (column, doc) in docs.iter().enumerate() {
        let column = column as u16;
        // Room for the header's filter button as well as its name.
        let width = doc.kind.width().max(doc.name.len() as f64 + 4.0);
        sheet.set_column_width(column, width)?;
        match doc.kind {
            ColumnKind::Score => {
                sheet.set_column_format(column, score)?;
            }
            ColumnKind::Integer => {
                sheet.set_column_format(column, integer)?;
            }
            _ => {}
        }
        sheet.write_string_with_format(0, column, &doc.name, header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_readme(
    sheet: &mut Worksheet,
    sheets: &[Sheet],
    header: &Format,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name("README")?;
    let title = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(0, 0, "tenor output", &title)?;
    let intro = [
        "Each sheet is one table that tenor also writes as CSV (quotes.csv and so on), with the same \
         columns. Numbers are stored as numbers, shown with four decimals.",
        "Scores are tenor's reading of the quoted words alone; the reporter's framing is in the \
         framing and framing_tone columns. Means (*_mean) are over a speaker's quotes.",
        "Scale of each score: sentiment, cooperation, warmth and assertiveness run from -1 to 1; \
         positive, negative and neutral are shares that sum to 1; threat and irony run from 0 to 1.",
    ];
    for (row, line) in intro.iter().enumerate() {
        sheet.write_string(row as u32 + 1, 0, *line)?;
    }
    let top = intro.len() as u32 + 2;
    for (column, name) in ["sheet", "column", "type", "range", "meaning"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(top, column as u16, *name, header)?;
    }
    let mut row = top + 1;
    for data in sheets {
        for doc in &data.docs {
            sheet.write_string(row, 0, &data.name)?;
            sheet.write_string(row, 1, &doc.name)?;
            sheet.write_string(row, 2, doc.kind.as_str())?;
            sheet.write_string(row, 3, doc.range)?;
            sheet.write_string(row, 4, doc.meaning)?;
            row += 1;
        }
    }
    for (column, width) in [16.0, 22.0, 9.0, 30.0, 120.0].into_iter().enumerate() {
        sheet.set_column_width(column as u16, width)?;
    }
    sheet.set_freeze_panes(top + 1, 0)?;
    Ok(())
}

/// The next row of one data sheet.
pub(super) struct SheetCells<'a> {
    book: &'a mut Book,
    index: usize,
}

impl SheetCells<'_> {
    /// The worksheet and the cell the next value goes to, or an error when the row is past the
    /// sheet's last column or the sheet is full.
    fn next_cell(&mut self) -> Result<(&mut Worksheet, u32, u16, &Format, &Format)> {
        let book = &mut *self.book;
        let Some(sheet) = book.sheets.get_mut(self.index) else {
            return Err(Error::Output {
                path: book.path.clone(),
                message: format!("no data sheet {}", self.index),
            });
        };
        let (row, column, columns) = (sheet.row, sheet.column, sheet.columns);
        let problem = if row >= MAX_ROWS {
            Some(format!(
                "sheet {} is full: an xlsx sheet holds at most {} rows; write csv or jsonl instead",
                sheet.name,
                MAX_ROWS - 1
            ))
        } else if column >= columns {
            Some(format!(
                "sheet {}: a row has more than {columns} cells",
                sheet.name
            ))
        } else {
            sheet.column += 1;
            None
        };
        if let Some(message) = problem {
            return Err(book.error(message));
        }
        match book.workbook.worksheet_from_index(self.index) {
            Ok(worksheet) => Ok((worksheet, row, column, &book.score, &book.integer)),
            Err(e) => Err(Error::Output {
                path: book.path.clone(),
                message: format!("sheet {}: {e}", book.sheets[self.index].name),
            }),
        }
    }

    fn cell_error(&self, error: XlsxError) -> Error {
        let table = self
            .book
            .sheets
            .get(self.index)
            .map_or("?", |s| s.name.as_str());
        self.book.error(format!("sheet {table}: {error}"))
    }
}

impl Cells for SheetCells<'_> {
    fn text(&mut self, value: &str) -> Result<()> {
        let mut buffer = std::mem::take(&mut self.book.scratch);
        let fitted = fit_cell(value, &mut buffer);
        let result = match self.next_cell() {
            // An empty text stays a blank cell, which filters show as (Blanks).
            Ok(_) if fitted.is_empty() => Ok(()),
            Ok((sheet, row, column, ..)) => sheet.write_string(row, column, fitted).map(|_| ()),
            Err(e) => {
                self.book.scratch = buffer;
                return Err(e);
            }
        };
        self.book.scratch = buffer;
        result.map_err(|e| self.cell_error(e))
    }

    fn count(&mut self, value: u64) -> Result<()> {
        let (sheet, row, column, _, integer) = self.next_cell()?;
        let result = sheet.write_number_with_format(row, column, value as f64, integer);
        result.map(|_| ()).map_err(|e| self.cell_error(e))
    }

    fn score(&mut self, value: f64) -> Result<()> {
        // The number the CSV shows, so that the two formats hold the same values.
        let shown = shown_score(value);
        let (sheet, row, column, score, _) = self.next_cell()?;
        let Some(number) = shown else {
            return Ok(());
        };
        let result = sheet.write_number_with_format(row, column, number, score);
        result.map(|_| ()).map_err(|e| self.cell_error(e))
    }

    fn end_row(&mut self) -> Result<()> {
        let book = &mut *self.book;
        if let Some(sheet) = book.sheets.get_mut(self.index) {
            if sheet.column != sheet.columns {
                let message = format!(
                    "sheet {}: a row has {} cells for {} columns",
                    sheet.name, sheet.column, sheet.columns
                );
                return Err(book.error(message));
            }
            sheet.row += 1;
            sheet.column = 0;
        }
        Ok(())
    }

    fn error(&self, message: String) -> Error {
        self.book.error(message)
    }
}

/// `value`, or when it is longer than a cell holds, its start cut at a character boundary and marked
/// with [`CUT_MARK`] (built in `buffer`).
fn fit_cell<'a>(value: &'a str, buffer: &'a mut String) -> &'a str {
    // Each UTF-16 unit takes at least one byte, so a short text in bytes is short in units too.
    if value.len() <= MAX_CELL_UNITS {
        return value;
    }
    let mut units = 0;
    let mut end = value.len();
    for (at, c) in value.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_UNITS - CUT_MARK.len_utf16() {
            end = at;
            break;
        }
    }
    if end == value.len() {
        return value;
    }
    buffer.clear();
    buffer.push_str(&value[..end]);
    buffer.push(CUT_MARK);
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_too_long_for_a_cell_is_cut_and_marked() {
        let mut buffer = String::new();
        assert_eq!(fit_cell("short", &mut buffer), "short");
        let long = "é".repeat(MAX_CELL_UNITS);
        let fitted = fit_cell(&long, &mut buffer).to_string();
        assert_eq!(fitted.encode_utf16().count(), MAX_CELL_UNITS);
        assert!(fitted.ends_with(CUT_MARK));
        // Emoji take two UTF-16 units each: the cut never splits one.
        let emoji = "🙂".repeat(MAX_CELL_UNITS);
        let fitted = fit_cell(&emoji, &mut buffer).to_string();
        assert!(fitted.encode_utf16().count() <= MAX_CELL_UNITS);
        assert!(fitted.ends_with(CUT_MARK));
    }
}
