//! Ed25519 signature verification (RFC 8032 §5.1.7), on the fastest backend this build and this CPU have.
//!
//! - `ed25519-dalek` with curve25519-dalek's AVX-512 IFMA backend, where the build has it (x86-64, the
//!   `curve25519_dalek_backend="avx512"` cfg that `.cargo/config.toml` sets) and the CPU runs it: about 1.55×
//!   AWS-LC on the machine in docs/performance.md (15 µs against 24 µs per verification, key parsed once).
//! - AWS-LC otherwise: curve25519-dalek's AVX2 and 64-bit backends are 1.1× and 1.4× slower than AWS-LC there.
//!
//! Both give the same verdict for every key and signature, which the tests below check side by side: the
//! cofactorless equation `[s]B = R + [k]A` with `k = SHA-512(R || A || M)`, `s` below the group order, and `R`
//! compared as the encoding the signature holds. Both take keys of small order (RFC 8032 lets a verifier accept
//! them); neither takes a key that is not a curve point or not canonically encoded.

use aws_lc_rs::signature::{ParsedPublicKey, ED25519};

pub enum Verifier {
    #[cfg(all(target_arch = "x86_64", curve25519_dalek_backend = "avx512"))]
    Dalek(ed25519_dalek::VerifyingKey),
    AwsLc(ParsedPublicKey),
}

impl Verifier {
    /// A verifier for a raw 32-byte public key; `None` for bytes AWS-LC does not take as one.
    pub fn new(public_key: &[u8]) -> Option<Self> {
        #[cfg(all(target_arch = "x86_64", curve25519_dalek_backend = "avx512"))]
        if std::arch::is_x86_feature_detected!("avx512ifma")
            && std::arch::is_x86_feature_detected!("avx512vl")
        {
            // A key that is not a curve point stays on AWS-LC, which takes it and verifies nothing with it.
            if let Some(key) = dalek_key(public_key) {
                return Some(Self::Dalek(key));
            }
        }
        Self::aws_lc(public_key)
    }

    fn aws_lc(public_key: &[u8]) -> Option<Self> {
        ParsedPublicKey::new(&ED25519, public_key)
            .ok()
            .map(Self::AwsLc)
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            // ed25519-dalek's `Verifier::verify`: RFC 8032's check, without the small-order refusals of its
            // `verify_strict`, as AWS-LC verifies.
            #[cfg(all(target_arch = "x86_64", curve25519_dalek_backend = "avx512"))]
            Self::Dalek(key) => {
                ed25519_dalek::Signature::from_slice(signature).is_ok_and(|signature| {
                    ed25519_dalek::Verifier::verify(key, message, &signature).is_ok()
                })
            }
            Self::AwsLc(key) => key.verify_sig(message, signature).is_ok(),
        }
    }
}

#[cfg(all(target_arch = "x86_64", curve25519_dalek_backend = "avx512"))]
fn dalek_key(public_key: &[u8]) -> Option<ed25519_dalek::VerifyingKey> {
    let bytes: &[u8; 32] = public_key.try_into().ok()?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).ok()?;
    // AWS-LC (s2n-bignum's decoder, on the CPUs this backend runs on) refuses an encoding that is not the
    // canonical one (y ≥ p, or x = 0 with the sign bit set), where curve25519-dalek reduces it: such a key stays
    // on AWS-LC, which verifies nothing with it.
    (key.to_edwards().compress().as_bytes() == bytes).then_some(key)
}

/// The two backends side by side. Each key is given to both; where ed25519-dalek takes it, both must give the
/// same verdict on every signature; where it does not (not a curve point), `Verifier::new` keeps AWS-LC, which
/// must then verify no signature with it.
#[cfg(all(test, target_arch = "x86_64", curve25519_dalek_backend = "avx512"))]
mod tests {
    use super::*;
    use ring::rand::{SecureRandom, SystemRandom};
    use ring::signature::{Ed25519KeyPair, KeyPair};

    /// The group order L, little-endian.
    const ORDER: [u8; 32] =
        hex32("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    /// Encodings of the eight points of small order, then non-canonical encodings of some of them (y ≥ p, or
    /// x = 0 with the sign bit set), which RFC 8032 asks a verifier to refuse.
    const SMALL_ORDER: [[u8; 32]; 12] = [
        hex32("0100000000000000000000000000000000000000000000000000000000000000"),
        hex32("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        hex32("0000000000000000000000000000000000000000000000000000000000000000"),
        hex32("0000000000000000000000000000000000000000000000000000000000000080"),
        hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
        hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
        hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
        hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
        hex32("0100000000000000000000000000000000000000000000000000000000000080"),
        hex32("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        hex32("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
        hex32("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ];

    const fn hex32(text: &str) -> [u8; 32] {
        let text = text.as_bytes();
        let mut out = [0; 32];
        let mut i = 0;
        while i < 32 {
            out[i] = (nibble(text[2 * i]) << 4) | nibble(text[2 * i + 1]);
            i += 1;
        }
        out
    }

    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            _ => c - b'a' + 10,
        }
    }

    /// `s + L`, little-endian: the same scalar, encoded out of range (the malleability RFC 8032 forbids).
    fn plus_order(s: &[u8]) -> Vec<u8> {
        let mut carry = 0u16;
        let mut out = vec![0; 32];
        for i in 0..32 {
            let sum = s[i] as u16 + ORDER[i] as u16 + carry;
            out[i] = sum as u8;
            carry = sum >> 8;
        }
        out
    }

    /// The verdict of each backend; `None` where it does not take the key.
    fn verdicts(public_key: &[u8], message: &[u8], signature: &[u8]) -> (Option<bool>, bool) {
        let dalek =
            dalek_key(public_key).map(|key| Verifier::Dalek(key).verify(message, signature));
        let aws_lc = Verifier::aws_lc(public_key).is_some_and(|key| key.verify(message, signature));
        (dalek, aws_lc)
    }

    fn agree(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let (dalek, aws_lc) = verdicts(public_key, message, signature);
        match dalek {
            Some(verdict) => {
                assert_eq!(verdict, aws_lc, "{public_key:?} {message:?} {signature:?}")
            }
            None => assert!(
                !aws_lc,
                "AWS-LC verified with a key that is not a point: {public_key:?}"
            ),
        }
        aws_lc
    }

    #[test]
    fn the_backends_agree_on_real_signatures_and_their_alterations() {
        let rng = SystemRandom::new();
        for length in [0usize, 1, 111, 1700] {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
            let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
            let public_key = pair.public_key().as_ref();
            let mut message = vec![0; length];
            rng.fill(&mut message).unwrap();
            let signature = pair.sign(&message).as_ref().to_vec();
            assert!(agree(public_key, &message, &signature));
            assert!(Verifier::new(public_key)
                .unwrap()
                .verify(&message, &signature));
            // Every fifth bit, and the top bits of R and s (a debug build verifies slowly).
            for bit in (0..512).step_by(5).chain([255, 511]) {
                let mut altered = signature.clone();
                altered[bit / 8] ^= 1 << (bit % 8);
                assert!(!agree(public_key, &message, &altered));
            }
            let mut malleated = signature.clone();
            malleated[32..].copy_from_slice(&plus_order(&signature[32..]));
            assert!(!agree(public_key, &message, &malleated));
            for short in [&signature[..63], &[][..]] {
                assert!(!agree(public_key, &message, short));
            }
            if length > 0 {
                let mut other = message.clone();
                other[length / 2] ^= 0x40;
                assert!(!agree(public_key, &other, &signature));
            }
        }
    }

    #[test]
    fn the_backends_agree_on_small_order_and_non_canonical_keys() {
        let mut accepted = 0;
        let scalars = [
            [0u8; 32],
            hex32("0100000000000000000000000000000000000000000000000000000000000000"),
            ORDER,
        ];
        for public_key in SMALL_ORDER {
            for r in SMALL_ORDER {
                for s in scalars {
                    for message in [&b""[..], b"a", b"eyJhbGciOiJFZERTQSJ9.e30", &[7; 200]] {
                        let mut signature = r.to_vec();
                        signature.extend_from_slice(&s);
                        accepted += usize::from(agree(&public_key, message, &signature));
                    }
                }
            }
        }
        // The identity as key, R the identity and s = 0 verify for any message, on both.
        assert!(accepted >= 4, "{accepted}");
    }

    #[test]
    fn a_cpu_with_avx512_ifma_verifies_on_ed25519_dalek() {
        let ifma = std::arch::is_x86_feature_detected!("avx512ifma")
            && std::arch::is_x86_feature_detected!("avx512vl");
        let rng = SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let chosen = Verifier::new(pair.public_key().as_ref()).unwrap();
        assert_eq!(matches!(chosen, Verifier::Dalek(_)), ifma);
        let not_canonical = Verifier::new(&SMALL_ORDER[9]).unwrap();
        assert!(matches!(not_canonical, Verifier::AwsLc(_)));
    }

    #[test]
    fn bytes_that_are_not_a_point_verify_nothing() {
        let rng = SystemRandom::new();
        let mut refused = 0;
        for _ in 0..200 {
            let mut public_key = [0u8; 32];
            rng.fill(&mut public_key).unwrap();
            let mut signature = [0u8; 64];
            rng.fill(&mut signature).unwrap();
            signature[63] &= 0x0f;
            agree(&public_key, b"message", &signature);
            refused += usize::from(dalek_key(&public_key).is_none());
        }
        // About half of all 32-byte strings are not the encoding of a point.
        assert!(refused > 50, "{refused}");
    }
}
