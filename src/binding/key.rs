//! `NativeKey`: a key parsed once, shared by every signer and verifier made from it.

use std::sync::Arc;

use napi::Result;
use napi_derive::napi;

use super::error::to_napi;
use crate::key::Key;

#[napi]
pub struct NativeKey {
    pub(crate) inner: Arc<Key>,
}

#[napi]
impl NativeKey {
    /// An HMAC secret from its raw bytes.
    #[napi(factory, catch_unwind)]
    pub fn secret(bytes: &[u8]) -> Self {
        Self {
            inner: Arc::new(Key::secret(bytes)),
        }
    }

    /// A private key from PKCS#8 DER, as `KeyObject.export({ type: 'pkcs8', format: 'der' })` gives it.
    #[napi(factory, catch_unwind)]
    pub fn private_key(pkcs8: &[u8]) -> Result<Self> {
        let key = Key::from_pkcs8(pkcs8).map_err(to_napi)?;
        Ok(Self {
            inner: Arc::new(key),
        })
    }

    /// A public key from SPKI DER, as `KeyObject.export({ type: 'spki', format: 'der' })` gives it.
    #[napi(factory, catch_unwind)]
    pub fn public_key(spki: &[u8]) -> Result<Self> {
        let key = Key::from_spki(spki).map_err(to_napi)?;
        Ok(Self {
            inner: Arc::new(key),
        })
    }

    /// The curve of an EC key as read from its DER (OpenSSL's name: `prime256v1`, `secp384r1`, `secp521r1`),
    /// `null` for other keys.
    #[napi(getter)]
    pub fn curve(&self) -> Option<&'static str> {
        self.inner.curve().map(|curve| curve.openssl_name())
    }

    /// The modulus size of an RSA key, `null` for other keys.
    #[napi(getter)]
    pub fn rsa_bits(&self) -> Option<u32> {
        self.inner
            .rsa_bits()
            .and_then(|bits| u32::try_from(bits).ok())
    }
}

/// The keyed digest of key material (see `crate::key_digest`), base64url: the JS key caches' lookup key.
#[napi(catch_unwind)]
#[cfg_attr(test, allow(dead_code))]
pub fn key_digest(context: String, key: &[u8], extra: &[u8]) -> String {
    use base64::Engine;
    let digest = crate::key_digest::key_digest(context.as_bytes(), key, extra);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}
