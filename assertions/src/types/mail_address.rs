//! The `email` header of system-user: one address as Go's `net/mail.ParseAddress` accepts
//! it, with Go's error texts.
//!
//! snapd checks the header with `mail.ParseAddress` (`asserts/system_user.go`,
//! `assembleSystemUser`), so what it accepts is what the Go release that built snapd
//! accepts. This module follows the observed behaviour of Go 1.19's `net/mail` (the
//! Debian snapd 2.57 build), checked case by case against it
//! (`tests/golden/mail-address/`):
//!
//! - `address = addr-spec [ "(" comment ")" ] / [phrase] "<" addr-spec ">" / phrase ":" group ";"`;
//! - an addr-spec is `dot-atom / quoted-string "@" dot-atom` (no domain literals);
//! - a phrase is permissive: its atoms may hold dots anywhere and the specials
//!   `( ) [ ] ; @ \ ,`, and RFC 2047 encoded words in it are decoded (an unknown charset
//!   is an error);
//! - a group must hold exactly one address.
//!
//! The grammar is hand-written, so every loop here consumes input on each turn or ends:
//! parsing is linear in the address and allocates only for an error's text.

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use ucore_go_text::quote;

/// Why an address is refused; `Display` is Go's `net/mail` text, which snapd quotes after
/// `"email" header must be a RFC 5322 compliant email address: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MailAddressError {
    /// Nothing but blanks.
    NoAddress,
    /// An addr-spec was expected and the input ended.
    NoAddrSpec,
    /// The local part is not followed by `@`.
    MissingAt,
    /// Nothing after the `@`.
    NoDomain,
    /// An atom was expected.
    InvalidString,
    /// A dot-atom of an addr-spec starts with a dot.
    LeadingDot,
    /// A dot-atom of an addr-spec holds two dots in a row.
    DoubleDot,
    /// A dot-atom of an addr-spec ends with a dot.
    TrailingDot,
    /// A quoted string without its closing quote.
    UnclosedQuotedString,
    /// A character a quoted string may not hold.
    BadQuotedChar(char),
    /// The local part is the empty quoted string.
    EmptyQuotedString,
    /// An RFC 2047 encoded word in a charset Go does not decode (lower-cased, as Go
    /// reports it).
    UnsupportedCharset(String),
    /// The display name's first word could not be read.
    MissingWord(Box<MailAddressError>),
    /// A bare word without `@`: neither an addr-spec nor a name before `<`.
    MissingAtOrAngleAddr,
    /// A display name not followed by `<`.
    NoAngleAddr,
    /// `<` without `>`.
    UnclosedAngleAddr,
    /// A comment without its closing parenthesis.
    BadComment,
    /// Two addresses of a group not separated by a comma.
    ExpectedComma,
    /// Text after the address.
    TrailingText(String),
    /// A group without addresses.
    EmptyGroup,
    /// A group of more than one address.
    GroupWithMultiple,
}

impl fmt::Display for MailAddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAddress => f.write_str("mail: no address"),
            Self::NoAddrSpec => f.write_str("mail: no addr-spec"),
            Self::MissingAt => f.write_str("mail: missing @ in addr-spec"),
            Self::NoDomain => f.write_str("mail: no domain in addr-spec"),
            Self::InvalidString => f.write_str("mail: invalid string"),
            Self::LeadingDot => f.write_str("mail: leading dot in atom"),
            Self::DoubleDot => f.write_str("mail: double dot in atom"),
            Self::TrailingDot => f.write_str("mail: trailing dot in atom"),
            Self::UnclosedQuotedString => f.write_str("mail: unclosed quoted-string"),
            Self::BadQuotedChar(c) => {
                write!(
                    f,
                    "mail: bad character in quoted-string: {}",
                    quote_rune(*c)
                )
            }
            Self::EmptyQuotedString => f.write_str("mail: empty quoted string in addr-spec"),
            Self::UnsupportedCharset(c) => write!(f, "charset not supported: {}", quote(c)),
            Self::MissingWord(e) => write!(f, "mail: missing word in phrase: {e}"),
            Self::MissingAtOrAngleAddr => f.write_str("mail: missing '@' or angle-addr"),
            Self::NoAngleAddr => f.write_str("mail: no angle-addr"),
            Self::UnclosedAngleAddr => f.write_str("mail: unclosed angle-addr"),
            Self::BadComment => f.write_str("mail: misformatted parenthetical comment"),
            Self::ExpectedComma => f.write_str("mail: expected comma"),
            Self::TrailingText(s) => write!(f, "mail: expected single address, got {}", quote(s)),
            Self::EmptyGroup => f.write_str("mail: empty group"),
            Self::GroupWithMultiple => f.write_str("mail: group with multiple addresses"),
        }
    }
}

impl std::error::Error for MailAddressError {}

/// Go's `%q` of a rune (`strconv.QuoteRune`): single quotes, `'` escaped, `"` not.
fn quote_rune(c: char) -> String {
    ucore_go_text::quote_rune(c)
}

type Result<T> = std::result::Result<T, MailAddressError>;

/// Checks one address as Go's `mail.ParseAddress` does.
pub(crate) fn parse_address(address: &str) -> Result<()> {
    let mut p = Cursor { s: address };
    let count = p.address(true)?;
    if !p.skip_cfws() {
        return Err(MailAddressError::BadComment);
    }
    if !p.s.is_empty() {
        return Err(MailAddressError::TrailingText(p.s.to_owned()));
    }
    match count {
        AddressCount::None => Err(MailAddressError::EmptyGroup),
        AddressCount::One => Ok(()),
        AddressCount::Many => Err(MailAddressError::GroupWithMultiple),
    }
}

/// How many addresses an `address` production gave (a group may give any number).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AddressCount {
    None,
    One,
    Many,
}

impl AddressCount {
    fn plus(self, other: AddressCount) -> AddressCount {
        match (self, other) {
            (AddressCount::None, x) | (x, AddressCount::None) => x,
            _ => AddressCount::Many,
        }
    }
}

/// Which characters an atom may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AtomKind {
    /// A dot-atom of an addr-spec: RFC 5322 atext and dots, checked for empty labels.
    Strict,
    /// A word of a display name: also the specials `( ) [ ] ; @ \ ,`, dots anywhere.
    Permissive,
}

/// RFC 5322 `atext` plus the dot, as Go tests it: visible ASCII but the specials, and
/// every non-ASCII character; `permissive` lets in the specials but `< > " :`.
fn is_atext(c: char, permissive: bool) -> bool {
    match c {
        '.' => true,
        '(' | ')' | '[' | ']' | ';' | '@' | '\\' | ',' => permissive,
        '<' | '>' | '"' | ':' => false,
        c => is_vchar(c),
    }
}

/// RFC 5322 `VCHAR` as Go extends it: visible ASCII and every non-ASCII character.
fn is_vchar(c: char) -> bool {
    ('!'..='~').contains(&c) || !c.is_ascii()
}

fn is_wsp(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// One word of a display name, as far as the final check needs it.
struct Word {
    /// Every character of the (decoded) word is strict atext.
    atext: bool,
    /// The word was an RFC 2047 encoded word (consecutive ones are joined without a space).
    encoded: bool,
}

/// The parser's position: the input not read yet.
struct Cursor<'s> {
    s: &'s str,
}

impl<'s> Cursor<'s> {
    fn skip_space(&mut self) {
        self.s = self.s.trim_start_matches([' ', '\t']);
    }

    fn consume(&mut self, c: char) -> bool {
        match self.s.strip_prefix(c) {
            Some(rest) => {
                self.s = rest;
                true
            }
            None => false,
        }
    }

    /// `address`: an addr-spec with an optional comment, a name-addr, or (at the top
    /// level only) a group.
    fn address(&mut self, handle_group: bool) -> Result<AddressCount> {
        self.skip_space();
        if self.s.is_empty() {
            return Err(MailAddressError::NoAddress);
        }
        if self.addr_spec().is_ok() {
            self.skip_space();
            if self.s.starts_with('(') {
                self.display_name_comment()?;
            }
            return Ok(AddressCount::One);
        }
        let mut display_atext = true;
        if !self.s.starts_with('<') {
            display_atext = self.phrase()?;
        }
        self.skip_space();
        if handle_group && self.consume(':') {
            return self.group_list();
        }
        if !self.consume('<') {
            return Err(if display_atext {
                MailAddressError::MissingAtOrAngleAddr
            } else {
                MailAddressError::NoAngleAddr
            });
        }
        self.addr_spec()?;
        if !self.consume('>') {
            return Err(MailAddressError::UnclosedAngleAddr);
        }
        Ok(AddressCount::One)
    }

    /// `group-list ";"` after the group's `:`.
    fn group_list(&mut self) -> Result<AddressCount> {
        self.skip_space();
        if self.consume(';') {
            // Go ignores a misformatted comment here.
            self.skip_cfws();
            return Ok(AddressCount::None);
        }
        let mut count = AddressCount::None;
        loop {
            self.skip_space();
            let before = self.s.len();
            count = count.plus(self.address(false)?);
            debug_assert!(self.s.len() < before, "an address consumes input");
            if !self.skip_cfws() {
                return Err(MailAddressError::BadComment);
            }
            if self.consume(';') {
                self.skip_cfws();
                return Ok(count);
            }
            if !self.consume(',') {
                return Err(MailAddressError::ExpectedComma);
            }
        }
    }

    /// `local-part "@" domain`; on failure the position is left where it was.
    fn addr_spec(&mut self) -> Result<()> {
        let saved = self.s;
        let r = self.addr_spec_inner();
        if r.is_err() {
            self.s = saved;
        }
        r
    }

    fn addr_spec_inner(&mut self) -> Result<()> {
        self.skip_space();
        if self.s.is_empty() {
            return Err(MailAddressError::NoAddrSpec);
        }
        if self.s.starts_with('"') {
            // Go reports any failed or empty quoted local part as an empty one.
            match read_quoted_string(self.s) {
                Ok((content, rest)) if content.non_empty => self.s = rest,
                _ => return Err(MailAddressError::EmptyQuotedString),
            }
        } else {
            self.atom(AtomKind::Strict)?;
        }
        if !self.consume('@') {
            return Err(MailAddressError::MissingAt);
        }
        self.skip_space();
        if self.s.is_empty() {
            return Err(MailAddressError::NoDomain);
        }
        self.atom(AtomKind::Strict)?;
        Ok(())
    }

    /// A run of atext (`kind` decides which); returns it.
    fn atom(&mut self, kind: AtomKind) -> Result<&'s str> {
        let permissive = kind == AtomKind::Permissive;
        let end = self
            .s
            .find(|c: char| !is_atext(c, permissive))
            .unwrap_or(self.s.len());
        if end == 0 {
            return Err(MailAddressError::InvalidString);
        }
        let atom = &self.s[..end];
        if kind == AtomKind::Strict {
            if atom.starts_with('.') {
                return Err(MailAddressError::LeadingDot);
            }
            if atom.contains("..") {
                return Err(MailAddressError::DoubleDot);
            }
            if atom.ends_with('.') {
                return Err(MailAddressError::TrailingDot);
            }
        }
        self.s = &self.s[end..];
        Ok(atom)
    }

    /// `phrase = 1*word`: the display name before `<` or `:`. Returns whether the name
    /// (words joined by spaces, encoded words decoded) is all strict atext, which picks
    /// Go's error when no `<` follows.
    fn phrase(&mut self) -> Result<bool> {
        let mut words = 0usize;
        let mut all_atext = true;
        let mut previous_encoded = false;
        loop {
            self.skip_space();
            if self.s.is_empty() {
                break;
            }
            let before = self.s.len();
            let word = match self.word() {
                Ok(w) => w,
                Err(e) if words == 0 => return Err(MailAddressError::MissingWord(Box::new(e))),
                // Go stops at the first word it cannot read once it has one.
                Err(_) => break,
            };
            debug_assert!(self.s.len() < before, "a word consumes input");
            all_atext &= word.atext;
            // Consecutive encoded words are joined without a space.
            if !(previous_encoded && word.encoded) {
                words += 1;
            }
            previous_encoded = word.encoded;
        }
        // Two or more words are joined with a space, which is not atext.
        Ok(all_atext && words <= 1)
    }

    /// One word of a phrase: a quoted string, or a permissive atom that may be an RFC
    /// 2047 encoded word. An unknown charset fails after the atom was consumed, as in Go.
    fn word(&mut self) -> Result<Word> {
        if self.s.starts_with('"') {
            let (content, rest) = read_quoted_string(self.s)?;
            self.s = rest;
            return Ok(Word {
                atext: content.atext,
                encoded: false,
            });
        }
        let atom = self.atom(AtomKind::Permissive)?;
        match decode_encoded_word(atom)? {
            Some(decoded) => Ok(Word {
                atext: decoded
                    .iter()
                    .all(|&b| b >= 0x80 || is_atext(char::from(b), false)),
                encoded: true,
            }),
            None => Ok(Word {
                atext: atom.chars().all(|c| is_atext(c, false)),
                encoded: false,
            }),
        }
    }

    /// A comment after an addr-spec: its words are checked for encoded words in unknown
    /// charsets (Go's display name from the comment).
    fn display_name_comment(&mut self) -> Result<()> {
        if !self.consume('(') {
            return Err(MailAddressError::BadComment);
        }
        let Some(comment) = self.comment() else {
            return Err(MailAddressError::BadComment);
        };
        for word in comment.split([' ', '\t']).filter(|w| !w.is_empty()) {
            decode_encoded_word(word)?;
        }
        Ok(())
    }

    /// The rest of a comment after its `(`, nested comments and `\` escapes included;
    /// `None` (with the input consumed) if it is not closed. The content has the escapes
    /// removed.
    fn comment(&mut self) -> Option<String> {
        let mut depth = 1usize;
        let mut content = String::new();
        let mut chars = self.s.char_indices();
        let mut end = self.s.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if i + 1 < self.s.len() => {
                    // The escaped character is kept, whatever it is.
                    if let Some((_, escaped)) = chars.next() {
                        content.push(escaped);
                    }
                    continue;
                }
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = i + 1;
                break;
            }
            content.push(c);
        }
        self.s = &self.s[end..];
        (depth == 0).then_some(content)
    }

    /// `[CFWS]`: blanks and comments; false if a comment is not closed (the input is
    /// then consumed to its end, as in Go).
    fn skip_cfws(&mut self) -> bool {
        self.skip_space();
        while self.consume('(') {
            if self.comment().is_none() {
                return false;
            }
            self.skip_space();
        }
        true
    }
}

/// What the final check needs of a quoted string's content.
struct QuotedContent {
    non_empty: bool,
    /// Every character of the content is strict atext.
    atext: bool,
}

/// Reads a quoted string at the start of `s` (which starts with `"`): its content's
/// facts and the rest of the input after the closing quote.
fn read_quoted_string(s: &str) -> Result<(QuotedContent, &str)> {
    let mut content = QuotedContent {
        non_empty: false,
        atext: true,
    };
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        if escaped {
            // quoted-pair = "\" (VCHAR / WSP)
            if !is_vchar(c) && !is_wsp(c) {
                return Err(MailAddressError::BadQuotedChar(c));
            }
            escaped = false;
        } else if c == '"' {
            return Ok((content, &s[i + 1..]));
        } else if c == '\\' {
            escaped = true;
            continue;
        } else if !(is_vchar(c) || is_wsp(c)) {
            return Err(MailAddressError::BadQuotedChar(c));
        }
        content.non_empty = true;
        content.atext &= is_atext(c, false);
    }
    Err(MailAddressError::UnclosedQuotedString)
}

/// An RFC 2047 encoded word (`=?charset?B|Q?text?=`) decoded as Go's `mime.WordDecoder`
/// does: `Ok(Some(bytes))` for a word it decodes, `Ok(None)` for anything that is not a
/// well-formed encoded word (Go then keeps the text as it is), and an error for a
/// well-formed word in a charset other than UTF-8, ISO-8859-1 and US-ASCII.
fn decode_encoded_word(word: &str) -> Result<Option<Vec<u8>>> {
    if word.len() < 8
        || !word.starts_with("=?")
        || !word.ends_with("?=")
        || word.matches('?').count() != 4
    {
        return Ok(None);
    }
    let inner = &word[2..word.len() - 2];
    let Some((charset, rest)) = inner.split_once('?') else {
        return Ok(None);
    };
    let Some((encoding, text)) = rest.split_once('?') else {
        return Ok(None);
    };
    if charset.is_empty() || encoding.len() != 1 {
        return Ok(None);
    }
    let decoded = match encoding {
        "B" | "b" => BASE64.decode(text).ok(),
        "Q" | "q" => q_decode(text),
        _ => None,
    };
    let Some(decoded) = decoded else {
        return Ok(None);
    };
    if ["utf-8", "iso-8859-1", "us-ascii"]
        .iter()
        .any(|known| equal_fold_ascii(charset, known))
    {
        Ok(Some(decoded))
    } else {
        Err(MailAddressError::UnsupportedCharset(go_to_lower(charset)))
    }
}

/// Go's `base64.StdEncoding`: padded, trailing bits allowed.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// The "Q" encoding of RFC 2047: `_` is a space, `=XX` a byte in hex (either case),
/// other printable ASCII and CR, LF, tab as they are; `None` for anything else.
fn q_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hi = char::from(hex[0]).to_digit(16)?;
                let lo = char::from(hex[1]).to_digit(16)?;
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            b @ (b' '..=b'~' | b'\n' | b'\r' | b'\t') => out.push(b),
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

/// Go's `strings.EqualFold` against an ASCII name: case-insensitive, and `ſ` (U+017F)
/// folds to `s` as in Unicode simple case folding.
fn equal_fold_ascii(s: &str, ascii: &str) -> bool {
    let mut theirs = s.chars();
    for want in ascii.chars() {
        match theirs.next() {
            Some(c) if c.eq_ignore_ascii_case(&want) => {}
            Some('\u{17f}') if want == 's' => {}
            Some('\u{212a}') if want == 'k' => {}
            _ => return false,
        }
    }
    theirs.next().is_none()
}

/// Go's `strings.ToLower`: each character lower-cased on its own (no final-sigma rule;
/// `İ` becomes `i`).
fn go_to_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            c => c.to_lowercase().next().unwrap_or(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        parse_address(s).unwrap_err().to_string()
    }

    #[test]
    fn accepts_what_go_accepts() {
        for ok in [
            "a@b.c",
            "Foo Bar <a@b.c>",
            "\"x y\"@b.c",
            "<a@b.c>",
            "a@b.c (A =?utf-8?q?B?=)",
            "g: a@b.c;",
            "g: Foo <a@b.c> (c);",
            "a =?x?q?b?= <x@y>",
        ] {
            assert_eq!(parse_address(ok), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn refuses_with_go_texts() {
        assert_eq!(err(""), "mail: no address");
        assert_eq!(err("bad"), "mail: missing '@' or angle-addr");
        assert_eq!(
            err("a@b.c, d@e.f"),
            "mail: expected single address, got \", d@e.f\""
        );
        assert_eq!(err("Foo <a@b.c"), "mail: unclosed angle-addr");
        assert_eq!(err("Foo <a..b@c>"), "mail: double dot in atom");
        assert_eq!(err("a@[1.2.3.4]"), "mail: no angle-addr");
        assert_eq!(err("g: ;"), "mail: empty group");
        assert_eq!(
            err("g: a@b.c, d@e.f;"),
            "mail: group with multiple addresses"
        );
        assert_eq!(err("a@b.c (c"), "mail: misformatted parenthetical comment");
        assert_eq!(
            err("=?X?q?a?= <a@b>"),
            "mail: missing word in phrase: charset not supported: \"x\""
        );
        assert_eq!(err("a@b (=?x?q?a?=)"), "charset not supported: \"x\"");
        assert_eq!(
            err("\"a\u{1}\" <a@b>"),
            "mail: missing word in phrase: mail: bad character in quoted-string: '\\x01'"
        );
    }

    /// The input of the decoder's unbounded allocation: a phrase word the strict atom
    /// refuses (`adn..`) must still be consumed as a permissive one.
    #[test]
    fn double_dot_phrase_terminates() {
        assert_eq!(
            err("adn..@acme.\u{1}\u{7f}exam3wdHCAVydigestZEmYsCMFDE9qt92UV8rC8Wdk: ACME Admin"),
            "mail: no angle-addr"
        );
        let long = "a..".repeat(100_000);
        assert_eq!(err(&long), "mail: missing '@' or angle-addr");
    }

    #[test]
    fn rune_quotes_like_go() {
        assert_eq!(quote_rune('\u{1}'), "'\\x01'");
        assert_eq!(quote_rune('\u{7f}'), "'\\x7f'");
        assert_eq!(quote_rune('\n'), "'\\n'");
        assert_eq!(quote_rune('\''), "'\\''");
        assert_eq!(quote_rune('"'), "'\"'");
    }
}
