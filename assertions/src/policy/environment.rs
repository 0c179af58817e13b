//! Where a policy decision is taken: the device (its model and store assertions, for
//! `on-store`/`on-brand`/`on-model`), the running system (for `on-classic`, and in newer
//! snapd `on-core-desktop`), and which snapd's rule language and evaluation to follow.

use crate::rules::device_scope::Device;
use crate::rules::language::RuleLanguage;
use crate::rules::on_classic::Release;

/// The environment of a policy decision. `Default` is an Ubuntu Core device with no model,
/// evaluated as snapd 2.57 does.
#[derive(Debug, Clone, Default)]
pub struct PolicyEnvironment {
    /// The device's model and store (snapd always has a model; without one, every
    /// device-scope constraint fails).
    pub device: Device,
    /// The running system (`release.OnClassic`, `release.ReleaseInfo`).
    pub release: Release,
    /// snapd 2.57 (default) or newer snapd (spec Appendix A): the newer minimal
    /// installation check ignores `deny-installation`.
    pub language: RuleLanguage,
}
