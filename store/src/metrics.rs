//! Counters the store exports on `/metrics` (Prometheus text).

/// The store's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    _private: (),
}
