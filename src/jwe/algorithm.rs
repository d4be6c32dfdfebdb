//! The JWE algorithm names of RFC 7518: key management (`alg`, §4) and content encryption (`enc`, §5), with the
//! key and tag sizes each one fixes.

/// AES key sizes, shared by the AES key-wrap, AES-GCM and AES-CBC-HMAC families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AesSize {
    A128,
    A192,
    A256,
}

impl AesSize {
    pub fn bytes(self) -> usize {
        match self {
            Self::A128 => 16,
            Self::A192 => 24,
            Self::A256 => 32,
        }
    }
}

/// `alg`: how the content encryption key reaches the recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyManagement {
    /// The shared secret is the content key (RFC 7518 §4.5).
    Dir,
    AesKw(AesSize),
    AesGcmKw(AesSize),
    /// The agreed key is the content key (RFC 7518 §4.6).
    EcdhEs,
    EcdhEsKw(AesSize),
    RsaOaep,
    RsaOaep256,
    /// RSAES-PKCS1-v1_5: decrypted only when listed explicitly (Bleichenbacher's attack, RFC 8725 §3.2).
    Rsa1_5,
    /// PBES2-HS256+A128KW, PBES2-HS384+A192KW, PBES2-HS512+A256KW: the hash follows the wrap size.
    Pbes2(AesSize),
}

impl KeyManagement {
    pub const ALL: [Self; 17] = [
        Self::Dir,
        Self::AesKw(AesSize::A128),
        Self::AesKw(AesSize::A192),
        Self::AesKw(AesSize::A256),
        Self::AesGcmKw(AesSize::A128),
        Self::AesGcmKw(AesSize::A192),
        Self::AesGcmKw(AesSize::A256),
        Self::EcdhEs,
        Self::EcdhEsKw(AesSize::A128),
        Self::EcdhEsKw(AesSize::A192),
        Self::EcdhEsKw(AesSize::A256),
        Self::RsaOaep,
        Self::RsaOaep256,
        Self::Rsa1_5,
        Self::Pbes2(AesSize::A128),
        Self::Pbes2(AesSize::A192),
        Self::Pbes2(AesSize::A256),
    ];

    pub fn name(self) -> &'static str {
        use AesSize::*;
        match self {
            Self::Dir => "dir",
            Self::AesKw(A128) => "A128KW",
            Self::AesKw(A192) => "A192KW",
            Self::AesKw(A256) => "A256KW",
            Self::AesGcmKw(A128) => "A128GCMKW",
            Self::AesGcmKw(A192) => "A192GCMKW",
            Self::AesGcmKw(A256) => "A256GCMKW",
            Self::EcdhEs => "ECDH-ES",
            Self::EcdhEsKw(A128) => "ECDH-ES+A128KW",
            Self::EcdhEsKw(A192) => "ECDH-ES+A192KW",
            Self::EcdhEsKw(A256) => "ECDH-ES+A256KW",
            Self::RsaOaep => "RSA-OAEP",
            Self::RsaOaep256 => "RSA-OAEP-256",
            Self::Rsa1_5 => "RSA1_5",
            Self::Pbes2(A128) => "PBES2-HS256+A128KW",
            Self::Pbes2(A192) => "PBES2-HS384+A192KW",
            Self::Pbes2(A256) => "PBES2-HS512+A256KW",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.name() == name)
    }

    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|&alg| alg == self)
            .unwrap_or_default()
    }

    /// Whether the token carries the content key in its second segment (it is empty for `dir` and `ECDH-ES`).
    pub fn has_encrypted_key(self) -> bool {
        !matches!(self, Self::Dir | Self::EcdhEs)
    }
}

impl std::fmt::Display for KeyManagement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `enc`: how the content is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentEncryption {
    Gcm(AesSize),
    /// AES-CBC with HMAC-SHA2 (RFC 7518 §5.2): the key is a MAC half and an encryption half.
    CbcHmac(AesSize),
}

impl ContentEncryption {
    pub const ALL: [Self; 6] = [
        Self::Gcm(AesSize::A128),
        Self::Gcm(AesSize::A192),
        Self::Gcm(AesSize::A256),
        Self::CbcHmac(AesSize::A128),
        Self::CbcHmac(AesSize::A192),
        Self::CbcHmac(AesSize::A256),
    ];

    pub fn name(self) -> &'static str {
        use AesSize::*;
        match self {
            Self::Gcm(A128) => "A128GCM",
            Self::Gcm(A192) => "A192GCM",
            Self::Gcm(A256) => "A256GCM",
            Self::CbcHmac(A128) => "A128CBC-HS256",
            Self::CbcHmac(A192) => "A192CBC-HS384",
            Self::CbcHmac(A256) => "A256CBC-HS512",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|enc| enc.name() == name)
    }

    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|&enc| enc == self)
            .unwrap_or_default()
    }

    /// The content key length in bytes: the AES key, or for CBC-HMAC the MAC key and the AES key together.
    pub fn key_len(self) -> usize {
        match self {
            Self::Gcm(size) => size.bytes(),
            Self::CbcHmac(size) => size.bytes() * 2,
        }
    }

    /// The IV length: 96 bits for GCM (RFC 7518 §5.3), one AES block for CBC (§5.2.2.1).
    pub fn iv_len(self) -> usize {
        match self {
            Self::Gcm(_) => 12,
            Self::CbcHmac(_) => 16,
        }
    }

    /// The tag length: 128 bits for GCM, half the HMAC output for CBC-HMAC (§5.2.3–5.2.5).
    pub fn tag_len(self) -> usize {
        match self {
            Self::Gcm(_) => 16,
            Self::CbcHmac(size) => size.bytes(),
        }
    }
}

impl std::fmt::Display for ContentEncryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An allow-list of `alg` values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct KeyManagementSet(u32);

impl KeyManagementSet {
    pub fn insert(&mut self, alg: KeyManagement) {
        self.0 |= 1 << alg.index();
    }

    pub fn contains(self, alg: KeyManagement) -> bool {
        self.0 & (1 << alg.index()) != 0
    }
}

impl FromIterator<KeyManagement> for KeyManagementSet {
    fn from_iter<I: IntoIterator<Item = KeyManagement>>(iter: I) -> Self {
        let mut set = Self::default();
        iter.into_iter().for_each(|alg| set.insert(alg));
        set
    }
}

/// An allow-list of `enc` values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ContentEncryptionSet(u8);

impl ContentEncryptionSet {
    pub fn insert(&mut self, enc: ContentEncryption) {
        self.0 |= 1 << enc.index();
    }

    pub fn contains(self, enc: ContentEncryption) -> bool {
        self.0 & (1 << enc.index()) != 0
    }
}

impl FromIterator<ContentEncryption> for ContentEncryptionSet {
    fn from_iter<I: IntoIterator<Item = ContentEncryption>>(iter: I) -> Self {
        let mut set = Self::default();
        iter.into_iter().for_each(|enc| set.insert(enc));
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for alg in KeyManagement::ALL {
            assert_eq!(KeyManagement::parse(alg.name()), Some(alg));
        }
        for enc in ContentEncryption::ALL {
            assert_eq!(ContentEncryption::parse(enc.name()), Some(enc));
        }
        assert_eq!(KeyManagement::parse("none"), None);
        assert_eq!(ContentEncryption::parse("a128gcm"), None);
    }

    #[test]
    fn sizes_follow_rfc_7518() {
        let cbc = ContentEncryption::CbcHmac(AesSize::A192);
        assert_eq!((cbc.key_len(), cbc.iv_len(), cbc.tag_len()), (48, 16, 24));
        let gcm = ContentEncryption::Gcm(AesSize::A256);
        assert_eq!((gcm.key_len(), gcm.iv_len(), gcm.tag_len()), (32, 12, 16));
    }

    #[test]
    fn sets_hold_what_was_inserted() {
        let set: KeyManagementSet = [KeyManagement::Dir, KeyManagement::Pbes2(AesSize::A256)]
            .into_iter()
            .collect();
        assert!(set.contains(KeyManagement::Dir));
        assert!(set.contains(KeyManagement::Pbes2(AesSize::A256)));
        assert!(!set.contains(KeyManagement::Rsa1_5));
        let encs: ContentEncryptionSet = [ContentEncryption::Gcm(AesSize::A128)]
            .into_iter()
            .collect();
        assert!(!encs.contains(ContentEncryption::Gcm(AesSize::A256)));
    }
}
