//! `NativeJweKey`, `NativeEncrypter`, `NativeDecrypter`: JWE keys parsed once, and encrypters and decrypters
//! built once from options that `lib/encrypt.js` and `lib/decrypt.js` have already validated.

use std::num::NonZeroU32;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, External};
use napi::{Env, Result, Task};
use napi_derive::napi;

use super::cancellation::{self, Cancellation};
use super::error::{invalid_option, to_napi};
use super::verifier::{policy, Verifier, VerifierOptions};
use crate::jwe::{
    self, pbes2, ContentEncryption, ContentEncryptionSet, DecryptPolicy, EncryptOptions, JweKey,
    KeyManagement, KeyManagementSet, Opened, Payload,
};
use crate::key::Key;
use crate::policy::Policy;

#[napi]
pub struct NativeJweKey {
    inner: Arc<JweKey>,
}

/// `createEncrypter` options after validation.
#[napi(object)]
pub struct EncrypterOptions {
    pub algorithm: String,
    pub encryption: String,
    pub zip: Option<bool>,
    pub pbes2_count: Option<u32>,
}

/// `createDecrypter` options after validation: the allow-lists and the caps.
#[napi(object)]
pub struct DecrypterOptions {
    pub algorithms: Vec<String>,
    pub encryptions: Vec<String>,
    pub max_pbes2_count: Option<u32>,
    pub max_inflated_size: Option<u32>,
}

fn algorithm(name: &str) -> Result<KeyManagement> {
    KeyManagement::parse(name).ok_or_else(|| {
        invalid_option(format!(
            "\"algorithm\" \"{name}\" is not a JWE key management algorithm"
        ))
    })
}

fn encryption(name: &str) -> Result<ContentEncryption> {
    ContentEncryption::parse(name).ok_or_else(|| {
        invalid_option(format!(
            "\"encryption\" \"{name}\" is not a JWE content encryption algorithm"
        ))
    })
}

fn decrypt_policy(options: DecrypterOptions) -> Result<DecryptPolicy> {
    let mut algorithms = KeyManagementSet::default();
    for name in &options.algorithms {
        let alg = algorithm(name)?;
        if matches!(alg, KeyManagement::Pbes2(_)) && options.max_pbes2_count.is_none() {
            return Err(invalid_option("PBES2 algorithms need \"maxPbes2Count\""));
        }
        algorithms.insert(alg);
    }
    let encryptions = options
        .encryptions
        .iter()
        .map(|name| encryption(name))
        .collect::<Result<ContentEncryptionSet>>()?;
    Ok(DecryptPolicy {
        algorithms,
        encryptions,
        max_pbes2_count: options.max_pbes2_count,
        max_inflated_size: options.max_inflated_size.map(|size| size as usize),
    })
}

#[napi]
impl NativeJweKey {
    /// A secret (`dir`, AES key wrap) or a PBES2 password, from its bytes.
    #[napi(factory, catch_unwind)]
    pub fn secret(bytes: &[u8]) -> Self {
        Self {
            inner: Arc::new(JweKey::secret(bytes)),
        }
    }

    /// A decryption key from PKCS#8 DER, with node:crypto's `asymmetricKeyType` and `namedCurve`.
    #[napi(factory, catch_unwind)]
    pub fn private_key(pkcs8: &[u8], key_type: String, curve: Option<String>) -> Result<Self> {
        let key = JweKey::from_pkcs8(pkcs8, &key_type, curve.as_deref()).map_err(to_napi)?;
        Ok(Self {
            inner: Arc::new(key),
        })
    }

    /// An encryption key from SPKI DER.
    #[napi(factory, catch_unwind)]
    pub fn public_key(spki: &[u8], key_type: String, curve: Option<String>) -> Result<Self> {
        let key = JweKey::from_spki(spki, &key_type, curve.as_deref()).map_err(to_napi)?;
        Ok(Self {
            inner: Arc::new(key),
        })
    }

    /// An encrypter for `algorithm` and `encryption`, after checking that this key fits them.
    #[napi(catch_unwind)]
    pub fn encrypter(&self, options: EncrypterOptions) -> Result<NativeEncrypter> {
        let alg = algorithm(&options.algorithm)?;
        let enc = encryption(&options.encryption)?;
        self.inner
            .check(alg, enc, jwe::Direction::Encrypt)
            .map_err(to_napi)?;
        let count = options.pbes2_count.unwrap_or(pbes2::DEFAULT_COUNT);
        let pbes2_count = NonZeroU32::new(count)
            .filter(|count| count.get() >= pbes2::MIN_COUNT)
            .ok_or_else(|| {
                invalid_option(format!(
                    "\"pbes2Count\" must be at least {}",
                    pbes2::MIN_COUNT
                ))
            })?;
        Ok(NativeEncrypter {
            key: self.inner.clone(),
            options: EncryptOptions {
                alg,
                enc,
                zip: options.zip.unwrap_or(false),
                pbes2_count,
            },
        })
    }

    /// A decrypter whose payloads are claims, checked with `claims` (verify's claim options).
    #[napi(catch_unwind)]
    pub fn decrypter(
        &self,
        options: DecrypterOptions,
        claims: VerifierOptions,
    ) -> Result<NativeDecrypter> {
        Ok(NativeDecrypter {
            key: self.inner.clone(),
            policy: Arc::new(decrypt_policy(options)?),
            payload: PayloadCheck::Claims(Arc::new(policy(claims)?)),
        })
    }

    /// A decrypter for nested tokens: the payload is a signed JWT that `verifier` checks (key, algorithms, claims).
    #[napi(catch_unwind)]
    pub fn nested_decrypter(
        &self,
        options: DecrypterOptions,
        #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
    ) -> Result<NativeDecrypter> {
        let key = verifier
            .key
            .clone()
            .ok_or_else(|| invalid_option("\"verify.key\" is required for nested tokens"))?;
        Ok(NativeDecrypter {
            key: self.inner.clone(),
            policy: Arc::new(decrypt_policy(options)?),
            payload: PayloadCheck::Nested(key, verifier.policy.clone()),
        })
    }
}

#[napi]
impl NativeJweKey {
    /// A decrypter that returns the signed JWT inside a nested token without verifying it: for the middleware,
    /// which verifies it next with the key its key function picks. Not exported to users.
    #[napi(catch_unwind)]
    pub fn inner_token_decrypter(&self, options: DecrypterOptions) -> Result<NativeDecrypter> {
        Ok(NativeDecrypter {
            key: self.inner.clone(),
            policy: Arc::new(decrypt_policy(options)?),
            payload: PayloadCheck::InnerToken,
        })
    }
}

#[napi]
pub struct NativeEncrypter {
    key: Arc<JweKey>,
    options: EncryptOptions,
}

#[napi]
impl NativeEncrypter {
    /// Encrypts the payload text (UTF-8) under the protected header JSON.
    #[napi(catch_unwind)]
    pub fn encrypt(&self, header: String, payload: String) -> Result<String> {
        jwe::encrypt(&self.key, &self.options, &header, payload.as_bytes()).map_err(to_napi)
    }

    /// `encrypt` on the libuv thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn encrypt_async(&self, header: String, payload: String) -> AsyncTask<EncryptTask> {
        AsyncTask::new(self.task(header, payload, None))
    }

    /// `encryptAsync` that does not start once `cancellation` is cancelled.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn encrypt_async_cancellable(
        &self,
        header: String,
        payload: String,
        cancellation: &Cancellation,
    ) -> AsyncTask<EncryptTask> {
        AsyncTask::new(self.task(header, payload, Some(cancellation.flag())))
    }
}

impl NativeEncrypter {
    fn task(
        &self,
        header: String,
        payload: String,
        cancelled: Option<Arc<AtomicBool>>,
    ) -> EncryptTask {
        EncryptTask {
            key: self.key.clone(),
            options: self.options,
            header,
            payload,
            cancelled,
        }
    }
}

pub struct EncryptTask {
    key: Arc<JweKey>,
    options: EncryptOptions,
    header: String,
    payload: String,
    cancelled: Option<Arc<AtomicBool>>,
}

impl Task for EncryptTask {
    type Output = crate::error::Result<String>;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        cancellation::check(&self.cancelled)?;
        Ok(jwe::encrypt(
            &self.key,
            &self.options,
            &self.header,
            self.payload.as_bytes(),
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        output.map_err(to_napi)
    }
}

#[derive(Clone)]
enum PayloadCheck {
    Claims(Arc<Policy>),
    Nested(Arc<Key>, Arc<Policy>),
    InnerToken,
}

impl PayloadCheck {
    fn as_payload(&self) -> Payload<'_> {
        match self {
            Self::Claims(policy) => Payload::Claims(policy),
            Self::Nested(key, policy) => Payload::Nested { key, policy },
            Self::InnerToken => Payload::InnerToken,
        }
    }
}

/// Refuses a token whose structure or protected header `decrypt` would refuse, before a key function sees it.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn check_jwe_before_key(token: String) -> Result<()> {
    jwe::check_before_key(&token).map_err(to_napi)
}

#[napi]
pub struct NativeDecrypter {
    key: Arc<JweKey>,
    policy: Arc<DecryptPolicy>,
    payload: PayloadCheck,
}

/// `[header, payload]`, and for a nested token also the JWS header and signature.
fn parts(opened: Opened) -> Vec<String> {
    let mut parts = vec![opened.header, opened.payload];
    if let Some((header, signature)) = opened.signed {
        parts.push(header);
        parts.push(signature);
    }
    parts
}

#[napi]
impl NativeDecrypter {
    /// Decrypts a token at `now` (unix seconds from the JS clock) and returns the payload text.
    #[napi(catch_unwind)]
    pub fn decrypt(&self, token: String, now: f64) -> Result<String> {
        jwe::decrypt_and_check(
            &token,
            &self.key,
            &self.policy,
            &self.payload.as_payload(),
            now,
        )
        .map(|opened| opened.payload)
        .map_err(to_napi)
    }

    /// As `decrypt`, returning the header too (see `parts`).
    #[napi(catch_unwind)]
    pub fn decrypt_complete(&self, token: String, now: f64) -> Result<Vec<String>> {
        jwe::decrypt_and_check(
            &token,
            &self.key,
            &self.policy,
            &self.payload.as_payload(),
            now,
        )
        .map(parts)
        .map_err(to_napi)
    }

    /// The audience step, with JS's verdict on a RegExp audience, and the checks after it, for the payload text
    /// `decrypt` returned (see `token::finish_audience`).
    #[napi(catch_unwind)]
    pub fn finish_audience(&self, payload: String, now: f64, matched: bool) -> Result<()> {
        let policy = match &self.payload {
            PayloadCheck::Claims(policy) | PayloadCheck::Nested(_, policy) => policy,
            PayloadCheck::InnerToken => return Ok(()),
        };
        crate::token::finish_audience(&payload, policy, now, matched).map_err(to_napi)
    }

    /// `decryptComplete` on the libuv thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string[]>")]
    pub fn decrypt_async(&self, token: String, now: f64) -> AsyncTask<DecryptTask> {
        AsyncTask::new(self.task(token, now, None))
    }

    /// `decryptAsync` that does not start once `cancellation` is cancelled.
    #[napi(catch_unwind, ts_return_type = "Promise<string[]>")]
    pub fn decrypt_async_cancellable(
        &self,
        token: String,
        now: f64,
        cancellation: &Cancellation,
    ) -> AsyncTask<DecryptTask> {
        AsyncTask::new(self.task(token, now, Some(cancellation.flag())))
    }
}

impl NativeDecrypter {
    fn task(&self, token: String, now: f64, cancelled: Option<Arc<AtomicBool>>) -> DecryptTask {
        DecryptTask {
            key: self.key.clone(),
            policy: self.policy.clone(),
            payload: self.payload.clone(),
            token,
            now,
            cancelled,
        }
    }
}

pub struct DecryptTask {
    key: Arc<JweKey>,
    policy: Arc<DecryptPolicy>,
    payload: PayloadCheck,
    token: String,
    now: f64,
    cancelled: Option<Arc<AtomicBool>>,
}

impl Task for DecryptTask {
    type Output = crate::error::Result<Opened>;
    type JsValue = Vec<String>;

    fn compute(&mut self) -> Result<Self::Output> {
        cancellation::check(&self.cancelled)?;
        Ok(jwe::decrypt_and_check(
            &self.token,
            &self.key,
            &self.policy,
            &self.payload.as_payload(),
            self.now,
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        output.map(parts).map_err(to_napi)
    }
}
