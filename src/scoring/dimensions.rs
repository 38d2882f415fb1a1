//! The stance dimensions: cooperation, warmth and assertiveness as `(for - against) / (for + against +
//! a)`, which stays near 0 on thin evidence; threat and irony as a noisy-OR `1 - Π(1 - w)` of cue
//! strengths. Lexicon cues arrive already negation-aware and boosted from [`super::rules`]; this module
//! adds the hedge and certainty markers to assertiveness and the conditional-threat frame, and combines
//! the irony cues of the lexicon with those [`super::irony`] finds by rule.
//!
//! How strong irony changes sentiment is left to [`super::rules`].

use super::Scores;
use super::irony::{self, IronyCue, IronyEffect};
use super::rules::{EvidenceSink, Flags, Scorer, Seen, Sentence, Unit, dimension_weight};
use super::table::{Dimension, Entry, ModifierClass};

/// One cue unit: the `a` in `(for - against) / (for + against + a)`.
const CUE_UNIT: f32 = 1.0;
/// A threat word in a sentence that is also conditional ("if they ..., we will respond") is a
/// conditional threat: this much more threat.
const CONDITIONAL_THREAT: f32 = 0.25;

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

/// Scores the dimensions into `scores`. Returns the strength of the irony that inverts praise (lexicon
/// cues and [`IronyEffect::Inverts`] rules), which [`super::rules`] uses to reverse it. Only the
/// `active` units (modifiers and evaluative words) can carry a cue.
#[allow(clippy::too_many_arguments)]
pub(crate) fn score(
    scorer: &Scorer,
    text: &str,
    units: &[Unit],
    active: &[u32],
    seen: Seen,
    sentences: &[Sentence],
    irony: &mut Vec<IronyCue>,
    scores: &mut Scores,
    sink: &mut EvidenceSink<'_>,
) -> f32 {
    let table = &scorer.lexicons.table;
    let mut sums = Sums {
        cooperation: Poles::default(),
        warmth: Poles::default(),
        assertiveness: Poles::default(),
        no_threat: 1.0,
        no_irony: 1.0,
        no_inverting_irony: 1.0,
        conditional_threat: false,
    };
    for &k in active {
        let u = &units[k as usize];
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
    irony::find(table, text, units, active, seen, sentences, irony);
    for cue in irony.iter() {
        sums.no_irony *= 1.0 - cue.strength;
        if cue.effect == IronyEffect::Inverts {
            sums.no_inverting_irony *= 1.0 - cue.strength;
        }
        sink.push(cue.strength, &["irony:", cue.label]);
    }
    scores.cooperation = sums.cooperation.score();
    scores.warmth = sums.warmth.score();
    scores.assertiveness = sums.assertiveness.score();
    scores.threat = (1.0 - sums.no_threat).clamp(0.0, 1.0);
    scores.irony = (1.0 - sums.no_irony).clamp(0.0, 1.0);
    (1.0 - sums.no_inverting_irony).clamp(0.0, 1.0)
}

/// Running sums of every dimension.
struct Sums {
    cooperation: Poles,
    warmth: Poles,
    assertiveness: Poles,
    no_threat: f32,
    no_irony: f32,
    /// The same product over the cues that invert praise: lexicon cues and inverting rules.
    no_inverting_irony: f32,
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
            Dimension::Irony => {
                sums.no_irony *= 1.0 - w;
                sums.no_inverting_irony *= 1.0 - w;
            }
        }
        sink.push(w, &[d.as_str(), ":", term]);
    }
}
