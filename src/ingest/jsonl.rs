//! JSON Lines (`.jsonl`, `.ndjson`, standard input): one JSON object per line.
//!
//! The known fields are deserialised straight into strings, without building a `serde_json::Value`
//! for the record; the `text` string, most of a line, is taken out and decoded here with a search
//! for quotes and backslashes, and serde_json reads the rest. `text` must be a string; `id`,
//! `title`, `date`, `source` and `url` may be strings or numbers (a number is kept as serde_json
//! prints it, so integers read exactly as written). An optional `targets` list of `{"from", "to"}`
//! (code points) or `{"text"}` objects goes to `targets`. Other fields with a string, number or
//! boolean value go to `fields`, in record order. Blank lines are passed over without a record.

use std::fmt;
use std::io::BufRead;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lines::{self, Line, LineReader};
use super::{Article, Origin, Record, TargetSpec, Unparsed};

pub(super) struct JsonLines {
    /// Shared with the lines handed out unparsed.
    origin: Arc<Origin>,
    lines: LineReader,
    max_bytes: usize,
    finished: bool,
}

impl JsonLines {
    pub(super) fn new(origin: Origin, input: Box<dyn BufRead + Send>, max_bytes: usize) -> Self {
        // A line holds the text, JSON escapes (which only ever make it longer than the text they
        // stand for) and the other fields. A line beyond this is not parsed at all, which keeps memory
        // bounded; shorter lines are parsed and their text measured exactly.
        let limit = max_bytes.saturating_mul(4).saturating_add(64 * 1024);
        JsonLines {
            origin: Arc::new(origin),
            lines: LineReader::new(input, limit),
            max_bytes,
            finished: false,
        }
    }

    /// The next record, parsed here, or when `deferred` a line's copy for [`JsonLine::parse`] to
    /// parse elsewhere (problems of reading are records either way).
    pub(super) fn next_unparsed(&mut self, deferred: bool) -> Option<Unparsed> {
        while !self.finished {
            match self.lines.next_line() {
                Line::End => self.finished = true,
                Line::Failed {
                    complete_lines,
                    error,
                } => {
                    self.finished = true;
                    return Some(Unparsed::Ready(self.origin.failure(complete_lines, &error)));
                }
                Line::TooLong { number, bytes } => {
                    let problem = format!(
                        "line of {bytes} bytes is too long for an article within the limit of {} bytes",
                        self.max_bytes
                    );
                    return Some(Unparsed::Ready(self.origin.skip(None, number, problem)));
                }
                Line::Text { number, bytes } => {
                    if lines::is_blank(bytes) {
                        continue;
                    }
                    if deferred {
                        return Some(Unparsed::Json(JsonLine {
                            origin: Arc::clone(&self.origin),
                            number,
                            bytes: bytes.to_vec(),
                            max_bytes: self.max_bytes,
                        }));
                    }
                    let record = parse_line(&self.origin, number, bytes, self.max_bytes);
                    return Some(Unparsed::Ready(record));
                }
            }
        }
        None
    }
}

/// A line of JSON Lines as read, to be parsed into its record on another thread than the reader's
/// (see [`super::Records::unparsed`]).
#[derive(Debug)]
pub struct JsonLine {
    origin: Arc<Origin>,
    number: usize,
    bytes: Vec<u8>,
    max_bytes: usize,
}

impl JsonLine {
    /// The record, exactly as reading it in place would have made it.
    pub fn parse(self) -> Record {
        parse_line(&self.origin, self.number, &self.bytes, self.max_bytes)
    }

    /// Bytes of the line, about those of the text it holds.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Turns line `number` into a record.
fn parse_line(origin: &Origin, number: usize, bytes: &[u8], max_bytes: usize) -> Record {
    let (line, replaced) = lines::decode(bytes);
    let fields = match read_record(&line) {
        Ok(fields) => fields,
        Err(error) => return origin.skip(None, number, format_args!("malformed JSON: {error}")),
    };
    let id = fields
        .id
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| origin.at(number));
    if let Some((field, found)) = fields.wrong_type {
        let problem = format!("`{field}` must be a string or a number, found {found}");
        return origin.skip(Some(id), number, problem);
    }
    let text = match fields.text {
        Some(Scalar::String(text)) => text,
        Some(other) => {
            let problem = format!("`text` must be a string, found {}", other.kind());
            return origin.skip(Some(id), number, problem);
        }
        None => return origin.skip(Some(id), number, "no `text` field"),
    };
    if let Some(problem) = super::text_problem(&text, max_bytes) {
        return origin.skip(Some(id), number, problem);
    }
    let targets = match fields.targets {
        None => Vec::new(),
        Some(Targets::List(list)) => match checked_targets(list, &text) {
            Ok(targets) => targets,
            Err(problem) => return origin.skip(Some(id), number, problem),
        },
        Some(Targets::Other(_)) => {
            let problem = "`targets` must be a list of {\"from\": N, \"to\": M} or {\"text\": \"...\"} objects";
            return origin.skip(Some(id), number, problem);
        }
    };
    let mut warnings = Vec::new();
    if replaced {
        warnings.push(lines::replaced_warning(&origin.at(number)));
    }
    Record::Article(Article {
        id,
        title: fields.title.unwrap_or_default(),
        source: fields.source.unwrap_or_default(),
        date: fields.date.unwrap_or_default(),
        url: fields.url.unwrap_or_default(),
        text,
        fields: fields.others,
        targets,
        warnings,
    })
}

/// The fields of a line. The `text` string, most of a line, is decoded here rather than by
/// serde_json (which scans it a byte at a time and grows its copy piece by piece): serde_json reads
/// the line with that string emptied, and the line as it is whenever the text cannot be taken out
/// plainly or the rest does not read, so that what is read and every error are as serde_json has them.
fn read_record(line: &str) -> serde_json::Result<JsonRecord> {
    if let Some((value, text)) = top_level_text(line) {
        let mut rest = String::with_capacity(line.len() - value.len() + 2);
        rest.push_str(&line[..value.start]);
        rest.push_str("\"\"");
        rest.push_str(&line[value.end..]);
        if let Ok(mut fields) = serde_json::from_str::<JsonRecord>(&rest)
            && fields.text == Some(Scalar::String(String::new()))
        {
            fields.text = Some(Scalar::String(text));
            return Ok(fields);
        }
    }
    serde_json::from_str::<JsonRecord>(line)
}

/// The byte range of the string value of the first top-level `"text"` key of a JSON object, quotes
/// included, and the string it stands for; `None` when there is none, or its key or value holds
/// anything a plain reading might get wrong (an escaped key, an escape or character JSON forbids).
/// The rest of the line is not checked: serde_json does that.
fn top_level_text(line: &str) -> Option<(std::ops::Range<usize>, String)> {
    let bytes = line.as_bytes();
    let mut depth = 0usize;
    // Whether the next string at depth 1 is a key, and whether the last key read was `text`.
    let (mut key_next, mut text_key) = (false, false);
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' if depth == 1 && text_key && !key_next => {
                let (end, text) = decode_string(line, at + 1)?;
                return Some((at..end, text));
            }
            b'"' => {
                let end = string_end(bytes, at + 1)?;
                if depth == 1 && key_next {
                    text_key = &bytes[at..end] == b"\"text\"";
                    key_next = false;
                }
                at = end;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                key_next = depth == 1 && b == b'{';
                text_key = false;
            }
            b'}' | b']' => depth = depth.checked_sub(1)?,
            b',' if depth == 1 => {
                key_next = true;
                text_key = false;
            }
            b':' | b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => text_key = false,
        }
        at += 1;
    }
    None
}

/// The byte just past the closing quote of the JSON string whose contents start at byte `from`.
fn string_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let i = from + memchr::memchr2(b'"', b'\\', bytes.get(from..)?)?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        from = i + 2;
    }
}

/// The byte just past the closing quote of the JSON string whose contents start at byte `from` of
/// `line`, and the string they stand for; `None` for an escape JSON does not have, a lone
/// surrogate, a control character written as itself, or no closing quote.
fn decode_string(line: &str, mut at: usize) -> Option<(usize, String)> {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(bytes.len() - at);
    loop {
        let stop = at + memchr::memchr2(b'"', b'\\', &bytes[at..])?;
        // Folded rather than searched, so that it runs over whole vectors.
        if bytes[at..stop]
            .iter()
            .fold(false, |control, &b| control | (b < 0x20))
        {
            return None;
        }
        out.push_str(&line[at..stop]);
        if bytes[stop] == b'"' {
            return Some((stop + 1, out));
        }
        at = stop;
        // Escapes often come in runs ("\n\n"), read here without a search for each.
        while bytes.get(at) == Some(&b'\\') {
            let (c, next) = unescape(bytes, at + 1)?;
            out.push(c);
            at = next;
        }
    }
}

/// The character that the escape after a backslash, at byte `at`, stands for, and the byte after it.
fn unescape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let c = match *bytes.get(at)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let high = hex4(bytes, at + 1)?;
            let code = match high {
                0xD800..=0xDBFF => {
                    if bytes.get(at + 5..at + 7)? != b"\\u" {
                        return None;
                    }
                    let low = hex4(bytes, at + 7)?;
                    if !(0xDC00..=0xDFFF).contains(&low) {
                        return None;
                    }
                    return Some((
                        char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?,
                        at + 11,
                    ));
                }
                0xDC00..=0xDFFF => return None,
                _ => high,
            };
            return Some((char::from_u32(code)?, at + 5));
        }
        _ => return None,
    };
    Some((c, at + 1))
}

/// The value of the four hex digits at byte `at`.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4)?.iter().try_fold(0, |value, &b| {
        Some(value * 16 + char::from(b).to_digit(16)?)
    })
}

/// The targets of a record whose text is `text`, each span checked to lie inside it.
fn checked_targets(list: Vec<RawTarget>, text: &str) -> Result<Vec<TargetSpec>, String> {
    let chars = text.chars().count();
    list.into_iter()
        .enumerate()
        .map(|(i, target)| match target {
            RawTarget::Span { from, to } if from <= to && to <= chars => {
                Ok(TargetSpec::Span { from, to })
            }
            RawTarget::Span { from, to } => Err(format!(
                "target {i}: {from}..{to} is not a span of the text of {chars} characters"
            )),
            RawTarget::Text { text } => Ok(TargetSpec::Text(text)),
        })
        .collect()
}

/// The `targets` field as read: a list of targets, or anything else (an error for the record).
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Targets {
    List(Vec<RawTarget>),
    Other(IgnoredAny),
}

/// One target as written; further fields (a NewsMTSC `polarity`, a `mention`) are ignored.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum RawTarget {
    Span { from: usize, to: usize },
    Text { text: String },
}

/// The fields of one JSON Lines record as read, before they are checked.
#[derive(Debug, Default, PartialEq)]
struct JsonRecord {
    id: Option<String>,
    title: Option<String>,
    date: Option<String>,
    source: Option<String>,
    url: Option<String>,
    text: Option<Scalar>,
    targets: Option<Targets>,
    /// The first known field with a value that cannot stand for it, and what that value was.
    wrong_type: Option<(&'static str, &'static str)>,
    others: Vec<(String, String)>,
}

impl<'de> Deserialize<'de> for JsonRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(JsonRecordVisitor)
    }
}

struct JsonRecordVisitor;

impl<'de> Visitor<'de> for JsonRecordVisitor {
    type Value = JsonRecord;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonRecord, A::Error> {
        let mut record = JsonRecord::default();
        while let Some(key) = map.next_key::<Key>()? {
            let (name, slot) = match key {
                Key::Text => {
                    if record.text.is_some() {
                        return Err(de::Error::duplicate_field("text"));
                    }
                    record.text = Some(map.next_value()?);
                    continue;
                }
                Key::Targets => {
                    if record.targets.is_some() {
                        return Err(de::Error::duplicate_field("targets"));
                    }
                    record.targets = Some(map.next_value()?);
                    continue;
                }
                Key::Other(name) => {
                    if let Some(value) = map.next_value::<Scalar>()?.into_field_value() {
                        record.others.push((name, value));
                    }
                    continue;
                }
                Key::Id => ("id", &mut record.id),
                Key::Title => ("title", &mut record.title),
                Key::Date => ("date", &mut record.date),
                Key::Source => ("source", &mut record.source),
                Key::Url => ("url", &mut record.url),
            };
            let value: Scalar = map.next_value()?;
            if slot.is_some() {
                return Err(de::Error::duplicate_field(name));
            }
            match value {
                Scalar::String(text) | Scalar::Number(text) => *slot = Some(text),
                Scalar::Null => {}
                other => {
                    record.wrong_type.get_or_insert((name, other.kind()));
                }
            }
        }
        Ok(record)
    }
}

/// A key of a record: the known fields without allocating, anything else by name.
enum Key {
    Id,
    Title,
    Date,
    Source,
    Url,
    Text,
    Targets,
    Other(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match name {
            "id" => Key::Id,
            "title" => Key::Title,
            "date" => Key::Date,
            "source" => Key::Source,
            "url" => Key::Url,
            "text" => Key::Text,
            "targets" => Key::Targets,
            other => Key::Other(other.to_string()),
        })
    }
}

/// A field value, reduced to what ingest needs: scalars as text, containers only by kind.
#[derive(Debug, PartialEq)]
enum Scalar {
    String(String),
    /// A number as serde_json prints it.
    Number(String),
    Bool(bool),
    Null,
    Array,
    Object,
}

impl Scalar {
    fn kind(&self) -> &'static str {
        match self {
            Scalar::String(_) => "a string",
            Scalar::Number(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "null",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }

    /// The value as an entry of [`Article::fields`]; null and containers have none.
    fn into_field_value(self) -> Option<String> {
        match self {
            Scalar::String(text) | Scalar::Number(text) => Some(text),
            Scalar::Bool(value) => Some(value.to_string()),
            Scalar::Null | Scalar::Array | Scalar::Object => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar::String(value.to_string()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Scalar, E> {
        Ok(Scalar::String(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
        // serde_json's own rendering: shortest text that reads back as the same number.
        let text = serde_json::Number::from_f64(value)
            .map_or_else(|| value.to_string(), |number| number.to_string());
        Ok(Scalar::Number(text))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Compression, Skipped};

    fn origin() -> Origin {
        Origin {
            label: "feed.jsonl".to_string(),
            compression: Compression::None,
        }
    }

    #[test]
    fn the_text_decoded_by_hand_reads_as_serde_json_reads_it() {
        let lines = [
            r#"{"id": "a", "text": "plain"}"#,
            r#"{"text": "He said \"no\".\n\nThen \\ left\t/\/ \u00e9\u00C9 \ud83d\ude00 \u0000", "x": 1}"#,
            r#"{"meta": {"text": "inner"}, "list": ["text", {"text": 1}], "text": "outer"}"#,
            r#"{"title": "a \"text\": here", "text": "b"}"#,
            r#"{"text": 5}"#,
            r#"{"text": "one", "text": "two"}"#,
            r#"{"text": "lone \ud800 surrogate"}"#,
            r#"{"text": "lone \udc00 low"}"#,
            r#"{"text": "high \ud800\u0041 then not low"}"#,
            r#"{"text": "bad \x escape"}"#,
            r#"{"text": "short \u12"}"#,
            "{\"text\": \"raw\ttab\"}",
            r#"{"text": "unterminated}"#,
            r#"{"text": "ok", }"#,
            r#"{"text": "ok"} trailing"#,
            r#"["text", "x"]"#,
            r#"{"t\u0065xt": "escaped key"}"#,
            r#"{"id": 7, "text": "", "targets": [{"from": 0, "to": 0}]}"#,
        ];
        for line in lines {
            let by_hand = read_record(line).map_err(|e| e.to_string());
            let by_serde = serde_json::from_str::<JsonRecord>(line).map_err(|e| e.to_string());
            assert_eq!(by_hand, by_serde, "{line}");
        }
        let (span, text) = top_level_text(lines[1]).unwrap();
        assert_eq!(&lines[1][span.end..], r#", "x": 1}"#);
        assert_eq!(text, "He said \"no\".\n\nThen \\ left\t// éÉ 😀 \0");
        assert_eq!(top_level_text(lines[2]).unwrap().1, "outer");
        assert_eq!(top_level_text(lines[6]), None);
    }

    proptest::proptest! {
        #[test]
        fn any_line_reads_as_serde_json_reads_it(
            before in r#"[a-z":,\[\]{} ]{0,12}"#,
            text in r#"([a-z "/\\\u{1}é]|\\u[0-9a-fA-FdD]{0,4}){0,12}"#,
            after in r#"[a-z":,\[\]{} 0-9]{0,12}"#,
        ) {
            for line in [
                format!(r#"{{"id": "x", "text": "{text}"{after}"#),
                format!(r#"{{{before}"text": "{text}", "b": 1}}"#),
                format!(r#"{{"a": "{text}", "text": "{text}"}}"#),
            ] {
                let by_hand = read_record(&line).map_err(|e| e.to_string());
                let by_serde = serde_json::from_str::<JsonRecord>(&line).map_err(|e| e.to_string());
                proptest::prop_assert_eq!(by_hand, by_serde, "{}", line);
            }
        }
    }

    fn parse(line: &str) -> Record {
        parse_line(&origin(), 4, line.as_bytes(), 1000)
    }

    fn skipped(line: &str) -> Skipped {
        match parse(line) {
            Record::Skipped(skipped) => skipped,
            Record::Article(article) => panic!("expected a skipped record, read {article:?}"),
        }
    }

    #[test]
    fn known_fields_are_read_and_others_kept_in_order() {
        let line = r#"{"lang":"en","id":"a1","words":812,"text":"Hello.","paywall":false,"tags":["x"],"title":"T","source":"S","date":"2024-05-01","url":"https://example.org/a1","editor":null}"#;
        let Record::Article(article) = parse(line) else {
            panic!("not an article");
        };
        assert_eq!(article.id, "a1");
        assert_eq!(article.text, "Hello.");
        assert_eq!(
            (&*article.title, &*article.source, &*article.date),
            ("T", "S", "2024-05-01")
        );
        assert_eq!(article.url, "https://example.org/a1");
        let fields: Vec<(&str, &str)> = article
            .fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        assert_eq!(
            fields,
            [("lang", "en"), ("words", "812"), ("paywall", "false")]
        );
        assert!(article.warnings.is_empty());
    }

    #[test]
    fn targets_are_spans_or_texts_and_other_fields_of_a_target_are_ignored() {
        let line = r#"{"id": "t1", "text": "Añna met Bo.", "targets": [{"from": 0, "to": 4, "polarity": 6.0}, {"text": "Bo"}]}"#;
        let Record::Article(article) = parse(line) else {
            panic!("not an article");
        };
        assert_eq!(
            article.targets,
            [
                TargetSpec::Span { from: 0, to: 4 },
                TargetSpec::Text("Bo".to_string())
            ]
        );
        assert!(article.fields.is_empty());
    }

    #[test]
    fn a_malformed_targets_list_or_a_span_outside_the_text_skips_the_record() {
        let outside = skipped(r#"{"id": "t2", "text": "Añna", "targets": [{"from": 2, "to": 5}]}"#);
        assert_eq!(outside.id, "t2");
        assert_eq!(
            outside.reason,
            "feed.jsonl:4: target 0: 2..5 is not a span of the text of 4 characters"
        );
        for targets in [r#""Bo""#, r#"[{"from": 1}]"#, r#"[{"from": -1, "to": 2}]"#] {
            let line = format!(r#"{{"text": "Hi Bo.", "targets": {targets}}}"#);
            assert!(
                skipped(&line).reason.contains("`targets` must be a list"),
                "{targets}"
            );
        }
    }

    #[test]
    fn a_number_id_reads_as_written() {
        let Record::Article(article) = parse(r#"{"id": 1234567890123, "text": "Hi."}"#) else {
            panic!("not an article");
        };
        assert_eq!(article.id, "1234567890123");
    }

    #[test]
    fn an_absent_or_empty_id_defaults_to_file_and_line() {
        for line in [r#"{"text": "Hi."}"#, r#"{"id": "", "text": "Hi."}"#] {
            let Record::Article(article) = parse(line) else {
                panic!("not an article");
            };
            assert_eq!(article.id, "feed.jsonl:4");
        }
    }

    #[test]
    fn text_problems_name_the_line_and_keep_the_id() {
        let missing = skipped(r#"{"id": "a9", "title": "No body"}"#);
        assert_eq!(missing.id, "a9");
        assert_eq!(missing.reason, "feed.jsonl:4: no `text` field");

        let number = skipped(r#"{"text": 42}"#);
        assert_eq!(number.id, "feed.jsonl:4");
        assert_eq!(
            number.reason,
            "feed.jsonl:4: `text` must be a string, found a number"
        );

        let empty = skipped(r#"{"text": " \n\t "}"#);
        assert_eq!(empty.reason, "feed.jsonl:4: empty text");

        let title = skipped(r#"{"text": "Hi.", "title": {"main": "x"}}"#);
        assert_eq!(
            title.reason,
            "feed.jsonl:4: `title` must be a string or a number, found an object"
        );
    }

    #[test]
    fn malformed_json_carries_serde_json_message() {
        let broken = skipped(r#"{"text": "unterminated"#);
        assert_eq!(broken.id, "feed.jsonl:4");
        assert!(
            broken
                .reason
                .starts_with("feed.jsonl:4: malformed JSON: EOF while parsing"),
            "{}",
            broken.reason
        );

        let not_object = skipped(r#"["text"]"#);
        assert!(not_object.reason.contains("expected a JSON object"));

        let twice = skipped(r#"{"text": "a", "text": "b"}"#);
        assert!(twice.reason.contains("duplicate field `text`"));
    }

    #[test]
    fn oversized_text_is_skipped() {
        let line = format!(r#"{{"id": "big", "text": "{}"}}"#, "a".repeat(1001));
        let big = skipped(&line);
        assert_eq!(big.id, "big");
        assert_eq!(
            big.reason,
            "feed.jsonl:4: article of 1001 bytes is larger than the limit of 1000 bytes"
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_with_a_warning() {
        let Record::Article(article) = parse_line(&origin(), 2, b"{\"text\": \"caf\xE9\"}", 1000)
        else {
            panic!("not an article");
        };
        assert_eq!(article.text, "caf\u{FFFD}");
        assert_eq!(
            article.warnings,
            ["feed.jsonl:2: invalid UTF-8 replaced with U+FFFD"]
        );
    }
}
