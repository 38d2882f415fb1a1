//! Sentiment toward one span of a text (a person named in a sentence, a topic mentioned in a quote),
//! rather than the sentiment of the whole text.
//!
//! The text is scored as usual; then each evaluative word counts by how it attaches to the span. Words
//! in the span's own clause count fully, and so do an apposition right after the span and the
//! predicate after it ("Smith, a former judge, is a liar"); other words count less the further they
//! are. What the span's referent is reported as saying or believing ("Smith said the plan is a
//! disaster", "according to Smith, ...") is their stance toward something else, so it counts only a
//! little toward them. Quoted words count here: a label pinned on the target in quotation marks is
//! about the target.
//!
//! The stance dimensions are left as the whole text's; stance toward a topic is left to
//! [`super::stance`].

use super::rules::{Clause, Flags, Scorer, ScratchSpace, Sentence, Tally, Unit};
use super::rules::{adjusted_valence, is_neutral_content, reverse_praise};
use super::table::{Grammar, ModifierClass};
use super::{Evidence, Scored};
use crate::text::{Span, TokenKind};

/// Token distance at which a word outside the target's clauses counts half.
const HALF_DISTANCE: f32 = 12.0;
/// A word in another sentence counts at most this much.
const OTHER_SENTENCE: f32 = 0.25;
/// What the target is reported as saying or believing counts this much toward them.
const REPORTED: f32 = 0.0;
/// An apposition after the target ("Smith, a former judge, ...") is at most this many units long.
const MAX_APPOSITION: usize = 16;
/// Between the target and its verb of saying there are at most this many words ("Smith has
/// repeatedly said").
const MAX_GAP_TO_VERB: usize = 3;

/// How a unit relates to the target, for its weight and its evidence label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attachment {
    /// In the target's clause, its apposition or its predicate.
    Clause,
    /// Elsewhere, counted by distance.
    Near,
    /// The target's own reported words or views.
    Reported,
}

impl Attachment {
    fn label(self) -> &'static str {
        match self {
            Attachment::Clause => "",
            Attachment::Near => " (near)",
            Attachment::Reported => " (reported)",
        }
    }
}

/// The units of the target and how every other unit attaches to it.
pub(crate) struct Attached {
    /// First and last unit of the target.
    pub first: usize,
    pub last: usize,
    /// Units that are the target's own reported words.
    reported: std::ops::Range<usize>,
    /// A second stretch of reported words (before the target in "“...,” Smith said").
    reported_before: std::ops::Range<usize>,
    /// Clauses that belong to the target: its own, and an apposition and predicate after it.
    clauses: std::ops::Range<u32>,
    /// Other clauses of the target's sentence (of the text's first 64) that are about the target by
    /// pronoun, as bits (see [`Attached::find_coreferent`]).
    coreferent: u64,
}

impl Attached {
    /// Finds the target's units and clauses in a scored text. `None` when the span covers no unit.
    pub fn find(
        text: &str,
        units: &[Unit],
        clauses: &[Clause],
        sentences: &[Sentence],
        target: Span,
    ) -> Option<Attached> {
        let first = units.iter().position(|u| u.span.end > target.start)?;
        let last = units.iter().rposition(|u| u.span.start < target.end)?;
        if last < first {
            return None;
        }
        let sentence = sentences[units[first].sentence as usize];
        let mut own = units[first].clause..units[last].clause + 1;
        // "Smith, a former judge, is ...": the apposition and the predicate after it are Smith's.
        if units.get(last + 1).is_some_and(|c| is_mark(text, c, ","))
            && let Some(next) = units.get(last + 2)
        {
            let apposition = clauses[next.clause as usize];
            let closes = units
                .get(apposition.end as usize - 1)
                .is_some_and(|c| is_mark(text, c, ","));
            let short = (apposition.end - apposition.start) as usize <= MAX_APPOSITION;
            if closes && short && apposition.sentence == units[first].sentence {
                own.end = next.clause + 1;
                if clauses
                    .get(next.clause as usize + 1)
                    .is_some_and(|c| c.sentence == apposition.sentence)
                {
                    own.end += 1;
                }
            }
        }
        let mut attached = Attached {
            first,
            last,
            reported: 0..0,
            reported_before: 0..0,
            clauses: own,
            coreferent: 0,
        };
        attached.find_reported(text, units, clauses, sentence);
        attached.find_coreferent(text, units, clauses);
        Some(attached)
    }

    /// The target's own words: after its verb of saying ("Smith said ..."), before it when it closes
    /// the sentence ("“...,” Smith said", "..., said Smith"), or the rest of the sentence after
    /// "according to Smith".
    fn find_reported(
        &mut self,
        text: &str,
        units: &[Unit],
        clauses: &[Clause],
        sentence: Sentence,
    ) {
        let (start, end) = (sentence.start as usize, sentence.end as usize);
        let own_start = clauses[units[self.first].clause as usize].start as usize;
        let is_speech = |u: &Unit| u.is_word() && u.grammar.contains(Grammar::SPEECH);
        // "according to Smith" or "said Smith": the verb just before the target.
        let mut words_before = (start..self.first).rev().filter(|&k| units[k].is_word());
        let before = [words_before.next(), words_before.next()];
        if let [Some(to), Some(according)] = before
            && units[to].span.of(text).eq_ignore_ascii_case("to")
            && units[according]
                .span
                .of(text)
                .eq_ignore_ascii_case("according")
        {
            self.reported = self.last + 1..end;
            self.reported_before = start..according;
            return;
        }
        if let Some(verb) = before[0]
            && is_speech(&units[verb])
            && verb >= own_start
        {
            // "..., said Smith": what came before the verb's clause is Smith's.
            self.reported_before = start..own_start;
            return;
        }
        // "Smith (has repeatedly) said ...".
        let mut gap = 0;
        for k in self.last + 1..end {
            let u = &units[k];
            if !u.is_word() {
                if u.kind == TokenKind::Punct && !is_mark(text, u, ",") {
                    break;
                }
                continue;
            }
            if is_speech(u) {
                self.reported = k + 1..reported_end(units, clauses, k + 1, end);
                let words_after = units[k + 1..end].iter().filter(|w| w.is_word()).count();
                if words_after <= 4 && own_start > start {
                    // "“...,” Smith said (on Sunday)."
                    self.reported_before = start..own_start;
                }
                return;
            }
            gap += 1;
            if gap > MAX_GAP_TO_VERB {
                return;
            }
        }
    }

    /// Clauses that go on about the target by pronoun: led by "he" or "she" after a name ("Smith ...,
    /// and he lied"). Not in the target's own reported words, where "he" is as often someone else.
    fn find_coreferent(&mut self, text: &str, units: &[Unit], clauses: &[Clause]) {
        let sentence = units[self.first].sentence;
        let person = units[self.first..=self.last]
            .iter()
            .any(|u| u.flags.contains(Flags::CAPITALISED) || is_word_in(text, u, &PERSONAL));
        // A pronoun stands for a person: a target that is none (most topics) has no clauses of
        // this kind to look for.
        if !person {
            return;
        }
        for (c, clause) in clauses.iter().enumerate().take(u64::BITS as usize) {
            if clause.sentence != sentence || self.clauses.contains(&(c as u32)) {
                continue;
            }
            let words = units[clause.start as usize..clause.end as usize]
                .iter()
                .filter(|u| u.is_word());
            let start = clause.start as usize;
            let reported = self.reported.contains(&start) || self.reported_before.contains(&start);
            let about_target = !reported && words.take(3).any(|u| is_word_in(text, u, &PERSONAL));
            if about_target {
                self.coreferent |= 1 << c;
            }
        }
    }

    /// How unit `k` attaches to the target, and its weight.
    pub fn weight(&self, units: &[Unit], k: usize) -> (Attachment, f32) {
        let u = &units[k];
        let target = &units[self.first];
        let reported = self.reported.contains(&k) || self.reported_before.contains(&k);
        let coreferent = u.clause < u64::BITS && self.coreferent & (1 << u.clause) != 0;
        let (attachment, mut weight) = if reported {
            (Attachment::Reported, REPORTED)
        } else if self.clauses.contains(&u.clause)
            || (self.first..=self.last).contains(&k)
            || coreferent
        {
            (Attachment::Clause, 1.0)
        } else {
            let distance = if k < self.first {
                self.first - k
            } else {
                k.saturating_sub(self.last)
            };
            (
                Attachment::Near,
                1.0 / (1.0 + distance as f32 / HALF_DISTANCE),
            )
        };
        if u.sentence != target.sentence {
            weight = weight.min(OTHER_SENTENCE);
        }
        (attachment, weight)
    }
}

/// Pronouns that may stand for a person named elsewhere in the sentence.
const PERSONAL: [&str; 5] = ["he", "she", "him", "her", "his"];
fn is_word_in(text: &str, u: &Unit, words: &[&str]) -> bool {
    u.is_word()
        && words
            .iter()
            .any(|w| u.span.of(text).eq_ignore_ascii_case(w))
}

/// Where a target's reported words that start at `from` end: at the sentence's `end`, or earlier where a
/// contrast brings in another named party ("Smith said the tax is a disaster, but Jones called it fair").
fn reported_end(units: &[Unit], clauses: &[Clause], from: usize, end: usize) -> usize {
    let Some(first) = units.get(from) else {
        return end;
    };
    for clause in &clauses[first.clause as usize + 1..] {
        let start = clause.start as usize;
        if start >= end {
            break;
        }
        let clause_units = &units[start..(clause.end as usize).min(end)];
        let contrast = clause_units
            .iter()
            .find(|u| u.is_word())
            .is_some_and(|u| u.is(ModifierClass::Contrast));
        let named = clause_units.iter().any(|u| {
            u.flags.contains(Flags::CAPITALISED) && !u.flags.contains(Flags::SENTENCE_INITIAL)
        });
        if contrast && named {
            return start;
        }
    }
    end
}

fn is_mark(text: &str, u: &Unit, mark: &str) -> bool {
    u.kind == TokenKind::Punct && u.span.of(text) == mark
}

impl Scorer {
    /// Sentiment toward the text at byte span `target` of `text`: evaluative words attached to it count
    /// fully, others by distance, and the target's own reported words little (see the module
    /// documentation). The stance dimensions are the whole text's. A span that covers no word gives
    /// the whole text's scores.
    ///
    /// ```
    /// use tenor::scoring::{Lexicons, Scorer};
    /// use tenor::text::Span;
    ///
    /// let scorer = Scorer::new(Lexicons::embedded().unwrap());
    /// let text = "Smith said the new tax is a disaster.";
    /// let toward_smith = scorer.score_toward(text, Span::new(0, 5));
    /// assert!(toward_smith.scores.sentiment > scorer.score(text).scores.sentiment);
    /// ```
    pub fn score_toward(&self, text: &str, target: Span) -> Scored {
        let mut scratch = ScratchSpace::default();
        let mut scored = Scored::default();
        self.score_toward_into(text, target, &mut scratch, &mut scored);
        scored
    }

    /// [`Scorer::score_toward`] into reused buffers.
    pub fn score_toward_into(
        &self,
        text: &str,
        target: Span,
        scratch: &mut ScratchSpace,
        scored: &mut Scored,
    ) {
        self.score_into(text, scratch, scored);
        if let Some(attached) = Attached::find(
            text,
            &scratch.units,
            &scratch.clauses,
            &scratch.sentences,
            target,
        ) {
            sentiment_toward(text, scratch, &attached, scored, true);
        }
    }

    /// Sentiment and stance toward each of `spans` (byte spans of `text`), scoring the text once: what
    /// [`Scorer::score_toward`] and [`Scorer::stance_toward`] give for each span, in the order given.
    pub fn toward_each(
        &self,
        text: &str,
        spans: &[Span],
        scratch: &mut ScratchSpace,
    ) -> Vec<Toward> {
        let mut whole = Scored::default();
        self.toward_each_into(text, spans, scratch, &mut whole, true)
    }

    /// [`Scorer::toward_each`] that also leaves the whole text's scores in `whole`, as
    /// [`Scorer::score_into`] would. With `sentiment_evidence` false, each [`Toward`]'s
    /// `sentiment_evidence` is left empty, sparing a label per evaluative word per span for a caller
    /// that only wants the numbers.
    pub fn toward_each_into(
        &self,
        text: &str,
        spans: &[Span],
        scratch: &mut ScratchSpace,
        whole: &mut Scored,
        sentiment_evidence: bool,
    ) -> Vec<Toward> {
        self.score_into(text, scratch, whole);
        spans
            .iter()
            .map(|&span| {
                let mut toward = Toward {
                    sentiment: whole.scores.sentiment,
                    ..Toward::default()
                };
                if let Some(attached) = Attached::find(
                    text,
                    &scratch.units,
                    &scratch.clauses,
                    &scratch.sentences,
                    span,
                ) {
                    let mut scored = Scored {
                        scores: whole.scores,
                        evidence: Vec::new(),
                    };
                    sentiment_toward(text, scratch, &attached, &mut scored, sentiment_evidence);
                    toward.sentiment = scored.scores.sentiment;
                    toward.sentiment_evidence = scored.evidence;
                    toward.stance = super::stance::stance_at(
                        &self.lexicons.table,
                        text,
                        &scratch.units,
                        &attached,
                        &mut toward.stance_evidence,
                    );
                }
                toward
            })
            .collect()
    }
}

/// Sentiment and stance toward one span of a text ([`Scorer::toward_each`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Toward {
    /// -1..=1, as [`Scorer::score_toward`] gives it.
    pub sentiment: f32,
    /// -1 (against) ..= 1 (for), as [`Scorer::stance_toward`] gives it.
    pub stance: f32,
    /// The words behind `sentiment`, each with the value it added.
    pub sentiment_evidence: Vec<Evidence>,
    /// The cues behind `stance`.
    pub stance_evidence: Vec<Evidence>,
}

/// Replaces the sentiment, shares and evidence of `scored` (the scores of the whole text, in
/// `scratch`) with those toward the attached span; with `with_evidence` false the evidence is left
/// empty.
fn sentiment_toward(
    text: &str,
    scratch: &ScratchSpace,
    attached: &Attached,
    scored: &mut Scored,
    with_evidence: bool,
) {
    let units = &scratch.units;
    let mut tally = Tally::default();
    scored.evidence.clear();
    for (k, u) in units.iter().enumerate() {
        if u.base == 0.0 || u.flags.contains(Flags::NAME) {
            if is_neutral_content(u) {
                tally.add_neutral(1.0);
            }
            continue;
        }
        // Quoted words count toward a target: "called him a “liar”".
        let valence = if u.flags.contains(Flags::NESTED) {
            adjusted_valence(u).0
        } else {
            u.valence
        };
        let (attachment, weight) = attached.weight(units, k);
        tally.add(valence, weight);
        if !with_evidence {
            continue;
        }
        let (word, suffix) = (u.span.of(text), attachment.label());
        let mut label = String::with_capacity(word.len() + suffix.len());
        label.push_str(word);
        label.push_str(suffix);
        scored.evidence.push(Evidence {
            label,
            value: valence * weight,
        });
    }
    let toward = tally.scores();
    // Irony that inverts praise inverts praise of the target too.
    scored.scores.sentiment = reverse_praise(toward.sentiment, scratch.inverting);
    scored.scores.positive = toward.positive;
    scored.scores.negative = toward.negative;
    scored.scores.neutral = toward.neutral;
}
