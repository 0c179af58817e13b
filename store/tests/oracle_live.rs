//! snapd's own clients against ucore-store, compared with what they get from snapd's
//! fakestore (the goldens of `tests/data/golden/`). Runs only with `UCORE_ORACLE` set (the
//! oracle, with snapd's `snap` CLI and fakestore next to it, as `shared/oracle/build.sh`
//! builds them); a notice and a pass without it, unless `UCORE_REQUIRE_ORACLE=1`.
//!
//! * `fakestore_replays_the_goldens`: the goldens, re-run against the fakestore by this
//!   test's own runner, come out the same (the runner records what the golden script does).
//! * `ucore_store_gives_snapds_clients_what_the_fakestore_gives`: a ucore-store in process
//!   on 127.0.0.1 with snapd's test root as authority and developer1 as brand; the test
//!   snaps registered under the fakestore's snap-ids, pushed and released; then every
//!   golden's command against it (oracle store commands with a device session: the model,
//!   serial and device key of the fixtures), compared with the golden.

mod common;

use common::compare::compare;
use common::fakestore::FakeStore;
use common::golden;
use common::run::{Tools, observe};
use ucore_test_support::oracle;

fn tools() -> Option<Tools> {
    oracle().map(Tools::new)
}

#[test]
fn fakestore_replays_the_goldens() {
    let Some(tools) = tools() else { return };
    let fake = FakeStore::start(&tools.oracle);
    let work = tempfile::tempdir().expect("temporary directory");
    let mut failures = Vec::new();
    for g in golden::all() {
        let got = observe(&tools, &g, &fake.url, &work.path().join(&g.name), &[]);
        let diffs = compare(&g.observed(), &got);
        if !diffs.is_empty() {
            failures.push(format!("{}:\n  {}", g.name, diffs.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
