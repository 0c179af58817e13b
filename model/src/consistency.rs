//! Offline consistency check.
