//! CSV files: a header row naming the columns, then one record per row.
//!
//! A `text` column is required; `id`, `title`, `date`, `source` and `url` are read when present and
//! every other column goes to `fields`, in header order. Header names are matched exactly. Fields are
//! decoded one by one, invalid UTF-8 replaced with a warning. Empty lines, and rows whose cells are all
//! blank (as spreadsheets write at the end), make no record, like blank lines in JSON Lines; a row with
//! an id or other cells but a blank text is skipped with a reason. Parsing, quoting and the byte order
//! mark are the csv crate's business.
//!
//! A quote mark that is never closed makes the rest of the file one field, which the csv crate would
//! read to the end into memory. A record may therefore take no more than twice the article limit (the
//! most a quoted text of that size can take, every quote mark doubled) and 64 KB for its other cells:
//! a longer one ends the file with a skipped record that says on which line it started.

use std::io::{self, BufRead, Read};

use csv::{ByteRecord, ErrorKind};

use super::lines;
use super::{Article, Origin, Record, Skipped};

pub(super) struct Table {
    origin: Origin,
    reader: csv::Reader<Bounded>,
    row: ByteRecord,
    state: State,
    /// Lines of the file fully read, for the message when reading fails.
    complete_lines: usize,
    max_bytes: usize,
}

enum State {
    Header,
    Rows(Columns),
    Finished,
}

/// Where each known column is, from the header.
struct Columns {
    text: usize,
    id: Option<usize>,
    title: Option<usize>,
    date: Option<usize>,
    source: Option<usize>,
    url: Option<usize>,
    /// The other columns, with their names.
    others: Vec<(usize, String)>,
}

impl Columns {
    fn from_header(names: &[String]) -> Option<Columns> {
        let find = |wanted: &str| names.iter().position(|name| name == wanted);
        let known = ["text", "id", "title", "date", "source", "url"];
        Some(Columns {
            text: find("text")?,
            id: find("id"),
            title: find("title"),
            date: find("date"),
            source: find("source"),
            url: find("url"),
            others: names
                .iter()
                .enumerate()
                .filter(|(_, name)| !known.contains(&name.as_str()))
                .map(|(index, name)| (index, name.clone()))
                .collect(),
        })
    }
}

impl Table {
    pub(super) fn new(origin: Origin, input: Box<dyn BufRead + Send>, max_bytes: usize) -> Self {
        let record_limit = max_bytes.saturating_mul(2).saturating_add(64 * 1024);
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(Bounded {
                input,
                taken: 0,
                record_start: 0,
                limit: u64::try_from(record_limit).unwrap_or(u64::MAX),
                exceeded: false,
            });
        Table {
            origin,
            reader,
            row: ByteRecord::new(),
            state: State::Header,
            complete_lines: 0,
            max_bytes,
        }
    }

    pub(super) fn next_record(&mut self) -> Option<Record> {
        loop {
            let columns = match &self.state {
                State::Finished => return None,
                State::Rows(columns) => columns,
                State::Header => {
                    match self.read_header() {
                        Ok(columns) => self.state = State::Rows(columns),
                        Err(problem) => {
                            self.state = State::Finished;
                            return Some(Record::Skipped(problem));
                        }
                    }
                    continue;
                }
            };
            let start = self.reader.position().clone();
            self.reader.get_mut().record_start = start.byte();
            match self.reader.read_byte_record(&mut self.row) {
                Ok(false) => {
                    self.state = State::Finished;
                    return None;
                }
                Ok(true) => {
                    let line = self.row.position().map_or(0, |pos| pos.line() as usize);
                    self.complete_lines =
                        (self.reader.position().line() as usize).saturating_sub(1);
                    if self.row.iter().all(lines::is_blank) {
                        continue;
                    }
                    return Some(row_record(
                        &self.origin,
                        &self.row,
                        columns,
                        line,
                        self.max_bytes,
                    ));
                }
                Err(error) => match error.kind() {
                    ErrorKind::UnequalLengths {
                        pos,
                        expected_len,
                        len,
                    } => {
                        let line = pos.as_ref().map_or(0, |pos| pos.line() as usize);
                        self.complete_lines =
                            (self.reader.position().line() as usize).saturating_sub(1);
                        let problem =
                            format!("row has {len} fields but the header has {expected_len}");
                        return Some(self.origin.skip(None, line, problem));
                    }
                    ErrorKind::Io(_) if self.reader.get_ref().exceeded => {
                        self.state = State::Finished;
                        return Some(Record::Skipped(self.too_long(start.line())));
                    }
                    ErrorKind::Io(io_error) => {
                        self.state = State::Finished;
                        return Some(self.origin.failure(self.complete_lines, io_error));
                    }
                    other => {
                        let error = std::io::Error::other(format!("{other:?}"));
                        self.state = State::Finished;
                        return Some(self.origin.failure(self.complete_lines, &error));
                    }
                },
            }
        }
    }

    fn read_header(&mut self) -> Result<Columns, Skipped> {
        let header = match self.reader.byte_headers() {
            Ok(header) => Ok(header
                .iter()
                .map(|name| lines::decode(name).0.into_owned())
                .collect::<Vec<String>>()),
            Err(error) => Err(error.into_kind()),
        };
        let names = match header {
            Ok(names) => names,
            Err(_) if self.reader.get_ref().exceeded => return Err(self.too_long(1)),
            Err(kind) => {
                let error = match kind {
                    ErrorKind::Io(io_error) => io_error,
                    other => std::io::Error::other(format!("{other:?}")),
                };
                return Err(self.origin.failed(0, &error));
            }
        };
        self.complete_lines = 1;
        match Columns::from_header(&names) {
            Some(columns) => Ok(columns),
            None if names.iter().all(String::is_empty) => {
                Err(self
                    .origin
                    .skipped(None, 1, "no header row (the file is empty)"))
            }
            None => Err(self.origin.skipped(
                None,
                1,
                format!("no `text` column in the header ({})", names.join(", ")),
            )),
        }
    }
}

impl Table {
    /// The skipped record for a record that began on `line` and outgrew the limit.
    fn too_long(&self, line: u64) -> Skipped {
        let limit = self.reader.get_ref().limit;
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        self.origin.skipped(
            None,
            line,
            format!(
                "the record starting here is longer than {limit} bytes (a quote mark that is never \
                 closed?); the rest of the file is not read"
            ),
        )
    }
}

/// The input of the csv parser, which fails a read once the record being parsed has taken more than
/// `limit` bytes.
struct Bounded {
    input: Box<dyn BufRead + Send>,
    /// Bytes handed to the parser so far.
    taken: u64,
    /// Where the record being parsed starts, in the same count.
    record_start: u64,
    limit: u64,
    exceeded: bool,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The parser reads ahead by its buffer at most, so this errs a buffer's length late.
        if self.taken.saturating_sub(self.record_start) > self.limit {
            self.exceeded = true;
            return Err(io::Error::other("record too long"));
        }
        let read = self.input.read(buf)?;
        self.taken = self.taken.saturating_add(read as u64);
        Ok(read)
    }
}

/// The record for one row, found at `line`.
fn row_record(
    origin: &Origin,
    row: &ByteRecord,
    columns: &Columns,
    line: usize,
    max_bytes: usize,
) -> Record {
    let mut replaced = false;
    let mut cell = |index: Option<usize>| -> String {
        let Some(bytes) = index.and_then(|index| row.get(index)) else {
            return String::new();
        };
        let (value, lossy) = lines::decode(bytes);
        replaced |= lossy;
        value.into_owned()
    };
    let id = cell(columns.id);
    let text = cell(Some(columns.text));
    let title = cell(columns.title);
    let date = cell(columns.date);
    let source = cell(columns.source);
    let url = cell(columns.url);
    let fields = columns
        .others
        .iter()
        .map(|(index, name)| (name.clone(), cell(Some(*index))))
        .collect();
    let id = if id.is_empty() { origin.at(line) } else { id };
    if let Some(problem) = super::text_problem(&text, max_bytes) {
        return origin.skip(Some(id), line, problem);
    }
    let mut warnings = Vec::new();
    if replaced {
        warnings.push(lines::replaced_warning(&origin.at(line)));
    }
    Record::Article(Article {
        id,
        title,
        source,
        date,
        url,
        text,
        fields,
        targets: Vec::new(),
        warnings,
    })
}
