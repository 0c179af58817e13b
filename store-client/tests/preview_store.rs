//! `StoreClient::preview` against a mock store on a real socket: the request snapd would
//! send for an auto-refresh goes out as a scheduled refresh, and the answer becomes the
//! decisions; per-snap store errors are results, a failing store is an error; a refresh
//! the enforced sets stop asks nothing.

mod mock;
mod preview_support;

use mock::{Canned, Mock};
use preview_support::*;
use serde_json::json;
use ucore_store_client::StoreClient;
use ucore_store_client::preview::{Decision, PreviewError, vs::SnapRevision};

fn pinned() -> ucore_store_client::preview::DeviceState {
    state(json!({"validation-sets": [enforce(vset("pins", 1, json!([
        {"name": "hello", "id": HELLO, "revision": "5"}])))]}))
}

#[tokio::test]
async fn the_store_is_asked_as_snapd_asks_and_its_answer_decides() {
    let mock = Mock::start().await;
    mock.script(
        "/v2/snaps/refresh",
        [Canned::json(
            200,
            json!({"results": [
                {"result": "refresh", "instance-key": HELLO, "snap-id": HELLO, "name": "hello",
                 "effective-channel": "latest/candidate",
                 "snap": {"name": "hello", "snap-id": HELLO, "revision": 5}},
                {"result": "error", "instance-key": CORE, "snap-id": CORE, "name": "core",
                 "error": {"code": "id-not-found", "message": "no such snap"}},
            ]}),
        )],
    );
    let client = StoreClient::new(mock.config()).unwrap();
    let p = client.preview(&pinned()).await.unwrap();
    assert_eq!(
        p.snap("hello").unwrap().decision,
        Decision::Refresh {
            from: SnapRevision(3),
            to: SnapRevision(5),
            channel: "latest/candidate".into()
        }
    );
    assert_eq!(
        p.snap("core").unwrap().decision,
        Decision::Refused {
            reason: "snap not found".into()
        }
    );
    let seen = &mock.seen("/v2/snaps/refresh")[0];
    assert_eq!(seen.header("snap-refresh-reason"), Some("scheduled"));
    let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(
        body["context"][0],
        json!({"snap-id": HELLO, "instance-key": HELLO, "revision": 3,
               "tracking-channel": "latest/stable", "epoch": {"read": [0], "write": [0]}})
    );
    assert_eq!(
        body["actions"][0],
        json!({"action": "refresh", "instance-key": HELLO, "snap-id": HELLO, "revision": 5,
               "validation-sets": [["16", "acme", "pins", "1"]]})
    );
    assert_eq!(
        body["actions"][1],
        json!({"action": "refresh", "instance-key": CORE, "snap-id": CORE})
    );
}

#[tokio::test]
async fn a_failing_store_is_an_error() {
    let mock = Mock::start().await;
    mock.script(
        "/v2/snaps/refresh",
        (0..8).map(|_| Canned::new(500, "down")),
    );
    let client = StoreClient::new(mock.config()).unwrap();
    let e = client.preview(&pinned()).await.unwrap_err();
    assert!(matches!(e, PreviewError::Store(_)), "{e}");
}

#[tokio::test]
async fn a_refresh_stopped_by_an_invalid_snap_asks_nothing() {
    let mock = Mock::start().await;
    let mut s = state(json!({"validation-sets": [enforce(vset("rules", 1, json!([
        {"name": "hello", "id": HELLO, "presence": "invalid"}])))]}));
    s.snaps.truncate(1);
    let client = StoreClient::new(mock.config()).unwrap();
    let p = client.preview(&s).await.unwrap();
    assert!(matches!(
        p.snap("hello").unwrap().decision,
        Decision::Refused { .. }
    ));
    assert!(mock.seen("/v2/snaps/refresh").is_empty());
}
