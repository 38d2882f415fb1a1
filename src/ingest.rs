//! Reading articles: files, directories and standard input, in the formats users have (.txt/.md,
//! .jsonl/.ndjson, .csv, each optionally .gz), as a stream of [`Record`]s.
//!
//! Every input record becomes exactly one `Record`: an [`Article`] to analyse, or a [`Skipped`] that
//! says which file and line or record was unusable and why. Nothing is dropped silently. This module does
//! not look inside the text: it is used exactly as given.

use std::path::PathBuf;

/// One article, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub url: String,
    pub text: String,
    /// Any further string fields of a JSONL or CSV record, in their order, for grouping (`--by`).
    pub fields: Vec<(String, String)>,
    /// Problems that did not stop the record from being read, such as invalid UTF-8 decoded lossily.
    pub warnings: Vec<String>,
}

/// A record that could not be read, with where it was and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The article id when it could be read, else `FILE:LINE`, else the path as given.
    pub id: String,
    pub reason: String,
}

/// One input record.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Article(Article),
    Skipped(Skipped),
}

/// How a `.txt` file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextLayout {
    /// The whole file is one article (`tenor score`).
    #[default]
    WholeFile,
    /// Each non-empty line is one text, its id the line number (`tenor rate`).
    LinePerRecord,
}

/// Options for reading inputs.
#[derive(Debug, Clone)]
pub struct InputOptions {
    pub text_layout: TextLayout,
    /// Articles larger than this are skipped with a reason rather than analysed.
    pub max_article_bytes: usize,
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            text_layout: TextLayout::WholeFile,
            max_article_bytes: 16 * 1024 * 1024,
        }
    }
}

/// An input argument: a path (file or directory) or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    Path(PathBuf),
    /// `-`: JSON Lines on standard input.
    Stdin,
}

impl InputSource {
    /// Parses a command-line argument; `-` is standard input.
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            InputSource::Stdin
        } else {
            InputSource::Path(PathBuf::from(arg))
        }
    }
}
