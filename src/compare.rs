//! Comparing speakers' tone with honest statistics: reads the quote table that `tenor score` writes
//! (quotes.csv, .tsv or .jsonl: [`QuoteTable`]), finds the speakers a user names, and for each score (and topic) and each pair of speakers reports the
//! difference in means with a bootstrap interval, two effect sizes, a permutation p-value (Holm-adjusted
//! across the pairs when more than two speakers are compared) and a verdict in words.
//! [`compare_grouped`] does the same within each group of articles ([`ArticleGroups`]: by source,
//! date period or any record field). [`similarity`] measures how alike two speakers' tone profiles
//! are across the topics they share.
//!
//! The comparison and similarity tables are written in any [`TableFormat`] through
//! [`crate::output`]'s [`TableWriter`], with a README sheet in xlsx from [`Comparison::column_docs`].
//!
//! The statistics are in [`crate::stats`]; scoring quotes and writing the quote table are the
//! pipeline's and [`crate::output`]'s; cutting dates to periods is [`crate::groups`]'. Results are deterministic for a
//! given seed: each comparison draws from its own random stream, derived from the seed and from what it
//! compares (score, topic, the two speakers, the group), so a number depends neither on thread
//! scheduling nor on which other speakers are in the run.
//!
//! ```
//! use tenor::compare::{compare, CompareOptions, QuoteTable, ScoreColumn, Verdict};
//!
//! let mut csv = String::from("article_id,quote_id,speaker,topics,sentiment,positive,negative,\
//!                             neutral,cooperation,warmth,threat,assertiveness,irony\n");
//! for (i, warmth) in [0.6, 0.5, 0.7, 0.55].iter().enumerate() {
//!     csv += &format!("a{i},a{i}:1,Ana Petrova,trade,0,0,0,1,0,{warmth},0,0,0\n");
//!     csv += &format!("a{i},a{i}:2,Ivan Horvat,trade,0,0,0,1,0,-{warmth},0,0,0\n");
//! }
//! let table = QuoteTable::from_reader(csv.as_bytes(), "quotes.csv".as_ref()).unwrap();
//! let options = CompareOptions { scores: vec![ScoreColumn::Warmth], ..CompareOptions::default() };
//! let comparison = compare(&table.rows, &["petrova", "Horvat"], None, &options).unwrap();
//! let row = &comparison.rows[0];
//! assert_eq!((row.speaker_a.as_str(), row.speaker_b.as_str()), ("Ana Petrova", "Ivan Horvat"));
//! assert_eq!(row.verdict, Verdict::Higher);
//! assert_eq!(row.verdict_text(), "Ana Petrova higher than Ivan Horvat (interval excludes 0)");
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::groups::{GroupField, Period, UNKNOWN};
use crate::output::{Cell, ColumnDoc, ColumnKind, TableFormat, TableStream, TableWriter, WORKBOOK};
use crate::scoring::Scores;
use crate::stats::{self, Bootstrap, Interval, Permutation};
use crate::text::fold_name;

mod read;

use read::{Layout, TextTable};

/// One of the nine scores of a quote, in the order of quotes.csv and [`Scores::NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScoreColumn {
    Sentiment,
    Positive,
    Negative,
    Neutral,
    Cooperation,
    Warmth,
    Threat,
    Assertiveness,
    Irony,
}

impl ScoreColumn {
    pub const ALL: [ScoreColumn; 9] = [
        ScoreColumn::Sentiment,
        ScoreColumn::Positive,
        ScoreColumn::Negative,
        ScoreColumn::Neutral,
        ScoreColumn::Cooperation,
        ScoreColumn::Warmth,
        ScoreColumn::Threat,
        ScoreColumn::Assertiveness,
        ScoreColumn::Irony,
    ];

    /// The scores that place a quote on a tone scale. The positive, negative and neutral shares restate
    /// sentiment and are never negative, so in a profile they would make every two speakers look alike.
    pub const PROFILE: [ScoreColumn; 6] = [
        ScoreColumn::Sentiment,
        ScoreColumn::Cooperation,
        ScoreColumn::Warmth,
        ScoreColumn::Threat,
        ScoreColumn::Assertiveness,
        ScoreColumn::Irony,
    ];

    /// The column name in quotes.csv.
    pub fn as_str(self) -> &'static str {
        Scores::NAMES[self as usize]
    }

    /// The score named `name` (any case), as a user would type it.
    pub fn parse(name: &str) -> Option<ScoreColumn> {
        let name = name.trim();
        ScoreColumn::ALL
            .into_iter()
            .find(|score| score.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for ScoreColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Columns of quotes.csv that [`QuoteTable`] reads or knowingly ignores; any other column is kept as an
/// extra (source, date, speaker_type ...).
const KNOWN_COLUMNS: [&str; 13] = [
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
    "evidence",
];

/// One quote of quotes.csv, reduced to what comparisons need.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteRow {
    pub article_id: String,
    pub quote_id: String,
    /// The speaker as written in the table; empty when the quote has none.
    pub speaker: String,
    speaker_key: String,
    pub topics: Vec<String>,
    /// In [`ScoreColumn::ALL`] order; `None` where the cell was empty or not a finite number.
    pub scores: [Option<f64>; 9],
    /// Values of the table's extra columns, in the order of [`QuoteTable::extra_columns`].
    pub extra: Vec<String>,
}

impl QuoteRow {
    pub fn new(
        article_id: impl Into<String>,
        quote_id: impl Into<String>,
        speaker: impl Into<String>,
        topics: Vec<String>,
        scores: [Option<f64>; 9],
    ) -> QuoteRow {
        let speaker = speaker.into();
        QuoteRow {
            article_id: article_id.into(),
            quote_id: quote_id.into(),
            speaker_key: fold_name(&speaker),
            speaker,
            topics,
            scores,
            extra: Vec::new(),
        }
    }

    /// The case- and accent-folded speaker name ([`fold_name`]) that joins spellings of one speaker.
    pub fn speaker_key(&self) -> &str {
        &self.speaker_key
    }

    pub fn score(&self, score: ScoreColumn) -> Option<f64> {
        self.scores[score as usize]
    }

    fn has_topic(&self, topic: &str) -> bool {
        self.topics.iter().any(|t| t == topic)
    }
}

/// The quotes of a quotes.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct QuoteTable {
    pub path: PathBuf,
    /// Names of the columns beyond the ones a comparison reads, in table order.
    pub extra_columns: Vec<String>,
    pub rows: Vec<QuoteRow>,
}

impl QuoteTable {
    /// The table's file name in a `tenor score` output folder written as CSV (the default).
    pub const FILE_NAME: &'static str = "quotes.csv";

    /// The quote table's names in a `tenor score` output folder, one per text `--format`.
    pub const FILE_NAMES: [&'static str; 3] = ["quotes.csv", "quotes.tsv", "quotes.jsonl"];

    /// The quote table of the `tenor score` output folder `dir`: its quotes.csv, quotes.tsv or
    /// quotes.jsonl (the most recently written, should a folder hold more than one). `Ok(None)` when
    /// `dir` holds none of them and no workbook: it is not a score output.
    ///
    /// # Errors
    /// [`Error::Usage`] when the folder holds only tenor.xlsx, which this module does not read.
    pub fn find_in(dir: &Path) -> Result<Option<PathBuf>> {
        let newest = QuoteTable::FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .filter_map(|path| {
                let modified = path
                    .metadata()
                    .ok()
                    .filter(|m| m.is_file())?
                    .modified()
                    .ok();
                Some((modified, path))
            })
            // `max_by_key` keeps the last of equals: reversed, the first name wins a tie.
            .rev()
            .max_by_key(|(modified, _)| *modified)
            .map(|(_, path)| path);
        if newest.is_none() && dir.join(WORKBOOK).is_file() {
            return Err(Error::Usage(format!(
                "{}: compare reads quotes.csv, quotes.tsv or quotes.jsonl, and this folder holds \
                 only {WORKBOOK}; score again with --format csv, tsv or jsonl (the workbook can be \
                 written beside them into another folder), or compare from the inputs \
                 (`tenor compare INPUT... --speaker A --speaker B`)",
                dir.display()
            )));
        }
        Ok(newest)
    }

    /// Reads `path`: a `tenor score` output folder (its quote table, see [`QuoteTable::find_in`]) or
    /// a quote table itself, in the format its name says (`.jsonl`, else CSV or TSV).
    pub fn from_path(path: &Path) -> Result<QuoteTable> {
        let path = if path.is_dir() {
            QuoteTable::find_in(path)?.ok_or_else(|| Error::Input {
                path: path.to_path_buf(),
                message: format!(
                    "no {}: not a `tenor score` output folder",
                    QuoteTable::FILE_NAMES.join(", ")
                ),
            })?
        } else {
            path.to_path_buf()
        };
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        QuoteTable::from_reader(io::BufReader::new(file), &path)
    }

    /// Reads a quote table from `reader`; `path` names it in errors and says its format: JSON Lines
    /// for `.jsonl` or `.ndjson`, else CSV or TSV with the delimiter found from the header row
    /// (`,`, `;`, tab or `|`; scores may then have a decimal comma). The columns `speaker`, `topics`
    /// (`;`-separated) and the nine scores are required, in any order. An empty score cell is a
    /// missing score; any other cell that is not a number is an error naming its line. Text that the
    /// formula guard of tenor's CSV prefixed with `'` is read without it.
    pub fn from_reader<R: io::BufRead>(reader: R, path: &Path) -> Result<QuoteTable> {
        let layout = Layout::of(path);
        let mut table = TextTable::new(reader, layout, path)?;
        if layout == Layout::Jsonl && table.header().is_empty() {
            // A run without quotes writes an empty quotes.jsonl: no rows, so no keys either.
            return Ok(QuoteTable {
                path: path.to_path_buf(),
                extra_columns: Vec::new(),
                rows: Vec::new(),
            });
        }
        let require = |name: &str| {
            table.column(name).ok_or_else(|| {
                table.error(format!(
                    "no `{name}` column: a quote table written by `tenor score` is expected"
                ))
            })
        };
        let speaker_column = require("speaker")?;
        let topics_column = require("topics")?;
        let mut score_columns = [0usize; 9];
        for (column, score) in score_columns.iter_mut().zip(ScoreColumn::ALL) {
            *column = require(score.as_str())?;
        }
        let (article_column, quote_column) = (table.column("article_id"), table.column("quote_id"));
        let header = table.header();
        let extra: Vec<usize> = (0..header.len())
            .filter(|&i| {
                let name = header[i].as_str();
                !KNOWN_COLUMNS.contains(&name) && ScoreColumn::parse(name).is_none()
            })
            .collect();
        let extra_columns: Vec<String> = extra.iter().map(|&i| header[i].clone()).collect();

        let mut rows = Vec::new();
        let path = table.path().to_path_buf();
        let input_error = |message: String| Error::Input {
            path: path.clone(),
            message,
        };
        while let Some(row) = table.next_row()? {
            let mut scores = [None; 9];
            for (value, (&column, score)) in scores
                .iter_mut()
                .zip(score_columns.iter().zip(ScoreColumn::ALL))
            {
                *value = row.number(column).map_err(|()| {
                    input_error(format!(
                        "line {}: {score} {:?} is not a number",
                        row.line,
                        row.text(column)
                    ))
                })?;
            }
            let topics = row
                .text(topics_column)
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect();
            let mut quote = QuoteRow::new(
                article_column.map_or("", |i| row.text(i)),
                quote_column.map_or("", |i| row.text(i)),
                row.text(speaker_column).trim(),
                topics,
                scores,
            );
            quote.extra = extra.iter().map(|&i| row.text(i).to_string()).collect();
            rows.push(quote);
        }
        Ok(QuoteTable {
            path,
            extra_columns,
            rows,
        })
    }

    /// The value of extra column `column` (source, date ...) in `row`, when the table has that column.
    pub fn extra<'r>(&self, row: &'r QuoteRow, column: &str) -> Option<&'r str> {
        let i = self.extra_columns.iter().position(|c| c == column)?;
        row.extra.get(i).map(String::as_str)
    }
}

/// The group each article falls in, for comparing speakers within groups ([`compare_grouped`]): its
/// source, its date cut to a [`Period`], or any field of its input record. An article with no value,
/// or not listed at all, is in the group [`UNKNOWN`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleGroups {
    /// What the groups are, as headers show it: `source`, `date by month`, `desk`.
    pub label: String,
    of_article: HashMap<String, String>,
}

impl ArticleGroups {
    /// Groups from `(article_id, group value)` pairs; a blank value is [`UNKNOWN`].
    pub fn new<I, A, V>(label: impl Into<String>, pairs: I) -> ArticleGroups
    where
        I: IntoIterator<Item = (A, V)>,
        A: Into<String>,
        V: AsRef<str>,
    {
        let of_article = pairs
            .into_iter()
            .map(|(article, value)| {
                let value = value.as_ref().trim();
                let value = if value.is_empty() { UNKNOWN } else { value };
                (article.into(), value.to_string())
            })
            .collect();
        ArticleGroups {
            label: label.into(),
            of_article,
        }
    }

    /// How headers name grouping by `field`: its name, and for dates the period.
    pub fn label_for(field: &GroupField, period: Period) -> String {
        match field {
            GroupField::Date => format!("date by {}", period.name()),
            other => other.name().to_string(),
        }
    }

    /// The groups of the articles of a `tenor score` output: from `table`'s own column named as
    /// `field` when it has one, else from the articles table beside it (articles.csv, .tsv or
    /// .jsonl as the quote table is), which holds each article's source and date. Dates are cut to `period`.
    ///
    /// # Errors
    /// [`Error::Usage`] when neither table has the field: tenor's tables keep an article's source and
    /// date but not the other fields of its record, so those need the inputs
    /// (`tenor compare INPUT... --by FIELD`). [`Error::Io`] or [`Error::Input`] when the articles table
    /// cannot be read.
    pub fn from_output(
        table: &QuoteTable,
        field: &GroupField,
        period: Period,
    ) -> Result<ArticleGroups> {
        let label = ArticleGroups::label_for(field, period);
        let value = |cell: &str| match field {
            GroupField::Date => period.of(cell),
            _ => cell.to_string(),
        };
        if table.extra_columns.iter().any(|c| c == field.name()) {
            let pairs: Vec<(String, String)> = table
                .rows
                .iter()
                .map(|row| {
                    let cell = table.extra(row, field.name()).unwrap_or("");
                    (row.article_id.clone(), value(cell))
                })
                .collect();
            return Ok(ArticleGroups::new(label, pairs));
        }
        // The articles table in the quote table's format: articles.tsv beside quotes.tsv.
        let extension = table
            .path
            .extension()
            .map_or_else(|| "csv".into(), |e| e.to_string_lossy());
        let path = table.path.with_file_name(format!("articles.{extension}"));
        let from_inputs = format!(
            "tenor's tables keep each article's source and date but not the other fields of its \
             input record: compare from the inputs instead (`tenor compare INPUT... --by {}`)",
            field.name()
        );
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Usage(format!(
                    "--by {}: {} has no `{}` column and there is no {} beside it; {}",
                    field.name(),
                    table.path.display(),
                    field.name(),
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    if matches!(field, GroupField::Field(_)) {
                        from_inputs.as_str()
                    } else {
                        "give the whole `tenor score` output folder"
                    }
                )));
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut articles = TextTable::new(io::BufReader::new(file), Layout::of(&path), &path)?;
        let article_column = articles
            .column("article_id")
            .ok_or_else(|| articles.error("no `article_id` column".to_string()))?;
        let Some(field_column) = articles.column(field.name()) else {
            return Err(Error::Usage(format!(
                "--by {}: neither {} nor {} has a `{}` column; {from_inputs}",
                field.name(),
                table.path.display(),
                path.display(),
                field.name(),
            )));
        };
        let mut pairs = Vec::new();
        while let Some(row) = articles.next_row()? {
            pairs.push((
                row.text(article_column).to_string(),
                value(row.text(field_column)),
            ));
        }
        Ok(ArticleGroups::new(label, pairs))
    }

    /// The group of the article `article_id`.
    pub fn group_of(&self, article_id: &str) -> &str {
        self.of_article
            .get(article_id)
            .map_or(UNKNOWN, String::as_str)
    }
}

/// A speaker found in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeakerMatch {
    /// The spelling the table uses most often.
    pub name: String,
    /// [`fold_name`] of the name: every row whose speaker folds to this is the speaker's.
    pub key: String,
    /// Number of rows with this speaker.
    pub quotes: usize,
}

/// The distinct speakers of a table, by folded name.
struct SpeakerIndex<'r> {
    speakers: BTreeMap<&'r str, Spellings<'r>>,
}

#[derive(Default)]
struct Spellings<'r> {
    counts: BTreeMap<&'r str, usize>,
    quotes: usize,
}

impl<'r> SpeakerIndex<'r> {
    fn new(rows: &'r [QuoteRow]) -> Self {
        let mut speakers: BTreeMap<&str, Spellings> = BTreeMap::new();
        for row in rows.iter().filter(|row| !row.speaker_key.is_empty()) {
            let entry = speakers.entry(&row.speaker_key).or_default();
            *entry.counts.entry(&row.speaker).or_default() += 1;
            entry.quotes += 1;
        }
        SpeakerIndex { speakers }
    }

    fn matched(&self, key: &str, spellings: &Spellings) -> SpeakerMatch {
        // Most used spelling; on a tie, the first in byte order, so that the choice is stable.
        let name = spellings
            .counts
            .iter()
            .max_by_key(|&(spelling, &count)| (count, Reverse(*spelling)))
            .map_or(key, |(spelling, _)| spelling);
        SpeakerMatch {
            name: name.to_string(),
            key: key.to_string(),
            quotes: spellings.quotes,
        }
    }

    /// The speaker `name` means: the one whose folded name equals it, else the one whose folded name
    /// ends with it as whole words (a surname), when only one does.
    fn find(&self, name: &str) -> Result<SpeakerMatch> {
        let query = fold_name(name.trim());
        if query.is_empty() {
            return Err(Error::Usage("an empty speaker name matches no one".into()));
        }
        if let Some(spellings) = self.speakers.get(query.as_str()) {
            return Ok(self.matched(&query, spellings));
        }
        let mut candidates: Vec<SpeakerMatch> = self
            .speakers
            .iter()
            .filter(|(key, _)| {
                key.strip_suffix(query.as_str())
                    .is_some_and(|rest| rest.ends_with(' '))
            })
            .map(|(key, spellings)| self.matched(key, spellings))
            .collect();
        match candidates.len() {
            0 => Err(Error::Usage(format!(
                "no speaker in the table is called {name:?} ({} speakers have quotes)",
                self.speakers.len()
            ))),
            1 => Ok(candidates.swap_remove(0)),
            _ => {
                candidates.sort_by(|a, b| b.quotes.cmp(&a.quotes).then(a.name.cmp(&b.name)));
                let listed: Vec<String> = candidates
                    .iter()
                    .map(|c| format!("{} ({} quotes)", c.name, c.quotes))
                    .collect();
                Err(Error::Usage(format!(
                    "{name:?} could be any of: {}; give more of the name",
                    listed.join(", ")
                )))
            }
        }
    }

    /// Each of `names` matched, refusing two names for one speaker.
    fn find_all<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<SpeakerMatch>> {
        if names.len() < 2 {
            return Err(Error::Usage(
                "a comparison needs at least two speakers".into(),
            ));
        }
        let mut found: Vec<SpeakerMatch> = Vec::with_capacity(names.len());
        for name in names {
            let speaker = self.find(name.as_ref())?;
            if let Some(same) = found.iter().find(|s| s.key == speaker.key) {
                return Err(Error::Usage(format!(
                    "{:?} and an earlier name both mean {}",
                    name.as_ref(),
                    same.name
                )));
            }
            found.push(speaker);
        }
        Ok(found)
    }
}

/// The speaker `name` means in `rows`, matched without regard to case or accents: the speaker whose name
/// is `name`, else the only one whose name ends with it (a surname). An unknown or ambiguous name is an
/// [`Error::Usage`] that lists the candidates.
///
/// ```
/// use tenor::compare::{find_speaker, QuoteRow};
///
/// let rows: Vec<QuoteRow> = ["Sergeï Lavrov", "Boris Johnson", "Mike Johnson"]
///     .into_iter()
///     .map(|name| QuoteRow::new("a1", "a1:1", name, vec![], [None; 9]))
///     .collect();
/// assert_eq!(find_speaker(&rows, "lavrov").unwrap().name, "Sergeï Lavrov");
/// assert_eq!(find_speaker(&rows, "SERGEI LAVROV").unwrap().key, "sergei lavrov");
/// let ambiguous = find_speaker(&rows, "Johnson").unwrap_err().to_string();
/// assert!(ambiguous.contains("Boris Johnson") && ambiguous.contains("Mike Johnson"));
/// ```
pub fn find_speaker(rows: &[QuoteRow], name: &str) -> Result<SpeakerMatch> {
    SpeakerIndex::new(rows).find(name)
}

/// Settings of [`compare`].
#[derive(Debug, Clone, PartialEq)]
pub struct CompareOptions {
    /// The scores to compare, in output order.
    pub scores: Vec<ScoreColumn>,
    /// Also compare within each topic that at least two of the speakers speak on (unless [`compare`] is
    /// given one topic).
    pub per_topic: bool,
    /// Bootstrap resamples for the interval of the difference.
    pub resamples: usize,
    /// Random relabellings for the permutation test.
    pub permutations: usize,
    /// Coverage of the interval; `1 - confidence` is also the p-value a verdict of difference needs.
    pub confidence: f64,
    pub seed: u64,
    /// Fewer quotes than this on either side gives the verdict "too few quotes" and no statistics.
    pub min_quotes: usize,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            scores: ScoreColumn::ALL.to_vec(),
            per_topic: false,
            resamples: Bootstrap::default().resamples,
            permutations: Permutation::default().permutations,
            confidence: Bootstrap::default().confidence,
            seed: 0,
            min_quotes: 2,
        }
    }
}

impl CompareOptions {
    fn validate(&self) -> Result<()> {
        let problem = if self.scores.is_empty() {
            "no score to compare"
        } else if self.resamples == 0 {
            "the number of bootstrap resamples must be at least 1"
        } else if self.permutations == 0 {
            "the number of permutations must be at least 1"
        } else if !(self.confidence > 0.0 && self.confidence < 1.0) {
            "the confidence level must lie strictly between 0 and 1"
        } else if self.min_quotes < 2 {
            "at least 2 quotes per speaker are needed to estimate a spread"
        } else {
            return Ok(());
        };
        Err(Error::Usage(problem.into()))
    }

    fn alpha(&self) -> f64 {
        1.0 - self.confidence
    }
}

/// Whether a row's p-value was adjusted for the number of pairs compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PAdjustment {
    /// Two speakers: one test per score and topic.
    Unadjusted,
    /// More than two speakers: Holm's adjustment across the pairs of each score and topic.
    Holm,
}

impl PAdjustment {
    pub fn as_str(self) -> &'static str {
        match self {
            PAdjustment::Unadjusted => "none",
            PAdjustment::Holm => "holm",
        }
    }
}

/// What a row says about speaker a against speaker b.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Fewer than [`CompareOptions::min_quotes`] quotes with this score on one side.
    TooFewQuotes,
    /// The interval of the difference includes 0.
    NoClearDifference,
    /// The interval excludes 0 but the p-value (adjusted, when it is) does not pass `1 - confidence`:
    /// a borderline result, not reported as a difference.
    Borderline,
    /// Speaker a scores lower than speaker b: the interval lies below 0 and the p-value passes.
    Lower,
    /// Speaker a scores higher than speaker b.
    Higher,
}

/// One score compared between two speakers, over all their quotes or within one topic.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    /// The group the row compares within ([`compare_grouped`]); `None` when rows are not grouped.
    pub group: Option<String>,
    pub score: ScoreColumn,
    /// `None`: all of the speakers' quotes (or those on the topic [`compare`] was restricted to).
    pub topic: Option<String>,
    pub speaker_a: String,
    pub speaker_b: String,
    /// Quotes with this score on each side.
    pub n_a: usize,
    pub n_b: usize,
    pub mean_a: Option<f64>,
    pub mean_b: Option<f64>,
    /// `mean_a - mean_b`.
    pub diff: Option<f64>,
    /// Percentile bootstrap interval of `diff`; `None` with too few quotes.
    pub diff_interval: Option<Interval>,
    pub cliffs_delta: Option<f64>,
    pub cohens_d: Option<f64>,
    /// Two-sided permutation test of `diff`, adjusted as [`ComparisonRow::p_adjustment`] says.
    pub p_value: Option<f64>,
    pub p_adjustment: PAdjustment,
    pub verdict: Verdict,
}

impl ComparisonRow {
    /// The verdict in words, naming the speakers.
    pub fn verdict_text(&self) -> String {
        let (a, b) = (&self.speaker_a, &self.speaker_b);
        match self.verdict {
            Verdict::TooFewQuotes => {
                let within = if self.group.is_some() {
                    " in this group"
                } else {
                    ""
                };
                format!(
                    "too few quotes{within} ({a}: {}, {b}: {})",
                    self.n_a, self.n_b
                )
            }
            Verdict::NoClearDifference => "no clear difference (interval includes 0)".to_string(),
            Verdict::Borderline => {
                let adjusted = match self.p_adjustment {
                    PAdjustment::Unadjusted => "",
                    PAdjustment::Holm => "Holm-adjusted ",
                };
                let p = self.p_value.map_or_else(String::new, |p| format!("{p:.4}"));
                format!("no clear difference (interval excludes 0 but {adjusted}p = {p})")
            }
            Verdict::Lower => format!("{a} lower than {b} (interval excludes 0)"),
            Verdict::Higher => format!("{a} higher than {b} (interval excludes 0)"),
        }
    }
}

/// The result of [`compare`]: one row per score, topic and pair of speakers. `Display` prints it as a
/// table for the terminal; [`Comparison::write_csv`] as CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The speakers compared, in the order given.
    pub speakers: Vec<SpeakerMatch>,
    pub options: CompareOptions,
    /// What the rows are grouped by ([`ArticleGroups::label`]), when [`compare_grouped`] made them.
    pub group_by: Option<String>,
    /// Ordered by group (when grouped), then score, then topic (all quotes first), then pair in the
    /// order the speakers were given.
    pub rows: Vec<ComparisonRow>,
}

/// Where one group of quotes comes from: all of a speaker's quotes, or those on one topic.
type Scope<'r> = Option<&'r str>;

/// Compares `speakers` (at least two, matched as [`find_speaker`] does) pairwise on each of
/// `options.scores`, over their quotes in `rows`, or only those on `topic` when it is given, and also
/// within each topic when `options.per_topic` is set.
///
/// For each pair: the difference in means with its bootstrap interval, Cliff's delta, Cohen's d and a
/// permutation p-value. With more than two speakers the p-values of the pairs of one score and topic are
/// Holm-adjusted together. A verdict of difference needs both the interval to exclude 0 and the p-value
/// to be below `1 - confidence`. The interval is not widened for the number of pairs; the adjusted
/// p-value is what guards against chance findings among many pairs.
pub fn compare<S: AsRef<str>>(
    rows: &[QuoteRow],
    speakers: &[S],
    topic: Option<&str>,
    options: &CompareOptions,
) -> Result<Comparison> {
    options.validate()?;
    let speakers = SpeakerIndex::new(rows).find_all(speakers)?;
    let topic = topic.map(|topic| find_topic(rows, topic)).transpose()?;
    let rows: Vec<&QuoteRow> = rows.iter().collect();
    let rows = compare_within(&rows, &speakers, topic, options, None);
    Ok(Comparison {
        speakers,
        options: options.clone(),
        group_by: None,
        rows,
    })
}

/// [`compare`] within each group of articles: the speakers are matched over all of `rows`, then compared
/// separately within each group that holds a quote of at least one of them, groups in order
/// ([`UNKNOWN`] last). Holm's adjustment, with more than two speakers, is across the pairs of one group,
/// score and topic. A group where a side has fewer than [`CompareOptions::min_quotes`] quotes gets the
/// verdict [`Verdict::TooFewQuotes`], whose text says so with both counts.
///
/// ```
/// use tenor::compare::{compare_grouped, ArticleGroups, CompareOptions, QuoteRow, ScoreColumn};
///
/// let mut rows = Vec::new();
/// for (article, speaker, warmth) in [("w1", "Ana Petrova", 0.6), ("w1", "Ivan Horvat", -0.2),
///                                    ("w2", "Ana Petrova", 0.4), ("w2", "Ivan Horvat", 0.0),
///                                    ("d1", "Ana Petrova", 0.1), ("d1", "Ivan Horvat", 0.3)] {
///     let mut scores = [Some(0.0); 9];
///     scores[ScoreColumn::Warmth as usize] = Some(warmth);
///     rows.push(QuoteRow::new(article, "", speaker, vec![], scores));
/// }
/// let groups = ArticleGroups::new("source", [("w1", "Wire"), ("w2", "Wire"), ("d1", "Daily")]);
/// let options = CompareOptions { scores: vec![ScoreColumn::Warmth], ..CompareOptions::default() };
/// let comparison = compare_grouped(&rows, &groups, &["Petrova", "Horvat"], None, &options).unwrap();
/// let daily = &comparison.rows[0];
/// assert_eq!((daily.group.as_deref(), daily.n_a, daily.n_b), (Some("Daily"), 1, 1));
/// assert_eq!(daily.verdict_text(), "too few quotes in this group (Ana Petrova: 1, Ivan Horvat: 1)");
/// let wire = &comparison.rows[1];
/// assert_eq!((wire.group.as_deref(), wire.n_a, wire.mean_a), (Some("Wire"), 2, Some(0.5)));
/// ```
pub fn compare_grouped<S: AsRef<str>>(
    rows: &[QuoteRow],
    groups: &ArticleGroups,
    speakers: &[S],
    topic: Option<&str>,
    options: &CompareOptions,
) -> Result<Comparison> {
    options.validate()?;
    let speakers = SpeakerIndex::new(rows).find_all(speakers)?;
    let topic = topic.map(|topic| find_topic(rows, topic)).transpose()?;
    let mut members: BTreeMap<(bool, &str), Vec<&QuoteRow>> = BTreeMap::new();
    for row in rows {
        if speakers.iter().any(|s| s.key == row.speaker_key) {
            let group = groups.group_of(&row.article_id);
            members
                .entry((group == UNKNOWN, group))
                .or_default()
                .push(row);
        }
    }
    let mut compared = Vec::new();
    for ((_, group), rows) in &members {
        compared.extend(compare_within(rows, &speakers, topic, options, Some(group)));
    }
    Ok(Comparison {
        speakers,
        options: options.clone(),
        group_by: Some(groups.label.clone()),
        rows: compared,
    })
}

/// The rows of one comparison over `rows`, which hold the quotes of one group (or all of them). The
/// random streams of a group's rows also depend on the group's name.
fn compare_within(
    rows: &[&QuoteRow],
    speakers: &[SpeakerMatch],
    topic: Option<&str>,
    options: &CompareOptions,
    group: Option<&str>,
) -> Vec<ComparisonRow> {
    let scopes: Vec<Scope> = match topic {
        Some(topic) => vec![Some(topic)],
        None if options.per_topic => std::iter::once(None)
            .chain(shared_topics(rows, speakers).into_iter().map(Some))
            .collect(),
        None => vec![None],
    };
    let samples = Samples::gather(rows, speakers, &scopes, &options.scores);

    let pairs: Vec<(usize, usize)> = (0..speakers.len())
        .flat_map(|a| (a + 1..speakers.len()).map(move |b| (a, b)))
        .collect();
    let mut tasks = Vec::with_capacity(options.scores.len() * scopes.len() * pairs.len());
    for score in 0..options.scores.len() {
        for scope in 0..scopes.len() {
            tasks.extend(pairs.iter().map(|&(a, b)| (score, scope, a, b)));
        }
    }
    let p_adjustment = if speakers.len() > 2 {
        PAdjustment::Holm
    } else {
        PAdjustment::Unadjusted
    };
    let mut rows: Vec<ComparisonRow> = tasks
        .par_iter()
        .map(|&(score, scope, a, b)| {
            let group_a = samples.get(scope, a, score);
            let group_b = samples.get(scope, b, score);
            let mut stream = vec![
                options.scores[score].as_str(),
                scopes[scope].unwrap_or(""),
                &speakers[a].key,
                &speakers[b].key,
            ];
            // Ungrouped rows keep the streams they had before groups existed.
            stream.extend(group);
            let mut row = compare_pair(group_a, group_b, options, &stream);
            row.group = group.map(String::from);
            row.score = options.scores[score];
            row.topic = scopes[scope].map(String::from);
            row.speaker_a = speakers[a].name.clone();
            row.speaker_b = speakers[b].name.clone();
            row.p_adjustment = p_adjustment;
            row
        })
        .collect();

    // Rows come in families of one score and topic, one row per pair.
    if p_adjustment == PAdjustment::Holm {
        for family in rows.chunks_mut(pairs.len()) {
            let raw: Vec<f64> = family
                .iter()
                .map(|row| row.p_value.unwrap_or(f64::NAN))
                .collect();
            for (row, adjusted) in family.iter_mut().zip(stats::holm(&raw)) {
                row.p_value = row.p_value.map(|_| adjusted);
            }
        }
    }
    for row in &mut rows {
        row.verdict = verdict(row, options);
    }
    rows
}

/// The topic of `rows` that `topic` names, ignoring case and accents.
fn find_topic<'r>(rows: &'r [QuoteRow], topic: &str) -> Result<&'r str> {
    let wanted = fold_name(topic.trim());
    let known: BTreeSet<&str> = rows
        .iter()
        .flat_map(|row| row.topics.iter().map(String::as_str))
        .collect();
    if let Some(found) = known.iter().find(|t| fold_name(t) == wanted) {
        return Ok(found);
    }
    let listed: Vec<&str> = known.iter().copied().take(30).collect();
    let more = if known.len() > listed.len() {
        ", ..."
    } else {
        ""
    };
    Err(Error::Usage(format!(
        "no quote has the topic {topic:?}; topics in the table: {}{more}",
        listed.join(", ")
    )))
}

/// Topics, in order, that at least two of `speakers` have quotes on.
fn shared_topics<'r>(rows: &[&'r QuoteRow], speakers: &[SpeakerMatch]) -> Vec<&'r str> {
    let mut speakers_on: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for &row in rows {
        let Some(speaker) = speakers.iter().position(|s| s.key == row.speaker_key) else {
            continue;
        };
        for topic in &row.topics {
            speakers_on.entry(topic).or_default().insert(speaker);
        }
    }
    speakers_on
        .into_iter()
        .filter(|(_, speakers)| speakers.len() >= 2)
        .map(|(topic, _)| topic)
        .collect()
}

/// The values of each score for each speaker in each scope, gathered in one pass over the rows.
struct Samples {
    speakers: usize,
    scores: usize,
    values: Vec<Vec<f64>>,
}

impl Samples {
    fn gather(
        rows: &[&QuoteRow],
        speakers: &[SpeakerMatch],
        scopes: &[Scope],
        scores: &[ScoreColumn],
    ) -> Samples {
        let mut samples = Samples {
            speakers: speakers.len(),
            scores: scores.len(),
            values: vec![Vec::new(); scopes.len() * speakers.len() * scores.len()],
        };
        let speaker_of: HashMap<&str, usize> = speakers
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.as_str(), i))
            .collect();
        for row in rows {
            let Some(&speaker) = speaker_of.get(row.speaker_key.as_str()) else {
                continue;
            };
            for (scope, wanted) in scopes.iter().enumerate() {
                if wanted.is_some_and(|topic| !row.has_topic(topic)) {
                    continue;
                }
                for (k, &score) in scores.iter().enumerate() {
                    if let Some(value) = row.score(score) {
                        let slot = samples.slot(scope, speaker, k);
                        samples.values[slot].push(value);
                    }
                }
            }
        }
        samples
    }

    fn slot(&self, scope: usize, speaker: usize, score: usize) -> usize {
        (scope * self.speakers + speaker) * self.scores + score
    }

    fn get(&self, scope: usize, speaker: usize, score: usize) -> &[f64] {
        &self.values[self.slot(scope, speaker, score)]
    }
}

/// The statistics of one pair; the caller fills in names, score and topic, and the verdict once p-values
/// are adjusted.
fn compare_pair(a: &[f64], b: &[f64], options: &CompareOptions, stream: &[&str]) -> ComparisonRow {
    let (mean_a, mean_b) = (stats::mean(a), stats::mean(b));
    let mut row = ComparisonRow {
        group: None,
        score: ScoreColumn::Sentiment,
        topic: None,
        speaker_a: String::new(),
        speaker_b: String::new(),
        n_a: a.len(),
        n_b: b.len(),
        mean_a,
        mean_b,
        diff: mean_a.zip(mean_b).map(|(a, b)| a - b),
        diff_interval: None,
        cliffs_delta: None,
        cohens_d: None,
        p_value: None,
        p_adjustment: PAdjustment::Unadjusted,
        verdict: Verdict::TooFewQuotes,
    };
    if a.len() < options.min_quotes || b.len() < options.min_quotes {
        return row;
    }
    let bootstrap = Bootstrap {
        resamples: options.resamples,
        confidence: options.confidence,
        seed: stream_seed(options.seed, "bootstrap", stream),
    };
    let permutation = Permutation {
        permutations: options.permutations,
        seed: stream_seed(options.seed, "permutation", stream),
    };
    row.diff_interval = stats::bootstrap_mean_difference(a, b, &bootstrap);
    row.cliffs_delta = stats::cliffs_delta(a, b);
    row.cohens_d = stats::cohens_d(a, b);
    row.p_value = stats::permutation_p_value(a, b, &permutation);
    row
}

fn verdict(row: &ComparisonRow, options: &CompareOptions) -> Verdict {
    let Some(interval) = row.diff_interval else {
        return Verdict::TooFewQuotes;
    };
    if !interval.excludes_zero() {
        Verdict::NoClearDifference
    } else if row.p_value.is_none_or(|p| p >= options.alpha()) {
        Verdict::Borderline
    } else if interval.high < 0.0 {
        Verdict::Lower
    } else {
        Verdict::Higher
    }
}

/// A seed for one comparison's random stream: FNV-1a over the user's seed, a purpose tag and what is
/// compared. Written out rather than taken from `std::hash`, whose output may change between releases.
fn stream_seed(seed: u64, purpose: &str, parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xCBF2_9CE4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        hash = (hash ^ 0xFF).wrapping_mul(PRIME);
    };
    eat(&seed.to_le_bytes());
    eat(purpose.as_bytes());
    for part in parts {
        eat(part.as_bytes());
    }
    hash
}

impl Comparison {
    /// Columns of the CSV: the first fifteen are fixed; later versions may add columns after them. A
    /// grouped comparison ([`compare_grouped`]) has [`Comparison::GROUP_COLUMN`] before them.
    pub const CSV_COLUMNS: [&'static str; 16] = [
        "score",
        "topic",
        "speaker_a",
        "speaker_b",
        "n_a",
        "n_b",
        "mean_a",
        "mean_b",
        "diff",
        "diff_ci_low",
        "diff_ci_high",
        "cliffs_delta",
        "cohens_d",
        "p_value",
        "verdict",
        "p_adjustment",
    ];

    /// The first column of a grouped comparison's CSV: the group's value (a source, a month ...).
    pub const GROUP_COLUMN: &'static str = "group";

    /// The topic cell of a row over all quotes. Parentheses keep it apart from any topic key.
    pub const ALL_TOPICS: &'static str = "(all)";

    /// The CSV's columns: [`Comparison::CSV_COLUMNS`], after [`Comparison::GROUP_COLUMN`] when grouped.
    pub fn csv_columns(&self) -> Vec<&'static str> {
        let group = self.group_by.as_ref().map(|_| Comparison::GROUP_COLUMN);
        group.into_iter().chain(Comparison::CSV_COLUMNS).collect()
    }

    /// The name of the comparison's sheet in a workbook.
    pub const SHEET: &'static str = "compare";

    /// What each column holds, in the order of [`Comparison::csv_columns`], for the README sheet of a
    /// workbook.
    pub fn column_docs(&self) -> Vec<ColumnDoc> {
        use ColumnKind::{Integer, Label, Prose, Score};
        let doc = |name: &str, kind, range, meaning| ColumnDoc {
            name: name.to_string(),
            kind,
            range,
            meaning,
        };
        let group = self.group_by.as_ref().map(|_| {
            doc(
                Comparison::GROUP_COLUMN,
                Label,
                "",
                "The group of articles (a source, a date period, a field's value) the row compares \
                 within; `unknown` for articles without a value. Each group is compared on its own quotes.",
            )
        });
        group
            .into_iter()
            .chain([
                doc("score", Label, "sentiment .. irony", "The score compared."),
                doc(
                    "topic",
                    Label,
                    "",
                    "The topic whose quotes are compared; (all) for all of the speakers' quotes.",
                ),
                doc("speaker_a", Label, "", "The first speaker of the pair."),
                doc("speaker_b", Label, "", "The second speaker of the pair."),
                doc("n_a", Integer, "0..", "Quotes of speaker a with this score."),
                doc("n_b", Integer, "0..", "Quotes of speaker b with this score."),
                doc("mean_a", Score, "as the score", "Mean score of speaker a's quotes."),
                doc("mean_b", Score, "as the score", "Mean score of speaker b's quotes."),
                doc("diff", Score, "-2..2", "mean_a - mean_b."),
                doc(
                    "diff_ci_low",
                    Score,
                    "-2..2",
                    "Low end of the percentile bootstrap interval of diff (95% by default; quotes \
                     resampled --ci-resamples times, seeded by --seed). Empty with too few quotes.",
                ),
                doc("diff_ci_high", Score, "-2..2", "High end of the same interval."),
                doc(
                    "cliffs_delta",
                    Score,
                    "-1..1",
                    "Cliff's delta: how often a quote of a scores above one of b, minus how often \
                     below. 0 no difference; about 0.15 small, 0.33 medium, 0.47 large.",
                ),
                doc(
                    "cohens_d",
                    Score,
                    "",
                    "Cohen's d: diff over the pooled standard deviation; 0.2 small, 0.5 medium, 0.8 large.",
                ),
                doc(
                    "p_value",
                    Score,
                    "0..1",
                    "Two-sided permutation test of diff; Holm-adjusted when p_adjustment says holm.",
                ),
                doc(
                    "verdict",
                    Prose,
                    "",
                    "In words: which speaker scores higher, or why no difference is claimed. A \
                     difference is claimed only when the interval excludes 0 and p < 0.05.",
                ),
                doc(
                    "p_adjustment",
                    Label,
                    "none, holm",
                    "none for two speakers; holm (Holm's adjustment across the pairs of each score \
                     and topic, and group) for more.",
                ),
            ])
            .collect()
    }

    /// Calls `write` with the cells of each row, in the order of [`Comparison::csv_columns`].
    fn each_row(&self, mut write: impl FnMut(&[Cell<'_>]) -> Result<()>) -> Result<()> {
        let grouped = self.group_by.is_some();
        for row in &self.rows {
            let interval = row.diff_interval;
            let verdict = row.verdict_text();
            let cells = [
                Cell::Text(row.group.as_deref().unwrap_or(UNKNOWN)),
                Cell::Text(row.score.as_str()),
                Cell::Text(row.topic.as_deref().unwrap_or(Comparison::ALL_TOPICS)),
                Cell::Text(&row.speaker_a),
                Cell::Text(&row.speaker_b),
                Cell::Count(row.n_a as u64),
                Cell::Count(row.n_b as u64),
                Cell::Score(row.mean_a),
                Cell::Score(row.mean_b),
                Cell::Score(row.diff),
                Cell::Score(interval.map(|i| i.low)),
                Cell::Score(interval.map(|i| i.high)),
                Cell::Score(row.cliffs_delta),
                Cell::Score(row.cohens_d),
                Cell::Score(row.p_value),
                Cell::Text(&verdict),
                Cell::Text(row.p_adjustment.as_str()),
            ];
            write(&cells[usize::from(!grouped)..])?;
        }
        Ok(())
    }

    /// Writes the comparison as CSV: numbers with four decimals, an empty cell where a statistic is
    /// undefined, topic [`Comparison::ALL_TOPICS`] on rows over all quotes. Names, topics and groups
    /// that a spreadsheet would take for a formula get a leading `'`.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<W> {
        self.write(out, TableFormat::csv())
    }

    /// Writes the comparison to a stream as CSV, TSV or JSON Lines, as `format` says.
    pub fn write<W: Write>(&self, out: W, format: TableFormat) -> Result<W> {
        let columns: Vec<String> = self.csv_columns().into_iter().map(String::from).collect();
        let mut stream = TableStream::new(out, "comparison", format, &columns)?;
        self.each_row(|cells| stream.write_row(cells))?;
        stream.finish()
    }

    /// Writes the comparison as the first table of a file started with
    /// `TableWriter::create(path, format, Comparison::SHEET, self.column_docs())`.
    pub fn write_table(&self, writer: &mut TableWriter) -> Result<()> {
        self.each_row(|cells| writer.write_row(0, cells))
    }

    /// Writes the comparison to the file `path` in `format` (an xlsx workbook has a `compare` sheet
    /// and a README sheet); the file appears only when complete.
    pub fn save(&self, path: &Path, format: TableFormat) -> Result<()> {
        let mut writer = TableWriter::create(path, format, Comparison::SHEET, self.column_docs())?;
        self.write_table(&mut writer)?;
        writer.finish()
    }

    /// Writes the CSV to the file `path`.
    pub fn save_csv(&self, path: &Path) -> Result<()> {
        self.save(path, TableFormat::csv())
    }
}

/// `value` with `places` decimals, empty when undefined; never `-0.0000`, which would mean nothing.
fn decimals(value: Option<f64>, places: usize) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let text = format!("{value:.places$}");
    match text.strip_prefix('-') {
        Some(digits) if digits.bytes().all(|b| b == b'0' || b == b'.') => digits.to_string(),
        _ => text,
    }
}

impl fmt::Display for Comparison {
    /// A fixed-width table: one line per row (the group first when grouped), then a note on the
    /// methods.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let interval_title = format!("{}% interval", self.options.confidence * 100.0);
        let grouped = self.group_by.is_some();
        let group_title = self.group_by.as_deref().unwrap_or("");
        let header: Vec<&str> = grouped
            .then_some(group_title)
            .into_iter()
            .chain([
                "score",
                "topic",
                "speaker a",
                "speaker b",
                "n a",
                "n b",
                "mean a",
                "mean b",
                "diff",
                interval_title.as_str(),
                "delta",
                "d",
                "p",
                "verdict",
            ])
            .collect();
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                let interval = row.diff_interval.map_or_else(
                    || "-".to_string(),
                    |i| {
                        format!(
                            "[{}, {}]",
                            decimals(Some(i.low), 3),
                            decimals(Some(i.high), 3)
                        )
                    },
                );
                let shown = |value: Option<f64>, places| {
                    let text = decimals(value, places);
                    if text.is_empty() {
                        "-".to_string()
                    } else {
                        text
                    }
                };
                let group = grouped.then(|| row.group.clone().unwrap_or_default());
                group
                    .into_iter()
                    .chain([
                        row.score.as_str().to_string(),
                        row.topic
                            .clone()
                            .unwrap_or_else(|| Comparison::ALL_TOPICS.to_string()),
                        row.speaker_a.clone(),
                        row.speaker_b.clone(),
                        row.n_a.to_string(),
                        row.n_b.to_string(),
                        shown(row.mean_a, 3),
                        shown(row.mean_b, 3),
                        shown(row.diff, 3),
                        interval,
                        shown(row.cliffs_delta, 3),
                        shown(row.cohens_d, 3),
                        shown(row.p_value, 4),
                        row.verdict_text(),
                    ])
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = header.iter().map(|title| title.chars().count()).collect();
        for line in &cells {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.chars().count());
            }
        }
        // Names and words read left-aligned; numbers line up on the right.
        let text_columns = usize::from(grouped) + 4;
        let text_column = |i: usize| i < text_columns || i == header.len() - 1;
        let write_line = |f: &mut fmt::Formatter<'_>, line: &[&str]| -> fmt::Result {
            for (i, cell) in line.iter().enumerate() {
                let separator = if i == 0 { "" } else { "  " };
                if i == line.len() - 1 {
                    write!(f, "{separator}{cell}")?;
                } else if text_column(i) {
                    write!(f, "{separator}{cell:<width$}", width = widths[i])?;
                } else {
                    write!(f, "{separator}{cell:>width$}", width = widths[i])?;
                }
            }
            writeln!(f)
        };
        write_line(f, &header)?;
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        write_line(f, &rule.iter().map(String::as_str).collect::<Vec<_>>())?;
        for line in &cells {
            write_line(f, &line.iter().map(String::as_str).collect::<Vec<_>>())?;
        }
        let adjustment = match (self.speakers.len() > 2, grouped) {
            (true, true) => ", Holm-adjusted across the pairs of each group, score and topic",
            (true, false) => ", Holm-adjusted across the pairs of each score and topic",
            (false, _) => "",
        };
        let groups = match &self.group_by {
            Some(by) => format!("\nEach group ({by}) is compared on its own quotes only."),
            None => String::new(),
        };
        writeln!(
            f,
            "\ndiff = mean a - mean b; interval: percentile bootstrap, {} resamples; delta: Cliff's \
             delta; d: Cohen's d (pooled sd)\np: two-sided permutation test, {} permutations{adjustment}\n\
             A difference is reported when the interval excludes 0 and p < {}. Seed {}.{groups}",
            self.options.resamples,
            self.options.permutations,
            decimals(Some(self.options.alpha()), 2),
            self.options.seed,
        )
    }
}

/// How alike two speakers' tone profiles are.
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    pub speaker_a: String,
    pub speaker_b: String,
    /// `None` when they share no topic, or one of them sits exactly on the typical tone of every topic
    /// they share.
    pub cosine: Option<f64>,
    pub topics_shared: usize,
}

impl fmt::Display for Similarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cosine = decimals(self.cosine, 3);
        let cosine = if cosine.is_empty() { "-" } else { &cosine };
        write!(
            f,
            "{} ~ {}: cosine {cosine} over {} shared topics",
            self.speaker_a, self.speaker_b, self.topics_shared
        )
    }
}

impl Similarity {
    /// The name of the similarity table's sheet in a workbook.
    pub const SHEET: &'static str = "similarity";

    /// The columns of the similarity table.
    pub const COLUMNS: [&'static str; 4] = ["speaker_a", "speaker_b", "cosine", "topics_shared"];

    /// What each column holds, for the README sheet of a workbook.
    pub fn column_docs() -> Vec<ColumnDoc> {
        let meanings = [
            (ColumnKind::Label, "", "The first speaker of the pair."),
            (ColumnKind::Label, "", "The second speaker of the pair."),
            (
                ColumnKind::Score,
                "-1..1",
                "Cosine similarity of the two speakers' tone profiles: for each topic both speak \
                 on and each of sentiment, cooperation, warmth, threat, assertiveness and irony, \
                 the speaker's mean minus the mean of all quotes on the topic. 1 they depart from \
                 each topic's usual tone in the same direction, -1 in opposite directions. Empty \
                 when they share no topic.",
            ),
            (
                ColumnKind::Integer,
                "0..",
                "Topics on which both speakers have at least 2 quotes.",
            ),
        ];
        Similarity::COLUMNS
            .iter()
            .zip(meanings)
            .map(|(name, (kind, range, meaning))| ColumnDoc {
                name: name.to_string(),
                kind,
                range,
                meaning,
            })
            .collect()
    }

    /// Writes `pairs` as table `table` of `writer` (0 for a file of its own, started with
    /// `TableWriter::create(path, format, Similarity::SHEET, Similarity::column_docs())`; the index
    /// [`TableWriter::add_sheet`] gave for a sheet beside the comparison).
    pub fn write_table(pairs: &[Similarity], writer: &mut TableWriter, table: usize) -> Result<()> {
        for pair in pairs {
            writer.write_row(
                table,
                &[
                    Cell::Text(&pair.speaker_a),
                    Cell::Text(&pair.speaker_b),
                    Cell::Score(pair.cosine),
                    Cell::Count(pair.topics_shared as u64),
                ],
            )?;
        }
        Ok(())
    }
}

/// The cosine similarity of the tone profiles of each pair of `speakers` (matched as [`find_speaker`]
/// does), over the topics both have at least `min_quotes` quotes on.
///
/// A profile holds, for each topic and each [`ScoreColumn::PROFILE`] score, the speaker's mean minus the
/// mean of every quote in `rows` on that topic. Centring matters: raw means of news quotes are mostly
/// near-neutral with the same sign on every topic, so their cosines would all be close to 1. Centred, a
/// cosine near 1 says two speakers depart from the usual tone of each topic in the same direction, near
/// -1 in opposite directions. Quotes without a topic take no part.
pub fn similarity<S: AsRef<str>>(
    rows: &[QuoteRow],
    speakers: &[S],
    min_quotes: usize,
) -> Result<Vec<Similarity>> {
    let speakers = SpeakerIndex::new(rows).find_all(speakers)?;
    let min_quotes = min_quotes.max(1);
    let topics: Vec<&str> = rows
        .iter()
        .flat_map(|row| row.topics.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let topic_of: HashMap<&str, usize> = topics.iter().enumerate().map(|(i, &t)| (t, i)).collect();
    let speaker_of: HashMap<&str, usize> = speakers
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.as_str(), i))
        .collect();
    let dimensions = ScoreColumn::PROFILE.len();
    // Index 0 holds every quote (the topic's typical tone); index 1 + s holds speaker s's.
    let mut sums = vec![Sums::default(); (1 + speakers.len()) * topics.len() * dimensions];
    let mut quotes = vec![0usize; (1 + speakers.len()) * topics.len()];
    let cell = |who: usize, topic: usize| who * topics.len() + topic;
    for row in rows {
        let speaker = speaker_of.get(row.speaker_key.as_str()).map(|&s| 1 + s);
        for topic in &row.topics {
            let Some(&topic) = topic_of.get(topic.as_str()) else {
                continue;
            };
            for who in std::iter::once(0).chain(speaker) {
                quotes[cell(who, topic)] += 1;
                for (k, score) in ScoreColumn::PROFILE.into_iter().enumerate() {
                    if let Some(value) = row.score(score) {
                        sums[cell(who, topic) * dimensions + k].add(value);
                    }
                }
            }
        }
    }
    let profiles: Vec<Vec<Option<f64>>> = (1..=speakers.len())
        .map(|who| {
            let mut profile = vec![None; topics.len() * dimensions];
            for topic in 0..topics.len() {
                if quotes[cell(who, topic)] < min_quotes {
                    continue;
                }
                for k in 0..dimensions {
                    let own = sums[cell(who, topic) * dimensions + k].mean();
                    let typical = sums[cell(0, topic) * dimensions + k].mean();
                    profile[topic * dimensions + k] = own.zip(typical).map(|(o, t)| o - t);
                }
            }
            profile
        })
        .collect();
    let mut similarities = Vec::new();
    for a in 0..speakers.len() {
        for b in a + 1..speakers.len() {
            let topics_shared = (0..topics.len())
                .filter(|&t| {
                    quotes[cell(1 + a, t)] >= min_quotes && quotes[cell(1 + b, t)] >= min_quotes
                })
                .count();
            similarities.push(Similarity {
                speaker_a: speakers[a].name.clone(),
                speaker_b: speakers[b].name.clone(),
                cosine: stats::cosine(&profiles[a], &profiles[b]),
                topics_shared,
            });
        }
    }
    Ok(similarities)
}

#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    total: f64,
    count: usize,
}

impl Sums {
    fn add(&mut self, value: f64) {
        self.total += value;
        self.count += 1;
    }

    fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.total / self.count as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_columns_follow_the_scores_table_order() {
        for (i, score) in ScoreColumn::ALL.into_iter().enumerate() {
            assert_eq!(score as usize, i);
            assert_eq!(
                ScoreColumn::parse(&score.as_str().to_uppercase()),
                Some(score)
            );
        }
        assert_eq!(ScoreColumn::parse("tone"), None);
    }

    #[test]
    fn decimals_never_print_negative_zero() {
        assert_eq!(decimals(Some(-0.00001), 4), "0.0000");
        assert_eq!(decimals(Some(-0.5), 4), "-0.5000");
        assert_eq!(decimals(None, 4), "");
    }

    #[test]
    fn stream_seeds_differ_by_purpose_and_by_where_parts_split() {
        let seed = stream_seed(1, "bootstrap", &["warmth", "", "a", "b"]);
        assert_eq!(seed, stream_seed(1, "bootstrap", &["warmth", "", "a", "b"]));
        assert_ne!(
            seed,
            stream_seed(1, "permutation", &["warmth", "", "a", "b"])
        );
        assert_ne!(seed, stream_seed(2, "bootstrap", &["warmth", "", "a", "b"]));
        assert_ne!(
            stream_seed(1, "x", &["ab", "c"]),
            stream_seed(1, "x", &["a", "bc"])
        );
    }

    #[test]
    fn bad_options_are_usage_errors() {
        let rows = vec![
            QuoteRow::new("a", "a:1", "A B", vec![], [Some(0.0); 9]),
            QuoteRow::new("a", "a:2", "C D", vec![], [Some(0.0); 9]),
        ];
        let options = CompareOptions {
            confidence: 1.0,
            ..CompareOptions::default()
        };
        let err = compare(&rows, &["A B", "C D"], None, &options).unwrap_err();
        assert!(matches!(err, Error::Usage(_)), "{err}");
        let err = compare(&rows, &["A B"], None, &CompareOptions::default()).unwrap_err();
        assert!(err.to_string().contains("two speakers"), "{err}");
        let err = compare(&rows, &["a b", "A  B"], None, &CompareOptions::default()).unwrap_err();
        assert!(err.to_string().contains("both mean A B"), "{err}");
    }
}
