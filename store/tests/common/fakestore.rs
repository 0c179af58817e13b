//! snapd's fakestore (`snapd-fakestore`, next to the oracle unless `SNAPD_FAKESTORE` names
//! it) serving the fixtures, as `tests/oracle-golden.sh` runs it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::fixtures;

/// A free port on 127.0.0.1 (free when asked; a server binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits until something accepts connections on `port` (at most 10 s).
pub fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nothing listens on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A running fakestore; killed on drop.
pub struct FakeStore {
    child: Child,
    /// Its base URL, without a trailing `/`.
    pub url: String,
    _dir: tempfile::TempDir,
}

impl Drop for FakeStore {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fakestore binary next to `oracle`.
pub fn binary(oracle: &Path) -> PathBuf {
    std::env::var_os("SNAPD_FAKESTORE")
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| oracle.with_file_name("snapd-fakestore"))
}

impl FakeStore {
    /// Starts the fakestore over a copy of the fixtures' snaps and assertions.
    pub fn start(oracle: &Path) -> FakeStore {
        let dir = tempfile::tempdir().expect("temporary directory");
        let fs = dir.path().join("fs");
        std::fs::create_dir_all(fs.join("asserts")).expect("fs/asserts");
        for s in fixtures::snaps() {
            std::fs::copy(s.path(), fs.join(&s.file)).expect("copy snap");
        }
        for e in std::fs::read_dir(fixtures::path("fs-asserts")).expect("fs-asserts") {
            let p = e.expect("entry").path();
            let name = p.file_name().expect("file name").to_owned();
            std::fs::copy(&p, fs.join("asserts").join(name)).expect("copy assertion");
        }
        let port = free_port();
        let bin = binary(oracle);
        let child = Command::new(&bin)
            .args(["run", "--dir"])
            .arg(&fs)
            .args(["--addr", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let store = FakeStore {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        wait_for_port(port);
        store
    }
}
