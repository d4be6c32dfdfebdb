//! The JOSE header of a token: the members `verify` acts on, and the `crit` rules of RFC 7515 §4.1.11.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Code, Error, Result};
use crate::json;

/// The header members ringjwt reads; the others are skipped without being built. Each may hold any JSON value:
/// a wrong type is reported by the check that needs the member, with that check's message.
#[derive(Deserialize, Default, Debug)]
pub struct Header {
    #[serde(default)]
    pub alg: Option<Value>,
    #[serde(default)]
    pub typ: Option<Value>,
    /// `null` counts as present, and is not a valid `crit`.
    #[serde(default, deserialize_with = "json::present")]
    pub crit: Option<Value>,
}

/// The header parameters that RFC 7515 (JWS), RFC 7516 (JWE) and RFC 7518 (JWA) define: §4.1.11 forbids
/// listing them in `crit`, which is for extensions.
const REGISTERED: [&str; 20] = [
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// The extensions ringjwt implements, which `crit` may therefore name. None: `b64` (RFC 7797) changes what is
/// signed, and no other extension is registered for JWS.
const UNDERSTOOD: [&str; 0] = [];

fn crit_invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(Code::CritInvalid, message)
}

impl Header {
    /// Reads a decoded header. Text that is not JSON is `invalid token`, as in jsonwebtoken; JSON that is not
    /// an object (an array, a string, `null`) has its own code.
    pub fn parse(text: &str) -> Result<Self> {
        json::object(text).map_err(|_| {
            if !json::opens_object(text) && is_json(text) {
                Error::new(Code::HeaderInvalid, "jwt header must be a JSON object")
            } else {
                Error::malformed()
            }
        })
    }

    /// RFC 8725 §3.11 explicit typing: `typ` must name `expected`, compared as media types are: without case,
    /// and with the `application/` prefix optional where RFC 7515 §4.1.9 lets it be left out (RFC 9068 §4).
    pub fn check_typ(&self, expected: &str) -> Result<()> {
        check_typ(self.typ.as_ref(), expected)
    }

    pub fn typ_is_jwt(&self) -> bool {
        matches!(&self.typ, Some(Value::String(t)) if t == "JWT")
    }

    /// RFC 7515 §4.1.11: `crit` is a non-empty array of distinct names of extension parameters the header
    /// holds, and a recipient refuses the token unless it understands every one. `text` is the header's JSON,
    /// read again only when `crit` is present.
    pub fn check_crit(&self, text: &str) -> Result<()> {
        let Some(crit) = &self.crit else {
            return Ok(());
        };
        let names: Vec<&str> = match crit {
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(Value::as_str)
                .collect::<Option<_>>()
                .ok_or_else(|| crit_invalid("\"crit\" must be a non-empty array of strings"))?,
            _ => {
                return Err(crit_invalid(
                    "\"crit\" must be a non-empty array of strings",
                ))
            }
        };
        let members: serde_json::Map<String, Value> =
            json::object(text).map_err(|_| Error::malformed())?;
        // Hashed: a header can list tens of thousands of names, and comparing each with those before it would
        // take time quadratic in the list, before the signature is checked.
        let mut seen = HashSet::with_capacity(names.len());
        for name in &names {
            if REGISTERED.contains(name) {
                return Err(crit_invalid(format!(
                    "\"crit\" must not list the registered header parameter \"{name}\""
                )));
            }
            if !seen.insert(*name) {
                return Err(crit_invalid(format!(
                    "\"crit\" lists \"{name}\" more than once"
                )));
            }
            if !members.contains_key(*name) {
                return Err(crit_invalid(format!(
                    "\"crit\" lists \"{name}\", which is not in the header"
                )));
            }
        }
        match names.iter().find(|name| !UNDERSTOOD.contains(name)) {
            Some(name) => Err(Error::new(
                Code::CritUnsupported,
                format!("unsupported critical header parameter \"{name}\""),
            )),
            None => Ok(()),
        }
    }
}

fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// A `typ` value as a media type to compare: lower case, without an `application/` prefix that can be omitted.
/// [`Header::check_typ`] for a header's `typ` member as read (a JWS's or a JWE's).
pub fn check_typ(typ: Option<&Value>, expected: &str) -> Result<()> {
    let matches =
        matches!(typ, Some(Value::String(typ)) if media_type(typ) == media_type(expected));
    if matches {
        Ok(())
    } else {
        Err(Error::new(
            Code::TypeInvalid,
            format!("jwt type invalid. expected: {expected}"),
        ))
    }
}

fn media_type(typ: &str) -> String {
    let lower = typ.to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) if !rest.contains('/') => rest.to_owned(),
        _ => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crit_error(header: &str) -> Error {
        Header::parse(header)
            .unwrap()
            .check_crit(header)
            .unwrap_err()
    }

    #[test]
    fn typ_is_compared_as_a_media_type() {
        let accepts = |typ: &str, expected: &str| {
            Header::parse(&format!(r#"{{"typ":{typ}}}"#))
                .unwrap()
                .check_typ(expected)
                .is_ok()
        };
        assert!(accepts(r#""at+jwt""#, "at+jwt"));
        assert!(accepts(r#""application/at+jwt""#, "at+jwt"));
        assert!(accepts(r#""AT+JWT""#, "application/at+jwt"));
        assert!(!accepts(r#""JWT""#, "at+jwt"));
        assert!(!accepts(r#""application/x/at+jwt""#, "at+jwt"));
        assert!(!accepts("null", "at+jwt"));
        assert!(!accepts(r#"["at+jwt"]"#, "at+jwt"));
        let err = Header::parse("{}")
            .unwrap()
            .check_typ("at+jwt")
            .unwrap_err();
        assert_eq!(err.code, Code::TypeInvalid);
        assert_eq!(err.message, "jwt type invalid. expected: at+jwt");
    }

    #[test]
    fn reads_alg_and_typ_from_an_object() {
        let header = Header::parse(r#"{"typ":"JWT","alg":"HS256","kid":"k"}"#).unwrap();
        assert_eq!(header.alg, Some(Value::from("HS256")));
        assert!(header.typ_is_jwt());
    }

    #[test]
    fn a_header_that_is_not_an_object_is_refused() {
        for text in [
            r#"["HS256","JWT"]"#,
            r#" ["HS256"] "#,
            "\"HS256\"",
            "null",
            "1",
            "[]",
        ] {
            let err = Header::parse(text).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::HeaderInvalid, "jwt header must be a JSON object"),
                "{text}"
            );
        }
        for text in ["", "{", "[", "alg", r#"{"alg":"HS256"}x"#] {
            assert_eq!(
                Header::parse(text).unwrap_err().code,
                Code::Malformed,
                "{text}"
            );
        }
        // A duplicate member has no single meaning.
        let err = Header::parse(r#"{"alg":"none","alg":"HS256"}"#).unwrap_err();
        assert_eq!(err.code, Code::Malformed);
    }

    #[test]
    fn crit_must_be_a_non_empty_array_of_strings() {
        for crit in [
            "null",
            "\"exp\"",
            "[]",
            "[1]",
            r#"["x",null]"#,
            "{}",
            "true",
        ] {
            let err = crit_error(&format!(r#"{{"alg":"HS256","crit":{crit},"x":1}}"#));
            assert_eq!(
                (err.code, err.message.as_ref()),
                (
                    Code::CritInvalid,
                    "\"crit\" must be a non-empty array of strings"
                ),
                "{crit}"
            );
        }
    }

    #[test]
    fn crit_names_only_extensions_once_that_the_header_holds() {
        let err = crit_error(r#"{"alg":"HS256","crit":["alg"]}"#);
        assert_eq!(
            err.message,
            "\"crit\" must not list the registered header parameter \"alg\""
        );
        let err = crit_error(r#"{"alg":"HS256","x5t#S256":"a","crit":["x5t#S256"]}"#);
        assert_eq!(err.code, Code::CritInvalid);
        let err = crit_error(r#"{"alg":"HS256","x":1,"crit":["x","x"]}"#);
        assert_eq!(err.message, "\"crit\" lists \"x\" more than once");
        let err = crit_error(r#"{"alg":"HS256","crit":["exp"]}"#);
        assert_eq!(
            (err.code, err.message.as_ref()),
            (
                Code::CritInvalid,
                "\"crit\" lists \"exp\", which is not in the header"
            )
        );
    }

    #[test]
    fn crit_extensions_are_not_understood() {
        let err = crit_error(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#);
        assert_eq!(
            (err.code, err.message.as_ref()),
            (
                Code::CritUnsupported,
                "unsupported critical header parameter \"b64\""
            )
        );
        let header = r#"{"alg":"HS256"}"#;
        assert!(Header::parse(header).unwrap().check_crit(header).is_ok());
    }
}
