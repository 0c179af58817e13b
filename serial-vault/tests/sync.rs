//! Factory offline mode: a factory vault (SQLite) exports its signing log as signed sync
//! bundles, a central vault (SQLite; PostgreSQL when `UCORE_POSTGRES_URL` is set) imports
//! them. Round trips, every refusal, byte-identical re-export, conflicts kept, and the
//! real `vault` binary killed with SIGKILL at random points of export and import.

mod common;

use std::path::{Path, PathBuf};

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_serial_vault::store::{LogFilter, SigningLogRow, Store};
use ucore_serial_vault::sync::SyncError;
use ucore_serial_vault::vault::rate_limit::RateLimits;
use ucore_serial_vault::{Error, KeyStore, Settings, Vault};

use common::{key, model};

const MASTER: &[u8] = b"sync test master secret 0123";
const API_KEY: &str = "acme-api-key-0001";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A vault on `db` with ACME's brand key and model, and the sync identity `id` with the
/// test key `sync_key`.
async fn vault(db: &str, id: &str, sync_key: &str) -> Vault {
    let store = Store::open(db).await.unwrap();
    // The kill test signs thousands of serials on one API key in seconds: no rate limit.
    let settings = Settings {
        rate_limits: RateLimits::off(),
        ..Settings::default()
    };
    let v = Vault::new(store, KeyStore::new(MASTER.to_vec()).unwrap(), settings);
    let brand = key("acme");
    v.add_key("acme", "serials", &brand, None, None)
        .await
        .unwrap();
    v.add_model(
        "acme",
        "acme-device-1",
        brand.key_id(),
        Some(API_KEY.into()),
    )
    .await
    .unwrap();
    v.sync_init(id, &key(sync_key)).await.unwrap();
    v
}

/// A central trusting `factory`.
async fn central(db: &str, factory: &Vault) -> Vault {
    let c = vault(db, "central", "requester").await;
    let pem = factory.sync_public_key().await.unwrap();
    c.sync_trust(&factory.sync_identity().await.unwrap().vault_id, &pem)
        .await
        .unwrap();
    c
}

/// Signs serials `{prefix}-{i}` for `n` devices (the test device keys in turn).
async fn sign(v: &Vault, prefix: &str, n: usize) {
    let keys = [key("device"), key("spare"), key("requester")];
    let model = model();
    for i in 0..n {
        let id = v.request_id(Some(API_KEY)).await.unwrap();
        let req = ucore_serial::build_serial_request(
            &model,
            &keys[i % keys.len()],
            &id,
            Some(&format!("{prefix}-{i:04}")),
            None,
        )
        .unwrap();
        let body = common::snapd_stream(&req, &model);
        v.sign_serial(Some(API_KEY), &body, false).await.unwrap();
    }
}

async fn log(v: &Vault) -> Vec<SigningLogRow> {
    v.signing_log(LogFilter {
        limit: Some(10_000),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// A row without its id and release flag (what travels), for comparing logs.
type Travelling = (String, String, String, String, i64, String, String);

fn travelling(rows: &[SigningLogRow]) -> Vec<Travelling> {
    let mut v: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.make.clone(),
                r.model.clone(),
                r.serial_number.clone(),
                r.fingerprint.clone(),
                r.revision,
                r.created.clone(),
                r.assertion.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The central holds exactly the factory's rows, once each, and every serial still
/// decodes and verifies with the brand key.
async fn assert_synced(factory: &Vault, central: &Vault) {
    let (f, c) = (log(factory).await, log(central).await);
    assert_eq!(travelling(&f), travelling(&c));
    let brand = key("acme");
    for row in &c {
        let serial = Assertion::decode(row.assertion.as_bytes()).unwrap();
        assert_eq!(
            serial.header_str("serial"),
            Some(row.serial_number.as_str())
        );
        ucore_signing::verify_signature(&serial, brand.public_key()).unwrap();
    }
}

fn bundles(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bundle"))
        .collect();
    v.sort();
    v
}

fn sync_error(e: Error) -> SyncError {
    match e {
        Error::Sync(e) => *e,
        e => panic!("not a sync error: {e}"),
    }
}

fn round_trip(central_db: &str) {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    rt.block_on(async {
        let f = vault("sqlite::memory:", "factory-1", "spare").await;
        let c = central(central_db, &f).await;
        sign(&f, "RT", 25).await;
        let written = f.sync_export("central", &out, 10).await.unwrap();
        assert_eq!(
            written
                .iter()
                .map(|b| (b.sequence, b.rows))
                .collect::<Vec<_>>(),
            [(1, 10), (2, 10), (3, 5)]
        );
        assert!(f.sync_export("central", &out, 10).await.unwrap().is_empty());
        for b in bundles(&out) {
            let r = c.sync_import_file(&b).await.unwrap();
            assert!(r.conflicts.is_empty());
        }
        assert_synced(&f, &c).await;
        // More rows later: bundle 4 chains onto 3.
        sign(&f, "RT2", 4).await;
        let more = f.sync_export("central", &out, 10).await.unwrap();
        assert_eq!(more.len(), 1);
        assert_eq!(more[0].sequence, 4);
        c.sync_import_file(&more[0].path).await.unwrap();
        assert_synced(&f, &c).await;
        assert_eq!(c.sync_imports().await.unwrap().len(), 4);
        // Replays are refused and change nothing.
        let before = log(&c).await.len();
        for b in bundles(&out) {
            let e = sync_error(c.sync_import_file(&b).await.unwrap_err());
            assert!(matches!(e, SyncError::AlreadyImported { .. }), "{e}");
        }
        assert_eq!(log(&c).await.len(), before);
    });
}

#[test]
fn round_trip_to_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    round_trip(dir.path().join("central.db").to_str().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn round_trip_to_postgres() {
    if let Some(db) = common::pg::fresh_database("sync_round_trip") {
        round_trip(&db);
    }
}

/// Replaces the first `from` after the `anchors` (found one after the other) in `bytes`
/// by `to`.
fn tamper(bytes: &[u8], anchors: &[&str], from: u8, to: u8) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut start = 0;
    for a in anchors {
        start += text[start..].find(a).unwrap() + a.len();
    }
    let at = start + text[start..].bytes().position(|b| b == from).unwrap();
    let mut out = bytes.to_vec();
    out[at] = to;
    out
}

fn refusals(central_db: &str) {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    rt.block_on(async {
        let f = vault("sqlite::memory:", "factory-1", "spare").await;
        let c = central(central_db, &f).await;
        sign(&f, "RF", 9).await;
        let written = f.sync_export("central", &out, 3).await.unwrap();
        assert_eq!(written.len(), 3);
        let b1 = std::fs::read(&written[0].path).unwrap();
        let name = "b1";

        // Tampered: a row's time (signed, not in the serial), the header's time, the
        // signature: each a bad signature, nothing imported.
        let row_time = tamper(&b1, &["\"rows\":[{", "\"created\":\""], b'0', b'1');
        let header_time = tamper(&b1, &["\"created\":\""], b'0', b'1');
        let sig_line = b1.len() - 20;
        let mut signature = b1.clone();
        signature[sig_line] = if b1[sig_line] == b'A' { b'B' } else { b'A' };
        for (what, bytes) in [
            ("row", row_time),
            ("header", header_time),
            ("signature", signature),
        ] {
            let e = sync_error(c.sync_import(&bytes, name).await.unwrap_err());
            assert!(matches!(e, SyncError::Signature { .. }), "{what}: {e}");
            assert!(
                e.to_string()
                    .starts_with("bundle b1 from factory-1, sequence 1: bad signature"),
                "{e}"
            );
        }
        // A row that disagrees with its serial assertion: refused before the signature.
        let serial_changed = tamper(&b1, &["\"serial\":\"RF-"], b'0', b'9');
        let e = sync_error(c.sync_import(&serial_changed, name).await.unwrap_err());
        assert!(matches!(e, SyncError::Inconsistent { .. }), "{e}");
        assert!(log(&c).await.is_empty());

        // A gap: bundle 3 before 2.
        c.sync_import(&b1, name).await.unwrap();
        let b3 = std::fs::read(&written[2].path).unwrap();
        let e = sync_error(c.sync_import(&b3, "b3").await.unwrap_err());
        assert_eq!(
            e.to_string(),
            "bundle b3 from factory-1, sequence 3: bundle 2 expected"
        );
        // A replay.
        let e = sync_error(c.sync_import(&b1, name).await.unwrap_err());
        assert_eq!(
            e.to_string(),
            "bundle b1 from factory-1, sequence 1: already imported; nothing changed"
        );
        assert_eq!(log(&c).await.len(), 3);

        // For another vault.
        let other_dir = tempfile::tempdir().unwrap();
        let other = f
            .sync_export("elsewhere", other_dir.path(), 3)
            .await
            .unwrap();
        let e = sync_error(c.sync_import_file(&other[0].path).await.unwrap_err());
        assert!(matches!(e, SyncError::WrongVault { .. }), "{e}");
        assert!(
            e.to_string()
                .contains("is for vault elsewhere, not for this vault central")
        );

        // From a factory the central does not trust.
        let stranger = vault("sqlite::memory:", "factory-2", "spare").await;
        sign(&stranger, "ST", 1).await;
        let s = stranger
            .sync_export("central", other_dir.path(), 3)
            .await
            .unwrap();
        let e = sync_error(c.sync_import_file(&s[0].path).await.unwrap_err());
        assert!(matches!(e, SyncError::UnknownFactory { .. }), "{e}");

        // Signed by another key than the factory's.
        let impostor = vault("sqlite::memory:", "factory-1", "device").await;
        sign(&impostor, "IM", 1).await;
        let i = impostor
            .sync_export("central", other_dir.path(), 3)
            .await
            .unwrap();
        let e = sync_error(c.sync_import_file(&i[0].path).await.unwrap_err());
        assert!(matches!(e, SyncError::WrongKey { .. }), "{e}");

        // Nothing of the refused bundles got in; the next one still does.
        assert_eq!(log(&c).await.len(), 3);
        c.sync_import_file(&written[1].path).await.unwrap();
        c.sync_import_file(&written[2].path).await.unwrap();
        assert_synced(&f, &c).await;
    });
}

#[test]
fn refusals_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    refusals(dir.path().join("central.db").to_str().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn refusals_on_postgres() {
    if let Some(db) = common::pg::fresh_database("sync_refusals") {
        refusals(&db);
    }
}

#[test]
fn re_export_rebuilds_identical_bytes() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    rt.block_on(async {
        let f = vault("sqlite::memory:", "factory-1", "spare").await;
        sign(&f, "RE", 7).await;
        let written = f.sync_export("central", out, 3).await.unwrap();
        let originals: Vec<Vec<u8>> = written
            .iter()
            .map(|b| std::fs::read(&b.path).unwrap())
            .collect();
        for b in &written {
            std::fs::remove_file(&b.path).unwrap();
            let again = f.sync_reexport("central", b.sequence, out).await.unwrap();
            assert!(again.rebuilt);
            assert_eq!(
                std::fs::read(&again.path).unwrap(),
                originals[b.sequence as usize - 1]
            );
        }
        // A plain export writes the last bundle again when its file is missing.
        std::fs::remove_file(&written[2].path).unwrap();
        let again = f.sync_export("central", out, 3).await.unwrap();
        assert_eq!(again.len(), 1);
        assert!(again[0].rebuilt);
        assert_eq!(std::fs::read(&written[2].path).unwrap(), originals[2]);
        let e = sync_error(f.sync_reexport("central", 9, out).await.unwrap_err());
        assert_eq!(e.to_string(), "no bundle 9 was exported to central");
    });
}

/// A serial the central already holds for another device key: the factory's row is kept
/// as a conflict and reported, not dropped, and not put in the signing log.
#[test]
fn conflicting_serials_are_kept_and_reported() {
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        let f = vault("sqlite::memory:", "factory-1", "spare").await;
        let c = central("sqlite::memory:", &f).await;
        // RC-0000 on the factory with the `device` key; on the central with `spare`.
        sign(&f, "RC", 2).await;
        let model = model();
        let id = c.request_id(Some(API_KEY)).await.unwrap();
        let req =
            ucore_serial::build_serial_request(&model, &key("spare"), &id, Some("RC-0000"), None)
                .unwrap();
        c.sign_serial(Some(API_KEY), &common::snapd_stream(&req, &model), false)
            .await
            .unwrap();
        let written = f.sync_export("central", dir.path(), 10).await.unwrap();
        let report = c.sync_import_file(&written[0].path).await.unwrap();
        assert_eq!(report.record.rows, 2);
        assert_eq!(report.record.conflicts, 1);
        assert_eq!(report.conflicts.len(), 1);
        assert_eq!(report.conflicts[0].row.serial, "RC-0000");
        assert_eq!(
            report.conflicts[0].reason,
            "serial acme/acme-device-1/RC-0000 revision 1 is already in the signing log"
        );
        assert_eq!(c.sync_conflicts().await.unwrap(), report.conflicts);
        // The central's log: its own row and the factory's RC-0001.
        let central_log = log(&c).await;
        assert_eq!(central_log.len(), 2);
        let factory_log = log(&f).await;
        let kept = factory_log
            .iter()
            .find(|r| r.serial_number == "RC-0000")
            .unwrap();
        assert_eq!(report.conflicts[0].row.assertion, kept.assertion);
    });
}

// ---- kills ----------------------------------------------------------------------------

/// The `vault` example binary next to this test's directory (`target/debug/examples/vault`,
/// built by `cargo test --workspace` or `cargo build --example vault`), or `None` with a
/// notice; a failure instead when `UCORE_REQUIRE_TOOLS=1`.
fn vault_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent()?.parent()?.join("examples").join("vault");
    if bin.is_file() {
        return Some(bin);
    }
    if std::env::var("UCORE_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!(
            "{} is missing and UCORE_REQUIRE_TOOLS=1: cargo build --example vault",
            bin.display()
        );
    }
    eprintln!(
        "notice: {} is missing; skipping the kill tests (cargo build --example vault)",
        bin.display()
    );
    None
}

fn config(dir: &Path, name: &str, database: &str) -> PathBuf {
    let secret = dir.join("master.secret");
    std::fs::write(&secret, MASTER).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            "database = {database:?}\nmaster_secret_file = {:?}\n",
            secret.to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

/// When [`run_or_kill`] SIGKILLs the vault.
enum Kill<'a> {
    /// Never: the run must succeed.
    Never,
    /// After this long (the run may finish first).
    After(std::time::Duration),
    /// As soon as the vault has logged this many lines containing the text (one per bundle
    /// written or imported), so the kill lands mid-run whenever more bundles were due.
    AfterLogLines(&'a str, usize),
}

/// Runs `vault ARGS` until it exits (true on success), or SIGKILLs it as `kill` says
/// (false when it was killed, or failed).
fn run_or_kill(bin: &Path, args: &[&str], kill: Kill<'_>) -> bool {
    use std::io::BufRead;
    let mut child = std::process::Command::new(bin)
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // stderr is read on its own thread, so a chatty vault never blocks on a full pipe.
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let finished = |mut child: std::process::Child| {
        let status = child.wait().unwrap();
        let _ = reader.join();
        (status, lines.try_iter().collect::<Vec<_>>().join("\n"))
    };
    let killed = |mut child: std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
        false
    };
    match kill {
        Kill::Never => {
            let (status, log) = finished(child);
            assert!(
                status.success(),
                "vault {}: {log}",
                args.get(..2).unwrap_or_default().join(" "),
            );
            true
        }
        Kill::After(d) => {
            let deadline = std::time::Instant::now() + d;
            while std::time::Instant::now() < deadline {
                if let Some(status) = child.try_wait().unwrap() {
                    return status.success();
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            killed(child)
        }
        Kill::AfterLogLines(text, count) => {
            let mut seen = 0;
            // Until the count is reached or the vault exits (closing its stderr).
            while let Ok(line) = lines.recv() {
                seen += usize::from(line.contains(text));
                if seen >= count {
                    return killed(child);
                }
            }
            finished(child).0.success()
        }
    }
}

/// Kill rounds, and rows signed before each (bundles of 3 rows).
const ROUNDS: usize = 30;
const ROWS_PER_ROUND: usize = 30;
/// Bundles an export writes in a round (`--max-rows 3`).
const BUNDLES_PER_ROUND: usize = ROWS_PER_ROUND / 3;

fn kill_export_and_import(central_db: &str) {
    let Some(bin) = vault_binary() else { return };
    let rt = rt();
    let dir = tempfile::tempdir().unwrap();
    let factory_db = dir.path().join("factory.db");
    let factory_db = factory_db.to_str().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (f, c) = rt.block_on(async {
        let f = vault(factory_db, "factory-1", "spare").await;
        let c = central(central_db, &f).await;
        sign(&f, "KILL", 30).await;
        (f, c)
    });
    let fc = config(dir.path(), "factory", factory_db);
    let cc = config(dir.path(), "central", central_db);
    let (fc, cc, outs) = (
        fc.to_str().unwrap(),
        cc.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    let export = [
        "sync",
        "export",
        "--config",
        fc,
        "--to",
        "central",
        "--out",
        outs,
        "--max-rows",
        "3",
    ];
    let import = |files: &[PathBuf]| -> Vec<String> {
        let mut args: Vec<String> = ["sync", "import", "--config", cc]
            .map(String::from)
            .to_vec();
        args.extend(files.iter().map(|p| p.display().to_string()));
        args
    };
    // How long whole runs take (start-up included: the export unseals the sync key).
    let timed = |args: &[&str]| {
        let started = std::time::Instant::now();
        run_or_kill(&bin, args, Kill::Never);
        (started.elapsed().as_millis() as u64).max(2)
    };
    let export_ms = timed(&export);
    let args = import(&bundles(&out));
    let import_ms = timed(&args.iter().map(String::as_str).collect::<Vec<_>>());
    eprintln!("a whole export takes {export_ms} ms, an import {import_ms} ms");
    // Rounds of: the factory signs more, an export and an import of every file so far,
    // each SIGKILLed. In odd rounds the kill comes after a random delay within a whole
    // run's time (some runs finish first, some die before writing anything); in even rounds
    // it comes right after the run logs a random one of the bundles it has to write, so it
    // lands mid-run whatever the scheduler does. A kill "mid-run" is one after the run had
    // written something but not everything. While fewer than a quarter of either kind killed
    // a run, or fewer than two landed mid-run, more rounds run (up to three times as many)
    // before the test gives up.
    let (mut export_kills, mut import_kills, mut export_mid, mut import_mid) = (0, 0, 0, 0);
    let mut round = 0;
    loop {
        let enough = export_kills >= ROUNDS / 4
            && import_kills >= ROUNDS / 4
            && export_mid >= 2
            && import_mid >= 2;
        if round >= 3 * ROUNDS || (round >= ROUNDS && enough) {
            break;
        }
        round += 1;
        rt.block_on(sign(&f, &format!("KILL{round:02}"), ROWS_PER_ROUND));
        let before = bundles(&out).len();
        // Odd rounds kill after a random delay; even ones right after a random one of the
        // bundles due was logged as written, which lands mid-run whatever the scheduler does.
        let kill = if round % 2 == 1 {
            Kill::After(std::time::Duration::from_millis(rand::random_range(
                0..export_ms,
            )))
        } else {
            Kill::AfterLogLines(
                "sync bundle exported",
                rand::random_range(1..BUNDLES_PER_ROUND),
            )
        };
        if !run_or_kill(&bin, &export, kill) {
            export_kills += 1;
            let after = bundles(&out).len();
            export_mid += usize::from(after > before && after < before + BUNDLES_PER_ROUND);
        }
        // The files not imported yet, and the last one imported (skipped as such).
        let files = bundles(&out);
        let before = rt.block_on(c.sync_imports()).unwrap().len();
        let args = import(files.get(before.saturating_sub(1)..).unwrap_or_default());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let due = files.len().saturating_sub(before);
        let kill = if round % 2 == 1 || due < 2 {
            Kill::After(std::time::Duration::from_millis(rand::random_range(
                0..import_ms * 2,
            )))
        } else {
            Kill::AfterLogLines("sync bundle imported", rand::random_range(1..due))
        };
        if !run_or_kill(&bin, &args, kill) {
            import_kills += 1;
            let after = rt.block_on(c.sync_imports()).unwrap().len();
            import_mid += usize::from(after > before && after < files.len());
        }
    }
    eprintln!(
        "killed: {export_kills} exports ({export_mid} mid-run) and {import_kills} imports \
         ({import_mid} mid-run) of {round}"
    );
    assert!(
        export_kills >= ROUNDS / 4,
        "only {export_kills} exports were killed"
    );
    assert!(
        import_kills >= ROUNDS / 4,
        "only {import_kills} imports were killed"
    );
    assert!(
        export_mid >= 2,
        "only {export_mid} exports were killed mid-run"
    );
    assert!(
        import_mid >= 2,
        "only {import_mid} imports were killed mid-run"
    );
    // Then each once to the end.
    let started = std::time::Instant::now();
    run_or_kill(&bin, &export, Kill::Never);
    let files = bundles(&out);
    let args = import(&files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_or_kill(&bin, &args, Kill::Never);
    eprintln!("final export and import: {:?}", started.elapsed());
    rt.block_on(async {
        assert_synced(&f, &c).await;
        assert!(c.sync_conflicts().await.unwrap().is_empty());
        let imports = c.sync_imports().await.unwrap();
        assert_eq!(imports.len(), files.len());
    });
}

#[test]
fn killed_export_and_import_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    kill_export_and_import(dir.path().join("central.db").to_str().unwrap());
}

#[cfg(feature = "postgres")]
#[test]
fn killed_export_and_import_to_postgres_lose_and_duplicate_nothing() {
    if let Some(db) = common::pg::fresh_database("sync_kills") {
        kill_export_and_import(&db);
    }
}

// ---- golden bundles ---------------------------------------------------------------------

/// Golden bundles a factory exported (also the fuzz target's seeds,
/// `fuzz/seeds/regenerate.sh`). Regenerate them with
/// `UCORE_REGENERATE=1 cargo test -p ucore-serial-vault --test sync golden`.
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sync");

#[test]
fn golden_bundles_parse_verify_and_refuse_every_cut_and_flip() {
    let dir = Path::new(GOLDEN);
    if std::env::var("UCORE_REGENERATE").as_deref() == Ok("1") {
        std::fs::create_dir_all(dir).unwrap();
        for old in bundles(dir) {
            std::fs::remove_file(old).unwrap();
        }
        rt().block_on(async {
            let f = vault("sqlite::memory:", "factory-1", "spare").await;
            sign(&f, "GOLDEN", 3).await;
            f.sync_export("central", dir, 2).await.unwrap();
        });
    }
    let files = bundles(dir);
    assert_eq!(files.len(), 2, "golden bundles in {GOLDEN}");
    let sync_key = key("spare");
    let mut previous = String::new();
    for (i, path) in files.iter().enumerate() {
        let bytes = std::fs::read(path).unwrap();
        let b = ucore_serial_vault::sync::SignedBundle::parse(&bytes, "golden").unwrap();
        b.verify(sync_key.public_key(), "golden").unwrap();
        assert_eq!(b.body().sequence, i as u64 + 1);
        assert_eq!(b.body().previous, previous);
        assert_eq!(b.bytes(), &bytes[..]);
        previous = b.digest();
        // Every cut is refused (a typed error, no panic): by the parse, or by the
        // signature when the cut falls between two of its lines.
        for len in 0..bytes.len() {
            let refused = ucore_serial_vault::sync::SignedBundle::parse(&bytes[..len], "cut")
                .and_then(|b| b.verify(sync_key.public_key(), "cut"));
            assert!(refused.is_err(), "cut at {len} accepted");
        }
        // Every byte of the signed part changed: refused by the parse or the signature.
        let signed = bytes.iter().position(|&c| c == b'\n').unwrap() + 1;
        let signed = signed + bytes[signed..].iter().position(|&c| c == b'\n').unwrap() + 1;
        for at in (0..signed).step_by(7) {
            let mut t = bytes.clone();
            t[at] ^= 0x01;
            let refused = ucore_serial_vault::sync::SignedBundle::parse(&t, "flip")
                .and_then(|b| b.verify(sync_key.public_key(), "flip"));
            assert!(refused.is_err(), "byte {at} changed and accepted");
        }
    }
}

#[test]
fn identity_and_trust_refusals() {
    rt().block_on(async {
        let f = vault("sqlite::memory:", "factory-1", "spare").await;
        let e = sync_error(f.sync_init("factory-9", &key("device")).await.unwrap_err());
        assert_eq!(
            e.to_string(),
            format!(
                "this vault already has the sync identity factory-1 (key {})",
                key("spare").key_id()
            )
        );
        let e = sync_error(
            f.sync_export("factory-1", Path::new("."), 10)
                .await
                .unwrap_err(),
        );
        assert_eq!(e.to_string(), "vault factory-1 cannot sync with itself");
        let e = sync_error(
            f.sync_export("central", Path::new("."), 0)
                .await
                .unwrap_err(),
        );
        assert_eq!(e.to_string(), "rows per bundle must be in 1..=10000, not 0");
        let c = central("sqlite::memory:", &f).await;
        // Trusting again with the same key changes nothing; another key is refused.
        let pem = f.sync_public_key().await.unwrap();
        c.sync_trust("factory-1", &pem).await.unwrap();
        let other = key("device").public_key().to_spki_pem().unwrap();
        let e = sync_error(c.sync_trust("factory-1", &other).await.unwrap_err());
        assert!(matches!(e, SyncError::FactoryKeyChanged { .. }), "{e}");
        let e = sync_error(c.sync_trust("central", &other).await.unwrap_err());
        assert_eq!(e.to_string(), "vault central cannot sync with itself");
        assert_eq!(c.sync_factories().await.unwrap().len(), 1);
        // Without an identity: a clear refusal.
        let bare = Vault::new(
            Store::open("sqlite::memory:").await.unwrap(),
            KeyStore::new(MASTER.to_vec()).unwrap(),
            Settings::default(),
        );
        let e = sync_error(bare.sync_public_key().await.unwrap_err());
        assert!(matches!(e, SyncError::NoIdentity), "{e}");
    });
}
