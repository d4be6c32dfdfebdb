//! The RFC 7516 Appendix A.3 and RFC 7520 §5 examples that use symmetric keys, PBES2 or ECDH-ES: with the
//! randomness the RFCs fix, encryption reproduces each token byte for byte, and each token decrypts. (The RSA
//! examples use randomised padding; the JS specs decrypt them.)

use std::num::NonZeroU32;

use aws_lc_rs::agreement::PrivateKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::Value;

use super::header::PartyInfo;
use super::key::{EcdhCurve, JweKey, Material};
use super::random::fixed::FixedEntropy;
use super::*;

const VECTORS: &str = include_str!("../../__test__/vectors/jwe-rfc.json");

fn vector(name: &str) -> Value {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    all[name].clone()
}

fn bytes(value: &Value) -> Vec<u8> {
    value
        .as_str()
        .map(|text| B64.decode(text).unwrap())
        .unwrap_or_default()
}

fn curve(jwk: &Value) -> EcdhCurve {
    match jwk["crv"].as_str().unwrap() {
        "P-256" => EcdhCurve::P256,
        "P-384" => EcdhCurve::P384,
        _ => EcdhCurve::P521,
    }
}

/// The recipient's keys: (encryption key, decryption key).
fn keys(v: &Value) -> (JweKey, JweKey) {
    if let Some(password) = v["password"].as_str() {
        return (
            JweKey::secret(password.as_bytes()),
            JweKey::secret(password.as_bytes()),
        );
    }
    let jwk = &v["key"];
    if jwk["kty"] == "oct" {
        let k = bytes(&jwk["k"]);
        return (JweKey::secret(&k), JweKey::secret(&k));
    }
    let curve = curve(jwk);
    let mut point = vec![4u8];
    point.extend(bytes(&jwk["x"]));
    point.extend(bytes(&jwk["y"]));
    let private = PrivateKey::from_private_key(curve.agreement(), &bytes(&jwk["d"])).unwrap();
    (
        JweKey {
            material: Material::EcdhPublic(curve, point),
        },
        JweKey {
            material: Material::EcdhPrivate(curve, private),
        },
    )
}

fn policy(v: &Value) -> DecryptPolicy {
    DecryptPolicy {
        algorithms: [KeyManagement::parse(v["alg"].as_str().unwrap()).unwrap()]
            .into_iter()
            .collect(),
        encryptions: [ContentEncryption::parse(v["enc"].as_str().unwrap()).unwrap()]
            .into_iter()
            .collect(),
        max_pbes2_count: Some(10_000),
        max_inflated_size: Some(10_000),
    }
}

fn reproduce(name: &str) {
    let v = vector(name);
    let (encryption_key, decryption_key) = keys(&v);
    let protected = String::from_utf8(bytes(&v["protected"])).unwrap();
    let rfc_header: Value = serde_json::from_str(&protected).unwrap();
    let entropy = FixedEntropy {
        content_key: bytes(&v["cek"]),
        content_iv: bytes(&v["iv"]),
        wrap_iv: bytes(&v["kwIv"]),
        salt: bytes(&v["p2s"]),
        ephemeral: bytes(&v["epk"]["d"]),
    };
    let options = EncryptOptions {
        alg: KeyManagement::parse(v["alg"].as_str().unwrap()).unwrap(),
        enc: ContentEncryption::parse(v["enc"].as_str().unwrap()).unwrap(),
        zip: false,
        pbes2_count: NonZeroU32::new(v["p2c"].as_u64().unwrap_or(1000) as u32).unwrap(),
    };
    let party = PartyInfo {
        apu: Vec::new(),
        apv: Vec::new(),
    };
    let plaintext = v["plaintext"].as_str().unwrap();
    let token = token::encrypt_with(
        &encryption_key,
        &options,
        &party,
        plaintext.as_bytes(),
        &entropy,
        |members| {
            // The members key management generated are the ones in the RFC's header; the RFC orders them among
            // the others, so its header text is used as is.
            let generated: Value = serde_json::from_str(&format!("{{{members}}}")).unwrap();
            for (name, value) in generated.as_object().unwrap() {
                assert_eq!(&rfc_header[name], value, "{name} in {name}");
            }
            Ok(protected.clone())
        },
    )
    .unwrap();
    assert_eq!(token, v["compact"].as_str().unwrap(), "{name}");

    let decrypted = decrypt(&token, &decryption_key, &policy(&v)).unwrap();
    assert_eq!(decrypted.plaintext, plaintext);
}

#[test]
fn rfc7516_a3_aes_key_wrap_with_cbc_hmac() {
    reproduce("rfc7516-A.3");
}

#[test]
fn rfc7520_5_3_pbes2() {
    reproduce("rfc7520-5.3");
}

#[test]
fn rfc7520_5_4_ecdh_es_key_wrap_p384() {
    reproduce("rfc7520-5.4");
}

#[test]
fn rfc7520_5_5_ecdh_es_direct_p256() {
    reproduce("rfc7520-5.5");
}

#[test]
fn rfc7520_5_6_direct_aes_gcm() {
    reproduce("rfc7520-5.6");
}

#[test]
fn rfc7520_5_7_aes_gcm_key_wrap() {
    reproduce("rfc7520-5.7");
}

#[test]
fn rfc7520_5_8_aes_key_wrap_with_gcm() {
    reproduce("rfc7520-5.8");
}

#[test]
fn rfc7520_5_9_compressed_content_decrypts() {
    let v = vector("rfc7520-5.9");
    let (_, key) = keys(&v);
    let decrypted = decrypt(v["compact"].as_str().unwrap(), &key, &policy(&v)).unwrap();
    assert_eq!(decrypted.plaintext, v["plaintext"].as_str().unwrap());
    let no_cap = DecryptPolicy {
        max_inflated_size: None,
        ..policy(&v)
    };
    let err = decrypt(v["compact"].as_str().unwrap(), &key, &no_cap).unwrap_err();
    assert_eq!(err.code, crate::error::Code::ZipNotAllowed);
}
