//! Wrapping the content key under a shared key: AES Key Wrap (RFC 3394, RFC 7518 §4.4) and AES-GCM key
//! encryption (§4.7). AES-128 and AES-256 key wrap run on AWS-LC's `key_wrap`; it has no AES-192, so A192KW
//! runs RFC 3394 over AWS-LC's AES block cipher (checked against the RFC's vectors and against AWS-LC).

use aws_lc_rs::cipher::{
    DecryptingKey, DecryptionContext, EncryptingKey, UnboundCipherKey, AES_192,
};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::key_wrap::{AesKek, KeyWrap, AES_128, AES_256};
use zeroize::Zeroizing;

use super::content::GcmKey;
use crate::error::{Error, Result};

/// RFC 3394 §2.2.3.1's initial value.
const DEFAULT_IV: [u8; 8] = [0xa6; 8];

fn failed() -> Error {
    Error::decryption_failed()
}

/// Wraps `cek` (a multiple of 8 bytes, at least 16) under `kek` (16, 24 or 32 bytes).
pub fn wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>> {
    let mut out = vec![0u8; cek.len() + 8];
    match kek.len() {
        16 | 32 => {
            let cipher = if kek.len() == 16 { &AES_128 } else { &AES_256 };
            let kek = AesKek::new(cipher, kek).map_err(|_| failed())?;
            let len = kek.wrap(cek, &mut out).map_err(|_| failed())?.len();
            out.truncate(len);
        }
        24 => wrap_192(kek, cek, &mut out)?,
        _ => return Err(failed()),
    }
    Ok(out)
}

/// Unwraps a wrapped key; `None` when it does not unwrap under `kek` (the caller turns that into the one
/// decryption error).
pub fn unwrap(kek: &[u8], wrapped: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return None;
    }
    let mut out = Zeroizing::new(vec![0u8; wrapped.len() - 8]);
    match kek.len() {
        16 | 32 => {
            let cipher = if kek.len() == 16 { &AES_128 } else { &AES_256 };
            let kek = AesKek::new(cipher, kek).ok()?;
            let len = kek.unwrap(wrapped, &mut out).ok()?.len();
            out.truncate(len);
        }
        24 => unwrap_192(kek, wrapped, &mut out)?,
        _ => return None,
    }
    Some(out)
}

fn wrap_192(kek: &[u8], cek: &[u8], out: &mut [u8]) -> Result<()> {
    if cek.len() < 16 || !cek.len().is_multiple_of(8) {
        return Err(failed());
    }
    let key = UnboundCipherKey::new(&AES_192, kek)
        .and_then(EncryptingKey::ecb)
        .map_err(|_| failed())?;
    let n = cek.len() / 8;
    let mut a = DEFAULT_IV;
    out[8..].copy_from_slice(cek);
    let mut block = Zeroizing::new([0u8; 16]);
    for j in 0..6u64 {
        for i in 1..=n {
            block[..8].copy_from_slice(&a);
            block[8..].copy_from_slice(&out[i * 8..i * 8 + 8]);
            key.encrypt(&mut block[..]).map_err(|_| failed())?;
            let t = (n as u64) * j + i as u64;
            for (k, byte) in t.to_be_bytes().iter().enumerate() {
                a[k] = block[k] ^ byte;
            }
            out[i * 8..i * 8 + 8].copy_from_slice(&block[8..]);
        }
    }
    out[..8].copy_from_slice(&a);
    Ok(())
}

fn unwrap_192(kek: &[u8], wrapped: &[u8], out: &mut [u8]) -> Option<()> {
    let key = UnboundCipherKey::new(&AES_192, kek)
        .and_then(DecryptingKey::ecb)
        .ok()?;
    let n = wrapped.len() / 8 - 1;
    let mut a = [0u8; 8];
    a.copy_from_slice(&wrapped[..8]);
    out.copy_from_slice(&wrapped[8..]);
    let mut block = Zeroizing::new([0u8; 16]);
    for j in (0..6u64).rev() {
        for i in (1..=n).rev() {
            let t = (n as u64) * j + i as u64;
            for (k, byte) in t.to_be_bytes().iter().enumerate() {
                block[k] = a[k] ^ byte;
            }
            block[8..].copy_from_slice(&out[(i - 1) * 8..i * 8]);
            key.decrypt(&mut block[..], DecryptionContext::None).ok()?;
            a.copy_from_slice(&block[..8]);
            out[(i - 1) * 8..i * 8].copy_from_slice(&block[8..]);
        }
    }
    verify_slices_are_equal(&a, &DEFAULT_IV).ok()
}

/// AES-GCM key encryption: the wrapped key and the tag; the IV is the caller's (random, 96 bits).
pub fn gcm_wrap(kek: &[u8], iv: &[u8], cek: &[u8]) -> Result<(Vec<u8>, [u8; 16])> {
    let key = GcmKey::new(kek).ok_or_else(failed)?;
    let mut wrapped = cek.to_vec();
    let tag = key.seal(iv, &[], &mut wrapped)?;
    Ok((wrapped, tag))
}

pub fn gcm_unwrap(kek: &[u8], iv: &[u8], tag: &[u8], wrapped: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let key = GcmKey::new(kek)?;
    let mut cek = Zeroizing::new(wrapped.to_vec());
    key.open(iv, &[], &mut cek, tag).ok()?;
    Some(cek)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwe::hex;

    /// RFC 3394 §4.1–4.3: 128 bits of key data under 128-, 192- and 256-bit KEKs.
    #[test]
    fn rfc3394_vectors() {
        let data = hex("00112233445566778899AABBCCDDEEFF");
        for (kek, expected) in [
            (
                "000102030405060708090A0B0C0D0E0F",
                "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
            ),
            (
                "000102030405060708090A0B0C0D0E0F1011121314151617",
                "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D",
            ),
            (
                "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
                "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7",
            ),
        ] {
            let kek = hex(kek);
            let wrapped = wrap(&kek, &data).unwrap();
            assert_eq!(wrapped, hex(expected));
            assert_eq!(unwrap(&kek, &wrapped).unwrap().as_slice(), &data[..]);
        }
    }

    /// The block-cipher implementation (used for AES-192) agrees with AWS-LC's for the sizes AWS-LC has.
    #[test]
    fn block_cipher_wrap_matches_aws_lc() {
        let cek: Vec<u8> = (0..64u8).collect();
        for len in [16usize, 24, 32, 48, 64] {
            let kek = [9u8; 32];
            let expected = wrap(&kek, &cek[..len]).unwrap();
            // The same algorithm over AES-256 ECB.
            let key = UnboundCipherKey::new(&aws_lc_rs::cipher::AES_256, &kek)
                .and_then(EncryptingKey::ecb)
                .unwrap();
            let n = len / 8;
            let mut a = DEFAULT_IV;
            let mut r = cek[..len].to_vec();
            for j in 0..6u64 {
                for i in 1..=n {
                    let mut block = [0u8; 16];
                    block[..8].copy_from_slice(&a);
                    block[8..].copy_from_slice(&r[(i - 1) * 8..i * 8]);
                    key.encrypt(&mut block).unwrap();
                    let t = (n as u64 * j + i as u64).to_be_bytes();
                    for k in 0..8 {
                        a[k] = block[k] ^ t[k];
                    }
                    r[(i - 1) * 8..i * 8].copy_from_slice(&block[8..]);
                }
            }
            assert_eq!(&expected[..8], &a);
            assert_eq!(&expected[8..], &r[..]);
        }
    }

    #[test]
    fn tampered_or_wrong_keys_do_not_unwrap() {
        for kek_len in [16usize, 24, 32] {
            let kek = vec![3u8; kek_len];
            let wrapped = wrap(&kek, &[5u8; 32]).unwrap();
            let mut tampered = wrapped.clone();
            tampered[10] ^= 1;
            assert!(unwrap(&kek, &tampered).is_none());
            assert!(unwrap(&vec![4u8; kek_len], &wrapped).is_none());
            assert!(unwrap(&kek, &wrapped[..wrapped.len() - 8]).is_none());
            assert!(unwrap(&kek, &wrapped[..7]).is_none());
        }
    }

    #[test]
    fn gcm_key_wrap_round_trips_and_checks_its_tag() {
        let kek = [1u8; 24];
        let iv = [2u8; 12];
        let (wrapped, tag) = gcm_wrap(&kek, &iv, &[7u8; 32]).unwrap();
        assert_eq!(
            gcm_unwrap(&kek, &iv, &tag, &wrapped).unwrap().as_slice(),
            &[7u8; 32]
        );
        let mut bad = tag;
        bad[0] ^= 1;
        assert!(gcm_unwrap(&kek, &iv, &bad, &wrapped).is_none());
        assert!(gcm_unwrap(&kek, &iv[..11], &tag, &wrapped).is_none());
    }
}
