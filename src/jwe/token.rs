//! Compact JWE (RFC 7516 §7.1): `encrypt` builds one, `decrypt` opens one and checks what is inside (the claims,
//! or for a nested token the signed JWT through `token::verify`).

use std::num::NonZeroU32;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::Value;
use zeroize::Zeroizing;

use super::algorithm::{ContentEncryption, ContentEncryptionSet, KeyManagement, KeyManagementSet};
use super::content::{self, GcmKey};
use super::ecdh;
use super::header::{self, Header, PartyInfo};
use super::key::{Direction, JweKey, Material};
use super::random::{Entropy, Purpose, SystemEntropy};
use super::{compression, keywrap, pbes2, rsa};
use crate::base64url;
use crate::claims::Payload as ClaimsPayload;
use crate::error::{Code, Error, Result};
use crate::key::Key;
use crate::policy::Policy;

/// How new tokens are made. `pbes2_count` applies to PBES2 only.
#[derive(Debug, Clone, Copy)]
pub struct EncryptOptions {
    pub alg: KeyManagement,
    pub enc: ContentEncryption,
    /// Compress the plaintext with DEFLATE before encrypting (`zip: "DEF"`).
    pub zip: bool,
    pub pbes2_count: NonZeroU32,
}

/// The content key of one token: fresh and wiped after use, or the `dir` secret itself.
enum ContentKey<'a> {
    Owned(Zeroizing<Vec<u8>>),
    Direct(&'a [u8], Option<&'a GcmKey>),
}

impl ContentKey<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Self::Owned(bytes) => bytes,
            Self::Direct(bytes, _) => bytes,
        }
    }

    /// The already expanded AES-GCM key of a `dir` secret, when `enc` is AES-GCM of that size.
    fn gcm(&self, enc: ContentEncryption) -> Option<&GcmKey> {
        match (self, enc) {
            (Self::Direct(_, gcm), ContentEncryption::Gcm(_)) => *gcm,
            _ => None,
        }
    }
}

fn random(entropy: &dyn Entropy, purpose: Purpose, len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    entropy.fill(purpose, &mut bytes)?;
    Ok(bytes)
}

fn key_management_failed() -> Error {
    Error::new(Code::KeyInvalid, "the content key could not be encrypted")
}

/// What key management produced for a new token: the content key, the encrypted key, and the header members it
/// adds (`epk`, `iv`/`tag`, `p2s`/`p2c`).
struct Management<'a> {
    cek: ContentKey<'a>,
    encrypted_key: Vec<u8>,
    members: String,
}

fn manage_for_encryption<'a>(
    key: &'a JweKey,
    options: &EncryptOptions,
    party: &PartyInfo,
    entropy: &dyn Entropy,
) -> Result<Management<'a>> {
    let EncryptOptions { alg, enc, .. } = *options;
    let fresh = || random(entropy, Purpose::ContentKey, enc.key_len());
    let mut members = String::new();
    let (cek, encrypted_key) = match (&key.material, alg) {
        (Material::Secret(secret), KeyManagement::Dir) => (
            ContentKey::Direct(&secret.bytes, secret.gcm.as_ref()),
            Vec::new(),
        ),
        (Material::Secret(secret), KeyManagement::AesKw(_)) => {
            let cek = fresh()?;
            let wrapped =
                keywrap::wrap(&secret.bytes, &cek).map_err(|_| key_management_failed())?;
            (ContentKey::Owned(cek), wrapped)
        }
        (Material::Secret(secret), KeyManagement::AesGcmKw(_)) => {
            let cek = fresh()?;
            let iv = random(entropy, Purpose::WrapIv, 12)?;
            let (wrapped, tag) =
                keywrap::gcm_wrap(&secret.bytes, &iv, &cek).map_err(|_| key_management_failed())?;
            members = format!(
                r#""iv":"{}","tag":"{}""#,
                B64.encode(iv.as_slice()),
                B64.encode(tag)
            );
            (ContentKey::Owned(cek), wrapped)
        }
        (Material::Secret(secret), KeyManagement::Pbes2(size)) => {
            let salt = random(entropy, Purpose::Salt, pbes2::SALT_LEN)?;
            let kek = pbes2::derive(size, &secret.bytes, &salt, options.pbes2_count);
            let cek = fresh()?;
            let wrapped = keywrap::wrap(&kek, &cek).map_err(|_| key_management_failed())?;
            members = format!(
                r#""p2s":"{}","p2c":{}"#,
                B64.encode(salt.as_slice()),
                options.pbes2_count
            );
            (ContentKey::Owned(cek), wrapped)
        }
        (
            Material::EcdhPublic(curve, point),
            KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_),
        ) => {
            let (z, epk) = ecdh::agree_as_sender(*curve, point, entropy)?;
            members = format!(r#""epk":{epk}"#);
            match alg {
                KeyManagement::EcdhEsKw(size) => {
                    let kek =
                        ecdh::concat_kdf(&z, alg.name(), &party.apu, &party.apv, size.bytes());
                    let cek = fresh()?;
                    let wrapped = keywrap::wrap(&kek, &cek).map_err(|_| key_management_failed())?;
                    (ContentKey::Owned(cek), wrapped)
                }
                _ => {
                    let cek =
                        ecdh::concat_kdf(&z, enc.name(), &party.apu, &party.apv, enc.key_len());
                    (ContentKey::Owned(cek), Vec::new())
                }
            }
        }
        (Material::RsaPublic(public), _) => {
            let cek = fresh()?;
            let encrypted = rsa::encrypt_key(alg, public, &cek)?;
            (ContentKey::Owned(cek), encrypted)
        }
        _ => return Err(key_management_failed()),
    };
    Ok(Management {
        cek,
        encrypted_key,
        members,
    })
}

/// Encrypts `plaintext` into a compact JWE. `header` is the protected header JSON the caller wants (its member
/// order is kept); the members key management generates are added at its end.
pub fn encrypt(
    key: &JweKey,
    options: &EncryptOptions,
    header: &str,
    plaintext: &[u8],
) -> Result<String> {
    let party = header::check_for_encryption(header, options.alg, options.enc, options.zip)?;
    encrypt_with(key, options, &party, plaintext, &SystemEntropy, |members| {
        Ok(header::with_members(header, members))
    })
}

/// `encrypt` with the randomness and the final header text supplied: the RFC examples fix both.
pub fn encrypt_with(
    key: &JweKey,
    options: &EncryptOptions,
    party: &PartyInfo,
    plaintext: &[u8],
    entropy: &dyn Entropy,
    make_header: impl FnOnce(&str) -> Result<String>,
) -> Result<String> {
    key.check(options.alg, options.enc, Direction::Encrypt)?;
    let Management {
        cek,
        encrypted_key,
        members,
    } = manage_for_encryption(key, options, party, entropy)?;
    let header = make_header(&members)?;
    let compressed;
    let plaintext = if options.zip {
        compressed = compression::deflate(plaintext)?;
        &compressed[..]
    } else {
        plaintext
    };
    let enc = options.enc;
    let iv = random(entropy, Purpose::ContentIv, enc.iv_len())?;
    let mut token = String::with_capacity(
        (header.len() + encrypted_key.len() + plaintext.len() + 64) * 4 / 3 + 8,
    );
    base64url::encode_into(header.as_bytes(), &mut token);
    let aad_len = token.len();
    let (ciphertext, tag) = match cek.gcm(enc) {
        Some(gcm) => {
            let mut in_out = plaintext.to_vec();
            let tag = gcm.seal(&iv, &token.as_bytes()[..aad_len], &mut in_out)?;
            (in_out, tag.to_vec())
        }
        None => content::seal(
            enc,
            cek.bytes(),
            &iv,
            &token.as_bytes()[..aad_len],
            plaintext.to_vec(),
        )?,
    };
    for part in [&encrypted_key[..], &iv, &ciphertext, &tag] {
        token.push('.');
        base64url::encode_into(part, &mut token);
    }
    Ok(token)
}

/// What `decrypt` accepts besides the key. Each cap is off (`None`) by default, and then the tokens that need it
/// are refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecryptPolicy {
    /// Allowed `alg` values (RFC 8725 §3.1).
    pub algorithms: KeyManagementSet,
    /// Allowed `enc` values.
    pub encryptions: ContentEncryptionSet,
    /// The highest PBES2 iteration count (`p2c`) accepted: a token's count is work the recipient does, so PBES2
    /// is refused without a cap.
    pub max_pbes2_count: Option<u32>,
    /// The largest payload a `zip: "DEF"` token may inflate to: compressed tokens are refused without a cap.
    pub max_inflated_size: Option<usize>,
}

/// The five segments of a compact JWE, decoded.
struct Segments<'a> {
    header_b64: &'a str,
    header_text: String,
    encrypted_key: Vec<u8>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    tag: Vec<u8>,
}

fn is_base64url(part: &str) -> bool {
    part.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn decode(part: &str) -> Result<Vec<u8>> {
    base64url::decode(part).ok_or_else(Error::malformed)
}

fn split(token: &str) -> Result<Segments<'_>> {
    let mut parts = token.split('.');
    let (Some(h), Some(k), Some(i), Some(c), Some(t), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(Error::new(Code::Malformed, "jwt malformed"));
    };
    if h.is_empty() || ![h, k, i, c, t].iter().all(|part| is_base64url(part)) {
        return Err(Error::malformed());
    }
    let header_text = crate::token::utf8(decode(h)?, "header")?;
    Ok(Segments {
        header_b64: h,
        header_text,
        encrypted_key: decode(k)?,
        iv: decode(i)?,
        ciphertext: decode(c)?,
        tag: decode(t)?,
    })
}

/// The PBKDF2 iteration count a token names, within `MIN_COUNT` and the caller's cap. JSON has one number type, so
/// `1000`, `1000.0` and `1e3` are the same count: any number of integral value is taken, as `JSON.parse` and
/// `Number.isInteger` read it.
fn pbes2_count(header: &Header, max: Option<u32>) -> Result<NonZeroU32> {
    let not_integer = || Error::new(Code::JweHeaderInvalid, "\"p2c\" must be a positive integer");
    let Some(Value::Number(number)) = &header.p2c else {
        return Err(not_integer());
    };
    let count = number
        .as_f64()
        .filter(|count| *count >= 0.0 && count.fract() == 0.0)
        .ok_or_else(not_integer)?;
    let max = max.unwrap_or(0);
    if count < f64::from(pbes2::MIN_COUNT) || count > f64::from(max) {
        // As written when it is an integer literal; else the integral f64, which prints without a fraction or an
        // exponent (and `-0` as `0`).
        let got = number
            .as_u64()
            .map_or_else(|| count.abs().to_string(), |count| count.to_string());
        return Err(Error::new(
            Code::Pbes2CountInvalid,
            format!(
                "\"p2c\" must be between {} and maxPbes2Count ({max}), got {got}",
                pbes2::MIN_COUNT
            ),
        ));
    }
    // Integral, and between MIN_COUNT and a u32 cap: exact as a u32.
    NonZeroU32::new(count as u32)
        .ok_or_else(|| Error::new(Code::Pbes2CountInvalid, "\"p2c\" must be positive"))
}

/// Recovers the content key; `None` when the encrypted key does not decrypt or unwrap, which the caller hides
/// behind a random key so that the failure surfaces only as the one tag failure.
fn manage_for_decryption<'a>(
    key: &'a JweKey,
    alg: KeyManagement,
    enc: ContentEncryption,
    header: &Header,
    segments: &Segments<'_>,
    max_pbes2_count: Option<u32>,
) -> Result<Option<ContentKey<'a>>> {
    let encrypted = &segments.encrypted_key[..];
    if alg.has_encrypted_key() == encrypted.is_empty() {
        return Ok(None);
    }
    let owned = |cek: Option<Zeroizing<Vec<u8>>>| {
        cek.filter(|cek| cek.len() == enc.key_len())
            .map(ContentKey::Owned)
    };
    Ok(match (&key.material, alg) {
        (Material::Secret(secret), KeyManagement::Dir) => {
            Some(ContentKey::Direct(&secret.bytes, secret.gcm.as_ref()))
        }
        (Material::Secret(secret), KeyManagement::AesKw(_)) => {
            owned(keywrap::unwrap(&secret.bytes, encrypted))
        }
        (Material::Secret(secret), KeyManagement::AesGcmKw(_)) => {
            let (Some(iv), Some(tag)) = (&header.iv, &header.tag) else {
                return Err(Error::new(
                    Code::JweHeaderInvalid,
                    "\"iv\" and \"tag\" are required with AES-GCM key wrapping",
                ));
            };
            owned(keywrap::gcm_unwrap(&secret.bytes, iv, tag, encrypted))
        }
        (Material::Secret(secret), KeyManagement::Pbes2(size)) => {
            let salt = header
                .p2s
                .as_ref()
                .filter(|salt| salt.len() >= pbes2::MIN_SALT_LEN)
                .ok_or_else(|| {
                    Error::new(
                        Code::JweHeaderInvalid,
                        "\"p2s\" must be a salt of at least 8 bytes",
                    )
                })?;
            let count = pbes2_count(header, max_pbes2_count)?;
            let kek = pbes2::derive(size, &secret.bytes, salt, count);
            owned(keywrap::unwrap(&kek, encrypted))
        }
        (
            Material::EcdhPrivate(curve, private),
            KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_),
        ) => {
            let epk = header.epk.as_ref().ok_or_else(|| {
                Error::new(Code::JweHeaderInvalid, "\"epk\" is required with ECDH-ES")
            })?;
            let point = ecdh::epk_point(*curve, epk)?;
            let z = ecdh::agree_as_recipient(*curve, private, &point)?;
            match alg {
                KeyManagement::EcdhEsKw(size) => {
                    let kek =
                        ecdh::concat_kdf(&z, alg.name(), &header.apu, &header.apv, size.bytes());
                    owned(keywrap::unwrap(&kek, encrypted))
                }
                _ => Some(ContentKey::Owned(ecdh::concat_kdf(
                    &z,
                    enc.name(),
                    &header.apu,
                    &header.apv,
                    enc.key_len(),
                ))),
            }
        }
        (Material::RsaPrivate(private), _) => owned(rsa::decrypt_key(alg, private, encrypted)),
        _ => None,
    })
}

/// An opened token: its protected header and plaintext as text.
#[derive(Debug)]
pub struct Decrypted {
    pub header: String,
    pub plaintext: String,
    pub nested: bool,
    pub typ: Option<Value>,
}

/// The checks `decrypt` makes before it needs a key: the token's structure and its protected header. A key
/// function is asked for a key only for a token that passes them.
pub fn check_before_key(token: &str) -> Result<()> {
    header::read(&split(token)?.header_text).map(drop)
}

/// Decrypts a compact JWE: structure, header, allow-lists, key fit, key management, content, decompression.
/// Whatever fails once the key is applied is `decryption failed`, at the same step (the tag check).
pub fn decrypt(token: &str, key: &JweKey, policy: &DecryptPolicy) -> Result<Decrypted> {
    let segments = split(token)?;
    let header = header::read(&segments.header_text)?;
    let alg = header
        .alg
        .filter(|alg| policy.algorithms.contains(*alg))
        .ok_or_else(|| Error::new(Code::AlgorithmNotAllowed, "invalid algorithm"))?;
    let enc = header
        .enc
        .filter(|enc| policy.encryptions.contains(*enc))
        .ok_or_else(|| Error::new(Code::AlgorithmNotAllowed, "invalid encryption"))?;
    let inflate_limit = match &header.zip {
        None => None,
        Some(Value::String(zip)) if zip == "DEF" => {
            Some(policy.max_inflated_size.ok_or_else(|| {
                Error::new(
                    Code::ZipNotAllowed,
                    "compressed tokens (zip) are refused unless maxInflatedSize is set",
                )
            })?)
        }
        Some(_) => {
            return Err(Error::new(
                Code::JweHeaderInvalid,
                "\"zip\" must be \"DEF\"",
            ))
        }
    };
    key.check(alg, enc, Direction::Decrypt)?;

    let cek =
        match manage_for_decryption(key, alg, enc, &header, &segments, policy.max_pbes2_count)? {
            Some(cek) => cek,
            None => ContentKey::Owned(random(&SystemEntropy, Purpose::ContentKey, enc.key_len())?),
        };
    let aad = segments.header_b64.as_bytes();
    let mut plaintext = segments.ciphertext;
    let len = match cek.gcm(enc) {
        Some(gcm) => gcm
            .open(&segments.iv, aad, &mut plaintext, &segments.tag)
            .map(|_| plaintext.len())?,
        None => content::open(
            enc,
            cek.bytes(),
            &segments.iv,
            aad,
            &mut plaintext,
            &segments.tag,
        )?,
    };
    plaintext.truncate(len);
    if let Some(limit) = inflate_limit {
        plaintext = compression::inflate(&plaintext, limit)?;
    }
    let plaintext = crate::token::utf8(plaintext, "payload")?;
    Ok(Decrypted {
        header: segments.header_text,
        plaintext,
        nested: header.nested,
        typ: header.typ,
    })
}

/// What a decrypted payload must satisfy: claims, or a signed JWT inside (`cty: "JWT"`) verified with its own key
/// and policy.
pub enum Payload<'a> {
    Claims(&'a Policy),
    Nested {
        key: &'a Key,
        policy: &'a Policy,
    },
    /// The signed JWT inside a nested token, returned unverified to a caller that verifies it next with a key
    /// it can only choose from that token (the middleware with a key function).
    InnerToken,
}

/// A token that passed `decrypt_and_check`: the JWE header, the claims text, and for a nested token the JWS
/// header and signature.
#[derive(Debug)]
pub struct Opened {
    pub header: String,
    pub payload: String,
    pub signed: Option<(String, String)>,
}

/// Decrypts a token and checks its payload at `now` (unix seconds from the JS clock).
pub fn decrypt_and_check(
    token: &str,
    key: &JweKey,
    policy: &DecryptPolicy,
    payload: &Payload<'_>,
    now: f64,
) -> Result<Opened> {
    let decrypted = decrypt(token, key, policy)?;
    match (payload, decrypted.nested) {
        (Payload::Claims(policy), false) => {
            // The token's own `typ` is the JWE header's (a nested token's is its JWS header's, checked there).
            if let Some(typ) = &policy.typ {
                crate::header::check_typ(decrypted.typ.as_ref(), typ)?;
            }
            // With a RegExp audience the checks stop before the audience step; the caller then runs
            // `finish_audience` with JavaScript's verdict, as verify() does.
            let payload = ClaimsPayload::parse(&decrypted.plaintext, false)?;
            policy.check_unless_caller_audience(&payload, now)?;
            Ok(Opened { header: decrypted.header, payload: decrypted.plaintext, signed: None })
        }
        (Payload::Claims(_), true) => Err(Error::new(
            Code::NestedKeyRequired,
            "the token is a nested JWT (cty: \"JWT\"): give verify: { key, algorithms } to check its signature",
        )),
        (Payload::Nested { key, policy }, true) => {
            let verified = crate::token::verify(&decrypted.plaintext, Some(key), policy, now)?;
            let signature = decrypted.plaintext.rsplit('.').next().unwrap_or_default().to_owned();
            Ok(Opened {
                header: decrypted.header,
                payload: verified.payload,
                signed: Some((verified.header, signature)),
            })
        }
        (Payload::InnerToken, true) => Ok(Opened {
            header: decrypted.header,
            payload: decrypted.plaintext,
            signed: None,
        }),
        (Payload::Nested { .. } | Payload::InnerToken, false) => Err(Error::new(
            Code::NestedRequired,
            "a nested JWT (cty: \"JWT\") was required, but the token's payload is not one",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithm::Algorithm;
    use crate::jwe::AesSize;

    const SECRET: [u8; 32] = [7u8; 32];

    fn dir() -> (JweKey, EncryptOptions, DecryptPolicy) {
        let enc = ContentEncryption::Gcm(AesSize::A256);
        let options = EncryptOptions {
            alg: KeyManagement::Dir,
            enc,
            zip: false,
            pbes2_count: NonZeroU32::new(1000).unwrap(),
        };
        let policy = DecryptPolicy {
            algorithms: [KeyManagement::Dir].into_iter().collect(),
            encryptions: [enc].into_iter().collect(),
            ..DecryptPolicy::default()
        };
        (JweKey::secret(&SECRET), options, policy)
    }

    fn nested_token() -> (String, String, Key) {
        let signing = Key::secret(b"signing secret");
        let jws = crate::token::encode(
            Some(&signing),
            Algorithm::HS256,
            br#"{"alg":"HS256"}"#,
            br#"{"sub":"u1"}"#,
        )
        .unwrap();
        let (key, options, _) = dir();
        let header = r#"{"alg":"dir","enc":"A256GCM","cty":"JWT"}"#;
        (
            encrypt(&key, &options, header, jws.as_bytes()).unwrap(),
            jws,
            signing,
        )
    }

    #[test]
    fn payload_checks_match_the_nesting() {
        let (key, _, policy) = dir();
        let (token, jws, signing) = nested_token();
        let claims = Policy::default();
        let err =
            decrypt_and_check(&token, &key, &policy, &Payload::Claims(&claims), 0.0).unwrap_err();
        assert_eq!(err.code, Code::NestedKeyRequired);
        let verify = Policy {
            algorithms: [Algorithm::HS256].into_iter().collect(),
            algorithms_given: true,
            ..Policy::default()
        };
        let nested = Payload::Nested {
            key: &signing,
            policy: &verify,
        };
        let opened = decrypt_and_check(&token, &key, &policy, &nested, 0.0).unwrap();
        assert_eq!(opened.payload, r#"{"sub":"u1"}"#);
        assert_eq!(opened.signed.unwrap().0, r#"{"alg":"HS256"}"#);
        let inner = decrypt_and_check(&token, &key, &policy, &Payload::InnerToken, 0.0).unwrap();
        assert_eq!(inner.payload, jws);
    }

    #[test]
    fn plain_tokens_are_not_nested_tokens() {
        let (key, options, policy) = dir();
        let token = encrypt(
            &key,
            &options,
            r#"{"alg":"dir","enc":"A256GCM"}"#,
            br#"{"exp":5}"#,
        )
        .unwrap();
        let err = decrypt_and_check(&token, &key, &policy, &Payload::InnerToken, 0.0).unwrap_err();
        assert_eq!(err.code, Code::NestedRequired);
        let claims = Policy::default();
        let err =
            decrypt_and_check(&token, &key, &policy, &Payload::Claims(&claims), 5.0).unwrap_err();
        assert_eq!((err.code, err.date), (Code::Expired, Some(5.0)));
    }

    #[test]
    fn p2c_is_any_number_of_integral_value_within_the_bounds() {
        let count = |p2c: &str| {
            let header = header::read(&format!(r#"{{"alg":"dir","p2c":{p2c}}}"#)).unwrap();
            pbes2_count(&header, Some(10_000)).map(NonZeroU32::get)
        };
        for (p2c, expected) in [
            ("1000", 1000),
            ("1000.0", 1000),
            ("1e3", 1000),
            ("1E+3", 1000),
            ("0.1e4", 1000),
            ("100000e-2", 1000),
            ("10000.000", 10_000),
        ] {
            assert_eq!(count(p2c).unwrap(), expected, "{p2c}");
        }
        for p2c in [
            "1000.5",
            "1000.0001",
            "-1000",
            "-1e3",
            "-0.5",
            r#""1000""#,
            "null",
            "true",
            "[1000]",
            "{}",
        ] {
            let err = count(p2c).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::JweHeaderInvalid, "\"p2c\" must be a positive integer"),
                "{p2c}"
            );
        }
        for (p2c, got) in [
            ("999.0", "999"),
            ("0", "0"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("10001", "10001"),
            ("1.5e4", "15000"),
            ("18446744073709551615", "18446744073709551615"),
            ("1e20", "100000000000000000000"),
        ] {
            let err = count(p2c).unwrap_err();
            assert_eq!(
                (err.code, err.message.into_owned()),
                (
                    Code::Pbes2CountInvalid,
                    format!("\"p2c\" must be between 1000 and maxPbes2Count (10000), got {got}")
                ),
                "{p2c}"
            );
        }
        let header = header::read(r#"{"p2c":1000}"#).unwrap();
        assert_eq!(
            pbes2_count(&header, None).unwrap_err().code,
            Code::Pbes2CountInvalid
        );
        let header = header::read("{}").unwrap();
        assert_eq!(
            pbes2_count(&header, Some(10_000)).unwrap_err().code,
            Code::JweHeaderInvalid
        );
    }

    #[test]
    fn a_wrong_content_key_length_from_key_management_is_the_tag_failure() {
        // An AES-KW token whose wrapped key unwraps to 16 bytes where A256GCM needs 32: a random key takes its
        // place and the tag check fails, as for any other wrong key.
        let kek = [1u8; 16];
        let wrapped = keywrap::wrap(&kek, &[2u8; 16]).unwrap();
        let header = B64.encode(br#"{"alg":"A128KW","enc":"A256GCM"}"#);
        let token = format!(
            "{header}.{}.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA",
            B64.encode(wrapped)
        );
        let policy = DecryptPolicy {
            algorithms: [KeyManagement::AesKw(crate::jwe::AesSize::A128)]
                .into_iter()
                .collect(),
            encryptions: [ContentEncryption::Gcm(crate::jwe::AesSize::A256)]
                .into_iter()
                .collect(),
            ..DecryptPolicy::default()
        };
        let err = decrypt(&token, &JweKey::secret(&kek), &policy).unwrap_err();
        assert_eq!(err.code, Code::DecryptionFailed);
    }
}
