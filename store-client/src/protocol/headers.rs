//! The request headers of each API level (`Store.newRequest`, `hdrSnapDevice*`): v2
//! endpoints use `Snap-Device-*`, v1 endpoints, downloads and assertions use `X-Ubuntu-*`.

/// The API level of an endpoint, which picks the header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiLevel {
    /// `api/v1/…`, downloads and the assertions endpoint.
    V1,
    /// `v2/snaps/…`.
    V2,
}

impl ApiLevel {
    /// The device session header.
    pub fn device_authorization(self) -> &'static str {
        match self {
            ApiLevel::V1 => "X-Device-Authorization",
            ApiLevel::V2 => "Snap-Device-Authorization",
        }
    }
    /// The store id header.
    pub fn store(self) -> &'static str {
        match self {
            ApiLevel::V1 => "X-Ubuntu-Store",
            ApiLevel::V2 => "Snap-Device-Store",
        }
    }
    /// The series header.
    pub fn series(self) -> &'static str {
        match self {
            ApiLevel::V1 => "X-Ubuntu-Series",
            ApiLevel::V2 => "Snap-Device-Series",
        }
    }
    /// The architecture header.
    pub fn architecture(self) -> &'static str {
        match self {
            ApiLevel::V1 => "X-Ubuntu-Architecture",
            ApiLevel::V2 => "Snap-Device-Architecture",
        }
    }
    /// The classic header.
    pub fn classic(self) -> &'static str {
        match self {
            ApiLevel::V1 => "X-Ubuntu-Classic",
            ApiLevel::V2 => "Snap-Classic",
        }
    }
}

/// `X-Ubuntu-Wire-Protocol: 1`, sent at the v1 level only.
pub const WIRE_PROTOCOL: &str = "X-Ubuntu-Wire-Protocol";
/// `Snap-Device-Capabilities: default-tracks`.
pub const DEVICE_CAPABILITIES: &str = "Snap-Device-Capabilities";
/// `Snap-Refresh-Reason: scheduled` for auto-refreshes.
pub const REFRESH_REASON: &str = "Snap-Refresh-Reason";
/// The store's API version, sent in answers.
pub const STORE_VERSION: &str = "Snap-Store-Version";
/// The id of a failure, sent with unexpected statuses.
pub const OOPS_ID: &str = "X-Oops-Id";
/// The media type of assertion streams.
pub const ASSERTION_MEDIA_TYPE: &str = "application/x.ubuntu.assertion";

/// What a device says about itself in every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceHeaders {
    /// The store id (the model's `store`), if any.
    pub store_id: Option<String>,
    /// The series, `16`.
    pub series: String,
    /// The dpkg architecture (`amd64`, `arm64`, …).
    pub architecture: String,
    /// Whether the system is classic.
    pub classic: bool,
}

impl Default for DeviceHeaders {
    fn default() -> Self {
        DeviceHeaders {
            store_id: None,
            series: "16".into(),
            architecture: "amd64".into(),
            classic: false,
        }
    }
}

impl DeviceHeaders {
    /// The headers at `level` (without authorization), as name/value pairs.
    pub fn pairs(&self, level: ApiLevel) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(6);
        if let Some(id) = &self.store_id {
            out.push((level.store(), id.clone()));
        }
        out.push((level.series(), self.series.clone()));
        out.push((level.architecture(), self.architecture.clone()));
        out.push((level.classic(), self.classic.to_string()));
        if level == ApiLevel::V1 {
            out.push((WIRE_PROTOCOL, "1".into()));
        }
        out.push((DEVICE_CAPABILITIES, "default-tracks".into()));
        out
    }
}
