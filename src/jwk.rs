//! Public JSON Web Keys (RFC 7517) as parsed keys, and their thumbprints (RFC 7638).
//!
//! A JWK is turned into the SubjectPublicKeyInfo DER that [`Key::from_spki`] reads, so a key that arrives as a
//! JWK (a DPoP proof's header `jwk`) goes through exactly the checks of any other public key.

use ring::digest;
use serde_json::{Map, Value};

use crate::base64url;
use crate::curve::Curve;
use crate::der;
use crate::error::{Code, Error, Result};
use crate::key::Key;

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const NULL: u8 = 0x05;

/// The members that only a private or secret key has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
pub const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The digest of a thumbprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    Sha256,
    Sha384,
    Sha512,
}

impl Digest {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "sha256" => Some(Self::Sha256),
            "sha384" => Some(Self::Sha384),
            "sha512" => Some(Self::Sha512),
            _ => None,
        }
    }

    fn algorithm(self) -> &'static digest::Algorithm {
        match self {
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
            Self::Sha512 => &digest::SHA512,
        }
    }
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(Code::KeyInvalid, message)
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<&'a str> {
    match jwk.get(name) {
        Some(Value::String(value)) => Ok(value),
        _ => Err(invalid(format!("JWK \"{name}\" must be a string"))),
    }
}

fn bytes(jwk: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    base64url::decode(member(jwk, name)?)
        .ok_or_else(|| invalid(format!("JWK \"{name}\" must be base64url")))
}

/// The members RFC 7638 §3.2 hashes for each key type, in the lexicographic order it requires.
fn required_members(kty: &str) -> Result<&'static [&'static str]> {
    match kty {
        "EC" => Ok(&["crv", "kty", "x", "y"]),
        "RSA" => Ok(&["e", "kty", "n"]),
        "OKP" => Ok(&["crv", "kty", "x"]),
        "oct" => Ok(&["k", "kty"]),
        _ => Err(invalid(
            "JWK \"kty\" must be \"EC\", \"RSA\", \"OKP\" or \"oct\"",
        )),
    }
}

/// The RFC 7638 thumbprint of `jwk`, base64url: the digest of its required members, as a JSON object with them
/// in lexicographic order and no whitespace. Other members do not count.
pub fn thumbprint(jwk: &Map<String, Value>, digest: Digest) -> Result<String> {
    let names = required_members(member(jwk, "kty")?)?;
    let mut canonical = String::from("{");
    for (index, &name) in names.iter().enumerate() {
        if index > 0 {
            canonical.push(',');
        }
        let value = member(jwk, name)?;
        // The names need no escaping; the values are written as JSON strings, escaped if they must be.
        canonical.push('"');
        canonical.push_str(name);
        canonical.push_str("\":");
        canonical.push_str(&Value::from(value).to_string());
    }
    canonical.push('}');
    let hash = digest::digest(digest.algorithm(), canonical.as_bytes());
    let mut out = String::with_capacity(base64url::encoded_len(hash.as_ref().len()));
    base64url::encode_into(hash.as_ref(), &mut out);
    Ok(out)
}

/// A DER INTEGER's content for an unsigned big-endian number: leading zeros dropped, one added if the top bit
/// is set.
fn unsigned_integer(value: &[u8]) -> Vec<u8> {
    let trimmed = der::unsigned(value);
    let mut out = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
    out
}

fn spki(algorithm: &[u8], key: &[u8]) -> Vec<u8> {
    let mut bits = vec![0];
    bits.extend_from_slice(key);
    let mut body = der::tlv(der::SEQUENCE, algorithm);
    body.extend(der::tlv(der::BIT_STRING, &bits));
    der::tlv(der::SEQUENCE, &body)
}

/// Whether a JWK holds a member that only a private or secret key has (see [`PRIVATE_MEMBERS`]).
pub fn holds_private_members(jwk: &Map<String, Value>) -> bool {
    PRIVATE_MEMBERS.iter().any(|name| jwk.contains_key(*name))
}

/// The public key a JWK holds. Private members are refused (see [`PRIVATE_MEMBERS`]), as are secret keys: this
/// reads public keys only.
pub fn public_key(jwk: &Map<String, Value>) -> Result<Key> {
    if holds_private_members(jwk) {
        return Err(invalid(
            "JWK must be a public key: it holds private key members",
        ));
    }
    let der = match member(jwk, "kty")? {
        "EC" => {
            let curve = match member(jwk, "crv")? {
                "P-256" => Curve::P256,
                "P-384" => Curve::P384,
                "P-521" => Curve::P521,
                _ => {
                    return Err(invalid(
                        "JWK \"crv\" must be P-256, P-384 or P-521 for \"EC\"",
                    ))
                }
            };
            let (x, y) = (bytes(jwk, "x")?, bytes(jwk, "y")?);
            if x.len() != curve.field_len() || y.len() != curve.field_len() {
                return Err(invalid(
                    "JWK \"x\" and \"y\" must be coordinates of the curve",
                ));
            }
            let mut point = vec![4];
            point.extend(x);
            point.extend(y);
            let mut algorithm = der::tlv(der::OBJECT_IDENTIFIER, OID_EC);
            algorithm.extend(der::tlv(der::OBJECT_IDENTIFIER, curve.oid()));
            spki(&algorithm, &point)
        }
        "RSA" => {
            let (n, e) = (bytes(jwk, "n")?, bytes(jwk, "e")?);
            // RFC 7518 §6.3.1: each in the fewest bytes. A leading zero would be the same key under another
            // thumbprint (RFC 7638 hashes the members as written).
            if [&n, &e]
                .iter()
                .any(|value| value.first().is_none_or(|&b| b == 0))
            {
                return Err(invalid(
                    "JWK \"n\" and \"e\" must be unsigned integers in their fewest bytes",
                ));
            }
            let mut numbers = der::tlv(der::INTEGER, &unsigned_integer(&n));
            numbers.extend(der::tlv(der::INTEGER, &unsigned_integer(&e)));
            let mut algorithm = der::tlv(der::OBJECT_IDENTIFIER, OID_RSA);
            algorithm.extend(der::tlv(NULL, &[]));
            spki(&algorithm, &der::tlv(der::SEQUENCE, &numbers))
        }
        "OKP" => {
            if member(jwk, "crv")? != "Ed25519" {
                return Err(invalid("JWK \"crv\" must be Ed25519 for \"OKP\""));
            }
            let x = bytes(jwk, "x")?;
            if x.len() != 32 {
                return Err(invalid("JWK \"x\" must be 32 bytes for Ed25519"));
            }
            spki(&der::tlv(der::OBJECT_IDENTIFIER, OID_ED25519), &x)
        }
        "oct" => return Err(invalid("JWK must be a public key, not a secret (\"oct\")")),
        _ => {
            return Err(invalid(
                "JWK \"kty\" must be \"EC\", \"RSA\", \"OKP\" or \"oct\"",
            ))
        }
    };
    Key::from_spki(&der).map_err(|_| invalid("JWK is not a valid public key"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn rfc7638_example_thumbprint() {
        // RFC 7638 §3.1.
        let jwk = object(json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        }));
        assert_eq!(
            thumbprint(&jwk, Digest::Sha256).unwrap(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        assert!(public_key(&jwk).is_ok());
    }

    #[test]
    fn refuses_private_secret_and_misshapen_keys() {
        let code = |value: Value| public_key(&object(value)).unwrap_err().code;
        let x = base64url::encode(&[7; 32]);
        assert_eq!(
            code(json!({"kty": "OKP", "crv": "Ed25519", "x": x, "d": x})),
            Code::KeyInvalid
        );
        assert_eq!(code(json!({"kty": "oct", "k": x})), Code::KeyInvalid);
        assert_eq!(
            code(json!({"kty": "EC", "crv": "P-256", "x": x, "y": "!"})),
            Code::KeyInvalid
        );
        // A point off the curve is refused when a signature is checked with it (ring validates it there).
        assert_eq!(
            code(json!({"kty": "EC", "crv": "P-384", "x": x, "y": x})),
            Code::KeyInvalid
        );
        assert_eq!(
            code(json!({"kty": "EC", "crv": "secp256k1", "x": x, "y": x})),
            Code::KeyInvalid
        );
        assert_eq!(code(json!({"kty": 1})), Code::KeyInvalid);
        assert!(thumbprint(
            &object(json!({"kty": "EC", "crv": "P-256", "x": x})),
            Digest::Sha256
        )
        .is_err());
    }
}
