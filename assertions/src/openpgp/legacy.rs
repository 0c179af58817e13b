//! Packets snapd parses only to refuse them by type: v3 signatures, v3 public
//! keys and user ids. They are parsed as x/crypto parses them so that the
//! error snapd gives (`expected signature, got instead: *packet.SignatureV3`,
//! or the parse error first) is reproduced.

use nom::Parser as _;
use nom::bytes::complete::take;
use nom::number::complete::{be_u8, be_u16, be_u32};
use serde::Serialize;

use super::error::PacketError;
use super::framing::{FramedPacket, Framing};
use super::mpi::Mpi;
use super::signature::HashAlgorithm;

fn eof<E>(_: E) -> PacketError {
    PacketError::UnexpectedEof
}

/// A v3 (or v2) signature packet (RFC 4880 §5.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureV3 {
    version: u8,
    sig_type: u8,
    creation_time: u32,
    issuer: [u8; 8],
    public_key_algorithm: u8,
    hash_algorithm: HashAlgorithm,
    left16: [u8; 2],
    mpis: Vec<Mpi>,
    #[serde(skip)]
    extra: Vec<u8>,
    #[serde(skip)]
    framing: Framing,
}

impl SignatureV3 {
    /// 2 or 3.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Signature creation time, Unix seconds.
    pub fn creation_time(&self) -> u32 {
        self.creation_time
    }

    /// The issuer key id.
    pub fn issuer(&self) -> [u8; 8] {
        self.issuer
    }

    /// The whole packet, as read.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = vec![self.version, 5, self.sig_type];
        body.extend_from_slice(&self.creation_time.to_be_bytes());
        body.extend_from_slice(&self.issuer);
        body.extend_from_slice(&[self.public_key_algorithm, self.hash_algorithm.id()]);
        body.extend_from_slice(&self.left16);
        self.mpis.iter().for_each(|m| m.write(&mut body));
        body.extend_from_slice(&self.extra);
        let mut out = Vec::new();
        self.framing.write(2, &body, &mut out);
        out
    }

    pub(crate) fn parse_framed(packet: &FramedPacket<'_>) -> Result<SignatureV3, PacketError> {
        let body: &[u8] = &packet.body;
        let (rest, version) = be_u8::<_, ()>(body).map_err(eof)?;
        if !(2..=3).contains(&version) {
            return Err(PacketError::UnsupportedSignatureVersion { version });
        }
        let (rest, len) = be_u8::<_, ()>(rest).map_err(eof)?;
        if len != 5 {
            return Err(PacketError::InvalidHashedMaterialLength { len });
        }
        let (rest, (sig_type, creation_time, issuer)) = (be_u8::<_, ()>, be_u32, take(8usize))
            .parse(rest)
            .map_err(eof)?;
        let issuer: [u8; 8] = issuer.try_into().map_err(eof)?;
        let (rest, (algorithm, hash_id)) = (be_u8::<_, ()>, be_u8).parse(rest).map_err(eof)?;
        let two_mpis = match algorithm {
            1 | 3 => false,
            17 => true,
            _ => return Err(PacketError::UnsupportedSignatureAlgorithm { algorithm }),
        };
        // x/crypto prints buf[2] here, which still holds the third issuer byte.
        let hash_algorithm =
            HashAlgorithm::from_id(hash_id).ok_or(PacketError::UnsupportedHashFunction {
                algorithm: hash_id,
                shown: issuer[2],
            })?;
        let (rest, left16) = take::<_, _, ()>(2usize)(rest).map_err(eof)?;
        let left16 = [
            left16.first().copied().unwrap_or(0),
            left16.get(1).copied().unwrap_or(0),
        ];
        let (rest, mpis) = if two_mpis {
            let (rest, (r, s)) = (Mpi::parse, Mpi::parse).parse(rest).map_err(eof)?;
            (rest, vec![r, s])
        } else {
            let (rest, m) = Mpi::parse(rest).map_err(eof)?;
            (rest, vec![m])
        };
        Ok(SignatureV3 {
            version,
            sig_type,
            creation_time,
            issuer,
            public_key_algorithm: algorithm,
            hash_algorithm,
            left16,
            mpis,
            extra: rest.to_vec(),
            framing: packet.framing.clone(),
        })
    }

    pub(crate) fn go_reads(&self) -> Vec<usize> {
        let mut reads = vec![1, 1, 5, 8, 2, 2];
        self.mpis.iter().for_each(|m| m.go_reads(&mut reads));
        reads.retain(|&n| n > 0);
        reads
    }
}

/// A v3 (or v2) RSA public-key packet (RFC 4880 §5.5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKeyV3 {
    version: u8,
    creation_time: u32,
    days_to_expire: u16,
    algorithm: u8,
    n: Mpi,
    e: Mpi,
    is_subkey: bool,
    #[serde(skip)]
    extra: Vec<u8>,
    #[serde(skip)]
    framing: Framing,
}

impl PublicKeyV3 {
    /// 2 or 3.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The whole packet, as read.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut body = vec![self.version];
        body.extend_from_slice(&self.creation_time.to_be_bytes());
        body.extend_from_slice(&self.days_to_expire.to_be_bytes());
        body.push(self.algorithm);
        self.n.write(&mut body);
        self.e.write(&mut body);
        body.extend_from_slice(&self.extra);
        let mut out = Vec::new();
        self.framing
            .write(if self.is_subkey { 14 } else { 6 }, &body, &mut out);
        out
    }

    pub(crate) fn parse_framed(packet: &FramedPacket<'_>) -> Result<PublicKeyV3, PacketError> {
        let body: &[u8] = &packet.body;
        let (rest, (version, creation_time, days_to_expire, algorithm)) =
            (be_u8::<_, ()>, be_u32, be_u16, be_u8)
                .parse(body)
                .map_err(eof)?;
        if !(2..=3).contains(&version) {
            return Err(PacketError::UnsupportedPublicKeyVersion { version });
        }
        if !(1..=3).contains(&algorithm) {
            return Err(PacketError::UnsupportedPublicKeyType { algorithm });
        }
        let (rest, (n, e)) = (Mpi::parse, Mpi::parse).parse(rest).map_err(eof)?;
        if n.bytes().len() < 8 {
            return Err(PacketError::V3ModulusTooShort);
        }
        if e.bytes().len() > 3 {
            return Err(PacketError::LargePublicExponent {
                len: e.bytes().len(),
            });
        }
        Ok(PublicKeyV3 {
            version,
            creation_time,
            days_to_expire,
            algorithm,
            n,
            e,
            is_subkey: packet.tag == 14,
            extra: rest.to_vec(),
            framing: packet.framing.clone(),
        })
    }

    pub(crate) fn go_reads(&self) -> Vec<usize> {
        let mut reads = vec![8];
        self.n.go_reads(&mut reads);
        self.e.go_reads(&mut reads);
        reads.retain(|&n| n > 0);
        reads
    }
}

/// A user-id packet (tag 13): any bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserId {
    id: String,
    #[serde(skip)]
    raw: Vec<u8>,
    #[serde(skip)]
    framing: Framing,
}

impl UserId {
    /// The id text (invalid UTF-8 replaced).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The whole packet, as read.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.framing.write(13, &self.raw, &mut out);
        out
    }

    pub(crate) fn parse_framed(packet: &FramedPacket<'_>) -> Result<UserId, PacketError> {
        // io.ReadAll: a cut-off body is an error.
        if packet.truncated {
            return Err(PacketError::UnexpectedEof);
        }
        Ok(UserId {
            id: String::from_utf8_lossy(&packet.body).into_owned(),
            raw: packet.body.to_vec(),
            framing: packet.framing.clone(),
        })
    }
}
