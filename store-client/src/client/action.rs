//! Snap action (`POST v2/snaps/refresh`, snapd's `store_action.go`): the raw call, the
//! reading of its results into successes and per-snap errors, and the conveniences built
//! on it: install or download by name, refresh of the installed snaps, fetch-assertions.

use std::collections::BTreeMap;

use reqwest::{Method, StatusCode};
use ucore_assertions::{Assertion, AssertionType};

use super::config::SNAP_ACTION_FIELDS;
use super::{Request, StoreClient};
use crate::error::{Error, SnapActionError, SnapError};
use crate::protocol::headers::REFRESH_REASON;
use crate::protocol::{
    ActionResult, ApiLevel, AssertionQuery, ContextSnap, ErrorEntry, SnapAction, SnapActionRequest,
    SnapActionResponse,
};

/// The snap action endpoint.
pub const SNAP_ACTION_PATH: &str = "v2/snaps/refresh";
/// How many rounds a `device-authorization-needs-refresh` result starts (snapd: 2).
const AUTH_ROUNDS: u32 = 2;
/// What a failed snap action says it was doing.
const OP: &str = "query the store for updates";

/// Request headers of a snap action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActionOptions {
    /// An automatic refresh: `Snap-Refresh-Reason: scheduled`.
    pub auto_refresh: bool,
    /// Refreshes are managed by a snap: `Snap-Refresh-Managed: true`.
    pub refresh_managed: bool,
}

/// The reading of a snap action answer: the results that are snaps to install, download
/// or refresh to, and the per-snap errors (including "no update" refreshes).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RefreshOutcome {
    /// Results with a snap, in the store's order.
    pub results: Vec<ActionResult>,
    /// What failed.
    pub errors: SnapActionError,
}

/// What a fetch-assertions action brought.
#[derive(Clone, Debug, Default)]
pub struct AssertionBatch {
    /// The assertions of every stream URL, in order.
    pub assertions: Vec<Assertion>,
    /// The store's per-assertion errors (`not-found`, …).
    pub errors: Vec<ErrorEntry>,
}

impl StoreClient {
    /// Sends one snap action request and returns the answer as the store sent it. A
    /// non-200 answer is an error; a result or an error-list entry with code
    /// `device-authorization-needs-refresh` opens a new device session and sends again (at
    /// most twice). An empty request is [`SnapActionError::no_results`] without a request,
    /// as in snapd.
    pub async fn snap_action(
        &self,
        request: &SnapActionRequest,
        options: &ActionOptions,
    ) -> Result<SnapActionResponse, Error> {
        if request.context.is_empty() && request.actions.is_empty() {
            return Err(SnapActionError {
                no_results: true,
                ..SnapActionError::default()
            }
            .into());
        }
        let body = serde_json::to_vec(request).map_err(|e| Error::BadResponse {
            op: OP.into(),
            detail: e.to_string(),
        })?;
        let url = self.inner.config.endpoint(SNAP_ACTION_PATH)?;
        let mut req = Request::new(Method::POST, url, ApiLevel::V2, OP)
            .accept("application/json")
            .json(body);
        if options.auto_refresh {
            req = req.header(REFRESH_REASON, "scheduled");
        }
        if options.refresh_managed {
            req = req.header("Snap-Refresh-Managed", "true");
        }
        let mut rounds = 0;
        loop {
            let answer = self.request(&req).await?;
            if answer.status != StatusCode::OK {
                return Err(answer.unexpected(OP));
            }
            let response: SnapActionResponse = answer.json(OP)?;
            if rounds < AUTH_ROUNDS
                && self.inner.device.is_some()
                && needs_device_refresh(&response)
            {
                rounds += 1;
                let seen = self.session();
                if let Err(e) = self.refresh_session(seen.as_deref()).await {
                    // best effort, as snapd
                    tracing::warn!(error = %e, "cannot refresh soft-expired device authorisation");
                }
                continue;
            }
            return Ok(response);
        }
    }

    /// Sends `request` and reads the answer ([`interpret`]).
    pub async fn snap_action_outcome(
        &self,
        request: &SnapActionRequest,
        options: &ActionOptions,
    ) -> Result<RefreshOutcome, Error> {
        let response = self.snap_action(request, options).await?;
        interpret(request, &response)
    }

    /// Installs `name` from `channel` (the store's default when `None`), or at `revision`:
    /// the result, or the [`SnapActionError`] saying why not.
    pub async fn install(
        &self,
        name: &str,
        channel: Option<&str>,
        revision: Option<u32>,
    ) -> Result<ActionResult, Error> {
        let action = SnapAction::Install {
            instance_key: "install-1".into(),
            name: name.to_string(),
            channel: channel.map(str::to_string),
            revision,
            cohort_key: None,
            epoch: None,
            ignore_validation: None,
            validation_sets: Vec::new(),
        };
        self.one(action).await
    }

    /// As [`StoreClient::install`], with a `download` action (what `snap download` and
    /// image builders send: no installed-snap context).
    pub async fn download_action(
        &self,
        name: &str,
        channel: Option<&str>,
        revision: Option<u32>,
    ) -> Result<ActionResult, Error> {
        let action = SnapAction::Download {
            instance_key: "download-1".into(),
            name: name.to_string(),
            channel: channel.map(str::to_string),
            revision,
            cohort_key: None,
            epoch: None,
            ignore_validation: None,
            validation_sets: Vec::new(),
        };
        self.one(action).await
    }

    async fn one(&self, action: SnapAction) -> Result<ActionResult, Error> {
        let request = SnapActionRequest {
            actions: vec![action],
            fields: default_fields(),
            ..SnapActionRequest::default()
        };
        let mut outcome = self
            .snap_action_outcome(&request, &ActionOptions::default())
            .await?;
        if !outcome.errors.is_empty() {
            return Err(outcome.errors.into());
        }
        match outcome.results.pop() {
            Some(r) => Ok(r),
            None => Err(SnapActionError {
                no_results: true,
                ..SnapActionError::default()
            }
            .into()),
        }
    }

    /// Asks for updates of the installed snaps `context` (each on its tracked channel):
    /// the new revisions, and per snap why there is none (`snap has no updates available`
    /// when the store offers the installed revision).
    pub async fn refresh(
        &self,
        context: Vec<ContextSnap>,
        options: &ActionOptions,
    ) -> Result<RefreshOutcome, Error> {
        let actions = context
            .iter()
            .map(|c| SnapAction::Refresh {
                instance_key: c.instance_key.clone(),
                snap_id: c.snap_id.clone(),
                channel: None,
                revision: None,
                cohort_key: None,
                ignore_validation: None,
                validation_sets: Vec::new(),
            })
            .collect();
        let request = SnapActionRequest {
            context: context
                .into_iter()
                .map(|mut c| {
                    if c.tracking_channel.is_empty() {
                        c.tracking_channel = "stable".into();
                    }
                    c
                })
                .collect(),
            actions,
            fields: default_fields(),
            ..SnapActionRequest::default()
        };
        self.snap_action_outcome(&request, options).await
    }

    /// Fetches assertions with a `fetch-assertions` action, then each stream URL of the
    /// answer. A store that does not know the action answers an error status (snapd then
    /// falls back to [`StoreClient::assertion`] for each).
    pub async fn fetch_assertions(
        &self,
        queries: Vec<AssertionQuery>,
    ) -> Result<AssertionBatch, Error> {
        let request = SnapActionRequest {
            actions: vec![SnapAction::FetchAssertions {
                key: "g1".into(),
                assertions: queries,
            }],
            fields: default_fields(),
            assertion_max_formats: max_formats(),
            ..SnapActionRequest::default()
        };
        let response = self
            .snap_action(&request, &ActionOptions::default())
            .await?;
        let mut batch = AssertionBatch::default();
        for result in response
            .results
            .iter()
            .filter(|r| r.result == "fetch-assertions")
        {
            batch.errors.extend(result.error_list.iter().cloned());
            for url in &result.assertion_stream_urls {
                batch.assertions.extend(self.assertion_stream(url).await?);
            }
        }
        Ok(batch)
    }
}

/// snapd's `snapActionFields`.
pub fn default_fields() -> Vec<String> {
    SNAP_ACTION_FIELDS.iter().map(|f| f.to_string()).collect()
}

/// The highest format of each assertion type that has formats beyond 0 (snapd's
/// `MaxSupportedFormats(1)`).
pub fn max_formats() -> BTreeMap<String, u32> {
    AssertionType::all()
        .iter()
        .filter_map(|t| {
            let f = u32::try_from(t.max_supported_format()).ok()?;
            (f >= 1).then(|| (t.name().to_string(), f))
        })
        .collect()
}

fn needs_device_refresh(response: &SnapActionResponse) -> bool {
    const CODE: &str = "device-authorization-needs-refresh";
    response.error_list.iter().any(|e| e.code == CODE)
        || response
            .results
            .iter()
            .any(|r| r.error.as_ref().is_some_and(|e| e.code == CODE))
}

/// Reads a snap action answer as snapd does: results are matched to the request's actions
/// by `instance-key`; `error` results become per-snap errors (install errors by the
/// action's name, download errors by the result's name, refresh errors by the snap's name
/// or id, the rest "other"); a refresh result at the installed revision is "no update";
/// the top-level `error-list` is "other"; no results at all is `no_results`.
pub fn interpret(
    request: &SnapActionRequest,
    response: &SnapActionResponse,
) -> Result<RefreshOutcome, Error> {
    let mut out = RefreshOutcome::default();
    let action = |key: &str| request.actions.iter().find(|a| a.key() == key);
    let context = |key: &str| request.context.iter().find(|c| c.instance_key == key);
    let errors = &mut out.errors;
    for res in &response.results {
        match res.result.as_str() {
            "fetch-assertions" => continue,
            "error" => {
                let Some(err) = &res.error else {
                    errors.other.push(SnapError::Other {
                        code: String::new(),
                        message: format!(
                            "error result without an error for {:?}",
                            res.instance_key
                        ),
                    });
                    continue;
                };
                let translate = |op: &str, channel: Option<&String>| {
                    let channel = channel.map(String::as_str).unwrap_or_default();
                    SnapError::from_code(op, channel, &err.code, &err.message, &err.extra.releases)
                };
                match (action(&res.instance_key), context(&res.instance_key)) {
                    (Some(SnapAction::Install { name, channel, .. }), _)
                        if !res.name.is_empty() =>
                    {
                        errors
                            .install
                            .insert(name.clone(), translate("install", channel.as_ref()));
                    }
                    (Some(SnapAction::Download { channel, .. }), _) if !res.name.is_empty() => {
                        errors
                            .download
                            .insert(res.name.clone(), translate("download", channel.as_ref()));
                    }
                    (Some(SnapAction::Refresh { channel, .. }), Some(cur)) => {
                        let channel = channel.as_ref().or(Some(&cur.tracking_channel));
                        errors
                            .refresh
                            .insert(snap_name(res, cur), translate("refresh", channel));
                    }
                    (None, Some(cur)) => {
                        let message = format!(
                            "snap {}: {}",
                            ucore_go_text::quote(&snap_name(res, cur)),
                            err.message
                        );
                        errors
                            .other
                            .push(SnapError::from_code("", "", &err.code, &message, &[]));
                    }
                    _ => errors.other.push(SnapError::from_code(
                        "",
                        "",
                        &err.code,
                        &err.message,
                        &[],
                    )),
                }
            }
            "refresh" => {
                let Some(cur) = context(&res.instance_key) else {
                    return Err(invalid("unexpected refresh"));
                };
                let revision = res.snap.as_ref().map(|s| i64::from(s.revision));
                if revision == Some(i64::from(cur.revision)) {
                    errors
                        .refresh
                        .insert(snap_name(res, cur), SnapError::NoUpdateAvailable);
                    continue;
                }
                out.results.push(res.clone());
            }
            "install" if !matches!(action(&res.instance_key), Some(SnapAction::Install { .. })) => {
                return Err(invalid(&format!(
                    "unexpected instance-key {:?}",
                    res.instance_key
                )));
            }
            _ => out.results.push(res.clone()),
        }
    }
    errors.other.extend(
        response
            .error_list
            .iter()
            .map(|e| SnapError::from_code("", "", &e.code, &e.message, &[])),
    );
    errors.no_results = response.results.is_empty();
    Ok(out)
}

fn snap_name(res: &ActionResult, cur: &ContextSnap) -> String {
    if !res.name.is_empty() {
        res.name.clone()
    } else if let Some(s) = res.snap.as_ref().filter(|s| !s.name.is_empty()) {
        s.name.clone()
    } else {
        cur.snap_id.clone()
    }
}

fn invalid(detail: &str) -> Error {
    Error::BadResponse {
        op: OP.into(),
        detail: format!("unexpected invalid install/refresh API result: {detail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ResultError, StoreSnap};

    fn result(kind: &str, key: &str, name: &str, revision: u32) -> ActionResult {
        ActionResult {
            result: kind.into(),
            instance_key: key.into(),
            name: name.into(),
            snap: Some(StoreSnap {
                name: name.into(),
                revision,
                ..StoreSnap::default()
            }),
            ..ActionResult::default()
        }
    }

    #[test]
    fn results_and_errors_are_sorted_as_snapd_does() {
        let request = SnapActionRequest {
            context: vec![ContextSnap {
                snap_id: "id-a".into(),
                instance_key: "id-a".into(),
                revision: 3,
                tracking_channel: "stable".into(),
                ..ContextSnap::default()
            }],
            actions: vec![
                SnapAction::Refresh {
                    instance_key: "id-a".into(),
                    snap_id: "id-a".into(),
                    channel: None,
                    revision: None,
                    cohort_key: None,
                    ignore_validation: None,
                    validation_sets: vec![],
                },
                SnapAction::Install {
                    instance_key: "install-1".into(),
                    name: "foo".into(),
                    channel: Some("beta".into()),
                    revision: None,
                    cohort_key: None,
                    epoch: None,
                    ignore_validation: None,
                    validation_sets: vec![],
                },
                SnapAction::Download {
                    instance_key: "download-1".into(),
                    name: "bar".into(),
                    channel: None,
                    revision: None,
                    cohort_key: None,
                    epoch: None,
                    ignore_validation: None,
                    validation_sets: vec![],
                },
            ],
            ..SnapActionRequest::default()
        };
        let mut err = result("error", "install-1", "foo", 0);
        err.snap = None;
        err.error = Some(ResultError {
            code: "revision-not-found".into(),
            message: "no".into(),
            ..ResultError::default()
        });
        let response = SnapActionResponse {
            results: vec![
                result("refresh", "id-a", "a", 3),
                err,
                result("download", "download-1", "bar", 7),
            ],
            error_list: vec![ErrorEntry::new("x", "whole request")],
        };
        let out = interpret(&request, &response).unwrap();
        assert_eq!(out.results.len(), 1);
        assert_eq!(out.results[0].name, "bar");
        assert_eq!(out.errors.refresh["a"], SnapError::NoUpdateAvailable);
        assert!(matches!(
            &out.errors.install["foo"],
            SnapError::RevisionNotAvailable { action, channel, .. } if action == "install" && channel == "beta"
        ));
        assert_eq!(out.errors.other.len(), 1);
        assert!(!out.errors.no_results);

        let bogus = SnapActionResponse {
            results: vec![result("refresh", "nope", "a", 4)],
            ..SnapActionResponse::default()
        };
        assert!(interpret(&request, &bogus).is_err());
    }

    #[test]
    fn max_formats_name_types_beyond_format_0() {
        let f = max_formats();
        assert!(f.get("snap-declaration").is_some_and(|n| *n >= 1));
        assert!(!f.contains_key("account"));
    }
}
