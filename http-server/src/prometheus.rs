//! Prometheus' text exposition format (version 0.0.4), the primitives: [`Counter`]s and
//! [`Histogram`]s that record without a lock, and the writers of a family's `# HELP` and
//! `# TYPE` lines ([`family`]) and of its samples ([`sample`]), label values escaped. The
//! metric sets themselves (which families, which labels) are the applications'.

use std::borrow::Cow;
use std::fmt::{Display, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The `Content-Type` of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A family's type, its `# TYPE` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Only goes up.
    Counter,
    /// Goes up and down.
    Gauge,
    /// Observations in cumulative buckets, with their sum and count.
    Histogram,
}

impl Kind {
    /// The word of the `# TYPE` line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A monotonic count; relaxed atomics (a consistent-enough snapshot for monitoring).
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// At zero.
    pub const fn new() -> Self {
        Counter(AtomicU64::new(0))
    }

    /// One more.
    pub fn inc(&self) {
        self.add(1);
    }

    /// `n` more (wrapping past `u64::MAX`, as Prometheus handles counter resets).
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    /// The count now.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A histogram of durations over `N` bucket bounds (seconds, ascending; `+Inf` follows):
/// per-bucket counts (made cumulative when rendered), their sum (kept in microseconds)
/// and count.
#[derive(Debug)]
pub struct Histogram<const N: usize> {
    bounds: &'static [f64; N],
    buckets: [Counter; N],
    over: Counter,
    sum_micros: Counter,
    count: Counter,
}

impl<const N: usize> Histogram<N> {
    /// Empty, with these upper bounds (seconds).
    pub const fn new(bounds: &'static [f64; N]) -> Self {
        Histogram {
            bounds,
            buckets: [const { Counter::new() }; N],
            over: Counter::new(),
            sum_micros: Counter::new(),
            count: Counter::new(),
        }
    }

    /// One observation.
    pub fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        match self.bounds.iter().position(|&b| secs <= b) {
            Some(i) => self.buckets.get(i).unwrap_or(&self.over).inc(),
            None => self.over.inc(),
        }
        self.sum_micros
            .add(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
        self.count.inc();
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.get()
    }

    /// Their sum, in seconds.
    pub fn sum_seconds(&self) -> f64 {
        self.sum_micros.get() as f64 / 1e6
    }

    /// Writes the `_bucket` (cumulative, `le` after `labels`), `_sum` and `_count`
    /// samples of `name` (the family's lines are [`family`]'s).
    pub fn render(&self, out: &mut String, name: &str, labels: &[(&str, &str)]) {
        let bucket = format!("{name}_bucket");
        let mut cumulative = 0u64;
        let les = self.bounds.iter().map(f64::to_string);
        let counts = self.buckets.iter().chain(std::iter::once(&self.over));
        for (le, c) in les.chain(std::iter::once("+Inf".to_string())).zip(counts) {
            cumulative = cumulative.saturating_add(c.get());
            let mut with_le: Vec<(&str, &str)> = labels.to_vec();
            with_le.push(("le", &le));
            sample(out, &bucket, &with_le, cumulative);
        }
        sample(out, &format!("{name}_sum"), labels, self.sum_seconds());
        sample(out, &format!("{name}_count"), labels, self.count());
    }
}

/// A label value escaped for the text format: `\` as `\\`, `"` as `\"`, a newline as `\n`.
pub fn escape_label(value: &str) -> Cow<'_, str> {
    if !value.contains(['\\', '"', '\n']) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A family's `# HELP` and `# TYPE` lines (a help text's `\` and newlines escaped).
pub fn family(out: &mut String, name: &str, kind: Kind, help: &str) {
    let help = help.replace('\\', "\\\\").replace('\n', "\\n");
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {}", kind.as_str());
}

/// One sample line: `name{label="value",…} value` (without braces when there is no
/// label).
pub fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: impl Display) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (label, v)) in labels.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{label}=\"{}\"", escape_label(v));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

/// The value of the sample `series` (its name and labels exactly as rendered, e.g.
/// `m_total{code="x"}`) in the rendered `text`, for tests and checks of an exposition.
pub fn sample_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// The sample lines of the rendered `text` whose family lacks its `# HELP` or `# TYPE`
/// line (a histogram's `_bucket`, `_sum` and `_count` samples belong to its family).
pub fn undeclared_samples(text: &str) -> Vec<&str> {
    let declared = |what: &str, family: &str| {
        text.lines().any(|l| {
            l.strip_prefix(what)
                .and_then(|rest| rest.strip_prefix(family))
                .is_some_and(|rest| rest.starts_with(' '))
        })
    };
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter(|line| {
            let name = line.split(['{', ' ']).next().unwrap_or_default();
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .filter(|base| declared("# TYPE ", base))
                .unwrap_or(name);
            !(declared("# HELP ", base) && declared("# TYPE ", base))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: [f64; 3] = [0.005, 0.05, 1.0];

    #[test]
    fn histograms_render_cumulative_buckets_sum_and_count() {
        let h = Histogram::new(&BOUNDS);
        h.observe(Duration::from_millis(3));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let mut out = String::new();
        h.render(&mut out, "t_seconds", &[("endpoint", "x")]);
        assert_eq!(
            out,
            "t_seconds_bucket{endpoint=\"x\",le=\"0.005\"} 1\n\
             t_seconds_bucket{endpoint=\"x\",le=\"0.05\"} 2\n\
             t_seconds_bucket{endpoint=\"x\",le=\"1\"} 2\n\
             t_seconds_bucket{endpoint=\"x\",le=\"+Inf\"} 3\n\
             t_seconds_sum{endpoint=\"x\"} 60.033\n\
             t_seconds_count{endpoint=\"x\"} 3\n"
        );
        let mut bare = String::new();
        Histogram::new(&BOUNDS).render(&mut bare, "t", &[]);
        assert!(bare.contains("t_sum 0\nt_count 0\n"), "{bare}");
    }

    #[test]
    fn samples_are_read_back_and_undeclared_ones_found() {
        let mut out = String::new();
        family(&mut out, "a_total", Kind::Counter, "A.");
        sample(&mut out, "a_total", &[("k", "v")], 3);
        family(&mut out, "h_seconds", Kind::Histogram, "H.");
        Histogram::new(&BOUNDS).render(&mut out, "h_seconds", &[]);
        assert_eq!(sample_value(&out, "a_total{k=\"v\"}"), Some(3.0));
        assert_eq!(sample_value(&out, "a_total"), None);
        assert_eq!(
            sample_value(&out, "h_seconds_bucket{le=\"+Inf\"}"),
            Some(0.0)
        );
        assert!(undeclared_samples(&out).is_empty(), "{out}");
        out.push_str("stray_count 1\n");
        assert_eq!(undeclared_samples(&out), ["stray_count 1"]);
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape_label("plain"), "plain");
        assert_eq!(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        let mut out = String::new();
        sample(&mut out, "m", &[("code", "x\"y"), ("z", "1")], 7);
        assert_eq!(out, "m{code=\"x\\\"y\",z=\"1\"} 7\n");
    }

    #[test]
    fn families_have_help_and_type() {
        let mut out = String::new();
        family(&mut out, "m_total", Kind::Counter, "Things.\nMore");
        assert_eq!(
            out,
            "# HELP m_total Things.\\nMore\n# TYPE m_total counter\n"
        );
        let c = Counter::new();
        c.inc();
        c.add(2);
        assert_eq!(c.get(), 3);
    }
}
