//! Packet framing: the header (tag and length, RFC 4880 §4.2) around a packet body.
//!
//! Both header formats and all length forms are read as x/crypto reads them,
//! including new-format partial lengths. A parsed packet remembers its exact
//! framing so that serializing it gives back its input bytes; a packet built
//! in code gets the canonical new-format header x/crypto writes.
//!
//! This module also models how much of the input Go's reader stack
//! (`bufio.Reader` over the packet's length-limited reader) pulls in while a
//! packet is parsed: snapd reports `spurious trailing data` only for bytes Go
//! did not pull in, so extra bytes at the end of a packet body are usually,
//! but not always, ignored.

use std::borrow::Cow;

use nom::IResult;
use nom::Parser as _;
use nom::number::complete::{be_u8, be_u16, be_u32};

use super::error::PacketError;

/// Size of Go's default `bufio.Reader` buffer.
const GO_BUFIO_SIZE: usize = 4096;

/// How a parsed packet's header was written, kept for byte-exact output.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Framing {
    /// New-format header with the shortest length form (what x/crypto writes).
    #[default]
    Canonical,
    /// The header bytes as read.
    Parsed {
        /// Tag byte and length bytes of the (first) header.
        header: Vec<u8>,
        /// For partial lengths: continuation headers and the body offset they precede.
        chunk_headers: Vec<(usize, Vec<u8>)>,
        /// Length of the body as read (only then is the framing reused).
        body_len: usize,
    },
}

impl Framing {
    /// Writes `tag` and `body` framed as this packet was, or canonically.
    pub(crate) fn write(&self, tag: u8, body: &[u8], out: &mut Vec<u8>) {
        match self {
            Framing::Parsed {
                header,
                chunk_headers,
                body_len,
            } if *body_len == body.len() => {
                out.extend_from_slice(header);
                let mut at = 0;
                for (offset, chunk_header) in chunk_headers {
                    let upto = (*offset).min(body.len());
                    out.extend_from_slice(body.get(at..upto).unwrap_or_default());
                    out.extend_from_slice(chunk_header);
                    at = upto;
                }
                out.extend_from_slice(body.get(at..).unwrap_or_default());
            }
            _ => {
                write_new_header(tag, body.len(), out);
                out.extend_from_slice(body);
            }
        }
    }
}

/// Writes a new-format packet header (tag byte `0xC0 | tag`, shortest length).
pub(crate) fn write_new_header(tag: u8, len: usize, out: &mut Vec<u8>) {
    out.push(0xC0 | (tag & 0x3F));
    write_new_length(len, out);
}

/// New-format body length: 1 byte below 192, 2 bytes below 8384, else `0xFF` + u32.
pub(crate) fn write_new_length(len: usize, out: &mut Vec<u8>) {
    if len < 192 {
        out.push(len as u8);
    } else if len < 8384 {
        let l = len - 192;
        out.push(((l >> 8) as u8).wrapping_add(192));
        out.push(l as u8);
    } else {
        out.push(0xFF);
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    }
}

/// How the body of a packet is delimited (Go's reader below `bufio`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delimiting {
    /// A fixed length (`spanReader`).
    Span(u64),
    /// Old format, indeterminate length: to the end of the input.
    ToEnd,
    /// New-format partial lengths, first chunk of this size.
    Partial(u64),
}

/// One packet as framed in the input, body not yet interpreted.
#[derive(Debug, Clone)]
pub(crate) struct FramedPacket<'a> {
    /// The packet tag (0–63).
    pub tag: u8,
    /// The body bytes present in the input (partial chunks joined).
    pub body: Cow<'a, [u8]>,
    /// The body ends before its declared length (reading past it is `unexpected EOF`).
    pub truncated: bool,
    /// The framing, for byte-exact output.
    pub framing: Framing,
    /// Offset just past the packet's bytes in the input.
    pub end: usize,
    header_len: usize,
    delimiting: Delimiting,
}

fn new_length(input: &[u8]) -> IResult<&[u8], (u64, bool)> {
    let (rest, first) = be_u8(input)?;
    match first {
        0..=191 => Ok((rest, (u64::from(first), false))),
        192..=223 => {
            let (rest, second) = be_u8(rest)?;
            Ok((
                rest,
                (
                    (u64::from(first - 192) << 8) + u64::from(second) + 192,
                    false,
                ),
            ))
        }
        224..=254 => Ok((rest, (1u64 << (first & 0x1F), true))),
        255 => {
            let (rest, len) = be_u32(rest)?;
            Ok((rest, (u64::from(len), false)))
        }
    }
}

fn old_length(length_type: u8) -> impl Fn(&[u8]) -> IResult<&[u8], u64> {
    move |input| match length_type {
        0 => be_u8.map(u64::from).parse(input),
        1 => be_u16.map(u64::from).parse(input),
        _ => be_u32.map(u64::from).parse(input),
    }
}

fn eof_to_unexpected<T>(r: IResult<&[u8], T>) -> Result<(&[u8], T), PacketError> {
    r.map_err(|_| PacketError::UnexpectedEof)
}

/// Reads one packet's header and collects its body, as x/crypto's `readHeader`.
pub(crate) fn read_packet(input: &[u8]) -> Result<FramedPacket<'_>, PacketError> {
    let Some((&tag_byte, after_tag)) = input.split_first() else {
        return Err(PacketError::Eof);
    };
    if tag_byte & 0x80 == 0 {
        return Err(PacketError::TagWithoutMsb { byte: tag_byte });
    }
    let (tag, rest, delimiting) = if tag_byte & 0x40 == 0 {
        let tag = (tag_byte & 0x3F) >> 2;
        let length_type = tag_byte & 3;
        if length_type == 3 {
            (tag, after_tag, Delimiting::ToEnd)
        } else {
            let (rest, len) = eof_to_unexpected(old_length(length_type)(after_tag))?;
            (tag, rest, Delimiting::Span(len))
        }
    } else {
        let (rest, (len, partial)) = eof_to_unexpected(new_length(after_tag))?;
        let d = if partial {
            Delimiting::Partial(len)
        } else {
            Delimiting::Span(len)
        };
        (tag_byte & 0x3F, rest, d)
    };
    let header_len = input.len() - rest.len();
    let header = input.get(..header_len).unwrap_or_default().to_vec();
    let mut packet = FramedPacket {
        tag,
        body: Cow::Borrowed(&[]),
        truncated: false,
        framing: Framing::Canonical,
        end: header_len,
        header_len,
        delimiting,
    };
    let mut chunk_headers = Vec::new();
    match delimiting {
        Delimiting::ToEnd => {
            packet.body = Cow::Borrowed(rest);
            packet.end = input.len();
        }
        Delimiting::Span(len) => {
            let available = usize::try_from(len).unwrap_or(usize::MAX).min(rest.len());
            packet.truncated = (available as u64) < len;
            packet.body = Cow::Borrowed(rest.get(..available).unwrap_or_default());
            packet.end = header_len + available;
        }
        Delimiting::Partial(first) => {
            let mut body = Vec::new();
            let mut rest = rest;
            let mut chunk = first;
            let mut partial = true;
            loop {
                let available = usize::try_from(chunk).unwrap_or(usize::MAX).min(rest.len());
                let (data, after) = rest.split_at(available);
                body.extend_from_slice(data);
                rest = after;
                if (available as u64) < chunk {
                    packet.truncated = true;
                    break;
                }
                if !partial {
                    break;
                }
                match new_length(rest) {
                    Ok((after, (len, more))) => {
                        let raw = rest.get(..rest.len() - after.len()).unwrap_or_default();
                        chunk_headers.push((body.len(), raw.to_vec()));
                        rest = after;
                        chunk = len;
                        partial = more;
                    }
                    Err(_) => {
                        // A cut-off continuation header: keep its bytes as framing.
                        chunk_headers.push((body.len(), rest.to_vec()));
                        rest = &[];
                        packet.truncated = true;
                        break;
                    }
                }
            }
            packet.end = input.len() - rest.len();
            packet.body = Cow::Owned(body);
        }
    }
    packet.framing = Framing::Parsed {
        header,
        chunk_headers,
        body_len: packet.body.len(),
    };
    Ok(packet)
}

impl FramedPacket<'_> {
    /// The error Go gives when a packet body is read from but holds nothing:
    /// `EOF` for a body declared empty, `unexpected EOF` for a cut-off one.
    pub(crate) fn empty_body_error(&self) -> PacketError {
        if self.truncated {
            PacketError::UnexpectedEof
        } else {
            PacketError::Eof
        }
    }

    /// How many input bytes (header included) Go's reader stack has consumed
    /// after a `bufio.Reader` peeked one byte and then `reads` were read in full.
    pub(crate) fn go_consumed_via_bufio(&self, input: &[u8], reads: &[usize]) -> usize {
        let mut src = GoSource::new(
            self.delimiting,
            input.get(self.header_len..).unwrap_or_default(),
        );
        let mut buffered = 0usize;
        // Peek(1): one fill.
        buffered += src.read(GO_BUFIO_SIZE);
        for &want in reads {
            let mut got = 0;
            while got < want {
                let n = if buffered == 0 {
                    if want - got >= GO_BUFIO_SIZE {
                        src.read(want - got)
                    } else {
                        buffered = src.read(GO_BUFIO_SIZE);
                        let k = buffered.min(want - got);
                        buffered -= k;
                        k
                    }
                } else {
                    let k = buffered.min(want - got);
                    buffered -= k;
                    k
                };
                if n == 0 {
                    break;
                }
                got += n;
            }
        }
        self.header_len + src.consumed
    }

    /// How many input bytes Go consumes when it reads the whole body (`io.ReadAll`).
    pub(crate) fn go_consumed_all(&self, input: &[u8]) -> usize {
        let mut src = GoSource::new(
            self.delimiting,
            input.get(self.header_len..).unwrap_or_default(),
        );
        while src.read(GO_BUFIO_SIZE) > 0 {}
        self.header_len + src.consumed
    }
}

/// Go's `spanReader` / `partialLengthReader` / raw reader over a `bytes.Reader`,
/// counting consumed input bytes.
struct GoSource<'a> {
    delimiting: Delimiting,
    input: &'a [u8],
    consumed: usize,
    remaining: u64,
    partial: bool,
}

impl<'a> GoSource<'a> {
    fn new(delimiting: Delimiting, input: &'a [u8]) -> Self {
        let (remaining, partial) = match delimiting {
            Delimiting::Span(n) => (n, false),
            Delimiting::ToEnd => (u64::MAX, false),
            Delimiting::Partial(n) => (n, true),
        };
        GoSource {
            delimiting,
            input,
            consumed: 0,
            remaining,
            partial,
        }
    }

    fn left(&self) -> usize {
        self.input.len().saturating_sub(self.consumed)
    }

    /// One `Read` of up to `want` bytes; 0 means an error or EOF.
    fn read(&mut self, want: usize) -> usize {
        if let Delimiting::Partial(_) = self.delimiting {
            while self.remaining == 0 {
                if !self.partial {
                    return 0;
                }
                let rest = self.input.get(self.consumed..).unwrap_or_default();
                match new_length(rest) {
                    Ok((after, (len, more))) => {
                        self.consumed += rest.len() - after.len();
                        self.remaining = len;
                        self.partial = more;
                    }
                    Err(_) => {
                        // Go's readFull consumes what there is, then fails.
                        self.consumed = self.input.len();
                        return 0;
                    }
                }
            }
        }
        let k = (want as u64).min(self.remaining).min(self.left() as u64) as usize;
        self.consumed += k;
        if self.delimiting != Delimiting::ToEnd {
            self.remaining -= k as u64;
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        // Old format, 1-byte length, tag 2.
        let p = read_packet(&[0x88, 2, 7, 8, 9]).unwrap();
        assert_eq!(
            (p.tag, &*p.body, p.end, p.truncated),
            (2, &[7u8, 8][..], 4, false)
        );
        // Old format, 2-byte length, tag 6 (GPG's 0x99).
        let p = read_packet(&[0x99, 0, 1, 5]).unwrap();
        assert_eq!((p.tag, &*p.body), (6, &[5u8][..]));
        // Old format, 4-byte length.
        let p = read_packet(&[0x9A, 0, 0, 0, 1, 5]).unwrap();
        assert_eq!((p.tag, &*p.body), (6, &[5u8][..]));
        // Old format, indeterminate.
        let p = read_packet(&[0x9B, 1, 2, 3]).unwrap();
        assert_eq!((p.tag, &*p.body, p.end), (6, &[1u8, 2, 3][..], 4));
        // New format, two-byte length 192.
        let mut v = vec![0xC2, 0xC0, 0x00];
        v.extend(std::iter::repeat_n(1u8, 192));
        let p = read_packet(&v).unwrap();
        assert_eq!((p.tag, p.body.len()), (2, 192));
        // New format, five-byte length.
        let p = read_packet(&[0xC6, 0xFF, 0, 0, 0, 2, 1, 2]).unwrap();
        assert_eq!((p.tag, &*p.body), (6, &[1u8, 2][..]));
        // New format, partial: 2 bytes, then 1 final byte.
        let p = read_packet(&[0xCD, 0xE1, b'a', b'b', 0x01, b'c', 0xEE]).unwrap();
        assert_eq!(
            (p.tag, &*p.body, p.end, p.truncated),
            (13, &b"abc"[..], 6, false)
        );
    }

    #[test]
    fn header_errors() {
        assert_eq!(read_packet(&[]).unwrap_err(), PacketError::Eof);
        assert_eq!(
            read_packet(&[0x42]).unwrap_err().to_string(),
            "openpgp: invalid data: tag byte does not have MSB set"
        );
        assert_eq!(
            read_packet(&[0x89]).unwrap_err(),
            PacketError::UnexpectedEof
        );
        assert_eq!(
            read_packet(&[0xC2]).unwrap_err(),
            PacketError::UnexpectedEof
        );
        assert_eq!(
            read_packet(&[0xC2, 0xC1]).unwrap_err(),
            PacketError::UnexpectedEof
        );
        assert_eq!(
            read_packet(&[0xC2, 0xFF, 0, 0]).unwrap_err(),
            PacketError::UnexpectedEof
        );
        let p = read_packet(&[0xC2, 5, 1]).unwrap();
        assert!(p.truncated);
        assert_eq!(p.empty_body_error(), PacketError::UnexpectedEof);
        let p = read_packet(&[0xC2, 0]).unwrap();
        assert_eq!(p.empty_body_error(), PacketError::Eof);
    }

    #[test]
    fn framing_round_trips() {
        for input in [
            &[0x88u8, 2, 7, 8][..],
            &[0x99, 0, 1, 5],
            &[0xC6, 0xFF, 0, 0, 0, 2, 1, 2],
            &[0xCD, 0xE1, b'a', b'b', 0x01, b'c'],
            &[0xCD, 0xE1, b'a', b'b', 0xE0, b'c', 0x00],
        ] {
            let p = read_packet(input).unwrap();
            let mut out = Vec::new();
            p.framing.write(p.tag, &p.body, &mut out);
            assert_eq!(out, input);
        }
    }

    #[test]
    fn canonical_lengths() {
        let enc = |n| {
            let mut v = Vec::new();
            write_new_length(n, &mut v);
            v
        };
        assert_eq!(enc(191), [191]);
        assert_eq!(enc(192), [0xC0, 0]);
        assert_eq!(enc(530), [0xC1, 0x52]);
        assert_eq!(enc(8383), [0xDF, 0xFF]);
        assert_eq!(enc(8384), [0xFF, 0, 0, 0x20, 0xC0]);
    }

    #[test]
    fn go_consumption() {
        // A small body is pulled in whole by bufio's first fill.
        let input = [0xC2, 4, 1, 2, 3, 4, 9];
        let p = read_packet(&input).unwrap();
        assert_eq!(p.go_consumed_via_bufio(&input, &[1]), 6);
        assert_eq!(p.go_consumed_all(&input), 6);
        // A large body read to its end in big reads leaves what follows the
        // last read in the input.
        let mut input = vec![0xC2, 0xFF, 0, 0, 0x30, 0];
        input.extend(std::iter::repeat_n(0u8, 0x3000));
        let p = read_packet(&input).unwrap();
        assert_eq!(
            p.go_consumed_via_bufio(&input, &[4096, 5000]),
            6 + 4096 + 5000
        );
    }
}
