//! Parsed keys. A `Key` is built once from what node:crypto exports (raw secret bytes, PKCS#8 or SPKI DER)
//! and then used for every token, so no call on the hot path parses key material.

use ring::{
    hmac,
    rand::SystemRandom,
    signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair},
};

use crate::algorithm::{Algorithm, Family};
use crate::curve::Curve;
use crate::der;
use crate::error::{Code, Error, Result};

pub(crate) static RNG: std::sync::LazyLock<SystemRandom> =
    std::sync::LazyLock::new(SystemRandom::new);

/// RSA private keys sign on AWS-LC: its RSA-2048 signing runs about 1.8× faster than ring's here, on par with
/// OpenSSL. HMAC and ECDSA P-256/P-384 stay on ring. RSA keys under 2048 bits are used by neither: with
/// `allowInsecureKeySizes` the JS layer signs and verifies them with node:crypto.
pub type RsaSigner = aws_lc_rs::signature::RsaKeyPair;

/// RSA verifies on AWS-LC with keys parsed once: with the key pre-parsed it verifies RSA-2048 about 1.35× faster
/// than ring, which parses the key on every call. (Ed25519: see [`crate::ed25519`].)
pub type LcVerifier = aws_lc_rs::signature::ParsedPublicKey;

/// The RSA algorithms with AWS-LC's verification parameters, in the order of an [`RsaVerifier`]'s keys.
const RSA_VERIFICATION: [(Algorithm, &aws_lc_rs::signature::RsaParameters); 6] = {
    use aws_lc_rs::signature as lc;
    [
        (Algorithm::RS256, &lc::RSA_PKCS1_2048_8192_SHA256),
        (Algorithm::RS384, &lc::RSA_PKCS1_2048_8192_SHA384),
        (Algorithm::RS512, &lc::RSA_PKCS1_2048_8192_SHA512),
        (Algorithm::PS256, &lc::RSA_PSS_2048_8192_SHA256),
        (Algorithm::PS384, &lc::RSA_PSS_2048_8192_SHA384),
        (Algorithm::PS512, &lc::RSA_PSS_2048_8192_SHA512),
    ]
};

/// One AWS-LC key per RSA algorithm, in the order of [`RSA_VERIFICATION`]: a parsed key is bound to its
/// padding and digest.
pub type RsaVerifier = Box<[LcVerifier; 6]>;

/// The parsed keys of an RSA public key of at least 2048 bits; `None` for a smaller key, or one AWS-LC does not
/// take (over 8192 bits, say), whose signatures then never verify.
fn rsa_verifier(pkcs1: &[u8], bits: usize) -> Option<RsaVerifier> {
    if bits < MIN_RSA_BITS {
        return None;
    }
    let parsed: Option<Vec<LcVerifier>> = RSA_VERIFICATION
        .iter()
        .map(|&(_, params)| LcVerifier::new(params, pkcs1).ok())
        .collect();
    parsed.and_then(|keys| keys.try_into().ok())
}

/// The parsed key for `alg`, `None` for an algorithm that is not RSA.
pub fn rsa_key_for(keys: &[LcVerifier; 6], alg: Algorithm) -> Option<&LcVerifier> {
    RSA_VERIFICATION
        .iter()
        .position(|&(a, _)| a == alg)
        .map(|index| &keys[index])
}

/// P-521 (ES512) runs on AWS-LC, as ring has no P-521: its ECDSA there signs about 5× and verifies about 4×
/// faster than the pure-Rust `p521` crate, and ahead of OpenSSL.
pub type P521Signer = aws_lc_rs::signature::EcdsaKeyPair;
pub type P521Verifier = aws_lc_rs::signature::ParsedPublicKey;

/// The smallest RSA modulus accepted without `allowInsecureKeySizes` (RFC 8725 §3.5 and NIST SP 800-131A).
pub const MIN_RSA_BITS: usize = 2048;

/// Secrets are kept only as ring HMAC keys, and their length for the strict profile; the raw bytes are not
/// stored.
pub struct Secret {
    hs256: hmac::Key,
    hs384: hmac::Key,
    hs512: hmac::Key,
    len: usize,
}

impl Secret {
    pub fn for_algorithm(&self, alg: Algorithm) -> Option<&hmac::Key> {
        match alg {
            Algorithm::HS256 => Some(&self.hs256),
            Algorithm::HS384 => Some(&self.hs384),
            Algorithm::HS512 => Some(&self.hs512),
            _ => None,
        }
    }
}

// Keys are built once and shared behind an `Arc`: variant sizes do not matter, indirection would.
#[allow(clippy::large_enum_variant)]
pub enum EcSigner {
    Ring(EcdsaKeyPair),
    P521(P521Signer),
}

pub enum EcVerifier {
    Ring(Vec<u8>),
    P521(P521Verifier),
}

#[allow(clippy::large_enum_variant)]
pub enum Material {
    Secret(Secret),
    /// `signer` is `None` for a key under 2048 bits, which node:crypto signs with (see [`RsaSigner`]).
    RsaPrivate {
        signer: Option<RsaSigner>,
        bits: usize,
        pss_only: bool,
    },
    RsaPublic {
        verifier: Option<RsaVerifier>,
        bits: usize,
        pss_only: bool,
    },
    EcPrivate(Curve, EcSigner),
    EcPublic(Curve, EcVerifier),
    EdPrivate(Ed25519KeyPair),
    EdPublic(crate::ed25519::Verifier),
}

/// Which side of the operation a key is checked for: the messages name the key as jsonwebtoken does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Sign,
    Verify,
}

impl Role {
    fn key_name(self) -> &'static str {
        match self {
            Self::Sign => "secretOrPrivateKey",
            Self::Verify => "secretOrPublicKey",
        }
    }
}

pub struct Key {
    pub material: Material,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key([redacted])")
    }
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

fn unsupported_type(kind: &str) -> Error {
    Error::new(
        Code::KeyUnsupported,
        format!("Unknown key type \"{kind}\"."),
    )
}

/// An EC private key's curve, read from its PKCS#8 `parameters`, and the PKCS#8 in the named-curve form ring and
/// AWS-LC take: `der` itself when it names its curve, else written again from explicit parameters (any copy of
/// them inside the key must name the same curve).
pub(crate) fn ec_named_pkcs8<'a>(
    der: &'a [u8],
    parameters: Option<der::Tlv<'_>>,
    inner: &[u8],
    invalid: impl Fn() -> Error,
) -> Result<(Curve, std::borrow::Cow<'a, [u8]>)> {
    let curve = Curve::from_parameters(parameters)?;
    if parameters.is_some_and(|p| p.tag == der::OBJECT_IDENTIFIER) {
        return Ok((curve, std::borrow::Cow::Borrowed(der)));
    }
    let key = der::ec_private_key(inner).ok_or_else(&invalid)?;
    if key.parameters.is_some() && Curve::from_parameters(key.parameters).ok() != Some(curve) {
        return Err(invalid());
    }
    Ok((
        curve,
        std::borrow::Cow::Owned(named_curve_pkcs8(curve, &key)),
    ))
}

/// PKCS#8 for an EC key whose curve was given by explicit parameters, written again with the curve's OID: the
/// only form ring and AWS-LC take. The inner key keeps its scalar and public key and drops its own copy of the
/// parameters (RFC 5915 §3 makes them optional).
fn named_curve_pkcs8(curve: Curve, key: &der::EcPrivateKey<'_>) -> Vec<u8> {
    let mut ec_key = der::tlv(der::INTEGER, &[1]);
    ec_key.extend(der::tlv(der::OCTET_STRING, key.private_key));
    if let Some(public) = key.public_key {
        ec_key.extend(der::tlv(der::CONTEXT_1, &der::tlv(der::BIT_STRING, public)));
    }
    let mut algorithm = der::tlv(der::OBJECT_IDENTIFIER, OID_EC);
    algorithm.extend(der::tlv(der::OBJECT_IDENTIFIER, curve.oid()));
    let mut body = der::tlv(der::INTEGER, &[0]);
    body.extend(der::tlv(der::SEQUENCE, &algorithm));
    body.extend(der::tlv(
        der::OCTET_STRING,
        &der::tlv(der::SEQUENCE, &ec_key),
    ));
    der::tlv(der::SEQUENCE, &body)
}

fn ec_signer(curve: Curve, pkcs8: &[u8]) -> Option<EcSigner> {
    Some(match curve {
        Curve::P256 => EcSigner::Ring(
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &*RNG)
                .ok()?,
        ),
        Curve::P384 => EcSigner::Ring(
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_FIXED_SIGNING, pkcs8, &*RNG)
                .ok()?,
        ),
        Curve::P521 => EcSigner::P521(
            P521Signer::from_pkcs8(
                &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED_SIGNING,
                pkcs8,
            )
            .ok()?,
        ),
    })
}

/// The algorithms jsonwebtoken allows for an asymmetric key type.
fn algorithms_for(key_type: &str) -> &'static [&'static str] {
    match key_type {
        "rsa" => &["RS256", "PS256", "RS384", "PS384", "RS512", "PS512"],
        "rsa-pss" => &["PS256", "PS384", "PS512"],
        "ec" => &["ES256", "ES384", "ES512"],
        _ => &["EdDSA"],
    }
}

/// jsonwebtoken's refusal of an algorithm the key type does not serve.
fn algorithm_mismatch(key_type: &str) -> Error {
    Error::new(
        Code::KeyTypeMismatch,
        format!(
            "\"alg\" parameter for \"{key_type}\" key type must be one of: {}.",
            algorithms_for(key_type).join(", ")
        ),
    )
}

impl Key {
    pub fn secret(bytes: &[u8]) -> Self {
        let material = Material::Secret(Secret {
            hs256: hmac::Key::new(hmac::HMAC_SHA256, bytes),
            hs384: hmac::Key::new(hmac::HMAC_SHA384, bytes),
            hs512: hmac::Key::new(hmac::HMAC_SHA512, bytes),
            len: bytes.len(),
        });
        Self { material }
    }

    /// A private key from PKCS#8 DER. An EC key's curve is read from the DER (a named curve, or explicit
    /// parameters that are exactly one of the three curves), never taken from the caller.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        let invalid = || Error::key_invalid(Role::Sign.key_name());
        let der::Pkcs8 {
            algorithm: oid,
            parameters,
            private_key: inner,
        } = der::pkcs8(der).ok_or_else(invalid)?;
        let material = match oid {
            OID_RSA | OID_RSA_PSS => {
                let (n, _) = der::rsa_private_key_public_part(inner).ok_or_else(invalid)?;
                let bits = der::bit_length(n);
                let signer = if bits < MIN_RSA_BITS {
                    None
                } else {
                    Some(RsaSigner::from_der(inner).map_err(|_| invalid())?)
                };
                Material::RsaPrivate {
                    signer,
                    bits,
                    pss_only: oid == OID_RSA_PSS,
                }
            }
            OID_EC => {
                let (curve, pkcs8) = ec_named_pkcs8(der, parameters, inner, invalid)?;
                Material::EcPrivate(curve, ec_signer(curve, &pkcs8).ok_or_else(invalid)?)
            }
            OID_ED25519 => Material::EdPrivate(
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(|_| invalid())?,
            ),
            _ => return Err(unsupported_type("unknown")),
        };
        Ok(Self { material })
    }

    /// A public key from SPKI DER.
    pub fn from_spki(der: &[u8]) -> Result<Self> {
        let invalid = || Error::key_invalid(Role::Verify.key_name());
        let der::Spki {
            algorithm: oid,
            parameters,
            key,
        } = der::spki(der).ok_or_else(invalid)?;
        let material = match oid {
            OID_RSA | OID_RSA_PSS => {
                let (n, _) = der::rsa_public_key(key).ok_or_else(invalid)?;
                let bits = der::bit_length(n);
                Material::RsaPublic {
                    verifier: rsa_verifier(key, bits),
                    bits,
                    pss_only: oid == OID_RSA_PSS,
                }
            }
            OID_EC => {
                let curve = Curve::from_parameters(parameters)?;
                if curve.point_len() != key.len() || key.first() != Some(&4) {
                    return Err(invalid());
                }
                let verifier = match curve {
                    Curve::P521 => EcVerifier::P521(
                        P521Verifier::new(&aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED, key)
                            .map_err(|_| invalid())?,
                    ),
                    _ => EcVerifier::Ring(key.to_vec()),
                };
                Material::EcPublic(curve, verifier)
            }
            OID_ED25519 if key.len() == 32 => {
                Material::EdPublic(crate::ed25519::Verifier::new(key).ok_or_else(invalid)?)
            }
            _ => return Err(unsupported_type("unknown")),
        };
        Ok(Self { material })
    }

    /// The public half of a private key, for verifying with the key that signed.
    pub fn public_key_der(&self) -> Option<Vec<u8>> {
        match &self.material {
            Material::EcPrivate(_, EcSigner::Ring(pair)) => {
                Some(pair.public_key().as_ref().to_vec())
            }
            Material::EcPrivate(_, EcSigner::P521(pair)) => {
                use aws_lc_rs::signature::KeyPair as _;
                Some(pair.public_key().as_ref().to_vec())
            }
            Material::EdPrivate(pair) => Some(pair.public_key().as_ref().to_vec()),
            _ => None,
        }
    }

    fn asymmetric_type(&self) -> Option<&'static str> {
        match &self.material {
            Material::Secret(_) => None,
            Material::RsaPrivate { pss_only, .. } | Material::RsaPublic { pss_only, .. } => {
                Some(if *pss_only { "rsa-pss" } else { "rsa" })
            }
            Material::EcPrivate(..) | Material::EcPublic(..) => Some("ec"),
            Material::EdPrivate(_) | Material::EdPublic(_) => Some("ed25519"),
        }
    }

    fn is_private(&self) -> bool {
        matches!(
            self.material,
            Material::RsaPrivate { .. } | Material::EcPrivate(..) | Material::EdPrivate(_)
        )
    }

    /// The curve of an EC key, as read from its DER.
    pub fn curve(&self) -> Option<Curve> {
        match &self.material {
            Material::EcPrivate(curve, _) | Material::EcPublic(curve, _) => Some(*curve),
            _ => None,
        }
    }

    pub fn rsa_bits(&self) -> Option<usize> {
        match &self.material {
            Material::RsaPrivate { bits, .. } | Material::RsaPublic { bits, .. } => Some(*bits),
            _ => None,
        }
    }

    /// An RSA key under 2048 bits: usable only with `allowInsecureKeySizes`, and then through node:crypto.
    pub fn is_legacy_rsa(&self) -> bool {
        self.rsa_bits().is_some_and(|bits| bits < MIN_RSA_BITS)
    }

    /// The strict profile's rule for HMAC secrets (RFC 7518 §3.2): at least as many bytes as the hash output,
    /// 32 for HS256, 48 for HS384, 64 for HS512. Other keys and algorithms pass.
    pub fn check_secret_length(&self, alg: Algorithm, role: Role) -> Result<()> {
        match (&self.material, alg.hmac_output_len()) {
            (Material::Secret(secret), Some(min)) if secret.len < min => Err(Error::new(
                Code::SecretTooShort,
                format!(
                    "{} must be at least {min} bytes long for {alg}",
                    role.key_name()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Checks that this key may be used with `alg`, with jsonwebtoken's messages (RFC 8725 §3.1, §3.5):
    /// HMAC only with secrets, each asymmetric algorithm only with its key type and curve.
    pub fn check(&self, alg: Algorithm, role: Role, allow_insecure_key_sizes: bool) -> Result<()> {
        let name = role.key_name();
        let family = alg.family();
        match family {
            // jsonwebtoken signs `none` with a secret (which it does not use), never with an asymmetric key: a
            // private key meant to sign would otherwise give unsigned tokens without a word.
            Family::Unsecured => {
                return match self.asymmetric_type() {
                    Some(key_type) if role == Role::Sign => Err(algorithm_mismatch(key_type)),
                    _ => Ok(()),
                };
            }
            Family::Hmac => {
                return match self.material {
                    Material::Secret(_) => Ok(()),
                    _ => Err(Error::new(
                        Code::KeyTypeMismatch,
                        format!("{name} must be a symmetric key when using {alg}"),
                    )),
                };
            }
            Family::Rsa | Family::Ec | Family::Ed => {}
        }
        let wants_private = role == Role::Sign;
        let Some(key_type) = self
            .asymmetric_type()
            .filter(|_| self.is_private() == wants_private)
        else {
            return Err(Error::new(
                Code::KeyTypeMismatch,
                format!("{name} must be an asymmetric key when using {alg}"),
            ));
        };
        if !algorithms_for(key_type).contains(&alg.name()) {
            return Err(algorithm_mismatch(key_type));
        }
        if let Some(required) = Curve::for_algorithm(alg) {
            if self.curve() != Some(required) {
                return Err(Error::new(
                    Code::KeyTypeMismatch,
                    format!(
                        "\"alg\" parameter \"{alg}\" requires curve \"{}\".",
                        required.openssl_name()
                    ),
                ));
            }
        }
        if self.is_legacy_rsa() && !allow_insecure_key_sizes {
            return Err(Error::new(
                Code::KeyTooSmall,
                format!("{name} has a minimum key size of {MIN_RSA_BITS} bits for {alg}"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::STANDARD, Engine};

    fn pem(text: &str) -> Vec<u8> {
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        STANDARD.decode(body).unwrap()
    }

    const EXPLICIT: [(&str, &str, Algorithm, Curve); 3] = [
        (
            include_str!("../__test__/fixtures/ec-explicit/p256-private.pem"),
            include_str!("../__test__/fixtures/ec-explicit/p256-public.pem"),
            Algorithm::ES256,
            Curve::P256,
        ),
        (
            include_str!("../__test__/fixtures/ec-explicit/p384-private.pem"),
            include_str!("../__test__/fixtures/ec-explicit/p384-public.pem"),
            Algorithm::ES384,
            Curve::P384,
        ),
        (
            include_str!("../__test__/fixtures/ec-explicit/p521-private.pem"),
            include_str!("../__test__/fixtures/ec-explicit/p521-public.pem"),
            Algorithm::ES512,
            Curve::P521,
        ),
    ];

    /// PKCS#8 around a SEC 1 key, with `outer` as the AlgorithmIdentifier's parameters (the key's own by default).
    fn pkcs8_from_sec1(sec1: &[u8], outer: Option<der::Tlv<'_>>) -> Vec<u8> {
        let params =
            outer.unwrap_or_else(|| der::ec_private_key(sec1).unwrap().parameters.unwrap());
        let mut algorithm = der::tlv(der::OBJECT_IDENTIFIER, OID_EC);
        algorithm.extend(der::tlv(params.tag, params.value));
        let mut body = der::tlv(der::INTEGER, &[0]);
        body.extend(der::tlv(der::SEQUENCE, &algorithm));
        body.extend(der::tlv(der::OCTET_STRING, sec1));
        der::tlv(der::SEQUENCE, &body)
    }

    #[test]
    fn ec_public_keys_are_read_by_their_named_curve() {
        let p256 = STANDARD.decode("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEchIhoCq5z4SSlAnNtq7v6oBNJyB5qSVEcjW+IQuu94rGuugJcOVCJilUxABIcexmEaDkjr1jtvN2lkeaP8rfcA==").unwrap();
        let key = Key::from_spki(&p256).unwrap();
        assert!(key.check(Algorithm::ES256, Role::Verify, false).is_ok());

        // secp256k1 has the same point length as P-256: only the curve OID tells them apart.
        let k256 = STANDARD.decode("MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEM2ToI85p1q5bAVElr+/OBk7HuWNrjTGXLwo/NtWrqDjiOu+/kY/LQh8GoKbnvG3urPi2VdOdVm0cqV91tWBBtQ==").unwrap();
        let err = Key::from_spki(&k256).err().unwrap();
        assert_eq!(err.code, Code::KeyUnsupported);
    }

    #[test]
    fn unsecured_tokens_are_not_signed_with_asymmetric_keys() {
        let (private, public, ..) = EXPLICIT[0];
        for key in [
            Key::from_pkcs8(&pkcs8_from_sec1(&pem(private), None)).unwrap(),
            Key::from_spki(&pem(public)).unwrap(),
        ] {
            let err = key.check(Algorithm::None, Role::Sign, false).unwrap_err();
            assert_eq!(err.code, Code::KeyTypeMismatch);
            assert_eq!(
                err.message,
                "\"alg\" parameter for \"ec\" key type must be one of: ES256, ES384, ES512."
            );
        }
        assert!(Key::secret(b"secret")
            .check(Algorithm::None, Role::Sign, false)
            .is_ok());
    }

    #[test]
    fn keys_with_the_explicit_parameters_of_the_three_curves_sign_and_verify() {
        for (private, public, alg, curve) in EXPLICIT {
            let sec1 = pem(private);
            let public = Key::from_spki(&pem(public)).unwrap();
            assert_eq!(public.curve(), Some(curve));
            // The parameters repeated inside the key, and dropped from it (as node:crypto exports PKCS#8).
            let kept = pkcs8_from_sec1(&sec1, None);
            let inner = der::ec_private_key(&sec1).unwrap();
            let dropped = {
                let params = inner.parameters.unwrap();
                let mut ec_key = der::tlv(der::INTEGER, &[1]);
                ec_key.extend(der::tlv(der::OCTET_STRING, inner.private_key));
                ec_key.extend(der::tlv(
                    der::CONTEXT_1,
                    &der::tlv(der::BIT_STRING, inner.public_key.unwrap()),
                ));
                pkcs8_from_sec1(&der::tlv(der::SEQUENCE, &ec_key), Some(params))
            };
            for pkcs8 in [kept, dropped] {
                let private = Key::from_pkcs8(&pkcs8).unwrap();
                assert_eq!(private.curve(), Some(curve));
                assert!(private.check(alg, Role::Sign, false).is_ok());
                let sig = crate::jws::sign(&private, alg, b"input").unwrap();
                assert!(crate::jws::verify(&public, alg, b"input", &sig).unwrap());
                assert_eq!(
                    private.public_key_der().unwrap(),
                    &inner.public_key.unwrap()[1..]
                );
            }
        }
    }

    #[test]
    fn other_explicit_parameters_are_refused_for_every_role() {
        let message = "explicit elliptic curve parameters are not those of P-256, P-384 or P-521";
        for public in [
            include_str!("../__test__/fixtures/ec-explicit/p256-other-generator-public.pem"),
            include_str!("../__test__/fixtures/ec-explicit/secp256k1-public.pem"),
        ] {
            let err = Key::from_spki(&pem(public)).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::CurveUnknown, message)
            );
        }
        let other = pem(include_str!(
            "../__test__/fixtures/ec-explicit/p256-other-generator-private.pem"
        ));
        let k256 = pkcs8_from_sec1(
            &pem(include_str!(
                "../__test__/fixtures/ec-explicit/secp256k1-private.pem"
            )),
            None,
        );
        for pkcs8 in [other, k256] {
            let err = Key::from_pkcs8(&pkcs8).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::CurveUnknown, message)
            );
        }
    }

    #[test]
    fn parameters_inside_the_key_must_name_the_same_curve() {
        let p256 = pem(EXPLICIT[0].0);
        let p384 = pem(EXPLICIT[1].0);
        let p384_params = der::ec_private_key(&p384).unwrap().parameters;
        let err = Key::from_pkcs8(&pkcs8_from_sec1(&p256, p384_params)).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_ref()),
            (
                Code::KeyInvalid,
                "secretOrPrivateKey is not valid key material"
            )
        );
    }

    #[test]
    fn strict_secrets_are_at_least_the_hash_length() {
        for (alg, min) in [
            (Algorithm::HS256, 32),
            (Algorithm::HS384, 48),
            (Algorithm::HS512, 64),
        ] {
            assert!(Key::secret(&vec![1; min])
                .check_secret_length(alg, Role::Verify)
                .is_ok());
            let err = Key::secret(&vec![1; min - 1])
                .check_secret_length(alg, Role::Verify)
                .unwrap_err();
            assert_eq!(
                (err.code, err.message.into_owned()),
                (
                    Code::SecretTooShort,
                    format!("secretOrPublicKey must be at least {min} bytes long for {alg}")
                )
            );
        }
        let p256 = Key::from_spki(&pem(EXPLICIT[0].1)).unwrap();
        assert!(p256
            .check_secret_length(Algorithm::ES256, Role::Verify)
            .is_ok());
    }
}
