//! Cross-checks between a snap file and its assertions (snapd's
//! `snapasserts.CrossCheck` and `CheckProvenance`, spec `snap-image.md` §3.3), against
//! the seed's trust database once the assertions are in it: the snap-revision of the
//! file's digest, its size, the snap-id and revision the source announced, the
//! declaration (present, not revoked, naming the snap), and the provenance `snap.yaml`
//! states.

use thiserror::Error;
use ucore_assertions::types::{SnapDeclaration, SnapRevision};
use ucore_assertions::{AssertionAccess as _, AssertionType};
use ucore_signing::Database;

use super::download::FileDigest;

/// The default provenance of snap-revisions.
pub const DEFAULT_PROVENANCE: &str = "global-upload";

/// A file that does not agree with its assertions; snapd's texts.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CrossCheckError {
    /// No snap-revision for the file's digest is in the database.
    #[error(
        "internal error: cannot find pre-populated snap-revision assertion for {name:?}: {sha3_384}"
    )]
    NoRevision {
        /// The snap.
        name: String,
        /// The file's digest.
        sha3_384: String,
    },
    /// An assertion in the database does not read as its type (cannot happen for an
    /// assertion the database accepted).
    #[error("internal error: cannot read {what} of snap {name:?}")]
    Unreadable {
        /// The snap.
        name: String,
        /// Which assertion.
        what: &'static str,
    },
    /// The file's size is not the signed one.
    #[error(
        "snap {name:?} file does not have expected size according to signatures (download is broken or tampered): {got} != {want}"
    )]
    Size {
        /// The snap.
        name: String,
        /// The file's size.
        got: u64,
        /// The snap-revision's.
        want: u64,
    },
    /// The source's snap-id or revision is not the signed one.
    #[error(
        "snap {name:?} does not have expected ID or revision according to assertions (metadata is broken or tampered): {got_revision} / {got_id} != {want_revision} / {want_id}"
    )]
    IdOrRevision {
        /// The snap.
        name: String,
        /// The source's revision.
        got_revision: i64,
        /// The source's snap-id.
        got_id: String,
        /// The signed revision.
        want_revision: i64,
        /// The signed snap-id.
        want_id: String,
    },
    /// No snap-declaration for the snap-id.
    #[error("internal error: cannot find snap declaration for {name:?}: {snap_id}")]
    NoDeclaration {
        /// The snap.
        name: String,
        /// Its snap-id.
        snap_id: String,
    },
    /// The declaration is revoked (empty `snap-name`).
    #[error("cannot install snap {name:?} with a revoked snap declaration")]
    Revoked {
        /// The snap.
        name: String,
    },
    /// The declaration names another snap.
    #[error("cannot install {name:?}, snap {name:?} is undergoing a rename to {declared:?}")]
    Renamed {
        /// The snap.
        name: String,
        /// The declared name.
        declared: String,
    },
    /// A non-default provenance (2.57 accepts only revisions of the default one here).
    #[error(
        "snap {name:?} revision assertion with provenance {provenance:?} is not signed by an authority authorized on this device: {authority}"
    )]
    Provenance {
        /// The snap.
        name: String,
        /// The signed provenance.
        provenance: String,
        /// Who signed it.
        authority: String,
    },
    /// `snap.yaml` states another provenance than the signed one.
    #[error(
        "snap {path:?} has been signed under provenance {signed:?} different from the metadata one: {metadata:?}"
    )]
    MetadataProvenance {
        /// The snap file.
        path: String,
        /// The signed provenance.
        signed: String,
        /// `snap.yaml`'s.
        metadata: String,
    },
}

/// What the assertions say about a checked snap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Its snap-id.
    pub snap_id: String,
    /// Its revision.
    pub revision: i32,
    /// The publisher (the declaration's `publisher-id`).
    pub publisher_id: String,
    /// The developer (the snap-revision's `developer-id`).
    pub developer_id: String,
    /// The signed provenance.
    pub provenance: String,
}

/// snapd's `CrossCheck` for snap `name` whose file has `digest`; `announced` is the
/// (snap-id, revision) the source gave, checked when present (local files have none).
pub fn cross_check(
    db: &Database,
    name: &str,
    digest: &FileDigest,
    announced: Option<(&str, i32)>,
) -> Result<Checked, CrossCheckError> {
    let rev_assertion = db
        .find(
            AssertionType::SnapRevision,
            &[
                ("snap-sha3-384", digest.sha3_384.as_str()),
                ("provenance", DEFAULT_PROVENANCE),
            ],
        )
        .map_err(|_| CrossCheckError::NoRevision {
            name: name.to_string(),
            sha3_384: digest.sha3_384.clone(),
        })?;
    let unreadable = |what| CrossCheckError::Unreadable {
        name: name.to_string(),
        what,
    };
    let rev = SnapRevision::try_from(&*rev_assertion).map_err(|_| unreadable("snap-revision"))?;
    if rev.snap_size != digest.size {
        return Err(CrossCheckError::Size {
            name: name.to_string(),
            got: digest.size,
            want: rev.snap_size,
        });
    }
    if let Some((id, revision)) = announced
        && (id != rev.snap_id || i64::from(revision) != rev.snap_revision)
    {
        return Err(CrossCheckError::IdOrRevision {
            name: name.to_string(),
            got_revision: i64::from(revision),
            got_id: id.to_string(),
            want_revision: rev.snap_revision,
            want_id: rev.snap_id.to_string(),
        });
    }
    let decl_assertion = db
        .find(
            AssertionType::SnapDeclaration,
            &[("series", "16"), ("snap-id", rev.snap_id)],
        )
        .map_err(|_| CrossCheckError::NoDeclaration {
            name: name.to_string(),
            snap_id: rev.snap_id.to_string(),
        })?;
    let decl =
        SnapDeclaration::try_from(&*decl_assertion).map_err(|_| unreadable("snap-declaration"))?;
    if decl.snap_name.is_empty() {
        return Err(CrossCheckError::Revoked {
            name: name.to_string(),
        });
    }
    if decl.snap_name != name {
        return Err(CrossCheckError::Renamed {
            name: name.to_string(),
            declared: decl.snap_name.to_string(),
        });
    }
    if rev.provenance != DEFAULT_PROVENANCE {
        return Err(CrossCheckError::Provenance {
            name: name.to_string(),
            provenance: rev.provenance.to_string(),
            authority: rev_assertion.authority_id().unwrap_or_default().to_string(),
        });
    }
    let revision = i32::try_from(rev.snap_revision).map_err(|_| unreadable("snap-revision"))?;
    Ok(Checked {
        snap_id: rev.snap_id.to_string(),
        revision,
        publisher_id: decl.publisher_id.to_string(),
        developer_id: rev.developer_id.to_string(),
        provenance: rev.provenance.to_string(),
    })
}

/// snapd's `CheckProvenance`: `snap.yaml`'s provenance (default `global-upload`) must be
/// the signed one.
pub fn check_provenance(
    path: &std::path::Path,
    signed: &str,
    metadata: &str,
) -> Result<(), CrossCheckError> {
    let metadata = if metadata.is_empty() {
        DEFAULT_PROVENANCE
    } else {
        metadata
    };
    if metadata != signed {
        return Err(CrossCheckError::MetadataProvenance {
            path: path.display().to_string(),
            signed: signed.to_string(),
            metadata: metadata.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_defaults_to_global_upload() {
        let p = std::path::Path::new("x.snap");
        assert_eq!(check_provenance(p, "global-upload", ""), Ok(()));
        assert_eq!(
            check_provenance(p, "global-upload", "other")
                .unwrap_err()
                .to_string(),
            r#"snap "x.snap" has been signed under provenance "global-upload" different from the metadata one: "other""#
        );
    }

    #[test]
    fn an_empty_database_has_no_revision_for_any_file() {
        let db = Database::with_trusted(Vec::new()).unwrap();
        let digest = FileDigest {
            sha3_384: "d".into(),
            size: 1,
        };
        assert_eq!(
            cross_check(&db, "hello", &digest, None),
            Err(CrossCheckError::NoRevision {
                name: "hello".into(),
                sha3_384: "d".into()
            })
        );
    }
}
