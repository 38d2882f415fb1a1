//! What every column of every table holds: its kind of value, its range and its meaning. The xlsx
//! README sheet is written from here, and so are its column widths and number formats; the column
//! names themselves are those of [`Table::columns`](super::Table::columns), which a test keeps in step.

use crate::scoring::Scores;

use super::Table;

/// The kind of value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// An identifier or key: short text, compared exactly.
    Id,
    /// A short word or name from a fixed or small set (kind, framing, speaker).
    Label,
    /// Running text: quotes, titles, evidence.
    Prose,
    /// A whole number.
    Integer,
    /// A score or mean with four decimals.
    Score,
}

impl ColumnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Id => "id",
            ColumnKind::Label => "text",
            ColumnKind::Prose => "text",
            ColumnKind::Integer => "integer",
            ColumnKind::Score => "number",
        }
    }

    /// A column width in characters that shows typical values without hiding the next column.
    pub fn width(self) -> f64 {
        match self {
            ColumnKind::Id => 18.0,
            ColumnKind::Label => 16.0,
            ColumnKind::Prose => 60.0,
            ColumnKind::Integer => 9.0,
            ColumnKind::Score => 11.0,
        }
    }
}

/// One column of one table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDoc {
    pub name: String,
    pub kind: ColumnKind,
    /// The values it can take: a numeric range or the list of labels; empty for free text.
    pub range: &'static str,
    pub meaning: &'static str,
}

fn doc(name: &str, kind: ColumnKind, range: &'static str, meaning: &'static str) -> ColumnDoc {
    ColumnDoc {
        name: name.to_string(),
        kind,
        range,
        meaning,
    }
}

/// The range and meaning of each score, in the order of [`Scores::NAMES`].
const SCORES: [(&str, &str); 9] = [
    (
        "-1..1",
        "Overall sentiment of the words: -1 very negative, 0 neutral or balanced, 1 very positive.",
    ),
    (
        "0..1",
        "Share of the text that is positive: positive valence over positive and negative valence \
         plus one per neutral content word. positive + negative + neutral = 1.",
    ),
    (
        "0..1",
        "Share of the text that is negative, on the same terms.",
    ),
    (
        "0..1",
        "Share of the text that is neutral: content words with no sentiment.",
    ),
    (
        "-1..1",
        "-1 conflict (attacks, accusations, refusals) .. 1 cooperation (agreement, partnership, offers).",
    ),
    (
        "-1..1",
        "-1 frosty (cold, dismissive) .. 1 warm (friendly, grateful, affectionate).",
    ),
    (
        "0..1",
        "Threat: 0 none .. 1 explicit threat of harm, force or punishment.",
    ),
    (
        "-1..1",
        "-1 hedged (may, perhaps, I think) .. 1 assertive (certainly, must, will never).",
    ),
    (
        "0..1",
        "Irony: 0 none .. 1 clearly ironic or sarcastic (praise that means blame).",
    ),
];

/// `<score>_ci_low` and `<score>_ci_high` for each score, in the order of [`Scores::NAMES`].
fn interval_docs(of: &'static str) -> Vec<ColumnDoc> {
    Scores::NAMES
        .iter()
        .zip(SCORES)
        .flat_map(|(name, (range, _))| {
            ["_ci_low", "_ci_high"].map(|suffix| ColumnDoc {
                name: format!("{name}{suffix}"),
                kind: ColumnKind::Score,
                range,
                meaning: of,
            })
        })
        .collect()
}

fn score_docs(suffix: &str, of: &'static str) -> Vec<ColumnDoc> {
    Scores::NAMES
        .iter()
        .zip(SCORES)
        .map(|(name, (range, meaning))| ColumnDoc {
            name: format!("{name}{suffix}"),
            kind: ColumnKind::Score,
            range,
            meaning: if of.is_empty() { meaning } else { of },
        })
        .collect()
}

const INTERVAL_MEANING: &str = "Low or high end of the 95% percentile bootstrap interval of the mean \
     of the same name (quotes resampled 2,000 times by default, seeded by speaker and topic, so \
     every run gives the same interval; up to 7 quotes, every distinct resample weighted by its \
     probability); empty for fewer than two quotes or with --ci-resamples 0.";

/// The documentation of each column of `table`, in column order.
pub fn columns(table: Table) -> Vec<ColumnDoc> {
    use ColumnKind::*;
    match table {
        Table::Quotes => {
            let mut docs = vec![
                doc("article_id", Id, "", "The article the quote is from."),
                doc(
                    "quote_id",
                    Id,
                    "",
                    "ARTICLE_ID:N, N counting the article's quotes from 1 in text order.",
                ),
                doc(
                    "kind",
                    Label,
                    "direct, partial, indirect",
                    "direct: whole sentences in quotation marks; partial: quoted words inside the \
                     reporter's sentence; indirect: reported speech without marks.",
                ),
                doc(
                    "start",
                    Integer,
                    "0..",
                    "Offset of the quote's first character in the article text, in characters.",
                ),
                doc(
                    "end",
                    Integer,
                    "0..",
                    "Offset just past the quote's last character, in characters.",
                ),
                doc(
                    "speaker",
                    Label,
                    "",
                    "Canonical name of the speaker; empty when no speaker was found.",
                ),
                doc(
                    "speaker_mention",
                    Label,
                    "",
                    "The words that name the speaker at this quote, as written (he, Ms Petrova).",
                ),
                doc(
                    "cue",
                    Label,
                    "",
                    "The reporting verb or phrase, as written, with any manner adverb.",
                ),
                doc(
                    "framing",
                    Label,
                    "neutral, endorse, distance, concede, conflict, cooperate, humour, affect, \
                     tentative",
                    "How the reporter frames the speech act, from the cue: said is neutral, \
                     claimed distances, admitted concedes, hit out at is conflict.",
                ),
                doc(
                    "topics",
                    Label,
                    "",
                    "Topic keys of the quote, separated by ;.",
                ),
                doc(
                    "topic_source",
                    Label,
                    "quote, context, (empty)",
                    "quote: the quote names the topics; context: its sentence or paragraph does; \
                     empty: no topic.",
                ),
                doc("text", Prose, "", "The quoted words."),
            ];
            docs.extend(score_docs("", ""));
            docs.extend([
                doc(
                    "evidence",
                    Prose,
                    "",
                    "The lexicon entries and rules that moved the scores, as label:value \
                     separated by ;.",
                ),
                doc(
                    "speaker_type",
                    Label,
                    "person, organisation, group, anonymous",
                    "What kind of speaker the name stands for.",
                ),
                doc(
                    "framing_tone",
                    Score,
                    "-1..1",
                    "Tone of the reporter's cue and manner adverb (bluntly, warmly), never part \
                     of the quote's own scores.",
                ),
                doc(
                    "speaker_key",
                    Id,
                    "",
                    "Case- and accent-folded name that joins the speaker across articles; \
                     anonymous sources carry their article id.",
                ),
            ]);
            docs
        }
        Table::Articles => vec![
            doc(
                "article_id",
                Id,
                "",
                "The article's id, from its file name or record.",
            ),
            doc(
                "title",
                Prose,
                "",
                "The article's title, when the input gives one.",
            ),
            doc("source", Label, "", "The outlet, when the input gives one."),
            doc("date", Label, "", "The date, as given in the input."),
            doc("quotes", Integer, "0..", "Quotes found in the article."),
            doc(
                "speakers",
                Integer,
                "0..",
                "Distinct speakers of those quotes.",
            ),
            doc(
                "status",
                Label,
                "ok, skipped",
                "skipped: the record could not be read or analysed; see reason.",
            ),
            doc(
                "reason",
                Prose,
                "",
                "Why the record was skipped; for an article not in English, that its quotes were \
                 left unscored.",
            ),
            doc(
                "language",
                Label,
                "en, other, ISO 639-1 code",
                "The text's language: en, a code when the script or function words make it plain \
                 (fr, de, ru, zh, ...), else other; empty for a skipped record.",
            ),
        ],
        Table::Speakers => {
            let mut docs = vec![
                doc(
                    "speaker",
                    Label,
                    "",
                    "The canonical name used most often for the speaker.",
                ),
                doc(
                    "articles",
                    Integer,
                    "1..",
                    "Articles in which the speaker is quoted.",
                ),
                doc(
                    "quotes",
                    Integer,
                    "1..",
                    "Quotes attributed to the speaker.",
                ),
                doc("words", Integer, "0..", "Words in those quotes."),
            ];
            docs.extend(score_docs(
                "_mean",
                "Mean of the quote score of the same name over the speaker's quotes; same range.",
            ));
            docs.extend([
                doc(
                    "speaker_key",
                    Id,
                    "",
                    "The folded name that joins the speaker's quotes across articles.",
                ),
                doc(
                    "speaker_type",
                    Label,
                    "person, organisation, group, anonymous",
                    "The speaker type given most often.",
                ),
            ]);
            docs.extend(interval_docs(INTERVAL_MEANING));
            docs.push(doc(
                "role",
                Label,
                "",
                "The speaker's role from titles and appositions (\"Russian Foreign Minister\"), the one given most often.",
            ));
            docs
        }
        Table::SpeakerTopics => {
            let mut docs = vec![
                doc("speaker", Label, "", "The speaker's canonical name."),
                doc("topic", Label, "", "Topic key."),
                doc(
                    "quotes",
                    Integer,
                    "1..",
                    "The speaker's quotes on the topic.",
                ),
            ];
            docs.extend(score_docs(
                "_mean",
                "Mean of the quote score of the same name over the speaker's quotes on the \
                 topic; same range.",
            ));
            docs.push(doc(
                "speaker_key",
                Id,
                "",
                "The folded name that joins the speaker across articles.",
            ));
            docs.extend(interval_docs(INTERVAL_MEANING));
            docs.push(doc(
                "stance_mean",
                Score,
                "-1..1",
                "Mean stance toward the topic over the speaker's quotes on it: -1 against .. 1 for; \
                 a quote with no cue of support or opposition on the topic counts as 0.",
            ));
            docs
        }
        Table::QuoteTopics => vec![
            doc("quote_id", Id, "", "The quote, as in the quotes table."),
            doc("topic", Label, "", "A topic the quote's own words name."),
            doc(
                "stance",
                Score,
                "-1..1",
                "Stance toward the topic: -1 against (stop, halt, oppose, scrap) .. 1 for \
                 (continue, defend, back, welcome); 0 when no cue scopes over its mention.",
            ),
            doc(
                "sentiment",
                Score,
                "-1..1",
                "Sentiment of the words around the topic's mentions, -1 .. 1.",
            ),
            doc(
                "evidence",
                Prose,
                "",
                "The stance cues behind the stance, as cue:weight separated by ;.",
            ),
        ],
        Table::Targets => vec![
            doc("id", Id, "", "The record's id, as in the ratings table."),
            doc(
                "target_index",
                Integer,
                "0..",
                "Position of the target in the record's targets list, from 0.",
            ),
            doc(
                "from",
                Integer,
                "0..",
                "Start of the target's mention in code points; empty when a text target does \
                 not occur.",
            ),
            doc(
                "to",
                Integer,
                "0..",
                "End of the mention in code points (exclusive).",
            ),
            doc(
                "mention",
                Prose,
                "",
                "The target's words as they stand in the text.",
            ),
            doc(
                "sentiment",
                Score,
                "-1..1",
                "Sentiment toward the target: of the words reported about it, -1 .. 1.",
            ),
            doc(
                "stance",
                Score,
                "-1..1",
                "Stance toward the target: -1 against .. 1 for.",
            ),
            doc(
                "evidence",
                Prose,
                "",
                "The entries behind the sentiment, then the stance cues prefixed stance, \
                 separated by ;.",
            ),
        ],
        Table::Ratings => {
            let mut docs = vec![doc(
                "id",
                Id,
                "",
                "The record's id: its line number, or the id field of a JSONL or CSV record.",
            )];
            docs.extend(score_docs("", ""));
            docs.push(doc(
                "evidence",
                Prose,
                "",
                "The lexicon entries and rules that moved the scores, as label:value separated \
                 by ;.",
            ));
            docs
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_every_table_is_documented_in_order() {
        for table in Table::SCORE
            .into_iter()
            .chain([Table::Ratings, Table::Targets])
        {
            let documented: Vec<String> = columns(table).into_iter().map(|d| d.name).collect();
            assert_eq!(documented, table.columns(), "{}", table.name());
        }
    }

    #[test]
    fn numbers_have_a_range_and_every_column_a_meaning() {
        for table in Table::SCORE {
            for column in columns(table) {
                assert!(!column.meaning.is_empty(), "{}", column.name);
                if matches!(column.kind, ColumnKind::Score | ColumnKind::Integer) {
                    assert!(!column.range.is_empty(), "{}", column.name);
                }
            }
        }
    }
}
