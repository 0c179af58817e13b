//! AppArmor-like path patterns (`interfaces/utils.NewPathPattern`): `*`, `**`, `?`,
//! `[…]` classes, `{a,b}` groups and `\` escapes. `custom-device` refuses paths that are
//! not valid patterns.
//!
//! snapd turns a pattern into a Go regular expression and compiles it with
//! `regexp.MustCompile`; a few patterns give an expression Go cannot compile (a class whose
//! first character is `]`, `[[:nosuch:]`, `[z-a]`), and snapd 2.57 then panics. Here those
//! are an error, [`PatternError::Unusable`].

use thiserror::Error;
use ucore_go_text::quote;

/// snapd's limit on `{` nesting.
const MAX_GROUP_DEPTH: usize = 50;

/// Why a path pattern is refused; Display is snapd's text (but see [`Self::Unusable`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PatternError {
    /// `pattern contains unmatching ']': "P"`.
    #[error("pattern contains unmatching ']': {}", quote(.0))]
    UnmatchedBracket(String),
    /// `maximum group depth exceeded: "P"`.
    #[error("maximum group depth exceeded: {}", quote(.0))]
    TooDeep(String),
    /// `invalid closing brace, no matching open { found: "P"`.
    #[error("invalid closing brace, no matching open {{ found: {}", quote(.0))]
    UnopenedBrace(String),
    /// `invalid number of items between {}: "P"`.
    #[error("invalid number of items between {{}}: {}", quote(.0))]
    SingleItemGroup(String),
    /// `cannot use ',' outside of group or character class`.
    #[error("cannot use ',' outside of group or character class")]
    StrayComma,
    /// `missing N closing brace(s): "P"`.
    #[error("missing {count} closing brace(s): {}", quote(.pattern))]
    UnclosedBraces {
        /// How many `{` are open.
        count: usize,
        /// The pattern.
        pattern: String,
    },
    /// `missing closing bracket ']': "P"`.
    #[error("missing closing bracket ']': {}", quote(.0))]
    UnclosedBracket(String),
    /// `expected character after '\': "P"`.
    #[error("expected character after '\\': {}", quote(.0))]
    TrailingBackslash(String),
    /// The pattern makes a regular expression Go's `regexp` refuses: snapd 2.57 panics.
    #[error("cannot compile the regular expression of {} (snapd 2.57 panics)", quote(.0))]
    Unusable(String),
}

/// Checks `pattern` as `NewPathPattern` does.
pub fn validate(pattern: &str) -> Result<(), PatternError> {
    let regex = go_regex(pattern)?;
    if !go_regexp_compiles(&regex) {
        return Err(PatternError::Unusable(pattern.to_string()));
    }
    Ok(())
}

/// The Go regular expression snapd makes of `pattern` (`createRegex`, default globs).
fn go_regex(pattern: &str) -> Result<String, PatternError> {
    const NO_SLASH_OR_NULL: &str = r"[^/\x00]";
    let owned = || pattern.to_string();
    let mut regex = String::from("^");
    let mut escape_next = false;
    let mut skip_next = false;
    let mut in_class = false;
    let mut depth = 0usize;
    let mut items = [0usize; MAX_GROUP_DEPTH + 1];
    let bytes = pattern.as_bytes();
    for (i, ch) in pattern.char_indices() {
        if escape_next {
            push_quoted(&mut regex, ch);
            escape_next = false;
            continue;
        }
        if skip_next {
            skip_next = false;
            continue;
        }
        if in_class && ch != '\\' && ch != ']' {
            regex.push(ch);
            continue;
        }
        match ch {
            '\\' => escape_next = true,
            '*' => {
                if regex.ends_with('/') {
                    let mut pos = i + 1;
                    while bytes.get(pos) == Some(&b'*') {
                        pos += 1;
                    }
                    if matches!(bytes.get(pos), None | Some(b'/')) {
                        regex.push_str(NO_SLASH_OR_NULL);
                    }
                }
                if bytes.get(i + 1) == Some(&b'*') {
                    regex.push_str(r"[^\x00]*");
                    skip_next = true;
                } else {
                    regex.push_str(NO_SLASH_OR_NULL);
                    regex.push('*');
                }
            }
            '?' => regex.push_str(NO_SLASH_OR_NULL),
            '[' => {
                in_class = true;
                regex.push('[');
            }
            ']' => {
                if !in_class {
                    return Err(PatternError::UnmatchedBracket(owned()));
                }
                in_class = false;
                regex.push(']');
            }
            '{' => {
                depth += 1;
                if depth > MAX_GROUP_DEPTH {
                    return Err(PatternError::TooDeep(owned()));
                }
                if let Some(count) = items.get_mut(depth) {
                    *count = 0;
                }
                regex.push('(');
            }
            '}' => {
                if depth == 0 {
                    return Err(PatternError::UnopenedBrace(owned()));
                }
                if items.get(depth).copied().unwrap_or(0) == 0 {
                    return Err(PatternError::SingleItemGroup(owned()));
                }
                depth -= 1;
                regex.push(')');
            }
            ',' => {
                if depth == 0 {
                    return Err(PatternError::StrayComma);
                }
                if let Some(count) = items.get_mut(depth) {
                    *count += 1;
                }
                regex.push('|');
            }
            _ => push_quoted(&mut regex, ch),
        }
    }
    if depth > 0 {
        return Err(PatternError::UnclosedBraces {
            count: depth,
            pattern: owned(),
        });
    }
    if in_class {
        return Err(PatternError::UnclosedBracket(owned()));
    }
    if escape_next {
        return Err(PatternError::TrailingBackslash(owned()));
    }
    regex.push('$');
    Ok(regex)
}

/// `regexp.QuoteMeta` of one character.
fn push_quoted(regex: &mut String, ch: char) {
    if r"\.+*?()|[]{}^$".contains(ch) {
        regex.push('\\');
    }
    regex.push(ch);
}

/// Whether Go's `regexp` compiles an expression made by [`go_regex`]. Outside classes such
/// an expression holds only escapes, literals, `(`, `|`, `)`, `*` after a class, `^` and
/// `$`; what can go wrong is in classes (Go's rules: a leading `]` is literal, `[:name:]`
/// must be a POSIX class, ranges ascend) and parentheses that a class swallowed.
fn go_regexp_compiles(regex: &str) -> bool {
    let chars: Vec<char> = regex.chars().collect();
    let mut i = 0;
    let mut depth = 0usize;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i = skip_escape(&chars, i),
            '[' => match class_end(&chars, i + 1) {
                Some(end) => i = end + 1,
                None => return false,
            },
            '(' => {
                depth += 1;
                i += 1;
            }
            ')' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    depth == 0
}

/// The index after the escape starting at `chars[i] == '\\'` (`\x00` or `\` + punctuation).
fn skip_escape(chars: &[char], i: usize) -> usize {
    if chars.get(i + 1) == Some(&'x') {
        i + 4
    } else {
        i + 2
    }
}

/// One character of a class at `chars[*i]`, escapes resolved.
fn class_char(chars: &[char], i: &mut usize) -> Option<char> {
    let c = *chars.get(*i)?;
    if c != '\\' {
        *i += 1;
        return Some(c);
    }
    let next = *chars.get(*i + 1)?;
    if next == 'x' {
        let hex: String = chars.get(*i + 2..*i + 4)?.iter().collect();
        *i += 4;
        return char::from_u32(u32::from_str_radix(&hex, 16).ok()?);
    }
    *i += 2;
    Some(next)
}

/// The POSIX classes Go knows (`[:alpha:]`, and `[:^alpha:]` negated).
const POSIX_CLASSES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Parses a class whose body starts at `chars[start]` as Go does: the index of its `]`.
fn class_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some(i);
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest = chars.get(i + 2..)?;
            if let Some(j) = rest.windows(2).position(|w| w == [':', ']']) {
                let name: String = rest.get(..j)?.iter().collect();
                let name = name.strip_prefix('^').unwrap_or(&name);
                if !POSIX_CLASSES.contains(&name) {
                    return None;
                }
                i += 2 + j + 2;
                continue;
            }
        }
        let lo = class_char(chars, &mut i)?;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&c| c != ']') {
            i += 1;
            let hi = class_char(chars, &mut i)?;
            if hi < lo {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_like_snapd() {
        assert_eq!(go_regex("/foo/*").unwrap(), r"^/foo/[^/\x00][^/\x00]*$");
        assert_eq!(go_regex("/a/**").unwrap(), r"^/a/[^/\x00][^\x00]*$");
        assert_eq!(go_regex("/a{b,c}.d").unwrap(), r"^/a(b|c)\.d$");
        assert_eq!(go_regex(r"/a[\]x]").unwrap(), r"^/a[\]x]$");
    }

    #[test]
    fn errors_like_snapd() {
        let text = |p: &str| validate(p).unwrap_err().to_string();
        assert_eq!(text("/a]"), r#"pattern contains unmatching ']': "/a]""#);
        assert_eq!(
            text("/a{b}"),
            r#"invalid number of items between {}: "/a{b}""#
        );
        assert_eq!(
            text("/a,b"),
            "cannot use ',' outside of group or character class"
        );
        assert_eq!(
            text("/{a,{b,c}"),
            r#"missing 1 closing brace(s): "/{a,{b,c}""#
        );
        assert_eq!(text("/a[b"), r#"missing closing bracket ']': "/a[b""#);
        assert_eq!(text("/a\\"), r#"expected character after '\': "/a\\""#);
        assert_eq!(
            text("/a}"),
            r#"invalid closing brace, no matching open { found: "/a}""#
        );
        let deep = format!("/{}", "{a,".repeat(51));
        assert_eq!(
            text(&deep),
            format!("maximum group depth exceeded: {}", quote(&deep))
        );
    }

    #[test]
    fn go_compiles_or_not() {
        assert!(validate("/dev/[a-z]*").is_ok());
        assert!(validate("/dev/[[:alpha:]").is_err()); // Go: missing ]
        assert!(validate("/dev/[z-a]").is_err());
        assert!(validate("/dev/[]").is_err());
        assert!(validate("/dev/[]a[b]").is_ok()); // one Go class: ]a[b
        assert!(validate("/dev/{[]x,y}[z]").is_err()); // the class swallows ')'
        assert!(validate("/dev/[]*").is_ok());
    }
}
