//! The interface review of uploads: whether snapd would install the uploaded snap, judged
//! by snapd's installation check (the rule language of `plugs` and `slots`) against the
//! snap's `snap-declaration` and the base-declaration the store is configured with
//! (`[policy]`, see [`crate::config`]).
//!
//! A brand store serves the devices of its brands' models, and a rule may allow an
//! interface only on some of them (`on-brand`, `on-model`, `on-store`). So the snap passes
//! when it installs on at least one configured model; with no model configured, it is
//! judged as on a device whose model names no rule (device-scoped allowances then do not
//! apply). Otherwise the upload is refused with snapd's reason for each model. A classic
//! model's devices are judged as classic systems (`on-classic`), with the model's
//! `distribution` as their os-release id (`ubuntu` when it names none).
//!
//! Without a configured base-declaration there is no such review: ucore ships none
//! (snapd's is part of its GPL-3 sources; `snapd-oracle policy base-declaration` prints
//! it), and a review against no base-declaration would allow everything.

use std::path::Path;

use ucore_assertions::policy::{
    BaseDeclarationRules, DeclarationRules, Device, DeviceModel, InstallCandidate,
    PolicyEnvironment, PolicySnap, Release, RuleLanguage,
};
use ucore_assertions::types::{BaseDeclaration, Model, SnapDeclaration};
use ucore_assertions::{Assertion, AssertionAccess as _, AssertionType};

use crate::config::PolicySection;
use crate::error::Error;

/// What uploads are reviewed against.
#[derive(Debug, Default)]
pub struct UploadPolicy {
    /// The base-declaration (`None`: no interface review).
    base_declaration: Option<BaseDeclarationRules>,
    /// The devices a snap must install on (one of them): their models.
    models: Vec<NamedModel>,
    /// The rule language declarations are checked, signed and reviewed in.
    language: RuleLanguage,
}

#[derive(Debug)]
struct NamedModel {
    /// `brand-id/model`, for messages.
    name: String,
    device: Device,
    /// Classic (`classic: true`, its `distribution` as the os-release id) or Ubuntu Core.
    release: Release,
}

impl UploadPolicy {
    /// No interface review.
    pub fn none() -> Self {
        UploadPolicy::default()
    }

    /// The review `section` configures: its base-declaration (a signed assertion or
    /// snapd's headers-only text) and models, read and checked now, and its rule
    /// language.
    pub fn load(section: &PolicySection) -> Result<Self, Error> {
        let language = section.rule_language;
        let Some(path) = &section.base_declaration else {
            if section.models.is_empty() {
                return Ok(UploadPolicy {
                    language,
                    ..UploadPolicy::none()
                });
            }
            return Err(Error::Config(
                "[policy] models need a base-declaration to review uploads against".into(),
            ));
        };
        let text = read(path)?;
        let base = if BaseDeclarationRules::is_headers_only(&text) {
            BaseDeclarationRules::from_builtin_text(&text, language).map_err(|e| config(path, e))?
        } else {
            let a = Assertion::decode_in(&text, language).map_err(|e| config(path, e))?;
            let view = BaseDeclaration::try_from(&a).map_err(|e| config(path, e))?;
            BaseDeclarationRules::from(view)
        };
        let mut models = Vec::new();
        for path in &section.models {
            let text = read(path)?;
            let a = Assertion::decode(&text).map_err(|e| config(path, e))?;
            if a.assertion_type() != AssertionType::Model {
                return Err(config(path, "not a model assertion"));
            }
            let m = Model::try_from(&a).map_err(|e| config(path, e))?;
            let model = DeviceModel::from(&m);
            let release = if m.classic {
                Release {
                    on_classic: true,
                    id: m.distribution.unwrap_or("ubuntu").to_owned(),
                    ..Release::default()
                }
            } else {
                Release::default()
            };
            models.push(NamedModel {
                name: format!("{}/{}", model.brand_id, model.model),
                device: Device {
                    model: Some(model),
                    store: None,
                },
                release,
            });
        }
        Ok(UploadPolicy {
            base_declaration: Some(base),
            models,
            language,
        })
    }

    /// Whether uploads get an interface review.
    pub fn is_enabled(&self) -> bool {
        self.base_declaration.is_some()
    }

    /// The rule language snap-declarations are checked, signed and reviewed in.
    pub fn rule_language(&self) -> RuleLanguage {
        self.language
    }

    /// snapd's installation check of `snap` with its `declaration`: `Ok` when it installs
    /// on one configured model (or, with none, on a device of no model), else why not.
    pub fn review(
        &self,
        snap: &PolicySnap,
        declaration: &SnapDeclaration<'_>,
    ) -> Result<(), String> {
        let Some(base) = &self.base_declaration else {
            return Ok(());
        };
        let check = |device: &Device, release: &Release| {
            let env = PolicyEnvironment {
                device: device.clone(),
                release: release.clone(),
                language: self.language,
            };
            InstallCandidate {
                snap,
                snap_declaration: Some(DeclarationRules::from(declaration)),
                base_declaration: base,
                env: &env,
            }
            .check()
            .map_err(|e| e.to_string())
        };
        if self.models.is_empty() {
            return check(&Device::default(), &Release::default())
                .map_err(|e| format!("snap {:?} would not install: {e}", snap.name));
        }
        let mut refusals = Vec::new();
        for m in &self.models {
            match check(&m.device, &m.release) {
                Ok(()) => return Ok(()),
                Err(e) => refusals.push(format!("on {}: {e}", m.name)),
            }
        }
        Err(format!(
            "snap {:?} would not install on any model of this store: {}",
            snap.name,
            refusals.join("; ")
        ))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))
}

fn config(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Config(format!("[policy] {}: {e}", path.display()))
}
