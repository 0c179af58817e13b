//! The store's HTTP API on axum: the device API snapd's client speaks
//! (`device`), the publishing API (`publisher`), errors as snapd reads them (`error`),
//! and the server with its timeouts and connection cap (`server`).

pub mod device;
