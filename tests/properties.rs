//! Properties of the analysis on arbitrary text: it never panics, scores stay in range, offsets point
//! at the quotes, a quote scores the same alone as in its article, and articles do not leak into each
//! other when joined (under the condition stated on that property).

use std::sync::OnceLock;

use proptest::prelude::*;
use tenor::pipeline::{AnalysedArticle, Engine, ScoredQuote};
use tenor::scoring::Scores;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::with_defaults().unwrap())
}

/// Pieces of news text: words, names, cues, quotation marks of every kind, punctuation, line breaks.
const PIECES: &[&str] = &[
    "the",
    "talks",
    "collapsed",
    "minister",
    "said",
    "told",
    "reporters",
    "that",
    "he",
    "she",
    "they",
    "added",
    "warned",
    "not",
    "never",
    "very",
    "good",
    "terrible",
    "peace",
    "war",
    "deal",
    "Ana",
    "Petrova",
    "Mr",
    "Lavrov",
    "an",
    "official",
    "according",
    "to",
    "“",
    "”",
    "\"",
    "‘",
    "’",
    "'",
    "«",
    "»",
    "„",
    ",",
    ".",
    ":",
    ";",
    "?",
    "!",
    "—",
    "(",
    ")",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "U.S.",
    "don’t",
    "3.5",
    "é",
    "😀",
    "<p>",
    "&amp;",
    "\u{0}",
    "\t",
];

fn news_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..120).prop_map(|pieces| {
        let mut text = String::new();
        for (i, piece) in pieces.iter().enumerate() {
            // Marks and punctuation sometimes glued to the word before, as in print.
            if i > 0 && !(piece.len() <= 3 && i % 3 == 0) {
                text.push(' ');
            }
            text.push_str(piece);
        }
        text
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![news_like(), any::<String>(), "[ -~\n“”‘’\"']{0,400}"]
}

fn in_range(scores: &Scores) -> bool {
    let unit = |v: f32| (0.0..=1.0).contains(&v);
    let signed = |v: f32| (-1.0..=1.0).contains(&v);
    signed(scores.sentiment)
        && unit(scores.positive)
        && unit(scores.negative)
        && unit(scores.neutral)
        && signed(scores.cooperation)
        && signed(scores.warmth)
        && unit(scores.threat)
        && signed(scores.assertiveness)
        && unit(scores.irony)
}

fn slice(chars: &[char], quote: &ScoredQuote) -> String {
    chars[quote.start..quote.end].iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_text_is_analysed_with_scores_in_range_and_valid_offsets(text in any_text()) {
        let article = engine().analyse_text("p", &text);
        let chars: Vec<char> = text.chars().collect();
        let mut previous_start = 0;
        for quote in &article.quotes {
            prop_assert!(quote.start <= quote.end && quote.end <= chars.len(), "{quote:?}");
            prop_assert!(quote.start >= previous_start);
            previous_start = quote.start;
            prop_assert!(in_range(&quote.scores), "{:?}", quote.scores);
        }
    }

    /// A direct or partial quote's offsets hold its words; a quote continued over paragraphs starts
    /// with its first paragraph's words and ends with its last's (the marks that reopen it in each
    /// paragraph are not part of its text). Text with HTML markup is blanked first, so it is left out.
    #[test]
    fn quoted_words_sit_at_their_offsets(text in news_like()) {
        prop_assume!(!tenor::markup::looks_like_html(&text));
        let article = engine().analyse_text("p", &text);
        let chars: Vec<char> = text.chars().collect();
        for quote in article.quotes.iter().filter(|q| q.kind != tenor::quotes::QuoteKind::Indirect) {
            let at = slice(&chars, quote);
            match quote.text.split_once('\n') {
                None => prop_assert_eq!(&at, &quote.text),
                Some((first, _)) => {
                    let last = quote.text.rsplit('\n').next().unwrap_or_default();
                    prop_assert!(at.starts_with(first) && at.ends_with(last), "{at:?} vs {:?}", quote.text);
                }
            }
        }
    }

    #[test]
    fn a_quote_scores_the_same_alone_as_in_its_article(text in news_like()) {
        let article = engine().analyse_text("p", &text);
        for quote in &article.quotes {
            prop_assert_eq!(engine().scorer().score(&quote.text).scores, quote.scores);
        }
    }
}

/// One paragraph that cannot reach outside itself: a quote, or reported speech, whose speaker is named
/// in full in the same sentence, or a sentence without speech.
fn self_contained_paragraph(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    let words = prop::collection::vec(
        prop::sample::select(
            &[
                "talks",
                "collapsed",
                "peace",
                "terrible",
                "good",
                "not",
                "deal",
                "war",
                "very",
                "progress",
                "sanctions",
                "agreement",
            ][..],
        ),
        3..10,
    )
    .prop_map(|w| w.join(" "));
    (0..3usize, prop::sample::select(names), words).prop_map(|(form, name, words)| match form {
        0 => format!("“The {words} will not stop us, and we have said so,” {name} said."),
        1 => format!("{name} said that the {words} would go on for as long as it had to."),
        _ => format!("The {words} continued on Monday, and it was not over by the evening."),
    })
}

fn article_of(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(self_contained_paragraph(names), 1..6).prop_map(|p| p.join("\n\n"))
}

/// What a quote is, wherever its article sits.
fn essentials(
    quote: &ScoredQuote,
    shift: usize,
) -> (usize, usize, String, Option<String>, String, Scores) {
    (
        quote.start + shift,
        quote.end + shift,
        quote.text.clone(),
        quote.speaker.clone(),
        quote.cue.clone(),
        quote.scores,
    )
}

fn all_essentials(
    article: &AnalysedArticle,
    shift: usize,
) -> Vec<(usize, usize, String, Option<String>, String, Scores)> {
    article
        .quotes
        .iter()
        .map(|q| essentials(q, shift))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Joining two articles with a paragraph break leaves each one's quotes as they were, shifted by
    /// the first article's length, when: both are English and written in blank-line paragraphs;
    /// every quote's speaker is named in full in its own sentence; the two name different people and
    /// share no paragraph; and the joined text stays within one analysis window (64 KiB). The
    /// condition is principled: a pronoun, a role ("the minister"), a quote left open, "he added", a
    /// paragraph printed twice (kept once) or a fuller form of a name (Petrova after Ana Petrova)
    /// does reach across the join, as it should within one article.
    #[test]
    fn joined_articles_keep_their_own_quotes(
        a in article_of(&["Ana Petrova", "Sergei Lavrov"]),
        b in article_of(&["John Kerry", "Mary Robinson"]),
    ) {
        let joined = format!("{a}\n\n{b}");
        let alone_a = engine().analyse_text("a", &a);
        let alone_b = engine().analyse_text("b", &b);
        let together = engine().analyse_text("ab", &joined);
        let mut expected = all_essentials(&alone_a, 0);
        expected.extend(all_essentials(&alone_b, a.chars().count() + 2));
        prop_assert_eq!(all_essentials(&together, 0), expected);
    }
}
