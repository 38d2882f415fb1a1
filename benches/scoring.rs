//! Throughput of the scorer on short news-style sentences, single thread, with the embedded lexicons.
//! Reports sentences per second (criterion's "elem/s").
//!
//! Run with `cargo bench --bench scoring`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use tenor::scoring::{Lexicons, Scored, Scorer, ScratchSpace};

/// Short sentences of the kind quotes are made of, written for this benchmark.
const SENTENCES: &[&str] = &[
    "We are at a dead end.",
    "The talks were constructive and useful.",
    "This is not a good day for the people of our country.",
    "I am deeply disappointed by the decision.",
    "Frankly, relations are at a low point.",
    "We will respond firmly if they cross the line.",
    "It was a frank exchange of views, but serious differences remain.",
    "Perhaps the agreement will hold.",
    "Nobody wants a war.",
    "The minister said the plan was a disaster!",
    "We welcome the offer and look forward to working together.",
    "It is hardly a success.",
    "The so-called peace plan is nothing but a trap.",
    "Is this really the best they can do?",
    "Prices rose by 3.5% in March.",
    "Our friends in Paris have been very helpful.",
    "Although the start was slow, the results are excellent.",
    "There is no doubt that the economy is growing.",
    "They rejected our proposal without explanation.",
    "Great, another delay.",
];

fn scoring(c: &mut Criterion) {
    let scorer = Scorer::new(Lexicons::embedded().expect("embedded lexicons load"));
    let mut group = c.benchmark_group("scoring");
    group.throughput(Throughput::Elements(SENTENCES.len() as u64));
    group.bench_function("score_into short sentences", |b| {
        let mut scratch = ScratchSpace::default();
        let mut scored = Scored::default();
        b.iter(|| {
            for sentence in SENTENCES {
                scorer.score_into(black_box(sentence), &mut scratch, &mut scored);
                black_box(&scored);
            }
        })
    });
    group.bench_function("score (fresh buffers)", |b| {
        b.iter(|| {
            for sentence in SENTENCES {
                black_box(scorer.score(black_box(sentence)));
            }
        })
    });
    group.finish();

    let mut build = c.benchmark_group("lexicons");
    build.sample_size(10);
    build.bench_function("embedded", |b| b.iter(Lexicons::embedded));
    build.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
