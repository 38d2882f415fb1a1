//! Rows rendered on a worker thread (`OutputDir::renderer`, `QuoteStream::renderer`,
//! `RateWriter::renderer`) are byte for byte the rows the writers render themselves, in every
//! format, and carry the same errors.

use std::fs;
use std::path::Path;
use std::process::Command;

use tenor::language::Language;
use tenor::output::{OutputDir, QuoteStream, RateWriter, TableFormat};
use tenor::pipeline::{AnalysedArticle, ArticleStatus, ScoredQuote, TopicStance};
use tenor::quotes::{Framing, QuoteKind, SpeakerType};
use tenor::scoring::{Evidence, Scored, Scores};
use tenor::topics::TopicSource;

fn topic_names() -> Vec<String> {
    ["harbour", "budget"].map(String::from).into()
}

/// A quote whose text and speaker exercise quoting: delimiters, double quotes, line breaks, a
/// formula start and a decimal number.
fn quote(article: &str, n: usize, text: &str, topics: &[u16]) -> ScoredQuote {
    let speaker = (n % 2 == 1).then(|| format!("Rhea \"Ro\" Marsh {n}"));
    ScoredQuote {
        quote_id: format!("{article}:{n}"),
        kind: QuoteKind::Direct,
        start: 12 * n,
        end: 12 * n + text.chars().count(),
        speaker_key: speaker.as_deref().map(tenor::text::fold_name),
        speaker_type: speaker.as_ref().map(|_| SpeakerType::Person),
        speaker_role: None,
        speaker_mention: speaker.clone().unwrap_or_default(),
        speaker,
        cue: "said".to_string(),
        framing: Some(Framing::Distance),
        framing_tone: -0.25,
        topics: topics.to_vec(),
        topic_source: TopicSource::Quote,
        text: text.to_string(),
        words: text.split_whitespace().count(),
        scores: Scores {
            sentiment: -0.123_45,
            positive: 0.1,
            negative: 0.3,
            neutral: 0.6,
            cooperation: 0.5,
            warmth: f32::NAN,
            threat: 0.0,
            assertiveness: -1.0,
            irony: 0.0625,
        },
        evidence: "toll:-1.00;vital:2.00".to_string(),
        topic_stances: topics
            .iter()
            .map(|&topic| TopicStance {
                topic,
                stance: -0.5,
                sentiment: 0.75,
                evidence: "oppose, \"flatly\"".to_string(),
            })
            .collect(),
    }
}

fn corpus() -> Vec<AnalysedArticle> {
    let texts = [
        "The toll is a tax on every crossing, plain and simple.",
        "=SUM(A1) is what they call a budget; we call it a \"gap\".",
        "-3 percent\nfor the harbour\tfund",
        "",
    ];
    let mut articles: Vec<AnalysedArticle> = (0..3)
        .map(|a| {
            let id = format!("d{a}");
            let quotes = texts
                .iter()
                .enumerate()
                .map(|(n, text)| quote(&id, n + 1, text, &[0, 1][..(n + a) % 3]))
                .collect();
            AnalysedArticle {
                id,
                title: format!("Harbour, toll and \"budget\" {a}"),
                source: "+Coast Desk".to_string(),
                date: "2025-02-03".to_string(),
                fields: Vec::new(),
                status: ArticleStatus::Ok,
                speakers: 2,
                quotes,
                warnings: Vec::new(),
                language: Some(Language::English),
            }
        })
        .collect();
    articles.push(AnalysedArticle {
        id: "d9".to_string(),
        title: String::new(),
        source: String::new(),
        date: String::new(),
        fields: Vec::new(),
        status: ArticleStatus::Skipped {
            reason: "empty text, \"nothing\" to read".to_string(),
        },
        speakers: 0,
        quotes: Vec::new(),
        warnings: Vec::new(),
        language: None,
    });
    articles
}

fn formats() -> Vec<TableFormat> {
    let csv = TableFormat::csv();
    vec![
        csv,
        TableFormat::tsv(),
        TableFormat::Jsonl,
        csv.excel().unwrap(),
        csv.delimiter(';').unwrap().decimal_comma().unwrap(),
        csv.excel()
            .and_then(|f| f.delimiter(';'))
            .and_then(TableFormat::decimal_comma)
            .and_then(TableFormat::no_header)
            .unwrap(),
    ]
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn rendered_rows_are_the_bytes_write_article_writes_in_every_format() {
    let topics = topic_names();
    let articles = corpus();
    let aggregates = tenor::aggregate::Aggregates::new();
    for format in formats() {
        let dir = tempfile::tempdir().unwrap();
        let (direct, rendered) = (dir.path().join("direct"), dir.path().join("rendered"));
        let mut out = OutputDir::create_with(&direct, format).unwrap();
        for article in &articles {
            out.write_article(article, &topics).unwrap();
        }
        out.finish(&aggregates, &topics).unwrap();

        let mut out = OutputDir::create_with(&rendered, format).unwrap();
        // As the command line does it: one renderer per worker, cloned from the output's.
        let mut renderer = out.renderer().unwrap().clone();
        for article in &articles {
            let rows = renderer.render(article, &topics).unwrap();
            out.write_rendered(&rows).unwrap();
        }
        out.finish(&aggregates, &topics).unwrap();

        let (direct, rendered) = (files(&direct), files(&rendered));
        assert_eq!(direct.len(), 5, "{format:?}");
        assert_eq!(direct, rendered, "{format:?}");
    }
}

#[test]
fn a_quote_stream_writes_rendered_rows_as_it_writes_articles() {
    let topics = topic_names();
    for format in [TableFormat::csv(), TableFormat::Jsonl] {
        let mut direct = QuoteStream::new(Vec::new(), "<stdout>", format).unwrap();
        let mut rendered = QuoteStream::new(Vec::new(), "<stdout>", format).unwrap();
        let mut renderer = rendered.renderer();
        for article in &corpus() {
            direct.write_article(article, &topics).unwrap();
            let rows = renderer.render(article, &topics).unwrap();
            rendered.write_rendered(&rows).unwrap();
        }
        let direct = direct.finish().unwrap();
        assert!(direct.len() > 500, "{format:?}");
        assert_eq!(
            String::from_utf8(direct).unwrap(),
            String::from_utf8(rendered.finish().unwrap()).unwrap()
        );
    }
}

#[test]
fn an_unknown_topic_is_an_error_naming_the_table_and_the_renderer_goes_on() {
    let topics = topic_names();
    let dir = tempfile::tempdir().unwrap();
    let out = OutputDir::create_with(dir.path(), TableFormat::Jsonl).unwrap();
    let mut renderer = out.renderer().unwrap();
    let mut bad = corpus().remove(0);
    bad.quotes[1].topics = vec![0, 5];
    let err = renderer.render(&bad, &topics).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("quotes.jsonl"), "{shown}");
    assert!(shown.contains("topic id 5"), "{shown}");

    let good = corpus().remove(1);
    let rows = renderer.render(&good, &topics).unwrap();
    let quotes = String::from_utf8(rows.quotes().to_vec()).unwrap();
    assert_eq!(quotes.lines().count(), good.quotes.len());
    assert!(quotes.starts_with("{\"article_id\":\"d1\""), "{quotes}");
}

#[test]
fn rows_rendered_for_another_output_are_refused() {
    let topics = topic_names();
    let dir = tempfile::tempdir().unwrap();
    let csv = OutputDir::create_with(dir.path().join("csv"), TableFormat::csv()).unwrap();
    let mut tsv = OutputDir::create_with(dir.path().join("tsv"), TableFormat::tsv()).unwrap();
    let article = corpus().remove(0);
    let rows = csv.renderer().unwrap().render(&article, &topics).unwrap();
    assert!(tsv.write_rendered(&rows).is_err());

    // A stream renders quote rows only: an output directory needs its other tables' rows too.
    let stream = QuoteStream::new(Vec::new(), "<stdout>", TableFormat::csv()).unwrap();
    let quotes_only = stream.renderer().render(&article, &topics).unwrap();
    let mut csv = csv;
    let err = csv.write_rendered(&quotes_only).unwrap_err();
    assert!(err.to_string().contains("quotes.csv"), "{err}");

    let xlsx = OutputDir::create_with(dir.path().join("x"), TableFormat::Xlsx).unwrap();
    assert!(xlsx.renderer().is_none());
}

#[test]
fn a_rendered_rate_row_is_the_row_write_writes() {
    let scored = Scored {
        scores: Scores {
            sentiment: 0.4321,
            ..Scores::default()
        },
        evidence: vec![Evidence {
            label: "fair deal".to_string(),
            value: 1.5,
        }],
    };
    let dir = tempfile::tempdir().unwrap();
    for name in ["r.csv", "r.tsv", "r.jsonl"] {
        let format = TableFormat::for_path(Path::new(name));
        let (direct, rendered) = (dir.path().join(name), dir.path().join(format!("x{name}")));
        let mut writer = RateWriter::create_with(&direct, format).unwrap();
        writer.write("=s1", &scored).unwrap();
        writer.finish().unwrap();

        let mut writer = RateWriter::create_with(&rendered, format).unwrap();
        let mut renderer = writer.renderer().unwrap();
        let mut evidence = String::new();
        tenor::output::join_evidence(&scored.evidence, &mut evidence);
        let row = renderer
            .render_joined("=s1", &scored.scores, &evidence)
            .unwrap();
        assert!(!row.as_bytes().is_empty());
        writer.write_rendered(&row).unwrap();
        writer.finish().unwrap();
        assert_eq!(
            fs::read(&direct).unwrap(),
            fs::read(&rendered).unwrap(),
            "{name}"
        );
    }
}

/// Workers render rows in parallel; the writing thread puts them back in input order.
#[test]
fn streamed_and_jsonl_output_is_the_same_whatever_the_thread_count() {
    let score = |threads: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tenor"))
            .args(["score", "data", "--quiet", "--ci-resamples", "0"])
            .args(["--threads", threads])
            .args(args)
            .output()
            .unwrap()
    };
    let tables = |threads: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let run = score(
            threads,
            &["--format", "jsonl", "--out", out.to_str().unwrap()],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        ["quotes.jsonl", "quote_topics.jsonl", "articles.jsonl"]
            .map(|t| fs::read(out.join(t)).unwrap())
    };
    let one = tables("1");
    assert!(one[0].len() > 1000);
    assert_eq!(one, tables("3"));

    let stream = |threads: &str| {
        let run = score(threads, &["--emit", "quotes", "--format", "csv"]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        run.stdout
    };
    let one = stream("1");
    assert!(one.len() > 1000);
    assert_eq!(one, stream("3"));
}
