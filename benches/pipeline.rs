//! Throughput of the stages before and around scoring, on the sample articles in data/ (the team's
//! own): tokenizing, segmentation, quote extraction, one whole article, and `Engine::run` over a
//! stream on one and two threads. Reports bytes of article text per second.
//!
//! Run with `cargo bench --bench pipeline` (needs `[[bench]] name = "pipeline"`, `harness = false`
//! in Cargo.toml; without it cargo runs this file under the test harness, which measures nothing).
// Under the default test harness `main` below goes unused.
#![cfg_attr(test, allow(dead_code))]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tenor::ingest::{Article, Record};
use tenor::pipeline::{Engine, Workspace};
use tenor::segment::Segmented;
use tenor::text::tokens;

/// The .txt sample articles of data/, in name order.
fn sample_articles() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("data/ is in the repository")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("sample articles are UTF-8"))
        .collect()
}

fn stages(c: &mut Criterion) {
    let articles = sample_articles();
    let bytes: usize = articles.iter().map(String::len).sum();
    let engine = Engine::with_defaults().expect("embedded lexicons load");

    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("tokens", |b| {
        b.iter(|| {
            articles
                .iter()
                .map(|a| tokens(black_box(a), 0).count())
                .sum::<usize>()
        })
    });
    group.bench_function("segment", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(Segmented::new(black_box(a)));
            }
        })
    });
    let segmented: Vec<Segmented<'_>> = articles.iter().map(|a| Segmented::new(a)).collect();
    group.bench_function("quotes (segmented)", |b| {
        b.iter(|| {
            for seg in &segmented {
                black_box(engine.quote_extractor().extract(black_box(seg)));
            }
        })
    });
    group.bench_function("analyse (whole article)", |b| {
        let mut workspace = Workspace::default();
        b.iter(|| {
            for (i, text) in articles.iter().enumerate() {
                let article = Article {
                    id: i.to_string(),
                    text: text.clone(),
                    ..Article::default()
                };
                black_box(engine.analyse_with(article, &mut workspace));
            }
        })
    });
    group.finish();

    // A stream long enough for the threads to matter.
    let repeats = 40;
    let mut run = c.benchmark_group("run");
    run.sample_size(10);
    run.throughput(Throughput::Bytes((bytes * repeats) as u64));
    for threads in [1, 2] {
        run.bench_function(format!("{threads} threads"), |b| {
            b.iter(|| {
                let records = (0..repeats).flat_map(|r| {
                    articles.iter().enumerate().map(move |(i, text)| {
                        Record::Article(Article {
                            id: format!("{r}-{i}"),
                            text: text.clone(),
                            ..Article::default()
                        })
                    })
                });
                let mut quotes = 0;
                engine
                    .run(records, Some(threads), |a| {
                        quotes += a.quotes.len();
                        Ok(())
                    })
                    .expect("no sink error");
                quotes
            })
        });
    }
    run.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
