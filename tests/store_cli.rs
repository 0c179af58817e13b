//! `store init`, `store serve` and the publishing commands (examples/store) over the library
//! calls they make: a store initialised with the checked-in test-only keys, served on a real
//! socket, and driven with the blocking publishing client; init's refusals.

#[path = "../examples/store/status.rs"]
mod status;
#[path = "common/store_world.rs"]
mod store_world;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use store_world::*;
use ucore::assertions::Assertion;
use ucore::signing::Database;
use ucore::store::config::StoreConfig;
use ucore::store::init::{AuthoritySource, InitOptions, InitOutcome, init, refuse_existing_store};
use ucore::store::publisher_api::{Close, CredentialFile, RegisterName, Release};
use ucore::store::publisher_client::{ClientError, PublisherClient};
use ucore_test_support::{keys, repo};

fn run_init(rt: &tokio::runtime::Runtime, opts: &InitOptions) -> Result<InitOutcome, String> {
    rt.block_on(init(opts)).map_err(|e| e.to_string())
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn sample(name: &str) -> PathBuf {
    repo().join("snap/tests/data/files").join(name)
}

/// A store error's code and message.
fn refusal(e: ClientError) -> (u16, String, String) {
    match e {
        ClientError::Refused {
            status,
            code,
            message,
        } => (status, code, message),
        other => panic!("not a refusal: {other:?}"),
    }
}

#[test]
fn init_serve_and_publish() {
    let tmp = tempfile::tempdir().unwrap();
    let w = world(tmp.path());
    let dir = tmp.path().join("store");
    let rt = runtime();
    let out = run_init(&rt, &options(&dir, &w)).unwrap();
    assert_eq!(out.authority_id, "testroot");
    assert_eq!(out.authority_key_id, w.root.key_id());
    assert_eq!(out.brands, ["acme"]);
    assert!(!out.self_signed);
    assert_eq!(out.url, "http://127.0.0.1:0");
    for f in [
        "store.toml",
        "store.db",
        "credential.json",
        "authority.assert",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    assert!(dir.join("snaps").is_dir());
    assert!(dir.join("brands/acme.assert").is_file());
    assert!(
        !dir.join("authority.pem").exists(),
        "a given key is not copied"
    );
    #[cfg(unix)]
    assert_eq!(mode(&out.credential_file), 0o600);
    let credential: CredentialFile =
        serde_json::from_slice(&std::fs::read(&out.credential_file).unwrap()).unwrap();
    assert_eq!(credential.store, out.url);

    // The configuration is StoreConfig's, its paths relative to the directory.
    let config = StoreConfig::load(&out.config_file).unwrap();
    assert_eq!(config.store.id, "acme-store");
    assert_eq!(
        config.authority.key_file.as_deref(),
        Some(&*w.root_key_file)
    );
    assert_eq!(config.brands[0].assertions, dir.join("brands/acme.assert"));

    // serve (port 0: the test asks the running server for its URL).
    let running = rt
        .block_on(async {
            let store = ucore::store::Store::open(&config).await?;
            ucore::store::http::serve(store, "127.0.0.1:0".parse::<SocketAddr>().unwrap(), false)
                .await
        })
        .unwrap();
    let url = running.url();
    let c = PublisherClient::from_credential_file(&out.credential_file, Some(&url)).unwrap();

    // register-name
    let reg = |name: &str, publisher: &str, snap_id: Option<&str>| {
        c.register_name(&RegisterName {
            name: name.into(),
            publisher: publisher.into(),
            snap_id: snap_id.map(str::to_string),
        })
    };
    let name = reg("sample", "acme", None).unwrap();
    assert_eq!(
        (name.name.as_str(), name.publisher.as_str()),
        ("sample", "acme")
    );
    assert_eq!(name.snap_id.len(), 32);
    let (status, code, message) = refusal(reg("sample", "acme", None).unwrap_err());
    assert_eq!((status, code.as_str()), (409, "conflict"));
    assert_eq!(message, "snap name \"sample\" is already registered");
    let (status, _, message) = refusal(reg("other", "nobody", None).unwrap_err());
    assert_eq!(status, 404);
    assert_eq!(
        message,
        "account \"nobody\" is not a publisher of this store"
    );
    let carried = reg(
        "carried",
        "testroot",
        Some("Abcdefghijklmnopqrstuvwxyz012345"),
    )
    .unwrap();
    assert_eq!(carried.snap_id, "Abcdefghijklmnopqrstuvwxyz012345");
    let (status, code, _) = refusal(reg("../etc", "acme", None).unwrap_err());
    assert_eq!((status, code.as_str()), (400, "invalid-request"));

    // push, with the progress reported up to the file's size
    let one = sample("sample_1.0_amd64.snap");
    let size = std::fs::metadata(&one).unwrap().len();
    let mut seen = 0;
    let pushed = c
        .push(&one, &["stable".into()], &mut |sent, total| {
            assert_eq!(total, size);
            seen = sent;
        })
        .unwrap();
    assert_eq!(seen, size);
    assert_eq!((pushed.name.as_str(), pushed.revision), ("sample", 1));
    assert_eq!(pushed.snap_id, name.snap_id);
    assert_eq!(pushed.size, size);
    let digest = ucore::snap::digest::snap_file_digest(&one).unwrap();
    assert_eq!(pushed.sha3_384, digest.sha3_384_hex());
    assert_eq!(pushed.released, ["latest/stable"]);
    // The same file again is refused: an upload never overwrites a revision.
    let (status, code, _) = refusal(c.push(&one, &[], &mut |_, _| {}).unwrap_err());
    assert_eq!((status, code.as_str()), (409, "conflict"));
    let two = c
        .push(&sample("sample-xz-noI.snap"), &[], &mut |_, _| {})
        .unwrap();
    assert_eq!(two.revision, 2);
    assert!(two.released.is_empty());
    let (status, code, _) = refusal(
        c.push(&sample("sample_1.0_amd64.oracle.json"), &[], &mut |_, _| {})
            .unwrap_err(),
    );
    assert_eq!((status, code.as_str()), (400, "invalid-snap"));

    // release, close
    let released = c
        .release(&Release {
            name: "sample".into(),
            revision: 2,
            channels: vec!["beta".into(), "edge".into()],
        })
        .unwrap();
    assert_eq!(released.channels, ["latest/beta", "latest/edge"]);
    let (status, _, message) = refusal(
        c.release(&Release {
            name: "sample".into(),
            revision: 9,
            channels: vec!["edge".into()],
        })
        .unwrap_err(),
    );
    assert_eq!(
        (status, message.as_str()),
        (404, "snap \"sample\" has no revision 9")
    );
    let closed = c
        .close(&Close {
            name: "sample".into(),
            channel: "beta".into(),
        })
        .unwrap();
    assert_eq!(closed.channel, "latest/beta");
    let (status, _, message) = refusal(
        c.close(&Close {
            name: "unknown".into(),
            channel: "beta".into(),
        })
        .unwrap_err(),
    );
    assert_eq!(
        (status, message.as_str()),
        (404, "snap \"unknown\" is not registered")
    );

    // status: the JSON, then the tables
    let st = c.status("sample").unwrap();
    let json = serde_json::to_value(&st).unwrap();
    assert_eq!(json["snap-id"], name.snap_id.as_str());
    assert_eq!(json["publisher"], "acme");
    let revisions: Vec<u64> = json["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_u64().unwrap())
        .collect();
    assert_eq!(revisions, [2, 1]);
    let channel = |c: &str| {
        json["channel-map"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["channel"] == c && e["architecture"] == "amd64")
            .cloned()
            .unwrap_or_else(|| panic!("no {c} in {json}"))
    };
    assert_eq!(channel("latest/stable")["revision"], 1);
    assert_eq!(channel("latest/stable")["state"], "open");
    assert_eq!(channel("latest/candidate")["state"], "tracking");
    assert_eq!(channel("latest/candidate")["follows"], "latest/stable");
    assert_eq!(channel("latest/beta")["state"], "tracking");
    assert_eq!(channel("latest/edge")["revision"], 2);
    let table = status::render(&st);
    assert!(
        table.contains(&format!("snap-id:   {}\n", name.snap_id)),
        "{table}"
    );
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines.contains(&"Arch   Channel           Revision  State"),
        "{table}"
    );
    assert!(
        lines.contains(&"amd64  latest/stable     1         open"),
        "{table}"
    );
    assert!(
        lines.contains(&"amd64  latest/beta       ↑         tracking latest/stable"),
        "{table}"
    );
    assert!(
        lines.contains(&"amd64  latest/edge       2         open"),
        "{table}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("2         1.0      amd64  ")),
        "{table}"
    );

    // A wrong credential is refused with the store's message.
    let wrong = PublisherClient::new(
        &url,
        &CredentialFile {
            macaroon: credential.macaroon.clone(),
            discharges: vec!["not-the-secret".into()],
            store: String::new(),
        },
    );
    let (status, code, message) = refusal(wrong.status("sample").unwrap_err());
    assert_eq!((status, code.as_str()), (401, "unauthorized"));
    assert_eq!(message, "invalid publisher credential");
    // Also for an upload larger than the socket buffers, which the store refuses unread.
    let big = tmp.path().join("big.snap");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(64 << 20))
        .unwrap();
    let (status, _, message) = refusal(wrong.push(&big, &[], &mut |_, _| {}).unwrap_err());
    assert_eq!(
        (status, message.as_str()),
        (401, "invalid publisher credential")
    );

    rt.block_on(running.shutdown());
    // A stopped store is a connection failure, not a refusal.
    let e = c.status("sample").unwrap_err();
    assert!(!e.is_refusal(), "{e:?}");
}

#[test]
fn init_refuses_an_existing_store_and_bad_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let w = world(tmp.path());
    let dir = tmp.path().join("store");
    let rt = runtime();
    run_init(&rt, &options(&dir, &w)).unwrap();
    let before = std::fs::read(dir.join("credential.json")).unwrap();
    let e = run_init(&rt, &options(&dir, &w)).unwrap_err();
    assert_eq!(
        e,
        format!(
            "{} already holds a store ({} exists)",
            dir.display(),
            dir.join("store.toml").display()
        )
    );
    assert!(refuse_existing_store(&dir).is_err());
    assert_eq!(std::fs::read(dir.join("credential.json")).unwrap(), before);

    let fresh = tmp.path().join("fresh");
    let mut o = options(&fresh, &w);
    o.store_id = "my store".into();
    assert_eq!(
        run_init(&rt, &o).unwrap_err(),
        "invalid store id \"my store\": it must be non-empty, without \"/\" or whitespace"
    );
    let mut o = options(&fresh, &w);
    o.brands[0].id = "../acme".into();
    assert!(
        run_init(&rt, &o)
            .unwrap_err()
            .starts_with("invalid brand id \"../acme\"")
    );
    assert!(!fresh.exists(), "nothing written for refused options");
}

#[test]
fn init_refuses_mismatched_authority_and_brand_assertions() {
    let tmp = tempfile::tempdir().unwrap();
    let w = world(tmp.path());
    let rt = runtime();
    // Made to exist beforehand: a refused init leaves it, emptied of what it wrote.
    let dir = tmp.path().join("store");
    std::fs::create_dir(&dir).unwrap();

    // The spare key with the root's account-key.
    let mut o = options(&dir, &w);
    o.authority = AuthoritySource::Files {
        key_file: keys::path("spare"),
        assertions: w.root_assertions.clone(),
    };
    let spare = key(keys::SPARE);
    assert_eq!(
        run_init(&rt, &o).unwrap_err(),
        format!(
            "the authority's assertions have no account-key for the key {}",
            spare.key_id()
        )
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);

    // An account-key without its account.
    let only_key = write_stream(
        &tmp.path().join("only-key.assert"),
        &[account_key("testroot", &w.root, "testroot", &w.root)],
    );
    let mut o = options(&dir, &w);
    o.authority = AuthoritySource::Files {
        key_file: w.root_key_file.clone(),
        assertions: only_key,
    };
    assert_eq!(
        run_init(&rt, &o).unwrap_err(),
        "the authority's assertions have no account \"testroot\""
    );

    // A brand that signed its own account-key: not trusted by the store.
    let acme = key(keys::ACME);
    let self_signed = write_stream(
        &tmp.path().join("acme-self.assert"),
        &[
            account("acme", "acme", &acme),
            account_key("acme", &acme, "acme", &acme),
        ],
    );
    let mut o = options(&dir, &w);
    o.brands[0].assertions = self_signed;
    let e = run_init(&rt, &o).unwrap_err();
    assert!(e.starts_with("brand \"acme\": "), "{e}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "{e}");

    // The assertions of another brand under this brand's id.
    let mut o = options(&dir, &w);
    o.brands[0].id = "other".into();
    let e = run_init(&rt, &o).unwrap_err();
    assert!(e.starts_with("brand \"other\": "), "{e}");

    // Fixed, the same directory initialises.
    run_init(&rt, &options(&dir, &w)).unwrap();
}

#[test]
fn init_self_signs_a_new_authority() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let rt = runtime();
    // A test-only key stands in for generate_authority_key's RSA-4096 (seconds to make).
    let acme = key(keys::ACME);
    let o = InitOptions::new(
        &dir,
        AuthoritySource::SelfSigned {
            account_id: "my-store".into(),
            key: Box::new(acme.clone()),
        },
    );
    let out = run_init(&rt, &o).unwrap();
    assert!(out.self_signed);
    assert_eq!(
        (out.store_id.as_str(), out.url.as_str()),
        ("local", "http://127.0.0.1:8480")
    );
    assert_eq!(out.authority_id, "my-store");
    assert_eq!(out.authority_key_id, acme.key_id());
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("authority.pem")), 0o600);
    // The key written is the key, and the chain is a root of its own: trusted as is, it
    // checks itself.
    let written = key(&std::fs::read_to_string(dir.join("authority.pem")).unwrap());
    assert_eq!(written.key_id(), acme.key_id());
    let chain = std::fs::read(&out.authority_assertions).unwrap();
    let chain: Vec<Assertion> = ucore::assertions::Decoder::new(&chain[..])
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(chain.len(), 2);
    let db = Database::with_trusted(chain.clone()).unwrap();
    for a in &chain {
        db.check(a).unwrap();
    }
    // And the store opens from what init wrote.
    let config = StoreConfig::load(&out.config_file).unwrap();
    let store = rt.block_on(ucore::store::Store::open(&config)).unwrap();
    assert_eq!(store.authority.account_id(), "my-store");
}

#[test]
fn status_tables_show_closed_channels_and_empty_snaps() {
    use ucore::store::publisher_api::{ChannelStatus, SnapStatus};
    let mut st = SnapStatus {
        name: "pc".into(),
        snap_id: "id".into(),
        publisher: "acme".into(),
        revisions: Vec::new(),
        channel_map: Vec::new(),
    };
    assert_eq!(
        status::render(&st),
        "name:      pc\nsnap-id:   id\npublisher: acme\n\nchannels:  none released\n\nrevisions: none uploaded\n"
    );
    st.channel_map = vec![ChannelStatus {
        architecture: "arm64".into(),
        channel: "22/stable/hotfix".into(),
        revision: None,
        state: "closed".into(),
        follows: None,
    }];
    let table = status::render(&st);
    assert!(
        table.contains(
            "Arch   Channel           Revision  State\narm64  22/stable/hotfix  -         closed\n"
        ),
        "{table}"
    );
}
