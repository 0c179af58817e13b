//! Passphrase encryption at rest for private-key files (a ucore extension; snapd stores keys
//! in clear).
//!
//! File format, all ASCII:
//!
//! ```text
//! ucore-encrypted-private-key-v1 argon2id m=<KiB> t=<passes> p=<lanes> xchacha20poly1305\n
//! <standard base64 with padding of: salt (16 bytes) ‖ nonce (24 bytes) ‖ ciphertext ‖ tag (16)>\n
//! ```
//!
//! The base64 is wrapped at 76 columns. The key is Argon2id(passphrase, salt) with the
//! parameters of the header line (32-byte output); the cipher is XChaCha20-Poly1305; the
//! associated data is the header line (without its `\n`) followed by `\n` and the key id, so
//! a file cannot be swapped for another key's or have its parameters edited. The plaintext
//! is exactly the clear file snapd would store (`encodeV1` of the secret-key packet), so
//! decrypting a file gives back a snapd-readable one.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::KeypairStoreError;

const MAGIC: &str = "ucore-encrypted-private-key-v1";

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// Argon2's recommended defaults (19 MiB, 2 passes, 1 lane).
    fn default() -> Self {
        Self {
            m_cost: Params::DEFAULT_M_COST,
            t_cost: Params::DEFAULT_T_COST,
            p_cost: Params::DEFAULT_P_COST,
        }
    }
}

/// Whether `contents` is an encrypted key file.
pub fn is_encrypted(contents: &[u8]) -> bool {
    contents.starts_with(MAGIC.as_bytes())
}

fn derive(
    passphrase: &[u8],
    salt: &[u8],
    p: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, KeypairStoreError> {
    let params = Params::new(p.m_cost, p.t_cost, p.p_cost, Some(32))
        .map_err(|_| KeypairStoreError::Decrypt)?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase, salt, key.as_mut())
        .map_err(|_| KeypairStoreError::Decrypt)?;
    Ok(key)
}

fn header(p: KdfParams) -> String {
    format!(
        "{MAGIC} argon2id m={} t={} p={} xchacha20poly1305",
        p.m_cost, p.t_cost, p.p_cost
    )
}

fn parse_header(line: &str) -> Option<KdfParams> {
    let mut it = line.split(' ');
    if it.next()? != MAGIC || it.next()? != "argon2id" {
        return None;
    }
    let mut num = |prefix: &str| it.next()?.strip_prefix(prefix)?.parse::<u32>().ok();
    let p = KdfParams {
        m_cost: num("m=")?,
        t_cost: num("t=")?,
        p_cost: num("p=")?,
    };
    (it.next()? == "xchacha20poly1305" && it.next().is_none()).then_some(p)
}

/// Encrypts a clear key file for `key_id`.
pub fn encrypt(
    plain: &[u8],
    key_id: &str,
    passphrase: &[u8],
    params: KdfParams,
) -> Result<String, KeypairStoreError> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::fill(&mut salt);
    rand::fill(&mut nonce);
    let key = derive(passphrase, &salt, params)?;
    let head = header(params);
    let aad = format!("{head}\n{key_id}");
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| KeypairStoreError::Decrypt)?;
    let ct = cipher
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: plain,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| KeypairStoreError::Encrypt)?;
    let mut blob = Vec::with_capacity(40 + ct.len());
    blob.extend_from_slice(&salt);
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&ct);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&blob);
    let mut out = head;
    out.push('\n');
    for chunk in b64.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    Ok(out)
}

/// Decrypts an encrypted key file for `key_id`; [`KeypairStoreError::Decrypt`] on a wrong passphrase,
/// a damaged file or a file of another key.
pub fn decrypt(
    contents: &[u8],
    key_id: &str,
    passphrase: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeypairStoreError> {
    let text = std::str::from_utf8(contents).map_err(|_| KeypairStoreError::Decrypt)?;
    let (head, rest) = text.split_once('\n').ok_or(KeypairStoreError::Decrypt)?;
    let params = parse_header(head).ok_or(KeypairStoreError::Decrypt)?;
    // Refuse absurd costs from a hostile file (1 GiB, 64 passes, 16 lanes).
    if params.m_cost > 1 << 20 || params.t_cost > 64 || params.p_cost > 16 {
        return Err(KeypairStoreError::Decrypt);
    }
    let clean: Vec<u8> = rest.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    let blob = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .map_err(|_| KeypairStoreError::Decrypt)?;
    if blob.len() < 16 + 24 + 16 {
        return Err(KeypairStoreError::Decrypt);
    }
    let (salt, rest) = blob.split_at(16);
    let (nonce, ct) = rest.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().map_err(|_| KeypairStoreError::Decrypt)?;
    let key = derive(passphrase, salt, params)?;
    let aad = format!("{head}\n{key_id}");
    let cipher =
        XChaCha20Poly1305::new_from_slice(key.as_ref()).map_err(|_| KeypairStoreError::Decrypt)?;
    cipher
        .decrypt(
            &XNonce::from(nonce),
            Payload {
                msg: ct,
                aad: aad.as_bytes(),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| KeypairStoreError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams {
        m_cost: 64,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn round_trip_and_failures() {
        let f = encrypt(b"secret text", "KEYID", b"pw", FAST).unwrap();
        assert!(is_encrypted(f.as_bytes()));
        assert!(f.starts_with(
            "ucore-encrypted-private-key-v1 argon2id m=64 t=1 p=1 xchacha20poly1305\n"
        ));
        assert_eq!(
            decrypt(f.as_bytes(), "KEYID", b"pw").unwrap().as_slice(),
            b"secret text"
        );
        assert!(matches!(
            decrypt(f.as_bytes(), "KEYID", b"wrong"),
            Err(KeypairStoreError::Decrypt)
        ));
        assert!(matches!(
            decrypt(f.as_bytes(), "OTHER", b"pw"),
            Err(KeypairStoreError::Decrypt)
        ));
        let edited = f.replacen("t=1", "t=2", 1);
        assert!(matches!(
            decrypt(edited.as_bytes(), "KEYID", b"pw"),
            Err(KeypairStoreError::Decrypt)
        ));
        assert!(matches!(
            decrypt(b"garbage", "KEYID", b"pw"),
            Err(KeypairStoreError::Decrypt)
        ));
        let huge = f.replacen("m=64", "m=99999999", 1);
        assert!(matches!(
            decrypt(huge.as_bytes(), "KEYID", b"pw"),
            Err(KeypairStoreError::Decrypt)
        ));
        // a flipped ciphertext character
        let mut bytes = f.into_bytes();
        let i = bytes.len() - 10;
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        assert!(matches!(
            decrypt(&bytes, "KEYID", b"pw"),
            Err(KeypairStoreError::Decrypt)
        ));
    }
}
