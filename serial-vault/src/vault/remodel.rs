//! Remodel re-registration through `/v1/serial`: the Serial Vault's
//! `checkRemodelingRequest` and the sub-store fallback of its `findModel`, both on the path
//! of the `Serial` handler (`service/sign/handlers_sign.go`).
//!
//! snapd re-registers a device whose brand or model changes (`reregRemodelContext` in
//! snapd's `overlord/devicestate/remodel.go`) by sending a
//! serial-request with `original-brand-id`, `original-model` and `original-serial`, then
//! the new model, then the device's current serial. The vault accepts it when a sub-store
//! row maps (original model, original serial) to the requested model, the current serial
//! matches the `original-*` headers and the device key, and it verifies against the
//! original model's signing key. The new serial is then signed with that key.

use subtle::ConstantTimeEq;
use ucore_assertions::AssertionAccess;

use super::Vault;
use super::request::ParsedRequest;
use crate::error::{Error, RemodelRefusal};
use crate::store::ModelRecord;

/// The serial-request headers naming the device's registration before the remodel.
pub const ORIGINAL_HEADERS: [&str; 3] = ["original-brand-id", "original-model", "original-serial"];

fn same_key(model: &ModelRecord, api_key: &str) -> bool {
    bool::from(model.api_key.as_bytes().ct_eq(api_key.as_bytes()))
}

impl Vault {
    /// When the serial-request has all three `original-*` headers, the checks of the Serial
    /// Vault's `checkRemodelingRequest` (after the model check, before the nonce);
    /// otherwise a current `serial` in the stream is refused.
    pub(super) async fn check_remodel(
        &self,
        parsed: &ParsedRequest,
        api_key: &str,
    ) -> Result<(), Error> {
        let sr = &parsed.serial_request;
        let header = |name: &str| sr.header_str(name).unwrap_or("");
        let remodel = ORIGINAL_HEADERS.iter().all(|h| !header(h).is_empty());
        if !remodel {
            if parsed.serial.is_some() {
                return Err(Error::Remodel(RemodelRefusal::UnexpectedSerial));
            }
            return Ok(());
        }
        let refuse = |r| Err(Error::Remodel(r));
        if parsed.model.is_none() {
            return refuse(RemodelRefusal::MissingModel);
        }
        let Some(old) = &parsed.serial else {
            return refuse(RemodelRefusal::MissingSerial);
        };
        let (brand, model, serial) = (
            header("original-brand-id"),
            header("original-model"),
            header("original-serial"),
        );
        let original = self.find_model(brand, model, serial, api_key).await?;
        let substore = self
            .inner
            .store
            .substore(&original.brand_id, &original.model, serial)
            .await?
            .ok_or_else(|| Error::InvalidSubstore {
                brand_id: brand.to_string(),
                model: model.to_string(),
                serial: serial.to_string(),
            })?;
        if header("model") != substore.model_name {
            return refuse(RemodelRefusal::RequestedModel {
                requested: header("model").to_string(),
                substore: substore.model_name,
            });
        }
        let old_header = |name: &str| old.header_str(name).unwrap_or("");
        if old_header("model") != model {
            return refuse(RemodelRefusal::OriginalModel);
        }
        if old_header("serial") != serial {
            return refuse(RemodelRefusal::OriginalSerial);
        }
        if old_header("brand-id") != brand {
            return refuse(RemodelRefusal::OriginalBrandId);
        }
        if old_header("device-key") != header("device-key") {
            return refuse(RemodelRefusal::DeviceKey);
        }
        let found = old.sign_key_sha3_384().unwrap_or("");
        if found != original.key_id {
            return refuse(RemodelRefusal::SignKey {
                expected: original.key_id,
                found: found.to_string(),
            });
        }
        let public_key = |reason: String| Error::Remodel(RemodelRefusal::PublicKey { reason });
        let keypair = self
            .inner
            .store
            .keypair(&original.key_id)
            .await?
            .ok_or_else(|| public_key(format!("no key {}", original.key_id)))?;
        let signer = self
            .inner
            .keys
            .signer(&keypair)
            .map_err(|e| public_key(e.to_string()))?;
        ucore_signing::verify_signature(old, signer.public_key()).map_err(|e| {
            Error::Remodel(RemodelRefusal::Signature {
                reason: e.to_string(),
            })
        })?;
        Ok(())
    }

    /// The Serial Vault's `findModel`: the model row for (brand, model) with this API key,
    /// else the from-model of a sub-store row mapping (brand, `serial`) to `model` whose
    /// API key matches (its key signs), else [`Error::InvalidModel`].
    pub(super) async fn find_model(
        &self,
        brand_id: &str,
        model: &str,
        serial: &str,
        api_key: &str,
    ) -> Result<ModelRecord, Error> {
        if let Some(m) = self
            .inner
            .store
            .model(brand_id, model)
            .await?
            .filter(|m| same_key(m, api_key))
        {
            return Ok(m);
        }
        self.substore_model(brand_id, model, serial, api_key)
            .await?
            .ok_or_else(|| Error::InvalidModel {
                brand_id: brand_id.to_string(),
                model: model.to_string(),
                inactive_key: false,
            })
    }

    /// The fallback of `sign_serial`'s model lookup (the Serial Vault's `findModel`): the
    /// from-model whose sub-store row maps (brand, `serial`) to
    /// `model`, with this API key.
    pub(super) async fn substore_model(
        &self,
        brand_id: &str,
        model: &str,
        serial: &str,
        api_key: &str,
    ) -> Result<Option<ModelRecord>, Error> {
        if serial.is_empty() {
            return Ok(None);
        }
        let candidates = self
            .inner
            .store
            .substore_from_models(brand_id, model, serial)
            .await?;
        Ok(candidates.into_iter().find(|m| same_key(m, api_key)))
    }
}
