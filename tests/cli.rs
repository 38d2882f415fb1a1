//! The command line as a user meets it: rate, explain, --aliases and --topics.

use std::path::Path;
use std::process::Command;

fn tenor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tenor"))
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = vec![reader.headers().unwrap().clone()];
    rows.extend(reader.records().map(Result::unwrap));
    rows
}

fn column(rows: &[csv::StringRecord], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap()
}

#[test]
fn rate_scores_one_text_per_line_of_a_txt_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("lines.txt");
    std::fs::write(
        &input,
        "A wonderful, generous offer.\n\nThis is a disaster and a disgrace.\n",
    )
    .unwrap();
    let out = dir.path().join("ratings.csv");
    let status = tenor()
        .arg("rate")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let rows = read_csv(&out);
    assert_eq!(&rows[0][0], "id");
    assert_eq!(rows.len(), 3, "a header and one row per non-empty line");
    let sentiment = column(&rows, "sentiment");
    let score = |r: usize| rows[r][sentiment].parse::<f64>().unwrap();
    assert_eq!(
        (&rows[1][0], &rows[2][0]),
        ("1", "3"),
        "ids are line numbers"
    );
    assert!(score(1) > 0.0 && score(2) < 0.0);
}

#[test]
fn explain_names_the_words_and_rules_behind_a_score() {
    let output = tenor()
        .args(["explain", "The talks were not a success."])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("success"), "{text}");
    assert!(text.to_lowercase().contains("not"), "{text}");
}

fn score_one(text: &str, extra: &[&str]) -> (tempfile::TempDir, Vec<csv::StringRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("article.txt");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    let status = tenor()
        .arg("score")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    let rows = read_csv(&out.join("quotes.csv"));
    (dir, rows)
}

#[test]
fn aliases_merge_names_no_rule_can_join() {
    let text = "Talks\n\n“We are ready,” said Kim Jong Un.\n\n“We are not,” said Ana Ruiz.";
    let dir = tempfile::tempdir().unwrap();
    let aliases = dir.path().join("aliases.csv");
    std::fs::write(&aliases, "alias,canonical\nKim Jong Un,Kim Jong-un\n").unwrap();
    let (_keep, rows) = score_one(text, &["--aliases", aliases.to_str().unwrap()]);
    let speaker = column(&rows, "speaker");
    let speakers: Vec<&str> = rows[1..].iter().map(|r| &r[speaker]).collect();
    assert_eq!(speakers, ["Kim Jong-un", "Ana Ruiz"]);
}

#[test]
fn a_topics_file_replaces_the_default_topics() {
    let text = "Harvest\n\n“The wheat harvest failed again,” said Ana Ruiz.";
    let dir = tempfile::tempdir().unwrap();
    let topics = dir.path().join("topics.toml");
    std::fs::write(
        &topics,
        "[farming]\nlabel = \"Farming\"\nterms = [\"wheat\", \"harvest\"]\n",
    )
    .unwrap();
    let (_keep, rows) = score_one(text, &["--topics", topics.to_str().unwrap()]);
    let col = column(&rows, "topics");
    assert_eq!(&rows[1][col], "farming");
    assert_eq!(&rows[1][column(&rows, "topic_source")], "quote");
}

#[test]
fn the_output_is_the_same_whatever_the_thread_count() {
    let run = |threads: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let status = tenor()
            .args(["score", "data", "--quiet", "--threads", threads, "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        [
            "quotes.csv",
            "speakers.csv",
            "speaker_topics.csv",
            "quote_topics.csv",
            "articles.csv",
        ]
        .map(|t| std::fs::read(out.join(t)).unwrap())
    };
    assert_eq!(run("1"), run("2"));
}
