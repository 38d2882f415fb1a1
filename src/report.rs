//! The visual report: one self-contained HTML file (inline CSS and SVG, no script, no network, no
//! web fonts) drawn from the tables of a `tenor score` output directory.
//!
//! It shows, for the most quoted speakers (`top`, 30 by default, so that a run with a thousand
//! speakers stays readable): each speaker's mean scores with 95% intervals, a speaker × topic heatmap
//! per score, the quotes that score highest and lowest with the evidence behind each score, and how
//! the reporters of each outlet framed the quotes they carried. Intervals come from
//! `<score>_ci_low`/`<score>_ci_high` columns of speakers.csv when a run has them, else from the
//! quotes as mean ± 1.96·sd/√n.
//!
//! The tables are read as CSV or TSV, with or without a byte order mark, with any of the delimiters
//! and decimal commas [`crate::output`] writes; quotes.csv is streamed, keeping only what the report
//! shows. Drawing is in [`charts`]; the statistics of comparing speakers are left to others.
//!
//! ```no_run
//! use tenor::report::{write_report, ReportOptions};
//!
//! write_report("out".as_ref(), "report.html".as_ref(), &ReportOptions::default())?;
//! # Ok::<(), tenor::Error>(())
//! ```

mod charts;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::quotes::Framing;

/// What the report shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// Speakers shown, the most quoted first; also the number of outlets.
    pub top: usize,
    /// Quotes listed at each end of each score.
    pub quotes_per_score: usize,
    /// Topic columns of a heatmap at most, the most quoted first.
    pub max_topics: usize,
    /// The page title; the directory name when `None`.
    pub title: Option<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            top: 30,
            quotes_per_score: 5,
            max_topics: 40,
            title: None,
        }
    }
}

/// How a score runs, which decides its axis and colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// -1..1, drawn on a diverging blue–orange scale around 0.
    Signed,
    /// 0..1, drawn on a viridis-like sequential scale.
    Unit,
}

/// One score the report draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShownScore {
    /// Column name in quotes.csv; `<name>_mean` in the speaker tables.
    pub name: &'static str,
    pub scale: Scale,
    /// What the low and high ends mean.
    pub low: &'static str,
    pub high: &'static str,
}

/// The scores drawn: sentiment and the stance dimensions. The positive, negative and neutral shares
/// are parts of sentiment and are left to the tables.
pub const SHOWN_SCORES: [ShownScore; 6] = [
    ShownScore {
        name: "sentiment",
        scale: Scale::Signed,
        low: "negative",
        high: "positive",
    },
    ShownScore {
        name: "cooperation",
        scale: Scale::Signed,
        low: "conflict",
        high: "cooperation",
    },
    ShownScore {
        name: "warmth",
        scale: Scale::Signed,
        low: "frosty",
        high: "warm",
    },
    ShownScore {
        name: "threat",
        scale: Scale::Unit,
        low: "none",
        high: "threatening",
    },
    ShownScore {
        name: "assertiveness",
        scale: Scale::Signed,
        low: "hedged",
        high: "assertive",
    },
    ShownScore {
        name: "irony",
        scale: Scale::Unit,
        low: "none",
        high: "ironic",
    },
];

const SCORES: usize = SHOWN_SCORES.len();

/// Framing classes in the order drawn, then quotes without a cue.
const FRAMING_SLOTS: usize = Framing::ALL.len() + 1;
const NO_CUE: usize = Framing::ALL.len();

/// Where a speaker's interval comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalSource {
    /// `<score>_ci_low` and `<score>_ci_high` of speakers.csv.
    Table,
    /// mean ± 1.96·sd/√n over the speaker's quotes.
    Quotes,
}

/// A 95% interval of a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// One of the speakers shown.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerScores {
    pub key: String,
    pub name: String,
    pub quotes: u64,
    pub articles: u64,
    /// Mean of each of [`SHOWN_SCORES`]; `None` when the table has no value.
    pub means: [Option<f64>; SCORES],
    /// `None` when it cannot be had (one quote and no interval columns).
    pub intervals: [Option<Interval>; SCORES],
}

/// A speaker's quotes on one topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicCell {
    pub quotes: u64,
    pub means: [Option<f64>; SCORES],
}

/// A quote listed for its score.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedQuote {
    pub value: f64,
    pub quote_id: String,
    pub article_id: String,
    pub speaker: String,
    pub text: String,
    pub evidence: String,
}

/// The quotes at each end of one score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extremes {
    /// Highest first; only quotes above 0.
    pub highest: Vec<ListedQuote>,
    /// Lowest first; only quotes below 0 (signed scores only).
    pub lowest: Vec<ListedQuote>,
}

/// How one outlet's quotes were framed.
#[derive(Debug, Clone, PartialEq)]
pub struct OutletFraming {
    /// The `source` of articles.csv; empty when the articles had none.
    pub outlet: String,
    /// Quotes per framing class in the order of [`Framing::ALL`], then quotes without a cue.
    pub counts: [u64; FRAMING_SLOTS],
}

impl OutletFraming {
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Everything the report shows, read from an output directory by [`read_run`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// The page title: [`ReportOptions::title`], else `tenor report`.
    pub title: String,
    /// The output directory, as given.
    pub source: String,
    pub articles: u64,
    pub skipped_articles: u64,
    pub quotes: u64,
    pub attributed_quotes: u64,
    pub speakers_total: usize,
    /// The most quoted speakers, most quoted first.
    pub speakers: Vec<SpeakerScores>,
    pub interval_source: IntervalSource,
    /// Heatmap columns, most quoted first.
    pub topics: Vec<String>,
    /// `cells[speaker][topic]`, indexed as `speakers` and `topics`.
    pub cells: Vec<Vec<Option<TopicCell>>>,
    /// One per [`SHOWN_SCORES`].
    pub extremes: Vec<Extremes>,
    /// The outlets with the most quotes, most first; the rest summed in a last row named `None`.
    pub outlets: Vec<OutletFraming>,
    /// Outlets summed into `other_outlets`, and their sums.
    pub other_outlets: Option<(usize, OutletFraming)>,
    /// Whether articles.csv was there to name outlets.
    pub has_articles: bool,
}

/// Reads the tables of `dir` and renders the report to `out`, written beside it and moved into place.
///
/// # Errors
/// [`Error::Input`] naming the table (and line) that is missing or unreadable; [`Error::Io`] when the
/// report cannot be written.
pub fn write_report(dir: &Path, out: &Path, options: &ReportOptions) -> Result<()> {
    let run = read_run(dir, options)?;
    let html = render(&run, options);
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let temp = out.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written = File::create(&temp)
        .and_then(|mut file| {
            file.write_all(html.as_bytes())?;
            file.sync_all()
        })
        .map_err(|e| Error::io(&temp, e))
        .and_then(|()| fs::rename(&temp, out).map_err(|e| Error::io(out, e)));
    if written.is_err() {
        // Best effort: the run is already failing, and a leftover hidden file harms nothing.
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Reads what the report shows from the tables of a `tenor score` output directory.
pub fn read_run(dir: &Path, options: &ReportOptions) -> Result<RunSummary> {
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| "tenor report".to_string());

    let speakers_path = find_table(dir, "speakers")?;
    let quotes_path = find_table(dir, "quotes")?;
    let mut all_speakers = read_speakers(&speakers_path)?;
    let speakers_total = all_speakers.len();
    all_speakers
        .sort_by(|a, b| (b.0.quotes, &a.0.name, &a.0.key).cmp(&(a.0.quotes, &b.0.name, &b.0.key)));
    all_speakers.truncate(options.top);
    let has_table_intervals = all_speakers.iter().any(|(_, table)| table.is_some());
    let interval_source = if has_table_intervals {
        IntervalSource::Table
    } else {
        IntervalSource::Quotes
    };
    let mut speakers: Vec<SpeakerScores> = Vec::with_capacity(all_speakers.len());
    for (mut speaker, table) in all_speakers {
        if let Some(intervals) = table {
            speaker.intervals = intervals;
        }
        speakers.push(speaker);
    }
    let index: HashMap<String, usize> = speakers
        .iter()
        .enumerate()
        .map(|(i, s)| (s.key.clone(), i))
        .collect();

    let (topics, cells) = match find_table(dir, "speaker_topics") {
        Ok(path) => read_topic_cells(&path, &index, options.max_topics)?,
        Err(_) => (Vec::new(), vec![Vec::new(); speakers.len()]),
    };

    let (articles, has_articles) = match find_table(dir, "articles") {
        Ok(path) => (Some(read_articles(&path)?), true),
        Err(_) => (None, false),
    };

    let mut quotes = QuoteScan::new(&index, options.quotes_per_score);
    quotes.read(&quotes_path, articles.as_ref().map(|a| &a.sources))?;
    if interval_source == IntervalSource::Quotes {
        for (speaker, moments) in speakers.iter_mut().zip(&quotes.moments) {
            speaker.intervals = moments.intervals();
        }
    }

    let mut outlets: Vec<OutletFraming> = quotes
        .framing
        .into_iter()
        .map(|(outlet, counts)| OutletFraming { outlet, counts })
        .collect();
    outlets.sort_by(|a, b| (b.total(), &a.outlet).cmp(&(a.total(), &b.outlet)));
    let other_outlets = (outlets.len() > options.top).then(|| {
        let rest = outlets.split_off(options.top);
        let mut sum = OutletFraming {
            outlet: String::new(),
            counts: [0; FRAMING_SLOTS],
        };
        for outlet in &rest {
            for (s, c) in sum.counts.iter_mut().zip(outlet.counts) {
                *s += c;
            }
        }
        (rest.len(), sum)
    });

    Ok(RunSummary {
        title,
        source: dir.display().to_string(),
        articles: articles.as_ref().map_or(0, |a| a.count),
        skipped_articles: articles.as_ref().map_or(0, |a| a.skipped),
        quotes: quotes.count,
        attributed_quotes: quotes.attributed,
        speakers_total,
        speakers,
        interval_source,
        topics,
        cells,
        extremes: quotes.extremes,
        outlets,
        other_outlets,
        has_articles,
    })
}

/// `dir/stem.csv`, else `dir/stem.tsv`.
fn find_table(dir: &Path, stem: &str) -> Result<PathBuf> {
    for extension in ["csv", "tsv"] {
        let path = dir.join(format!("{stem}.{extension}"));
        if path.is_file() {
            return Ok(path);
        }
    }
    let hint = if dir.join(crate::output::WORKBOOK).is_file() {
        "; the report reads csv or tsv tables, not the xlsx workbook: run tenor score again without \
         --format xlsx"
    } else {
        ": is this the output directory of tenor score?"
    };
    Err(Error::Input {
        path: dir.to_path_buf(),
        message: format!("no {stem}.csv or {stem}.tsv{hint}"),
    })
}

/// A table being read: its rows, and the position of each named column.
struct TableReader {
    path: PathBuf,
    csv: csv::Reader<BufReader<File>>,
    columns: HashMap<String, usize>,
    decimal_comma: bool,
}

impl TableReader {
    /// Opens `path`, skipping a byte order mark and taking as delimiter whichever of `,` `;` tab `|`
    /// the header row uses most.
    fn open(path: &Path) -> Result<TableReader> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let head = reader.fill_buf().map_err(|e| Error::io(path, e))?;
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let start = if bom { 3 } else { 0 };
        let line_end = head[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(head.len(), |p| start + p);
        let header = &head[start..line_end];
        let delimiter = [b',', b';', b'\t', b'|']
            .into_iter()
            .max_by_key(|&d| {
                // Ties go to the earlier candidate: max_by_key keeps the last maximum, so reverse.
                (
                    header.iter().filter(|&&b| b == d).count(),
                    std::cmp::Reverse(d),
                )
            })
            .unwrap_or(b',');
        if bom {
            reader.consume(3);
        }
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(reader);
        let headers = csv.headers().map_err(|e| Error::Input {
            path: path.to_path_buf(),
            message: format!("header row: {e}"),
        })?;
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().to_string(), i))
            .collect();
        Ok(TableReader {
            path: path.to_path_buf(),
            csv,
            columns,
            decimal_comma: delimiter != b',',
        })
    }

    fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The position of a column the report cannot do without.
    fn required(&self, column: &str) -> Result<usize> {
        self.columns
            .get(column)
            .copied()
            .ok_or_else(|| Error::Input {
                path: self.path.clone(),
                message: format!("no column {column}"),
            })
    }

    fn optional(&self, column: &str) -> Option<usize> {
        self.columns.get(column).copied()
    }

    /// Calls `each` with every row and its line number.
    fn rows(
        &mut self,
        mut each: impl FnMut(&csv::StringRecord, &Fields<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut record = csv::StringRecord::new();
        loop {
            let more = self
                .csv
                .read_record(&mut record)
                .map_err(|e| Error::Input {
                    path: self.path.clone(),
                    message: e.to_string(),
                })?;
            if !more {
                return Ok(());
            }
            let line = record.position().map_or(0, |p| p.line());
            let fields = Fields {
                path: &self.path,
                line,
                decimal_comma: self.decimal_comma,
            };
            each(&record, &fields)?;
        }
    }
}

/// Reads the cells of one row, with the table and line for errors.
struct Fields<'a> {
    path: &'a Path,
    line: u64,
    decimal_comma: bool,
}

impl Fields<'_> {
    /// A text cell, without the quote mark the tables put before text a spreadsheet would evaluate.
    fn text<'r>(&self, record: &'r csv::StringRecord, column: usize) -> &'r str {
        let value = record.get(column).unwrap_or("");
        match value.strip_prefix('\'') {
            Some(rest) if crate::output::looks_like_formula(rest) => rest,
            _ => value,
        }
    }

    /// A number cell; `None` when empty.
    fn number(&self, record: &csv::StringRecord, column: usize, name: &str) -> Result<Option<f64>> {
        let value = record.get(column).unwrap_or("").trim();
        if value.is_empty() {
            return Ok(None);
        }
        let parsed = if self.decimal_comma && value.contains(',') {
            value.replacen(',', ".", 1).parse::<f64>()
        } else {
            value.parse::<f64>()
        };
        match parsed {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(Error::Input {
                path: self.path.to_path_buf(),
                message: format!(
                    "line {}: column {name}: {value:?} is not a number",
                    self.line
                ),
            }),
        }
    }

    fn count(&self, record: &csv::StringRecord, column: usize, name: &str) -> Result<u64> {
        let value = self.number(record, column, name)?.unwrap_or(0.0);
        Ok(value.max(0.0) as u64)
    }
}

/// The intervals of one speaker's row, when the table has interval columns.
type TableIntervals = Option<[Option<Interval>; SCORES]>;

/// Every speaker of speakers.csv, with the intervals of its table when it has them.
fn read_speakers(path: &Path) -> Result<Vec<(SpeakerScores, TableIntervals)>> {
    let mut table = TableReader::open(path)?;
    let name = table.required("speaker")?;
    let key = table.optional("speaker_key").unwrap_or(name);
    let quotes = table.required("quotes")?;
    let articles = table.optional("articles");
    let means: Vec<Option<usize>> = SHOWN_SCORES
        .iter()
        .map(|s| table.optional(&format!("{}_mean", s.name)))
        .collect();
    let bounds: Vec<Option<(usize, usize)>> = SHOWN_SCORES
        .iter()
        .map(|s| {
            let low = table.optional(&format!("{}_ci_low", s.name))?;
            let high = table.optional(&format!("{}_ci_high", s.name))?;
            Some((low, high))
        })
        .collect();
    let has_intervals = bounds.iter().any(Option::is_some);
    let mut speakers = Vec::new();
    table.rows(|record, fields| {
        let mut speaker = SpeakerScores {
            key: fields.text(record, key).to_string(),
            name: fields.text(record, name).to_string(),
            quotes: fields.count(record, quotes, "quotes")?,
            articles: match articles {
                Some(column) => fields.count(record, column, "articles")?,
                None => 0,
            },
            means: [None; SCORES],
            intervals: [None; SCORES],
        };
        for (i, column) in means.iter().enumerate() {
            if let Some(column) = *column {
                speaker.means[i] = fields.number(record, column, SHOWN_SCORES[i].name)?;
            }
        }
        let intervals = if has_intervals {
            let mut intervals = [None; SCORES];
            for (i, pair) in bounds.iter().enumerate() {
                if let Some((low, high)) = *pair {
                    let low = fields.number(record, low, "ci_low")?;
                    let high = fields.number(record, high, "ci_high")?;
                    intervals[i] = low.zip(high).map(|(low, high)| Interval { low, high });
                }
            }
            Some(intervals)
        } else {
            None
        };
        speakers.push((speaker, intervals));
        Ok(())
    })?;
    Ok(speakers)
}

/// Topic columns (the most quoted among the shown speakers, at most `max_topics`) and the cells of
/// the shown speakers.
#[allow(clippy::type_complexity)]
fn read_topic_cells(
    path: &Path,
    index: &HashMap<String, usize>,
    max_topics: usize,
) -> Result<(Vec<String>, Vec<Vec<Option<TopicCell>>>)> {
    let mut table = TableReader::open(path)?;
    let name = table.required("speaker")?;
    let key = table.optional("speaker_key").unwrap_or(name);
    let topic = table.required("topic")?;
    let quotes = table.required("quotes")?;
    let means: Vec<Option<usize>> = SHOWN_SCORES
        .iter()
        .map(|s| table.optional(&format!("{}_mean", s.name)))
        .collect();
    let mut found: Vec<(usize, String, TopicCell)> = Vec::new();
    let mut totals: HashMap<String, u64> = HashMap::new();
    table.rows(|record, fields| {
        let Some(&speaker) = index.get(fields.text(record, key)) else {
            return Ok(());
        };
        let mut cell = TopicCell {
            quotes: fields.count(record, quotes, "quotes")?,
            means: [None; SCORES],
        };
        for (i, column) in means.iter().enumerate() {
            if let Some(column) = *column {
                cell.means[i] = fields.number(record, column, SHOWN_SCORES[i].name)?;
            }
        }
        let topic = fields.text(record, topic).to_string();
        *totals.entry(topic.clone()).or_default() += cell.quotes;
        found.push((speaker, topic, cell));
        Ok(())
    })?;
    let mut topics: Vec<(String, u64)> = totals.into_iter().collect();
    topics.sort_by(|a, b| (b.1, &a.0).cmp(&(a.1, &b.0)));
    topics.truncate(max_topics);
    let column: HashMap<&str, usize> = topics
        .iter()
        .enumerate()
        .map(|(i, (t, _))| (t.as_str(), i))
        .collect();
    let mut cells = vec![vec![None; topics.len()]; index.len()];
    for (speaker, topic, cell) in found {
        if let Some(&c) = column.get(topic.as_str()) {
            cells[speaker][c] = Some(cell);
        }
    }
    Ok((topics.into_iter().map(|(t, _)| t).collect(), cells))
}

struct Articles {
    count: u64,
    skipped: u64,
    /// Outlet of each article id.
    sources: HashMap<String, String>,
}

fn read_articles(path: &Path) -> Result<Articles> {
    let mut table = TableReader::open(path)?;
    let id = table.required("article_id")?;
    let source = table.optional("source");
    let status = table.optional("status");
    let mut articles = Articles {
        count: 0,
        skipped: 0,
        sources: HashMap::new(),
    };
    table.rows(|record, fields| {
        articles.count += 1;
        if status.is_some_and(|s| fields.text(record, s) == "skipped") {
            articles.skipped += 1;
        }
        if let Some(source) = source {
            let outlet = fields.text(record, source).trim();
            if !outlet.is_empty() {
                articles
                    .sources
                    .insert(fields.text(record, id).to_string(), outlet.to_string());
            }
        }
        Ok(())
    })?;
    Ok(articles)
}

/// Count, sum and sum of squares of each score over one speaker's quotes.
#[derive(Debug, Clone, Default)]
struct Moments {
    n: [u64; SCORES],
    sum: [f64; SCORES],
    squares: [f64; SCORES],
}

impl Moments {
    fn add(&mut self, score: usize, value: f64) {
        self.n[score] += 1;
        self.sum[score] += value;
        self.squares[score] += value * value;
    }

    /// mean ± 1.96·sd/√n with the sample standard deviation; none below two quotes.
    fn intervals(&self) -> [Option<Interval>; SCORES] {
        let mut out = [None; SCORES];
        for (i, slot) in out.iter_mut().enumerate() {
            let n = self.n[i];
            if n < 2 {
                continue;
            }
            let n = n as f64;
            let mean = self.sum[i] / n;
            let variance = ((self.squares[i] - n * mean * mean) / (n - 1.0)).max(0.0);
            let half = 1.96 * (variance / n).sqrt();
            *slot = Some(Interval {
                low: mean - half,
                high: mean + half,
            });
        }
        out
    }
}

/// One pass over quotes.csv, keeping only what the report shows.
struct QuoteScan<'a> {
    index: &'a HashMap<String, usize>,
    keep: usize,
    count: u64,
    attributed: u64,
    moments: Vec<Moments>,
    extremes: Vec<Extremes>,
    framing: HashMap<String, [u64; FRAMING_SLOTS]>,
}

/// Characters of quote text and evidence kept for the list of quotes.
const LISTED_TEXT: usize = 360;
const LISTED_EVIDENCE: usize = 240;

impl<'a> QuoteScan<'a> {
    fn new(index: &'a HashMap<String, usize>, keep: usize) -> Self {
        QuoteScan {
            index,
            keep,
            count: 0,
            attributed: 0,
            moments: vec![Moments::default(); index.len()],
            extremes: vec![Extremes::default(); SCORES],
            framing: HashMap::new(),
        }
    }

    fn read(&mut self, path: &Path, sources: Option<&HashMap<String, String>>) -> Result<()> {
        let mut table = TableReader::open(path)?;
        let article = table.required("article_id")?;
        let quote_id = table.optional("quote_id");
        let speaker = table.required("speaker")?;
        // Older tables have no speaker_key: speakers are then matched by name.
        let key = if table.has("speaker_key") {
            table.required("speaker_key")?
        } else {
            speaker
        };
        let text = table.required("text")?;
        let evidence = table.optional("evidence");
        let framing = table.optional("framing");
        let scores: Vec<Option<usize>> = SHOWN_SCORES
            .iter()
            .map(|s| table.optional(s.name))
            .collect();
        table.rows(|record, fields| {
            self.count += 1;
            let name = fields.text(record, speaker);
            if !name.is_empty() {
                self.attributed += 1;
            }
            let who = self.index.get(fields.text(record, key)).copied();
            let article_id = fields.text(record, article);
            let mut values = [None; SCORES];
            for (i, column) in scores.iter().enumerate() {
                if let Some(column) = *column {
                    values[i] = fields.number(record, column, SHOWN_SCORES[i].name)?;
                }
            }
            if let Some(who) = who {
                for (i, value) in values.iter().enumerate() {
                    if let Some(value) = *value {
                        self.moments[who].add(i, value);
                    }
                }
            }
            for (i, value) in values.iter().enumerate() {
                let Some(value) = *value else { continue };
                let extremes = &mut self.extremes[i];
                let listed = || ListedQuote {
                    value,
                    quote_id: quote_id.map_or("", |c| fields.text(record, c)).to_string(),
                    article_id: article_id.to_string(),
                    speaker: name.to_string(),
                    text: cut(fields.text(record, text), LISTED_TEXT),
                    evidence: evidence.map_or(String::new(), |c| {
                        cut(fields.text(record, c), LISTED_EVIDENCE)
                    }),
                };
                if value > 0.0 {
                    keep_best(&mut extremes.highest, self.keep, value, listed);
                } else if value < 0.0 && SHOWN_SCORES[i].scale == Scale::Signed {
                    keep_best(&mut extremes.lowest, self.keep, -value, listed);
                }
            }
            if let Some(sources) = sources {
                let outlet = sources.get(article_id).cloned().unwrap_or_default();
                let slot = framing
                    .map(|c| fields.text(record, c))
                    .and_then(Framing::parse)
                    .and_then(|f| Framing::ALL.iter().position(|&g| g == f))
                    .unwrap_or(NO_CUE);
                self.framing.entry(outlet).or_insert([0; FRAMING_SLOTS])[slot] += 1;
            }
            Ok(())
        })
    }
}

/// Inserts the quote `make` builds into `list` (kept sorted by strength, strongest first, at most
/// `keep` long) when `strength` earns it a place; earlier quotes win ties. Builds nothing otherwise.
fn keep_best(
    list: &mut Vec<ListedQuote>,
    keep: usize,
    strength: f64,
    make: impl FnOnce() -> ListedQuote,
) {
    let at = list.partition_point(|q| q.value.abs() >= strength);
    if at >= keep {
        return;
    }
    list.insert(at, make());
    list.truncate(keep);
}

/// `text` cut to at most `max` characters at a word boundary, marked with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let head = &text[..end];
            let head = head.rsplit_once(' ').map_or(head, |(h, _)| h);
            format!("{}…", head.trim_end())
        }
    }
}

/// The page.
pub fn render(run: &RunSummary, options: &ReportOptions) -> String {
    let mut page = String::with_capacity(256 * 1024);
    let title = &run.title;
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        charts::escape(title),
        charts::STYLE
    );
    let _ = write!(
        page,
        "<header><h1>{}</h1>\n<p class=\"meta\">{} · ",
        charts::escape(title),
        charts::escape(&run.source)
    );
    let _ = write!(
        page,
        "{} articles{} · {} quotes, {} with a speaker · {} speakers",
        run.articles,
        if run.skipped_articles > 0 {
            format!(" ({} skipped)", run.skipped_articles)
        } else {
            String::new()
        },
        run.quotes,
        run.attributed_quotes,
        run.speakers_total
    );
    if run.speakers_total > run.speakers.len() {
        let _ = write!(page, " · the {} most quoted are shown", run.speakers.len());
    }
    page.push_str("</p>\n");
    page.push_str(
        "<nav><a href=\"#speakers\">Speakers</a> · <a href=\"#topics\">Speakers × topics</a> · \
         <a href=\"#quotes\">Quotes</a> · <a href=\"#framing\">Framing by outlet</a></nav>\n",
    );
    page.push_str(charts::SCALE_NOTE);
    page.push_str("</header>\n");

    page.push_str("<section id=\"speakers\">\n<h2>Speakers: mean scores</h2>\n");
    let interval = match run.interval_source {
        IntervalSource::Table => "the 95% intervals of speakers.csv",
        IntervalSource::Quotes => {
            "95% intervals of the mean (mean ± 1.96·sd/√n over the speaker's quotes; none for a \
             single quote)"
        }
    };
    let _ = writeln!(
        page,
        "<p class=\"note\">Bars show each speaker's mean over their quotes; whiskers show {interval}. \
         n is the number of quotes.</p>"
    );
    if run.speakers.is_empty() {
        page.push_str("<p class=\"empty\">No quote has a speaker.</p>\n");
    } else {
        charts::speaker_bars(&mut page, run);
    }
    page.push_str("</section>\n");

    page.push_str("<section id=\"topics\">\n<h2>Speakers × topics</h2>\n");
    page.push_str(
        "<p class=\"note\">Each cell is the speaker's mean over their quotes on the topic; hover \
         for the number of quotes. Blank: no quote.</p>\n",
    );
    if run.topics.is_empty() || run.speakers.is_empty() {
        page.push_str("<p class=\"empty\">No quote of these speakers has a topic.</p>\n");
    } else {
        for (i, score) in SHOWN_SCORES.iter().enumerate() {
            charts::heatmap(&mut page, run, i, score);
        }
    }
    page.push_str("</section>\n");

    page.push_str("<section id=\"quotes\">\n<h2>Quotes at each end of each score</h2>\n");
    let _ = writeln!(
        page,
        "<p class=\"note\">Up to {} quotes per end, with the evidence (lexicon entries and rules) \
         behind the scores.</p>",
        options.quotes_per_score
    );
    for (i, score) in SHOWN_SCORES.iter().enumerate() {
        charts::quote_lists(&mut page, score, &run.extremes[i]);
    }
    page.push_str("</section>\n");

    page.push_str("<section id=\"framing\">\n<h2>Framing by outlet</h2>\n");
    if run.has_articles {
        page.push_str(
            "<p class=\"note\">How reporters framed the quotes each outlet carried, from the \
             reporting verb: <em>said</em> is neutral, <em>claimed</em> distances, \
             <em>admitted</em> concedes, <em>hit out at</em> is conflict.</p>\n",
        );
        charts::framing(&mut page, run);
    } else {
        page.push_str("<p class=\"empty\">No articles table: outlets are unknown.</p>\n");
    }
    page.push_str("</section>\n");
    page.push_str(
        "<footer>Made by tenor from the tables of one run. Scores are tenor's reading of the quoted \
         words; check the evidence before quoting a number.</footer>\n</body>\n</html>\n",
    );
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(value: f64, id: &str) -> ListedQuote {
        ListedQuote {
            value,
            quote_id: id.to_string(),
            article_id: String::new(),
            speaker: String::new(),
            text: String::new(),
            evidence: String::new(),
        }
    }

    #[test]
    fn the_strongest_quotes_are_kept_in_order_and_ties_keep_the_first() {
        let mut list = Vec::new();
        for (value, id) in [(0.2, "a"), (0.9, "b"), (0.5, "c"), (0.9, "d"), (0.1, "e")] {
            keep_best(&mut list, 3, value, || quote(value, id));
        }
        let ids: Vec<&str> = list.iter().map(|q| q.quote_id.as_str()).collect();
        assert_eq!(ids, ["b", "d", "c"]);
    }

    #[test]
    fn intervals_need_two_quotes() {
        let mut moments = Moments::default();
        moments.add(0, 0.5);
        assert_eq!(moments.intervals()[0], None);
        moments.add(0, -0.5);
        let interval = moments.intervals()[0].unwrap();
        // sd of 0.5 and -0.5 is 0.7071; 1.96 * 0.7071 / sqrt(2) = 0.98.
        assert!((interval.low + 0.98).abs() < 1e-9, "{interval:?}");
        assert!((interval.high - 0.98).abs() < 1e-9, "{interval:?}");
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        assert_eq!(cut("short text", 20), "short text");
        assert_eq!(cut("one two three four", 10), "one two…");
    }
}
