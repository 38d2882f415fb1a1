//! Drawing the report: inline SVG charts and the HTML around them, appended to one page buffer.
//!
//! Colours are safe for the common colour-vision deficiencies and survive greyscale printing: signed
//! scores on a diverging orange (low) – near white (0) – blue (high) scale, 0..1 scores on viridis
//! run from light (none) to dark (high), framing classes in the Okabe–Ito palette with greys. Every
//! chart carries its values as text or in tooltips, and every name is escaped. Choosing what to draw
//! is left to the parent module.

use std::fmt::Write as _;

use super::{
    Extremes, FRAMING_SLOTS, Interval, ListedQuote, RunSummary, SHOWN_SCORES, Scale, ShownScore,
};
use crate::quotes::Framing;

pub(super) const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  margin: 24px auto; max-width: 1400px; padding: 0 16px; color: #1d1d1d; background: #fff; line-height: 1.4; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 6px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 13px; margin: 6px 0; color: #444; text-transform: uppercase; letter-spacing: .04em; }
.meta { color: #444; margin: 0 0 6px; }
nav a { color: #0b5394; }
.note { color: #444; font-size: 14px; max-width: 70em; }
.scales { font-size: 13px; color: #333; display: flex; flex-wrap: wrap; gap: 6px 22px; align-items: center; }
.scales span.ramp { display: inline-block; width: 90px; height: 10px; vertical-align: middle; border: 1px solid #bbb; }
.empty { color: #666; font-style: italic; }
figure.chart { margin: 16px 0 26px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-size: 14px; margin-bottom: 4px; }
svg { max-width: 100%; height: auto; font-family: inherit; }
.ends { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 28px; }
.score-quotes { break-inside: avoid; page-break-inside: avoid; }
ol.quotes { margin: 0; padding-left: 22px; font-size: 14px; }
ol.quotes li { margin: 0 0 8px; }
.value { display: inline-block; min-width: 48px; text-align: center; font-variant-numeric: tabular-nums;
  border-radius: 3px; padding: 0 4px; font-size: 12px; font-weight: 600; border: 1px solid #999; }
.who { color: #444; }
.evidence { font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace; font-size: 11.5px; color: #555;
  overflow-wrap: anywhere; }
table.counts { border-collapse: collapse; font-size: 12.5px; margin-top: 10px; font-variant-numeric: tabular-nums; }
table.counts th, table.counts td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
table.counts th:first-child, table.counts td:first-child { text-align: left; }
footer { margin: 40px 0 10px; color: #666; font-size: 12px; }
@media print {
  body { margin: 0; max-width: none; }
  nav { display: none; }
  section { break-before: auto; }
  h2 { break-after: avoid; }
}
@page { size: A4 landscape; margin: 12mm; }
";

/// The score colour keys shown under the title.
pub(super) const SCALE_NOTE: &str = "<p class=\"scales\"><span>Colour keys:</span>\
<span><span class=\"ramp\" style=\"background: linear-gradient(to right, #b35806, #f1a340, #f7f7f7, #92c5de, #2166ac)\"></span> \
signed scores −1 … 1 (orange low, blue high)</span>\
<span><span class=\"ramp\" style=\"background: linear-gradient(to right, #f7f7f7, #fde725, #5ec962, #21918c, #3b528b, #440154)\"></span> \
threat and irony 0 … 1 (light none, dark high)</span></p>\n";

/// HTML-escapes `text` for element content and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters with an ellipsis.
fn short(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
    }
}

/// A row's name, right-aligned at `x`: cut to fit, with the full name as its tooltip when cut.
fn row_label(page: &mut String, x: f64, y: f64, name: &str) {
    const FITS: usize = 30;
    let shown = short(name, FITS);
    if shown == name {
        let _ = writeln!(
            page,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\">{}</text>",
            escape(name)
        );
    } else {
        let _ = writeln!(
            page,
            "<g><title>{}</title><text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\">{}</text></g>",
            escape(name),
            escape(&shown)
        );
    }
}

/// A value with two decimals and a true minus sign.
fn two(value: f64) -> String {
    let shown = format!("{value:.2}");
    match shown.strip_prefix('-') {
        Some("0.00") => "0.00".to_string(),
        Some(rest) => format!("−{rest}"),
        None => shown,
    }
}

type Rgb = [u8; 3];

const DIVERGING: [(f64, Rgb); 5] = [
    (-1.0, [0xb3, 0x58, 0x06]),
    (-0.5, [0xf1, 0xa3, 0x40]),
    (0.0, [0xf7, 0xf7, 0xf7]),
    (0.5, [0x92, 0xc5, 0xde]),
    (1.0, [0x21, 0x66, 0xac]),
];

/// Viridis from its light end to its dark end, led in from the near white of a zero so that "none",
/// the most common value of threat and irony, stays quiet on the page.
const VIRIDIS: [(f64, Rgb); 9] = [
    (0.0, [0xf7, 0xf7, 0xf7]),
    (0.1, [0xfd, 0xe7, 0x25]),
    (0.2, [0xad, 0xdc, 0x30]),
    (0.3, [0x5e, 0xc9, 0x62]),
    (0.45, [0x21, 0x91, 0x8c]),
    (0.6, [0x2c, 0x72, 0x8e]),
    (0.75, [0x3b, 0x52, 0x8b]),
    (0.9, [0x47, 0x2d, 0x7b]),
    (1.0, [0x44, 0x01, 0x54]),
];

const BAR_HIGH: &str = "#2c7bb6";
const BAR_LOW: &str = "#e08214";
const BAR_UNIT: &str = "#3b528b";

/// Okabe–Ito colours for the framing classes in the order of [`Framing::ALL`], then no cue.
const FRAMING_COLOURS: [&str; FRAMING_SLOTS] = [
    "#bbbbbb", // neutral
    "#009e73", // endorse
    "#e69f00", // distance
    "#56b4e9", // concede
    "#d55e00", // conflict
    "#0072b2", // cooperate
    "#f0e442", // humour
    "#cc79a7", // affect
    "#555555", // tentative
    "#eeeeee", // no cue
];

fn ramp(stops: &[(f64, Rgb)], t: f64) -> Rgb {
    let first = stops[0];
    let last = stops[stops.len() - 1];
    if t.is_nan() || t <= first.0 {
        return first.1;
    }
    if t >= last.0 {
        return last.1;
    }
    for pair in stops.windows(2) {
        let ((a, ca), (b, cb)) = (pair[0], pair[1]);
        if t <= b {
            let f = (t - a) / (b - a);
            let mix =
                |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
            return [mix(ca[0], cb[0]), mix(ca[1], cb[1]), mix(ca[2], cb[2])];
        }
    }
    last.1
}

/// The colour of `value` on `scale` over a domain of half-width (signed) or width (unit) `domain`.
fn colour(scale: Scale, value: f64, domain: f64) -> Rgb {
    let t = value / domain;
    match scale {
        Scale::Signed => ramp(&DIVERGING, t.clamp(-1.0, 1.0)),
        Scale::Unit => ramp(&VIRIDIS, t.clamp(0.0, 1.0)),
    }
}

fn hex(rgb: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// Dark text on light fills, white on dark.
fn ink(rgb: Rgb) -> &'static str {
    let [r, g, b] = rgb.map(f64::from);
    if 0.2126 * r + 0.7152 * g + 0.0722 * b < 128.0 {
        "#ffffff"
    } else {
        "#1d1d1d"
    }
}

fn hex_ink(colour: &str) -> &'static str {
    let byte =
        |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255);
    ink([byte(1), byte(3), byte(5)])
}

/// The smallest of a few round numbers at or above `max`, so that axes read 0.25 or 0.5, not 0.37.
fn nice(max: f64) -> f64 {
    [0.1, 0.2, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .find(|&n| max <= n + 1e-9)
        .unwrap_or(1.0)
}

/// Mean scores of each speaker with whiskers for the intervals: one panel per score, sharing the
/// speaker axis.
pub(super) fn speaker_bars(page: &mut String, run: &RunSummary) {
    const LABEL: f64 = 210.0;
    const COUNT: f64 = 40.0;
    const PANEL: f64 = 168.0;
    const GAP: f64 = 18.0;
    const ROW: f64 = 20.0;
    const TOP: f64 = 44.0;
    const BOTTOM: f64 = 26.0;
    let rows = run.speakers.len();
    let width = LABEL + COUNT + SHOWN_SCORES.len() as f64 * (PANEL + GAP);
    let height = TOP + rows as f64 * ROW + BOTTOM;
    let _ = write!(
        page,
        "<figure class=\"chart\"><figcaption>Mean of each score per speaker, the most quoted first. \
         Blue bars above 0, orange below.</figcaption>\n\
         <svg data-chart=\"speaker-bars\" role=\"img\" aria-label=\"Mean scores per speaker\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">\n"
    );
    for row in (0..rows).step_by(2) {
        let y = TOP + row as f64 * ROW;
        let _ = writeln!(
            page,
            "<rect x=\"0\" y=\"{y}\" width=\"{width}\" height=\"{ROW}\" fill=\"#f3f3f3\"/>"
        );
    }
    let _ = writeln!(
        page,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">n</text>",
        LABEL + COUNT - 6.0,
        TOP - 6.0
    );
    for (row, speaker) in run.speakers.iter().enumerate() {
        let y = TOP + row as f64 * ROW + ROW / 2.0 + 4.0;
        row_label(page, LABEL - 6.0, y, &speaker.name);
        let _ = writeln!(
            page,
            "<text x=\"{}\" y=\"{y}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            LABEL + COUNT - 6.0,
            speaker.quotes
        );
    }
    for (panel, score) in SHOWN_SCORES.iter().enumerate() {
        let x0 = LABEL + COUNT + panel as f64 * (PANEL + GAP) + GAP / 2.0;
        let largest = run
            .speakers
            .iter()
            .filter_map(|s| s.means[panel])
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let domain = nice(largest * 1.25);
        let (low, high) = match score.scale {
            Scale::Signed => (-domain, domain),
            Scale::Unit => (0.0, domain),
        };
        let x = |v: f64| x0 + (v.clamp(low, high) - low) / (high - low) * PANEL;
        let _ = writeln!(
            page,
            "<text x=\"{}\" y=\"14\" text-anchor=\"middle\" font-weight=\"600\" font-size=\"13\">{}</text>\
             <text x=\"{x0}\" y=\"30\" font-size=\"10.5\" fill=\"#555\">← {}</text>\
             <text x=\"{}\" y=\"30\" text-anchor=\"end\" font-size=\"10.5\" fill=\"#555\">{} →</text>",
            x0 + PANEL / 2.0,
            score.name,
            score.low,
            x0 + PANEL,
            score.high
        );
        let axis_top = TOP - 4.0;
        let axis_bottom = TOP + rows as f64 * ROW;
        let _ = writeln!(
            page,
            "<line x1=\"{x0}\" x2=\"{x0}\" y1=\"{axis_top}\" y2=\"{axis_bottom}\" stroke=\"#ccc\"/>\
             <line x1=\"{0}\" x2=\"{0}\" y1=\"{axis_top}\" y2=\"{axis_bottom}\" stroke=\"#ccc\"/>\
             <line x1=\"{1}\" x2=\"{1}\" y1=\"{axis_top}\" y2=\"{axis_bottom}\" stroke=\"#777\"/>",
            x0 + PANEL,
            x(0.0)
        );
        // The end labels stay inside their panel so that neighbouring panels' labels never touch.
        for (tick, anchor) in [
            (low, "start"),
            ((low + high) / 2.0, "middle"),
            (high, "end"),
        ] {
            let _ = writeln!(
                page,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"10.5\" fill=\"#555\">{}</text>",
                x(tick),
                axis_bottom + 15.0,
                two(tick)
            );
        }
        for (row, speaker) in run.speakers.iter().enumerate() {
            let Some(mean) = speaker.means[panel] else {
                continue;
            };
            let y = TOP + row as f64 * ROW;
            let fill = match score.scale {
                Scale::Signed if mean < 0.0 => BAR_LOW,
                Scale::Signed => BAR_HIGH,
                Scale::Unit => BAR_UNIT,
            };
            let (a, b) = (x(0.0).min(x(mean)), x(0.0).max(x(mean)));
            let interval = speaker.intervals[panel];
            let mut tip = format!("{}: {} mean {}", speaker.name, score.name, two(mean));
            if let Some(Interval { low, high }) = interval {
                let _ = write!(tip, ", 95% interval {} to {}", two(low), two(high));
            }
            let _ = write!(tip, ", {} quotes", speaker.quotes);
            let _ = write!(
                page,
                "<g><title>{}</title><rect x=\"{a:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>",
                escape(&tip),
                y + ROW * 0.22,
                (b - a).max(1.0),
                ROW * 0.56
            );
            if let Some(Interval { low: l, high: h }) = interval {
                let cy = y + ROW / 2.0;
                let (xl, xh) = (x(l), x(h));
                let _ = write!(
                    page,
                    "<line x1=\"{xl:.1}\" x2=\"{xh:.1}\" y1=\"{cy:.1}\" y2=\"{cy:.1}\" stroke=\"#1d1d1d\" stroke-width=\"1.3\"/>"
                );
                // A cap marks an end inside the axis; an end cut by the axis has none.
                for (end, at) in [(l, xl), (h, xh)] {
                    if end > low && end < high {
                        let _ = write!(
                            page,
                            "<line x1=\"{at:.1}\" x2=\"{at:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1d1d1d\" stroke-width=\"1.3\"/>",
                            cy - 4.0,
                            cy + 4.0
                        );
                    }
                }
            }
            page.push_str("</g>\n");
        }
    }
    page.push_str("</svg></figure>\n");
}

/// One speaker × topic heatmap of score `index`.
pub(super) fn heatmap(page: &mut String, run: &RunSummary, index: usize, score: &ShownScore) {
    const LABEL: f64 = 210.0;
    const CELL_W: f64 = 38.0;
    const CELL_H: f64 = 20.0;
    const TOP: f64 = 112.0;
    const RIGHT: f64 = 80.0;
    const LEGEND: f64 = 56.0;
    let rows = run.speakers.len();
    let columns = run.topics.len();
    let width = (LABEL + columns as f64 * CELL_W + RIGHT).max(LABEL + 330.0);
    let height = TOP + rows as f64 * CELL_H + LEGEND;
    let largest = run
        .cells
        .iter()
        .flatten()
        .flatten()
        .filter_map(|c| c.means[index])
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let domain = nice(largest);
    let (scale_words, ramp_name) = match score.scale {
        Scale::Signed => ("orange", "blue"),
        Scale::Unit => ("light", "dark"),
    };
    let _ = write!(
        page,
        "<figure class=\"chart\"><figcaption><b>{}</b>: {} ({scale_words}) to {} ({ramp_name})</figcaption>\n\
         <svg data-chart=\"heatmap-{}\" role=\"img\" aria-label=\"{} by speaker and topic\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">\n",
        score.name, score.low, score.high, score.name, score.name
    );
    for (c, topic) in run.topics.iter().enumerate() {
        let x = LABEL + c as f64 * CELL_W + CELL_W / 2.0;
        let _ = writeln!(
            page,
            "<text transform=\"translate({x:.1},{:.1}) rotate(-50)\" font-size=\"11.5\">{}</text>",
            TOP - 6.0,
            escape(&short(&topic.replace('_', " "), 22))
        );
    }
    for (r, speaker) in run.speakers.iter().enumerate() {
        let y = TOP + r as f64 * CELL_H;
        row_label(page, LABEL - 6.0, y + CELL_H / 2.0 + 4.0, &speaker.name);
        for (c, cell) in run.cells[r].iter().enumerate() {
            let x = LABEL + c as f64 * CELL_W;
            let Some((cell, mean)) = cell
                .as_ref()
                .and_then(|cell| Some((cell, cell.means[index]?)))
            else {
                let _ = writeln!(
                    page,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL_W}\" height=\"{CELL_H}\" fill=\"#ffffff\" stroke=\"#e4e4e4\"/>"
                );
                continue;
            };
            let fill = colour(score.scale, mean, domain);
            let _ = writeln!(
                page,
                "<g><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL_W}\" height=\"{CELL_H}\" \
                 fill=\"{}\" stroke=\"#ffffff\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" \
                 font-size=\"10.5\" fill=\"{}\">{}</text></g>",
                escape(&format!(
                    "{} · {}: {} mean {} over {} quote{}",
                    speaker.name,
                    run.topics[c],
                    score.name,
                    two(mean),
                    cell.quotes,
                    if cell.quotes == 1 { "" } else { "s" }
                )),
                hex(fill),
                x + CELL_W / 2.0,
                y + CELL_H / 2.0 + 3.5,
                ink(fill),
                two(mean)
            );
        }
    }
    // Legend: the colour ramp over the domain, with its ends named.
    let ly = TOP + rows as f64 * CELL_H + 18.0;
    let id = format!("ramp-{}", score.name);
    let (low, high) = match score.scale {
        Scale::Signed => (-domain, domain),
        Scale::Unit => (0.0, domain),
    };
    let _ = write!(page, "<defs><linearGradient id=\"{id}\">");
    for i in 0..=10 {
        let v = low + (high - low) * f64::from(i) / 10.0;
        let _ = write!(
            page,
            "<stop offset=\"{}%\" stop-color=\"{}\"/>",
            i * 10,
            hex(colour(score.scale, v, domain))
        );
    }
    let _ = writeln!(page, "</linearGradient></defs>");
    let lw = 240.0;
    let _ = writeln!(
        page,
        "<rect x=\"{LABEL}\" y=\"{ly:.1}\" width=\"{lw}\" height=\"10\" fill=\"url(#{id})\" stroke=\"#999\"/>\
         <text x=\"{LABEL}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"#444\">{} {}</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10.5\" fill=\"#444\" text-anchor=\"end\">{} {}</text>",
        ly + 24.0,
        two(low),
        score.low,
        LABEL + lw,
        ly + 24.0,
        score.high,
        two(high)
    );
    page.push_str("</svg></figure>\n");
}

/// The quotes at each end of one score.
pub(super) fn quote_lists(page: &mut String, score: &ShownScore, extremes: &Extremes) {
    let _ = writeln!(
        page,
        "<div class=\"score-quotes\"><h3>{}</h3><div class=\"ends\">",
        score.name
    );
    let list = |page: &mut String, heading: &str, quotes: &[ListedQuote]| {
        let _ = write!(page, "<div><h4>{}</h4>", escape(heading));
        if quotes.is_empty() {
            page.push_str("<p class=\"empty\">None.</p></div>\n");
            return;
        }
        page.push_str("<ol class=\"quotes\">\n");
        for quote in quotes {
            let fill = colour(score.scale, quote.value, 1.0);
            let speaker = if quote.speaker.is_empty() {
                "no speaker found".to_string()
            } else {
                quote.speaker.clone()
            };
            let _ = writeln!(
                page,
                "<li><span class=\"value\" style=\"background:{};color:{}\">{}</span> \
                 <q>{}</q> <span class=\"who\">— {}, {}</span><div class=\"evidence\">{}</div></li>",
                hex(fill),
                ink(fill),
                two(quote.value),
                escape(&quote.text),
                escape(&speaker),
                escape(&quote.article_id),
                escape(&quote.evidence)
            );
        }
        page.push_str("</ol></div>\n");
    };
    list(page, &format!("most {}", score.high), &extremes.highest);
    if score.scale == Scale::Signed {
        list(page, &format!("most {}", score.low), &extremes.lowest);
    }
    page.push_str("</div></div>\n");
}

fn framing_name(slot: usize) -> &'static str {
    Framing::ALL.get(slot).map_or("no cue", |f| f.as_str())
}

/// Shares of the framing classes per outlet as stacked bars, and their counts as a table.
pub(super) fn framing(page: &mut String, run: &RunSummary) {
    const LABEL: f64 = 210.0;
    const COUNT: f64 = 56.0;
    const BAR: f64 = 1000.0;
    const ROW: f64 = 24.0;
    const TOP: f64 = 50.0;
    let mut rows: Vec<(String, &[u64; FRAMING_SLOTS])> = run
        .outlets
        .iter()
        .map(|o| {
            let name = if o.outlet.is_empty() {
                "(no outlet given)".to_string()
            } else {
                o.outlet.clone()
            };
            (name, &o.counts)
        })
        .collect();
    if let Some((n, other)) = &run.other_outlets {
        rows.push((format!("{n} other outlets"), &other.counts));
    }
    if rows.is_empty() {
        page.push_str("<p class=\"empty\">No quotes.</p>\n");
        return;
    }
    let width = LABEL + COUNT + BAR + 10.0;
    let height = TOP + rows.len() as f64 * ROW + 10.0;
    let _ = write!(
        page,
        "<figure class=\"chart\"><figcaption>Share of each outlet's quotes by the framing of their \
         reporting cue; n is the number of quotes.</figcaption>\n\
         <svg data-chart=\"framing\" role=\"img\" aria-label=\"Framing by outlet\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\" font-size=\"12\">\n"
    );
    // Legend.
    let mut lx = LABEL + COUNT;
    for (slot, colour) in FRAMING_COLOURS.iter().enumerate() {
        let name = framing_name(slot);
        let _ = writeln!(
            page,
            "<rect x=\"{lx:.1}\" y=\"8\" width=\"14\" height=\"14\" fill=\"{colour}\" stroke=\"#888\"/>\
             <text x=\"{:.1}\" y=\"19\" font-size=\"12\">{name}</text>",
            lx + 18.0
        );
        lx += 30.0 + name.len() as f64 * 6.8;
    }
    let _ = writeln!(
        page,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">n</text>",
        LABEL + COUNT - 8.0,
        TOP - 6.0
    );
    for (r, (name, counts)) in rows.iter().enumerate() {
        let y = TOP + r as f64 * ROW;
        let total: u64 = counts.iter().sum();
        row_label(page, LABEL - 6.0, y + ROW / 2.0 + 4.0, name);
        let _ = writeln!(
            page,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{total}</text>",
            LABEL + COUNT - 8.0,
            y + ROW / 2.0 + 4.0
        );
        if total == 0 {
            continue;
        }
        let mut x = LABEL + COUNT;
        for (slot, &count) in counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let share = count as f64 / total as f64;
            let w = share * BAR;
            let colour = FRAMING_COLOURS[slot];
            let _ = write!(
                page,
                "<g><title>{}: {} {count} of {total} ({:.0}%)</title>\
                 <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{colour}\" stroke=\"#ffffff\"/>",
                escape(name),
                framing_name(slot),
                share * 100.0,
                y + 3.0,
                ROW - 6.0
            );
            if w >= 34.0 {
                let _ = write!(
                    page,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"{}\">{:.0}%</text>",
                    x + w / 2.0,
                    y + ROW / 2.0 + 4.0,
                    hex_ink(colour),
                    share * 100.0
                );
            }
            page.push_str("</g>\n");
            x += w;
        }
    }
    page.push_str("</svg></figure>\n");

    // The counts, for reading exact numbers and for print.
    page.push_str("<table class=\"counts\"><thead><tr><th>outlet</th><th>quotes</th>");
    for slot in 0..FRAMING_SLOTS {
        let _ = write!(page, "<th>{}</th>", framing_name(slot));
    }
    page.push_str("</tr></thead><tbody>\n");
    for (name, counts) in &rows {
        let total: u64 = counts.iter().sum();
        let _ = write!(page, "<tr><td>{}</td><td>{total}</td>", escape(name));
        for &count in counts.iter() {
            let _ = write!(page, "<td>{count}</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn signed_colours_run_orange_to_white_to_blue() {
        assert_eq!(hex(colour(Scale::Signed, -1.0, 1.0)), "#b35806");
        assert_eq!(hex(colour(Scale::Signed, 0.0, 1.0)), "#f7f7f7");
        assert_eq!(hex(colour(Scale::Signed, 0.5, 0.5)), "#2166ac");
        // Beyond the domain the ends hold.
        assert_eq!(hex(colour(Scale::Signed, -3.0, 1.0)), "#b35806");
    }

    #[test]
    fn unit_colours_run_light_to_dark_and_text_stays_readable() {
        let none = colour(Scale::Unit, 0.0, 1.0);
        let high = colour(Scale::Unit, 1.0, 1.0);
        assert_eq!(ink(none), "#1d1d1d");
        assert_eq!(ink(high), "#ffffff");
    }

    #[test]
    fn axes_use_round_ends() {
        assert_eq!(nice(0.07), 0.1);
        assert_eq!(nice(0.3), 0.5);
        assert_eq!(nice(0.25), 0.25);
        assert_eq!(nice(4.0), 1.0);
    }

    #[test]
    fn values_use_a_true_minus_and_no_negative_zero() {
        assert_eq!(two(-0.25), "−0.25");
        assert_eq!(two(-0.001), "0.00");
        assert_eq!(two(0.5), "0.50");
    }
}
