//! `cluster` (as snapd newer than 2.57 checks it; the type is registered in its
//! `asserts/asserts.go`): devices forming a cluster, grouped in subclusters with the
//! snaps they run.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::{self, invalid_item};
use super::model::string_enum;

string_enum!(
    /// The state of a snap in a subcluster.
    ClusterSnapState {
        /// `clustered`.
        Clustered = "clustered",
        /// `evacuated`.
        Evacuated = "evacuated",
        /// `removed`.
        Removed = "removed",
    }
);

/// A device of the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClusterDevice<'a> {
    /// `id` (≥ 1, unique).
    pub id: i64,
    /// `device`: `serial.model.brand`.
    pub device: &'a str,
    /// `addresses`.
    pub addresses: Vec<&'a str>,
}

/// A snap of a subcluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClusterSnap<'a> {
    /// `state`.
    pub state: ClusterSnapState,
    /// `instance`: the snap instance name.
    pub instance: &'a str,
    /// `channel`.
    pub channel: &'a str,
}

/// A subcluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Subcluster<'a> {
    /// `name` (unique).
    pub name: &'a str,
    /// `devices`: ids of cluster devices.
    pub devices: Vec<i64>,
    /// `snaps`.
    pub snaps: Vec<ClusterSnap<'a>>,
}

/// A `cluster` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Cluster<'a> {
    /// `cluster-id`.
    pub cluster_id: &'a str,
    /// `sequence`.
    pub sequence: i64,
    /// `devices`.
    pub devices: Vec<ClusterDevice<'a>>,
    /// `subclusters`.
    pub subclusters: Vec<Subcluster<'a>>,
    /// `timestamp`, if any.
    pub timestamp: Option<Rfc3339Time>,
}

/// `serial.model.brand` device ids.
pub(crate) fn is_valid_device_id(s: &str) -> bool {
    let mut parts = s.splitn(3, '.');
    let (Some(serial), Some(model), Some(brand)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    super::confdb_control::VALID_STRICT_SERIAL.is_match(serial)
        && checks::VALID_MODEL.is_match(model)
        && checks::VALID_ACCOUNT_ID.is_match(brand)
}

impl<'a> Cluster<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let sequence = common::check_sequence(h, "sequence")?;
        let mut devices: Vec<ClusterDevice<'a>> = Vec::new();
        // the ids of `devices`, for duplicate and unknown ids in constant time
        let mut device_ids = std::collections::HashSet::new();
        for item in checks::check_list(h, "devices", HEADER)?.unwrap_or_default() {
            let m = item.as_map().ok_or_else(|| {
                invalid_item("devices", "\"devices\" header must be a list of maps")
            })?;
            const WHAT: &str = "of device";
            let id = common::check_at_least_one(m, "id", WHAT)?;
            if !device_ids.insert(id) {
                return Err(invalid_item(
                    "devices",
                    format!("\"devices\" header contains duplicate device id {id}"),
                ));
            }
            let device = checks::check_not_empty_string(m, "device", WHAT)?;
            if !is_valid_device_id(device) {
                return Err(invalid_item(
                    "devices",
                    format!("invalid device id {}", quote(device)),
                ));
            }
            let addresses =
                checks::check_string_list_in_map(m, "addresses", "\"addresses\" of device", None)?;
            devices.push(ClusterDevice {
                id,
                device,
                addresses,
            });
        }
        let mut subclusters: Vec<Subcluster<'a>> = Vec::new();
        let mut subcluster_names = std::collections::HashSet::new();
        for item in checks::check_list(h, "subclusters", HEADER)?.unwrap_or_default() {
            let m = item.as_map().ok_or_else(|| {
                invalid_item(
                    "subclusters",
                    "\"subclusters\" header must be a list of maps",
                )
            })?;
            let name = checks::check_not_empty_string(m, "name", "of subcluster")?;
            if !subcluster_names.insert(name) {
                return Err(invalid_item(
                    "subclusters",
                    format!("duplicate subcluster name {}", quote(name)),
                ));
            }
            let what = format!("of subcluster {}", quote(name));
            let mut ids = Vec::new();
            for id in checks::check_string_list_in_map(
                m,
                "devices",
                &format!("\"devices\" {what}"),
                None,
            )? {
                let n = checks::atoi(id, "devices", &what)?;
                if !device_ids.contains(&n) {
                    return Err(invalid_item(
                        "subclusters",
                        format!("unknown device id {n} {what}"),
                    ));
                }
                ids.push(n);
            }
            let mut snaps = Vec::new();
            for s in checks::check_list(m, "snaps", &what)?.unwrap_or_default() {
                let sm = s.as_map().ok_or_else(|| {
                    invalid_item(
                        "subclusters",
                        format!("\"snaps\" {what} must be a list of maps"),
                    )
                })?;
                let state_text = checks::check_not_empty_string(sm, "state", &what)?;
                let state = ClusterSnapState::from_name(state_text).ok_or_else(|| {
                    invalid_item(
                        "subclusters",
                        format!(
                            "snap state {what} must be one of {}, not {}",
                            ClusterSnapState::choices(),
                            quote(state_text)
                        ),
                    )
                })?;
                let instance = checks::check_not_empty_string(sm, "instance", &what)?;
                let channel = checks::check_not_empty_string(sm, "channel", &what)?;
                snaps.push(ClusterSnap {
                    state,
                    instance,
                    channel,
                });
            }
            subclusters.push(Subcluster {
                name,
                devices: ids,
                snaps,
            });
        }
        let timestamp = checks::check_optional_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Cluster {
            cluster_id: h.get_str("cluster-id").unwrap_or(""),
            sequence,
            devices,
            subclusters,
            timestamp,
        })
    }
}

super::view!(Cluster, Cluster);
