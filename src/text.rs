//! Small text utilities shared by the stages: byte spans, code point offsets, and case and accent
//! folding. Nothing here knows about quotes or scores.

use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;

/// A half-open byte range into an article's text. Stages work in bytes (they slice `&str`); the output
/// converts to Unicode code point offsets with [`CharOffsets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The text under this span.
    pub fn of<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Converts byte offsets into code point offsets in O(1) amortised time, without a table per byte.
///
/// A checkpoint every [`CharOffsets::STRIDE`] bytes holds the number of code points before it; a lookup
/// counts the code points between the checkpoint and the offset.
pub struct CharOffsets<'t> {
    text: &'t str,
    checkpoints: Vec<usize>,
}

impl<'t> CharOffsets<'t> {
    /// Small enough that a lookup counts few bytes, large enough that the checkpoints take an
    /// eighth of the text's size.
    const STRIDE: usize = 64;

    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / Self::STRIDE + 1);
        let mut count = 0usize;
        for chunk in bytes.chunks(Self::STRIDE) {
            checkpoints.push(count);
            count += count_char_starts(chunk);
        }
        if bytes.len().is_multiple_of(Self::STRIDE) {
            // The end of the text starts a block of its own: it gets a checkpoint too.
            checkpoints.push(count);
        }
        CharOffsets { text, checkpoints }
    }

    /// The code point offset of byte offset `byte`, which must lie on a char boundary.
    pub fn char_offset(&self, byte: usize) -> usize {
        let block = byte / Self::STRIDE;
        let Some(&base) = self.checkpoints.get(block) else {
            // Only an offset past the end lands here.
            return self.text.chars().count();
        };
        let from = block * Self::STRIDE;
        base + count_char_starts(&self.text.as_bytes()[from..byte])
    }
}

/// The number of bytes of `bytes` that start a UTF-8 character (all but the continuation bytes,
/// `0b10xx_xxxx`), eight at a time.
fn count_char_starts(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut continuations = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte's top bit set and the bit below it clear: shifted left by one, each byte's
        // second bit lands on its top bit.
        continuations += (word & !(word << 1) & HIGH_BITS).count_ones() as usize;
    }
    let rest = chunks.remainder();
    continuations += rest.iter().filter(|&&b| is_continuation_byte(b)).count();
    bytes.len() - continuations
}

fn is_continuation_byte(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

/// Appends `number` in decimal digits, as `write!(out, "{number}")` would, without the formatting
/// machinery (which costs a few times the rest of building an id).
pub(crate) fn push_decimal(number: usize, out: &mut String) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = number;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// Appends `value` as `format!("{value:.2}")` writes it.
pub(crate) fn push_two_decimals(value: f32, out: &mut String) {
    match short_two_decimals(value) {
        Some((digits, start)) => out.extend(digits[start..].iter().map(|&b| char::from(b))),
        // Writing into a String cannot fail.
        None => {
            let _ = write!(out, "{value:.2}");
        }
    }
}

/// `value` as `{:.2}` prints it, when that is one digit before the point (evidence values lie within
/// a few units of zero): the bytes `-d.dd` and where they start, 0 with the sign and 1 without.
/// `None` for other values, which need the formatter.
///
/// An `f32` times 100 is exact in an `f64`, so adding 1.5 x 2^52 rounds it to hundredths as the
/// formatter does, ties to even, and leaves them in the low bits of the sum. `{:.2}` keeps the sign
/// of a negative value that rounds to zero ("-0.00").
#[inline]
pub(crate) fn short_two_decimals(value: f32) -> Option<([u8; 5], usize)> {
    const ROUNDING: f64 = 6_755_399_441_055_744.0;
    let scaled = f64::from(value) * 100.0;
    if scaled.is_nan() || scaled.abs() >= 999.0 {
        return None;
    }
    let magnitude = ((scaled + ROUNDING).to_bits() as i32).unsigned_abs();
    let hundredths = magnitude % 100;
    let digits = [
        b'-',
        b'0' + (magnitude / 100) as u8,
        b'.',
        b'0' + (hundredths / 10) as u8,
        b'0' + (hundredths % 10) as u8,
    ];
    Some((digits, usize::from(!value.is_sign_negative())))
}

/// [`is_ascii_space`] as a table, for loops that read every byte.
const ASCII_SPACE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        // As `is_ascii_space`: a space, or tab to carriage return.
        table[b] = b == 0x20 || (b >= 0x09 && b <= 0x0D);
        b += 1;
    }
    table
};

/// The number of words of `s`, as `s.split_whitespace().count()` counts them; ASCII bytes are
/// told without decoding a char.
pub(crate) fn count_words(s: &str) -> usize {
    let bytes = s.as_bytes();
    if s.is_ascii() {
        // Eight bytes at a time: a word starts at each non-space byte after a space.
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let mut words = 0;
        // The high bit of the byte before the first: set, as if the text followed a space.
        let mut before = 1u64 << 63;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in chunks.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let spaces = ascii_spaces(u64::from_le_bytes(word));
            let after_spaces = (spaces << 8) | (before >> 56);
            words += (!spaces & after_spaces & HIGH).count_ones() as usize;
            before = spaces;
        }
        let mut after_space = before >> 63 == 1;
        for &b in chunks.remainder() {
            let space = ASCII_SPACE[usize::from(b)];
            words += usize::from(after_space & !space);
            after_space = space;
        }
        return words;
    }
    let mut words = 0;
    let mut in_word = false;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let (space, width) = if b.is_ascii() {
            (is_ascii_space(b), 1)
        } else {
            let c = char_at(s, at);
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
        at += width;
    }
    words
}

/// The high bit of each byte of `word`, eight ASCII bytes, set where the byte is a space as
/// [`is_ascii_space`] tells one: a space, or tab to carriage return.
#[inline]
fn ascii_spaces(word: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW: u64 = !HIGH;
    let each = |b: u8| u64::from_le_bytes([b; 8]);
    // No sum below carries out of its byte: every byte is under 0x80 to start with.
    let spaces = word ^ each(b' ');
    let is_space = !((spaces & LOW) + LOW) & HIGH;
    // A byte b becomes b + 0x77, which has its high bit set from tab (9) up, and is under 0x85
    // up to carriage return (13).
    let from_tab = (word | HIGH) - each(0x09);
    let past_return = ((from_tab & LOW) + each(0x7B)) & HIGH;
    let is_control_space = from_tab & !past_return & HIGH;
    is_space | is_control_space
}

/// Lowercases `s` into `out` (cleared first). ASCII takes a fast path with no allocation beyond `out`.
pub fn fold_case_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        for c in s.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

/// Case- and accent-folded form of a name, used as the key that joins speakers across articles:
/// "Zelenskyý" and "zelenskyy" fold alike. Letters that do not decompose (ø, ł, ß) fold to their nearest
/// ASCII letters so that common transliterations meet.
pub fn fold_name(s: &str) -> String {
    if s.is_ascii() {
        let mut out = Vec::with_capacity(s.len());
        fold_ascii_name_into(s, &mut out);
        // Only ASCII bytes were written.
        return String::from_utf8(out).unwrap_or_default();
    }
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let mapped: &str = match c {
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'đ' | 'Đ' => "d",
            '\u{2019}' | '\u{2018}' | '`' => "'",
            '-' | '\u{2010}' | '\u{2013}' => "-",
            _ => "",
        };
        if !mapped.is_empty() {
            out.push_str(mapped);
            last_space = false;
        } else if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`fold_name`] for ASCII text, which has nothing to decompose, appended to `out` as bytes:
/// lowercase, a backtick as an apostrophe, runs of whitespace as one space, none at either end.
pub(crate) fn fold_ascii_name_into(s: &str, out: &mut Vec<u8>) {
    let start = out.len();
    let mut space = false;
    for &b in s.as_bytes() {
        if is_ascii_space(b) {
            space = out.len() > start;
            continue;
        }
        if space {
            out.push(b' ');
            space = false;
        }
        out.push(match b {
            b'`' => b'\'',
            _ => b.to_ascii_lowercase(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_count_code_points_not_bytes() {
        let text = "“Ça va”, dit-il. ".repeat(40);
        let offsets = CharOffsets::new(&text);
        for (char_index, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.char_offset(byte), char_index);
        }
        assert_eq!(offsets.char_offset(text.len()), text.chars().count());
        // A text that fills its last block exactly, and an empty one.
        let exact = "é".repeat(CharOffsets::STRIDE);
        assert_eq!(
            CharOffsets::new(&exact).char_offset(exact.len()),
            CharOffsets::STRIDE
        );
        assert_eq!(CharOffsets::new("").char_offset(0), 0);
    }

    #[test]
    fn char_starts_are_counted_eight_bytes_at_a_time_as_one_at_a_time() {
        let text = "Zürich, “Kyiv” — 東京 and ok. ".repeat(3);
        for start in 0..text.len() {
            for end in start..=text.len() {
                let bytes = &text.as_bytes()[start..end];
                let one_by_one = bytes.iter().filter(|&&b| !is_continuation_byte(b)).count();
                assert_eq!(count_char_starts(bytes), one_by_one, "{start}..{end}");
            }
        }
    }

    #[test]
    fn two_decimals_are_written_as_the_formatter_writes_them() {
        let mut values = vec![
            0.0f32,
            -0.0,
            0.005,
            -0.005,
            0.015,
            0.125,
            -0.125,
            2.675,
            9.995,
            10.0,
            -99.5,
            1234.567,
            0.004_999,
            -0.004_999,
            1e20,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN,
        ];
        // Every hundredth and every half-hundredth within the range evidence values take, and
        // values a hair to either side.
        for i in -2000..=2000 {
            let v = i as f32 / 200.0;
            values.extend([v, f32::from_bits(v.to_bits() + 1), v - f32::EPSILON]);
        }
        for value in values {
            let mut out = String::from("x");
            push_two_decimals(value, &mut out);
            assert_eq!(out, format!("x{value:.2}"), "{value:e}");
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            "  ",
            "one",
            " two  words ",
            "tab\tand\nline\x0bvertical\x0cfeed\r",
            "no\u{00A0}break\u{2003}em\u{3000}ideographic",
            "“Ça va,” dit-il —\u{2028}ok",
        ] {
            assert_eq!(
                count_words(text),
                text.split_whitespace().count(),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_words_are_counted_as_split_whitespace_counts_them(text in "[\\x00-\\x7F]{0,40}") {
            proptest::prop_assert_eq!(count_words(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn names_fold_case_and_accents() {
        assert_eq!(fold_name("Volodymyr  Zelenskyý"), "volodymyr zelenskyy");
        assert_eq!(fold_name("Lech Wałęsa"), "lech walesa");
        assert_eq!(fold_name("O’Neill"), "o'neill");
    }

    #[test]
    fn ascii_names_fold_as_any_other() {
        for name in [
            "  Sergei   LAVROV ",
            "O`Neill",
            "Jean-Yves\tLe Drian",
            "\x0bA\x0cB\r\n",
            "",
        ] {
            let mut slow = String::new();
            let mut last_space = true;
            for c in name.chars() {
                match c {
                    '`' => slow.push('\''),
                    c if c.is_whitespace() => {
                        if !last_space {
                            slow.push(' ');
                        }
                        last_space = true;
                        continue;
                    }
                    c => slow.push(c.to_ascii_lowercase()),
                }
                last_space = false;
            }
            assert_eq!(fold_name(name), slow.trim_end(), "{name:?}");
        }
        assert_eq!(fold_name("  Sergei   LAVROV "), "sergei lavrov");
    }

    #[test]
    fn case_folding_reuses_the_buffer() {
        let mut buf = String::new();
        fold_case_into("Frosty", &mut buf);
        assert_eq!(buf, "frosty");
        fold_case_into("ÉLAN", &mut buf);
        assert_eq!(buf, "élan");
    }
}

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits, with inner apostrophes, hyphens and decimal points kept inside
    /// (`don’t`, `Johnson’s`, `co-operation`, `3.5`, `U.S`).
    Word,
    /// A quotation mark or a free-standing apostrophe: `“ ” " ' ‘ ’ « » „ ‚ ‹ ›`.
    QuoteMark,
    /// Any other non-space character, one per token.
    Punct,
}

/// A token: a slice of the text by its byte span. Tokens are never copied into new strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        self.span.of(text)
    }
}

/// Whether `c` can open or close a quotation.
pub fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{201E}'
            | '\u{201A}'
            | '\u{2039}'
            | '\u{203A}'
            | '\u{201F}'
            | '\u{201B}'
    )
}

fn joins_inside_word(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}' | '.' | ',' | '&' | '_'
    )
}

/// Splits `text` into [`Token`]s, starting at byte `offset` (so that spans are offsets into the
/// whole article when `text` is a slice of it). Allocation-free.
pub fn tokens(text: &str, offset: usize) -> Tokens<'_> {
    Tokens {
        text,
        pos: 0,
        offset,
        spelling: Spelling::default(),
        newline: false,
    }
}

/// What kinds of bytes a token is written with, gathered while the tokenizer scans it, so that the
/// scorer need not read the token again to fold its case or to tell a name from a shout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Spelling {
    /// The class ([`Spelling::UPPER`] ...) of the token's first byte.
    pub first: u8,
    /// The classes of the token's other bytes, or-ed together.
    pub rest: u8,
}

impl Spelling {
    /// An ASCII capital letter.
    pub const UPPER: u8 = 1;
    /// An ASCII small letter.
    pub const LOWER: u8 = 2;
    /// An ASCII digit.
    pub const DIGIT: u8 = 4;
    /// Any other ASCII byte.
    pub const OTHER: u8 = 8;
    /// A byte of a character outside ASCII.
    pub const NON_ASCII: u8 = 16;

    pub fn is_ascii(self) -> bool {
        (self.first | self.rest) & Spelling::NON_ASCII == 0
    }

    pub fn has_upper(self) -> bool {
        (self.first | self.rest) & Spelling::UPPER != 0
    }
}

/// The [`Spelling`] class of each byte.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [Spelling::NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'A'..=b'Z' => Spelling::UPPER,
            b'a'..=b'z' => Spelling::LOWER,
            b'0'..=b'9' => Spelling::DIGIT,
            _ => Spelling::OTHER,
        };
        b += 1;
    }
    table
};

const ALPHANUMERIC: u8 = Spelling::UPPER | Spelling::LOWER | Spelling::DIGIT;

/// Iterator returned by [`tokens`].
pub struct Tokens<'t> {
    text: &'t str,
    pos: usize,
    offset: usize,
    spelling: Spelling,
    newline: bool,
}

impl Tokens<'_> {
    /// The spelling of the token last returned.
    pub(crate) fn spelling(&self) -> Spelling {
        self.spelling
    }

    /// Whether the space skipped before the token last returned holds a line feed: read while
    /// skipping it, so that a caller that starts sentences at line breaks need not look again.
    pub(crate) fn newline_before(&self) -> bool {
        self.newline
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    // Always inlined: the scorer calls it once a token, and a call's register saves cost as much as
    // classifying a short word.
    #[inline(always)]
    fn next(&mut self) -> Option<Token> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut start = self.pos;
        let mut newline = false;
        // ASCII bytes are classified without decoding a char; anything else is decoded once.
        let first = loop {
            let &b = bytes.get(start)?;
            if b.is_ascii() {
                if is_ascii_space(b) {
                    newline |= b == b'\n';
                    start += 1;
                    continue;
                }
                break char::from(b);
            }
            let c = char_at(text, start);
            if !c.is_whitespace() {
                break c;
            }
            start += c.len_utf8();
        };
        self.newline = newline;
        let mut end = start + first.len_utf8();
        let class = BYTE_CLASS[usize::from(bytes[start])];
        self.spelling = Spelling {
            first: class,
            rest: 0,
        };
        let alphanumeric = if class == Spelling::NON_ASCII {
            first.is_alphanumeric()
        } else {
            class & ALPHANUMERIC != 0
        };
        let kind = if alphanumeric {
            (end, self.spelling.rest) = word_end(text, end);
            TokenKind::Word
        } else if is_quote_mark(first) {
            TokenKind::QuoteMark
        } else {
            TokenKind::Punct
        };
        self.pos = end;
        Some(Token {
            span: Span::new(self.offset + start, self.offset + end),
            kind,
        })
    }
}

/// The end of the word that runs up to byte `end` of `text`, and the [`Spelling`] classes of the bytes
/// it adds.
///
/// Letters, digits and combining marks extend a word. Inner punctuation joins only when a letter or
/// digit follows; a decimal point or comma only between digits, except that a dot between capitals
/// stays ("U.S"), while a sentence-final dot does not.
#[inline(always)]
fn word_end(text: &str, mut end: usize) -> (usize, u8) {
    let bytes = text.as_bytes();
    let mut classes = 0;
    // Most words are ASCII letters and digits up to a space or a mark that cannot join: that run is
    // read here, the rest by `word_end_from`.
    while let Some(&b) = bytes.get(end) {
        let class = BYTE_CLASS[usize::from(b)];
        if class & ALPHANUMERIC == 0 {
            break;
        }
        end += 1;
        classes |= class;
    }
    match bytes.get(end) {
        Some(&b) if !b.is_ascii() || joins_inside_word(char::from(b)) => {
            word_end_from(text, end, classes)
        }
        _ => (end, classes),
    }
}

/// [`word_end`] from byte `end`, with the classes of the bytes read so far.
#[inline(never)]
fn word_end_from(text: &str, mut end: usize, mut classes: u8) -> (usize, u8) {
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(end) {
        let class = BYTE_CLASS[usize::from(b)];
        if class & ALPHANUMERIC != 0 {
            end += 1;
            classes |= class;
            continue;
        }
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            char_at(text, end)
        };
        if joins_inside_word(c) {
            let after = end + c.len_utf8();
            let Some(next) = text[after..].chars().next() else {
                break;
            };
            // The char before the joiner: the word's last so far.
            let prev = text[..end].chars().next_back().unwrap_or(' ');
            let joins = next.is_alphanumeric()
                && (!matches!(c, '.' | ',')
                    || (prev.is_numeric() && next.is_numeric())
                    || (c == '.' && prev.is_uppercase() && next.is_uppercase()));
            if !joins {
                break;
            }
            classes |= class | BYTE_CLASS[usize::from(bytes[after])];
            end = after + next.len_utf8();
        } else if !b.is_ascii()
            && (c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c))
        {
            end += c.len_utf8();
            classes |= class;
        } else {
            break;
        }
    }
    (end, classes)
}

/// The char that starts at byte `at`, which must be a char boundary inside `text`.
fn char_at(text: &str, at: usize) -> char {
    text[at..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// `char::is_whitespace` for an ASCII byte.
#[inline]
pub(crate) fn is_ascii_space(b: u8) -> bool {
    // Tab, line feed, vertical tab, form feed and carriage return are 9..=13.
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

#[cfg(test)]
mod token_tests {
    use super::*;

    fn words(text: &str) -> Vec<(&str, TokenKind)> {
        tokens(text, 0).map(|t| (t.text(text), t.kind)).collect()
    }

    #[test]
    fn apostrophes_and_hyphens_stay_inside_words() {
        let text = "Johnson’s co-operation don't stop.";
        let got: Vec<&str> = words(text).into_iter().map(|(w, _)| w).collect();
        assert_eq!(got, ["Johnson’s", "co-operation", "don't", "stop", "."]);
    }

    #[test]
    fn quote_marks_and_numbers() {
        let text = "“It cost 3.5 billion,” the U.S. said.";
        let got = words(text);
        assert_eq!(got[0], ("“", TokenKind::QuoteMark));
        assert_eq!(got[3], ("3.5", TokenKind::Word));
        assert_eq!(got[4], ("billion", TokenKind::Word));
        assert!(got.contains(&("U.S", TokenKind::Word)));
        assert_eq!(got[6], ("”", TokenKind::QuoteMark));
    }

    #[test]
    fn the_tokenizer_records_how_each_token_is_spelled() {
        let text = "Kyiv NATO don't café 3.5 !";
        let mut split = tokens(text, 0);
        let mut spellings = Vec::new();
        while split.next().is_some() {
            spellings.push(split.spelling());
        }
        let (upper, lower, digit, other) = (
            Spelling::UPPER,
            Spelling::LOWER,
            Spelling::DIGIT,
            Spelling::OTHER,
        );
        assert_eq!(
            spellings[0],
            Spelling {
                first: upper,
                rest: lower
            }
        );
        assert_eq!(
            spellings[1],
            Spelling {
                first: upper,
                rest: upper
            }
        );
        assert_eq!(
            spellings[2],
            Spelling {
                first: lower,
                rest: lower | other
            }
        );
        assert!(!spellings[3].is_ascii() && !spellings[3].has_upper());
        assert_eq!(
            spellings[4],
            Spelling {
                first: digit,
                rest: digit | other
            }
        );
        assert_eq!(
            spellings[5],
            Spelling {
                first: other,
                rest: 0
            }
        );
    }

    #[test]
    fn the_tokenizer_records_a_line_break_before_a_token() {
        let text = "\nNo.  Yes \r\n\tmaybe\u{2028}so";
        let mut split = tokens(text, 0);
        let mut breaks = Vec::new();
        while let Some(t) = split.next() {
            breaks.push((t.text(text), split.newline_before()));
        }
        assert_eq!(
            breaks,
            [
                ("No", true),
                (".", false),
                ("Yes", false),
                ("maybe", true),
                // A line separator is whitespace but no line feed.
                ("so", false)
            ]
        );
    }

    #[test]
    fn offsets_are_relative_to_the_article() {
        let t: Vec<Token> = tokens("ab cd", 10).collect();
        assert_eq!(t[1].span, Span::new(13, 15));
    }

    /// The tokenizer as first written, a char at a time: the fast one must split every text alike.
    fn reference_tokens(text: &str) -> Vec<(usize, usize, TokenKind)> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some((skip, first)) = text[pos..]
            .char_indices()
            .find(|&(_, c)| !c.is_whitespace())
        {
            let start = pos + skip;
            let mut end = start + first.len_utf8();
            let kind = if first.is_alphanumeric() {
                let mut chars = text[end..].char_indices().peekable();
                let base = end;
                while let Some((i, c)) = chars.next() {
                    if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
                        end = base + i + c.len_utf8();
                    } else if joins_inside_word(c) {
                        let prev = text[..end].chars().next_back().unwrap_or(' ');
                        match chars.peek() {
                            Some(&(_, next)) if next.is_alphanumeric() => {
                                if matches!(c, '.' | ',')
                                    && !(prev.is_numeric() && next.is_numeric())
                                    && !(c == '.' && prev.is_uppercase() && next.is_uppercase())
                                {
                                    break;
                                }
                            }
                            _ => break,
                        }
                    } else {
                        break;
                    }
                }
                TokenKind::Word
            } else if is_quote_mark(first) {
                TokenKind::QuoteMark
            } else {
                TokenKind::Punct
            };
            out.push((start, end, kind));
            pos = end;
        }
        out
    }

    fn fast_tokens(text: &str) -> Vec<(usize, usize, TokenKind)> {
        tokens(text, 0)
            .map(|t| (t.span.start, t.span.end, t.kind))
            .collect()
    }

    #[test]
    fn unicode_words_spaces_and_marks() {
        let text = "Zelenskyy\u{00A0}met  Kuleba\u{2003}in Kyiv; cafe\u{0301} \u{2014} 1,000.5 U.S.A. n\u{2019}t";
        assert_eq!(fast_tokens(text), reference_tokens(text));
        let got: Vec<&str> = tokens(text, 0).map(|t| t.text(text)).collect();
        assert!(got.contains(&"cafe\u{0301}"));
        assert!(got.contains(&"1,000.5"));
        assert!(got.contains(&"U.S.A"));
    }

    proptest::proptest! {
        #[test]
        fn splits_exactly_as_the_plain_tokenizer(
            text in "[a-zA-Z0-9 .,'&_\\-\n\t\u{2019}\u{201C}\u{201D}\u{00E9}\u{0301}\u{00A0}\u{2010}\u{0414}\u{0661}!?]{0,40}"
        ) {
            proptest::prop_assert_eq!(fast_tokens(&text), reference_tokens(&text));
        }
    }
}
