//! JSON Web Encryption (RFC 7516) with the algorithms of RFC 7518: one module per concept, and `token` tying
//! them into compact tokens.

pub mod algorithm;
pub mod compression;
pub mod content;
pub mod ecdh;
pub mod header;
pub mod key;
pub mod keywrap;
pub mod pbes2;
pub mod random;
pub mod rsa;
pub mod token;

pub use algorithm::{
    AesSize, ContentEncryption, ContentEncryptionSet, KeyManagement, KeyManagementSet,
};
pub use key::{Direction, EcdhCurve, JweKey};
pub use token::{
    check_before_key, decrypt, decrypt_and_check, encrypt, DecryptPolicy, Decrypted,
    EncryptOptions, Opened, Payload,
};

#[cfg(test)]
mod vectors;

/// Hex test vectors (RFC 3394, RFC 7518 Appendix B) as bytes.
#[cfg(test)]
fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
