//! Loading lexicons: the team's files compiled into the binary, and user files in our layout or in the
//! common third-party layouts (VADER's `token, mean, sd, ratings`, AFINN's `word, -5..5`, a plain
//! `term, weight`). Every file merges into one [`Lexicons`] value; a later file overrides an earlier one
//! for the values it sets, so a user's valence for "frank" replaces ours but keeps its warmth weight.
//! The team's files are also stored merged (`precompiled_terms.rs`), so that a run without user files
//! starts without parsing them; after editing a file in lexicons/, regenerate it with
//! `TENOR_REGENERATE=1 cargo test --lib precompiled`.
//!
//! What a term means for a score is left to [`super::rules`]; the table layout to [`super::table`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::path::{Path, PathBuf};

use std::hash::Hasher;

use super::table::{
    Dimension, Entry, Grammar, Modifier, ModifierClass, Table, WordHasher, fold_term_into,
};
use super::words::grammar_words;
use crate::error::{Error, Result};

/// The layout of a lexicon file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// `term<TAB>valence`, valence -4..4.
    Valence,
    /// `term<TAB>class<TAB>weight`.
    Modifiers,
    /// `term<TAB>weight` for one tone dimension.
    Dimension(Dimension),
    /// `term<TAB>stance`, -1 (against) .. 1 (for): what a cue says about what it governs.
    Stance,
    /// VADER's layout: `token<TAB>mean<TAB>sd<TAB>[ratings]`, mean -4..4.
    Vader,
    /// AFINN's layout: `word<TAB>integer -5..5`, scaled to -4..4.
    Afinn,
}

impl FileFormat {
    /// Parses the name used in a `# tenor: NAME` first line.
    pub fn parse(name: &str) -> Option<FileFormat> {
        match name {
            "valence" => Some(FileFormat::Valence),
            "modifiers" => Some(FileFormat::Modifiers),
            "vader" => Some(FileFormat::Vader),
            "afinn" => Some(FileFormat::Afinn),
            "stance" => Some(FileFormat::Stance),
            other => Dimension::parse(other).map(FileFormat::Dimension),
        }
    }
}

/// AFINN rates -5..5; ours is -4..4.
const AFINN_SCALE: f32 = 0.8;

/// The files compiled into the binary, with their layouts.
const EMBEDDED: [(&str, FileFormat, &str); 12] = [
    (
        "lexicons/valence/general-a-l.tsv",
        FileFormat::Valence,
        include_str!("../../lexicons/valence/general-a-l.tsv"),
    ),
    (
        "lexicons/valence/general-m-z.tsv",
        FileFormat::Valence,
        include_str!("../../lexicons/valence/general-m-z.tsv"),
    ),
    (
        "lexicons/valence/politics.tsv",
        FileFormat::Valence,
        include_str!("../../lexicons/valence/politics.tsv"),
    ),
    (
        "lexicons/valence/idioms.tsv",
        FileFormat::Valence,
        include_str!("../../lexicons/valence/idioms.tsv"),
    ),
    (
        "lexicons/valence/emoticons.tsv",
        FileFormat::Valence,
        include_str!("../../lexicons/valence/emoticons.tsv"),
    ),
    (
        "lexicons/modifiers.tsv",
        FileFormat::Modifiers,
        include_str!("../../lexicons/modifiers.tsv"),
    ),
    (
        "lexicons/cooperation.tsv",
        FileFormat::Dimension(Dimension::Cooperation),
        include_str!("../../lexicons/cooperation.tsv"),
    ),
    (
        "lexicons/warmth.tsv",
        FileFormat::Dimension(Dimension::Warmth),
        include_str!("../../lexicons/warmth.tsv"),
    ),
    (
        "lexicons/threat.tsv",
        FileFormat::Dimension(Dimension::Threat),
        include_str!("../../lexicons/threat.tsv"),
    ),
    (
        "lexicons/assertiveness.tsv",
        FileFormat::Dimension(Dimension::Assertiveness),
        include_str!("../../lexicons/assertiveness.tsv"),
    ),
    (
        "lexicons/irony.tsv",
        FileFormat::Dimension(Dimension::Irony),
        include_str!("../../lexicons/irony.tsv"),
    ),
    (
        "lexicons/stance.tsv",
        FileFormat::Stance,
        include_str!("../../lexicons/stance.tsv"),
    ),
];

/// All lexicons, compiled into one lookup table. Build once (see [`Lexicons::embedded`] and
/// [`Lexicons::builder`]) and share read-only.
#[derive(Debug, Clone)]
pub struct Lexicons {
    pub(crate) table: Table,
}

impl Lexicons {
    /// The team's lexicons compiled into the binary: from their merged terms, stored in the binary
    /// as well (see [`precompiled`]), so that start-up parses nothing; from the files themselves when
    /// those terms are stale.
    pub fn embedded() -> Result<Lexicons> {
        if let Some(terms) = precompiled::terms() {
            return Ok(Lexicons {
                table: Table::build(terms),
            });
        }
        let mut builder = Lexicons::builder();
        builder.add_embedded()?;
        Ok(builder.finish())
    }

    /// The team's lexicons with user files on top (`tenor --lexicon FILE ...`): a user's entry overrides
    /// ours for the values it sets.
    pub fn embedded_with<P: AsRef<Path>>(files: impl IntoIterator<Item = P>) -> Result<Lexicons> {
        let mut builder = Lexicons::builder();
        builder.add_embedded()?;
        for file in files {
            builder.add_file(file)?;
        }
        Ok(builder.finish())
    }

    /// An empty builder; call [`LexiconsBuilder::add_embedded`] first to start from the defaults.
    pub fn builder() -> LexiconsBuilder {
        LexiconsBuilder::default()
    }

    /// Everything known about a term (a word or a phrase), folded as the loader folds it.
    pub fn get(&self, term: &str) -> Option<&Entry> {
        let id = self.table.find(normalise_term(term).as_ref())?;
        Some(self.table.entry(id))
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.table.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.entries().is_empty()
    }
}

/// A term as stored: borrowed from the text compiled into the binary when it is already in normal form
/// (almost always), so that start-up allocates nothing per row.
type Term = Cow<'static, str>;

type TermMap = HashMap<Term, Entry, BuildHasherDefault<WordHasher>>;

/// Collects lexicon files; later files override earlier ones term by term and value by value.
#[derive(Debug, Clone, Default)]
pub struct LexiconsBuilder {
    terms: TermMap,
}

impl LexiconsBuilder {
    /// Adds the team's lexicons compiled into the binary.
    pub fn add_embedded(&mut self) -> Result<&mut Self> {
        let rows: usize = EMBEDDED.iter().map(|(_, _, text)| text.len() / 16).sum();
        self.terms.reserve(rows);
        for (name, format, text) in EMBEDDED {
            self.add_rows(Path::new(name), text, format, |term| term)?;
        }
        Ok(self)
    }

    /// Adds a file, detecting its layout (see [`detect_format`]).
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<&mut Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        self.add_text(path, &text)
    }

    /// Adds lexicon text, detecting its layout; `name` stands for the file in errors and, for a
    /// `term<TAB>weight` file, its stem names the dimension ("warmth.tsv").
    pub fn add_text(&mut self, name: impl AsRef<Path>, text: &str) -> Result<&mut Self> {
        let name = name.as_ref();
        let format = detect_format(name, text)?;
        self.add_text_as(name, text, format)
    }

    /// Adds lexicon text in a known layout.
    pub fn add_text_as(
        &mut self,
        name: impl AsRef<Path>,
        text: &str,
        format: FileFormat,
    ) -> Result<&mut Self> {
        self.add_rows(name.as_ref(), text, format, |term| {
            Cow::Owned(term.into_owned())
        })
    }

    /// Adds the rows of `text`; `keep` turns a term that may borrow from `text` into one the builder
    /// can hold (the embedded text lives as long as the program, so its terms stay borrowed).
    fn add_rows<'t>(
        &mut self,
        name: &Path,
        text: &'t str,
        format: FileFormat,
        keep: impl Fn(Cow<'t, str>) -> Term,
    ) -> Result<&mut Self> {
        for row in rows(text) {
            let row = row.map_err(|(line, message)| lexicon_error(name, line, message))?;
            if row.is_header {
                continue;
            }
            self.add_row(name, &row, format, &keep)?;
        }
        Ok(self)
    }

    fn add_row<'t>(
        &mut self,
        name: &Path,
        row: &Row<'t>,
        format: FileFormat,
        keep: impl Fn(Cow<'t, str>) -> Term,
    ) -> Result<()> {
        let fail = |message: String| lexicon_error(name, row.line, message);
        let want = match format {
            FileFormat::Modifiers => 3,
            FileFormat::Vader => 2,
            _ => 2,
        };
        if row.count < want || (format != FileFormat::Vader && row.count > want) {
            return Err(fail(format!(
                "expected {want} tab-separated columns, found {}",
                row.count
            )));
        }
        let term = normalise_term(row.fields[0]);
        if term.is_empty() {
            return Err(fail("empty term".to_string()));
        }
        let value_field = trim(row.fields[want - 1]);
        let value: f32 = value_field
            .parse()
            .map_err(|_| fail(format!("not a number: {value_field:?}")))?;
        if !value.is_finite() {
            return Err(fail(format!("not a finite number: {value_field:?}")));
        }
        let in_range = |lo: f32, hi: f32| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err(fail(format!("{value} is outside {lo}..{hi}")))
            }
        };
        let term = keep(term);
        match format {
            FileFormat::Valence | FileFormat::Vader => {
                in_range(-4.0, 4.0)?;
                self.terms.entry(term).or_default().valence = value;
            }
            FileFormat::Afinn => {
                in_range(-5.0, 5.0)?;
                self.terms.entry(term).or_default().valence = value * AFINN_SCALE;
            }
            FileFormat::Dimension(d) => {
                if d.is_bipolar() {
                    in_range(-1.0, 1.0)?;
                } else {
                    in_range(0.0, 1.0)?;
                }
                self.terms.entry(term).or_default().dims[d.index()] = value;
            }
            FileFormat::Stance => {
                in_range(-1.0, 1.0)?;
                self.terms.entry(term).or_default().stance = value;
            }
            FileFormat::Modifiers => {
                let class_name = row.fields[1].trim();
                let class = ModifierClass::parse(class_name)
                    .ok_or_else(|| fail(format!("unknown modifier class {class_name:?}")))?;
                let (lo, hi) = class.weight_range();
                in_range(lo, hi)?;
                self.terms.entry(term).or_default().modifier = Some(Modifier {
                    class,
                    weight: value,
                });
            }
        }
        Ok(())
    }

    /// Compiles everything added so far, and keeps it for more files. [`LexiconsBuilder::finish`]
    /// saves a copy when the builder is done with.
    pub fn build(&self) -> Lexicons {
        self.clone().finish()
    }

    /// Compiles everything added.
    pub fn finish(self) -> Lexicons {
        let terms = self.merged();
        // The table's entries follow the map's order, which is fixed (the hasher has no random seed)
        // and is kept by the precompiled terms, so that both build the same table.
        let table = Table::build(terms.iter().map(|(t, e)| (t.as_ref(), *e)));
        Lexicons { table }
    }

    /// The terms as the table gets them: phrases with their words' tone weights, and every word with
    /// its grammatical roles.
    fn merged(self) -> TermMap {
        let mut terms = self.terms;
        inherit_tone_weights(&mut terms);
        for (word, role) in grammar_words() {
            terms
                .entry(Cow::Borrowed(word))
                .or_default()
                .grammar
                .insert(role);
        }
        terms
    }
}

/// The embedded lexicons' terms, merged as [`LexiconsBuilder::finish`] merges them, stored in the binary
/// so that start-up neither parses the files nor hashes their terms into a map. The data is generated
/// into `precompiled_terms.rs` by `TENOR_REGENERATE=1 cargo test --lib precompiled`; a test fails while
/// it is stale, and the binary falls back to the files when they or the grammar word lists changed
/// since, so a stale file costs start-up time, never a wrong score.
mod precompiled {
    use super::*;

    mod generated {
        include!("precompiled_terms.rs");
    }

    /// The number of values stored with each term: valence, stance, modifier weight, then the
    /// dimension weights.
    pub(super) const VALUES: usize = 3 + Dimension::COUNT;

    /// The merged terms, in the order the table takes them; `None` when they are stale.
    pub(super) fn terms() -> Option<impl ExactSizeIterator<Item = (&'static str, Entry)>> {
        if generated::VALUES != VALUES || generated::SOURCES != sources_fingerprint() {
            return None;
        }
        let mut classes = [None; generated::MODIFIER_CLASSES.len()];
        for (class, name) in classes.iter_mut().zip(generated::MODIFIER_CLASSES) {
            *class = Some(ModifierClass::parse(name)?);
        }
        Some(
            generated::TERMS
                .iter()
                .map(move |&(start, len, values, class, grammar)| {
                    let start = start as usize;
                    let term = generated::TEXT
                        .get(start..start + usize::from(len))
                        .unwrap_or_default();
                    let mut dims = [0.0; Dimension::COUNT];
                    dims.copy_from_slice(&values[3..VALUES]);
                    let class = usize::from(class)
                        .checked_sub(1)
                        .and_then(|i| classes.get(i).copied().flatten());
                    let entry = Entry {
                        valence: values[0],
                        stance: values[1],
                        modifier: class.map(|class| Modifier {
                            class,
                            weight: values[2],
                        }),
                        dims,
                        grammar: Grammar::from_bits(grammar),
                    };
                    (term, entry)
                }),
        )
    }

    /// A hash of what the terms are made from: the embedded files and the grammar word lists.
    pub(super) fn sources_fingerprint() -> u64 {
        let mut hasher = WordHasher::default();
        for (name, _, text) in EMBEDDED {
            hasher.write_usize(name.len());
            hasher.write(name.as_bytes());
            hasher.write_usize(text.len());
            hasher.write(text.as_bytes());
        }
        for (word, role) in grammar_words() {
            hasher.write_usize(word.len());
            hasher.write(word.as_bytes());
            hasher.write_u32(role.bits());
        }
        hasher.finish()
    }

    /// The source of `precompiled_terms.rs` for `terms`, in their order. The data holds no pointer
    /// but the one to the text of all terms, so that the loader has nothing to relocate in it.
    #[cfg(test)]
    pub(super) fn render(terms: &TermMap) -> String {
        use std::fmt::Write;
        let mut classes: Vec<&str> = Vec::new();
        let mut text = String::new();
        let mut rows = String::new();
        for (term, entry) in terms {
            let modifier = entry.modifier;
            let class = match modifier {
                None => 0,
                Some(m) => match classes.iter().position(|&c| c == m.class.as_str()) {
                    Some(i) => i + 1,
                    None => {
                        classes.push(m.class.as_str());
                        classes.len()
                    }
                },
            };
            let mut values = vec![
                entry.valence,
                entry.stance,
                modifier.map_or(0.0, |m| m.weight),
            ];
            values.extend(entry.dims);
            let _ = write!(rows, "    ({}, {}, [", text.len(), term.len());
            for (i, value) in values.iter().enumerate() {
                let _ = write!(rows, "{}{value:?}", if i == 0 { "" } else { ", " });
            }
            let _ = writeln!(rows, "], {class}, {}), // {term}", entry.grammar.bits());
            text.push_str(term);
            text.push('\n');
        }
        let mut fence = String::from("#");
        while text.contains(&format!("\"{fence}")) {
            fence.push('#');
        }
        let mut out = String::new();
        out.push_str(
            "// @generated by `TENOR_REGENERATE=1 cargo test --lib precompiled` from the embedded lexicon\n\
             // files and the grammar word lists (src/scoring/lexicon.rs, mod precompiled): do not edit.\n",
        );
        let _ = writeln!(
            out,
            "pub(super) const SOURCES: u64 = {:#018x};",
            sources_fingerprint()
        );
        let _ = writeln!(out, "pub(super) const VALUES: usize = {VALUES};");
        out.push_str("/// The names of the modifier classes, numbered from 1 in `TERMS`.\n");
        let _ = writeln!(
            out,
            "pub(super) static MODIFIER_CLASSES: [&str; {}] = {classes:?};",
            classes.len()
        );
        out.push_str("/// Every term, one a line.\n");
        let _ = writeln!(
            out,
            "pub(super) static TEXT: &str = r{fence}\"{text}\"{fence};"
        );
        out.push_str(
            "/// Each term: (start in `TEXT`, length, [valence, stance, modifier weight, dimension\n\
             /// weights], modifier class or 0, grammatical role flags).\n",
        );
        let _ = writeln!(
            out,
            "pub(super) static TERMS: [(u32, u16, [f32; {VALUES}], u8, u32); {}] = [",
            terms.len()
        );
        out.push_str(&rows);
        out.push_str("];\n");
        out
    }
}

/// A multiword valence entry ("at a low point", "serious differences") matches in place of its words,
/// so it takes over their tone weights: for each dimension it does not rate itself, the strongest
/// weight of the words and phrases inside it. Modifier phrases and phrases with a negator inside ("no
/// problem") are left alone: their words' weights would point the wrong way.
fn inherit_tone_weights(terms: &mut TermMap) {
    let negator = |w: &str| {
        terms
            .get(w)
            .and_then(|e| e.modifier)
            .is_some_and(|m| m.class == ModifierClass::Negator)
    };
    let mut inherited: Vec<(Term, [f32; Dimension::COUNT])> = Vec::new();
    // Byte ranges of a term's words: a run of words is a slice of the term, since words are separated
    // by single spaces.
    let mut words: Vec<(usize, usize)> = Vec::new();
    for (term, entry) in terms.iter() {
        if entry.valence == 0.0 || entry.modifier.is_some() || !term.contains(' ') {
            continue;
        }
        words.clear();
        let mut start = 0;
        for word in term.split(' ') {
            words.push((start, start + word.len()));
            start += word.len() + 1;
        }
        if words.iter().any(|&(s, e)| negator(&term[s..e])) {
            continue;
        }
        let mut dims = entry.dims;
        for len in 1..words.len() {
            for part in words.windows(len) {
                let Some(inner) = terms.get(&term[part[0].0..part[len - 1].1]) else {
                    continue;
                };
                for ((own, best), theirs) in entry.dims.iter().zip(&mut dims).zip(inner.dims) {
                    if *own == 0.0 && theirs.abs() > best.abs() {
                        *best = theirs;
                    }
                }
            }
        }
        if dims != entry.dims {
            inherited.push((term.clone(), dims));
        }
    }
    for (term, dims) in inherited {
        if let Some(entry) = terms.get_mut(term.as_ref()) {
            entry.dims = dims;
        }
    }
}

fn lexicon_error(name: &Path, line: usize, message: String) -> Error {
    Error::Lexicon {
        path: PathBuf::from(name),
        line,
        message,
    }
}

/// Lowercase, ASCII apostrophes, single spaces: the form every term is stored under. A term already
/// in that form (every row of our own files) is borrowed.
fn normalise_term(raw: &str) -> Cow<'_, str> {
    let trimmed = trim(raw);
    let mut after_space = true;
    let normal = trimmed.bytes().all(|b| {
        let space = b == b' ';
        let fine = if space {
            !after_space
        } else {
            b.is_ascii() && !b.is_ascii_uppercase() && !b.is_ascii_whitespace()
        };
        after_space = space;
        fine
    });
    if normal {
        return Cow::Borrowed(trimmed);
    }
    let mut folded = String::with_capacity(raw.len());
    fold_term_into(raw.trim(), &mut folded);
    Cow::Owned(folded.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The most columns of a row that are kept apart: VADER's four.
const MAX_FIELDS: usize = 4;

/// `s` without leading and trailing whitespace; a field that starts and ends with a visible ASCII
/// character (almost every one) is returned without a scan.
fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if visible(bytes.first()) && visible(bytes.last()) {
        s
    } else {
        s.trim()
    }
}

/// One non-comment line of a lexicon file.
struct Row<'a> {
    line: usize,
    /// The line without its terminator.
    text: &'a str,
    /// The first [`MAX_FIELDS`] tab-separated fields; unused ones are empty.
    fields: [&'a str; MAX_FIELDS],
    /// The number of fields, all of them.
    count: usize,
    last: &'a str,
    /// The first row when its last column is not a number: the column names.
    is_header: bool,
}

/// The non-comment, non-blank lines of `text`, each split on tabs.
fn rows(text: &str) -> impl Iterator<Item = std::result::Result<Row<'_>, (usize, String)>> {
    let mut seen_first = false;
    let mut rest = text;
    let lines = std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, after) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => (&rest[..end], &rest[end + 1..]),
            None => (rest, ""),
        };
        rest = after;
        Some(line)
    });
    lines.enumerate().filter_map(move |(i, line)| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') || trim(line).is_empty() {
            return None;
        }
        let mut fields = [""; MAX_FIELDS];
        let mut count = 0;
        let mut last = "";
        let mut start = 0;
        for end in memchr::memchr_iter(b'\t', line.as_bytes()).chain([line.len()]) {
            let field = &line[start..end];
            if let Some(slot) = fields.get_mut(count) {
                *slot = field;
            }
            count += 1;
            last = field;
            start = end + 1;
        }
        let numeric = |f: &str| trim(f).parse::<f32>().is_ok();
        // Column names are words where values are numbers: VADER's last column is a list and a
        // modifier's second column a class, so both columns must fail to parse.
        let is_header = !seen_first && count > 1 && !numeric(fields[1]) && !numeric(last);
        seen_first = true;
        if count < 2 {
            return Some(Err((i + 1, "expected tab-separated columns".to_string())));
        }
        Some(Ok(Row {
            line: i + 1,
            text: line,
            fields,
            count,
            last,
            is_header,
        }))
    })
}

/// Works out a file's layout:
/// - a first line `# tenor: valence|modifiers|stance|cooperation|warmth|threat|assertiveness|irony|vader|afinn`;
/// - our header row: `term, valence`, `term, class, weight`, `term, stance`, `term, DIMENSION`, or `term, weight`
///   (a dimension when the file's stem names one, else valence);
/// - without a header: VADER's four columns with a `[ratings]` list; AFINN when every value is an
///   integer and one reaches ±5; otherwise a plain `term, weight` valence file.
pub fn detect_format(name: &Path, text: &str) -> Result<FileFormat> {
    if let Some(first) = text.lines().next()
        && let Some(rest) = first.trim().strip_prefix('#')
        && let Some(kind) = rest.trim().strip_prefix("tenor:")
    {
        let kind = kind.trim();
        return FileFormat::parse(kind)
            .ok_or_else(|| lexicon_error(name, 1, format!("unknown lexicon kind {kind:?}")));
    }
    let mut all_integers = true;
    let mut reaches_five = false;
    let mut first_row = true;
    for row in rows(text) {
        let row = row.map_err(|(line, message)| lexicon_error(name, line, message))?;
        if row.is_header {
            let columns: Vec<String> = row
                .text
                .split('\t')
                .map(|f| f.trim().to_lowercase())
                .collect();
            let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
            return match columns.as_slice() {
                [_, "valence"] => Ok(FileFormat::Valence),
                [_, "stance"] => Ok(FileFormat::Stance),
                [_, "class", "weight"] => Ok(FileFormat::Modifiers),
                [_, "weight"] => Ok(name
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .and_then(Dimension::parse)
                    .map_or(FileFormat::Valence, FileFormat::Dimension)),
                [_, other] => Dimension::parse(other)
                    .map(FileFormat::Dimension)
                    .ok_or_else(|| {
                        lexicon_error(name, row.line, format!("unknown column {other:?}"))
                    }),
                _ => Err(lexicon_error(
                    name,
                    row.line,
                    format!("unknown header row {:?}", row.text.replace('\t', "\\t")),
                )),
            };
        }
        if first_row {
            first_row = false;
            if row.count >= 4 && row.fields[3].trim_start().starts_with('[') {
                return Ok(FileFormat::Vader);
            }
            if row.count == 3 && ModifierClass::parse(row.fields[1].trim()).is_some() {
                return Ok(FileFormat::Modifiers);
            }
        }
        match row.last.trim().parse::<i32>() {
            Ok(v) => reaches_five |= v.abs() == 5,
            Err(_) => all_integers = false,
        }
    }
    Ok(if all_integers && reaches_five {
        FileFormat::Afinn
    } else {
        FileFormat::Valence
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str, text: &str) -> Result<Lexicons> {
        Ok(Lexicons::builder().add_text(name, text)?.build())
    }

    #[test]
    fn our_valence_layout_with_header_comment_and_header_row() {
        let lex = load(
            "valence/test.tsv",
            "# test valence\n# see lexicons/README.md\nterm\tvalence\nLow Point\t-2\nglad\t2.5\n",
        )
        .expect("well-formed");
        assert_eq!(lex.get("low point").map(|e| e.valence), Some(-2.0));
        assert_eq!(lex.get("GLAD").map(|e| e.valence), Some(2.5));
    }

    #[test]
    fn a_dimension_file_is_named_by_its_stem_or_its_column() {
        let lex = load("warmth.tsv", "term\tweight\ncordial\t0.8\n").expect("well-formed");
        assert_eq!(
            lex.get("cordial").map(|e| e.dim(Dimension::Warmth)),
            Some(0.8)
        );
        let lex = load("mine.tsv", "term\tthreat\nultimatum\t0.9\n").expect("well-formed");
        assert_eq!(
            lex.get("ultimatum").map(|e| e.dim(Dimension::Threat)),
            Some(0.9)
        );
    }

    #[test]
    fn a_tenor_first_line_names_the_kind() {
        let lex = load(
            "x.tsv",
            "# tenor: cooperation\nterm\tweight\nreject\t-0.7\n",
        )
        .expect("ok");
        assert_eq!(
            lex.get("reject").map(|e| e.dim(Dimension::Cooperation)),
            Some(-0.7)
        );
    }

    #[test]
    fn a_stance_file_is_named_by_its_column() {
        let lex = load("mine.tsv", "term\tstance\nscrap\t-0.8\nstand by\t0.8\n").expect("ok");
        assert_eq!(lex.get("scrap").map(|e| e.stance), Some(-0.8));
        assert_eq!(lex.get("Stand by").map(|e| e.stance), Some(0.8));
        let err = load("mine.tsv", "term\tstance\nscrap\t-2\n").expect_err("out of range");
        assert!(
            err.to_string().starts_with("mine.tsv:2: -2 is outside"),
            "{err}"
        );
    }

    #[test]
    fn vader_layout_is_detected_and_its_mean_used() {
        // A made-up row in VADER's layout: token, mean, sd, ten ratings.
        let text = "zorkful\t-1.5\t0.5\t[-1, -2, -1, -2, -1, -2, -1, -2, -1, -2]\n";
        assert_eq!(
            detect_format(Path::new("v.txt"), text).ok(),
            Some(FileFormat::Vader)
        );
        let lex = load("v.txt", text).expect("well-formed");
        assert_eq!(lex.get("zorkful").map(|e| e.valence), Some(-1.5));
    }

    #[test]
    fn afinn_layout_is_scaled_to_our_range() {
        let text = "blorp\t5\nsnark\t-2\ngood deal\t3\n";
        assert_eq!(
            detect_format(Path::new("a.txt"), text).ok(),
            Some(FileFormat::Afinn)
        );
        let lex = load("a.txt", text).expect("well-formed");
        assert_eq!(lex.get("blorp").map(|e| e.valence), Some(4.0));
        assert_eq!(lex.get("good deal").map(|e| e.valence), Some(2.4));
    }

    #[test]
    fn a_plain_two_column_file_is_valence() {
        let text = "blorp\t1.5\nsnark\t-2\n";
        assert_eq!(
            detect_format(Path::new("p.txt"), text).ok(),
            Some(FileFormat::Valence)
        );
    }

    #[test]
    fn modifiers_carry_class_and_weight() {
        let lex = load(
            "modifiers.tsv",
            "term\tclass\tweight\nkind of\tdampener\t0.4\nalthough\tcontrast\t-0.5\n",
        )
        .expect("well-formed");
        let kind_of = lex.get("kind of").and_then(|e| e.modifier).expect("listed");
        assert_eq!(kind_of.class, ModifierClass::Dampener);
        assert_eq!(kind_of.weight, 0.4);
    }

    #[test]
    fn a_later_file_overrides_only_the_values_it_sets() {
        let lex = Lexicons::builder()
            .add_text("valence.tsv", "term\tvalence\nfrank\t1\n")
            .and_then(|b| b.add_text("warmth.tsv", "term\tweight\nfrank\t-0.4\n"))
            .and_then(|b| b.add_text("user.tsv", "frank\t-0.5\n"))
            .expect("well-formed")
            .build();
        let frank = lex.get("frank").expect("listed");
        assert_eq!(frank.valence, -0.5);
        assert_eq!(frank.dim(Dimension::Warmth), -0.4);
    }

    #[test]
    fn a_valence_phrase_takes_over_the_tone_weights_of_its_words() {
        let lex = Lexicons::builder()
            .add_text(
                "valence.tsv",
                "term\tvalence\nat a low point\t-2\nno problem\t1\n",
            )
            .and_then(|b| b.add_text("warmth.tsv", "term\tweight\nlow point\t-0.8\n"))
            .and_then(|b| b.add_text("cooperation.tsv", "term\tweight\nproblem\t-0.4\n"))
            .and_then(|b| b.add_text("m.tsv", "term\tclass\tweight\nno\tnegator\t1\n"))
            .expect("well-formed")
            .build();
        let idiom = lex.get("at a low point").expect("listed");
        assert_eq!(idiom.dim(Dimension::Warmth), -0.8);
        // With a negator inside, the word's weight would point the wrong way.
        let no_problem = lex.get("no problem").expect("listed");
        assert_eq!(no_problem.dim(Dimension::Cooperation), 0.0);
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let err =
            load("bad.tsv", "# c\nterm\tvalence\ngood\t2\nbad\tworse\n").expect_err("bad value");
        assert_eq!(err.to_string(), "bad.tsv:4: not a number: \"worse\"");
        let err = load("bad.tsv", "term\tvalence\nawful\t-7\n").expect_err("out of range");
        assert!(err.to_string().starts_with("bad.tsv:2: -7 is outside"));
        let err = load("m.tsv", "term\tclass\tweight\nvery\tshouter\t0.3\n").expect_err("class");
        assert!(err.to_string().contains("unknown modifier class"));
        let err = Lexicons::builder()
            .add_file("/nonexistent/lexicon.tsv")
            .map(|_| ())
            .expect_err("missing file");
        assert!(err.to_string().starts_with("/nonexistent/lexicon.tsv"));
    }

    #[test]
    fn a_user_file_overrides_the_embedded_entry() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("mine.tsv");
        std::fs::write(
            &path,
            "# tenor: valence\nterm\tvalence\nfrank\t-1.5\nzorkful\t2\n",
        )
        .expect("write the user file");
        let lex = Lexicons::embedded_with([&path]).expect("well-formed");
        assert_eq!(lex.get("frank").map(|e| e.valence), Some(-1.5));
        assert_eq!(lex.get("zorkful").map(|e| e.valence), Some(2.0));
        assert!(lex.get("not").and_then(|e| e.modifier).is_some());
    }

    /// The embedded terms as the files give them, merged.
    fn merged_from_the_files() -> TermMap {
        let mut builder = Lexicons::builder();
        builder
            .add_embedded()
            .expect("the shipped lexicons are well-formed");
        builder.merged()
    }

    #[test]
    fn the_precompiled_terms_are_those_of_the_files() {
        let terms = merged_from_the_files();
        let source = precompiled::render(&terms);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scoring/precompiled_terms.rs");
        if std::env::var_os("TENOR_REGENERATE").is_some() {
            std::fs::write(&path, &source).expect("write precompiled_terms.rs");
            return;
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stored == source,
            "{} is stale: run `TENOR_REGENERATE=1 cargo test --lib precompiled` and rebuild",
            path.display()
        );
        let precompiled: Vec<(&str, Entry)> = precompiled::terms().expect("current").collect();
        let from_files: Vec<(&str, Entry)> = terms.iter().map(|(t, e)| (t.as_ref(), *e)).collect();
        assert_eq!(precompiled, from_files);
    }

    #[test]
    fn every_term_is_found_in_the_table_as_it_was_given() {
        let terms = merged_from_the_files();
        let lex = Lexicons::embedded().expect("the shipped lexicons are well-formed");
        assert_eq!(lex.len(), terms.len());
        for (term, entry) in &terms {
            assert_eq!(lex.get(term), Some(entry), "{term:?}");
        }
    }

    #[test]
    fn the_embedded_lexicons_load() {
        let lex = Lexicons::embedded().expect("the shipped lexicons are well-formed");
        assert!(!lex.is_empty());
        let not = lex
            .get("not")
            .and_then(|e| e.modifier)
            .expect("'not' is a modifier");
        assert_eq!(not.class, ModifierClass::Negator);
    }

    #[test]
    fn the_modifiers_file_is_large_and_covers_the_required_words() {
        let mut builder = Lexicons::builder();
        builder
            .add_text_as(
                "lexicons/modifiers.tsv",
                include_str!("../../lexicons/modifiers.tsv"),
                FileFormat::Modifiers,
            )
            .expect("well-formed");
        let lex = builder.build();
        let modifiers = lex
            .table
            .entries()
            .iter()
            .filter(|e| e.modifier.is_some())
            .count();
        assert!(modifiers >= 200, "only {modifiers} modifiers");
        let class = |t: &str| lex.get(t).and_then(|e| e.modifier).map(|m| m.class);
        for negator in [
            "not", "never", "hardly", "barely", "scarcely", "few", "without", "lack",
        ] {
            assert_eq!(class(negator), Some(ModifierClass::Negator), "{negator}");
        }
        for contrast in [
            "but", "however", "although", "though", "yet", "whereas", "still",
        ] {
            assert_eq!(class(contrast), Some(ModifierClass::Contrast), "{contrast}");
        }
        assert_eq!(class("kind of"), Some(ModifierClass::Dampener));
        assert_eq!(class("extremely"), Some(ModifierClass::Booster));
        assert_eq!(class("no doubt"), Some(ModifierClass::Certainty));
        assert_eq!(class("if"), Some(ModifierClass::Conditional));
        assert_eq!(class("perhaps"), Some(ModifierClass::Hedge));
    }
}
