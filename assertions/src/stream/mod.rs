//! Streams of assertions: [`Encoder`] (snapd's `Encoder`), [`Decoder`] over a reader and
//! the zero-copy [`SliceDecoder`] over bytes in memory (snapd's `Decoder`; both in
//! `asserts/asserts.go`). Both decoders share one framing function (`frame`).

mod decoder;
mod encoder;
mod frame;
mod slice;

pub use decoder::Decoder;
pub use encoder::Encoder;
pub use frame::{MAX_BODY_SIZE, MAX_HEADERS_SIZE, MAX_SIGNATURE_SIZE};
pub use slice::{SliceDecoder, decode_slice};
