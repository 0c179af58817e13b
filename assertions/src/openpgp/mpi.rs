//! Multiprecision integers (RFC 4880 §3.2) exactly as written on the wire.

use nom::IResult;
use nom::bytes::complete::take;
use nom::number::complete::be_u16;
use serde::Serialize;

use super::error::PacketError;

/// An MPI as found on the wire: a 16-bit bit count and `(bits + 7) / 8` bytes.
///
/// The bit count is kept as written, because writers disagree: snapd writes
/// `8 * len` for an RSA signature even when its top bits are zero, GPG writes
/// the exact bit length. Leading zero bytes are kept too.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Mpi {
    bit_count: u16,
    #[serde(serialize_with = "serialize_hex")]
    bytes: Vec<u8>,
}

fn serialize_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    s.serialize_str(&hex)
}

impl Mpi {
    /// The canonical MPI of an unsigned big-endian integer: leading zeros
    /// stripped, bit count = exact bit length (what Go's `big.Int` gives).
    pub fn from_unsigned(value: &[u8]) -> Result<Mpi, PacketError> {
        let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
        let bytes = value.get(start..).unwrap_or_default().to_vec();
        let bits = match bytes.first() {
            None => 0,
            Some(&top) => (bytes.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
        };
        let bit_count =
            u16::try_from(bits).map_err(|_| PacketError::MpiTooLong { len: bytes.len() })?;
        Ok(Mpi { bit_count, bytes })
    }

    /// An MPI with the bit count `8 * len(bytes)`, leading zeros kept: the form
    /// x/crypto writes for an RSA signature.
    pub fn with_full_bit_count(bytes: &[u8]) -> Result<Mpi, PacketError> {
        let bit_count = bytes
            .len()
            .checked_mul(8)
            .and_then(|b| u16::try_from(b).ok())
            .ok_or(PacketError::MpiTooLong { len: bytes.len() })?;
        Ok(Mpi {
            bit_count,
            bytes: bytes.to_vec(),
        })
    }

    /// An MPI from a bit count and bytes the caller knows to agree.
    pub(crate) fn from_parts(bit_count: u16, bytes: Vec<u8>) -> Mpi {
        Mpi { bit_count, bytes }
    }

    /// The bit count as written.
    pub fn bit_count(&self) -> u16 {
        self.bit_count
    }

    /// The bytes as written (may have leading zeros).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The value without leading zero bytes.
    pub fn value(&self) -> &[u8] {
        let start = self
            .bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(self.bytes.len());
        self.bytes.get(start..).unwrap_or_default()
    }

    /// The same value in canonical form (see [`Mpi::from_unsigned`]).
    pub fn canonical(&self) -> Mpi {
        // The value is no longer than the original, so its bit count fits.
        Mpi::from_unsigned(self.value()).unwrap_or_else(|_| self.clone())
    }

    /// Length on the wire (2 + bytes).
    pub fn wire_len(&self) -> usize {
        2 + self.bytes.len()
    }

    /// Appends the wire form.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.bit_count.to_be_bytes());
        out.extend_from_slice(&self.bytes);
    }

    /// Reads one MPI (x/crypto `readMPI`: leading zeros accepted).
    pub(crate) fn parse(input: &[u8]) -> IResult<&[u8], Mpi> {
        let (rest, bit_count) = be_u16(input)?;
        let (rest, bytes) = take(usize::from(bit_count).div_ceil(8))(rest)?;
        Ok((
            rest,
            Mpi {
                bit_count,
                bytes: bytes.to_vec(),
            },
        ))
    }

    /// The `readFull` sizes Go makes for this MPI.
    pub(crate) fn go_reads(&self, reads: &mut Vec<usize>) {
        reads.push(2);
        reads.push(self.bytes.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_full_forms() {
        let m = Mpi::from_unsigned(&[0, 0, 0x01, 0x00, 0x01]).unwrap();
        assert_eq!((m.bit_count(), m.bytes()), (17, &[1u8, 0, 1][..]));
        let z = Mpi::from_unsigned(&[0, 0]).unwrap();
        assert_eq!((z.bit_count(), z.bytes().len()), (0, 0));
        let f = Mpi::with_full_bit_count(&[0, 0x7F]).unwrap();
        assert_eq!((f.bit_count(), f.value()), (16, &[0x7Fu8][..]));
        assert_eq!(f.canonical().bit_count(), 7);
        assert!(Mpi::with_full_bit_count(&[1; 8192]).is_err());
        assert!(Mpi::from_unsigned(&[1; 8192]).is_ok());
        assert!(Mpi::from_unsigned(&[1; 8193]).is_err());
    }

    #[test]
    fn parse_and_write() {
        let (rest, m) = Mpi::parse(&[0, 9, 1, 0xFF, 7]).unwrap();
        assert_eq!((m.bytes(), rest), (&[1u8, 0xFF][..], &[7u8][..]));
        let mut out = Vec::new();
        m.write(&mut out);
        assert_eq!(out, [0, 9, 1, 0xFF]);
        assert!(Mpi::parse(&[0, 9, 1]).is_err());
        assert!(Mpi::parse(&[0]).is_err());
    }
}
