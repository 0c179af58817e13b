//! Decoding one assertion: snapd's `Decode` and `assemble` (`asserts/asserts.go`), the
//! common checks in snapd's order, then the type's own ([`crate::types`]). The constructors
//! [`AssertionRef::decode`], [`AssertionRef::from_parts`], [`Assertion::decode`] and
//! [`Assertion::from_parts`] are defined here, above both the data types of
//! [`crate::assertion`] and the typed views that read them.

use crate::Error;
use crate::assertion::{Assertion, AssertionRef, is_builtin_signature};
use crate::assertion_type::AssertionType;
use crate::checks::{self, HEADER};
use crate::headers::{HeaderValue, Headers, parse_headers};
use crate::rules::RuleLanguage;

/// The start of the first `\n\n` (faster than `memmem::find` for this needle).
fn find_blank_line(input: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', input).find(|&i| input.get(i + 1) == Some(&b'\n'))
}

/// The start of the last `\n\n` (faster than `memmem::rfind` for this needle).
fn rfind_blank_line(input: &[u8]) -> Option<usize> {
    memchr::memrchr_iter(b'\n', input)
        .find(|&i| i > 0 && input[i - 1] == b'\n')
        .map(|i| i - 1)
}

impl<'a> AssertionRef<'a> {
    /// Decodes one assertion (snapd's `Decode`, `asserts/asserts.go`): the **last** `\n\n` splits
    /// content from signature, the first `\n\n` of the content splits headers
    /// from body, then the common checks of snapd's `assemble` run in its order, then the
    /// type-specific checks. Declarations' plug/slot rules are compiled in snapd 2.57's
    /// language ([`RuleLanguage::Snapd2_57`]).
    pub fn decode(input: &'a [u8]) -> Result<Self, Error> {
        Self::decode_in(input, RuleLanguage::default())
    }

    /// Decodes one assertion as [`decode`](Self::decode) does, compiling declarations'
    /// plug/slot rules in `language`: with [`RuleLanguage::Current`], a snap-declaration
    /// using what newer snapd added (`on-core-desktop`, publisher-id attribute
    /// references, `on-classic` variants) decodes as today's snapd decodes it.
    ///
    /// ```
    /// use ucore_assertions::rules::RuleLanguage;
    /// use ucore_assertions::types::SnapDeclaration;
    /// use ucore_assertions::{AssertionAccess, AssertionRef};
    ///
    /// let text = "type: snap-declaration\n\
    ///     authority-id: canonical\n\
    ///     series: 16\n\
    ///     snap-id: snapidsnapidsnapidsnapidsnapidsn\n\
    ///     snap-name: hello\n\
    ///     publisher-id: canonical\n\
    ///     format: 1\n\
    ///     plugs:\n  x11:\n    allow-auto-connection:\n      on-core-desktop: true\n\
    ///     timestamp: 2016-09-29T19:50:49Z\n\
    ///     sign-key-sha3-384: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\
    ///     \n\
    ///     AXNpZw==";
    /// // snapd 2.57 does not know `on-core-desktop`
    /// assert!(AssertionRef::decode(text.as_bytes()).is_err());
    /// let decl = AssertionRef::decode_in(text.as_bytes(), RuleLanguage::Current)?;
    /// assert_eq!(decl.rule_language(), RuleLanguage::Current);
    /// // the typed view compiles the rules in the language of the decode
    /// let view = SnapDeclaration::try_from(&decl)?;
    /// let rule = view.plugs.get("x11").unwrap();
    /// assert_eq!(rule.allow_auto_connection[0].on_core_desktop, Some(true));
    /// # Ok::<(), ucore_assertions::Error>(())
    /// ```
    pub fn decode_in(input: &'a [u8], language: RuleLanguage) -> Result<Self, Error> {
        let sep = rfind_blank_line(input).ok_or(Error::SeparatorNotFound)?;
        Self::from_parts_in(&input[..sep], &input[sep + 2..], language)
    }

    /// Checks content and signature given separately (snapd `assemble` after
    /// splitting): the content's first `\n\n` splits headers from body.
    pub fn from_parts(content: &'a [u8], signature: &'a [u8]) -> Result<Self, Error> {
        Self::from_parts_in(content, signature, RuleLanguage::default())
    }

    /// [`from_parts`](Self::from_parts), compiling declarations' rules in `language`.
    pub fn from_parts_in(
        content: &'a [u8],
        signature: &'a [u8],
        language: RuleLanguage,
    ) -> Result<Self, Error> {
        let (head, body) = match find_blank_line(content) {
            Some(i) => (&content[..i], &content[i + 2..]),
            None => (content, &content[content.len()..]),
        };
        let headers = parse_headers(head).map_err(|e| Error::ParsingHeaders(Box::new(e)))?;
        assemble(headers, body, content, signature, language)
    }
}

impl Assertion {
    /// Decodes one assertion like [`AssertionRef::decode`] and copies it.
    pub fn decode(input: &[u8]) -> Result<Self, Error> {
        AssertionRef::decode(input).map(AssertionRef::into_owned)
    }

    /// Decodes one assertion like [`AssertionRef::decode_in`] (declarations' rules
    /// compiled in `language`) and copies it.
    pub fn decode_in(input: &[u8], language: RuleLanguage) -> Result<Self, Error> {
        AssertionRef::decode_in(input, language).map(AssertionRef::into_owned)
    }

    /// Joins signed content and a signature (for example one the signing crate
    /// just made) and checks the result as decoding does.
    pub fn from_parts(content: Vec<u8>, signature: Vec<u8>) -> Result<Self, Error> {
        Self::from_parts_in(content, signature, RuleLanguage::default())
    }

    /// [`from_parts`](Self::from_parts), declarations' rules checked in `language`.
    pub fn from_parts_in(
        content: Vec<u8>,
        signature: Vec<u8>,
        language: RuleLanguage,
    ) -> Result<Self, Error> {
        let (assertion_type, headers, body_start, format, revision, language) = {
            let r = AssertionRef::from_parts_in(&content, &signature, language)?;
            let body_start = r.body.map(|b| r.content.len() - b.len());
            (
                r.assertion_type,
                r.headers.into_owned(),
                body_start,
                r.format,
                r.revision,
                r.language,
            )
        };
        let content = String::from_utf8(content).map_err(|_| Error::BodyNotUtf8)?;
        Ok(Assertion {
            assertion_type,
            headers,
            content,
            body_start,
            signature,
            format,
            revision,
            language,
        })
    }
}

/// snapd's `assemble` (`asserts/asserts.go`): the common checks, in order, then the
/// type's own.
pub(crate) fn assemble<'a>(
    mut headers: Headers<'a>,
    body: &'a [u8],
    content: &'a [u8],
    signature: &'a [u8],
    language: RuleLanguage,
) -> Result<AssertionRef<'a>, Error> {
    // 1. body-length
    let length =
        checks::check_int_with_default(&headers, "body-length", 0).map_err(Error::in_assertion)?;
    if i64::try_from(body.len()).ok() != Some(length) {
        return Err(Error::BodyLengthMismatch {
            actual: body.len(),
            declared: length,
        });
    }
    // 2. body UTF-8
    let body = std::str::from_utf8(body).map_err(|_| Error::BodyNotUtf8)?;
    let body = (!body.is_empty()).then_some(body);
    // 3. sign-key-sha3-384, unless `$builtin`
    if !is_builtin_signature(signature) {
        checks::check_digest_valid(&headers, "sign-key-sha3-384", 48)
            .map_err(Error::in_assertion)?;
    }
    // 4. type
    let type_name =
        checks::check_not_empty_string(&headers, "type", HEADER).map_err(Error::in_assertion)?;
    let assertion_type = AssertionType::from_name(type_name).ok_or_else(|| Error::UnknownType {
        name: type_name.to_owned(),
    })?;
    let name = assertion_type.name();
    // 5. JSON body
    if assertion_type.json_body() {
        crate::json_body::check_json(body).map_err(|e| e.in_type(name))?;
    }
    // 6. authority
    if assertion_type.has_authority() {
        checks::check_not_empty_string(&headers, "authority-id", HEADER)
            .map_err(Error::in_assertion)?;
    } else if headers.contains("authority-id") {
        return Err(Error::AuthorityIdSet {
            assertion_type: name,
        });
    }
    // 7. format
    let format =
        checks::check_int_with_default(&headers, "format", 0).map_err(Error::in_assertion)?;
    if format < 0 {
        return Err(Error::NotPositive {
            name: "format",
            value: format,
        }
        .in_assertion());
    }
    // 8. primary keys (missing optional ones get their default)
    for key in assertion_type.primary_key() {
        if let Some(default) = key.default
            && !headers.contains(key.name)
        {
            headers.insert(key.name, HeaderValue::from(default));
        }
        checks::check_primary_key(&headers, key.name).map_err(|e| e.in_type(name))?;
    }
    // 9. revision
    let revision =
        checks::check_int_with_default(&headers, "revision", 0).map_err(Error::in_assertion)?;
    if revision < 0 {
        return Err(Error::NotPositive {
            name: "revision",
            value: revision,
        }
        .in_assertion());
    }
    // 10. signature
    if signature.is_empty() {
        return Err(Error::EmptySignature);
    }
    let assertion = AssertionRef {
        assertion_type,
        headers,
        content,
        body,
        signature,
        format,
        revision,
        language,
    };
    // 11. type-specific checks
    crate::types::check(&assertion).map_err(|e| e.in_type(name))?;
    Ok(assertion)
}
