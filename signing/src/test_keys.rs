//! Checked-in test-only keys, parsed once per test binary.

use std::sync::OnceLock;

use crate::keys::rsa::RsaPrivateKey;

/// The oracle's `selfmade/acme.pem` (2048 bits, test only).
pub(crate) const ACME_PEM: &str = ucore_test_support::keys::ACME;
/// The oracle's `selfmade/root.pem` (4096 bits, test only).
pub(crate) const ROOT_PEM: &str = ucore_test_support::keys::ROOT;

pub(crate) fn acme() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::from_pem(ACME_PEM).expect("test key"))
}

pub(crate) fn root() -> &'static RsaPrivateKey {
    static K: OnceLock<RsaPrivateKey> = OnceLock::new();
    K.get_or_init(|| RsaPrivateKey::from_pem(ROOT_PEM).expect("test key"))
}
