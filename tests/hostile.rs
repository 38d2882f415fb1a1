//! Hostile input through the binary: every input record ends in exactly one row of articles.csv, ok or
//! skipped with a reason that says where and what; nothing stops the run unless `--strict` says so.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const QUOTE: &str = "Talks collapsed on Friday.\n\n\u{201C}We are at a dead end,\u{201D} the minister, \
                     Ana Petrova, said.";

fn tenor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tenor"))
}

/// Runs `tenor score INPUTS --out OUT -q EXTRA...`.
fn score(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    tenor()
        .arg("score")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap()
}

fn rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(Result::unwrap).collect()
}

/// articles.csv as (id, status, reason) triples.
fn articles(out: &Path) -> Vec<(String, String, String)> {
    rows(&out.join("articles.csv"))
        .iter()
        .map(|r| (r[0].to_string(), r[6].to_string(), r[7].to_string()))
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

/// Every direct quote's offsets pick out its text from `text` (code points).
fn assert_offsets_valid(out: &Path, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let quotes = rows(&out.join("quotes.csv"));
    assert!(!quotes.is_empty(), "no quote found");
    for q in quotes.iter().filter(|q| &q[2] == "direct") {
        let (start, end): (usize, usize) = (q[3].parse().unwrap(), q[4].parse().unwrap());
        let at: String = chars[start..end].iter().collect();
        assert_eq!(at, &q[11], "offsets {start}..{end}");
    }
}

fn jsonl(records: &[&str]) -> Vec<u8> {
    records
        .iter()
        .map(|r| format!("{r}\n"))
        .collect::<String>()
        .into_bytes()
}

fn record(id: &str, text: &str) -> String {
    serde_json::json!({ "id": id, "text": text }).to_string()
}

#[test]
fn bad_json_lines_are_skipped_one_by_one_with_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "feed.jsonl",
        &jsonl(&[
            &record("good1", QUOTE),
            "{\"id\": \"broken\", \"text\": \"unterminated",
            "{\"id\": \"notext\", \"title\": \"No text here\"}",
            &record("empty", "   \n "),
            "{\"id\": \"number\", \"text\": 42}",
            &record("good2", QUOTE),
        ]),
    );
    let out = dir.path().join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let found = articles(&out);
    let label = input.display().to_string();
    let expect = [
        ("good1", "ok", String::new()),
        (
            &*format!("{label}:2"),
            "skipped",
            format!("{label}:2: malformed JSON"),
        ),
        ("notext", "skipped", format!("{label}:3: no `text` field")),
        ("empty", "skipped", format!("{label}:4: empty text")),
        (
            "number",
            "skipped",
            format!("{label}:5: `text` must be a string, found a number"),
        ),
        ("good2", "ok", String::new()),
    ];
    assert_eq!(found.len(), expect.len());
    for ((id, status, reason), (want_id, want_status, want_reason)) in found.iter().zip(&expect) {
        assert_eq!((id.as_str(), status.as_str()), (*want_id, *want_status));
        assert!(reason.starts_with(want_reason.as_str()), "{reason}");
    }
    assert!(
        stderr(&output).contains("read 6, scored 2, skipped 4"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_csv_row_with_the_wrong_number_of_fields_is_skipped_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "briefs.csv",
        format!("id,title,text\nc1,One,\"{QUOTE}\"\nc2,Two\nc3,Three,\"{QUOTE}\",extra\nc4,Four,\"{QUOTE}\"\n")
            .as_bytes(),
    );
    let out = dir.path().join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(3));
    let found = articles(&out);
    let statuses: Vec<&str> = found.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(statuses, ["ok", "skipped", "skipped", "ok"]);
    assert!(
        found[1]
            .2
            .ends_with("row has 2 fields but the header has 3"),
        "{}",
        found[1].2
    );
    assert!(
        found[2]
            .2
            .ends_with("row has 4 fields but the header has 3"),
        "{}",
        found[2].2
    );
}

#[test]
fn a_csv_quote_that_never_closes_is_one_skipped_row_and_the_next_file_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut table = format!("id,text\nc1,\"{QUOTE}\"\nc2,\"Never closed.\n");
    while table.len() < 200_000 {
        table.push_str("c9,More rows swallowed by the open quote.\n");
    }
    let broken = write(dir.path(), "broken.csv", table.as_bytes());
    let after = write(dir.path(), "after.jsonl", &jsonl(&[&record("j1", QUOTE)]));
    let out = dir.path().join("out");

    let output = score(&[&broken, &after], &out, &["--max-article-bytes", "1000"]);

    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let file = broken.display().to_string();
    // c1's text has two line breaks, so c2 starts on line 5.
    assert_eq!(
        articles(&out),
        [
            ("c1".to_string(), "ok".to_string(), String::new()),
            (
                format!("{file}:5"),
                "skipped".to_string(),
                format!(
                    "{file}:5: the record starting here is longer than 67536 bytes (a quote mark \
                     that is never closed?); the rest of the file is not read"
                )
            ),
            ("j1".to_string(), "ok".to_string(), String::new()),
        ]
    );
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning_and_offsets_are_valid_in_the_decoded_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"Caf\xE9 talks \xFF\xFE collapsed.\n\n".to_vec();
    bytes.extend_from_slice(QUOTE.as_bytes());
    let input = write(dir.path(), "latin1.txt", &bytes);
    let out = dir.path().join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("invalid UTF-8 replaced with U+FFFD"),
        "{}",
        stderr(&output)
    );
    assert_offsets_valid(&out, &String::from_utf8_lossy(&bytes));
}

#[test]
fn nul_bytes_control_characters_and_a_byte_order_mark_are_text_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{FEFF}Talks\0 collapsed\u{7}\u{1B}[31m on Friday.\u{0}\n\n{QUOTE}\u{7F}");
    let input = write(dir.path(), "control.txt", text.as_bytes());
    let out = dir.path().join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The byte order mark is dropped on reading; offsets count from the text after it.
    assert_offsets_valid(&out, text.strip_prefix('\u{FEFF}').unwrap());
    let title = &rows(&out.join("articles.csv"))[0][1];
    assert!(title.starts_with("Talks"), "{title:?}");
}

#[test]
fn crlf_and_lone_cr_line_endings_keep_quotes_and_offsets() {
    let dir = tempfile::tempdir().unwrap();
    for (name, newline) in [("crlf.txt", "\r\n"), ("cr.txt", "\r")] {
        let text = QUOTE.replace('\n', newline);
        let input = write(dir.path(), name, text.as_bytes());
        let out = dir.path().join(format!("out-{name}"));
        let output = score(&[&input], &out, &[]);
        assert_eq!(output.status.code(), Some(0));
        assert_offsets_valid(&out, &text);
        let quotes = rows(&out.join("quotes.csv"));
        assert_eq!(&quotes[0][5], "Ana Petrova", "{name}");
    }
}

#[test]
fn a_truncated_gzip_keeps_the_records_before_the_damage_and_says_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let records: Vec<String> = (0..200).map(|i| record(&format!("r{i}"), QUOTE)).collect();
    let refs: Vec<&str> = records.iter().map(String::as_str).collect();
    encoder.write_all(&jsonl(&refs)).unwrap();
    let whole = encoder.finish().unwrap();
    let input = write(dir.path(), "feed.jsonl.gz", &whole[..whole.len() / 2]);
    let corrupt = write(
        dir.path(),
        "noise.jsonl.gz",
        b"\x1f\x8b\x08\x00garbage that is not deflate",
    );
    let out = dir.path().join("out");
    let output = score(&[&input, &corrupt], &out, &[]);
    assert_eq!(output.status.code(), Some(3));
    let found = articles(&out);
    let (last, before) = found.split_last().unwrap();
    assert!(last.2.contains("corrupt gzip"), "{last:?}");
    let damaged = before.iter().rposition(|a| a.1 == "skipped").unwrap();
    assert!(
        before[damaged].2.contains("corrupt gzip after line"),
        "{:?}",
        before[damaged]
    );
    assert!(damaged > 0 && before[..damaged].iter().all(|a| a.1 == "ok"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_is_one_skipped_row() {
    // As root, permissions do not stop a read; /proc/self/mem fails with EIO at offset 0.
    let dir = tempfile::tempdir().unwrap();
    let articles_dir = dir.path().join("in");
    fs::create_dir(&articles_dir).unwrap();
    write(&articles_dir, "a.txt", QUOTE.as_bytes());
    std::os::unix::fs::symlink("/proc/self/mem", articles_dir.join("b.txt")).unwrap();
    write(&articles_dir, "c.txt", QUOTE.as_bytes());
    let out = dir.path().join("out");
    let output = score(&[&articles_dir], &out, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let found = articles(&out);
    assert_eq!(found.len(), 3);
    assert_eq!((found[0].1.as_str(), found[2].1.as_str()), ("ok", "ok"));
    assert_eq!(found[1].1, "skipped");
    assert!(found[1].2.contains("b.txt: read error"), "{:?}", found[1]);
}

#[test]
fn a_directory_named_like_a_file_is_walked_and_a_missing_path_is_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let disguised = dir.path().join("feed.jsonl");
    fs::create_dir(&disguised).unwrap();
    write(&disguised, "inner.txt", QUOTE.as_bytes());
    let missing = dir.path().join("nowhere.jsonl");
    let out = dir.path().join("out");
    let output = score(&[&disguised, &missing], &out, &[]);
    assert_eq!(output.status.code(), Some(3));
    let found = articles(&out);
    assert_eq!(found[0].0, "inner");
    assert!(
        found[1].2.ends_with("no such file or directory"),
        "{:?}",
        found[1]
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_reported_once_and_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    fs::create_dir_all(root.join("sub")).unwrap();
    write(&root, "a.txt", QUOTE.as_bytes());
    std::os::unix::fs::symlink(&root, root.join("sub").join("loop")).unwrap();
    let out = dir.path().join("out");
    let output = score(&[&root], &out, &[]);
    assert_eq!(output.status.code(), Some(3));
    let found = articles(&out);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[1].2.contains("symbolic link loop"), "{:?}", found[1]);
}

#[test]
fn an_article_over_the_size_limit_is_skipped_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = write(dir.path(), "big.txt", QUOTE.repeat(100).as_bytes());
    let small = write(dir.path(), "small.txt", QUOTE.as_bytes());
    let out = dir.path().join("out");
    let output = score(&[&big, &small], &out, &["--max-article-bytes", "1000"]);
    assert_eq!(output.status.code(), Some(3));
    let found = articles(&out);
    assert_eq!(found[0].1, "skipped");
    assert!(
        found[0].2.contains("larger than the limit of 1000 bytes"),
        "{:?}",
        found[0]
    );
    assert_eq!(found[1].1, "ok");
}

#[test]
fn strict_fails_on_a_skip_before_any_table_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "feed.jsonl",
        &jsonl(&[&record("a", QUOTE), "{oops"]),
    );
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("quotes.csv"), "from an earlier run\n").unwrap();
    let output = score(&[&input], &out, &["--strict"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--strict"), "{}", stderr(&output));
    let left: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["quotes.csv"]);
    assert_eq!(
        fs::read_to_string(out.join("quotes.csv")).unwrap(),
        "from an earlier run\n"
    );
}

#[test]
fn usage_errors_exit_with_status_2() {
    let output = tenor()
        .args(["score", "--threads", "many"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn html_is_blanked_in_place_so_tags_are_not_words_and_offsets_hold() {
    let dir = tempfile::tempdir().unwrap();
    let html = "<html><head><script>var said = \"the minister\";</script></head><body>\
                <p>Talks <b>collapsed</b> on Friday.</p>\
                <p>&ldquo;We are at a dead end,&rdquo; the minister, <a href=\"/p\">Ana Petrova</a>, said.</p>\
                </body></html>";
    let input = write(dir.path(), "page.txt", html.as_bytes());
    let out = dir.path().join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(0));
    let quotes = rows(&out.join("quotes.csv"));
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    assert_eq!(&quotes[0][11], "We are at a dead end,");
    assert_eq!(&quotes[0][5], "Ana Petrova");
    let (start, end): (usize, usize) =
        (quotes[0][3].parse().unwrap(), quotes[0][4].parse().unwrap());
    let at: String = html.chars().skip(start).take(end - start).collect();
    assert_eq!(at, "We are at a dead end,");
}

#[test]
fn articles_not_in_english_are_listed_unscored_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let french = "Les négociations ont échoué vendredi.\n\n« Nous sommes dans une impasse », a dit \
                  le ministre, Ana Petrova, qui ne voit pas de solution pour le moment.";
    let input = write(
        dir.path(),
        "feed.jsonl",
        &jsonl(&[&record("fr1", french), &record("en1", QUOTE)]),
    );
    let out = dir.path().join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = rows(&out.join("articles.csv"));
    let row = |r: &csv::StringRecord| {
        (
            r[0].to_string(),
            r[4].to_string(),
            r[6].to_string(),
            r[7].to_string(),
            r[8].to_string(),
        )
    };
    assert_eq!(
        row(&table[0]),
        (
            "fr1".into(),
            "0".into(),
            "ok".into(),
            "not English: scores left empty".into(),
            "fr".into()
        )
    );
    assert_eq!(
        row(&table[1]),
        (
            "en1".into(),
            "1".into(),
            "ok".into(),
            String::new(),
            "en".into()
        )
    );

    let any = dir.path().join("any");
    let output = score(&[&input], &any, &["--score-any-language"]);
    assert_eq!(output.status.code(), Some(0));
    let table = rows(&any.join("articles.csv"));
    assert_eq!((&table[0][6], &table[0][7], &table[0][8]), ("ok", "", "fr"));
    assert!(rows(&any.join("quotes.csv")).iter().any(|q| &q[0] == "fr1"));
}

/// A small tmpfs, mounted for the test when the user may (root on Linux), unmounted after.
#[cfg(target_os = "linux")]
struct SmallDisk(PathBuf);

#[cfg(target_os = "linux")]
impl SmallDisk {
    fn mount(at: PathBuf) -> Option<SmallDisk> {
        fs::create_dir_all(&at).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(&at)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(SmallDisk(at))
    }
}

#[cfg(target_os = "linux")]
impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_as_such_and_leaves_no_table() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(dir.path().join("disk")) else {
        eprintln!(
            "skipped: cannot mount a tmpfs here (needs root); output.rs unit-tests a full disk"
        );
        return;
    };
    let input = write(
        dir.path(),
        "feed.jsonl",
        &jsonl(&vec![record("a", QUOTE).as_str(); 2000]),
    );
    let out = disk.0.join("out");
    let output = score(&[&input], &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert_eq!(said.matches("No space left on device").count(), 1, "{said}");
    assert_eq!(
        fs::read_dir(&out).unwrap().count(),
        0,
        "temporary files left behind"
    );
}

/// Found by fuzzing the readers: the size limit counts bytes as read, so a text at the limit whose
/// invalid bytes each decode to a three-byte U+FFFD is read, not skipped, and comes out longer.
#[test]
fn the_size_limit_counts_bytes_as_read_not_as_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"Talks collapsed ".to_vec();
    bytes.extend_from_slice(&[0xFF; 24]);
    let input = write(dir.path(), "raw.txt", &bytes);
    let out = dir.path().join("out");
    let limit = bytes.len().to_string();
    let output = score(&[&input], &out, &["--max-article-bytes", &limit]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(articles(&out)[0].1, "ok");
}

/// Waits for `child` for at most `limit`, killing it after that, so that a hang fails the test
/// instead of stopping the suite.
fn finish_within(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!(
                "tenor still running after {limit:?}; stderr: {}",
                stderr(&output)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// The lines a reader gives, sent one by one from a thread of their own.
fn lines_of(reader: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Makes a named pipe at `path`; false (and the test is passed over) where `mkfifo` is missing.
fn make_fifo(path: &Path) -> bool {
    match Command::new("mkfifo").arg(path).status() {
        Ok(status) if status.success() => true,
        _ => {
            eprintln!("mkfifo is not available here: test passed over");
            false
        }
    }
}

#[test]
fn a_named_pipe_on_the_command_line_is_read_once_a_writer_comes_and_the_wait_is_announced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("feed.jsonl");
    if !make_fifo(&fifo) {
        return;
    }
    let out = dir.path().join("out");
    let mut child = tenor()
        .arg("score")
        .arg(&fifo)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let errors = lines_of(child.stderr.take().unwrap());
    let notice = errors.recv_timeout(Duration::from_secs(30));
    let expected = format!(
        "tenor: waiting for a writer on {} (a named pipe)",
        fifo.display()
    );
    assert_eq!(notice.as_deref(), Ok(expected.as_str()));

    let mut writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    writeln!(writer, "{}", record("p1", QUOTE)).unwrap();
    drop(writer);

    let output = finish_within(child, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        articles(&out),
        [("p1".to_string(), "ok".to_string(), String::new())]
    );
}

#[test]
fn a_named_pipe_found_in_a_directory_is_a_skipped_row_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    write(&input, "a.jsonl", &jsonl(&[&record("a1", QUOTE)]));
    if !make_fifo(&input.join("b.jsonl")) || !make_fifo(&input.join("notes")) {
        return;
    }
    let out = dir.path().join("out");
    let child = tenor()
        .arg("score")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let output = finish_within(child, Duration::from_secs(60));

    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let pipe = input.join("b.jsonl").display().to_string();
    assert_eq!(
        articles(&out),
        [
            ("a1".to_string(), "ok".to_string(), String::new()),
            (
                pipe.clone(),
                "skipped".to_string(),
                format!(
                    "{pipe}: a named pipe, not a regular file: not read from a directory (name it \
                     on the command line to read it)"
                )
            ),
        ]
    );
}

#[test]
fn standard_input_streams_each_article_s_quotes_before_the_next_one_is_sent() {
    let mut child = tenor()
        .args(["score", "-", "--emit", "quotes", "--format", "jsonl", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let quotes = lines_of(child.stdout.take().unwrap());

    // One article, and standard input left open: the quote must come back while tenor waits.
    writeln!(input, "{}", record("s1", QUOTE)).unwrap();
    input.flush().unwrap();
    let first = quotes.recv_timeout(Duration::from_secs(30));
    let first = first.expect("no quote line while standard input was still open");
    let row: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(row["quote_id"], "s1:1", "{first}");

    writeln!(input, "{}", record("s2", QUOTE)).unwrap();
    drop(input);
    let output = finish_within(child, Duration::from_secs(60));
    assert_eq!(output.status.code(), Some(0));
    let second = quotes.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(second.contains("\"s2:1\""), "{second}");
}
