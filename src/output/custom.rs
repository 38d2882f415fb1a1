//! Tables that other modules define at run time (the comparison and similarity tables of
//! `tenor compare`): their columns come with [`ColumnDoc`]s rather than from a [`Table`](super::Table),
//! and their rows are slices of [`Cell`]s. They are written in any [`TableFormat`] with the same
//! rules as tenor's own tables: four decimals, formula guard on text, a README sheet in xlsx, and a
//! file that appears only when finished. What goes in the rows is left to the caller.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::columns::ColumnDoc;
use super::delimited::DelimitedCells;
use super::jsonl::JsonCells;
use super::{Cells, OneTable, StreamCells, TableFile, TableFormat, xlsx};

/// One cell of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Text, written so that no spreadsheet evaluates it as a formula.
    Text(&'a str),
    /// A whole number.
    Count(u64),
    /// A number with four decimals; `None` (or a non-finite value) is a blank cell.
    Score(Option<f64>),
}

fn write_cells(cells: &mut impl Cells, row: &[Cell<'_>]) -> Result<()> {
    for cell in row {
        match *cell {
            Cell::Text(text) => cells.text(text)?,
            Cell::Count(n) => cells.count(n)?,
            Cell::Score(value) => cells.score(value.unwrap_or(f64::NAN))?,
        }
    }
    cells.end_row()
}

/// One output file of run-time tables: a CSV, TSV or JSON Lines file holding one table, or an xlsx
/// workbook holding one sheet per table and a README sheet.
pub struct TableWriter {
    sink: OneTable,
}

impl TableWriter {
    /// Starts `path` in `format` with the table `name` (the sheet's name in xlsx) as table 0. The file
    /// appears only on [`TableWriter::finish`].
    pub fn create(
        path: impl AsRef<Path>,
        format: TableFormat,
        name: &str,
        docs: Vec<ColumnDoc>,
    ) -> Result<TableWriter> {
        let path = path.as_ref().to_path_buf();
        let sink = match format {
            TableFormat::Xlsx => {
                let mut book = xlsx::Book::create(path, &[])?;
                book.add_sheet(name, docs)?;
                OneTable::Workbook(Box::new(book))
            }
            _ => {
                let columns: Vec<String> = docs.into_iter().map(|doc| doc.name).collect();
                OneTable::File(TableFile::with_columns(path, &columns, format)?)
            }
        };
        Ok(TableWriter { sink })
    }

    /// Whether the file is a workbook, which can take more tables.
    pub fn is_workbook(&self) -> bool {
        matches!(self.sink, OneTable::Workbook(_))
    }

    /// Adds a table as a sheet after the others and returns its index for
    /// [`TableWriter::write_row`].
    ///
    /// # Errors
    /// [`Error::Usage`] unless the file is a workbook: a CSV or JSON Lines file holds one table.
    pub fn add_sheet(&mut self, name: &str, docs: Vec<ColumnDoc>) -> Result<usize> {
        match &mut self.sink {
            OneTable::Workbook(book) => book.add_sheet(name, docs),
            OneTable::File(file) => Err(Error::Usage(format!(
                "{}: only an xlsx workbook holds more than one table (no room for {name})",
                file.cells.error_path().display()
            ))),
        }
    }

    /// Writes one row of table `table` (0 for the one given to [`TableWriter::create`]).
    pub fn write_row(&mut self, table: usize, row: &[Cell<'_>]) -> Result<()> {
        match &mut self.sink {
            OneTable::File(file) if table == 0 => write_cells(&mut file.cells, row),
            OneTable::File(file) => Err(file.cells.error(format!("no table {table}"))),
            OneTable::Workbook(book) => write_cells(&mut book.sheet(table), row),
        }
    }

    /// Moves the file into place.
    pub fn finish(self) -> Result<()> {
        self.sink.finish()
    }
}

/// One run-time table written to a stream (a `Vec<u8>`, standard output) as CSV, TSV or JSON Lines.
pub struct TableStream<W: Write> {
    cells: StreamCells<W>,
}

impl<W: Write> TableStream<W> {
    /// Starts the stream with its header row (unless the format has none); `label` names it in
    /// errors.
    ///
    /// # Errors
    /// [`Error::Usage`] for xlsx, which is a file, not a stream.
    pub fn new(
        writer: W,
        label: impl Into<PathBuf>,
        format: TableFormat,
        columns: &[String],
    ) -> Result<TableStream<W>> {
        let path = label.into();
        let cells = match format {
            TableFormat::Delimited(d) => {
                StreamCells::Delimited(Box::new(DelimitedCells::new(writer, path, d, columns)?))
            }
            TableFormat::Jsonl => StreamCells::Jsonl(JsonCells::new(writer, path, columns)),
            TableFormat::Xlsx => {
                return Err(Error::Usage(
                    "xlsx cannot be streamed: write it to a file".to_string(),
                ));
            }
        };
        Ok(TableStream { cells })
    }

    pub fn write_row(&mut self, row: &[Cell<'_>]) -> Result<()> {
        match &mut self.cells {
            StreamCells::Delimited(cells) => write_cells(&mut **cells, row),
            StreamCells::Jsonl(cells) => write_cells(cells, row),
        }
    }

    /// Flushes what is left and gives the writer back.
    pub fn finish(self) -> Result<W> {
        match self.cells {
            StreamCells::Delimited(cells) => cells.into_inner(),
            StreamCells::Jsonl(cells) => cells.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::ColumnKind;

    fn docs() -> Vec<ColumnDoc> {
        [("who", ColumnKind::Label), ("n", ColumnKind::Integer)]
            .into_iter()
            .chain([("mean", ColumnKind::Score)])
            .map(|(name, kind)| ColumnDoc {
                name: name.to_string(),
                kind,
                range: "",
                meaning: "test",
            })
            .collect()
    }

    #[test]
    fn a_stream_writes_cells_as_tenors_own_tables_do() {
        let columns: Vec<String> = docs().into_iter().map(|d| d.name).collect();
        let mut stream =
            TableStream::new(Vec::new(), "t.csv", TableFormat::csv(), &columns).unwrap();
        let row = [Cell::Text("=1+1"), Cell::Count(3), Cell::Score(Some(-0.25))];
        stream.write_row(&row).unwrap();
        let blank = [Cell::Text("Ana"), Cell::Count(0), Cell::Score(None)];
        stream.write_row(&blank).unwrap();
        let written = String::from_utf8(stream.finish().unwrap()).unwrap();
        assert_eq!(written, "who,n,mean\n'=1+1,3,-0.2500\nAna,0,\n");
        assert!(TableStream::new(Vec::new(), "t", TableFormat::Xlsx, &columns).is_err());
    }

    #[test]
    fn only_a_workbook_takes_a_second_table_and_files_appear_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let mut file = TableWriter::create(&path, TableFormat::Jsonl, "t", docs()).unwrap();
        assert!(!file.is_workbook());
        assert!(matches!(file.add_sheet("u", docs()), Err(Error::Usage(_))));
        let row = [Cell::Text("Ana"), Cell::Count(2), Cell::Score(Some(0.5))];
        file.write_row(0, &row).unwrap();
        assert!(file.write_row(1, &row).is_err());
        assert!(!path.exists());
        file.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"who\":\"Ana\",\"n\":2,\"mean\":0.5000}\n"
        );

        let path = dir.path().join("t.xlsx");
        let mut book = TableWriter::create(&path, TableFormat::Xlsx, "t", docs()).unwrap();
        assert!(book.is_workbook());
        assert_eq!(book.add_sheet("u", docs()).unwrap(), 1);
        book.write_row(1, &row).unwrap();
        book.finish().unwrap();
        assert!(path.is_file());
    }
}
