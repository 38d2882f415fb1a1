//! HTML left in article text (scraped pages, feeds that carry `content:encoded`): found cheaply and
//! blanked, so that tags, comments, scripts and styles are never read as words.
//!
//! Offsets in the output are code points into the text as given, so markup is not cut out but
//! overwritten, code point for code point: a tag, a comment, or a `script` or `style` element with its
//! contents becomes spaces (a block tag such as `<p>` or `<br>` starts with a line break, so paragraphs
//! survive); a character reference (`&rdquo;`, `&#8217;`) becomes its character plus spaces. Those
//! spaces go on the side away from the word the reference touches (`&ldquo;We` becomes `     “We`,
//! `ready,&rdquo; she` becomes `ready,”      she`) and, inside a word (`don&rsquo;t`), after the
//! word, so that quotation marks stay glued to their words and every character outside a word keeps
//! its offset. Text that does not look like HTML is returned as it is.
//!
//! Deciding what is a quote, and scoring it, is left to the later stages.

use std::borrow::Cow;

/// Fewest tags of known HTML elements before a text is taken for HTML: one stray `<b>` in a plain
/// article is left alone.
const MIN_TAGS: usize = 3;

/// Elements whose start or end also ends a line of text.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Elements that do not break a line.
const INLINE_ELEMENTS: &[&str] = &[
    "a", "abbr", "b", "body", "cite", "code", "em", "font", "head", "html", "i", "iframe", "img",
    "link", "meta", "noscript", "q", "s", "script", "small", "span", "strong", "style", "sub",
    "sup", "time", "title", "u",
];

/// Elements whose contents are not text for a reader.
const HIDDEN_ELEMENTS: &[&str] = &["script", "style"];

/// Named character references tenor decodes; any other `&name;` is blanked.
const NAMED_REFERENCES: &[(&str, char)] = &[
    ("amp", '&'),
    ("apos", '\''),
    ("bdquo", '„'),
    ("gt", '>'),
    ("hellip", '…'),
    ("laquo", '«'),
    ("ldquo", '“'),
    ("lsaquo", '‹'),
    ("lsquo", '‘'),
    ("lt", '<'),
    ("mdash", '—'),
    ("nbsp", ' '),
    ("ndash", '–'),
    ("quot", '"'),
    ("raquo", '»'),
    ("rdquo", '”'),
    ("rsaquo", '›'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
];

/// Whether `text` holds HTML: at least [`MIN_TAGS`] start or end tags of known elements, or a comment
/// or doctype. Reads the text once.
///
/// ```
/// use tenor::markup::looks_like_html;
///
/// assert!(looks_like_html("<p>Talks resumed.</p><p>“Good,” she said.</p>"));
/// assert!(!looks_like_html("Shares rose 3% as x < y and y > z."));
/// ```
pub fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut tags = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") || starts_with_ignore_case(rest, b"!doctype") {
            return true;
        }
        if tag_name(rest).is_some_and(|name| is_known_element(&name)) {
            tags += 1;
            if tags >= MIN_TAGS {
                return true;
            }
        }
    }
    false
}

/// `text` with its markup blanked, as the module documentation says; `text` itself when it does not
/// look like HTML. The result has as many code points as `text`.
///
/// ```
/// use tenor::markup::blank_markup;
///
/// let html = "<p>&ldquo;We are ready,&rdquo; she said.</p><p>Talks go on.</p>";
/// let text = blank_markup(html);
/// assert_eq!(text.chars().count(), html.chars().count());
/// assert_eq!(text.split_whitespace().collect::<Vec<_>>(),
///            ["“We", "are", "ready,”", "she", "said.", "Talks", "go", "on."]);
/// ```
pub fn blank_markup(text: &str) -> Cow<'_, str> {
    if !looks_like_html(text) {
        return Cow::Borrowed(text);
    }
    let mut out = Blanked {
        text: String::with_capacity(text.len()),
        pending: 0,
    };
    let bytes = text.as_bytes();
    let mut at = 0;
    // The first `>` at or after this offset, or `None` when there is none: kept so that many `<`
    // without a `>` cost one scan, not one each.
    let mut next_close: Option<Option<usize>> = None;
    while at < bytes.len() {
        let Some(next) = memchr::memchr2(b'<', b'&', &bytes[at..]).map(|i| at + i) else {
            out.copy(&text[at..]);
            break;
        };
        out.copy(&text[at..next]);
        at = next;
        if bytes[at] == b'&' {
            at = out.reference(text, at);
            continue;
        }
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            let end =
                memchr::memmem::find(&rest[3..], b"-->").map_or(bytes.len(), |i| at + 4 + i + 3);
            out.blank(&text[at..end], false);
            at = end;
            continue;
        }
        let name = tag_name(rest);
        let is_tag = name.is_some() || rest.starts_with(b"!") || rest.starts_with(b"?");
        let close = match next_close {
            Some(Some(close)) if close > at => Some(close),
            Some(None) => None,
            _ => {
                let found = memchr::memchr(b'>', &bytes[at..]).map(|i| at + i);
                next_close = Some(found);
                found
            }
        };
        let (true, Some(close)) = (is_tag, close) else {
            // A lone `<` is text.
            out.copy("<");
            at += 1;
            continue;
        };
        let mut end = close + 1;
        let name = name.unwrap_or_default();
        let opens_hidden = !rest.starts_with(b"/") && HIDDEN_ELEMENTS.contains(&name.as_str());
        if opens_hidden {
            // Up to and including the end tag, or to the end of the text when it never comes.
            end = find_end_tag(bytes, end, &name).unwrap_or(bytes.len());
        }
        out.blank(&text[at..end], BLOCK_ELEMENTS.contains(&name.as_str()));
        at = end;
    }
    out.flush();
    Cow::Owned(out.text)
}

/// The text being rebuilt, with spaces owed by a reference inside a word.
struct Blanked {
    text: String,
    /// Spaces to write where the current word ends.
    pending: usize,
}

impl Blanked {
    /// Copies text as it is; owed spaces go in before the first character that is not part of a word.
    fn copy(&mut self, piece: &str) {
        if self.pending == 0 {
            self.text.push_str(piece);
            return;
        }
        match piece.char_indices().find(|&(_, c)| !c.is_alphanumeric()) {
            Some((i, _)) => {
                self.text.push_str(&piece[..i]);
                self.flush();
                self.text.push_str(&piece[i..]);
            }
            None => self.text.push_str(piece),
        }
    }

    fn flush(&mut self) {
        self.text.extend(std::iter::repeat_n(' ', self.pending));
        self.pending = 0;
    }

    /// Overwrites markup with spaces, code point for code point; a block tag starts a new line.
    fn blank(&mut self, markup: &str, breaks_line: bool) {
        self.flush();
        let mut n = markup.chars().count();
        if breaks_line && n > 0 {
            self.text.push('\n');
            n -= 1;
        }
        self.text.extend(std::iter::repeat_n(' ', n));
    }

    /// Handles the `&` at `at`: a character reference is written as its character plus spaces, anything
    /// else as the `&` itself. Returns where to go on.
    fn reference(&mut self, text: &str, at: usize) -> usize {
        let Some((decoded, end)) = decode_reference(text, at) else {
            self.copy("&");
            return at + 1;
        };
        // References are ASCII, so bytes are code points.
        let padding = end - at - 1;
        let before_word = text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let after_word = text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        let decoded = decoded.unwrap_or(' ');
        match (before_word, after_word) {
            (false, true) => {
                self.flush();
                self.text.extend(std::iter::repeat_n(' ', padding));
                self.text.push(decoded);
            }
            (true, true) => {
                self.text.push(decoded);
                self.pending += padding;
            }
            _ => {
                self.flush();
                self.text.push(decoded);
                self.text.extend(std::iter::repeat_n(' ', padding));
            }
        }
        end
    }
}

/// The character of the reference at `at` (`None` for one tenor does not know, or a control
/// character) and the offset just after its `;`; `None` when no reference starts there.
fn decode_reference(text: &str, at: usize) -> Option<(Option<char>, usize)> {
    let rest = text.get(at + 1..)?;
    let semicolon = rest.bytes().take(12).position(|b| b == b';')?;
    let body = &rest[..semicolon];
    let end = at + 1 + semicolon + 1;
    if let Some(number) = body.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        let c = char::from_u32(value).filter(|c| !c.is_control());
        return Some((c, end));
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let decoded = NAMED_REFERENCES
        .iter()
        .find(|(name, _)| *name == body)
        .map(|&(_, c)| c);
    Some((decoded, end))
}

/// The lowercased element name of a tag whose `<` has just been read (`rest` follows it): letters and
/// digits after an optional `/`, ended by space, `>` or `/`.
fn tag_name(rest: &[u8]) -> Option<String> {
    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
    if !rest.first()?.is_ascii_alphabetic() {
        return None;
    }
    let length = rest
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    match rest.get(length) {
        None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r') if length <= 12 => {
            Some(String::from_utf8_lossy(&rest[..length]).to_ascii_lowercase())
        }
        _ => None,
    }
}

fn is_known_element(name: &str) -> bool {
    BLOCK_ELEMENTS.contains(&name) || INLINE_ELEMENTS.contains(&name)
}

/// The offset just after `</name ...>` at or after `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let finder = memchr::memmem::Finder::new(b"</");
    let mut at = from;
    while let Some(i) = finder.find(&bytes[at..]) {
        let start = at + i;
        let rest = &bytes[start + 2..];
        if starts_with_ignore_case(rest, name.as_bytes())
            && rest
                .get(name.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            let close = memchr::memchr(b'>', rest)?;
            return Some(start + 2 + close + 1);
        }
        at = start + 2;
    }
    None
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The character at each code point offset of `original` that is not markup, found at the same
    /// offset of the blanked text.
    fn same_at(original: &str, blanked: &str, what: char) -> bool {
        let a: Vec<char> = original.chars().collect();
        let b: Vec<char> = blanked.chars().collect();
        a.iter()
            .zip(&b)
            .filter(|(x, _)| **x == what)
            .all(|(x, y)| x == y)
    }

    #[test]
    fn plain_text_is_left_alone() {
        let text = "Shares rose 3% as x < y. “We <b>won</b>,” she said.";
        assert!(matches!(blank_markup(text), Cow::Borrowed(_)));
    }

    #[test]
    fn tags_scripts_and_comments_become_spaces_of_equal_length() {
        let html = "<html><head><style>p { color: red }</style><script>var said = 1;</script></head>\
                    <body><!-- said --><p>Talks <b>failed</b>.</p></body></html>";
        let text = blank_markup(html);
        assert_eq!(text.chars().count(), html.chars().count());
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            ["Talks", "failed", "."]
        );
    }

    #[test]
    fn block_tags_keep_paragraphs_apart() {
        let text = blank_markup("<p>One.</p><p>Two.</p><div>Three.</div>");
        let paragraphs: Vec<&str> = text
            .split('\n')
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        assert_eq!(paragraphs, ["One.", "Two.", "Three."]);
        assert!(text.contains("\n   \n"), "{text:?}");
    }

    #[test]
    fn references_keep_quotation_marks_glued_to_their_words() {
        let html = "<p>&ldquo;We are ready,&rdquo; she said. It&rsquo;s late &amp; AT&amp;T left.</p><p></p>";
        let text = blank_markup(html);
        assert_eq!(text.chars().count(), html.chars().count());
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "“We",
                "are",
                "ready,”",
                "she",
                "said.",
                "It’s",
                "late",
                "&",
                "AT&T",
                "left."
            ]
        );
        // The opening mark's words and the closing mark's punctuation keep their offsets.
        assert!(same_at(html, &text, 'W'));
        assert!(same_at(html, &text, ','));
        assert!(same_at(html, &text, '.'));
    }

    #[test]
    fn unknown_and_broken_references_and_lone_brackets_are_text_or_blank() {
        let html = "<p>a &bogus; b &#0; c & d &#xZZ; e < f</p><br><br>";
        let text = blank_markup(html);
        assert_eq!(text.chars().count(), html.chars().count());
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            ["a", "b", "c", "&", "d", "&#xZZ;", "e", "<", "f"]
        );
    }

    #[test]
    fn an_unclosed_script_blanks_to_the_end_and_many_lone_brackets_stay_text() {
        let html = format!("<p>x</p><p>y</p>{}<script>alert(1)", "<a".repeat(1000));
        let text = blank_markup(&html);
        assert_eq!(text.chars().count(), html.chars().count());
        assert!(!text.contains("alert"));
        assert_eq!(text.matches("<a").count(), 1000);
    }
}
