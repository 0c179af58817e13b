//! The publishing API over a real socket: register, push, release, close and status, the
//! refusals of the upload review with their texts, path traversal, revisions never
//! overwritten, brands kept apart, and credentials checked.

mod publish_support;

use publish_support::{AUTHORITY, Fixture, MAX_SNAP_SIZE, refusal};
use serde_json::json;
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_store::publisher_api::{Closed, NameRegistered, Pushed, Released, SnapStatus};

const HELLO: &str = "name: hello\nversion: 1.0\nsummary: greets\narchitectures: [amd64]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_snap_becomes_a_revision_with_assertions_a_device_trusts() {
    let f = Fixture::start().await;
    let snap_id = f.register("hello", "acme").await;
    assert_eq!(snap_id.len(), 32);

    let file = f.snap("hello_1.snap", HELLO, &[]);
    let a = f
        .push(&f.acme, &file, "release=stable&release=2.0%2Fbeta")
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let pushed: Pushed = a.json();
    let digest = ucore_snap::digest::snap_file_digest(&file).unwrap();
    assert_eq!(
        pushed,
        Pushed {
            name: "hello".into(),
            snap_id: snap_id.clone(),
            revision: 1,
            sha3_384: digest.sha3_384_hex(),
            size: digest.size,
            released: vec!["latest/stable".into(), "2.0/beta".into()],
        }
    );
    // The blob is stored under its digest.
    let blob = f.store.blobs.path(&digest.sha3_384_hex()).unwrap();
    assert_eq!(std::fs::read(blob).unwrap(), std::fs::read(&file).unwrap());

    // The snap-declaration and snap-revision check in a trust database that trusts the
    // store's authority, as a device's does.
    let stored = |t: &'static str, key: Vec<String>| {
        let db = f.store.db.clone();
        async move {
            let rec = db.assertion(t, &key).await.unwrap().unwrap();
            (rec.snap_id, Assertion::decode(rec.text.as_bytes()).unwrap())
        }
    };
    let (decl_snap, decl) = stored("snap-declaration", vec!["16".into(), snap_id.clone()]).await;
    assert_eq!(decl_snap, snap_id);
    assert_eq!(decl.authority_id(), Some(AUTHORITY));
    assert_eq!(decl.header_str("snap-name"), Some("hello"));
    assert_eq!(decl.header_str("publisher-id"), Some("acme"));
    let (rev_snap, rev) = stored(
        "snap-revision",
        vec![digest.sha3_384_base64url(), "global-upload".into()],
    )
    .await;
    assert_eq!(rev_snap, snap_id);
    assert_eq!(rev.header_str("snap-id"), Some(snap_id.as_str()));
    assert_eq!(rev.header_str("snap-revision"), Some("1"));
    assert_eq!(rev.header_str("developer-id"), Some("acme"));
    assert_eq!(
        rev.header_str("snap-size"),
        Some(digest.size.to_string().as_str())
    );
    let trust = ucore_signing::Database::with_trusted(f.trusted.clone()).unwrap();
    trust.add(f.brands[0].clone()).unwrap();
    trust.add(decl).unwrap();
    trust.add(rev).unwrap();

    // The status shows the revision and where it is released.
    let a = f.status(&f.acme, "hello").await;
    assert_eq!(a.status, 200, "{}", a.body);
    let status: SnapStatus = a.json();
    assert_eq!(status.snap_id, snap_id);
    assert_eq!(status.publisher, "acme");
    assert_eq!(status.revisions.len(), 1);
    assert_eq!(status.revisions[0].version, "1.0");
    assert_eq!(status.revisions[0].architectures, ["amd64"]);
    let open: Vec<(String, Option<u32>)> = status
        .channel_map
        .iter()
        .filter(|c| c.state == "open")
        .map(|c| (c.channel.clone(), c.revision))
        .collect();
    assert_eq!(
        open,
        [
            ("latest/stable".to_string(), Some(1)),
            ("2.0/beta".to_string(), Some(1))
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_never_overwrites_a_revision() {
    let f = Fixture::start().await;
    f.register("hello", "acme").await;
    let one = f.snap("hello_1.snap", HELLO, &[]);
    assert_eq!(f.push(&f.acme, &one, "").await.status, 200);
    let again = f.push(&f.acme, &one, "release=stable").await;
    let (status, code, message) = again.error();
    assert_eq!((status, code.as_str()), (409, "conflict"), "{message}");
    // Nothing was released by the refused upload.
    let s: SnapStatus = f
        .get(Some(&f.acme), "/api/v1/publisher/snaps/hello")
        .await
        .json();
    assert!(s.channel_map.is_empty());
    assert_eq!(s.revisions.len(), 1);

    let two = f.snap("hello_2.snap", &HELLO.replace("1.0", "2.0"), &[]);
    let pushed: Pushed = f.push(&f.admin, &two, "").await.json();
    assert_eq!(pushed.revision, 2);
    let s: SnapStatus = f
        .get(Some(&f.admin), "/api/v1/publisher/snaps/hello")
        .await
        .json();
    let revisions: Vec<(u32, &str)> = s
        .revisions
        .iter()
        .map(|r| (r.revision, r.version.as_str()))
        .collect();
    assert_eq!(revisions, [(2, "2.0"), (1, "1.0")]);
    // Two accepted, one refused, in the metrics.
    let metrics = f.store.metrics.render();
    assert!(
        metrics.contains("ucore_store_uploads_accepted_total 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ucore_store_uploads_refused_total 1"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_refuses_with_its_reasons() {
    let f = Fixture::start().await;
    f.register("hello", "acme").await;
    f.register("theirs", "other").await;
    f.register("core24", "acme").await;
    let cases: &[(&str, String, &str)] = &[
        (
            "unregistered",
            "name: nobody\nversion: 1\n".into(),
            "snap name \"nobody\" is not registered in this store",
        ),
        (
            "another-brands",
            "name: theirs\nversion: 1\n".into(),
            "snap name \"theirs\" is registered to another publisher",
        ),
        (
            "unknown-arch",
            "name: hello\nversion: 1\narchitectures: [amd64, vax]\n".into(),
            "unknown architecture \"vax\"",
        ),
        (
            "base-by-a-brand",
            "name: core24\nversion: 1\ntype: base\n".into(),
            "snap \"core24\" has type \"base\", which only the store's authority \"teststore\" publishes",
        ),
        (
            "bad-plugs",
            "name: hello\nversion: 1\nplugs:\n  a: {interface: no-such-thing}\n  b: {interface: no-such-thing}\n".into(),
            "snap \"hello\" has bad plugs or slots: a, b (unknown interface \"no-such-thing\")",
        ),
        (
            "no-version",
            "name: hello\n".into(),
            "invalid snap version: cannot be empty",
        ),
        (
            "bad-yaml",
            "name: [hello\n".into(),
            "cannot parse snap.yaml: yaml: line 1: did not find expected ',' or ']'",
        ),
    ];
    for (what, yaml, message) in cases {
        let file = f.snap(&format!("{what}.snap"), yaml, &[]);
        let a = f.push(&f.acme, &file, "").await;
        assert_eq!(
            a.error(),
            (400, "invalid-snap".to_string(), message.to_string()),
            "{what}"
        );
    }
    let a = f
        .push_bytes(&f.acme, b"not a squashfs image".to_vec(), "")
        .await;
    assert_eq!(
        a.error(),
        (
            400,
            "invalid-snap".into(),
            "the uploaded snap is not a snap (not a squashfs image)".into()
        )
    );
    // Too large: refused on its Content-Length before any byte is read, or, sent
    // chunked, once the stream passes the limit.
    let auth = publish_support::authorization(&f.acme);
    let too_large = (
        413,
        "too-large".to_string(),
        format!("the request body is larger than {MAX_SNAP_SIZE} bytes"),
    );
    let head = format!(
        "POST /api/v1/publisher/snaps HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}",
        MAX_SNAP_SIZE + 1
    );
    assert_eq!(
        publish_support::raw(&f.url, head, vec![]).await.error(),
        too_large
    );
    let head = format!(
        "POST /api/v1/publisher/snaps HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked"
    );
    let chunk = |n: usize| {
        let mut c = format!("{n:x}\r\n").into_bytes();
        c.extend(std::iter::repeat_n(b'x', n));
        c.extend(b"\r\n");
        c
    };
    let mut chunks: Vec<Vec<u8>> = (0..(MAX_SNAP_SIZE / 4096 + 2))
        .map(|_| chunk(4096))
        .collect();
    chunks.push(b"0\r\n\r\n".to_vec());
    assert_eq!(
        publish_support::raw(&f.url, head, chunks).await.error(),
        too_large
    );
    // A bad channel is refused before the upload is read.
    let file = f.snap("hello.snap", HELLO, &[]);
    let a = f.push(&f.acme, &file, "release=..%2Fstable").await;
    assert_eq!(
        a.error(),
        (
            400,
            "invalid-request".into(),
            "invalid channel name: ../stable".into()
        )
    );
    // Nothing of the refused uploads became a revision.
    let s: SnapStatus = f
        .get(Some(&f.admin), "/api/v1/publisher/snaps/hello")
        .await
        .json();
    assert!(s.revisions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_authority_publishes_bases_and_brands_their_own_snaps() {
    let f = Fixture::start().await;
    f.register("core24", AUTHORITY).await;
    let base = f.snap("core24.snap", "name: core24\nversion: 1\ntype: base\n", &[]);
    // A brand may not push the authority's snap; the admin may.
    assert_eq!(f.push(&f.acme, &base, "").await.error().1, "invalid-snap");
    let pushed: Pushed = f.push(&f.admin, &base, "release=stable").await.json();
    assert_eq!(pushed.revision, 1);

    f.register("pc", "acme").await;
    let gadget = f.snap("pc.snap", "name: pc\nversion: 1\ntype: gadget\n", &[]);
    let a = f.push(&f.acme, &gadget, "").await;
    let pushed: Pushed = a.json();
    assert_eq!(pushed.revision, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_traversal_is_refused_everywhere() {
    let f = Fixture::start().await;
    let bad_name = refusal(400, "invalid-request", "invalid snap name: \"../../etc\"");
    let a = f.names(&f.admin, json!({"name": "../../etc", "publisher": "acme"}));
    assert_eq!(a.await.error(), bad_name);
    let id = "../../../../../../etc/passwd00000000";
    let a = f.names(
        &f.admin,
        json!({"name": "hello", "publisher": "acme", "snap-id": id}),
    );
    let bad_id = refusal(
        400,
        "invalid-request",
        &format!("invalid snap-id: \"{id}\""),
    );
    assert_eq!(a.await.error(), bad_id);
    assert_eq!(f.status(&f.admin, "..%2F..%2Fetc").await.error(), bad_name);

    f.register("hello", "acme").await;
    let stable = json!(["stable"]);
    for revision in [json!("../1"), json!(-1), json!(1.5)] {
        let a = f.release(&f.acme, "hello", revision, stable.clone()).await;
        assert_eq!(a.error().1, "invalid-request");
    }
    let a = f.release(&f.acme, "hello", json!(1), json!(["latest/../stable"]));
    let bad_risk = "invalid risk in channel name: latest/../stable";
    assert_eq!(a.await.error(), refusal(400, "invalid-request", bad_risk));
    let a = f.close(&f.acme, "hello", "../stable").await;
    let bad_channel = "invalid channel name: ../stable";
    assert_eq!(a.error(), refusal(400, "invalid-request", bad_channel));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_cannot_touch_another_brands_snap() {
    let f = Fixture::start().await;
    let forbidden = refusal(
        403,
        "forbidden",
        "this credential cannot act for publisher \"other\"",
    );
    // Registering for another publisher, for itself, for an unknown one.
    let a = f.names(&f.acme, json!({"name": "mine", "publisher": "other"}));
    assert_eq!(a.await.error(), forbidden);
    let a = f.names(&f.acme, json!({"name": "mine", "publisher": "acme"}));
    assert_eq!(a.await.json::<NameRegistered>().publisher, "acme");
    let a = f.names(&f.admin, json!({"name": "ghost", "publisher": "nobody"}));
    let unknown = "account \"nobody\" is not a publisher of this store";
    assert_eq!(a.await.error(), refusal(404, "not-found", unknown));

    f.register("theirs", "other").await;
    let file = f.snap("theirs.snap", "name: theirs\nversion: 1\n", &[]);
    let pushed: Pushed = f.push(&f.other, &file, "release=stable").await.json();
    let a = f.release(&f.acme, "theirs", json!(pushed.revision), json!(["edge"]));
    assert_eq!(a.await.error(), forbidden);
    assert_eq!(
        f.close(&f.acme, "theirs", "stable").await.error(),
        forbidden
    );
    assert_eq!(f.status(&f.acme, "theirs").await.error(), forbidden);
    // Taken names and ids conflict.
    let a = f.names(&f.acme, json!({"name": "mine", "publisher": "acme"}));
    assert_eq!(a.await.error().0, 409);
    let id = pushed.snap_id;
    let a = f.names(
        &f.admin,
        json!({"name": "fresh", "publisher": "acme", "snap-id": id}),
    );
    assert_eq!(a.await.error().0, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_are_checked_with_one_answer() {
    let f = Fixture::start().await;
    let body = json!({"name": "hello", "publisher": "acme"});
    let none = f.post_json(None, "/api/v1/publisher/names", body.clone());
    assert_eq!(none.await.error().0, 401);
    let mut wrong_secret = f.acme.clone();
    wrong_secret.discharges = vec!["x".repeat(43)];
    let mut unknown_id = f.acme.clone();
    unknown_id.macaroon = "y".repeat(22);
    let mut no_discharge = f.acme.clone();
    no_discharge.discharges.clear();
    let expected = refusal(401, "unauthorized", "invalid publisher credential");
    for c in [&wrong_secret, &unknown_id, &no_discharge] {
        assert_eq!(f.names(c, body.clone()).await.error(), expected);
    }
    // An unauthenticated upload is refused before its body is read.
    let file = f.snap("hello.snap", HELLO, &[]);
    assert_eq!(f.push(&wrong_secret, &file, "").await.error(), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releases_and_closes_make_the_channel_map() {
    let f = Fixture::start().await;
    f.register("hello", "acme").await;
    let one = f.snap("hello_1.snap", HELLO, &[]);
    let two = f.snap("hello_2.snap", &HELLO.replace("1.0", "2.0"), &[]);
    f.push(&f.acme, &one, "release=stable").await;
    f.push(&f.acme, &two, "").await;
    let a = f.release(&f.acme, "hello", json!(2), json!(["beta", "edge/fix-1"]));
    let released: Released = a.await.json();
    assert_eq!(released.channels, ["latest/beta", "latest/edge/fix-1"]);
    let a = f.release(&f.acme, "hello", json!(3), json!(["beta"]));
    let missing = "snap \"hello\" has no revision 3";
    assert_eq!(a.await.error(), refusal(404, "not-found", missing));
    let a = f.release(&f.acme, "hello", json!(2), json!([]));
    assert_eq!(a.await.error().0, 400);
    let closed: Closed = f.close(&f.acme, "hello", "beta").await.json();
    assert_eq!(closed.channel, "latest/beta");

    let status: SnapStatus = f.status(&f.acme, "hello").await.json();
    let map: Vec<String> = status
        .channel_map
        .iter()
        .map(|c| {
            let revision = c.revision.map_or("-".into(), |r| r.to_string());
            let follows = c.follows.as_deref().unwrap_or("");
            let line = format!(
                "{} {} {} {revision} {follows}",
                c.architecture, c.channel, c.state
            );
            line.trim_end().to_string()
        })
        .collect();
    assert_eq!(
        map,
        [
            "amd64 latest/stable open 1",
            "amd64 latest/candidate tracking - latest/stable",
            "amd64 latest/beta tracking - latest/stable",
            "amd64 latest/edge tracking - latest/stable",
            "amd64 latest/edge/fix-1 open 2",
        ]
    );
    let unknown = "snap \"nothing\" is not registered";
    assert_eq!(
        f.status(&f.acme, "nothing").await.error(),
        refusal(404, "not-found", unknown)
    );
}
