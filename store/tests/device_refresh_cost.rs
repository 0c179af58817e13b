//! What a refresh of 200 installed snaps costs the store: the whole snap action (the
//! four batch queries, resolution and the answer's JSON) timed in-process on the SQLite
//! backend, every snap having an update. Run with `--ignored --nocapture` (best in
//! release: `cargo test -p ucore-store --release --test device_refresh_cost -- --ignored
//! --nocapture`); it prints the mean per request.

mod device_support;

use std::time::{Duration, Instant};

use device_support::*;
use ucore_assertions::Timestamp;
use ucore_store::Channel;
use ucore_store::db::{NewRevision, SnapRecord};
use ucore_store::visibility::Viewer;
use ucore_store_client::protocol::SnapActionRequest;

#[test]
#[ignore = "a measurement; run explicitly"]
fn refresh_of_200_installed_snaps() {
    let f = Fixture::new();
    let store = f.store.clone();
    let req: SnapActionRequest = f.rt.block_on(async {
        let mut context = Vec::new();
        let mut actions = Vec::new();
        for i in 0..200 {
            let id = format!("perf{i:028}");
            store
                .db
                .register_name(&SnapRecord {
                    snap_id: id.clone(),
                    name: format!("perf-{i}"),
                    publisher_id: AUTHORITY.into(),
                    registered_at: Timestamp::UNIX_EPOCH,
                })
                .await
                .unwrap();
            let rev = store
                .db
                .add_revision(&NewRevision {
                    snap_id: id.clone(),
                    sha3_384: format!("{i:096x}"),
                    size: 4096,
                    version: "1".into(),
                    snap_type: "app".into(),
                    architectures: vec!["all".into()],
                    base: "core22".into(),
                    confinement: "strict".into(),
                    grade: "stable".into(),
                    epoch: r#"{"read":[0],"write":[0]}"#.into(),
                    summary: "a snap".into(),
                    description: "x".repeat(300),
                    title: String::new(),
                    license: String::new(),
                    snap_yaml: format!("name: perf-{i}\nversion: 1\n"),
                    uploaded_by: AUTHORITY.into(),
                    created_at: Timestamp::UNIX_EPOCH,
                })
                .await
                .unwrap();
            let stable = Channel::parse("stable").unwrap();
            store
                .db
                .release(&id, "all", &stable, rev.revision, Timestamp::UNIX_EPOCH)
                .await
                .unwrap();
            context.push(
                serde_json::json!({"snap-id": id, "instance-key": id, "revision": 0,
                "tracking-channel": "stable", "epoch": {"read": [0], "write": [0]}}),
            );
            actions
                .push(serde_json::json!({"action": "refresh", "instance-key": id, "snap-id": id}));
        }
        serde_json::from_value(serde_json::json!({"context": context, "actions": actions})).unwrap()
    });
    let viewer = Viewer::anonymous();
    let rounds = 200u32;
    let elapsed = f.rt.block_on(async {
        for _ in 0..20 {
            ucore_store::action::snap_action(&store, &viewer, Some("amd64"), &req)
                .await
                .unwrap();
        }
        let start = Instant::now();
        for _ in 0..rounds {
            let r = ucore_store::action::snap_action(&store, &viewer, Some("amd64"), &req)
                .await
                .unwrap();
            assert_eq!(r.results.len(), 200);
            std::hint::black_box(serde_json::to_vec(&r).unwrap());
        }
        start.elapsed()
    });
    let per = elapsed / rounds;
    println!("refresh of 200 installed snaps: {per:?} per request ({rounds} rounds)");
    assert!(per < Duration::from_secs(1));
}
