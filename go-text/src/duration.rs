//! Go's `time.Duration`: `time.ParseDuration` with its error texts, and `Duration.String`.
//!
//! A duration is a signed sequence of decimal numbers, each with an optional fraction and
//! a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`): `1h30m`, `1.5s`, `-2ms`, or a
//! bare `0`. It counts nanoseconds in an `i64`.

use crate::quote_time;

/// A duration that does not parse; Display is Go's text
/// (`time: missing unit in duration "10"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError {
    text: String,
}

impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for DurationError {}

const NANOSECOND: u64 = 1;
const MICROSECOND: u64 = 1000 * NANOSECOND;
const MILLISECOND: u64 = 1000 * MICROSECOND;
const SECOND: u64 = 1000 * MILLISECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
/// 2^63: the magnitude of the most negative duration.
const LIMIT: u64 = 1 << 63;

fn unit(name: &str) -> Option<u64> {
    Some(match name {
        "ns" => NANOSECOND,
        // The ASCII spelling, U+00B5 (micro sign) and U+03BC (Greek mu).
        "us" | "\u{b5}s" | "\u{3bc}s" => MICROSECOND,
        "ms" => MILLISECOND,
        "s" => SECOND,
        "m" => MINUTE,
        "h" => HOUR,
        _ => return None,
    })
}

/// The leading decimal digits of `s`: their value (`None` above 2^63) and the rest.
fn leading_int(s: &str) -> (Option<u64>, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, rest) = s.split_at(end);
    let mut x: u64 = 0;
    for d in digits.bytes() {
        match x
            .checked_mul(10)
            .and_then(|x| x.checked_add(u64::from(d - b'0')))
        {
            Some(v) if v <= LIMIT => x = v,
            _ => return (None, rest),
        }
    }
    (Some(x), rest)
}

/// The leading digits of a fraction: the value of those that fit below 2^63, the power
/// of ten they make up, and the rest (the other digits only lose precision, as in Go).
fn leading_fraction(s: &str) -> (u64, f64, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, rest) = s.split_at(end);
    let (mut x, mut scale, mut overflow) = (0u64, 1f64, false);
    for d in digits.bytes() {
        if overflow {
            continue;
        }
        match x
            .checked_mul(10)
            .and_then(|x| x.checked_add(u64::from(d - b'0')))
        {
            Some(v) if x <= (LIMIT - 1) / 10 && v <= LIMIT => {
                x = v;
                scale *= 10.0;
            }
            _ => overflow = true,
        }
    }
    (x, scale, rest)
}

/// `time.ParseDuration`: a signed sequence of decimal numbers with units (`1h30m`, `1.5s`,
/// `-2ms`), in nanoseconds.
///
/// ```
/// use ucore_go_text::duration::parse_duration;
///
/// assert_eq!(parse_duration("1h30m"), Ok(5_400_000_000_000));
/// assert_eq!(parse_duration("-1.5µs"), Ok(-1500));
/// assert_eq!(
///     parse_duration("10").unwrap_err().to_string(),
///     r#"time: missing unit in duration "10""#
/// );
/// ```
pub fn parse_duration(text: &str) -> Result<i64, DurationError> {
    let invalid = || DurationError {
        text: format!("time: invalid duration {}", quote_time(text)),
    };
    let (neg, mut s) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        if !s.starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let before = s.len();
        let (value, rest) = leading_int(s);
        let mut v = value.ok_or_else(invalid)?;
        s = rest;
        let pre = before != s.len();
        let (mut f, mut scale, mut post) = (0, 1.0, false);
        if let Some(rest) = s.strip_prefix('.') {
            let (frac, sc, rest2) = leading_fraction(rest);
            post = rest.len() != rest2.len();
            (f, scale, s) = (frac, sc, rest2);
        }
        if !pre && !post {
            return Err(invalid());
        }
        let end = s
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if end == 0 {
            return Err(DurationError {
                text: format!("time: missing unit in duration {}", quote_time(text)),
            });
        }
        let (name, rest) = s.split_at(end);
        s = rest;
        let Some(unit) = unit(name) else {
            return Err(DurationError {
                text: format!(
                    "time: unknown unit {} in duration {}",
                    quote_time(name),
                    quote_time(text)
                ),
            });
        };
        if v > LIMIT / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            // As Go: the fraction through a float64, nanosecond-accurate for hours.
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid());
            }
        }
        total = total
            .checked_add(v)
            .filter(|&t| t <= LIMIT)
            .ok_or_else(invalid)?;
    }
    if neg {
        // 2^63 negated is i64::MIN.
        return Ok(0i64.wrapping_sub_unsigned(total));
    }
    i64::try_from(total).map_err(|_| invalid())
}

/// `v / 10^prec` and its fraction as Go's `fmtFrac` writes it: `.` and the digits without
/// trailing zeros, or nothing when the fraction is zero.
fn frac(mut v: u64, prec: u32) -> (String, u64) {
    let mut digits = Vec::new();
    let mut print = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        print = print || digit != 0;
        if print {
            digits.push(char::from(b'0' + digit));
        }
        v /= 10;
    }
    if print {
        digits.push('.');
    }
    (digits.iter().rev().collect(), v)
}

/// `time.Duration.String` of `nanoseconds` (`1h30m0s`, `1.5s`, `0s`).
///
/// ```
/// use ucore_go_text::duration::format_duration;
///
/// assert_eq!(format_duration(5_400_000_000_000), "1h30m0s");
/// assert_eq!(format_duration(-1500), "-1.5µs");
/// assert_eq!(format_duration(0), "0s");
/// ```
pub fn format_duration(nanoseconds: i64) -> String {
    let u = nanoseconds.unsigned_abs();
    let sign = if nanoseconds < 0 { "-" } else { "" };
    if u == 0 {
        return "0s".to_string();
    }
    if u < SECOND {
        let (prec, unit) = if u < MICROSECOND {
            (0, "ns")
        } else if u < MILLISECOND {
            (3, "\u{b5}s")
        } else {
            (6, "ms")
        };
        let (fraction, whole) = frac(u, prec);
        return format!("{sign}{whole}{fraction}{unit}");
    }
    let (fraction, secs) = frac(u, 9);
    let (mins, hours) = (secs / 60, secs / 3600);
    if hours > 0 {
        format!("{sign}{hours}h{}m{}{fraction}s", mins % 60, secs % 60)
    } else if mins > 0 {
        format!("{sign}{mins}m{}{fraction}s", secs % 60)
    } else {
        format!("{sign}{secs}{fraction}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go 1.19's answers, from:
    /// ```go
    /// for _, s := range inputs {
    ///     d, err := time.ParseDuration(s)
    ///     if err != nil { fmt.Println(err) } else { fmt.Println(int64(d), d) }
    /// }
    /// ```
    const PARSE: &[(&str, &str)] = &[
        ("0", "0 0s"),
        ("-0", "0 0s"),
        ("+0", "0 0s"),
        ("0s", "0 0s"),
        ("1h30m", "5400000000000 1h30m0s"),
        ("1.5s", "1500000000 1.5s"),
        ("-2ms", "-2000000 -2ms"),
        ("1us", "1000 1µs"),
        ("1\u{b5}s", "1000 1µs"),
        ("1\u{3bc}s", "1000 1µs"),
        ("1ns", "1 1ns"),
        (".5h", "1800000000000 30m0s"),
        ("1.s", "1000000000 1s"),
        ("1h1m1s1ms1us1ns", "3661001001001 1h1m1.001001001s"),
        ("1.000000001s", "1000000001 1.000000001s"),
        ("0.1234567891234567891234s", "123456789 123.456789ms"),
        (
            "2562047h47m16.854775807s",
            "9223372036854775807 2562047h47m16.854775807s",
        ),
        (
            "-2562047h47m16.854775808s",
            "-9223372036854775808 -2562047h47m16.854775808s",
        ),
        (
            "9223372036854775807ns",
            "9223372036854775807 2562047h47m16.854775807s",
        ),
        (
            "2562047h47m16.854775808s",
            "time: invalid duration \"2562047h47m16.854775808s\"",
        ),
        (
            "9223372036854775808ns",
            "time: invalid duration \"9223372036854775808ns\"",
        ),
        (
            "-9223372036854775808ns",
            "-9223372036854775808 -2562047h47m16.854775808s",
        ),
        (
            "99999999999999999999s",
            "time: invalid duration \"99999999999999999999s\"",
        ),
        ("2562048h", "time: invalid duration \"2562048h\""),
        ("", "time: invalid duration \"\""),
        ("-", "time: invalid duration \"-\""),
        ("s", "time: invalid duration \"s\""),
        (".s", "time: invalid duration \".s\""),
        ("-.s", "time: invalid duration \"-.s\""),
        ("1h-1m", "time: unknown unit \"h-\" in duration \"1h-1m\""),
        (" 1s", "time: invalid duration \" 1s\""),
        ("10", "time: missing unit in duration \"10\""),
        ("1s2", "time: missing unit in duration \"1s2\""),
        ("1.5", "time: missing unit in duration \"1.5\""),
        ("1d", "time: unknown unit \"d\" in duration \"1d\""),
        ("1S", "time: unknown unit \"S\" in duration \"1S\""),
        ("1s 2m", "time: unknown unit \"s \" in duration \"1s 2m\""),
        (
            "1\u{e9}",
            "time: unknown unit \"\\xc3\\xa9\" in duration \"1\\xc3\\xa9\"",
        ),
        ("1.2.3s", "time: missing unit in duration \"1.2.3s\""),
    ];

    #[test]
    fn parse_duration_matches_go() {
        for (input, want) in PARSE {
            let got = match parse_duration(input) {
                Ok(d) => format!("{d} {}", format_duration(d)),
                Err(e) => e.to_string(),
            };
            assert_eq!(&got, want, "{input:?}");
        }
    }

    /// Go 1.19: `fmt.Println(time.Duration(n))`.
    const FORMAT: &[(i64, &str)] = &[
        (0, "0s"),
        (1, "1ns"),
        (999, "999ns"),
        (1000, "1µs"),
        (1100, "1.1µs"),
        (2_200_000, "2.2ms"),
        (3_300_000_000, "3.3s"),
        (60_000_000_000, "1m0s"),
        (4_000_000_000_000, "1h6m40s"),
        (-1, "-1ns"),
        (-4_000_000_000_001, "-1h6m40.000000001s"),
        (i64::MAX, "2562047h47m16.854775807s"),
        (i64::MIN, "-2562047h47m16.854775808s"),
    ];

    #[test]
    fn format_duration_matches_go() {
        for (n, want) in FORMAT {
            assert_eq!(format_duration(*n), *want, "{n}");
        }
    }
}
