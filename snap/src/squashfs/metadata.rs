//! Metadata blocks (the inode, directory, fragment and id tables are made of them): a
//! 2-byte header (bit 15: stored uncompressed; low 15 bits: stored length) and at most
//! 8 KiB of data once decompressed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::decompress::decompress;
use super::source::ImageSource;
use super::{Compression, SquashfsError};

/// Decompressed size of a full metadata block.
pub(crate) const METADATA_SIZE: usize = 8192;

/// How many decompressed blocks the cache keeps (at most 512 KiB).
const CACHE_BLOCKS: usize = 64;

/// One decompressed metadata block and where the next one starts.
#[derive(Debug)]
pub(crate) struct Block {
    pub(crate) data: Vec<u8>,
    pub(crate) next: u64,
}

/// Reads metadata blocks from an image, keeping a few decompressed ones.
pub(crate) struct MetadataReader {
    pub(crate) source: Box<dyn ImageSource>,
    compression: Compression,
    memlimit: u64,
    cache: Mutex<HashMap<u64, Arc<Block>>>,
}

impl MetadataReader {
    pub(crate) fn new(
        source: Box<dyn ImageSource>,
        compression: Compression,
        memlimit: u64,
    ) -> MetadataReader {
        MetadataReader {
            source,
            compression,
            memlimit,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<(), SquashfsError> {
        self.source
            .read_exact_at(buf, offset)
            .map_err(SquashfsError::Io)
    }

    /// Decompresses one block of the data area (a file block or a fragment block): `word`
    /// is its size word (bit 24: stored uncompressed).
    pub(crate) fn data_block(
        &self,
        at: u64,
        word: u32,
        max_out: usize,
    ) -> Result<Vec<u8>, SquashfsError> {
        let stored = (word & 0x00ff_ffff) as usize;
        if stored > max_out {
            return Err(SquashfsError::Corrupt(
                "data block larger than the block size",
            ));
        }
        let mut raw = vec![0u8; stored];
        self.read_at(&mut raw, at)?;
        if word & (1 << 24) != 0 {
            return Ok(raw);
        }
        decompress(self.compression, &raw, max_out, self.memlimit)
    }

    /// The metadata block whose header is at `pos`; it must end by `table_end`.
    pub(crate) fn block(&self, pos: u64, table_end: u64) -> Result<Arc<Block>, SquashfsError> {
        if let Some(b) = self.cache.lock().ok().and_then(|c| c.get(&pos).cloned()) {
            return Ok(b);
        }
        if pos.checked_add(2).is_none_or(|e| e > table_end) {
            return Err(SquashfsError::Corrupt("metadata block outside its table"));
        }
        let mut header = [0u8; 2];
        self.read_at(&mut header, pos)?;
        let header = u16::from_le_bytes(header);
        let stored = usize::from(header & 0x7fff);
        if stored == 0 || stored > METADATA_SIZE {
            return Err(SquashfsError::Corrupt("bad metadata block length"));
        }
        let next = pos + 2 + stored as u64;
        if next > table_end {
            return Err(SquashfsError::Corrupt("metadata block outside its table"));
        }
        let mut raw = vec![0u8; stored];
        self.read_at(&mut raw, pos + 2)?;
        let data = if header & 0x8000 != 0 {
            raw
        } else {
            decompress(self.compression, &raw, METADATA_SIZE, self.memlimit)?
        };
        if data.is_empty() {
            return Err(SquashfsError::Corrupt("empty metadata block"));
        }
        let block = Arc::new(Block { data, next });
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_BLOCKS
                && let Some(&evict) = cache.keys().next()
            {
                cache.remove(&evict);
            }
            cache.insert(pos, Arc::clone(&block));
        }
        Ok(block)
    }
}

/// A read position in a metadata table: the block's absolute offset and an offset into its
/// decompressed data. Reads run on into the following blocks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor {
    pub(crate) block: u64,
    pub(crate) offset: usize,
    pub(crate) table_end: u64,
}

impl Cursor {
    /// Fills `buf`, crossing block boundaries as needed.
    pub(crate) fn read(
        &mut self,
        md: &MetadataReader,
        buf: &mut [u8],
    ) -> Result<(), SquashfsError> {
        let mut filled = 0;
        while filled < buf.len() {
            let block = md.block(self.block, self.table_end)?;
            let Some(avail) = block.data.get(self.offset..) else {
                return Err(SquashfsError::Corrupt("metadata offset past its block"));
            };
            let n = avail.len().min(buf.len() - filled);
            buf[filled..filled + n].copy_from_slice(&avail[..n]);
            filled += n;
            self.offset += n;
            if self.offset == block.data.len() {
                self.block = block.next;
                self.offset = 0;
            }
        }
        Ok(())
    }

    pub(crate) fn u16(&mut self, md: &MetadataReader) -> Result<u16, SquashfsError> {
        let mut b = [0u8; 2];
        self.read(md, &mut b)?;
        Ok(u16::from_le_bytes(b))
    }

    pub(crate) fn u32(&mut self, md: &MetadataReader) -> Result<u32, SquashfsError> {
        let mut b = [0u8; 4];
        self.read(md, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    pub(crate) fn u64(&mut self, md: &MetadataReader) -> Result<u64, SquashfsError> {
        let mut b = [0u8; 8];
        self.read(md, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Reads `len` bytes; `len` must already be bounded by the caller.
    pub(crate) fn bytes(
        &mut self,
        md: &MetadataReader,
        len: usize,
    ) -> Result<Vec<u8>, SquashfsError> {
        let mut v = vec![0u8; len];
        self.read(md, &mut v)?;
        Ok(v)
    }
}
