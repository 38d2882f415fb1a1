//! Plain text files (`.txt`, `.md`): one article per file, or one text per line.
//!
//! The text is kept as written; only a leading byte order mark goes. The title of a whole-file article
//! is its first line with anything but whitespace on it, trimmed. Ids are made by [`Naming`].

use std::io::{self, BufRead};
use std::sync::Arc;

use super::lines::{self, Line, LineReader};
use super::{Article, Entry, LineRun, LineSource, Naming, Origin, Record, Skipped};

/// Reads a whole file as one article with id `id`.
///
/// The text is decoded as it is read, buffer by buffer, so that invalid UTF-8 costs no second copy of
/// the file; reading stops as soon as the file (less a byte order mark) is over `max_bytes`, so an
/// oversized file costs no more memory than the limit.
pub(super) fn whole_file(
    origin: Origin,
    id: String,
    mut input: Box<dyn BufRead + Send>,
    max_bytes: usize,
) -> Record {
    let mut text = Lossy::default();
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => {
                let complete_lines = memchr::memchr_iter(b'\n', text.text.as_bytes()).count();
                return origin.failure(complete_lines, &error);
            }
        };
        if available.is_empty() {
            break;
        }
        let read = available.len();
        text.push(available);
        input.consume(read);
        if text.article_bytes() > max_bytes {
            break;
        }
    }
    let skip = |reason: String| {
        Record::Skipped(Skipped {
            id: id.clone(),
            reason: format!("{}: {reason}", origin.label),
        })
    };
    if text.article_bytes() > max_bytes {
        return skip(format!(
            "article is larger than the limit of {max_bytes} bytes"
        ));
    }
    let (text, replaced) = text.finish();
    let mut warnings = Vec::new();
    if replaced {
        warnings.push(lines::replaced_warning(&origin.label));
    }
    if text.trim().is_empty() {
        return skip("empty text".to_string());
    }
    let title = text
        .split(['\n', '\r'])
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default()
        .to_string();
    Record::Article(Article {
        id,
        title,
        text,
        warnings,
        ..Article::default()
    })
}

/// Text decoded from bytes that come in pieces, invalid UTF-8 replaced with U+FFFD, a byte order mark
/// at the start dropped.
#[derive(Default)]
struct Lossy {
    text: String,
    /// The start of a character cut off at the end of the last piece (at most three bytes).
    pending: Vec<u8>,
    /// Bytes pushed so far, a byte order mark included.
    bytes: usize,
    /// Whether the first character was looked at for a byte order mark.
    started: bool,
    byte_order_mark: bool,
    replaced: bool,
}

impl Lossy {
    fn push(&mut self, piece: &[u8]) {
        self.bytes = self.bytes.saturating_add(piece.len());
        let mut piece = piece;
        // Completes a character cut by the last piece, a byte at a time (it has at most four).
        while !self.pending.is_empty() {
            let Some((&first, rest)) = piece.split_first() else {
                return;
            };
            self.pending.push(first);
            piece = rest;
            match std::str::from_utf8(&self.pending) {
                Ok(character) => {
                    self.text.push_str(character);
                    self.pending.clear();
                }
                // Still the start of a character: wait for more.
                Err(error) if error.error_len().is_none() => {}
                Err(_) => {
                    let pending = std::mem::take(&mut self.pending);
                    self.decode(&pending, true);
                }
            }
        }
        self.decode(piece, false);
        if !self.started && !self.text.is_empty() {
            // Text is decoded in order, so its first character is the file's first.
            self.started = true;
            if self.text.starts_with('\u{FEFF}') {
                self.text.drain(..'\u{FEFF}'.len_utf8());
                self.byte_order_mark = true;
            }
        }
    }

    /// Decodes `bytes`; unless `whole`, a character cut off at the end waits in `pending`.
    fn decode(&mut self, bytes: &[u8], whole: bool) {
        let mut chunks = bytes.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            self.text.push_str(chunk.valid());
            let invalid = chunk.invalid();
            if invalid.is_empty() {
                continue;
            }
            let cut_at_end = !whole
                && chunks.peek().is_none()
                && std::str::from_utf8(invalid).is_err_and(|e| e.error_len().is_none());
            if cut_at_end {
                self.pending.extend_from_slice(invalid);
            } else {
                self.text.push(char::REPLACEMENT_CHARACTER);
                self.replaced = true;
            }
        }
    }

    /// The size of the article as read: the bytes pushed, less a byte order mark.
    fn article_bytes(&self) -> usize {
        if self.byte_order_mark {
            self.bytes - lines::BYTE_ORDER_MARK.len()
        } else {
            self.bytes
        }
    }

    /// The text, and whether anything was replaced. A character cut off by the end is invalid.
    fn finish(mut self) -> (String, bool) {
        if !self.pending.is_empty() {
            self.text.push(char::REPLACEMENT_CHARACTER);
            self.replaced = true;
        }
        (self.text, self.replaced)
    }
}

/// A text file read one text per line; blank lines are passed over without a record.
pub(super) struct LinePerRecord {
    origin: Origin,
    naming: Naming,
    lines: LineReader,
    max_bytes: usize,
    finished: bool,
    /// What the file's runs share, made when the first is.
    source: Option<Arc<LineSource>>,
}

/// The most bytes of a run of lines ([`LinePerRecord::next_entry`]): a quarter of a batch of
/// `tenor rate`, so that batches still share work out among threads.
const RUN_BYTES: usize = 64 * 1024;

impl LinePerRecord {
    pub(super) fn new(
        origin: Origin,
        naming: Naming,
        input: Box<dyn BufRead + Send>,
        max_bytes: usize,
    ) -> Self {
        // Room for a byte order mark and a CRLF beyond the text itself.
        let limit = max_bytes.saturating_add(lines::BYTE_ORDER_MARK.len() + 2);
        LinePerRecord {
            origin,
            naming,
            lines: LineReader::new(input, limit),
            max_bytes,
            finished: false,
            source: None,
        }
    }

    /// The next run of whole lines, when the next line lies whole in the input's buffer; else the
    /// next record, read as [`LinePerRecord::next_record`] reads it.
    pub(super) fn next_entry(&mut self) -> Option<Entry> {
        if !self.finished
            && let Some((bytes, first)) = self.lines.next_run(RUN_BYTES)
        {
            let source = self.source.get_or_insert_with(|| {
                Arc::new(LineSource {
                    label: self.origin.label.clone(),
                    naming: self.naming.clone(),
                    max_bytes: self.max_bytes,
                })
            });
            return Some(Entry::Lines(LineRun {
                source: Arc::clone(source),
                bytes,
                first,
            }));
        }
        self.next_record().map(Entry::Record)
    }

    pub(super) fn next_record(&mut self) -> Option<Record> {
        while !self.finished {
            match self.lines.next_line() {
                Line::End => self.finished = true,
                Line::Failed {
                    complete_lines,
                    error,
                } => {
                    self.finished = true;
                    return Some(self.origin.failure(complete_lines, &error));
                }
                Line::TooLong { number, bytes } => {
                    let id = self.naming.line_id(number);
                    let problem = super::too_large(bytes, self.max_bytes);
                    return Some(self.origin.skip(Some(id), number, problem));
                }
                Line::Text { number, bytes } => {
                    if lines::is_blank(bytes) {
                        continue;
                    }
                    let id = self.naming.line_id(number);
                    let (text, replaced) = lines::decode(bytes);
                    if let Some(problem) = super::text_problem(&text, self.max_bytes) {
                        return Some(self.origin.skip(Some(id), number, problem));
                    }
                    let mut warnings = Vec::new();
                    if replaced {
                        warnings.push(lines::replaced_warning(&self.origin.at(number)));
                    }
                    return Some(Record::Article(Article {
                        id,
                        text: text.into_owned(),
                        warnings,
                        ..Article::default()
                    }));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `bytes` decoded in pieces of `size` bytes.
    fn in_pieces(bytes: &[u8], size: usize) -> (String, bool, usize) {
        let mut lossy = Lossy::default();
        for piece in bytes.chunks(size) {
            lossy.push(piece);
        }
        let article_bytes = lossy.article_bytes();
        let (text, replaced) = lossy.finish();
        (text, replaced, article_bytes)
    }

    #[test]
    fn pieces_decode_as_the_whole_would_wherever_characters_are_cut() {
        let cases: [&[u8]; 5] = [
            "Caf\u{e9} \u{201C}ok\u{201D} \u{1F600}".as_bytes(),
            b"caf\xE9 au lait",
            b"\xF0\x9F\x98",
            b"a\xE2\x80b\xFF\xFE",
            b"\xEF\xBB\xBFhello \xEF\xBB\xBF",
        ];
        for bytes in cases {
            let mut expected = String::from_utf8_lossy(bytes).into_owned();
            let has_mark = expected.starts_with('\u{FEFF}');
            if has_mark {
                expected.drain(..3);
            }
            let expected_bytes = bytes.len() - if has_mark { 3 } else { 0 };
            for size in 1..=bytes.len() {
                let (text, replaced, article_bytes) = in_pieces(bytes, size);
                assert_eq!(text, expected, "{bytes:?} in pieces of {size}");
                assert_eq!(replaced, expected.contains('\u{FFFD}'), "{bytes:?}");
                assert_eq!(article_bytes, expected_bytes, "{bytes:?}");
            }
        }
    }
}
