//! One OpenPGP packet of any kind this crate reads, and the v1 decoder that
//! checks it the way snapd's `decodeV1` does.

use serde::Serialize;

use super::error::{DataKind, PacketError};
use super::framing::read_packet;
use super::legacy::{PublicKeyV3, SignatureV3, UserId};
use super::public_key::{PublicKey, TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY};
use super::signature::{Signature, TAG_SIGNATURE};
use super::v1::decode_v1_bytes;

/// Packet tags x/crypto knows but this crate does not parse.
const KNOWN_UNPARSED_TAGS: [u8; 10] = [1, 3, 4, 5, 7, 8, 9, 11, 17, 18];
const TAG_USER_ID: u8 = 13;

/// A parsed packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "packet")]
pub enum Packet {
    /// A v4 signature.
    Signature(Signature),
    /// A v2/v3 signature (snapd refuses it).
    SignatureV3(SignatureV3),
    /// A v4 public key or public subkey.
    PublicKey(PublicKey),
    /// A v2/v3 public key (snapd refuses it).
    PublicKeyV3(PublicKeyV3),
    /// A user id (snapd refuses it).
    UserId(UserId),
}

impl Packet {
    /// Go's `%T` for the packet x/crypto would return (`*packet.Signature`, …).
    pub fn go_type(&self) -> &'static str {
        match self {
            Packet::Signature(_) => "*packet.Signature",
            Packet::SignatureV3(_) => "*packet.SignatureV3",
            Packet::PublicKey(_) => "*packet.PublicKey",
            Packet::PublicKeyV3(_) => "*packet.PublicKeyV3",
            Packet::UserId(_) => "*packet.UserId",
        }
    }

    /// The packet's bytes; for a parsed packet, exactly its input bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PacketError> {
        Ok(match self {
            Packet::Signature(s) => s.to_bytes()?,
            Packet::SignatureV3(s) => s.to_bytes(),
            Packet::PublicKey(k) => k.to_bytes(),
            Packet::PublicKeyV3(k) => k.to_bytes(),
            Packet::UserId(u) => u.to_bytes(),
        })
    }

    /// Parses the first packet of `input` with this crate's extensions
    /// (Ed25519 keys, EdDSA signatures) and returns it with the bytes after it.
    ///
    /// Errors are x/crypto's; bytes left unread inside the packet body are
    /// kept, so [`Packet::to_bytes`] reproduces the consumed input.
    pub fn parse(input: &[u8]) -> Result<(Packet, &[u8]), PacketError> {
        let parsed = parse_go(input, true)?;
        Ok((parsed.packet, input.get(parsed.end..).unwrap_or_default()))
    }

    /// Like [`Packet::parse`] but exactly as x/crypto: no extensions.
    pub fn parse_strict(input: &[u8]) -> Result<(Packet, &[u8]), PacketError> {
        let parsed = parse_go(input, false)?;
        Ok((parsed.packet, input.get(parsed.end..).unwrap_or_default()))
    }
}

pub(crate) struct Parsed {
    pub packet: Packet,
    /// Offset after the packet's framed bytes.
    pub end: usize,
    /// How many input bytes Go's readers consumed (for the trailing-data check).
    pub go_consumed: usize,
}

/// x/crypto `packet.Read`.
pub(crate) fn parse_go(input: &[u8], extensions: bool) -> Result<Parsed, PacketError> {
    let framed = read_packet(input)?;
    let tag = framed.tag;
    let (packet, go_consumed) = match tag {
        TAG_SIGNATURE | TAG_PUBLIC_KEY | TAG_PUBLIC_SUBKEY => {
            // peekVersion through a bufio.Reader.
            let Some(&version) = framed.body.first() else {
                return Err(framed.empty_body_error());
            };
            let (packet, reads) = match (tag, version < 4) {
                (TAG_SIGNATURE, true) => {
                    let s = SignatureV3::parse_framed(&framed)?;
                    let r = s.go_reads();
                    (Packet::SignatureV3(s), r)
                }
                (TAG_SIGNATURE, false) => {
                    let s = Signature::parse_framed(&framed, extensions)?;
                    let r = s.go_reads();
                    (Packet::Signature(s), r)
                }
                (_, true) => {
                    let k = PublicKeyV3::parse_framed(&framed)?;
                    let r = k.go_reads();
                    (Packet::PublicKeyV3(k), r)
                }
                (_, false) => {
                    let k = PublicKey::parse_framed(&framed, extensions)?;
                    let r = k.go_reads();
                    (Packet::PublicKey(k), r)
                }
            };
            (packet, framed.go_consumed_via_bufio(input, &reads))
        }
        TAG_USER_ID => (
            Packet::UserId(UserId::parse_framed(&framed)?),
            framed.go_consumed_all(input),
        ),
        t if KNOWN_UNPARSED_TAGS.contains(&t) => {
            return Err(PacketError::UnsupportedPacketType { tag });
        }
        _ => return Err(PacketError::UnknownPacketType { tag }),
    };
    Ok(Parsed {
        packet,
        end: framed.end,
        go_consumed,
    })
}

/// snapd's `decodeV1`: v1 text to exactly one packet, with its six checks
/// and messages. x/crypto semantics: no extensions (an Ed25519 key gives
/// `cannot decode public key: openpgp: unsupported feature: public key type: 22`).
pub fn decode_v1(text: &[u8], kind: DataKind) -> Result<Packet, PacketError> {
    decode_v1_with(text, kind, false)
}

/// [`decode_v1`] with this crate's extensions (Ed25519 keys, EdDSA signatures).
pub fn decode_v1_extended(text: &[u8], kind: DataKind) -> Result<Packet, PacketError> {
    decode_v1_with(text, kind, true)
}

fn decode_v1_with(text: &[u8], kind: DataKind, extensions: bool) -> Result<Packet, PacketError> {
    let bytes = decode_v1_bytes(text, kind)?;
    let parsed = parse_go(&bytes, extensions).map_err(|e| PacketError::decoding(kind, e))?;
    if parsed.go_consumed < bytes.len() {
        return Err(PacketError::SpuriousTrailingData { kind });
    }
    Ok(parsed.packet)
}
