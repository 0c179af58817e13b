//! The decision per snap and the device-level findings of an auto-refresh (pure, no
//! I/O): the device's state, its enforced validation sets, the request snapd would send
//! and the store's answer to it (spec §3, §4.6, §5.1, §6, §7.4; pains 1, 4, 8).

use std::collections::BTreeSet;

use serde::Serialize;

use super::holds::{self, SystemHold};
use super::input::{DeviceSnap, DeviceState, HoldUntil, InputError, SnapdBehaviour};
use super::report::Preview;
use super::request::{self, RefreshRequest, RequestError};
use super::sets::{self, EnforcedSets};
use super::vs::{Presence, SnapRevision, ValidationSets};
use crate::client::action::{RefreshOutcome, interpret};
use crate::error::{Error, SnapError};
use crate::protocol::{ActionResult, SnapActionResponse};
use ucore_go_text::quote;

/// Who holds a snap back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoldBy {
    /// The system `refresh.hold`.
    System,
    /// A user hold of this snap (`snap refresh --hold <snap>`).
    User,
}

/// What the auto-refresh does with one snap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Decision {
    /// Refreshed to a new revision.
    Refresh {
        /// The installed revision.
        from: SnapRevision,
        /// The new one.
        to: SnapRevision,
        /// The channel it comes from.
        channel: String,
    },
    /// Nothing to do.
    UpToDate,
    /// Held back.
    Held {
        /// Until when.
        until: HoldUntil,
        /// By whom.
        by: HoldBy,
    },
    /// The store or the validation sets refuse the refresh.
    Refused {
        /// snapd's text.
        reason: String,
    },
    /// Required by an enforced set but not installed: no refresh installs it.
    Missing {
        /// The sets' keys (`16/account/name/sequence`).
        #[serde(rename = "required-by")]
        required_by: Vec<String>,
    },
    /// A local (unasserted) snap: never auto-refreshed.
    Local,
    /// The whole auto-refresh fails before this snap is considered.
    Aborted {
        /// snapd's text.
        reason: String,
    },
}

impl Decision {
    /// The decision's name as the table shows it.
    pub fn name(&self) -> &'static str {
        match self {
            Decision::Refresh { .. } => "refresh",
            Decision::UpToDate => "up-to-date",
            Decision::Held { .. } => "held",
            Decision::Refused { .. } => "refused",
            Decision::Missing { .. } => "missing",
            Decision::Local => "local",
            Decision::Aborted { .. } => "aborted",
        }
    }
}

/// One snap's row of the preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SnapPreview {
    /// The snap (instance) name.
    pub snap: String,
    /// The installed revision; `None` for a missing snap.
    pub installed: Option<SnapRevision>,
    /// What happens.
    #[serde(flatten)]
    pub decision: Decision,
    /// The revision it moves to, or the one the sets require.
    pub revision: Option<SnapRevision>,
    /// Why, naming the set or hold at fault.
    pub why: String,
    /// snapd's refusal of `snap remove`, when enforced sets require the snap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_removable: Option<String>,
}

/// What a device-level finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The enforced sets conflict.
    Conflict,
    /// The installed snaps do not satisfy the enforced sets.
    NotMet,
    /// The auto-refresh stops before asking the store.
    Aborted,
    /// The system hold.
    Hold,
    /// Per-snap holds the device's snapd does not know.
    SnapHolds,
    /// Sets tracked in monitor mode.
    Monitor,
    /// First boot and the first auto-refresh.
    FirstBoot,
    /// Auto-refresh waits for the device to be registered.
    Registration,
    /// Store errors about no snap in particular.
    Store,
}

/// A device-level finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// In plain words, with snapd's text where it has one.
    pub message: String,
}

fn finding(kind: FindingKind, message: impl Into<String>) -> Finding {
    Finding {
        kind,
        message: message.into(),
    }
}

/// Everything read from a [`DeviceState`] before the store is asked.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The device's sets.
    pub sets: EnforcedSets,
    /// Whether the device is classic.
    pub classic: bool,
    /// The request, or why snapd sends none.
    pub request: Result<RefreshRequest, RequestError>,
}

impl Prepared {
    /// Reads `state`: its sets and the request its snapd would send.
    pub fn new(state: &DeviceState) -> Result<Self, InputError> {
        state.check()?;
        let sets = sets::enforced_sets(state)?;
        let classic = state.is_classic()?;
        let request = request::refresh_request(state, &sets.sets);
        Ok(Prepared {
            sets,
            classic,
            request,
        })
    }

    /// The request to send, when there is one with something in it.
    pub fn to_send(&self) -> Option<&RefreshRequest> {
        self.request
            .as_ref()
            .ok()
            .filter(|r| !r.request.context.is_empty() || !r.request.actions.is_empty())
    }
}

fn keys(list: &[String]) -> String {
    list.join(",")
}

/// snapd's `snap remove` refusal for a snap the sets require (looked up by id).
fn not_removable(sets: &ValidationSets, snap: &DeviceSnap) -> Option<String> {
    let req = sets
        .check_presence_required(&snap.name, &snap.snap_id)
        .ok()?;
    if req.sets.is_empty() {
        return None;
    }
    let name = quote(&snap.name);
    let inner = if req.revision.is_unset() {
        format!(
            "snap {name} is required by validation sets: {}",
            keys(&req.sets)
        )
    } else {
        format!(
            "snap {name} at revision {} is required by validation sets: {}",
            req.revision,
            keys(&req.sets)
        )
    };
    Some(format!("snap {name} is not removable: {inner}"))
}

/// Plain words on how the sets constrain `snap` (empty when they do not).
fn constraint_words(sets: &ValidationSets, snap: &DeviceSnap) -> String {
    if snap.ignore_validation {
        return "ignore-validation is set: the enforced validation sets do not constrain it".into();
    }
    match sets.presence(&snap.name, "") {
        Some(Presence::Invalid) => {
            let by = sets
                .check_presence_invalid(&snap.name, "")
                .unwrap_or_default();
            format!("declared invalid by {}", keys(&by))
        }
        Some(Presence::Conflict) => "the enforced sets conflict over it".into(),
        _ => String::new(),
    }
}

fn join_why(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("; ")
}

struct Ctx<'a> {
    state: &'a DeviceState,
    prepared: &'a Prepared,
    hold: SystemHold,
    outcome: RefreshOutcome,
}

impl Ctx<'_> {
    fn result(&self, snap: &DeviceSnap) -> Option<&ActionResult> {
        self.outcome
            .results
            .iter()
            .find(|r| r.instance_key == snap.snap_id)
    }

    fn error(&self, snap: &DeviceSnap) -> Option<&SnapError> {
        let e = &self.outcome.errors.refresh;
        e.get(&snap.name).or_else(|| e.get(&snap.snap_id))
    }

    fn decide(
        &self,
        snap: &DeviceSnap,
        request: &RefreshRequest,
    ) -> (Decision, Option<SnapRevision>, String) {
        let sets = &self.prepared.sets.sets;
        let constraint = constraint_words(sets, snap);
        if !snap.from_store() {
            let why = join_why(&[
                "a local snap: not from the store, never auto-refreshed",
                &constraint,
            ]);
            return (Decision::Local, None, why);
        }
        if let Some(r) = request.at_required.get(&snap.name) {
            let why = format!("at revision {} required by {}", r.revision, keys(&r.sets));
            return (Decision::UpToDate, Some(r.revision), why);
        }
        let required = request.required.get(&snap.name);
        let required_rev = required.map(|r| r.revision).filter(|r| !r.is_unset());
        let required_words = match required {
            Some(r) if !r.revision.is_unset() => {
                format!("revision {} required by {}", r.revision, keys(&r.sets))
            }
            Some(r) => format!("required at any revision by {}", keys(&r.sets)),
            None => String::new(),
        };
        let hold = if self.hold.active {
            self.hold
                .effective
                .map(|u| (u, HoldBy::System, "refresh.hold"))
        } else {
            None
        }
        .or_else(|| {
            holds::snap_hold(self.state, snap)
                .map(|u| (u, HoldBy::User, "a user hold of this snap"))
        });
        let offered = self.result(snap).and_then(|r| r.snap.as_ref());
        if let Some((until, by, what)) = hold {
            let target = offered.map(|s| SnapRevision(i64::from(s.revision)));
            let why = join_why(&[
                &format!("held by {what} until {until}"),
                &required_words,
                &constraint,
            ]);
            return (Decision::Held { until, by }, target.or(required_rev), why);
        }
        if let Some(s) = offered {
            let to = SnapRevision(i64::from(s.revision));
            let result = self.result(snap);
            let channel = result
                .map(|r| r.effective_channel.as_str())
                .filter(|c| !c.is_empty())
                .unwrap_or(snap.tracking_channel())
                .to_string();
            let base = if required_rev.is_some() {
                required_words.clone()
            } else {
                format!("a newer revision in {channel}")
            };
            let why = join_why(&[
                &base,
                if required_rev.is_some() {
                    ""
                } else {
                    &required_words
                },
                &constraint,
            ]);
            return (
                Decision::Refresh {
                    from: snap.revision,
                    to,
                    channel,
                },
                Some(to),
                why,
            );
        }
        match self.error(snap) {
            Some(SnapError::NoUpdateAvailable) | None => {
                let why = join_why(&[
                    &format!("no newer revision in {}", snap.tracking_channel()),
                    &required_words,
                    &constraint,
                ]);
                (Decision::UpToDate, required_rev, why)
            }
            Some(err) => {
                let reason = err.to_string();
                let why = match required {
                    Some(r) if !r.revision.is_unset() => format!(
                        "{} require revision {}, which the store does not offer to this device",
                        keys(&r.sets),
                        r.revision
                    ),
                    _ => join_why(&[
                        "the store refused the refresh",
                        &required_words,
                        &constraint,
                    ]),
                };
                (Decision::Refused { reason }, required_rev, why)
            }
        }
    }
}

/// Evaluates the auto-refresh of `state`: `prepared` from [`Prepared::new`], `response`
/// the store's answer to its request (empty when none was sent). A store answer that
/// does not match the request is an error.
pub fn evaluate(
    state: &DeviceState,
    prepared: &Prepared,
    response: &SnapActionResponse,
) -> Result<Preview, Error> {
    let hold = holds::system_hold(state, prepared.classic);
    let outcome = match prepared.to_send() {
        Some(r) => interpret(&r.request, response)?,
        None => RefreshOutcome::default(),
    };
    let ctx = Ctx {
        state,
        prepared,
        hold,
        outcome,
    };
    let sets = &prepared.sets.sets;
    let today = state.snapd_behaviour == SnapdBehaviour::Today;
    let mut findings: Vec<Finding> = ctx
        .hold
        .notes
        .iter()
        .map(|n| finding(FindingKind::Hold, n.clone()))
        .collect();
    let lists: [(FindingKind, &str, Vec<&str>); 3] = [
        (
            FindingKind::SnapHolds,
            "snapd 2.57 has no per-snap holds (snap refresh --hold needs 2.58); ignored for",
            holds::unsupported_snap_holds(state),
        ),
        (
            FindingKind::Monitor,
            "monitored only, no effect on refreshes:",
            prepared.sets.monitored.iter().map(String::as_str).collect(),
        ),
        (
            FindingKind::FirstBoot,
            "snapd 2.57 does not enforce the seed's validation sets at first boot (2.60 does):",
            prepared
                .sets
                .seeded_not_enforced
                .iter()
                .map(String::as_str)
                .collect(),
        ),
    ];
    for (kind, words, list) in lists {
        if !list.is_empty() {
            findings.push(finding(kind, format!("{words} {}", list.join(", "))));
        }
    }

    // the enforced sets against the installed snaps
    let conflict = sets.conflict().err();
    let ignore: BTreeSet<String> = state
        .snaps
        .iter()
        .filter(|s| s.ignore_validation)
        .map(|s| s.name.clone())
        .collect();
    let installed = sets.check_installed(&state.installed(), &ignore).err();
    let mut first_boot_failure = None;
    if state.first_boot && today && (conflict.is_some() || installed.is_some()) {
        let err = conflict
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| installed.as_ref().map(ToString::to_string))
            .unwrap_or_default();
        let text = format!("cannot enforce validation sets: {err}");
        findings.push(finding(
            FindingKind::FirstBoot,
            format!(
                "first boot fails: the seed's snaps do not satisfy its validation sets: {text}"
            ),
        ));
        first_boot_failure = Some(text);
    } else {
        if let Some(c) = &conflict {
            findings.push(finding(FindingKind::Conflict, c.to_string()));
        }
        if let Some(e) = &installed {
            let mut m = e.to_string();
            if !e.missing.is_empty() {
                m.push_str(if today {
                    "\n(auto-refresh installs no missing snap: snap install them, or snap validate --enforce --refresh)"
                } else {
                    "\n(no refresh installs missing snaps; snapd 2.57 has no `snap validate --enforce --refresh`: install them by hand)"
                });
            }
            if !e.wrong_revision.is_empty() {
                m.push_str("\n(this refresh moves snaps at wrong revisions to the required ones)");
            }
            findings.push(finding(FindingKind::NotMet, m));
        }
    }
    if state.first_boot && first_boot_failure.is_none() {
        let when = if prepared.classic {
            "on classic the first auto-refresh waits for the 2-hour post-seeding hold".to_string()
        } else if ctx.hold.active {
            "on Core the first auto-refresh runs once seeded and registered, here after the hold"
                .to_string()
        } else {
            "on Core the first auto-refresh runs immediately once seeded and registered (no hold applies); a gadget can delay it with a refresh.hold default".to_string()
        };
        findings.push(finding(FindingKind::FirstBoot, when));
        if state.snapd_behaviour == SnapdBehaviour::V2_57
            && state.refresh_hold == Some(HoldUntil::Forever)
        {
            findings.push(finding(
                FindingKind::FirstBoot,
                format!(
                    "a gadget default refresh.hold=forever makes snapd 2.57's first boot fail: {}; 2.57 takes only an absolute time",
                    holds::forever_refused_2_57()
                ),
            ));
        }
    }
    if !state.registered {
        findings.push(finding(
            FindingKind::Registration,
            "the device has no serial: auto-refresh waits for registration (or 3 attempts)",
        ));
    }
    if let Err(e) = &prepared.request {
        findings.push(finding(
            FindingKind::Aborted,
            format!("auto-refresh fails: {e}"),
        ));
    }
    findings.extend(
        ctx.outcome
            .errors
            .other
            .iter()
            .map(|e| finding(FindingKind::Store, e.to_string())),
    );

    let mut rows = Vec::new();
    for snap in &state.snaps {
        let (decision, revision, why) = match (&first_boot_failure, &prepared.request) {
            (Some(text), _) => (
                Decision::Aborted {
                    reason: text.clone(),
                },
                None,
                "first boot fails before any refresh: the seed does not satisfy its validation sets".to_string(),
            ),
            (None, Err(RequestError::Aborted { snap: at_fault, source })) if *at_fault == snap.name => {
                let by = sets.check_presence_invalid(&snap.name, "").unwrap_or_default();
                let why = format!(
                    "declared invalid by {}: installed, it stops every auto-refresh until removed",
                    keys(&by)
                );
                (Decision::Refused { reason: source.to_string() }, None, why)
            }
            (None, Err(e)) => {
                let RequestError::Aborted { snap: at_fault, .. } = e;
                (
                    Decision::Aborted { reason: e.to_string() },
                    None,
                    format!("the auto-refresh stops at snap {}", quote(at_fault)),
                )
            }
            (None, Ok(request)) => ctx.decide(snap, request),
        };
        rows.push(super::evaluate::SnapPreview {
            snap: snap.name.clone(),
            installed: Some(snap.revision),
            decision,
            revision,
            why,
            not_removable: if snap.from_store() {
                not_removable(sets, snap)
            } else {
                None
            },
        });
    }
    if let Some(e) = &installed {
        for name in e.missing.keys() {
            let req = sets.check_presence_required(name, "").unwrap_or_default();
            let revision = Some(req.revision).filter(|r| !r.is_unset());
            let what = if today {
                "no auto-refresh installs it: snap install it (or snap validate --enforce --refresh)"
            } else {
                "snapd 2.57 never installs it on refresh and enforcing these sets fails until it is installed"
            };
            let why = format!("required by {} but not installed: {what}", keys(&req.sets));
            rows.push(SnapPreview {
                snap: name.clone(),
                installed: None,
                decision: Decision::Missing {
                    required_by: req.sets,
                },
                revision,
                why,
                not_removable: None,
            });
        }
    }
    Ok(Preview {
        snapd_behaviour: state.snapd_behaviour,
        now: state.now,
        first_boot: state.first_boot,
        hold: ctx.hold,
        enforced: prepared.sets.enforced.clone(),
        request: prepared.request.as_ref().ok().map(|r| r.request.clone()),
        snaps: rows,
        findings,
    })
}
