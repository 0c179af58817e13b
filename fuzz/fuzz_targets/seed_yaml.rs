//! Fuzzes the seed metadata readers: arbitrary bytes as a UC16/18 `seed.yaml` and as a
//! UC20+ `options.yaml`, without panicking. Whatever reads satisfies the readers' own
//! checks: names unique and valid snap names, files without `/` (and never empty in
//! seed.yaml), every options entry setting an id, a channel or a file; a refusal names
//! one of snapd's texts.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use ucore_image::seed::read::{options_yaml, seed_yaml};

fuzz_target!(|data: &[u8]| {
    match seed_yaml::parse(data) {
        Ok(snaps) => {
            let mut names = HashSet::new();
            for s in &snaps {
                assert!(names.insert(s.name.as_str()), "duplicate {}", s.name);
                assert!(ucore_snap::naming::validate_snap_name(&s.name).is_ok());
                assert!(!s.file.is_empty() && !s.file.contains('/'));
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    match options_yaml::parse(data) {
        Ok(snaps) => {
            let mut names = HashSet::new();
            for s in &snaps {
                assert!(names.insert(s.name.as_str()), "duplicate {}", s.name);
                assert!(ucore_snap::naming::validate_snap_name(&s.name).is_ok());
                assert!(!s.unasserted.contains('/'));
                assert!(!(s.snap_id.is_empty() && s.channel.is_empty() && s.unasserted.is_empty()));
                if !s.snap_id.is_empty() {
                    assert!(ucore_snap::naming::validate_snap_id(&s.snap_id).is_ok());
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
