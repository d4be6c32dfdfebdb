//! The claim checks against a model written from jsonwebtoken's documented rules: `nbf` and `exp` with the clock
//! tolerance, `maxAge` counted from `iat`, the ignore options, and the strict profile's types.

use proptest::prelude::*;
use ringjwt::claims::Payload;
use ringjwt::error::Code;
use ringjwt::policy::{MaxAge, Policy};
use serde_json::{Map, Value};

use super::config;

/// A time claim: mostly a number near the clock (whole or fractional), sometimes absent or of another type.
fn time_claim() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        3 => Just(None),
        4 => (-200i64..200).prop_map(|d| Some(Value::from(1_700_000_000 + d))),
        2 => (-200.0f64..200.0).prop_map(|d| Some(Value::from(1_700_000_000.0 + d))),
        // `iat: 0` makes maxAge count from now.
        1 => Just(Some(Value::from(0))),
        1 => prop_oneof![
            Just(Value::Null),
            Just(Value::from("1700000000")),
            Just(Value::from(true)),
            Just(Value::Array(vec![Value::from(1)])),
        ].prop_map(Some),
    ]
}

#[derive(Debug, Clone)]
struct Options {
    tolerance: f64,
    ignore_expiration: bool,
    ignore_not_before: bool,
    max_age: Option<f64>,
}

fn options() -> impl Strategy<Value = Options> {
    (
        prop_oneof![Just(0.0), 0.0f64..120.0, (0u32..120).prop_map(f64::from)],
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop_oneof![(1u32..300).prop_map(f64::from), 0.5f64..300.0]),
    )
        .prop_map(
            |(tolerance, ignore_expiration, ignore_not_before, max_age)| Options {
                tolerance,
                ignore_expiration,
                ignore_not_before,
                max_age,
            },
        )
}

/// What `verify` must answer: the code and, for a time failure, the instant that failed.
fn model(
    exp: &Option<Value>,
    nbf: &Option<Value>,
    iat: &Option<Value>,
    o: &Options,
    now: f64,
) -> Result<(), (Code, Option<f64>)> {
    if !o.ignore_not_before {
        if let Some(nbf) = nbf {
            let nbf = nbf.as_f64().ok_or((Code::ClaimInvalid, None))?;
            if now + o.tolerance < nbf {
                return Err((Code::NotActive, Some(nbf)));
            }
        }
    }
    if !o.ignore_expiration {
        if let Some(exp) = exp {
            let exp = exp.as_f64().ok_or((Code::ClaimInvalid, None))?;
            if now >= exp + o.tolerance {
                return Err((Code::Expired, Some(exp)));
            }
        }
    }
    if let Some(max_age) = o.max_age {
        let iat = iat
            .as_ref()
            .and_then(Value::as_f64)
            .ok_or((Code::ClaimInvalid, None))?;
        let from = if iat == 0.0 { now.floor() } else { iat };
        let deadline = from + max_age;
        if now >= deadline + o.tolerance {
            return Err((Code::Expired, Some(deadline)));
        }
    }
    Ok(())
}

fn payload(exp: &Option<Value>, nbf: &Option<Value>, iat: &Option<Value>) -> String {
    let mut claims = Map::new();
    for (name, value) in [("exp", exp), ("nbf", nbf), ("iat", iat)] {
        if let Some(value) = value {
            claims.insert(name.into(), value.clone());
        }
    }
    claims.insert("sub".into(), "u1".into());
    Value::Object(claims).to_string()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn time_claims_follow_the_model(
        exp in time_claim(),
        nbf in time_claim(),
        iat in time_claim(),
        o in options(),
        now in prop_oneof![
            (-300i64..300).prop_map(|d| 1_700_000_000.0 + d as f64),
            (-300.0f64..300.0).prop_map(|d| 1_700_000_000.0 + d),
        ],
    ) {
        let policy = Policy {
            clock_tolerance: o.tolerance,
            ignore_expiration: o.ignore_expiration,
            ignore_not_before: o.ignore_not_before,
            max_age: o.max_age.map(MaxAge::Seconds),
            ..Policy::default()
        };
        let text = payload(&exp, &nbf, &iat);
        let parsed = Payload::parse(&text, true).unwrap();
        let result = policy.check(&parsed, now, None).map_err(|err| (err.code, err.date));
        prop_assert_eq!(result, model(&exp, &nbf, &iat, &o, now), "{} at {}", text, now);
    }

    #[test]
    fn strict_wants_the_registered_types(
        values in prop::collection::vec(
            prop_oneof![
                Just(None),
                Just(Some(Value::from(1))),
                Just(Some(Value::from(1.5))),
                Just(Some(Value::from("s"))),
                Just(Some(Value::Null)),
                Just(Some(Value::from(vec!["a", "b"]))),
                Just(Some(serde_json::json!(["a", 1]))),
                Just(Some(serde_json::json!({}))),
            ],
            7,
        ),
    ) {
        let names = ["exp", "nbf", "iat", "aud", "iss", "sub", "jti"];
        let mut claims = Map::new();
        for (name, value) in names.iter().zip(&values) {
            if let Some(value) = value {
                claims.insert((*name).into(), value.clone());
            }
        }
        let typed = names.iter().zip(&values).all(|(name, value)| match (name, value) {
            (_, None) => true,
            (&("exp" | "nbf" | "iat"), Some(v)) => v.is_number(),
            (&"aud", Some(Value::Array(items))) => items.iter().all(Value::is_string),
            (_, Some(v)) => v.is_string(),
        });
        let parsed = Payload::parse(&Value::Object(claims).to_string(), true).unwrap();
        let result = parsed.check_strict().map_err(|err| err.code);
        prop_assert_eq!(result, if typed { Ok(()) } else { Err(Code::ClaimInvalid) });
    }
}
