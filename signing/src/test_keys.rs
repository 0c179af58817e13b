//! Checked-in test-only keys, parsed once per test binary.

use std::sync::OnceLock;

use crate::keys::rsa::RsaPrivateKey;

/// The oracle's `selfmade/acme.pem` (2048 bits, test only).
pub(crate) const ACME_PEM: &str = include_str!("../tests/data/test-only-acme-2048.pem");
/// The oracle's `selfmade/root.pem` (4096 bits, test only).
pub(crate) const ROOT_PEM: &str = include_str!("../tests/data/test-only-root-4096.pem");

pub(crate) fn acme() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::from_pem(ACME_PEM).expect("test key"))
}

pub(crate) fn root() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::from_pem(ROOT_PEM).expect("test key"))
}
