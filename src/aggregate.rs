//! Per-speaker summaries: how many articles, quotes and words each speaker has, and the mean and spread
//! of every score, over all their quotes and per topic.
//!
//! [`Aggregates`] keeps sufficient statistics (counts, sums and sums of squares), not means, so that
//! partial results built on different threads, shards or runs [`merge`](Aggregates::merge) into exactly
//! what one pass over all the articles would give, whatever the order. Rendering the rows as tables is
//! left to [`crate::output`]; finding speakers and scoring quotes to the earlier stages.
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

use ndarray::{Array3, Axis, aview2, s};

use crate::error::{Error, Result};
use crate::pipeline::AnalysedArticle;
use crate::quotes::SpeakerType;
use crate::scoring::Scores;
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
            None => self.names.push((name.to_string(), quotes)),
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
            speaker_index: HashMap::new(),
            cells: Vec::new(),
            cell_index: HashMap::default(),
            counts: Vec::new(),
            // The cell axis grows; the other two are fixed so that every cell has the same shape.
            moments: Array3::zeros((0, 2, COLUMNS)),
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

            let mut values = [[0.0; COLUMNS]; 2];
            for (i, v) in quote.scores.values().into_iter().enumerate() {
                let v = f64::from(v);
                values[SUMS][i] = on_grid(v);
                values[SQUARES][i] = on_grid(v * v);
            }
            self.add_to_cell(speaker, ALL_TOPICS, 1, &values);
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
                    self.add_to_cell(speaker, topic_slot(topic), 1, &values);
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
            let mut values = [[0.0; COLUMNS]; 2];
            for (plane, out) in values.iter_mut().enumerate() {
                for (i, v) in out.iter_mut().enumerate() {
                    *v = other.moments[[cell, plane, i]];
                }
            }
            self.add_to_cell(rows[speaker as usize], slot, other.counts[cell], &values);
        }
    }

    /// One summary per speaker, sorted by key.
    pub fn speakers(&self) -> Vec<SpeakerSummary<'_>> {
        self.sorted_speakers()
            .into_iter()
            .map(|row| {
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
        let mut rows = Vec::new();
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
            let facts = &self.speakers[speaker as usize];
            let stats = self.stats(cell as u32);
            let stance_sum = self.moments[[cell, SUMS, STANCE]];
            rows.push(SpeakerTopicSummary {
                key: &facts.key,
                name: facts.display_name(),
                topic,
                quotes: stats.count,
                stance_mean: stance_sum / stats.count.max(1) as f64,
                stats,
            });
        }
        rows.sort_unstable_by(|a, b| a.key.cmp(b.key).then(a.topic.cmp(b.topic)));
        Ok(rows)
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
        let sums = self.moments.index_axis(Axis(0), cell as usize);
        let mut mean = [0.0; SCORE_COUNT];
        let mut std = [0.0; SCORE_COUNT];
        for i in 0..SCORE_COUNT {
            mean[i] = sums[[SUMS, i]] / n;
            // Rounding can push the variance of identical values a hair below zero.
            std[i] = (sums[[SQUARES, i]] / n - mean[i] * mean[i]).max(0.0).sqrt();
        }
        ScoreStats { count, mean, std }
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

    fn add_to_cell(&mut self, speaker: u32, slot: u32, quotes: u64, values: &[[f64; COLUMNS]; 2]) {
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
        self.cell_index.insert(cell_key(speaker, slot), cell as u32);
        cell
    }
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
}
