//! Fuzzes the `/v1/serial` request parser: any bytes give a parsed request or a typed
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = ucore_serial_vault::vault::request::parse_request(data) {
        let _ = parsed.request();
        let _ = ucore_serial_vault::vault::serial::requested_serial(&parsed.serial_request);
    }
});
