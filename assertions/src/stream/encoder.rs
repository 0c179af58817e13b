//! snapd's stream `Encoder` (`NewEncoder`, `Encoder.Encode`; `asserts/asserts.go`):
//! assertions separated by exactly one blank line, the stream ending in a single `\n`.

use std::io::Write;

use crate::Error;
use crate::assertion::AssertionAccess;

/// Writes assertions to a stream the way snapd's `Encoder` does.
#[derive(Debug)]
pub struct Encoder<W: Write> {
    writer: W,
    next_separator: bool,
}

impl<W: Write> Encoder<W> {
    /// An encoder writing to `writer`.
    pub fn new(writer: W) -> Self {
        Encoder {
            writer,
            next_separator: false,
        }
    }

    fn finish(&mut self, last: u8) -> Result<(), Error> {
        if last != b'\n' {
            self.writer.write_all(b"\n")?;
        }
        self.next_separator = true;
        Ok(())
    }

    fn separate(&mut self) -> Result<(), Error> {
        if self.next_separator {
            self.writer.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes one assertion.
    pub fn encode(&mut self, assertion: &impl AssertionAccess) -> Result<(), Error> {
        self.write_content_signature(assertion.content(), assertion.signature())
    }

    /// Writes an already encoded assertion (snapd `WriteEncoded`).
    pub fn write_encoded(&mut self, encoded: &[u8]) -> Result<(), Error> {
        let Some(&last) = encoded.last() else {
            return Err(Error::EmptyEncoding {
                what: "encoded assertion",
            });
        };
        self.separate()?;
        self.writer.write_all(encoded)?;
        self.finish(last)
    }

    /// Writes content and signature with the separator between them (snapd
    /// `WriteContentSignature`).
    pub fn write_content_signature(
        &mut self,
        content: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        if content.is_empty() {
            return Err(Error::EmptyEncoding { what: "content" });
        }
        let Some(&last) = signature.last() else {
            return Err(Error::EmptyEncoding { what: "signature" });
        };
        self.separate()?;
        self.writer.write_all(content)?;
        self.writer.write_all(b"\n\n")?;
        self.writer.write_all(signature)?;
        self.finish(last)
    }

    /// The underlying writer.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        let mut enc = Encoder::new(Vec::new());
        enc.write_content_signature(b"type: a", b"sig\n").unwrap();
        enc.write_content_signature(b"type: b", b"sig").unwrap();
        enc.write_encoded(b"type: c\n\nsig").unwrap();
        assert_eq!(
            enc.into_inner(),
            b"type: a\n\nsig\n\ntype: b\n\nsig\n\ntype: c\n\nsig\n"
        );
    }

    #[test]
    fn empty_inputs() {
        let mut enc = Encoder::new(Vec::new());
        assert_eq!(
            enc.write_encoded(b"").unwrap_err().to_string(),
            "internal error: encoded assertion cannot be empty"
        );
        assert_eq!(
            enc.write_content_signature(b"", b"s")
                .unwrap_err()
                .to_string(),
            "internal error: content cannot be empty"
        );
        assert_eq!(
            enc.write_content_signature(b"c", b"")
                .unwrap_err()
                .to_string(),
            "internal error: signature cannot be empty"
        );
    }
}
