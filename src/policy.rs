//! The claim checks of `verify`, prepared once from the options and run on every token, in jsonwebtoken's
//! order (nbf, exp, aud, iss, sub, jti, nonce, maxAge) and with its messages.

use regex::Regex;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::algorithm::AlgorithmSet;
use crate::error::{Code, Error, Result};

pub enum AudienceMatcher {
    Exact(String),
    /// A JS `RegExp`, translated to the `regex` crate's syntax with its `i`, `m` and `s` flags.
    Pattern(Regex),
}

pub enum Issuer {
    One(String),
    AnyOf(Vec<String>),
}

/// `maxAge` as jsonwebtoken reads it: a number is seconds, a timespan string is milliseconds (floored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxAge {
    Seconds(f64),
    Millis(f64),
}

/// What `verify` accepts. Every field defaults to "no check"; each check follows its jsonwebtoken option.
#[derive(Default)]
pub struct Policy {
    /// Allowed `alg` values (RFC 8725 §3.1). Never empty once built by the binding.
    pub algorithms: AlgorithmSet,
    /// Whether `algorithms` came from the caller: without it, unsigned tokens get a dedicated message.
    pub algorithms_given: bool,
    /// The audiences to match and the text after "expected: " in the error.
    pub audience: Option<(Vec<AudienceMatcher>, String)>,
    pub issuer: Option<(Issuer, String)>,
    pub subject: Option<String>,
    pub jwtid: Option<String>,
    pub nonce: Option<String>,
    /// Skipping `exp` lets expired tokens through: only for tokens whose lifetime is checked elsewhere.
    pub ignore_expiration: bool,
    /// Skipping `nbf` accepts tokens before their start: only when issuers' clocks are known to be wrong.
    pub ignore_not_before: bool,
    /// Seconds of clock skew tolerated on `exp`, `nbf` and `maxAge`.
    pub clock_tolerance: f64,
    pub max_age: Option<MaxAge>,
    /// Accept RSA keys under 2048 bits (where the backend can use them at all).
    pub allow_insecure_key_sizes: bool,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The registered claims; others are skipped without being built. A JSON `null` is kept as `Some(Null)`,
/// which jsonwebtoken treats as present (`typeof null === 'object'`), so `"exp": null` is rejected.
#[derive(Deserialize, Default)]
pub struct Claims {
    #[serde(default, deserialize_with = "present")]
    exp: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    nbf: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    iat: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    aud: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    iss: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    sub: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    jti: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    nonce: Option<Value>,
}

impl Claims {
    /// Reads the registered claims of a payload in one pass that also checks the whole text is JSON. A payload
    /// that is not a JSON object has no claims, as in jsonwebtoken; duplicate registered claims are refused
    /// rather than resolved (RFC 7519 §4 allows either; refusing leaves nothing ambiguous).
    pub fn parse(payload: &str) -> Result<Self> {
        if payload.trim_start().starts_with('{') {
            serde_json::from_str(payload).map_err(|_| Error::malformed())
        } else {
            Ok(Self::default())
        }
    }
}

fn number(value: &Option<Value>) -> Option<f64> {
    value.as_ref().and_then(Value::as_f64)
}

fn is_str(value: &Option<Value>, expected: &str) -> bool {
    matches!(value, Some(Value::String(s)) if s == expected)
}

/// `String(value)` as JS would print it, for matching a `RegExp` audience against a non-string claim.
fn js_string(value: Option<&Value>) -> std::borrow::Cow<'_, str> {
    match value {
        None => "undefined".into(),
        Some(Value::String(s)) => s.as_str().into(),
        Some(Value::Null) => "null".into(),
        Some(Value::Bool(b)) => b.to_string().into(),
        Some(Value::Number(n)) => n.to_string().into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                v => js_string(Some(v)).into_owned(),
            })
            .collect::<Vec<_>>()
            .join(",")
            .into(),
        Some(Value::Object(_)) => "[object Object]".into(),
    }
}

impl AudienceMatcher {
    fn matches(&self, target: Option<&Value>) -> bool {
        match self {
            Self::Exact(expected) => matches!(target, Some(Value::String(s)) if s == expected),
            Self::Pattern(re) => re.is_match(&js_string(target)),
        }
    }
}

/// Builds the `regex` equivalent of a JS `RegExp` source and flags.
pub fn audience_pattern(source: &str, flags: &str) -> std::result::Result<Regex, String> {
    regex::RegexBuilder::new(source)
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .build()
        .map_err(|e| format!("audience RegExp /{source}/{flags} is not supported: {e}"))
}

impl Policy {
    /// Runs the claim checks on a decoded payload. `now` is unix seconds from the JS clock.
    pub fn check_claims(&self, payload: &str, now: f64) -> Result<()> {
        self.check(&Claims::parse(payload)?, now)
    }

    /// Runs the claim checks on claims already read from the payload.
    pub fn check(&self, claims: &Claims, now: f64) -> Result<()> {
        let tolerance = self.clock_tolerance;

        if !self.ignore_not_before {
            if let Some(nbf) = &claims.nbf {
                let nbf = nbf
                    .as_f64()
                    .ok_or_else(|| Error::new(Code::ClaimInvalid, "invalid nbf value"))?;
                if nbf > now + tolerance {
                    return Err(Error::at(Code::NotActive, "jwt not active", nbf));
                }
            }
        }
        if !self.ignore_expiration {
            if let Some(exp) = &claims.exp {
                let exp = exp
                    .as_f64()
                    .ok_or_else(|| Error::new(Code::ClaimInvalid, "invalid exp value"))?;
                if now >= exp + tolerance {
                    return Err(Error::at(Code::Expired, "jwt expired", exp));
                }
            }
        }
        if let Some((matchers, expected)) = &self.audience {
            let targets: Vec<Option<&Value>> = match &claims.aud {
                Some(Value::Array(items)) => items.iter().map(Some).collect(),
                other => vec![other.as_ref()],
            };
            if !targets
                .iter()
                .any(|t| matchers.iter().any(|m| m.matches(*t)))
            {
                return Err(Error::new(
                    Code::AudienceInvalid,
                    format!("jwt audience invalid. expected: {expected}"),
                ));
            }
        }
        if let Some((issuer, expected)) = &self.issuer {
            let ok = match issuer {
                Issuer::One(iss) => is_str(&claims.iss, iss),
                Issuer::AnyOf(list) => list.iter().any(|iss| is_str(&claims.iss, iss)),
            };
            if !ok {
                return Err(Error::new(
                    Code::IssuerInvalid,
                    format!("jwt issuer invalid. expected: {expected}"),
                ));
            }
        }
        let exact = [
            (&self.subject, &claims.sub, Code::SubjectInvalid, "subject"),
            (&self.jwtid, &claims.jti, Code::JwtidInvalid, "jwtid"),
            (&self.nonce, &claims.nonce, Code::NonceInvalid, "nonce"),
        ];
        for (expected, actual, code, name) in exact {
            if let Some(expected) = expected {
                if !is_str(actual, expected) {
                    return Err(Error::new(
                        code,
                        format!("jwt {name} invalid. expected: {expected}"),
                    ));
                }
            }
        }
        if let Some(max_age) = self.max_age {
            let iat = number(&claims.iat).ok_or_else(|| {
                Error::new(Code::ClaimInvalid, "iat required when maxAge is specified")
            })?;
            // jsonwebtoken counts from `iat || now`: an `iat` of 0 counts from now.
            let base = if iat != 0.0 { iat } else { now.floor() };
            let deadline = match max_age {
                MaxAge::Seconds(seconds) => base + seconds,
                MaxAge::Millis(ms) => (base + ms / 1000.0).floor(),
            };
            if now >= deadline + tolerance {
                return Err(Error::at(Code::Expired, "maxAge exceeded", deadline));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::default()
    }

    #[test]
    fn expiry_uses_the_given_clock_and_tolerance() {
        let p = policy();
        assert!(p.check_claims(r#"{"exp":100}"#, 99.0).is_ok());
        let err = p.check_claims(r#"{"exp":100}"#, 100.0).unwrap_err();
        assert_eq!((err.code, err.date), (Code::Expired, Some(100.0)));
        let tolerant = Policy {
            clock_tolerance: 5.0,
            ..policy()
        };
        assert!(tolerant.check_claims(r#"{"exp":100}"#, 104.0).is_ok());
    }

    #[test]
    fn non_numeric_time_claims_are_invalid() {
        let err = policy().check_claims(r#"{"nbf":null}"#, 1.0).unwrap_err();
        assert_eq!(err.message, "invalid nbf value");
        let err = policy().check_claims(r#"{"exp":"soon"}"#, 1.0).unwrap_err();
        assert_eq!(err.message, "invalid exp value");
    }

    #[test]
    fn audience_matches_any_of_any() {
        let p = Policy {
            audience: Some((
                vec![
                    AudienceMatcher::Exact("a".into()),
                    AudienceMatcher::Pattern(audience_pattern("^urn:x:", "").unwrap()),
                ],
                "a or /^urn:x:/".into(),
            )),
            ..policy()
        };
        assert!(p.check_claims(r#"{"aud":["b","a"]}"#, 1.0).is_ok());
        assert!(p.check_claims(r#"{"aud":"urn:x:y"}"#, 1.0).is_ok());
        let err = p.check_claims(r#"{"aud":"b"}"#, 1.0).unwrap_err();
        assert_eq!(
            err.message,
            "jwt audience invalid. expected: a or /^urn:x:/"
        );
    }

    #[test]
    fn max_age_counts_from_iat() {
        let p = Policy {
            max_age: Some(MaxAge::Seconds(10.0)),
            ..policy()
        };
        assert!(p.check_claims(r#"{"iat":100}"#, 109.0).is_ok());
        let err = p.check_claims(r#"{"iat":100}"#, 110.0).unwrap_err();
        assert_eq!(
            (err.message.as_ref(), err.date),
            ("maxAge exceeded", Some(110.0))
        );
        let err = p.check_claims(r#"{}"#, 110.0).unwrap_err();
        assert_eq!(err.message, "iat required when maxAge is specified");
    }

    #[test]
    fn duplicate_claims_are_refused() {
        let err = policy()
            .check_claims(r#"{"exp":1,"exp":999}"#, 5.0)
            .unwrap_err();
        assert_eq!(err.code, Code::Malformed);
    }

    #[test]
    fn non_object_payloads_have_no_claims() {
        assert!(policy().check_claims("hello", 5.0).is_ok());
        assert!(policy().check_claims("[1,2]", 5.0).is_ok());
    }
}
