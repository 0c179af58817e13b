//! [`Error`]: everything that can go wrong between a statement and a signed model.

use ucore_go_text::quote;

/// The crate's error. Where snapd has a message, `Display` prints snapd's text: a
/// rejected statement prints what `snap sign` (snapd's `Database.Sign`) prints for it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The statement text is not a JSON or YAML mapping.
    #[error("cannot read the model statement as {format}: {reason}")]
    StatementSyntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The parser's explanation (with line and column when it has them).
        reason: String,
    },
    /// A statement field is wrong; our own check, made before snapd's (snapd would sign an
    /// unknown header, or has no statement of its own for this).
    #[error("model statement field {}: {reason}", quote(.field))]
    Statement {
        /// The header (`classic`, `snaps`, …).
        field: String,
        /// Why.
        reason: String,
    },
    /// snapd refuses the statement: `message` is exactly what snapd prints when asked to
    /// sign it (`cannot assemble assertion model: …`, `"model" header is mandatory`, …);
    /// `field` names the header (or the snap entry) it is about.
    #[error("{message}")]
    Rejected {
        /// The header concerned, as far as the error tells (`model` when it does not).
        field: String,
        /// snapd's text.
        message: String,
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
