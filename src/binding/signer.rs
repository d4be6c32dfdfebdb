//! `NativeSigner`: a key and an algorithm, checked once, that turn header and payload JSON into tokens.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Result, Task};
use napi_derive::napi;

use super::cancellation::{self, Cancellation};
use super::error::{invalid_option, to_napi};
use super::key::NativeKey;
use super::text::{self, JsString, JsText};
use crate::algorithm::Algorithm;
use crate::key::{Key, Role};
use crate::token;

#[napi]
pub struct NativeSigner {
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
    #[napi(catch_unwind)]
    pub fn signer(&self, alg: String, allow_insecure_key_sizes: bool) -> Result<NativeSigner> {
        let alg = parse_algorithm(&alg)?;
        self.inner
            .check(alg, Role::Sign, allow_insecure_key_sizes)
            .map_err(to_napi)?;
        Ok(NativeSigner {
            key: Some(self.inner.clone()),
            alg,
        })
    }
}

#[napi]
impl NativeSigner {
    /// A signer for unsecured (`alg: "none"`) tokens.
    #[napi(factory, catch_unwind)]
    pub fn unsecured() -> Self {
        Self {
            key: None,
            alg: Algorithm::None,
        }
    }

    /// Signs a token from the header JSON and the payload text, both written as UTF-8 (RFC 7515 §5.1).
    /// jsonwebtoken writes the header as latin1, which differs only for non-ASCII header values: those would
    /// not be UTF-8, and `verify` refuses such headers.
    #[napi(catch_unwind, ts_return_type = "string")]
    pub fn sign(
        &self,
        #[napi(ts_arg_type = "string")] header: JsText,
        #[napi(ts_arg_type = "string")] payload: JsText,
    ) -> Result<JsString> {
        self.sign_into(&header, payload.as_bytes())
    }

    /// Signs a token whose payload is already encoded bytes (an `encoding` other than UTF-8).
    #[napi(catch_unwind, ts_return_type = "string")]
    pub fn sign_bytes(
        &self,
        #[napi(ts_arg_type = "string")] header: JsText,
        payload: &[u8],
    ) -> Result<JsString> {
        self.sign_into(&header, payload)
    }

    /// `sign` on the libuv thread pool.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn sign_async(
        &self,
        #[napi(ts_arg_type = "string")] header: JsText,
        #[napi(ts_arg_type = "string")] payload: JsText,
    ) -> AsyncTask<SignTask> {
        AsyncTask::new(self.task(header.into_string(), payload.into_string(), None))
    }

    /// `signAsync` that does not start once `cancellation` is cancelled.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn sign_async_cancellable(
        &self,
        #[napi(ts_arg_type = "string")] header: JsText,
        #[napi(ts_arg_type = "string")] payload: JsText,
        cancellation: &Cancellation,
    ) -> AsyncTask<SignTask> {
        AsyncTask::new(self.task(
            header.into_string(),
            payload.into_string(),
            Some(cancellation.flag()),
        ))
    }
}

impl NativeSigner {
    /// Signs into a kept buffer (see `text::buffer`).
    fn sign_into(&self, header: &str, payload: &[u8]) -> Result<JsString> {
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
