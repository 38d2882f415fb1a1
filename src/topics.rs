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

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind, PatternID};

use crate::error::{Error, Result};

const DEFAULT_TOPICS: &str = include_str!("../lexicons/topics.toml");

/// Most entries a [`MatchTable`] may have (4 bytes each). The default topics need some 200,000; a
/// topic file large enough to need more is searched with the automaton it was built into instead.
const MAX_TABLE_ENTRIES: usize = 1 << 22;

/// Bytes searched with the NFA before the [`MatchTable`] is built: a run over a handful of articles
/// starts at once, without the build (some 16 million instructions for the default topics, about
/// what the NFA's slower search of 350 KB costs over the table's), and a corpus soon searches at
/// table speed.
const TABLE_AFTER_BYTES: usize = 1 << 17;

/// Topics and their terms, compiled into one case-insensitive, leftmost-longest search.
///
/// The terms are built into a contiguous Aho-Corasick NFA (aho-corasick), whose trie edges are then
/// read out, with the failure transitions they imply, into a flat [`MatchTable`]: one table lookup a
/// byte, about half of what aho-corasick's own DFA costs a byte, and built in less than half its
/// time. The table is built once [`TABLE_AFTER_BYTES`] have been searched with the NFA; the NFA
/// goes on searching when the table would be too large. Both find the same matches.
#[derive(Debug)]
pub struct TopicLexicon {
    names: Vec<String>,
    labels: Vec<String>,
    patterns: Vec<String>,
    /// The topic of each automaton pattern.
    pattern_topic: Vec<TopicId>,
    nfa: NFA,
    /// The flat table once built; `None` in it when the table would exceed `max_entries`.
    table: OnceLock<Option<MatchTable>>,
    max_entries: usize,
    table_after: usize,
    /// Bytes searched with the NFA so far, until the table is built.
    searched: AtomicUsize,
    /// Whether some term holds a line break, so that a match may run from one line into the next.
    terms_cross_lines: bool,
}

impl Clone for TopicLexicon {
    fn clone(&self) -> Self {
        TopicLexicon {
            names: self.names.clone(),
            labels: self.labels.clone(),
            patterns: self.patterns.clone(),
            pattern_topic: self.pattern_topic.clone(),
            nfa: self.nfa.clone(),
            table: self.table.clone(),
            max_entries: self.max_entries,
            table_after: self.table_after,
            searched: AtomicUsize::new(self.searched.load(Ordering::Relaxed)),
            terms_cross_lines: self.terms_cross_lines,
        }
    }
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
        Self::from_toml_limited(source, path, MAX_TABLE_ENTRIES)
    }

    /// [`TopicLexicon::from_toml`] with a [`MatchTable`] of at most `max_entries`.
    fn from_toml_limited(source: &str, path: &Path, max_entries: usize) -> Result<Self> {
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
                let term = term.trim();
                // Terms are almost always written lowercase ASCII already.
                let term = if term
                    .bytes()
                    .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
                {
                    term.to_string()
                } else {
                    term.to_lowercase().replace('\u{2019}', "'")
                };
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
        // The longest phrase wins: "trade union" over "trade", "nuclear power" over "nuclear".
        let nfa = NFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .prefilter(false)
            .build(&patterns)
            .map_err(|e| Error::Lexicon {
                path: path.to_path_buf(),
                line: 0,
                message: e.to_string(),
            })?;
        let terms_cross_lines = patterns.iter().any(|p| p.contains('\n'));
        Ok(TopicLexicon {
            terms_cross_lines,
            names,
            labels,
            patterns,
            pattern_topic,
            nfa,
            table: OnceLock::new(),
            max_entries,
            table_after: TABLE_AFTER_BYTES,
            searched: AtomicUsize::new(0),
        })
    }

    /// Topic keys, indexed by [`TopicId`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn label(&self, id: TopicId) -> &str {
        &self.labels[usize::from(id)]
    }

    /// The table to search `len` more bytes with, once enough have been searched with the NFA.
    fn table_for(&self, len: usize) -> Option<&MatchTable> {
        if let Some(table) = self.table.get() {
            return table.as_ref();
        }
        if self.searched.fetch_add(len, Ordering::Relaxed) < self.table_after {
            return None;
        }
        self.table
            .get_or_init(|| {
                MatchTable::new(
                    &self.nfa,
                    &self.patterns,
                    &self.pattern_topic,
                    self.max_entries,
                )
            })
            .as_ref()
    }

    /// Calls `found` with (start, end, topic) of each leftmost-longest match in `text`, in text
    /// order, part-word matches included.
    fn for_each_match(&self, text: &str, found: impl FnMut(usize, usize, TopicId)) {
        self.for_each_match_from(text.as_bytes(), 0, found);
    }

    /// [`TopicLexicon::for_each_match`] over `bytes`, with offsets moved on by `offset`.
    fn for_each_match_from(
        &self,
        bytes: &[u8],
        offset: usize,
        mut found: impl FnMut(usize, usize, TopicId),
    ) {
        let table = self.table_for(bytes.len());
        let mut at = 0;
        loop {
            let next = match table {
                Some(table) => table.next_match(bytes, at),
                None => next_match_of(&self.nfa, &self.pattern_topic, bytes, at),
            };
            let Some((end, len, topic)) = next else {
                return;
            };
            found(offset + end - len, offset + end, topic);
            at = end;
        }
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
        self.push_mentions(text, 0, text.len(), &mut out.found);
    }

    /// [`TopicLexicon::mentions_into`] for only the lines of `text` that the byte ranges `near`
    /// touch: what a scan of the whole text finds on those lines, for a caller that reads no
    /// mention elsewhere (an article's quotes read their own paragraphs).
    ///
    /// No term holds a line break, so no match runs across one, and a leftmost-longest search
    /// that starts at a line's start finds there what the search of the whole text finds. A
    /// topic file whose terms hold line breaks has its whole text scanned.
    pub fn mentions_near_into(
        &self,
        text: &str,
        near: impl IntoIterator<Item = (usize, usize)>,
        out: &mut TopicMentions,
    ) {
        if self.terms_cross_lines {
            return self.mentions_into(text, out);
        }
        let TopicMentions { found, lines } = out;
        found.clear();
        lines.clear();
        let bytes = text.as_bytes();
        for (start, end) in near {
            let (start, end) = (start.min(bytes.len()), end.min(bytes.len()));
            // Quotes come in text order, often several to a line.
            if lines.last().is_some_and(|&(s, e)| s <= start && end <= e) {
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
            lines.push((line_start, line_end.max(line_start)));
        }
        lines.sort_unstable();
        let mut scanned = 0;
        for &(start, end) in lines.iter() {
            let start = start.max(scanned);
            if start < end {
                self.push_mentions(text, start, end, found);
                scanned = end;
            }
        }
    }

    /// Adds the matches in bytes `start..end` of `text` (which no match crosses) to `found`.
    fn push_mentions(&self, text: &str, start: usize, end: usize, found: &mut Vec<Match>) {
        self.for_each_match_from(&text.as_bytes()[start..end], start, |start, end, topic| {
            found.push(Match {
                start,
                end,
                topic,
                starts_word: start == 0 || !is_word_byte(text, start, true),
                ends_word: end == text.len() || !is_word_byte(text, end, false),
            })
        });
    }

    /// Adds to `out` the topics that `text` mentions (on word boundaries), sorted and without repeats.
    pub fn find_into(&self, text: &str, out: &mut Vec<TopicId>) {
        self.for_each_match(text, |start, end, topic| {
            let before_ok = start == 0 || !is_word_byte(text, start, true);
            let after_ok = end == text.len() || !is_word_byte(text, end, false);
            if before_ok && after_ok {
                out.push(topic);
            }
        });
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

/// The state that ends a search in a [`MatchTable`]: row 0.
const DEAD: u32 = 0;

/// A leftmost-longest automaton read out of an NFA into one flat table of transitions, so that a
/// search costs one lookup a byte.
///
/// States are numbered dead first, then match states, then the rest, and a transition holds the
/// index of its target's row (state number times `stride`): one comparison tells a state that ends
/// or records a match from one that goes on.
#[derive(Debug, Clone)]
struct MatchTable {
    /// The class of each byte. Bytes that no term tells apart share a class: the two cases of an
    /// ASCII letter, and all the bytes that are in no term.
    classes: [u8; 256],
    /// Number of classes: the length of a state's row.
    stride: usize,
    /// Row by row, the row index of the state each class leads to.
    next: Vec<u32>,
    /// Row index of the state a search starts in.
    start: u32,
    /// Row index of the last match state.
    max_match: u32,
    /// By state number, the length of a match state's term and its topic.
    matched: Vec<(usize, TopicId)>,
}

impl MatchTable {
    /// Reads every state that an unanchored search of `nfa` can reach into a table; `None` when it
    /// would have more than `max_entries` transitions.
    fn new(
        nfa: &NFA,
        patterns: &[String],
        pattern_topic: &[TopicId],
        max_entries: usize,
    ) -> Option<MatchTable> {
        let mut classes = [0u8; 256];
        // One byte of each class, to ask the NFA about; class 0 stands for the bytes in no term,
        // and a UTF-8 term never holds 0xFF.
        let mut representatives = vec![0xFF_u8];
        for &b in patterns.iter().flat_map(|p| p.as_bytes()) {
            let lower = b.to_ascii_lowercase();
            if classes[usize::from(lower)] == 0 {
                let class = u8::try_from(representatives.len()).ok()?;
                classes[usize::from(lower)] = class;
                classes[usize::from(b.to_ascii_uppercase())] = class;
                representatives.push(lower);
            }
        }
        let stride = representatives.len();
        let start = nfa.start_state(Anchored::No).ok()?;
        if nfa.is_match(start) {
            // Only an empty term would match at the start state, and terms are never empty.
            return None;
        }
        // The states of the terms' trie, breadth first (so by depth), as numbers in that order,
        // each with its row of transitions (`u32::MAX` for the dead state). A row is read out of
        // the NFA as the textbook builds a DFA, rather than by asking the NFA for each transition
        // (which walks failure links): a state's own edges, and elsewhere the row of its failure
        // state, which is shallower and so done already. That failure state is the aho-corasick
        // NFA's own: the dead state where a term ends (leftmost semantics), else where the
        // parent's failure state goes on the same byte.
        let mut states = vec![start];
        let mut failure: Vec<u32> = vec![u32::MAX];
        let mut depth: Vec<usize> = vec![0];
        let mut number_of: Vec<u32> = vec![u32::MAX; start.as_usize() + 1];
        number_of[start.as_usize()] = 0;
        let mut found_next: Vec<u32> = Vec::new();
        let mut i = 0;
        while let Some(&state) = states.get(i) {
            let fails_to = failure[i];
            for (class, &b) in representatives.iter().enumerate() {
                // An anchored step follows the state's own edge, or none (the dead state); the
                // start state's row is taken as the NFA gives it.
                let anchored = if i == 0 { Anchored::No } else { Anchored::Yes };
                let to = nfa.next_state(anchored, state, b);
                if nfa.is_dead(to) {
                    let inherited = match fails_to {
                        u32::MAX => u32::MAX,
                        f => found_next[f as usize * stride + class],
                    };
                    found_next.push(inherited);
                    continue;
                }
                let slot = to.as_usize();
                if number_of.len() <= slot {
                    number_of.resize(slot + 1, u32::MAX);
                }
                if number_of[slot] == u32::MAX {
                    number_of[slot] = u32::try_from(states.len()).ok()?;
                    states.push(to);
                    if (states.len() + 1) * stride > max_entries {
                        return None;
                    }
                    // A term that ends here makes it a match state of its own; a state that
                    // only took on the match of its failure state ("war" in "softwar") is not.
                    let child_depth = depth[i] + 1;
                    let ends_term = nfa.is_match(to)
                        && nfa.pattern_len(nfa.match_pattern(to, 0)) == child_depth;
                    depth.push(child_depth);
                    // A child of the start state fails to the start state.
                    let child_fails_to = if ends_term {
                        u32::MAX
                    } else if i == 0 {
                        0
                    } else {
                        match fails_to {
                            u32::MAX => u32::MAX,
                            f => found_next[f as usize * stride + class],
                        }
                    };
                    failure.push(child_fails_to);
                }
                found_next.push(number_of[slot]);
            }
            i += 1;
        }
        // Renumbered: dead 0, match states from 1, then the others.
        let mut renumbered = vec![0u32; states.len()];
        let mut count = 1u32;
        for is_match in [true, false] {
            for (k, &state) in states.iter().enumerate() {
                if nfa.is_match(state) == is_match {
                    renumbered[k] = count;
                    count += 1;
                }
            }
        }
        let row = |number: u32| u32::try_from(number as usize * stride).ok();
        let mut next = vec![DEAD; count as usize * stride];
        let mut matched = vec![(0, 0); count as usize];
        let mut max_match = DEAD;
        for (k, &state) in states.iter().enumerate() {
            let number = renumbered[k];
            let from = number as usize * stride;
            for (class, &to) in found_next[k * stride..(k + 1) * stride].iter().enumerate() {
                if to != u32::MAX {
                    next[from + class] = row(renumbered[to as usize])?;
                }
            }
            if nfa.is_match(state) {
                // Leftmost-longest: a match state's first match is the one a search reports.
                let pattern = nfa.match_pattern(state, 0);
                matched[number as usize] = (
                    nfa.pattern_len(pattern),
                    *pattern_topic.get(pattern.as_usize())?,
                );
                max_match = max_match.max(row(number)?);
            }
        }
        Some(MatchTable {
            classes,
            stride,
            next,
            start: row(renumbered[0])?,
            max_match,
            matched,
        })
    }

    /// The leftmost-longest match that starts at or after byte `at`: (end, length, topic).
    #[inline]
    fn next_match(&self, bytes: &[u8], at: usize) -> Option<(usize, usize, TopicId)> {
        let (end, state) = self.scan(bytes.get(at..)?);
        let (len, topic) = self.matched[state as usize / self.stride];
        (state != DEAD).then_some((at + end, len, topic))
    }

    /// Runs the table over `bytes` until the dead state or the end: the end of the last match
    /// seen and its state, or `DEAD` for none.
    #[inline(never)]
    fn scan(&self, bytes: &[u8]) -> (usize, u32) {
        let (next, classes) = (&self.next[..], &self.classes);
        // States as row indices in `usize` from the start: the compiler then keeps the state and
        // the byte's class in registers of their own, which saves it two moves a byte.
        let max_match = self.max_match as usize;
        let mut state = self.start as usize;
        let mut last = (0, DEAD);
        let mut at = 0;
        loop {
            // The inner loop reads bytes until a state that is not an ordinary one.
            let special = loop {
                let Some(&b) = bytes.get(at) else {
                    break false;
                };
                at += 1;
                let class = usize::from(classes[usize::from(b)]);
                state = next[state + class] as usize;
                if state <= max_match {
                    break true;
                }
            };
            if !special || state == DEAD as usize {
                return last;
            }
            last = (at, state as u32);
        }
    }
}

/// [`MatchTable::next_match`] with the NFA itself, for topic files too large for a table.
fn next_match_of(
    nfa: &NFA,
    pattern_topic: &[TopicId],
    bytes: &[u8],
    at: usize,
) -> Option<(usize, usize, TopicId)> {
    let mut state = nfa.start_state(Anchored::No).ok()?;
    let mut last: Option<(usize, PatternID)> = None;
    for (i, &b) in bytes.get(at..)?.iter().enumerate() {
        state = nfa.next_state(Anchored::No, state, b);
        if nfa.is_dead(state) {
            break;
        }
        if nfa.is_match(state) {
            last = Some((at + i + 1, nfa.match_pattern(state, 0)));
        }
    }
    let (end, pattern) = last?;
    Some((
        end,
        nfa.pattern_len(pattern),
        *pattern_topic.get(pattern.as_usize())?,
    ))
}

/// The topic mentions of one text, in text order.
///
/// Part-word matches ("trade" in "traders") are kept, though never reported: in a leftmost-longest
/// search they hide the matches they overlap, so they are what tells whether a part of the text,
/// searched alone, would find the same mentions ([`TopicMentions::within_part`]).
#[derive(Debug, Clone, Default)]
pub struct TopicMentions {
    found: Vec<Match>,
    /// Scratch: the lines to scan, as byte ranges.
    lines: Vec<(usize, usize)>,
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
    fn a_scan_of_some_lines_finds_there_what_the_scan_of_the_whole_text_finds() {
        let topics = TopicLexicon::from_toml(TOPICS, Path::new("t.toml")).unwrap();
        let text = "Free trade\nagreement talks.\n\nHacking, said she, and cyber\nattacks on trade.\nUntrade exports";
        let whole = topics.mentions(text);
        let lines: Vec<(usize, usize)> = text
            .split('\n')
            .scan(0, |at, line| {
                let span = (*at, *at + line.len());
                *at += line.len() + 1;
                Some(span)
            })
            .collect();
        let mut near = TopicMentions::default();
        for &(start, end) in &lines {
            // Any range inside the line asks for the whole line.
            topics.mentions_near_into(text, [(start + 1, end.max(start + 1) - 1)], &mut near);
            let on_line = |m: &(usize, usize, TopicId)| start <= m.0 && m.1 <= end;
            let expected: Vec<_> = whole.iter().filter(on_line).collect();
            assert_eq!(
                near.iter().collect::<Vec<_>>(),
                expected,
                "{:?}",
                &text[start..end]
            );
        }
        // Ranges in any order, overlapping, repeated or across lines: the lines they touch.
        let (first, last) = (lines[0], lines[5]);
        topics.mentions_near_into(text, [(last.0, last.0), (3, 4), (2, 30), (3, 4)], &mut near);
        let expected: Vec<_> = whole
            .iter()
            .filter(|m| m.1 <= lines[3].1 || last.0 <= m.0)
            .collect();
        assert_eq!(near.iter().collect::<Vec<_>>(), expected);
        assert!(expected.iter().any(|m| m.0 < first.1));
        assert!(expected.iter().any(|m| last.0 <= m.0));
        let mut part = Vec::new();
        assert!(near.within_part(lines[3].0, lines[3].1, &mut part));
        assert_eq!(part, [(0, 7, 0)]);
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

    fn all_matches(topics: &TopicLexicon, text: &str) -> Vec<(usize, usize, TopicId)> {
        let mut out = Vec::new();
        topics.for_each_match(text, |start, end, topic| out.push((start, end, topic)));
        out
    }

    #[test]
    fn the_nfa_the_table_and_a_topic_file_too_large_for_one_find_the_same_mentions() {
        let text = "The Trade Union said the NUCLEAR POWER deal, the economy and untraded \
                    tariffs came first; cyber-attacks on Kyiv's grid were \u{201C}war\u{201D}.";
        let nfa = TopicLexicon::embedded().unwrap();
        let found = all_matches(&nfa, text);
        assert!(
            nfa.table.get().is_none(),
            "a short text is searched with the NFA"
        );
        let mut table = TopicLexicon::embedded().unwrap();
        table.table_after = 0;
        assert_eq!(all_matches(&table, text), found);
        assert!(matches!(table.table.get(), Some(Some(_))));
        let mut too_large =
            TopicLexicon::from_toml_limited(DEFAULT_TOPICS, Path::new("t.toml"), 0).unwrap();
        too_large.table_after = 0;
        assert_eq!(all_matches(&too_large, text), found);
        assert!(matches!(too_large.table.get(), Some(None)));
        assert!(found.len() >= 5, "{found:?}");
    }

    #[test]
    fn the_table_finds_every_default_term_as_the_nfa_does() {
        let mut nfa = TopicLexicon::embedded().unwrap();
        nfa.table_after = usize::MAX;
        let mut table = TopicLexicon::embedded().unwrap();
        table.table_after = 0;
        // Every term, alone, run into the next, inflected, split and in capitals: every state of
        // the table is reached, and most of its failure transitions.
        let mut text = String::new();
        for (i, term) in nfa.patterns.iter().enumerate() {
            let joint = ["  ", "", "s ", "-", "ing. ", " un"][i % 6];
            if i % 5 == 0 {
                text.push_str(&term.to_uppercase());
            } else {
                text.push_str(term);
            }
            text.push_str(joint);
            if i % 7 == 0 {
                text.extend(term.chars().take(term.chars().count() / 2));
            }
        }
        let found = all_matches(&nfa, &text);
        assert!(nfa.table.get().is_none());
        assert_eq!(all_matches(&table, &text), found);
        assert!(matches!(table.table.get(), Some(Some(_))));
        assert!(found.len() > nfa.patterns.len() / 2, "{}", found.len());
    }

    #[test]
    fn topics_without_terms_find_nothing() {
        let topics = TopicLexicon::from_toml("[empty]\nterms = []", Path::new("t.toml")).unwrap();
        assert!(all_matches(&topics, "trade and war").is_empty());
    }

    proptest::proptest! {
        /// The table and the NFA find exactly what aho-corasick's own leftmost-longest search finds.
        #[test]
        fn the_table_and_the_nfa_find_what_aho_corasick_finds(
            text in "(trade|Trade |union|free |agreement|cyber |attacks?|hack|ing|ex|ports|tariff|TRADE|é| |,|-|x){0,24}"
        ) {
            let nfa = TopicLexicon::from_toml(TOPICS, Path::new("t.toml")).unwrap();
            let mut table = nfa.clone();
            table.table_after = 0;
            let patterns = [
                "cyber attack", "cyber attacks", "hacking", "trade", "exports", "tariff",
                "free trade agreement",
            ];
            let topic_of = [0, 0, 0, 1, 1, 1, 1];
            let reference = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(patterns)
                .unwrap();
            let expected: Vec<(usize, usize, TopicId)> = reference
                .find_iter(&text)
                .map(|m| (m.start(), m.end(), topic_of[m.pattern().as_usize()]))
                .collect();
            proptest::prop_assert_eq!(&all_matches(&nfa, &text), &expected);
            proptest::prop_assert_eq!(all_matches(&table, &text), expected);
            proptest::prop_assert!(nfa.table.get().is_none() && table.table.get().is_some());
        }
    }
}
