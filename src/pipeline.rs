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
    Skipped { reason: String },
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
}

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::ingest::TargetSpec;
use crate::ingest::{Article, Record};
use crate::quotes::attribution::QuoteExtractor;
use crate::quotes::lexicon::AttributionLexicon;
use crate::quotes::speakers::speaker_key;
use crate::quotes::{ArticleQuotes, Quote};
use crate::scoring::{Lexicons, Scored, Scorer, ScratchSpace, Toward};
use crate::segment::Segmented;
use crate::text::{CharOffsets, Span};
use crate::topics::{TopicLexicon, TopicMentions};

/// Everything built from lexicons, once: quote extraction, topics and scoring. Shared read-only across
/// threads.
pub struct Engine {
    quotes: QuoteExtractor,
    topics: TopicLexicon,
    scorer: Scorer,
    /// Folded alias to canonical name, from `--aliases`.
    aliases: HashMap<String, String>,
}

/// Builds an [`Engine`] from the default lexicons and a user's files.
#[derive(Debug, Default, Clone)]
pub struct EngineBuilder {
    lexicons: Vec<PathBuf>,
    topics: Option<PathBuf>,
    aliases: Option<PathBuf>,
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

    /// Sentiment and stance toward each of `targets` in `text`, scoring the text once (see
    /// [`Scorer::toward_each`]). A text target is its first occurrence, exact or else ignoring ASCII
    /// case; span targets must lie inside the text, as ingest checks.
    pub fn score_targets(
        &self,
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
        let mut towards = self.scorer.toward_each(text, &spans, scratch).into_iter();
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

    /// Finds, attributes, places and scores the quotes of one article.
    pub fn analyse(&self, article: Article) -> AnalysedArticle {
        let seg = Segmented::new(&article.text);
        let found = self.quotes.extract(&seg);
        let quotes = self.score_quotes(&article.id, &seg, &found);
        let mut speakers: Vec<&str> = quotes
            .iter()
            .filter_map(|q| q.speaker_key.as_deref())
            .collect();
        speakers.sort_unstable();
        speakers.dedup();
        let speakers = speakers.len();
        AnalysedArticle {
            status: ArticleStatus::Ok,
            quotes,
            speakers,
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
    ) -> Vec<ScoredQuote> {
        let offsets = CharOffsets::new(seg.text);
        let mut topics = Vec::new();
        let mut scratch = ScratchSpace::default();
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
                // One scoring of the quote serves its own scores and those toward its topics.
                let mut scored = Scored::default();
                let topic_stances = if topic_source == TopicSource::Quote {
                    self.topic_stances(&quote.text, &mut scratch, &mut scored)
                } else {
                    self.scorer
                        .score_into(&quote.text, &mut scratch, &mut scored);
                    Vec::new()
                };
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
                    quote_id: format!("{article_id}:{}", n + 1),
                    kind: quote.kind,
                    start: offsets.char_offset(quote.span.start),
                    end: offsets.char_offset(quote.span.end),
                    speaker: name,
                    speaker_key: key,
                    speaker_type: speaker.map(|s| s.kind),
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
                    topic_stances,
                }
            })
            .collect()
    }

    /// Stance and sentiment toward each topic that `text` (a quote's words) mentions, averaged over the
    /// topic's mentions.
    /// Leaves the scores of the whole of `text` in `scored`.
    fn topic_stances(
        &self,
        text: &str,
        scratch: &mut ScratchSpace,
        scored: &mut Scored,
    ) -> Vec<TopicStance> {
        let mentions: Vec<(Span, TopicId)> = self
            .topics
            .mentions(text)
            .iter()
            .map(|(start, end, topic)| (Span::new(start, end), topic))
            .collect();
        let spans: Vec<Span> = mentions.iter().map(|&(span, _)| span).collect();
        let towards = self.scorer.toward_each_into(text, &spans, scratch, scored);
        let mut out: Vec<TopicStance> = Vec::new();
        let mut counts: Vec<f32> = Vec::new();
        for ((_, topic), toward) in mentions.iter().zip(towards) {
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
                entry.evidence.push_str(&e.to_string());
            }
        }
        for (entry, n) in out.iter_mut().zip(counts) {
            entry.stance /= n;
            entry.sentiment /= n;
        }
        out.sort_by_key(|t| t.topic);
        out
    }

    /// Analyses a stream of records on `threads` threads (rayon's default when `None`), handing each
    /// result to `sink` in input order. Records are read on their own thread and analysed in bounded
    /// batches, so memory does not grow with the input; the output does not depend on the thread count.
    pub fn run<I, F>(&self, records: I, threads: Option<usize>, mut sink: F) -> Result<()>
    where
        I: Iterator<Item = Record> + Send,
        F: FnMut(AnalysedArticle) -> Result<()>,
    {
        const BATCH: usize = 256;
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = threads {
            pool = pool.num_threads(n);
        }
        let pool = pool
            .build()
            .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))?;
        std::thread::scope(|scope| {
            let (tx, rx) = sync_channel::<Vec<Record>>(2);
            scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                for record in records {
                    batch.push(record);
                    if batch.len() == BATCH
                        && tx
                            .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                            .is_err()
                    {
                        return;
                    }
                }
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
            });
            for batch in rx {
                let analysed: Vec<AnalysedArticle> = pool.install(|| {
                    batch
                        .into_par_iter()
                        .map(|r| self.analyse_record(r))
                        .collect()
                });
                for article in analysed {
                    sink(article)?;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_article() {
        let Ok(path) = std::env::var("TENOR_ARTICLE") else {
            return;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let engine = Engine::with_defaults().unwrap();
        let a = engine.analyse_text("seed", &text);
        for q in &a.quotes {
            eprintln!(
                "{:?} [{}] cue={:?} {:?} topics={:?}/{:?}\n   {:.60}\n   sent {:.2} coop {:.2} warm {:.2} threat {:.2} assert {:.2} irony {:.2}\n   {}",
                q.kind,
                q.speaker.as_deref().unwrap_or(""),
                q.cue,
                q.framing,
                q.topics,
                q.topic_source,
                q.text,
                q.scores.sentiment,
                q.scores.cooperation,
                q.scores.warmth,
                q.scores.threat,
                q.scores.assertiveness,
                q.scores.irony,
                q.evidence
            );
        }
    }
}
