//! Models of what ringjwt must do with a token's JSON, from RFC 7515, RFC 7519 and jsonwebtoken's documented
//! checks. The targets run ringjwt and the model on the same input and require the same verdict.

use std::collections::BTreeMap;
use std::fmt;

use ringjwt::error::Code;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

/// The JWS header members `verify` reads.
pub const HEADER_MEMBERS: [&str; 3] = ["alg", "typ", "crit"];
/// The registered claims `verify` reads.
pub const CLAIMS: [&str; 8] = ["exp", "nbf", "iat", "aud", "iss", "sub", "jti", "nonce"];
/// The JWE header members `decrypt` reads.
pub const JWE_HEADER_MEMBERS: [&str; 12] = [
    "alg", "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c", "cty", "crit",
];

/// What a text is as a JSON object whose members `read` matter.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// An object: the members of `read` it has (a `null` one included), each at most once.
    Members(BTreeMap<String, Value>),
    /// Valid JSON that is not an object.
    NotObject,
    /// Not JSON, or an object that gives a member of `read` twice.
    Invalid,
}

/// Reads `text` as RFC 8259 JSON. The members named in `read` are read as `serde_json::Value`s; the others are
/// only checked to be JSON (`serde_json` refuses a number outside f64's range as a `Value`, which `JSON.parse`
/// reads as Infinity: members nobody reads must not make a token invalid for that).
pub fn object(text: &str, read: &[&str]) -> Object {
    struct Members<'r>(&'r [&'r str]);

    impl<'de> Visitor<'de> for Members<'_> {
        type Value = Option<BTreeMap<String, Value>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = BTreeMap::new();
            while let Some(name) = map.next_key::<String>()? {
                if self.0.contains(&name.as_str()) {
                    let value: Value = map.next_value()?;
                    if members.insert(name, value).is_some() {
                        return Err(serde::de::Error::custom("duplicate member"));
                    }
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(Some(members))
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    let mut de = serde_json::Deserializer::from_str(text);
    let result = de
        .deserialize_any(Members(read))
        .and_then(|value| de.end().map(|()| value));
    match result {
        Ok(Some(members)) => Object::Members(members),
        // A top-level number out of f64's range fails `deserialize_any`, yet is JSON.
        Ok(None) => Object::NotObject,
        Err(_) if is_json(text) => {
            if opens_object(text) {
                Object::Invalid
            } else {
                Object::NotObject
            }
        }
        Err(_) => Object::Invalid,
    }
}

/// [`object`] for a header that names every member once (the JWE protected header): an object that gives any
/// name twice, read or not, is `Invalid`.
pub fn object_naming_each_member_once(text: &str, read: &[&str]) -> Object {
    match object(text, read) {
        Object::Members(_) if names_a_member_twice(text) => Object::Invalid,
        other => other,
    }
}

/// Whether the object `text` holds gives one name twice, the names compared as serde_json unescapes them.
fn names_a_member_twice(text: &str) -> bool {
    struct Names;

    impl<'de> Visitor<'de> for Names {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            // Read to the end: serde_json refuses a map its visitor leaves unfinished.
            let mut seen = std::collections::BTreeSet::new();
            let mut twice = false;
            while let Some(name) = map.next_key::<String>()? {
                twice |= !seen.insert(name);
                map.next_value::<IgnoredAny>()?;
            }
            Ok(twice)
        }
    }

    serde_json::Deserializer::from_str(text)
        .deserialize_map(Names)
        .unwrap_or(false)
}

/// Whether `text` is JSON of any kind (RFC 8259), numbers of any size included.
pub fn is_json(text: &str) -> bool {
    serde_json::from_str::<IgnoredAny>(text).is_ok()
}

/// JSON whitespace is exactly space, tab, LF and CR (RFC 8259 §2).
pub fn opens_object(text: &str) -> bool {
    text.bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        == Some(b'{')
}

/// The header parameters registered by RFC 7515, RFC 7516 and RFC 7518 §4, which `crit` may not list.
const REGISTERED_HEADER: [&str; 20] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// RFC 7515 §4.1.11 for a recipient that understands no extension. `header` is the header's text: the names `crit`
/// lists are looked up in all of it, so all of it must read as serde_json values (a number out of f64's range in
/// any member makes the token malformed once `crit` is a list of names).
pub fn crit(crit: Option<&Value>, header: &str) -> Result<(), Code> {
    let Some(crit) = crit else { return Ok(()) };
    let Some(items) = crit.as_array().filter(|items| !items.is_empty()) else {
        return Err(Code::CritInvalid);
    };
    let mut names = Vec::new();
    for item in items {
        names.push(item.as_str().ok_or(Code::CritInvalid)?);
    }
    let header: serde_json::Map<String, Value> =
        serde_json::from_str(header).map_err(|_| Code::Malformed)?;
    for (index, name) in names.iter().enumerate() {
        if REGISTERED_HEADER.contains(name)
            || names[..index].contains(name)
            || !header.contains_key(*name)
        {
            return Err(Code::CritInvalid);
        }
    }
    Err(Code::CritUnsupported)
}

/// What `token::decode` must give for a token: the header and payload text, or the code it must fail with.
pub fn decode(token: &str) -> Result<(String, String), (Code, &'static str)> {
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err((Code::Malformed, "jwt malformed"));
    };
    let malformed = (Code::Malformed, "invalid token");
    if h.is_empty() || p.is_empty() || !s.bytes().all(crate::is_base64url_char) {
        return Err(malformed);
    }
    let header = crate::base64url_decode(h).ok_or(malformed)?;
    let payload = crate::base64url_decode(p).ok_or(malformed)?;
    let header = String::from_utf8(header)
        .map_err(|_| (Code::InvalidUtf8, "jwt header is not valid UTF-8"))?;
    let typ_is_jwt = match object(&header, &HEADER_MEMBERS) {
        Object::Members(members) => members.get("typ") == Some(&Value::from("JWT")),
        Object::NotObject => return Err((Code::HeaderInvalid, "jwt header must be a JSON object")),
        Object::Invalid => return Err(malformed),
    };
    let payload = String::from_utf8(payload)
        .map_err(|_| (Code::InvalidUtf8, "jwt payload is not valid UTF-8"))?;
    if typ_is_jwt && !is_json(&payload) {
        return Err(malformed);
    }
    Ok((header, payload))
}

/// A payload as `verify` reads it.
#[derive(Debug, Default)]
pub struct Read {
    /// The registered claims of an object, or of the object a held text is.
    pub claims: Option<BTreeMap<String, Value>>,
    /// Whether the payload itself is an object.
    pub is_object: bool,
    /// jsonwebtoken's second reading: a `typ: JWT` payload that is a JSON string holding the JSON text of an
    /// object or an array; that text, which `verify` returns.
    pub held: Option<String>,
}

/// A payload as `verify` reads it: the registered claims of an object, or of the object a `typ: JWT` JSON
/// string holds; no claims for any other payload.
pub fn payload(text: &str, typ_is_jwt: bool) -> Result<Read, Code> {
    if opens_object(text) {
        return match object(text, &CLAIMS) {
            Object::Members(claims) => Ok(Read {
                claims: Some(claims),
                is_object: true,
                held: None,
            }),
            _ => Err(Code::Malformed),
        };
    }
    if typ_is_jwt && !is_json(text) {
        return Err(Code::Malformed);
    }
    if typ_is_jwt && serde_json::from_str::<Value>(text).is_err() {
        // JSON (is_json above) that serde_json cannot build: a string holding a lone surrogate, which JSON.parse
        // keeps. It stays a string unless what it holds opens an object or an array, whose claims would be read
        // from text that is not Unicode: refused.
        return match js_string_start(text) {
            Some(b'{' | b'[') => Err(Code::Malformed),
            _ => Ok(Read::default()),
        };
    }
    if let (true, Ok(Value::String(inner))) = (typ_is_jwt, serde_json::from_str::<Value>(text)) {
        if opens_object(&inner) {
            return match object(&inner, &CLAIMS) {
                Object::Members(claims) => Ok(Read {
                    claims: Some(claims),
                    is_object: false,
                    held: Some(inner),
                }),
                _ => Err(Code::Malformed),
            };
        }
        let opens_array = inner
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .starts_with('[');
        if opens_array && is_json(&inner) {
            return Ok(Read {
                held: Some(inner),
                ..Read::default()
            });
        }
    }
    Ok(Read::default())
}

/// The first UTF-16 unit of the string a JSON string literal holds (whitespace around it allowed) after JSON
/// whitespace, as JSON.parse decodes it (`\u007b` is `{`); None for anything else, or a unit past ASCII.
fn js_string_start(text: &str) -> Option<u8> {
    let literal = text.trim_matches([' ', '\t', '\n', '\r']);
    let mut rest = literal.strip_prefix('"')?.as_bytes();
    loop {
        let (unit, len) = match rest {
            [b'\\', b'u', hex @ ..] if hex.len() >= 4 => {
                let hex = std::str::from_utf8(&hex[..4]).ok()?;
                (u8::try_from(u16::from_str_radix(hex, 16).ok()?).ok()?, 6)
            }
            [b'\\', escape, ..] => (
                match escape {
                    b'n' => b'\n',
                    b't' => b'\t',
                    b'r' => b'\r',
                    other => *other,
                },
                2,
            ),
            [b'"', ..] | [] => return None,
            [byte, ..] => (*byte, 1),
        };
        if !matches!(unit, b' ' | b'\t' | b'\n' | b'\r') {
            return unit.is_ascii().then_some(unit);
        }
        rest = &rest[len..];
    }
}

/// The strict profile (RFC 7519 §4.1, RFC 8725): an object whose registered claims have their types.
pub fn strict(read: &Read) -> Result<(), Code> {
    let claims = read
        .claims
        .as_ref()
        .filter(|_| read.is_object)
        .ok_or(Code::PayloadNotObject)?;
    let ok = |name: &str, test: fn(&Value) -> bool| claims.get(name).is_none_or(test);
    let string_or_strings = |v: &Value| match v {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        _ => false,
    };
    if !(ok("exp", Value::is_number) && ok("nbf", Value::is_number) && ok("iat", Value::is_number))
    {
        return Err(Code::ClaimInvalid);
    }
    if !(claims.get("aud").is_none_or(string_or_strings)
        && ok("iss", Value::is_string)
        && ok("sub", Value::is_string)
        && ok("jti", Value::is_string))
    {
        return Err(Code::ClaimInvalid);
    }
    Ok(())
}

/// The claim options a model policy checks: jsonwebtoken's `verify` options, the audience as exact strings.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub strict: bool,
    pub ignore_expiration: bool,
    pub ignore_not_before: bool,
    pub clock_tolerance: f64,
    pub audience: Option<Vec<String>>,
    pub issuer: Option<Vec<String>>,
    pub subject: Option<String>,
    pub max_age_seconds: Option<f64>,
}

/// jsonwebtoken's claim checks in its order (nbf, exp, aud, iss, sub, maxAge), at `now` (unix seconds).
pub fn claims(read: &Read, checks: &Checks, now: f64) -> Result<(), Code> {
    if checks.strict {
        strict(read)?;
    }
    let empty = BTreeMap::new();
    let claims = read.claims.as_ref().unwrap_or(&empty);
    let tolerance = checks.clock_tolerance;
    if !checks.ignore_not_before {
        if let Some(nbf) = claims.get("nbf") {
            let nbf = nbf.as_f64().ok_or(Code::ClaimInvalid)?;
            if nbf > now + tolerance {
                return Err(Code::NotActive);
            }
        }
    }
    if !checks.ignore_expiration {
        if let Some(exp) = claims.get("exp") {
            let exp = exp.as_f64().ok_or(Code::ClaimInvalid)?;
            if now >= exp + tolerance {
                return Err(Code::Expired);
            }
        }
    }
    if let Some(expected) = &checks.audience {
        let matches = |v: &Value| v.as_str().is_some_and(|s| expected.iter().any(|e| e == s));
        let ok = match claims.get("aud") {
            Some(Value::Array(items)) => items.iter().any(matches),
            Some(v) => matches(v),
            None => false,
        };
        if !ok {
            return Err(Code::AudienceInvalid);
        }
    }
    if let Some(issuers) = &checks.issuer {
        let iss = claims.get("iss").and_then(Value::as_str);
        if !iss.is_some_and(|iss| issuers.iter().any(|e| e == iss)) {
            return Err(Code::IssuerInvalid);
        }
    }
    if let Some(subject) = &checks.subject {
        if claims.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
            return Err(Code::SubjectInvalid);
        }
    }
    if let Some(max_age) = checks.max_age_seconds {
        let iat = claims
            .get("iat")
            .and_then(Value::as_f64)
            .ok_or(Code::ClaimInvalid)?;
        // jsonwebtoken counts from `iat || now`.
        let base = if iat != 0.0 { iat } else { now.floor() };
        if now >= base + max_age + tolerance {
            return Err(Code::Expired);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_the_rest() {
        assert!(matches!(
            object(r#"{"alg":"x","a":1e999}"#, &HEADER_MEMBERS),
            Object::Members(_)
        ));
        assert_eq!(object(r#"{"alg":1e999}"#, &HEADER_MEMBERS), Object::Invalid);
        assert_eq!(object("1e999", &HEADER_MEMBERS), Object::NotObject);
        assert_eq!(object("[1]", &HEADER_MEMBERS), Object::NotObject);
        assert_eq!(
            object(r#"{"alg":1,"alg":2}"#, &HEADER_MEMBERS),
            Object::Invalid
        );
        assert!(matches!(
            object(r#"{"x":1,"x":2}"#, &HEADER_MEMBERS),
            Object::Members(_)
        ));
        assert_eq!(object("{", &HEADER_MEMBERS), Object::Invalid);
        assert_eq!(object("", &HEADER_MEMBERS), Object::Invalid);
    }
}
