//! The scorer on arbitrary text: no panic, and every score within its range.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tenor::pipeline::Engine;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let engine = ENGINE.get_or_init(|| Engine::with_defaults().expect("default lexicons load"));
    let text = String::from_utf8_lossy(data);
    let s = engine.scorer().score(&text).scores;
    for (value, low) in [
        (s.sentiment, -1.0),
        (s.positive, 0.0),
        (s.negative, 0.0),
        (s.neutral, 0.0),
        (s.cooperation, -1.0),
        (s.warmth, -1.0),
        (s.threat, 0.0),
        (s.assertiveness, -1.0),
        (s.irony, 0.0),
    ] {
        assert!((low..=1.0).contains(&value), "{s:?}");
    }
    let _ = engine.scorer().explain(&text);
});
