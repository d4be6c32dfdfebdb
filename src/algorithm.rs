//! The JWS algorithms ringjwt signs and verifies, and sets of them (`algorithms` allow-lists).

/// A JWS `alg` value. `None` is the unsecured `"none"`, accepted only when an allow-list names it.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
    None,
}

/// The kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    Rsa,
    Ec,
    Ed,
    Unsecured,
}

impl Algorithm {
    pub const ALL: [Algorithm; 14] = [
        Self::HS256,
        Self::HS384,
        Self::HS512,
        Self::RS256,
        Self::RS384,
        Self::RS512,
        Self::PS256,
        Self::PS384,
        Self::PS512,
        Self::ES256,
        Self::ES384,
        Self::ES512,
        Self::EdDSA,
        Self::None,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::HS256 => "HS256",
            Self::HS384 => "HS384",
            Self::HS512 => "HS512",
            Self::RS256 => "RS256",
            Self::RS384 => "RS384",
            Self::RS512 => "RS512",
            Self::PS256 => "PS256",
            Self::PS384 => "PS384",
            Self::PS512 => "PS512",
            Self::ES256 => "ES256",
            Self::ES384 => "ES384",
            Self::ES512 => "ES512",
            Self::EdDSA => "EdDSA",
            Self::None => "none",
        }
    }

    /// Parses an `alg` exactly as written in a header: names are case-sensitive.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.name() == name)
    }

    pub fn family(self) -> Family {
        match self {
            Self::HS256 | Self::HS384 | Self::HS512 => Family::Hmac,
            Self::RS256 | Self::RS384 | Self::RS512 | Self::PS256 | Self::PS384 | Self::PS512 => {
                Family::Rsa
            }
            Self::ES256 | Self::ES384 | Self::ES512 => Family::Ec,
            Self::EdDSA => Family::Ed,
            Self::None => Family::Unsecured,
        }
    }

    /// The bytes of an HMAC algorithm's hash output, the least secret length RFC 7518 §3.2 allows.
    pub fn hmac_output_len(self) -> Option<usize> {
        match self {
            Self::HS256 => Some(32),
            Self::HS384 => Some(48),
            Self::HS512 => Some(64),
            _ => None,
        }
    }

    pub fn is_pss(self) -> bool {
        matches!(self, Self::PS256 | Self::PS384 | Self::PS512)
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of algorithms as a bit mask: membership tests on the verify path cost one AND.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlgorithmSet(u16);

impl AlgorithmSet {
    pub fn insert(&mut self, alg: Algorithm) {
        self.0 |= alg.bit();
    }

    pub fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Algorithm> for AlgorithmSet {
    fn from_iter<I: IntoIterator<Item = Algorithm>>(iter: I) -> Self {
        let mut set = Self::default();
        for alg in iter {
            set.insert(alg);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::parse(alg.name()), Some(alg));
        }
        assert_eq!(Algorithm::parse("hs256"), None);
        assert_eq!(Algorithm::parse("None"), None);
    }

    #[test]
    fn sets_hold_what_was_inserted() {
        let set: AlgorithmSet = [Algorithm::RS256, Algorithm::None].into_iter().collect();
        assert!(set.contains(Algorithm::RS256));
        assert!(set.contains(Algorithm::None));
        assert!(!set.contains(Algorithm::HS256));
    }
}
