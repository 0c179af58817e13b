//! yaml.v2's texts for syntax errors. yaml.v2 wraps libyaml, whose scanner and parser word
//! their faults differently from `saphyr-parser`; this maps the reader's faults to libyaml's
//! words and line numbers, as snapd prints them (`yaml: line 4: found character that cannot
//! start any token`).
//!
//! yaml.v2 numbers lines oddly, and this keeps it: a scanner fault prints the 1-based line of
//! the fault, a parser fault the 0-based one (libyaml's mark, not incremented), and a fault
//! on what libyaml counts as line 0 prints no line at all (`yaml: mapping values are not
//! allowed in this context`).

/// Which part of libyaml reports a fault: it decides how yaml.v2 prints the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The reader (input characters): no line.
    Reader,
    /// The scanner (tokens): the 1-based line.
    Scanner,
    /// The parser (events): the 0-based line.
    Parser,
}

/// libyaml's reader refuses characters outside YAML's printable set: this is where the
/// first one is, if any (`control characters are not allowed`).
pub(crate) fn first_unprintable(text: &str) -> Option<usize> {
    text.char_indices()
        .find(|&(_, c)| {
            !matches!(c,
                '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
                | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
        })
        .map(|(i, _)| i)
}

/// libyaml's reader's fault for bytes that are not UTF-8.
pub(crate) fn utf8_fault(bytes: &[u8], e: std::str::Utf8Error) -> &'static str {
    let at = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
    match e.error_len() {
        None => "incomplete UTF-8 octet sequence",
        Some(_) if (0xc2..=0xf4).contains(&at) => "invalid trailing UTF-8 octet",
        Some(_) => "invalid leading UTF-8 octet",
    }
}

/// The message libyaml gives for the reader's `message`, and the part that reports it.
fn libyaml_words(message: &str) -> (String, Stage) {
    // saphyr says where it was ("while parsing a block mapping, did not find expected key");
    // yaml.v2 prints only the fault.
    let fault = match message.strip_prefix("while ") {
        Some(rest) => rest.split_once(", ").map_or(message, |(_, f)| f),
        None => message,
    };
    let scanner = |t: &str| (t.to_string(), Stage::Scanner);
    match fault {
        "control characters are not allowed"
        | "invalid leading UTF-8 octet"
        | "invalid trailing UTF-8 octet"
        | "incomplete UTF-8 octet sequence" => (fault.to_string(), Stage::Reader),
        "tabs disallowed within this context (block indentation)" => {
            scanner("found character that cannot start any token")
        }
        f if f.starts_with("unexpected character") => {
            scanner("found character that cannot start any token")
        }
        "simple key expect ':'" => scanner("could not find expected ':'"),
        "expected ',' or ']'" => ("did not find expected ',' or ']'".into(), Stage::Parser),
        "expected ',' or '}'" => ("did not find expected ',' or '}'".into(), Stage::Parser),
        f if f.starts_with("did not find expected") => (f.to_string(), Stage::Parser),
        f => scanner(f),
    }
}

/// yaml.v2's text for a syntax fault the reader described as `message` at the 1-based
/// `line` of `text`: `yaml: line N: MESSAGE`, or `yaml: MESSAGE` where yaml.v2 prints no line.
pub(crate) fn yaml_v2_text(message: &str, line: usize, text: &str) -> String {
    let (words, stage) = libyaml_words(message);
    // libyaml marks the end of the input for a stream that ends too early, on the line
    // after the last newline.
    let line = if words == "found unexpected end of stream" {
        text.bytes().filter(|&b| b == b'\n').count() + 1
    } else {
        line
    };
    let shown = match stage {
        Stage::Reader => None,
        Stage::Scanner => Some(line).filter(|&l| l > 1),
        Stage::Parser => Some(line.saturating_sub(1)).filter(|&l| l > 0),
    };
    match shown {
        Some(l) => format!("yaml: line {l}: {words}"),
        None => format!("yaml: {words}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::load;

    /// yaml.v2's texts for broken documents, from snapd 2.57
    /// (`printf 'TEXT' | /tmp/snapd-oracle snap-yaml -`, after `cannot parse snap.yaml: `).
    #[test]
    fn syntax_faults_read_as_yaml_v2_prints_them() {
        let cases: &[(&str, &str)] = &[
            (
                "name: [\n",
                "yaml: line 1: did not find expected node content",
            ),
            (
                "name: tabbed\nversion: 1\napps:\n\tx:\n\t\tcommand: x\n",
                "yaml: line 4: found character that cannot start any token",
            ),
            (
                "name: {a\n",
                "yaml: line 1: did not find expected ',' or '}'",
            ),
            (
                "key: [a, b\n",
                "yaml: line 1: did not find expected ',' or ']'",
            ),
            (
                "name: \"abc\n",
                "yaml: line 2: found unexpected end of stream",
            ),
            (
                "name: x\nversion: 1\nsummary: \"abc",
                "yaml: line 3: found unexpected end of stream",
            ),
            (
                "a: b: c\n",
                "yaml: mapping values are not allowed in this context",
            ),
            (
                "name: a\n  bad: indent\n",
                "yaml: line 2: mapping values are not allowed in this context",
            ),
            (
                "key: &a\n&b x\n",
                "yaml: line 3: could not find expected ':'",
            ),
            ("name: x\n- y\n", "yaml: line 1: did not find expected key"),
            (
                "name: |\n  a\n b\n",
                "yaml: line 2: did not find expected key",
            ),
            ("a: \u{1}\n", "yaml: control characters are not allowed"),
            (
                "a: b\nc: \u{7f}\n",
                "yaml: control characters are not allowed",
            ),
            (
                "key: @x\n",
                "yaml: found character that cannot start any token",
            ),
        ];
        for (text, want) in cases {
            let e = load(text).expect_err(text);
            assert_eq!(e.yaml_v2_text(), *want, "{text:?} ({})", e.message);
        }
        // Bytes that are not UTF-8, as libyaml's reader refuses them.
        let bytes: &[(&[u8], &str)] = &[
            (b"a: \xff\n", "yaml: invalid leading UTF-8 octet"),
            (b"a: \xc3x\n", "yaml: invalid trailing UTF-8 octet"),
            (b"a: \xe2\x82", "yaml: incomplete UTF-8 octet sequence"),
        ];
        for (text, want) in bytes {
            let e = crate::load_bytes(text).expect_err("not UTF-8");
            assert_eq!(e.yaml_v2_text(), *want);
            assert_eq!(e.pos.line, 1);
        }
    }
}
