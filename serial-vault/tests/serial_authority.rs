//! A model's `serial-authority`: a key of a listed account (not the brand's) signs the
//! model's serials with `authority-id` set to that account, which devices accept when their
//! model assertion lists it; the admin side refuses a key no listed account owns, and the
//! signing side refuses, in snapd's words, a serial the device's model would refuse.

mod common;

use std::process::Command;

use common::*;
use ucore_assertions::{
    Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue, Headers,
};
use ucore_serial as device;
use ucore_serial_vault::store::NewModel;
use ucore_serial_vault::{AdminClient, Error};
use ucore_test_support::oracle;

/// The seed's ACME model, re-signed by ACME's (test-only) key with `serial-authority:
/// [acme, resel]`.
fn model_allowing_resel() -> Assertion {
    let base = model();
    let mut headers = Headers::new();
    for (name, value) in base.headers().iter() {
        if name != "sign-key-sha3-384" {
            headers.insert(name.to_string(), value.clone().into_owned());
        }
    }
    headers.insert(
        "serial-authority",
        HeaderValue::from(vec![HeaderValue::from("acme"), HeaderValue::from("resel")]),
    );
    let builder = AssertionBuilder::new(AssertionType::Model).headers(headers);
    ucore_signing::sign_assertion(&builder, &key("acme")).unwrap()
}

/// A vault whose model `acme/acme-device-1` is signed by resel's key (`spare`), with
/// `serial-authority: [resel]`.
fn resel_vault() -> TestVault {
    let tv = vault_with_resel_key();
    let spare = key("spare");
    tv.rt.block_on(async {
        let m = tv
            .vault
            .set_serial_authority("acme", "acme-device-1", vec!["resel".into()])
            .await
            .unwrap();
        assert_eq!(m.serial_authority, ["resel"]);
        tv.vault
            .set_model_key("acme", "acme-device-1", spare.key_id())
            .await
            .unwrap();
    });
    tv
}

/// Posts a serial-request for `serial` (followed by `model` when given); (status, body).
fn register(tv: &TestVault, serial: &str, model: Option<&Assertion>) -> (u16, Vec<u8>) {
    let id = request_id(tv);
    let req =
        device::build_serial_request(&common::model(), &key("device"), &id, Some(serial), None)
            .unwrap();
    let body = match model {
        Some(m) => snapd_stream(&req, m),
        None => req.encode(),
    };
    let (status, _, body) = tv.post_serial(&body);
    (status, body)
}

#[test]
fn a_listed_authority_signs_serials_devices_accept() {
    let tv = resel_vault();
    let allowing = model_allowing_resel();
    for (serial, sent) in [("RESEL-1", Some(&allowing)), ("RESEL-2", None)] {
        let (status, body) = register(&tv, serial, sent);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let got = Assertion::decode(&body).unwrap();
        assert_eq!(got.authority_id(), Some("resel"));
        assert_eq!(got.header_str("brand-id"), Some("acme"));
        assert_eq!(got.sign_key_sha3_384(), Some(key("spare").key_id()));
        ucore_signing::verify_signature(&got, key("spare").public_key()).unwrap();
        // The device's own checks accept it under the model that lists resel...
        device::check_serial(&got, &allowing, key("device").key_id(), &[], None).unwrap();
        // ...and refuse it under the seed's model, which does not.
        let e =
            device::check_serial(&got, &model(), key("device").key_id(), &[], None).unwrap_err();
        assert!(e.to_string().contains("serial-authority"), "{e}");
    }
}

#[test]
fn a_device_model_that_does_not_list_the_authority_is_refused_in_snapds_words() {
    let tv = resel_vault();
    let (status, body) = register(&tv, "RESEL-3", Some(&model()));
    assert_eq!(status, 400);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error_list"][0]["code"], "create-assertion", "{v}");
    assert_eq!(
        v["error_list"][0]["message"],
        "obtained serial assertion is signed by authority \"resel\" different from brand \
         \"acme\" without model assertion with serial-authority set to to allow for them",
        "{v}"
    );
    // Nothing was logged for it.
    let log = tv
        .rt
        .block_on(tv.vault.signing_log(Default::default()))
        .unwrap();
    assert!(log.iter().all(|r| r.serial_number != "RESEL-3"));
}

#[test]
fn the_admin_side_keeps_the_key_and_the_list_consistent() {
    let tv = vault_with_resel_key();
    let spare = key("spare");
    tv.rt.block_on(async {
        // A model created with resel listed may use resel's key; the brand and repeats are
        // left out of the stored list.
        let m = tv
            .vault
            .create_model(NewModel {
                brand_id: "acme".into(),
                model: "acme-device-2".into(),
                key_id: spare.key_id().into(),
                api_key: None,
                serial_authority: vec!["acme".into(), "resel".into(), "resel".into()],
            })
            .await
            .unwrap();
        assert_eq!(m.serial_authority, ["resel"]);
        assert_eq!(m.key_id, spare.key_id());
        // Dropping resel while its key signs is refused, and changes nothing.
        let e = tv
            .vault
            .set_serial_authority("acme", "acme-device-2", vec![])
            .await
            .unwrap_err();
        assert!(matches!(e, Error::KeyNotOfBrand { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            format!(
                "key {} belongs to account resel, which is neither the brand acme of model \
                 acme/acme-device-2 nor in its serial-authority: devices would refuse the \
                 serials it signs",
                spare.key_id()
            )
        );
        let models = tv.vault.models().await.unwrap();
        let m = models.iter().find(|m| m.model == "acme-device-2").unwrap();
        assert_eq!(m.serial_authority, ["resel"]);
        // An account id snapd refuses is refused.
        let e = tv
            .vault
            .set_serial_authority("acme", "acme-device-2", vec!["Not An Id".into()])
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidName(_)), "{e:?}");
        // An unknown model is not found.
        let e = tv
            .vault
            .set_serial_authority("acme", "no-such-model", vec![])
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
        // Back to the brand's key, the list may go.
        tv.vault
            .set_model_key("acme", "acme-device-2", key("acme").key_id())
            .await
            .unwrap();
        let m = tv
            .vault
            .set_serial_authority("acme", "acme-device-2", vec![])
            .await
            .unwrap();
        assert!(m.serial_authority.is_empty());
    });
    // The same through the admin API and its client.
    let client = AdminClient::new(tv.admin_url.trim_end_matches("/admin/v1/"), ADMIN_TOKEN);
    let m = client
        .set_serial_authority("acme", "acme-device-1", &["resel".to_string()])
        .unwrap();
    assert_eq!(m.serial_authority, ["resel"]);
    client
        .set_model_key("acme", "acme-device-1", spare.key_id())
        .unwrap();
    let e = client
        .set_serial_authority("acme", "acme-device-1", &[])
        .unwrap_err();
    assert!(e.to_string().contains("nor in its serial-authority"), "{e}");
    let body = serde_json::json!({
        "brand_id": "acme", "model": "acme-device-3", "key_id": spare.key_id(),
        "serial_authority": ["resel"]
    });
    let text = client.call("POST", "models", Some(&body)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["serial_authority"], serde_json::json!(["resel"]), "{v}");
}

/// snapd's own registration client accepts a serial of a listed authority, and refuses one
/// its model does not list (the vault refuses it first, in snapd's words).
#[test]
fn live_snapd_registration_accepts_a_listed_authority() {
    let Some(oracle) = oracle() else {
        return;
    };
    let tv = resel_vault();
    let dir = tempfile::tempdir().unwrap();
    let allowing = dir.path().join("model.assert");
    std::fs::write(&allowing, model_allowing_resel().encode()).unwrap();
    let device_key = ucore_test_support::keys::path("device");
    let run = |model: &std::path::Path, serial: &str| {
        let out = Command::new(&oracle)
            .arg("register")
            .arg("--model")
            .arg(model)
            .args(["--url", &tv.url, "--api-key", &tv.api_key])
            .arg("--device-key")
            .arg(&device_key)
            .args(["--proposed-serial", serial])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = text.lines().find(|l| l.starts_with('{')).unwrap_or("{}");
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        (out.status.success(), v, text)
    };
    let (ok, v, out) = run(&allowing, "SNAPD-RESEL-1");
    assert!(ok, "{out}");
    assert_eq!(v["outcome"], "serial", "{out}");
    assert_eq!(v["serial_headers"]["authority-id"], "resel", "{out}");
    assert_eq!(v["serial_headers"]["brand-id"], "acme", "{out}");

    let seed_model = std::path::PathBuf::from(format!("{DATA}/model.assert"));
    let (ok, v, out) = run(&seed_model, "SNAPD-RESEL-2");
    assert!(!ok, "{out}");
    assert_eq!(v["outcome"], "error", "{out}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or("")
            .ends_with("without model assertion with serial-authority set to to allow for them"),
        "{out}"
    );
}
