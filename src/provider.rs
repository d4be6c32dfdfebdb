//! ringjwt's `CryptoProvider` for the `jsonwebtoken` crate: its `encode`/`decode` run on the same code
//! as ringjwt's own signer and verifier.

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::jwk::{EllipticCurve, ThumbprintHash};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm as JwtAlgorithm, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::digest;

use crate::algorithm::Algorithm;
use crate::curve::Curve;
use crate::der::{self, tlv};
use crate::jws;
use crate::key::{Key, Role};

fn algorithm(alg: &JwtAlgorithm) -> Result<Algorithm> {
    let name = match alg {
        JwtAlgorithm::HS256 => "HS256",
        JwtAlgorithm::HS384 => "HS384",
        JwtAlgorithm::HS512 => "HS512",
        JwtAlgorithm::RS256 => "RS256",
        JwtAlgorithm::RS384 => "RS384",
        JwtAlgorithm::RS512 => "RS512",
        JwtAlgorithm::PS256 => "PS256",
        JwtAlgorithm::PS384 => "PS384",
        JwtAlgorithm::PS512 => "PS512",
        JwtAlgorithm::ES256 => "ES256",
        JwtAlgorithm::ES384 => "ES384",
        JwtAlgorithm::EdDSA => "EdDSA",
        _ => return Err(ErrorKind::InvalidAlgorithm.into()),
    };
    Algorithm::parse(name).ok_or_else(|| ErrorKind::InvalidAlgorithm.into())
}

struct RingSigner {
    alg: JwtAlgorithm,
    inner: Algorithm,
    key: Key,
}

impl Signer<Vec<u8>> for RingSigner {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        jws::sign(&self.key, self.inner, msg).map_err(|_| signature::Error::new())
    }
}

impl JwtSigner for RingSigner {
    fn algorithm(&self) -> JwtAlgorithm {
        self.alg
    }
}

struct RingVerifier {
    alg: JwtAlgorithm,
    inner: Algorithm,
    key: Key,
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        match jws::verify(&self.key, self.inner, msg, sig) {
            Ok(true) => Ok(()),
            _ => Err(signature::Error::new()),
        }
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> JwtAlgorithm {
        self.alg
    }
}

/// Wraps DER the crate hands over (PKCS#1 for RSA, PKCS#8 for EC and Ed) in what `Key` reads.
fn signing_key(alg: Algorithm, key: &EncodingKey) -> Result<Key> {
    let bytes = key.as_bytes();
    match alg.family() {
        crate::algorithm::Family::Hmac => Ok(Key::secret(bytes)),
        crate::algorithm::Family::Rsa => {
            Key::from_pkcs8(&pkcs8_rsa(bytes)).map_err(|_| invalid_rsa())
        }
        // The key's own curve must be the algorithm's.
        crate::algorithm::Family::Ec => Key::from_pkcs8(bytes)
            .ok()
            .filter(|key| key.check(alg, Role::Sign, false).is_ok())
            .ok_or_else(|| ErrorKind::InvalidEcdsaKey.into()),
        _ => Key::from_pkcs8(bytes).map_err(|_| ErrorKind::InvalidEddsaKey.into()),
    }
}

fn invalid_rsa() -> jsonwebtoken::errors::Error {
    ErrorKind::InvalidRsaKey("not a usable RSA key".into()).into()
}

const RSA_ALGORITHM_ID: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
];

fn pkcs8_rsa(pkcs1: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(RSA_ALGORITHM_ID);
    body.extend(tlv(0x04, pkcs1));
    tlv(0x30, &body)
}

fn verifying_key(alg: Algorithm, key: &DecodingKey) -> Result<Key> {
    let spki_with = |algorithm_id: &[u8], public_key: &[u8]| {
        let mut bits = vec![0u8];
        bits.extend_from_slice(public_key);
        let mut body = algorithm_id.to_vec();
        body.extend(tlv(0x03, &bits));
        tlv(0x30, &body)
    };
    match (alg.family(), key.kind()) {
        (crate::algorithm::Family::Hmac, DecodingKeyKind::SecretOrDer(secret)) => {
            Ok(Key::secret(secret))
        }
        (crate::algorithm::Family::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
            let int = |v: &[u8]| {
                let mut v = v.to_vec();
                if v.first().is_some_and(|b| b & 0x80 != 0) {
                    v.insert(0, 0);
                }
                tlv(0x02, &v)
            };
            let mut seq = int(n);
            seq.extend(int(e));
            Key::from_spki(&spki_with(RSA_ALGORITHM_ID, &tlv(0x30, &seq)))
                .map_err(|_| invalid_rsa())
        }
        (crate::algorithm::Family::Rsa, DecodingKeyKind::SecretOrDer(pkcs1)) => {
            Key::from_spki(&spki_with(RSA_ALGORITHM_ID, pkcs1)).map_err(|_| invalid_rsa())
        }
        (crate::algorithm::Family::Ec, DecodingKeyKind::SecretOrDer(point)) => {
            // id-ecPublicKey with the curve's OID
            let curve_oid: &[u8] = if alg == Algorithm::ES256 {
                &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]
            } else {
                &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]
            };
            let mut id = vec![0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
            id.extend_from_slice(curve_oid);
            Key::from_spki(&spki_with(&tlv(0x30, &id), point))
                .map_err(|_| ErrorKind::InvalidEcdsaKey.into())
        }
        (crate::algorithm::Family::Ed, DecodingKeyKind::SecretOrDer(point)) => {
            let id = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
            Key::from_spki(&spki_with(&id, point)).map_err(|_| ErrorKind::InvalidEddsaKey.into())
        }
        _ => Err(ErrorKind::InvalidKeyFormat.into()),
    }
}

fn new_signer(alg: &JwtAlgorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    let inner = algorithm(alg)?;
    let key = signing_key(inner, key)?;
    Ok(Box::new(RingSigner {
        alg: *alg,
        inner,
        key,
    }))
}

fn new_verifier(alg: &JwtAlgorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let inner = algorithm(alg)?;
    let key = verifying_key(inner, key)?;
    Ok(Box::new(RingVerifier {
        alg: *alg,
        inner,
        key,
    }))
}

fn rsa_from_private(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    der::rsa_private_key_public_part(der)
        .map(|(n, e)| (n.to_vec(), e.to_vec()))
        .ok_or_else(invalid_rsa)
}

fn rsa_from_public(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    der::rsa_public_key(der)
        .map(|(n, e)| (n.to_vec(), e.to_vec()))
        .ok_or_else(invalid_rsa)
}

fn ec_from_private(der: &[u8], alg: JwtAlgorithm) -> Result<(EllipticCurve, Vec<u8>, Vec<u8>)> {
    let (curve, expected, half) = match alg {
        JwtAlgorithm::ES256 => (EllipticCurve::P256, Curve::P256, 32),
        JwtAlgorithm::ES384 => (EllipticCurve::P384, Curve::P384, 48),
        _ => return Err(ErrorKind::InvalidEcdsaKey.into()),
    };
    let key = Key::from_pkcs8(der)
        .ok()
        .filter(|key| key.curve() == Some(expected))
        .ok_or(ErrorKind::InvalidEcdsaKey)?;
    let point = key.public_key_der().ok_or(ErrorKind::InvalidEcdsaKey)?;
    let (x, y) = point
        .get(1..)
        .ok_or(ErrorKind::InvalidEcdsaKey)?
        .split_at(half);
    Ok((curve, x.to_vec(), y.to_vec()))
}

fn ed_from_private(der: &[u8], curve: &EllipticCurve) -> Result<Vec<u8>> {
    if *curve != EllipticCurve::Ed25519 {
        return Err(ErrorKind::InvalidAlgorithm.into());
    }
    let key = Key::from_pkcs8(der).map_err(|_| ErrorKind::InvalidEddsaKey)?;
    key.public_key_der()
        .ok_or_else(|| ErrorKind::InvalidEddsaKey.into())
}

fn digest(data: &[u8], hash: ThumbprintHash) -> Result<Vec<u8>> {
    let alg = match hash {
        ThumbprintHash::SHA256 => &digest::SHA256,
        ThumbprintHash::SHA384 => &digest::SHA384,
        ThumbprintHash::SHA512 => &digest::SHA512,
        _ => return Err(ErrorKind::InvalidAlgorithm.into()),
    };
    Ok(digest::digest(alg, data).as_ref().to_vec())
}

/// The provider, installed once when the addon loads (see `install`).
pub static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: new_signer,
    verifier_factory: new_verifier,
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: rsa_from_private,
        rsa_pub_components_from_public_key: rsa_from_public,
        ec_pub_components_from_private_key: ec_from_private,
        ed_pub_components_from_private_key: ed_from_private,
        compute_digest: digest,
    },
};

/// Makes ring the `jsonwebtoken` crate's cryptography for this process. Safe to call more than once.
pub fn install() {
    let _ = PROVIDER.install_default();
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    use serde_json::{json, Value};

    fn round_trip(alg: Algorithm, encoding: &EncodingKey, decoding: &DecodingKey) {
        super::install();
        let claims = json!({ "sub": "u1", "exp": 4_000_000_000u64 });
        let token = encode(&Header::new(alg), &claims, encoding).unwrap();
        let decoded = decode::<Value>(&token, decoding, &Validation::new(alg)).unwrap();
        assert_eq!(decoded.claims, claims);
        let forged = encode(&Header::new(alg), &json!({ "sub": "admin" }), encoding).unwrap();
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = forged.split('.').nth(1).unwrap();
        let tampered = parts.join(".");
        assert!(decode::<Value>(&tampered, decoding, &Validation::new(alg)).is_err());
    }

    #[test]
    fn jsonwebtoken_crate_runs_on_the_ring_provider() {
        round_trip(
            Algorithm::HS256,
            &EncodingKey::from_secret(b"secret").unwrap(),
            &DecodingKey::from_secret(b"secret").unwrap(),
        );

        let rng = &*crate::key::RNG;
        let ec = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, rng).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, ec.as_ref(), rng).unwrap();
        round_trip(
            Algorithm::ES256,
            &EncodingKey::from_ec_der(ec.as_ref()),
            &DecodingKey::from_ec_der(pair.public_key().as_ref()),
        );

        let ed = Ed25519KeyPair::generate_pkcs8(rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(ed.as_ref()).unwrap();
        round_trip(
            Algorithm::EdDSA,
            &EncodingKey::from_ed_der(ed.as_ref()),
            &DecodingKey::from_ed_der(pair.public_key().as_ref()),
        );

        use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
        use aws_lc_rs::signature::KeyPair as _;
        let rsa = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let pkcs8: Pkcs8V1Der = rsa.as_der().unwrap();
        let spki: PublicKeyX509Der = rsa.public_key().as_der().unwrap();
        let pkcs1 = crate::der::pkcs8(pkcs8.as_ref()).unwrap().private_key;
        let public = crate::der::spki(spki.as_ref()).unwrap().key;
        for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::RS512] {
            round_trip(
                alg,
                &EncodingKey::from_rsa_der(pkcs1),
                &DecodingKey::from_rsa_der(public),
            );
        }
    }
}
