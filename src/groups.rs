//! Speaker summaries split further by article fields (`tenor score --by source --by date`): one row per
//! group value × speaker × topic ("" for all topics) with the count, mean and 95% bootstrap interval of
//! every score, written as groups.csv (or a `groups` sheet) by [`crate::output`].
//!
//! Like [`crate::aggregate`], it keeps every quote's scores per row (36 bytes per quote per row) and
//! sorts them before resampling, with a seed from the row's group values, speaker key and topic, so
//! that results depend neither on thread count nor on input order. Finding speakers and scoring is
//! left to the pipeline; the per-speaker tables without groups to [`crate::aggregate`] and
//! [`crate::output`].
//!
//! ```
//! use tenor::groups::{GroupBy, GroupField, Period};
//!
//! let by = GroupBy::new(vec![GroupField::parse("source"), GroupField::parse("date")], Period::Month);
//! assert_eq!(by.columns(), ["source", "date"]);
//! assert_eq!(Period::Week.of("2024-12-30"), "2025-W01");
//! ```

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::aggregate::{DEFAULT_RESAMPLES, SCORE_COUNT};
use crate::output::{ColumnDoc, ColumnKind};
use crate::pipeline::{AnalysedArticle, ArticleStatus};
use crate::scoring::Scores;
use crate::stats::{Bootstrap, Interval, bootstrap_mean};
use crate::text::fold_name;

/// The table `tenor score --by` writes beside the other tables: `groups.csv` (or `.tsv`, `.jsonl`),
/// or the `groups` sheet of the workbook.
pub const GROUPS_NAME: &str = "groups";

/// Group value of an article whose date cannot be read or that lacks the field.
pub const UNKNOWN: &str = "unknown";

/// An article field to group by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupField {
    Source,
    /// The date, cut to a [`Period`].
    Date,
    /// Any other field of the input record (JSONL key or CSV column).
    Field(String),
}

impl GroupField {
    pub fn parse(name: &str) -> GroupField {
        match name {
            "source" => GroupField::Source,
            "date" => GroupField::Date,
            other => GroupField::Field(other.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            GroupField::Source => "source",
            GroupField::Date => "date",
            GroupField::Field(name) => name,
        }
    }
}

/// How finely dates are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    Day,
    /// ISO 8601 week: `2025-W01`.
    Week,
    #[default]
    Month,
    Year,
}

impl Period {
    /// The period's name as `--period` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Year => "year",
        }
    }

    /// The period holding an ISO date (`YYYY-MM-DD`, optionally followed by a time), or [`UNKNOWN`].
    pub fn of(self, date: &str) -> String {
        let Some((year, month, day)) = parse_iso_date(date) else {
            return UNKNOWN.to_string();
        };
        match self {
            Period::Day => format!("{year:04}-{month:02}-{day:02}"),
            Period::Month => format!("{year:04}-{month:02}"),
            Period::Year => format!("{year:04}"),
            Period::Week => {
                let (week_year, week) = iso_week(year, month, day);
                format!("{week_year:04}-W{week:02}")
            }
        }
    }
}

fn parse_iso_date(date: &str) -> Option<(i64, u32, u32)> {
    let date = date.trim();
    let bytes = date.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    if bytes.len() > 10 && !matches!(bytes[10], b'T' | b' ' | b't') {
        return None;
    }
    let year: i64 = date.get(0..4)?.parse().ok()?;
    let month: u32 = date.get(5..7)?.parse().ok()?;
    let day: u32 = date.get(8..10)?.parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&day)
        .then_some((year, month, day))
}

/// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The ISO week-numbering year and week of a date: weeks start on Monday and week 1 holds the year's
/// first Thursday.
fn iso_week(year: i64, month: u32, day: u32) -> (i64, u32) {
    let days = days_from_civil(year, month, day);
    // 1970-01-01 was a Thursday; Monday is 0.
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let week_year = if thursday < days_from_civil(year, 1, 1) {
        year - 1
    } else if thursday >= days_from_civil(year + 1, 1, 1) {
        year + 1
    } else {
        year
    };
    let week = (thursday - days_from_civil(week_year, 1, 1)) / 7 + 1;
    (week_year, week as u32)
}

/// The fields to group by, in the order of their columns, and the date period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBy {
    fields: Vec<GroupField>,
    period: Period,
}

impl GroupBy {
    pub fn new(fields: Vec<GroupField>, period: Period) -> GroupBy {
        GroupBy { fields, period }
    }

    /// Names of the group key columns.
    pub fn columns(&self) -> Vec<&str> {
        self.fields.iter().map(GroupField::name).collect()
    }

    /// The group values of an article, in column order.
    pub fn values_of(&self, article: &AnalysedArticle) -> Vec<String> {
        self.fields
            .iter()
            .map(|field| match field {
                GroupField::Source if !article.source.trim().is_empty() => {
                    article.source.trim().to_string()
                }
                GroupField::Source => UNKNOWN.to_string(),
                GroupField::Date => self.period.of(&article.date),
                GroupField::Field(name) => article
                    .fields
                    .iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.trim())
                    .filter(|value| !value.is_empty())
                    .unwrap_or(UNKNOWN)
                    .to_string(),
            })
            .collect()
    }
}

/// One row of groups.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    pub group: Vec<String>,
    pub speaker_key: String,
    pub speaker: String,
    /// "" for the speaker's quotes on all topics.
    pub topic: String,
    pub n: u64,
    pub mean: [f64; SCORE_COUNT],
    /// `None` for fewer than two quotes or with no resamples.
    pub interval: [Option<Interval>; SCORE_COUNT],
}

#[derive(Debug, Default, Clone)]
struct Cell {
    /// The speaker's canonical name as first seen in input order.
    speaker: String,
    values: Vec<[f32; SCORE_COUNT]>,
}

/// Quotes per group × speaker × topic. Feed articles in any order; merge partials with
/// [`Groups::merge`].
#[derive(Debug, Clone)]
pub struct Groups {
    by: GroupBy,
    resamples: usize,
    cells: BTreeMap<(Vec<String>, String, String), Cell>,
}

impl Groups {
    pub fn new(by: GroupBy) -> Groups {
        Groups::with_resamples(by, DEFAULT_RESAMPLES)
    }

    /// `resamples` 0 leaves the intervals empty.
    pub fn with_resamples(by: GroupBy, resamples: usize) -> Groups {
        Groups {
            by,
            resamples,
            cells: BTreeMap::new(),
        }
    }

    pub fn by(&self) -> &GroupBy {
        &self.by
    }

    /// Adds the attributed quotes of one analysed article; `topic_names[id]` names topic `id` (a topic
    /// without a name is left out of the topic rows).
    pub fn add_article(&mut self, article: &AnalysedArticle, topic_names: &[String]) {
        if article.status != ArticleStatus::Ok {
            return;
        }
        let group = self.by.values_of(article);
        for quote in &article.quotes {
            let (key, name) = match (&quote.speaker_key, &quote.speaker) {
                (Some(key), name) => (key.clone(), name.clone().unwrap_or_else(|| key.clone())),
                (None, Some(name)) => (fold_name(name), name.clone()),
                (None, None) => continue,
            };
            let mut row = [0.0f32; SCORE_COUNT];
            for (slot, v) in row.iter_mut().zip(quote.scores.values()) {
                *slot = if v.is_finite() { v } else { 0.0 };
            }
            let mut topics: Vec<&str> = quote
                .topics
                .iter()
                .filter_map(|&t| topic_names.get(usize::from(t)).map(String::as_str))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            for topic in std::iter::once("").chain(topics) {
                let cell = self
                    .cells
                    .entry((group.clone(), key.clone(), topic.to_string()))
                    .or_default();
                if cell.speaker.is_empty() {
                    cell.speaker.clone_from(&name);
                }
                cell.values.push(row);
            }
        }
    }

    /// Adds everything in `other`, fed with articles that come after those of `self`.
    pub fn merge(&mut self, other: Groups) {
        for (key, cell) in other.cells {
            let mine = self.cells.entry(key).or_default();
            if mine.speaker.is_empty() {
                mine.speaker = cell.speaker;
            }
            mine.values.extend(cell.values);
        }
    }

    /// The rows, sorted by group values, speaker key and topic ("" first). Intervals are computed on
    /// rayon's threads.
    pub fn rows(&self) -> Vec<GroupRow> {
        let cells: Vec<_> = self.cells.iter().collect();
        cells
            .into_par_iter()
            .map(|((group, key, topic), cell)| {
                let mut mean = [0.0; SCORE_COUNT];
                let mut interval = [None; SCORE_COUNT];
                let mut column: Vec<f64> = Vec::with_capacity(cell.values.len());
                for score in 0..SCORE_COUNT {
                    column.clear();
                    column.extend(cell.values.iter().map(|row| f64::from(row[score])));
                    // Sorted, the sum and the resamples are the same whatever order quotes came in.
                    column.sort_unstable_by(f64::total_cmp);
                    mean[score] = column.iter().sum::<f64>() / column.len() as f64;
                    if column.len() >= 2 {
                        let options = Bootstrap {
                            resamples: self.resamples,
                            seed: seed(group, key, topic, score),
                            ..Bootstrap::default()
                        };
                        interval[score] = bootstrap_mean(&column, &options);
                    }
                }
                GroupRow {
                    group: group.clone(),
                    speaker_key: key.clone(),
                    speaker: cell.speaker.clone(),
                    topic: topic.clone(),
                    n: cell.values.len() as u64,
                    mean,
                    interval,
                }
            })
            .collect()
    }

    /// Columns of groups.csv: the group fields, `speaker, topic, n`, then `<score>_mean,
    /// <score>_ci_low, <score>_ci_high` per score, then `speaker_key`.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = self.by.columns().into_iter().map(String::from).collect();
        columns.extend(["speaker", "topic", "n"].map(String::from));
        for name in Scores::NAMES {
            columns.extend([
                format!("{name}_mean"),
                format!("{name}_ci_low"),
                format!("{name}_ci_high"),
            ]);
        }
        columns.push("speaker_key".to_string());
        columns
    }

    /// What each column holds, in the order of [`Groups::columns`], for the README sheet of a
    /// workbook.
    pub fn column_docs(&self) -> Vec<ColumnDoc> {
        let doc = |name: String, kind, range, meaning| ColumnDoc {
            name,
            kind,
            range,
            meaning,
        };
        let mut docs: Vec<ColumnDoc> = self
            .by
            .columns()
            .into_iter()
            .map(|name| {
                doc(
                    name.to_string(),
                    ColumnKind::Label,
                    "",
                    "Group: the article's value of this field (its source, its date cut to the \
                     --period, or the input field of that name); `unknown` when it has none.",
                )
            })
            .collect();
        docs.extend([
            doc(
                "speaker".into(),
                ColumnKind::Label,
                "",
                "The speaker's name as first seen.",
            ),
            doc(
                "topic".into(),
                ColumnKind::Label,
                "",
                "The topic; blank for the speaker's quotes on all topics in the group.",
            ),
            doc(
                "n".into(),
                ColumnKind::Integer,
                "1..",
                "Quotes of the speaker in the group (and topic).",
            ),
        ]);
        for name in Scores::NAMES {
            // Sentiment and the bipolar tones run from -1 to 1; shares, threat and irony from 0.
            let range = match name {
                "sentiment" | "cooperation" | "warmth" | "assertiveness" => "-1..1",
                _ => "0..1",
            };
            docs.extend([
                doc(
                    format!("{name}_mean"),
                    ColumnKind::Score,
                    range,
                    "Mean of the score over the row's quotes.",
                ),
                doc(
                    format!("{name}_ci_low"),
                    ColumnKind::Score,
                    range,
                    "Low end of the 95% percentile-bootstrap interval of the mean; blank for fewer \
                     than 2 quotes.",
                ),
                doc(
                    format!("{name}_ci_high"),
                    ColumnKind::Score,
                    range,
                    "High end of the 95% interval of the mean; blank for fewer than 2 quotes.",
                ),
            ]);
        }
        docs.push(doc(
            "speaker_key".into(),
            ColumnKind::Id,
            "",
            "The folded name that joins spellings of one speaker.",
        ));
        docs
    }
}

/// FNV-1a of the row's group values, speaker key and topic, each followed by 0xFF (never in UTF-8),
/// then the score.
fn seed(group: &[String], key: &str, topic: &str, score: usize) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut hash: u64 = 0xCBF2_9CE4_8422_2325;
    for part in group.iter().map(String::as_str).chain([key, topic]) {
        for &byte in part.as_bytes().iter().chain(&[0xFF]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(PRIME);
        }
    }
    (hash ^ score as u64).wrapping_mul(PRIME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_fall_in_their_period_and_bad_dates_are_unknown() {
        assert_eq!(Period::Day.of("2024-05-01T10:00:00Z"), "2024-05-01");
        assert_eq!(Period::Month.of("2024-05-01"), "2024-05");
        assert_eq!(Period::Year.of("2024-05-01"), "2024");
        // 2021-01-03 is a Sunday in the last ISO week of 2020; 2024-12-30 a Monday of 2025's first.
        assert_eq!(Period::Week.of("2021-01-03"), "2020-W53");
        assert_eq!(Period::Week.of("2021-01-04"), "2021-W01");
        assert_eq!(Period::Week.of("2024-12-30"), "2025-W01");
        assert_eq!(Period::Week.of("2024-06-15"), "2024-W24");
        for bad in [
            "",
            "May 1, 2024",
            "2024-02-30",
            "2024-13-01",
            "2024-05-01x",
            "20240501",
        ] {
            assert_eq!(Period::Month.of(bad), UNKNOWN, "{bad}");
        }
    }
}
