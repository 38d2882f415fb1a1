//! Writing results as CSV tables: quotes.csv, articles.csv, speakers.csv, speaker_topics.csv and
//! quote_topics.csv (see [`QUOTE_TOPIC_COLUMNS`]) in an output directory ([`OutputDir`]), and the one table of
//! `tenor rate` ([`RateWriter`]).
//!
//! Every table is written to a hidden temporary file beside its final name and renamed into place only
//! when the run finishes, so a failed or interrupted run never leaves a half-written table and the
//! previous outputs stay intact until then. quotes.csv and articles.csv are streamed as articles
//! arrive; the speaker tables are written from [`Aggregates`] at the end. Columns are a contract: new
//! columns may be appended, never inserted before existing ones.
//!
//! This module only renders: analysis is left to [`crate::pipeline`], summaries to
//! [`crate::aggregate`].
//!
//! ```no_run
//! use tenor::aggregate::Aggregates;
//! use tenor::output::OutputDir;
//!
//! # fn run(articles: Vec<tenor::pipeline::AnalysedArticle>, topics: Vec<String>) -> tenor::Result<()> {
//! let mut out = OutputDir::create("results")?;
//! let mut aggregates = Aggregates::new();
//! for article in &articles {
//!     out.write_article(article, &topics)?;
//!     aggregates.add_article(article);
//! }
//! out.finish(&aggregates, &topics)?;
//! # Ok(())
//! # }
//! ```

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::aggregate::{Aggregates, ScoreStats};
use crate::error::{Error, Result};
use crate::pipeline::{AnalysedArticle, ArticleStatus, ScoredQuote};
use crate::scoring::{Scored, Scores};

mod stance;
pub use stance::{QUOTE_TOPIC_COLUMNS, QUOTE_TOPICS_TABLE, TARGET_COLUMNS, TargetWriter};

pub const QUOTES_TABLE: &str = "quotes.csv";
pub const ARTICLES_TABLE: &str = "articles.csv";
pub const SPEAKERS_TABLE: &str = "speakers.csv";
pub const SPEAKER_TOPICS_TABLE: &str = "speaker_topics.csv";

/// Columns of quotes.csv.
pub const QUOTE_COLUMNS: [&str; 24] = [
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
];

/// Columns of articles.csv.
pub const ARTICLE_COLUMNS: [&str; 8] = [
    "article_id",
    "title",
    "source",
    "date",
    "quotes",
    "speakers",
    "status",
    "reason",
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

/// Columns of speakers.csv: `speaker, articles, quotes, words`, a `<score>_mean` per score, then
/// `speaker_key, speaker_type`.
pub fn speaker_columns() -> Vec<String> {
    let mut columns: Vec<String> = ["speaker", "articles", "quotes", "words"]
        .map(String::from)
        .into();
    columns.extend(Scores::NAMES.map(|name| format!("{name}_mean")));
    columns.extend(["speaker_key", "speaker_type"].map(String::from));
    columns
}

/// Columns of speaker_topics.csv: `speaker, topic, quotes`, a `<score>_mean` per score, then
/// `speaker_key, stance_mean`.
pub fn speaker_topic_columns() -> Vec<String> {
    let mut columns: Vec<String> = ["speaker", "topic", "quotes"].map(String::from).into();
    columns.extend(Scores::NAMES.map(|name| format!("{name}_mean")));
    columns.push("speaker_key".to_string());
    columns.push("stance_mean".to_string());
    columns
}

/// Rows are buffered this much before they reach the file.
const BUFFER_BYTES: usize = 1 << 20;

/// The output directory of `tenor score`. See the module documentation.
pub struct OutputDir {
    dir: PathBuf,
    quotes: Table,
    articles: Table,
    quote_topics: stance::QuoteTopics,
}

impl OutputDir {
    /// Creates `dir` if it is missing and starts quotes.csv and articles.csv.
    pub fn create(dir: impl AsRef<Path>) -> Result<OutputDir> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut quotes = Table::create(dir.join(QUOTES_TABLE))?;
        quotes.rows.header(QUOTE_COLUMNS)?;
        let mut articles = Table::create(dir.join(ARTICLES_TABLE))?;
        articles.rows.header(ARTICLE_COLUMNS)?;
        let quote_topics = stance::QuoteTopics::create(&dir)?;
        Ok(OutputDir {
            dir,
            quotes,
            articles,
            quote_topics,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the article's row of articles.csv and its quotes' rows of quotes.csv. `topic_names[id]`
    /// names topic `id`.
    ///
    /// # Errors
    /// [`Error::Io`] naming the table when writing fails; [`Error::Output`] when a topic id has no name.
    pub fn write_article(
        &mut self,
        article: &AnalysedArticle,
        topic_names: &[String],
    ) -> Result<()> {
        // Checked before the first field so that an error never leaves part of an article behind.
        for quote in &article.quotes {
            if let Some(topic) = quote
                .topics
                .iter()
                .find(|&&t| usize::from(t) >= topic_names.len())
            {
                return Err(self.quotes.rows.error(format!(
                    "quote {}: topic id {topic} has no name: only {} topic names were given",
                    quote.quote_id,
                    topic_names.len()
                )));
            }
        }
        self.quote_topics.write_article(article, topic_names)?;
        for quote in &article.quotes {
            self.quotes.rows.quote(&article.id, quote, topic_names)?;
        }
        self.articles.rows.article(article)
    }

    /// Writes speakers.csv and speaker_topics.csv from `aggregates`, then moves all four tables into
    /// place. On error nothing is moved, unless the error is in moving itself (which, within one
    /// directory, fails only when the directory changed under the run).
    pub fn finish(self, aggregates: &Aggregates, topic_names: &[String]) -> Result<()> {
        let OutputDir {
            dir,
            quotes,
            articles,
            quote_topics,
        } = self;

        let mut speakers = Table::create(dir.join(SPEAKERS_TABLE))?;
        speakers.rows.header(speaker_columns())?;
        for summary in aggregates.speakers() {
            let rows = &mut speakers.rows;
            rows.text(summary.name)?;
            rows.count(summary.articles)?;
            rows.count(summary.quotes)?;
            rows.count(summary.words)?;
            rows.means(&summary.stats)?;
            rows.text(summary.key)?;
            rows.text(summary.speaker_type.map_or("", |t| t.as_str()))?;
            rows.end_row()?;
        }

        let mut speaker_topics = Table::create(dir.join(SPEAKER_TOPICS_TABLE))?;
        speaker_topics.rows.header(speaker_topic_columns())?;
        let summaries = aggregates
            .speaker_topics(topic_names)
            .map_err(|e| speaker_topics.rows.error(e.to_string()))?;
        for summary in summaries {
            let rows = &mut speaker_topics.rows;
            rows.text(summary.name)?;
            rows.text(summary.topic)?;
            rows.count(summary.quotes)?;
            rows.means(&summary.stats)?;
            rows.text(summary.key)?;
            rows.score(summary.stance_mean)?;
            rows.end_row()?;
        }

        let quote_topics = quote_topics.into_table();
        let mut tables = [quotes, articles, speakers, speaker_topics, quote_topics];
        // Every table is complete on disk before the first one replaces an earlier run's.
        for table in &mut tables {
            table.flush()?;
        }
        for table in tables {
            table.rename_into_place()?;
        }
        Ok(())
    }
}

/// The table of `tenor rate`: one row per rated text, written atomically to the given path.
pub struct RateWriter {
    table: Table,
}

impl RateWriter {
    /// Starts the table. The file appears at `path` only on [`RateWriter::finish`].
    pub fn create(path: impl AsRef<Path>) -> Result<RateWriter> {
        let mut table = Table::create(path.as_ref().to_path_buf())?;
        table.rows.header(RATE_COLUMNS)?;
        Ok(RateWriter { table })
    }

    pub fn write(&mut self, id: &str, scored: &Scored) -> Result<()> {
        let rows = &mut self.table.rows;
        rows.text(id)?;
        rows.scores(&scored.scores)?;
        rows.scratch.clear();
        for (i, evidence) in scored.evidence.iter().enumerate() {
            if i > 0 {
                rows.scratch.push(';');
            }
            // Writing into a String cannot fail.
            let _ = write!(rows.scratch, "{evidence}");
        }
        rows.scratch_field()?;
        rows.end_row()
    }

    /// Moves the table into place.
    pub fn finish(mut self) -> Result<()> {
        self.table.flush()?;
        self.table.rename_into_place()
    }
}

/// One table being written: its rows go to a temporary file that is removed unless renamed into place.
struct Table {
    temp: PathBuf,
    rows: Rows<File>,
    renamed: bool,
}

impl Table {
    fn create(path: PathBuf) -> Result<Table> {
        let temp = temp_path(&path);
        let file = File::create(&temp).map_err(|e| Error::io(&temp, e))?;
        Ok(Table {
            temp,
            rows: Rows::new(file, path),
            renamed: false,
        })
    }

    /// Writes out the buffer and waits for the data to reach the disk, so that a rename never puts an
    /// empty or short file in place of a good one after a crash.
    fn flush(&mut self) -> Result<()> {
        self.rows.flush()?;
        self.rows
            .csv
            .get_ref()
            .sync_all()
            .map_err(|e| Error::io(&self.rows.path, e))
    }

    fn rename_into_place(mut self) -> Result<()> {
        fs::rename(&self.temp, &self.rows.path).map_err(|e| {
            self.rows.error(format!(
                "cannot move {} into place: {e}",
                self.temp.display()
            ))
        })?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for Table {
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

/// Renders rows of one table, field by field, through reused buffers: no allocation per row. Errors
/// name the table's final path.
struct Rows<W: Write> {
    csv: csv::Writer<W>,
    path: PathBuf,
    scratch: String,
}

impl<W: Write> Rows<W> {
    fn new(writer: W, path: PathBuf) -> Self {
        let csv = csv::WriterBuilder::new()
            .buffer_capacity(BUFFER_BYTES)
            .from_writer(writer);
        Rows {
            csv,
            path,
            scratch: String::with_capacity(256),
        }
    }

    fn header<I>(&mut self, columns: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let result = self.csv.write_record(columns);
        result.map_err(|e| self.csv_error(e))
    }

    fn quote(
        &mut self,
        article_id: &str,
        quote: &ScoredQuote,
        topic_names: &[String],
    ) -> Result<()> {
        self.text(article_id)?;
        self.text(&quote.quote_id)?;
        self.text(quote.kind.as_str())?;
        self.count(quote.start as u64)?;
        self.count(quote.end as u64)?;
        self.text(quote.speaker.as_deref().unwrap_or(""))?;
        self.text(&quote.speaker_mention)?;
        self.text(&quote.cue)?;
        self.text(quote.framing.map_or("", |f| f.as_str()))?;
        self.scratch.clear();
        for (i, &topic) in quote.topics.iter().enumerate() {
            if i > 0 {
                self.scratch.push(';');
            }
            // `write_article` has checked that every topic has a name.
            let name = topic_names
                .get(usize::from(topic))
                .map_or("", String::as_str);
            self.scratch.push_str(name);
        }
        self.scratch_field()?;
        self.text(quote.topic_source.as_str())?;
        self.text(&quote.text)?;
        self.scores(&quote.scores)?;
        self.text(&quote.evidence)?;
        self.text(quote.speaker_type.map_or("", |t| t.as_str()))?;
        self.score(f64::from(quote.framing_tone))?;
        self.end_row()
    }

    fn article(&mut self, article: &AnalysedArticle) -> Result<()> {
        self.text(&article.id)?;
        self.text(&article.title)?;
        self.text(&article.source)?;
        self.text(&article.date)?;
        self.count(article.quotes.len() as u64)?;
        self.count(article.speakers as u64)?;
        match &article.status {
            ArticleStatus::Ok => {
                self.text("ok")?;
                self.text("")?;
            }
            ArticleStatus::Skipped { reason } => {
                self.text("skipped")?;
                self.text(reason)?;
            }
        }
        self.end_row()
    }

    fn scores(&mut self, scores: &Scores) -> Result<()> {
        for value in scores.values() {
            self.score(f64::from(value))?;
        }
        Ok(())
    }

    fn means(&mut self, stats: &ScoreStats) -> Result<()> {
        for mean in stats.mean {
            self.score(mean)?;
        }
        Ok(())
    }

    fn text(&mut self, field: &str) -> Result<()> {
        let result = self.csv.write_field(field);
        result.map_err(|e| self.csv_error(e))
    }

    fn count(&mut self, n: u64) -> Result<()> {
        self.scratch.clear();
        let _ = write!(self.scratch, "{n}");
        self.scratch_field()
    }

    fn score(&mut self, value: f64) -> Result<()> {
        format_score(value, &mut self.scratch);
        self.scratch_field()
    }

    fn scratch_field(&mut self) -> Result<()> {
        let result = self.csv.write_field(&self.scratch);
        result.map_err(|e| self.csv_error(e))
    }

    fn end_row(&mut self) -> Result<()> {
        let result = self.csv.write_record(None::<&[u8]>);
        result.map_err(|e| self.csv_error(e))
    }

    fn flush(&mut self) -> Result<()> {
        self.csv.flush().map_err(|e| Error::io(&self.path, e))
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

    fn error(&self, message: String) -> Error {
        Error::Output {
            path: self.path.clone(),
            message,
        }
    }
}

/// `value` with exactly four decimals into `out` (cleared first), as `format!("{value:.4}")` would
/// print it, except that a value that rounds to zero prints as `0.0000` whatever its sign: a `-0.0000`
/// in a table means nothing.
fn format_score(value: f64, out: &mut String) {
    out.clear();
    let scaled = value * 10_000.0;
    let units = scaled.round();
    // Exact decimal formatting is slow (a tenth of the time spent writing quotes.csv). Scaling and
    // rounding gives the same digits unless the value lies within rounding error of a tie, which is
    // left to the exact path.
    if scaled.abs() < 1e15 && (scaled - units).abs() < 0.499_99 {
        let units = units as i64;
        if units < 0 {
            out.push('-');
        }
        let units = units.unsigned_abs();
        let _ = write!(out, "{}.{:04}", units / 10_000, units % 10_000);
        return;
    }
    let _ = write!(out, "{value:.4}");
    if out == "-0.0000" {
        out.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn a_full_disk_is_an_error_naming_the_table() {
        let mut rows = Rows::new(FullDisk, PathBuf::from("out/quotes.csv"));
        rows.header(QUOTE_COLUMNS).unwrap();
        let err = rows.flush().unwrap_err();
        assert!(matches!(&err, Error::Io { path, .. } if path.ends_with("quotes.csv")));
        let shown = err.to_string();
        assert!(shown.starts_with("out/quotes.csv: "), "{shown}");
    }

    #[test]
    fn scores_have_four_decimals_and_no_negative_zero() {
        let mut out = String::new();
        for (value, shown) in [
            (0.123_456, "0.1235"),
            (-0.5, "-0.5000"),
            (1.0, "1.0000"),
            (-0.000_04, "0.0000"),
            (-0.0, "0.0000"),
            (-0.000_05, "-0.0001"),
        ] {
            format_score(value, &mut out);
            assert_eq!(out, shown, "{value}");
        }
    }

    #[test]
    fn scores_print_as_exact_decimal_formatting_does() {
        let mut out = String::new();
        // A simple deterministic walk over many magnitudes, ties and near-ties.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let value = match i % 4 {
                0 => (x % 20_001) as f64 / 10_000.0 - 1.0,
                1 => (x % 200_001) as f64 / 100_000.0 - 1.0 + 0.000_05,
                2 => f64::from(f32::from_bits((x >> 32) as u32 & 0x3FFF_FFFF)),
                _ => (x as f64 / u64::MAX as f64) * 2.0 - 1.0,
            };
            if !value.is_finite() {
                continue;
            }
            format_score(value, &mut out);
            let mut exact = format!("{value:.4}");
            if exact == "-0.0000" {
                exact.remove(0);
            }
            assert_eq!(out, exact, "{value:e}");
        }
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
}
