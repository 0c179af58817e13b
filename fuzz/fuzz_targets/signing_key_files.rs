//! Fuzzes the key readers: snapd's private-key files (v1 secret-key packets), PEM keys and
//! the encrypted-file header; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_signing::keypair::{encrypted, secret_key_packet};
use ucore_signing::{RsaPrivateKey, RsaPublicKey};

fuzz_target!(|data: &[u8]| {
    if let Ok(k) = secret_key_packet::decode(data) {
        // whatever decodes re-encodes and decodes to the same key
        let again = secret_key_packet::encode(&k).expect("encode");
        let back = secret_key_packet::decode(again.as_bytes()).expect("decode");
        assert_eq!(back.public_key(), k.public_key());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = RsaPrivateKey::from_pem(text);
        let _ = RsaPublicKey::from_pem(text);
    }
    let _ = RsaPublicKey::from_spki_der(data);
    let _ = RsaPrivateKey::from_pkcs1_der(data);
    // only the header parsing and the cheap refusals: a valid header would run Argon2
    if encrypted::is_encrypted(data) && data.len() < 64 {
        let _ = encrypted::decrypt(data, "id", b"pw");
    }
});
