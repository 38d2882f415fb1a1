//! The stance dimensions: cooperation, warmth and assertiveness as `(for - against) / (for + against +
//! a)`, which stays near 0 on thin evidence; threat and irony as a noisy-OR `1 - Π(1 - w)` of cue
//! strengths. Lexicon cues arrive already negation-aware and boosted from [`super::rules`]; this module
//! adds the hedge and certainty markers to assertiveness, the conditional-threat frame, and the irony
//! rules (mock praise, scare quotes; the hedged denial is found with negation).
//!
//! How strong irony changes sentiment is left to [`super::rules`].

use super::Scores;
use super::rules::{EvidenceSink, Flags, Scorer, Sentence, Unit, dimension_weight};
use super::table::{Dimension, Entry, Grammar, ModifierClass};
use crate::text::TokenKind;

/// One cue unit: the `a` in `(for - against) / (for + against + a)`.
const CUE_UNIT: f32 = 1.0;
/// A threat word in a sentence that is also conditional ("if they ..., we will respond") is a
/// conditional threat: this much more threat.
const CONDITIONAL_THREAT: f32 = 0.25;
/// Strength of an irony cue found by rule, as opposed to one from lexicons/irony.tsv.
const MOCK_PRAISE: f32 = 0.5;
const SCARE_MARKER: f32 = 0.4;
const SCARE_QUOTES: f32 = 0.3;
/// Interjections that may come before mock praise: "Oh great, another delay."
const INTERJECTIONS: [&str; 6] = ["oh", "well", "yeah", "wow", "ah", "gee"];

/// An irony cue found by a rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IronyCue {
    pub label: &'static str,
    pub strength: f32,
}

/// Running sums of one bipolar dimension.
#[derive(Default, Clone, Copy)]
struct Poles {
    for_: f32,
    against: f32,
}

impl Poles {
    fn add(&mut self, w: f32) {
        if w > 0.0 {
            self.for_ += w;
        } else {
            self.against -= w;
        }
    }

    fn score(self) -> f32 {
        (self.for_ - self.against) / (self.for_ + self.against + CUE_UNIT)
    }
}

pub(crate) fn score(
    scorer: &Scorer,
    text: &str,
    units: &[Unit],
    sentences: &[Sentence],
    irony: &mut Vec<IronyCue>,
    scores: &mut Scores,
    sink: &mut EvidenceSink<'_>,
) {
    let table = &scorer.lexicons.table;
    let mut sums = Sums {
        cooperation: Poles::default(),
        warmth: Poles::default(),
        assertiveness: Poles::default(),
        no_threat: 1.0,
        no_irony: 1.0,
        conditional_threat: false,
    };
    for u in units {
        if u.is_excluded() || (u.modifier.is_none() && !u.flags.contains(Flags::HAS_DIMS)) {
            continue;
        }
        // Inside a tone-only phrase the phrase's weights stand for the word's.
        let own = u
            .entry
            .filter(|_| !u.flags.contains(Flags::IN_OVERLAY) && u.overlay.is_none());
        let entries = [own, u.overlay].map(|id| id.map(|id| table.entry(id)));
        let listed_assertiveness = entries
            .iter()
            .flatten()
            .any(|e| e.dim(Dimension::Assertiveness) != 0.0);
        // A hedge or certainty marker counts for assertiveness unless the lexicon rates it there.
        if let Some(m) = u.modifier
            && !listed_assertiveness
        {
            let w = match m.class {
                ModifierClass::Certainty => m.weight,
                ModifierClass::Hedge => -m.weight,
                ModifierClass::Conditional | ModifierClass::Question => -m.weight / 2.0,
                _ => 0.0,
            };
            if w != 0.0 {
                sums.assertiveness.add(w);
                sink.push(w, &["assertiveness:", u.span.of(text)]);
            }
        }
        if let Some(entry) = entries[0] {
            add_dims(entry, u, u.span.of(text), sentences, &mut sums, sink);
        }
        if let Some(entry) = entries[1] {
            let phrase = &text[u.span.start..u.overlay_end];
            add_dims(entry, u, phrase, sentences, &mut sums, sink);
        }
    }
    if sums.conditional_threat {
        sums.no_threat *= 1.0 - CONDITIONAL_THREAT;
        sink.push(CONDITIONAL_THREAT, &["threat:conditional"]);
    }
    find_mock_praise(text, units, sentences, irony);
    find_scare_quotes(table, units, irony);
    for cue in irony.iter() {
        sums.no_irony *= 1.0 - cue.strength;
        sink.push(cue.strength, &["irony:", cue.label]);
    }
    scores.cooperation = sums.cooperation.score();
    scores.warmth = sums.warmth.score();
    scores.assertiveness = sums.assertiveness.score();
    scores.threat = (1.0 - sums.no_threat).clamp(0.0, 1.0);
    scores.irony = (1.0 - sums.no_irony).clamp(0.0, 1.0);
}

/// Running sums of every dimension.
struct Sums {
    cooperation: Poles,
    warmth: Poles,
    assertiveness: Poles,
    no_threat: f32,
    no_irony: f32,
    /// A threat cue stands in a conditional sentence.
    conditional_threat: bool,
}

/// Adds one lexicon entry's dimension weights, as they apply at unit `u`; `term` is the entry as written.
fn add_dims(
    entry: &Entry,
    u: &Unit,
    term: &str,
    sentences: &[Sentence],
    sums: &mut Sums,
    sink: &mut EvidenceSink<'_>,
) {
    for d in Dimension::ALL {
        let raw = entry.dim(d);
        if raw == 0.0 {
            continue;
        }
        let Some(w) = dimension_weight(u, raw, d) else {
            continue;
        };
        match d {
            Dimension::Cooperation => sums.cooperation.add(w),
            Dimension::Warmth => sums.warmth.add(w),
            Dimension::Assertiveness => sums.assertiveness.add(w),
            Dimension::Threat => {
                sums.no_threat *= 1.0 - w;
                sums.conditional_threat |= sentences[u.sentence as usize].conditional;
            }
            Dimension::Irony => sums.no_irony *= 1.0 - w,
        }
        sink.push(w, &[d.as_str(), ":", term]);
    }
}

/// Praise that opens a sentence as an exclamation and is followed by a negative fact: "Great, another
/// delay." The praise must stand alone (followed by , ! . or nothing), so "Great progress was made
/// despite the delay" is not mock praise.
fn find_mock_praise(text: &str, units: &[Unit], sentences: &[Sentence], irony: &mut Vec<IronyCue>) {
    for (s, sentence) in sentences.iter().enumerate() {
        let range = sentence.start as usize..sentence.end as usize;
        let mut words = range.clone().filter(|&k| units[k].is_word());
        let Some(mut first) = words.next() else {
            continue;
        };
        if INTERJECTIONS
            .iter()
            .any(|w| units[first].span.of(text).eq_ignore_ascii_case(w))
        {
            let Some(second) = words.next() else { continue };
            first = second;
        }
        let praise = units[first];
        if praise.valence < 1.5 || praise.is_negated() {
            continue;
        }
        let stands_alone = units.get(first + 1).is_none_or(|next| {
            next.kind == TokenKind::Punct
                && matches!(next.span.of(text), "," | "!" | "." | "\u{2026}" | ";" | ":")
        });
        if !stands_alone {
            continue;
        }
        let mut rest = units[first + 1..range.end]
            .iter()
            .map(|u| u.valence)
            .sum::<f32>();
        // Praise standing as a sentence of its own mocks the sentence after it, or else the one before:
        // "Forgot my phone. Great."
        let sum = |s: &Sentence| {
            units[s.start as usize..s.end as usize]
                .iter()
                .map(|u| u.valence)
                .sum::<f32>()
        };
        if rest == 0.0 {
            rest = sentences.get(s + 1).map_or(0.0, sum);
        }
        if rest == 0.0 && s > 0 {
            rest = sum(&sentences[s - 1]);
        }
        if rest <= -1.0 {
            irony.push(IronyCue {
                label: "mock praise",
                strength: MOCK_PRAISE,
            });
        }
    }
}

/// "so-called" and its kin, and a short quoted phrase after a determiner ("their \"peace plan\""): the
/// speaker holds the words at arm's length.
fn find_scare_quotes(table: &super::table::Table, units: &[Unit], irony: &mut Vec<IronyCue>) {
    for (i, u) in units.iter().enumerate() {
        if u.grammar.contains(Grammar::SCARE) && !u.is_excluded() && !u.is_negated() {
            let listed = u
                .entry
                .is_some_and(|id| table.entry(id).dim(Dimension::Irony) > 0.0);
            if !listed {
                irony.push(IronyCue {
                    label: "scare quotes",
                    strength: SCARE_MARKER,
                });
            }
        }
        if !u.flags.contains(Flags::OPEN_QUOTE) || i == 0 {
            continue;
        }
        let before = units[i - 1];
        let introduced = before.is_word()
            && (before.grammar.contains(Grammar::SUBJECT)
                || before.grammar.contains(Grammar::SCARE));
        if !introduced {
            continue;
        }
        let inside = units[i + 1..]
            .iter()
            .take_while(|q| q.flags.contains(Flags::NESTED))
            .count();
        let words = units[i + 1..i + 1 + inside]
            .iter()
            .filter(|q| q.is_word())
            .count();
        let closed = units
            .get(i + 1 + inside)
            .is_some_and(|q| q.flags.contains(Flags::CLOSE_QUOTE));
        if (1..=3).contains(&words) && closed {
            irony.push(IronyCue {
                label: "scare quotes",
                strength: SCARE_QUOTES,
            });
        }
    }
}
