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
//! (its speaker's all-topics cell and two topic cells). [`Aggregates::with_resamples`]`(0)` keeps none
//! and leaves the intervals out. Each list is sorted before it is resampled and each cell's seed comes
//! from its speaker key and topic, so an interval depends only on the quotes in the cell, never on
//! threads, shards or input order. A cell of more than [`BOOTSTRAP_LIMIT`] quotes keeps no scores: its
//! interval is the normal-theory one from the exact sums, which at that size agrees with the bootstrap.
//!
//! Memory stays flat however long the input: when the statistics held exceed a budget
//! ([`Aggregates::spill_above`]) they are written to a temporary file as a *run* sorted by speaker key
//! and the memory is emptied. [`Aggregates::in_batches`] merges the runs with what is still held,
//! adding up each speaker's pieces exactly as [`Aggregates::merge`] would, so the tables do not depend
//! on whether or where runs were cut.
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
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ndarray::{Array3, Axis, aview2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pipeline::AnalysedArticle;
use crate::quotes::SpeakerType;
use crate::scoring::Scores;
use crate::stats::{Bootstrap, BootstrapScratch, Interval, bootstrap_column_means_with};
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

/// Plane of a cell's [`Moments`] holding sums; the other holds sums of squares.
const SUMS: usize = 0;
const SQUARES: usize = 1;

/// A cell's sums ([`SUMS`]) and sums of squares ([`SQUARES`]) of each column.
type Moments = [[f64; COLUMNS]; 2];

/// The sums and sums of squares of `cell` in a cell × {sums, squares} × score array.
fn cell_moments(moments: &Array3<f64>, cell: usize) -> Moments {
    std::array::from_fn(|plane| std::array::from_fn(|i| moments[[cell, plane, i]]))
}

/// Bootstrap resamples per interval unless [`Aggregates::with_resamples`] says otherwise.
pub const DEFAULT_RESAMPLES: usize = 2_000;

/// Largest cell whose interval is a bootstrap of its kept scores. A larger cell keeps no scores and
/// gets the normal-theory interval `mean ± 1.96 sd / √n` from its sums: past a few thousand quotes the
/// mean's sampling distribution is normal to well within the bootstrap's own noise, and keeping
/// scores for ever-larger cells would make memory grow with the input.
pub const BOOTSTRAP_LIMIT: u64 = 5_000;

/// Bytes of statistics held in memory before they are written out as a run, unless
/// [`Aggregates::spill_above`] says otherwise: the bytes the allocator holds for them, every vector
/// and map counted at its capacity.
pub const DEFAULT_SPILL_BYTES: usize = 48 << 20;

const ROW_BYTES: usize = std::mem::size_of::<[f32; SCORE_COUNT]>();

/// Bytes a cell takes in the per-cell vectors: (speaker, slot), count and sums.
const CELL_BYTES: usize =
    std::mem::size_of::<(u32, u32)>() + std::mem::size_of::<u64>() + std::mem::size_of::<Moments>();

/// Bytes of a cell's list of kept scores (whose rows are counted apart); there are none when no
/// scores are kept.
const LIST_BYTES: usize = std::mem::size_of::<Vec<[f32; SCORE_COUNT]>>();

/// Room left in a vector or map below which [`Aggregates::spill_if_full`] counts its next growth as
/// held already: more than an article adds, so that a run is cut before a doubling, not after.
const GROWTH_ROOM: usize = 256;

/// What the allocator takes for a block of `len` bytes: the request and an 8-byte header, rounded
/// up to 16, and 32 at least (glibc's rule; others are close).
fn block_bytes(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        ((len + 8 + 15) & !15).max(32)
    }
}

/// What a hash map's table takes: a power of two of buckets, at least an eighth of them empty, each
/// with its entry and a control byte.
fn map_bytes<K, V, S>(map: &HashMap<K, V, S>) -> usize {
    if map.capacity() == 0 {
        return 0;
    }
    let buckets = (map.capacity() * 8 / 7 + 1).next_power_of_two();
    block_bytes(buckets * (std::mem::size_of::<(K, V)>() + 1))
}

/// Speakers per batch handed out by [`Aggregates::in_batches`] when runs were spilled.
const BATCH_SPEAKERS: usize = 4_096;

/// Bytes of statistics in one batch of [`Aggregates::in_batches`], whatever its speakers: a speaker
/// quoted in every article of a large input keeps thousands of scores, and a batch of such speakers
/// would otherwise grow with the input.
const BATCH_BYTES: usize = 8 << 20;

/// Summaries made at a time when a table is written: enough to share out over rayon's threads, few
/// enough that a table's rows are never all held at once.
const SUMMARY_CHUNK: usize = 4_096;

/// Summaries that one rayon task makes and renders at a time: enough that handing the rows over
/// costs little, few enough that every thread gets a share of a chunk.
const RENDER_PIECE: usize = 64;

/// Makes a table's summaries on rayon's threads, [`RENDER_PIECE`] rows to a task and
/// [`SUMMARY_CHUNK`] rows at a time, renders each piece with the task's own `state`, and hands the
/// rendered pieces to `each` in the order of `rows`.
fn render_in_chunks<T: Sync, Y, S, R: Send>(
    rows: &[T],
    summary: impl Fn(&T, &mut BootstrapScratch) -> Y + Sync + Send,
    init: impl Fn() -> S + Sync + Send,
    render: impl Fn(&mut S, &[Y]) -> R + Sync + Send,
    mut each: impl FnMut(R) -> Result<()>,
) -> Result<()> {
    for chunk in rows.chunks(SUMMARY_CHUNK) {
        let pieces: Vec<R> = chunk
            .par_chunks(RENDER_PIECE)
            .map_init(
                || (BootstrapScratch::default(), init(), Vec::new()),
                |(scratch, state, summaries), piece| {
                    summaries.clear();
                    summaries.extend(piece.iter().map(|row| summary(row, scratch)));
                    render(state, summaries)
                },
            )
            .collect();
        for piece in pieces {
            each(piece)?;
        }
    }
    Ok(())
}

/// Two-sided 95% point of the standard normal distribution.
const NORMAL_95: f64 = 1.959_963_984_540_054;

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

/// Adds `count` to `value`'s tally and returns the bytes this took. Most speakers have one name
/// and at most one role, so a list grows one entry at a time rather than by doubling.
fn tally(list: &mut Vec<(String, u64)>, value: &str, count: u64) -> usize {
    match list.iter_mut().find(|(seen, _)| seen == value) {
        Some((_, n)) => {
            *n += count;
            0
        }
        None => {
            let before = list.capacity();
            list.reserve_exact(1);
            list.push((value.to_string(), count));
            list_growth(before, list.capacity()) + block_bytes(value.len())
        }
    }
}

/// The bytes a tally list's block grew by, from `before` to `after` entries of room.
fn list_growth(before: usize, after: usize) -> usize {
    let entry = std::mem::size_of::<(String, u64)>();
    block_bytes(after * entry) - block_bytes(before * entry)
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
    /// Adds another part's counts for the same speaker: from a merged run, a spilled run or a
    /// partial. Returns the bytes this took.
    fn absorb(
        &mut self,
        articles: u64,
        words: u64,
        types: [u64; SPEAKER_TYPES.len()],
        names: &[(String, u64)],
        roles: &[(String, u64)],
    ) -> usize {
        self.articles += articles;
        self.words += words;
        for (n, add) in self.types.iter_mut().zip(types) {
            *n += add;
        }
        let mut bytes = 0;
        for (name, n) in names {
            bytes += self.count_name(name, *n);
        }
        for (role, n) in roles {
            bytes += tally(&mut self.roles, role, *n);
        }
        bytes
    }

    /// Counts `quotes` more quotes under `name`; returns the bytes this took.
    fn count_name(&mut self, name: &str, quotes: u64) -> usize {
        tally(&mut self.names, name, quotes)
    }

    /// The bytes of the blocks the facts own: the key, the tally lists and their values.
    fn owned_bytes(&self) -> usize {
        let list = |list: &Vec<(String, u64)>| {
            list_growth(0, list.capacity())
                + list
                    .iter()
                    .map(|(value, _)| block_bytes(value.len()))
                    .sum::<usize>()
        };
        block_bytes(self.key.len()) + list(&self.names) + list(&self.roles)
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
    /// Cell of each (speaker, topic slot), keyed by [`cell_key`]; a speaker's all-topics cell is
    /// in its facts.
    cell_index: HashMap<u64, u32, BuildHasherDefault<CellHasher>>,
    /// Quotes per cell.
    counts: Vec<u64>,
    /// cell × {sums, squares} × score, grown one cell at a time.
    moments: Array3<f64>,
    /// Scores of each quote of each cell, in no particular order (see [`Aggregates::kept`]); empty
    /// lists for cells of more than [`BOOTSTRAP_LIMIT`] quotes, and no lists at all while
    /// `resamples` is 0.
    values: Vec<Vec<[f32; SCORE_COUNT]>>,
    /// Rows in all of `values`.
    kept_rows: usize,
    /// Bytes of the blocks of `values`' lists.
    kept_bytes: usize,
    /// Bytes of the blocks of the speakers' keys (each held twice: in the facts and the index),
    /// names and roles.
    text_bytes: usize,
    resamples: usize,
    /// Runs written out so far, each sorted by speaker key; shared by clones.
    runs: Vec<Arc<Run>>,
    /// Estimated bytes held above which a run is written; `usize::MAX` never spills.
    spill_bytes: usize,
    /// Set when a run could not be written: the statistics then stay in memory.
    spill_failed: bool,
    /// [`Aggregates::add_article`]'s list of the article's speakers, kept for the next article.
    article_speakers: Vec<u32>,
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
            kept_rows: 0,
            kept_bytes: 0,
            text_bytes: 0,
            resamples,
            runs: Vec::new(),
            spill_bytes: DEFAULT_SPILL_BYTES,
            spill_failed: false,
            article_speakers: Vec::new(),
        }
    }

    /// Writes the statistics to a temporary run file whenever more than about `bytes` are held, so
    /// that memory does not grow with the input. `usize::MAX` keeps everything in memory. Runs are
    /// written to [`std::env::temp_dir`] and removed when the aggregates are dropped; if one cannot be
    /// written, everything stays in memory instead.
    pub fn spill_above(mut self, bytes: usize) -> Self {
        self.spill_bytes = bytes;
        self
    }

    /// Sets the bootstrap resamples used when intervals are computed (for `tenor merge`, whose
    /// partials bring their own setting).
    pub fn set_resamples(&mut self, resamples: usize) {
        self.resamples = resamples;
    }

    /// Number of speakers held in memory: all of them unless runs were spilled (see
    /// [`Aggregates::in_batches`]).
    pub fn len(&self) -> usize {
        self.speakers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty() && self.runs.is_empty()
    }

    /// Whether some statistics were written out as runs, so that only [`Aggregates::in_batches`]
    /// sees every speaker.
    pub fn has_spilled(&self) -> bool {
        !self.runs.is_empty()
    }

    /// Adds the quotes of one article. Quotes without a speaker are left out; a skipped article adds
    /// nothing.
    pub fn add_article(&mut self, article: &AnalysedArticle) {
        // The rows of the article's speakers so far: `articles` counts each article once, and a
        // speaker's later quotes find their row among these few rather than in the index.
        let mut here = std::mem::take(&mut self.article_speakers);
        here.clear();
        for quote in &article.quotes {
            let folded;
            let key = match (&quote.speaker_key, &quote.speaker) {
                (Some(key), _) => key.as_str(),
                (None, Some(name)) => {
                    folded = fold_name(name);
                    folded.as_str()
                }
                (None, None) => continue,
            };
            let known = here
                .iter()
                .copied()
                .find(|&row| self.speakers[row as usize].key == key);
            let speaker = match known {
                Some(row) => row,
                None => {
                    let row = self.speaker_row(key);
                    here.push(row);
                    self.speakers[row as usize].articles += 1;
                    row
                }
            };
            let facts = &mut self.speakers[speaker as usize];
            facts.words += quote.words as u64;
            if let Some(name) = &quote.speaker {
                self.text_bytes += facts.count_name(name, 1);
            }
            if let Some(role) = &quote.speaker_role {
                self.text_bytes += tally(&mut facts.roles, role, 1);
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
        self.article_speakers = here;
        self.spill_if_full();
    }

    /// Adds everything in `other` to `self`. The result is the same, exactly, as if `self` had been fed
    /// all the articles of both.
    pub fn merge(&mut self, other: Aggregates) {
        // Merging the workers' parts is serial work after the last article: room is made once, and
        // a new speaker's facts move in whole rather than being added up into an empty row.
        self.speakers.reserve(other.speakers.len());
        self.speaker_index.reserve(other.speakers.len());
        self.reserve_cells(other.cells.len());
        let mut rows = Vec::with_capacity(other.speakers.len());
        for facts in other.speakers {
            let next_row = self.speakers.len() as u32;
            let owned = facts.owned_bytes();
            let row = match self.speaker_index.entry(facts.key) {
                Entry::Occupied(known) => {
                    let row = *known.get();
                    self.text_bytes += self.speakers[row as usize].absorb(
                        facts.articles,
                        facts.words,
                        facts.types,
                        &facts.names,
                        &facts.roles,
                    );
                    row
                }
                Entry::Vacant(new) => {
                    // The facts' blocks move in, and the index keeps a copy of the key.
                    self.text_bytes += owned + block_bytes(new.key().len());
                    let key = new.key().clone();
                    new.insert(next_row);
                    let cell = self.push_cell(next_row, ALL_TOPICS) as u32;
                    self.speakers.push(SpeakerFacts { key, cell, ..facts });
                    next_row
                }
            };
            rows.push(row);
        }
        // Each list of kept scores is moved or freed as soon as it is added, so that merging the
        // parts of a run holds its scores about once, not twice.
        let mut kept = other.values.into_iter();
        for (cell, &(speaker, slot)) in other.cells.iter().enumerate() {
            let kept = kept.next().unwrap_or_default();
            let values = &cell_moments(&other.moments, cell);
            let mine = self.add_to_cell(rows[speaker as usize], slot, other.counts[cell], values);
            // Order does not matter: lists are sorted before they are resampled.
            if self.resamples > 0 && self.kept(mine).is_empty() && !kept.is_empty() {
                if self.counts[mine] <= BOOTSTRAP_LIMIT {
                    self.kept_rows += kept.len();
                    self.kept_bytes += block_bytes(kept.capacity() * ROW_BYTES);
                    *self.kept_list(mine) = kept;
                }
            } else {
                self.keep_values(mine, &kept);
            }
        }
        self.runs.extend(other.runs);
        self.spill_if_full();
    }

    /// Merges the parts of one pass (each worker's, say) as [`Aggregates::merge`] does, into
    /// aggregates that spill above `spill_bytes`. When the parts together hold more than that, each
    /// is first written out as a run, so that merging them never holds two parts' worth at once.
    pub fn merge_parts(parts: Vec<Aggregates>, spill_bytes: usize) -> Aggregates {
        let held: usize = parts.iter().map(Aggregates::held_bytes).sum();
        let mut parts: Vec<Aggregates> = parts
            .into_iter()
            .map(|part| part.spill_above(spill_bytes))
            .collect();
        if held > spill_bytes {
            for part in parts.iter_mut().filter(|part| !part.speakers.is_empty()) {
                part.spill();
            }
        }
        // The largest takes in the others, which moves the least.
        parts.sort_by_key(|part| std::cmp::Reverse(part.len()));
        let mut parts = parts.into_iter();
        let Some(mut all) = parts.next() else {
            return Aggregates::new().spill_above(spill_bytes);
        };
        for part in parts {
            all.merge(part);
        }
        all
    }

    /// One summary per speaker, sorted by key. Intervals are computed here, on rayon's threads.
    pub fn speakers(&self) -> Vec<SpeakerSummary<'_>> {
        self.sorted_speakers()
            .into_par_iter()
            .map_init(BootstrapScratch::default, |scratch, row| {
                self.speaker_summary(row, scratch)
            })
            .collect()
    }

    /// [`Aggregates::speakers`] made and rendered on rayon's threads, a few dozen at a time: each
    /// piece of summaries goes to `render` (with state of its own from `init`, one per thread), and
    /// what it returns goes to `each` on this thread, in order. A few thousand speakers are in hand
    /// at once, so that writing a table never holds every speaker's rows; and rendering the rows
    /// where the summaries are made spreads a table's writing, work after the last article, over
    /// the cores.
    ///
    /// # Errors
    /// Any error of `each`, which stops the pass.
    pub fn speakers_in_chunks<'a, S, R: Send>(
        &'a self,
        init: impl Fn() -> S + Sync + Send,
        render: impl Fn(&mut S, &[SpeakerSummary<'a>]) -> R + Sync + Send,
        each: impl FnMut(R) -> Result<()>,
    ) -> Result<()> {
        render_in_chunks(
            &self.sorted_speakers(),
            |&row, scratch| self.speaker_summary(row, scratch),
            init,
            render,
            each,
        )
    }

    fn speaker_summary(&self, row: u32, scratch: &mut BootstrapScratch) -> SpeakerSummary<'_> {
        let facts = &self.speakers[row as usize];
        let stats = self.stats(facts.cell, &facts.key, "", scratch);
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
        Ok(self
            .sorted_topic_cells(topic_names)?
            .into_par_iter()
            .map_init(BootstrapScratch::default, |scratch, cell| {
                self.speaker_topic_summary(cell, scratch)
            })
            .collect())
    }

    /// [`Aggregates::speaker_topics`] made and rendered as [`Aggregates::speakers_in_chunks`] makes
    /// and renders the speakers.
    ///
    /// # Errors
    /// As [`Aggregates::speaker_topics`], before `render` is first called; any error of `each`.
    pub fn speaker_topics_in_chunks<'a, S, R: Send>(
        &'a self,
        topic_names: &'a [String],
        init: impl Fn() -> S + Sync + Send,
        render: impl Fn(&mut S, &[SpeakerTopicSummary<'a>]) -> R + Sync + Send,
        each: impl FnMut(R) -> Result<()>,
    ) -> Result<()> {
        render_in_chunks(
            &self.sorted_topic_cells(topic_names)?,
            |&cell, scratch| self.speaker_topic_summary(cell, scratch),
            init,
            render,
            each,
        )
    }

    /// Each topic cell with its speaker and topic name, sorted by speaker key then topic name.
    ///
    /// Sorted by ranks rather than by the strings: each speaker key and each topic name is ranked
    /// once, so that a cell costs an integer comparison where it cost two string comparisons (most
    /// of this function's time on a large corpus, all of it after the last article).
    fn sorted_topic_cells<'a>(
        &'a self,
        topic_names: &'a [String],
    ) -> Result<Vec<(u32, &'a SpeakerFacts, &'a str)>> {
        let mut speaker_rank = vec![0u32; self.speakers.len()];
        for (rank, row) in self.sorted_speakers().into_iter().enumerate() {
            speaker_rank[row as usize] = rank as u32;
        }
        // Topics of equal names share a rank, as they compared equal before.
        let mut by_name: Vec<usize> = (0..topic_names.len()).collect();
        by_name.sort_unstable_by(|&a, &b| topic_names[a].cmp(&topic_names[b]));
        let mut topic_rank = vec![0u32; topic_names.len()];
        for pair in by_name.windows(2) {
            let same = topic_names[pair[0]] == topic_names[pair[1]];
            topic_rank[pair[1]] = topic_rank[pair[0]] + u32::from(!same);
        }
        let mut keyed: Vec<(u64, u32)> = Vec::new();
        for (cell, &(speaker, slot)) in self.cells.iter().enumerate() {
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
            let rank =
                u64::from(speaker_rank[speaker as usize]) << 32 | u64::from(topic_rank[topic]);
            keyed.push((rank, cell as u32));
        }
        keyed.sort_unstable();
        Ok(keyed
            .into_iter()
            .map(|(_, cell)| {
                let (speaker, slot) = self.cells[cell as usize];
                (
                    cell,
                    &self.speakers[speaker as usize],
                    topic_names[(slot - 1) as usize].as_str(),
                )
            })
            .collect())
    }

    fn speaker_topic_summary<'a>(
        &'a self,
        (cell, facts, topic): (u32, &'a SpeakerFacts, &'a str),
        scratch: &mut BootstrapScratch,
    ) -> SpeakerTopicSummary<'a> {
        let stats = self.stats(cell, &facts.key, topic, scratch);
        SpeakerTopicSummary {
            key: &facts.key,
            name: facts.display_name(),
            topic,
            quotes: stats.count,
            stance_mean: self.moments[[cell as usize, SUMS, STANCE]] / stats.count.max(1) as f64,
            stats,
        }
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
    fn stats(
        &self,
        cell: u32,
        key: &str,
        topic: &str,
        scratch: &mut BootstrapScratch,
    ) -> ScoreStats {
        let count = self.counts[cell as usize];
        let n = count as f64;
        let sums = &cell_moments(&self.moments, cell as usize);
        let mut mean = [0.0; SCORE_COUNT];
        let mut std = [0.0; SCORE_COUNT];
        for i in 0..SCORE_COUNT {
            mean[i] = sums[SUMS][i] / n;
            // Rounding can push the variance of identical values a hair below zero.
            std[i] = (sums[SQUARES][i] / n - mean[i] * mean[i]).max(0.0).sqrt();
        }
        ScoreStats {
            count,
            mean,
            std,
            interval: self.intervals(cell, key, topic, scratch),
        }
    }

    fn intervals(
        &self,
        cell: u32,
        key: &str,
        topic: &str,
        scratch: &mut BootstrapScratch,
    ) -> [Option<Interval>; SCORE_COUNT] {
        let count = self.counts[cell as usize];
        if self.resamples == 0 || count < 2 {
            return [None; SCORE_COUNT];
        }
        if count > BOOTSTRAP_LIMIT {
            return self.normal_intervals(cell);
        }
        let values = self.kept(cell as usize);
        // A merged-in partial that kept no scores would leave the list short: no interval beats a
        // wrong one.
        if values.len() as u64 != count {
            return [None; SCORE_COUNT];
        }
        // Sorted, the rows are drawn alike whatever order the quotes arrived or merged in.
        let mut rows = values.to_vec();
        rows.sort_unstable_by_key(|row| row.map(f32::to_bits));
        // A constant column (most cells score no threat or irony at all) means exactly its value in
        // every resample, so the draws would only confirm it.
        let constant: [Option<f32>; SCORE_COUNT] = std::array::from_fn(|score| {
            let first = rows[0][score];
            rows.iter().all(|row| row[score] == first).then_some(first)
        });
        let options = Bootstrap {
            resamples: self.resamples,
            seed: interval_seed(key, topic),
            ..Bootstrap::default()
        };
        let wanted = constant.map(|c| c.is_none());
        let mut intervals = bootstrap_column_means_with(&rows, wanted, &options, scratch);
        for (interval, value) in intervals.iter_mut().zip(constant) {
            if let Some(value) = value {
                // Adding 0 turns -0 into 0, so that a column of zeros never prints "-0".
                let value = f64::from(value) + 0.0;
                *interval = Some(Interval {
                    low: value,
                    high: value,
                });
            }
        }
        intervals
    }

    /// `mean ± 1.96 s / √n` for each score, `s` the sample standard deviation from the sums.
    fn normal_intervals(&self, cell: u32) -> [Option<Interval>; SCORE_COUNT] {
        let n = self.counts[cell as usize] as f64;
        let sums = &cell_moments(&self.moments, cell as usize);
        std::array::from_fn(|i| {
            let mean = sums[SUMS][i] / n;
            let variance = (sums[SQUARES][i] / n - mean * mean).max(0.0) * n / (n - 1.0);
            let half = NORMAL_95 * (variance / n).sqrt();
            Some(Interval {
                low: mean - half,
                high: mean + half,
            })
        })
    }

    fn keep_values(&mut self, cell: usize, rows: &[[f32; SCORE_COUNT]]) {
        if self.resamples == 0 {
            return;
        }
        let past_limit = self.counts[cell] > BOOTSTRAP_LIMIT;
        let kept = self.kept_list(cell);
        let (rows_before, before) = (kept.len(), kept.capacity());
        if past_limit {
            // Past the limit the interval needs only the sums.
            *kept = Vec::new();
        } else {
            kept.extend_from_slice(rows);
        }
        let (rows_after, after) = (kept.len(), kept.capacity());
        self.kept_rows = self.kept_rows + rows_after - rows_before;
        self.kept_bytes =
            self.kept_bytes + block_bytes(after * ROW_BYTES) - block_bytes(before * ROW_BYTES);
    }

    /// The scores kept for `cell`: none when no scores are kept.
    fn kept(&self, cell: usize) -> &[[f32; SCORE_COUNT]] {
        self.values.get(cell).map_or(&[], Vec::as_slice)
    }

    /// The list of kept scores of `cell`, made (with those of the cells before it) if missing.
    fn kept_list(&mut self, cell: usize) -> &mut Vec<[f32; SCORE_COUNT]> {
        if self.values.len() <= cell {
            self.values
                .resize_with(self.cells.len().max(cell + 1), Vec::new);
        }
        &mut self.values[cell]
    }

    /// The bytes held: every vector and map at its capacity, and the blocks they point to. The
    /// allocator takes this much whatever part of it is filled, and a run is cut by it.
    fn held_bytes(&self) -> usize {
        self.cells.capacity() * CELL_BYTES
            + self.values.capacity() * LIST_BYTES
            + self.speakers_bytes(self.speakers.capacity())
            + map_bytes(&self.cell_index)
            + map_bytes(&self.speaker_index)
            + self.kept_bytes
            + self.text_bytes
    }

    /// What the per-cell vectors take with room for `cells`.
    fn cells_bytes(&self, cells: usize) -> usize {
        let lists = if self.resamples == 0 { 0 } else { LIST_BYTES };
        cells * (CELL_BYTES + lists)
    }

    fn speakers_bytes(&self, speakers: usize) -> usize {
        speakers * std::mem::size_of::<SpeakerFacts>()
    }

    /// What the vectors and maps within [`GROWTH_ROOM`] of their capacity will add when they grow,
    /// which they do by doubling.
    fn next_growth(&self) -> usize {
        let near_full = |len: usize, capacity: usize| capacity - len < GROWTH_ROOM;
        let mut bytes = 0;
        if near_full(self.cells.len(), self.cells.capacity()) {
            bytes += self.cells_bytes(self.cells.capacity());
        }
        if near_full(self.cell_index.len(), self.cell_index.capacity()) {
            bytes += map_bytes(&self.cell_index);
        }
        if near_full(self.speakers.len(), self.speakers.capacity()) {
            bytes += self.speakers_bytes(self.speakers.capacity());
        }
        if near_full(self.speaker_index.len(), self.speaker_index.capacity()) {
            bytes += map_bytes(&self.speaker_index);
        }
        bytes
    }

    /// The row of speaker `key`, created if new. Allocates only for a new speaker.
    fn speaker_row(&mut self, key: &str) -> u32 {
        if let Some(&row) = self.speaker_index.get(key) {
            return row;
        }
        let row = self.speakers.len() as u32;
        let cell = self.push_cell(row, ALL_TOPICS) as u32;
        self.speakers.push(SpeakerFacts {
            key: key.to_string(),
            cell,
            ..Default::default()
        });
        self.text_bytes += 2 * block_bytes(key.len());
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
            let next = self.cells.len();
            match self.cell_index.entry(cell_key(speaker, slot)) {
                Entry::Occupied(known) => *known.get() as usize,
                Entry::Vacant(new) => {
                    new.insert(next as u32);
                    self.push_cell(speaker, slot)
                }
            }
        };
        self.counts[cell] += quotes;
        // The array is grown cell by cell in standard layout, so a cell's sums lie together: one run
        // of additions over them, in the order of the planes, without a shape check per element.
        let width = 2 * COLUMNS;
        let all = self
            .moments
            .as_slice_mut()
            .expect("an array grown cell by cell is in standard layout");
        for (sum, v) in all[cell * width..(cell + 1) * width]
            .iter_mut()
            .zip(values.iter().flatten())
        {
            *sum += v;
        }
        cell
    }

    /// Makes room for `additional` more cells.
    fn reserve_cells(&mut self, additional: usize) {
        self.cells.reserve(additional);
        self.counts.reserve(additional);
        if self.resamples > 0 {
            self.values.reserve(additional);
        }
        self.cell_index.reserve(additional);
        // Fails only when the array is not in standard layout, which one grown with `push` is.
        let _ = self.moments.reserve(Axis(0), additional);
    }

    /// An empty cell of (`speaker`, `slot`); the caller enters a topic cell in the index.
    fn push_cell(&mut self, speaker: u32, slot: u32) -> usize {
        let cell = self.cells.len();
        self.moments
            .push(Axis(0), aview2(&[[0.0; COLUMNS]; 2]))
            .expect("a new cell has the shape of every cell");
        self.cells.push((speaker, slot));
        self.counts.push(0);
        if self.resamples > 0 {
            self.values.resize_with(cell + 1, Vec::new);
        }
        cell
    }
}

/// A run: speakers sorted by key, written by [`RunSpeaker::write_to`] to a temporary file and read
/// back through the handle kept here. On Unix the file's name is removed as soon as it is created, so
/// the space goes back when the handle closes, even if the process is killed or exits without
/// dropping its aggregates (as `tenor` does to save time); elsewhere it is removed when dropped.
#[derive(Debug)]
struct Run {
    file: std::fs::File,
    /// Where the file was created, for error messages.
    path: PathBuf,
}

impl Run {
    fn create(path: PathBuf) -> std::io::Result<Run> {
        let file = std::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        #[cfg(unix)]
        std::fs::remove_file(&path)?;
        Ok(Run { file, path })
    }
}

#[cfg(not(unix))]
impl Drop for Run {
    fn drop(&mut self) {
        // Nothing to be done if it is already gone.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads a run from a position of its own, so that several readers of one run never disturb each
/// other through the file offset their handles would share.
struct RunCursor<'a> {
    file: &'a std::fs::File,
    offset: u64,
}

impl std::io::Read for RunCursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let read = std::os::unix::fs::FileExt::read_at(self.file, buf, self.offset)?;
        #[cfg(windows)]
        let read = std::os::windows::fs::FileExt::seek_read(self.file, buf, self.offset)?;
        self.offset += read as u64;
        Ok(read)
    }
}

/// One speaker's statistics as a run holds them: the facts, then each cell with its sums and kept
/// scores. Floats travel as their bits, so a run reads back exactly what was written.
#[derive(Debug)]
struct RunSpeaker {
    key: String,
    names: Vec<(String, u64)>,
    roles: Vec<(String, u64)>,
    types: [u64; SPEAKER_TYPES.len()],
    articles: u64,
    words: u64,
    cells: Vec<RunCell>,
}

#[derive(Debug)]
struct RunCell {
    slot: u32,
    quotes: u64,
    moments: [[f64; COLUMNS]; 2],
    values: Vec<[f32; SCORE_COUNT]>,
}

impl RunSpeaker {
    fn write_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        fn text(out: &mut impl Write, s: &str) -> std::io::Result<()> {
            out.write_all(&(s.len() as u64).to_le_bytes())?;
            out.write_all(s.as_bytes())
        }
        fn number(out: &mut impl Write, n: u64) -> std::io::Result<()> {
            out.write_all(&n.to_le_bytes())
        }
        text(out, &self.key)?;
        for list in [&self.names, &self.roles] {
            number(out, list.len() as u64)?;
            for (value, count) in list {
                text(out, value)?;
                number(out, *count)?;
            }
        }
        for n in self.types.iter().chain([&self.articles, &self.words]) {
            number(out, *n)?;
        }
        number(out, self.cells.len() as u64)?;
        for cell in &self.cells {
            number(out, u64::from(cell.slot))?;
            number(out, cell.quotes)?;
            for v in cell.moments.iter().flatten() {
                number(out, v.to_bits())?;
            }
            number(out, cell.values.len() as u64)?;
            for row in &cell.values {
                for v in row {
                    out.write_all(&v.to_bits().to_le_bytes())?;
                }
            }
        }
        Ok(())
    }

    /// The next speaker of a run, or `None` at its end.
    fn read_from(input: &mut impl BufRead) -> std::io::Result<Option<RunSpeaker>> {
        fn number(input: &mut impl BufRead) -> std::io::Result<u64> {
            let mut bytes = [0; 8];
            input.read_exact(&mut bytes)?;
            Ok(u64::from_le_bytes(bytes))
        }
        fn length(input: &mut impl BufRead) -> std::io::Result<usize> {
            usize::try_from(number(input)?).map_err(std::io::Error::other)
        }
        fn text(input: &mut impl BufRead) -> std::io::Result<String> {
            let mut bytes = vec![0; length(input)?];
            input.read_exact(&mut bytes)?;
            String::from_utf8(bytes).map_err(std::io::Error::other)
        }
        fn tallies(input: &mut impl BufRead) -> std::io::Result<Vec<(String, u64)>> {
            (0..length(input)?)
                .map(|_| Ok((text(input)?, number(input)?)))
                .collect()
        }
        if input.fill_buf()?.is_empty() {
            return Ok(None);
        }
        let key = text(input)?;
        let names = tallies(input)?;
        let roles = tallies(input)?;
        let mut types = [0; SPEAKER_TYPES.len()];
        for n in &mut types {
            *n = number(input)?;
        }
        let articles = number(input)?;
        let words = number(input)?;
        let mut cells = Vec::new();
        for _ in 0..length(input)? {
            let slot = u32::try_from(number(input)?).map_err(std::io::Error::other)?;
            let quotes = number(input)?;
            let mut moments = [[0.0; COLUMNS]; 2];
            for v in moments.iter_mut().flatten() {
                *v = f64::from_bits(number(input)?);
            }
            let mut values = Vec::new();
            for _ in 0..length(input)? {
                let mut row = [0.0f32; SCORE_COUNT];
                for v in &mut row {
                    let mut bytes = [0; 4];
                    input.read_exact(&mut bytes)?;
                    *v = f32::from_bits(u32::from_le_bytes(bytes));
                }
                values.push(row);
            }
            cells.push(RunCell {
                slot,
                quotes,
                moments,
                values,
            });
        }
        Ok(Some(RunSpeaker {
            key,
            names,
            roles,
            types,
            articles,
            words,
            cells,
        }))
    }
}

/// Reads one run's speakers in order.
struct RunReader<'a> {
    run: &'a Run,
    input: std::io::BufReader<RunCursor<'a>>,
}

impl<'a> RunReader<'a> {
    fn open(run: &'a Run) -> Result<Self> {
        let cursor = RunCursor {
            file: &run.file,
            offset: 0,
        };
        Ok(RunReader {
            run,
            input: std::io::BufReader::with_capacity(1 << 16, cursor),
        })
    }

    fn next(&mut self) -> Result<Option<RunSpeaker>> {
        RunSpeaker::read_from(&mut self.input).map_err(|e| Error::io(&self.run.path, e))
    }
}

impl Aggregates {
    /// Calls `each` with batches that together hold every speaker exactly once, in increasing key
    /// order from one batch to the next; a speaker's pieces from different runs are added up first.
    /// Without runs the one batch is `self`. Write tables from the batches' [`Aggregates::speakers`]
    /// and [`Aggregates::speaker_topics`] in turn, and the rows come out as one pass would give them.
    ///
    /// # Errors
    /// [`Error::Io`] when a run cannot be read back; any error of `each`.
    pub fn in_batches(&self, mut each: impl FnMut(&Aggregates) -> Result<()>) -> Result<()> {
        if self.runs.is_empty() {
            return each(self);
        }
        let mut readers = self
            .runs
            .iter()
            .map(|run| RunReader::open(run))
            .collect::<Result<Vec<_>>>()?;
        let mut heads = readers
            .iter_mut()
            .map(RunReader::next)
            .collect::<Result<Vec<_>>>()?;
        let held = self.sorted_speakers();
        let cells_of = self.cells_by_speaker();
        let mut next_held = 0;
        let fresh = || Aggregates::with_resamples(self.resamples).spill_above(usize::MAX);
        let mut batch = fresh();
        loop {
            let held_key = held
                .get(next_held)
                .map(|&row| self.speakers[row as usize].key.as_str());
            let smallest = heads
                .iter()
                .flatten()
                .map(|speaker| speaker.key.as_str())
                .chain(held_key)
                .min()
                .map(str::to_string);
            let Some(smallest) = smallest else {
                break;
            };
            if held_key == Some(smallest.as_str()) {
                let row = held[next_held];
                batch.add_run_speaker(self.run_speaker(row, &cells_of[row as usize]));
                next_held += 1;
            }
            for (head, reader) in heads.iter_mut().zip(&mut readers) {
                if let Some(speaker) = head.take_if(|speaker| speaker.key == smallest) {
                    batch.add_run_speaker(speaker);
                    *head = reader.next()?;
                }
            }
            if batch.len() >= BATCH_SPEAKERS || batch.held_bytes() >= BATCH_BYTES {
                each(&batch)?;
                batch = fresh();
            }
        }
        if !batch.is_empty() {
            each(&batch)?;
        }
        Ok(())
    }

    /// Writes what is held as a run and empties memory, if more than the budget is held.
    fn spill_if_full(&mut self) {
        if self.spill_failed || self.held_bytes() + self.next_growth() <= self.spill_bytes {
            return;
        }
        self.spill();
    }

    /// Writes what is held as a run and empties memory; if the run cannot be written, everything
    /// stays in memory from then on.
    fn spill(&mut self) {
        match self.write_run() {
            Ok(run) => {
                let runs = std::mem::take(&mut self.runs);
                *self = Aggregates {
                    runs,
                    ..Aggregates::with_resamples(self.resamples).spill_above(self.spill_bytes)
                };
                self.runs.push(Arc::new(run));
            }
            // A full or read-only temporary directory costs memory, not the tables.
            Err(_) => self.spill_failed = true,
        }
    }

    fn write_run(&self) -> std::io::Result<Run> {
        use std::hash::BuildHasher;
        // Each RandomState is seeded afresh, so runs of one process get different names.
        let tag = std::collections::hash_map::RandomState::new().hash_one(self.speakers.len());
        let name = format!("tenor-run-{}-{tag:016x}.bin", std::process::id());
        // Made before writing, so that a failed write removes the file.
        let run = Run::create(std::env::temp_dir().join(name))?;
        {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, &run.file);
            let cells_of = self.cells_by_speaker();
            for row in self.sorted_speakers() {
                self.run_speaker(row, &cells_of[row as usize])
                    .write_to(&mut out)?;
            }
            out.flush()?;
        }
        Ok(run)
    }

    fn cells_by_speaker(&self) -> Vec<Vec<u32>> {
        let mut cells_of: Vec<Vec<u32>> = vec![Vec::new(); self.speakers.len()];
        for (cell, &(speaker, _)) in self.cells.iter().enumerate() {
            cells_of[speaker as usize].push(cell as u32);
        }
        cells_of
    }

    /// A copy of speaker `row`, whose cells are `cells`.
    fn run_speaker(&self, row: u32, cells: &[u32]) -> RunSpeaker {
        let facts = &self.speakers[row as usize];
        RunSpeaker {
            key: facts.key.clone(),
            names: facts.names.clone(),
            roles: facts.roles.clone(),
            types: facts.types,
            articles: facts.articles,
            words: facts.words,
            cells: cells
                .iter()
                .map(|&cell| {
                    let cell = cell as usize;
                    RunCell {
                        slot: self.cells[cell].1,
                        quotes: self.counts[cell],
                        moments: cell_moments(&self.moments, cell),
                        values: self.kept(cell).to_vec(),
                    }
                })
                .collect(),
        }
    }

    fn add_run_speaker(&mut self, speaker: RunSpeaker) {
        let row = self.speaker_row(&speaker.key);
        self.text_bytes += self.speakers[row as usize].absorb(
            speaker.articles,
            speaker.words,
            speaker.types,
            &speaker.names,
            &speaker.roles,
        );
        for cell in speaker.cells {
            let mine = self.add_to_cell(row, cell.slot, cell.quotes, &cell.moments);
            self.keep_values(mine, &cell.values);
        }
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
        write_partial_line(&mut out, &header, label)?;
        self.in_batches(|batch| batch.write_partial_speakers(topic_names, &mut out, label))?;
        out.flush().map_err(|e| Error::io(label, e))
    }

    /// The speaker lines of [`Aggregates::write_partials`] for the speakers held in memory.
    fn write_partial_speakers<W: Write>(
        &self,
        topic_names: &[String],
        out: &mut W,
        label: &Path,
    ) -> Result<()> {
        let cells_of = self.cells_by_speaker();
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
                let moments = cell_moments(&self.moments, cell as usize);
                let units = |plane: usize| moments[plane].map(to_units);
                let mut values: Vec<[u32; SCORE_COUNT]> = self
                    .kept(cell as usize)
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
            write_partial_line(out, &line, label)?;
        }
        Ok(())
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
                    self.spill_if_full();
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
        let t = &speaker.types;
        self.text_bytes += self.speakers[row as usize].absorb(
            speaker.articles,
            speaker.words,
            [t.person, t.organisation, t.group, t.anonymous],
            &speaker.names,
            &speaker.roles,
        );
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

fn write_partial_line<W: Write>(out: &mut W, line: &PartialLine, label: &Path) -> Result<()> {
    serde_json::to_writer(&mut *out, line).map_err(|e| Error::Output {
        path: label.to_path_buf(),
        message: e.to_string(),
    })?;
    out.write_all(b"\n").map_err(|e| Error::io(label, e))
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

/// The bootstrap seed of one cell: FNV-1a of the speaker key and topic.
/// Written out rather than taken from `std::hash`, whose output may change between Rust releases and
/// would change published intervals with it.
fn interval_seed(key: &str, topic: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    // 0xFF never occurs in UTF-8, so ("ab", "c") and ("a", "bc") hash apart.
    for &byte in key.as_bytes().iter().chain(&[0xFF]).chain(topic.as_bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
    }
    hash
}

fn topic_slot(topic: TopicId) -> u32 {
    u32::from(topic) + 1
}

/// `v` rounded to the summing grid (see [`GRID`]). A non-finite score would poison every sum it joins,
/// so it counts as 0.
fn on_grid(v: f64) -> f64 {
    if !v.is_finite() {
        return 0.0;
    }
    let steps = v * GRID;
    // Past 2^52 every float is whole.
    if steps.abs() >= (1u64 << 52) as f64 {
        return steps / GRID;
    }
    // `f64::round` is a library call on the baseline x86-64 target, twenty of them a quote. Below
    // 2^52 the whole part and the rest are exact, so this rounds as it does: halves away from
    // zero, and -0.3 to -0.
    let whole = steps as i64;
    let rest = steps - whole as f64;
    let rounded = if rest >= 0.5 {
        whole + 1
    } else if rest <= -0.5 {
        whole - 1
    } else {
        whole
    };
    (rounded as f64).copysign(steps) / GRID
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
    fn each_cell_has_its_own_seed() {
        assert_ne!(interval_seed("ab", "c"), interval_seed("a", "bc"));
        assert_ne!(interval_seed("ab", ""), interval_seed("ab", "c"));
        assert_eq!(interval_seed("ab", "c"), interval_seed("ab", "c"));
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
    fn sums_are_rounded_to_the_grid_as_the_library_rounds() {
        let half_step = 0.5 / GRID;
        let mut values = vec![
            0.0,
            -0.0,
            0.3 / GRID,
            -0.3 / GRID,
            1e10,
            -1e300,
            4.5e15 / GRID,
        ];
        for k in [0.0, 1.0, 2.0, 7.0, 1e6] {
            // Exact halves, and the floats either side of them.
            for v in [k / GRID + half_step, -(k / GRID + half_step)] {
                values.extend([v, v.next_up(), v.next_down()]);
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..10_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let score = (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0;
            values.extend([f64::from(score), f64::from(score) * f64::from(score)]);
        }
        for v in values {
            let expected = (v * GRID).round() / GRID;
            assert_eq!(on_grid(v).to_bits(), expected.to_bits(), "{v:e}");
        }
        assert_eq!(on_grid(f64::NAN), 0.0);
    }

    #[test]
    fn the_bytes_held_stay_within_the_budget() {
        let budget = 64 << 10;
        let mut aggregates = Aggregates::with_resamples(200).spill_above(budget);
        for n in 0..3_000 {
            let speaker = format!("Speaker Number{n}");
            aggregates.add_article(&said(&n.to_string(), &speaker, &[0.25, -0.5], &[0, 3]));
            assert!(aggregates.held_bytes() <= budget, "article {n}");
        }
        assert!(aggregates.runs.len() > 5);
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
    fn a_constant_column_gets_its_value_as_interval() {
        // Sentiments of -0 and 0: a column of zeros of either sign, printed as 0, never -0.
        let aggregates = fed(&[said("a", "Ana Petrova", &[-0.0, 0.0, -0.0], &[])], 2000);
        let ana = &aggregates.speakers()[0].stats;
        let sentiment = ana.interval[0].unwrap();
        assert_eq!(
            sentiment,
            Interval {
                low: 0.0,
                high: 0.0
            }
        );
        assert!(sentiment.low.is_sign_positive() && sentiment.high.is_sign_positive());
        // Threat is 0 throughout too; irony is constant at its default.
        for interval in ana.interval {
            let interval = interval.unwrap();
            assert_eq!(interval.low, interval.high);
        }
    }

    /// An article in which `speaker` says `quotes` quotes whose sentiments cycle through 0, 0.25, 0.5.
    fn talkative(id: &str, speaker: &str, quotes: usize) -> AnalysedArticle {
        let sentiments: Vec<f32> = (0..quotes).map(|n| (n % 3) as f32 / 4.0).collect();
        said(id, speaker, &sentiments, &[0])
    }

    #[test]
    fn a_cell_past_the_limit_keeps_no_scores_and_gets_the_normal_interval() {
        let limit = BOOTSTRAP_LIMIT as usize;
        let aggregates = fed(&[talkative("a", "Ana Petrova", limit + 1)], 100);
        assert!(aggregates.values.iter().all(Vec::is_empty));
        assert_eq!(aggregates.kept_rows, 0);
        let stats = &aggregates.speakers()[0].stats;
        let (mean, sd) = (stats.mean[0], stats.std[0]);
        let n = (limit + 1) as f64;
        let half = NORMAL_95 * sd * (n / (n - 1.0)).sqrt() / n.sqrt();
        let interval = stats.interval[0].unwrap();
        assert!((interval.low - (mean - half)).abs() < 1e-12, "{interval:?}");
        assert!(
            (interval.high - (mean + half)).abs() < 1e-12,
            "{interval:?}"
        );

        // At the limit the scores are kept and bootstrapped.
        let at_limit = fed(&[talkative("a", "Ana Petrova", limit)], 100);
        assert_eq!(at_limit.kept_rows, 2 * limit);
        assert!(at_limit.speakers()[0].stats.interval[0].is_some());
    }

    #[test]
    fn merging_past_the_limit_gives_what_one_pass_gives() {
        let half = BOOTSTRAP_LIMIT as usize / 2 + 1;
        let articles = [
            talkative("a", "Ana Petrova", half),
            talkative("b", "Ana Petrova", half),
        ];
        let whole = fed(&articles, 100);
        let mut merged = fed(&articles[..1], 100);
        merged.merge(fed(&articles[1..], 100));
        assert_eq!(merged.kept_rows, 0);
        assert_eq!(merged.speakers(), whole.speakers());
    }

    /// Every row of both tables, through [`Aggregates::in_batches`], as text.
    fn tables(aggregates: &Aggregates, topics: &[String]) -> (Vec<String>, Vec<String>) {
        let (mut speakers, mut by_topic) = (Vec::new(), Vec::new());
        aggregates
            .in_batches(|batch| {
                speakers.extend(batch.speakers().iter().map(|s| format!("{s:?}")));
                let rows = batch.speaker_topics(topics)?;
                by_topic.extend(rows.iter().map(|s| format!("{s:?}")));
                Ok(())
            })
            .unwrap();
        (speakers, by_topic)
    }

    #[test]
    fn spilled_runs_merge_into_the_tables_one_pass_in_memory_gives() {
        let topics = ["ukraine".to_string(), "economy".to_string()];
        let mut articles = corpus();
        // Anonymous sources keyed per article, as the pipeline keys them, and a speaker in every
        // run.
        for n in 0..40 {
            articles.push(said(
                &format!("x{n}"),
                &format!("a spokesman [x{n}]"),
                &[0.5],
                &[1],
            ));
            articles.push(said(
                &format!("y{n}"),
                "Ana Petrova",
                &[0.25 * (n % 4) as f32],
                &[0],
            ));
        }
        let in_memory = {
            let mut all = Aggregates::with_resamples(200).spill_above(usize::MAX);
            articles.iter().for_each(|a| all.add_article(a));
            all
        };
        assert!(!in_memory.has_spilled());
        // A budget of one byte spills after every article.
        let mut spilled = Aggregates::with_resamples(200).spill_above(1);
        articles.iter().for_each(|a| spilled.add_article(a));
        assert!(spilled.runs.len() > 40);
        assert!(spilled.len() <= 1);
        assert_eq!(tables(&spilled, &topics), tables(&in_memory, &topics));
        assert_eq!(tables(&in_memory, &topics).0.len(), 42);

        // Partials of a spilled aggregate read back as the same tables.
        let mut bytes = Vec::new();
        spilled
            .write_partials(&topics, &mut bytes, Path::new("part"))
            .unwrap();
        let mut read = Aggregates::new();
        read.read_partials(&bytes[..], Path::new("part"), &mut Vec::new())
            .unwrap();
        assert_eq!(tables(&read, &topics), tables(&in_memory, &topics));

        // No run file is left behind: on Unix none has a name once created, elsewhere they go when
        // the last aggregates holding them does.
        let paths: Vec<PathBuf> = spilled.runs.iter().map(|r| r.path.clone()).collect();
        assert!(paths.iter().all(|p| cfg!(not(unix)) || !p.exists()));
        drop(spilled);
        assert!(paths.iter().all(|p| !p.exists()));
    }

    #[test]
    fn tables_written_in_chunks_have_the_rows_of_one_pass_in_the_same_order() {
        // More speakers than one chunk, each on a topic, so that both tables cross a chunk boundary.
        let articles: Vec<AnalysedArticle> = (0..SUMMARY_CHUNK + 7)
            .map(|n| {
                let sentiment = (n % 9) as f32 / 8.0 - 0.5;
                said(
                    &format!("a{n}"),
                    &format!("Speaker {n}"),
                    &[sentiment, 0.25],
                    &[(n % 3) as TopicId],
                )
            })
            .collect();
        let aggregates = fed(&articles, 50);
        let topics = [
            "economy".to_string(),
            "health".to_string(),
            "security".to_string(),
        ];

        let mut speakers = Vec::new();
        let mut pieces = 0;
        aggregates
            .speakers_in_chunks(
                || (),
                |_, piece| piece.to_vec(),
                |piece| {
                    pieces += 1;
                    speakers.extend(piece);
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(pieces, SUMMARY_CHUNK.div_ceil(RENDER_PIECE) + 1);
        assert_eq!(speakers, aggregates.speakers());

        let mut rows = Vec::new();
        aggregates
            .speaker_topics_in_chunks(
                &topics,
                || (),
                |_, piece| piece.to_vec(),
                |piece| {
                    rows.extend(piece);
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(rows.len(), SUMMARY_CHUNK + 7);
        assert_eq!(rows, aggregates.speaker_topics(&topics).unwrap());

        // A topic without a name fails before any row is made.
        let mut handed = 0;
        let unnamed = aggregates.speaker_topics_in_chunks(
            &topics[..1],
            || (),
            |_, piece| piece.len(),
            |made| {
                handed += made;
                Ok(())
            },
        );
        assert!(matches!(unnamed, Err(Error::Usage(_))));
        assert_eq!(handed, 0);
    }

    #[test]
    fn parts_over_the_budget_are_spilled_before_they_merge() {
        let articles = corpus();
        let topics = ["economy".to_string(), "health".to_string()];
        let whole = fed(&articles, 200);
        let parts = || vec![fed(&articles[..2], 200), fed(&articles[2..], 200)];
        let in_memory = Aggregates::merge_parts(parts(), usize::MAX);
        assert!(!in_memory.has_spilled());
        let spilled = Aggregates::merge_parts(parts(), 1);
        assert_eq!(spilled.runs.len(), 2);
        // Every speaker is in the runs, none in memory.
        assert!(!spilled.is_empty());
        assert_eq!(spilled.len(), 0);
        assert_eq!(tables(&in_memory, &topics), tables(&whole, &topics));
        assert_eq!(tables(&spilled, &topics), tables(&whole, &topics));
    }

    #[test]
    fn merging_parts_moves_their_kept_scores_and_gives_the_one_pass_tables() {
        let articles = corpus();
        let whole = fed(&articles, 200);
        let mut merged = fed(&articles[..1], 200);
        merged.merge(fed(&articles[1..3], 200));
        merged.merge(fed(&articles[3..], 200));
        assert_eq!(merged.kept_rows, whole.kept_rows);
        assert_eq!(merged.speakers(), whole.speakers());
        let topics = ["economy".to_string(), "health".to_string()];
        assert_eq!(
            merged.speaker_topics(&topics).unwrap(),
            whole.speaker_topics(&topics).unwrap()
        );
    }
}
