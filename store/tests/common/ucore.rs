//! A ucore-store in process for the oracle tests, set up the way its operator would:
//! `store init` with snapd's test root `testrootorg` as the authority (its key and the
//! trusted stream of `testkeys`) and `developer1` as the brand, on 127.0.0.1; then the test
//! snaps registered under the fakestore's snap-ids, pushed and released with the publishing
//! client and the credential init wrote.

use std::net::SocketAddr;
use std::path::PathBuf;

use ucore_store::Store;
use ucore_store::config::StoreConfig;
use ucore_store::http::RunningStore;
use ucore_store::init::{AuthoritySource, BrandSource, InitOptions, InitOutcome, init};
use ucore_store::publisher_api::{RegisterName, Release};
use ucore_store::publisher_client::PublisherClient;

use super::fakestore::free_port;
use super::fixtures::{self, BRAND};

/// The channels the test snaps are released to: `stable`, and `20/stable` for the UC20
/// model's gadget and kernel (its `default-channel`).
pub fn channels(name: &str) -> Vec<String> {
    let mut c = vec!["stable".to_string()];
    if matches!(name, "pc20" | "pc-kernel") {
        c.push("20/stable".into());
    }
    c
}

/// A running ucore-store.
pub struct UcoreStore {
    /// The runtime the server runs on.
    pub rt: tokio::runtime::Runtime,
    /// The store.
    pub store: Store,
    /// Its server.
    pub server: Option<RunningStore>,
    /// Its URL (no trailing `/`).
    pub url: String,
    /// What `store init` wrote.
    pub init: InitOutcome,
    /// The store's directory.
    pub dir: tempfile::TempDir,
}

impl Drop for UcoreStore {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            self.rt.block_on(s.shutdown());
        }
    }
}

fn write(path: &std::path::Path, parts: &[Vec<u8>]) {
    std::fs::write(path, parts.join(&b"\n"[..])).expect("write assertions");
}

impl UcoreStore {
    /// `store init` + serve, with snapd's test root as the authority and developer1 as
    /// the brand, for the fixtures' store id.
    pub fn start() -> UcoreStore {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("temporary directory");
        let brand_file = dir.path().join("developer1.assert");
        write(
            &brand_file,
            &[
                fixtures::read("tk/developer1-account.assert"),
                fixtures::read("tk/developer1-account-key.assert"),
            ],
        );
        let port = free_port();
        let mut opts = InitOptions::new(
            dir.path().join("store"),
            AuthoritySource::Files {
                key_file: fixtures::path("tk/testrootorg.pem"),
                assertions: fixtures::path("tk/testrootorg-trusted.stream"),
            },
        );
        opts.store_id = fixtures::store_id();
        opts.brands = vec![BrandSource {
            id: BRAND.into(),
            assertions: brand_file,
        }];
        opts.listen = SocketAddr::from(([127, 0, 0, 1], port));
        let init = rt.block_on(init(&opts)).expect("store init");
        let config = StoreConfig::load(&init.config_file).expect("store.toml");
        let store = rt.block_on(Store::open(&config)).expect("Store::open");
        let addr: SocketAddr = config.store.listen;
        let server = rt
            .block_on(ucore_store::http::serve(store.clone(), addr, false))
            .expect("serve");
        let url = init.url.clone();
        UcoreStore {
            rt,
            store,
            server: Some(server),
            url,
            init,
            dir,
        }
    }

    /// The publishing client with the admin credential `store init` wrote.
    pub fn publisher(&self) -> PublisherClient {
        PublisherClient::from_credential_file(&self.init.credential_file, None)
            .expect("credential file")
    }

    /// The credential in snapd's tooling form (for `UBUNTU_STORE_AUTH_DATA_FILENAME`).
    pub fn credential_file(&self) -> PathBuf {
        self.init.snap_auth_file.clone()
    }

    /// Registers every test snap under its fakestore snap-id for its publisher, pushes its
    /// `.snap` and releases it ([`channels`]).
    pub fn publish_fixtures(&self) {
        let p = self.publisher();
        for s in fixtures::snaps() {
            let reg = p
                .register_name(&RegisterName {
                    name: s.name.clone(),
                    publisher: s.publisher.clone(),
                    snap_id: Some(s.snap_id.clone()),
                })
                .unwrap_or_else(|e| panic!("register-name {}: {e}", s.name));
            assert_eq!(reg.snap_id, s.snap_id, "{}", s.name);
            let pushed = p
                .push(&s.path(), &[], &mut |_, _| {})
                .unwrap_or_else(|e| panic!("push {}: {e}", s.name));
            assert_eq!(pushed.revision, 1, "{}", s.name);
            p.release(&Release {
                name: s.name.clone(),
                revision: pushed.revision,
                channels: channels(&s.name),
            })
            .unwrap_or_else(|e| panic!("release {}: {e}", s.name));
        }
    }

    /// The key the store signs snap-declarations and snap-revisions with.
    pub fn signing_key(&self) -> String {
        self.store.authority.signer().key_id().to_string()
    }
}
