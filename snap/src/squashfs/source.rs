//! Where image bytes come from: a file read at offsets, or bytes in memory.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// Random read access to an image of a known length.
pub trait ImageSource: Send + Sync {
    /// The image's length in bytes.
    fn len(&self) -> u64;
    /// Fills `buf` from `offset`; an error if that runs past the end.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
    /// Whether the image is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An image file, with its length taken when it was opened.
#[derive(Debug)]
pub struct FileSource {
    file: File,
    len: u64,
}

impl FileSource {
    /// Wraps an open file.
    pub fn new(file: File) -> io::Result<FileSource> {
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

impl ImageSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        check_range(buf.len(), offset, self.len)?;
        FileExt::read_exact_at(&self.file, buf, offset)
    }
}

impl ImageSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        check_range(buf.len(), offset, self.as_slice().len() as u64)?;
        let start = usize::try_from(offset).map_err(|_| past_end())?;
        let src = self.get(start..start + buf.len()).ok_or_else(past_end)?;
        buf.copy_from_slice(src);
        Ok(())
    }
}

fn past_end() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "read past the end of the image",
    )
}

fn check_range(len: usize, offset: u64, total: u64) -> io::Result<()> {
    match offset.checked_add(len as u64) {
        Some(end) if end <= total => Ok(()),
        _ => Err(past_end()),
    }
}
