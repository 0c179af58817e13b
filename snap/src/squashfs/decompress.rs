//! Decompressing one metadata or data block, never past a known output size.

use std::io::{self, Read};

use super::{Compression, SquashfsError};

/// Decompresses `input` (one block) to at most `max_out` bytes. An output longer than
/// `max_out` is an error, not a truncation. `memlimit` bounds the decoder's own memory
/// (the xz/lzma dictionary a hostile stream may ask for).
pub(crate) fn decompress(
    compression: Compression,
    input: &[u8],
    max_out: usize,
    memlimit: u64,
) -> Result<Vec<u8>, SquashfsError> {
    match compression {
        Compression::Xz => {
            let stream = liblzma::stream::Stream::new_stream_decoder(memlimit, 0)
                .map_err(|e| SquashfsError::Decompress(e.into()))?;
            read_bounded(liblzma::read::XzDecoder::new_stream(input, stream), max_out)
        }
        Compression::Lzma => {
            let stream = liblzma::stream::Stream::new_lzma_decoder(memlimit)
                .map_err(|e| SquashfsError::Decompress(e.into()))?;
            read_bounded(liblzma::read::XzDecoder::new_stream(input, stream), max_out)
        }
        Compression::Gzip => read_bounded(flate2::read::ZlibDecoder::new(input), max_out),
        // squashfs stores raw LZO1X blocks (what the kernel's lzo1x_decompress_safe reads)
        Compression::Lzo => lzo::decompress(input, max_out)
            .map_err(|e| SquashfsError::Decompress(io::Error::new(io::ErrorKind::InvalidData, e))),
        other => Err(SquashfsError::UnsupportedCompression(other.name())),
    }
}

fn read_bounded(reader: impl Read, max_out: usize) -> Result<Vec<u8>, SquashfsError> {
    let mut out = Vec::with_capacity(max_out.min(1 << 20));
    reader
        .take(max_out as u64 + 1)
        .read_to_end(&mut out)
        .map_err(SquashfsError::Decompress)?;
    if out.len() > max_out {
        return Err(SquashfsError::Decompress(io::Error::new(
            io::ErrorKind::InvalidData,
            "block decompresses to more than its size",
        )));
    }
    Ok(out)
}
