//! Go formatting that leaks into snapd's messages: `%q` ([`quote`], Go
//! `strconv.Quote`), the `time` package's own quoting ([`quote_time`]) and `%v`
//! of header values ([`fmt_v`]).

pub use ucore_go_text::{quote, quote_bytes, quote_time};

use crate::headers::HeaderValue;

/// Go `fmt` `%v` of a header value: strings as is, lists as `[a b]`, maps as
/// `map[k:v …]` with keys sorted.
pub fn fmt_v(value: &HeaderValue<'_>) -> String {
    let mut out = String::new();
    write_v(&mut out, value);
    out
}

fn write_v(out: &mut String, value: &HeaderValue<'_>) {
    match value {
        HeaderValue::String(s) => out.push_str(s),
        HeaderValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        HeaderValue::Map(map) => {
            out.push_str("map[");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, v);
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_v_like_go() {
        let v = HeaderValue::List(vec![
            HeaderValue::from("a"),
            HeaderValue::List(vec![HeaderValue::from("b")]),
        ]);
        assert_eq!(fmt_v(&v), "[a [b]]");
        let mut m = std::collections::BTreeMap::new();
        m.insert("z".into(), HeaderValue::from("1"));
        m.insert("a".into(), HeaderValue::from("2"));
        assert_eq!(fmt_v(&HeaderValue::Map(m.into())), "map[a:2 z:1]");
    }
}
