//! The rows of the sync tables (both backends create them in their `store/*/sync.rs`
//! migration), and the one decision an import makes on them ([`check_next`]).

use serde::{Deserialize, Serialize};

use super::bundle::BundleRow;
use super::error::SyncError;

/// This vault's sync identity (`sync_identity`, one row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncIdentity {
    /// The vault id bundles name it by.
    pub vault_id: String,
    /// The sync key's id.
    pub key_id: String,
    /// The sync key sealed under the master secret, or `external:LABEL` for a key on a
    /// PKCS#11 token (see [`crate::keystore`]). Never serialised.
    #[serde(skip_serializing, default)]
    pub sealed_key: String,
    /// When it was made (RFC 3339 UTC).
    pub created: String,
}

/// A factory this (central) vault takes bundles from (`sync_factory`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedFactory {
    /// The factory's vault id.
    pub vault_id: String,
    /// Its sync key's id.
    pub key_id: String,
    /// Its sync key's public half (SPKI PEM).
    pub public_key: String,
    /// When it was registered (RFC 3339 UTC).
    pub added: String,
}

/// A bundle this (factory) vault exported (`sync_export`): enough to rebuild its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRecord {
    /// The receiving vault.
    pub to_vault: String,
    /// The bundle's sequence.
    pub sequence: i64,
    /// The row range `(after_row, last_row]` it carries.
    pub after_row: i64,
    /// See `after_row`.
    pub last_row: i64,
    /// How many rows.
    pub rows: i64,
    /// Its `created` time (Unix seconds).
    pub created: i64,
    /// Its digest.
    pub digest: String,
}

/// A bundle this (central) vault imported (`sync_import`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    /// The sending factory.
    pub from_vault: String,
    /// The bundle's sequence.
    pub sequence: i64,
    /// The factory's row range `(after_row, last_row]`.
    pub after_row: i64,
    /// See `after_row`.
    pub last_row: i64,
    /// Rows it carried.
    pub rows: i64,
    /// Of those, rows kept as conflicts.
    pub conflicts: i64,
    /// Its digest.
    pub digest: String,
    /// When it was imported (RFC 3339 UTC).
    pub imported: String,
}

/// What an import writes in one transaction.
#[derive(Debug, Clone)]
pub struct ImportBatch {
    /// The bundle's name (for errors).
    pub bundle: String,
    /// Its `previous` digest.
    pub previous: String,
    /// The record to write.
    pub record: ImportRecord,
    /// Its rows.
    pub rows: Vec<BundleRow>,
}

/// A row imported from a factory that the central could not put in its signing log: the
/// same (brand, model, serial, revision) is already there, or the serial belongs to
/// another device key there (`sync_conflict`). Kept whole, never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncConflict {
    /// The factory.
    pub origin: String,
    /// The bundle that carried it.
    pub sequence: i64,
    /// Why it is not in the signing log.
    pub reason: String,
    /// The row.
    pub row: BundleRow,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The record written.
    pub record: ImportRecord,
    /// The rows kept as conflicts (also counted in `record.conflicts`).
    pub conflicts: Vec<SyncConflict>,
}

/// The last bundle imported from a factory, as the import transaction reads it.
#[derive(Debug, Clone)]
pub struct LastImport {
    /// Its sequence.
    pub sequence: i64,
    /// Its digest.
    pub digest: String,
    /// The row it ended at.
    pub last_row: i64,
}

/// Whether `batch` is the next bundle after `last` (`None`: none imported yet);
/// `digest_at` gives the digest of an already imported sequence (for a replay). The
/// refusals: a replay ([`SyncError::AlreadyImported`]), another bundle under a sequence
/// already imported ([`SyncError::Forked`]), a gap ([`SyncError::Gap`]), a bundle that does
/// not chain onto the last ([`SyncError::Chain`]).
pub fn check_next(
    batch: &ImportBatch,
    last: Option<&LastImport>,
    digest_at: impl FnOnce(i64) -> Result<Option<String>, crate::Error>,
) -> Result<(), crate::Error> {
    let r = &batch.record;
    let last_seq = last.map_or(0, |l| l.sequence);
    let bundle = || batch.bundle.clone();
    let sequence = u64::try_from(r.sequence).unwrap_or(0);
    if r.sequence <= last_seq {
        let same = digest_at(r.sequence)?.is_some_and(|d| d == r.digest);
        return Err(if same {
            SyncError::AlreadyImported {
                bundle: bundle(),
                from: r.from_vault.clone(),
                sequence,
            }
        } else {
            SyncError::Forked {
                bundle: bundle(),
                from: r.from_vault.clone(),
                sequence,
            }
        }
        .into());
    }
    if r.sequence > last_seq + 1 {
        return Err(SyncError::Gap {
            bundle: bundle(),
            from: r.from_vault.clone(),
            sequence,
            expected: u64::try_from(last_seq + 1).unwrap_or(1),
        }
        .into());
    }
    let (digest, last_row) = last.map_or(("", 0), |l| (l.digest.as_str(), l.last_row));
    let reason = if batch.previous != digest {
        Some("its previous-bundle digest is not the digest of that bundle")
    } else if r.after_row != last_row {
        Some("its rows do not start where that bundle's ended")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(SyncError::Chain {
            bundle: bundle(),
            from: r.from_vault.clone(),
            sequence,
            previous: u64::try_from(last_seq).unwrap_or(0),
            reason,
        }
        .into()),
        None => Ok(()),
    }
}

/// Why `row` cannot join the signing log: the same revision is there (`same_revision`),
/// or the serial belongs to another device key.
pub fn conflict_reason(row: &BundleRow, same_revision: bool) -> String {
    if same_revision {
        format!(
            "serial {}/{}/{} revision {} is already in the signing log",
            row.brand_id, row.model, row.serial, row.revision
        )
    } else {
        format!(
            "serial {}/{}/{} is already in use by another device key",
            row.brand_id, row.model, row.serial
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(sequence: i64, previous: &str, after_row: i64, digest: &str) -> ImportBatch {
        ImportBatch {
            bundle: "b".into(),
            previous: previous.into(),
            record: ImportRecord {
                from_vault: "factory-1".into(),
                sequence,
                after_row,
                last_row: after_row + 3,
                rows: 3,
                conflicts: 0,
                digest: digest.into(),
                imported: String::new(),
            },
            rows: vec![],
        }
    }

    fn text(r: Result<(), crate::Error>) -> String {
        r.map_or_else(|e| e.to_string(), |()| "ok".into())
    }

    #[test]
    fn the_next_bundle_and_each_refusal() {
        let none = |_| Ok(None);
        assert_eq!(text(check_next(&batch(1, "", 0, "d1"), None, none)), "ok");
        assert_eq!(
            text(check_next(&batch(2, "d1", 3, "d2"), None, none)),
            "bundle b from factory-1, sequence 2: bundle 1 expected"
        );
        let last = LastImport {
            sequence: 1,
            digest: "d1".into(),
            last_row: 3,
        };
        assert_eq!(
            text(check_next(&batch(2, "d1", 3, "d2"), Some(&last), none)),
            "ok"
        );
        assert_eq!(
            text(check_next(&batch(1, "", 0, "d1"), Some(&last), |_| Ok(
                Some("d1".into())
            ))),
            "bundle b from factory-1, sequence 1: already imported; nothing changed"
        );
        assert!(
            text(check_next(&batch(1, "", 0, "dX"), Some(&last), |_| Ok(
                Some("d1".into())
            )))
            .contains("differs from the bundle 1 already imported")
        );
        assert_eq!(
            text(check_next(&batch(2, "dX", 3, "d2"), Some(&last), none)),
            "bundle b from factory-1, sequence 2: does not follow bundle 1 (its previous-bundle \
             digest is not the digest of that bundle)"
        );
        assert_eq!(
            text(check_next(&batch(2, "d1", 2, "d2"), Some(&last), none)),
            "bundle b from factory-1, sequence 2: does not follow bundle 1 (its rows do not \
             start where that bundle's ended)"
        );
        assert_eq!(
            text(check_next(&batch(4, "d3", 9, "d4"), Some(&last), none)),
            "bundle b from factory-1, sequence 4: bundle 2 expected"
        );
    }
}
