//! Public-key packets (tag 6, and tag 14 for subkeys; RFC 4880 §5.5.2) and
//! snapd's key ids (`newOpenPGPPubKey` and `RSAPublicKey` in `asserts/crypto.go`).

use std::fmt;

use base64::Engine as _;
use nom::Parser as _;
use nom::bytes::complete::take;
use nom::number::complete::be_u8;
use serde::Serialize;
use sha3::Digest as _;

use super::error::PacketError;
use super::framing::{FramedPacket, Framing};
use super::mpi::Mpi;
use super::v1::V1_MARKER;

/// Packet tag of a public key.
pub const TAG_PUBLIC_KEY: u8 = 6;
/// Packet tag of a public subkey (x/crypto parses it as a `*packet.PublicKey` too).
pub const TAG_PUBLIC_SUBKEY: u8 = 14;

/// The key creation time snapd puts in every key packet it hashes or writes:
/// 2016-01-01T00:00:00Z.
pub const SNAPD_KEY_CREATION_TIME: u32 = 0x5685_C180;

/// OID of Ed25519 for EdDSA keys (1.3.6.1.4.1.11591.15.1), as written in the packet.
pub const ED25519_OID: [u8; 9] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01];

const OID_P256: [u8; 8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const OID_P384: [u8; 5] = [0x2B, 0x81, 0x04, 0x00, 0x22];
const OID_P521: [u8; 5] = [0x2B, 0x81, 0x04, 0x00, 0x23];
const MAX_OID_LEN: u8 = 8;

/// Public-key algorithm ids (RFC 4880 §9.1, RFC 6637, and 22 = EdDSA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublicKeyAlgorithm {
    /// 1: RSA (encrypt or sign). The only one snapd accepts.
    Rsa,
    /// 2: RSA encrypt-only (deprecated; x/crypto parses it as RSA).
    RsaEncryptOnly,
    /// 3: RSA sign-only (deprecated; x/crypto parses it as RSA).
    RsaSignOnly,
    /// 16: ElGamal.
    ElGamal,
    /// 17: DSA.
    Dsa,
    /// 18: ECDH.
    Ecdh,
    /// 19: ECDSA.
    Ecdsa,
    /// 22: EdDSA. An extension of this crate: x/crypto (hence snapd) does not know it.
    EdDsa,
}

impl PublicKeyAlgorithm {
    /// The algorithm for an id byte, if known.
    pub fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            1 => Self::Rsa,
            2 => Self::RsaEncryptOnly,
            3 => Self::RsaSignOnly,
            16 => Self::ElGamal,
            17 => Self::Dsa,
            18 => Self::Ecdh,
            19 => Self::Ecdsa,
            22 => Self::EdDsa,
            _ => return None,
        })
    }

    /// The id byte.
    pub fn id(self) -> u8 {
        match self {
            Self::Rsa => 1,
            Self::RsaEncryptOnly => 2,
            Self::RsaSignOnly => 3,
            Self::ElGamal => 16,
            Self::Dsa => 17,
            Self::Ecdh => 18,
            Self::Ecdsa => 19,
            Self::EdDsa => 22,
        }
    }
}

/// The key material of an RSA public-key packet: modulus `n` and public exponent
/// `e`, as written. (The key that verifies signatures is `ucore_signing::RsaPublicKey`.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RsaKeyMaterial {
    /// The modulus.
    pub n: Mpi,
    /// The public exponent (at most 3 bytes, as x/crypto requires).
    pub e: Mpi,
}

impl RsaKeyMaterial {
    /// An RSA key from unsigned big-endian `n` and `e`, canonical MPIs.
    pub fn new(n: &[u8], e: &[u8]) -> Result<Self, PacketError> {
        let key = RsaKeyMaterial {
            n: Mpi::from_unsigned(n)?,
            e: Mpi::from_unsigned(e)?,
        };
        if key.e.bytes().len() > 3 {
            return Err(PacketError::LargePublicExponent {
                len: key.e.bytes().len(),
            });
        }
        Ok(key)
    }

    /// The modulus size in bits (exact bit length of `n`).
    pub fn bits(&self) -> u16 {
        self.n.canonical().bit_count()
    }

    /// The public exponent as a number (as x/crypto computes it).
    pub fn exponent(&self) -> u32 {
        self.e
            .bytes()
            .iter()
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
    }
}

/// An Ed25519 public key in an EdDSA packet (extension; snapd refuses it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Ed25519PublicKey {
    /// The 32-byte public key (the point without its `0x40` prefix).
    pub key: [u8; 32],
}

impl Ed25519PublicKey {
    fn point(&self) -> Mpi {
        let mut p = Vec::with_capacity(33);
        p.push(0x40);
        p.extend_from_slice(&self.key);
        // 0x40 ‖ 32 bytes: bit count 263, as OpenPGP writes it.
        Mpi::from_parts(263, p)
    }
}

/// The algorithm-specific part of a public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum PublicKeyMaterial {
    /// RSA (algorithm 1, 2 or 3).
    Rsa {
        /// The algorithm id as written (1, 2 or 3).
        algorithm: u8,
        /// The key.
        key: RsaKeyMaterial,
    },
    /// Ed25519 as EdDSA (algorithm 22). Extension.
    Ed25519(Ed25519PublicKey),
    /// DSA: p, q, g, y.
    Dsa {
        /// The four MPIs.
        mpis: [Mpi; 4],
    },
    /// ElGamal: p, g, y.
    ElGamal {
        /// The three MPIs.
        mpis: [Mpi; 3],
    },
    /// ECDSA: curve OID and point.
    Ecdsa {
        /// Curve OID bytes.
        oid: Vec<u8>,
        /// The point.
        point: Mpi,
    },
    /// ECDH: curve OID, point and KDF parameters (raw, after their length byte).
    Ecdh {
        /// Curve OID bytes.
        oid: Vec<u8>,
        /// The point.
        point: Mpi,
        /// KDF parameters.
        kdf: Vec<u8>,
    },
}

impl PublicKeyMaterial {
    /// The algorithm.
    pub fn algorithm(&self) -> PublicKeyAlgorithm {
        match self {
            PublicKeyMaterial::Rsa { algorithm, .. } => {
                PublicKeyAlgorithm::from_id(*algorithm).unwrap_or(PublicKeyAlgorithm::Rsa)
            }
            PublicKeyMaterial::Ed25519(_) => PublicKeyAlgorithm::EdDsa,
            PublicKeyMaterial::Dsa { .. } => PublicKeyAlgorithm::Dsa,
            PublicKeyMaterial::ElGamal { .. } => PublicKeyAlgorithm::ElGamal,
            PublicKeyMaterial::Ecdsa { .. } => PublicKeyAlgorithm::Ecdsa,
            PublicKeyMaterial::Ecdh { .. } => PublicKeyAlgorithm::Ecdh,
        }
    }

    /// Go's `%T` of the key x/crypto would hold (`*rsa.PublicKey`, …).
    pub fn go_type(&self) -> &'static str {
        match self {
            PublicKeyMaterial::Rsa { .. } => "*rsa.PublicKey",
            PublicKeyMaterial::Ed25519(_) => "*ed25519.PublicKey",
            PublicKeyMaterial::Dsa { .. } => "*dsa.PublicKey",
            PublicKeyMaterial::ElGamal { .. } => "*elgamal.PublicKey",
            PublicKeyMaterial::Ecdsa { .. } | PublicKeyMaterial::Ecdh { .. } => "*ecdsa.PublicKey",
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            PublicKeyMaterial::Rsa { key, .. } => {
                key.n.write(out);
                key.e.write(out);
            }
            PublicKeyMaterial::Ed25519(k) => {
                out.push(ED25519_OID.len() as u8);
                out.extend_from_slice(&ED25519_OID);
                k.point().write(out);
            }
            PublicKeyMaterial::Dsa { mpis } => mpis.iter().for_each(|m| m.write(out)),
            PublicKeyMaterial::ElGamal { mpis } => mpis.iter().for_each(|m| m.write(out)),
            PublicKeyMaterial::Ecdsa { oid, point } => {
                out.push(oid.len() as u8);
                out.extend_from_slice(oid);
                point.write(out);
            }
            PublicKeyMaterial::Ecdh { oid, point, kdf } => {
                out.push(oid.len() as u8);
                out.extend_from_slice(oid);
                point.write(out);
                out.push(kdf.len() as u8);
                out.extend_from_slice(kdf);
            }
        }
    }

    fn go_reads(&self, reads: &mut Vec<usize>) {
        match self {
            PublicKeyMaterial::Rsa { key, .. } => {
                key.n.go_reads(reads);
                key.e.go_reads(reads);
            }
            PublicKeyMaterial::Ed25519(_) => {}
            PublicKeyMaterial::Dsa { mpis } => mpis.iter().for_each(|m| m.go_reads(reads)),
            PublicKeyMaterial::ElGamal { mpis } => mpis.iter().for_each(|m| m.go_reads(reads)),
            PublicKeyMaterial::Ecdsa { oid, point } => {
                reads.extend([1, oid.len()]);
                point.go_reads(reads);
            }
            PublicKeyMaterial::Ecdh { oid, point, kdf } => {
                reads.extend([1, oid.len()]);
                point.go_reads(reads);
                reads.extend([1, kdf.len()]);
            }
        }
    }
}

/// snapd's key id: `base64url_nopad(SHA3-384(0x01 ‖ canonical v4 key packet))`,
/// 64 characters; the `public-key-sha3-384` / `sign-key-sha3-384` header value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct KeyId(String);

impl KeyId {
    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for KeyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for KeyId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for KeyId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A v4 public-key packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKey {
    is_subkey: bool,
    creation_time: u32,
    material: PublicKeyMaterial,
    /// Body bytes after the key material (x/crypto ignores them).
    #[serde(skip)]
    extra: Vec<u8>,
    #[serde(skip)]
    framing: Framing,
}

impl PublicKey {
    /// A key packet with canonical framing.
    pub fn new(creation_time: u32, material: PublicKeyMaterial) -> Self {
        PublicKey {
            is_subkey: false,
            creation_time,
            material,
            extra: Vec::new(),
            framing: Framing::Canonical,
        }
    }

    /// An RSA key as snapd builds it (`RSAPublicKey`): algorithm 1, creation
    /// time 2016-01-01, canonical MPIs.
    pub fn new_snapd_rsa(n: &[u8], e: &[u8]) -> Result<Self, PacketError> {
        Ok(PublicKey::new(
            SNAPD_KEY_CREATION_TIME,
            PublicKeyMaterial::Rsa {
                algorithm: 1,
                key: RsaKeyMaterial::new(n, e)?,
            },
        ))
    }

    /// An Ed25519 key (extension) with snapd's fixed creation time.
    pub fn new_ed25519(key: [u8; 32]) -> Self {
        PublicKey::new(
            SNAPD_KEY_CREATION_TIME,
            PublicKeyMaterial::Ed25519(Ed25519PublicKey { key }),
        )
    }

    /// Whether this came from a public-subkey packet (tag 14).
    pub fn is_subkey(&self) -> bool {
        self.is_subkey
    }

    /// Key creation time, Unix seconds.
    pub fn creation_time(&self) -> u32 {
        self.creation_time
    }

    /// The algorithm.
    pub fn algorithm(&self) -> PublicKeyAlgorithm {
        self.material.algorithm()
    }

    /// The key material.
    pub fn material(&self) -> &PublicKeyMaterial {
        &self.material
    }

    /// The RSA key, if this is one.
    pub fn rsa(&self) -> Option<&RsaKeyMaterial> {
        match &self.material {
            PublicKeyMaterial::Rsa { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The Ed25519 key, if this is one (extension).
    pub fn ed25519(&self) -> Option<&Ed25519PublicKey> {
        match &self.material {
            PublicKeyMaterial::Ed25519(k) => Some(k),
            _ => None,
        }
    }

    /// Whether snapd accepts this key: only RSA. Ed25519 is this crate's extension.
    pub fn is_snapd_compatible(&self) -> bool {
        self.rsa().is_some()
    }

    /// The canonical form snapd hashes and writes: creation time 2016-01-01,
    /// minimal MPIs, RSA always as algorithm 1, not a subkey, no extra bytes,
    /// new-format header.
    pub fn canonical(&self) -> PublicKey {
        let material = match &self.material {
            PublicKeyMaterial::Rsa { key, .. } => PublicKeyMaterial::Rsa {
                algorithm: 1,
                key: RsaKeyMaterial {
                    n: key.n.canonical(),
                    e: key.e.canonical(),
                },
            },
            PublicKeyMaterial::Dsa { mpis } => PublicKeyMaterial::Dsa {
                mpis: mpis.clone().map(|m| m.canonical()),
            },
            PublicKeyMaterial::ElGamal { mpis } => PublicKeyMaterial::ElGamal {
                mpis: mpis.clone().map(|m| m.canonical()),
            },
            other => other.clone(),
        };
        PublicKey::new(SNAPD_KEY_CREATION_TIME, material)
    }

    /// The packet body (no header).
    pub fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.extra.len());
        out.push(4);
        out.extend_from_slice(&self.creation_time.to_be_bytes());
        out.push(self.algorithm().id());
        self.material.write(&mut out);
        out.extend_from_slice(&self.extra);
        out
    }

    /// The whole packet; a parsed packet gives back its input bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let tag = if self.is_subkey {
            TAG_PUBLIC_SUBKEY
        } else {
            TAG_PUBLIC_KEY
        };
        let body = self.body();
        let mut out = Vec::with_capacity(body.len() + 6);
        self.framing.write(tag, &body, &mut out);
        out
    }

    /// snapd's key id of this key (creation time, header form and MPI
    /// encoding of this packet are ignored).
    ///
    /// For RSA this is snapd's `ID()`. For other algorithms the same recipe is
    /// applied to their canonical packet; snapd has no such ids.
    pub fn key_id(&self) -> KeyId {
        let mut h = sha3::Sha3_384::new();
        h.update([V1_MARKER]);
        h.update(self.canonical().to_bytes());
        KeyId(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize()))
    }

    /// Parses a key body (after the version byte's peek) as x/crypto does.
    /// `extensions` enables algorithm 22 (EdDSA/Ed25519).
    pub(crate) fn parse_framed(
        packet: &FramedPacket<'_>,
        extensions: bool,
    ) -> Result<PublicKey, PacketError> {
        let body: &[u8] = &packet.body;
        let eof = |_| PacketError::UnexpectedEof;
        let (rest, fixed) = take(6usize)(body).map_err(eof)?;
        let (version, ctime, algo) = match fixed {
            [v, a, b, c, d, algo] => (*v, u32::from_be_bytes([*a, *b, *c, *d]), *algo),
            _ => return Err(PacketError::UnexpectedEof),
        };
        if version != 4 {
            return Err(PacketError::UnsupportedPublicKeyVersion { version });
        }
        let (rest, material) = match algo {
            1..=3 => {
                let (rest, (n, e)) = (Mpi::parse, Mpi::parse).parse(rest).map_err(eof)?;
                if e.bytes().len() > 3 {
                    return Err(PacketError::LargePublicExponent {
                        len: e.bytes().len(),
                    });
                }
                (
                    rest,
                    PublicKeyMaterial::Rsa {
                        algorithm: algo,
                        key: RsaKeyMaterial { n, e },
                    },
                )
            }
            17 => {
                let (rest, (p, q, g, y)) = (Mpi::parse, Mpi::parse, Mpi::parse, Mpi::parse)
                    .parse(rest)
                    .map_err(eof)?;
                (rest, PublicKeyMaterial::Dsa { mpis: [p, q, g, y] })
            }
            16 => {
                let (rest, (p, g, y)) = (Mpi::parse, Mpi::parse, Mpi::parse)
                    .parse(rest)
                    .map_err(eof)?;
                (rest, PublicKeyMaterial::ElGamal { mpis: [p, g, y] })
            }
            18 | 19 => {
                let (rest, oid) = parse_oid(rest)?;
                let (rest, point) = Mpi::parse(rest).map_err(eof)?;
                let (rest, kdf) = if algo == 18 {
                    let (rest, kdf_len) = be_u8(rest).map_err(eof)?;
                    if kdf_len < 3 {
                        return Err(PacketError::EcdhKdfLength { len: kdf_len });
                    }
                    let (rest, kdf) = take(kdf_len)(rest).map_err(eof)?;
                    if let Some(&reserved) = kdf.first().filter(|&&r| r != 1) {
                        return Err(PacketError::EcdhKdfReserved { reserved });
                    }
                    (rest, Some(kdf.to_vec()))
                } else {
                    (rest, None)
                };
                check_ec_point(&oid, &point)?;
                let material = match kdf {
                    Some(kdf) => PublicKeyMaterial::Ecdh { oid, point, kdf },
                    None => PublicKeyMaterial::Ecdsa { oid, point },
                };
                (rest, material)
            }
            22 if extensions => {
                let (rest, oid) = parse_oid_any(rest)?;
                let (rest, point) = Mpi::parse(rest).map_err(eof)?;
                match (oid.as_slice() == ED25519_OID, point.bytes().split_first()) {
                    (true, Some((0x40, key))) if point.bit_count() == 263 => {
                        let key: [u8; 32] = key
                            .try_into()
                            .map_err(|_| PacketError::UnsupportedEddsaKey)?;
                        (rest, PublicKeyMaterial::Ed25519(Ed25519PublicKey { key }))
                    }
                    _ => return Err(PacketError::UnsupportedEddsaKey),
                }
            }
            algorithm => return Err(PacketError::UnsupportedPublicKeyType { algorithm }),
        };
        Ok(PublicKey {
            is_subkey: packet.tag == TAG_PUBLIC_SUBKEY,
            creation_time: ctime,
            material,
            extra: rest.to_vec(),
            framing: packet.framing.clone(),
        })
    }

    /// The `readFull` sizes x/crypto makes while parsing this key.
    pub(crate) fn go_reads(&self) -> Vec<usize> {
        let mut reads = vec![6];
        self.material.go_reads(&mut reads);
        reads.retain(|&n| n > 0);
        reads
    }
}

fn parse_oid(input: &[u8]) -> Result<(&[u8], Vec<u8>), PacketError> {
    let (rest, len) = be_u8(input).map_err(|_: nom::Err<()>| PacketError::UnexpectedEof)?;
    if len > MAX_OID_LEN {
        return Err(PacketError::InvalidOidLength { len });
    }
    let (rest, oid) = take(len)(rest).map_err(|_: nom::Err<()>| PacketError::UnexpectedEof)?;
    Ok((rest, oid.to_vec()))
}

fn parse_oid_any(input: &[u8]) -> Result<(&[u8], Vec<u8>), PacketError> {
    let (rest, len) = be_u8(input).map_err(|_: nom::Err<()>| PacketError::UnexpectedEof)?;
    let (rest, oid) = take(len)(rest).map_err(|_: nom::Err<()>| PacketError::UnexpectedEof)?;
    Ok((rest, oid.to_vec()))
}

/// x/crypto's `newECDSA`: a known NIST curve and an uncompressed point of its
/// size. (Go also checks that the point lies on the curve; without curve
/// arithmetic this crate does not, so an off-curve point is reported as
/// `expected RSA public key, got instead: *ecdsa.PublicKey` where snapd says
/// `failed to parse EC point` — both are refusals.)
fn check_ec_point(oid: &[u8], point: &Mpi) -> Result<(), PacketError> {
    let field_bytes = if oid == OID_P256 {
        32
    } else if oid == OID_P384 {
        48
    } else if oid == OID_P521 {
        66
    } else {
        return Err(PacketError::UnsupportedOid {
            oid_hex: oid.iter().map(|b| format!("{b:02x}")).collect(),
        });
    };
    let bytes = point.bytes();
    if bytes.len() != 1 + 2 * field_bytes || bytes.first() != Some(&4) {
        return Err(PacketError::InvalidEcPoint);
    }
    Ok(())
}
