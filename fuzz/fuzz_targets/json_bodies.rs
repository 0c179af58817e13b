//! Fuzzes the structured text ucore reads from users and peers: model statements (JSON and
//! YAML, then checked as `ucore model sign` does), the vault's JSON answers as a device
//! reads them, and the vault's TOML configuration. Nothing may panic; a statement that
//! parses keeps its headers through a JSON round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_model::Statement;
use ucore_serial_vault::VaultConfig;
use ucore_serial_vault::http::{ErrorBody, RequestIdBody};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<ErrorBody>(data);
    let _ = serde_json::from_slice::<RequestIdBody>(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = VaultConfig::from_toml(text);
    for parse in [Statement::from_json, Statement::from_yaml] {
        if let Ok(statement) = parse(text) {
            let json = serde_json::to_string(statement.headers()).expect("headers serialize");
            let again = Statement::from_json(&json).expect("a statement's JSON parses");
            assert_eq!(again.headers(), statement.headers());
            let _ = statement.check();
        }
    }
});
