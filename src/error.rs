//! One error type for the core, with a stable code per failure. The binding turns it into the JS classes.

use std::borrow::Cow;

/// Stable codes, one per kind of failure; the JS layer exposes them as `err.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidOption,
    PayloadInvalid,
    Malformed,
    HeaderInvalid,
    InvalidUtf8,
    CritInvalid,
    CritUnsupported,
    PayloadNotObject,
    SignatureRequired,
    SignatureInvalid,
    UnsignedNotAllowed,
    AlgorithmNotAllowed,
    KeyRequired,
    KeyInvalid,
    KeyTypeMismatch,
    KeyTooSmall,
    KeyUnsupported,
    SecretTooShort,
    CurveUnknown,
    Expired,
    NotActive,
    ClaimInvalid,
    AudienceInvalid,
    IssuerInvalid,
    SubjectInvalid,
    JwtidInvalid,
    NonceInvalid,
    DecryptionFailed,
    JweHeaderInvalid,
    Pbes2CountInvalid,
    ZipNotAllowed,
    InflateLimit,
    NestedKeyRequired,
    NestedRequired,
    DpopProofInvalid,
    DpopJwkInvalid,
    DpopHtmMismatch,
    DpopIatInvalid,
    DpopNonceInvalid,
    DpopAthMismatch,
    DpopKeyMismatch,
    DpopReplayCacheFull,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidOption => "ERR_JWT_INVALID_OPTION",
            Self::PayloadInvalid => "ERR_JWT_PAYLOAD_INVALID",
            Self::Malformed => "ERR_JWT_MALFORMED",
            Self::HeaderInvalid => "ERR_JWT_HEADER_INVALID",
            Self::InvalidUtf8 => "ERR_JWT_INVALID_UTF8",
            Self::CritInvalid => "ERR_JWS_CRIT_INVALID",
            Self::CritUnsupported => "ERR_JWS_CRIT_UNSUPPORTED",
            Self::PayloadNotObject => "ERR_JWT_PAYLOAD_NOT_OBJECT",
            Self::SignatureRequired => "ERR_JWS_SIGNATURE_REQUIRED",
            Self::SignatureInvalid => "ERR_JWS_SIGNATURE_INVALID",
            Self::UnsignedNotAllowed => "ERR_JWS_UNSIGNED_NOT_ALLOWED",
            Self::AlgorithmNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            Self::KeyRequired => "ERR_KEY_REQUIRED",
            Self::KeyInvalid => "ERR_KEY_INVALID",
            Self::KeyTypeMismatch => "ERR_KEY_TYPE_MISMATCH",
            Self::KeyTooSmall => "ERR_KEY_TOO_SMALL",
            Self::KeyUnsupported => "ERR_KEY_UNSUPPORTED",
            Self::SecretTooShort => "ERR_KEY_SECRET_TOO_SHORT",
            Self::CurveUnknown => "ERR_KEY_CURVE_UNKNOWN",
            Self::Expired => "ERR_JWT_EXPIRED",
            Self::NotActive => "ERR_JWT_NOT_ACTIVE",
            Self::ClaimInvalid => "ERR_JWT_CLAIM_INVALID",
            Self::AudienceInvalid => "ERR_JWT_AUDIENCE_INVALID",
            Self::IssuerInvalid => "ERR_JWT_ISSUER_INVALID",
            Self::SubjectInvalid => "ERR_JWT_SUBJECT_INVALID",
            Self::JwtidInvalid => "ERR_JWT_JWTID_INVALID",
            Self::NonceInvalid => "ERR_JWT_NONCE_INVALID",
            Self::DecryptionFailed => "ERR_JWE_DECRYPTION_FAILED",
            Self::JweHeaderInvalid => "ERR_JWE_HEADER_INVALID",
            Self::Pbes2CountInvalid => "ERR_JWE_PBES2_COUNT",
            Self::ZipNotAllowed => "ERR_JWE_ZIP_NOT_ALLOWED",
            Self::InflateLimit => "ERR_JWE_INFLATE_LIMIT",
            Self::NestedKeyRequired => "ERR_JWE_NESTED_KEY_REQUIRED",
            Self::NestedRequired => "ERR_JWE_NESTED_REQUIRED",
            Self::DpopProofInvalid => "ERR_DPOP_PROOF_INVALID",
            Self::DpopJwkInvalid => "ERR_DPOP_JWK_INVALID",
            Self::DpopHtmMismatch => "ERR_DPOP_HTM_MISMATCH",
            Self::DpopIatInvalid => "ERR_DPOP_IAT_INVALID",
            Self::DpopNonceInvalid => "ERR_DPOP_NONCE_INVALID",
            Self::DpopAthMismatch => "ERR_DPOP_ATH_MISMATCH",
            Self::DpopKeyMismatch => "ERR_DPOP_KEY_MISMATCH",
            Self::DpopReplayCacheFull => "ERR_DPOP_REPLAY_CACHE_FULL",
        }
    }
}

/// A failure with jsonwebtoken's message. `date` is the instant (unix seconds) that expired or is not yet
/// reached, for `Expired` and `NotActive`.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub code: Code,
    pub message: Cow<'static, str>,
    pub date: Option<f64>,
}

impl Error {
    pub fn new(code: Code, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
            date: None,
        }
    }

    pub fn at(code: Code, message: &'static str, date: f64) -> Self {
        Self {
            code,
            message: Cow::Borrowed(message),
            date: Some(date),
        }
    }

    pub fn malformed() -> Self {
        Self::new(Code::Malformed, "invalid token")
    }

    pub fn invalid_signature() -> Self {
        Self::new(Code::SignatureInvalid, "invalid signature")
    }

    /// Every failure to decrypt a JWE, whatever step failed, so that no step can serve as an oracle.
    pub fn decryption_failed() -> Self {
        Self::new(Code::DecryptionFailed, "decryption failed")
    }

    pub fn key_invalid(what: &str) -> Self {
        Self::new(
            Code::KeyInvalid,
            format!("{what} is not valid key material"),
        )
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
