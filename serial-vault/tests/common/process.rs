//! A vault in another process: the test binary runs itself again with
//! `--ignored --exact child_vault`, and that (ignored) test serves the database named in
//! `UCORE_TEST_CHILD_DB` until its standard input closes. Every test file that uses
//! [`ChildVault`] declares the `child_vault` test calling [`child_vault_main`].

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use ucore_serial_vault::Settings;

use super::TestVault;

const DB_VAR: &str = "UCORE_TEST_CHILD_DB";

/// Body of the `child_vault` test: serve `UCORE_TEST_CHILD_DB` (same brand key, model and
/// API key as [`TestVault`]), print `VAULT <signing url> <admin url>`, stop at stdin's end.
pub fn child_vault_main() {
    let Ok(db) = std::env::var(DB_VAR) else {
        // `--include-ignored` without a parent: nothing to serve.
        eprintln!("notice: child_vault runs only as a vault process started by a test");
        return;
    };
    let tv = TestVault::start(&db, Settings::default());
    println!("VAULT {} {} {}", tv.url, tv.admin_url, tv.api_key);
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(tv);
}

/// Runs this test binary again as its ignored test `test`, with `var` set to `value` and
/// stdin and stdout piped; waits for the line of its stdout holding `marker` (libtest may
/// print "test NAME ... " before it on the same line) and returns the child with what
/// follows the marker (`None`: it exited first). The rest of its stdout is drained on a
/// thread, so it never blocks on a full pipe.
pub fn spawn_test_process(
    test: &str,
    var: &str,
    value: &OsStr,
    marker: &str,
) -> (Child, Option<String>) {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            test,
            "--nocapture",
            "--test-threads=1",
        ])
        .env(var, value)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let found = loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            break None;
        }
        if let Some(at) = line.find(marker) {
            break Some(line[at + marker.len()..].trim().to_string());
        }
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut lines, &mut std::io::sink());
    });
    (child, found)
}

/// A vault process.
pub struct ChildVault {
    child: Child,
    /// Signing API base URL (ends in `/v1/`).
    pub url: String,
    /// Admin API base URL.
    pub admin_url: String,
    /// The model's API key.
    pub api_key: String,
}

impl ChildVault {
    /// Starts a vault process on `db` and waits until it listens.
    pub fn spawn(db: &str) -> ChildVault {
        let (mut child, found) = spawn_test_process("child_vault", DB_VAR, db.as_ref(), "VAULT ");
        let found = found.map(|rest| rest.split(' ').map(str::to_string).collect::<Vec<_>>());
        let Some([url, admin_url, api_key]) = found.and_then(|v| <[String; 3]>::try_from(v).ok())
        else {
            let _ = child.kill();
            panic!("the vault process did not start");
        };
        ChildVault {
            child,
            url,
            admin_url,
            api_key,
        }
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Graceful stop (closes its stdin) and wait.
    pub fn stop(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl Drop for ChildVault {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
