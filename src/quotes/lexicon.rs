//! The lexicons that attribution reads: reporting cues (lexicons/cues.tsv), manner adverbs
//! (lexicons/manner.tsv) and the titles, role nouns and organisation words that shape speaker names
//! (lexicons/titles.tsv). Built once, shared read-only.

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use super::Framing;
use crate::error::{Error, Result};

/// How a cue is used in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueKind {
    /// A finite or bare verb form: said, says, told, warned.
    Verb,
    /// An -ing form that takes the main clause's subject: saying, adding, joking.
    Participle,
    /// A multiword verbal cue: hit out at, pointed out.
    Phrase,
    /// A cue that introduces its source after it: according to.
    Source,
    /// A noun used as "in a statement", "in an interview".
    Noun,
    /// A phrase that names the occasion, medium or addressee of speech: speaking to, writing in, in an
    /// interview with. Its object is never the speaker, and it introduces no speech of its own; it is
    /// a cue only so that its words are not read as other cues.
    Setting,
}

impl CueKind {
    /// Whether a cue of this kind can introduce speech by itself; a noun ("in a statement") or a
    /// setting ("speaking to reporters") only goes with a cue that does.
    pub fn introduces_speech(self) -> bool {
        !matches!(self, CueKind::Noun | CueKind::Setting)
    }

    fn parse(s: &str) -> Option<CueKind> {
        Some(match s {
            "verb" => CueKind::Verb,
            "participle" => CueKind::Participle,
            "phrase" => CueKind::Phrase,
            "source" => CueKind::Source,
            "noun" => CueKind::Noun,
            "setting" => CueKind::Setting,
            _ => return None,
        })
    }
}

/// One cue form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CueEntry {
    pub kind: CueKind,
    pub framing: Framing,
    pub tone: f32,
    /// The verb's object is the person spoken to (told X), who is never the speaker.
    pub takes_addressee: bool,
    /// Number of words in the cue form.
    pub words: usize,
    /// `added`, `continued`, `went on`: the speaker is the previous quote's, whatever stands nearer.
    pub continues: bool,
}

/// What a word in a name or a role phrase is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleClass {
    /// Mr, Mrs, Dr, Sir: stripped from names.
    Honorific,
    /// President, Prime Minister: stripped from names and kept as the speaker's role.
    Title,
    /// minister, spokeswoman: a noun that can stand for a named person.
    Role,
    /// ministry, Kremlin, government: makes an organisation speaker.
    Organisation,
    /// protesters, officials: a group speaker.
    Group,
    /// source, aide: an anonymous source.
    Anonymous,
}

/// Grammatical gender implied by an honorific or title, when it implies one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TitleEntry {
    pub class: TitleClass,
    pub gender: Option<Gender>,
    pub words: usize,
}

/// What a lowercase word can be or begin in these lexicons, as bit flags: one look-up per word
/// answers every later question about it ([`AttributionLexicon::class_of`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordClass(u16);

impl WordClass {
    const CUE: u16 = 1;
    const TITLE: u16 = 1 << 1;
    const CUE_HEAD: u16 = 1 << 2;
    const TITLE_HEAD: u16 = 1 << 3;
    const CUE_SECOND: u16 = 1 << 4;
    const TITLE_SECOND: u16 = 1 << 5;
    const NOT_NAME: u16 = 1 << 6;
    const AUXILIARY: u16 = 1 << 7;
    const SUBORDINATOR: u16 = 1 << 8;
    const NAME_PARTICLE: u16 = 1 << 9;
    const NAME_FUNCTION_WORD: u16 = 1 << 10;

    /// Whether some cue or title starts with the word ([`AttributionLexicon::starts_entry`]).
    pub fn starts_entry(self) -> bool {
        self.0 & (Self::CUE | Self::TITLE | Self::CUE_HEAD | Self::TITLE_HEAD) != 0
    }

    /// [`AttributionLexicon::may_start_title`].
    pub fn may_start_title(self) -> bool {
        self.0 & (Self::TITLE | Self::CUE_HEAD | Self::TITLE_HEAD) != 0
    }

    /// [`AttributionLexicon::is_not_name`].
    pub fn is_not_name(self) -> bool {
        self.0 & Self::NOT_NAME != 0
    }

    /// Whether the word is a one-word cue.
    pub fn is_cue(self) -> bool {
        self.0 & Self::CUE != 0
    }

    /// Whether some cue of more than one word starts with the word.
    pub fn starts_multiword_cue(self) -> bool {
        self.0 & Self::CUE_HEAD != 0
    }

    /// Whether some title of more than one word starts with the word.
    pub fn starts_multiword_title(self) -> bool {
        self.0 & Self::TITLE_HEAD != 0
    }

    /// Whether the word is the second of some multiword cue: after a head ("in", "as"), most words
    /// are not, and no multiword cue need be looked for.
    pub fn is_second_of_cue(self) -> bool {
        self.0 & Self::CUE_SECOND != 0
    }

    /// Whether the word is the second of some multiword title ("a" is the head of many).
    pub fn is_second_of_title(self) -> bool {
        self.0 & Self::TITLE_SECOND != 0
    }

    /// Whether the word is one of [`super::attribution::AUXILIARIES`]: auxiliaries and adverbs that
    /// stand between a subject and its verb of saying.
    pub fn is_auxiliary(self) -> bool {
        self.0 & Self::AUXILIARY != 0
    }

    /// Whether the word is one of [`super::attribution::SUBORDINATORS`]: it opens a leading clause.
    pub fn is_subordinator(self) -> bool {
        self.0 & Self::SUBORDINATOR != 0
    }

    /// Whether the word is one of [`super::speakers::NAME_PARTICLES`]: von, de, bin.
    pub fn is_name_particle(self) -> bool {
        self.0 & Self::NAME_PARTICLE != 0
    }

    /// Whether the word is one of [`super::speakers::NAME_FUNCTION_WORDS`]: in a name, it makes the
    /// name an organisation's (Bank of England).
    pub fn is_name_function_word(self) -> bool {
        self.0 & Self::NAME_FUNCTION_WORD != 0
    }
}

/// Everything the lexicons say of one lowercase word, found with one look-up
/// ([`AttributionLexicon::facts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WordFacts {
    pub class: WordClass,
    /// The word as a one-word cue.
    pub cue: Option<CueEntry>,
    /// The word as a one-word title, role or organisation noun.
    pub title: Option<TitleEntry>,
    /// The word as a manner adverb: its tone.
    pub manner: Option<f32>,
}

/// The words of the lexicons with their [`WordFacts`], in an open-addressing table keyed by at most
/// two eight-byte loads of a word: asked of every word of every article, where a general string
/// hash and a string comparison cost several times more.
#[derive(Debug, Clone)]
struct WordTable {
    /// At most half full, so that a missing word meets an empty slot soon.
    slots: Vec<Slot>,
    words: Vec<(Box<str>, WordFacts)>,
    /// Which bytes start some word of `words`: numbers and signs need no look-up.
    first_bytes: [bool; 256],
}

impl Default for WordTable {
    fn default() -> Self {
        WordTable {
            slots: Vec::new(),
            words: Vec::new(),
            first_bytes: [false; 256],
        }
    }
}

/// One place of a [`WordTable`]: a word's [`WordKey`] and its index in `words` plus one, 0 when
/// the place is empty.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: WordKey,
    index: u32,
}

/// A word's length and its first and last bytes, as two integers: for a word of up to 16 bytes
/// they are the word, so that comparing keys compares words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WordKey {
    head: u64,
    tail: u64,
    len: usize,
}

/// The longest word that a [`WordKey`] holds whole.
const WHOLE_KEY_BYTES: usize = 16;

impl WordKey {
    fn of(word: &[u8]) -> WordKey {
        let len = word.len();
        // Two loads that overlap in a short word cover all of it; up to three bytes, the first,
        // middle and last byte are all of it.
        let (head, tail) = match (word.first_chunk::<8>(), word.last_chunk::<8>()) {
            (Some(a), Some(b)) => (u64::from_le_bytes(*a), u64::from_le_bytes(*b)),
            _ => match (word.first_chunk::<4>(), word.last_chunk::<4>()) {
                (Some(a), Some(b)) => (
                    u64::from(u32::from_le_bytes(*a)),
                    u64::from(u32::from_le_bytes(*b)),
                ),
                _ => match word {
                    [] => (0, 0),
                    [first, ..] => (
                        u64::from(*first)
                            | u64::from(word[len / 2]) << 8
                            | u64::from(word[len - 1]) << 16,
                        0,
                    ),
                },
            },
        };
        WordKey { head, tail, len }
    }

    /// Mixed by one wide multiplication.
    fn hash(self) -> u64 {
        const SEED_A: u64 = 0x243f_6a88_85a3_08d3;
        const SEED_B: u64 = 0x1319_8a2e_0370_7344;
        let product =
            u128::from(self.head ^ SEED_A) * u128::from(self.tail ^ SEED_B ^ self.len as u64);
        (product as u64) ^ (product >> 64) as u64
    }
}

impl WordTable {
    #[inline]
    fn get(&self, word: &str) -> Option<&WordFacts> {
        let first = *word.as_bytes().first()?;
        if !self.first_bytes[usize::from(first)] {
            return None;
        }
        self.find(WordKey::of(word.as_bytes()), word.as_bytes())
            .map(|index| &self.words[index].1)
    }

    /// The index in `words` of `word`, whose key is `key`. Inlined into [`WordTable::get`], which
    /// asks it of every word of every article.
    #[inline(always)]
    fn find(&self, key: WordKey, word: &[u8]) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = key.hash() as usize & mask;
        loop {
            let slot = self.slots[at];
            if slot.index == 0 {
                return None;
            }
            if slot.key == key {
                let index = slot.index as usize - 1;
                if key.len <= WHOLE_KEY_BYTES || self.words[index].0.as_bytes() == word {
                    return Some(index);
                }
            }
            at = (at + 1) & mask;
        }
    }

    /// The facts of `word`, added empty when the table does not have it.
    fn entry(&mut self, word: &str) -> &mut WordFacts {
        let index = match self.find(WordKey::of(word.as_bytes()), word.as_bytes()) {
            Some(index) => index,
            None => {
                if (self.words.len() + 1) * 2 > self.slots.len() {
                    self.grow();
                }
                if let Some(&first) = word.as_bytes().first() {
                    self.first_bytes[usize::from(first)] = true;
                }
                self.words.push((word.into(), WordFacts::default()));
                let index = self.words.len() - 1;
                self.place(index);
                index
            }
        };
        &mut self.words[index].1
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        self.slots.clear();
        self.slots.resize(size, Slot::default());
        for index in 0..self.words.len() {
            self.place(index);
        }
    }

    fn place(&mut self, index: usize) {
        let key = WordKey::of(self.words[index].0.as_bytes());
        let mask = self.slots.len() - 1;
        let mut at = key.hash() as usize & mask;
        while self.slots[at].index != 0 {
            at = (at + 1) & mask;
        }
        // Lexicons hold thousands of words, far from u32::MAX.
        self.slots[at] = Slot {
            key,
            index: u32::try_from(index + 1).unwrap_or(u32::MAX),
        };
    }
}

/// Cues, manner adverbs and titles, keyed by lowercase word forms. Multiword forms are keyed by their
/// whole lowercase text and found by [`AttributionLexicon::cue_at`] from their first word.
#[derive(Debug, Clone)]
pub struct AttributionLexicon {
    cues: HashMap<String, CueEntry>,
    titles: HashMap<String, TitleEntry>,
    /// First words of multiword cues and titles, with the longest form's word count.
    multiword_heads: HashMap<String, usize>,
    /// Every single word that is a cue, a title, a manner adverb, a word of a multiword entry or of
    /// the word lists of [`WordClass`], with what it is: asked of every word of an article.
    words: WordTable,
}

impl Default for AttributionLexicon {
    fn default() -> Self {
        let mut lex = AttributionLexicon {
            cues: HashMap::default(),
            titles: HashMap::default(),
            multiword_heads: HashMap::default(),
            words: WordTable::default(),
        };
        for word in super::speakers::NOT_NAMES {
            lex.mark(word, WordClass::NOT_NAME);
        }
        for word in super::attribution::AUXILIARIES {
            lex.mark(word, WordClass::AUXILIARY);
        }
        for word in super::attribution::SUBORDINATORS {
            lex.mark(word, WordClass::SUBORDINATOR);
        }
        for word in super::speakers::NAME_PARTICLES {
            lex.mark(word, WordClass::NAME_PARTICLE);
        }
        for word in super::speakers::NAME_FUNCTION_WORDS {
            lex.mark(word, WordClass::NAME_FUNCTION_WORD);
        }
        lex
    }
}

const DEFAULT_CUES: &str = include_str!("../../lexicons/cues.tsv");
const DEFAULT_MANNER: &str = include_str!("../../lexicons/manner.tsv");
const DEFAULT_TITLES: &str = include_str!("../../lexicons/titles.tsv");

impl AttributionLexicon {
    /// The lexicons shipped in the binary.
    pub fn embedded() -> Result<Self> {
        let mut lex = AttributionLexicon::default();
        lex.add_cues(DEFAULT_CUES, Path::new("lexicons/cues.tsv"))?;
        lex.add_manner(DEFAULT_MANNER, Path::new("lexicons/manner.tsv"))?;
        lex.add_titles(DEFAULT_TITLES, Path::new("lexicons/titles.tsv"))?;
        Ok(lex)
    }

    /// Adds or overrides cues from a `cue kind framing tone object` table.
    pub fn add_cues(&mut self, source: &str, path: &Path) -> Result<()> {
        for (line, fields) in rows(source, "cue") {
            let bad = |message: String| Error::Lexicon {
                path: path.to_path_buf(),
                line,
                message,
            };
            let [cue, kind, framing, tone, object] = fields[..] else {
                return Err(bad(format!(
                    "expected 5 tab-separated fields, found {}",
                    fields.len()
                )));
            };
            let kind =
                CueKind::parse(kind).ok_or_else(|| bad(format!("unknown cue kind {kind:?}")))?;
            let framing = Framing::parse(framing)
                .ok_or_else(|| bad(format!("unknown framing class {framing:?}")))?;
            let tone: f32 = tone
                .parse()
                .map_err(|_| bad(format!("tone {tone:?} is not a number")))?;
            let form = normalise(cue);
            let words = form.split(' ').count();
            let head = form.split(' ').next().unwrap_or_default();
            let continues = matches!(
                head,
                "added"
                    | "adds"
                    | "adding"
                    | "add"
                    | "continued"
                    | "continues"
                    | "continuing"
                    | "went"
            );
            if words > 1 {
                let longest = self.multiword_heads.entry(head.to_string()).or_insert(0);
                *longest = (*longest).max(words);
                self.mark(head, WordClass::CUE_HEAD);
                let second = form.split(' ').nth(1).unwrap_or_default();
                self.mark(second, WordClass::CUE_SECOND);
            } else {
                self.mark(&form, WordClass::CUE);
            }
            let entry = CueEntry {
                kind,
                framing,
                tone: tone.clamp(-1.0, 1.0),
                takes_addressee: object == "addressee",
                words,
                continues,
            };
            if words == 1 {
                self.words.entry(&form).cue = Some(entry);
            }
            self.cues.insert(form, entry);
        }
        Ok(())
    }

    /// Adds or overrides manner adverbs from an `adverb tone` table.
    pub fn add_manner(&mut self, source: &str, path: &Path) -> Result<()> {
        for (line, fields) in rows(source, "adverb") {
            let [adverb, tone, ..] = fields[..] else {
                return Err(Error::Lexicon {
                    path: path.to_path_buf(),
                    line,
                    message: "expected adverb<TAB>tone".into(),
                });
            };
            let tone: f32 = tone.parse().map_err(|_| Error::Lexicon {
                path: path.to_path_buf(),
                line,
                message: format!("tone {tone:?} is not a number"),
            })?;
            self.words.entry(&normalise(adverb)).manner = Some(tone.clamp(-1.0, 1.0));
        }
        Ok(())
    }

    /// Adds or overrides titles from a `title class gender` table.
    pub fn add_titles(&mut self, source: &str, path: &Path) -> Result<()> {
        for (line, fields) in rows(source, "title") {
            let bad = |message: String| Error::Lexicon {
                path: path.to_path_buf(),
                line,
                message,
            };
            let (title, class, gender) = match fields[..] {
                [t, c] => (t, c, "-"),
                [t, c, g, ..] => (t, c, g),
                _ => return Err(bad("expected title<TAB>class<TAB>gender".into())),
            };
            let class = match class {
                "honorific" => TitleClass::Honorific,
                "title" => TitleClass::Title,
                "role" => TitleClass::Role,
                "organisation" | "organization" => TitleClass::Organisation,
                "group" => TitleClass::Group,
                "anonymous" => TitleClass::Anonymous,
                other => return Err(bad(format!("unknown title class {other:?}"))),
            };
            let gender = match gender {
                "m" => Some(Gender::Male),
                "f" => Some(Gender::Female),
                _ => None,
            };
            let form = normalise(title);
            let words = form.split(' ').count();
            if words > 1 {
                let head = form.split(' ').next().unwrap_or_default().to_string();
                self.mark(&head, WordClass::TITLE_HEAD);
                let second = form.split(' ').nth(1).unwrap_or_default();
                self.mark(second, WordClass::TITLE_SECOND);
                let longest = self.multiword_heads.entry(head).or_insert(0);
                *longest = (*longest).max(words);
            } else {
                self.mark(&form, WordClass::TITLE);
            }
            let entry = TitleEntry {
                class,
                gender,
                words,
            };
            if words == 1 {
                self.words.entry(&form).title = Some(entry);
            }
            self.titles.insert(form, entry);
        }
        Ok(())
    }

    fn mark(&mut self, word: &str, flag: u16) {
        self.words.entry(word).class.0 |= flag;
    }

    /// Everything the lexicons say of this lowercase word, when they say anything.
    #[inline]
    pub fn facts(&self, word: &str) -> Option<&WordFacts> {
        self.words.get(word)
    }

    /// What this lowercase word is or begins.
    pub fn class_of(&self, word: &str) -> WordClass {
        self.facts(word).map(|f| f.class).unwrap_or_default()
    }

    /// Whether some cue or title starts with this lowercase word: lets callers skip the words that
    /// begin nothing.
    pub fn starts_entry(&self, word: &str) -> bool {
        self.class_of(word).starts_entry()
    }

    /// Whether some title, role or organisation phrase starts with this lowercase word. Exact for
    /// one-word entries, and a superset for multiword ones (it counts the heads of multiword cues).
    pub fn may_start_title(&self, word: &str) -> bool {
        self.class_of(word).may_start_title()
    }

    /// Whether a capitalised word is one of the sentence openers and function words that are never
    /// names ("The", "But", "According").
    pub fn is_not_name(&self, lowercase_word: &str) -> bool {
        self.class_of(lowercase_word).is_not_name()
    }

    /// The longest cue that starts with `words[0]`, given the lowercase words from there on.
    pub fn cue_at(&self, words: &[&str]) -> Option<CueEntry> {
        self.longest(words, |key| self.cues.get(key).copied())
    }

    /// The longest title, role or organisation phrase that starts with `words[0]`.
    pub fn title_at(&self, words: &[&str]) -> Option<TitleEntry> {
        self.longest(words, |key| self.titles.get(key).copied())
    }

    /// The one-word cue `word`: [`AttributionLexicon::cue_at`] for a word that starts no longer cue.
    pub fn cue(&self, word: &str) -> Option<CueEntry> {
        self.facts(word).and_then(|f| f.cue)
    }

    /// The one-word title `word`: [`AttributionLexicon::title_at`] for a word that starts no longer
    /// title.
    pub fn title(&self, word: &str) -> Option<TitleEntry> {
        self.facts(word).and_then(|f| f.title)
    }

    pub fn manner_tone(&self, word: &str) -> Option<f32> {
        self.facts(word).and_then(|f| f.manner)
    }

    fn longest<T>(&self, words: &[&str], get: impl Fn(&str) -> Option<T>) -> Option<T> {
        let first = *words.first()?;
        let max = self
            .multiword_heads
            .get(first)
            .copied()
            .unwrap_or(1)
            .min(words.len());
        if max > 1 {
            // The key of `n` words is the first `ends[n - 1]` bytes of the key of `max` words, built
            // once on the stack: a look-up here runs for many words of every article.
            let mut buffer = [0u8; 128];
            let mut ends = [0usize; 6];
            let mut len = 0;
            let mut built = 0;
            for (i, w) in words[..max.min(ends.len())].iter().enumerate() {
                let space = usize::from(i > 0);
                if len + space + w.len() > buffer.len() {
                    break;
                }
                if i > 0 {
                    buffer[len] = b' ';
                }
                buffer[len + space..len + space + w.len()].copy_from_slice(w.as_bytes());
                len += space + w.len();
                ends[i] = len;
                built = i + 1;
            }
            if built == max {
                // Whole words and ASCII spaces: always UTF-8.
                if let Ok(key) = std::str::from_utf8(&buffer[..len]) {
                    for n in (2..=max).rev() {
                        if let Some(found) = get(&key[..ends[n - 1]]) {
                            return Some(found);
                        }
                    }
                    return get(first);
                }
            }
            let mut key = String::with_capacity(32);
            for n in (2..=max).rev() {
                key.clear();
                for (i, w) in words[..n].iter().enumerate() {
                    if i > 0 {
                        key.push(' ');
                    }
                    key.push_str(w);
                }
                if let Some(found) = get(&key) {
                    return Some(found);
                }
            }
        }
        get(first)
    }
}

/// Lowercase, with typographic apostrophes made plain, single spaces.
fn normalise(term: &str) -> String {
    // Almost every row is written in that form already: lowercase ASCII words, one space apart.
    let plain_word = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
    };
    if term.split(' ').all(plain_word) {
        return term.to_string();
    }
    term.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('\u{2019}', "'")
}

/// The data rows of a lexicon table: comments and blank lines skipped, the header row (whose first field
/// is `header`) skipped, fields split on tabs. Yields 1-based line numbers for errors.
fn rows<'s>(source: &'s str, header: &'s str) -> impl Iterator<Item = (usize, Vec<&'s str>)> + 's {
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            (
                i + 1,
                l.trim_end_matches('\r')
                    .split('\t')
                    .map(str::trim)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(move |(_, f)| f.first() != Some(&header))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_found_longest_first() {
        let mut lex = AttributionLexicon::default();
        lex.add_cues(
            "cue\tkind\tframing\ttone\tobject\nhit\tverb\tconflict\t-0.5\t-\nhit out at\tphrase\tconflict\t-0.7\t-\ntold\tverb\tneutral\t0\taddressee\n",
            Path::new("test.tsv"),
        )
        .unwrap();
        let cue = lex.cue_at(&["hit", "out", "at", "critics"]).unwrap();
        assert_eq!((cue.kind, cue.words), (CueKind::Phrase, 3));
        assert_eq!(lex.cue_at(&["hit", "back"]).unwrap().words, 1);
        assert!(lex.cue_at(&["told"]).unwrap().takes_addressee);
    }

    #[test]
    fn a_word_class_says_what_a_word_can_begin() {
        let mut lex = AttributionLexicon::default();
        lex.add_cues(
            "cue\tkind\tframing\ttone\tobject\nsaid\tverb\tneutral\t0\t-\nhit out at\tphrase\tconflict\t-0.7\t-\n",
            Path::new("cues.tsv"),
        )
        .unwrap();
        lex.add_titles(
            "title\tclass\tgender\nprime minister\ttitle\t-\nminister\trole\t-\n",
            Path::new("titles.tsv"),
        )
        .unwrap();
        let said = lex.class_of("said");
        assert!(said.is_cue() && said.starts_entry() && !said.starts_multiword_cue());
        let hit = lex.class_of("hit");
        assert!(hit.starts_multiword_cue() && !hit.is_cue() && hit.may_start_title());
        assert!(lex.class_of("out").is_second_of_cue());
        let prime = lex.class_of("prime");
        assert!(prime.starts_multiword_title() && prime.may_start_title());
        let minister = lex.class_of("minister");
        assert!(minister.is_second_of_title() && minister.may_start_title());
        assert!(lex.class_of("the").is_not_name());
        assert_eq!(lex.class_of("table"), WordClass::default());
        assert_eq!(lex.class_of("2024"), WordClass::default());
        assert!(lex.starts_entry("said") && !lex.starts_entry("table"));
    }

    #[test]
    fn the_word_table_tells_words_of_every_length_apart() {
        let mut table = WordTable::default();
        // Words of one to twenty bytes, and long words that share their first and last eight.
        let words = [
            "a",
            "an",
            "the",
            "said",
            "added",
            "warned",
            "stressed",
            "insisted",
            "announced",
            "spokesman",
            "spokeswoman",
            "acknowledged",
            "congressional",
            "representatives",
            "internationalist",
            "internationalists",
            "counterinsurgency",
            "counterinsurgencies",
            "abcdefgh-middle-one-stuvwxyz",
            "abcdefgh-middle-two-stuvwxyz",
        ];
        for (n, word) in words.iter().enumerate() {
            table.entry(word).class.0 = n as u16 + 1;
        }
        for (n, word) in words.iter().enumerate() {
            assert_eq!(
                table.get(word).map(|f| f.class.0),
                Some(n as u16 + 1),
                "{word}"
            );
        }
        for missing in [
            "",
            "b",
            "as",
            "then",
            "saiD",
            "spokesmen",
            "abcdefgh-middle-six-stuvwxyz",
        ] {
            assert!(table.get(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn word_facts_hold_one_word_cues_titles_and_manner() {
        let lex = AttributionLexicon::embedded().unwrap();
        let said = lex.facts("said").unwrap();
        assert_eq!(said.cue, lex.cue_at(&["said"]));
        assert!(said.class.is_cue());
        assert_eq!(
            lex.facts("minister").unwrap().title,
            lex.title_at(&["minister"])
        );
        assert!(lex.manner_tone("bluntly").is_some());
        assert!(lex.class_of("has").is_auxiliary() && !lex.class_of("said").is_auxiliary());
        assert!(lex.class_of("although").is_subordinator());
        assert!(lex.facts("table").is_none());
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let mut lex = AttributionLexicon::default();
        let err = lex
            .add_cues(
                "# comment\nsaid\tverb\tcheerful\t0\t-\n",
                Path::new("my.tsv"),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "my.tsv:2: unknown framing class \"cheerful\""
        );
    }

    #[test]
    fn the_embedded_lexicons_load() {
        let lex = AttributionLexicon::embedded().unwrap();
        assert!(lex.cue_at(&["said"]).is_some());
        assert!(lex.cue_at(&["added"]).unwrap().continues);
        assert_eq!(lex.title_at(&["mr"]).unwrap().class, TitleClass::Honorific);
    }
}
