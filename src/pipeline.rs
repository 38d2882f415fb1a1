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
