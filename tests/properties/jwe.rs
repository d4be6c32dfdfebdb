//! Encrypted tokens: encrypt → decrypt gives back any plaintext under every key management and content
//! encryption (compressed or not), and any one changed character makes the token fail.

use std::num::NonZeroU32;
use std::sync::LazyLock;

use proptest::prelude::*;
use ringjwt::curve::Curve;
use ringjwt::error::Code;
use ringjwt::jwe::{self, ContentEncryption, DecryptPolicy, EncryptOptions, JweKey, KeyManagement};

use super::config;
use super::keys::{ec_pkcs8, ec_spki, RSA_PKCS8, RSA_SPKI};

/// The key that encrypts and the key that decrypts, for one key management algorithm.
fn keys_for(alg: KeyManagement, enc: ContentEncryption, secret: &[u8]) -> (JweKey, JweKey) {
    let secret_of = |len: usize| {
        secret
            .iter()
            .copied()
            .cycle()
            .take(len)
            .collect::<Vec<u8>>()
    };
    match alg {
        KeyManagement::Dir => {
            let key = secret_of(enc.key_len());
            (JweKey::secret(&key), JweKey::secret(&key))
        }
        KeyManagement::AesKw(size) | KeyManagement::AesGcmKw(size) => {
            let key = secret_of(size.bytes());
            (JweKey::secret(&key), JweKey::secret(&key))
        }
        KeyManagement::Pbes2(_) => (JweKey::secret(secret), JweKey::secret(secret)),
        KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_) => {
            let (public, private) = &*P256;
            (
                JweKey::from_spki(public, "ec", None).unwrap(),
                JweKey::from_pkcs8(private, "ec", None).unwrap(),
            )
        }
        _ => (
            JweKey::from_spki(RSA_SPKI, "rsa", None).unwrap(),
            JweKey::from_pkcs8(RSA_PKCS8, "rsa", None).unwrap(),
        ),
    }
}

/// One P-256 pair for ECDH-ES: SPKI and PKCS#8.
static P256: LazyLock<(Vec<u8>, Vec<u8>)> = LazyLock::new(|| {
    let pkcs8 = ec_pkcs8(Curve::P256);
    let point = ringjwt::key::Key::from_pkcs8(&pkcs8)
        .unwrap()
        .public_key_der()
        .unwrap();
    (ec_spki(Curve::P256, &point), pkcs8)
});

fn algorithms() -> impl Strategy<Value = (KeyManagement, ContentEncryption)> {
    // RSA and PBES2 are the slow ones in a debug build: fewer of them.
    let fast: Vec<KeyManagement> = KeyManagement::ALL
        .into_iter()
        .filter(|alg| {
            !matches!(
                alg,
                KeyManagement::RsaOaep
                    | KeyManagement::RsaOaep256
                    | KeyManagement::Rsa1_5
                    | KeyManagement::Pbes2(_)
            )
        })
        .collect();
    let slow = vec![
        KeyManagement::RsaOaep,
        KeyManagement::RsaOaep256,
        KeyManagement::Pbes2(ringjwt::jwe::AesSize::A128),
    ];
    (
        prop_oneof![6 => prop::sample::select(fast), 1 => prop::sample::select(slow)],
        prop::sample::select(ContentEncryption::ALL.to_vec()),
    )
}

fn policy(alg: KeyManagement, enc: ContentEncryption) -> DecryptPolicy {
    DecryptPolicy {
        algorithms: [alg].into_iter().collect(),
        encryptions: [enc].into_iter().collect(),
        max_pbes2_count: Some(1000),
        max_inflated_size: Some(1 << 20),
    }
}

fn encrypted(
    alg: KeyManagement,
    enc: ContentEncryption,
    zip: bool,
    secret: &[u8],
    plaintext: &str,
) -> (String, JweKey) {
    let (encrypt, decrypt) = keys_for(alg, enc, secret);
    let options = EncryptOptions {
        alg,
        enc,
        zip,
        pbes2_count: NonZeroU32::new(1000).unwrap(),
    };
    let header = format!(
        r#"{{"alg":"{alg}","enc":"{enc}"{}}}"#,
        if zip { r#","zip":"DEF""# } else { "" }
    );
    (
        jwe::encrypt(&encrypt, &options, &header, plaintext.as_bytes()).unwrap(),
        decrypt,
    )
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn what_is_encrypted_decrypts_to_the_same_text(
        (alg, enc) in algorithms(),
        zip in any::<bool>(),
        secret in prop::collection::vec(any::<u8>(), 1..48),
        plaintext in any::<String>(),
    ) {
        let (token, key) = encrypted(alg, enc, zip, &secret, &plaintext);
        let decrypted = jwe::decrypt(&token, &key, &policy(alg, enc)).unwrap();
        prop_assert_eq!(decrypted.plaintext, plaintext);
        prop_assert_eq!(token.split('.').count(), 5);
    }

    #[test]
    fn any_one_changed_character_makes_it_fail(
        (alg, enc) in algorithms(),
        zip in any::<bool>(),
        secret in prop::collection::vec(any::<u8>(), 1..48),
        plaintext in "[ -~]{0,64}",
        position in any::<prop::sample::Index>(),
        replacement in prop::sample::select(b"AQgwz019-_.=+/ ".to_vec()),
    ) {
        let (token, key) = encrypted(alg, enc, zip, &secret, &plaintext);
        let at = position.index(token.len());
        prop_assume!(token.as_bytes()[at] != replacement);
        let mut changed = token.into_bytes();
        changed[at] = replacement;
        let changed = String::from_utf8(changed).unwrap();
        let err = jwe::decrypt(&changed, &key, &policy(alg, enc)).unwrap_err();
        // A change the structure still allows is the one decryption failure, whichever segment it hit.
        prop_assert!(
            matches!(err.code, Code::DecryptionFailed | Code::Malformed | Code::JweHeaderInvalid | Code::AlgorithmNotAllowed | Code::InvalidUtf8 | Code::ZipNotAllowed | Code::Pbes2CountInvalid),
            "{:?} for {}", err, changed
        );
    }
}
