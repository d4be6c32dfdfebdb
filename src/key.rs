//! Parsed keys. A `Key` is built once from what node:crypto exports (raw secret bytes, PKCS#8 or SPKI DER)
//! and then used for every token, so no call on the hot path parses key material.

use ring::{
    hmac,
    rand::SystemRandom,
    signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair},
};

use crate::algorithm::{Algorithm, Family};
use crate::der;
use crate::error::{Code, Error, Result};

pub(crate) static RNG: std::sync::LazyLock<SystemRandom> =
    std::sync::LazyLock::new(SystemRandom::new);

/// RSA private keys sign on AWS-LC: its RSA-2048 signing runs about 1.8× faster than ring's here, on par with
/// OpenSSL. HMAC, ECDSA P-256/P-384 and RSA keys under 2048 bits stay on ring.
pub type RsaSigner = aws_lc_rs::signature::RsaKeyPair;

/// RSA and Ed25519 verify on AWS-LC with keys parsed once: with the key pre-parsed it verifies RSA-2048 about
/// 1.35× and Ed25519 about 1.1× faster than ring, which parses the key on every call.
pub type LcVerifier = aws_lc_rs::signature::ParsedPublicKey;

/// The RSA algorithms with AWS-LC's verification parameters, in the order of [`RsaVerifier::AwsLc`]'s keys.
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

pub enum RsaVerifier {
    /// One key per algorithm, as an AWS-LC parsed key is bound to its padding and digest.
    AwsLc(Box<[LcVerifier; 6]>),
    /// PKCS#1 `RSAPublicKey` bytes for ring: keys under 2048 bits, which only ring's legacy RS256/RS512
    /// verification takes, and any key AWS-LC would not parse, whose signatures ring then rejects as before.
    Ring(Vec<u8>),
}

impl RsaVerifier {
    fn new(pkcs1: &[u8], bits: usize) -> Self {
        if bits >= MIN_RSA_BITS {
            let parsed: Option<Vec<LcVerifier>> = RSA_VERIFICATION
                .iter()
                .map(|&(_, params)| LcVerifier::new(params, pkcs1).ok())
                .collect();
            if let Some(keys) = parsed.and_then(|keys| keys.try_into().ok()) {
                return Self::AwsLc(keys);
            }
        }
        Self::Ring(pkcs1.to_vec())
    }

    /// The parsed key for `alg`, `None` for an algorithm that is not RSA.
    pub fn aws_lc(keys: &[LcVerifier; 6], alg: Algorithm) -> Option<&LcVerifier> {
        RSA_VERIFICATION
            .iter()
            .position(|&(a, _)| a == alg)
            .map(|index| &keys[index])
    }
}

/// P-521 (ES512) runs on AWS-LC, as ring has no P-521: its ECDSA there signs about 5× and verifies about 4×
/// faster than the pure-Rust `p521` crate, and ahead of OpenSSL.
pub type P521Signer = aws_lc_rs::signature::EcdsaKeyPair;
pub type P521Verifier = aws_lc_rs::signature::ParsedPublicKey;

/// The smallest RSA modulus accepted without `allowInsecureKeySizes` (RFC 8725 §3.5 and NIST SP 800-131A).
pub const MIN_RSA_BITS: usize = 2048;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// The OpenSSL name, as jsonwebtoken's messages and node:crypto's `namedCurve` spell it.
    pub fn openssl_name(self) -> &'static str {
        match self {
            Self::P256 => "prime256v1",
            Self::P384 => "secp384r1",
            Self::P521 => "secp521r1",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "prime256v1" | "P-256" | "secp256r1" => Some(Self::P256),
            "secp384r1" | "P-384" => Some(Self::P384),
            "secp521r1" | "P-521" => Some(Self::P521),
            _ => None,
        }
    }

    /// The curve named by an EC key's algorithm parameter (RFC 5480 §2.1.1.1).
    fn from_oid(oid: &[u8]) -> Option<Self> {
        match oid {
            [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07] => Some(Self::P256),
            [0x2b, 0x81, 0x04, 0x00, 0x22] => Some(Self::P384),
            [0x2b, 0x81, 0x04, 0x00, 0x23] => Some(Self::P521),
            _ => None,
        }
    }

    fn for_algorithm(alg: Algorithm) -> Option<Self> {
        match alg {
            Algorithm::ES256 => Some(Self::P256),
            Algorithm::ES384 => Some(Self::P384),
            Algorithm::ES512 => Some(Self::P521),
            _ => None,
        }
    }

    fn point_len(self) -> usize {
        match self {
            Self::P256 => 65,
            Self::P384 => 97,
            Self::P521 => 133,
        }
    }
}

/// Secrets are kept only as ring HMAC keys; the raw bytes are not stored.
pub struct Secret {
    hs256: hmac::Key,
    hs384: hmac::Key,
    hs512: hmac::Key,
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
    /// `signer` is `None` for a key under 2048 bits, which is never signed with: the checks report it.
    RsaPrivate {
        signer: Option<RsaSigner>,
        bits: usize,
        pss_only: bool,
    },
    RsaPublic {
        verifier: RsaVerifier,
        bits: usize,
        pss_only: bool,
    },
    EcPrivate(Curve, EcSigner),
    EcPublic(Curve, EcVerifier),
    EdPrivate(Ed25519KeyPair),
    EdPublic(LcVerifier),
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

impl Key {
    pub fn secret(bytes: &[u8]) -> Self {
        let material = Material::Secret(Secret {
            hs256: hmac::Key::new(hmac::HMAC_SHA256, bytes),
            hs384: hmac::Key::new(hmac::HMAC_SHA384, bytes),
            hs512: hmac::Key::new(hmac::HMAC_SHA512, bytes),
        });
        Self { material }
    }

    /// A private key from PKCS#8 DER. `curve` is the named curve for EC keys.
    pub fn from_pkcs8(der: &[u8], curve: Option<&str>) -> Result<Self> {
        let invalid = || Error::key_invalid(Role::Sign.key_name());
        let (oid, inner) = der::pkcs8(der).ok_or_else(invalid)?;
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
                let curve = curve.and_then(Curve::from_name).ok_or_else(|| {
                    Error::new(Code::KeyUnsupported, "unsupported elliptic curve")
                })?;
                let signer = match curve {
                    Curve::P256 => EcSigner::Ring(
                        EcdsaKeyPair::from_pkcs8(
                            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                            der,
                            &*RNG,
                        )
                        .map_err(|_| invalid())?,
                    ),
                    Curve::P384 => EcSigner::Ring(
                        EcdsaKeyPair::from_pkcs8(
                            &signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                            der,
                            &*RNG,
                        )
                        .map_err(|_| invalid())?,
                    ),
                    Curve::P521 => EcSigner::P521(
                        P521Signer::from_pkcs8(
                            &aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED_SIGNING,
                            der,
                        )
                        .map_err(|_| invalid())?,
                    ),
                };
                Material::EcPrivate(curve, signer)
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
            parameter,
            key,
        } = der::spki(der).ok_or_else(invalid)?;
        let material = match oid {
            OID_RSA | OID_RSA_PSS => {
                let (n, _) = der::rsa_public_key(key).ok_or_else(invalid)?;
                let bits = der::bit_length(n);
                Material::RsaPublic {
                    verifier: RsaVerifier::new(key, bits),
                    bits,
                    pss_only: oid == OID_RSA_PSS,
                }
            }
            OID_EC => {
                let curve = parameter.and_then(Curve::from_oid).ok_or_else(|| {
                    Error::new(Code::KeyUnsupported, "unsupported elliptic curve")
                })?;
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
            OID_ED25519 if key.len() == 32 => Material::EdPublic(
                LcVerifier::new(&aws_lc_rs::signature::ED25519, key).map_err(|_| invalid())?,
            ),
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

    fn curve(&self) -> Option<Curve> {
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

    /// Checks that this key may be used with `alg`, with jsonwebtoken's messages (RFC 8725 §3.1, §3.5):
    /// HMAC only with secrets, each asymmetric algorithm only with its key type and curve.
    pub fn check(&self, alg: Algorithm, role: Role, allow_insecure_key_sizes: bool) -> Result<()> {
        let name = role.key_name();
        let family = alg.family();
        match family {
            Family::Unsecured => return Ok(()),
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
        let allowed: &[&str] = match key_type {
            "rsa" => &["RS256", "PS256", "RS384", "PS384", "RS512", "PS512"],
            "rsa-pss" => &["PS256", "PS384", "PS512"],
            "ec" => &["ES256", "ES384", "ES512"],
            _ => &["EdDSA"],
        };
        if !allowed.contains(&alg.name()) {
            return Err(Error::new(
                Code::KeyTypeMismatch,
                format!(
                    "\"alg\" parameter for \"{key_type}\" key type must be one of: {}.",
                    allowed.join(", ")
                ),
            ));
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
        if let Some(bits) = self.rsa_bits().filter(|&bits| bits < MIN_RSA_BITS) {
            if !allow_insecure_key_sizes {
                return Err(Error::new(
                    Code::KeyTooSmall,
                    format!("{name} has a minimum key size of {MIN_RSA_BITS} bits for {alg}"),
                ));
            }
            let legacy_ok =
                role == Role::Verify && matches!(alg, Algorithm::RS256 | Algorithm::RS512);
            if !legacy_ok {
                return Err(Error::new(
                    Code::KeyUnsupported,
                    format!(
                        "a {bits}-bit RSA key cannot be used for {alg}: the {} RSA keys under \
                         {MIN_RSA_BITS} bits{}",
                        if role == Role::Sign {
                            "AWS-LC backend does not sign with"
                        } else {
                            "ring backend verifies"
                        },
                        if role == Role::Sign {
                            ""
                        } else {
                            " only for RS256 and RS512"
                        },
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::STANDARD, Engine};

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
}
