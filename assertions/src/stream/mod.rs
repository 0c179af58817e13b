//! Streams of assertions: [`Encoder`] (§2.4) and [`Decoder`] (§2.5).

mod decoder;
mod encoder;

pub use decoder::{Decoder, MAX_BODY_SIZE, MAX_HEADERS_SIZE, MAX_SIGNATURE_SIZE};
pub use encoder::Encoder;
