//! A seed's snap file checked against its assertions, as snapd's seed loader checks it
//! (`snapasserts.DeriveSideInfoFromDigestAndSize` for UC16/18, `seed20.lookupVerifiedRevision`
//! for UC20+, then `CrossCheckProvenance` and `CheckProvenance`): size and SHA3-384 (the
//! file streamed, never held in memory), the snap-declaration and the revision authority
//! of the provenance, and the file's own `snap.yaml`, read and validated.

use std::path::{Path, PathBuf};

use thiserror::Error;
use ucore_assertions::types::{SnapDeclaration, SnapRevision};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_go_text::quote;
use ucore_signing::Database;
use ucore_signing::DatabaseError;
use ucore_snap::Info;
use ucore_snap::container::ContainerError;
use ucore_snap::digest::DigestError;
use ucore_snap::parse::Sanitizer;
use ucore_snap::read_info::ReadInfoError;

/// snapd's default provenance, for snaps uploaded to the global store.
pub(crate) const GLOBAL_UPLOAD: &str = "global-upload";

/// Why a snap of the seed does not match its assertions (snapd's texts).
#[derive(Debug, Error)]
pub enum SnapError {
    /// The file could not be digested.
    #[error(transparent)]
    Digest(#[from] DigestError),
    /// No snap-revision for the file's digest (UC16/18).
    #[error("cannot find signatures with metadata for snap {} ({})", quote(.name), quote(&.path.display().to_string()))]
    NoSignatures {
        /// The seed.yaml name.
        name: String,
        /// The file.
        path: PathBuf,
    },
    /// More than one snap-revision for the digest, with different provenances.
    #[error("safely handling snaps with different provenance but same hash not yet supported")]
    AmbiguousProvenance,
    /// The file's size is not the snap-revision's (UC16/18).
    #[error("snap {} does not have expected size according to signatures (broken or tampered): {size} != {expected}", quote(&.path.display().to_string()))]
    SizeAccordingToSignatures {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// `snap-size`.
        expected: u64,
    },
    /// No snap-declaration for the revision's snap id (UC16/18).
    #[error("internal error: cannot find snap declaration for {}: {snap_id}", quote(&.path.display().to_string()))]
    NoDeclarationForRevision {
        /// The file.
        path: PathBuf,
        /// The snap id.
        snap_id: String,
    },
    /// The declaration is revoked (no snap name).
    #[error("cannot install snap {} with a revoked snap declaration", quote(&.path.display().to_string()))]
    Revoked {
        /// The file.
        path: PathBuf,
    },
    /// No snap-declaration for a snap id (UC20+).
    #[error("cannot find snap-declaration for snap-id: {0}")]
    NoDeclarationForId(String),
    /// No snap-declaration for a snap name (UC20+ grade dangerous, snap without id).
    #[error("cannot find snap-declaration for snap name: {0}")]
    NoDeclarationForName(String),
    /// A model snap without id outside grade dangerous.
    #[error("all system snaps must be identified by snap-id, missing for {}", quote(.0))]
    MissingSnapId(String),
    /// A declaration without its revision (UC20+).
    #[error("internal error: cannot find snap-revision for snap-id: {0}")]
    NoRevision(String),
    /// The file is not there (UC20+; Go's `stat PATH: …`).
    #[error("cannot stat snap: stat {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    Stat {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file's size is not the snap-revision's (UC20+).
    #[error("cannot validate {} for snap {} (snap-id {}), wrong size", quote(&.path.display().to_string()), quote(.name), quote(.snap_id))]
    WrongSize {
        /// The file.
        path: PathBuf,
        /// The snap.
        name: String,
        /// Its id.
        snap_id: String,
    },
    /// The file's digest is not the snap-revision's (UC20+).
    #[error("cannot validate {} for snap {} (snap-id {}), hash mismatch with snap-revision", quote(&.path.display().to_string()), quote(.name), quote(.snap_id))]
    HashMismatch {
        /// The file.
        path: PathBuf,
        /// The snap.
        name: String,
        /// Its id.
        snap_id: String,
    },
    /// No revision authority of the declaration signs this provenance.
    #[error("snap {} revision assertion with provenance {} is not signed by an authority authorized on this device: {authority}", quote(.name), quote(.provenance))]
    Unauthorized {
        /// The snap.
        name: String,
        /// The revision's provenance.
        provenance: String,
        /// The revision's authority.
        authority: String,
    },
    /// The snap's `snap.yaml` gives another provenance than its revision.
    #[error("snap {} has been signed under provenance {} different from the metadata one: {}", quote(&.path.display().to_string()), quote(.signed), quote(.metadata))]
    ProvenanceMismatch {
        /// The file.
        path: PathBuf,
        /// The revision's provenance.
        signed: String,
        /// `snap.yaml`'s.
        metadata: String,
    },
    /// The file is not a snap, or its `snap.yaml` is invalid.
    #[error(transparent)]
    Read(#[from] ReadInfoError),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// An assertion from the database does not read as its type.
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
}

impl From<ContainerError> for SnapError {
    fn from(e: ContainerError) -> Self {
        SnapError::Read(ReadInfoError::Container(e))
    }
}

/// What the assertions say of a snap (snapd's side info): name, id, revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asserted {
    pub name: String,
    pub snap_id: String,
    pub revision: i64,
}

/// snapd's `snapfile.Open` + `snap.ReadInfoFromSnapFile`: the snap's `snap.yaml`, read
/// and validated.
pub(crate) fn read_info(path: &Path) -> Result<Info, SnapError> {
    let snap = ucore_snap::container::open(path)?;
    Ok(ucore_snap::read_info::read_info(snap.container(), Sanitizer::Builtin)?.info)
}

/// UC16/18: the file digested, its snap-revision found by digest, its declaration, the
/// provenance checks (`DeriveSideInfo`). `name` is the seed.yaml name, for the error when
/// no snap-revision matches.
pub(crate) fn derive(path: &Path, name: &str, db: &Database) -> Result<Asserted, SnapError> {
    let digest = ucore_snap::digest::snap_file_digest(path)?;
    let sha3 = digest.sha3_384_base64url();
    let mut found = db
        .find_many(AssertionType::SnapRevision, &[("snap-sha3-384", &sha3)])
        .or_else(|e| match e {
            DatabaseError::NotFound { .. } => Ok(Vec::new()),
            e => Err(e),
        })?;
    let rev = match found.len() {
        0 => {
            return Err(SnapError::NoSignatures {
                name: name.to_string(),
                path: path.to_path_buf(),
            });
        }
        1 => found.remove(0),
        _ => match found
            .iter()
            .position(|a| a.header_str("provenance").unwrap_or(GLOBAL_UPLOAD) == GLOBAL_UPLOAD)
        {
            Some(i) => found.remove(i),
            None => return Err(SnapError::AmbiguousProvenance),
        },
    };
    let revision = SnapRevision::from_assertion(&*rev)?;
    if revision.snap_size != digest.size {
        return Err(SnapError::SizeAccordingToSignatures {
            path: path.to_path_buf(),
            size: digest.size,
            expected: revision.snap_size,
        });
    }
    let decl = db
        .find(
            AssertionType::SnapDeclaration,
            &[("series", "16"), ("snap-id", revision.snap_id)],
        )
        .map_err(|_| SnapError::NoDeclarationForRevision {
            path: path.to_path_buf(),
            snap_id: revision.snap_id.to_string(),
        })?;
    let declaration = SnapDeclaration::from_assertion(&*decl)?;
    if declaration.snap_name.is_empty() {
        return Err(SnapError::Revoked {
            path: path.to_path_buf(),
        });
    }
    let provenance = cross_check_provenance(declaration.snap_name, &rev, &decl)?;
    check_provenance(path, &provenance)?;
    Ok(Asserted {
        name: declaration.snap_name.to_string(),
        snap_id: declaration.snap_id.to_string(),
        revision: revision.snap_revision,
    })
}

/// UC20+: the file at `path` checked against the snap's revision (size by `stat`, then
/// the streamed digest), then the provenance checks (`lookupVerifiedRevision`).
pub(crate) fn verify(path: &Path, rev: &Assertion, decl: &Assertion) -> Result<(), SnapError> {
    let revision = SnapRevision::from_assertion(rev)?;
    let declaration = SnapDeclaration::from_assertion(decl)?;
    let (name, snap_id) = (declaration.snap_name, declaration.snap_id);
    let size = std::fs::metadata(path)
        .map_err(|source| SnapError::Stat {
            path: path.to_path_buf(),
            source,
        })?
        .len();
    if size != revision.snap_size {
        return Err(SnapError::WrongSize {
            path: path.to_path_buf(),
            name: name.into(),
            snap_id: snap_id.into(),
        });
    }
    let digest = ucore_snap::digest::snap_file_digest(path)?;
    if rev.header_str("snap-sha3-384") != Some(digest.sha3_384_base64url().as_str()) {
        return Err(SnapError::HashMismatch {
            path: path.to_path_buf(),
            name: name.into(),
            snap_id: snap_id.into(),
        });
    }
    let provenance = cross_check_provenance(name, rev, decl)?;
    check_provenance(path, &provenance)
}

/// snapd's `CrossCheckProvenance`: a revision of another provenance than
/// `global-upload` must be signed by one of the declaration's revision authorities for it.
/// Revision authorities limited by a `device-scope` are not matched (this reader does not
/// implement device scopes).
fn cross_check_provenance(
    name: &str,
    rev: &Assertion,
    decl: &Assertion,
) -> Result<String, SnapError> {
    let revision = SnapRevision::from_assertion(rev)?;
    if revision.provenance == GLOBAL_UPLOAD {
        return Ok(String::new());
    }
    let declaration = SnapDeclaration::from_assertion(decl)?;
    let authority = rev.authority_id().unwrap_or("");
    let authorized = declaration.revision_authority.iter().any(|ra| {
        ra.provenance.contains(&revision.provenance)
            && ra.account_id == authority
            && revision.snap_revision >= ra.min_revision
            && (ra.max_revision == 0 || revision.snap_revision <= ra.max_revision)
            && ra.device_scope.is_none()
    });
    if !authorized {
        return Err(SnapError::Unauthorized {
            name: name.to_string(),
            provenance: revision.provenance.to_string(),
            authority: authority.to_string(),
        });
    }
    Ok(revision.provenance.to_string())
}

/// snapd's `CheckProvenance`: the snap's `snap.yaml` (read and validated) declares the
/// provenance it was signed under (`""`: the default).
fn check_provenance(path: &Path, provenance: &str) -> Result<(), SnapError> {
    let info = read_info(path)?;
    let signed = if provenance.is_empty() {
        GLOBAL_UPLOAD
    } else {
        provenance
    };
    if signed != info.effective_provenance() {
        return Err(SnapError::ProvenanceMismatch {
            path: path.to_path_buf(),
            signed: signed.to_string(),
            metadata: info.effective_provenance().to_string(),
        });
    }
    Ok(())
}
