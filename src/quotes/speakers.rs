//! Speakers: noun phrases that can speak (names, pronouns, role nouns, organisations, groups and
//! anonymous sources), and the entities they refer to in one article.
//!
//! All mentions of one person become one entity: "Sergey Lavrov", "Sergei Lavrov", "Mr Lavrov", "Lavrov".
//! Honorifics and titles are stripped from names and kept as the role; transliteration variants of a first
//! name with the same surname join; the canonical name is the fullest form seen. Pronouns and role nouns are
//! resolved by [`Entities::resolve`]. Which phrase is the speaker of which quote is left to
//! [`super::attribution`].

use super::SpeakerType;
use super::lexicon::{AttributionLexicon, CueEntry, Gender, TitleClass, WordClass, WordFacts};
use crate::segment::Segmented;
use crate::text::{Span, TokenKind, fold_ascii_name_into, fold_name, is_ascii_space};
use rustc_hash::FxHashMap as HashMap;

/// A pronoun that can stand for a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    He,
    She,
    They,
    We,
    /// Only as the subject right before a cue ("It said the mine will open"), where it stands for an
    /// organisation; elsewhere "it" is too often no one ("it is clear").
    It,
}

/// What a noun phrase is, as far as speakers are concerned.
#[derive(Debug, Clone, PartialEq)]
pub enum NounPhrase {
    /// A proper name. `name` is the name without titles; `role` the titles before it.
    Name {
        name: Span,
        role: Option<Span>,
        gender: Option<Gender>,
        kind: SpeakerType,
    },
    Pronoun(Pronoun),
    /// A common noun phrase headed by a role, organisation, group or anonymous-source noun: "the
    /// minister", "the Russian foreign ministry", "a senior official", "protesters".
    Common {
        head: Span,
        class: TitleClass,
    },
}

/// A noun phrase with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub span: Span,
    /// Tokens `first..end` in the article's token list.
    pub first_token: usize,
    pub end_token: usize,
    pub phrase: NounPhrase,
}

/// Reads noun phrases around a token position.
pub struct PhraseReader<'a, 't> {
    pub seg: &'a Segmented<'t>,
    /// The article text lowercased in ASCII (same byte offsets as the text).
    pub lower: &'a str,
    pub lex: &'a AttributionLexicon,
    /// Per token, its lowercase forms and what the lexicons say of it, read once: phrases are read
    /// from overlapping positions, and each would otherwise fold and look up the same words again.
    tokens: Vec<TokenFacts<'a>>,
}

/// One token as [`PhraseReader`] reads it.
#[derive(Debug, Clone, Copy)]
struct TokenFacts<'a> {
    /// The token lowercased in ASCII.
    word: &'a str,
    /// `word` without a possessive ’s: [`PhraseReader::lower_word`].
    stem: &'a str,
    /// What the lexicons say of `stem`, for a word they list.
    facts: Option<&'a WordFacts>,
    /// `facts`' class, kept beside it: most questions about a token ask only this.
    class: WordClass,
    /// The pronoun `word` is, when it is one.
    pronoun: Option<Pronoun>,
    is_word: bool,
    /// A word whose first character is a letter.
    alphabetic: bool,
    /// A word whose first letter is uppercase.
    capitalised: bool,
}

impl<'a> TokenFacts<'a> {
    /// A token that is not a word: nothing is looked up.
    fn other(word: &'a str) -> Self {
        TokenFacts {
            word,
            stem: word,
            facts: None,
            class: WordClass::default(),
            pronoun: None,
            is_word: false,
            alphabetic: false,
            capitalised: false,
        }
    }
}

/// Capitalised words that start sentences and are not names.
pub(crate) const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "if",
    "as",
    "at",
    "in",
    "on",
    "for",
    "with",
    "from",
    "by",
    "to",
    "of",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "when",
    "while",
    "after",
    "before",
    "although",
    "though",
    "however",
    "yet",
    "so",
    "now",
    "then",
    "also",
    "still",
    "even",
    "meanwhile",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "asked",
    "speaking",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "not",
    "no",
    "yes",
    "in",
    "last",
    "next",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "every",
    "one",
    "two",
    "three",
    "according",
    "since",
    "despite",
    "because",
    "unlike",
    "like",
    "under",
    "over",
    "during",
    "until",
    "once",
    "instead",
    "indeed",
    "thus",
    "earlier",
    "later",
    "today",
    "yesterday",
    "tomorrow",
    "mr",
    "mrs",
    "ms",
    "dr",
    "open",
    "image",
    "modal",
    "photo",
    "picture",
    "getty",
    "reuters",
    "ap",
    "afp",
    "pa",
];

/// The longest name or title run read, in tokens ("Deputy Foreign Minister Ursula von der Leyen" is 7).
/// A longer run of capitals is a headline or a list; cutting it keeps each look-up bounded.
const MAX_NAME_TOKENS: usize = 12;

/// Lowercase words that may sit inside a name: Ursula von der Leyen, Ali bin Said.
pub(crate) const NAME_PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "bin", "bint", "al", "da", "di", "du", "la", "le", "del",
    "dos", "das", "ibn", "el", "ter",
];

/// Words that make a capitalised run an organisation's name: Aid Without Borders, Bank of England.
pub(crate) const NAME_FUNCTION_WORDS: &[&str] = &[
    "of", "for", "without", "and", "the", "against", "on", "in", "at", "to",
];

/// A title found at a token ([`PhraseReader::title_at`]): its class, the gender it implies and its
/// length in tokens.
type TitleAt = (TitleClass, Option<Gender>, usize);

/// What [`PhraseReader::title_at`] found at each token where a capitalised run was read, in order:
/// [`PhraseReader::phrase_starting_at`] keeps them as it finds the run's end, so that
/// [`PhraseReader::name_phrase_with`] splits the run without looking its titles up again. A run is
/// read at no more than [`MAX_NAME_TOKENS`] places.
#[derive(Debug, Clone, Copy, Default)]
struct RunTitles {
    found: [(usize, Option<TitleAt>); MAX_NAME_TOKENS],
    len: usize,
}

impl RunTitles {
    fn push(&mut self, at: usize, title: Option<TitleAt>) {
        if let Some(slot) = self.found.get_mut(self.len) {
            *slot = (at, title);
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[(usize, Option<TitleAt>)] {
        &self.found[..self.len]
    }
}

impl<'a, 't> PhraseReader<'a, 't> {
    /// A reader of `seg`, whose text lowercased in ASCII is `lower`. Folds and looks up each token
    /// once, here.
    pub fn new(seg: &'a Segmented<'t>, lower: &'a str, lex: &'a AttributionLexicon) -> Self {
        let text = seg.text.as_bytes();
        let tokens = seg
            .tokens
            .iter()
            .map(|t| {
                let word = t.span.of(lower);
                if t.kind != TokenKind::Word {
                    return TokenFacts::other(word);
                }
                // Most words start with an ASCII byte, which answers without decoding a char.
                let (alphabetic, capitalised) = match text.get(t.span.start) {
                    Some(b) if b.is_ascii() => (b.is_ascii_alphabetic(), b.is_ascii_uppercase()),
                    _ => letter_case(t.span.of(seg.text)),
                };
                let stem = strip_possessive(word);
                let facts = lex.facts(stem);
                TokenFacts {
                    word,
                    stem,
                    facts,
                    class: facts.map(|f| f.class).unwrap_or_default(),
                    pronoun: pronoun_of(word),
                    is_word: true,
                    alphabetic,
                    capitalised,
                }
            })
            .collect();
        PhraseReader {
            seg,
            lower,
            lex,
            tokens,
        }
    }

    /// What [`PhraseReader::lower_word`] of word token `i` is in the lexicons.
    pub fn class(&self, i: usize) -> WordClass {
        self.tokens[i].class
    }

    /// What the lexicons say of [`PhraseReader::lower_word`] of word token `i`, if anything.
    pub fn facts(&self, i: usize) -> Option<&'a WordFacts> {
        self.tokens[i].facts
    }

    fn word(&self, i: usize) -> &'a str {
        self.tokens[i].word
    }

    /// What the lexicons say of [`PhraseReader::word`] of word token `i`, possessive and all: the
    /// stem's facts for the many words that have no possessive.
    fn word_facts(&self, i: usize) -> Option<&'a WordFacts> {
        let t = &self.tokens[i];
        if t.word.len() == t.stem.len() {
            t.facts
        } else {
            self.lex.facts(t.word)
        }
    }

    /// The lowercase form of token `i`, without a possessive ’s.
    pub fn lower_word(&self, i: usize) -> &'a str {
        self.tokens[i].stem
    }

    fn raw(&self, i: usize) -> &'t str {
        self.seg.token_text(i)
    }

    fn is_word(&self, i: usize) -> bool {
        self.tokens[i].is_word
    }

    /// Whether token `i` is a word whose first letter is uppercase.
    pub fn is_capitalised(&self, i: usize) -> bool {
        self.tokens[i].capitalised
    }

    /// Whether token `i` is one of [`NAME_PARTICLES`], as written (a possessive is not one).
    fn is_name_particle(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        t.class.is_name_particle() && t.word.len() == t.stem.len()
    }

    /// Whether token `i` is one of [`NAME_FUNCTION_WORDS`], as written.
    fn is_name_function_word(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        t.class.is_name_function_word() && t.word.len() == t.stem.len()
    }

    /// Whether token `i` is a word whose first character is a letter.
    pub fn is_alphabetic(&self, i: usize) -> bool {
        self.tokens[i].alphabetic
    }

    /// Whether token `i`, read no further than `end`, is one of the auxiliaries and adverbs that
    /// stand between a subject and its verb ([`super::attribution::AUXILIARIES`]).
    pub fn is_auxiliary(&self, i: usize, end: usize) -> bool {
        i < end && self.is_word(i) && self.class(i).is_auxiliary()
    }

    /// The manner adverb's tone of word token `i`, read no further than `end`.
    pub fn manner_tone(&self, i: usize, end: usize) -> Option<f32> {
        if i < end && self.is_word(i) {
            self.facts(i).and_then(|f| f.manner)
        } else {
            None
        }
    }

    /// The first of [`PhraseReader::words_from`]`(i, end)`: token `i`'s lowercase word, or "" when `i`
    /// is past `end` or not a word.
    pub fn first_word(&self, i: usize, end: usize) -> &'a str {
        if i < end && self.is_word(i) {
            self.lower_word(i)
        } else {
            ""
        }
    }

    /// Up to 6 lowercase words from token `i`, for multiword lexicon look-ups.
    pub fn words_from(&self, i: usize, end: usize) -> ([&'a str; 6], usize) {
        let mut words = [""; 6];
        let mut n = 0;
        let mut j = i;
        while j < end && n < 6 && self.is_word(j) {
            words[n] = self.lower_word(j);
            n += 1;
            j += 1;
        }
        (words, n)
    }

    fn title_at(&self, i: usize, end: usize) -> Option<TitleAt> {
        // Most words start no title: one look-up rules them out before six words are gathered.
        if i >= end || !self.is_word(i) || !self.class(i).may_start_title() {
            return None;
        }
        let t = if self.class(i).starts_multiword_title()
            && i + 1 < end
            && self.is_word(i + 1)
            && self.class(i + 1).is_second_of_title()
        {
            let (words, n) = self.words_from(i, end);
            self.lex.title_at(&words[..n])?
        } else {
            self.facts(i)?.title?
        };
        Some((t.class, t.gender, t.words))
    }

    /// The longest cue that starts at token `i` and ends by `end`: [`AttributionLexicon::cue_at`] of
    /// [`PhraseReader::words_from`], with the six words gathered only when the first two can begin a
    /// multiword cue.
    #[inline]
    pub fn cue_at(&self, i: usize, end: usize) -> Option<CueEntry> {
        // Asked of every word outside quotes, most of which begin no cue: ruled out here, inline.
        if i >= end
            || !self.is_word(i)
            || !(self.class(i).is_cue() || self.class(i).starts_multiword_cue())
        {
            return None;
        }
        self.cue_starting_at(i, end)
    }

    /// [`PhraseReader::cue_at`] for a word that is a cue or begins one.
    fn cue_starting_at(&self, i: usize, end: usize) -> Option<CueEntry> {
        let class = self.class(i);
        if class.starts_multiword_cue()
            && i + 1 < end
            && self.is_word(i + 1)
            && self.class(i + 1).is_second_of_cue()
        {
            let (words, n) = self.words_from(i, end);
            self.lex.cue_at(&words[..n])
        } else if class.is_cue() {
            self.facts(i)?.cue
        } else {
            None
        }
    }

    pub fn pronoun(&self, i: usize) -> Option<Pronoun> {
        self.tokens[i].pronoun
    }

    /// `sentence_start` gives the first token of `i`'s sentence, asked only for the text's last token.
    fn is_name_word(&self, i: usize, sentence_start: impl FnOnce() -> usize) -> bool {
        if !self.is_capitalised(i) {
            return false;
        }
        if self.class(i).is_not_name() {
            return false;
        }
        // A lone capitalised word at the start of a sentence is a name only if the next word is one too
        // or it is followed by a lowercase verb-like word; the callers check the rest.
        i + 1 < self.seg.tokens.len() || i != sentence_start()
    }

    /// "Republican presidential candidate", "Russian officials": a capitalised adjective of nationality or
    /// party before a lowercase word is not a name.
    pub fn is_capitalised_adjective(&self, i: usize) -> bool {
        let w = self.word(i);
        let adjective_ending = ["an", "ic", "ish", "ese", "i"]
            .iter()
            .any(|e| w.ends_with(e))
            && w.len() > 4;
        let next_lower = self.seg.tokens.get(i + 1).is_some_and(|t| {
            t.kind == TokenKind::Word && t.span.of(self.seg.text).starts_with(char::is_lowercase)
        });
        adjective_ending && next_lower && self.facts(i + 1).and_then(|f| f.cue).is_none()
    }

    /// A dot that belongs to a name: after an initial (George W. Bush) or an abbreviated title (Sen., Dr.).
    fn is_name_dot(&self, i: usize) -> bool {
        if i == 0 || self.raw(i) != "." || !self.is_word(i - 1) {
            return false;
        }
        if self.seg.tokens[i - 1].span.end != self.seg.tokens[i].span.start {
            return false;
        }
        let prev = self.raw(i - 1);
        let initial = prev.chars().count() == 1 && prev.chars().all(char::is_uppercase);
        initial || self.word_facts(i - 1).is_some_and(|f| f.title.is_some())
    }

    /// The noun phrase whose last token is `last`, looking no further left than `floor`.
    pub fn phrase_ending_at(&self, last: usize, floor: usize) -> Option<Mention> {
        if last < floor || !self.is_word(last) {
            return None;
        }
        if let Some(p) = self.pronoun(last) {
            return Some(self.mention(last, last + 1, NounPhrase::Pronoun(p)));
        }
        // "on Wednesday said", "This said": a capitalised word that is never a name ends no name.
        if self.is_capitalised(last)
            && self.lower_word(last) != "i"
            && self.class(last).is_not_name()
        {
            return None;
        }
        if self.is_capitalised(last) || self.is_name_particle(last) {
            let mut first = last;
            while first > floor
                && last - first < MAX_NAME_TOKENS
                && (self.is_name_word(first - 1, || self.sentence_start(last).max(floor))
                    || self.is_name_dot(first - 1)
                    || (self.is_name_particle(first - 1)
                        && first >= floor + 2
                        && self.is_capitalised(first - 2)))
            {
                first -= 1;
            }
            // Lowercase titles before a name: foreign minister Sergey Lavrov.
            while first > floor && self.is_word(first - 1) {
                let back = (first - 1).saturating_sub(3).max(floor);
                let Some(start) = (back..first).find(|&s| {
                    self.title_at(s, first).is_some_and(|(c, _, n)| {
                        s + n == first && matches!(c, TitleClass::Title | TitleClass::Honorific)
                    })
                }) else {
                    break;
                };
                first = start;
            }
            return self.name_phrase(first, last + 1);
        }
        // A common noun phrase: the (Russian) (foreign) minister, a senior official, protesters.
        let head = last;
        let class = self
            .word_facts(head)
            .and_then(|f| f.title)
            .map(|t| t.class)
            .or_else(|| {
                // Multiword heads such as "white house" or "foreign ministry" end here.
                (head.saturating_sub(3).max(floor)..head).find_map(|s| {
                    self.title_at(s, head + 1)
                        .filter(|&(_, _, n)| s + n == head + 1)
                        .map(|(c, _, _)| c)
                })
            })?;
        // The phrase reaches left over modifiers ("Korvat's foreign minister", "senior officials"),
        // never over the verb before it ("met Korvat's foreign minister"); left of a possessive only
        // the possessor's name and determiner belong to it.
        let mut first = head;
        let mut after_possessive = false;
        while first > floor && self.is_word(first - 1) {
            let i = first - 1;
            let prev = self.word(i);
            if matches!(
                prev,
                "the" | "a" | "an" | "his" | "her" | "their" | "its" | "our"
            ) {
                first = i;
                break;
            }
            let capitalised = self.is_capitalised(i);
            if self.word_facts(i).is_some_and(|f| f.class.is_not_name())
                || self.seg.tokens[i].span.end + 1 < self.seg.tokens[first].span.start
                || (after_possessive && !capitalised)
                || (!capitalised && self.verb_like(i, head + 1))
            {
                break;
            }
            let raw = self.raw(i);
            after_possessive |= raw.ends_with("\u{2019}s") || raw.ends_with("'s");
            first = i;
            if head - first > 5 {
                break;
            }
        }
        let class = match class {
            TitleClass::Title | TitleClass::Honorific => TitleClass::Role,
            c => c,
        };
        let head_span = self.seg.tokens[head].span;
        Some(self.mention(
            first,
            head + 1,
            NounPhrase::Common {
                head: head_span,
                class,
            },
        ))
    }

    /// Whether the lowercase word at `i`, left of a role noun ending before `end`, reads as a verb
    /// rather than a modifier: a verb of saying, an auxiliary, a past form in -ed, or one of the
    /// irregular verbs that put a role noun after them in news ("met", "told", "became"). Words of a
    /// title ("foreign" in "foreign minister") and of rank ("former", "retired") are modifiers.
    fn verb_like(&self, i: usize, end: usize) -> bool {
        const MODIFIERS: &[&str] = &[
            "former",
            "senior",
            "junior",
            "top",
            "chief",
            "acting",
            "interim",
            "outgoing",
            "incoming",
            "retired",
            "elected",
            "appointed",
            "designated",
            "unnamed",
            "unidentified",
            "alleged",
            "disgraced",
            "embattled",
            "respected",
            "celebrated",
            "noted",
            "talented",
            "armed",
        ];
        const VERBS: &[&str] = &[
            "is", "was", "are", "were", "be", "been", "has", "had", "have", "will", "would", "can",
            "could", "met", "meet", "meets", "meeting", "told", "tell", "tells", "saw", "see",
            "sees", "became", "become", "becomes", "made", "make", "makes", "gave", "give",
            "gives", "took", "take", "takes", "sent", "send", "sends", "won", "win", "wins",
            "beat", "beats", "left", "leaves", "thank", "thanks", "name", "names", "call", "calls",
            "join", "joins", "visit", "visits", "replace", "replaces", "succeed", "succeeds",
            "hired", "hire", "hires", "fire", "fires", "elect", "elects", "appoint", "appoints",
            "as",
        ];
        let w = self.word(i);
        if MODIFIERS.contains(&w) || self.title_at(i, end).is_some_and(|(_, _, n)| i + n <= end) {
            return false;
        }
        VERBS.contains(&w)
            || (w.ends_with("ed") && w.len() > 4)
            || self.word_facts(i).is_some_and(|f| f.cue.is_some())
    }

    /// The noun phrase that starts at token `first`, looking no further right than `ceiling`.
    pub fn phrase_starting_at(&self, first: usize, ceiling: usize) -> Option<Mention> {
        if first >= ceiling || !self.is_word(first) {
            return None;
        }
        if let Some(p) = self.pronoun(first) {
            return Some(self.mention(first, first + 1, NounPhrase::Pronoun(p)));
        }
        let mut i = first;
        // Determiners and adjectives before a common head: the Russian foreign minister.
        if matches!(self.word(i), "the" | "a" | "an") {
            i += 1;
        }
        let mut end = i;
        // "Federation of Small Exporters", "Council for Nursing": a connector between capitalised words.
        let connects = |end: usize| {
            end > i
                && matches!(self.word(end), "of" | "for")
                && end + 1 < ceiling
                && self.is_capitalised(end + 1)
        };
        let mut titles = RunTitles::default();
        while end < ceiling && end - i < MAX_NAME_TOKENS {
            // Read once: it decides whether the run goes on, by how many tokens, and where
            // `name_phrase` splits it.
            let title = self.title_at(end, ceiling);
            let continues = self.is_name_word(end, || self.sentence_start(first))
                || (end > i && self.is_name_dot(end))
                || title.is_some_and(|(class, _, _)| {
                    self.is_capitalised(end)
                        || matches!(class, TitleClass::Title | TitleClass::Honorific)
                })
                || connects(end)
                || (end > i
                    && self.is_name_particle(end)
                    && end + 1 < ceiling
                    && self.is_capitalised(end + 1));
            if !continues {
                break;
            }
            titles.push(end, title);
            end += title.map_or(1, |(_, _, n)| n);
            if self.raw(end - 1).ends_with("\u{2019}s") || self.raw(end - 1).ends_with("'s") {
                break;
            }
        }
        // "the UN refugee agency", "the Russian foreign ministry": lowercase words up to an organisation noun.
        if end > i && !self.raw(end - 1).ends_with('\u{2019}') && !self.raw(end - 1).ends_with("'s")
        {
            // Only modifiers stand between: a verb of saying, a determiner or an auxiliary ends the
            // name ("Jan Berg said the ministry would …" is a speaker and a clause, not one name).
            let modifier = |j: usize| {
                let class = self.class(j);
                !(class.is_cue() || class.is_not_name() || class.is_auxiliary())
            };
            let org_end = (end..ceiling.min(end + 3))
                .take_while(|&j| self.is_word(j) && !self.is_capitalised(j) && modifier(j))
                .find_map(|j| {
                    self.title_at(j, ceiling)
                        .filter(|&(class, _, _)| class == TitleClass::Organisation)
                        .map(|(_, _, n)| j + n)
                });
            if let Some(org_end) = org_end {
                let name = Span::new(
                    self.seg.tokens[i].span.start,
                    self.seg.tokens[org_end - 1].span.end,
                );
                return Some(self.mention(
                    first,
                    org_end,
                    NounPhrase::Name {
                        name,
                        role: None,
                        gender: None,
                        kind: SpeakerType::Organisation,
                    },
                ));
            }
        }
        if end == i {
            // Lowercase adjectives then a common head: a senior official, the ministry.
            let mut j = i;
            while j < ceiling && j < i + 4 && self.is_word(j) {
                if j > i && self.word_facts(j).is_some_and(|f| f.class.is_not_name()) {
                    return None;
                }
                // "the ministry’s spokeswoman": a possessive modifies the head that follows.
                if self.raw(j).ends_with("\u{2019}s") || self.raw(j).ends_with("'s") {
                    j += 1;
                    continue;
                }
                if let Some((class, _, n)) = self.title_at(j, ceiling) {
                    let class = match class {
                        TitleClass::Title | TitleClass::Honorific => TitleClass::Role,
                        c => c,
                    };
                    let head = self.seg.tokens[j + n - 1].span;
                    return Some(self.mention(first, j + n, NounPhrase::Common { head, class }));
                }
                j += 1;
            }
            return None;
        }
        let m = self.name_phrase_with(i, end, titles.as_slice().iter().copied())?;
        Some(Mention {
            span: Span::new(self.seg.tokens[first].span.start, m.span.end),
            first_token: first,
            ..m
        })
    }

    /// Splits a capitalised run `first..end` into titles and a name.
    fn name_phrase(&self, first: usize, end: usize) -> Option<Mention> {
        let mut i = first;
        let titles = std::iter::from_fn(|| {
            (i < end).then(|| {
                let (at, title) = (i, self.title_at(i, end));
                i += title.map_or(1, |(_, _, n)| n);
                (at, title)
            })
        });
        self.name_phrase_with(first, end, titles)
    }

    /// [`PhraseReader::name_phrase`] of a run whose titles are known: `titles` holds what
    /// [`PhraseReader::title_at`] finds at each token the run is read at, from `first`, stepping
    /// over each title found.
    fn name_phrase_with(
        &self,
        first: usize,
        end: usize,
        titles: impl Iterator<Item = (usize, Option<TitleAt>)>,
    ) -> Option<Mention> {
        let mut name_first = first;
        let mut gender = None;
        let mut organisation = false;
        let mut role_end = None;
        // An honorific alone is not a role: "Mr" says nothing of what the person does.
        let mut has_title = false;
        for (i, title) in titles {
            let Some((class, g, n)) = title else {
                continue;
            };
            match class {
                TitleClass::Honorific | TitleClass::Title => {
                    gender = gender.or(g);
                    has_title |= class == TitleClass::Title;
                    role_end = Some(i + n);
                    name_first = i + n;
                }
                TitleClass::Role => {
                    has_title = true;
                    role_end = Some(i + n);
                    name_first = i + n;
                }
                TitleClass::Organisation | TitleClass::Group | TitleClass::Anonymous => {
                    organisation = true
                }
            }
        }
        let tokens = &self.seg.tokens;
        // "Sen. Bernie Sanders": the title's dot is not part of the name.
        while name_first < end && self.raw(name_first) == "." {
            name_first += 1;
        }
        // Acronyms (UN, NATO) and names with function words (Aid Without Borders, Bank of England) name
        // organisations, not people.
        let run = &tokens[name_first.min(end)..end];
        let acronym = run.len() == 1
            && run[0].kind == TokenKind::Word
            && run[0].span.len() >= 2
            && run[0]
                .span
                .of(self.seg.text)
                .chars()
                .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.');
        let function_word = (name_first..end).any(|j| self.is_name_function_word(j));
        organisation |= acronym || function_word;
        if organisation || name_first >= end {
            // "the Kremlin", "the Foreign Ministry", "Downing Street": the whole run names it.
            if name_first >= end && !organisation {
                // Only titles: "President", "the Minister". A role noun.
                let head = tokens[end - 1].span;
                return Some(self.mention(
                    first,
                    end,
                    NounPhrase::Common {
                        head,
                        class: TitleClass::Role,
                    },
                ));
            }
            let name = Span::new(tokens[first].span.start, self.name_end(end - 1));
            return Some(self.mention(
                first,
                end,
                NounPhrase::Name {
                    name,
                    role: None,
                    gender: None,
                    kind: SpeakerType::Organisation,
                },
            ));
        }
        let name = Span::new(tokens[name_first].span.start, self.name_end(end - 1));
        let role = role_end
            .filter(|&r| r > first)
            .map(|r| Span::new(tokens[first].span.start, tokens[r - 1].span.end))
            .filter(|_| has_title);
        Some(self.mention(
            first,
            end,
            NounPhrase::Name {
                name,
                role,
                gender,
                kind: SpeakerType::Person,
            },
        ))
    }

    /// End of a name token without a possessive ’s.
    fn name_end(&self, i: usize) -> usize {
        let span = self.seg.tokens[i].span;
        let raw = span.of(self.seg.text);
        span.end - (raw.len() - strip_possessive(raw).len())
    }

    fn mention(&self, first: usize, end: usize, phrase: NounPhrase) -> Mention {
        let tokens = &self.seg.tokens;
        Mention {
            span: Span::new(tokens[first].span.start, tokens[end - 1].span.end),
            first_token: first,
            end_token: end,
            phrase,
        }
    }

    fn sentence_start(&self, token: usize) -> usize {
        let offset = self.seg.tokens[token].span.start;
        self.seg
            .sentence_at(offset)
            .map(|s| self.seg.sentences[s].first_token)
            .unwrap_or(0)
    }
}

/// Whether a word's first character is a letter and whether it is uppercase, for the few words
/// that start outside ASCII.
#[cold]
#[inline(never)]
fn letter_case(word: &str) -> (bool, bool) {
    word.chars()
        .next()
        .map_or((false, false), |c| (c.is_alphabetic(), c.is_uppercase()))
}

/// The pronoun a lowercase word is. Read once per token: it is asked of nearly every one.
fn pronoun_of(word: &str) -> Option<Pronoun> {
    Some(match word.as_bytes() {
        b"he" => Pronoun::He,
        b"she" => Pronoun::She,
        b"they" => Pronoun::They,
        b"we" => Pronoun::We,
        _ => return None,
    })
}

fn strip_possessive(w: &str) -> &str {
    // Every suffix stripped ends in `s` or in the last byte of ’: most words end otherwise.
    if !matches!(w.as_bytes().last(), Some(b's' | 0x99)) {
        return w;
    }
    w.strip_suffix("\u{2019}s")
        .or_else(|| w.strip_suffix("'s"))
        .or_else(|| w.strip_suffix('\u{2019}'))
        .unwrap_or(w)
}

/// One entity of an article: a person, organisation, group or anonymous source.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: SpeakerType,
    /// The fullest form of the name seen.
    pub name: String,
    /// Set through [`Entities::set_role`], which keeps the role index in step.
    role: Option<String>,
    pub gender: Option<Gender>,
    pub mentions: Vec<Span>,
    /// Transliteration-normalised first name, for joining mentions that share a surname; read only
    /// when `has_first`, so that a spare entity keeps the buffer.
    first: String,
    has_first: bool,
    /// [`speaker_key`] of `name`, when `key_known`: a name of one or two words is keyed from the
    /// keys of its words, made as it is read, so that the speaker needs no second pass over it.
    key: String,
    key_known: bool,
    name_words: usize,
    /// The entity before this one with the same join key ([`Entities::add_name`]), newest first.
    previous_same_key: Option<usize>,
    /// `name` and `role` lowercased once, so that role nouns are matched without allocating.
    name_lower: String,
    role_lower: String,
}

impl Entity {
    /// Title or apposition that says what the entity is ("Russian Foreign Minister").
    pub fn role(&self) -> Option<&str> {
        self.role.as_deref()
    }

    /// [`speaker_key`] of the name. A copy, not the buffer itself: the entity keeps that for the
    /// next article's entities.
    pub fn speaker_key(&self) -> String {
        if self.key_known {
            self.key.clone()
        } else {
            speaker_key(&self.name)
        }
    }

    /// Moves the role out, for an entity that is done with.
    pub fn take_role(&mut self) -> Option<String> {
        self.role.take()
    }

    /// Whether the role has `word` (lowercase) as one of its words: "minister" in "Foreign Minister".
    pub fn has_role_word(&self, word: &str) -> bool {
        self.role_lower
            .split_whitespace()
            .any(|w| w == word || abbreviation_of(w) == Some(word))
    }

    /// Whether the name has `word` (lowercase) as one of its words: "ministry" in "Interior Ministry".
    pub fn has_name_word(&self, word: &str) -> bool {
        self.name_lower.split_whitespace().any(|w| w == word)
    }
}

/// How far back [`Entities::most_recent`] looks, in mentions. A role noun or definite description
/// refers to someone mentioned lately; past this many mentions of others the link is too weak to
/// make, and the bound keeps a window full of names linear.
pub const MAX_RECENT_MENTIONS: usize = 256;

/// How many earlier people with one surname a new mention is compared with. Articles name a few
/// Johnsons, not hundreds; the bound keeps a list of one surname with many first names linear.
const MAX_SAME_SURNAME: usize = 32;

/// How many finished entities [`Entities`] keeps for their buffers.
const MAX_SPARE_ENTITIES: usize = 1024;

/// How many join keys [`Entities`] keeps from article to article.
const MAX_KEPT_KEYS: usize = 1 << 16;

/// The entities of one article, built as mentions are met in text order.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub list: Vec<Entity>,
    /// By kind (indexed by `SpeakerType as usize`) and join key (folded surname for people, folded
    /// name otherwise): the article in which the key was last used ([`Entities::article`]) and its
    /// newest entity there, from which [`Entity::previous_same_key`] leads to the older ones. The keys
    /// outlive the article, so that a surname met again in a later article costs no allocation.
    by_key: [HashMap<String, (u32, usize)>; 4],
    /// Counts the articles seen ([`Entities::clear`]): a key whose count is older joins nothing.
    article: u32,
    /// Every mention as (start, entity), sorted and without repeats: the recency list that
    /// [`Entities::most_recent`] walks back. Mentions come mostly in text order, so a sorted Vec
    /// takes them at its end.
    recency: Vec<(usize, usize)>,
    /// The first person (lowest index) whose role has a given word.
    by_role_word: HashMap<String, usize>,
    /// Buffers for the keys of a name being added.
    surname_buffer: String,
    first_buffer: String,
    folded_buffer: String,
    /// Entities of earlier articles, emptied: a new entity takes one and reuses its buffers.
    spare: Vec<Entity>,
    /// Byte ranges of the words of a name being added.
    word_buffer: Vec<(usize, usize)>,
    /// [`transliteration_key`] by name word as written, kept from article to article like
    /// `by_key`: a surname is mentioned many times, and keying it costs more than finding it here.
    word_keys: HashMap<String, String>,
}

impl Entities {
    /// Forgets every entity but keeps the room the look-up tables took, for the next article.
    pub fn clear(&mut self) {
        // Entities whose name and mentions did not move to a speaker keep their buffers for the next
        // article's entities.
        let room = MAX_SPARE_ENTITIES.saturating_sub(self.spare.len());
        // Drained rather than taken, so that the list keeps its room for the next article.
        self.spare.extend(self.list.drain(..).take(room));
        self.article = self.article.wrapping_add(1);
        // The kept keys are a cache: past this many, or once the count wraps, they are let go.
        let keys: usize = self.by_key.iter().map(HashMap::len).sum();
        if keys > MAX_KEPT_KEYS || self.article == 0 {
            for by_key in &mut self.by_key {
                by_key.clear();
            }
        }
        if self.word_keys.len() > MAX_KEPT_KEYS {
            self.word_keys.clear();
        }
        self.recency.clear();
        self.by_role_word.clear();
    }

    /// The entity a name mention refers to, joining it to an earlier one when the names agree; creates a
    /// new entity otherwise.
    pub fn add_name(
        &mut self,
        text: &str,
        name: Span,
        role: Option<Span>,
        gender: Option<Gender>,
        kind: SpeakerType,
        mention: Span,
    ) -> usize {
        let raw = name.of(text);
        let person = kind == SpeakerType::Person;
        let mut folded = std::mem::take(&mut self.folded_buffer);
        folded.clear();
        if !person {
            if raw.is_ascii() {
                let mut bytes = folded.into_bytes();
                fold_ascii_name_into(raw, &mut bytes);
                // Only ASCII bytes were written.
                folded = String::from_utf8(bytes).unwrap_or_default();
            } else {
                folded.push_str(&fold_name(raw));
            }
        }
        let mut words = std::mem::take(&mut self.word_buffer);
        words.clear();
        push_word_bounds(raw, &mut words);
        let word = |&(from, to): &(usize, usize)| &raw[from..to];
        let first_word = words.first().map(word);
        let last_word = words.last().map(word);
        let word_count = words.len();
        // The keys are made in buffers kept from call to call: most mentions join an entity that
        // has its keys already.
        let mut surname = std::mem::take(&mut self.surname_buffer);
        surname.clear();
        push_word_key(
            &mut self.word_keys,
            last_word.unwrap_or_default(),
            &mut surname,
        );
        let mut first_key = std::mem::take(&mut self.first_buffer);
        first_key.clear();
        let first = (word_count > 1).then(|| {
            push_word_key(
                &mut self.word_keys,
                first_word.unwrap_or_default(),
                &mut first_key,
            );
            first_key.as_str()
        });
        let key: &str = if person { &surname } else { &folded };
        // The kind picks the map, so that a look-up borrows the key instead of building a pair.
        // Looked up once: the slot found is the one a new entity updates.
        let by_key = &mut self.by_key[kind as usize];
        let list = &self.list;
        let article = self.article;
        let slot = by_key.get_mut(key);
        let newest = slot
            .as_ref()
            .and_then(|&&mut (seen_in, newest)| (seen_in == article).then_some(newest));
        let found = std::iter::successors(newest, |&i| list[i].previous_same_key)
            .take(MAX_SAME_SURNAME)
            .find(|&i| {
                !person
                    || match (list[i].has_first, first) {
                        (true, Some(b)) => list[i].first == b,
                        _ => true,
                    }
            });
        let index = match found {
            Some(i) => i,
            None => {
                let i = self.list.len();
                match slot {
                    Some(slot) => *slot = (article, i),
                    None => {
                        by_key.insert(key.to_string(), (article, i));
                    }
                }
                let mut entity = Self::emptied(&mut self.spare, kind);
                entity.previous_same_key = newest;
                self.list.push(entity);
                i
            }
        };
        let e = &mut self.list[index];
        if word_count > e.name_words {
            e.name.clear();
            e.name.reserve(raw.len());
            for (i, w) in words.iter().map(word).enumerate() {
                if i > 0 {
                    e.name.push(' ');
                }
                e.name.push_str(w);
            }
            if e.name.is_ascii() {
                e.name_lower.clear();
                e.name_lower.push_str(&e.name);
                e.name_lower.make_ascii_lowercase();
            } else {
                e.name_lower = e.name.to_lowercase();
            }
            e.name_words = word_count;
            e.first.clear();
            e.first.push_str(first.unwrap_or_default());
            e.has_first = first.is_some();
            // The key of the whole name is the keys of its words joined by spaces
            // ([`speaker_key`]): for one or two words, those just made.
            e.key.clear();
            e.key_known = word_count <= 2;
            if e.key_known {
                if let Some(first) = first {
                    e.key.push_str(first);
                    e.key.push(' ');
                }
                e.key.push_str(&surname);
            }
        }
        self.surname_buffer = surname;
        self.first_buffer = first_key;
        self.folded_buffer = folded;
        self.word_buffer = words;
        e.gender = e.gender.or(gender);
        e.mentions.push(mention);
        self.remember(mention.start, index);
        if let Some(role) = role {
            self.set_role(index, role.of(text));
        }
        index
    }

    /// A speaker with no name: an anonymous source or an unresolved role noun. Never merged with another.
    pub fn add_unnamed(&mut self, phrase: &str, kind: SpeakerType, mention: Span) -> usize {
        let index = self.list.len();
        let mut entity = Self::emptied(&mut self.spare, kind);
        entity.name.push_str(phrase);
        entity.mentions.push(mention);
        set_lowercase(&mut entity.name_lower, phrase);
        self.list.push(entity);
        self.remember(mention.start, index);
        index
    }

    /// A new entity of `kind` with nothing known, in the buffers of a spare one when there is one.
    fn emptied(spare: &mut Vec<Entity>, kind: SpeakerType) -> Entity {
        match spare.pop() {
            Some(mut e) => {
                e.kind = kind;
                e.name.clear();
                e.role = None;
                e.gender = None;
                e.mentions.clear();
                e.first.clear();
                e.has_first = false;
                e.key.clear();
                e.key_known = false;
                e.name_words = 0;
                e.previous_same_key = None;
                e.name_lower.clear();
                e.role_lower.clear();
                e
            }
            None => Entity {
                kind,
                name: String::new(),
                role: None,
                gender: None,
                mentions: Vec::new(),
                first: String::new(),
                has_first: false,
                key: String::new(),
                key_known: false,
                name_words: 0,
                previous_same_key: None,
                name_lower: String::new(),
                role_lower: String::new(),
            },
        }
    }

    /// Gives entity `e` its role, unless it has one already: the first role seen is kept.
    pub fn set_role(&mut self, e: usize, role: &str) {
        let entity = &mut self.list[e];
        if entity.role.is_some() {
            return;
        }
        entity.role = Some(role.to_string());
        set_lowercase(&mut entity.role_lower, role);
        if entity.kind != SpeakerType::Person {
            return;
        }
        for word in entity.role_lower.split_whitespace() {
            self.by_role_word
                .entry(word.to_string())
                .and_modify(|first| *first = (*first).min(e))
                .or_insert(e);
        }
    }

    fn remember(&mut self, start: usize, entity: usize) {
        let item = (start, entity);
        if self.recency.last().is_none_or(|&last| last < item) {
            self.recency.push(item);
        } else if let Err(at) = self.recency.binary_search(&item) {
            self.recency.insert(at, item);
        }
    }

    /// The most recent entity (by last mention before `before`) that fits `accept`, among the last
    /// [`MAX_RECENT_MENTIONS`] mentions.
    pub fn most_recent(&self, before: usize, accept: impl Fn(&Entity) -> bool) -> Option<usize> {
        self.recency[..self.recency.partition_point(|&item| item < (before, 0))]
            .iter()
            .rev()
            .take(MAX_RECENT_MENTIONS)
            .map(|&(_, e)| e)
            .find(|&e| accept(&self.list[e]))
    }

    /// The first person whose role has `head` (a lowercase role noun such as "minister"), anywhere.
    pub fn with_role(&self, head: &str) -> Option<usize> {
        self.by_role_word.get(head).copied()
    }
}

/// Appends [`transliteration_key`]`(word)` to `out`, from `keys` when `word` has been keyed
/// before; keys it and keeps the key otherwise.
fn push_word_key(keys: &mut HashMap<String, String>, word: &str, out: &mut String) {
    if let Some(key) = keys.get(word) {
        out.push_str(key);
        return;
    }
    let start = out.len();
    push_transliteration_key(word, out);
    keys.insert(word.to_string(), out[start..].to_string());
}

/// The role noun a title abbreviation stands for, so that "the senator" finds "Sen. Ann Weld".
fn abbreviation_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "sen" => "senator",
        "rep" => "representative",
        "gov" => "governor",
        "gen" => "general",
        "col" => "colonel",
        "sgt" => "sergeant",
        "prof" => "professor",
        "pres" => "president",
        "supt" => "superintendent",
        _ => return None,
    })
}

/// Sets `out` to `text` lowercased, in `out`'s own buffer when `text` is ASCII.
fn set_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.clear();
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        *out = text.to_lowercase();
    }
}

/// Appends the byte ranges of `text`'s words, as [`str::split_whitespace`] finds them, to `out`.
/// Names are mostly ASCII, whose bytes answer without decoding chars.
fn push_word_bounds(text: &str, out: &mut Vec<(usize, usize)>) {
    if text.is_ascii() {
        let bytes = text.as_bytes();
        let mut i = 0;
        loop {
            while i < bytes.len() && is_ascii_space(bytes[i]) {
                i += 1;
            }
            if i == bytes.len() {
                return;
            }
            let from = i;
            while i < bytes.len() && !is_ascii_space(bytes[i]) {
                i += 1;
            }
            out.push((from, i));
        }
    }
    let base = text.as_ptr() as usize;
    out.extend(text.split_whitespace().map(|w| {
        let from = w.as_ptr() as usize - base;
        (from, from + w.len())
    }));
}

/// Whether an entity could be the referent of a pronoun.
pub fn pronoun_fits(pronoun: Pronoun, e: &Entity) -> bool {
    match pronoun {
        Pronoun::He => e.kind == SpeakerType::Person && e.gender != Some(Gender::Female),
        Pronoun::She => e.kind == SpeakerType::Person && e.gender != Some(Gender::Male),
        Pronoun::It => e.kind == SpeakerType::Organisation,
        Pronoun::They | Pronoun::We => {
            matches!(e.kind, SpeakerType::Organisation | SpeakerType::Group)
        }
    }
}

/// The key that joins one speaker's names across articles: case, accents and transliteration folded
/// word by word, so that "Sergey Lavrov" and "Sergei Lavrov" of two articles are one row.
pub fn speaker_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    // An ASCII name with no apostrophe has no possessive to strip from a word, and the key of the
    // whole name is the keys of its words joined by single spaces: keyed in one pass.
    if name.is_ascii() && !name.contains('\'') {
        push_transliteration_key(name, &mut key);
        return key;
    }
    for (i, word) in name.split_whitespace().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        push_transliteration_key(word, &mut key);
    }
    key
}

/// A folded name word with the spelling differences of transliteration removed, so that Sergey/Sergei,
/// Dmitry/Dmitri and Zelensky/Zelenskiy/Zelenskyy meet: y and j become i, kh becomes h, doubled letters
/// collapse. Different names stay apart: Johnson and Johnston differ in a consonant.
pub fn transliteration_key(word: &str) -> String {
    let mut key = String::new();
    push_transliteration_key(word, &mut key);
    key
}

/// Appends [`transliteration_key`]`(word)` to `out`: a caller that keys many words keeps one buffer.
pub fn push_transliteration_key(word: &str, out: &mut String) {
    let word = strip_possessive(word);
    if word.is_ascii() {
        // Most names: folded and transliterated in one pass over the bytes, as `fold_name` and
        // `transliterate_ascii` would in two. A run of spaces is one, kept only between words; the
        // next byte decides "kh", and no space folds to an h.
        let bytes = word.as_bytes();
        let mut last: Option<u8> = None;
        let mut space = false;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if is_ascii_space(b) {
                space = last.is_some();
                continue;
            }
            if std::mem::take(&mut space) {
                out.push(' ');
                last = Some(b' ');
            }
            let key = match b.to_ascii_lowercase() {
                b'`' => b'\'',
                b'y' | b'j' => b'i',
                b'k' if bytes.get(i).map(u8::to_ascii_lowercase) == Some(b'h') => {
                    i += 1;
                    b'h'
                }
                folded => folded,
            };
            if last != Some(key) {
                out.push(char::from(key));
                last = Some(key);
            }
        }
        return;
    }
    let folded = fold_name(word);
    if folded.is_ascii() {
        let mut bytes = folded.into_bytes();
        let len = transliterate_ascii(&mut bytes);
        // Only ASCII bytes.
        out.push_str(std::str::from_utf8(&bytes[..len]).unwrap_or_default());
        return;
    }
    let start = out.len();
    let mut chars = folded.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            'y' | 'j' => 'i',
            'k' if chars.peek() == Some(&'h') => {
                chars.next();
                'h'
            }
            c => c,
        };
        if out.len() > start && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
}

/// The transliteration key of an ASCII folded word, rewritten in place (the key is never longer):
/// returns its length.
fn transliterate_ascii(bytes: &mut [u8]) -> usize {
    let (mut read, mut len) = (0, 0);
    while read < bytes.len() {
        let b = match bytes[read] {
            b'y' | b'j' => b'i',
            b'k' if bytes.get(read + 1) == Some(&b'h') => {
                read += 1;
                b'h'
            }
            b => b,
        };
        read += 1;
        if len > 0 && bytes[len - 1] == b {
            continue;
        }
        bytes[len] = b;
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_keys_are_made_as_any_other() {
        let by_chars = |word: &str| {
            let mut out = String::new();
            let mut chars = fold_name(strip_possessive(word))
                .chars()
                .collect::<Vec<_>>();
            chars.push(' ');
            let mut i = 0;
            while i + 1 < chars.len() {
                let c = match chars[i] {
                    'y' | 'j' => 'i',
                    'k' if chars[i + 1] == 'h' => {
                        i += 1;
                        'h'
                    }
                    c => c,
                };
                i += 1;
                if !out.ends_with(c) {
                    out.push(c);
                }
            }
            out
        };
        for word in [
            "Khodorkovsky’s",
            "Kkhh",
            "Zelenskyy",
            "Jojo",
            "Mokhhamed",
            "Abbott",
            "Y",
            "",
            "’s",
            "O`Brien",
            " Van  Dyke\t",
            "MacKHan",
            "k h",
            "Tt  T",
        ] {
            assert_eq!(transliteration_key(word), by_chars(word), "{word:?}");
        }
        assert_eq!(transliteration_key("Khodorkovsky’s"), "hodorkovski");
    }

    #[test]
    fn a_remembered_word_key_is_the_key_made_afresh() {
        let mut keys = HashMap::default();
        let words = [
            "Lavrov",
            "Sergey",
            "Lavrov’s",
            "Sergei",
            "Lavrov",
            "Sergey",
            "Zelenskyy",
            "",
        ];
        // Twice over: the second round reads every key from what the first remembered.
        for word in words.iter().chain(&words) {
            let mut out = String::from("kept ");
            push_word_key(&mut keys, word, &mut out);
            assert_eq!(
                out,
                format!("kept {}", transliteration_key(word)),
                "{word:?}"
            );
        }
        assert_eq!(keys.len(), 6);
    }

    #[test]
    fn transliterations_meet_and_different_names_do_not() {
        assert_eq!(transliteration_key("Sergey"), transliteration_key("Sergei"));
        assert_eq!(
            transliteration_key("Zelensky"),
            transliteration_key("Zelenskyy")
        );
        assert_eq!(
            transliteration_key("Zelenskiy"),
            transliteration_key("Zelensky")
        );
        assert_eq!(transliteration_key("Dmitry"), transliteration_key("Dmitri"));
        assert_ne!(
            transliteration_key("Johnson"),
            transliteration_key("Johnston")
        );
        assert_ne!(transliteration_key("Boris"), transliteration_key("Jo"));
    }

    #[test]
    fn speaker_keys_join_spellings_across_articles() {
        assert_eq!(speaker_key("Sergey Lavrov"), speaker_key("SERGEI  Lavrov"));
        assert_ne!(speaker_key("Boris Johnson"), speaker_key("Jo Johnson"));
    }

    /// The span of the first `part` of `text`.
    fn span_of(text: &str, part: &str) -> Span {
        let start = text.find(part).unwrap();
        Span::new(start, start + part.len())
    }

    #[test]
    fn an_entity_is_keyed_as_its_name_would_be() {
        let text = "Zelenskyy met Dmitry Kuleba’s aide and Juan Carlos de la Vega, and Khan’s.";
        let span = |s: &str| span_of(text, s);
        let mut e = Entities::default();
        for (name, kind) in [
            ("Zelenskyy", SpeakerType::Person),
            ("Dmitry Kuleba", SpeakerType::Person),
            ("Juan Carlos de la Vega", SpeakerType::Person),
            ("Khan’s", SpeakerType::Organisation),
        ] {
            let i = e.add_name(text, span(name), None, None, kind, span(name));
            assert_eq!(e.list[i].speaker_key(), speaker_key(&e.list[i].name));
        }
        assert_eq!(e.list[1].speaker_key(), "dmitri kuleba");
    }

    #[test]
    fn mentions_of_one_person_join_and_the_fullest_name_wins() {
        let text = "Lavrov Sergey Lavrov Sergei Lavrov Boris Johnson Jo Johnson";
        let span = |s: &str| span_of(text, s);
        let mut e = Entities::default();
        let p = SpeakerType::Person;
        let a = e.add_name(
            text,
            Span::new(0, 6),
            None,
            Some(Gender::Male),
            p,
            Span::new(0, 6),
        );
        let b = e.add_name(
            text,
            span("Sergey Lavrov"),
            None,
            None,
            p,
            span("Sergey Lavrov"),
        );
        let c = e.add_name(
            text,
            span("Sergei Lavrov"),
            None,
            None,
            p,
            span("Sergei Lavrov"),
        );
        assert_eq!((a, b), (b, c));
        assert_eq!(e.list[a].name, "Sergey Lavrov");
        let boris = e.add_name(
            text,
            span("Boris Johnson"),
            None,
            None,
            p,
            span("Boris Johnson"),
        );
        let jo = e.add_name(text, span("Jo Johnson"), None, None, p, span("Jo Johnson"));
        assert_ne!(boris, jo);
    }

    #[test]
    fn a_speaker_key_is_the_keys_of_its_words() {
        for name in [
            "Sergey  Lavrov",
            "Anna Abbott",
            "Mikhail Khodorkovsky’s",
            "Jürgen Ågård",
            "Сергей Лавров",
            "Ali bin Yahya",
            "",
        ] {
            let by_word: Vec<String> = name.split_whitespace().map(transliteration_key).collect();
            assert_eq!(speaker_key(name), by_word.join(" "), "{name:?}");
        }
        assert_eq!(speaker_key("Sergey Lavrov"), speaker_key("sergei LAVROV"));
    }

    #[test]
    fn cues_and_titles_by_token_are_those_of_the_words_from_it() {
        let lex = AttributionLexicon::embedded().unwrap();
        let text = "In a statement, the Prime Minister hit out at critics and said a spokesman for \
                    the foreign ministry, according to aides, went on to say: “As we said, \
                    Mr. O’Neill’s plan is dead.” A senior official told reporters in Moscow.";
        let seg = Segmented::new(text);
        let lower = text.to_ascii_lowercase();
        let reader = PhraseReader::new(&seg, &lower, &lex);
        let end = seg.tokens.len();
        let mut cues = 0;
        let mut titles = 0;
        for i in 0..end {
            let (words, n) = reader.words_from(i, end);
            let cue = (n > 0).then(|| lex.cue_at(&words[..n])).flatten();
            assert_eq!(reader.cue_at(i, end), cue, "cue at {:?}", seg.token_text(i));
            let title = (n > 0 && lex.may_start_title(words[0]))
                .then(|| lex.title_at(&words[..n]))
                .flatten()
                .map(|t| (t.class, t.gender, t.words));
            assert_eq!(
                reader.title_at(i, end),
                title,
                "title at {:?}",
                seg.token_text(i)
            );
            assert_eq!(reader.first_word(i, end), words[0]);
            cues += usize::from(cue.is_some());
            titles += usize::from(title.is_some());
        }
        assert!(cues >= 4 && titles >= 3, "{cues} cues, {titles} titles");
    }

    #[test]
    fn name_words_are_those_split_whitespace_finds() {
        for text in [
            "Olga  Berg",
            " Jan\tde Vries ",
            "Ana\u{0B}Costa",
            "Zoë\u{A0}Martín Ruiz",
            "",
            "   ",
            "Kim",
        ] {
            let mut bounds = Vec::new();
            push_word_bounds(text, &mut bounds);
            let words: Vec<&str> = bounds.iter().map(|&(a, b)| &text[a..b]).collect();
            assert_eq!(
                words,
                text.split_whitespace().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }
}
