//! Plain text files (`.txt`, `.md`): one article per file, or one text per line.
//!
//! The text is kept as written; only a leading byte order mark goes. The title of a whole-file article
//! is its first line with anything but whitespace on it, trimmed. Ids are made by [`Naming`].

use std::io::{BufRead, Read};

use super::lines::{self, Line, LineReader};
use super::{Article, Naming, Origin, Record, Skipped};

/// Reads a whole file as one article with id `id`.
///
/// No more than `max_bytes` (and a few bytes more, to tell) are read, so an oversized file costs no
/// more memory than the limit.
pub(super) fn whole_file(
    origin: Origin,
    id: String,
    input: Box<dyn BufRead + Send>,
    max_bytes: usize,
) -> Record {
    // Room for a byte order mark, and one byte to tell an oversized file.
    let cap = max_bytes.saturating_add(lines::BYTE_ORDER_MARK.len() + 1);
    let mut bytes = Vec::new();
    if let Err(error) = input.take(cap as u64).read_to_end(&mut bytes) {
        let complete_lines = memchr::memchr_iter(b'\n', &bytes).count();
        return origin.failure(complete_lines, &error);
    }
    if bytes.starts_with(lines::BYTE_ORDER_MARK) {
        bytes.drain(..lines::BYTE_ORDER_MARK.len());
    }
    let skip = |reason: String| {
        Record::Skipped(Skipped {
            id: id.clone(),
            reason: format!("{}: {reason}", origin.label),
        })
    };
    if bytes.len() > max_bytes {
        return skip(format!(
            "article is larger than the limit of {max_bytes} bytes"
        ));
    }
    let mut warnings = Vec::new();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(invalid) => {
            warnings.push(lines::replaced_warning(&origin.label));
            String::from_utf8_lossy(invalid.as_bytes()).into_owned()
        }
    };
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

/// A text file read one text per line; blank lines are passed over without a record.
pub(super) struct LinePerRecord {
    origin: Origin,
    naming: Naming,
    lines: LineReader,
    max_bytes: usize,
    finished: bool,
}

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
        }
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
