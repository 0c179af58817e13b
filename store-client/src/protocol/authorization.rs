//! The `Macaroon` authorization headers (`store/auth.go`, `store/auth_u1.go`):
//! `Macaroon root="<session>"` for a device, and `Macaroon root="…", discharge="…"` for a
//! user; and the `WWW-Authenticate` hints that ask for a refresh.

/// A parsed `Macaroon root="…"[, discharge="…"]…` header value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacaroonAuthorization {
    /// The root macaroon (for a device: the session).
    pub root: String,
    /// Discharge macaroons (users only).
    pub discharges: Vec<String>,
}

impl MacaroonAuthorization {
    /// A device's header value: `Macaroon root="<session>"`.
    pub fn device(session: &str) -> Self {
        MacaroonAuthorization {
            root: session.to_string(),
            discharges: Vec::new(),
        }
    }

    /// Renders the header value as snapd writes it.
    pub fn to_header(&self) -> String {
        let mut s = format!("Macaroon root=\"{}\"", self.root);
        for d in &self.discharges {
            s.push_str(&format!(", discharge=\"{d}\""));
        }
        s
    }

    /// Parses a header value; `None` unless it is `Macaroon` with a `root`. Values are
    /// quoted and hold no `"`; unknown parameters are ignored.
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim().strip_prefix("Macaroon")?;
        if !rest.starts_with(' ') {
            return None;
        }
        let mut root = None;
        let mut discharges = Vec::new();
        let mut rest = rest.trim_start();
        while !rest.is_empty() {
            let (name, after) = rest.split_once('=')?;
            let after = after.strip_prefix('"')?;
            let (val, tail) = after.split_once('"')?;
            match name.trim() {
                "root" => root = Some(val.to_string()),
                "discharge" => discharges.push(val.to_string()),
                _ => {}
            }
            rest = tail.trim_start();
            rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        }
        Some(MacaroonAuthorization {
            root: root?,
            discharges,
        })
    }
}

/// What a 401's `WWW-Authenticate` asks for (`store.Store.doRequest`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WwwAuthenticate {
    /// `refresh_device_session=1`: open a new device session and retry.
    pub refresh_device_session: bool,
    /// `needs_refresh=1`: refresh the user's discharge and retry.
    pub needs_refresh: bool,
}

impl WwwAuthenticate {
    /// The value a store sends to ask a device for a new session.
    pub const REFRESH_DEVICE_SESSION: &'static str = "Macaroon refresh_device_session=1";

    /// Reads a header value (snapd looks for the substrings).
    pub fn parse(value: &str) -> Self {
        WwwAuthenticate {
            refresh_device_session: value.contains("refresh_device_session=1"),
            needs_refresh: value.contains("needs_refresh=1"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_and_user_headers_round_trip() {
        let d = MacaroonAuthorization::device("abc.def");
        assert_eq!(d.to_header(), "Macaroon root=\"abc.def\"");
        assert_eq!(MacaroonAuthorization::parse(&d.to_header()), Some(d));
        let u =
            MacaroonAuthorization::parse("Macaroon root=\"r\", discharge=\"d1\", discharge=\"d2\"")
                .unwrap();
        assert_eq!(u.root, "r");
        assert_eq!(u.discharges, ["d1", "d2"]);
        assert_eq!(MacaroonAuthorization::parse("Bearer x"), None);
        assert_eq!(
            MacaroonAuthorization::parse("Macaroon discharge=\"d\""),
            None
        );
        assert_eq!(
            MacaroonAuthorization::parse("Macaroon root=\"unterminated"),
            None
        );
    }

    #[test]
    fn www_authenticate_hints() {
        let w = WwwAuthenticate::parse(WwwAuthenticate::REFRESH_DEVICE_SESSION);
        assert!(w.refresh_device_session && !w.needs_refresh);
    }
}
