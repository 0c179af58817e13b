//! Go's numbers as text: `%v` of a float64 ([`format_float`]) and the `strconv`
//! integer parsers with their errors ([`atoi`], [`parse_uint`], [`parse_int_base0`],
//! [`parse_uint_base0`], [`NumError`]).

use std::fmt;

/// Why a `strconv` parser refused its input: the `Err` of Go's `*strconv.NumError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumErrorKind {
    /// `invalid syntax` (`strconv.ErrSyntax`).
    Syntax,
    /// `value out of range` (`strconv.ErrRange`).
    Range,
}

impl fmt::Display for NumErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumErrorKind::Syntax => "invalid syntax",
            NumErrorKind::Range => "value out of range",
        })
    }
}

/// Go's `*strconv.NumError`: `strconv.Atoi: parsing "x": invalid syntax`.
///
/// ```
/// let e = ucore_go_text::number::atoi("1x").unwrap_err();
/// assert_eq!(e.to_string(), r#"strconv.Atoi: parsing "1x": invalid syntax"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumError {
    /// The Go function that failed (`Atoi`, `ParseInt`, `ParseUint`).
    pub func: &'static str,
    /// The input as given.
    pub num: String,
    /// Why it failed.
    pub kind: NumErrorKind,
}

impl NumError {
    fn new(func: &'static str, num: &str, kind: NumErrorKind) -> Self {
        NumError {
            func,
            num: num.to_owned(),
            kind,
        }
    }
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "strconv.{}: parsing {}: {}",
            self.func,
            crate::quote(&self.num),
            self.kind
        )
    }
}

impl std::error::Error for NumError {}

/// Go's `strconv.Atoi` on a 64-bit platform: an optional `+` or `-`, then decimal
/// digits. A syntax error is reported at the first non-digit, overflow as soon as it
/// happens (`99999999999999999999x` is out of range).
pub fn atoi(s: &str) -> Result<i64, NumError> {
    parse_int(s, false).map_err(|kind| NumError::new("Atoi", s, kind))
}

/// Go's `strconv.ParseUint(s, 10, 64)`: decimal digits only, no sign.
pub fn parse_uint(s: &str) -> Result<u64, NumError> {
    parse_digits(s.as_bytes(), 10, false).map_err(|kind| NumError::new("ParseUint", s, kind))
}

/// Go's `strconv.ParseInt(s, 0, 64)`: an optional sign, then a `0x`, `0o` or `0b`
/// prefix (any case), a leading `0` for octal, or decimal; `_` between digits.
pub fn parse_int_base0(s: &str) -> Result<i64, NumError> {
    parse_int(s, true).map_err(|kind| NumError::new("ParseInt", s, kind))
}

/// Go's `strconv.ParseUint(s, 0, 64)`: as [`parse_int_base0`], without a sign.
pub fn parse_uint_base0(s: &str) -> Result<u64, NumError> {
    parse_base0(s).map_err(|kind| NumError::new("ParseUint", s, kind))
}

/// `ParseInt` over `ParseUint`: the sign, then the magnitude's 64-bit bounds.
fn parse_int(s: &str, base0: bool) -> Result<i64, NumErrorKind> {
    let (neg, body) = match s.as_bytes().first() {
        None => return Err(NumErrorKind::Syntax),
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        Some(_) => (false, s),
    };
    let magnitude = if base0 {
        parse_base0(body)?
    } else {
        parse_digits(body.as_bytes(), 10, false)?
    };
    if neg {
        if magnitude > i64::MAX as u64 + 1 {
            return Err(NumErrorKind::Range);
        }
        Ok((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).map_err(|_| NumErrorKind::Range)
    }
}

/// `ParseUint(s, 0, 64)`: the base from the prefix, then the digits.
fn parse_base0(s: &str) -> Result<u64, NumErrorKind> {
    let b = s.as_bytes();
    let (digits, base) = match b {
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (&b[2..], 2),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (&b[2..], 8),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (&b[2..], 16),
        [b'0', ..] => (&b[1..], 8),
        _ => (b, 10),
    };
    if b.is_empty() {
        return Err(NumErrorKind::Syntax);
    }
    let n = parse_digits(digits, base, true)?;
    if b.contains(&b'_') && !underscores_ok(b) {
        return Err(NumErrorKind::Syntax);
    }
    Ok(n)
}

/// The digit loop of `ParseUint`: a syntax error at the first bad digit, a range error
/// as soon as the value overflows; `_` skipped when `underscores` (base 0).
fn parse_digits(b: &[u8], base: u32, underscores: bool) -> Result<u64, NumErrorKind> {
    if b.is_empty() && !underscores {
        return Err(NumErrorKind::Syntax);
    }
    let mut n: u64 = 0;
    for &c in b {
        if c == b'_' && underscores {
            continue;
        }
        let d = match (c as char).to_digit(36) {
            Some(d) if d < base => d,
            _ => return Err(NumErrorKind::Syntax),
        };
        n = n
            .checked_mul(u64::from(base))
            .and_then(|n| n.checked_add(u64::from(d)))
            .ok_or(NumErrorKind::Range)?;
    }
    Ok(n)
}

/// Go's `underscoreOK`: in a base-0 literal, each `_` sits between digits (or after
/// the base prefix).
fn underscores_ok(s: &[u8]) -> bool {
    let s = match s.first() {
        Some(b'-' | b'+') => &s[1..],
        _ => s,
    };
    // The last class seen: start, digit (or prefix), underscore, other.
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut saw = Saw::Start;
    let mut i = 0;
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = Saw::Digit;
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    for &c in &s[i..] {
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = Saw::Digit;
        } else if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
        } else if saw == Saw::Underscore {
            return false;
        } else {
            saw = Saw::Other;
        }
    }
    saw != Saw::Underscore
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest digits
/// that read back to `f`, in exponent form (`1e+06`, `1.5e-07`) when the decimal
/// exponent is below -4 or at least 6, else plainly (`0.0001`, `999999.9`); `NaN`,
/// `+Inf`, `-Inf`.
///
/// ```
/// use ucore_go_text::number::format_float;
///
/// assert_eq!(format_float(1e6), "1e+06");
/// assert_eq!(format_float(123456.5), "123456.5");
/// assert_eq!(format_float(f64::NEG_INFINITY), "-Inf");
/// ```
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    // Rust's `{:e}` writes the shortest round-trip digits: `-1.2345e-7`.
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        // Rust's `{}` writes the same shortest digits without an exponent.
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_like_go() {
        assert_eq!(atoi("+05"), Ok(5));
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(
            atoi("99999999999999999999x").unwrap_err().kind,
            NumErrorKind::Range
        );
        assert_eq!(parse_int_base0("0x_1f"), Ok(31));
        assert_eq!(
            parse_int_base0("0_x1").unwrap_err().kind,
            NumErrorKind::Syntax
        );
        assert_eq!(parse_uint_base0("0"), Ok(0));
        assert_eq!(
            parse_uint("").unwrap_err().to_string(),
            r#"strconv.ParseUint: parsing "": invalid syntax"#
        );
    }

    #[test]
    fn floats_like_go() {
        assert_eq!(format_float(-0.0), "-0");
        assert_eq!(format_float(1.5e-7), "1.5e-07");
        assert_eq!(format_float(1e100), "1e+100");
        assert_eq!(format_float(0.0001), "0.0001");
    }
}
