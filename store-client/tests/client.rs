//! The client against a mock store on a real socket: sessions, retries, errors, snap
//! action results, downloads and assertions.

mod mock;

use mock::{Canned, Mock};
use serde_json::json;
use sha3::{Digest, Sha3_384};
use ucore_assertions::{AssertionAccess, AssertionType};
use ucore_store_client::protocol::Download;
use ucore_store_client::{
    DownloadError, DownloadOptions, Error, SessionError, SnapActionError, SnapError, StoreClient,
};

fn info_json(name: &str) -> serde_json::Value {
    json!({"name": name, "snap-id": format!("{name}-id"), "snap": {"name": name},
           "channel-map": [{"revision": 3, "version": "1.0", "channel":
               {"architecture": "amd64", "name": "stable", "risk": "stable", "track": "latest"}}]})
}

#[tokio::test]
async fn a_device_opens_a_session_sends_it_and_refreshes_it_on_request() {
    let mock = Mock::start().await;
    mock.script(
        "/v2/snaps/info/foo",
        [
            Canned::new(401, "").header("WWW-Authenticate", "Macaroon refresh_device_session=1"),
            Canned::json(200, info_json("foo")),
        ],
    );
    let client = StoreClient::builder(mock.config())
        .device(mock::device())
        .build()
        .unwrap();
    let info = client.info("foo").await.unwrap();
    assert_eq!(info.snap_id, "foo-id");
    assert_eq!(info.channel_map[0].snap.revision, 3);

    let state = mock.state.lock().unwrap();
    assert!(
        state.session_errors.is_empty(),
        "{:?}",
        state.session_errors
    );
    assert_eq!((state.nonces, state.sessions), (2, 2));
    drop(state);
    // the nonce request is bare: no device headers
    let nonce = &mock.seen("/api/v1/snaps/auth/nonces")[0];
    assert_eq!(nonce.header("accept"), Some("application/json"));
    assert_eq!(nonce.header("x-ubuntu-series"), None);
    // the refresh sends the previous session
    let sessions = mock.seen("/api/v1/snaps/auth/sessions");
    assert_eq!(sessions[0].header("x-device-authorization"), None);
    assert_eq!(
        sessions[1].header("x-device-authorization"),
        Some(r#"Macaroon root="session-1""#)
    );
    let infos = mock.seen("/v2/snaps/info/foo");
    assert_eq!(
        infos[0].header("snap-device-authorization"),
        Some(r#"Macaroon root="session-1""#)
    );
    assert_eq!(
        infos[1].header("snap-device-authorization"),
        Some(r#"Macaroon root="session-2""#)
    );
    assert_eq!(infos[1].header("snap-device-series"), Some("16"));
    assert_eq!(
        infos[1].header("snap-device-capabilities"),
        Some("default-tracks")
    );
    assert!(infos[1].query.contains("architecture=amd64"));
    assert_eq!(client.session().as_deref(), Some("session-2"));
}

#[tokio::test]
async fn a_refused_nonce_is_snapds_error() {
    let mock = Mock::start().await;
    mock.script(
        "/api/v1/snaps/auth/nonces",
        [Canned::new(418, "I'm a teapot")],
    );
    let client = StoreClient::builder(mock.config())
        .device(mock::device())
        .build()
        .unwrap();
    let err = client.info("foo").await.unwrap_err();
    assert!(matches!(err, Error::Session(SessionError::Nonce(_))));
    assert_eq!(
        err.to_string(),
        "cannot get nonce from store: store server returned status 418"
    );
    assert!(mock.seen("/v2/snaps/info/foo").is_empty());
}

#[tokio::test]
async fn server_errors_are_retried_and_client_errors_not() {
    let mock = Mock::start().await;
    mock.script(
        "/v2/snaps/info/foo",
        [
            Canned::new(503, "busy"),
            Canned::new(503, "busy"),
            Canned::json(200, info_json("foo")),
        ],
    );
    let client = StoreClient::new(mock.config()).unwrap();
    client.info("foo").await.unwrap();
    assert_eq!(mock.seen("/v2/snaps/info/foo").len(), 3);

    mock.script(
        "/v2/snaps/info/bar",
        [Canned::new(400, "bad").header("X-Oops-Id", "OOPS-42")],
    );
    let err = client.info("bar").await.unwrap_err();
    assert_eq!(mock.seen("/v2/snaps/info/bar").len(), 1);
    assert_eq!(err.http_status(), Some(400));
    let text = err.to_string();
    assert!(
        text.starts_with(r#"cannot get details for snap "bar": got unexpected HTTP status code 400 via GET to "http://"#),
        "{text}"
    );
    assert!(text.ends_with(" [OOPS-42]"), "{text}");

    // 5xx until the attempts run out: the last answer is the error
    mock.script("/v2/snaps/info/baz", vec![Canned::new(500, ""); 10]);
    let err = client.info("baz").await.unwrap_err();
    assert_eq!(err.http_status(), Some(500));
    assert_eq!(mock.seen("/v2/snaps/info/baz").len(), 6);

    mock.script("/v2/snaps/info/qux", [Canned::new(429, "slow down")]);
    let err = client.info("qux").await.unwrap_err();
    assert!(matches!(err, Error::TooManyRequests));
    assert_eq!(err.to_string(), "too many requests");
    assert_eq!(mock.seen("/v2/snaps/info/qux").len(), 1);

    // 404 is not found
    assert!(matches!(
        client.info("nothing").await.unwrap_err(),
        Error::SnapNotFound
    ));
}

#[tokio::test]
async fn snap_action_errors_come_per_snap() {
    let mock = Mock::start().await;
    mock.script(
        "/v2/snaps/refresh",
        [Canned::json(
            200,
            json!({"results": [{"result": "error", "instance-key": "install-1", "name": "foo",
                "error": {"code": "revision-not-found", "message": "no revision",
                          "extra": {"releases": [{"architecture": "amd64", "channel": "beta"}]}}}]}),
        )],
    );
    let client = StoreClient::new(mock.config()).unwrap();
    let err = client
        .install("foo", Some("stable"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"cannot install snap "foo": no snap revision available as specified"#
    );
    let Error::SnapAction(SnapActionError { install, .. }) = err else {
        panic!("not a snap action error: {err:?}");
    };
    let SnapError::RevisionNotAvailable {
        action,
        channel,
        releases,
    } = &install["foo"]
    else {
        panic!("{install:?}");
    };
    assert_eq!((action.as_str(), channel.as_str()), ("install", "stable"));
    assert_eq!(releases[0].channel, "beta");

    let seen = &mock.seen("/v2/snaps/refresh")[0];
    let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(body["actions"][0]["action"], "install");
    assert_eq!(body["actions"][0]["epoch"], serde_json::Value::Null);
    assert!(
        body["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("download"))
    );
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("snap-device-architecture"), Some("amd64"));

    // an answer without results
    mock.script(
        "/v2/snaps/refresh",
        [Canned::json(200, json!({"results": []}))],
    );
    let err = client
        .download_action("foo", None, Some(3))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no install/refresh information results from the store"
    );
}

#[tokio::test]
async fn a_device_authorization_refresh_result_renews_the_session() {
    let mock = Mock::start().await;
    let snap = json!({"name": "foo", "snap-id": "foo-id", "revision": 5,
                      "download": {"url": "http://x/d", "sha3-384": "00", "size": 1}});
    mock.script(
        "/v2/snaps/refresh",
        [
            Canned::json(
                200,
                json!({"results": [], "error-list": [{"code": "device-authorization-needs-refresh", "message": "refresh"}]}),
            ),
            Canned::json(
                200,
                json!({"results": [{"result": "install", "instance-key": "install-1", "name": "foo", "snap": snap}]}),
            ),
        ],
    );
    let client = StoreClient::builder(mock.config())
        .device(mock::device())
        .build()
        .unwrap();
    let result = client.install("foo", None, None).await.unwrap();
    assert_eq!(result.snap.unwrap().revision, 5);
    let seen = mock.seen("/v2/snaps/refresh");
    assert_eq!(
        seen[1].header("snap-device-authorization"),
        Some(r#"Macaroon root="session-2""#)
    );
}

fn snap_bytes() -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8).collect()
}

fn hex_sha3(data: &[u8]) -> String {
    Sha3_384::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn downloads_resume_with_range_and_check_the_digest() {
    let mock = Mock::start().await;
    let data = snap_bytes();
    mock.state
        .lock()
        .unwrap()
        .files
        .insert("foo_1.snap".into(), data.clone());
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("foo_1.snap");
    std::fs::write(dir.path().join("foo_1.snap.partial"), &data[..70_000]).unwrap();
    let download = Download {
        url: format!("{}download/foo_1.snap", mock.url()),
        sha3_384: hex_sha3(&data),
        size: data.len() as u64,
        deltas: vec![],
    };
    let client = StoreClient::new(mock.config()).unwrap();
    let mut last = (0, 0);
    let mut progress = |done, total| last = (done, total);
    client
        .download(
            "foo",
            &download,
            &dest,
            &DownloadOptions::default(),
            Some(&mut progress),
        )
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    assert!(!dir.path().join("foo_1.snap.partial").exists());
    assert_eq!(last, (200_000, 200_000));
    let seen = mock.seen("/download/foo_1.snap");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].header("range"), Some("bytes=70000-"));
    assert_eq!(seen[0].header("x-ubuntu-wire-protocol"), Some("1"));
    assert_eq!(seen[0].header("x-ubuntu-series"), Some("16"));

    // a server that ignores Range: the download starts over
    mock.state.lock().unwrap().ranges = false;
    let dest2 = dir.path().join("again.snap");
    std::fs::write(dir.path().join("again.snap.partial"), &data[..5]).unwrap();
    client
        .download("foo", &download, &dest2, &DownloadOptions::default(), None)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest2).unwrap(), data);
}

#[tokio::test]
async fn a_digest_mismatch_is_refused_and_the_file_removed() {
    let mock = Mock::start().await;
    let data = snap_bytes();
    mock.state
        .lock()
        .unwrap()
        .files
        .insert("foo_1.snap".into(), data.clone());
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("foo_1.snap");
    let wrong = hex_sha3(b"something else");
    let download = Download {
        url: format!("{}download/foo_1.snap", mock.url()),
        sha3_384: wrong.clone(),
        size: data.len() as u64,
        deltas: vec![],
    };
    let client = StoreClient::new(mock.config()).unwrap();
    let err = client
        .download("foo", &download, &dest, &DownloadOptions::default(), None)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            r#"sha3-384 mismatch for "foo": got {} but expected {wrong}"#,
            hex_sha3(&data)
        )
    );
    assert!(!dest.exists());
    assert!(!dir.path().join("foo_1.snap.partial").exists());
    // snapd downloads once more from scratch before giving up
    assert_eq!(mock.seen("/download/foo_1.snap").len(), 2);

    // a store that sends more than the size is cut off
    let short = Download {
        size: 1000,
        sha3_384: hex_sha3(&data[..1000]),
        ..download
    };
    let err = client
        .download("foo", &short, &dest, &DownloadOptions::default(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Download(DownloadError::SizeMismatch { expected: 1000, .. })
        ),
        "{err:?}"
    );
    assert!(!dest.exists());
}

/// A snap-declaration using what newer snapd added (`on-core-desktop`) is refused in snapd
/// 2.57's rule language (the default) and read in the one the configuration names.
#[tokio::test]
async fn declarations_are_decoded_in_the_configured_rule_language() {
    use ucore_assertions::rules::RuleLanguage;
    let mock = Mock::start().await;
    let decl = ucore_test_support::newer_rules_declaration();
    mock.state.lock().unwrap().assertions.insert(
        "snap-declaration/16/newersnapidnewersnapidnewersnapi".into(),
        decl.as_bytes().to_vec(),
    );
    let key = ["16", "newersnapidnewersnapidnewersnapi"];
    let old = StoreClient::new(mock.config()).unwrap();
    let err = old
        .assertion(AssertionType::SnapDeclaration, &key)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AssertionDecode(_)), "{err:?}");
    assert!(
        err.to_string().contains("must specify at least one of"),
        "{err}"
    );
    let mut config = mock.config();
    config.rule_language = RuleLanguage::Current;
    let a = StoreClient::new(config)
        .unwrap()
        .assertion(AssertionType::SnapDeclaration, &key)
        .await
        .unwrap();
    assert_eq!(a.rule_language(), RuleLanguage::Current);
    assert_eq!(a.encode(), decl.as_bytes());
}

#[tokio::test]
async fn assertions_are_fetched_and_missing_ones_are_not_found() {
    let mock = Mock::start().await;
    let model =
        std::fs::read(ucore_test_support::repo().join("serial/tests/data/model.assert")).unwrap();
    mock.state
        .lock()
        .unwrap()
        .assertions
        .insert("model/16/acme/acme-device-1".into(), model.clone());
    let client = StoreClient::new(mock.config()).unwrap();
    let a = client
        .assertion(AssertionType::Model, &["16", "acme", "acme-device-1"])
        .await
        .unwrap();
    assert_eq!(a.header_str("model"), Some("acme-device-1"));
    let seen = &mock.seen("/v2/assertions/model/16/acme/acme-device-1")[0];
    assert_eq!(
        seen.header("accept"),
        Some("application/x.ubuntu.assertion")
    );
    assert!(seen.query.starts_with("max-format="));

    let err = client
        .assertion(AssertionType::SnapDeclaration, &["16", "nope-id"])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AssertionNotFound(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "snap-declaration (nope-id; series:16) not found"
    );

    // a fetch-assertions answer's stream URLs
    let url = format!("{}v2/assertions/model/16/acme/acme-device-1", mock.url());
    mock.script(
        "/v2/snaps/refresh",
        [Canned::json(
            200,
            json!({"results": [{"result": "fetch-assertions", "key": "g1", "assertion-stream-urls": [url]}]}),
        )],
    );
    let batch = client
        .fetch_assertions(vec![ucore_store_client::protocol::AssertionQuery {
            assertion_type: "model".into(),
            primary_key: vec!["16".into(), "acme".into(), "acme-device-1".into()],
            ..Default::default()
        }])
        .await
        .unwrap();
    assert_eq!(batch.assertions.len(), 1);
    let body: serde_json::Value =
        serde_json::from_slice(&mock.seen("/v2/snaps/refresh")[0].body).unwrap();
    assert!(body["assertion-max-formats"]["snap-declaration"].is_number());
}

#[tokio::test]
async fn find_sends_snapds_query_and_refuses_bad_queries() {
    let mock = Mock::start().await;
    mock.script(
        "/v2/snaps/find",
        [Canned::json(
            200,
            json!({"results": [{"name": "foo", "snap-id": "foo-id", "snap": {"name": "foo"}}]}),
        )],
    );
    let client = StoreClient::new(mock.config()).unwrap();
    let found = client
        .find(&ucore_store_client::FindQuery::new("foo"))
        .await
        .unwrap();
    assert_eq!(found.results[0].snap_id, "foo-id");
    let q = &mock.seen("/v2/snaps/find")[0].query;
    assert!(
        q.contains("q=foo") && q.contains("channel=stable") && q.contains("confinement=strict")
    );
    assert!(matches!(
        client
            .find(&ucore_store_client::FindQuery::new("a*b"))
            .await
            .unwrap_err(),
        Error::BadQuery
    ));
}

#[test]
fn the_blocking_facade_runs_without_a_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt.block_on(Mock::start());
    mock.script("/v2/snaps/info/foo", [Canned::json(200, info_json("foo"))]);
    let client = ucore_store_client::blocking::StoreClient::from_builder(StoreClient::builder(
        mock.config(),
    ))
    .unwrap();
    assert_eq!(client.info("foo").unwrap().name, "foo");
}
