//! Model statements: what a brand writes about a device, before it is signed.
//!
//! A statement is the JSON object `snap sign` takes (the headers of the model, strings,
//! lists and maps), or the same in YAML, or one made in Rust with [`ModelBuilder`].
//! [`Statement::check`] runs every check snapd makes when it signs a model (and when a
//! device decodes it) **before** anything is signed, so an error names the field and says
//! why in snapd's words; [`Statement::sign`] then signs it with a key from a keypair store.
//!
//! Only `timestamp` is filled in when absent (with the current time, as `snap sign` users
//! are told to write it); `type` may be left out, since a model statement is a model.
//! Nothing else is invented: `authority-id`, `brand-id`, `series`, `model`, … must be
//! written. Headers snapd does not know are refused (a typo such as `requried-snaps`
//! would otherwise be signed and silently ignored by devices) unless
//! [`Statement::allow_unknown_headers`] says otherwise.

mod builder;

pub use builder::{ModelBuilder, SnapEntry, ValidationSetEntry};

use serde_json::{Map, Value};
use ucore_assertions::types::Model;
use ucore_assertions::{Assertion, AssertionBuilder, Timestamp};
use ucore_signing::Signer;

use crate::error::{Error, RejectionCause, StatementError, SyntaxError};

/// Every header a model assertion may carry (those snapd's `assembleModel` in
/// `asserts/model.go` reads, plus the common ones).
pub const MODEL_HEADERS: &[&str] = &[
    "type",
    "format",
    "authority-id",
    "revision",
    "series",
    "brand-id",
    "model",
    "display-name",
    "architecture",
    "classic",
    "distribution",
    "base",
    "gadget",
    "kernel",
    "required-snaps",
    "snaps",
    "grade",
    "storage-safety",
    "store",
    "serial-authority",
    "system-user-authority",
    "preseed-authority",
    "validation-sets",
    "timestamp",
];

/// Headers the signer sets; a statement must not carry them.
const SIGNER_HEADERS: &[&str] = &["sign-key-sha3-384", "body-length"];

/// The key id used to check a statement before a key is chosen (any well-formed
/// SHA3-384 id: 64 base64url characters).
const CHECK_KEY_ID: &str = "statementcheckAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// How often one anchor of a YAML statement may be used.
const YAML_ALIAS_USES: usize = 16;

/// serde-saphyr's limits for a YAML statement of `len` bytes: the copies aliases make are
/// at most [`YAML_ALIAS_USES`] times what anchors record, which is at most the text.
fn yaml_options(len: usize) -> serde_saphyr::Options {
    let replayed = len.saturating_mul(YAML_ALIAS_USES).saturating_add(1024);
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_recorded_anchor_bytes: len,
            max_recorded_anchor_events: len,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: replayed,
            max_alias_expansions_per_anchor: YAML_ALIAS_USES,
        },
    }
}

/// Why a statement text could not be read: the format tried (`JSON` or `YAML`) and the
/// parser's error.
pub(crate) type ReadError = (&'static str, SyntaxError);

fn syntax((format, source): ReadError) -> Error {
    Error::StatementSyntax { format, source }
}

/// The headers of a statement in JSON: an object.
pub(crate) fn read_json(text: &str) -> Result<Map<String, Value>, ReadError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ("JSON", e.into()))?;
    mapping(value, "JSON")
}

/// The headers of a statement in YAML: a mapping, its aliases bounded ([`yaml_options`]).
pub(crate) fn read_yaml(text: &str) -> Result<Map<String, Value>, ReadError> {
    let value: Value = serde_saphyr::from_str_with_options(text, yaml_options(text.len()))
        .map_err(|e| ("YAML", SyntaxError::Yaml(Box::new(e))))?;
    mapping(value, "YAML")
}

/// JSON if the text starts (after blanks) with `{`, YAML otherwise.
pub(crate) fn read_headers(text: &str) -> Result<Map<String, Value>, ReadError> {
    if text.trim_start().starts_with('{') {
        read_json(text)
    } else {
        read_yaml(text)
    }
}

fn mapping(value: Value, format: &'static str) -> Result<Map<String, Value>, ReadError> {
    match value {
        Value::Object(headers) => Ok(headers),
        _ => Err((format, SyntaxError::NotAMapping)),
    }
}

/// The readers and header accessors of a statement type: a struct with the fields
/// `headers: Map<String, Value>` and `allow_unknown: bool`, whose errors come from a
/// [`ReadError`] through `$syntax`; `$kind` names the assertion type in the docs.
macro_rules! statement_headers {
    ($error:ty, $syntax:expr, $kind:literal) => {
        /// A statement from a JSON object (the form `snap sign` reads).
        pub fn from_json(text: &str) -> Result<Self, $error> {
            $crate::statement::read_json(text)
                .map(Self::from_headers)
                .map_err($syntax)
        }

        /// A statement from a YAML mapping with the same keys and values as the JSON
        /// form. Numbers become their text (`series: 16`); booleans are refused as in
        /// JSON, so write `"true"`.
        ///
        /// Anchors and aliases are allowed within bounds that keep the parsed statement
        /// in proportion to the text: an anchor may be used at most 16 times, and what
        /// anchors record may not outgrow the text (so no "billion laughs").
        pub fn from_yaml(text: &str) -> Result<Self, $error> {
            $crate::statement::read_yaml(text)
                .map(Self::from_headers)
                .map_err($syntax)
        }

        /// JSON if the text starts (after blanks) with `{`, YAML otherwise.
        pub fn parse(text: &str) -> Result<Self, $error> {
            $crate::statement::read_headers(text)
                .map(Self::from_headers)
                .map_err($syntax)
        }

        /// A statement with exactly these headers.
        pub fn from_headers(headers: serde_json::Map<String, serde_json::Value>) -> Self {
            Self {
                headers,
                allow_unknown: false,
            }
        }

        /// The statement's headers as written (or as [`Self::set`] left them).
        pub fn headers(&self) -> &serde_json::Map<String, serde_json::Value> {
            &self.headers
        }

        /// Sets (or replaces) one header.
        pub fn set(&mut self, name: impl Into<String>, value: impl Into<serde_json::Value>) {
            self.headers.insert(name.into(), value.into());
        }

        #[doc = concat!("Whether headers unknown to snapd's ", $kind, " may be signed (default: refused).")]
        pub fn allow_unknown_headers(mut self, allow: bool) -> Self {
            self.allow_unknown = allow;
            self
        }

        /// The statement as JSON (what `snap sign` would be given).
        pub fn to_json(&self) -> String {
            serde_json::to_string_pretty(&serde_json::Value::Object(self.headers.clone()))
                .unwrap_or_default()
        }
    };
}
pub(crate) use statement_headers;

/// What [`gate_headers`] found wrong with a header.
pub(crate) enum Gate {
    /// `type` names another type (the value, as JSON).
    WrongType(String),
    /// A header the signer sets.
    SetBySigner,
    /// A header the type does not know.
    Unknown,
}

/// The checks every statement passes before snapd's: `type` filled in as `type_name` (or
/// refused when it names another), no header the signer sets, and (unless `allow_unknown`)
/// only the headers `known`. The error names the header.
pub(crate) fn gate_headers(
    headers: &mut Map<String, Value>,
    type_name: &str,
    known: &[&str],
    allow_unknown: bool,
) -> Result<(), (String, Gate)> {
    match headers.get("type") {
        None => {
            headers.insert("type".into(), Value::String(type_name.into()));
        }
        Some(Value::String(t)) if t == type_name => {}
        Some(other) => return Err(("type".into(), Gate::WrongType(other.to_string()))),
    }
    for name in headers.keys() {
        if SIGNER_HEADERS.contains(&name.as_str()) {
            return Err((name.clone(), Gate::SetBySigner));
        }
        if !allow_unknown && !known.contains(&name.as_str()) {
            return Err((name.clone(), Gate::Unknown));
        }
    }
    Ok(())
}

/// The assertion `headers` make, with `timestamp` filled in as `now` (whole seconds, UTC)
/// when absent, signed by a placeholder key with a placeholder signature: the builder to
/// sign it with, and the unsigned assertion for the type's own checks. Every check of
/// the assertion layer but the type's runs here.
pub(crate) fn assemble_unsigned(
    mut headers: Map<String, Value>,
    now: impl Into<Timestamp>,
) -> Result<(AssertionBuilder, Assertion), ucore_signing::Error> {
    if !headers.contains_key("timestamp") {
        let ts = now.into().trunc_to_second();
        headers.insert("timestamp".into(), Value::String(ts.to_string()));
    }
    let json = Value::Object(headers).to_string();
    let builder = ucore_signing::builder_from_json(&json, None)?;
    let content = builder.content(CHECK_KEY_ID)?;
    let unsigned = Assertion::from_parts(content, b"unsigned".to_vec())?;
    Ok((builder, unsigned))
}

/// A model statement: the headers of a model assertion to be signed.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    headers: Map<String, Value>,
    allow_unknown: bool,
}

impl Statement {
    statement_headers!(Error, syntax, "model");

    /// Checks the statement as of now (`timestamp`, when absent, is now).
    pub fn check(&self) -> Result<CheckedStatement, Error> {
        self.check_at(Timestamp::now())
    }

    /// Checks the statement; a missing `timestamp` becomes `now` (whole seconds, UTC).
    /// Every check of a model's decoding runs here, before anything is signed.
    pub fn check_at(&self, now: impl Into<Timestamp>) -> Result<CheckedStatement, Error> {
        let mut headers = self.headers.clone();
        gate_headers(&mut headers, "model", MODEL_HEADERS, self.allow_unknown).map_err(
            |(field, problem)| Error::Statement {
                field,
                reason: match problem {
                    Gate::WrongType(found) => StatementError::NotModelType { found },
                    Gate::SetBySigner => StatementError::SetBySigner,
                    Gate::Unknown => StatementError::UnknownHeader,
                },
            },
        )?;
        let (builder, unsigned) = assemble_unsigned(headers, now).map_err(rejected_signing)?;
        Model::try_from(&unsigned).map_err(rejected)?;
        Ok(CheckedStatement { builder })
    }

    /// Checks and signs the statement with `signer` now.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Assertion, Error> {
        self.check()?.sign(signer)
    }

    /// Checks and signs at `now` (the default `timestamp` and the signature's creation
    /// time): reproducible byte for byte.
    pub fn sign_at(
        &self,
        signer: &dyn Signer,
        now: impl Into<Timestamp>,
    ) -> Result<Assertion, Error> {
        let now = now.into();
        self.check_at(now)?.sign_at(signer, now)
    }
}

/// A statement that passed every check: only the signature is missing.
#[derive(Debug, Clone)]
pub struct CheckedStatement {
    builder: AssertionBuilder,
}

impl CheckedStatement {
    /// The canonical content that will be signed with key `key_id`.
    pub fn content(&self, key_id: &str) -> Result<Vec<u8>, Error> {
        Ok(self.builder.content(key_id)?)
    }

    /// Signs with `signer`, signature creation time now.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Assertion, Error> {
        Ok(ucore_signing::sign_assertion(&self.builder, signer)?)
    }

    /// Signs with `signer`, signature creation time `at` (whole seconds from 1970 to
    /// 2106, the OpenPGP packet's range: `ucore_signing::KeyError::CreationTime` outside).
    pub fn sign_at(
        &self,
        signer: &dyn Signer,
        at: impl Into<Timestamp>,
    ) -> Result<Assertion, Error> {
        Ok(ucore_signing::sign_assertion_at(&self.builder, signer, at)?)
    }
}

/// snapd's text for an assertion-layer refusal at signing time, and the field it is about.
fn rejected(e: ucore_assertions::Error) -> Error {
    Error::Rejected {
        field: field_of(&e),
        message: rejection_message(&e, &["series", "brand-id", "model"]),
        source: Box::new(RejectionCause::Assertion(e)),
    }
}

/// What snapd's `Database.Sign` prints for an assertion-layer refusal of headers whose
/// type has the primary key headers `primary_key`.
pub(crate) fn rejection_message(e: &ucore_assertions::Error, primary_key: &[&str]) -> String {
    use ucore_assertions::Error as A;
    match e {
        // snapd's Sign checks the primary key before assembling: no prefix.
        A::Type { source, .. } | A::Assemble { source, .. }
            if is_primary_key_error(source, primary_key) =>
        {
            source.to_string()
        }
        A::Assemble { .. } => e.to_string(),
        A::Type {
            assertion_type,
            source,
        } => format!("cannot assemble assertion {assertion_type}: {source}"),
        A::Assertion(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// A missing, empty, non-string or `/`-holding primary key header (of `primary_key`).
fn is_primary_key_error(e: &ucore_assertions::Error, primary_key: &[&str]) -> bool {
    use ucore_assertions::Error as A;
    match e {
        A::Mandatory { name, context }
        | A::EmptyValue { name, context }
        | A::NotString { name, context } => {
            context == "header" && primary_key.contains(&name.as_str())
        }
        A::PrimaryKeySlash { name } => primary_key.contains(&name.as_str()),
        _ => false,
    }
}

fn rejected_signing(e: ucore_signing::Error) -> Error {
    match refusal(e, &["series", "brand-id", "model"]) {
        Ok(r) => Error::Rejected {
            field: r.field,
            message: r.message,
            source: Box::new(r.cause),
        },
        Err(other) => Error::Signing(other),
    }
}

/// A statement's refusal by the signing or assertion layer: the field, snapd's text, the
/// cause.
pub(crate) struct Refusal {
    pub(crate) field: String,
    pub(crate) message: String,
    pub(crate) cause: RejectionCause,
}

/// The refusal a signing-layer error is, for a type with primary key `primary_key`: a
/// header value that cannot be written or headers that do not assemble are the
/// statement's fault; any other error (the key's, the signer's) is given back.
pub(crate) fn refusal(
    e: ucore_signing::Error,
    primary_key: &[&str],
) -> Result<Refusal, ucore_signing::Error> {
    match e {
        ucore_signing::Error::Headers(ucore_signing::HeadersError::ValueType {
            ref header,
            ..
        }) => Ok(Refusal {
            field: header.clone(),
            message: e.to_string(),
            cause: RejectionCause::Signing(e),
        }),
        ucore_signing::Error::Assertion(a) => Ok(Refusal {
            field: field_of(&a),
            message: rejection_message(&a, primary_key),
            cause: RejectionCause::Assertion(a),
        }),
        other => Err(other),
    }
}

/// The first `"quoted"` text of `s`.
fn first_quoted(s: &str) -> Option<String> {
    let rest = s.split_once('"')?.1;
    Some(rest.split_once('"')?.0.to_owned())
}

/// The header (or `snaps` entry) an assertion-layer error is about.
pub(crate) fn field_of(e: &ucore_assertions::Error) -> String {
    use ucore_assertions::Error as A;
    use ucore_assertions::types::TypeError as T;
    let in_context = |name: &str, context: &str| {
        if context == "header" || context.is_empty() {
            name.to_owned()
        } else if let Some(snap) = context.strip_prefix("of snap ") {
            format!("snaps[{}].{name}", snap.trim_matches('"'))
        } else if context.contains("validation-set") {
            format!("validation-sets.{name}")
        } else {
            format!("{name} {context}")
        }
    };
    match e {
        A::Type { source, .. } | A::Assemble { source, .. } => field_of(source),
        A::Assertion(inner) | A::ParsingHeaders(inner) => field_of(inner),
        A::TypeCheck(t) => match t {
            T::AuthorityMismatch { header, .. } => (*header).to_owned(),
            T::InvalidHeader { header, .. }
            | T::Forbidden { header, .. }
            | T::InvalidItem { header, .. }
            | T::InvalidSnapNameInHeader { header, .. } => header.clone(),
            T::InvalidSnap { snap, .. } if !snap.is_empty() => format!("snaps[{snap}]"),
            T::NotAtLeastOne { name, context, .. } => {
                in_context(name, context.as_deref().unwrap_or(""))
            }
            T::NotBoolIn { name, context } => in_context(name, context),
            _ => "snaps".to_owned(),
        },
        A::Mandatory { name, context }
        | A::NotString { name, context }
        | A::EmptyValue { name, context }
        | A::NotMap { name, context }
        | A::NotList { name, context }
        | A::InvalidCharacters { name, context, .. }
        | A::NotInteger { name, context, .. }
        | A::NotUnsignedInteger { name, context, .. }
        | A::OutOfRange { name, context, .. }
        | A::PrefixZeros { name, context, .. }
        | A::Uppercase { name, context } => in_context(name, context),
        A::NotBool { name } => name.clone(),
        A::NotStringList { what } | A::InvalidListElement { what, .. } => {
            match first_quoted(what) {
                Some(name) => {
                    let context = what
                        .split_once(&format!("\"{name}\" "))
                        .map_or("", |(_, c)| c);
                    in_context(&name, context)
                }
                None => what.clone(),
            }
        }
        A::Unencodable { header, .. } => header.clone(),
        other => first_quoted(&other.to_string()).unwrap_or_else(|| "model".to_owned()),
    }
}
