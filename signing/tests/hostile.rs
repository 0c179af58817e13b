//! Hostile key files: snapd's private-key files (v1 text of a secret-key packet), PEM and
//! DER keys, account-key bodies and the encrypted-file header, fed patterns made to work
//! their readers hard at 1×, 8× and 64× their size. Every run must stay within 16 bytes of
//! memory per input byte (plus 1 MiB), finish, not panic, and take time that grows no
//! faster than the input (`ucore_test_support::hostile`). RSA key sizes are capped at
//! `MAX_KEY_BITS`, so the arithmetic of a key that does parse is bounded by a constant.

use ucore_signing::keypair::{encrypted, secret_key_packet};
use ucore_signing::{RsaPrivateKey, RsaPublicKey};
use ucore_test_support::hostile::{Check, Limits};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn read_key_file(input: &[u8]) {
    let _ = secret_key_packet::decode(input);
    let _ = RsaPublicKey::from_snapd_text(input);
    let _ = RsaPublicKey::from_spki_der(input);
    let _ = RsaPrivateKey::from_pkcs1_der(input);
    if let Ok(text) = std::str::from_utf8(input) {
        let _ = RsaPrivateKey::from_pem(text);
        let _ = RsaPublicKey::from_pem(text);
    }
    // The header only: a well-formed one would run Argon2, whose cost the header sets
    // within fixed caps.
    if encrypted::is_encrypted(input) {
        let _ = encrypted::decrypt(input, "id", b"");
    }
}

#[test]
fn key_readers_stay_linear() {
    let check = Check::new("key files", Limits::default(), read_key_file);
    let pem = std::fs::read_to_string(
        ucore_test_support::repo().join("test-support/keys/test-only-acme.pem"),
    )
    .expect("test key");
    check.input("a real key", pem.as_bytes());
    check.growth("v1 text: one long base64 line", 4_000, |n| {
        let mut s = b"AcXC".to_vec();
        s.extend(b"A".repeat(n));
        s
    });
    check.growth("v1 text: many short lines", 1_000, |n| {
        let mut s = b"AcXC".to_vec();
        s.extend(b"\nAAAA".repeat(n));
        s
    });
    check.growth(
        "v1 secret-key packet promising more than it holds",
        2_000,
        |n| {
            // version byte, then a new-format tag-5 packet of declared length 2^32-1
            let mut raw = vec![0x01, 0xc5, 0xff, 0xff, 0xff, 0xff, 0xff, 0x04];
            raw.extend(vec![0x01; n]);
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .encode(raw)
                .into_bytes()
        },
    );
    check.growth("PEM with a long body", 4_000, |n| {
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            "QUFB".repeat(n)
        )
        .into_bytes()
    });
    check.growth("PEM of many lines", 1_000, |n| {
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}-----END PUBLIC KEY-----\n",
            "QUFB\n".repeat(n)
        )
        .into_bytes()
    });
    check.growth("PEM boundaries", 1_000, |n| {
        "-----BEGIN PUBLIC KEY-----\n".repeat(n).into_bytes()
    });
    check.growth("DER with a long length", 4_000, |n| {
        let mut der = vec![0x30, 0x84, 0x7f, 0xff, 0xff, 0xff];
        der.extend(vec![0x02; n]);
        der
    });
    check.growth("DER nesting", 2_000, |n| {
        let mut der = Vec::new();
        for _ in 0..n {
            der.extend([0x30, 0x80]);
        }
        der
    });
    check.growth("encrypted header, long base64", 4_000, |n| {
        let mut s =
            b"ucore-encrypted-private-key-v1 argon2id m=8 t=1 p=1 xchacha20poly1305\n".to_vec();
        s.extend(b"A".repeat(n));
        s
    });
}
