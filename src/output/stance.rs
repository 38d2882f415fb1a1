//! quote_topics.csv: one row per quote and topic its own words mention, with the quote's stance toward
//! the topic (-1 against .. 1 for), its sentiment toward the topic's mentions, and the stance cues.
//!
//! The rows come from [`crate::pipeline::ScoredQuote::topic_stances`]; a quote that takes its topics
//! only from its context has none. Like the other tables it is written beside its final name and moved
//! into place by [`super::OutputDir::finish`].

use std::path::Path;

use super::Table;
use crate::error::Result;
use crate::pipeline::AnalysedArticle;

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
