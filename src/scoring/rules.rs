//! The scorer: tokens → lexicon units → sentences and clauses → modifier rules → sentiment.
//!
//! One pass tokenizes and looks every token up once (a multiword entry wins over its words); a second
//! pass finds sentences, clauses and nested quotations; then each rule marks the units it reaches:
//! boosters and dampeners the next content word, negators the rest of their clause, contrastive
//! connectives the clauses around them, hedges, conditionals and questions their clause or sentence.
//! Sentiment is an average intensity, so it does not saturate with length. The stance dimensions and
//! irony are left to [`super::dimensions`]; the human-readable trace to [`super::explain`].

use super::dimensions;
use super::irony::{self, IronyCue};
use super::lexicon::Lexicons;
use super::table::{
    Dimension, EntryFacts, EntryId, Grammar, LookupToken, LookupTokens, Modifier, ModifierClass,
    WordKey, fold_term_into, may_have_plain_form,
};
use super::{Evidence, Scored, Scores};
use crate::text::{Span, Spelling, TokenKind, is_ascii_space};

/// Weight of a neutral content word in the denominator of the average intensity: low enough that one
/// evaluative word in a long factual sentence still shows, high enough that it shows less than alone.
const DILUTION: f32 = 0.25;
/// Average intensity (valence units) that maps to tanh(1) ≈ 0.76: a clearly evaluative sentence.
const INTENSITY_SCALE: f32 = 2.5;
/// Emphasis of an ALL-CAPS evaluative word in mixed-case text.
const CAPS_EMPHASIS: f32 = 1.25;
/// Emphasis of a word written stretched ("soooo good"): like capitals, it raises the word's force.
const ELONGATION: f32 = 1.25;
/// A doubly negated word ("not without merit") keeps its sign but loses force.
const DOUBLE_NEGATION: f32 = 0.6;
/// At most this many "!" in one sentence add emphasis.
const MAX_EXCLAIM: u32 = 3;
/// A negation reaches at most this many units: a clause longer than that has lost its subject.
const MAX_NEGATION_SCOPE: usize = 40;
/// A booster reaches through at most this many other boosters.
const MAX_BOOSTER_CHAIN: usize = 8;
/// Boosters, certainty markers and contrasts multiply; a long run of them must not overflow.
const MAX_FACTOR: f32 = 4.0;
/// A negative word that is the object of a negated verb keeps its sign at this fraction of its force.
const NEGATED_OBJECT: f32 = 0.5;
/// Strengthening of the evaluative words of a negated comparative ("couldn't be happier").
const SUPERLATIVE: f32 = 0.3;
/// Irony at or above this flips or damps the literal sentiment.
const STRONG_IRONY: f32 = 0.5;

/// Rules and roles recorded on a unit, as bit flags. Public to [`super::explain`] through
/// [`Flags::names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Flags(u64);

impl Flags {
    pub const WORD: Flags = Flags(1);
    pub const SENTENCE_INITIAL: Flags = Flags(1 << 1);
    pub const AFTER_OPEN_QUOTE: Flags = Flags(1 << 2);
    pub const CAPITALISED: Flags = Flags(1 << 3);
    pub const ALL_CAPS: Flags = Flags(1 << 4);
    pub const NESTED: Flags = Flags(1 << 5);
    pub const NAME: Flags = Flags(1 << 6);
    pub const CLAUSE_START: Flags = Flags(1 << 7);
    pub const CAPS_EMPHASIS: Flags = Flags(1 << 8);
    pub const NEGATED: Flags = Flags(1 << 9);
    pub const DOUBLE_NEGATED: Flags = Flags(1 << 10);
    pub const NOT_CONTRAST: Flags = Flags(1 << 11);
    pub const BOOSTED: Flags = Flags(1 << 12);
    pub const DAMPED: Flags = Flags(1 << 13);
    pub const CONCESSION: Flags = Flags(1 << 14);
    pub const MAIN_CLAUSE: Flags = Flags(1 << 15);
    pub const HEDGED: Flags = Flags(1 << 16);
    pub const CERTAIN: Flags = Flags(1 << 17);
    pub const CONDITIONAL: Flags = Flags(1 << 18);
    pub const QUESTION: Flags = Flags(1 << 19);
    pub const EXCLAIMED: Flags = Flags(1 << 20);
    pub const OPEN_QUOTE: Flags = Flags(1 << 21);
    pub const CLOSE_QUOTE: Flags = Flags(1 << 22);
    pub const NEWLINE_BEFORE: Flags = Flags(1 << 23);
    /// After a colon, handle or link, where a capital letter does not mark a name.
    pub const CAPITAL_EXPECTED: Flags = Flags(1 << 24);
    /// The unit has a valence or a dimension weight.
    pub const EVALUATIVE: Flags = Flags(1 << 26);
    /// A negative word that is the object of a negated ordinary verb ("did not solve the problem"):
    /// weakened, not reversed.
    pub const NEGATED_OBJECT: Flags = Flags(1 << 27);
    /// Written stretched ("goooood", "soooo"): emphasis, as capitals are.
    pub const ELONGATED: Flags = Flags(1 << 25);
    /// Inside a tone-only multiword entry: the phrase's tone weights replace this word's.
    pub const IN_OVERLAY: Flags = Flags(1 << 28);
    /// The unit or a phrase starting at it is in the irony lexicon, so the irony rules leave it alone.
    pub const IRONY_LISTED: Flags = Flags(1 << 29);
    /// The unit or a phrase starting at it has a tone dimension weight.
    pub const HAS_DIMS: Flags = Flags(1 << 30);
    /// The unit has a valence or a cooperation, warmth or threat weight: a word a negation reverses.
    pub const STANCE: Flags = Flags(1 << 31);
    /// A word that starts with a letter and is neither a function word nor a modifier: without a
    /// valence it dilutes the sentiment ([`is_neutral_content`]).
    pub const CONTENT: Flags = Flags(1 << 32);

    /// The flags that name a rule that moved this unit's score, for explanations.
    const RULE_NAMES: [(Flags, &'static str); 16] = [
        (Flags::NAME, "proper name"),
        (Flags::NESTED, "quoted"),
        (Flags::CAPS_EMPHASIS, "caps"),
        (Flags::ELONGATED, "stretched"),
        (Flags::BOOSTED, "boosted"),
        (Flags::DAMPED, "damped"),
        (Flags::NEGATED, "negated"),
        (Flags::NEGATED_OBJECT, "object of a negated verb"),
        (Flags::DOUBLE_NEGATED, "double negation"),
        (Flags::CONCESSION, "concession"),
        (Flags::MAIN_CLAUSE, "main clause"),
        (Flags::HEDGED, "hedged"),
        (Flags::CERTAIN, "certain"),
        (Flags::CONDITIONAL, "conditional"),
        (Flags::QUESTION, "question"),
        (Flags::EXCLAIMED, "exclaimed"),
    ];

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: Flags) {
        self.0 |= other.0;
    }

    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Flags::RULE_NAMES
            .into_iter()
            .filter(move |(f, _)| self.contains(*f))
            .map(|(_, name)| name)
    }
}

/// A token, or the tokens of a multiword entry, with what the rules found about it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    pub span: Span,
    pub kind: TokenKind,
    pub entry: Option<EntryId>,
    /// A tone-only multiword entry starting here; its words are units of their own.
    pub overlay: Option<EntryId>,
    /// Where that entry ends (a byte offset).
    pub overlay_end: usize,
    pub modifier: Option<Modifier>,
    pub grammar: Grammar,
    pub flags: Flags,
    pub sentence: u32,
    pub clause: u32,
    /// Product of the booster and dampener factors that reach this unit.
    pub boost: f32,
    /// Product of the clause and sentence factors (contrast, hedges, conditionals, questions, "!").
    pub weight: f32,
    /// Number of negation scopes covering this unit, and the strength of the nearest.
    pub negations: u8,
    pub negation_strength: f32,
    /// The negator that reaches this unit, for evidence.
    pub negator: u32,
    /// The lexicon valence, 0 when none.
    pub base: f32,
    /// The valence after every rule: this unit's contribution to the sentiment sum.
    pub valence: f32,
}

const NO_UNIT: u32 = u32::MAX;

impl Unit {
    fn new(span: Span, kind: TokenKind) -> Unit {
        Unit {
            span,
            kind,
            entry: None,
            overlay: None,
            overlay_end: 0,
            modifier: None,
            grammar: Grammar::default(),
            flags: Flags::default(),
            sentence: 0,
            clause: 0,
            boost: 1.0,
            weight: 1.0,
            negations: 0,
            negation_strength: 0.0,
            negator: NO_UNIT,
            base: 0.0,
            valence: 0.0,
        }
    }

    pub fn is_word(&self) -> bool {
        self.flags.contains(Flags::WORD)
    }

    pub fn is(&self, class: ModifierClass) -> bool {
        self.modifier.map(|m| m.class) == Some(class)
    }

    /// Whether this unit is skipped for every score: a proper name or words quoted inside the text.
    pub fn is_excluded(&self) -> bool {
        self.flags.contains(Flags::NAME) || self.flags.contains(Flags::NESTED)
    }

    pub fn is_negated(&self) -> bool {
        self.negations % 2 == 1
    }
}

/// What kinds of units a text has, gathered while looking its tokens up, so that rules and passes with
/// nothing to act on are skipped.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Seen {
    /// One bit per [`ModifierClass`].
    classes: u8,
    pub quote_marks: bool,
    /// The [`Grammar`] bits of every unit, or-ed together.
    pub grammar: u32,
    /// Content words without a valence: each dilutes the sentiment, whatever the rules do later
    /// (unless quoted, which only a text with quotation marks can be).
    plain_content: u32,
}

impl Seen {
    fn has(self, class: ModifierClass) -> bool {
        self.classes & (1 << class as u8) != 0
    }

    /// Whether any modifier that weighs on a clause or sentence is present ("!" is a booster).
    fn scoped(self) -> bool {
        [
            ModifierClass::Booster,
            ModifierClass::Hedge,
            ModifierClass::Certainty,
            ModifierClass::Conditional,
            ModifierClass::Question,
        ]
        .into_iter()
        .any(|c| self.has(c))
    }
}

/// A run of units between clause boundaries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clause {
    pub start: u32,
    pub end: u32,
    pub sentence: u32,
    /// Product of the hedge, certainty and question factors on this clause.
    pub factor: f32,
    /// The rules behind `factor`.
    pub flags: Flags,
    /// Holds a content word that is not a modifier.
    pub has_content: bool,
    /// Holds a word with a valence or a tone weight.
    pub evaluative: bool,
}

impl Clause {
    fn new(start: usize, end: usize, sentence: usize) -> Clause {
        Clause {
            start: start as u32,
            end: end as u32,
            sentence: sentence as u32,
            factor: 1.0,
            flags: Flags::default(),
            has_content: false,
            evaluative: false,
        }
    }
}

/// A run of units between sentence boundaries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sentence {
    pub start: u32,
    pub end: u32,
    pub conditional: bool,
    /// Product of the conditional, question and exclamation factors on this sentence.
    pub factor: f32,
    /// The rules behind `factor`.
    pub flags: Flags,
    /// Holds a word with a valence or a tone weight.
    pub evaluative: bool,
}

impl Sentence {
    fn new(start: usize, end: usize) -> Sentence {
        Sentence {
            start: start as u32,
            end: end as u32,
            conditional: false,
            factor: 1.0,
            flags: Flags::default(),
            evaluative: false,
        }
    }
}

/// Buffers a [`Scorer`] reuses between calls, so that scoring a stream of texts does not allocate once
/// the buffers have grown. One per thread.
#[derive(Debug, Default)]
pub struct ScratchSpace {
    pub(crate) units: Vec<Unit>,
    pub(crate) clauses: Vec<Clause>,
    pub(crate) sentences: Vec<Sentence>,
    pub(crate) irony: Vec<IronyCue>,
    /// The strength of the irony that inverts praise in the last text scored.
    pub(crate) inverting: f32,
    /// The units a rule or a score can act on (a modifier, a valence or a tone weight), in order: the
    /// passes after segmentation visit these rather than every unit.
    pub(crate) active: Vec<u32>,
    tokens: Vec<LookupToken>,
    fold: String,
    pair: String,
    quote_stack: Vec<u32>,
    contrasts: Vec<u32>,
    spare: Vec<Evidence>,
}

/// Appends evidence, reusing the strings of earlier calls' evidence.
pub(crate) struct EvidenceSink<'a> {
    out: &'a mut Vec<Evidence>,
    spare: &'a mut Vec<Evidence>,
}

impl EvidenceSink<'_> {
    /// Adds `parts` joined into one label, with `value`.
    pub fn push(&mut self, value: f32, parts: &[&str]) {
        let mut evidence = self.spare.pop().unwrap_or(Evidence {
            label: String::new(),
            value: 0.0,
        });
        evidence.label.clear();
        for part in parts {
            evidence.label.push_str(part);
        }
        evidence.value = value;
        self.out.push(evidence);
    }
}

/// Scores texts against one set of [`Lexicons`]. Cheap to share across threads; each thread brings its
/// own [`ScratchSpace`].
#[derive(Debug, Clone)]
pub struct Scorer {
    pub(crate) lexicons: Lexicons,
}

impl Scorer {
    pub fn new(lexicons: Lexicons) -> Scorer {
        Scorer { lexicons }
    }

    pub fn lexicons(&self) -> &Lexicons {
        &self.lexicons
    }

    /// Scores `text`, allocating fresh buffers. For a stream of texts use [`Scorer::score_into`].
    pub fn score(&self, text: &str) -> Scored {
        let mut scratch = ScratchSpace::default();
        let mut scored = Scored::default();
        self.score_into(text, &mut scratch, &mut scored);
        scored
    }

    /// Scores `text` into `scored`, reusing `scratch` and the evidence strings already in `scored`.
    pub fn score_into(&self, text: &str, scratch: &mut ScratchSpace, scored: &mut Scored) {
        scratch.spare.append(&mut scored.evidence);
        let mut sink = EvidenceSink {
            out: &mut scored.evidence,
            spare: &mut scratch.spare,
        };
        let seen = self.lookup(
            text,
            &mut scratch.tokens,
            &mut scratch.fold,
            &mut scratch.pair,
            &mut scratch.units,
            &mut scratch.active,
        );
        segment(
            text,
            &mut scratch.units,
            &mut scratch.clauses,
            &mut scratch.sentences,
        );
        // Most sentences have no quotation marks, negators or contrasts: skip the passes they need.
        if seen.quote_marks {
            mark_nested_quotes(text, &mut scratch.units, &mut scratch.quote_stack);
        }
        self.mark_names_and_caps(
            text,
            &mut scratch.units,
            &scratch.active,
            &scratch.sentences,
        );
        scratch.irony.clear();
        let units = &mut scratch.units[..];
        if seen.has(ModifierClass::Booster) || seen.has(ModifierClass::Dampener) {
            apply_boosters(units);
        }
        if seen.has(ModifierClass::Negator) {
            apply_negation(text, units, &scratch.clauses, &mut scratch.irony, &mut sink);
        }
        if seen.has(ModifierClass::Contrast) {
            apply_contrast(
                text,
                units,
                &scratch.clauses,
                &scratch.sentences,
                &mut scratch.contrasts,
                &mut sink,
            );
        }
        if seen.scoped() {
            apply_scoped_modifiers(
                text,
                units,
                &mut scratch.clauses,
                &mut scratch.sentences,
                &mut sink,
            );
        }
        // Only the scoped modifiers set clause and sentence factors: without them every factor is 1.
        if seen.scoped() {
            for u in units.iter_mut() {
                let clause = &scratch.clauses[u.clause as usize];
                let sentence = &scratch.sentences[u.sentence as usize];
                u.weight *= clause.factor * sentence.factor;
                u.flags.insert(clause.flags);
                u.flags.insert(sentence.flags);
            }
        }
        let active = &scratch.active[..];
        let mut scores = self.sentiment(text, units, active, seen, &mut sink);
        let inverting = dimensions::score(
            self,
            text,
            units,
            active,
            seen,
            &scratch.sentences,
            &mut scratch.irony,
            &mut scores,
            &mut sink,
        );
        scratch.inverting = inverting;
        apply_irony(&mut scores, inverting, &mut sink);
        // Adding zero turns -0.0 into 0.0, which prints without a sign.
        for v in [
            &mut scores.sentiment,
            &mut scores.positive,
            &mut scores.negative,
            &mut scores.neutral,
            &mut scores.cooperation,
            &mut scores.warmth,
            &mut scores.threat,
            &mut scores.assertiveness,
            &mut scores.irony,
        ] {
            *v += 0.0;
        }
        scored.scores = scores;
    }

    /// Tokenizes `text` and looks each token up once, joining the tokens of a multiword entry into one
    /// unit. Returns what kinds of units were seen.
    fn lookup(
        &self,
        text: &str,
        toks: &mut Vec<LookupToken>,
        fold: &mut String,
        pair: &mut String,
        units: &mut Vec<Unit>,
        active: &mut Vec<u32>,
    ) -> Seen {
        let mut seen = Seen::default();
        let table = &self.lexicons.table;
        let mut stream = LookupTokens::new_in(text, std::mem::take(toks));
        units.clear();
        active.clear();
        // The token count where the current tone-only phrase ends, and the count of the token at hand.
        let mut overlay_end = 0;
        let mut i = 0;
        while let Some(token) = stream.next(fold) {
            let LookupToken {
                span,
                kind,
                spelling,
                hash,
                head,
                newline,
            } = token;
            // Built where it will stay: a unit is large, and a copy per token shows.
            let at = units.len();
            units.push(Unit::new(span, kind));
            let unit = &mut units[at];
            if newline {
                unit.flags.insert(Flags::NEWLINE_BEFORE);
            }
            let mut len = 1;
            if kind != TokenKind::QuoteMark {
                // Bytes, not a str: slicing a str checks char boundaries, and most tokens need no str.
                let bytes = &text.as_bytes()[span.start..span.end];
                let term = if spelling.is_ascii() {
                    // The lookup ignores ASCII case: no need to fold first.
                    table.term_keyed(WordKey { hash, head }, bytes)
                } else {
                    fold_term_into(span.of(text), fold);
                    table.term_keyed(WordKey { hash, head }, fold.as_bytes())
                };
                let symbol = term
                    .filter(|t| t.starts_symbol && kind == TokenKind::Punct)
                    .and_then(|_| table.symbol_at(text, span.start, pair));
                if let Some((id, end)) = symbol {
                    // ":-)", "<3": one unit over the tokens the symbol covers.
                    unit.entry = Some(id);
                    unit.span.end = end;
                    // The tokens after this one that the symbol covers (":)))" may cover many).
                    let mut covered = 0;
                    while stream
                        .ahead(covered + 1, fold)
                        .get(covered)
                        .is_some_and(|t| t.span.start < end)
                    {
                        covered += 1;
                    }
                    len = 1 + covered;
                } else if let Some(term) = term {
                    let mut found = None;
                    // The word as a str only for a word that starts a phrase: slicing checks char
                    // boundaries, and most words start none.
                    let first = || (span.of(text), hash);
                    // Most words that start a phrase are not followed by its second word: the tokens
                    // after the second are made ahead only when some phrase starts with the two.
                    let mut next: &[LookupToken] = &[];
                    let mut group = None;
                    // Most words that start a phrase are followed by a word that no phrase of theirs
                    // goes on with: the byte after the space tells most of them, before the next
                    // token is made, and the next token's hash most of the rest.
                    if term.starts_phrase
                        && first_byte_after_space(text, span.end)
                            .is_some_and(|b| term.may_go_on_at(b))
                    {
                        let second = stream
                            .ahead(1, fold)
                            .first()
                            .filter(|t| term.may_go_on_with(t.hash));
                        if let Some((g, look_ahead)) = table.phrase_group(hash, second) {
                            next = stream.ahead(look_ahead, fold);
                            found = table.longest_phrase(text, first(), g, next, |_| true);
                            group = Some(g);
                        }
                    }
                    let tone_only =
                        found.is_some_and(|(id, _)| !table.facts(id).replaces_its_words);
                    if let Some((id, n)) = found
                        && tone_only
                        && i >= overlay_end
                    {
                        // A tone-only phrase lies over its words, which keep their valence and roles.
                        unit.overlay = Some(id);
                        unit.overlay_end = next[n - 2].span.end;
                        overlay_end = i + n;
                    }
                    if tone_only {
                        // Inside a tone-only phrase another one cannot start: one cue, counted once.
                        found = group.and_then(|g| {
                            table.longest_phrase(text, first(), g, next, |e| e.replaces_its_words)
                        });
                    }
                    match found {
                        Some((id, n)) => {
                            unit.entry = Some(id);
                            unit.span.end = next[n - 2].span.end;
                            len = n;
                        }
                        None => unit.entry = term.entry,
                    }
                } else if kind == TokenKind::Word
                    && spelling.is_ascii()
                    && may_have_plain_form(bytes, head)
                    && let key = lookup_key(span.of(text), spelling, fold)
                    && let Some((id, stretched)) = table.plain_form(key, pair)
                {
                    // "goooood", "hahahaha": the listed form, and stretching is emphasis.
                    unit.entry = Some(id);
                    if stretched {
                        unit.flags.insert(Flags::ELONGATED);
                    }
                }
                if i < overlay_end && unit.overlay.is_none() {
                    unit.flags.insert(Flags::IN_OVERLAY);
                }
                if let Some(id) = unit.entry {
                    let facts = table.facts(id);
                    unit.modifier = facts.modifier;
                    if unit.flags.contains(Flags::ELONGATED)
                        && let Some(m) = &mut unit.modifier
                        && m.class == ModifierClass::Booster
                    {
                        m.weight = (m.weight * ELONGATION).min(1.0);
                    }
                    unit.grammar = facts.grammar;
                    unit.base = facts.valence;
                    unit.flags.insert(entry_flags(facts));
                }
                if let Some(id) = unit.overlay {
                    unit.flags.insert(entry_flags(table.facts(id)));
                }
                if kind == TokenKind::Word {
                    unit.flags.insert(Flags::WORD);
                    if unit.modifier.is_none() && ends_with_nt_from(spelling, text, span) {
                        // "mustn't", "needn't", "wouldn’t": every n't form negates, listed or not.
                        unit.modifier = Some(Modifier {
                            class: ModifierClass::Negator,
                            weight: 1.0,
                        });
                    }
                    mark_case_from(spelling, text, span, &mut unit.flags);
                    let letter = if spelling.is_ascii() {
                        spelling.first & (Spelling::UPPER | Spelling::LOWER) != 0
                    } else {
                        starts_with_letter(span.of(text))
                    };
                    if letter
                        && unit.modifier.is_none()
                        && !unit.grammar.contains(Grammar::FUNCTION)
                    {
                        unit.flags.insert(Flags::CONTENT);
                    }
                }
            }
            if let Some(m) = unit.modifier {
                seen.classes |= 1 << m.class as u8;
            }
            if unit.modifier.is_some() || unit.flags.contains(Flags::EVALUATIVE) {
                active.push(at as u32);
            }
            if unit.base == 0.0 && unit.flags.contains(Flags::CONTENT) {
                seen.plain_content += 1;
            }
            seen.grammar |= unit.grammar.bits();
            seen.quote_marks |= kind == TokenKind::QuoteMark;
            if len > 1 {
                stream.skip_ahead(len - 1);
            }
            i += len;
        }
        *toks = stream.into_buffer();
        seen
    }

    /// Proper names (capitalised in mid-sentence) are not scored; ALL-CAPS evaluative words in
    /// mixed-case text are emphasised. Only the `active` units (modifiers and evaluative words) can be
    /// either, and only when written with a capital.
    fn mark_names_and_caps(
        &self,
        text: &str,
        units: &mut [Unit],
        active: &[u32],
        sentences: &[Sentence],
    ) {
        // The title-case test of the sentence last looked at, and whether the text has a lowercase
        // letter: both worked out only once a capitalised unit needs them.
        let mut title_case = (u32::MAX, false);
        let mut has_lower = None;
        for &k in active {
            let k = k as usize;
            let u = &units[k];
            let f = u.flags;
            if !f.contains(Flags::CAPITALISED) && !f.contains(Flags::ALL_CAPS) {
                continue;
            }
            if title_case.0 != u.sentence {
                title_case = (
                    u.sentence,
                    is_title_case(units, &sentences[u.sentence as usize]),
                );
            }
            if title_case.1 {
                continue;
            }
            let (base, end) = (u.base, u.span.end);
            let opens = f.contains(Flags::SENTENCE_INITIAL)
                || f.contains(Flags::AFTER_OPEN_QUOTE)
                || f.contains(Flags::CAPITAL_EXPECTED);
            // "Hope Hicks said", "Great Britain": a capital where one is expected, followed by a
            // name, is part of the name.
            let before_name = units.get(k + 1).is_some_and(|n| {
                n.is_word() && n.flags.contains(Flags::CAPITALISED) && n.span.start == end + 1
            });
            if f.contains(Flags::CAPITALISED) && (!opens || before_name) {
                units[k].flags.insert(Flags::NAME);
            } else if f.contains(Flags::ALL_CAPS)
                && base != 0.0
                && *has_lower.get_or_insert_with(|| text.bytes().any(|b| b.is_ascii_lowercase()))
            {
                units[k].flags.insert(Flags::CAPS_EMPHASIS);
            }
        }
    }

    /// Sums the adjusted valences into the sentiment score and the three shares.
    fn sentiment(
        &self,
        text: &str,
        units: &mut [Unit],
        active: &[u32],
        seen: Seen,
        sink: &mut EvidenceSink<'_>,
    ) -> Scores {
        let mut tally = Tally::default();
        // Adding 1.0 at a time and adding the count once give the same float: every sum is a whole
        // number far below 2^24.
        let mut neutral = 0u32;
        if seen.quote_marks {
            // Quoted words are skipped, valence or not: every unit is looked at.
            for i in 0..units.len() {
                weigh_unit(text, units, i, &mut tally, &mut neutral, sink);
            }
        } else {
            // Nothing is quoted: the content words without valence were counted during lookup, and
            // only the active units can carry one.
            neutral = seen.plain_content;
            for &i in active {
                if units[i as usize].base != 0.0 {
                    weigh_unit(text, units, i as usize, &mut tally, &mut neutral, sink);
                }
            }
        }
        tally.add_neutral(neutral as f32);
        tally.scores()
    }
}

/// Whether a sentence is a headline in title case, which capitalises every content word: the name
/// heuristic would skip them all. A sentence full of names still has lowercase verbs.
fn is_title_case(units: &[Unit], sentence: &Sentence) -> bool {
    let (mut words, mut capitalised, mut lowercase_content) = (0u32, 0u32, false);
    for u in &units[sentence.start as usize..sentence.end as usize] {
        if u.is_word() && !u.flags.contains(Flags::SENTENCE_INITIAL) {
            words += 1;
            if u.flags.contains(Flags::CAPITALISED) {
                capitalised += 1;
            } else if !u.flags.contains(Flags::ALL_CAPS) && !u.grammar.contains(Grammar::FUNCTION) {
                lowercase_content = true;
            }
        }
    }
    words >= 3 && !lowercase_content && capitalised * 2 >= words
}

/// Adds unit `i` to the sentiment sums: its adjusted valence, or one neutral content word.
#[inline(always)]
fn weigh_unit(
    text: &str,
    units: &mut [Unit],
    i: usize,
    tally: &mut Tally,
    neutral: &mut u32,
    sink: &mut EvidenceSink<'_>,
) {
    let u = &units[i];
    let valence = u.base;
    if valence == 0.0 && !u.flags.contains(Flags::NESTED) {
        *neutral += u32::from(u.flags.contains(Flags::CONTENT));
        return;
    }
    if u.flags.contains(Flags::NESTED) {
        if valence != 0.0 {
            sink.push(valence, &["quoted→", u.span.of(text), ":skip"]);
        }
        return;
    }
    if valence == 0.0 || u.flags.contains(Flags::NAME) {
        if u.flags.contains(Flags::NAME) && valence != 0.0 {
            sink.push(valence, &[u.span.of(text), ":proper name"]);
        }
        if is_neutral_content(u) {
            *neutral += 1;
        }
        return;
    }
    let (v, negation) = adjusted_valence(u);
    let u = *u;
    let negator = units
        .get(u.negator as usize)
        .map_or("", |n| n.span.of(text));
    match negation {
        Negation::Object => sink.push(v, &[negator, "→", u.span.of(text), ":object"]),
        Negation::Reversed => {
            units[i].flags.insert(Flags::NEGATED);
            sink.push(v, &[negator, "→", u.span.of(text), ":flip"]);
        }
        Negation::Double => units[i].flags.insert(Flags::DOUBLE_NEGATED),
        Negation::None => {}
    }
    units[i].valence = v;
    sink.push(v, &[u.span.of(text)]);
    tally.add(v, 1.0);
}

/// Running sums behind the sentiment score: valences (each with a weight, 1 for a whole text) and the
/// neutral content words that dilute them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tally {
    sum: f32,
    positive: f32,
    negative: f32,
    bearing: f32,
    neutral: f32,
}

impl Tally {
    /// Adds an evaluative word's adjusted valence, counted `weight` times.
    pub fn add(&mut self, valence: f32, weight: f32) {
        let v = valence * weight;
        self.sum += v;
        if v > 0.0 {
            self.positive += v;
        } else {
            self.negative -= v;
        }
        self.bearing += 1.0;
    }

    /// Adds a content word without valence.
    pub fn add_neutral(&mut self, weight: f32) {
        self.neutral += weight;
    }

    /// Sentiment as an average intensity, and the three shares.
    pub fn scores(&self) -> Scores {
        let mut scores = Scores::default();
        if self.bearing > 0.0 {
            let mean = self.sum / (self.bearing + DILUTION * self.neutral);
            scores.sentiment = (mean / INTENSITY_SCALE).tanh();
        }
        let total = self.positive + self.negative + self.neutral;
        if total > 0.0 {
            scores.positive = self.positive / total;
            scores.negative = self.negative / total;
            scores.neutral = self.neutral / total;
        } else {
            scores.neutral = 1.0;
        }
        scores
    }
}

/// Whether `u` is a content word without valence: it dilutes the sentiment and adds to the neutral share.
#[inline]
pub(crate) fn is_neutral_content(u: &Unit) -> bool {
    (u.base == 0.0 || u.flags.contains(Flags::NAME)) && u.flags.contains(Flags::CONTENT)
}

/// How negation bore on a unit's valence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Negation {
    None,
    /// A negative object of a negated verb: weakened, not reversed.
    Object,
    Reversed,
    /// Two negations: the sign kept, the force reduced.
    Double,
}

/// A unit's valence after boosters, emphasis, negation and the clause and sentence factors.
pub(crate) fn adjusted_valence(u: &Unit) -> (f32, Negation) {
    let mut v = u.base * u.boost.min(MAX_FACTOR);
    if u.flags.contains(Flags::CAPS_EMPHASIS) {
        v *= CAPS_EMPHASIS;
    }
    if u.flags.contains(Flags::ELONGATED) && u.modifier.is_none() {
        v *= ELONGATION;
    }
    let negation = if u.is_negated() && u.flags.contains(Flags::NEGATED_OBJECT) {
        v *= NEGATED_OBJECT;
        Negation::Object
    } else if u.is_negated() {
        v = negate(v, u.negation_strength);
        Negation::Reversed
    } else if u.negations > 0 {
        v *= DOUBLE_NEGATION;
        Negation::Double
    } else {
        Negation::None
    };
    (v * u.weight.min(MAX_FACTOR), negation)
}

/// Reverses a valence, and shrinks it: "not good" is clearly negative, "not bad" only mildly positive,
/// "not the worst" barely positive, "not excellent" merely lukewarm. `strength` is the negator's weight.
pub(crate) fn negate(valence: f32, strength: f32) -> f32 {
    let m = valence.abs();
    let reversed = if valence > 0.0 {
        // Negated praise is criticism up to a point; negating superlatives leaves faint praise.
        -(if m <= 2.0 {
            0.75 * m
        } else {
            (1.5 - 0.3 * (m - 2.0)).max(0.6)
        })
    } else if m <= 2.0 {
        0.4 * m
    } else {
        (0.8 - 0.2 * (m - 2.0)).max(0.3)
    };
    reversed * strength
}

/// The flags a unit takes from an entry it finds, as its own or as a tone-only phrase over it.
#[inline]
fn entry_flags(facts: &EntryFacts) -> Flags {
    let mut flags = Flags::default();
    if facts.evaluative {
        flags.insert(Flags::EVALUATIVE);
    }
    if facts.has_dims {
        flags.insert(Flags::HAS_DIMS);
    }
    if facts.stance {
        flags.insert(Flags::STANCE);
    }
    if facts.ironic {
        flags.insert(Flags::IRONY_LISTED);
    }
    flags
}

/// The key a token is looked up by: the token as written when that is already folded (lowercase ASCII,
/// as nearly every token is), else its folded form in `fold`.
#[inline]
fn lookup_key<'a>(written: &'a str, spelling: Spelling, fold: &'a mut String) -> &'a str {
    if !spelling.is_ascii() {
        fold_term_into(written, fold);
        fold.as_str()
    } else if spelling.has_upper() {
        fold.clear();
        fold.push_str(written);
        fold.make_ascii_lowercase();
        fold.as_str()
    } else {
        written
    }
}

/// The first byte from `from` on that is not ASCII space: the first of the next token, unless it
/// starts a char outside ASCII (which may be space).
#[inline]
fn first_byte_after_space(text: &str, from: usize) -> Option<u8> {
    let rest = text.as_bytes().get(from..)?;
    rest.iter().copied().find(|&b| !is_ascii_space(b))
}

/// [`mark_case`] from what the tokenizer saw of an ASCII word that starts with a letter.
#[inline]
fn mark_case_from(spelling: Spelling, text: &str, span: Span, flags: &mut Flags) {
    let letter = Spelling::UPPER | Spelling::LOWER;
    if !spelling.is_ascii() || spelling.first & letter == 0 {
        mark_case(span.of(text), flags);
    } else if spelling.first == Spelling::UPPER
        && !text.as_bytes()[span.start..span.end].starts_with(b"I'")
    {
        // "I'm", "I'd": the pronoun is always a capital.
        if spelling.rest & Spelling::LOWER != 0 {
            flags.insert(Flags::CAPITALISED);
        } else if spelling.rest & Spelling::UPPER != 0 {
            flags.insert(Flags::ALL_CAPS);
        }
    }
}

/// [`ends_with_nt`], without a look at the word when it has no apostrophe.
#[inline]
fn ends_with_nt_from(spelling: Spelling, text: &str, span: Span) -> bool {
    if spelling.is_ascii() {
        let bytes = &text.as_bytes()[span.start..span.end];
        spelling.rest & Spelling::OTHER != 0
            && bytes.len() > 3
            && bytes[bytes.len() - 3..].eq_ignore_ascii_case(b"n't")
    } else {
        ends_with_nt(span.of(text))
    }
}

fn ends_with_nt(word: &str) -> bool {
    let lower = |s: &str, suffix: &str| {
        s.len() > suffix.len()
            && s.is_char_boundary(s.len() - suffix.len())
            && s[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    lower(word, "n't") || lower(word, "n\u{2019}t")
}

#[inline]
fn starts_with_letter(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_alphabetic(),
        _ => word.chars().next().is_some_and(char::is_alphabetic),
    }
}

/// Records whether a word is capitalised or all capitals (two letters or more).
fn mark_case(word: &str, flags: &mut Flags) {
    if word.starts_with("I'") || word.starts_with("I\u{2019}") {
        // "I'm", "I’d": the pronoun is always a capital.
        return;
    }
    let mut chars = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = chars.next() else { return };
    if !first.is_uppercase() {
        return;
    }
    let mut letters = 1;
    let mut all_upper = true;
    for c in chars {
        letters += 1;
        if c.is_lowercase() {
            all_upper = false;
            break;
        }
    }
    if all_upper && letters >= 2 {
        flags.insert(Flags::ALL_CAPS);
    } else if !all_upper {
        flags.insert(Flags::CAPITALISED);
    }
}

fn is_clause_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '\u{2014}' | '\u{2013}' | '-' | '(' | ')' | '[' | ']'
    )
}

/// The first char under `span`, read from its first byte when that is ASCII (nearly every mark).
#[inline]
fn first_char(text: &str, span: Span) -> char {
    match text.as_bytes().get(span.start) {
        Some(&b) if b.is_ascii() => char::from(b),
        _ => span.of(text).chars().next().unwrap_or(' '),
    }
}

fn is_sentence_punct(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}')
}

/// Finds sentences and clauses. A new sentence starts at the first word after . ! ? … (not after an
/// abbreviation) or a line break; a new clause at the first word after , ; : dashes and brackets, and
/// at a contrastive connective, at "and" before a subject, and at words like "because".
fn segment(
    text: &str,
    units: &mut [Unit],
    clauses: &mut Vec<Clause>,
    sentences: &mut Vec<Sentence>,
) {
    clauses.clear();
    sentences.clear();
    let (mut pending_sentence, mut pending_clause, mut capital_expected) = (true, true, false);
    // What the units since the last clause and sentence start hold, added to that clause or sentence
    // when the next one starts. Units before the first word belong to the first.
    let (mut clause_evaluative, mut clause_content, mut sentence_evaluative) =
        (false, false, false);
    // The indices of the last sentence and clause started.
    let (mut sentence, mut clause) = (0u32, 0u32);
    // What a word needs to know of the unit before it, kept as the loop passes it rather than read
    // back: where it ends when it is a one-byte "@", "#" or "/", and whether it opens a quotation.
    let (mut handle_end, mut open_quote) = (usize::MAX, false);
    let n = units.len();
    for i in 0..n {
        // Read through a reference and written once at the end: a unit is too large to copy a token.
        let u = &units[i];
        let mut marks = Flags::default();
        pending_sentence |= u.flags.contains(Flags::NEWLINE_BEFORE);
        let (after_handle, after_open_quote) = (handle_end == u.span.start, open_quote);
        (handle_end, open_quote) = (usize::MAX, false);
        match u.kind {
            TokenKind::Word => {
                // No sentence or clause has started before the first word, and both are pending.
                if pending_sentence {
                    if let Some(last) = sentences.last_mut() {
                        last.evaluative |= sentence_evaluative;
                        sentence_evaluative = false;
                    }
                    sentence = sentences.len() as u32;
                    sentences.push(Sentence::new(i, n));
                    marks.insert(Flags::SENTENCE_INITIAL);
                    pending_clause = true;
                }
                // Most words are none of these: a word of three bytes may be "and".
                let clause_word =
                    (u.modifier.is_some() || u.grammar.bits() != 0 || u.span.len() == 3)
                        && ((u.is(ModifierClass::Contrast)
                            && !u.grammar.contains(Grammar::CLAUSE_INITIAL)
                            && (!u.span.of(text).eq_ignore_ascii_case("yet")
                                || is_contrastive_yet(text, units, i)))
                            || u.grammar.contains(Grammar::SCOPE_END)
                            || (u.span.len() == 3
                                && text.as_bytes()[u.span.start..u.span.end]
                                    .eq_ignore_ascii_case(b"and")
                                && units.get(i + 1).is_some_and(|next| {
                                    next.grammar.contains(Grammar::SUBJECT)
                                        || next.grammar.contains(Grammar::AUXILIARY)
                                })));
                if pending_clause || clause_word {
                    if let Some(last) = clauses.last_mut() {
                        last.evaluative |= clause_evaluative;
                        last.has_content |= clause_content;
                        (clause_evaluative, clause_content) = (false, false);
                    }
                    clause = clauses.len() as u32;
                    clauses.push(Clause::new(i, n, sentence as usize));
                    marks.insert(Flags::CLAUSE_START);
                }
                if capital_expected {
                    marks.insert(Flags::CAPITAL_EXPECTED);
                }
                if after_open_quote {
                    marks.insert(Flags::AFTER_OPEN_QUOTE);
                }
                pending_sentence = false;
                pending_clause = false;
                // "@anonymous Great idea", "http://url Awesome": after a handle, hashtag or link the
                // next word may be capitalised as if it opened the sentence.
                capital_expected = after_handle;
            }
            TokenKind::Punct => {
                let c = first_char(text, u.span);
                if is_sentence_punct(c) && !(c == '.' && follows_abbreviation(text, units, i)) {
                    pending_sentence = true;
                } else if is_clause_punct(c) {
                    pending_clause = true;
                    capital_expected = c == ':';
                } else if matches!(c, '@' | '#' | '/') && u.span.len() == 1 {
                    handle_end = u.span.end;
                }
            }
            TokenKind::QuoteMark => {
                let before = text[..u.span.start].chars().next_back();
                let after = text[u.span.end..].chars().next();
                let opens = before.is_none_or(|c| c.is_whitespace() || "([{—–-".contains(c))
                    && after.is_some_and(|c| !c.is_whitespace());
                open_quote = opens;
                marks.insert(if opens {
                    Flags::OPEN_QUOTE
                } else {
                    Flags::CLOSE_QUOTE
                });
            }
        }
        let evaluative = u.flags.contains(Flags::EVALUATIVE);
        clause_evaluative |= evaluative;
        sentence_evaluative |= evaluative;
        clause_content |=
            u.is_word() && u.modifier.is_none() && !u.grammar.contains(Grammar::FUNCTION);
        let u = &mut units[i];
        u.flags.insert(marks);
        // Units before the first word take index 0, as the sentence and clause they will join.
        u.sentence = sentence;
        u.clause = clause;
    }
    if sentences.is_empty() {
        sentences.push(Sentence::new(0, n));
        clauses.push(Clause::new(0, n, 0));
    }
    if let (Some(clause), Some(sentence)) = (clauses.last_mut(), sentences.last_mut()) {
        clause.evaluative |= clause_evaluative;
        clause.has_content |= clause_content;
        sentence.evaluative |= sentence_evaluative;
    }
    for k in 1..sentences.len() {
        sentences[k - 1].end = sentences[k].start;
    }
    for k in 1..clauses.len() {
        clauses[k - 1].end = clauses[k].start;
    }
}

/// A full stop after "Mr", "U.S" or an initial does not end the sentence.
fn follows_abbreviation(text: &str, units: &[Unit], dot: usize) -> bool {
    let Some(prev) = dot.checked_sub(1).map(|p| &units[p]) else {
        return false;
    };
    if !prev.is_word() || prev.span.end != units[dot].span.start {
        return false;
    }
    let word = prev.span.of(text);
    prev.grammar.contains(Grammar::ABBREVIATION)
        || (word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase())
}

/// Whether opening mark `open` and closing mark `close` belong together: double with double, single
/// with single (a lone ’ after a word is an apostrophe unless a single mark opened).
fn same_quote_family(open: &str, close: &str) -> bool {
    let single = |s: &str| {
        matches!(
            s,
            "'" | "\u{2018}" | "\u{2019}" | "\u{201A}" | "\u{2039}" | "\u{203A}" | "\u{201B}"
        )
    };
    single(open) == single(close)
}

/// Marks the words between paired quotation marks inside the text as quoted speech. Marks that open the
/// text are the quote's own and do not count.
fn mark_nested_quotes(text: &str, units: &mut [Unit], stack: &mut Vec<u32>) {
    stack.clear();
    let n = units.len();
    for i in 0..n {
        let flags = units[i].flags;
        if flags.contains(Flags::OPEN_QUOTE) {
            stack.push(i as u32);
        } else if flags.contains(Flags::CLOSE_QUOTE) {
            let mark = units[i].span.of(text);
            let Some(pos) = stack
                .iter()
                .rposition(|&o| same_quote_family(units[o as usize].span.of(text), mark))
            else {
                continue;
            };
            let open = stack[pos] as usize;
            stack.truncate(pos);
            // A quotation that opens the text is the quote itself, even with the reporter's "he said"
            // after it; one that opens later is quoted inside the quote.
            let own_marks = open == 0;
            if !own_marks {
                for u in &mut units[open + 1..i] {
                    u.flags.insert(Flags::NESTED);
                }
            }
        }
    }
}

/// A booster or dampener reaches the next content word, through other boosters and dampeners: "very
/// bad", "really very good", but not "so the war" and not across a clause boundary.
fn apply_boosters(units: &mut [Unit]) {
    for i in 0..units.len() {
        let Some(m) = units[i].modifier else { continue };
        let factor = match m.class {
            ModifierClass::Booster if units[i].is_word() => 1.0 + m.weight,
            ModifierClass::Dampener => 1.0 - m.weight,
            _ => continue,
        };
        if units[i].is_excluded() {
            continue;
        }
        let clause = units[i].clause;
        let target = units[i + 1..]
            .iter()
            .take(MAX_BOOSTER_CHAIN)
            .position(|u| {
                !(u.is(ModifierClass::Booster) || u.is(ModifierClass::Dampener)) || !u.is_word()
            })
            .map(|p| i + 1 + p);
        let Some(t) = target else { continue };
        let u = &mut units[t];
        let content = u.is_word() && !u.grammar.contains(Grammar::FUNCTION) && u.modifier.is_none();
        if content && u.clause == clause {
            u.boost *= factor;
            u.flags.insert(if factor >= 1.0 {
                Flags::BOOSTED
            } else {
                Flags::DAMPED
            });
        }
    }
}

/// The next word unit after `i`, skipping nothing else: its index.
fn next_word(units: &[Unit], i: usize) -> Option<usize> {
    units
        .get(i + 1..)?
        .iter()
        .position(Unit::is_word)
        .map(|p| i + 1 + p)
}

/// A negator reverses every evaluative word from itself to the end of its clause. Exceptions: "not only"
/// adds, "nothing but" means "only", a hedged aside ("not, I believe, necessarily") does not end the
/// scope, and an understatement after the negator is irony.
fn apply_negation(
    text: &str,
    units: &mut [Unit],
    clauses: &[Clause],
    ironies: &mut Vec<IronyCue>,
    sink: &mut EvidenceSink<'_>,
) {
    for i in 0..units.len() {
        let Some(m) = units[i].modifier else { continue };
        if m.class != ModifierClass::Negator || units[i].is_excluded() {
            continue;
        }
        let u = units[i];
        let clause = clauses[u.clause as usize];
        let mut scope = i + 1..(clause.end as usize).min(i + 1 + MAX_NEGATION_SCOPE);
        let next = next_word(units, i);
        if let Some(nx) = next {
            let next_unit = units[nx];
            if next_unit.grammar.contains(Grammar::ADDITIVE) && nx == i + 1 {
                // "not only ... but also": neither a negation nor a contrast.
                if let Some(b) =
                    (nx + 1..units.len()).find(|&k| units[k].is(ModifierClass::Contrast))
                    && units[b].sentence == u.sentence
                {
                    units[b].flags.insert(Flags::NOT_CONTRAST);
                }
                sink.push(
                    0.0,
                    &[u.span.of(text), " ", next_unit.span.of(text), ":additive"],
                );
                continue;
            }
            if nx == i + 1 && next_unit.span.of(text).eq_ignore_ascii_case("but") {
                units[nx].flags.insert(Flags::NOT_CONTRAST);
                sink.push(0.0, &[u.span.of(text), " but:only"]);
                continue;
            }
        }
        // A hedge of belief right after the negator ("not, I believe, necessarily", "not I believe
        // necessarily") does not end the denial: its scope is the clause after the hedge.
        let mut hedged_aside = false;
        if let Some(after) = irony::hedged_aside(text, units, i + 1)
            && after < units.len()
        {
            let end = clauses[units[after].clause as usize].end as usize;
            scope = after..end.min(after + MAX_NEGATION_SCOPE);
            hedged_aside = true;
        }
        let first = units[scope.clone()]
            .iter()
            .position(Unit::is_word)
            .map(|p| scope.start + p);
        let understatement = first.filter(|&f| units[f].grammar.contains(Grammar::UNDERSTATEMENT));
        if let Some(f) = understatement
            && !hedged_aside
            && let Some(after) = irony::hedged_aside(text, units, f + 1)
        {
            // "not necessarily, I think, ...": the same hedge after the understatement.
            hedged_aside = true;
            if let Some(next) = units.get(after) {
                let end = clauses[next.clause as usize].end as usize;
                scope.end = end.min(i + 1 + MAX_NEGATION_SCOPE).max(scope.end);
            }
        }
        if !u.flags.contains(Flags::IRONY_LISTED) {
            let cue = match (understatement, hedged_aside) {
                (Some(_), true) => Some(("hedged denial", irony::HEDGED_UNDERSTATEMENT)),
                (None, true) => Some(("hedged denial", irony::HEDGED_DENIAL)),
                (Some(f), false) if units[f + 1..scope.end].iter().any(|w| w.base > 0.0) => {
                    Some(("litotes", irony::LITOTES))
                }
                (Some(_), false) => Some(("understatement", irony::UNDERSTATEMENT)),
                (None, false) => None,
            };
            if let Some((label, strength)) = cue {
                ironies.push(IronyCue::aside(label, strength));
            }
        }
        if hedged_aside && irony::is_paralipsis(text, units, scope.clone()) {
            ironies.push(IronyCue::aside("paralipsis", irony::PARALIPSIS));
        }
        if u.grammar.contains(Grammar::PHRASE_NEGATOR) && !hedged_aside {
            scope.end = noun_phrase_end(units, scope.clone());
        }
        if is_superlative(text, units, i, scope.clone()) {
            let mut moved = false;
            for target in &mut units[scope] {
                if target.base != 0.0 {
                    target.boost *= 1.0 + SUPERLATIVE;
                    target.flags.insert(Flags::BOOSTED);
                    moved = true;
                }
            }
            if moved {
                sink.push(1.0 + SUPERLATIVE, &[u.span.of(text), ":superlative"]);
            }
            continue;
        }
        // Whether the words so far make what follows the object of an ordinary verb.
        let mut object = false;
        let mut predicate = u.grammar.contains(Grammar::COPULA)
            || (i > 0 && units[i - 1].grammar.contains(Grammar::COPULA));
        // A clause negator reverses the first evaluative word and those coordinated with it; a later
        // one is an object or an adjunct with its own sign: "will not accept [threats]", "not happy
        // with the [terrible] result". A noun-phrase negator reverses its whole phrase.
        let first_only = !u.grammar.contains(Grammar::PHRASE_NEGATOR);
        let (mut reached, mut coordinated) = (false, false);
        for k in scope {
            let target = &units[k];
            if !target.is_word() {
                // An emoticon is the writer's mood, outside the clause's grammar: ":( not fair".
                continue;
            }
            let stance = target.flags.contains(Flags::STANCE) && target.modifier.is_none();
            if first_only && reached && target.is_word() {
                let word = target.span.of(text);
                if ["and", "or", "nor"]
                    .iter()
                    .any(|c| word.eq_ignore_ascii_case(c))
                {
                    coordinated = true;
                } else if stance && coordinated {
                    coordinated = false;
                } else if stance || !target.grammar.contains(Grammar::FUNCTION) {
                    break;
                }
            }
            reached |= stance;
            let target = &mut units[k];
            target.negations = target.negations.saturating_add(1);
            target.negation_strength = m.weight;
            target.negator = i as u32;
            if target.base < 0.0 && object && !predicate {
                target.flags.insert(Flags::NEGATED_OBJECT);
            }
            predicate |= target.grammar.contains(Grammar::COPULA);
            object |= target.is_word()
                && target.base == 0.0
                && target.modifier.is_none()
                && !target.grammar.contains(Grammar::FUNCTION)
                && !target.grammar.contains(Grammar::BELIEF);
        }
    }
}

/// The end of the noun phrase that starts `scope`: past leading determiners, then the run of content
/// words up to the next function word or punctuation ("no [serious problems] were found").
fn noun_phrase_end(units: &[Unit], scope: std::ops::Range<usize>) -> usize {
    let content = |u: &Unit| u.is_word() && !u.grammar.contains(Grammar::FUNCTION);
    let mut k = scope.start;
    while k < scope.end && units[k].is_word() && !content(&units[k]) {
        k += 1;
    }
    while k < scope.end && content(&units[k]) {
        k += 1;
    }
    k
}

/// "couldn't be happier", "can't praise it enough", "doesn't get any better", "haven't been this
/// happy": a negation that says nothing could exceed it. Evaluative words in its scope are
/// strengthened, not reversed.
fn is_superlative(
    text: &str,
    units: &[Unit],
    negator: usize,
    scope: std::ops::Range<usize>,
) -> bool {
    let can = units[negator].grammar.contains(Grammar::CAN)
        || (negator > 0 && units[negator - 1].grammar.contains(Grammar::CAN));
    let in_scope = &units[scope];
    in_scope.iter().enumerate().any(|(k, w)| {
        let word = w.span.of(text);
        let comparative = w.grammar.contains(Grammar::COMPARATIVE)
            || (w.base != 0.0 && word.len() > 4 && word.ends_with("ier"));
        let after = |want: &str| k > 0 && in_scope[k - 1].span.of(text).eq_ignore_ascii_case(want);
        (comparative && (can || after("any")))
            || (word.eq_ignore_ascii_case("this") && after("been"))
    })
}

/// Every contrastive connective shifts weight from its concession to its main clause. For "but",
/// "however", "yet" the concession is what came before (back to the previous connective, or to the start
/// of the previous sentence when the connective opens a sentence); for "although", "though", "whereas"
/// (negative weight) it is the clause the connective opens.
fn apply_contrast(
    text: &str,
    units: &mut [Unit],
    clauses: &[Clause],
    sentences: &[Sentence],
    contrasts: &mut Vec<u32>,
    sink: &mut EvidenceSink<'_>,
) {
    contrasts.clear();
    for (i, u) in units.iter().enumerate() {
        if !u.is(ModifierClass::Contrast)
            || u.flags.contains(Flags::NOT_CONTRAST)
            || u.is_excluded()
        {
            continue;
        }
        if u.grammar.contains(Grammar::CLAUSE_INITIAL) && !u.flags.contains(Flags::CLAUSE_START) {
            continue;
        }
        if u.span.of(text).eq_ignore_ascii_case("yet") && !is_contrastive_yet(text, units, i) {
            continue;
        }
        contrasts.push(i as u32);
    }
    for (k, &c) in contrasts.iter().enumerate() {
        let c = c as usize;
        let u = units[c];
        let Some(m) = u.modifier else { continue };
        let w = m.weight.abs();
        let sentence = sentences[u.sentence as usize];
        let prev = if k > 0 {
            contrasts[k - 1] as usize + 1
        } else {
            0
        };
        let next = contrasts.get(k + 1).map_or(units.len(), |&n| n as usize);
        let (concession, main) = if m.weight >= 0.0 {
            let left_start = if u.flags.contains(Flags::SENTENCE_INITIAL) && u.sentence > 0 {
                sentences[u.sentence as usize - 1].start as usize
            } else {
                sentence.start as usize
            };
            (
                left_start.max(prev)..c,
                c + 1..next.min(sentence.end as usize),
            )
        } else {
            let own = clauses[u.clause as usize];
            (
                c + 1..own.end as usize,
                sentence.start as usize..sentence.end as usize,
            )
        };
        let mut moved = false;
        let main = main.start.max(prev)..main.end.min(next);
        for (j, unit) in units.iter_mut().enumerate().take(main.end).skip(main.start) {
            if concession.contains(&j) || j == c {
                continue;
            }
            unit.weight *= 1.0 + w;
            unit.flags.insert(Flags::MAIN_CLAUSE);
            moved |= unit.flags.contains(Flags::EVALUATIVE);
        }
        for unit in &mut units[concession] {
            unit.weight *= 1.0 - w;
            unit.flags.insert(Flags::CONCESSION);
            moved |= unit.flags.contains(Flags::EVALUATIVE);
        }
        if moved {
            sink.push(m.weight, &[u.span.of(text), ":contrast"]);
        }
    }
}

/// "yet" contrasts ("small yet strong") unless it means "so far": "not yet", "has yet to".
fn is_contrastive_yet(text: &str, units: &[Unit], i: usize) -> bool {
    let prev_negator = i > 0 && units[i - 1].is(ModifierClass::Negator);
    let prev_have = i > 0
        && ["has", "have", "had", "as"]
            .iter()
            .any(|w| units[i - 1].span.of(text).eq_ignore_ascii_case(w));
    let next_to = units.get(i + 1).is_some_and(|n| {
        ["to", "again", "another"]
            .iter()
            .any(|w| n.span.of(text).eq_ignore_ascii_case(w))
    });
    !(prev_negator || prev_have || next_to)
}

/// Hedges, certainty markers and question words weigh on their clause (or the next clause when they
/// stand alone: "Perhaps, ..."); conditionals, "?" and "!" on their whole sentence. The factors are
/// kept per clause and per sentence, so that many markers cost no more than one.
fn apply_scoped_modifiers(
    text: &str,
    units: &[Unit],
    clauses: &mut [Clause],
    sentences: &mut [Sentence],
    sink: &mut EvidenceSink<'_>,
) {
    let mut exclaims = 0u32;
    let mut exclaim_sentence = u32::MAX;
    let mut question_sentence = u32::MAX;
    for (i, u) in units.iter().enumerate() {
        let Some(m) = u.modifier else { continue };
        if u.is_excluded() {
            continue;
        }
        let (scope, factor, flag, label) = match m.class {
            ModifierClass::Booster if !u.is_word() => {
                // "!": each adds emphasis to its sentence, up to a cap.
                if exclaim_sentence != u.sentence {
                    exclaim_sentence = u.sentence;
                    exclaims = 0;
                }
                exclaims += 1;
                if exclaims > MAX_EXCLAIM {
                    continue;
                }
                (
                    Scope::Sentence(u.sentence),
                    1.0 + m.weight,
                    Flags::EXCLAIMED,
                    ":emphasis",
                )
            }
            ModifierClass::Conditional => {
                sentences[u.sentence as usize].conditional = true;
                (
                    Scope::Sentence(u.sentence),
                    1.0 - m.weight,
                    Flags::CONDITIONAL,
                    ":conditional",
                )
            }
            ModifierClass::Question if !u.is_word() => {
                // One "?" makes a question; more, or "?!", make it an outburst, which "!" weighs.
                let exclaimed = |k: Option<usize>| {
                    k.and_then(|k| units.get(k))
                        .is_some_and(|n| n.kind == TokenKind::Punct && n.span.of(text) == "!")
                };
                if question_sentence == u.sentence
                    || exclaimed(i.checked_sub(1))
                    || exclaimed(Some(i + 1))
                {
                    continue;
                }
                question_sentence = u.sentence;
                (
                    Scope::Sentence(u.sentence),
                    1.0 - m.weight,
                    Flags::QUESTION,
                    ":question",
                )
            }
            ModifierClass::Question => (
                own_or_adjacent_clause(clauses, units[i].clause),
                1.0 - m.weight,
                Flags::QUESTION,
                ":question",
            ),
            ModifierClass::Hedge => (
                own_or_adjacent_clause(clauses, units[i].clause),
                1.0 - m.weight,
                Flags::HEDGED,
                ":hedge",
            ),
            ModifierClass::Certainty => (
                own_or_adjacent_clause(clauses, units[i].clause),
                1.0 + m.weight / 2.0,
                Flags::CERTAIN,
                ":certainty",
            ),
            _ => continue,
        };
        let moved = match scope {
            Scope::Clause(c) => {
                let clause = &mut clauses[c as usize];
                clause.factor = (clause.factor * factor).min(MAX_FACTOR);
                clause.flags.insert(flag);
                clause.evaluative
            }
            Scope::Sentence(s) => {
                let sentence = &mut sentences[s as usize];
                sentence.factor = (sentence.factor * factor).min(MAX_FACTOR);
                sentence.flags.insert(flag);
                sentence.evaluative
            }
        };
        if moved {
            sink.push(factor, &[u.span.of(text), label]);
        }
    }
}

/// What a hedge, question or conditional weighs on.
enum Scope {
    Clause(u32),
    Sentence(u32),
}

/// Clause `own`; when it holds nothing but modifiers and function words ("Perhaps,"), the next clause
/// of the sentence, or else the previous one ("..., I think.").
fn own_or_adjacent_clause(clauses: &[Clause], own: u32) -> Scope {
    let clause = &clauses[own as usize];
    if clause.has_content {
        return Scope::Clause(own);
    }
    let same_sentence = |c: &u32| clauses[*c as usize].sentence == clause.sentence;
    let next = Some(own + 1)
        .filter(|&n| (n as usize) < clauses.len())
        .filter(same_sentence);
    let prev = own.checked_sub(1).filter(same_sentence);
    Scope::Clause(next.or(prev).unwrap_or(own))
}

/// Strong irony that inverts praise flips the literal praise, and the warmth and cooperation it
/// expressed, and damps literal criticism. A jibe beside the statement (a hedged denial) leaves them.
fn apply_irony(scores: &mut Scores, inverting: f32, sink: &mut EvidenceSink<'_>) {
    if inverting < STRONG_IRONY {
        return;
    }
    let before = scores.sentiment;
    if before > 0.0 {
        scores.sentiment = reverse_praise(before, inverting);
        let moved = scores.positive * inverting;
        scores.positive -= moved;
        scores.negative += moved;
        sink.push(scores.sentiment - before, &["irony:flip"]);
    } else if before < 0.0 {
        scores.sentiment = before * (1.0 - inverting / 2.0);
        sink.push(scores.sentiment - before, &["irony:damp"]);
    }
    for (score, label) in [
        (&mut scores.warmth, "irony:flip warmth"),
        (&mut scores.cooperation, "irony:flip cooperation"),
    ] {
        if *score > 0.0 {
            let before = *score;
            *score = reverse_praise(before, inverting);
            sink.push(*score - before, &[label]);
        }
    }
}

/// A positive score under irony that inverts praise: reversed in proportion to the irony's strength.
/// Other scores, and any score under weaker irony, are returned as they are.
pub(crate) fn reverse_praise(score: f32, inverting: f32) -> f32 {
    if inverting >= STRONG_IRONY && score > 0.0 {
        score * (1.0 - 2.0 * inverting)
    } else {
        score
    }
}

/// The dimension weights of a unit after boosters and negation: what [`super::dimensions`] adds up.
pub(crate) fn dimension_weight(unit: &Unit, raw: f32, dimension: Dimension) -> Option<f32> {
    let w = (raw * unit.boost.min(MAX_FACTOR)).clamp(-1.0, 1.0);
    if unit.is_negated() {
        // A negated cue counts for the other pole on a bipolar scale ("not cooperate" is conflict) and
        // not at all on a 0..1 scale ("no threat").
        dimension
            .is_bipolar()
            .then_some(-w * 0.8 * unit.negation_strength)
    } else {
        Some(w)
    }
}

#[cfg(test)]
mod spelling_tests {
    use super::*;
    use crate::text::tokens;

    /// The case flags and the n't test of each word of `text`, read from the tokenizer's spelling.
    fn from_spelling(text: &str) -> Vec<(&str, Flags, bool)> {
        let mut split = tokens(text, 0);
        let mut out = Vec::new();
        while let Some(t) = split.next() {
            let spelling = split.spelling();
            let mut flags = Flags::default();
            mark_case_from(spelling, text, t.span, &mut flags);
            out.push((
                t.text(text),
                flags,
                ends_with_nt_from(spelling, text, t.span),
            ));
        }
        out
    }

    #[test]
    fn case_and_nt_from_the_tokenizer_agree_with_reading_the_word() {
        let text = "Hello NATO I'm U.S eBay 3D McDonald A x O'Neill don't Don't DON'T cafe\u{0301} \
                    ÉLAN Ölkrise 2020s I\u{2019}d can\u{2019}t";
        let words = from_spelling(text);
        assert_eq!(words.len(), 19);
        for (word, flags, nt) in words {
            let mut slow = Flags::default();
            mark_case(word, &mut slow);
            assert_eq!(flags, slow, "{word}");
            assert_eq!(nt, ends_with_nt(word), "{word}");
        }
    }

    #[test]
    fn a_capital_marks_a_name_and_all_capitals_a_shout() {
        let words = from_spelling("Hello NATO I'm don't DON'T");
        assert_eq!(words[0].1, Flags::CAPITALISED);
        assert_eq!(words[1].1, Flags::ALL_CAPS);
        assert_eq!(words[2].1, Flags::default());
        assert!(words[3].2 && words[4].2);
        assert!(!words[0].2);
    }
}
