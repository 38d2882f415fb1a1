//! Topics: which subjects a quote mentions, from a topic lexicon (lexicons/topics.toml or a user file).
//!
//! Terms and phrases are matched case-insensitively on word boundaries by one automaton built once. When a
//! quote names no topic, the caller falls back to its context and records that with [`TopicSource`].

/// Where a quote's topics came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicSource {
    /// The quote's own words name the topic.
    Quote,
    /// The quote names none; its sentence and paragraph context do.
    Context,
    /// Neither does.
    None,
}

impl TopicSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TopicSource::Quote => "quote",
            TopicSource::Context => "context",
            TopicSource::None => "",
        }
    }
}

/// Index of a topic in its [`TopicLexicon`].
pub type TopicId = u16;
