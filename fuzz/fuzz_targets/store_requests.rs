//! Fuzzes what the branded store and its client read from peers: the request bodies of the
//! device and publishing APIs, the `Macaroon` and `WWW-Authenticate` headers, channel names,
//! download file names and `Range` headers, assertion sequence parameters, session tokens
//! (with a fixed secret) and the store's TOML configuration. Nothing may panic; a channel
//! that parses prints back to a name that parses to the same channel; a `Range` that parses
//! lies inside the file. A device state (the refresh preview's input) that reads is previewed
//! against a store with nothing in it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_store::StoreConfig;
use ucore_store::action::assertions::Sequence;
use ucore_store::channel::Channel;
use ucore_store::http::device::download::{parse_file_name, parse_range};
use ucore_store::publisher_api::{Close, RegisterName, Release};
use ucore_store::session::SessionKeys;
use ucore_store_client::preview::{DeviceState, Preview, StoreRevisions};
use ucore_store_client::protocol::{
    MacaroonAuthorization, SessionRequest, SnapActionRequest, SnapActionResponse, WwwAuthenticate,
};

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<SnapActionRequest>(data);
    let _ = serde_json::from_slice::<SnapActionResponse>(data);
    let _ = serde_json::from_slice::<SessionRequest>(data);
    let _ = serde_json::from_slice::<RegisterName>(data);
    let _ = serde_json::from_slice::<Release>(data);
    let _ = serde_json::from_slice::<Close>(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(auth) = MacaroonAuthorization::parse(text) {
        let again = MacaroonAuthorization::parse(&auth.to_header());
        assert_eq!(again.as_ref(), Some(&auth), "a parsed header renders back");
    }
    let _ = WwwAuthenticate::parse(text);
    if let Ok(channel) = Channel::parse(text) {
        assert_eq!(Channel::parse(&channel.full()).ok(), Some(channel.clone()));
        assert_eq!(Channel::parse(&channel.short()).ok(), Some(channel));
    }
    let _ = parse_file_name(text);
    for size in [0, 1, 4096, u64::MAX] {
        if let Ok(Some((start, end))) = parse_range(Some(text), size) {
            assert!(start <= end && end < size, "{start}-{end} of {size}");
        }
    }
    let _ = Sequence::parse(text);
    let keys = SessionKeys::from_secret([7; 32]);
    let _ = keys.verify(
        text,
        "store",
        ucore_assertions::Timestamp::from_openpgp_time(0),
    );
    let _ = StoreConfig::from_toml(text);
    if let Ok(state) = DeviceState::from_json(text) {
        if let Ok(preview) = Preview::offline(&state, &StoreRevisions::new()) {
            let _ = preview.to_string();
        }
    }
});
