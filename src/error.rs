//! The library's error type. Every variant carries what the user needs to find the problem: the file,
//! and the line or record where there is one. Recoverable problems with one input record are not errors:
//! they become skipped records (see [`crate::ingest::Skipped`]) so that a run goes on.

use std::path::PathBuf;

/// Errors that stop an operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O failure on a named file.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A lexicon, topic or alias file that cannot be parsed.
    #[error("{path}:{line}: {message}")]
    Lexicon {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A problem with an input file that makes it unusable as a whole.
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    /// Writing an output table failed.
    #[error("writing {path}: {message}")]
    Output { path: PathBuf, message: String },
    /// An option value that makes no sense.
    #[error("{0}")]
    Usage(String),
    /// A record was skipped in a run that allows none (`--strict`).
    #[error("--strict: skipped {id}: {reason}")]
    Strict { id: String, reason: String },
    /// The run was stopped by a signal before it finished; nothing was moved into place.
    #[error("interrupted by {}", .0.name())]
    Interrupted(crate::interrupt::Signal),
}

/// `Result` with the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
