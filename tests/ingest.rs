//! Reading articles from files, directories and streams, as a user of `tenor::ingest` would.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression as Level;
use flate2::write::GzEncoder;
use tempfile::TempDir;
use tenor::ingest::{
    Article, Compression, FileType, Format, InputOptions, InputSource, Record, Skipped, TextLayout,
    read, read_from,
};

fn write(dir: &Path, relative: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Level::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn read_paths(paths: &[&Path], options: InputOptions) -> Vec<Record> {
    let sources = paths
        .iter()
        .map(|path| InputSource::Path(path.to_path_buf()))
        .collect();
    read(sources, options).collect()
}

fn read_path(path: &Path) -> Vec<Record> {
    read_paths(&[path], InputOptions::default())
}

fn lines_of(path: &Path) -> Vec<Record> {
    let options = InputOptions {
        text_layout: TextLayout::LinePerRecord,
        ..InputOptions::default()
    };
    read_paths(&[path], options)
}

fn articles(records: Vec<Record>) -> Vec<Article> {
    records
        .into_iter()
        .map(|record| match record {
            Record::Article(article) => article,
            Record::Skipped(skipped) => panic!("unexpected skip: {skipped:?}"),
        })
        .collect()
}

/// Each record as `id` for an article or `id -- reason` for a skipped one.
fn outline(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|record| match record {
            Record::Article(article) => article.id.clone(),
            Record::Skipped(Skipped { id, reason }) => format!("{id} -- {reason}"),
        })
        .collect()
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn a_text_file_is_one_article_titled_by_its_first_line() {
    let dir = TempDir::new().unwrap();
    let text =
        "\n  Talks collapse in Geneva  \r\nDelegates left early.\r\n\"We are done,\" one said.\n";
    let path = write(dir.path(), "geneva.txt", text.as_bytes());

    let found = articles(read_path(&path));

    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "geneva");
    assert_eq!(found[0].title, "Talks collapse in Geneva");
    assert_eq!(
        found[0].text, text,
        "text is kept byte for byte, CRLF included"
    );
    assert!(found[0].warnings.is_empty());
}

#[test]
fn markdown_reads_like_text_and_lone_carriage_returns_are_kept() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "Brief.MD", b"# Brief\rBody line.\r");

    let found = articles(read_path(&path));

    assert_eq!(found[0].id, "Brief");
    assert_eq!(found[0].title, "# Brief");
    assert_eq!(found[0].text, "# Brief\rBody line.\r");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_article() {
    let dir = TempDir::new().unwrap();
    let txt = write(dir.path(), "a.txt", b"\xEF\xBB\xBFTitle\nBody");
    let jsonl = write(dir.path(), "b.jsonl", b"\xEF\xBB\xBF{\"text\": \"Body\"}\n");
    let csv = write(dir.path(), "c.csv", b"\xEF\xBB\xBFtext,id\nBody,c1\n");

    let found = articles(read_paths(&[&txt, &jsonl, &csv], InputOptions::default()));

    assert_eq!(found[0].text, "Title\nBody");
    assert_eq!(found[0].title, "Title");
    assert_eq!(found[1].text, "Body");
    assert_eq!(found[2].id, "c1");
    assert_eq!(found[2].text, "Body");
}

#[test]
fn invalid_utf8_is_replaced_and_reported_as_a_warning() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "latin1.txt", b"Caf\xE9 owners protest.");

    let found = articles(read_path(&path));

    assert_eq!(found[0].text, "Caf\u{FFFD} owners protest.");
    assert_eq!(
        found[0].warnings,
        [format!(
            "{}: invalid UTF-8 replaced with U+FFFD",
            label(&path)
        )]
    );
}

#[test]
fn empty_and_oversized_text_files_are_skipped_with_reasons() {
    let dir = TempDir::new().unwrap();
    let empty = write(dir.path(), "empty.txt", b" \n\t\r\n");
    let big = write(dir.path(), "big.txt", &[b'a'; 101]);
    let fits = write(dir.path(), "fits.txt", &[b'a'; 100]);
    let options = InputOptions {
        max_article_bytes: 100,
        ..InputOptions::default()
    };

    let records = read_paths(&[&empty, &big, &fits], options);

    assert_eq!(
        outline(&records),
        [
            format!("empty -- {}: empty text", label(&empty)),
            format!(
                "big -- {}: article is larger than the limit of 100 bytes",
                label(&big)
            ),
            "fits".to_string(),
        ]
    );
}

#[test]
fn line_per_record_text_is_numbered_by_line() {
    let dir = TempDir::new().unwrap();
    let path = write(
        dir.path(),
        "posts.txt",
        b"Great news!\n\n   \nTerrible day.\r\nlast",
    );

    let found = articles(lines_of(&path));

    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|article| (article.id.as_str(), article.text.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [("1", "Great news!"), ("4", "Terrible day."), ("5", "last")]
    );
}

#[test]
fn line_per_record_in_a_directory_prefixes_the_relative_path() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "may/posts.txt", b"one\ntwo\n");
    write(dir.path(), "june.txt.gz", &gzip(b"three\n"));

    let found = articles(lines_of(dir.path()));

    let ids: Vec<&str> = found.iter().map(|article| article.id.as_str()).collect();
    assert_eq!(ids, ["june.txt.gz:1", "may/posts.txt:1", "may/posts.txt:2"]);
}

#[test]
fn json_lines_fill_known_fields_and_keep_the_rest_in_order() {
    let dir = TempDir::new().unwrap();
    let lines = concat!(
        r#"{"id": "a1", "title": "Summit", "date": "2024-05-01", "source": "Wire", "url": "https://example.org/a1", "text": "Leaders met.", "section": "world", "words": 2, "live": true}"#,
        "\n\n   \n",
        r#"{"id": 17, "text": "Second."}"#,
        "\n",
        r#"{"text": "No id."}"#,
        "\n"
    );
    let path = write(dir.path(), "feed.jsonl", lines.as_bytes());

    let found = articles(read_path(&path));

    assert_eq!(found.len(), 3, "blank lines make no record");
    let first = &found[0];
    assert_eq!(
        (&*first.id, &*first.title, &*first.date, &*first.source),
        ("a1", "Summit", "2024-05-01", "Wire")
    );
    assert_eq!(first.url, "https://example.org/a1");
    assert_eq!(first.text, "Leaders met.");
    assert_eq!(
        first.fields,
        [
            ("section".to_string(), "world".to_string()),
            ("words".to_string(), "2".to_string()),
            ("live".to_string(), "true".to_string()),
        ]
    );
    assert_eq!(found[1].id, "17");
    assert_eq!(found[2].id, format!("{}:5", label(&path)));
}

#[test]
fn ndjson_is_json_lines_too() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "feed.ndjson", b"{\"text\": \"Hi.\"}\r\n");

    let found = articles(read_path(&path));

    assert_eq!(found[0].text, "Hi.");
}

#[test]
fn bad_json_lines_are_skipped_one_by_one_and_reading_goes_on() {
    let dir = TempDir::new().unwrap();
    let lines = concat!(
        "{\"id\": \"ok1\", \"text\": \"Fine.\"}\n",
        "{\"id\": \"broken\", \"text\": \n",
        "{\"id\": \"t1\", \"title\": \"No body\"}\n",
        "{\"id\": \"t2\", \"text\": [\"a\"]}\n",
        "{\"id\": \"t3\", \"text\": \"  \"}\n",
        "{\"id\": \"ok2\", \"text\": \"Also fine.\"}\n",
    );
    let path = write(dir.path(), "feed.jsonl", lines.as_bytes());
    let file = label(&path);

    let records = read_path(&path);

    let outline = outline(&records);
    assert_eq!(outline.len(), 6);
    assert_eq!(outline[0], "ok1");
    assert!(
        outline[1].starts_with(&format!("{file}:2 -- {file}:2: malformed JSON: ")),
        "{}",
        outline[1]
    );
    assert_eq!(outline[2], format!("t1 -- {file}:3: no `text` field"));
    assert_eq!(
        outline[3],
        format!("t2 -- {file}:4: `text` must be a string, found an array")
    );
    assert_eq!(outline[4], format!("t3 -- {file}:5: empty text"));
    assert_eq!(outline[5], "ok2");
}

#[test]
fn json_lines_with_invalid_utf8_are_decoded_lossily() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "feed.jsonl", b"{\"text\": \"na\xEFve\"}\n");

    let found = articles(read_path(&path));

    assert_eq!(found[0].text, "na\u{FFFD}ve");
    assert_eq!(
        found[0].warnings,
        [format!(
            "{}:1: invalid UTF-8 replaced with U+FFFD",
            label(&path)
        )]
    );
}

#[test]
fn an_oversized_json_article_is_skipped_and_the_next_one_read() {
    let dir = TempDir::new().unwrap();
    let long = "x".repeat(5000);
    let lines = format!(
        "{{\"id\": \"long\", \"text\": \"{long}\"}}\n{{\"id\": \"short\", \"text\": \"ok\"}}\n"
    );
    let path = write(dir.path(), "feed.jsonl", lines.as_bytes());
    let options = InputOptions {
        max_article_bytes: 1000,
        ..InputOptions::default()
    };

    let records = read_paths(&[&path], options);

    assert_eq!(
        outline(&records),
        [
            format!(
                "long -- {}:1: article of 5000 bytes is larger than the limit of 1000 bytes",
                label(&path)
            ),
            "short".to_string(),
        ]
    );
}

#[test]
fn csv_columns_map_to_fields_and_quoted_newlines_stay_in_the_text() {
    let dir = TempDir::new().unwrap();
    let table = "id,outlet,text,title,date\n\
                 c1,Wire,\"He said:\n\"\"No.\"\"\",Refusal,2024-05-02\n\
                 ,Daily,Short one.,,\n";
    let path = write(dir.path(), "table.csv", table.as_bytes());

    let found = articles(read_path(&path));

    assert_eq!(found.len(), 2);
    assert_eq!(found[0].id, "c1");
    assert_eq!(found[0].text, "He said:\n\"No.\"");
    assert_eq!(found[0].title, "Refusal");
    assert_eq!(found[0].date, "2024-05-02");
    assert_eq!(
        found[0].fields,
        [("outlet".to_string(), "Wire".to_string())]
    );
    assert_eq!(
        found[1].id,
        format!("{}:4", label(&path)),
        "the row starts on line 4"
    );
}

#[test]
fn a_csv_row_with_the_wrong_number_of_fields_is_skipped() {
    let dir = TempDir::new().unwrap();
    let table = "id,text\na,First.\nb,Second.,extra\nc,Third.\n";
    let path = write(dir.path(), "table.csv", table.as_bytes());
    let file = label(&path);

    let records = read_path(&path);

    assert_eq!(
        outline(&records),
        [
            "a".to_string(),
            format!("{file}:3 -- {file}:3: row has 3 fields but the header has 2"),
            "c".to_string(),
        ]
    );
}

#[test]
fn a_csv_quote_that_never_closes_ends_the_file_with_a_reason_instead_of_reading_it_all() {
    let dir = TempDir::new().unwrap();
    // With a 1,000-byte limit a record may take 2 x 1,000 bytes plus 64 KB for its other cells; the
    // unclosed field on line 3 runs on for 200 KB of lines that look like rows.
    let mut table = String::from("id,text\na,First.\nb,\"Second, never closed.\n");
    for n in 0..10_000 {
        table.push_str(&format!("r{n},Row {n}.\n"));
    }
    let path = write(dir.path(), "table.csv", table.as_bytes());
    let file = label(&path);
    let options = InputOptions {
        max_article_bytes: 1000,
        ..InputOptions::default()
    };

    let records = read_paths(&[&path], options);

    assert_eq!(
        outline(&records),
        [
            "a".to_string(),
            format!(
                "{file}:3 -- {file}:3: the record starting here is longer than 67536 bytes (a \
                 quote mark that is never closed?); the rest of the file is not read"
            ),
        ]
    );
}

#[test]
fn a_csv_quote_left_open_in_a_short_file_is_read_to_the_end_of_the_file() {
    let dir = TempDir::new().unwrap();
    let path = write(
        dir.path(),
        "table.csv",
        b"id,text\na,\"Open quote.\nb,Inside it.\n",
    );

    let records = read_path(&path);

    let texts: Vec<String> = articles(records).into_iter().map(|a| a.text).collect();
    assert_eq!(texts, ["Open quote.\nb,Inside it.\n"]);
}

#[test]
fn a_csv_without_a_text_column_is_one_skipped_record() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "table.csv", b"id,body\na,Hello.\n");
    let file = label(&path);

    let records = read_path(&path);

    assert_eq!(
        outline(&records),
        [format!(
            "{file}:1 -- {file}:1: no `text` column in the header (id, body)"
        )]
    );
}

#[test]
fn compressed_files_of_each_format_read_like_plain_ones() {
    let dir = TempDir::new().unwrap();
    let txt = write(dir.path(), "story.txt.gz", &gzip(b"Headline\nBody."));
    let jsonl = write(
        dir.path(),
        "feed.jsonl.gz",
        &gzip(b"{\"id\": \"j1\", \"text\": \"One.\"}\n"),
    );
    let csv = write(dir.path(), "rows.csv.gz", &gzip(b"id,text\nr1,Row.\n"));
    // Two gzip members one after the other are one stream.
    let mut members = gzip(b"{\"id\": \"m1\", \"text\": \"A.\"}\n");
    members.extend(gzip(b"{\"id\": \"m2\", \"text\": \"B.\"}\n"));
    let multi = write(dir.path(), "multi.ndjson.gz", &members);

    let found = articles(read_paths(
        &[&txt, &jsonl, &csv, &multi],
        InputOptions::default(),
    ));

    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|article| (article.id.as_str(), article.text.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("story", "Headline\nBody."),
            ("j1", "One."),
            ("r1", "Row."),
            ("m1", "A."),
            ("m2", "B."),
        ]
    );
}

#[test]
fn a_truncated_gzip_keeps_what_was_read_and_says_where_it_stopped() {
    let dir = TempDir::new().unwrap();
    let mut lines = String::new();
    for number in 1..=2000 {
        lines.push_str(&format!(
            "{{\"id\": \"n{number}\", \"text\": \"Article number {number} of the feed.\"}}\n"
        ));
    }
    let compressed = gzip(lines.as_bytes());
    let path = write(
        dir.path(),
        "feed.jsonl.gz",
        &compressed[..compressed.len() / 2],
    );

    let records = read_path(&path);

    let (last, read) = records.split_last().unwrap();
    assert!(!read.is_empty(), "records before the damage are kept");
    assert!(
        read.iter()
            .all(|record| matches!(record, Record::Article(_)))
    );
    let Record::Skipped(skipped) = last else {
        panic!("the last record should say the file is damaged");
    };
    assert_eq!(skipped.id, label(&path));
    let expected = format!("{}: corrupt gzip after line {}: ", label(&path), read.len());
    assert!(skipped.reason.starts_with(&expected), "{}", skipped.reason);
}

#[test]
fn a_file_that_is_not_gzip_is_reported_as_corrupt() {
    let dir = TempDir::new().unwrap();
    let txt = write(dir.path(), "plain.txt.gz", b"Not compressed at all.");
    let csv = write(dir.path(), "plain.csv.gz", b"text\nNot compressed.\n");

    let records = read_paths(&[&txt, &csv], InputOptions::default());

    let outline = outline(&records);
    assert_eq!(outline.len(), 2);
    assert!(
        outline[0].starts_with(&format!(
            "{0} -- {0}: corrupt gzip after line 0: ",
            label(&txt)
        )),
        "{}",
        outline[0]
    );
    assert!(
        outline[1].starts_with(&format!(
            "{0} -- {0}: corrupt gzip after line 0: ",
            label(&csv)
        )),
        "{}",
        outline[1]
    );
}

#[test]
fn a_directory_is_read_in_path_byte_order_without_hidden_or_foreign_files() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "b.txt", b"B");
    write(dir.path(), "a/c.txt", b"AC");
    write(dir.path(), "a-b.md", b"AB");
    write(
        dir.path(),
        "a/z/deep.jsonl",
        b"{\"id\": \"deep\", \"text\": \"D\"}\n",
    );
    write(dir.path(), "Z.csv", b"id,text\nzed,Z\n");
    write(dir.path(), ".hidden.txt", b"hidden");
    write(dir.path(), ".git/notes.txt", b"hidden too");
    write(dir.path(), "a/photo.png", b"\x89PNG");
    write(dir.path(), "a/notes.docx", b"PK");

    let found = articles(read_path(dir.path()));

    let ids: Vec<&str> = found.iter().map(|article| article.id.as_str()).collect();
    assert_eq!(ids, ["zed", "a-b", "a/c", "deep", "b"]);
}

#[test]
fn json_lines_in_a_directory_default_to_the_joined_path_and_line() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "may/feed.jsonl", b"\n{\"text\": \"Hi.\"}\n");

    let found = articles(read_path(dir.path()));

    let expected = dir.path().join("may").join("feed.jsonl");
    assert_eq!(found[0].id, format!("{}:2", label(&expected)));
}

#[test]
fn a_named_file_of_an_unknown_type_is_one_skipped_record() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "notes.docx", b"PK");

    let records = read_path(&path);

    assert_eq!(
        outline(&records),
        [format!(
            "{0} -- {0}: not a file type tenor reads (.txt, .md, .jsonl, .ndjson, .csv, each \
             optionally .gz)",
            label(&path)
        )]
    );
}

#[test]
fn a_missing_argument_is_one_skipped_record_and_the_others_are_read() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("nowhere.jsonl");
    let present = write(dir.path(), "here.txt", b"Here.");

    let records = read_paths(&[&missing, &present], InputOptions::default());

    assert_eq!(
        outline(&records),
        [
            format!("{0} -- {0}: no such file or directory", label(&missing)),
            "here".to_string(),
        ]
    );
}

#[test]
fn a_file_removed_after_its_directory_was_listed_is_reported() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", b"First.");
    let doomed = write(dir.path(), "b.txt", b"Second.");
    let mut records = read(
        vec![InputSource::Path(dir.path().to_path_buf())],
        InputOptions::default(),
    );

    let first = records.next();
    fs::remove_file(&doomed).unwrap();
    let rest: Vec<Record> = records.collect();

    assert!(matches!(first, Some(Record::Article(article)) if article.id == "a"));
    assert_eq!(
        outline(&rest),
        [format!(
            "{0} -- {0}: the file was removed after its directory was listed",
            label(&doomed)
        )]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_once_and_not_followed() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "news/a.txt", b"A");
    std::os::unix::fs::symlink("..", dir.path().join("news/up")).unwrap();

    let records = read_path(dir.path());

    let outline = outline(&records);
    assert_eq!(outline.len(), 2, "{outline:?}");
    assert_eq!(outline[0], "news/a");
    let link = label(&dir.path().join("news/up"));
    assert!(
        outline[1].starts_with(&format!("{link} -- {link}: symbolic link loop")),
        "{}",
        outline[1]
    );
}

#[cfg(unix)]
#[test]
fn a_linked_directory_is_read_once() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "archive/old.txt", b"Old.");
    let elsewhere = TempDir::new().unwrap();
    write(elsewhere.path(), "shared.txt", b"Shared.");
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("archive/link1")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("archive/link2")).unwrap();

    let records = read_path(dir.path());

    let outline = outline(&records);
    assert_eq!(outline.len(), 3, "{outline:?}");
    assert_eq!(outline[0], "archive/link1/shared");
    assert!(outline[1].contains("which was already read; not followed"));
    assert_eq!(outline[2], "archive/old");
}

#[test]
fn any_reader_can_be_a_source_and_stdin_style_ids_use_its_label() {
    let file_type = FileType {
        format: Format::JsonLines,
        compression: Compression::None,
    };
    let input = "{\"text\": \"From a pipe.\"}\n{oops}\n";

    let records: Vec<Record> = read_from(
        "stdin",
        file_type,
        input.as_bytes(),
        InputOptions::default(),
    )
    .collect();

    let outline = outline(&records);
    assert_eq!(outline[0], "stdin:1");
    assert!(outline[1].starts_with("stdin:2 -- stdin:2: malformed JSON: "));
}

#[test]
fn a_stdin_source_is_parsed_from_the_dash_argument() {
    assert_eq!(InputSource::from_arg("-"), InputSource::Stdin);
    assert_eq!(
        InputSource::from_arg("news/"),
        InputSource::Path(PathBuf::from("news/"))
    );
}

#[test]
fn records_can_be_read_on_another_thread() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "a.txt", b"Sent.");
    let records = read(
        vec![InputSource::Path(dir.path().to_path_buf())],
        InputOptions::default(),
    );

    let count = std::thread::spawn(move || records.count()).join().unwrap();

    assert_eq!(count, 1);
}

#[test]
fn csv_cells_with_invalid_utf8_are_decoded_lossily() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "table.csv", b"id,text\nx1,Caf\xE9 talk\n");

    let found = articles(read_path(&path));

    assert_eq!(found[0].text, "Caf\u{FFFD} talk");
    assert_eq!(
        found[0].warnings,
        [format!(
            "{}:2: invalid UTF-8 replaced with U+FFFD",
            label(&path)
        )]
    );
}

#[test]
fn empty_files_make_no_article() {
    let dir = TempDir::new().unwrap();
    let jsonl = write(dir.path(), "empty.jsonl", b"");
    let gz = write(dir.path(), "empty.jsonl.gz", &gzip(b""));
    let csv = write(dir.path(), "empty.csv", b"");

    let records = read_paths(&[&jsonl, &gz, &csv], InputOptions::default());

    assert_eq!(
        outline(&records),
        [format!(
            "{0}:1 -- {0}:1: no header row (the file is empty)",
            label(&csv)
        )]
    );
}
