//! Keeps the analysis of one article linear in its length, whatever the text.
//!
//! The stages after ingest look across sentences, paragraphs and the mentions of a whole article (who
//! "he" is, which official spoke last), and some of that work grows with the square of what it looks
//! across. A long text is therefore analysed in windows: consecutive slices of at most
//! [`WINDOW_BYTES`] that tile the text, each cut at a paragraph break where there is one in the second
//! half of the window, else at a line break, a sentence end or a space, else (a run with no space at
//! all) at a character boundary. News articles are far shorter than a window and are never cut; a
//! 100 MB dump is analysed piece by piece, at a cost linear in its size. What a cut loses: a pronoun or
//! a "he added" just after it cannot reach a speaker named just before it.
//!
//! Stitching the windows' results back together (offsets, quote numbers) is left to
//! [`crate::pipeline`].

use memchr::memmem;

use crate::text::Span;

/// The largest window, in bytes: some 10,000 words, longer than any news article.
pub const WINDOW_BYTES: usize = 64 * 1024;

/// A long text analysed from its end is cut short behind each window; its memory is given back each
/// time this much is no longer needed (a smaller step would cost a reallocation per window).
pub const RELEASE_BYTES: usize = 4 * 1024 * 1024;

/// The windows of `text`, of at most `max_bytes` bytes each (at least one code point each), in text
/// order. A text that fits is one window. An empty text has none.
///
/// ```
/// use tenor::guard::windows;
///
/// let text = "First paragraph.\n\nSecond one.";
/// let cut: Vec<&str> = windows(text, 24).map(|w| w.of(text)).collect();
/// assert_eq!(cut, ["First paragraph.\n\n", "Second one."]);
/// ```
pub fn windows(text: &str, max_bytes: usize) -> impl Iterator<Item = Span> + '_ {
    let max_bytes = max_bytes.max(4);
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = if text.len() - start <= max_bytes {
            text.len()
        } else {
            cut(text, start, start + max_bytes)
        };
        let window = Span::new(start, end);
        start = end;
        Some(window)
    })
}

/// Where to end a window that starts at `start` and may reach `limit` (< text length): just after the
/// best break in the second half of that range.
fn cut(text: &str, start: usize, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let from = start + (limit - start) / 2;
    let range = &bytes[from..limit];
    let after = |found: Option<usize>, width: usize| found.map(|i| from + i + width);
    // A blank line, written with any line ending.
    let paragraph = [&b"\n\n"[..], b"\n\r\n", b"\r\r"]
        .into_iter()
        .filter_map(|needle| after(memmem::rfind(range, needle), needle.len()))
        .max();
    let boundary = paragraph
        .or_else(|| after(memchr::memrchr2(b'\n', b'\r', range), 1))
        .or_else(|| after(memmem::rfind(range, b". "), 2))
        .or_else(|| after(memchr::memrchr2(b' ', b'\t', range), 1));
    match boundary {
        // Every break above is ASCII, so the byte after it starts a character.
        Some(end) if end > start => end,
        _ => floor_char_boundary(text, limit).max(ceil_char_boundary(text, start + 1)),
    }
}

/// The largest character boundary at or before `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// The smallest character boundary at or after `at`.
fn ceil_char_boundary(text: &str, at: usize) -> usize {
    (at..=text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, max: usize) -> Vec<&str> {
        windows(text, max).map(|w| w.of(text)).collect()
    }

    #[test]
    fn a_short_text_is_one_window() {
        assert_eq!(pieces("Talks resumed.", 64), ["Talks resumed."]);
        assert!(pieces("", 64).is_empty());
    }

    #[test]
    fn windows_tile_the_text_and_respect_the_limit() {
        let text = "Ein Satz. “Zitat,” sagte sie.\n\nNoch einer, länger als der erste. ".repeat(50);
        let mut next = 0;
        for window in windows(&text, 100) {
            assert_eq!(window.start, next);
            assert!(window.len() <= 100, "{}", window.len());
            assert!(!window.is_empty());
            next = window.end;
        }
        assert_eq!(next, text.len());
    }

    #[test]
    fn cuts_prefer_paragraph_breaks_then_lines_then_sentences_then_spaces() {
        let text = "aaaa aaaa.\n\nbbbb bbbb.\ncccc. dddd eeee";
        assert_eq!(pieces(text, 16)[0], "aaaa aaaa.\n\n");
        assert_eq!(pieces("aaaa aaaa.\nbbbb bbbb.", 16)[0], "aaaa aaaa.\n");
        assert_eq!(pieces("aaa. bbbb cccc dddd", 16)[0], "aaa. bbbb cccc ");
        assert_eq!(pieces("aaaa a. bbbb cccc", 12)[0], "aaaa a. ");
    }

    #[test]
    fn crlf_blank_lines_are_paragraph_breaks() {
        assert_eq!(
            pieces("aaaa aaaa.\r\n\r\nbbbb bbbb", 16)[0],
            "aaaa aaaa.\r\n\r\n"
        );
    }

    #[test]
    fn a_run_without_spaces_is_cut_between_characters() {
        let text = "é".repeat(30);
        let cut = pieces(&text, 9);
        assert!(cut.iter().all(|p| !p.is_empty() && p.len() <= 9));
        assert_eq!(cut.concat(), text);
    }

    #[test]
    fn a_tiny_limit_still_advances_over_wide_characters() {
        let text = "😀😀😀";
        assert_eq!(pieces(text, 1), ["😀", "😀", "😀"]);
    }
}
