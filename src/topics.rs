//! Topics: which subjects a quote mentions, from a topic lexicon (lexicons/topics.toml or a user file).
//!
//! Terms and phrases are matched case-insensitively on word boundaries by an automaton built at start-up.
//! When a quote names no topic, the caller falls back to its context and records that with
//! [`TopicSource`].

/// Where a quote's topics came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicSource {
    /// The quote's own words name the topic.
    Quote,
    /// The quote names none; its sentence and paragraph context do.
    Context,
    /// Neither does.
    None,
}

impl TopicSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TopicSource::Quote => "quote",
            TopicSource::Context => "context",
            TopicSource::None => "",
        }
    }
}

/// Index of a topic in its [`TopicLexicon`].
pub type TopicId = u16;

use std::path::Path;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::error::{Error, Result};

const DEFAULT_TOPICS: &str = include_str!("../lexicons/topics.toml");

/// Bytes searched with the quick-to-build automaton before the quick-to-search one is built: about where
/// the build (some 40 million instructions for the default topics) costs what the slower searches
/// would have.
const DFA_AFTER_BYTES: usize = 1 << 20;

/// Topics and their terms, compiled into one case-insensitive automaton.
///
/// Two automata find the same matches: a contiguous NFA, built at start-up several times faster than
/// a DFA, and the DFA, which searches about twice as fast and is built once `DFA_AFTER_BYTES` of text
/// have been searched. A run over a handful of articles never pays for the DFA; a corpus soon does.
#[derive(Debug)]
pub struct TopicLexicon {
    names: Vec<String>,
    labels: Vec<String>,
    patterns: Vec<String>,
    nfa: AhoCorasick,
    dfa: OnceLock<AhoCorasick>,
    /// Bytes searched so far with `nfa`, until `dfa` is built.
    searched: AtomicUsize,
    /// The topic of each automaton pattern.
    pattern_topic: Vec<TopicId>,
}

impl Clone for TopicLexicon {
    fn clone(&self) -> Self {
        TopicLexicon {
            names: self.names.clone(),
            labels: self.labels.clone(),
            patterns: self.patterns.clone(),
            nfa: self.nfa.clone(),
            dfa: self.dfa.clone(),
            searched: AtomicUsize::new(self.searched.load(Ordering::Relaxed)),
            pattern_topic: self.pattern_topic.clone(),
        }
    }
}

fn build_automaton(
    patterns: &[String],
    kind: AhoCorasickKind,
) -> std::result::Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(Some(kind))
        // The longest phrase wins: "trade union" over "trade", "nuclear power" over "nuclear".
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
}

impl TopicLexicon {
    /// The default topics shipped in the binary (lexicons/topics.toml).
    pub fn embedded() -> Result<Self> {
        Self::from_toml(DEFAULT_TOPICS, Path::new("lexicons/topics.toml"))
    }

    /// Reads a user's topic file (`--topics FILE`), which replaces the defaults.
    pub fn load(path: &Path) -> Result<Self> {
        let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml(&source, path)
    }

    /// Parses a topic table: `[key]` with `label = "..."` and `terms = ["...", ...]`.
    pub fn from_toml(source: &str, path: &Path) -> Result<Self> {
        let table: toml::Table = source
            .parse()
            .map_err(|e: toml::de::Error| Error::Lexicon {
                path: path.to_path_buf(),
                line: e
                    .span()
                    .map(|s| source[..s.start].lines().count().max(1))
                    .unwrap_or(0),
                message: e.message().to_string(),
            })?;
        let bad = |key: &str, message: &str| Error::Lexicon {
            path: path.to_path_buf(),
            line: source
                .lines()
                .position(|l| l.trim() == format!("[{key}]"))
                .map_or(0, |i| i + 1),
            message: format!("topic {key:?}: {message}"),
        };
        let mut names = Vec::new();
        let mut labels = Vec::new();
        let mut patterns = Vec::new();
        let mut pattern_topic = Vec::new();
        // Sorted by key so that topic ids, and so output order, do not depend on the file's order.
        let mut keys: Vec<&String> = table.keys().collect();
        keys.sort();
        for key in keys {
            let entry = table[key]
                .as_table()
                .ok_or_else(|| bad(key, "is not a table"))?;
            let terms = entry
                .get("terms")
                .and_then(|t| t.as_array())
                .ok_or_else(|| bad(key, "needs a `terms` list"))?;
            let id = TopicId::try_from(names.len()).map_err(|_| bad(key, "too many topics"))?;
            for term in terms {
                let term = term
                    .as_str()
                    .ok_or_else(|| bad(key, "terms must be strings"))?;
                let term = term.trim().to_lowercase().replace('\u{2019}', "'");
                if !term.is_empty() {
                    patterns.push(term);
                    pattern_topic.push(id);
                }
            }
            names.push(key.clone());
            labels.push(
                entry
                    .get("label")
                    .and_then(|l| l.as_str())
                    .unwrap_or(key)
                    .to_string(),
            );
        }
        let nfa = build_automaton(&patterns, AhoCorasickKind::ContiguousNFA).map_err(|e| {
            Error::Lexicon {
                path: path.to_path_buf(),
                line: 0,
                message: e.to_string(),
            }
        })?;
        Ok(TopicLexicon {
            names,
            labels,
            patterns,
            nfa,
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
            pattern_topic,
        })
    }

    /// Topic keys, indexed by [`TopicId`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn label(&self, id: TopicId) -> &str {
        &self.labels[usize::from(id)]
    }

    /// The automaton to search `text` with: the NFA until enough text has been searched, then the DFA.
    fn automaton(&self, text: &str) -> &AhoCorasick {
        if let Some(dfa) = self.dfa.get() {
            return dfa;
        }
        let searched = self.searched.fetch_add(text.len(), Ordering::Relaxed);
        if searched < DFA_AFTER_BYTES {
            return &self.nfa;
        }
        // The patterns built the NFA already, so the DFA's build cannot fail on them; should it
        // fail anyway, the NFA finds the same matches.
        self.dfa.get_or_init(|| {
            build_automaton(&self.patterns, AhoCorasickKind::DFA)
                .unwrap_or_else(|_| self.nfa.clone())
        })
    }

    /// Every topic mention in `text`, in text order: one scan of an article that its quotes' topics
    /// are then read from.
    pub fn mentions(&self, text: &str) -> TopicMentions {
        let mut mentions = TopicMentions::default();
        self.mentions_into(text, &mut mentions);
        mentions
    }

    /// [`TopicLexicon::mentions`] into `out`, whose buffer is reused from text to text.
    pub fn mentions_into(&self, text: &str, out: &mut TopicMentions) {
        out.found.clear();
        let bytes = text.as_bytes();
        out.found
            .extend(self.automaton(text).find_iter(text).map(|m| Match {
                start: m.start(),
                end: m.end(),
                topic: self.pattern_topic[m.pattern().as_usize()],
                starts_word: m.start() == 0 || !is_word_byte(text, m.start(), true),
                ends_word: m.end() == bytes.len() || !is_word_byte(text, m.end(), false),
            }));
    }

    /// Adds to `out` the topics that `text` mentions (on word boundaries), sorted and without repeats.
    pub fn find_into(&self, text: &str, out: &mut Vec<TopicId>) {
        let bytes = text.as_bytes();
        for m in self.automaton(text).find_iter(text) {
            let before_ok = m.start() == 0 || !is_word_byte(text, m.start(), true);
            let after_ok = m.end() == bytes.len() || !is_word_byte(text, m.end(), false);
            if before_ok && after_ok {
                out.push(self.pattern_topic[m.pattern().as_usize()]);
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// The topics of `text`.
    pub fn find(&self, text: &str) -> Vec<TopicId> {
        let mut out = Vec::new();
        self.find_into(text, &mut out);
        out
    }
}

/// The topic mentions of one text, in text order.
///
/// Part-word matches ("trade" in "traders") are kept, though never reported: in a leftmost-longest
/// search they hide the matches they overlap, so they are what tells whether a part of the text,
/// searched alone, would find the same mentions ([`TopicMentions::within_part`]).
#[derive(Debug, Clone, Default)]
pub struct TopicMentions {
    found: Vec<Match>,
}

/// One match of the automaton, with whether each of its ends falls on a word boundary.
#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    topic: TopicId,
    starts_word: bool,
    ends_word: bool,
}

impl Match {
    fn is_mention(&self) -> bool {
        self.starts_word && self.ends_word
    }
}

impl TopicMentions {
    /// Every mention as (start byte, end byte, topic), in text order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize, TopicId)> + '_ {
        self.found
            .iter()
            .filter(|m| m.is_mention())
            .map(|m| (m.start, m.end, m.topic))
    }

    /// Adds to `out` the topics mentioned wholly inside bytes `start..end`, sorted and without repeats.
    pub fn within(&self, start: usize, end: usize, out: &mut Vec<TopicId>) {
        out.extend(
            self.starting_in(start, end)
                .filter(|m| m.end <= end && m.is_mention())
                .map(|m| m.topic),
        );
        out.sort_unstable();
        out.dedup();
    }

    /// The mentions that a search of bytes `start..end` of the text alone would find, as (span relative
    /// to `start`, topic) in text order, added to `out`; or `false`, with `out` unchanged, when this
    /// scan of the whole text cannot tell them because a match crosses `start` or `end`.
    ///
    /// Alone, the part has word boundaries at both of its ends; inside the text, the matches it holds
    /// are the same as long as none reaches across either end.
    pub fn within_part(
        &self,
        start: usize,
        end: usize,
        out: &mut Vec<(usize, usize, TopicId)>,
    ) -> bool {
        let crosses = |at: usize| {
            // Matches do not overlap, so only the last one starting before `at` can reach past it.
            let first_after = self.found.partition_point(|m| m.start < at);
            first_after > 0 && self.found[first_after - 1].end > at
        };
        if start > end || crosses(start) || crosses(end) {
            return false;
        }
        out.extend(
            self.starting_in(start, end)
                .filter(|m| (m.start == start || m.starts_word) && (m.end == end || m.ends_word))
                .map(|m| (m.start - start, m.end - start, m.topic)),
        );
        true
    }

    /// The matches that start inside bytes `start..end`, in text order.
    fn starting_in(&self, start: usize, end: usize) -> impl Iterator<Item = &Match> + '_ {
        let first = self.found.partition_point(|m| m.start < start);
        self.found[first..]
            .iter()
            .take_while(move |m| m.start < end)
    }
}

/// Whether the character just before (`before`) or at byte `at` is a letter or digit.
fn is_word_byte(text: &str, at: usize, before: bool) -> bool {
    let c = if before {
        text[..at].chars().next_back()
    } else {
        text[at..].chars().next()
    };
    c.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPICS: &str = r#"
        [trade]
        label = "Trade"
        terms = ["trade", "exports", "tariff", "free trade agreement"]

        [cyber]
        terms = ["cyber attack", "cyber attacks", "hacking"]
    "#;

    #[test]
    fn topics_match_whole_words_case_insensitively() {
        let topics = TopicLexicon::from_toml(TOPICS, Path::new("t.toml")).unwrap();
        let found = topics.find("Exports rose despite Cyber Attacks on the traders.");
        let names: Vec<&str> = found
            .iter()
            .map(|&t| topics.names()[usize::from(t)].as_str())
            .collect();
        assert_eq!(names, ["cyber", "trade"]);
        assert!(topics.find("the traders").is_empty());
    }

    #[test]
    fn bad_files_are_reported_with_their_path() {
        let err = TopicLexicon::from_toml("[x]\nlabel = 1", Path::new("my.toml")).unwrap_err();
        assert!(err.to_string().starts_with("my.toml:"), "{err}");
    }

    #[test]
    fn the_default_topics_load() {
        let topics = TopicLexicon::embedded().unwrap();
        assert!(topics.names().len() >= 10);
        assert!(!topics.find("new sanctions on trade").is_empty());
    }

    #[test]
    fn a_part_of_a_text_has_the_mentions_a_search_of_it_alone_finds() {
        let topics = TopicLexicon::from_toml(TOPICS, Path::new("t.toml")).unwrap();
        let text = "Untrade: a free trade agreement, she said, ends hacking and cyber attacks.";
        let whole = topics.mentions(text);
        let mut told = 0;
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let mut part = Vec::new();
                if whole.within_part(start, end, &mut part) {
                    let alone: Vec<_> = topics.mentions(&text[start..end]).iter().collect();
                    assert_eq!(part, alone, "{:?}", &text[start..end]);
                    told += 1;
                }
            }
        }
        // Parts with an end inside a match (most, in a text this dense with terms) are not told.
        assert!(told > 500, "{told}");
        let phrase = text.find("free trade agreement").unwrap();
        let mut part = Vec::new();
        assert!(!whole.within_part(phrase + 5, text.len(), &mut part));
        assert!(!whole.within_part(0, phrase + 10, &mut part));
        assert!(part.is_empty());
        // "trade" inside "Untrade" is no mention of the text, but begins a part cut there.
        assert!(whole.within_part(2, 7, &mut part));
        assert_eq!(part, [(0, 5, 1)]);
    }

    #[test]
    fn the_automaton_built_later_finds_what_the_first_found() {
        let topics = TopicLexicon::embedded().unwrap();
        let text = "The trade union said the nuclear power deal and the economy came first.";
        let early = (
            topics.find(text),
            topics.mentions(text).iter().collect::<Vec<_>>(),
        );
        assert!(topics.dfa.get().is_none());
        let filler = "word ".repeat(DFA_AFTER_BYTES / 5 + 1);
        topics.find(&filler);
        topics.find(text);
        assert!(topics.dfa.get().is_some());
        let late = (
            topics.find(text),
            topics.mentions(text).iter().collect::<Vec<_>>(),
        );
        assert_eq!(late, early);
        assert!(!early.0.is_empty());
    }
}
