//! Exports for spreadsheets and pipes, and the visual report: tables in every format read back as a
//! user's tool would read them (the csv crate, calamine for xlsx, serde_json, headless Chromium for
//! the report).
//!
//! Formula injection and format tests build their articles here; the round-trip and report tests run
//! the `tenor` binary over the team's sample articles (data/).

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook};

use tenor::aggregate::Aggregates;
use tenor::output::{OutputDir, RateWriter, TableFormat};
use tenor::pipeline::{AnalysedArticle, ArticleStatus, ScoredQuote, TopicStance};
use tenor::quotes::{Framing, QuoteKind, SpeakerType};
use tenor::report::{IntervalSource, ReportOptions, read_run, render};
use tenor::scoring::{Evidence, Scored, Scores};
use tenor::topics::TopicSource;

const HOSTILE: [&str; 3] = ["=cmd|' /C calc'!A0", "+1", "@SUM(1)"];

fn scores(sentiment: f32) -> Scores {
    Scores {
        sentiment,
        positive: sentiment.max(0.0),
        negative: (-sentiment).max(0.0),
        neutral: 1.0 - sentiment.abs(),
        cooperation: -0.5,
        warmth: 0.25,
        threat: 0.0,
        assertiveness: 0.0,
        irony: 0.0,
    }
}

fn quote(article: &str, n: usize, speaker: &str, text: &str, sentiment: f32) -> ScoredQuote {
    ScoredQuote {
        quote_id: format!("{article}:{n}"),
        kind: QuoteKind::Direct,
        start: 10 * n,
        end: 10 * n + text.chars().count(),
        speaker: Some(speaker.to_string()),
        speaker_key: Some(tenor::text::fold_name(speaker)),
        speaker_type: Some(SpeakerType::Person),
        speaker_role: None,
        speaker_mention: speaker.to_string(),
        cue: "said".to_string(),
        framing: Some(Framing::Neutral),
        framing_tone: 0.0,
        topics: vec![0],
        topic_source: TopicSource::Quote,
        text: text.to_string(),
        words: text.split_whitespace().count(),
        scores: scores(sentiment),
        evidence: "-negated:-0.50".to_string(),
        topic_stances: vec![TopicStance {
            topic: 0,
            stance: -sentiment,
            sentiment,
            evidence: "-halt:-0.80".to_string(),
        }],
    }
}

/// One article whose id, title, source, speaker and quote texts all start like formulas.
fn hostile_article() -> AnalysedArticle {
    let quotes = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, text)| quote("=1+1", i + 1, "-Dash Speaker", text, -0.5))
        .collect();
    AnalysedArticle {
        id: "=1+1".to_string(),
        title: "@title".to_string(),
        source: "+wire".to_string(),
        date: "2025-01-01".to_string(),
        fields: Vec::new(),
        status: ArticleStatus::Ok,
        quotes,
        speakers: 1,
        warnings: Vec::new(),
        language: None,
    }
}

fn topics() -> Vec<String> {
    vec!["trade".to_string()]
}

fn write_dir(dir: &Path, format: TableFormat, articles: &[AnalysedArticle]) {
    let mut out = OutputDir::create_with(dir, format).unwrap();
    let mut aggregates = Aggregates::new();
    for article in articles {
        out.write_article(article, &topics()).unwrap();
        aggregates.add_article(article);
    }
    out.finish(&aggregates, &topics()).unwrap();
}

fn csv_rows(path: &Path, delimiter: u8) -> Vec<HashMap<String, String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Rows of a workbook sheet, header first.
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| *c == Data::String(name.to_string()))
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn text_that_looks_like_a_formula_stays_text_in_csv_and_tsv() {
    for (format, delimiter) in [(TableFormat::csv(), b','), (TableFormat::tsv(), b'\t')] {
        let dir = tempfile::tempdir().unwrap();
        write_dir(dir.path(), format, &[hostile_article()]);
        let extension = format.extension();
        let quotes = csv_rows(&dir.path().join(format!("quotes.{extension}")), delimiter);
        let texts: Vec<&str> = quotes.iter().map(|q| q["text"].as_str()).collect();
        assert_eq!(texts, ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(1)"]);
        for q in &quotes {
            assert_eq!(q["article_id"], "'=1+1");
            assert_eq!(q["quote_id"].chars().next(), Some('\''));
            assert_eq!(q["speaker"], "'-Dash Speaker");
            assert_eq!(q["evidence"], "'-negated:-0.50");
            // Numbers are never altered, negative ones included.
            assert_eq!(q["sentiment"], "-0.5000");
            assert_eq!(q["cooperation"], "-0.5000");
        }
        let articles = csv_rows(&dir.path().join(format!("articles.{extension}")), delimiter);
        assert_eq!(
            (
                articles[0]["title"].as_str(),
                articles[0]["source"].as_str()
            ),
            ("'@title", "'+wire")
        );
    }
}

#[test]
fn text_that_looks_like_a_formula_is_a_string_cell_in_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), TableFormat::Xlsx, &[hostile_article()]);
    let path = dir.path().join("tenor.xlsx");
    let rows = sheet(&path, "quotes");
    let text = column(&rows, "text");
    let texts: Vec<&Data> = rows[1..].iter().map(|r| &r[text]).collect();
    let expected: Vec<Data> = HOSTILE
        .iter()
        .map(|t| Data::String(t.to_string()))
        .collect();
    assert_eq!(texts, expected.iter().collect::<Vec<_>>());
    assert_eq!(
        rows[1][column(&rows, "article_id")],
        Data::String("=1+1".into())
    );
    assert_eq!(rows[1][column(&rows, "sentiment")], Data::Float(-0.5));
    assert_eq!(rows[1][column(&rows, "start")], Data::Float(10.0));

    // No cell of any sheet is a formula.
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "formula in sheet {name}"
        );
    }
}

#[test]
fn a_workbook_has_a_sheet_per_table_and_a_readme_defining_every_column() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), TableFormat::Xlsx, &[hostile_article()]);
    let path = dir.path().join("tenor.xlsx");
    let book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "quotes",
            "speakers",
            "speaker_topics",
            "quote_topics",
            "articles",
            "README"
        ]
    );
    // Only the workbook is left in the directory: no tables, no temporary files.
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["tenor.xlsx"]);

    let readme = sheet(&path, "README");
    let defined: Vec<(String, String)> = readme
        .iter()
        .filter_map(|r| match (&r[0], r.get(1)) {
            (Data::String(table), Some(Data::String(column))) => {
                Some((table.clone(), column.clone()))
            }
            _ => None,
        })
        .collect();
    for table in [
        "quotes",
        "speakers",
        "speaker_topics",
        "quote_topics",
        "articles",
    ] {
        for name in &sheet(&path, table)[0] {
            let Data::String(name) = name else {
                panic!("{table}: header cell {name:?}")
            };
            assert!(
                defined.contains(&(table.to_string(), name.clone())),
                "README does not define {table}.{name}"
            );
        }
    }
}

#[test]
fn jsonl_rows_are_objects_with_numbers_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    write_dir(dir.path(), TableFormat::Jsonl, &[hostile_article()]);
    let text = fs::read_to_string(dir.path().join("quotes.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["text"], HOSTILE[0]);
    assert_eq!(rows[0]["sentiment"], -0.5);
    assert_eq!(rows[0]["start"], 10);
    let speakers = fs::read_to_string(dir.path().join("speakers.jsonl")).unwrap();
    let speaker: serde_json::Value = serde_json::from_str(speakers.trim()).unwrap();
    assert_eq!(speaker["quotes"], 3);
    assert_eq!(speaker["sentiment_mean"], -0.5);
}

#[test]
fn rated_texts_in_a_workbook_or_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let scored = Scored {
        scores: scores(0.75),
        evidence: vec![Evidence {
            label: "welcome".into(),
            value: 2.0,
        }],
    };
    for name in ["ratings.xlsx", "ratings.jsonl"] {
        let path = dir.path().join(name);
        let mut rate =
            RateWriter::create_with(&path, TableFormat::for_path(Path::new(name))).unwrap();
        rate.write("=7", &scored).unwrap();
        rate.finish().unwrap();
    }
    let rows = sheet(&dir.path().join("ratings.xlsx"), "ratings");
    assert_eq!(rows[1][0], Data::String("=7".into()));
    assert_eq!(rows[1][column(&rows, "sentiment")], Data::Float(0.75));
    assert_eq!(
        rows[1][column(&rows, "evidence")],
        Data::String("welcome:2.00".into())
    );
    let line = fs::read_to_string(dir.path().join("ratings.jsonl")).unwrap();
    let row: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(
        (row["id"].as_str(), row["sentiment"].as_f64()),
        (Some("=7"), Some(0.75))
    );
}

// ---- Through the binary ----------------------------------------------------------------------

fn tenor() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tenor"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run_ok(command: &mut Command) -> Output {
    let output = command.output().expect("cannot run tenor");
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `tenor score data` into a temporary directory with extra arguments; the directory lives as long
/// as the returned guard.
fn score_samples(extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    run_ok(
        tenor()
            .args(["score", "data", "-q", "--out"])
            .arg(out.path())
            .args(extra),
    );
    out
}

/// The samples scored once as plain CSV, shared by the tests that need them.
fn plain_samples() -> &'static Path {
    static RUN: OnceLock<tempfile::TempDir> = OnceLock::new();
    RUN.get_or_init(|| score_samples(&[])).path()
}

#[test]
fn xlsx_of_the_samples_holds_the_values_of_the_csv() {
    let xlsx = score_samples(&["--format", "xlsx"]);
    let path = xlsx.path().join("tenor.xlsx");
    for table in [
        "quotes",
        "speakers",
        "speaker_topics",
        "quote_topics",
        "articles",
    ] {
        let mut reader =
            csv::Reader::from_path(plain_samples().join(format!("{table}.csv"))).unwrap();
        let mut expected = vec![reader.headers().unwrap().clone()];
        expected.extend(reader.records().map(|r| r.unwrap()));
        let rows = sheet(&path, table);
        assert_eq!(rows.len(), expected.len(), "{table}: rows");
        for (r, (got, want)) in rows.iter().zip(&expected).enumerate() {
            assert_eq!(got.len(), want.len(), "{table} row {r}: cells");
            for (c, (cell, text)) in got.iter().zip(want.iter()).enumerate() {
                let same = match cell {
                    Data::Empty => text.is_empty(),
                    Data::String(s) => s == text,
                    // Numbers are stored as numbers, with the value the CSV shows.
                    Data::Float(x) => text.parse::<f64>().ok() == Some(*x),
                    other => panic!("{table} row {r} col {c}: unexpected cell {other:?}"),
                };
                assert!(same, "{table} row {r} col {c}: {cell:?} vs {text:?}");
            }
        }
    }
}

#[test]
fn excel_shaped_csv_from_the_binary_reads_back_the_same() {
    let excel = score_samples(&["--excel", "--delimiter", ";", "--decimal-comma"]);
    let bytes = fs::read(excel.path().join("quotes.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFarticle_id;quote_id;"));
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    // Same tables apart from delimiter and decimal mark: the report reads both the same way.
    let options = ReportOptions {
        title: Some("samples".into()),
        ..ReportOptions::default()
    };
    let mut shaped = read_run(excel.path(), &options).unwrap();
    let plain = read_run(plain_samples(), &options).unwrap();
    shaped.source = plain.source.clone();
    assert_eq!(shaped, plain);
    assert!(plain.quotes > 100 && !plain.speakers.is_empty());
}

#[test]
fn emit_quotes_streams_one_json_line_per_quote_from_standard_input() {
    let input = [
        serde_json::json!({"id": "=a1", "source": "Wire",
            "text": "Talks stalled.\n\n\u{201C}We will not sign this deal,\u{201D} Ana Petrova said."}),
        serde_json::json!({"id": "a2",
            "text": "\u{201C}The talks were useful,\u{201D} said John Smith.\n\n\u{201C}We will meet again,\u{201D} he added."}),
    ]
    .map(|v| v.to_string())
    .join("\n");
    let run = |args: &[&str]| -> String {
        let mut child = tenor()
            .args(["score", "-", "--emit", "quotes", "-q"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };

    let jsonl = run(&["--format", "jsonl"]);
    let quotes: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(quotes.len(), 3, "{jsonl}");
    let ids: Vec<&str> = quotes
        .iter()
        .map(|q| q["article_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["=a1", "a2", "a2"]);
    assert_eq!(quotes[0]["speaker"], "Ana Petrova");
    assert!(quotes[0]["sentiment"].is_number());

    let csv = run(&["--no-header"]);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let first: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(first, ["'=a1", "a2", "a2"]);
}

#[test]
fn options_that_do_not_fit_the_format_are_refused() {
    for args in [
        &["--emit", "quotes", "--format", "xlsx"][..],
        &[
            "--out",
            "/nonexistent-dir-never-made",
            "--format",
            "jsonl",
            "--excel",
        ][..],
        &["--out", "/nonexistent-dir-never-made", "--decimal-comma"][..],
    ] {
        let output = tenor()
            .args(["score", "data", "-q"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?} was accepted");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.starts_with("tenor: "), "{args:?}: {message}");
    }
}

// ---- The report ------------------------------------------------------------------------------

/// A tiny output directory written by hand, with interval columns and a hostile speaker name.
fn hand_made_run(dir: &Path) {
    fs::write(
        dir.join("speakers.csv"),
        "speaker,articles,quotes,words,sentiment_mean,cooperation_mean,speaker_key,sentiment_ci_low,sentiment_ci_high\n\
         Ana Petrova,2,5,40,0.2000,-0.1000,ana petrova,0.0500,0.3500\n\
         <b>Bold</b>,1,3,20,-0.3000,0.4000,<b>bold</b>,-0.5000,-0.1000\n\
         Quiet One,1,1,5,0.0000,0.0000,quiet one,,\n",
    )
    .unwrap();
    fs::write(
        dir.join("speaker_topics.csv"),
        "speaker,topic,quotes,sentiment_mean,speaker_key\n\
         Ana Petrova,trade,4,0.2500,ana petrova\n\
         <b>Bold</b>,human_rights,3,-0.3000,<b>bold</b>\n",
    )
    .unwrap();
    fs::write(
        dir.join("articles.csv"),
        "article_id,title,source,date,quotes,speakers,status,reason\n\
         a1,T,Daily Planet,,2,1,ok,\n\
         a2,T,,,1,1,ok,\n",
    )
    .unwrap();
    fs::write(
        dir.join("quotes.csv"),
        "article_id,quote_id,speaker,framing,text,sentiment,evidence,speaker_key\n\
         a1,a1:1,Ana Petrova,neutral,We agree.,0.5000,agree:1.00,ana petrova\n\
         a1,a1:2,<b>Bold</b>,conflict,'=1+1 is a lie,-0.6000,lie:-2.00,<b>bold</b>\n\
         a2,a2:1,,,Nobody said this.,0.0000,,\n",
    )
    .unwrap();
}

#[test]
fn the_report_uses_interval_columns_and_shows_the_most_quoted_speakers() {
    let dir = tempfile::tempdir().unwrap();
    hand_made_run(dir.path());
    let options = ReportOptions {
        top: 2,
        ..ReportOptions::default()
    };
    let run = read_run(dir.path(), &options).unwrap();
    let names: Vec<&str> = run.speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Ana Petrova", "<b>Bold</b>"]);
    assert_eq!(run.interval_source, IntervalSource::Table);
    let ana = run.speakers[0].intervals[0].unwrap();
    assert_eq!((ana.low, ana.high), (0.05, 0.35));
    assert_eq!(run.topics, ["trade", "human_rights"]);
    assert_eq!((run.quotes, run.attributed_quotes), (3, 2));
    // The formula escape of the tables is undone for display.
    assert_eq!(run.extremes[0].lowest[0].text, "=1+1 is a lie");
    let outlets: Vec<(&str, u64)> = run
        .outlets
        .iter()
        .map(|o| (o.outlet.as_str(), o.total()))
        .collect();
    assert_eq!(outlets, [("Daily Planet", 2), ("", 1)]);

    let html = render(&run, &options);
    assert!(html.contains("&lt;b&gt;Bold&lt;/b&gt;"));
    assert!(!html.contains("<b>Bold</b>"));
    // Self-contained: nothing is fetched.
    for fetch in ["<script", "<link", "src=", "@import", "url(http", "<iframe"] {
        assert!(!html.contains(fetch), "report contains {fetch}");
    }
}

#[test]
fn without_interval_columns_intervals_come_from_the_quotes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("speakers.csv"),
        "speaker,quotes,sentiment_mean,speaker_key\nAna Petrova,3,0.2000,ana petrova\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("quotes.csv"),
        "article_id,speaker,text,sentiment,speaker_key\n\
         a1,Ana Petrova,x,0.1000,ana petrova\n\
         a1,Ana Petrova,y,0.2000,ana petrova\n\
         a1,Ana Petrova,z,0.3000,ana petrova\n",
    )
    .unwrap();
    let run = read_run(dir.path(), &ReportOptions::default()).unwrap();
    assert_eq!(run.interval_source, IntervalSource::Quotes);
    assert!(!run.has_articles);
    // sd 0.1 over 3 quotes: 0.2 ± 1.96 · 0.1 / √3.
    let half = 1.96 * 0.1 / 3f64.sqrt();
    let interval = run.speakers[0].intervals[0].unwrap();
    assert!((interval.low - (0.2 - half)).abs() < 1e-9, "{interval:?}");
    assert!((interval.high - (0.2 + half)).abs() < 1e-9, "{interval:?}");
}

#[test]
fn a_directory_without_tables_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_run(dir.path(), &ReportOptions::default()).unwrap_err();
    assert!(
        matches!(&err, tenor::Error::Input { path, message } if path == dir.path() && message.contains("speakers.csv")),
        "{err}"
    );
    fs::write(dir.path().join("speakers.csv"), "speaker,quotes\nAna,x\n").unwrap();
    fs::write(dir.path().join("quotes.csv"), "article_id,speaker,text\n").unwrap();
    let err = read_run(dir.path(), &ReportOptions::default()).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("speakers.csv: line 2: column quotes"),
        "{shown}"
    );
}

/// Headless Chromium, or `None` (with a note on standard error) when it is not installed.
/// `TENOR_CHROMIUM` names another binary.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TENOR_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&paths) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs headless Chromium with a fresh profile on `page`, killing it after a minute, and returns what
/// it printed.
fn run_chromium(chromium: &Path, page: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    // Output goes to a file: a pipe left unread while waiting would fill and stall Chromium.
    let printed = profile.path().join("stdout");
    let stdout = fs::File::create(&printed).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    fs::read_to_string(&printed).unwrap()
}

/// Measures every chart once the page has been laid out and writes the findings into the page, where
/// `--dump-dom` shows them.
const PROBE: &str = r#"<script>
const found = [];
for (const svg of document.querySelectorAll('svg[data-chart]')) {
  const box = svg.getBoundingClientRect();
  found.push({chart: svg.dataset.chart, width: box.width, height: box.height,
    texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent),
    cells: svg.querySelectorAll('rect').length});
}
const probe = document.createElement('pre');
probe.id = 'probe';
probe.textContent = JSON.stringify(found);
document.body.appendChild(probe);
</script>"#;

#[test]
fn the_report_renders_in_chromium_with_the_expected_speakers_and_topics() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED the_report_renders_in_chromium_with_the_expected_speakers_and_topics: \
             chromium is not installed (apt-get install chromium)"
        );
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let report = work.path().join("report.html");
    run_ok(
        tenor()
            .arg("report")
            .arg(plain_samples())
            .arg("--out")
            .arg(&report),
    );

    // What the charts must show, from the tables themselves.
    let speakers = csv_rows(&plain_samples().join("speakers.csv"), b',');
    let most_quoted = speakers
        .iter()
        .max_by_key(|s| {
            (
                s["quotes"].parse::<u64>().unwrap(),
                std::cmp::Reverse(s["speaker"].clone()),
            )
        })
        .unwrap()["speaker"]
        .clone();
    let mut topic_quotes: HashMap<String, u64> = HashMap::new();
    for row in csv_rows(&plain_samples().join("speaker_topics.csv"), b',') {
        *topic_quotes.entry(row["topic"].clone()).or_default() +=
            row["quotes"].parse::<u64>().unwrap();
    }
    let top_topic = topic_quotes
        .iter()
        .max_by_key(|(t, n)| (**n, std::cmp::Reverse((*t).clone())))
        .unwrap()
        .0
        .replace('_', " ");

    let probed = work.path().join("probed.html");
    let html = fs::read_to_string(&report).unwrap();
    fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let dom = run_chromium(
        &chromium,
        &probed,
        &["--dump-dom", "--window-size=1400,2000"],
    );
    let probe = dom
        .split_once("<pre id=\"probe\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(json, _)| {
            json.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .unwrap_or_else(|| panic!("no probe in the rendered page:\n{dom:.2000}"));
    let charts: Vec<serde_json::Value> = serde_json::from_str(&probe).unwrap();
    let chart = |name: &str| {
        charts
            .iter()
            .find(|c| c["chart"] == name)
            .unwrap_or_else(|| panic!("no chart {name}"))
    };
    let texts = |c: &serde_json::Value| -> Vec<String> {
        c["texts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    for name in [
        "speaker-bars",
        "heatmap-sentiment",
        "heatmap-cooperation",
        "heatmap-warmth",
        "heatmap-threat",
        "heatmap-assertiveness",
        "heatmap-irony",
        "framing",
    ] {
        let c = chart(name);
        assert!(c["width"].as_f64().unwrap() > 300.0, "{name}: {c}");
        assert!(c["height"].as_f64().unwrap() > 60.0, "{name}: {c}");
        assert!(c["cells"].as_u64().unwrap() > 10, "{name}: {c}");
    }
    let heatmap = texts(chart("heatmap-sentiment"));
    assert!(
        heatmap.contains(&most_quoted),
        "{most_quoted} not in {heatmap:?}"
    );
    assert!(
        heatmap.contains(&top_topic),
        "{top_topic} not in {heatmap:?}"
    );
    assert!(texts(chart("speaker-bars")).contains(&most_quoted));
    assert!(
        texts(chart("framing"))
            .iter()
            .any(|t| t == "Continental Wire")
    );

    // For a human to look at.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let screenshot = target.join("report.png");
    let _ = fs::remove_file(&screenshot);
    let _ = run_chromium(
        &chromium,
        &report,
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1400,2000",
        ],
    );
    let size = fs::metadata(&screenshot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 20_000,
        "screenshot {} is {size} bytes",
        screenshot.display()
    );
    eprintln!("report screenshot: {}", screenshot.display());
}
