//! Remodel checks.
