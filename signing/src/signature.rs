//! Signing and verifying assertions exactly as snapd does (`openpgpPrivateKey.sign` and
//! `openpgpPubKey.verify` in `asserts/crypto.go`, over x/crypto's OpenPGP packets).
//!
//! Signing: the canonical content from [`AssertionBuilder`], an OpenPGP v4 signature packet
//! (binary document, RSA, SHA-512, one hashed creation-time subpacket, no unhashed
//! subpackets, the full `k`-byte RSA output as the MPI), the v1 wrapper and a final `\n`.
//! PKCS#1 v1.5 is deterministic, so with the same key, content and creation time the bytes
//! equal snapd's (the oracle's `--sig-time`).
//!
//! Verification accepts what snapd (x/crypto) accepts: any v4 packet shape (snapd-native,
//! Canonical store with an unhashed issuer, gpg with issuer fingerprint), any hash the
//! packet names among SHA-1/224/256/384/512, then the hash-tag check, the algorithm check,
//! and RSA PKCS#1 v1.5 with the signature left-padded to the key size.

use ucore_assertions::openpgp::{self, Signature};
use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, Timestamp};

use crate::backend::RsaBackend;
use crate::error::{Error, KeyError, VerifyFailure};
use crate::keys::rsa::RsaPublicKey;
use crate::signer::Signer;

/// `t` in whole seconds as an RFC 3339 UTC date (`2016-12-01T12:00:00Z`), for headers
/// such as `since` and `timestamp`.
pub fn rfc3339_utc(t: impl Into<Timestamp>) -> String {
    t.into()
        .as_jiff()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The v1 signature text (with its final `\n`) for `content`, signed by `signer` with
/// creation time `creation_time` (whole seconds: the fraction is dropped; it must fit the
/// packet's 32 bits, [`KeyError::CreationTime`] otherwise).
pub fn sign_content(
    content: &[u8],
    signer: &dyn Signer,
    creation_time: impl Into<Timestamp>,
) -> Result<String, Error> {
    let creation_time = creation_time
        .into()
        .to_openpgp_time()
        .map_err(KeyError::CreationTime)?;
    let data = Signature::snapd_signed_data(content, creation_time);
    let digest = crate::hash::sha512(&[&data]);
    let raw = signer.sign_message(&data)?;
    let k = signer.public_key().size();
    if raw.len() > k {
        return Err(KeyError::SignatureTooLong {
            len: raw.len(),
            size: k,
        }
        .into());
    }
    let raw = crate::backend::pad_to_key_size(&raw, k);
    let packet = Signature::new_snapd(creation_time, [digest[0], digest[1]], &raw)?.to_bytes()?;
    let mut text = openpgp::encode_v1(&packet);
    text.push('\n');
    Ok(text)
}

/// Signs the assertion `builder` describes with `signer`, now.
pub fn sign_assertion(builder: &AssertionBuilder, signer: &dyn Signer) -> Result<Assertion, Error> {
    sign_assertion_at(builder, signer, Timestamp::now())
}

/// Signs the assertion `builder` describes with `signer` and signature creation time
/// `creation_time` (whole seconds, see [`sign_content`]) — reproducible byte for byte.
/// The result is checked as decoding checks it, declarations' rules in the builder's
/// [`rule_language`](AssertionBuilder::rule_language).
pub fn sign_assertion_at(
    builder: &AssertionBuilder,
    signer: &dyn Signer,
    creation_time: impl Into<Timestamp>,
) -> Result<Assertion, Error> {
    let content = builder.content(signer.key_id())?;
    let signature = sign_content(&content, signer, creation_time)?;
    Ok(Assertion::from_parts_in(
        content,
        signature.into_bytes(),
        builder.rule_language(),
    )?)
}

/// Checks `assertion`'s signature against `key` (snapd's `CheckSignature` crypto step):
/// decode errors keep snapd's text (`cannot decode signature: …`), verification failures
/// read `failed signature verification: openpgp: …`.
pub fn verify_signature(
    assertion: &(impl AssertionAccess + ?Sized),
    key: &RsaPublicKey,
) -> Result<(), KeyError> {
    verify_signature_with(RsaBackend::Auto, assertion, key)
}

/// [`verify_signature`] with a chosen RSA backend.
pub fn verify_signature_with(
    backend: RsaBackend,
    assertion: &(impl AssertionAccess + ?Sized),
    key: &RsaPublicKey,
) -> Result<(), KeyError> {
    verify_content_with(backend, assertion.content(), assertion.signature(), key)
}

/// Verifies signature text (v1) over `content` with `key`.
pub fn verify_content_with(
    backend: RsaBackend,
    content: &[u8],
    signature: &[u8],
    key: &RsaPublicKey,
) -> Result<(), KeyError> {
    let sig = openpgp::decode_signature(signature)?;
    verify_packet(backend, content, &sig, key).map_err(KeyError::Verification)
}

/// The x/crypto `VerifySignature` steps on a decoded packet.
pub fn verify_packet(
    backend: RsaBackend,
    content: &[u8],
    sig: &Signature,
    key: &RsaPublicKey,
) -> Result<(), VerifyFailure> {
    let hash = sig.hash_algorithm();
    let trailer = sig
        .hashed_trailer()
        .map_err(|_| VerifyFailure::RsaVerification)?;
    let digest = crate::hash::digest(hash, &[content, &trailer])
        .ok_or(VerifyFailure::UnsupportedHash { id: hash.id() })?;
    if digest.get(..2) != Some(&sig.left16()[..]) {
        return Err(VerifyFailure::HashTagMismatch);
    }
    // snapd's keys are always algorithm 1 (RSA); x/crypto compares the ids.
    if sig.public_key_algorithm_id() != 1 {
        return Err(VerifyFailure::AlgorithmMismatch {
            algorithm: sig.public_key_algorithm_id(),
        });
    }
    let mpi = sig.signature_mpi().ok_or(VerifyFailure::RsaVerification)?;
    match backend {
        RsaBackend::RustCrypto => key.verify_prehash(hash, &digest, mpi.bytes()),
        _ => {
            let mut data = Vec::with_capacity(content.len() + trailer.len());
            data.extend_from_slice(content);
            data.extend_from_slice(&trailer);
            key.verify_with(backend, hash, &data, mpi.bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_assertions::AssertionType;

    const MODEL_ASSERT: &str = include_str!("../../tests/data/assertions/selfmade/model.assert");

    fn model_builder() -> AssertionBuilder {
        // tests/data/assertions/selfmade/model.json
        let mut b = AssertionBuilder::new(AssertionType::Model);
        for (k, v) in [
            ("authority-id", "acme"),
            ("brand-id", "acme"),
            ("series", "16"),
            ("model", "acme-device-1"),
            ("architecture", "armhf"),
            ("gadget", "device-1"),
            ("kernel", "device-1-kernel"),
            ("timestamp", "2016-12-01T12:00:00+00:00"),
        ] {
            b = b.header(k, v);
        }
        b.header(
            "required-snaps",
            ucore_assertions::HeaderValue::List(vec![
                "acme-dashboard".into(),
                "acme-control-plane".into(),
            ]),
        )
    }

    #[test]
    fn rfc3339_dates() {
        let t = Timestamp::from_second(1_480_593_600).unwrap();
        assert_eq!(rfc3339_utc(t), "2016-12-01T12:00:00Z");
        let t = Timestamp::new(1_480_593_600, 500_000_000).unwrap();
        assert_eq!(rfc3339_utc(t), "2016-12-01T12:00:00Z");
    }

    #[test]
    fn reproduces_the_oracle_byte_for_byte() {
        let a = sign_assertion_at(
            &model_builder(),
            crate::test_keys::acme(),
            Timestamp::from_openpgp_time(1_480_593_600),
        )
        .unwrap();
        assert_eq!(String::from_utf8(a.encode()).unwrap(), MODEL_ASSERT);
    }

    #[test]
    fn verifies_the_oracle_and_rejects_tampering() {
        let a = Assertion::decode(MODEL_ASSERT.as_bytes()).unwrap();
        let key = crate::test_keys::acme().public_key();
        for b in [RsaBackend::Auto, RsaBackend::Ring, RsaBackend::RustCrypto] {
            verify_signature_with(b, &a, key).unwrap();
        }
        let tampered = MODEL_ASSERT.replace("armhf", "arm64");
        let t = Assertion::decode(tampered.as_bytes()).unwrap();
        assert_eq!(
            verify_signature(&t, key).unwrap_err().to_string(),
            "failed signature verification: openpgp: invalid signature: hash tag doesn't match"
        );
        let other = crate::test_keys::root().public_key();
        assert_eq!(
            verify_signature(&a, other).unwrap_err().to_string(),
            "failed signature verification: openpgp: invalid signature: RSA verification failure"
        );
    }
}
