//! Single assertions: the borrowed view [`AssertionRef`], the owned [`Assertion`] and
//! the accessors both share ([`AssertionAccess`]). Decoding them
//! ([`AssertionRef::decode`]) runs the type checks of [`crate::types`], which read
//! assertions through this module, so it lives a layer up, in `assemble`.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use sha3::{Digest, Sha3_384};

use crate::Error;
use crate::assertion_type::AssertionType;
use crate::checks::{self, HEADER};
use crate::headers::{HeaderValue, Headers};
use crate::rfc3339::Rfc3339Time;
use crate::rules::RuleLanguage;

/// The signature text of snapd's built-in assertions (snapd newer than 2.57:
/// `asserts.Builtin()`, which `assemble` in `asserts/asserts.go` lets through).
pub const BUILTIN_SIGNATURE: &[u8] = b"$builtin";

/// Read access shared by [`AssertionRef`] and [`Assertion`].
pub trait AssertionAccess {
    /// The assertion's type.
    fn assertion_type(&self) -> AssertionType;
    /// All headers, in input order, with optional primary keys filled in.
    fn headers(&self) -> &Headers<'_>;
    /// The signed content: the header block, plus `"\n\n"` and the body if any.
    fn content(&self) -> &[u8];
    /// The body, if present (always UTF-8).
    fn body(&self) -> Option<&str>;
    /// The signature text as found, with whatever trailing `\n`.
    fn signature(&self) -> &[u8];
    /// The `format` header (0 when absent).
    fn format(&self) -> i64;
    /// The `revision` header (0 when absent).
    fn revision(&self) -> i64;
    /// The plug/slot rule language the assertion was decoded in (snapd 2.57's unless a
    /// decoder was told otherwise, e.g. [`AssertionRef::decode_in`]). The typed views of
    /// declarations ([`crate::types::SnapDeclaration`], [`crate::types::BaseDeclaration`])
    /// compile the rules in it. It is part of an assertion's value: the same bytes
    /// decoded in two languages compare unequal.
    fn rule_language(&self) -> RuleLanguage {
        RuleLanguage::default()
    }

    /// The value of header `name`.
    fn header(&self, name: &str) -> Option<&HeaderValue<'_>> {
        self.headers().get(name)
    }

    /// The value of header `name` if it is a string.
    fn header_str(&self, name: &str) -> Option<&str> {
        self.headers().get_str(name)
    }

    /// The primary-key values, in the type's order.
    fn primary_key(&self) -> Vec<&str> {
        let headers = self.headers();
        self.assertion_type()
            .primary_key()
            .iter()
            .map(|k| headers.get_str(k.name).unwrap_or(""))
            .collect()
    }

    /// The `authority-id` header (`None` for types without authority).
    fn authority_id(&self) -> Option<&str> {
        self.header_str("authority-id")
    }

    /// The `sign-key-sha3-384` header (`None` for `$builtin` assertions).
    fn sign_key_sha3_384(&self) -> Option<&str> {
        self.header_str("sign-key-sha3-384")
    }

    /// Whether this is one of snapd's built-in assertions, whose signature is the
    /// pseudo-signature `$builtin` (snapd newer than 2.57).
    fn is_builtin(&self) -> bool {
        is_builtin_signature(self.signature())
    }

    /// Whether this implementation supports the assertion's format.
    fn supported_format(&self) -> bool {
        self.assertion_type().supported_format(self.format())
    }

    /// The `timestamp` header, parsed, for types that have one; `Ok(None)` for
    /// the others.
    fn timestamp(&self) -> Result<Option<Rfc3339Time>, Error> {
        if !self.assertion_type().has_timestamp() {
            return Ok(None);
        }
        checks::check_rfc3339_date(self.headers(), "timestamp", HEADER).map(Some)
    }

    /// Header `name` as an RFC 3339 date, with snapd's messages (its
    /// `checkRFC3339Date`): an error when the header is absent, not a string, empty
    /// or not a date. An optional date reads as
    /// `a.header(name).map(|_| a.header_date(name)).transpose()`.
    ///
    /// ```
    /// use ucore_assertions::{AssertionAccess, AssertionRef};
    ///
    /// let bytes = include_bytes!("../../tests/data/ubuntu-core-22-amd64.model");
    /// let model = AssertionRef::decode(bytes)?;
    /// let timestamp = model.header_date("timestamp")?;
    /// assert_eq!(timestamp.timestamp.to_string(), "2022-04-04T10:40:41Z");
    /// assert!(model.header_date("architecture").is_err());
    /// # Ok::<(), ucore_assertions::Error>(())
    /// ```
    fn header_date(&self, name: &str) -> Result<Rfc3339Time, Error> {
        checks::check_rfc3339_date(self.headers(), name, HEADER)
    }

    /// Unpadded base64url of the SHA3-384 of the content (snapd's digest
    /// encoding).
    fn content_sha3_384(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha3_384::digest(self.content()))
    }

    /// snapd `Encode`: content + `"\n\n"` + signature. For a decoded assertion this
    /// is byte for byte the input.
    fn encode(&self) -> Vec<u8> {
        let (content, signature) = (self.content(), self.signature());
        let mut out = Vec::with_capacity(content.len() + 2 + signature.len());
        out.extend_from_slice(content);
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(signature);
        out
    }
}

/// Smart pointers and references to an assertion read as the assertion does (a
/// trust database hands out `Arc<Assertion>`s).
macro_rules! delegate_access {
    ($($ptr:ty),*) => {$(
        impl<T: AssertionAccess + ?Sized> AssertionAccess for $ptr {
            fn assertion_type(&self) -> AssertionType {
                (**self).assertion_type()
            }
            fn headers(&self) -> &Headers<'_> {
                (**self).headers()
            }
            fn content(&self) -> &[u8] {
                (**self).content()
            }
            fn body(&self) -> Option<&str> {
                (**self).body()
            }
            fn signature(&self) -> &[u8] {
                (**self).signature()
            }
            fn format(&self) -> i64 {
                (**self).format()
            }
            fn revision(&self) -> i64 {
                (**self).revision()
            }
            fn rule_language(&self) -> RuleLanguage {
                (**self).rule_language()
            }
        }
    )*};
}
delegate_access!(&T, Box<T>, std::sync::Arc<T>, std::rc::Rc<T>);

pub(crate) fn is_builtin_signature(signature: &[u8]) -> bool {
    let mut s = signature;
    while let [rest @ .., b'\n'] = s {
        s = rest;
    }
    s == BUILTIN_SIGNATURE
}

/// A decoded assertion borrowing the input bytes.
///
/// Single-line header values borrow from the input; decoding allocates only the
/// header list, lists/maps and multi-line strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionRef<'a> {
    pub(crate) assertion_type: AssertionType,
    pub(crate) headers: Headers<'a>,
    pub(crate) content: &'a [u8],
    pub(crate) body: Option<&'a str>,
    pub(crate) signature: &'a [u8],
    pub(crate) format: i64,
    pub(crate) revision: i64,
    /// The rule language the declaration rules were checked in.
    pub(crate) language: RuleLanguage,
}

impl<'a> AssertionRef<'a> {
    /// The headers, borrowing the input.
    pub fn headers(&self) -> &Headers<'a> {
        &self.headers
    }

    /// The signed content, borrowing the input.
    pub fn content(&self) -> &'a [u8] {
        self.content
    }

    /// The body, borrowing the input.
    pub fn body(&self) -> Option<&'a str> {
        self.body
    }

    /// The signature, borrowing the input.
    pub fn signature(&self) -> &'a [u8] {
        self.signature
    }

    /// An owned copy.
    pub fn to_owned(&self) -> Assertion {
        self.clone().into_owned()
    }

    /// An owned copy, reusing this value's header list.
    pub fn into_owned(self) -> Assertion {
        let body_start = self.body.map(|b| self.content.len() - b.len());
        Assertion {
            assertion_type: self.assertion_type,
            headers: self.headers.into_owned(),
            content: String::from_utf8_lossy(self.content).into_owned(),
            body_start,
            signature: self.signature.to_vec(),
            format: self.format,
            revision: self.revision,
            language: self.language,
        }
    }
}

impl AssertionAccess for AssertionRef<'_> {
    fn assertion_type(&self) -> AssertionType {
        self.assertion_type
    }
    fn headers(&self) -> &Headers<'_> {
        &self.headers
    }
    fn content(&self) -> &[u8] {
        self.content
    }
    fn body(&self) -> Option<&str> {
        self.body
    }
    fn signature(&self) -> &[u8] {
        self.signature
    }
    fn format(&self) -> i64 {
        self.format
    }
    fn revision(&self) -> i64 {
        self.revision
    }
    fn rule_language(&self) -> RuleLanguage {
        self.language
    }
}

/// A decoded assertion that owns its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    pub(crate) assertion_type: AssertionType,
    pub(crate) headers: Headers<'static>,
    /// Valid UTF-8: headers (checked) + `\n\n` + body (checked).
    pub(crate) content: String,
    pub(crate) body_start: Option<usize>,
    pub(crate) signature: Vec<u8>,
    pub(crate) format: i64,
    pub(crate) revision: i64,
    /// The rule language the declaration rules were checked in.
    pub(crate) language: RuleLanguage,
}

impl AssertionAccess for Assertion {
    fn assertion_type(&self) -> AssertionType {
        self.assertion_type
    }
    fn headers(&self) -> &Headers<'_> {
        &self.headers
    }
    fn content(&self) -> &[u8] {
        self.content.as_bytes()
    }
    fn body(&self) -> Option<&str> {
        self.body_start.and_then(|s| self.content.get(s..))
    }
    fn signature(&self) -> &[u8] {
        &self.signature
    }
    fn format(&self) -> i64 {
        self.format
    }
    fn revision(&self) -> i64 {
        self.revision
    }
    fn rule_language(&self) -> RuleLanguage {
        self.language
    }
}

fn serialize_assertion<S: Serializer>(
    a: &impl AssertionAccess,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut s = serializer.serialize_struct("Assertion", 7)?;
    s.serialize_field("type", &a.assertion_type())?;
    s.serialize_field("headers", a.headers())?;
    s.serialize_field("body", &a.body())?;
    s.serialize_field("primary_key", &a.primary_key())?;
    s.serialize_field("format", &a.format())?;
    s.serialize_field("revision", &a.revision())?;
    s.serialize_field("signature", &String::from_utf8_lossy(a.signature()))?;
    s.end()
}

impl Serialize for AssertionRef<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_assertion(self, serializer)
    }
}

impl Serialize for Assertion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_assertion(self, serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    fn account(extra: &str) -> String {
        format!(
            "type: account\nauthority-id: canonical\naccount-id: x\ndisplay-name: X\nvalidation: v\ntimestamp: 2016-01-01T00:00:00Z{extra}\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        )
    }

    #[test]
    fn decodes_and_reencodes() {
        let text = account("");
        let a = AssertionRef::decode(text.as_bytes()).unwrap();
        assert_eq!(a.assertion_type(), AssertionType::Account);
        assert_eq!(a.primary_key(), ["x"]);
        assert_eq!(a.authority_id(), Some("canonical"));
        assert_eq!(a.sign_key_sha3_384(), Some(KEY));
        assert_eq!(a.signature(), b"AXNpZw==");
        assert_eq!(a.body(), None);
        assert_eq!(a.encode(), text.as_bytes());
        assert_eq!(
            a.timestamp().unwrap().unwrap().timestamp.as_second(),
            1451606400
        );
        // Oracle: content_sha3_384 of this exact text.
        let owned = a.to_owned();
        assert_eq!(owned.encode(), text.as_bytes());
        assert_eq!(owned.headers(), a.headers());
        assert_eq!(owned.content_sha3_384(), a.content_sha3_384());
        let json = serde_json::to_value(&owned).unwrap();
        assert_eq!(json["type"], "account");
        assert_eq!(json["headers"]["account-id"], "x");
    }

    #[test]
    fn fills_optional_primary_key_default() {
        let text = format!(
            "type: snap-revision\nauthority-id: canonical\nsnap-sha3-384: {KEY}\nsnap-id: snapidsnapidsnapidsnapidsnapid12\nsnap-size: 10\nsnap-revision: 1\ndeveloper-id: dev\ntimestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        );
        let a = AssertionRef::decode(text.as_bytes()).unwrap();
        assert_eq!(a.header_str("provenance"), Some("global-upload"));
        assert_eq!(a.primary_key(), [KEY, "global-upload"]);
        assert_eq!(a.encode(), text.as_bytes());
    }

    #[test]
    fn builtin_skips_sign_key() {
        let text = "type: base-declaration\nauthority-id: canonical\nseries: 16\ntimestamp: 2016-01-01T00:00:00Z\n\n$builtin\n";
        let a = AssertionRef::decode(text.as_bytes()).unwrap();
        assert!(a.is_builtin());
        assert_eq!(a.sign_key_sha3_384(), None);
    }

    #[test]
    fn body_and_format() {
        let text = format!(
            "type: account\nauthority-id: canonical\nformat: 1\nrevision: 2\naccount-id: x\ndisplay-name: X\nvalidation: v\ntimestamp: 2016-01-01T00:00:00Z\nbody-length: 6\nsign-key-sha3-384: {KEY}\n\nab\n\ncd\n\nAXNpZw==\n"
        );
        let a = AssertionRef::decode(text.as_bytes()).unwrap();
        assert_eq!(a.body(), Some("ab\n\ncd"));
        assert_eq!((a.format(), a.revision()), (1, 2));
        // Decode accepts a format above the maximum; checking rejects it.
        assert!(!a.supported_format());
        assert_eq!(a.signature(), b"AXNpZw==\n");
        assert_eq!(a.to_owned().body(), Some("ab\n\ncd"));
    }

    fn decode_err(text: &str) -> String {
        AssertionRef::decode(text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    /// snapd's `Decode` (`asserts/asserts.go`) splits at the last `\n\n`.
    #[test]
    fn decode_splitting() {
        assert_eq!(
            decode_err("type: account"),
            "assertion content/signature separator not found"
        );
        // A file ending in a blank line: the signature is taken as the body.
        assert_eq!(
            decode_err(&format!("{}\n\n", account(""))),
            "assertion body length and declared body-length don't match: 8 != 0"
        );
        assert_eq!(
            decode_err(&account("").replace("AXNpZw==", "")),
            "empty assertion signature"
        );
        assert!(
            decode_err("a: b\n\n")
                .starts_with("assertion: \"sign-key-sha3-384\" header is mandatory")
        );
    }

    /// snapd's `assemble` (`asserts/asserts.go`): the checks run in its order; the
    /// first failure wins.
    #[test]
    fn assemble_order_and_texts() {
        let k = KEY;
        let cases = [
            (
                "type: x\nbody-length: a\n\nAXNpZw==".to_owned(),
                r#"assertion: "body-length" header is not an integer: a"#.to_owned(),
            ),
            (
                "type: x\n\nAXNpZw==".to_owned(),
                r#"assertion: "sign-key-sha3-384" header is mandatory"#.to_owned(),
            ),
            (
                format!("type: x\nsign-key-sha3-384: {k}\n\nAXNpZw=="),
                r#"unknown assertion type: "x""#.to_owned(),
            ),
            (
                format!("sign-key-sha3-384: {k}\n\nAXNpZw=="),
                r#"assertion: "type" header is mandatory"#.to_owned(),
            ),
            (
                format!("type: confdb-schema\nsign-key-sha3-384: {k}\n\nAXNpZw=="),
                "assertion confdb-schema: body must contain JSON".to_owned(),
            ),
            (
                format!("type: account\nsign-key-sha3-384: {k}\n\nAXNpZw=="),
                r#"assertion: "authority-id" header is mandatory"#.to_owned(),
            ),
            (
                format!(
                    "type: serial-request\nauthority-id: a\nsign-key-sha3-384: {k}\n\nAXNpZw=="
                ),
                r#""serial-request" assertion cannot have authority-id set"#.to_owned(),
            ),
            (
                format!(
                    "type: account\nauthority-id: a\nformat: -1\nsign-key-sha3-384: {k}\n\nAXNpZw=="
                ),
                "assertion: format should be positive: -1".to_owned(),
            ),
            (
                format!(
                    "type: account\nauthority-id: a\nrevision: -1\nsign-key-sha3-384: {k}\n\nAXNpZw=="
                ),
                r#"assertion account: "account-id" header is mandatory"#.to_owned(),
            ),
            (
                format!(
                    "type: account\nauthority-id: a\naccount-id: b\nrevision: -1\nsign-key-sha3-384: {k}\n\nAXNpZw=="
                ),
                "assertion: revision should be positive: -1".to_owned(),
            ),
        ];
        assert_eq!(
            AssertionRef::decode(b"type: x\nbody-length: 1\n\n\xff\n\nAXNpZw==")
                .unwrap_err()
                .to_string(),
            "assertion body is not utf8"
        );
        for (text, want) in cases {
            let got = AssertionRef::decode(text.as_bytes()).unwrap_err();
            assert_eq!(got.to_string(), want, "{text:?}");
        }
    }

    #[test]
    fn errors_carry_structure() {
        let text = format!(
            "type: account\nauthority-id: a\naccount-id: b/c\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        );
        let err = AssertionRef::decode(text.as_bytes()).unwrap_err();
        assert!(matches!(
            &err,
            Error::Type {
                assertion_type: "account",
                ..
            }
        ));
        assert!(
            matches!(err.root_cause(), Error::PrimaryKeySlash { name } if name == "account-id")
        );
    }

    #[test]
    fn unsupported_format_still_decodes() {
        let text = format!(
            "type: model\nauthority-id: a\nformat: 3\nseries: 16\nbrand-id: a\nmodel: m\narchitecture: amd64\ngadget: pc\nkernel: pc-kernel\ntimestamp: 2016-01-01T00:00:00Z\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        );
        let a = AssertionRef::decode(text.as_bytes()).unwrap();
        assert_eq!(a.format(), 3);
        assert!(!a.supported_format());
    }
}
