//! Remodel re-registration through `/v1/serial` (snapd's `reregRemodelContext` in
//! `overlord/devicestate/remodel.go` against the Serial Vault's `/v1/serial` handler):
//! a device registered on model A (`acme-device-1`) with serial `R1`, a sub-store row
//! A/R1 → B (`acme-device-2`), and the re-registration with the current serial. The happy
//! path and every refusal of the Serial Vault's `checkRemodelingRequest`, each with its
//! code and message; the admin API for sub-store rows; the migration on an existing
//! database. Every test runs on SQLite and, with the feature `postgres` and
//! `UCORE_POSTGRES_URL` set, on PostgreSQL too.

mod common;

use common::*;
use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue};
use ucore_serial::{self as device, DeviceServiceConfig, Registration};
use ucore_serial_vault::AdminClient;
use ucore_serial_vault::Settings;
use ucore_serial_vault::http::ErrorBody;
use ucore_serial_vault::store::{LogFilter, NewSubstore};

const MODEL_A: &str = "acme-device-1";
const MODEL_B: &str = "acme-device-2";
const SERIAL: &str = "R1";

/// The vaults to run a test on: SQLite in memory, and PostgreSQL when available.
fn vaults(test: &str) -> Vec<TestVault> {
    #[allow(unused_mut)]
    let mut v = vec![TestVault::memory()];
    #[cfg(feature = "postgres")]
    if let Some(url) = common::pg::fresh_database(test) {
        v.push(TestVault::start(&url, Settings::default()));
    }
    let _ = test;
    v
}

fn expect_error(resp: (u16, String, Vec<u8>), code: &str, message: &str) {
    let (st, ct, body) = resp;
    assert_eq!(st, 400, "body: {}", String::from_utf8_lossy(&body));
    assert_eq!(ct, "application/json");
    let e: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(e.error_code, code, "{}", e.message);
    assert_eq!(e.message, message);
}

/// Registers `device` on model A with serial R1 the ordinary way; returns the serial.
fn register_on_a(tv: &TestVault, device: &str) -> Assertion {
    let id = request_id(tv);
    let req =
        device::build_serial_request(&model(), &key(device), &id, Some(SERIAL), None).unwrap();
    let (st, _, body) = tv.post_serial(&snapd_stream(&req, &model()));
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
    Assertion::decode(&body).unwrap()
}

fn add_substore(tv: &TestVault, to: &str) {
    tv.rt
        .block_on(tv.vault.add_substore(NewSubstore {
            brand_id: "acme".into(),
            from_model: MODEL_A.into(),
            serial_number: SERIAL.into(),
            model_name: to.into(),
            store: "acme-substore".into(),
        }))
        .unwrap();
}

/// The snapd re-registration for model B holding `current`, signed by `device`.
fn remodel_body(tv: &TestVault, current: &Assertion, device: &str) -> Vec<u8> {
    let id = request_id(tv);
    let model_b = model_named(MODEL_B);
    let req = device::build_remodel_serial_request(
        &model_b,
        current,
        &key(device),
        &id,
        Some(SERIAL),
        None,
    )
    .unwrap();
    device::remodel_stream(&req, &model_b, current)
}

/// A serial-request with exactly `extra` headers beyond the usual ones (for requests
/// snapd would not make).
fn custom_request(tv: &TestVault, model: &str, extra: &[(&str, &str)]) -> Assertion {
    let device = key("device");
    let mut b = AssertionBuilder::new(AssertionType::SerialRequest)
        .header("brand-id", HeaderValue::from("acme".to_string()))
        .header("model", HeaderValue::from(model.to_string()))
        .header("request-id", HeaderValue::from(request_id(tv)))
        .header(
            "device-key",
            HeaderValue::from(device.public_key().to_snapd_text()),
        )
        .header("serial", HeaderValue::from(SERIAL.to_string()));
    for (k, v) in extra {
        b = b.header(k.to_string(), HeaderValue::from(v.to_string()));
    }
    ucore_signing::sign_assertion(&b, &device).unwrap()
}

fn log_rows(tv: &TestVault, model: &str) -> Vec<ucore_serial_vault::store::SigningLogRow> {
    tv.rt
        .block_on(tv.vault.signing_log(LogFilter {
            model: Some(model.into()),
            ..Default::default()
        }))
        .unwrap()
}

#[test]
fn remodel_gets_a_serial_for_the_new_model_signed_by_the_original_key() {
    for tv in vaults("remodel_happy") {
        let current = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        let (st, ct, body) = tv.post_serial(&remodel_body(&tv, &current, "device"));
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(ct, "application/x.ubuntu.assertion");
        let serial = Assertion::decode(&body).unwrap();
        assert_eq!(serial.assertion_type(), AssertionType::Serial);
        assert_eq!(serial.header_str("brand-id"), Some("acme"));
        assert_eq!(serial.header_str("model"), Some(MODEL_B));
        assert_eq!(serial.header_str("serial"), Some(SERIAL));
        assert_eq!(
            serial.header_str("device-key"),
            current.header_str("device-key")
        );
        // Signed with model A's key.
        assert_eq!(serial.sign_key_sha3_384(), Some(key("acme").key_id()));
        ucore_signing::verify_signature(&serial, key("acme").public_key()).unwrap();
        device::check_serial(
            &serial,
            &model_named(MODEL_B),
            key("device").key_id(),
            &[],
            None,
        )
        .unwrap();
        // Logged under model B, byte for byte what was returned; model A's row stays.
        let rows = log_rows(&tv, MODEL_B);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].make, "acme");
        assert_eq!(rows[0].serial_number, SERIAL);
        assert_eq!(rows[0].fingerprint, key("device").key_id());
        assert_eq!(rows[0].revision, 1);
        assert_eq!(rows[0].assertion.as_bytes(), &body[..]);
        assert_eq!(log_rows(&tv, MODEL_A).len(), 1);
    }
}

#[test]
fn device_library_re_registers_with_the_current_serial() {
    for tv in vaults("remodel_device") {
        let current = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        let config = DeviceServiceConfig::new(tv.url.clone()).header("api-key", &tv.api_key);
        let model_b = model_named(MODEL_B);
        let r = Registration::new(config)
            .with_current_serial(current.clone())
            .register(&model_b, &key("device"), &mut |_| {})
            .unwrap();
        // No proposed serial configured: the current serial number is proposed.
        assert_eq!(r.serial_number, SERIAL);
        assert_eq!(r.serial.header_str("model"), Some(MODEL_B));
        // The account and account-key of model A's key are streamed.
        assert_eq!(r.ancillary.len(), 2);
        // Without the current serial the device is not known under model B.
        let config = DeviceServiceConfig::new(tv.url.clone())
            .header("api-key", &tv.api_key)
            .proposed_serial("R2");
        let e = Registration::new(config)
            .register(&model_b, &key("device"), &mut |_| {})
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot deliver device serial request: Cannot find model with the matching brand and model"
        );
    }
}

#[test]
fn missing_current_serial() {
    for tv in vaults("remodel_missing_serial") {
        let _ = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        let req = custom_request(
            &tv,
            MODEL_B,
            &[
                ("original-brand-id", "acme"),
                ("original-model", MODEL_A),
                ("original-serial", SERIAL),
            ],
        );
        expect_error(
            tv.post_serial(&stream(&[&req, &model_named(MODEL_B)])),
            "invalid-assertion",
            "The current serial assertion can't be empty for a remodeling request",
        );
        expect_error(
            tv.post_serial(&stream(&[&req])),
            "invalid-assertion",
            "Model assertion can't be empty for a remodeling request",
        );
    }
}

#[test]
fn original_headers_partly_set() {
    for tv in vaults("remodel_partial") {
        let current = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        let cases: [&[(&str, &str)]; 4] = [
            &[],
            &[("original-brand-id", "acme"), ("original-model", MODEL_A)],
            &[("original-model", MODEL_A), ("original-serial", SERIAL)],
            &[
                ("original-brand-id", "acme"),
                ("original-model", MODEL_A),
                ("original-serial", ""),
            ],
        ];
        for extra in cases {
            let req = custom_request(&tv, MODEL_B, extra);
            expect_error(
                tv.post_serial(&stream(&[&req, &model_named(MODEL_B), &current])),
                "invalid-assertion",
                "unexpected assertion in the request stream",
            );
        }
    }
}

#[test]
fn no_substore_row() {
    for tv in vaults("remodel_no_substore") {
        let current = register_on_a(&tv, "device");
        expect_error(
            tv.post_serial(&remodel_body(&tv, &current, "device")),
            "invalid-substore",
            "Cannot find sub-store mapping for the model",
        );
        // A row for another serial does not help.
        tv.rt
            .block_on(tv.vault.add_substore(NewSubstore {
                brand_id: "acme".into(),
                from_model: MODEL_A.into(),
                serial_number: "R9".into(),
                model_name: MODEL_B.into(),
                store: "s".into(),
            }))
            .unwrap();
        expect_error(
            tv.post_serial(&remodel_body(&tv, &current, "device")),
            "invalid-substore",
            "Cannot find sub-store mapping for the model",
        );
    }
}

#[test]
fn unknown_original_model_or_api_key() {
    for tv in vaults("remodel_unknown_original") {
        let _ = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        let other = serial_assertion(
            "acme",
            "acme-device-9",
            SERIAL,
            &key("device"),
            &key("acme"),
        );
        expect_error(
            tv.post_serial(&remodel_body(&tv, &other, "device")),
            "invalid-model",
            "Cannot find model with the matching brand and model",
        );
        // Model A under another API key.
        let spare = key("spare");
        tv.rt
            .block_on(async {
                tv.vault
                    .add_key("acme", "spare", &spare, None, None)
                    .await?;
                tv.vault
                    .add_model(
                        "acme",
                        "acme-device-5",
                        spare.key_id(),
                        Some("acme-api-key-0005".into()),
                    )
                    .await
            })
            .unwrap();
        let current = serial_assertion("acme", MODEL_A, SERIAL, &key("device"), &key("acme"));
        let id = request_id_at(&tv.url, "acme-api-key-0005");
        let model_b = model_named(MODEL_B);
        let req = device::build_remodel_serial_request(
            &model_b,
            &current,
            &key("device"),
            &id,
            Some(SERIAL),
            None,
        )
        .unwrap();
        expect_error(
            post(
                &tv.serial_url(),
                Some("acme-api-key-0005"),
                &device::remodel_stream(&req, &model_b, &current),
            ),
            "invalid-model",
            "Cannot find model with the matching brand and model",
        );
    }
}

#[test]
fn substore_maps_to_another_model() {
    for tv in vaults("remodel_model_mismatch") {
        let current = register_on_a(&tv, "device");
        add_substore(&tv, "acme-device-3");
        expect_error(
            tv.post_serial(&remodel_body(&tv, &current, "device")),
            "invalid-assertion",
            "Requested model is invalid",
        );
    }
}

/// The current serial must carry the `original-*` values: each header differs in turn.
#[test]
fn current_serial_differs_from_the_original_headers() {
    for tv in vaults("remodel_original_mismatch") {
        let _ = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        let (d, acme) = (key("device"), key("acme"));
        let model_b = model_named(MODEL_B);
        let original = [
            ("original-brand-id", "acme"),
            ("original-model", MODEL_A),
            ("original-serial", SERIAL),
        ];
        for (current, message) in [
            (
                serial_assertion("acme", "acme-device-7", SERIAL, &d, &acme),
                "Original model is invalid",
            ),
            (
                serial_assertion("acme", MODEL_A, "R2", &d, &acme),
                "Original serial number is invalid",
            ),
            (
                serial_assertion("other-brand", MODEL_A, SERIAL, &d, &acme),
                "Original brand-id is invalid",
            ),
        ] {
            let req = custom_request(&tv, MODEL_B, &original);
            expect_error(
                tv.post_serial(&stream(&[&req, &model_b, &current])),
                "invalid-assertion",
                message,
            );
        }
    }
}

#[test]
fn device_key_changed() {
    for tv in vaults("remodel_device_key") {
        let current = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        // The request is signed by (and carries) another device key.
        expect_error(
            tv.post_serial(&remodel_body(&tv, &current, "requester")),
            "invalid-assertion",
            "Device-key is invalid",
        );
    }
}

#[test]
fn forged_current_serial() {
    for tv in vaults("remodel_forged") {
        let _ = register_on_a(&tv, "device");
        add_substore(&tv, MODEL_B);
        // Signed by a key that is not model A's.
        let by_other = serial_assertion("acme", MODEL_A, SERIAL, &key("device"), &key("spare"));
        expect_error(
            tv.post_serial(&remodel_body(&tv, &by_other, "device")),
            "invalid-assertion",
            "public key id for the model is invalid",
        );
        // Claims model A's key, but the signature is not its: a header changed after
        // signing (the timestamp), the signature kept.
        let genuine = serial_assertion("acme", MODEL_A, SERIAL, &key("device"), &key("acme"));
        let text = String::from_utf8(genuine.encode()).unwrap().replace(
            "timestamp: 2024-05-10T12:07:36+02:00",
            "timestamp: 2024-05-11T12:07:36+02:00",
        );
        let tampered = Assertion::decode(text.as_bytes()).unwrap();
        assert_ne!(tampered.encode(), genuine.encode());
        let (st, _, body) = tv.post_serial(&remodel_body(&tv, &tampered, "device"));
        assert_eq!(st, 400);
        let e: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(e.error_code, "invalid-assertion");
        assert!(
            e.message
                .starts_with("could not validate serial-request self-signature ("),
            "{}",
            e.message
        );
        // Nothing signed for model B.
        assert!(log_rows(&tv, MODEL_B).is_empty());
    }
}

/// Step 7 on its own (the Serial Vault's `findModel`): a plain request for model B with
/// the serial of a sub-store row is signed with model A's key, as the Serial Vault does.
#[test]
fn find_model_falls_back_to_the_substore_row() {
    for tv in vaults("remodel_find_model") {
        add_substore(&tv, MODEL_B);
        let req = custom_request(&tv, MODEL_B, &[]);
        let (st, _, body) = tv.post_serial(&stream(&[&req, &model_named(MODEL_B)]));
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
        let serial = Assertion::decode(&body).unwrap();
        assert_eq!(serial.header_str("model"), Some(MODEL_B));
        ucore_signing::verify_signature(&serial, key("acme").public_key()).unwrap();
        // Another serial number has no row: invalid-model.
        let id = request_id(&tv);
        let other = device::build_serial_request(
            &model_named(MODEL_B),
            &key("device"),
            &id,
            Some("R2"),
            None,
        )
        .unwrap();
        expect_error(
            tv.post_serial(&stream(&[&other, &model_named(MODEL_B)])),
            "invalid-model",
            "Cannot find model with the matching brand and model",
        );
    }
}

#[test]
fn admin_api_adds_lists_and_deletes_substore_rows() {
    for tv in vaults("remodel_admin") {
        let admin = AdminClient::new(tv.admin_url.trim_end_matches("/admin/v1/"), ADMIN_TOKEN);
        let new = NewSubstore {
            brand_id: "acme".into(),
            from_model: MODEL_A.into(),
            serial_number: SERIAL.into(),
            model_name: MODEL_B.into(),
            store: "acme-substore".into(),
        };
        let row = admin.add_substore(&new).unwrap();
        assert_eq!(
            (
                row.brand_id.as_str(),
                row.from_model.as_str(),
                row.serial_number.as_str(),
                row.model_name.as_str(),
                row.store.as_str()
            ),
            ("acme", MODEL_A, SERIAL, MODEL_B, "acme-substore")
        );
        assert_eq!(admin.substores().unwrap(), vec![row.clone()]);
        // One row per (from-model, serial).
        let e = admin.add_substore(&new).unwrap_err();
        assert_eq!(
            e.to_string(),
            "400: a sub-store row for acme/acme-device-1 serial R1 already exists"
        );
        // The from-model must exist.
        let e = admin
            .add_substore(&NewSubstore {
                from_model: "nope".into(),
                ..new.clone()
            })
            .unwrap_err();
        assert_eq!(e.to_string(), "404: model acme/nope not found");
        let e = admin
            .add_substore(&NewSubstore {
                store: String::new(),
                ..new.clone()
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "400: invalid store \"\": must match 1 to 64 of [a-zA-Z0-9._-], starting with a \
             letter or digit"
        );
        // Without the token: refused.
        let e = AdminClient::new(tv.admin_url.trim_end_matches("/admin/v1/"), "wrong")
            .substores()
            .unwrap_err();
        assert_eq!(e.to_string(), "401: Invalid admin token");
        admin.delete_substore(row.id).unwrap();
        assert!(admin.substores().unwrap().is_empty());
        let e = admin.delete_substore(row.id).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("404: sub-store row {} not found", row.id)
        );
        // With the row gone the remodel is refused.
        let current = register_on_a(&tv, "device");
        expect_error(
            tv.post_serial(&remodel_body(&tv, &current, "device")),
            "invalid-substore",
            "Cannot find sub-store mapping for the model",
        );
    }
}

/// A database made before sub-stores (schema version 1) gains the table (and the models'
/// `serial_authority` column) on start.
#[test]
fn sqlite_database_without_substores_is_migrated_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault.db");
    let url = format!("sqlite://{}", path.display());
    {
        let tv = TestVault::start(&url, Settings::default());
        let _ = register_on_a(&tv, "device");
    }
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        // Schema 1: without the sub-store table, nor the later migrations' (the models'
        // serial-authority, sync).
        c.execute_batch(
            "DROP TABLE substore; ALTER TABLE model DROP COLUMN serial_authority;
             DROP TABLE sync_conflict; DROP TABLE sync_import;
             DROP TABLE sync_factory; DROP TABLE sync_export; DROP TABLE sync_identity;
             DROP INDEX signinglog_origin; ALTER TABLE signinglog DROP COLUMN origin;
             ALTER TABLE signinglog DROP COLUMN origin_row; PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let tv = TestVault::start(&url, Settings::default());
    let current = tv
        .rt
        .block_on(tv.vault.signing_log(LogFilter::default()))
        .unwrap();
    assert_eq!(current.len(), 1);
    let current = Assertion::decode(current[0].assertion.as_bytes()).unwrap();
    add_substore(&tv, MODEL_B);
    let (st, _, body) = tv.post_serial(&remodel_body(&tv, &current, "device"));
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
}

/// The same on PostgreSQL: a database at schema version 1 gains the table and column on start.
#[cfg(feature = "postgres")]
#[test]
fn postgres_database_without_substores_is_migrated_on_start() {
    let Some(url) = common::pg::fresh_database("remodel_pg_migration") else {
        return;
    };
    {
        let tv = TestVault::start(&url, Settings::default());
        let _ = register_on_a(&tv, "device");
        tv.rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            let task = tokio::spawn(conn);
            client
                .batch_execute(
                    "DROP TABLE substore, sync_conflict, sync_import, sync_factory, sync_export,
                     sync_identity; ALTER TABLE model DROP COLUMN serial_authority;
                     ALTER TABLE signinglog DROP COLUMN origin, DROP COLUMN origin_row;
                     UPDATE ucore_schema SET version = 1;",
                )
                .await
                .unwrap();
            drop(client);
            let _ = task.await;
        });
    }
    let tv = TestVault::start(&url, Settings::default());
    let log = tv
        .rt
        .block_on(tv.vault.signing_log(LogFilter::default()))
        .unwrap();
    assert_eq!(log.len(), 1);
    let current = Assertion::decode(log[0].assertion.as_bytes()).unwrap();
    add_substore(&tv, MODEL_B);
    let (st, _, body) = tv.post_serial(&remodel_body(&tv, &current, "device"));
    assert_eq!(st, 200, "{}", String::from_utf8_lossy(&body));
}
