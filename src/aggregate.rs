//! Per-speaker summaries: how many articles, quotes and words each speaker has, and the mean and spread
//! of every score, over all their quotes and per topic.
//!
//! [`Aggregates`] keeps sufficient statistics (counts, sums and sums of squares), not means, so that
//! partial results built on different threads, shards or runs [`merge`](Aggregates::merge) into exactly
//! what one pass over all the articles would give, whatever the order. Rendering the rows as tables is
//! left to [`crate::output`]; finding speakers and scoring quotes to the earlier stages.
//!
//! Partial results travel between machines as *partials* ([`Aggregates::write_partials`],
//! [`Aggregates::read_partials`]): JSON Lines holding the counts and the grid sums as integers, so
//! that `tenor merge` rebuilds exactly the tables one run over every shard would have written.
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

use rustc_hash::FxHasher;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pipeline::AnalysedArticle;
use crate::quotes::SpeakerType;
use crate::scoring::Scores;
use crate::text::fold_name;
use crate::topics::TopicId;

/// Number of scores summarised per quote: the columns of [`Scores::NAMES`].
pub const SCORE_COUNT: usize = Scores::NAMES.len();

/// Scores (and their squares) are rounded to multiples of 2^-30 before they are summed. Sums of such
/// values are exact in an `f64` up to 2^23 in absolute value (eight million quotes scoring 1 in one
/// cell), so addition order cannot change them and merged partial results equal a single pass bit for
/// bit. Every `f32` score of magnitude 2^-7 or more lies on the grid already; smaller ones move by at
/// most 1e-9.
const GRID: f64 = (1u64 << 30) as f64;

/// Index of the "all topics" slot; topic `t` lives in slot `t + 1`.
const ALL_TOPICS: u32 = 0;

/// Plane of a cell's values holding sums; the other holds sums of squares.
const SUMS: usize = 0;
const SQUARES: usize = 1;

/// One cell's sums of every score, then its sums of squares: the planes [`SUMS`] and [`SQUARES`].
type Moments = [f64; 2 * SCORE_COUNT];

/// What a cell holds. Most cells (every anonymous source's, each new to its article) hold one
/// quote, whose 36 bytes of scores stand for the 144 of its [`Moments`]: they are computed from
/// the scores exactly as when the quote was added, so nothing changes in the sums.
#[derive(Debug, Clone)]
enum CellValues {
    Empty,
    One([f32; SCORE_COUNT]),
    Many(Box<Moments>),
}

impl CellValues {
    fn moments(&self) -> Moments {
        match self {
            CellValues::Empty => [0.0; 2 * SCORE_COUNT],
            CellValues::One(scores) => flatten(&quote_values(scores)),
            CellValues::Many(moments) => **moments,
        }
    }
}

/// The grid values one quote adds to its cells: its scores and their squares.
fn quote_values(scores: &[f32; SCORE_COUNT]) -> [[f64; SCORE_COUNT]; 2] {
    let mut values = [[0.0; SCORE_COUNT]; 2];
    for (i, &v) in scores.iter().enumerate() {
        let v = f64::from(v);
        values[SUMS][i] = on_grid(v);
        values[SQUARES][i] = on_grid(v * v);
    }
    values
}

fn flatten(planes: &[[f64; SCORE_COUNT]; 2]) -> Moments {
    std::array::from_fn(|i| planes[i / SCORE_COUNT][i % SCORE_COUNT])
}

/// The mean and population standard deviation of each score over `count` quotes, in the order of
/// [`Scores::NAMES`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreStats {
    pub count: u64,
    pub mean: [f64; SCORE_COUNT],
    pub std: [f64; SCORE_COUNT],
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
}

/// What is known about one speaker apart from their scores.
#[derive(Debug, Clone, Default)]
struct SpeakerFacts {
    key: String,
    /// The speaker's all-topics cell, which every speaker has from the start.
    cell: u32,
    /// Each canonical name seen for the key, with how many quotes used it. Few per speaker, so a list.
    names: Vec<(String, u64)>,
    /// Quotes per [`SpeakerType`], indexed by [`type_index`].
    types: [u64; SPEAKER_TYPES.len()],
    articles: u64,
    words: u64,
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
        match self.names.iter_mut().find(|(seen, _)| seen == name) {
            Some((_, n)) => *n += quotes,
            None => {
                // Most speakers have one name: room for exactly one, not the four of a first push.
                self.names.reserve_exact(1);
                self.names.push((name.to_string(), quotes));
            }
        }
    }

    /// The most frequent name; ties go to the longer (fuller) name, then the lexicographically smaller,
    /// so that the choice does not depend on the order quotes arrived in.
    fn display_name(&self) -> &str {
        self.names
            .iter()
            .max_by(|(a, na), (b, nb)| {
                na.cmp(nb)
                    .then(a.chars().count().cmp(&b.chars().count()))
                    .then(b.cmp(a))
            })
            .map_or(self.key.as_str(), |(name, _)| name.as_str())
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
///
/// Memory grows with the number of distinct speakers (every article's anonymous sources are new
/// ones), so each is kept small: its key is stored once, and the cells are one flat vector, which
/// grows in place rather than by copying.
#[derive(Debug, Clone)]
pub struct Aggregates {
    speakers: Vec<SpeakerFacts>,
    /// Row of each speaker by a 64-bit hash of its key ([`key_hash`]); the key itself is in the row.
    speaker_index: HashMap<u64, u32, BuildHasherDefault<CellHasher>>,
    /// Rows of keys whose hash an earlier, different key already had (almost never any).
    collided: HashMap<String, u32>,
    /// (speaker, slot) of each cell.
    cells: Vec<(u32, u32)>,
    /// Cell of each (speaker, topic slot), keyed by [`cell_key`]; a speaker's all-topics cell is in
    /// its row instead.
    cell_index: HashMap<u64, u32, BuildHasherDefault<CellHasher>>,
    /// Quotes per cell.
    counts: Vec<u64>,
    values: Vec<CellValues>,
}

impl Default for Aggregates {
    fn default() -> Self {
        Aggregates::new()
    }
}

impl Aggregates {
    pub fn new() -> Self {
        Aggregates {
            speakers: Vec::new(),
            speaker_index: HashMap::default(),
            collided: HashMap::new(),
            cells: Vec::new(),
            cell_index: HashMap::default(),
            counts: Vec::new(),
            values: Vec::new(),
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
            if let Some(kind) = quote.speaker_type {
                facts.types[type_index(kind)] += 1;
            }

            let scores = quote.scores.values();
            let values = quote_values(&scores);
            self.add_to_cell(speaker, ALL_TOPICS, 1, &values, Some(&scores));
            for (i, &topic) in quote.topics.iter().enumerate() {
                // A topic listed twice for one quote is still one quote on that topic.
                if !quote.topics[..i].contains(&topic) {
                    self.add_to_cell(speaker, topic_slot(topic), 1, &values, Some(&scores));
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
            rows.push(row);
        }
        for (cell, &(speaker, slot)) in other.cells.iter().enumerate() {
            let values = planes(&other.values[cell].moments());
            self.add_to_cell(
                rows[speaker as usize],
                slot,
                other.counts[cell],
                &values,
                None,
            );
        }
    }

    /// One summary per speaker, sorted by key. See [`Aggregates::speaker_rows`] for a stream.
    pub fn speakers(&self) -> Vec<SpeakerSummary<'_>> {
        self.speaker_rows().collect()
    }

    /// [`Aggregates::speakers`] one at a time: only the sort order (4 bytes a speaker) is held, not
    /// every row, which for a large corpus is most of a run's memory.
    pub fn speaker_rows(&self) -> impl Iterator<Item = SpeakerSummary<'_>> + '_ {
        self.sorted_speakers().into_iter().map(|row| {
            let facts = &self.speakers[row as usize];
            let stats = self.stats(facts.cell);
            SpeakerSummary {
                key: &facts.key,
                name: facts.display_name(),
                speaker_type: facts.speaker_type(),
                articles: facts.articles,
                quotes: stats.count,
                words: facts.words,
                stats,
            }
        })
    }

    /// One summary per speaker and topic with at least one quote, sorted by speaker key then topic
    /// name. `topic_names[id]` names topic `id`. See [`Aggregates::speaker_topic_rows`] for a stream.
    ///
    /// # Errors
    /// [`Error::Usage`] when a quote's topic id has no name: the names do not belong to the topic
    /// lexicon the quotes were tagged with.
    pub fn speaker_topics<'a>(
        &'a self,
        topic_names: &'a [String],
    ) -> Result<Vec<SpeakerTopicSummary<'a>>> {
        Ok(self.speaker_topic_rows(topic_names)?.collect())
    }

    /// [`Aggregates::speaker_topics`] one at a time, holding only the sort order. Every topic id is
    /// checked before the first row.
    ///
    /// # Errors
    /// As [`Aggregates::speaker_topics`].
    pub fn speaker_topic_rows<'a>(
        &'a self,
        topic_names: &'a [String],
    ) -> Result<impl Iterator<Item = SpeakerTopicSummary<'a>> + 'a> {
        let mut cells: Vec<u32> = Vec::new();
        for (cell, &(_, slot)) in self.cells.iter().enumerate() {
            if slot == ALL_TOPICS {
                continue;
            }
            let topic = (slot - 1) as usize;
            if topic >= topic_names.len() {
                return Err(Error::Usage(format!(
                    "topic id {topic} has no name: only {} topic names were given",
                    topic_names.len()
                )));
            }
            cells.push(cell as u32);
        }
        let sort_key = |cell: u32| {
            let (speaker, slot) = self.cells[cell as usize];
            (
                self.speakers[speaker as usize].key.as_str(),
                topic_names[(slot - 1) as usize].as_str(),
            )
        };
        cells.sort_unstable_by(|&a, &b| sort_key(a).cmp(&sort_key(b)));
        Ok(cells.into_iter().map(move |cell| {
            let (speaker, slot) = self.cells[cell as usize];
            let facts = &self.speakers[speaker as usize];
            let stats = self.stats(cell);
            SpeakerTopicSummary {
                key: &facts.key,
                name: facts.display_name(),
                topic: &topic_names[(slot - 1) as usize],
                quotes: stats.count,
                stats,
            }
        }))
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

    fn stats(&self, cell: u32) -> ScoreStats {
        let count = self.counts[cell as usize];
        let n = count as f64;
        let [sums, squares] = planes(&self.values[cell as usize].moments());
        let mut mean = [0.0; SCORE_COUNT];
        let mut std = [0.0; SCORE_COUNT];
        for i in 0..SCORE_COUNT {
            mean[i] = sums[i] / n;
            // Rounding can push the variance of identical values a hair below zero.
            std[i] = (squares[i] / n - mean[i] * mean[i]).max(0.0).sqrt();
        }
        ScoreStats { count, mean, std }
    }

    /// The row of speaker `key`, created if new. Allocates only for a new speaker.
    fn speaker_row(&mut self, key: &str) -> u32 {
        let hash = key_hash(key);
        let collision = match self.speaker_index.get(&hash) {
            Some(&row) if self.speakers[row as usize].key == key => return row,
            Some(_) => match self.collided.get(key) {
                Some(&row) => return row,
                None => true,
            },
            None => false,
        };
        let row = self.speakers.len() as u32;
        let cell = self.new_cell(row, ALL_TOPICS) as u32;
        self.speakers.push(SpeakerFacts {
            key: key.to_string(),
            cell,
            ..Default::default()
        });
        if collision {
            self.collided.insert(key.to_string(), row);
        } else {
            self.speaker_index.insert(hash, row);
        }
        row
    }

    /// Adds `quotes` quotes with these grid `values` to a cell; `scores` are the quote's own when
    /// `quotes` is one of them, which a new cell keeps instead of the values.
    fn add_to_cell(
        &mut self,
        speaker: u32,
        slot: u32,
        quotes: u64,
        values: &[[f64; SCORE_COUNT]; 2],
        scores: Option<&[f32; SCORE_COUNT]>,
    ) {
        let cell = if slot == ALL_TOPICS {
            self.speakers[speaker as usize].cell as usize
        } else {
            match self.cell_index.get(&cell_key(speaker, slot)) {
                Some(&cell) => cell as usize,
                None => self.new_cell(speaker, slot),
            }
        };
        self.counts[cell] += quotes;
        let held = &mut self.values[cell];
        if let (CellValues::Empty, Some(scores)) = (&*held, scores) {
            *held = CellValues::One(*scores);
            return;
        }
        let mut moments = held.moments();
        for (sum, v) in moments.iter_mut().zip(flatten(values)) {
            *sum += v;
        }
        match held {
            CellValues::Many(boxed) => **boxed = moments,
            _ => *held = CellValues::Many(Box::new(moments)),
        }
    }

    fn new_cell(&mut self, speaker: u32, slot: u32) -> usize {
        let cell = self.cells.len();
        self.cells.push((speaker, slot));
        self.counts.push(0);
        self.values.push(CellValues::Empty);
        if slot != ALL_TOPICS {
            self.cell_index.insert(cell_key(speaker, slot), cell as u32);
        }
        cell
    }
}

/// Version of the partials format; a reader refuses any other.
const PARTIALS_FORMAT: u32 = 1;

/// One line of a partials file. The first line is the header; then one line per speaker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case", deny_unknown_fields)]
enum PartialLine {
    Header {
        tenor_partials: u32,
        /// The topic names of the run, in [`TopicId`] order: parts merge only with equal lists.
        topics: Vec<String>,
        /// The score columns of `sums` and `squares`, in order.
        scores: Vec<String>,
    },
    Speaker(PartialSpeaker),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialSpeaker {
    key: String,
    names: Vec<(String, u64)>,
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
    sums: [i64; SCORE_COUNT],
    squares: [i64; SCORE_COUNT],
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
                let [sums, squares] = planes(&self.values[cell as usize].moments());
                cells.push(PartialCell {
                    topic,
                    quotes: self.counts[cell as usize],
                    sums: sums.map(to_units),
                    squares: squares.map(to_units),
                });
            }
            // Topic cells in name order, after the all-topics cell, so that equal statistics
            // always print alike.
            cells.sort_by(|a, b| a.topic.cmp(&b.topic));
            let [person, organisation, group, anonymous] = facts.types;
            let mut names = facts.names.clone();
            names.sort();
            let line = PartialLine::Speaker(PartialSpeaker {
                key: facts.key.clone(),
                names,
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
        for cell in speaker.cells {
            let slot = match &cell.topic {
                None => ALL_TOPICS,
                Some(name) => match topic_ids.get(name) {
                    Some(&id) => topic_slot(id),
                    None => return Err(format!("topic {name:?} is not in the header")),
                },
            };
            // Planes in the order SUMS, SQUARES.
            let values = [cell.sums.map(from_units), cell.squares.map(from_units)];
            self.add_to_cell(row, slot, cell.quotes, &values, None);
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

/// A cell's values as [sums, squares].
fn planes(moments: &Moments) -> [[f64; SCORE_COUNT]; 2] {
    std::array::from_fn(|plane| std::array::from_fn(|i| moments[plane * SCORE_COUNT + i]))
}

/// The 64-bit hash that indexes speaker keys. Collisions are handled (see
/// [`Aggregates::speaker_row`]), so it needs to be fast and well spread, not unique.
fn key_hash(key: &str) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(key.as_bytes());
    hasher.finish()
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
        let mut single = Aggregates::new();
        for a in &articles {
            single.add_article(a);
        }
        // Two shards, written as partials and read back in the other order.
        let mut files = Vec::new();
        for shard in [&articles[..1], &articles[1..]] {
            let mut part = Aggregates::new();
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
    fn keys_whose_hashes_collide_stay_apart() {
        let mut aggregates = Aggregates::new();
        let ana = aggregates.speaker_row("ana petrova");
        // Make "tom ashcombe" hash like "ana petrova" did, as a 64-bit collision would.
        aggregates.speaker_index.remove(&key_hash("ana petrova"));
        aggregates
            .speaker_index
            .insert(key_hash("tom ashcombe"), ana);
        let tom = aggregates.speaker_row("tom ashcombe");
        assert_ne!(tom, ana);
        assert_eq!(aggregates.speaker_row("tom ashcombe"), tom);
        assert_eq!(aggregates.speakers[tom as usize].key, "tom ashcombe");
        assert_eq!(aggregates.collided.len(), 1);
    }
}
