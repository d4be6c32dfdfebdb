//! DPoP proofs: no text is accepted as a proof but a proof signed by the key in its header, a changed proof is always
//! refused, and public JWKs of any content are read without a panic.

use proptest::prelude::*;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Map, Value};

use ringjwt::algorithm::Algorithm;
use ringjwt::base64url;
use ringjwt::dpop::{verify_proof, Expected, ProofPolicy};
use ringjwt::jwk::{self, Digest};
use ringjwt::key::Key;
use ringjwt::token;

const NOW: f64 = 1_700_000_000.0;

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64url::encode_into(bytes, &mut out);
    out
}

/// A valid ES256 proof for GET https://a.example/r at NOW.
fn valid_proof() -> String {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    let header = json!({"typ": "dpop+jwt", "alg": "ES256",
        "jwk": {"kty": "EC", "crv": "P-256", "x": encode(&point[1..33]), "y": encode(&point[33..])}});
    let claims = json!({"jti": "j", "htm": "GET", "htu": "https://a.example/r", "iat": NOW});
    let key = Key::from_pkcs8(pkcs8.as_ref()).unwrap();
    token::encode(
        Some(&key),
        Algorithm::ES256,
        header.to_string().as_bytes(),
        claims.to_string().as_bytes(),
    )
    .unwrap()
}

fn policy() -> ProofPolicy {
    ProofPolicy {
        algorithms: Algorithm::ALL.into_iter().collect(),
        max_age: 60.0,
        clock_tolerance: 0.0,
    }
}

fn get() -> Expected<'static> {
    Expected {
        htm: "GET",
        ..Default::default()
    }
}

fn member_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::from),
        proptest::collection::vec(any::<u8>(), 0..140).prop_map(|b| Value::from(encode(&b))),
        Just(Value::from("P-256")),
        Just(Value::from("Ed25519")),
        any::<i64>().prop_map(Value::from),
        Just(Value::Null),
    ]
}

proptest! {
    #![proptest_config(crate::config(256))]

    #[test]
    fn no_text_is_a_proof(text in any::<String>()) {
        prop_assert!(verify_proof(&text, &policy(), &get(), NOW).is_err());
    }

    #[test]
    fn a_changed_proof_is_refused(index in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9_.-]") {
        let proof = valid_proof();
        prop_assert!(verify_proof(&proof, &policy(), &get(), NOW).is_ok());
        let at = index.index(proof.len());
        prop_assume!(proof[at..at + 1] != replacement);
        let changed = format!("{}{}{}", &proof[..at], replacement, &proof[at + 1..]);
        prop_assert!(verify_proof(&changed, &policy(), &get(), NOW).is_err());
    }

    #[test]
    fn any_jwk_is_read_without_a_panic(
        kty in prop_oneof![Just("EC"), Just("RSA"), Just("OKP"), Just("oct"), Just("x")],
        members in proptest::collection::vec(
            (prop_oneof![Just("crv"), Just("x"), Just("y"), Just("n"), Just("e"), Just("k"), Just("d")], member_value()),
            0..6,
        ),
    ) {
        let mut map = Map::new();
        map.insert("kty".into(), Value::from(kty));
        for (name, value) in members {
            map.insert(name.into(), value);
        }
        let _ = jwk::public_key(&map);
        let _ = jwk::thumbprint(&map, Digest::Sha256);
    }
}
