//! [`Error`]: what can go wrong between a validation-set statement and a signed
//! validation-set assertion, with a typed cause per concern: [`SyntaxError`] (reading the
//! statement), [`StatementProblem`] (ucore's own checks), [`RejectionCause`] (what snapd's
//! checks refused) and [`SequenceError`] (placing the new revision after the earlier ones).

use ucore_go_text::quote;

pub use crate::error::{RejectionCause, SyntaxError};

use super::sequence::SequenceError;

/// The primary key headers of a validation-set (snapd's `ValidationSetType`).
pub(crate) const PRIMARY_KEY: &[&str] = &["series", "account-id", "name", "sequence"];

/// The validation-set module's error. Where snapd has a message, `Display` prints snapd's
/// text: a refused statement prints what snapd's `Database.Sign` prints for it
/// (`cannot assemble assertion validation-set: …`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The statement text is not a JSON or YAML mapping.
    #[error("cannot read the validation-set statement as {format}: {source}")]
    StatementSyntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's error (with line and column when it has them).
        #[source]
        source: SyntaxError,
    },
    /// A statement field is wrong; ucore's own check, made before snapd's.
    #[error("validation-set statement field {}: {reason}", quote(.field))]
    Statement {
        /// The header (`sequence`, `snaps`, …).
        field: String,
        /// Why.
        #[source]
        reason: StatementProblem,
    },
    /// snapd refuses the statement: `message` is exactly what snapd prints when asked to
    /// sign it; `field` names the header (or the snap entry, `snaps[NAME]`) it is about.
    #[error("{message}")]
    Rejected {
        /// The header concerned, as far as the error tells.
        field: String,
        /// snapd's text.
        message: String,
        /// The refusal of the layer below.
        #[source]
        source: Box<RejectionCause>,
    },
    /// The statement cannot follow the set's earlier revisions.
    #[error(transparent)]
    Sequence(#[from] SequenceError),
    /// The statement says what the last signed revision says: there is nothing to sign
    /// (unless forced).
    #[error(
        "validation set {set}: nothing to sign, the statement has the same snaps and headers \
         as sequence {sequence} revision {revision}"
    )]
    Unchanged {
        /// The set, `account-id/name`.
        set: String,
        /// The last signed sequence.
        sequence: i64,
        /// Its revision.
        revision: i64,
    },
    /// An error of the signing layer (keys, keystore, signature).
    #[error(transparent)]
    Signing(#[from] ucore_signing::Error),
}

impl Error {
    /// The statement field an error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Statement { field, .. } | Error::Rejected { field, .. } => Some(field),
            _ => None,
        }
    }

    /// An assertion-layer refusal, with snapd's signing-time text.
    pub(crate) fn rejected(e: ucore_assertions::Error) -> Self {
        Self::from_signing(ucore_signing::Error::Assertion(e))
    }

    /// A signing-layer refusal: a header value that cannot be written, or headers that do
    /// not assemble, are the statement's fault; anything else the signer's.
    pub(crate) fn from_signing(e: ucore_signing::Error) -> Self {
        match crate::statement::refusal(e, PRIMARY_KEY) {
            Ok(r) => Error::Rejected {
                field: r.field,
                message: r.message,
                source: Box::new(r.cause),
            },
            Err(other) => Error::Signing(other),
        }
    }
}

/// What ucore's own statement checks found wrong with a field (the cause of
/// [`Error::Statement`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementProblem {
    /// `type` is set to something other than `validation-set`.
    #[error("a validation-set statement is of type \"validation-set\", not {found}")]
    NotValidationSetType {
        /// The `type` value, as JSON.
        found: String,
    },
    /// A header the signer sets (`sign-key-sha3-384`, `body-length`).
    #[error("is set by the signer, not by the statement")]
    SetBySigner,
    /// Not a header of validation-set assertions.
    #[error(
        "is not a header of validation-set assertions (snapd would sign and ignore it; check \
         the spelling, or allow unknown headers)"
    )]
    UnknownHeader,
    /// `sequence` or `revision` is not a whole number in range (snapd's own text comes
    /// from [`super::ValidationSetStatement::check`]; this one from sequence management).
    #[error("is not a whole number: {value}")]
    NotANumber {
        /// The value, as JSON.
        value: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_send_and_sync() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Error>();
    }

    #[test]
    fn statement_errors_name_the_field() {
        let e = Error::Statement {
            field: "snapz".into(),
            reason: StatementProblem::UnknownHeader,
        };
        assert_eq!(e.field(), Some("snapz"));
        assert!(
            e.to_string()
                .starts_with("validation-set statement field \"snapz\": ")
        );
        assert!(std::error::Error::source(&e).is_some());
    }
}
