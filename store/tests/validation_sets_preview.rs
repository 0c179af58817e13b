//! The device-side refresh preview (`ucore_store_client::preview`) against this store: a
//! brand publishes a validation set, a device of the brand (its own session, opened by
//! the client from its model and serial) asks what an auto-refresh would do, and the store
//! answers the request snapd would send: the revision the set pins, even where the
//! tracked channel offers another.

mod device_support;

use std::sync::Arc;

use device_support::*;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_store::credential::new_credential;
use ucore_store::db::CredentialScope;
use ucore_store::publisher_client::PublisherClient;
use ucore_store_client::preview::evaluate::Decision;
use ucore_store_client::preview::input::DeviceState;
use ucore_store_client::{Config, DeviceIdentity, StoreClient};
use ucore_test_support::keys;

fn text(a: &Assertion) -> String {
    String::from_utf8(a.encode()).unwrap()
}

#[test]
fn a_device_previews_the_refresh_its_enforced_set_asks_for() {
    let f = Fixture::new();
    let (rec, file) = new_credential(CredentialScope::Publisher("acme".into()), &f.url);
    f.rt.block_on(f.store.db.add_credential(&rec)).unwrap();
    let acme = PublisherClient::new(&f.url, &file);

    // acme-app: revision 1 in stable, revision 2 in beta (amd64). The set pins 2.
    let (app, base) = (f.snap("acme-app"), f.snap("core-base"));
    let set = sign(
        &key(keys::ACME),
        serde_json::json!({"type": "validation-set", "authority-id": "acme",
            "account-id": "acme", "series": "16", "name": "fleet", "sequence": "1",
            "snaps": [
                {"name": "acme-app", "id": app.snap_id, "revision": "2"},
                {"name": "core-base", "id": base.snap_id, "presence": "optional"},
            ],
            "timestamp": "2016-12-01T00:00:00Z"}),
        None,
    );
    acme.push_validation_set(&set.encode()).unwrap();

    let state = DeviceState::from_json(
        &serde_json::json!({
            "now": "2024-06-01T00:00:00Z",
            "last-refresh": "2024-05-01T00:00:00Z",
            "validation-sets": [{"assertion": text(&set), "mode": "enforce", "pinned-at": 1}],
            "snaps": [
                {"name": "acme-app", "snap-id": app.snap_id, "revision": 1, "channel": "latest/stable"},
                {"name": "core-base", "snap-id": base.snap_id, "revision": 1, "channel": "latest/stable"},
            ],
        })
        .to_string(),
    )
    .unwrap();

    let k = key(keys::ACME);
    let device = DeviceIdentity::new(
        model(&k, "acme", "m1", STORE_ID),
        serial(&k, "acme", "acme", "m1", "s1"),
        Arc::new(key(keys::DEVICE)),
    )
    .unwrap();
    let client = StoreClient::builder(Config::parse(&f.url).unwrap())
        .device(device)
        .build()
        .unwrap();
    let preview = f.rt.block_on(client.preview(&state)).unwrap();

    let app_row = preview.snap("acme-app").expect("acme-app previewed");
    assert!(
        matches!(&app_row.decision, Decision::Refresh { to, .. } if to.0 == 2),
        "{preview}"
    );
    let base_row = preview.snap("core-base").expect("core-base previewed");
    assert!(matches!(base_row.decision, Decision::UpToDate), "{preview}");
    // The request carried the set, and the store answered its pin rather than stable's 1.
    let sent = serde_json::to_value(&preview.request).unwrap();
    assert!(
        sent.to_string().contains(r#"["16","acme","fleet","1"]"#),
        "{sent}"
    );
}
