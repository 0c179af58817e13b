//! Canonical content for signing (snapd's `assembleAndSign` in `asserts/asserts.go`
//! and `appendEntry` in `asserts/headers.go`).
//!
//! [`AssertionBuilder`] collects a type, headers and a body and writes the signed
//! content in snapd's order: `type`, `format` (if > 0), `authority-id`,
//! `revision` (if > 0), the primary keys, the other headers sorted bytewise,
//! `body-length` (if > 0), `sign-key-sha3-384`; then `"\n\n"` + body. The signing
//! crate signs those bytes and calls [`crate::Assertion::from_parts`].
//!
//! Unlike snapd, the builder refuses up front what would not decode: invalid
//! header names or map keys, empty lists and maps (snapd silently drops them,
//! which can leave a bare `name:`), nesting deeper than
//! [`crate::headers::MAX_NESTING_DEPTH`]. The finished content is decoded once
//! with a placeholder signature so any other failure surfaces here as
//! `cannot assemble assertion <type>: …`.

use std::borrow::Cow;

use crate::Error;
use crate::assertion::AssertionRef;
use crate::assertion_type::AssertionType;
use crate::checks::{self, HEADER};
use crate::headers::{HeaderValue, Headers, MAX_NESTING_DEPTH, append_entry, is_valid_header_name};
use crate::rules::RuleLanguage;

/// Builds the canonical signed content of an assertion.
#[derive(Debug, Clone)]
pub struct AssertionBuilder {
    assertion_type: AssertionType,
    headers: Headers<'static>,
    body: Option<Vec<u8>>,
    language: RuleLanguage,
}

impl AssertionBuilder {
    /// A builder for `assertion_type` with no headers.
    pub fn new(assertion_type: AssertionType) -> Self {
        AssertionBuilder {
            assertion_type,
            headers: Headers::new(),
            body: None,
            language: RuleLanguage::default(),
        }
    }

    /// Sets a header (replacing an earlier value).
    pub fn header(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<HeaderValue<'static>>,
    ) -> Self {
        self.headers.insert(name, value.into());
        self
    }

    /// Sets all headers at once.
    pub fn headers(mut self, headers: Headers<'static>) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Checks declarations' plug/slot rules, and the format they need, in `language`
    /// (snapd 2.57's by default): with [`RuleLanguage::Current`] a snap-declaration may
    /// use what newer snapd added, at the format it needs (6 for publisher-id attribute
    /// references, 7 for `on-classic` variants).
    pub fn with_rule_language(mut self, language: RuleLanguage) -> Self {
        self.language = language;
        self
    }

    /// The rule language the content is checked in (the signed assertion is decoded in
    /// it).
    pub fn rule_language(&self) -> RuleLanguage {
        self.language
    }

    /// The canonical content to sign with the key `sign_key_sha3_384`.
    pub fn content(&self, sign_key_sha3_384: &str) -> Result<Vec<u8>, Error> {
        assemble_content_in(
            self.assertion_type,
            &self.headers,
            self.body.as_deref(),
            sign_key_sha3_384,
            self.language,
        )
    }
}

fn check_encodable(header: &str, value: &HeaderValue<'_>, depth: usize) -> Result<(), Error> {
    let fail = |reason: String| Error::Unencodable {
        header: header.to_owned(),
        reason,
    };
    match value {
        HeaderValue::String(_) => Ok(()),
        HeaderValue::List(_) | HeaderValue::Map(_) if depth >= MAX_NESTING_DEPTH => Err(fail(
            format!("nested deeper than {MAX_NESTING_DEPTH} levels"),
        )),
        HeaderValue::List(items) => {
            if items.is_empty() {
                return Err(fail("empty lists cannot be encoded".to_owned()));
            }
            items
                .iter()
                .try_for_each(|v| check_encodable(header, v, depth + 1))
        }
        HeaderValue::Map(map) => {
            if map.is_empty() {
                return Err(fail("empty maps cannot be encoded".to_owned()));
            }
            for (k, v) in map {
                if !is_valid_header_name(k) {
                    return Err(fail(format!(
                        "invalid map entry key: {}",
                        ucore_go_text::quote(k)
                    )));
                }
                check_encodable(header, v, depth + 1)?;
            }
            Ok(())
        }
    }
}

/// snapd's `SuggestFormat`: the lowest format covering the features `headers` use in
/// `language` (only snap-declaration rules have format-dependent features).
fn suggested_format(
    assertion_type: AssertionType,
    headers: &Headers<'_>,
    language: RuleLanguage,
) -> Result<i64, Error> {
    match assertion_type {
        AssertionType::SnapDeclaration => crate::rules::suggested_format(headers, language),
        _ => Ok(0),
    }
}

/// Writes the canonical content of an assertion (see the module docs). `headers`
/// may contain `type`, `body-length` and `sign-key-sha3-384`; they are
/// overwritten. Declarations' rules are checked in snapd 2.57's language.
pub fn assemble_content(
    assertion_type: AssertionType,
    headers: &Headers<'_>,
    body: Option<&[u8]>,
    sign_key_sha3_384: &str,
) -> Result<Vec<u8>, Error> {
    assemble_content_in(
        assertion_type,
        headers,
        body,
        sign_key_sha3_384,
        RuleLanguage::default(),
    )
}

/// [`assemble_content`], declarations' rules checked in `language`.
pub fn assemble_content_in(
    assertion_type: AssertionType,
    headers: &Headers<'_>,
    body: Option<&[u8]>,
    sign_key_sha3_384: &str,
    language: RuleLanguage,
) -> Result<Vec<u8>, Error> {
    let name = assertion_type.name();
    for (header, value) in headers.iter() {
        if !is_valid_header_name(header) {
            return Err(Error::InvalidHeaderName {
                name: header.to_owned(),
            });
        }
        check_encodable(header, value, 0)?;
    }
    let body = body.unwrap_or_default();
    let body_str = std::str::from_utf8(body).map_err(|_| Error::BodyNotUtf8)?;
    if assertion_type.json_body() {
        crate::json_body::check_json(Some(body_str)).map_err(|e| e.in_type(name))?;
    }

    if assertion_type.has_authority() {
        checks::check_not_empty_string(headers, "authority-id", HEADER)?;
    } else if headers.contains("authority-id") {
        return Err(Error::AuthorityIdSet {
            assertion_type: name,
        });
    }
    let format = checks::check_int_with_default(headers, "format", 0)?;
    if format < 0 {
        return Err(Error::NotPositive {
            name: "format",
            value: format,
        });
    }
    if format > assertion_type.max_supported_format() {
        return Err(Error::FormatTooHigh {
            assertion_type: name,
            format,
            max: assertion_type.max_supported_format(),
        });
    }
    let min = suggested_format(assertion_type, headers, language)?;
    if format < min {
        return Err(Error::FormatTooLow {
            assertion_type: name,
            format,
            min,
        });
    }
    let revision = checks::check_int_with_default(headers, "revision", 0)?;
    if revision < 0 {
        return Err(Error::NotPositive {
            name: "revision",
            value: revision,
        });
    }

    let mut out = Vec::with_capacity(256 + body.len());
    out.extend_from_slice(b"type: ");
    out.extend_from_slice(name.as_bytes());
    let mut written: Vec<&str> = vec![
        "type",
        "body-length",
        "sign-key-sha3-384",
        "format",
        "revision",
    ];
    let write = |out: &mut Vec<u8>, header: &str, value: &HeaderValue<'_>| {
        let mut intro = Vec::with_capacity(header.len() + 1);
        intro.extend_from_slice(header.as_bytes());
        intro.push(b':');
        append_entry(out, &intro, value, 0);
    };
    if format > 0
        && let Some(v) = headers.get("format")
    {
        write(&mut out, "format", v);
    }
    if assertion_type.has_authority()
        && let Some(v) = headers.get("authority-id")
    {
        write(&mut out, "authority-id", v);
        written.push("authority-id");
    }
    if revision > 0
        && let Some(v) = headers.get("revision")
    {
        write(&mut out, "revision", v);
    }
    let mut defaulted: Option<(&str, HeaderValue<'static>)> = None;
    for key in assertion_type.primary_key() {
        match (key.default, headers.get(key.name)) {
            // Set to its default by the caller: not written at all.
            (Some(default), Some(v)) if v.as_str() == Some(default) => written.push(key.name),
            // Absent: defaulted, then written among the sorted headers (a quirk of
            // snapd's `assembleAndSign`).
            (Some(default), None) => {
                defaulted = Some((key.name, HeaderValue::from(default)));
            }
            (_, Some(v)) => {
                write(&mut out, key.name, v);
                written.push(key.name);
            }
            (None, None) => {}
        }
    }
    let mut rest: Vec<(&str, &HeaderValue<'_>)> = headers
        .iter()
        .filter(|(n, _)| !written.contains(n))
        .collect();
    if let Some((n, v)) = &defaulted {
        rest.push((n, v));
    }
    rest.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (n, v) in rest {
        write(&mut out, n, v);
    }
    if !body.is_empty() {
        out.extend_from_slice(format!("\nbody-length: {}", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\nsign-key-sha3-384: ");
    out.extend_from_slice(sign_key_sha3_384.as_bytes());
    if !body.is_empty() {
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(body);
    }

    // Decode what was written, as snapd runs the type's assembler.
    AssertionRef::from_parts_in(&out, b"AXNpZw==", language).map_err(|e| Error::Assemble {
        assertion_type: name,
        source: Box::new(match e {
            Error::Type { source, .. } => *source,
            other => other,
        }),
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AssertionAccess as _;

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn canonical_order() {
        let snap_revision = || {
            AssertionBuilder::new(AssertionType::SnapRevision)
                .header("snapd", "z")
                .header("snap-id", "snapidsnapidsnapidsnapidsnapid12")
                .header("snap-size", "10")
                .header("snap-revision", "1")
                .header("developer-id", "dev")
                .header("timestamp", "2016-01-01T00:00:00Z")
                .header("authority-id", "canonical")
                .header("snap-sha3-384", KEY)
        };
        let content = snap_revision()
            .header("revision", "3")
            .header("format", "0")
            .body("hello")
            .content(KEY)
            .unwrap();
        let text = String::from_utf8(content).unwrap();
        assert_eq!(
            text,
            format!(
                "type: snap-revision\nauthority-id: canonical\nrevision: 3\nsnap-sha3-384: {KEY}\ndeveloper-id: dev\nprovenance: global-upload\nsnap-id: snapidsnapidsnapidsnapidsnapid12\nsnap-revision: 1\nsnap-size: 10\nsnapd: z\ntimestamp: 2016-01-01T00:00:00Z\nbody-length: 5\nsign-key-sha3-384: {KEY}\n\nhello"
            )
        );
        // An explicit default is not written at all.
        let content = snap_revision()
            .header("provenance", "global-upload")
            .content(KEY)
            .unwrap();
        assert!(
            !String::from_utf8(content.clone())
                .unwrap()
                .contains("provenance")
        );
        let a = crate::Assertion::from_parts(content, b"AXNpZw==\n".to_vec()).unwrap();
        assert_eq!(a.header_str("provenance"), Some("global-upload"));
    }

    /// A snap-declaration of format `format` with the headers of the text `extra`.
    fn snap_declaration(format: &str, extra: &str) -> AssertionBuilder {
        let headers = crate::headers::parse_headers(extra.as_bytes()).unwrap();
        let mut b = AssertionBuilder::new(AssertionType::SnapDeclaration)
            .header("authority-id", "canonical")
            .header("series", "16")
            .header("snap-id", "snapidsnapidsnapidsnapidsnapid12")
            .header("snap-name", "hello")
            .header("publisher-id", "acme")
            .header("timestamp", "2016-01-01T00:00:00Z")
            .header("format", format.to_owned());
        for (k, v) in headers.iter() {
            b = b.header(k.to_owned(), v.clone().into_owned());
        }
        b
    }

    #[test]
    fn snap_declarations_need_the_format_of_their_rules() {
        let decl = |format: &str, plugs: &str| {
            snap_declaration(format, plugs)
                .content(KEY)
                .map(drop)
                .map_err(|e| e.to_string())
        };
        let scoped =
            "plugs:\n  iface:\n    allow-auto-connection:\n      on-brand:\n        - acme";
        assert_eq!(
            decl("0", scoped).unwrap_err(),
            r#"cannot sign "snap-declaration" assertion with format set to 0 lower than min format 3 covering included features"#
        );
        assert_eq!(decl("3", scoped), Ok(()));
        assert!(decl("0", "plugs:\n  iface: true").is_err());
        assert_eq!(decl("1", "plugs:\n  iface: true"), Ok(()));
        assert_eq!(
            decl("1", "plugs: what").unwrap_err(),
            r#"assertion snap-declaration: "plugs" header must be a map"#
        );
    }

    #[test]
    fn newer_rules_need_the_newer_language_and_its_format() {
        let plugs = "plugs:\n  iface:\n    allow-connection:\n      slot-attributes:\n        \
                     owner: $PLUG_PUBLISHER_ID";
        let decl = |format: &str, language: RuleLanguage| {
            snap_declaration(format, plugs).with_rule_language(language)
        };
        // snapd 2.57 knows no publisher-id attribute references
        let old = decl("6", RuleLanguage::Snapd2_57);
        assert_eq!(old.rule_language(), RuleLanguage::Snapd2_57);
        let err = old.content(KEY).unwrap_err().to_string();
        assert!(
            err.contains("not a valid $SLOT()/$PLUG() constraint"),
            "{err}"
        );
        assert_eq!(
            decl("5", RuleLanguage::Current)
                .content(KEY)
                .unwrap_err()
                .to_string(),
            r#"cannot sign "snap-declaration" assertion with format set to 5 lower than min format 6 covering included features"#
        );
        let new = decl("6", RuleLanguage::Current);
        let content = new.content(KEY).unwrap();
        let a =
            crate::Assertion::from_parts_in(content, b"AXNpZw==\n".to_vec(), new.rule_language())
                .unwrap();
        assert_eq!(a.rule_language(), RuleLanguage::Current);
    }

    #[test]
    fn rejects_what_would_not_decode() {
        let base = AssertionBuilder::new(AssertionType::Model).header("authority-id", "a");
        let err = |b: AssertionBuilder| b.content(KEY).unwrap_err().to_string();
        assert_eq!(
            err(base.clone().header("Bad", "x")),
            r#"invalid header name: "Bad""#
        );
        assert_eq!(
            err(base.clone().header("l", HeaderValue::List(vec![]))),
            r#"cannot encode header "l": empty lists cannot be encoded"#
        );
        assert_eq!(
            err(base.clone().header("format", "1")),
            r#"cannot sign "model" assertion with format 1 higher than max supported format 0"#
        );
        assert_eq!(
            err(AssertionBuilder::new(AssertionType::Model)),
            r#""authority-id" header is mandatory"#
        );
        assert_eq!(
            err(AssertionBuilder::new(AssertionType::SerialRequest).header("authority-id", "x")),
            r#""serial-request" assertion cannot have authority-id set"#
        );
        assert_eq!(
            err(base.header("series", "16").header("brand-id", "a")),
            r#"cannot assemble assertion model: "model" header is mandatory"#
        );
        assert_eq!(
            err(AssertionBuilder::new(AssertionType::SerialRequest).body(vec![0xff])),
            "assertion body is not utf8"
        );
    }
}
