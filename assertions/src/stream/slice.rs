//! snapd's stream `Decoder` (`Decoder.Decode`, `asserts/asserts.go`) over bytes already
//! in memory: zero-copy, each [`AssertionRef`] borrows the input. Same framing, limits
//! and errors as [`super::Decoder`] (both use [`super::frame`]).

use std::collections::HashMap;

use super::frame::{Framed, frame};
use crate::Error;
use crate::assertion::AssertionRef;
use crate::assertion_type::AssertionType;
use crate::rules::RuleLanguage;

/// Decodes a stream of assertions held in memory; an [`Iterator`] of
/// `Result<AssertionRef<'a>, Error>` that stops after the first error.
///
/// ```
/// use ucore_assertions::{AssertionAccess, stream::decode_slice};
///
/// let bytes = include_bytes!("../../../tests/data/ubuntu-core-22-amd64.model");
/// let models = decode_slice(bytes).collect::<Result<Vec<_>, _>>()?;
/// assert_eq!(models[0].header_str("model"), Some("ubuntu-core-22-amd64"));
/// # Ok::<(), ucore_assertions::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SliceDecoder<'a> {
    rest: &'a [u8],
    failed: bool,
    type_max_body_size: HashMap<AssertionType, usize>,
    language: RuleLanguage,
}

/// A [`SliceDecoder`] over `input` with snapd's default limits.
pub fn decode_slice(input: &[u8]) -> SliceDecoder<'_> {
    SliceDecoder::new(input)
}

impl<'a> SliceDecoder<'a> {
    /// A decoder with snapd's default limits.
    pub fn new(input: &'a [u8]) -> Self {
        SliceDecoder {
            rest: input,
            failed: false,
            type_max_body_size: HashMap::new(),
            language: RuleLanguage::default(),
        }
    }

    /// A decoder with per-type body limits, as
    /// [`super::Decoder::with_type_max_body_size`].
    pub fn with_type_max_body_size(
        input: &'a [u8],
        limits: impl IntoIterator<Item = (AssertionType, usize)>,
    ) -> Self {
        let mut d = SliceDecoder::new(input);
        d.type_max_body_size = limits.into_iter().collect();
        d
    }

    /// Compiles declarations' plug/slot rules in `language` (snapd 2.57's by default),
    /// as [`AssertionRef::decode_in`](crate::AssertionRef::decode_in) does.
    pub fn with_rule_language(mut self, language: RuleLanguage) -> Self {
        self.language = language;
        self
    }

    /// The input not decoded yet.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// Decodes the next assertion; `Ok(None)` at a clean end of the input.
    pub fn decode(&mut self) -> Result<Option<AssertionRef<'a>>, Error> {
        let rest = self.rest;
        match frame(rest, true, &self.type_max_body_size, self.language) {
            Ok(Framed::End) => Ok(None),
            Ok(Framed::Assertion(assertion, consumed)) => {
                self.rest = rest.get(consumed..).unwrap_or_default();
                Ok(Some(assertion))
            }
            // At end of input every step decides; kept total for safety.
            Ok(Framed::NeedMore { consumed, .. }) => {
                self.rest = rest.get(consumed..).unwrap_or_default();
                Err(Error::UnexpectedEof)
            }
            Err(e) => {
                self.rest = rest.get(e.consumed..).unwrap_or_default();
                Err(e.error)
            }
        }
    }
}

impl<'a> Iterator for SliceDecoder<'a> {
    type Item = Result<AssertionRef<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = self.decode();
        if result.is_err() {
            self.failed = true;
        }
        result.transpose()
    }
}
