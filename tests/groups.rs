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
    assert_eq!(header[header.len() - 2..], ["irony_ci_high", "role"]);

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

/// Two outlets over two months; Ana is quoted in both outlets, twice in each. Scored with `extra`
/// into `dir/out`; the groups table is not read.
fn score_grouped(extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("news.jsonl");
    let line = |id: &str, source: &str, date: &str, text: &str| {
        serde_json::json!({"id": id, "source": source, "date": date, "desk": "world", "text": text})
            .to_string()
    };
    let lines = [
        line(
            "a1",
            "Wire",
            "2024-05-02",
            "Talks\n\n“We are at a dead end,” said Ana Petrova.\n\n“The talks have failed,” Ana Petrova said.",
        ),
        line(
            "a2",
            "Post",
            "2024-06-11",
            "Talks\n\n“We welcome this good progress,” said Ana Petrova.\n\n“It is a fine agreement,” Ana Petrova said.",
        ),
        line(
            "a3",
            "Wire",
            "not a date",
            "Talks\n\n“We are pleased,” said John Smith.",
        ),
    ];
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_tenor"))
        .arg("score")
        .arg(&input)
        .args(["--quiet", "--out"])
        .arg(&out)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

/// [`score_grouped`], with the rows of its groups.csv.
fn grouped(extra: &[&str]) -> (tempfile::TempDir, Vec<csv::StringRecord>) {
    let dir = score_grouped(extra);
    let rows = read_csv(&dir.path().join("out/groups.csv"));
    (dir, rows)
}

#[test]
fn groups_by_source_and_month_hold_each_speakers_quotes() {
    let (_keep, rows) = grouped(&["--by", "source", "--by", "date"]);
    let header: Vec<&str> = rows[0].iter().collect();
    assert_eq!(header[..5], ["source", "date", "speaker", "topic", "n"]);
    assert_eq!(
        header[5..8],
        ["sentiment_mean", "sentiment_ci_low", "sentiment_ci_high"]
    );
    let all_topics: Vec<(&str, &str, &str, &str)> = rows[1..]
        .iter()
        .filter(|r| r[3].is_empty())
        .map(|r| (&r[0], &r[1], &r[2], &r[4]))
        .collect();
    assert_eq!(
        all_topics,
        [
            ("Post", "2024-06", "Ana Petrova", "2"),
            ("Wire", "2024-05", "Ana Petrova", "2"),
            ("Wire", "unknown", "John Smith", "1"),
        ]
    );
    let post = &rows[1];
    let wire = &rows[1..].iter().find(|r| &r[0] == "Wire").unwrap();
    let number = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().unwrap();
    assert!(number(post, 5) > number(wire, 5), "{post:?} {wire:?}");
    assert!(number(post, 6) <= number(post, 5) && number(post, 5) <= number(post, 7));
}

#[test]
fn any_input_field_can_group_and_the_table_is_reproducible() {
    let (_a, first) = grouped(&["--by", "desk", "--period", "week", "--threads", "1"]);
    let (_b, second) = grouped(&["--by", "desk", "--period", "week", "--threads", "2"]);
    assert_eq!(first, second);
    assert_eq!(&first[0][0], "desk");
    assert!(first[1..].iter().all(|r| &r[0] == "world"));
}

#[test]
fn groups_follow_the_format_a_groups_sheet_in_the_workbook_and_a_tsv_beside_the_tables() {
    use calamine::{Data, Reader, Xlsx, open_workbook};

    let by = ["--by", "source", "--by", "date"];
    let (_csv, csv_rows) = grouped(&by);
    let xlsx = score_grouped(&[&by[..], &["--format", "xlsx"]].concat());
    let path = xlsx.path().join("out/tenor.xlsx");
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "quotes",
            "speakers",
            "speaker_topics",
            "quote_topics",
            "articles",
            "groups",
            "README"
        ]
    );
    assert!(!xlsx.path().join("out/groups.csv").exists());
    let sheet = book.worksheet_range("groups").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(cells.len(), csv_rows.len());
    // Text as text, counts and scores as numbers, blanks where the CSV is empty: the same values.
    for (sheet_row, csv_row) in cells.iter().zip(&csv_rows) {
        for (cell, text) in sheet_row.iter().zip(csv_row.iter()) {
            match cell {
                Data::String(s) => assert_eq!(s, text),
                Data::Float(x) => assert_eq!(*x, text.parse::<f64>().unwrap(), "{text}"),
                Data::Empty => assert_eq!(text, ""),
                other => panic!("unexpected cell {other:?}"),
            }
        }
    }
    let readme = book.worksheet_range("README").unwrap();
    let defined: Vec<String> = readme
        .rows()
        .filter(|r| r.first() == Some(&Data::String("groups".into())))
        .map(|r| r[1].to_string())
        .collect();
    let header: Vec<String> = csv_rows[0].iter().map(String::from).collect();
    assert_eq!(defined, header);

    let tsv = score_grouped(&[&by[..], &["--format", "tsv"]].concat());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .from_path(tsv.path().join("out/groups.tsv"))
        .unwrap();
    let tsv_rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(tsv_rows, csv_rows);
}
