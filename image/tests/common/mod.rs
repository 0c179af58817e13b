//! Shared by the gather tests. The fixtures (`tests/data/fixtures/`: snapd's test snaps,
//! keys, models and the fakestore's assertions) have the store crate's layout, so its
//! test helpers serve here as they are: the fixture readers, and a ucore-store in process
//! with the test snaps published. `gather` adds what these tests make from them.
#![allow(dead_code)]

#[path = "../../../store/tests/common/fakestore.rs"]
pub mod fakestore;
#[path = "../../../store/tests/common/fixtures.rs"]
pub mod fixtures;
pub mod gather;
pub mod store;
#[path = "../../../store/tests/common/ucore.rs"]
pub mod ucore;
