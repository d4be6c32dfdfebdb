//! Keys for the properties, made once: EC and Ed25519 pairs generated here, and the fuzz targets' fixed RSA pair
//! (generating RSA keys in a debug build takes seconds).

use std::sync::LazyLock;

use ringjwt::algorithm::Algorithm;
use ringjwt::curve::Curve;
use ringjwt::der::{self, tlv};
use ringjwt::key::Key;

pub const RSA_PKCS8: &[u8] = include_bytes!("../../fuzz/keys/rsa-2048.pkcs8.der");
pub const RSA_SPKI: &[u8] = include_bytes!("../../fuzz/keys/rsa-2048.spki.der");

const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

/// An SPKI for `point` under the AlgorithmIdentifier contents `algorithm`.
pub fn spki(algorithm: &[u8], point: &[u8]) -> Vec<u8> {
    let mut body = tlv(der::SEQUENCE, algorithm);
    body.extend(tlv(der::BIT_STRING, &[&[0][..], point].concat()));
    tlv(der::SEQUENCE, &body)
}

pub fn ec_spki(curve: Curve, point: &[u8]) -> Vec<u8> {
    let mut algorithm = tlv(der::OBJECT_IDENTIFIER, OID_EC);
    algorithm.extend(tlv(der::OBJECT_IDENTIFIER, curve.oid()));
    spki(&algorithm, point)
}

/// A PKCS#8 EC key of `curve`, freshly generated.
pub fn ec_pkcs8(curve: Curve) -> Vec<u8> {
    use ring::signature as ring_sig;
    let rng = ring::rand::SystemRandom::new();
    match curve {
        Curve::P256 => {
            ring_sig::EcdsaKeyPair::generate_pkcs8(&ring_sig::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .unwrap()
                .as_ref()
                .to_vec()
        }
        Curve::P384 => {
            ring_sig::EcdsaKeyPair::generate_pkcs8(&ring_sig::ECDSA_P384_SHA384_FIXED_SIGNING, &rng)
                .unwrap()
                .as_ref()
                .to_vec()
        }
        Curve::P521 => {
            use aws_lc_rs::signature as lc;
            lc::EcdsaKeyPair::generate_pkcs8(
                &lc::ECDSA_P521_SHA512_FIXED_SIGNING,
                &aws_lc_rs::rand::SystemRandom::new(),
            )
            .unwrap()
            .as_ref()
            .to_vec()
        }
    }
}

/// A signing algorithm with the key that signs and the key that verifies.
pub struct Pair {
    pub alg: Algorithm,
    pub private: Key,
    pub public: Key,
}

fn ec_pair(alg: Algorithm) -> Pair {
    let curve = Curve::for_algorithm(alg).unwrap();
    let private = Key::from_pkcs8(&ec_pkcs8(curve)).unwrap();
    let public = Key::from_spki(&ec_spki(curve, &private.public_key_der().unwrap())).unwrap();
    Pair {
        alg,
        private,
        public,
    }
}

/// Asymmetric pairs for every algorithm but HMAC and `none`, made once.
pub static PAIRS: LazyLock<Vec<Pair>> = LazyLock::new(|| {
    let rsa = |alg| Pair {
        alg,
        private: Key::from_pkcs8(RSA_PKCS8).unwrap(),
        public: Key::from_spki(RSA_SPKI).unwrap(),
    };
    let ed = {
        let pkcs8 =
            ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
                .unwrap();
        let private = Key::from_pkcs8(pkcs8.as_ref()).unwrap();
        let algorithm = tlv(der::OBJECT_IDENTIFIER, OID_ED25519);
        let public = Key::from_spki(&spki(&algorithm, &private.public_key_der().unwrap())).unwrap();
        Pair {
            alg: Algorithm::EdDSA,
            private,
            public,
        }
    };
    let mut pairs: Vec<Pair> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        .map(|name| rsa(Algorithm::parse(name).unwrap()))
        .into_iter()
        .collect();
    pairs.extend([Algorithm::ES256, Algorithm::ES384, Algorithm::ES512].map(ec_pair));
    pairs.push(ed);
    pairs
});
