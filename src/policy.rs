//! The claim checks of `verify`, prepared once from the options and run on every token, in jsonwebtoken's
//! order (nbf, exp, aud, iss, sub, jti, nonce, maxAge) and with its messages.

use serde_json::Value;

use crate::algorithm::AlgorithmSet;
use crate::claims::{Claims, Payload};
use crate::error::{Code, Error, Result};

/// How `aud` is matched.
pub enum Audience {
    /// Exact strings, compared here.
    Exact(Vec<String>),
    /// By the caller: `audience` holds a JS `RegExp`, which only JavaScript runs with JavaScript's semantics
    /// (and its `lastIndex` state). Checks then stop before the audience step and [`Policy::check_from_audience`]
    /// takes the caller's verdict, so the RegExps run only for tokens that get that far, as in jsonwebtoken.
    Caller,
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
    /// How to match audiences, and the text after "expected: " in the error.
    pub audience: Option<(Audience, String)>,
    pub issuer: Option<(Issuer, String)>,
    pub subject: Option<String>,
    pub jwtid: Option<String>,
    pub nonce: Option<String>,
    /// The header `typ` required (RFC 8725 §3.11), compared as a media type.
    pub typ: Option<String>,
    /// The claims every token must carry (RFC 9068 §2.2 for access tokens), checked before `nbf` and `exp`.
    pub required_claims: Vec<String>,
    /// Skipping `exp` lets expired tokens through: only for tokens whose lifetime is checked elsewhere.
    pub ignore_expiration: bool,
    /// Skipping `nbf` accepts tokens before their start: only when issuers' clocks are known to be wrong.
    pub ignore_not_before: bool,
    /// Seconds of clock skew tolerated on `exp`, `nbf` and `maxAge`.
    pub clock_tolerance: f64,
    pub max_age: Option<MaxAge>,
    /// Accept RSA keys under 2048 bits (verified by node:crypto in the JS layer, never here).
    pub allow_insecure_key_sizes: bool,
    /// The JWT profile of RFC 7519 and RFC 8725 where jsonwebtoken is lenient: the payload is a JSON object,
    /// registered claims have their registered types, and an HMAC secret is at least as long as the hash
    /// output (RFC 7518 §3.2). Off by default, so that jsonwebtoken's behaviour is kept.
    pub strict: bool,
}

fn number(value: &Option<Value>) -> Option<f64> {
    value.as_ref().and_then(Value::as_f64)
}

fn is_str(value: &Option<Value>, expected: &str) -> bool {
    matches!(value, Some(Value::String(s)) if s == expected)
}

impl Policy {
    /// Runs every claim check on a payload. `now` is unix seconds from the JS clock. With
    /// [`Audience::Caller`], `audience_matched` is the caller's verdict (`None` counts as no match).
    pub fn check(&self, payload: &Payload, now: f64, audience_matched: Option<bool>) -> Result<()> {
        self.check_until_audience(payload, now)?;
        self.check_from_audience(&payload.claims, now, audience_matched)
    }

    /// Every claim check a verifier runs by itself: all of them, or with [`Audience::Caller`] those before the
    /// audience step, the rest waiting for the caller's verdict ([`Policy::check_from_audience`]).
    pub fn check_unless_caller_audience(&self, payload: &Payload, now: f64) -> Result<()> {
        self.check_until_audience(payload, now)?;
        if self.audience_by_caller() {
            Ok(())
        } else {
            self.check_from_audience(&payload.claims, now, None)
        }
    }

    /// Whether the caller matches the audience (see [`Audience::Caller`]).
    pub fn audience_by_caller(&self) -> bool {
        matches!(self.audience, Some((Audience::Caller, _)))
    }

    /// The checks before the audience step: the strict profile, then `nbf` and `exp`.
    pub fn check_until_audience(&self, payload: &Payload, now: f64) -> Result<()> {
        if self.strict {
            payload.check_strict()?;
        }
        for name in &self.required_claims {
            if !payload.has_claim(name) {
                return Err(Error::new(
                    Code::ClaimMissing,
                    format!("jwt claim \"{name}\" is required"),
                ));
            }
        }
        let claims = &payload.claims;
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
        Ok(())
    }

    /// The audience step and the checks after it: `iss`, `sub`, `jti`, `nonce`, `maxAge`.
    pub fn check_from_audience(
        &self,
        claims: &Claims,
        now: f64,
        audience_matched: Option<bool>,
    ) -> Result<()> {
        if let Some((audience, expected)) = &self.audience {
            let matched = match audience {
                Audience::Exact(list) => {
                    let matches =
                        |target: &Value| matches!(target, Value::String(s) if list.contains(s));
                    match &claims.aud {
                        Some(Value::Array(items)) => items.iter().any(matches),
                        Some(target) => matches(target),
                        None => false,
                    }
                }
                Audience::Caller => audience_matched == Some(true),
            };
            if !matched {
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
            if now >= deadline + self.clock_tolerance {
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

    fn check(policy: &Policy, payload: &str, now: f64) -> Result<()> {
        policy.check(&Payload::parse(payload, false)?, now, None)
    }

    #[test]
    fn expiry_uses_the_given_clock_and_tolerance() {
        let p = policy();
        assert!(check(&p, r#"{"exp":100}"#, 99.0).is_ok());
        let err = check(&p, r#"{"exp":100}"#, 100.0).unwrap_err();
        assert_eq!((err.code, err.date), (Code::Expired, Some(100.0)));
        let tolerant = Policy {
            clock_tolerance: 5.0,
            ..policy()
        };
        assert!(check(&tolerant, r#"{"exp":100}"#, 104.0).is_ok());
    }

    #[test]
    fn required_claims_must_be_present_and_not_null() {
        let p = Policy {
            required_claims: vec!["sub".into(), "client_id".into()],
            ..policy()
        };
        assert!(check(&p, r#"{"sub":"u","client_id":"c"}"#, 1.0).is_ok());
        for payload in [r#"{"sub":"u"}"#, r#"{"sub":"u","client_id":null}"#] {
            let err = check(&p, payload, 1.0).unwrap_err();
            assert_eq!(err.code, Code::ClaimMissing);
            assert_eq!(err.message, "jwt claim \"client_id\" is required");
        }
        let err = check(&p, r#"{"client_id":"c"}"#, 1.0).unwrap_err();
        assert_eq!(err.message, "jwt claim \"sub\" is required");
    }

    #[test]
    fn non_numeric_time_claims_are_invalid() {
        let err = check(&policy(), r#"{"nbf":null}"#, 1.0).unwrap_err();
        assert_eq!(err.message, "invalid nbf value");
        let err = check(&policy(), r#"{"exp":"soon"}"#, 1.0).unwrap_err();
        assert_eq!(err.message, "invalid exp value");
    }

    #[test]
    fn audience_matches_any_of_any() {
        let p = Policy {
            audience: Some((
                Audience::Exact(vec!["a".into(), "c".into()]),
                "a or c".into(),
            )),
            ..policy()
        };
        assert!(check(&p, r#"{"aud":["b","a"]}"#, 1.0).is_ok());
        assert!(check(&p, r#"{"aud":"c"}"#, 1.0).is_ok());
        for payload in [
            r#"{"aud":"b"}"#,
            r#"{"aud":["A"]}"#,
            r#"{"aud":[["a"]]}"#,
            "{}",
            "a",
        ] {
            let err = check(&p, payload, 1.0).unwrap_err();
            assert_eq!(err.message, "jwt audience invalid. expected: a or c");
        }
    }

    #[test]
    fn a_caller_matched_audience_takes_the_callers_verdict() {
        let p = Policy {
            audience: Some((Audience::Caller, "/^a/".into())),
            issuer: Some((Issuer::One("i".into()), "i".into())),
            ..policy()
        };
        assert!(p.audience_by_caller());
        let payload = Payload::parse(r#"{"aud":"x","iss":"i"}"#, true).unwrap();
        assert!(p.check(&payload, 1.0, Some(true)).is_ok());
        for verdict in [Some(false), None] {
            let err = p.check(&payload, 1.0, verdict).unwrap_err();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (
                    Code::AudienceInvalid,
                    "jwt audience invalid. expected: /^a/"
                )
            );
        }
        // The steps before the audience do not need the verdict; those after it come after it.
        let expired = Payload::parse(r#"{"exp":1,"iss":"j"}"#, true).unwrap();
        assert_eq!(
            p.check_until_audience(&expired, 5.0).unwrap_err().code,
            Code::Expired
        );
        let err = p
            .check_from_audience(&expired.claims, 0.0, Some(true))
            .unwrap_err();
        assert_eq!(err.code, Code::IssuerInvalid);
    }

    #[test]
    fn strict_runs_first() {
        let p = Policy {
            strict: true,
            ..policy()
        };
        let err = check(&p, r#"{"exp":1,"iss":5}"#, 10.0).unwrap_err();
        assert_eq!(
            (err.code, err.message.as_ref()),
            (Code::ClaimInvalid, "invalid iss value")
        );
        assert_eq!(
            check(&p, "text", 1.0).unwrap_err().code,
            Code::PayloadNotObject
        );
        assert!(check(&policy(), "text", 1.0).is_ok());
    }

    #[test]
    fn max_age_counts_from_iat() {
        let p = Policy {
            max_age: Some(MaxAge::Seconds(10.0)),
            ..policy()
        };
        assert!(check(&p, r#"{"iat":100}"#, 109.0).is_ok());
        let err = check(&p, r#"{"iat":100}"#, 110.0).unwrap_err();
        assert_eq!(
            (err.message.as_ref(), err.date),
            ("maxAge exceeded", Some(110.0))
        );
        let err = check(&p, r#"{}"#, 110.0).unwrap_err();
        assert_eq!(err.message, "iat required when maxAge is specified");
    }

    #[test]
    fn duplicate_claims_are_refused() {
        let err = check(&policy(), r#"{"exp":1,"exp":999}"#, 5.0).unwrap_err();
        assert_eq!(err.code, Code::Malformed);
    }

    #[test]
    fn non_object_payloads_have_no_claims() {
        assert!(check(&policy(), "hello", 5.0).is_ok());
        assert!(check(&policy(), "[1,2]", 5.0).is_ok());
    }
}
