//! The output tables and speaker aggregates, from hand-built analysed articles.

use std::fs;
use std::path::Path;

use tenor::Error;
use tenor::aggregate::Aggregates;
use tenor::language::Language;
use tenor::output::{OutputDir, RateWriter};
use tenor::pipeline::{AnalysedArticle, ArticleStatus, ScoredQuote};
use tenor::quotes::{Framing, QuoteKind, SpeakerType};
use tenor::scoring::{Evidence, Scored, Scores};
use tenor::topics::TopicSource;

fn topic_names() -> Vec<String> {
    vec![
        "ukraine".to_string(),
        "economy".to_string(),
        "climate".to_string(),
    ]
}

fn scores(sentiment: f32, cooperation: f32) -> Scores {
    Scores {
        sentiment,
        positive: sentiment.max(0.0),
        negative: (-sentiment).max(0.0),
        neutral: 1.0 - sentiment.abs(),
        cooperation,
        warmth: 0.1,
        threat: 0.0,
        assertiveness: -0.2,
        irony: 0.0,
    }
}

fn quote(
    n: usize,
    speaker: Option<&str>,
    topics: &[u16],
    scores: Scores,
    words: usize,
) -> ScoredQuote {
    ScoredQuote {
        quote_id: format!("a:{n}"),
        kind: QuoteKind::Direct,
        start: 10 * n,
        end: 10 * n + 8,
        speaker: speaker.map(String::from),
        speaker_key: speaker.map(tenor::text::fold_name),
        speaker_type: speaker.map(|_| SpeakerType::Person),
        speaker_role: None,
        speaker_mention: speaker.unwrap_or_default().to_string(),
        cue: if speaker.is_some() {
            "said".into()
        } else {
            String::new()
        },
        framing: speaker.map(|_| Framing::Neutral),
        framing_tone: 0.0,
        topics: topics.to_vec(),
        topic_source: if topics.is_empty() {
            TopicSource::None
        } else {
            TopicSource::Quote
        },
        text: "We are at a dead end".to_string(),
        words,
        scores,
        evidence: "dead end:-1.50".to_string(),
        topic_stances: Vec::new(),
    }
}

fn article(id: &str, quotes: Vec<ScoredQuote>) -> AnalysedArticle {
    let mut quotes = quotes;
    for (i, q) in quotes.iter_mut().enumerate() {
        q.quote_id = format!("{id}:{}", i + 1);
    }
    let mut keys: Vec<&String> = quotes
        .iter()
        .filter_map(|q| q.speaker_key.as_ref())
        .collect();
    keys.sort();
    keys.dedup();
    AnalysedArticle {
        id: id.to_string(),
        title: format!("Title of {id}"),
        source: "Wire".to_string(),
        date: "2024-05-01".to_string(),
        fields: Vec::new(),
        status: ArticleStatus::Ok,
        speakers: keys.len(),
        quotes,
        warnings: Vec::new(),
        language: Some(Language::English),
    }
}

/// A few articles with speakers named in different forms, shared topics and an unattributed quote.
fn corpus() -> Vec<AnalysedArticle> {
    vec![
        article(
            "a1",
            vec![
                quote(1, Some("Ana Petrova"), &[0], scores(-0.5, -0.25), 6),
                quote(2, Some("Ana Petrova"), &[0, 1], scores(0.25, 0.5), 4),
                quote(3, None, &[1], scores(0.9, 0.9), 3),
            ],
        ),
        article(
            "a2",
            vec![
                quote(1, Some("Petrova"), &[1], scores(0.75, 0.0), 10),
                quote(2, Some("John Smith"), &[], scores(-0.125, -0.75), 5),
            ],
        ),
        article(
            "a3",
            vec![
                quote(1, Some("Zoë Adams"), &[2], scores(0.333_333, 0.1), 7),
                quote(2, Some("John Smith"), &[2, 0], scores(0.4, 0.2), 2),
                quote(3, Some("Ana Petrova"), &[2], scores(-0.1, -0.9), 8),
            ],
        ),
    ]
}

fn aggregate(articles: &[AnalysedArticle]) -> Aggregates {
    let mut aggregates = Aggregates::new();
    for a in articles {
        aggregates.add_article(a);
    }
    aggregates
}

/// Writes `articles` to `dir` and finishes.
fn write_all(dir: &Path, articles: &[AnalysedArticle]) {
    let topics = topic_names();
    let mut out = OutputDir::create(dir).unwrap();
    for a in articles {
        out.write_article(a, &topics).unwrap();
    }
    out.finish(&aggregate(articles), &topics).unwrap();
}

fn read(dir: &Path, table: &str) -> String {
    fs::read_to_string(dir.join(table)).unwrap()
}

fn rows(dir: &Path, table: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(dir.join(table)).unwrap();
    reader.records().map(|r| r.unwrap()).collect()
}

fn header(dir: &Path, table: &str) -> String {
    read(dir, table).lines().next().unwrap().to_string()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn column_headers_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &corpus());
    let scores =
        "sentiment,positive,negative,neutral,cooperation,warmth,threat,assertiveness,irony";
    let means = "sentiment_mean,positive_mean,negative_mean,neutral_mean,cooperation_mean,warmth_mean,\
                 threat_mean,assertiveness_mean,irony_mean";
    assert_eq!(
        header(dir.path(), "quotes.csv"),
        format!(
            "article_id,quote_id,kind,start,end,speaker,speaker_mention,cue,framing,topics,\
             topic_source,text,{scores},evidence,speaker_type,framing_tone,speaker_key"
        )
    );
    assert!(
        header(dir.path(), "speakers.csv")
            .starts_with(&format!("speaker,articles,quotes,words,{means}"))
    );
    assert!(
        header(dir.path(), "speaker_topics.csv")
            .starts_with(&format!("speaker,topic,quotes,{means}"))
    );
    assert_eq!(
        header(dir.path(), "articles.csv"),
        "article_id,title,source,date,quotes,speakers,status,reason,language"
    );
}

#[test]
fn quote_rows_render_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut tricky = quote(
        1,
        Some("Ana Petrova"),
        &[0, 2],
        scores(-0.000_04, 0.123_456),
        5,
    );
    tricky.text = "Line one, \"quoted\"\nline two".to_string();
    tricky.framing = Some(Framing::Conflict);
    tricky.framing_tone = -0.6;
    let unattributed = quote(2, None, &[], scores(0.5, 0.0), 3);
    write_all(dir.path(), &[article("x", vec![tricky, unattributed])]);

    let quotes = rows(dir.path(), "quotes.csv");
    assert_eq!(quotes.len(), 2);
    let row: Vec<&str> = quotes[0].iter().collect();
    assert_eq!(
        row,
        [
            "x",
            "x:1",
            "direct",
            "10",
            "18",
            "Ana Petrova",
            "Ana Petrova",
            "said",
            "conflict",
            "ukraine;climate",
            "quote",
            "Line one, \"quoted\"\nline two",
            "0.0000",
            "0.0000",
            "0.0000",
            "1.0000",
            "0.1235",
            "0.1000",
            "0.0000",
            "-0.2000",
            "0.0000",
            "dead end:-1.50",
            "person",
            "-0.6000",
            "ana petrova",
        ]
    );
    let unattributed: Vec<&str> = quotes[1].iter().collect();
    assert_eq!(
        &unattributed[5..12],
        ["", "", "", "", "", "", "We are at a dead end"]
    );
    assert_eq!(unattributed[22], "");
    assert!(!read(dir.path(), "quotes.csv").contains("-0.0000"));
}

#[test]
fn every_article_has_a_row_including_skipped_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut skipped = article("b2", Vec::new());
    skipped.status = ArticleStatus::Skipped {
        reason: "input.jsonl:7: no text field".to_string(),
    };
    write_all(dir.path(), &[corpus().remove(0), skipped]);
    let articles = rows(dir.path(), "articles.csv");
    let got: Vec<Vec<&str>> = articles.iter().map(|r| r.iter().collect()).collect();
    assert_eq!(
        got,
        [
            vec![
                "a1",
                "Title of a1",
                "Wire",
                "2024-05-01",
                "3",
                "1",
                "ok",
                "",
                "en"
            ],
            vec![
                "b2",
                "Title of b2",
                "Wire",
                "2024-05-01",
                "0",
                "0",
                "skipped",
                "input.jsonl:7: no text field",
                "en"
            ],
        ]
    );
}

#[test]
fn speaker_means_by_hand() {
    let aggregates = aggregate(&corpus());
    let speakers = aggregates.speakers();
    let keys: Vec<&str> = speakers.iter().map(|s| s.key).collect();
    // Sorted by key; the unattributed quote is not aggregated.
    assert_eq!(keys, ["ana petrova", "john smith", "petrova", "zoe adams"]);

    let ana = &speakers[0];
    assert_eq!(
        (ana.name, ana.articles, ana.quotes, ana.words),
        ("Ana Petrova", 2, 3, 18)
    );
    assert_eq!(ana.speaker_type, Some(SpeakerType::Person));
    // sentiment: (-0.5 + 0.25 - 0.1) / 3; cooperation: (-0.25 + 0.5 - 0.9) / 3.
    assert!((ana.stats.mean[0] - (-0.35 / 3.0)).abs() < 1e-7);
    assert!((ana.stats.mean[4] - (-0.65 / 3.0)).abs() < 1e-7);
    assert!((ana.stats.mean[5] - 0.1).abs() < 1e-7);

    let john = &speakers[1];
    assert_eq!(
        (john.name, john.articles, john.quotes, john.words),
        ("John Smith", 2, 2, 7)
    );
    assert_eq!(john.stats.mean[0], (-0.125 + 0.4f32 as f64) / 2.0);
    // Population standard deviation of -0.75 and 0.2.
    assert!((john.stats.std[4] - 0.475).abs() < 1e-7);

    let topics = topic_names();
    let by_topic = aggregates.speaker_topics(&topics).unwrap();
    let cells: Vec<(&str, &str, u64)> = by_topic
        .iter()
        .map(|r| (r.key, r.topic, r.quotes))
        .collect();
    assert_eq!(
        cells,
        [
            ("ana petrova", "climate", 1),
            ("ana petrova", "economy", 1),
            ("ana petrova", "ukraine", 2),
            ("john smith", "climate", 1),
            ("john smith", "ukraine", 1),
            ("petrova", "economy", 1),
            ("zoe adams", "climate", 1),
        ]
    );
    // Ana on ukraine: sentiment (-0.5 + 0.25) / 2.
    assert_eq!(by_topic[2].stats.mean[0], -0.125);
}

#[test]
fn speaker_tables_show_means_with_four_decimals() {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &corpus());
    let speakers = rows(dir.path(), "speakers.csv");
    let ana: Vec<&str> = speakers[0].iter().collect();
    assert_eq!(
        ana[..6],
        ["Ana Petrova", "2", "3", "18", "-0.1167", "0.0833"]
    );
    assert_eq!(ana[13..15], ["ana petrova", "person"]);
    let zoe: Vec<&str> = speakers[3].iter().collect();
    assert_eq!(zoe[..5], ["Zoë Adams", "1", "1", "7", "0.3333"]);

    let topics = rows(dir.path(), "speaker_topics.csv");
    let first: Vec<&str> = topics[0].iter().collect();
    assert_eq!(first[..4], ["Ana Petrova", "climate", "1", "-0.1000"]);
}

#[test]
fn display_name_is_the_most_frequent_canonical_name() {
    let mut a = corpus();
    // "ANA PETROVA" folds to Ana's key but is used once against three times for "Ana Petrova".
    a.push(article(
        "a4",
        vec![quote(1, Some("ANA PETROVA"), &[], scores(0.0, 0.0), 1)],
    ));
    let aggregates = aggregate(&a);
    let ana = &aggregates.speakers()[0];
    assert_eq!(
        (ana.key, ana.name, ana.quotes),
        ("ana petrova", "Ana Petrova", 4)
    );
}

#[test]
fn merged_shards_equal_one_pass() {
    let articles = corpus();
    let whole = aggregate(&articles);
    for split in 0..=articles.len() {
        let mut first = aggregate(&articles[..split]);
        let second = aggregate(&articles[split..]);
        first.merge(second);
        assert_eq!(first.speakers(), whole.speakers(), "split at {split}");
        let topics = topic_names();
        assert_eq!(
            first.speaker_topics(&topics).unwrap(),
            whole.speaker_topics(&topics).unwrap()
        );
    }
    // Merging into an empty aggregate, and merging an empty one, change nothing.
    let mut empty = Aggregates::default();
    empty.merge(aggregate(&articles));
    empty.merge(Aggregates::new());
    assert_eq!(empty.speakers(), whole.speakers());
}

#[test]
fn output_does_not_depend_on_article_order() {
    let forward = tempfile::tempdir().unwrap();
    let backward = tempfile::tempdir().unwrap();
    let mut articles = corpus();
    write_all(forward.path(), &articles);
    articles.reverse();
    write_all(backward.path(), &articles);
    for table in ["speakers.csv", "speaker_topics.csv"] {
        assert_eq!(
            read(forward.path(), table),
            read(backward.path(), table),
            "{table}"
        );
    }
}

#[test]
fn tables_appear_only_when_the_run_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let topics = topic_names();
    let mut out = OutputDir::create(dir.path()).unwrap();
    out.write_article(&corpus()[0], &topics).unwrap();
    let during = files_in(dir.path());
    assert!(
        during.iter().all(|name| name.starts_with('.')),
        "{during:?}"
    );
    out.finish(&Aggregates::new(), &topics).unwrap();
    assert_eq!(
        files_in(dir.path()),
        [
            "articles.csv",
            "quote_topics.csv",
            "quotes.csv",
            "speaker_topics.csv",
            "speakers.csv"
        ]
    );
}

#[test]
fn a_run_dropped_before_finishing_keeps_the_previous_tables() {
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &corpus());
    let before = read(dir.path(), "quotes.csv");

    let topics = topic_names();
    let mut out = OutputDir::create(dir.path()).unwrap();
    out.write_article(
        &article(
            "new",
            vec![quote(1, Some("New Voice"), &[], scores(1.0, 1.0), 2)],
        ),
        &topics,
    )
    .unwrap();
    drop(out);

    assert_eq!(read(dir.path(), "quotes.csv"), before);
    assert_eq!(
        files_in(dir.path()),
        [
            "articles.csv",
            "quote_topics.csv",
            "quotes.csv",
            "speaker_topics.csv",
            "speakers.csv"
        ]
    );
}

#[test]
fn a_failed_finish_leaves_no_tables() {
    let dir = tempfile::tempdir().unwrap();
    let mut out = OutputDir::create(dir.path()).unwrap();
    let only_one_topic = vec!["ukraine".to_string()];
    // The quote has topics 0 and 1: the second has no name.
    let a = article(
        "x",
        vec![quote(1, Some("Ana Petrova"), &[0, 1], scores(0.0, 0.0), 2)],
    );
    let err = out.write_article(&a, &only_one_topic).unwrap_err();
    assert!(
        matches!(&err, Error::Output { path, .. } if path.ends_with("quotes.csv")),
        "{err}"
    );
    let err = out.finish(&aggregate(&[a]), &only_one_topic).unwrap_err();
    assert!(
        matches!(&err, Error::Output { path, .. } if path.ends_with("speaker_topics.csv")),
        "{err}"
    );
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn an_output_directory_that_cannot_be_created_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("results");
    fs::write(&blocker, "a file, not a directory").unwrap();
    let err = OutputDir::create(blocker.join("run1")).err().unwrap();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("results/run1")),
        "{err}"
    );
}

#[test]
fn rate_table_has_id_scores_and_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rated.csv");
    let mut rate = RateWriter::create(&path).unwrap();
    let scored = Scored {
        scores: scores(-0.75, 0.5),
        evidence: vec![
            Evidence {
                label: "collapse".into(),
                value: -2.0,
            },
            Evidence {
                label: "rule:negation".into(),
                value: 0.5,
            },
        ],
    };
    rate.write("1", &scored).unwrap();
    rate.write("2", &Scored::default()).unwrap();
    assert!(!path.exists());
    rate.finish().unwrap();

    let text = fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,sentiment,positive,negative,neutral,cooperation,warmth,threat,assertiveness,irony,evidence"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "1,-0.7500,0.0000,0.7500,0.2500,0.5000,0.1000,0.0000,-0.2000,0.0000,collapse:-2.00;rule:negation:0.50"
        )
    );
    assert_eq!(
        lines.next(),
        Some("2,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000,")
    );
    assert_eq!(files_in(dir.path()), ["rated.csv"]);
}

#[test]
fn a_dropped_rate_table_leaves_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rated.csv");
    fs::write(&path, "earlier run\n").unwrap();
    let mut rate = RateWriter::create(&path).unwrap();
    rate.write("1", &Scored::default()).unwrap();
    drop(rate);
    assert_eq!(fs::read_to_string(&path).unwrap(), "earlier run\n");
    assert_eq!(files_in(dir.path()), ["rated.csv"]);
}

proptest::proptest! {
    /// Sums kept on a fixed grid do not depend on the order of addition, so any split of any corpus
    /// merges to exactly the one-pass result.
    #[test]
    fn any_split_merges_to_the_one_pass_result(
        sentiments in proptest::collection::vec(-1.0f32..=1.0, 1..60),
        split in 0usize..60,
    ) {
        let articles: Vec<AnalysedArticle> = sentiments
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let speaker = ["Ana Petrova", "John Smith"][i % 2];
                article(&format!("p{i}"), vec![quote(1, Some(speaker), &[(i % 3) as u16], scores(s, -s / 3.0), 4)])
            })
            .collect();
        let split = split.min(articles.len());
        let mut shards = aggregate(&articles[split..]);
        shards.merge(aggregate(&articles[..split]));
        let whole = aggregate(&articles);
        proptest::prop_assert_eq!(shards.speakers(), whole.speakers());
    }
}

#[test]
fn a_rejected_article_leaves_no_partial_rows() {
    let dir = tempfile::tempdir().unwrap();
    let topics = topic_names();
    let mut out = OutputDir::create(dir.path()).unwrap();
    let bad = article(
        "bad",
        vec![
            quote(1, Some("Ana Petrova"), &[0], scores(0.5, 0.0), 2),
            quote(2, Some("Ana Petrova"), &[7], scores(0.5, 0.0), 2),
        ],
    );
    let err = out.write_article(&bad, &topics).unwrap_err();
    assert!(err.to_string().contains("topic id 7"), "{err}");
    let good = corpus().remove(1);
    out.write_article(&good, &topics).unwrap();
    out.finish(&aggregate(&[good]), &topics).unwrap();

    let quote_articles: Vec<String> = rows(dir.path(), "quotes.csv")
        .iter()
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(quote_articles, ["a2", "a2"]);
    assert_eq!(rows(dir.path(), "articles.csv").len(), 1);
}
