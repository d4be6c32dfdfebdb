//! The napi layer: argument conversion and error mapping only; the work happens in the core modules.

mod bound;
mod boundary;
mod cancellation;
mod dpop;
mod error;
mod jwe;
mod key;
mod revocation;
mod session;
mod signer;
mod text;
mod verifier;

#[napi_derive::module_init]
fn init() {
    crate::provider::install();
}
