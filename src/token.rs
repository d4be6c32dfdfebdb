//! Compact JWS tokens: building one from a header and payload, and the whole of `verify` on one.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;

use crate::algorithm::Algorithm;
use crate::error::{Code, Error, Result};
use crate::jws;
use crate::key::{Key, Role};
use crate::policy::{Claims, Policy};

/// Signs a token. `header` and `payload` are the exact bytes to encode, so the caller decides the JSON
/// (jsonwebtoken's member order gives byte-identical tokens).
pub fn encode(key: Option<&Key>, alg: Algorithm, header: &[u8], payload: &[u8]) -> Result<String> {
    let header_len = base64::encoded_len(header.len(), false).unwrap_or(0);
    let payload_len = base64::encoded_len(payload.len(), false).unwrap_or(0);
    let mut token = String::with_capacity(header_len + payload_len + 200);
    B64.encode_string(header, &mut token);
    token.push('.');
    B64.encode_string(payload, &mut token);
    let signature = match (key, alg) {
        (_, Algorithm::None) => Vec::new(),
        (Some(key), _) => jws::sign(key, alg, token.as_bytes())?,
        (None, _) => {
            return Err(Error::new(
                Code::KeyRequired,
                "secretOrPrivateKey must have a value",
            ));
        }
    };
    token.push('.');
    B64.encode_string(signature, &mut token);
    Ok(token)
}

/// A token that passed `verify`: its header and payload as JSON text for the caller to parse.
#[derive(Debug)]
pub struct Verified {
    pub header: String,
    pub payload: String,
}

#[derive(Deserialize)]
struct HeaderFields {
    #[serde(default)]
    alg: Option<Value>,
    #[serde(default)]
    typ: Option<Value>,
}

/// The parts of a compact JWS, decoded but not checked.
pub struct Decoded<'a> {
    pub header: String,
    pub payload: String,
    pub signing_input: &'a str,
    pub signature: &'a str,
    alg: Option<Value>,
    /// The registered claims, when reading the payload as JSON was already needed to decode it.
    claims: Option<Claims>,
}

/// Splits and decodes a token the way jsonwebtoken's `decode` does, without checking anything else.
pub fn decode(token: &str) -> Result<Decoded<'_>> {
    split(token, false)
}

/// `decode`, and for `verify` (`with_claims`) the registered claims read in the same pass over the payload that
/// checks it is JSON.
fn split(token: &str, with_claims: bool) -> Result<Decoded<'_>> {
    let mut parts = token.splitn(4, '.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::new(Code::Malformed, "jwt malformed"));
    };
    // The JWS compact form allows only base64url characters in each part; anything else is not a token. The
    // decoder refuses them in the header and payload; the signature is decoded later, so it is checked here.
    let base64url = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if h.is_empty() || p.is_empty() || !base64url {
        return Err(Error::malformed());
    }
    let header = text(B64.decode(h).map_err(|_| Error::malformed())?);
    let payload = text(B64.decode(p).map_err(|_| Error::malformed())?);
    let fields: HeaderFields = serde_json::from_str(&header).map_err(|_| Error::malformed())?;
    // jsonwebtoken parses the payload as JSON when the header says `typ: JWT`; a payload that is not JSON
    // is then an invalid token, otherwise it stays a string.
    let mut claims = None;
    if matches!(&fields.typ, Some(Value::String(t)) if t == "JWT") {
        if with_claims {
            claims = Some(Claims::parse(&payload)?);
        }
        if claims.is_none() || !payload.trim_start().starts_with('{') {
            serde_json::from_str::<serde::de::IgnoredAny>(&payload)
                .map_err(|_| Error::malformed())?;
        }
    }
    Ok(Decoded {
        header,
        payload,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature: s,
        alg: fields.alg,
        claims,
    })
}

/// Decoded bytes as text, without a copy when they are UTF-8 (as they are in any token a JWT library made).
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Verifies a token: structure, algorithm allow-list, key fit, signature, then the claims. `now` is unix
/// seconds from the JS clock. Checks run in jsonwebtoken's order, so a token with several faults reports
/// the same one.
pub fn verify(token: &str, key: Option<&Key>, policy: &Policy, now: f64) -> Result<Verified> {
    let decoded = split(token, true)?;
    let has_signature = !decoded.signature.is_empty();
    match (has_signature, key) {
        (false, Some(_)) => {
            return Err(Error::new(
                Code::SignatureRequired,
                "jwt signature is required",
            ));
        }
        (true, None) => {
            return Err(Error::new(
                Code::KeyRequired,
                "secret or public key must be provided",
            ));
        }
        (false, None) if !policy.algorithms_given => {
            return Err(Error::new(
                Code::UnsignedNotAllowed,
                "please specify \"none\" in \"algorithms\" to verify unsigned tokens",
            ));
        }
        _ => {}
    }
    let alg = match &decoded.alg {
        Some(Value::String(name)) => Algorithm::parse(name),
        _ => None,
    }
    .filter(|alg| policy.algorithms.contains(*alg))
    .ok_or_else(|| Error::new(Code::AlgorithmNotAllowed, "invalid algorithm"))?;

    let valid = match key {
        Some(key) => {
            key.check(alg, Role::Verify, policy.allow_insecure_key_sizes)?;
            match B64.decode(decoded.signature) {
                Ok(sig) => jws::verify(key, alg, decoded.signing_input.as_bytes(), &sig)?,
                Err(_) => false,
            }
        }
        None => alg == Algorithm::None,
    };
    if !valid {
        return Err(Error::invalid_signature());
    }
    match &decoded.claims {
        Some(claims) => policy.check(claims, now)?,
        None => policy.check_claims(&decoded.payload, now)?,
    }
    Ok(Verified {
        header: decoded.header,
        payload: decoded.payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::AlgorithmSet;

    fn hs256_policy() -> Policy {
        Policy {
            algorithms: [Algorithm::HS256].into_iter().collect::<AlgorithmSet>(),
            ..Policy::default()
        }
    }

    #[test]
    fn signs_and_verifies_hs256() {
        let key = Key::secret(b"shhhhh");
        let token = encode(
            Some(&key),
            Algorithm::HS256,
            br#"{"alg":"HS256","typ":"JWT"}"#,
            br#"{"a":1}"#,
        )
        .unwrap();
        let verified = verify(&token, Some(&key), &hs256_policy(), 0.0).unwrap();
        assert_eq!(verified.payload, r#"{"a":1}"#);
        assert_eq!(verified.header, r#"{"alg":"HS256","typ":"JWT"}"#);
    }

    #[test]
    fn rfc7515_a1_hs256_example_verifies() {
        let k = B64
            .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
            .unwrap();
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let key = Key::secret(&k);
        assert!(verify(token, Some(&key), &hs256_policy(), 1_300_819_379.0).is_ok());
        let err = verify(token, Some(&key), &hs256_policy(), 1_300_819_380.0).unwrap_err();
        assert_eq!(err.code, Code::Expired);
    }

    #[test]
    fn tampering_is_detected() {
        let key = Key::secret(b"k");
        let token = encode(Some(&key), Algorithm::HS256, br#"{"alg":"HS256"}"#, b"{}").unwrap();
        let tampered = token.replacen(".e30.", ".e30K.", 1);
        assert!(verify(&tampered, Some(&key), &hs256_policy(), 0.0).is_err());
        let err = verify(&format!("{token}x"), Some(&key), &hs256_policy(), 0.0).unwrap_err();
        assert_eq!(err.code, Code::SignatureInvalid);
    }

    #[test]
    fn algorithm_outside_the_allow_list_is_refused() {
        let key = Key::secret(b"k");
        let token = encode(Some(&key), Algorithm::HS384, br#"{"alg":"HS384"}"#, b"{}").unwrap();
        let err = verify(&token, Some(&key), &hs256_policy(), 0.0).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_ref()),
            (Code::AlgorithmNotAllowed, "invalid algorithm")
        );
    }

    #[test]
    fn malformed_tokens() {
        let p = hs256_policy();
        let key = Key::secret(b"k");
        for (token, message) in [
            ("a.b", "jwt malformed"),
            ("a.b.c.d", "jwt malformed"),
            ("!!.e30.", "invalid token"),
            ("e30.!!.", "invalid token"),
            (".e30.", "invalid token"),
            ("e30.e30.ab!", "invalid token"),
            ("e30.e30.ab=", "invalid token"),
            ("e30.e30.ab\n", "invalid token"),
        ] {
            assert_eq!(
                verify(token, Some(&key), &p, 0.0).unwrap_err().message,
                message,
                "{token}"
            );
        }
    }

    #[test]
    fn unsigned_tokens_need_none_in_the_allow_list() {
        let token = encode(None, Algorithm::None, br#"{"alg":"none"}"#, b"{}").unwrap();
        assert!(token.ends_with('.'));
        let err = verify(&token, None, &Policy::default(), 0.0).unwrap_err();
        assert_eq!(err.code, Code::UnsignedNotAllowed);
        let allowed = Policy {
            algorithms: [Algorithm::None].into_iter().collect(),
            algorithms_given: true,
            ..Policy::default()
        };
        assert!(verify(&token, None, &allowed, 0.0).is_ok());
        let err = verify(&token, Some(&Key::secret(b"k")), &allowed, 0.0).unwrap_err();
        assert_eq!(err.code, Code::SignatureRequired);
    }
}
