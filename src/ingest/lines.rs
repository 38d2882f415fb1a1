//! Line by line reading for the line-based formats (JSON Lines, text with one record per line).
//!
//! One buffer is reused for every line, and no more than a set number of bytes of a line is kept,
//! so a file with a runaway line cannot exhaust memory. A byte order mark at the start of the input is
//! dropped. What a line means is left to the format readers.

use std::borrow::Cow;
use std::io::{self, BufRead};

/// The next line of an input.
pub(super) enum Line<'b> {
    /// A line without its terminator (`\n` or `\r\n`); `number` counts from 1, blank lines included.
    Text {
        number: usize,
        bytes: &'b [u8],
    },
    /// A line longer than the limit, passed over; `bytes` is its full length with the terminator.
    TooLong {
        number: usize,
        bytes: usize,
    },
    /// Reading failed part way; the partial line is dropped.
    Failed {
        complete_lines: usize,
        error: io::Error,
    },
    End,
}

pub(super) struct LineReader {
    input: Box<dyn BufRead + Send>,
    buffer: Vec<u8>,
    /// Number of lines returned so far.
    lines: usize,
    /// Most bytes of one line, terminator included, that are kept.
    limit: usize,
    /// Bytes of the input's buffer handed out as the last line, consumed on the next call.
    consume_next: usize,
}

pub(super) const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// A line buffer that grew past this for a long line is given back before the next line is read.
const KEPT_BUFFER_BYTES: usize = 1024 * 1024;

impl LineReader {
    pub(super) fn new(input: Box<dyn BufRead + Send>, limit: usize) -> Self {
        LineReader {
            input,
            buffer: Vec::new(),
            lines: 0,
            limit,
            consume_next: 0,
        }
    }

    pub(super) fn next_line(&mut self) -> Line<'_> {
        self.input.consume(std::mem::take(&mut self.consume_next));
        // A line that lies whole in the input's buffer is handed out from there, without a copy.
        // Errors and everything else go the general way below, which meets them again.
        let whole = match self.input.fill_buf() {
            Ok(available) => memchr::memchr(b'\n', available).map(|newline| newline + 1),
            Err(_) => None,
        };
        if let Some(used) = whole.filter(|&used| used <= self.limit) {
            // Asked again without a consume in between, the input gives the same buffer back.
            return match self.input.fill_buf() {
                Ok(available) => {
                    self.lines += 1;
                    self.consume_next = used;
                    let number = self.lines;
                    Line::Text {
                        number,
                        bytes: without_terminator(&available[..used], number),
                    }
                }
                Err(error) => Line::Failed {
                    complete_lines: self.lines,
                    error,
                },
            };
        }
        if self.buffer.capacity() > KEPT_BUFFER_BYTES {
            // One long line must not hold its memory for the rest of the file.
            self.buffer = Vec::new();
        }
        self.buffer.clear();
        let mut length = 0usize;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    return Line::Failed {
                        complete_lines: self.lines,
                        error,
                    };
                }
            };
            if available.is_empty() {
                if length == 0 {
                    return Line::End;
                }
                break;
            }
            let (used, ends_line) = match memchr::memchr(b'\n', available) {
                Some(newline) => (newline + 1, true),
                None => (available.len(), false),
            };
            let room = self.limit.saturating_sub(self.buffer.len());
            self.buffer.extend_from_slice(&available[..used.min(room)]);
            length = length.saturating_add(used);
            self.input.consume(used);
            if ends_line {
                break;
            }
        }
        self.lines += 1;
        let number = self.lines;
        if length > self.limit {
            return Line::TooLong {
                number,
                bytes: length,
            };
        }
        Line::Text {
            number,
            bytes: without_terminator(&self.buffer, number),
        }
    }
}

impl LineReader {
    /// The whole lines that wait in the input's buffer, at most `most` bytes of them, copied out
    /// in one piece with the number of the first. `None` when the next line does not lie whole in
    /// the buffer within `most` bytes, is longer than the limit, or reading fails:
    /// [`LineReader::next_line`] then reads it (and meets the error again).
    pub(super) fn next_run(&mut self, most: usize) -> Option<(Vec<u8>, usize)> {
        self.input.consume(std::mem::take(&mut self.consume_next));
        let available = self.input.fill_buf().ok()?;
        let window = &available[..available.len().min(most)];
        let used = memchr::memrchr(b'\n', window)? + 1;
        if used > self.limit {
            return None;
        }
        let run = available[..used].to_vec();
        self.input.consume(used);
        let first = self.lines + 1;
        self.lines += memchr::memchr_iter(b'\n', &run).count();
        Some((run, first))
    }
}

/// The lines of a run from [`LineReader::next_run`] whose first line is `first`: each with its
/// number, without its terminator, the file's first line without a byte order mark.
pub(super) fn run_lines(run: &[u8], first: usize) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', run)
        .zip(first..)
        .map(move |(newline, number)| {
            let line = &run[start..=newline];
            start = newline + 1;
            (number, without_terminator(line, number))
        })
}

/// Line `number` without its `\n` or `\r\n`, and the first line without a byte order mark.
fn without_terminator(line: &[u8], number: usize) -> &[u8] {
    let mut bytes = line;
    if let Some(rest) = bytes.strip_suffix(b"\n") {
        bytes = rest.strip_suffix(b"\r").unwrap_or(rest);
    }
    if number == 1 {
        bytes = bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes);
    }
    bytes
}

/// `bytes` as text, with invalid UTF-8 replaced by U+FFFD; the flag says whether anything was.
pub(super) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    // Valid text is the rule: the validator is several times faster than the lossy decoder's chunks.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), false);
    }
    let text = String::from_utf8_lossy(bytes);
    let replaced = matches!(text, Cow::Owned(_));
    (text, replaced)
}

/// The warning for a line or file with invalid UTF-8.
pub(super) fn replaced_warning(place: &str) -> String {
    format!("{place}: invalid UTF-8 replaced with U+FFFD")
}

/// Whether a line holds nothing but whitespace.
pub(super) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(input: &'static [u8], limit: usize) -> LineReader {
        LineReader::new(Box::new(input), limit)
    }

    fn texts(mut lines: LineReader) -> Vec<(usize, String)> {
        let mut found = Vec::new();
        loop {
            match lines.next_line() {
                Line::Text { number, bytes } => {
                    found.push((number, String::from_utf8_lossy(bytes).into_owned()))
                }
                Line::TooLong { number, bytes } => found.push((number, format!("<{bytes} bytes>"))),
                Line::Failed { error, .. } => panic!("{error}"),
                Line::End => return found,
            }
        }
    }

    #[test]
    fn lines_lose_their_terminators_but_keep_inner_carriage_returns() {
        let lines = texts(reader(b"one\r\ntwo\rstill two\n\nlast", 100));
        assert_eq!(
            lines,
            [
                (1, "one".to_string()),
                (2, "two\rstill two".to_string()),
                (3, String::new()),
                (4, "last".to_string()),
            ]
        );
    }

    #[test]
    fn byte_order_mark_is_dropped_from_the_first_line_only() {
        let lines = texts(reader(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb\n", 100));
        assert_eq!(lines[0].1, "a");
        assert_eq!(lines[1].1, "\u{FEFF}b");
    }

    #[test]
    fn long_lines_are_passed_over_and_counted() {
        let lines = texts(reader(b"short\n0123456789abcdef\nshort again\n", 12));
        assert_eq!(
            lines,
            [
                (1, "short".to_string()),
                (2, "<17 bytes>".to_string()),
                (3, "short again".to_string()),
            ]
        );
    }

    #[test]
    fn the_buffer_of_a_long_line_is_given_back_before_the_next_line() {
        let input = format!("{}\nshort\n", "x".repeat(3 * KEPT_BUFFER_BYTES)).into_bytes();
        let mut lines = LineReader::new(Box::new(std::io::Cursor::new(input)), usize::MAX);
        assert!(
            matches!(lines.next_line(), Line::Text { bytes, .. } if bytes.len() == 3 * KEPT_BUFFER_BYTES)
        );
        assert!(matches!(
            lines.next_line(),
            Line::Text {
                bytes: b"short",
                ..
            }
        ));
        assert!(lines.buffer.capacity() <= KEPT_BUFFER_BYTES);
    }

    #[test]
    fn runs_hold_whole_lines_and_hand_the_rest_to_next_line() {
        let mut lines = reader(b"\xEF\xBB\xBFone\r\n\ntwo\nthree", 100);
        let (run, first) = lines.next_run(1024).unwrap();
        assert_eq!(first, 1);
        let numbered: Vec<(usize, &[u8])> = run_lines(&run, first).collect();
        assert_eq!(
            numbered,
            [(1, &b"one"[..]), (2, &b""[..]), (3, &b"two"[..])]
        );
        // The last line has no terminator: not a whole line for a run, but one for next_line.
        assert!(lines.next_run(1024).is_none());
        assert!(matches!(
            lines.next_line(),
            Line::Text {
                number: 4,
                bytes: b"three"
            }
        ));
        assert!(matches!(lines.next_line(), Line::End));
    }

    #[test]
    fn a_run_stops_at_the_last_whole_line_within_its_bound() {
        let mut lines = reader(b"aa\nbb\ncc\n", 100);
        let (run, first) = lines.next_run(7).unwrap();
        assert_eq!((run.as_slice(), first), (&b"aa\nbb\n"[..], 1));
        let (run, first) = lines.next_run(7).unwrap();
        assert_eq!((run.as_slice(), first), (&b"cc\n"[..], 3));
        // A line longer than the bound is left to next_line.
        let mut long = reader(b"abcdefgh\n", 100);
        assert!(long.next_run(4).is_none());
        assert!(matches!(long.next_line(), Line::Text { number: 1, .. }));
    }

    #[test]
    fn decoding_reports_replacement() {
        assert_eq!(decode(b"caf\xC3\xA9"), (Cow::Borrowed("café"), false));
        let (text, replaced) = decode(b"caf\xE9");
        assert_eq!(text, "caf\u{FFFD}");
        assert!(replaced);
    }
}
