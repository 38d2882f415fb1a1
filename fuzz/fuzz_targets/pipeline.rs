//! One article through the whole analysis (markup, language, windows, quotes, topics, scores): no
//! panic, and every quote's code point offsets lie inside the text, in order.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tenor::pipeline::{Engine, EngineBuilder};

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| {
        EngineBuilder::default()
            .score_any_language(true)
            .build()
            .expect("default lexicons load")
    });
    let text = String::from_utf8_lossy(data);
    let chars = text.chars().count();
    let article = engine.analyse_text("fuzz", &text);
    let mut last_start = 0;
    for quote in &article.quotes {
        assert!(quote.start <= quote.end && quote.end <= chars, "{quote:?}");
        assert!(quote.start >= last_start);
        last_start = quote.start;
        assert!((-1.0..=1.0).contains(&quote.scores.sentiment));
    }
});
