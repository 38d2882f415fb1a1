//! Numbers as the tables print them: scores with four decimals, evidence values with two, counts as
//! integers, each appended straight to a row's bytes. Integer arithmetic gives the digits; Rust's
//! exact float formatter, which costs more than the rest of a row, is kept for the rare value that
//! lies within rounding error of a tie. Which cell a number goes in, and quoting, are left to the
//! table writers.

use std::fmt::Write as _;

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
        // sign first, from two loads of digit pairs, and appended in one move of a fixed length.
        let magnitude = magnitude as u32;
        let (whole, fraction) = (magnitude / 10_000, (magnitude % 10_000) as usize);
        let pair = |i: usize| u64::from(u16::from_le_bytes(DIGIT_PAIRS[i]));
        let cell = u64::from(b'-')
            | u64::from(b'0' + whole as u8) << 8
            | u64::from(decimal_mark) << 16
            | pair(fraction / 100) << 24
            | pair(fraction % 100) << 40;
        let cell = cell.to_le_bytes();
        if units < 0 {
            out.extend_from_slice(&cell[..7]);
        } else {
            out.extend_from_slice(&cell[1..7]);
        }
    } else {
        push_long_fixed4(units, decimal_mark, out);
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

/// Appends `value` as `format!("{value:.2}")` would print it (the evidence values of `tenor rate`).
/// An `f32` times 100 is exact in an `f64`, so rounding it gives the same digits except on an exact
/// tie, which Rust's formatter breaks its own way: ties and non-finite values take the exact path.
pub(super) fn push_two_decimals(value: f32, out: &mut String) {
    let scaled = f64::from(value) * 100.0;
    let units = scaled.round();
    if value.is_finite() && scaled.abs() < 1e15 && (scaled - units).abs() != 0.5 {
        let magnitude = units.abs() as u64;
        let (whole, fraction) = (magnitude / 100, (magnitude % 100) as usize);
        let [a, b] = DIGIT_PAIRS[fraction];
        if whole < 10 {
            // Evidence values lie within a few units of zero. `{:.2}` keeps the sign of a negative
            // value that rounds to zero ("-0.00").
            if value.is_sign_negative() {
                out.push('-');
            }
            for digit in [b'0' + whole as u8, b'.', a, b] {
                out.push(char::from(digit));
            }
        } else {
            let sign = if value.is_sign_negative() { "-" } else { "" };
            let _ = write!(out, "{sign}{whole}.{}{}", char::from(a), char::from(b));
        }
    } else {
        let _ = write!(out, "{value:.2}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(value: f64, decimal_mark: u8) -> String {
        let mut out = b"x".to_vec();
        assert!(push_score(value, decimal_mark, &mut out), "{value}");
        String::from_utf8(out[1..].to_vec()).unwrap()
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
        }
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
        let mut out = String::new();
        let mut x: u32 = 0x9E37_79B9;
        let mut check = |value: f32| {
            out.clear();
            push_two_decimals(value, &mut out);
            assert_eq!(out, format!("{value:.2}"), "{value:e}");
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
