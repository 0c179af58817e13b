//! PKCS#11 signer (feature `pkcs11`): a key inside an HSM or a software token signs without
//! ever leaving it. Tested against SoftHSM2.
//!
//! The token signs with `CKM_RSA_PKCS` over DigestInfo(SHA-512) ‖ digest, exactly what snapd
//! hands its external key helpers in `RSA-PKCS` mode; the OpenPGP packet is built here.
//!
//! One [`Pkcs11Token`] loads and initialises the module; keep one per module in a process
//! (dropping it finalises the library).

use std::path::Path;
use std::sync::{Arc, Mutex};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::backend::SHA512_DIGEST_INFO_PREFIX;
use crate::error::{Error, KeypairStoreError};
use crate::keys::rsa::RsaPublicKey;
use crate::signer::Signer;

fn err(e: cryptoki::error::Error) -> KeypairStoreError {
    KeypairStoreError::Pkcs11(e)
}

/// An open, logged-in token.
pub struct Pkcs11Token {
    // Field order matters: the session closes before the library is finalised.
    session: Arc<Mutex<Session>>,
    label: String,
    _ctx: Arc<Pkcs11>,
    _slot: Slot,
}

impl std::fmt::Debug for Pkcs11Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Token")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// A key in a token: its public half is read once, signing happens in the token. It keeps
/// the token's session and library open, so it may outlive the [`Pkcs11Token`] it came
/// from.
pub struct Pkcs11Signer {
    // Field order matters, as in the token: the session closes before the library goes.
    session: Arc<Mutex<Session>>,
    handle: ObjectHandle,
    label: String,
    public: RsaPublicKey,
    _ctx: Arc<Pkcs11>,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("label", &self.label)
            .field("key_id", &self.public.key_id())
            .finish_non_exhaustive()
    }
}

impl Pkcs11Token {
    /// Loads `module` (e.g. `/usr/lib/softhsm/libsofthsm2.so`), finds the token labelled
    /// `token_label` and logs in as the user with `pin`.
    pub fn open(
        module: impl AsRef<Path>,
        token_label: &str,
        pin: &str,
    ) -> Result<Self, KeypairStoreError> {
        let ctx = Pkcs11::new(module.as_ref()).map_err(err)?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => {}
            Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::CryptokiAlreadyInitialized,
                _,
            )) => {}
            Err(e) => return Err(err(e)),
        }
        let mut found = None;
        for slot in ctx.get_slots_with_initialized_token().map_err(err)? {
            let info = ctx.get_token_info(slot).map_err(err)?;
            if info.label().trim_end() == token_label {
                found = Some(slot);
                break;
            }
        }
        let slot = found.ok_or_else(|| KeypairStoreError::NoToken {
            label: token_label.to_string(),
        })?;
        let session = ctx.open_rw_session(slot).map_err(err)?;
        session
            .login(UserType::User, Some(&AuthPin::from(pin.to_string())))
            .map_err(err)?;
        Ok(Self {
            session: Arc::new(Mutex::new(session)),
            label: token_label.to_string(),
            _ctx: Arc::new(ctx),
            _slot: slot,
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Session>, KeypairStoreError> {
        self.session
            .lock()
            .map_err(|_| KeypairStoreError::Pkcs11Token {
                reason: "session lock poisoned",
            })
    }

    /// Generates an RSA key of `bits` bits inside the token (sensitive, not extractable),
    /// labelled `label`, and returns its signer.
    pub fn generate_key(&self, label: &str, bits: u64) -> Result<Pkcs11Signer, KeypairStoreError> {
        let id = label.as_bytes().to_vec();
        let public_template = [
            Attribute::Token(true),
            Attribute::Verify(true),
            Attribute::ModulusBits(bits.into()),
            Attribute::PublicExponent(vec![1, 0, 1]),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.clone()),
        ];
        let private_template = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id),
        ];
        {
            let session = self.lock()?;
            session
                .generate_key_pair(
                    &Mechanism::RsaPkcsKeyPairGen,
                    &public_template,
                    &private_template,
                )
                .map_err(err)?;
        }
        self.signer(label)
    }

    /// The signer for the private key labelled `label`.
    pub fn signer(&self, label: &str) -> Result<Pkcs11Signer, KeypairStoreError> {
        let session = self.lock()?;
        let find = |class| {
            session.find_objects(&[
                Attribute::Class(class),
                Attribute::KeyType(KeyType::RSA),
                Attribute::Label(label.as_bytes().to_vec()),
            ])
        };
        let private = find(ObjectClass::PRIVATE_KEY).map_err(err)?;
        let handle = *private
            .first()
            .ok_or_else(|| KeypairStoreError::KeyPairNotFound {
                key_id: label.to_string(),
            })?;
        // The public key object carries n and e; fall back to the private object, which
        // also exposes them in most tokens.
        let public_handle = find(ObjectClass::PUBLIC_KEY)
            .map_err(err)?
            .first()
            .copied()
            .unwrap_or(handle);
        let attrs = session
            .get_attributes(
                public_handle,
                &[AttributeType::Modulus, AttributeType::PublicExponent],
            )
            .map_err(err)?;
        let (mut n, mut e) = (None, None);
        for a in attrs {
            match a {
                Attribute::Modulus(v) => n = Some(v),
                Attribute::PublicExponent(v) => e = Some(v),
                _ => {}
            }
        }
        let (Some(n), Some(e)) = (n, e) else {
            return Err(KeypairStoreError::Pkcs11Token {
                reason: "token does not expose the key's modulus and exponent",
            });
        };
        let public = RsaPublicKey::from_components(&n, &e)?;
        drop(session);
        Ok(Pkcs11Signer {
            session: Arc::clone(&self.session),
            handle,
            label: label.to_string(),
            public,
            _ctx: Arc::clone(&self._ctx),
        })
    }

    /// Labels of the RSA private keys in the token, with their snapd key ids.
    pub fn keys(&self) -> Result<Vec<(String, String)>, KeypairStoreError> {
        let labels: Vec<String> = {
            let session = self.lock()?;
            let handles = session
                .find_objects(&[
                    Attribute::Class(ObjectClass::PRIVATE_KEY),
                    Attribute::KeyType(KeyType::RSA),
                ])
                .map_err(err)?;
            let mut labels = Vec::new();
            for h in handles {
                for a in session
                    .get_attributes(h, &[AttributeType::Label])
                    .map_err(err)?
                {
                    if let Attribute::Label(l) = a {
                        labels.push(String::from_utf8_lossy(&l).into_owned());
                    }
                }
            }
            labels
        };
        let mut out = Vec::new();
        for l in labels {
            let s = self.signer(&l)?;
            out.push((l, s.key_id().to_string()));
        }
        out.sort();
        Ok(out)
    }
}

impl Pkcs11Signer {
    /// The key's label in the token.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Signer for Pkcs11Signer {
    fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    fn sign_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, Error> {
        let mut info = Vec::with_capacity(SHA512_DIGEST_INFO_PREFIX.len() + 64);
        info.extend_from_slice(&SHA512_DIGEST_INFO_PREFIX);
        info.extend_from_slice(digest);
        let session = self
            .session
            .lock()
            .map_err(|_| KeypairStoreError::Pkcs11Token {
                reason: "session lock poisoned",
            })?;
        let sig = session
            .sign(&Mechanism::RsaPkcs, self.handle, &info)
            .map_err(err)?;
        Ok(crate::backend::pad_to_key_size(&sig, self.public.size()))
    }
}
