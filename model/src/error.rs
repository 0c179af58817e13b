//! [`Error`]: everything that can go wrong between a statement and a signed model, with
//! a typed cause per concern: [`SyntaxError`] (reading the statement text),
//! [`StatementError`] (ucore's own statement checks) and [`RejectionCause`] (what snapd's
//! checks refused, kept as the assertion or signing layer's error).

use ucore_go_text::quote;

/// The crate's error. Where snapd has a message, `Display` prints snapd's text: a
/// rejected statement prints what `snap sign` (snapd's `Database.Sign`) prints for it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The statement text is not a JSON or YAML mapping.
    #[error("cannot read the model statement as {format}: {source}")]
    StatementSyntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's error (with line and column when it has them).
        #[source]
        source: SyntaxError,
    },
    /// A statement field is wrong; our own check, made before snapd's (snapd would sign an
    /// unknown header, or has no statement of its own for this).
    #[error("model statement field {}: {reason}", quote(.field))]
    Statement {
        /// The header (`classic`, `snaps`, …).
        field: String,
        /// Why.
        #[source]
        reason: StatementError,
    },
    /// snapd refuses the statement: `message` is exactly what snapd prints when asked to
    /// sign it (`cannot assemble assertion model: …`, `"model" header is mandatory`, …);
    /// `field` names the header (or the snap entry) it is about, `source` is the refusal
    /// as the assertion or signing layer made it.
    #[error("{message}")]
    Rejected {
        /// The header concerned, as far as the error tells (`model` when it does not).
        field: String,
        /// snapd's text.
        message: String,
        /// The refusal of the layer below.
        #[source]
        source: Box<RejectionCause>,
    },
    /// An error of the assertion layer (decoding a model, for example).
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
    /// An error of the signing layer (keys, keystore, signature).
    #[error(transparent)]
    Signing(#[from] ucore_signing::Error),
}

impl Error {
    /// The statement field an error is about, if it is a statement error.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Statement { field, .. } | Error::Rejected { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Why a statement's text could not be read (the cause of [`Error::StatementSyntax`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxError {
    /// Not JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Not YAML.
    #[error(transparent)]
    Yaml(Box<serde_saphyr::Error>),
    /// JSON or YAML, but not a mapping.
    #[error("a statement must be a mapping of header names to values")]
    NotAMapping,
}

/// What ucore's own statement checks found wrong with a field (the cause of
/// [`Error::Statement`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// `type` is set to something other than `model`.
    #[error("a model statement is of type \"model\", not {found}")]
    NotModelType {
        /// The `type` value, as JSON.
        found: String,
    },
    /// A header the signer sets (`authority-id`, `sign-key-sha3-384`, …).
    #[error("is set by the signer, not by the statement")]
    SetBySigner,
    /// Not a header of model assertions.
    #[error(
        "is not a header of model assertions (snapd would sign and ignore it; check the \
         spelling, or allow unknown headers)"
    )]
    UnknownHeader,
}

/// The layer that refused a statement (the cause of [`Error::Rejected`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RejectionCause {
    /// The assertion layer: the built model does not decode.
    #[error(transparent)]
    Assertion(ucore_assertions::Error),
    /// The signing layer: a header value cannot be written.
    #[error(transparent)]
    Signing(ucore_signing::Error),
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
    fn causes_chain() {
        let e = crate::Statement::parse("[1]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read the model statement as YAML: a statement must be a mapping of header \
             names to values"
        );
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(
            source.as_deref(),
            Some("a statement must be a mapping of header names to values")
        );
    }
}
