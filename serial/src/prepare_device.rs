//! The `prepare-device` configuration: where a device registers and what it sends.
//!
//! snapd reads it from the gadget snap's configuration, which the gadget's `prepare-device`
//! hook sets with `snapctl set` (snapd's `getSerialRequestConfig` in
//! `overlord/devicestate/handlers_serial.go`). [`DeviceServiceConfig`] is that
//! configuration, typed; [`DeviceServiceConfig::from_gadget_config`] reads it the way
//! snapd does, and [`DeviceServiceConfig::hook_script`] writes the hook that sets it, so
//! no brand writes that hook by hand.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// Why a gadget configuration is not a usable device-service configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `device-service.url` is missing or not a string.
    #[error("device-service.url is not set")]
    MissingUrl,
    /// `device-service.headers` is neither a JSON object nor a string holding one.
    #[error("device-service.headers is not a JSON object")]
    HeadersNotObject,
    /// A `device-service.headers` value is not a string.
    #[error("device-service.headers values must be strings")]
    HeaderValueNotString,
    /// A header name or value cannot travel in an HTTP header.
    #[error("device-service.headers: {name:?} is not a valid HTTP header")]
    InvalidHeader {
        /// The header's name.
        name: String,
    },
}

/// The device-service configuration a gadget's `prepare-device` hook sets.
///
/// | gadget configuration key | field |
/// |---|---|
/// | `device-service.url` | [`url`](Self::url) (a trailing `/` is added, as snapd does) |
/// | `device-service.headers` | [`headers`](Self::headers) (sent on both requests; this is how a Serial Vault's `api-key` travels) |
/// | `registration.proposed-serial` | [`proposed_serial`](Self::proposed_serial) (the serial-request's `serial` header) |
/// | `registration.body` | [`body`](Self::body) (the serial-request's body, verbatim) |
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceServiceConfig {
    /// Base URL (`device-service.url`), always ending in `/`.
    pub url: String,
    /// Extra headers on both requests (`device-service.headers`), e.g. `api-key`.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// `registration.proposed-serial`: the `serial` header of the serial-request.
    #[serde(default)]
    pub proposed_serial: Option<String>,
    /// `registration.body`: the serial-request body.
    #[serde(default)]
    pub body: Option<String>,
}

impl DeviceServiceConfig {
    /// A configuration pointing at `url` (a trailing `/` is added, as snapd does).
    pub fn new(url: impl Into<String>) -> Self {
        let mut url = url.into();
        if !url.ends_with('/') {
            url.push('/');
        }
        Self {
            url,
            ..Default::default()
        }
    }

    /// Adds an extra header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the proposed serial.
    pub fn proposed_serial(mut self, serial: impl Into<String>) -> Self {
        self.proposed_serial = Some(serial.into());
        self
    }

    /// Sets the serial-request body.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Reads the gadget configuration snapd reads (`device-service.url`,
    /// `device-service.headers` as a JSON object or its string form,
    /// `registration.proposed-serial`, `registration.body`), given as the gadget's config
    /// JSON object (`{"device-service": {…}, "registration": {…}}`).
    pub fn from_gadget_config(config: &serde_json::Value) -> Result<Self, ConfigError> {
        let ds = config.get("device-service");
        let url = ds
            .and_then(|d| d.get("url"))
            .and_then(|u| u.as_str())
            .ok_or(ConfigError::MissingUrl)?;
        let mut out = Self::new(url);
        if let Some(h) = ds.and_then(|d| d.get("headers")) {
            let parsed;
            let obj = match h {
                serde_json::Value::String(s) => {
                    parsed = serde_json::from_str::<serde_json::Value>(s)
                        .map_err(|_| ConfigError::HeadersNotObject)?;
                    &parsed
                }
                v => v,
            };
            let map = obj.as_object().ok_or(ConfigError::HeadersNotObject)?;
            for (k, v) in map {
                let v = v.as_str().ok_or(ConfigError::HeaderValueNotString)?;
                out.headers.push((k.clone(), v.to_string()));
            }
        }
        let reg = config.get("registration");
        if let Some(s) = reg
            .and_then(|r| r.get("proposed-serial"))
            .and_then(|s| s.as_str())
        {
            out.proposed_serial = Some(s.to_string());
        }
        if let Some(b) = reg.and_then(|r| r.get("body")).and_then(|s| s.as_str()) {
            out.body = Some(b.to_string());
        }
        Ok(out)
    }

    /// The gadget configuration this holds, as the JSON object snapd reads back (the
    /// inverse of [`from_gadget_config`](Self::from_gadget_config)).
    pub fn to_gadget_config(&self) -> serde_json::Value {
        let mut ds = serde_json::Map::new();
        ds.insert("url".into(), self.url.clone().into());
        if !self.headers.is_empty() {
            ds.insert("headers".into(), self.headers_json());
        }
        let mut config = serde_json::Map::new();
        config.insert("device-service".into(), ds.into());
        let mut reg = serde_json::Map::new();
        if let Some(s) = &self.proposed_serial {
            reg.insert("proposed-serial".into(), s.clone().into());
        }
        if let Some(b) = &self.body {
            reg.insert("body".into(), b.clone().into());
        }
        if !reg.is_empty() {
            config.insert("registration".into(), reg.into());
        }
        config.into()
    }

    fn headers_json(&self) -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into()))
            .collect();
        map.into()
    }

    /// Checks that every header can travel in an HTTP request, by the rules of the `http`
    /// crate the device's HTTP client sends them with.
    pub fn check(&self) -> Result<(), ConfigError> {
        use ureq::http::{HeaderName, HeaderValue};
        for (name, value) in &self.headers {
            if HeaderName::from_bytes(name.as_bytes()).is_err()
                || HeaderValue::from_str(value).is_err()
            {
                return Err(ConfigError::InvalidHeader { name: name.clone() });
            }
        }
        Ok(())
    }

    /// The gadget's `meta/hooks/prepare-device` script that sets this configuration with
    /// `snapctl set`. Every value is written as a JSON string (or, for the headers, a JSON
    /// object) inside single quotes, so `snapctl` never reads a serial like `0042` as a
    /// number and no shell expansion touches it.
    ///
    /// ```
    /// use ucore_serial::DeviceServiceConfig;
    ///
    /// let config = DeviceServiceConfig::new("https://vault.example.com/v1")
    ///     .header("api-key", "U6m4Z6")
    ///     .proposed_serial("A0001");
    /// let script = config.hook_script()?;
    /// assert!(script.starts_with("#!/bin/sh\n"));
    /// assert!(script.contains(r#"snapctl set device-service.url='"https://vault.example.com/v1/"'"#));
    /// assert!(script.contains(r#"snapctl set device-service.headers='{"api-key":"U6m4Z6"}'"#));
    /// # Ok::<(), ucore_serial::prepare_device::ConfigError>(())
    /// ```
    pub fn hook_script(&self) -> Result<String, ConfigError> {
        self.check()?;
        let mut out = String::from(
            "#!/bin/sh\n\
             # prepare-device: snapd runs this once, before the device asks for its serial.\n\
             # Written by ucore-serial (DeviceServiceConfig::hook_script).\n\
             set -eu\n",
        );
        let json = |s: &str| serde_json::Value::from(s).to_string();
        let mut set = |key: &str, value: String| {
            let _ = writeln!(out, "snapctl set {key}={}", shell_quote(&value));
        };
        set("device-service.url", json(&self.url));
        if !self.headers.is_empty() {
            set("device-service.headers", self.headers_json().to_string());
        }
        if let Some(s) = &self.proposed_serial {
            set("registration.proposed-serial", json(s));
        }
        if let Some(b) = &self.body {
            set("registration.body", json(b));
        }
        Ok(out)
    }

    /// `<url>request-id`.
    pub fn request_id_url(&self) -> String {
        format!("{}request-id", self.url)
    }

    /// `<url>serial`.
    pub fn serial_url(&self) -> String {
        format!("{}serial", self.url)
    }
}

/// POSIX shell single quoting: `'` becomes `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gadget_config_round_trips() {
        let c = DeviceServiceConfig::new("https://v.example/v1")
            .header("api-key", "k'1")
            .proposed_serial("0042")
            .body("mac: \"00:00\"\nx: 1");
        assert_eq!(
            DeviceServiceConfig::from_gadget_config(&c.to_gadget_config()),
            Ok(c)
        );
    }

    #[test]
    fn config_errors_say_what_is_wrong() {
        let e = |v: serde_json::Value| DeviceServiceConfig::from_gadget_config(&v).unwrap_err();
        assert_eq!(e(serde_json::json!({})), ConfigError::MissingUrl);
        assert_eq!(
            e(serde_json::json!({"device-service": {"url": "u", "headers": "[1]"}})),
            ConfigError::HeadersNotObject
        );
        assert_eq!(
            e(serde_json::json!({"device-service": {"url": "u", "headers": {"a": 1}}})),
            ConfigError::HeaderValueNotString
        );
        let bad = DeviceServiceConfig::new("u").header("a b", "x");
        assert!(matches!(
            bad.hook_script(),
            Err(ConfigError::InvalidHeader { .. })
        ));
    }

    /// The script, run by a real shell with a `snapctl` that records what it is given,
    /// sets exactly the configuration it was written from.
    #[test]
    fn the_hook_sets_what_snapd_reads() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("ucore-hook-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let c = DeviceServiceConfig::new("https://v.example/v1/")
            .header("api-key", "it's $HOME `x`")
            .proposed_serial("0042")
            .body("mac: \"00:00\"\n$(reboot)");
        let hook = dir.join("prepare-device");
        std::fs::write(&hook, c.hook_script().unwrap()).unwrap();
        // A snapctl stand-in: one line per `set key=value`.
        let snapctl = dir.join("snapctl");
        std::fs::write(
            &snapctl,
            "#!/bin/sh\nshift\nfor kv; do printf '%s\\n' \"$kv\" >> \"$OUT\"; done\n",
        )
        .unwrap();
        std::fs::set_permissions(&snapctl, std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = dir.join("out");
        let status = std::process::Command::new("/bin/sh")
            .arg(&hook)
            .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
            .env("OUT", &out)
            .status()
            .unwrap();
        assert!(status.success(), "{status:?}");
        // snapctl reads each value as JSON.
        let mut config = serde_json::Map::new();
        for line in std::fs::read_to_string(&out).unwrap().lines() {
            let (key, value) = line.split_once('=').unwrap();
            let value: serde_json::Value = serde_json::from_str(value).unwrap();
            let (section, name) = key.split_once('.').unwrap();
            config
                .entry(section)
                .or_insert_with(|| serde_json::Value::Object(Default::default()))
                .as_object_mut()
                .unwrap()
                .insert(name.to_string(), value);
        }
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            DeviceServiceConfig::from_gadget_config(&config.into()),
            Ok(c)
        );
    }
}
