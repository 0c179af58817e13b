//! Fuzzes gadget.yaml handling: arbitrary bytes are parsed under every model kind without
//! panicking; whatever parses and validates is laid out, its layout is consistent (partitions
//! numbered 1.. in disk order, sizes as declared, the volume covers every structure), and
//! the lints and the oracle-shaped JSON reports run on it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_gadget_yaml::{GadgetInfo, LayoutOptions, ModelClass, lint_info, validate};

/// The oracle-shaped JSON reports of the `gadget` example.
#[path = "../../examples/gadget/report.rs"]
mod report;

fuzz_target!(|data: &[u8]| {
    for model in ModelClass::ALL {
        let info = match GadgetInfo::parse_bytes(data, model.model()) {
            Ok(info) => info,
            Err(e) => {
                let _ = report::error_json(&e);
                continue;
            }
        };
        let _ = report::info_json(&info, model);
        if validate(&info, model.model(), None).is_err() {
            continue;
        }
        let Ok(volumes) = info.layout(&LayoutOptions::default()) else {
            continue;
        };
        for v in &volumes {
            let mut next = 1;
            for l in &v.structures {
                assert_eq!(l.size, l.structure.size);
                assert!(l.end() <= v.size);
                if let Some(n) = l.partition_number {
                    assert_eq!(n, next);
                    next += 1;
                }
            }
        }
        let _ = report::layout_json(&volumes, model, false);
        let _ = lint_info(&info, None);
    }
});
