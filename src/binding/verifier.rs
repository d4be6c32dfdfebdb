//! Verifiers: a key and a prepared `Policy` that check tokens. Options arrive already validated and
//! normalised by `lib/verify.js`; this layer only moves them into the core types.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, External};
use napi::{Env, Result, Task};
use napi_derive::napi;

use super::cancellation::{self, Cancellation};
use super::error::{invalid_option, to_napi};
use super::key::NativeKey;
use super::text::{self, JsString, JsText};
use crate::algorithm::{Algorithm, AlgorithmSet};
use crate::key::Key;
use crate::policy::{Audience, Issuer, MaxAge, Policy};
use crate::token;

/// `verify` options, normalised by the JS layer.
#[napi(object)]
pub struct VerifierOptions {
    pub algorithms: Vec<String>,
    pub algorithms_given: bool,
    /// The audience strings, matched in Rust; absent when `audience_by_caller`.
    pub audience: Option<Vec<String>>,
    /// `audience` holds a RegExp: JS matches the whole audience option (see `Audience::Caller`).
    pub audience_by_caller: Option<bool>,
    pub audience_expected: Option<String>,
    pub issuer: Option<Vec<String>>,
    pub issuer_is_list: Option<bool>,
    pub issuer_expected: Option<String>,
    pub subject: Option<String>,
    pub jwtid: Option<String>,
    pub nonce: Option<String>,
    pub typ: Option<String>,
    pub required_claims: Option<Vec<String>>,
    pub ignore_expiration: Option<bool>,
    pub ignore_not_before: Option<bool>,
    pub clock_tolerance: Option<f64>,
    pub max_age_seconds: Option<f64>,
    pub max_age_millis: Option<f64>,
    pub allow_insecure_key_sizes: Option<bool>,
    pub strict: Option<bool>,
}

pub(super) fn policy(options: VerifierOptions) -> Result<Policy> {
    let mut algorithms = AlgorithmSet::default();
    for name in &options.algorithms {
        algorithms.insert(
            Algorithm::parse(name).ok_or_else(|| invalid_option("\"algorithms\" must be valid"))?,
        );
    }
    let expected = options.audience_expected.unwrap_or_default();
    let audience = match (options.audience_by_caller, options.audience) {
        (Some(true), _) => Some((Audience::Caller, expected)),
        (_, Some(list)) => Some((Audience::Exact(list), expected)),
        _ => None,
    };
    let issuer = options.issuer.map(|mut list| {
        let expected = options.issuer_expected.unwrap_or_default();
        if options.issuer_is_list.unwrap_or(false) || list.len() != 1 {
            (Issuer::AnyOf(list), expected)
        } else {
            (Issuer::One(list.remove(0)), expected)
        }
    });
    let max_age = match (options.max_age_seconds, options.max_age_millis) {
        (Some(seconds), _) => Some(MaxAge::Seconds(seconds)),
        (None, Some(ms)) => Some(MaxAge::Millis(ms)),
        _ => None,
    };
    Ok(Policy {
        algorithms,
        algorithms_given: options.algorithms_given,
        audience,
        issuer,
        subject: options.subject,
        jwtid: options.jwtid,
        nonce: options.nonce,
        typ: options.typ,
        required_claims: options.required_claims.unwrap_or_default(),
        ignore_expiration: options.ignore_expiration.unwrap_or(false),
        ignore_not_before: options.ignore_not_before.unwrap_or(false),
        clock_tolerance: options.clock_tolerance.unwrap_or(0.0),
        max_age,
        allow_insecure_key_sizes: options.allow_insecure_key_sizes.unwrap_or(false),
        strict: options.strict.unwrap_or(false),
    })
}

/// A key (none for unsigned tokens) and a prepared policy. It reaches JS as an `External`, which the per-token
/// functions below take as their first argument, for the reason given in `signer.rs`.
#[derive(Clone)]
pub struct Verifier {
    pub(super) key: Option<Arc<Key>>,
    pub(super) policy: Arc<Policy>,
}

#[napi]
impl NativeKey {
    /// A verifier that checks tokens with this key and these options.
    #[napi(catch_unwind, ts_return_type = "ExternalObject<'Verifier'>")]
    pub fn verifier(&self, options: VerifierOptions) -> Result<External<Verifier>> {
        Ok(External::new(Verifier {
            key: Some(self.inner.clone()),
            policy: Arc::new(policy(options)?),
        }))
    }
}

/// A verifier without a key: only unsigned tokens, and only when `algorithms` lists "none".
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "ExternalObject<'Verifier'>")]
pub fn unsecured_verifier(options: VerifierOptions) -> Result<External<Verifier>> {
    Ok(External::new(Verifier {
        key: None,
        policy: Arc::new(policy(options)?),
    }))
}

/// As the verifier's bound `verify` (`bound.rs`), returning `[header, payload]` texts.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "string[]")]
pub fn verify_complete(
    #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
    #[napi(ts_arg_type = "string")] token: JsText,
    now: f64,
) -> Result<Vec<JsString>> {
    verifier.verify_into(&token, now).map(parts)
}

/// The audience step, with JS's verdict on the RegExp audience, and the checks after it, for a payload that
/// `verify` returned.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn finish_audience(
    #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
    #[napi(ts_arg_type = "string")] payload: JsText,
    now: f64,
    matched: bool,
) -> Result<()> {
    token::finish_audience(&payload, &verifier.policy, now, matched).map_err(to_napi)
}

/// `verifyComplete` for an RSA key under 2048 bits (`allowInsecureKeySizes`): node:crypto has checked the
/// signature, and `signatureValid` is its verdict.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "string[]")]
pub fn verify_legacy_rsa(
    #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
    #[napi(ts_arg_type = "string")] token: JsText,
    now: f64,
    signature_valid: bool,
) -> Result<Vec<JsString>> {
    let key = verifier
        .key
        .as_deref()
        .ok_or_else(|| invalid_option("a legacy RSA verifier needs a key"))?;
    token::verify_legacy_rsa(&token, key, &verifier.policy, now, signature_valid)
        .map(parts)
        .map_err(to_napi)
}

/// `verifyComplete` on the libuv thread pool.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "Promise<string[]>")]
pub fn verify_async(
    #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
    #[napi(ts_arg_type = "string")] token: JsText,
    now: f64,
) -> AsyncTask<VerifyTask> {
    AsyncTask::new(verifier.task(token.into_string(), now, None))
}

/// `verifyAsync` that does not start once `cancellation` is cancelled.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "Promise<string[]>")]
pub fn verify_async_cancellable(
    #[napi(ts_arg_type = "ExternalObject<'Verifier'>")] verifier: &External<Verifier>,
    #[napi(ts_arg_type = "string")] token: JsText,
    now: f64,
    cancellation: &Cancellation,
) -> AsyncTask<VerifyTask> {
    AsyncTask::new(verifier.task(token.into_string(), now, Some(cancellation.flag())))
}

impl Verifier {
    /// Verifies, decoding into kept buffers (see `text::buffer`).
    pub(super) fn verify_into(&self, token: &str, now: f64) -> Result<token::Verified> {
        let texts = token::Texts {
            header: text::buffer(),
            payload: text::buffer(),
        };
        token::verify_into(token, self.key.as_deref(), &self.policy, now, texts).map_err(to_napi)
    }

    fn task(&self, token: String, now: f64, cancelled: Option<Arc<AtomicBool>>) -> VerifyTask {
        VerifyTask {
            key: self.key.clone(),
            policy: self.policy.clone(),
            token,
            now,
            cancelled,
        }
    }
}

/// Decodes a token without verifying anything: `[header, payload, signature]` texts, as jsonwebtoken's
/// `decode` sees them, or an error for a token it would return `null` for.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind, ts_return_type = "string[]")]
pub fn decode_token(#[napi(ts_arg_type = "string")] token: JsText) -> Result<Vec<JsString>> {
    let decoded = token::decode(&token).map_err(to_napi)?;
    Ok(vec![
        JsString(decoded.header),
        JsString(decoded.payload),
        JsString(decoded.signature.to_owned()),
    ])
}

/// `[header, payload]` texts of a verified token.
fn parts(verified: token::Verified) -> Vec<JsString> {
    vec![JsString(verified.header), JsString(verified.payload)]
}

pub struct VerifyTask {
    key: Option<Arc<Key>>,
    policy: Arc<Policy>,
    token: String,
    now: f64,
    cancelled: Option<Arc<AtomicBool>>,
}

impl Task for VerifyTask {
    type Output = crate::error::Result<token::Verified>;
    type JsValue = Vec<JsString>;

    fn compute(&mut self) -> Result<Self::Output> {
        cancellation::check(&self.cancelled)?;
        Ok(token::verify(
            &self.token,
            self.key.as_deref(),
            &self.policy,
            self.now,
        ))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        output.map(parts).map_err(to_napi)
    }
}
