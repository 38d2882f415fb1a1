//! Quotes: finding what was said ([`marks`] for direct and partial quotes, [`attribution`] for cues and
//! indirect speech) and who said it ([`speakers`]).
//!
//! The input is a [`Segmented`](crate::segment::Segmented) article; the output is an [`ArticleQuotes`]:
//! quotes with byte spans into the article, each pointing at one of the article's speakers. Scoring and
//! topics are left to later stages.

pub mod attribution;
pub mod lexicon;
pub mod marks;
pub mod speakers;

use crate::text::Span;

/// How a quote was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuoteKind {
    /// Whole sentences in quotation marks.
    Direct,
    /// Quoted words inside the reporter's own sentence: relations were “at a low point”.
    Partial,
    /// Reported speech without marks: X said that ...
    Indirect,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// How the reporter frames the speech act, from the cue (lexicons/cues.tsv).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Framing {
    Neutral,
    Endorse,
    Distance,
    Concede,
    Conflict,
    Cooperate,
    Humour,
    Affect,
    Tentative,
}

impl Framing {
    pub const ALL: [Framing; 9] = [
        Framing::Neutral,
        Framing::Endorse,
        Framing::Distance,
        Framing::Concede,
        Framing::Conflict,
        Framing::Cooperate,
        Framing::Humour,
        Framing::Affect,
        Framing::Tentative,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Framing::Neutral => "neutral",
            Framing::Endorse => "endorse",
            Framing::Distance => "distance",
            Framing::Concede => "concede",
            Framing::Conflict => "conflict",
            Framing::Cooperate => "cooperate",
            Framing::Humour => "humour",
            Framing::Affect => "affect",
            Framing::Tentative => "tentative",
        }
    }

    pub fn parse(s: &str) -> Option<Framing> {
        Framing::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What kind of speaker a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpeakerType {
    Person,
    Organisation,
    Group,
    /// "a senior official", "sources": kept apart, never merged with a named person.
    Anonymous,
}

impl SpeakerType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerType::Person => "person",
            SpeakerType::Organisation => "organisation",
            SpeakerType::Group => "group",
            SpeakerType::Anonymous => "anonymous",
        }
    }
}

/// The reporting cue of a quote, as written, with its framing.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub span: Span,
    /// The cue as written, with any manner adverb: "pointedly said", "cheekily joking".
    pub text: String,
    pub framing: Framing,
    /// The reporter's framing tone, -1..=1, from the cue and manner adverb; never part of the quote's own
    /// scores.
    pub framing_tone: f32,
}

/// One person, organisation or group that speaks in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// The fullest form of the name seen in the article, without honorifics and titles.
    pub name: String,
    /// Case- and accent-folded `name`: the key that joins speakers across articles.
    pub key: String,
    pub kind: SpeakerType,
    /// Title or apposition that says what the speaker is ("Russian Foreign Minister").
    pub role: Option<String>,
    /// Every mention attributed to this speaker.
    pub mentions: Vec<Span>,
}

/// One quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub kind: QuoteKind,
    /// From the first character of the quoted words to the last (marks excluded); for a quote continued
    /// across paragraphs, from the first paragraph's words to the last's.
    pub span: Span,
    /// The quoted words; continued paragraphs are joined by a single newline, their opening marks dropped.
    pub text: String,
    /// Index into [`ArticleQuotes::speakers`].
    pub speaker: Option<usize>,
    /// The mention that names the speaker for this quote ("he", "Mr Lavrov").
    pub speaker_mention: Option<Span>,
    pub cue: Option<Cue>,
    /// Index of the paragraph (in [`crate::segment::Segmented::paragraphs`]) where the quote starts.
    pub paragraph: usize,
}

/// The quotes and speakers of one article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleQuotes {
    pub quotes: Vec<Quote>,
    pub speakers: Vec<Speaker>,
}
