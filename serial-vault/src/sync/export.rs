//! Export (factory side): the rows signed since the last bundle, as signed bundles written
//! atomically to a directory; and the rebuild of a bundle already exported.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ucore_assertions::Timestamp;
use ucore_signing::Signer;

use super::bundle::{BundleBody, BundleRow, FORMAT, MAX_ROWS, SignedBundle, file_name};
use super::error::SyncError;
use super::identity::check_vault_id;
use super::state::{ExportRecord, SyncIdentity};
use crate::error::Error;
use crate::store::SigningLogRow;
#[cfg(feature = "postgres")]
use crate::store::Store;
use crate::vault::Vault;

/// On PostgreSQL, rows logged this recently are left for the next export: ids come from a
/// sequence, and a row may commit after a row with a higher id, which an export must not
/// have passed over. (On SQLite, one connection writes: ids are in commit order.)
pub const POSTGRES_EXPORT_LAG: Duration = Duration::from_secs(30);

/// A bundle written by an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedBundle {
    /// Its sequence.
    pub sequence: u64,
    /// How many rows it carries.
    pub rows: usize,
    /// Its digest.
    pub digest: String,
    /// The file written.
    pub path: PathBuf,
    /// Whether it was exported before and rebuilt now (a lost file recovered).
    pub rebuilt: bool,
}

fn sequence_u64(s: i64) -> u64 {
    u64::try_from(s).unwrap_or(0)
}

fn bundle_row(r: SigningLogRow) -> BundleRow {
    BundleRow {
        id: r.id,
        brand_id: r.make,
        model: r.model,
        serial: r.serial_number,
        fingerprint: r.fingerprint,
        revision: r.revision,
        created: r.created,
        assertion: r.assertion,
    }
}

/// Writes `bytes` to `dir/name` atomically: a temporary file in `dir`, synced, renamed over
/// the name, and the directory synced. A kill leaves the old file, the new one, or a
/// temporary file (named `.NAME.tmp`, overwritten by the next attempt).
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, SyncError> {
    let path = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(dir)?.sync_all()
    };
    write().map_err(|e| SyncError::file(&path, e))?;
    Ok(path)
}

/// Signs on the blocking pool (an RSA-4096 signature, or a round trip to a token).
async fn sign(body: BundleBody, signer: Arc<dyn Signer>) -> Result<SignedBundle, Error> {
    let (to, sequence) = (body.to.clone(), body.sequence);
    tokio::task::spawn_blocking(move || SignedBundle::sign(body, &*signer))
        .await
        .map_err(|e| {
            tracing::error!(to, sequence, error = %e, "bundle signing task failed");
            Error::SigningAssertion(e.into())
        })?
        .map_err(Error::from)
}

impl Vault {
    /// Exports to vault `to` every row this vault signed since its last bundle to `to`, as
    /// bundles of at most `max_rows` rows written to `out`, and records each (sequence, row
    /// range, time, digest) before writing its file. First, when the file of the last
    /// recorded bundle is missing from `out` (an export killed between the two), that
    /// bundle is rebuilt and written again. Returns the bundles written, none when there is
    /// nothing new.
    pub async fn sync_export(
        &self,
        to: &str,
        out: &Path,
        max_rows: usize,
    ) -> Result<Vec<ExportedBundle>, Error> {
        if !(1..=MAX_ROWS).contains(&max_rows) {
            return Err(SyncError::MaxRows {
                given: max_rows,
                max: MAX_ROWS,
            }
            .into());
        }
        let (identity, signer) = self.export_setup(to).await?;
        let mut written = Vec::new();
        let mut last = self.store().sync_export(to, None).await?;
        if let Some(rec) = &last
            && !out
                .join(file_name(
                    &identity.vault_id,
                    to,
                    sequence_u64(rec.sequence),
                ))
                .exists()
        {
            written.push(self.rebuild(&identity, &signer, rec, out).await?);
        }
        loop {
            let after = last.as_ref().map_or(0, |l| l.last_row);
            let rows = self
                .store()
                .sync_own_rows(after, None, max_rows as i64)
                .await?;
            #[cfg(feature = "postgres")]
            let rows = match self.store() {
                Store::Postgres(_) => hold_back_recent(rows),
                _ => rows,
            };
            let Some(last_row) = rows.last().map(|r| r.id) else {
                break;
            };
            let sequence = last.as_ref().map_or(0, |l| l.sequence) + 1;
            let created = Timestamp::now().as_second();
            let body = BundleBody {
                format: FORMAT,
                from: identity.vault_id.clone(),
                to: to.to_string(),
                sequence: sequence_u64(sequence),
                previous: last.as_ref().map(|l| l.digest.clone()).unwrap_or_default(),
                after_row: after,
                last_row,
                created: created_text(created)?,
                key_id: identity.key_id.clone(),
                rows: rows.into_iter().map(bundle_row).collect(),
            };
            let n = body.rows.len();
            let bundle = sign(body, signer.clone()).await?;
            let record = ExportRecord {
                to_vault: to.to_string(),
                sequence,
                after_row: after,
                last_row,
                rows: n as i64,
                created,
                digest: bundle.digest(),
            };
            if !self.store().sync_record_export(record.clone()).await? {
                return Err(SyncError::ConcurrentExport {
                    to: to.to_string(),
                    sequence: sequence_u64(sequence),
                }
                .into());
            }
            let path = write_atomically(out, &bundle.file_name(), bundle.bytes())?;
            tracing::info!(to, sequence, rows = n, path = %path.display(), "sync bundle exported");
            written.push(ExportedBundle {
                sequence: sequence_u64(sequence),
                rows: n,
                digest: record.digest.clone(),
                path,
                rebuilt: false,
            });
            last = Some(record);
        }
        Ok(written)
    }

    /// Rebuilds bundle `sequence` to `to`, exported before, byte for byte (its rows, time
    /// and chain are recorded; the signature is deterministic), and writes it to `out`.
    pub async fn sync_reexport(
        &self,
        to: &str,
        sequence: u64,
        out: &Path,
    ) -> Result<ExportedBundle, Error> {
        let (identity, signer) = self.export_setup(to).await?;
        let no_such = || SyncError::NoSuchExport {
            to: to.to_string(),
            sequence,
        };
        let seq = i64::try_from(sequence).map_err(|_| no_such())?;
        let rec = self
            .store()
            .sync_export(to, Some(seq))
            .await?
            .ok_or_else(no_such)?;
        self.rebuild(&identity, &signer, &rec, out).await
    }

    async fn export_setup(&self, to: &str) -> Result<(SyncIdentity, Arc<dyn Signer>), Error> {
        check_vault_id("to", to)?;
        let (identity, signer) = self.sync_signer().await?;
        if identity.vault_id == to {
            return Err(SyncError::SelfSync {
                vault_id: identity.vault_id,
            }
            .into());
        }
        Ok((identity, signer))
    }

    async fn rebuild(
        &self,
        identity: &SyncIdentity,
        signer: &Arc<dyn Signer>,
        rec: &ExportRecord,
        out: &Path,
    ) -> Result<ExportedBundle, Error> {
        let mismatch = || SyncError::RebuildMismatch {
            to: rec.to_vault.clone(),
            sequence: sequence_u64(rec.sequence),
        };
        let previous = match rec.sequence {
            1 => String::new(),
            s => {
                self.store()
                    .sync_export(&rec.to_vault, Some(s - 1))
                    .await?
                    .ok_or_else(mismatch)?
                    .digest
            }
        };
        let rows = self
            .store()
            .sync_own_rows(rec.after_row, Some(rec.last_row), MAX_ROWS as i64 + 1)
            .await?;
        if rows.len() as i64 != rec.rows {
            return Err(mismatch().into());
        }
        let body = BundleBody {
            format: FORMAT,
            from: identity.vault_id.clone(),
            to: rec.to_vault.clone(),
            sequence: sequence_u64(rec.sequence),
            previous,
            after_row: rec.after_row,
            last_row: rec.last_row,
            created: created_text(rec.created)?,
            key_id: identity.key_id.clone(),
            rows: rows.into_iter().map(bundle_row).collect(),
        };
        let bundle = sign(body, signer.clone()).await?;
        if bundle.digest() != rec.digest {
            return Err(mismatch().into());
        }
        let path = write_atomically(out, &bundle.file_name(), bundle.bytes())?;
        tracing::info!(to = %rec.to_vault, sequence = rec.sequence, path = %path.display(), "sync bundle rebuilt");
        Ok(ExportedBundle {
            sequence: sequence_u64(rec.sequence),
            rows: bundle.body().rows.len(),
            digest: rec.digest.clone(),
            path,
            rebuilt: true,
        })
    }
}

/// Unix seconds as the bundle's `created` text.
fn created_text(second: i64) -> Result<String, Error> {
    let t = Timestamp::from_second(second).map_err(|e| Error::InvalidInput(e.into()))?;
    Ok(ucore_signing::signature::rfc3339_utc(t))
}

#[cfg(feature = "postgres")]
/// Drops the rows from the first one logged less than [`POSTGRES_EXPORT_LAG`] ago.
fn hold_back_recent(mut rows: Vec<SigningLogRow>) -> Vec<SigningLogRow> {
    let cutoff = Timestamp::now().as_second() - POSTGRES_EXPORT_LAG.as_secs() as i64;
    let recent = rows.iter().position(|r| {
        r.created
            .parse::<Timestamp>()
            .map_or(true, |t| t.as_second() > cutoff)
    });
    if let Some(i) = recent {
        rows.truncate(i);
    }
    rows
}
