//! Fuzzes the single-assertion decoder: no input may panic, and whatever decodes
//! re-encodes to exactly the input, and survives a copy to the owned form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_assertions::{AssertionAccess, AssertionRef};

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = AssertionRef::decode(data) {
        assert_eq!(a.encode(), data);
        let owned = a.to_owned();
        assert_eq!(owned.encode(), data);
        assert_eq!(owned.headers(), a.headers());
        let _ = a.primary_key();
        let _ = a.timestamp();
    }
});
