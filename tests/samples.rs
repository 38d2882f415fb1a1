//! End to end through the `tenor` binary: `tenor score data --out DIR` over the team's sample articles
//! (data/, described in data/README.md), then the output tables read back with the csv crate.
//!
//! Each test names the sample file and the reporting convention it pins. Quotes are found by a
//! distinctive piece of their text, never by position, so that adding a quote elsewhere in a sample does
//! not break unrelated tests. Scores are checked for direction only; their size is the scoring tests' job.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `.txt` samples, by article id (the file name without extension).
const TEXT_ARTICLES: [&str; 10] = [
    "border_centre",
    "climate_accord",
    "cyber_election",
    "dravensk_talks",
    "election_debate",
    "hospital_strike",
    "iran_talks",
    "lysenia_front",
    "north_korea_launch",
    "trade_no_deal",
];
/// Ids from the `id` field of data/wire.jsonl and the `id` column of data/briefs.csv.
const RECORD_ARTICLES: [&str; 5] = ["wire_001", "wire_002", "wire_003", "brief_001", "brief_002"];

/// One row of quotes.csv.
#[derive(Debug)]
struct QuoteRow {
    article_id: String,
    kind: String,
    start: usize,
    end: usize,
    speaker: String,
    speaker_mention: String,
    topics: Vec<String>,
    topic_source: String,
    text: String,
    sentiment: f64,
    warmth: f64,
    threat: f64,
    irony: f64,
}

/// The tables of one run, keyed by column name where a test needs more than quotes.
struct Run {
    quotes: Vec<QuoteRow>,
    articles: Vec<HashMap<String, String>>,
    speakers: Vec<HashMap<String, String>>,
}

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Runs the binary once for the whole test process; every test reads the same tables.
fn run() -> &'static Run {
    static RUN: OnceLock<Result<Run, String>> = OnceLock::new();
    match RUN.get_or_init(score_samples) {
        Ok(run) => run,
        Err(why) => panic!("{why}"),
    }
}

fn score_samples() -> Result<Run, String> {
    let out = tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let status = Command::new(env!("CARGO_BIN_EXE_tenor"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["score", "data", "--out"])
        .arg(out.path())
        .output()
        .map_err(|e| format!("cannot run tenor: {e}"))?;
    if !status.status.success() {
        return Err(format!(
            "tenor score data failed ({}):\n{}",
            status.status,
            String::from_utf8_lossy(&status.stderr)
        ));
    }
    let quotes = read_table(&out.path().join("quotes.csv"))?
        .into_iter()
        .map(|row| quote_row(&row))
        .collect::<Result<_, _>>()?;
    Ok(Run {
        quotes,
        articles: read_table(&out.path().join("articles.csv"))?,
        speakers: read_table(&out.path().join("speakers.csv"))?,
    })
}

fn read_table(path: &Path) -> Result<Vec<HashMap<String, String>>, String> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .clone();
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect())
        })
        .collect()
}

fn quote_row(row: &HashMap<String, String>) -> Result<QuoteRow, String> {
    let text = |name: &str| {
        row.get(name)
            .cloned()
            .ok_or_else(|| format!("quotes.csv has no column {name:?}"))
    };
    let number = |name: &str| -> Result<f64, String> {
        let cell = text(name)?;
        cell.parse()
            .map_err(|e| format!("quotes.csv {name} = {cell:?}: {e}"))
    };
    let offset = |name: &str| -> Result<usize, String> {
        let cell = text(name)?;
        cell.parse()
            .map_err(|e| format!("quotes.csv {name} = {cell:?}: {e}"))
    };
    Ok(QuoteRow {
        article_id: text("article_id")?,
        kind: text("kind")?,
        start: offset("start")?,
        end: offset("end")?,
        speaker: text("speaker")?,
        speaker_mention: text("speaker_mention")?,
        topics: text("topics")?
            .split(';')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        topic_source: text("topic_source")?,
        text: text("text")?,
        sentiment: number("sentiment")?,
        warmth: number("warmth")?,
        threat: number("threat")?,
        irony: number("irony")?,
    })
}

fn quotes_of(article: &str) -> Vec<&'static QuoteRow> {
    run()
        .quotes
        .iter()
        .filter(|q| q.article_id == article)
        .collect()
}

fn listing(rows: &[&QuoteRow]) -> String {
    rows.iter()
        .map(|q| format!("  {} [{}] {:?}", q.kind, q.speaker, q.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one quote of `article` whose text contains `needle` (and is of `kind`, when given: a partial quote
/// inside reported speech may share its words with an indirect row).
fn find_quote(
    article: &str,
    needle: &str,
    kind: Option<&str>,
) -> Result<&'static QuoteRow, String> {
    let rows = quotes_of(article);
    let found: Vec<_> = rows
        .iter()
        .copied()
        .filter(|q| kind.is_none_or(|k| q.kind == k) && q.text.contains(needle))
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        _ => Err(format!(
            "{article}: expected one {}quote containing {needle:?}, found {}; the article's quotes:\n{}",
            kind.map(|k| format!("{k} ")).unwrap_or_default(),
            found.len(),
            listing(&rows)
        )),
    }
}

fn the_quote(article: &str, needle: &str) -> &'static QuoteRow {
    find_quote(article, needle, None).unwrap_or_else(|why| panic!("{why}"))
}

fn the_quote_of_kind(article: &str, needle: &str, kind: &str) -> &'static QuoteRow {
    find_quote(article, needle, Some(kind)).unwrap_or_else(|why| panic!("{why}"))
}

/// Who a test expects to have said a quote.
enum Said<'a> {
    /// A person, by canonical name: exactly this.
    By(&'a str),
    /// An organisation, whose canonical name may keep a leading article or a possessive country ("the
    /// Interior Ministry", "Valdoria’s Interior Ministry"): the name contains this.
    ByOrganisation(&'a str),
}

/// Collects every wrong quote of a test before failing, so that one run shows all that a convention
/// still gets wrong rather than only the first.
#[derive(Default)]
struct Expectations {
    wrong: Vec<String>,
}

impl Expectations {
    /// The quote of `article` containing `needle` is of `kind` and said by the person named `speaker`.
    fn quote(&mut self, article: &str, needle: &str, kind: &str, speaker: &str) {
        self.check(article, needle, kind, Said::By(speaker));
    }

    /// Like [`Expectations::quote`] for an organisation's quote.
    fn organisation_quote(&mut self, article: &str, needle: &str, kind: &str, organisation: &str) {
        self.check(article, needle, kind, Said::ByOrganisation(organisation));
    }

    /// The partial quote of exactly `words` in `article` is said by `speaker`.
    fn partial(&mut self, article: &str, words: &str, speaker: &str) {
        let expected = Said::By(speaker);
        match find_quote(article, words, Some("partial")) {
            Err(why) => self.wrong.push(why),
            Ok(q) => {
                if q.text != words {
                    self.wrong.push(format!(
                        "{article}: the partial quote is {:?}, expected only the words in the marks {words:?}",
                        q.text
                    ));
                }
                self.check_speaker(article, q, &expected);
            }
        }
    }

    fn check(&mut self, article: &str, needle: &str, kind: &str, said: Said) {
        match find_quote(article, needle, None) {
            Err(why) => self.wrong.push(why),
            Ok(q) => {
                if q.kind != kind {
                    self.wrong.push(format!(
                        "{article}: {:?} is {}, expected {kind}",
                        q.text, q.kind
                    ));
                }
                self.check_speaker(article, q, &said);
            }
        }
    }

    fn check_speaker(&mut self, article: &str, q: &QuoteRow, said: &Said) {
        let (right, expected) = match *said {
            Said::By(name) => (q.speaker == name, name),
            Said::ByOrganisation(name) => (
                q.speaker.to_lowercase().contains(&name.to_lowercase()),
                name,
            ),
        };
        if !right {
            self.wrong.push(format!(
                "{article}: {:?} is attributed to {:?} (mention {:?}), expected {expected:?}",
                q.text, q.speaker, q.speaker_mention
            ));
        }
    }

    fn verify(self) {
        assert!(
            self.wrong.is_empty(),
            "{} wrong:\n{}",
            self.wrong.len(),
            self.wrong.join("\n")
        );
    }
}

fn article_text(id: &str) -> String {
    let path = samples_dir().join(format!("{id}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The texts of data/briefs.csv by id: the one record source that std and csv can read back.
fn brief_texts() -> HashMap<String, String> {
    let path = samples_dir().join("briefs.csv");
    read_table(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|row| (row["id"].clone(), row["text"].clone()))
        .collect()
}

// dravensk_talks (He told reporters:), border_centre (Ms Lupan said:), election_debate (He said:): a quote
// whose paragraphs each open with a mark and only the last closes is one quote, from the first paragraph's
// words to the last's.
#[test]
fn a_quote_continued_over_paragraphs_is_one_row() {
    let continued = [
        (
            "dravensk_talks",
            "listened to many lectures",
            "They talk about rules",
            "in our own capital",
            "Dmitry Volkonov",
        ),
        (
            "border_centre",
            "why people here are worried",
            "people sleeping in parks",
            "allows people to go home",
            "Daria Lupan",
        ),
        (
            "election_debate",
            "one young person in four",
            "we built roads",
            "let us finish the job",
            "Andrei Cozma",
        ),
    ];
    for (article, first, middle, last, speaker) in continued {
        let q = the_quote(article, first);
        assert_eq!(q.kind, "direct", "{article}: {:?}", q.text);
        assert_eq!(q.speaker, speaker, "{article}: {:?}", q.text);
        assert!(
            q.text.contains(last),
            "{article}: {:?} lacks {last:?}",
            q.text
        );
        // The middle paragraph belongs to the same row and to no other.
        assert!(std::ptr::eq(q, the_quote(article, middle)));
        assert!(std::ptr::eq(q, the_quote(article, last)));
    }
}

// trade_no_deal, climate_accord, wire_002: `X said: “…”`.
#[test]
fn said_colon_attributes_the_quote_that_follows() {
    let mut expect = Expectations::default();
    expect.quote(
        "trade_no_deal",
        "Let me be completely clear",
        "direct",
        "Priya Castell",
    );
    expect.quote(
        "climate_accord",
        "We came here to listen",
        "direct",
        "Katrin Vogt",
    );
    expect.quote(
        "wire_002",
        "biggest increase in a generation",
        "direct",
        "Lars Eklund",
    );
    expect.verify();
}

// dravensk_talks, cyber_election, election_debate, wire_003: `X told Y: “…”` is said by X; Y is the
// person spoken to.
#[test]
fn the_person_told_is_never_the_speaker() {
    let told = [
        (
            "dravensk_talks",
            "We will not look away",
            "Helen Ashcombe",
            "Volkonov",
        ),
        (
            "cyber_election",
            "You had six weeks",
            "Stefan Marin",
            "Lupan",
        ),
        (
            "election_debate",
            "Your ministers knew about the hacking",
            "Stefan Marin",
            "Cozma",
        ),
        (
            "wire_003",
            "Every launch that goes unanswered",
            "Michael Harlan",
            "council",
        ),
    ];
    let mut expect = Expectations::default();
    for (article, needle, speaker, addressee) in told {
        expect.quote(article, needle, "direct", speaker);
        let Ok(q) = find_quote(article, needle, None) else {
            continue;
        };
        if q.speaker.contains(addressee) || q.speaker_mention.contains(addressee) {
            expect.wrong.push(format!(
                "{article}: the addressee {addressee:?} was taken as the speaker ({:?}, mention {:?})",
                q.speaker, q.speaker_mention
            ));
        }
    }
    expect.verify();
}

// lysenia_front, dravensk_talks, iran_talks, trade_no_deal: `“…,” X said` (and `X told Y`).
#[test]
fn quote_then_name_and_verb() {
    let mut expect = Expectations::default();
    expect.quote(
        "lysenia_front",
        "buried a child in Zoryansk",
        "direct",
        "Taras Melnychuk",
    );
    expect.quote(
        "dravensk_talks",
        "Sanctions have not changed our policy",
        "direct",
        "Dmitry Volkonov",
    );
    expect.quote(
        "iran_talks",
        "We are not saying that Iran is building a weapon",
        "direct",
        "Lucia Ferrante",
    );
    expect.quote(
        "trade_no_deal",
        "no question of reopening the fisheries chapter",
        "direct",
        "Joris Vandeputte",
    );
    expect.verify();
}

// dravensk_talks, trade_no_deal, climate_accord, north_korea_launch, hospital_strike, wire_002,
// brief_001: `“…,” said X`.
#[test]
fn quote_then_verb_and_name() {
    let mut expect = Expectations::default();
    let cases = [
        (
            "dravensk_talks",
            "no moral standing to lecture anyone",
            "Dmitry Volkonov",
        ),
        (
            "trade_no_deal",
            "pretend that every problem has been solved",
            "Priya Castell",
        ),
        (
            "trade_no_deal",
            "keep filling in the forms",
            "Tom Hargreaves",
        ),
        (
            "climate_accord",
            "first time the big emitters",
            "Amelia Tuilagi",
        ),
        ("climate_accord", "did not cause this crisis", "Zhao Lin"),
        (
            "north_korea_launch",
            "shoulder to shoulder with Tokyo",
            "Rachel Boyd",
        ),
        (
            "hospital_strike",
            "never seen morale this low",
            "Grace Adeyemi",
        ),
        ("wire_002", "luxury of waiting", "Marta Zielinska"),
        ("wire_003", "Pressure alone has never worked", "Fang Jie"),
        ("brief_001", "within the margin of error", "Sofia Radu"),
    ];
    for (article, needle, speaker) in cases {
        expect.quote(article, needle, "direct", speaker);
    }
    expect.verify();
}

// lysenia_front, iran_talks, north_korea_launch, wire_001: `“…,” X, the foreign minister, said`.
#[test]
fn quote_then_name_with_apposition_and_verb() {
    let mut expect = Expectations::default();
    expect.quote(
        "lysenia_front",
        "We have seen this trick before",
        "direct",
        "Oksana Bilyk",
    );
    expect.quote(
        "iran_talks",
        "Diplomacy is not dead",
        "direct",
        "Claire Martel",
    );
    expect.quote(
        "north_korea_launch",
        "clear violation of United Nations Security Council resolutions",
        "direct",
        "Kenji Morita",
    );
    expect.quote(
        "wire_001",
        "gratitude does not stop missiles",
        "direct",
        "Oksana Bilyk",
    );
    expect.verify();
}

// dravensk_talks (Simon Tennant), trade_no_deal (Mark Denby): `“…” he added` after a sentence that names
// another man continues the previous speaker.
#[test]
fn he_added_continues_the_previous_speaker() {
    let mut expect = Expectations::default();
    expect.quote(
        "dravensk_talks",
        "We can wait longer than you can",
        "direct",
        "Dmitry Volkonov",
    );
    expect.quote(
        "trade_no_deal",
        "has not moved an inch",
        "direct",
        "Joris Vandeputte",
    );
    expect.verify();
}

// dravensk_talks, north_korea_launch, iran_talks: `He told reporters: “…”` (and She).
#[test]
fn told_reporters_colon_attributes_to_the_pronoun_s_person() {
    let mut expect = Expectations::default();
    expect.quote(
        "dravensk_talks",
        "arrive with the same script",
        "direct",
        "Dmitry Volkonov",
    );
    expect.quote(
        "north_korea_launch",
        "mistake our restraint for weakness",
        "direct",
        "Kenji Morita",
    );
    expect.quote(
        "iran_talks",
        "I am ready to go tomorrow",
        "direct",
        "Lucia Ferrante",
    );
    expect.verify();
}

// dravensk_talks, climate_accord, iran_talks, hospital_strike, wire_001, brief_002 (he, she), climate_accord
// and border_centre (they for an organisation): pronouns resolve to the nearest speaker they fit.
#[test]
fn pronouns_resolve_to_the_nearest_fitting_speaker() {
    let mut expect = Expectations::default();
    expect.quote(
        "dravensk_talks",
        "the same speech, with the same omissions",
        "direct",
        "Helen Ashcombe",
    );
    expect.quote(
        "climate_accord",
        "Perhaps it will not be enough",
        "direct",
        "Amelia Tuilagi",
    );
    // Two women have spoken; "She" follows the later one.
    expect.quote(
        "iran_talks",
        "would consult Washington",
        "indirect",
        "Claire Martel",
    );
    expect.quote(
        "iran_talks",
        "a tool of a few Western capitals",
        "direct",
        "Hamid Rezaei",
    );
    expect.quote(
        "hospital_strike",
        "pay their rent with applause",
        "direct",
        "Margaret Doyle",
    );
    // "he" after a quote of Mr Melnichuk's, in a paragraph that names Jan Overbeek.
    expect.quote("wire_001", "Lysenia is not alone", "direct", "Jan Overbeek");
    expect.quote(
        "brief_002",
        "wonderful work in difficult conditions",
        "direct",
        "Victor Anghel",
    );
    expect.organisation_quote(
        "climate_accord",
        "A fund without a target",
        "direct",
        "Coral Coalition",
    );
    expect.organisation_quote(
        "border_centre",
        "better than nothing is a low bar",
        "direct",
        "Aid Without Borders",
    );
    expect.verify();
}

// cyber_election (the spokeswoman, the ministry), iran_talks (the spokesman), lysenia_front (the Citadel):
// a role noun stands for the speaker named earlier in that role.
#[test]
fn role_nouns_stand_for_the_named_speaker() {
    let mut expect = Expectations::default();
    // Two other women speak between the spokeswoman's naming and this quote.
    expect.quote(
        "cyber_election",
        "Nobody should panic",
        "direct",
        "Irena Dascalu",
    );
    expect.quote(
        "iran_talks",
        "Nobody should doubt our determination",
        "direct",
        "Hamid Rezaei",
    );
    expect.organisation_quote(
        "cyber_election",
        "no evidence that any votes or results could be altered",
        "direct",
        "Interior Ministry",
    );
    expect.organisation_quote(
        "lysenia_front",
        "Any delivery of long-range missiles",
        "direct",
        "Citadel",
    );
    expect.verify();
}

// trade_no_deal, hospital_strike, border_centre, cyber_election: `According to X, ...`.
#[test]
fn according_to_attributes_the_clause_that_follows() {
    let mut expect = Expectations::default();
    expect.organisation_quote(
        "trade_no_deal",
        "almost a third of its members",
        "indirect",
        "Federation of Small Exporters",
    );
    expect.organisation_quote(
        "hospital_strike",
        "placements have been cancelled",
        "indirect",
        "Council of Nursing Schools",
    );
    expect.organisation_quote(
        "border_centre",
        "have crossed into Valdoria",
        "indirect",
        "UN refugee agency",
    );
    expect.quote(
        "cyber_election",
        "eighteen recommendations",
        "indirect",
        "Miriam Osei",
    );
    expect.verify();
}

// trade_no_deal (said that), cyber_election and iran_talks (warned that), climate_accord, border_centre and
// lysenia_front (told Y that), dravensk_talks (said that, under a variant spelling).
#[test]
fn reported_speech_is_an_indirect_quote() {
    let mut expect = Expectations::default();
    let cases = [
        (
            "trade_no_deal",
            "walking away from the current round",
            "Priya Castell",
        ),
        (
            "cyber_election",
            "might still have access to other government networks",
            "Miriam Osei",
        ),
        (
            "iran_talks",
            "could no longer say with confidence",
            "Lucia Ferrante",
        ),
        (
            "climate_accord",
            "would pay its first contribution",
            "Katrin Vogt",
        ),
        ("border_centre", "close within two years", "Daria Lupan"),
        (
            "lysenia_front",
            "prolonging the war by sending weapons",
            "Dmitry Volkonov",
        ),
        (
            "hospital_strike",
            "might have to be postponed",
            "Alan Price",
        ),
        ("hospital_strike", "patience had run out", "Margaret Doyle"),
        ("wire_002", "would probably need more time", "Rui Calado"),
    ];
    for (article, needle, speaker) in cases {
        expect.quote(article, needle, "indirect", speaker);
    }
    expect.verify();
}

// dravensk_talks, lysenia_front, trade_no_deal, hospital_strike, climate_accord, north_korea_launch,
// border_centre: quoted words inside the reporter's own sentence are a partial quote of the speaker, and
// the quote is the words in the marks, not the sentence around them.
#[test]
fn quoted_words_in_a_reporter_sentence_are_a_partial_quote() {
    let cases = [
        (
            "dravensk_talks",
            "at their lowest point in a generation",
            "Helen Ashcombe",
        ),
        (
            "lysenia_front",
            "an ultimatum dressed up as diplomacy",
            "Taras Melnychuk",
        ),
        ("trade_no_deal", "going round in circles", "Priya Castell"),
        ("hospital_strike", "simply unaffordable", "Graham Fenwick"),
        ("climate_accord", "a beginning, not an end", "Katrin Vogt"),
        (
            "north_korea_launch",
            "anywhere, at any time, without preconditions",
            "Rachel Boyd",
        ),
        ("border_centre", "like a car park", "Petru Ionescu"),
    ];
    let mut expect = Expectations::default();
    for (article, words, speaker) in cases {
        expect.partial(article, words, speaker);
    }
    expect.verify();
}

// trade_no_deal: a British headline, Trade minister says ‘no deal’ is off the table.
#[test]
fn single_quoted_speech_in_a_headline_is_the_minister_s() {
    let mut expect = Expectations::default();
    expect.partial("trade_no_deal", "no deal", "Priya Castell");
    expect.verify();
}

// lysenia_front («…», a translated statement) and climate_accord („…“ throughout).
#[test]
fn guillemets_and_low_high_marks_delimit_direct_quotes() {
    let mut expect = Expectations::default();
    expect.organisation_quote(
        "lysenia_front",
        "The Lysenian leadership has chosen war",
        "direct",
        "Citadel",
    );
    let statement = the_quote("lysenia_front", "The Lysenian leadership has chosen war");
    assert!(statement.text.contains("all the means at its disposal"));
    expect.quote(
        "climate_accord",
        "nineteen years",
        "direct",
        "Amelia Tuilagi",
    );
    for article in ["lysenia_front", "climate_accord"] {
        // Reported speech may run through a partial quote and keep its marks; a quote delimited
        // by marks never includes them.
        for q in quotes_of(article).iter().filter(|q| q.kind != "indirect") {
            assert!(
                !q.text.contains(['«', '»', '„', '“', '”']),
                "{article}: quote marks kept in {:?}",
                q.text
            );
        }
    }
    // „…“ closes with the mark English opens with: the quote after it must still start in the right place.
    let hug = the_quote("climate_accord", "nineteen years");
    assert!(hug.text.starts_with("I have been coming"), "{:?}", hug.text);
    expect.verify();
}

// dravensk_talks (Dmitry, then Dmitri Volkonov), lysenia_front (both, and Melnychuk then Mr Melnichuk),
// wire_001 (Melnychuk, Mr Melnichuk): one person, named by the first full form seen.
#[test]
fn transliteration_variants_are_one_person() {
    let mut expect = Expectations::default();
    expect.quote(
        "dravensk_talks",
        "the two ministers had agreed",
        "indirect",
        "Dmitry Volkonov",
    );
    expect.quote(
        "lysenia_front",
        "remember this week with regret",
        "direct",
        "Dmitry Volkonov",
    );
    expect.quote(
        "wire_001",
        "homework by candlelight",
        "direct",
        "Taras Melnychuk",
    );
    for q in &run().quotes {
        assert!(
            q.speaker != "Dmitri Volkonov" && q.speaker != "Taras Melnichuk",
            "{}: a variant spelling became a second speaker: {:?}",
            q.article_id,
            q.text
        );
    }
    expect.verify();
}

// dravensk_talks, lysenia_front, wire_001: speakers.csv has one row per transliterated person, across
// articles.
#[test]
fn speakers_table_has_one_row_per_transliterated_person() {
    let people: [(&[&str], &str); 2] = [
        (&["volkonov"], "Dmitry Volkonov"),
        (&["melnychuk", "melnichuk"], "Taras Melnychuk"),
    ];
    for (surnames, name) in people {
        let rows: Vec<_> = run()
            .speakers
            .iter()
            .filter(|row| {
                let speaker = row["speaker"].to_lowercase();
                surnames.iter().any(|s| speaker.contains(s))
            })
            .collect();
        assert_eq!(rows.len(), 1, "{name}: {rows:?}");
        assert_eq!(rows[0]["speaker"], name);
        assert_eq!(rows[0]["articles"], "2", "{name} speaks in two articles");
    }
}

// cyber_election (Dr Miriam Osei), election_debate (President Elena Varga, Mr Marin), and every sample:
// Mr, Ms, Dr, President and Foreign Secretary are not part of the canonical name. (Foreign Secretary Helen
// Ashcombe, Dr Lucia Ferrante, Dr Alan Price and Dr Victor Anghel are checked in the tests above.)
#[test]
fn honorifics_and_titles_are_not_part_of_the_name() {
    let mut expect = Expectations::default();
    expect.quote(
        "cyber_election",
        "careful, patient work",
        "direct",
        "Miriam Osei",
    );
    expect.quote("election_debate", "Whoever wins", "direct", "Elena Varga");
    expect.quote(
        "election_debate",
        "excellent memory",
        "direct",
        "Stefan Marin",
    );
    for q in &run().quotes {
        for title in ["Mr ", "Ms ", "Dr ", "President ", "Foreign Secretary "] {
            assert!(
                !q.speaker.starts_with(title),
                "{}: speaker {:?} keeps a title",
                q.article_id,
                q.speaker
            );
        }
    }
    expect.verify();
}

// lysenia_front (so-called “peace plan”), trade_no_deal and iran_talks (report titles), cyber_election
// (report title, group nickname), north_korea_launch (scare-quoted “satellite”, rocket nickname),
// hospital_strike and election_debate (nicknames): words in marks with no one saying them.
#[test]
fn scare_quotes_titles_and_nicknames_are_not_quotes() {
    let unattributed = [
        ("lysenia_front", "peace plan"),
        ("trade_no_deal", "Friction Costs"),
        ("iran_talks", "Breakout Time"),
        ("cyber_election", "Open Doors"),
        ("cyber_election", "Grey Heron"),
        ("north_korea_launch", "Longbow"),
        ("hospital_strike", "Accountant"),
        ("election_debate", "Engineer"),
    ];
    for (article, words) in unattributed {
        let rows = quotes_of(article);
        let found: Vec<_> = rows
            .iter()
            .copied()
            .filter(|q| q.text.contains(words))
            .collect();
        assert!(
            found.is_empty(),
            "{article}: {words:?} became a quote:\n{}",
            listing(&found)
        );
    }
    assert!(
        quotes_of("north_korea_launch")
            .iter()
            .all(|q| q.text != "satellite"),
        "north_korea_launch: the scare-quoted word became a quote"
    );
}

// hospital_strike: nurses’, don’t, can’t, the ’90s, students’, patients’ side. Every quote of the article is
// one the article really has, and apostrophes inside quotes do not cut them short.
#[test]
fn apostrophes_are_not_quote_marks() {
    let real = [
        ("want to be on a picket line", "direct"),
        ("afford a whole sandwich", "direct"),
        ("enormous respect for nurses", "direct"),
        ("simply unaffordable", "partial"),
        ("never seen morale this low", "direct"),
        ("stopped caring", "direct"),
        ("Everyone says they", "direct"),
        ("any day, any hour", "partial"),
    ];
    let rows = quotes_of("hospital_strike");
    for q in rows.iter().filter(|q| q.kind != "indirect") {
        assert!(
            real.iter().any(|(words, _)| q.text.contains(words)),
            "hospital_strike: {:?} is not a quote of the article",
            q.text
        );
    }
    for (words, kind) in real {
        the_quote_of_kind("hospital_strike", words, kind);
    }
    assert!(
        the_quote("hospital_strike", "never seen morale this low")
            .text
            .contains("90s")
    );
    assert!(
        the_quote("hospital_strike", "Everyone says they")
            .text
            .contains("anyone is")
    );
    // Nowhere does the text after an apostrophe open a quote.
    for q in &run().quotes {
        for fragment in ["s ", "t ", "re ", "ve ", "ll ", "90s", "80s"] {
            assert!(
                !q.text.starts_with(fragment),
                "{}: a quote opens at an apostrophe: {:?}",
                q.article_id,
                q.text
            );
        }
    }
}

// Every .txt sample and data/briefs.csv: start..end, in code points, slices the article text to the
// quote's first words.
#[test]
fn offsets_slice_the_article_text_to_the_quote() {
    let briefs = brief_texts();
    let texts = TEXT_ARTICLES
        .iter()
        .map(|id| (id.to_string(), article_text(id)))
        .chain(briefs);
    let mut checked = 0;
    for (id, text) in texts {
        let chars: Vec<char> = text.chars().collect();
        for q in quotes_of(&id) {
            assert!(
                q.start < q.end && q.end <= chars.len(),
                "{id}: offsets {}..{} outside the text ({} chars) for {:?}",
                q.start,
                q.end,
                chars.len(),
                q.text
            );
            let slice: String = chars[q.start..q.end].iter().collect();
            let first_words = q
                .text
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                slice.contains(&first_words),
                "{id}: {}..{} is {slice:?}, which lacks the quote's first words {first_words:?}",
                q.start,
                q.end
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} quotes checked");
}

// Every sample: one row in articles.csv, status ok, its quote count matching quotes.csv.
#[test]
fn every_article_has_one_ok_row() {
    let articles = &run().articles;
    for id in TEXT_ARTICLES.iter().chain(RECORD_ARTICLES.iter()) {
        let rows: Vec<_> = articles.iter().filter(|a| a["article_id"] == *id).collect();
        assert_eq!(rows.len(), 1, "{id}: {rows:?}");
        let row = rows[0];
        assert_eq!(row["status"], "ok", "{id}: {row:?}");
        assert_eq!(row["reason"], "", "{id}");
        assert_eq!(
            row["quotes"],
            quotes_of(id).len().to_string(),
            "{id}: quotes column"
        );
    }
    let wire = articles
        .iter()
        .find(|a| a["article_id"] == "wire_002")
        .expect("checked above");
    assert_eq!(wire["source"], "Continental Wire");
    assert_eq!(wire["date"], "2025-11-06");
    let trade = articles
        .iter()
        .find(|a| a["article_id"] == "trade_no_deal")
        .expect("checked above");
    assert_eq!(
        trade["title"],
        "Trade minister says ‘no deal’ is off the table"
    );
    // data/README.md is read as an article too (a .md file); it is written to hold no quotes.
    for row in articles {
        let id = row["article_id"].as_str();
        let known = TEXT_ARTICLES.contains(&id) || RECORD_ARTICLES.contains(&id);
        assert!(known || id == "README", "unexpected article {id:?}");
        if id == "README" {
            assert_eq!(row["quotes"], "0", "data/README.md yields quotes");
        }
    }
}

// iran_talks, north_korea_launch, hospital_strike, trade_no_deal, cyber_election: topics named in the
// quote; dravensk_talks: a quote that names none takes its context's.
#[test]
fn quotes_carry_their_topics() {
    let named = [
        ("iran_talks", "We are not saying that Iran", "iran"),
        (
            "north_korea_launch",
            "clear violation of United Nations",
            "un",
        ),
        ("hospital_strike", "enormous respect for nurses", "health"),
        ("trade_no_deal", "good deal for exporters", "trade"),
        ("cyber_election", "Nobody should panic", "elections"),
    ];
    for (article, needle, topic) in named {
        let q = the_quote(article, needle);
        assert!(
            q.topics.iter().any(|t| t == topic),
            "{article}: {:?} has topics {:?}, expected {topic}",
            q.text,
            q.topics
        );
        assert_eq!(q.topic_source, "quote", "{article}: {:?}", q.text);
    }
    let farmers = the_quote("dravensk_talks", "Our farmers have never been happier");
    assert_eq!(farmers.topic_source, "context");
    assert!(
        farmers.topics.iter().any(|t| t == "sanctions"),
        "{:?}",
        farmers.topics
    );
}

// lysenia_front and north_korea_launch (threats: prepared to respond), dravensk_talks, hospital_strike and
// election_debate (ironic asides), dravensk_talks (warm thanks, a frosty rebuke), lysenia_front (grief),
// climate_accord (gratitude): each score points the way a reader would take the quote.
#[test]
fn tone_scores_point_the_way_a_reader_would() {
    enum Sign {
        Positive,
        Negative,
    }
    use Sign::{Negative, Positive};
    let score = |name: &str, q: &QuoteRow| match name {
        "sentiment" => q.sentiment,
        "warmth" => q.warmth,
        "threat" => q.threat,
        "irony" => q.irony,
        _ => unreachable!("no such score in this test: {name}"),
    };
    let cases = [
        (
            "lysenia_front",
            "The Lysenian leadership",
            "threat",
            Positive,
        ),
        (
            "north_korea_launch",
            "mistake our restraint",
            "threat",
            Positive,
        ),
        (
            "dravensk_talks",
            "wonderful concern about our economy",
            "irony",
            Positive,
        ),
        ("hospital_strike", "Truly generous", "irony", Positive),
        ("election_debate", "excellent memory", "irony", Positive),
        (
            "dravensk_talks",
            "grateful to our hosts",
            "warmth",
            Positive,
        ),
        (
            "dravensk_talks",
            "grateful to our hosts",
            "sentiment",
            Positive,
        ),
        (
            "dravensk_talks",
            "no moral standing to lecture",
            "warmth",
            Negative,
        ),
        (
            "lysenia_front",
            "buried a child in Zoryansk",
            "sentiment",
            Negative,
        ),
        (
            "climate_accord",
            "first time the big emitters",
            "sentiment",
            Positive,
        ),
    ];
    let mut wrong = Vec::new();
    for (article, needle, name, sign) in cases {
        let q = the_quote(article, needle);
        let value = score(name, q);
        let right = match sign {
            Positive => value > 0.0,
            Negative => value < 0.0,
        };
        if !right {
            wrong.push(format!("{article}: {name} {value} for {:?}", q.text));
        }
    }
    assert!(
        wrong.is_empty(),
        "scores pointing the wrong way:\n{}",
        wrong.join("\n")
    );
}
