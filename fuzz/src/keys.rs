//! The fixed keys of the verify and JWE targets (written by `fuzz/seeds.js` with node:crypto, as DER), and the
//! encrypted tokens made with them.

use ringjwt::algorithm::Algorithm;
use ringjwt::key::Key;

pub const HS256_SECRET: &[u8] = b"ringjwt fuzzing secret, 32 bytes";
pub const RSA_PKCS8: &[u8] = include_bytes!("../keys/rsa-2048.pkcs8.der");
pub const RSA_SPKI: &[u8] = include_bytes!("../keys/rsa-2048.spki.der");
pub const P256_PKCS8: &[u8] = include_bytes!("../keys/p256.pkcs8.der");
pub const P256_SPKI: &[u8] = include_bytes!("../keys/p256.spki.der");
pub const ED25519_PKCS8: &[u8] = include_bytes!("../keys/ed25519.pkcs8.der");
pub const ED25519_SPKI: &[u8] = include_bytes!("../keys/ed25519.spki.der");

/// The `dir` secret (A256GCM's key size) and the A128KW key-encryption key.
pub const DIR_SECRET: &[u8; 32] = b"ringjwt fuzzing dir secret 256b!";
pub const A128KW_SECRET: &[u8; 16] = b"fuzz A128KW kek!";

/// Every token in the JWE seed corpus, one per line: with the keys above, these and only these decrypt.
pub const JWE_TOKENS: &str = include_str!("../keys/jwe-tokens.txt");

/// A signing algorithm of the verify target with its keys.
pub struct Signing {
    pub alg: Algorithm,
    pub private: Key,
    pub public: Key,
}

impl Signing {
    pub fn all() -> Vec<Signing> {
        let pair = |alg, private: &[u8], public: &[u8]| Signing {
            alg,
            private: Key::from_pkcs8(private).expect("fixed private key"),
            public: Key::from_spki(public).expect("fixed public key"),
        };
        vec![
            Signing {
                alg: Algorithm::HS256,
                private: Key::secret(HS256_SECRET),
                public: Key::secret(HS256_SECRET),
            },
            pair(Algorithm::RS256, RSA_PKCS8, RSA_SPKI),
            pair(Algorithm::ES256, P256_PKCS8, P256_SPKI),
            pair(Algorithm::EdDSA, ED25519_PKCS8, ED25519_SPKI),
        ]
    }
}
