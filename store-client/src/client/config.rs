//! What a client needs to know before its first request: where the store is, what the
//! device says about itself, how it retries and how long it waits.

use std::time::Duration;

use reqwest::Url;
use rustls::pki_types::CertificateDer;

use super::retry::RetryPolicy;
use crate::error::Error;
use crate::protocol::DeviceHeaders;
use ucore_assertions::rules::RuleLanguage;

/// snapd's `requestTimeout`: each request's limit.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The storeSnap fields a snap action asks for (snapd 2.57's `snapActionFields`).
pub const SNAP_ACTION_FIELDS: &[&str] = &[
    "architectures",
    "base",
    "confinement",
    "contact",
    "created-at",
    "description",
    "download",
    "epoch",
    "license",
    "name",
    "prices",
    "private",
    "publisher",
    "revision",
    "snap-id",
    "snap-yaml",
    "summary",
    "title",
    "type",
    "version",
    "website",
    "store-url",
    "media",
    "common-ids",
];

/// The client's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The store's API base (`https://api.snapcraft.io/`); a missing trailing `/` is added.
    pub base_url: Url,
    /// The assertions service's base, when not the API base (`SNAPPY_FORCE_SAS_URL`).
    pub assertions_base_url: Option<Url>,
    /// Store id, series, architecture, classic.
    pub device: DeviceHeaders,
    /// The `User-Agent` of every request.
    pub user_agent: String,
    /// Retries of API requests (snapd's `defaultRetryStrategy`).
    pub retry: RetryPolicy,
    /// Retries of downloads (snapd's `downloadRetryStrategy`).
    pub download_retry: RetryPolicy,
    /// Each API request's time limit (downloads have none, only a connect limit).
    pub request_timeout: Duration,
    /// Root certificates trusted besides the system's (a branded store's own CA).
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// The plug/slot rule language fetched declarations are decoded in (snapd 2.57's by
    /// default; [`RuleLanguage::Current`] for a store serving declarations that use what
    /// newer snapd added, such as a ucore store with `rule-language = "current"`).
    pub rule_language: RuleLanguage,
}

impl Config {
    /// A configuration for the store at `base_url` with snapd's defaults.
    pub fn new(base_url: Url) -> Self {
        Config {
            base_url: with_trailing_slash(base_url),
            assertions_base_url: None,
            device: DeviceHeaders::default(),
            user_agent: default_user_agent(),
            retry: RetryPolicy::SNAPD_DEFAULT,
            download_retry: RetryPolicy::SNAPD_DOWNLOAD,
            request_timeout: REQUEST_TIMEOUT,
            extra_roots: Vec::new(),
            rule_language: RuleLanguage::default(),
        }
    }

    /// [`Config::new`] from a URL text.
    pub fn parse(base_url: &str) -> Result<Self, Error> {
        Ok(Config::new(parse_url(base_url)?))
    }

    /// The URL of `path` (relative, no leading `/`) under the API base.
    pub fn endpoint(&self, path: &str) -> Result<Url, Error> {
        join(&self.base_url, path)
    }

    /// The URL of `path` under the assertions base.
    pub fn assertions_endpoint(&self, path: &str) -> Result<Url, Error> {
        match &self.assertions_base_url {
            Some(base) => join(&with_trailing_slash(base.clone()), path),
            None => join(&self.base_url, path),
        }
    }
}

/// `ucore-store-client/<version>` plus the series and architecture, in snapd's shape.
pub fn default_user_agent() -> String {
    format!(
        "ucore-store-client/{} (series 16) linux ({})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH
    )
}

pub(crate) fn parse_url(text: &str) -> Result<Url, Error> {
    Url::parse(text).map_err(|e| Error::Url {
        url: text.to_string(),
        reason: e.to_string(),
    })
}

fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    url
}

fn join(base: &Url, path: &str) -> Result<Url, Error> {
    base.join(path).map_err(|e| Error::Url {
        url: format!("{base}{path}"),
        reason: e.to_string(),
    })
}

/// `base` with the path segments `segments` appended, each escaped (snap names, keys).
pub(crate) fn with_segments(mut base: Url, segments: &[&str]) -> Result<Url, Error> {
    let text = base.to_string();
    base.path_segments_mut()
        .map_err(|()| Error::Url {
            url: text,
            reason: "cannot be a base".into(),
        })?
        .pop_if_empty()
        .extend(segments);
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_the_base_path() {
        let c = Config::parse("http://h:1/store").unwrap();
        assert_eq!(
            c.endpoint("v2/snaps/refresh").unwrap().as_str(),
            "http://h:1/store/v2/snaps/refresh"
        );
        let mut c = c;
        c.assertions_base_url = Some(Url::parse("http://a/sas").unwrap());
        let u = c.assertions_endpoint("v2/assertions/").unwrap();
        assert_eq!(u.as_str(), "http://a/sas/v2/assertions/");
        let u = with_segments(u, &["account", "a/b c"]).unwrap();
        assert_eq!(u.as_str(), "http://a/sas/v2/assertions/account/a%2Fb%20c");
    }
}
