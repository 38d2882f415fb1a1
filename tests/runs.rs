//! Whole runs: stopped by a signal, resumed, and repeated with other thread counts and file orders.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const TABLES: [&str; 5] = [
    "quotes.csv",
    "articles.csv",
    "speakers.csv",
    "speaker_topics.csv",
    "quote_topics.csv",
];

fn tenor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tenor"))
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn score(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    tenor()
        .arg("score")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn assert_same_tables(a: &Path, b: &Path) {
    for table in TABLES {
        let (x, y) = (
            fs::read(a.join(table)).unwrap(),
            fs::read(b.join(table)).unwrap(),
        );
        assert!(x == y, "{table} differs");
    }
}

/// Waits until process `pid` catches SIGINT and SIGTERM (Linux reports caught signals in
/// /proc/PID/status), so that a signal sent next meets tenor's handlers, not the default action.
#[cfg(target_os = "linux")]
fn wait_for_handlers(pid: u32) {
    let wanted = (1u64 << (2 - 1)) | (1u64 << (15 - 1));
    for _ in 0..400 {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let caught = status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .unwrap_or(0);
        if caught & wanted == wanted {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("tenor never installed its signal handlers");
}

#[cfg(target_os = "linux")]
#[test]
fn a_signal_stops_the_run_with_its_status_and_leaves_the_earlier_tables_as_they_were() {
    for (signal, status) in [("-INT", 130), ("-TERM", 143)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("quotes.csv"), "earlier run\n").unwrap();
        // Records on standard input, which stays open: the run is still reading when the signal comes.
        let mut child = tenor()
            .args(["score", "-", "--out"])
            .arg(&out)
            .arg("-q")
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(&fs::read(data().join("wire.jsonl")).unwrap())
            .unwrap();
        wait_for_handlers(child.id());
        let killed = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(killed.success());
        let output = child.wait_with_output().unwrap();
        drop(stdin);
        assert_eq!(output.status.code(), Some(status), "{signal}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("interrupted by SIG"), "{said}");
        assert_eq!(
            names_in(&out),
            ["quotes.csv"],
            "{signal}: temporary files left"
        );
        assert_eq!(
            fs::read_to_string(out.join("quotes.csv")).unwrap(),
            "earlier run\n"
        );
    }
}

#[test]
fn a_resumed_run_writes_the_same_bytes_as_an_unbroken_one() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    assert!(score(&data(), &clean, &[]).status.success());

    let resumed = dir.path().join("resumed");
    for stop_after in ["4", "3"] {
        let stopped = tenor()
            .arg("score")
            .arg(data())
            .arg("--out")
            .arg(&resumed)
            .args(["-q", "--resume", "--threads", "2"])
            .env("TENOR_TEST_STOP_AFTER", stop_after)
            .output()
            .unwrap();
        assert_eq!(stopped.status.code(), Some(130));
        // Only the journal: no table, no temporary file.
        assert_eq!(names_in(&resumed), [".tenor-resume.jsonl"]);
    }
    let finished = score(&data(), &resumed, &["--resume", "--threads", "1"]);
    assert!(finished.status.success());
    assert!(String::from_utf8_lossy(&finished.stderr).contains("resuming after 7 records"));
    assert_same_tables(&clean, &resumed);
    // The journal is gone once the tables are in place.
    assert_eq!(
        names_in(&resumed),
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
fn a_journal_of_other_inputs_is_not_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stopped = tenor()
        .arg("score")
        .arg(data())
        .arg("--out")
        .arg(&out)
        .args(["-q", "--resume"])
        .env("TENOR_TEST_STOP_AFTER", "2")
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(130));
    let wire = data().join("wire.jsonl");
    let other = score(&wire, &out, &["--resume"]);
    assert!(other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("starting afresh"));
    let clean = dir.path().join("clean");
    assert!(score(&wire, &clean, &[]).status.success());
    assert_same_tables(&clean, &out);
}

#[test]
fn output_does_not_depend_on_threads_or_the_order_files_were_created_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<PathBuf> = fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md") && p.is_file())
        .collect();
    names.sort();
    let forward = dir.path().join("forward");
    let backward = dir.path().join("backward");
    for (copy, order) in [
        (&forward, names.clone()),
        (&backward, names.iter().rev().cloned().collect()),
    ] {
        fs::create_dir(copy).unwrap();
        for path in order {
            fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
        }
    }
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    assert!(score(&forward, &one, &["--threads", "1"]).status.success());
    assert!(score(&backward, &two, &["--threads", "2"]).status.success());
    assert_same_tables(&one, &two);
}
