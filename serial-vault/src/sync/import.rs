//! Import (central side): a bundle checked (layout, sender, key, signature, addressee),
//! then its rows, the factory's high-water mark and the bundle's digest written in one
//! transaction.

use std::io::Read as _;
use std::path::Path;

use ucore_signing::RsaPublicKey;

use super::bundle::{MAX_BUNDLE_BYTES, SignedBundle};
use super::error::SyncError;
use super::state::{ImportBatch, ImportRecord, ImportReport, SyncConflict};
use crate::error::Error;
use crate::vault::Vault;

/// Reads a bundle file, refusing one over [`MAX_BUNDLE_BYTES`] before reading it whole.
pub fn read_bundle(path: &Path) -> Result<Vec<u8>, SyncError> {
    let file = std::fs::File::open(path).map_err(|e| SyncError::file(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SyncError::file(path, e))?;
    if bytes.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(SyncError::TooLarge {
            bundle: path.display().to_string(),
            size: bytes.len() as u64,
            limit: MAX_BUNDLE_BYTES,
        });
    }
    Ok(bytes)
}

impl Vault {
    /// Imports bundle `bytes` (`name` names it in errors, e.g. its file name). In order, it
    /// refuses: a bundle that does not parse ([`SignedBundle::parse`]); one from a factory
    /// this vault does not trust; one signed by another key than the factory's, or whose
    /// signature does not verify (tampered with); one for another vault; then, in the
    /// import's transaction, a replay, a fork, a gap, a broken chain
    /// ([`super::state::check_next`]). On success every row is in the signing log (with its
    /// origin) or kept as a conflict, and the bundle is recorded, all in one commit.
    pub async fn sync_import(&self, bytes: &[u8], name: &str) -> Result<ImportReport, Error> {
        let me = self.sync_identity().await?;
        let bundle = SignedBundle::parse(bytes, name)?;
        let body = bundle.body();
        let factory =
            self.sync_factory(&body.from)
                .await?
                .ok_or_else(|| SyncError::UnknownFactory {
                    bundle: name.to_string(),
                    from: body.from.clone(),
                })?;
        if body.key_id != factory.key_id {
            return Err(SyncError::WrongKey {
                bundle: name.to_string(),
                from: body.from.clone(),
                key_id: body.key_id.clone(),
                trusted: factory.key_id,
            }
            .into());
        }
        let key =
            RsaPublicKey::from_pem(&factory.public_key).map_err(|source| SyncError::PublicKey {
                factory: factory.vault_id.clone(),
                source: Box::new(source),
            })?;
        let verified = bundle.clone();
        let verify_name = name.to_string();
        tokio::task::spawn_blocking(move || verified.verify(&key, &verify_name))
            .await
            .map_err(|e| Error::InvalidAssertion(e.into()))??;
        if body.to != me.vault_id {
            return Err(SyncError::WrongVault {
                bundle: name.to_string(),
                from: body.from.clone(),
                to: body.to.clone(),
                this: me.vault_id,
            }
            .into());
        }
        let sequence = i64::try_from(body.sequence).map_err(|_| SyncError::Inconsistent {
            bundle: name.to_string(),
            from: body.from.clone(),
            sequence: body.sequence,
            reason: "sequence out of range".into(),
        })?;
        let batch = ImportBatch {
            bundle: name.to_string(),
            previous: body.previous.clone(),
            record: ImportRecord {
                from_vault: body.from.clone(),
                sequence,
                after_row: body.after_row,
                last_row: body.last_row,
                rows: body.rows.len() as i64,
                conflicts: 0,
                digest: bundle.digest(),
                imported: ucore_signing::signature::rfc3339_utc(ucore_assertions::Timestamp::now()),
            },
            rows: body.rows.clone(),
        };
        let report = self.store().sync_import(batch).await?;
        tracing::info!(
            from = %report.record.from_vault,
            sequence = report.record.sequence,
            rows = report.record.rows,
            conflicts = report.record.conflicts,
            "sync bundle imported"
        );
        for c in &report.conflicts {
            tracing::warn!(from = %c.origin, sequence = c.sequence, row = c.row.id, reason = %c.reason, "sync conflict kept");
        }
        Ok(report)
    }

    /// [`Vault::sync_import`] of a file (read with [`read_bundle`]).
    pub async fn sync_import_file(&self, path: &Path) -> Result<ImportReport, Error> {
        let bytes = read_bundle(path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.sync_import(&bytes, &name).await
    }

    /// Every bundle imported, by factory and sequence.
    pub async fn sync_imports(&self) -> Result<Vec<ImportRecord>, Error> {
        self.store().sync_imports().await
    }

    /// Every imported row kept as a conflict.
    pub async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>, Error> {
        self.store().sync_conflicts().await
    }
}
