//! Many devices registering concurrently against one or more vaults (the load and crash
//! tests). Device keys: the four 2048-bit test keys in turn (the policy lets one key hold
//! several serial numbers), so no key generation is needed.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_serial as device;

use super::{key, model, snapd_stream, try_post};

/// A serial a device received in full.
pub struct Issued {
    /// Which vault (index into the URLs) answered.
    pub vault: usize,
    /// The serial number.
    pub serial_number: String,
    /// The serial assertion as received.
    pub serial: Assertion,
    /// The `/v1/serial` body sent (to replay it).
    pub body: Vec<u8>,
}

/// What a load run saw.
pub struct LoadReport {
    /// Serials received and checked.
    pub issued: Vec<Issued>,
    /// Requests that failed (transport error or non-200), with why.
    pub failures: Vec<String>,
}

/// Registers devices `prefix-00000` … `prefix-{n-1}` from `threads` threads; request `i`
/// goes to `urls[i % urls.len()]`. Every serial received is checked the way a device
/// checks it. `progress` counts serials received (a crash test watches it).
pub fn run(
    urls: &[String],
    api_key: &str,
    n: usize,
    prefix: &str,
    threads: usize,
    progress: &AtomicUsize,
) -> LoadReport {
    let keys = [key("device"), key("spare"), key("requester"), key("acme")];
    let brand = key("acme");
    let model = model();
    let next = AtomicUsize::new(0);
    let issued = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let vault = i % urls.len();
                    let url = &urls[vault];
                    let k = &keys[i % keys.len()];
                    let one = || -> Result<Issued, String> {
                        let (st, _, out) =
                            try_post(&format!("{url}request-id"), Some(api_key), b"")
                                .map_err(|e| e.to_string())?;
                        if st != 200 {
                            return Err(format!("request-id: {st}"));
                        }
                        let v: serde_json::Value =
                            serde_json::from_slice(&out).map_err(|e| e.to_string())?;
                        let id = v["request-id"].as_str().ok_or("no request-id")?;
                        let req = device::build_serial_request(
                            &model,
                            k,
                            id,
                            Some(&format!("{prefix}-{i:05}")),
                            None,
                        )
                        .map_err(|e| e.to_string())?;
                        let body = snapd_stream(&req, &model);
                        let (st, _, out) = try_post(&format!("{url}serial"), Some(api_key), &body)
                            .map_err(|e| e.to_string())?;
                        if st != 200 {
                            return Err(format!("serial: {st} {}", String::from_utf8_lossy(&out)));
                        }
                        // A device that got a 200 and a whole body has the serial: it must be
                        // a correct one.
                        let serial = Assertion::decode(&out).unwrap();
                        device::check_serial(&serial, &model, k.key_id(), &[], None).unwrap();
                        ucore_signing::verify_signature(&serial, brand.public_key()).unwrap();
                        Ok(Issued {
                            vault,
                            serial_number: serial.header_str("serial").unwrap().to_string(),
                            serial,
                            body,
                        })
                    };
                    match one() {
                        Ok(x) => {
                            issued.lock().unwrap().push(x);
                            progress.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) => failures.lock().unwrap().push(e),
                    }
                }
            });
        }
    });
    LoadReport {
        issued: issued.into_inner().unwrap(),
        failures: failures.into_inner().unwrap(),
    }
}

/// Every row of the signing log of `db`, read through a store of its own (as a second
/// replica, or after a restart, would).
pub fn signing_log(db: &str) -> Vec<ucore_serial_vault::store::SigningLogRow> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = ucore_serial_vault::store::Store::open(db).await.unwrap();
        store
            .signing_log(ucore_serial_vault::store::LogFilter {
                limit: Some(10_000),
                ..Default::default()
            })
            .await
            .unwrap()
    })
}

/// The log is whole: every row's assertion decodes, verifies with the brand key and agrees
/// with the row's columns (no half-written row); (brand, model, serial, revision) is unique;
/// and every serial in `issued` is in it, byte for byte.
pub fn check_log(rows: &[ucore_serial_vault::store::SigningLogRow], issued: &[Issued]) {
    use std::collections::{HashMap, HashSet};
    let brand = key("acme");
    let mut by_serial = HashMap::new();
    let mut keys = HashSet::new();
    for r in rows {
        let a = Assertion::decode(r.assertion.as_bytes())
            .unwrap_or_else(|e| panic!("row {} does not decode: {e}", r.id));
        ucore_signing::verify_signature(&a, brand.public_key()).unwrap();
        assert_eq!(a.header_str("brand-id"), Some(r.make.as_str()));
        assert_eq!(a.header_str("model"), Some(r.model.as_str()));
        assert_eq!(a.header_str("serial"), Some(r.serial_number.as_str()));
        assert_eq!(
            a.header_str("device-key-sha3-384"),
            Some(r.fingerprint.as_str())
        );
        let rev: i64 = a.header_str("revision").unwrap_or("0").parse().unwrap();
        assert_eq!(rev, r.revision);
        assert!(
            keys.insert((
                r.make.clone(),
                r.model.clone(),
                r.serial_number.clone(),
                r.revision
            )),
            "two rows for {} revision {}",
            r.serial_number,
            r.revision
        );
        by_serial.insert(r.serial_number.clone(), r.assertion.clone());
    }
    for i in issued {
        let logged = by_serial
            .get(&i.serial_number)
            .unwrap_or_else(|| panic!("serial {} was returned but not logged", i.serial_number));
        assert_eq!(
            logged.as_bytes(),
            &i.serial.encode()[..],
            "{}: the log holds another assertion than the one returned",
            i.serial_number
        );
    }
}

/// Replays every `step`-th request: each nonce was single-use, whichever vault sees it.
/// A replay over the vault's rate limit (503) waits as `Retry-After` says and tries again,
/// as a well-behaved client does.
pub fn assert_replays_refused(urls: &[String], api_key: &str, issued: &[Issued], step: usize) {
    for (j, i) in issued.iter().enumerate().step_by(step) {
        // Sent to the other vault than the one that accepted it, when there are two.
        let url = &urls[(i.vault + j) % urls.len()];
        let mut tries = 0;
        let (st, out) = loop {
            let resp = super::agent()
                .post(&format!("{url}serial"))
                .header("api-key", api_key)
                .content_type("application/x.ubuntu.assertion")
                .send(&i.body[..])
                .unwrap();
            let status = resp.status().as_u16();
            let wait: Option<u64> = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()?.parse().ok());
            let out = resp.into_body().read_to_vec().unwrap();
            match wait {
                Some(secs) if status == 503 && tries < 20 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_secs(secs));
                }
                _ => break (status, out),
            }
        };
        assert_eq!(st, 400, "{}", String::from_utf8_lossy(&out));
        assert!(String::from_utf8_lossy(&out).contains("invalid-nonce"));
    }
}

/// Raises this process's soft limit on open files to at least `want` (up to the hard
/// limit), for tests that hold many sockets; returns the soft limit now in force.
pub fn raise_open_files(want: u64) -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let current = limit.current.unwrap_or(u64::MAX);
    if current >= want {
        return current;
    }
    let raised = limit.maximum.map_or(want, |max| want.min(max));
    let mut new = limit;
    new.current = Some(raised);
    match setrlimit(Resource::Nofile, new) {
        Ok(()) => raised,
        Err(_) => current,
    }
}

/// What [`run_concurrent`] saw.
pub struct ConcurrentReport {
    /// Serials received and checked, one per connection.
    pub issued: Vec<Issued>,
    /// Connections that failed (transport error or non-200), with why.
    pub failures: Vec<String>,
    /// Whether a connection opened while all `n` were held was closed by the server
    /// (its connection cap being `n`, this proves it held `n` connections at once).
    pub extra_connection_refused: bool,
}

/// An HTTP/1 connection of one device.
struct Client {
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>>,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr) -> Result<Client, String> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake: {e}"))?;
        tokio::spawn(conn);
        Ok(Client { sender })
    }

    /// POSTs `body` to `path`; (status, body).
    async fn post(
        &mut self,
        addr: std::net::SocketAddr,
        path: &str,
        api_key: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), String> {
        use http_body_util::BodyExt as _;
        self.sender
            .ready()
            .await
            .map_err(|e| format!("{path}: connection closed: {e}"))?;
        let request = hyper::Request::post(path)
            .header("host", addr.to_string())
            .header("api-key", api_key)
            .header("content-type", "application/x.ubuntu.assertion")
            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{path}: body: {e}"))?
            .to_bytes()
            .to_vec();
        Ok((status, body))
    }
}

/// Registers devices `prefix-00000` … `prefix-{n-1}` against the vault at `addr`, each from
/// its own tokio task on its own TCP connection, all open at once: every device connects
/// and gets its request-id, then all wait until each of the `n` holds its answer with its
/// connection still open; then one more connection is tried (the vault's cap should be
/// `n`: it must be closed), and then all `n` send their serial-requests at once, on the
/// connections they hold. Every serial received is checked the way a device checks it.
pub async fn run_concurrent(
    addr: std::net::SocketAddr,
    api_key: &str,
    n: usize,
    prefix: &str,
) -> ConcurrentReport {
    use std::sync::Arc;
    use tokio::sync::Barrier;

    let keys = Arc::new([key("device"), key("spare"), key("requester"), key("acme")]);
    let brand = Arc::new(key("acme"));
    let model = Arc::new(model());
    let held = Arc::new(Barrier::new(n + 1));
    let go = Arc::new(Barrier::new(n + 1));
    let mut devices = tokio::task::JoinSet::new();
    for i in 0..n {
        let (keys, model, held, go) = (keys.clone(), model.clone(), held.clone(), go.clone());
        let brand = brand.clone();
        let api_key = api_key.to_string();
        let serial = format!("{prefix}-{i:05}");
        devices.spawn(async move {
            let k = i % keys.len();
            // Whatever happens, this device reaches both barriers once.
            let first = async {
                let mut client = Client::connect(addr).await?;
                let (st, out) = client
                    .post(addr, "/v1/request-id", &api_key, Vec::new())
                    .await?;
                if st != 200 {
                    return Err(format!("request-id: {st}"));
                }
                let v: serde_json::Value =
                    serde_json::from_slice(&out).map_err(|e| e.to_string())?;
                let id = v["request-id"].as_str().ok_or("no request-id")?.to_string();
                let (keys, model) = (keys.clone(), model.clone());
                let body = tokio::task::spawn_blocking(move || {
                    let req =
                        device::build_serial_request(&*model, &keys[k], &id, Some(&serial), None)
                            .map_err(|e| e.to_string())?;
                    Ok::<_, String>(super::snapd_stream(&req, &model))
                })
                .await
                .map_err(|e| e.to_string())??;
                Ok::<_, String>((client, body))
            }
            .await;
            held.wait().await;
            go.wait().await;
            let (mut client, body) = first?;
            let (st, out) = client
                .post(addr, "/v1/serial", &api_key, body.clone())
                .await?;
            if st != 200 {
                return Err(format!("serial: {st} {}", String::from_utf8_lossy(&out)));
            }
            tokio::task::spawn_blocking(move || {
                // A device that got a 200 and a whole body has the serial: it must be a
                // correct one.
                let serial = Assertion::decode(&out).map_err(|e| e.to_string())?;
                device::check_serial(&serial, &*model, keys[k].key_id(), &[], None)
                    .map_err(|e| e.to_string())?;
                ucore_signing::verify_signature(&serial, brand.public_key())
                    .map_err(|e| e.to_string())?;
                Ok(Issued {
                    vault: 0,
                    serial_number: serial.header_str("serial").unwrap_or("").to_string(),
                    serial,
                    body,
                })
            })
            .await
            .map_err(|e| e.to_string())?
        });
    }
    held.wait().await;
    // Every device holds its connection: one more is over the cap.
    let extra_connection_refused = match Client::connect(addr).await {
        Err(_) => true,
        Ok(mut c) => c
            .post(addr, "/v1/request-id", api_key, Vec::new())
            .await
            .is_err(),
    };
    go.wait().await;
    let mut issued = Vec::new();
    let mut failures = Vec::new();
    while let Some(done) = devices.join_next().await {
        match done {
            Ok(Ok(x)) => issued.push(x),
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(e.to_string()),
        }
    }
    ConcurrentReport {
        issued,
        failures,
        extra_connection_refused,
    }
}
