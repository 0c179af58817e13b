//! The database's behaviour, run against every backend: SQLite on a file, SQLite in
//! memory, and PostgreSQL when `UCORE_POSTGRES_URL` is set (and the crate is built with
//! the `postgres` feature; `store/ci.sh --with-pg cargo test -p ucore-store --features
//! postgres` starts a cluster). Each PostgreSQL case runs in a fresh schema.

use std::collections::BTreeSet;

use ucore_assertions::Timestamp;
use ucore_store::Channel;
use ucore_store::db::{
    AssertionRecord, CredentialRecord, CredentialScope, Db, NewRevision, SnapRecord,
};
use ucore_store::error::Error;

/// A database under test; holds what must outlive it (a temporary directory).
struct Backend {
    name: &'static str,
    db: Db,
    _dir: Option<tempfile::TempDir>,
}

async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("store.db");
    let mut out = vec![
        Backend {
            name: "sqlite-file",
            db: Db::open(&format!("sqlite://{}", file.display()))
                .await
                .unwrap(),
            _dir: Some(dir),
        },
        Backend {
            name: "sqlite-memory",
            db: Db::open("sqlite::memory:").await.unwrap(),
            _dir: None,
        },
    ];
    if let Some(db) = postgres().await {
        out.push(Backend {
            name: "postgres",
            db,
            _dir: None,
        });
    }
    out
}

/// A PostgreSQL database in a fresh schema, when a server is given.
#[cfg(feature = "postgres")]
async fn postgres() -> Option<Db> {
    let url = postgres_url().await?;
    Some(Db::open(&url).await.unwrap())
}

/// The URL of a fresh schema on the server under test.
#[cfg(feature = "postgres")]
async fn postgres_url() -> Option<String> {
    let Ok(url) = std::env::var("UCORE_POSTGRES_URL") else {
        return skip_postgres();
    };
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let schema = format!("t{:016x}", rand::random::<u64>());
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{sep}options=-csearch_path%3D{schema}"))
}

#[cfg(not(feature = "postgres"))]
async fn postgres() -> Option<Db> {
    skip_postgres()
}

#[cfg(not(feature = "postgres"))]
async fn postgres_url() -> Option<String> {
    skip_postgres()
}

fn skip_postgres<T>() -> Option<T> {
    assert!(
        std::env::var("UCORE_REQUIRE_TOOLS").as_deref() != Ok("1") || !cfg!(feature = "postgres"),
        "UCORE_REQUIRE_TOOLS=1 but UCORE_POSTGRES_URL is not set"
    );
    eprintln!(
        "note: PostgreSQL skipped (set UCORE_POSTGRES_URL and build with --features postgres; \
         store/ci.sh --with-pg does both)"
    );
    None
}

fn ts(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap()
}

fn snap(id: &str, name: &str) -> SnapRecord {
    SnapRecord {
        snap_id: id.to_string(),
        name: name.to_string(),
        publisher_id: "acme".to_string(),
        registered_at: Timestamp::new(1_700_000_000, 123_456_789).unwrap(),
    }
}

fn new_revision(snap_id: &str, digest: &str) -> NewRevision {
    NewRevision {
        snap_id: snap_id.to_string(),
        sha3_384: digest.to_string(),
        size: 4096,
        version: "1.0".to_string(),
        snap_type: "app".to_string(),
        architectures: vec!["amd64".to_string(), "arm64".to_string()],
        base: "core22".to_string(),
        confinement: "strict".to_string(),
        grade: "stable".to_string(),
        epoch: r#"{"read":[0],"write":[0]}"#.to_string(),
        summary: "s".to_string(),
        description: "d\nwith lines".to_string(),
        title: "T".to_string(),
        license: "MIT".to_string(),
        snap_yaml: "name: x\nversion: 1.0\n".to_string(),
        uploaded_by: "acme".to_string(),
        created_at: ts(1_700_000_100),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn channel(name: &str) -> Channel {
    Channel::parse(name).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn names_conflict_on_name_and_snap_id() {
    for b in backends().await {
        let db = &b.db;
        db.register_name(&snap("id-hello", "hello")).await.unwrap();
        let e = db
            .register_name(&snap("id-other", "hello"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Conflict(m) if m.contains("name")),
            "{}: {e:?}",
            b.name
        );
        let e = db
            .register_name(&snap("id-hello", "other"))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Conflict(m) if m.contains("snap id")),
            "{}: {e:?}",
            b.name
        );

        db.register_name(&snap("id-world", "world")).await.unwrap();
        assert_eq!(
            db.snap_by_name("hello").await.unwrap(),
            Some(snap("id-hello", "hello"))
        );
        assert_eq!(
            db.snap_by_id("id-world").await.unwrap(),
            Some(snap("id-world", "world"))
        );
        assert_eq!(db.snap_by_name("nope").await.unwrap(), None);
        assert_eq!(db.snap_by_id("other").await.unwrap(), None, "{}", b.name);

        let found = db
            .snaps_by_ids(&strings(&["id-world", "unknown", "id-hello"]))
            .await
            .unwrap();
        let names: Vec<_> = found.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["hello", "world"], "{}", b.name);
        let found = db.snaps_by_names(&strings(&["world", "x"])).await.unwrap();
        assert_eq!(found, vec![snap("id-world", "world")], "{}", b.name);
        assert!(db.snaps_by_names(&[]).await.unwrap().is_empty());

        let all: Vec<_> = db.search_snaps("", 10).await.unwrap();
        assert_eq!(all.len(), 2, "{}", b.name);
        let some = db.search_snaps("ORL", 10).await.unwrap();
        assert_eq!(some, vec![snap("id-world", "world")], "{}", b.name);
        assert_eq!(db.search_snaps("", 1).await.unwrap().len(), 1);
        // LIKE's wildcards are plain characters.
        assert!(
            db.search_snaps("%", 10).await.unwrap().is_empty(),
            "{}",
            b.name
        );
        db.health().await.unwrap();
    }
}

/// Adds `n` revisions (files 0, 1, …) of snap `id-a` at once, spread over `dbs`; the
/// numbers they got, sorted.
async fn add_concurrently(dbs: &[Db], n: usize) -> Vec<u32> {
    let tasks: Vec<_> = (0..n)
        .zip(dbs.iter().cycle())
        .map(|(i, db)| {
            let db = db.clone();
            tokio::spawn(async move {
                db.add_revision(&new_revision("id-a", &format!("{i:096x}")))
                    .await
                    .map(|r| r.revision)
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap().unwrap());
    }
    numbers.sort_unstable();
    numbers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_revisions_get_every_number_once() {
    for b in backends().await {
        let db = b.db.clone();
        db.register_name(&snap("id-a", "a")).await.unwrap();
        let numbers = add_concurrently(std::slice::from_ref(&db), 50).await;
        assert_eq!(numbers, (1..=50).collect::<Vec<u32>>(), "{}", b.name);

        // The same file again is refused, and uses up no number.
        let e = db
            .add_revision(&new_revision("id-a", &format!("{:096x}", 7)))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Conflict(_)), "{}: {e:?}", b.name);
        let next = db.add_revision(&new_revision("id-a", "new")).await.unwrap();
        assert_eq!(next.revision, 51, "{}", b.name);
        assert_eq!(next.data, new_revision("id-a", "new"));

        // Another snap may hold the same file; numbers are per snap.
        db.register_name(&snap("id-b", "b")).await.unwrap();
        let r = db.add_revision(&new_revision("id-b", "new")).await.unwrap();
        assert_eq!(r.revision, 1, "{}", b.name);

        let e = db
            .add_revision(&new_revision("id-none", "x"))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotFound(_)), "{}: {e:?}", b.name);

        let all = db.revisions("id-a").await.unwrap();
        assert_eq!(all.len(), 51);
        assert_eq!(all.first().map(|r| r.revision), Some(51), "newest first");
        assert_eq!(db.revision("id-a", 51).await.unwrap(), Some(next.clone()));
        assert_eq!(db.revision("id-a", 52).await.unwrap(), None);
        let by_digest = db.revision_by_digest("new").await.unwrap().unwrap();
        assert_eq!(
            (by_digest.data.snap_id.as_str(), by_digest.revision),
            ("id-a", 51)
        );
        assert_eq!(db.revision_by_digest("none").await.unwrap(), None);

        let keys = vec![
            ("id-b".to_string(), 1),
            ("id-a".to_string(), 3),
            ("id-a".to_string(), 99),
            ("id-x".to_string(), 1),
        ];
        let got: Vec<_> = db
            .revisions_by_keys(&keys)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.data.snap_id, r.revision))
            .collect();
        assert_eq!(
            got,
            [("id-a".to_string(), 3), ("id-b".to_string(), 1)],
            "{}",
            b.name
        );
        assert!(db.revisions_by_keys(&[]).await.unwrap().is_empty());
    }
}

/// Two handles on one database (two store replicas) share the revision numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_share_revision_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![dir.path().join("store.db").to_str().unwrap().to_string()];
    urls.extend(postgres_url().await);
    for url in urls {
        let a = Db::open(&url).await.unwrap();
        let b = Db::open(&url).await.unwrap();
        a.register_name(&snap("id-a", "a")).await.unwrap();
        let numbers = add_concurrently(&[a.clone(), b.clone()], 40).await;
        assert_eq!(numbers, (1..=40).collect::<Vec<u32>>(), "{}", a.kind());
        assert_eq!(b.revisions("id-a").await.unwrap().len(), 40);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn releases_replace_and_close() {
    for b in backends().await {
        let db = &b.db;
        db.register_name(&snap("id-a", "a")).await.unwrap();
        db.register_name(&snap("id-b", "b")).await.unwrap();
        for d in ["d1", "d2"] {
            db.add_revision(&new_revision("id-a", d)).await.unwrap();
        }
        db.add_revision(&new_revision("id-b", "d1")).await.unwrap();

        let stable = channel("stable");
        let beta = channel("2.0/beta/fix");
        db.release("id-a", "amd64", &stable, 1, ts(10))
            .await
            .unwrap();
        db.release("id-a", "arm64", &stable, 1, ts(10))
            .await
            .unwrap();
        db.release("id-a", "amd64", &stable, 2, ts(20))
            .await
            .unwrap();
        db.release("id-a", "amd64", &beta, 2, ts(20)).await.unwrap();
        db.release("id-b", "amd64", &stable, 1, ts(30))
            .await
            .unwrap();
        let e = db
            .release("id-a", "amd64", &stable, 3, ts(40))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::NotFound(_)), "{}: {e:?}", b.name);

        let rows = db.releases(&strings(&["id-a"])).await.unwrap();
        let view: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.architecture.as_str(),
                    r.track.as_str(),
                    r.risk.as_str(),
                    r.branch.as_str(),
                    r.revision,
                )
            })
            .collect();
        assert_eq!(
            view,
            [
                ("amd64", "2.0", "beta", "fix", Some(2)),
                ("amd64", "latest", "stable", "", Some(2)),
                ("arm64", "latest", "stable", "", Some(1)),
            ],
            "{}",
            b.name
        );
        assert_eq!(rows.get(1).map(|r| r.released_at), Some(ts(20)));

        // Closing makes a closed row for every architecture of the snap.
        db.close("id-a", &channel("candidate"), ts(50))
            .await
            .unwrap();
        db.close("id-a", &stable, ts(50)).await.unwrap();
        let rows = db.releases(&strings(&["id-a"])).await.unwrap();
        let closed: BTreeSet<_> = rows
            .iter()
            .filter(|r| r.revision.is_none())
            .map(|r| (r.architecture.clone(), r.risk.clone()))
            .collect();
        let want: BTreeSet<_> = [
            ("amd64", "candidate"),
            ("arm64", "candidate"),
            ("amd64", "stable"),
            ("arm64", "stable"),
        ]
        .into_iter()
        .map(|(a, r)| (a.to_string(), r.to_string()))
        .collect();
        assert_eq!(closed, want, "{}", b.name);
        assert_eq!(rows.len(), 5, "{}", b.name);

        // A release opens a closed channel again.
        db.release("id-a", "arm64", &stable, 2, ts(60))
            .await
            .unwrap();
        let rows = db
            .releases(&strings(&["id-a", "id-b", "id-x"]))
            .await
            .unwrap();
        let arm = rows
            .iter()
            .find(|r| r.snap_id == "id-a" && r.architecture == "arm64" && r.risk == "stable")
            .unwrap();
        assert_eq!((arm.revision, arm.released_at), (Some(2), ts(60)));
        assert_eq!(rows.iter().filter(|r| r.snap_id == "id-b").count(), 1);
        // Nothing to close for a snap with no releases.
        db.register_name(&snap("id-c", "c")).await.unwrap();
        db.close("id-c", &stable, ts(70)).await.unwrap();
        assert!(db.releases(&strings(&["id-c"])).await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nonces_are_consumed_once_and_expire() {
    for b in backends().await {
        let db = b.db.clone();
        let now = Timestamp::new(1_000, 500_000_000).unwrap();
        db.issue_nonce("n1", ts(1_060)).await.unwrap();
        let e = db.issue_nonce("n1", ts(1_060)).await.unwrap_err();
        assert!(matches!(e, Error::Conflict(_)), "{}: {e:?}", b.name);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { db.consume_nonce("n1", now).await })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            if t.await.unwrap().unwrap() {
                won += 1;
            }
        }
        assert_eq!(won, 1, "{}", b.name);
        assert!(!db.consume_nonce("unknown", now).await.unwrap());

        // Expired: refused, and gone.
        db.issue_nonce("n2", ts(1_060)).await.unwrap();
        assert!(
            !db.consume_nonce("n2", ts(1_060)).await.unwrap(),
            "{}",
            b.name
        );
        db.issue_nonce("n3", Timestamp::new(1_060, 1_000).unwrap())
            .await
            .unwrap();
        assert!(
            db.consume_nonce("n3", ts(1_060)).await.unwrap(),
            "{}",
            b.name
        );
        // Consuming purges expired nonces: n4 cannot be issued twice unless it is gone.
        db.issue_nonce("n4", ts(1_100)).await.unwrap();
        assert!(!db.consume_nonce("x", ts(2_000)).await.unwrap());
        db.issue_nonce("n4", ts(3_000)).await.unwrap();
        assert!(
            db.consume_nonce("n4", ts(2_000)).await.unwrap(),
            "{}",
            b.name
        );
    }
}

fn assertion(key: &[&str], revision: i64, text: &str) -> AssertionRecord {
    AssertionRecord {
        assertion_type: "snap-declaration".to_string(),
        primary_key: strings(key),
        revision,
        snap_id: key.get(1).unwrap_or(&"").to_string(),
        text: text.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn assertions_are_replaced_only_by_higher_revisions() {
    for b in backends().await {
        let db = &b.db;
        let put = |key: &'static [&'static str], revision, text: &'static str| {
            let db = db.clone();
            async move {
                db.put_assertion(&assertion(key, revision, text))
                    .await
                    .unwrap()
            }
        };
        assert!(put(&["16", "id-a"], 1, "one").await);
        assert!(!put(&["16", "id-a"], 1, "other one").await);
        assert!(!put(&["16", "id-a"], 0, "zero").await);
        assert!(put(&["16", "id-a"], 3, "three").await);
        assert!(!put(&["16", "id-a"], 2, "two").await);
        let got = db
            .assertion("snap-declaration", &strings(&["16", "id-a"]))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (got.revision, got.text.as_str()),
            (3, "three"),
            "{}",
            b.name
        );

        // Keys whose components contain any separator stay apart.
        assert!(put(&["16/id", "b"], 0, "x").await);
        assert!(put(&["16", "id/b"], 0, "y").await);
        assert!(put(&["16\",\"id", "b"], 0, "z").await);
        assert_eq!(
            db.assertion("snap-declaration", &strings(&["16", "id/b"]))
                .await
                .unwrap()
                .map(|a| a.text),
            Some("y".to_string())
        );
        assert_eq!(
            db.assertion("snap-revision", &strings(&["16", "id-a"]))
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            db.assertion("snap-declaration", &strings(&["16"]))
                .await
                .unwrap(),
            None
        );

        let keys: Vec<_> = db
            .assertions_of_type("snap-declaration")
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.primary_key)
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{}", b.name);
        assert_eq!(keys.len(), 4);
        assert!(db.assertions_of_type("account").await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sequence_members_are_found_by_their_sequence_key_only() {
    for b in backends().await {
        let db = &b.db;
        for key in [
            ["16", "acme", "set", "1"],
            ["16", "acme", "set", "12"],
            ["16", "acme", "set-2", "1"],
            ["16", "acme", "se", "1"],
            ["16", "acmeX", "set", "1"],
            ["17", "acme", "set", "1"],
            ["16", "ac%me", "s_t", "3"],
        ] {
            let mut rec = assertion(&key, 0, "t");
            rec.assertion_type = "validation-set".into();
            rec.snap_id = String::new();
            assert!(db.put_assertion(&rec).await.unwrap(), "{}", b.name);
        }
        let mut other = assertion(&["16", "acme", "set", "2"], 0, "t");
        other.assertion_type = "snap-declaration".into();
        db.put_assertion(&other).await.unwrap();

        let found = |keys: Vec<Vec<String>>| async move {
            db.assertions_in_sequences("validation-set", &keys)
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.primary_key.join("/"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found(vec![strings(&["16", "acme", "set"])]).await,
            ["16/acme/set/1", "16/acme/set/12"],
            "{}",
            b.name
        );
        assert_eq!(
            found(vec![
                strings(&["16", "acme", "se"]),
                strings(&["17", "acme", "set"]),
                strings(&["16", "ac%me", "s_t"]),
                strings(&["16", "nobody", "set"]),
            ])
            .await,
            ["16/ac%me/s_t/3", "16/acme/se/1", "17/acme/set/1"],
            "{}",
            b.name
        );
        // LIKE's wildcards are plain characters here.
        assert!(
            found(vec![strings(&["16", "ac_me", "s%t"])])
                .await
                .is_empty()
        );
        assert!(found(Vec::new()).await.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn settings_keep_the_first_value() {
    for b in backends().await {
        let db = b.db.clone();
        assert_eq!(db.setting("secret").await.unwrap(), None);
        let tasks: Vec<_> = (0..10)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move { db.setting_or_insert("secret", &format!("v{i}")).await })
            })
            .collect();
        let mut seen = BTreeSet::new();
        for t in tasks {
            seen.insert(t.await.unwrap().unwrap());
        }
        assert_eq!(seen.len(), 1, "{}: {seen:?}", b.name);
        let first = seen.into_iter().next().unwrap();
        assert_eq!(db.setting("secret").await.unwrap(), Some(first.clone()));
        assert_eq!(db.setting_or_insert("secret", "late").await.unwrap(), first);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn credentials_round_trip() {
    for b in backends().await {
        let db = &b.db;
        let admin = CredentialRecord {
            id: "c1".into(),
            secret_sha3_384: "ab".repeat(48),
            scope: CredentialScope::Admin,
            created_at: Timestamp::new(5, 7).unwrap(),
        };
        let publisher = CredentialRecord {
            id: "c2".into(),
            scope: CredentialScope::Publisher("acme".into()),
            ..admin.clone()
        };
        db.add_credential(&admin).await.unwrap();
        db.add_credential(&publisher).await.unwrap();
        let e = db.add_credential(&admin).await.unwrap_err();
        assert!(matches!(e, Error::Conflict(_)), "{}: {e:?}", b.name);
        assert_eq!(db.credential("c1").await.unwrap(), Some(admin));
        assert_eq!(db.credential("c2").await.unwrap(), Some(publisher));
        assert_eq!(db.credential("c3").await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_sqlite_file_keeps_its_data_and_migrates_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let url = path.to_str().unwrap();
    let db = Db::open(url).await.unwrap();
    assert_eq!(db.kind(), "sqlite");
    db.register_name(&snap("id-a", "a")).await.unwrap();
    drop(db);
    let db = Db::open(&format!("sqlite://{url}")).await.unwrap();
    assert_eq!(
        db.snap_by_id("id-a").await.unwrap(),
        Some(snap("id-a", "a"))
    );
}

#[tokio::test]
async fn bad_urls_are_refused() {
    assert!(matches!(Db::open("sqlite://").await, Err(Error::Config(_))));
    #[cfg(not(feature = "postgres"))]
    assert!(matches!(
        Db::open("postgres://localhost/x").await,
        Err(Error::Config(_))
    ));
    let e = Db::open("/nonexistent/dir/store.db").await.unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn an_unreachable_postgres_is_a_transient_error() {
    let e = Db::open("postgres://postgres@127.0.0.1:1/none?connect_timeout=2")
        .await
        .unwrap_err();
    assert!(
        e.http_status() == 503 && e.code() == "service-unavailable",
        "{e:?}"
    );
}
