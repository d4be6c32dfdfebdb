//! DPoP for JS: `NativeDpopVerifier` (a prepared proof policy), `NativeReplayCache` (the in-memory `jti` record),
//! and the two hashes a client and a server both need (the JWK thumbprint and `ath`).

use napi::Result;
use napi_derive::napi;
use serde_json::Value;

use super::error::{invalid_option, to_napi};
use crate::algorithm::{Algorithm, AlgorithmSet, Family};
use crate::dpop::{self, Expected, ProofPolicy};
use crate::error::{Code, Error};
use crate::jwk::{self, Digest};
use crate::replay::ReplayCache;

/// `verifyDpopProof` options, checked by `lib/dpop.js`.
#[napi(object)]
pub struct DpopVerifierOptions {
    pub algorithms: Vec<String>,
    pub max_age: f64,
    pub clock_tolerance: f64,
}

/// A proof that passed, for `lib/dpop.js` to finish (`htu`, replay) and hand back.
#[napi(object)]
pub struct DpopProof {
    pub header: String,
    pub payload: String,
    pub htu: String,
    pub jkt: String,
    pub replay_id: String,
    pub remember_until: f64,
}

#[napi]
pub struct NativeDpopVerifier {
    policy: ProofPolicy,
}

#[napi]
impl NativeDpopVerifier {
    #[napi(constructor, catch_unwind)]
    pub fn new(options: DpopVerifierOptions) -> Result<Self> {
        let mut algorithms = AlgorithmSet::default();
        for name in &options.algorithms {
            match Algorithm::parse(name).map(|alg| (alg, alg.family())) {
                Some((alg, Family::Rsa | Family::Ec | Family::Ed)) => algorithms.insert(alg),
                _ => {
                    return Err(invalid_option(
                        "DPoP \"algorithms\" must be asymmetric JWS algorithms",
                    ))
                }
            }
        }
        Ok(Self {
            policy: ProofPolicy {
                algorithms,
                max_age: options.max_age,
                clock_tolerance: options.clock_tolerance,
            },
        })
    }

    /// Verifies `proof` for a request with method `htm`, at `now` (unix seconds from the JS clock).
    #[napi(catch_unwind)]
    pub fn verify(
        &self,
        proof: String,
        htm: String,
        access_token: Option<String>,
        jkt: Option<String>,
        nonces: Option<Vec<String>>,
        now: f64,
    ) -> Result<DpopProof> {
        let expected = Expected {
            htm: &htm,
            access_token: access_token.as_deref(),
            jkt: jkt.as_deref(),
            nonces: nonces.as_deref(),
        };
        let proof = dpop::verify_proof(&proof, &self.policy, &expected, now).map_err(to_napi)?;
        Ok(DpopProof {
            header: proof.header,
            payload: proof.payload,
            htu: proof.htu,
            jkt: proof.jkt,
            replay_id: proof.replay_id,
            remember_until: proof.remember_until,
        })
    }
}

/// The RFC 7638 thumbprint of the JWK in `json` (JSON text of an object), with `digest` (sha256, sha384, sha512).
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn jwk_thumbprint(json: String, digest: String) -> Result<String> {
    let digest = Digest::parse(&digest)
        .ok_or_else(|| invalid_option("\"digest\" must be \"sha256\", \"sha384\" or \"sha512\""))?;
    let Ok(Value::Object(jwk)) = serde_json::from_str::<Value>(&json) else {
        return Err(to_napi(Error::new(
            Code::KeyInvalid,
            "JWK must be an object",
        )));
    };
    jwk::thumbprint(&jwk, digest).map_err(to_napi)
}

/// The `ath` of an access token: base64url SHA-256 of its text.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn dpop_access_token_hash(token: String) -> String {
    dpop::access_token_hash(&token)
}

#[napi]
pub struct NativeReplayCache {
    inner: ReplayCache,
}

#[napi]
impl NativeReplayCache {
    #[napi(constructor, catch_unwind)]
    pub fn new(capacity: u32) -> Self {
        Self {
            inner: ReplayCache::new(capacity as usize),
        }
    }

    /// True the first time `id` is seen before `until`; false for a replay.
    #[napi(catch_unwind)]
    pub fn remember(&mut self, id: String, until: f64, now: f64) -> Result<bool> {
        self.inner.remember(&id, until, now).map_err(to_napi)
    }

    /// When the next room frees (unix seconds): the `until` of the oldest entry, or null when empty.
    #[napi(getter, catch_unwind)]
    pub fn next_expiry(&self) -> Option<f64> {
        self.inner.next_expiry()
    }

    #[napi(getter, catch_unwind)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}
