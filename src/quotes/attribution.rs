//! Attribution: decides which quoted spans are speech, of what kind, by whom and with which cue, and finds
//! indirect (reported) speech.
//!
//! The rules follow how journalists write: a cue verb with its subject right after the closing mark
//! (`“…,” X said`, `“…,” said X`, `“…,” X, the foreign minister, said`, `“…” he added`), or before the
//! opening mark in the same sentence (`X said: “…”`, `X told Y: “…”`, a participle such as `joking that
//! … “…”` whose subject is the sentence's); a quote paragraph with no cue that follows a quote of X is
//! X's; pronouns and role nouns resolve to the nearest compatible entity, and `he added` continues the
//! previous speaker. The addressee of `told` or `asked` is never the speaker. Quoted words that nothing
//! attributes and that read as titles, nicknames or scare quotes are not quotes.

use super::lexicon::{AttributionLexicon, CueEntry, CueKind, TitleClass};
use super::marks::{QuotedSpan, find_quoted_spans};
use super::speakers::{Entities, Mention, NounPhrase, PhraseReader, Pronoun, pronoun_fits};
use super::{ArticleQuotes, Cue, Quote, QuoteKind, Speaker, SpeakerType};
use crate::segment::Segmented;
use crate::text::{Span, TokenKind};

/// Finds and attributes the quotes of articles. Built once from the lexicons; cheap to share.
#[derive(Debug, Clone)]
pub struct QuoteExtractor {
    lex: AttributionLexicon,
}

/// A cue found in the reporter's text.
#[derive(Debug, Clone, Copy)]
struct CueHit {
    first: usize,
    end: usize,
    entry: CueEntry,
    sentence: usize,
}

impl CueHit {
    /// A colon that introduces speech ("Name: words"): a neutral verb of saying one token long.
    fn colon(colon: usize, sentence: usize) -> CueHit {
        CueHit {
            first: colon,
            end: colon + 1,
            entry: CueEntry {
                kind: CueKind::Verb,
                framing: super::Framing::Neutral,
                tone: 0.0,
                takes_addressee: false,
                words: 1,
                continues: false,
            },
            sentence,
        }
    }
}

/// A speaker found for one quote: the mention and the entity it stands for.
#[derive(Debug, Clone, Copy)]
struct Attribution {
    entity: Option<usize>,
    mention: Option<Span>,
    cue: Option<(CueHit, Option<usize>)>,
}

/// The longest reported clause read after a cue, in tokens. Reported clauses in news run to a few
/// dozen words; a "sentence" past this length is a list, a table or text without punctuation, and
/// reading each of its cues to the end would make a long sentence quadratic.
const MAX_CLAUSE_TOKENS: usize = 160;
/// How far back a group subject ("58 percent of voters in the state") may start before its verb.
const MAX_GROUP_TOKENS: usize = 8;

/// The longest source phrase read after `according to`, in tokens.
const MAX_SOURCE_TOKENS: usize = 20;

/// How many earlier name mentions a pronoun is compared with (within its three paragraphs). Prose
/// names a handful of people per paragraph; the bound keeps a paragraph full of names linear.
const MAX_ANTECEDENT_MENTIONS: usize = 48;

/// The longest headline read as reported speech, in words.
const MAX_HEADLINE_WORDS: usize = 25;

/// Words of the labels that open a headline before a colon ("The Latest:", "Exclusive:", "Fact
/// check:"): a label is not a speaker, and what follows it is the headline proper.
const HEADLINE_LABELS: &[&str] = &[
    "the",
    "latest",
    "breaking",
    "exclusive",
    "watch",
    "live",
    "update",
    "updated",
    "analysis",
    "opinion",
    "comment",
    "editorial",
    "explainer",
    "factbox",
    "fact",
    "check",
    "timeline",
    "video",
    "photos",
    "pictures",
    "in",
    "review",
    "news",
    "guide",
    "special",
    "report",
    "interview",
    "profile",
    "podcast",
];

/// Words before a quote that say it is a name or a term, not speech.
const NOT_SPEECH_BEFORE: &[&str] = &[
    "so-called",
    "dubbed",
    "nicknamed",
    "titled",
    "entitled",
    "labelled",
    "labeled",
    "branded",
    "code-named",
    "codenamed",
    "hashtag",
    "word",
    "term",
    "phrase",
    "slogan",
    "motto",
    "album",
    "book",
    "film",
    "song",
    "novel",
    "play",
    "series",
    "show",
    "report",
    "documentary",
    "programme",
    "program",
    "column",
    "headline",
    "banner",
];

/// Prepositions after which a cue's past participle can only be a modifier ("over alleged abuse").
const PREPOSITIONS_BEFORE_MODIFIER: [&str; 14] = [
    "of",
    "over",
    "about",
    "against",
    "amid",
    "despite",
    "from",
    "into",
    "by",
    "with",
    "for",
    "on",
    "among",
    "following",
];

/// Words that open what a verb of saying takes after "and": a clause, an object or an adverbial.
const CLAUSE_OR_OBJECT_OPENERS: [&str; 40] = [
    "that", "to", "the", "a", "an", "this", "these", "those", "his", "her", "its", "their", "our",
    "my", "your", "him", "them", "us", "me", "it", "he", "she", "they", "we", "you", "how", "what",
    "why", "when", "where", "whether", "if", "there", "not", "in", "on", "at", "also", "last",
    "earlier",
];

/// Words between a subject and its cue verb: auxiliaries and time adverbs ("has also said").
pub(crate) const AUXILIARIES: &[&str] = &[
    "has",
    "had",
    "have",
    "was",
    "is",
    "were",
    "are",
    "will",
    "would",
    "also",
    "later",
    "then",
    "again",
    "once",
    "further",
    "did",
    "does",
    "do",
    "not",
    "never",
    "previously",
    "earlier",
    "recently",
    "often",
    "repeatedly",
    "reportedly",
    "has",
    "could",
    "may",
    "might",
    "should",
    "must",
    "can",
    "had",
    "already",
    "even",
    "simply",
    "just",
    "still",
    "first",
    "last",
    "been",
    "be",
    "being",
];

/// Finite auxiliaries and modals: after a noun phrase they make it the subject of a clause ("the ferry
/// would sail"), which no inverted speaker is.
const FINITE_AUXILIARIES: &[&str] = &[
    "is", "was", "are", "were", "has", "had", "have", "will", "would", "could", "can", "may",
    "might", "should", "must", "shall", "did", "does", "do",
];

/// First words of a leading subordinate clause, whose mentions are not the sentence's subject.
pub(crate) const SUBORDINATORS: &[&str] = &[
    "as",
    "while",
    "when",
    "after",
    "before",
    "although",
    "though",
    "if",
    "because",
    "since",
    "despite",
    "unlike",
    "like",
    "whereas",
    "once",
    "until",
    "in",
    "on",
    "at",
    "during",
    "following",
    "amid",
    "with",
    "without",
    "for",
    "by",
    "from",
    "speaking",
    "asked",
    "noting",
    "facing",
    "welcoming",
    "addressing",
    "responding",
    "writing",
    "answering",
    "meeting",
    "having",
    "given",
    "according",
];

impl QuoteExtractor {
    pub fn new(lex: AttributionLexicon) -> Self {
        QuoteExtractor { lex }
    }

    pub fn lexicon(&self) -> &AttributionLexicon {
        &self.lex
    }

    /// Finds, classifies and attributes every quote of a segmented article.
    pub fn extract(&self, seg: &Segmented<'_>) -> ArticleQuotes {
        self.extract_with(seg, &mut QuoteScratch::default())
    }

    /// [`QuoteExtractor::extract`] with buffers reused from earlier articles: one [`QuoteScratch`] per
    /// thread.
    pub fn extract_with(&self, seg: &Segmented<'_>, scratch: &mut QuoteScratch) -> ArticleQuotes {
        scratch.lower.clear();
        scratch.lower.push_str(seg.text);
        scratch.lower.make_ascii_lowercase();
        let reader = PhraseReader::new(seg, &scratch.lower, &self.lex);
        let tables = std::mem::take(&mut scratch.tables);
        let (quotes, tables) = Article::new(seg, &reader, tables).run();
        scratch.tables = tables;
        quotes
    }
}

/// Buffers that finding the quotes of one article fills and the next article reuses: the text
/// lowercased and the tables kept per token and per sentence. Article-sized, so allocating them
/// afresh for each article would cost more than the small allocations around them.
#[derive(Debug, Default)]
pub struct QuoteScratch {
    lower: String,
    tables: TokenTables,
}

/// The per-token and per-sentence tables of [`Article`], kept between articles.
#[derive(Debug, Default)]
struct TokenTables {
    in_quote: Vec<bool>,
    in_direct: Vec<bool>,
    main_starts: Vec<usize>,
    direct_before: Vec<u32>,
    narrative: Vec<bool>,
    title_case: Vec<bool>,
    mentions: Vec<(Span, usize, bool)>,
    cues: Vec<CueHit>,
    /// Emptied of its entities, which become the article's speakers; its look-up tables are kept.
    entities: Entities,
}

/// The working state for one article.
struct Article<'a, 't> {
    seg: &'a Segmented<'t>,
    r: &'a PhraseReader<'a, 't>,
    quoted: Vec<QuotedSpan>,
    /// Per token: inside quotation marks (marks included).
    in_quote: Vec<bool>,
    /// Per token: inside a direct quote; only a buffer for [`Article::mark_direct`].
    in_direct: Vec<bool>,
    /// Per sentence: the first token of its main clause ([`Article::main_clause_start`]).
    main_starts: Vec<usize>,
    /// Per token: how many tokens before it belong to direct quotes (marks included); filled once the
    /// direct quotes are known, before reported speech is read.
    direct_before: Vec<u32>,
    /// Per paragraph: reads as narrative (ends like a sentence), so its mentions can be antecedents.
    narrative: Vec<bool>,
    /// Per paragraph: a headline in title case, where capitals do not mark names.
    title_case: Vec<bool>,
    entities: Entities,
    /// Name mentions outside quotes, in text order: (mention, entity, is the subject of its clause).
    mentions: Vec<(Span, usize, bool)>,
    cues: Vec<CueHit>,
    /// (position, entity) of each attributed quote so far: what `he added` continues.
    last_speakers: std::collections::BTreeMap<usize, usize>,
}

struct Found {
    kind: QuoteKind,
    span: Span,
    text: String,
    paragraph: usize,
    attribution: Attribution,
}

impl<'a, 't> Article<'a, 't> {
    fn new(seg: &'a Segmented<'t>, r: &'a PhraseReader<'a, 't>, tables: TokenTables) -> Self {
        let quoted = find_quoted_spans(seg);
        let TokenTables {
            mut in_quote,
            mut in_direct,
            mut main_starts,
            mut direct_before,
            mut narrative,
            mut title_case,
            mut mentions,
            mut cues,
            mut entities,
        } = tables;
        mentions.clear();
        cues.clear();
        entities.clear();
        in_quote.clear();
        in_quote.resize(seg.tokens.len(), false);
        in_direct.clear();
        main_starts.clear();
        // Empty until the direct quotes are known ([`Article::no_direct`]).
        direct_before.clear();
        // Spans come in text order; unclosed ones may overlap to their paragraph's end. Each token is
        // marked once.
        let mut marked = 0;
        for q in &quoted {
            let from = seg.token_at_or_after(q.open.start).max(marked);
            let to = match q.close {
                Some(c) => seg.token_at_or_after(c.start) + 1,
                None => seg.paragraphs[q.last_paragraph].end_token,
            }
            .min(seg.tokens.len());
            if from < to {
                for flag in &mut in_quote[from..to] {
                    *flag = true;
                }
                marked = to;
            }
        }
        narrative.clear();
        narrative.extend(seg.paragraphs.iter().map(|p| {
            let t = p.span.of(seg.text).trim_end();
            t.ends_with(['.', '!', '?', ':', '”', '"', '’', '\'', '»', '“'])
        }));
        title_case.clear();
        title_case.extend(seg.paragraphs.iter().map(|p| {
            let (mut n, mut capitalised) = (0usize, 0usize);
            for i in p.first_token..p.end_token {
                if r.is_alphabetic(i) {
                    n += 1;
                    capitalised += usize::from(r.is_capitalised(i));
                }
            }
            n >= 4 && capitalised * 10 >= n * 7
        }));
        let mut article = Article {
            seg,
            r,
            quoted,
            in_quote,
            in_direct,
            main_starts: Vec::new(),
            direct_before,
            narrative,
            title_case,
            entities,
            mentions,
            cues,
            last_speakers: std::collections::BTreeMap::new(),
        };
        main_starts.extend((0..seg.sentences.len()).map(|s| article.main_clause_start(s)));
        article.main_starts = main_starts;
        article.collect_mentions_and_cues();
        article
    }

    /// Whether no token in `from..to` belongs to a direct quote. Partial quotes and scare quotes may
    /// sit inside reported speech ("X said the plan was “dead on arrival” in its form"); a direct
    /// quote is speech of its own.
    fn no_direct(&self, from: usize, to: usize) -> bool {
        to <= from
            || self.direct_before.len() <= to
            || self.direct_before[to] == self.direct_before[from]
    }

    /// Marks the tokens of the direct quotes among `found`, marks included.
    fn mark_direct(&mut self, found: &[Found]) {
        let seg = self.seg;
        let mut in_direct = std::mem::take(&mut self.in_direct);
        in_direct.clear();
        in_direct.resize(seg.tokens.len(), false);
        for f in found.iter().filter(|f| f.kind == QuoteKind::Direct) {
            let mut from = seg.token_at_or_after(f.span.start);
            if from > 0 && seg.tokens[from - 1].kind == TokenKind::QuoteMark {
                from -= 1;
            }
            let mut to = seg.token_at_or_after(f.span.end);
            if to < seg.tokens.len() && seg.tokens[to].kind == TokenKind::QuoteMark {
                to += 1;
            }
            for flag in &mut in_direct[from.min(to)..to] {
                *flag = true;
            }
        }
        let mut count = 0u32;
        self.direct_before.clear();
        self.direct_before.reserve(in_direct.len() + 1);
        for &d in &in_direct {
            self.direct_before.push(count);
            count += u32::from(d);
        }
        self.direct_before.push(count);
        self.in_direct = in_direct;
    }

    fn collect_mentions_and_cues(&mut self) {
        let seg = self.seg;
        for (s, sentence) in seg.sentences.iter().enumerate() {
            let main_start = self.main_starts[s];
            let mut subject_seen = false;
            let mut i = sentence.first_token;
            while i < sentence.end_token {
                if self.in_quote[i] || seg.tokens[i].kind != TokenKind::Word {
                    i += 1;
                    continue;
                }
                // "was quoted as saying" is one cue, not three: a cue that starts inside the one
                // before it is the same words read again.
                let inside_previous = self.cues.last().is_some_and(|c| i < c.end);
                if !inside_previous
                    && let Some(entry) = self.r.cue_at(i, sentence.end_token)
                    && !self.used_as_noun(i, entry)
                {
                    self.cues.push(CueHit {
                        first: i,
                        end: i + entry.words,
                        entry,
                        sentence: s,
                    });
                }
                let starts_name = self.r.is_capitalised(i) && self.r.pronoun(i).is_none();
                if starts_name && let Some(m) = self.r.phrase_starting_at(i, sentence.end_token) {
                    let end = m.end_token;
                    if let NounPhrase::Name {
                        name,
                        role,
                        gender,
                        kind,
                    } = m.phrase
                    {
                        let lone_opener = end - m.first_token == 1 && i == sentence.first_token;
                        let single = end - m.first_token == 1;
                        let adjective = single && self.r.is_capitalised_adjective(m.first_token);
                        let trusted = !(self.title_case[sentence.paragraph] || adjective);
                        if trusted
                            && (!lone_opener || self.followed_by_cue(end, sentence.end_token))
                        {
                            let e = self
                                .entities
                                .add_name(seg.text, name, role, gender, kind, m.span);
                            let appositive = self.appositive_role(&m, s);
                            // "The European Council president, Jan Overbeek, said": a name in apposition
                            // to the clause's first phrase is its subject too.
                            let apposed_to_subject = appositive.is_some_and(|(_, before_start)| {
                                before_start
                                    .is_some_and(|b| b <= main_start.max(sentence.first_token))
                            });
                            if kind == SpeakerType::Person
                                && let Some((role_span, _)) = appositive
                            {
                                self.entities.set_role(e, role_span.of(seg.text));
                            }
                            let subject = (!subject_seen && i >= main_start) || apposed_to_subject;
                            subject_seen |= i >= main_start;
                            self.mentions.push((m.span, e, subject));
                        }
                    }
                    i = end.max(i + 1);
                    continue;
                }
                if i >= main_start && self.r.pronoun(i).is_some() {
                    subject_seen = true;
                }
                i += 1;
            }
        }
    }

    /// A role noun phrase in apposition to a name: "Irena Dascalu, the ministry’s spokeswoman," or
    /// "Britain’s trade minister, Priya Castell,". Returns the role's span and, when the role stands
    /// before the name, the token where it starts.
    fn appositive_role(&self, m: &Mention, s: usize) -> Option<(Span, Option<usize>)> {
        let sentence = self.seg.sentences[s];
        let is_role = |p: &Mention| {
            matches!(
                p.phrase,
                NounPhrase::Common {
                    class: TitleClass::Role | TitleClass::Title,
                    ..
                }
            )
        };
        if m.end_token < sentence.end_token
            && self.seg.token_text(m.end_token) == ","
            && let Some(after) = self
                .r
                .phrase_starting_at(m.end_token + 1, sentence.end_token)
            && is_role(&after)
        {
            return Some((after.span, None));
        }
        // "Britain’s trade minister, Priya Castell, said": set off on both sides. In "... as US
        // President, Tony Blair has said" the title belongs to someone else.
        let closed = m.end_token < sentence.end_token && self.seg.token_text(m.end_token) == ",";
        if closed
            && m.first_token >= sentence.first_token + 2
            && self.seg.token_text(m.first_token - 1) == ","
            && let Some(before) = self
                .r
                .phrase_ending_at(m.first_token - 2, sentence.first_token)
            && is_role(&before)
        {
            return Some((before.span, Some(before.first_token)));
        }
        // Descriptions the lexicons have no word for hold a role only when set off on both sides: "The
        // harbour master, Olav Strand, said" and "Olav Strand, the harbour master, said", not "In the
        // town, Olav Strand said".
        let comma_at = |i: usize| i < sentence.end_token && self.seg.token_text(i) == ",";
        if comma_at(m.end_token)
            && matches!(
                self.r.first_word(m.end_token + 1, sentence.end_token),
                "the" | "a" | "an"
            )
            && let Some(close) = (m.end_token + 2..sentence.end_token.min(m.end_token + 10))
                .find(|&j| self.seg.tokens[j].kind != TokenKind::Word)
            && comma_at(close)
            && self.description_start(close - 1, m.end_token + 1) == Some(m.end_token + 1)
        {
            let span = Span::new(
                self.seg.tokens[m.end_token + 1].span.start,
                self.seg.tokens[close - 1].span.end,
            );
            return Some((span, None));
        }
        if m.first_token >= sentence.first_token + 2
            && comma_at(m.first_token - 1)
            && comma_at(m.end_token)
            && let Some(start) = self.description_start(m.first_token - 2, sentence.first_token)
            && start == sentence.first_token
        {
            let span = Span::new(
                self.seg.tokens[start].span.start,
                self.seg.tokens[m.first_token - 2].span.end,
            );
            return Some((span, Some(start)));
        }
        None
    }

    /// The cues of sentence `s` (cues are collected in text order).
    fn cues_in(&self, s: usize) -> &[CueHit] {
        let from = self.cues.partition_point(|c| c.sentence < s);
        let to = self.cues.partition_point(|c| c.sentence <= s);
        &self.cues[from..to]
    }

    /// The cues of sentence `s` whose first token is in `from..to`.
    fn cues_starting_in(&self, s: usize, from: usize, to: usize) -> &[CueHit] {
        let cues = self.cues_in(s);
        let a = cues.partition_point(|c| c.first < from);
        let b = cues.partition_point(|c| c.first < to);
        &cues[a..b.max(a)]
    }

    /// Name mentions ending at or before byte `at` (mentions are collected in text order).
    fn mentions_before(&self, at: usize) -> &[(Span, usize, bool)] {
        &self.mentions[..self.mentions.partition_point(|(span, _, _)| span.end <= at)]
    }

    /// "Johnson’s warning to Russia", "the claims": a cue form after a determiner or possessive is a
    /// noun, not a verb of saying.
    fn used_as_noun(&self, i: usize, entry: CueEntry) -> bool {
        if !matches!(entry.kind, CueKind::Participle | CueKind::Verb) || i == 0 {
            return false;
        }
        let prev_raw = self.seg.token_text(i - 1);
        let prev = self.r.first_word(i - 1, i);
        if self.used_as_adjective(i, prev) {
            return true;
        }
        prev_raw.ends_with("\u{2019}s")
            || prev_raw.ends_with("'s")
            || matches!(
                prev,
                "the"
                    | "a"
                    | "an"
                    | "his"
                    | "her"
                    | "its"
                    | "their"
                    | "our"
                    | "my"
                    | "your"
                    | "this"
                    | "that"
                    | "these"
                    | "those"
                    | "whose"
            )
    }

    /// A past participle of a cue before a bare noun phrase modifies it: "over alleged abuse", "and
    /// alleged interference by hackers", "of reported attacks". No subject can stand between a
    /// preposition and a finite verb, and after "and" a verb of saying takes a clause ("and alleged
    /// that"), an object that starts with a determiner or pronoun ("and warned the minister"), or a
    /// name, never a lowercase noun straight away.
    fn used_as_adjective(&self, i: usize, prev: &str) -> bool {
        let word = self.r.lower_word(i);
        if !word.ends_with("ed") || i + 1 >= self.seg.tokens.len() {
            return false;
        }
        if PREPOSITIONS_BEFORE_MODIFIER.contains(&prev) {
            return true;
        }
        if !matches!(prev, "and" | "or") || self.seg.tokens[i + 1].kind != TokenKind::Word {
            return false;
        }
        let next_raw = self.seg.token_text(i + 1);
        let next = self.r.lower_word(i + 1);
        next_raw.chars().next().is_some_and(char::is_lowercase)
            && !CLAUSE_OR_OBJECT_OPENERS.contains(&next)
    }

    fn followed_by_cue(&self, i: usize, end: usize) -> bool {
        let mut j = i;
        while self.r.is_auxiliary(j, end) {
            j += 1;
        }
        self.r.cue_at(j, end).is_some()
    }

    /// The first token of the sentence's main clause: after a leading subordinate or participial clause
    /// that ends with a comma.
    fn main_clause_start(&self, s: usize) -> usize {
        let sentence = self.seg.sentences[s];
        let mut first = sentence.first_token;
        while first < sentence.end_token
            && matches!(
                self.r.first_word(first, sentence.end_token),
                "and" | "but" | "so" | "yet" | "or"
            )
        {
            first += 1;
        }
        if first >= sentence.end_token {
            return first;
        }
        let w = self.r.first_word(first, sentence.end_token);
        let leading_clause =
            self.r.class(first).is_subordinator() || (w.ends_with("ing") && w.len() > 5);
        if !leading_clause {
            return first;
        }
        (first..sentence.end_token)
            .find(|&i| !self.in_quote[i] && self.seg.token_text(i) == ",")
            .map(|i| i + 1)
            .unwrap_or(first)
    }

    /// The article's quotes, and its tables for the next article.
    fn run(mut self) -> (ArticleQuotes, TokenTables) {
        let mut found: Vec<Found> = Vec::new();
        let quoted = std::mem::take(&mut self.quoted);
        // Cues that introduce a direct quote introduce no reported clause besides.
        let mut used_cues = vec![false; self.cues.len()];
        for q in &quoted {
            let open_token = self.seg.token_at_or_after(q.open.start);
            let close_token = q.close.map(|c| self.seg.token_at_or_after(c.start));
            // Built once: the tests below read it, and the quote keeps it.
            let quote_text = q.text_in(self.seg.text);
            let kind = self.kind_of(q, open_token, &quote_text);
            // A direct quote's cue mostly follows it; a partial quote sits inside the cue's own sentence.
            let mut attribution = if kind == QuoteKind::Partial {
                self.leading_cue(q, open_token)
                    .or_else(|| self.trailing_cue(q, close_token, kind))
            } else {
                self.trailing_cue(q, close_token, kind)
                    .or_else(|| self.leading_cue(q, open_token))
            };
            if let Some(Attribution {
                cue: Some((hit, _)),
                ..
            }) = attribution
                && kind == QuoteKind::Direct
                && let Ok(i) = self.cues.binary_search_by_key(&hit.first, |c| c.first)
            {
                used_cues[i] = true;
            }
            if (kind == QuoteKind::Partial && self.named_not_said(open_token))
                || self.is_title_of_work(open_token, &quote_text)
            {
                continue;
            }
            if attribution.is_none() {
                attribution = self.continued_speaker(q, open_token, &found);
            }
            if attribution.is_none() && self.is_not_speech(open_token, kind, &quote_text) {
                continue;
            }
            let content = q.content();
            if let Some(e) = attribution.and_then(|a| a.entity) {
                self.last_speakers.insert(content.start, e);
            }
            found.push(Found {
                kind,
                span: content,
                text: quote_text.into_owned(),
                paragraph: q.first_paragraph,
                attribution: attribution.unwrap_or(Attribution {
                    entity: None,
                    mention: None,
                    cue: None,
                }),
            });
        }
        self.quoted = quoted;
        let indirect = self.indirect_speech(&used_cues, &found);
        found.extend(indirect);
        if let Some(headline) = self.headline(&found) {
            found.push(headline);
        }
        let turns = self.transcript_turns(&found);
        found.extend(turns);
        // A paragraph repeated word for word (a headline printed twice by the scraper) is said once.
        // Only a paragraph as long as one that holds a quote can repeat it: the others are not hashed.
        let quoted_lengths: rustc_hash::FxHashSet<usize> = found
            .iter()
            .map(|f| self.seg.paragraphs[f.paragraph].span.len())
            .collect();
        let mut seen = rustc_hash::FxHashSet::default();
        let repeated: Vec<bool> = self
            .seg
            .paragraphs
            .iter()
            .map(|p| {
                quoted_lengths.contains(&p.span.len()) && !seen.insert(p.span.of(self.seg.text))
            })
            .collect();
        found.retain(|f| !repeated[f.paragraph]);
        found.sort_by_key(|f| (f.span.start, f.span.end));
        self.finish(found)
    }

    /// Direct when the quoted words (`text`) open their sentence with a capital, or read as a whole
    /// sentence of four words or more; partial otherwise.
    fn kind_of(&self, q: &QuotedSpan, open_token: usize, text: &str) -> QuoteKind {
        if q.last_paragraph > q.first_paragraph {
            return QuoteKind::Direct;
        }
        let starts_upper = text
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric());
        if !starts_upper {
            return QuoteKind::Partial;
        }
        let seg = self.seg;
        let sentence_start = seg
            .sentence_at(q.open.start)
            .map(|s| seg.sentences[s].first_token)
            .unwrap_or(open_token);
        let before = (open_token > sentence_start).then(|| seg.token_text(open_token - 1));
        let opens_sentence =
            before.is_none() || matches!(before, Some(":" | "," | "\u{2014}" | "\u{2013}" | "-"));
        let ends_like_sentence = text.trim_end().ends_with(['.', '!', '?', ',', '…', ';']);
        // Words are counted only as far as the fourth.
        if opens_sentence || (ends_like_sentence && text.split_whitespace().nth(3).is_some()) {
            QuoteKind::Direct
        } else {
            QuoteKind::Partial
        }
    }

    /// "known as “the Accountant”", "the so-called “peace plan”": the words before the marks say they
    /// name something.
    fn named_not_said(&self, open_token: usize) -> bool {
        let word = |back: usize| {
            open_token
                .checked_sub(back)
                .map_or("", |i| self.r.first_word(i, open_token))
        };
        NOT_SPEECH_BEFORE.contains(&word(1))
            || NOT_SPEECH_BEFORE.contains(&word(2))
            || (word(1) == "as"
                && matches!(
                    word(2),
                    "known" | "referred" | "billed" | "styled" | "nicknamed"
                ))
    }

    /// "A report by the Westbridge Institute, “Friction Costs”, estimated …": a few words in title case
    /// with no sentence punctuation, set off by commas, name a work even when a cue follows.
    fn is_title_of_work(&self, open_token: usize, text: &str) -> bool {
        let after_comma = open_token > 0 && self.seg.token_text(open_token - 1) == ",";
        // Most quotes follow no comma: their words are not read.
        if !after_comma {
            return false;
        }
        let words = text.split_whitespace();
        (2..=6).contains(&words.clone().take(7).count())
            && !text.ends_with(['.', '!', '?', ','])
            && words.into_iter().all(|w| {
                w.starts_with(char::is_uppercase)
                    || matches!(
                        w,
                        "of" | "the" | "a" | "an" | "to" | "and" | "in" | "on" | "for" | "at"
                    )
            })
    }

    /// Scare quotes, titles and nicknames: short quoted words that nothing attributes.
    fn is_not_speech(&self, open_token: usize, kind: QuoteKind, text: &str) -> bool {
        if (open_token.saturating_sub(2)..open_token)
            .any(|i| NOT_SPEECH_BEFORE.contains(&self.r.first_word(i, open_token)))
        {
            return true;
        }
        let words = text.split_whitespace();
        // Three words or fewer: counted only as far as the fourth.
        if kind == QuoteKind::Partial || words.clone().nth(3).is_none() {
            return true;
        }
        // Title case: every word but the small function words capitalised. Those are ASCII, and no
        // other character lowercases to their letters, so comparing without case needs no copy.
        words
            .filter(|w| {
                !["of", "the", "a", "an", "to", "and", "in", "on", "for", "at"]
                    .iter()
                    .any(|small| w.eq_ignore_ascii_case(small))
            })
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            && !text.ends_with(['.', '!', '?', ','])
    }

    /// `“…,” X said`, `“…,” said X`, `“…,” X, the minister, said`, `“…” he added`.
    fn trailing_cue(
        &mut self,
        q: &QuotedSpan,
        close_token: Option<usize>,
        kind: QuoteKind,
    ) -> Option<Attribution> {
        let close = close_token?;
        let seg = self.seg;
        let mut s = seg.sentence_at(q.close?.start)?;
        // "“Can we win?” Mr. Manafort asked.": a quote that ends its sentence may take its cue from a short
        // sentence right after it in the same paragraph.
        if close + 1 == seg.sentences[s].end_token
            && let Some(next) = seg.sentences.get(s + 1)
            && next.paragraph == seg.sentences[s].paragraph
            && next.end_token - next.first_token <= 12
            && !self.in_quote[next.first_token]
        {
            s += 1;
        }
        let sentence = seg.sentences[s];
        let start = close + 1;
        // Room for a long apposition after a direct quote: "…,” Jeb Bush, the former Florida governor and
        // a candidate, said. A partial quote's cue stands close by, or it belongs to other words.
        let reach = if kind == QuoteKind::Partial { 10 } else { 30 };
        let mut limit = sentence.end_token.min(start + reach);
        if let Some(next_quote) = (start..limit).find(|&i| self.in_quote[i]) {
            limit = next_quote;
        }
        let hit = self
            .cues_starting_in(s, start, limit)
            .iter()
            .find(|c| c.entry.kind.introduces_speech())
            .copied()?;
        if hit.entry.kind == CueKind::Source {
            let m = self.r.phrase_starting_at(hit.end, sentence.end_token)?;
            return Some(self.attribute(m, hit, q.open.start));
        }
        // "…,” said X": the inverted subject stands right after the quote, and never after a verb whose
        // object is the person spoken to ("…” and urged allies").
        let inverted = hit.first <= start + 1 && !hit.entry.takes_addressee;
        let subject = self.subject_before(hit.first, start).or_else(|| {
            inverted
                .then(|| self.subject_after(hit, sentence.end_token))
                .flatten()
        });
        // A participle right after a quote ("…,” adding that) takes the sentence's subject, before the quote.
        let subject = subject.or_else(|| {
            (hit.entry.kind == CueKind::Participle)
                .then(|| self.main_subject(s, seg.token_at_or_after(q.open.start)))
                .flatten()
        })?;
        Some(self.attribute(subject, hit, q.open.start))
    }

    /// `X said: “…”`, `X told Y: “…”`, `joking that … “…”`: the nearest cue before the quote, in its
    /// sentence.
    fn leading_cue(&mut self, q: &QuotedSpan, open_token: usize) -> Option<Attribution> {
        let seg = self.seg;
        let s = seg.sentence_at(q.open.start)?;
        let sentence = seg.sentences[s];
        let floor = (sentence.first_token..open_token)
            .rev()
            .find(|&i| self.in_quote[i])
            .map(|i| i + 1)
            .unwrap_or(sentence.first_token);
        let hit = self
            .cues_starting_in(s, floor, open_token)
            .iter()
            .rev()
            .filter(|c| c.end <= open_token)
            .find(|c| c.entry.kind.introduces_speech())
            .copied();
        let Some(hit) = hit else {
            return self.colon_cue(s, floor, open_token, q.open.start);
        };
        let subject = match hit.entry.kind {
            CueKind::Source => self.r.phrase_starting_at(hit.end, open_token),
            CueKind::Participle => self.main_subject(s, hit.first),
            _ => self
                .coordinated_subject(hit)
                .or_else(|| self.subject_before(hit.first, floor))
                .or_else(|| {
                    (!hit.entry.takes_addressee)
                        .then(|| self.subject_after(hit, open_token))
                        .flatten()
                }),
        }?;
        Some(self.attribute(subject, hit, q.open.start))
    }

    /// `X: “…”` (headlines, transcripts): a name or organisation that opens the sentence, then a colon.
    fn colon_cue(
        &mut self,
        s: usize,
        floor: usize,
        open_token: usize,
        position: usize,
    ) -> Option<Attribution> {
        let colon = open_token.checked_sub(1).filter(|&c| c > floor)?;
        if self.seg.token_text(colon) != ":" {
            return None;
        }
        let m = self.r.phrase_ending_at(colon - 1, floor)?;
        if m.first_token != self.seg.sentences[s].first_token
            || !matches!(m.phrase, NounPhrase::Name { .. })
        {
            return None;
        }
        let hit = CueHit::colon(colon, s);
        Some(self.attribute(m, hit, position))
    }

    /// A quote with no cue: the previous quote's speaker when it continues a run of quotes (the previous
    /// paragraph, or earlier in the same paragraph).
    fn continued_speaker(
        &self,
        q: &QuotedSpan,
        open_token: usize,
        found: &[Found],
    ) -> Option<Attribution> {
        let previous = found.iter().rev().find(|f| f.kind != QuoteKind::Indirect)?;
        let entity = previous.attribution.entity?;
        let para = q.first_paragraph;
        let same_paragraph = previous.paragraph == para;
        let paragraph_start = self.seg.paragraphs[para].first_token == open_token;
        // Skip paragraphs that are not narrative (captions, "Open Image Modal") between the two.
        let previous_end = self
            .seg
            .paragraph_at(previous.span.end)
            .unwrap_or(previous.paragraph);
        let gap_is_captions = (previous_end + 1..para).all(|p| !self.narrative[p]);
        if !(same_paragraph || (paragraph_start && gap_is_captions && para > previous_end)) {
            return None;
        }
        Some(Attribution {
            entity: Some(entity),
            mention: previous.attribution.mention,
            cue: None,
        })
    }

    /// The subject noun phrase that ends right before the cue at `cue_first` (skipping auxiliaries,
    /// manner adverbs and an apposition between commas), looking no further left than `floor`.
    fn subject_before(&self, cue_first: usize, floor: usize) -> Option<Mention> {
        let mut i = cue_first;
        while i > floor {
            let w = self.r.first_word(i - 1, cue_first);
            if self.r.is_auxiliary(i - 1, cue_first)
                || self.r.manner_tone(i - 1, cue_first).is_some()
                || (w.ends_with("ly") && w.len() > 4)
                || matches!(w, "yesterday" | "today" | "tonight")
            {
                i -= 1;
            } else if i >= floor + 2
                && ((is_weekday(w) && self.r.lower_word(i - 2) == "on")
                    || (is_month(w) && self.r.lower_word(i - 2) == "in"))
            {
                // "X on Thursday said", "X in July said": the time phrase sits between the subject and
                // its verb.
                i -= 2;
            } else {
                break;
            }
        }
        if i == floor {
            return None;
        }
        let mut last = i - 1;
        // Sen. Bernie Sanders (I-Vt.) said: skip a bracketed aside.
        if self.seg.token_text(last) == ")" {
            let open = (floor..last)
                .rev()
                .take(12)
                .find(|&j| self.seg.token_text(j) == "(")?;
            if open == floor {
                return None;
            }
            last = open - 1;
        }
        // X, who replaced Y as leader, said … / X, who said …: "who" stands for the phrase before it.
        if self.r.first_word(last, last + 1) == "who" && last > floor + 1 {
            if self.seg.token_text(last - 1) == "," {
                return self.r.phrase_ending_at(last - 2, floor);
            }
            // "Tory leader Michael Howard who said": without the comma, only a name is safe to take.
            return self.r.phrase_ending_at(last - 1, floor).filter(|m| {
                matches!(
                    m.phrase,
                    NounPhrase::Name {
                        kind: SpeakerType::Person,
                        ..
                    }
                )
            });
        }
        // "It said the mine will open": in news, "it" before a verb of saying is the company or body
        // named before.
        if self.r.first_word(last, last + 1) == "it" {
            return Some(Mention {
                span: self.seg.tokens[last].span,
                first_token: last,
                end_token: last + 1,
                phrase: NounPhrase::Pronoun(Pronoun::It),
            });
        }
        if self.seg.token_text(last) == "," {
            // X, the foreign minister, said / X, who replaced Y as leader, said: the subject is before the
            // apposition.
            let open = (floor..last)
                .rev()
                .take(30)
                .find(|&j| self.seg.token_text(j) == ",")?;
            if open == floor || self.in_quote[open] {
                return None;
            }
            // "The US ambassador, Michael Harlan, told …": the name between the commas is the speaker.
            // ... when what stands before is a role or an institution ("The head of the agency, Dr Lucia
            // Ferrante, warned"), or any description the lexicons have no word for ("The harbour
            // master, Olav Strand, said"), not a person or place.
            let role_before = match self.r.phrase_ending_at(open - 1, floor) {
                Some(m) => matches!(
                    m.phrase,
                    NounPhrase::Common {
                        class: TitleClass::Role | TitleClass::Title,
                        ..
                    } | NounPhrase::Name {
                        kind: SpeakerType::Organisation,
                        ..
                    }
                ),
                None => self.description_ending_at(open - 1, floor),
            };
            if role_before
                && let Some(inner) = self.r.phrase_starting_at(open + 1, last)
                && inner.end_token == last
                && matches!(
                    inner.phrase,
                    NounPhrase::Name {
                        kind: SpeakerType::Person,
                        ..
                    }
                )
            {
                return Some(inner);
            }
            // The apposition may hold commas of its own ("Cecelia Purner, 67, a retired clerk in
            // Allentown, Pa., said"): the subject is the leftmost phrase whose comma opens an apposition.
            let leftmost = (floor.max(last.saturating_sub(40))..last)
                .filter(|&j| j > floor && self.seg.token_text(j) == "," && !self.in_quote[j])
                .find_map(|j| {
                    if !self.opens_apposition(j + 1, last) {
                        return None;
                    }
                    self.r.phrase_ending_at(j - 1, floor).filter(|m| {
                        matches!(
                            m.phrase,
                            NounPhrase::Name { .. } | NounPhrase::Common { .. }
                        )
                    })
                });
            return leftmost.or_else(|| self.r.phrase_ending_at(open - 1, floor));
        }
        self.r.phrase_ending_at(last, floor).or_else(|| {
            // "several owners of the boats": the group that opens the clause is the subject,
            // not the description at its end.
            let generic = self.generic_phrase_ending_at(last, floor);
            let group = self.group_phrase_ending_at(last, floor);
            match (generic, group) {
                (Some(g), Some(q)) if q.first_token < g.first_token => Some(q),
                (g, q) => g.or(q),
            }
        })
    }

    /// "21 percent said", "six in 10 say", "Most said", "those surveyed said", "several supporters of
    /// the plan said", "her campaign workers said": a share, a count or a quantifier that opens the
    /// clause and runs, through lowercase words, to the verb names a group of speakers (voters in a
    /// poll, members of a camp) the lexicons have no word for. Anchored at the clause's start so that
    /// an object before a verb of saying ("won 21 percent said") is never read as its subject.
    fn group_phrase_ending_at(&self, last: usize, floor: usize) -> Option<Mention> {
        let tokens = &self.seg.tokens;
        let head = self.seg.token_text(last);
        let head_ok = head == "%"
            || (tokens[last].kind == TokenKind::Word
                && !matches!(self.r.lower_word(last), "and" | "but" | "or" | "yet" | "so"));
        if !head_ok || self.in_quote[last] {
            return None;
        }
        // The leftmost quantifier or number within reach; what lies between is words (and "%").
        let reach = floor.max(last.saturating_sub(MAX_GROUP_TOKENS));
        let mut start = None;
        let mut i = last + 1;
        while i > reach {
            i -= 1;
            let raw = self.seg.token_text(i);
            let word = tokens[i].kind == TokenKind::Word;
            if self.in_quote[i] || !(word || raw == "%") || self.r.is_auxiliary(i, last + 1) {
                break;
            }
            if self.r.pronoun(i).is_some() || self.r.lower_word(i) == "who" {
                break;
            }
            if word
                && (is_quantity_word(self.r.lower_word(i))
                    || raw.starts_with(|c: char| c.is_ascii_digit()))
            {
                start = Some(i);
            }
        }
        let mut start = start?;
        // A bare quantifier is the whole subject ("Most said"); a longer phrase ends in a lowercase
        // head or a number ("those surveyed", "21 percent", "six in 10"), never a name.
        if start < last
            && head != "%"
            && !head.starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit())
        {
            return None;
        }
        while start > floor
            && matches!(
                self.r.first_word(start - 1, last),
                "only" | "nearly" | "almost" | "roughly" | "about" | "just" | "over" | "some"
            )
        {
            start -= 1;
        }
        if start >= 2
            && start - 2 >= floor
            && self.r.first_word(start - 1, last) == "than"
            && matches!(
                self.r.first_word(start - 2, last),
                "more" | "fewer" | "less"
            )
        {
            start -= 2;
        }
        let opens_clause = start == floor
            || matches!(
                self.seg.token_text(start - 1),
                "," | ";" | ":" | "\u{2014}" | "\u{2013}" | "("
            )
            || matches!(
                self.r.first_word(start - 1, last),
                "and"
                    | "but"
                    | "while"
                    | "whereas"
                    | "although"
                    | "though"
                    | "because"
                    | "as"
                    | "since"
                    | "yet"
                    | "even"
            );
        if !opens_clause {
            return None;
        }
        Some(Mention {
            span: Span::new(tokens[start].span.start, tokens[last].span.end),
            first_token: start,
            end_token: last + 1,
            phrase: NounPhrase::Common {
                head: tokens[last].span,
                class: TitleClass::Group,
            },
        })
    }

    /// "the website explains", "the 43-year-old said", "one commenter wrote": a determiner and up to three
    /// lowercase words right before a cue name a speaker the lexicons have no word for. They are kept as
    /// unnamed speakers of their article.
    fn generic_phrase_ending_at(&self, last: usize, floor: usize) -> Option<Mention> {
        const DETERMINERS: &[&str] = &[
            "the", "a", "an", "one", "another", "this", "that", "some", "many",
        ];
        let raw = self.seg.token_text(last);
        if self.seg.tokens[last].kind != TokenKind::Word
            || !raw.starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit())
            || matches!(self.r.lower_word(last), "and" | "but" | "or" | "yet" | "so")
        {
            return None;
        }
        let word = |i: usize| self.r.first_word(i, last + 1);
        let start = (floor.max(last.saturating_sub(3))..last)
            .rev()
            .take_while(|&i| self.seg.tokens[i].kind == TokenKind::Word)
            .find(|&i| DETERMINERS.contains(&word(i)))?;
        if (start + 1..=last)
            .any(|i| DETERMINERS.contains(&word(i)) || self.r.is_auxiliary(i, last + 1))
        {
            return None;
        }
        let head = self.seg.tokens[last].span;
        Some(Mention {
            span: Span::new(self.seg.tokens[start].span.start, head.end),
            first_token: start,
            end_token: last + 1,
            phrase: NounPhrase::Common {
                head,
                class: TitleClass::Anonymous,
            },
        })
    }

    /// Whether tokens up to `last` end a description that opens with a determiner or a possessive and
    /// has no capitalised word after it: "the harbour master", "the director of the film", "her
    /// lawyer", "the town's harbour master". The head is lowercase, so no name ends there.
    fn description_ending_at(&self, last: usize, floor: usize) -> bool {
        self.description_start(last, floor).is_some()
    }

    /// Where the description that [`Article::description_ending_at`] accepts starts: its leftmost
    /// determiner or possessive, at most eight words back.
    fn description_start(&self, last: usize, floor: usize) -> Option<usize> {
        const OPENERS: &[&str] = &[
            "the", "a", "an", "his", "her", "their", "its", "our", "my", "your",
        ];
        let head = self.seg.token_text(last);
        if self.seg.tokens[last].kind != TokenKind::Word || !head.starts_with(char::is_lowercase) {
            return None;
        }
        (floor.max(last.saturating_sub(8))..last)
            .rev()
            .take_while(|&j| self.seg.tokens[j].kind == TokenKind::Word && !self.in_quote[j])
            .filter(|&j| {
                OPENERS.contains(&self.r.first_word(j, last + 1))
                    || self.seg.token_text(j).ends_with("'s")
                    || self.seg.token_text(j).ends_with("\u{2019}s")
            })
            .last()
    }

    /// Whether token `i` can open an apposition: a determiner, who/which, an age, a possessive, a title.
    fn opens_apposition(&self, i: usize, end: usize) -> bool {
        if i >= end || self.seg.tokens[i].kind != TokenKind::Word {
            return false;
        }
        let raw = self.seg.token_text(i);
        let w = self.r.first_word(i, end);
        matches!(
            w,
            "the" | "a" | "an" | "who" | "which" | "whose" | "now" | "then" | "also" | "one"
        ) || raw.starts_with(|c: char| c.is_ascii_digit())
            || raw.ends_with("\u{2019}s")
            || raw.ends_with("'s")
            || self.r.facts(i).is_some_and(|f| f.title.is_some())
            || raw.starts_with(char::is_lowercase)
    }

    /// The inverted subject after a cue: `said X`, `said the minister`, `said one person with knowledge
    /// of the talks`.
    fn subject_after(&self, hit: CueHit, ceiling: usize) -> Option<Mention> {
        let mut i = hit.end;
        while self.r.manner_tone(i, ceiling).is_some() {
            i += 1;
        }
        // "said the ferry would sail", "said he would resign": a subject followed by a finite verb opens
        // the reported clause; it is not the inverted speaker of the cue.
        let finite =
            |j: usize| j < ceiling && FINITE_AUXILIARIES.contains(&self.r.first_word(j, ceiling));
        if let Some(m) = self.r.phrase_starting_at(i, ceiling) {
            return (!finite(m.end_token)).then_some(m);
        }
        {
            let w = self.r.first_word(i, ceiling);
            if !matches!(
                w,
                "a" | "an" | "one" | "another" | "two" | "three" | "several" | "some" | "the"
            ) {
                return None;
            }
            let end = (i + 1..ceiling.min(i + 12))
                .find(|&j| self.seg.tokens[j].kind != TokenKind::Word)
                .unwrap_or(ceiling.min(i + 12));
            let closes = end >= ceiling || matches!(self.seg.token_text(end), "," | "." | ";");
            let clause = (i + 1..end).any(|j| finite(j) || self.r.pronoun(j).is_some());
            (end > i + 1 && closes && !clause).then(|| Mention {
                span: Span::new(
                    self.seg.tokens[i].span.start,
                    self.seg.tokens[end - 1].span.end,
                ),
                first_token: i,
                end_token: end,
                phrase: NounPhrase::Common {
                    head: self.seg.tokens[end - 1].span,
                    class: TitleClass::Anonymous,
                },
            })
        }
    }

    /// `X declined to comment but said …`, `X met Y and said …`: a cue right after `and` or `but`
    /// shares the subject of the verb before it, the sentence's subject; the phrase that stands
    /// before the conjunction is that verb's object.
    fn coordinated_subject(&self, hit: CueHit) -> Option<Mention> {
        let sentence = self.seg.sentences[hit.sentence];
        let mut i = hit.first;
        while i > sentence.first_token && self.r.is_auxiliary(i - 1, i) {
            i -= 1;
        }
        let conjunction = i > sentence.first_token + 1
            && matches!(self.r.lower_word(i - 1), "and" | "but")
            && self.seg.tokens[i - 1].kind == TokenKind::Word;
        if !conjunction {
            return None;
        }
        self.main_subject(hit.sentence, i - 1)
            .filter(|m| m.end_token < i - 1 && self.main_starts[hit.sentence] <= m.first_token)
    }

    /// The subject of sentence `s`'s main clause, before token `before`.
    fn main_subject(&self, s: usize, before: usize) -> Option<Mention> {
        let start = self.main_starts[s];
        (start..before.min(start + MAX_CLAUSE_TOKENS)).find_map(|i| {
            if self.in_quote[i] {
                return None;
            }
            if self.r.pronoun(i).is_some() {
                return self.r.phrase_starting_at(i, before);
            }
            let m = self.r.phrase_starting_at(i, before)?;
            matches!(
                m.phrase,
                NounPhrase::Name { .. } | NounPhrase::Common { .. }
            )
            .then_some(m)
        })
    }

    /// Resolves a subject mention to an entity, and packs the cue.
    fn attribute(&mut self, m: Mention, hit: CueHit, position: usize) -> Attribution {
        let entity = self.resolve(&m, hit.entry.continues, position);
        let manner = self.manner_adverb(hit);
        Attribution {
            entity,
            mention: Some(m.span),
            cue: Some((hit, manner)),
        }
    }

    fn manner_adverb(&self, hit: CueHit) -> Option<usize> {
        let sentence = self.seg.sentences[hit.sentence];
        let before = hit
            .first
            .checked_sub(1)
            .filter(|&i| i >= sentence.first_token);
        let after = Some(hit.end).filter(|&i| i < sentence.end_token);
        [before, after]
            .into_iter()
            .flatten()
            .find(|&i| self.r.manner_tone(i, i + 1).is_some())
    }

    fn resolve(&mut self, m: &Mention, continues: bool, position: usize) -> Option<usize> {
        match &m.phrase {
            NounPhrase::Name {
                name,
                role,
                gender,
                kind,
            } => Some(
                self.mentions_before(m.span.end)
                    .last()
                    .filter(|(span, _, _)| span.overlaps(m.span))
                    .map(|&(_, e, _)| e)
                    .unwrap_or_else(|| {
                        self.entities
                            .add_name(self.seg.text, *name, *role, *gender, *kind, m.span)
                    }),
            ),
            NounPhrase::Pronoun(p) => self.resolve_pronoun(*p, m.span.start, continues, position),
            NounPhrase::Common { head, class } => {
                let phrase = m.span.of(self.seg.text);
                match class {
                    TitleClass::Role | TitleClass::Title | TitleClass::Honorific => {
                        let head = head.of(self.seg.text).to_lowercase();
                        let before = self.entities.most_recent(m.span.start, |e| {
                            e.kind == SpeakerType::Person && e.has_role_word(&head)
                        });
                        let resolved = before.or_else(|| self.entities.with_role(&head));
                        // "the spokeswoman" after "Jane Doe said": a definite role may stand for the
                        // last person named, but only one whose role is not known. "The mayor" after
                        // "Olav Strand, the harbour master," is someone else, kept as the role itself.
                        let definite = phrase.to_lowercase().starts_with("the ");
                        let resolved = resolved.or_else(|| {
                            definite
                                .then(|| {
                                    self.entities
                                        .most_recent(m.span.start, |e| {
                                            e.kind == SpeakerType::Person
                                        })
                                        .filter(|&e| self.entities.list[e].role().is_none())
                                })
                                .flatten()
                        });
                        Some(resolved.unwrap_or_else(|| {
                            self.entities
                                .add_unnamed(phrase, SpeakerType::Anonymous, m.span)
                        }))
                    }
                    TitleClass::Organisation => {
                        // "the ministry" after "Valdoria’s Interior Ministry": the organisation named before.
                        let head = head.of(self.seg.text).to_lowercase();
                        if let Some(e) = self.entities.most_recent(m.span.start, |e| {
                            e.kind == SpeakerType::Organisation && e.has_name_word(&head)
                        }) {
                            return Some(e);
                        }
                        let name = strip_determiner(phrase);
                        Some(self.entities.add_name(
                            self.seg.text,
                            Span::new(m.span.end - name.len(), m.span.end),
                            None,
                            None,
                            SpeakerType::Organisation,
                            m.span,
                        ))
                    }
                    TitleClass::Group => Some(self.entities.add_unnamed(
                        strip_determiner(phrase),
                        SpeakerType::Group,
                        m.span,
                    )),
                    TitleClass::Anonymous => Some(self.entities.add_unnamed(
                        phrase,
                        SpeakerType::Anonymous,
                        m.span,
                    )),
                }
            }
        }
    }

    /// he, she, they, we: the previous speaker for continuation cues (`he added`), else the nearest
    /// compatible subject of a clause before, else the previous speaker, else the nearest compatible
    /// mention.
    fn resolve_pronoun(
        &self,
        p: Pronoun,
        at: usize,
        continues: bool,
        position: usize,
    ) -> Option<usize> {
        let previous_speaker = self.previous_speaker(position);
        let fits = |e: usize| pronoun_fits(p, &self.entities.list[e]);
        // "it said" in a run of a company's statements is that company, whatever else was named since.
        if (continues || p == Pronoun::It)
            && let Some(e) = previous_speaker.filter(|&e| fits(e))
        {
            return Some(e);
        }
        let para = self.seg.paragraph_at(at).unwrap_or(0);
        let window_start = self.seg.paragraphs[para.saturating_sub(3)].span.start;
        let narrative = |span: &Span| {
            self.seg
                .paragraph_at(span.start)
                .is_some_and(|p| self.narrative[p])
        };
        let candidates = self
            .mentions_before(at)
            .iter()
            .rev()
            .take_while(|(span, _, _)| span.start >= window_start)
            .take(MAX_ANTECEDENT_MENTIONS)
            .filter(|(span, _, _)| narrative(span));
        if let Some(&(_, e, _)) = candidates
            .clone()
            .find(|&&(_, e, subject)| subject && fits(e))
        {
            return Some(e);
        }
        if let Some(e) = previous_speaker.filter(|&e| fits(e)) {
            return Some(e);
        }
        candidates
            .clone()
            .find(|&&(_, e, _)| fits(e))
            .map(|&(_, e, _)| e)
    }

    /// The speaker of the last attributed quote before `position`, as attributed so far. Only direct and
    /// partial quotes are known while quotes are attributed in order; that is what `he added` refers to.
    fn previous_speaker(&self, position: usize) -> Option<usize> {
        self.last_speakers
            .range(..position)
            .next_back()
            .map(|(_, &e)| e)
    }

    /// Headlines report speech in a compressed grammar: `Lavrov: relations at a low point`, `Russia tells
    /// Johnson: …`, `Minister warns of …`, `Ministry says …`. The first paragraph of a text is read so
    /// when it is one short sentence with more text after it; the speaker opens it (after a label
    /// such as "The Latest:"), and the addressee of `tells` or `urges` is never the speaker. A name
    /// before a colon counts only when the article quotes it, or when it is a role or an institution:
    /// `Brexit: what happens next` names a topic, not a speaker.
    fn headline(&mut self, found: &[Found]) -> Option<Found> {
        let seg = self.seg;
        let paragraph = *seg.paragraphs.first()?;
        if seg.paragraphs.len() < 2 || paragraph.end_sentence != paragraph.first_sentence + 1 {
            return None;
        }
        let s = paragraph.first_sentence;
        let mut end = paragraph.end_token;
        while end > paragraph.first_token && matches!(seg.token_text(end - 1), "." | "!") {
            end -= 1;
        }
        let words = (paragraph.first_token..end)
            .filter(|&i| seg.tokens[i].kind == TokenKind::Word)
            .count();
        if words > MAX_HEADLINE_WORDS {
            return None;
        }
        let mut start = paragraph.first_token;
        if let Some(colon) = (start + 1..end.min(start + 4)).find(|&i| seg.token_text(i) == ":")
            && (start..colon).all(|i| HEADLINE_LABELS.contains(&self.r.lower_word(i)))
        {
            start = colon + 1;
        }
        let (subject, hit, content_first) = self
            .headline_colon(s, start, end, found)
            .or_else(|| self.headline_verb(s, start, end))?;
        let content_words = (content_first..end)
            .filter(|&i| seg.tokens[i].kind == TokenKind::Word)
            .count();
        if content_words < 2 {
            return None;
        }
        let content = Span::new(
            seg.tokens[content_first].span.start,
            seg.tokens[end - 1].span.end,
        );
        if found.iter().any(|f| f.span.overlaps(content)) {
            return None;
        }
        let attribution = self.attribute(subject, hit, content.start);
        attribution.entity?;
        Some(Found {
            kind: QuoteKind::Indirect,
            span: content,
            text: content.of(seg.text).to_string(),
            paragraph: 0,
            attribution,
        })
    }

    /// Transcripts and interviews: paragraphs that open with a speaker's label and a colon (`Q: …`,
    /// `A: …`, `MARLOW: …`, `Ines Duarte: …`). The words after the label are the speaker's own.
    /// Paragraphs of that shape also make notes and lists ("Update: …", "Iowa: 12 delegates"); what
    /// tells a transcript is that some speaker takes more than one turn.
    fn transcript_turns(&mut self, found: &[Found]) -> Vec<Found> {
        const NOT_SPEAKERS: &[&str] = &[
            "note",
            "editor",
            "correction",
            "source",
            "sources",
            "photo",
            "related",
            "read",
            "more",
            "warning",
            "disclaimer",
            "credit",
            "credits",
            "follow",
            "contact",
            "email",
            "tags",
            "topics",
            "see",
            "also",
            "subscribe",
            "share",
            "updated",
            "posted",
            "published",
            "by",
        ];
        let seg = self.seg;
        let mut turns = Vec::new();
        for (p, paragraph) in seg.paragraphs.iter().enumerate().skip(1) {
            let first = paragraph.first_token;
            let Some(colon) =
                (first + 1..paragraph.end_token.min(first + 5)).find(|&i| seg.token_text(i) == ":")
            else {
                continue;
            };
            let label_ok = (first..colon).all(|i| {
                let w = self.r.lower_word(i);
                (seg.tokens[i].kind == TokenKind::Word
                    && seg.token_text(i).starts_with(char::is_uppercase)
                    && !HEADLINE_LABELS.contains(&w)
                    && !NOT_SPEAKERS.contains(&w)
                    && !self.r.class(i).is_not_name())
                    || seg.token_text(i) == "."
            });
            if !label_ok || self.in_quote[colon] || colon + 1 >= paragraph.end_token {
                continue;
            }
            let content = Span::new(
                seg.tokens[colon + 1].span.start,
                seg.tokens[paragraph.end_token - 1].span.end,
            );
            if found.iter().any(|f| f.span.overlaps(content)) {
                continue;
            }
            let label = Span::new(seg.tokens[first].span.start, seg.tokens[colon - 1].span.end);
            let mention = Mention {
                span: label,
                first_token: first,
                end_token: colon,
                phrase: NounPhrase::Name {
                    name: label,
                    role: None,
                    gender: None,
                    kind: SpeakerType::Person,
                },
            };
            turns.push((p, colon, mention, content));
        }
        let speaker_word = |m: &Mention| self.r.lower_word(m.end_token - 1);
        let mut words: Vec<&str> = turns.iter().map(|(_, _, m, _)| speaker_word(m)).collect();
        words.sort_unstable();
        if !words.windows(2).any(|w| w[0] == w[1]) {
            return Vec::new();
        }
        turns
            .into_iter()
            .map(|(p, colon, mention, content)| {
                let hit = CueHit::colon(colon, seg.paragraphs[p].first_sentence);
                Found {
                    kind: QuoteKind::Direct,
                    span: content,
                    text: content.of(seg.text).to_string(),
                    paragraph: p,
                    attribution: self.attribute(mention, hit, content.start),
                }
            })
            .collect()
    }

    /// `SPEAKER: CONTENT` in a headline: the subject, the colon as cue, and the first content token.
    fn headline_colon(
        &mut self,
        s: usize,
        start: usize,
        end: usize,
        found: &[Found],
    ) -> Option<(Mention, CueHit, usize)> {
        let colon = (start + 1..end.min(start + 8))
            .find(|&i| self.seg.token_text(i) == ":" && !self.in_quote[i])?;
        let m = self
            .r
            .phrase_ending_at(colon - 1, start)
            .filter(|m| m.first_token == start)?;
        let speaks = match m.phrase {
            NounPhrase::Common { class, .. } => matches!(
                class,
                TitleClass::Role | TitleClass::Title | TitleClass::Organisation | TitleClass::Group
            ),
            NounPhrase::Name { .. } => {
                // Resolving joins the name to the article's own mentions of that person.
                let e = self.resolve(&m, false, 0);
                e.is_some() && found.iter().any(|f| f.attribution.entity == e)
            }
            NounPhrase::Pronoun(_) => false,
        };
        let hit = CueHit::colon(colon, s);
        speaks.then_some((m, hit, colon + 1))
    }

    /// `SPEAKER says|tells X|warns (of) CONTENT` in a headline: the subject before the first verb of
    /// saying, the cue, and the first content token after any addressee.
    fn headline_verb(
        &self,
        s: usize,
        start: usize,
        end: usize,
    ) -> Option<(Mention, CueHit, usize)> {
        let seg = self.seg;
        let hit = (start + 1..end).find_map(|i| {
            let entry = self.r.cue_at(i, end)?;
            let says = matches!(
                entry.framing,
                super::Framing::Neutral
                    | super::Framing::Endorse
                    | super::Framing::Distance
                    | super::Framing::Concede
                    | super::Framing::Tentative
            );
            (matches!(entry.kind, CueKind::Verb | CueKind::Phrase)
                && (says || entry.takes_addressee))
                .then_some(CueHit {
                    first: i,
                    end: i + entry.words,
                    entry,
                    sentence: s,
                })
        })?;
        // The subject must be a speaker: a name, a role, an institution or a group. "The talks
        // continued on Monday" opens with no speaker.
        let subject = self
            .subject_before(hit.first, start)
            .filter(|m| m.first_token == start)
            .filter(|m| match m.phrase {
                NounPhrase::Name { .. } => true,
                NounPhrase::Common { class, .. } => class != TitleClass::Anonymous,
                NounPhrase::Pronoun(_) => false,
            })?;
        let mut i = hit.end;
        if self.r.manner_tone(i, end).is_some() {
            i += 1;
        }
        let opens_content = |i: usize| {
            i >= end
                || matches!(seg.token_text(i), ":" | "\u{2014}")
                || matches!(
                    self.r.lower_word(i),
                    "that" | "of" | "over" | "about" | "against"
                )
        };
        if hit.entry.takes_addressee
            && !opens_content(i)
            && let Some(addressee) = self.r.phrase_starting_at(i, end)
        {
            i = addressee.end_token;
        }
        if i < end && opens_content(i) {
            i += 1;
        }
        (i < end).then_some((subject, hit, i))
    }

    /// Reported speech: `X said (that) …`, `X told Y that …`, `…, X said.`, `according to X, …`.
    fn indirect_speech(&mut self, used_cues: &[bool], found: &[Found]) -> Vec<Found> {
        // Direct quotes in text order, non-overlapping: found by binary search.
        let direct: Vec<Span> = found
            .iter()
            .filter(|f| f.kind == QuoteKind::Direct)
            .map(|f| f.span)
            .collect();
        let overlaps_direct = |content: Span| {
            let i = direct.partition_point(|d| d.end <= content.start);
            direct.get(i).is_some_and(|d| d.overlaps(content))
        };
        self.mark_direct(found);
        let mut out = Vec::new();
        for (c, &used) in used_cues.iter().enumerate() {
            if used {
                continue;
            }
            let hit = self.cues[c];
            let Some((subject, content)) = self.reported_clause(hit) else {
                continue;
            };
            if overlaps_direct(content) {
                continue;
            }
            let text = content.of(self.seg.text);
            if text.split_whitespace().nth(2).is_none() {
                continue;
            }
            let attribution = self.attribute(subject, hit, content.start);
            let Some(entity) = attribution.entity else {
                continue;
            };
            // A passage is said once, by one speaker: when two cues read the same clause, the one
            // that introduces it wins ([`Article::cue_rank`]).
            let rank = self.cue_rank(hit, content);
            if let Some(earlier) = out.iter_mut().find(|f: &&mut Found| f.span == content) {
                let earlier_rank = earlier
                    .attribution
                    .cue
                    .map_or((true, usize::MAX, 0), |(h, _)| self.cue_rank(h, content));
                if rank < earlier_rank {
                    earlier.attribution = attribution;
                    self.last_speakers.insert(content.start, entity);
                }
                continue;
            }
            self.last_speakers.insert(content.start, entity);
            out.push(Found {
                kind: QuoteKind::Indirect,
                span: content,
                text: text.to_string(),
                paragraph: self.seg.sentences[hit.sentence].paragraph,
                attribution,
            });
        }
        out
    }

    /// How well a cue introduces a reported clause, smaller is better: (inside the clause, bytes
    /// between cue and clause, fewer words). Read on the news corpus, where one clause had two
    /// readings: a cue inside the clause belongs to what was said ("proposals, rejected by ministers,
    /// would ..., he said"; "the service, called X, offers ..., the company said"), so one outside
    /// wins; of two outside, the nearer introduces the clause and the farther reached it across the
    /// nearer ("a spokesman said in reply to questions", "he said, contradicting ..."); at equal
    /// distance the longer cue is the more specific. A tie keeps the earlier cue.
    fn cue_rank(&self, hit: CueHit, content: Span) -> (bool, usize, usize) {
        let tokens = &self.seg.tokens;
        let (start, end) = (tokens[hit.first].span.start, tokens[hit.end - 1].span.end);
        let (inside, distance) = if end <= content.start {
            (false, content.start - end)
        } else if start >= content.end {
            (false, start - content.end)
        } else {
            (true, start.saturating_sub(content.start))
        };
        (inside, distance, usize::MAX - hit.entry.words)
    }

    /// The subject and reported clause of a cue, if it introduces one.
    fn reported_clause(&self, hit: CueHit) -> Option<(Mention, Span)> {
        let seg = self.seg;
        let sentence = seg.sentences[hit.sentence];
        let end = sentence.end_token;
        let clause_end = |from: usize| -> Option<Span> {
            // To the end of the sentence, or to the first quote mark; punctuation at either end excluded.
            let mut from = from;
            while from < end && seg.tokens[from].kind == TokenKind::Punct {
                from += 1;
            }
            let mut last = from;
            let mut i = from;
            let stop = end.min(from + MAX_CLAUSE_TOKENS);
            // Partial quotes inside the clause are part of it (a mixed quote); a direct quote ends it.
            while i < stop && self.no_direct(i, i + 1) {
                if self.in_quote[i] && i > from && seg.token_text(i - 1) == ":" {
                    break;
                }
                // "… and urged allies to …": a second speech act of the same speaker ends the clause.
                if !self.in_quote[i]
                    && i > from
                    && matches!(self.r.lower_word(i), "and" | "but")
                    && seg.tokens[i].kind == TokenKind::Word
                    && self
                        .cues_starting_in(hit.sentence, i + 1, i + 2)
                        .iter()
                        .any(|c| c.entry.kind == CueKind::Verb)
                {
                    break;
                }
                // "…, he added": the clause ends where another cue's subject takes over.
                if !self.in_quote[i]
                    && seg.token_text(i) == ","
                    && self
                        .cues_starting_in(hit.sentence, i + 2, i + 6)
                        .iter()
                        .any(|c| {
                            // Its own cue set off by commas ("A, she said, B") leaves the clause whole.
                            c.first != hit.first
                                && c.entry.kind.introduces_speech()
                                && self
                                    .subject_before(c.first, i + 1)
                                    .is_some_and(|m| m.first_token == i + 1)
                        })
                {
                    break;
                }
                if seg.tokens[i].kind != TokenKind::Punct || i + 1 < end {
                    last = i + 1;
                }
                i += 1;
            }
            // A clause that runs into a direct quote is cut short by it, unless a colon hands over.
            if i < stop && self.in_quote[i] && i > from && seg.token_text(i - 1) != ":" {
                return None;
            }
            while last > from
                && matches!(
                    seg.token_text(last - 1),
                    "," | ";" | ":" | "." | "\u{2014}" | "\u{2013}"
                )
            {
                last -= 1;
            }
            (last > from)
                .then(|| Span::new(seg.tokens[from].span.start, seg.tokens[last - 1].span.end))
        };
        match hit.entry.kind {
            CueKind::Source => {
                // According to X, CLAUSE.  /  CLAUSE, according to X.
                let source = self.source_after(hit, end)?;
                let opens = (sentence.first_token..hit.first)
                    .all(|i| matches!(self.r.lower_word(i), "but" | "and" | "yet" | "so"));
                if opens {
                    let comma = (source.end_token..end.min(source.end_token + MAX_CLAUSE_TOKENS))
                        .find(|&i| seg.token_text(i) == ",")?;
                    Some((source, clause_end(comma + 1)?))
                } else if hit.first > sentence.first_token
                    && hit.first <= sentence.first_token + MAX_CLAUSE_TOKENS
                    && seg.token_text(hit.first - 1) == ","
                {
                    let span = Span::new(sentence.span.start, seg.tokens[hit.first - 2].span.end);
                    self.no_direct(sentence.first_token, hit.first)
                        .then_some((source, span))
                } else {
                    None
                }
            }
            CueKind::Verb | CueKind::Phrase | CueKind::Participle => {
                let subject = if hit.entry.kind == CueKind::Participle {
                    self.main_subject(hit.sentence, hit.first)?
                } else if let Some(m) = self.coordinated_subject(hit) {
                    m
                } else {
                    self.subject_before(hit.first, sentence.first_token)
                        .or_else(|| self.subject_after(hit, end))?
                };
                let mut i = hit.end;
                if self.r.manner_tone(i, end).is_some() {
                    i += 1;
                }
                if subject.first_token >= hit.end {
                    i = subject.end_token;
                }
                if hit.entry.takes_addressee
                    && let Some(addressee) = self.r.phrase_starting_at(i, end)
                {
                    i = addressee.end_token;
                }
                // "said on Friday that", "told reporters in Moscow that": look a few words ahead for "that".
                if let Some(that) =
                    (i..end.min(i + 7)).find(|&j| self.r.first_word(j, end) == "that")
                {
                    // "said, adding that", "said ministers declared that": a speech verb between
                    // this cue and "that" owns the clause, and this cue reads what comes next instead.
                    let between_ok = (i..that)
                        .all(|j| seg.tokens[j].kind == TokenKind::Word || seg.token_text(j) == ",")
                        && !self
                            .cues_starting_in(hit.sentence, i, that)
                            .iter()
                            .any(|c| {
                                matches!(
                                    c.entry.kind,
                                    CueKind::Verb | CueKind::Phrase | CueKind::Participle
                                )
                            });
                    if between_ok {
                        return Some((subject, clause_end(that + 1)?));
                    }
                }
                // Without "that", only verbs of saying take a clause: "criticised the plan" has an object.
                let says = matches!(
                    hit.entry.framing,
                    super::Framing::Neutral
                        | super::Framing::Endorse
                        | super::Framing::Distance
                        | super::Framing::Concede
                        | super::Framing::Tentative
                );
                if says && i < end && self.starts_clause(i, end) {
                    return Some((subject, clause_end(i)?));
                }
                // CLAUSE, X said.  The cue and subject close the sentence.
                let tail_start = hit.first.min(subject.first_token);
                let rest = (hit.end.max(subject.end_token)..end)
                    .filter(|&j| seg.tokens[j].kind == TokenKind::Word)
                    .take(5)
                    .count();
                let tail_end = hit.end.max(subject.end_token);
                let closes = rest <= 4
                    || (tail_end < end
                        && matches!(seg.token_text(tail_end), ";" | ":" | "\u{2014}"));
                // "Otherwise, she said, …": one word and a comma before the cue is enough.
                let after_comma = tail_start >= sentence.first_token + 2
                    && tail_start <= sentence.first_token + MAX_CLAUSE_TOKENS
                    && seg.token_text(tail_start - 1) == ","
                    && self.no_direct(sentence.first_token, tail_start);
                if closes && after_comma {
                    let span = Span::new(sentence.span.start, seg.tokens[tail_start - 2].span.end);
                    return Some((subject, span));
                }
                // A, the Times said, B: the cue sits between commas inside the reported sentence.
                if after_comma
                    && tail_end < end
                    && seg.token_text(tail_end) == ","
                    && self.no_direct(tail_end, end)
                {
                    return Some((subject, clause_end(sentence.first_token)?));
                }
                None
            }
            CueKind::Noun | CueKind::Setting => None,
        }
    }

    /// The source after `according to`: a name or speaker phrase, else whatever noun phrase runs to
    /// the next comma or the sentence's end ("according to a count by the electoral commission",
    /// "according to people in the room"), kept as an unnamed source.
    fn source_after(&self, hit: CueHit, end: usize) -> Option<Mention> {
        if let Some(m) = self.r.phrase_starting_at(hit.end, end) {
            return Some(m);
        }
        let seg = self.seg;
        let reach = end.min(hit.end + MAX_SOURCE_TOKENS);
        let mut stop = (hit.end..reach)
            .find(|&i| {
                self.in_quote[i]
                    || matches!(
                        seg.token_text(i),
                        "," | ";" | ":" | "(" | "\u{2014}" | "\u{2013}"
                    )
            })
            .unwrap_or(reach);
        while stop > hit.end && seg.tokens[stop - 1].kind == TokenKind::Punct {
            stop -= 1;
        }
        if stop == hit.end || seg.tokens[hit.end].kind != TokenKind::Word {
            return None;
        }
        Some(Mention {
            span: Span::new(
                seg.tokens[hit.end].span.start,
                seg.tokens[stop - 1].span.end,
            ),
            first_token: hit.end,
            end_token: stop,
            phrase: NounPhrase::Common {
                head: seg.tokens[stop - 1].span,
                class: TitleClass::Anonymous,
            },
        })
    }

    /// Whether a reported clause can start at token `i` without "that": a pronoun, a determiner or a name
    /// followed by more words.
    fn starts_clause(&self, i: usize, end: usize) -> bool {
        const NOT_CLAUSE_START: &[&str] = &[
            "on",
            "in",
            "at",
            "to",
            "of",
            "for",
            "with",
            "about",
            "during",
            "after",
            "before",
            "by",
            "from",
            "yesterday",
            "today",
            "tonight",
            "earlier",
            "later",
            "afterwards",
            "repeatedly",
            "also",
            "again",
            "so",
            "as",
            "and",
            "or",
            "but",
            "than",
            "through",
            "via",
            "under",
            "over",
            "last",
            "next",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "more",
            "less",
        ];
        self.seg.tokens[i].kind == TokenKind::Word
            && !NOT_CLAUSE_START.contains(&self.r.first_word(i, end))
            && i + 3 < end
    }

    fn finish(mut self, found: Vec<Found>) -> (ArticleQuotes, TokenTables) {
        let text = self.seg.text;
        // Each entity becomes at most one speaker: its name and mentions move there.
        let mut entities = std::mem::take(&mut self.entities.list);
        let mut speakers: Vec<Speaker> = Vec::new();
        let mut speaker_of_entity: Vec<Option<usize>> = vec![None; entities.len()];
        let mut quotes = Vec::with_capacity(found.len());
        for f in found {
            let speaker = f.attribution.entity.map(|e| {
                *speaker_of_entity[e].get_or_insert_with(|| {
                    let entity = &mut entities[e];
                    let key = entity.speaker_key();
                    let name = std::mem::take(&mut entity.name);
                    speakers.push(Speaker {
                        key,
                        name,
                        kind: entity.kind,
                        role: entity.take_role(),
                        mentions: std::mem::take(&mut entity.mentions),
                    });
                    speakers.len() - 1
                })
            });
            let cue = f.attribution.cue.map(|(hit, manner)| {
                let tokens = &self.seg.tokens;
                let mut span =
                    Span::new(tokens[hit.first].span.start, tokens[hit.end - 1].span.end);
                let mut tone = hit.entry.tone;
                if let Some(m) = manner {
                    let m_span = tokens[m].span;
                    span = Span::new(span.start.min(m_span.start), span.end.max(m_span.end));
                    tone += self.r.manner_tone(m, m + 1).unwrap_or(0.0);
                }
                Cue {
                    span,
                    text: span.of(text).to_string(),
                    framing: hit.entry.framing,
                    framing_tone: tone.clamp(-1.0, 1.0),
                }
            });
            quotes.push(Quote {
                kind: f.kind,
                span: f.span,
                text: f.text,
                speaker,
                speaker_mention: f.attribution.mention,
                cue,
                paragraph: f.paragraph,
            });
        }
        // Back to the table, which keeps their buffers for the next article's entities.
        self.entities.list = entities;
        let tables = TokenTables {
            in_quote: self.in_quote,
            in_direct: self.in_direct,
            main_starts: self.main_starts,
            direct_before: self.direct_before,
            narrative: self.narrative,
            title_case: self.title_case,
            mentions: self.mentions,
            cues: self.cues,
            entities: self.entities,
        };
        (ArticleQuotes { quotes, speakers }, tables)
    }
}

/// Words that open a phrase naming a share or a number of people: quantifiers, demonstratives and
/// possessives of a group, and numbers written as words.
fn is_quantity_word(word: &str) -> bool {
    matches!(
        word,
        "some"
            | "most"
            | "many"
            | "several"
            | "both"
            | "few"
            | "others"
            | "those"
            | "these"
            | "all"
            | "half"
            | "majority"
            | "majorities"
            | "their"
            | "his"
            | "her"
            | "our"
            | "two"
            | "three"
            | "four"
            | "five"
            | "six"
            | "seven"
            | "eight"
            | "nine"
            | "ten"
            | "twenty"
            | "thirty"
            | "forty"
            | "fifty"
            | "sixty"
            | "seventy"
            | "eighty"
            | "ninety"
            | "dozens"
            | "hundreds"
            | "thousands"
    )
}

fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday"
    )
}

fn is_month(word: &str) -> bool {
    matches!(
        word,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
    )
}

fn strip_determiner(phrase: &str) -> &str {
    for det in ["the ", "The ", "a ", "A ", "an ", "An "] {
        if let Some(rest) = phrase.strip_prefix(det) {
            return rest;
        }
    }
    phrase
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::lexicon::AttributionLexicon;

    #[test]
    fn a_reused_scratch_finds_what_a_fresh_one_finds() {
        let extractor = QuoteExtractor::new(AttributionLexicon::embedded().unwrap());
        let long = "\u{201C}We will stand firm,\u{201D} said Karin Holt, the defence minister. \
                    Officials said the talks had stalled. Ms Holt later told reporters she was hopeful.";
        let short = "Peter Ward said the port would reopen.";
        let mut scratch = QuoteScratch::default();
        for text in [long, short, long] {
            let seg = Segmented::new(text);
            let reused = extractor.extract_with(&seg, &mut scratch);
            assert_eq!(reused, extractor.extract(&seg));
            assert!(!reused.quotes.is_empty() && !reused.speakers.is_empty());
        }
    }

    fn extract(text: &str) -> ArticleQuotes {
        let lex = AttributionLexicon::embedded().unwrap();
        QuoteExtractor::new(lex).extract(&Segmented::new(text))
    }

    fn show(text: &str) -> Vec<(QuoteKind, String, String)> {
        let q = extract(text);
        q.quotes
            .iter()
            .map(|x| {
                (
                    x.kind,
                    x.text.clone(),
                    x.speaker
                        .map(|s| q.speakers[s].name.clone())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn speaker_after_the_quote_in_all_word_orders() {
        let text = "“We will not retreat,” Anna Berg said.\n\n“Nor will we,” said Tomas Vik.\n\n\
                    “The talks failed,” Karl Olsen, the foreign minister, said.";
        let got = show(text);
        assert_eq!(got[0].2, "Anna Berg");
        assert_eq!(got[1].2, "Tomas Vik");
        assert_eq!(got[2].2, "Karl Olsen");
        assert!(got.iter().all(|q| q.0 == QuoteKind::Direct));
    }

    #[test]
    fn the_addressee_of_told_is_not_the_speaker() {
        let text = "Ms Ines Duarte told Mr Paulo Reis: “We must finish this today.”";
        let got = show(text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].2, "Ines Duarte");
    }

    #[test]
    fn he_added_continues_the_previous_speaker_even_past_a_nearer_name() {
        let text = "Mr Ivan Petrov said: “Our position has not changed.”\n\n\
                    Recalling that Mr Lukas Brandt had criticised the plan, he added: “We are still open to talks.”";
        let got = show(text);
        assert_eq!(got[1].1, "We are still open to talks.");
        assert_eq!(got[1].2, "Ivan Petrov");
    }

    #[test]
    fn a_quote_paragraph_with_no_cue_continues_the_previous_speaker() {
        let text = "“We are ready,” Marta Kowal said.\n\nPhoto caption here (Agency)\n\n“We have waited long enough.”";
        let got = show(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].2, "Marta Kowal");
    }

    #[test]
    fn pronouns_resolve_to_the_subject_of_the_previous_sentence() {
        let text = "As talks opened, Mr Omar Haddad met the envoy, Ms Lena Fischer.\n\n\
                    He told reporters: “This is a good day.”";
        let got = show(text);
        assert_eq!(got[0].2, "Omar Haddad");
    }

    #[test]
    fn partial_quotes_and_reported_speech_in_one_sentence() {
        let text = "Describing ties as “badly damaged”, Mr Pavel Orlov said that Moscow would wait for a better moment.";
        let got = show(text);
        assert_eq!(
            got[0],
            (
                QuoteKind::Partial,
                "badly damaged".into(),
                "Pavel Orlov".into()
            )
        );
        assert_eq!(got[1].0, QuoteKind::Indirect);
        assert_eq!(got[1].1, "Moscow would wait for a better moment");
        assert_eq!(got[1].2, "Pavel Orlov");
    }

    #[test]
    fn scare_quotes_and_titles_are_not_quotes() {
        let text =
            "The so-called “peace plan” was criticised in the report “Roads to Nowhere” last week.";
        assert!(show(text).is_empty());
    }

    #[test]
    fn the_name_in_apposition_to_a_role_is_the_speaker() {
        let text = "The alliance’s envoy, Marta Kowal, said: “We will not wait.”";
        assert_eq!(show(text)[0].2, "Marta Kowal");
    }

    #[test]
    fn an_apposition_with_commas_of_its_own() {
        let text = "“Prices keep rising,” Alma Reyes, 67, a retired nurse in Tarvo, Esland, said.";
        assert_eq!(show(text)[0].2, "Alma Reyes");
    }

    #[test]
    fn a_cue_in_the_short_sentence_after_a_question() {
        let text = "“Can we win the north?” Mr. Oskar Lind asked. “I do not know.”";
        let got = show(text);
        assert_eq!(got[0].2, "Oskar Lind");
        assert_eq!(got[1].2, "Oskar Lind");
    }

    #[test]
    fn unnamed_speakers_are_kept_as_written() {
        let got = show(
            "“Nothing is settled,” said one person familiar with the talks.\n\n“Come early,” the website advises.",
        );
        assert_eq!(got[0].2, "one person familiar with the talks");
        assert_eq!(got[1].2, "the website");
    }

    #[test]
    fn a_title_set_off_by_commas_is_not_speech() {
        let text = "A study by the Harbour Institute, “Lost Harvests”, estimated that losses would double.";
        assert!(show(text).iter().all(|q| q.1 != "Lost Harvests"));
    }

    #[test]
    fn a_repeated_headline_is_quoted_once() {
        let text = "Minister says 'no deal' is off the table\n\nMinister says 'no deal' is off the table\n\nMs Ana Ruiz said so.";
        assert_eq!(show(text).len(), 1);
    }

    #[test]
    fn according_to_names_the_source() {
        let text = "According to Ms Rosa Lind, the vote will be held in the spring.";
        let got = show(text);
        assert_eq!(got[0].0, QuoteKind::Indirect);
        assert_eq!(got[0].1, "the vote will be held in the spring");
        assert_eq!(got[0].2, "Rosa Lind");
    }

    /// Each passage with the speakers and cues that claim it: a passage claimed twice is listed twice.
    fn readings(text: &str) -> Vec<(String, String, String)> {
        let q = extract(text);
        q.quotes
            .iter()
            .map(|x| {
                (
                    x.text.clone(),
                    x.speaker
                        .map(|s| q.speakers[s].name.clone())
                        .unwrap_or_default(),
                    x.cue.as_ref().map(|c| c.text.clone()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn was_quoted_as_saying_is_one_cue_and_one_quote() {
        let got =
            readings("Olav Strand was quoted as saying the ferry timetable would change in June.");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "the ferry timetable would change in June");
        assert_eq!(got[0].1, "Olav Strand");
        assert_eq!(got[0].2, "was quoted as saying");
    }

    #[test]
    fn said_then_adding_gives_the_added_clause_once() {
        let got = readings(
            "Mayor Lena Kovac said on Monday, adding that the bridge would stay shut until the spring floods passed.",
        );
        let bridge: Vec<_> = got.iter().filter(|r| r.0.contains("bridge")).collect();
        assert_eq!(bridge.len(), 1, "{got:?}");
        assert_eq!(bridge[0].1, "Lena Kovac");
        assert_eq!(bridge[0].2, "adding");
    }

    #[test]
    fn a_speech_verb_inside_the_clause_leaves_it_to_the_cue_outside() {
        let got = readings(
            "The new depot, called Northgate, will open to lorries early next spring, the operator said.",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "operator");
        assert_eq!(got[0].2, "said");
    }

    #[test]
    fn what_a_speaker_cites_is_never_a_speaker() {
        let got = readings(
            "The regional council said grain exports fell by a third, citing the dry summer and higher freight costs.",
        );
        assert!(!got.is_empty());
        assert!(got.iter().all(|r| r.1 == "regional council"), "{got:?}");
    }

    #[test]
    fn the_audience_of_speaking_to_is_never_a_speaker() {
        let got = readings(
            "Speaking to local radio, the ferry operator Nils Aune said the crossing would resume by Friday evening.",
        );
        assert!(!got.is_empty());
        assert!(got.iter().all(|r| r.1 == "Nils Aune"), "{got:?}");
    }

    #[test]
    fn a_name_set_off_after_a_description_is_the_speaker_and_what_follows_the_verb_is_said() {
        let pairs = |text: &str| {
            readings(text)
                .into_iter()
                .map(|(said, speaker, _)| (said, speaker))
                .collect::<Vec<_>>()
        };
        let want = vec![(
            "the canal locks would close in May".to_string(),
            "Ingrid Vale".to_string(),
        )];
        assert_eq!(
            pairs("The lock keeper, Ingrid Vale, said the canal locks would close in May."),
            want
        );
        assert_eq!(
            pairs(
                "The lock keeper, Ingrid Vale, was quoted as saying the canal locks would close in May."
            ),
            want
        );
        assert_eq!(
            pairs("Ingrid Vale, the lock keeper, said the canal locks would close in May."),
            want
        );
    }

    #[test]
    fn a_phrase_followed_by_a_finite_verb_is_not_an_inverted_speaker() {
        // No subject before "said": the clause after it is what was said, so there is no speaker.
        let found = readings("Yesterday, said the barge would sail at noon with a full load.");
        assert!(
            found
                .iter()
                .all(|(_, speaker, _)| !speaker.contains("barge")),
            "{found:?}"
        );
        // The inverted reading still stands where the phrase closes the sentence.
        let found = readings("The locks will close for repairs, said the lock keeper.");
        assert_eq!(found[0].1, "the lock keeper");
    }

    #[test]
    fn a_role_mention_resolves_only_to_a_person_known_to_hold_the_role() {
        let text = "Ingrid Vale, the lock keeper, opened the gates on Monday.\n\n\
                    The mayor, who spoke after the vote, said the budget was fair and balanced.";
        let found = readings(text);
        assert_eq!(
            (found[0].0.as_str(), found[0].1.as_str()),
            ("the budget was fair and balanced", "The mayor")
        );
        let text = "Interior Minister Tomas Reyk met the envoy on Monday. Ingrid Vale opened the gates.\n\n\
                    The interior minister said the border would stay open through the winter.";
        assert_eq!(readings(text)[0].1, "Tomas Reyk");
        let text = "Valdoria’s interior minister, Tomas Reyk, met the envoy on Monday. Ingrid Vale \
                    opened the gates.\n\nThe interior minister said the border would stay open.";
        assert_eq!(readings(text)[0].1, "Tomas Reyk");
    }

    #[test]
    fn it_before_a_verb_of_saying_is_the_organisation_named_before() {
        let text = "Brightwater Shipping Company opened a second plant in March. \
                    It said the new plant would open in the autumn.";
        assert_eq!(
            readings(text)[0],
            (
                "the new plant would open in the autumn".to_string(),
                "Brightwater Shipping Company".to_string(),
                "said".to_string()
            )
        );
    }

    #[test]
    fn who_without_a_comma_and_a_month_between_subject_and_verb() {
        let text = "The vote followed a challenge from Ingrid Vale who said the locks would close.";
        assert_eq!(readings(text)[0].1, "Ingrid Vale");
        let text = "The lock keeper Ingrid Vale in July said the locks would close for a week.";
        assert_eq!(readings(text)[0].1, "Ingrid Vale");
    }

    #[test]
    fn a_share_or_a_quantifier_opening_the_clause_names_a_group_of_speakers() {
        for (text, speaker) in [
            (
                "In the harbour poll, 41 percent said the ferry fares were too high.",
                "41 percent",
            ),
            (
                "Nearly six in 10 say the old bridge should be rebuilt before winter.",
                "Nearly six in 10",
            ),
            (
                "Most said they would wait for the spring timetable.",
                "Most",
            ),
            (
                "Again, those surveyed said the toll was unfair to islanders.",
                "those surveyed",
            ),
            (
                "Several owners of the small boats said the new berths cost too much.",
                "Several owners of the small boats",
            ),
            // A number inside the clause is what was said, not who said it.
            (
                "Ferry use fell by 12 percent in March, Tove Lind said.",
                "Tove Lind",
            ),
        ] {
            let speakers: Vec<_> = readings(text).into_iter().map(|r| r.1).collect();
            assert_eq!(speakers, [speaker], "{text}");
        }
    }

    #[test]
    fn a_cue_set_off_by_commas_inside_the_sentence_reports_all_of_it() {
        let text = "Tove Lind runs the ferry office. Otherwise, she said, the island would lose its \
                    last crossing. The new timetable, she said, would suit the schoolchildren better.";
        let r = readings(text);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(
            r[0].0,
            "Otherwise, she said, the island would lose its last crossing"
        );
        assert_eq!(
            r[1].0,
            "The new timetable, she said, would suit the schoolchildren better"
        );
        assert!(r.iter().all(|x| x.1 == "Tove Lind"));
    }

    #[test]
    fn a_name_then_a_verb_of_saying_then_an_institution_is_a_speaker_and_a_clause() {
        let text = "Tove Lind said the ministry would close the ferry office in May.";
        let r = readings(text);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].0, "the ministry would close the ferry office in May");
        assert_eq!(r[0].1, "Tove Lind");
        let text = "Olav Berg says his campaign is gaining ground on the islands.";
        assert_eq!(readings(text)[0].1, "Olav Berg");
    }
}
