//! Progress of an image build, for a progress bar or a log: the library reports events,
//! the caller draws them.

/// A step of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Resolving the model's snaps with the source.
    Resolve,
    /// Downloading (or copying) snap files.
    Fetch,
    /// Fetching and checking assertions.
    Assertions,
    /// Writing the seed.
    Seed,
    /// Making the seed bootable, unpacking the gadget and kernel.
    Boot,
    /// Writing the disk images.
    Disk,
}

/// Receives progress events. Every method has an empty default.
pub trait Progress: Send + Sync {
    /// A phase starts.
    fn phase(&self, _phase: Phase) {}
    /// A file starts: a snap download or copy, or a volume image; `total` bytes expected.
    fn start(&self, _what: &str, _total: u64) {}
    /// `n` more bytes of `what` are done.
    fn advance(&self, _what: &str, _n: u64) {}
    /// `what` is finished.
    fn finish(&self, _what: &str) {}
    /// A message to show (a warning, `Fetching NAME`).
    fn message(&self, _text: &str) {}
}

/// Progress that shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}
