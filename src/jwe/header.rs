//! The JWE protected header (RFC 7516 §4): read from a token, or checked and completed for a new one. The header
//! is a JSON object (an array or any other JSON value is not a header) that names each member once, whichever it
//! is and however its name is spelled, and `crit` extensions are refused, as none are understood here (RFC 7516
//! §4.1.13, RFC 7515 §4.1.11).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;

use super::algorithm::{ContentEncryption, KeyManagement};
use crate::error::{Code, Error, Result};
use crate::json::{self, present};

/// The members this library reads; any other member is kept in the text and ignored.
///
/// A header is read with [`json::distinct_members`]: one pass, which refuses any name given twice (`kid` picks the
/// key, and readers that keep the first value and readers that keep the last would pick different keys). serde's
/// reading of the struct (`json::object`) is the reference the tests hold that pass to. A JWS header refuses only
/// `alg`, `typ` and `crit` twice (`src/header.rs`) and reads other members as jsonwebtoken does, the last value:
/// there a signature ties the header to its key, and `verify` must read what jsonwebtoken reads.
#[derive(Deserialize, Default, Debug, PartialEq)]
struct Members {
    #[serde(default, deserialize_with = "present")]
    alg: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    enc: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    zip: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    epk: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    apu: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    apv: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    iv: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    tag: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    p2s: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    p2c: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    cty: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    typ: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    crit: Option<Value>,
}

/// A header as read from a token, its values checked for type but not yet against any policy.
pub struct Header {
    pub alg: Option<KeyManagement>,
    pub enc: Option<ContentEncryption>,
    pub zip: Option<Value>,
    pub epk: Option<Value>,
    pub apu: Vec<u8>,
    pub apv: Vec<u8>,
    pub iv: Option<Vec<u8>>,
    pub tag: Option<Vec<u8>>,
    pub p2s: Option<Vec<u8>>,
    pub p2c: Option<Value>,
    /// `cty` says the payload is itself a JWT (a nested token, RFC 7519 §5.2).
    pub nested: bool,
    /// `typ`, as read: what a policy's explicit type is checked against (RFC 8725 §3.11).
    pub typ: Option<Value>,
}

fn header_invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    Error::new(Code::JweHeaderInvalid, message)
}

impl Members {
    fn slot(&mut self, name: &str) -> Option<&mut Option<Value>> {
        Some(match name {
            "alg" => &mut self.alg,
            "enc" => &mut self.enc,
            "zip" => &mut self.zip,
            "epk" => &mut self.epk,
            "apu" => &mut self.apu,
            "apv" => &mut self.apv,
            "iv" => &mut self.iv,
            "tag" => &mut self.tag,
            "p2s" => &mut self.p2s,
            "p2c" => &mut self.p2c,
            "cty" => &mut self.cty,
            "typ" => &mut self.typ,
            "crit" => &mut self.crit,
            _ => return None,
        })
    }

    /// Reads `text` in one pass, building only the members above (with serde_json, from their text). Refused: text
    /// that is not a JSON object, a name given twice, and what serde_json refuses in a member it builds (nesting
    /// too deep, a number out of range, a lone surrogate escape).
    fn scan(text: &str) -> std::result::Result<Self, json::Invalid> {
        let mut members = Self::default();
        json::distinct_members(text, |member| {
            let Some(slot) = members.slot(&member.key) else {
                return Ok(());
            };
            if member.depth > json::MEMBER_DEPTH {
                return Err(json::Invalid);
            }
            *slot = Some(serde_json::from_str(member.value).map_err(|_| json::Invalid)?);
            Ok(())
        })?;
        Ok(members)
    }
}

fn members(text: &str) -> Result<Members> {
    Members::scan(text).map_err(|_| Error::malformed())
}

fn base64_member(name: &str, value: Option<Value>) -> Result<Option<Vec<u8>>> {
    match value {
        None => Ok(None),
        Some(Value::String(text)) => B64
            .decode(text)
            .map(Some)
            .map_err(|_| header_invalid(format!("\"{name}\" must be a base64url string"))),
        Some(_) => Err(header_invalid(format!(
            "\"{name}\" must be a base64url string"
        ))),
    }
}

fn is_jwt_content_type(value: &Option<Value>) -> bool {
    matches!(value, Some(Value::String(cty))
        if cty.eq_ignore_ascii_case("JWT") || cty.eq_ignore_ascii_case("application/jwt"))
}

/// Reads the protected header of a token. `alg` and `enc` are `None` when absent, not strings or unknown: the
/// caller reports them as outside its allow-lists.
pub fn read(text: &str) -> Result<Header> {
    let m = members(text)?;
    if m.crit.is_some() {
        return Err(header_invalid(
            "\"crit\" names extensions this library does not process, so the token is refused",
        ));
    }
    let name = |value: &Option<Value>| value.as_ref().and_then(Value::as_str).map(str::to_owned);
    Ok(Header {
        alg: name(&m.alg).as_deref().and_then(KeyManagement::parse),
        enc: name(&m.enc).as_deref().and_then(ContentEncryption::parse),
        nested: is_jwt_content_type(&m.cty),
        typ: m.typ,
        zip: m.zip,
        epk: m.epk,
        apu: base64_member("apu", m.apu)?.unwrap_or_default(),
        apv: base64_member("apv", m.apv)?.unwrap_or_default(),
        iv: base64_member("iv", m.iv)?,
        tag: base64_member("tag", m.tag)?,
        p2s: base64_member("p2s", m.p2s)?,
        p2c: m.p2c,
    })
}

/// The party info a sender's header carries (`apu`, `apv`, RFC 7518 §4.6.1.2–3), for the key derivation.
pub struct PartyInfo {
    pub apu: Vec<u8>,
    pub apv: Vec<u8>,
}

fn option_error(message: String) -> Error {
    Error::new(Code::InvalidOption, message)
}

/// Checks the header JSON a caller wants on a new token: an object naming this `alg` and `enc` (and `zip` when
/// compressing), without the members encryption generates or `crit`.
pub fn check_for_encryption(
    text: &str,
    alg: KeyManagement,
    enc: ContentEncryption,
    zip: bool,
) -> Result<PartyInfo> {
    let m = members(text).map_err(|_| option_error("\"header\" must be a JSON object".into()))?;
    if m.alg.as_ref().and_then(Value::as_str) != Some(alg.name()) {
        return Err(option_error(format!(
            "\"header\" must have \"alg\": \"{alg}\""
        )));
    }
    if m.enc.as_ref().and_then(Value::as_str) != Some(enc.name()) {
        return Err(option_error(format!(
            "\"header\" must have \"enc\": \"{enc}\""
        )));
    }
    let zip_ok = match &m.zip {
        None => !zip,
        Some(Value::String(value)) => zip && value == "DEF",
        Some(_) => false,
    };
    if !zip_ok {
        return Err(option_error(
            "\"zip\" is set by the \"zip\" option only".into(),
        ));
    }
    for (name, value) in [
        ("epk", &m.epk),
        ("iv", &m.iv),
        ("tag", &m.tag),
        ("p2s", &m.p2s),
        ("p2c", &m.p2c),
    ] {
        if value.is_some() {
            return Err(option_error(format!(
                "\"header\" must not set \"{name}\": encryption generates it"
            )));
        }
    }
    if m.crit.is_some() {
        return Err(option_error(
            "\"header\" must not set \"crit\": no extensions are supported".into(),
        ));
    }
    let party = |name: &str, value: Option<Value>| {
        base64_member(name, value)
            .map_err(|_| option_error(format!("\"{name}\" must be a base64url string")))
    };
    Ok(PartyInfo {
        apu: party("apu", m.apu)?.unwrap_or_default(),
        apv: party("apv", m.apv)?.unwrap_or_default(),
    })
}

/// The caller's header with the generated members (`"name":value` pairs, comma-separated) added at the end.
pub fn with_members(header: &str, generated: &str) -> String {
    if generated.is_empty() {
        return header.to_owned();
    }
    let body = header.trim_end();
    let body = body.strip_suffix('}').unwrap_or(body).trim_end();
    let separator = if body.ends_with('{') { "" } else { "," };
    format!("{body}{separator}{generated}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwe::algorithm::AesSize;

    #[test]
    fn only_objects_are_headers() {
        for text in [
            r#"["dir","A128GCM"]"#,
            "\"dir\"",
            "null",
            "{",
            r#"{"alg":"dir","alg":"dir"}"#,
        ] {
            assert_eq!(read(text).err().unwrap().code, Code::Malformed, "{text}");
        }
    }

    #[test]
    fn each_member_is_named_once_however_spelled() {
        let base = r#""alg":"dir","enc":"A128GCM""#;
        assert!(read(&format!(r#"{{{base},"kid":"a","x-custom":1}}"#)).is_ok());
        for repeated in [
            r#""kid":"a","kid":"b""#,
            r#""kid":"a","kid":"a""#,
            r#""kid":"a","\u006bid":"b""#,
            r#""k\u0069d":"a","kid":"b""#,
            r#""jku":"https://a.example","jku":"https://b.example""#,
            r#""jwk":{},"jwk":{}"#,
            r#""x5u":"a","x5u":"b""#,
            r#""x5c":[],"x5c":["a"]"#,
            r#""x5t#S256":"a","x5t#S256":"b""#,
            r#""nonce":"a","nonce":"b""#,
            r#""x-custom":1,"x-custom":2"#,
            r#""cty":"JWT","cty":"json""#,
            r#""\u0065nc":"A128GCM""#,
        ] {
            let err = read(&format!("{{{base},{repeated}}}")).err().unwrap();
            assert_eq!(
                (err.code, err.message.as_ref()),
                (Code::Malformed, "invalid token"),
                "{repeated}"
            );
        }
    }

    /// Header names, then (after `|`) names serde_json refuses.
    const HEADER_NAMES: &[&str] = &[
        "alg",
        "enc",
        "zip",
        "epk",
        "apu",
        "apv",
        "iv",
        "tag",
        "p2s",
        "p2c",
        "cty",
        "typ",
        "crit",
        "kid",
        "x5c",
        r"\u0061lg",
        r"e\u006ec",
        r"\u006bid",
        "x",
        "",
        "ALG",
        "alg ",
        r"a\\b",
        "|",
        r"\ud800",
        r"\u00",
        "\u{1}",
        r"\q",
    ];

    #[test]
    fn the_one_pass_reading_takes_and_refuses_what_serde_does_but_repeated_names() {
        let (mut taken, mut repeated, mut refused) = (0, 0, 0);
        for text in
            crate::claims::tests::objects_and_edits(0x2545_f491_4f6c_dd1d, 20_000, HEADER_NAMES)
        {
            let reference = json::object::<Members>(&text).ok();
            let scanned = Members::scan(&text).ok();
            let names_twice = json::members(&text, |_| Ok(())).is_ok()
                && json::distinct_members(&text, |_| Ok(())).is_err();
            if names_twice {
                assert_eq!(scanned, None, "{text:?}");
                repeated += 1;
                continue;
            }
            assert_eq!(scanned, reference, "{text:?}");
            if scanned.is_some() {
                taken += 1;
            } else {
                refused += 1;
            }
        }
        assert!(
            taken > 5_000 && repeated > 200 && refused > 5_000,
            "{taken} taken, {repeated} with a name repeated, {refused} refused"
        );
        // serde_json's nesting limit, in a member that is built and in one that is skipped.
        for levels in 120..=130 {
            for name in ["epk", "x"] {
                for (open, close) in [("[", "]"), (r#"{"a":"#, "}")] {
                    let nested = format!("{}1{}", open.repeat(levels), close.repeat(levels));
                    let text = format!(r#"{{"{name}":{nested}}}"#);
                    assert_eq!(
                        Members::scan(&text).ok(),
                        json::object::<Members>(&text).ok(),
                        "{name} {levels}"
                    );
                }
            }
        }
    }

    #[test]
    fn crit_is_refused() {
        let err = read(r#"{"alg":"dir","enc":"A128GCM","crit":["exp"],"exp":1}"#)
            .err()
            .unwrap();
        assert_eq!(err.code, Code::JweHeaderInvalid);
    }

    #[test]
    fn unknown_names_are_none_and_nested_is_read() {
        let h = read(r#"{"alg":"RSA-OAEP","enc":"A999GCM","cty":"jwt"}"#).unwrap();
        assert_eq!(h.alg, Some(KeyManagement::RsaOaep));
        assert_eq!(h.enc, None);
        assert!(h.nested);
        assert!(read(r#"{"alg":1,"enc":"A128GCM"}"#).unwrap().alg.is_none());
        assert_eq!(
            read(r#"{"alg":"dir","iv":5}"#).err().unwrap().code,
            Code::JweHeaderInvalid
        );
    }

    #[test]
    fn encryption_headers_are_checked_and_completed() {
        let alg = KeyManagement::EcdhEsKw(AesSize::A128);
        let enc = ContentEncryption::Gcm(AesSize::A128);
        let info = check_for_encryption(
            r#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM","apu":"QWxpY2U"}"#,
            alg,
            enc,
            false,
        )
        .unwrap();
        assert_eq!(info.apu, b"Alice");
        for bad in [
            r#"{"alg":"dir","enc":"A128GCM"}"#,
            r#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM","epk":{}}"#,
            r#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM","zip":"DEF"}"#,
            r#"{"alg":"ECDH-ES+A128KW","enc":"A128GCM","crit":["x"]}"#,
            r#"["ECDH-ES+A128KW","A128GCM"]"#,
        ] {
            assert_eq!(
                check_for_encryption(bad, alg, enc, false)
                    .err()
                    .unwrap()
                    .code,
                Code::InvalidOption,
                "{bad}"
            );
        }
        assert_eq!(
            with_members(r#"{"alg":"x"}"#, r#""p2c":1"#),
            r#"{"alg":"x","p2c":1}"#
        );
        assert_eq!(with_members(r#"{"alg":"x"}"#, ""), r#"{"alg":"x"}"#);
    }
}
