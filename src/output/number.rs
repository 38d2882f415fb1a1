//! Numbers as the tables print them: scores with four decimals, evidence values with two, counts as
//! integers, each appended straight to a row's bytes. Integer arithmetic gives the digits; Rust's
//! exact float formatter, which costs more than the rest of a row, is kept for the rare value that
//! lies within rounding error of a tie. Which cell a number goes in, and quoting, are left to the
//! table writers.

/// `"00"` to `"99"`: two digits a division.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

/// A score rounded to four decimals.
enum Rounded {
    /// Ten-thousandths, from integer arithmetic on a value that is nowhere near a tie.
    Units(i64),
    /// A value near a tie or far out of range: only the exact formatter gets its digits right.
    NearTie,
    /// NaN or an infinity, which every format writes as blank.
    NotFinite,
}

#[inline]
fn round_score(value: f64) -> Rounded {
    if !value.is_finite() {
        return Rounded::NotFinite;
    }
    let scaled = value * 10_000.0;
    // Scaling and rounding give the exact formatter's digits unless the value lies within rounding
    // error of a tie, which is left to it. Below 1e9 that error is under 1e-6 of a unit, well inside
    // the margin taken below.
    if scaled.abs() >= 1e9 {
        return Rounded::NearTie;
    }
    // Truncation and an exact subtraction rather than `f64::round`, a call into libm on baseline
    // x86-64 that costs a third of the cell.
    let whole = scaled as i64;
    let fraction = scaled - whole as f64;
    let distance_to_tie = (fraction.abs() - 0.5).abs();
    if distance_to_tie <= 0.000_01 {
        Rounded::NearTie
    } else if fraction > 0.5 {
        Rounded::Units(whole + 1)
    } else if fraction < -0.5 {
        Rounded::Units(whole - 1)
    } else {
        Rounded::Units(whole)
    }
}

/// Appends finite `value` with exactly four decimals and `decimal_mark` for the point, as
/// `format!("{value:.4}")` prints it, except that a value that rounds to zero prints as `0.0000`
/// whatever its sign: a `-0.0000` in a table means nothing. NaN and infinities, which no stage should
/// produce, append nothing and return false.
#[inline]
pub(super) fn push_score(value: f64, decimal_mark: u8, out: &mut Vec<u8>) -> bool {
    match round_score(value) {
        Rounded::Units(units) => {
            push_fixed4(units, decimal_mark, out);
            true
        }
        Rounded::NearTie => {
            push_exact_score(value, decimal_mark, out);
            true
        }
        Rounded::NotFinite => false,
    }
}

/// [`push_score`] through Rust's exact formatter. Out of line: its `String` would otherwise give every
/// cell a stack frame to set up and tear down.
#[cold]
#[inline(never)]
fn push_exact_score(value: f64, decimal_mark: u8, out: &mut Vec<u8>) {
    let mut exact = format!("{value:.4}");
    if exact == "-0.0000" {
        exact.remove(0);
    }
    let start = out.len();
    out.extend_from_slice(exact.as_bytes());
    if let Some(point) = out[start..].iter().position(|&b| b == b'.') {
        out[start + point] = decimal_mark;
    }
}

/// The number a table shows for `value`: what [`push_score`] prints, read back; `None` for NaN and
/// infinities.
pub(super) fn shown_score(value: f64) -> Option<f64> {
    match round_score(value) {
        // Both are exact in an f64, so the division rounds as parsing the printed digits does.
        Rounded::Units(units) => Some(units as f64 / 10_000.0),
        Rounded::NearTie => {
            let mut printed = Vec::with_capacity(32);
            push_score(value, b'.', &mut printed);
            std::str::from_utf8(&printed).ok()?.parse().ok()
        }
        Rounded::NotFinite => None,
    }
}

/// `units / 10^4` with exactly four decimals after `decimal_mark` and at least one digit before it.
#[inline]
fn push_fixed4(units: i64, decimal_mark: u8, out: &mut Vec<u8>) {
    let magnitude = units.unsigned_abs();
    if magnitude < 100_000 {
        // Scores lie in -1..=1: one digit before the point. The cell is laid out in one register,
        // sign first, and appended in one move of a fixed length.
        let cell =
            (u64::from(b'-') | fixed4_digits(magnitude as u32, decimal_mark) << 8).to_le_bytes();
        if units < 0 {
            out.extend_from_slice(&cell[..7]);
        } else {
            out.extend_from_slice(&cell[1..7]);
        }
    } else {
        push_long_fixed4(units, decimal_mark, out);
    }
}

/// The six bytes of `magnitude / 10^4` (below ten) with four decimals, little-endian in a register:
/// a digit, the decimal mark and two loads of digit pairs.
#[inline(always)]
fn fixed4_digits(magnitude: u32, decimal_mark: u8) -> u64 {
    let (whole, fraction) = (magnitude / 10_000, (magnitude % 10_000) as usize);
    let pair = |i: usize| u64::from(u16::from_le_bytes(DIGIT_PAIRS[i]));
    u64::from(b'0' + whole as u8)
        | u64::from(decimal_mark) << 8
        | pair(fraction / 100) << 16
        | pair(fraction % 100) << 32
}

/// Score cells laid out in a local buffer before one move onto a row: room for this many, a row's
/// nine scores (or nine means, or half its interval ends).
const CELLS_PER_MOVE: usize = 9;

/// A score cell, its delimiter first, little-endian in a register, and its length: `units / 10^4`
/// with four decimals, for `units` below 10^5 in magnitude (a value in -10..10).
#[inline(always)]
fn delimited_cell(units: i64, delimiter: u8, decimal_mark: u8) -> (u64, usize) {
    let digits = fixed4_digits(units.unsigned_abs() as u32, decimal_mark);
    if units < 0 {
        (
            u64::from(delimiter) | u64::from(b'-') << 8 | digits << 16,
            8,
        )
    } else {
        (u64::from(delimiter) | digits << 8, 7)
    }
}

/// Appends each of `values`, `delimiter` before each, as [`push_score`] prints it (nothing for NaN
/// and infinities): the score cells of a delimited row after its first field.
///
/// An `f32` times 10^4 is exact in an `f64` (24 bits of mantissa and 14 of factor), so its
/// rounding to ten-thousandths needs no margin for error: adding 1.5 x 2^52 rounds it to the
/// nearest integer, ties to even, as Rust's exact formatter breaks them, and leaves that integer in
/// the low bits of the sum. A cell in -10..10 is then at most eight bytes with its delimiter, laid
/// out in one register and stored in a local buffer, which goes onto the row in one move; other
/// values take [`push_score`].
pub(super) fn push_delimited_scores(
    values: &[f32],
    delimiter: u8,
    decimal_mark: u8,
    out: &mut Vec<u8>,
) {
    const ROUNDING: f64 = 6_755_399_441_055_744.0;
    for run in values.chunks(CELLS_PER_MOVE) {
        let mut cells = [0u8; 8 * CELLS_PER_MOVE];
        let mut length = 0;
        for &value in run {
            let scaled = f64::from(value) * 10_000.0;
            // False for NaN too.
            if scaled.abs() < 99_999.0 {
                // The sum's unit is one: its low 32 bits are the rounded value, two's complement.
                let units = i64::from((scaled + ROUNDING).to_bits() as i32);
                let (cell, cell_length) = delimited_cell(units, delimiter, decimal_mark);
                // All eight bytes are stored and the length moves on by the cell's: a store of
                // fixed length is cheaper than one of either length.
                cells[length..length + 8].copy_from_slice(&cell.to_le_bytes());
                length += cell_length;
            } else {
                out.extend_from_slice(&cells[..length]);
                length = 0;
                out.push(delimiter);
                push_score(f64::from(value), decimal_mark, out);
            }
        }
        out.extend_from_slice(&cells[..length]);
    }
}

/// [`push_delimited_scores`] for values held as `f64` (means of scores): each rounded as
/// [`push_score`] rounds it, a value near a tie by the exact formatter.
pub(super) fn push_delimited_wide_scores(
    values: &[f64],
    delimiter: u8,
    decimal_mark: u8,
    out: &mut Vec<u8>,
) {
    for run in values.chunks(CELLS_PER_MOVE) {
        let mut cells = [0u8; 8 * CELLS_PER_MOVE];
        let mut length = 0;
        for &value in run {
            match round_score(value) {
                Rounded::Units(units) if units.unsigned_abs() < 100_000 => {
                    let (cell, cell_length) = delimited_cell(units, delimiter, decimal_mark);
                    cells[length..length + 8].copy_from_slice(&cell.to_le_bytes());
                    length += cell_length;
                }
                Rounded::NotFinite => {
                    cells[length] = delimiter;
                    length += 1;
                }
                Rounded::Units(_) | Rounded::NearTie => {
                    out.extend_from_slice(&cells[..length]);
                    length = 0;
                    out.push(delimiter);
                    push_score(value, decimal_mark, out);
                }
            }
        }
        out.extend_from_slice(&cells[..length]);
    }
}

/// [`push_fixed4`] for a value of ten or more, which no score reaches.
#[cold]
#[inline(never)]
fn push_long_fixed4(units: i64, decimal_mark: u8, out: &mut Vec<u8>) {
    let magnitude = units.unsigned_abs();
    let (whole, fraction) = (magnitude / 10_000, (magnitude % 10_000) as usize);
    let [a, b] = DIGIT_PAIRS[fraction / 100];
    let [c, d] = DIGIT_PAIRS[fraction % 100];
    if units < 0 {
        out.push(b'-');
    }
    push_count(whole, out);
    out.extend_from_slice(&[decimal_mark, a, b, c, d]);
}

/// Appends `value` in decimal, as `{value}` prints it.
pub(super) fn push_count(mut value: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    while value >= 100 {
        start -= 2;
        digits[start..start + 2].copy_from_slice(&DIGIT_PAIRS[(value % 100) as usize]);
        value /= 100;
    }
    if value >= 10 {
        start -= 2;
        digits[start..start + 2].copy_from_slice(&DIGIT_PAIRS[value as usize]);
    } else {
        start -= 1;
        digits[start] = b'0' + value as u8;
    }
    out.extend_from_slice(&digits[start..]);
}

/// Appends `:` and `value` as `format!("{value:.2}")` would print it: the value of an evidence entry
/// after its label (the evidence column of `tenor rate`). The usual value goes in one move of six
/// bytes, cut back by one when it has no sign.
#[inline]
pub(super) fn push_evidence_value(value: f32, out: &mut Vec<u8>) {
    match crate::text::short_two_decimals(value) {
        Some(([minus, whole, point, tenths, hundredths], start)) => {
            let end = out.len() + 6 - start;
            if start == 0 {
                out.extend_from_slice(&[b':', minus, whole, point, tenths, hundredths]);
            } else {
                out.extend_from_slice(&[b':', whole, point, tenths, hundredths, b' ']);
            }
            out.truncate(end);
        }
        None => {
            out.push(b':');
            push_exact_two_decimals(value, out);
        }
    }
}

/// [`push_evidence_value`] through Rust's exact formatter.
#[cold]
#[inline(never)]
fn push_exact_two_decimals(value: f32, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = std::io::Write::write_fmt(out, format_args!("{value:.2}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(value: f64, decimal_mark: u8) -> String {
        let mut out = b"x".to_vec();
        assert!(push_score(value, decimal_mark, &mut out), "{value}");
        String::from_utf8(out[1..].to_vec()).unwrap()
    }

    /// The cell Rust's exact formatter gives `value` after `delimiter`, `-0.0000` written `0.0000`.
    fn exact_cell(value: f32, delimiter: char) -> String {
        let exact = format!("{:.4}", f64::from(value));
        let exact = if exact == "-0.0000" { "0.0000" } else { &exact };
        format!("{delimiter}{exact}")
    }

    #[test]
    fn scores_have_four_decimals_and_no_negative_zero() {
        for (value, shown) in [
            (0.123_456, "0.1235"),
            (-0.5, "-0.5000"),
            (1.0, "1.0000"),
            (-0.000_04, "0.0000"),
            (-0.0, "0.0000"),
            (-0.000_05, "-0.0001"),
            (12.5, "12.5000"),
            (-123_456.000_07, "-123456.0001"),
            (3e11, "300000000000.0000"),
        ] {
            assert_eq!(score(value, b'.'), shown, "{value}");
        }
        assert_eq!(score(-0.125, b','), "-0,1250");
        assert_eq!(score(1e20, b','), "100000000000000000000,0000");
    }

    #[test]
    fn non_finite_scores_append_nothing() {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut out = b"x".to_vec();
            assert!(!push_score(value, b'.', &mut out));
            assert_eq!(out, b"x");
            assert_eq!(shown_score(value), None);
        }
    }

    #[test]
    fn scores_print_as_exact_decimal_formatting_does() {
        // A simple deterministic walk over many magnitudes, ties and near-ties.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let value = match i % 5 {
                0 => (x % 20_001) as f64 / 10_000.0 - 1.0,
                1 => (x % 200_001) as f64 / 100_000.0 - 1.0 + 0.000_05,
                2 => f64::from(f32::from_bits((x >> 32) as u32 & 0x3FFF_FFFF)),
                3 => (x % 20_000_000_001) as f64 / 100_000.0 + 0.000_05,
                _ => (x as f64 / u64::MAX as f64) * 2.0 - 1.0,
            };
            let value = if i % 10 < 5 { value } else { -value };
            if !value.is_finite() {
                continue;
            }
            let mut exact = format!("{value:.4}");
            if exact == "-0.0000" {
                exact.remove(0);
            }
            assert_eq!(score(value, b'.'), exact, "{value:e}");
            assert_eq!(shown_score(value), exact.parse::<f64>().ok(), "{value:e}");
            // Scores come as f32: the row writer's cells print them the same way.
            let single = value as f32;
            let mut cell = Vec::new();
            push_delimited_scores(&[single], b',', b'.', &mut cell);
            assert_eq!(cell, exact_cell(single, ',').as_bytes(), "{single:e}");
        }
    }

    #[test]
    fn delimited_scores_are_the_cells_push_score_writes() {
        let values = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.123_45,
            -0.000_04,
            -0.000_05,
            9.999_95,
            -12.5,
            f32::NAN,
            f32::INFINITY,
            3e7,
            -0.999_96,
            0.999_95,
            -0.999_95,
            0.999_949_9,
            // Exact ties at the fourth decimal, which go to the even digit.
            0.031_25,
            -0.093_75,
            0.156_25,
        ];
        for decimal_mark in [b'.', b','] {
            let mut cells = b"id".to_vec();
            push_delimited_scores(&values, b';', decimal_mark, &mut cells);
            let mut expected = b"id".to_vec();
            for value in values {
                expected.push(b';');
                push_score(f64::from(value), decimal_mark, &mut expected);
            }
            assert_eq!(
                String::from_utf8(cells).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }

    #[test]
    fn f32_score_cells_print_as_exact_decimal_formatting_does() {
        // Every 4099th f32 below ten in magnitude.
        let mut cell = Vec::new();
        for bits in (0..u32::MAX).step_by(4099) {
            let value = f32::from_bits(bits);
            if !value.is_finite() || value.abs() >= 10.0 {
                continue;
            }
            cell.clear();
            push_delimited_scores(&[value], b';', b'.', &mut cell);
            assert_eq!(cell, exact_cell(value, ';').as_bytes(), "{value:e}");
        }
    }

    /// The cells [`push_score`] writes for `values`, each after `delimiter`: what the runs must match.
    fn cell_by_cell(values: impl IntoIterator<Item = f64>, delimiter: u8, mark: u8) -> Vec<u8> {
        let mut cells = Vec::new();
        for value in values {
            cells.push(delimiter);
            push_score(value, mark, &mut cells);
        }
        cells
    }

    #[test]
    fn wide_score_runs_are_the_cells_push_score_writes() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.999_95,
            -0.999_95,
            0.999_949_999,
            0.000_05,
            -0.000_05,
            -0.000_049_999,
            // Ties at the fourth decimal as an f64 holds them, and exact binary ties.
            0.123_45,
            -0.876_55,
            0.031_25,
            -0.093_75,
            9.999_9,
            9.999_95,
            -10.0,
            123.456_78,
            -3e12,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        // Longer than one move of cells, so that runs are split and fallbacks land mid-run.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(match i % 4 {
                0 => (x % 20_001) as f64 / 10_000.0 - 1.0 + 0.000_05,
                1 => (x as f64 / u64::MAX as f64) * 2.0 - 1.0,
                2 => f64::from_bits(x),
                _ => (x % 2_000_001) as f64 / 100_000.0 - 10.0,
            });
        }
        for (delimiter, mark) in [(b',', b'.'), (b';', b','), (b'\t', b'.')] {
            for length in [0, 1, 8, 9, 10, 18, 19, values.len()] {
                let run = &values[..length];
                let mut cells = b"id".to_vec();
                push_delimited_wide_scores(run, delimiter, mark, &mut cells);
                let mut expected = b"id".to_vec();
                expected.extend(cell_by_cell(run.iter().copied(), delimiter, mark));
                assert_eq!(
                    String::from_utf8(cells).unwrap(),
                    String::from_utf8(expected).unwrap(),
                    "{length} values"
                );
            }
        }
    }

    /// Every f32 below 16 in magnitude (the scores' -1..1 and the fallback past ten), in runs of
    /// 23 through both run writers, against [`push_score`] cell by cell; and every 31st against
    /// Rust's exact formatter itself. About 2.2 billion values: a few minutes in release, so run by
    /// hand: `cargo test --release --lib every_f32_below_sixteen -- --ignored`.
    #[test]
    #[ignore]
    fn every_f32_below_sixteen_prints_as_push_score_does() {
        let limit = 16.0f32.to_bits();
        let mut checked = 0u64;
        for sign in [0u32, 0x8000_0000] {
            let mut run = Vec::with_capacity(23);
            let mut wide = Vec::with_capacity(23);
            let (mut cells, mut expected) = (Vec::new(), Vec::new());
            for bits in 0..limit {
                let value = f32::from_bits(sign | bits);
                run.push(value);
                if bits % 31 == 0 {
                    cells.clear();
                    push_delimited_scores(&[value], b',', b'.', &mut cells);
                    assert_eq!(cells, exact_cell(value, ',').as_bytes(), "{value:e}");
                }
                if run.len() < 23 && bits + 1 < limit {
                    continue;
                }
                wide.clear();
                wide.extend(run.iter().map(|&v| f64::from(v)));
                expected.clear();
                expected.extend(cell_by_cell(wide.iter().copied(), b',', b'.'));
                cells.clear();
                push_delimited_scores(&run, b',', b'.', &mut cells);
                assert_eq!(cells, expected, "{:e}..{:e}", run[0], run[run.len() - 1]);
                cells.clear();
                push_delimited_wide_scores(&wide, b',', b'.', &mut cells);
                assert_eq!(
                    cells,
                    expected,
                    "{:e}..{:e} wide",
                    run[0],
                    run[run.len() - 1]
                );
                checked += run.len() as u64;
                run.clear();
            }
        }
        assert_eq!(checked, 2 * u64::from(limit));
    }

    #[test]
    fn counts_print_as_display_does() {
        let mut out = Vec::new();
        for value in [0, 7, 10, 99, 100, 101, 12_345, u64::MAX] {
            out.clear();
            push_count(value, &mut out);
            assert_eq!(String::from_utf8(out.clone()).unwrap(), value.to_string());
        }
    }

    #[test]
    fn evidence_values_print_as_their_display_does() {
        let mut out = Vec::new();
        let mut x: u32 = 0x9E37_79B9;
        let mut check = |value: f32| {
            out.clear();
            out.extend_from_slice(b"label");
            push_evidence_value(value, &mut out);
            assert_eq!(out, format!("label:{value:.2}").as_bytes(), "{value:e}");
        };
        // Exact ties (0.125, 2.5 hundredths), signed zeros, values that round to zero, big and odd ones.
        for value in [
            0.125,
            -0.125,
            0.375,
            0.005,
            -0.005,
            0.0,
            -0.0,
            -0.001,
            0.994_999,
            1.0,
            -2.5,
            1e9,
            3.4e38,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
        ] {
            check(value);
        }
        for i in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            check(match i % 3 {
                0 => (x % 80_001) as f32 / 10_000.0 - 4.0,
                1 => f32::from_bits(x),
                _ => (x % 801) as f32 / 200.0 - 2.0,
            });
        }
    }
}
