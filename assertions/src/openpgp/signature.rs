//! Signature packets, version 4 (tag 2; RFC 4880 §5.2.3), and the bytes a
//! signer or verifier hashes.

use nom::Parser as _;
use nom::bytes::complete::take;
use nom::number::complete::{be_u8, be_u16, be_u32};
use serde::Serialize;

use super::error::{CheckedSubpacket, PacketError};
use super::framing::{FramedPacket, Framing};
use super::mpi::Mpi;
use super::public_key::PublicKeyAlgorithm;

/// Packet tag of a signature.
pub const TAG_SIGNATURE: u8 = 2;

/// How deeply embedded signatures (subpacket 32) may nest. x/crypto has no
/// limit (its recursion is bounded only by the input size); real data nests
/// at most once.
pub const MAX_EMBEDDED_DEPTH: usize = 8;

/// Subpacket type: signature creation time.
pub const SUBPACKET_CREATION_TIME: u8 = 2;
/// Subpacket type: issuer (8-byte OpenPGP key id).
pub const SUBPACKET_ISSUER: u8 = 16;
/// Subpacket type: issuer fingerprint (version byte ‖ fingerprint).
pub const SUBPACKET_ISSUER_FINGERPRINT: u8 = 33;
const SUBPACKET_SIG_EXPIRATION: u8 = 3;
const SUBPACKET_KEY_EXPIRATION: u8 = 9;
const SUBPACKET_PREF_SYMMETRIC: u8 = 11;
const SUBPACKET_PREF_HASH: u8 = 21;
const SUBPACKET_PREF_COMPRESSION: u8 = 22;
const SUBPACKET_PRIMARY_USER_ID: u8 = 25;
const SUBPACKET_KEY_FLAGS: u8 = 27;
const SUBPACKET_REVOCATION_REASON: u8 = 29;
const SUBPACKET_FEATURES: u8 = 30;
const SUBPACKET_EMBEDDED_SIGNATURE: u8 = 32;
const SIG_TYPE_PRIMARY_KEY_BINDING: u8 = 0x19;

/// Hash algorithms x/crypto knows for signatures (RFC 4880 §9.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    /// 1: MD5.
    Md5,
    /// 2: SHA-1.
    Sha1,
    /// 3: RIPEMD-160.
    Ripemd160,
    /// 8: SHA-256.
    Sha256,
    /// 9: SHA-384.
    Sha384,
    /// 10: SHA-512, what snapd signs with.
    Sha512,
    /// 11: SHA-224.
    Sha224,
}

impl HashAlgorithm {
    /// The algorithm for an id byte, if x/crypto knows it.
    pub fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            1 => Self::Md5,
            2 => Self::Sha1,
            3 => Self::Ripemd160,
            8 => Self::Sha256,
            9 => Self::Sha384,
            10 => Self::Sha512,
            11 => Self::Sha224,
            _ => return None,
        })
    }

    /// The id byte.
    pub fn id(self) -> u8 {
        match self {
            Self::Md5 => 1,
            Self::Sha1 => 2,
            Self::Ripemd160 => 3,
            Self::Sha256 => 8,
            Self::Sha384 => 9,
            Self::Sha512 => 10,
            Self::Sha224 => 11,
        }
    }

    /// Digest size in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 | Self::Ripemd160 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

/// How a subpacket length was written (kept for byte-exact output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SubpacketLengthForm {
    One,
    Two,
    Five,
}

/// One signature subpacket, kept raw: type, critical bit and data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Subpacket {
    kind: u8,
    critical: bool,
    #[serde(serialize_with = "serialize_hex")]
    data: Vec<u8>,
    #[serde(skip)]
    form: SubpacketLengthForm,
}

fn serialize_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    s.serialize_str(&hex)
}

impl Subpacket {
    /// A subpacket with the shortest length form.
    pub fn new(kind: u8, critical: bool, data: Vec<u8>) -> Self {
        let n = data.len() + 1;
        let form = if n < 192 {
            SubpacketLengthForm::One
        } else if n < 16320 {
            SubpacketLengthForm::Two
        } else {
            SubpacketLengthForm::Five
        };
        Subpacket {
            kind: kind & 0x7F,
            critical,
            data,
            form,
        }
    }

    /// A creation-time subpacket (type 2).
    pub fn creation_time(unix: u32) -> Self {
        Subpacket::new(SUBPACKET_CREATION_TIME, false, unix.to_be_bytes().to_vec())
    }

    /// An issuer subpacket (type 16).
    pub fn issuer(key_id: [u8; 8]) -> Self {
        Subpacket::new(SUBPACKET_ISSUER, false, key_id.to_vec())
    }

    /// The subpacket type (critical bit removed).
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// Whether the critical bit is set.
    pub fn is_critical(&self) -> bool {
        self.critical
    }

    /// The data after the type byte.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    fn write(&self, out: &mut Vec<u8>) {
        let n = self.data.len() + 1;
        match self.form {
            SubpacketLengthForm::One => out.push(n as u8),
            SubpacketLengthForm::Two => {
                let l = n - 192;
                out.push(((l >> 8) as u8).wrapping_add(192));
                out.push(l as u8);
            }
            SubpacketLengthForm::Five => {
                out.push(0xFF);
                out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes());
            }
        }
        out.push(self.kind | if self.critical { 0x80 } else { 0 });
        out.extend_from_slice(&self.data);
    }
}

fn write_area(subpackets: &[Subpacket]) -> Result<Vec<u8>, PacketError> {
    let mut area = Vec::new();
    subpackets.iter().for_each(|s| s.write(&mut area));
    let len = u16::try_from(area.len())
        .map_err(|_| PacketError::SubpacketAreaTooLong { len: area.len() })?;
    let mut out = Vec::with_capacity(area.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&area);
    Ok(out)
}

/// The signature value: one MPI for RSA, two for the others.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum SignatureValue {
    /// RSA (algorithm 1 or 3): `m^d mod n`.
    Rsa {
        /// The signature MPI.
        mpi: Mpi,
    },
    /// DSA, ECDSA or (extension) EdDSA: r and s.
    Pair {
        /// r.
        r: Mpi,
        /// s.
        s: Mpi,
    },
}

impl SignatureValue {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            SignatureValue::Rsa { mpi } => mpi.write(out),
            SignatureValue::Pair { r, s } => {
                r.write(out);
                s.write(out);
            }
        }
    }
}

/// A v4 signature packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    sig_type: u8,
    public_key_algorithm: u8,
    hash_algorithm: HashAlgorithm,
    hashed: Vec<Subpacket>,
    unhashed: Vec<Subpacket>,
    left16: [u8; 2],
    value: SignatureValue,
    creation_time: u32,
    #[serde(skip)]
    extra: Vec<u8>,
    #[serde(skip)]
    framing: Framing,
}

impl Signature {
    /// A signature in snapd's signing form: binary document (type 0), RSA,
    /// SHA-512, hashed subpackets = creation time only, no unhashed
    /// subpackets, and the RSA output `signature` (all k bytes of it) as an MPI
    /// with bit count `8 * len` — byte for byte what snapd writes.
    ///
    /// `left16` is the first two bytes of the SHA-512 digest of
    /// [`Signature::snapd_signed_data`].
    pub fn new_snapd(
        creation_time: u32,
        left16: [u8; 2],
        signature: &[u8],
    ) -> Result<Self, PacketError> {
        Ok(Signature {
            sig_type: 0,
            public_key_algorithm: PublicKeyAlgorithm::Rsa.id(),
            hash_algorithm: HashAlgorithm::Sha512,
            hashed: vec![Subpacket::creation_time(creation_time)],
            unhashed: Vec::new(),
            left16,
            value: SignatureValue::Rsa {
                mpi: Mpi::with_full_bit_count(signature)?,
            },
            creation_time,
            extra: Vec::new(),
            framing: Framing::Canonical,
        })
    }

    /// The hashed trailer of snapd's signing form for `creation_time`,
    /// known before signing: `04 00 01 0A 00 06 05 02 <ctime> 04 FF 00 00 00 0C`.
    pub fn snapd_hashed_trailer(creation_time: u32) -> Vec<u8> {
        let mut out = vec![
            4,
            0,
            PublicKeyAlgorithm::Rsa.id(),
            HashAlgorithm::Sha512.id(),
            0,
            6,
            5,
            2,
        ];
        out.extend_from_slice(&creation_time.to_be_bytes());
        out.extend_from_slice(&[4, 0xFF, 0, 0, 0, 12]);
        out
    }

    /// What snapd hashes with SHA-512 to sign `content` at `creation_time`:
    /// `content ‖ snapd_hashed_trailer(creation_time)`.
    pub fn snapd_signed_data(content: &[u8], creation_time: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity(content.len() + 18);
        out.extend_from_slice(content);
        out.extend_from_slice(&Signature::snapd_hashed_trailer(creation_time));
        out
    }

    /// Always 4.
    pub fn version(&self) -> u8 {
        4
    }

    /// The signature type (0 = binary document; snapd does not check it).
    pub fn sig_type(&self) -> u8 {
        self.sig_type
    }

    /// The public-key algorithm id (1, 3, 17, 19, or 22 as an extension).
    pub fn public_key_algorithm_id(&self) -> u8 {
        self.public_key_algorithm
    }

    /// The public-key algorithm.
    pub fn public_key_algorithm(&self) -> Option<PublicKeyAlgorithm> {
        PublicKeyAlgorithm::from_id(self.public_key_algorithm)
    }

    /// The hash algorithm named in the signature.
    pub fn hash_algorithm(&self) -> HashAlgorithm {
        self.hash_algorithm
    }

    /// Subpackets of the hashed area, in order.
    pub fn hashed_subpackets(&self) -> &[Subpacket] {
        &self.hashed
    }

    /// Subpackets of the unhashed area, in order.
    pub fn unhashed_subpackets(&self) -> &[Subpacket] {
        &self.unhashed
    }

    /// The left 16 bits of the digest.
    pub fn left16(&self) -> [u8; 2] {
        self.left16
    }

    /// The signature value.
    pub fn value(&self) -> &SignatureValue {
        &self.value
    }

    /// The RSA signature MPI, if this is an RSA signature.
    pub fn signature_mpi(&self) -> Option<&Mpi> {
        match &self.value {
            SignatureValue::Rsa { mpi } => Some(mpi),
            SignatureValue::Pair { .. } => None,
        }
    }

    /// Signature creation time, Unix seconds (the last creation-time subpacket
    /// of the hashed area, as x/crypto).
    pub fn creation_time(&self) -> u32 {
        self.creation_time
    }

    /// The issuer key id (subpacket 16, either area; the last one wins, as x/crypto).
    pub fn issuer(&self) -> Option<[u8; 8]> {
        self.hashed
            .iter()
            .chain(&self.unhashed)
            .filter(|s| s.kind == SUBPACKET_ISSUER)
            .filter_map(|s| <[u8; 8]>::try_from(s.data.as_slice()).ok())
            .next_back()
    }

    /// The issuer fingerprint (subpacket 33, `version ‖ fingerprint`) if present.
    pub fn issuer_fingerprint(&self) -> Option<&[u8]> {
        self.hashed
            .iter()
            .chain(&self.unhashed)
            .find(|s| s.kind == SUBPACKET_ISSUER_FINGERPRINT)
            .map(|s| s.data.as_slice())
    }

    /// The hashed part of the packet: `04 type algo hash len16 subpackets`.
    pub fn hashed_part(&self) -> Result<Vec<u8>, PacketError> {
        let mut out = vec![
            4,
            self.sig_type,
            self.public_key_algorithm,
            self.hash_algorithm.id(),
        ];
        out.extend_from_slice(&write_area(&self.hashed)?);
        Ok(out)
    }

    /// What is hashed after the content: hashed part ‖ `04 FF` ‖ u32be(len(hashed part)).
    pub fn hashed_trailer(&self) -> Result<Vec<u8>, PacketError> {
        let mut out = self.hashed_part()?;
        let len = u32::try_from(out.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&[4, 0xFF]);
        out.extend_from_slice(&len.to_be_bytes());
        Ok(out)
    }

    /// The bytes to hash to check this signature over `content`:
    /// `content ‖ hashed_trailer()`.
    pub fn signed_data(&self, content: &[u8]) -> Result<Vec<u8>, PacketError> {
        let mut out = content.to_vec();
        out.extend_from_slice(&self.hashed_trailer()?);
        Ok(out)
    }

    /// The packet body (no header).
    pub fn body(&self) -> Result<Vec<u8>, PacketError> {
        let mut out = self.hashed_part()?;
        out.extend_from_slice(&write_area(&self.unhashed)?);
        out.extend_from_slice(&self.left16);
        self.value.write(&mut out);
        out.extend_from_slice(&self.extra);
        Ok(out)
    }

    /// The whole packet; a parsed packet gives back its input bytes, one
    /// built by [`Signature::new_snapd`] gets the `0xC2` new-format header.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PacketError> {
        let body = self.body()?;
        let mut out = Vec::with_capacity(body.len() + 6);
        self.framing.write(TAG_SIGNATURE, &body, &mut out);
        Ok(out)
    }

    /// Parses a framed signature packet whose version byte is 4 or more.
    pub(crate) fn parse_framed(
        packet: &FramedPacket<'_>,
        extensions: bool,
    ) -> Result<Signature, PacketError> {
        let (rest, mut sig) = parse_body(&packet.body, extensions, 0)?;
        sig.extra = rest.to_vec();
        sig.framing = packet.framing.clone();
        Ok(sig)
    }

    /// The `readFull` sizes x/crypto makes while parsing this signature.
    pub(crate) fn go_reads(&self) -> Vec<usize> {
        let area = |s: &[Subpacket]| write_area(s).map(|a| a.len() - 2).unwrap_or(0);
        let mut reads = vec![1, 5, area(&self.hashed), 2, area(&self.unhashed), 2];
        match &self.value {
            SignatureValue::Rsa { mpi } => mpi.go_reads(&mut reads),
            SignatureValue::Pair { r, s } => {
                r.go_reads(&mut reads);
                s.go_reads(&mut reads);
            }
        }
        reads.retain(|&n| n > 0);
        reads
    }
}

fn eof<E>(_: E) -> PacketError {
    PacketError::UnexpectedEof
}

/// Parses a signature body (x/crypto `Signature.parse`); returns unread bytes.
fn parse_body(
    body: &[u8],
    extensions: bool,
    depth: usize,
) -> Result<(&[u8], Signature), PacketError> {
    let (rest, version) = be_u8::<_, ()>(body).map_err(eof)?;
    if version != 4 {
        return Err(PacketError::UnsupportedSignatureVersion { version });
    }
    let (rest, (sig_type, algorithm, hash_id, hashed_len)) = (be_u8::<_, ()>, be_u8, be_u8, be_u16)
        .parse(rest)
        .map_err(eof)?;
    let two_mpis = match algorithm {
        1 | 3 => false,
        17 | 19 => true,
        22 if extensions => true,
        _ => return Err(PacketError::UnsupportedSignatureAlgorithm { algorithm }),
    };
    let hash_algorithm =
        HashAlgorithm::from_id(hash_id).ok_or(PacketError::UnsupportedHashFunction {
            algorithm: hash_id,
            shown: hash_id,
        })?;
    let (rest, hashed_area) = take::<_, _, ()>(hashed_len)(rest).map_err(eof)?;
    let mut state = AreaState::default();
    let hashed = parse_area(hashed_area, true, &mut state, extensions, depth)?;
    let (rest, unhashed_len) = be_u16::<_, ()>(rest).map_err(eof)?;
    let (rest, unhashed_area) = take::<_, _, ()>(unhashed_len)(rest).map_err(eof)?;
    let unhashed = parse_area(unhashed_area, false, &mut state, extensions, depth)?;
    let (rest, left16) = take::<_, _, ()>(2usize)(rest).map_err(eof)?;
    let left16 = [
        left16.first().copied().unwrap_or(0),
        left16.get(1).copied().unwrap_or(0),
    ];
    let (rest, value) = if two_mpis {
        let (rest, (r, s)) = (Mpi::parse, Mpi::parse).parse(rest).map_err(eof)?;
        (rest, SignatureValue::Pair { r, s })
    } else {
        let (rest, mpi) = Mpi::parse(rest).map_err(eof)?;
        (rest, SignatureValue::Rsa { mpi })
    };
    let creation_time = state.creation_time.unwrap_or(0);
    Ok((
        rest,
        Signature {
            sig_type,
            public_key_algorithm: algorithm,
            hash_algorithm,
            hashed,
            unhashed,
            left16,
            value,
            creation_time,
            extra: Vec::new(),
            framing: Framing::Canonical,
        },
    ))
}

#[derive(Default)]
struct AreaState {
    creation_time: Option<u32>,
    has_embedded: bool,
}

/// x/crypto `parseSignatureSubpackets`: every subpacket, then the creation-time check.
fn parse_area(
    mut area: &[u8],
    hashed: bool,
    state: &mut AreaState,
    extensions: bool,
    depth: usize,
) -> Result<Vec<Subpacket>, PacketError> {
    let mut out = Vec::new();
    while !area.is_empty() {
        let (rest, sub) = parse_subpacket(area)?;
        check_subpacket(&sub, hashed, state, extensions, depth)?;
        out.push(sub);
        area = rest;
    }
    if state.creation_time.is_none() {
        return Err(PacketError::NoCreationTime);
    }
    Ok(out)
}

fn parse_subpacket(input: &[u8]) -> Result<(&[u8], Subpacket), PacketError> {
    let truncated = |_: nom::Err<()>| PacketError::SubpacketTruncated;
    let (rest, first) = be_u8::<_, ()>(input).map_err(truncated)?;
    let (rest, len, form) = match first {
        0..=191 => (rest, usize::from(first), SubpacketLengthForm::One),
        192..=254 => {
            let (rest, second) = be_u8::<_, ()>(rest).map_err(truncated)?;
            (
                rest,
                (usize::from(first - 192) << 8) + usize::from(second) + 192,
                SubpacketLengthForm::Two,
            )
        }
        255 => {
            let (rest, len) = be_u32::<_, ()>(rest).map_err(truncated)?;
            (
                rest,
                usize::try_from(len).unwrap_or(usize::MAX),
                SubpacketLengthForm::Five,
            )
        }
    };
    let (rest, contents) = take::<_, _, ()>(len)(rest).map_err(truncated)?;
    let Some((&type_byte, data)) = contents.split_first() else {
        return Err(PacketError::ZeroLengthSubpacket);
    };
    Ok((
        rest,
        Subpacket {
            kind: type_byte & 0x7F,
            critical: type_byte & 0x80 != 0,
            data: data.to_vec(),
            form,
        },
    ))
}

/// x/crypto's per-type checks in `parseSignatureSubpacket`.
fn check_subpacket(
    sub: &Subpacket,
    hashed: bool,
    state: &mut AreaState,
    extensions: bool,
    depth: usize,
) -> Result<(), PacketError> {
    let len = sub.data.len();
    let bad_length = |subpacket| Err(PacketError::SubpacketBadLength { subpacket, len });
    match sub.kind {
        SUBPACKET_CREATION_TIME => {
            if !hashed {
                return Err(PacketError::UnhashedCreationTime);
            }
            let t: [u8; 4] = sub
                .data
                .as_slice()
                .try_into()
                .map_err(|_| PacketError::CreationTimeLength { len })?;
            state.creation_time = Some(u32::from_be_bytes(t));
        }
        SUBPACKET_SIG_EXPIRATION if hashed && len != 4 => {
            return bad_length(CheckedSubpacket::SignatureExpiration);
        }
        SUBPACKET_KEY_EXPIRATION if hashed && len != 4 => {
            return bad_length(CheckedSubpacket::KeyExpiration);
        }
        SUBPACKET_ISSUER if len != 8 => return bad_length(CheckedSubpacket::Issuer),
        SUBPACKET_PRIMARY_USER_ID if hashed && len != 1 => {
            return bad_length(CheckedSubpacket::PrimaryUserId);
        }
        SUBPACKET_KEY_FLAGS if hashed && len == 0 => return Err(PacketError::EmptyKeyFlags),
        SUBPACKET_REVOCATION_REASON if hashed && len == 0 => {
            return Err(PacketError::EmptyRevocationReason);
        }
        SUBPACKET_EMBEDDED_SIGNATURE => {
            if state.has_embedded {
                return Err(PacketError::MultipleEmbeddedSignatures);
            }
            state.has_embedded = true;
            if depth >= MAX_EMBEDDED_DEPTH {
                return Err(PacketError::EmbeddedSignatureTooDeep);
            }
            let (_, embedded) = parse_body(&sub.data, extensions, depth + 1)?;
            if embedded.sig_type != SIG_TYPE_PRIMARY_KEY_BINDING {
                return Err(PacketError::CrossSignatureType {
                    sig_type: embedded.sig_type,
                });
            }
        }
        SUBPACKET_SIG_EXPIRATION
        | SUBPACKET_KEY_EXPIRATION
        | SUBPACKET_ISSUER
        | SUBPACKET_PREF_SYMMETRIC
        | SUBPACKET_PREF_HASH
        | SUBPACKET_PREF_COMPRESSION
        | SUBPACKET_PRIMARY_USER_ID
        | SUBPACKET_KEY_FLAGS
        | SUBPACKET_REVOCATION_REASON
        | SUBPACKET_FEATURES => {}
        subpacket_type => {
            if sub.critical {
                return Err(PacketError::UnknownCriticalSubpacket { subpacket_type });
            }
        }
    }
    Ok(())
}
