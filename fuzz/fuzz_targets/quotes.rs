//! Segmentation, quote marks and attribution on arbitrary text: no panic, and every span the
//! extractor returns lies on character boundaries inside the text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tenor::pipeline::Engine;
use tenor::segment::Segmented;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| Engine::with_defaults().expect("default lexicons load"));
    let text = String::from_utf8_lossy(data);
    let seg = Segmented::new(&text);
    let found = engine.quote_extractor().extract(&seg);
    for quote in &found.quotes {
        assert!(quote.span.start <= quote.span.end && quote.span.end <= text.len());
        assert!(text.is_char_boundary(quote.span.start) && text.is_char_boundary(quote.span.end));
        if let Some(speaker) = quote.speaker {
            assert!(speaker < found.speakers.len());
        }
        if let Some(mention) = quote.speaker_mention {
            assert!(mention.end <= text.len());
        }
    }
});
