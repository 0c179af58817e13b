//! Hostile-input checks: a parser fed input made to work it hard must stay within a memory
//! budget and a time that grow with the input's length, and no faster.
//!
//! ```no_run
//! use ucore_test_support::hostile::{Check, Limits};
//!
//! #[global_allocator]
//! static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;
//!
//! let check = Check::new("lines", Limits::default(), |input: &[u8]| {
//!     let _ = std::str::from_utf8(input).map(|s| s.lines().count());
//! });
//! // one input under the budget and the time limit
//! check.input("blank lines", &[b'\n'; 10_000]);
//! // 1×, 8× and 64× the same pattern: memory within the budget at each size, and the
//! // time at 64× no more than 64× the time at 1× (with the slack of the limits)
//! check.growth("many lines", 2_000, |n| b"a\n".repeat(n));
//! ```
//!
//! Each input runs on a thread of its own, so the memory counted is the parser's alone
//! ([`crate::alloc::Counting`] must be the binary's global allocator: the check fails
//! otherwise) and a hang is reported after [`Limits::timeout`] instead of blocking the
//! test. A parser that allocates past four times its budget (plus 64 MiB) aborts the test
//! process at once (the allocator refuses), so that a runaway cannot take the machine's
//! memory. A panic in the parser fails the check too.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::alloc::{self, Usage};

/// What a parser may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes the parser may hold at once for each byte of input …
    pub bytes_per_input_byte: usize,
    /// … plus this many, whatever the input.
    pub fixed_bytes: usize,
    /// The wall-clock time one run may take before it counts as a hang.
    pub timeout: Duration,
    /// How much more the largest input of [`Check::growth`] may cost per byte than the
    /// smallest (timing noise on a shared machine; a quadratic parser at 64× costs 64×
    /// per byte).
    pub time_slack: f64,
}

impl Default for Limits {
    /// 16 bytes per input byte plus 1 MiB, a 20 s hang limit, a time slack of 8.
    fn default() -> Self {
        Limits {
            bytes_per_input_byte: 16,
            fixed_bytes: 1 << 20,
            timeout: Duration::from_secs(20),
            time_slack: 8.0,
        }
    }
}

impl Limits {
    /// The memory budget for an input of `len` bytes.
    pub fn budget(&self, len: usize) -> usize {
        len.saturating_mul(self.bytes_per_input_byte)
            .saturating_add(self.fixed_bytes)
    }
}

/// What one input cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    /// The input's length.
    pub len: usize,
    /// The most bytes the parser held at once.
    pub peak_bytes: usize,
    /// The fastest of the timed runs.
    pub time: Duration,
}

type Parser = dyn Fn(&[u8]) + Send + Sync;

/// One parser under hostile-input checks.
pub struct Check {
    name: &'static str,
    limits: Limits,
    parse: Arc<Parser>,
}

impl Check {
    /// A check of `parse` (which should consume its input and drop the result).
    pub fn new(
        name: &'static str,
        limits: Limits,
        parse: impl Fn(&[u8]) + Send + Sync + 'static,
    ) -> Self {
        assert!(
            alloc::is_installed(),
            "hostile-input checks need ucore_test_support::alloc::Counting as the global allocator"
        );
        Check {
            name,
            limits,
            parse: Arc::new(parse),
        }
    }

    /// Runs `input` `runs` times on a fresh thread: the peak of the first run and the
    /// fastest time. Fails on a panic, a hang or memory past the budget.
    fn run(&self, label: &str, input: Vec<u8>, runs: usize) -> Cost {
        let len = input.len();
        let budget = self.limits.budget(len);
        let cap = budget.saturating_mul(4).saturating_add(64 << 20);
        let parse = Arc::clone(&self.parse);
        let (tx, rx) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name(format!("hostile {} {label}", self.name))
            .spawn(move || {
                let mut peak = 0;
                let mut fastest = Duration::MAX;
                for _ in 0..runs {
                    let start = Instant::now();
                    let ((), Usage { peak_bytes }) = alloc::measure(cap, || parse(&input));
                    fastest = fastest.min(start.elapsed());
                    peak = peak.max(peak_bytes);
                }
                let _ = tx.send((peak, fastest));
            })
            .expect("spawn a worker thread");
        let (peak_bytes, time) = match rx.recv_timeout(self.limits.timeout) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "{} / {label}: {len} bytes of input did not finish in {:?}",
                self.name, self.limits.timeout
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let why = worker
                    .join()
                    .err()
                    .map(|p| panic_text(&p))
                    .unwrap_or_default();
                panic!(
                    "{} / {label}: the parser panicked on {len} bytes: {why}",
                    self.name
                )
            }
        };
        let _ = worker.join();
        assert!(
            peak_bytes <= budget,
            "{} / {label}: {len} bytes of input held {peak_bytes} bytes at once, over the \
             budget of {budget} ({} per input byte + {})",
            self.name,
            self.limits.bytes_per_input_byte,
            self.limits.fixed_bytes
        );
        Cost {
            len,
            peak_bytes,
            time,
        }
    }

    /// Checks one input: memory within the budget, done within the time limit, no panic.
    pub fn input(&self, label: &str, input: &[u8]) -> Cost {
        self.run(label, input.to_vec(), 1)
    }

    /// Checks a pattern at three sizes, `make(n)`, `make(8n)` and `make(64n)`: each within
    /// the memory budget, and the largest costing per byte at most `time_slack` times what
    /// the smallest does (each the fastest of three runs; 20 ms of the largest run's time
    /// are allowed for the machine's noise).
    pub fn growth(&self, label: &str, n: usize, make: impl Fn(usize) -> Vec<u8>) -> [Cost; 3] {
        let costs = [n, 8 * n, 64 * n].map(|size| self.run(label, make(size), 3));
        let [small, _, large] = costs;
        let per_byte = |c: &Cost| c.time.as_secs_f64() / c.len.max(1) as f64;
        let allowed = per_byte(&small) * self.limits.time_slack * large.len as f64 + 0.020;
        assert!(
            large.time.as_secs_f64() <= allowed,
            "{} / {label}: time grows faster than the input: {} bytes took {:?}, {} bytes \
             took {:?} (allowed {:.1} ms)",
            self.name,
            small.len,
            small.time,
            large.len,
            large.time,
            allowed * 1e3
        );
        costs
    }
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// A YAML "billion laughs" text: `a0` anchors a list of ten scalars, and each of `a1` …
/// `a{levels}` anchors a list of ten aliases of the one before, so the text grows by a line a
/// level while its expansion grows tenfold.
pub fn yaml_laughs(levels: usize) -> String {
    let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..=levels {
        let previous = format!("*a{}", i - 1);
        s.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![previous; 10].join(", ")
        ));
    }
    s
}
