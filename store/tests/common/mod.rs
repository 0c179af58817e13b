//! Shared by the oracle tests: the fixtures (snapd's test snaps, keys and models, see
//! `tests/data/README.md`), the goldens snapd's own clients recorded against snapd's
//! fakestore, running the same commands against another store, and comparing the two.
#![allow(dead_code)]

pub mod compare;
pub mod fakestore;
pub mod fixtures;
pub mod golden;
pub mod run;
pub mod ucore;
