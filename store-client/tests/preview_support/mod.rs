//! Shared by the preview tests: signed validation sets and device states.

#![allow(dead_code)] // each test binary uses a part

use serde_json::{Value, json};
use ucore_assertions::AssertionAccess;
use ucore_signing::RsaPrivateKey;
use ucore_store_client::preview::{DeviceState, StoreRevisions};

pub const HELLO: &str = "hellohellohellohellohellohello00";
pub const BAD: &str = "badbadbadbadbadbadbadbadbadbad00";
pub const TOOL: &str = "tooltooltooltooltooltooltooltool";
pub const CORE: &str = "corecorecorecorecorecorecorecore";

/// A `validation-set` by `acme`, signed with the test-only key at a fixed time.
pub fn vset(name: &str, sequence: u32, snaps: Value) -> String {
    let headers = json!({
        "type": "validation-set", "authority-id": "acme", "account-id": "acme",
        "series": "16", "name": name, "sequence": sequence.to_string(),
        "snaps": snaps, "timestamp": "2024-01-01T00:00:00Z",
    });
    let builder = ucore_signing::builder_from_json(&headers.to_string(), None).unwrap();
    let key = RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap();
    let time: jiff::Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
    let a = ucore_signing::sign_assertion_at(&builder, &key, time).unwrap();
    String::from_utf8(a.encode()).unwrap()
}

/// A tracked enforced set.
pub fn enforce(assertion: String) -> Value {
    json!({"assertion": assertion, "mode": "enforce"})
}

/// A device state from JSON members over a base (now 2024-06-01, last refresh 2024-05-01,
/// hello 3 and core 10 installed).
pub fn state(extra: Value) -> DeviceState {
    let mut base = json!({
        "now": "2024-06-01T00:00:00Z",
        "last-refresh": "2024-05-01T00:00:00Z",
        "seed-time": "2024-04-01T00:00:00Z",
        "snaps": [
            {"name": "hello", "snap-id": HELLO, "revision": 3, "channel": "latest/stable"},
            {"name": "core", "snap-id": CORE, "revision": 10},
        ],
    });
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    DeviceState::from_json(&base.to_string()).unwrap()
}

/// A store offering hello 3, 5, 7, core 10, 11 and bad 1, 2.
pub fn store() -> StoreRevisions {
    serde_json::from_value(json!({"hello": [3, 5, 7], "core": [10, 11], "bad": [1, 2]})).unwrap()
}
