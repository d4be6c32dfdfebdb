//! Which library runs each JWE primitive, measured rather than assumed (as for signing). Run with
//! `cargo bench --bench jwe_backends`; docs/encrypted-tokens.md quotes the figures.

use std::hint::black_box;
use std::time::Instant;

fn time(label: &str, iterations: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let micros = start.elapsed().as_secs_f64() * 1e6 / f64::from(iterations);
    println!("{label:<44} {micros:>9.3} µs");
    micros
}

fn main() {
    let plaintext = vec![7u8; 256];
    let rng = ring::rand::SystemRandom::new();
    for (name, ring_alg, lc_alg, len) in [
        (
            "AES-128-GCM",
            &ring::aead::AES_128_GCM,
            &aws_lc_rs::aead::AES_128_GCM,
            16,
        ),
        (
            "AES-256-GCM",
            &ring::aead::AES_256_GCM,
            &aws_lc_rs::aead::AES_256_GCM,
            32,
        ),
    ] {
        let key = vec![1u8; len];
        time(
            &format!("{name} key setup + seal 256 B, ring"),
            200_000,
            || {
                let k = ring::aead::LessSafeKey::new(
                    ring::aead::UnboundKey::new(ring_alg, &key).unwrap(),
                );
                let mut buf = plaintext.clone();
                let nonce = ring::aead::Nonce::assume_unique_for_key([0u8; 12]);
                let _ = black_box(
                    k.seal_in_place_separate_tag(nonce, ring::aead::Aad::from(b"aad"), &mut buf)
                        .unwrap(),
                );
            },
        );
        time(
            &format!("{name} key setup + seal 256 B, AWS-LC"),
            200_000,
            || {
                let k = aws_lc_rs::aead::LessSafeKey::new(
                    aws_lc_rs::aead::UnboundKey::new(lc_alg, &key).unwrap(),
                );
                let mut buf = plaintext.clone();
                let nonce = aws_lc_rs::aead::Nonce::assume_unique_for_key([0u8; 12]);
                let _ = black_box(
                    k.seal_in_place_separate_tag(
                        nonce,
                        aws_lc_rs::aead::Aad::from(b"aad"),
                        &mut buf,
                    )
                    .unwrap(),
                );
            },
        );
    }
    let key = vec![1u8; 32];
    time("HMAC-SHA-256 256 B, ring", 200_000, || {
        black_box(ring::hmac::sign(
            &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
            &plaintext,
        ));
    });
    time("HMAC-SHA-256 256 B, AWS-LC", 200_000, || {
        let k = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key);
        black_box(aws_lc_rs::hmac::sign(&k, &plaintext));
    });
    for (name, ring_alg, lc_alg) in [
        (
            "P-256",
            &ring::agreement::ECDH_P256,
            &aws_lc_rs::agreement::ECDH_P256,
        ),
        (
            "P-384",
            &ring::agreement::ECDH_P384,
            &aws_lc_rs::agreement::ECDH_P384,
        ),
        (
            "X25519",
            &ring::agreement::X25519,
            &aws_lc_rs::agreement::X25519,
        ),
    ] {
        let peer = aws_lc_rs::agreement::PrivateKey::generate(lc_alg).unwrap();
        let peer_public = peer.compute_public_key().unwrap().as_ref().to_vec();
        time(
            &format!("ECDH-ES {name} ephemeral + agree, ring"),
            5_000,
            || {
                let eph = ring::agreement::EphemeralPrivateKey::generate(ring_alg, &rng).unwrap();
                black_box(eph.compute_public_key().unwrap());
                let public = ring::agreement::UnparsedPublicKey::new(ring_alg, &peer_public);
                black_box(ring::agreement::agree_ephemeral(eph, &public, |z| z.to_vec()).unwrap());
            },
        );
        time(
            &format!("ECDH-ES {name} ephemeral + agree, AWS-LC"),
            5_000,
            || {
                let eph = aws_lc_rs::agreement::PrivateKey::generate(lc_alg).unwrap();
                black_box(eph.compute_public_key().unwrap());
                let public = aws_lc_rs::agreement::UnparsedPublicKey::new(lc_alg, &peer_public);
                black_box(
                    aws_lc_rs::agreement::agree(&eph, public, (), |z| Ok(z.to_vec())).unwrap(),
                );
            },
        );
    }
    let count = std::num::NonZeroU32::new(10_000).unwrap();
    time("PBKDF2-HMAC-SHA-256 x10000, ring", 200, || {
        let mut out = [0u8; 16];
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            count,
            b"salt",
            b"password",
            &mut out,
        );
        black_box(out);
    });
    time("PBKDF2-HMAC-SHA-256 x10000, AWS-LC", 200, || {
        let mut out = [0u8; 16];
        aws_lc_rs::pbkdf2::derive(
            aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
            count,
            b"salt",
            b"password",
            &mut out,
        );
        black_box(out);
    });
}
