//! The seed policies (spec §6.8): what UC16/18 and UC20+ allow, their system snap and
//! default channels, how a snap's base is checked, and the snaps added implicitly.

use ucore_assertions::types::{Grade, SnapType as ModelSnapType};
use ucore_snap::{Info, SnapType};

use super::PlanError;
use super::available::{Available, SnapRef};
use super::error::go_quoted_list;
use super::model::{ModelFacts, ModelSnapSpec};

/// A seed policy.
#[derive(Debug, Clone)]
pub(crate) enum Policy {
    /// UC16/18 (and classic): anything goes; `core` is added for snaps without a base.
    Core16 {
        /// The model's base (`""`: UC16).
        base: String,
        /// Classic model.
        classic: bool,
        /// Snaps that need `core` (no base).
        needs_core: Vec<String>,
        /// Snaps that need `core16`.
        needs_core16: Vec<String>,
    },
    /// UC20+: dangerous features only with grade dangerous; bases in every mode.
    Core20 {
        /// The model's grade.
        grade: Grade,
    },
}

impl Policy {
    /// The policy of a model.
    pub fn of(model: &ModelFacts) -> Policy {
        match model.grade {
            Some(grade) => Policy::Core20 { grade },
            None => Policy::Core16 {
                base: model.base.clone(),
                classic: model.classic,
                needs_core: Vec::new(),
                needs_core16: Vec::new(),
            },
        }
    }

    /// Whether channel overrides, devmode, local and extra snaps are allowed.
    pub fn allows_dangerous(&self) -> Result<(), PlanError> {
        match self {
            Policy::Core20 { grade } if *grade != Grade::Dangerous => Err(PlanError::NotDangerous),
            _ => Ok(()),
        }
    }

    /// The system snap prepended to the model's snaps unless the model lists it.
    pub fn system_snap(&self) -> Option<ModelSnapSpec> {
        match self {
            Policy::Core16 { classic: true, .. } => None,
            Policy::Core16 { base, .. } if base.is_empty() => Some(ModelSnapSpec::system(
                "core",
                ModelSnapType::Core,
                "",
                &["run"],
            )),
            Policy::Core16 { .. } => Some(ModelSnapSpec::system(
                "snapd",
                ModelSnapType::Snapd,
                "",
                &["run"],
            )),
            Policy::Core20 { .. } => Some(ModelSnapSpec::system(
                "snapd",
                ModelSnapType::Snapd,
                "latest/stable",
                &["run", "ephemeral"],
            )),
        }
    }

    /// The default channel of model snaps without one, and of extra snaps.
    pub fn default_channel(&self) -> &'static str {
        match self {
            Policy::Core16 { .. } => "stable",
            Policy::Core20 { .. } => "latest/stable",
        }
    }

    /// Whether `r` is available in all of `modes` (UC20+: a mode other than run is also
    /// satisfied by ephemeral; UC16/18: run only).
    pub fn check_available(&self, r: SnapRef<'_>, modes: &[String], avail: &Available) -> bool {
        match self {
            Policy::Core16 { .. } => avail.in_mode("run", r),
            Policy::Core20 { .. } => modes.iter().all(|m| {
                avail.in_mode(m, r)
                    || (m != "run" && m != "ephemeral" && avail.in_mode("ephemeral", r))
            }),
        }
    }

    /// The policy's base check of a snap (base `none` and the gadget's base are checked
    /// before).
    pub fn check_base(
        &mut self,
        info: &Info,
        modes: &[String],
        avail: &Available,
    ) -> Result<(), PlanError> {
        let name = info.snap_name();
        let app_or_gadget = matches!(info.snap_type(), SnapType::App | SnapType::Gadget);
        let missing = |base: &str, or_core: bool, modes: &[String]| PlanError::MissingBase {
            snap: name.to_string(),
            base: base.to_string(),
            or_core,
            modes: modes.to_vec(),
        };
        match self {
            Policy::Core16 {
                needs_core,
                needs_core16,
                ..
            } => {
                if info.base.is_empty() {
                    if app_or_gadget {
                        needs_core.push(name.to_string());
                    }
                    return Ok(());
                }
                if avail.in_mode("run", SnapRef::named(&info.base)) {
                    return Ok(());
                }
                if info.base == "core16" {
                    needs_core16.push(name.to_string());
                    return Ok(());
                }
                Err(missing(&info.base, false, &["run".to_string()]))
            }
            Policy::Core20 { .. } => {
                let base = match info.base.as_str() {
                    "" if !app_or_gadget => return Ok(()),
                    "" => "core",
                    b => b,
                };
                if self.check_available(SnapRef::named(base), modes, avail) {
                    return Ok(());
                }
                let core16 = base == "core16";
                if core16 && self.check_available(SnapRef::named("core"), modes, avail) {
                    return Ok(());
                }
                Err(missing(base, core16, modes))
            }
        }
    }

    /// After a round: whether implicit snaps are needed (with the UC18 warning).
    pub fn needs_implicit(
        &self,
        avail: &Available,
        warnings: &mut Vec<String>,
    ) -> Result<bool, PlanError> {
        let Policy::Core16 {
            base,
            classic,
            needs_core,
            needs_core16,
        } = self
        else {
            return Ok(false);
        };
        let has_core = avail.in_mode("run", SnapRef::named("core"));
        if !needs_core.is_empty() && !has_core {
            if !base.is_empty() {
                warnings.push(format!(
                    "model has base {} but some snaps ({}) require \"core\" as base as well, for compatibility it was added implicitly, adding \"core\" explicitly is recommended",
                    ucore_go_text::quote(base),
                    go_quoted_list(needs_core)
                ));
            }
            return Ok(true);
        }
        if !needs_core16.is_empty() && !has_core {
            return Err(PlanError::NeedsCore16(needs_core16.clone()));
        }
        Ok(*classic && !avail.run_is_empty())
    }

    /// The implicit model snaps: `core` for snaps without a base, `snapd` on classic.
    pub fn implicit_snaps(&self, avail: &Available) -> Vec<ModelSnapSpec> {
        match self {
            Policy::Core16 { needs_core, .. }
                if !needs_core.is_empty() && !avail.in_mode("run", SnapRef::named("core")) =>
            {
                vec![ModelSnapSpec::system(
                    "core",
                    ModelSnapType::Core,
                    "",
                    &["run"],
                )]
            }
            Policy::Core16 { classic: true, .. } if !avail.run_is_empty() => {
                vec![ModelSnapSpec::system(
                    "snapd",
                    ModelSnapType::Snapd,
                    "",
                    &["run"],
                )]
            }
            _ => Vec::new(),
        }
    }

    /// The implicit extra snaps (by name): `core` for extra snaps without a base.
    pub fn implicit_extra_snaps(&self, avail: &Available) -> Vec<String> {
        match self {
            Policy::Core16 { needs_core, .. }
                if !needs_core.is_empty() && !avail.in_mode("run", SnapRef::named("core")) =>
            {
                vec!["core".to_string()]
            }
            _ => Vec::new(),
        }
    }
}
