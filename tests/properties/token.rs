//! The token path: encode → verify round trips for any claims, headers, secrets and algorithms; any one changed
//! character refused; base64url, UTF-8 and JSON-object rules.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use proptest::prelude::*;
use ringjwt::algorithm::Algorithm;
use ringjwt::error::Code;
use ringjwt::key::Key;
use ringjwt::policy::Policy;
use ringjwt::token;
use serde_json::{json, Map, Value};

use super::config;
use super::keys::PAIRS;

fn policy(alg: Algorithm) -> Policy {
    Policy {
        algorithms: [alg].into_iter().collect(),
        algorithms_given: true,
        ..Policy::default()
    }
}

/// JSON values of any shape, a few levels deep, with any Unicode in strings and names.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Claims without the time claims (their checks have a property of their own), under any names.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(any::<String>(), json_value(), 0..8).prop_map(|members| {
        members
            .into_iter()
            .filter(|(name, _)| !matches!(name.as_str(), "exp" | "nbf"))
            .collect()
    })
}

/// A header for `alg`: `alg` first, then any members but the ones the verifier acts on.
fn header(alg: Algorithm) -> impl Strategy<Value = String> {
    (
        prop::collection::btree_map(any::<String>(), json_value(), 0..4),
        any::<bool>(),
    )
        .prop_map(move |(extra, jwt)| {
            let mut header = Map::new();
            header.insert("alg".into(), alg.name().into());
            if jwt {
                header.insert("typ".into(), "JWT".into());
            }
            for (name, value) in extra {
                if !matches!(name.as_str(), "alg" | "typ" | "crit") {
                    header.insert(name, value);
                }
            }
            Value::Object(header).to_string()
        })
}

fn hmac_alg() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::HS256),
        Just(Algorithm::HS384),
        Just(Algorithm::HS512)
    ]
}

/// The key that verifies a generated token: an HMAC secret, or the public key of one of the shared pairs.
#[derive(Debug, Clone)]
enum Verifying {
    Secret(Vec<u8>),
    Pair(usize),
}

impl Verifying {
    fn verify(&self, token: &str, alg: Algorithm) -> ringjwt::error::Result<token::Verified> {
        match self {
            Self::Secret(secret) => {
                token::verify(token, Some(&Key::secret(secret)), &policy(alg), 0.0)
            }
            Self::Pair(index) => {
                token::verify(token, Some(&PAIRS[*index].public), &policy(alg), 0.0)
            }
        }
    }
}

/// A signed token: an HMAC algorithm with any secret, or any asymmetric pair; with its header, payload, the key
/// that verifies it and its algorithm.
fn signed_token() -> impl Strategy<Value = (String, String, String, Verifying, Algorithm)> {
    let hmac = (hmac_alg(), prop::collection::vec(any::<u8>(), 1..80))
        .prop_flat_map(|(alg, secret)| (Just(alg), Just(secret), header(alg), claims()))
        .prop_map(|(alg, secret, header, claims)| {
            let payload = Value::Object(claims).to_string();
            let key = Key::secret(&secret);
            let token =
                token::encode(Some(&key), alg, header.as_bytes(), payload.as_bytes()).unwrap();
            (token, header, payload, Verifying::Secret(secret), alg)
        });
    let asymmetric = (0..PAIRS.len())
        .prop_flat_map(|index| (Just(index), header(PAIRS[index].alg), claims()))
        .prop_map(|(index, header, claims)| {
            let pair = &PAIRS[index];
            let payload = Value::Object(claims).to_string();
            let token = token::encode(
                Some(&pair.private),
                pair.alg,
                header.as_bytes(),
                payload.as_bytes(),
            )
            .unwrap();
            (token, header, payload, Verifying::Pair(index), pair.alg)
        });
    prop_oneof![3 => hmac, 1 => asymmetric]
}

/// Invalid UTF-8: overlong forms, surrogates, code points past U+10FFFF, stray continuation bytes, bytes never
/// valid, and truncated sequences.
fn invalid_utf8() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (0xc0u8..=0xc1, 0x80u8..=0xbf).prop_map(|(a, b)| vec![a, b]),
        (0x80u8..=0x9f, 0x80u8..=0xbf).prop_map(|(b, c)| vec![0xe0, b, c]),
        (0x80u8..=0x8f, 0x80u8..=0xbf, 0x80u8..=0xbf).prop_map(|(b, c, d)| vec![0xf0, b, c, d]),
        (0xa0u8..=0xbf, 0x80u8..=0xbf).prop_map(|(b, c)| vec![0xed, b, c]),
        (0x90u8..=0xbf, 0x80u8..=0xbf, 0x80u8..=0xbf).prop_map(|(b, c, d)| vec![0xf4, b, c, d]),
        (0x80u8..=0xbf).prop_map(|b| vec![b]),
        (0xf5u8..=0xff).prop_map(|b| vec![b]),
        (0xe1u8..=0xec, 0x80u8..=0xbf).prop_map(|(a, b)| vec![a, b]),
    ]
}

fn refusal(token: &str, key: &Key, alg: Algorithm) -> (Code, String) {
    let err = token::verify(token, Some(key), &policy(alg), 0.0).unwrap_err();
    (err.code, err.message.into_owned())
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn what_is_signed_verifies_and_decodes_to_the_same_text((token, header, payload, key, alg) in signed_token()) {
        let verified = key.verify(&token, alg).unwrap();
        prop_assert_eq!(&verified.header, &header);
        prop_assert_eq!(&verified.payload, &payload);
        let decoded = token::decode(&token).unwrap();
        prop_assert_eq!(&decoded.header, &header);
        prop_assert_eq!(&decoded.payload, &payload);
        // Decoding and encoding again gives the token's own text.
        let parts: Vec<&str> = token.split('.').collect();
        prop_assert_eq!(B64.encode(&decoded.header), parts[0]);
        prop_assert_eq!(B64.encode(&decoded.payload), parts[1]);
        prop_assert_eq!(decoded.signing_input, &token[..parts[0].len() + 1 + parts[1].len()]);
    }

    #[test]
    fn any_one_changed_character_is_refused(
        (token, _header, _payload, key, alg) in signed_token(),
        position in any::<prop::sample::Index>(),
        replacement in prop::sample::select(b"AQgwz019-_.=+/ \x7f".to_vec()),
    ) {
        let at = position.index(token.len());
        prop_assume!(token.as_bytes()[at] != replacement);
        let mut changed = token.clone().into_bytes();
        changed[at] = replacement;
        let changed = String::from_utf8(changed).unwrap();
        prop_assert!(key.verify(&changed, alg).is_err(), "{}", changed);
        // Dropping or adding a character is refused too.
        let shorter = format!("{}{}", &token[..at], &token[at + 1..]);
        prop_assert!(key.verify(&shorter, alg).is_err());
        let longer = format!("{}{}{}", &token[..at], replacement as char, &token[at..]);
        prop_assert!(key.verify(&longer, alg).is_err());
    }

    #[test]
    fn base64url_is_read_in_its_one_canonical_form(
        (token, _header, _payload, key, alg) in signed_token(),
        segment in 0usize..3,
    ) {
        // A last character whose unused low bits are set decodes to the same bytes with a lax decoder.
        let parts: Vec<&str> = token.split('.').collect();
        let part = parts[segment];
        let unused_bits = match part.len() % 4 { 2 => 4, 3 => 2, _ => 0 };
        prop_assume!(unused_bits > 0);
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let last = ALPHABET.iter().position(|&c| c == *part.as_bytes().last().unwrap()).unwrap();
        let lax = ALPHABET[last | 1] as char;
        prop_assume!(lax != part.chars().last().unwrap());
        let changed_part = format!("{}{lax}", &part[..part.len() - 1]);
        let mut changed: Vec<&str> = parts.clone();
        changed[segment] = &changed_part;
        let code = key.verify(&changed.join("."), alg).unwrap_err().code;
        let expected = if segment == 2 { Code::SignatureInvalid } else { Code::Malformed };
        prop_assert_eq!(code, expected);
    }

    #[test]
    fn arbitrary_payload_bytes_are_taken_as_they_are_or_refused_if_not_utf8(
        secret in prop::collection::vec(any::<u8>(), 1..64),
        payload in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let key = Key::secret(&secret);
        let token = token::encode(Some(&key), Algorithm::HS256, br#"{"alg":"HS256"}"#, &payload).unwrap();
        let result = token::verify(&token, Some(&key), &policy(Algorithm::HS256), 0.0);
        match std::str::from_utf8(&payload) {
            Err(_) => prop_assert_eq!(
                refusal(&token, &key, Algorithm::HS256),
                (Code::InvalidUtf8, "jwt payload is not valid UTF-8".to_owned())
            ),
            // No payload part at all: "header..signature" is not a JWS.
            Ok("") => prop_assert_eq!(refusal(&token, &key, Algorithm::HS256).0, Code::Malformed),
            // Text that does not open an object has no claims: it comes back as it is.
            Ok(text) if !text.trim_start_matches([' ', '\t', '\n', '\r']).starts_with('{') => {
                prop_assert_eq!(result.unwrap().payload, text);
            }
            // Text that opens an object must be one, and its time claims must pass.
            Ok(_) => match result {
                Ok(verified) => prop_assert!(serde_json::from_str::<Map<String, Value>>(&verified.payload).is_ok()),
                Err(err) => prop_assert!(matches!(err.code, Code::Malformed | Code::ClaimInvalid | Code::Expired | Code::NotActive), "{:?}", err),
            },
        }
    }

    #[test]
    fn invalid_utf8_is_refused_wherever_it_is(
        claims in claims(),
        bad in invalid_utf8(),
        in_header in any::<bool>(),
        position in any::<prop::sample::Index>(),
    ) {
        // Inside a JSON string, so that nothing but the encoding is wrong.
        let text = json!({ "alg": "HS256", "x": "ab" }).to_string();
        let payload = Value::Object(claims).to_string();
        let key = Key::secret(b"k");
        let (header, payload) = if in_header {
            let at = text.find("ab").unwrap() + 1;
            ([&text.as_bytes()[..at], &bad, &text.as_bytes()[at..]].concat(), payload.into_bytes())
        } else {
            let at = position.index(payload.len() + 1);
            let bytes = payload.as_bytes();
            (text.into_bytes(), [&bytes[..at], &bad, &bytes[at..]].concat())
        };
        prop_assume!(std::str::from_utf8(&payload).is_err() || in_header);
        let token = token::encode(Some(&key), Algorithm::HS256, &header, &payload).unwrap();
        let part = if in_header { "header" } else { "payload" };
        let expected = (Code::InvalidUtf8, format!("jwt {part} is not valid UTF-8"));
        prop_assert_eq!(refusal(&token, &key, Algorithm::HS256), expected.clone());
        let err = token::decode(&token).err().unwrap();
        prop_assert_eq!((err.code, err.message.into_owned()), expected);
    }

    #[test]
    fn a_header_that_is_json_but_not_an_object_is_refused_despite_a_valid_signature(value in json_value()) {
        prop_assume!(!value.is_object());
        let key = Key::secret(b"k");
        let token = token::encode(Some(&key), Algorithm::HS256, value.to_string().as_bytes(), b"{}").unwrap();
        let expected = (Code::HeaderInvalid, "jwt header must be a JSON object".to_owned());
        prop_assert_eq!(refusal(&token, &key, Algorithm::HS256), expected);
    }

    #[test]
    fn a_member_the_verifier_reads_may_appear_only_once(
        name in prop::sample::select(vec!["alg", "typ", "crit"]),
        first in json_value(),
    ) {
        let header = format!(r#"{{"alg":"HS256","{name}":{first},"{name}":"JWT"}}"#);
        let key = Key::secret(b"k");
        let token = token::encode(Some(&key), Algorithm::HS256, header.as_bytes(), b"{}").unwrap();
        prop_assert_eq!(refusal(&token, &key, Algorithm::HS256).0, Code::Malformed);
    }

    #[test]
    fn a_claims_set_given_as_a_json_string_is_read_again(exp in -1e9f64..1e9) {
        // `"{\"exp\":…}"` under `typ: JWT` is read a second time, as jsonwebtoken reads it: its `exp` is checked
        // and the object's text returned; strict refuses it, the payload itself not being an object.
        let claims = json!({ "exp": exp }).to_string();
        let payload = Value::from(claims.clone()).to_string();
        let key = Key::secret(&[9; 32]);
        let header = br#"{"alg":"HS256","typ":"JWT"}"#;
        let token = token::encode(Some(&key), Algorithm::HS256, header, payload.as_bytes()).unwrap();
        match token::verify(&token, Some(&key), &policy(Algorithm::HS256), 0.0) {
            Ok(verified) => {
                prop_assert!(exp > 0.0);
                prop_assert_eq!(verified.payload, claims);
            }
            Err(err) => {
                prop_assert!(exp <= 0.0);
                prop_assert_eq!(err.code, Code::Expired);
            }
        }
        let strict = Policy { strict: true, ..policy(Algorithm::HS256) };
        let err = token::verify(&token, Some(&key), &strict, 0.0).unwrap_err();
        prop_assert_eq!(err.code, Code::PayloadNotObject);
    }

    #[test]
    fn crit_is_refused_unless_absent(
        crit in json_value(),
        names in prop::collection::vec("[a-z]{1,4}", 0..3),
    ) {
        // Whatever `crit` holds, a recipient that understands no extension refuses the token before its signature.
        let mut header = Map::new();
        header.insert("alg".into(), "HS256".into());
        for name in &names {
            header.insert(name.clone(), Value::from(1));
        }
        header.insert("crit".into(), crit);
        let key = Key::secret(b"k");
        let forged = format!("{}.e30.AAAA", B64.encode(Value::Object(header).to_string()));
        let (code, _) = refusal(&forged, &key, Algorithm::HS256);
        prop_assert!(matches!(code, Code::CritInvalid | Code::CritUnsupported), "{:?}", code);
    }
}
