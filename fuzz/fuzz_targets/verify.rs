//! `token::verify` with fixed keys: HS256, RS256, ES256 and EdDSA.
//!
//! Input: a selector byte, then either a token's text (the corpus holds valid tokens of each key, which the
//! fuzzer changes), or, when the selector's top bit is set, header bytes, `0x00`, payload bytes, `0x00` and a
//! change (2 bytes of position, 1 byte of character): the target signs the header and payload with the key,
//! verifies the token, then changes one character of it and verifies again. The selector's low bits pick the
//! key, bit 2 turns on `strict` and bit 3 a clock tolerance of 30 s.
//!
//! Invariants:
//! - the verdict and the code are those of the model: `model::decode`, `typ: JWT` payloads read early, a
//!   signature present, `crit` (RFC 7515 §4.1.11), `alg` in the allow-list, the signature, then the claims
//!   (`model::claims`);
//! - the signature verdict is an independent implementation's: HS256, RS256 and EdDSA are deterministic, so a
//!   token is accepted only with exactly the bytes ring computes for its signing input (RS256 and EdDSA verify
//!   on AWS-LC in ringjwt); ES256 is accepted only when the RustCrypto `p256` crate accepts the signature too;
//! - a token that verifies is refused after any change of one character.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::Verifier;
use ring::signature::{Ed25519KeyPair, RsaKeyPair, RSA_PKCS1_SHA256};
use ringjwt::algorithm::Algorithm;
use ringjwt::error::Code;
use ringjwt::policy::Policy;
use ringjwt::token;
use ringjwt_fuzz::keys::{self, Signing};
use ringjwt_fuzz::model::{self, Checks, Object};
use ringjwt_fuzz::split_at_byte;
use serde_json::Value;

const NOW: f64 = 1_700_000_000.0;

struct Oracles {
    signings: Vec<Signing>,
    rsa: RsaKeyPair,
    ed25519: Ed25519KeyPair,
    p256: p256::ecdsa::VerifyingKey,
}

static ORACLES: LazyLock<Oracles> = LazyLock::new(|| {
    let point = ringjwt::der::spki(keys::P256_SPKI).unwrap().key;
    Oracles {
        signings: Signing::all(),
        rsa: RsaKeyPair::from_pkcs8(keys::RSA_PKCS8).unwrap(),
        ed25519: Ed25519KeyPair::from_pkcs8_maybe_unchecked(keys::ED25519_PKCS8).unwrap(),
        p256: p256::ecdsa::VerifyingKey::from_sec1_bytes(point).unwrap(),
    }
});

/// Whether `signature` is a valid signature of `input` by the key of `alg`, by an implementation other than the
/// one ringjwt verifies with.
fn signature_valid(alg: Algorithm, input: &[u8], signature: &[u8]) -> bool {
    let oracles = &*ORACLES;
    match alg {
        Algorithm::HS256 => {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, keys::HS256_SECRET);
            ring::hmac::sign(&key, input).as_ref() == signature
        }
        Algorithm::RS256 => {
            let mut expected = vec![0; oracles.rsa.public().modulus_len()];
            let rng = ring::rand::SystemRandom::new();
            oracles
                .rsa
                .sign(&RSA_PKCS1_SHA256, &rng, input, &mut expected)
                .unwrap();
            expected == signature
        }
        Algorithm::EdDSA => oracles.ed25519.sign(input).as_ref() == signature,
        Algorithm::ES256 => p256::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|sig| oracles.p256.verify(input, &sig).is_ok()),
        _ => unreachable!("the target's keys"),
    }
}

/// What `verify` must answer, step by step in jsonwebtoken's order.
fn expected(token: &str, alg: Algorithm, checks: &Checks) -> Result<(), Code> {
    let (header_text, payload_text) = model::decode(token).map_err(|(code, _)| code)?;
    let Object::Members(header) = model::object(&header_text, &model::HEADER_MEMBERS) else {
        unreachable!("the model decodes only object headers")
    };
    let typ_is_jwt = header.get("typ") == Some(&Value::from("JWT"));
    let early_claims = if typ_is_jwt {
        Some(model::payload(&payload_text, true)?)
    } else {
        None
    };
    let signature = token.rsplit('.').next().unwrap();
    if signature.is_empty() {
        return Err(Code::SignatureRequired);
    }
    model::crit(header.get("crit"), &header_text)?;
    if header.get("alg").and_then(Value::as_str) != Some(alg.name()) {
        return Err(Code::AlgorithmNotAllowed);
    }
    let input = &token[..token.len() - signature.len() - 1];
    let bytes = ringjwt_fuzz::base64url_decode(signature).unwrap_or_default();
    if !signature_valid(alg, input.as_bytes(), &bytes) {
        return Err(Code::SignatureInvalid);
    }
    let read = match early_claims {
        Some(read) => read,
        None => model::payload(&payload_text, false)?,
    };
    model::claims(&read, checks, NOW)
}

/// Verifies `token` and checks the verdict against the model; returns whether it verified.
fn check(token: &str, signing: &Signing, policy: &Policy, checks: &Checks) -> bool {
    let result = token::verify(token, Some(&signing.public), policy, NOW);
    let verdict = result.as_ref().map(|_| ()).map_err(|err| err.code);
    assert_eq!(verdict, expected(token, signing.alg, checks), "{token}");
    if let Ok(verified) = result {
        let (header, payload) = model::decode(token).unwrap();
        let typ_is_jwt = serde_json::from_str::<Value>(&header)
            .is_ok_and(|h| h.get("typ") == Some(&Value::from("JWT")));
        let held = model::payload(&payload, typ_is_jwt).unwrap().held;
        assert_eq!(
            (verified.header, verified.payload),
            (header, held.unwrap_or(payload))
        );
        return true;
    }
    false
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let signing = &ORACLES.signings[usize::from(selector & 0b11)];
    let strict = selector & 0b100 != 0;
    let tolerance = if selector & 0b1000 != 0 { 30.0 } else { 0.0 };
    let policy = Policy {
        algorithms: [signing.alg].into_iter().collect(),
        algorithms_given: true,
        strict,
        clock_tolerance: tolerance,
        ..Policy::default()
    };
    let checks = Checks {
        strict,
        clock_tolerance: tolerance,
        ..Checks::default()
    };
    if selector & 0x80 == 0 {
        if let Ok(token) = std::str::from_utf8(rest) {
            check(token, signing, &policy, &checks);
        }
        return;
    }
    let (header, rest) = split_at_byte(rest, 0x00);
    let (payload, change) = split_at_byte(rest, 0x00);
    let token = token::encode(Some(&signing.private), signing.alg, header, payload)
        .expect("the fixed keys sign");
    if !check(&token, signing, &policy, &checks) {
        return;
    }
    let Some(changed) = ringjwt_fuzz::changed(&token, change) else {
        return;
    };
    assert!(
        !check(&changed, signing, &policy, &checks),
        "a changed token verified: {changed}"
    );
});
