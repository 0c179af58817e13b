//! The in-process ucore-store of the store crate's tests, as the gather tests use it:
//! started with the test snaps published, its request counters, an assertion served as an
//! operator would store it, and a blob tampered with.

use ucore_assertions::{Assertion, AssertionAccess as _};
use ucore_store::db::AssertionRecord;
use ucore_store::metrics::Endpoint;

pub use super::ucore::UcoreStore;

/// A ucore-store with every test snap published.
pub fn start() -> UcoreStore {
    let store = UcoreStore::start();
    store.publish_fixtures();
    store
}

/// What the gather tests ask of the store.
pub trait StoreProbe {
    /// Snap downloads the store has answered with 2xx.
    fn downloads(&self) -> u64;
    /// Snap actions the store has answered with 2xx.
    fn snap_actions(&self) -> u64;
    /// Serves `a` from the assertions endpoint (as an operator's tooling would store a
    /// brand's validation set).
    fn serve_assertion(&self, a: &Assertion);
    /// Replaces the stored blob of the file with `sha3_hex` by `bytes`.
    fn tamper_blob(&self, sha3_hex: &str, bytes: &[u8]);
}

impl StoreProbe for UcoreStore {
    /// Snap downloads the store has answered with 2xx.
    fn downloads(&self) -> u64 {
        self.store.metrics.requests(Endpoint::Download, 2)
    }

    fn snap_actions(&self) -> u64 {
        self.store.metrics.requests(Endpoint::SnapAction, 2)
    }

    fn serve_assertion(&self, a: &Assertion) {
        let record = AssertionRecord {
            assertion_type: a.assertion_type().name().to_string(),
            primary_key: a.primary_key().iter().map(|s| s.to_string()).collect(),
            revision: a.revision(),
            snap_id: String::new(),
            text: String::from_utf8(a.encode()).expect("utf-8"),
        };
        self.rt
            .block_on(self.store.db.put_assertion(&record))
            .expect("put assertion");
    }

    fn tamper_blob(&self, sha3_hex: &str, bytes: &[u8]) {
        let path = self.store.blobs.path(sha3_hex).expect("blob path");
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, bytes).expect("tamper blob");
    }
}
