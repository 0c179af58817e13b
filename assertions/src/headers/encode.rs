//! Canonical serialization of header values (snapd's `appendEntry`, `asserts/headers.go`).

use super::HeaderValue;

fn push_spaces(out: &mut Vec<u8>, n: usize) {
    out.resize(out.len() + n, b' ');
}

/// Appends `"\n" + intro + value` as snapd writes it. `base` is the indentation of
/// the entry's level. Empty lists and maps write nothing (callers that must not
/// lose them check first). The first header of a block is written without the
/// leading `\n` by the caller stripping it.
pub(crate) fn append_entry(out: &mut Vec<u8>, intro: &[u8], value: &HeaderValue<'_>, base: usize) {
    match value {
        HeaderValue::String(s) => {
            out.push(b'\n');
            out.extend_from_slice(intro);
            if s.contains('\n') {
                out.push(b'\n');
                let mut first = true;
                for line in s.split('\n') {
                    if !first {
                        out.push(b'\n');
                    }
                    first = false;
                    push_spaces(out, base + 4);
                    out.extend_from_slice(line.as_bytes());
                }
            } else {
                out.push(b' ');
                out.extend_from_slice(s.as_bytes());
            }
        }
        HeaderValue::List(items) => {
            if items.is_empty() {
                return;
            }
            out.push(b'\n');
            out.extend_from_slice(intro);
            let mut item_intro = vec![b' '; base];
            item_intro.extend_from_slice(b"  -");
            for item in items {
                append_entry(out, &item_intro, item, base + 2);
            }
        }
        HeaderValue::Map(map) => {
            if map.is_empty() {
                return;
            }
            out.push(b'\n');
            out.extend_from_slice(intro);
            let mut key_intro = Vec::new();
            for (key, item) in map {
                key_intro.clear();
                push_spaces(&mut key_intro, base + 2);
                key_intro.extend_from_slice(key.as_bytes());
                key_intro.push(b':');
                append_entry(out, &key_intro, item, base + 2);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::parse_headers;
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    #[test]
    fn encodes_all_forms_and_parses_back() {
        let mut m = BTreeMap::new();
        m.insert(Cow::Borrowed("z"), HeaderValue::from("1"));
        m.insert(
            Cow::Borrowed("a"),
            HeaderValue::List(vec![HeaderValue::from("x")]),
        );
        let value = HeaderValue::List(vec![
            HeaderValue::from("one"),
            HeaderValue::from("two\nlines\n"),
            HeaderValue::Map(m.into()),
            HeaderValue::from(""),
        ]);
        let mut out = Vec::new();
        append_entry(&mut out, b"h:", &value, 0);
        let text = std::str::from_utf8(&out[1..]).unwrap();
        assert_eq!(
            text,
            "h:\n  - one\n  -\n      two\n      lines\n      \n  -\n    a:\n      - x\n    z: 1\n  - "
        );
        let parsed = parse_headers(text.as_bytes()).unwrap();
        assert_eq!(parsed.get("h"), Some(&value));
    }
}
