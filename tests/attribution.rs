//! Attribution as a user meets it: headlines, role appositions, and time that grows linearly with an
//! article full of names. All names and sentences are invented.

use tenor::quotes::attribution::QuoteExtractor;
use tenor::quotes::lexicon::AttributionLexicon;
use tenor::quotes::{ArticleQuotes, QuoteKind};
use tenor::segment::Segmented;

fn extractor() -> QuoteExtractor {
    QuoteExtractor::new(AttributionLexicon::embedded().expect("embedded lexicons load"))
}

fn extract(text: &str) -> ArticleQuotes {
    extractor().extract(&Segmented::new(text))
}

/// (kind, quoted text, speaker name) of each quote.
fn show(text: &str) -> Vec<(QuoteKind, String, String)> {
    let q = extract(text);
    q.quotes
        .iter()
        .map(|x| {
            let speaker = x.speaker.map(|s| q.speakers[s].name.clone());
            (x.kind, x.text.clone(), speaker.unwrap_or_default())
        })
        .collect()
}

#[test]
fn a_headline_verb_names_the_speaker_and_never_the_addressee() {
    let text = "Veldria tells Ostrana: the border talks are at a dead end\n\n\
                Veldria’s government said on Monday that it would recall its envoy.";
    let got = show(text);
    let headline = got
        .iter()
        .find(|q| q.1 == "the border talks are at a dead end")
        .expect("the headline is reported speech");
    assert_eq!(headline.0, QuoteKind::Indirect);
    assert_eq!(headline.2, "Veldria");
}

#[test]
fn a_headline_role_noun_stands_for_the_person_named_below() {
    let text = "Minister warns of longer queues at the border\n\n\
                Transport Minister Ida Sorrel said the new checks would add hours to each crossing.";
    let got = show(text);
    let headline = got
        .iter()
        .find(|q| q.1 == "longer queues at the border")
        .expect("the headline is reported speech");
    assert_eq!(headline.2, "Ida Sorrel");
}

#[test]
fn a_name_and_a_colon_open_a_headline_when_the_article_quotes_that_name() {
    let text = "Lenk: relations at their lowest point in years\n\n\
                “We have tried everything,” Foreign Minister Ivo Lenk said on Tuesday.";
    let got = show(text);
    assert_eq!(
        got[0],
        (
            QuoteKind::Indirect,
            "relations at their lowest point in years".into(),
            "Ivo Lenk".into()
        )
    );
}

#[test]
fn a_topic_before_a_colon_is_not_a_speaker() {
    let text = "Floodwater: what happens to the valley next\n\n\
                Residents of Tarnby were moved to higher ground overnight.";
    assert!(show(text).is_empty());
}

#[test]
fn a_headline_label_is_skipped_before_the_speaker() {
    let text = "The Latest: Pell says the count will finish tonight\n\n\
                “We expect a result by midnight,” Mara Pell, the election officer, said.";
    let got = show(text);
    let headline = got
        .iter()
        .find(|q| q.1 == "the count will finish tonight")
        .expect("the headline is reported speech");
    assert_eq!(headline.2, "Mara Pell");
}

#[test]
fn a_role_in_apposition_does_not_reach_back_over_a_verb() {
    let text = "Mr Aron Vesk, who met Korvat’s foreign minister, Lina Dorr, on Friday, was hopeful.\n\n\
                “The door is open,” Ms Dorr said.";
    let q = extract(text);
    let dorr = q
        .speakers
        .iter()
        .find(|s| s.name == "Lina Dorr")
        .expect("Lina Dorr speaks");
    assert_eq!(dorr.role.as_deref(), Some("Korvat’s foreign minister"));
}

#[test]
fn a_role_noun_phrase_starts_after_the_verb_before_it() {
    let text = "Ms Tia Moro, who thanked foreign minister, Pavo Rusk, for his help, was pleased.\n\n\
                “We owe them a great deal,” Mr Rusk said.";
    let q = extract(text);
    let rusk = q
        .speakers
        .iter()
        .find(|s| s.name == "Pavo Rusk")
        .expect("Pavo Rusk speaks");
    assert_eq!(rusk.role.as_deref(), Some("foreign minister"));
}

#[test]
fn reported_speech_runs_through_a_partial_quote_inside_it() {
    let text = "Ms Ada Kern said the levy was “a tax on hope” and would be dropped by spring.";
    let got = show(text);
    let clause = got
        .iter()
        .find(|q| q.0 == QuoteKind::Indirect)
        .expect("the reported clause is found");
    assert_eq!(
        clause.1,
        "the levy was “a tax on hope” and would be dropped by spring"
    );
    assert_eq!(clause.2, "Ada Kern");
    assert!(
        got.iter()
            .any(|q| q.0 == QuoteKind::Partial && q.1 == "a tax on hope")
    );
}

#[test]
fn according_to_takes_any_source_phrase() {
    let text =
        "Turnout rose to 61 percent in the north, according to a count by the electoral office.";
    let got = show(text);
    assert_eq!(
        got,
        [(
            QuoteKind::Indirect,
            "Turnout rose to 61 percent in the north".into(),
            "a count by the electoral office".into()
        )]
    );
}

#[test]
fn transcript_turns_are_the_labelled_speakers_words() {
    let text = "Interview with the harbour master\n\n\
                VELLAN: What changed this winter?\n\n\
                ODRIS: The ice came early and the boats stayed in.\n\n\
                VELLAN: And next year?\n\n\
                ODRIS: We will dredge the channel before the frost.";
    let got = show(text);
    assert_eq!(got.len(), 4);
    assert_eq!(got[1].1, "The ice came early and the boats stayed in.");
    assert_eq!(got[1].2, "ODRIS");
    assert_eq!(got[2].2, "VELLAN");
}

#[test]
fn a_list_of_labels_is_not_a_transcript() {
    let text = "Where the count stands\n\n\
                Harlan: 412 delegates after the northern votes.\n\n\
                Moreau: 388 delegates after the northern votes.";
    assert!(show(text).is_empty());
}

#[test]
fn a_cue_after_but_shares_the_sentence_subject() {
    let text = "Mayor Edda Lorn declined to name the new contractors but said the work would start in May.";
    let got = show(text);
    assert_eq!(
        got,
        [(
            QuoteKind::Indirect,
            "the work would start in May".into(),
            "Edda Lorn".into()
        )]
    );
}

#[test]
fn a_weekday_before_the_cue_is_not_the_speaker() {
    let text = "Senator Oleg Marsh (Ind.) on Thursday said the bill would pass before the recess.";
    let got = show(text);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].2, "Oleg Marsh");
}

#[test]
fn a_second_speech_act_ends_the_reported_clause() {
    let text = "Mr Ivo Brand said the offer was a trap and urged his allies to refuse it.";
    let got = show(text);
    assert!(
        got.iter().any(|q| q.0 == QuoteKind::Indirect
            && q.1 == "the offer was a trap"
            && q.2 == "Ivo Brand"),
        "{got:?}"
    );
}

/// A deterministic stream of invented surnames.
struct Names(u64);

impl Names {
    fn next(&mut self) -> String {
        const SYLLABLES: [&str; 12] = [
            "ka", "lo", "mir", "tan", "vek", "sor", "bel", "dun", "zi", "po", "nek", "ril",
        ];
        let mut name = String::new();
        for _ in 0..3 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            name.push_str(SYLLABLES[(self.0 >> 33) as usize % SYLLABLES.len()]);
        }
        let mut chars = name.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// One paragraph of `bytes` bytes full of distinct people, role nouns, pronouns that fit nobody and
/// reported speech: the shape that made entity look-ups quadratic.
fn crowded_paragraph(bytes: usize) -> String {
    let mut names = Names(3);
    let mut text = String::with_capacity(bytes + 200);
    while text.len() < bytes {
        let (a, b, c, d) = (names.next(), names.next(), names.next(), names.next());
        text.push_str(&format!(
            "Mr {a} {b} met Mr {c} {d} on Monday. The minister said that the talks would go on. \
             “We agree,” she said. The spokeswoman added that they would wait, the ministry said. "
        ));
    }
    text
}

/// Seconds of CPU time this thread has run (Linux), else wall time.
fn cpu_seconds(work: impl FnOnce()) -> f64 {
    let read = || {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
    };
    let wall = std::time::Instant::now();
    let before = read();
    work();
    match (before, read()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => wall.elapsed().as_secs_f64(),
    }
}

/// Run with `cargo test --release --test attribution -- --ignored --nocapture` to see the figures.
/// Each size doubles the last; a ratio near 2 is linear, near 4 quadratic.
#[test]
#[ignore = "timing: run in release to see the figures"]
fn attribution_time_grows_linearly_with_a_crowded_paragraph() {
    let extractor = extractor();
    let mut previous = None;
    let mut worst: f64 = 0.0;
    for kib in [64, 128, 256, 512] {
        let text = crowded_paragraph(kib * 1024);
        let seg = Segmented::new(&text);
        let mut quotes = 0;
        let seconds = cpu_seconds(|| quotes = extractor.extract(&seg).quotes.len());
        let ratio = previous.map(|p: f64| seconds / p.max(1e-6));
        println!("{kib:>4} KiB  {quotes:>6} quotes  {seconds:>8.3} s  ratio {ratio:.2?}");
        worst = worst.max(ratio.unwrap_or(0.0));
        previous = Some(seconds);
    }
    assert!(
        worst < 3.0,
        "time grows faster than linearly: ratio {worst:.2}"
    );
}
