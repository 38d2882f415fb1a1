//! Closed-class word lists the rules need: function words, clause-starting subjects, abbreviations and
//! the few grammatical words that trigger a rule. These are grammar, not evaluation, so they live in code
//! rather than in a lexicon file a user might replace; they carry no valence or tone weight.
//!
//! Evaluative words, modifiers and their strengths are left to the lexicon files.

use super::table::Grammar;

/// Words that carry no content of their own: articles, pronouns, prepositions, auxiliaries,
/// conjunctions. They are not counted as neutral content and a booster does not reach past them.
const FUNCTION: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "itself",
    "let's",
    "may",
    "me",
    "might",
    "mine",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "of",
    "off",
    "on",
    "once",
    "one",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "was",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "were",
    "what",
    "what's",
    "when",
    "where",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "would",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "also",
    "just",
    "only",
    "very",
    "s",
    "t",
    "mr",
    "mrs",
    "ms",
    "dr",
];

/// Words that open a new clause after "and": "not happy and the people are angry" ends the negation at
/// "and the".
const SUBJECT: &[&str] = &[
    "i", "we", "you", "he", "she", "they", "it", "there", "this", "that", "these", "those", "the",
    "our", "their", "his", "her", "my", "your", "its", "i'm", "we're", "they're", "it's",
    "there's",
];

/// Auxiliary verbs: after "and" they open a new predicate ("will not spare him and will ..."), which
/// ends a negation.
const AUXILIARY: &[&str] = &[
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "is", "are", "was",
    "were", "has", "have", "had", "do", "does", "did",
];

/// After "not", these make "not only ... but also", which adds rather than negates.
const ADDITIVE: &[&str] = &["only", "just", "merely", "simply", "solely"];

/// After a negator these turn a denial into an understatement: "not necessarily", "not exactly
/// helpful".
const UNDERSTATEMENT: &[&str] = &[
    "necessarily",
    "exactly",
    "entirely",
    "altogether",
    "precisely",
    "particularly",
    "terribly",
    "overly",
    "remotely",
    "wholly",
    "always",
];

/// Markers that put the words after them in scare quotes.
const SCARE: &[&str] = &[
    "so-called",
    "self-styled",
    "self-proclaimed",
    "supposed",
    "would-be",
];

/// Contrastive connectives that count only at the start of a clause: "still" is "even so" there and an
/// adverb of time elsewhere.
const CLAUSE_INITIAL: &[&str] = &["still"];

/// A full stop after these does not end a sentence.
const ABBREVIATION: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "prof", "gen", "sen", "rep", "gov", "jr", "sr", "inc", "ltd",
    "co", "corp", "vs", "u.s", "u.k", "e.g", "i.e", "etc", "col", "lt", "sgt", "capt", "rev",
    "hon",
];

/// Words that end a negation scope as a comma would: a new clause with its own subject or reason, or an
/// embedded question ("I don't know how I got so lucky" does not deny the luck).
const SCOPE_END: &[&str] = &[
    "because", "which", "whereas", "while", "since", "how", "what", "why", "where", "when",
    "whether", "if",
];

/// Linking verbs (and their negated forms): an evaluative word after one is a predicate, which negation
/// reverses ("is not bad"), unlike the object of an ordinary verb ("did not solve the problem").
const COPULA: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "seem", "seems", "seemed", "become",
    "becomes", "became", "look", "looks", "looked", "feel", "feels", "felt", "it's", "that's",
    "he's", "she's", "there's", "i'm", "we're", "you're", "they're", "isn't", "aren't", "wasn't",
    "weren't", "ain't", "isnt", "arent", "wasnt", "werent",
];

/// Comparatives that, after "can't" or "any", make a negation a superlative: "couldn't be happier",
/// "can't recommend it enough", "doesn't get any better".
const COMPARATIVE: &[&str] = &[
    "more", "enough", "better", "worse", "happier", "less", "greater", "prouder", "sadder",
];

/// Negators that deny a noun phrase rather than a clause: "no secret that ...", "without serious
/// problems". Their scope is the phrase that follows them.
const PHRASE_NEGATOR: &[&str] = &[
    "no",
    "without",
    "few",
    "lack",
    "lacks",
    "lacked",
    "lacking",
    "lack of",
    "absence of",
    "free of",
];

/// "can" and its negations: with a comparative they make the superlative above.
const CAN: &[&str] = &[
    "can", "could", "can't", "cannot", "couldn't", "cant", "couldnt",
];

/// Verbs of belief that make a parenthetical aside a hedge: "not, I believe, necessarily".
const BELIEF: &[&str] = &[
    "believe", "think", "suppose", "suspect", "imagine", "guess", "fear", "feel", "reckon", "say",
];

/// Adjectives of size or degree: "great concern" measures the concern, "wonderful concern" mocks it.
const DEGREE: &[&str] = &[
    "great",
    "greater",
    "greatest",
    "tremendous",
    "enormous",
    "immense",
    "huge",
    "big",
    "deep",
    "deepest",
    "grave",
    "serious",
    "real",
    "utmost",
    "profound",
    "considerable",
    "strong",
    "particular",
    "special",
    "sincere",
    "genuine",
    "high",
    "highest",
];

/// Verbs of saying and believing, in the forms that follow their subject: "Smith said the plan is bad"
/// gives Smith's view of the plan, not an evaluation of Smith. Verbs that evaluate as they report
/// ("attacked", "praised", "blamed") are not here: they say something about their subject too.
const SPEECH: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "tell",
    "telling",
    "added",
    "adds",
    "adding",
    "stated",
    "states",
    "wrote",
    "writes",
    "tweeted",
    "tweets",
    "posted",
    "noted",
    "notes",
    "explained",
    "explains",
    "announced",
    "announces",
    "asked",
    "asks",
    "argued",
    "argues",
    "arguing",
    "claimed",
    "claims",
    "claiming",
    "insisted",
    "insists",
    "insisting",
    "suggested",
    "suggests",
    "declared",
    "declares",
    "replied",
    "replies",
    "responded",
    "responds",
    "remarked",
    "recalled",
    "recalls",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "conceded",
    "maintained",
    "maintains",
    "contended",
    "contends",
    "testified",
    "believes",
    "believed",
    "believe",
    "thinks",
    "thought",
    "think",
    "according",
];

/// Nouns of regret that turn praise into a sting: "It is a pity it does not extend to ...".
const REGRET: &[&str] = &["pity", "shame"];

/// Words of size that, before a trifle, are hyperbole: "a whopping 1%", "a generous two pence".
const SIZE: &[&str] = &[
    "whopping",
    "staggering",
    "princely",
    "massive",
    "huge",
    "generous",
    "enormous",
    "mighty",
];

/// Every built-in word with its grammatical roles.
pub(crate) fn grammar_words() -> impl Iterator<Item = (&'static str, Grammar)> {
    let lists: [(&'static [&'static str], Grammar); 18] = [
        (FUNCTION, Grammar::FUNCTION),
        (SUBJECT, Grammar::SUBJECT),
        (ADDITIVE, Grammar::ADDITIVE),
        (UNDERSTATEMENT, Grammar::UNDERSTATEMENT),
        (SCARE, Grammar::SCARE),
        (CLAUSE_INITIAL, Grammar::CLAUSE_INITIAL),
        (ABBREVIATION, Grammar::ABBREVIATION),
        (SCOPE_END, Grammar::SCOPE_END),
        (BELIEF, Grammar::BELIEF),
        (COPULA, Grammar::COPULA),
        (COMPARATIVE, Grammar::COMPARATIVE),
        (CAN, Grammar::CAN),
        (PHRASE_NEGATOR, Grammar::PHRASE_NEGATOR),
        (AUXILIARY, Grammar::AUXILIARY),
        (DEGREE, Grammar::DEGREE),
        (SPEECH, Grammar::SPEECH),
        (REGRET, Grammar::REGRET),
        (SIZE, Grammar::SIZE),
    ];
    lists
        .into_iter()
        .flat_map(|(words, role)| words.iter().map(move |&w| (w, role)))
}
