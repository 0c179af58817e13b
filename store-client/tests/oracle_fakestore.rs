//! Live comparison with snapd 2.57 against snapd's own fakestore (only when `UCORE_ORACLE`
//! names the oracle; needs `/tmp/snapd-fakestore` and the oracle's
//! `fakestore-setup.sh`): the same install and download actions, the same downloaded
//! bytes, the same snap-declaration, the same not-found text as `snapd-oracle
//! store-refresh|store-download|store-assertion` print.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use ucore_assertions::{AssertionAccess, AssertionType};
use ucore_store_client::{Config, DownloadOptions, StoreClient};

const SETUP: &str = "/work/shared/oracle/fakestore-setup.sh";
const FAKESTORE: &str = "/tmp/snapd-fakestore";

/// The fakestore, stopped when dropped.
struct FakeStore(Child);

impl Drop for FakeStore {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_fakestore(dir: &Path) -> (FakeStore, String) {
    let port = free_port();
    let child = Command::new(FAKESTORE)
        .args(["run", "--dir"])
        .arg(dir.join("fs"))
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the fakestore");
    let store = FakeStore(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (store, format!("http://127.0.0.1:{port}/"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the fakestore did not start");
}

fn oracle_json(oracle: &Path, args: &[&str]) -> Value {
    let out = Command::new(oracle).args(args).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "oracle {args:?}: {e}: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[tokio::test]
async fn the_client_reads_snapds_fakestore_as_snapd_does() {
    let Some(oracle) = ucore_test_support::oracle() else {
        return;
    };
    assert!(
        Path::new(FAKESTORE).exists(),
        "{FAKESTORE} missing: run build.sh"
    );
    let tmp = tempfile::tempdir().unwrap();
    let fx = tmp.path().join("fx");
    let status = Command::new(SETUP)
        .arg(&fx)
        .env("SNAPD_ORACLE", &oracle)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "fakestore-setup.sh failed");
    let (_store, url) = start_fakestore(&fx);

    let client = StoreClient::new(Config::parse(&url).unwrap()).unwrap();
    for action in ["install", "download"] {
        let ours = match action {
            "install" => client.install("hello-oracle", None, None).await,
            _ => client.download_action("hello-oracle", None, None).await,
        }
        .unwrap();
        let snap = ours.snap.unwrap();
        let theirs = oracle_json(
            &oracle,
            &[
                "store-refresh",
                "--store",
                &url,
                "--arch",
                "amd64",
                &format!("{action}:hello-oracle"),
            ],
        );
        let t = &theirs["results"][0];
        assert_eq!(t["name"], snap.name.as_str(), "{theirs}");
        assert_eq!(t["snap-id"], snap.snap_id.as_str());
        assert_eq!(t["revision"], snap.revision.to_string().as_str());
        assert_eq!(t["version"], snap.version.as_str());
        assert_eq!(t["type"], snap.snap_type.as_str());
        assert_eq!(t["download"]["sha3-384"], snap.download.sha3_384.as_str());
        assert_eq!(t["download"]["size"], snap.download.size);
        assert_eq!(t["download"]["url"], snap.download.url.as_str());
        assert_eq!(t["publisher"]["id"], snap.publisher.id.as_str());
    }

    // the download: the same bytes snapd's Store.Download writes
    let snap = client
        .download_action("hello-oracle", None, None)
        .await
        .unwrap()
        .snap
        .unwrap();
    let ours = tmp.path().join("ours/hello-oracle_1.snap");
    client
        .download(
            &snap.name,
            &snap.download,
            &ours,
            &DownloadOptions::default(),
            None,
        )
        .await
        .unwrap();
    let theirs_dir = tmp.path().join("theirs");
    std::fs::create_dir_all(&theirs_dir).unwrap();
    let theirs = oracle_json(
        &oracle,
        &[
            "store-download",
            "--store",
            &url,
            "--arch",
            "amd64",
            "hello-oracle",
            theirs_dir.to_str().unwrap(),
        ],
    );
    let path = PathBuf::from(theirs["path"].as_str().unwrap());
    assert_eq!(std::fs::read(&ours).unwrap(), std::fs::read(path).unwrap());

    // the snap-declaration, byte for byte
    let decl = client
        .assertion(AssertionType::SnapDeclaration, &["16", &snap.snap_id])
        .await
        .unwrap();
    let out = Command::new(&oracle)
        .args(["store-assertion", "--store", &url, "snap-declaration", "16"])
        .arg(&snap.snap_id)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&decl.encode()).trim_end(),
        String::from_utf8_lossy(&out.stdout).trim_end()
    );

    // a missing one: the same text
    let err = client
        .assertion(AssertionType::SnapDeclaration, &["16", "nope"])
        .await
        .unwrap_err();
    let theirs = oracle_json(
        &oracle,
        &[
            "store-assertion",
            "--store",
            &url,
            "snap-declaration",
            "16",
            "nope",
        ],
    );
    assert_eq!(theirs["not_found"], true);
    assert_eq!(theirs["error"], err.to_string().as_str());
}
