//! JSON from tokens: the header and the claims set are JSON objects (RFC 7515 §4, RFC 7519 §7.2), and nothing
//! else may stand in for one.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array, filling the fields in order, so
//! `["HS256","JWT"]` would read as `{"alg":"HS256","typ":"JWT"}`. Every struct read from a token goes through
//! [`object`], which offers the struct a map and nothing else.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// For `#[serde(deserialize_with = "present")]` on an `Option<Value>` field: a member holding JSON `null` is
/// `Some(Null)` (present), not `None` (absent) as serde's default makes it.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// JSON.parse skips exactly these four characters around a value (RFC 8259 §2); `char::is_whitespace` is wider.
pub fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether the first thing in `text` after JSON whitespace opens an object: the only text `JSON.parse` can turn
/// into an object with properties. (An array has no claims: `[].exp` is `undefined` in JS.)
pub fn opens_object(text: &str) -> bool {
    text.bytes().find(|&b| !is_whitespace(b)) == Some(b'{')
}

/// Reads `text` as a JSON object into `T`; any other JSON value, or text that is not JSON, is an error.
pub fn object<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str::<Object<T>>(text).map(|object| object.0)
}

struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_map(OnlyMaps(PhantomData))
            .map(Object)
    }
}

struct OnlyMaps<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for OnlyMaps<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Pair {
        a: Option<u8>,
        b: Option<u8>,
    }

    #[test]
    fn only_objects_fill_a_struct() {
        assert_eq!(
            object::<Pair>(r#" {"a":1,"b":2} "#).unwrap(),
            Pair {
                a: Some(1),
                b: Some(2)
            }
        );
        // What serde_json alone would take for the same struct.
        assert!(serde_json::from_str::<Pair>("[1,2]").is_ok());
        for text in ["[1,2]", "[]", "\"{}\"", "null", "1", "true", "", "{", "{}x"] {
            assert!(object::<Pair>(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn duplicate_members_are_refused() {
        assert!(object::<Pair>(r#"{"a":1,"a":2}"#).is_err());
    }

    #[test]
    fn numbers_are_read_correctly_rounded_as_json_parse_reads_them() {
        // Found by the claims property test: serde_json's default parser read this `exp` one ulp high, so a
        // token expired at a different instant than for jsonwebtoken. Rust's own `f64` parsing rounds correctly,
        // as ECMAScript's JSON.parse does.
        #[derive(Deserialize)]
        struct Exp {
            exp: serde_json::Value,
        }
        for text in [
            "1699999868.1153715",
            "1700000000.0000001",
            "1699999999.9999999",
            "0.1",
            "1e-7",
            "4102444800.000000123",
        ] {
            let exp = object::<Exp>(&format!(r#"{{"exp":{text}}}"#)).unwrap().exp;
            assert_eq!(exp.as_f64(), Some(text.parse::<f64>().unwrap()), "{text}");
        }
    }

    #[test]
    fn json_whitespace_is_four_characters() {
        assert!(opens_object(" \t\r\n{"));
        assert!(!opens_object("\u{a0}{"));
        assert!(!opens_object("\u{feff}{"));
        assert!(!opens_object("[{}]"));
        assert!(!opens_object(""));
    }
}
