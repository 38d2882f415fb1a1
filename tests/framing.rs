//! The reporter's framing (the cue and any manner adverb) is its own column: it never changes the
//! scores of the quoted words.

use tenor::pipeline::Engine;

#[test]
fn cues_and_manner_adverbs_change_the_framing_and_never_the_quotes_scores() {
    let engine = Engine::with_defaults().expect("the shipped lexicons load");
    let words = "We are ready to talk, but we will not accept threats";
    let framings = [
        format!("\u{201C}{words},\u{201D} Ann Hale said."),
        format!("\u{201C}{words},\u{201D} Ann Hale said warmly."),
        format!("\u{201C}{words},\u{201D} Ann Hale snapped pointedly."),
        format!("\u{201C}{words},\u{201D} Ann Hale warned bluntly."),
        format!("Ann Hale joked cheekily: \u{201C}{words}.\u{201D}"),
        format!("Ann Hale angrily hit out at her critics: \u{201C}{words}.\u{201D}"),
    ];
    let quotes: Vec<_> = framings
        .iter()
        .map(|text| {
            let article = engine.analyse_text("f", text);
            assert_eq!(article.quotes.len(), 1, "{text}");
            article.quotes[0].clone()
        })
        .collect();
    let plain = &quotes[0];
    assert_eq!(plain.speaker.as_deref(), Some("Ann Hale"));
    for (quote, text) in quotes.iter().zip(&framings).skip(1) {
        assert_eq!(quote.scores, plain.scores, "{text}");
        assert_eq!(quote.evidence, plain.evidence, "{text}");
        assert_eq!(quote.topic_stances, plain.topic_stances, "{text}");
    }
    // The framing itself does differ: a warm manner lifts the cue's tone, a sharp one lowers it.
    let tones: Vec<f32> = quotes.iter().map(|q| q.framing_tone).collect();
    assert!(tones[1] > tones[0], "{tones:?}");
    assert!(tones[2] < tones[0], "{tones:?}");
    assert_ne!(quotes[3].framing, plain.framing);
}
