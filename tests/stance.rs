//! Stance toward topics end to end: a quote's topic stances from the engine, quote_topics.csv, and
//! stance_mean in speaker_topics.csv.

use std::path::Path;

use tenor::aggregate::Aggregates;
use tenor::output::{OutputDir, QUOTE_TOPIC_COLUMNS};
use tenor::pipeline::{AnalysedArticle, Engine, TopicStance};

fn rows(dir: &Path, table: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(dir.join(table)).expect("the table is there");
    reader
        .records()
        .map(|r| r.expect("a well-formed row"))
        .collect()
}

fn analyse(text: &str) -> (Engine, AnalysedArticle) {
    let engine = Engine::with_defaults().expect("the shipped lexicons load");
    let article = engine.analyse_text("t", text);
    (engine, article)
}

fn stance_on<'a>(engine: &Engine, stances: &'a [TopicStance], topic: &str) -> &'a TopicStance {
    stances
        .iter()
        .find(|t| engine.topics().names()[usize::from(t.topic)] == topic)
        .unwrap_or_else(|| panic!("no stance on {topic}: {stances:?}"))
}

#[test]
fn a_quote_is_for_the_deal_it_wants_continued_and_against_the_weapon_it_wants_stopped() {
    let (engine, article) = analyse(
        "\u{201C}We stress the need to continue with the nuclear deal, and we must stop North Korea \
         acquiring a nuclear weapon,\u{201D} said Ann Hale, the foreign minister.",
    );
    let quote = &article.quotes[0];
    let north_korea = stance_on(&engine, &quote.topic_stances, "north_korea");
    assert!(north_korea.stance < 0.0, "{north_korea:?}");
    assert!(north_korea.evidence.contains("stop"), "{north_korea:?}");
    // Both nuclear mentions count: the deal it wants kept, the weapon it wants stopped.
    let nuclear = stance_on(&engine, &quote.topic_stances, "nuclear");
    assert!(nuclear.evidence.contains("continue"), "{nuclear:?}");
    assert!(nuclear.evidence.contains("stop"), "{nuclear:?}");
}

#[test]
fn a_quote_that_takes_its_topic_from_context_has_no_stance_on_it() {
    let (_, article) = analyse(
        "The nuclear talks resumed on Monday. \u{201C}We are hopeful,\u{201D} said Ann Hale.",
    );
    let quote = &article.quotes[0];
    assert!(!quote.topics.is_empty());
    assert!(quote.topic_stances.is_empty(), "{:?}", quote.topic_stances);
}

#[test]
fn quote_topics_csv_and_stance_mean_come_from_the_topic_stances() {
    let (engine, article) = analyse(
        "\u{201C}We will not support the nuclear deal,\u{201D} said Ann Hale.\n\n\
         \u{201C}Nuclear weapons are a danger to everyone,\u{201D} Ms Hale added.",
    );
    let topics = engine.topics().names().to_vec();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut out = OutputDir::create(dir.path()).expect("create the tables");
    let mut aggregates = Aggregates::new();
    out.write_article(&article, &topics)
        .expect("write the article");
    aggregates.add_article(&article);
    out.finish(&aggregates, &topics).expect("finish the tables");

    let mut reader = csv::Reader::from_path(dir.path().join("quote_topics.csv")).expect("table");
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(header, QUOTE_TOPIC_COLUMNS);
    let quote_topics = rows(dir.path(), "quote_topics.csv");
    let nuclear: Vec<&csv::StringRecord> =
        quote_topics.iter().filter(|r| &r[1] == "nuclear").collect();
    assert_eq!(nuclear.len(), 2, "{quote_topics:?}");
    let against: f64 = nuclear[0][2].parse().expect("a number");
    let none: f64 = nuclear[1][2].parse().expect("a number");
    assert!(against < 0.0 && none == 0.0, "{nuclear:?}");

    // stance_mean is the last column of speaker_topics.csv: the mean over both quotes.
    let speaker_topics = rows(dir.path(), "speaker_topics.csv");
    let row = speaker_topics
        .iter()
        .find(|r| &r[1] == "nuclear")
        .expect("Hale on nuclear");
    let mean: f64 = row[row.len() - 1].parse().expect("a number");
    assert!((mean - against / 2.0).abs() < 1e-4, "{mean} {against}");
}

#[test]
fn rate_writes_one_row_per_target_with_sentiment_and_stance_toward_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "s1", "text": "Añna said the tax is a disaster, but Bo called it fair and will defend the tax.", "#,
            r#""targets": [{"from": 0, "to": 4}, {"text": "bo"}, {"text": "the tax"}, {"text": "Cy"}]}"#,
            "\n",
            r#"{"id": "s2", "text": "Nothing to point at."}"#,
            "\n"
        ),
    )
    .expect("write the input");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_tenor"))
        .arg("rate")
        .arg(&input)
        .arg("--out")
        .arg(dir.path().join("rated.csv"))
        .arg("--targets-out")
        .arg(dir.path().join("targets.csv"))
        .arg("--quiet")
        .status()
        .expect("run tenor");
    assert!(status.success());
    let targets = rows(dir.path(), "targets.csv");
    let cells: Vec<Vec<&str>> = targets.iter().map(|r| r.iter().take(5).collect()).collect();
    assert_eq!(
        cells,
        [
            ["s1", "0", "0", "4", "Añna"],
            ["s1", "1", "37", "39", "Bo"],
            ["s1", "2", "10", "17", "the tax"],
            ["s1", "3", "", "", "Cy"],
        ]
    );
    let number =
        |row: usize, column: usize| -> f64 { targets[row][column].parse().expect("a number") };
    // Añna's words are her view of the tax, not a view of her; the tax is called a disaster.
    assert!(number(2, 5) < number(0, 5), "{targets:?}");
    // Bo will defend the tax: for it.
    assert!(number(2, 6) > 0.0, "{targets:?}");
    assert_eq!(&targets[3][7], "not found in the text");
}
