//! Segmentation: an article's text as paragraphs, sentences and tokens, all as byte spans into the text.
//!
//! Paragraphs are separated by blank lines; a text with no blank line has one paragraph per line.
//! Sentences end at `.`, `!` or `?` (with any closing quote marks and brackets after them) when the next
//! word starts a new sentence, and never after common abbreviations and initials (Mr., U.S., J.). A
//! sentence never crosses a paragraph. What the sentences mean is left to [`crate::quotes`].

use crate::text::{Span, Token, TokenKind, is_quote_mark, tokens};

/// A sentence and the paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: usize,
    /// Range of this sentence's tokens in [`Segmented::tokens`].
    pub first_token: usize,
    pub end_token: usize,
}

/// An article split into paragraphs, sentences and tokens.
#[derive(Debug, Clone)]
pub struct Segmented<'t> {
    pub text: &'t str,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    /// The indices of a paragraph's sentence-ending marks, found while it is tokenized.
    stops: Vec<usize>,
}

/// A paragraph with the ranges of its sentences and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
    pub first_sentence: usize,
    pub end_sentence: usize,
    pub first_token: usize,
    pub end_token: usize,
}

/// The buffers of a [`Segmented`] text, emptied, for segmenting the next text without allocating
/// them again ([`Segmented::new_in`], [`Segmented::into_buffers`]).
#[derive(Debug, Clone, Default)]
pub struct SegmentBuffers {
    paragraphs: Vec<Paragraph>,
    sentences: Vec<Sentence>,
    tokens: Vec<Token>,
    /// Scratch: the tokens of a paragraph that may end a sentence.
    stops: Vec<usize>,
}

impl<'t> Segmented<'t> {
    /// Segments `text`. Linear in the length of the text.
    pub fn new(text: &'t str) -> Self {
        Self::new_in(text, SegmentBuffers::default())
    }

    /// Segments `text` into the buffers of an earlier text: a stream of texts segmented one after
    /// the other allocates only when a text needs more room than any before it.
    pub fn new_in(text: &'t str, buffers: SegmentBuffers) -> Self {
        let SegmentBuffers {
            mut paragraphs,
            mut sentences,
            mut tokens,
            stops,
        } = buffers;
        paragraphs.clear();
        sentences.clear();
        tokens.clear();
        // About one token for every five bytes of news text: one allocation rather than a dozen.
        tokens.reserve(text.len() / 5);
        let mut seg = Segmented {
            text,
            paragraphs,
            sentences,
            tokens,
            stops,
        };
        for span in paragraph_spans(text) {
            seg.push_paragraph(span);
        }
        seg
    }

    /// Gives back the buffers, for [`Segmented::new_in`] to segment the next text.
    pub fn into_buffers(self) -> SegmentBuffers {
        SegmentBuffers {
            paragraphs: self.paragraphs,
            sentences: self.sentences,
            tokens: self.tokens,
            stops: self.stops,
        }
    }

    fn push_paragraph(&mut self, span: Span) {
        let index = self.paragraphs.len();
        let first_token = self.tokens.len();
        let first_sentence = self.sentences.len();
        // Only a `.`, `!`, `?` or `…` ends a sentence: they are noted while the paragraph is
        // tokenized, so that the tokens between them are not read a second time.
        self.stops.clear();
        let bytes = self.text.as_bytes();
        for token in tokens(span.of(self.text), span.start) {
            if token.kind == TokenKind::Punct && is_stop(bytes, token.span.start) {
                self.stops.push(self.tokens.len());
            }
            self.tokens.push(token);
        }
        let end_token = self.tokens.len();
        let mut start_token = first_token;
        let stops = std::mem::take(&mut self.stops);
        for &i in &stops {
            // Marks that closed the sentence before were taken into it.
            if i < start_token {
                continue;
            }
            if let Some(after) = self.sentence_end_after(i, end_token) {
                self.push_sentence(index, start_token, after);
                start_token = after;
            }
        }
        self.stops = stops;
        if start_token < end_token {
            self.push_sentence(index, start_token, end_token);
        }
        self.paragraphs.push(Paragraph {
            span,
            first_sentence,
            end_sentence: self.sentences.len(),
            first_token,
            end_token,
        });
    }

    fn push_sentence(&mut self, paragraph: usize, first: usize, end: usize) {
        let span = Span::new(self.tokens[first].span.start, self.tokens[end - 1].span.end);
        self.sentences.push(Sentence {
            span,
            paragraph,
            first_token: first,
            end_token: end,
        });
    }

    /// If token `i`, a stop ([`is_stop`]), ends a sentence, the index of the first token of the
    /// next sentence.
    fn sentence_end_after(&self, i: usize, end: usize) -> Option<usize> {
        let token = self.tokens[i];
        let t = token.text(self.text);
        // Closing quote marks and brackets stay with the sentence they close.
        let mut next = i + 1;
        while next < end {
            let n = self.tokens[next];
            let nt = n.text(self.text);
            let closes = (n.kind == TokenKind::QuoteMark && closes_quote(self.text, n))
                || matches!(nt, ")" | "]" | "." | "!" | "?" | "…");
            if closes && n.span.start == self.tokens[next - 1].span.end {
                next += 1;
            } else {
                break;
            }
        }
        if next >= end {
            return None;
        }
        let following = self.tokens[next];
        let ft = following.text(self.text);
        // The next sentence must start with a capital, a digit or an opening mark.
        let first_char = ft.chars().next().unwrap_or(' ');
        let starts_sentence = first_char.is_uppercase()
            || first_char.is_numeric()
            || (following.kind == TokenKind::QuoteMark)
            || matches!(ft, "(" | "[" | "-" | "\u{2014}" | "\u{2013}");
        if !starts_sentence {
            return None;
        }
        if t == "." && i > 0 {
            let prev = self.tokens[i - 1];
            if prev.kind == TokenKind::Word && prev.span.end == token.span.start {
                let word = prev.text(self.text);
                if is_abbreviation(word) {
                    return None;
                }
            }
        }
        Some(next)
    }

    /// The index of the sentence that contains byte `offset`.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= offset);
        (i < self.sentences.len() && self.sentences[i].span.start <= offset).then_some(i)
    }

    /// The index of the paragraph that contains byte `offset`.
    pub fn paragraph_at(&self, offset: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.span.end <= offset);
        (i < self.paragraphs.len() && self.paragraphs[i].span.start <= offset).then_some(i)
    }

    /// The index of the first token that starts at or after byte `offset`.
    pub fn token_at_or_after(&self, offset: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < offset)
    }

    pub fn token_text(&self, i: usize) -> &'t str {
        self.tokens[i].text(self.text)
    }
}

/// Whether the punctuation token (one char) at byte `at` of `text` can end a sentence: `.`, `!`,
/// `?` or `…` (E2 80 A6), told by its bytes without comparing strings.
fn is_stop(text: &[u8], at: usize) -> bool {
    matches!(
        text.get(at..),
        Some([b'.' | b'!' | b'?', ..] | [0xE2, 0x80, 0xA6, ..])
    )
}

/// Whether a quote-mark token looks like a closing mark (glued to the word before it).
fn closes_quote(text: &str, token: Token) -> bool {
    let c = token.text(text).chars().next().unwrap_or(' ');
    is_quote_mark(c)
        && !matches!(
            c,
            '\u{201C}' | '\u{2018}' | '\u{00AB}' | '\u{201E}' | '\u{201A}'
        )
}

/// Abbreviations that end with a dot which does not end a sentence, sorted for binary search.
const ABBREVIATIONS: &[&str] = &[
    "Adm", "Apr", "Aug", "Capt", "Cmdr", "Co", "Col", "Corp", "Dec", "Dr", "Feb", "Fig", "Gen",
    "Gov", "Hon", "Inc", "Jan", "Jr", "Jul", "Jun", "Lt", "Ltd", "Maj", "Mar", "Mr", "Mrs", "Ms",
    "Mt", "No", "Nos", "Nov", "Oct", "Pres", "Prof", "Rep", "Rev", "Sec", "Sen", "Sep", "Sept",
    "Sgt", "Sr", "St", "Supt", "approx", "etc", "vs",
];

/// Words that end with a dot which does not end a sentence.
fn is_abbreviation(word: &str) -> bool {
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return true; // an initial: J. Smith
    }
    if word.contains('.') {
        return true; // U.S. , e.g.
    }
    ABBREVIATIONS.binary_search(&word).is_ok()
}

/// Paragraph spans: blank-line separated when the text has a blank line, else one per line. Spans are
/// trimmed of surrounding whitespace; empty paragraphs are dropped.
fn paragraph_spans(text: &str) -> Vec<Span> {
    let has_blank_line = text.split('\n').skip(1).any(|line| line.trim().is_empty());
    let mut spans = Vec::new();
    let mut start = 0;
    let mut push = |s: usize, e: usize| {
        let piece = &text[s..e];
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            spans.push(Span::new(s + lead, e - trail));
        }
    };
    let mut line_start = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', text.as_bytes()) {
        if text.as_bytes()[i] == b'\r' && text.as_bytes().get(i + 1) == Some(&b'\n') {
            continue;
        }
        let line = &text[line_start..i];
        if !has_blank_line || line.trim().is_empty() {
            push(start, i);
            start = i + 1;
        }
        line_start = i + 1;
    }
    push(start, text.len());
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        let seg = Segmented::new(text);
        seg.sentences.iter().map(|s| s.span.of(text)).collect()
    }

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        let text = "Title\n\nFirst para\ncontinues here.\n\n  \n\nSecond para.";
        let seg = Segmented::new(text);
        let paras: Vec<&str> = seg.paragraphs.iter().map(|p| p.span.of(text)).collect();
        assert_eq!(
            paras,
            ["Title", "First para\ncontinues here.", "Second para."]
        );
    }

    #[test]
    fn without_blank_lines_each_line_is_a_paragraph() {
        let seg = Segmented::new("One.\r\nTwo.\rThree.");
        assert_eq!(seg.paragraphs.len(), 3);
    }

    #[test]
    fn sentences_skip_abbreviations_and_keep_closing_marks() {
        let text =
            "Mr. Smith met Dr. J. Jones in the U.S. on Monday. “It went well.” Talks resume today.";
        assert_eq!(
            sentences(text),
            [
                "Mr. Smith met Dr. J. Jones in the U.S. on Monday.",
                "“It went well.”",
                "Talks resume today."
            ]
        );
    }

    #[test]
    fn lowercase_after_a_dot_does_not_start_a_sentence() {
        assert_eq!(sentences("It rose 3.5 per cent. e.g. more.").len(), 1);
    }

    #[test]
    fn stops_are_the_marks_that_end_sentences() {
        let text = "Fine. Yes! Why? Well\u{2026} So, \u{2014} end";
        let stops: Vec<&str> = tokens(text, 0)
            .filter(|t| t.kind == TokenKind::Punct && is_stop(text.as_bytes(), t.span.start))
            .map(|t| t.text(text))
            .collect();
        assert_eq!(stops, [".", "!", "?", "\u{2026}"]);
        assert_eq!(sentences(text).len(), 5);
    }

    #[test]
    fn abbreviations_are_sorted_for_binary_search() {
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_abbreviation("Sept") && is_abbreviation("approx") && !is_abbreviation("Sat"));
    }

    #[test]
    fn lookups_by_offset() {
        let text = "A b.\n\nC d. E f.";
        let seg = Segmented::new(text);
        assert_eq!(seg.paragraph_at(text.find('E').unwrap()), Some(1));
        assert_eq!(seg.sentence_at(text.find('E').unwrap()), Some(2));
    }

    #[test]
    fn reused_buffers_segment_as_fresh_ones_do() {
        let long =
            "First paragraph. It has two sentences.\n\nA second one, \"quoted,\" Mr. Ng said.";
        let short = "One line.\nAnother line.";
        let buffers = Segmented::new(long).into_buffers();
        let reused = Segmented::new_in(short, buffers);
        let fresh = Segmented::new(short);
        assert_eq!(reused.paragraphs, fresh.paragraphs);
        assert_eq!(reused.sentences, fresh.sentences);
        assert_eq!(reused.tokens, fresh.tokens);
        assert_eq!(reused.sentences.len(), 2);
    }
}
