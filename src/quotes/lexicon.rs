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
pub struct WordClass(u8);

impl WordClass {
    const CUE: u8 = 1;
    const TITLE: u8 = 1 << 1;
    const CUE_HEAD: u8 = 1 << 2;
    const TITLE_HEAD: u8 = 1 << 3;
    const CUE_SECOND: u8 = 1 << 4;
    const TITLE_SECOND: u8 = 1 << 5;
    const NOT_NAME: u8 = 1 << 6;

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
}

/// Cues, manner adverbs and titles, keyed by lowercase word forms. Multiword forms are keyed by their
/// whole lowercase text and found by [`AttributionLexicon::cue_at`] from their first word.
#[derive(Debug, Clone)]
pub struct AttributionLexicon {
    cues: HashMap<String, CueEntry>,
    manner: HashMap<String, f32>,
    titles: HashMap<String, TitleEntry>,
    /// First words of multiword cues and titles, with the longest form's word count.
    multiword_heads: HashMap<String, usize>,
    /// Every single word that is a cue, a title, the head of a multiword entry or one of
    /// [`super::speakers::NOT_NAMES`], with what it is: asked of most words of an article.
    classes: HashMap<String, WordClass>,
    /// Which bytes start some word of `classes`: most punctuation and digits need no look-up.
    class_first_bytes: [bool; 256],
}

impl Default for AttributionLexicon {
    fn default() -> Self {
        let mut lex = AttributionLexicon {
            cues: HashMap::default(),
            manner: HashMap::default(),
            titles: HashMap::default(),
            multiword_heads: HashMap::default(),
            classes: HashMap::default(),
            class_first_bytes: [false; 256],
        };
        for word in super::speakers::NOT_NAMES {
            lex.mark(word, WordClass::NOT_NAME);
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
            self.cues.insert(
                form,
                CueEntry {
                    kind,
                    framing,
                    tone: tone.clamp(-1.0, 1.0),
                    takes_addressee: object == "addressee",
                    words,
                    continues,
                },
            );
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
            self.manner.insert(normalise(adverb), tone.clamp(-1.0, 1.0));
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
            self.titles.insert(
                form,
                TitleEntry {
                    class,
                    gender,
                    words,
                },
            );
        }
        Ok(())
    }

    fn mark(&mut self, word: &str, flag: u8) {
        if let Some(&first) = word.as_bytes().first() {
            self.class_first_bytes[usize::from(first)] = true;
        }
        self.classes.entry(word.to_string()).or_default().0 |= flag;
    }

    /// What this lowercase word is or begins: one look-up, none for a word whose first byte starts no
    /// entry (punctuation, digits).
    pub fn class_of(&self, word: &str) -> WordClass {
        match word.as_bytes().first() {
            Some(&first) if !self.class_first_bytes[usize::from(first)] => WordClass::default(),
            _ => self.classes.get(word).copied().unwrap_or_default(),
        }
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
        self.cues.get(word).copied()
    }

    /// The one-word title `word`: [`AttributionLexicon::title_at`] for a word that starts no longer
    /// title.
    pub fn title(&self, word: &str) -> Option<TitleEntry> {
        self.titles.get(word).copied()
    }

    pub fn manner_tone(&self, word: &str) -> Option<f32> {
        self.manner.get(word).copied()
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
