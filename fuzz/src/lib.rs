//! What the fuzz targets share: the fixed keys, and models of the rules ringjwt implements, written from the
//! RFCs without its code, so that a target can check each result against what it should have been.

pub mod keys;
pub mod model;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// base64url without padding, as tokens are written.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn is_base64url_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// The one canonical base64url reading of `text` (RFC 7515 §2, RFC 4648 §5 without padding): only the alphabet,
/// no length of 4n+1, and zero bits where the last character has more than the data needs. Written here rather
/// than taken from the `base64` crate that ringjwt uses, so that the two readings can disagree.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    fn value(byte: u8) -> Option<u32> {
        Some(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for &byte in chunk {
            acc = (acc << 6) | value(byte)?;
        }
        match chunk.len() {
            4 => out.extend_from_slice(&acc.to_be_bytes()[1..]),
            3 => {
                // 18 bits for 2 bytes: the last 2 must be zero.
                if acc & 0b11 != 0 {
                    return None;
                }
                out.extend_from_slice(&(acc >> 2).to_be_bytes()[2..]);
            }
            2 => {
                // 12 bits for 1 byte: the last 4 must be zero.
                if acc & 0b1111 != 0 {
                    return None;
                }
                out.push((acc >> 4) as u8);
            }
            _ => unreachable!("a length of 4n+1 was refused above"),
        }
    }
    Some(out)
}

/// The characters a one-character change puts in: the base64url alphabet's edges, the separator, and some that are
/// not base64url.
const CHANGES: &[u8] = b"AQZaz09-_.=+/ e";

/// `token` with one character changed as `change` says (2 bytes of position, 1 byte picking the character), or
/// None when `change` is too short or would put in the character already there.
pub fn changed(token: &str, change: &[u8]) -> Option<String> {
    let [high, low, character, ..] = change[..] else {
        return None;
    };
    let position = usize::from(u16::from_be_bytes([high, low])) % token.len();
    let replacement = CHANGES[usize::from(character) % CHANGES.len()];
    if token.as_bytes()[position] == replacement {
        return None;
    }
    let mut bytes = token.as_bytes().to_vec();
    bytes[position] = replacement;
    // Both characters are ASCII: the text stays UTF-8.
    String::from_utf8(bytes).ok()
}

/// Splits fuzz input at the first `separator`: the bytes before it and after it (all of it, and nothing, without
/// one).
pub fn split_at_byte(data: &[u8], separator: u8) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == separator) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_decoder_agrees_with_the_encoder() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(base64url_decode(&b64(&bytes)), Some(bytes));
        }
        assert_eq!(base64url_decode("AB"), None);
        assert_eq!(base64url_decode("AQ"), Some(vec![1]));
        assert_eq!(base64url_decode("A"), None);
        assert_eq!(base64url_decode("AQ=="), None);
        assert_eq!(base64url_decode("A+"), None);
    }
}
