//! Human ratings of texts, and of the polarity toward targets in them, read from the layouts
//! researchers have: VADER's ground truth (`id<TAB>rating<TAB>text`), CSV or JSON Lines with named
//! columns, and NewsMTSC-style target JSON Lines.

use std::path::Path;

use super::{ClassReport, Polarity, pearson, spearman};
use crate::error::{Error, Result};

/// One human-rated text.
#[derive(Debug, Clone, PartialEq)]
pub struct RatedText {
    pub id: String,
    pub rating: f64,
    pub text: String,
}

/// Reads rated texts. `.jsonl`/`.ndjson` and `.csv` need `text` and `rating` fields (`id` optional);
/// anything else is read as `id<TAB>rating<TAB>text`. HTML entities are decoded, as such files carry them.
pub fn read_ratings(path: &Path) -> Result<Vec<RatedText>> {
    let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |line: usize, message: String| Error::Lexicon {
        path: path.to_path_buf(),
        line,
        message,
    };
    let name = path.to_string_lossy().to_lowercase();
    let mut out = Vec::new();
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        for (i, line) in source
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| bad(i + 1, e.to_string()))?;
            let text = v["text"]
                .as_str()
                .ok_or_else(|| bad(i + 1, "no text field".into()))?;
            let rating = v["rating"]
                .as_f64()
                .ok_or_else(|| bad(i + 1, "no numeric rating field".into()))?;
            let id = v["id"]
                .as_str()
                .map_or_else(|| (i + 1).to_string(), str::to_string);
            out.push(RatedText {
                id,
                rating,
                text: text.to_string(),
            });
        }
    } else if name.ends_with(".csv") {
        let mut reader = csv::Reader::from_reader(source.as_bytes());
        let headers = reader.headers().map_err(|e| bad(1, e.to_string()))?.clone();
        let col = |n: &str| headers.iter().position(|h| h == n);
        let (Some(t), Some(r)) = (col("text"), col("rating")) else {
            return Err(bad(1, "needs `text` and `rating` columns".into()));
        };
        for (i, row) in reader.records().enumerate() {
            let row = row.map_err(|e| bad(i + 2, e.to_string()))?;
            let rating = row[r]
                .trim()
                .parse()
                .map_err(|_| bad(i + 2, format!("rating {:?}", &row[r])))?;
            let id = col("id").map_or_else(|| (i + 1).to_string(), |c| row[c].to_string());
            out.push(RatedText {
                id,
                rating,
                text: row[t].to_string(),
            });
        }
    } else {
        for (i, line) in source.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let mut fields = line.splitn(3, '\t');
            let (Some(id), Some(rating), Some(text)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(bad(i + 1, "expected id<TAB>rating<TAB>text".into()));
            };
            let rating = rating
                .trim()
                .parse()
                .map_err(|_| bad(i + 1, format!("rating {rating:?}")))?;
            out.push(RatedText {
                id: id.to_string(),
                rating,
                text: decode_entities(text),
            });
        }
    }
    Ok(out)
}

/// `&amp;` and friends, as left in scraped text.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// How well scores agree with human ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct RatingsReport {
    pub n: usize,
    pub pearson: f64,
    pub spearman: f64,
    pub classes: ClassReport,
}

/// Compares `score(text)` with each text's rating. `human_threshold` and `score_threshold` bound the
/// neutral class on each side.
pub fn evaluate_ratings(
    items: &[RatedText],
    score: impl Fn(&str) -> f64 + Sync,
    human_threshold: f64,
    score_threshold: f64,
) -> RatingsReport {
    use rayon::prelude::*;
    let predicted: Vec<f64> = items.par_iter().map(|t| score(&t.text)).collect();
    let human: Vec<f64> = items.iter().map(|t| t.rating).collect();
    let gold: Vec<Polarity> = human
        .iter()
        .map(|&h| Polarity::of(h, human_threshold))
        .collect();
    let pred: Vec<Polarity> = predicted
        .iter()
        .map(|&p| Polarity::of(p, score_threshold))
        .collect();
    RatingsReport {
        n: items.len(),
        pearson: pearson(&predicted, &human).unwrap_or(0.0),
        spearman: spearman(&predicted, &human).unwrap_or(0.0),
        classes: ClassReport::new(&gold, &pred),
    }
}

/// A sentence with the gold polarity toward each of its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSentence {
    pub sentence: String,
    /// (from, to) code point offsets of the mention, and the gold polarity.
    pub targets: Vec<(usize, usize, Polarity)>,
}

/// Reads NewsMTSC-style JSON Lines: `sentence_normalized` (or `sentence`/`text`) and `targets` with
/// `from`, `to` and `polarity` (2 negative, 4 neutral, 6 positive; or -1/0/1).
pub fn read_targets(path: &Path) -> Result<Vec<TargetSentence>> {
    let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in source
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let bad = |message: String| Error::Lexicon {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let sentence = ["sentence_normalized", "sentence", "text"]
            .iter()
            .find_map(|k| v[k].as_str())
            .ok_or_else(|| bad("no sentence field".into()))?;
        let mut targets = Vec::new();
        for t in v["targets"].as_array().into_iter().flatten() {
            let (Some(from), Some(to), Some(p)) =
                (t["from"].as_u64(), t["to"].as_u64(), t["polarity"].as_f64())
            else {
                return Err(bad("a target needs from, to and polarity".into()));
            };
            let polarity = if (-1.0..=1.0).contains(&p) {
                Polarity::of(p, 0.0)
            } else if p < 3.0 {
                Polarity::Negative
            } else if p > 5.0 {
                Polarity::Positive
            } else {
                Polarity::Neutral
            };
            targets.push((from as usize, to as usize, polarity));
        }
        out.push(TargetSentence {
            sentence: sentence.to_string(),
            targets,
        });
    }
    Ok(out)
}

/// Compares the polarity of `score(sentence, from, to)` toward each target with the gold polarity.
pub fn evaluate_targets(
    items: &[TargetSentence],
    score: impl Fn(&str, usize, usize) -> f64 + Sync,
    threshold: f64,
) -> ClassReport {
    use rayon::prelude::*;
    let pairs: Vec<(Polarity, Polarity)> = items
        .par_iter()
        .flat_map_iter(|s| {
            s.targets
                .iter()
                .map(|&(from, to, gold)| {
                    (gold, Polarity::of(score(&s.sentence, from, to), threshold))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let (gold, pred): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    ClassReport::new(&gold, &pred)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn vader_layout_with_crlf_and_entities() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(f, "1\t2.5\tGood &amp; kind\r\n2\t-1.0\tBad\r\n").unwrap();
        let items = read_ratings(f.path()).unwrap();
        assert_eq!(items[0].text, "Good & kind");
        assert_eq!(items[1].rating, -1.0);
        let report = evaluate_ratings(
            &items,
            |t| if t.starts_with("Good") { 0.5 } else { -0.5 },
            0.05,
            0.05,
        );
        assert_eq!(report.classes.accuracy, 1.0);
        assert!((report.pearson - 1.0).abs() < 1e-9);
    }

    #[test]
    fn targets_polarity_codes() {
        let mut f = tempfile::NamedTempFile::with_suffix(".jsonl").unwrap();
        writeln!(
            f,
            r#"{{"sentence_normalized": "Ann praised Bo.", "targets": [{{"from": 0, "to": 3, "polarity": 6.0}}, {{"from": 12, "to": 14, "polarity": 4.0}}]}}"#
        )
        .unwrap();
        let items = read_targets(f.path()).unwrap();
        assert_eq!(
            items[0].targets,
            [(0, 3, Polarity::Positive), (12, 14, Polarity::Neutral)]
        );
    }
}
