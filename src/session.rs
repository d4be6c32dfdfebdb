//! Sessions: the server's record of what it has issued, so that a token is accepted only if a login or a
//! refresh issued it, and refresh tokens that rotate on every use.
//!
//! A session holds its subject, the app's metadata, its times, the SHA-256 of its current refresh token, the
//! fingerprints of the refresh tokens it has retired (until each would have expired) and the `jti` of every
//! access token it issued (until that token expires), with the fingerprint of that token's signature when the
//! app gave it: a token re-signed with the app's key that keeps `sid`, `jti` and `sub` but changes any other
//! claim has another signature, and is refused. Presenting a retired refresh token ends the whole
//! session (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
//!
//! Lifetimes: a session expires `idle` after its last use (login or refresh) and at the latest `absolute`
//! after it was created; an access token never outlives the session as it stood when the token was issued.
//! An ended session is kept as a small tombstone until the last access token it issued has expired, so its
//! tokens are refused as ended rather than unknown; then it is forgotten, as expired sessions are.
//!
//! A session expires at its `expires_at`; its record is kept for the clock tolerance after that, so that
//! its tokens are refused as expired rather than unknown meanwhile.
//!
//! Times are milliseconds since the epoch from the JS clock (`Date.now()`), passed in: nothing here reads a
//! clock. The store never sees a refresh token, only its digest, so a dump of it gives nothing usable.

use std::collections::{HashMap, HashSet};

use crate::revocation::fingerprint;

/// SHA-256 of a refresh token.
pub type RefreshDigest = [u8; 32];

/// The first 16 bytes of a retired refresh token's digest: enough to recognise it again (a collision with a
/// random token is a 2^-128 event) at half the memory, as retired digests are the bulk of a busy session.
type RetiredFingerprint = [u8; 16];

/// Session ids and access token ids as fixed 16 bytes, so that neither needs an allocation of its own: a UUID
/// (what the JS layer issues) is its own 16 bytes; any other string, the first 16 bytes of its SHA-256. No one
/// can make a string whose digest prefix equals a given UUID's bytes, so the two kinds cannot be confused.
type Key = [u8; 16];

fn key_of(value: &str) -> Key {
    uuid_bytes(value).unwrap_or_else(|| fingerprint(value))
}

/// The 16 bytes of a hyphenated UUID (either case), or None.
fn uuid_bytes(value: &str) -> Option<Key> {
    let text = value.as_bytes();
    if text.len() != 36 || [8, 13, 18, 23].iter().any(|&at| text[at] != b'-') {
        return None;
    }
    let mut out = [0u8; 16];
    let mut digits = text.iter().filter(|&&byte| byte != b'-');
    for byte in &mut out {
        let high = char::from(*digits.next()?).to_digit(16)?;
        let low = char::from(*digits.next()?).to_digit(16)?;
        *byte = u8::try_from(high * 16 + low).ok()?;
    }
    digits.next().is_none().then_some(out)
}

/// The first 16 bytes of the SHA-256 of an access token's signature (its last segment, as text).
type TokenFingerprint = [u8; 16];

/// An access token as the store records or checks it: its `jti`, and its signature (the token's last segment)
/// when the caller has it. A `&str` alone is a `jti` without a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessToken<'a> {
    pub jti: &'a str,
    pub signature: Option<&'a str>,
}

impl<'a> From<&'a str> for AccessToken<'a> {
    fn from(jti: &'a str) -> Self {
        Self {
            jti,
            signature: None,
        }
    }
}

impl<'a> From<&'a String> for AccessToken<'a> {
    fn from(jti: &'a String) -> Self {
        Self::from(jti.as_str())
    }
}

/// An issued access token: the key of its `jti`, its expiry, and its signature's fingerprint when recorded.
#[derive(Debug, Clone, Copy)]
struct TokenRecord {
    jti: Key,
    expires_at: f64,
    fingerprint: Option<TokenFingerprint>,
}

impl TokenRecord {
    fn new(token: AccessToken<'_>, expires_at: f64) -> Self {
        Self {
            jti: key_of(token.jti),
            expires_at,
            fingerprint: token.signature.map(fingerprint),
        }
    }
}

/// Below this many records the map is not swept on insert: scanning a small table buys nothing.
const MIN_PRUNE_LEN: usize = 1024;

/// How long things live, in milliseconds. Checked by `SessionStore::new`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lifetimes {
    /// An access token's life, capped by the session's expiry.
    pub access_token: f64,
    /// A session ends this long after its last login or refresh.
    pub idle: f64,
    /// A session ends this long after it was created, however often it is refreshed.
    pub absolute: f64,
    /// Records are kept this long past their expiry: the `clockTolerance` the verifier allows.
    pub clock_tolerance: f64,
}

impl Lifetimes {
    fn is_valid(&self) -> bool {
        let positive = |value: f64| value.is_finite() && value > 0.0;
        positive(self.access_token)
            && positive(self.idle)
            && positive(self.absolute)
            && self.clock_tolerance.is_finite()
            && self.clock_tolerance >= 0.0
    }
}

/// Why a session stopped before its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The app ended it (logout, sign-out of a device, logout everywhere).
    Ended,
    /// A retired refresh token was presented.
    RefreshTokenReused,
}

/// Why a token or a refresh token is refused. `code()` is the `UnauthorizedError` code the JS layer throws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No live record of the session: never issued, or forgotten after it expired or ended.
    SessionUnknown,
    /// The session is held but past its expiry.
    SessionExpired,
    /// The session was ended.
    SessionEnded,
    /// The session is live but did not issue this token: not its `jti`, its `sub` missing or not the session's,
    /// or another signature than the one recorded (a token re-signed with other claims).
    TokenNotIssued,
    /// The session recorded the token's signature, and the caller gave only its claims.
    TokenSignatureRequired,
    /// The refresh token is neither the session's current one nor one it retired.
    RefreshTokenInvalid,
    /// The session is held but past its expiry, so its refresh token is too.
    RefreshTokenExpired,
    /// A retired refresh token: the session has now ended.
    RefreshTokenReused,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SessionUnknown => "session_unknown",
            Self::SessionExpired => "session_expired",
            Self::SessionEnded => "session_ended",
            Self::TokenNotIssued => "token_not_issued",
            Self::TokenSignatureRequired => "token_signature_required",
            Self::RefreshTokenInvalid => "refresh_token_invalid",
            Self::RefreshTokenExpired => "refresh_token_expired",
            Self::RefreshTokenReused => "refresh_token_reused",
        }
    }
}

/// Errors of the store's own use (not of a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionError {
    /// `Lifetimes` with a value that is not a positive finite number (or a negative tolerance).
    InvalidLifetimes,
    /// `create` with an id a live or ended session already has.
    IdTaken,
    /// `create` at a time that is not a finite number.
    InvalidTime,
}

/// A live session as the store reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    pub id: String,
    pub subject: String,
    pub created_at: f64,
    pub last_used_at: f64,
    pub expires_at: f64,
    pub metadata: Option<String>,
}

/// What a login or a refresh hands out: the session, and when the new access token must expire.
#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    pub session: SessionView,
    pub token_expires_at: f64,
}

#[derive(Debug)]
struct Session {
    id: Box<str>,
    subject: Box<str>,
    metadata: Option<Box<str>>,
    created_at: f64,
    /// The store's count of sessions created before this one: the order of logins within one millisecond.
    order: u64,
    last_used_at: f64,
    /// The earlier of the idle and the absolute deadline.
    expires_at: f64,
    absolute_expires_at: f64,
    refresh: RefreshDigest,
    /// Retired refresh tokens, each until the instant it would have expired.
    retired: Vec<(RetiredFingerprint, f64)>,
    /// Issued access tokens, each until it expires.
    tokens: Vec<TokenRecord>,
    ended: Option<EndReason>,
}

impl Session {
    /// When the record can go: a live session once it has expired, an ended one once its last token has.
    fn forget_at(&self, tolerance: f64) -> f64 {
        match self.ended {
            None => self.expires_at + tolerance,
            Some(_) => self.last_token_expiry() + tolerance,
        }
    }

    fn last_token_expiry(&self) -> f64 {
        self.tokens
            .iter()
            .map(|token| token.expires_at)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    fn drop_expired_entries(&mut self, now: f64, tolerance: f64) {
        self.tokens
            .retain(|token| token.expires_at + tolerance > now);
        self.retired.retain(|&(_, until)| until > now);
    }

    fn view(&self) -> SessionView {
        SessionView {
            id: self.id.to_string(),
            subject: self.subject.to_string(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            expires_at: self.expires_at,
            metadata: self.metadata.as_deref().map(str::to_owned),
        }
    }
}

fn retired_fingerprint(digest: &RefreshDigest) -> RetiredFingerprint {
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// The sessions of one server, with an index by subject for listing and ending them all.
#[derive(Debug)]
pub struct SessionStore {
    lifetimes: Lifetimes,
    sessions: HashMap<Key, Session>,
    /// A set per subject, so that a record goes from it in one step whatever the subject's number of sessions.
    by_subject: HashMap<Box<str>, HashSet<Key>>,
    prune_at_len: usize,
    /// Sessions created so far (each session's `order`).
    created: u64,
}

impl SessionStore {
    pub fn new(lifetimes: Lifetimes) -> Result<Self, SessionError> {
        if !lifetimes.is_valid() {
            return Err(SessionError::InvalidLifetimes);
        }
        Ok(Self {
            lifetimes,
            sessions: HashMap::new(),
            by_subject: HashMap::new(),
            prune_at_len: MIN_PRUNE_LEN,
            created: 0,
        })
    }

    /// Starts a session for `subject` whose refresh token has digest `refresh`, and records the access token
    /// it issues (its `jti`, and its signature when the app gave it).
    pub fn create<'a>(
        &mut self,
        id: &str,
        subject: &str,
        metadata: Option<&str>,
        refresh: RefreshDigest,
        token: impl Into<AccessToken<'a>>,
        now: f64,
    ) -> Result<Issued, SessionError> {
        if !now.is_finite() {
            return Err(SessionError::InvalidTime);
        }
        if self.sessions.len() >= self.prune_at_len {
            self.prune(now);
        }
        let key = key_of(id);
        if let Some(existing) = self.sessions.get(&key) {
            if existing.forget_at(self.lifetimes.clock_tolerance) > now {
                return Err(SessionError::IdTaken);
            }
            self.remove(&key);
        }
        let absolute_expires_at = now + self.lifetimes.absolute;
        let expires_at = absolute_expires_at.min(now + self.lifetimes.idle);
        let token_expires_at = expires_at.min(now + self.lifetimes.access_token);
        let session = Session {
            id: id.into(),
            subject: subject.into(),
            metadata: metadata.map(Into::into),
            created_at: now,
            order: self.created,
            last_used_at: now,
            expires_at,
            absolute_expires_at,
            refresh,
            retired: Vec::new(),
            tokens: vec![TokenRecord::new(token.into(), token_expires_at)],
            ended: None,
        };
        let issued = Issued {
            session: session.view(),
            token_expires_at,
        };
        self.created += 1;
        self.sessions.insert(key, session);
        self.by_subject
            .entry(subject.into())
            .or_default()
            .insert(key);
        Ok(issued)
    }

    /// What `refresh` would issue at `now`, without rotating anything: the claims an app signs before the
    /// rotation records the token. Refuses as `refresh` does, and a retired digest ends the session here too.
    pub fn preview_refresh(
        &mut self,
        id: &str,
        presented: &RefreshDigest,
        now: f64,
    ) -> Result<Issued, Refusal> {
        let key = key_of(id);
        self.refreshable(&key, presented, now)?;
        let session = self
            .sessions
            .get(&key)
            .ok_or(Refusal::RefreshTokenInvalid)?;
        let (expires_at, token_expires_at) = self.next_expiry(session, now);
        let mut view = session.view();
        view.last_used_at = now;
        view.expires_at = expires_at;
        Ok(Issued {
            session: view,
            token_expires_at,
        })
    }

    /// Rotates the refresh token: `presented` must be the digest of the session's current one; it is retired,
    /// `next` takes its place and the access token is recorded. A retired digest ends the session.
    pub fn refresh<'a>(
        &mut self,
        id: &str,
        presented: &RefreshDigest,
        next: RefreshDigest,
        token: impl Into<AccessToken<'a>>,
        now: f64,
    ) -> Result<Issued, Refusal> {
        let key = key_of(id);
        self.refreshable(&key, presented, now)?;
        let tolerance = self.lifetimes.clock_tolerance;
        let Some(session) = self.sessions.get(&key) else {
            return Err(Refusal::RefreshTokenInvalid);
        };
        let (expires_at, token_expires_at) = self.next_expiry(session, now);
        let Some(session) = self.sessions.get_mut(&key) else {
            return Err(Refusal::RefreshTokenInvalid);
        };
        session.drop_expired_entries(now, tolerance);
        // The retired token would have lived until the session's current expiry: remember it that long.
        session
            .retired
            .push((retired_fingerprint(presented), session.expires_at));
        session.refresh = next;
        session.last_used_at = now;
        session.expires_at = expires_at;
        session
            .tokens
            .push(TokenRecord::new(token.into(), token_expires_at));
        Ok(Issued {
            session: session.view(),
            token_expires_at,
        })
    }

    /// The session's expiry and its new access token's, were it refreshed at `now`.
    fn next_expiry(&self, session: &Session, now: f64) -> (f64, f64) {
        let expires_at = session.absolute_expires_at.min(now + self.lifetimes.idle);
        (
            expires_at,
            expires_at.min(now + self.lifetimes.access_token),
        )
    }

    /// Whether `presented` is the current refresh token of the live session `key`. A retired one ends it.
    fn refreshable(
        &mut self,
        key: &Key,
        presented: &RefreshDigest,
        now: f64,
    ) -> Result<(), Refusal> {
        if !now.is_finite() {
            return Err(Refusal::RefreshTokenInvalid);
        }
        let Some(session) = self.live_record(key, now) else {
            return Err(Refusal::RefreshTokenInvalid);
        };
        if session.ended.is_some() {
            return Err(Refusal::SessionEnded);
        }
        if session.expires_at <= now {
            return Err(Refusal::RefreshTokenExpired);
        }
        // Comparing digests in variable time reveals nothing useful: an attacker controls the token, not the
        // digest, so learning a prefix of the stored digest does not help forge a token that hashes to it.
        if session.refresh == *presented {
            return Ok(());
        }
        let fingerprint = retired_fingerprint(presented);
        let reused = session
            .retired
            .iter()
            .any(|&(retired, until)| retired == fingerprint && until > now);
        if !reused {
            return Err(Refusal::RefreshTokenInvalid);
        }
        self.end_record(key, EndReason::RefreshTokenReused, now);
        Err(Refusal::RefreshTokenReused)
    }

    /// Whether the access token (its `jti`, and its signature when the caller has it) of `subject` (the token's
    /// `sub`) was issued by the live session `id`. The check a request pays: one hash lookup and a scan of the
    /// session's few live tokens. A token without `sub` is refused: every session has a subject. A token whose
    /// signature was recorded is accepted only with that signature; without one, it is refused as
    /// `TokenSignatureRequired` (fail closed: the claims alone cannot show they were not changed).
    pub fn check<'a>(
        &self,
        id: &str,
        token: impl Into<AccessToken<'a>>,
        subject: Option<&str>,
        now: f64,
    ) -> Result<(), Refusal> {
        let token = token.into();
        let tolerance = self.lifetimes.clock_tolerance;
        let session = match self.sessions.get(&key_of(id)) {
            Some(session) if session.forget_at(tolerance) > now => session,
            _ => return Err(Refusal::SessionUnknown),
        };
        if session.ended.is_some() {
            return Err(Refusal::SessionEnded);
        }
        if session.expires_at <= now {
            return Err(Refusal::SessionExpired);
        }
        if subject != Some(&*session.subject) {
            return Err(Refusal::TokenNotIssued);
        }
        let jti = key_of(token.jti);
        let Some(issued) = session
            .tokens
            .iter()
            .find(|issued| issued.jti == jti && issued.expires_at + tolerance > now)
        else {
            return Err(Refusal::TokenNotIssued);
        };
        match (issued.fingerprint, token.signature) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(Refusal::TokenSignatureRequired),
            (Some(recorded), Some(signature)) if recorded == fingerprint(signature) => Ok(()),
            (Some(_), Some(_)) => Err(Refusal::TokenNotIssued),
        }
    }

    /// The live session `id`, if any.
    pub fn get(&self, id: &str, now: f64) -> Option<SessionView> {
        self.live_view(&key_of(id), now)
    }

    /// The live sessions of `subject`, oldest first (in the order of their logins within one millisecond).
    pub fn list(&self, subject: &str, now: f64) -> Vec<SessionView> {
        let mut live: Vec<&Session> = self
            .by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter_map(|key| self.live(key, now))
            .collect();
        live.sort_by(|a, b| {
            a.created_at
                .total_cmp(&b.created_at)
                .then(a.order.cmp(&b.order))
        });
        live.into_iter().map(Session::view).collect()
    }

    /// Ends the live session `id`; false when there is none.
    pub fn end(&mut self, id: &str, now: f64) -> bool {
        self.end_live(&key_of(id), now)
    }

    /// Ends every live session of `subject`; returns how many.
    pub fn end_all(&mut self, subject: &str, now: f64) -> usize {
        let keys: Vec<Key> = self
            .by_subject
            .get(subject)
            .map(|keys| keys.iter().copied().collect())
            .unwrap_or_default();
        keys.iter().filter(|key| self.end_live(key, now)).count()
    }

    /// Drops every record that can no longer matter at `now`; returns how many went.
    pub fn prune(&mut self, now: f64) -> usize {
        let tolerance = self.lifetimes.clock_tolerance;
        let gone: Vec<Key> = self
            .sessions
            .iter()
            .filter(|(_, session)| session.forget_at(tolerance) <= now)
            .map(|(&key, _)| key)
            .collect();
        for key in &gone {
            self.remove(key);
        }
        let len = self.sessions.len();
        if self.sessions.capacity() > 4 * len.max(MIN_PRUNE_LEN) {
            self.sessions.shrink_to(2 * len);
            self.by_subject.shrink_to(2 * self.by_subject.len());
        }
        self.prune_at_len = (2 * len).max(MIN_PRUNE_LEN);
        gone.len()
    }

    /// Records held: live sessions, and ended or expired ones not yet dropped.
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    fn live(&self, key: &Key, now: f64) -> Option<&Session> {
        let session = self.sessions.get(key)?;
        (session.ended.is_none() && session.expires_at > now).then_some(session)
    }

    fn live_view(&self, key: &Key, now: f64) -> Option<SessionView> {
        self.live(key, now).map(Session::view)
    }

    fn end_live(&mut self, key: &Key, now: f64) -> bool {
        if self.live_view(key, now).is_none() {
            return false;
        }
        self.end_record(key, EndReason::Ended, now);
        true
    }

    /// The record of `key` unless it is due to be forgotten (then it is dropped now).
    fn live_record(&mut self, key: &Key, now: f64) -> Option<&mut Session> {
        let tolerance = self.lifetimes.clock_tolerance;
        if self.sessions.get(key)?.forget_at(tolerance) <= now {
            self.remove(key);
            return None;
        }
        self.sessions.get_mut(key)
    }

    /// Turns the record into a tombstone: only what refusing its tokens needs is kept, until they expire.
    fn end_record(&mut self, key: &Key, reason: EndReason, now: f64) {
        let tolerance = self.lifetimes.clock_tolerance;
        let Some(session) = self.sessions.get_mut(key) else {
            return;
        };
        session.drop_expired_entries(now, tolerance);
        session.ended = Some(reason);
        session.metadata = None;
        session.refresh = [0; 32];
        session.retired = Vec::new();
        session.tokens.shrink_to_fit();
        if session.forget_at(tolerance) <= now {
            self.remove(key);
        }
    }

    fn remove(&mut self, key: &Key) {
        let Some(session) = self.sessions.remove(key) else {
            return;
        };
        if let Some(keys) = self.by_subject.get_mut(&*session.subject) {
            keys.remove(key);
            if keys.is_empty() {
                self.by_subject.remove(&*session.subject);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_900_000_000_000.0;
    const MINUTE: f64 = 60_000.0;
    const DAY: f64 = 24.0 * 60.0 * MINUTE;

    fn lifetimes() -> Lifetimes {
        Lifetimes {
            access_token: 15.0 * MINUTE,
            idle: DAY,
            absolute: 7.0 * DAY,
            clock_tolerance: 0.0,
        }
    }

    fn store() -> SessionStore {
        SessionStore::new(lifetimes()).expect("valid lifetimes")
    }

    fn digest(n: u8) -> RefreshDigest {
        [n; 32]
    }

    fn login(store: &mut SessionStore, id: &str, subject: &str, refresh: u8) -> Issued {
        store
            .create(
                id,
                subject,
                Some("{\"ip\":\"127.0.0.1\"}"),
                digest(refresh),
                &format!("{id}-jti-0"),
                NOW,
            )
            .expect("created")
    }

    #[test]
    fn lifetimes_must_be_positive_and_finite() {
        for bad in [
            Lifetimes {
                access_token: 0.0,
                ..lifetimes()
            },
            Lifetimes {
                idle: -1.0,
                ..lifetimes()
            },
            Lifetimes {
                absolute: f64::NAN,
                ..lifetimes()
            },
            Lifetimes {
                idle: f64::INFINITY,
                ..lifetimes()
            },
            Lifetimes {
                clock_tolerance: -1.0,
                ..lifetimes()
            },
            Lifetimes {
                clock_tolerance: f64::NAN,
                ..lifetimes()
            },
        ] {
            assert_eq!(
                SessionStore::new(bad).unwrap_err(),
                SessionError::InvalidLifetimes
            );
        }
    }

    #[test]
    fn a_login_issues_a_token_the_check_accepts() {
        let mut store = store();
        let issued = login(&mut store, "s1", "u1", 1);
        assert_eq!(issued.token_expires_at, NOW + 15.0 * MINUTE);
        assert_eq!(
            issued.session,
            SessionView {
                id: "s1".into(),
                subject: "u1".into(),
                created_at: NOW,
                last_used_at: NOW,
                expires_at: NOW + DAY,
                metadata: Some("{\"ip\":\"127.0.0.1\"}".into()),
            }
        );
        assert_eq!(store.check("s1", "s1-jti-0", Some("u1"), NOW), Ok(()));
    }

    #[test]
    fn a_token_without_the_sessions_subject_is_refused() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store.check("s1", "s1-jti-0", None, NOW),
            Err(Refusal::TokenNotIssued)
        );
        assert_eq!(
            store.check("s1", "s1-jti-0", Some(""), NOW),
            Err(Refusal::TokenNotIssued)
        );
    }

    fn signed<'a>(jti: &'a str, signature: &'a str) -> AccessToken<'a> {
        AccessToken {
            jti,
            signature: Some(signature),
        }
    }

    #[test]
    fn a_recorded_signature_binds_the_token_itself() {
        let mut store = store();
        store
            .create("s1", "u1", None, digest(1), signed("j0", "sig-0"), NOW)
            .unwrap();
        assert_eq!(
            store.check("s1", signed("j0", "sig-0"), Some("u1"), NOW),
            Ok(())
        );
        // The same sid, jti and sub, re-signed over other claims: another signature.
        assert_eq!(
            store.check("s1", signed("j0", "sig-1"), Some("u1"), NOW),
            Err(Refusal::TokenNotIssued)
        );
        // The claims alone cannot show they are the ones signed.
        assert_eq!(
            store.check("s1", "j0", Some("u1"), NOW),
            Err(Refusal::TokenSignatureRequired)
        );
        let later = NOW + MINUTE;
        store
            .refresh("s1", &digest(1), digest(2), signed("j1", "sig-2"), later)
            .unwrap();
        assert_eq!(
            store.check("s1", signed("j1", "sig-2"), Some("u1"), later),
            Ok(())
        );
        assert_eq!(
            store.check("s1", signed("j1", "sig-0"), Some("u1"), later),
            Err(Refusal::TokenNotIssued)
        );
        assert_eq!(
            store.check("s1", signed("j0", "sig-0"), Some("u1"), later),
            Ok(())
        );
    }

    #[test]
    fn preview_refresh_shows_what_refresh_issues_and_changes_nothing() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        let later = NOW + 10.0 * MINUTE;
        let preview = store.preview_refresh("s1", &digest(1), later).unwrap();
        assert_eq!(
            store.preview_refresh("s1", &digest(1), later).unwrap(),
            preview
        );
        assert_eq!(
            store
                .refresh("s1", &digest(1), digest(2), "j1", later)
                .unwrap(),
            preview
        );
        assert_eq!(
            store.preview_refresh("s1", &digest(7), later),
            Err(Refusal::RefreshTokenInvalid)
        );
        // A retired refresh token ends the session whether previewed or presented.
        assert_eq!(
            store.preview_refresh("s1", &digest(1), later),
            Err(Refusal::RefreshTokenReused)
        );
        assert_eq!(
            store.check("s1", "j1", Some("u1"), later),
            Err(Refusal::SessionEnded)
        );
    }

    #[test]
    fn the_check_refuses_what_the_session_did_not_issue() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store.check("s2", "s1-jti-0", Some("u1"), NOW),
            Err(Refusal::SessionUnknown)
        );
        assert_eq!(
            store.check("s1", "forged", Some("u1"), NOW),
            Err(Refusal::TokenNotIssued)
        );
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u2"), NOW),
            Err(Refusal::TokenNotIssued)
        );
        assert_eq!(
            store.check("s1", "", Some("u1"), NOW),
            Err(Refusal::TokenNotIssued)
        );
    }

    #[test]
    fn an_access_token_is_accepted_until_it_expires() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 15.0 * MINUTE - 1.0),
            Ok(())
        );
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 15.0 * MINUTE),
            Err(Refusal::TokenNotIssued)
        );
    }

    #[test]
    fn the_clock_tolerance_keeps_tokens_and_sessions_that_much_longer() {
        let mut store = SessionStore::new(Lifetimes {
            clock_tolerance: 30_000.0,
            ..lifetimes()
        })
        .unwrap();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 15.0 * MINUTE + 29_999.0),
            Ok(())
        );
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 15.0 * MINUTE + 30_000.0),
            Err(Refusal::TokenNotIssued)
        );
    }

    #[test]
    fn refresh_rotates_and_records_the_new_token() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        let later = NOW + 10.0 * MINUTE;
        let issued = store
            .refresh("s1", &digest(1), digest(2), "jti-1", later)
            .unwrap();
        assert_eq!(issued.session.last_used_at, later);
        assert_eq!(issued.session.expires_at, later + DAY);
        assert_eq!(issued.token_expires_at, later + 15.0 * MINUTE);
        assert_eq!(store.check("s1", "jti-1", Some("u1"), later), Ok(()));
        // The older access token stays valid until its own expiry.
        assert_eq!(store.check("s1", "s1-jti-0", Some("u1"), later), Ok(()));
        let next = store
            .refresh("s1", &digest(2), digest(3), "jti-2", later + 1.0)
            .unwrap();
        assert_eq!(next.session.created_at, NOW);
    }

    #[test]
    fn a_retired_refresh_token_ends_the_whole_session() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        store
            .refresh("s1", &digest(1), digest(2), "jti-1", NOW + 1.0)
            .unwrap();
        assert_eq!(
            store.refresh("s1", &digest(1), digest(9), "jti-x", NOW + 2.0),
            Err(Refusal::RefreshTokenReused)
        );
        // The newest refresh token and every access token of the session are refused from now on.
        assert_eq!(
            store.refresh("s1", &digest(2), digest(3), "jti-2", NOW + 3.0),
            Err(Refusal::SessionEnded)
        );
        assert_eq!(
            store.check("s1", "jti-1", Some("u1"), NOW + 3.0),
            Err(Refusal::SessionEnded)
        );
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 3.0),
            Err(Refusal::SessionEnded)
        );
        assert_eq!(
            store.check("s1", "jti-x", Some("u1"), NOW + 3.0),
            Err(Refusal::SessionEnded)
        );
        assert!(store.get("s1", NOW + 3.0).is_none());
    }

    #[test]
    fn a_refresh_token_never_issued_does_not_end_the_session() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store.refresh("s1", &digest(7), digest(8), "jti-1", NOW),
            Err(Refusal::RefreshTokenInvalid)
        );
        assert_eq!(
            store.refresh("nope", &digest(1), digest(8), "jti-1", NOW),
            Err(Refusal::RefreshTokenInvalid)
        );
        assert_eq!(store.check("s1", "s1-jti-0", Some("u1"), NOW), Ok(()));
        assert!(store
            .refresh("s1", &digest(1), digest(2), "jti-1", NOW)
            .is_ok());
    }

    #[test]
    fn of_two_refreshes_with_one_token_one_wins_and_the_other_ends_the_session() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert!(store.refresh("s1", &digest(1), digest(2), "a", NOW).is_ok());
        assert_eq!(
            store.refresh("s1", &digest(1), digest(3), "b", NOW),
            Err(Refusal::RefreshTokenReused)
        );
        assert_eq!(
            store.check("s1", "a", Some("u1"), NOW),
            Err(Refusal::SessionEnded)
        );
    }

    #[test]
    fn a_session_expires_when_idle() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store.refresh("s1", &digest(1), digest(2), "jti-1", NOW + DAY),
            Err(Refusal::RefreshTokenInvalid)
        );
        let mut tolerant = SessionStore::new(Lifetimes {
            clock_tolerance: MINUTE,
            ..lifetimes()
        })
        .unwrap();
        login(&mut tolerant, "s1", "u1", 1);
        // Held for the tolerance past its expiry, and refused as expired meanwhile.
        assert_eq!(
            tolerant.refresh("s1", &digest(1), digest(2), "jti-1", NOW + DAY),
            Err(Refusal::RefreshTokenExpired)
        );
        assert_eq!(
            tolerant.check("s1", "s1-jti-0", Some("u1"), NOW + DAY),
            Err(Refusal::SessionExpired)
        );
        assert_eq!(
            tolerant.check("s1", "s1-jti-0", Some("u1"), NOW + DAY + MINUTE),
            Err(Refusal::SessionUnknown)
        );
    }

    #[test]
    fn a_session_ends_at_its_absolute_lifetime_however_often_it_is_refreshed() {
        let mut store = store();
        login(&mut store, "s1", "u1", 0);
        let mut now = NOW;
        for n in 1..=6u8 {
            now += DAY - MINUTE;
            let issued = store
                .refresh("s1", &digest(n - 1), digest(n), "j", now)
                .unwrap();
            assert!(issued.session.expires_at <= NOW + 7.0 * DAY);
        }
        now += DAY - MINUTE;
        let issued = store
            .refresh("s1", &digest(6), digest(7), "last", now)
            .unwrap();
        assert_eq!(issued.session.expires_at, NOW + 7.0 * DAY);
        // The access token is cut short so that it does not outlive the session.
        assert_eq!(issued.token_expires_at, NOW + 7.0 * DAY);
        assert_eq!(
            store.refresh("s1", &digest(7), digest(8), "j", NOW + 7.0 * DAY),
            Err(Refusal::RefreshTokenInvalid)
        );
    }

    #[test]
    fn ending_a_session_refuses_its_tokens_as_ended_until_they_expire() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert!(store.end("s1", NOW + 1.0));
        assert!(!store.end("s1", NOW + 2.0));
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 2.0),
            Err(Refusal::SessionEnded)
        );
        assert_eq!(
            store.refresh("s1", &digest(1), digest(2), "j", NOW + 2.0),
            Err(Refusal::SessionEnded)
        );
        assert_eq!(store.len(), 1);
        assert_eq!(
            store.check("s1", "s1-jti-0", Some("u1"), NOW + 15.0 * MINUTE),
            Err(Refusal::SessionUnknown)
        );
        assert_eq!(store.prune(NOW + 15.0 * MINUTE), 1);
        assert!(store.is_empty());
    }

    #[test]
    fn a_session_whose_tokens_have_all_expired_is_forgotten_when_it_ends() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert!(store.end("s1", NOW + 20.0 * MINUTE));
        assert!(store.is_empty());
    }

    #[test]
    fn list_and_end_all_work_per_subject() {
        let mut store = store();
        store.create("a", "u1", None, digest(1), "ja", NOW).unwrap();
        store
            .create("b", "u1", None, digest(2), "jb", NOW + 1.0)
            .unwrap();
        store.create("c", "u2", None, digest(3), "jc", NOW).unwrap();
        let ids = |views: Vec<SessionView>| views.into_iter().map(|v| v.id).collect::<Vec<_>>();
        assert_eq!(ids(store.list("u1", NOW + 2.0)), ["a", "b"]);
        assert!(store.end("a", NOW + 2.0));
        assert_eq!(ids(store.list("u1", NOW + 2.0)), ["b"]);
        assert_eq!(store.end_all("u1", NOW + 3.0), 1);
        assert!(store.list("u1", NOW + 3.0).is_empty());
        assert_eq!(
            store.check("b", "jb", Some("u1"), NOW + 3.0),
            Err(Refusal::SessionEnded)
        );
        assert_eq!(store.check("c", "jc", Some("u2"), NOW + 3.0), Ok(()));
        assert_eq!(store.end_all("nobody", NOW), 0);
    }

    #[test]
    fn an_id_in_use_cannot_be_created_again() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert_eq!(
            store
                .create("s1", "u2", None, digest(2), "j", NOW + 1.0)
                .unwrap_err(),
            SessionError::IdTaken
        );
        store.end("s1", NOW + 1.0);
        assert_eq!(
            store
                .create("s1", "u2", None, digest(2), "j", NOW + 2.0)
                .unwrap_err(),
            SessionError::IdTaken
        );
        // Once forgotten, the id is free again (with random ids this never happens in practice).
        assert!(store
            .create("s1", "u2", None, digest(2), "j", NOW + DAY)
            .is_ok());
        assert_eq!(store.list("u1", NOW + DAY), Vec::new());
    }

    #[test]
    fn retired_tokens_are_remembered_until_they_would_have_expired() {
        let mut store = SessionStore::new(Lifetimes {
            idle: 30.0 * MINUTE,
            ..lifetimes()
        })
        .unwrap();
        login(&mut store, "s1", "u1", 0);
        let mut now = NOW;
        for n in 1..=40u8 {
            now += 10.0 * MINUTE;
            store
                .refresh("s1", &digest(n - 1), digest(n), "j", now)
                .unwrap();
        }
        let session = &store.sessions[&key_of("s1")];
        // Each retired token would have expired 30 minutes after its issue: only the last three matter.
        assert!(session.retired.len() <= 4, "held {}", session.retired.len());
        assert!(session.tokens.len() <= 3, "held {}", session.tokens.len());
        assert_eq!(
            store.refresh("s1", &digest(39), digest(99), "j", now + 1.0),
            Err(Refusal::RefreshTokenReused)
        );
    }

    #[test]
    fn inserts_keep_the_store_bounded_by_live_sessions() {
        let mut store = SessionStore::new(Lifetimes {
            access_token: 1_000.0,
            idle: 100_000.0,
            absolute: 100_000.0,
            clock_tolerance: 0.0,
        })
        .unwrap();
        // One login per second, each session living 100 s: at most 100 are alive at once.
        let mut most = 0;
        for i in 0..20_000u32 {
            let now = NOW + f64::from(i) * 1_000.0;
            store
                .create(
                    &i.to_string(),
                    &format!("u{}", i % 7),
                    None,
                    digest(1),
                    "j",
                    now,
                )
                .unwrap();
            most = most.max(store.len());
        }
        assert!(most <= MIN_PRUNE_LEN, "held {most}");
        assert!(store.by_subject.values().map(HashSet::len).sum::<usize>() <= MIN_PRUNE_LEN);
    }

    #[test]
    fn prune_forgets_expired_sessions_and_their_index_entries() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        store
            .create("s2", "u1", None, digest(2), "j", NOW + DAY / 2.0)
            .unwrap();
        assert_eq!(store.prune(NOW + DAY), 1);
        assert_eq!(store.list("u1", NOW + DAY).len(), 1);
        assert_eq!(store.prune(NOW + 2.0 * DAY), 1);
        assert!(store.by_subject.is_empty());
    }

    #[test]
    fn a_uuid_is_its_own_key_and_any_other_string_is_hashed() {
        let uuid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff";
        assert_eq!(
            uuid_bytes(uuid),
            Some([
                0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x49, 0x78, 0x86, 0x95, 0xa4, 0xb3, 0xc2, 0xd1,
                0xe0, 0xff
            ])
        );
        assert_eq!(key_of(uuid), key_of(&uuid.to_uppercase()));
        for not_uuid in [
            "",
            "s1",
            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f",
            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fff",
            "0f1e2d3c4b5a-4978-8695-a4b3c2d1e0ff-",
            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fg",
            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0é",
        ] {
            assert_eq!(uuid_bytes(not_uuid), None, "{not_uuid}");
        }
        assert_ne!(key_of("s1"), key_of("s2"));
    }

    #[test]
    fn sessions_and_tokens_with_uuid_ids_work_as_any_other() {
        let mut store = store();
        let id = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff";
        let jti = "11111111-2222-4333-8444-555555555555";
        store.create(id, "u1", None, digest(1), jti, NOW).unwrap();
        assert_eq!(store.check(id, jti, Some("u1"), NOW), Ok(()));
        assert_eq!(
            store.check(&id.to_uppercase(), jti, Some("u1"), NOW),
            Ok(())
        );
        assert_eq!(store.get(id, NOW).unwrap().id, id);
        assert_eq!(
            store.check(id, "11111111-2222-4333-8444-555555555556", Some("u1"), NOW),
            Err(Refusal::TokenNotIssued)
        );
    }

    #[test]
    fn nan_times_refuse_rather_than_accept() {
        let mut store = store();
        login(&mut store, "s1", "u1", 1);
        assert!(store.check("s1", "s1-jti-0", Some("u1"), f64::NAN).is_err());
        assert!(store
            .refresh("s1", &digest(1), digest(2), "j", f64::NAN)
            .is_err());
        assert_eq!(
            store
                .create("s2", "u1", None, digest(2), "j", f64::INFINITY)
                .unwrap_err(),
            SessionError::InvalidTime
        );
        assert_eq!(store.check("s1", "s1-jti-0", Some("u1"), NOW), Ok(()));
    }
}
