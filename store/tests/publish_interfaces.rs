//! The interface rules an admin grants a snap: a new revision of its snap-declaration,
//! signed with the `plugs`/`slots` rules, refused with snapd's text when a rule does not
//! compile, and never set by a publisher.

mod publish_support;

use publish_support::{AUTHORITY, Fixture, refusal};
use serde_json::json;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_store::publisher_api::InterfaceRulesSet;

const RULES: &str = "/api/v1/publisher/snaps/hello/interface-rules";

async fn declaration(f: &Fixture, snap_id: &str) -> Assertion {
    let key = ["16".to_string(), snap_id.to_string()];
    let rec = f
        .store
        .db
        .assertion("snap-declaration", &key)
        .await
        .unwrap()
        .unwrap();
    Assertion::decode(rec.text.as_bytes()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_grants_rules_in_a_new_declaration_revision() {
    let f = Fixture::start().await;
    let snap_id = f.register("hello", "acme").await;
    let rules = json!({
        "plugs": {"docker-support": {"allow-installation": "true", "allow-auto-connection": "true"}},
        "slots": {"content": {"allow-connection": {"plug-publisher-id": ["$SLOT_PUBLISHER_ID"]}}},
    });
    let a = f.put_json(Some(&f.admin), RULES, rules.clone()).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let set: InterfaceRulesSet = a.json();
    assert_eq!(set.snap_id, snap_id);
    assert_eq!(set.revision, 1);
    // `$SLOT_PUBLISHER_ID` needs format 1 (snapd refuses to sign with less).
    assert_eq!(set.format, 1);

    let decl = declaration(&f, &snap_id).await;
    assert_eq!(decl.revision(), 1);
    assert_eq!(decl.format(), 1);
    assert_eq!(decl.authority_id(), Some(AUTHORITY));
    assert_eq!(decl.header_str("snap-name"), Some("hello"));
    assert_eq!(decl.header_str("publisher-id"), Some("acme"));
    let plugs = decl.header("plugs").and_then(|p| p.as_map()).unwrap();
    let docker = plugs
        .get("docker-support")
        .and_then(|r| r.as_map())
        .unwrap();
    assert_eq!(
        docker.get("allow-installation").and_then(|v| v.as_str()),
        Some("true")
    );
    // A device's trust database takes it.
    let trust = ucore_signing::Database::with_trusted(f.trusted.clone()).unwrap();
    trust.add(f.brands[0].clone()).unwrap();
    trust.add(decl).unwrap();

    // Setting again makes the next revision; an absent side has no rules.
    let a = f
        .put_json(Some(&f.admin), RULES, json!({"plugs": {"network": "true"}}))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json::<InterfaceRulesSet>().revision, 2);
    let decl = declaration(&f, &snap_id).await;
    assert_eq!(decl.revision(), 2);
    // Any rule needs format 1.
    assert_eq!(decl.format(), 1);
    assert!(decl.header("slots").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_refused_as_snapd_refuses_them() {
    let f = Fixture::start().await;
    f.register("hello", "acme").await;

    // Only the store's operator grants interfaces.
    let a = f
        .put_json(
            Some(&f.acme),
            RULES,
            json!({"plugs": {"docker-support": "true"}}),
        )
        .await;
    assert_eq!(
        a.error(),
        refusal(
            403,
            "forbidden",
            "only the store's operator (an admin credential) sets the interface rules of a snap"
        )
    );
    let refused = |allow: serde_json::Value| {
        let body = json!({"plugs": {"docker-support": {"allow-installation": allow}}});
        async { f.put_json(Some(&f.admin), RULES, body).await.error() }
    };
    // A rule snapd does not compile, with snapd's text.
    assert_eq!(
        refused(json!("maybe")).await,
        refusal(
            400,
            "invalid-request",
            "assertion snap-declaration: allow-installation in plug rule for interface \"docker-support\" must be a map or one of the shortcuts 'true' or 'false'"
        )
    );
    // Header values are strings: `snap sign`'s message for a JSON boolean.
    assert_eq!(
        refused(json!(true)).await,
        refusal(
            400,
            "invalid-request",
            "header \"plugs\": header values must be strings or nested lists or maps with strings as the only scalars: true"
        )
    );
    // Nothing was stored by the refusals.
    let snap_id = f
        .store
        .db
        .snap_by_name("hello")
        .await
        .unwrap()
        .unwrap()
        .snap_id;
    assert_eq!(declaration(&f, &snap_id).await.revision(), 0);
    // An unknown snap.
    let a = f
        .put_json(
            Some(&f.admin),
            "/api/v1/publisher/snaps/nope/interface-rules",
            json!({}),
        )
        .await;
    assert_eq!(
        a.error(),
        refusal(404, "not-found", "snap \"nope\" is not registered")
    );
}
