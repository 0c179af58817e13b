//! A bounded table of token buckets, one per key (an API key's hash, a client address),
//! kept as the generic cell rate algorithm (GCRA) keeps them: one instant per key, the
//! *theoretical arrival time* (`tat`), instead of a token count and a refill time.
//!
//! With `interval` the time between two requests at the sustained rate and `burst` the
//! requests allowed at once after a quiet spell: a request at `now` moves the key's `tat`
//! to `max(tat, now) + interval`, and is allowed when that is at most `burst × interval`
//! ahead of `now`; otherwise it is refused, and told how long until it would be allowed.
//!
//! **Memory is bounded.** A key whose `tat` has passed has a full bucket: it is the same as
//! no entry at all, so such entries are dropped (at most once a minute, and whenever the
//! table is full) without changing any answer. When the table is still full of busy keys
//! (a flood from more addresses than `max_keys`), the eighth of its entries nearest to full
//! are dropped: those keys get a full bucket again. The limiter then errs towards letting
//! requests through, never towards refusing a key it has no room to track.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often idle entries are dropped even when the table is not full.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// A sustained rate (one request per `interval`) and a burst.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Time between two requests at the sustained rate.
    pub interval: Duration,
    /// Requests allowed at once from a full bucket (at least 1).
    pub burst: u32,
}

impl Quota {
    /// How far ahead of now a key's `tat` may be: `burst × interval`.
    fn tolerance(self) -> Duration {
        self.interval.saturating_mul(self.burst.max(1))
    }
}

/// Token buckets for at most `max_keys` keys at once (see the module documentation).
#[derive(Debug)]
pub struct Buckets<K> {
    quota: Quota,
    max_keys: usize,
    table: Mutex<Table<K>>,
}

#[derive(Debug)]
struct Table<K> {
    /// Each busy key's theoretical arrival time.
    tat: HashMap<K, Instant>,
    /// When idle entries were last dropped.
    swept: Option<Instant>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    /// Empty buckets under `quota`, for at most `max_keys` keys (at least 1).
    pub fn new(quota: Quota, max_keys: usize) -> Self {
        Buckets {
            quota,
            max_keys: max_keys.max(1),
            table: Mutex::new(Table {
                tat: HashMap::new(),
                swept: None,
            }),
        }
    }

    /// One request of `key` at `now`: `Ok`, or `Err(wait)`, the time until a request of
    /// that key would be allowed (a refused request takes nothing from the bucket).
    pub fn take(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if table
            .swept
            .is_none_or(|at| now.saturating_duration_since(at) >= SWEEP_EVERY)
        {
            table.drop_idle(now);
        }
        let tolerance = self.quota.tolerance();
        let from = table.tat.get(key).map_or(now, |&tat| tat.max(now));
        let Some(next) = from.checked_add(self.quota.interval) else {
            return Err(tolerance);
        };
        let ahead = next.saturating_duration_since(now);
        if ahead > tolerance {
            return Err(ahead - tolerance);
        }
        if !table.tat.contains_key(key) && table.tat.len() >= self.max_keys {
            table.make_room(now, self.max_keys);
        }
        table.tat.insert(key.clone(), next);
        Ok(())
    }

    /// How many keys are tracked now.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .tat
            .len()
    }
}

impl<K: Hash + Eq + Clone> Table<K> {
    /// Drops the entries whose bucket is full again, and gives memory back when the table
    /// has shrunk a lot.
    fn drop_idle(&mut self, now: Instant) {
        self.tat.retain(|_, tat| *tat > now);
        if self.tat.capacity() > 64 && self.tat.len() < self.tat.capacity() / 4 {
            self.tat.shrink_to_fit();
        }
        self.swept = Some(now);
    }

    /// Makes room for one more key in a table of `max_keys`: the idle entries go, and if
    /// that frees less than an eighth of the table, the entries nearest to full go too.
    fn make_room(&mut self, now: Instant, max_keys: usize) {
        self.drop_idle(now);
        let target = max_keys - (max_keys / 8).max(1);
        if self.tat.len() <= target {
            return;
        }
        let mut by_tat: Vec<(Instant, K)> = self.tat.iter().map(|(k, t)| (*t, k.clone())).collect();
        let excess = by_tat.len() - target;
        by_tat.select_nth_unstable_by_key(excess - 1, |(t, _)| *t);
        for (_, key) in by_tat.iter().take(excess) {
            self.tat.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quota(per_second: u32, burst: u32) -> Quota {
        Quota {
            interval: Duration::from_secs(1) / per_second,
            burst,
        }
    }

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let b = Buckets::new(quota(10, 5), 100);
        let t0 = Instant::now();
        for i in 0..5 {
            assert_eq!(b.take(&"k", t0), Ok(()), "request {i} of the burst");
        }
        // The sixth at once waits one interval (100 ms).
        assert_eq!(b.take(&"k", t0), Err(Duration::from_millis(100)));
        // Refusals take nothing: still 100 ms.
        assert_eq!(b.take(&"k", t0), Err(Duration::from_millis(100)));
        let t1 = t0 + Duration::from_millis(40);
        assert_eq!(b.take(&"k", t1), Err(Duration::from_millis(60)));
        // One token back after 100 ms, not two.
        let t2 = t0 + Duration::from_millis(100);
        assert_eq!(b.take(&"k", t2), Ok(()));
        assert!(b.take(&"k", t2).is_err());
        // Another key has its own bucket.
        assert_eq!(b.take(&"other", t2), Ok(()));
    }

    #[test]
    fn refill_after_a_quiet_spell_is_capped_at_the_burst() {
        let b = Buckets::new(quota(10, 3), 100);
        let t0 = Instant::now();
        let t1 = t0 + Duration::from_secs(3600);
        assert_eq!(b.take(&1, t0), Ok(()));
        for _ in 0..3 {
            assert_eq!(b.take(&1, t1), Ok(()));
        }
        assert!(b.take(&1, t1).is_err());
    }

    #[test]
    fn a_steady_client_at_the_rate_is_never_refused() {
        let b = Buckets::new(quota(20, 1), 10);
        let t0 = Instant::now();
        for i in 0..1000 {
            assert_eq!(b.take(&"k", t0 + Duration::from_millis(50) * i), Ok(()));
        }
        // Twice as fast: every other one is refused.
        let t1 = t0 + Duration::from_secs(100);
        let allowed = (0..100)
            .filter(|i| b.take(&"k", t1 + Duration::from_millis(25) * *i).is_ok())
            .count();
        assert_eq!(allowed, 50);
    }

    #[test]
    fn idle_entries_are_dropped() {
        let b = Buckets::new(quota(10, 2), 1000);
        let t0 = Instant::now();
        for k in 0..500 {
            b.take(&k, t0).unwrap();
        }
        assert_eq!(b.len(), 500);
        // A minute later every bucket is full again: the next request sweeps them.
        b.take(&9999, t0 + SWEEP_EVERY).unwrap();
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn the_table_never_holds_more_than_its_cap() {
        let max = 64;
        let b = Buckets::new(quota(1, 1), max);
        let t0 = Instant::now();
        for k in 0..10_000u32 {
            // Every key busy: each request starts a one-second wait.
            assert_eq!(b.take(&k, t0 + Duration::from_micros(u64::from(k))), Ok(()));
            assert!(b.len() <= max, "{} keys after {k}", b.len());
        }
        // The latest keys are still limited; the oldest were dropped, so they get a new
        // bucket (the limiter errs towards letting requests through).
        assert!(b.take(&9_999, t0 + Duration::from_millis(20)).is_err());
        assert_eq!(b.take(&0, t0 + Duration::from_millis(20)), Ok(()));
    }

    #[test]
    fn extreme_quotas_do_not_panic() {
        let t0 = Instant::now();
        let huge = Buckets::new(
            Quota {
                interval: Duration::MAX,
                burst: u32::MAX,
            },
            1,
        );
        assert!(huge.take(&(), t0).is_err());
        let zero = Buckets::new(
            Quota {
                interval: Duration::ZERO,
                burst: 0,
            },
            1,
        );
        for _ in 0..10 {
            assert_eq!(zero.take(&(), t0), Ok(()));
        }
    }
}
