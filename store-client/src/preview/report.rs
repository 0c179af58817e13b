//! The preview's result: [`Preview`] (serde JSON) and its table (`Display`: columns Snap,
//! Installed, Decision, Revision, Why, then the device-level findings).

use std::fmt;

use jiff::Timestamp;
use serde::Serialize;

use super::evaluate::{Finding, SnapPreview};
use super::holds::SystemHold;
use super::input::SnapdBehaviour;
use crate::protocol::SnapActionRequest;

/// What an auto-refresh would do on a device.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Preview {
    /// Which snapd's rules were applied.
    pub snapd_behaviour: SnapdBehaviour,
    /// The time previewed.
    pub now: Timestamp,
    /// Whether this is the first auto-refresh after seeding.
    pub first_boot: bool,
    /// The system hold.
    pub hold: SystemHold,
    /// The enforced validation sets (`account/name`).
    pub enforced: Vec<String>,
    /// The snap action request snapd sends (none when the refresh stops before).
    pub request: Option<SnapActionRequest>,
    /// One row per installed snap, then the missing ones.
    pub snaps: Vec<SnapPreview>,
    /// Device-level findings.
    pub findings: Vec<Finding>,
}

impl Preview {
    /// The row of `snap`.
    pub fn snap(&self, snap: &str) -> Option<&SnapPreview> {
        self.snaps.iter().find(|s| s.snap == snap)
    }
}

fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

impl fmt::Display for Preview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rows = vec![[
            "Snap".to_string(),
            "Installed".to_string(),
            "Decision".to_string(),
            "Revision".to_string(),
            "Why".to_string(),
        ]];
        rows.extend(self.snaps.iter().map(|s| {
            [
                s.snap.clone(),
                or_dash(s.installed),
                s.decision.name().to_string(),
                or_dash(s.revision),
                s.why.clone(),
            ]
        }));
        let mut widths = [0usize; 4];
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in &rows {
            let mut line = String::new();
            for (w, cell) in widths.iter().zip(row.iter()) {
                line.push_str(cell);
                line.push_str(&" ".repeat(w.saturating_sub(cell.chars().count()) + 2));
            }
            line.push_str(&row[4]);
            writeln!(f, "{}", line.trim_end())?;
        }
        for finding in &self.findings {
            let kind = serde_json::to_value(finding.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            writeln!(f, "{kind}: {}", finding.message)?;
        }
        Ok(())
    }
}
