//! The admin side's refusals: a model whose key is not its brand's, weak keys, names
//! snapd refuses, short admin tokens, the database file's mode, the serial-number policy,
//! and every refusal (axum's own included) in the vault's JSON envelope, on both APIs;
//! the admin client's percent-encoded paths.

mod common;

use common::*;
use ucore_assertions::AssertionAccess as _;
use ucore_serial::{self as device};
use ucore_serial_vault::admin_client::AdminClient;
use ucore_serial_vault::http::ErrorBody;
use ucore_serial_vault::store::{KeypairRecord, NewSubstore, Store};
use ucore_serial_vault::{Error, KeyStore, Settings, Vault};
use ucore_signing::RsaPrivateKey;

/// A request to the admin API: (status, content-type, body).
fn admin(
    tv: &TestVault,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let url = format!("{}{path}", tv.admin_url);
    raw(method, &url, Some(ADMIN_TOKEN), content_type, body)
}

fn raw(
    method: &str,
    url: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let request = axum::http::Request::builder()
        .method(method)
        .uri(url)
        .body(body.to_vec())
        .unwrap();
    let (mut parts, body) = request.into_parts();
    if let Some(t) = token {
        parts
            .headers
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    if let Some(ct) = content_type {
        parts.headers.insert("content-type", ct.parse().unwrap());
    }
    answer(
        agent()
            .run(axum::http::Request::from_parts(parts, body))
            .unwrap(),
    )
    .unwrap()
}

/// `method` `path` on the admin API with a JSON body, expecting `invalid-input` (400);
/// returns its message.
fn invalid_input(tv: &TestVault, method: &str, path: &str, body: serde_json::Value) -> String {
    let body = body.to_string();
    envelope(
        admin(tv, method, path, JSON, body.as_bytes()),
        400,
        "invalid-input",
    )
}

fn envelope(resp: (u16, String, Vec<u8>), status: u16, code: &str) -> String {
    let (st, ct, body) = resp;
    assert_eq!(st, status, "body: {}", String::from_utf8_lossy(&body));
    assert_eq!(ct, "application/json");
    let e: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert!(!e.success);
    assert_eq!(e.error_code, code, "{}", e.message);
    assert_eq!(e.error_list[0].code, code);
    e.message
}

const JSON: Option<&str> = Some("application/json");

/// A model with another account's key is refused when added and when its key changes, by
/// the vault and on the admin API; the brand's own key is accepted.
#[test]
fn a_models_key_must_be_its_brands() {
    let tv = vault_with_resel_key();
    let spare = key("spare");
    tv.rt.block_on(async {
        let e = tv
            .vault
            .add_model("acme", "acme-device-2", spare.key_id(), None)
            .await
            .unwrap_err();
        match &e {
            Error::KeyNotOfBrand {
                brand_id,
                model,
                key_id,
                key_authority,
            } => {
                assert_eq!(
                    (brand_id.as_str(), model.as_str(), key_authority.as_str()),
                    ("acme", "acme-device-2", "resel")
                );
                assert_eq!(key_id, spare.key_id());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.code(), "invalid-input");
        assert_eq!(
            e.to_string(),
            format!(
                "key {} belongs to account resel, which is neither the brand acme of model \
                 acme/acme-device-2 nor in its serial-authority: devices would refuse the \
                 serials it signs",
                spare.key_id()
            )
        );
        let e = tv
            .vault
            .set_model_key("acme", "acme-device-1", spare.key_id())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::KeyNotOfBrand { .. }), "{e:?}");
        // an unknown key is not found
        let e = tv
            .vault
            .add_model("acme", "acme-device-2", "no-such-key", None)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    });
    let body = serde_json::json!({
        "brand_id": "acme", "model": "acme-device-3", "key_id": spare.key_id()
    });
    let msg = invalid_input(&tv, "POST", "models", body);
    assert!(msg.contains("belongs to account resel"), "{msg}");
    let body = serde_json::json!({ "key_id": spare.key_id() });
    let msg = invalid_input(&tv, "PUT", "models/acme/acme-device-1/key", body);
    assert!(msg.contains("neither the brand acme"), "{msg}");
    // the model still signs with ACME's key, and ACME's key is accepted
    let acme = key("acme");
    tv.rt.block_on(async {
        let models = tv.vault.models().await.unwrap();
        let m = models.iter().find(|m| m.model == "acme-device-1").unwrap();
        assert_eq!(m.key_id, acme.key_id());
        tv.vault
            .set_model_key("acme", "acme-device-1", acme.key_id())
            .await
            .unwrap();
        tv.vault
            .add_model("acme", "acme-device-2", acme.key_id(), None)
            .await
            .unwrap();
    });
}

/// Keys under 2048 bits are refused on import, on add and on generation.
#[test]
fn weak_keys_are_refused() {
    let tv = TestVault::memory();
    let weak = RsaPrivateKey::generate(1024).unwrap();
    let pem = weak.to_pkcs1_pem().unwrap();
    let body = serde_json::json!({
        "authority_id": "acme", "name": "weak", "pem": pem.as_str()
    });
    let msg = invalid_input(&tv, "POST", "keys/import", body);
    assert_eq!(
        msg,
        format!(
            "key {} has 1024 bits: signing keys must have at least 2048 bits",
            weak.key_id()
        )
    );
    tv.rt.block_on(async {
        let e = tv
            .vault
            .add_key("acme", "weak", &weak, None, None)
            .await
            .unwrap_err();
        assert!(matches!(e, Error::WeakKey { bits: 1024, .. }), "{e:?}");
        let e = tv
            .vault
            .generate_key("acme", "weak", 1024)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "invalid-input");
        assert!(tv.vault.keys().await.unwrap().len() == 1);
    });
    // A weak key an older vault stored (written to the database directly, sealed with the
    // vault's master secret) signs nothing: the device gets `signing-assertion`.
    tv.rt.block_on(async {
        let sealed = KeyStore::new(b"test master secret 0123".to_vec())
            .unwrap()
            .seal(&weak)
            .unwrap();
        let store = tv.vault.store();
        store
            .add_keypair(KeypairRecord {
                authority_id: "acme".into(),
                key_id: weak.key_id().into(),
                key_name: "old-weak".into(),
                active: true,
                sealed_key: sealed,
                account_assertion: None,
                account_key_assertion: None,
            })
            .await
            .unwrap();
        store
            .set_model_key("acme", "acme-device-1", weak.key_id())
            .await
            .unwrap();
    });
    let id = request_id(&tv);
    let req =
        device::build_serial_request(&model(), &key("device"), &id, Some("W1"), None).unwrap();
    let (status, _, body) = tv.post_serial(&req.encode());
    // (400, as the Serial Vault answers its `signing-assertion`)
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error_list"][0]["code"], "signing-assertion", "{v}");
    assert_eq!(
        v["message"],
        format!(
            "key {} has 1024 bits: signing keys must have at least 2048 bits",
            weak.key_id()
        ),
        "{v}"
    );
    let log = tv.rt.block_on(tv.vault.signing_log(Default::default()));
    assert!(log.unwrap().is_empty());
}

/// Names snapd refuses are refused before anything is stored.
#[test]
fn names_are_checked_with_snapds_rules() {
    let tv = TestVault::memory();
    let acme = key("acme");
    tv.rt.block_on(async {
        for (brand, model) in [
            ("acme", "bad--model"),
            ("acme", "-model"),
            ("acme", "model\n"),
            ("acme", "../model"),
            ("acme", ""),
            ("Acme", "model"),
            ("../acme", "model"),
            ("acme\n", "model"),
        ] {
            let e = tv
                .vault
                .add_model(brand, model, acme.key_id(), None)
                .await
                .unwrap_err();
            assert!(
                matches!(e, Error::InvalidName(_)),
                "{brand:?} {model:?}: {e:?}"
            );
            assert_eq!(e.code(), "invalid-input");
        }
        for (authority, name) in [("acme", "Serials"), ("acme", "a/b"), ("a", "serials")] {
            let e = tv
                .vault
                .add_key(authority, name, &key("spare"), None, None)
                .await
                .unwrap_err();
            assert!(matches!(e, Error::InvalidName(_)), "{e:?}");
        }
        let substore = |store: &str, serial: &str| NewSubstore {
            brand_id: "acme".into(),
            from_model: "acme-device-1".into(),
            serial_number: serial.into(),
            model_name: "acme-device-2".into(),
            store: store.into(),
        };
        for (store, serial) in [("../x", "A1"), ("brand store", "A1"), ("store", "A1\n")] {
            let e = tv
                .vault
                .add_substore(substore(store, serial))
                .await
                .unwrap_err();
            assert!(matches!(e, Error::InvalidName(_)), "{e:?}");
        }
        assert!(tv.vault.models().await.unwrap().len() == 1);
        assert!(tv.vault.keys().await.unwrap().len() == 1);
        assert!(tv.vault.substores().await.unwrap().is_empty());
    });
    let body = serde_json::json!({
        "brand_id": "acme", "model": "a--b", "key_id": acme.key_id()
    });
    let msg = invalid_input(&tv, "POST", "models", body);
    assert_eq!(
        msg,
        r#"invalid model "a--b": must match ^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$"#
    );
}

/// An admin token under 16 bytes is refused, or (through `with_admin_token`) opens nothing.
#[test]
fn short_admin_tokens_are_refused() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let vault = || async {
            Vault::new(
                Store::open("sqlite::memory:").await.unwrap(),
                KeyStore::new(b"test master secret 0123".to_vec()).unwrap(),
                Settings::default(),
            )
        };
        let e = vault()
            .await
            .try_with_admin_token("short-token")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration: the admin token has 11 bytes: it must have at least 16"
        );
        assert!(
            vault()
                .await
                .try_with_admin_token("sixteen-bytes-ok")
                .is_ok()
        );
        let v = vault().await.with_admin_token("short");
        let running = ucore_serial_vault::serve(
            v,
            "127.0.0.1:0".parse().unwrap(),
            Some("127.0.0.1:0".parse().unwrap()),
            false,
        )
        .await
        .unwrap();
        let url = format!("{}keys", running.admin_url().unwrap());
        let answer =
            tokio::task::spawn_blocking(move || raw("GET", &url, Some("short"), None, b""))
                .await
                .unwrap();
        envelope(answer, 401, "invalid-admin-token");
        running.shutdown().await;
    });
}

/// The SQLite database (and its WAL) is created readable by its owner only.
#[cfg(unix)]
#[test]
fn the_database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        store.health().await.unwrap();
        for name in ["vault.db", "vault.db-wal"] {
            let p = dir.path().join(name);
            if name.ends_with("-wal") && !p.exists() {
                continue;
            }
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}: {mode:o}");
        }
    });
}

/// A request and the refusal expected: method, path, content type, body, status, code.
type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a [u8], u16, &'a str);

/// axum's own refusals answer the vault's envelope on the admin API.
#[test]
fn admin_refusals_are_the_vaults_envelope() {
    let tv = TestVault::memory();
    let big = vec![b' '; 1024 * 1024 + 1];
    let cases: [Case; 8] = [
        // over the body limit: 413
        ("POST", "models", JSON, &big, 413, "too-large"),
        // not JSON, or not the JSON asked for: the Serial Vault's error-decode-json
        ("POST", "models", JSON, b"{", 400, "error-decode-json"),
        (
            "POST",
            "models",
            JSON,
            b"{\"brand_id\": 1}",
            400,
            "error-decode-json",
        ),
        // no JSON content type
        ("POST", "models", None, b"{}", 415, "error-decode-json"),
        // a method the path does not take, a path that does not exist
        ("GET", "keys/import", None, b"", 405, "method-not-allowed"),
        ("GET", "nothing-here", None, b"", 404, "not-found"),
        // a path parameter of the wrong type, a bad query
        ("DELETE", "substores/x", None, b"", 400, "invalid-input"),
        (
            "GET",
            "signing-log?limit=many",
            None,
            b"",
            400,
            "invalid-input",
        ),
    ];
    for (method, path, content_type, body, status, code) in cases {
        let msg = envelope(admin(&tv, method, path, content_type, body), status, code);
        if status == 405 {
            assert_eq!(msg, "method GET not allowed on /admin/v1/keys/import");
        }
    }
}

/// … and on the signing API.
#[test]
fn signing_refusals_are_the_vaults_envelope() {
    let tv = TestVault::memory();
    let msg = envelope(
        raw("GET", &tv.serial_url(), None, None, b""),
        405,
        "method-not-allowed",
    );
    assert_eq!(msg, "method GET not allowed on /v1/serial");
    envelope(
        raw("GET", &format!("{}nothing", tv.url), None, None, b""),
        404,
        "not-found",
    );
}

/// The admin client puts each name in one percent-encoded path segment.
#[test]
fn the_admin_client_encodes_path_arguments() {
    let tv = TestVault::memory();
    let base = tv.admin_url.trim_end_matches("/admin/v1/").to_string();
    let acme_key = key("acme").key_id().to_string();
    let answers = std::thread::spawn(move || {
        let c = AdminClient::new(base, ADMIN_TOKEN);
        let rotated = c.rotate_api_key("acme", "acme-device-1").unwrap();
        // `a/b` stays one segment: the model is not found, the route is
        let slash = c.rotate_api_key("acme", "a/b").unwrap_err();
        let dots = c.rotate_api_key("..", "..").unwrap_err();
        c.set_model_key("acme", "acme-device-1", &acme_key).unwrap();
        c.set_key_active(&acme_key, false).unwrap();
        c.set_key_active(&acme_key, true).unwrap();
        (rotated, slash, dots)
    })
    .join()
    .unwrap();
    let (rotated, slash, dots) = answers;
    assert_eq!(rotated.len(), 32);
    match slash {
        Error::AdminApi { status, message } => {
            assert_eq!(
                (status, message.as_str()),
                (404, "model acme/a/b not found")
            )
        }
        other => panic!("{other:?}"),
    }
    match dots {
        Error::AdminApi { status, message } => {
            assert_eq!((status, message.as_str()), (404, "model ../.. not found"))
        }
        other => panic!("{other:?}"),
    }
}

/// The serial-number policy: a serial with `/` or a control character is refused where the
/// vault reads it; serials are case-sensitive and never trimmed.
#[test]
fn serial_numbers_follow_the_policy() {
    let tv = TestVault::memory();
    let request = |serial: &str| {
        let id = request_id(&tv);
        device::build_serial_request(&model(), &key("device"), &id, Some(serial), None).unwrap()
    };
    let msg = envelope(
        tv.post_serial(&snapd_stream(&request("A1/B2"), &model())),
        400,
        "create-assertion",
    );
    assert!(msg.starts_with("invalid serial \"A1/B2\""), "{msg}");
    // case is kept: two serials that differ in case are two devices
    for serial in ["ABC-1", "abc-1"] {
        let (status, _, body) = tv.post_serial(&snapd_stream(&request(serial), &model()));
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let text = String::from_utf8_lossy(&body).into_owned();
        assert!(text.contains(&format!("\nserial: {serial}\n")), "{text}");
    }
    tv.rt.block_on(async {
        let e = tv
            .vault
            .release_serial("acme", "acme-device-1", "abc-1\n")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidName(_)), "{e:?}");
        let e = tv
            .vault
            .release_serial("acme", "acme-device-1", " abc-1")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidName(_)), "{e:?}");
        assert_eq!(
            tv.vault
                .release_serial("acme", "acme-device-1", "abc-1")
                .await
                .unwrap(),
            1
        );
    });
}
