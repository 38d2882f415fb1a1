//! Per-speaker summaries: how many articles, quotes and words each speaker has, and the mean and spread
//! of every score, over all their quotes and per topic.
//!
//! [`Aggregates`] keeps sufficient statistics (counts, sums and sums of squares), not means, so that
//! partial results built on different threads, shards or runs [`merge`](Aggregates::merge) into exactly
//! what one pass over all the articles would give, whatever the order. Rendering the rows as tables is
//! left to [`crate::output`]; finding speakers and scoring quotes to the earlier stages.
//!
//! Partial results travel between machines as *partials* ([`Aggregates::write_partials`],
//! [`Aggregates::read_partials`]): JSON Lines holding the counts and the grid sums as integers (and
//! the kept quote scores as their bits), so that `tenor merge` rebuilds exactly the tables one run
//! over every shard would have written.
//!
//! For the 95% bootstrap interval of each mean it also keeps every quote's scores in each of the
//! quote's cells: 36 bytes (nine `f32`) per quote per cell, so a quote on two topics costs 108 bytes
//! (its speaker's all-topics cell and two topic cells), about 110 MB for a million such quotes.
//! [`Aggregates::with_resamples`]`(0)` keeps none and leaves the intervals out. Each list is sorted
//! before it is resampled and each cell's seed comes from its speaker key, topic and score, so an
//! interval depends only on the quotes in the cell, never on threads, shards or input order.
//!
//! ```
//! use tenor::aggregate::Aggregates;
//!
//! let mut all = Aggregates::new();
//! let shard = Aggregates::new();
//! // ... each shard is fed with `add_article` on its own thread ...
//! all.merge(shard);
//! assert!(all.is_empty());
//! ```

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, Write};
use std::path::Path;

use ndarray::{Array3, Axis, aview2, s};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pipeline::AnalysedArticle;
use crate::quotes::SpeakerType;
use crate::scoring::Scores;
use crate::stats::{Bootstrap, Interval, bootstrap_mean};
use crate::text::fold_name;
use crate::topics::TopicId;

/// Number of scores summarised per quote: the columns of [`Scores::NAMES`].
pub const SCORE_COUNT: usize = Scores::NAMES.len();

/// Columns summed per cell: the scores, then the stance toward the cell's topic (0 in a speaker's
/// all-topics cell, and for a quote that has no stance cue on the topic).
const COLUMNS: usize = SCORE_COUNT + 1;
const STANCE: usize = SCORE_COUNT;

/// Scores (and their squares) are rounded to multiples of 2^-30 before they are summed. Sums of such
/// values are exact in an `f64` up to 2^23 in absolute value (eight million quotes scoring 1 in one
/// cell), so addition order cannot change them and merged partial results equal a single pass bit for
/// bit. Every `f32` score of magnitude 2^-7 or more lies on the grid already; smaller ones move by at
/// most 1e-9.
const GRID: f64 = (1u64 << 30) as f64;

/// Index of the "all topics" slot; topic `t` lives in slot `t + 1`.
const ALL_TOPICS: u32 = 0;

/// Plane of [`Aggregates::moments`] holding sums; the other holds sums of squares.
const SUMS: usize = 0;
const SQUARES: usize = 1;

/// Bootstrap resamples per interval unless [`Aggregates::with_resamples`] says otherwise.
pub const DEFAULT_RESAMPLES: usize = 2_000;

/// The mean and population standard deviation of each score over `count` quotes, and the 95%
/// percentile bootstrap interval of each mean, in the order of [`Scores::NAMES`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreStats {
    pub count: u64,
    pub mean: [f64; SCORE_COUNT],
    pub std: [f64; SCORE_COUNT],
    /// `None` for fewer than two quotes (one quote says nothing about spread) and when intervals are
    /// off.
    pub interval: [Option<Interval>; SCORE_COUNT],
}

/// One row of speakers.csv: a speaker over all their quotes.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerSummary<'a> {
    /// The folded name that joins the speaker across articles.
    pub key: &'a str,
    /// The canonical name used most often for the speaker.
    pub name: &'a str,
    /// The speaker type given most often; `None` when no quote gave one.
    pub speaker_type: Option<SpeakerType>,
    /// The role given most often ("Russian Foreign Minister"); `None` when no quote gave one.
    pub role: Option<&'a str>,
    /// Distinct articles in which the speaker is quoted.
    pub articles: u64,
    pub quotes: u64,
    pub words: u64,
    pub stats: ScoreStats,
}

/// One row of speaker_topics.csv: a speaker's quotes on one topic.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerTopicSummary<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub topic: &'a str,
    pub quotes: u64,
    pub stats: ScoreStats,
    /// Mean stance toward the topic over the quotes on it, -1 (against) ..= 1 (for); a quote that
    /// only takes the topic from its context counts as 0.
    pub stance_mean: f64,
}

/// What is known about one speaker apart from their scores.
#[derive(Debug, Clone, Default)]
struct SpeakerFacts {
    key: String,
    /// The speaker's all-topics cell, which every speaker has from the start.
    cell: u32,
    /// Each canonical name seen for the key, with how many quotes used it. Few per speaker, so a list.
    names: Vec<(String, u64)>,
    /// Each role seen for the key, with how many quotes gave it.
    roles: Vec<(String, u64)>,
    /// Quotes per [`SpeakerType`], indexed by [`type_index`].
    types: [u64; SPEAKER_TYPES.len()],
    articles: u64,
    words: u64,
}

fn tally(list: &mut Vec<(String, u64)>, value: &str, count: u64) {
    match list.iter_mut().find(|(seen, _)| seen == value) {
        Some((_, n)) => *n += count,
        None => list.push((value.to_string(), count)),
    }
}

/// The most frequent value; ties go to the longer, then the lexicographically smaller, so that the
/// choice does not depend on the order values arrived in.
fn most_frequent(list: &[(String, u64)]) -> Option<&str> {
    list.iter()
        .max_by(|(a, na), (b, nb)| {
            na.cmp(nb)
                .then(a.chars().count().cmp(&b.chars().count()))
                .then(b.cmp(a))
        })
        .map(|(value, _)| value.as_str())
}

const SPEAKER_TYPES: [SpeakerType; 4] = [
    SpeakerType::Person,
    SpeakerType::Organisation,
    SpeakerType::Group,
    SpeakerType::Anonymous,
];

fn type_index(kind: SpeakerType) -> usize {
    match kind {
        SpeakerType::Person => 0,
        SpeakerType::Organisation => 1,
        SpeakerType::Group => 2,
        SpeakerType::Anonymous => 3,
    }
}

impl SpeakerFacts {
    fn count_name(&mut self, name: &str, quotes: u64) {
        tally(&mut self.names, name, quotes);
    }

    /// The most frequent name; ties go to the longer (fuller) name, then the lexicographically smaller,
    /// so that the choice does not depend on the order quotes arrived in.
    fn display_name(&self) -> &str {
        most_frequent(&self.names).unwrap_or(self.key.as_str())
    }

    fn role(&self) -> Option<&str> {
        most_frequent(&self.roles)
    }

    /// The most frequent type; ties go to the earlier of [`SPEAKER_TYPES`].
    fn speaker_type(&self) -> Option<SpeakerType> {
        let (best, &count) = self
            .types
            .iter()
            .enumerate()
            .rev()
            .max_by_key(|&(_, count)| count)?;
        (count > 0).then_some(SPEAKER_TYPES[best])
    }
}

/// Counts, sums and sums of squares of every score, per speaker and topic.
///
/// The statistics are a sparse speaker × topic × score array: one cell per (speaker, topic slot) that
/// has at least one quote, slot 0 standing for all topics. A dense array would hold every speaker ×
/// every topic, which for a large corpus's long tail of speakers is mostly zeros.
#[derive(Debug, Clone)]
pub struct Aggregates {
    speakers: Vec<SpeakerFacts>,
    speaker_index: HashMap<String, u32>,
    /// (speaker, slot) of each cell.
    cells: Vec<(u32, u32)>,
    /// Cell of each (speaker, slot), keyed by [`cell_key`].
    cell_index: HashMap<u64, u32, BuildHasherDefault<CellHasher>>,
    /// Quotes per cell.
    counts: Vec<u64>,
    /// cell × {sums, squares} × score. May hold more rows than `cells` (spare capacity).
    moments: Array3<f64>,
    /// Scores of each quote of each cell, in no particular order; empty lists when `resamples` is 0.
    values: Vec<Vec<[f32; SCORE_COUNT]>>,
    resamples: usize,
}

impl Default for Aggregates {
    fn default() -> Self {
        Aggregates::new()
    }
}

impl Aggregates {
    /// Aggregates with intervals of [`DEFAULT_RESAMPLES`] resamples.
    pub fn new() -> Self {
        Aggregates::with_resamples(DEFAULT_RESAMPLES)
    }

    /// Aggregates whose intervals take `resamples` bootstrap resamples; 0 keeps no per-quote scores
    /// and gives no intervals. Partial results to be merged should share this setting: a cell that
    /// lacks some of its quotes' scores gets no interval rather than a wrong one.
    pub fn with_resamples(resamples: usize) -> Self {
        Aggregates {
            speakers: Vec::new(),
            speaker_index: HashMap::new(),
            cells: Vec::new(),
            cell_index: HashMap::default(),
            counts: Vec::new(),
            // The cell axis grows; the other two are fixed so that every cell has the same shape.
            moments: Array3::zeros((0, 2, COLUMNS)),
            values: Vec::new(),
            resamples,
        }
    }

    /// Number of speakers.
    pub fn len(&self) -> usize {
        self.speakers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }

    /// Adds the quotes of one article. Quotes without a speaker are left out; a skipped article adds
    /// nothing.
    pub fn add_article(&mut self, article: &AnalysedArticle) {
        // Speakers already counted for this article, so that `articles` counts each article once.
        let mut seen_here: Vec<u32> = Vec::new();
        for quote in &article.quotes {
            let speaker = match (&quote.speaker_key, &quote.speaker) {
                (Some(key), _) => self.speaker_row(key),
                (None, Some(name)) => self.speaker_row(&fold_name(name)),
                (None, None) => continue,
            };
            if !seen_here.contains(&speaker) {
                seen_here.push(speaker);
                self.speakers[speaker as usize].articles += 1;
            }
            let facts = &mut self.speakers[speaker as usize];
            facts.words += quote.words as u64;
            if let Some(name) = &quote.speaker {
                facts.count_name(name, 1);
            }
            if let Some(role) = &quote.speaker_role {
                tally(&mut facts.roles, role, 1);
            }
            if let Some(kind) = quote.speaker_type {
                facts.types[type_index(kind)] += 1;
            }

            let mut values = [[0.0; COLUMNS]; 2];
            let mut row = [0.0f32; SCORE_COUNT];
            for (i, v) in quote.scores.values().into_iter().enumerate() {
                // As in the sums, a non-finite score counts as 0.
                row[i] = if v.is_finite() { v } else { 0.0 };
                let v = f64::from(v);
                values[SUMS][i] = on_grid(v);
                values[SQUARES][i] = on_grid(v * v);
            }
            let cell = self.add_to_cell(speaker, ALL_TOPICS, 1, &values);
            self.keep_values(cell, std::slice::from_ref(&row));
            for (i, &topic) in quote.topics.iter().enumerate() {
                // A topic listed twice for one quote is still one quote on that topic.
                if !quote.topics[..i].contains(&topic) {
                    let stance = quote
                        .topic_stances
                        .iter()
                        .find(|t| t.topic == topic)
                        .map_or(0.0, |t| f64::from(t.stance));
                    values[SUMS][STANCE] = on_grid(stance);
                    values[SQUARES][STANCE] = on_grid(stance * stance);
                    let cell = self.add_to_cell(speaker, topic_slot(topic), 1, &values);
                    self.keep_values(cell, std::slice::from_ref(&row));
                }
            }
        }
    }

    /// Adds everything in `other` to `self`. The result is the same, exactly, as if `self` had been fed
    /// all the articles of both.
    pub fn merge(&mut self, other: Aggregates) {
        let mut rows = Vec::with_capacity(other.speakers.len());
        for facts in other.speakers {
            let row = self.speaker_row(&facts.key);
            let mine = &mut self.speakers[row as usize];
            mine.articles += facts.articles;
            mine.words += facts.words;
            for (n, t) in mine.types.iter_mut().zip(facts.types) {
                *n += t;
            }
            for (name, n) in &facts.names {
                mine.count_name(name, *n);
            }
            for (role, n) in &facts.roles {
                tally(&mut mine.roles, role, *n);
            }
            rows.push(row);
        }
        for (cell, &(speaker, slot)) in other.cells.iter().enumerate() {
            let mut values = [[0.0; COLUMNS]; 2];
            for (plane, out) in values.iter_mut().enumerate() {
                for (i, v) in out.iter_mut().enumerate() {
                    *v = other.moments[[cell, plane, i]];
                }
            }
            let mine = self.add_to_cell(rows[speaker as usize], slot, other.counts[cell], &values);
            // Order does not matter: lists are sorted before they are resampled.
            self.keep_values(mine, &other.values[cell]);
        }
    }

    /// One summary per speaker, sorted by key. Intervals are computed here, on rayon's threads.
    pub fn speakers(&self) -> Vec<SpeakerSummary<'_>> {
        self.sorted_speakers()
            .into_par_iter()
            .map(|row| {
                let facts = &self.speakers[row as usize];
                let stats = self.stats(facts.cell, &facts.key, "");
                SpeakerSummary {
                    key: &facts.key,
                    name: facts.display_name(),
                    speaker_type: facts.speaker_type(),
                    role: facts.role(),
                    articles: facts.articles,
                    quotes: stats.count,
                    words: facts.words,
                    stats,
                }
            })
            .collect()
    }

    /// One summary per speaker and topic with at least one quote, sorted by speaker key then topic
    /// name. `topic_names[id]` names topic `id`.
    ///
    /// # Errors
    /// [`Error::Usage`] when a quote's topic id has no name: the names do not belong to the topic
    /// lexicon the quotes were tagged with.
    pub fn speaker_topics<'a>(
        &'a self,
        topic_names: &'a [String],
    ) -> Result<Vec<SpeakerTopicSummary<'a>>> {
        let mut cells = Vec::new();
        for (cell, &(speaker, slot)) in self.cells.iter().enumerate() {
            if slot == ALL_TOPICS {
                continue;
            }
            let topic = (slot - 1) as usize;
            let Some(topic) = topic_names.get(topic) else {
                return Err(Error::Usage(format!(
                    "topic id {topic} has no name: only {} topic names were given",
                    topic_names.len()
                )));
            };
            cells.push((
                cell as u32,
                &self.speakers[speaker as usize],
                topic.as_str(),
            ));
        }
        cells.sort_unstable_by(|a, b| a.1.key.cmp(&b.1.key).then(a.2.cmp(b.2)));
        Ok(cells
            .into_par_iter()
            .map(|(cell, facts, topic)| {
                let stats = self.stats(cell, &facts.key, topic);
                SpeakerTopicSummary {
                    key: &facts.key,
                    name: facts.display_name(),
                    topic,
                    quotes: stats.count,
                    stance_mean: self.moments[[cell as usize, SUMS, STANCE]]
                        / stats.count.max(1) as f64,
                    stats,
                }
            })
            .collect())
    }

    fn sorted_speakers(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = (0..self.speakers.len() as u32).collect();
        rows.sort_unstable_by(|&a, &b| {
            self.speakers[a as usize]
                .key
                .cmp(&self.speakers[b as usize].key)
        });
        rows
    }

    /// The statistics of `cell`, which belongs to speaker `key` and `topic` ("" for all topics).
    fn stats(&self, cell: u32, key: &str, topic: &str) -> ScoreStats {
        let count = self.counts[cell as usize];
        let n = count as f64;
        let sums = self.moments.index_axis(Axis(0), cell as usize);
        let mut mean = [0.0; SCORE_COUNT];
        let mut std = [0.0; SCORE_COUNT];
        for i in 0..SCORE_COUNT {
            mean[i] = sums[[SUMS, i]] / n;
            // Rounding can push the variance of identical values a hair below zero.
            std[i] = (sums[[SQUARES, i]] / n - mean[i] * mean[i]).max(0.0).sqrt();
        }
        ScoreStats {
            count,
            mean,
            std,
            interval: self.intervals(cell, key, topic),
        }
    }

    fn intervals(&self, cell: u32, key: &str, topic: &str) -> [Option<Interval>; SCORE_COUNT] {
        let mut intervals = [None; SCORE_COUNT];
        let values = &self.values[cell as usize];
        // A merged-in partial that kept no scores would leave the list short: no interval beats a
        // wrong one.
        if values.len() < 2 || values.len() as u64 != self.counts[cell as usize] {
            return intervals;
        }
        let mut column: Vec<f64> = Vec::with_capacity(values.len());
        for (score, interval) in intervals.iter_mut().enumerate() {
            column.clear();
            column.extend(values.iter().map(|row| f64::from(row[score])));
            // Sorted, the list is the same whatever order the quotes arrived or merged in.
            column.sort_unstable_by(f64::total_cmp);
            if column_is_zero(&column) {
                // Most cells score no threat or irony at all: every resample of zeros means exactly
                // zero, so the 2,000 draws would only confirm it.
                *interval = Some(Interval {
                    low: 0.0,
                    high: 0.0,
                });
                continue;
            }
            let options = Bootstrap {
                resamples: self.resamples,
                seed: interval_seed(key, topic, score),
                ..Bootstrap::default()
            };
            *interval = bootstrap_mean(&column, &options);
        }
        intervals
    }

    fn keep_values(&mut self, cell: usize, rows: &[[f32; SCORE_COUNT]]) {
        if self.resamples > 0 {
            self.values[cell].extend_from_slice(rows);
        }
    }

    /// The row of speaker `key`, created if new. Allocates only for a new speaker.
    fn speaker_row(&mut self, key: &str) -> u32 {
        if let Some(&row) = self.speaker_index.get(key) {
            return row;
        }
        let row = self.speakers.len() as u32;
        let cell = self.new_cell(row, ALL_TOPICS) as u32;
        self.speakers.push(SpeakerFacts {
            key: key.to_string(),
            cell,
            ..Default::default()
        });
        self.speaker_index.insert(key.to_string(), row);
        row
    }

    /// Adds to the cell of (`speaker`, `slot`), created if new, and returns the cell.
    fn add_to_cell(
        &mut self,
        speaker: u32,
        slot: u32,
        quotes: u64,
        values: &[[f64; COLUMNS]; 2],
    ) -> usize {
        let cell = if slot == ALL_TOPICS {
            self.speakers[speaker as usize].cell as usize
        } else {
            match self.cell_index.get(&cell_key(speaker, slot)) {
                Some(&cell) => cell as usize,
                None => self.new_cell(speaker, slot),
            }
        };
        self.counts[cell] += quotes;
        let mut moments = self.moments.index_axis_mut(Axis(0), cell);
        moments += &aview2(values);
        cell
    }

    fn new_cell(&mut self, speaker: u32, slot: u32) -> usize {
        let cell = self.cells.len();
        if cell == self.moments.len_of(Axis(0)) {
            // Grow by doubling so that adding cells one at a time stays linear overall.
            let mut grown = Array3::zeros(((cell * 2).max(64), 2, COLUMNS));
            grown
                .slice_mut(s![..cell, .., ..])
                .assign(&self.moments.slice(s![..cell, .., ..]));
            self.moments = grown;
        }
        self.cells.push((speaker, slot));
        self.counts.push(0);
        self.values.push(Vec::new());
        self.cell_index.insert(cell_key(speaker, slot), cell as u32);
        cell
    }
}

/// Version of the partials format; a reader refuses any other. Version 2 added the stance sums.
const PARTIALS_FORMAT: u32 = 2;

/// One line of a partials file. The first line is the header; then one line per speaker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case", deny_unknown_fields)]
enum PartialLine {
    Header {
        tenor_partials: u32,
        /// The topic names of the run, in [`TopicId`] order: parts merge only with equal lists.
        topics: Vec<String>,
        /// The score columns of `sums`, `squares` and `values`, in order.
        scores: Vec<String>,
        /// Bootstrap resamples of the run ([`Aggregates::with_resamples`]); 0 when no quote scores
        /// were kept.
        resamples: usize,
    },
    Speaker(PartialSpeaker),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialSpeaker {
    key: String,
    names: Vec<(String, u64)>,
    roles: Vec<(String, u64)>,
    types: PartialTypes,
    articles: u64,
    words: u64,
    cells: Vec<PartialCell>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialTypes {
    person: u64,
    organisation: u64,
    group: u64,
    anonymous: u64,
}

/// One (speaker, topic) cell. Sums are in units of the grid (2^-30), which makes them integers that
/// JSON carries exactly, whatever a reader's float parsing does.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialCell {
    /// `None` for the speaker's cell over all topics.
    topic: Option<String>,
    quotes: u64,
    /// The scores' sums, then that of the stance toward the cell's topic.
    sums: [i64; COLUMNS],
    squares: [i64; COLUMNS],
    /// The scores of each quote, as the bits of their `f32`s, for the bootstrap intervals; empty
    /// when the run kept none.
    values: Vec<[u32; SCORE_COUNT]>,
}

impl Aggregates {
    /// Writes the statistics as partials: a header naming the topics and scores, then one JSON line
    /// per speaker, sorted by key. `label` names the destination in errors.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails; [`Error::Usage`] when a topic id has no name.
    pub fn write_partials<W: Write>(
        &self,
        topic_names: &[String],
        mut out: W,
        label: &Path,
    ) -> Result<()> {
        let header = PartialLine::Header {
            tenor_partials: PARTIALS_FORMAT,
            topics: topic_names.to_vec(),
            scores: Scores::NAMES.iter().map(|s| s.to_string()).collect(),
            resamples: self.resamples,
        };
        let mut cells_of: Vec<Vec<u32>> = vec![Vec::new(); self.speakers.len()];
        for (cell, &(speaker, _)) in self.cells.iter().enumerate() {
            cells_of[speaker as usize].push(cell as u32);
        }
        let write_line = |out: &mut W, line: &PartialLine| -> Result<()> {
            serde_json::to_writer(&mut *out, line).map_err(|e| Error::Output {
                path: label.to_path_buf(),
                message: e.to_string(),
            })?;
            out.write_all(b"\n").map_err(|e| Error::io(label, e))
        };
        write_line(&mut out, &header)?;
        for row in self.sorted_speakers() {
            let facts = &self.speakers[row as usize];
            let mut cells = Vec::with_capacity(cells_of[row as usize].len());
            for &cell in &cells_of[row as usize] {
                let slot = self.cells[cell as usize].1;
                let topic = if slot == ALL_TOPICS {
                    None
                } else {
                    let id = (slot - 1) as usize;
                    let name = topic_names.get(id).ok_or_else(|| {
                        Error::Usage(format!(
                            "topic id {id} has no name: only {} topic names were given",
                            topic_names.len()
                        ))
                    })?;
                    Some(name.clone())
                };
                let units = |plane: usize| {
                    std::array::from_fn(|i| to_units(self.moments[[cell as usize, plane, i]]))
                };
                let mut values: Vec<[u32; SCORE_COUNT]> = self.values[cell as usize]
                    .iter()
                    .map(|row| row.map(f32::to_bits))
                    .collect();
                // Sorted, equal statistics always print alike.
                values.sort_unstable();
                cells.push(PartialCell {
                    topic,
                    quotes: self.counts[cell as usize],
                    sums: units(SUMS),
                    squares: units(SQUARES),
                    values,
                });
            }
            // Topic cells in name order, after the all-topics cell, so that equal statistics
            // always print alike.
            cells.sort_by(|a, b| a.topic.cmp(&b.topic));
            let [person, organisation, group, anonymous] = facts.types;
            let mut names = facts.names.clone();
            names.sort();
            let mut roles = facts.roles.clone();
            roles.sort();
            let line = PartialLine::Speaker(PartialSpeaker {
                key: facts.key.clone(),
                names,
                roles,
                types: PartialTypes {
                    person,
                    organisation,
                    group,
                    anonymous,
                },
                articles: facts.articles,
                words: facts.words,
                cells,
            });
            write_line(&mut out, &line)?;
        }
        out.flush().map_err(|e| Error::io(label, e))
    }

    /// Adds the partials read from `input` (see [`Aggregates::write_partials`]) and returns the
    /// topic names they were written with. `label` names the source in errors.
    ///
    /// # Errors
    /// [`Error::Input`] naming the line when a line is not a partials record, when the header is
    /// missing or of another format, or when its topics differ from `topics` (the names of parts
    /// read before; empty to take this part's).
    pub fn read_partials<R: BufRead>(
        &mut self,
        input: R,
        label: &Path,
        topics: &mut Vec<String>,
    ) -> Result<()> {
        let fail = |line: usize, message: String| Error::Input {
            path: label.to_path_buf(),
            message: format!("line {line}: {message}"),
        };
        let mut header_seen = false;
        let mut topic_ids: HashMap<String, TopicId> = HashMap::new();
        for (i, line) in input.lines().enumerate() {
            let number = i + 1;
            let line = line.map_err(|e| Error::io(label, e))?;
            if line.trim().is_empty() {
                continue;
            }
            let record: PartialLine = serde_json::from_str(&line)
                .map_err(|e| fail(number, format!("not a partials record: {e}")))?;
            match record {
                PartialLine::Header {
                    tenor_partials,
                    topics: these,
                    scores,
                    resamples,
                } => {
                    if header_seen {
                        return Err(fail(number, "a second header".into()));
                    }
                    if tenor_partials != PARTIALS_FORMAT {
                        return Err(fail(
                            number,
                            format!(
                                "partials format {tenor_partials}; this tenor reads format {PARTIALS_FORMAT}"
                            ),
                        ));
                    }
                    if scores != Scores::NAMES {
                        return Err(fail(number, format!("scores {scores:?} are not tenor's")));
                    }
                    if topics.is_empty() {
                        topics.clone_from(&these);
                        self.resamples = resamples;
                    } else if *topics != these {
                        return Err(fail(
                            number,
                            "written with other topics than the parts before it: merge only parts scored with the same --topics".into(),
                        ));
                    }
                    for (id, name) in these.iter().enumerate() {
                        let id = TopicId::try_from(id)
                            .map_err(|_| fail(number, "too many topics".into()))?;
                        topic_ids.insert(name.clone(), id);
                    }
                    header_seen = true;
                }
                PartialLine::Speaker(speaker) => {
                    if !header_seen {
                        return Err(fail(number, "no header line before the speakers".into()));
                    }
                    self.add_partial(speaker, &topic_ids)
                        .map_err(|message| fail(number, message))?;
                }
            }
        }
        if !header_seen {
            return Err(fail(0, "empty: no partials header".into()));
        }
        Ok(())
    }

    fn add_partial(
        &mut self,
        speaker: PartialSpeaker,
        topic_ids: &HashMap<String, TopicId>,
    ) -> std::result::Result<(), String> {
        let row = self.speaker_row(&speaker.key);
        let facts = &mut self.speakers[row as usize];
        facts.articles += speaker.articles;
        facts.words += speaker.words;
        let t = &speaker.types;
        for (n, add) in facts
            .types
            .iter_mut()
            .zip([t.person, t.organisation, t.group, t.anonymous])
        {
            *n += add;
        }
        for (name, n) in &speaker.names {
            facts.count_name(name, *n);
        }
        for (role, n) in &speaker.roles {
            tally(&mut facts.roles, role, *n);
        }
        for cell in speaker.cells {
            let slot = match &cell.topic {
                None => ALL_TOPICS,
                Some(name) => match topic_ids.get(name) {
                    Some(&id) => topic_slot(id),
                    None => return Err(format!("topic {name:?} is not in the header")),
                },
            };
            // Planes in the order SUMS, SQUARES.
            let sums = [cell.sums.map(from_units), cell.squares.map(from_units)];
            let mine = self.add_to_cell(row, slot, cell.quotes, &sums);
            let kept: Vec<[f32; SCORE_COUNT]> = cell
                .values
                .iter()
                .map(|row| row.map(f32::from_bits))
                .collect();
            self.keep_values(mine, &kept);
        }
        Ok(())
    }
}

/// A grid sum as a whole number of grid steps. Sums on the grid are exact multiples of a step and
/// far below 2^63 steps, so the conversion loses nothing.
fn to_units(sum: f64) -> i64 {
    (sum * GRID) as i64
}

fn from_units(units: i64) -> f64 {
    units as f64 / GRID
}

fn cell_key(speaker: u32, slot: u32) -> u64 {
    (u64::from(speaker) << 32) | u64::from(slot)
}

/// Hashes one [`cell_key`] with the splitmix64 finaliser. The default SipHash guards against keys chosen
/// by an attacker, which cell keys (our own row numbers) cannot be, and costs several times more on a
/// lookup made for every quote and topic.
#[derive(Default)]
struct CellHasher(u64);

impl Hasher for CellHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        let mut z = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Whether a sorted column holds nothing but zeros (of either sign: they sort between -0.0 and 0.0).
fn column_is_zero(sorted: &[f64]) -> bool {
    sorted.first() == Some(&0.0) && sorted.last() == Some(&0.0)
}

/// The bootstrap seed of one score of one cell: FNV-1a of the speaker key and topic, then the score.
/// Written out rather than taken from `std::hash`, whose output may change between Rust releases and
/// would change published intervals with it.
fn interval_seed(key: &str, topic: &str, score: usize) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    // 0xFF never occurs in UTF-8, so ("ab", "c") and ("a", "bc") hash apart.
    for &byte in key.as_bytes().iter().chain(&[0xFF]).chain(topic.as_bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
    }
    (hash ^ score as u64).wrapping_mul(PRIME)
}

fn topic_slot(topic: TopicId) -> u32 {
    u32::from(topic) + 1
}

/// `v` rounded to the summing grid (see [`GRID`]). A non-finite score would poison every sum it joins,
/// so it counts as 0.
fn on_grid(v: f64) -> f64 {
    if v.is_finite() {
        (v * GRID).round() / GRID
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{ArticleStatus, ScoredQuote};
    use crate::quotes::{Framing, QuoteKind};
    use crate::topics::TopicSource;

    /// An article in which `speaker` says one quote per sentiment, each on `topics`.
    fn said(id: &str, speaker: &str, sentiments: &[f32], topics: &[TopicId]) -> AnalysedArticle {
        let quotes = sentiments
            .iter()
            .enumerate()
            .map(|(n, &sentiment)| ScoredQuote {
                quote_id: format!("{id}:{}", n + 1),
                kind: QuoteKind::Direct,
                start: 0,
                end: 1,
                speaker: Some(speaker.to_string()),
                speaker_key: Some(fold_name(speaker)),
                speaker_type: Some(SpeakerType::Person),
                speaker_role: None,
                speaker_mention: speaker.to_string(),
                cue: "said".to_string(),
                framing: Some(Framing::Neutral),
                framing_tone: 0.0,
                topics: topics.to_vec(),
                topic_source: TopicSource::Quote,
                text: "words".to_string(),
                words: 1,
                scores: Scores {
                    sentiment,
                    cooperation: -sentiment / 2.0,
                    ..Scores::default()
                },
                evidence: String::new(),
                topic_stances: Vec::new(),
            })
            .collect();
        AnalysedArticle {
            id: id.to_string(),
            title: String::new(),
            source: String::new(),
            date: String::new(),
            fields: Vec::new(),
            status: ArticleStatus::Ok,
            quotes,
            speakers: 1,
            warnings: Vec::new(),
            language: None,
        }
    }

    fn corpus() -> Vec<AnalysedArticle> {
        vec![
            said("a", "Ana Petrova", &[0.5, -0.25, 0.75], &[0]),
            said("b", "John Smith", &[0.1], &[1]),
            said("c", "Ana Petrova", &[0.25, -0.5, 0.125, 0.0], &[0, 1]),
            said("d", "John Smith", &[-0.3, 0.2], &[]),
        ]
    }

    fn fed(articles: &[AnalysedArticle], resamples: usize) -> Aggregates {
        let mut aggregates = Aggregates::with_resamples(resamples);
        for article in articles {
            aggregates.add_article(article);
        }
        aggregates
    }

    #[test]
    fn each_mean_lies_in_its_interval_and_one_quote_has_none() {
        let topics = ["ukraine".to_string(), "economy".to_string()];
        let aggregates = fed(&corpus(), DEFAULT_RESAMPLES);
        let speakers = aggregates.speakers();
        let ana = &speakers[0].stats;
        assert_eq!(ana.count, 7);
        for (mean, interval) in ana.mean.iter().zip(ana.interval) {
            let interval = interval.unwrap();
            assert!(interval.contains(*mean), "{mean} {interval:?}");
        }
        let sentiment = ana.interval[0].unwrap();
        assert!(sentiment.low < 0.0 && sentiment.high > 0.2, "{sentiment:?}");

        let rows = aggregates.speaker_topics(&topics).unwrap();
        let smith_on_economy = rows
            .iter()
            .find(|r| r.key == "john smith" && r.topic == "economy")
            .unwrap();
        assert_eq!(smith_on_economy.quotes, 1);
        assert_eq!(smith_on_economy.stats.interval, [None; SCORE_COUNT]);
        let ana_on_economy = rows
            .iter()
            .find(|r| r.key == "ana petrova" && r.topic == "economy")
            .unwrap();
        assert!(
            ana_on_economy.stats.interval[0]
                .unwrap()
                .contains(ana_on_economy.stats.mean[0])
        );
    }

    #[test]
    fn intervals_do_not_depend_on_order_or_on_merging() {
        let topics = ["ukraine".to_string(), "economy".to_string()];
        let articles = corpus();
        let whole = fed(&articles, 500);

        let mut reversed: Vec<AnalysedArticle> = articles.clone();
        reversed.reverse();
        let mut merged = fed(&reversed[..2], 500);
        merged.merge(fed(&reversed[2..], 500));

        assert_eq!(whole.speakers(), merged.speakers());
        assert_eq!(
            whole.speaker_topics(&topics).unwrap(),
            merged.speaker_topics(&topics).unwrap()
        );
    }

    #[test]
    fn no_resamples_keeps_no_scores_and_gives_no_intervals() {
        let aggregates = fed(&corpus(), 0);
        assert!(aggregates.values.iter().all(Vec::is_empty));
        let speakers = aggregates.speakers();
        assert_eq!(speakers[0].stats.interval, [None; SCORE_COUNT]);
        // The means do not need the kept scores.
        let with = fed(&corpus(), DEFAULT_RESAMPLES);
        let means = |rows: Vec<SpeakerSummary<'_>>| -> Vec<_> {
            rows.into_iter().map(|r| (r.quotes, r.stats.mean)).collect()
        };
        assert_eq!(means(speakers), means(with.speakers()));
    }

    #[test]
    fn a_partial_without_scores_leaves_its_cells_without_intervals() {
        let articles = corpus();
        let mut all = fed(&articles[..2], DEFAULT_RESAMPLES);
        all.merge(fed(&articles[2..], 0));
        let ana = &all.speakers()[0];
        assert_eq!(ana.quotes, 7);
        assert_eq!(ana.stats.interval, [None; SCORE_COUNT]);
    }

    #[test]
    fn each_cell_and_score_has_its_own_seed() {
        assert_ne!(interval_seed("ab", "c", 0), interval_seed("a", "bc", 0));
        assert_ne!(interval_seed("ab", "", 0), interval_seed("ab", "", 1));
        assert_eq!(interval_seed("ab", "c", 3), interval_seed("ab", "c", 3));
    }

    #[test]
    fn sums_on_the_grid_do_not_depend_on_order() {
        // Squares of f32 scores carry up to 48 significant bits, so raw f64 sums of them round
        // differently in different orders; on the grid they do not.
        let squares: Vec<f64> = [-0.778f32, -0.721, 0.016, -0.287]
            .iter()
            .map(|&v| f64::from(v) * f64::from(v))
            .collect();
        let raw_forward: f64 = squares.iter().sum();
        let raw_backward: f64 = squares.iter().rev().sum();
        assert_ne!(raw_forward.to_bits(), raw_backward.to_bits());

        let forward: f64 = squares.iter().map(|&v| on_grid(v)).sum();
        let backward: f64 = squares.iter().rev().map(|&v| on_grid(v)).sum();
        assert_eq!(forward.to_bits(), backward.to_bits());
    }

    #[test]
    fn display_name_prefers_frequent_then_full_then_first_in_order() {
        let mut facts = SpeakerFacts {
            key: "ana petrova".into(),
            ..Default::default()
        };
        facts.count_name("Petrova", 2);
        facts.count_name("Ana Petrova", 2);
        assert_eq!(facts.display_name(), "Ana Petrova");
        facts.count_name("Petrova", 1);
        assert_eq!(facts.display_name(), "Petrova");

        let mut tie = SpeakerFacts::default();
        tie.count_name("Ana Petrová", 1);
        tie.count_name("Ana Petrova", 1);
        assert_eq!(tie.display_name(), "Ana Petrova");
    }

    #[test]
    fn speaker_type_is_the_most_frequent() {
        let mut facts = SpeakerFacts::default();
        assert_eq!(facts.speaker_type(), None);
        facts.types[type_index(SpeakerType::Organisation)] = 2;
        facts.types[type_index(SpeakerType::Person)] = 2;
        assert_eq!(facts.speaker_type(), Some(SpeakerType::Person));
        facts.types[type_index(SpeakerType::Anonymous)] = 3;
        assert_eq!(facts.speaker_type(), Some(SpeakerType::Anonymous));
    }

    fn article(id: &str, quotes: &[(&str, &[TopicId], f32)]) -> AnalysedArticle {
        use crate::pipeline::{ArticleStatus, ScoredQuote};
        use crate::topics::TopicSource;
        let quotes = quotes
            .iter()
            .enumerate()
            .map(|(n, &(speaker, topics, sentiment))| ScoredQuote {
                quote_id: format!("{id}:{}", n + 1),
                kind: crate::quotes::QuoteKind::Direct,
                start: 0,
                end: 1,
                speaker: Some(speaker.to_string()),
                speaker_key: Some(fold_name(speaker)),
                speaker_type: Some(SpeakerType::Person),
                speaker_role: Some("minister".into()),
                speaker_mention: speaker.to_string(),
                cue: "said".into(),
                framing: None,
                framing_tone: 0.0,
                topics: topics.to_vec(),
                topic_source: TopicSource::Quote,
                text: "words".into(),
                words: 3 + n,
                scores: Scores {
                    sentiment,
                    positive: sentiment.max(0.0),
                    negative: (-sentiment).max(0.0),
                    neutral: 1.0 - sentiment.abs(),
                    irony: 0.1,
                    ..Scores::default()
                },
                evidence: String::new(),
                // A stance on every topic, so that merging partials is checked on it too.
                topic_stances: topics
                    .iter()
                    .map(|&topic| crate::pipeline::TopicStance {
                        topic,
                        stance: -sentiment,
                        sentiment,
                        evidence: String::new(),
                    })
                    .collect(),
            })
            .collect();
        AnalysedArticle {
            id: id.into(),
            title: String::new(),
            source: String::new(),
            date: String::new(),
            fields: Vec::new(),
            status: ArticleStatus::Ok,
            quotes,
            speakers: 1,
            warnings: Vec::new(),
            language: None,
        }
    }

    #[test]
    fn partials_of_shards_merge_into_exactly_one_pass() {
        let topics: Vec<String> = ["trade", "ukraine"].map(String::from).into();
        let articles = [
            article(
                "a",
                &[("Ana Petrova", &[0], -0.778), ("Tom Ashcombe", &[], 0.3)],
            ),
            article(
                "b",
                &[("Ana Petrova", &[0, 1], 0.016), ("Petrova", &[1], -0.287)],
            ),
            article("c", &[("Tom Ashcombe", &[1], 0.721)]),
        ];
        let mut single = Aggregates::with_resamples(50);
        for a in &articles {
            single.add_article(a);
        }
        // Two shards, written as partials and read back in the other order.
        let mut files = Vec::new();
        for shard in [&articles[..1], &articles[1..]] {
            let mut part = Aggregates::with_resamples(50);
            for a in shard {
                part.add_article(a);
            }
            let mut bytes = Vec::new();
            part.write_partials(&topics, &mut bytes, Path::new("part"))
                .unwrap();
            files.push(bytes);
        }
        let mut merged = Aggregates::new();
        let mut merged_topics = Vec::new();
        for bytes in files.iter().rev() {
            merged
                .read_partials(&bytes[..], Path::new("part"), &mut merged_topics)
                .unwrap();
        }
        assert_eq!(merged_topics, topics);
        assert_eq!(merged.speakers(), single.speakers());
        assert_eq!(
            merged.speaker_topics(&topics).unwrap(),
            single.speaker_topics(&topics).unwrap()
        );
        let petrova = &merged.speakers()[0];
        assert_eq!(
            (petrova.key, petrova.articles, petrova.quotes),
            ("ana petrova", 2, 2)
        );
    }

    #[test]
    fn partials_from_other_topics_or_garbage_are_refused_with_the_line() {
        let mut bytes = Vec::new();
        Aggregates::new()
            .write_partials(&["trade".to_string()], &mut bytes, Path::new("p1"))
            .unwrap();
        let mut merged = Aggregates::new();
        let mut topics = vec!["energy".to_string()];
        let err = merged
            .read_partials(&bytes[..], Path::new("p1"), &mut topics)
            .unwrap_err();
        assert!(err.to_string().starts_with("p1: line 1:"), "{err}");

        let err = merged
            .read_partials(
                &b"{\"record\":\"speaker\"}\n"[..],
                Path::new("p2"),
                &mut Vec::new(),
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("p2: line 1: not a partials record"),
            "{err}"
        );
        let err = merged
            .read_partials(&b""[..], Path::new("p3"), &mut Vec::new())
            .unwrap_err();
        assert!(err.to_string().contains("no partials header"), "{err}");
    }

    #[test]
    fn a_column_of_zeros_gets_the_interval_the_bootstrap_gives() {
        for column in [vec![0.0, 0.0], vec![-0.0, 0.0, 0.0, -0.0, 0.0]] {
            assert!(column_is_zero(&column));
            for seed in [1, 99] {
                let options = Bootstrap {
                    resamples: 2000,
                    seed,
                    ..Bootstrap::default()
                };
                let drawn = bootstrap_mean(&column, &options).unwrap();
                assert_eq!(
                    drawn,
                    Interval {
                        low: 0.0,
                        high: 0.0
                    }
                );
                assert!(drawn.low.is_sign_positive() && drawn.high.is_sign_positive());
            }
        }
        assert!(!column_is_zero(&[-0.0, 0.0, 0.25]));
        assert!(!column_is_zero(&[]));
    }
}
