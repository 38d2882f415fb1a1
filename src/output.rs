//! Writing results as tables: quotes, articles, speakers, speaker_topics and quote_topics in an
//! output directory ([`OutputDir`]), the tables of `tenor rate` ([`RateWriter`], [`TargetWriter`]),
//! quotes streamed to a pipe as they are found ([`QuoteStream`]), and tables that other modules
//! define at run time ([`TableWriter`], [`TableStream`]).
//!
//! A [`TableFormat`] says how: CSV or TSV files (optionally shaped for spreadsheets: byte order mark,
//! CRLF line ends, another delimiter, decimal commas), one JSON object per line, or one xlsx workbook
//! with a sheet per table and a README sheet that defines every column ([`columns`]).
//!
//! Every file is written to a hidden temporary file beside its final name and renamed into place only
//! when the run finishes, so a failed or interrupted run never leaves a half-written table and the
//! previous outputs stay intact until then. Quote and article rows are streamed as articles arrive;
//! the speaker tables are written from [`Aggregates`] at the end. Columns are a contract: new columns
//! may be appended, never inserted before existing ones.
//!
//! Text cells are written so that no spreadsheet evaluates them: in CSV and TSV a text that starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`; in xlsx every text is a
//! string cell. Numbers are never altered. JSON Lines is not read by spreadsheets and keeps text as is.
//!
//! This module only renders: analysis is left to [`crate::pipeline`], summaries to
//! [`crate::aggregate`], the visual report to [`crate::report`].
//!
//! ```no_run
//! use tenor::aggregate::Aggregates;
//! use tenor::output::{OutputDir, TableFormat};
//!
//! # fn run(articles: Vec<tenor::pipeline::AnalysedArticle>, topics: Vec<String>) -> tenor::Result<()> {
//! let format = TableFormat::csv().excel()?.delimiter(';')?.decimal_comma()?;
//! let mut out = OutputDir::create_with("results", format)?;
//! let mut aggregates = Aggregates::new();
//! for article in &articles {
//!     out.write_article(article, &topics)?;
//!     aggregates.add_article(article);
//! }
//! out.finish(&aggregates, &topics)?;
//! # Ok(())
//! # }
//! ```

pub mod columns;
mod custom;
mod delimited;
mod jsonl;
mod number;
mod xlsx;

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::aggregate::{Aggregates, SCORE_COUNT, ScoreStats, SpeakerSummary, SpeakerTopicSummary};
use crate::error::{Error, Result};
use crate::groups::{GROUPS_NAME, GroupRow, Groups};
use crate::pipeline::{AnalysedArticle, ArticleStatus, ScoredQuote, TargetScore};
use crate::scoring::{Evidence, Scored, Scores};

use delimited::DelimitedCells;
use jsonl::JsonCells;
use number::push_evidence_value;

pub use columns::{ColumnDoc, ColumnKind};
pub use custom::{Cell, TableStream, TableWriter};

pub const QUOTES_TABLE: &str = "quotes.csv";
pub const ARTICLES_TABLE: &str = "articles.csv";
pub const SPEAKERS_TABLE: &str = "speakers.csv";
pub const SPEAKER_TOPICS_TABLE: &str = "speaker_topics.csv";
pub const QUOTE_TOPICS_TABLE: &str = "quote_topics.csv";
/// The workbook that `--format xlsx` writes in place of the four tables.
pub const WORKBOOK: &str = "tenor.xlsx";

/// Columns of quotes.csv.
pub const QUOTE_COLUMNS: [&str; 25] = [
    "article_id",
    "quote_id",
    "kind",
    "start",
    "end",
    "speaker",
    "speaker_mention",
    "cue",
    "framing",
    "topics",
    "topic_source",
    "text",
    "sentiment",
    "positive",
    "negative",
    "neutral",
    "cooperation",
    "warmth",
    "threat",
    "assertiveness",
    "irony",
    "evidence",
    "speaker_type",
    "framing_tone",
    "speaker_key",
];

/// Columns of articles.csv.
pub const ARTICLE_COLUMNS: [&str; 9] = [
    "article_id",
    "title",
    "source",
    "date",
    "quotes",
    "speakers",
    "status",
    "reason",
    "language",
];

/// Columns of quote_topics.csv: one row per quote and topic its own words mention.
pub const QUOTE_TOPIC_COLUMNS: [&str; 5] = ["quote_id", "topic", "stance", "sentiment", "evidence"];

/// Columns of the `tenor rate --targets-out` table. `target_index` counts from 0 in the record's
/// `targets` list; `from` and `to` are code point offsets, empty with the scores for a text target
/// that does not occur.
pub const TARGET_COLUMNS: [&str; 8] = [
    "id",
    "target_index",
    "from",
    "to",
    "mention",
    "sentiment",
    "stance",
    "evidence",
];

/// Columns of the `tenor rate` table.
pub const RATE_COLUMNS: [&str; 11] = [
    "id",
    "sentiment",
    "positive",
    "negative",
    "neutral",
    "cooperation",
    "warmth",
    "threat",
    "assertiveness",
    "irony",
    "evidence",
];

/// Columns of speakers.csv: `speaker, articles, quotes, words`, a `<score>_mean` per score,
/// `speaker_key, speaker_type`, `<score>_ci_low, <score>_ci_high` per score, then `role`.
pub fn speaker_columns() -> Vec<String> {
    let mut columns: Vec<String> = ["speaker", "articles", "quotes", "words"]
        .map(String::from)
        .into();
    columns.extend(Scores::NAMES.map(|name| format!("{name}_mean")));
    columns.extend(["speaker_key", "speaker_type"].map(String::from));
    columns.extend(interval_columns());
    columns.push("role".to_string());
    columns
}

/// Columns of speaker_topics.csv: `speaker, topic, quotes`, a `<score>_mean` per score,
/// `speaker_key`, `<score>_ci_low, <score>_ci_high` per score, then `stance_mean`.
pub fn speaker_topic_columns() -> Vec<String> {
    let mut columns: Vec<String> = ["speaker", "topic", "quotes"].map(String::from).into();
    columns.extend(Scores::NAMES.map(|name| format!("{name}_mean")));
    columns.push("speaker_key".to_string());
    columns.extend(interval_columns());
    columns.push("stance_mean".to_string());
    columns
}

/// `<score>_ci_low, <score>_ci_high` for each score, in the order of [`Scores::NAMES`].
fn interval_columns() -> impl Iterator<Item = String> {
    Scores::NAMES
        .into_iter()
        .flat_map(|name| [format!("{name}_ci_low"), format!("{name}_ci_high")])
}

/// The tables tenor writes. Each is a file named `<name>.<extension>` or, in a workbook, a sheet
/// named `<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Quotes,
    Articles,
    Speakers,
    SpeakerTopics,
    /// A quote's stance and sentiment toward each topic it names.
    QuoteTopics,
    /// The table of `tenor rate`.
    Ratings,
    /// Sentiment and stance toward each target of `tenor rate --targets-out`.
    Targets,
}

impl Table {
    /// The tables of `tenor score`, in the order a workbook shows them.
    pub const SCORE: [Table; 5] = [
        Table::Quotes,
        Table::Speakers,
        Table::SpeakerTopics,
        Table::QuoteTopics,
        Table::Articles,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Table::Quotes => "quotes",
            Table::Articles => "articles",
            Table::Speakers => "speakers",
            Table::SpeakerTopics => "speaker_topics",
            Table::QuoteTopics => "quote_topics",
            Table::Ratings => "ratings",
            Table::Targets => "targets",
        }
    }

    /// The table's column names, in order.
    pub fn columns(self) -> Vec<String> {
        match self {
            Table::Quotes => QUOTE_COLUMNS.map(String::from).into(),
            Table::Articles => ARTICLE_COLUMNS.map(String::from).into(),
            Table::Speakers => speaker_columns(),
            Table::SpeakerTopics => speaker_topic_columns(),
            Table::QuoteTopics => QUOTE_TOPIC_COLUMNS.map(String::from).into(),
            Table::Ratings => RATE_COLUMNS.map(String::from).into(),
            Table::Targets => TARGET_COLUMNS.map(String::from).into(),
        }
    }
}

/// How tables are written. Build one with [`TableFormat::csv`], [`TableFormat::tsv`],
/// [`TableFormat::Xlsx`] or [`TableFormat::Jsonl`]; the spreadsheet options apply to the first two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV or TSV files: see [`Delimited`].
    Delimited(Delimited),
    /// One workbook with a sheet per table and a README sheet.
    Xlsx,
    /// One JSON object per row and line; numbers as JSON numbers.
    Jsonl,
}

/// Options of delimited text tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimited {
    delimiter: u8,
    excel: bool,
    decimal_comma: bool,
    header: bool,
}

impl Delimited {
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Whether files start with a UTF-8 byte order mark and end lines with CRLF.
    pub fn is_excel(&self) -> bool {
        self.excel
    }

    /// Whether scores are written with a decimal comma (`0,2500`).
    pub fn has_decimal_comma(&self) -> bool {
        self.decimal_comma
    }

    pub fn has_header(&self) -> bool {
        self.header
    }

    /// `tsv` when the delimiter is a tab, else `csv`.
    pub fn extension(&self) -> &'static str {
        if self.delimiter == b'\t' {
            "tsv"
        } else {
            "csv"
        }
    }
}

impl Default for TableFormat {
    fn default() -> Self {
        TableFormat::csv()
    }
}

impl TableFormat {
    /// Comma-separated, with a header row, no byte order mark, `\n` line ends.
    pub fn csv() -> TableFormat {
        TableFormat::Delimited(Delimited {
            delimiter: b',',
            excel: false,
            decimal_comma: false,
            header: true,
        })
    }

    /// Tab-separated. Fields holding tabs, newlines or double quotes are quoted as in CSV.
    pub fn tsv() -> TableFormat {
        match TableFormat::csv() {
            TableFormat::Delimited(d) => TableFormat::Delimited(Delimited {
                delimiter: b'\t',
                ..d
            }),
            other => other,
        }
    }

    /// The format a file name asks for: `.tsv`, `.xlsx`, `.jsonl` or `.ndjson`, else CSV.
    pub fn for_path(path: &Path) -> TableFormat {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("tsv" | "tab") => TableFormat::tsv(),
            Some("xlsx") => TableFormat::Xlsx,
            Some("jsonl" | "ndjson") => TableFormat::Jsonl,
            _ => TableFormat::csv(),
        }
    }

    /// Separates fields with `delimiter`, which must be one ASCII character other than a double quote,
    /// a newline or a carriage return.
    ///
    /// # Errors
    /// [`Error::Usage`] for any other character, or for a format that is not delimited.
    pub fn delimiter(self, delimiter: char) -> Result<TableFormat> {
        if !delimiter.is_ascii() || matches!(delimiter, '"' | '\n' | '\r' | '\'') {
            return Err(Error::Usage(format!(
                "--delimiter {delimiter:?}: use one ASCII character other than a quote or a line end"
            )));
        }
        let delimiter = delimiter as u8;
        let d = self.delimited("--delimiter")?;
        if d.decimal_comma && delimiter == b',' {
            return Err(decimal_comma_clash());
        }
        Ok(TableFormat::Delimited(Delimited { delimiter, ..d }))
    }

    /// Shapes files for spreadsheets: a UTF-8 byte order mark (without which Excel reads UTF-8 as a
    /// legacy code page) and CRLF line ends.
    pub fn excel(self) -> Result<TableFormat> {
        let d = self.delimited("--excel")?;
        Ok(TableFormat::Delimited(Delimited { excel: true, ..d }))
    }

    /// Writes scores with a decimal comma, for spreadsheets in locales that read `0.25` as text. Needs a
    /// delimiter other than a comma.
    pub fn decimal_comma(self) -> Result<TableFormat> {
        let d = self.delimited("--decimal-comma")?;
        if d.delimiter == b',' {
            return Err(decimal_comma_clash());
        }
        Ok(TableFormat::Delimited(Delimited {
            decimal_comma: true,
            ..d
        }))
    }

    /// Leaves out the header row (for appending streamed rows to an existing file).
    pub fn no_header(self) -> Result<TableFormat> {
        let d = self.delimited("--no-header")?;
        Ok(TableFormat::Delimited(Delimited { header: false, ..d }))
    }

    /// The file name extension of one table.
    pub fn extension(&self) -> &'static str {
        match self {
            TableFormat::Delimited(d) => d.extension(),
            TableFormat::Xlsx => "xlsx",
            TableFormat::Jsonl => "jsonl",
        }
    }

    fn delimited(self, option: &str) -> Result<Delimited> {
        match self {
            TableFormat::Delimited(d) => Ok(d),
            TableFormat::Xlsx => Err(Error::Usage(format!(
                "{option} applies to csv and tsv, not xlsx"
            ))),
            TableFormat::Jsonl => Err(Error::Usage(format!(
                "{option} applies to csv and tsv, not jsonl"
            ))),
        }
    }
}

fn decimal_comma_clash() -> Error {
    Error::Usage(
        "--decimal-comma needs a delimiter other than a comma: add --delimiter ';'".to_string(),
    )
}

/// Rows are buffered this much before they reach the file.
const BUFFER_BYTES: usize = 1 << 20;

/// Appends the rows rendered in `pending` to `rows` and empties `pending`, giving back the memory a
/// huge article took, so that a worker's memory stays flat however long the run.
fn take_pending_rows(pending: &mut Vec<u8>, rows: &mut Vec<u8>) {
    rows.extend_from_slice(pending);
    pending.clear();
    if pending.capacity() > BUFFER_BYTES {
        *pending = Vec::with_capacity(16 * 1024);
    }
}

/// The output directory of `tenor score`. See the module documentation.
pub struct OutputDir {
    dir: PathBuf,
    tables: Tables,
    joined: String,
}

// One per run, made once and never moved on a hot path: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Tables {
    Files {
        extension: &'static str,
        quotes: TableFile,
        articles: TableFile,
        quote_topics: TableFile,
    },
    Workbook(xlsx::Book),
}

/// Positions of the sheets of `tenor score` in its workbook: those of [`Table::SCORE`].
const QUOTES_SHEET: usize = 0;
const SPEAKERS_SHEET: usize = 1;
const SPEAKER_TOPICS_SHEET: usize = 2;
const QUOTE_TOPICS_SHEET: usize = 3;
const ARTICLES_SHEET: usize = 4;

impl OutputDir {
    /// Creates `dir` if it is missing and starts quotes.csv and articles.csv.
    pub fn create(dir: impl AsRef<Path>) -> Result<OutputDir> {
        OutputDir::create_with(dir, TableFormat::csv())
    }

    /// Creates `dir` if it is missing and starts the quote and article tables in `format`.
    pub fn create_with(dir: impl AsRef<Path>, format: TableFormat) -> Result<OutputDir> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let tables = match format {
            TableFormat::Xlsx => {
                Tables::Workbook(xlsx::Book::create(dir.join(WORKBOOK), &Table::SCORE)?)
            }
            _ => {
                let extension = format.extension();
                let path = |table: Table| dir.join(format!("{}.{extension}", table.name()));
                Tables::Files {
                    extension,
                    quotes: TableFile::create(path(Table::Quotes), Table::Quotes, format)?,
                    articles: TableFile::create(path(Table::Articles), Table::Articles, format)?,
                    quote_topics: TableFile::create(
                        path(Table::QuoteTopics),
                        Table::QuoteTopics,
                        format,
                    )?,
                }
            }
        };
        Ok(OutputDir {
            dir,
            tables,
            joined: String::with_capacity(64),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the article's row of the article table and its quotes' rows of the quote and
    /// quote-topic tables. `topic_names[id]` names topic `id`.
    ///
    /// # Errors
    /// [`Error::Io`] naming the table when writing fails; [`Error::Output`] when a topic id has no name.
    pub fn write_article(
        &mut self,
        article: &AnalysedArticle,
        topic_names: &[String],
    ) -> Result<()> {
        let joined = &mut self.joined;
        match &mut self.tables {
            Tables::Files {
                quotes,
                articles,
                quote_topics,
                ..
            } => {
                check_topics(article, topic_names, || quotes.cells.error_path())?;
                for quote in &article.quotes {
                    quote_row(&mut quotes.cells, &article.id, quote, topic_names, joined)?;
                    quote_topic_rows(&mut quote_topics.cells, quote, topic_names)?;
                }
                article_row(&mut articles.cells, article)
            }
            Tables::Workbook(book) => {
                check_topics(article, topic_names, || book.path().to_path_buf())?;
                for quote in &article.quotes {
                    let mut cells = book.sheet(QUOTES_SHEET);
                    quote_row(&mut cells, &article.id, quote, topic_names, joined)?;
                    quote_topic_rows(&mut book.sheet(QUOTE_TOPICS_SHEET), quote, topic_names)?;
                }
                article_row(&mut book.sheet(ARTICLES_SHEET), article)
            }
        }
    }

    /// A renderer of this output's rows for a worker thread, to pair with
    /// [`OutputDir::write_rendered`]; none for xlsx, whose workbook takes cells rather than bytes
    /// (write those articles with [`OutputDir::write_article`]).
    pub fn renderer(&self) -> Option<ArticleRenderer> {
        let Tables::Files {
            quotes,
            articles,
            quote_topics,
            ..
        } = &self.tables
        else {
            return None;
        };
        let format = quotes.format;
        let cells = |file: &TableFile, table: Table| {
            RowCells::new(file.cells.error_path(), &table.columns(), format)
        };
        Some(ArticleRenderer {
            format,
            quotes: cells(quotes, Table::Quotes)?,
            quote_topics_and_articles: Some((
                cells(quote_topics, Table::QuoteTopics)?,
                cells(articles, Table::Articles)?,
            )),
            joined: String::with_capacity(64),
        })
    }

    /// Writes rows that this output's [`OutputDir::renderer`] rendered: what
    /// [`OutputDir::write_article`] would have written for the article.
    ///
    /// # Errors
    /// [`Error::Io`] naming the table when writing fails; [`Error::Output`] when the rows were
    /// rendered for another output (another format, or a quote stream).
    pub fn write_rendered(&mut self, rendered: &RenderedArticle) -> Result<()> {
        match &mut self.tables {
            Tables::Files {
                quotes,
                articles,
                quote_topics,
                ..
            } => {
                let Some((topic_rows, article_rows)) = rendered
                    .quote_topics_and_articles()
                    .filter(|_| rendered.format == quotes.format)
                else {
                    return Err(rendered_elsewhere(
                        quotes.cells.error_path(),
                        rendered.format,
                        quotes.format,
                    ));
                };
                quotes.cells.append_rows(rendered.quotes())?;
                quote_topics.cells.append_rows(topic_rows)?;
                articles.cells.append_rows(article_rows)
            }
            Tables::Workbook(book) => Err(rendered_elsewhere(
                book.path().to_path_buf(),
                rendered.format,
                TableFormat::Xlsx,
            )),
        }
    }

    /// Writes the speaker tables from `aggregates`, then moves every table into place. On error nothing
    /// is moved, unless the error is in moving itself (which, within one directory, fails only when the
    /// directory changed under the run).
    pub fn finish(self, aggregates: &Aggregates, topic_names: &[String]) -> Result<()> {
        let OutputDir { dir, tables, .. } = self;
        match tables {
            Tables::Files {
                extension,
                quotes,
                articles,
                quote_topics,
            } => {
                let format = quotes.format;
                let path = |table: Table| dir.join(format!("{}.{extension}", table.name()));
                // In batches, so that statistics spilled to disk are never all in memory at once.
                // Rows are rendered where their summaries are made, on rayon's threads, and
                // appended here in order.
                let write_speakers = || -> Result<TableFile> {
                    let mut speakers =
                        TableFile::create(path(Table::Speakers), Table::Speakers, format)?;
                    let row_cells = speakers.row_cells(Table::Speakers)?;
                    aggregates.in_batches(|batch| {
                        batch.speakers_in_chunks(
                            || row_cells.clone(),
                            |cells, summaries| {
                                render_rows(cells, summaries, |cells, summary| {
                                    speaker_row(cells, summary)
                                })
                            },
                            |rows| speakers.cells.append_rows(&rows?),
                        )
                    })?;
                    speakers.flush()?;
                    Ok(speakers)
                };
                let write_speaker_topics = || -> Result<TableFile> {
                    let mut speaker_topics = TableFile::create(
                        path(Table::SpeakerTopics),
                        Table::SpeakerTopics,
                        format,
                    )?;
                    let row_cells = speaker_topics.row_cells(Table::SpeakerTopics)?;
                    aggregates.in_batches(|batch| {
                        batch
                            .speaker_topics_in_chunks(
                                topic_names,
                                || row_cells.clone(),
                                |cells, summaries| {
                                    render_rows(cells, summaries, |cells, summary| {
                                        speaker_topic_row(cells, summary)
                                    })
                                },
                                |rows| speaker_topics.cells.append_rows(&rows?),
                            )
                            // A topic without a name is a problem of this table.
                            .map_err(|e| match e {
                                Error::Usage(problem) => speaker_topics.cells.error(problem),
                                other => other,
                            })
                    })?;
                    speaker_topics.flush()?;
                    Ok(speaker_topics)
                };
                // The tables streamed during the run are complete: they are flushed to disk on a
                // thread of their own while the speaker tables are made, since the wait for the
                // disk (a tenth of a second for a corpus's quotes.csv) needs no core. The two speaker
                // tables are written at once, each on its own thread: they are all that is left to
                // do once the last article is in, so the second core would otherwise idle. Runs are
                // read through cursors of their own, so two passes never disturb each other.
                let (streamed, speakers, speaker_topics) = std::thread::scope(|scope| {
                    let streamed = scope.spawn(move || -> Result<[TableFile; 3]> {
                        let mut streamed = [quotes, articles, quote_topics];
                        for table in &mut streamed {
                            table.flush()?;
                        }
                        Ok(streamed)
                    });
                    let topics = scope.spawn(write_speaker_topics);
                    let speakers = write_speakers();
                    fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
                        handle
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    }
                    (join(streamed), speakers, join(topics))
                });
                let ([quotes, articles, quote_topics], speakers, speaker_topics) =
                    (streamed?, speakers?, speaker_topics?);
                // Every table is complete on disk before the first one replaces an earlier run's.
                for table in [quotes, articles, speakers, speaker_topics, quote_topics] {
                    table.rename_into_place()?;
                }
                Ok(())
            }
            Tables::Workbook(mut book) => {
                aggregates.in_batches(|batch| {
                    for summary in batch.speakers() {
                        speaker_row(&mut book.sheet(SPEAKERS_SHEET), &summary)?;
                    }
                    Ok(())
                })?;
                aggregates.in_batches(|batch| {
                    let summaries = batch
                        .speaker_topics(topic_names)
                        .map_err(|e| book.error(e.to_string()))?;
                    for summary in &summaries {
                        speaker_topic_row(&mut book.sheet(SPEAKER_TOPICS_SHEET), summary)?;
                    }
                    Ok(())
                })?;
                book.save()
            }
        }
    }
}

/// The `tenor score --by` table: groups.csv (or .tsv, .jsonl) beside the other tables, or a `groups`
/// sheet of the workbook. Its first columns are the `--by` fields, so it is not a [`Table`].
impl OutputDir {
    /// [`OutputDir::finish`], with the groups table as well. In a workbook it is the sheet after the
    /// others; as a file it is written and moved into place after them, as a table of its own.
    pub fn finish_with_groups(
        self,
        aggregates: &Aggregates,
        topic_names: &[String],
        groups: &Groups,
    ) -> Result<()> {
        let OutputDir {
            dir,
            tables,
            joined,
        } = self;
        let rows = groups.rows();
        match tables {
            Tables::Workbook(mut book) => {
                let sheet = book.add_sheet(GROUPS_NAME, groups.column_docs())?;
                for row in &rows {
                    group_row(&mut book.sheet(sheet), row)?;
                }
                let tables = Tables::Workbook(book);
                OutputDir {
                    dir,
                    tables,
                    joined,
                }
                .finish(aggregates, topic_names)
            }
            Tables::Files {
                extension,
                quotes,
                articles,
                quote_topics,
            } => {
                let format = quotes.format;
                let path = dir.join(format!("{GROUPS_NAME}.{extension}"));
                let tables = Tables::Files {
                    extension,
                    quotes,
                    articles,
                    quote_topics,
                };
                OutputDir {
                    dir,
                    tables,
                    joined,
                }
                .finish(aggregates, topic_names)?;
                let mut table = TableFile::with_columns(path, &groups.columns(), format)?;
                for row in &rows {
                    group_row(&mut table.cells, row)?;
                }
                table.flush()?;
                table.rename_into_place()
            }
        }
    }
}

fn group_row(cells: &mut impl Cells, row: &GroupRow) -> Result<()> {
    for value in &row.group {
        cells.text(value)?;
    }
    cells.text(&row.speaker)?;
    cells.text(&row.topic)?;
    cells.count(row.n)?;
    for (&mean, interval) in row.mean.iter().zip(row.interval) {
        cells.score(mean)?;
        // No interval: blank cells, by way of the non-finite score every format writes as blank.
        let (low, high) = interval.map_or((f64::NAN, f64::NAN), |i| (i.low, i.high));
        cells.score(low)?;
        cells.score(high)?;
    }
    cells.text(&row.speaker_key)?;
    cells.end_row()
}

/// Checked before the first cell so that an error never leaves part of an article behind.
fn check_topics(
    article: &AnalysedArticle,
    topic_names: &[String],
    path: impl FnOnce() -> PathBuf,
) -> Result<()> {
    for quote in &article.quotes {
        let topics = quote.topics.iter().copied();
        let stance_topics = quote.topic_stances.iter().map(|t| t.topic);
        if let Some(topic) = topics
            .chain(stance_topics)
            .find(|&t| usize::from(t) >= topic_names.len())
        {
            return Err(Error::Output {
                path: path(),
                message: format!(
                    "quote {}: topic id {topic} has no name: only {} topic names were given",
                    quote.quote_id,
                    topic_names.len()
                ),
            });
        }
    }
    Ok(())
}

/// The table of `tenor rate`: one row per rated text, written atomically to the given path.
pub struct RateWriter {
    sink: OneTable,
    joined: String,
}

/// A single table written atomically to its path: a file, or the one sheet of a workbook.
enum OneTable {
    File(TableFile),
    Workbook(Box<xlsx::Book>),
}

impl OneTable {
    fn create(path: &Path, table: Table, format: TableFormat) -> Result<OneTable> {
        let path = path.to_path_buf();
        Ok(match format {
            TableFormat::Xlsx => OneTable::Workbook(Box::new(xlsx::Book::create(path, &[table])?)),
            _ => OneTable::File(TableFile::create(path, table, format)?),
        })
    }

    fn finish(self) -> Result<()> {
        match self {
            OneTable::File(mut file) => {
                file.flush()?;
                file.rename_into_place()
            }
            OneTable::Workbook(book) => book.save(),
        }
    }
}

/// The targets table of `tenor rate --targets-out`: one row per target of each record, with the
/// sentiment and stance toward it, written atomically to the given path.
pub struct TargetWriter {
    sink: OneTable,
    joined: String,
}

impl TargetWriter {
    /// Starts the table in `format`. The file appears at `path` only on [`TargetWriter::finish`].
    pub fn create_with(path: impl AsRef<Path>, format: TableFormat) -> Result<TargetWriter> {
        Ok(TargetWriter {
            sink: OneTable::create(path.as_ref(), Table::Targets, format)?,
            joined: String::with_capacity(256),
        })
    }

    /// Writes one row per target of record `id` (from [`crate::pipeline::Engine::score_targets`]).
    /// The evidence holds the words behind the sentiment, then the stance cues, each prefixed
    /// `stance `.
    pub fn write(&mut self, id: &str, targets: &[TargetScore]) -> Result<()> {
        match &mut self.sink {
            OneTable::File(file) => target_rows(&mut file.cells, id, targets, &mut self.joined),
            OneTable::Workbook(book) => {
                target_rows(&mut book.sheet(0), id, targets, &mut self.joined)
            }
        }
    }

    /// Moves the table into place.
    pub fn finish(self) -> Result<()> {
        self.sink.finish()
    }
}

impl RateWriter {
    /// Starts a CSV table. The file appears at `path` only on [`RateWriter::finish`].
    pub fn create(path: impl AsRef<Path>) -> Result<RateWriter> {
        RateWriter::create_with(path, TableFormat::csv())
    }

    /// Starts a table in `format`; an xlsx workbook has one sheet, `ratings`, and a README sheet.
    pub fn create_with(path: impl AsRef<Path>, format: TableFormat) -> Result<RateWriter> {
        Ok(RateWriter {
            sink: OneTable::create(path.as_ref(), Table::Ratings, format)?,
            joined: String::with_capacity(256),
        })
    }

    pub fn write(&mut self, id: &str, scored: &Scored) -> Result<()> {
        let mut joined = std::mem::take(&mut self.joined);
        join_evidence(&scored.evidence, &mut joined);
        let written = self.write_joined(id, &scored.scores, &joined);
        self.joined = joined;
        written
    }

    /// [`RateWriter::write`] with the evidence already joined by [`join_evidence`]: a worker thread
    /// can join it into one string while the scored evidence stays in its buffers for the next text.
    pub fn write_joined(&mut self, id: &str, scores: &Scores, evidence: &str) -> Result<()> {
        match &mut self.sink {
            OneTable::File(file) => rate_row(&mut file.cells, id, scores, evidence),
            OneTable::Workbook(book) => rate_row(&mut book.sheet(0), id, scores, evidence),
        }
    }

    /// A renderer of this table's rows for a worker thread, to pair with
    /// [`RateWriter::write_rendered`]; none for xlsx, whose workbook takes cells rather than bytes.
    pub fn renderer(&self) -> Option<RateRenderer> {
        let OneTable::File(file) = &self.sink else {
            return None;
        };
        Some(RateRenderer {
            format: file.format,
            cells: RowCells::new(
                file.cells.error_path(),
                &Table::Ratings.columns(),
                file.format,
            )?,
            joined: String::new(),
        })
    }

    /// Writes a row that this table's [`RateWriter::renderer`] rendered.
    ///
    /// # Errors
    /// [`Error::Io`] naming the table when writing fails; [`Error::Output`] when the row was
    /// rendered in another format.
    pub fn write_rendered(&mut self, rendered: &RenderedRow) -> Result<()> {
        match &mut self.sink {
            OneTable::File(file) if file.format == rendered.format => {
                file.cells.append_rows(&rendered.row)
            }
            OneTable::File(file) => Err(rendered_elsewhere(
                file.cells.error_path(),
                rendered.format,
                file.format,
            )),
            OneTable::Workbook(book) => Err(rendered_elsewhere(
                book.path().to_path_buf(),
                rendered.format,
                TableFormat::Xlsx,
            )),
        }
    }

    /// Moves the table into place.
    pub fn finish(self) -> Result<()> {
        self.sink.finish()
    }
}

/// The quote table written to a stream (standard output in `tenor score --emit quotes`), one article
/// at a time and flushed after each, so that a reader downstream sees quotes as they are found.
pub struct QuoteStream<W: Write> {
    cells: StreamCells<W>,
    /// What [`QuoteStream::renderer`] hands out: made with the stream, which refused xlsx.
    renderer: ArticleRenderer,
    joined: String,
}

enum StreamCells<W: Write> {
    Delimited(Box<DelimitedCells<W>>),
    Jsonl(JsonCells<W>),
}

impl<W: Write> QuoteStream<W> {
    /// Starts the stream; `label` names it in errors (`<stdout>`). A delimited stream starts with its
    /// header row unless the format has none.
    ///
    /// # Errors
    /// [`Error::Usage`] for xlsx, which cannot be streamed.
    pub fn new(
        writer: W,
        label: impl Into<PathBuf>,
        format: TableFormat,
    ) -> Result<QuoteStream<W>> {
        let path = label.into();
        let columns = Table::Quotes.columns();
        let (cells, rows) = match format {
            TableFormat::Delimited(d) => (
                StreamCells::Delimited(Box::new(DelimitedCells::new(
                    writer,
                    path.clone(),
                    d,
                    &columns,
                )?)),
                RowCells::Delimited(Box::new(DelimitedCells::rows_only(
                    RowsOnly,
                    path,
                    d,
                    columns.len(),
                ))),
            ),
            TableFormat::Jsonl => (
                StreamCells::Jsonl(JsonCells::new(writer, path.clone(), &columns)),
                RowCells::Jsonl(JsonCells::rows_only(RowsOnly, path, &columns)),
            ),
            TableFormat::Xlsx => {
                return Err(Error::Usage(
                    "xlsx cannot be streamed: write it to a directory with --out DIR".to_string(),
                ));
            }
        };
        Ok(QuoteStream {
            cells,
            renderer: ArticleRenderer {
                format,
                quotes: rows,
                quote_topics_and_articles: None,
                joined: String::with_capacity(64),
            },
            joined: String::with_capacity(64),
        })
    }

    /// Writes the article's quotes and flushes them.
    pub fn write_article(
        &mut self,
        article: &AnalysedArticle,
        topic_names: &[String],
    ) -> Result<()> {
        let joined = &mut self.joined;
        match &mut self.cells {
            StreamCells::Delimited(cells) => {
                check_topics(article, topic_names, || cells.error_path())?;
                for quote in &article.quotes {
                    quote_row(&mut **cells, &article.id, quote, topic_names, joined)?;
                }
                cells.flush()
            }
            StreamCells::Jsonl(cells) => {
                check_topics(article, topic_names, || cells.error_path())?;
                for quote in &article.quotes {
                    quote_row(cells, &article.id, quote, topic_names, joined)?;
                }
                cells.flush()
            }
        }
    }

    /// A renderer of this stream's rows for a worker thread, to pair with
    /// [`QuoteStream::write_rendered`].
    pub fn renderer(&self) -> ArticleRenderer {
        self.renderer.clone()
    }

    /// Writes quote rows that this stream's [`QuoteStream::renderer`] (or an output directory's
    /// renderer in the same format) rendered, and flushes them.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails; [`Error::Output`] when the rows were rendered in another
    /// format.
    pub fn write_rendered(&mut self, rendered: &RenderedArticle) -> Result<()> {
        let format = self.renderer.format;
        if rendered.format != format {
            let path = self.renderer.quotes.error_path();
            return Err(rendered_elsewhere(path, rendered.format, format));
        }
        match &mut self.cells {
            StreamCells::Delimited(cells) => {
                cells.append_rows(rendered.quotes())?;
                cells.flush()
            }
            StreamCells::Jsonl(cells) => {
                cells.append_rows(rendered.quotes())?;
                cells.flush()
            }
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

/// Renders an article's rows of the quote, quote-topic and article tables into bytes, on the thread
/// that analysed it, so that the thread writing the tables only appends bytes
/// ([`OutputDir::write_rendered`], [`QuoteStream::write_rendered`]). Made once per worker from the
/// output ([`OutputDir::renderer`], [`QuoteStream::renderer`]) and cheap to clone; it reuses its
/// buffers, so an article costs one allocation however many rows it has.
///
/// The bytes are exactly those [`OutputDir::write_article`] writes, and the same errors come out:
/// a topic id without a name, or a row of the wrong width, names the table.
#[derive(Clone)]
pub struct ArticleRenderer {
    format: TableFormat,
    quotes: RowCells,
    /// The quote-topic and article tables; none for a quote stream, which has neither.
    quote_topics_and_articles: Option<(RowCells, RowCells)>,
    joined: String,
}

/// One article's rendered rows, from [`ArticleRenderer::render`].
#[derive(Debug, Clone)]
pub struct RenderedArticle {
    format: TableFormat,
    rows: Vec<u8>,
    quotes_end: usize,
    /// Where the quote-topic rows end and the article row starts; none when only quote rows were
    /// rendered.
    quote_topics_end: Option<usize>,
}

impl RenderedArticle {
    /// The rows of the quote table.
    pub fn quotes(&self) -> &[u8] {
        &self.rows[..self.quotes_end]
    }

    /// The rows of the quote-topic and article tables, when they were rendered.
    fn quote_topics_and_articles(&self) -> Option<(&[u8], &[u8])> {
        self.quote_topics_end
            .map(|end| (&self.rows[self.quotes_end..end], &self.rows[end..]))
    }
}

impl ArticleRenderer {
    /// Renders the article's rows; see [`OutputDir::write_article`] for what they are.
    ///
    /// # Errors
    /// [`Error::Output`] naming the table when a topic id has no name or a row has the wrong width.
    /// Nothing of the article is kept, so the renderer can go on with the next one.
    pub fn render(
        &mut self,
        article: &AnalysedArticle,
        topic_names: &[String],
    ) -> Result<RenderedArticle> {
        check_topics(article, topic_names, || self.quotes.error_path())?;
        if let Err(error) = self.render_rows(article, topic_names) {
            self.quotes.discard_rows();
            if let Some((quote_topics, articles)) = &mut self.quote_topics_and_articles {
                quote_topics.discard_rows();
                articles.discard_rows();
            }
            return Err(error);
        }
        let mut rows = Vec::with_capacity(self.pending_bytes());
        self.quotes.take_rows(&mut rows);
        let quotes_end = rows.len();
        let quote_topics_end = match &mut self.quote_topics_and_articles {
            Some((quote_topics, articles)) => {
                quote_topics.take_rows(&mut rows);
                let end = rows.len();
                articles.take_rows(&mut rows);
                Some(end)
            }
            None => None,
        };
        Ok(RenderedArticle {
            format: self.format,
            rows,
            quotes_end,
            quote_topics_end,
        })
    }

    fn render_rows(&mut self, article: &AnalysedArticle, topic_names: &[String]) -> Result<()> {
        let joined = &mut self.joined;
        for quote in &article.quotes {
            quote_row(&mut self.quotes, &article.id, quote, topic_names, joined)?;
            if let Some((quote_topics, _)) = &mut self.quote_topics_and_articles {
                quote_topic_rows(quote_topics, quote, topic_names)?;
            }
        }
        match &mut self.quote_topics_and_articles {
            Some((_, articles)) => article_row(articles, article),
            None => Ok(()),
        }
    }

    fn pending_bytes(&self) -> usize {
        let others = self
            .quote_topics_and_articles
            .as_ref()
            .map_or(0, |(q, a)| q.pending_bytes() + a.pending_bytes());
        self.quotes.pending_bytes() + others
    }
}

/// Renders rows of the `tenor rate` table on the thread that scored them, so that the writing thread
/// only appends bytes ([`RateWriter::write_rendered`]). Made once per worker by
/// [`RateWriter::renderer`], cheap to clone; the bytes are those [`RateWriter::write`] writes.
///
/// ```
/// use tenor::output::{RateWriter, TableFormat};
/// use tenor::scoring::Scored;
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let mut writer = RateWriter::create_with(dir.path().join("r.csv"), TableFormat::csv())?;
/// let mut renderer = writer.renderer().expect("csv rows render on workers");
/// // A worker renders a run of records onto one buffer; the writer appends it in one go.
/// let mut rows = renderer.rows();
/// for (id, scored) in [("1", Scored::default()), ("2", Scored::default())] {
///     renderer.render_onto(id, &scored, &mut rows)?;
/// }
/// assert_eq!(rows.as_bytes().iter().filter(|&&b| b == b'\n').count(), 2);
/// writer.write_rendered(&rows)?;
/// writer.finish()?;
/// # Ok(())
/// # }
/// # run().unwrap();
/// ```
#[derive(Clone)]
pub struct RateRenderer {
    format: TableFormat,
    cells: RowCells,
    /// The evidence joined for a JSON Lines row.
    joined: String,
}

/// Rendered rows of the `tenor rate` table, one record's from [`RateRenderer::render_joined`] or
/// a run of records' from [`RateRenderer::render_onto`].
#[derive(Debug, Clone)]
pub struct RenderedRow {
    format: TableFormat,
    row: Vec<u8>,
}

impl RenderedRow {
    pub fn as_bytes(&self) -> &[u8] {
        &self.row
    }

    /// Makes room for at least `additional` more bytes of rows.
    pub fn reserve(&mut self, additional: usize) {
        self.row.reserve(additional);
    }
}

impl RateRenderer {
    /// Renders the row of record `id`, its evidence already joined by [`join_evidence`].
    ///
    /// # Errors
    /// [`Error::Output`] naming the table if the row has the wrong width.
    pub fn render_joined(
        &mut self,
        id: &str,
        scores: &Scores,
        evidence: &str,
    ) -> Result<RenderedRow> {
        if let Err(error) = rate_row(&mut self.cells, id, scores, evidence) {
            self.cells.discard_rows();
            return Err(error);
        }
        let mut row = Vec::with_capacity(self.cells.pending_bytes());
        self.cells.take_rows(&mut row);
        Ok(RenderedRow {
            format: self.format,
            row,
        })
    }

    /// No rows yet, for [`RateRenderer::render_onto`] to add to; room for a typical row.
    pub fn rows(&self) -> RenderedRow {
        RenderedRow {
            format: self.format,
            row: Vec::with_capacity(256),
        }
    }

    /// Appends the row of record `id` to `rows`, straight from its scores and evidence: no joined
    /// evidence and no copy of the row in between.
    ///
    /// # Errors
    /// [`Error::Output`] naming the table if `rows` were rendered in another format or the row has
    /// the wrong width; `rows` are then left as they were.
    pub fn render_onto(&mut self, id: &str, scored: &Scored, rows: &mut RenderedRow) -> Result<()> {
        if rows.format != self.format {
            return Err(rendered_elsewhere(
                self.cells.error_path(),
                rows.format,
                self.format,
            ));
        }
        match &mut self.cells {
            RowCells::Delimited(cells) => cells.render_onto(&mut rows.row, |cells| {
                cells.rate_row(id, &scored.scores, &scored.evidence)
            }),
            RowCells::Jsonl(cells) => {
                let joined = &mut self.joined;
                join_evidence(&scored.evidence, joined);
                cells.render_onto(&mut rows.row, |cells| {
                    rate_row(cells, id, &scored.scores, joined)
                })
            }
        }
    }
}

/// The writer of cells that only render: their rows are taken, never written.
#[derive(Debug, Clone, Copy)]
struct RowsOnly;

impl Write for RowsOnly {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other(
            "rendered rows are taken, not written",
        ))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One table's cells in a delimited or JSON Lines format, written to `W`: a file, or [`RowsOnly`] for
/// rows rendered on a worker that a writing thread appends.
#[derive(Clone)]
enum TableCells<W: Write> {
    Delimited(Box<DelimitedCells<W>>),
    Jsonl(JsonCells<W>),
}

/// Cells that render one table's rows for a writing thread to append.
type RowCells = TableCells<RowsOnly>;

/// Cells that write one table's rows to its file.
type FileCells = TableCells<File>;

impl<W: Write> TableCells<W> {
    fn error_path(&self) -> PathBuf {
        match self {
            TableCells::Delimited(cells) => cells.error_path(),
            TableCells::Jsonl(cells) => cells.error_path(),
        }
    }
}

impl<W: Write> Cells for TableCells<W> {
    fn text(&mut self, value: &str) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.text(value),
            TableCells::Jsonl(cells) => cells.text(value),
        }
    }

    fn count(&mut self, value: u64) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.count(value),
            TableCells::Jsonl(cells) => cells.count(value),
        }
    }

    fn score(&mut self, value: f64) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.score(value),
            TableCells::Jsonl(cells) => cells.score(value),
        }
    }

    fn scores(&mut self, scores: &Scores) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.scores(scores),
            TableCells::Jsonl(cells) => cells.scores(scores),
        }
    }

    fn score_run(&mut self, values: &[f64]) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.score_run(values),
            TableCells::Jsonl(cells) => cells.score_run(values),
        }
    }

    fn blanks(&mut self, count: usize) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.blanks(count),
            TableCells::Jsonl(cells) => cells.blanks(count),
        }
    }

    fn end_row(&mut self) -> Result<()> {
        match self {
            TableCells::Delimited(cells) => cells.end_row(),
            TableCells::Jsonl(cells) => cells.end_row(),
        }
    }

    fn error(&self, message: String) -> Error {
        match self {
            TableCells::Delimited(cells) => cells.error(message),
            TableCells::Jsonl(cells) => cells.error(message),
        }
    }
}

impl RowCells {
    /// Cells for the rows of a table at `path` (named in errors); none for xlsx, whose workbook takes
    /// cells rather than bytes.
    fn new(path: PathBuf, columns: &[String], format: TableFormat) -> Option<RowCells> {
        match format {
            TableFormat::Delimited(d) => Some(RowCells::Delimited(Box::new(
                DelimitedCells::rows_only(RowsOnly, path, d, columns.len()),
            ))),
            TableFormat::Jsonl => Some(RowCells::Jsonl(JsonCells::rows_only(
                RowsOnly, path, columns,
            ))),
            TableFormat::Xlsx => None,
        }
    }

    fn pending_bytes(&self) -> usize {
        match self {
            RowCells::Delimited(cells) => cells.pending_bytes(),
            RowCells::Jsonl(cells) => cells.pending_bytes(),
        }
    }

    fn take_rows(&mut self, rows: &mut Vec<u8>) {
        match self {
            RowCells::Delimited(cells) => cells.take_rows(rows),
            RowCells::Jsonl(cells) => cells.take_rows(rows),
        }
    }

    fn discard_rows(&mut self) {
        match self {
            RowCells::Delimited(cells) => cells.discard_rows(),
            RowCells::Jsonl(cells) => cells.discard_rows(),
        }
    }
}

/// The error for rows rendered in another format than the table's, or without the table's rows.
fn rendered_elsewhere(path: PathBuf, rendered: TableFormat, table: TableFormat) -> Error {
    Error::Output {
        path,
        message: format!(
            "rows rendered as {rendered:?} cannot go to a table written as {table:?}: make the \
             renderer from this output"
        ),
    }
}

/// One row being written cell by cell, in its table's column order.
trait Cells {
    /// A text cell; written so that no spreadsheet evaluates it as a formula.
    fn text(&mut self, value: &str) -> Result<()>;
    fn count(&mut self, value: u64) -> Result<()>;
    /// A score, rounded to four decimals in every format.
    fn score(&mut self, value: f64) -> Result<()>;
    /// The nine scores, in the order of [`Scores::values`]: a score cell each.
    fn scores(&mut self, scores: &Scores) -> Result<()> {
        for value in scores.values() {
            self.score(f64::from(value))?;
        }
        Ok(())
    }
    /// A score cell for each of `values`, in order.
    fn score_run(&mut self, values: &[f64]) -> Result<()> {
        for &value in values {
            self.score(value)?;
        }
        Ok(())
    }
    /// `count` blank cells, as a non-finite score writes them.
    fn blanks(&mut self, count: usize) -> Result<()> {
        for _ in 0..count {
            self.score(f64::NAN)?;
        }
        Ok(())
    }
    fn end_row(&mut self) -> Result<()>;
    /// An [`Error::Output`] naming the table.
    fn error(&self, message: String) -> Error;
}

fn quote_row(
    cells: &mut impl Cells,
    article_id: &str,
    quote: &ScoredQuote,
    topic_names: &[String],
    joined: &mut String,
) -> Result<()> {
    cells.text(article_id)?;
    cells.text(&quote.quote_id)?;
    cells.text(quote.kind.as_str())?;
    cells.count(quote.start as u64)?;
    cells.count(quote.end as u64)?;
    cells.text(quote.speaker.as_deref().unwrap_or(""))?;
    cells.text(&quote.speaker_mention)?;
    cells.text(&quote.cue)?;
    cells.text(quote.framing.map_or("", |f| f.as_str()))?;
    joined.clear();
    for (i, &topic) in quote.topics.iter().enumerate() {
        if i > 0 {
            joined.push(';');
        }
        // `check_topics` has made sure that every topic has a name.
        let name = topic_names
            .get(usize::from(topic))
            .map_or("", String::as_str);
        joined.push_str(name);
    }
    cells.text(joined)?;
    cells.text(quote.topic_source.as_str())?;
    cells.text(&quote.text)?;
    scores(cells, &quote.scores)?;
    cells.text(&quote.evidence)?;
    cells.text(quote.speaker_type.map_or("", |t| t.as_str()))?;
    cells.score(f64::from(quote.framing_tone))?;
    cells.text(quote.speaker_key.as_deref().unwrap_or(""))?;
    cells.end_row()
}

fn article_row(cells: &mut impl Cells, article: &AnalysedArticle) -> Result<()> {
    cells.text(&article.id)?;
    cells.text(&article.title)?;
    cells.text(&article.source)?;
    cells.text(&article.date)?;
    cells.count(article.quotes.len() as u64)?;
    cells.count(article.speakers as u64)?;
    match &article.status {
        ArticleStatus::Ok => {
            cells.text("ok")?;
            cells.text("")?;
        }
        ArticleStatus::NotEnglish => {
            cells.text("ok")?;
            cells.text("not English: scores left empty")?;
        }
        ArticleStatus::Skipped { reason } => {
            cells.text("skipped")?;
            cells.text(reason)?;
        }
    }
    cells.text(article.language.map_or("", |l| l.code()))?;
    cells.end_row()
}

/// The rows of `items`, each written by `row`, as bytes for the table's file cells to append. After
/// an error the cells are emptied, so that they can go on with other rows.
fn render_rows<T>(
    cells: &mut RowCells,
    items: &[T],
    row: impl Fn(&mut RowCells, &T) -> Result<()>,
) -> Result<Vec<u8>> {
    for item in items {
        if let Err(error) = row(cells, item) {
            cells.discard_rows();
            return Err(error);
        }
    }
    let mut rows = Vec::with_capacity(cells.pending_bytes());
    cells.take_rows(&mut rows);
    Ok(rows)
}

fn speaker_row(cells: &mut impl Cells, summary: &SpeakerSummary<'_>) -> Result<()> {
    cells.text(summary.name)?;
    cells.count(summary.articles)?;
    cells.count(summary.quotes)?;
    cells.count(summary.words)?;
    means(cells, &summary.stats)?;
    cells.text(summary.key)?;
    cells.text(summary.speaker_type.map_or("", |t| t.as_str()))?;
    intervals(cells, &summary.stats)?;
    cells.text(summary.role.unwrap_or(""))?;
    cells.end_row()
}

fn speaker_topic_row(cells: &mut impl Cells, summary: &SpeakerTopicSummary<'_>) -> Result<()> {
    cells.text(summary.name)?;
    cells.text(summary.topic)?;
    cells.count(summary.quotes)?;
    means(cells, &summary.stats)?;
    cells.text(summary.key)?;
    intervals(cells, &summary.stats)?;
    cells.score(summary.stance_mean)?;
    cells.end_row()
}

/// One row per topic that the quote's own words name; `check_topics` has made sure each has a name.
fn quote_topic_rows(
    cells: &mut impl Cells,
    quote: &ScoredQuote,
    topic_names: &[String],
) -> Result<()> {
    for stance in &quote.topic_stances {
        cells.text(&quote.quote_id)?;
        let name = topic_names
            .get(usize::from(stance.topic))
            .map_or("", String::as_str);
        cells.text(name)?;
        cells.score(f64::from(stance.stance))?;
        cells.score(f64::from(stance.sentiment))?;
        cells.text(&stance.evidence)?;
        cells.end_row()?;
    }
    Ok(())
}

fn target_rows(
    cells: &mut impl Cells,
    id: &str,
    targets: &[TargetScore],
    joined: &mut String,
) -> Result<()> {
    for target in targets {
        cells.text(id)?;
        cells.count(target.index as u64)?;
        match target.span {
            Some((from, to)) => {
                cells.count(from as u64)?;
                cells.count(to as u64)?;
            }
            None => {
                cells.text("")?;
                cells.text("")?;
            }
        }
        cells.text(&target.mention)?;
        match &target.toward {
            Some(toward) => {
                cells.score(f64::from(toward.sentiment))?;
                cells.score(f64::from(toward.stance))?;
                joined.clear();
                let sentiment = toward.sentiment_evidence.iter().map(|e| ("", e));
                let stance = toward.stance_evidence.iter().map(|e| ("stance ", e));
                for (i, (prefix, evidence)) in sentiment.chain(stance).enumerate() {
                    if i > 0 {
                        joined.push(';');
                    }
                    // Writing into a String cannot fail.
                    let _ = write!(joined, "{prefix}{evidence}");
                }
                cells.text(joined)?;
            }
            None => {
                // Blank, not zero: a target that is not in the text has no tone toward it.
                cells.score(f64::NAN)?;
                cells.score(f64::NAN)?;
                cells.text("not found in the text")?;
            }
        }
        cells.end_row()?;
    }
    Ok(())
}

fn rate_row(cells: &mut impl Cells, id: &str, values: &Scores, evidence: &str) -> Result<()> {
    cells.text(id)?;
    scores(cells, values)?;
    cells.text(evidence)?;
    cells.end_row()
}

/// The evidence column of `tenor rate` into `out` (cleared first): each [`Evidence`] as its Display
/// writes it (`label:value`, two decimals), `;`-separated.
pub fn join_evidence(evidence: &[Evidence], out: &mut String) {
    let mut joined = std::mem::take(out).into_bytes();
    joined.clear();
    push_evidence(evidence, &mut joined);
    // Labels are text and values ASCII, so the joined bytes are text too.
    *out = String::from_utf8(joined)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
}

/// Appends the evidence column of `tenor rate`, as [`join_evidence`] joins it.
fn push_evidence(evidence: &[Evidence], out: &mut Vec<u8>) {
    for (i, evidence) in evidence.iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        // As Display writes it, without the formatting machinery.
        out.extend_from_slice(evidence.label.as_bytes());
        push_evidence_value(evidence.value, out);
    }
}

fn scores(cells: &mut impl Cells, scores: &Scores) -> Result<()> {
    cells.scores(scores)
}

fn means(cells: &mut impl Cells, stats: &ScoreStats) -> Result<()> {
    cells.score_run(&stats.mean)
}

/// The low and high end of each score's interval; both blank (empty in CSV, null in JSON) when there
/// is none, as the non-finite score that every format writes as blank. A row without intervals (one
/// quote, or intervals off) is a run of blanks.
fn intervals(cells: &mut impl Cells, stats: &ScoreStats) -> Result<()> {
    let mut ends = [f64::NAN; 2 * SCORE_COUNT];
    let mut any = false;
    for (pair, interval) in ends.chunks_exact_mut(2).zip(&stats.interval) {
        if let Some(interval) = interval {
            pair.copy_from_slice(&[interval.low, interval.high]);
            any = true;
        }
    }
    if any {
        cells.score_run(&ends)
    } else {
        cells.blanks(ends.len())
    }
}

/// One delimited or JSON Lines table file being written: its rows go to a temporary file that is
/// removed unless renamed into place.
struct TableFile {
    temp: PathBuf,
    format: TableFormat,
    cells: FileCells,
    renamed: bool,
}

impl TableFile {
    /// Starts `table` at `path` (a temporary file until renamed), header row included. `format` must
    /// not be xlsx, which is one workbook rather than a file per table.
    fn create(path: PathBuf, table: Table, format: TableFormat) -> Result<TableFile> {
        TableFile::with_columns(path, &table.columns(), format)
    }

    /// Cells that render rows of `table` (this file's) for this file's cells to append.
    fn row_cells(&self, table: Table) -> Result<RowCells> {
        RowCells::new(self.cells.error_path(), &table.columns(), self.format).ok_or_else(|| {
            Error::Output {
                path: self.cells.error_path(),
                message: "an xlsx table is a sheet of a workbook, not a file".to_string(),
            }
        })
    }

    /// [`TableFile::create`] for a table whose columns are known only at run time.
    fn with_columns(path: PathBuf, columns: &[String], format: TableFormat) -> Result<TableFile> {
        let temp = temp_path(&path);
        let file = File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        let cells = match format {
            TableFormat::Delimited(d) => {
                FileCells::Delimited(Box::new(DelimitedCells::new(file, path, d, columns)?))
            }
            TableFormat::Jsonl => FileCells::Jsonl(JsonCells::new(file, path, columns)),
            TableFormat::Xlsx => {
                // Best effort: the file was just made and holds nothing.
                let _ = fs::remove_file(&temp);
                return Err(Error::Output {
                    path,
                    message: "an xlsx table is a sheet of a workbook, not a file".to_string(),
                });
            }
        };
        Ok(TableFile {
            temp,
            format,
            cells,
            renamed: false,
        })
    }

    /// Writes out the buffer and waits for the data to reach the disk, so that a rename never puts an
    /// empty or short file in place of a good one after a crash.
    fn flush(&mut self) -> Result<()> {
        let (file, path) = match &mut self.cells {
            FileCells::Delimited(cells) => {
                cells.flush()?;
                (cells.get_ref(), cells.error_path())
            }
            FileCells::Jsonl(cells) => {
                cells.flush()?;
                (cells.get_ref(), cells.error_path())
            }
        };
        file.sync_all().map_err(|e| Error::io(path, e))
    }

    fn rename_into_place(mut self) -> Result<()> {
        let path = self.cells.error_path();
        fs::rename(&self.temp, &path).map_err(|e| {
            self.cells.error(format!(
                "cannot move {} into place: {e}",
                self.temp.display()
            ))
        })?;
        self.renamed = true;
        Ok(())
    }
}

impl FileCells {
    fn append_rows(&mut self, rows: &[u8]) -> Result<()> {
        match self {
            FileCells::Delimited(cells) => cells.append_rows(rows),
            FileCells::Jsonl(cells) => cells.append_rows(rows),
        }
    }
}

impl Drop for TableFile {
    fn drop(&mut self) {
        if !self.renamed {
            // Best effort: the run is already failing, and a leftover hidden file harms nothing.
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// `dir/.name.tmp-PID` for `dir/name`: hidden, and distinct per process so that two runs into one
/// directory do not write the same temporary file.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Whether a spreadsheet would take a text cell starting this way for a formula (or, for a tab or
/// carriage return, strip them and then take it for one).
pub fn looks_like_formula(text: &str) -> bool {
    text.as_bytes().first().is_some_and(|&b| formula_start(b))
}

/// Whether a text cell starting with this byte [`looks_like_formula`].
fn formula_start(first: u8) -> bool {
    matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_row_joins_evidence_as_label_colon_value() {
        let scored = Scored {
            scores: Scores::default(),
            evidence: vec![
                Evidence {
                    label: "low point".to_owned(),
                    value: -2.125,
                },
                Evidence {
                    label: "assertiveness:firm".to_owned(),
                    value: 0.5,
                },
            ],
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        let mut writer = RateWriter::create(&path).unwrap();
        writer.write("s1", &scored).unwrap();
        writer.finish().unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        let row = written.lines().nth(1).unwrap();
        let expected = scored
            .evidence
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>();
        assert!(row.ends_with(&format!(",{}", expected.join(";"))), "{row}");
        assert!(
            row.ends_with(",low point:-2.12;assertiveness:firm:0.50"),
            "{row}"
        );
    }

    #[test]
    fn score_columns_follow_scores_names() {
        assert_eq!(QUOTE_COLUMNS[12..21], Scores::NAMES);
        assert_eq!(RATE_COLUMNS[1..10], Scores::NAMES);
    }

    #[test]
    fn temporary_files_are_hidden_beside_the_table() {
        let temp = temp_path(Path::new("out/quotes.csv"));
        assert_eq!(temp.parent(), Some(Path::new("out")));
        let name = temp.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(name, format!(".quotes.csv.tmp-{}", std::process::id()));
    }

    #[test]
    fn formula_starts_are_the_six_spreadsheets_act_on() {
        for text in ["=1+1", "+1", "-1", "@SUM(1)", "\tx", "\rx"] {
            assert!(looks_like_formula(text), "{text:?}");
        }
        for text in ["", "1+1", " =1", "'=1", "Ana", "\u{2212}1"] {
            assert!(!looks_like_formula(text), "{text:?}");
        }
    }

    #[test]
    fn spreadsheet_options_belong_to_delimited_formats() {
        let format = TableFormat::csv()
            .excel()
            .and_then(|f| f.delimiter(';'))
            .and_then(|f| f.decimal_comma())
            .unwrap();
        let TableFormat::Delimited(d) = format else {
            panic!("{format:?}");
        };
        assert_eq!(
            (
                d.delimiter(),
                d.is_excel(),
                d.has_decimal_comma(),
                d.has_header()
            ),
            (b';', true, true, true)
        );
        assert!(matches!(
            TableFormat::Xlsx.excel(),
            Err(Error::Usage(m)) if m.contains("xlsx")
        ));
        assert!(TableFormat::Jsonl.no_header().is_err());
        // A decimal comma in a comma-separated file would need every score quoted.
        assert!(TableFormat::csv().decimal_comma().is_err());
        let semicolons = TableFormat::csv().delimiter(';').unwrap();
        assert!(semicolons.decimal_comma().unwrap().delimiter(',').is_err());
        assert!(TableFormat::csv().delimiter('"').is_err());
        assert!(TableFormat::csv().delimiter('→').is_err());
        assert_eq!(TableFormat::tsv().extension(), "tsv");
        assert_eq!(
            TableFormat::for_path(Path::new("r/ratings.XLSX")),
            TableFormat::Xlsx
        );
        assert_eq!(
            TableFormat::for_path(Path::new("ratings.ndjson")),
            TableFormat::Jsonl
        );
        assert_eq!(
            TableFormat::for_path(Path::new("ratings")),
            TableFormat::csv()
        );
    }
}
