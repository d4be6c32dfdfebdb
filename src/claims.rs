//! The payload of a token as `verify` reads it: whether it is a JSON object, and its registered claims.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Code, Error, Result};
use crate::json::{self, present};

/// The registered claims; others are skipped without being built. A JSON `null` is kept as `Some(Null)`,
/// which jsonwebtoken treats as present (`typeof null === 'object'`), so `"exp": null` is rejected.
///
/// `verify` reads them with [`json::members`] (one pass over the claims set); serde's reading of the struct
/// (`json::object`) is the reference the tests hold that pass to.
#[derive(Deserialize, Default, Debug, PartialEq)]
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
    /// RFC 8693 §4.3, required in access tokens by RFC 9068 §2.2.
    #[serde(default, deserialize_with = "present")]
    pub client_id: Option<Value>,
}

/// A decoded payload: its claims when it is a JSON object, none otherwise (a string, number, array or text that
/// is not JSON has no claims, as in jsonwebtoken), with one exception jsonwebtoken makes: see `inner`.
#[derive(Default, Debug)]
pub struct Payload {
    pub claims: Claims,
    pub is_object: bool,
    /// A `typ: JWT` payload that is a JSON string holding JSON text of an object or an array: that text.
    /// jsonwebtoken parses such a payload a second time, then checks and returns the value inside, so `verify`
    /// does too (its claims are `claims`); strict mode refuses it, the payload itself not being an object.
    pub inner: Option<String>,
}

impl Claims {
    fn slot(&mut self, name: &str) -> Option<&mut Option<Value>> {
        Some(match name {
            "exp" => &mut self.exp,
            "nbf" => &mut self.nbf,
            "iat" => &mut self.iat,
            "aud" => &mut self.aud,
            "iss" => &mut self.iss,
            "sub" => &mut self.sub,
            "jti" => &mut self.jti,
            "nonce" => &mut self.nonce,
            "client_id" => &mut self.client_id,
            _ => return None,
        })
    }

    /// Reads the registered claims of an object in one pass, building only them (with serde_json, from their
    /// text). Refused like serde_json's reading of the struct: text that is not a JSON object, a registered claim
    /// twice (after unescaping its name), one nested too deeply or holding what serde_json cannot build (a
    /// number out of range, a lone surrogate escape).
    fn scan(text: &str) -> std::result::Result<Self, json::Invalid> {
        let mut claims = Self::default();
        json::members(text, |member| {
            let Some(slot) = claims.slot(&member.key) else {
                return Ok(());
            };
            if slot.is_some() || member.depth > json::MEMBER_DEPTH {
                return Err(json::Invalid);
            }
            *slot = Some(claim_value(member.value)?);
            Ok(())
        })?;
        Ok(claims)
    }
}

/// A registered claim's value from its text, which [`json::members`] has checked. The usual forms are built
/// here, as serde_json builds them: a string without escapes (its text between the quotes), a non-negative
/// integer of up to 15 digits (a `u64`) and an array of such strings written without whitespace (an audience
/// list); anything else by serde_json itself.
fn claim_value(text: &str) -> std::result::Result<Value, json::Invalid> {
    let plain = |inner: &[u8]| !inner.contains(&b'\\');
    match text.as_bytes() {
        [b'"', inner @ .., b'"'] if plain(inner) => {
            return Ok(Value::String(text[1..text.len() - 1].to_owned()));
        }
        digits @ [b'0'..=b'9', ..]
            if digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) =>
        {
            let number = digits
                .iter()
                .fold(0u64, |n, &digit| n * 10 + u64::from(digit - b'0'));
            return Ok(Value::from(number));
        }
        [b'[', b'"', inner @ .., b'"', b']'] if plain(inner) => {
            if let Some(items) = plain_strings(&text[1..text.len() - 1]) {
                return Ok(Value::Array(items));
            }
        }
        _ => {}
    }
    serde_json::from_str(text).map_err(|_| json::Invalid)
}

/// The strings of `"a","b",…` (the inside of an array, without escapes, so that every quote delimits a string),
/// or None when anything else stands between them.
fn plain_strings(mut rest: &str) -> Option<Vec<Value>> {
    let mut items = Vec::new();
    loop {
        let body = rest.strip_prefix('"')?;
        let end = body.find('"')?;
        items.push(Value::String(body[..end].to_owned()));
        rest = &body[end + 1..];
        if rest.is_empty() {
            return Some(items);
        }
        rest = rest.strip_prefix(',')?;
    }
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
            let claims = Claims::scan(text).map_err(|_| Error::malformed())?;
            return Ok(Self {
                claims,
                is_object: true,
                inner: None,
            });
        }
        if json {
            if json::opens_with(text, b'"') {
                return match serde_json::from_str::<String>(text) {
                    Ok(inner) => Self::inner(inner),
                    Err(_) => Self::lone_surrogates(text),
                };
            }
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|_| Error::malformed())?;
        }
        Ok(Self::default())
    }

    /// The string a `typ: JWT` payload holds, read as jsonwebtoken reads it a second time: an object gives the
    /// claims (text that opens an object and is not one is refused, as for a payload itself), an array is the
    /// payload with no claims, anything else leaves the payload a string.
    fn inner(inner: String) -> Result<Self> {
        if json::opens_object(&inner) {
            let claims = Claims::scan(&inner).map_err(|_| Error::malformed())?;
            return Ok(Self {
                claims,
                is_object: false,
                inner: Some(inner),
            });
        }
        let is_array = json::opens_with(&inner, b'[')
            && serde_json::from_str::<serde::de::IgnoredAny>(&inner).is_ok();
        Ok(Self {
            inner: is_array.then_some(inner),
            ..Self::default()
        })
    }

    /// A `typ: JWT` payload that is a JSON string serde_json cannot build because it holds a lone surrogate
    /// escape, which `JSON.parse` keeps. jsonwebtoken's verify returns it as the string it is, unless the string
    /// holds an object or an array: those (claims read from text holding a lone surrogate) are refused, as is
    /// anything that is not a JSON string.
    fn lone_surrogates(text: &str) -> Result<Self> {
        let inner = json::without_lone_surrogates(text)
            .and_then(|mended| serde_json::from_str::<String>(&mended).ok())
            .ok_or_else(Error::malformed)?;
        if json::opens_object(&inner) || json::opens_with(&inner, b'[') {
            return Err(Error::malformed());
        }
        Ok(Self::default())
    }

    /// The JWT profile (RFC 7519 §4.1, RFC 8725 §3.11) beyond jsonwebtoken's checks: the claims set is a JSON
    /// object and each registered claim present has its registered type.
    /// Whether the claims set holds `name`, one of the claims a policy may require, with a value other than `null`.
    pub fn has_claim(&self, name: &str) -> bool {
        let claims = &self.claims;
        let value = match name {
            "exp" => &claims.exp,
            "nbf" => &claims.nbf,
            "iat" => &claims.iat,
            "aud" => &claims.aud,
            "iss" => &claims.iss,
            "sub" => &claims.sub,
            "jti" => &claims.jti,
            "client_id" => &claims.client_id,
            _ => return false,
        };
        value.as_ref().is_some_and(|value| !value.is_null())
    }

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
pub(crate) mod tests {
    use super::*;

    #[test]
    fn claim_values_are_built_as_serde_json_builds_them() {
        for text in [
            r#""user-1234""#,
            r#""""#,
            r#""caf\u00e9""#,
            r#""a\"b""#,
            "0",
            "7",
            "1700000000",
            "999999999999999",
            "9999999999999999",
            "18446744073709551616",
            "-0",
            "-5",
            "1.5",
            "1e3",
            "true",
            "null",
            r#"["a","b"]"#,
            r#"["https://api.example.com","https://orders.example.com"]"#,
            r#"["a"]"#,
            r#"[""]"#,
            r#"["",""]"#,
            r#"["a", "b"]"#,
            r#"["a",1]"#,
            r#"["a",["b"]]"#,
            r#"["a","b\"c"]"#,
            r#"[]"#,
            r#"["a",{"x":"y"},"b"]"#,
            r#"["a",1,"b"]"#,
            r#"["a,b","c]"]"#,
            r#"{"a":1}"#,
        ] {
            let expected: Value = serde_json::from_str(text).unwrap();
            let built = claim_value(text).unwrap();
            assert_eq!(built, expected, "{text}");
            // The same kind of number (u64, i64 or f64), not only an equal one.
            assert_eq!(built.is_u64(), expected.is_u64(), "{text}");
            assert_eq!(built.is_f64(), expected.is_f64(), "{text}");
        }
    }

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
            // Without `typ: JWT`, a JSON string holding a claims object is a string, not claims.
            (r#""{\"exp\":1}""#, false),
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
    fn a_typ_jwt_string_with_a_lone_surrogate_is_a_string() {
        for text in [
            r#""\ud800""#,
            r#" "\udc00 and \ud83d\ude00" "#,
            r#""\uDBFF\u0041""#,
            r#""x{\"exp\":1} \ud800""#,
        ] {
            let payload = Payload::parse(text, true).unwrap();
            assert!(!payload.is_object, "{text}");
            assert!(payload.inner.is_none(), "{text}");
            assert!(payload.claims.exp.is_none(), "{text}");
        }
        // Claims or an array read from such a string (text that opens an object and is not one included, as for a
        // payload itself), and text that is not a JSON string, are refused.
        for text in [
            r#""{\"exp\":1} \ud800""#,
            r#""{\"exp\":1,\"sub\":\"\ud800\"}""#,
            r#"" {\"sub\":\"\udfff\"}""#,
            r#""[\"\ud800\"]""#,
            r#""\ud800"#,
            r#""\ud800" x"#,
            "\"\\ud800\u{1}\"",
        ] {
            assert!(Payload::parse(text, true).is_err(), "{text}");
        }
    }

    #[test]
    fn a_typ_jwt_string_holding_json_text_is_read_again() {
        let object = Payload::parse(r#" "{\"exp\":1}" "#, true).unwrap();
        assert!(!object.is_object);
        assert_eq!(object.claims.exp, Some(Value::from(1)));
        assert_eq!(object.inner.as_deref(), Some(r#"{"exp":1}"#));
        let array = Payload::parse(r#""[{\"exp\":1}]""#, true).unwrap();
        assert_eq!(array.inner.as_deref(), Some(r#"[{"exp":1}]"#));
        assert!(array.claims.exp.is_none());
        for text in [
            r#""hello""#,
            r#""3""#,
            r#""null""#,
            r#""\"{}\"""#,
            r#""[1""#,
        ] {
            let payload = Payload::parse(text, true).unwrap();
            assert!(payload.inner.is_none(), "{text}");
            assert!(payload.claims.exp.is_none(), "{text}");
        }
        for text in [r#""{\"exp\":1""#, r#""{\"exp\":1,\"exp\":2}""#] {
            let err = Payload::parse(text, true).unwrap_err();
            assert_eq!(err.code, Code::Malformed, "{text}");
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

    /// A deterministic generator (xorshift64*) for the tests that hold the one-pass reading to serde's.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    // Each list: texts serde_json takes, then (after `|`) some it refuses or builds differently; the generator
    // mostly picks from the first part, so that both outcomes are well represented.
    const KEYS: &[&str] = &[
        "exp",
        "nbf",
        "iat",
        "aud",
        "iss",
        "sub",
        "jti",
        "nonce",
        r"\u0065xp",
        r"e\u0078p",
        r"\u006eonce",
        r"su\u0062",
        "x",
        "name",
        "",
        "é",
        "EXP",
        "exp ",
        r"\ud83d\ude00",
        r"a\\b",
        r"\t",
        "|",
        r"\ud800",
        r"\udc00",
        r"\u00",
        "\u{1}",
        r"\q",
    ];
    const NUMBERS: &[&str] = &[
        "0",
        "-0",
        "1",
        "-1",
        "1.5",
        "1e400",
        "-1e400",
        "1E+2",
        "1e-2",
        "0.1e1",
        "1700000000",
        "123456789012345678901234567890",
        "18446744073709551616",
        "9007199254740993",
        "1.5E-3",
        "|",
        "01",
        "1.",
        "-",
        "2e",
        "1e+",
        "0x1",
        ".5",
        "+1",
        "1.0e",
        "-01",
    ];
    const STRINGS: &[&str] = &[
        "",
        "abc",
        "é",
        r"\u00e9",
        r"\ud800",
        r"\udc00",
        r"\ud800\udc00",
        r"\ud83d\ude00",
        r"\ud800\u0041",
        r#"\""#,
        r"\\",
        r"\/",
        r"\b\f\n\r\t",
        "\u{7f}",
        r"a\u0000b",
        "https://api.example.com/a-long-enough-audience",
        "|",
        r"\u12",
        r"\uZZZZ",
        r"\q",
        "\u{1}",
        "\t",
    ];
    const LITERALS: &[&str] = &["true", "false", "null", "|", "tru", "nul", "truex", "nulll"];
    const SPACE: &[&str] = &["", "", "", " ", "\n", "\t", "\r", "|", "\u{a0}", "\u{feff}"];

    impl Random {
        /// From the first part of `items` nineteen times in twenty.
        fn pick_mostly_valid<'a>(&mut self, items: &[&'a str]) -> &'a str {
            let split = items
                .iter()
                .position(|item| *item == "|")
                .unwrap_or(items.len());
            if self.below(20) > 0 {
                items[self.below(split)]
            } else {
                items[split + 1 + self.below(items.len() - split - 1)]
            }
        }
    }

    fn value(r: &mut Random, depth: usize, out: &mut String) {
        let choice = if depth > 3 { r.below(3) } else { r.below(7) };
        match choice {
            0 => out.push_str(&format!("\"{}\"", r.pick_mostly_valid(STRINGS))),
            1 => out.push_str(r.pick_mostly_valid(NUMBERS)),
            2 => out.push_str(r.pick_mostly_valid(LITERALS)),
            3 | 4 => {
                out.push('[');
                for i in 0..r.below(4) {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(r.pick_mostly_valid(SPACE));
                    value(r, depth + 1, out);
                }
                out.push(']');
            }
            5 => object(r, depth + 1, KEYS, out),
            _ => {
                // Nesting around serde_json's limit of 128 levels.
                let levels = 123 + r.below(8);
                let (open, close) = if r.below(2) == 0 {
                    ("[", "]")
                } else {
                    (r#"{"a":"#, "}")
                };
                out.push_str(&open.repeat(levels));
                out.push('1');
                out.push_str(&close.repeat(levels));
            }
        }
    }

    fn object(r: &mut Random, depth: usize, keys: &[&str], out: &mut String) {
        out.push('{');
        for i in 0..r.below(6) {
            if i > 0 {
                out.push(',');
            }
            out.push_str(r.pick_mostly_valid(SPACE));
            out.push_str(&format!("\"{}\"", r.pick_mostly_valid(keys)));
            out.push_str(r.pick_mostly_valid(SPACE));
            out.push(':');
            out.push_str(r.pick_mostly_valid(SPACE));
            value(r, depth, out);
            out.push_str(r.pick_mostly_valid(SPACE));
        }
        out.push('}');
    }

    /// An edit of `text`: characters removed, inserted, replaced or repeated, or the text cut short.
    fn mutate(r: &mut Random, text: &str) -> String {
        const INSERTS: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            "\"",
            ",",
            ":",
            " ",
            "\\",
            "u",
            "0",
            "1",
            "e",
            ".",
            "-",
            "t",
            "n",
            "\u{1}",
            "é",
            r#""exp":1,"#,
            r#","exp":2"#,
        ];
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..1 + r.below(3) {
            let at = r.below(chars.len() + 1);
            match r.below(5) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 => chars.splice(at..at, r.pick(INSERTS).chars()).for_each(drop),
                2 if at < chars.len() => {
                    chars
                        .splice(at..=at, r.pick(INSERTS).chars())
                        .for_each(drop);
                }
                3 => chars.truncate(at),
                _ => {
                    let end = (at + r.below(12)).min(chars.len());
                    let copy: Vec<char> = chars[at..end].to_vec();
                    chars.splice(at..at, copy).for_each(drop);
                }
            }
        }
        chars.into_iter().collect()
    }

    /// `count` objects as the generator writes them, their names picked from `keys` (as the other lists: those
    /// serde_json takes, then after `|` some it refuses), each followed by an edit of it: texts on which a one-pass
    /// reading must take and refuse what serde_json's reading of a struct does.
    pub(crate) fn objects_and_edits(seed: u64, count: usize, keys: &[&str]) -> Vec<String> {
        let mut r = Random(seed);
        let mut texts = Vec::with_capacity(2 * count);
        for _ in 0..count {
            let mut text = String::new();
            text.push_str(r.pick_mostly_valid(SPACE));
            object(&mut r, 0, keys, &mut text);
            text.push_str(r.pick_mostly_valid(SPACE));
            let edit = mutate(&mut r, &text);
            texts.extend([text, edit]);
        }
        texts
    }

    fn same_as_serde(text: &str) -> bool {
        let reference = json::object::<Claims>(text).ok();
        assert_eq!(Claims::scan(text).ok(), reference, "{text:?}");
        reference.is_some()
    }

    #[test]
    fn the_one_pass_reading_takes_and_refuses_what_serde_does() {
        let (mut taken, mut refused) = (0, 0);
        for candidate in objects_and_edits(0x9e37_79b9_7f4a_7c15, 30_000, KEYS) {
            if same_as_serde(&candidate) {
                taken += 1;
            } else {
                refused += 1;
            }
        }
        // Both outcomes well represented.
        assert!(
            taken > 10_000 && refused > 10_000,
            "{taken} taken, {refused} refused"
        );
    }

    #[test]
    fn the_one_pass_reading_matches_serde_at_the_edges() {
        for levels in 120..=130 {
            for name in ["exp", "aud", "x"] {
                for (open, close) in [("[", "]"), (r#"{"a":"#, "}")] {
                    let nested = format!("{}1{}", open.repeat(levels), close.repeat(levels));
                    same_as_serde(&format!(r#"{{"{name}":{nested}}}"#));
                }
            }
        }
        for text in [
            "{}",
            " {} ",
            "{} x",
            r#"{"exp":1,"exp":1}"#,
            r#"{"exp":1,"\u0065xp":1}"#,
            r#"{"x":1,"x":2}"#,
            r#"{"aud":["a","b"],"aud":[]}"#,
            r#"{"\ud800":1}"#,
            r#"{"x":"\ud800"}"#,
            r#"{"sub":"\ud800"}"#,
            r#"{"exp":1e400}"#,
            r#"{"x":1e400}"#,
            r#"{"exp":null,"nbf":[],"iat":{},"aud":"a","iss":false,"sub":-0,"jti":"\u0000","nonce":1.5}"#,
            "{\"x\":\"\u{1f}\"}",
            "{\"x\":\"\u{7f}\"}",
            r#"{"a":{"b":[1,{"c":[]}]},"exp":5}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            "{\"a\":1}\u{0}",
        ] {
            same_as_serde(text);
        }
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
