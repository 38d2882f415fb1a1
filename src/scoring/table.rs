//! The lookup table the scorer reads: one hash table from a folded word to everything known about it
//! (valence, modifier, dimension weights, grammatical role), and the multiword entries that start with
//! it, longest first.
//!
//! Parsing lexicon files is left to [`super::lexicon`]; applying what a lookup returns is left to
//! [`super::rules`]. Multiword entries are matched over tokens rather than bytes, so a phrase always
//! begins and ends on a token boundary and one hash lookup per token finds both the single-word entry
//! and the phrases that may start there.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::text::{Span, Spelling, TokenKind, Tokens, tokens};

/// A tone dimension other than sentiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    /// -1 conflict .. 1 cooperation.
    Cooperation,
    /// -1 frosty .. 1 warm.
    Warmth,
    /// 0..1.
    Threat,
    /// -1 hedged .. 1 assertive.
    Assertiveness,
    /// 0..1.
    Irony,
}

impl Dimension {
    pub const COUNT: usize = 5;
    pub const ALL: [Dimension; Dimension::COUNT] = [
        Dimension::Cooperation,
        Dimension::Warmth,
        Dimension::Threat,
        Dimension::Assertiveness,
        Dimension::Irony,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Cooperation => "cooperation",
            Dimension::Warmth => "warmth",
            Dimension::Threat => "threat",
            Dimension::Assertiveness => "assertiveness",
            Dimension::Irony => "irony",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Bipolar dimensions run -1..1 and a negated cue counts for the opposite pole; the others run
    /// 0..1 and a negated cue does not count.
    pub fn is_bipolar(self) -> bool {
        matches!(
            self,
            Dimension::Cooperation | Dimension::Warmth | Dimension::Assertiveness
        )
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// What a modifier word does to the words around it. The meaning of each class's weight is documented
/// in the header of lexicons/modifiers.tsv.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModifierClass {
    /// Strengthens the next content word: "very", "deeply".
    Booster,
    /// Weakens the next content word: "slightly", "kind of".
    Dampener,
    /// Reverses what follows up to the end of its clause: "not", "hardly", "lack of".
    Negator,
    /// Shifts weight between clauses: "but", "although".
    Contrast,
    /// Weakens its clause and lowers assertiveness: "perhaps", "I think".
    Hedge,
    /// Firms up its clause and raises assertiveness: "clearly", "no doubt".
    Certainty,
    /// Makes its sentence hypothetical: "if", "unless".
    Conditional,
    /// Makes its clause a question: "whether", "I wonder".
    Question,
}

impl ModifierClass {
    pub const ALL: [ModifierClass; 8] = [
        ModifierClass::Booster,
        ModifierClass::Dampener,
        ModifierClass::Negator,
        ModifierClass::Contrast,
        ModifierClass::Hedge,
        ModifierClass::Certainty,
        ModifierClass::Conditional,
        ModifierClass::Question,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModifierClass::Booster => "booster",
            ModifierClass::Dampener => "dampener",
            ModifierClass::Negator => "negator",
            ModifierClass::Contrast => "contrast",
            ModifierClass::Hedge => "hedge",
            ModifierClass::Certainty => "certainty",
            ModifierClass::Conditional => "conditional",
            ModifierClass::Question => "question",
        }
    }

    pub fn parse(s: &str) -> Option<ModifierClass> {
        ModifierClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The range a weight of this class must lie in. Contrast weights are signed: the sign says which
    /// clause is the concession (see lexicons/modifiers.tsv).
    pub fn weight_range(self) -> (f32, f32) {
        match self {
            ModifierClass::Contrast => (-1.0, 1.0),
            _ => (0.0, 1.0),
        }
    }
}

/// A modifier entry: its class and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Modifier {
    pub class: ModifierClass,
    pub weight: f32,
}

/// Closed-class roles of a word that the rules need, as bit flags (crate-internal). These come from the built-in word
/// lists in [`super::words`], not from lexicon files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Grammar(u32);

impl Grammar {
    /// A function word: not a content word for boosters, dilution or the neutral share.
    pub const FUNCTION: Grammar = Grammar(1);
    /// A word that starts a new clause after "and": a subject pronoun or determiner.
    pub const SUBJECT: Grammar = Grammar(1 << 1);
    /// "only", "just", "merely": after "not" they make "not only", which is not negation.
    pub const ADDITIVE: Grammar = Grammar(1 << 2);
    /// "necessarily", "exactly": after a negator they make an understatement.
    pub const UNDERSTATEMENT: Grammar = Grammar(1 << 3);
    /// "so-called", "self-styled": mark what follows as the speaker's scare quotes.
    pub const SCARE: Grammar = Grammar(1 << 4);
    /// A contrastive connective that counts only at the start of a clause ("still").
    pub const CLAUSE_INITIAL: Grammar = Grammar(1 << 5);
    /// An abbreviation after which a full stop does not end the sentence ("Mr", "U.S").
    pub const ABBREVIATION: Grammar = Grammar(1 << 6);
    /// Ends a negation scope like a comma does ("because", "which").
    pub const SCOPE_END: Grammar = Grammar(1 << 7);
    /// Words that say the speaker believes rather than knows ("believe", "think"), used to recognise a
    /// hedged aside inside a denial.
    pub const BELIEF: Grammar = Grammar(1 << 8);
    /// A linking verb: what follows it is a predicate.
    pub const COPULA: Grammar = Grammar(1 << 9);
    /// "more", "better", "enough": after "can't" or "any" a negation becomes a superlative.
    pub const COMPARATIVE: Grammar = Grammar(1 << 10);
    /// "can", "could" and their negations.
    pub const CAN: Grammar = Grammar(1 << 11);
    /// A negator whose scope is the noun phrase after it ("no", "without").
    pub const PHRASE_NEGATOR: Grammar = Grammar(1 << 12);
    /// An auxiliary verb: after "and" it opens a new predicate.
    pub const AUXILIARY: Grammar = Grammar(1 << 13);
    /// An adjective of size or degree that also rates well ("great", "tremendous"): before a negative
    /// noun it measures rather than praises ("of great concern").
    pub const DEGREE: Grammar = Grammar(1 << 14);
    /// A verb of saying or believing: what follows it is its subject's words or view ("said",
    /// "argues", "believes", "according").
    pub const SPEECH: Grammar = Grammar(1 << 15);
    /// A noun of regret that can turn praise into a sting ("a pity it does not ...").
    pub const REGRET: Grammar = Grammar(1 << 16);
    /// A word of size that before a trifle is hyperbole ("a whopping 1%").
    pub const SIZE: Grammar = Grammar(1 << 17);

    pub fn contains(self, other: Grammar) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn insert(&mut self, other: Grammar) {
        self.0 |= other.0;
    }

    pub fn bits(self) -> u32 {
        self.0
    }

    /// The roles whose flags are set in `bits`, as [`Grammar::bits`] gave them.
    pub fn from_bits(bits: u32) -> Grammar {
        Grammar(bits)
    }
}

/// Everything known about one term. Zero means "not listed" for valence and the dimension weights.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Entry {
    pub valence: f32,
    pub dims: [f32; Dimension::COUNT],
    /// For (positive) or against (negative) what the term governs; see lexicons/stance.tsv.
    pub stance: f32,
    pub modifier: Option<Modifier>,
    pub(crate) grammar: Grammar,
}

impl Entry {
    pub fn dim(&self, d: Dimension) -> f32 {
        self.dims[d.index()]
    }

    pub(crate) fn has_dims(&self) -> bool {
        self.dims.iter().any(|&w| w != 0.0)
    }

    /// Whether a multiword entry stands in for its words (it has a valence or is a modifier) rather
    /// than adding a tone weight on top of them: "not the best" in the irony lexicon must not hide the
    /// valence of "best".
    pub(crate) fn replaces_its_words(&self) -> bool {
        self.valence != 0.0 || self.modifier.is_some()
    }
}

/// Index of an [`Entry`] in a [`Table`].
pub(crate) type EntryId = u32;

/// A token as the lookup sees it: where it is, what it is, how it is spelled and the
/// [`hash_folded`] of its folded form with its first eight folded bytes ([`WordKey`]; zero for a
/// quotation mark, which is never looked up).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LookupToken {
    pub span: Span,
    pub kind: TokenKind,
    pub spelling: Spelling,
    pub hash: u64,
    /// [`WordKey::head`] of the folded form.
    pub head: u64,
    /// A line feed lies in the space before the token.
    pub newline: bool,
}

impl LookupToken {
    /// Splits `text` into `out` (cleared first); `fold` is scratch space for folding a non-ASCII
    /// token.
    #[cfg(test)]
    pub fn split_into(text: &str, out: &mut Vec<LookupToken>, fold: &mut String) {
        out.clear();
        let mut stream = LookupTokens::new(text);
        while let Some(t) = stream.next(fold) {
            out.push(t);
        }
    }
}

/// The tokens of a text as the lookup sees them, made one at a time. Only a token that starts a
/// phrase needs the tokens after it ([`LookupTokens::ahead`]): they are kept in a small buffer until
/// the lookup reaches them, so most tokens are never stored.
pub(crate) struct LookupTokens<'t> {
    text: &'t str,
    split: Tokens<'t>,
    /// Tokens made ahead of the lookup; those from `ahead_pos` on are not yet taken.
    ahead: Vec<LookupToken>,
    ahead_pos: usize,
}

impl<'t> LookupTokens<'t> {
    #[cfg(test)]
    pub fn new(text: &'t str) -> LookupTokens<'t> {
        LookupTokens::new_in(text, Vec::new())
    }

    /// A stream over `text` that reuses `buffer` (from [`LookupTokens::into_buffer`]) for the
    /// tokens it makes ahead.
    pub fn new_in(text: &'t str, mut buffer: Vec<LookupToken>) -> LookupTokens<'t> {
        buffer.clear();
        LookupTokens {
            text,
            split: tokens(text, 0),
            ahead: buffer,
            ahead_pos: 0,
        }
    }

    /// The buffer, for the next text.
    pub fn into_buffer(self) -> Vec<LookupToken> {
        self.ahead
    }

    /// The next token; `fold` is scratch space for folding a non-ASCII token.
    #[inline(always)]
    pub fn next(&mut self, fold: &mut String) -> Option<LookupToken> {
        if let Some(&t) = self.ahead.get(self.ahead_pos) {
            self.ahead_pos += 1;
            return Some(t);
        }
        self.make(fold)
    }

    /// The next `n` tokens, or as many as are left, without taking them.
    pub fn ahead(&mut self, n: usize, fold: &mut String) -> &[LookupToken] {
        if self.ahead_pos == self.ahead.len() {
            self.ahead.clear();
            self.ahead_pos = 0;
        }
        while self.ahead.len() - self.ahead_pos < n {
            let Some(t) = self.make(fold) else { break };
            self.ahead.push(t);
        }
        &self.ahead[self.ahead_pos..]
    }

    /// Takes `n` tokens already made by [`LookupTokens::ahead`].
    pub fn skip_ahead(&mut self, n: usize) {
        self.ahead_pos = (self.ahead_pos + n).min(self.ahead.len());
    }

    #[inline(always)]
    fn make(&mut self, fold: &mut String) -> Option<LookupToken> {
        let text = self.text;
        let t = self.split.next()?;
        let spelling = self.split.spelling();
        let key = match t.kind {
            TokenKind::QuoteMark => WordKey::default(),
            _ if spelling.is_ascii() && !spelling.has_upper() => {
                WordKey::within_lowercase(text.as_bytes(), t.span.start, t.span.end)
            }
            _ if spelling.is_ascii() => WordKey::within(text.as_bytes(), t.span.start, t.span.end),
            _ => {
                fold_term_into(t.text(text), fold);
                WordKey::of(fold.as_bytes())
            }
        };
        Some(LookupToken {
            span: t.span,
            kind: t.kind,
            spelling,
            hash: key.hash,
            head: key.head,
            newline: self.split.newline_before(),
        })
    }
}

/// What the scorer needs of an [`Entry`] for every token that finds it, worked out once when the table
/// is built rather than once a token: the scorer copies this small record instead of re-deriving its
/// facts from the whole entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EntryFacts {
    pub valence: f32,
    pub modifier: Option<Modifier>,
    pub grammar: Grammar,
    /// It has a valence or a dimension weight.
    pub evaluative: bool,
    /// It has a dimension weight.
    pub has_dims: bool,
    /// It has a valence or a cooperation, warmth or threat weight: a word a negation reverses.
    pub stance: bool,
    /// It has an irony weight.
    pub ironic: bool,
    /// See [`Entry::replaces_its_words`].
    pub replaces_its_words: bool,
}

impl EntryFacts {
    fn of(entry: &Entry) -> EntryFacts {
        let has_dims = entry.has_dims();
        let stance_dims = [Dimension::Cooperation, Dimension::Warmth, Dimension::Threat];
        EntryFacts {
            valence: entry.valence,
            modifier: entry.modifier,
            grammar: entry.grammar,
            evaluative: entry.valence != 0.0 || has_dims,
            has_dims,
            stance: entry.valence != 0.0 || stance_dims.iter().any(|&d| entry.dim(d) != 0.0),
            ironic: entry.dim(Dimension::Irony) > 0.0,
            replaces_its_words: entry.replaces_its_words(),
        }
    }
}

/// What a lookup of one token returns: its own entry, and whether a phrase or a symbol starts with it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Term {
    pub entry: Option<EntryId>,
    pub starts_phrase: bool,
    /// A symbol of several punctuation tokens starts with this one (":" of ":-)", "<" of "<3").
    pub starts_symbol: bool,
    /// One bit, picked by [`Term::second_word_bit`], for the second word of each phrase that starts
    /// with this one: most words that start a phrase are followed by none of its second words, and
    /// this test turns them away without a look in [`Table::pairs`].
    second_words: u64,
    /// One bit for each ASCII byte that the second word of a phrase starting with this one begins
    /// with (the word folded, so a small letter): a word followed by none of them starts no phrase
    /// there, which the lookup can tell from the text before it makes the next token.
    second_bytes: u128,
}

impl Term {
    /// Whether some phrase that starts with this term may go on with a token that begins with the
    /// byte `next` (of the text as written): false only when none does. A byte outside ASCII may
    /// begin a word that folds to anything.
    #[inline]
    pub fn may_go_on_at(&self, next: u8) -> bool {
        !next.is_ascii() || self.second_bytes & (1 << next.to_ascii_lowercase()) != 0
    }

    /// Whether some phrase that starts with this term may go on with the word hashed `second_hash`
    /// ([`hash_folded`]): false only when none does.
    #[inline]
    pub fn may_go_on_with(&self, second_hash: u64) -> bool {
        self.second_words & Term::second_word_bit(second_hash) != 0
    }

    #[inline]
    fn second_word_bit(second_hash: u64) -> u64 {
        // The high bits are the best mixed by the multiplicative hash.
        1 << (second_hash >> 58)
    }
}

/// The longest symbol, in characters, that [`Table::symbol_at`] tries.
const MAX_SYMBOL_CHARS: usize = 5;

/// A multiword entry: where its tokens, already folded, lie in [`Table::phrase_words`].
#[derive(Debug, Clone)]
struct Phrase {
    words: std::ops::Range<u32>,
    entry: EntryId,
}

/// The multiword entries that start with one pair of words (or with pairs whose [`pair_key`]s
/// collide): a range of [`Table::phrases`], longest first. Found once a token by
/// [`Table::phrase_group`], then read by [`Table::longest_phrase`] as often as the scorer asks.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PhraseGroup {
    start: u32,
    /// Above `start` in every group; 0 marks an empty [`PairSlot`].
    end: u32,
}

/// The [`PhraseGroup`]s by [`pair_key`], in open addressing like [`TermIndex`]: a probe is a shift
/// and a compare of one number, where a general hash map hashes the key again and scans a group
/// of control bytes.
#[derive(Debug, Clone, Default)]
struct PairIndex {
    /// A power of two in length, at most half full; empty when no term is a phrase.
    slots: Vec<PairSlot>,
    /// 64 less the number of bits that index `slots`.
    shift: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct PairSlot {
    key: u64,
    group: PhraseGroup,
}

impl PairIndex {
    /// The index of `groups`, whose keys are all different.
    fn of(groups: &[(u64, PhraseGroup)]) -> PairIndex {
        if groups.is_empty() {
            return PairIndex::default();
        }
        let bits = (groups.len() * 2).next_power_of_two().trailing_zeros();
        let mut index = PairIndex {
            slots: vec![PairSlot::default(); 1 << bits],
            shift: 64 - bits,
        };
        let mask = index.slots.len() - 1;
        for &(key, group) in groups {
            let mut at = index.home(key);
            while index.slots[at].group.end != 0 {
                at = (at + 1) & mask;
            }
            index.slots[at] = PairSlot { key, group };
        }
        index
    }

    #[inline]
    fn home(&self, key: u64) -> usize {
        // The high bits are the best mixed by the multiplicative hash.
        (key >> (self.shift & 63)) as usize
    }

    #[inline]
    fn get(&self, key: u64) -> Option<PhraseGroup> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = self.home(key);
        loop {
            let slot = self.slots.get(at)?;
            if slot.group.end == 0 {
                return None;
            }
            if slot.key == key {
                return Some(slot.group);
            }
            at = (at + 1) & mask;
        }
    }
}

/// The single-word terms by [`hash_folded`], in open addressing: the hash a token's lookup computes once
/// is reused for the phrases that start with the token. A slot holds its key's [`WordKey`] and length,
/// so that a miss, and a hit on a word of up to eight bytes (most words), reads no byte of the key.
#[derive(Debug, Clone, Default)]
struct TermIndex {
    /// A power of two in length; `len == 0` marks an empty slot.
    slots: Vec<TermSlot>,
    /// 64 less the number of bits that index `slots`: the hash's high bits, its best mixed, pick a slot.
    shift: u32,
    /// Every key, one after the other.
    text: String,
    /// How many slots are filled.
    words: usize,
}

#[derive(Debug, Clone, Copy, Default)]
struct TermSlot {
    key: WordKey,
    len: u32,
    key_start: u32,
    term: Term,
}

impl TermIndex {
    /// An empty index with room for `words` words before it grows.
    fn with_capacity(words: usize) -> TermIndex {
        // At most half full, so that a miss stops after a probe or two.
        let bits = (words.max(1) * 2).next_power_of_two().trailing_zeros();
        TermIndex {
            slots: vec![TermSlot::default(); 1 << bits],
            shift: 64 - bits,
            text: String::new(),
            words: 0,
        }
    }

    /// The term of the folded word `word`, added empty when it is new; `None` for the empty word,
    /// which no token is. Built in place: no word is allocated on its own.
    fn entry(&mut self, word: &str) -> Option<&mut Term> {
        if word.is_empty() {
            return None;
        }
        let key = WordKey::of(word.as_bytes());
        let mut at = self.find(key, word);
        if self.slots[at].len == 0 {
            if (self.words + 1) * 2 > self.slots.len() {
                self.grow();
                at = self.find(key, word);
            }
            let key_start = self.text.len() as u32;
            self.text.push_str(word);
            self.slots[at] = TermSlot {
                key,
                len: word.len() as u32,
                key_start,
                term: Term::default(),
            };
            self.words += 1;
        }
        Some(&mut self.slots[at].term)
    }

    /// The slot that holds the folded word `word` (keyed `key`), or the empty slot where it would go.
    fn find(&self, key: WordKey, word: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = self.home(key.hash);
        loop {
            let slot = &self.slots[at];
            let start = slot.key_start as usize;
            if slot.len == 0
                || (slot.key == key
                    && self.text.get(start..start + slot.len as usize) == Some(word))
            {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// Doubles the slots, for a table built from more words than it was sized for.
    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        let bits = (old.len() * 2).trailing_zeros();
        self.slots = vec![TermSlot::default(); 1 << bits];
        self.shift = 64 - bits;
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.len != 0) {
            let mut at = self.home(slot.key.hash);
            while self.slots[at].len != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = slot;
        }
    }

    /// The slot where `hash` would first be looked for. Only called on an index with slots, which
    /// has at least two ([`TermIndex::new`]), so the shift is below 64.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        (hash >> (self.shift & 63)) as usize
    }

    /// The term `word` (folded, or ASCII in any case) whose [`WordKey`] is `key`.
    #[inline(always)]
    fn get(&self, key: WordKey, word: &[u8]) -> Option<&Term> {
        let mask = self.slots.len().checked_sub(1)?;
        // `home` is below the length already; masking it says so to the compiler, which then drops
        // the bounds check of every probe.
        let mut at = self.home(key.hash) & mask;
        loop {
            let slot = &self.slots[at];
            if slot.len == 0 {
                return None;
            }
            if slot.key == key && slot.len as usize == word.len() {
                // The head held the first eight bytes: only a longer word has more to compare.
                let rest = word.get(8..).unwrap_or_default();
                let start = slot.key_start as usize + 8;
                let stored = self.text.as_bytes().get(start..start + rest.len());
                if rest.is_empty() || stored.is_some_and(|stored| is_folded_form(stored, rest)) {
                    return Some(&slot.term);
                }
            }
            at = (at + 1) & mask;
        }
    }
}

/// FxHash-style multiplicative hasher: lexicon keys are short, trusted strings, so SipHash's flood
/// resistance buys nothing and costs a third of the scorer's time.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordMap<V> = HashMap<Box<str>, V, BuildHasherDefault<WordHasher>>;

/// The compiled lexicons: built once, read by every scorer thread.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    terms: TermIndex,
    entries: Vec<Entry>,
    /// [`EntryFacts`] of each entry, by the same index.
    facts: Vec<EntryFacts>,
    phrases: Vec<Phrase>,
    /// The tokens of every phrase, as byte ranges of [`Table::phrase_text`]: two allocations for all
    /// phrases rather than a few for each.
    phrase_words: Vec<(u32, u32)>,
    phrase_text: String,
    /// [`hash_folded`] of each token in `phrase_words`, by the same index: a candidate phrase is
    /// compared with the text by hashes first, by strings only when every hash matches.
    phrase_hashes: Vec<u64>,
    /// The phrases by the hash of their first two tokens ([`pair_key`]), longest first: one more
    /// lookup finds the few phrases that can match at a token. A collision only puts two groups in one
    /// range; every word of a candidate is compared.
    pairs: PairIndex,
    /// Emoticons and other symbols written without spaces that tokenize into several tokens (":-)",
    /// "<3", ":'("), keyed by the whole symbol: they are matched on the text, not token by token, so
    /// that ": (" in "note: (see above)" is not a frown.
    symbols: WordMap<EntryId>,
}

/// How [`Table::build`] files a term, and so where [`Table::find`] looks for it.
enum TermShape<'t, W> {
    /// One token: the entry of its word's slot.
    Word(&'t str),
    /// An emoticon or other symbol written without spaces that tokenizes into several tokens
    /// (":-)"): matched on the text, under its first token.
    Symbol(&'t str),
    /// Several words, keyed by the first two; `words` gives all of them.
    Phrase {
        first: &'t str,
        second: &'t str,
        words: W,
    },
}

impl<'t> TermShape<'t, ()> {
    /// The shape of a folded term; `None` for a term with no token.
    fn of(term: &'t str) -> Option<TermShape<'t, impl Iterator<Item = &'t str>>> {
        // A term of ASCII letters and digits is one token (most terms are): no tokenizer.
        if !term.is_empty() && term.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Some(TermShape::Word(term));
        }
        let mut spans = tokens(term, 0).map(move |t| t.text(term));
        let first = spans.next()?;
        let Some(second) = spans.next() else {
            return Some(TermShape::Word(first));
        };
        if !term.contains(' ') && term.chars().next().is_some_and(|c| !c.is_alphanumeric()) {
            return Some(TermShape::Symbol(first));
        }
        Some(TermShape::Phrase {
            first,
            second,
            words: [first, second].into_iter().chain(spans),
        })
    }
}

impl<W> TermShape<'_, W> {
    /// The token the term is filed under.
    fn first(&self) -> &str {
        match self {
            TermShape::Word(first) | TermShape::Symbol(first) | TermShape::Phrase { first, .. } => {
                first
            }
        }
    }
}

impl Table {
    /// Builds the table from folded terms (lowercase, single spaces, ASCII apostrophes).
    pub fn build<'a>(terms: impl IntoIterator<Item = (&'a str, Entry)>) -> Table {
        let terms = terms.into_iter();
        let (count, _) = terms.size_hint();
        // Text and phrase buffers get room for more than they will hold: memory never written is
        // never paged in, while growing a buffer copies it into fresh pages.
        let mut table = Table {
            terms: TermIndex::with_capacity(count),
            entries: Vec::with_capacity(count),
            facts: Vec::with_capacity(count),
            phrase_text: String::with_capacity(count * 8),
            ..Table::default()
        };
        table.terms.text.reserve(count * 12);
        // (key of the first two words, its words in `words`, entry) of each multiword term.
        type PendingPhrase = (u64, std::ops::Range<u32>, EntryId);
        let mut pending: Vec<PendingPhrase> = Vec::with_capacity(count / 2);
        let mut words: Vec<(u32, u32)> = Vec::with_capacity(count);
        for (term, entry) in terms {
            let Some(shape) = TermShape::of(term) else {
                continue;
            };
            let id = table.entries.len() as EntryId;
            table.entries.push(entry);
            table.facts.push(EntryFacts::of(&entry));
            let Some(slot) = table.terms.entry(shape.first()) else {
                continue;
            };
            let (first, second, phrase_words) = match shape {
                TermShape::Word(_) => {
                    slot.entry = Some(id);
                    continue;
                }
                TermShape::Symbol(_) => {
                    slot.starts_symbol = true;
                    table.symbols.insert(Box::from(term), id);
                    continue;
                }
                TermShape::Phrase {
                    first,
                    second,
                    words,
                } => (first, second, words),
            };
            slot.starts_phrase = true;
            slot.second_words |= Term::second_word_bit(hash_folded(second.as_bytes()));
            if let Some(&b) = second.as_bytes().first()
                && b.is_ascii()
            {
                slot.second_bytes |= 1 << b.to_ascii_lowercase();
            }
            let start = words.len() as u32;
            for word in phrase_words {
                let at = table.phrase_text.len() as u32;
                table.phrase_text.push_str(word);
                words.push((at, table.phrase_text.len() as u32));
            }
            let key = pair_key(
                hash_folded(first.as_bytes()),
                hash_folded(second.as_bytes()),
            );
            pending.push((key, start..words.len() as u32, id));
        }
        table.phrase_hashes = words
            .iter()
            .map(|&(start, end)| {
                hash_folded(&table.phrase_text.as_bytes()[start as usize..end as usize])
            })
            .collect();
        table.phrase_words = words;
        // Longest first within a pair, so that the first phrase that matches is the longest one.
        // Entry ids rise in the order phrases were given, as their places in `pending` do, so ties
        // keep that order. Sorted as one number each: key, then length reversed, then place.
        let mut order: Vec<u128> = pending
            .iter()
            .enumerate()
            .map(|(at, (key, words, _))| {
                let shorter = u32::MAX - words.len() as u32;
                (u128::from(*key) << 64) | (u128::from(shorter) << 32) | at as u128
            })
            .collect();
        order.sort_unstable();
        table.phrases.reserve(pending.len());
        // Sorted by key, so the phrases of one key lie together.
        let mut groups: Vec<(u64, PhraseGroup)> = Vec::new();
        for at in order {
            let (key, words, entry) = pending[at as u32 as usize].clone();
            let index = table.phrases.len() as u32;
            table.phrases.push(Phrase { words, entry });
            match groups.last_mut() {
                Some((last, group)) if *last == key => group.end = index + 1,
                _ => groups.push((
                    key,
                    PhraseGroup {
                        start: index,
                        end: index + 1,
                    },
                )),
            }
        }
        table.pairs = PairIndex::of(&groups);
        table
    }

    /// The entry of `term` (folded, single spaces) as [`Table::build`] filed it: under its only word,
    /// as a symbol, or as a phrase under its first two words.
    pub fn find(&self, term: &str) -> Option<EntryId> {
        let shape = TermShape::of(term)?;
        let slot = self.term(shape.first())?;
        let (first, second, words) = match shape {
            TermShape::Word(_) => return slot.entry,
            TermShape::Symbol(_) => return self.symbols.get(term).copied(),
            TermShape::Phrase {
                first,
                second,
                words,
            } => (first, second, words),
        };
        let key = pair_key(
            hash_folded(first.as_bytes()),
            hash_folded(second.as_bytes()),
        );
        let group = self.pairs.get(key)?;
        let words: Vec<&str> = words.collect();
        self.phrases[group.start as usize..group.end as usize]
            .iter()
            .find(|phrase| self.phrase_words(phrase).eq(words.iter().copied()))
            .map(|phrase| phrase.entry)
    }

    /// Every entry, by [`EntryId`].
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id as usize]
    }

    #[inline]
    pub fn facts(&self, id: EntryId) -> &EntryFacts {
        &self.facts[id as usize]
    }

    /// Looks up one folded word.
    #[inline]
    pub fn term(&self, folded: &str) -> Option<&Term> {
        self.terms
            .get(WordKey::of(folded.as_bytes()), folded.as_bytes())
    }

    /// Looks up a word by its [`WordKey`] and the word itself, folded or ASCII in any case (the key
    /// and the comparison ignore ASCII case, so a token need not be folded first).
    #[inline]
    pub fn term_keyed(&self, key: WordKey, word: &[u8]) -> Option<&Term> {
        self.terms.get(key, word)
    }

    /// The longest phrase of `group` (from [`Table::phrase_group`]) that starts with the token
    /// `first` (as written; `first_hash` its [`hash_folded`] when folded) and goes on with the tokens
    /// `next`, and whose entry passes `accept`: its entry and its length in tokens.
    pub fn longest_phrase(
        &self,
        text: &str,
        (first, first_hash): (&str, u64),
        group: PhraseGroup,
        next: &[LookupToken],
        accept: impl Fn(&EntryFacts) -> bool,
    ) -> Option<(EntryId, usize)> {
        let hash_of = |k: usize| match next.get(k) {
            Some(t) if t.kind != TokenKind::QuoteMark => Some(t.hash),
            _ => None,
        };
        let phrases = self
            .phrases
            .get(group.start as usize..group.end as usize)
            .unwrap_or_default();
        'phrase: for phrase in phrases {
            let range = phrase.words.start as usize..phrase.words.end as usize;
            let want = &self.phrase_hashes[range];
            if want[0] != first_hash {
                continue;
            }
            for (k, &h) in want.iter().enumerate().skip(1) {
                if hash_of(k - 1) != Some(h) {
                    continue 'phrase;
                }
            }
            if !accept(self.facts(phrase.entry)) {
                continue;
            }
            // Every hash matched: the strings settle a collision.
            let mut words = self.phrase_words(phrase);
            if !words.next().is_some_and(|word| folds_to(first, word)) {
                continue;
            }
            for (word, t) in words.zip(next) {
                if !folds_to(t.span.of(text), word) {
                    continue 'phrase;
                }
            }
            return Some((phrase.entry, phrase.words.len()));
        }
        None
    }

    /// The phrases that start with the token hashed `first_hash` and the token after it
    /// (`second`), and how many tokens after the first [`Table::longest_phrase`] may need to see;
    /// `None` when no phrase starts with the two.
    #[inline]
    pub fn phrase_group(
        &self,
        first_hash: u64,
        second: Option<&LookupToken>,
    ) -> Option<(PhraseGroup, usize)> {
        let second = second.filter(|t| t.kind != TokenKind::QuoteMark)?;
        let group = self.pairs.get(pair_key(first_hash, second.hash))?;
        // Longest first: the group's first phrase is its longest.
        let longest = self.phrases.get(group.start as usize)?;
        Some((group, longest.words.len() - 1))
    }

    /// The folded tokens of a phrase.
    fn phrase_words<'t>(&'t self, phrase: &Phrase) -> impl Iterator<Item = &'t str> + 't {
        let spans = &self.phrase_words[phrase.words.start as usize..phrase.words.end as usize];
        spans
            .iter()
            .map(|&(start, end)| &self.phrase_text[start as usize..end as usize])
    }
}

impl Table {
    /// The symbol written at byte `start` of `text` (":-)", "<3", ":D"), longest first: its entry and the
    /// byte where it ends. A repeated last character (":)))", "<333") and variation selectors or skin
    /// tones after an emoji belong to it; a letter, digit or "/" right after it means it was not a
    /// symbol ("http://", "10:30"). `buf` is scratch space for folding.
    pub fn symbol_at(
        &self,
        text: &str,
        start: usize,
        buf: &mut String,
    ) -> Option<(EntryId, usize)> {
        let rest = &text[start..];
        let mut ends = [0usize; MAX_SYMBOL_CHARS];
        let mut count = 0;
        for (i, c) in rest.char_indices().take(MAX_SYMBOL_CHARS) {
            if c.is_whitespace() {
                break;
            }
            ends[count] = i + c.len_utf8();
            count += 1;
        }
        for &end in ends[..count].iter().rev() {
            fold_term_into(&rest[..end], buf);
            let Some(&id) = self.symbols.get(buf.as_str()) else {
                continue;
            };
            let last = rest[..end].chars().next_back();
            let mut stop = end;
            for c in rest[end..].chars() {
                if Some(c) == last || is_emoji_modifier(c) {
                    stop += c.len_utf8();
                } else {
                    break;
                }
            }
            let next = rest[stop..].chars().next();
            if next.is_some_and(|c| c.is_alphanumeric() || c == '/') {
                return None;
            }
            // "won 5:3" is a score, not a cat's face.
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_digit())
                && last.is_some_and(|c| c.is_ascii_digit())
            {
                return None;
            }
            return Some((id, start + stop));
        }
        None
    }
}

impl Table {
    /// The listed form of an unlisted, folded word written stretched or as a run of laughter:
    /// "goooood" is "good", "yaaaay" "yay", "hahahaha" "haha", "lololol" "lol". Returns the entry and
    /// whether the word was stretched (which is emphasis; a longer laugh is not). Letters tripled or more
    /// are tried as two and then as one; `buf` is scratch space.
    pub fn plain_form(&self, folded: &str, buf: &mut String) -> Option<(EntryId, bool)> {
        let bytes = folded.as_bytes();
        if bytes.len() >= 4 && bytes.is_ascii() {
            if matches!(bytes[0], b'h' | b'a' | b'e' | b'i' | b'o' | b'l')
                && let Some(laugh) = laughter(bytes)
            {
                return self.term(laugh).and_then(|t| t.entry).map(|id| (id, false));
            }
            let stretched = bytes
                .windows(3)
                .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_ascii_alphabetic());
            if stretched {
                for keep in [2, 1] {
                    buf.clear();
                    let mut run = 0;
                    let mut prev = 0u8;
                    for &b in bytes {
                        run = if b == prev { run + 1 } else { 1 };
                        prev = b;
                        if run <= keep || !b.is_ascii_alphabetic() {
                            buf.push(char::from(b));
                        }
                    }
                    if let Some(id) = self.term(buf).and_then(|t| t.entry) {
                        return Some((id, true));
                    }
                }
            }
        }
        None
    }
}

/// Whether [`Table::plain_form`] can find anything for the word `written`, ASCII in any case (the
/// test ignores ASCII case, so a word need not be folded to fail it): a test that spares the search
/// for almost every word. `head` is the word's [`WordKey::head`]: its first eight bytes, lowercased,
/// which answer for most words without a loop.
#[inline]
pub(crate) fn may_have_plain_form(written: &[u8], head: u64) -> bool {
    const EACH: u64 = 0x0101_0101_0101_0101;
    if written.len() < 4 {
        return false;
    }
    let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o');
    // Laughter alternates "h" and a vowel ("haha", "ahah") or "l" and "o".
    let (a, b) = (head as u8, (head >> 8) as u8);
    if (a == b'h' && vowel(b)) || (vowel(a) && b == b'h') || (a, b) == (b'l', b'o') {
        return true;
    }
    // Stretching: a letter three times in a row. Byte i of `same` is zero exactly when bytes i, i + 1
    // and i + 2 of the head are equal; the zero padding past the word is no letter, so a run that
    // reaches past it is not counted.
    let same = (head ^ (head >> 8)) | (head ^ (head >> 16));
    let low7 = 0x7f * EACH;
    let zero = !(((same & low7) + low7) | same) & (0x80 * EACH);
    // Every byte is ASCII: the top bit of each sum says whether the byte is at least 'a', or past 'z'.
    let from_a = (head & low7) + (0x80 - u64::from(b'a')) * EACH;
    let past_z = (head & low7) + (0x80 - u64::from(b'z') - 1) * EACH;
    let letter = from_a & !past_z & (0x80 * EACH);
    if zero & letter != 0 {
        return true;
    }
    // Runs that start in the head's last two bytes reach past it.
    let low = |b: u8| b | 0x20;
    written.len() > 8
        && written[6..]
            .windows(3)
            .any(|w| low(w[0]) == low(w[1]) && low(w[1]) == low(w[2]) && w[0].is_ascii_alphabetic())
}

/// The listed form of a run of laughter: "haha" for h and a vowel repeated ("hahaha", "hehehe",
/// "ahahah"), "lol" for "lolol" and longer.
fn laughter(word: &[u8]) -> Option<&'static str> {
    let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o');
    let is_haha = word.iter().all(|&b| b == b'h' || vowel(b))
        && word.windows(2).all(|w| (w[0] == b'h') != (w[1] == b'h'))
        && word.iter().filter(|&&b| b == b'h').count() >= 2;
    if is_haha {
        return Some("haha");
    }
    let is_lol = word.len() >= 5
        && word.len() % 2 == 1
        && word
            .iter()
            .enumerate()
            .all(|(i, &b)| b == if i % 2 == 0 { b'l' } else { b'o' });
    is_lol.then_some("lol")
}

/// Characters that only change how the emoji before them is drawn: variation selectors, the zero-width
/// joiner and skin tones.
pub(crate) fn is_emoji_modifier(c: char) -> bool {
    matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{200D}' | '\u{1F3FB}'..='\u{1F3FF}'
    )
}

/// Hash of the ASCII lowercase of `s` (which is already folded unless it has ASCII capitals), eight
/// bytes at a time.
#[inline]
pub(crate) fn hash_folded(s: &[u8]) -> u64 {
    WordKey::of(s).hash
}

/// What a term lookup compares before any byte: a word's [`hash_folded`] and its first eight bytes in
/// ASCII lowercase, zero-padded. Both fall out of one pass over the word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WordKey {
    pub hash: u64,
    pub head: u64,
}

impl WordKey {
    #[inline]
    pub fn of(s: &[u8]) -> WordKey {
        let mut h = WordHasher::default();
        let mut head = None;
        let mut chunks = s.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let lowered = ascii_lowercase_word(u64::from_le_bytes(word));
            head.get_or_insert(lowered);
            h.add(lowered);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Byte by byte rather than a copy of variable length, which would be a call to memcpy.
            let mut word = 0u64;
            for (i, &b) in rest.iter().enumerate() {
                word |= u64::from(b) << (8 * i);
            }
            let lowered = ascii_lowercase_word(word);
            head.get_or_insert(lowered);
            h.add(lowered);
        }
        WordKey {
            hash: h.finish(),
            head: head.unwrap_or(0),
        }
    }

    /// [`WordKey::within`] of a word with no ASCII capital (most words), which needs no lowering.
    #[inline]
    pub fn within_lowercase(text: &[u8], start: usize, end: usize) -> WordKey {
        WordKey::within_folding::<false>(text, start, end)
    }

    /// [`WordKey::of`] the bytes `start..end` of `text`. A word of up to eight bytes with eight bytes of
    /// text from its start is read in one load and masked, rather than byte by byte.
    #[inline]
    pub fn within(text: &[u8], start: usize, end: usize) -> WordKey {
        WordKey::within_folding::<true>(text, start, end)
    }

    /// [`WordKey::within`], lowering the one-load word only when `LOWER` (a constant, so that each
    /// caller's copy has no test for it).
    #[inline(always)]
    fn within_folding<const LOWER: bool>(text: &[u8], start: usize, end: usize) -> WordKey {
        let len = end.saturating_sub(start);
        if let Some(eight) = text.get(start..start.saturating_add(8))
            && (1..=8).contains(&len)
        {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            let head = u64::from_le_bytes(word) & (u64::MAX >> (64 - 8 * len as u32));
            let head = if LOWER {
                ascii_lowercase_word(head)
            } else {
                head
            };
            let mut h = WordHasher::default();
            h.add(head);
            return WordKey {
                hash: h.finish(),
                head,
            };
        }
        WordKey::of(text.get(start..end).unwrap_or_default())
    }
}

/// Whether `folded` (a lexicon key, lowercase) is `word` up to ASCII case, eight bytes at a time.
#[inline]
fn is_folded_form(folded: &[u8], word: &[u8]) -> bool {
    if folded.len() != word.len() {
        return false;
    }
    let (mut keys, mut words) = (folded.chunks_exact(8), word.chunks_exact(8));
    for (k, w) in (&mut keys).zip(&mut words) {
        let (mut key, mut written) = ([0u8; 8], [0u8; 8]);
        key.copy_from_slice(k);
        written.copy_from_slice(w);
        if u64::from_le_bytes(key) != ascii_lowercase_word(u64::from_le_bytes(written)) {
            return false;
        }
    }
    keys.remainder()
        .iter()
        .zip(words.remainder())
        .all(|(k, w)| *k == w.to_ascii_lowercase())
}

/// `u8::to_ascii_lowercase` of each of the eight bytes of `word` at once.
#[inline]
fn ascii_lowercase_word(word: u64) -> u64 {
    const EACH: u64 = 0x0101_0101_0101_0101;
    let low7 = word & (0x7f * EACH);
    // The top bit of each byte says whether its low seven bits are at least 'A', or past 'Z' (the
    // sums stay below 0x100: no carry into the next byte).
    let from_a = low7 + (0x80 - u64::from(b'A')) * EACH;
    let past_z = low7 + (0x80 - u64::from(b'Z') - 1) * EACH;
    let upper = from_a & !past_z & !word & (0x80 * EACH);
    word | (upper >> 2)
}

/// The key of a phrase's first two words in [`Table::pairs`].
fn pair_key(first_hash: u64, second_hash: u64) -> u64 {
    let mut h = WordHasher(first_hash);
    h.add(second_hash);
    h.finish()
}

/// Folds a term as lexicons store it: lowercase, with ’ as '. Written into `out` so that a scorer
/// reuses one buffer. ASCII (almost every token) goes through [`crate::text::fold_case_into`].
pub(crate) fn fold_term_into(s: &str, out: &mut String) {
    if s.is_ascii() || !s.contains('\u{2019}') {
        crate::text::fold_case_into(s, out);
    } else {
        out.clear();
        for c in s.chars() {
            if c == '\u{2019}' {
                out.push('\'');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// Whether `written` folds to `folded`, without allocating.
pub(crate) fn folds_to(written: &str, folded: &str) -> bool {
    // Equal lengths and equal bytes up to ASCII case settle almost every comparison; only a non-ASCII
    // token can fold to a different length.
    if written.len() == folded.len() && written.eq_ignore_ascii_case(folded) {
        return true;
    }
    if written.is_ascii() {
        return false;
    }
    let mut want = folded.chars();
    for c in written.chars() {
        if c == '\u{2019}' {
            if want.next() != Some('\'') {
                return false;
            }
            continue;
        }
        for lower in c.to_lowercase() {
            if want.next() != Some(lower) {
                return false;
            }
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(valence: f32) -> Entry {
        Entry {
            valence,
            ..Entry::default()
        }
    }

    #[test]
    fn a_phrase_is_found_from_its_first_word_longest_first() {
        let table = Table::build([
            ("low", entry(-1.0)),
            ("low point", entry(-2.0)),
            ("at a low point", entry(-2.5)),
        ]);
        let text = "at a low point";
        let mut toks = Vec::new();
        LookupToken::split_into(text, &mut toks, &mut String::new());
        let at = table.term("at").expect("'at' starts a phrase");
        assert_eq!(at.entry, None);
        assert!(at.starts_phrase);
        let (group, look_ahead) = table
            .phrase_group(toks[0].hash, toks.get(1))
            .expect("'at a' starts a phrase");
        assert_eq!(look_ahead, 3);
        let (id, len) = table
            .longest_phrase(text, ("At", toks[0].hash), group, &toks[1..], |_| true)
            .expect("the four-word phrase matches");
        assert_eq!(len, 4);
        assert_eq!(table.entry(id).valence, -2.5);
        let low = table.term("low").expect("'low' is listed");
        assert_eq!(table.entry(low.entry.expect("single entry")).valence, -1.0);
    }

    #[test]
    fn a_word_that_starts_a_phrase_knows_the_second_words_it_may_take() {
        let table = Table::build([("hit out at", entry(-1.0)), ("hit list", entry(-1.5))]);
        let hit = table.term("hit").expect("'hit' starts two phrases");
        for second in ["out", "OUT", "list"] {
            assert!(
                hit.may_go_on_with(hash_folded(second.as_bytes())),
                "{second}"
            );
            assert!(hit.may_go_on_at(second.as_bytes()[0]), "{second}");
        }
        // Read from the text before the next token is made: "hit back" starts none of them.
        for next in [b'b', b'B', b',', b'"'] {
            assert!(!hit.may_go_on_at(next), "{}", char::from(next));
        }
        // A letter outside ASCII may fold to anything.
        assert!(hit.may_go_on_at("Ö".as_bytes()[0]));
        // A filter, not a set: a word none of the phrases goes on with is turned away unless it
        // shares a bit with one that does.
        let turned_away = ["the", "back", "hard", "again", "record", "wall"]
            .iter()
            .filter(|w| !hit.may_go_on_with(hash_folded(w.as_bytes())))
            .count();
        assert!(turned_away >= 4, "{turned_away}");
    }

    #[test]
    fn phrases_match_whatever_the_case_and_apostrophe() {
        assert!(folds_to("Can’t", "can't"));
        assert!(folds_to("STAND", "stand"));
        assert!(!folds_to("stands", "stand"));
        assert!(!folds_to("É", "e"));
        let mut buf = String::new();
        fold_term_into("Don’t", &mut buf);
        assert_eq!(buf, "don't");
    }

    #[test]
    fn the_folded_hash_ignores_ascii_case_only() {
        assert_eq!(
            hash_folded(b"Peace TALKS resume"),
            hash_folded(b"peace talks resume")
        );
        assert_ne!(
            hash_folded("ÉLAN".as_bytes()),
            hash_folded("élan".as_bytes())
        );
        // Eight bytes at once lowercase exactly as one byte at a time, for every byte.
        for chunk in (0..=255u8).collect::<Vec<_>>().chunks(8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let lowered = ascii_lowercase_word(u64::from_le_bytes(word)).to_le_bytes();
            let expected: Vec<u8> = chunk.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(lowered.as_slice(), expected.as_slice());
        }
    }

    /// Checks that `read` gives the key of the bytes at every span of `text`.
    fn every_span_keyed_as_its_bytes(text: &[u8], read: fn(&[u8], usize, usize) -> WordKey) {
        for start in 0..text.len() {
            for end in start..=text.len() {
                assert_eq!(
                    read(text, start, end),
                    WordKey::of(&text[start..end]),
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn a_word_read_in_one_load_has_the_key_of_its_bytes() {
        every_span_keyed_as_its_bytes(
            b"Hi  peacemaker, ACCORD-breaking tensions!! x",
            WordKey::within,
        );
    }

    #[test]
    fn a_lowercase_word_read_without_lowering_has_the_same_key() {
        every_span_keyed_as_its_bytes(
            b"hi  peacemaker, accord-breaking tensions!! x",
            WordKey::within_lowercase,
        );
    }

    #[test]
    fn a_table_built_from_more_words_than_announced_grows() {
        // A filter hides the count from the builder, which starts small and must grow.
        let words: Vec<String> = (0..500).map(|i| format!("word{i}")).collect();
        let table = Table::build(
            words
                .iter()
                .filter(|w| !w.ends_with('7'))
                .map(|w| (w.as_str(), entry(1.0))),
        );
        for w in &words {
            assert_eq!(table.term(w).is_some(), !w.ends_with('7'), "{w}");
        }
        assert!(table.term("word").is_none());
    }

    #[test]
    fn a_word_is_found_whatever_its_ascii_case() {
        let table = Table::build([("good", entry(2.0)), ("well-being", entry(1.5))]);
        for word in ["good", "Good", "GOOD", "Well-Being"] {
            let bytes = word.as_bytes();
            assert!(
                table.term_keyed(WordKey::of(bytes), bytes).is_some(),
                "{word}"
            );
        }
        for word in ["goods", "goo", "bad", ""] {
            let bytes = word.as_bytes();
            assert!(
                table.term_keyed(WordKey::of(bytes), bytes).is_none(),
                "{word}"
            );
        }
    }

    #[test]
    fn stretched_words_and_laughter_pass_the_cheap_test() {
        let table = Table::build([
            ("good", entry(2.0)),
            ("haha", entry(1.5)),
            ("lol", entry(1.5)),
        ]);
        let cheap =
            |word: &str| may_have_plain_form(word.as_bytes(), WordKey::of(word.as_bytes()).head);
        let mut buf = String::new();
        for word in ["goooood", "hahahaha", "ahahah", "lololol", "wonderfulllll"] {
            assert!(cheap(word), "{word}");
            // The cheap test ignores case, so that a word need not be folded to fail it.
            let upper = word.to_ascii_uppercase();
            assert!(cheap(&upper), "{upper}");
        }
        for word in ["goooood", "hahahaha", "ahahah", "lololol"] {
            assert!(table.plain_form(word, &mut buf).is_some(), "{word}");
        }
        for word in [
            "good",
            "table",
            "world",
            "ok",
            "1000",
            "committee",
            "aaa",
            "xx--",
        ] {
            assert!(!cheap(word), "{word}");
        }
    }

    #[test]
    fn the_cheap_test_reads_runs_from_the_head_as_a_byte_loop_does() {
        // Three of a kind, any case, starting with a letter; or a laughing start.
        let by_bytes = |w: &[u8]| {
            let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o');
            let (a, b) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
            (a == b'h' && vowel(b))
                || (vowel(a) && b == b'h')
                || (a, b) == (b'l', b'o')
                || w.windows(3).any(|t| {
                    t[0].is_ascii_alphabetic()
                        && t[1].eq_ignore_ascii_case(&t[0])
                        && t[2].eq_ignore_ascii_case(&t[0])
                })
        };
        // Words from a small alphabet, so that runs are common, of every length up to 14.
        let alphabet = b"aAbB1'-zZ@[`{";
        let mut x: u32 = 0x1234_5678;
        let mut word = Vec::new();
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let len = 4 + (x % 11) as usize;
            word.clear();
            let mut y = x;
            for _ in 0..len {
                y = y.wrapping_mul(0x9E37_79B9).wrapping_add(0x7F4A_7C15);
                word.push(alphabet[(y >> 28) as usize % alphabet.len()]);
            }
            let head = WordKey::of(&word).head;
            assert_eq!(
                may_have_plain_form(&word, head),
                by_bytes(&word),
                "{}",
                String::from_utf8_lossy(&word)
            );
        }
    }

    #[test]
    fn the_hasher_spreads_short_keys() {
        let hash = |s: &str| {
            let mut h = WordHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_ne!(hash("good"), hash("goad"));
        assert_ne!(hash("a"), hash("b"));
    }
}
