//! Load: 1 000 concurrent registrations against one vault (SQLite in a temporary file)
//! give 1 000 distinct serials and 1 000 signing-log rows, and no nonce is accepted twice.
//! (The PostgreSQL and two-process versions are in `postgres.rs`.)

mod common;

use std::collections::HashSet;
use std::sync::atomic::AtomicUsize;

use common::load;
use common::*;
use ucore_serial_vault::Settings;

#[test]
fn thousand_concurrent_registrations() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let db = db.to_string_lossy();
    let tv = TestVault::start(&db, Settings::default());
    const N: usize = 1000;
    let urls = [tv.url.clone()];
    let report = load::run(&urls, &tv.api_key, N, "LOAD", 16, &AtomicUsize::new(0));
    assert!(report.failures.is_empty(), "{:?}", &report.failures[..1]);
    assert_eq!(
        report
            .issued
            .iter()
            .map(|i| &i.serial_number)
            .collect::<HashSet<_>>()
            .len(),
        N
    );
    let log = load::signing_log(&db);
    assert_eq!(log.len(), N);
    load::check_log(&log, &report.issued);
    load::assert_replays_refused(&urls, &tv.api_key, &report.issued, 10);
}
