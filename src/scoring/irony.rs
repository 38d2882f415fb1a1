//! Irony found by rule rather than by lexicon entry: praise that stands alone before a complaint, praise
//! of a negative thing, praise echoed as a fragment, praise followed by a sting, hyperbole about a trifle,
//! scare quotes, and the hedged denial and paralipsis found while scoping negation.
//!
//! Each rule yields an [`IronyCue`] with a strength (the chance that a careful reader takes the span as
//! ironic) and an [`IronyEffect`]: whether the speaker means the opposite of their praise, which
//! [`super::rules`] then reverses, or makes a jibe beside a statement that stands. Cue words that carry
//! a weight of their own live in lexicons/irony.tsv; the words here are the closed sets a pattern needs.

use super::rules::{Flags, Seen, Sentence, Unit};
use super::table::{Dimension, Grammar, ModifierClass, Table};
use crate::text::TokenKind;

/// Strength of each rule's cue.
const MOCK_PRAISE: f32 = 0.5;
const SCARE_MARKER: f32 = 0.4;
const SCARE_QUOTES: f32 = 0.3;
const ECHOED_PRAISE: f32 = 0.5;
const PRAISE_THEN_STING: f32 = 0.45;
/// Praise of a party's quality or conduct ("his excellent memory", "London's wonderful concern") makes
/// an incongruity or a sting this strong: the butt is named.
const AIMED_PRAISE: f32 = 0.6;
const TRIFLE_HYPERBOLE: f32 = 0.45;
pub(crate) const HEDGED_DENIAL: f32 = 0.5;
pub(crate) const HEDGED_UNDERSTATEMENT: f32 = 0.6;
pub(crate) const LITOTES: f32 = 0.45;
pub(crate) const UNDERSTATEMENT: f32 = 0.3;
pub(crate) const PARALIPSIS: f32 = 0.4;

/// Valence from which a word counts as praise, and from which praise is effusive.
const PRAISE: f32 = 1.5;
const EFFUSIVE: f32 = 2.5;

/// Interjections that may come before mock praise: "Oh great, another delay."
const INTERJECTIONS: [&str; 6] = ["oh", "well", "yeah", "wow", "ah", "gee"];
/// Possessives that aim praise at a party other than the speaker.
const OTHERS_POSSESSIVE: [&str; 4] = ["his", "her", "their", "your"];
/// Pronouns by which a sting points back at what was praised.
const BACK_REFERENCE: [&str; 4] = ["it", "that", "this", "they"];
/// Trifling quantities after a word of size.
const TRIFLE: [&str; 7] = ["one", "two", "single", "penny", "pence", "cent", "cents"];
/// Prepositions that introduce who got or did something, in a denial: "not entirely to members of
/// the Trade Council".
const RECIPIENT: [&str; 5] = ["to", "by", "for", "among", "with"];

/// How an irony cue bears on the literal scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IronyEffect {
    /// The speaker means the opposite of their praise: strong irony of this kind reverses it.
    Inverts,
    /// A jibe or understatement beside a statement that still stands ("sales doubled – not, I
    /// suspect, entirely to members of the trade council – but it is progress all the same").
    Aside,
}

/// An irony cue found by a rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IronyCue {
    pub label: &'static str,
    pub strength: f32,
    pub effect: IronyEffect,
}

impl IronyCue {
    pub fn inverts(label: &'static str, strength: f32) -> IronyCue {
        IronyCue {
            label,
            strength,
            effect: IronyEffect::Inverts,
        }
    }

    pub fn aside(label: &'static str, strength: f32) -> IronyCue {
        IronyCue {
            label,
            strength,
            effect: IronyEffect::Aside,
        }
    }
}

/// Runs every rule that needs the whole text scored first (negation, boosters, names).
pub(crate) fn find(
    table: &Table,
    text: &str,
    units: &[Unit],
    active: &[u32],
    seen: Seen,
    sentences: &[Sentence],
    irony: &mut Vec<IronyCue>,
) {
    // Every rule needs praise, a quotation mark or a word of a closed set: most texts have none of
    // them, and what the lookup gathered, with a look at the few `active` units (the only ones with
    // a valence), spares the six.
    let (mut valence, mut base) = (f32::MIN, f32::MIN);
    for &k in active {
        let u = &units[k as usize];
        valence = valence.max(u.valence);
        base = base.max(u.base);
    }
    let grammar = seen.grammar;
    let quoted = seen.quote_marks && units.iter().any(|u| u.flags.contains(Flags::OPEN_QUOTE));
    let has = |g: Grammar| grammar & g.bits() != 0;
    if valence >= PRAISE {
        find_mock_praise(text, units, sentences, irony);
    }
    if quoted || has(Grammar::SCARE) {
        find_scare_quotes(table, units, irony);
    }
    if base >= EFFUSIVE {
        find_incongruous_praise(text, units, irony);
    }
    if base >= PRAISE {
        find_echoed_praise(text, units, sentences, irony);
    }
    if has(Grammar::REGRET) {
        find_praise_then_sting(text, units, sentences, irony);
    }
    if has(Grammar::SIZE) {
        find_trifle_hyperbole(text, units, irony);
    }
}

fn is(text: &str, u: &Unit, words: &[&str]) -> bool {
    u.is_word()
        && words
            .iter()
            .any(|w| u.span.of(text).eq_ignore_ascii_case(w))
}

/// A word that praises as it stands: not negated, not a name, not a word of degree ("great concern").
fn is_praise(u: &Unit, at_least: f32) -> bool {
    u.is_word()
        && u.base >= at_least
        && !u.is_negated()
        && !u.is_excluded()
        && !u.grammar.contains(Grammar::DEGREE)
}

/// Whether the praise at `k` is aimed at another party's quality: a possessive before it, through
/// boosters ("his excellent memory", "London’s truly wonderful concern").
fn is_aimed(text: &str, units: &[Unit], k: usize) -> bool {
    let mut p = k;
    while p > 0 && units[p - 1].is(ModifierClass::Booster) && units[p - 1].is_word() {
        p -= 1;
    }
    let Some(before) = p.checked_sub(1).map(|p| &units[p]) else {
        return false;
    };
    let word = before.span.of(text);
    let genitive = ["'s", "\u{2019}s"].iter().any(|s| word.ends_with(s))
        && !before.grammar.contains(Grammar::FUNCTION)
        && !before.grammar.contains(Grammar::COPULA);
    is(text, before, &OTHERS_POSSESSIVE) || (before.is_word() && genitive)
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
        if is(text, &units[first], &INTERJECTIONS) {
            let Some(second) = words.next() else { continue };
            first = second;
        }
        let praise = units[first];
        if praise.valence < PRAISE || praise.is_negated() {
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
            irony.push(IronyCue::inverts("mock praise", MOCK_PRAISE));
        }
    }
}

/// "so-called" and its kin, and a short quoted phrase after a determiner ("their \"peace plan\""): the
/// speaker holds the words at arm's length.
fn find_scare_quotes(table: &Table, units: &[Unit], irony: &mut Vec<IronyCue>) {
    for (i, u) in units.iter().enumerate() {
        if u.grammar.contains(Grammar::SCARE) && !u.is_excluded() && !u.is_negated() {
            let listed = u
                .entry
                .is_some_and(|id| table.entry(id).dim(Dimension::Irony) > 0.0);
            if !listed {
                irony.push(IronyCue::aside("scare quotes", SCARE_MARKER));
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
            irony.push(IronyCue::aside("scare quotes", SCARE_QUOTES));
        }
    }
}

/// Effusive praise of another party's negative thing: "your wonderful concern", "London's brilliant
/// fiasco". Without a party it is as often a compound ("the best debt deal", "exemplary penalties");
/// a word of degree is not praise here ("of great concern").
fn find_incongruous_praise(text: &str, units: &[Unit], irony: &mut Vec<IronyCue>) {
    for (k, pair) in units.windows(2).enumerate() {
        let (praise, thing) = (&pair[0], &pair[1]);
        if !is_praise(praise, EFFUSIVE) || !thing.is_word() || thing.is_excluded() {
            continue;
        }
        if thing.base <= -0.5
            && !thing.is_negated()
            && thing.modifier.is_none()
            && is_aimed(text, units, k)
        {
            irony.push(IronyCue::inverts("incongruous praise", AIMED_PRAISE));
        }
    }
}

/// A praise word said again, intensified, as a fragment of its own: "a generous package. Truly
/// generous." The first use is part of a statement; the echo has no exclamation, which would make it
/// enthusiasm ("Yay! ... Yay!").
fn find_echoed_praise(
    text: &str,
    units: &[Unit],
    sentences: &[Sentence],
    irony: &mut Vec<IronyCue>,
) {
    for sentence in sentences.iter().skip(1) {
        let range = sentence.start as usize..sentence.end as usize;
        let (mut words, mut boosted, mut praise) = (0, false, None);
        for (k, u) in units[range.clone()].iter().enumerate() {
            if u.kind == TokenKind::Punct && u.span.of(text) == "!" {
                words = usize::MAX;
                break;
            }
            if !u.is_word() {
                continue;
            }
            words += 1;
            if is_praise(u, PRAISE) && praise.is_none() {
                praise = Some(range.start + k);
            } else if u.is(ModifierClass::Booster) {
                boosted = true;
            } else if u.modifier.is_some() || !u.grammar.contains(Grammar::FUNCTION) {
                // A fragment holds the praise and its intensifiers only.
                words = usize::MAX;
                break;
            }
        }
        let Some(p) = praise.filter(|_| words <= 3 && boosted) else {
            continue;
        };
        let word = units[p].span.of(text);
        let in_statement = sentences[..units[p].sentence as usize].iter().any(|s| {
            let earlier = &units[s.start as usize..s.end as usize];
            earlier.iter().filter(|u| u.is_word()).count() >= 4
                && earlier
                    .iter()
                    .any(|u| u.is_word() && u.span.of(text).eq_ignore_ascii_case(word))
        });
        if in_statement {
            irony.push(IronyCue::inverts("echoed praise", ECHOED_PRAISE));
        }
    }
}

/// Praise, then a regret that points back at it and denies it reaches further: "Congratulations on his
/// excellent memory. It is a pity it does not extend to the price of bread."
fn find_praise_then_sting(
    text: &str,
    units: &[Unit],
    sentences: &[Sentence],
    irony: &mut Vec<IronyCue>,
) {
    for (k, u) in units.iter().enumerate() {
        if !u.grammar.contains(Grammar::REGRET) || u.is_excluded() || u.is_negated() {
            continue;
        }
        let sentence = &sentences[u.sentence as usize];
        let opening = units[sentence.start as usize..k]
            .iter()
            .filter(|w| w.is_word())
            .count();
        if opening > 4 {
            continue;
        }
        // "... a pity it does not ...": a pronoun for the praised thing, then a denial.
        let rest = &units[k + 1..sentence.end as usize];
        let Some(back) = rest.iter().position(|w| is(text, w, &BACK_REFERENCE)) else {
            continue;
        };
        if !rest[back + 1..]
            .iter()
            .take(4)
            .any(|w| w.is(ModifierClass::Negator))
        {
            continue;
        }
        // The praise: earlier in this sentence or in the one before.
        let from = if u.sentence > 0 {
            sentences[u.sentence as usize - 1].start as usize
        } else {
            sentence.start as usize
        };
        let mut praise = (from..k)
            .filter(|&p| is_praise(&units[p], EFFUSIVE))
            .peekable();
        if praise.peek().is_some() {
            let strength = if praise.any(|p| is_aimed(text, units, p)) {
                AIMED_PRAISE
            } else {
                PRAISE_THEN_STING
            };
            irony.push(IronyCue::inverts("praise then sting", strength));
        }
    }
}

/// A word of size before a trifle: "a whopping 1%", "a generous two pence".
fn find_trifle_hyperbole(text: &str, units: &[Unit], irony: &mut Vec<IronyCue>) {
    for (k, u) in units.iter().enumerate() {
        if !u.grammar.contains(Grammar::SIZE) || u.is_excluded() || u.is_negated() {
            continue;
        }
        // Past a currency sign: "a massive £1".
        let mut next = k + 1;
        while units
            .get(next)
            .is_some_and(|n| n.kind == TokenKind::Punct && n.span.of(text) != ",")
        {
            next += 1;
        }
        let Some(quantity) = units.get(next).filter(|n| n.is_word()) else {
            continue;
        };
        let written = quantity.span.of(text);
        let small_number = written.parse::<f32>().is_ok_and(|n| n > 0.0 && n <= 5.0);
        if small_number || is(text, quantity, &TRIFLE) {
            irony.push(IronyCue::inverts("hyperbole", TRIFLE_HYPERBOLE));
        }
    }
}

/// An aside of belief right after a negator or an understatement: "not, I believe, necessarily", "not I
/// believe necessarily", "not necessarily, I think". Without a mark before it the aside must be the
/// speaker's own ("I believe"), so that "does not appear to be" is no aside. Returns the index of the
/// first unit after the aside, when there is one.
pub(crate) fn hedged_aside(text: &str, units: &[Unit], from: usize) -> Option<usize> {
    let skip_marks = |mut k: usize| {
        while units.get(k).is_some_and(|u| {
            u.kind == TokenKind::Punct && !u.is(ModifierClass::Question) && u.modifier.is_none()
        }) {
            k += 1;
        }
        k
    };
    let sentence = units.get(from)?.sentence;
    let mut k = skip_marks(from);
    let marked = k > from;
    let first = units.get(k)?;
    let own = text[first.span.start..]
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("i") || w.eq_ignore_ascii_case("we"));
    if !marked && !own {
        return None;
    }
    if first.is(ModifierClass::Hedge) {
        // "I think", "perhaps": one unit.
        k += 1;
    } else if first.is_word() && first.grammar.contains(Grammar::SUBJECT) {
        let belief = units.get(k + 1)?;
        if !belief.grammar.contains(Grammar::BELIEF) {
            return None;
        }
        k += 2;
    } else {
        return None;
    }
    let k = skip_marks(k);
    (units.get(k).is_none_or(|u| u.sentence == sentence)).then_some(k)
}

/// After a hedged denial, a phrase naming who got or did something, as people of a named body: "not,
/// I suspect, entirely to members of the Trade Council" denies what nobody alleged, which insinuates it.
pub(crate) fn is_paralipsis(text: &str, units: &[Unit], scope: std::ops::Range<usize>) -> bool {
    let named = |u: &Unit| {
        u.flags.contains(Flags::CAPITALISED)
            && !u.flags.contains(Flags::SENTENCE_INITIAL)
            && !u.flags.contains(Flags::AFTER_OPEN_QUOTE)
    };
    let scope = &units[scope];
    scope.iter().enumerate().any(|(k, u)| {
        if !is(text, u, &RECIPIENT) {
            return false;
        }
        let after = scope[k + 1..].iter().filter(|w| w.is_word()).take(5);
        let mut of = false;
        for w in after {
            if of && named(w) {
                return true;
            }
            let word = w.span.of(text);
            if word.eq_ignore_ascii_case("of") {
                of = true;
            } else if named(w) && (word.ends_with("'s") || word.ends_with("\u{2019}s")) {
                return true;
            } else if of && !word.eq_ignore_ascii_case("the") {
                return false;
            }
        }
        false
    })
}
