//! `token::decode`: splitting and decoding a compact JWS without verifying it.
//!
//! Input: a token's text, or `0x01` + header bytes + `0x00` + payload bytes, made into a token here so that the
//! fuzzer works on the decoded bytes directly (invalid UTF-8, JSON that is not an object, duplicate members).
//!
//! Invariants:
//! - the verdict and the error code are those of the model (`model::decode`): three parts, canonical base64url,
//!   UTF-8 never replaced, a header that is a JSON object in serde_json's object model, a `typ: JWT` payload
//!   that is JSON;
//! - what decodes re-encodes to the same text: the header and payload base64url-encode to their parts, the
//!   signing input is the first two parts, the signature the third.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringjwt::token;
use ringjwt_fuzz::{b64, model, split_at_byte};

fuzz_target!(|data: &[u8]| {
    let token = match data.split_first() {
        Some((0x01, rest)) => {
            let (header, payload) = split_at_byte(rest, 0x00);
            format!("{}.{}.c2ln", b64(header), b64(payload))
        }
        _ => match std::str::from_utf8(data) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        },
    };
    let expected = model::decode(&token);
    match token::decode(&token) {
        Ok(decoded) => {
            let (header, payload) =
                expected.unwrap_or_else(|err| panic!("decoded, the model says {err:?}"));
            assert_eq!(decoded.header, header);
            assert_eq!(decoded.payload, payload);
            let parts: Vec<&str> = token.split('.').collect();
            assert_eq!(b64(decoded.header.as_bytes()), parts[0]);
            assert_eq!(b64(decoded.payload.as_bytes()), parts[1]);
            assert_eq!(decoded.signing_input, format!("{}.{}", parts[0], parts[1]));
            assert_eq!(decoded.signature, parts[2]);
            // serde_json reads the same header as an object, whenever it can read it as a Value.
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&decoded.header) {
                assert!(value.is_object());
            }
        }
        Err(err) => {
            let (code, message) = expected
                .err()
                .unwrap_or_else(|| panic!("refused ({err}), the model decodes it"));
            assert_eq!((err.code, err.message.as_ref()), (code, message), "{token}");
        }
    }
});
