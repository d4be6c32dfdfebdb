//! JSON from tokens: the header and the claims set are JSON objects (RFC 7515 §4, RFC 7519 §7.2), and nothing
//! else may stand in for one.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array, filling the fields in order, so
//! `["HS256","JWT"]` would read as `{"alg":"HS256","typ":"JWT"}`. A struct read from a token goes through
//! [`object`], which offers the struct a map and nothing else, or is filled member by member from [`members`] (the
//! claims set) or [`distinct_members`] (the JWE header, a DPoP proof), which read objects only.

use std::borrow::Cow;
use std::collections::HashSet;
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
    opens_with(text, b'{')
}

/// Whether the first thing in `text` after JSON whitespace is `byte` (`[` an array, `"` a string, ...).
pub fn opens_with(text: &str, byte: u8) -> bool {
    text.bytes().find(|&b| !is_whitespace(b)) == Some(byte)
}

/// `text` with each lone surrogate escape (a `\ud800` without its low half, say) written as U+FFFD's escape, or
/// None when it holds none. serde_json refuses a lone surrogate in a string it builds, where `JSON.parse` keeps it
/// as a lone UTF-16 unit; with this, serde_json can read what else such a string holds. Other escapes are stepped
/// over whole, so `\\u` (a backslash, then `u`) is not read as an escape.
pub fn without_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        let escape = bytes.get(at..at + 6)?;
        let hex = &escape[2..];
        if escape[..2] != *b"\\u" || !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        hex.iter().try_fold(0u16, |unit, &digit| {
            Some(unit * 16 + (digit as char).to_digit(16)? as u16)
        })
    };
    let mut mended = String::new();
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match unit(at) {
            Some(0xD800..=0xDBFF) if matches!(unit(at + 6), Some(0xDC00..=0xDFFF)) => at += 12,
            Some(0xD800..=0xDFFF) => {
                // `at` is on a backslash, an ASCII byte, so a boundary between characters.
                mended.push_str(&text[copied..at]);
                mended.push_str("\\ufffd");
                at += 6;
                copied = at;
            }
            Some(_) => at += 6,
            None => at += 2,
        }
    }
    if copied == 0 {
        return None;
    }
    mended.push_str(&text[copied..]);
    Some(mended)
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

/// A top-level member of an object read by [`members`].
pub struct Member<'a> {
    /// The key, unescaped (by serde_json, only when it holds escapes).
    pub key: Cow<'a, str>,
    /// The exact text of the value.
    pub value: &'a str,
    /// How deeply arrays and objects nest inside the value (0 for a string, number or literal).
    pub depth: usize,
}

/// How deeply arrays and objects may nest in a member that is built from its text ([`Member::value`]): serde_json's
/// limit of 128 levels less the object's own, as when serde_json read the whole object as a struct.
pub const MEMBER_DEPTH: usize = 126;

/// Text that [`members`] refuses.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid;

/// Walks the object `text` holds (JSON whitespace around it allowed) in one pass and hands each top-level member
/// to `visit`, validating everything on the way without building anything: the grammar of RFC 8259, escapes and
/// control characters in every string, and nothing after the object. It takes exactly the texts serde_json takes
/// when it reads an object into a struct with its `IgnoredAny` for every member (no depth limit: serde_json skips
/// values with a stack of its own), which the tests in `claims.rs` check against serde_json itself. What serde_json
/// checks further in the members it builds (surrogate escapes in keys, number range, depth) is left to `visit`
/// and to serde_json on the member's text.
pub fn members<'a>(
    text: &'a str,
    mut visit: impl FnMut(Member<'a>) -> Result<(), Invalid>,
) -> Result<(), Invalid> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
        stack: Vec::new(),
    };
    scan.whitespace();
    scan.expect(b'{')?;
    scan.whitespace();
    if scan.peek() == Some(b'}') {
        scan.at += 1;
    } else {
        loop {
            let key_start = scan.at;
            let escaped = scan.string()?;
            let key = if escaped {
                Cow::Owned(
                    serde_json::from_str::<String>(&text[key_start..scan.at])
                        .map_err(|_| Invalid)?,
                )
            } else {
                Cow::Borrowed(&text[key_start + 1..scan.at - 1])
            };
            scan.whitespace();
            scan.expect(b':')?;
            scan.whitespace();
            let value_start = scan.at;
            let depth = scan.value()?;
            visit(Member {
                key,
                value: &text[value_start..scan.at],
                depth,
            })?;
            scan.whitespace();
            match scan.next() {
                Some(b',') => scan.whitespace(),
                Some(b'}') => break,
                _ => return Err(Invalid),
            }
        }
    }
    scan.whitespace();
    if scan.at == scan.bytes.len() {
        Ok(())
    } else {
        Err(Invalid)
    }
}

/// [`members`] for an object that names each member once: a name given twice is refused, however it is spelled
/// (`"kid"` and `"\u006bid"` are one name). RFC 7515 §4 and RFC 7516 §4 let a reader refuse such a header, and
/// refusing leaves nothing for readers that keep the first value and readers that keep the last to disagree on.
pub fn distinct_members<'a>(
    text: &'a str,
    mut visit: impl FnMut(Member<'a>) -> Result<(), Invalid>,
) -> Result<(), Invalid> {
    let mut names = Names::default();
    members(text, |member| {
        if !names.insert(member.key.clone()) {
            return Err(Invalid);
        }
        visit(member)
    })
}

/// The member names seen so far: compared one by one while they are few (a header has a handful, and a short
/// list costs less than hashing), hashed beyond, so that an object of many members takes linear time.
#[derive(Default)]
struct Names<'a> {
    few: Vec<Cow<'a, str>>,
    many: HashSet<Cow<'a, str>>,
}

impl<'a> Names<'a> {
    const FEW: usize = 16;

    /// Whether `name` is new.
    #[inline(always)]
    fn insert(&mut self, name: Cow<'a, str>) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&name) {
                return false;
            }
            if self.few.len() < Self::FEW {
                self.few.push(name);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(name)
    }
}

struct Scan<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The arrays (`[`) and objects (`{`) open inside the current value.
    stack: Vec<u8>,
}

// Every step is inlined into `value` and `members`: the scan is a tight loop over short strings and numbers, where a
// call per string cost about a sixth of its time.
impl Scan<'_> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Result<(), Invalid> {
        if self.next() == Some(byte) {
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    #[inline(always)]
    fn whitespace(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.at += 1;
        }
    }

    /// A string, from its opening quote past its closing one: whether it holds escapes.
    #[inline(always)]
    fn string(&mut self) -> Result<bool, Invalid> {
        self.expect(b'"')?;
        let mut escaped = false;
        loop {
            self.at = special_byte(self.bytes, self.at);
            match self.next() {
                Some(b'"') => return Ok(escaped),
                Some(b'\\') => {
                    escaped = true;
                    match self.next() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u') => {
                            let hex = self.bytes.get(self.at..self.at + 4).ok_or(Invalid)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(Invalid);
                            }
                            self.at += 4;
                        }
                        _ => return Err(Invalid),
                    }
                }
                // A control character, or the end of the text.
                _ => return Err(Invalid),
            }
        }
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; what follows is the container's to judge.
    #[inline(always)]
    fn number(&mut self) -> Result<(), Invalid> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.next() {
            Some(b'0') => {
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(Invalid);
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Invalid),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn literal(&mut self, word: &[u8]) -> Result<(), Invalid> {
        if self.bytes[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    /// An object's key and colon, before its value.
    #[inline(always)]
    fn key(&mut self) -> Result<(), Invalid> {
        self.string()?;
        self.whitespace();
        self.expect(b':')?;
        self.whitespace();
        Ok(())
    }

    /// A value, without recursion (arrays and objects on `stack`): how deeply they nest in it.
    #[inline(always)]
    fn value(&mut self) -> Result<usize, Invalid> {
        let mut depth = 0;
        loop {
            // A value starts here.
            match self.peek() {
                Some(b'"') => {
                    self.string()?;
                }
                Some(open @ (b'[' | b'{')) => {
                    self.at += 1;
                    self.stack.push(open);
                    depth = depth.max(self.stack.len());
                    self.whitespace();
                    let close = if open == b'[' { b']' } else { b'}' };
                    if self.peek() == Some(close) {
                        self.at += 1;
                        self.stack.pop();
                    } else {
                        if open == b'{' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return Err(Invalid),
            }
            // After a value: close containers until another value is due, or the outermost one is done.
            loop {
                let Some(&open) = self.stack.last() else {
                    return Ok(depth);
                };
                self.whitespace();
                match (self.next(), open) {
                    (Some(b','), _) => {
                        self.whitespace();
                        if open == b'{' {
                            self.key()?;
                        }
                        break;
                    }
                    (Some(b']'), b'[') | (Some(b'}'), b'{') => {
                        self.stack.pop();
                    }
                    _ => return Err(Invalid),
                }
            }
        }
    }
}

/// The index of the first `"`, `\` or control character at or after `at` (the length of `bytes` if none), eight
/// bytes at a time: the text of a claims set is mostly inside strings.
#[inline(always)]
fn special_byte(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes of `word` below `n` (n ≤ 128) get their high bit set; above the lowest such byte there may be false
    // marks (borrows), so only the lowest mark is used.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * n as u64) & !word & HIGH;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let marks = below(word ^ (ONES * b'"' as u64), 1)
            | below(word ^ (ONES * b'\\' as u64), 1)
            | below(word, 0x20);
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogate_escapes_are_written_as_u_fffd() {
        for (text, mended) in [
            (r#""\ud800""#, Some(r#""\ufffd""#)),
            (r#""a\uDC00b\udbff""#, Some(r#""a\ufffdb\ufffd""#)),
            (r#""\ud800\ud800\udc00""#, Some(r#""\ufffd\ud800\udc00""#)),
            (r#""é\ud800é""#, Some(r#""é\ufffdé""#)),
            (r#""\ud83d\ude00""#, None),
            (r#""\\ud800""#, None),
            (r#""\u0041\n""#, None),
            (r#""\ud80""#, None),
        ] {
            assert_eq!(without_lone_surrogates(text).as_deref(), mended, "{text}");
        }
    }

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
    fn distinct_members_refuse_a_name_given_twice_however_spelled() {
        let distinct = |text: &str| distinct_members(text, |_| Ok(())).is_ok();
        assert!(distinct(r#"{"kid":"a","Kid":"b","kid ":"c"}"#));
        for text in [
            r#"{"kid":"a","kid":"b"}"#,
            r#"{"kid":"a","\u006bid":"b"}"#,
            r#"{"\u006Bid":"a","k\u0069d":"b"}"#,
            r#"{"a\/b":1,"a/b":2}"#,
            r#"{"x":{"y":1},"x":[]}"#,
        ] {
            assert!(!distinct(text), "{text}");
        }
        // A repeated name inside a member's value is that value's business.
        assert!(distinct(r#"{"epk":{"x":1,"x":2}}"#));
        // Past the names compared one by one, and at the boundary.
        for count in [Names::FEW - 1, Names::FEW, Names::FEW + 1, 1000] {
            let names: Vec<String> = (0..count).map(|i| format!("\"m{i}\":{i}")).collect();
            assert!(distinct(&format!("{{{}}}", names.join(","))), "{count}");
            for repeated in [0, count / 2, count - 1] {
                let text = format!("{{{},\"m{repeated}\":0}}", names.join(","));
                assert!(!distinct(&text), "{count} {repeated}");
            }
        }
        // What `members` refuses stays refused, and each member is visited once, in order.
        assert!(!distinct(r#"{"a":1,}"#));
        let mut seen = Vec::new();
        distinct_members(r#"{"b":1,"a":[2]}"#, |member| {
            seen.push((member.key.into_owned(), member.value));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [("b".to_owned(), "1"), ("a".to_owned(), "[2]")]);
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
