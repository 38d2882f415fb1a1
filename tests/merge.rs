//! `tenor merge` of shards' partials, with the bootstrap settings of the run or chosen at the merge.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tenor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tenor"))
}

fn wire() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/wire.jsonl")
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Partials of the two shards of data/wire.jsonl, scored with `resamples`.
fn shard_partials(dir: &Path, resamples: &str) -> Vec<PathBuf> {
    ["1/2", "2/2"]
        .iter()
        .enumerate()
        .map(|(n, shard)| {
            let partials = run(tenor()
                .arg("score")
                .arg(wire())
                .args(["--emit", "partials", "--shard", shard, "-q"])
                .args(["--ci-resamples", resamples]));
            let path = dir.join(format!("part{n}.jsonl"));
            fs::write(&path, partials).unwrap();
            path
        })
        .collect()
}

fn merge(parts: &[PathBuf], out: &Path, extra: &[&str]) {
    run(tenor()
        .arg("merge")
        .args(parts)
        .arg("--out")
        .arg(out)
        .args(extra));
}

fn table(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn merge_takes_the_resamples_of_the_parts_or_those_it_is_given() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    let whole = dir.join("whole");
    run(tenor()
        .arg("score")
        .arg(wire())
        .arg("--out")
        .arg(&whole)
        .args(["-q", "--ci-resamples", "300"]));
    let parts = shard_partials(dir, "300");

    // By default the parts' own setting: exactly the tables of one run.
    merge(&parts, &dir.join("same"), &[]);
    // Given, the same setting gives the same tables.
    merge(&parts, &dir.join("given"), &["--ci-resamples", "300"]);
    // Another setting gives other intervals from the same kept scores (two resamples: fewer than
    // the three distinct resamples of a two-quote row, so they are drawn, and the quantiles of two
    // means are far from the exact interval that 300 allow).
    merge(&parts, &dir.join("fewer"), &["--ci-resamples", "2"]);
    // None leaves the interval columns empty.
    merge(&parts, &dir.join("none"), &["--ci-resamples", "0"]);

    for name in ["speakers.csv", "speaker_topics.csv"] {
        let single = table(&whole, name);
        assert!(single.lines().count() > 2, "{name}: too small to tell");
        assert_eq!(table(&dir.join("same"), name), single, "{name}");
        assert_eq!(table(&dir.join("given"), name), single, "{name}");
        assert_ne!(table(&dir.join("fewer"), name), single, "{name}");
    }
    // Without intervals a speaker row with several quotes ends in blank interval cells.
    let none = table(&dir.join("none"), "speakers.csv");
    let whole_rows = table(&whole, "speakers.csv");
    assert_ne!(none, whole_rows);
    let header: Vec<&str> = none.lines().next().unwrap().split(',').collect();
    let low = header
        .iter()
        .position(|c| *c == "sentiment_ci_low")
        .unwrap();
    let quotes = header.iter().position(|c| *c == "quotes").unwrap();
    let mut rows_with_several = 0;
    let mut csv = csv::Reader::from_reader(none.as_bytes());
    for row in csv.records() {
        let row = row.unwrap();
        if row[quotes].parse::<u64>().unwrap() > 1 {
            rows_with_several += 1;
            assert_eq!(&row[low], "");
        }
    }
    assert!(rows_with_several > 0);
}
