//! Keys for JWE, parsed once from what node:crypto exports: secrets (`dir`, AES key wrap, PBES2 passwords),
//! RSA keys for RSA-OAEP, and EC (P-256, P-384, P-521) or X25519 keys for ECDH-ES.

use aws_lc_rs::agreement::{self, PrivateKey};
use aws_lc_rs::rsa::{
    OaepPrivateDecryptingKey, OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey,
    Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use zeroize::Zeroizing;

use super::algorithm::{ContentEncryption, KeyManagement};
use super::content::GcmKey;
use crate::curve::Curve;
use crate::der;
use crate::error::{Code, Error, Result};
use crate::key::{ec_named_pkcs8, MIN_RSA_BITS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcdhCurve {
    P256,
    P384,
    P521,
    X25519,
}

impl EcdhCurve {
    fn from_ec(curve: Curve) -> Self {
        match curve {
            Curve::P256 => Self::P256,
            Curve::P384 => Self::P384,
            Curve::P521 => Self::P521,
        }
    }

    pub fn agreement(self) -> &'static agreement::Algorithm {
        match self {
            Self::P256 => &agreement::ECDH_P256,
            Self::P384 => &agreement::ECDH_P384,
            Self::P521 => &agreement::ECDH_P521,
            Self::X25519 => &agreement::X25519,
        }
    }

    /// The JWK `crv` name (RFC 7518 §6.2.1.1, RFC 8037 §2).
    pub fn jwk_name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
            Self::P521 => "P-521",
            Self::X25519 => "X25519",
        }
    }

    /// The length of one coordinate (EC) or of the public key (X25519).
    pub fn coordinate_len(self) -> usize {
        match self {
            Self::P256 | Self::X25519 => 32,
            Self::P384 => 48,
            Self::P521 => 66,
        }
    }
}

/// A secret: the raw bytes (wiped on drop) and, when its length fits AES-GCM, the expanded key for `dir`.
pub struct Secret {
    pub bytes: Zeroizing<Vec<u8>>,
    pub gcm: Option<GcmKey>,
}

pub struct RsaPublic {
    pub oaep: OaepPublicEncryptingKey,
    pub pkcs1: Pkcs1PublicEncryptingKey,
}

pub struct RsaPrivate {
    pub oaep: OaepPrivateDecryptingKey,
    pub pkcs1: Pkcs1PrivateDecryptingKey,
}

pub enum Material {
    Secret(Secret),
    RsaPublic(RsaPublic),
    RsaPrivate(RsaPrivate),
    /// The recipient's public key: an uncompressed point (EC) or 32 bytes (X25519).
    EcdhPublic(EcdhCurve, Vec<u8>),
    EcdhPrivate(EcdhCurve, PrivateKey),
}

pub struct JweKey {
    pub material: Material,
}

impl std::fmt::Debug for JweKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JweKey([redacted])")
    }
}

/// Which operation a key is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Encrypt,
    Decrypt,
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];

fn invalid(name: &str) -> Error {
    Error::key_invalid(name)
}

fn too_small(bits: usize) -> Error {
    Error::new(
        Code::KeyTooSmall,
        format!(
            "RSA keys for encryption need at least {MIN_RSA_BITS} bits (RFC 7518 §4.2), got {bits}"
        ),
    )
}

fn unsupported(key_type: &str) -> Error {
    Error::new(
        Code::KeyUnsupported,
        format!("a \"{key_type}\" key cannot be used for encryption: use RSA, EC (P-256, P-384, P-521) or X25519"),
    )
}

impl JweKey {
    pub fn secret(bytes: &[u8]) -> Self {
        Self {
            material: Material::Secret(Secret {
                bytes: Zeroizing::new(bytes.to_vec()),
                gcm: GcmKey::new(bytes),
            }),
        }
    }

    /// A private key from PKCS#8 DER; `key_type` and `curve` are node:crypto's `asymmetricKeyType` and
    /// `namedCurve`, for the messages only: the key type and curve are read from the DER.
    pub fn from_pkcs8(der: &[u8], key_type: &str, curve: Option<&str>) -> Result<Self> {
        let name = "decryption key";
        let der::Pkcs8 {
            algorithm: oid,
            parameters,
            private_key: inner,
        } = der::pkcs8(der).ok_or_else(|| invalid(name))?;
        let material = match (oid, key_type) {
            (OID_RSA, "rsa") => {
                let (n, _) =
                    der::rsa_private_key_public_part(inner).ok_or_else(|| invalid(name))?;
                let bits = der::bit_length(n);
                if bits < MIN_RSA_BITS {
                    return Err(too_small(bits));
                }
                let key = PrivateDecryptingKey::from_pkcs8(der).map_err(|_| invalid(name))?;
                Material::RsaPrivate(RsaPrivate {
                    oaep: OaepPrivateDecryptingKey::new(key.clone()).map_err(|_| invalid(name))?,
                    pkcs1: Pkcs1PrivateDecryptingKey::new(key).map_err(|_| invalid(name))?,
                })
            }
            (OID_X25519, "x25519") => {
                // PKCS#8 wraps the 32-byte X25519 key in an OCTET STRING of its own (RFC 8410 §7).
                let [0x04, 0x20, raw @ ..] = inner else {
                    return Err(invalid(name));
                };
                let key = PrivateKey::from_private_key(&agreement::X25519, raw)
                    .map_err(|_| invalid(name))?;
                Material::EcdhPrivate(EcdhCurve::X25519, key)
            }
            (OID_EC, "ec") => {
                let (curve, pkcs8) = ec_named_pkcs8(der, parameters, inner, || invalid(name))
                    .map_err(|err| ec_curve_error(err, curve))?;
                let curve = EcdhCurve::from_ec(curve);
                let key = PrivateKey::from_private_key_der(curve.agreement(), &pkcs8)
                    .map_err(|_| invalid(name))?;
                Material::EcdhPrivate(curve, key)
            }
            _ => return Err(unsupported(key_type)),
        };
        Ok(Self { material })
    }

    /// A public key from SPKI DER.
    pub fn from_spki(der: &[u8], key_type: &str, curve: Option<&str>) -> Result<Self> {
        let name = "encryption key";
        let spki = der::spki(der).ok_or_else(|| invalid(name))?;
        let oid = spki.algorithm;
        let material = match (oid, key_type) {
            (OID_RSA, "rsa") => {
                let (n, _) = der::rsa_public_key(spki.key).ok_or_else(|| invalid(name))?;
                let bits = der::bit_length(n);
                if bits < MIN_RSA_BITS {
                    return Err(too_small(bits));
                }
                let key = PublicEncryptingKey::from_der(der).map_err(|_| invalid(name))?;
                Material::RsaPublic(RsaPublic {
                    oaep: OaepPublicEncryptingKey::new(key.clone()).map_err(|_| invalid(name))?,
                    pkcs1: Pkcs1PublicEncryptingKey::new(key).map_err(|_| invalid(name))?,
                })
            }
            (OID_EC, "ec") | (OID_X25519, "x25519") => {
                let curve = if oid == OID_X25519 {
                    EcdhCurve::X25519
                } else {
                    EcdhCurve::from_ec(
                        Curve::from_parameters(spki.parameters)
                            .map_err(|err| ec_curve_error(err, curve))?,
                    )
                };
                // Parsing validates the point on its curve once, here, rather than on every token.
                agreement::ParsedPublicKey::try_from(&agreement::UnparsedPublicKey::new(
                    curve.agreement(),
                    spki.key,
                ))
                .map_err(|_| invalid(name))?;
                let expected = match curve {
                    EcdhCurve::X25519 => 32,
                    _ => 1 + 2 * curve.coordinate_len(),
                };
                if spki.key.len() != expected {
                    return Err(invalid(name));
                }
                Material::EcdhPublic(curve, spki.key.to_vec())
            }
            _ => return Err(unsupported(key_type)),
        };
        Ok(Self { material })
    }

    fn describe(&self) -> String {
        match &self.material {
            Material::Secret(secret) => format!("a {}-bit secret key", secret.bytes.len() * 8),
            Material::RsaPublic(_) => "an RSA public key".into(),
            Material::RsaPrivate(_) => "an RSA private key".into(),
            Material::EcdhPublic(curve, _) => format!("a {} public key", curve.jwk_name()),
            Material::EcdhPrivate(curve, _) => format!("a {} private key", curve.jwk_name()),
        }
    }

    /// Checks that this key fits `alg` (and, for `dir`, `enc`) in `direction`: RFC 8725 §3.1 applied to JWE.
    pub fn check(
        &self,
        alg: KeyManagement,
        enc: ContentEncryption,
        direction: Direction,
    ) -> Result<()> {
        let encrypting = direction == Direction::Encrypt;
        let needed = match alg {
            KeyManagement::Dir => SecretLen::Exactly(enc.key_len()),
            KeyManagement::AesKw(size) | KeyManagement::AesGcmKw(size) => {
                SecretLen::Exactly(size.bytes())
            }
            KeyManagement::Pbes2(_) => SecretLen::Any,
            _ => SecretLen::NotSecret,
        };
        let fits = match (&self.material, needed) {
            (Material::Secret(secret), SecretLen::Exactly(len)) => secret.bytes.len() == len,
            (Material::Secret(secret), SecretLen::Any) => !secret.bytes.is_empty(),
            (Material::RsaPublic(_), _) => {
                encrypting
                    && matches!(
                        alg,
                        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 | KeyManagement::Rsa1_5
                    )
            }
            (Material::RsaPrivate(_), _) => {
                !encrypting
                    && matches!(
                        alg,
                        KeyManagement::RsaOaep | KeyManagement::RsaOaep256 | KeyManagement::Rsa1_5
                    )
            }
            (Material::EcdhPublic(..), _) => {
                encrypting && matches!(alg, KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_))
            }
            (Material::EcdhPrivate(..), _) => {
                !encrypting && matches!(alg, KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_))
            }
            _ => false,
        };
        if fits {
            return Ok(());
        }
        let wanted = match (needed, alg) {
            (SecretLen::Exactly(len), KeyManagement::Dir) => {
                format!(
                    "a {}-bit secret key (the size of {enc}'s content key)",
                    len * 8
                )
            }
            (SecretLen::Exactly(len), _) => format!("a {}-bit secret key", len * 8),
            (SecretLen::Any, _) => "a non-empty password".into(),
            (_, KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_)) => format!(
                "an EC (P-256, P-384, P-521) or X25519 {} key",
                if encrypting { "public" } else { "private" }
            ),
            _ => format!(
                "an RSA {} key",
                if encrypting { "public" } else { "private" }
            ),
        };
        Err(Error::new(
            Code::KeyTypeMismatch,
            format!("\"{alg}\" needs {wanted}, not {}", self.describe()),
        ))
    }
}

#[derive(Clone, Copy)]
enum SecretLen {
    Exactly(usize),
    Any,
    NotSecret,
}

/// A named curve the backend does not serve gets the ECDH-ES message; explicit parameters keep their own error.
fn ec_curve_error(err: Error, curve: Option<&str>) -> Error {
    if err.code == Code::KeyUnsupported {
        unsupported_curve(curve)
    } else {
        err
    }
}

fn unsupported_curve(curve: Option<&str>) -> Error {
    Error::new(
        Code::KeyUnsupported,
        format!(
            "Unsupported elliptic curve \"{}\" for ECDH-ES: use P-256, P-384, P-521 or X25519",
            curve.unwrap_or("unknown")
        ),
    )
}
