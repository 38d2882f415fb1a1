//! tenor finds the quotes in news articles, works out who said them and what they are about, and scores
//! their tone: sentiment, and the stance dimensions cooperation, warmth, threat, assertiveness and irony.
//!
//! The work is a pipeline of stages, each a module with one job. Data flows one way; each stage's output
//! type is the next stage's input:
//!
//! ```text
//! ingest ──Article──▶ segment ──Segmented──▶ quotes ──ArticleQuotes──▶ topics ──▶ scoring ──▶ aggregate ──▶ output
//! ```
//!
//! [`pipeline`] wires the stages together for a batch of articles; the `tenor` binary is a thin command
//! line over it. Everything the stages read from lexicons is built once ([`pipeline::Engine`]) and shared
//! read-only across threads.
//!
//! ```ignore
//! use tenor::pipeline::Engine;
//!
//! let engine = Engine::with_defaults().unwrap();
//! let text = "Talks collapsed on Friday.\n\n\u{201C}We are at a dead end,\u{201D} the minister, Ana Petrova, said.";
//! let article = engine.analyse_text("a1", text);
//! assert_eq!(article.quotes.len(), 1);
//! assert_eq!(article.quotes[0].speaker.as_deref(), Some("Ana Petrova"));
//! assert!(article.quotes[0].scores.sentiment < 0.0);
//! ```

pub mod aggregate;
pub mod compare;
pub mod error;
pub mod eval;
pub mod groups;
pub mod guard;
pub mod ingest;
pub mod interrupt;
pub mod language;
pub mod markup;
pub mod output;
pub mod pipeline;
pub mod quotes;
pub mod report;
pub mod resume;
pub mod scoring;
pub mod segment;
pub mod stats;
pub mod text;
pub mod topics;

pub use error::{Error, Result};
