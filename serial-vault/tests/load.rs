//! Load: 1 000 devices register at once against one vault (SQLite in a temporary file),
//! each a tokio client on its own TCP connection, all 1 000 connections open at the same
//! time (proved by the vault's connection cap: set to 1 000, it closes a 1 001st connection
//! opened while they are held). They get 1 000 distinct serials, each verified as a device
//! verifies it, and 1 000 signing-log rows, each serial logged exactly once; no nonce is
//! accepted twice. The vault runs with its default rate limits: a batch of 1 000 devices
//! of one model passes them. (The PostgreSQL and two-process versions are in
//! `postgres.rs`.)

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::load;
use common::*;
use ucore_serial_vault::{ServerLimits, Settings};

const N: usize = 1000;

#[test]
fn thousand_concurrent_registrations() {
    // Each connection is a socket on both ends, in this one process.
    let open_files = load::raise_open_files(2 * N as u64 + 256);
    assert!(
        open_files >= 2 * N as u64 + 64,
        "the soft limit on open files is {open_files} and cannot be raised"
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let db = db.to_string_lossy();
    let limits = ServerLimits {
        max_connections: N,
        // 1 000 serials signed at once on 2 cores in a debug build: room to spare.
        request_timeout: Duration::from_secs(300),
        idle_timeout: Duration::from_secs(300),
        ..ServerLimits::default()
    };
    let tv = TestVault::start_with_limits(&db, Settings::default(), limits);
    let addr = tv.running.as_ref().unwrap().signing_addr;
    let clients = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let report = clients.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(600),
            load::run_concurrent(addr, &tv.api_key, N, "LOAD"),
        )
        .await
        .expect("the registrations did not finish in 10 minutes")
    });
    assert!(report.failures.is_empty(), "{:?}", &report.failures[..1]);
    assert!(
        report.extra_connection_refused,
        "a connection over the cap was served: the vault did not hold {N} at once"
    );
    assert_eq!(report.issued.len(), N);
    assert_eq!(
        report
            .issued
            .iter()
            .map(|i| &i.serial_number)
            .collect::<HashSet<_>>()
            .len(),
        N
    );
    // The devices hang up; the vault serves new connections again once it has seen them go.
    drop(clients);
    let version = format!("{}version", tv.url);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while agent().get(&version).call().is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the vault stays at its cap"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = load::signing_log(&db);
    assert_eq!(log.len(), N);
    load::check_log(&log, &report.issued);
    let urls = [tv.url.clone()];
    load::assert_replays_refused(&urls, &tv.api_key, &report.issued, 10);
}
