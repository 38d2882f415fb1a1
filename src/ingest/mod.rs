//! Reading articles: files, directories and standard input, in the formats users have (.txt/.md,
//! .jsonl/.ndjson, .csv, each optionally .gz), as a stream of [`Record`]s.
//!
//! Every input record becomes exactly one `Record`: an [`Article`] to analyse, or a [`Skipped`] that
//! says which file and line or record was unusable and why. Nothing is dropped silently. This module does
//! not look inside the text: it is used exactly as given.
//!
//! [`read`] is the entry point. It reads lazily and keeps one record (and one line buffer) in memory at
//! a time, so it can run on its own thread ahead of the analysis:
//!
//! ```no_run
//! use tenor::ingest::{read, InputOptions, InputSource, Record};
//!
//! let sources = vec![InputSource::from_arg("articles/"), InputSource::from_arg("-")];
//! for record in read(sources, InputOptions::default()) {
//!     match record {
//!         Record::Article(article) => println!("{}: {} bytes", article.id, article.text.len()),
//!         Record::Skipped(skipped) => eprintln!("skipped {}: {}", skipped.id, skipped.reason),
//!     }
//! }
//! ```
//!
//! # Inputs
//!
//! - A **file** is read by its extension (case-insensitive): `.txt` and `.md` are plain text, `.jsonl`
//!   and `.ndjson` are JSON Lines, `.csv` is a table with a header row; any of them may end in `.gz` as
//!   well and is then decompressed on the fly. A file named on the command line with any other
//!   extension becomes one skipped record.
//! - A **directory** is walked recursively. Files are read in the byte order of their paths relative
//!   to the directory (`a-b.txt` before `a/c.txt`). Hidden files and directories (names starting with
//!   `.`) are not read. Files whose extension is not one of the above are passed over without a record:
//!   a directory of articles often holds other files (images, notes) that were never meant as input.
//!   Symbolic links are followed, but a linked directory is read at most once: a link back to a
//!   directory being read (a loop) or to one already read becomes one skipped record.
//! - `-` is JSON Lines on standard input.
//! - A **named pipe** (FIFO) named on the command line is read like standard input, by the format its
//!   extension tells. Opening it waits for a writer; when none comes within a moment, the wait is
//!   announced once ([`Records::on_wait`]) so that a run waiting on a forgotten pipe is not silent. A
//!   named pipe, socket or device found in a directory is not opened (reading it could wait forever):
//!   when its name has an extension tenor reads, it becomes one skipped record saying what it is.
//!
//! # Article ids
//!
//! - Plain text, one article per file ([`TextLayout::WholeFile`]): the path relative to the directory
//!   argument without its extensions, with `/` separators (`2024/may/talks`); for a file named on the
//!   command line, its name without its extensions (`talks` for `news/talks.txt.gz`).
//! - Plain text, one text per line ([`TextLayout::LinePerRecord`]): the 1-based line number (`3`) for a
//!   file named on the command line; `RELPATH:LINE` (`may/posts.txt:3`, the relative path *with* its
//!   extension) for a file found in a directory, so that ids stay unique across files.
//! - JSON Lines and CSV: the record's `id` (a JSON number is taken as its text); when absent or empty,
//!   `FILE:LINE`, where FILE is the argument joined with the relative path (`data/may.jsonl:7`), or
//!   `stdin` for standard input.
//!
//! # Text
//!
//! Text is kept byte for byte: no trimming, no normalisation, CRLF and lone CR left as they are. A
//! UTF-8 byte order mark at the start of a file is dropped. Invalid UTF-8 is decoded with U+FFFD and
//! noted in [`Article::warnings`]. In JSON Lines the known fields `id`, `title`, `date`, `source` and
//! `url` accept strings and numbers; further fields with a string, number or boolean value go to
//! [`Article::fields`] in record order, while null, array and object values there are not kept. An
//! optional `targets` list of `{"from": N, "to": M}` or `{"text": "..."}` objects goes to
//! [`Article::targets`]; a malformed list, or a span outside the text, skips the record. In CSV every
//! column other than the known ones goes to `fields`.
//!
//! What this module leaves to others: segmentation, quote finding and everything after; it does not
//! deduplicate ids across inputs.

mod jsonl;
mod lines;
mod plain;
mod table;
mod walk;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

pub use jsonl::JsonLine;

/// One article, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub url: String,
    pub text: String,
    /// Any further string fields of a JSONL or CSV record, in their order, for grouping (`--by`).
    pub fields: Vec<(String, String)>,
    /// Parts of the text to score toward, from a JSON Lines record's `targets` list (`tenor rate
    /// --targets-out`); empty for other inputs.
    pub targets: Vec<TargetSpec>,
    /// Problems that did not stop the record from being read, such as invalid UTF-8 decoded lossily.
    pub warnings: Vec<String>,
}

/// A part of a record's text to score toward: `{"from": N, "to": M}` or `{"text": "..."}` in a JSON
/// Lines `targets` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// Unicode code point offsets `from..to` into the text, checked to lie inside it.
    Span { from: usize, to: usize },
    /// The first occurrence of this text (exact, else ignoring ASCII case).
    Text(String),
}

/// A record that could not be read, with where it was and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The article id when it could be read, else `FILE:LINE`, else the path as given.
    pub id: String,
    pub reason: String,
}

/// One input record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Article(Article),
    Skipped(Skipped),
}

/// How a `.txt` file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextLayout {
    /// The whole file is one article (`tenor score`).
    #[default]
    WholeFile,
    /// Each non-empty line is one text, its id the line number (`tenor rate`).
    LinePerRecord,
}

/// Options for reading inputs.
#[derive(Debug, Clone)]
pub struct InputOptions {
    pub text_layout: TextLayout,
    /// Articles larger than this are skipped with a reason rather than analysed.
    pub max_article_bytes: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_layout: TextLayout::WholeFile,
            max_article_bytes: 16 * 1024 * 1024,
        }
    }
}

/// An input argument: a path (file or directory) or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    Path(PathBuf),
    /// `-`: JSON Lines on standard input.
    Stdin,
}

impl InputSource {
    /// Parses a command-line argument; `-` is standard input.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            InputSource::Stdin
        } else {
            InputSource::Path(PathBuf::from(arg))
        }
    }
}

/// Reads articles from `sources`, in order, one record at a time.
///
/// Problems never stop the stream: a missing path, an unreadable file or a malformed record each
/// become one [`Record::Skipped`] and reading goes on with the next record or file.
pub fn read(sources: Vec<InputSource>, options: InputOptions) -> Records {
    Records {
        options,
        arguments: sources.into_iter(),
        queue: VecDeque::new(),
        current: None,
        on_wait: Box::new(|path| {
            eprintln!(
                "tenor: waiting for a writer on {} (a named pipe)",
                path.display()
            );
        }),
    }
}

/// Reads records of `file_type` from any reader (a pipe, a socket, a buffer in memory).
///
/// `label` stands where a file name would: ids default to `LABEL:LINE` for JSON Lines and CSV, and
/// reasons for skipped records start with it. A whole-file text article gets `label` as its id.
///
/// ```
/// use tenor::ingest::{read_from, Compression, FileType, Format, InputOptions, Record};
///
/// let lines = "{\"text\": \"Talks resumed.\"}\n{\"id\": 7, \"text\": \"Talks stalled.\"}\n";
/// let file_type = FileType { format: Format::JsonLines, compression: Compression::None };
/// let ids: Vec<String> = read_from("feed", file_type, lines.as_bytes(), InputOptions::default())
///     .map(|record| match record {
///         Record::Article(article) => article.id,
///         Record::Skipped(skipped) => skipped.reason,
///     })
///     .collect();
/// assert_eq!(ids, ["feed:1", "7"]);
/// ```
pub fn read_from<R: Read + Send + 'static>(
    label: impl Into<String>,
    file_type: FileType,
    reader: R,
    options: InputOptions,
) -> Records {
    let label = label.into();
    let input = Input {
        naming: Naming::Alone {
            stem: label.clone(),
        },
        label,
        file_type,
        reader: buffered(reader, file_type.compression),
    };
    let mut records = read(Vec::new(), options);
    records.queue.push_back(Pending::Stream(input));
    records
}

/// The records of a set of inputs, read lazily. Made by [`read`] or [`read_from`].
///
/// It is `Send`, so a pipeline can read on one thread and analyse on others.
pub struct Records {
    options: InputOptions,
    arguments: std::vec::IntoIter<InputSource>,
    /// What the current argument expanded to: files still to open and problems still to report, in
    /// reading order.
    queue: VecDeque<Pending>,
    /// The file being read, for formats with many records per file.
    current: Option<Reader>,
    /// Told the path of a named pipe whose opening waits for a writer.
    on_wait: Box<dyn FnMut(&Path) + Send>,
}

impl Records {
    /// What to do when a named pipe has no writer yet and reading it has to wait: by default, a line
    /// on standard error (`tenor: waiting for a writer on PATH (a named pipe)`). `notify` is called
    /// at most once per pipe, on the reading thread, before the wait.
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use tenor::ingest::{read, InputOptions, InputSource};
    ///
    /// let (waits, waited) = mpsc::channel();
    /// let records = read(vec![InputSource::from_arg("feed.jsonl")], InputOptions::default())
    ///     .on_wait(move |path| {
    ///         let _ = waits.send(path.to_path_buf());
    ///     });
    /// assert_eq!(records.count(), 1); // no such file: one skipped record, and no wait
    /// assert!(waited.try_recv().is_err());
    /// ```
    pub fn on_wait(mut self, notify: impl FnMut(&Path) + Send + 'static) -> Records {
        self.on_wait = Box::new(notify);
        self
    }
}

impl Iterator for Records {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        self.next_unparsed(false).map(Unparsed::parse)
    }
}

impl std::iter::FusedIterator for Records {}

/// A record as the reading thread hands it out with [`Records::unparsed`]: read, or a line of JSON
/// Lines still to be parsed.
#[derive(Debug)]
pub enum Unparsed {
    Ready(Record),
    Json(JsonLine),
}

impl Unparsed {
    /// The record: the same, byte for byte, as [`Records`] would have given in its place.
    pub fn parse(self) -> Record {
        match self {
            Unparsed::Ready(record) => record,
            Unparsed::Json(line) => line.parse(),
        }
    }
}

/// The records of [`Records::unparsed`].
pub struct UnparsedRecords(Records);

impl Iterator for UnparsedRecords {
    type Item = Unparsed;

    fn next(&mut self) -> Option<Unparsed> {
        self.0.next_unparsed(true)
    }
}

impl std::iter::FusedIterator for UnparsedRecords {}

/// What [`Records::runs`] hands out: a record, or a run of lines that stands for the records of its
/// lines.
#[derive(Debug)]
pub enum Entry {
    Record(Record),
    Lines(LineRun),
}

/// The entries of [`Records::runs`].
pub struct Runs(Records);

impl Iterator for Runs {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        self.0.next_from(Reader::next_entry, Entry::Record)
    }
}

impl std::iter::FusedIterator for Runs {}

/// Consecutive whole lines of a text file read one text per line, from [`Records::runs`].
#[derive(Debug)]
pub struct LineRun {
    source: Arc<LineSource>,
    /// The lines with their terminators.
    bytes: Vec<u8>,
    /// The number of the first line.
    first: usize,
}

/// What the runs of one file share: what their ids and reasons are made of.
#[derive(Debug)]
struct LineSource {
    /// As [`Origin::label`].
    label: String,
    naming: Naming,
    max_bytes: usize,
}

/// One record of a [`LineRun`]: what [`Records`] gives for the line, its text borrowed from the run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunRecord<'a> {
    /// The text of line `number`; `replaced` when invalid UTF-8 was replaced with U+FFFD (the
    /// record [`Records`] gives then carries a warning).
    Text {
        number: usize,
        text: Cow<'a, str>,
        replaced: bool,
    },
    Skipped(Skipped),
}

impl LineRun {
    /// The run's size in bytes, terminators included.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the run holds no bytes (it never does: a run has at least one whole line).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The records of the run's lines, in order: blank lines passed over, a line that cannot be
    /// analysed a [`RunRecord::Skipped`] as [`Records`] gives it.
    pub fn records(&self) -> impl Iterator<Item = RunRecord<'_>> {
        lines::run_lines(&self.bytes, self.first).filter_map(|(number, bytes)| {
            if lines::is_blank(bytes) {
                return None;
            }
            let (text, replaced) = lines::decode(bytes);
            if let Some(problem) = text_problem(&text, self.source.max_bytes) {
                let mut id = String::new();
                self.id_into(number, &mut id);
                let reason = format!("{}:{number}: {problem}", self.source.label);
                return Some(RunRecord::Skipped(Skipped { id, reason }));
            }
            Some(RunRecord::Text {
                number,
                text,
                replaced,
            })
        })
    }

    /// Writes the id of the text on line `number` into `id` (emptied first), as [`Records`]
    /// names it: no allocation once `id` has room.
    pub fn id_into(&self, number: usize, id: &mut String) {
        id.clear();
        if let Naming::InDirectory { relative, .. } = &self.source.naming {
            id.push_str(relative);
            id.push(':');
        }
        crate::text::push_decimal(number, id);
    }

    /// The records [`Records`] gives in the run's place, each its own allocation.
    pub fn into_records(self) -> Vec<Record> {
        self.records()
            .map(|record| match record {
                RunRecord::Text {
                    number,
                    text,
                    replaced,
                } => {
                    let mut warnings = Vec::new();
                    if replaced {
                        let place = format!("{}:{number}", self.source.label);
                        warnings.push(lines::replaced_warning(&place));
                    }
                    Record::Article(Article {
                        id: self.source.naming.line_id(number),
                        text: text.into_owned(),
                        warnings,
                        ..Article::default()
                    })
                }
                RunRecord::Skipped(skipped) => Record::Skipped(skipped),
            })
            .collect()
    }
}

impl Records {
    /// The same records in the same order, but each line of JSON Lines is handed out as read, for
    /// [`Unparsed::parse`] to turn into its record. Parsing is most of the cost of reading JSON
    /// Lines: this lets a pipeline parse on its workers and keep the reading thread to reading.
    ///
    /// ```
    /// use tenor::ingest::{read_from, Compression, FileType, Format, InputOptions, Record};
    ///
    /// let lines = "{\"id\": 1, \"text\": \"Talks resumed.\"}\nnot json\n";
    /// let file_type = FileType { format: Format::JsonLines, compression: Compression::None };
    /// let read = |input: &'static str| read_from("feed", file_type, input.as_bytes(), InputOptions::default());
    /// let parsed_later: Vec<Record> = read(lines).unparsed().map(|line| line.parse()).collect();
    /// assert_eq!(parsed_later, read(lines).collect::<Vec<Record>>());
    /// assert!(matches!(&parsed_later[1], Record::Skipped(s) if s.reason.starts_with("feed:2: malformed JSON")));
    /// ```
    pub fn unparsed(self) -> UnparsedRecords {
        UnparsedRecords(self)
    }

    /// The same records in the same order, but the lines of a text file read one text per line
    /// ([`TextLayout::LinePerRecord`]) come in runs of whole lines copied out in one piece, for the
    /// taker to make records of ([`LineRun::records`]): no allocation and no hand-over a line.
    /// Every other record comes as it is.
    ///
    /// ```
    /// use tenor::ingest::{read_from, Compression, Entry, FileType, Format, InputOptions, RunRecord, TextLayout};
    ///
    /// let text = "Talks resumed.\n\nTalks stalled.\n";
    /// let file_type = FileType { format: Format::Text, compression: Compression::None };
    /// let options = InputOptions { text_layout: TextLayout::LinePerRecord, ..InputOptions::default() };
    /// let mut id = String::new();
    /// for entry in read_from("notes", file_type, text.as_bytes(), options).runs() {
    ///     let Entry::Lines(run) = entry else { panic!("a file of whole lines is one run") };
    ///     let texts: Vec<String> = run
    ///         .records()
    ///         .map(|record| match record {
    ///             RunRecord::Text { number, text, .. } => {
    ///                 run.id_into(number, &mut id);
    ///                 format!("{id}: {text}")
    ///             }
    ///             RunRecord::Skipped(skipped) => skipped.reason,
    ///         })
    ///         .collect();
    ///     assert_eq!(texts, ["1: Talks resumed.", "3: Talks stalled."]);
    /// }
    /// ```
    pub fn runs(self) -> Runs {
        Runs(self)
    }

    fn next_unparsed(&mut self, deferred: bool) -> Option<Unparsed> {
        self.next_from(|reader| reader.next_unparsed(deferred), Unparsed::Ready)
    }

    /// The next of what `take` takes from the file being read, opening the next file as needed;
    /// the records that stand for a whole file or a problem come wrapped by `ready`.
    fn next_from<T>(
        &mut self,
        mut take: impl FnMut(&mut Reader) -> Option<T>,
        ready: impl Fn(Record) -> T,
    ) -> Option<T> {
        loop {
            if let Some(reader) = self.current.as_mut() {
                match take(reader) {
                    Some(record) => return Some(record),
                    None => self.current = None,
                }
            }
            if let Some(pending) = self.queue.pop_front() {
                let input = match pending {
                    Pending::Problem(skipped) => {
                        return Some(ready(Record::Skipped(skipped)));
                    }
                    Pending::Stream(input) => input,
                    Pending::File(listed) => match listed.open(&mut self.on_wait) {
                        Ok(input) => input,
                        Err(skipped) => return Some(ready(Record::Skipped(skipped))),
                    },
                };
                match self.start(input) {
                    Started::Reading(reader) => self.current = Some(reader),
                    Started::Finished(record) => return Some(ready(record)),
                }
                continue;
            }
            match self.arguments.next()? {
                InputSource::Stdin => {
                    let file_type = FileType {
                        format: Format::JsonLines,
                        compression: Compression::None,
                    };
                    self.queue.push_back(Pending::Stream(Input {
                        label: "stdin".to_string(),
                        file_type,
                        naming: Naming::Alone {
                            stem: "stdin".to_string(),
                        },
                        reader: buffered(io::stdin(), Compression::None),
                    }));
                }
                InputSource::Path(path) => self.queue = walk::expand(&path),
            }
        }
    }

    fn start(&self, input: Input) -> Started {
        let max_bytes = self.options.max_article_bytes;
        let origin = Origin {
            label: input.label,
            compression: input.file_type.compression,
        };
        match (input.file_type.format, self.options.text_layout) {
            (Format::Text, TextLayout::WholeFile) => Started::Finished(plain::whole_file(
                origin,
                input.naming.whole_file_id(),
                input.reader,
                max_bytes,
            )),
            (Format::Text, TextLayout::LinePerRecord) => Started::Reading(Reader::Lines(
                plain::LinePerRecord::new(origin, input.naming, input.reader, max_bytes),
            )),
            (Format::JsonLines, _) => Started::Reading(Reader::Json(jsonl::JsonLines::new(
                origin,
                input.reader,
                max_bytes,
            ))),
            (Format::Csv, _) => Started::Reading(Reader::Table(table::Table::new(
                origin,
                input.reader,
                max_bytes,
            ))),
        }
    }
}

/// How the records of a file are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.md`: plain text, split as [`InputOptions::text_layout`] says.
    Text,
    /// `.jsonl`, `.ndjson`: one JSON object per line.
    JsonLines,
    /// `.csv`: a header row naming the columns, then one record per row.
    Csv,
}

/// Whether a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    /// `.gz`; concatenated gzip members are read as one stream.
    Gzip,
}

/// What a file holds, as its name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub format: Format,
    pub compression: Compression,
}

impl FileType {
    /// Extensions tenor reads, matched without regard to ASCII case.
    const EXTENSIONS: [(&'static str, Format); 5] = [
        (".txt", Format::Text),
        (".md", Format::Text),
        (".jsonl", Format::JsonLines),
        (".ndjson", Format::JsonLines),
        (".csv", Format::Csv),
    ];

    /// The type of a file from its name; `None` when tenor does not read such files.
    ///
    /// ```
    /// use tenor::ingest::{Compression, FileType, Format};
    ///
    /// let gz = FileType::of_path("may/feed.JSONL.gz".as_ref()).unwrap();
    /// assert_eq!(gz, FileType { format: Format::JsonLines, compression: Compression::Gzip });
    /// assert_eq!(FileType::of_path("logo.png".as_ref()), None);
    /// ```
    pub fn of_path(path: &Path) -> Option<FileType> {
        let name = path.file_name()?.to_string_lossy();
        FileType::split_name(&name).map(|(file_type, _)| file_type)
    }

    /// The type of a file and its name without the extensions that told it (`talks` for
    /// `talks.txt.gz`).
    fn split_name(name: &str) -> Option<(FileType, &str)> {
        let (rest, compression) = match strip_suffix_ignore_case(name, ".gz") {
            Some(rest) => (rest, Compression::Gzip),
            None => (name, Compression::None),
        };
        FileType::EXTENSIONS
            .iter()
            .find_map(|&(extension, format)| {
                let stem = strip_suffix_ignore_case(rest, extension)?;
                Some((
                    FileType {
                        format,
                        compression,
                    },
                    stem,
                ))
            })
    }
}

/// `name` without `suffix` when it ends with it (ignoring ASCII case) and something is left.
fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    let (stem, tail) = (name.get(..cut)?, name.get(cut..)?);
    (!stem.is_empty() && tail.eq_ignore_ascii_case(suffix)).then_some(stem)
}

/// Reading buffer size: large reads keep system calls rare on big inputs.
const READ_BUFFER_BYTES: usize = 256 * 1024;

fn buffered<R: Read + Send + 'static>(
    reader: R,
    compression: Compression,
) -> Box<dyn BufRead + Send> {
    match compression {
        Compression::None => Box::new(BufReader::with_capacity(READ_BUFFER_BYTES, reader)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            READ_BUFFER_BYTES,
            MultiGzDecoder::new(BufReader::with_capacity(READ_BUFFER_BYTES / 4, reader)),
        )),
    }
}

/// One entry of the reading order of an argument.
enum Pending {
    File(Listed),
    /// An already open stream (standard input, or a reader given to [`read_from`]).
    Stream(Input),
    Problem(Skipped),
}

/// A file to read, named as an argument or found in a directory.
struct Listed {
    /// The path to open: the argument, joined with the relative path for a file in a directory.
    path: PathBuf,
    file_type: FileType,
    naming: Naming,
}

impl Listed {
    fn open(self, on_wait: &mut dyn FnMut(&Path)) -> Result<Input, Skipped> {
        let label = self.path.display().to_string();
        let is_pipe = std::fs::metadata(&self.path).is_ok_and(|m| special_file(&m).is_some());
        let opened = if is_pipe {
            open_pipe(&self.path, on_wait)
        } else {
            std::fs::File::open(&self.path)
        };
        match opened {
            Ok(file) => Ok(Input {
                label,
                file_type: self.file_type,
                naming: self.naming,
                reader: buffered(file, self.file_type.compression),
            }),
            Err(error) => {
                let reason = match (&self.naming, error.kind()) {
                    (Naming::InDirectory { .. }, io::ErrorKind::NotFound) => {
                        format!("{label}: the file was removed after its directory was listed")
                    }
                    _ => format!("{label}: cannot open: {error}"),
                };
                Err(Skipped { id: label, reason })
            }
        }
    }
}

/// How long opening a named pipe may take before the wait for a writer is announced.
const QUIET_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// Opens a named pipe, which blocks until a writer opens it too. The open runs on a thread of its own
/// so that `on_wait` can be told when it takes long; it still returns only once there is a writer
/// (or the open fails), as reading standard input would.
fn open_pipe(path: &Path, on_wait: &mut dyn FnMut(&Path)) -> io::Result<std::fs::File> {
    let (opened_tx, opened) = std::sync::mpsc::channel();
    let to_open = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = opened_tx.send(std::fs::File::open(to_open));
    });
    match opened.recv_timeout(QUIET_WAIT) {
        Ok(result) => return result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => on_wait(path),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {}
    }
    opened
        .recv()
        .unwrap_or_else(|_| Err(io::Error::other("the thread opening the pipe failed")))
}

/// What a file that is neither a regular file nor a directory is ("a named pipe"), or `None` for
/// those two.
fn special_file(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let file_type = metadata.file_type();
    if file_type.is_file() || file_type.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// An open input, ready to read.
struct Input {
    label: String,
    file_type: FileType,
    naming: Naming,
    reader: Box<dyn BufRead + Send>,
}

/// Where a file came from, which decides its ids.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Naming {
    /// A file named as an argument, or a stream.
    Alone {
        /// The file name without its extensions.
        stem: String,
    },
    /// A file found in a directory argument.
    InDirectory {
        /// The path relative to the directory, with `/` separators.
        relative: String,
        /// `relative` without the file's extensions.
        stem: String,
    },
}

impl Naming {
    fn whole_file_id(&self) -> String {
        match self {
            Naming::Alone { stem } | Naming::InDirectory { stem, .. } => stem.clone(),
        }
    }

    /// The id of the text on 1-based line `line` of a file read one text per line.
    fn line_id(&self, line: usize) -> String {
        match self {
            Naming::Alone { .. } => line.to_string(),
            Naming::InDirectory { relative, .. } => format!("{relative}:{line}"),
        }
    }
}

/// The file (or stream) records are read from, for ids and reasons.
#[derive(Debug)]
struct Origin {
    /// The path as given (joined with the relative path), or `stdin`.
    label: String,
    compression: Compression,
}

impl Origin {
    /// `FILE:LINE`.
    fn at(&self, line: usize) -> String {
        format!("{}:{line}", self.label)
    }

    /// The record that says reading stopped early. What was read before stays read.
    fn failure(&self, complete_lines: usize, error: &io::Error) -> Record {
        Record::Skipped(self.failed(complete_lines, error))
    }

    fn failed(&self, complete_lines: usize, error: &io::Error) -> Skipped {
        let what = match self.compression {
            Compression::Gzip => "corrupt gzip",
            Compression::None => "read error",
        };
        Skipped {
            id: self.label.clone(),
            reason: format!(
                "{}: {what} after line {complete_lines}: {error}",
                self.label
            ),
        }
    }

    /// A record at `line` that cannot be used; `id` is the article id when it could be read.
    fn skip(&self, id: Option<String>, line: usize, problem: impl std::fmt::Display) -> Record {
        Record::Skipped(self.skipped(id, line, problem))
    }

    fn skipped(&self, id: Option<String>, line: usize, problem: impl std::fmt::Display) -> Skipped {
        let at = self.at(line);
        Skipped {
            reason: format!("{at}: {problem}"),
            id: id.unwrap_or(at),
        }
    }
}

enum Started {
    Reading(Reader),
    Finished(Record),
}

/// A file with many records, part way through.
enum Reader {
    Lines(plain::LinePerRecord),
    Json(jsonl::JsonLines),
    Table(table::Table),
}

impl Reader {
    fn next_entry(&mut self) -> Option<Entry> {
        match self {
            Reader::Lines(reader) => reader.next_entry(),
            Reader::Json(reader) => reader
                .next_unparsed(false)
                .map(|r| Entry::Record(r.parse())),
            Reader::Table(reader) => reader.next_record().map(Entry::Record),
        }
    }

    fn next_unparsed(&mut self, deferred: bool) -> Option<Unparsed> {
        match self {
            Reader::Lines(reader) => reader.next_record().map(Unparsed::Ready),
            Reader::Json(reader) => reader.next_unparsed(deferred),
            Reader::Table(reader) => reader.next_record().map(Unparsed::Ready),
        }
    }
}

/// Why a text cannot be analysed, whatever the format it came in.
fn text_problem(text: &str, max_bytes: usize) -> Option<String> {
    if text.trim().is_empty() {
        Some("empty text".to_string())
    } else if text.len() > max_bytes {
        Some(too_large(text.len(), max_bytes))
    } else {
        None
    }
}

fn too_large(bytes: usize, max_bytes: usize) -> String {
    format!("article of {bytes} bytes is larger than the limit of {max_bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parsed_later_give_the_records_read_in_place_problems_and_all() {
        let input = concat!(
            "{\"id\": \"a\", \"text\": \"Talks resumed on Monday.\"}\n",
            "\n",
            "{\"id\": \"b\", \"text\": \"unterminated\n",
            "{\"text\": \"No id, so named by its line.\", \"desk\": \"world\"}\n",
            "{\"id\": 7, \"text\": 5}\n",
            "{\"id\": \"c\", \"text\": \"caf\u{e9} and \\u00e9\"}\n",
        );
        let file_type = FileType {
            format: Format::JsonLines,
            compression: Compression::None,
        };
        let read = || {
            read_from(
                "feed.jsonl",
                file_type,
                input.as_bytes(),
                InputOptions::default(),
            )
        };
        let in_place: Vec<Record> = read().collect();
        let entries: Vec<Unparsed> = read().unparsed().collect();
        // Every line is left to be parsed, in order; the blank one is passed over as before.
        assert_eq!(entries.len(), 5);
        assert!(entries.iter().all(|e| matches!(e, Unparsed::Json(_))));
        // Parsed on other threads, the records are those read in place.
        let later: Vec<Record> = std::thread::scope(|scope| {
            let parsing: Vec<_> = entries
                .into_iter()
                .map(|entry| scope.spawn(move || entry.parse()))
                .collect();
            parsing.into_iter().map(|p| p.join().unwrap()).collect()
        });
        assert_eq!(later, in_place);
        let Record::Skipped(skipped) = &later[1] else {
            panic!("the unterminated line is not a record");
        };
        assert!(skipped.reason.starts_with("feed.jsonl:3: malformed JSON"));
        assert!(matches!(&later[2], Record::Article(a) if a.id == "feed.jsonl:4"));
    }

    #[test]
    fn other_formats_and_problems_are_read_in_place_when_lines_are_left_unparsed() {
        let sources = vec![InputSource::from_arg("/no/such/dir/feed.jsonl")];
        let entries: Vec<Unparsed> = read(sources, InputOptions::default()).unparsed().collect();
        assert!(matches!(
            entries.as_slice(),
            [Unparsed::Ready(Record::Skipped(s))] if s.id.contains("feed")
        ));
    }

    /// A reader that gives at most `step` bytes a read, so that lines straddle buffer fills.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn runs_of_lines_stand_for_the_records_read_one_by_one() {
        let mut text = b"\xEF\xBB\xBFFirst line.\r\n\n   \n\xC2\xA0\nCaf\xE9 au lait\n".to_vec();
        text.extend_from_slice(format!("{}\n", "long ".repeat(40)).as_bytes());
        for i in 0..3000 {
            text.extend_from_slice(format!("Line {i} of the talks.\n").as_bytes());
        }
        text.extend_from_slice(b"no terminator at the end");
        let file_type = FileType {
            format: Format::Text,
            compression: Compression::None,
        };
        for (step, max_article_bytes) in [(usize::MAX, 1 << 20), (7, 1 << 20), (4096, 150)] {
            let options = InputOptions {
                text_layout: TextLayout::LinePerRecord,
                max_article_bytes,
            };
            let read = || {
                let input = Trickle {
                    bytes: text.clone(),
                    at: 0,
                    step,
                };
                read_from("notes.txt", file_type, input, options.clone())
            };
            let one_by_one: Vec<Record> = read().collect();
            let mut runs = 0;
            let from_runs: Vec<Record> = read()
                .runs()
                .flat_map(|entry| match entry {
                    Entry::Record(record) => vec![record],
                    Entry::Lines(run) => {
                        runs += 1;
                        run.into_records()
                    }
                })
                .collect();
            assert!(runs > 0, "step {step}");
            assert_eq!(from_runs, one_by_one, "step {step}");
            assert_eq!(one_by_one.len(), 3005);
        }
    }

    #[test]
    fn a_run_names_its_lines_as_records_are_named() {
        let source = |naming: Naming| {
            Arc::new(LineSource {
                label: "notes.txt".to_string(),
                naming,
                max_bytes: 100,
            })
        };
        let alone = LineRun {
            source: source(Naming::Alone {
                stem: "notes".to_string(),
            }),
            bytes: b"x\n".to_vec(),
            first: 1,
        };
        let found = LineRun {
            source: source(Naming::InDirectory {
                relative: "2024/march.txt".to_string(),
                stem: "2024/march".to_string(),
            }),
            bytes: b"x\n".to_vec(),
            first: 1,
        };
        let mut id = String::from("left over");
        for number in [1, 9, 10, 99, 100, 90_710, usize::MAX] {
            alone.id_into(number, &mut id);
            assert_eq!(id, alone.source.naming.line_id(number));
            found.id_into(number, &mut id);
            assert_eq!(id, found.source.naming.line_id(number));
        }
    }

    #[test]
    fn a_line_is_named_by_its_number_and_in_a_directory_by_its_file_too() {
        let alone = Naming::Alone {
            stem: "notes".to_string(),
        };
        assert_eq!(alone.line_id(1), "1");
        assert_eq!(alone.line_id(90_710), "90710");
        assert_eq!(alone.line_id(usize::MAX), usize::MAX.to_string());
        let found = Naming::InDirectory {
            relative: "2024/march.txt".to_string(),
            stem: "2024/march".to_string(),
        };
        assert_eq!(found.line_id(10), "2024/march.txt:10");
    }
}
