//! A human-readable account of one score: every token's lexicon value and contribution, the rules that
//! touched it, and the evidence list. This backs `tenor explain "TEXT"`; the scores themselves are
//! computed by [`super::rules`] exactly as in a batch run.

use std::fmt;

use super::Scored;
use super::rules::{Flags, Scorer, ScratchSpace};
use super::table::Dimension;

/// One token (or multiword entry) of an explained text.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenExplanation {
    /// The token as written.
    pub text: String,
    /// Lexicon valence, 0 when none.
    pub lexicon: f32,
    /// What the token added to the sentiment sum after every rule.
    pub contribution: f32,
    /// Dimension weights from the lexicons, before rules (a tone-only phrase's weights are shown on
    /// its first word).
    pub dims: Vec<(Dimension, f32)>,
    /// The tone-only phrase starting at this token, if any ("not exactly").
    pub phrase: Option<String>,
    /// Modifier class, when the token is one.
    pub modifier: Option<&'static str>,
    /// Rules that touched this token ("negated", "boosted", "concession", ...).
    pub rules: Vec<&'static str>,
}

/// The scores of one text with the reasoning behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub text: String,
    pub tokens: Vec<TokenExplanation>,
    pub scored: Scored,
}

impl Scorer {
    /// Scores `text` and explains how.
    pub fn explain(&self, text: &str) -> Explanation {
        let mut scratch = ScratchSpace::default();
        let mut scored = Scored::default();
        self.score_into(text, &mut scratch, &mut scored);
        let table = &self.lexicons.table;
        let tokens = scratch
            .units
            .iter()
            .filter(|u| u.is_word() || u.modifier.is_some() || u.base != 0.0)
            .map(|u| {
                let entry = u.entry.map(|id| table.entry(id));
                let overlay = u.overlay.map(|id| table.entry(id));
                let mut dims: Vec<(Dimension, f32)> = entry
                    .filter(|_| !u.flags.contains(Flags::IN_OVERLAY) && u.overlay.is_none())
                    .into_iter()
                    .chain(overlay)
                    .flat_map(|e| {
                        Dimension::ALL
                            .into_iter()
                            .filter(move |&d| e.dim(d) != 0.0)
                            .map(move |d| (d, e.dim(d)))
                    })
                    .collect();
                dims.sort_by_key(|(d, _)| *d);
                TokenExplanation {
                    text: u.span.of(text).to_string(),
                    lexicon: u.base,
                    contribution: u.valence,
                    dims,
                    phrase: u
                        .overlay
                        .map(|_| text[u.span.start..u.overlay_end].to_string()),
                    modifier: u.modifier.map(|m| m.class.as_str()),
                    rules: u.flags.names().collect(),
                }
            })
            .collect();
        Explanation {
            text: text.to_string(),
            tokens,
            scored,
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "text: {}", self.text)?;
        writeln!(f, "{:<24} {:>7} {:>7}  notes", "token", "lexicon", "counts")?;
        for t in &self.tokens {
            let number = |v: f32| {
                if v == 0.0 {
                    "-".to_string()
                } else {
                    format!("{v:+.2}")
                }
            };
            write!(
                f,
                "{:<24} {:>7} {:>7} ",
                t.text,
                number(t.lexicon),
                number(t.contribution)
            )?;
            if let Some(class) = t.modifier {
                write!(f, " [{class}]")?;
            }
            if let Some(phrase) = &t.phrase {
                write!(f, " \"{phrase}\":")?;
            }
            for (d, w) in &t.dims {
                write!(f, " {}{w:+.2}", d.as_str())?;
            }
            if !t.rules.is_empty() {
                write!(f, " ({})", t.rules.join(", "))?;
            }
            writeln!(f)?;
        }
        writeln!(f, "evidence:")?;
        for e in &self.scored.evidence {
            writeln!(f, "  {e}")?;
        }
        writeln!(f, "scores:")?;
        let s = &self.scored.scores;
        for (name, value) in super::Scores::NAMES.iter().zip(s.values()) {
            writeln!(f, "  {name:<14} {value:+.3}")?;
        }
        Ok(())
    }
}
