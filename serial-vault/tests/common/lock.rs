//! An outside process holding a SQLite database's write lock: the test binary runs itself
//! again with `--ignored --exact lock_holder`, and that (ignored) test opens the database
//! named in `UCORE_TEST_LOCK_DB`, takes `BEGIN IMMEDIATE`, prints `LOCKED`, and commits
//! when its standard input closes. Every test file that uses [`LockHolder`] declares the
//! `lock_holder` test calling [`lock_holder_main`].

use std::io::{Read, Write};
use std::path::Path;
use std::process::Child;

use super::process::spawn_test_process;

const DB_VAR: &str = "UCORE_TEST_LOCK_DB";

/// Body of the `lock_holder` test: hold `UCORE_TEST_LOCK_DB`'s write lock until stdin's end.
pub fn lock_holder_main() {
    let Ok(db) = std::env::var(DB_VAR) else {
        eprintln!("notice: lock_holder runs only as a process started by a test");
        return;
    };
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut out = std::io::stdout().lock();
    // On a line of its own: the test harness may have printed "test lock_holder ... ".
    writeln!(out, "\nLOCKED").unwrap();
    out.flush().unwrap();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    conn.execute_batch("COMMIT").unwrap();
}

/// A process holding a database's write lock.
pub struct LockHolder {
    child: Option<Child>,
}

impl LockHolder {
    /// Starts a process that takes the write lock of the SQLite database `db`; returns
    /// once it holds it.
    pub fn hold(db: &Path) -> LockHolder {
        let (mut child, locked) =
            spawn_test_process("lock_holder", DB_VAR, db.as_os_str(), "LOCKED");
        if locked.is_none() {
            let _ = child.kill();
            panic!("the lock holder exited before it held the lock");
        }
        LockHolder { child: Some(child) }
    }

    /// Lets the lock go (the holder commits and exits); returns when it has.
    pub fn release(mut self) {
        if let Some(mut child) = self.child.take() {
            drop(child.stdin.take());
            let status = child.wait().unwrap();
            assert!(status.success(), "the lock holder failed: {status}");
        }
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}
