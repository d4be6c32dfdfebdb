//! Signing and verifying the JWS signing input (`base64url(header).base64url(payload)`) with a parsed key.

use ring::{hmac, signature};

use crate::algorithm::Algorithm;
use crate::curve::Curve;
use crate::error::{Code, Error, Result};
use crate::key::{rsa_key_for, EcSigner, EcVerifier, Key, Material, RNG};

fn unusable(alg: Algorithm) -> Error {
    Error::new(
        Code::KeyTypeMismatch,
        format!("the key cannot be used with {alg}"),
    )
}

/// RSA keys under 2048 bits reach here only if the JS layer's node:crypto path was bypassed.
fn legacy_rsa() -> Error {
    Error::new(
        Code::KeyUnsupported,
        "RSA keys under 2048 bits are used through node:crypto, with allowInsecureKeySizes",
    )
}

/// Signs `input`. The caller has run [`Key::check`]; a key that still does not fit is an error, not a panic.
pub fn sign(key: &Key, alg: Algorithm, input: &[u8]) -> Result<Vec<u8>> {
    match (&key.material, alg) {
        (_, Algorithm::None) => Ok(Vec::new()),
        (Material::Secret(secret), _) => {
            let key = secret.for_algorithm(alg).ok_or_else(|| unusable(alg))?;
            Ok(hmac::sign(key, input).as_ref().to_vec())
        }
        (
            Material::RsaPrivate {
                signer: Some(pair), ..
            },
            _,
        ) => {
            use aws_lc_rs::signature as lc;
            let padding: &'static dyn lc::RsaEncoding = match alg {
                Algorithm::RS256 => &lc::RSA_PKCS1_SHA256,
                Algorithm::RS384 => &lc::RSA_PKCS1_SHA384,
                Algorithm::RS512 => &lc::RSA_PKCS1_SHA512,
                Algorithm::PS256 => &lc::RSA_PSS_SHA256,
                Algorithm::PS384 => &lc::RSA_PSS_SHA384,
                Algorithm::PS512 => &lc::RSA_PSS_SHA512,
                _ => return Err(unusable(alg)),
            };
            let mut out = vec![0; pair.public_modulus_len()];
            // AWS-LC draws the PSS salt from its own generator: the argument is there for ring's signature.
            pair.sign(
                padding,
                &aws_lc_rs::rand::SystemRandom::new(),
                input,
                &mut out,
            )
            .map_err(|_| Error::new(Code::KeyUnsupported, "RSA signing failed"))?;
            Ok(out)
        }
        (Material::RsaPrivate { signer: None, .. }, _) => Err(legacy_rsa()),
        (Material::EcPrivate(Curve::P256, EcSigner::Ring(pair)), Algorithm::ES256)
        | (Material::EcPrivate(Curve::P384, EcSigner::Ring(pair)), Algorithm::ES384) => pair
            .sign(&*RNG, input)
            .map(|sig| sig.as_ref().to_vec())
            .map_err(|_| Error::new(Code::KeyUnsupported, "ECDSA signing failed")),
        // AWS-LC draws the nonce from its own generator: the argument is there for ring's signature.
        (Material::EcPrivate(Curve::P521, EcSigner::P521(pair)), Algorithm::ES512) => pair
            .sign(&aws_lc_rs::rand::SystemRandom::new(), input)
            .map(|sig| sig.as_ref().to_vec())
            .map_err(|_| Error::new(Code::KeyUnsupported, "ECDSA signing failed")),
        (Material::EdPrivate(pair), Algorithm::EdDSA) => Ok(pair.sign(input).as_ref().to_vec()),
        _ => Err(unusable(alg)),
    }
}

/// Verifies `signature` over `input`: `Ok(false)` for a signature that does not match.
pub fn verify(key: &Key, alg: Algorithm, input: &[u8], sig: &[u8]) -> Result<bool> {
    let ok = match (&key.material, alg) {
        (_, Algorithm::None) => sig.is_empty(),
        (Material::Secret(secret), _) => {
            let key = secret.for_algorithm(alg).ok_or_else(|| unusable(alg))?;
            hmac::verify(key, input, sig).is_ok()
        }
        (
            Material::RsaPublic {
                verifier: Some(keys),
                ..
            },
            _,
        ) => rsa_key_for(keys, alg)
            .ok_or_else(|| unusable(alg))?
            .verify_sig(input, sig)
            .is_ok(),
        (Material::RsaPublic { bits, .. }, _) if *bits < crate::key::MIN_RSA_BITS => {
            return Err(legacy_rsa())
        }
        // A key AWS-LC does not take (over 8192 bits, say): no signature verifies.
        (Material::RsaPublic { .. }, alg) if alg.family() == crate::algorithm::Family::Rsa => false,
        (Material::EcPublic(Curve::P256, EcVerifier::Ring(point)), Algorithm::ES256) => {
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(input, sig)
                .is_ok()
        }
        (Material::EcPublic(Curve::P384, EcVerifier::Ring(point)), Algorithm::ES384) => {
            signature::UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, point)
                .verify(input, sig)
                .is_ok()
        }
        (Material::EcPublic(Curve::P521, EcVerifier::P521(key)), Algorithm::ES512) => {
            key.verify_sig(input, sig).is_ok()
        }
        (Material::EdPublic(key), Algorithm::EdDSA) => key.verify(input, sig),
        _ => return Err(unusable(alg)),
    };
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
    use aws_lc_rs::signature::{KeyPair, RsaKeyPair};
    use ring::signature::{self as ring_sig, RsaKeyPair as RingRsaKeyPair};

    use super::{sign, verify};
    use crate::algorithm::Algorithm;
    use crate::key::Key;

    const INPUT: &[u8] = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9";

    #[test]
    fn rsa_signatures_verify_on_ring_and_match_its_pkcs1_bytes() {
        let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let pkcs8: Pkcs8V1Der = pair.as_der().unwrap();
        let spki: PublicKeyX509Der = pair.public_key().as_der().unwrap();
        let private = Key::from_pkcs8(pkcs8.as_ref()).unwrap();
        let public = Key::from_spki(spki.as_ref()).unwrap();
        let names = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
        for alg in names.map(|name| Algorithm::parse(name).unwrap()) {
            let sig = sign(&private, alg, INPUT).unwrap();
            assert_eq!(sig.len(), 256);
            assert!(verify(&public, alg, INPUT, &sig).unwrap(), "{alg}");
            assert!(!verify(&public, alg, b"tampered", &sig).unwrap(), "{alg}");
        }

        // PKCS#1 v1.5 is deterministic: the same key must give ring's bytes exactly.
        let ring_pair = RingRsaKeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let mut expected = vec![0; 256];
        ring_pair
            .sign(
                &ring_sig::RSA_PKCS1_SHA256,
                &*crate::key::RNG,
                INPUT,
                &mut expected,
            )
            .unwrap();
        assert_eq!(sign(&private, Algorithm::RS256, INPUT).unwrap(), expected);
    }

    #[test]
    fn rsa_and_ed25519_public_keys_are_parsed_once() {
        let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let spki: PublicKeyX509Der = pair.public_key().as_der().unwrap();
        let public = Key::from_spki(spki.as_ref()).unwrap();
        assert!(matches!(
            public.material,
            crate::key::Material::RsaPublic {
                verifier: Some(_),
                ..
            }
        ));

        let pkcs8 = ring_sig::Ed25519KeyPair::generate_pkcs8(&*crate::key::RNG).unwrap();
        let private = Key::from_pkcs8(pkcs8.as_ref()).unwrap();
        let mut spki = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        spki.extend(private.public_key_der().unwrap());
        let public = Key::from_spki(&spki).unwrap();
        let sig = sign(&private, Algorithm::EdDSA, INPUT).unwrap();
        assert!(verify(&public, Algorithm::EdDSA, INPUT, &sig).unwrap());
        assert!(!verify(&public, Algorithm::EdDSA, b"tampered", &sig).unwrap());
        assert!(!verify(&public, Algorithm::EdDSA, INPUT, &sig[..63]).unwrap());
        assert!(verify(&public, Algorithm::RS256, INPUT, &sig).is_err());
    }

    #[test]
    fn es512_signs_fixed_width_and_rejects_tampered_or_misshapen_signatures() {
        use aws_lc_rs::signature::{EcdsaKeyPair, ECDSA_P521_SHA512_FIXED_SIGNING};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P521_SHA512_FIXED_SIGNING, &rng).unwrap();
        let private = Key::from_pkcs8(pkcs8.as_ref()).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P521_SHA512_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let spki = pair.public_key().as_der().unwrap();
        let public = Key::from_spki(spki.as_ref()).unwrap();
        assert_eq!(
            private.public_key_der().unwrap(),
            pair.public_key().as_ref()
        );

        let sig = sign(&private, Algorithm::ES512, INPUT).unwrap();
        assert_eq!(sig.len(), 132);
        assert!(verify(&public, Algorithm::ES512, INPUT, &sig).unwrap());
        assert!(!verify(&public, Algorithm::ES512, b"tampered", &sig).unwrap());
        assert!(!verify(&public, Algorithm::ES512, INPUT, &sig[..131]).unwrap());
        assert!(!verify(&public, Algorithm::ES512, INPUT, &[0; 132]).unwrap());

        // A key serves only its own curve's algorithm, even where the backend could be asked otherwise.
        assert!(sign(&private, Algorithm::ES384, INPUT).is_err());
        assert!(verify(&public, Algorithm::ES256, INPUT, &sig).is_err());
    }
}
