//! Registration: the HTTP exchange with the device service (snapd's `getSerial`,
//! `prepareSerialRequest` and `submitSerialRequest` in
//! `overlord/devicestate/handlers_serial.go`) with snapd's status handling and retries
//! (`retryErr`, `retryBadStatus`), over ureq (blocking; rustls with ring).

use std::sync::Arc;
use std::time::Duration;

use ucore_assertions::{Assertion, AssertionAccess, AssertionType, Decoder};
use ucore_signing::{Database, RsaPrivateKey};

use crate::check::check_serial;
use crate::error::Error;
use crate::prepare_device::DeviceServiceConfig;
use crate::request::{build_remodel_serial_request, build_serial_request, remodel_stream};

/// snapd's retry timing (`retryInterval`, `maxTentatives` and the 60 s poll after a 202 in
/// `overlord/devicestate/handlers_serial.go`); the defaults are snapd's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait before retrying after a retryable error (snapd: 60 s).
    pub retry_interval: Duration,
    /// Wait between re-POSTs after a 202 (snapd: 60 s).
    pub poll_interval: Duration,
    /// Retryable failures before giving up (snapd's `maxTentatives`: 15).
    pub max_tentatives: u32,
    /// HTTP timeout per request (snapd: 30 s).
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retry_interval: Duration::from_secs(60),
            poll_interval: Duration::from_secs(60),
            max_tentatives: 15,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The extension point for the serial-request body: hardware identity, or the JSON the
/// `prepare-serial-request` hook writes (snapd's `maybeRunPrepareSerialRequestHook` in
/// `overlord/devicestate/handlers_serial.go`, newer than 2.57). Called after the request-id
/// is known.
pub trait SerialRequestBody: Send + Sync {
    /// The body for a request with `request_id` (`None`: no body).
    fn body(
        &self,
        request_id: &str,
    ) -> Result<Option<String>, Box<dyn std::error::Error + Send + Sync>>;
}

/// What happened during a registration, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Asking for a request-id.
    RequestingId,
    /// Got one.
    RequestId(String),
    /// Sending the serial-request (attempt number from 1).
    Submitting {
        /// Attempt number.
        attempt: u32,
    },
    /// The service answered 202: polling again after `after`.
    Polling {
        /// How long until the next POST.
        after: Duration,
    },
    /// A retryable failure: trying again after `after`.
    Retrying {
        /// The failure.
        reason: String,
        /// The wait.
        after: Duration,
    },
    /// The device is registered.
    Registered {
        /// The serial number.
        serial: String,
    },
}

/// Where a spawned registration is (see [`Registration::spawn`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationState {
    /// Not started yet.
    Pending,
    /// Running; the last event.
    InProgress(Event),
    /// Registered with this serial number.
    Registered(String),
    /// Failed with this message.
    Failed(String),
}

/// A successful registration.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The serial assertion.
    pub serial: Assertion,
    /// Its serial number.
    pub serial_number: String,
    /// Other assertions the service streamed (account, account-key).
    pub ancillary: Vec<Assertion>,
}

/// A device registration against one device service.
pub struct Registration {
    config: DeviceServiceConfig,
    retry: RetryPolicy,
    agent: ureq::Agent,
    body: Option<Arc<dyn SerialRequestBody>>,
    trust: Option<Arc<Database>>,
    user_agent: String,
    current_serial: Option<Assertion>,
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("url", &self.config.url)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// How one HTTP attempt ended.
enum Outcome<T> {
    Done(T),
    /// snapd `retryErr`: try again after the retry interval.
    Retry(Error),
}

/// The status, content type and body of an answer; a failure to send or to read is a
/// network error (retried).
fn received(
    sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, Option<String>, Vec<u8>), Error> {
    let network = Error::network;
    let resp = sent.map_err(network)?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = resp.into_body().read_to_vec().map_err(network)?;
    Ok((status, content_type, body))
}

/// The message snapd extracts from an error response: only when the Content-Type is
/// exactly `application/json`, from `message` or `error_list[0].message`.
fn status_detail(status: u16, content_type: Option<&str>, body: &[u8]) -> String {
    if content_type == Some("application/json")
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
    {
        if let Some(m) = v
            .get("message")
            .and_then(|m| m.as_str())
            .filter(|m| !m.is_empty())
        {
            return m.to_string();
        }
        if let Some(m) = v
            .get("error_list")
            .and_then(|l| l.get(0))
            .and_then(|e| e.get("message"))
            .and_then(|m| m.as_str())
        {
            return m.to_string();
        }
    }
    format!("unexpected status {status}")
}

impl Registration {
    /// A registration with snapd's retry policy.
    pub fn new(config: DeviceServiceConfig) -> Self {
        Self::with_policy(config, RetryPolicy::default())
    }

    /// A registration with `retry`.
    pub fn with_policy(config: DeviceServiceConfig, retry: RetryPolicy) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(retry.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            config,
            retry,
            agent,
            body: None,
            trust: None,
            current_serial: None,
            user_agent: format!("ucore-serial/{} (series 16)", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Uses `provider` for the serial-request body instead of the configured one.
    pub fn with_body_provider(mut self, provider: Arc<dyn SerialRequestBody>) -> Self {
        self.body = Some(provider);
        self
    }

    /// Verifies the returned serial through `trust` (see [`check_serial`]).
    pub fn with_trust(mut self, trust: Arc<Database>) -> Self {
        self.trust = Some(trust);
        self
    }

    /// Re-registers for a remodel (snapd's `reregRemodelContext` in
    /// `overlord/devicestate/remodel.go`): the serial-request carries the
    /// `original-*` headers of `serial` (the device's current serial) and the stream ends
    /// with it. Without a configured proposed serial, the current serial number is
    /// proposed (the Serial Vault finds the sub-store row by it).
    pub fn with_current_serial(mut self, serial: Assertion) -> Self {
        self.current_serial = Some(serial);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &DeviceServiceConfig {
        &self.config
    }

    fn request(&self, url: &str) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        let mut r = self.agent.post(url).header("User-Agent", &self.user_agent);
        for (k, v) in &self.config.headers {
            r = r.header(k.as_str(), v.as_str());
        }
        r
    }

    fn fetch_request_id(&self) -> Outcome<Result<String, Error>> {
        let (status, ct, body) =
            match received(self.request(&self.config.request_id_url()).send_empty()) {
                Ok(r) => r,
                Err(e) => return Outcome::Retry(e),
            };
        if status > 500 {
            return Outcome::Retry(Error::RequestId {
                detail: format!("unexpected status {status}"),
                status: Some(status),
            });
        }
        if status != 200 {
            return Outcome::Done(Err(Error::RequestId {
                detail: status_detail(status, ct.as_deref(), &body),
                status: Some(status),
            }));
        }
        match serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| {
                v.get("request-id")
                    .and_then(|r| r.as_str())
                    .map(str::to_string)
            }) {
            Some(id) => Outcome::Done(Ok(id)),
            None => Outcome::Retry(Error::RequestId {
                detail: "cannot read the request-id answer".into(),
                status: Some(status),
            }),
        }
    }

    /// POSTs the request stream; `Ok(None)` for a 202.
    fn submit(&self, stream: &[u8]) -> Outcome<Result<Option<Vec<Assertion>>, Error>> {
        let sent = self
            .request(&self.config.serial_url())
            .header("Snap-Device-Capabilities", "serial-stream")
            .content_type("application/x.ubuntu.assertion")
            .send(stream);
        let (status, ct, body) = match received(sent) {
            Ok(r) => r,
            Err(e) => return Outcome::Retry(e),
        };
        match status {
            200 | 201 => {
                let mut out = Vec::new();
                let mut d = Decoder::new(&body[..]);
                loop {
                    match d.decode() {
                        Ok(Some(a)) => out.push(a),
                        Ok(None) => break,
                        Err(source) => {
                            return Outcome::Done(Err(Error::BadSerialStream { source }));
                        }
                    }
                }
                Outcome::Done(Ok(Some(out)))
            }
            202 => Outcome::Done(Ok(None)),
            s if s > 500 => Outcome::Retry(Error::DeliverSerialRequest {
                detail: format!("unexpected status {s}"),
                status: Some(s),
            }),
            s => Outcome::Done(Err(Error::DeliverSerialRequest {
                detail: status_detail(s, ct.as_deref(), &body),
                status: Some(s),
            })),
        }
    }

    fn wait(
        &self,
        tentatives: &mut u32,
        err: Error,
        observer: &mut dyn FnMut(&Event),
    ) -> Result<(), Error> {
        *tentatives += 1;
        if *tentatives >= self.retry.max_tentatives {
            return Err(Error::RetriesExhausted {
                attempts: *tentatives,
                last: Box::new(err),
            });
        }
        tracing::debug!(error = %err, "retrying");
        observer(&Event::Retrying {
            reason: err.to_string(),
            after: self.retry.retry_interval,
        });
        std::thread::sleep(self.retry.retry_interval);
        Ok(())
    }

    /// Registers the device with `model` and `device_key`, reporting to `observer`.
    pub fn register(
        &self,
        model: &Assertion,
        device_key: &RsaPrivateKey,
        observer: &mut dyn FnMut(&Event),
    ) -> Result<Registered, Error> {
        let mut tentatives = 0;
        observer(&Event::RequestingId);
        let request_id = loop {
            match self.fetch_request_id() {
                Outcome::Done(r) => break r?,
                Outcome::Retry(e) => self.wait(&mut tentatives, e, observer)?,
            }
        };
        observer(&Event::RequestId(request_id.clone()));
        let body = match &self.body {
            Some(p) => p.body(&request_id).map_err(Error::Body)?,
            None => self.config.body.clone(),
        };
        let stream = match &self.current_serial {
            None => {
                let request = build_serial_request(
                    model,
                    device_key,
                    &request_id,
                    self.config.proposed_serial.as_deref(),
                    body.as_deref(),
                )?;
                let mut stream = request.encode();
                stream.push(b'\n');
                stream.extend_from_slice(&model.encode());
                stream.push(b'\n');
                stream
            }
            Some(current) => {
                let proposed = self
                    .config
                    .proposed_serial
                    .as_deref()
                    .or_else(|| current.header_str("serial"));
                let request = build_remodel_serial_request(
                    model,
                    current,
                    device_key,
                    &request_id,
                    proposed,
                    body.as_deref(),
                )?;
                remodel_stream(&request, model, current)
            }
        };
        let mut attempt = 0;
        let got = loop {
            attempt += 1;
            observer(&Event::Submitting { attempt });
            match self.submit(&stream) {
                Outcome::Done(Ok(Some(got))) => break got,
                Outcome::Done(Ok(None)) => {
                    observer(&Event::Polling {
                        after: self.retry.poll_interval,
                    });
                    std::thread::sleep(self.retry.poll_interval);
                }
                Outcome::Done(Err(e)) => return Err(e),
                Outcome::Retry(e) => self.wait(&mut tentatives, e, observer)?,
            }
        };
        let (serials, ancillary): (Vec<_>, Vec<_>) = got
            .into_iter()
            .partition(|a| a.assertion_type() == AssertionType::Serial);
        let [serial] = <[Assertion; 1]>::try_from(serials)
            .map_err(|v| Error::SerialCount { found: v.len() })?;
        check_serial(
            &serial,
            model,
            device_key.key_id(),
            &ancillary,
            self.trust.as_deref(),
        )?;
        let serial_number = serial.header_str("serial").unwrap_or("").to_string();
        observer(&Event::Registered {
            serial: serial_number.clone(),
        });
        Ok(Registered {
            serial,
            serial_number,
            ancillary,
        })
    }

    /// Runs [`Registration::register`] on tokio's blocking pool; the returned handle's
    /// state can be watched and awaited (cargo feature `tokio`).
    #[cfg(feature = "tokio")]
    pub fn spawn(
        self: Arc<Self>,
        model: Assertion,
        device_key: RsaPrivateKey,
    ) -> RegistrationHandle {
        let (tx, rx) = tokio::sync::watch::channel(RegistrationState::Pending);
        let task = tokio::task::spawn_blocking(move || {
            let r = self.register(&model, &device_key, &mut |e| {
                let _ = tx.send(RegistrationState::InProgress(e.clone()));
            });
            let _ = tx.send(match &r {
                Ok(reg) => RegistrationState::Registered(reg.serial_number.clone()),
                Err(e) => RegistrationState::Failed(e.to_string()),
            });
            r
        });
        RegistrationHandle { state: rx, task }
    }
}

/// A registration running in the background (cargo feature `tokio`).
#[cfg(feature = "tokio")]
#[derive(Debug)]
pub struct RegistrationHandle {
    /// The current state; `changed().await` to follow it.
    pub state: tokio::sync::watch::Receiver<RegistrationState>,
    task: tokio::task::JoinHandle<Result<Registered, Error>>,
}

#[cfg(feature = "tokio")]
impl RegistrationHandle {
    /// Waits until the device is registered (or the registration failed).
    pub async fn registered(self) -> Result<Registered, Error> {
        self.task.await.map_err(Error::Task)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_detail_needs_exact_json_type() {
        let body = br#"{"message":"Nonce is invalid or expired"}"#;
        assert_eq!(
            status_detail(400, Some("application/json"), body),
            "Nonce is invalid or expired"
        );
        assert_eq!(
            status_detail(400, Some("application/json; charset=UTF-8"), body),
            "unexpected status 400"
        );
        let list = br#"{"error_list":[{"code":"x","message":"from list"}]}"#;
        assert_eq!(
            status_detail(400, Some("application/json"), list),
            "from list"
        );
    }
}
