//! `NativeSessionStore`: the in-process session store's state (`lib/session-store.js` is its JS face). Times
//! are milliseconds since the epoch from the JS clock; refresh tokens arrive as their SHA-256 digests.

use napi::Result;
use napi_derive::napi;

use super::error::invalid_option;
use crate::session::{
    AccessToken, Issued, Lifetimes, RefreshDigest, Refusal, SessionError, SessionStore, SessionView,
};

#[napi(object)]
pub struct SessionRecord {
    pub id: String,
    pub subject: String,
    pub created_at: f64,
    pub last_used_at: f64,
    pub expires_at: f64,
    /// The app's metadata as JSON text.
    pub metadata: Option<String>,
}

#[napi(object)]
pub struct IssuedSession {
    pub session: SessionRecord,
    pub token_expires_at: f64,
}

/// Either `issued`, or the `refusal` code.
#[napi(object)]
pub struct RefreshOutcome {
    pub issued: Option<IssuedSession>,
    pub refusal: Option<String>,
}

impl From<SessionView> for SessionRecord {
    fn from(view: SessionView) -> Self {
        Self {
            id: view.id,
            subject: view.subject,
            created_at: view.created_at,
            last_used_at: view.last_used_at,
            expires_at: view.expires_at,
            metadata: view.metadata,
        }
    }
}

impl From<Issued> for IssuedSession {
    fn from(issued: Issued) -> Self {
        Self {
            session: issued.session.into(),
            token_expires_at: issued.token_expires_at,
        }
    }
}

fn digest(bytes: &[u8]) -> Result<RefreshDigest> {
    bytes
        .try_into()
        .map_err(|_| invalid_option("a refresh token digest must be 32 bytes (SHA-256)"))
}

fn session_error(err: SessionError) -> napi::Error {
    invalid_option(match err {
        SessionError::InvalidLifetimes => {
            "session lifetimes must be positive numbers of milliseconds (clockTolerance 0 or more)"
        }
        SessionError::IdTaken => "a session with this id already exists",
        SessionError::InvalidTime => "the current time must be a finite number",
    })
}

fn refusal_code(refusal: Refusal) -> String {
    refusal.code().to_owned()
}

fn outcome(result: std::result::Result<Issued, Refusal>) -> RefreshOutcome {
    match result {
        Ok(issued) => RefreshOutcome {
            issued: Some(issued.into()),
            refusal: None,
        },
        Err(refusal) => RefreshOutcome {
            issued: None,
            refusal: Some(refusal_code(refusal)),
        },
    }
}

fn access_token<'a>(jti: &'a str, signature: Option<&'a str>) -> AccessToken<'a> {
    AccessToken { jti, signature }
}

#[napi]
pub struct NativeSessionStore {
    inner: SessionStore,
}

#[napi]
impl NativeSessionStore {
    #[napi(constructor, catch_unwind)]
    pub fn new(access_token: f64, idle: f64, absolute: f64, clock_tolerance: f64) -> Result<Self> {
        let lifetimes = Lifetimes {
            access_token,
            idle,
            absolute,
            clock_tolerance,
        };
        Ok(Self {
            inner: SessionStore::new(lifetimes).map_err(session_error)?,
        })
    }

    /// Starts a session; `refresh` is the SHA-256 of its refresh token, `jti` the first access token's id and
    /// `signature` its last segment (null when the app signs it later, unbound).
    #[napi(catch_unwind)]
    #[allow(clippy::too_many_arguments)]
    pub fn create(
        &mut self,
        id: String,
        subject: String,
        metadata: Option<String>,
        refresh: &[u8],
        jti: String,
        signature: Option<String>,
        now: f64,
    ) -> Result<IssuedSession> {
        let refresh = digest(refresh)?;
        let token = access_token(&jti, signature.as_deref());
        self.inner
            .create(&id, &subject, metadata.as_deref(), refresh, token, now)
            .map(Into::into)
            .map_err(session_error)
    }

    /// What a refresh with the refresh token whose digest is `presented` would issue, rotating nothing.
    #[napi(catch_unwind)]
    pub fn preview_refresh(
        &mut self,
        id: String,
        presented: &[u8],
        now: f64,
    ) -> Result<RefreshOutcome> {
        let presented = digest(presented)?;
        Ok(outcome(self.inner.preview_refresh(&id, &presented, now)))
    }

    /// Rotates the refresh token whose digest is `presented` to `next`, recording the access token `jti` (with
    /// its `signature` when given).
    #[napi(catch_unwind)]
    pub fn refresh(
        &mut self,
        id: String,
        presented: &[u8],
        next: &[u8],
        jti: String,
        signature: Option<String>,
        now: f64,
    ) -> Result<RefreshOutcome> {
        let presented = digest(presented)?;
        let next = digest(next)?;
        let token = access_token(&jti, signature.as_deref());
        Ok(outcome(
            self.inner.refresh(&id, &presented, next, token, now),
        ))
    }

    /// Null when the live session `id` issued the access token `jti` of `subject` (with this `signature`, when
    /// it recorded one); else the refusal code.
    #[napi(catch_unwind)]
    pub fn check(
        &self,
        id: String,
        jti: String,
        subject: Option<String>,
        signature: Option<String>,
        now: f64,
    ) -> Option<String> {
        let token = access_token(&jti, signature.as_deref());
        self.inner
            .check(&id, token, subject.as_deref(), now)
            .err()
            .map(refusal_code)
    }

    #[napi(catch_unwind)]
    pub fn get(&self, id: String, now: f64) -> Option<SessionRecord> {
        self.inner.get(&id, now).map(Into::into)
    }

    #[napi(catch_unwind)]
    pub fn list(&self, subject: String, now: f64) -> Vec<SessionRecord> {
        self.inner
            .list(&subject, now)
            .into_iter()
            .map(Into::into)
            .collect()
    }

    #[napi(catch_unwind)]
    pub fn end(&mut self, id: String, now: f64) -> bool {
        self.inner.end(&id, now)
    }

    #[napi(catch_unwind)]
    pub fn end_all(&mut self, subject: String, now: f64) -> u32 {
        u32::try_from(self.inner.end_all(&subject, now)).unwrap_or(u32::MAX)
    }

    /// Drops the records that can no longer matter at `now`; returns how many went.
    #[napi(catch_unwind)]
    pub fn prune(&mut self, now: f64) -> u32 {
        u32::try_from(self.inner.prune(now)).unwrap_or(u32::MAX)
    }

    /// Records held, ended and expired ones not yet dropped included.
    #[napi(getter, catch_unwind)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}
