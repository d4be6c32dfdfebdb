//! PBES2 (RFC 7518 §4.8): a key-wrapping key derived from a password with PBKDF2, then AES Key Wrap. Decryption
//! runs PBKDF2 with the token's own iteration count, so it is refused unless the caller caps that count. PBKDF2 runs
//! on AWS-LC: 1.16x ring's speed here (src/jwe/backends.rs).

use std::num::NonZeroU32;

use aws_lc_rs::pbkdf2;
use zeroize::Zeroizing;

use super::algorithm::{AesSize, KeyManagement};

/// RFC 7518 §4.8.1.2: at least 1000 iterations.
pub const MIN_COUNT: u32 = 1000;

/// The iteration count of new tokens when `pbes2Count` is not given: OWASP's 2023 figure for PBKDF2-HMAC-SHA256
/// is 600,000; this is lower so that decrypting stays near 50 ms here, and callers who can afford more should
/// pass more. Recipients must allow at least this much in `maxPbes2Count`.
pub const DEFAULT_COUNT: u32 = 100_000;

/// RFC 7518 §4.8.1.1: a salt input of at least 8 octets.
pub const MIN_SALT_LEN: usize = 8;

/// The salt input of new tokens: 128 bits.
pub const SALT_LEN: usize = 16;

/// The key-wrapping key: PBKDF2 over `UTF8(alg) ‖ 0x00 ‖ p2s` (§4.8.1.1), with the hash the name gives.
pub fn derive(
    size: AesSize,
    password: &[u8],
    salt_input: &[u8],
    count: NonZeroU32,
) -> Zeroizing<Vec<u8>> {
    let algorithm = match size {
        AesSize::A128 => pbkdf2::PBKDF2_HMAC_SHA256,
        AesSize::A192 => pbkdf2::PBKDF2_HMAC_SHA384,
        AesSize::A256 => pbkdf2::PBKDF2_HMAC_SHA512,
    };
    let name = KeyManagement::Pbes2(size).name();
    let mut salt = Vec::with_capacity(name.len() + 1 + salt_input.len());
    salt.extend_from_slice(name.as_bytes());
    salt.push(0);
    salt.extend_from_slice(salt_input);
    let mut key = Zeroizing::new(vec![0u8; size.bytes()]);
    pbkdf2::derive(algorithm, count, &salt, password, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};

    /// RFC 7520 §5.3.4: the derived key-wrapping key is what unwraps the example's encrypted key.
    #[test]
    fn rfc7520_5_3_derivation_unwraps_the_example_key() {
        let kek = derive(
            AesSize::A256,
            "entrap_o\u{2013}peter_long\u{2013}credit_tun".as_bytes(),
            &B64.decode("8Q1SzinasR3xchYz6ZZcHA").unwrap(),
            NonZeroU32::new(8192).unwrap(),
        );
        let wrapped = B64
            .decode("d3qNhUWfqheyPp4H8sjOWsDYajoej4c5Je6rlUtFPWdgtURtmeDV1g")
            .unwrap();
        let cek = super::super::keywrap::unwrap(&kek, &wrapped).unwrap();
        assert_eq!(
            B64.encode(cek.as_slice()),
            "uwsjJXaBK407Qaf0_zpcpmr1Cs0CC50hIUEyGNEt3m0"
        );
    }
}
