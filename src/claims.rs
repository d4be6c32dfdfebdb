//! The payload of a token as `verify` reads it: whether it is a JSON object, and its registered claims.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Code, Error, Result};
use crate::json::{self, present};

/// The registered claims; others are skipped without being built. A JSON `null` is kept as `Some(Null)`,
/// which jsonwebtoken treats as present (`typeof null === 'object'`), so `"exp": null` is rejected.
#[derive(Deserialize, Default, Debug)]
pub struct Claims {
    #[serde(default, deserialize_with = "present")]
    pub exp: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub nbf: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub iat: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub aud: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub iss: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub sub: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub jti: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub nonce: Option<Value>,
}

/// A decoded payload: its claims when it is a JSON object, none otherwise (a string, number, array or text that
/// is not JSON has no claims, as in jsonwebtoken).
#[derive(Default, Debug)]
pub struct Payload {
    pub claims: Claims,
    pub is_object: bool,
}

fn claim_invalid(name: &str) -> Error {
    Error::new(Code::ClaimInvalid, format!("invalid {name} value"))
}

impl Payload {
    /// Reads a decoded payload. Text that JS would read as an object must give Rust the same claims: it is a
    /// JSON object here too, or the token is refused (a duplicate registered claim included: RFC 7519 §4 allows
    /// refusing it, and refusing leaves nothing ambiguous). `json` (the header says `typ: JWT`) requires the
    /// payload to be JSON of any kind, as jsonwebtoken does.
    pub fn parse(text: &str, json: bool) -> Result<Self> {
        if json::opens_object(text) {
            let claims = json::object(text).map_err(|_| Error::malformed())?;
            return Ok(Self {
                claims,
                is_object: true,
            });
        }
        if json {
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|_| Error::malformed())?;
        }
        Ok(Self::default())
    }

    /// The JWT profile (RFC 7519 §4.1, RFC 8725 §3.11) beyond jsonwebtoken's checks: the claims set is a JSON
    /// object and each registered claim present has its registered type.
    pub fn check_strict(&self) -> Result<()> {
        if !self.is_object {
            return Err(Error::new(
                Code::PayloadNotObject,
                "jwt payload must be a JSON object",
            ));
        }
        let claims = &self.claims;
        for (name, value) in [
            ("exp", &claims.exp),
            ("nbf", &claims.nbf),
            ("iat", &claims.iat),
        ] {
            if value.as_ref().is_some_and(|v| !v.is_number()) {
                return Err(claim_invalid(name));
            }
        }
        let audience_ok = match &claims.aud {
            None | Some(Value::String(_)) => true,
            Some(Value::Array(items)) => items.iter().all(Value::is_string),
            Some(_) => false,
        };
        if !audience_ok {
            return Err(claim_invalid("aud"));
        }
        for (name, value) in [
            ("iss", &claims.iss),
            ("sub", &claims.sub),
            ("jti", &claims.jti),
        ] {
            if value.as_ref().is_some_and(|v| !v.is_string()) {
                return Err(claim_invalid(name));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_gives_its_registered_claims() {
        let payload = Payload::parse(r#" {"exp":5,"aud":["a"],"x":{"y":[1]}} "#, true).unwrap();
        assert!(payload.is_object);
        assert_eq!(payload.claims.exp, Some(Value::from(5)));
        assert_eq!(payload.claims.aud, Some(serde_json::json!(["a"])));
    }

    #[test]
    fn other_payloads_have_no_claims() {
        for (text, json) in [
            ("hello", false),
            ("[1,2]", true),
            (r#"[{"exp":1}]"#, true),
            // A JSON string holding a claims object is a string, not claims.
            (r#""{\"exp\":1}""#, true),
            ("null", true),
            ("3", true),
            ("\u{a0}{\"exp\":1}", false),
        ] {
            let payload = Payload::parse(text, json).unwrap();
            assert!(!payload.is_object, "{text}");
            assert!(payload.claims.exp.is_none(), "{text}");
        }
    }

    #[test]
    fn text_that_opens_an_object_must_be_one() {
        for text in [
            "{",
            r#"{"exp":1}x"#,
            r#"{"exp":1,"exp":999}"#,
            "\n{\"exp\":}",
        ] {
            let err = Payload::parse(text, false).unwrap_err();
            assert_eq!(err.code, Code::Malformed, "{text}");
        }
        assert_eq!(
            Payload::parse("not json", true).unwrap_err().code,
            Code::Malformed
        );
    }

    #[test]
    fn strict_wants_an_object_with_typed_claims() {
        let strict = |text: &str| Payload::parse(text, true).unwrap().check_strict();
        assert!(strict(
            r#"{"exp":1,"nbf":0.5,"iat":2,"aud":["a","b"],"iss":"i","sub":"s","jti":"j"}"#
        )
        .is_ok());
        assert!(strict(r#"{"aud":"a","custom":null}"#).is_ok());
        for text in ["\"s\"", "[]", "1", "null", "true"] {
            let err = strict(text).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::PayloadNotObject, "jwt payload must be a JSON object")
            );
        }
        for (text, message) in [
            (r#"{"exp":"1"}"#, "invalid exp value"),
            (r#"{"nbf":null}"#, "invalid nbf value"),
            (r#"{"iat":[1]}"#, "invalid iat value"),
            (r#"{"aud":1}"#, "invalid aud value"),
            (r#"{"aud":["a",1]}"#, "invalid aud value"),
            (r#"{"aud":null}"#, "invalid aud value"),
            (r#"{"iss":{}}"#, "invalid iss value"),
            (r#"{"sub":1}"#, "invalid sub value"),
            (r#"{"jti":false}"#, "invalid jti value"),
        ] {
            let err = strict(text).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::ClaimInvalid, message),
                "{text}"
            );
        }
        let err = Payload::parse("plain text", false)
            .unwrap()
            .check_strict()
            .unwrap_err();
        assert_eq!(err.code, Code::PayloadNotObject);
    }
}
