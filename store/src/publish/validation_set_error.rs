//! Why a validation set pushed to the publishing API is refused.

use thiserror::Error;

/// A refused validation-set push; [`Error::ValidationSet`](crate::Error::ValidationSet)
/// carries it, with its own code ([`ValidationSetError::code`]) and HTTP status
/// ([`ValidationSetError::http_status`]). `set` is `account-id/name`, as snapd names sets
/// in its error texts.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ValidationSetError {
    /// The body is not sent as `application/x.ubuntu.assertion` (415).
    #[error("a validation set is sent as application/x.ubuntu.assertion, not {0:?}")]
    MediaType(String),
    /// The body does not decode as one assertion (400, `invalid-assertion`).
    #[error("cannot decode the validation set: {0}")]
    Decode(#[source] ucore_assertions::Error),
    /// The body holds no assertion, or several (400, `invalid-assertion`).
    #[error("the body must hold exactly one assertion, it holds {0}")]
    Count(usize),
    /// The assertion is of another type (400, `invalid-assertion`).
    #[error("the assertion is a {0}, not a validation-set")]
    WrongType(String),
    /// The credential does not act for the set's account (403, `forbidden`).
    #[error("this credential cannot push validation sets of account {account:?}")]
    NotYours {
        /// The set's `account-id`.
        account: String,
    },
    /// The set's account is not a publisher of this store (403, `forbidden`).
    #[error("account {account:?} is not a brand of this store")]
    NotABrand {
        /// The set's `account-id`.
        account: String,
    },
    /// The signature does not check against the store's trust database: unknown key,
    /// another account's key, a key not valid at the set's timestamp, a bad signature
    /// (400, `invalid-assertion`).
    #[error("validation set {set}: cannot verify its signature: {source}")]
    Signature {
        /// The set.
        set: String,
        /// The trust database's refusal.
        #[source]
        source: ucore_signing::Error,
    },
    /// The series is not the one devices ask for (400, `invalid-assertion`).
    #[error("validation set {set}: series {series:?} is not 16, the series devices ask for")]
    Series {
        /// The set.
        set: String,
        /// Its series.
        series: String,
    },
    /// A snap id the store does not know (400, `unknown-snap`).
    #[error("validation set {set}: snap {name:?} has id {snap_id:?}, which is not in this store")]
    UnknownSnap {
        /// The set.
        set: String,
        /// The name the set gives.
        name: String,
        /// The id it gives.
        snap_id: String,
    },
    /// The snap id is registered under another name (400, `unknown-snap`).
    #[error(
        "validation set {set}: snap id {snap_id:?} is {registered:?} in this store, not {name:?}"
    )]
    NameMismatch {
        /// The set.
        set: String,
        /// The name the set gives.
        name: String,
        /// The id it gives.
        snap_id: String,
        /// The name registered with that id.
        registered: String,
    },
    /// A pinned revision the store does not have (400, `revision-not-found`).
    #[error("validation set {set}: snap {name:?} has no revision {revision} in this store")]
    UnknownRevision {
        /// The set.
        set: String,
        /// The snap.
        name: String,
        /// The pinned revision.
        revision: i64,
    },
    /// This sequence member exists at this revision or a higher one, with other content
    /// (409, `conflict`).
    #[error(
        "revision {revision} of sequence {sequence} of {set} already exists; the next is {next}"
    )]
    RevisionExists {
        /// The set.
        set: String,
        /// The sequence.
        sequence: i64,
        /// The stored revision.
        revision: i64,
        /// The revision a new push needs.
        next: i64,
    },
}

impl ValidationSetError {
    /// The store error code on the wire.
    pub fn code(&self) -> &'static str {
        match self {
            ValidationSetError::MediaType(_) => "unsupported-media-type",
            ValidationSetError::Decode(_)
            | ValidationSetError::Count(_)
            | ValidationSetError::WrongType(_)
            | ValidationSetError::Signature { .. }
            | ValidationSetError::Series { .. } => "invalid-assertion",
            ValidationSetError::NotYours { .. } | ValidationSetError::NotABrand { .. } => {
                "forbidden"
            }
            ValidationSetError::UnknownSnap { .. } | ValidationSetError::NameMismatch { .. } => {
                "unknown-snap"
            }
            ValidationSetError::UnknownRevision { .. } => "revision-not-found",
            ValidationSetError::RevisionExists { .. } => "conflict",
        }
    }

    /// The HTTP status.
    pub fn http_status(&self) -> u16 {
        match self {
            ValidationSetError::MediaType(_) => 415,
            ValidationSetError::NotYours { .. } | ValidationSetError::NotABrand { .. } => 403,
            ValidationSetError::RevisionExists { .. } => 409,
            _ => 400,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lower_revision_names_the_next() {
        let e = ValidationSetError::RevisionExists {
            set: "acme/set".into(),
            sequence: 2,
            revision: 3,
            next: 4,
        };
        assert_eq!(
            e.to_string(),
            "revision 3 of sequence 2 of acme/set already exists; the next is 4"
        );
        assert_eq!((e.code(), e.http_status()), ("conflict", 409));
    }
}
