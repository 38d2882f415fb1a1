//! Resuming an interrupted `tenor score` run (`--resume`).
//!
//! A resumable run keeps a journal in its output directory, `.tenor-resume.jsonl`: a first line naming
//! the run (its inputs and every option that changes the output), then one line per input record
//! handed to the output, in order, holding the whole analysed article, scores as the bits of their
//! `f32`s. When the run is stopped (a signal, a crash, a full disk), the journal stays. The next run
//! with `--resume` and the same inputs and options replays the journal through the output and the
//! aggregates exactly as the first run did, skips that many input records, and analyses the rest: the
//! tables come out byte for byte as an uninterrupted run writes them. A journal of another run (other
//! inputs or options) is set aside and the run starts afresh; a torn last line (a crash mid-write) is
//! cut off. The journal is removed once the tables are in place.
//!
//! Reading the inputs, analysing and writing tables are left to the other modules; this one only keeps
//! and reads the journal.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::language::Language;
use crate::pipeline::{AnalysedArticle, ArticleStatus, ScoredQuote, TopicStance};
use crate::quotes::{Framing, QuoteKind, SpeakerType};
use crate::scoring::Scores;
use crate::topics::TopicSource;

/// The journal's file name in the output directory.
pub const JOURNAL: &str = ".tenor-resume.jsonl";

/// The journal format; a journal of another version is not replayed.
const VERSION: u64 = 2;

/// The journal of a resumable run, open for appending.
pub struct Journal {
    path: PathBuf,
    writer: BufWriter<File>,
    line: String,
}

/// What [`Journal::open`] found.
pub struct Opened {
    pub journal: Journal,
    /// Input records already handed to the output by the earlier run, and now replayed.
    pub done: u64,
    /// Why an existing journal was not replayed, for a warning.
    pub set_aside: Option<String>,
}

impl Journal {
    /// Opens the journal in `dir` for a run named by `fingerprint`. The articles of an earlier run with
    /// the same fingerprint are handed to `replay`, in order; any other journal is replaced.
    pub fn open(
        dir: &Path,
        fingerprint: &str,
        mut replay: impl FnMut(AnalysedArticle) -> Result<()>,
    ) -> Result<Opened> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(JOURNAL);
        let mut done = 0;
        let mut kept_bytes = 0u64;
        let mut set_aside = None;
        match File::open(&path) {
            Ok(file) => {
                let mut reader = BufReader::new(file);
                let mut line = String::new();
                let mut header_ok = false;
                let mut number = 0usize;
                loop {
                    line.clear();
                    let read = reader
                        .read_line(&mut line)
                        .map_err(|e| Error::io(&path, e))?;
                    // A line without its newline was being written when the run stopped.
                    if read == 0 || !line.ends_with('\n') {
                        break;
                    }
                    number += 1;
                    if number == 1 {
                        match header_fingerprint(&line) {
                            Some(found) if found == fingerprint => header_ok = true,
                            _ => {
                                set_aside = Some(
                                    "it was made by a run with other inputs or options".to_string(),
                                );
                                break;
                            }
                        }
                    } else {
                        let Some(article) = article_from_line(&line) else {
                            // Only a torn write ends a journal early; anything after it is lost.
                            break;
                        };
                        replay(article)?;
                        done += 1;
                    }
                    kept_bytes += read as u64;
                }
                if !header_ok {
                    kept_bytes = 0;
                    done = 0;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.set_len(kept_bytes).map_err(|e| Error::io(&path, e))?;
        let mut writer = BufWriter::new(file);
        std::io::Seek::seek(&mut writer, std::io::SeekFrom::End(0))
            .map_err(|e| Error::io(&path, e))?;
        if kept_bytes == 0 {
            let header = json!({ "tenor_resume": VERSION, "fingerprint": fingerprint });
            writeln!(writer, "{header}").map_err(|e| Error::io(&path, e))?;
        }
        Ok(Opened {
            journal: Journal {
                path,
                writer,
                line: String::new(),
            },
            done,
            set_aside,
        })
    }

    /// Appends one article, as handed to the output.
    pub fn record(&mut self, article: &AnalysedArticle) -> Result<()> {
        self.line.clear();
        self.line.push_str(&article_to_value(article).to_string());
        self.line.push('\n');
        self.writer
            .write_all(self.line.as_bytes())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Appends one article's line as [`journal_line`] made it, perhaps on another thread.
    pub fn record_line(&mut self, line: &JournalLine) -> Result<()> {
        self.writer
            .write_all(line.0.as_bytes())
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Writes out what is buffered, so that a later run can resume from every article recorded.
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush().map_err(|e| Error::io(&self.path, e))
    }

    /// Removes the journal: the run is complete.
    pub fn finish(self) -> Result<()> {
        drop(self.writer);
        fs::remove_file(&self.path).map_err(|e| Error::io(&self.path, e))
    }
}

/// The journal's line for one article, made where the article is (a worker thread) so that the
/// thread writing the journal only appends it with [`Journal::record_line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalLine(String);

/// The line [`Journal::record`] would append for `article`.
pub fn journal_line(article: &AnalysedArticle) -> JournalLine {
    let mut line = article_to_value(article).to_string();
    line.push('\n');
    JournalLine(line)
}

fn header_fingerprint(line: &str) -> Option<String> {
    let header: Value = serde_json::from_str(line).ok()?;
    (header.get("tenor_resume")?.as_u64()? == VERSION)
        .then(|| header.get("fingerprint")?.as_str().map(str::to_string))
        .flatten()
}

fn article_to_value(article: &AnalysedArticle) -> Value {
    let (status, reason) = match &article.status {
        ArticleStatus::Ok => ("ok", ""),
        ArticleStatus::NotEnglish => ("not_english", ""),
        ArticleStatus::Skipped { reason } => ("skipped", reason.as_str()),
    };
    let quotes: Vec<Value> = article.quotes.iter().map(quote_to_value).collect();
    json!({
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "date": article.date,
        "fields": article.fields,
        "status": status,
        "reason": reason,
        "quotes": quotes,
        "speakers": article.speakers,
        "warnings": article.warnings,
        "language": article.language.map(Language::code),
    })
}

fn quote_to_value(q: &ScoredQuote) -> Value {
    let scores: Vec<u32> = q.scores.values().iter().map(|v| v.to_bits()).collect();
    json!({
        "quote_id": q.quote_id,
        "kind": q.kind.as_str(),
        "start": q.start,
        "end": q.end,
        "speaker": q.speaker,
        "speaker_key": q.speaker_key,
        "speaker_type": q.speaker_type.map(SpeakerType::as_str),
        "speaker_role": q.speaker_role,
        "speaker_mention": q.speaker_mention,
        "cue": q.cue,
        "framing": q.framing.map(Framing::as_str),
        "framing_tone": q.framing_tone.to_bits(),
        "topics": q.topics,
        "topic_source": topic_source_name(q.topic_source),
        "text": q.text,
        "words": q.words,
        "scores": scores,
        "evidence": q.evidence,
        "topic_stances": q.topic_stances.iter().map(|t| json!({
            "topic": t.topic,
            "stance": t.stance.to_bits(),
            "sentiment": t.sentiment.to_bits(),
            "evidence": t.evidence,
        })).collect::<Vec<Value>>(),
    })
}

/// [`TopicSource::as_str`] gives "" for `None`, which reads back ambiguously; the journal names it.
fn topic_source_name(source: TopicSource) -> &'static str {
    match source {
        TopicSource::Quote => "quote",
        TopicSource::Context => "context",
        TopicSource::None => "none",
    }
}

fn article_from_line(line: &str) -> Option<AnalysedArticle> {
    let v: Value = serde_json::from_str(line).ok()?;
    let text = |key: &str| v.get(key)?.as_str().map(str::to_string);
    let status = match v.get("status")?.as_str()? {
        "ok" => ArticleStatus::Ok,
        "not_english" => ArticleStatus::NotEnglish,
        "skipped" => ArticleStatus::Skipped {
            reason: text("reason")?,
        },
        _ => return None,
    };
    let language = match v.get("language")? {
        Value::Null => None,
        code => Some(Language::from_code(code.as_str()?)?),
    };
    let fields = v
        .get("fields")?
        .as_array()?
        .iter()
        .map(|pair| Some((pair.get(0)?.as_str()?.into(), pair.get(1)?.as_str()?.into())))
        .collect::<Option<Vec<(String, String)>>>()?;
    let warnings = v
        .get("warnings")?
        .as_array()?
        .iter()
        .map(|w| w.as_str().map(str::to_string))
        .collect::<Option<Vec<String>>>()?;
    let quotes = v
        .get("quotes")?
        .as_array()?
        .iter()
        .map(quote_from_value)
        .collect::<Option<Vec<ScoredQuote>>>()?;
    Some(AnalysedArticle {
        id: text("id")?,
        title: text("title")?,
        source: text("source")?,
        date: text("date")?,
        fields,
        status,
        quotes,
        speakers: usize::try_from(v.get("speakers")?.as_u64()?).ok()?,
        warnings,
        language,
    })
}

fn quote_from_value(v: &Value) -> Option<ScoredQuote> {
    let text = |key: &str| v.get(key)?.as_str().map(str::to_string);
    let optional_text = |key: &str| match v.get(key)? {
        Value::Null => Some(None),
        other => other.as_str().map(|s| Some(s.to_string())),
    };
    let number = |key: &str| usize::try_from(v.get(key)?.as_u64()?).ok();
    let bits = |value: &Value| Some(f32::from_bits(u32::try_from(value.as_u64()?).ok()?));
    let kind = [QuoteKind::Direct, QuoteKind::Partial, QuoteKind::Indirect]
        .into_iter()
        .find(|k| Some(k.as_str()) == v.get("kind").and_then(Value::as_str))?;
    let speaker_type = match optional_text("speaker_type")? {
        None => None,
        Some(name) => Some(
            [
                SpeakerType::Person,
                SpeakerType::Organisation,
                SpeakerType::Group,
                SpeakerType::Anonymous,
            ]
            .into_iter()
            .find(|t| t.as_str() == name)?,
        ),
    };
    let framing = match optional_text("framing")? {
        None => None,
        Some(name) => Some(Framing::parse(&name)?),
    };
    let topic_source = [TopicSource::Quote, TopicSource::Context, TopicSource::None]
        .into_iter()
        .find(|s| Some(topic_source_name(*s)) == v.get("topic_source").and_then(Value::as_str))?;
    let topics = v
        .get("topics")?
        .as_array()?
        .iter()
        .map(|t| u16::try_from(t.as_u64()?).ok())
        .collect::<Option<Vec<u16>>>()?;
    let values = v
        .get("scores")?
        .as_array()?
        .iter()
        .map(bits)
        .collect::<Option<Vec<f32>>>()?;
    let topic_stances = v
        .get("topic_stances")?
        .as_array()?
        .iter()
        .map(|t| {
            Some(TopicStance {
                topic: u16::try_from(t.get("topic")?.as_u64()?).ok()?,
                stance: bits(t.get("stance")?)?,
                sentiment: bits(t.get("sentiment")?)?,
                evidence: t.get("evidence")?.as_str()?.to_string(),
            })
        })
        .collect::<Option<Vec<TopicStance>>>()?;
    let &[
        sentiment,
        positive,
        negative,
        neutral,
        cooperation,
        warmth,
        threat,
        assertiveness,
        irony,
    ] = values.as_slice()
    else {
        return None;
    };
    Some(ScoredQuote {
        quote_id: text("quote_id")?,
        kind,
        start: number("start")?,
        end: number("end")?,
        speaker: optional_text("speaker")?,
        speaker_key: optional_text("speaker_key")?,
        speaker_type,
        speaker_role: optional_text("speaker_role")?,
        speaker_mention: text("speaker_mention")?,
        cue: text("cue")?,
        framing,
        framing_tone: bits(v.get("framing_tone")?)?,
        topics,
        topic_source,
        text: text("text")?,
        words: number("words")?,
        scores: Scores {
            sentiment,
            positive,
            negative,
            neutral,
            cooperation,
            warmth,
            threat,
            assertiveness,
            irony,
        },
        evidence: text("evidence")?,
        topic_stances,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Engine;

    fn articles() -> Vec<AnalysedArticle> {
        let engine = Engine::with_defaults().unwrap();
        let mut analysed = vec![
            engine.analyse_text(
                "a1",
                "Talks collapsed.\n\n“We are at a dead end,” the minister, Ana Petrova, said. \
                 An official said the plan was “not serious”.",
            ),
            engine.analyse_text(
                "a2",
                "Les négociations ont échoué vendredi et le ministre a dit non.",
            ),
        ];
        analysed[0].fields = vec![("section".into(), "world".into())];
        analysed[0].warnings = vec!["input:1: invalid UTF-8 replaced with U+FFFD".into()];
        let mut skipped = analysed[1].clone();
        skipped.id = "feed.jsonl:3".into();
        skipped.status = ArticleStatus::Skipped {
            reason: "feed.jsonl:3: malformed JSON".into(),
        };
        skipped.language = None;
        analysed.push(skipped);
        analysed
    }

    fn replayed(dir: &Path, fingerprint: &str) -> (Vec<AnalysedArticle>, Opened) {
        let mut seen = Vec::new();
        let opened = Journal::open(dir, fingerprint, |a| {
            seen.push(a);
            Ok(())
        })
        .unwrap();
        (seen, opened)
    }

    #[test]
    fn articles_come_back_exactly_as_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let written = articles();
        assert!(!written[0].quotes.is_empty());
        let (_, mut opened) = replayed(dir.path(), "run 1");
        for article in &written {
            opened.journal.record(article).unwrap();
        }
        opened.journal.flush().unwrap();
        drop(opened);
        let (back, opened) = replayed(dir.path(), "run 1");
        assert_eq!(back, written);
        assert_eq!(opened.done, 3);
        assert!(opened.set_aside.is_none());
    }

    #[test]
    fn a_torn_last_line_is_cut_off_and_appending_goes_on_after_the_last_whole_one() {
        let dir = tempfile::tempdir().unwrap();
        let written = articles();
        let (_, mut opened) = replayed(dir.path(), "run");
        opened.journal.record(&written[0]).unwrap();
        opened.journal.flush().unwrap();
        drop(opened);
        let path = dir.path().join(JOURNAL);
        let mut torn = fs::read_to_string(&path).unwrap();
        torn.push_str("{\"id\": \"a2\", \"tit");
        fs::write(&path, torn).unwrap();

        let (back, mut opened) = replayed(dir.path(), "run");
        assert_eq!(back.len(), 1);
        opened.journal.record(&written[1]).unwrap();
        opened.journal.flush().unwrap();
        drop(opened);
        let (back, _) = replayed(dir.path(), "run");
        assert_eq!(back, written[..2]);
    }

    #[test]
    fn another_runs_journal_is_set_aside_and_finishing_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut opened) = replayed(dir.path(), "inputs a");
        opened.journal.record(&articles()[0]).unwrap();
        opened.journal.flush().unwrap();
        drop(opened);
        let (back, opened) = replayed(dir.path(), "inputs b");
        assert!(back.is_empty());
        assert_eq!(opened.done, 0);
        assert!(opened.set_aside.is_some());
        opened.journal.finish().unwrap();
        assert!(!dir.path().join(JOURNAL).exists());
    }
}
