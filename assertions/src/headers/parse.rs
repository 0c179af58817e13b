//! The header grammar (snapd's `parseHeaders`, `parseEntry`, `parseMultilineText`,
//! `parseList` and `parseMap` in `asserts/headers.go`), a hand-written line scanner on `memchr`.
//!
//! The block is read line by line with one line of look-ahead. `base` is the
//! indentation of the current nesting level; it grows by 2 for list items and map
//! values alike. Errors are snapd's, without the `parsing assertion headers: `
//! prefix.

use std::borrow::Cow;
use std::collections::HashSet;

use super::map::MapBuilder;
use super::{HeaderValue, Headers, MAX_NESTING_DEPTH, name_key};
use crate::Error;

/// Lines of the header block split on `\n` (as Go `strings.Split`: `n` newlines
/// give `n + 1` lines), with one line of look-ahead.
struct Lines<'a> {
    text: &'a str,
    /// The next line and the start of the one after it (`None`: it was the last).
    next: Option<(&'a str, Option<usize>)>,
    /// Number of lines taken so far.
    taken: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text,
            next: Some(Self::line_at(text, 0)),
            taken: 0,
        }
    }

    fn line_at(text: &'a str, pos: usize) -> (&'a str, Option<usize>) {
        let rest = text.get(pos..).unwrap_or_default();
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => (&rest[..i], Some(pos + i + 1)),
            None => (rest, None),
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.next.map(|(line, _)| line)
    }

    fn next_line(&mut self) -> Option<&'a str> {
        let (line, after) = self.next?;
        self.next = after.map(|pos| Self::line_at(self.text, pos));
        self.taken += 1;
        Some(line)
    }
}

/// Whether `line` starts with `base` spaces followed by `tail`.
fn has_prefix(line: &str, base: usize, tail: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= base + tail.len()
        && b[..base].iter().all(|&c| c == b' ')
        && &b[base..base + tail.len()] == tail.as_bytes()
}

/// Parser-internal result: the error is boxed so results stay small on the hot
/// path.
type PResult<T> = Result<T, Box<Error>>;

fn fail<T>(e: Error) -> PResult<T> {
    Err(Box::new(e))
}

/// Parses a header block.
pub(crate) fn parse_headers(text: &[u8]) -> Result<Headers<'_>, Error> {
    parse_block(text).map_err(|e| *e)
}

fn parse_block(text: &[u8]) -> PResult<Headers<'_>> {
    let text = std::str::from_utf8(text).map_err(|_| Box::new(Error::HeaderNotUtf8))?;
    let mut headers = Headers::with_capacity(16);
    // Duplicate check: a scan of the name keys of the headers so far for the
    // usual few dozen headers, a set beyond (a header block may hold thousands).
    const SMALL: usize = 32;
    let mut first_names: [&str; SMALL] = [""; SMALL];
    let mut seen: Option<HashSet<&str>> = None;
    let mut lines = Lines::new(text);
    while let Some(entry) = lines.next_line() {
        let Some((colon, valid)) = split_name(entry.as_bytes()) else {
            return fail(Error::HeaderMissingSeparator {
                line: entry.to_owned(),
            });
        };
        let name = &entry[..colon];
        if !valid {
            return fail(Error::InvalidHeaderName {
                name: name.to_owned(),
            });
        }
        let value = parse_entry(colon + 1, entry, &mut lines, 0, 0)?;
        let key = name_key(name.as_bytes());
        let repeated = match &mut seen {
            Some(set) => !set.insert(name),
            None if headers.len() < SMALL => {
                first_names[headers.len()] = name;
                headers.contains_key(key, name)
            }
            None => {
                let mut set: HashSet<&str> = first_names.into_iter().collect();
                let repeated = !set.insert(name);
                seen = Some(set);
                repeated
            }
        };
        if repeated {
            return fail(Error::RepeatedHeader {
                name: name.to_owned(),
            });
        }
        headers.push_unchecked(key, name, value);
    }
    Ok(headers)
}

/// The position of the first `:` of a header line, and whether the name before
/// it matches `^[a-z](?:-?[a-z0-9])*$` ([`is_valid_header_name`], checked in
/// the same pass); `None` without a `:`.
#[inline]
fn split_name(line: &[u8]) -> Option<(usize, bool)> {
    let mut valid = line.first().is_some_and(u8::is_ascii_lowercase);
    let mut prev_hyphen = false;
    for (i, &c) in line.iter().enumerate() {
        match c {
            b'a'..=b'z' | b'0'..=b'9' => prev_hyphen = false,
            b'-' => {
                valid &= !prev_hyphen;
                prev_hyphen = true;
            }
            b':' => return Some((i, valid && !prev_hyphen)),
            _ => valid = false,
        }
    }
    None
}

#[inline]
fn parse_entry<'a>(
    consumed: usize,
    entry: &'a str,
    lines: &mut Lines<'a>,
    base: usize,
    depth: usize,
) -> PResult<HeaderValue<'a>> {
    if consumed == entry.len() {
        if let Some(next) = lines.peek()
            && has_prefix(next, base, "  ")
        {
            let rest = &next.as_bytes()[base + 2..];
            if rest.first() == Some(&b'-') || rest.first().is_some_and(|&c| c != b' ') {
                if depth >= MAX_NESTING_DEPTH {
                    return fail(Error::NestingTooDeep {
                        max: MAX_NESTING_DEPTH,
                        line: lines.taken + 1,
                    });
                }
                return if rest[0] == b'-' {
                    parse_list(lines, base, depth + 1)
                } else {
                    parse_map(lines, base, depth + 1)
                };
            }
        }
        return parse_multiline_text(entry, lines, base + 4);
    }
    if entry.as_bytes().get(consumed) != Some(&b' ') {
        return fail(Error::HeaderMissingSpace {
            line: entry.to_owned(),
        });
    }
    Ok(HeaderValue::String(Cow::Borrowed(&entry[consumed + 1..])))
}

fn parse_multiline_text<'a>(
    intro: &'a str,
    lines: &mut Lines<'a>,
    indent: usize,
) -> PResult<HeaderValue<'a>> {
    let first = match lines.peek() {
        Some(line) if has_prefix(line, indent, "") => {
            lines.next_line();
            &line[indent..]
        }
        next => {
            return fail(Error::MultilinePrefix {
                indent,
                intro: intro.to_owned(),
                next: next.map(str::to_owned),
            });
        }
    };
    let mut value: Option<String> = None;
    while let Some(line) = lines.peek() {
        if !has_prefix(line, indent, "") {
            break;
        }
        lines.next_line();
        let buf = value.get_or_insert_with(|| first.to_owned());
        buf.push('\n');
        buf.push_str(&line[indent..]);
    }
    Ok(HeaderValue::String(match value {
        Some(s) => Cow::Owned(s),
        None => Cow::Borrowed(first),
    }))
}

fn parse_list<'a>(lines: &mut Lines<'a>, base: usize, depth: usize) -> PResult<HeaderValue<'a>> {
    let mut items = Vec::new();
    while let Some(line) = lines.peek() {
        if !has_prefix(line, base, "  -") {
            break;
        }
        lines.next_line();
        items.push(parse_entry(base + 3, line, lines, base + 2, depth)?);
    }
    Ok(HeaderValue::List(items))
}

fn parse_map<'a>(lines: &mut Lines<'a>, base: usize, depth: usize) -> PResult<HeaderValue<'a>> {
    // Room for a model's `snaps` entry (name, id, type, default-channel, modes…)
    // without growing.
    let mut map = MapBuilder::with_capacity(8);
    let prefix_len = base + 2;
    while let Some(line) = lines.peek() {
        if !has_prefix(line, base, "  ") {
            break;
        }
        lines.next_line();
        let entry = &line[prefix_len..];
        let Some((colon, valid)) = split_name(entry.as_bytes()) else {
            return fail(Error::MapMissingSeparator {
                entry: entry.to_owned(),
            });
        };
        let key = &entry[..colon];
        if !valid {
            return fail(Error::InvalidMapKey {
                key: key.to_owned(),
            });
        }
        let value = parse_entry(prefix_len + colon + 1, line, lines, prefix_len, depth)?;
        if !map.push(key, value) {
            return fail(Error::RepeatedMapEntry {
                key: key.to_owned(),
            });
        }
    }
    Ok(HeaderValue::Map(map.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeaderMap;
    use crate::headers::is_valid_header_name;

    fn parse(s: &str) -> Result<Headers<'_>, String> {
        parse_headers(s.as_bytes()).map_err(|e| e.to_string())
    }

    fn s(v: &str) -> HeaderValue<'_> {
        HeaderValue::from(v)
    }

    #[test]
    fn single_line_values() {
        let h = parse("a: b\nc: \nd:  x: y ").unwrap();
        assert_eq!(h.get_str("a"), Some("b"));
        assert_eq!(h.get_str("c"), Some(""));
        assert_eq!(h.get_str("d"), Some(" x: y "));
        assert!(matches!(
            h.get("a"),
            Some(HeaderValue::String(Cow::Borrowed(_)))
        ));
    }

    #[test]
    fn multiline_values() {
        let h = parse("a:\n    x\n     y\n    \nb: c").unwrap();
        assert_eq!(h.get_str("a"), Some("x\n y\n"));
        let h = parse("a:\n    one").unwrap();
        assert!(matches!(
            h.get("a"),
            Some(HeaderValue::String(Cow::Borrowed("one")))
        ));
    }

    #[test]
    fn lists_and_maps() {
        let h = parse(
            "l:\n  - a\n  -\n    - b\n  -\n    k: v\n    m:\n      - c\n  -\n      text\n      more\nz: 1",
        )
        .unwrap();
        let mut inner = HeaderMap::new();
        inner.insert(Cow::Borrowed("k"), s("v"));
        inner.insert(Cow::Borrowed("m"), HeaderValue::List(vec![s("c")]));
        assert_eq!(
            h.get("l"),
            Some(&HeaderValue::List(vec![
                s("a"),
                HeaderValue::List(vec![s("b")]),
                HeaderValue::Map(inner),
                HeaderValue::String("text\nmore".into()),
            ]))
        );
        assert_eq!(h.get_str("z"), Some("1"));
    }

    #[test]
    fn error_texts() {
        let cases = [
            ("", r#"header entry missing ':' separator: """#),
            ("a: b\n", r#"header entry missing ':' separator: """#),
            ("A: b", r#"invalid header name: "A""#),
            (
                "a:b",
                r#"header entry should have a space or newline (for multiline) before value: "a:b""#,
            ),
            (
                "a:",
                r#"expected 4 chars nesting prefix after multiline introduction "a:": EOF"#,
            ),
            (
                "a:\n   b",
                r#"expected 4 chars nesting prefix after multiline introduction "a:": "   b""#,
            ),
            ("a: 1\na: 2", r#"repeated header: "a""#),
            ("a:\n  b", r#"map entry missing ':' separator: "b""#),
            ("a:\n  B: 1", r#"invalid map entry key: "B""#),
            ("a:\n  b: 1\n  b: 2", r#"repeated map entry: "b""#),
            (
                "a:\n  -x",
                r#"header entry should have a space or newline (for multiline) before value: "  -x""#,
            ),
            (
                "a:\n  - x\n   - y",
                r#"header entry missing ':' separator: "   - y""#,
            ),
            ("a:\n  - x\n   b: y", r#"invalid header name: "   b""#),
        ];
        for (input, want) in cases {
            let got = parse_headers(input.as_bytes())
                .map(|_| ())
                .map_err(|e| e.to_string());
            assert_eq!(got, Err(want.to_owned()), "input {input:?}");
        }
    }

    /// Beyond 32 headers the duplicate check moves to a set.
    #[test]
    fn repeated_header_among_many() {
        let many: String = (0..40).map(|i| format!("h{i}: v\n")).collect();
        assert!(parse(many.trim_end()).is_ok());
        for dup in ["h3", "h35"] {
            let text = format!("{many}{dup}: again");
            assert_eq!(
                parse(&text).unwrap_err(),
                format!("repeated header: \"{dup}\"")
            );
        }
    }

    /// The one-pass name check agrees with the pattern.
    #[test]
    fn split_name_matches_the_pattern() {
        let names = [
            "",
            "a",
            "A",
            "type",
            "sign-key-sha3-384",
            "a1-b2",
            "1a",
            "a-",
            "a--b",
            "a_b",
            "-a",
            "aB",
            "a b",
            " a",
            "é",
            "a-1",
            "x-",
        ];
        for name in names {
            for rest in [":", ": v", ":x:y"] {
                let line = format!("{name}{rest}");
                assert_eq!(
                    split_name(line.as_bytes()),
                    Some((name.len(), is_valid_header_name(name))),
                    "{line:?}"
                );
            }
            assert_eq!(split_name(name.as_bytes()), None);
        }
    }

    #[test]
    fn not_utf8() {
        assert_eq!(
            parse_headers(b"a: \xff").unwrap_err().to_string(),
            "header is not utf8"
        );
    }

    #[test]
    fn nesting_is_capped() {
        let mut text = String::from("a:\n");
        for level in 0..=MAX_NESTING_DEPTH {
            text.push_str(&" ".repeat(level * 2));
            text.push_str("  -\n");
        }
        text.push_str(&" ".repeat((MAX_NESTING_DEPTH + 1) * 2 + 4));
        text.push('x');
        let err = parse_headers(text.as_bytes()).unwrap_err();
        assert!(matches!(err, Error::NestingTooDeep { .. }), "{err}");
        // One level less is fine.
        let mut text = String::from("a:\n");
        for level in 0..MAX_NESTING_DEPTH {
            text.push_str(&" ".repeat(level * 2));
            text.push_str("  -\n");
        }
        text.push_str(&" ".repeat(MAX_NESTING_DEPTH * 2 + 4));
        text.push('x');
        assert!(parse_headers(text.as_bytes()).is_ok());
    }
}
