//! Snap action, info, find, downloads and assertions over a real socket, as each viewer
//! sees them: the authority's snaps are public, a brand's are its devices' only — and a
//! brand's session never sees another brand's snaps, on any endpoint.

mod device_support;

use device_support::*;
use sha3::{Digest, Sha3_384};
use ucore_store_client::protocol::{ErrorList, FindResponse, InfoResponse, SnapActionResponse};

fn action(
    f: &Fixture,
    session: Option<&str>,
    arch: &str,
    body: serde_json::Value,
) -> SnapActionResponse {
    let auth = session.map(device_v2);
    let mut headers = vec![("Snap-Device-Architecture", arch)];
    if let Some(a) = &auth {
        headers.push(("Snap-Device-Authorization", a));
    }
    let (status, text) = post_json(
        &format!("{}/v2/snaps/refresh", f.url),
        &headers,
        &body.to_string(),
    );
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn install(name: &str, channel: &str) -> serde_json::Value {
    serde_json::json!({"context": [], "actions": [{"action": "install",
        "instance-key": "install-1", "name": name, "channel": channel, "epoch": null}]})
}

fn one(r: &SnapActionResponse) -> (String, u32, String, String) {
    assert_eq!(r.results.len(), 1, "{r:?}");
    let x = &r.results[0];
    (
        x.result.clone(),
        x.snap.as_ref().map_or(0, |s| s.revision),
        x.effective_channel.clone(),
        x.error.as_ref().map(|e| e.code.clone()).unwrap_or_default(),
    )
}

#[test]
fn install_resolves_channels_architectures_and_fallbacks() {
    let f = Fixture::new();
    let acme = f.session("acme");
    let s = Some(acme.as_str());
    let got = |name: &str, ch: &str, arch: &str| one(&action(&f, s, arch, install(name, ch)));
    assert_eq!(
        got("acme-app", "stable", "amd64"),
        ("install".into(), 1, "stable".into(), "".into())
    );
    assert_eq!(
        got("acme-app", "beta", "amd64"),
        ("install".into(), 2, "beta".into(), "".into())
    );
    // beta has only amd64; arm64 falls back past the closed candidate to stable (all).
    assert_eq!(
        got("acme-app", "beta", "arm64"),
        ("install".into(), 1, "stable".into(), "".into())
    );
    assert_eq!(
        got("acme-app", "candidate", "amd64"),
        ("install".into(), 1, "stable".into(), "".into())
    );
    assert_eq!(
        got("acme-app", "edge", "amd64"),
        ("install".into(), 2, "beta".into(), "".into())
    );
    // Nothing in another track: revision-not-found, saying where the snap is.
    let r = action(&f, s, "amd64", install("acme-app", "2.0/stable"));
    assert_eq!(one(&r).3, "revision-not-found");
    let releases = &r.results[0].error.as_ref().unwrap().extra.releases;
    let chans: Vec<_> = releases.iter().map(|r| r.channel.as_str()).collect();
    assert_eq!(chans, ["latest/beta", "latest/stable"], "{releases:?}");
    assert_eq!(
        got("acme-app", "no/such/risk/x", "amd64").3,
        "invalid-channel"
    );
    // The store's snap details.
    let r = action(&f, s, "amd64", install("acme-app", "stable"));
    let snap = r.results[0].snap.as_ref().unwrap();
    let t = f.snap("acme-app");
    assert_eq!(snap.snap_id, t.snap_id);
    assert_eq!(snap.download.sha3_384, t.sha3_384);
    assert_eq!(snap.download.size, t.file.len() as u64);
    assert_eq!(
        snap.download.url,
        format!("{}/api/v1/snaps/download/{}_1.snap", f.url, t.snap_id)
    );
    assert_eq!(snap.publisher.display_name, "acme Inc.");
    assert_eq!(snap.publisher.validation, "verified");
    assert_eq!(snap.epoch.read, [0]);
    assert!(snap.snap_yaml.starts_with("name: acme-app"));
}

#[test]
fn refresh_follows_the_tracked_channel_and_explicit_revisions() {
    let f = Fixture::new();
    let acme = f.session("acme");
    let t = f.snap("acme-app");
    let refresh = |rev: u32, tracking: &str, extra: serde_json::Value| {
        let mut a = serde_json::json!({"action": "refresh", "instance-key": t.snap_id,
            "snap-id": t.snap_id});
        for (k, v) in extra.as_object().unwrap() {
            a[k] = v.clone();
        }
        action(
            &f,
            Some(&acme),
            "amd64",
            serde_json::json!({"context": [{"snap-id": t.snap_id, "instance-key": t.snap_id,
                "revision": rev, "tracking-channel": tracking,
                "epoch": {"read": [0], "write": [0]}}], "actions": [a]}),
        )
    };
    let r = refresh(1, "beta", serde_json::json!({}));
    assert_eq!(one(&r), ("refresh".into(), 2, "beta".into(), "".into()));
    // Up to date: the installed revision, which snapd reads as "no update".
    assert_eq!(one(&refresh(2, "beta", serde_json::json!({}))).1, 2);
    assert_eq!(one(&refresh(1, "stable", serde_json::json!({}))).1, 1);
    // An explicit channel, an explicit revision.
    let r = refresh(1, "stable", serde_json::json!({"channel": "beta"}));
    assert_eq!(one(&r).1, 2);
    let r = refresh(2, "beta", serde_json::json!({"revision": 1}));
    assert_eq!(one(&r).1, 1);
    let r = refresh(1, "beta", serde_json::json!({"revision": 9}));
    assert_eq!(one(&r).3, "revision-not-found");
    // Revision 2 is amd64 only.
    let r = action(
        &f,
        Some(&acme),
        "arm64",
        serde_json::json!({"actions": [{"action": "download", "instance-key": "download-1",
            "name": "acme-app", "revision": 2, "epoch": null}]}),
    );
    assert_eq!(one(&r).3, "revision-not-found");
    // 200 installed snaps in one request.
    let mut context = Vec::new();
    let mut actions = Vec::new();
    for i in 0..200 {
        let key = if i == 0 {
            t.snap_id.clone()
        } else {
            format!("unknown{i:025}")
        };
        context.push(
            serde_json::json!({"snap-id": key, "instance-key": key, "revision": 1,
            "tracking-channel": "beta", "epoch": {"read": [0], "write": [0]}}),
        );
        actions.push(serde_json::json!({"action": "refresh", "instance-key": key, "snap-id": key}));
    }
    let r = action(
        &f,
        Some(&acme),
        "amd64",
        serde_json::json!({"context": context, "actions": actions}),
    );
    assert_eq!(r.results.len(), 200);
    assert_eq!(r.results[0].snap.as_ref().unwrap().revision, 2);
    assert!(
        r.results[1..]
            .iter()
            .all(|x| x.error.as_ref().unwrap().code == "id-not-found")
    );
}

#[test]
fn sessions_never_cross_brands() {
    let f = Fixture::new();
    let acme = f.session("acme");
    let other = f.session("other");
    let s = |x: &str| Some(x.to_string());
    for (viewer, sees_acme, sees_other) in [
        (None, false, false),
        (s(&acme), true, false),
        (s(&other), false, true),
    ] {
        let v = viewer.as_deref();
        let dev = v.map(device_v2);
        let mut hv2 = vec![];
        let mut hv1 = vec![];
        if let Some(d) = &dev {
            hv2.push(("Snap-Device-Authorization", d.as_str()));
            hv1.push(("X-Device-Authorization", d.as_str()));
        }
        for (name, visible) in [
            ("core-base", true),
            ("acme-app", sees_acme),
            ("other-app", sees_other),
        ] {
            let t = f.snap(name);
            // snap action: by name and by id
            let (result, rev, _, code) = one(&action(&f, v, "amd64", install(name, "stable")));
            if visible {
                assert_eq!((result.as_str(), rev), ("install", 1), "{name} {v:?}");
            } else {
                assert_eq!(code, "name-not-found", "{name} {v:?}");
            }
            let r = action(
                &f,
                v,
                "amd64",
                serde_json::json!({"context": [{"snap-id": t.snap_id,
                "instance-key": t.snap_id, "revision": 1, "tracking-channel": "beta",
                "epoch": {"read": [0], "write": [0]}}], "actions": [{"action": "refresh",
                "instance-key": t.snap_id, "snap-id": t.snap_id}]}),
            );
            let code = one(&r).3;
            assert_eq!(code.is_empty(), visible, "{name} {v:?} {code}");
            if !visible {
                assert_eq!(code, "id-not-found");
            }
            // info
            let a = get(
                &format!("{}/v2/snaps/info/{name}?architecture=amd64", f.url),
                &hv2,
            );
            assert_eq!(
                a.status,
                if visible { 200 } else { 404 },
                "{name} {v:?} {}",
                a.text()
            );
            if !visible {
                let e: ErrorList = serde_json::from_slice(&a.body).unwrap();
                assert_eq!(e.error_list[0].code, "not-found");
            }
            // find
            let a = get(&format!("{}/v2/snaps/find?q={name}", f.url), &hv2);
            let found: FindResponse = serde_json::from_slice(&a.body).unwrap();
            assert_eq!(
                found.results.iter().any(|r| r.name == name),
                visible,
                "{name} {v:?}"
            );
            let a = get(&format!("{}/v2/snaps/find?name={name}", f.url), &hv2);
            let found: FindResponse = serde_json::from_slice(&a.body).unwrap();
            assert_eq!(found.results.len(), usize::from(visible), "{name} {v:?}");
            // download
            let a = get(
                &format!("{}/api/v1/snaps/download/{}_1.snap", f.url, t.snap_id),
                &hv1,
            );
            assert_eq!(a.status, if visible { 200 } else { 404 }, "{name} {v:?}");
            // its snap-declaration
            let a = get(
                &format!("{}/v2/assertions/snap-declaration/16/{}", f.url, t.snap_id),
                &hv1,
            );
            assert_eq!(a.status, if visible { 200 } else { 404 }, "{name} {v:?}");
            // fetch-assertions
            let r = action(
                &f,
                v,
                "amd64",
                serde_json::json!({"actions": [{"action":
                "fetch-assertions", "key": "g1", "assertions": [{"type": "snap-declaration",
                "primary-key": ["16", t.snap_id]}]}], "assertion-max-formats":
                {"snap-declaration": 7}}),
            );
            let x = &r.results[0];
            assert_eq!(x.result, "fetch-assertions");
            assert_eq!(x.assertion_stream_urls.len(), usize::from(visible), "{x:?}");
            assert_eq!(x.error_list.len(), usize::from(!visible), "{x:?}");
        }
    }
}

#[test]
fn info_lists_the_channel_map() {
    let f = Fixture::new();
    let acme = f.session("acme");
    let h = [("Snap-Device-Authorization", device_v2(&acme))];
    let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = get(&format!("{}/v2/snaps/info/acme-app", f.url), &h);
    assert_eq!(a.status, 200, "{}", a.text());
    let info: InfoResponse = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(info.name, "acme-app");
    assert_eq!(info.snap_id, f.snap("acme-app").snap_id);
    let mut map: Vec<_> = info
        .channel_map
        .iter()
        .map(|e| {
            (
                e.channel.architecture.as_str(),
                e.channel.name.as_str(),
                e.snap.revision,
            )
        })
        .collect();
    map.sort();
    assert_eq!(
        map,
        [("all", "latest/stable", 1), ("amd64", "latest/beta", 2)]
    );
    let a = get(
        &format!("{}/v2/snaps/info/acme-app?architecture=arm64", f.url),
        &h,
    );
    let info: InfoResponse = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(info.channel_map.len(), 1);
    assert_eq!(info.channel_map[0].channel.architecture, "arm64");
    assert_eq!(
        get(&format!("{}/v2/snaps/info/nothing-here", f.url), &h).status,
        404
    );
    // find: the stable revision, with its channel.
    let a = get(&format!("{}/v2/snaps/find?q=app", f.url), &h);
    let found: FindResponse = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(found.results.len(), 1);
    assert_eq!(found.results[0].revision["channel"], "stable");
    assert_eq!(found.results[0].revision["revision"], 1);
    let a = get(&format!("{}/v2/snaps/find?q=app&channel=beta", f.url), &h);
    let found: FindResponse = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(found.results[0].revision["revision"], 2);
}

#[test]
fn downloads_stream_whole_files_and_ranges() {
    let f = Fixture::new();
    let t = f.snap("core-base").clone();
    let url = format!("{}/api/v1/snaps/download/{}_1.snap", f.url, t.snap_id);
    let a = get(&url, &[]);
    assert_eq!(a.status, 200);
    assert_eq!(a.body, t.file);
    assert_eq!(a.header("Accept-Ranges"), Some("bytes"));
    assert_eq!(
        a.header("Content-Length"),
        Some(t.file.len().to_string().as_str())
    );
    let digest: String = Sha3_384::digest(&a.body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, t.sha3_384);
    let size = t.file.len();
    let a = get(&url, &[("Range", "bytes=1000-")]);
    assert_eq!(a.status, 206);
    assert_eq!(a.body, &t.file[1000..]);
    assert_eq!(
        a.header("Content-Range"),
        Some(format!("bytes 1000-{}/{size}", size - 1).as_str())
    );
    let a = get(&url, &[("Range", "bytes=10-19")]);
    assert_eq!((a.status, a.body.as_slice()), (206, &t.file[10..20]));
    for bad in ["bytes=999999999-", "bytes=20-10", "bytes=a-b"] {
        let a = get(&url, &[("Range", bad)]);
        assert_eq!(a.status, 416, "{bad}");
        assert_eq!(
            a.header("Content-Range"),
            Some(format!("bytes */{size}").as_str())
        );
        let e: ErrorList = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(e.error_list[0].code, "range-not-satisfiable");
    }
    // Unknown revision, unknown snap.
    let a = get(
        &format!("{}/api/v1/snaps/download/{}_7.snap", f.url, t.snap_id),
        &[],
    );
    assert_eq!(a.status, 404);
    let text = f.store.metrics.render();
    assert!(
        text.lines()
            .any(|l| l == "ucore_store_downloads_completed_total 3"),
        "{text}"
    );
}

#[test]
fn path_traversal_in_downloads_and_assertion_keys_is_refused() {
    let f = Fixture::new();
    for file in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e_1.snap",
        "..%2Fsnaps_1.snap",
        "abc_1.snap%00",
        "abc_0.snap",
        "abc_-1.snap",
    ] {
        let a = get(&format!("{}/api/v1/snaps/download/{file}", f.url), &[]);
        assert!(a.status == 400 || a.status == 404, "{file}: {}", a.status);
        serde_json::from_slice::<ErrorList>(&a.body).unwrap();
    }
    for path in [
        "account/..",
        "account/%2e%2e",
        "account-key/a%2Fb",
        "account/a%00b",
        "snap-declaration/16/..%2F..",
        "no-such-type/x",
        "account/a/b/c",
    ] {
        let a = get(&format!("{}/v2/assertions/{path}", f.url), &[]);
        assert_eq!(a.status, 400, "{path}: {}", a.text());
        serde_json::from_slice::<ErrorList>(&a.body).unwrap();
    }
}

#[test]
fn the_assertions_endpoint_serves_and_says_not_found_like_snapd() {
    let f = Fixture::new();
    let a = get(&format!("{}/v2/assertions/account/acme", f.url), &[]);
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(
        a.header("Content-Type"),
        Some("application/x.ubuntu.assertion")
    );
    let got = ucore_assertions::Assertion::decode(&a.body).unwrap();
    assert_eq!(
        ucore_assertions::AssertionAccess::header_str(&got, "account-id"),
        Some("acme")
    );
    // Not found: the fakestore's 404 as problem+json (checked on the device routes
    // alone, since the server's error layer re-labels it; see the report).
    let alone = f.serve_device_router_alone();
    let a = get(&format!("{alone}/v2/assertions/account/nobody"), &[]);
    assert_eq!(a.status, 404);
    assert_eq!(a.header("Content-Type"), Some("application/problem+json"));
    let e: ErrorList = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(e.error_list[0].code, "not-found");
    assert_eq!(
        e.error_list[0].message,
        "account assertion not found: nobody"
    );
    let a = get(&format!("{}/v2/assertions/account/nobody", f.url), &[]);
    assert_eq!(a.status, 404);
    let e: ErrorList = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(e.error_list[0].code, "not-found");
    // max-format at the assertion's format (0) serves it.
    let key = key(ucore_test_support::keys::ACME).key_id().to_string();
    let a = get(
        &format!("{}/v2/assertions/account-key/{key}?max-format=0", f.url),
        &[],
    );
    assert_eq!(a.status, 200);
    // fetch-assertions: newer only.
    let r = action(
        &f,
        None,
        "amd64",
        serde_json::json!({"actions": [{"action":
        "fetch-assertions", "key": "g", "assertions": [
            {"type": "account", "primary-key": ["acme"]},
            {"type": "account", "primary-key": ["acme"], "if-newer-than": 0},
            {"type": "account", "primary-key": ["nobody"]}]}]}),
    );
    let x = &r.results[0];
    assert_eq!(
        x.assertion_stream_urls,
        [format!("{}/v2/assertions/account/acme", f.url)]
    );
    assert_eq!(x.error_list.len(), 1);
    assert_eq!(x.error_list[0].primary_key, ["nobody"]);
}

#[test]
fn a_publisher_credential_sees_its_own_snaps_and_the_public_ones() {
    use ucore_store::credential::new_credential;
    use ucore_store::db::CredentialScope;
    let f = Fixture::new();
    let header = |scope: CredentialScope| {
        let (rec, file) = new_credential(scope, &f.url);
        f.rt.block_on(f.store.db.add_credential(&rec)).unwrap();
        format!(
            "Macaroon root=\"{}\", discharge=\"{}\"",
            file.macaroon, file.discharges[0]
        )
    };
    let acme = header(CredentialScope::Publisher("acme".into()));
    let admin = header(CredentialScope::Admin);
    for (auth, sees) in [(&acme, [true, true, false]), (&admin, [true, true, true])] {
        for (name, visible) in ["core-base", "acme-app", "other-app"].into_iter().zip(sees) {
            let t = f.snap(name);
            let a = get(
                &format!("{}/api/v1/snaps/download/{}_1.snap", f.url, t.snap_id),
                &[("Authorization", auth)],
            );
            assert_eq!(a.status, if visible { 200 } else { 404 }, "{name} {auth}");
        }
    }
    // A wrong secret is refused, not treated as anonymous.
    let (id, _) = acme.split_once(", ").unwrap();
    let wrong = format!("{id}, discharge=\"not-the-secret\"");
    let a = get(
        &format!("{}/v2/snaps/info/core-base", f.url),
        &[("Authorization", &wrong)],
    );
    assert_eq!(a.status, 401, "{}", a.text());
}

#[test]
fn a_bad_action_body_is_refused_with_the_path_to_the_bad_field() {
    let f = Fixture::new();
    // an action without its instance key, then one that is not an object
    for (body, path) in [
        (
            r#"{"context":[],"actions":[{"action":"install","name":"x"}]}"#,
            "actions[0]",
        ),
        (r#"{"context":[],"actions":[3]}"#, "actions[0]"),
        (r#"{"context":7,"actions":[]}"#, "context"),
    ] {
        let (status, text) = post_json(&format!("{}/v2/snaps/refresh", f.url), &[], body);
        assert_eq!(status, 400, "{text}");
        let err: serde_json::Value = serde_json::from_str(&text).unwrap();
        let message = err["error-list"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("Failed to deserialize the JSON body into the target type: ")
                && message.contains(path),
            "{message}"
        );
    }
    // a body that is not JSON at all
    let (status, text) = post_json(&format!("{}/v2/snaps/refresh", f.url), &[], "{");
    assert_eq!(status, 400, "{text}");
    assert!(
        text.contains("Failed to parse the request body as JSON"),
        "{text}"
    );
}
