//! A global allocator that counts each thread's live bytes and their peak, and refuses an
//! allocation that would take the calling thread past its hard cap.
//!
//! A test binary installs it once:
//!
//! ```
//! #[global_allocator]
//! static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;
//! ```
//!
//! Counting is per thread, so tests running side by side in one binary do not see each
//! other's memory. Memory freed by another thread than the one that allocated it is
//! subtracted from the freeing thread (saturating at zero); the parsers under test are
//! single-threaded, so that does not arise while measuring them.
//!
//! A refused allocation makes Rust abort the process ("memory allocation of N bytes
//! failed"): that is the memory limit of a hostile-input check, so that a parser that
//! allocates without bound fails its test instead of taking the machine's memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
    static CAP: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// The counting allocator (over [`System`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counting;

/// Adds `n` bytes to the thread's count; false if that would pass its cap.
fn grow(n: usize) -> bool {
    LIVE.try_with(|live| {
        let now = live.get().saturating_add(n);
        if now > CAP.try_with(Cell::get).unwrap_or(usize::MAX) {
            return false;
        }
        live.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
        true
    })
    // A thread being torn down has no counters left: let it allocate.
    .unwrap_or(true)
}

fn shrink(n: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(n)));
}

/// Counts `size` bytes and allocates them with `allocate`; null past the thread's cap.
fn counted(size: usize, allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    if !grow(size) {
        return std::ptr::null_mut();
    }
    let p = allocate();
    if p.is_null() {
        shrink(size);
    }
    p
}

// SAFETY: every method forwards to `System` with the caller's layout and pointer unchanged;
// the bookkeeping touches only const-initialised thread-local cells (no allocation, no
// destructor) and never unwinds.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        counted(layout.size(), || unsafe { System.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        counted(layout.size(), || unsafe { System.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout` (every path above).
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !grow(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: `ptr` and `layout` come from `System` (as in `dealloc`); the caller
        // guarantees `new_size` is valid for `layout`'s alignment.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > old {
                shrink(new_size - old);
            }
        } else if new_size < old {
            shrink(old - new_size);
        }
        p
    }
}

/// What one run on this thread took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// The most bytes live at once during the run, above what was live before it.
    pub peak_bytes: usize,
}

/// Runs `f` on this thread with at most `cap` bytes live above what is live now, and
/// reports the peak. Past the cap an allocation fails and the process aborts.
///
/// Only meaningful where [`Counting`] is the global allocator; elsewhere the peak is 0.
pub fn measure<R>(cap: usize, f: impl FnOnce() -> R) -> (R, Usage) {
    let base = LIVE.with(Cell::get);
    let saved_peak = PEAK.with(|p| p.replace(base));
    let saved_cap = CAP.with(|c| c.replace(base.saturating_add(cap)));
    let out = f();
    CAP.with(|c| c.set(saved_cap));
    let peak = PEAK.with(|p| p.replace(saved_peak.max(p.get())));
    (
        out,
        Usage {
            peak_bytes: peak.saturating_sub(base),
        },
    )
}

/// Whether [`Counting`] is this binary's global allocator (a measured allocation shows).
pub fn is_installed() -> bool {
    let (_, usage) = measure(usize::MAX, || std::hint::black_box(vec![0u8; 4096]));
    usage.peak_bytes >= 4096
}
