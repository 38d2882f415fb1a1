//! Behaviour of the scoring rules, each on a tiny lexicon built here so that the tests do not depend on
//! the values of the shipped lexicons. Tests named `vader_defect_*` are regressions for the defects of
//! VADER listed in the project notes.

use super::*;

const VALENCE: &str = "term\tvalence
good\t2
great\t3
excellent\t3
wonderful\t3
useful\t1.5
helpful\t1.5
friends\t2
success\t2
progress\t2
constructive\t2
ok\t0.5
hope\t2
joy\t3
justice\t2
bad\t-2
terrible\t-3
awful\t-3
worst\t-3.5
war\t-2.5
disaster\t-3
problem\t-1
problems\t-1
serious\t-1
worries\t-1
trouble\t-2
delay\t-1
doubt\t-0.5
low\t-1
low point\t-2
fed up\t-2
praise\t2
happier\t2.5
happy\t2
accept\t1
threats\t-2
better\t2
recommend\t1.5
lucky\t2
junk\t-2
thrilling\t2.5
best\t3
generous\t2.5
grateful\t2.5
delighted\t3
congratulations\t2.5
concern\t-1
pity\t-1.5
";

const MODIFIERS: &str = "term\tclass\tweight
very\tbooster\t0.3
truly\tbooster\t0.35
so\tbooster\t0.3
extremely\tbooster\t0.5
!\tbooster\t0.1
kind of\tdampener\t0.4
slightly\tdampener\t0.5
a few\tdampener\t0.1
less than\tnegator\t0.8
not\tnegator\t1
no\tnegator\t1
never\tnegator\t1
nothing\tnegator\t1
without\tnegator\t0.9
hardly\tnegator\t0.8
barely\tnegator\t0.7
scarcely\tnegator\t0.8
few\tnegator\t0.6
but\tcontrast\t0.5
however\tcontrast\t0.5
yet\tcontrast\t0.4
nevertheless\tcontrast\t0.5
nonetheless\tcontrast\t0.5
still\tcontrast\t0.3
although\tcontrast\t-0.5
though\tcontrast\t-0.4
whereas\tcontrast\t-0.4
perhaps\thedge\t0.3
may\thedge\t0.15
i think\thedge\t0.2
i believe\thedge\t0.2
clearly\tcertainty\t0.5
no doubt\tcertainty\t0.6
if\tconditional\t0.35
unless\tconditional\t0.35
should we\tconditional\t0.35
?\tquestion\t0.3
whether\tquestion\t0.3
";

fn scorer() -> Scorer {
    let mut builder = Lexicons::builder();
    builder
        .add_text_as("test-valence.tsv", VALENCE, FileFormat::Valence)
        .and_then(|b| b.add_text_as("test-modifiers.tsv", MODIFIERS, FileFormat::Modifiers))
        .and_then(|b| {
            b.add_text(
                "cooperation.tsv",
                "term\tweight\ncooperate\t0.8\nreject\t-0.7\nrejected\t-0.7\naccept\t0.6\nthreats\t-0.6\n",
            )
        })
        .and_then(|b| b.add_text("warmth.tsv", "term\tweight\ncordial\t0.8\nfrosty\t-0.8\n"))
        .and_then(|b| {
            b.add_text(
                "threat.tsv",
                "term\tweight\nretaliation\t0.8\nconsequences\t0.5\nwill not hesitate\t0.8\nnot hesitate\t0.7\n",
            )
        })
        .and_then(|b| {
            b.add_text(
                "assertiveness.tsv",
                "term\tweight\ninsist\t0.6\nwill\t0.3\nwill not\t0.8\n",
            )
        })
        .and_then(|b| {
            b.add_text(
                "stance.tsv",
                "term\tstance\nsupport\t0.7\nsupporting\t0.7\ncontinue\t0.4\nstop\t-0.6\nscrap\t-0.8\n\
                 abandon\t-0.7\npull out of\t-0.7\npreserved\t0.7\n",
            )
        })
        .and_then(|b| {
            b.add_text(
                "irony.tsv",
                "term\tweight\nyeah right\t0.7\nnot exactly\t0.5\nnot the best\t0.3\n",
            )
        })
        .expect("test lexicons are well-formed");
    Scorer::new(builder.build())
}

fn sentiment(text: &str) -> f32 {
    scorer().score(text).scores.sentiment
}

fn evidence(text: &str) -> Vec<String> {
    scorer()
        .score(text)
        .evidence
        .iter()
        .map(|e| e.label.clone())
        .collect()
}

#[test]
fn vader_defect_attached_punctuation_still_matches() {
    assert!(sentiment("That is ok.") > 0.0);
    assert_eq!(sentiment("That is ok."), sentiment("That is ok"));
    assert_eq!(sentiment("I said no."), sentiment("I said no"));
}

#[test]
fn vader_defect_multiword_entries_match_and_beat_their_words() {
    assert!(sentiment("I am fed up") < 0.0);
    assert!(sentiment("I am FED UP") < sentiment("I am fed up"));
    let labels = evidence("Our relations are at a low point.");
    assert!(labels.iter().any(|l| l == "low point"), "{labels:?}");
    assert!(!labels.iter().any(|l| l == "low"), "{labels:?}");
}

#[test]
fn vader_defect_kind_of_bad_is_milder_than_bad() {
    let bad = sentiment("It was bad");
    let kind_of_bad = sentiment("It was kind of bad");
    assert!(
        kind_of_bad < 0.0 && kind_of_bad > bad,
        "{kind_of_bad} vs {bad}"
    );
    let good = sentiment("It was good");
    let kind_of_good = sentiment("It was kind of good");
    assert!(kind_of_good > 0.0 && kind_of_good < good);
}

#[test]
fn vader_defect_hardly_barely_scarcely_few_negate() {
    assert!(sentiment("We are hardly friends.") < 0.0);
    assert!(sentiment("It was barely a success.") < 0.0);
    assert!(sentiment("It was scarcely helpful.") < 0.0);
    assert!(sentiment("Few friends came.") < 0.0);
    // "a few" is a quantity, not a denial.
    assert!(sentiment("A few friends came.") > 0.0);
}

#[test]
fn vader_defect_every_contrastive_connective_counts() {
    for c in [
        "but",
        "however",
        "yet",
        "nevertheless",
        "nonetheless",
        "still",
    ] {
        let after_good = sentiment(&format!("It was bad, {c} it was good."));
        let after_bad = sentiment(&format!("It was good, {c} it was bad."));
        assert!(after_good > 0.0, "{c}: {after_good}");
        assert!(after_bad < 0.0, "{c}: {after_bad}");
    }
    for c in ["Although", "Though", "Whereas"] {
        let s = sentiment(&format!("{c} it was bad, it was good."));
        assert!(s > 0.0, "{c}: {s}");
    }
    // A connective opening a sentence weighs against the sentence before.
    assert!(sentiment("The plan is good. However, it is bad.") < 0.0);
    // Every "but" counts, not only the first.
    let labels = evidence("good but bad but good");
    assert_eq!(labels.iter().filter(|l| *l == "but:contrast").count(), 2);
    assert!(sentiment("good but bad but good") > 0.0);
}

#[test]
fn still_and_yet_count_only_as_connectives() {
    // "still" in mid-clause means "even now"; "not yet" means "so far not".
    assert_eq!(
        sentiment("The talks are still good"),
        sentiment("The talks are good")
    );
    assert!(
        !evidence("It is bad and not yet good")
            .iter()
            .any(|l| l == "yet:contrast")
    );
}

#[test]
fn vader_defect_boosters_modify_only_the_next_content_word() {
    assert_eq!(sentiment("this terrible war"), sentiment("terrible war"));
    assert!(sentiment("so good") > sentiment("good"));
    assert!(sentiment("extremely bad") < sentiment("bad"));
    assert_eq!(
        sentiment("so the war was terrible"),
        sentiment("the war was terrible")
    );
}

#[test]
fn vader_defect_negated_strong_negative_is_only_slightly_positive() {
    let not_worst = sentiment("Not the worst show I have seen");
    assert!(not_worst > 0.0 && not_worst < 0.3, "{not_worst}");
    let not_bad = sentiment("not bad");
    let not_good = sentiment("not good");
    assert!(not_bad > 0.0 && not_bad < sentiment("good"));
    assert!(not_good < 0.0 && not_good.abs() > not_bad.abs());
}

#[test]
fn vader_defect_long_texts_do_not_saturate() {
    let once = sentiment("bad good");
    let ten = sentiment(&"bad good ".repeat(10));
    assert!((once - ten).abs() < 0.05, "{once} vs {ten}");
    let long_praise = sentiment(&"The result was good. ".repeat(50));
    assert!(long_praise < 0.95);
}

#[test]
fn vader_defect_no_problem_and_no_worries_are_positive() {
    assert!(sentiment("No problem.") > 0.0);
    assert!(sentiment("no worries") > 0.0);
}

#[test]
fn no_doubt_is_certainty_not_negation() {
    let sure = scorer().score("There is no doubt the plan is good");
    assert!(sure.scores.sentiment > sentiment("the plan is good"));
    assert!(sure.scores.assertiveness > 0.0);
}

#[test]
fn not_only_is_not_negation() {
    assert!(sentiment("It is not only good but also useful") > 0.0);
    assert!(
        evidence("It is not only good but also useful")
            .iter()
            .any(|l| l == "not only:additive")
    );
}

#[test]
fn nothing_but_means_only() {
    assert!(sentiment("nothing but trouble") < 0.0);
    assert!(sentiment("We heard nothing but praise") > 0.0);
}

#[test]
fn a_double_negation_keeps_the_sign_and_loses_force() {
    let s = sentiment("It is not without hope");
    assert!(s > 0.0 && s < sentiment("It is hope"), "{s}");
}

#[test]
fn negation_scope_is_the_clause_not_three_tokens() {
    // Further than three tokens away, still in the clause: negated.
    assert!(sentiment("I do not think that this plan is good") < 0.0);
    // Past a comma, or "and" before a new subject: not negated.
    assert!(sentiment("It is not cheap, it is good") > 0.0);
    assert!(sentiment("It is not cheap and the result is good") > 0.0);
    assert!(evidence("not good").iter().any(|l| l == "not→good:flip"));
    // "and" before an auxiliary opens a new predicate.
    assert!(sentiment("We will not stop and will be good") > 0.0);
}

#[test]
fn a_negated_comparative_after_can_or_any_is_a_superlative() {
    assert!(sentiment("I couldn't be happier") > sentiment("I am happier"));
    assert!(sentiment("I can't recommend it enough") > 0.0);
    assert!(sentiment("It doesn't get any better than this") > 0.0);
    // Without "can" or "any" a negated comparative is a plain denial.
    assert!(sentiment("It is not better") < 0.0);
}

#[test]
fn a_negative_object_of_a_negated_verb_keeps_its_sign() {
    // "solve" is an ordinary verb: not solving the problem is still bad.
    assert!(sentiment("They did not solve the problem") < 0.0);
    assert!(sentiment("Do not buy this junk") < 0.0);
    // After a linking verb the word is a predicate, and negation reverses it.
    assert!(sentiment("I do not think the plan is bad") > 0.0);
    assert!(sentiment("It is not a disaster") > 0.0);
}

#[test]
fn a_clause_negation_reverses_the_first_evaluative_word_and_its_coordinates() {
    // "threats" is the object of the negated verb: it keeps its sign, for sentiment and cooperation.
    let s = scorer().score("We will not accept threats");
    assert!(s.scores.sentiment < 0.0, "{:?}", s.evidence);
    assert!(s.scores.cooperation < 0.0, "{:?}", s.evidence);
    assert!(sentiment("I am not happy with the terrible result") < 0.0);
    // Coordinated words are reversed together.
    let labels = evidence("It was not good or helpful");
    assert!(labels.iter().any(|l| l == "not→helpful:flip"), "{labels:?}");
}

#[test]
fn no_and_without_deny_the_noun_phrase_after_them() {
    assert!(sentiment("It is no secret that the talks were good") > 0.0);
    assert!(sentiment("There were no serious problems") > 0.0);
    assert!(sentiment("We left without any trouble") > 0.0);
    // "not" and "never" deny the whole clause.
    assert!(sentiment("It is not true that the talks were good") < 0.0);
}

#[test]
fn overlapping_tone_phrases_count_once() {
    let threat = scorer().score("We will not hesitate to act").scores.threat;
    assert!((threat - 0.8).abs() < 1e-6, "{threat}");
    // The phrase's weight stands for its first word's too: "will not", not "will" + "will not".
    let assertive = scorer().score("We will not go").scores.assertiveness;
    assert!((assertive - 0.8 / 1.8).abs() < 1e-6, "{assertive}");
}

#[test]
fn an_embedded_question_ends_the_negation() {
    assert!(sentiment("I don't know how I got so lucky") > 0.0);
}

#[test]
fn less_than_negates() {
    assert!(sentiment("A less than thrilling debate") < 0.0);
}

#[test]
fn questions_conditionals_and_hedges_damp() {
    let plain = sentiment("The plan is good.");
    assert!(sentiment("Is the plan good?") < plain);
    assert!(sentiment("If the plan is good, we sign.") < plain);
    assert!(sentiment("Should we find the plan good, we sign.") < plain);
    assert!(sentiment("Perhaps the plan is good.") < plain);
    assert!(sentiment("The plan is good, I think.") < plain);
    for damped in [
        "Is the plan good?",
        "If the plan is good, we sign.",
        "Perhaps the plan is good.",
    ] {
        assert!(sentiment(damped) > 0.0, "{damped}");
    }
}

#[test]
fn all_caps_in_mixed_case_text_emphasises() {
    assert!(sentiment("The plan is GOOD") > sentiment("The plan is good"));
    assert_eq!(sentiment("THE PLAN IS GOOD"), sentiment("the plan is good"));
}

#[test]
fn exclamation_marks_emphasise_up_to_a_cap() {
    assert!(sentiment("The plan is good!") > sentiment("The plan is good"));
    assert_eq!(
        sentiment("The plan is good!!!"),
        sentiment("The plan is good!!!!!!")
    );
}

#[test]
fn capitalised_names_in_mid_sentence_do_not_score() {
    assert_eq!(sentiment("We met Hope and Justice on Friday"), 0.0);
    assert_eq!(sentiment("The envoy thanked Joy"), 0.0);
    // A capital at the start of a sentence followed by a name is part of the name.
    assert_eq!(sentiment("Hope Hicks met the envoy"), 0.0);
    // A capitalised modifier in mid-sentence is a name too: "May" the month is not a hedge.
    assert!(
        !evidence("The talks in May were good")
            .iter()
            .any(|l| l == "May:hedge")
    );
    assert!(
        evidence("The plan, I think, is good")
            .iter()
            .any(|l| l == "I think:hedge")
    );
    // A sentence full of names is not a headline.
    assert_eq!(
        sentiment("Boris Johnson met Sergey Lavrov and Hope Smith in Moscow"),
        0.0
    );
    // At the start of a sentence or after an opening quote the word is not taken for a name.
    assert!(sentiment("Hope remains.") > 0.0);
    assert!(sentiment("He shouted \u{201C}Joy to all") > 0.0);
    assert!(sentiment("He said: Joy to all") > 0.0);
    // After a handle or a link a capital letter opens the message.
    assert!(sentiment("@envoy Great progress") > 0.0);
    assert!(sentiment("see http://example.org/x Great progress") > 0.0);
    // A headline in title case is not a list of names.
    assert!(sentiment("Talks End In Disaster For Both Sides") < 0.0);
}

#[test]
fn quoted_speech_inside_the_text_does_not_score() {
    let s = scorer().score("They called our plan \u{201C}a disaster\u{201D} on Monday");
    assert_eq!(s.scores.sentiment, 0.0);
    assert!(s.evidence.iter().any(|e| e.label == "quoted→disaster:skip"));
    // Marks around the whole text are the quote's own.
    assert!(sentiment("\u{201C}It was a disaster.\u{201D}") < 0.0);
    assert!(sentiment("\u{201C}It was a disaster,\u{201D} she said.") < 0.0);
}

#[test]
fn irony_hedged_denial_and_litotes() {
    let s = scorer().score("It was not, I believe, necessarily a success.");
    assert!(s.scores.irony >= 0.5, "{}", s.scores.irony);
    assert!(s.evidence.iter().any(|e| e.label == "irony:hedged denial"));
    let litotes = scorer().score("The answer was not exactly helpful.");
    assert!(litotes.scores.irony > 0.0);
    assert!(litotes.scores.sentiment < 0.0);
}

#[test]
fn a_hedged_denial_is_found_with_or_without_commas_around_the_hedge() {
    for text in [
        "It was not, I believe, necessarily a success.",
        "It was not I believe necessarily a success.",
        "It was not, I believe necessarily a success.",
        "It was not necessarily, I think, a success.",
    ] {
        let s = scorer().score(text);
        assert!(s.scores.irony >= 0.5, "{text}: {}", s.scores.irony);
        assert!(
            s.evidence.iter().any(|e| e.label == "irony:hedged denial"),
            "{text}: {:?}",
            s.evidence
        );
        assert!(
            s.scores.sentiment < 0.0,
            "{text}: the denial still reverses"
        );
    }
    // Without a mark around it a hedge must be the speaker's own belief to be an aside.
    let plain = scorer().score("It was not perhaps a success.");
    assert!(
        !plain
            .evidence
            .iter()
            .any(|e| e.label == "irony:hedged denial")
    );
}

#[test]
fn a_hedged_denial_about_the_other_sides_people_is_a_jibe_beside_the_praise() {
    let text = "I am delighted that cars were sold \u{2013} not, I believe necessarily to employees of \
                the Foreign Ministry \u{2013} and that is progress.";
    let s = scorer().score(text);
    assert!(
        s.evidence.iter().any(|e| e.label == "irony:paralipsis"),
        "{:?}",
        s.evidence
    );
    assert!(s.scores.irony > 0.6, "{}", s.scores.irony);
    // The jibe is an aside: the statement around it stays positive.
    assert!(s.scores.sentiment > 0.0, "{}", s.scores.sentiment);
    // Without a named body after the denial there is nothing insinuated.
    let plain = scorer().score("It was not, I believe, necessarily to everyone's taste.");
    assert!(!plain.evidence.iter().any(|e| e.label == "irony:paralipsis"));
}

#[test]
fn effusive_praise_of_a_negative_thing_is_mock_praise() {
    let s = scorer().score("We are grateful for your wonderful concern.");
    assert!(s.scores.irony >= 0.5, "{}", s.scores.irony);
    assert!(s.scores.sentiment < 0.0, "{}", s.scores.sentiment);
    // Without a party whose concern it is, praise before a negative word is as often a compound.
    assert_eq!(
        scorer()
            .score("It was a wonderful problem to have.")
            .scores
            .irony,
        0.0
    );
    // A word of degree measures the concern rather than praising it.
    assert_eq!(
        scorer()
            .score("It is a matter of great concern.")
            .scores
            .irony,
        0.0
    );
}

#[test]
fn praise_echoed_as_a_fragment_is_mock_praise() {
    let s = scorer().score("They say it is a generous package. Truly generous.");
    assert!(s.scores.irony >= 0.5, "{}", s.scores.irony);
    // One cue of this strength cancels the praise; more would turn it into criticism.
    assert!(s.scores.sentiment <= 0.0, "{}", s.scores.sentiment);
    assert!(sentiment("They say it is a generous package.") > 0.0);
    // Cheering is not echoing: no intensifier, an exclamation, or no statement before.
    for text in [
        "They say it is a generous package. Generous.",
        "They say it is a generous package. Truly generous!",
        "Generous. Truly generous.",
    ] {
        assert_eq!(scorer().score(text).scores.irony, 0.0, "{text}");
    }
}

#[test]
fn praise_followed_by_a_sting_that_points_back_is_mock_praise() {
    let s = scorer().score(
        "Congratulations to him on his excellent memory. It is a pity it does not extend to prices.",
    );
    assert!(s.scores.irony >= 0.5, "{}", s.scores.irony);
    assert!(s.scores.sentiment < 0.0, "{}", s.scores.sentiment);
    let sincere = scorer().score("The match was excellent. It is a pity the season is over.");
    assert_eq!(sincere.scores.irony, 0.0);
}

#[test]
fn a_word_of_size_before_a_trifle_is_hyperbole() {
    assert!(
        scorer()
            .score("They offered a whopping 1 per cent.")
            .scores
            .irony
            > 0.0
    );
    assert!(
        scorer()
            .score("They offered a whopping \u{a3}2.")
            .scores
            .irony
            > 0.0
    );
    assert_eq!(
        scorer().score("A whopping 40 per cent rise.").scores.irony,
        0.0
    );
}

/// The test lexicon with a few emoticons, emoji and interjections of online writing.
fn online_scorer() -> Scorer {
    let mut builder = Lexicons::builder();
    builder
        .add_text_as("test-valence.tsv", VALENCE, FileFormat::Valence)
        .and_then(|b| b.add_text_as("test-modifiers.tsv", MODIFIERS, FileFormat::Modifiers))
        .and_then(|b| {
            b.add_text_as(
                "emoticons.tsv",
                "term\tvalence\n:)\t2\n:-)\t2\n:(\t-2\n:'(\t-2.5\n:d\t2.5\n:3\t1.5\n<3\t3\n\u{1F600}\t2.5\n\
                 \u{2764}\t3\nlol\t1.5\nhaha\t2\nyay\t2\n",
                FileFormat::Valence,
            )
        })
        .expect("test lexicons are well-formed");
    Scorer::new(builder.build())
}

#[test]
fn emoticons_and_emoji_carry_the_writers_mood() {
    let s = |t: &str| online_scorer().score(t).scores.sentiment;
    assert!(s("see you tomorrow :)") > 0.0);
    assert!(s("see you tomorrow :-)") > 0.0);
    assert!(s("see you tomorrow :D") > 0.0);
    assert!(s("missed the bus :(") < 0.0);
    assert!(s("missed the bus :'(") < 0.0);
    assert!(s("my mum <3") > 0.0);
    assert!(s("new shoes \u{1F600}") > 0.0);
    // A variation selector or a repeated last character belongs to the symbol.
    assert!(s("new shoes \u{2764}\u{FE0F}") > 0.0);
    assert_eq!(s("see you :)))"), s("see you :)"));
    // An emoticon is not denied by the clause it follows.
    assert!(s("not going out :(") < 0.0);
}

#[test]
fn punctuation_that_only_looks_like_an_emoticon_is_not_one() {
    let s = |t: &str| online_scorer().score(t).scores.sentiment;
    for text in [
        "the note: (see above) is long",
        "read http://example.com today",
        "they won 5:3 at 10:30",
        "a colon then letters :Dx",
    ] {
        assert_eq!(s(text), 0.0, "{text}");
    }
}

#[test]
fn stretched_words_and_laughter_find_their_listed_form() {
    let s = |t: &str| online_scorer().score(t).scores.sentiment;
    assert!(s("yaaaay") > 0.0);
    assert!(s("this is gooooood") > s("this is good"));
    assert!(s("sooooo good") > s("so good"));
    assert!(s("hahahahaha") > 0.0);
    assert!(s("lolololol") > 0.0);
    let explained = online_scorer().explain("goooood");
    assert!(explained.tokens[0].rules.contains(&"stretched"));
}

#[test]
fn a_run_of_question_marks_is_one_question_and_with_exclamations_an_outburst() {
    let s = |t: &str| scorer().score(t).scores.sentiment;
    assert_eq!(s("is it good???"), s("is it good?"));
    assert!(s("is it good?") < s("it is good"));
    assert!(s("it is terrible?!") < s("it is terrible?"));
}

/// The byte span of the first `needle` in `text`.
fn span_of(text: &str, needle: &str) -> crate::text::Span {
    let start = text.find(needle).expect("the needle is in the text");
    crate::text::Span::new(start, start + needle.len())
}

fn toward(text: &str, needle: &str) -> f32 {
    scorer()
        .score_toward(text, span_of(text, needle))
        .scores
        .sentiment
}

#[test]
fn what_a_person_is_reported_as_saying_is_not_sentiment_toward_them() {
    let text = "Smith said the plan is a disaster.";
    assert!(sentiment(text) < 0.0);
    assert_eq!(toward(text, "Smith"), 0.0);
    assert!(toward(text, "the plan") < 0.0);
    for text in [
        "\u{201C}The plan is a disaster,\u{201D} Smith said.",
        "The plan is a disaster, said Smith.",
        "According to Smith, the plan is a disaster.",
        "Smith has repeatedly said the plan is a disaster.",
    ] {
        assert_eq!(toward(text, "Smith"), 0.0, "{text}");
    }
}

#[test]
fn an_apposition_and_the_predicate_after_it_belong_to_the_target() {
    assert!(toward("Smith, the new judge, is a disaster.", "Smith") < 0.0);
    let evidence: Vec<String> = scorer()
        .score_toward(
            "Smith, a terrible judge, won.",
            span_of("Smith, a terrible judge, won.", "Smith"),
        )
        .evidence
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(evidence, ["terrible:-3.00"]);
}

#[test]
fn words_about_the_target_outweigh_words_further_off() {
    let text = "Smith was good, and much later on that long day the weather was terrible.";
    assert!(sentiment(text) < 0.0);
    assert!(toward(text, "Smith") > 0.0);
    assert!(toward(text, "the weather") < 0.0);
    // A clause led by a pronoun goes on about the person named before it.
    let text = "Smith arrived late at the long meeting, and then he was terrible.";
    assert!(toward(text, "Smith") < 0.0);
}

#[test]
fn a_span_that_covers_no_word_gives_the_whole_texts_scores() {
    let text = "The plan is good.";
    let whole = scorer().score(text);
    let nowhere = scorer().score_toward(text, crate::text::Span::new(text.len(), text.len()));
    assert_eq!(nowhere, whole);
}

fn stance(text: &str, needle: &str) -> f32 {
    scorer().stance_toward(text, span_of(text, needle)).0
}

#[test]
fn the_cue_that_governs_a_mention_gives_the_stance_toward_it() {
    assert!(
        stance(
            "We stress the need to continue with the Iranian nuclear deal.",
            "nuclear deal"
        ) > 0.0
    );
    assert!(
        stance(
            "We must do everything to stop North Korea acquiring a nuclear weapon.",
            "nuclear weapon"
        ) < 0.0
    );
    // After the mention, a cue governs it in the passive only; otherwise it counts as a weak
    // fallback.
    let passive = stance("The deal must be preserved.", "deal");
    let subject = stance("The deal will continue to worry them.", "deal");
    assert!(
        passive > 2.0 * subject && subject > 0.0,
        "{passive} {subject}"
    );
}

#[test]
fn negation_reverses_a_stance_cue_and_cues_compose() {
    assert!(stance("We will not support the deal.", "deal") < 0.0);
    assert!(stance("We will never abandon the deal.", "deal") > 0.0);
    assert!(stance("We must stop supporting the deal.", "deal") < 0.0);
    assert!(stance("They want to pull out of the deal.", "deal") < 0.0);
}

#[test]
fn each_mention_takes_its_own_clauses_cue_first() {
    let text = "We support the deal, but we will scrap the tariffs.";
    assert!(stance(text, "deal") > 0.0);
    assert!(stance(text, "tariffs") < 0.0);
    let (_, evidence) = scorer().stance_toward(text, span_of(text, "tariffs"));
    let labels: Vec<&str> = evidence.iter().map(|e| e.label.as_str()).collect();
    // The governing cue alone decides: "support" governs the deal, not the tariffs.
    assert_eq!(labels, ["scrap\u{2192}tariffs"]);

    // Coordinated verb phrases: each cue governs its own object, at its full weight.
    let text = "We must support the treaty and stop the strikes.";
    let (treaty, strikes) = (stance(text, "treaty"), stance(text, "strikes"));
    assert!(treaty > 0.5 && strikes < -0.5, "{treaty} {strikes}");
}

#[test]
fn stance_is_not_sentiment() {
    // Harsh words for the sanctions, and for them; kind words about a war, and against it.
    let text = "We will stop this terrible war.";
    assert!(sentiment(text) < 0.0);
    assert!(stance(text, "war") < 0.0);
    assert_eq!(stance("The deal is a disaster.", "deal"), 0.0);
    let (none, evidence) =
        scorer().stance_toward("Nothing here.", span_of("Nothing here.", "here"));
    assert_eq!((none, evidence.len()), (0.0, 0));
}

#[test]
fn toward_each_scores_once_and_agrees_with_the_single_span_calls() {
    let text = "We support the deal, but the tariffs are a disaster and we will scrap them.";
    let spans = [
        span_of(text, "deal"),
        span_of(text, "tariffs"),
        crate::text::Span::new(0, 0),
    ];
    let mut scratch = ScratchSpace::default();
    let each = scorer().toward_each(text, &spans, &mut scratch);
    assert_eq!(each.len(), 3);
    for (toward, &span) in each.iter().zip(&spans) {
        let scored = scorer().score_toward(text, span);
        let (stance, stance_evidence) = scorer().stance_toward(text, span);
        assert_eq!(toward.sentiment, scored.scores.sentiment);
        assert_eq!(toward.stance, stance);
        assert_eq!(toward.stance_evidence, stance_evidence);
    }
    assert!(each[0].stance > 0.0 && each[1].sentiment < 0.0);
}

#[test]
fn toward_each_without_sentiment_evidence_scores_the_same_and_lists_no_words() {
    let text = "We support the deal, but the tariffs are a disaster and we will scrap them.";
    let spans = [span_of(text, "deal"), span_of(text, "tariffs")];
    let (mut scratch, mut whole) = (ScratchSpace::default(), Scored::default());
    let with = scorer().toward_each_into(text, &spans, &mut scratch, &mut whole, true);
    let without = scorer().toward_each_into(text, &spans, &mut scratch, &mut whole, false);
    assert!(with.iter().any(|t| !t.sentiment_evidence.is_empty()));
    for (a, b) in with.iter().zip(&without) {
        assert_eq!((a.sentiment, a.stance), (b.sentiment, b.stance));
        assert_eq!(a.stance_evidence, b.stance_evidence);
        assert!(b.sentiment_evidence.is_empty());
    }
}

#[test]
fn a_tone_only_phrase_does_not_hide_the_valence_of_its_words() {
    // "not the best" is an irony cue; "best" keeps its valence and "not" its negation.
    let s = scorer().score("It is not the best plan");
    assert!(s.scores.irony > 0.0);
    assert!(s.scores.sentiment < 0.0);
    assert!(
        s.evidence.iter().any(|e| e.label == "irony:not the best"),
        "{:?}",
        s.evidence
    );
    // A listed cue is not counted again by the litotes rule.
    let litotes = scorer().score("The answer was not exactly helpful.").scores;
    assert!(litotes.sentiment < 0.0);
    assert!((litotes.irony - 0.5).abs() < 1e-6, "{}", litotes.irony);
}

#[test]
fn irony_mock_praise_turns_praise_negative() {
    let s = scorer().score("Great, another delay and another disaster.");
    assert!(s.evidence.iter().any(|e| e.label == "irony:mock praise"));
    assert!(s.scores.sentiment < 0.0, "{}", s.scores.sentiment);
    // Praise that is part of the statement is not mock praise.
    let plain = scorer().score("Great progress was made despite the delay.");
    assert_eq!(plain.scores.irony, 0.0);
}

#[test]
fn irony_scare_quotes() {
    assert!(scorer().score("the so-called peace plan").scores.irony > 0.0);
    assert!(
        scorer()
            .score("their \u{201C}peace plan\u{201D} again")
            .scores
            .irony
            > 0.0
    );
    assert!(scorer().score("Oh yeah right, wonderful").scores.irony > 0.5);
}

#[test]
fn dimensions_are_negation_aware() {
    let s = |t: &str| scorer().score(t).scores;
    assert!(s("We cooperate closely").cooperation > 0.0);
    assert!(s("We will not cooperate").cooperation < 0.0);
    assert!(s("They rejected the offer").cooperation < 0.0);
    assert!(s("A frosty meeting").warmth < 0.0);
    assert!(s("A cordial meeting").warmth > 0.0);
    assert!(s("There will be retaliation").threat > 0.0);
    assert_eq!(s("There will be no retaliation").threat, 0.0);
    assert!(
        s("If they attack, there will be consequences").threat
            > s("There will be consequences").threat
    );
    assert!(s("Perhaps it works").assertiveness < 0.0);
    assert!(s("Clearly it works").assertiveness > 0.0);
    assert!(s("We insist").assertiveness > 0.0);
}

#[test]
fn a_single_cue_stays_well_inside_the_range() {
    let coop = scorer().score("We cooperate").scores.cooperation;
    assert!(coop > 0.2 && coop < 0.6, "{coop}");
}

#[test]
fn shares_sum_to_one_and_neutral_text_is_neutral() {
    let s = scorer()
        .score("The minister met the delegation on Tuesday.")
        .scores;
    assert_eq!(s.sentiment, 0.0);
    assert_eq!(s.neutral, 1.0);
    let s = scorer()
        .score("The meeting was good but the delay was bad.")
        .scores;
    assert!((s.positive + s.negative + s.neutral - 1.0).abs() < 1e-5);
    assert!(s.positive > 0.0 && s.negative > 0.0 && s.neutral > 0.0);
}

#[test]
fn one_scorer_serves_many_threads() {
    fn shareable<T: Send + Sync>(_: &T) {}
    let scorer = scorer();
    shareable(&scorer);
    let results: Vec<f32> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["good", "bad"]
            .into_iter()
            .map(|text| scope.spawn(|| scorer.score(text).scores.sentiment))
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    assert!(results[0] > 0.0 && results[1] < 0.0);
}

#[test]
fn score_into_reuses_buffers_and_agrees_with_score() {
    let scorer = scorer();
    let mut scratch = ScratchSpace::default();
    let mut scored = Scored::default();
    for text in ["It was not good.", "A great success!", "", "Perhaps."] {
        scorer.score_into(text, &mut scratch, &mut scored);
        assert_eq!(scored, scorer.score(text), "{text}");
    }
}

#[test]
fn explanation_shows_tokens_rules_and_scores() {
    let explanation = scorer().explain("It was not very good, but useful.");
    let not_good = explanation
        .tokens
        .iter()
        .find(|t| t.text == "good")
        .expect("good is a token");
    assert_eq!(not_good.lexicon, 2.0);
    assert!(not_good.contribution < 0.0);
    assert!(not_good.rules.contains(&"negated") && not_good.rules.contains(&"boosted"));
    let shown = explanation.to_string();
    assert!(shown.contains("but:contrast"), "{shown}");
    assert!(shown.contains("sentiment"), "{shown}");
}

#[test]
fn the_embedded_lexicons_score_obvious_cases() {
    let scorer = Scorer::new(Lexicons::embedded().expect("shipped lexicons load"));
    let s = |t: &str| scorer.score(t).scores.sentiment;
    assert!(s("This is a good day.") >= 0.0);
    assert!(s("This is not a good day.") <= s("This is a good day."));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "good",
        "bad",
        "not",
        "very",
        "kind",
        "of",
        "but",
        "although",
        "if",
        "?",
        "!",
        ",",
        ".",
        "GREAT",
        "Hope",
        "\u{201C}",
        "\u{201D}",
        "\"",
        "no",
        "doubt",
        "never",
        "disaster",
        "cooperate",
        "frosty",
        "retaliation",
        "perhaps",
        "clearly",
        "so-called",
        "hardly",
        "the",
        "war",
        "fed",
        "up",
        "low",
        "point",
        "yeah",
        "right",
        "nothing",
        "don't",
        "\n",
        "—",
    ];

    fn in_range(s: &Scores) -> bool {
        let bipolar = |v: f32| (-1.0..=1.0).contains(&v);
        let unit = |v: f32| (0.0..=1.0).contains(&v);
        bipolar(s.sentiment)
            && bipolar(s.cooperation)
            && bipolar(s.warmth)
            && bipolar(s.assertiveness)
            && unit(s.threat)
            && unit(s.irony)
            && unit(s.positive)
            && unit(s.negative)
            && unit(s.neutral)
            && (s.positive + s.negative + s.neutral - 1.0).abs() < 1e-4
    }

    proptest! {
        #[test]
        fn every_score_is_in_range_and_shares_sum_to_one(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..40)
        ) {
            let text = words.join(" ");
            let scored = scorer().score(&text);
            prop_assert!(in_range(&scored.scores), "{text:?}: {:?}", scored.scores);
        }

        #[test]
        fn long_runs_of_modifiers_stay_finite(n in 1usize..400) {
            let text = format!("{}good, clearly {} but good!", "very ".repeat(n), "so ".repeat(n));
            let scored = scorer().score(&text);
            prop_assert!(in_range(&scored.scores), "{:?}", scored.scores);
        }

        #[test]
        fn any_text_scores_without_panicking(text in "\\PC{0,80}") {
            let scored = scorer().score(&text);
            prop_assert!(in_range(&scored.scores), "{text:?}: {:?}", scored.scores);
        }
    }
}

/// Agreement with human ratings on the shared evaluation sets, when they are present (`../shared` from
/// the crate root, or `$TENOR_SHARED`). Run with
/// `cargo test --release --lib scoring::tests::evaluation -- --ignored --nocapture`.
mod evaluation {
    use super::*;
    use std::path::PathBuf;

    fn shared() -> Option<PathBuf> {
        let dir = std::env::var_os("TENOR_SHARED")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
        dir.is_dir().then_some(dir)
    }

    fn pearson(pairs: &[(f64, f64)]) -> f64 {
        let n = pairs.len() as f64;
        let (mx, my) = pairs
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for (x, y) in pairs {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        sxy / (sxx * syy).sqrt()
    }

    fn unescape(text: &str) -> String {
        text.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    #[ignore = "reads the shared evaluation data; prints Pearson r"]
    fn pearson_r_against_human_means() {
        let Some(shared) = shared() else {
            println!("../shared is not present: no evaluation run");
            return;
        };
        let scorer = Scorer::new(Lexicons::embedded().expect("embedded lexicons load"));
        for (name, vader_r) in [
            ("tweets_GroundTruth.txt", 0.872),
            ("movieReviewSnippets_GroundTruth.txt", 0.427),
            ("amazonReviewSnippets_GroundTruth.txt", 0.590),
        ] {
            let path = shared.join("eval/vader").join(name);
            let Ok(data) = std::fs::read_to_string(&path) else {
                println!("{} is not present", path.display());
                continue;
            };
            let pairs: Vec<(f64, f64)> = data
                .lines()
                .filter_map(|line| {
                    let mut fields = line.trim_end_matches('\r').splitn(3, '\t');
                    let _id = fields.next()?;
                    let mean: f64 = fields.next()?.parse().ok()?;
                    let text = unescape(fields.next()?);
                    Some((f64::from(scorer.score(&text).scores.sentiment), mean))
                })
                .collect();
            let r = pearson(&pairs);
            println!("{name}: n={} r={r:.3} (VADER {vader_r})", pairs.len());
            assert!(r > 0.0);
        }
    }

    /// Sentiment toward each person ([`Scorer::score_toward`]), with VADER's ±0.05 thresholds, on the
    /// NewsMTSC training sentences: macro F1 over negative, neutral, positive. With `TENOR_MISSES=FILE`
    /// the wrong predictions are written to FILE for error analysis.
    #[test]
    #[ignore = "reads the shared evaluation data; prints macro F1"]
    fn macro_f1_on_news_sentences() {
        use std::fmt::Write as _;
        let Some(shared) = shared() else {
            println!("../shared is not present: no evaluation run");
            return;
        };
        let path = shared.join("eval/newsmtsc/train.jsonl");
        let Ok(data) = std::fs::read_to_string(&path) else {
            println!("{} is not present", path.display());
            return;
        };
        let scorer = Scorer::new(Lexicons::embedded().expect("embedded lexicons load"));
        let class = |s: f32| {
            if s < -0.05 {
                0
            } else if s > 0.05 {
                2
            } else {
                1
            }
        };
        let byte = |text: &str, chars: u64| {
            text.char_indices()
                .nth(chars as usize)
                .map_or(text.len(), |(b, _)| b)
        };
        // confusion[gold][predicted], classes negative, neutral, positive.
        let mut confusion = [[0u32; 3]; 3];
        let mut misses = String::new();
        for line in data.lines() {
            let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(sentence) = row["sentence_normalized"].as_str() else {
                continue;
            };
            for target in row["targets"].as_array().into_iter().flatten() {
                let gold = match target["polarity"].as_f64() {
                    Some(p) if p < 3.0 => 0,
                    Some(p) if p > 5.0 => 2,
                    Some(_) => 1,
                    None => continue,
                };
                let (Some(from), Some(to)) = (target["from"].as_u64(), target["to"].as_u64())
                else {
                    continue;
                };
                let span =
                    crate::text::Span::new(byte(sentence, from), byte(sentence, to.max(from)));
                let scored = scorer.score_toward(sentence, span);
                let predicted = class(scored.scores.sentiment);
                confusion[gold][predicted] += 1;
                if gold != predicted {
                    let evidence: Vec<String> =
                        scored.evidence.iter().map(|e| e.to_string()).collect();
                    let _ = writeln!(
                        misses,
                        "{gold}\t{predicted}\t{:+.2}\t{}\t{sentence}\t{}",
                        scored.scores.sentiment,
                        &sentence[span.start..span.end],
                        evidence.join(";")
                    );
                }
            }
        }
        if let Some(file) = std::env::var_os("TENOR_MISSES") {
            std::fs::write(file, misses).expect("write the misses");
        }
        let f1 = |c: usize| {
            let tp = f64::from(confusion[c][c]);
            let predicted: f64 = (0..3).map(|g| f64::from(confusion[g][c])).sum();
            let gold: f64 = confusion[c].iter().map(|&n| f64::from(n)).sum();
            if tp == 0.0 {
                0.0
            } else {
                2.0 * tp / (predicted + gold)
            }
        };
        let macro_f1 = (f1(0) + f1(1) + f1(2)) / 3.0;
        println!(
            "newsmtsc: macro F1 {macro_f1:.3} (neg {:.3} neu {:.3} pos {:.3}; VADER about 0.51) {confusion:?}",
            f1(0),
            f1(1),
            f1(2)
        );
        assert!(macro_f1 > 0.0);
    }
}
