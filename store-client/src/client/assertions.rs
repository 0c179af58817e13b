//! The assertions endpoint (`GET v2/assertions/{type}/{key…}`, snapd's
//! `store_asserts.go`): one assertion by primary key, the latest of a sequence, and the
//! stream URLs of fetch-assertions results.

use reqwest::{Method, StatusCode};
use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{Assertion, AssertionType, decode_slice};

use super::config::{parse_url, with_segments};
use super::{Answer, Request, StoreClient};
use crate::error::{AssertionRef, Error};
use crate::protocol::headers::ASSERTION_MEDIA_TYPE;
use crate::protocol::{ApiLevel, ErrorList, Problem};

/// The assertions endpoint.
pub const ASSERTIONS_PATH: &str = "v2/assertions/";

impl StoreClient {
    /// The assertion of type `assertion_type` with `primary_key` (trailing keys at their
    /// defaults may be left out). A store without it answers
    /// [`Error::AssertionNotFound`].
    pub async fn assertion(
        &self,
        assertion_type: AssertionType,
        primary_key: &[&str],
    ) -> Result<Assertion, Error> {
        let reduced = reduce_primary_key(assertion_type, primary_key);
        let mut segments = vec![assertion_type.name()];
        segments.extend(reduced);
        let mut url = self.assertions_url(&segments)?;
        url.query_pairs_mut().append_pair(
            "max-format",
            &assertion_type.max_supported_format().to_string(),
        );
        let answer = self.get_assertions(url, "fetch assertion").await?;
        if let Some(e) = service_error(&answer)? {
            return Err(match e {
                ServiceError::NotFound => Error::AssertionNotFound(AssertionRef {
                    assertion_type,
                    primary_key: full_primary_key(assertion_type, primary_key),
                }),
                ServiceError::Other(text) => Error::AssertionService(text),
            });
        }
        let mut assertions = decode_all(&answer.body, 1, self.inner.config.rule_language)?;
        assertions.pop().ok_or_else(|| Error::BadResponse {
            op: "fetch assertion".into(),
            detail: "empty assertion stream".into(),
        })
    }

    /// The latest assertion of a sequence (`validation-set`), or the one at `sequence`.
    pub async fn sequence_assertion(
        &self,
        assertion_type: AssertionType,
        sequence_key: &[&str],
        sequence: Option<u32>,
    ) -> Result<Assertion, Error> {
        let mut segments = vec![assertion_type.name()];
        segments.extend(sequence_key);
        let mut url = self.assertions_url(&segments)?;
        let seq = sequence.map_or_else(|| "latest".to_string(), |n| n.to_string());
        url.query_pairs_mut()
            .append_pair(
                "max-format",
                &assertion_type.max_supported_format().to_string(),
            )
            .append_pair("sequence", &seq);
        let answer = self.get_assertions(url, "fetch assertion").await?;
        if let Some(e) = service_error(&answer)? {
            return Err(match e {
                ServiceError::NotFound => {
                    let mut key: Vec<String> = sequence_key.iter().map(|s| s.to_string()).collect();
                    if let Some(n) = sequence {
                        key.push(n.to_string());
                    }
                    Error::AssertionNotFound(AssertionRef {
                        assertion_type,
                        primary_key: key,
                    })
                }
                ServiceError::Other(text) => Error::AssertionService(text),
            });
        }
        let mut assertions = decode_all(&answer.body, 1, self.inner.config.rule_language)?;
        assertions.pop().ok_or_else(|| Error::BadResponse {
            op: "fetch assertion".into(),
            detail: "empty assertion stream".into(),
        })
    }

    /// Every assertion of the stream at `url` (a fetch-assertions stream URL).
    pub async fn assertion_stream(&self, url: &str) -> Result<Vec<Assertion>, Error> {
        let url = parse_url(url)?;
        let answer = self
            .get_assertions(url, "download assertion stream")
            .await?;
        if let Some(e) = service_error(&answer)? {
            return Err(match e {
                ServiceError::NotFound => {
                    Error::AssertionService(ucore_go_text::quote("not found"))
                }
                ServiceError::Other(text) => Error::AssertionService(text),
            });
        }
        decode_all(&answer.body, usize::MAX, self.inner.config.rule_language)
    }

    fn assertions_url(&self, segments: &[&str]) -> Result<reqwest::Url, Error> {
        let base = self.inner.config.assertions_endpoint(ASSERTIONS_PATH)?;
        with_segments(base, segments)
    }

    /// GETs an assertions URL (v1 headers); a status other than 200 without a JSON error
    /// body is an unexpected status.
    async fn get_assertions(&self, url: reqwest::Url, op: &'static str) -> Result<Answer, Error> {
        let req = Request::new(Method::GET, url, ApiLevel::V1, op).accept(ASSERTION_MEDIA_TYPE);
        let answer = self.request(&req).await?;
        if answer.status != StatusCode::OK && !answer.is_json("application/problem+json") {
            return Err(answer.unexpected(op));
        }
        Ok(answer)
    }
}

enum ServiceError {
    NotFound,
    Other(String),
}

/// The JSON error of a non-200 answer (v2 `error-list` or v1 problem).
fn service_error(answer: &Answer) -> Result<Option<ServiceError>, Error> {
    if answer.status == StatusCode::OK {
        return Ok(None);
    }
    let status = answer.status.as_u16();
    let decode_error = |e: serde_json::Error| Error::BadResponse {
        op: "fetch assertion".into(),
        detail: format!(
            "cannot decode assertion service error with HTTP status code {status}: {e}"
        ),
    };
    let list: ErrorList = serde_json::from_slice(&answer.body).map_err(decode_error)?;
    let problem: Problem = serde_json::from_slice(&answer.body).map_err(decode_error)?;
    if list
        .error_list
        .first()
        .is_some_and(|e| e.code == "not-found")
        || problem.status == 404
    {
        return Ok(Some(ServiceError::NotFound));
    }
    Ok(Some(ServiceError::Other(match list.error_list.first() {
        Some(e) => ucore_go_text::quote(&e.message),
        None => format!(
            "[{}] {}",
            problem.title,
            ucore_go_text::quote(&problem.detail)
        ),
    })))
}

/// Up to `max` assertions from a stream, declarations' rules compiled in `language`.
fn decode_all(body: &[u8], max: usize, language: RuleLanguage) -> Result<Vec<Assertion>, Error> {
    let mut decoder = decode_slice(body).with_rule_language(language);
    let mut out = Vec::new();
    while out.len() < max {
        match decoder.decode().map_err(Error::AssertionDecode)? {
            Some(a) => out.push(a.into_owned()),
            None => break,
        }
    }
    Ok(out)
}

/// snapd's `ReducePrimaryKey`: trailing keys at their defaults left out.
pub fn reduce_primary_key<'a>(t: AssertionType, key: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = key.to_vec();
    while let Some(last) = out.last() {
        let Some(def) = t.primary_key().get(out.len() - 1).and_then(|k| k.default) else {
            break;
        };
        if *last != def {
            break;
        }
        out.pop();
    }
    out
}

/// The full primary key (defaults filled in) for a not-found error; empty when `key` is
/// too long or misses a key without default (snapd then prints `TYPE assertion`).
fn full_primary_key(t: AssertionType, key: &[&str]) -> Vec<String> {
    let names = t.primary_key();
    if key.len() > names.len() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(names.len());
    for (i, k) in names.iter().enumerate() {
        match (key.get(i), k.default) {
            (Some(v), _) => out.push(v.to_string()),
            (None, Some(d)) => out.push(d.to_string()),
            (None, None) => return Vec::new(),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_keys_reduce_and_fill_as_snapds() {
        let t = AssertionType::SnapRevision;
        let names: Vec<&str> = t.primary_key().iter().map(|k| k.name).collect();
        if names.len() == 2 {
            assert_eq!(reduce_primary_key(t, &["d", "global-upload"]), ["d"]);
            assert_eq!(full_primary_key(t, &["d"]), ["d", "global-upload"]);
        }
        let m = AssertionType::Model;
        assert_eq!(reduce_primary_key(m, &["16", "b", "m"]), ["16", "b", "m"]);
        assert!(full_primary_key(m, &["16"]).is_empty());
    }
}
