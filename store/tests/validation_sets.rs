//! Validation sets in the store: a brand publishes the sets it signed (checked against
//! the store's trust database, snaps and revisions), devices fetch them from the
//! assertions endpoint and with `fetch-assertions`, and snap action honours the sets an
//! action carries.
//!
//! snapd's own client cannot be driven to send `validation-sets` here (the oracle's
//! `store-refresh` has no such option), so the snap-action requests below are raw JSON in
//! the exact shape snapd 2.57's `store/store_action.go` sends (spec update-control.md
//! §5.1's examples): `"validation-sets": [["16", ACCOUNT, NAME, SEQUENCE]]`, `"revision"`
//! for a pinned revision, `"ignore-validation"` on the action and sticky on the context
//! entry. `validation_sets_live.rs` has snapd's own client fetch a published set.

mod device_support;

use device_support::*;
use ucore_assertions::Assertion;
use ucore_store::credential::new_credential;
use ucore_store::db::CredentialScope;
use ucore_store::publisher_client::{ClientError, PublisherClient};
use ucore_store_client::protocol::{ActionResult, SnapActionResponse};
use ucore_test_support::keys;

/// Publishing credentials for `acme`, `other` and the admin, stored in the fixture.
fn clients(f: &Fixture) -> (PublisherClient, PublisherClient, PublisherClient) {
    let mut out = Vec::new();
    for scope in [
        CredentialScope::Publisher("acme".into()),
        CredentialScope::Publisher("other".into()),
        CredentialScope::Admin,
    ] {
        let (rec, file) = new_credential(scope, &f.url);
        f.rt.block_on(f.store.db.add_credential(&rec)).unwrap();
        out.push(PublisherClient::new(&f.url, &file));
    }
    let admin = out.pop().unwrap();
    let other = out.pop().unwrap();
    let acme = out.pop().unwrap();
    (acme, other, admin)
}

/// A validation set of `account` signed with `pem`: `snaps` as JSON entries,
/// `extra` headers (revision, series, …) merged in.
fn set_signed(
    pem: &str,
    account: &str,
    name: &str,
    sequence: u32,
    snaps: serde_json::Value,
    extra: serde_json::Value,
) -> Assertion {
    let mut json = serde_json::json!({"type": "validation-set", "authority-id": account,
        "account-id": account, "series": "16", "name": name, "sequence": sequence.to_string(),
        "snaps": snaps, "timestamp": "2016-12-01T00:00:00Z"});
    if let (Some(obj), Some(more)) = (json.as_object_mut(), extra.as_object()) {
        for (k, v) in more {
            obj.insert(k.clone(), v.clone());
        }
    }
    sign(&key(pem), json, None)
}

/// A set of acme, signed with acme's key.
fn acme_set(name: &str, sequence: u32, snaps: serde_json::Value) -> Assertion {
    set_signed(
        keys::ACME,
        "acme",
        name,
        sequence,
        snaps,
        serde_json::json!({}),
    )
}

fn entry(f: &Fixture, snap: &str, presence: &str, revision: Option<u32>) -> serde_json::Value {
    let mut e = serde_json::json!({"name": snap, "id": f.snap(snap).snap_id, "presence": presence});
    if let Some(r) = revision {
        e["revision"] = serde_json::json!(r.to_string());
    }
    e
}

fn bytes(a: &Assertion) -> Vec<u8> {
    ucore_assertions::AssertionAccess::encode(a)
}

/// The refusal of a push: (status, code, message).
fn refused(r: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, String) {
    match r {
        Err(ClientError::Refused {
            status,
            code,
            message,
        }) => (status, code, message),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn publishing_checks_every_rule_and_is_idempotent() {
    let f = Fixture::new();
    let (acme, other, admin) = clients(&f);
    let app = |presence, rev| serde_json::json!([entry(&f, "acme-app", presence, rev)]);

    let s1 = acme_set("set", 1, app("required", Some(2)));
    let pushed = acme.push_validation_set(&bytes(&s1)).unwrap();
    assert_eq!(
        (
            pushed.set.account_id.as_str(),
            pushed.set.name.as_str(),
            pushed.set.sequence,
            pushed.set.revision,
            pushed.set.snaps,
            pushed.unchanged
        ),
        ("acme", "set", 1, 0, 1, false)
    );
    // The very same assertion again: accepted, nothing changes.
    assert!(acme.push_validation_set(&bytes(&s1)).unwrap().unchanged);
    // Same revision, other content: refused, naming the next revision.
    let s1b = acme_set("set", 1, app("required", Some(1)));
    assert_eq!(
        refused(acme.push_validation_set(&bytes(&s1b))),
        (
            409,
            "conflict".into(),
            "revision 0 of sequence 1 of acme/set already exists; the next is 1".into()
        )
    );
    // A higher revision replaces it; a lower one is then refused.
    let s1r2 = set_signed(
        keys::ACME,
        "acme",
        "set",
        1,
        app("required", Some(2)),
        serde_json::json!({"revision": "2"}),
    );
    assert_eq!(
        acme.push_validation_set(&bytes(&s1r2))
            .unwrap()
            .set
            .revision,
        2
    );
    let s1r1 = set_signed(
        keys::ACME,
        "acme",
        "set",
        1,
        app("optional", None),
        serde_json::json!({"revision": "1"}),
    );
    assert_eq!(
        refused(acme.push_validation_set(&bytes(&s1r1))).2,
        "revision 2 of sequence 1 of acme/set already exists; the next is 3"
    );
    // A new sequence may skip numbers; an admin may push any brand's set.
    let s5 = acme_set("set", 5, app("optional", None));
    assert_eq!(
        admin.push_validation_set(&bytes(&s5)).unwrap().set.sequence,
        5
    );

    // Another brand's credential may not push acme's set.
    let s2 = acme_set("set", 2, app("required", None));
    assert_eq!(
        refused(other.push_validation_set(&bytes(&s2))),
        (
            403,
            "forbidden".into(),
            "this credential cannot push validation sets of account \"acme\"".into()
        )
    );
    // Signed with another key than acme's account-key.
    let forged = set_signed(
        keys::SPARE,
        "acme",
        "set",
        2,
        app("required", None),
        serde_json::json!({}),
    );
    let (status, code, message) = refused(acme.push_validation_set(&bytes(&forged)));
    assert_eq!((status, code.as_str()), (400, "invalid-assertion"));
    assert!(
        message.starts_with("validation set acme/set: cannot verify its signature: "),
        "{message}"
    );
    // An account that is not a brand of this store.
    let nobody = set_signed(
        keys::SPARE,
        "nobody",
        "set",
        1,
        app("required", None),
        serde_json::json!({}),
    );
    assert_eq!(
        refused(admin.push_validation_set(&bytes(&nobody))),
        (
            403,
            "forbidden".into(),
            "account \"nobody\" is not a brand of this store".into()
        )
    );
    // Another series.
    let s17 = set_signed(
        keys::ACME,
        "acme",
        "set",
        2,
        app("required", None),
        serde_json::json!({"series": "17"}),
    );
    assert_eq!(
        refused(acme.push_validation_set(&bytes(&s17))).2,
        "validation set acme/set: series \"17\" is not 16, the series devices ask for"
    );
    // Snaps: an unknown id, an id under another name, a revision the store lacks.
    let unknown = acme_set(
        "set",
        2,
        serde_json::json!([{"name": "acme-app", "id": "unknownidxxxxxxxxxxxxxxxxxxxxxxx"}]),
    );
    assert_eq!(
        refused(acme.push_validation_set(&bytes(&unknown))),
        (
            400,
            "unknown-snap".into(),
            "validation set acme/set: snap \"acme-app\" has id \"unknownidxxxxxxxxxxxxxxxxxxxxxxx\", which is not in this store".into()
        )
    );
    let renamed = acme_set(
        "set",
        2,
        serde_json::json!([{"name": "other-name", "id": f.snap("acme-app").snap_id}]),
    );
    assert_eq!(
        refused(acme.push_validation_set(&bytes(&renamed))).2,
        format!(
            "validation set acme/set: snap id {:?} is \"acme-app\" in this store, not \"other-name\"",
            f.snap("acme-app").snap_id
        )
    );
    let no_rev = acme_set("set", 2, app("required", Some(9)));
    assert_eq!(
        refused(acme.push_validation_set(&bytes(&no_rev))),
        (
            400,
            "revision-not-found".into(),
            "validation set acme/set: snap \"acme-app\" has no revision 9 in this store".into()
        )
    );
    // Not a validation set; not an assertion; two assertions.
    let (status, code, message) = refused(acme.push_validation_set(&bytes(&account("acme"))));
    assert_eq!(
        (status, code.as_str(), message.as_str()),
        (
            400,
            "invalid-assertion",
            "the assertion is a account, not a validation-set"
        )
    );
    assert_eq!(
        refused(acme.push_validation_set(b"hello")).1,
        "invalid-assertion"
    );
    let mut two = bytes(&s1);
    two.extend_from_slice(b"\n");
    two.extend_from_slice(&bytes(&s5));
    assert_eq!(
        refused(acme.push_validation_set(&two)).2,
        "the body must hold exactly one assertion, it holds 2"
    );

    // No credential, an unknown one.
    let (status, body) = post_json(
        &format!("{}/api/v1/publisher/validation-sets", f.url),
        &[],
        "{}",
    );
    assert_eq!(status, 401, "{body}");
    let (status, body) = post_json(
        &format!("{}/api/v1/publisher/validation-sets", f.url),
        &[(
            "Authorization",
            &format!(
                "Macaroon root=\"{}\", discharge=\"x\"",
                "unknown-credential"
            ),
        )],
        "{}",
    );
    assert_eq!(status, 401, "{body}");

    // The list: the latest sequence of each set, with its revision.
    let s1_other_name = acme_set("pins", 3, app("invalid", None));
    acme.push_validation_set(&bytes(&s1_other_name)).unwrap();
    let list = acme.validation_sets(None).unwrap();
    let got: Vec<_> = list
        .validation_sets
        .iter()
        .map(|s| (s.name.as_str(), s.sequence, s.revision))
        .collect();
    assert_eq!(got, [("pins", 3, 0), ("set", 5, 0)]);
    let only = acme.validation_sets(Some("set")).unwrap();
    assert_eq!(only.validation_sets.len(), 1);
    assert!(
        other
            .validation_sets(None)
            .unwrap()
            .validation_sets
            .is_empty()
    );
    assert_eq!(
        admin.validation_sets(None).unwrap().validation_sets.len(),
        2
    );

    let metrics = f.store.metrics.render();
    let count = |name: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse::<u64>().ok())
    };
    // s1, s1r2, s5 and pins published; twelve refusals (the unauthenticated requests are
    // refused before the handler runs, and are not counted).
    assert_eq!(
        count("ucore_store_validation_sets_published_total"),
        Some(4)
    );
    assert_eq!(count("ucore_store_validation_sets_refused_total"), Some(12));
}

#[test]
fn a_push_needs_the_assertion_media_type() {
    let f = Fixture::new();
    let (rec, file) = new_credential(CredentialScope::Publisher("acme".into()), &f.url);
    f.rt.block_on(f.store.db.add_credential(&rec)).unwrap();
    let auth = format!(
        "Macaroon root=\"{}\", discharge=\"{}\"",
        file.macaroon, file.discharges[0]
    );
    let set = acme_set(
        "set",
        1,
        serde_json::json!([entry(&f, "acme-app", "optional", None)]),
    );
    let text = String::from_utf8(bytes(&set)).unwrap();
    let (status, body) = post_json(
        &format!("{}/api/v1/publisher/validation-sets", f.url),
        &[("Authorization", &auth)],
        &text,
    );
    assert_eq!(status, 415, "{body}");
    assert!(body.contains("unsupported-media-type"), "{body}");
}

/// Publishes acme's sets for the serving and enforcement tests:
/// * `pin` seq 1: acme-app required at 2; seq 2: acme-app required at 1;
/// * `any`: acme-app required at any revision;
/// * `bad`: acme-app invalid;
/// * `pin1`: acme-app required at 1 (conflicts with `pin` seq 1);
/// * `base`: core-base required at 1, acme-app optional.
fn publish_sets(f: &Fixture) {
    let (acme, _, _) = clients(f);
    let sets = [
        ("pin", 1, vec![entry(f, "acme-app", "required", Some(2))]),
        ("pin", 2, vec![entry(f, "acme-app", "required", Some(1))]),
        ("any", 1, vec![entry(f, "acme-app", "required", None)]),
        ("bad", 1, vec![entry(f, "acme-app", "invalid", None)]),
        ("pin1", 1, vec![entry(f, "acme-app", "required", Some(1))]),
        (
            "base",
            1,
            vec![
                entry(f, "core-base", "required", Some(1)),
                entry(f, "acme-app", "optional", None),
            ],
        ),
    ];
    for (name, seq, snaps) in sets {
        let a = acme_set(name, seq, serde_json::Value::Array(snaps));
        acme.push_validation_set(&bytes(&a)).unwrap();
    }
}

#[test]
fn published_sets_are_served_by_sequence() {
    let f = Fixture::new();
    publish_sets(&f);
    let serve = |query: &str| {
        let a = get(
            &format!("{}/v2/assertions/validation-set/16/acme/pin{query}", f.url),
            &[("Accept", "application/x.ubuntu.assertion")],
        );
        assert_eq!(a.status, 200, "{}", a.text());
        let set = Assertion::decode(&a.body).unwrap();
        ucore_assertions::AssertionAccess::header_str(&set, "sequence")
            .unwrap()
            .to_string()
    };
    assert_eq!(serve(""), "2");
    assert_eq!(serve("?sequence=latest"), "2");
    assert_eq!(serve("?sequence=1"), "1");
    let missing = get(
        &format!(
            "{}/v2/assertions/validation-set/16/acme/pin?sequence=7",
            f.url
        ),
        &[],
    );
    assert_eq!(missing.status, 404);

    // fetch-assertions: by sequence key (latest, pinned, newer than), and not found.
    let body = serde_json::json!({"context": [], "actions": [{"action": "fetch-assertions",
        "key": "g1", "assertions": [
            {"type": "validation-set", "sequence-key": ["16", "acme", "pin"]},
            {"type": "validation-set", "sequence-key": ["16", "acme", "pin"], "sequence": 1},
            {"type": "validation-set", "sequence-key": ["16", "acme", "any"],
             "if-sequence-equal-or-newer-than": 1, "if-newer-than": 0},
            {"type": "validation-set", "sequence-key": ["16", "acme", "nope"]}
        ]}], "assertion-max-formats": {"snap-declaration": 5}});
    let (status, text) = post_json(
        &format!("{}/v2/snaps/refresh", f.url),
        &[("Snap-Device-Architecture", "amd64")],
        &body.to_string(),
    );
    assert_eq!(status, 200, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["result"], "fetch-assertions");
    assert_eq!(
        r["assertion-stream-urls"],
        serde_json::json!([
            format!(
                "{}/v2/assertions/validation-set/16/acme/pin?sequence=2",
                f.url
            ),
            format!(
                "{}/v2/assertions/validation-set/16/acme/pin?sequence=1",
                f.url
            ),
        ])
    );
    // snapd reads a not-found with a sequence key as NotFoundError on that sequence.
    let e = &r["error-list"][0];
    assert_eq!(e["code"], "not-found");
    assert_eq!(e["type"], "validation-set");
    assert_eq!(e["sequence-key"], serde_json::json!(["16", "acme", "nope"]));
    assert!(e.get("primary-key").is_none(), "{e}");
    assert_eq!(r["error-list"].as_array().unwrap().len(), 1, "{r}");
}

/// A snap action as acme's device on `arch`; the one result.
fn act(f: &Fixture, session: &str, arch: &str, body: serde_json::Value) -> ActionResult {
    let auth = device_v2(session);
    let (status, text) = post_json(
        &format!("{}/v2/snaps/refresh", f.url),
        &[
            ("Snap-Device-Architecture", arch),
            ("Snap-Device-Authorization", &auth),
        ],
        &body.to_string(),
    );
    assert_eq!(status, 200, "{text}");
    let mut r: SnapActionResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(r.results.len(), 1, "{text}");
    r.results.remove(0)
}

/// (result, revision, effective channel, error code, error message).
fn outcome(r: &ActionResult) -> (String, u32, String, String, String) {
    (
        r.result.clone(),
        r.snap.as_ref().map_or(0, |s| s.revision),
        r.effective_channel.clone(),
        r.error.as_ref().map(|e| e.code.clone()).unwrap_or_default(),
        r.error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
    )
}

fn ok(result: &str, revision: u32, channel: &str) -> (String, u32, String, String, String) {
    (
        result.into(),
        revision,
        channel.into(),
        String::new(),
        String::new(),
    )
}

fn error(code: &str, message: &str) -> (String, u32, String, String, String) {
    (
        "error".into(),
        0,
        String::new(),
        code.into(),
        message.into(),
    )
}

/// An install action (snapd's shape) with `extra` fields merged in.
fn install(extra: serde_json::Value) -> serde_json::Value {
    let mut a = serde_json::json!({"action": "install", "instance-key": "install-1",
        "name": "acme-app", "epoch": null});
    for (k, v) in extra.as_object().unwrap() {
        a[k] = v.clone();
    }
    serde_json::json!({"context": [], "actions": [a]})
}

/// A refresh of acme-app installed at `installed`, with `action` and `context` fields
/// merged in.
fn refresh(
    f: &Fixture,
    installed: u32,
    action: serde_json::Value,
    context: serde_json::Value,
) -> serde_json::Value {
    let id = f.snap("acme-app").snap_id.clone();
    let mut c = serde_json::json!({"snap-id": id, "instance-key": id, "revision": installed,
        "tracking-channel": "stable", "refreshed-date": "2016-12-01T00:00:00Z",
        "epoch": {"read": [0], "write": [0]}});
    for (k, v) in context.as_object().unwrap() {
        c[k] = v.clone();
    }
    let mut a = serde_json::json!({"action": "refresh", "instance-key": id, "snap-id": id});
    for (k, v) in action.as_object().unwrap() {
        a[k] = v.clone();
    }
    serde_json::json!({"context": [c], "actions": [a]})
}

#[test]
fn snap_action_honours_the_sets_an_action_carries() {
    let f = Fixture::new();
    publish_sets(&f);
    let s = f.session("acme");
    let run = |arch: &str, body| outcome(&act(&f, &s, arch, body));
    let sets = |keys: &[&[&str]]| serde_json::json!(keys);

    // Without sets: the stable channel gives revision 1.
    assert_eq!(
        run("amd64", install(serde_json::json!({"channel": "stable"}))),
        ok("install", 1, "stable")
    );
    // Required at revision 2 (snapd sends the revision, no channel): revision 2, no
    // channel resolution.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"revision": 2, "validation-sets": sets(&[&["16", "acme", "pin", "1"]])})
            )
        ),
        ok("install", 2, "")
    );
    // A channel alongside a pinning set: the pinned revision all the same.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"channel": "stable", "validation-sets": sets(&[&["16", "acme", "pin", "1"]])})
            )
        ),
        ok("install", 2, "")
    );
    // A 3-value key is the latest sequence: seq 2 pins revision 1.
    assert_eq!(
        run(
            "amd64",
            install(serde_json::json!({"validation-sets": sets(&[&["16", "acme", "pin"]])}))
        ),
        ok("install", 1, "")
    );
    // Required at any revision: the channel decides.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"channel": "beta", "validation-sets": sets(&[&["16", "acme", "any", "1"]])})
            )
        ),
        ok("install", 2, "beta")
    );
    // Optional in a set that pins another snap: the channel decides.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"channel": "stable", "validation-sets": sets(&[&["16", "acme", "base", "1"]])})
            )
        ),
        ok("install", 1, "stable")
    );
    // Invalid: refused with snapd's text.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"channel": "stable", "validation-sets": sets(&[&["16", "acme", "bad", "1"]])})
            )
        ),
        error(
            "validation-set-invalid",
            "cannot install snap \"acme-app\" due to enforcing rules of validation set 16/acme/bad/1"
        )
    );
    // Another revision than the pinned one.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"revision": 1, "validation-sets": sets(&[&["16", "acme", "pin", "1"]])})
            )
        ),
        error(
            "validation-set-revision",
            "cannot install snap \"acme-app\" at requested revision 1 without --ignore-validation, revision 2 required by validation sets: 16/acme/pin/1"
        )
    );
    // Sets in conflict.
    assert_eq!(
        run(
            "amd64",
            install(serde_json::json!({"validation-sets": sets(&[
                &["16", "acme", "pin", "1"], &["16", "acme", "pin1", "1"]])}))
        ),
        error(
            "validation-set-conflict",
            "validation sets are in conflict:\n- cannot constrain snap \"acme-app\" at different revisions 1 (acme/pin1), 2 (acme/pin)"
        )
    );
    // Unknown sets, and an unknown sequence of a known one.
    assert_eq!(
        run(
            "amd64",
            install(serde_json::json!({"validation-sets": sets(&[&["16", "acme", "nope"]])}))
        ),
        error(
            "validation-set-not-found",
            "validation set 16/acme/nope not found"
        )
    );
    assert_eq!(
        run(
            "amd64",
            install(serde_json::json!({"validation-sets": sets(&[&["16", "acme", "pin", "9"]])}))
        ),
        error(
            "validation-set-not-found",
            "validation set 16/acme/pin/9 not found"
        )
    );
    // Malformed keys, two sequences of one set.
    assert_eq!(
        run(
            "amd64",
            install(serde_json::json!({"validation-sets": sets(&[&["foo", "bar"]])}))
        )
        .3,
        "validation-set-key"
    );
    assert_eq!(
        run(
            "amd64",
            install(serde_json::json!({"validation-sets": sets(&[
                &["16", "acme", "pin", "1"], &["16", "acme", "pin", "2"]])}))
        ),
        error(
            "validation-set-key",
            "cannot add a second validation-set under \"acme/pin\""
        )
    );
    // The pinned revision is amd64 only: none for arm64.
    let r = run(
        "arm64",
        install(serde_json::json!({"validation-sets": sets(&[&["16", "acme", "pin", "1"]])})),
    );
    assert_eq!(r.3, "revision-not-found", "{r:?}");
    // ignore-validation: the sets are not read at all.
    assert_eq!(
        run(
            "amd64",
            install(
                serde_json::json!({"channel": "stable", "ignore-validation": true,
                "validation-sets": sets(&[&["16", "acme", "bad", "1"]])})
            )
        ),
        ok("install", 1, "stable")
    );
    // Download actions too.
    let mut download =
        install(serde_json::json!({"validation-sets": sets(&[&["16", "acme", "pin", "1"]])}));
    download["actions"][0]["action"] = "download".into();
    download["actions"][0]["instance-key"] = "download-1".into();
    assert_eq!(run("amd64", download), ok("download", 2, ""));

    let metrics = f.store.metrics.render();
    assert!(
        metrics.contains("ucore_store_validation_refusals_total 7\n"),
        "{metrics}"
    );
}

#[test]
fn refreshes_honour_sets_and_the_sticky_flag() {
    let f = Fixture::new();
    publish_sets(&f);
    let s = f.session("acme");
    let run = |body| outcome(&act(&f, &s, "amd64", body));
    let pin1 = serde_json::json!([["16", "acme", "pin", "1"]]);
    let none = serde_json::json!({});

    // snapd's single-snap refresh: the pinned revision, sets on the action.
    assert_eq!(
        run(refresh(
            &f,
            1,
            serde_json::json!({"revision": 2, "ignore-validation": false, "validation-sets": pin1}),
            none.clone()
        )),
        ok("refresh", 2, "")
    );
    // Already at the pinned revision: the installed revision (snapd: "no updates").
    assert_eq!(
        run(refresh(
            &f,
            2,
            serde_json::json!({"validation-sets": pin1}),
            none.clone()
        )),
        ok("refresh", 2, "")
    );
    // Another revision than the pinned one.
    assert_eq!(
        run(refresh(
            &f,
            1,
            serde_json::json!({"revision": 1, "validation-sets": pin1}),
            none.clone()
        )),
        error(
            "validation-set-revision",
            "cannot update snap \"acme-app\" to revision 1 without --ignore-validation, revision 2 is required by validation sets: 16/acme/pin/1"
        )
    );
    // The context entry's sets, when the action carries none.
    assert_eq!(
        run(refresh(
            &f,
            1,
            none.clone(),
            serde_json::json!({"validation-sets": pin1})
        )),
        ok("refresh", 2, "")
    );
    let bad = serde_json::json!([["16", "acme", "bad", "1"]]);
    assert_eq!(
        run(refresh(
            &f,
            1,
            none.clone(),
            serde_json::json!({"validation-sets": bad})
        ))
        .3,
        "validation-set-invalid"
    );
    // The sticky flag on the context entry skips them ...
    assert_eq!(
        run(refresh(
            &f,
            1,
            serde_json::json!({"validation-sets": bad}),
            serde_json::json!({"ignore-validation": true})
        )),
        ok("refresh", 1, "stable")
    );
    // ... unless the action enforces (snapd's "ignore-validation": false).
    assert_eq!(
        run(refresh(
            &f,
            1,
            serde_json::json!({"ignore-validation": false, "validation-sets": bad}),
            serde_json::json!({"ignore-validation": true})
        )),
        error(
            "validation-set-invalid",
            "cannot refresh snap \"acme-app\" due to enforcing rules of validation set 16/acme/bad/1"
        )
    );
    // No sets anywhere: the tracked channel.
    assert_eq!(
        run(refresh(&f, 1, none.clone(), none)),
        ok("refresh", 1, "stable")
    );
}
