//! Where encryption gets its randomness. Production draws every byte from the system generator; the tests
//! substitute fixed values to reproduce the RFC examples byte for byte.

use aws_lc_rs::agreement::PrivateKey;
use ring::rand::SecureRandom;

use super::key::EcdhCurve;
use crate::error::{Code, Error, Result};

/// What a run of random bytes is for, so a fixed source can hand each its own value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ContentKey,
    ContentIv,
    /// The 96-bit IV of AES-GCM key wrapping.
    WrapIv,
    /// The PBES2 salt input (`p2s`).
    Salt,
}

pub trait Entropy {
    fn fill(&self, purpose: Purpose, dest: &mut [u8]) -> Result<()>;

    /// A fresh ephemeral key pair for ECDH-ES.
    fn ephemeral(&self, curve: EcdhCurve) -> Result<PrivateKey>;
}

fn unavailable() -> Error {
    Error::new(Code::KeyUnsupported, "no randomness available")
}

/// The operating system's generator (through ring) and AWS-LC's key generation.
pub struct SystemEntropy;

impl Entropy for SystemEntropy {
    fn fill(&self, _purpose: Purpose, dest: &mut [u8]) -> Result<()> {
        crate::key::RNG.fill(dest).map_err(|_| unavailable())
    }

    fn ephemeral(&self, curve: EcdhCurve) -> Result<PrivateKey> {
        PrivateKey::generate(curve.agreement()).map_err(|_| unavailable())
    }
}

#[cfg(test)]
pub mod fixed {
    //! A source that returns the values an RFC example fixes.
    use super::*;

    #[derive(Default)]
    pub struct FixedEntropy {
        pub content_key: Vec<u8>,
        pub content_iv: Vec<u8>,
        pub wrap_iv: Vec<u8>,
        pub salt: Vec<u8>,
        /// The ephemeral private key as its raw scalar (EC) or 32 bytes (X25519).
        pub ephemeral: Vec<u8>,
    }

    impl Entropy for FixedEntropy {
        fn fill(&self, purpose: Purpose, dest: &mut [u8]) -> Result<()> {
            let source = match purpose {
                Purpose::ContentKey => &self.content_key,
                Purpose::ContentIv => &self.content_iv,
                Purpose::WrapIv => &self.wrap_iv,
                Purpose::Salt => &self.salt,
            };
            assert_eq!(
                source.len(),
                dest.len(),
                "fixed {purpose:?} has the wrong length"
            );
            dest.copy_from_slice(source);
            Ok(())
        }

        fn ephemeral(&self, curve: EcdhCurve) -> Result<PrivateKey> {
            Ok(PrivateKey::from_private_key(curve.agreement(), &self.ephemeral).unwrap())
        }
    }
}
