//! Fuzzes verification: any decodable input is checked by a database with snapd's built-in
//! Canonical roots and by a direct signature check against a fixed key; nothing may panic,
//! and nothing random may verify.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ucore_assertions::Assertion;
use ucore_signing::{Database, RsaBackend, RsaPublicKey, verify_signature_with};

fn db() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::with_canonical_roots().expect("roots"))
}

fn key() -> &'static RsaPublicKey {
    static K: OnceLock<RsaPublicKey> = OnceLock::new();
    K.get_or_init(|| {
        let root = ucore_signing::roots::trusted().expect("roots");
        let body = ucore_assertions::AssertionAccess::body(&root[1])
            .unwrap_or_default()
            .to_owned();
        RsaPublicKey::from_snapd_text(body.as_bytes()).expect("root key")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = Assertion::decode(data) {
        let _ = db().check(&a);
        for b in [RsaBackend::Ring, RsaBackend::RustCrypto] {
            let _ = verify_signature_with(b, &a, key());
        }
    }
    let _ = RsaPublicKey::from_snapd_text(data);
});
