//! `hardware-identity` (as snapd newer than 2.57 checks it; the type is registered in its
//! `asserts/asserts.go`): a hardware key (PKIX, RSA or ECDSA) vouched for by an issuer.

use base64::Engine as _;
use serde::Serialize;

use crate::checks::{self, HEADER, VALID_ACCOUNT_ID, VALID_MODEL};
use crate::{AssertionAccess, Error};

use super::TypeError;
use super::common::invalid_header;

/// The algorithm of a hardware key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HardwareKeyAlgorithm {
    /// `rsaEncryption` (1.2.840.113549.1.1.1).
    Rsa,
    /// `id-ecPublicKey` (1.2.840.10045.2.1).
    Ecdsa,
}

/// A `hardware-identity` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct HardwareIdentity<'a> {
    /// `issuer-id`.
    pub issuer_id: &'a str,
    /// `manufacturer`.
    pub manufacturer: &'a str,
    /// `hardware-name`.
    pub hardware_name: &'a str,
    /// `hardware-id`.
    pub hardware_id: &'a str,
    /// `hardware-id-key`: base64 DER (PEM without armor lines).
    pub hardware_id_key: &'a str,
    /// The key's algorithm.
    pub key_algorithm: HardwareKeyAlgorithm,
    /// `hardware-id-key-sha3-384`.
    pub hardware_id_key_sha3_384: &'a str,
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/// One DER element: (tag, contents, rest).
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&len0, rest) = rest.split_first()?;
    let (len, rest) = if len0 < 0x80 {
        (usize::from(len0), rest)
    } else {
        let n = usize::from(len0 & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, &b| (a << 8) | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The algorithm of a PKIX `SubjectPublicKeyInfo`.
fn pkix_algorithm(key: &[u8]) -> Option<HardwareKeyAlgorithm> {
    let (0x30, spki, []) = der(key)? else {
        return None;
    };
    let (0x30, alg, rest) = der(spki)? else {
        return None;
    };
    let (0x03, _bits, []) = der(rest)? else {
        return None;
    };
    let (0x06, oid, _params) = der(alg)? else {
        return None;
    };
    match oid {
        OID_RSA => Some(HardwareKeyAlgorithm::Rsa),
        OID_EC => Some(HardwareKeyAlgorithm::Ecdsa),
        _ => None,
    }
}

impl<'a> HardwareIdentity<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let issuer_id = checks::check_string_matches(h, "issuer-id", HEADER, &VALID_ACCOUNT_ID)?;
        let authority = a.authority_id().unwrap_or("");
        if issuer_id != authority {
            return Err(TypeError::IssuerMismatch {
                issuer_id: issuer_id.to_owned(),
                authority_id: authority.to_owned(),
            }
            .into());
        }
        let manufacturer = checks::check_not_empty_string(h, "manufacturer", HEADER)?;
        let hardware_name = checks::check_string_matches(h, "hardware-name", HEADER, &VALID_MODEL)?;
        let hardware_id = checks::check_not_empty_string(h, "hardware-id", HEADER)?;
        let hardware_id_key = checks::check_not_empty_string(h, "hardware-id-key", HEADER)?;
        let compact: String = hardware_id_key.split_ascii_whitespace().collect();
        let der_bytes = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| invalid_header("hardware-id-key", "cannot be decoded as base64"))?;
        let key_algorithm = pkix_algorithm(&der_bytes).ok_or_else(|| {
            invalid_header("hardware-id-key", "must be a PKIX RSA or ECDSA public key")
        })?;
        checks::check_digest(h, "hardware-id-key-sha3-384", 48)?;
        Ok(HardwareIdentity {
            issuer_id,
            manufacturer,
            hardware_name,
            hardware_id,
            hardware_id_key,
            key_algorithm,
            hardware_id_key_sha3_384: h.get_str("hardware-id-key-sha3-384").unwrap_or(""),
        })
    }
}

super::view!(HardwareIdentity, HardwareIdentity);
