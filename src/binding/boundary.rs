//! Probes that measure the cost of crossing the napi boundary: a payload passed as a JS object (napi reads every
//! property into a `serde_json::Value`) against the same payload as JSON text. Both functions of a pair do the
//! same work in Rust, so `benchmark/boundary.js` times only the crossing. Not part of the public API: `index.js`
//! does not export them; they are reachable only on the native module.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use napi::{Error, Result, Status};
use napi_derive::napi;
use serde_json::Value;

fn invalid(err: impl std::fmt::Display) -> Error {
    Error::new(Status::InvalidArg, err.to_string())
}

/// What verification has to do with a payload segment before it can check claims: decode and parse it.
fn parse_segment(segment: &str) -> Result<(Vec<u8>, Value)> {
    let bytes = B64.decode(segment).map_err(invalid)?;
    let value = serde_json::from_slice(&bytes).map_err(invalid)?;
    Ok((bytes, value))
}

/// In, as an object: napi reads each property; the value is serialised and base64url-encoded, as a signer would.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn boundary_object_in(payload: Value) -> Result<String> {
    let bytes = serde_json::to_vec(&payload).map_err(invalid)?;
    Ok(B64.encode(bytes))
}

/// In, as JSON text (from `JSON.stringify` in JS): base64url-encoded as it is.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn boundary_string_in(json: String) -> String {
    B64.encode(json)
}

/// Out, as an object: a base64url payload segment decoded and parsed, then built as a JS object by napi.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn boundary_object_out(segment: String) -> Result<Value> {
    parse_segment(&segment).map(|(_, value)| value)
}

/// Out, as JSON text: decoded and parsed the same way, and returned as text for `JSON.parse` in JS.
#[cfg_attr(test, allow(dead_code))]
#[napi(catch_unwind)]
pub fn boundary_string_out(segment: String) -> Result<String> {
    let (bytes, _) = parse_segment(&segment)?;
    String::from_utf8(bytes).map_err(invalid)
}
