//! Crash: a vault process killed with SIGKILL in the middle of a load run, then restarted
//! on the same database (SQLite file; PostgreSQL when `UCORE_POSTGRES_URL` is set) → every
//! serial a device received is in the signing log byte for byte, no row is half-written
//! (each decodes, verifies and agrees with its columns), and the vault serves again.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::load;
use common::process::{ChildVault, child_vault_main};

#[test]
#[ignore = "a vault process, started by the tests in this file"]
fn child_vault() {
    child_vault_main();
}

/// Requests in the run, threads, and how many serials are out when the kill comes.
const N: usize = 600;
const THREADS: usize = 8;
const KILL_AFTER: usize = 120;

fn crash_and_restart(db: &str) {
    let mut vault = ChildVault::spawn(db);
    let urls = [vault.url.clone()];
    let api_key = vault.api_key.clone();
    let progress = AtomicUsize::new(0);
    let report = std::thread::scope(|s| {
        let run = s.spawn(|| load::run(&urls, &api_key, N, "CRASH", THREADS, &progress));
        // Bounded wait: kill anyway after 120 s (the assertions below then fail).
        let deadline = Instant::now() + Duration::from_secs(120);
        while progress.load(Ordering::SeqCst) < KILL_AFTER && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        vault.kill();
        run.join().unwrap()
    });
    let received = report.issued.len();
    // The kill came in the middle: some serials were received, later requests failed.
    assert!(
        received >= KILL_AFTER,
        "only {received} serials before the kill"
    );
    assert!(received < N, "the run finished before the kill");
    assert!(!report.failures.is_empty());

    // Restart on the same database.
    let vault = ChildVault::spawn(db);
    let log = load::signing_log(db);
    load::check_log(&log, &report.issued);
    // At most the requests in flight at the kill were logged without being received.
    assert!(
        log.len() <= received + THREADS,
        "{} rows for {received} serials received",
        log.len()
    );

    // It serves again: new devices register.
    let urls = [vault.url.clone()];
    let again = load::run(&urls, &vault.api_key, 40, "AFTER", 4, &AtomicUsize::new(0));
    assert!(again.failures.is_empty(), "{:?}", again.failures);
    let log2 = load::signing_log(db);
    assert_eq!(log2.len(), log.len() + 40);
    let mut all = report.issued;
    all.extend(again.issued);
    load::check_log(&log2, &all);
    vault.stop();
}

#[test]
fn sigkill_mid_load_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    crash_and_restart(&db.to_string_lossy());
}

#[cfg(feature = "postgres")]
#[test]
fn sigkill_mid_load_postgres() {
    let Some(db) = common::pg::fresh_database("crash") else {
        return;
    };
    crash_and_restart(&db);
}
