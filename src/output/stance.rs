//! Tables of sentiment and stance toward parts of a text.
//!
//! - quote_topics.csv: one row per quote and topic its own words mention, with the quote's stance
//!   toward the topic (-1 against .. 1 for), its sentiment toward the topic's mentions, and the stance
//!   cues. The rows come from [`crate::pipeline::ScoredQuote::topic_stances`]; a quote that takes its
//!   topics only from its context has none. It is moved into place by [`super::OutputDir::finish`].
//! - the targets table of `tenor rate --targets-out` ([`TargetWriter`]): one row per target of each
//!   record, from [`crate::pipeline::Engine::score_targets`].
//!
//! Like the other tables, both are written beside their final name and moved into place at the end.

use std::fmt::Write as _;
use std::path::Path;

use super::Table;
use crate::error::Result;
use crate::pipeline::{AnalysedArticle, TargetScore};

pub const QUOTE_TOPICS_TABLE: &str = "quote_topics.csv";

/// Columns of quote_topics.csv.
pub const QUOTE_TOPIC_COLUMNS: [&str; 5] = ["quote_id", "topic", "stance", "sentiment", "evidence"];

/// The quote_topics.csv being written.
pub(super) struct QuoteTopics {
    table: Table,
}

impl QuoteTopics {
    pub(super) fn create(dir: &Path) -> Result<QuoteTopics> {
        let mut table = Table::create(dir.join(QUOTE_TOPICS_TABLE))?;
        table.rows.header(QUOTE_TOPIC_COLUMNS)?;
        Ok(QuoteTopics { table })
    }

    /// Writes the rows of one article's quotes. `topic_names[id]` names topic `id`.
    ///
    /// # Errors
    /// [`crate::Error::Output`] when a topic id has no name, before any row of the article is written.
    pub(super) fn write_article(
        &mut self,
        article: &AnalysedArticle,
        topic_names: &[String],
    ) -> Result<()> {
        let rows = &mut self.table.rows;
        for quote in &article.quotes {
            if let Some(t) = quote
                .topic_stances
                .iter()
                .find(|t| usize::from(t.topic) >= topic_names.len())
            {
                return Err(rows.error(format!(
                    "quote {}: topic id {} has no name: only {} topic names were given",
                    quote.quote_id,
                    t.topic,
                    topic_names.len()
                )));
            }
        }
        for quote in &article.quotes {
            for t in &quote.topic_stances {
                rows.text(&quote.quote_id)?;
                rows.text(&topic_names[usize::from(t.topic)])?;
                rows.score(f64::from(t.stance))?;
                rows.score(f64::from(t.sentiment))?;
                rows.text(&t.evidence)?;
                rows.end_row()?;
            }
        }
        Ok(())
    }

    pub(super) fn into_table(self) -> Table {
        self.table
    }
}

/// Columns of the `tenor rate --targets-out` table. `target_index` counts from 0 in the record's
/// `targets` list; `from` and `to` are code point offsets, empty with the scores for a text target
/// that does not occur.
pub const TARGET_COLUMNS: [&str; 8] = [
    "id",
    "target_index",
    "from",
    "to",
    "mention",
    "sentiment",
    "stance",
    "evidence",
];

/// The targets table of `tenor rate`, written atomically to the given path.
pub struct TargetWriter {
    table: Table,
}

impl TargetWriter {
    /// Starts the table. The file appears at `path` only on [`TargetWriter::finish`].
    pub fn create(path: impl AsRef<Path>) -> Result<TargetWriter> {
        let mut table = Table::create(path.as_ref().to_path_buf())?;
        table.rows.header(TARGET_COLUMNS)?;
        Ok(TargetWriter { table })
    }

    /// Writes one row per target of record `id`. The evidence holds the words behind the sentiment,
    /// then the stance cues, each prefixed `stance `.
    pub fn write(&mut self, id: &str, targets: &[TargetScore]) -> Result<()> {
        let rows = &mut self.table.rows;
        for target in targets {
            rows.text(id)?;
            rows.count(target.index as u64)?;
            match target.span {
                Some((from, to)) => {
                    rows.count(from as u64)?;
                    rows.count(to as u64)?;
                }
                None => {
                    rows.text("")?;
                    rows.text("")?;
                }
            }
            rows.text(&target.mention)?;
            match &target.toward {
                Some(toward) => {
                    rows.score(f64::from(toward.sentiment))?;
                    rows.score(f64::from(toward.stance))?;
                    rows.scratch.clear();
                    let sentiment = toward.sentiment_evidence.iter().map(|e| ("", e));
                    let stance = toward.stance_evidence.iter().map(|e| ("stance ", e));
                    for (i, (prefix, evidence)) in sentiment.chain(stance).enumerate() {
                        if i > 0 {
                            rows.scratch.push(';');
                        }
                        // Writing into a String cannot fail.
                        let _ = write!(rows.scratch, "{prefix}{evidence}");
                    }
                    rows.scratch_field()?;
                }
                None => {
                    rows.text("")?;
                    rows.text("")?;
                    rows.text("not found in the text")?;
                }
            }
            rows.end_row()?;
        }
        Ok(())
    }

    /// Moves the table into place.
    pub fn finish(mut self) -> Result<()> {
        self.table.flush()?;
        self.table.rename_into_place()
    }
}
