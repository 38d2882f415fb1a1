//! Quotation marks: pairs opening and closing marks by type, paragraph by paragraph, into
//! [`QuotedSpan`]s, following the continuation convention of news (a quote still open at the end of a
//! paragraph continues when the next paragraph opens with a mark of the same type; only the last
//! paragraph closes it).
//!
//! Apostrophes (don’t, Johnson’s, the ’90s, students’) are never taken for marks. Whether a quoted span is
//! speech, and whose, is left to [`super::attribution`].

use crate::segment::Segmented;
use crate::text::{Span, TokenKind};
use std::borrow::Cow;

/// Families of marks that pair with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkFamily {
    /// “…” and "…" (and „…“ / „…” as used in German and Polish news).
    Double,
    /// ‘…’ and '…' (and ‚…‘).
    Single,
    /// «…» (and German »…«).
    Guillemet,
}

/// A span of text between paired quotation marks, possibly continued over several paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotedSpan {
    pub family: MarkFamily,
    /// The opening mark of the first paragraph.
    pub open: Span,
    /// The closing mark, if one was found; an unclosed span ends at its paragraph's end.
    pub close: Option<Span>,
    /// The quoted words in each paragraph, marks excluded, trimmed of surrounding space.
    pub pieces: Vec<Span>,
    pub first_paragraph: usize,
    pub last_paragraph: usize,
}

impl QuotedSpan {
    /// From the first quoted character to the last.
    pub fn content(&self) -> Span {
        let first = self.pieces.first().copied().unwrap_or(self.open);
        let last = self.pieces.last().copied().unwrap_or(self.open);
        Span::new(first.start, last.end.max(first.start))
    }

    /// The quoted words, continued paragraphs joined by a newline.
    pub fn text(&self, text: &str) -> String {
        self.text_in(text).into_owned()
    }

    /// [`QuotedSpan::text`] borrowed from `text` when the quote lies in one paragraph, as most do:
    /// only a quote continued across paragraphs is joined into a new string.
    pub fn text_in<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if let [piece] = self.pieces.as_slice() {
            return Cow::Borrowed(piece.of(text));
        }
        let mut out = String::with_capacity(self.content().len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(piece.of(text));
        }
        Cow::Owned(out)
    }
}

/// The role a mark can play where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Open(MarkFamily),
    Close(MarkFamily),
    /// Opens when nothing of its family is open, closes when it is (straight quotes, ” used both ways).
    Either(MarkFamily),
    /// An apostrophe or a stray mark.
    None,
}

struct OpenQuote {
    family: MarkFamily,
    /// The closing character expected for guillemets (» or «), so that »…« pairs too.
    open: Span,
    pieces: Vec<Span>,
    piece_start: usize,
    first_paragraph: usize,
}

/// Finds all quoted spans in a segmented article. Linear in the number of tokens.
pub fn find_quoted_spans(seg: &Segmented<'_>) -> Vec<QuotedSpan> {
    let text = seg.text;
    let mut found = Vec::new();
    let mut open: Option<OpenQuote> = None;
    for (p, para) in seg.paragraphs.iter().enumerate() {
        let mut first = para.first_token;
        // Continuation: the quote left open by the last paragraph goes on if this one opens with a mark
        // of the same family; otherwise it ended with that paragraph.
        if let Some(mut q) = open.take() {
            let opener = mark_spans(seg, first, para.end_token)
                .next()
                .filter(|m| first < para.end_token && m.start == seg.tokens[first].span.start)
                .filter(|&m| matches!(classify(text, m), Mark::Open(f) | Mark::Either(f) if f == q.family));
            if let Some(m) = opener {
                q.piece_start = m.end;
                first = seg.token_at_or_after(m.end);
                open = Some(q);
            } else {
                found.push(finish(q, None, p - 1));
            }
        }
        for mark_span in mark_spans(seg, first, para.end_token) {
            let t = &crate::text::Token {
                span: mark_span,
                kind: TokenKind::QuoteMark,
            };
            let mark = classify(text, t.span);
            match (&mut open, mark) {
                (Some(q), Mark::Close(f) | Mark::Either(f)) if f == q.family => {
                    let q = open.take().map(|mut q| {
                        q.pieces.push(trimmed(text, q.piece_start, t.span.start));
                        q
                    });
                    if let Some(q) = q {
                        found.push(finish(q, Some(t.span), p));
                    }
                }
                (Some(q), Mark::Open(f)) if f == q.family => {
                    // A new opener of the same family while one is open: the earlier mark was never closed.
                    // End it before this mark and start again.
                    let mut q = open.take().expect("matched Some");
                    q.pieces.push(trimmed(text, q.piece_start, t.span.start));
                    found.push(finish(q, None, p));
                    open = Some(start(t.span, f, p));
                }
                (None, Mark::Open(f) | Mark::Either(f)) => open = Some(start(t.span, f, p)),
                // Marks of another family inside an open quote are nested quotes: part of the words.
                _ => {}
            }
        }
        if let Some(q) = &mut open {
            q.pieces.push(trimmed(text, q.piece_start, para.span.end));
        }
    }
    if let Some(q) = open {
        found.push(finish(q, None, seg.paragraphs.len().saturating_sub(1)));
    }
    found.retain(|q| q.pieces.iter().any(|p| !p.is_empty()));
    found
}

/// The quotation marks among tokens `from..to`, with two adjacent apostrophes ('') taken as one mark.
fn mark_spans<'a>(
    seg: &'a Segmented<'_>,
    from: usize,
    to: usize,
) -> impl Iterator<Item = Span> + 'a {
    let tokens = &seg.tokens[from..to];
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < tokens.len() {
            let t = tokens[i];
            i += 1;
            if t.kind != TokenKind::QuoteMark {
                continue;
            }
            if t.span.of(seg.text) == "'"
                && let Some(next) = tokens.get(i)
                && next.span.start == t.span.end
                && next.span.of(seg.text) == "'"
            {
                i += 1;
                return Some(Span::new(t.span.start, next.span.end));
            }
            return Some(t.span);
        }
        None
    })
}

fn start(mark: Span, family: MarkFamily, paragraph: usize) -> OpenQuote {
    OpenQuote {
        family,
        open: mark,
        pieces: Vec::new(),
        piece_start: mark.end,
        first_paragraph: paragraph,
    }
}

fn finish(q: OpenQuote, close: Option<Span>, last_paragraph: usize) -> QuotedSpan {
    QuotedSpan {
        family: q.family,
        open: q.open,
        close,
        pieces: q.pieces,
        first_paragraph: q.first_paragraph,
        last_paragraph,
    }
}

fn trimmed(text: &str, start: usize, end: usize) -> Span {
    let end = end.max(start);
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead == piece.len() {
        return Span::new(start, start);
    }
    Span::new(start + lead, end - trail)
}

/// What the mark at `span` can do, judged by the characters on either side of it.
fn classify(text: &str, span: Span) -> Mark {
    let mark = span.of(text);
    // Two apostrophes typed for a double quotation mark ('' as in some newswire text).
    let c = if mark == "''" {
        '"'
    } else {
        mark.chars().next().unwrap_or(' ')
    };
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    // A mark glued to a word on its left and not on its right closes; the reverse opens.
    let left_open =
        before.is_none_or(|b| b.is_whitespace() || "([{\u{2014}\u{2013}-/:".contains(b));
    let right_open = after.is_none_or(|a| a.is_whitespace());
    match c {
        '\u{201C}' => {
            // “ opens in English; in German it closes „. With a space after it and a word before it, it
            // closes (some outlets print “ for both ends).
            if right_open && !left_open {
                Mark::Close(MarkFamily::Double)
            } else if left_open || !right_open {
                Mark::Either(MarkFamily::Double)
            } else {
                Mark::None
            }
        }
        '\u{201D}' | '\u{201F}' => {
            if left_open && !right_open {
                Mark::Either(MarkFamily::Double)
            } else {
                Mark::Close(MarkFamily::Double)
            }
        }
        '\u{201E}' => Mark::Open(MarkFamily::Double),
        '"' => {
            if left_open && right_open {
                Mark::None
            } else if left_open {
                Mark::Open(MarkFamily::Double)
            } else if right_open || after.is_some_and(|a| !a.is_alphanumeric()) {
                Mark::Close(MarkFamily::Double)
            } else {
                Mark::Either(MarkFamily::Double)
            }
        }
        '\u{2018}' | '\u{201B}' => {
            if starts_elision(&text[span.end..]) {
                Mark::None
            } else if left_open {
                Mark::Open(MarkFamily::Single)
            } else {
                Mark::Close(MarkFamily::Single)
            }
        }
        '\u{201A}' => Mark::Open(MarkFamily::Single),
        '\u{2019}' | '\'' => {
            // Inner apostrophes are inside word tokens already. What is left: a closing single quote, a
            // possessive plural (students’), an elision (’90s, ’em) or, for the straight mark, an opener.
            if left_open {
                if c == '\'' && !right_open && !starts_elision(&text[span.end..]) {
                    Mark::Open(MarkFamily::Single)
                } else {
                    Mark::None
                }
            } else if possessive_plural(text, span) {
                Mark::None
            } else {
                Mark::Close(MarkFamily::Single)
            }
        }
        '\u{00AB}' | '\u{2039}' => {
            if left_open || !right_open {
                Mark::Either(MarkFamily::Guillemet)
            } else {
                Mark::Close(MarkFamily::Guillemet)
            }
        }
        '\u{00BB}' | '\u{203A}' => {
            if left_open && !right_open {
                Mark::Either(MarkFamily::Guillemet)
            } else {
                Mark::Close(MarkFamily::Guillemet)
            }
        }
        _ => Mark::None,
    }
}

/// ’90s, ’em, ’til, ’n’: an apostrophe standing for dropped letters at the start of a word.
fn starts_elision(after: &str) -> bool {
    let word: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    word.chars().next().is_some_and(|c| c.is_ascii_digit())
        || matches!(
            word.as_str(),
            "em" | "til" | "tis" | "twas" | "n" | "cause" | "bout" | "round"
        )
}

/// students’ union, the Joneses’ house: a plural possessive, followed by a lowercase word or a noun.
fn possessive_plural(text: &str, span: Span) -> bool {
    let before = text[..span.start].chars().next_back();
    if before != Some('s') && before != Some('S') {
        return false;
    }
    let rest = &text[span.end..];
    let mut chars = rest.chars();
    if chars.next() != Some(' ') {
        return false;
    }
    chars
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_numeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<String> {
        let seg = Segmented::new(text);
        find_quoted_spans(&seg)
            .iter()
            .map(|q| q.text(text))
            .collect()
    }

    #[test]
    fn curly_and_straight_quotes_pair_by_type() {
        let text = "She said: “We will ‘never’ give up.” He said \"no\" twice.";
        assert_eq!(quoted(text), ["We will ‘never’ give up.", "no"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let text =
            "The minister’s aides don’t recall the ’90s or the students’ union. ‘Fine,’ she said.";
        assert_eq!(quoted(text), ["Fine,"]);
    }

    #[test]
    fn a_quote_continues_across_paragraphs_that_open_with_a_mark() {
        let text = "He said: “First part.\n\n“Second part.\n\n“Third part.”\n\nReporter text.";
        let seg = Segmented::new(text);
        let spans = find_quoted_spans(&seg);
        assert_eq!(spans.len(), 1);
        assert_eq!(
            spans[0].text(text),
            "First part.\nSecond part.\nThird part."
        );
        assert_eq!((spans[0].first_paragraph, spans[0].last_paragraph), (0, 2));
        assert!(spans[0].close.is_some());
    }

    #[test]
    fn an_unclosed_quote_ends_with_its_paragraph() {
        let text = "“Open and never closed\n\nPlain reporter text.";
        let seg = Segmented::new(text);
        let spans = find_quoted_spans(&seg);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].text(text), "Open and never closed");
        assert_eq!(spans[0].close, None);
    }

    #[test]
    fn guillemets_and_low_marks() {
        let text = "Il a dit : « Nous refusons ». Sie sagte: „Wir lehnen ab“. Er: »Nein«.";
        assert_eq!(quoted(text), ["Nous refusons", "Wir lehnen ab", "Nein"]);
    }

    #[test]
    fn doubled_apostrophes_are_a_double_mark() {
        let text = "''We are ready,'' he said. ''Nobody's waiting.''";
        assert_eq!(quoted(text), ["We are ready,", "Nobody's waiting."]);
    }

    #[test]
    fn british_single_quote_headline() {
        assert_eq!(
            quoted("Minister says 'no deal' is off the table"),
            ["no deal"]
        );
    }

    #[test]
    fn many_unclosed_marks_stay_linear_and_do_not_panic() {
        let text = "“a ".repeat(20_000);
        let spans = quoted(&text);
        // Opening marks used both ways pair up; what matters is that every one is consumed once.
        assert_eq!(spans.len(), 10_000);
    }
}
