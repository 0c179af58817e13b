//! Load: 1 000 concurrent registrations against one vault (SQLite in a temporary file)
//! give 1 000 distinct serials and 1 000 signing-log rows, and no nonce is accepted twice.
//! Device keys: the four 2048-bit test keys in turn (the policy lets one key hold several
//! serial numbers), so the test needs no key generation.

mod common;

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_serial::device;
use ucore_serial::store::LogFilter;
use ucore_serial::vault::Settings;

#[test]
fn thousand_concurrent_registrations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let tv = TestVault::start(&db.to_string_lossy(), Settings::default());
    let keys = [key("device"), key("spare"), key("requester"), key("acme")];
    let model = model();
    const N: usize = 1000;
    let next = AtomicUsize::new(0);
    let serials = Mutex::new(Vec::new());
    let bodies = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..16 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= N {
                        break;
                    }
                    let id = request_id(&tv);
                    let k = &keys[i % keys.len()];
                    let req = device::build_serial_request(
                        &model,
                        k,
                        &id,
                        Some(&format!("LOAD-{i:05}")),
                        None,
                    )
                    .unwrap();
                    let body = snapd_stream(&req, &model);
                    let (st, _, out) = post(&format!("{}serial", tv.url), Some(&tv.api_key), &body);
                    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&out));
                    let serial = Assertion::decode(&out).unwrap();
                    device::check_serial(&serial, &model, k.key_id(), &[], None).unwrap();
                    ucore_signing::verify_signature(&serial, key("acme").public_key()).unwrap();
                    serials
                        .lock()
                        .unwrap()
                        .push(serial.header_str("serial").unwrap().to_string());
                    bodies.lock().unwrap().push(body);
                }
            });
        }
    });
    let serials = serials.into_inner().unwrap();
    assert_eq!(serials.iter().collect::<HashSet<_>>().len(), N);
    let log = tv
        .rt
        .block_on(tv.vault.signing_log(LogFilter {
            limit: Some(10_000),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(log.len(), N);
    assert_eq!(
        log.iter()
            .map(|r| &r.serial_number)
            .collect::<HashSet<_>>()
            .len(),
        N
    );
    // Replaying every request: each nonce was single-use.
    let bodies = bodies.into_inner().unwrap();
    for b in bodies.iter().step_by(10) {
        let (st, _, out) = post(&format!("{}serial", tv.url), Some(&tv.api_key), b);
        assert_eq!(st, 400);
        assert!(String::from_utf8_lossy(&out).contains("invalid-nonce"));
    }
}
