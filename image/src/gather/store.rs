//! Snaps and assertions from a store (spec `snap-image.md` §7.4): snapd's tooling store,
//! a [`StoreClient`] without a device, with the model's architecture and store id; one
//! snap action of `download` actions per round, the snaps already fetched as context;
//! downloads with their SHA3-384 taken while they stream; assertions from
//! `v2/assertions`.

use std::collections::HashMap;
use std::path::Path;

use ucore_assertions::{Assertion, AssertionType};
use ucore_store_client::protocol::{
    ContextSnap, DeviceHeaders, Epoch, MacaroonAuthorization, SnapAction, SnapActionRequest,
};
use ucore_store_client::{ActionOptions, Config, DownloadOptions, StoreClient};

use super::download::{FileDigest, hex_to_base64url};
use super::fetcher::Ref;
use super::source::{Locator, Resolved, Source, SourceError};
use crate::options::ValidationMode;
use crate::progress::Progress;
use crate::snaps::{PlannedSnap, SeedSnap};
use ucore_assertions::rules::RuleLanguage;

/// A store as a source of snaps and assertions.
#[derive(Debug)]
pub struct StoreSource {
    client: StoreClient,
    validation: ValidationMode,
}

/// What the store is asked as: the model's architecture and store.
#[derive(Debug, Clone, Default)]
pub struct StoreIdentity {
    /// The model's architecture.
    pub architecture: String,
    /// The model's `store`, if any.
    pub store_id: Option<String>,
}

impl StoreSource {
    /// The tooling store at `url` (with the credential `auth`, a `Macaroon root=…` value,
    /// if given) for a device of `identity`.
    pub fn new(
        url: &str,
        auth: Option<&str>,
        identity: &StoreIdentity,
        validation: ValidationMode,
        language: RuleLanguage,
    ) -> Result<StoreSource, SourceError> {
        let mut config = Config::parse(url)?;
        config.rule_language = language;
        config.device = DeviceHeaders {
            store_id: identity.store_id.clone(),
            architecture: identity.architecture.clone(),
            // snapd describes the build host; an image is built on a classic system
            classic: true,
            ..DeviceHeaders::default()
        };
        let mut builder = StoreClient::builder(config);
        if let Some(auth) = auth {
            builder = builder.user(parse_credential(auth).ok_or(SourceError::Credential)?);
        }
        Ok(StoreSource {
            client: builder.build()?,
            validation,
        })
    }

    /// The client, for callers that want more of the store.
    pub fn client(&self) -> &StoreClient {
        &self.client
    }

    fn request(&self, round: &[PlannedSnap], fetched: &[SeedSnap]) -> SnapActionRequest {
        let context = fetched
            .iter()
            .filter_map(|s| {
                let id = s.snap_id.clone()?;
                Some(ContextSnap {
                    instance_key: id.clone(),
                    snap_id: id,
                    revision: s.revision.0,
                    tracking_channel: if s.planned.channel.is_empty() {
                        "stable".into()
                    } else {
                        s.planned.channel.clone()
                    },
                    epoch: Epoch {
                        read: s.info.epoch.read.clone(),
                        write: s.info.epoch.write.clone(),
                    },
                    ignore_validation: self.validation == ValidationMode::Ignore,
                    ..ContextSnap::default()
                })
            })
            .collect();
        let actions = round
            .iter()
            .enumerate()
            .map(|(i, p)| SnapAction::Download {
                instance_key: format!("download-{}", i + 1),
                name: p.name.clone(),
                channel: Some(p.channel.clone()).filter(|c| !c.is_empty()),
                revision: p.pinned_revision.and_then(|r| u32::try_from(r).ok()),
                cohort_key: None,
                epoch: None,
                ignore_validation: Some(self.validation == ValidationMode::Ignore),
                validation_sets: Vec::new(),
            })
            .collect();
        SnapActionRequest {
            context,
            actions,
            fields: ucore_store_client::client::action::default_fields(),
            ..SnapActionRequest::default()
        }
    }
}

/// A store credential in the forms snapd's tooling store reads (`store/tooling/auth.go`):
/// the `Macaroon root="…", discharge="…"` header value itself, base64 of JSON
/// (`{"t": "macaroon", "v": "root=…, discharge=…"}`, `{"r": …, "d": …}`,
/// `{"t": "u1-macaroon", "v": {"r": …, "d": …}}`), or JSON `{"macaroon", "discharges"}`.
pub fn parse_credential(text: &str) -> Option<MacaroonAuthorization> {
    use base64::Engine as _;
    let text = text.trim();
    if text.starts_with("Macaroon ") {
        return MacaroonAuthorization::parse(text);
    }
    let str_of = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let root_and_discharge = |v: &serde_json::Value| {
        Some(MacaroonAuthorization {
            root: str_of(v, "r")?,
            discharges: vec![str_of(v, "d")?],
        })
    };
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        let discharges: Vec<String> = json
            .get("discharges")?
            .as_array()?
            .iter()
            .filter_map(|d| d.as_str().map(str::to_string))
            .collect();
        return Some(MacaroonAuthorization {
            root: str_of(&json, "macaroon")?,
            discharges: Some(discharges).filter(|d| !d.is_empty())?,
        });
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&decoded).ok()?;
    match json.get("t").and_then(serde_json::Value::as_str) {
        Some("macaroon") => {
            MacaroonAuthorization::parse(&format!("Macaroon {}", str_of(&json, "v")?))
        }
        Some("u1-macaroon") => root_and_discharge(json.get("v")?),
        _ => root_and_discharge(&json),
    }
}

fn bad(name: &str, detail: impl Into<String>) -> SourceError {
    SourceError::BadResult {
        name: name.to_string(),
        detail: detail.into(),
    }
}

impl Source for StoreSource {
    async fn assertion(&self, reference: &Ref) -> Result<Option<Assertion>, SourceError> {
        match self
            .client
            .assertion(reference.assertion_type, &reference.key())
            .await
        {
            Ok(a) => Ok(Some(a)),
            Err(ucore_store_client::Error::AssertionNotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn sequence_assertion(
        &self,
        t: AssertionType,
        key: &[&str],
        sequence: Option<i64>,
    ) -> Result<Option<Assertion>, SourceError> {
        let sequence = match sequence.map(u32::try_from) {
            None => None,
            Some(Ok(n)) => Some(n),
            // no store has a sequence number beyond u32
            Some(Err(_)) => return Ok(None),
        };
        match self.client.sequence_assertion(t, key, sequence).await {
            Ok(a) => Ok(Some(a)),
            Err(ucore_store_client::Error::AssertionNotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn resolve(
        &self,
        round: &[PlannedSnap],
        fetched: &[SeedSnap],
    ) -> Result<Vec<Resolved>, SourceError> {
        if round.is_empty() {
            return Ok(Vec::new());
        }
        let request = self.request(round, fetched);
        let outcome = self
            .client
            .snap_action_outcome(&request, &ActionOptions::default())
            .await?;
        let mut errors = outcome.errors;
        let mut results: HashMap<String, _> = outcome
            .results
            .into_iter()
            .map(|r| (r.instance_key.clone(), r))
            .collect();
        let mut out = Vec::with_capacity(round.len());
        for (i, planned) in round.iter().enumerate() {
            let name = &planned.name;
            if let Some(source) = errors.download.remove(name) {
                return Err(SourceError::Refused {
                    name: name.clone(),
                    source,
                });
            }
            let result = results
                .remove(&format!("download-{}", i + 1))
                .ok_or_else(|| SourceError::MissingResult { name: name.clone() })?;
            let snap = result
                .snap
                .ok_or_else(|| bad(name, "a result without a snap"))?;
            if snap.name != *name {
                return Err(bad(name, format!("the result is for snap {:?}", snap.name)));
            }
            if snap.snap_id.is_empty() {
                return Err(bad(name, "no snap-id"));
            }
            let revision = i32::try_from(snap.revision)
                .ok()
                .filter(|r| *r >= 1)
                .ok_or_else(|| bad(name, format!("invalid revision {}", snap.revision)))?;
            if let Some(pin) = planned.pinned_revision
                && pin != revision
            {
                return Err(bad(
                    name,
                    format!("revision {revision} instead of the pinned revision {pin}"),
                ));
            }
            let sha3_384 = hex_to_base64url(&snap.download.sha3_384).ok_or_else(|| {
                bad(
                    name,
                    format!("invalid sha3-384 {:?}", snap.download.sha3_384),
                )
            })?;
            out.push(Resolved {
                name: name.clone(),
                snap_id: snap.snap_id,
                revision,
                redirect_channel: Some(result.redirect_channel).filter(|c| !c.is_empty()),
                size: snap.download.size,
                sha3_384,
                contact: Some(snap.contact).filter(|c| !c.is_empty()),
                private: snap.private,
                locator: Locator::Download(snap.download),
            });
        }
        for e in &errors.other {
            tracing::warn!(error = %e, "store error about no snap in particular");
        }
        Ok(out)
    }

    async fn fetch(
        &self,
        snap: &Resolved,
        dest: &Path,
        progress: &dyn Progress,
        what: &str,
    ) -> Result<FileDigest, SourceError> {
        let Locator::Download(download) = &snap.locator else {
            return Err(bad(&snap.name, "not a store download"));
        };
        let mut done = 0u64;
        let mut report = |now: u64, _total: u64| {
            progress.advance(what, now.saturating_sub(done));
            done = now;
        };
        self.client
            .download(
                &snap.name,
                download,
                dest,
                &DownloadOptions::default(),
                Some(&mut report),
            )
            .await?;
        // The client took the SHA3-384 while the bytes streamed and compared it with the
        // store's, which is `snap.sha3_384`; the size is the file's.
        let size = tokio::fs::metadata(dest)
            .await
            .map_err(SourceError::io("stat", dest))?
            .len();
        Ok(FileDigest {
            sha3_384: snap.sha3_384.clone(),
            size,
        })
    }

    fn is_remote(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_read_in_every_form_snapd_tooling_reads() {
        use base64::Engine as _;
        let b64 =
            |j: serde_json::Value| base64::engine::general_purpose::STANDARD.encode(j.to_string());
        let want = MacaroonAuthorization {
            root: "R".into(),
            discharges: vec!["D".into()],
        };
        for text in [
            r#"Macaroon root="R", discharge="D""#.to_string(),
            b64(serde_json::json!({"t": "macaroon", "v": "root=\"R\", discharge=\"D\""})),
            b64(serde_json::json!({"r": "R", "d": "D"})),
            b64(serde_json::json!({"t": "u1-macaroon", "v": {"r": "R", "d": "D"}})),
            r#"{"macaroon": "R", "discharges": ["D"]}"#.to_string(),
            format!("{}\n", b64(serde_json::json!({"r": "R", "d": "D"}))),
        ] {
            assert_eq!(parse_credential(&text).as_ref(), Some(&want), "{text}");
        }
        for text in [
            "",
            "nonsense",
            r#"{"macaroon": "R"}"#,
            &b64(serde_json::json!({"r": "R"})),
        ] {
            assert_eq!(parse_credential(text), None, "{text}");
        }
    }
}
