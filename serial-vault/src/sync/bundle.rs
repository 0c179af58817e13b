//! The sync bundle: its format, how it is signed, and its bounded, strict parse.
//!
//! A bundle file is three parts, each ending in a newline:
//!
//! ```text
//! ucore-vault-sync-bundle                       (the magic line)
//! {"format":1,"from":"factory-1",…,"rows":[…]}  (the body: canonical JSON, one line)
//! AcLBUgQAAQoABgUC…                             (the signature: snapd's v1 text,
//!                                                base64 lines)
//! ```
//!
//! The signature is an OpenPGP signature by the factory's sync key over the exact bytes of
//! the first two lines, made like an assertion's ([`ucore_signing::sign_content`]) with the
//! body's `created` time as its creation time: RSA PKCS#1 v1.5 is deterministic, so a
//! bundle rebuilt from the same rows, times and key has the same bytes. The body is
//! canonical: the fields in [`BundleBody`]'s order, no spaces (what `serde_json` writes); a
//! body that parses but re-encodes to other bytes is refused, so one bundle has one
//! encoding and its [digest](SignedBundle::digest) names it.

use std::str::FromStr as _;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType, Timestamp};
use ucore_signing::{HashAlgorithm, RsaBackend, RsaPublicKey, Signer};

use super::error::SyncError;

/// The first line of every bundle.
pub const MAGIC: &[u8] = b"ucore-vault-sync-bundle\n";
/// The body format this vault writes and reads.
pub const FORMAT: u32 = 1;
/// The largest bundle file read (64 MiB): checked before reading it whole.
pub const MAX_BUNDLE_BYTES: u64 = 64 << 20;
/// The most rows one bundle carries (export splits larger logs into several bundles).
pub const MAX_ROWS: usize = 10_000;
/// The rows per bundle `vault sync export` writes unless told otherwise.
pub const DEFAULT_ROWS: usize = 1_000;
/// The largest signature part (a 16384-bit key's signature is under 3 KiB of text).
const MAX_SIGNATURE_BYTES: usize = 8 << 10;
/// The largest serial assertion in a row (the signing API's default body limit).
const MAX_ASSERTION_BYTES: usize = 64 << 10;

/// A bundle's body: who sends what to whom, and where it sits in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleBody {
    /// [`FORMAT`].
    pub format: u32,
    /// The factory vault's id (the sender).
    pub from: String,
    /// The central vault's id (the only vault that imports it).
    pub to: String,
    /// 1 for the first bundle from `from` to `to`, then one more for each.
    pub sequence: u64,
    /// The [digest](SignedBundle::digest) of bundle `sequence - 1`; empty for bundle 1.
    pub previous: String,
    /// The factory's signing-log row id the previous bundle ended at (0 for bundle 1).
    pub after_row: i64,
    /// The row id this bundle ends at: it carries every row of the factory's log in
    /// `(after_row, last_row]`, in id order.
    pub last_row: i64,
    /// When it was exported (RFC 3339 UTC, whole seconds): the signature's time too.
    pub created: String,
    /// The id of the sync key that signs it.
    pub key_id: String,
    /// The rows.
    pub rows: Vec<BundleRow>,
}

/// One signed serial, as the factory logged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleRow {
    /// The factory's signing-log row id.
    pub id: i64,
    /// brand-id.
    pub brand_id: String,
    /// model.
    pub model: String,
    /// The serial number.
    pub serial: String,
    /// The device key's id (`device-key-sha3-384`).
    pub fingerprint: String,
    /// The serial assertion's revision.
    pub revision: i64,
    /// When the factory signed it (RFC 3339 UTC).
    pub created: String,
    /// The signed serial assertion, as the device received it.
    pub assertion: String,
}

/// A bundle with its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBundle {
    body: BundleBody,
    bytes: Vec<u8>,
    /// The length of the signed part (magic + body lines).
    signed_len: usize,
}

/// The file name of bundle `sequence` from `from` to `to` (vault ids hold no dots).
pub fn file_name(from: &str, to: &str, sequence: u64) -> String {
    format!("{from}.{to}.{sequence:010}.bundle")
}

/// `sha384-` and the unpadded URL-safe base64 of the SHA-384 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    let hash = ucore_signing::hash::digest(HashAlgorithm::Sha384, &[bytes]).unwrap_or_default();
    format!(
        "sha384-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash)
    )
}

impl SignedBundle {
    /// Signs `body` with `signer` (time: `body.created`). The body is checked first as
    /// [`SignedBundle::parse`] checks it, so a vault never writes a bundle it would refuse.
    pub fn sign(body: BundleBody, signer: &dyn Signer) -> Result<Self, SyncError> {
        let name = file_name(&body.from, &body.to, body.sequence);
        check_body(&body, &name)?;
        let sign_err = |source| SyncError::Sign {
            to: body.to.clone(),
            sequence: body.sequence,
            source: Box::new(source),
        };
        // check_body parsed it already.
        let at = Timestamp::from_str(&body.created)
            .map_err(|_| SyncError::malformed(&name, "created is not an RFC 3339 time"))?;
        let json = serde_json::to_vec(&body).map_err(|e| SyncError::Body {
            bundle: name.clone(),
            source: e,
        })?;
        let mut bytes = Vec::with_capacity(MAGIC.len() + json.len() + 1 + 1024);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&json);
        bytes.push(b'\n');
        let signed_len = bytes.len();
        let signature = ucore_signing::sign_content(&bytes, signer, at).map_err(sign_err)?;
        bytes.extend_from_slice(signature.as_bytes());
        Ok(Self {
            body,
            bytes,
            signed_len,
        })
    }

    /// Parses a bundle (`name` names it in errors) without checking its signature: the
    /// layout, the canonical body, the format, and that the rows agree with the header
    /// and with their serial assertions. Linear in the input, bounded by
    /// [`MAX_BUNDLE_BYTES`].
    pub fn parse(bytes: &[u8], name: &str) -> Result<Self, SyncError> {
        if bytes.len() as u64 > MAX_BUNDLE_BYTES {
            return Err(SyncError::TooLarge {
                bundle: name.to_string(),
                size: bytes.len() as u64,
                limit: MAX_BUNDLE_BYTES,
            });
        }
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| SyncError::malformed(name, "not a sync bundle (no magic line)"))?;
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| SyncError::malformed(name, "no end to the body line"))?;
        let json = rest.get(..end).unwrap_or_default();
        let signed_len = MAGIC.len() + end + 1;
        let signature = bytes.get(signed_len..).unwrap_or_default();
        if signature.is_empty() {
            return Err(SyncError::malformed(name, "no signature"));
        }
        if signature.len() > MAX_SIGNATURE_BYTES || signature.last() != Some(&b'\n') {
            return Err(SyncError::malformed(
                name,
                "the signature is not lines of at most 8 KiB in all",
            ));
        }
        // The format first, so that a newer bundle says so rather than failing on a field.
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let body_err = |e| SyncError::Body {
            bundle: name.to_string(),
            source: e,
        };
        let version: Version = serde_json::from_slice(json).map_err(body_err)?;
        if version.format != FORMAT {
            return Err(SyncError::Format {
                bundle: name.to_string(),
                format: version.format,
                supported: FORMAT,
            });
        }
        let body: BundleBody = serde_json::from_slice(json).map_err(body_err)?;
        if serde_json::to_vec(&body).map_err(body_err)? != json {
            return Err(SyncError::malformed(
                name,
                "the body is not in canonical form",
            ));
        }
        check_body(&body, name)?;
        Ok(Self {
            body,
            bytes: bytes.to_vec(),
            signed_len,
        })
    }

    /// Checks the signature with the sender's public key.
    pub fn verify(&self, key: &RsaPublicKey, name: &str) -> Result<(), SyncError> {
        let (content, signature) = self.bytes.split_at(self.signed_len.min(self.bytes.len()));
        ucore_signing::signature::verify_content_with(RsaBackend::Auto, content, signature, key)
            .map_err(|source| SyncError::Signature {
                bundle: name.to_string(),
                from: self.body.from.clone(),
                sequence: self.body.sequence,
                source: Box::new(source),
            })
    }

    /// The body.
    pub fn body(&self) -> &BundleBody {
        &self.body
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bundle's [digest] over its signed part (magic and body lines: the signature
    /// authenticates them, and is not part of what the bundle says): the next bundle's
    /// `previous`, and what tells a replay from a fork.
    pub fn digest(&self) -> String {
        digest(self.bytes.get(..self.signed_len).unwrap_or_default())
    }

    /// Its file name ([`file_name`]).
    pub fn file_name(&self) -> String {
        file_name(&self.body.from, &self.body.to, self.body.sequence)
    }
}

/// What [`SignedBundle::parse`] checks of a body beyond its syntax.
fn check_body(b: &BundleBody, name: &str) -> Result<(), SyncError> {
    for (field, id) in [("from", &b.from), ("to", &b.to)] {
        crate::vault::names::check_account_id(field, id).map_err(SyncError::VaultId)?;
    }
    let bad = |reason: String| SyncError::Inconsistent {
        bundle: name.to_string(),
        from: b.from.clone(),
        sequence: b.sequence,
        reason,
    };
    if b.from == b.to {
        return Err(bad("sent by a vault to itself".into()));
    }
    if b.sequence == 0 {
        return Err(bad("sequences start at 1".into()));
    }
    if (b.sequence == 1) != b.previous.is_empty() {
        return Err(bad(
            "only bundle 1 has no previous bundle digest, and it has none".into(),
        ));
    }
    if b.previous.len() > 128 || b.key_id.len() > 128 || b.created.len() > 64 {
        return Err(bad("a header field is too long".into()));
    }
    if Timestamp::from_str(&b.created).is_err() {
        return Err(bad(format!(
            "created {:?} is not an RFC 3339 time",
            b.created
        )));
    }
    if b.rows.is_empty() || b.rows.len() > MAX_ROWS {
        return Err(bad(format!(
            "{} rows: a bundle carries 1 to {MAX_ROWS}",
            b.rows.len()
        )));
    }
    if b.after_row < 0 || b.last_row <= b.after_row {
        return Err(bad(format!(
            "row range ({}, {}] is empty or negative",
            b.after_row, b.last_row
        )));
    }
    let mut prev = b.after_row;
    for row in &b.rows {
        if row.id <= prev || row.id > b.last_row {
            return Err(bad(format!(
                "row {} is out of order or outside ({}, {}]",
                row.id, b.after_row, b.last_row
            )));
        }
        prev = row.id;
        check_row(row).map_err(|reason| bad(format!("row {}: {reason}", row.id)))?;
    }
    if prev != b.last_row {
        return Err(bad(format!(
            "the last row is {prev}, the range ends at {}",
            b.last_row
        )));
    }
    Ok(())
}

/// A row's columns agree with its serial assertion.
fn check_row(row: &BundleRow) -> Result<(), String> {
    if row.assertion.len() > MAX_ASSERTION_BYTES {
        return Err(format!(
            "the serial assertion has more than {MAX_ASSERTION_BYTES} bytes"
        ));
    }
    let serial = Assertion::decode(row.assertion.as_bytes()).map_err(|e| format!("serial: {e}"))?;
    if serial.assertion_type() != AssertionType::Serial {
        return Err("the assertion is not a serial".into());
    }
    for (header, column) in [
        ("brand-id", &row.brand_id),
        ("model", &row.model),
        ("serial", &row.serial),
        ("device-key-sha3-384", &row.fingerprint),
    ] {
        if serial.header_str(header) != Some(column.as_str()) {
            return Err(format!("its serial's {header} differs from the row's"));
        }
    }
    if serial.revision() != row.revision {
        return Err("its serial's revision differs from the row's".into());
    }
    if row.created.len() > 64 {
        return Err("created is too long".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> String {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(body.as_bytes());
        bytes.extend_from_slice(b"\nAcLB\n");
        SignedBundle::parse(&bytes, "t").map_or_else(|e| e.to_string(), |_| "ok".into())
    }

    const BODY: &str = r#"{"format":1,"from":"factory-1","to":"central","sequence":1,"previous":"","after_row":0,"last_row":1,"created":"2026-12-05T00:00:00Z","key_id":"k","rows":[]}"#;

    #[test]
    fn strict_layout_and_body() {
        assert_eq!(
            parse(BODY),
            "bundle t from factory-1, sequence 1: 0 rows: a bundle carries 1 to 10000"
        );
        assert_eq!(
            parse(&BODY.replace(",\"to\"", ", \"to\"")),
            "bundle t is malformed: the body is not in canonical form"
        );
        assert_eq!(
            parse(&BODY.replace("\"format\":1", "\"format\":2")),
            "bundle t has format 2; this vault reads format 1"
        );
        assert!(parse(&BODY.replace("\"rows\"", "\"extra\":1,\"rows\"")).contains("unknown field"));
        assert!(
            parse(&BODY.replace("\"to\":\"central\"", "\"to\":\"../x\""))
                .starts_with("invalid vault id")
        );
        assert_eq!(
            SignedBundle::parse(b"hello\n", "t")
                .unwrap_err()
                .to_string(),
            "bundle t is malformed: not a sync bundle (no magic line)"
        );
        let mut no_sig = MAGIC.to_vec();
        no_sig.extend_from_slice(BODY.as_bytes());
        no_sig.push(b'\n');
        assert_eq!(
            SignedBundle::parse(&no_sig, "t").unwrap_err().to_string(),
            "bundle t is malformed: no signature"
        );
    }

    #[test]
    fn names_and_digests() {
        assert_eq!(
            file_name("factory-1", "central", 7),
            "factory-1.central.0000000007.bundle"
        );
        let d = digest(b"x");
        assert!(d.starts_with("sha384-"));
        assert_eq!(d.len(), 7 + 64);
    }
}
