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
    /// Stance and sentiment toward each topic the quote's own words mention, in topic order.
    pub topic_stances: Vec<TopicStance>,
}

/// A quote's stance and sentiment toward one topic it mentions (see
/// [`crate::scoring::Scorer::toward_each`]). With several mentions of the topic, the means over them.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicStance {
    pub topic: TopicId,
    /// -1 (against) ..= 1 (for).
    pub stance: f32,
    /// -1..=1, toward the topic's mentions rather than the whole quote.
    pub sentiment: f32,
    /// The stance cues, rendered `label:value` and joined with `;`.
    pub evidence: String,
}

/// Sentiment and stance toward one target of a rated text (`tenor rate --targets-out`).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetScore {
    /// Position of the target in the record's `targets` list, from 0.
    pub index: usize,
    /// Code point offsets of the target in the text; `None` for a text target that does not occur.
    pub span: Option<(usize, usize)>,
    /// The target as it stands in the text, or as given when it does not occur.
    pub mention: String,
    /// `None` when the target does not occur.
    pub toward: Option<Toward>,
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

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, sync_channel};
use std::time::{Duration, Instant};

mod feed;

use feed::Feed;

use crate::error::{Error, Result};
use crate::guard;
use crate::ingest::TargetSpec;
use crate::ingest::{Article, Record};
use crate::interrupt::Stop;
use crate::language::{Language, LanguageDetector};
use crate::markup::blank_markup;
use crate::quotes::attribution::{QuoteExtractor, QuoteScratch};
use crate::quotes::lexicon::AttributionLexicon;
use crate::quotes::speakers::speaker_key;
use crate::quotes::{ArticleQuotes, Quote};
use crate::scoring::{Evidence, Lexicons, Scored, Scorer, ScratchSpace, Toward};
use crate::segment::{SegmentBuffers, Segmented};
use crate::text::{CharOffsets, Span, count_words, push_two_decimals};
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

/// Buffers one thread reuses from article to article (the segmentation, the quote finder's tables, the
/// scorer's scratch space, its evidence, the topic mentions of an article and of a quote), so that a stream of articles does not allocate for
/// them again and again.
#[derive(Debug, Default)]
pub struct Workspace {
    scratch: ScratchSpace,
    scored: Scored,
    topics: Vec<TopicId>,
    mentions: TopicMentions,
    /// The topic mentions of one quote's words, as (start, end, topic) within them.
    quote_mentions: Vec<(usize, usize, TopicId)>,
    spans: Vec<Span>,
    segments: SegmentBuffers,
    quotes: QuoteScratch,
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

    /// Builds everything. The topic automaton is built on a second thread while the scorer's and the
    /// attribution tables are built on this one: on two cores it adds nothing to start-up.
    pub fn build(&self) -> Result<Engine> {
        let files = self.user_files()?;
        std::thread::scope(|scope| {
            let topics = scope.spawn(|| match &self.topics {
                Some(path) => TopicLexicon::load(path),
                None => TopicLexicon::embedded(),
            });
            let scorer = Self::scorer_from(&files);
            let attribution = Self::attribution_from(&files);
            let aliases = match &self.aliases {
                Some(path) => read_aliases(path),
                None => Ok(HashMap::new()),
            };
            let topics = topics
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok(Engine {
                quotes: QuoteExtractor::new(attribution?),
                topics: topics?,
                scorer: scorer?,
                aliases: aliases?,
                languages: LanguageDetector::new(),
                score_any_language: self.score_any_language,
            })
        })
    }

    /// Builds the scorer alone, from the default lexicons and the user's scoring files: all that
    /// `tenor rate` needs, in a fraction of the start-up time of a whole [`Engine`]. Cue, manner and
    /// title files are checked for their header only.
    pub fn build_scorer(&self) -> Result<Scorer> {
        Self::scorer_from(&self.user_files()?)
    }

    /// The user's lexicon files, read, with what each one holds.
    fn user_files(&self) -> Result<Vec<UserFile>> {
        self.lexicons
            .iter()
            .map(|path| {
                let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
                let header = source
                    .lines()
                    .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
                    .and_then(|l| l.split('\t').next())
                    .unwrap_or("");
                let kind = match header {
                    "cue" => UserFileKind::Cues,
                    "adverb" => UserFileKind::Manner,
                    "title" => UserFileKind::Titles,
                    _ => UserFileKind::Scoring,
                };
                Ok(UserFile {
                    path: path.clone(),
                    source,
                    kind,
                })
            })
            .collect()
    }

    fn scorer_from(files: &[UserFile]) -> Result<Scorer> {
        let scoring_files = || files.iter().filter(|f| f.kind == UserFileKind::Scoring);
        // Without user files the defaults come ready-merged, with no file to parse.
        if scoring_files().next().is_none() {
            return Ok(Scorer::new(Lexicons::embedded()?));
        }
        let mut scoring = Lexicons::builder();
        scoring.add_embedded()?;
        for file in scoring_files() {
            scoring.add_text(&file.path, &file.source)?;
        }
        Ok(Scorer::new(scoring.finish()))
    }

    fn attribution_from(files: &[UserFile]) -> Result<AttributionLexicon> {
        let mut attribution = AttributionLexicon::embedded()?;
        for file in files {
            let (source, path) = (&file.source, &file.path);
            match file.kind {
                UserFileKind::Cues => attribution.add_cues(source, path)?,
                UserFileKind::Manner => attribution.add_manner(source, path)?,
                UserFileKind::Titles => attribution.add_titles(source, path)?,
                UserFileKind::Scoring => {}
            }
        }
        Ok(attribution)
    }
}

/// What a user's lexicon file holds, told by its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserFileKind {
    Cues,
    Manner,
    Titles,
    /// Anything else goes to the scorer, which detects the layout itself.
    Scoring,
}

struct UserFile {
    path: PathBuf,
    source: String,
    kind: UserFileKind,
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

/// `ARTICLE_ID:N`, the id of the article's quote number `number`.
fn quote_id(article_id: &str, number: usize) -> String {
    let mut id = String::with_capacity(article_id.len() + 8);
    id.push_str(article_id);
    id.push(':');
    crate::text::push_decimal(number, &mut id);
    id
}

/// Appends `evidence` as its `Display` writes it (`label:value`, two decimals), without the
/// formatting machinery, which costs more than the rest of a quote's glue.
fn push_evidence(evidence: &Evidence, out: &mut String) {
    out.push_str(&evidence.label);
    out.push(':');
    push_two_decimals(evidence.value, out);
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

    /// Sentiment and stance toward each of `targets` in `text`: see [`score_targets`].
    pub fn score_targets(
        &self,
        text: &str,
        targets: &[TargetSpec],
        scratch: &mut ScratchSpace,
    ) -> Vec<TargetScore> {
        score_targets(&self.scorer, text, targets, scratch)
    }

    /// Analyses one input record; a skipped record passes through with its reason.
    pub fn analyse_record(&self, record: Record) -> AnalysedArticle {
        self.analyse_record_with(record, &mut Workspace::default())
    }

    /// [`Engine::analyse_record`] with buffers reused from earlier articles.
    pub fn analyse_record_with(
        &self,
        record: Record,
        workspace: &mut Workspace,
    ) -> AnalysedArticle {
        match record {
            Record::Article(article) => self.analyse_with(article, workspace),
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
        self.analyse_with(article, &mut Workspace::default())
    }

    /// [`Engine::analyse`] with buffers reused from earlier articles: one [`Workspace`] per thread.
    pub fn analyse_with(&self, mut article: Article, workspace: &mut Workspace) -> AnalysedArticle {
        // The text as given is not needed once blanked: a long one is not kept twice.
        let blanked = match blank_markup(&article.text) {
            Cow::Owned(blanked) => Some(blanked),
            Cow::Borrowed(_) => None,
        };
        let text = blanked.unwrap_or_else(|| std::mem::take(&mut article.text));
        let language = self.languages.detect(&text);
        let (status, quotes) = if language.is_english() || self.score_any_language {
            let quotes = self.quotes_in_windows(&article.id, text, workspace);
            (ArticleStatus::Ok, quotes)
        } else {
            (ArticleStatus::NotEnglish, Vec::new())
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

    /// The quotes of `text`, analysed window by window ([`crate::guard`]). A text of many windows is
    /// analysed from its last window to its first and cut short behind each one, so that the text
    /// gives its memory back while its quotes take theirs: a long article peaks at the larger of the
    /// two rather than at their sum. Quotes are then put back in text order and numbered.
    fn quotes_in_windows(
        &self,
        article_id: &str,
        mut text: String,
        workspace: &mut Workspace,
    ) -> Vec<ScoredQuote> {
        // Each window with where its quotes go: numbered later, once all are found.
        let mut windows: Vec<(Span, QuotePlace)> = Vec::new();
        for window in guard::windows(&text, guard::WINDOW_BYTES) {
            // Counted only for a window after the first: most texts are one window.
            let chars_before = match windows.last() {
                Some((last, place)) => place.chars_before + last.of(&text).chars().count(),
                None => 0,
            };
            let place = QuotePlace {
                number: 0,
                chars_before,
            };
            windows.push((window, place));
        }
        if let [(window, place)] = windows[..] {
            return self.quotes_in_window(article_id, window.of(&text), place, workspace);
        }
        let mut quotes = Vec::new();
        for &(window, place) in windows.iter().rev() {
            let scored = self.quotes_in_window(article_id, window.of(&text), place, workspace);
            quotes.extend(scored.into_iter().rev());
            text.truncate(window.start);
            if text.capacity() - text.len() >= guard::RELEASE_BYTES {
                text.shrink_to_fit();
            }
        }
        quotes.reverse();
        for (n, quote) in quotes.iter_mut().enumerate() {
            quote.quote_id = quote_id(article_id, n + 1);
        }
        quotes
    }

    /// The quotes of one window, segmented in the workspace's buffers.
    fn quotes_in_window(
        &self,
        article_id: &str,
        window: &str,
        place: QuotePlace,
        workspace: &mut Workspace,
    ) -> Vec<ScoredQuote> {
        let seg = Segmented::new_in(window, std::mem::take(&mut workspace.segments));
        let found = self.quotes.extract_with(&seg, &mut workspace.quotes);
        let scored = self.score_quotes(article_id, &seg, found, place, workspace);
        workspace.segments = seg.into_buffers();
        scored
    }

    fn score_quotes(
        &self,
        article_id: &str,
        seg: &Segmented<'_>,
        found: ArticleQuotes,
        place: QuotePlace,
        workspace: &mut Workspace,
    ) -> Vec<ScoredQuote> {
        if found.quotes.is_empty() {
            return Vec::new();
        }
        let offsets = CharOffsets::new(seg.text);
        let Workspace {
            scratch,
            scored,
            topics,
            mentions,
            quote_mentions,
            spans,
            segments: _,
            quotes: _,
        } = workspace;
        // Only the lines that the quotes' topics are read from are scanned (see `topics_of`).
        let near = found.quotes.iter().map(|quote| {
            let sentence = seg
                .sentence_at(quote.span.start)
                .map(|s| seg.sentences[s].span);
            let paragraph = seg.paragraphs.get(quote.paragraph).map(|p| p.span);
            [sentence, paragraph]
                .into_iter()
                .flatten()
                .fold((quote.span.start, quote.span.end), |(start, end), span| {
                    (start.min(span.start), end.max(span.end))
                })
        });
        self.topics.mentions_near_into(seg.text, near, mentions);
        // The quotes are consumed: their words and cues move into the scored quotes uncopied.
        let ArticleQuotes { quotes, speakers } = found;
        quotes
            .into_iter()
            .enumerate()
            .map(|(n, quote)| {
                let topic_source = topics_of(seg, &quote, mentions, topics);
                // One scoring of the quote serves its own scores and those toward its topics.
                let topic_stances = if topic_source == TopicSource::Quote {
                    quote_mentions.clear();
                    // The article's scan serves a quote that is a plain part of it; a quote joined
                    // from several paragraphs, or one a match reaches into, is searched alone.
                    let is_part =
                        seg.text.get(quote.span.start..quote.span.end) == Some(quote.text.as_str());
                    if !(is_part
                        && mentions.within_part(quote.span.start, quote.span.end, quote_mentions))
                    {
                        quote_mentions.extend(self.topics.mentions(&quote.text).iter());
                    }
                    self.topic_stances(&quote.text, quote_mentions, spans, scratch, scored)
                } else {
                    self.scorer.score_into(&quote.text, scratch, scored);
                    Vec::new()
                };
                let speaker = quote.speaker.map(|s| &speakers[s]);
                let alias = speaker.and_then(|s| self.aliases.get(&s.key));
                let name = speaker.map(|s| alias.unwrap_or(&s.name).clone());
                let key = speaker.map(|s| {
                    // The speaker's key is already that of its name; an alias needs its own.
                    let key = alias.map_or_else(|| s.key.clone(), |a| speaker_key(a));
                    match s.kind {
                        // Anonymous sources of different articles are different people.
                        crate::quotes::SpeakerType::Anonymous => format!("{key} [{article_id}]"),
                        _ => key,
                    }
                });
                let mut evidence = String::new();
                for (i, e) in scored.evidence.iter().enumerate() {
                    if i > 0 {
                        evidence.push(';');
                    }
                    push_evidence(e, &mut evidence);
                }
                ScoredQuote {
                    quote_id: quote_id(article_id, place.number + n + 1),
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
                    framing: quote.cue.as_ref().map(|c| c.framing),
                    framing_tone: quote.cue.as_ref().map_or(0.0, |c| c.framing_tone),
                    cue: quote.cue.map(|c| c.text).unwrap_or_default(),
                    topics: topics.clone(),
                    topic_source,
                    words: count_words(&quote.text),
                    text: quote.text,
                    scores: scored.scores,
                    evidence,
                    topic_stances,
                }
            })
            .collect()
    }

    /// Stance and sentiment toward each topic that `text` (a quote's words) mentions at `mentions`
    /// (start, end, topic within `text`), averaged over the topic's mentions.
    /// Leaves the scores of the whole of `text` in `scored`.
    fn topic_stances(
        &self,
        text: &str,
        mentions: &[(usize, usize, TopicId)],
        spans: &mut Vec<Span>,
        scratch: &mut ScratchSpace,
        scored: &mut Scored,
    ) -> Vec<TopicStance> {
        spans.clear();
        spans.extend(
            mentions
                .iter()
                .map(|&(start, end, _)| Span::new(start, end)),
        );
        // Only the stance evidence reaches the output, so the sentiment evidence is not built.
        let towards = self
            .scorer
            .toward_each_into(text, spans, scratch, scored, false);
        let mut out: Vec<TopicStance> = Vec::new();
        let mut counts: Vec<f32> = Vec::new();
        for ((_, _, topic), toward) in mentions.iter().zip(towards) {
            let i = match out.iter().position(|t| t.topic == *topic) {
                Some(i) => i,
                None => {
                    out.push(TopicStance {
                        topic: *topic,
                        stance: 0.0,
                        sentiment: 0.0,
                        evidence: String::new(),
                    });
                    counts.push(0.0);
                    out.len() - 1
                }
            };
            let entry = &mut out[i];
            entry.stance += toward.stance;
            entry.sentiment += toward.sentiment;
            counts[i] += 1.0;
            for e in &toward.stance_evidence {
                if !entry.evidence.is_empty() {
                    entry.evidence.push(';');
                }
                push_evidence(e, &mut entry.evidence);
            }
        }
        for (entry, n) in out.iter_mut().zip(counts) {
            entry.stance /= n;
            entry.sentiment /= n;
        }
        out.sort_by_key(|t| t.topic);
        out
    }

    /// Analyses a stream of records on `threads` worker threads (see [`thread_count`] for `None`),
    /// handing each result to `sink` in input order. See [`map_ordered`] for how the work is spread
    /// and bounded; the output does not depend on the thread count.
    pub fn run<I, F>(&self, records: I, threads: Option<usize>, sink: F) -> Result<()>
    where
        I: Iterator<Item = Record> + Send,
        F: FnMut(AnalysedArticle) -> Result<()>,
    {
        map_ordered(
            records,
            thread_count(threads),
            &Stop::new(),
            record_bytes,
            Workspace::default,
            |workspace, record| self.analyse_record_with(record, workspace),
            sink,
        )
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
        self.run_until_then(records, threads, stop, || (), |_, article| article, sink)
    }

    /// As [`Engine::run_until`], but each worker also hands every article it analysed to `then`,
    /// with state of its own made by `init`, and `sink` gets what `then` returns. Work that only
    /// needs the article (rendering its table rows) goes there, off the thread that runs `sink`.
    pub fn run_until_then<I, S, U, N, P, F>(
        &self,
        records: I,
        threads: Option<usize>,
        stop: &Stop,
        init: N,
        then: P,
        sink: F,
    ) -> Result<()>
    where
        I: Iterator<Item = Record> + Send + 'static,
        U: Send,
        S: Send,
        N: Fn() -> S + Sync,
        P: Fn(&mut S, AnalysedArticle) -> U + Sync,
        F: FnMut(U) -> Result<()>,
    {
        map_ordered_detached(
            records,
            thread_count(threads),
            stop,
            record_bytes,
            || (Workspace::default(), init()),
            |(workspace, state), record| then(state, self.analyse_record_with(record, workspace)),
            sink,
        )
        .map(drop)
    }
}

/// As [`map_ordered`], but the items are read on a thread that is not waited for (so that a read
/// blocked on a pipe or terminal cannot hold a stop up), and each worker's state is handed back at
/// the end: work that adds up what it saw (statistics of its own) can be merged there rather than
/// on the thread that runs `sink`. The states come back only when every item went to `sink`.
#[allow(clippy::too_many_arguments)]
pub fn map_ordered_detached<T, U, S, I, N, W, F>(
    items: I,
    threads: usize,
    stop: &Stop,
    weigh: fn(&T) -> usize,
    init: N,
    work: W,
    sink: F,
) -> Result<Vec<S>>
where
    T: Send + 'static,
    U: Send,
    S: Send,
    I: Iterator<Item = T> + Send + 'static,
    N: Fn() -> S + Sync,
    W: Fn(&mut S, T) -> U + Sync,
    F: FnMut(U) -> Result<()>,
{
    let feed = std::sync::Arc::new(Feed::new());
    let reader_feed = std::sync::Arc::clone(&feed);
    std::thread::spawn(move || reader_feed.send_all(items, weigh));
    map_ordered_from(&feed, ARTICLE_BATCH_WEIGHT, threads, stop, init, work, sink)
}

/// Sentiment and stance toward each of `targets` in `text`, scoring the text once (see
/// [`Scorer::toward_each`]). A text target is its first occurrence, exact or else ignoring ASCII
/// case; span targets must lie inside the text, as ingest checks.
pub fn score_targets(
    scorer: &Scorer,
    text: &str,
    targets: &[TargetSpec],
    scratch: &mut ScratchSpace,
) -> Vec<TargetScore> {
    let offsets = CharOffsets::new(text);
    let found: Vec<Option<Span>> = targets
        .iter()
        .map(|target| match target {
            TargetSpec::Span { from, to } => Some(Span::new(
                byte_offset(text, *from),
                byte_offset(text, (*to).max(*from)),
            )),
            TargetSpec::Text(wanted) if wanted.is_empty() => None,
            TargetSpec::Text(wanted) => text
                .find(wanted.as_str())
                .or_else(|| text.to_ascii_lowercase().find(&wanted.to_ascii_lowercase()))
                .map(|start| Span::new(start, start + wanted.len())),
        })
        .collect();
    let spans: Vec<Span> = found.iter().flatten().copied().collect();
    let mut towards = scorer.toward_each(text, &spans, scratch).into_iter();
    targets
        .iter()
        .zip(found)
        .enumerate()
        .map(|(index, (target, span))| match span {
            Some(span) => TargetScore {
                index,
                span: Some((
                    offsets.char_offset(span.start),
                    offsets.char_offset(span.end),
                )),
                mention: span.of(text).to_string(),
                toward: towards.next(),
            },
            None => TargetScore {
                index,
                span: None,
                mention: match target {
                    TargetSpec::Text(wanted) => wanted.clone(),
                    TargetSpec::Span { .. } => String::new(),
                },
                toward: None,
            },
        })
        .collect()
}

/// How long a stop may wait for threads that have nothing to give.
const POLL: Duration = Duration::from_millis(50);

/// The longest an open batch waits for more items. Input that arrives slowly (a pipe fed one article
/// at a time) is analysed, and its output written, within this delay rather than once a whole batch
/// has come; input that arrives fast fills its batches long before.
const LINGER: Duration = Duration::from_millis(10);

/// How much work a record stands for when records are grouped into batches: its text's length.
/// Skipped records count as a short article so that a run of them still makes bounded batches.
pub fn record_bytes(record: &Record) -> usize {
    match record {
        Record::Article(article) => article.text.len(),
        Record::Skipped(_) => 256,
    }
}

/// One of N shards of a corpus: the articles whose id hashes to it (`--shard K/N`, K from 1 to N).
///
/// The hash is 64-bit FNV-1a of the id's UTF-8 bytes (offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`), and an article belongs to shard `hash % N + 1`. It is fixed (unlike Rust's
/// randomly seeded hashers) so that every machine and every run puts an article in the same shard;
/// other tools can compute it in a few lines.
///
/// ```
/// use tenor::pipeline::Shard;
///
/// let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
/// // Every id lands in exactly one of the shards.
/// for id in ["bbc/001", "bbc/002", "reuters-17"] {
///     assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1);
/// }
/// assert!("0/3".parse::<Shard>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    index: u64,
    count: u64,
}

impl Shard {
    /// Whether the article with this id belongs to this shard.
    pub fn contains(&self, id: &str) -> bool {
        fnv1a64(id.as_bytes()) % self.count + 1 == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;

    fn from_str(s: &str) -> Result<Shard> {
        let bad = || Error::Usage(format!("--shard {s:?}: expected K/N with 1 <= K <= N"));
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a, the hash [`Shard`] documents.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The id of a record, read or skipped.
pub fn record_id(record: &Record) -> &str {
    match record {
        Record::Article(article) => &article.id,
        Record::Skipped(skipped) => &skipped.id,
    }
}

/// The number of worker threads for a requested count: the request when given, else
/// `RAYON_NUM_THREADS` when set to a positive number, else the number of cores.
pub fn thread_count(requested: Option<usize>) -> usize {
    let from_env = || {
        std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
    };
    requested
        .filter(|&n| n > 0)
        .or_else(from_env)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}

/// A batch is closed once its items weigh this much (bytes of text): large enough that handing it
/// between threads costs nothing next to the work, small enough that a few per thread keep both
/// cores busy to the end of a run and memory flat.
const BATCH_WEIGHT: usize = 256 * 1024;

/// [`BATCH_WEIGHT`] for articles ([`map_ordered_detached`], `tenor score`): a batch of a quarter
/// of the weight is still tens of articles, some 20 M instructions whose hand-over costs nothing
/// next to them, and the run ends sooner, as the worker that takes the last batch works on alone
/// for up to a batch once the others have nothing left.
const ARTICLE_BATCH_WEIGHT: usize = BATCH_WEIGHT / 4;

/// A batch is closed at this many items whatever they weigh.
const BATCH_ITEMS: usize = 4096;

/// Batches in flight (read and not yet handed to the sink) per worker thread. This bounds memory:
/// at most `BATCHES_PER_THREAD * threads` batches exist at any time, however slow one of them is.
const BATCHES_PER_THREAD: usize = 4;

/// Maps `items` through `work` on `threads` worker threads and hands the results to `sink` in the order
/// of the items.
///
/// Four kinds of thread share the work, so that reading, analysing and writing overlap:
/// - the items are read on a thread of their own, up to a batch ahead of the batcher, and handed to
///   it in bulk (see [`feed`]);
/// - the batcher groups them into batches, closed at [`BATCH_WEIGHT`] by `weigh` ([`ARTICLE_BATCH_WEIGHT`]
///   for [`map_ordered_detached`]), at [`BATCH_ITEMS`],
///   or once a batch has waited [`LINGER`] for more (so that slow input streams through);
/// - `threads` workers each take the next batch, map it with their own state from `init` (scratch
///   buffers reused from item to item), and send the results back;
/// - `sink` runs on the calling thread, which puts batches back in order (a reorder buffer) and
///   writes them while the workers go on.
///
/// Memory stays flat: the batcher may start a batch only when fewer than [`BATCHES_PER_THREAD`] per
/// worker are in flight, so a slow batch holds the others back rather than letting them pile up.
/// When `sink` fails, reading and work stop and the error is returned; once `stop` is set, the same
/// happens before the next item is handed to `sink`, with [`Error::Interrupted`]. A panic in `work`
/// is resumed on the calling thread.
#[allow(clippy::too_many_arguments)]
pub fn map_ordered<T, U, S, I, N, W, F>(
    items: I,
    threads: usize,
    stop: &Stop,
    weigh: fn(&T) -> usize,
    init: N,
    work: W,
    sink: F,
) -> Result<()>
where
    T: Send,
    U: Send,
    S: Send,
    I: Iterator<Item = T> + Send,
    N: Fn() -> S + Sync,
    W: Fn(&mut S, T) -> U + Sync,
    F: FnMut(U) -> Result<()>,
{
    let feed = Feed::new();
    std::thread::scope(|scope| {
        scope.spawn(|| feed.send_all(items, weigh));
        // The batcher closes the feed when it returns, which ends the reader at its next item.
        map_ordered_from(&feed, BATCH_WEIGHT, threads, stop, init, work, sink).map(drop)
    })
}

/// [`map_ordered`] on items that a reader thread sends into `feed`, returning the workers' states
/// once all is done. The batcher gives up within a [`POLL`] of a stop, however long the reader is
/// blocked. Batches close at `batch_weight`.
#[allow(clippy::too_many_arguments)]
fn map_ordered_from<T, U, S, N, W, F>(
    feed: &Feed<T>,
    batch_weight: usize,
    threads: usize,
    stop: &Stop,
    init: N,
    work: W,
    mut sink: F,
) -> Result<Vec<S>>
where
    T: Send,
    U: Send,
    S: Send,
    N: Fn() -> S + Sync,
    W: Fn(&mut S, T) -> U + Sync,
    F: FnMut(U) -> Result<()>,
{
    let threads = threads.max(1);
    let window = BATCHES_PER_THREAD * threads;
    // The reader takes a credit for each batch it starts; the sink gives one back for each batch it
    // has written. Batches queue for the workers in a channel with room for the whole window, so
    // sending one never blocks: only waiting for a credit does.
    let (credit_tx, credit_rx) = sync_channel::<()>(window);
    for _ in 0..window {
        credit_tx
            .send(())
            .map_err(|_| Error::Usage("cannot start the reader".into()))?;
    }
    let (batch_tx, batch_rx) = sync_channel::<(usize, Vec<T>)>(window);
    let batch_rx = Mutex::new(batch_rx);
    let (done_tx, done_rx) = sync_channel::<(usize, std::thread::Result<Vec<U>>)>(window);
    let halt = AtomicBool::new(false);

    std::thread::scope(|scope| {
        // Owned here so that they are dropped (waking the other threads) however this closure ends,
        // a resumed panic included, before the scope waits for the threads.
        let (credit_tx, done_rx) = (credit_tx, done_rx);
        let halt = &halt;
        scope.spawn(move || {
            struct CloseOnDrop<'a, T>(&'a Feed<T>);
            impl<T> Drop for CloseOnDrop<'_, T> {
                fn drop(&mut self) {
                    self.0.close();
                }
            }
            let _close = CloseOnDrop(feed);
            let mut batch = Vec::new();
            let mut taken = Vec::new();
            let mut weight = 0;
            let mut seq = 0;
            let mut send = |batch: Vec<T>| -> bool {
                let sent = !halt.load(Ordering::Relaxed)
                    && credit_rx.recv().is_ok()
                    && batch_tx.send((seq, batch)).is_ok();
                seq += 1;
                sent
            };
            let mut opened = Instant::now();
            loop {
                if stop.requested().is_some() {
                    return;
                }
                let wait = if batch.is_empty() {
                    POLL
                } else {
                    LINGER.saturating_sub(opened.elapsed())
                };
                let ended = feed.take_into(&mut taken, wait, batch.is_empty()).ended;
                for (item, item_weight) in taken.drain(..) {
                    if batch.is_empty() {
                        opened = Instant::now();
                    }
                    weight += item_weight;
                    batch.push(item);
                    if weight >= batch_weight || batch.len() >= BATCH_ITEMS {
                        if !send(std::mem::take(&mut batch)) {
                            return;
                        }
                        weight = 0;
                    }
                }
                if ended {
                    break;
                }
                if !batch.is_empty() && opened.elapsed() >= LINGER {
                    if !send(std::mem::take(&mut batch)) {
                        return;
                    }
                    weight = 0;
                }
            }
            if !batch.is_empty() {
                send(batch);
            }
        });
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (batch_rx, init, work) = (&batch_rx, &init, &work);
            workers.push(scope.spawn(move || {
                let mut state = init();
                loop {
                    let next = match batch_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return None,
                    };
                    // The batcher is done and every batch taken: the state has seen all it will.
                    let Ok((seq, items)) = next else {
                        return Some(state);
                    };
                    if halt.load(Ordering::Relaxed) {
                        return None;
                    }
                    let mapped = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        items
                            .into_iter()
                            .map(|item| work(&mut state, item))
                            .collect::<Vec<U>>()
                    }));
                    let panicked = mapped.is_err();
                    if done_tx.send((seq, mapped)).is_err() || panicked {
                        return None;
                    }
                }
            }));
        }
        drop(done_tx);

        // The reorder buffer: slot `i` holds batch `next + i` once it is done.
        let mut waiting: VecDeque<Option<Vec<U>>> = VecDeque::with_capacity(window);
        let mut next = 0usize;
        let result = (|| {
            loop {
                stop.check()?;
                let (seq, mapped) = match done_rx.recv_timeout(POLL) {
                    Ok(done) => done,
                    Err(RecvTimeoutError::Timeout) => continue,
                    // Every batch is done. A batcher that left for a stop read no further, so the run
                    // was cut short even if the stop came while this thread was waiting.
                    Err(RecvTimeoutError::Disconnected) => return stop.check(),
                };
                let mapped = mapped.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                let slot = seq - next;
                if waiting.len() <= slot {
                    waiting.resize_with(slot + 1, || None);
                }
                waiting[slot] = Some(mapped);
                while let Some(Some(_)) = waiting.front() {
                    for result in waiting.pop_front().flatten().into_iter().flatten() {
                        stop.check()?;
                        sink(result)?;
                    }
                    next += 1;
                    // The reader may have finished; a credit nobody takes is harmless.
                    let _ = credit_tx.send(());
                }
            }
        })();
        if result.is_err() {
            halt.store(true, Ordering::Relaxed);
        }
        // Unblocks a reader waiting for a credit and workers waiting to hand back a batch.
        drop(credit_tx);
        drop(done_rx);
        result?;
        // Every batch reached the sink, so each worker has left its loop with its state; a worker
        // that panicked did so in a batch, whose panic was resumed above.
        workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(Some(state)) => Ok(state),
                Ok(None) => Err(Error::Usage("a worker stopped before the end".into())),
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squares(items: usize, threads: usize) -> Vec<usize> {
        let mut out = Vec::new();
        map_ordered(
            0..items,
            threads,
            &Stop::new(),
            // Every item weighs a batch on its own, so that batches finish out of order.
            |_| BATCH_WEIGHT,
            || 0usize,
            |calls, n| {
                *calls += 1;
                // Uneven work: some batches take much longer than the ones after them.
                if n % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                n * n
            },
            |n| {
                out.push(n);
                Ok(())
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn results_come_back_in_input_order_for_any_thread_count() {
        let expected: Vec<usize> = (0..200).map(|n| n * n).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(squares(200, threads), expected, "{threads} threads");
        }
        assert!(squares(0, 2).is_empty());
    }

    #[test]
    fn each_worker_hands_back_what_it_added_up_once_every_item_is_written() {
        for threads in [1, 2, 3] {
            let mut written = 0;
            let sums = map_ordered_detached(
                1..=500u64,
                threads,
                &Stop::new(),
                |_| BATCH_WEIGHT / 4,
                || 0u64,
                |sum, n| {
                    *sum += n;
                    n
                },
                |_| {
                    written += 1;
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(sums.len(), threads);
            assert_eq!(sums.iter().sum::<u64>(), 500 * 501 / 2, "{threads} threads");
            assert_eq!(written, 500);
        }
    }

    #[test]
    fn a_failing_sink_hands_back_no_worker_state() {
        let run = map_ordered_detached(
            0..100u32,
            2,
            &Stop::new(),
            |_| 1,
            Vec::new,
            |seen: &mut Vec<u32>, n| seen.push(n),
            |_| Err(Error::Usage("disk full".into())),
        );
        assert!(matches!(run, Err(Error::Usage(m)) if m == "disk full"));
    }

    #[test]
    fn an_item_reaches_the_sink_while_the_input_waits_for_more() {
        // The input gives its second item only once the sink has seen the first, as a pipe user does
        // who waits for the answer before sending more; if the first waited for a fuller batch, the
        // input would give up and end after one item.
        let (seen_tx, seen_rx) = std::sync::mpsc::channel::<u32>();
        let mut given = 0;
        let items = std::iter::from_fn(move || {
            given += 1;
            match given {
                1 => Some(1u32),
                2 => seen_rx
                    .recv_timeout(Duration::from_secs(10))
                    .ok()
                    .map(|_| 2),
                _ => None,
            }
        });
        let mut out = Vec::new();
        map_ordered(
            items,
            2,
            &Stop::new(),
            |_| 1,
            || (),
            |(), n| n * 10,
            |n| {
                out.push(n);
                let _ = seen_tx.send(n);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(out, [10, 20]);
    }

    #[test]
    fn a_failing_sink_stops_the_run_with_its_error() {
        let mut seen = 0;
        let result = map_ordered(
            0..1_000_000u64,
            2,
            &Stop::new(),
            |_| 1024,
            || (),
            |(), n| n,
            |n| {
                seen += 1;
                if n == 10 {
                    return Err(Error::Usage("disk full".into()));
                }
                Ok(())
            },
        );
        assert!(matches!(result, Err(Error::Usage(m)) if m == "disk full"));
        assert_eq!(seen, 11);
    }

    #[test]
    #[should_panic(expected = "bad item")]
    fn a_panic_in_the_work_reaches_the_caller() {
        let _ = map_ordered(
            0..100u32,
            2,
            &Stop::new(),
            |_| BATCH_WEIGHT,
            || (),
            |(), n| {
                assert!(n != 42, "bad item");
                n
            },
            |_| Ok(()),
        );
    }

    #[test]
    fn thread_count_prefers_the_request() {
        assert_eq!(thread_count(Some(3)), 3);
        assert!(thread_count(None) >= 1);
    }

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn shards_split_ids_evenly_and_parse_strictly() {
        let shards: Vec<Shard> = (1..=4).map(|k| format!("{k}/4").parse().unwrap()).collect();
        let mut sizes = [0usize; 4];
        for n in 0..4000 {
            let id = format!("article-{n}");
            let owners: Vec<usize> = (0..4).filter(|&k| shards[k].contains(&id)).collect();
            assert_eq!(owners.len(), 1, "{id}");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| (900..1100).contains(&n)), "{sizes:?}");
        for bad in ["", "1", "0/4", "5/4", "a/b", "1/0", "-1/4"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad:?}");
        }
        assert_eq!(" 2 / 4".parse::<Shard>().unwrap().to_string(), "2/4");
    }

    #[test]
    fn a_text_of_many_windows_numbers_and_places_its_quotes_in_text_order() {
        let engine = Engine::with_defaults().unwrap();
        let paragraph = |n: usize| {
            format!(
                "Talks went on for day {n}.\n\n\u{201C}We are making progress on point {n},\u{201D} \
                 the minister, Ana Petrova, said.\n\n"
            )
        };
        let text: String = (0..3 * guard::WINDOW_BYTES / 90).map(paragraph).collect();
        assert!(guard::windows(&text, guard::WINDOW_BYTES).count() >= 3);

        let analysed = engine.analyse_text("long", &text);

        let chars: Vec<char> = text.chars().collect();
        let paragraphs = 3 * guard::WINDOW_BYTES / 90;
        assert_eq!(analysed.quotes.len(), paragraphs);
        for (n, quote) in analysed.quotes.iter().enumerate() {
            assert_eq!(quote.quote_id, format!("long:{}", n + 1));
            let at: String = chars[quote.start..quote.end].iter().collect();
            assert_eq!(at, quote.text);
            assert_eq!(quote.text, format!("We are making progress on point {n},"));
        }
    }

    #[test]
    fn a_workspace_gives_the_same_analysis_as_fresh_buffers() {
        let engine = Engine::with_defaults().unwrap();
        let texts = [
            "Talks collapsed.\n\n\u{201C}We are at a dead end,\u{201D} the minister, Ana Petrova, said.",
            "\u{201C}This is a great day for our friends,\u{201D} said Tom Ashcombe. He added: \u{201C}We will not give up.\u{201D}",
            "\u{201C}New tariffs will hurt exports and the economy,\u{201D} said Lena Voss, an economist.",
            "Mr Okafor spoke at length.\n\n\u{201C}The tariff plan is a mistake.\n\n\u{201C}Inflation will follow the tariffs,\u{201D} he said.",
        ];
        let mut workspace = Workspace::default();
        for (i, text) in texts.iter().chain(texts.iter()).enumerate() {
            let article = Article {
                id: format!("a{i}"),
                text: text.to_string(),
                ..Article::default()
            };
            let reused = engine.analyse_with(article.clone(), &mut workspace);
            assert_eq!(reused, engine.analyse(article));
            assert!(!reused.quotes.is_empty());
        }
        // The quotes about trade have stances toward their topics, from the article's one scan.
        let trade = engine.analyse_text("t", texts[2]);
        assert!(!trade.quotes[0].topic_stances.is_empty());
    }

    #[test]
    fn quote_ids_and_evidence_read_as_their_formats_write_them() {
        for (article, number) in [("bbc/1", 1), ("", 0), ("x", 10), ("a:b", 1_234_567_890)] {
            assert_eq!(quote_id(article, number), format!("{article}:{number}"));
        }
        for (label, value) in [
            ("good", 1.5),
            ("bad (near)", -0.125),
            ("x", 0.0),
            ("y", 12.345),
        ] {
            let evidence = Evidence {
                label: label.into(),
                value,
            };
            let mut out = String::new();
            push_evidence(&evidence, &mut out);
            assert_eq!(out, evidence.to_string());
        }
    }
}
