//! Fuzzes combining validation sets: a stream of assertions, then (after a line
//! `--installed--`) an installed-snaps list as JSON. Nothing may panic; every set that
//! decodes is combined; a conflict is reported exactly when a snap's combined presence is
//! `conflict`; the presence queries agree with the combined presence; the installed check
//! of the snaps the sets require, at the revisions they pin, finds nothing missing.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use ucore_assertions::stream::SliceDecoder;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::validation_sets::{InstalledSnap, Presence, ValidationSets};

fuzz_target!(|data: &[u8]| {
    let marker = b"\n--installed--\n";
    let (stream, installed) = match data.windows(marker.len()).position(|w| w == marker) {
        Some(i) => (&data[..i + 1], &data[i + marker.len()..]),
        None => (data, &[][..]),
    };
    let mut sets = ValidationSets::new();
    let mut snaps: Vec<(String, String)> = Vec::new();
    for a in SliceDecoder::new(stream) {
        let Ok(a) = a else { break };
        let Ok(vs) = ValidationSet::try_from(&a) else {
            continue;
        };
        if sets.add(&vs).is_ok() {
            snaps.extend(
                vs.snaps
                    .iter()
                    .map(|s| (s.name.to_string(), s.snap_id.to_string())),
            );
        }
    }
    let conflict = sets.conflict();
    let mut any_conflict = false;
    let mut required = Vec::new();
    for (name, id) in &snaps {
        let presence = sets
            .presence(name, id)
            .expect("a snap of a set is constrained");
        any_conflict |= presence == Presence::Conflict;
        let req = sets.check_presence_required(name, id);
        let inv = sets.check_presence_invalid(name, id);
        assert_eq!(req.is_err(), presence == Presence::Invalid);
        assert_eq!(inv.is_ok(), presence == Presence::Invalid);
        if let Ok(r) = req
            && presence == Presence::Required
        {
            assert!(!r.sets.is_empty());
            required.push(InstalledSnap::new(name.clone(), id.clone(), r.revision));
        }
        let _ = sets.constraints(name, id);
    }
    assert_eq!(conflict.is_err(), any_conflict);
    if let Err(e) = &conflict {
        let _ = e.to_string();
    }
    if !any_conflict {
        let _ = sets.revisions().expect("no conflict");
        if let Err(e) = sets.check_installed(&required, &BTreeSet::new()) {
            assert!(e.missing.is_empty(), "{e}");
        }
    }
    if let Ok(list) = serde_json::from_slice::<Vec<InstalledSnap>>(installed) {
        let ignore: BTreeSet<String> = list.iter().take(2).map(|s| s.name.clone()).collect();
        if let Err(e) = sets.check_installed(&list, &ignore) {
            assert!(!e.sets.is_empty());
            let _ = e.to_string();
        }
    }
});
