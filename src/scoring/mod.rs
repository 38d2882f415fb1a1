//! Tone scoring of a span of text: sentiment and the stance dimensions, each explained by the lexicon
//! hits and rules that moved it.
//!
//! The scorer sees only the words it is given: the reporter's cue and manner adverbs are scored apart
//! (framing, in [`crate::quotes`]). Lexicons are built once into one table and shared read-only.
//!
//! - `lexicon` loads the team's lexicons and users' files into [`Lexicons`];
//! - `table` is the one-lookup-per-token table they compile into;
//! - `rules` holds the [`Scorer`] and the sentiment rules; `dimensions` the stance dimensions; `irony`
//!   the irony rules; `target` sentiment toward one span of the text ([`Scorer::score_toward`]);
//!   `stance` being for or against it ([`Scorer::stance_toward`]);
//!   `explain` the per-token trace behind `tenor explain` ([`Explanation`]).
//!
//! ```
//! use tenor::scoring::{Lexicons, Scorer};
//!
//! let lexicons = Lexicons::builder()
//!     .add_text("valence.tsv", "term\tvalence\ngood\t2\n")
//!     .and_then(|b| b.add_text("modifiers.tsv", "term\tclass\tweight\nnot\tnegator\t1\n"))
//!     .unwrap()
//!     .build();
//! let scorer = Scorer::new(lexicons);
//! assert!(scorer.score("The plan is good.").scores.sentiment > 0.0);
//! assert!(scorer.score("The plan is not good.").scores.sentiment < 0.0);
//! ```

mod dimensions;
mod explain;
mod irony;
mod lexicon;
mod rules;
mod stance;
mod table;
mod target;
mod words;

#[cfg(test)]
mod tests;

pub use explain::{Explanation, TokenExplanation};
pub use lexicon::{FileFormat, Lexicons, LexiconsBuilder, detect_format};
pub use rules::{Scorer, ScratchSpace};
pub use table::{Dimension, Entry, Modifier, ModifierClass};
pub use target::Toward;

/// The scores of one text. Ranges: `sentiment`, `cooperation`, `warmth`, `assertiveness` in -1..=1;
/// `positive`, `negative`, `neutral` are shares that sum to 1; `threat` and `irony` in 0..=1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub sentiment: f32,
    pub positive: f32,
    pub negative: f32,
    pub neutral: f32,
    pub cooperation: f32,
    pub warmth: f32,
    pub threat: f32,
    pub assertiveness: f32,
    pub irony: f32,
}

impl Scores {
    /// Column names, in the order of [`Scores::values`].
    pub const NAMES: [&'static str; 9] = [
        "sentiment",
        "positive",
        "negative",
        "neutral",
        "cooperation",
        "warmth",
        "threat",
        "assertiveness",
        "irony",
    ];

    pub fn values(&self) -> [f32; 9] {
        [
            self.sentiment,
            self.positive,
            self.negative,
            self.neutral,
            self.cooperation,
            self.warmth,
            self.threat,
            self.assertiveness,
            self.irony,
        ]
    }
}

/// One lexicon hit or rule that moved a score, rendered as `label:value` (`low point:-2.1`).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub label: String,
    pub value: f32,
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{:.2}", self.label, self.value)
    }
}

/// Scores with their evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scored {
    pub scores: Scores,
    pub evidence: Vec<Evidence>,
}
