//! `zip: "DEF"` (RFC 7516 §4.1.3): raw DEFLATE (RFC 1951) on flate2's pure-Rust backend. Inflating stops at the
//! caller's cap, so a small token cannot expand into an arbitrarily large payload.

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use crate::error::{Code, Error, Result};

pub fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = DeflateEncoder::new(
        Vec::with_capacity(data.len() / 2 + 16),
        Compression::default(),
    );
    encoder
        .write_all(data)
        .and_then(|_| encoder.finish())
        .map_err(|_| Error::new(Code::PayloadInvalid, "the payload could not be compressed"))
}

/// Inflates at most `limit` bytes: a stream that would produce more is refused without producing it.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(3).min(limit));
    let read = DeflateDecoder::new(data)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| Error::decryption_failed())?;
    if read > limit {
        return Err(Error::new(
            Code::InflateLimit,
            format!("the compressed payload inflates past maxInflatedSize ({limit} bytes)"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let data = b"{\"sub\":\"1234567890\",\"name\":\"John Doe\",\"admin\":true}".repeat(20);
        let packed = deflate(&data).unwrap();
        assert!(packed.len() < data.len());
        assert_eq!(inflate(&packed, data.len()).unwrap(), data);
    }

    #[test]
    fn stops_at_the_cap() {
        let bomb = deflate(&vec![0u8; 10_000_000]).unwrap();
        assert!(bomb.len() < 20_000);
        let err = inflate(&bomb, 1_000_000).unwrap_err();
        assert_eq!(err.code, Code::InflateLimit);
        assert_eq!(inflate(&bomb, 10_000_000).unwrap().len(), 10_000_000);
    }

    #[test]
    fn garbage_is_a_decryption_failure() {
        let err = inflate(&[0xff, 0xff, 0xff, 0xff], 100).unwrap_err();
        assert_eq!(err.code, Code::DecryptionFailed);
    }
}
