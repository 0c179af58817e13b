//! `seed.yaml` (UC16/18) and `options.yaml` (UC20+) as snapd writes them with
//! `yaml.Marshal` of gopkg.in/yaml.v2 2.4.0 (spec §4.2, §5.2): a small emitter of these
//! two fixed shapes. A string is written plain unless yaml.v2 would quote it: it would
//! read back as something else than a string (null, bool, number, timestamp, base-60
//! float, merge key: double quotes), or libyaml's emitter does not allow it plain
//! (indicators, leading or trailing spaces: single quotes; unprintable characters:
//! double quotes); text with a line break is a literal block. Plain text longer than the
//! 80 columns yaml.v2 aims for is folded at single spaces, as libyaml does.

use ucore_go_yaml::Value;

/// One `seed.yaml` entry (`internal.Snap16`, keys in marshal order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Seed16Entry {
    pub name: String,
    pub snap_id: String,
    pub channel: String,
    pub devmode: bool,
    pub classic: bool,
    pub contact: String,
    pub unasserted: bool,
    pub file: String,
}

/// One `options.yaml` entry (`internal.Snap20`, keys in marshal order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Options20Entry {
    pub name: String,
    pub id: String,
    pub unasserted: String,
    pub channel: String,
}

/// The `seed.yaml` text.
pub(crate) fn seed_yaml(entries: &[Seed16Entry]) -> String {
    let items = entries.iter().map(|e| {
        let mut fields: Vec<(&str, String)> = vec![("name", e.name.clone())];
        let mut opt = |k, v: &str| {
            if !v.is_empty() {
                fields.push((k, v.to_string()));
            }
        };
        opt("snap-id", &e.snap_id);
        opt("channel", &e.channel);
        let mut items: Vec<Field> = fields.into_iter().map(Field::text).collect();
        if e.devmode {
            items.push(Field::flag("devmode"));
        }
        if e.classic {
            items.push(Field::flag("classic"));
        }
        if !e.contact.is_empty() {
            items.push(Field::text(("contact", e.contact.clone())));
        }
        if e.unasserted {
            items.push(Field::flag("unasserted"));
        }
        items.push(Field::text(("file", e.file.clone())));
        items
    });
    document(items.collect())
}

/// The `options.yaml` text.
pub(crate) fn options_yaml(entries: &[Options20Entry]) -> String {
    let items = entries.iter().map(|e| {
        let mut items = vec![Field::text(("name", e.name.clone()))];
        for (k, v) in [
            ("id", &e.id),
            ("unasserted", &e.unasserted),
            ("channel", &e.channel),
        ] {
            if !v.is_empty() {
                items.push(Field::text((k, v.clone())));
            }
        }
        items
    });
    document(items.collect())
}

/// A mapping entry: a string or `true`.
struct Field {
    key: &'static str,
    value: Option<String>,
}

impl Field {
    fn text((key, value): (&'static str, String)) -> Field {
        Field {
            key,
            value: Some(value),
        }
    }
    fn flag(key: &'static str) -> Field {
        Field { key, value: None }
    }
}

/// `snaps:` and a block sequence of block mappings, yaml.v2's layout.
fn document(items: Vec<Vec<Field>>) -> String {
    if items.is_empty() {
        return "snaps: []\n".to_string();
    }
    let mut out = String::from("snaps:\n");
    for item in items {
        for (i, f) in item.iter().enumerate() {
            out.push_str(if i == 0 { "- " } else { "  " });
            out.push_str(f.key);
            out.push(':');
            match &f.value {
                None => out.push_str(" true\n"),
                Some(v) => {
                    let column = 2 + f.key.len() + 1;
                    out.push_str(&scalar(v, column));
                }
            }
        }
    }
    out
}

/// yaml.v2's best width.
const BEST_WIDTH: usize = 80;
/// The indentation of a continuation line or block of a value.
const VALUE_INDENT: usize = 4;

/// The value part of `key:` (from the separator on, newline included); `column` is where
/// the separator starts.
fn scalar(s: &str, column: usize) -> String {
    if s.contains('\n') {
        return literal(s);
    }
    let a = analyze(s);
    if (a.plain || s.is_empty()) && (resolves_to_non_string(s) || is_base60_float(s)) {
        return format!(" {}\n", double_quoted(s));
    }
    if a.plain {
        return format!(" {}\n", fold_plain(s, column + 1));
    }
    if a.single {
        return format!(" '{}'\n", s.replace('\'', "''"));
    }
    format!(" {}\n", double_quoted(s))
}

/// What libyaml's `yaml_emitter_analyze_scalar` allows for a block mapping value.
struct Analysis {
    plain: bool,
    single: bool,
}

fn is_blank_or_end(c: Option<char>) -> bool {
    matches!(c, None | Some(' ') | Some('\t') | Some('\r') | Some('\n'))
}

/// libyaml's `is_printable` (with yaml.v2's unicode output).
fn is_printable(c: char) -> bool {
    matches!(c as u32,
        0x0A | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
        && c != '\u{FEFF}'
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            plain: false,
            single: true,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut special = false;
    let chars: Vec<char> = s.chars().collect();
    let mut preceded_by_space = true;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_by_space = is_blank_or_end(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_space => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_space => block_indicators = true,
                '#' if preceded_by_space => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        preceded_by_space = c == ' ' || c == '\t';
    }
    let leading = chars.first() == Some(&' ');
    let trailing = chars.last() == Some(&' ');
    Analysis {
        plain: !block_indicators && !special && !leading && !trailing,
        single: !special,
    }
}

/// yaml.v2's `resolve("", s)` gives another tag than `!!str`, for a text the emitter
/// could write plain (or the empty text): null, bool, int, float (go-yaml's YAML 1.1
/// resolution of a plain scalar), a timestamp, the merge key `<<`.
fn resolves_to_non_string(s: &str) -> bool {
    if s.is_empty() || s == "<<" || is_timestamp(s) {
        return true;
    }
    match ucore_go_yaml::load(s) {
        Ok(Some(node)) => {
            matches!(Value::from_scalar(&node), Some(v) if !matches!(v, Value::String(_)))
        }
        // A plain text that loads as no document is a null.
        Ok(None) => true,
        Err(_) => false,
    }
}

/// yaml.v2's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start < 2 {
            i += 1;
        }
        match &b[start..i] {
            [d] if d.is_ascii_digit() => {}
            [t, _] if (b'0'..=b'5').contains(t) => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// yaml.v2's `parseTimestamp`: four digits, `-`, then one of the layouts it tries
/// (`2006-1-2T15:4:5.999999999Z07:00`, the same with `t` or a space, `2006-1-2`).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    let num = |i: &mut usize, max: usize| -> Option<u32> {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) && *i - start < max {
            *i += 1;
        }
        std::str::from_utf8(b.get(start..*i)?).ok()?.parse().ok()
    };
    let Some(month) = num(&mut i, 2) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 2) else {
        return false;
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    if !matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        return false;
    }
    let sep = b.get(i).copied();
    i += 1;
    let (Some(h), true, Some(m), true, Some(sec)) = (
        num(&mut i, 2),
        b.get(i) == Some(&b':') && {
            i += 1;
            true
        },
        num(&mut i, 2),
        b.get(i) == Some(&b':') && {
            i += 1;
            true
        },
        num(&mut i, 2),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if sep == Some(b' ') {
        return i == b.len();
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let zone = &b[i + 1..];
            zone.len() == 5
                && zone[2] == b':'
                && zone[..2].iter().chain(&zone[3..]).all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// libyaml's double-quoted style.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A plain scalar starting at `column`, broken at single spaces past the best width.
fn fold_plain(s: &str, column: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut col = column;
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            if !spaces && col > BEST_WIDTH && !next_space {
                out.push('\n');
                out.push_str(&" ".repeat(VALUE_INDENT));
                col = VALUE_INDENT;
            } else {
                out.push(' ');
                col += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
    out
}

/// A literal block (`|`, with libyaml's chomping and indentation indicators).
fn literal(s: &str) -> String {
    let mut header = String::from(" |");
    if s.starts_with(' ') || s.starts_with('\n') {
        header.push_str(&VALUE_INDENT.to_string());
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    match trailing {
        0 => header.push('-'),
        1 => {}
        _ => header.push('+'),
    }
    header.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            header.push_str(&" ".repeat(VALUE_INDENT));
            header.push_str(line);
        }
        header.push('\n');
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_quoted_as_yaml_v2_quotes_them() {
        for (s, want) in [
            ("stable", "stable"),
            ("latest/stable", "latest/stable"),
            ("18", "\"18\""),
            ("20", "\"20\""),
            ("1.5", "\"1.5\""),
            ("0x1F", "\"0x1F\""),
            ("1_000", "\"1_000\""),
            ("0b101", "\"0b101\""),
            ("1e3", "\"1e3\""),
            (".5", "\".5\""),
            ("1:20", "\"1:20\""),
            ("2001-12-14", "\"2001-12-14\""),
            (
                "2001-12-14t21:59:43.10-05:00",
                "\"2001-12-14t21:59:43.10-05:00\"",
            ),
            ("true", "\"true\""),
            ("on", "\"on\""),
            ("y", "\"y\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("", "\"\""),
            ("<<", "\"<<\""),
            (".inf", "\".inf\""),
            (
                "123456789012345678901234567890",
                "\"123456789012345678901234567890\"",
            ),
            ("1.0.1", "1.0.1"),
            ("18-beta", "18-beta"),
            ("2001-13-14", "2001-13-14"),
            ("mailto:a@b.c", "mailto:a@b.c"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("-x", "-x"),
            ("- x", "'- x'"),
            ("@x", "'@x'"),
            ("'x", "'''x'"),
            ("x ", "'x '"),
            ("---x", "'---x'"),
            ("a\tb", "\"a\\tb\""),
            ("naïve", "naïve"),
        ] {
            assert_eq!(scalar(s, 8), format!(" {want}\n"), "{s:?}");
        }
    }

    #[test]
    fn seed_yaml_layout() {
        let e = |name: &str, id: &str, ch: &str, file: &str| Seed16Entry {
            name: name.into(),
            snap_id: id.into(),
            channel: ch.into(),
            file: file.into(),
            ..Seed16Entry::default()
        };
        let mut local = e("local16", "", "", "local16_x1.snap");
        local.unasserted = true;
        local.devmode = true;
        local.contact = "mailto:x@y".into();
        let text = seed_yaml(&[e("pc-kernel", "ID", "18", "pc-kernel_1.snap"), local]);
        assert_eq!(
            text,
            "snaps:\n- name: pc-kernel\n  snap-id: ID\n  channel: \"18\"\n  file: pc-kernel_1.snap\n\
             - name: local16\n  devmode: true\n  contact: mailto:x@y\n  unasserted: true\n  file: local16_x1.snap\n"
        );
        assert_eq!(seed_yaml(&[]), "snaps: []\n");
    }

    #[test]
    fn options_yaml_is_the_spec_example() {
        // spec §5.2 [obs], 222 bytes.
        let text = options_yaml(&[
            Options20Entry {
                name: "hello20".into(),
                id: "hello20xoracleoracleoracleoracle".into(),
                channel: "latest/edge".into(),
                ..Options20Entry::default()
            },
            Options20Entry {
                name: "local-tool".into(),
                unasserted: "local-tool_1.0.snap".into(),
                ..Options20Entry::default()
            },
            Options20Entry {
                name: "hello-extra".into(),
                id: "helloextraxoracleoracleoracleora".into(),
                channel: "latest/stable".into(),
                ..Options20Entry::default()
            },
        ]);
        assert_eq!(
            text,
            "snaps:\n- name: hello20\n  id: hello20xoracleoracleoracleoracle\n  channel: latest/edge\n\
             - name: local-tool\n  unasserted: local-tool_1.0.snap\n\
             - name: hello-extra\n  id: helloextraxoracleoracleoracleora\n  channel: latest/stable\n"
        );
        assert_eq!(text.len(), 222);
    }

    #[test]
    fn long_plain_text_is_folded_and_blocks_are_literal() {
        let long = format!("{} tail", "x".repeat(90));
        assert_eq!(
            scalar(&long, 10),
            format!(" {}\n    tail\n", "x".repeat(90))
        );
        assert_eq!(scalar("a\nb", 10), " |-\n    a\n    b\n");
        assert_eq!(scalar("a\n", 10), " |\n    a\n");
    }
}
