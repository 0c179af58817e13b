//! The PostgreSQL store (cargo feature `postgres`) against a real server
//! (`UCORE_POSTGRES_URL`; serial-vault/ci.sh starts one): the store's semantics with two
//! replicas on one database, 1 000 concurrent registrations, and two vault processes
//! sharing the load. Without the variable each test prints a notice and returns, unless
//! `UCORE_REQUIRE_TOOLS=1`.
#![cfg(feature = "postgres")]

mod common;

use std::collections::HashSet;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use common::load;
use common::process::{ChildVault, child_vault_main};
use common::*;
use ucore_assertions::Timestamp;
use ucore_serial_vault::Error;
use ucore_serial_vault::Settings;
use ucore_serial_vault::store::{IssueOutcome, KeypairRecord, LogFilter, NewLogRow, Store};

#[test]
#[ignore = "a vault process, started by the tests in this file"]
fn child_vault() {
    child_vault_main();
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn row(serial: &str, fingerprint: &str, revision: i64) -> NewLogRow {
    NewLogRow {
        make: "acme".into(),
        model: "m1".into(),
        serial_number: serial.into(),
        fingerprint: fingerprint.into(),
        revision,
        created: "2024-01-01T00:00:00Z".into(),
        assertion: format!("{serial}/{fingerprint}/{revision}"),
    }
}

#[test]
fn store_semantics_with_two_replicas() {
    let Some(db) = pg::fresh_database("semantics") else {
        return;
    };
    rt().block_on(async {
        // Two stores = two replicas; both run the migrations (the second finds them done).
        let (a, b) = tokio::join!(Store::open(&db), Store::open(&db));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(matches!(a, Store::Postgres(_)));
        a.health().await.unwrap();
        // Keys and models.
        let k = KeypairRecord {
            authority_id: "acme".into(),
            key_id: "K1".into(),
            key_name: "serials".into(),
            active: true,
            sealed_key: "sealed".into(),
            account_assertion: Some("account".into()),
            account_key_assertion: None,
        };
        a.add_keypair(k.clone()).await.unwrap();
        b.add_keypair(k.clone()).await.unwrap(); // upsert keeps the row
        assert_eq!(b.keypairs().await.unwrap(), vec![k.clone()]);
        assert_eq!(b.keypair("K1").await.unwrap(), Some(k.clone()));
        a.add_model("acme", "m1", "K1", "api-1", &[]).await.unwrap();
        assert!(matches!(
            b.add_model("acme", "m1", "K1", "api-2", &[]).await,
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(
            b.add_model("acme", "m2", "nokey", "api-2", &[]).await,
            Err(Error::NotFound { .. })
        ));
        b.set_keypair_active("K1", false).await.unwrap();
        let m = a.model("acme", "m1").await.unwrap().unwrap();
        assert!(!m.key_active);
        assert_eq!(m.api_key, "api-1");
        b.set_model_api_key("acme", "m1", "api-3").await.unwrap();
        assert_eq!(a.api_keys().await.unwrap(), vec!["api-3".to_string()]);
        let ids = ["resel".to_string(), "other".to_string()];
        b.set_model_serial_authority("acme", "m1", &ids)
            .await
            .unwrap();
        let m = a.model("acme", "m1").await.unwrap().unwrap();
        assert_eq!(m.serial_authority, ids);
        assert!(matches!(
            b.set_model_serial_authority("acme", "none", &ids).await,
            Err(Error::NotFound { .. })
        ));
        assert!(matches!(
            a.set_model_key("acme", "m1", "nokey").await,
            Err(Error::NotFound { .. })
        ));
        a.set_model_key("acme", "m1", "K1").await.unwrap();
        assert_eq!(b.models().await.unwrap().len(), 1);

        // Nonces: 200 nonces consumed by both replicas at once: each accepted exactly once.
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        let ttl = Duration::from_secs(600);
        for i in 0..200 {
            a.create_nonce(&format!("n{i}"), now, ttl).await.unwrap();
        }
        let mut tasks = Vec::new();
        for i in 0..200 {
            for s in [a.clone(), b.clone()] {
                tasks.push(tokio::spawn(async move {
                    s.consume_nonce(&format!("n{i}"), now, ttl).await.unwrap()
                }));
            }
        }
        let mut accepted = 0;
        for t in tasks {
            accepted += usize::from(t.await.unwrap());
        }
        assert_eq!(accepted, 200);
        // Expired: refused, and consumed all the same.
        a.create_nonce(
            "old",
            Timestamp::from_second(now.as_second() - 601).unwrap(),
            ttl,
        )
        .await
        .unwrap();
        assert!(!b.consume_nonce("old", now, ttl).await.unwrap());
        assert!(!a.consume_nonce("unknown", now, ttl).await.unwrap());

        // Signing log: revisions, the duplicate policy, release.
        assert_eq!(a.next_revision("acme", "m1", "S1", "fpA").await.unwrap(), 1);
        assert_eq!(
            a.log_serial(row("S1", "fpA", 1)).await.unwrap(),
            IssueOutcome::Logged
        );
        assert_eq!(
            b.log_serial(row("S1", "fpA", 1)).await.unwrap(),
            IssueOutcome::RevisionTaken
        );
        assert_eq!(b.next_revision("acme", "m1", "S1", "fpA").await.unwrap(), 2);
        assert!(matches!(
            b.next_revision("acme", "m1", "S1", "fpB").await,
            Err(Error::DuplicateSerial { .. })
        ));
        assert!(matches!(
            b.log_serial(row("S1", "fpB", 2)).await,
            Err(Error::DuplicateSerial { .. })
        ));
        assert_eq!(a.release_serial("acme", "m1", "S1").await.unwrap(), 1);
        assert_eq!(a.release_serial("acme", "m1", "nope").await.unwrap(), 0);
        assert_eq!(
            b.log_serial(row("S1", "fpB", 2)).await.unwrap(),
            IssueOutcome::Logged
        );
        // Two replicas racing for one revision: exactly one logs it.
        let (x, y) = tokio::join!(
            a.log_serial(row("S2", "fpA", 1)),
            b.log_serial(row("S2", "fpA", 1))
        );
        let outcomes = [x.unwrap(), y.unwrap()];
        assert_eq!(
            outcomes
                .iter()
                .filter(|o| **o == IssueOutcome::Logged)
                .count(),
            1
        );
        let log = a
            .signing_log(LogFilter {
                serial: Some("S1".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].revision, log[0].fingerprint.as_str()), (2, "fpB"));
        assert!(log[1].released);
        let page = a
            .signing_log(LogFilter {
                limit: Some(1),
                offset: Some(1),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].serial_number, "S1");
        assert_eq!(page[0].revision, 2);
    });
}

#[test]
fn thousand_concurrent_registrations_on_postgres() {
    let Some(db) = pg::fresh_database("load") else {
        return;
    };
    let tv = TestVault::start(&db, Settings::default());
    const N: usize = 1000;
    let urls = [tv.url.clone()];
    let report = load::run(&urls, &tv.api_key, N, "PG", 16, &AtomicUsize::new(0));
    assert!(report.failures.is_empty(), "{:?}", &report.failures[..1]);
    let distinct: HashSet<_> = report.issued.iter().map(|i| &i.serial_number).collect();
    assert_eq!(distinct.len(), N);
    let log = load::signing_log(&db);
    assert_eq!(log.len(), N);
    load::check_log(&log, &report.issued);
    load::assert_replays_refused(&urls, &tv.api_key, &report.issued, 10);
}

#[test]
fn two_vault_processes_share_one_database() {
    let Some(db) = pg::fresh_database("two_processes") else {
        return;
    };
    let one = ChildVault::spawn(&db);
    let two = ChildVault::spawn(&db);
    assert_ne!(one.url, two.url);
    const N: usize = 1000;
    let urls = [one.url.clone(), two.url.clone()];
    let report = load::run(&urls, &one.api_key, N, "DUO", 16, &AtomicUsize::new(0));
    assert!(report.failures.is_empty(), "{:?}", &report.failures[..1]);
    let distinct: HashSet<_> = report.issued.iter().map(|i| &i.serial_number).collect();
    assert_eq!(distinct.len(), N);
    // Both processes did share the work.
    let first = report.issued.iter().filter(|i| i.vault == 0).count();
    assert_eq!(first, N / 2);
    let log = load::signing_log(&db);
    assert_eq!(log.len(), N);
    load::check_log(&log, &report.issued);
    // A nonce accepted by one process is refused by the other (and by itself).
    load::assert_replays_refused(&urls, &one.api_key, &report.issued, 5);
    // Nonces issued by one process are accepted by the other exactly once.
    let model = model();
    let k = key("device");
    for i in 0..20 {
        let id = request_id_at(&urls[i % 2], &one.api_key);
        let req =
            ucore_serial::build_serial_request(&model, &k, &id, Some(&format!("CROSS-{i}")), None)
                .unwrap();
        let body = snapd_stream(&req, &model);
        let other = &urls[(i + 1) % 2];
        let (st, _, out) = post(&format!("{other}serial"), Some(&one.api_key), &body);
        assert_eq!(st, 200, "{}", String::from_utf8_lossy(&out));
        let (st, _, _) = post(&format!("{}serial", urls[i % 2]), Some(&one.api_key), &body);
        assert_eq!(st, 400);
    }
    one.stop();
    two.stop();
}
