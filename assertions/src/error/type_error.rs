//! [`TypeError`]: the type-specific checks' own messages (snapd's per-type `assemble…`
//! functions), with snapd's texts.
//!
//! The crate [`Error`](crate::Error) wraps these in [`Error::TypeCheck`](crate::Error::TypeCheck)
//! and, once raised by a decoder, in the `assertion <type>: ` prefix
//! ([`Error::Type`](crate::Error::Type)).

use ucore_go_text::quote;

/// A type-specific check failed. `Display` is snapd's message (without the
/// `assertion <type>: ` prefix).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeError {
    /// The view was asked to read an assertion of another type.
    #[error("cannot read {} assertion as {expected}", quote(.found))]
    WrongType {
        /// The type the view reads.
        expected: &'static str,
        /// The assertion's type.
        found: &'static str,
    },
    /// `authority-id` differs from the header naming the signer.
    #[error("authority-id and {header} must match, {assertion_type} assertions are expected to be signed by the {signer}: {} != {}", quote(.authority_id), quote(.value))]
    AuthorityMismatch {
        /// `brand-id` or `account-id`.
        header: &'static str,
        /// The assertion type.
        assertion_type: &'static str,
        /// `brand` or `issuer account`.
        signer: &'static str,
        /// The `authority-id`.
        authority_id: String,
        /// The other header's value.
        value: String,
    },
    /// hardware-identity: `issuer-id` differs from `authority-id`.
    #[error("issuer-id and authority-id must match, hardware-identity assertions are expected to be signed by the issuer: {} != {}", quote(.issuer_id), quote(.authority_id))]
    IssuerMismatch {
        /// The `issuer-id`.
        issuer_id: String,
        /// The `authority-id`.
        authority_id: String,
    },
    /// An integer below 1: `%q must be >=1: %v` (or `%q %s must be >=1: %v`).
    #[error("{}{} must be >=1: {value}", quote(.name), .context.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    NotAtLeastOne {
        /// The header or entry name.
        name: String,
        /// `header`, `of snap "x"`, … or none.
        context: Option<String>,
        /// The value.
        value: i64,
    },
    /// A boolean entry of a map is not `true`/`false`: `%q %s must be 'true' or 'false'`.
    #[error("{} {context} must be 'true' or 'false'", quote(.name))]
    NotBoolIn {
        /// The entry name.
        name: String,
        /// Context such as `of snap "x"`.
        context: String,
    },
    /// `until` is before `since`.
    #[error("'until' time cannot be before 'since' time")]
    UntilBeforeSince,
    /// The body or `device-key` public key's id differs from the declared id.
    #[error("{what} does not match {declared}")]
    KeyIdMismatch {
        /// `public key` or `device key`.
        what: &'static str,
        /// `provided key id` or `included signing key id`.
        declared: &'static str,
    },
    /// A header value fails a rule; `message` follows the header name.
    #[error("{} header {message}", quote(.header))]
    InvalidHeader {
        /// The header.
        header: String,
        /// snapd's text after `"<header>" header `.
        message: String,
    },
    /// A model/validation-set/preseed snap entry fails a rule.
    #[error("{message}")]
    InvalidSnap {
        /// The snap name (empty when unknown).
        snap: String,
        /// snapd's message.
        message: String,
    },
    /// A snap name is not valid: `invalid snap name in %q header: %s`.
    #[error("invalid snap name in {} header: {name}", quote(.header))]
    InvalidSnapNameInHeader {
        /// The header.
        header: String,
        /// The name.
        name: String,
    },
    /// The same snap is listed twice: `cannot list the same snap %q multiple times`.
    #[error("cannot list the same snap {} multiple times", quote(.name))]
    RepeatedSnap {
        /// The snap name.
        name: String,
    },
    /// The same snap id is listed twice.
    #[error("cannot specify the same snap id {} multiple times, specified for snaps {} and {}", quote(.id), quote(.first), quote(.second))]
    RepeatedSnapId {
        /// The snap id.
        id: String,
        /// The first snap listing it.
        first: String,
        /// The second snap listing it.
        second: String,
    },
    /// A header combination or value that the type forbids (model, system-user,
    /// repair, …); the message is snapd's.
    #[error("{message}")]
    Forbidden {
        /// The header concerned.
        header: String,
        /// snapd's message.
        message: String,
    },
    /// account-key `constraints` are malformed.
    #[error("{message}")]
    Constraints {
        /// snapd's message.
        message: String,
    },
    /// A snap-declaration / base-declaration plug or slot rule does not compile.
    #[error(transparent)]
    Rule(Box<crate::rules::RuleError>),
    /// A snap-declaration `revision-authority` device scope does not compile.
    #[error(transparent)]
    DeviceScope(#[from] crate::rules::DeviceScopeError),
    /// A list of maps header (or an item of it) is malformed.
    #[error("{message}")]
    InvalidItem {
        /// The header.
        header: String,
        /// snapd's message.
        message: String,
    },
}

impl From<crate::rules::RuleError> for TypeError {
    fn from(e: crate::rules::RuleError) -> Self {
        TypeError::Rule(Box::new(e))
    }
}
