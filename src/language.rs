//! Telling English text from other languages, cheaply: tenor's lexicons and cues are English, and
//! scores of other languages' words would be noise presented as measurement.
//!
//! One pass over (at most the first [`SAMPLE_BYTES`] of) the text, stopping early once it reads as
//! plain English. When most letters are of a
//! non-Latin script, the script names the language where it can (Greek, Hebrew, Korean, ...). Latin
//! text is judged by the share of its words that are among the most frequent function words of
//! English and of a few other languages written in Latin letters: English text has a third or more of
//! its words among them, other languages only a few percent (shared words such as "in" are left out of
//! the other lists). A text too short to tell is taken for English, so that headlines and one-line
//! texts are still scored; so is a short Latin text that has few function words of any list. What to do about a language is left to [`crate::pipeline`].

use rustc_hash::FxHashMap as HashMap;

/// The language of a text, as far as it can be told cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    /// Another language: its ISO 639-1 code when the text makes it plain, else `None`.
    Other(Option<&'static str>),
}

impl Language {
    /// `en`, another ISO 639-1 code, or `other`: the `language` column of articles.csv.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Other(Some(code)) => code,
            Language::Other(None) => "other",
        }
    }

    pub fn is_english(self) -> bool {
        self == Language::English
    }

    /// The language a [`Language::code`] stands for; `None` for a code this module never gives.
    pub fn from_code(code: &str) -> Option<Language> {
        match code {
            "en" => Some(Language::English),
            "other" => Some(Language::Other(None)),
            _ => KNOWN_CODES
                .iter()
                .find(|&&known| known == code)
                .map(|&known| Language::Other(Some(known))),
        }
    }
}

/// Every ISO 639-1 code [`detect`] gives besides `en`.
const KNOWN_CODES: &[&str] = &[
    "de", "el", "es", "fr", "he", "hy", "it", "ja", "ka", "ko", "nl", "pt", "ru", "sr", "th", "uk",
    "zh",
];

/// Most bytes of a text read to tell its language: enough words, and a bounded cost per article.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// Fewest words for the function-word shares to mean anything.
const MIN_WORDS: usize = 8;

/// Fewest words of a Latin text with hardly any function word of the lists for it to be called
/// another language that the lists do not cover (Polish, Turkish, ...).
const MIN_WORDS_FOR_OTHER: usize = 40;

/// Share of a text's words that must be function words of a language for it to be that language.
const MIN_SHARE: f64 = 0.08;

/// The ~150 most frequent function words of English news text, sorted for binary search.
const ENGLISH: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "around",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "least",
    "less",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "neither",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
];

/// Frequent function words of other languages in Latin script, none of them also an English one;
/// each list sorted.
const OTHERS: &[(&str, &[&str])] = &[
    (
        "de",
        &[
            "auch", "auf", "aus", "bei", "das", "dass", "dem", "den", "der", "des", "die", "durch",
            "ein", "eine", "einem", "einen", "einer", "es", "ich", "ist", "mit", "nach", "nicht",
            "noch", "oder", "sich", "sie", "sind", "um", "und", "von", "vor", "werden", "wie",
            "wir", "wird", "zu", "zum", "zur",
        ],
    ),
    (
        "es",
        &[
            "al", "como", "con", "de", "del", "el", "ella", "en", "entre", "es", "esta", "este",
            "fue", "ha", "la", "las", "lo", "los", "para", "pero", "por", "que", "se", "sin",
            "sobre", "su", "sus", "también", "un", "una", "y",
        ],
    ),
    (
        "fr",
        &[
            "au", "aux", "avec", "ce", "cette", "dans", "de", "des", "du", "elle", "en", "est",
            "et", "il", "ils", "la", "le", "les", "leur", "mais", "ne", "nous", "ont", "par",
            "pas", "plus", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont", "sur",
            "un", "une",
        ],
    ),
    (
        "it",
        &[
            "al", "alla", "anche", "che", "con", "da", "dal", "degli", "dei", "del", "della", "di",
            "e", "gli", "il", "la", "le", "lo", "ma", "nel", "nella", "non", "per", "più", "si",
            "sono", "su", "sua", "suo", "tra", "un", "una", "è",
        ],
    ),
    (
        "nl",
        &[
            "aan", "als", "bij", "dat", "de", "die", "een", "en", "er", "het", "hij", "ik", "maar",
            "met", "naar", "niet", "ook", "op", "te", "tot", "van", "voor", "werd", "wordt", "ze",
            "zich", "zijn",
        ],
    ),
    (
        "pt",
        &[
            "ao", "com", "como", "da", "das", "de", "dos", "e", "ela", "ele", "em", "entre", "foi",
            "mais", "mas", "na", "nas", "nos", "não", "o", "os", "para", "pela", "pelo", "por",
            "que", "se", "seu", "sua", "um", "uma",
        ],
    ),
];

/// The function-word lists merged into one sorted table, built once (an engine keeps one): each word
/// with the set of languages whose list holds it, so that a word costs one binary search.
#[derive(Debug, Clone)]
pub struct LanguageDetector {
    /// Each function word with the lists it is on: bit 0 of the set is English; bit `i + 1` is
    /// `OTHERS[i]`. Hashed: every short word of a text's opening is looked up. Keyed by
    /// [`word_key`].
    words: HashMap<u128, u8>,
}

/// Longest function word of the lists, in bytes: a longer word is none of them.
const MAX_WORD_BYTES: usize = 12;

/// A word of at most [`MAX_WORD_BYTES`] as one number: its bytes with ASCII letters lowercased,
/// zero-padded (no letter is a zero byte).
fn word_key(word: &[u8]) -> u128 {
    let mut key = [0u8; 16];
    key[..word.len()].copy_from_slice(word);
    key.make_ascii_lowercase();
    u128::from_le_bytes(key)
}

/// Whether each byte is an ASCII letter.
const ASCII_LETTER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphabetic();
        b += 1;
    }
    table
};

/// [`word_key`] of `bytes[start..end]`, a word of at most [`MAX_WORD_BYTES`] ASCII letters: sixteen
/// bytes read at once where the text has them (a copy of a fixed size, not a call), the letters
/// lowercased by setting their 0x20 bit and the bytes after the word masked off.
fn ascii_word_key(bytes: &[u8], start: usize, end: usize) -> u128 {
    let len = end - start;
    match bytes
        .get(start..start + 16)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
    {
        Some(window) if (1..=MAX_WORD_BYTES).contains(&len) => {
            const LOWER: u128 = u128::from_le_bytes([0x20; 16]);
            let within = u128::MAX >> (8 * (16 - len));
            (u128::from_le_bytes(window) | LOWER) & within
        }
        _ => word_key(&bytes[start..end]),
    }
}

impl Default for LanguageDetector {
    fn default() -> Self {
        LanguageDetector::new()
    }
}

impl LanguageDetector {
    pub fn new() -> Self {
        let mut words: HashMap<u128, u8> = HashMap::default();
        let lists = std::iter::once(ENGLISH).chain(OTHERS.iter().map(|(_, list)| *list));
        for (bit, list) in lists.enumerate() {
            for &word in list {
                *words.entry(word_key(word.as_bytes())).or_default() |= 1 << bit;
            }
        }
        LanguageDetector { words }
    }

    /// The language of `text`. See the module documentation.
    pub fn detect(&self, text: &str) -> Language {
        let mut end = text.len().min(SAMPLE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let sample = &text[..end];
        let bytes = sample.as_bytes();
        let (mut latin_letters, mut other_letters) = (0usize, 0usize);
        let mut words = 0usize;
        // Index 0 counts English words; `i + 1` the words of `OTHERS[i]`.
        let mut counts = [0usize; OTHERS.len() + 1];
        // Words are the runs of alphabetic characters; ASCII bytes are told by a table, without
        // decoding.
        let mut at = 0;
        loop {
            // Up to the next letter.
            while let Some(&b) = bytes.get(at) {
                if ASCII_LETTER[usize::from(b)] {
                    break;
                }
                if b.is_ascii() {
                    at += 1;
                    continue;
                }
                let c = char_at(sample, at);
                if c.is_alphabetic() {
                    break;
                }
                at += c.len_utf8();
            }
            if at >= bytes.len() {
                break;
            }
            let start = at;
            let mut ascii = true;
            loop {
                // Most words are ASCII letters throughout.
                while bytes.get(at).is_some_and(|&b| ASCII_LETTER[usize::from(b)]) {
                    at += 1;
                }
                match bytes.get(at) {
                    Some(&b) if !b.is_ascii() => {
                        let c = char_at(sample, at);
                        if !c.is_alphabetic() {
                            break;
                        }
                        ascii = false;
                        at += c.len_utf8();
                    }
                    _ => break,
                }
            }
            let word = &sample[start..at];
            if ascii {
                latin_letters += word.len();
            } else {
                for c in word.chars() {
                    if script_of(c) == Script::Latin {
                        latin_letters += 1;
                    } else {
                        other_letters += 1;
                    }
                }
            }
            words += 1;
            let key = match word.len() {
                len if len > MAX_WORD_BYTES => None,
                _ if ascii => Some(ascii_word_key(bytes, start, at)),
                _ => Some(word_key(word.as_bytes())),
            };
            if let Some(&set) = key.and_then(|key| self.words.get(&key)) {
                let mut rest = set;
                while rest != 0 {
                    counts[rest.trailing_zeros() as usize] += 1;
                    rest &= rest - 1;
                }
            }
            if shows_english(words, latin_letters, other_letters, &counts) {
                return Language::English;
            }
        }
        self.decide(sample, latin_letters, other_letters, words, &counts)
    }

    /// The language of a sample read to its end (or to [`SAMPLE_BYTES`]) without showing plain
    /// English on the way, from what was counted.
    fn decide(
        &self,
        sample: &str,
        latin_letters: usize,
        other_letters: usize,
        words: usize,
        counts: &[usize; OTHERS.len() + 1],
    ) -> Language {
        if other_letters > latin_letters {
            return Language::Other(by_script(sample));
        }
        if words < MIN_WORDS {
            return Language::English;
        }
        let share = |count: usize| count as f64 / words as f64;
        let (best, best_count) = counts[1..]
            .iter()
            .enumerate()
            .max_by_key(|&(i, &count)| (count, std::cmp::Reverse(i)))
            .map_or((None, 0), |(i, &count)| (Some(OTHERS[i].0), count));
        if share(counts[0]) >= MIN_SHARE && counts[0] >= best_count {
            Language::English
        } else if share(best_count) >= MIN_SHARE {
            Language::Other(best)
        } else if words < MIN_WORDS_FOR_OTHER {
            // Few function words of any list in a short Latin text (a headline, a list of names) is
            // no evidence against English.
            Language::English
        } else {
            Language::Other(None)
        }
    }
}

/// The language of `text`, with a detector made for the call; to detect many texts, keep one
/// [`LanguageDetector`].
///
/// ```
/// use tenor::language::{detect, Language};
///
/// assert_eq!(detect("The talks collapsed on Friday, and the minister said that there was no deal."),
///            Language::English);
/// assert_eq!(detect("Les négociations ont échoué vendredi et le ministre a dit qu'il n'y avait pas d'accord."),
///            Language::Other(Some("fr")));
/// assert_eq!(detect("Переговоры сорвались в пятницу, и министр сказал, что сделки нет."),
///            Language::Other(Some("ru")));
/// ```
pub fn detect(text: &str) -> Language {
    LanguageDetector::new().detect(text)
}

/// Whether the counts so far show plain English, which shows within a few dozen words, so that the
/// sample need not be read on: checked every 64 words.
fn shows_english(
    words: usize,
    latin_letters: usize,
    other_letters: usize,
    counts: &[usize; OTHERS.len() + 1],
) -> bool {
    words.is_multiple_of(64)
        && latin_letters > other_letters
        && counts[0] * 4 >= words
        && counts[1..].iter().all(|&c| c <= counts[0])
}

/// The char that starts at byte `at`, a char boundary inside `text`.
fn char_at(text: &str, at: usize) -> char {
    text[at..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Scripts whose letters tell a language, or that are at least not English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Thai,
    Georgian,
    Hangul,
    Kana,
    Han,
    OtherLetters,
}

const SCRIPTS: usize = 13;

fn script_of(c: char) -> Script {
    match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => Script::Latin,
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Script::Greek,
        '\u{0400}'..='\u{052F}' => Script::Cyrillic,
        '\u{0530}'..='\u{058F}' => Script::Armenian,
        '\u{0590}'..='\u{05FF}' => Script::Hebrew,
        '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => Script::Arabic,
        '\u{0900}'..='\u{097F}' => Script::Devanagari,
        '\u{0E00}'..='\u{0E7F}' => Script::Thai,
        '\u{10A0}'..='\u{10FF}' => Script::Georgian,
        '\u{1100}'..='\u{11FF}' | '\u{AC00}'..='\u{D7AF}' => Script::Hangul,
        '\u{3040}'..='\u{30FF}' => Script::Kana,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => Script::Han,
        _ => Script::OtherLetters,
    }
}

/// The language a sample mostly written in a non-Latin script is in, when its letters tell.
fn by_script(sample: &str) -> Option<&'static str> {
    let mut letters = [0usize; SCRIPTS];
    // Letters found only in some languages written in Cyrillic.
    let (mut ukrainian, mut serbian, mut russian) = (0usize, 0usize, 0usize);
    for c in sample.chars().filter(|c| c.is_alphabetic()) {
        let script = script_of(c);
        letters[script as usize] += 1;
        if script == Script::Cyrillic {
            match c {
                'ї' | 'є' | 'ґ' | 'і' | 'Ї' | 'Є' | 'Ґ' | 'І' => ukrainian += 1,
                'ђ' | 'ћ' | 'џ' | 'љ' | 'њ' | 'ј' | 'Ђ' | 'Ћ' | 'Џ' | 'Љ' | 'Њ' | 'Ј' => {
                    serbian += 1
                }
                'ы' | 'э' | 'ё' | 'Ы' | 'Э' | 'Ё' => russian += 1,
                _ => {}
            }
        }
    }
    let total: usize = letters.iter().sum();
    let count = |s: Script| letters[s as usize];
    if count(Script::Kana) > 0 && count(Script::Kana) + count(Script::Han) > total / 2 {
        return Some("ja");
    }
    let dominant = [
        Script::Cyrillic,
        Script::Greek,
        Script::Armenian,
        Script::Hebrew,
        Script::Arabic,
        Script::Devanagari,
        Script::Thai,
        Script::Georgian,
        Script::Hangul,
        Script::Han,
        Script::OtherLetters,
    ]
    .into_iter()
    .max_by_key(|&s| count(s))?;
    match dominant {
        Script::Cyrillic if ukrainian > serbian && ukrainian > russian => Some("uk"),
        Script::Cyrillic if serbian > russian => Some("sr"),
        Script::Cyrillic if russian > 0 => Some("ru"),
        Script::Greek => Some("el"),
        Script::Armenian => Some("hy"),
        Script::Hebrew => Some("he"),
        Script::Thai => Some("th"),
        Script::Georgian => Some("ka"),
        Script::Hangul => Some("ko"),
        Script::Han => Some("zh"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_the_languages_they_name() {
        let mut codes: Vec<&str> = OTHERS.iter().map(|(code, _)| *code).collect();
        codes.extend([
            "en", "other", "ru", "uk", "sr", "el", "hy", "he", "th", "ka", "ko", "zh", "ja",
        ]);
        for code in codes {
            let language = Language::from_code(code).unwrap();
            assert_eq!(language.code(), code);
        }
        assert_eq!(Language::from_code("xx"), None);
    }

    /// The detector as first written, splitting with `char::is_alphabetic` and looking words up
    /// by their text: the byte scanner must decide every text alike.
    fn reference_detect(detector: &LanguageDetector, text: &str) -> Language {
        let mut end = text.len().min(SAMPLE_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let sample = &text[..end];
        let (mut latin_letters, mut other_letters, mut words) = (0, 0, 0usize);
        let mut counts = [0usize; OTHERS.len() + 1];
        for word in sample.split(|c: char| !c.is_alphabetic()) {
            if word.is_empty() {
                continue;
            }
            for c in word.chars() {
                if script_of(c) == Script::Latin {
                    latin_letters += 1;
                } else {
                    other_letters += 1;
                }
            }
            words += 1;
            let folded = word.to_ascii_lowercase();
            let lists = std::iter::once(ENGLISH).chain(OTHERS.iter().map(|(_, list)| *list));
            for (i, list) in lists.enumerate() {
                if list.contains(&folded.as_str()) {
                    counts[i] += 1;
                }
            }
            if shows_english(words, latin_letters, other_letters, &counts) {
                return Language::English;
            }
        }
        // The rest of the decision reads only these counts: the detector's own code decides.
        detector.decide(sample, latin_letters, other_letters, words, &counts)
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scanner_decides_as_the_char_splitter(
            text in "(the |der |und |le |que |il |de |Das |THE |é|ß|ü|Д|на |ö|\u{3042}|\u{0301}|1|,|\\.| |x|a|\u{00A0}|\u{2019}){0,120}"
        ) {
            let detector = LanguageDetector::new();
            proptest::prop_assert_eq!(detector.detect(&text), reference_detect(&detector, &text));
        }
    }

    #[test]
    fn ascii_words_are_keyed_as_any_other() {
        let text = "The EU and NATO said: Einigung auf ab a Themselves; x";
        let bytes = text.as_bytes();
        let mut at = 0;
        for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
            let start = text[at..].find(word).unwrap() + at;
            at = start + word.len();
            if !word.is_empty() && word.len() <= MAX_WORD_BYTES {
                assert_eq!(
                    ascii_word_key(bytes, start, at),
                    word_key(word.as_bytes()),
                    "{word}"
                );
            }
        }
    }

    #[test]
    fn function_words_fit_a_word_key() {
        let lists = std::iter::once(ENGLISH).chain(OTHERS.iter().map(|(_, list)| *list));
        for list in lists {
            assert!(list.iter().all(|w| w.len() <= MAX_WORD_BYTES));
        }
    }

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        assert!(ENGLISH.windows(2).all(|w| w[0] < w[1]));
        for (code, list) in OTHERS {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{code}");
            assert!(list.iter().all(|w| !ENGLISH.contains(w)), "{code}");
        }
    }

    #[test]
    fn news_english_is_english_even_in_headline_style() {
        for text in [
            "Government defends new border reception centre as arrivals rise.\n\nThe interior minister \
             said on Tuesday that the centre would open in May.",
            "TALKS COLLAPSE AS UNION REJECTS PAY OFFER FROM HOSPITAL BOSSES",
            "Talks resumed.",
        ] {
            assert_eq!(detect(text), Language::English, "{text}");
        }
    }

    #[test]
    fn other_latin_languages_are_told_apart() {
        let cases = [
            (
                "Die Gespräche sind am Freitag gescheitert, und der Minister sagte, dass es keine Einigung gibt.",
                "de",
            ),
            (
                "Las conversaciones fracasaron el viernes y el ministro dijo que no hay acuerdo por ahora.",
                "es",
            ),
            (
                "I colloqui sono falliti venerdì e il ministro ha detto che non c'è un accordo per ora.",
                "it",
            ),
            (
                "De gesprekken zijn vrijdag mislukt en de minister zei dat er geen akkoord is met hen.",
                "nl",
            ),
            (
                "As conversas fracassaram na sexta e o ministro disse que não há acordo com eles.",
                "pt",
            ),
        ];
        for (text, code) in cases {
            assert_eq!(detect(text), Language::Other(Some(code)), "{text}");
        }
    }

    #[test]
    fn short_latin_text_without_function_words_is_english_long_text_is_other() {
        let headline = "Talks progress, progress, progress: Kerry hails breakthrough deal";
        assert_eq!(detect(headline), Language::English);
        let polish = "Rozmowy zakończyły się w piątek fiaskiem, powiedział minister, dodając, że \
                      porozumienia nie będzie przed wyborami, które odbędą się jesienią. Rząd \
                      zapowiedział kolejne spotkanie delegacji w przyszłym miesiącu w Warszawie, \
                      ale opozycja uważa, że negocjacje są skazane na porażkę i domaga się \
                      natychmiastowej dymisji całego gabinetu oraz nowych wyborów parlamentarnych.";
        assert_eq!(detect(polish), Language::Other(None));
    }

    #[test]
    fn scripts_name_their_languages() {
        assert_eq!(
            detect("Οι συνομιλίες κατέρρευσαν την Παρασκευή."),
            Language::Other(Some("el"))
        );
        assert_eq!(
            detect("Переговори зірвалися в п'ятницю, заявив міністр."),
            Language::Other(Some("uk"))
        );
        assert_eq!(
            detect("会谈周五破裂，部长说没有协议。"),
            Language::Other(Some("zh"))
        );
        assert_eq!(
            detect("会談は金曜日に決裂したと大臣は述べた。"),
            Language::Other(Some("ja"))
        );
        assert_eq!(
            detect("회담은 금요일에 결렬되었다고 장관이 말했다."),
            Language::Other(Some("ko"))
        );
    }

    #[test]
    fn long_texts_are_told_from_their_first_words_as_well_as_short_ones() {
        let detector = LanguageDetector::new();
        let english =
            "The minister said that the talks would go on until there was a deal. ".repeat(200);
        let german =
            "Der Minister sagte, dass die Gespräche weitergehen, bis es eine Einigung gibt. "
                .repeat(200);
        assert_eq!(detector.detect(&english), Language::English);
        assert_eq!(detector.detect(&german), Language::Other(Some("de")));
    }

    #[test]
    fn an_english_article_quoting_another_script_is_english() {
        let text = "The minister said “Мы готовы” meant they were ready, and that the talks would go on \
                    through the night until there was a deal.";
        assert_eq!(detect(text), Language::English);
    }
}
