//! Compact JWS tokens: building one from a header and payload, and the whole of `verify` on one.

use serde_json::Value;

use crate::algorithm::Algorithm;
use crate::base64url;
use crate::claims::Payload;
use crate::error::{Code, Error, Result};
use crate::header::Header;
use crate::jws;
use crate::key::{Key, Role};
use crate::policy::Policy;

/// Signs a token. `header` and `payload` are the exact bytes to encode, so the caller decides the JSON
/// (jsonwebtoken's member order gives byte-identical tokens).
pub fn encode(key: Option<&Key>, alg: Algorithm, header: &[u8], payload: &[u8]) -> Result<String> {
    let mut token = String::new();
    encode_into(key, alg, header, payload, &mut token)?;
    Ok(token)
}

/// [`encode`] into `token` (cleared first): the binding reuses one buffer from call to call, as allocating and
/// freeing a kilobyte of text costs about as much as encoding it.
pub fn encode_into(
    key: Option<&Key>,
    alg: Algorithm,
    header: &[u8],
    payload: &[u8],
    token: &mut String,
) -> Result<()> {
    token.clear();
    // Room for the longest signature: 132 bytes (ES512) are 176 characters.
    token.reserve(
        base64url::encoded_len(header.len()) + base64url::encoded_len(payload.len()) + 200,
    );
    base64url::encode_into(header, token);
    token.push('.');
    base64url::encode_into(payload, token);
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
    base64url::encode_into(&signature, token);
    Ok(())
}

/// A token that passed `verify`: its header and payload as JSON text for the caller to parse. When the policy leaves
/// the audience to the caller ([`Audience::Caller`](crate::policy::Audience::Caller)), every check before the
/// audience step passed, and the token is verified only once [`finish_audience`] passes too.
#[derive(Debug)]
pub struct Verified {
    pub header: String,
    pub payload: String,
}

/// Buffers for the decoded header and payload of a token. [`verify_into`] clears and fills the ones it is given and
/// returns them in [`Verified`], so the binding can reuse them from token to token.
#[derive(Default)]
pub struct Texts {
    pub header: String,
    pub payload: String,
}

/// The parts of a compact JWS, decoded but not checked.
pub struct Decoded<'a> {
    pub header: String,
    pub payload: String,
    pub signing_input: &'a str,
    pub signature: &'a str,
    fields: Header,
    /// The payload read as claims, when `verify` decodes a `typ: JWT` token (reading it is then part of
    /// checking that it is JSON).
    claims: Option<Payload>,
}

/// Splits and decodes a token the way jsonwebtoken's `decode` does, without checking anything else. Header and
/// payload must be UTF-8 and the header a JSON object; `crit` is not looked at (nothing is verified).
pub fn decode(token: &str) -> Result<Decoded<'_>> {
    split(token, false, Texts::default())
}

/// `decode`, and for `verify` (`with_claims`) the registered claims read in the same pass over the payload that
/// checks it is JSON.
fn split(token: &str, with_claims: bool, texts: Texts) -> Result<Decoded<'_>> {
    let part_count = || Error::new(Code::Malformed, "jwt malformed");
    // The header and signature are short: finding the first and last dots reads a few dozen bytes, where
    // splitting reads the whole token. The payload between them must hold no dot (a fourth part); the base64url
    // decoder refuses one, so the payload is searched for a dot only when a check before the end of its
    // decoding fails, and "jwt malformed" then comes first, as when the parts are counted first.
    let (Some(first), Some(last)) = (token.find('.'), token.rfind('.')) else {
        return Err(part_count());
    };
    if first == last {
        return Err(part_count());
    }
    let (h, p, s) = (&token[..first], &token[first + 1..last], &token[last + 1..]);
    let malformed = || {
        if p.contains('.') {
            part_count()
        } else {
            Error::malformed()
        }
    };
    // The JWS compact form allows only base64url characters in each part; anything else is not a token. The
    // decoder refuses them in the header and payload; the signature is decoded later, so it is checked here.
    let signature_chars = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if h.is_empty() || p.is_empty() || !signature_chars {
        return Err(malformed());
    }
    let mut header = texts.header.into_bytes();
    let mut payload = texts.payload.into_bytes();
    if !(base64url::decode_into(h, &mut header) && base64url::decode_into(p, &mut payload)) {
        return Err(malformed());
    }
    let header = utf8(header, "header")?;
    let fields = Header::parse(&header)?;
    let payload = utf8(payload, "payload")?;
    // jsonwebtoken parses the payload as JSON when the header says `typ: JWT`; a payload that is not JSON
    // is then an invalid token, otherwise it stays a string.
    let mut claims = None;
    if fields.typ_is_jwt() {
        if with_claims {
            claims = Some(Payload::parse(&payload, true)?);
        } else {
            serde_json::from_str::<serde::de::IgnoredAny>(&payload)
                .map_err(|_| Error::malformed())?;
        }
    }
    Ok(Decoded {
        header,
        payload,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature: s,
        fields,
        claims,
    })
}

/// Decoded bytes as text. RFC 7515 §2 makes the header UTF-8, and RFC 7519 §7.2 the claims set: invalid
/// sequences (overlong forms, surrogates, truncated characters) are refused, never replaced, so no two
/// different byte strings read as the same claims. Valid UTF-8 is taken without a copy.
pub(crate) fn utf8(bytes: Vec<u8>, part: &'static str) -> Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| Error::new(Code::InvalidUtf8, format!("jwt {part} is not valid UTF-8")))
}

/// Verifies a token: structure, `crit`, algorithm allow-list, key fit, signature, then the claims. `now` is
/// unix seconds from the JS clock. Checks run in jsonwebtoken's order, so a token with several faults reports
/// the same one.
pub fn verify(token: &str, key: Option<&Key>, policy: &Policy, now: f64) -> Result<Verified> {
    verify_with(token, key, policy, now, None, Texts::default())
}

/// [`verify`], decoding into `texts` (see [`Texts`]).
pub fn verify_into(
    token: &str,
    key: Option<&Key>,
    policy: &Policy,
    now: f64,
    texts: Texts,
) -> Result<Verified> {
    verify_with(token, key, policy, now, None, texts)
}

/// `verify` for an RSA key under 2048 bits, allowed by `allowInsecureKeySizes`: the backends here do not use
/// such keys, so the caller has checked the signature (with node:crypto) and gives its verdict, which is used
/// at the signature step. For any other key or policy the verdict is refused, never used.
pub fn verify_legacy_rsa(
    token: &str,
    key: &Key,
    policy: &Policy,
    now: f64,
    signature_valid: bool,
) -> Result<Verified> {
    if !(key.is_legacy_rsa() && policy.allow_insecure_key_sizes) {
        return Err(Error::new(
            Code::KeyUnsupported,
            "a signature checked elsewhere is taken only for RSA keys under 2048 bits with allowInsecureKeySizes",
        ));
    }
    verify_with(
        token,
        Some(key),
        policy,
        now,
        Some(signature_valid),
        Texts::default(),
    )
}

fn verify_with(
    token: &str,
    key: Option<&Key>,
    policy: &Policy,
    now: f64,
    signature_valid: Option<bool>,
    texts: Texts,
) -> Result<Verified> {
    let decoded = split(token, true, texts)?;
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
    decoded.fields.check_crit(&decoded.header)?;
    let alg = match &decoded.fields.alg {
        Some(Value::String(name)) => Algorithm::parse(name),
        _ => None,
    }
    .filter(|alg| policy.algorithms.contains(*alg))
    .ok_or_else(|| Error::new(Code::AlgorithmNotAllowed, "invalid algorithm"))?;

    let valid = match key {
        Some(key) => {
            key.check(alg, Role::Verify, policy.allow_insecure_key_sizes)?;
            if policy.strict {
                key.check_secret_length(alg, Role::Verify)?;
            }
            match signature_valid {
                Some(valid) => valid,
                None => match base64url::decode(decoded.signature) {
                    Some(sig) => jws::verify(key, alg, decoded.signing_input.as_bytes(), &sig)?,
                    None => false,
                },
            }
        }
        None => alg == Algorithm::None,
    };
    if !valid {
        return Err(Error::invalid_signature());
    }
    let payload = match decoded.claims {
        Some(payload) => payload,
        None => Payload::parse(&decoded.payload, false)?,
    };
    policy.check_unless_caller_audience(&payload, now)?;
    Ok(Verified {
        header: decoded.header,
        // The value jsonwebtoken returns for a JSON string holding JSON text: that text, for JS to parse.
        payload: payload.inner.unwrap_or(decoded.payload),
    })
}

/// The rest of `verify` for a token whose audience the caller matched: the audience step with the caller's
/// verdict, then the checks after it. `payload` is the text `verify` returned.
pub fn finish_audience(payload: &str, policy: &Policy, now: f64, matched: bool) -> Result<()> {
    let payload = Payload::parse(payload, false)?;
    policy.check_from_audience(&payload.claims, now, Some(matched))
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
        let k = base64url::decode(
            "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
        )
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
            ("ab", "jwt malformed"),
            ("a.b.c.d", "jwt malformed"),
            // Four parts is "jwt malformed" whatever else is wrong.
            ("!!.e30.e30.x", "jwt malformed"),
            (".e30.e30.", "jwt malformed"),
            ("e30..e30.x!", "jwt malformed"),
            ("e30.e30.e30.e30", "jwt malformed"),
            ("e30.e3.x", "invalid token"),
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

    /// A token over exactly these header and payload bytes, signed with `key`.
    fn signed(key: &Key, header: &[u8], payload: &[u8]) -> String {
        encode(Some(key), Algorithm::HS256, header, payload).unwrap()
    }

    fn refusal(token: &str, key: &Key, policy: &Policy) -> (Code, String) {
        let err = verify(token, Some(key), policy, 0.0).unwrap_err();
        (err.code, err.message.into_owned())
    }

    #[test]
    fn a_header_or_claims_set_that_is_not_an_object_is_refused_despite_a_valid_signature() {
        let key = Key::secret(b"k");
        let p = hs256_policy();
        for header in [
            &br#"["HS256","JWT"]"#[..],
            b" [\"HS256\"]",
            b"\"HS256\"",
            b"null",
        ] {
            assert_eq!(
                refusal(&signed(&key, header, b"{}"), &key, &p),
                (
                    Code::HeaderInvalid,
                    "jwt header must be a JSON object".into()
                )
            );
        }
        // A claims set that is a JSON array has no claims: `exp` is not read.
        let header = br#"{"alg":"HS256","typ":"JWT"}"#;
        let array = br#"[{"exp":1}]"#;
        let verified = verify(&signed(&key, header, array), Some(&key), &p, 5.0).unwrap();
        assert_eq!(verified.payload.as_bytes(), array);
        // A `typ: JWT` string holding an object is read again, as jsonwebtoken does: its claims are checked, and
        // the object's text is what verify returns.
        let held = br#""{\"exp\":0}""#;
        assert_eq!(
            refusal(&signed(&key, header, held), &key, &p),
            (Code::Expired, "jwt expired".into())
        );
        let held = br#""{\"exp\":9}""#;
        let verified = verify(&signed(&key, header, held), Some(&key), &p, 5.0).unwrap();
        assert_eq!(verified.payload, r#"{"exp":9}"#);
        let strict = Policy {
            strict: true,
            ..hs256_policy()
        };
        let key = Key::secret(&[7; 32]);
        assert_eq!(
            refusal(&signed(&key, header, br#"[{"exp":1}]"#), &key, &strict),
            (
                Code::PayloadNotObject,
                "jwt payload must be a JSON object".into()
            )
        );
    }

    #[test]
    fn crit_is_checked_before_the_algorithm_and_the_signature() {
        let key = Key::secret(b"k");
        let token = signed(
            &key,
            br#"{"alg":"HS256","b64":false,"crit":["b64"]}"#,
            b"{}",
        );
        assert_eq!(
            refusal(&token, &key, &hs256_policy()),
            (
                Code::CritUnsupported,
                "unsupported critical header parameter \"b64\"".into()
            )
        );
        let forged = format!("{}AAAA", &token[..token.rfind('.').unwrap() + 1]);
        assert_eq!(
            refusal(&forged, &key, &hs256_policy()).0,
            Code::CritUnsupported
        );
        let token = signed(&key, br#"{"alg":"HS256","crit":[]}"#, b"{}");
        assert_eq!(refusal(&token, &key, &hs256_policy()).0, Code::CritInvalid);
        // decode verifies nothing, `crit` included.
        assert!(decode(&token).is_ok());
    }

    #[test]
    fn invalid_utf8_is_refused_never_replaced() {
        let key = Key::secret(b"k");
        let p = hs256_policy();
        let bad: [&[u8]; 5] = [
            b"\xc0\xaf",     // overlong "/"
            b"\xe0\x80\xaf", // overlong, three bytes
            b"\xed\xa0\x80", // a UTF-16 surrogate
            b"\xe2\x82",     // truncated
            b"\xff",         // never valid
        ];
        for bytes in bad {
            let payload = [br#"{"a":""#, bytes, br#""}"#].concat();
            let token = signed(&key, br#"{"alg":"HS256"}"#, &payload);
            assert_eq!(
                refusal(&token, &key, &p),
                (Code::InvalidUtf8, "jwt payload is not valid UTF-8".into())
            );
            assert_eq!(decode(&token).err().unwrap().code, Code::InvalidUtf8);
            let header = [br#"{"alg":"HS256","kid":""#, bytes, br#""}"#].concat();
            let token = signed(&key, &header, b"{}");
            assert_eq!(
                refusal(&token, &key, &p),
                (Code::InvalidUtf8, "jwt header is not valid UTF-8".into())
            );
        }
        let token = signed(
            &key,
            "{\"alg\":\"HS256\",\"kid\":\"é\"}".as_bytes(),
            "ü".as_bytes(),
        );
        assert_eq!(verify(&token, Some(&key), &p, 0.0).unwrap().payload, "ü");
    }

    #[test]
    fn strict_refuses_short_hmac_secrets_before_the_signature() {
        let strict = Policy {
            strict: true,
            ..hs256_policy()
        };
        let short = Key::secret(&[1; 31]);
        let token = signed(&short, br#"{"alg":"HS256"}"#, b"{}");
        assert_eq!(
            refusal(&token, &short, &strict),
            (
                Code::SecretTooShort,
                "secretOrPublicKey must be at least 32 bytes long for HS256".into()
            )
        );
        assert!(verify(&token, Some(&short), &hs256_policy(), 0.0).is_ok());
        let long = Key::secret(&[1; 32]);
        assert!(verify(
            &signed(&long, br#"{"alg":"HS256"}"#, b"{}"),
            Some(&long),
            &strict,
            0.0
        )
        .is_ok());
    }

    #[test]
    fn a_signature_verdict_from_elsewhere_is_only_taken_for_legacy_rsa_keys() {
        let key = Key::secret(b"k");
        let forged = "eyJhbGciOiJIUzI1NiJ9.e30.AAAA";
        let allowed = Policy {
            allow_insecure_key_sizes: true,
            ..hs256_policy()
        };
        let err = verify_legacy_rsa(forged, &key, &allowed, 0.0, true).unwrap_err();
        assert_eq!(err.code, Code::KeyUnsupported);

        use base64::{engine::general_purpose::STANDARD, Engine};
        let pem = include_str!("../__test__/fixtures/rsa-1024-public.pem");
        let der: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let small = Key::from_spki(&STANDARD.decode(der).unwrap()).unwrap();
        let rs256 = Policy {
            algorithms: [Algorithm::RS256].into_iter().collect(),
            ..Policy::default()
        };
        let token = "eyJhbGciOiJSUzI1NiJ9.e30.AAAA";
        let err = verify(token, Some(&small), &rs256, 0.0).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_ref()),
            (
                Code::KeyTooSmall,
                "secretOrPublicKey has a minimum key size of 2048 bits for RS256"
            )
        );
        let err = verify_legacy_rsa(token, &small, &rs256, 0.0, true).unwrap_err();
        assert_eq!(err.code, Code::KeyUnsupported);
        let insecure = Policy {
            allow_insecure_key_sizes: true,
            ..rs256
        };
        // Without the caller's verdict the backends here do not use the key.
        assert_eq!(
            verify(token, Some(&small), &insecure, 0.0)
                .unwrap_err()
                .code,
            Code::KeyUnsupported
        );
        assert!(verify_legacy_rsa(token, &small, &insecure, 0.0, true).is_ok());
        let err = verify_legacy_rsa(token, &small, &insecure, 0.0, false).unwrap_err();
        assert_eq!(err.code, Code::SignatureInvalid);
        let es256 = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA";
        let all = Policy {
            algorithms: [Algorithm::RS256, Algorithm::ES256].into_iter().collect(),
            allow_insecure_key_sizes: true,
            ..Policy::default()
        };
        let err = verify_legacy_rsa(es256, &small, &all, 0.0, true).unwrap_err();
        assert_eq!(err.code, Code::KeyTypeMismatch);
    }

    #[test]
    fn a_caller_matched_audience_stops_before_the_audience_step() {
        use crate::policy::{Audience, Issuer};
        let key = Key::secret(b"k");
        let p = Policy {
            audience: Some((Audience::Caller, "/^a/".into())),
            issuer: Some((Issuer::One("i".into()), "i".into())),
            ..hs256_policy()
        };
        let token = signed(&key, br#"{"alg":"HS256"}"#, br#"{"aud":"ab","iss":"x"}"#);
        let verified = verify(&token, Some(&key), &p, 0.0).unwrap();
        let err = finish_audience(&verified.payload, &p, 0.0, false).unwrap_err();
        assert_eq!(err.code, Code::AudienceInvalid);
        let err = finish_audience(&verified.payload, &p, 0.0, true).unwrap_err();
        assert_eq!(err.code, Code::IssuerInvalid);
        assert_eq!(
            verify(&token, Some(&key), &hs256_policy(), 0.0)
                .unwrap()
                .payload,
            r#"{"aud":"ab","iss":"x"}"#
        );
    }
}
