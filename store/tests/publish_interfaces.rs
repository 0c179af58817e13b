//! The interface rules an admin grants a snap: a new revision of its snap-declaration,
//! signed with the `plugs`/`slots` rules, refused with snapd's text when a rule does not
//! compile, and never set by a publisher.

mod publish_support;

use publish_support::{AUTHORITY, Fixture, refusal};
use serde_json::json;
use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_store::publisher_api::InterfaceRulesSet;

const RULES: &str = "/api/v1/publisher/snaps/hello/interface-rules";

async fn declaration(f: &Fixture, snap_id: &str) -> Assertion {
    declaration_in(f, snap_id, RuleLanguage::default()).await
}

/// The stored snap-declaration of `snap_id`, decoded in `language`.
async fn declaration_in(f: &Fixture, snap_id: &str, language: RuleLanguage) -> Assertion {
    let key = ["16".to_string(), snap_id.to_string()];
    let rec = f
        .store
        .db
        .assertion("snap-declaration", &key)
        .await
        .unwrap()
        .unwrap();
    Assertion::decode_in(rec.text.as_bytes(), language).unwrap()
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

/// A base-declaration of our own (snapd's is GPL-3 data of its sources): `docker-support`
/// plugs are not installed without a snap-declaration that allows them.
const BASE_DECLARATION: &str = "type: base-declaration
authority-id: canonical
series: 16
revision: 0
plugs:
  docker-support:
    allow-installation: false
slots:
  network:
    allow-installation:
      slot-snap-type:
        - core
";

const DOCKER: &str = "name: hello\nversion: 1.0\nplugs:\n  docker-support: null\napps:\n  hello:\n    command: bin/hello\n";

/// A store reviewing uploads against [`BASE_DECLARATION`] on the devices of the UC22
/// model (brand `canonical`).
async fn reviewing_store() -> Fixture {
    Fixture::start_with_policy(|dir| {
        let base = dir.join("base-declaration.txt");
        std::fs::write(&base, BASE_DECLARATION).unwrap();
        let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/ubuntu-core-22-amd64.model");
        ucore_store::upload_policy::UploadPolicy::load(&ucore_store::config::PolicySection {
            base_declaration: Some(base),
            models: vec![model],
            ..Default::default()
        })
        .unwrap()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_reviewed_against_the_declarations() {
    let f = reviewing_store().await;
    f.register("hello", "acme").await;
    let file = f.snap("hello_1.snap", DOCKER, &[("bin/hello", "#!/bin/sh\n")]);

    let refused = |why: &str| {
        let message = format!(
            "snap \"hello\" would not install on any model of this store: on canonical/ubuntu-core-22-amd64: installation not allowed by \"docker-support\" plug rule of interface \"docker-support\"{why}"
        );
        refusal(400, "invalid-snap", &message)
    };
    // The base-declaration does not let a snap plug docker-support.
    assert_eq!(f.push(&f.acme, &file, "").await.error(), refused(""));

    // Allowed for another brand's devices only: still refused, now by the snap's rule.
    let rules = |brand: &str| json!({"plugs": {"docker-support": {"allow-installation": {"on-brand": [brand]}}}});
    let a = f.put_json(Some(&f.admin), RULES, rules("acme")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    // Device scope needs format 3.
    assert_eq!(a.json::<InterfaceRulesSet>().format, 3);
    assert_eq!(
        f.push(&f.acme, &file, "").await.error(),
        refused(" for \"hello\" snap")
    );

    // Allowed on the store's model: the upload is a new revision.
    let a = f.put_json(Some(&f.admin), RULES, rules("canonical")).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = f.push(&f.acme, &file, "release=stable").await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_without_a_base_declaration_does_not_review_interfaces() {
    let f = Fixture::start().await;
    f.register("hello", "acme").await;
    let file = f.snap("hello_1.snap", DOCKER, &[("bin/hello", "#!/bin/sh\n")]);
    let a = f.push(&f.acme, &file, "").await;
    assert_eq!(a.status, 200, "{}", a.body);
}

#[test]
fn a_policy_refuses_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.txt");
    std::fs::write(&base, BASE_DECLARATION.replace("series: 16", "series: 18")).unwrap();
    let section = ucore_store::config::PolicySection {
        base_declaration: Some(base.clone()),
        ..Default::default()
    };
    let e = ucore_store::upload_policy::UploadPolicy::load(&section).unwrap_err();
    assert!(
        e.to_string().contains(
            "the builtin base-declaration \"series\" header is not set to expected value \"16\""
        ),
        "{e}"
    );
    let models_only = ucore_store::config::PolicySection {
        models: vec![base],
        ..Default::default()
    };
    assert_eq!(
        ucore_store::upload_policy::UploadPolicy::load(&models_only)
            .unwrap_err()
            .to_string(),
        "[policy] models need a base-declaration to review uploads against"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_classic_model_is_judged_as_a_classic_system() {
    // docker-support installs on classic systems only.
    let base = BASE_DECLARATION.replace(
        "    allow-installation: false\n",
        "    allow-installation:\n      on-classic: true\n",
    );
    let store_with = |model: &'static str| {
        let base = base.clone();
        Fixture::start_with_policy(move |dir| {
            let path = dir.join("base-declaration.txt");
            std::fs::write(&path, base).unwrap();
            let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(model);
            ucore_store::upload_policy::UploadPolicy::load(&ucore_store::config::PolicySection {
                base_declaration: Some(path),
                models: vec![model],
                ..Default::default()
            })
            .unwrap()
        })
    };
    let classic = store_with("../tests/data/assertions/trust/generic-classic-model.assert").await;
    classic.register("hello", "acme").await;
    let file = classic.snap("hello_1.snap", DOCKER, &[("bin/hello", "#!/bin/sh\n")]);
    let a = classic.push(&classic.acme, &file, "").await;
    assert_eq!(a.status, 200, "{}", a.body);

    let core = store_with("../tests/data/ubuntu-core-22-amd64.model").await;
    core.register("hello", "acme").await;
    let file = core.snap("hello_1.snap", DOCKER, &[("bin/hello", "#!/bin/sh\n")]);
    assert_eq!(core.push(&core.acme, &file, "").await.status, 400);
}

/// Rules only newer snapd knows (`on-core-desktop`): refused under snapd 2.57's rule
/// language (the default, with its text); with `[policy] rule-language = "current"` they
/// are signed, reviewed and served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newer_rules_need_the_current_rule_language() {
    let rules = json!({"plugs": {"x11": {"allow-auto-connection": {"on-core-desktop": "true"}}}});

    let old = Fixture::start().await;
    old.register("hello", "acme").await;
    assert_eq!(
        old.put_json(Some(&old.admin), RULES, rules.clone())
            .await
            .error(),
        refusal(
            400,
            "invalid-request",
            "assertion snap-declaration: allow-auto-connection in plug rule for interface \"x11\" must specify at least one of plug-names, slot-names, plug-attributes, slot-attributes, slot-snap-type, slot-publisher-id, slot-snap-id, slots-per-plug, plugs-per-slot, on-classic, on-store, on-brand, on-model"
        )
    );

    let f = Fixture::start_with_policy(|dir| {
        let base = dir.join("base-declaration.txt");
        std::fs::write(&base, BASE_DECLARATION).unwrap();
        ucore_store::upload_policy::UploadPolicy::load(&ucore_store::config::PolicySection {
            base_declaration: Some(base),
            rule_language: RuleLanguage::Current,
            ..Default::default()
        })
        .unwrap()
    })
    .await;
    // The store's own snap, which anonymous devices see once released.
    let snap_id = f.register("hello", AUTHORITY).await;
    let a = f.put_json(Some(&f.admin), RULES, rules).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json::<InterfaceRulesSet>().format, 1);
    let decl = declaration_in(&f, &snap_id, RuleLanguage::Current).await;
    let view = ucore_assertions::types::SnapDeclaration::try_from(&decl).unwrap();
    let sets = &view.plugs.get("x11").unwrap().allow_auto_connection;
    assert_eq!(sets[0].on_core_desktop, Some(true));

    // An upload is reviewed against it, and released.
    let file = f.snap(
        "hello_1.snap",
        "name: hello\nversion: 1\nplugs:\n  x11:\n",
        &[("bin/hello", "#!/bin/sh\n")],
    );
    let a = f.push(&f.admin, &file, "release=stable").await;
    assert_eq!(a.status, 200, "{}", a.body);
    // Devices fetch the declaration of a released snap (the store reads its format in
    // the same language).
    let served = f
        .get(
            None,
            &format!("/v2/assertions/snap-declaration/16/{snap_id}?max-format=1"),
        )
        .await;
    assert_eq!(served.status, 200, "{}", served.body);
    assert_eq!(served.body.as_bytes(), decl.encode().as_slice());
}
