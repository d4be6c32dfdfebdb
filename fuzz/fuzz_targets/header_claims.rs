//! The JSON of a token: `Header::parse` and `check_crit` (JWS), `jwe::header::read`, `Payload::parse` and the
//! strict profile, and the claim checks of `Policy` at clock values around the token's own times.
//!
//! Input: the decoded text of a header or payload (the same text goes through every reader).
//!
//! Invariants:
//! - every reader takes exactly the JSON objects of serde_json's object model, each member it reads at most once
//!   (the JWE header each member of any name), and reads the same values serde_json does (`model::object`);
//!   anything else is refused with the model's code;
//! - `crit` follows RFC 7515 §4.1.11 as written in `model::crit` (ringjwt understands no extension);
//! - the claim checks give the verdict of `model::claims` (nbf, exp, tolerance, aud, iss, sub, maxAge
//!   arithmetic) for every policy and every clock value tried.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use ringjwt::claims::Payload;
use ringjwt::error::Code;
use ringjwt::header::Header;
use ringjwt::jwe::{self, ContentEncryption, KeyManagement};
use ringjwt::policy::{Audience, Issuer, MaxAge, Policy};
use ringjwt_fuzz::model::{self, Checks, Object};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    jws_header(text);
    jwe_header(text);
    for typ_is_jwt in [false, true] {
        payload(text, typ_is_jwt);
    }
});

fn jws_header(text: &str) {
    let expected = model::object(text, &model::HEADER_MEMBERS);
    let header = match (Header::parse(text), expected) {
        (Ok(header), Object::Members(members)) => {
            // An `Option<Value>` reads `null` as absent; `crit` keeps it as present.
            let read = |name: &str| members.get(name).filter(|v| !v.is_null()).cloned();
            assert_eq!(header.alg, read("alg"));
            assert_eq!(header.typ, read("typ"));
            assert_eq!(header.crit.as_ref(), members.get("crit"));
            header
        }
        (Err(err), Object::NotObject) => {
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::HeaderInvalid, "jwt header must be a JSON object")
            );
            return;
        }
        (Err(err), Object::Invalid) => {
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::Malformed, "invalid token")
            );
            return;
        }
        (result, expected) => panic!("Header::parse gave {result:?}, the model {expected:?}"),
    };
    let expected = model::crit(header.crit.as_ref(), text);
    assert_eq!(
        header.check_crit(text).map_err(|err| err.code),
        expected,
        "{text}"
    );
}

fn jwe_header(text: &str) {
    let result = jwe::header::read(text);
    let members = match model::object_naming_each_member_once(text, &model::JWE_HEADER_MEMBERS) {
        Object::Members(members) => members,
        _ => {
            assert_eq!(
                result.err().map(|e| e.code),
                Some(Code::Malformed),
                "{text}"
            );
            return;
        }
    };
    if members.contains_key("crit") {
        assert_eq!(result.err().map(|e| e.code), Some(Code::JweHeaderInvalid));
        return;
    }
    let base64 = |name: &str| match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => ringjwt_fuzz::base64url_decode(s).map(Some).ok_or(()),
        Some(_) => Err(()),
    };
    let decoded: Result<Vec<_>, ()> = ["apu", "apv", "iv", "tag", "p2s"]
        .map(base64)
        .into_iter()
        .collect();
    let Ok(decoded) = decoded else {
        assert_eq!(
            result.err().map(|e| e.code),
            Some(Code::JweHeaderInvalid),
            "{text}"
        );
        return;
    };
    let header = result.unwrap_or_else(|err| panic!("refused ({err}), the model reads it: {text}"));
    let name = |member: &str| members.get(member).and_then(Value::as_str);
    assert_eq!(header.alg, name("alg").and_then(KeyManagement::parse));
    assert_eq!(header.enc, name("enc").and_then(ContentEncryption::parse));
    assert_eq!(header.apu, decoded[0].clone().unwrap_or_default());
    assert_eq!(header.apv, decoded[1].clone().unwrap_or_default());
    assert_eq!(header.iv, decoded[2]);
    assert_eq!(header.tag, decoded[3]);
    assert_eq!(header.p2s, decoded[4]);
    assert_eq!(header.zip.as_ref(), members.get("zip"));
    assert_eq!(header.epk.as_ref(), members.get("epk"));
    assert_eq!(header.p2c.as_ref(), members.get("p2c"));
    let nested = name("cty").is_some_and(|cty| {
        cty.eq_ignore_ascii_case("JWT") || cty.eq_ignore_ascii_case("application/jwt")
    });
    assert_eq!(header.nested, nested);
}

fn payload(text: &str, typ_is_jwt: bool) {
    let expected = model::payload(text, typ_is_jwt);
    let payload = match Payload::parse(text, typ_is_jwt) {
        Ok(payload) => payload,
        Err(err) => {
            assert_eq!(Err(err.code), expected.map(|_| ()), "{text}");
            return;
        }
    };
    let read = expected.unwrap_or_else(|code| panic!("read, the model says {code:?}: {text}"));
    assert_eq!(payload.is_object, read.is_object);
    assert_eq!(payload.inner, read.held);
    let claims = read.claims.as_ref();
    let read_claim = |value: &Option<Value>, name: &str| {
        assert_eq!(value.as_ref(), claims.and_then(|c| c.get(name)), "{name}");
    };
    let c = &payload.claims;
    read_claim(&c.exp, "exp");
    read_claim(&c.nbf, "nbf");
    read_claim(&c.iat, "iat");
    read_claim(&c.aud, "aud");
    read_claim(&c.iss, "iss");
    read_claim(&c.sub, "sub");
    read_claim(&c.jti, "jti");
    read_claim(&c.nonce, "nonce");
    assert_eq!(
        payload.check_strict().map_err(|e| e.code),
        model::strict(&read)
    );
    check_claims(&payload, &read);
}

/// The policies tried, as ringjwt's `Policy` and as the model's `Checks`.
fn policies() -> Vec<(Policy, Checks)> {
    let audience = vec!["a".to_owned(), "b".to_owned()];
    let issuers = vec!["i".to_owned(), "j".to_owned()];
    vec![
        (Policy::default(), Checks::default()),
        (
            Policy {
                strict: true,
                clock_tolerance: 1.5,
                ..Policy::default()
            },
            Checks {
                strict: true,
                clock_tolerance: 1.5,
                ..Checks::default()
            },
        ),
        (
            Policy {
                ignore_expiration: true,
                ignore_not_before: true,
                max_age: Some(MaxAge::Seconds(60.0)),
                ..Policy::default()
            },
            Checks {
                ignore_expiration: true,
                ignore_not_before: true,
                max_age_seconds: Some(60.0),
                ..Checks::default()
            },
        ),
        (
            Policy {
                audience: Some((Audience::Exact(audience.clone()), "a or b".into())),
                issuer: Some((Issuer::AnyOf(issuers.clone()), "i,j".into())),
                subject: Some("s".into()),
                clock_tolerance: 30.0,
                ..Policy::default()
            },
            Checks {
                audience: Some(audience),
                issuer: Some(issuers),
                subject: Some("s".into()),
                clock_tolerance: 30.0,
                ..Checks::default()
            },
        ),
    ]
}

/// Clock values on each side of the token's own times, where off-by-one mistakes live.
fn clock_values(claims: Option<&BTreeMap<String, Value>>) -> Vec<f64> {
    let mut nows = vec![0.0, 1_700_000_000.0];
    for name in ["exp", "nbf", "iat"] {
        if let Some(t) = claims.and_then(|c| c.get(name)).and_then(Value::as_f64) {
            for delta in [-30.0, -1.5, -1.0, 0.0, 1.0, 1.5, 30.0, 60.0] {
                nows.push(t + delta);
            }
        }
    }
    nows
}

fn check_claims(payload: &Payload, read: &model::Read) {
    for (policy, checks) in policies() {
        for now in clock_values(read.claims.as_ref()) {
            let result = policy.check(payload, now, None).map_err(|e| e.code);
            assert_eq!(
                result,
                model::claims(read, &checks, now),
                "at {now} with {checks:?}"
            );
        }
    }
}
