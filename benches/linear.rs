//! Time to analyse one hostile article as it grows: each shape at three sizes, each size double the
//! last. Linear time shows as a steady MB/s and a time ratio near 2 between sizes; anything near 4 is
//! quadratic. Times are the CPU time of the analysing thread (from /proc/thread-self/schedstat on
//! Linux, so that other processes on a busy machine do not blur them; wall time elsewhere). Peak
//! memory (VmHWM on Linux) is printed after each shape.
//!
//! `cargo bench --bench linear` runs the full sizes (a 100 MB article); `-- --quick` a tenth of them.

use std::time::Instant;

use tenor::ingest::Article;
use tenor::pipeline::{Engine, EngineBuilder};

/// A deterministic stream of word choices.
struct Words(u64);

impl Words {
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        words[(self.0 >> 33) as usize % words.len()]
    }
}

/// `unit` repeated (joined by `separator`) until the text has at least `bytes` bytes.
fn repeat(unit: &str, separator: &str, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + unit.len());
    while text.len() < bytes {
        if !text.is_empty() {
            text.push_str(separator);
        }
        text.push_str(unit);
    }
    text
}

fn news(bytes: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("data/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let sample: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("sample article is UTF-8"))
        .collect();
    repeat(&sample.join("\n\n"), "\n\n", bytes)
}

fn tokens(count: usize) -> String {
    let mut words = Words(7);
    let vocabulary = [
        "the",
        "talks",
        "said",
        "Smith",
        "good",
        "bad",
        "not",
        "very",
        "war",
        "peace",
        "“we",
        "agree,”",
        "she",
        "told",
        "Mr",
        "Jones",
        ",",
        "that",
        "added",
    ];
    let mut text = String::with_capacity(count * 6);
    for i in 0..count {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(words.pick(&vocabulary));
    }
    text
}

struct Shape {
    name: &'static str,
    /// The three sizes, in the shape's own unit.
    sizes: [usize; 3],
    unit: &'static str,
    make: fn(usize) -> String,
}

fn shapes(scale: usize) -> Vec<Shape> {
    let mb = 1024 * 1024;
    vec![
        Shape {
            name: "news article (data/*.txt repeated)",
            sizes: [25 * mb / scale, 50 * mb / scale, 100 * mb / scale],
            unit: "bytes",
            make: news,
        },
        Shape {
            name: "one line, no spaces",
            sizes: [5 * mb / (2 * scale), 5 * mb / scale, 10 * mb / scale],
            unit: "bytes",
            make: |n| "a".repeat(n),
        },
        Shape {
            name: "unclosed quote marks",
            sizes: [25_000 / scale, 50_000 / scale, 100_000 / scale],
            unit: "marks",
            make: |n| repeat("“word", " ", n * 8),
        },
        Shape {
            name: "unclosed straight quotes",
            sizes: [25_000 / scale, 50_000 / scale, 100_000 / scale],
            unit: "marks",
            make: |n| repeat("\"word", " ", n * 6),
        },
        Shape {
            name: "nested parentheses",
            sizes: [2_500 / scale, 5_000 / scale, 10_000 / scale],
            unit: "levels",
            make: |n| format!("{}x{}", "(".repeat(n), ")".repeat(n)),
        },
        Shape {
            name: "one paragraph, no sentence end",
            sizes: [250_000 / scale, 500_000 / scale, 1_000_000 / scale],
            unit: "tokens",
            make: tokens,
        },
        Shape {
            name: "quotes of anonymous officials",
            sizes: [5 * mb / (2 * scale), 5 * mb / scale, 10 * mb / scale],
            unit: "bytes",
            make: |n| {
                repeat(
                    "“The plan is fine and we agree,” an official said.",
                    "\n\n",
                    n,
                )
            },
        },
        Shape {
            name: "pronouns in one paragraph",
            sizes: [mb / scale, 2 * mb / scale, 4 * mb / scale],
            unit: "bytes",
            make: |n| {
                repeat(
                    "Mr John Smith met Mr Paul Brown. “It is fine,” she said.",
                    " ",
                    n,
                )
            },
        },
    ]
}

/// Seconds of CPU time this thread has run, when the system tells; `None` elsewhere.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds as f64 / 1e9)
}

/// Runs `work`, returning its CPU seconds (wall seconds when CPU time is not available).
fn timed(work: impl FnOnce()) -> f64 {
    let cpu = thread_cpu_seconds();
    let wall = Instant::now();
    work();
    match (cpu, thread_cpu_seconds()) {
        (Some(before), Some(after)) => after - before,
        _ => wall.elapsed().as_secs_f64(),
    }
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let engine: Engine = EngineBuilder::default()
        .score_any_language(true)
        .build()
        .expect("default lexicons load");
    println!(
        "{:<36} {:>10} {:>6} {:>11} {:>8} {:>7} {:>6}",
        "shape", "size", "unit", "bytes", "seconds", "MB/s", "ratio"
    );
    for shape in shapes(if quick { 10 } else { 1 }) {
        let mut previous: Option<f64> = None;
        for size in shape.sizes {
            let text = (shape.make)(size);
            let bytes = text.len();
            // The text is moved in, as the pipeline does: a copy would count against peak memory.
            let article = Article {
                id: "bench".to_string(),
                text,
                ..Article::default()
            };
            let seconds = timed(|| {
                std::hint::black_box(engine.analyse(article));
            });
            let ratio = previous
                .filter(|&p| p > 1e-3)
                .map_or(String::new(), |p| format!("{:.2}", seconds / p));
            println!(
                "{:<36} {:>10} {:>6} {:>11} {:>8.3} {:>7.2} {:>6}",
                shape.name,
                size,
                shape.unit,
                bytes,
                seconds,
                bytes as f64 / 1e6 / seconds.max(1e-6),
                ratio
            );
            previous = Some(seconds);
        }
        println!("{:<36} peak memory so far {}", "", peak_memory());
    }
}
