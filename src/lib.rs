//! ringjwt: JSON Web Tokens for Node.js, with the cryptography on `ring` and the token checks in Rust.
//!
//! The crate is a pure core (`algorithm` … `session`) that knows nothing of Node, and a thin `binding`
//! layer that converts JS arguments, calls one core function and maps its error.

pub mod algorithm;
pub mod base64url;
pub mod claims;
pub mod curve;
pub mod der;
pub mod dpop;
pub mod ed25519;
pub mod error;
pub mod header;
pub mod json;
pub mod jwe;
pub mod jwk;
pub mod jws;
pub mod key;
pub mod key_digest;
pub mod policy;
pub mod provider;
pub mod replay;
pub mod revocation;
pub mod session;
pub mod token;

mod binding;
