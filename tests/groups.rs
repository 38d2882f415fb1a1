//! Intervals in the speaker tables, as `tenor score` writes them.

use std::path::Path;
use std::process::Command;

fn score(extra: &[&str]) -> (tempfile::TempDir, Vec<csv::StringRecord>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_tenor"))
        .args(["score", "data", "--quiet", "--out"])
        .arg(&out)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    let rows = read_csv(&out.join("speakers.csv"));
    (dir, rows)
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
fn interval_columns_follow_the_pinned_ones_and_hold_the_mean() {
    let (_keep, rows) = score(&[]);
    let header: Vec<&str> = rows[0].iter().collect();
    assert_eq!(header[..4], ["speaker", "articles", "quotes", "words"]);
    assert_eq!(
        header[13..17],
        [
            "speaker_key",
            "speaker_type",
            "sentiment_ci_low",
            "sentiment_ci_high"
        ]
    );
    assert_eq!(header.last(), Some(&"irony_ci_high"));

    let (quotes, mean, low, high) = (
        column(&rows, "quotes"),
        column(&rows, "warmth_mean"),
        column(&rows, "warmth_ci_low"),
        column(&rows, "warmth_ci_high"),
    );
    let mut with_interval = 0;
    for row in &rows[1..] {
        let n: u64 = row[quotes].parse().unwrap();
        if n < 2 {
            assert_eq!((&row[low], &row[high]), ("", ""), "{row:?}");
            continue;
        }
        let number = |i: usize| row[i].parse::<f64>().unwrap();
        assert!(
            number(low) <= number(mean) && number(mean) <= number(high),
            "{row:?}"
        );
        with_interval += 1;
    }
    assert!(with_interval > 0);
}

#[test]
fn no_resamples_leaves_the_interval_columns_empty() {
    let (_keep, rows) = score(&["--ci-resamples", "0"]);
    let low = column(&rows, "sentiment_ci_low");
    assert!(rows[1..].iter().all(|r| r[low].is_empty()));
    assert_eq!(rows[0].len(), rows[1].len());
}
