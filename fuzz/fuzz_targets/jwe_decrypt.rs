//! `jwe::decrypt` and `jwe::decrypt_and_check` with fixed keys: `dir` with A256GCM, A128KW with A128CBC-HS256,
//! ECDH-ES (P-256) and RSA-OAEP with A256GCM.
//!
//! Input: a selector byte, then a token's text (the corpus holds real tokens for each key, from ringjwt and from
//! jose, compressed or not), or, with the selector's top bit set, a plaintext, `0x00` and a change (2 bytes of
//! position, 1 of character): the target encrypts the plaintext, decrypts it, then changes one character and
//! decrypts again. The selector's low bits pick the key; bit 6 compresses (`zip: "DEF"`).
//!
//! Invariants:
//! - only the seed tokens decrypt: no change to a token, in any segment, gives another token that opens
//!   (AES-GCM, AES-CBC-HMAC, AES key wrap, RSA-OAEP and ECDH-ES are all authenticated);
//! - no oracle: a token with a seed's protected header and five base64url segments either decrypts or fails with
//!   the one `ERR_JWE_DECRYPTION_FAILED`, whatever was changed (encrypted key, IV, ciphertext, tag);
//! - encrypt → decrypt gives back the plaintext (invalid UTF-8 is refused, never replaced), and one changed
//!   character makes the token fail;
//! - the claims of a decrypted token pass `decrypt_and_check` exactly when `model::claims` says they do.
#![no_main]

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ringjwt::error::Code;
use ringjwt::jwe::{
    self, AesSize, ContentEncryption, DecryptPolicy, EncryptOptions, JweKey, KeyManagement, Payload,
};
use ringjwt::policy::Policy;
use ringjwt_fuzz::keys;
use ringjwt_fuzz::model::{self, Checks};

const NOW: f64 = 1_700_000_000.0;

struct Config {
    alg: KeyManagement,
    enc: ContentEncryption,
    encrypt: JweKey,
    decrypt: JweKey,
    policy: DecryptPolicy,
    /// The seed tokens made for this key, and their protected headers.
    tokens: HashSet<String>,
    headers: HashSet<String>,
}

fn config(
    index: usize,
    alg: KeyManagement,
    enc: ContentEncryption,
    encrypt: JweKey,
    decrypt: JweKey,
) -> Config {
    let tokens: HashSet<String> = keys::JWE_TOKENS
        .lines()
        .filter_map(|line| line.split_once(' '))
        .filter(|(config, _)| config.parse() == Ok(index))
        .map(|(_, token)| token.to_owned())
        .collect();
    assert!(!tokens.is_empty(), "seed tokens for config {index}");
    Config {
        alg,
        enc,
        encrypt,
        decrypt,
        policy: DecryptPolicy {
            algorithms: [alg].into_iter().collect(),
            encryptions: ContentEncryption::ALL.into_iter().collect(),
            max_pbes2_count: None,
            max_inflated_size: Some(1 << 16),
        },
        headers: tokens
            .iter()
            .map(|t| t.split('.').next().unwrap().to_owned())
            .collect(),
        tokens,
    }
}

static CONFIGS: LazyLock<Vec<Config>> = LazyLock::new(|| {
    let gcm = ContentEncryption::Gcm(AesSize::A256);
    vec![
        config(
            0,
            KeyManagement::Dir,
            gcm,
            JweKey::secret(keys::DIR_SECRET),
            JweKey::secret(keys::DIR_SECRET),
        ),
        config(
            1,
            KeyManagement::AesKw(AesSize::A128),
            ContentEncryption::CbcHmac(AesSize::A128),
            JweKey::secret(keys::A128KW_SECRET),
            JweKey::secret(keys::A128KW_SECRET),
        ),
        config(
            2,
            KeyManagement::EcdhEs,
            gcm,
            JweKey::from_spki(keys::P256_SPKI, "ec", None).unwrap(),
            JweKey::from_pkcs8(keys::P256_PKCS8, "ec", None).unwrap(),
        ),
        config(
            3,
            KeyManagement::RsaOaep,
            gcm,
            JweKey::from_spki(keys::RSA_SPKI, "rsa", None).unwrap(),
            JweKey::from_pkcs8(keys::RSA_PKCS8, "rsa", None).unwrap(),
        ),
    ]
});

fn five_base64url_segments(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 5
        && parts
            .iter()
            .all(|part| ringjwt_fuzz::base64url_decode(part).is_some())
}

/// Decrypts `token`, checks the invariants, and returns whether it decrypted.
fn check(config: &Config, token: &str, made_here: bool) -> bool {
    let result = jwe::decrypt(token, &config.decrypt, &config.policy);
    let header = token.split('.').next().unwrap_or_default();
    match &result {
        Ok(_) => assert!(
            made_here || config.tokens.contains(token),
            "a changed token decrypted: {token}"
        ),
        // A token made here (of any plaintext) fails after its tag checked out only with its own errors.
        Err(err)
            if !made_here && config.headers.contains(header) && five_base64url_segments(token) =>
        {
            assert_eq!(err.code, Code::DecryptionFailed, "{token}");
        }
        Err(_) => {}
    }
    let Ok(decrypted) = result else {
        return false;
    };
    // The claims inside, at a fixed clock, against the model.
    let policy = Policy::default();
    let checked = jwe::decrypt_and_check(
        token,
        &config.decrypt,
        &config.policy,
        &Payload::Claims(&policy),
        NOW,
    );
    let expected = if decrypted.nested {
        Err(Code::NestedKeyRequired)
    } else {
        model::payload(&decrypted.plaintext, false)
            .and_then(|read| model::claims(&read, &Checks::default(), NOW))
    };
    assert_eq!(checked.map(|_| ()).map_err(|e| e.code), expected);
    true
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let config = &CONFIGS[usize::from(selector & 0b11)];
    if selector & 0x80 == 0 {
        if let Ok(token) = std::str::from_utf8(rest) {
            check(config, token, false);
        }
        return;
    }
    let (plaintext, change) = ringjwt_fuzz::split_at_byte(rest, 0x00);
    let zip = selector & 0x40 != 0;
    let options = EncryptOptions {
        alg: config.alg,
        enc: config.enc,
        zip,
        pbes2_count: NonZeroU32::new(1000).unwrap(),
    };
    let header = format!(
        r#"{{"alg":"{}","enc":"{}"{}}}"#,
        config.alg.name(),
        config.enc.name(),
        if zip { r#","zip":"DEF""# } else { "" }
    );
    let token = jwe::encrypt(&config.encrypt, &options, &header, plaintext)
        .expect("the fixed keys encrypt");
    match (
        jwe::decrypt(&token, &config.decrypt, &config.policy),
        std::str::from_utf8(plaintext),
    ) {
        (Ok(decrypted), Ok(text)) => {
            assert_eq!(decrypted.plaintext, text);
            // The caller's header, with the members key management adds (`epk`) at its end.
            assert!(
                decrypted.header.starts_with(header.trim_end_matches('}')),
                "{}",
                decrypted.header
            );
        }
        (Err(err), Err(_)) => assert_eq!(err.code, Code::InvalidUtf8),
        (Err(err), Ok(_)) if zip && plaintext.len() > 1 << 16 => {
            assert_eq!(err.code, Code::InflateLimit)
        }
        (result, text) => panic!("encrypted {text:?}, decrypted {result:?}"),
    }
    check(config, &token, true);
    let Some(changed) = ringjwt_fuzz::changed(&token, change) else {
        return;
    };
    assert!(
        !check(config, &changed, false),
        "a changed token decrypted: {changed}"
    );
});
