//! RSA key transport (RFC 7518 §4.2, §4.3) on AWS-LC, which holds RSA-OAEP (ring has no RSA encryption).

use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256};
use zeroize::Zeroizing;

use super::algorithm::KeyManagement;
use super::key::{RsaPrivate, RsaPublic};
use crate::error::{Error, Result};

pub fn encrypt_key(alg: KeyManagement, key: &RsaPublic, cek: &[u8]) -> Result<Vec<u8>> {
    let failed = |_| Error::new(crate::error::Code::KeyInvalid, "RSA encryption failed");
    let mut out = vec![0u8; key.oaep.ciphertext_size()];
    let len = match alg {
        KeyManagement::RsaOaep => key
            .oaep
            .encrypt(&OAEP_SHA1_MGF1SHA1, cek, &mut out, None)
            .map_err(failed)?,
        KeyManagement::RsaOaep256 => key
            .oaep
            .encrypt(&OAEP_SHA256_MGF1SHA256, cek, &mut out, None)
            .map_err(failed)?,
        _ => key.pkcs1.encrypt(cek, &mut out).map_err(failed)?,
    }
    .len();
    out.truncate(len);
    Ok(out)
}

/// The decrypted content key, or `None`. The caller goes on with a random key when this fails, so an RSA
/// padding failure takes the same path and time as a wrong tag (RFC 7516 §11.5, RFC 3218 §2.3.2).
pub fn decrypt_key(
    alg: KeyManagement,
    key: &RsaPrivate,
    encrypted: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; key.oaep.min_output_size()]);
    let len = match alg {
        KeyManagement::RsaOaep => key
            .oaep
            .decrypt(&OAEP_SHA1_MGF1SHA1, encrypted, &mut out, None)
            .ok()?,
        KeyManagement::RsaOaep256 => key
            .oaep
            .decrypt(&OAEP_SHA256_MGF1SHA256, encrypted, &mut out, None)
            .ok()?,
        _ => key.pkcs1.decrypt(encrypted, &mut out).ok()?,
    }
    .len();
    out.truncate(len);
    Some(out)
}
