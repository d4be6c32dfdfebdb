//! Signers: a key and an algorithm, checked once, that turn header and payload JSON into tokens.
//!
//! A signer reaches JS as an `External`, which the per-token functions below take as their first argument. A
//! method of a napi-rs class (`&self`) costs about 0.1 µs more per call: napi-rs records each borrow of a class
//! instance in a process-wide table and releases it after the call, where an External is only checked for its
//! type. `lib/handles.js` gives the handle back its method form.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, External};
use napi::{Env, Result, Task};
use napi_derive::napi;

use super::cancellation::{self, Cancellation};
use super::error::{invalid_option, to_napi};
use super::key::NativeKey;
use super::text::{self, JsString, JsText};
use crate::algorithm::Algorithm;
use crate::key::{Key, Role};
use crate::token;

#[derive(Clone)]
pub struct Signer {
    key: Option<Arc<Key>>,
    alg: Algorithm,
}

fn parse_algorithm(alg: &str) -> Result<Algorithm> {
    Algorithm::parse(alg)
        .ok_or_else(|| invalid_option("\"algorithm\" must be a valid string enum value"))
}

#[napi]
impl NativeKey {
    /// A signer for `alg`, after the key checks of RFC 8725 (type, curve, size).
    #[napi(catch_unwind, ts_return_type = "ExternalObject<'Signer'>")]
    pub fn signer(&self, alg: String, allow_insecure_key_sizes: bool) -> Result<External<Signer>> {
        let alg = parse_algorithm(&alg)?;
        self.inner
            .check(alg, Role::Sign, allow_insecure_key_sizes)
            .map_err(to_napi)?;
        Ok(External::new(Signer {
            key: Some(self.inner.clone()),
            alg,
        }))
    }
}

/// A signer for unsecured (`alg: "none"`) tokens.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "ExternalObject<'Signer'>")]
pub fn unsecured_signer() -> External<Signer> {
    External::new(Signer {
        key: None,
        alg: Algorithm::None,
    })
}

/// Signs a token whose payload is already encoded bytes (an `encoding` other than UTF-8). The UTF-8 form is the
/// signer's bound `sign` (`bound.rs`).
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "string")]
pub fn sign_bytes(
    #[napi(ts_arg_type = "ExternalObject<'Signer'>")] signer: &External<Signer>,
    #[napi(ts_arg_type = "string")] header: JsText,
    payload: &[u8],
) -> Result<JsString> {
    signer.sign_into(&header, payload)
}

/// `sign` on the libuv thread pool.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "Promise<string>")]
pub fn sign_async(
    #[napi(ts_arg_type = "ExternalObject<'Signer'>")] signer: &External<Signer>,
    #[napi(ts_arg_type = "string")] header: JsText,
    #[napi(ts_arg_type = "string")] payload: JsText,
) -> AsyncTask<SignTask> {
    AsyncTask::new(signer.task(header.into_string(), payload.into_string(), None))
}

/// `signAsync` that does not start once `cancellation` is cancelled.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "Promise<string>")]
pub fn sign_async_cancellable(
    #[napi(ts_arg_type = "ExternalObject<'Signer'>")] signer: &External<Signer>,
    #[napi(ts_arg_type = "string")] header: JsText,
    #[napi(ts_arg_type = "string")] payload: JsText,
    cancellation: &Cancellation,
) -> AsyncTask<SignTask> {
    AsyncTask::new(signer.task(
        header.into_string(),
        payload.into_string(),
        Some(cancellation.flag()),
    ))
}

impl Signer {
    /// Signs into a kept buffer (see `text::buffer`).
    pub(super) fn sign_into(&self, header: &str, payload: &[u8]) -> Result<JsString> {
        let mut token = text::buffer();
        token::encode_into(
            self.key.as_deref(),
            self.alg,
            header.as_bytes(),
            payload,
            &mut token,
        )
        .map_err(to_napi)?;
        Ok(JsString(token))
    }

    fn task(
        &self,
        header: String,
        payload: String,
        cancelled: Option<Arc<AtomicBool>>,
    ) -> SignTask {
        SignTask {
            key: self.key.clone(),
            alg: self.alg,
            header: header.into_bytes(),
            payload: payload.into_bytes(),
            cancelled,
        }
    }
}

pub struct SignTask {
    key: Option<Arc<Key>>,
    alg: Algorithm,
    header: Vec<u8>,
    payload: Vec<u8>,
    cancelled: Option<Arc<AtomicBool>>,
}

impl Task for SignTask {
    type Output = crate::error::Result<String>;
    type JsValue = JsString;

    fn compute(&mut self) -> Result<Self::Output> {
        cancellation::check(&self.cancelled)?;
        Ok(token::encode(
            self.key.as_deref(),
            self.alg,
            &self.header,
            &self.payload,
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        output.map(JsString).map_err(to_napi)
    }
}
