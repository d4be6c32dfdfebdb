//! DPoP proofs (RFC 9449): a JWT the client signs with its own key for each request, which carries the public
//! half of that key in its header. [`verify_proof`] runs the checks of RFC 9449 §4.3 that need no URL parsing and
//! no memory of earlier proofs: `typ`, the algorithm, a public `jwk`, the signature, the claims, `htm`, the `iat`
//! window, `nonce`, `ath` and the key binding. The caller compares `htu` (a URL, normalised in JS by the WHATWG
//! parser) and remembers `jti` (see [`crate::replay`]).

use ring::digest::{digest, SHA256};
use serde_json::{Map, Value};

use crate::algorithm::{AlgorithmSet, Family};
use crate::base64url;
use crate::error::{Code, Error, Result};
use crate::json;
use crate::jwk::{self, Digest};
use crate::jws;
use crate::key::Role;
use crate::token;

/// The header `typ` of a proof (RFC 9449 §4.2).
pub const TYP: &str = "dpop+jwt";

/// What a proof must match. Built once per verifier by the binding; the JS layer has checked every value.
#[derive(Debug, Clone, Default)]
pub struct ProofPolicy {
    /// Asymmetric algorithms only: the binding refuses HMAC and `none`.
    pub algorithms: AlgorithmSet,
    /// Seconds a proof stays acceptable after its `iat` (and before it, for clocks that run ahead).
    pub max_age: f64,
    pub clock_tolerance: f64,
}

/// What one request expects of its proof.
#[derive(Debug, Clone, Default)]
pub struct Expected<'a> {
    /// The request method, compared exactly (RFC 9110 methods are case-sensitive).
    pub htm: &'a str,
    /// The access token the request presents: the proof's `ath` must be its hash.
    pub access_token: Option<&'a str>,
    /// The thumbprint the access token is bound to (its `cnf.jkt`).
    pub jkt: Option<&'a str>,
    /// Server nonces the proof may carry; when given, a proof without one of them is refused.
    pub nonces: Option<&'a [String]>,
}

/// A proof that passed: its header and payload as JSON text, the values the caller checks or keeps, and the
/// instant (unix seconds) until which its `jti` must be remembered.
#[derive(Debug, Clone, PartialEq)]
pub struct Proof {
    pub header: String,
    pub payload: String,
    pub htu: String,
    /// The RFC 7638 SHA-256 thumbprint of the proof's key.
    pub jkt: String,
    /// base64url SHA-256 of the thumbprint and the `jti`: the replay cache's key, of fixed size whatever the
    /// `jti`, and one key's `jti` never collides with another's.
    pub replay_id: String,
    /// Until when the replay cache keeps the proof: a second past the last instant it is accepted at, since a
    /// cache's entry is alive only before its end and a proof is accepted up to the window's end inclusive.
    pub remember_until: f64,
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(Code::DpopProofInvalid, message)
}

fn jwk_invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(Code::DpopJwkInvalid, message)
}

/// base64url SHA-256 of the ASCII of `token`: the `ath` claim (RFC 9449 §4.2).
pub fn access_token_hash(token: &str) -> String {
    encode(digest(&SHA256, token.as_bytes()).as_ref())
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(base64url::encoded_len(bytes.len()));
    base64url::encode_into(bytes, &mut out);
    out
}

fn string_claim<'a>(claims: &'a Map<String, Value>, name: &'static str) -> Result<&'a str> {
    match claims.get(name) {
        Some(Value::String(value)) if !value.is_empty() => Ok(value),
        _ => Err(invalid(format!(
            "DPoP proof \"{name}\" must be a non-empty string"
        ))),
    }
}

fn object(text: &str) -> Option<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Some(map),
        _ => None,
    }
}

/// Whether the object `text` names a member twice (an escaped spelling counts as the same name). RFC 7515 §4 lets
/// a reader refuse such a header; a proof's claims are refused too, since readers that keep the first value and
/// readers that keep the last would see different claims from the one proof.
fn repeats_a_member(text: &str) -> bool {
    json::distinct_members(text, |_| Ok(())).is_err()
}

/// Verifies `proof` at `now` (unix seconds from the JS clock), in the order of RFC 9449 §4.3: the first failed
/// check is the one reported.
pub fn verify_proof(
    proof: &str,
    policy: &ProofPolicy,
    expected: &Expected<'_>,
    now: f64,
) -> Result<Proof> {
    let decoded = token::decode(proof).map_err(|_| invalid("DPoP proof is not a signed JWT"))?;
    let header =
        object(&decoded.header).ok_or_else(|| invalid("DPoP proof is not a signed JWT"))?;
    if repeats_a_member(&decoded.header) {
        return Err(invalid("DPoP proof header names a member twice"));
    }
    if header.get("typ").and_then(Value::as_str) != Some(TYP) {
        return Err(invalid("DPoP proof \"typ\" must be \"dpop+jwt\""));
    }
    // RFC 7515 §4.1.11: a JWS whose `crit` names an extension the recipient does not understand is refused, as is
    // a `crit` of the wrong shape. No extension is understood here.
    if header.contains_key("crit") {
        return Err(invalid(
            "DPoP proof \"crit\" names extensions that are not understood",
        ));
    }
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .and_then(crate::algorithm::Algorithm::parse)
        .filter(|alg| policy.algorithms.contains(*alg) && asymmetric(alg.family()))
        .ok_or_else(|| {
            Error::new(
                Code::AlgorithmNotAllowed,
                "DPoP proof \"alg\" is not an allowed algorithm",
            )
        })?;
    let Some(Value::Object(public_jwk)) = header.get("jwk") else {
        return Err(jwk_invalid("DPoP proof \"jwk\" must be a JSON object"));
    };
    if jwk::PRIVATE_MEMBERS
        .iter()
        .any(|name| public_jwk.contains_key(*name))
    {
        return Err(jwk_invalid(
            "DPoP proof \"jwk\" must be a public key: it holds private key members",
        ));
    }
    let key = jwk::public_key(public_jwk)
        .map_err(|_| jwk_invalid("DPoP proof \"jwk\" is not a valid public key"))?;
    key.check(alg, Role::Verify, false)
        .map_err(|_| jwk_invalid(format!("DPoP proof \"jwk\" does not fit \"alg\" {alg}")))?;
    let signature = base64url::decode(decoded.signature).unwrap_or_default();
    if !jws::verify(&key, alg, decoded.signing_input.as_bytes(), &signature).unwrap_or(false) {
        return Err(Error::new(
            Code::SignatureInvalid,
            "invalid DPoP proof signature",
        ));
    }
    let claims = object(&decoded.payload)
        .ok_or_else(|| invalid("DPoP proof payload must be a JSON object"))?;
    if repeats_a_member(&decoded.payload) {
        return Err(invalid("DPoP proof claims name a member twice"));
    }
    let jti = string_claim(&claims, "jti")?;
    let htm = string_claim(&claims, "htm")?;
    let htu = string_claim(&claims, "htu")?;
    let iat = claims
        .get("iat")
        .and_then(Value::as_f64)
        .ok_or_else(|| invalid("DPoP proof \"iat\" must be a number"))?;
    if htm != expected.htm {
        return Err(Error::new(
            Code::DpopHtmMismatch,
            "DPoP proof \"htm\" does not match the request method",
        ));
    }
    let window = policy.max_age + policy.clock_tolerance;
    // NaN (an `iat` too large for f64 arithmetic) fails the comparison and is refused with the rest.
    let within = (now - iat).abs() <= window;
    if !within {
        return Err(Error::new(
            Code::DpopIatInvalid,
            "DPoP proof \"iat\" is outside the accepted window",
        ));
    }
    if let Some(nonces) = expected.nonces {
        let messages = (
            "DPoP proof \"nonce\" is required",
            "DPoP proof \"nonce\" is not the server's current nonce",
        );
        let current = |nonce: &str| nonces.iter().any(|n| n == nonce);
        expect_claim(&claims, "nonce", current, Code::DpopNonceInvalid, messages)?;
    }
    if let Some(token) = expected.access_token {
        let messages = (
            "DPoP proof \"ath\" is required with an access token",
            "DPoP proof \"ath\" does not match the access token",
        );
        let hash = access_token_hash(token);
        expect_claim(
            &claims,
            "ath",
            |ath| ath == hash,
            Code::DpopAthMismatch,
            messages,
        )?;
    }
    let jkt = jwk::thumbprint(public_jwk, Digest::Sha256)
        .map_err(|_| jwk_invalid("DPoP proof \"jwk\" is not a valid public key"))?;
    if let Some(bound) = expected.jkt {
        if bound != jkt {
            return Err(Error::new(
                Code::DpopKeyMismatch,
                "the access token is bound to another key than the DPoP proof's",
            ));
        }
    }
    let mut id = jkt.clone().into_bytes();
    id.push(b'.');
    id.extend_from_slice(jti.as_bytes());
    let replay_id = encode(digest(&SHA256, &id).as_ref());
    let htu = htu.to_owned();
    Ok(Proof {
        header: decoded.header,
        payload: decoded.payload,
        htu,
        jkt,
        replay_id,
        remember_until: iat + window + 1.0,
    })
}

/// A string claim that must be present and pass `accepts`: `messages` say (missing, not accepted).
fn expect_claim(
    claims: &Map<String, Value>,
    name: &str,
    accepts: impl Fn(&str) -> bool,
    code: Code,
    (missing, wrong): (&'static str, &'static str),
) -> Result<()> {
    match claims.get(name) {
        Some(Value::String(value)) if accepts(value) => Ok(()),
        Some(_) => Err(Error::new(code, wrong)),
        None => Err(Error::new(code, missing)),
    }
}

fn asymmetric(family: Family) -> bool {
    matches!(family, Family::Rsa | Family::Ec | Family::Ed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::Algorithm;
    use crate::key::Key;
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    use serde_json::json;

    fn proof(header: Value, claims: Value) -> (String, String) {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &*crate::key::RNG)
                .unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8.as_ref(),
            &*crate::key::RNG,
        )
        .unwrap();
        let point = pair.public_key().as_ref();
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": encode(&point[1..33]), "y": encode(&point[33..])});
        let mut header = header;
        if header.get("jwk").is_none() {
            header["jwk"] = jwk.clone();
        }
        let key = Key::from_pkcs8(pkcs8.as_ref()).unwrap();
        let token = token::encode(
            Some(&key),
            Algorithm::ES256,
            header.to_string().as_bytes(),
            claims.to_string().as_bytes(),
        )
        .unwrap();
        let Value::Object(jwk) = jwk else {
            unreachable!()
        };
        (token, jwk::thumbprint(&jwk, Digest::Sha256).unwrap())
    }

    fn policy() -> ProofPolicy {
        ProofPolicy {
            algorithms: [Algorithm::ES256].into_iter().collect(),
            max_age: 60.0,
            clock_tolerance: 0.0,
        }
    }

    const CLAIMS: fn() -> Value =
        || json!({"jti": "a", "htm": "GET", "htu": "https://x/y", "iat": 1000});

    #[test]
    fn accepts_a_proof_and_reports_its_key() {
        let (token, jkt) = proof(json!({"typ": "dpop+jwt", "alg": "ES256"}), CLAIMS());
        let expected = Expected {
            htm: "GET",
            jkt: Some(&jkt),
            ..Default::default()
        };
        let verified = verify_proof(&token, &policy(), &expected, 1030.0).unwrap();
        assert_eq!(verified.jkt, jkt);
        assert_eq!(verified.htu, "https://x/y");
        assert_eq!(verified.remember_until, 1061.0);
    }

    #[test]
    fn refuses_each_failed_check_with_its_code() {
        let header = || json!({"typ": "dpop+jwt", "alg": "ES256"});
        let run = |header: Value, claims: Value, expected: Expected<'_>, now: f64| {
            let (token, _) = proof(header, claims);
            verify_proof(&token, &policy(), &expected, now)
                .unwrap_err()
                .code
        };
        let get = || Expected {
            htm: "GET",
            ..Default::default()
        };
        assert_eq!(
            run(
                json!({"typ": "JWT", "alg": "ES256"}),
                CLAIMS(),
                get(),
                1000.0
            ),
            Code::DpopProofInvalid
        );
        assert_eq!(
            run(
                json!({"typ": "dpop+jwt", "alg": "ES384"}),
                CLAIMS(),
                get(),
                1000.0
            ),
            Code::AlgorithmNotAllowed
        );
        assert_eq!(
            run(
                json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": "x"}),
                CLAIMS(),
                get(),
                1000.0
            ),
            Code::DpopJwkInvalid
        );
        let post = Expected {
            htm: "POST",
            ..Default::default()
        };
        assert_eq!(run(header(), CLAIMS(), post, 1000.0), Code::DpopHtmMismatch);
        assert_eq!(run(header(), CLAIMS(), get(), 1061.0), Code::DpopIatInvalid);
        assert_eq!(run(header(), CLAIMS(), get(), 939.0), Code::DpopIatInvalid);
        let token = Expected {
            htm: "GET",
            access_token: Some("t"),
            ..Default::default()
        };
        assert_eq!(
            run(header(), CLAIMS(), token, 1000.0),
            Code::DpopAthMismatch
        );
        let nonces = vec!["n1".to_owned()];
        let nonce = Expected {
            htm: "GET",
            nonces: Some(&nonces),
            ..Default::default()
        };
        assert_eq!(
            run(header(), CLAIMS(), nonce, 1000.0),
            Code::DpopNonceInvalid
        );
        let bound = Expected {
            htm: "GET",
            jkt: Some("other"),
            ..Default::default()
        };
        assert_eq!(
            run(header(), CLAIMS(), bound, 1000.0),
            Code::DpopKeyMismatch
        );
        let mut claims = CLAIMS();
        claims["jti"] = json!("");
        assert_eq!(run(header(), claims, get(), 1000.0), Code::DpopProofInvalid);
    }

    #[test]
    fn ath_is_the_base64url_sha256_of_the_token() {
        // RFC 9449 §7.1's example access token and its `ath`.
        assert_eq!(
            access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }
}
