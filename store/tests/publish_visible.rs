//! What publishing makes visible on the device API: a pushed and released snap of the
//! store's authority shows in info for everyone, its file downloads with the digest the
//! push reported, and its snap-revision is served; a brand's snap stays hidden from an
//! anonymous device.

mod publish_support;

use publish_support::{AUTHORITY, Fixture};
use ucore_assertions::{Assertion, AssertionAccess};
use ucore_store::publisher_api::Pushed;
use ucore_store_client::protocol::InfoResponse;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_released_revision_is_what_devices_see() {
    let f = Fixture::start().await;
    f.register("core24", AUTHORITY).await;
    let yaml = "name: core24\nversion: '20240101'\ntype: base\nsummary: the base\narchitectures: [amd64]\n";
    let file = f.snap("core24.snap", yaml, &[("usr/lib/os-release", "ID=test\n")]);
    let pushed: Pushed = f.push(&f.admin, &file, "release=stable").await.json();

    let a = f
        .get(None, "/v2/snaps/info/core24?architecture=amd64")
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let info: InfoResponse = a.json();
    assert_eq!(info.snap_id, pushed.snap_id);
    let stable = info
        .channel_map
        .iter()
        .find(|c| c.channel.name == "latest/stable")
        .unwrap_or_else(|| panic!("no stable in {}", a.body));
    assert_eq!(stable.snap.revision, pushed.revision);
    assert_eq!(stable.snap.download.sha3_384, pushed.sha3_384);
    assert_eq!(stable.snap.download.size, pushed.size);

    // The file downloads as pushed.
    let path = stable
        .snap
        .download
        .url
        .split_once("/api/")
        .map(|(_, p)| format!("/api/{p}"))
        .unwrap_or_else(|| panic!("download url {}", stable.snap.download.url));
    let download = publish_support::call_bytes(&format!("{}{path}", f.url)).await;
    assert_eq!(download, std::fs::read(&file).unwrap());

    // And its snap-revision is served, naming that revision.
    let digest = ucore_snap::digest::snap_file_digest(&file).unwrap();
    let a = f
        .get(
            None,
            &format!(
                "/v2/assertions/snap-revision/{}",
                digest.sha3_384_base64url()
            ),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let rev = Assertion::decode(a.body.as_bytes()).unwrap();
    assert_eq!(rev.header_str("snap-revision"), Some("1"));
    assert_eq!(rev.header_str("snap-id"), Some(pushed.snap_id.as_str()));

    // A brand's snap is not the anonymous device's to see.
    f.register("hello", "acme").await;
    let hello = f.snap("hello.snap", "name: hello\nversion: 1\n", &[]);
    assert_eq!(f.push(&f.acme, &hello, "release=stable").await.status, 200);
    let a = f.get(None, "/v2/snaps/info/hello").await;
    assert_eq!(a.status, 404, "{}", a.body);
}
