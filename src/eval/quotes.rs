//! Quote extraction and attribution against gold annotations: PolNeAR-style JSON Lines (`text`,
//! `attributions` with `source`, `cue` and `content` spans) or our own simple layout (`text`, `quotes`
//! with `start`, `end`, `speaker`). Offsets are code points.
//!
//! A predicted quote matches a gold one when their overlap divided by the gold span's length reaches a
//! threshold (0.3 lenient, 0.8 strict); matching is greedy and one to one, best overlap first. The
//! speaker is right when the predicted speaker's mention overlaps the gold source, or the names agree
//! after case and accent folding.

use std::path::Path;

use crate::error::{Error, Result};
use crate::quotes::QuoteKind;
use crate::quotes::attribution::QuoteExtractor;
use crate::segment::Segmented;
use crate::text::{CharOffsets, fold_name};

/// A gold quote.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldQuote {
    /// First and last code point of the content.
    pub start: usize,
    pub end: usize,
    /// The content's spans: an attribution's content may be split around its cue.
    pub spans: Vec<(usize, usize)>,
    /// Whether the content opens with a quotation mark.
    pub direct: bool,
    /// The cue as written, lowercase; empty when the layout has none.
    pub cue: String,
    pub source_spans: Vec<(usize, usize)>,
    pub source_text: String,
}

impl GoldQuote {
    /// Code points of the content inside `start..end`.
    pub fn intersection(&self, start: usize, end: usize) -> usize {
        self.spans
            .iter()
            .map(|&(s, e)| e.min(end).saturating_sub(s.max(start)))
            .sum()
    }

    /// The share of the gold content that `start..end` covers.
    pub fn covered_by(&self, start: usize, end: usize) -> f64 {
        let len: usize = self.spans.iter().map(|&(s, e)| e.saturating_sub(s)).sum();
        self.intersection(start, end) as f64 / len.max(1) as f64
    }
}

/// One gold article.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldArticle {
    pub id: String,
    pub text: String,
    pub quotes: Vec<GoldQuote>,
}

/// A predicted quote, in code points.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictedQuote {
    pub start: usize,
    pub end: usize,
    pub kind: QuoteKind,
    pub speaker: String,
    pub mention: Option<(usize, usize)>,
}

const QUOTE_MARKS: &[char] = &[
    '"', '\u{201C}', '\u{201D}', '\'', '\u{2018}', '\u{2019}', '\u{00AB}', '\u{201E}',
];

/// Reads gold quotes from PolNeAR-style or simple JSON Lines.
pub fn read_gold(path: &Path) -> Result<Vec<GoldArticle>> {
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
        let text = v["text"]
            .as_str()
            .ok_or_else(|| bad("no text field".into()))?
            .to_string();
        let id = v["doc"]
            .as_str()
            .or_else(|| v["id"].as_str())
            .map_or_else(|| (i + 1).to_string(), str::to_string);
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, e: usize| {
            chars[s.min(chars.len())..e.min(chars.len())]
                .iter()
                .collect::<String>()
        };
        let spans = |v: &serde_json::Value| -> Vec<(usize, usize)> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| Some((s["start"].as_u64()? as usize, s["end"].as_u64()? as usize)))
                .collect()
        };
        let mut quotes = Vec::new();
        if let Some(attributions) = v["attributions"].as_array() {
            for a in attributions {
                let content = spans(&a["content"]);
                let (Some(start), Some(end)) = (
                    content.iter().map(|s| s.0).min(),
                    content.iter().map(|s| s.1).max(),
                ) else {
                    continue;
                };
                let content_text = slice(start, end);
                let source_spans = spans(&a["source"]);
                quotes.push(GoldQuote {
                    start,
                    end,
                    spans: content.clone(),
                    direct: content_text.trim_start().starts_with(QUOTE_MARKS),
                    cue: spans(&a["cue"])
                        .iter()
                        .map(|&(s, e)| slice(s, e))
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_lowercase(),
                    source_text: source_spans
                        .iter()
                        .map(|&(s, e)| slice(s, e))
                        .collect::<Vec<_>>()
                        .join(" "),
                    source_spans,
                });
            }
        } else if let Some(simple) = v["quotes"].as_array() {
            for q in simple {
                let (Some(start), Some(end)) = (q["start"].as_u64(), q["end"].as_u64()) else {
                    return Err(bad("a quote needs start and end".into()));
                };
                let (start, end) = (start as usize, end as usize);
                quotes.push(GoldQuote {
                    start,
                    end,
                    spans: vec![(start, end)],
                    direct: slice(start.saturating_sub(1), end)
                        .trim_start()
                        .starts_with(QUOTE_MARKS),
                    cue: q["cue"].as_str().unwrap_or("").to_lowercase(),
                    source_spans: Vec::new(),
                    source_text: q["speaker"].as_str().unwrap_or("").to_string(),
                });
            }
        } else {
            return Err(bad("needs `attributions` or `quotes`".into()));
        }
        out.push(GoldArticle { id, text, quotes });
    }
    Ok(out)
}

/// Precision, recall, F1 and speaker accuracy for one slice of quotes at one threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QuoteScores {
    pub gold: usize,
    pub predicted: usize,
    pub matched_gold: usize,
    pub matched_predicted: usize,
    pub speaker_right: usize,
}

impl QuoteScores {
    pub fn precision(&self) -> f64 {
        ratio(self.matched_predicted, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched_gold, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_right, self.matched_gold)
    }
    fn add(&mut self, o: &QuoteScores) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.matched_gold += o.matched_gold;
        self.matched_predicted += o.matched_predicted;
        self.speaker_right += o.speaker_right;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The slices reported: direct (gold opens with a mark; predicted direct or partial), indirect, and all.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QuoteReport {
    pub direct: QuoteScores,
    pub indirect: QuoteScores,
    pub all: QuoteScores,
}

/// What went wrong with one gold quote, for error analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub article: String,
    pub gold_text: String,
    pub gold_source: String,
    pub predicted_speaker: Option<String>,
}

/// Compares predictions with gold for one article at `threshold`, appending speaker errors and misses
/// to `misses`. `gold_filter` selects the gold quotes that count (e.g. speech cues only).
pub fn compare_article(
    gold: &GoldArticle,
    predicted: &[PredictedQuote],
    threshold: f64,
    gold_filter: &dyn Fn(&GoldQuote) -> bool,
    misses: &mut Vec<Miss>,
) -> QuoteReport {
    let gold_quotes: Vec<&GoldQuote> = gold.quotes.iter().filter(|g| gold_filter(g)).collect();
    // All candidate pairs above the threshold, best overlap first.
    let mut pairs = Vec::new();
    for (gi, g) in gold_quotes.iter().enumerate() {
        for (pi, p) in predicted.iter().enumerate() {
            let overlap = g.covered_by(p.start, p.end);
            if overlap >= threshold && overlap > 0.0 {
                pairs.push((overlap, gi, pi));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut gold_match = vec![None; gold_quotes.len()];
    let mut pred_matched = vec![false; predicted.len()];
    for (_, gi, pi) in pairs {
        if gold_match[gi].is_none() && !pred_matched[pi] {
            gold_match[gi] = Some(pi);
            pred_matched[pi] = true;
        }
    }
    // A prediction that is not the match of a gold quote is still right when it lies within the
    // content of a gold attribution of any kind (a second piece of a quote split around its cue, or an
    // attribution outside the filtered slice): at least `threshold` of its own length is gold content.
    let any_gold_overlap = |p: &PredictedQuote| {
        let len = (p.end - p.start).max(1) as f64;
        gold.quotes
            .iter()
            .any(|g| g.intersection(p.start, p.end) as f64 / len >= threshold)
    };
    let mut report = QuoteReport::default();
    for (gi, g) in gold_quotes.iter().enumerate() {
        let slice = if g.direct {
            &mut report.direct
        } else {
            &mut report.indirect
        };
        slice.gold += 1;
        match gold_match[gi] {
            Some(pi) => {
                slice.matched_gold += 1;
                let p = &predicted[pi];
                if speaker_agrees(gold, g, p) {
                    slice.speaker_right += 1;
                } else {
                    misses.push(Miss {
                        article: gold.id.clone(),
                        gold_text: excerpt(&gold.text, g.start, g.end),
                        gold_source: g.source_text.clone(),
                        predicted_speaker: Some(p.speaker.clone()),
                    });
                }
            }
            None => misses.push(Miss {
                article: gold.id.clone(),
                gold_text: excerpt(&gold.text, g.start, g.end),
                gold_source: g.source_text.clone(),
                predicted_speaker: None,
            }),
        }
    }
    for (pi, p) in predicted.iter().enumerate() {
        let slice = if p.kind == QuoteKind::Indirect {
            &mut report.indirect
        } else {
            &mut report.direct
        };
        slice.predicted += 1;
        if pred_matched[pi] || any_gold_overlap(p) {
            slice.matched_predicted += 1;
        }
    }
    report.all.add(&report.direct);
    report.all.add(&report.indirect);
    report
}

fn speaker_agrees(gold: &GoldArticle, g: &GoldQuote, p: &PredictedQuote) -> bool {
    if let Some((ms, me)) = p.mention
        && g.source_spans.iter().any(|&(s, e)| ms < e && s < me)
    {
        return true;
    }
    let _ = gold;
    let gold_name = fold_name(&g.source_text);
    let predicted = fold_name(&p.speaker);
    if gold_name.is_empty() || predicted.is_empty() {
        return false;
    }
    // "Clinton" and "Hillary Clinton" agree; so do "the Clinton campaign" and "Clinton".
    let words = |s: &str| s.split([' ', '\'']).map(str::to_string).collect::<Vec<_>>();
    let (gw, pw) = (words(&gold_name), words(&predicted));
    gold_name == predicted || pw.iter().all(|w| gw.contains(w)) || gw.iter().all(|w| pw.contains(w))
}

fn excerpt(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take((end - start).min(120))
        .collect()
}

/// tenor's quotes for a text, in code points.
pub fn predict(extractor: &QuoteExtractor, text: &str) -> Vec<PredictedQuote> {
    let seg = Segmented::new(text);
    let found = extractor.extract(&seg);
    let offsets = CharOffsets::new(text);
    found
        .quotes
        .iter()
        .map(|q| PredictedQuote {
            start: offsets.char_offset(q.span.start),
            end: offsets.char_offset(q.span.end),
            kind: q.kind,
            speaker: q
                .speaker
                .map(|s| found.speakers[s].name.clone())
                .unwrap_or_default(),
            mention: q
                .speaker_mention
                .map(|m| (offsets.char_offset(m.start), offsets.char_offset(m.end))),
        })
        .collect()
}

/// Forms of the verbs of saying that make a gold attribution a speech attribution. Fixed here, apart
/// from tenor's cue lexicon, so that growing the lexicon does not move the yardstick.
const SPEECH_CUE_WORDS: &[&str] = &[
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "telling",
    "add",
    "adds",
    "added",
    "adding",
    "write",
    "writes",
    "wrote",
    "writing",
    "written",
    "warn",
    "warns",
    "warned",
    "warning",
    "ask",
    "asks",
    "asked",
    "asking",
    "claim",
    "claims",
    "claimed",
    "claiming",
    "insist",
    "insists",
    "insisted",
    "insisting",
    "note",
    "notes",
    "noted",
    "noting",
    "explain",
    "explains",
    "explained",
    "explaining",
    "argue",
    "argues",
    "argued",
    "arguing",
    "announce",
    "announces",
    "announced",
    "announcing",
    "declare",
    "declares",
    "declared",
    "declaring",
    "reply",
    "replies",
    "replied",
    "replying",
    "respond",
    "responds",
    "responded",
    "responding",
    "tweet",
    "tweets",
    "tweeted",
    "tweeting",
    "state",
    "states",
    "stated",
    "stating",
    "comment",
    "comments",
    "commented",
    "commenting",
    "remark",
    "remarks",
    "remarked",
    "admit",
    "admits",
    "admitted",
    "admitting",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "acknowledging",
    "suggest",
    "suggests",
    "suggested",
    "suggesting",
    "urge",
    "urges",
    "urged",
    "urging",
    "deny",
    "denies",
    "denied",
    "denying",
    "report",
    "reports",
    "reported",
    "reporting",
    "continue",
    "continues",
    "continued",
    "call",
    "calls",
    "called",
    "calling",
    "accuse",
    "accuses",
    "accused",
    "accusing",
    "promise",
    "promises",
    "promised",
    "pledge",
    "pledged",
    "pledges",
    "vow",
    "vowed",
    "vows",
    "recall",
    "recalled",
    "recalls",
    "recalling",
    "agree",
    "agreed",
    "agrees",
    "joke",
    "joked",
    "jokes",
    "quip",
    "quipped",
    "criticize",
    "criticized",
    "criticise",
    "criticised",
    "predict",
    "predicted",
    "predicts",
    "describe",
    "described",
    "describes",
    "describing",
    "cite",
    "cited",
    "citing",
    "told",
    "confirm",
    "confirmed",
    "confirms",
    "reveal",
    "revealed",
    "reveals",
    "assert",
    "asserted",
    "asserts",
    "maintain",
    "maintained",
    "maintains",
    "concede",
    "conceded",
    "concedes",
    "complain",
    "complained",
    "complains",
    "boast",
    "boasted",
    "threaten",
    "threatened",
    "threatens",
    "demand",
    "demanded",
    "demands",
];

/// Whether a gold cue is a speech cue: a verb of saying in any form, "according to", or a bare colon.
pub fn is_speech_cue(cue: &str) -> bool {
    let cue = cue.trim().to_lowercase();
    cue == ":"
        || cue.contains("according to")
        || cue
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| SPEECH_CUE_WORDS.contains(&w))
}

/// Evaluates tenor on gold articles at each threshold, in parallel; returns one report per threshold
/// and, for the first threshold, the misses.
pub fn evaluate(
    extractor: &QuoteExtractor,
    gold: &[GoldArticle],
    thresholds: &[f64],
    gold_filter: &(dyn Fn(&GoldQuote) -> bool + Sync),
) -> (Vec<QuoteReport>, Vec<Miss>) {
    use rayon::prelude::*;
    let per_article: Vec<(Vec<QuoteReport>, Vec<Miss>)> = gold
        .par_iter()
        .map(|article| {
            let predicted = predict(extractor, &article.text);
            let mut misses = Vec::new();
            let reports = thresholds
                .iter()
                .enumerate()
                .map(|(i, &t)| {
                    let mut sink = Vec::new();
                    let r = compare_article(article, &predicted, t, gold_filter, &mut sink);
                    if i == 0 {
                        misses = sink;
                    }
                    r
                })
                .collect();
            (reports, misses)
        })
        .collect();
    let mut totals = vec![QuoteReport::default(); thresholds.len()];
    let mut misses = Vec::new();
    for (reports, m) in per_article {
        for (t, r) in totals.iter_mut().zip(&reports) {
            accumulate(t, r);
        }
        misses.extend(m);
    }
    (totals, misses)
}

/// Adds `other` into `total`.
pub fn accumulate(total: &mut QuoteReport, other: &QuoteReport) {
    total.direct.add(&other.direct);
    total.indirect.add(&other.indirect);
    total.all.add(&other.all);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(quotes: Vec<GoldQuote>) -> GoldArticle {
        GoldArticle {
            id: "a".into(),
            text: "x".repeat(200),
            quotes,
        }
    }

    fn g(start: usize, end: usize, source: (usize, usize), direct: bool) -> GoldQuote {
        GoldQuote {
            start,
            end,
            spans: vec![(start, end)],
            direct,
            cue: "said".into(),
            source_spans: vec![source],
            source_text: "Ann Lee".into(),
        }
    }

    fn p(
        start: usize,
        end: usize,
        kind: QuoteKind,
        speaker: &str,
        mention: Option<(usize, usize)>,
    ) -> PredictedQuote {
        PredictedQuote {
            start,
            end,
            kind,
            speaker: speaker.into(),
            mention,
        }
    }

    #[test]
    fn overlap_is_measured_on_the_gold_span() {
        let article = gold(vec![g(10, 110, (0, 5), true)]);
        // Covers 40 of the gold's 100 characters: a match at 0.3, not at 0.8.
        let predicted = [p(70, 150, QuoteKind::Direct, "Ann Lee", None)];
        let lenient = compare_article(&article, &predicted, 0.3, &|_| true, &mut Vec::new());
        let strict = compare_article(&article, &predicted, 0.8, &|_| true, &mut Vec::new());
        assert_eq!(lenient.direct.recall(), 1.0);
        assert_eq!(strict.direct.recall(), 0.0);
        assert_eq!(strict.direct.precision(), 0.0);
    }

    #[test]
    fn speaker_by_mention_overlap_or_by_name() {
        let article = gold(vec![g(10, 50, (0, 5), true), g(60, 100, (150, 155), false)]);
        let predicted = [
            p(10, 50, QuoteKind::Direct, "Someone Else", Some((2, 4))),
            p(60, 100, QuoteKind::Indirect, "Lee", Some((120, 125))),
        ];
        let r = compare_article(&article, &predicted, 0.3, &|_| true, &mut Vec::new());
        assert_eq!(r.all.speaker_right, 2);
        assert_eq!(r.all.f1(), 1.0);
    }

    #[test]
    fn one_prediction_matches_one_gold_quote() {
        let article = gold(vec![g(10, 50, (0, 5), true), g(10, 50, (0, 5), true)]);
        let predicted = [p(10, 50, QuoteKind::Direct, "Ann Lee", None)];
        let r = compare_article(&article, &predicted, 0.3, &|_| true, &mut Vec::new());
        assert_eq!((r.direct.matched_gold, r.direct.gold), (1, 2));
    }
}
