//! DER key parsing: the containers (`der::spki`, `der::pkcs8`, SEC 1 `der::ec_private_key`, `der::ec_parameters`,
//! PKCS#1 RSA), and the keys built from them for signing (`Key::from_spki`, `Key::from_pkcs8`) and for encryption
//! (`JweKey::from_spki`, `JweKey::from_pkcs8`), explicit EC parameters included.
//!
//! Input: DER bytes, as node:crypto would export them (or not).
//!
//! Invariants:
//! - a container that parses, written again with `der::tlv`, parses to the same fields (decode → encode →
//!   decode is the identity); integers come back without leading zeros and `bit_length` counts their bits;
//! - a key is refused only with a key code (`ERR_KEY_INVALID`, `ERR_KEY_UNSUPPORTED`, `ERR_KEY_CURVE_UNKNOWN`,
//!   `ERR_KEY_TOO_SMALL`), never a panic;
//! - a key that is accepted is what its DER says: its type and curve come from the OID and parameters, an EC
//!   point has its curve's length, and a private key signs what its own public key verifies (so rewriting
//!   explicit parameters as a named curve kept the key).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringjwt::algorithm::Algorithm;
use ringjwt::curve::Curve;
use ringjwt::der::{self, tlv};
use ringjwt::error::Code;
use ringjwt::jwe::JweKey;
use ringjwt::jws;
use ringjwt::key::{Key, Material};

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

fuzz_target!(|data: &[u8]| {
    containers(data);
    public_key(data);
    private_key(data);
    for key_type in ["rsa", "ec", "x25519", "ed25519"] {
        for result in [
            JweKey::from_spki(data, key_type, Some("prime256v1")),
            JweKey::from_pkcs8(data, key_type, None),
        ] {
            if let Err(err) = result {
                assert_key_error(err.code);
            }
        }
    }
});

fn assert_key_error(code: Code) {
    assert!(
        matches!(
            code,
            Code::KeyInvalid | Code::KeyUnsupported | Code::CurveUnknown | Code::KeyTooSmall
        ),
        "{code:?}"
    );
}

fn parameters_tlv(parameters: Option<der::Tlv<'_>>) -> Vec<u8> {
    parameters.map(|p| tlv(p.tag, p.value)).unwrap_or_default()
}

fn containers(data: &[u8]) {
    if let Some(spki) = der::spki(data) {
        let mut algorithm = tlv(der::OBJECT_IDENTIFIER, spki.algorithm);
        algorithm.extend(parameters_tlv(spki.parameters));
        let mut body = tlv(der::SEQUENCE, &algorithm);
        body.extend(tlv(der::BIT_STRING, &[&[0][..], spki.key].concat()));
        let again = tlv(der::SEQUENCE, &body);
        let reread = der::spki(&again).expect("a written SPKI reads back");
        assert_eq!(
            (reread.algorithm, reread.parameters, reread.key),
            (spki.algorithm, spki.parameters, spki.key)
        );
    }
    if let Some(pkcs8) = der::pkcs8(data) {
        let mut algorithm = tlv(der::OBJECT_IDENTIFIER, pkcs8.algorithm);
        algorithm.extend(parameters_tlv(pkcs8.parameters));
        let mut body = tlv(der::INTEGER, &[0]);
        body.extend(tlv(der::SEQUENCE, &algorithm));
        body.extend(tlv(der::OCTET_STRING, pkcs8.private_key));
        let again = tlv(der::SEQUENCE, &body);
        let reread = der::pkcs8(&again).expect("a written PKCS#8 reads back");
        assert_eq!(
            (reread.algorithm, reread.parameters, reread.private_key),
            (pkcs8.algorithm, pkcs8.parameters, pkcs8.private_key)
        );
    }
    if let Some(key) = der::ec_private_key(data) {
        let mut body = tlv(der::INTEGER, &[1]);
        body.extend(tlv(der::OCTET_STRING, key.private_key));
        if let Some(parameters) = key.parameters {
            body.extend(tlv(der::CONTEXT_0, &tlv(parameters.tag, parameters.value)));
        }
        if let Some(public) = key.public_key {
            body.extend(tlv(der::CONTEXT_1, &tlv(der::BIT_STRING, public)));
        }
        let again = tlv(der::SEQUENCE, &body);
        let reread = der::ec_private_key(&again).expect("a written SEC 1 key reads back");
        assert_eq!(
            (reread.private_key, reread.parameters, reread.public_key),
            (key.private_key, key.parameters, key.public_key)
        );
    }
    if let Some(p) = der::ec_parameters(data) {
        let mut field = tlv(der::OBJECT_IDENTIFIER, p.field_type);
        field.extend(tlv(der::INTEGER, p.prime));
        let mut curve = tlv(der::OCTET_STRING, p.a);
        curve.extend(tlv(der::OCTET_STRING, p.b));
        let mut body = tlv(der::INTEGER, p.version);
        body.extend(tlv(der::SEQUENCE, &field));
        body.extend(tlv(der::SEQUENCE, &curve));
        body.extend(tlv(der::OCTET_STRING, p.base));
        body.extend(tlv(der::INTEGER, p.order));
        if let Some(h) = p.cofactor {
            body.extend(tlv(der::INTEGER, h));
        }
        let q = der::ec_parameters(&body).expect("written parameters read back");
        assert_eq!(
            (
                q.version,
                q.field_type,
                q.prime,
                q.a,
                q.b,
                q.base,
                q.order,
                q.cofactor
            ),
            (
                p.version,
                p.field_type,
                p.prime,
                p.a,
                p.b,
                p.base,
                p.order,
                p.cofactor
            )
        );
    }
    let rsa = [
        der::rsa_public_key(data),
        der::rsa_private_key_public_part(data),
    ];
    for (n, e) in rsa.into_iter().flatten() {
        for int in [n, e] {
            assert!(int.first() != Some(&0), "leading zeros are dropped");
            let bits = int
                .first()
                .map_or(0, |&top| 8 * int.len() - top.leading_zeros() as usize);
            assert_eq!(der::bit_length(int), bits);
        }
    }
}

fn public_key(data: &[u8]) {
    let key = match Key::from_spki(data) {
        Ok(key) => key,
        Err(err) => return assert_key_error(err.code),
    };
    let spki = der::spki(data).expect("an accepted public key is an SPKI");
    match &key.material {
        Material::RsaPublic { bits, pss_only, .. } => {
            assert!(spki.algorithm == OID_RSA || spki.algorithm == OID_RSA_PSS);
            assert_eq!(*pss_only, spki.algorithm == OID_RSA_PSS);
            let (n, _) = der::rsa_public_key(spki.key).expect("an RSA key has a modulus");
            assert_eq!(*bits, der::bit_length(n));
        }
        Material::EcPublic(curve, _) => {
            assert_eq!(spki.algorithm, OID_EC);
            assert_eq!(Curve::from_parameters(spki.parameters).ok(), Some(*curve));
            assert_eq!(spki.key.len(), curve.point_len());
            assert_eq!(spki.key[0], 4, "an uncompressed point");
        }
        Material::EdPublic(_) => {
            assert_eq!(spki.algorithm, OID_ED25519);
            assert_eq!(spki.key.len(), 32);
        }
        _ => panic!("a public key made something else"),
    }
}

fn private_key(data: &[u8]) {
    let key = match Key::from_pkcs8(data) {
        Ok(key) => key,
        Err(err) => return assert_key_error(err.code),
    };
    let pkcs8 = der::pkcs8(data).expect("an accepted private key is PKCS#8");
    let message = b"eyJhbGciOiJub25lIn0.e30";
    match &key.material {
        Material::RsaPrivate { bits, .. } => {
            assert!(pkcs8.algorithm == OID_RSA || pkcs8.algorithm == OID_RSA_PSS);
            let (n, e) = der::rsa_private_key_public_part(pkcs8.private_key).expect("a modulus");
            assert_eq!(*bits, der::bit_length(n));
            if key.is_legacy_rsa() {
                return;
            }
            let public = rsa_spki(n, e);
            let public = Key::from_spki(&public).expect("the public half of an accepted RSA key");
            let signature = jws::sign(&key, Algorithm::RS256, message).expect("an RSA key signs");
            assert!(jws::verify(&public, Algorithm::RS256, message, &signature).unwrap());
        }
        Material::EcPrivate(curve, _) => {
            assert_eq!(pkcs8.algorithm, OID_EC);
            assert_eq!(Curve::from_parameters(pkcs8.parameters).ok(), Some(*curve));
            let point = key.public_key_der().expect("an EC key's public point");
            let mut algorithm = tlv(der::OBJECT_IDENTIFIER, OID_EC);
            algorithm.extend(tlv(der::OBJECT_IDENTIFIER, curve.oid()));
            let public = spki(&algorithm, &point);
            let public = Key::from_spki(&public).expect("the public half of an accepted EC key");
            let alg = [Algorithm::ES256, Algorithm::ES384, Algorithm::ES512]
                .into_iter()
                .find(|&alg| Curve::for_algorithm(alg) == Some(*curve))
                .unwrap();
            let signature = jws::sign(&key, alg, message).expect("an EC key signs");
            assert!(jws::verify(&public, alg, message, &signature).unwrap());
        }
        Material::EdPrivate(_) => {
            assert_eq!(pkcs8.algorithm, OID_ED25519);
            let point = key.public_key_der().expect("an Ed25519 public key");
            let public = spki(&tlv(der::OBJECT_IDENTIFIER, OID_ED25519), &point);
            let public =
                Key::from_spki(&public).expect("the public half of an accepted Ed25519 key");
            let signature = jws::sign(&key, Algorithm::EdDSA, message).unwrap();
            assert!(jws::verify(&public, Algorithm::EdDSA, message, &signature).unwrap());
        }
        _ => panic!("a private key made something else"),
    }
}

fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    let mut body = tlv(der::SEQUENCE, algorithm);
    body.extend(tlv(der::BIT_STRING, &[&[0][..], key].concat()));
    tlv(der::SEQUENCE, &body)
}

fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    let integer = |int: &[u8]| {
        let mut bytes = int.to_vec();
        if bytes.first().is_none_or(|b| b & 0x80 != 0) {
            bytes.insert(0, 0);
        }
        tlv(der::INTEGER, &bytes)
    };
    let mut key = integer(n);
    key.extend(integer(e));
    let mut algorithm = tlv(der::OBJECT_IDENTIFIER, OID_RSA);
    algorithm.extend(tlv(0x05, &[]));
    spki(&algorithm, &tlv(der::SEQUENCE, &key))
}
