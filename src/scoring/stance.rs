//! Stance toward one mention in a text (a topic named in a quote): is the speaker for or against it?
//!
//! Stance comes from cues of support and opposition (lexicons/stance.tsv) that govern the mention, not
//! from sentiment: "end the war" is against the war, "defend the sanctions" for the sanctions. The cue
//! nearest before the mention in its clause governs it ("the need to continue with the nuclear deal"),
//! or one after it in a passive ("the deal must be preserved"); a cue that governs another cue composes
//! with it ("to stop North Korea acquiring a nuclear weapon" is against the weapon, "stop supporting the
//! deal" against the deal); a negated cue counts the other way ("will not support"). A governing cue
//! alone decides: the other cues of the sentence govern other things ("defend the treaty and halt the
//! strikes"). Only when none governs do the sentence's cues count, weaker and by distance, combined as
//! `(for - against) / (for + against + 1)`, which stays near 0 on thin evidence.
//!
//! Sentiment toward the mention is left to [`super::target`].

use super::Evidence;
use super::rules::{Flags, Scorer, ScratchSpace, Unit};
use super::table::{Grammar, Table};
use super::target::Attached;
use crate::text::{Span, TokenKind};

/// A negated cue counts the other way, a little weaker: "will not support" is against.
const NEGATED: f32 = 0.8;
/// A cue elsewhere in the sentence counts at most this much, less with distance.
const FALLBACK: f32 = 0.5;
/// Token distance at which a fallback cue counts half of [`FALLBACK`].
const HALF_DISTANCE: f32 = 12.0;
/// Between two cues that compose ("stop supporting", "continue to oppose") lie at most this many
/// function words.
const MAX_CHAIN_GAP: usize = 3;
/// The `a` in `(for - against) / (for + against + a)`: one cue unit.
const CUE_UNIT: f32 = 1.0;
/// Forms of "be" and "get" that make a following cue passive: "must be preserved", "got scrapped".
const PASSIVE: [&str; 10] = [
    "be", "been", "being", "is", "are", "was", "were", "get", "got", "gets",
];

/// The stance weight of a unit: its own entry's, or that of a phrase starting at it ("pull out of").
fn stance_of(table: &Table, u: &Unit) -> f32 {
    if u.is_excluded() || !u.is_word() {
        return 0.0;
    }
    let overlay = u.overlay.map_or(0.0, |id| table.entry(id).stance);
    if overlay != 0.0 {
        return overlay;
    }
    if u.flags.contains(Flags::IN_OVERLAY) {
        return 0.0;
    }
    u.entry.map_or(0.0, |id| table.entry(id).stance)
}

/// A cue's stance with its negation applied.
fn signed(table: &Table, u: &Unit) -> f32 {
    let w = stance_of(table, u);
    if u.is_negated() { -w * NEGATED } else { w }
}

impl Scorer {
    /// Stance toward the mention at byte span `mention` of `text`, -1 (against) ..= 1 (for), with the
    /// cues that made it. A span that covers no word, or a text without cues, gives 0 and no evidence.
    ///
    /// ```
    /// use tenor::scoring::{Lexicons, Scorer};
    /// use tenor::text::Span;
    ///
    /// let scorer = Scorer::new(Lexicons::embedded().unwrap());
    /// let text = "We must stop North Korea acquiring a nuclear weapon.";
    /// let weapon = text.find("nuclear weapon").unwrap();
    /// let (stance, evidence) = scorer.stance_toward(text, Span::new(weapon, weapon + 14));
    /// assert!(stance < 0.0, "{evidence:?}");
    /// ```
    pub fn stance_toward(&self, text: &str, mention: Span) -> (f32, Vec<Evidence>) {
        let mut scratch = ScratchSpace::default();
        let mut evidence = Vec::new();
        let stance = self.stance_toward_into(text, mention, &mut scratch, &mut evidence);
        (stance, evidence)
    }

    /// [`Scorer::stance_toward`] into reused buffers; `evidence` is cleared first.
    pub fn stance_toward_into(
        &self,
        text: &str,
        mention: Span,
        scratch: &mut ScratchSpace,
        evidence: &mut Vec<Evidence>,
    ) -> f32 {
        evidence.clear();
        let mut scored = super::Scored::default();
        self.score_into(text, scratch, &mut scored);
        match Attached::find(
            text,
            &scratch.units,
            &scratch.clauses,
            &scratch.sentences,
            mention,
        ) {
            Some(at) => stance_at(&self.lexicons.table, text, &scratch.units, &at, evidence),
            None => 0.0,
        }
    }
}

/// Stance toward the attached mention in a scored text, with its cues added to `evidence`.
pub(crate) fn stance_at(
    table: &Table,
    text: &str,
    units: &[Unit],
    at: &Attached,
    evidence: &mut Vec<Evidence>,
) -> f32 {
    let (first, last) = (at.first, at.last);
    let clause = units[first].clause;
    let sentence = units[first].sentence;
    let (mut for_, mut against) = (0.0f32, 0.0f32);
    let mut add = |w: f32, label: &str, evidence: &mut Vec<Evidence>| {
        if w > 0.0 {
            for_ += w;
        } else {
            against -= w;
        }
        evidence.push(Evidence {
            label: label.to_string(),
            value: w,
        });
    };
    // The governing cue: the nearest before the mention in its clause, with the cues it is
    // governed by; else a passive cue after it.
    let before = (0..first)
        .rev()
        .take_while(|&k| units[k].clause == clause)
        .find(|&k| stance_of(table, &units[k]) != 0.0);
    let after = (last + 1..units.len())
        .take_while(|&k| units[k].clause == clause)
        .find(|&k| stance_of(table, &units[k]) != 0.0)
        .filter(|&k| {
            k > 0 && units[k - 1].is_word() && {
                let word = units[k - 1].span.of(text);
                PASSIVE.iter().any(|p| word.eq_ignore_ascii_case(p))
            }
        });
    let mut governing: Vec<usize> = Vec::new();
    if let Some(mut k) = before {
        governing.push(k);
        // "stop supporting", "continue to oppose": a cue just before governs this one.
        while let Some(outer) = chained_cue(table, units, k, clause) {
            governing.push(outer);
            k = outer;
        }
    } else if let Some(k) = after {
        governing.push(k);
    }
    if let Some(&outermost) = governing.last() {
        let mut w = signed(table, &units[outermost]);
        for &inner in governing.iter().rev().skip(1) {
            w *= stance_of(table, &units[inner]).signum();
        }
        let mut label = String::new();
        for &k in governing.iter().rev() {
            label.push_str(cue_text(text, units, k));
            label.push('\u{2192}');
        }
        label.push_str(&text[units[first].span.start..units[last].span.end]);
        add(w, &label, evidence);
        return w.clamp(-1.0, 1.0);
    }
    // No cue governs the mention: every cue of the sentence, weaker and by distance.
    for (k, u) in units.iter().enumerate() {
        if u.sentence != sentence || (first..=last).contains(&k) {
            continue;
        }
        let w = signed(table, u);
        if w == 0.0 {
            continue;
        }
        let distance = if k < first { first - k } else { k - last };
        let weight = FALLBACK / (1.0 + distance as f32 / HALF_DISTANCE);
        let mut label = cue_text(text, units, k).to_string();
        label.push_str(" (near)");
        add(w * weight, &label, evidence);
    }
    (for_ - against) / (for_ + against + CUE_UNIT)
}

/// A cue that governs the cue at `k`: just before it in the same clause, with at most a few function
/// words between ("stop supporting", "continue to oppose", "an end to support for").
fn chained_cue(table: &Table, units: &[Unit], k: usize, clause: u32) -> Option<usize> {
    let mut gap = 0;
    for j in (0..k).rev() {
        let u = &units[j];
        if u.clause != clause || (u.kind == TokenKind::Punct && u.modifier.is_none()) {
            return None;
        }
        if stance_of(table, u) != 0.0 {
            return Some(j);
        }
        if u.is_word() && !u.grammar.contains(Grammar::FUNCTION) && u.modifier.is_none() {
            return None;
        }
        gap += 1;
        if gap > MAX_CHAIN_GAP {
            return None;
        }
    }
    None
}

/// The cue as written: its phrase when it starts one.
fn cue_text<'t>(text: &'t str, units: &[Unit], k: usize) -> &'t str {
    let u = &units[k];
    if u.overlay.is_some() {
        &text[u.span.start..u.overlay_end]
    } else {
        u.span.of(text)
    }
}
