//! # ucore-go-text
//!
//! The texts Go's standard library writes, where snapd's messages carry them: `%q`
//! ([`quote`], Go's `strconv.Quote`), the `time` package's own quoting ([`quote_time`]).
//! ucore's crates print snapd's errors byte for byte, and those errors are made with
//! Go's formatting; this leaf crate is the one place that formatting lives.
//!
//! ```
//! use ucore_go_text::quote;
//!
//! assert_eq!(quote("a\"b\n"), r#""a\"b\n""#);
//! assert_eq!(quote("\u{200b}"), r#""\u200b""#);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt::Write as _;

/// Go `strconv.Quote` of a UTF-8 string: `"` and `\` escaped, `\a \b \f \n \r \t \v`,
/// `\xHH` for other ASCII controls and DEL, `\uHHHH`/`\UHHHHHHHH` for non-printable
/// runes, everything printable as is.
///
/// "Printable" follows Go's `unicode.IsPrint` for all the character classes that
/// matter in practice (controls, separators other than ASCII space, format
/// characters, private use, surrogates, non-characters); Rust has no Unicode
/// category table in `std`, so unassigned code points are treated as printable.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go `strconv.Quote` of bytes that may not be UTF-8: invalid bytes become `\xHH`.
pub fn quote_bytes(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => quote(s),
        Err(_) => {
            let mut out = String::from("\"");
            for chunk in b.utf8_chunks() {
                let q = quote(chunk.valid());
                out.push_str(&q[1..q.len() - 1]);
                for byte in chunk.invalid() {
                    let _ = write!(out, "\\x{byte:02x}");
                }
            }
            out.push('"');
            out
        }
    }
}

/// Go `unicode.IsPrint` for the classes that occur in practice.
fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x7f {
        return u >= 0x20;
    }
    if c.is_control() {
        return false;
    }
    !matches!(u,
        // separators other than U+0020 (Zs, Zl, Zp)
        0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        // format characters (Cf)
        | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890 | 0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f
        | 0xfeff | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        // private use (Co)
        | 0xe000..=0xf8ff | 0xf0000..=0xffffd | 0x100000..=0x10fffd
        // non-characters
        | 0xfdd0..=0xfdef | 0xfffe | 0xffff)
        && (u & 0xfffe) != 0xfffe
}

/// The `time` package's private `quote`: ASCII printable as is (with `"` and `\`
/// escaped), every byte of a control or non-ASCII rune as `\xHH`.
pub fn quote_time(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if (c as u32) >= 0x80 || (c as u32) < 0x20 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "\\x{b:02x}");
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_go_strconv_quote() {
        assert_eq!(quote(""), r#""""#);
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny\tz\r"), r#""x\ny\tz\r""#);
        assert_eq!(quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(quote("é☃"), "\"é☃\"");
        assert_eq!(quote("\u{a0}\u{200b}\u{feff}"), r#""\u00a0\u200b\ufeff""#);
        assert_eq!(quote("\u{10fffd}"), r#""\U0010fffd""#);
        assert_eq!(quote_bytes(b"a\xffb"), r#""a\xffb""#);
    }

    #[test]
    fn quote_time_escapes_bytes() {
        assert_eq!(quote_time("2016é"), r#""2016\xc3\xa9""#);
        assert_eq!(quote_time("a\"\n"), r#""a\"\x0a""#);
    }
}
