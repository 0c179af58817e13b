//! The build's progress on a terminal: one bar per download and per disk image, under a
//! line naming the current step; nothing but the summary when stderr is not a terminal.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use ucore::image::progress::{Phase, Progress};

/// Progress bars on stderr.
pub struct Bars {
    multi: MultiProgress,
    step: ProgressBar,
    bars: Mutex<HashMap<String, ProgressBar>>,
    style: ProgressStyle,
    quiet: bool,
}

impl Bars {
    /// Bars on stderr when it is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Bars {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let multi = MultiProgress::with_draw_target(target);
        let step = multi.add(ProgressBar::new_spinner());
        let style = ProgressStyle::with_template(
            "  {msg:24} [{bar:30}] {bytes:>10}/{total_bytes:10} {bytes_per_sec:>12}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        Bars {
            multi,
            step,
            bars: Mutex::new(HashMap::new()),
            style,
            quiet,
        }
    }

    /// Removes the step line.
    pub fn clear(&self) {
        self.step.finish_and_clear();
    }
}

fn phase_text(phase: Phase) -> &'static str {
    match phase {
        Phase::Resolve => "resolving snaps",
        Phase::Fetch => "fetching snaps",
        Phase::Assertions => "fetching assertions",
        Phase::Seed => "writing the seed",
        Phase::Boot => "boot files and gadget content",
        Phase::Disk => "writing disk images",
    }
}

impl Progress for Bars {
    fn phase(&self, phase: Phase) {
        self.step.set_message(phase_text(phase));
        self.step.tick();
    }

    fn start(&self, what: &str, total: u64) {
        let bar = self.multi.add(ProgressBar::new(total));
        bar.set_style(self.style.clone());
        bar.set_message(what.to_string());
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(what.to_string(), bar);
        }
    }

    fn advance(&self, what: &str, n: u64) {
        if let Ok(bars) = self.bars.lock()
            && let Some(bar) = bars.get(what)
        {
            bar.inc(n);
        }
    }

    fn finish(&self, what: &str) {
        if let Ok(mut bars) = self.bars.lock()
            && let Some(bar) = bars.remove(what)
        {
            bar.finish_and_clear();
        }
    }

    fn message(&self, text: &str) {
        if !self.quiet {
            // Above the bars, like snapd's `Fetching NAME` lines.
            let _ = self.multi.println(text);
        }
    }
}
