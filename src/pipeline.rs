//! The pipeline: one article in, one [`AnalysedArticle`] out, through ingest → segment → quotes →
//! topics → scoring. [`Engine`] holds everything built from lexicons, once, shared read-only across
//! threads. Aggregation and writing are left to [`crate::aggregate`] and [`crate::output`].

use crate::quotes::{Framing, QuoteKind, SpeakerType};
use crate::scoring::Scores;
use crate::topics::{TopicId, TopicSource};

/// Whether an article was analysed.
#[derive(Debug, Clone, PartialEq)]
pub enum ArticleStatus {
    Ok,
    /// Read, but not in English: its quotes are neither extracted nor scored, since tenor's lexicons
    /// and cues are English (see [`EngineBuilder::score_any_language`]).
    NotEnglish,
    Skipped {
        reason: String,
    },
}

/// One quote with everything the tables need. Offsets are Unicode code points into the article text.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredQuote {
    /// `ARTICLE_ID:N`, N counting from 1 in text order.
    pub quote_id: String,
    pub kind: QuoteKind,
    pub start: usize,
    pub end: usize,
    /// Canonical speaker name; `None` when no speaker was found.
    pub speaker: Option<String>,
    /// Cross-article key of the speaker (case- and accent-folded canonical name).
    pub speaker_key: Option<String>,
    pub speaker_type: Option<SpeakerType>,
    /// The speaker's role from titles and appositions ("Russian Foreign Minister"), when the text gives one.
    pub speaker_role: Option<String>,
    /// The mention that named the speaker for this quote, as written.
    pub speaker_mention: String,
    /// The cue as written; empty when none.
    pub cue: String,
    pub framing: Option<Framing>,
    pub framing_tone: f32,
    pub topics: Vec<TopicId>,
    pub topic_source: TopicSource,
    pub text: String,
    /// Number of words in `text`.
    pub words: usize,
    pub scores: Scores,
    /// Lexicon hits and rules, rendered `label:value` and joined with `;`.
    pub evidence: String,
}

/// One article after analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysedArticle {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub fields: Vec<(String, String)>,
    pub status: ArticleStatus,
    pub quotes: Vec<ScoredQuote>,
    /// Number of distinct speakers of the article's quotes.
    pub speakers: usize,
    pub warnings: Vec<String>,
    /// The language of the text; `None` for a skipped record, whose text was not read.
    pub language: Option<Language>,
}

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::time::Duration;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::guard;
use crate::ingest::{Article, Record};
use crate::interrupt::Stop;
use crate::language::{Language, LanguageDetector};
use crate::markup::blank_markup;
use crate::quotes::attribution::QuoteExtractor;
use crate::quotes::lexicon::AttributionLexicon;
use crate::quotes::speakers::speaker_key;
use crate::quotes::{ArticleQuotes, Quote};
use crate::scoring::{Lexicons, Scorer};
use crate::segment::Segmented;
use crate::text::CharOffsets;
use crate::topics::{TopicLexicon, TopicMentions};

/// Everything built from lexicons, once: quote extraction, topics and scoring. Shared read-only across
/// threads.
pub struct Engine {
    quotes: QuoteExtractor,
    topics: TopicLexicon,
    scorer: Scorer,
    /// Folded alias to canonical name, from `--aliases`.
    aliases: HashMap<String, String>,
    languages: LanguageDetector,
    score_any_language: bool,
}

/// Builds an [`Engine`] from the default lexicons and a user's files.
#[derive(Debug, Default, Clone)]
pub struct EngineBuilder {
    lexicons: Vec<PathBuf>,
    topics: Option<PathBuf>,
    aliases: Option<PathBuf>,
    score_any_language: bool,
}

impl EngineBuilder {
    /// Adds a lexicon file that adds to or overrides the defaults. Cue, manner and title tables are
    /// recognised by their header row (`cue`, `adverb`, `title`); any other file goes to the scorer.
    pub fn lexicon(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.lexicons.push(path.into());
        self
    }

    /// Replaces the default topics with a user's topics.toml.
    pub fn topics(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.topics = Some(path.into());
        self
    }

    /// A CSV file of `alias,canonical` rows that merges names no rule can join.
    pub fn aliases(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.aliases = Some(path.into());
        self
    }

    /// Extracts and scores the quotes of articles in any language, not only English ones.
    pub fn score_any_language(&mut self, yes: bool) -> &mut Self {
        self.score_any_language = yes;
        self
    }

    pub fn build(&self) -> Result<Engine> {
        let mut attribution = AttributionLexicon::embedded()?;
        let mut scoring = Lexicons::builder();
        scoring.add_embedded()?;
        for path in &self.lexicons {
            let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            let header = source
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .and_then(|l| l.split('\t').next())
                .unwrap_or("");
            match header {
                "cue" => attribution.add_cues(&source, path)?,
                "adverb" => attribution.add_manner(&source, path)?,
                "title" => attribution.add_titles(&source, path)?,
                _ => {
                    scoring.add_file(path)?;
                }
            }
        }
        let topics = match &self.topics {
            Some(path) => TopicLexicon::load(path)?,
            None => TopicLexicon::embedded()?,
        };
        let aliases = match &self.aliases {
            Some(path) => read_aliases(path)?,
            None => HashMap::new(),
        };
        Ok(Engine {
            quotes: QuoteExtractor::new(attribution),
            topics,
            scorer: Scorer::new(scoring.build()),
            aliases,
            languages: LanguageDetector::new(),
            score_any_language: self.score_any_language,
        })
    }
}

fn read_aliases(path: &Path) -> Result<HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_path(path)
        .map_err(|e| Error::Input {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let mut aliases = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| Error::Input {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let line = row.position().map_or(i + 1, |p| p.line() as usize);
        let (Some(alias), Some(canonical)) = (row.get(0), row.get(1)) else {
            return Err(Error::Lexicon {
                path: path.to_path_buf(),
                line,
                message: "expected alias,canonical".into(),
            });
        };
        if line == 1 && alias.trim() == "alias" {
            continue;
        }
        aliases.insert(speaker_key(alias.trim()), canonical.trim().to_string());
    }
    Ok(aliases)
}

/// The byte offset of code point `chars` of `text`, or its length when `chars` is past the end.
fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(b, _)| b)
}

/// Where a window's quotes go in their article.
#[derive(Debug, Clone, Copy)]
struct QuotePlace {
    /// Quotes of the article before the window.
    number: usize,
    /// Code points of the article before the window.
    chars_before: usize,
}

/// Topics the quote names; when it names none, those of its sentence, then its paragraph.
fn topics_of(
    seg: &Segmented<'_>,
    quote: &Quote,
    mentions: &TopicMentions,
    out: &mut Vec<TopicId>,
) -> TopicSource {
    out.clear();
    mentions.within(quote.span.start, quote.span.end, out);
    if !out.is_empty() {
        return TopicSource::Quote;
    }
    let sentence = seg
        .sentence_at(quote.span.start)
        .map(|s| seg.sentences[s].span);
    let paragraph = seg.paragraphs.get(quote.paragraph).map(|p| p.span);
    for context in [sentence, paragraph].into_iter().flatten() {
        mentions.within(context.start, context.end, out);
        if !out.is_empty() {
            return TopicSource::Context;
        }
    }
    TopicSource::None
}

impl Engine {
    /// An engine with the lexicons shipped in the binary.
    pub fn with_defaults() -> Result<Engine> {
        EngineBuilder::default().build()
    }

    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    pub fn topics(&self) -> &TopicLexicon {
        &self.topics
    }

    pub fn quote_extractor(&self) -> &QuoteExtractor {
        &self.quotes
    }

    /// Sentiment toward the target at code points `from..to` of `sentence` (see
    /// [`Scorer::score_toward`]). Offsets past the end are clamped to it.
    pub fn target_sentiment(&self, sentence: &str, from: usize, to: usize) -> f64 {
        let target = crate::text::Span::new(
            byte_offset(sentence, from),
            byte_offset(sentence, to.max(from)),
        );
        f64::from(self.scorer.score_toward(sentence, target).scores.sentiment)
    }

    /// Analyses one input record; a skipped record passes through with its reason.
    pub fn analyse_record(&self, record: Record) -> AnalysedArticle {
        match record {
            Record::Article(article) => self.analyse(article),
            Record::Skipped(skipped) => AnalysedArticle {
                id: skipped.id,
                title: String::new(),
                source: String::new(),
                date: String::new(),
                fields: Vec::new(),
                status: ArticleStatus::Skipped {
                    reason: skipped.reason,
                },
                quotes: Vec::new(),
                speakers: 0,
                warnings: Vec::new(),
                language: None,
            },
        }
    }

    /// Analyses a text given directly, as an article with this id.
    pub fn analyse_text(&self, id: &str, text: &str) -> AnalysedArticle {
        self.analyse(Article {
            id: id.to_string(),
            text: text.to_string(),
            ..Article::default()
        })
    }

    /// Finds, attributes, places and scores the quotes of one article. HTML markup in the text is
    /// blanked first ([`crate::markup`]); a text in another language than English is left unscored
    /// unless the engine scores any language; a long text is analysed in windows ([`crate::guard`]).
    pub fn analyse(&self, article: Article) -> AnalysedArticle {
        let text = blank_markup(&article.text);
        let language = self.languages.detect(&text);
        let mut quotes = Vec::new();
        let status = if language.is_english() || self.score_any_language {
            let mut chars_before = 0;
            for window in guard::windows(&text, guard::WINDOW_BYTES) {
                let window = window.of(&text);
                let seg = Segmented::new(window);
                let found = self.quotes.extract(&seg);
                let place = QuotePlace {
                    number: quotes.len(),
                    chars_before,
                };
                quotes.extend(self.score_quotes(&article.id, &seg, &found, place));
                chars_before += window.chars().count();
            }
            ArticleStatus::Ok
        } else {
            ArticleStatus::NotEnglish
        };
        let mut speakers: Vec<&str> = quotes
            .iter()
            .filter_map(|q| q.speaker_key.as_deref())
            .collect();
        speakers.sort_unstable();
        speakers.dedup();
        let speakers = speakers.len();
        AnalysedArticle {
            status,
            quotes,
            speakers,
            language: Some(language),
            id: article.id,
            title: article.title,
            source: article.source,
            date: article.date,
            fields: article.fields,
            warnings: article.warnings,
        }
    }

    fn score_quotes(
        &self,
        article_id: &str,
        seg: &Segmented<'_>,
        found: &ArticleQuotes,
        place: QuotePlace,
    ) -> Vec<ScoredQuote> {
        let offsets = CharOffsets::new(seg.text);
        let mut topics = Vec::new();
        let mentions = if found.quotes.is_empty() {
            TopicMentions::default()
        } else {
            self.topics.mentions(seg.text)
        };
        found
            .quotes
            .iter()
            .enumerate()
            .map(|(n, quote)| {
                let topic_source = topics_of(seg, quote, &mentions, &mut topics);
                let scored = self.scorer.score(&quote.text);
                let speaker = quote.speaker.map(|s| &found.speakers[s]);
                let name = speaker.map(|s| {
                    self.aliases
                        .get(&s.key)
                        .cloned()
                        .unwrap_or_else(|| s.name.clone())
                });
                let key = speaker.zip(name.as_deref()).map(|(s, name)| match s.kind {
                    // Anonymous sources of different articles are different people.
                    crate::quotes::SpeakerType::Anonymous => {
                        format!("{} [{article_id}]", speaker_key(name))
                    }
                    _ => speaker_key(name),
                });
                let evidence = scored
                    .evidence
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(";");
                ScoredQuote {
                    quote_id: format!("{article_id}:{}", place.number + n + 1),
                    kind: quote.kind,
                    start: place.chars_before + offsets.char_offset(quote.span.start),
                    end: place.chars_before + offsets.char_offset(quote.span.end),
                    speaker: name,
                    speaker_key: key,
                    speaker_type: speaker.map(|s| s.kind),
                    speaker_role: speaker.and_then(|s| s.role.clone()),
                    speaker_mention: quote
                        .speaker_mention
                        .map(|m| m.of(seg.text).to_string())
                        .unwrap_or_default(),
                    cue: quote
                        .cue
                        .as_ref()
                        .map(|c| c.text.clone())
                        .unwrap_or_default(),
                    framing: quote.cue.as_ref().map(|c| c.framing),
                    framing_tone: quote.cue.as_ref().map_or(0.0, |c| c.framing_tone),
                    topics: topics.clone(),
                    topic_source,
                    words: quote.text.split_whitespace().count(),
                    text: quote.text.clone(),
                    scores: scored.scores,
                    evidence,
                }
            })
            .collect()
    }

    /// Analyses a stream of records on `threads` threads (rayon's default when `None`), handing each
    /// result to `sink` in input order. Records are read on their own thread and analysed in bounded
    /// batches, so memory does not grow with the input; the output does not depend on the thread count.
    pub fn run<I, F>(&self, records: I, threads: Option<usize>, sink: F) -> Result<()>
    where
        I: Iterator<Item = Record> + Send,
        F: FnMut(AnalysedArticle) -> Result<()>,
    {
        let pool = thread_pool(threads)?;
        std::thread::scope(|scope| {
            let (tx, rx) = sync_channel::<Vec<Record>>(2);
            scope.spawn(move || feed(records, &tx));
            self.drain(&rx, &pool, &Stop::new(), sink)
        })
    }

    /// As [`Engine::run`], but stops between articles once `stop` is set, with
    /// [`Error::Interrupted`]. Records are read on a thread that is not waited for, so that a read
    /// blocked on a pipe or terminal cannot hold the stop up.
    pub fn run_until<I, F>(
        &self,
        records: I,
        threads: Option<usize>,
        stop: &Stop,
        sink: F,
    ) -> Result<()>
    where
        I: Iterator<Item = Record> + Send + 'static,
        F: FnMut(AnalysedArticle) -> Result<()>,
    {
        let pool = thread_pool(threads)?;
        let (tx, rx) = sync_channel::<Vec<Record>>(2);
        std::thread::spawn(move || feed(records, &tx));
        self.drain(&rx, &pool, stop, sink)
    }

    /// Analyses the batches that arrive on `batches` until there are no more or `stop` is set.
    fn drain<F>(
        &self,
        batches: &Receiver<Vec<Record>>,
        pool: &rayon::ThreadPool,
        stop: &Stop,
        mut sink: F,
    ) -> Result<()>
    where
        F: FnMut(AnalysedArticle) -> Result<()>,
    {
        // How long a stop may wait for a reader that has nothing to give.
        const POLL: Duration = Duration::from_millis(50);
        loop {
            stop.check()?;
            let batch = match batches.recv_timeout(POLL) {
                Ok(batch) => batch,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            };
            let analysed: Vec<AnalysedArticle> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|r| self.analyse_record(r))
                    .collect()
            });
            for article in analysed {
                stop.check()?;
                sink(article)?;
            }
        }
    }
}

/// Records read ahead of the analysis, in batches.
const BATCH: usize = 256;

/// Sends the records in batches until they run out or the receiver is gone.
fn feed<I: Iterator<Item = Record>>(records: I, batches: &SyncSender<Vec<Record>>) {
    let mut batch = Vec::with_capacity(BATCH);
    for record in records {
        batch.push(record);
        if batch.len() == BATCH
            && batches
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .is_err()
        {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = batches.send(batch);
    }
}

fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n);
    }
    pool.build()
        .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))
}
