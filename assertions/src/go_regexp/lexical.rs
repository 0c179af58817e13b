//! Go's small lexical pieces: escapes (`\x{41}`, `\101`, `\n`), characters of bracketed
//! classes and their ranges, and repetition counts (`{2,5}`), each with Go's fragment when
//! it is wrong.

use regex_syntax::hir::ClassUnicodeRange;

use super::error::{ErrorCode, ParseError, syntax};

/// The range of Rust characters in the Go rune range `lo..=hi` (surrogates left out).
pub(super) fn char_range(lo: u32, hi: u32) -> Option<ClassUnicodeRange> {
    let lo = if (0xD800..0xE000).contains(&lo) {
        0xE000
    } else {
        lo
    };
    let hi = if (0xD800..0xE000).contains(&hi) {
        0xD7FF
    } else {
        hi
    };
    let (lo, hi) = (char::from_u32(lo)?, char::from_u32(hi)?);
    (lo <= hi).then(|| ClassUnicodeRange::new(lo, hi))
}

/// One character of a bracketed class at the start of `u` (`class` is the class's text
/// from its `[`, which Go quotes when the `]` is missing): the rune and its length.
pub(super) fn class_char(u: &str, class: &str) -> Result<(u32, usize), ParseError> {
    match u.chars().next() {
        None => Err(syntax(ErrorCode::MissingBracket, class)),
        Some('\\') => escape(u),
        Some(c) => Ok((u32::from(c), c.len_utf8())),
    }
}

/// An escaped character at the start of `t` (which starts with `\`): the rune and the
/// length of its text.
pub(super) fn escape(t: &str) -> Result<(u32, usize), ParseError> {
    let Some(c) = t[1..].chars().next() else {
        return Err(syntax(ErrorCode::TrailingBackslash, ""));
    };
    let mut i = 1 + c.len_utf8();
    let octal = |i: usize| {
        t.as_bytes()
            .get(i)
            .filter(|b| (b'0'..=b'7').contains(b))
            .copied()
    };
    let invalid = |i: usize| Err(syntax(ErrorCode::InvalidEscape, &t[..i]));
    let rune = match c {
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => u32::from(c),
        '1'..='7' if octal(i).is_none() => return invalid(i),
        '0'..='7' => {
            let mut r = u32::from(c) - u32::from('0');
            for _ in 0..2 {
                let Some(d) = octal(i) else { break };
                r = r * 8 + u32::from(d - b'0');
                i += 1;
            }
            r
        }
        'x' => {
            let Some(c) = t[i..].chars().next() else {
                return invalid(i);
            };
            i += c.len_utf8();
            if c == '{' {
                let mut r: u32 = 0;
                let mut digits = 0;
                loop {
                    let Some(c) = t[i..].chars().next() else {
                        return invalid(i);
                    };
                    i += c.len_utf8();
                    if c == '}' {
                        break;
                    }
                    let Some(v) = c.to_digit(16) else {
                        return invalid(i);
                    };
                    r = r * 16 + v;
                    if r > u32::from(char::MAX) {
                        return invalid(i);
                    }
                    digits += 1;
                }
                if digits == 0 {
                    return invalid(i);
                }
                r
            } else {
                // two hex digits; a missing second one consumes nothing
                let second = t[i..].chars().next();
                i += second.map_or(0, char::len_utf8);
                match (c.to_digit(16), second.and_then(|s| s.to_digit(16))) {
                    (Some(x), Some(y)) => x * 16 + y,
                    _ => return invalid(i),
                }
            }
        }
        'a' => 7,
        'f' => 0x0C,
        'n' => u32::from('\n'),
        'r' => u32::from('\r'),
        't' => u32::from('\t'),
        'v' => 0x0B,
        _ => return invalid(i),
    };
    Ok((rune, i))
}

/// `{min}`, `{min,}` or `{min,max}` at the start of `t`: `(min, max, length)`, with `max`
/// `-1` for no upper bound and `min` `-1` for a number too large; `None` when it is not a
/// counted repetition (then `{` is a literal).
pub(super) fn counted_repeat(t: &str) -> Option<(i64, i64, usize)> {
    let b = t.as_bytes();
    let (mut min, mut i) = decimal(b, 1)?;
    let max;
    match b.get(i)? {
        b',' => {
            i += 1;
            if *b.get(i)? == b'}' {
                max = -1;
            } else {
                let (m, next) = decimal(b, i)?;
                i = next;
                max = m;
                if m < 0 {
                    min = -1;
                }
            }
        }
        _ => max = min,
    }
    (*b.get(i)? == b'}').then_some((min, max, i + 1))
}

/// Go's `parseInt` at `b[i..]`: the value (`-1` when it reaches 10^8) and where it ends;
/// `None` for no digits or a leading zero followed by a digit.
fn decimal(b: &[u8], i: usize) -> Option<(i64, usize)> {
    let digits = b[i.min(b.len())..]
        .iter()
        .take_while(|d| d.is_ascii_digit())
        .count();
    if digits == 0 || digits >= 2 && b[i] == b'0' {
        return None;
    }
    let mut n: i64 = 0;
    for &d in &b[i..i + digits] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some((n, i + digits))
}
