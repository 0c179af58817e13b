//! PostgreSQL for tests: `UCORE_POSTGRES_URL` (serial-vault/ci.sh starts a throwaway cluster and
//! sets it). Each test gets a fresh database of its own on that server.

/// A fresh database for `test` on `UCORE_POSTGRES_URL`, or `None` (with a notice) when the
/// variable is unset — a failure instead when `UCORE_REQUIRE_TOOLS=1`.
pub fn fresh_database(test: &str) -> Option<String> {
    let Ok(url) = std::env::var("UCORE_POSTGRES_URL") else {
        if std::env::var("UCORE_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!(
                "UCORE_POSTGRES_URL is not set and UCORE_REQUIRE_TOOLS=1 (run serial-vault/ci.sh)"
            );
        }
        eprintln!(
            "notice: UCORE_POSTGRES_URL is not set; skipping {test} (serial-vault/ci.sh sets it)"
        );
        return None;
    };
    let name = format!("ucore_t_{}_{}", test.to_lowercase(), std::process::id());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to UCORE_POSTGRES_URL: {e}"));
        let task = tokio::spawn(conn);
        // Two statements: DROP/CREATE DATABASE refuse to run in one (implicit) transaction.
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            client.batch_execute(&sql).await.unwrap();
        }
        drop(client);
        let _ = task.await;
    });
    // Same server and credentials, the new database (URL form: …/DATABASE[?options]).
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url.as_str(), String::new()),
    };
    let base = base.rsplit_once('/').map(|(b, _)| b).unwrap_or(base);
    Some(format!("{base}/{name}{query}"))
}
