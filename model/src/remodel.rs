//! Remodel checks: from the model a device has to a new one, what changes, whether snapd
//! allows it (with snapd's reasons) and what a person must do first.
//!
//! The refusals are the checks of snapd 2.57's `devicestate.Remodel` made on the two
//! models alone (series, grade, architecture, core to bases), in snapd's order: snapd
//! stops at the first, [`RemodelReport::refusals`] lists them all and the first is the
//! one snapd prints. Device-state refusals (not seeded, no serial yet, a conflicting
//! change, snaps missing prerequisites, an incompatible gadget) need the device and are
//! not judged here. The remodel kind follows snapd's `ClassifyRemodel`.

use serde::Serialize;
use ucore_assertions::AssertionAccess;
use ucore_assertions::types::{Model, ModelSnap};

use crate::error::Error;

/// snapd's kind of remodel (`ClassifyRemodel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemodelKind {
    /// Same brand, model and store: a new revision of the same model.
    Update,
    /// Same brand and model, another store: a new store session is needed.
    StoreSwitch,
    /// Another brand or model: the device must register again (a new serial).
    Reregistration,
}

/// Why snapd refuses a remodel (its text in `Display`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "refusal", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Refusal {
    /// The series differ.
    #[error("cannot remodel to different series yet")]
    DifferentSeries {
        /// Current series.
        from: String,
        /// New series.
        to: String,
    },
    /// A UC16/18 (no grade) model to a UC20+ one.
    #[error("cannot remodel from pre-UC20 to UC20+ models")]
    PreUc20ToUc20,
    /// The grades differ (including UC20+ to UC16/18, whose grade is empty).
    #[error("cannot remodel from grade {from} to grade {to}")]
    GradeChange {
        /// Current grade (empty: none).
        from: String,
        /// New grade (empty: none).
        to: String,
    },
    /// The architectures differ.
    #[error("cannot remodel to different architectures yet")]
    DifferentArchitecture {
        /// Current architecture.
        from: String,
        /// New architecture.
        to: String,
    },
    /// A model without `base` (core) to one with a base.
    #[error("cannot remodel from core to bases yet")]
    CoreToBases {
        /// The new base.
        to: String,
    },
    /// Same brand and model, but the new revision is not newer: the device's assertion
    /// database refuses it (snapd's `RevisionError` text).
    #[error("{}", revision_text(*.new, *.current))]
    RevisionNotNewer {
        /// The new model's revision.
        new: i64,
        /// The current model's revision.
        current: i64,
    },
}

fn revision_text(new: i64, current: i64) -> String {
    if new == current {
        format!("revision {new} is already the current revision")
    } else {
        format!("revision {new} is older than current revision {current}")
    }
}

/// Something a person must do before the device can remodel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "precondition", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Precondition {
    /// The new model is signed by another key: the device must get (acknowledge) the
    /// brand's account-key with this id before it can accept the model.
    AcknowledgeSigningKey {
        /// The account that must own the key (the new brand).
        account_id: String,
        /// `sign-key-sha3-384` of the new model.
        key_id: String,
    },
    /// Another brand or model: the device requests a new serial from the new model's
    /// serial authority (which must be able to sign one).
    NewSerial {
        /// Who may sign it.
        serial_authority: Vec<String>,
    },
    /// Another store: the device must be allowed into the new store.
    StoreSwitch {
        /// The current store (none: the global store).
        from: Option<String>,
        /// The new store.
        to: Option<String>,
    },
    /// Validation sets the new model enforces: they must be available to the device.
    ValidationSets {
        /// `account/name` of the sets added.
        added: Vec<String>,
    },
}

/// One difference between the two models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changes: `brand`, `model`, `store`, `base`, `gadget`, `kernel`, `snapd`,
    /// `snap`, `validation-set`, `grade`, `storage-safety`, `architecture`, `series`,
    /// `classic`, `serial-authority`, `system-user-authority`, `revision`.
    pub what: &'static str,
    /// The snap or validation set concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The current value (none: absent).
    pub from: Option<String>,
    /// The new value (none: removed).
    pub to: Option<String>,
}

/// What a remodel from one model to another means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemodelReport {
    /// snapd's classification.
    pub kind: RemodelKind,
    /// Whether snapd 2.57 would start it (no refusal).
    pub allowed: bool,
    /// Every refusal, in snapd's order (it prints the first).
    pub refusals: Vec<Refusal>,
    /// What must be done first.
    pub preconditions: Vec<Precondition>,
    /// What changes.
    pub changes: Vec<Change>,
}

fn change(what: &'static str, from: Option<&str>, to: Option<&str>) -> Option<Change> {
    (from != to).then(|| Change {
        what,
        name: None,
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
    })
}

fn snap_text(s: &ModelSnap<'_>) -> String {
    let mut t = format!("{} ({})", s.name, s.default_channel);
    if s.presence != ucore_assertions::types::Presence::Required {
        t.push_str(", optional");
    }
    if !s.essential && s.modes != ["run"] {
        t.push_str(&format!(", modes {}", s.modes.join(",")));
    }
    t
}

impl RemodelReport {
    /// Compares the `current` and `new` model assertions.
    pub fn of<A: AssertionAccess + ?Sized, B: AssertionAccess + ?Sized>(
        current: &A,
        new: &B,
    ) -> Result<Self, Error> {
        let cur = Model::from_assertion(current)?;
        let nw = Model::from_assertion(new)?;
        let mut refusals = Vec::new();
        if cur.series != nw.series {
            refusals.push(Refusal::DifferentSeries {
                from: cur.series.into(),
                to: nw.series.into(),
            });
        }
        if cur.grade != nw.grade {
            if cur.grade.is_none() {
                refusals.push(Refusal::PreUc20ToUc20);
            } else {
                let g = |g: Option<ucore_assertions::types::Grade>| {
                    g.map_or(String::new(), |g| g.as_str().to_owned())
                };
                refusals.push(Refusal::GradeChange {
                    from: g(cur.grade),
                    to: g(nw.grade),
                });
            }
        }
        let kind = if cur.brand_id != nw.brand_id || cur.model != nw.model {
            RemodelKind::Reregistration
        } else if cur.store != nw.store {
            RemodelKind::StoreSwitch
        } else {
            RemodelKind::Update
        };
        if cur.architecture != nw.architecture {
            refusals.push(Refusal::DifferentArchitecture {
                from: cur.architecture.unwrap_or("").into(),
                to: nw.architecture.unwrap_or("").into(),
            });
        }
        if cur.base.is_none()
            && let Some(b) = nw.base
        {
            refusals.push(Refusal::CoreToBases { to: b.into() });
        }
        if kind != RemodelKind::Reregistration && new.revision() <= current.revision() {
            refusals.push(Refusal::RevisionNotNewer {
                new: new.revision(),
                current: current.revision(),
            });
        }

        let mut preconditions = Vec::new();
        let cur_key = current.header_str("sign-key-sha3-384");
        let new_key = new.header_str("sign-key-sha3-384").map(str::to_owned);
        if cur_key != new_key.as_deref()
            && let Some(key_id) = new_key
        {
            preconditions.push(Precondition::AcknowledgeSigningKey {
                account_id: nw.brand_id.into(),
                key_id,
            });
        }
        if kind == RemodelKind::Reregistration {
            preconditions.push(Precondition::NewSerial {
                serial_authority: nw.serial_authority.iter().map(|s| (*s).into()).collect(),
            });
        }
        if cur.store != nw.store {
            preconditions.push(Precondition::StoreSwitch {
                from: cur.store.map(Into::into),
                to: nw.store.map(Into::into),
            });
        }

        let mut changes: Vec<Change> = [
            change("series", Some(cur.series), Some(nw.series)),
            change("brand", Some(cur.brand_id), Some(nw.brand_id)),
            change("model", Some(cur.model), Some(nw.model)),
            change("architecture", cur.architecture, nw.architecture),
            change(
                "classic",
                Some(if cur.classic { "true" } else { "false" }),
                Some(if nw.classic { "true" } else { "false" }),
            ),
            change("store", cur.store, nw.store),
            change("base", cur.base, nw.base),
            change(
                "grade",
                cur.grade.map(|g| g.as_str()),
                nw.grade.map(|g| g.as_str()),
            ),
            change(
                "storage-safety",
                cur.storage_safety.map(|g| g.as_str()),
                nw.storage_safety.map(|g| g.as_str()),
            ),
            change(
                "serial-authority",
                Some(&cur.serial_authority.join(" ")),
                Some(&nw.serial_authority.join(" ")),
            ),
            change(
                "revision",
                Some(&current.revision().to_string()),
                Some(&new.revision().to_string()),
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        for (what, a, b) in [
            ("gadget", cur.gadget(), nw.gadget()),
            ("kernel", cur.kernel(), nw.kernel()),
            ("snapd", cur.snapd(), nw.snapd()),
        ] {
            let (a, b) = (a.map(snap_text), b.map(snap_text));
            if a != b {
                changes.push(Change {
                    what,
                    name: None,
                    from: a,
                    to: b,
                });
            }
        }
        for s in cur.non_essential_snaps() {
            let other = nw.non_essential_snaps().find(|n| n.name == s.name);
            let (a, b) = (Some(snap_text(s)), other.map(snap_text));
            if a != b {
                changes.push(Change {
                    what: "snap",
                    name: Some(s.name.into()),
                    from: a,
                    to: b,
                });
            }
        }
        for s in nw.non_essential_snaps() {
            if !cur.non_essential_snaps().any(|c| c.name == s.name) {
                changes.push(Change {
                    what: "snap",
                    name: Some(s.name.into()),
                    from: None,
                    to: Some(snap_text(s)),
                });
            }
        }
        let vs_text = |v: &ucore_assertions::types::ModelValidationSet<'_>| {
            let seq = v
                .sequence
                .map(|s| format!(" sequence {s}"))
                .unwrap_or_default();
            format!("{}{seq}", v.mode)
        };
        let mut added_sets = Vec::new();
        for v in &nw.validation_sets {
            let key = format!("{}/{}", v.account_id, v.name);
            let old = cur
                .validation_sets
                .iter()
                .find(|c| c.account_id == v.account_id && c.name == v.name);
            if old.is_none() {
                added_sets.push(key.clone());
            }
            let (a, b) = (old.map(vs_text), Some(vs_text(v)));
            if a != b {
                changes.push(Change {
                    what: "validation-set",
                    name: Some(key),
                    from: a,
                    to: b,
                });
            }
        }
        for v in &cur.validation_sets {
            if !nw
                .validation_sets
                .iter()
                .any(|n| n.account_id == v.account_id && n.name == v.name)
            {
                changes.push(Change {
                    what: "validation-set",
                    name: Some(format!("{}/{}", v.account_id, v.name)),
                    from: Some(vs_text(v)),
                    to: None,
                });
            }
        }
        if !added_sets.is_empty() {
            preconditions.push(Precondition::ValidationSets { added: added_sets });
        }
        Ok(Self {
            kind,
            allowed: refusals.is_empty(),
            refusals,
            preconditions,
            changes,
        })
    }

    /// snapd's error for this remodel, if it refuses it (the first refusal).
    pub fn snapd_error(&self) -> Option<&Refusal> {
        self.refusals.first()
    }

    /// A readable rendering (`remodel`).
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let kind = match self.kind {
            RemodelKind::Update => "update (same brand, model and store)",
            RemodelKind::StoreSwitch => "store switch (same brand and model)",
            RemodelKind::Reregistration => "re-registration (another brand or model)",
        };
        let _ = writeln!(o, "remodel kind: {kind}");
        match self.refusals.first() {
            None => {
                let _ = writeln!(o, "allowed: yes");
            }
            Some(first) => {
                let _ = writeln!(o, "allowed: no, snapd says: {first}");
                for r in self.refusals.iter().skip(1) {
                    let _ = writeln!(o, "  also: {r}");
                }
            }
        }
        let _ = writeln!(o, "changes:");
        if self.changes.is_empty() {
            let _ = writeln!(o, "  (none)");
        }
        for c in &self.changes {
            let name = c
                .name
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {}{name}: {} -> {}",
                c.what,
                c.from.as_deref().unwrap_or("(none)"),
                c.to.as_deref().unwrap_or("(none)")
            );
        }
        let _ = writeln!(o, "before remodelling:");
        if self.preconditions.is_empty() {
            let _ = writeln!(o, "  (nothing)");
        }
        for p in &self.preconditions {
            let line = match p {
                Precondition::AcknowledgeSigningKey { account_id, key_id } => format!(
                    "the device must acknowledge account-key {key_id} of {account_id} (the new model's signing key)"
                ),
                Precondition::NewSerial { serial_authority } => format!(
                    "the device needs a new serial, signed by one of: {}",
                    serial_authority.join(" ")
                ),
                Precondition::StoreSwitch { from, to } => format!(
                    "store switch {} -> {}: the device must be allowed into the new store",
                    from.as_deref().unwrap_or("(global)"),
                    to.as_deref().unwrap_or("(global)")
                ),
                Precondition::ValidationSets { added } => format!(
                    "validation sets to publish for the device: {}",
                    added.join(" ")
                ),
            };
            let _ = writeln!(o, "  - {line}");
        }
        o
    }
}
