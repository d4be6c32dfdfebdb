//! Keyed digests of key material, by which the JS layer finds a key it has already parsed when the same bytes
//! arrive in a new object (a Buffer decoded per request, a KeyObject made per call).
//!
//! SHA-256 over a random 32-byte prefix drawn once per process: a digest holds no copy of the secret, cannot be
//! computed outside the process (so no one can choose two keys that share one), and a lookup by it, whose time
//! depends on the digest, tells nothing about the secret's bytes. Digests never leave the process, so the prefix
//! construction's length extension gives nothing to anyone; it costs half an HMAC's hashing.

use std::sync::LazyLock;

use ring::digest::{Context, SHA256};
use ring::rand::SecureRandom;

use crate::key::RNG;

static PREFIX: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut prefix = [0u8; 32];
    RNG.fill(&mut prefix)
        .expect("the system's random number generator failed");
    prefix
});

/// The digest of `context` (what the bytes are: a form and its options, never secret), `key` and `extra` (a
/// passphrase, or empty). Each part is preceded by its length, so no two different triples hash the same input.
pub fn key_digest(context: &[u8], key: &[u8], extra: &[u8]) -> [u8; 32] {
    let mut ctx = Context::new(&SHA256);
    ctx.update(&*PREFIX);
    for part in [context, key, extra] {
        ctx.update(&(part.len() as u64).to_le_bytes());
        ctx.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::key_digest;

    #[test]
    fn same_input_same_digest() {
        assert_eq!(
            key_digest(b"bytes", b"secret", b""),
            key_digest(b"bytes", b"secret", b"")
        );
    }

    #[test]
    fn boundaries_are_part_of_the_input() {
        assert_ne!(key_digest(b"a", b"bc", b""), key_digest(b"ab", b"c", b""));
        assert_ne!(
            key_digest(b"", b"key", b"pass"),
            key_digest(b"", b"keyp", b"ass")
        );
        assert_ne!(
            key_digest(b"bytes", b"secret", b""),
            key_digest(b"object", b"secret", b"")
        );
    }
}
