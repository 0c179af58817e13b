//! Fuzzes the Serial Vault's sync bundle parser (factory offline mode): any bytes give a
//! bundle or a typed error, never a panic nor an allocation out of proportion to the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = ucore_serial_vault::sync::SignedBundle::parse(data, "fuzz") {
        assert_eq!(bundle.bytes(), data);
        let body = serde_json::to_vec(bundle.body()).unwrap();
        assert_eq!(
            data.get(ucore_serial_vault::sync::bundle::MAGIC.len()..)
                .and_then(|d| d.get(..body.len())),
            Some(&body[..])
        );
        let _ = bundle.digest();
        let _ = bundle.file_name();
    }
});
